//! Judgements on messy real run dirs (QA round 3): a second tool's run of other
//! requests beside the report's source, releases whose tools name their one endpoint
//! differently, error rates of tool summaries in `compare`, and `export` round trips
//! that must keep what the data cannot show; and the demo target's queue, which a
//! client hanging up must not shrink.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::check::check_json;
use crate::common::{analyze_json, export_csv, headroom, TestDir};
use crate::drive::{serial, start_target};

/// wrk at 4 connections: 620 requests in 8.01 s, no error (as wrk 4.2 prints it).
const WRK_C4: &str = "Running 8s test @ http://127.0.0.1:18301/item
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    51.52ms  635.74us  55.75ms   81.29%
    Req/Sec    38.74      4.86    40.00     93.75%
  Latency Distribution
     50%   51.58ms
     75%   51.65ms
     90%   51.74ms
     99%   54.99ms
  620 requests in 8.01s, 72.05KB read
Requests/sec:     77.40
Transfer/sec:      8.99KB
";

/// ab at 40 users: 300 requests, 290 of them non-2xx (the target's 503s).
const AB_C40: &str = "This is ApacheBench, Version 2.3 <$Revision$>

Benchmarking 127.0.0.1 (be patient)
Finished 300 requests


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18301

Document Path:          /item
Document Length:        11 bytes

Concurrency Level:      40
Time taken for tests:   0.208 seconds
Complete requests:      300
Failed requests:        290
   (Connect: 0, Receive: 0, Length: 290, Exceptions: 0)
