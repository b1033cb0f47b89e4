//! Locust run dirs as teams leave them, and `headroom export` of them: a
//! `LoadTestShape` run with `--csv-full-history --reset-stats` (each stage counts the
//! requests Locust made between its stats reset and the stage's first history row,
//! as Locust's own stats file does), Locust's `Shutting down (exit code N)` read as
//! the tool's own check (a non-zero code never lets `check` pass), an HTML report and a
//! `--json-file` output of one run counted once, and the export's tables matching
//! report.json (and a user's dir kept).

use serde_json::Value;

use crate::common::{analyze_json, check_rules, export_csv, headroom, TestDir};

const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,\
     Total Request Count,Total Failure Count,Total Median Response Time,\
     Total Average Response Time,Total Min Response Time,Total Max Response Time,\
     Total Average Content Size\n";

const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,\
     Average Response Time,Min Response Time,Max Response Time,Average Content Size,\
     Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n";

const T0: u64 = 1_796_604_336;

/// The shape's steps: 2 users for t = 1–3, 4 users for t = 4–6 (t = 0: no users yet).
fn users_at(t: u64) -> u32 {
    match t {
        0 => 0,
        1..=3 => 2,
        _ => 4,
    }
}

/// Per second, `GET /a` makes 15 requests a user and `GET missing` 5, every one of
/// them failed (a 404). Locust resets its stats as each ramp completes
/// (`--reset-stats`), just after the row of t = 0 and of t = 3, so the history's
/// cumulative totals restart: at t, `(requests, failures)` of `/a` and of `missing`.
fn totals_at(t: u64) -> [(u64, u64); 2] {
    let since_reset = if t <= 3 { t } else { t - 3 };
    let users = u64::from(users_at(t));
    let a = 15 * users * since_reset;
    let m = 5 * users * since_reset;
    [(a, 0), (m, m)]
}

/// The stats history as `--csv-full-history` writes it: each endpoint's row, then the
/// Aggregated row, every second.
fn history() -> String {
    let mut csv = String::from(HISTORY_HEADER);
    for t in 0..=6 {
        let u = users_at(t);
        let [(a, _), (m, mf)] = totals_at(t);
        if a > 0 {
            csv.push_str(&format!(
                "{},{u},GET,/a,0.0,0.0,2,3,{a},0,2,2.0,1,9,13.0\n",
                T0 + t
            ));
            csv.push_str(&format!(
                "{},{u},GET,missing,0.0,0.0,1,1,{m},{mf},1,1.0,1,3,21.0\n",
                T0 + t
            ));
        }
        let pct = if a > 0 { "2,3" } else { "N/A,N/A" };
        csv.push_str(&format!(
            "{},{u},,Aggregated,0.0,0.0,{pct},{},{mf},2,{},1,9,15.0\n",
            T0 + t,
            a + m,
            if a > 0 { 1.75 } else { 0.0 }
        ));
    }
    csv
}

/// The stats file as Locust writes it after `--reset-stats`: the last step alone, since
/// its reset (3 s at 4 users: `/a` 180 requests, `missing` 60, 80 req/s in all).
fn stats() -> String {
    let pct = |p: u32| vec![p.to_string(); 11].join(",");
    format!(
        "{STATS_HEADER}GET,/a,180,0,2,2.0,1,9,13.0,60.0,0.0,{}\n\
         GET,missing,60,60,1,1.0,1,3,21.0,20.0,20.0,{}\n\
         ,Aggregated,240,60,2,1.75,1,9,15.0,80.0,20.0,{}\n",
        pct(2),
        pct(1),
        pct(2)
    )
}

/// Locust's log (`--logfile locust.log`) of the run, ending with `exit_code` (after the
/// error a locustfile's fail-ratio check logs, when it is not 0).
fn log(exit_code: u32) -> String {
    let at = |s: &str| format!("[2026-12-07 00:45:{s}] vm/INFO/");
    let error = match exit_code {
        0 => "",
        _ => "[2026-12-07 00:45:42,832] vm/ERROR/root: Test failed due to failure ratio > 1%\n",
    };
    format!(
        "{}locust.main: Starting Locust 2.47.0\n\
         {}locust.runners: Ramping to 2 users at a rate of 10.00 per second\n\
         {}locust.runners: Resetting stats\n\n\
         {}locust.runners: Ramping to 4 users at a rate of 10.00 per second\n\
         {}locust.runners: Resetting stats\n\n{error}\
         {}locust.main: Shutting down (exit code {exit_code})\n",
        at("36,100"),
        at("36,770"),
        at("36,771"),
        at("39,775"),
        at("39,783"),
        at("42,833"),
    )
}

