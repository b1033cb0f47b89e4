//! A Locust step run written with `--csv --csv-full-history` (a LoadTestShape of 5
//! then 15 users, rows every second), as real Locust 2.x writes it: the first row
//! after the start has requests and every percentile 0 (its window holds no sample
//! yet), the second stage is shorter than Locust's 10 s window. Pins: such a row's
//! percentiles are unknown (no interval or stage shows 0 ms, and the row shows the
//! file's percentiles are windowed); a stage's series ends at its last row (no trailing
//! interval of 0 requests); the latency chart's heading is never cut and it names the
//! stages it leaves off; the export's interval epoch column is filled.

use serde_json::Value;

use crate::common::{export_csv, headroom, TestDir};

/// The history's first time, epoch s.
const T0: i64 = 1_796_575_941;
const HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,\
90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median \
Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,\
Total Average Content Size";
/// The windowed percentiles of every row with a window: p50 20 ms, p95 40 ms, and a
/// `100%` of 70 equal to the total max, so only the empty-window row tells that the
/// rows are windowed (a steady latency reads alike either way).
const PCTS: &str = "20,24,26,28,34,40,50,60,70,70,70";
const ZEROS: &str = "0,0,0,0,0,0,0,0,0,0,0";

/// `(seconds after T0, users, total requests, percentiles)`: 5 users from T0+2 to
/// T0+5 (50 requests a second), then 15 users from T0+6 to T0+8 (150 a second).
const ROWS: [(i64, u32, u64, &str); 7] = [
    (2, 5, 60, ZEROS),
    (3, 5, 110, PCTS),
    (4, 5, 160, PCTS),
    (5, 5, 210, PCTS),
    (6, 15, 360, PCTS),
    (7, 15, 510, PCTS),
    (8, 15, 660, PCTS),
];

/// The history: a first Aggregated row of no requests (`N/A`), then each time's
/// endpoint row and Aggregated row, one endpoint so both count alike.
fn history() -> String {
    let na = ["N/A"; 11].join(",");
    let mut out = format!("{HEADER}\n{T0},0,,Aggregated,0.0,0.0,{na},0,0,0,0.0,0,0,0\n");
    for (dt, users, total, pcts) in ROWS {
        for (ty, name) in [("GET", "/api/v1/agents"), ("", "Aggregated")] {
            out.push_str(&format!(
                "{},{users},{ty},{name},0.0,0.0,{pcts},{total},0,20,22.0,5.0,70.0,91.0\n",
                T0 + dt
            ));
        }
    }
    out
}

/// A run dir as a team keeps it: the CSVs and the console log in a stage-less dir
/// with a space in its name.
fn run_dir(dir: &TestDir) -> std::path::PathBuf {
    dir.write("run/step load/locust_stats_history.csv", history());
    dir.write(
        "run/step load/locust_stats.csv",
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response \
         Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,\
         Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
         GET,/api/v1/agents,660,0,20,22.0,5.0,70.0,91.0,73.3,0.0,20,24,26,28,34,40,50,60,70,70,70\n\
         ,Aggregated,660,0,20,22.0,5.0,70.0,91.0,73.3,0.0,20,24,26,28,34,40,50,60,70,70,70\n",
    );
    dir.path().join("run")
}

/// Analyses the run into `out` (every output) and returns the report.json.
fn analyze(dir: &TestDir) -> (Value, std::path::PathBuf) {
    let run = run_dir(dir);
    let out = dir.path().join("out");
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json = std::fs::read_to_string(out.join("report.json")).unwrap();
    (serde_json::from_str(&json).unwrap(), out)
}

fn stage(report: &Value, users: u64) -> &Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["users"] == users)
        .unwrap_or_else(|| panic!("no stage of {users} users: {report}"))
}

/// Every series of a stage: its own and its endpoints'.
fn series(stage: &Value) -> Vec<&Vec<Value>> {
    let mut all = vec![stage["timeseries"].as_array().unwrap()];
    for e in stage["endpoints"].as_array().unwrap() {
        all.push(e["timeseries"].as_array().unwrap());
    }
    all
}