Non-2xx responses:      290
Total transferred:      43820 bytes
HTML transferred:       6490 bytes
Requests per second:    1444.28 [#/sec] (mean)
Time per request:       27.695 [ms] (mean)
Time per request:       0.692 [ms] (mean, across all concurrent requests)
Transfer rate:          206.02 [Kbytes/sec] received

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    0   0.3      0       1
Processing:     0    4  16.0      1     155
Waiting:        0    3  16.0      1     155
Total:          1    4  16.1      1     156

Percentage of the requests served within a certain time (ms)
  50%      1
  66%      1
  75%      2
  80%      2
  90%      2
  95%      2
  98%     53
  99%    104
 100%    156 (longest request)
";

/// Rules wrk's summary can judge (it prints p90, not p95).
pub(crate) const ERR_P90: &str = "[global]\nrules = [\"error_rate < 1%\", \"p(90) < 500ms\"]\n";

#[test]
fn another_tools_run_of_other_requests_in_the_dir_makes_the_data_incomplete_not_a_go() {
    let dir = TestDir::new();
    // `wrk.txt`, not `wrk_c4.txt`: two files whose names both give a load
    // (`c4`, `40users`) are two load levels, each its own stage.
    dir.write("run/wrk.txt", WRK_C4);
    let sla = dir.write("err.toml", ERR_P90);
    // wrk alone: 620 requests, no error, p90 51.74 ms — every rule passes: GO.
    let alone = dir.path().join("run");
    let (code, out, _) = check_json(&alone, &sla, &[]);
    assert_eq!((code, out["verdict"].as_str()), (0, Some("GO")), "{out}");
    // An ab run at 40 users beside it (290 of 300 failed) is other requests: the
    // report still leads with wrk (it has more requests) and sums no tools, so the
    // failures are in no figure — the data is incomplete and no GO rests on it.
    dir.write("run/ab-40users.log", AB_C40);
    let (code, out, _) = check_json(&alone, &sla, &[]);
    assert_ne!(out["verdict"].as_str(), Some("GO"), "{out}");
    assert_eq!(code, 0, "no fail-severity rule fails: {out}");
    let (_, report, _) = analyze_json(&[&alone], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(report["data_quality"], "incomplete", "{report}");
    let why = report["data_quality_reason"].as_str().unwrap();
    assert!(
        why.contains("ab source")
            && why.contains("300 requests, 290 failed")
            && why.contains("620"),
        "{why}"
    );
    assert_eq!(report["stages"][0]["requests"], 620);
}

/// hey's text summary of a 2 s run at 10 users: `ok` answers with 200 and `failed`
/// with 503, the same latencies either way (p50 10.8 ms … p99 20.7 ms).
pub(crate) fn hey_text(ok: u64, failed: u64) -> String {
    let total = ok + failed;
    let mut codes = format!("  [200]\t{ok} responses\n");
    if failed > 0 {
        codes.push_str(&format!("  [503]\t{failed} responses\n"));
    }
    format!(
        "\nSummary:\n  Total:\t2.0000 secs\n  Slowest:\t0.0324 secs\n  Fastest:\t0.0037 secs\n  \
         Average:\t0.0113 secs\n  Requests/sec:\t{:.4}\n  \n  Total data:\t{} bytes\n  \
         Size/request:\t11 bytes\n\nLatency distribution:\n  10% in 0.0076 secs\n  \
         25% in 0.0091 secs\n  50% in 0.0108 secs\n  75% in 0.0130 secs\n  \
         90% in 0.0153 secs\n  95% in 0.0169 secs\n  99% in 0.0207 secs\n\n\
         Details (average, fastest, slowest):\n  DNS+dialup:\t0.0000 secs, 0.0037 secs, 0.0324 secs\n  \
         DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs\n  \
         req write:\t0.0000 secs, 0.0000 secs, 0.0017 secs\n  \
         resp wait:\t0.0112 secs, 0.0037 secs, 0.0323 secs\n  \
         resp read:\t0.0000 secs, 0.0000 secs, 0.0003 secs\n\n\
         Status code distribution:\n{codes}\n\n",
        total as f64 / 2.0,
        total * 11
    )
}

/// Runs `compare BASE CAND --format json` (plus `extra`) and returns (exit code,
/// compare.json).
fn compare_json(dir: &TestDir, base: &Path, cand: &Path, extra: &[&str]) -> (i32, Value) {
    let out = dir.path().join(format!("cmp-{}", extra.len()));
    let mut args = vec![
        "compare".to_string(),
        base.display().to_string(),
        cand.display().to_string(),
        "--format".into(),
        "json".into(),
        "--force".into(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = headroom(&refs);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json)
}

/// compare.json's rows of `metric`, as (endpoint, verdict, method).
fn rows_of(report: &Value, metric: &str) -> Vec<(String, String, String)> {
    let rows = report["comparisons"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    rows.iter()
        .filter(|c| c["metric"] == metric)
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("endpoint"), s("verdict"), s("method"))
        })
        .collect()
}

#[test]
fn a_summarys_error_rate_is_tested_on_its_counts_and_a_jump_regresses() {
    let dir = TestDir::new();
    let run = |name: &str, ok: u64, failed: u64| {
        dir.write(
            &format!("{name}/01_load_10users/hey.txt"),
            hey_text(ok, failed),
        );
        dir.path().join(name)
    };
    let base = run("v1", 2000, 0);
    // 100 of 2,000 (5 %) failed against none of 2,000: z = 0.05 ÷ √(0.025·0.975·2/2000)
    // ≈ 10, far past any q-value; and 0.05 is beyond the 5 % floor of 1 % (0.0005).
    let cand = run("v2", 1900, 100);
    let (code, report) = compare_json(&dir, &base, &cand, &["--fail-on-regression"]);
    let want = (
        "hey".to_string(),
        "regressed".to_string(),
        "two_proportion".to_string(),
    );
    assert_eq!(rows_of(&report, "error_rate"), vec![want], "{report:#}");
    assert_eq!(code, 1, "{report:#}");
    assert!(report["verdict_line"]
        .as_str()
        .unwrap()
        .starts_with("REGRESSED"));
    // 12 of 2,000 against 10 of 2,000: z ≈ 0.43 (p ≈ 0.67): no regression, exit 0.
    let (b, c) = (run("v3", 1990, 10), run("v4", 1988, 12));
    let (code, report) = compare_json(&dir, &b, &c, &["--fail-on-regression", "--threshold", "5%"]);
    let got = rows_of(&report, "error_rate");
    assert_eq!(got.len(), 1, "{report:#}");
    assert_ne!(got[0].1, "regressed", "{report:#}");
    assert_eq!(code, 0, "{report:#}");
}

/// A summary's percentiles decide only when its requests were mostly served: the
/// same halving of hey's latencies is `improved` with no failures, and `inconclusive`
/// when 30 % of the candidate's answers were (fast) 503s.
#[test]
fn a_summarys_percentiles_of_mostly_failed_requests_decide_nothing() {
    let dir = TestDir::new();
    // hey_text's distribution, every latency halved.
    let faster = |text: String| {
        [
            ("0.0076", "0.0038"),
            ("0.0091", "0.0045"),
            ("0.0108", "0.0054"),
            ("0.0130", "0.0065"),
            ("0.0153", "0.0076"),
            ("0.0169", "0.0084"),
            ("0.0207", "0.0103"),
        ]
        .iter()
        .fold(text, |t, (a, b)| {
            t.replace(&format!("in {a} secs"), &format!("in {b} secs"))
        })
    };
    // Over 20 s (a summary's requests count as 2 independent ones a second of its
    // run: 2 s would hold 4).
    let long = |text: String| {
        text.replace("Total:\t2.0000 secs", "Total:\t20.0000 secs")
            .replace("Requests/sec:\t10000.0000", "Requests/sec:\t1000.0000")
    };
    dir.write("v1/01_load_10users/hey.txt", long(hey_text(20_000, 0)));
    dir.write(
        "v2/01_load_10users/hey.txt",
        long(faster(hey_text(20_000, 0))),
    );
    dir.write(
        "v3/01_load_10users/hey.txt",
        long(faster(hey_text(14_000, 6_000))),
    );
    let path = |n: &str| dir.path().join(n);
    let (_, served) = compare_json(&dir, &path("v1"), &path("v2"), &[]);
    assert_eq!(rows_of(&served, "p50")[0].1, "improved", "{served:#}");
    let (_, failing) = compare_json(&dir, &path("v1"), &path("v3"), &["--threshold", "5%"]);
    assert_eq!(rows_of(&failing, "p50")[0].1, "inconclusive", "{failing:#}");
    assert_eq!(
        rows_of(&failing, "error_rate")[0].1,
        "regressed",
        "{failing:#}"
    );
}

#[test]
fn the_only_endpoints_of_two_releases_pair_whatever_the_tool_calls_them() {
    let dir = TestDir::new();
    // hey names its one endpoint after the file: `hey` in v1, `hey-v2` in v2.
    dir.write("v1/01_load_10users/hey.txt", hey_text(2000, 0));
    dir.write("v2/01_load_10users/hey-v2.txt", hey_text(1900, 100));
    let (base, cand) = (dir.path().join("v1"), dir.path().join("v2"));
    let (code, report) = compare_json(&dir, &base, &cand, &["--fail-on-regression"]);
    // 0 → 5 % of 2,000 (as in the test above) regresses, and the rows are v1's key.
    let want = (
        "hey".to_string(),
        "regressed".to_string(),
        "two_proportion".to_string(),
    );
    assert_eq!(rows_of(&report, "error_rate"), vec![want], "{report:#}");
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["unmatched"], serde_json::json!([]), "{report:#}");
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("`hey` is compared with the candidate's `hey-v2`"),
        "{notes}"
    );
    // Two endpoints a side (two runs, not copies) still pair by key only: nothing
    // pairs, all four are listed.
    dir.write("v3/01_load_10users/a.txt", hey_text(2000, 0));
    dir.write("v3/01_load_10users/b.txt", hey_text(1999, 1));
    dir.write("v4/01_load_10users/c.txt", hey_text(2000, 0));
    dir.write("v4/01_load_10users/d.txt", hey_text(1999, 1));
    let (b, c) = (dir.path().join("v3"), dir.path().join("v4"));
    let (_, report) = compare_json(&dir, &b, &c, &["--threshold", "5%"]);
    assert!(rows_of(&report, "error_rate").is_empty(), "{report:#}");
    assert_eq!(
        report["unmatched"].as_array().map(Vec::len),
        Some(4),
        "{report:#}"
    );
}