/// A run dir of the shape run: the CSVs and, when given, Locust's log.
pub(crate) fn run_dir(dir: &TestDir, exit_code: Option<u32>) -> std::path::PathBuf {
    dir.write("run/loadtest_stats_history.csv", history());
    dir.write("run/loadtest_stats.csv", stats());
    if let Some(code) = exit_code {
        dir.write("run/locust.log", log(code));
    }
    dir.path().join("run")
}

fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {report:#}"))
}

/// Every request after a stats reset was made at the stage's users: each stage counts
/// them all — the last one what Locust's own stats file counts (240 requests, 60
/// failed), the first one its 3 seconds at 2 users (40 a second) — where they were
/// left between the stages before (160 and 80: the requests before each stage's first
/// row lost).
#[test]
fn reset_stats_stages_count_the_requests_before_their_first_history_row() {
    let dir = TestDir::new();
    let run = run_dir(&dir, Some(0));
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let first = stage(&report, "2_users");
    assert_eq!(first["requests"], 120, "{first:#}");
    assert_eq!(first["failures"], 30, "{first:#}");
    let last = stage(&report, "4_users");
    assert_eq!(last["requests"], 240, "{last:#}");
    assert_eq!(last["failures"], 60, "{last:#}");
    // Per endpoint, as the stats file counts them.
    let eps = last["endpoints"].as_array().unwrap();
    let count = |name: &str| {
        (eps.iter().find(|e| e["name"] == name)).map(|e| e["requests"].as_u64().unwrap())
    };
    assert_eq!(count("/a"), Some(180), "{last:#}");
    assert_eq!(count("missing"), Some(60), "{last:#}");
    // Every request of the run is in a stage: none is said to lie between them.
    assert_eq!(
        report["overall"]["requests"], 360,
        "{:#}",
        report["overall"]
    );
    assert!(!stderr.contains("outside every stage"), "{stderr}");
}

/// Locust's `Shutting down (exit code 1)` (`--exit-code-on-error`, a locustfile's
/// fail-ratio check) is its own verdict on the run, like a k6 threshold: `check`
/// fails however the SLA's rules stand, and says why; an exit code of 0 adds nothing.
#[test]
fn locust_exit_code_is_the_tools_own_check() {
    for (exit_code, expect) in [(1, 1), (0, 0)] {
        let dir = TestDir::new();
        let run = run_dir(&dir, Some(exit_code));
        // 25 % of the requests failed: the rule passes.
        let (code, stdout, stderr) = check_rules(&dir, &run, "\"error_rate < 50%\"");
        assert_eq!(code, expect, "exit code {exit_code}: {stdout}{stderr}");
        let (_, report, _) = analyze_json(&[&run], &[]);
        let checks = report["tool_checks"].as_array().unwrap();
        if exit_code == 0 {
            assert!(checks.is_empty(), "{checks:#?}");
            continue;
        }
        assert_eq!(checks.len(), 1, "{checks:#?}");
        assert_eq!(checks[0]["tool"], "locust");
        assert_eq!(checks[0]["passed"], false);
        let name = checks[0]["name"].as_str().unwrap();
        assert!(name.contains("exit code 1"), "{name}");
        assert!(name.contains("failure ratio > 1%"), "{name}");
        assert!(checks[0]["file"].as_str().unwrap().ends_with("locust.log"));
        assert!(stdout.contains("locust"), "{stdout}");
        assert_ne!(report["verdict"]["status"], "GO", "{:#}", report["verdict"]);
    }
}

/// A console capture of another run beside the CSVs (its table counts other requests)
/// says nothing of this run: its exit code is not read.
#[test]
fn another_runs_console_exit_code_is_not_read() {
    let dir = TestDir::new();
    let run = run_dir(&dir, None);
    let table = "Type     Name   # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s\n\
         --------|------|-------|-------------|-------|-------|-------|-------|--------|-----------\n\
         \x20        Aggregated                                                                  \
         17     0(0.00%) |      2       0      63      1 |    0.00        0.00\n";
    dir.write(
        "run/console.txt",
        format!(
            "[2026-12-07 00:40:00,000] vm/INFO/locust.main: Shutting down (exit code 1)\n{table}"
        ),
    );
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(report["tool_checks"], serde_json::json!([]), "{stderr}");
}

