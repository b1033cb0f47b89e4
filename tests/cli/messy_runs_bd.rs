//! Messy runs, batch "bd" (qa59): Locust as teams run it, round 2 — a one-stage run
//! without `--csv-full-history` judged per endpoint, a `LoadTestShape` run with
//! `--reset-stats`, and the CSVs' missed end measured at the end's own rate. The
//! fixtures have the shape Locust 2.47 writes (`--csv`, `--json-file`), with round
//! numbers whose answers follow by hand.

use serde_json::Value;

use super::common::{analyze_json, headroom_in, TestDir};

const STATS_HEAD: &str = "Type,Name,Request Count,Failure Count,Median Response Time,\
Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,\
Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n";

const HISTORY_HEAD: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,\
75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,\
Total Median Response Time,Total Average Response Time,Total Min Response Time,\
Total Max Response Time,Total Average Content Size\n";

/// Locust's first wall-clock second in these fixtures.
const T0: u64 = 1_796_550_000;

/// A stats-file row: `method,name`, counts, and the percentiles 50 %…100 % given as
/// (p50, p95, max): 66–90 % between them, 98 % and above at the max.
fn stats_row(name: &str, n: u64, fails: u64, (p50, p95, max): (u64, u64, u64), rps: f64) -> String {
    let mid = (p50 + p95) / 2;
    format!(
        "{name},{n},{fails},{p50},{p50}.0,1.0,{max}.0,50.0,{rps},0.0,\
         {p50},{mid},{mid},{mid},{p95},{p95},{max},{max},{max},{max},{max}\n"
    )
}

/// An Aggregated history row at second `t` with `users` and cumulative `n`; its
/// percentiles (p50, p95, max) are cumulative: 50 % is the total median, 100 % the
/// total max.
fn history_row(t: u64, users: u32, n: u64, (p50, p95, max): (u64, u64, u64)) -> String {
    if n == 0 {
        return format!(
            "{},{users},,Aggregated,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,\
             0,0,0,0.0,0,0,0\n",
            T0 + t
        );
    }
    let mid = (p50 + p95) / 2;
    format!(
        "{},{users},,Aggregated,0.0,0.0,{p50},{mid},{mid},{mid},{p95},{p95},{max},{max},\
         {max},{max},{max},{n},0,{p50},{p50}.0,1.0,{max}.0,50.0\n",
        T0 + t
    )
}

/// The SLA evaluation of `rule` on `stage` (or `overall`) · `endpoint` in `check
/// --format json`.
fn eval<'a>(report: &'a Value, rule: &str, stage: &str, endpoint: &str) -> &'a Value {
    report["sla"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            let at = e["stage"] == stage || (stage == "overall" && e["stage"].is_null());
            e["rule"] == rule && at && e["endpoint"] == endpoint
        })
        .unwrap_or_else(|| panic!("no {rule} @ {stage} · {endpoint}: {report}"))
}

/// `check RUN --sla sla.toml --format json` in `dir`: exit code and report.
fn check_json(dir: &TestDir, run: &str, sla: &str) -> (i32, Value) {
    dir.write("sla.toml", sla);
    let o = headroom_in(
        dir.path(),
        &["check", run, "--sla", "sla.toml", "--format", "json"],
    );
    let report = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&o.stderr));
    });
    (o.status.code().unwrap_or(-1), report)
}

