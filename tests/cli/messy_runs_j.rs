//! Messy runs, tenth batch (qa15): run dirs as a user leaves them — h2load spoken
//! over HTTP/2 to an HTTP/1.1 server, a rerun's stage dir beside the first run's,
//! exports of summary-only runs read back, Artillery's `ensure` checks in its console,
//! and the real outputs of h2load, httperf, siege, ab and Artillery against `headroom
//! target`. Every fixture is written here in the tool's own format (copied in shape
//! from real runs), and the expected figures and verdicts follow from the fixture's
//! numbers.

use super::check::check_json;
use super::common::{analyze_json, TestDir};

/// h2load (nghttp2 1.52) without `--h1` against `headroom target` (HTTP/1.1 only):
/// it negotiates h2c, the server reads no request, and every one of the `n` requests
/// of its 10 clients fails, 10 of them started (one per client).
pub(crate) fn h2load_h2c_console(n: u64) -> String {
    format!(
        "starting benchmark...\n\
         spawning thread #0: 10 total client(s). {n} total requests\n\
         Application protocol: h2c\n\
         \n\
         finished in 5.64ms, 0.00 req/s, 0B/s\n\
         requests: {n} total, 10 started, 0 done, 0 succeeded, {n} failed, {n} errored, 0 timeout\n\
         status codes: 0 2xx, 0 3xx, 0 4xx, 0 5xx\n\
         traffic: 0B (0) total, 0B (0) headers (space savings 0.00%), 0B (0) data\n\
         \x20                    min         max         mean         sd        +/- sd\n\
         time for request:        0us         0us         0us         0us     0.00%\n\
         time for connect:      141us       535us       286us       114us    80.00%\n\
         time to 1st byte:        0us         0us         0us         0us     0.00%\n\
         req/s           :       0.00        0.00        0.00        0.00   100.00%\n"
    )
}

#[test]
fn h2load_spoken_as_h2c_to_an_http1_server_claims_no_throughput_and_no_go() {
    // Before: 2000 requests in 5.64 ms, 354,610 req/s, and GO on a throughput rule.
    // h2load itself prints 0.00 req/s: the server read no request. Now no request is
    // counted (the 1990 never started and the 10 started that no HTTP/1.1 server
    // reads), the throughput is 0, the run is incomplete with a reason naming --h1,
    // and the verdict is NO-GO.
    let dir = TestDir::new();
    dir.write("smoke/h2load.txt", h2load_h2c_console(2000));
    let run = dir.path().join("smoke");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 0, "{:#}", report["overall"]);
    assert_eq!(report["stages"][0]["throughput_rps"], 0.0);
    assert_eq!(report["data_quality"], "incomplete", "{:#}", report["run"]);
    let why = report["run"]["incomplete_reason"].as_str().unwrap_or("");
    assert!(why.contains("h2load --h1"), "{why}");
    let sla = dir.write("sla.toml", "[global]\nrules = [\"throughput >= 1000/s\"]\n");
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 1, "{out:#}\n{stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
}

#[test]
fn h2load_requests_a_refused_connection_never_started_are_not_requests() {
    // The real shape against a closed port (--h1 -n 1000 -c 4): nothing started.
    // Before: 1000 failed requests in 322 µs (3.1 M req/s). Now none, and the run is
    // incomplete: it is not the load h2load was asked for.
    let dir = TestDir::new();
    dir.write(
        "down/h2load.txt",
        "starting benchmark...\n\
         spawning thread #0: 4 total client(s). 1000 total requests\n\
         \n\
         finished in 322us, 0.00 req/s, 0B/s\n\
         requests: 1000 total, 0 started, 0 done, 0 succeeded, 1000 failed, 1000 errored, 0 timeout\n\
         status codes: 0 2xx, 0 3xx, 0 4xx, 0 5xx\n\
         traffic: 0B (0) total, 0B (0) headers (space savings 0.00%), 0B (0) data\n\
         \x20                    min         max         mean         sd        +/- sd\n\
         time for request:        0us         0us         0us         0us     0.00%\n\
         time for connect:        0us         0us         0us         0us     0.00%\n\
         time to 1st byte:        0us         0us         0us         0us     0.00%\n\
         req/s           :       0.00        0.00        0.00        0.00   100.00%\n",
    );
    let run = dir.path().join("down");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 0);
    assert_eq!(report["data_quality"], "incomplete");
    let why = report["run"]["incomplete_reason"].as_str().unwrap_or("");
    assert!(why.contains("1000 requests and started 0"), "{why}");
}

