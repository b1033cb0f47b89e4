//! Messy runs, batch "aw" (qa53): one console file holding several runs, as shell
//! loops and `tee -a` leave them (`for c in 8 16 32 64; do echo "== c=$c"; wrk -t2
//! -c$c -d3s --latency URL; done | tee steps.txt`), made with the real tools against
//! `headroom target` (capacity 1,600 req/s on `GET /api/v1/agents`: 32 workers, 20 ms
//! each). Every load level the loop ran is either in the report's figures or said to
//! be missing from them.

use super::common::{analyze_json, TestDir};
use serde_json::Value;

/// wrk's real output, three levels of the loop (8, 16 and 32 connections, 3 s each),
/// each after the loop's `== c=N` banner, as `tee` wrote it.
const WRK_8_16_32: &str = "\
== c=8
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    25.04ms   12.23ms 116.51ms   75.22%
    Req/Sec   163.05     20.20   220.00     73.33%
  Latency Distribution
     50%   22.42ms
     75%   30.72ms
     90%   39.97ms
     99%   63.99ms
  990 requests in 3.06s, 192.39KB read
Requests/sec:    323.66
Transfer/sec:     62.90KB
== c=16
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    24.38ms   11.25ms  92.00ms   71.44%
    Req/Sec   333.33     34.94   400.00     65.00%
  Latency Distribution
     50%   22.06ms
     75%   29.69ms
     90%   38.82ms
     99%   60.47ms
  2029 requests in 3.06s, 394.31KB read
Requests/sec:    663.63
Transfer/sec:    128.97KB
== c=32
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    23.52ms   10.42ms  87.44ms   71.12%
    Req/Sec   689.10     54.37   800.00     63.33%
  Latency Distribution
     50%   21.80ms
     75%   28.15ms
     90%   36.19ms
     99%   56.01ms
  4157 requests in 3.03s, 807.85KB read
Requests/sec:   1370.85
Transfer/sec:    266.41KB
";

/// The SLA the tests judge by: every level of the fixture passes it.
const RULES: &str = "[global]\nrules = [\"p(50) < 200ms\", \"error_rate < 5%\"]\n";

/// Analyses `run/steps.txt` holding `text` against [`RULES`]: the report.
pub(crate) fn analyze_steps(text: &str) -> Value {
    let dir = TestDir::new();
    dir.write("run/steps.txt", text);
    let sla = dir.write("sla.toml", RULES);
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    report
}

/// The stages' (users, requests, failures), in order.
fn levels(report: &Value) -> Vec<(u64, u64, u64)> {
    let stages = report["stages"].as_array().expect("stages");
    (stages.iter())
        .map(|s| {
            let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("{k}: {s:#}"));
            (n("users"), n("requests"), n("failures"))
        })
        .collect()
}

/// The three levels wrk measured, as it printed them (`N requests in`, no errors).
const MEASURED: [(u64, u64, u64); 3] = [(8, 990, 0), (16, 2029, 0), (32, 4157, 0)];

/// A step loop whose last level ran while the target was down: wrk printed only
/// `unable to connect to 127.0.0.1:18450 Connection refused` (to stderr, kept by
/// `2>&1`) and exited before its `Running …` line. Before, that level vanished unsaid:
/// the three levels read passed and the verdict was GO, data quality clean, though the
/// top level (the one the release is about) measured nothing. Now the report's data
/// quality is incomplete, naming the line, and the verdict is at most CONDITIONAL;
/// the three measured levels keep wrk's own figures.
#[test]
fn a_level_wrk_could_not_connect_for_is_said_and_the_verdict_is_not_go() {
    let text =
        format!("{WRK_8_16_32}== c=64\nunable to connect to 127.0.0.1:18450 Connection refused\n");
    let report = analyze_steps(&text);
    assert_eq!(levels(&report), MEASURED);
    assert_eq!(
        report["data_quality"], "incomplete",
        "{:#}",
        report["data_quality_reason"]
    );
    let why = report["data_quality_reason"].as_str().unwrap();
    assert!(why.contains("could not reach the target"), "{why}");
    assert!(
        why.contains("line 44: `unable to connect to 127.0.0.1:18450 Connection refused`"),
        "{why}"
    );
    assert_ne!(report["sla"]["verdict"], "GO", "{:#}", report["sla"]);
    assert_eq!(
        report["sla"]["verdict"], "CONDITIONAL",
        "{:#}",
        report["sla"]
    );
}