/// `locust -u 10 -t 10s --csv smoke` (no `--csv-full-history`): the history's
/// Aggregated rows (300 req/s, 10 users from the first second), the stats file's
/// endpoints: `GET /api/x` 2,000 requests, p95 40 ms; `POST /api/y` 1,000, p95
/// `post_p95`. Users per row from `users` (one per second after the first).
pub(crate) fn smoke_run(dir: &TestDir, at: &str, users: &[u32], post_p95: u64) {
    let mut history = HISTORY_HEAD.to_string();
    history.push_str(&history_row(0, 0, 0, (0, 0, 0)));
    for (i, u) in users.iter().enumerate() {
        let t = i as u64 + 1;
        history.push_str(&history_row(t, *u, 300 * t, (20, 250, 500)));
    }
    dir.write(&format!("{at}/smoke_stats_history.csv"), history);
    let mut stats = STATS_HEAD.to_string();
    stats.push_str(&stats_row("GET,/api/x", 2000, 0, (20, 40, 90), 200.0));
    stats.push_str(&stats_row(
        "POST,/api/y",
        1000,
        0,
        (100, post_p95, 500),
        100.0,
    ));
    stats.push_str(&stats_row(",Aggregated", 3000, 0, (20, 250, 500), 300.0));
    dir.write(&format!("{at}/smoke_stats.csv"), stats);
    dir.write(
        &format!("{at}/smoke_failures.csv"),
        "Method,Name,Error,Occurrences\n",
    );
}

const ENDPOINT_SLA: &str = "[global]\nrules = [\"error_rate < 1%\"]\n\n\
[endpoint.\"GET /api/x\"]\nrules = [\"p(95) < 100ms\"]\n\n\
[endpoint.\"POST /api/y\"]\nrules = [\"p(95) < 400ms\"]\n";

/// Weak point 1: a one-stage Locust run without `--csv-full-history` has per-endpoint
/// figures only in its stats file (whole run). Its one stage's endpoint rules were
/// "insufficient data" (CONDITIONAL) though those figures are the stage's (its
/// requests and the ramp's); now they are judged on them, labelled as Locust's own
/// whole-run figures: p95 40 ms and 300 ms pass (GO); 500 ms against 400 ms fails
/// (NO-GO, exit 1), where it used to be CONDITIONAL.
#[test]
fn a_one_stage_locust_run_judges_its_endpoints_on_the_stats_file() {
    let dir = TestDir::new();
    smoke_run(&dir, "run", &[10; 10], 300);
    let (code, report) = check_json(&dir, "run", ENDPOINT_SLA);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["verdict"], "GO", "{report}");
    let x = eval(&report, "p(95) < 100ms", "10_users", "GET /api/x");
    assert_eq!(x["value"], 40.0, "{x}");
    assert_eq!(x["status"], "pass", "{x}");
    assert!(
        x["note"].as_str().unwrap().contains("whole-run figures"),
        "{x}"
    );
    let y = eval(&report, "p(95) < 400ms", "10_users", "POST /api/y");
    assert_eq!(y["value"], 300.0, "{y}");

    smoke_run(&dir, "slow", &[10; 10], 500);
    let (code, report) = check_json(&dir, "slow", ENDPOINT_SLA);
    let y = eval(&report, "p(95) < 400ms", "10_users", "POST /api/y");
    assert_eq!(
        (y["value"].as_f64(), y["status"].as_str()),
        (Some(500.0), Some("fail"))
    );
    assert_eq!(report["verdict"], "NO-GO", "{report}");
    assert_eq!(code, 1);
}

/// …never for one stage of several: the stats file's endpoints cover both, so a
/// stage's endpoint rules lack the data (and say so), the whole run's are judged.
#[test]
fn two_locust_stages_do_not_take_the_whole_run_endpoints() {
    let dir = TestDir::new();
    smoke_run(&dir, "run", &[10, 10, 10, 10, 10, 20, 20, 20, 20, 20], 300);
    let (_, report) = check_json(&dir, "run", ENDPOINT_SLA);
    for stage in ["10_users", "20_users"] {
        let x = eval(&report, "p(95) < 100ms", stage, "GET /api/x");
        assert_eq!(x["status"], "insufficient_data", "{x}");
        assert!(x["value"].is_null(), "{x}");
    }
    let x = eval(&report, "p(95) < 100ms", "overall", "GET /api/x");
    assert_eq!(x["value"], 40.0, "{x}");
}

