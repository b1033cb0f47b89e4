//! Locust CSV sets written by hand: stages from a stats history (with and without
//! per-endpoint rows), failure kinds in every scope, a distribution file alone.

use serde_json::Value;

use crate::common::{analyze_json, assert_kinds_sum_to_failures, headroom, TestDir};

const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,\
     Total Request Count,Total Failure Count,Total Median Response Time,\
     Total Average Response Time,Total Min Response Time,Total Max Response Time,\
     Total Average Content Size\r\n";

/// Users at second `t` of the fixtures' runs: 10 users for t = 1–30, a two-row ramp,
/// 20 users for t = 33–62.
fn users_at(t: u64) -> u32 {
    match t {
        0 => 0,
        1..=30 => 10,
        31 | 32 => 15,
        _ => 20,
    }
}

pub(crate) const T0: u64 = 1_700_000_000;
pub(crate) const LAST: u64 = 62;

/// One history row: cumulative `total` requests, `failed` failures, mean `mean` ms.
fn history_row(t: u64, method: &str, name: &str, total: u64, failed: u64, mean: f64) -> String {
    let pct = if total > 0 { "10,20" } else { "N/A,N/A" };
    format!(
        "{},{},{method},{name},0.000000,0.000000,{pct},{total},{failed},10,{mean},1,50,100\r\n",
        T0 + t,
        users_at(t)
    )
}

/// Per second: `GET /a` 3 requests (10 ms), `POST /b` 1 request (20 ms) that fails
/// when t is a multiple of 5, and from t = 35 `GET /c` 2 requests (30 ms).
/// Returns the cumulative `(requests, failures)` of `/a`, `/b`, `/c` at second `t`.
fn totals_at(t: u64) -> [(u64, u64); 3] {
    [(3 * t, 0), (t, t / 5), (2 * t.saturating_sub(34), 0)]
}

/// A stats history as `--csv-full-history` writes it: each endpoint's row (once it has
/// had a request) then the Aggregated row, every second. With `per_endpoint` false,
/// only the Aggregated rows, as Locust writes without the flag.
pub(crate) fn history(per_endpoint: bool) -> String {
    let mut csv = String::from(HISTORY_HEADER);
    let names = [
        ("GET", "/a", 10.0),
        ("POST", "/b", 20.0),
        ("GET", "/c", 30.0),
    ];
    for t in 0..=LAST {
        let totals = totals_at(t);
        let (mut all, mut failed, mut sum_ms) = (0, 0, 0.0);
        for ((method, name, mean), (n, f)) in names.iter().zip(totals) {
            if n == 0 {
                continue;
            }
            if per_endpoint {
                csv.push_str(&history_row(t, method, name, n, f, *mean));
            }
            all += n;
            failed += f;
            sum_ms += mean * n as f64;
        }
        let mean = if all > 0 { sum_ms / all as f64 } else { 0.0 };
        csv.push_str(&history_row(t, "", "Aggregated", all, failed, mean));
    }
    csv
}

/// `_stats.csv` of the same run: the totals at t = 62 (/a 186, /b 62 with 12 failed,
/// /c 56; 304 requests, 12 failures).
pub(crate) const STATS: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,100%\r\n\
     GET,/a,186,0,10,10.0,1,50,100,3.0,0.0,10,20,50\r\n\
     POST,/b,62,12,20,20.0,1,50,100,1.0,0.19,20,30,50\r\n\
     GET,/c,56,0,30,30.0,1,50,100,2.0,0.0,30,40,50\r\n\
     ,Aggregated,304,12,10,17.9,1,50,100,4.9,0.19,10,30,50\r\n";

fn stages(report: &Value) -> &Vec<Value> {
    report["stages"].as_array().expect("stages")
}

