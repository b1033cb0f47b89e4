//! Locust step runs as real Locust 2.x writes them (`--csv`, a LoadTestShape, rows
//! every second; with and without `--reset-stats`), and a fast endpoint's stats row.
//! Pins: the stages of one history lie one after another on report.json's time axis
//! (`timeseries[].t` counts from the run's start, not from 0 in every stage); the
//! requests of the rows' intervals that span a change of users, which belong to no
//! stage, are said with their count and place, so the figures add up; after
//! `--reset-stats` without `--csv-full-history`, the last stage (which began at the
//! last reset) is the stats file's own figures per endpoint; and percentiles Locust
//! rounded past an endpoint's unrounded maximum do not make the data inconsistent.

use serde_json::Value;

use crate::common::{analyze_json, TestDir};

/// The history's first time, epoch s.
const T0: i64 = 1_796_582_611;
const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,\
75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total \
Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response \
Time,Total Average Content Size";
const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average \
Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

/// An Aggregated history row (cumulative percentiles: the `50%` is the total median,
/// the `100%` the total maximum).
fn agg_row(dt: i64, users: u32, total: u64) -> String {
    let pcts = "20,24,26,28,34,40,50,60,70,70,70";
    format!(
        "{},{users},,Aggregated,0.0,0.0,{pcts},{total},0,20,22.0,5.0,70.0,66.0\r\n",
        T0 + dt
    )
}

/// A history of Aggregated rows: a first row of no requests, then `rows`
/// (`(seconds after T0, users, total requests)`).
fn history(rows: &[(i64, u32, u64)]) -> String {
    let na = ["N/A"; 11].join(",");
    let mut out =
        format!("{HISTORY_HEADER}\r\n{T0},0,,Aggregated,0.0,0.0,{na},0,0,0,0.0,0,0,0\r\n");
    for &(dt, users, total) in rows {
        out.push_str(&agg_row(dt, users, total));
    }
    out
}

fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {report}"))
}

