//! Messy runs, batch "v" (qa28): the gaps earlier rounds left open. Every tool's
//! summary and result files read gzipped as unpacked, to the same figures and names,
//! and a packed file whose stream was cut is a run that did not end (no GO) even when
//! its text looks whole.

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use super::common::{analyze_json, headroom, TestDir};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

fn check_json(run: &Path, sla: &Path) -> (i32, Value, String) {
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let v = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), v, stderr)
}

/// siege 4.0.7's console (`siege -c 4 -t 5S -b URL > siege.txt`, json_output on).
const SIEGE_JSON: &str = "{\t\"transactions\":\t\t\t         799,\n\
\t\"availability\":\t\t\t      100.00,\n\
\t\"elapsed_time\":\t\t\t        4.20,\n\
\t\"data_transferred\":\t\t        0.07,\n\
\t\"response_time\":\t\t        0.02,\n\
\t\"transaction_rate\":\t\t      190.24,\n\
\t\"throughput\":\t\t\t        0.02,\n\
\t\"concurrency\":\t\t\t        3.99,\n\
\t\"successful_transactions\":\t         799,\n\
\t\"failed_transactions\":\t\t           0,\n\
\t\"longest_transaction\":\t\t        0.08,\n\
\t\"shortest_transaction\":\t\t        0.00\n\
}\n";

/// siege 4.0.7's `--log=siege.log`.
const SIEGE_LOG: &str = "      Date & Time,  Trans,  Elap Time,  Data Trans,  Resp Time,  \
Trans Rate,  Throughput,  Concurrent,    OKAY,   Failed\n\
2026-12-05 10:06:47,    545,       2.92,           0,       0.02,      186.64,        0.00,        \
4.00,     545,       0\n";

/// h2load 1.x's console (`h2load -n 400 -c 4 -t 2 --h1 URL`).
const H2LOAD_TXT: &str = "starting benchmark...
spawning thread #0: 2 total client(s). 200 total requests
spawning thread #1: 2 total client(s). 200 total requests
Application protocol: http/1.1

finished in 2.21s, 181.11 req/s, 35.20KB/s
requests: 400 total, 400 started, 400 done, 400 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 400 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 77.73KB (79600) total, 30.08KB (30800) headers (space savings 0.00%), 35.55KB (36400) data
                     min         max         mean         sd        +/- sd
time for request:     5.22ms     62.01ms     20.89ms      9.91ms    72.50%
time for connect:       39us       120us        72us        39us    75.00%
time to 1st byte:     5.26ms     31.38ms     19.86ms     12.09ms    75.00%
req/s           :      45.28       50.58       47.91        2.16    50.00%
";

/// httperf 0.9's console (`httperf --num-conns 100 --rate 50 …`).
const HTTPERF_TXT: &str = "httperf --client=0/1 --server=127.0.0.1 --port=18928 \
--uri=/api/v1/agents --rate=50 --send-buffer=4096 --recv-buffer=16384 --num-conns=100 --num-calls=1
Maximum connect burst length: 1

Total: connections 100 requests 100 replies 100 test-duration 1.992 s

Connection rate: 50.2 conn/s (19.9 ms/conn, <=3 concurrent connections)
Connection time [ms]: min 8.0 avg 21.5 max 68.2 median 18.5 stddev 11.1
Connection time [ms]: connect 0.0
Connection length [replies/conn]: 1.000

Request rate: 50.2 req/s (19.9 ms/req)
Request size [B]: 75.0

Reply rate [replies/s]: min 0.0 avg 0.0 max 0.0 stddev 0.0 (0 samples)
Reply time [ms]: response 21.5 transfer 0.0
Reply size [B]: header 108.0 content 91.0 footer 0.0 (total 199.0)
Reply status: 1xx=0 2xx=100 3xx=0 4xx=0 5xx=0

CPU time [s]: user 0.30 system 1.52 (user 15.2% system 76.1% total 91.3%)
Net I/O: 13.4 KB/s (0.1*10^6 bps)

Errors: total 0 client-timo 0 socket-timo 0 connrefused 0 connreset 0
Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0
";