fn endpoint_counts(stage: &Value) -> Vec<(String, u64, u64)> {
    stage["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["key"].as_str().unwrap().to_string(),
                e["requests"].as_u64().unwrap(),
                e["failures"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn full_history_stages_hold_the_real_endpoints_and_aggregated_is_only_the_total() {
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", history(true));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = stages(&report);
    assert_eq!(stages.len(), 2, "{stages:#?}");
    // Plateau windows run from the first to the last row at each level: t = 1–30 and
    // t = 33–62; counts are the differences of the totals at those rows.
    // 10 users: /a 3 × 29 = 87, /b 29 with failures at t = 5…30 (6).
    assert_eq!(stages[0]["users"], 10);
    let mut first = endpoint_counts(&stages[0]);
    first.sort();
    assert_eq!(
        first,
        vec![("GET /a".into(), 87, 0), ("POST /b".into(), 29, 6)]
    );
    assert_eq!(
        (
            stages[0]["requests"].as_u64(),
            stages[0]["failures"].as_u64()
        ),
        (Some(116), Some(6))
    );
    // 20 users: /a 87, /b 29 with failures at t = 35…60 (6), and /c, first written at
    // t = 35 (after the stage began): 2 × 28 = 56 requests, all in this stage.
    assert_eq!(stages[1]["users"], 20);
    let mut second = endpoint_counts(&stages[1]);
    second.sort();
    assert_eq!(
        second,
        vec![
            ("GET /a".into(), 87, 0),
            ("GET /c".into(), 56, 0),
            ("POST /b".into(), 29, 6)
        ]
    );
    assert_eq!(
        (
            stages[1]["requests"].as_u64(),
            stages[1]["failures"].as_u64()
        ),
        (Some(172), Some(6))
    );
    let c = stages[1]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "GET /c")
        .unwrap();
    assert_eq!(c["latency_ms"]["mean"], 30.0);
}

#[test]
fn aggregate_only_history_stages_have_totals_and_no_aggregated_endpoint() {
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", history(false));
    dir.write("run/run_stats.csv", STATS);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = stages(&report);
    assert_eq!(stages.len(), 2, "{stages:#?}");
    // The same windows as with per-endpoint rows: 116 and 172 requests, 6 failures each.
    for (stage, requests) in stages.iter().zip([116, 172]) {
        assert_eq!(stage["requests"], requests);
        assert_eq!(stage["failures"], 6);
        // Which endpoints made them the history does not say.
        assert_eq!(endpoint_counts(stage), vec![], "{stage:#}");
    }
    // The whole run keeps the stats file's endpoints.
    assert_eq!(report["overall"]["requests"], 304);
    assert_eq!(report["task_mix"].as_array().unwrap().len(), 3);
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("--csv-full-history"), "{notes}");
}

#[test]
fn history_stages_keep_failure_kinds_that_the_failures_file_makes_certain() {
    // All 12 failures of POST /b are 404s: whichever window, its failures are 404s.
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", history(false));
    dir.write("run/run_stats.csv", STATS);
    dir.write(
        "run/run_failures.csv",
        "Method,Name,Error,Occurrences\r\n\
         POST,/b,HTTPError('404 Client Error: Not Found for url: /b'),12\r\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["failures_by_kind"]["status:404"], 12);
    for stage in stages(&report) {
        assert_eq!(stage["failures_by_kind"]["status:404"], 6, "{stage:#}");
    }
    assert_kinds_sum_to_failures(&report);

    // With per-endpoint rows the endpoints get them too.
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", history(true));
    dir.write("run/run_stats.csv", STATS);
    dir.write(
        "run/run_failures.csv",
        "Method,Name,Error,Occurrences\r\n\
         POST,/b,HTTPError('404 Client Error: Not Found for url: /b'),12\r\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    for stage in stages(&report) {
        let b = stage["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == "POST /b")
            .unwrap();
        assert_eq!(b["failures_by_kind"]["status:404"], 6, "{b:#}");
    }
    assert_kinds_sum_to_failures(&report);
}

#[test]
fn failures_without_a_known_kind_count_as_other_in_every_scope() {
    // A stats file alone: 7 failures on /x, 2 on /y, no failures file.
    let dir = TestDir::new();
    let stats = dir.write(
        "run/run_stats.csv",
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,100%\r\n\
         GET,/x,100,7,10,10.0,1,50,100,1.0,0.07,10,20,50\r\n\
         GET,/y,50,2,10,10.0,1,50,100,0.5,0.02,10,20,50\r\n\
         ,Aggregated,150,9,10,10.0,1,50,100,1.5,0.09,10,20,50\r\n",
    );
    let (code, report, stderr) = analyze_json(&[&stats], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["failures_by_kind"]["other"], 9);
    assert_eq!(report["stages"][0]["failures_by_kind"]["other"], 9);
    assert_kinds_sum_to_failures(&report);

    // A failures file that covers 3 of /x's 7 failures: the other 4 are `other`.
    dir.write(
        "run/run_failures.csv",
        "Method,Name,Error,Occurrences\r\n\
         GET,/x,\"ReadTimeout(\"\"timed out\"\")\",3\r\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let x = report["stages"][0]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "GET /x")
        .cloned()
        .unwrap();
    assert_eq!(x["failures_by_kind"]["timeout"], 3);
    assert_eq!(x["failures_by_kind"]["other"], 4);
    assert_eq!(report["overall"]["failures_by_kind"]["timeout"], 3);
    assert_eq!(report["overall"]["failures_by_kind"]["other"], 6);
    assert_kinds_sum_to_failures(&report);
}

#[test]
fn a_distribution_file_alone_is_skipped_with_what_it_needs() {
    let dir = TestDir::new();
    let dist = dir.write(
        "run/old_distribution.csv",
        "\"Name\",\"# requests\",\"50%\",\"66%\",\"75%\",\"80%\",\"90%\",\"95%\",\"98%\",\"99%\",\"100%\"\n\
         \"GET /a\",10,4,4,4,5,6,7,8,9,18\n\
         \"Total\",10,4,4,4,5,6,7,8,9,18",
    );
    let o = headroom(&[
        "analyze",
        dist.to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    let skipped = stderr
        .lines()
        .find(|l| l.contains("skipped") && l.contains("old_distribution.csv"))
        .unwrap_or_else(|| panic!("not listed as skipped: {stderr}"));
    assert!(
        skipped.contains("no failure counts") && skipped.contains("_requests.csv"),
        "{skipped}"
    );
}

/// `text` cut inside the line that starts with `prefix`, a few characters in (the run
/// stopped while Locust was writing it); returns the text and that line's number.
fn cut_at(text: &str, prefix: &str) -> (String, u64) {
    let at = text.find(prefix).expect("the line to cut");
    let line = text[..at].matches('\n').count() as u64 + 1;
    (text[..at + prefix.len() + 3].to_string(), line)
}

fn problems(report: &Value) -> String {
    report["problems"].to_string()
}

#[test]
fn a_stats_file_cut_before_its_aggregated_row_gives_way_to_the_history() {
    // Cut in /c's row (line 4): /a and /b are complete, the Aggregated row is lost.
    let (stats, line) = cut_at(STATS, "GET,/c,");
    assert_eq!(line, 4);
    let dir = TestDir::new();
    dir.write("run/run_stats.csv", stats);
    dir.write("run/run_stats_history.csv", history(true));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("run_stats.csv:4:"), "{stderr}");
    assert!(stderr.contains("Aggregated"), "{stderr}");
    assert_eq!(report["data_quality"], "incomplete");
    // The whole run is the history's last row (t = 62): 186 + 62 + 56 = 304 requests,
    // 12 failures; not the 186 + 62 of the two rows the stats file kept.
    assert_eq!(report["overall"]["requests"], 304);
    assert_eq!(report["overall"]["failures"], 12);
    for (stage, requests) in stages(&report).iter().zip([116, 172]) {
        assert_eq!(stage["requests"], requests);
    }
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("cut before its Aggregated row"), "{notes}");
}

#[test]
fn a_stats_file_cut_before_its_aggregated_row_alone_says_its_totals_are_missing() {
    let (stats, _) = cut_at(STATS, "GET,/c,");
    let dir = TestDir::new();
    dir.write("run/run_stats.csv", stats);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("run_stats.csv:4:"), "{stderr}");
    assert_eq!(report["data_quality"], "incomplete");
    // The rows before the cut are used: /a 186 and /b 62 (12 failed).
    assert_eq!(report["overall"]["requests"], 248);
    assert_eq!(report["overall"]["failures"], 12);
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("only the 2 endpoint(s)"), "{notes}");
    assert!(notes.contains("totals and any endpoint after the cut are missing"));
}

#[test]
fn a_history_cut_mid_time_ends_at_its_last_complete_time() {
    // Cut in /b's row at t = 62, after /a's row of that time: the history keeps t ≤ 61.
    let prefix = format!("{},20,POST,/b,", T0 + LAST);
    let (hist, line) = cut_at(&history(true), &prefix);
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", hist);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("run_stats_history.csv:{line}:")),
        "{stderr}"
    );
    assert!(stderr.contains("the 1 row(s) of its time"), "{stderr}");
    assert_eq!(report["data_quality"], "incomplete");
    // Totals at t = 61: /a 183, /b 61 (12 failed), /c 54: 298 requests.
    assert_eq!(report["overall"]["requests"], 298);
    assert_eq!(report["overall"]["failures"], 12);
    // The 20-user plateau now ends at t = 61: /a 84, /b 28 (6 failed), /c 54.
    let stages = stages(&report);
    assert_eq!(stages.len(), 2, "{stages:#?}");
    assert_eq!(stages[0]["requests"], 116);
    assert_eq!(stages[1]["requests"], 166);
    assert_eq!(stages[1]["failures"], 6);
    assert!(problems(&report).contains("cut short"), "{report:#}");
}

#[test]
fn a_cut_history_beside_a_whole_stats_file_keeps_the_stats_totals() {
    let prefix = format!("{},20,,Aggregated,", T0 + LAST);
    let (hist, _) = cut_at(&history(false), &prefix);
    let dir = TestDir::new();
    dir.write("run/run_stats.csv", STATS);
    dir.write("run/run_stats_history.csv", hist);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(report["data_quality"], "incomplete");
    assert_eq!(report["overall"]["requests"], 304);
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("stats history was cut short"), "{notes}");
    // The history's stages stop at t = 61: 116 and 166 requests.
    let got: Vec<u64> = stages(&report)
        .iter()
        .map(|s| s["requests"].as_u64().unwrap())
        .collect();
    assert_eq!(got, vec![116, 166]);
}

