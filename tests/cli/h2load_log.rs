//! h2load's `--log-file` (start µs, status, µs per closed stream), alone and beside
//! h2load's console output of the same run. The fixture's 100 rows time request `i`
//! (1-based) at `i` ms + 7 µs: rows 1–90 answered 200, 91–98 answered 503, 99–100
//! are failed streams (`-1`). Every expected figure is that arithmetic.

use std::collections::BTreeMap;

use serde_json::Value;

use super::common::{analyze_json, assert_kinds_sum_to_failures, close, nearest_rank, TestDir};

/// The log's µs latency of row `i`.
fn micros(i: u64) -> u64 {
    i * 1000 + 7
}

/// The fixture log: 100 rows, 10 ms apart from a start in 2026.
fn log() -> String {
    (1..=100u64)
        .map(|i| {
            let status = match i {
                1..=90 => "200",
                91..=98 => "503",
                _ => "-1",
            };
            format!(
                "{}\t{status}\t{}\n",
                1_796_361_780_000_000 + i * 10_000,
                micros(i)
            )
        })
        .collect()
}

/// The latencies (ms) of rows `from..=to`.
fn latencies(from: u64, to: u64) -> Vec<f64> {
    (from..=to).map(|i| micros(i) as f64 / 1000.0).collect()
}

/// h2load's console output of a 3 s run of 10 clients: `done` streams closed, of which
/// `succeeded` answered 2xx and `fives` 5xx; `errored` failed without an answer;
/// requests beyond `done` were never started (their connection failed: not requests,
/// and the run is incomplete). `time for request` is the answered requests' (rows
/// 1–98).
fn console(done: u64, succeeded: u64, fives: u64, errored: u64) -> String {
    let failed = fives + errored;
    let total = succeeded + failed;
    format!(
        "starting benchmark...\n\
         spawning thread #0: 10 total client(s). {total} total requests\n\
         Application protocol: http/1.1\n\
         progress: 100% done\n\
         \n\
         finished in 3.00s, 33.33 req/s, 3.33KB/s\n\
         requests: {total} total, {done} started, {done} done, {succeeded} succeeded, {failed} failed, {errored} errored, 0 timeout\n\
         status codes: {succeeded} 2xx, 0 3xx, 0 4xx, {fives} 5xx\n\
         traffic: 10.00KB (10240) total, 5.00KB (5120) headers (space savings 0.00%), 1.00KB (1024) data\n\
         \x20                    min         max         mean         sd        +/- sd\n\
         time for request:     1.01ms     98.01ms     49.51ms     28.29ms    57.14%\n\
         time for connect:       98us       607us       301us       150us    70.00%\n\
         time to 1st byte:     1.66ms      9.90ms      2.67ms      1.56ms    90.00%\n\
         req/s           :      49.65       50.79       49.80        0.35    60.00%\n"
    )
}

fn kinds(scope: &Value) -> BTreeMap<String, u64> {
    (scope["failures_by_kind"].as_object().unwrap().iter())
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect()
}

fn expect(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

fn latency(report: &Value, key: &str) -> f64 {
    report["overall"]["latency_ms"][key]
        .as_f64()
        .unwrap_or_else(|| panic!("no {key}: {}", report["overall"]))
}

#[test]
fn an_h2load_log_alone_is_every_closed_stream_and_a_bad_row_costs_only_itself() {
    let dir = TestDir::new();
    dir.write(
        "run/h2load.log",
        format!("{}1796361781500000\tOK\t5\n", log()),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "a bad row is a problem: {stderr}");
    assert!(
        stderr.contains("h2load.log:101") && stderr.contains("status"),
        "{stderr}"
    );
    assert_kinds_sum_to_failures(&report);
    assert_eq!(report["overall"]["requests"], 100);
    assert_eq!(report["overall"]["failures"], 10);
    assert_eq!(
        kinds(&report["overall"]),
        expect(&[("status:503", 8), ("other", 2)])
    );
    // The answered rows' latencies (1–98), as beside the console: a failed stream
    // (`-1`) has no answer to time.
    let all = latencies(1, 98);
    for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0)] {
        let want = nearest_rank(&all, pct);
        assert!(close(latency(&report, key), want, 1e-3), "{key} vs {want}");
    }
    assert!(close(latency(&report, "max"), 98.007, 1e-3));
    // The bad row left data unread.
    assert_eq!(report["data_quality"], "incomplete");
    assert_eq!(report["sources"][0]["tool"], "h2load");
}

#[test]
fn an_h2load_log_alone_leaves_out_the_requests_of_failed_connections() {
    let dir = TestDir::new();
    dir.write("run/h2load.log", log());
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    // Requests of failed connections have no row: the failures are a bound.
    assert_eq!(report["data_quality"], "partial");
}

