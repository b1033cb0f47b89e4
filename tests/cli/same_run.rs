//! One run's requests counted once: a byte-identical copy is read once; outputs of
//! one tool that may be the same run (siege's console and `siege.log`, hey's text and
//! CSV, Locust's `--json` and CSVs) are cross-checked on their counts; result files
//! that are not read (another run's, a stage sub-dir beside top-level results) are said
//! on the console and in the report, and keep `data_quality` from being clean.

use serde_json::{json, Value};

use crate::common::{analyze_json, headroom, TestDir};

/// A hey CSV of `n` answered requests, 10 ms apart (offsets), 20 ms each.
fn hey_csv(n: u64) -> String {
    let mut t = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..n {
        t.push_str(&format!(
            "0.0200,0,0,0,0.0200,0,200,{:.4}\n",
            i as f64 * 0.01
        ));
    }
    t
}

/// hey's text summary with `answered` 200 answers over 2 s.
fn hey_text(answered: u64) -> String {
    format!(
        "\nSummary:\n  Total:\t2.0000 secs\n  Slowest:\t0.0300 secs\n  Fastest:\t0.0100 secs\n  \
         Average:\t0.0200 secs\n  Requests/sec:\t50.0000\n\nLatency distribution:\n  \
         50% in 0.0200 secs\n  95% in 0.0300 secs\n\nStatus code distribution:\n  \
         [200]\t{answered} responses\n"
    )
}