/// `(t, width_s, requests)` of a stage's series.
fn series(report: &Value, name: &str) -> Vec<(f64, f64, u64)> {
    (stage(report, name)["timeseries"].as_array().unwrap().iter())
        .map(|p| {
            (
                p["t"].as_f64().unwrap(),
                p["width_s"].as_f64().unwrap(),
                p["requests"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A step run without a stats reset: 5 users from T0+1 to T0+4 (30 requests a
/// second), then 10 users from T0+5 to T0+8 (60 a second). The rows' totals: 20 at
/// T0+1 (the ramp), 110 at T0+4, 170 at T0+5 (the second spanning the change), 350 at
/// T0+8.
const STEP: [(i64, u32, u64); 8] = [
    (1, 5, 20),
    (2, 5, 50),
    (3, 5, 80),
    (4, 5, 110),
    (5, 10, 170),
    (6, 10, 230),
    (7, 10, 290),
    (8, 10, 350),
];

pub(crate) fn step_dir(dir: &TestDir) -> std::path::PathBuf {
    dir.write("runs/step load/step_stats_history.csv", history(&STEP));
    dir.write(
        "runs/step load/step_stats.csv",
        format!(
            "{STATS_HEADER}\r\nGET,/api/v1/agents,350,0,20,22.0,5.0,70.0,66.0,43.75,0.0,\
             20,24,26,28,34,40,50,60,70,70,70\r\n,Aggregated,350,0,20,22.0,5.0,70.0,66.0,\
             43.75,0.0,20,24,26,28,34,40,50,60,70,70,70\r\n"
        ),
    );
    dir.path().join("runs/step load")
}

#[test]
fn locust_history_stages_follow_one_another_on_one_time_axis() {
    let dir = TestDir::new();
    let (code, report, stderr) = analyze_json(&[&step_dir(&dir)], &[]);
    assert_eq!(code, 0, "{stderr}");
    // The run starts at the history's first row (T0): the 5-user rows T0+1 … T0+4 make
    // the intervals from T0+1, +2, +3; the 10-user rows T0+5 … T0+8 those from +5, +6, +7.
    assert_eq!(
        series(&report, "5_users"),
        vec![(1.0, 1.0, 30), (2.0, 1.0, 30), (3.0, 1.0, 30)]
    );
    assert_eq!(
        series(&report, "10_users"),
        vec![(5.0, 1.0, 60), (6.0, 1.0, 60), (7.0, 1.0, 60)]
    );
}

#[test]
fn requests_between_locust_stages_are_said_with_their_count() {
    let dir = TestDir::new();
    let (code, report, stderr) = analyze_json(&[&step_dir(&dir)], &[]);
    assert_eq!(code, 0, "{stderr}");
    // 5_users: 110 − 20 = 90; 10_users: 350 − 170 = 180. Outside: the 20 of the ramp
    // before the first row at 5 users, and 170 − 110 = 60 of the second spanning the
    // change: 20 + 60 = 80 of 350, so 90 + 180 + 80 = 350.
    let requests = |name: &str| stage(&report, name)["requests"].as_u64().unwrap();
    assert_eq!((requests("5_users"), requests("10_users")), (90, 180));
    assert_eq!(report["overall"]["requests"], 350);
    let said = "requests outside every stage: 80 of its 350 requests (20 before `5_users`, \
                60 between `5_users` and `10_users`)";
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains(said), "{warnings}");
    assert!(stderr.contains(said), "{stderr}");
}

/// A step run with `--reset-stats` and no `--csv-full-history`: Locust zeroes its
/// stats when each ramp completes, so the 10-user rows count again from the reset
/// (40 in the second spanning it, then 60 a second), and the stats file holds those
/// 220 requests alone, per endpoint, with its Requests/s over the 4 s since.
fn reset_dir(dir: &TestDir) -> std::path::PathBuf {
    let rows = [
        (1, 5, 20),
        (2, 5, 50),
        (3, 5, 80),
        (4, 5, 110),
        (5, 10, 40),
        (6, 10, 100),
        (7, 10, 160),
        (8, 10, 220),
    ];
    dir.write("runs/reset/rs_stats_history.csv", history(&rows));
    dir.write(
        "runs/reset/rs_stats.csv",
        format!(
            "{STATS_HEADER}\r\n\
             GET,/api/v1/agents,150,0,20,21.0,5.0,60.0,91.0,37.5,0.0,\
             20,22,24,26,30,40,50,55,60,60,60\r\n\
             POST,/api/v1/agents/run,70,0,300,310.0,80.0,900.0,38.0,17.5,0.0,\
             300,330,380,410,550,660,790,880,900,900,900\r\n\
             ,Aggregated,220,0,24,113.0,5.0,900.0,74.0,55.0,0.0,\
             24,30,40,60,300,400,600,800,900,900,900\r\n"
        ),
    );
    dir.path().join("runs/reset")
}

#[test]
fn after_reset_stats_the_last_stage_is_the_stats_files_own_per_endpoint() {
    let dir = TestDir::new();
    let (code, report, stderr) = analyze_json(&[&reset_dir(&dir)], &[]);
    assert_eq!(code, 0, "{stderr}");
    let last = stage(&report, "10_users");
    // The stats file's figures: 220 requests at its 55.0 req/s (over 220 / 55 = 4 s),
    // Locust's own percentiles, each endpoint as its row.
    assert_eq!(last["requests"], 220);
    assert!((last["throughput_rps"].as_f64().unwrap() - 55.0).abs() < 1e-9);
    assert_eq!(last["latency_ms"]["p95"], 400.0);
    let eps: Vec<(String, u64, f64)> = (last["endpoints"].as_array().unwrap().iter())
        .map(|e| {
            (
                e["key"].as_str().unwrap().to_string(),
                e["requests"].as_u64().unwrap(),
                e["latency_ms"]["p95"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        eps,
        vec![
            ("GET /api/v1/agents".to_string(), 150, 40.0),
            ("POST /api/v1/agents/run".to_string(), 70, 660.0),
        ]
    );
    // Its series holds them all: the 40 made between the reset and its first row in the
    // interval from T0+4 (cut at the window's start, T0+8 − 4 s), then 60 a second.
    let s = series(&report, "10_users");
    assert_eq!(
        s.iter().map(|p| p.2).collect::<Vec<_>>(),
        vec![40, 60, 60, 60]
    );
    assert_eq!(s[0].0, 4.0);
    // The stage before keeps its totals and says why it has no endpoints. Its 20
    // requests before its first row were counted after Locust's first reset (as the
    // ramp to 5 users completed; the row before counts none): they are its own, 110.
    let first = stage(&report, "5_users");
    assert_eq!(first["requests"], 110);
    assert_eq!(first["endpoints"].as_array().unwrap().len(), 0);
    let notes = report["sources"].to_string();
    assert!(
        notes.contains("The stages before it have totals alone"),
        "{notes}"
    );
    // The whole run: 110 + 220 = 330, every request in a stage.
    assert_eq!(report["overall"]["requests"], 330);
    let said = "outside every stage";
    assert!(!report["warnings"].to_string().contains(said), "{report}");
}

#[test]
fn percentiles_locust_rounded_past_a_fast_endpoints_max_are_consistent() {
    // Real Locust: /health's slowest of 6 took 1.78 ms, which Locust's histogram
    // rounds to the bucket 2, so every percentile column says 2 (above the maximum)
    // while its median, clamped by Locust, says 1.78.
    let dir = TestDir::new();
    dir.write(
        "runs/01_baseline_5users/base_stats.csv",
        format!(
            "{STATS_HEADER}\r\n\
             GET,/api/v1/agents,45,0,22,23.9,7.7,67.5,91.0,22.5,0.0,\
             22,25,28,30,38,45,54,57,68,68,68\r\n\
             GET,/health,6,0,1.781399994797539,1.58,1.3816479986417107,1.781399994797539,\
             15.0,3.0,0.0,2,2,2,2,2,2,2,2,2,2,2\r\n\
             ,Aggregated,51,0,21,21.3,1.3816479986417107,67.5,82.0,25.5,0.0,\
             21,24,27,29,37,44,54,57,68,68,68\r\n"
        ),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["data_quality"], "clean", "{}", report["audit"]);
    let health = (stage(&report, "baseline")["endpoints"]
        .as_array()
        .unwrap()
        .iter())
    .find(|e| e["key"] == "GET /health")
    .unwrap();
    // The bucket 2 is the maximum's: those times lie at or below 1.78 ms.
    for p in ["p50", "p95", "p99", "max"] {
        assert_eq!(health["latency_ms"][p], 1.781399994797539, "{p}");
    }
    // A percentile that is no rounding of the maximum (a p99 of 9 ms) stays as written,
    // and the audit questions it.
    let (_, other, _) = {
        let d = TestDir::new();
        d.write(
            "runs/01_baseline_5users/base_stats.csv",
            format!(
                "{STATS_HEADER}\r\nGET,/health,6,0,1.78,1.58,1.38,1.78,15.0,3.0,0.0,\
                 2,2,2,2,2,2,2,9,9,9,9\r\n,Aggregated,6,0,1.78,1.58,1.38,1.78,15.0,3.0,0.0,\
                 2,2,2,2,2,2,2,9,9,9,9\r\n"
            ),
        );
        analyze_json(&[&d.path().join("runs")], &[])
    };
    assert_ne!(other["data_quality"], "clean", "{}", other["audit"]);
}