/// The requests and failures of `endpoint`'s series in `stage`, summed.
fn series_totals(stage: &Value, endpoint: &str) -> (u64, u64) {
    let ep = (stage["endpoints"].as_array().unwrap().iter())
        .find(|e| e["key"] == endpoint)
        .unwrap_or_else(|| panic!("no {endpoint}"));
    let series = ep["timeseries"].as_array().expect("a series");
    let sum = |k: &str| series.iter().map(|i| i[k].as_u64().unwrap_or(0)).sum();
    (sum("requests"), sum("failures"))
}

/// With `--csv-full-history`, each endpoint has a series over time from its own rows
/// (differences of its totals), adding up to its counts in every stage, an endpoint
/// first written after the stage began (`/c`, from t = 35) included.
#[test]
fn full_history_endpoints_have_series_that_add_up_to_their_counts() {
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", history(true));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = stages(&report);
    // The counts of the test above: 10 users /a 87, /b 29 (6 failed); 20 users /a 87,
    // /b 29 (6 failed), /c 56.
    assert_eq!(series_totals(&stages[0], "GET /a"), (87, 0));
    assert_eq!(series_totals(&stages[0], "POST /b"), (29, 6));
    assert_eq!(series_totals(&stages[1], "GET /a"), (87, 0));
    assert_eq!(series_totals(&stages[1], "POST /b"), (29, 6));
    assert_eq!(series_totals(&stages[1], "GET /c"), (56, 0));
}

