//! Messy runs, batch "aq" (qa48): several tools' files in one run dir — a smoke test
//! with wrk or hey, its console captured beside the real run's JMeter JTL and console
//! (the texts as wrk 4.1, hey and JMeter 2.13 printed them against `headroom target`).

use super::common::{analyze_json, check_rules, TestDir};

const T0: u64 = 1_796_528_381_752;

/// `wrk -t1 -c4 -d3s …`'s console, as wrk printed it (`| tee smoke-wrk.txt`).
const WRK_SMOKE: &str = "Running 3s test @ http://127.0.0.1:18480/api/v1/agents\n  1 threads \
    and 4 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency    \
    21.65ms   11.22ms  79.07ms   74.75%\n    Req/Sec   188.10     19.03   232.00     70.00%\n  \
    563 requests in 3.01s, 109.41KB read\nRequests/sec:    187.11\nTransfer/sec:     36.36KB\n";

/// `hey -z 3s -c 4 …`'s console, as hey printed it (`> hey-smoke.txt 2>&1`).
const HEY_SMOKE: &str = "\nSummary:\n  Total:\t3.0207 secs\n  Slowest:\t0.0879 secs\n  \
    Fastest:\t0.0043 secs\n  Average:\t0.0211 secs\n  Requests/sec:\t188.6990\n  \n  Total \
    data:\t51870 bytes\n  Size/request:\t91 bytes\n\nResponse time histogram:\n  0.004 [1]\t|\n  \
    0.013 [99]\t|■■■■■■■■■■■■■■■■\n  0.021 [251]\t|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■\n  \
    0.029 [122]\t|■■■■■■■■■■■■■■■■■■■\n  0.038 [52]\t|■■■■■■■■\n  0.046 [28]\t|■■■■\n  \
    0.054 [8]\t|■\n  0.063 [5]\t|■\n  0.071 [2]\t|\n  0.080 [1]\t|\n  0.088 [1]\t|\n\n\n\
    Latency distribution:\n  10% in 0.0105 secs\n  25% in 0.0141 secs\n  50% in 0.0188 secs\n  \
    75% in 0.0254 secs\n  90% in 0.0353 secs\n  95% in 0.0417 secs\n  99% in 0.0619 secs\n\n\
    Details (average, fastest, slowest):\n  DNS+dialup:\t0.0000 secs, 0.0043 secs, 0.0879 secs\n  \
    DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs\n  req write:\t0.0000 secs, 0.0000 secs, \
    0.0002 secs\n  resp wait:\t0.0210 secs, 0.0042 secs, 0.0879 secs\n  resp read:\t0.0000 secs, \
    0.0000 secs, 0.0008 secs\n\nStatus code distribution:\n  [200]\t570 responses\n\n\n\n";

/// The real run: a JMeter 2.13 CSV JTL (its 12 default columns, no header) of 5
/// threads × 60 one-second iterations of `GET agents`, every tenth answered 500:
/// 300 requests, 30 failed, over a minute. With its console (the summariser's total).
fn write_jmeter_run(dir: &TestDir) {
    let mut jtl = String::new();
    for i in 0..60u64 {
        for th in 1..=5u64 {
            let t = T0 + i * 1_000 + th * 7;
            let (code, msg, ok) = if i % 10 == 3 {
                (500, "Internal Server Error", false)
            } else {
                (200, "OK", true)
            };
            jtl += &format!("{t},21,GET agents,{code},{msg},run 1-{th},text,{ok},199,5,5,21\n");
        }
    }
    dir.write("run/results.jtl", jtl);
    dir.write(
        "run/jmeter-console.txt",
        "Creating summariser <summary>\nCreated the tree successfully using plan.jmx\n\
         Starting the test @ Sun Dec 06 03:39:41 UTC 2026 (1796528381752)\n\
         Waiting for possible shutdown message on port 4445\n\
         summary =    300 in    60s =    5.0/s Avg:    21 Min:    21 Max:    21 Err:    \
         30 (10.00%)\nTidying up ...    @ Sun Dec 06 03:40:42 UTC 2026 (1796528442100)\n\
         ... end of run\n",
    );
}