/// hey's CSV of 2,000 answers, one every 5 ms, all 200 in 20 ms (hey writes no row for
/// a transport error, so the file cannot show there were none).
fn hey_csv() -> String {
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset",
    );
    for i in 0..2000 {
        let offset = f64::from(i) * 0.005;
        csv.push_str(&format!(
            "\n0.0200,0.0001,0.0000,0.0000,0.0199,0.0000,200,{offset:.3}"
        ));
    }
    csv
}

#[test]
fn an_export_of_partial_data_stays_partial_when_read_back() {
    let dir = TestDir::new();
    dir.write("run/hey.csv", hey_csv());
    let sla = dir.write("err.toml", ERR_P90);
    let run = dir.path().join("run");
    let (_, before, _) = check_json(&run, &sla, &[]);
    assert_eq!(before["verdict"], "CONDITIONAL", "{before}");
    let out = dir.path().join("export");
    export_csv(&run, &out);
    let manifest = std::fs::read_to_string(out.join("run.toml")).unwrap();
    assert!(
        manifest.contains("failures_unseen = \"transport_errors\""),
        "{manifest}"
    );
    // Read back: the same 2,000 requests, and still no error-rate pass on them.
    let (code, after, _) = check_json(&out, &sla, &[]);
    assert_eq!(
        (code, after["verdict"].as_str()),
        (0, Some("CONDITIONAL")),
        "{after}"
    );
    let (_, report, _) = analyze_json(&[&out], &[]);
    assert_eq!(report["data_quality"], "partial", "{report}");
    assert_eq!(report["stages"][0]["requests"], 2000);
}

/// One worker, a queue of one, 600 ms per request.
const ONE_WORKER: &str = r#"
name = "one"
workers = 1
queue_max = 1
queue_timeout = "10s"
[[endpoint]]
method = "GET"
path = "/x"
service = { dist = "constant", value = "600ms" }
response = "{}"
"#;

/// The status of `GET /x` on the target, on a connection of its own.
fn get_x(port: u16) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to the target");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status")
}

#[test]
fn a_client_that_hangs_up_while_queued_leaves_the_targets_queue() {
    let _one = serial();
    let dir = TestDir::new();
    let profile = dir.write("one.toml", ONE_WORKER);
    let target = start_target(profile.to_str().unwrap(), &[]);
    let port = target.port;
    let pause = || std::thread::sleep(Duration::from_millis(150));
    // A holds the worker; B queues behind it, then hangs up while waiting.
    let a = std::thread::spawn(move || get_x(port));
    pause();
    let mut b = TcpStream::connect(("127.0.0.1", port)).unwrap();
    b.write_all(b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    pause();
    drop(b);
    assert_eq!(a.join().unwrap(), 200);
    // The queue is empty again: C, queued behind A2, waits for the worker and gets
    // 200 (with B still counted, the queue of one was full and C got 503 at once).
    let a2 = std::thread::spawn(move || get_x(port));
    pause();
    assert_eq!(get_x(port), 200);
    assert_eq!(a2.join().unwrap(), 200);
}