/// Locust's console output whose final statistics table counts `requests` (an earlier
/// table, printed during the run, counts 100).
fn console(requests: u64, failures: u64) -> String {
    let table = |n: u64, f: u64| {
        format!(
            "Type     Name                                  # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s\n\
             --------|------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------\n\
             GET      /a                                     {n}     {f}(0.00%) |     10       1      50     10 |    3.00        0.00\n\
             --------|------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------\n\
             \x20        Aggregated                             {n}     {f}(3.95%) |     18       1      50     10 |    4.90        0.19\n\n"
        )
    };
    format!(
        "[2026-12-04 06:31:07,519] vm/INFO/locust.main: Starting Locust 2.47.0\n{}\
         KeyboardInterrupt\n\
         [2026-12-04 06:32:09,206] vm/INFO/locust.main: Shutting down (exit code 0)\n{}\
         Response time percentiles (approximated)\n\
         Type     Name          50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # reqs\n\
         \x20        Aggregated    10     20     20     20     30     30     40     50     50     50     50 {requests}\n",
        table(100, 4),
        table(requests, failures)
    )
}

/// The CSVs hold 304 requests, 12 failed, at 4.9 req/s on average and 6 req/s at the
/// end (from t = 35). A console whose final table counts 304 is the same run; 313 with
/// no more failures, too: the 9 requests after Locust's last CSV write are 1.5 s at the
/// end's rate, under 2 s (Locust rewrites its CSVs every second, not as it stops). One of those 9 failing (11 %, against the CSVs' 3.9 %)
/// leaves the error rate within its 95 % interval in the CSVs (4.2 % with them, the
/// interval's high end 6.8 %; the 20-user stage's 8.3 % of 7.4 %): the same run; all
/// 9 failing moves the 20-user stage's rate past it: incomplete. 352 shows the CSVs
/// stopped 48 requests, ≈ 10 s, before the run's end: incomplete, and says why.
#[test]
fn locusts_console_checks_that_its_csvs_hold_the_whole_run() {
    for (requests, failures, quality, kind, says) in [
        (
            304,
            12,
            "clean",
            "same_data",
            "as the Locust CSVs beside it do",
        ),
        (
            313,
            12,
            "clean",
            "same_data",
            "last 9 requests, ≈ 1.5 s at the 6.0 req/s of the CSVs' last 3 s",
        ),
        (
            313,
            13,
            "clean",
            "same_data",
            "leaves the error rate within its 95 % interval",
        ),
        (
            313,
            21,
            "incomplete",
            "other_data",
            "outside its 95 % interval",
        ),
        (
            352,
            12,
            "incomplete",
            "other_data",
            "the report's figures miss 48 requests",
        ),
    ] {
        let dir = TestDir::new();
        dir.write("run/out_stats.csv", STATS);
        dir.write("run/out_stats_history.csv", history(true));
        dir.write("run/console.log", console(requests, failures));
        let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
        assert_eq!(report["overall"]["requests"], 304, "{stderr}");
        assert_eq!(report["data_quality"], quality, "{requests} {failures}");
        let skipped = (report["skipped"].as_array().unwrap().iter())
            .find(|s| s["path"].as_str().unwrap().ends_with("console.log"))
            .unwrap_or_else(|| panic!("{}", report["skipped"]));
        assert_eq!(skipped["kind"], kind);
        assert!(
            skipped["reason"].as_str().unwrap().contains(says),
            "{skipped}"
        );
    }
}

