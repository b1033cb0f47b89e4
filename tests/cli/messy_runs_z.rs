//! Messy runs, batch "z" (qa32): CSVs that are not a load tool's per-request results
//! but now read as generic CSVs (the column names `time`, `path`, `elapsed`,
//! `duration` and their unit spellings), beside or instead of a tool's own files.

use super::common::{check_rules, TestDir};

/// A JTL's 17 default columns; `elapsed` runs 200–399 ms and JMeter's `Latency` (time
/// to first byte) 5–19 ms.
fn jtl_rows(index_column: bool) -> String {
    let header = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,\
success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect";
    let mut out = format!("{}{header}\n", if index_column { "," } else { "" });
    for i in 0..3000u64 {
        let t = 1_764_835_200_000 + i * 20;
        let (elapsed, ttfb) = (200 + i % 200, 5 + i % 15);
        if index_column {
            out.push_str(&format!("{i},"));
        }
        out.push_str(&format!(
            "{t},{elapsed},GET /a,200,OK,tg 1-1,text,true,,100,50,10,10,http://x/a,{ttfb},0,1\n"
        ));
    }
    out
}

/// A user had a JTL re-saved through pandas (`df.to_csv(...)`, which writes its index
/// as an unnamed first column). JMeter's JTL sniffer wants a JMeter column first, so
/// it read as a generic CSV, and headroom took JMeter's `Latency` column (time to the
/// first byte, 5–19 ms) as the response time: p(95) < 100ms passed on 19 ms where
/// every request took 200–399 ms, a wrong GO. Now a header holding both `elapsed` and
/// `Latency` is JMeter's, and `elapsed` is the response time (p95 = 389 ms: fail).
#[test]
fn a_jtl_resaved_with_an_index_column_is_judged_on_elapsed_not_latency() {
    let dir = TestDir::new();
    let run = dir.write("run/results.csv", jtl_rows(true));
    let run = run.parent().unwrap();
    let (code, out, err) = check_rules(&dir, run, "\"p(95) < 100ms\"");
    assert_eq!(code, 1, "{out}\n{err}");
    // Nearest-rank p95 of 200..=399 (15 times each): the 2850th of 3000 is 389 ms.
    assert!(out.contains("389"), "{out}");
    // The same rows as the JTL they came from give the same figure.
    let jtl = dir.write("jtl/results.jtl", jtl_rows(false));
    let (code, out, err) = check_rules(&dir, jtl.parent().unwrap(), "\"p(95) < 100ms\"");
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("389"), "{out}");
}

/// wrk's console of `wrk -t2 -c10 -d8s --latency` against `headroom target`
/// (GET /api/v1/agents, 20 ms mean service): p99 59.37 ms, no p95.
const WRK_10_CONNECTIONS: &str = "Running 8s test @ http://127.0.0.1:18732/api/v1/agents
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.07ms   11.07ms 125.27ms   75.75%
    Req/Sec   232.51     26.11   300.00     72.50%
  Latency Distribution
     50%   19.88ms
     75%   27.06ms
     90%   36.26ms
     99%   59.37ms
  3711 requests in 8.02s, 721.18KB read
Requests/sec:    462.86
Transfer/sec:     89.95KB
";

/// The server's access log of the same test, exported as CSV: 4,000 requests (the
/// load and the health checks), each timed on the server's side at 1–5 ms.
fn access_log() -> String {
    let mut out = String::from("timestamp,method,path,status,duration_ms\n");
    for i in 0..4000u64 {
        let t = 1_764_835_200_000 + i * 2;
        out.push_str(&format!(
            "{t},GET,/api/v1/agents,200,{}.{}\n",
            1 + i % 4,
            i % 10
        ));
    }
    out
}

/// A user saved the server's access log (exported as CSV: timestamp, method, path,
/// status, duration_ms) beside wrk's console, in the stage dir and in a flat dir. The
/// access log read as a generic CSV with more requests and every request's latency,
/// so it was the report's source: p(99) < 30ms passed on the server's 5 ms where wrk
/// measured 59.37 ms, and p(95) (which wrk does not print) was judged on the access
/// log too — a wrong GO both ways. Now a generic CSV whose columns go by other names
/// than headroom's (`path`, `duration_ms`), a file of unknown origin, gives way to the
/// load tool's own results and never answers a rule for them: p(99) fails on wrk's
/// 59.37 ms, and p(95) is not passed. (A CSV in headroom's own column names still
/// leads over wrk: `sources::a_per_request_source_leads_over_a_tool_summary`.)
#[test]
fn a_server_access_log_csv_beside_wrk_never_decides_the_verdict() {
    for layout in ["staged/01_load_10users/", "flat/"] {
        let dir = TestDir::new();
        dir.write(&format!("{layout}wrk.txt"), WRK_10_CONNECTIONS);
        dir.write(&format!("{layout}access_log.csv"), access_log());
        let run = dir.path().join(layout.split('/').next().unwrap());
        let (code, out, err) = check_rules(&dir, &run, "\"p(99) < 30ms\"");
        assert_eq!(code, 1, "{layout}: {out}\n{err}");
        assert!(
            out.contains("59.37") || out.contains("59.4"),
            "{layout}: {out}"
        );
        let (_, out, err) = check_rules(&dir, &run, "\"p(95) < 30ms\"");
        assert!(!out.contains("verdict: GO"), "{layout}: {out}\n{err}");
        assert!(!out.contains(" pass "), "{layout}: {out}\n{err}");
    }
}