/// A step loop whose log ends in the middle of its last level: `Running 3s test @ …`
/// and `2 threads and 128 connections`, then nothing (Ctrl-C on the `| tee` pipe, a
/// dropped session). Before, the cut run was said only among the notes: the verdict
/// was GO over the three levels before it and data quality clean. Now the report's
/// data quality is incomplete, naming the run's line, and the verdict CONDITIONAL.
#[test]
fn a_last_level_the_log_ends_in_is_said_and_the_verdict_is_not_go() {
    let text = format!(
        "{WRK_8_16_32}== c=128\nRunning 3s test @ http://127.0.0.1:18450/api/v1/agents\n  2 threads and 128 connections\n"
    );
    let report = analyze_steps(&text);
    assert_eq!(levels(&report), MEASURED);
    assert_eq!(report["data_quality"], "incomplete");
    let why = report["data_quality_reason"].as_str().unwrap();
    assert!(why.contains("the run(s) at line 44 end before"), "{why}");
    assert_eq!(
        report["sla"]["verdict"], "CONDITIONAL",
        "{:#}",
        report["sla"]
    );
}

/// The same three levels, complete: GO, data quality clean (the two tests above
/// differ from this only by the level that measured nothing).
#[test]
fn the_three_measured_levels_alone_are_a_go() {
    let report = analyze_steps(WRK_8_16_32);
    assert_eq!(levels(&report), MEASURED);
    assert_eq!(
        report["data_quality"], "clean",
        "{:#}",
        report["data_quality_reason"]
    );
    assert_eq!(report["sla"]["verdict"], "GO", "{:#}", report["sla"]);
}

/// A morning's `tee -a run.log`, as wrk and the shell wrote it: `date` and a smoke run
/// (1 connection, 2 s), then the loop over 8, 16, 32 and 64 connections with `=== c=N
/// time ===` banners (the target was down for 16: wrk printed `unable to connect`),
/// then `date` and a rerun at 32. wrk's own figures: 94, 1,058, 4,211 and 10,323
/// requests (6,041 of them non-2xx at 64), and 4,426 in the rerun.
const MORNING: &str = "\
Sun Dec  6 06:39:36 UTC 2026
# smoke
Running 2s test @ http://127.0.0.1:18450/api/v1/agents
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.16ms   11.63ms  68.02ms   78.22%
    Req/Sec    46.65     14.33    70.00     80.00%
  Latency Distribution
     50%   19.21ms
     75%   25.25ms
     90%   35.36ms
     99%   67.99ms
  94 requests in 2.03s, 18.27KB read
Requests/sec:     46.42
Transfer/sec:      9.02KB
=== c=8 06:39:38 ===
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    23.35ms   12.05ms 135.88ms   77.75%
    Req/Sec   176.20     25.77   212.00     68.33%
  Latency Distribution
     50%   20.87ms
     75%   28.63ms
     90%   37.18ms
     99%   65.18ms
  1058 requests in 3.03s, 205.61KB read
Requests/sec:    348.73
Transfer/sec:     67.77KB
=== c=16 06:39:42 ===
unable to connect to 127.0.0.1:18450 Connection refused
=== c=32 06:39:44 ===
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    23.53ms   12.29ms 133.22ms   77.33%
    Req/Sec   700.35     86.93   838.00     76.67%
  Latency Distribution
     50%   20.96ms
     75%   28.49ms
     90%   39.03ms
     99%   64.60ms
  4211 requests in 3.02s, 818.35KB read
Requests/sec:   1392.81
Transfer/sec:    270.67KB
=== c=64 06:39:47 ===
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    23.55ms   25.88ms 241.79ms   88.31%
    Req/Sec     1.73k   776.66     3.57k    61.02%
  Latency Distribution
     50%   23.02ms
     75%   39.14ms
     90%   51.87ms
     99%  116.49ms
  10323 requests in 3.10s, 1.66MB read
  Non-2xx or 3xx responses: 6041