/// A team smoke-tested with wrk for 3 s at 4 connections (console kept as
/// `smoke-wrk.txt`), then ran JMeter for a minute at 5 threads, all in one dir.
/// Before, the JTL was judged "incomplete" (the wrk source "measured other requests
/// … they are in none of its figures") and "Re-run the test to completion" came
/// first. Now wrk's run is named a short run apart (a smoke test or warm-up), the
/// report's figures are the JTL's (300 requests, 30 failed) and its data is complete.
#[test]
fn a_wrk_smoke_console_beside_a_jtl_leaves_the_run_complete() {
    let dir = TestDir::new();
    write_jmeter_run(&dir);
    dir.write("run/smoke-wrk.txt", WRK_SMOKE);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["primary_source"], "jmeter");
    assert_eq!(report["overall"]["requests"], 300);
    assert_eq!(report["overall"]["failures"], 30);
    assert_eq!(
        report["data_quality"], "clean",
        "{}",
        report["data_quality_reason"]
    );
    let text = report.to_string();
    assert!(!text.contains("Re-run the test to completion"), "{text}");
    assert!(
        text.contains("wrk's run (563 requests in 3.0 s at 4 users)"),
        "{text}"
    );
    assert!(text.contains("a smoke test or warm-up"), "{text}");
}

/// The same with hey's smoke console: hey counted 570 requests, more than the JTL's
/// 300, and prints a p95, so before it led the report — 0 % errors, one stage "run"
/// at 189 req/s — and `error_rate < 5%` passed on it (CONDITIONAL, exit 0). Now the
/// JTL leads, its 10 % errors fail the rule and the verdict is not GO.
#[test]
fn a_hey_smoke_console_with_more_requests_does_not_lead() {
    let dir = TestDir::new();
    write_jmeter_run(&dir);
    dir.write("run/hey-smoke.txt", HEY_SMOKE);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["primary_source"], "jmeter");
    assert_eq!(report["overall"]["requests"], 300);
    assert_eq!(report["overall"]["failures"], 30);
    assert_eq!(
        report["data_quality"], "clean",
        "{}",
        report["data_quality_reason"]
    );
    let (code, stdout, stderr) = check_rules(&dir, &dir.path().join("run"), "\"error_rate < 5%\"");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("NO-GO"), "{stdout}");
}

/// A short wrk run at 50 connections beside the same minute of JMeter at 5 threads is
/// no smoke test: it loaded the system harder than the run reported, and its requests
/// are in none of the report's figures, so the data stays incomplete (as before).
#[test]
fn a_short_run_at_more_users_than_the_run_is_still_other_data() {
    let dir = TestDir::new();
    write_jmeter_run(&dir);
    let peak = WRK_SMOKE.replace("4 connections", "50 connections");
    dir.write("run/wrk-peak.txt", peak);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 300);
    assert_eq!(report["data_quality"], "incomplete");
    let reason = report["data_quality_reason"].as_str().unwrap();
    assert!(
        reason.contains("wrk source measured other requests"),
        "{reason}"
    );
}

/// `autocannon -c 20 -d 20 …`'s console, as autocannon printed it (`2>&1 | tee`).
const AUTOCANNON_RUN: &str = r#"Running 20s test @ http://127.0.0.1:18480/api/v1/agents
20 connections


┌─────────┬──────┬───────┬───────┬───────┬──────────┬──────────┬────────┐
│ Stat    │ 2.5% │ 50%   │ 97.5% │ 99%   │ Avg      │ Stdev    │ Max    │
├─────────┼──────┼───────┼───────┼───────┼──────────┼──────────┼────────┤
│ Latency │ 8 ms │ 19 ms │ 48 ms │ 57 ms │ 21.12 ms │ 10.77 ms │ 113 ms │
└─────────┴──────┴───────┴───────┴───────┴──────────┴──────────┴────────┘
┌───────────┬────────┬────────┬────────┬────────┬────────┬─────────┬────────┐
│ Stat      │ 1%     │ 2.5%   │ 50%    │ 97.5%  │ Avg    │ Stdev   │ Min    │
├───────────┼────────┼────────┼────────┼────────┼────────┼─────────┼────────┤
│ Req/Sec   │ 870    │ 870    │ 925    │ 995    │ 925.3  │ 30.06   │ 870    │
├───────────┼────────┼────────┼────────┼────────┼────────┼─────────┼────────┤
│ Bytes/Sec │ 173 kB │ 173 kB │ 184 kB │ 198 kB │ 184 kB │ 5.97 kB │ 173 kB │
└───────────┴────────┴────────┴────────┴────────┴────────┴─────────┴────────┘

Req/Bytes counts sampled once per second.
# of samples: 20

19k requests in 20.06s, 3.68 MB read
"#;

/// `autocannon -c 4 -d 3 …`'s console: a smoke test.
const AUTOCANNON_SMOKE: &str = r#"Running 3s test @ http://127.0.0.1:18480/api/v1/agents
4 connections


