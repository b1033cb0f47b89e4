//! Messy runs, batch "bj" (qa64): SLA files written before the run, naming stages and
//! endpoints the team's way rather than the data's. Runs of wrk (`-d3s --latency`,
//! one URL with its query string, in `02-Load Test/`) and Locust (`--csv`, a get
//! task that puts real IDs in its URLs, so every agent is an endpoint of its own)
//! against `headroom target`, judged by SLAs that write `rps`, a route with its
//! trailing slash and no method, a route template with a trailing slash, and a route
//! in capitals. Each used to be misread: `rps` refused, the trailing-slash route
//! silently read as a regex pooling three routes, the template refused as a regex
//! that does not compile, the capitals refused with a "did you mean" of one agent ID.

use std::path::Path;

use super::common::{headroom, TestDir};
use serde_json::Value;

/// wrk's `--latency` console for `requests` in 3.00 s against one URL with a query
/// string, as wrk 4.2 prints it.
fn wrk(requests: u64) -> String {
    format!(
        "Running 3s test @ http://127.0.0.1:18460/api/v1/agents?limit=10\n  \
         2 threads and 8 connections\n  \
         Thread Stats   Avg      Stdev     Max   +/- Stdev\n    \
         Latency    21.32ms   10.55ms  88.29ms   75.37%\n    \
         Req/Sec   191.80     21.33   242.00     71.67%\n  \
         Latency Distribution\n     50%   19.36ms\n     75%   25.97ms\n     \
         90%   34.38ms\n     99%   55.70ms\n  \
         {requests} requests in 3.00s, 223.10KB read\n\
         Requests/sec:    {:.2}\nTransfer/sec:     74.23KB\n",
        requests as f64 / 3.0
    )
}

/// One Locust `*_stats.csv` row: `count` requests, every percentile column `p` ms,
/// max `max` ms (the shape `locust --csv` 2.x writes).
fn locust_row(method: &str, name: &str, count: u64, p: u64, max: u64) -> String {
    let pcts = vec![p.to_string(); 10].join(",");
    format!("{method},{name},{count},0,{p},{p}.0,1.0,{max}.0,69.0,1.0,0.0,{pcts},{max}\n")
}

/// A Locust run: the list call with its query, the run call, and `ids` agents each an
/// endpoint of its own (`GET /api/v1/agents/{id}`), 100 requests each; agent 42 is
/// the slow one (max 900 ms), the others answer within 60 ms.
fn locust_run(dir: &TestDir, ids: &[u32]) -> std::path::PathBuf {
    let mut csv = String::from(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
         50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n",
    );
    csv += &locust_row("GET", "/api/v1/agents?limit=10", 400, 30, 80);
    csv += &locust_row("POST", "/api/v1/agents/run", 100, 400, 700);
    for id in ids {
        let max = if *id == 42 { 900 } else { 60 };
        csv += &locust_row("GET", &format!("/api/v1/agents/{id}"), 100, 40, max);
    }
    dir.write("loc/run_stats.csv", csv);
    dir.path().join("loc")
}