/// `export --to csv` of the shape run: its stages table holds report.json's figures.
#[test]
fn export_of_a_reset_stats_run_matches_the_report() {
    let dir = TestDir::new();
    let run = run_dir(&dir, Some(0));
    let (_, report, _) = analyze_json(&[&run], &[]);
    let out = dir.path().join("exported");
    export_csv(&run, &out);
    let stages = std::fs::read_to_string(out.join("stages.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(stages.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut seen = 0;
    for row in rows.records() {
        let row = row.unwrap();
        let s = stage(&report, &row[col("stage")]);
        assert_eq!(row[col("requests")], s["requests"].to_string());
        assert_eq!(row[col("failures")], s["failures"].to_string());
        seen += 1;
    }
    assert_eq!(seen, 2, "{stages}");
    // The requests table alone of a run Locust measured by summaries: none is written,
    // and the line says so (it said `export:  → DIR`).
    let only = dir.path().join("only-requests");
    let o = headroom(&[
        "export",
        run.to_str().unwrap(),
        "--to",
        "csv",
        "--tables",
        "requests",
        "--out",
        only.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{stdout}");
    assert!(stdout.contains("export: no table"), "{stdout}");
    assert!(!only.join("requests.csv").exists());
    // Into a dir holding a user's file: refused, the file kept, the way out named.
    let notes = dir.write("mine/notes.txt", "mine");
    let mine = dir.path().join("mine");
    let o = headroom(&[
        "export",
        run.to_str().unwrap(),
        "--to",
        "ndjson",
        "--out",
        mine.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("notes.txt") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(notes).unwrap(), "mine");
    assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1);
}

/// Locust's HTML report (`--html`) of one endpoint, `n` requests, `f` failed, at 50
/// req/s, in the shape Locust 2.x writes it.
fn html_report(n: u64, f: u64) -> String {
    let row = |method: &str, name: &str| {
        format!(
            "{{\"method\":\"{method}\",\"name\":\"{name}\",\"num_requests\":{n},\
             \"num_failures\":{f},\"avg_response_time\":2.0,\"min_response_time\":1.0,\
             \"max_response_time\":9.0,\"median_response_time\":2,\"total_rps\":50.0}}"
        )
    };
    let pct = |method: &str, name: &str| {
        format!("{{\"0.5\":2,\"0.95\":3,\"1.0\":9,\"method\":\"{method}\",\"name\":\"{name}\"}}")
    };
    let args = format!(
        "{{\"start_time\":\"2026-12-07T01:22:31Z\",\"end_time\":\"2026-12-07T01:22:34Z\",\
         \"requests_statistics\":[{},{}],\"response_time_statistics\":[{},{}],\
         \"failures_statistics\":[{{\"method\":\"GET\",\"name\":\"/a\",\
         \"error\":\"HTTPError('404 Client Error: Not Found for url: /a')\",\"occurrences\":{f}}}],\
         \"history\":[{{\"user_count\":[\"2026-12-07T01:22:32Z\",3]}}]}}",
        row("GET", "/a"),
        row("", "Aggregated"),
        pct("GET", "/a"),
        pct("", "Aggregated"),
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <title>Locust</title>\n  </head>\n  \
         <body>\n    <div id=\"root\"></div>\n    <script>\n      window.templateArgs = {args}\n      \
         window.authArgs = {{}};\n    </script>\n  </body>\n</html>\n"
    )
}

/// Locust's `--json-file` output of the same endpoint: `n` requests, `f` failed, 2 ms each.
fn json_file(n: u64, f: u64) -> String {
    format!(
        "[{{\"name\": \"/a\", \"method\": \"GET\", \"last_request_timestamp\": 1796606554.9, \
         \"start_time\": 1796606551.5, \"num_requests\": {n}, \"num_none_requests\": 0, \
         \"num_failures\": {f}, \"total_response_time\": {}, \"max_response_time\": 2.0, \
         \"min_response_time\": 2.0, \"total_content_length\": 0, \
         \"response_times\": {{\"2\": {n}}}, \"num_reqs_per_sec\": {{}}, \
         \"num_fail_per_sec\": {{}}}}]\n",
        n * 2
    )
}

/// `locust --html report.html --json-file stats` without `--csv` writes two whole-run
/// summaries of one run: counted once (178 requests, 18 failed), where both were
/// added up (356). A report of other counts is another run's, and stays read.
#[test]
fn html_report_and_json_file_of_one_run_count_once() {
    let dir = TestDir::new();
    dir.write("run/report.html", html_report(178, 18));
    dir.write("run/stats.json", json_file(178, 18));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 178, "{stderr}");
    assert_eq!(report["overall"]["failures"], 18);
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("report.html") && skipped.contains("stats.json"),
        "{skipped}"
    );
    // Another run's report beside the output: both still read.
    let dir = TestDir::new();
    dir.write("run/report.html", html_report(100, 0));
    dir.write("run/stats.json", json_file(178, 18));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_ne!(report["overall"]["requests"], 178, "{stderr}");
}