Requests/sec:   3331.08
Transfer/sec:    548.36KB
Sun Dec  6 06:39:50 UTC 2026
# rerun c=32
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.12ms   10.25ms  86.80ms   75.03%
    Req/Sec   735.10     40.77   830.00     68.33%
  Latency Distribution
     50%   20.10ms
     75%   26.81ms
     90%   35.28ms
     99%   56.14ms
  4426 requests in 3.03s, 860.13KB read
Requests/sec:   1463.13
Transfer/sec:    284.34KB
";

/// Three runs each after an `=== NAME ===` banner and a `date` line, as the loop
/// `for s in "BASELINE 8" "PEAK 32" "STRESS 128"; do …; echo "=== $1 ==="; date -u;
/// wrk -t2 -c$2 -d3s --latency URL; done` wrote them: 1,135, 4,551 and 126,316 requests
/// (121,910 non-2xx at 128 connections, beyond the target's queue).
const BANNERS: &str = "\
=== BASELINE ===
Sun Dec  6 06:40:49 UTC 2026
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.53ms   10.64ms  82.53ms   73.36%
    Req/Sec   189.65     22.84   250.00     78.33%
  Latency Distribution
     50%   19.34ms
     75%   26.54ms
     90%   35.38ms
     99%   57.04ms
  1135 requests in 3.00s, 220.57KB read
Requests/sec:    377.73
Transfer/sec:     73.41KB
=== PEAK ===
Sun Dec  6 06:40:52 UTC 2026
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.49ms   10.84ms 100.39ms   75.09%
    Req/Sec   761.67     57.83     0.87k    81.67%
  Latency Distribution
     50%   19.39ms
     75%   26.52ms
     90%   35.38ms
     99%   58.88ms
  4551 requests in 3.00s, 0.86MB read
Requests/sec:   1516.76
Transfer/sec:    294.76KB
=== STRESS ===
Sun Dec  6 06:40:55 UTC 2026
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 128 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    11.70ms   17.19ms 139.06ms   84.38%
    Req/Sec    20.67k     9.32k   47.05k    66.67%
  Latency Distribution
     50%    1.18ms
     75%   18.79ms
     90%   37.20ms
     99%   70.05ms
  126316 requests in 3.12s, 17.93MB read
  Non-2xx or 3xx responses: 121910
Requests/sec:  40485.65
Transfer/sec:      5.75MB
";

/// The morning's log ([`MORNING`]). Before, two runs at 32 connections (the loop's and
/// the rerun) made headroom read the first run alone, the 1-connection smoke run: a
/// one-level report of 94 requests, CONDITIONAL, with the 64-connection level that
/// failed 58.5% of its requests out of every figure. Now each level is read from its
/// first run (the smoke run at 1, then 8, 32 and 64, wrk's own counts), the rerun is
/// left out and said (never pooled into the 32 level), the level wrk could not connect
/// for is said too, and the verdict is NO-GO on the 64 level's errors.
#[test]
fn a_mornings_tee_log_reads_each_level_once_and_says_the_rerun_and_the_refused_level() {
    let report = analyze_steps(MORNING);
    assert_eq!(
        levels(&report),
        [(1, 94, 0), (8, 1058, 0), (32, 4211, 0), (64, 10323, 6041)]
    );
    assert_eq!(report["data_quality"], "incomplete");
    let why = report["data_quality_reason"].as_str().unwrap();
    assert!(
        why.contains("line 31: `unable to connect to 127.0.0.1:18450"),
        "{why}"
    );
    assert!(why.contains("(line 63: 32 users)"), "{why}");
    assert!(why.contains("a rerun appended"), "{why}");
    assert_eq!(report["sla"]["verdict"], "NO-GO", "{:#}", report["sla"]);
    // 6,041 of 10,323 failed: the error rule fails on the 64-connection level.
    let headline = report["sla"]["headline"].as_str().unwrap();
    assert!(
        headline.contains("`error_rate < 5%` on `64_users`"),
        "{headline}"
    );
}