#[test]
fn h2load_connections_that_failed_mid_run_leave_their_unsent_requests_out() {
    // -n 1000 -c 10 --h1: 6 clients did their 100 each; 4 connections failed after 25
    // answers each with a 26th in flight, so 4 × 74 = 296 requests were never started
    // (h2load counts them failed and errored). Requests: 700 answered + 4 errored.
    let dir = TestDir::new();
    dir.write(
        "peak/h2load.txt",
        "starting benchmark...\n\
         spawning thread #0: 10 total client(s). 1000 total requests\n\
         Application protocol: http/1.1\n\
         \n\
         finished in 1.00s, 700.00 req/s, 80.00KB/s\n\
         requests: 1000 total, 704 started, 700 done, 700 succeeded, 300 failed, 300 errored, 0 timeout\n\
         status codes: 700 2xx, 0 3xx, 0 4xx, 0 5xx\n\
         traffic: 80.00KB (81920) total, 40.00KB (40960) headers (space savings 0.00%), 20.00KB (20480) data\n\
         \x20                    min         max         mean         sd        +/- sd\n\
         time for request:      1.00ms     30.00ms     10.00ms      5.00ms    70.00%\n\
         time for connect:       98us       607us       301us       150us    70.00%\n\
         time to 1st byte:      1.20ms     30.00ms     10.00ms      5.00ms    90.00%\n\
         req/s           :      25.00      100.00      70.00       35.00    60.00%\n",
    );
    let run = dir.path().join("peak");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    // 1000 total − 704 started = 296 never sent; 300 failed − 296 = 4 sent and failed.
    assert_eq!(
        report["overall"]["requests"], 704,
        "{:#}",
        report["overall"]
    );
    assert_eq!(report["overall"]["failures"], 4);
    assert_eq!(report["data_quality"], "incomplete");
}