/// vegeta 12's text report: 1,194 answered 200 and 6 answered 503.
const VEGETA_TXT: &str = "Requests      [total, rate, throughput]         1200, 40.03, 39.99
Duration      [total, attack, wait]             30.007s, 29.975s, 32.587ms
Latencies     [min, mean, 50, 90, 95, 99, max]  2.183ms, 5.012ms, 4.689ms, 6.515ms, 7.342ms, 11.108ms, 43.204ms
Bytes In      [total, mean]                     31200, 26.00
Bytes Out     [total, mean]                     0, 0.00
Success       [ratio]                           99.50%
Status Codes  [code:count]                      200:1194  503:6  
Error Set:
503 Service Unavailable
";

/// wrk 4.2's console (`wrk -t2 -c4 -d2s --latency URL`).
const WRK_TXT: &str = "Running 2s test @ http://127.0.0.1:18928/api/v1/agents
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.05ms   12.12ms  80.90ms   75.95%
    Req/Sec    93.45     16.28   140.00     70.00%
  Latency Distribution
     50%   18.63ms
     75%   26.55ms
     90%   37.89ms
     99%   72.32ms
  373 requests in 2.00s, 72.49KB read
Requests/sec:    186.33
Transfer/sec:     36.21KB
";

/// h2load's `--log-file`: `n` requests, 5 ms apart from 2026-12-05T10:00:00Z, all
/// answered 200 in `5 + i % 20` ms.
fn h2load_log(n: u64) -> String {
    (0..n)
        .map(|i| {
            let start_us = 1_796_464_800_000_000 + i * 5_000;
            format!("{start_us}\t200\t{}\n", (5 + i % 20) * 1000)
        })
        .collect()
}

/// An HdrHistogram percentile output: 1,000 values, 1..=1000 ms, one each.
fn hgrm() -> String {
    let mut out = String::from("       Value     Percentile TotalCount 1/(1-Percentile)\n\n");
    for k in [1u64, 100, 250, 500, 750, 900, 990, 999, 1000] {
        let pct = k as f64 / 1000.0;
        let inv = if k == 1000 {
            "inf".to_string()
        } else {
            format!("{:.2}", 1.0 / (1.0 - pct))
        };
        out.push_str(&format!(
            "{:>12.3} {:>14.12} {:>10} {:>14}\n",
            k as f64, pct, k, inv
        ));
    }
    out.push_str("#[Mean    =      500.500, StdDeviation   =      288.675]\n");
    out.push_str("#[Max     =     1000.000, Total count    =         1000]\n");
    out.push_str("#[Buckets =           20, SubBuckets     =         2048]\n");
    out
}

/// A Locust 2.x `--csv run` set of a 10 s run at 5 users: one endpoint, 100 requests
/// (10 a second), 2 failed.
fn locust_set() -> (String, String) {
    let stats = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response \
Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,60%,\
70%,80%,90%,95%,99%,99.9%,99.99%,100%\n\
GET,/api,100,2,20,21.5,5,90,91.0,10.0,0.2,20,22,25,28,35,40,80,90,90,90\n\
,Aggregated,100,2,20,21.5,5,90,91.0,10.0,0.2,20,22,25,28,35,40,80,90,90,90\n"
        .to_string();
    let mut history = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,\
99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total \
Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content \
Size\n",
    );
    for s in 1..=10u64 {
        let failed = if s > 5 { 1 } else { 0 } + if s > 8 { 1 } else { 0 };
        history.push_str(&format!(
            "{},5,,Aggregated,10.0,0.0,20,23,25,28,35,40,60,80,90,90,90,{},{failed},20,21.5,5,90,91.0\n",
            1_796_464_800 + s,
            s * 10
        ));
    }
    (stats, history)
}

/// k6's `--summary-export` (k6 0.x): 4,000 requests at 20 VUs, none failed.
const K6_SUMMARY: &str = r#"{
  "root_group": {"name": "", "path": "", "id": "d41d8cd98f00b204e9800998ecf8427e", "groups": {}, "checks": {}},
  "metrics": {
    "http_reqs": {"count": 4000, "rate": 200.0},
    "http_req_duration": {"avg": 21.5, "min": 5.1, "med": 19.0, "max": 88.0, "p(90)": 35.0, "p(95)": 41.0},
    "http_req_failed": {"passes": 0, "fails": 4000, "value": 0},
    "iterations": {"count": 4000, "rate": 200.0},
    "vus": {"min": 20, "max": 20, "value": 20},
    "vus_max": {"min": 20, "max": 20, "value": 20}
  }
}
"#;