#[test]
fn locusts_console_alone_is_not_read() {
    let dir = TestDir::new();
    let file = dir.write("run/console.log", console(304, 12));
    let o = headroom(&["inspect", file.to_str().unwrap(), "--format", "json"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("locust-console"), "{text}");
    assert!(text.contains("read only beside the Locust CSVs"), "{text}");
}

#[test]
fn a_stage_gets_each_failure_kind_it_must_hold() {
    // POST /b failed 12 times, 10 × 404 and 2 × 503; each of the two stages holds 6.
    // The 6 outside a stage hold at most 6 of the 404s, so at least 4 of the stage's
    // are 404s; the other 2 may be either: `other`.
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", history(false));
    dir.write("run/run_stats.csv", STATS);
    dir.write(
        "run/run_failures.csv",
        "Method,Name,Error,Occurrences\r\n\
         POST,/b,HTTPError('404 Client Error: Not Found for url: /b'),10\r\n\
         POST,/b,HTTPError('503 Server Error: Service Unavailable for url: /b'),2\r\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    for stage in stages(&report) {
        let kinds = &stage["failures_by_kind"];
        assert_eq!(kinds["status:404"], 4, "{stage:#}");
        assert_eq!(kinds["other"], 2, "{stage:#}");
        assert!(kinds["status:503"].is_null(), "{stage:#}");
    }
    assert_kinds_sum_to_failures(&report);
}

/// Locust's HTML report (2.22+) of the run the CSV fixtures describe, its final counts
/// `(requests, failed)` of `POST /b` given (the rest as `STATS`: `/a` 186, `/c` 56; the
/// failures of `/b` are 404s but for the last two, 503s), at `rps` requests per second
/// over the whole run; 20 users at most.
fn html_report(b: (u64, u64), rps: f64) -> String {
    let total = 186 + b.0 + 56;
    let row = |method: &str, name: &str, n: u64, f: u64, avg: f64, rps: f64| {
        format!(
            "{{\"method\":\"{method}\",\"name\":\"{name}\",\"num_requests\":{n},\"num_failures\":{f},\
             \"avg_response_time\":{avg},\"min_response_time\":1.0,\"max_response_time\":50.0,\
             \"median_response_time\":10,\"total_rps\":{rps}}}"
        )
    };
    let pct = |method: &str, name: &str, p50: u64, p95: u64| {
        format!("{{\"0.5\":{p50},\"0.95\":{p95},\"1.0\":50,\"method\":\"{method}\",\"name\":\"{name}\"}}")
    };
    let args = format!(
        "{{\"start_time\":\"2023-11-14T22:13:20Z\",\"end_time\":\"2023-11-14T22:14:22Z\",\
         \"requests_statistics\":[{},{},{},{}],\
         \"response_time_statistics\":[{},{},{},{}],\
         \"failures_statistics\":[\
         {{\"method\":\"POST\",\"name\":\"/b\",\"error\":\"HTTPError('404 Client Error: Not Found for url: /b')\",\"occurrences\":{}}},\
         {{\"method\":\"POST\",\"name\":\"/b\",\"error\":\"HTTPError('503 Server Error: Service Unavailable for url: /b')\",\"occurrences\":2}}],\
         \"history\":[{{\"user_count\":[\"2023-11-14T22:13:21Z\",10]}},{{\"user_count\":[\"2023-11-14T22:14:00Z\",20]}}]}}",
        row("GET", "/a", 186, 0, 10.0, 3.0),
        row("POST", "/b", b.0, b.1, 20.0, 1.0),
        row("GET", "/c", 56, 0, 30.0, 0.9),
        row("", "Aggregated", total, b.1, 17.9, rps),
        pct("GET", "/a", 10, 20),
        pct("POST", "/b", 20, 30),
        pct("GET", "/c", 30, 40),
        pct("", "Aggregated", 10, 30),
        b.1 - 2,
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <title>Locust</title>\n    \
         <script type=\"module\">var e=Object.create;</script>\n  </head>\n  <body>\n    \
         <div id=\"root\"></div>\n    <script>\n      window.templateArgs = {args}\n      \
         window.authArgs = {{}};\n    </script>\n  </body>\n</html>\n"
    )
}

/// The HTML report alone is Locust's whole-run summary: its counts, its percentiles, the
/// failures' kinds from its error list, the users at their most, and the window its
/// requests ÷ their rate give (304 ÷ 4.9 = 62.04 s).
#[test]
fn locusts_html_report_alone_is_its_whole_run_summary() {
    let dir = TestDir::new();
    dir.write("run/report.html", html_report((62, 12), 4.9));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["sources"][0]["tool"], "locust");
    let stage = &stages(&report)[0];
    assert_eq!(stage["requests"], 304);
    assert_eq!(stage["failures"], 12);
    assert_eq!(stage["users"], 20);
    let secs = stage["duration_s"].as_f64().unwrap();
    assert!((secs - 304.0 / 4.9).abs() < 1e-3, "{secs}");
    assert_eq!(
        endpoint_counts(stage),
        vec![
            ("GET /a".into(), 186, 0),
            ("POST /b".into(), 62, 12),
            ("GET /c".into(), 56, 0)
        ]
    );
    let b = (stage["endpoints"].as_array().unwrap().iter())
        .find(|e| e["name"] == "/b")
        .unwrap();
    assert_eq!(b["failures_by_kind"]["status:404"], 10, "{b:#}");
    assert_eq!(b["failures_by_kind"]["status:503"], 2, "{b:#}");
    assert_eq!(b["latency_ms"]["p95"], 30.0);
    assert_eq!(stage["latency_ms"]["p95"], 30.0, "the Aggregated row's");
    assert_kinds_sum_to_failures(&report);
}