/// ab's console (2.3) of `-n {n} -c 2` against `headroom target`'s default profile:
/// none failed, `secs` long, p95 `p95` ms.
fn ab_console(n: u64, secs: f64, p95: u64) -> String {
    let rps = n as f64 / secs;
    format!(
        "This is ApacheBench, Version 2.3 <$Revision$>\n\
         Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
         Licensed to The Apache Software Foundation, http://www.apache.org/\n\
         \n\
         Benchmarking 127.0.0.1 (be patient)\n\
         Finished {n} requests\n\
         \n\
         \n\
         Server Software:        \n\
         Server Hostname:        127.0.0.1\n\
         Server Port:            18716\n\
         \n\
         Document Path:          /api/v1/agents\n\
         Document Length:        91 bytes\n\
         \n\
         Concurrency Level:      2\n\
         Time taken for tests:   {secs:.3} seconds\n\
         Complete requests:      {n}\n\
         Failed requests:        0\n\
         Total transferred:      {} bytes\n\
         HTML transferred:       {} bytes\n\
         Requests per second:    {rps:.2} [#/sec] (mean)\n\
         Time per request:       21.335 [ms] (mean)\n\
         Time per request:       10.668 [ms] (mean, across all concurrent requests)\n\
         Transfer rate:          18.22 [Kbytes/sec] received\n\
         \n\
         Connection Times (ms)\n\
         \x20             min  mean[+/-sd] median   max\n\
         Connect:        0    0   0.5      0      10\n\
         Processing:     5   21   9.5     19      72\n\
         Waiting:        5   21   9.5     19      72\n\
         Total:          5   21   9.5     19      72\n\
         \n\
         Percentage of the requests served within a certain time (ms)\n\
         \x20 50%     19\n\
         \x20 66%     24\n\
         \x20 75%     26\n\
         \x20 80%     28\n\
         \x20 90%     33\n\
         \x20 95%     {p95}\n\
         \x20 98%     {p95}\n\
         \x20 99%     {p95}\n\
         \x20100%     72 (longest request)\n",
        n * 199,
        n * 91
    )
}

#[test]
fn a_rerun_stage_dir_with_the_same_words_and_users_is_a_stage_of_its_own() {
    // `01_smoke_2users/` and its rerun `05_smoke_2users/`, ab in each. Before: one
    // stage `smoke` "measured by two generators": 800 requests at 150 req/s (the two
    // runs' rates added), which the audit then rejected. Now two stages, each its own
    // run's figures.
    let dir = TestDir::new();
    dir.write("run/01_smoke_2users/ab.txt", ab_console(500, 5.0, 39));
    dir.write("run/05_smoke_2users/ab.txt", ab_console(300, 3.0, 44));
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages: Vec<(String, u64, u64, f64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["users"].as_u64().unwrap(),
                s["requests"].as_u64().unwrap(),
                s["throughput_rps"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stages,
        [
            ("01_smoke".to_string(), 2, 500, 500.0 / 5.0),
            ("05_smoke".to_string(), 2, 300, 300.0 / 3.0)
        ],
        "{stderr}"
    );
    // An SLA section for `smoke` names both: an error saying so, never rules quietly
    // left unrun (the rerun's p95 of 44 ms misses this 40 ms limit).
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n[stage.smoke]\nrules = [\"p(95) < 40ms\"]\n",
    );
    let (code, _, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("01_smoke") && stderr.contains("05_smoke"),
        "{stderr}"
    );
    // Named as the data has it, the rerun's stage fails.
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n[stage.05_smoke]\nrules = [\"p(95) < 40ms\"]\n",
    );
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
}

#[test]
fn the_same_numbered_stage_dir_of_two_generators_is_still_one_stage() {
    // gen1/01_peak_2users and gen2/01_peak_2users: the same number, so two generators
    // of one stage, merged (requests add).
    let dir = TestDir::new();
    let a = dir.write("gen1/01_peak_2users/ab.txt", ab_console(500, 5.0, 39));
    dir.write("gen2/01_peak_2users/ab.txt", ab_console(300, 5.0, 44));
    let (code, report, stderr) = analyze_json(
        &[a.parent().unwrap(), &dir.path().join("gen2/01_peak_2users")],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"].as_array().unwrap().len(), 1, "{stderr}");
    assert_eq!(report["stages"][0]["requests"], 800);
}

/// wrk's console (4.x, `--latency`) of a 2 s run of 4 connections: 348 answers.
const WRK_CONSOLE: &str = "Running 2s test @ http://127.0.0.1:18716/api/v1/agents\n\
  1 threads and 4 connections\n\
  Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
    Latency    23.23ms   10.39ms  67.55ms   72.65%\n\
    Req/Sec   174.05     22.49   212.00     55.00%\n\
  Latency Distribution\n\
     50%   20.73ms\n\
     75%   27.37ms\n\
     90%   37.33ms\n\
     99%   56.10ms\n\
  348 requests in 2.02s, 67.63KB read\n\
Requests/sec:    172.69\n\
Transfer/sec:     33.56KB\n";

#[test]
fn a_csv_export_of_a_summary_only_run_reads_back_as_what_it_is() {
    // A wrk console alone, exported to CSV: no per-request rows, so no requests.csv.
    // Before, `analyze` of the export said "no load-test results found" as if the dir
    // held nothing. Now it says it is a headroom export of summary-only stages, whose
    // figures are in its stages.csv, and to analyse the original run dir.
    let dir = TestDir::new();
    dir.write("smoke/wrk.txt", WRK_CONSOLE);
    let export = dir.path().join("export");
    let o = super::common::headroom(&[
        "export",
        dir.path().join("smoke").to_str().unwrap(),
        "--to",
        "csv",
        "--out",
        export.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stages = std::fs::read_to_string(export.join("stages.csv")).unwrap();
    assert!(stages.contains("348"), "{stages}");
    let (code, _, stderr) = analyze_json(&[&export], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.contains("no load-test results found"), "{stderr}");
    assert!(stderr.contains("headroom export"), "{stderr}");
    assert!(stderr.contains("`smoke`"), "{stderr}");
    assert!(stderr.contains("stages.csv"), "{stderr}");
}

/// An Artillery v2 `--output` report of one run: `n` requests, all 200, over 60 s
/// (p95 80 ms, p99 85 ms).
fn artillery_report(n: u64) -> String {
    let t0: i64 = 1_796_361_780_000;
    format!(
        "{{\"aggregate\":{{\"counters\":{{\"http.requests\":{n},\"http.codes.200\":{n},\
         \"http.responses\":{n},\"vusers.created\":{n},\"vusers.completed\":{n}}},\
         \"summaries\":{{\"http.response_time\":{{\"min\":8,\"max\":90,\"count\":{n},\"mean\":40,\
         \"p50\":37,\"median\":37,\"p95\":80,\"p99\":85}}}},\
         \"firstCounterAt\":{t0},\"lastCounterAt\":{}}},\"intermediate\":[]}}",
        t0 + 60_000
    )
}

/// Artillery 2.0's console of that run (`n` requests), its `ensure` results as it
/// prints them after the summary (`Checks:`; `fail: p99 < 50` failed the run).
fn artillery_console(n: u64) -> String {
    format!(
        "Test run id: texyb_dezeh3t799tyjmyc745hj7bmwtbj9_ze9d\n\
         Phase started: unnamed (index: 0, duration: 60s) 17:55:41(+0000)\n\
         \n\
         Phase completed: unnamed (index: 0, duration: 60s) 17:56:41(+0000)\n\
         \n\
         --------------------------------------\n\
         Metrics for period to: 17:56:50(+0000) (width: 59.9s)\n\
         --------------------------------------\n\
         \n\
         http.codes.200: ................................................................ {n}\n\
         http.requests: ................................................................. {n}\n\
         vusers.created: ................................................................ {n}\n\
         \n\
         All VUs finished. Total time: 61 seconds\n\
         \n\
         --------------------------------\n\
         Summary report @ 17:56:46(+0000)\n\
         --------------------------------\n\
         \n\
         http.codes.200: ................................................................ {n}\n\
         http.request_rate: ............................................................. 100/sec\n\
         http.requests: ................................................................. {n}\n\
         http.response_time:\n\
         \x20 min: ......................................................................... 8\n\
         \x20 max: ......................................................................... 90\n\
         \x20 p95: ......................................................................... 80\n\
         \x20 p99: ......................................................................... 85\n\
         vusers.completed: .............................................................. {n}\n\
         vusers.created: ................................................................ {n}\n\
         vusers.failed: ................................................................. 0\n\
         Log file: report.json\n\
         \n\
         Checks:\n\
         ok: maxErrorRate < 1\n\
         ok: http.response_time.p95 < 200\n\
         fail: vusers.session_length.p99 < 100 (optional)\n\
         fail: p99 < 50\n"
    )
}

const ARTILLERY_SLA: &str = "[global]\nrules = [\"error_rate < 1%\", \"p(95) < 500ms\"]\n";

#[test]
fn an_artillery_run_that_failed_its_own_ensure_is_never_a_plain_go() {
    // Artillery exited 1: its `ensure` p99 < 50 failed (p99 85 ms). Before, the
    // console was skipped as no result and the SLA's rules made a GO. Now its checks
    // are the run's tool checks: not a GO while one fails, and the JUnit suite lists
    // it. The optional check that failed is no failed check. Artillery failed the
    // run, so check fails it too (exit 1; it exited 0 until qa75's messy_runs_bw).
    let dir = TestDir::new();
    dir.write("run/report.json", artillery_report(6000));
    dir.write("run/console.txt", artillery_console(6000));
    let sla = dir.write("sla.toml", ARTILLERY_SLA);
    let run = dir.path().join("run");
    let junit = dir.path().join("junit.xml");
    let (code, out, stderr) = check_json(&run, &sla, &["--junit", junit.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert_ne!(out["verdict"], "GO", "{out:#}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("p99 &lt; 50") || xml.contains("p99 < 50"),
        "{xml}"
    );
    let (_, report, _) = analyze_json(&[&run], &[]);
    let checks: Vec<(String, bool)> = (report["tool_checks"].as_array().unwrap().iter())
        .map(|c| {
            (
                c["name"].as_str().unwrap().into(),
                c["passed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        checks,
        [
            ("maxErrorRate < 1".into(), true),
            ("http.response_time.p95 < 200".into(), true),
            ("p99 < 50".into(), false)
        ]
    );
    assert_eq!(report["overall"]["requests"], 6000, "read once");
    // Every check passed: a GO.
    let passed = artillery_console(6000).replace("fail: p99 < 50", "ok: p99 < 100");
    dir.write("run/console.txt", passed);
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!((code, out["verdict"].as_str()), (0, Some("GO")), "{stderr}");
}

#[test]
fn artillery_1s_failed_ensure_line_is_read_and_another_runs_console_is_not() {
    // Artillery 1 prints only what failed: `ensure condition failed: ensure.p99 < 50`.
    let dir = TestDir::new();
    dir.write("run/report.json", artillery_report(6000));
    let v1 = artillery_console(6000).replace(
        "Checks:\nok: maxErrorRate < 1\nok: http.response_time.p95 < 200\n\
         fail: vusers.session_length.p99 < 100 (optional)\nfail: p99 < 50\n",
        "ensure condition failed: ensure.p99 < 50\n",
    );
    assert!(v1.contains("ensure condition failed"));
    dir.write("run/console.txt", v1);
    let sla = dir.write("sla.toml", ARTILLERY_SLA);
    let run = dir.path().join("run");
    let (_, out, stderr) = check_json(&run, &sla, &[]);
    assert_ne!(out["verdict"], "GO", "{out:#}\n{stderr}");
    // A console of 5000 requests beside a report of 6000: another run's; its checks
    // are not this run's, and the data is incomplete (a file of other data).
    dir.write("run/console.txt", artillery_console(5000));
    let (_, report, _) = analyze_json(&[&run], &[]);
    assert_eq!(report["tool_checks"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        report["skipped"][0]["kind"], "other_data",
        "{:#}",
        report["skipped"]
    );
    assert_eq!(report["data_quality"], "incomplete");
}

#[test]
fn an_h2load_timed_run_with_a_warm_up_is_timed_over_its_main_duration() {
    // `h2load --h1 -D 4 --warm-up-time=1 -c 64`: h2load counts the 6000 requests of
    // its 4 s main duration and prints 1500.00 req/s, but finishes in 5.00 s. Before,
    // headroom divided by 5 s: 1200 req/s, a fifth below what was measured.
    let dir = TestDir::new();
    dir.write(
        "peak/h2load.txt",
        "starting benchmark...\n\
         spawning thread #0: 64 total client(s). Timing-based test with 1s of warm-up time and 4s of main duration for measurements.\n\
         Warm-up started for thread #0.\n\
         Application protocol: http/1.1\n\
         Warm-up phase is over for thread #0.\n\
         Main benchmark duration is started for thread #0.\n\
         Main benchmark duration is over for thread #0. Stopping all clients.\n\
         Stopped all clients for thread #0\n\
         \n\
         finished in 5.00s, 1500.00 req/s, 291.42KB/s\n\
         requests: 6000 total, 6000 started, 6000 done, 5993 succeeded, 7 failed, 0 errored, 0 timeout\n\
         status codes: 5993 2xx, 0 3xx, 0 4xx, 7 5xx\n\
         traffic: 1.14MB (1193636) total, 562.39KB (575883) headers (space savings 0.00%), 664.10KB (680037) data\n\
         \x20                    min         max         mean         sd        +/- sd\n\
         time for request:       32us    143.84ms     42.70ms     11.33ms    75.50%\n\
         time for connect:        0us         0us         0us         0us     0.00%\n\
         time to 1st byte:        0us         0us         0us         0us     0.00%\n\
         req/s           :      21.99       24.74       23.43        0.63    64.06%\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("peak")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 6000);
    assert_eq!(stage["duration_s"], 4.0, "{stage:#}");
    assert_eq!(stage["throughput_rps"], 6000.0 / 4.0);
}

/// httperf's console (0.9) of `--rate={rate} --num-conns={conns} --num-calls={calls}`:
/// every request answered 2xx but `fives` 5xx, over `secs`.
fn httperf_console(rate: u64, conns: u64, calls: u64, fives: u64, secs: f64) -> String {
    let n = conns * calls;
    format!(
        "httperf --timeout=5 --client=0/1 --server=127.0.0.1 --port=18716 --uri=/api/v1/agents --rate={rate} --send-buffer=4096 --recv-buffer=16384 --num-conns={conns} --num-calls={calls}\n\
         Maximum connect burst length: 7\n\
         \n\
         Total: connections {conns} requests {n} replies {n} test-duration {secs:.3} s\n\
         \n\
         Connection rate: {rate}.0 conn/s (2.1 ms/conn, <=70 concurrent connections)\n\
         Connection time [ms]: min 0.2 avg 129.1 max 304.0 median 168.5 stddev 90.3\n\
         Connection time [ms]: connect 0.2\n\
         Connection length [replies/conn]: {calls}.000\n\
         \n\
         Request rate: {:.1} req/s (0.4 ms/req)\n\
         Request size [B]: 75.0\n\
         \n\
         Reply rate [replies/s]: min 0.0 avg 0.0 max 0.0 stddev 0.0 (0 samples)\n\
         Reply time [ms]: response 25.8 transfer 0.0\n\
         Reply size [B]: header 114.0 content 65.0 footer 0.0 (total 179.0)\n\
         Reply status: 1xx=0 2xx={} 3xx=0 4xx=0 5xx={fives}\n\
         \n\
         CPU time [s]: user 0.05 system 1.88 (user 1.5% system 58.4% total 60.0%)\n\
         Net I/O: 579.2 KB/s (4.7*10^6 bps)\n\
         \n\
         Errors: total 0 client-timo 0 socket-timo 0 connrefused 0 connreset 0\n\
         Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0\n",
        n as f64 / secs,
        n - fives
    )
}

#[test]
fn httperfs_arrival_rate_counts_every_call_of_a_connection() {
    // --rate=500 opens 500 connections/s, each sending --num-calls=5 requests: 2500
    // requests/s offered. Before, the stage's arrival rate was 500 req/s and the audit
    // flagged the 2331 req/s measured as impossible for it.
    let dir = TestDir::new();
    dir.write(
        "run/httperf.txt",
        httperf_console(500, 1500, 5, 2826, 3.217),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["arrival_rate_rps"], 2500.0, "{stage:#}");
    assert_eq!(stage["requests"], 7500);
    let audit = report["audit"].as_array().unwrap();
    let rate = audit.iter().find(|f| f["check"] == "arrival_rate");
    assert!(rate.is_none_or(|f| f["verdict"] == "ok"), "{audit:#?}");
}

#[test]
fn siege_giving_up_on_a_run_is_read_from_its_log_beside_the_console() {
    // `siege -c 90 -t 3S -b --log=DIR/siege.log > DIR/siege.txt`: siege aborted "due
    // to excessive socket failure" — a line it writes to its log only, after the run's
    // row. The console summary is read (its row in the log has the same counts); before,
    // the abort was lost with the skipped log. Now the run is incomplete. The audit's
    // bound on the users holds for the requests siege timed.
    let dir = TestDir::new();
    dir.write(
        "09_siege_90users/siege.txt",
        "\n{\t\"transactions\":\t\t\t         392,\n\
         \t\"availability\":\t\t\t       27.26,\n\
         \t\"elapsed_time\":\t\t\t        0.32,\n\
         \t\"data_transferred\":\t\t        0.06,\n\
         \t\"response_time\":\t\t        0.05,\n\
         \t\"transaction_rate\":\t\t     1225.00,\n\
         \t\"throughput\":\t\t\t        0.17,\n\
         \t\"concurrency\":\t\t\t       64.56,\n\
         \t\"successful_transactions\":\t         392,\n\
         \t\"failed_transactions\":\t\t        1046,\n\
         \t\"longest_transaction\":\t\t        0.12,\n\
         \t\"shortest_transaction\":\t\t        0.00\n\
         }\n",
    );
    dir.write(
        "09_siege_90users/siege.log",
        "      Date & Time,  Trans,  Elap Time,  Data Trans,  Resp Time,  Trans Rate,  Throughput,  Concurrent,    OKAY,   Failed\n\
         2026-12-04 18:19:06,    392,       0.32,           0,       0.05,     1225.00,        0.00,       64.56,     392,    1046\n\
         **** siege aborted due to excessive socket failure. ****\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("09_siege_90users")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 392 + 1046);
    // 1438 requests in 0.32 s is 4494 req/s, over N/R = 90 / 0.05 s = 1800 — but siege
    // times only its 392 transactions (1225 req/s, within the bound): the 1046 socket
    // failures it did not time may have held their users for no time. Before, the audit
    // called the stage impossible and the data inconsistent.
    assert_eq!(
        report["data_quality"], "incomplete",
        "{:#}",
        report["audit"]
    );
    assert_eq!(report["run"]["complete"], false, "{:#}", report["run"]);
    let why = report["run"]["incomplete_reason"].as_str().unwrap_or("");
    assert!(why.contains("siege aborted"), "{why}");
}

#[test]
fn an_artillery_run_of_several_phases_read_as_one_stage_says_it_mixes_them() {
    // Artillery 2's report lists no phases: a stepped run (warm, then peak) is one
    // stage. Its console names the phases: a warning says the stage mixes their loads.
    let dir = TestDir::new();
    dir.write("run/report.json", artillery_report(6000));
    let console = artillery_console(6000).replace(
        "Phase completed: unnamed (index: 0, duration: 60s) 17:56:41(+0000)\n",
        "Phase completed: unnamed (index: 0, duration: 60s) 17:56:41(+0000)\n\
         Phase started: peak (index: 1, duration: 60s) 17:56:41(+0000)\n",
    );
    dir.write("run/console.txt", console);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["stages"].as_array().map(Vec::len), Some(1));
    assert!(
        stderr.contains("2 phases (`unnamed`, `peak`)") && stderr.contains("mixing"),
        "{stderr}"
    );
}

#[test]
fn h2load_clients_created_at_a_rate_are_said_to_overstate_the_users() {
    // `h2load --h1 -n 2000 -c 20 -r 10 -t 2`: each thread creates 5 of its 10 clients
    // per second, so for the first ⌈10/5⌉ − 1 = 1 s of the 3.38 s run not all 20 ran.
    let dir = TestDir::new();
    dir.write(
        "run/h2load.txt",
        "starting benchmark...\n\
         spawning thread #0: 10 total client(s). Up to 5 client(s) will be created every 1s 1000 total requests\n\
         spawning thread #1: 10 total client(s). Up to 5 client(s) will be created every 1s 1000 total requests\n\
         Application protocol: http/1.1\n\
         \n\
         finished in 3.38s, 592.19 req/s, 115.08KB/s\n\
         requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout\n\
         status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx\n\
         traffic: 388.67KB (398000) total, 150.39KB (154000) headers (space savings 0.00%), 177.73KB (182000) data\n\
         \x20                    min         max         mean         sd        +/- sd\n\
         time for request:     4.52ms     93.67ms     21.24ms     10.37ms    75.60%\n\
         time for connect:       29us       256us        97us        60us    75.00%\n\
         time to 1st byte:     7.76ms     70.75ms     26.74ms     15.59ms    80.00%\n\
         req/s           :      42.08       51.62       47.20        2.51    70.00%\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"][0]["users"], 20);
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("first 1 s of its 3.38 s"), "{notes}");
}