/// The skipped entries of a report, `(path, reason, kind)`.
fn skipped(report: &Value) -> Vec<(String, String, String)> {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
                s["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The skipped entry whose path ends with `name`.
fn skipped_file(report: &Value, name: &str) -> (String, String) {
    let all = skipped(report);
    let (_, reason, kind) = all
        .iter()
        .find(|(p, _, _)| p.ends_with(name))
        .unwrap_or_else(|| panic!("{name} not skipped: {all:?}"));
    (reason.clone(), kind.clone())
}

fn analyze(dir: &TestDir) -> (Value, String) {
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    (report, stderr)
}

/// The console text of `analyze` (not JSON): where skipped files must be said.
fn console(dir: &TestDir) -> String {
    let out = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.path().join("r").to_str().unwrap(),
        "--charts",
        "none",
    ]);
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_byte_identical_copy_is_read_once_and_named_as_a_copy() {
    let dir = TestDir::new();
    dir.write("run/hey.csv", hey_csv(40));
    dir.write("run/hey-results-copy.csv", hey_csv(40));
    let (report, _) = analyze(&dir);
    // 40 rows, not 80; 40 requests over the offsets' 0.39 s span.
    assert_eq!(report["overall"]["requests"], 40);
    let (reason, kind) = skipped_file(&report, "hey-results-copy.csv");
    assert_eq!(kind, "same_data");
    assert!(
        reason.contains("byte-identical copy of") && reason.contains("hey.csv"),
        "{reason}"
    );
    // Both are listed with their SHA-256 (the same); the copy costs the data nothing:
    // it stays what hey's CSV alone makes it, `partial` (transport errors left out),
    // not `incomplete`.
    let inputs = report["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["sha256"], inputs[1]["sha256"]);
    assert_eq!(report["data_quality"], "partial");
    assert!(
        console(&dir).contains("skipped"),
        "the copy is said on the console"
    );
}

#[test]
fn identical_wrk_summaries_are_not_two_runs() {
    let wrk = "Running 10s test @ http://127.0.0.1:8080/\n  2 threads and 10 connections\n  \
               Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     5.00ms    1.00ms  20.00ms   90.00%\n    \
               Req/Sec     1.00k   100.00     1.20k    80.00%\n  \
               1000 requests in 10.00s, 100.00KB read\nRequests/sec:    100.00\nTransfer/sec:     10.00KB\n";
    let dir = TestDir::new();
    dir.write("run/console.log", wrk);
    dir.write("run/wrk-output.txt", wrk);
    let (report, _) = analyze(&dir);
    assert_eq!(report["overall"]["requests"], 1000);
    assert_eq!(skipped_file(&report, "wrk-output.txt").1, "same_data");
}

const SIEGE_LOG_HEADER: &str = "      Date & Time,  Trans,  Elap Time,  Data Trans,  Resp Time,  Trans Rate,  Throughput,  Concurrent,    OKAY,   Failed\n";

/// siege's JSON console block for `trans` transactions, `failed` failed, in 2.5 s.
fn siege_console(trans: u64, failed: u64) -> String {
    format!(
        "{{\t\"transactions\":\t{trans},\n\t\"availability\":\t100.00,\n\t\"elapsed_time\":\t2.50,\n\t\
         \"response_time\":\t0.02,\n\t\"transaction_rate\":\t{:.2},\n\t\"concurrency\":\t9.90,\n\t\
         \"successful_transactions\":\t{trans},\n\t\"failed_transactions\":\t{failed},\n\t\
         \"longest_transaction\":\t0.10,\n\t\"shortest_transaction\":\t0.00\n}}\n",
        trans as f64 / 2.5
    )
}

#[test]
fn siege_console_and_its_log_row_are_one_run() {
    let dir = TestDir::new();
    dir.write("run/console.log", siege_console(1000, 0));
    dir.write(
        "run/siege.log",
        format!(
            "{SIEGE_LOG_HEADER}2026-12-03 13:31:48,   1000,       2.50,           0,       0.02,      400.00,        0.00,        9.90,    1000,       0\n"
        ),
    );
    let (report, _) = analyze(&dir);
    // One run of 1,000 transactions in 2.5 s: 400 req/s, not 2,000 requests.
    assert_eq!(report["overall"]["requests"], 1000);
    let rps = report["stages"][0]["throughput_rps"].as_f64().unwrap();
    assert!((rps - 400.0).abs() < 1.0, "{rps}");
    let (reason, kind) = skipped_file(&report, "siege.log");
    assert_eq!(kind, "same_data");
    assert!(
        reason.contains("1000 transactions") && reason.contains("line 2"),
        "{reason}"
    );
    assert_eq!(report["data_quality"], "clean");
}

#[test]
fn a_siege_log_of_other_runs_is_not_summed_with_the_console() {
    let dir = TestDir::new();
    dir.write("run/console.log", siege_console(1000, 0));
    dir.write(
        "run/siege.log",
        format!(
            "{SIEGE_LOG_HEADER}2026-12-03 13:31:48,    300,       1.00,           0,       0.02,      300.00,        0.00,        5.00,     300,       0\n"
        ),
    );
    let (report, _) = analyze(&dir);
    assert_eq!(report["overall"]["requests"], 1000);
    assert_eq!(skipped_file(&report, "siege.log").1, "other_data");
    assert_eq!(report["data_quality"], "incomplete");
}

#[test]
fn hey_text_of_another_run_beside_a_csv_is_flagged_not_called_the_same_run() {
    let dir = TestDir::new();
    dir.write("run/console.log", hey_text(5000));
    dir.write("run/hey.csv", hey_csv(40));
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let (report, _) = analyze(&dir);
    assert_eq!(report["overall"]["requests"], 40);
    let (reason, kind) = skipped_file(&report, "console.log");
    assert_eq!(kind, "other_data");
    assert!(
        reason.contains("5000 answers")
            && reason.contains("40 rows")
            && !reason.contains("same run,"),
        "{reason}"
    );
    assert_eq!(report["data_quality"], "incomplete");
    // The check does not give a GO on data whose other half was left out.
    let run = dir.path().join("run");
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let out: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_ne!(out["verdict"], "GO", "{out}");
    assert!(out["verdict"].is_string(), "{out}");
}

#[test]
fn hey_text_of_as_many_answers_is_checked_and_skipped() {
    let dir = TestDir::new();
    dir.write("run/console.log", hey_text(40));
    dir.write("run/hey.csv", hey_csv(40));
    let (report, _) = analyze(&dir);
    assert_eq!(report["overall"]["requests"], 40);
    let (reason, kind) = skipped_file(&report, "console.log");
    assert_eq!(kind, "same_data");
    // hey writes its summary or its CSV, never both for one run: a summary of as many
    // answers is the same load run again (`-n 40`), and the reason says so.
    assert!(reason.contains("as many answers (40, checked)"), "{reason}");
    assert!(reason.contains("never both for one run"), "{reason}");
    // The same load's text costs nothing either: the data is what the CSV makes it
    // (`partial`: hey's CSV leaves transport errors out), not `incomplete`.
    assert_eq!(report["data_quality"], "partial");
}

/// A Locust stats CSV (no history) of `n` requests, `f` failed, on `GET /api`.
fn locust_stats(n: u64, f: u64) -> String {
    format!(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
         50%,95%,100%\r\n\
         GET,/api,{n},{f},200,250.0,10.0,500.0,100.0,10.0,0.1,200,400,500\r\n\
         ,Aggregated,{n},{f},200,250.0,10.0,500.0,100.0,10.0,0.1,200,400,500\r\n"
    )
}

/// Two Locust sets under two prefixes in one dir are two runs (a run and its retry, or
/// one scenario after another): each is a stage, named by its prefix, none skipped.
#[test]
fn a_second_locust_set_in_a_dir_is_a_stage_of_its_own() {
    let dir = TestDir::new();
    dir.write("run/locust_stats.csv", locust_stats(300, 0));
    dir.write("run/retry_stats.csv", locust_stats(900, 400));
    let (report, _) = analyze(&dir);
    assert_eq!(report["overall"]["requests"], 1200);
    assert_eq!(report["overall"]["failures"], 400);
    let stages: Vec<(&str, u64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| (s["name"].as_str().unwrap(), s["requests"].as_u64().unwrap()))
        .collect();
    assert_eq!(stages, [("locust", 300), ("retry", 900)]);
    assert!(
        report["skipped"].as_array().unwrap().is_empty(),
        "{}",
        report["skipped"]
    );
}

#[test]
fn stage_dirs_beside_top_level_results_are_said_and_the_data_is_not_clean() {
    let dir = TestDir::new();
    dir.write("run/res_stats.csv", locust_stats(300, 0));
    dir.write("run/10users/res_stats.csv", locust_stats(100, 0));
    let (report, _) = analyze(&dir);
    assert_eq!(report["overall"]["requests"], 300);
    assert_eq!(skipped_file(&report, "10users").1, "other_data");
    assert_eq!(report["data_quality"], "incomplete");
    let text = console(&dir);
    assert!(
        text.contains("skipped") && text.contains("10users"),
        "{text}"
    );
    assert!(!text.contains("all read"), "{text}");
}

/// Locust's `--json` output: one endpoint, `GET /api`, `n` requests of 200 ms.
fn locust_json(n: u64) -> String {
    serde_json::to_string_pretty(&json!([{
        "name": "/api", "method": "GET", "last_request_timestamp": 1_700_000_060.5,
        "start_time": 1_700_000_000.5, "num_requests": n, "num_none_requests": 0,
        "num_failures": 0, "total_response_time": 200.0 * n as f64,
        "max_response_time": 200.0, "min_response_time": 200.0, "total_content_length": 0,
        "response_times": {"200": n}, "num_reqs_per_sec": {}, "num_fail_per_sec": {}
    }]))
    .unwrap()
}

#[test]
fn locust_json_is_cross_checked_against_the_csvs() {
    // Different counts: flagged, the data is not clean.
    let dir = TestDir::new();
    dir.write("run/locust_stats.csv", locust_stats(396, 0));
    dir.write("run/locust.json", locust_json(451));
    let (report, _) = analyze(&dir);
    assert_eq!(report["overall"]["requests"], 396);
    let (reason, kind) = skipped_file(&report, "locust.json");
    assert_eq!(kind, "other_data");
    assert!(reason.contains("451") && reason.contains("396"), "{reason}");
    assert_eq!(report["data_quality"], "incomplete");
    // The same counts: the same run, skipped as such, clean.
    let dir = TestDir::new();
    dir.write("run/locust_stats.csv", locust_stats(396, 0));
    dir.write("run/locust.json", locust_json(396));
    let (report, _) = analyze(&dir);
    assert_eq!(report["overall"]["requests"], 396);
    assert_eq!(skipped_file(&report, "locust.json").1, "same_data");
    assert_eq!(report["data_quality"], "clean");
}

#[test]
fn a_copied_locust_set_under_another_prefix_is_the_same_data() {
    let dir = TestDir::new();
    dir.write("run/locust_stats.csv", locust_stats(300, 0));
    dir.write("run/run1_stats.csv", locust_stats(300, 0));
    let (report, _) = analyze(&dir);
    assert_eq!(report["overall"]["requests"], 300);
    let (reason, kind) = skipped_file(&report, "run1_stats.csv");
    assert_eq!(kind, "same_data");
    assert!(reason.contains("byte-identical copy of"), "{reason}");
    assert_eq!(report["data_quality"], "clean");
}