/// A `--json-file` output beside the CSVs: one endpoint, `n` requests all at 20 ms.
fn locust_json(n: u64, end_s: u64) -> String {
    format!(
        "[{{\"name\": \"/api/x\", \"method\": \"GET\", \"last_request_timestamp\": {}.9, \
         \"start_time\": {T0}.1, \"num_requests\": {n}, \"num_none_requests\": 0, \
         \"num_failures\": 0, \"total_response_time\": {}, \"max_response_time\": 20.0, \
         \"min_response_time\": 20.0, \"total_content_length\": 0, \
         \"response_times\": {{\"20\": {n}}}, \"num_reqs_per_sec\": {{}}, \
         \"num_fail_per_sec\": {{}}}}]\n",
        T0 + end_s,
        n * 20
    )
}

/// Weak point 3: the requests the CSVs miss at the end came at the end's rate. A run
/// of 10 users at 100 req/s for 4 s, then 40 users at 400 req/s for 4 s (2,000
/// requests over 8 s: 250 req/s on average); its `--json-file` counts 720 more. At
/// the end's 400 req/s (the history's last 3 s: 1,200 requests) that is 1.8 s,
/// within Locust's last write, so the same run; at the average it was 2.9 s, past it,
/// and the report was called incomplete (CSVs stopping before the run ended).
#[test]
fn the_missed_end_is_timed_at_the_end_rate() {
    let dir = TestDir::new();
    let mut history = HISTORY_HEAD.to_string();
    history.push_str(&history_row(0, 0, 0, (0, 0, 0)));
    let counts = [100, 200, 300, 400, 800, 1200, 1600, 2000];
    for (i, n) in counts.iter().enumerate() {
        let users = if i < 4 { 10 } else { 40 };
        history.push_str(&history_row(i as u64 + 1, users, *n, (20, 20, 20)));
    }
    dir.write("ramp/ramp_stats_history.csv", history);
    let mut stats = STATS_HEAD.to_string();
    stats.push_str(&stats_row("GET,/api/x", 2000, 0, (20, 20, 20), 250.0));
    stats.push_str(&stats_row(",Aggregated", 2000, 0, (20, 20, 20), 250.0));
    dir.write("ramp/ramp_stats.csv", stats);
    dir.write("ramp/ramp.json", locust_json(2720, 9));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("ramp")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("the CSVs miss the run's last 720 requests, ≈ 1.8 s at the 400.0 req/s of the CSVs' last 3 s"),
        "{skipped}"
    );
    assert_ne!(report["data_quality"], "incomplete", "{report}");
}