/// `check RUN --sla FILE --format json` on an SLA file's text: exit code, the JSON
/// (null when none) and stderr.
fn check(dir: &TestDir, run: &Path, sla: &str) -> (i32, Value, String) {
    let file = dir.write("team-sla.toml", sla);
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    (
        o.status.code().unwrap_or(-1),
        serde_json::from_slice(&o.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The evaluations of the rule written `rule`.
fn evaluations<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    (report["sla"]["rules"].as_array().expect("rules").iter())
        .filter(|r| r["rule"] == rule)
        .collect()
}

/// `rps` is DESIGN's `throughput_rps` by its unit: requests ÷ the steady window,
/// 1,200 ÷ 3 s = 400 req/s. `rps >= 390/s` passes and `rps > 410/s` fails, exactly as
/// `throughput` would (it used to be refused: exit 2, "did you mean throughput").
#[test]
fn rps_is_throughput_by_its_unit() {
    let dir = TestDir::new();
    dir.write("rel/02-Load Test/wrk_out.txt", wrk(1200));
    let run = dir.path().join("rel");
    let sla = "[global]\nrules = [\"rps >= 390/s\", \"rps > 410/s\", \"throughput > 410/s\"]\n";
    let (code, report, stderr) = check(&dir, &run, sla);
    assert_eq!(code, 1, "{stderr}");
    let floor = evaluations(&report, "rps >= 390/s");
    let over = evaluations(&report, "rps > 410/s");
    let same = evaluations(&report, "throughput > 410/s");
    assert!(!floor.is_empty() && floor.len() == over.len(), "{report:#}");
    for ((f, o), t) in floor.iter().zip(&over).zip(&same) {
        assert_eq!(f["metric"], "throughput", "{f:#}");
        let v = f["value"].as_f64().unwrap();
        assert!((v - 400.0).abs() < 0.5, "{v}");
        assert_eq!(f["status"], "pass", "{f:#}");
        assert_eq!(o["status"], "fail", "{o:#}");
        assert_eq!(
            (o["status"].clone(), o["value"].clone()),
            (t["status"].clone(), t["value"].clone())
        );
    }
}

/// `[endpoint."/api/v1/agents/"]` is the list route with its trailing slash (the
/// data's `GET /api/v1/agents?limit=10`, query aside) and also a regex matching the
/// run call and every agent: which was meant is unknown, so it is refused (exit 2)
/// naming the route and a few of the others, not read as a regex that pools a 700 ms
/// run call into the list call's rule. With its method it names the list call alone.
#[test]
fn a_trailing_slash_route_that_also_reads_as_a_regex_is_refused() {
    let dir = TestDir::new();
    let ids: Vec<u32> = (1..=12).collect();
    let run = locust_run(&dir, &ids);
    let rules = "[global]\nrules = [\"error_rate < 1%\"]\n[endpoint.\"/api/v1/agents/\"]\n\
                 rules = [\"max < 100ms\"]\n";
    let (code, _, stderr) = check(&dir, &run, rules);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("team-sla.toml:3"), "{stderr}");
    assert!(
        stderr.contains("is the route of \"GET /api/v1/agents?limit=10\""),
        "{stderr}"
    );
    // 14 endpoints match the regex: five named, the rest counted.
    assert!(stderr.contains("and 9 more"), "{stderr}");
    let (code, report, stderr) = check(&dir, &run, &rules.replace("\"/api", "\"GET /api"));
    assert_eq!(code, 0, "{stderr}");
    let judged = evaluations(&report, "max < 100ms");
    assert!(!judged.is_empty(), "{report:#}");
    for e in judged {
        assert_eq!(e["value"].as_f64(), Some(80.0), "{e:#}");
        assert_eq!(e["status"], "pass", "{e:#}");
    }
}

/// `[endpoint."/api/v1/agents/{id}/"]`: a route template with a trailing slash is a
/// route (no regex means `{id}`), pooling the agents: its max is agent 42's 900 ms,
/// past `max < 500ms` (exit 1). It used to be refused as a regex that does not compile.
#[test]
fn a_route_template_with_a_trailing_slash_is_a_route() {
    let dir = TestDir::new();
    let run = locust_run(&dir, &[7, 42, 1001]);
    for name in ["/api/v1/agents/{id}/", "GET /api/v1/agents/:agentId/"] {
        let sla = format!("[endpoint.\"{name}\"]\nrules = [\"max < 500ms\"]\n");
        let (code, report, stderr) = check(&dir, &run, &sla);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(!stderr.contains("does not compile"), "{stderr}");
        let judged = evaluations(&report, "max < 500ms");
        assert!(!judged.is_empty(), "{report:#}");
        for e in judged {
            assert_eq!(e["value"].as_f64(), Some(900.0), "{e:#}");
            assert_eq!(e["status"], "fail", "{e:#}");
        }
    }
}

/// An SLA in capitals, `[endpoint."GET /API/V1/AGENTS"]`, names the list call Locust
/// keys `GET /api/v1/agents?limit=10` (its max 80 ms fails `max < 50ms`: exit 1). It
/// used to be exit 2 with "did you mean GET /api/v1/agents/2", an agent's URL.
#[test]
fn a_route_in_capitals_names_the_route() {
    let dir = TestDir::new();
    let ids: Vec<u32> = (1..=5).collect();
    let run = locust_run(&dir, &ids);
    let sla = "[endpoint.\"GET /API/V1/AGENTS\"]\nrules = [\"max < 50ms\"]\n";
    let (code, report, stderr) = check(&dir, &run, sla);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("did you mean"), "{stderr}");
    let judged = evaluations(&report, "max < 50ms");
    assert!(!judged.is_empty(), "{report:#}");
    for e in judged {
        assert_eq!(e["value"].as_f64(), Some(80.0), "{e:#}");
        assert_eq!(e["status"], "fail", "{e:#}");
    }
}

/// hey's console as hey 0.1.4 prints it, for `n` answers of 200 in `secs` s.
fn hey(n: u64, secs: f64) -> String {
    format!(
        "\nSummary:\n  Total:\t{secs:.4} secs\n  Slowest:\t0.0900 secs\n  Fastest:\t0.0010 secs\n  \
         Average:\t0.0300 secs\n  Requests/sec:\t{:.4}\n  \n  Total data:\t{} bytes\n  \
         Size/request:\t9 bytes\n\nLatency distribution:\n  10% in 0.0100 secs\n  \
         25% in 0.0200 secs\n  50% in 0.0300 secs\n  75% in 0.0400 secs\n  \
         90% in 0.0600 secs\n  95% in 0.0700 secs\n  99% in 0.0850 secs\n\n\
         Status code distribution:\n  [200]\t{n} responses\n\n",
        n as f64 / secs,
        n * 9
    )
}

/// `03_PEAK/` and `04_Peak (rerun)/`: `verdict_stages = ["peak"]` is refused (which run
/// decides is the team's to say), and the error no longer tells the user to write
/// "peak" — the very name refused — but how to choose either run.
#[test]
fn a_stage_run_again_says_how_to_choose_each_run() {
    let dir = TestDir::new();
    dir.write("rel/03_PEAK/hey.txt", hey(1400, 3.0));
    dir.write("rel/04_Peak (rerun)/hey.txt", hey(900, 2.0));
    let run = dir.path().join("rel");
    for name in ["peak", "PEAK"] {
        let sla = format!("[global]\nverdict_stages = [\"{name}\"]\nrules = [\"p(95) < 500ms\"]\n");
        let (code, _, stderr) = check(&dir, &run, &sla);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("a run and its rerun"), "{stderr}");
        assert!(
            stderr.contains("write \"peak_rerun\" to judge the rerun"),
            "{stderr}"
        );
        assert!(!stderr.contains("write one of \"peak\""), "{stderr}");
    }
}