/// autocannon 7's `-j` output (`autocannon -c 4 -d 2 -j URL`).
const AUTOCANNON_JSON: &str = r#"{"url":"http://127.0.0.1:18928/api/v1/agents","connections":4,"sampleInt":1000,"pipelining":1,"workers":0,"duration":2.01,"samples":2,"start":"2026-12-05T11:02:01.913Z","finish":"2026-12-05T11:02:03.922Z","errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":371,"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{"200":{"count":371}},"latency":{"average":20.9,"mean":20.9,"stddev":10.92,"min":4,"max":70,"p0_001":4,"p0_01":4,"p0_1":4,"p1":7,"p2_5":7,"p10":10,"p25":13,"p50":18,"p75":25,"p90":37,"p97_5":48,"p99":57,"p99_9":70,"p99_99":70,"p99_999":70,"totalCount":371},"requests":{"average":185.5,"mean":185.5,"stddev":14.5,"min":171,"max":200,"total":371,"p0_001":171,"p0_01":171,"p0_1":171,"p1":171,"p2_5":171,"p10":171,"p25":171,"p50":171,"p75":200,"p90":200,"p97_5":200,"p99":200,"p99_9":200,"p99_99":200,"p99_999":200,"sent":375},"throughput":{"average":36912,"mean":36912,"stddev":2880,"min":34029,"max":39800,"total":73829,"p0_001":34047,"p0_01":34047,"p0_1":34047,"p1":34047,"p2_5":34047,"p10":34047,"p25":34047,"p50":34047,"p75":39807,"p90":39807,"p97_5":39807,"p99":39807,"p99_9":39807,"p99_99":39807,"p99_999":39807}}
"#;

/// hey's `-o csv`: `n` answers 200 in `10 + i % 30` ms, 5 ms apart.
fn hey_csv(n: u64) -> String {
    let mut out = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..n {
        let t = (10 + i % 30) as f64 / 1000.0;
        let offset = i as f64 * 0.005;
        out.push_str(&format!(
            "{t:.4},0.0001,0.0000,0.0001,{:.4},0.0001,200,{offset:.4}\n",
            t - 0.0003
        ));
    }
    out
}

/// A tool, its files (name and text) and the requests they hold.
type Written = (&'static str, Vec<(&'static str, String)>, u64);

/// Each format's files, as a tool writes them, with the requests they hold.
fn packed_formats() -> Vec<Written> {
    let (stats, history) = locust_set();
    vec![
        ("siege", vec![("siege.txt", SIEGE_JSON.into())], 799),
        ("siege-log", vec![("siege.log", SIEGE_LOG.into())], 545),
        ("h2load", vec![("h2load.txt", H2LOAD_TXT.into())], 400),
        ("h2load-log", vec![("h2load.log", h2load_log(400))], 400),
        ("httperf", vec![("httperf.txt", HTTPERF_TXT.into())], 100),
        ("vegeta", vec![("report.txt", VEGETA_TXT.into())], 1200),
        ("hgrm", vec![("latency.hgrm", hgrm())], 1000),
        (
            "locust",
            vec![("run_stats.csv", stats), ("run_stats_history.csv", history)],
            100,
        ),
        ("k6", vec![("summary.json", K6_SUMMARY.into())], 4000),
        ("autocannon", vec![("ac.json", AUTOCANNON_JSON.into())], 371),
        ("hey-csv", vec![("hey.csv", hey_csv(300))], 300),
    ]
}