/// A `LoadTestShape` of 5, 15 and 30 users run with `--reset-stats` (Locust 2.47,
/// no `--csv-full-history`): Locust zeroed its stats at each step, so the history's
/// totals restart — at 15 users the count still grows (60 → 80) but the maximum
/// falls (900 → 200 ms); at 30 users the count falls (350 → 170) — and the stats
/// file holds the last step alone (710 requests). The whole run is the segments'
/// last rows added: 60 + 350 + 710 = 1,120 requests. Stage 30 users began at the last
/// reset (Locust resets when the ramp completes), so it is the stats file's segment:
/// its 710 requests (the 170 between the reset and its first row included) at the
/// file's 180 req/s, with Locust's own p95 (60 ms). It was the last step's
/// 710 with the stages adding up past it ("inconsistent", CONDITIONAL), and the
/// stages' percentiles lost (the falling maximum read as windowed rows).
#[test]
fn a_shape_with_reset_stats_is_read_segment_by_segment() {
    let dir = TestDir::new();
    let mut history = HISTORY_HEAD.to_string();
    history.push_str(&history_row(0, 0, 0, (0, 0, 0)));
    let rows: [(u32, u64, (u64, u64, u64)); 10] = [
        (5, 30, (30, 600, 900)),
        (5, 60, (30, 600, 900)),
        (15, 80, (25, 100, 200)),
        (15, 170, (25, 100, 200)),
        (15, 260, (25, 100, 200)),
        (15, 350, (25, 100, 200)),
        (30, 170, (20, 60, 200)),
        (30, 350, (20, 60, 200)),
        (30, 530, (20, 60, 200)),
        (30, 710, (20, 60, 200)),
    ];
    for (i, (users, n, pct)) in rows.iter().enumerate() {
        history.push_str(&history_row(i as u64 + 1, *users, *n, *pct));
    }
    dir.write("shape reset/steps_stats_history.csv", history);
    let mut stats = STATS_HEAD.to_string();
    stats.push_str(&stats_row("GET,/api/x", 710, 0, (20, 60, 200), 180.0));
    stats.push_str(&stats_row(",Aggregated", 710, 0, (20, 60, 200), 180.0));
    dir.write("shape reset/steps_stats.csv", stats);
    // Locust's --json-file, written as it stopped: the last step's 710 and the few
    // made after its last CSV write.
    dir.write("shape reset/steps.json", locust_json(716, 11));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("shape reset")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 1120, "{}", report["overall"]);
    let stage = |name: &str| {
        (report["stages"].as_array().unwrap().iter())
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no stage {name}: {}", report["stages"]))
    };
    let top = stage("30_users");
    assert_eq!(top["requests"], 710, "{top}");
    assert!(
        (top["throughput_rps"].as_f64().unwrap() - 180.0).abs() < 0.1,
        "{top}"
    );
    let p95 = top["latency_ms"]["p95"].as_f64().unwrap();
    assert!((p95 - 60.0).abs() < 1.0, "{top}");
    let audit = report["audit"].as_array().unwrap();
    assert!(
        audit.iter().all(|f| f["verdict"] == "ok"),
        "{}",
        report["audit"]
    );
    let sources = report["sources"].to_string();
    assert!(sources.contains("--reset-stats"), "{sources}");
    // The JSON output counts the last step, as the stats file does: the same run.
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("the CSVs miss the run's last 6 requests"),
        "{skipped}"
    );
}

/// An SLA naming Locust's `name=` group without its method (`/api/y/[id]`, the data's
/// `GET /api/y/[id]`) names that one endpoint: it was read as a route pooling "the
/// endpoints of that route (IDs in their URLs)", a note about URLs the data never had.
/// Its rule judges the endpoint, with no such note.
#[test]
fn a_name_group_without_its_method_is_the_endpoint_not_a_route() {
    let dir = TestDir::new();
    let mut history = HISTORY_HEAD.to_string();
    history.push_str(&history_row(0, 0, 0, (0, 0, 0)));
    for t in 1..=10 {
        history.push_str(&history_row(t, 10, 300 * t, (20, 250, 500)));
    }
    dir.write("run/smoke_stats_history.csv", history);
    let mut stats = STATS_HEAD.to_string();
    stats.push_str(&stats_row("GET,/api/x", 2000, 0, (20, 40, 90), 200.0));
    stats.push_str(&stats_row("GET,/api/y/[id]", 1000, 0, (30, 70, 500), 100.0));
    stats.push_str(&stats_row(",Aggregated", 3000, 0, (20, 250, 500), 300.0));
    dir.write("run/smoke_stats.csv", stats);
    dir.write(
        "sla.toml",
        "[endpoint.\"/api/y/[id]\"]\nrules = [\"p(95) < 100ms\"]\n",
    );
    let o = headroom_in(dir.path(), &["check", "run", "--sla", "sla.toml"]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(0), "{all}");
    assert!(!all.contains("is a route"), "{all}");
    assert!(all.contains("overall · GET /api/y/[id]"), "{all}");
    let (_, report) = check_json(
        &dir,
        "run",
        "[endpoint.\"/api/y/[id]\"]\nrules = [\"p(95) < 100ms\"]\n",
    );
    let y = eval(&report, "p(95) < 100ms", "10_users", "GET /api/y/[id]");
    assert_eq!(
        (y["value"].as_f64(), y["status"].as_str()),
        (Some(70.0), Some("pass"))
    );
}