┌─────────┬──────┬───────┬───────┬───────┬──────────┬─────────┬───────┐
│ Stat    │ 2.5% │ 50%   │ 97.5% │ 99%   │ Avg      │ Stdev   │ Max   │
├─────────┼──────┼───────┼───────┼───────┼──────────┼─────────┼───────┤
│ Latency │ 8 ms │ 19 ms │ 44 ms │ 52 ms │ 20.81 ms │ 9.41 ms │ 64 ms │
└─────────┴──────┴───────┴───────┴───────┴──────────┴─────────┴───────┘
┌───────────┬─────────┬─────────┬─────────┬───────┬───────┬───────┬─────────┐
│ Stat      │ 1%      │ 2.5%    │ 50%     │ 97.5% │ Avg   │ Stdev │ Min     │
├───────────┼─────────┼─────────┼─────────┼───────┼───────┼───────┼─────────┤
│ Req/Sec   │ 183     │ 183     │ 184     │ 191   │ 186   │ 3.56  │ 183     │
├───────────┼─────────┼─────────┼─────────┼───────┼───────┼───────┼─────────┤
│ Bytes/Sec │ 36.4 kB │ 36.4 kB │ 36.6 kB │ 38 kB │ 37 kB │ 698 B │ 36.4 kB │
└───────────┴─────────┴─────────┴─────────┴───────┴───────┴───────┴─────────┘

Req/Bytes counts sampled once per second.
# of samples: 3

562 requests in 3.02s, 111 kB read
"#;

/// `ab -n 200 -c 2 …`'s console, as ab printed it: a smoke test.
const AB_SMOKE: &str = r#"This is ApacheBench, Version 2.3 <$Revision$>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient)
Completed 100 requests
Completed 200 requests
Finished 200 requests


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18480

Document Path:          /api/v1/agents
Document Length:        91 bytes

Concurrency Level:      2
Time taken for tests:   2.608 seconds
Complete requests:      200
Failed requests:        0
Total transferred:      39800 bytes
HTML transferred:       18200 bytes
Requests per second:    76.70 [#/sec] (mean)
Time per request:       26.077 [ms] (mean)
Time per request:       13.038 [ms] (mean, across all concurrent requests)
Transfer rate:          14.90 [Kbytes/sec] received

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    0   1.2      0      10
Processing:     6   26  11.7     24      79
Waiting:        2   25  11.8     24      79
Total:          8   26  11.7     24      79

Percentage of the requests served within a certain time (ms)
  50%     24
  66%     28
  75%     32
  80%     33
  90%     40
  95%     47
  98%     65
  99%     66
 100%     79 (longest request)
"#;

/// An `ab` smoke test (200 requests, 2.6 s) beside the real run, autocannon at 20
/// connections for 20 s with its console captured: headroom does not read
/// autocannon's table (it rounds its counts: "19k requests"). Before, the report was
/// ab's smoke test alone — 200 requests, data clean — and `p95 < 100ms` passed on it
/// with nothing said of the 19k requests left out. Now the console is other data than
/// the report's, named with its run's figures, and the data is incomplete: no GO.
#[test]
fn an_unread_autocannon_run_beside_an_ab_smoke_test_is_other_data() {
    let dir = TestDir::new();
    dir.write("run/ab-smoke.txt", AB_SMOKE);
    dir.write("run/autocannon-console.txt", AUTOCANNON_RUN);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 200);
    assert_eq!(report["data_quality"], "incomplete");
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["kind"], "other_data");
    let reason = skipped[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("its run (≈ 19k requests in 20.1 s at 20 connections)"),
        "{reason}"
    );
    let (_, stdout, stderr) = check_rules(&dir, &dir.path().join("run"), "\"p95 < 100ms\"");
    assert!(!stdout.contains("verdict: GO"), "{stdout}{stderr}");
}

/// autocannon's 3 s smoke test at 4 connections, its console beside the minute of
/// JMeter at 5 threads: a short run apart, skipped as before, the data complete.
#[test]
fn an_unread_autocannon_smoke_test_beside_a_jtl_leaves_the_run_complete() {
    let dir = TestDir::new();
    write_jmeter_run(&dir);
    dir.write("run/autocannon-smoke.txt", AUTOCANNON_SMOKE);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 300);
    assert_eq!(
        report["data_quality"], "clean",
        "{}",
        report["data_quality_reason"]
    );
    let text = report["skipped"].to_string();
    assert!(
        text.contains("its run (562 requests in 3.0 s at 4 connections) is a short run apart"),
        "{text}"
    );
}
