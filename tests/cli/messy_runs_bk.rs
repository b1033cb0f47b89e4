//! qa65's finds stepping wrk past the demo target's known capacity: wrk (≥ 4.0) counts
//! a `timeout` socket error for an answer that came later than `--timeout`, and that
//! answer is among its `N requests in` (wrk.c's `response_complete`: `complete++`, then
//! `errors.timeout++` when `stats_record` refuses a latency past the timeout). The
//! timeouts are failures within the completed requests, never extra requests: a stage
//! past capacity keeps wrk's own request count and Requests/sec.

use crate::common::{analyze_json, assert_kinds_sum_to_failures, check_rules, close, TestDir};

/// wrk 4.1 `--latency` console output of `-t2 -c{conns} -d4s` against one endpoint,
/// in the shape wrk prints: `completed` answers in `secs`, `timeouts` of them slower
/// than the default 2 s timeout (the socket-errors line only when there are some).
fn wrk_console(conns: u32, completed: u64, secs: f64, timeouts: u64, p50_ms: f64) -> String {
    let socket = if timeouts > 0 {
        format!("  Socket errors: connect 0, read 0, write 0, timeout {timeouts}\n")
    } else {
        String::new()
    };
    format!(
        "Running 4s test @ http://127.0.0.1:18470/api/v1/agents
  2 threads and {conns} connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   {p50_ms:.2}ms    2.00ms  1990.00ms   74.45%
    Req/Sec    92.00     20.00   120.00     80.00%
  Latency Distribution
     50%   {p50_ms:.2}ms
     75%   {p75:.2}ms
     90%   {p90:.2}ms
     99%   {p99:.2}ms
  {completed} requests in {secs:.2}s, 83.55KB read
{socket}Requests/sec:    {rps:.2}
Transfer/sec:     20.54KB
",
        p75 = p50_ms * 1.1,
        p90 = p50_ms * 1.2,
        p99 = p50_ms * 1.3,
        rps = completed as f64 / secs,
    )
}

/// A step dir as a shell loop leaves it: `wrk-c$c.txt` for c = 4 … 512 against a
/// target of 4 workers × 20 ms (capacity 200 req/s); at 512 connections an answer
/// takes ≈ 2.7 s, so 196 of the 744 answers come after wrk's 2 s timeout.
fn step_dir(dir: &TestDir) -> std::path::PathBuf {
    for (c, done, secs, timeouts, p50) in [
        (4, 744, 4.01, 0, 21.5),
        (16, 752, 4.02, 0, 84.8),
        (64, 752, 4.01, 0, 341.0),
        (256, 748, 4.02, 0, 1180.0),
        (512, 744, 4.07, 196, 1490.0),
    ] {
        dir.write(
            &format!("steps/wrk-c{c}.txt"),
            wrk_console(c, done, secs, timeouts, p50),
        );
    }
    dir.path().join("steps")
}

/// The 512-connection stage keeps wrk's 744 requests (182.8 req/s, what wrk printed);
/// its 196 timeouts are failures among them: error rate 196/744 = 26.3 %, goodput
/// (744 − 196) ÷ (744 ÷ 182.80 s) = 134.6 req/s. Before, the timeouts were added as extra requests:
/// 940 requests at 231 req/s, above the target's capacity and above anything wrk
/// measured, and an error rate of 20.9 %.
#[test]
fn wrk_timeouts_past_capacity_are_failed_answers_not_extra_requests() {
    let dir = TestDir::new();
    let steps = step_dir(&dir);
    let (code, report, stderr) = analyze_json(&[&steps], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().unwrap();
    let top = stages.iter().find(|s| s["users"] == 512).unwrap();
    assert_eq!(top["requests"], 744, "{top}");
    assert_eq!(top["failures"], 196, "{top}");
    let f = |k: &str| top[k].as_f64().unwrap();
    // The run lasted 744 ÷ wrk's `Requests/sec: 182.80` (its `4.07s` is rounded).
    let secs = 744.0 / 182.80;
    assert!(close(f("throughput_rps"), 744.0 / secs, 1e-9), "{top}");
    assert!(close(f("goodput_rps"), 548.0 / secs, 1e-9), "{top}");
    assert!(close(f("error_rate"), 196.0 / 744.0, 1e-9), "{top}");
    // No stage's throughput above what wrk printed for it (≤ 188 req/s here).
    for s in stages {
        assert!(s["throughput_rps"].as_f64().unwrap() < 188.0, "{s}");
    }
    assert_eq!(report["overall"]["requests"], 744 + 752 + 752 + 748 + 744);
}

/// A stall of 3 s holds the 8 connections' requests; they are answered after it, past
/// wrk's 2 s timeout: 560 answers (the target's own counter served 560), 8 of them
/// timeouts. Error rate 8/560 = 1.43 %, not 8/568 = 1.41 %.
#[test]
fn wrk_timeouts_after_a_stall_are_counted_within_the_answers() {
    let dir = TestDir::new();
    let text = wrk_console(8, 560, 6.05, 8, 42.86).replace("Running 4s", "Running 6s");
    dir.write("stall/wrk.txt", text);
    let (code, out, err) = check_rules(&dir, &dir.path().join("stall"), "\"error_rate < 5%\"");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1.43%"), "{out}");
    assert!(!out.contains("1.41%"), "{out}");
    let (_, report, _) = analyze_json(&[&dir.path().join("stall")], &[]);
    assert_eq!(report["overall"]["requests"], 560);
    assert_eq!(report["overall"]["failures"], 8);
    let notes = report.to_string();
    assert!(
        notes.contains("the 8 timeouts are among the 560 completed"),
        "{notes}"
    );
}

/// A wrk 3-style count (more timeouts than answers: one every 2 s per waiting request)
/// cannot be a subset of the answers: it is still added, with the overlap note.
#[test]
fn more_wrk_timeouts_than_answers_are_added_as_before() {
    let dir = TestDir::new();
    dir.write("old/wrk.txt", wrk_console(64, 40, 4.0, 90, 1900.0));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("old")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 130);
    assert_eq!(report["overall"]["failures"], 90);
    assert!(report.to_string().contains("may overlap them"), "{report}");
}

/// A slow 503 is both a timeout and a non-2xx answer: 700 non-2xx and 100 timeouts
/// among 744 answers are at most 744 failures, and the failure kinds add up to them.
#[test]
fn slow_failed_answers_are_counted_once() {
    let dir = TestDir::new();
    let text = wrk_console(512, 744, 4.07, 100, 1490.0).replace(
        "timeout 100\n",
        "timeout 100\n  Non-2xx or 3xx responses: 700\n",
    );
    dir.write("shed/wrk.txt", text);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("shed")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 744);
    assert_eq!(report["overall"]["failures"], 744);
    assert_kinds_sum_to_failures(&report);
}