/// Beside the CSVs (304 requests), the report of the same run is the same data; one
/// counting 9 more requests, none failed, is the run's last 1.8 s, which Locust's last
/// CSV write missed; one counting 48 more is ≈ 10 s the CSVs do not hold.
#[test]
fn locusts_html_report_checks_that_its_csvs_hold_the_whole_run() {
    for (b, quality, kind) in [
        ((62, 12), "clean", "same_data"),
        ((71, 12), "clean", "same_data"),
        ((110, 12), "incomplete", "other_data"),
    ] {
        let dir = TestDir::new();
        dir.write("run/out_stats.csv", STATS);
        dir.write("run/out_stats_history.csv", history(true));
        dir.write("run/report.html", html_report(b, 4.9));
        let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
        assert_eq!(report["overall"]["requests"], 304, "{stderr}");
        assert_eq!(report["sources"].as_array().unwrap().len(), 1);
        assert_eq!(report["data_quality"], quality, "{b:?}");
        let skipped = (report["skipped"].as_array().unwrap().iter())
            .find(|s| s["path"].as_str().unwrap().ends_with("report.html"))
            .unwrap_or_else(|| panic!("{}", report["skipped"]));
        assert_eq!(skipped["kind"], kind, "{skipped}");
    }
}

/// `--include` keeping `/a` alone on a `--csv-full-history` run: each stage and the
/// run hold `/a`'s requests only, and their series add up to them (the Aggregated rows
/// count `/b` and `/c` too, which are in no figure), so the audit finds counts and
/// rates agreeing. The console's final table counts every endpoint: it is not checked
/// against the filtered CSVs.
#[test]
fn an_include_filter_leaves_the_left_out_endpoints_out_of_the_series_too() {
    let dir = TestDir::new();
    dir.write("run/out_stats.csv", STATS);
    dir.write("run/out_stats_history.csv", history(true));
    dir.write("run/console.log", console(352, 12));
    let (code, report, stderr) =
        analyze_json(&[&dir.path().join("run")], &["--include", "GET /a$"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 186);
    assert_eq!(
        report["data_quality"], "clean",
        "{}",
        report["data_quality_reason"]
    );
    for stage in stages(&report) {
        let series: u64 = (stage["timeseries"].as_array().unwrap().iter())
            .map(|iv| iv["requests"].as_u64().unwrap())
            .sum();
        assert_eq!(series, stage["requests"].as_u64().unwrap(), "{stage:#}");
    }
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("not checked against the CSVs"),
        "{skipped}"
    );
}