/// Runs after `=== BASELINE ===`, `=== PEAK ===` and `=== STRESS ===` banners
/// ([`BANNERS`]), judged by an SLA whose `verdict_stages` is `["peak"]` and whose
/// `[stage.peak]` asks for 1,000 req/s. Before, the stages were `8_users`, `32_users`
/// and `128_users`: the SLA's `peak` named no stage, its rule judged nothing, and the
/// verdict fell back to every stage. Now the stages are `baseline`, `peak` and
/// `stress` with wrk's connections and counts, the peak rule judges 4,551 requests in
/// 3.00 s (1,517 req/s), and the verdict is on `peak`.
#[test]
fn banners_above_the_runs_name_their_stages() {
    let dir = TestDir::new();
    dir.write("run/run.log", BANNERS);
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"p(50) < 200ms\", \"error_rate < 5%\"]\n\
         [stage.peak]\nrules = [\"throughput >= 1000/s\"]\n",
    );
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let names: Vec<&str> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["baseline", "peak", "stress"], "{stderr}");
    assert_eq!(
        levels(&report),
        [(8, 1135, 0), (32, 4551, 0), (128, 126316, 121910)]
    );
    assert!(!stderr.contains("names no stage"), "{stderr}");
    let headline = report["sla"]["headline"].as_str().unwrap();
    assert!(headline.starts_with("GO on `peak`"), "{headline}");
}

/// ab's real console for `for s in "BASELINE 4 200" "PEAK 32 1600"; do set -- $s; echo
/// "### $1"; ab -c $2 -n $3 URL; done > ab.log`: 200 requests at 4, then 1,600 at 32,
/// none failed.
const AB_BANNERS: &str = "\
### BASELINE
This is ApacheBench, Version 2.3 <$Revision$>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient)
Completed 100 requests
Completed 200 requests
Finished 200 requests


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18450

Document Path:          /api/v1/agents
Document Length:        91 bytes

Concurrency Level:      4
Time taken for tests:   1.401 seconds
Complete requests:      200
Failed requests:        0
Total transferred:      39800 bytes
HTML transferred:       18200 bytes
Requests per second:    142.79 [#/sec] (mean)
Time per request:       28.013 [ms] (mean)
Time per request:       7.003 [ms] (mean, across all concurrent requests)
Transfer rate:          27.75 [Kbytes/sec] received

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    0   0.0      0       0
Processing:     8   27  12.9     24      94
Waiting:        8   27  12.9     24      94
Total:          8   27  12.9     24      94

Percentage of the requests served within a certain time (ms)
  50%     24
  66%     31
  75%     33
  80%     36
  90%     42
  95%     49
  98%     60
  99%     76
 100%     94 (longest request)
### PEAK
This is ApacheBench, Version 2.3 <$Revision$>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient)
Completed 160 requests
Completed 320 requests
Completed 480 requests
Completed 640 requests
Completed 800 requests
Completed 960 requests
Completed 1120 requests
Completed 1280 requests
Completed 1440 requests
Completed 1600 requests
Finished 1600 requests


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18450

Document Path:          /api/v1/agents
Document Length:        91 bytes

Concurrency Level:      32
Time taken for tests:   1.143 seconds
Complete requests:      1600
Failed requests:        0
Total transferred:      318400 bytes
HTML transferred:       145600 bytes
Requests per second:    1399.81 [#/sec] (mean)
Time per request:       22.860 [ms] (mean)
Time per request:       0.714 [ms] (mean, across all concurrent requests)
Transfer rate:          272.03 [Kbytes/sec] received

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    0   0.3      0       3
Processing:     5   22  11.0     19      97
Waiting:        5   22  10.9     19      97
Total:          5   22  10.9     20      97

Percentage of the requests served within a certain time (ms)
  50%     20
  66%     24
  75%     26
  80%     29
  90%     36
  95%     42
  98%     52
  99%     60
 100%     97 (longest request)
";

/// ab's loop with `### BASELINE` and `### PEAK` banners ([`AB_BANNERS`]). Before, its
/// stages were `4_users` and `32_users`; now they are `baseline` and `peak`, with ab's
/// own concurrency and counts.
#[test]
fn banners_above_abs_runs_name_their_stages() {
    let dir = TestDir::new();
    dir.write("run/ab.log", AB_BANNERS);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let names: Vec<&str> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["baseline", "peak"], "{stderr}");
    assert_eq!(levels(&report), [(4, 200, 0), (32, 1600, 0)]);
}