#[test]
fn every_tools_results_read_gzipped_as_unpacked() {
    let dir = TestDir::new();
    for (tool, files, requests) in packed_formats() {
        for (file, text) in &files {
            dir.write(&format!("plain/{tool}/{file}"), text);
            dir.write(&format!("gz/{tool}/{file}.gz"), gzip(text.as_bytes()));
        }
        let plain = dir.path().join("plain").join(tool);
        let packed = dir.path().join("gz").join(tool);
        let (code, a, stderr) = analyze_json(&[&plain], &[]);
        assert_eq!(code, 0, "{tool}: {stderr}");
        let (code, b, stderr) = analyze_json(&[&packed], &[]);
        assert_eq!(code, 0, "{tool}.gz: {stderr}");
        assert!(!stderr.contains("decompress"), "{tool}: {stderr}");
        assert_eq!(b["skipped"], serde_json::json!([]), "{tool}.gz");
        assert_eq!(b["problems"], serde_json::json!([]), "{tool}.gz");
        assert_eq!(b["overall"]["requests"], requests, "{tool}.gz");
        assert_ne!(b["run"]["complete"], false, "{tool}.gz: {b}");
        for key in [
            "requests",
            "failures",
            "throughput_rps",
            "latency_ms",
            "duration_s",
        ] {
            assert_eq!(a["overall"][key], b["overall"][key], "{tool}: {key}");
        }
        // The same stages, users and endpoints, named as unpacked (a file's stem, not
        // `siege.txt`).
        let stages = |r: &Value| {
            (r["stages"].as_array().unwrap().iter())
                .map(|s| {
                    let keys = s["endpoints"].as_array().unwrap().iter();
                    let keys: Vec<String> = keys.map(|e| e["key"].to_string()).collect();
                    (s["name"].to_string(), s["users"].to_string(), keys)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(stages(&a), stages(&b), "{tool}");
    }
}

#[test]
fn a_packed_summary_whose_stream_was_cut_is_a_run_that_did_not_end() {
    let dir = TestDir::new();
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    // Cut in the stream's 8-byte end mark (CRC and size): every byte of text inflates,
    // so the figures look whole, but the file was copied while it was written (or cut).
    for (tool, file, text) in [
        ("wrk", "wrk.txt", WRK_TXT.to_string()),
        ("siege", "siege.txt", SIEGE_JSON.to_string()),
        ("h2load", "h2load.txt", H2LOAD_TXT.to_string()),
    ] {
        let gz = gzip(text.as_bytes());
        let cut = dir.write(&format!("{tool}/{file}.gz"), &gz[..gz.len() - 4]);
        let run = cut.parent().unwrap();
        let (code, report, stderr) = analyze_json(&[run], &[]);
        assert_eq!(code, 0, "{tool}: {stderr}");
        assert_eq!(report["run"]["complete"], false, "{tool}: {report}");
        let why = report["run"]["incomplete_reason"].as_str().unwrap_or("");
        assert!(why.contains(&format!("{file}.gz")), "{tool}: {why}");
        // Every rule passes, on a run whose end is missing: no GO.
        let (code, out, stderr) = check_json(run, &sla);
        assert_eq!(code, 0, "{tool}: {stderr}");
        assert_eq!(out["verdict"], "CONDITIONAL", "{tool}: {out}");
    }
    // A Locust set whose stats file was cut right after a cell's comma: the row has
    // its number of cells, the Aggregated row is missing.
    let (stats, history) = locust_set();
    let gz = gzip(stats.as_bytes());
    dir.write("locust/run_stats.csv.gz", &gz[..gz.len() - 4]);
    dir.write("locust/run_stats_history.csv", history);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("locust")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["run"]["complete"], false, "{report}");
}

/// JMeter 5's default CSV JTL header, with `Hostname` (`saveservice.hostname=true`).
const JTL_HEADER: &str = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,\
dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,Hostname,\
IdleTime,Connect\n";

/// One JTL row: thread `thread` of `group`, `threads` in its group and `all` in its
/// engine on `host`; a 503 when `failed`.
struct Sample<'a> {
    start_ms: u64,
    elapsed_ms: u64,
    thread: String,
    threads: u32,
    all: u32,
    host: &'a str,
    failed: bool,
}

impl Sample<'_> {
    fn row(&self) -> String {
        let (code, msg, ok) = match self.failed {
            true => ("503", "Service Unavailable", "false"),
            false => ("200", "OK", "true"),
        };
        format!(
            "{},{},GET agents,{code},{msg},{},text,{ok},,291,120,{},{},\
             http://127.0.0.1/api/v1/agents,{},{},0,0\n",
            self.start_ms,
            self.elapsed_ms,
            self.thread,
            self.threads,
            self.all,
            self.elapsed_ms.saturating_sub(1),
            self.host
        )
    }
}