/// A whole-run count with fewer failures than the CSVs is another run's: Locust's
/// counts only grow.
#[test]
fn a_final_table_with_fewer_failures_than_the_csvs_is_another_runs() {
    let dir = TestDir::new();
    dir.write("run/out_stats.csv", STATS);
    dir.write("run/out_stats_history.csv", history(true));
    dir.write("run/console.log", console(313, 5));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["overall"]["requests"], 304, "{stderr}");
    let skipped = (report["skipped"].as_array().unwrap().iter())
        .find(|s| s["path"].as_str().unwrap().ends_with("console.log"))
        .unwrap();
    assert_eq!(skipped["kind"], "other_data", "{skipped}");
    assert!(skipped["reason"]
        .as_str()
        .unwrap()
        .contains("not the same requests"));
}

/// With workers (`--processes`, a distributed run) Locust's master counts requests
/// when a worker reports, every 3 s: a history written every second holds 180 requests
/// in every third row and none between. Here `GET /a` runs 60 requests a second at 20
/// users for 30 s, reported at t = 3, 6, …, 30. Each report's requests are spread over
/// the three seconds it covers: every second of the stage's series up to the last
/// report holds 60, the series adds up to the stage's count, and a note says the rates
/// over time are interpolated. Before, the series saw-toothed 0, 0, 180 (a stall every
/// 3 s that never happened).
#[test]
fn batched_worker_reports_are_spread_over_the_seconds_they_cover() {
    let mut csv = String::from(HISTORY_HEADER);
    for t in 0..=30u64 {
        let total = 60 * (t - t % 3);
        let pct = if total > 0 { "10,20" } else { "N/A,N/A" };
        for name in ["/a", "Aggregated"] {
            let method = if name == "/a" { "GET" } else { "" };
            if name == "/a" && total == 0 {
                continue;
            }
            csv.push_str(&format!(
                "{},20,{method},{name},0.0,0.0,{pct},{total},0,10,10.0,1,50,100\r\n",
                T0 + t
            ));
        }
    }
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &stages(&report)[0];
    let series = stage["timeseries"].as_array().expect("a series");
    let requests: Vec<u64> = (series.iter())
        .map(|i| i["requests"].as_u64().unwrap_or(0))
        .collect();
    let total: u64 = requests.iter().sum();
    assert_eq!(total, stage["requests"].as_u64().unwrap());
    // Up to the last report (the series' last second follows it).
    let reported = &requests[..requests.len() - 1];
    assert!(reported.iter().all(|&n| n == 60), "{requests:?}");
    assert!(report.to_string().contains("workers' reports"));
}