#[test]
fn an_empty_window_row_is_no_zero_ms_interval_nor_stage_figure() {
    let dir = TestDir::new();
    let (report, _) = analyze(&dir);
    let first = stage(&report, 5);
    // Every interval of the first stage lies under rows of p50 20 / p95 40: none is 0.
    for s in series(first) {
        for p in s {
            assert_eq!(
                (p["p50"].as_f64(), p["p95"].as_f64()),
                (Some(20.0), Some(40.0)),
                "{p}"
            );
        }
    }
    // The stage's windowed mixture of identical rows is those rows' values; read as
    // cumulative (the 0 row dropped, nothing else says windowed) it would not be.
    let lat = &first["latency_ms"];
    assert!((lat["p50"].as_f64().unwrap() - 20.0).abs() < 0.01, "{lat}");
    assert!((lat["p95"].as_f64().unwrap() - 40.0).abs() < 0.01, "{lat}");
    assert_eq!(first["latency_method"], "merged_approximate");
}

#[test]
fn a_stage_series_ends_at_its_last_row() {
    let dir = TestDir::new();
    let (report, _) = analyze(&dir);
    // Rows T0+2 … T0+5: three seconds of 50 requests; T0+6 … T0+8: two of 150.
    for (users, want) in [(5, vec![50, 50, 50]), (15, vec![150, 150])] {
        let st = stage(&report, users);
        assert_eq!(st["requests"], want.iter().sum::<u64>(), "{st}");
        for s in series(st) {
            let got: Vec<u64> = s.iter().map(|p| p["requests"].as_u64().unwrap()).collect();
            assert_eq!(got, want, "stage of {users} users");
            assert!(s.iter().all(|p| p["width_s"] == 1.0), "{s:?}");
        }
    }
}

#[test]
fn the_latency_chart_heading_is_whole_and_names_stages_left_off() {
    let dir = TestDir::new();
    let (report, out) = analyze(&dir);
    // The 15-user stage is shorter than Locust's 10 s window: no percentiles.
    let second = stage(&report, 15);
    assert!(second["latency_ms"]["p95"].is_null(), "{second}");
    let name = second["name"].as_str().unwrap().to_string();
    let svg = std::fs::read_to_string(out.join("charts/latency.svg")).unwrap();
    let texts: Vec<&str> = svg
        .split("</text>")
        .filter_map(|t| t.rsplit_once('>').map(|x| x.1))
        .collect();
    let heading = texts
        .iter()
        .find(|t| t.starts_with("Latency percentiles"))
        .unwrap();
    assert!(!heading.contains('…'), "{heading}");
    assert!(heading.ends_with("(≈)"), "{heading}");
    assert!(texts
        .iter()
        .any(|t| t.contains("estimated from merged summaries")));
    assert!(texts
        .iter()
        .any(|t| t.contains("Not drawn, no percentiles")));
    assert!(texts.iter().any(|t| t.contains(&name)), "{texts:?}");
    // The reports' alt text says both in full, the name escaped as Markdown.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let alt = md
        .lines()
        .find(|l| l.contains("(charts/latency.png)"))
        .unwrap();
    assert!(alt.contains("≈: estimated from merged summaries"), "{alt}");
    assert!(
        alt.contains(&format!("no percentiles: {}", name.replace('_', "\\_"))),
        "{alt}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(&format!("no percentiles: {name}")));
}

#[test]
fn exported_intervals_carry_their_epoch_start() {
    let dir = TestDir::new();
    let run = run_dir(&dir);
    let out = dir.path().join("export");
    export_csv(&run, &out);
    let csv = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
    let (c_start, c_req, c_users) = (col("start_ms"), col("requests"), col("users"));
    let mut got: Vec<(i64, u64, String)> = Vec::new();
    for l in lines {
        let cells: Vec<&str> = l.split(',').collect();
        if cells[1] == "stage" {
            got.push((
                cells[c_start].parse().unwrap_or_else(|_| panic!("{l}")),
                cells[c_req].parse().unwrap(),
                cells[c_users].to_string(),
            ));
        }
    }
    // Each interval starts at the row before the requests it holds.
    let want: Vec<(i64, u64, String)> = [(2, 50, "5"), (3, 50, "5"), (4, 50, "5")]
        .into_iter()
        .chain([(6, 150, "15"), (7, 150, "15")])
        .map(|(dt, n, u)| ((T0 + dt) * 1000, n, u.to_string()))
        .collect();
    assert_eq!(got, want);
}