#[test]
fn an_h2load_log_beside_its_console_gives_every_answers_latency_and_code() {
    // 100 streams closed (the log's rows): 100 requests, 10 failed (8 answered 503,
    // 2 errored).
    let dir = TestDir::new();
    dir.write("run/h2load.txt", console(100, 90, 8, 2));
    dir.write("run/h2load.log", log());
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_kinds_sum_to_failures(&report);
    assert_eq!(report["overall"]["requests"], 100);
    assert_eq!(report["overall"]["failures"], 10);
    // The log names the code h2load's console only gives by class.
    assert_eq!(
        kinds(&report["overall"]),
        expect(&[("status:503", 8), ("other", 2)])
    );
    // The answered requests' latencies (rows 1–98), as the console's min/mean/max.
    let answered = latencies(1, 98);
    assert_eq!(report["overall"]["latency_exact"], true);
    for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0)] {
        let want = nearest_rank(&answered, pct);
        assert!(close(latency(&report, key), want, 1e-3), "{key} vs {want}");
    }
    let mean = answered.iter().sum::<f64>() / answered.len() as f64;
    assert!(close(latency(&report, "mean"), mean, 1e-3));
    assert!(close(latency(&report, "min"), 1.007, 1e-3));
    assert!(close(latency(&report, "max"), 98.007, 1e-3));
    assert_eq!(report["sources"].as_array().unwrap().len(), 1);
    assert_eq!(report["stages"][0]["users"], 10);
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("are one h2load run"), "{notes}");
    assert_eq!(report["data_quality"], "clean");
}

#[test]
fn an_h2load_log_of_another_run_leaves_the_console_as_it_is() {
    // The console counts 40 answers; the log has 98: another run's.
    let dir = TestDir::new();
    dir.write("run/h2load.txt", console(45, 35, 5, 5));
    dir.write("run/h2load.log", log());
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 45);
    assert_eq!(report["overall"]["failures"], 10);
    assert_eq!(
        kinds(&report["overall"]),
        expect(&[("status:5xx", 5), ("other", 5)])
    );
    assert_eq!(report["overall"]["latency_exact"], false);
    assert!(close(latency(&report, "mean"), 49.51, 1e-9));
    assert!(report["overall"]["latency_ms"]["p95"].is_null());
    // Another run's data beside the report's: skipped as such, the data incomplete.
    assert_eq!(report["skipped"][0]["kind"], "other_data");
    let why = report["skipped"][0]["reason"].to_string();
    assert!(why.contains("not the same run"), "{why}");
    assert_eq!(report["data_quality"], "incomplete");
}

#[test]
fn an_h2load_log_appended_by_several_runs_gives_the_consoles_run_its_own_rows() {
    // h2load appends to its log: 30 rows of a run a minute before, all 200 at 500 ms,
    // then the fixture's run, whose console (rewritten by `>`) is beside it.
    let earlier: String = (0..30u64)
        .map(|i| format!("{}\t200\t500000\n", 1_796_361_720_000_000 + i * 10_000))
        .collect();
    let dir = TestDir::new();
    dir.write("run/h2load.txt", console(100, 90, 8, 2));
    dir.write("run/h2load.log", format!("{earlier}{}", log()));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 100);
    assert_eq!(
        kinds(&report["overall"]),
        expect(&[("status:503", 8), ("other", 2)])
    );
    // None of the earlier run's 500 ms answers.
    assert!(close(latency(&report, "max"), 98.007, 1e-3));
    let want = nearest_rank(&latencies(1, 98), 95.0);
    assert!(close(latency(&report, "p95"), want, 1e-3));
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("30 other rows are other runs'"), "{notes}");

    // The same rows, but the earlier run's start times inside this run's: not runs
    // one after another, so the log is not taken for the console's.
    let overlapping: String = (0..30u64)
        .map(|i| format!("{}\t200\t500000\n", 1_796_361_780_000_000 + i * 10_000))
        .collect();
    dir.write("run/h2load.log", format!("{overlapping}{}", log()));
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["overall"]["latency_exact"], false);
    let why = report["skipped"][0]["reason"].to_string();
    assert!(why.contains("not the same run"), "{why}");

    // The fixture's rows, one of them 1,000 s long: past the longest the console
    // printed (98.01 ms), so not its run either.
    let slow = log().replacen("\t91007\n", "\t1000000000\n", 1);
    assert_ne!(slow, log());
    dir.write("run/h2load.log", slow);
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["overall"]["latency_exact"], false);
    assert_eq!(report["skipped"][0]["kind"], "other_data");

    // A console cut short is refused; the log beside it is still read, alone.
    dir.write("run/h2load.log", log());
    let cut = console(100, 90, 8, 2);
    dir.write("run/h2load.txt", &cut[..cut.find("traffic:").unwrap()]);
    let (code, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2);
    assert_eq!(report["overall"]["requests"], 100);
    assert_eq!(report["sources"][0]["tool"], "h2load");
}

#[test]
fn several_h2load_runs_in_one_dir_are_read_from_their_consoles_never_twice() {
    // Two runs' consoles (100 requests; 30 requests) and the log both appended to (130
    // rows): the consoles are read, the log is theirs, not more.
    let later: String = (0..30u64)
        .map(|i| format!("{}\t200\t5000\n", 1_796_361_790_000_000 + i * 10_000))
        .collect();
    let dir = TestDir::new();
    dir.write("run/first.txt", console(100, 90, 8, 2));
    dir.write("run/second.txt", console(30, 30, 0, 0));
    dir.write("run/h2load.log", format!("{}{later}", log()));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["overall"]["requests"], 130, "{stderr}");
    assert_eq!(report["overall"]["failures"], 10);
    let skipped = &report["skipped"][0];
    assert_eq!(skipped["kind"], "same_data", "{skipped}");
    assert!(skipped["path"].as_str().unwrap().ends_with("h2load.log"));

    // A log no console (nor both) counts is another run's: in none of the figures.
    dir.write("run/h2load.log", &later[..later.len() / 3]);
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["overall"]["requests"], 130);
    assert_eq!(report["skipped"][0]["kind"], "other_data");
    assert_eq!(report["data_quality"], "incomplete");
}