/// An engine's samples: `users` threads of `group` (named as JMeter names them,
/// `prefix` before a distributed engine's), each looping a `10 + (i·7 + u·3) % 30` ms
/// sample and 100 ms think for 10 s from `offset_ms`, every `fail_every`-th sample a
/// 503; sorted by start.
fn engine<'h>(group: &str, users: u32, all: u32, offset_ms: u64, host: &'h str) -> Vec<Sample<'h>> {
    let t0 = 1_796_464_800_000 + offset_ms;
    let mut rows = Vec::new();
    for u in 1..=users {
        let mut t = t0 + u as u64 * 3;
        let mut i = 0u64;
        while t < t0 + 10_000 {
            let elapsed = 10 + (i * 7 + u as u64 * 3) % 30;
            rows.push(Sample {
                start_ms: t,
                elapsed_ms: elapsed,
                thread: format!("{group} 1-{u}"),
                threads: users,
                all,
                host,
                failed: false,
            });
            t += elapsed + 100;
            i += 1;
        }
    }
    rows.sort_by_key(|s| s.start_ms);
    rows
}

fn jtl(rows: &[Sample<'_>]) -> String {
    let mut out = String::from(JTL_HEADER);
    rows.iter().for_each(|s| out.push_str(&s.row()));
    out
}

/// The first stage of a report: its users and requests, and its error rate.
fn stage_figures(report: &Value) -> (Option<u64>, u64, f64) {
    let s = &report["stages"][0];
    let users = s["users"].as_f64().map(|u| u as u64);
    let requests = s["requests"].as_u64().unwrap();
    (
        users,
        requests,
        s["error_rate"].as_f64().unwrap_or(f64::NAN),
    )
}

#[test]
fn two_jmeter_engines_jtls_in_one_dir_add_their_users() {
    let dir = TestDir::new();
    // Two JMeter instances on one machine run the same plan at once, 5 threads each:
    // the same thread names run samples at overlapping times (13 ms apart).
    let a = engine("Thread Group", 5, 5, 0, "lg1");
    let b = engine("Thread Group", 5, 5, 13, "lg1");
    dir.write("same-host/engine1.jtl", jtl(&a));
    dir.write("same-host/engine2.jtl", jtl(&b));
    // On two machines, and other thread names: the hosts tell them apart.
    let c = engine("Browse", 4, 4, 0, "lg-a");
    let d = engine("Checkout", 6, 6, 500, "lg-b");
    dir.write("two-hosts/lg-a.jtl", jtl(&c));
    dir.write("two-hosts/lg-b.jtl", jtl(&d));
    for (run, users, requests) in [
        ("same-host", 10, a.len() + b.len()),
        ("two-hosts", 10, c.len() + d.len()),
    ] {
        let (code, report, stderr) = analyze_json(&[&dir.path().join(run)], &[]);
        assert_eq!(code, 0, "{run}: {stderr}");
        assert_eq!(report["skipped"], serde_json::json!([]), "{run}");
        let (u, n, _) = stage_figures(&report);
        assert_eq!((u, n), (Some(users), requests as u64), "{run}");
        let notes = report["sources"][0]["notes"].to_string();
        assert!(notes.contains("2 JMeter engines"), "{run}: {notes}");
    }
    // Each engine's console beside: each counts its engine's samples, together the
    // run's: the same run, not another's (which would leave the data incomplete).
    for (n, samples) in [(1, a.len()), (2, b.len())] {
        dir.write(
            &format!("same-host/console{n}.txt"),
            format!(
                "Created the tree successfully using plan.jmx\n\
                 Starting standalone test @ 2026 Dec 5 10:00:00 UTC (1796464800000)\n\
                 summary = {samples:>6} in 00:00:10 =   40.0/s Avg:    2{n} Min:    10 Max:    \
                 39 Err:     0 (0.00%)\n\
                 Tidying up ...    @ 2026 Dec 5 10:00:10 UTC (1796464810000)\n... end of run\n"
            ),
        );
    }
    let (code, report, stderr) = analyze_json(&[&dir.path().join("same-host")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_ne!(
        report["data_quality"], "incomplete",
        "{:#}",
        report["skipped"]
    );
    let kinds: Vec<&str> = (report["skipped"].as_array().unwrap().iter())
        .map(|s| s["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["same_data", "same_data"], "{:#}", report["skipped"]);
}

#[test]
fn one_jmeter_engines_listeners_in_one_dir_do_not_add() {
    let dir = TestDir::new();
    // One engine, 10 threads; every 50th sample a 503 (2 %); a second listener saves
    // only the errors: `errors.jtl` repeats `all.jtl`'s failed samples.
    let mut all = engine("Thread Group", 10, 10, 0, "lg1");
    for (i, s) in all.iter_mut().enumerate() {
        s.failed = i % 50 == 0;
    }
    let failed: Vec<Sample<'_>> = (all.iter().filter(|s| s.failed))
        .map(|s| Sample {
            thread: s.thread.clone(),
            ..*s
        })
        .collect();
    let failures = failed.len();
    dir.write("errors/all.jtl", jtl(&all));
    dir.write("errors/errors.jtl", jtl(&failed));
    let run = dir.path().join("errors");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let (users, requests, rate) = stage_figures(&report);
    assert_eq!((users, requests), (Some(10), all.len() as u64));
    assert!(
        (rate - failures as f64 / all.len() as f64).abs() < 1e-9,
        "{rate}"
    );
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("errors.jtl") && skipped.contains("two listeners"),
        "{skipped}"
    );
    // Under a 4 % error limit the run passes; counted twice its errors were over 4 %.
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 4%\"]\n");
    let (code, out, stderr) = check_json(&run, &sla);
    assert_eq!(
        (code, out["verdict"].as_str()),
        (0, Some("GO")),
        "{out} {stderr}"
    );
    // One engine's listener per thread group: other thread names, each sample's
    // `allThreads` the engine's 8; read together, at 8 users.
    let browse = engine("Browse", 5, 8, 0, "lg1");
    let checkout = engine("Checkout", 3, 8, 7, "lg1");
    dir.write("groups/browse.jtl", jtl(&browse));
    dir.write("groups/checkout.jtl", jtl(&checkout));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("groups")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["skipped"], serde_json::json!([]));
    let (users, requests, _) = stage_figures(&report);
    assert_eq!(
        (users, requests),
        (Some(8), (browse.len() + checkout.len()) as u64)
    );
}

/// `rows` with `timeStamp` written as `jmeter.save.saveservice.timestamp_format=
/// yyyy/MM/dd HH:mm:ss.SSS` on an engine `zone_h` hours east of UTC.
fn dated_jtl(rows: &[Sample<'_>], zone_h: i64) -> String {
    let epoch = jtl(rows);
    let mut out = String::new();
    for (i, line) in epoch.lines().enumerate() {
        let Some((ts, rest)) = line.split_once(',').filter(|_| i > 0) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let local = ts.parse::<i64>().unwrap() + zone_h * 3_600_000;
        let (days, ms) = (local.div_euclid(86_400_000), local.rem_euclid(86_400_000));
        // 2026-12-05 is day 20_792 since 1970-01-01.
        assert_eq!(days, 20_792, "the fixture stays within 2026-12-05");
        let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        out.push_str(&format!(
            "2026/12/05 {h:02}:{m:02}:{s:02}.{milli:03},{rest}\n"
        ));
    }
    out
}

#[test]
fn a_jtl_dated_in_local_time_lines_up_with_an_epoch_one_by_its_console() {
    let dir = TestDir::new();
    // Two load generators of one stage, 5 threads each, at once: gen1's JMeter writes
    // dates in its local time (UTC+1), gen2's epoch ms. gen1's console says when the
    // test started, as local time and as epoch ms.
    let a = engine("Thread Group", 5, 5, 0, "gen1");
    let b = engine("Thread Group", 5, 5, 0, "gen2");
    dir.write("run/gen1/results.jtl", dated_jtl(&a, 1));
    dir.write(
        "run/gen1/console.txt",
        format!(
            "Creating summariser <summary>\nCreated the tree successfully using plan.jmx\n\
             Starting standalone test @ 2026 Dec 5 11:00:00 CET (1796464800000)\n\
             Waiting for possible Shutdown/StopTestNow/HeapDump/ThreadDump message on port 4445\n\
             summary = {:>6} in 00:00:10 =   40.0/s Avg:    25 Min:    10 Max:    39 Err:     0 \
             (0.00%)\n\
             Tidying up ...    @ 2026 Dec 5 11:00:10 CET (1796464810000)\n... end of run\n",
            a.len()
        ),
    );
    dir.write("run/gen2/results.jtl", jtl(&b));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    // One stage, at both generators' users, from 2026-12-05T10:00:00Z.
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 1, "{:#}", report["stages"]);
    let (users, requests, _) = stage_figures(&report);
    assert_eq!((users, requests), (Some(10), (a.len() + b.len()) as u64));
    let start = stages[0]["start"].as_str().unwrap_or("");
    assert!(start.starts_with("2026-12-05T10:00:0"), "{start}");
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("UTC+01:00"), "{notes}");
    // Without the console the zone is unknown: the dates are read as UTC, and the
    // warnings say that the two stages, as long and 60 min apart, may be one.
    std::fs::remove_file(dir.path().join("run/gen1/console.txt")).unwrap();
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"].as_array().unwrap().len(), 2);
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("gen1/results.jtl") && warnings.contains("60 min apart"),
        "{warnings}"
    );
}

/// siege 4.0.7's JSON console of a `-b` run at `c` users against `headroom target`
/// (`transactions` answers in `elapsed` s, `concurrency` the mean in flight).
fn siege_json(transactions: u64, elapsed: f64, concurrency: f64) -> String {
    format!(
        "{{\t\"transactions\":\t\t\t{transactions:>12},\n\
         \t\"availability\":\t\t\t      100.00,\n\
         \t\"elapsed_time\":\t\t\t{elapsed:>12.2},\n\
         \t\"data_transferred\":\t\t        0.23,\n\
         \t\"response_time\":\t\t        0.02,\n\
         \t\"transaction_rate\":\t\t{:>12.2},\n\
         \t\"throughput\":\t\t\t        0.06,\n\
         \t\"concurrency\":\t\t\t{concurrency:>12.2},\n\
         \t\"successful_transactions\":\t{transactions:>12},\n\
         \t\"failed_transactions\":\t\t           0,\n\
         \t\"longest_transaction\":\t\t        0.10,\n\
         \t\"shortest_transaction\":\t\t        0.00\n}}\n",
        transactions as f64 / elapsed
    )
}

#[test]
fn siege_json_runs_take_their_users_from_the_command_kept_beside_them() {
    let dir = TestDir::new();
    // Two steps of a siege loop, each dir with its capture and the command that wrote
    // it; siege's JSON says `concurrency` (the mean in flight, 3.99 and 15.93), never -c.
    let url = "http://127.0.0.1:18928/api/v1/agents";
    for (c, n, s, conc) in [(4u32, 653u64, 3.67, 3.99), (16, 2665, 3.93, 15.93)] {
        dir.write(
            &format!("run/c{c}/cmd.txt"),
            format!("siege -c {c} -t 4S -b {url} > siege.txt\n"),
        );
        dir.write(&format!("run/c{c}/siege.txt"), siege_json(n, s, conc));
    }
    // A capture with the command echoed above it, `--concurrent=` spelled out.
    dir.write(
        "echoed/siege.txt",
        format!(
            "$ siege --concurrent=8 --time=4S -b {url}\n{}",
            siege_json(1300, 3.9, 7.96)
        ),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let users: Vec<Option<u64>> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["users"].as_u64())
        .collect();
    assert_eq!(users, vec![Some(4), Some(16)], "{:#}", report["stages"]);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("echoed")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage_figures(&report).0, Some(8));
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("8 users are read from"), "{notes}");
}
