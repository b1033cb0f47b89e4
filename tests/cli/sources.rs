//! Several sources and how they are read (issue 12): files given one by one grouped
//! like their dir, a stats history's row spacing measured, percentiles of history
//! stages estimated, a second source of the same requests arbitrated, open-model
//! phases as stages.

use serde_json::Value;

use crate::common::{analyze_json, TestDir};

const T0: u64 = 1_700_000_000;
/// Rows every 5 s, as `--csv-full-history` writes them in some setups.
const STEP: u64 = 5;
const LAST: u64 = 255;

/// Users at the row written at second `t`: plateaus of 50, 100, 150 and 200 users
/// with one ramp row between them.
fn users_at(t: u64) -> u32 {
    match t {
        0 => 0,
        5..=60 => 50,
        65 => 75,
        70..=125 => 100,
        130 => 125,
        135..=190 => 150,
        195 => 175,
        _ => 200,
    }
}

/// Requests per second at a load: saturating at 74–75 req/s.
fn rate_at(users: u32) -> u64 {
    match users {
        0 => 0,
        50 => 40,
        75 => 55,
        100 => 70,
        125 => 72,
        150 | 175 => 74,
        _ => 75,
    }
}

/// `(requests, failures)` made between the row at `t - STEP` and the row at `t`: the
/// rate of the load the earlier row shows; one failure per row from 150 users on.
fn added_at(t: u64) -> (u64, u64) {
    if t == 0 {
        return (0, 0);
    }
    let users = users_at(t - STEP);
    (rate_at(users) * STEP, u64::from(users >= 150))
}

/// Cumulative `(requests, failures)` at the row at `t`.
fn cumulative(t: u64) -> (u64, u64) {
    (0..=t).step_by(STEP as usize).fold((0, 0), |(n, f), s| {
        let (a, b) = added_at(s);
        (n + a, f + b)
    })
}

/// Cumulative percentile points `(p50, p95, p100)` and mean at row `t`: until the
/// 100-user stage starts (t = 70) 100/200/300 ms, mean 150; from t = 75 on
/// 200/400/500 ms, mean 250. The 50% column equals the total median, and the maximum
/// never falls: cumulative columns.
fn cumulative_latency(t: u64) -> ([f64; 3], f64) {
    if t <= 70 {
        ([100.0, 200.0, 300.0], 150.0)
    } else {
        ([200.0, 400.0, 500.0], 250.0)
    }
}

/// A Locust 2.x set (stats, 5 s-spaced aggregate-only history, failures) under `at`.
fn locust_set(dir: &TestDir, at: &str) {
    let mut hist = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,100%,\
         Total Request Count,Total Failure Count,Total Median Response Time,\
         Total Average Response Time,Total Min Response Time,Total Max Response Time,\
         Total Average Content Size\r\n",
    );
    for t in (0..=LAST).step_by(STEP as usize) {
        let (n, f) = cumulative(t);
        let rate = if t == 0 { 0 } else { added_at(t).0 / STEP };
        let ([p50, p95, p100], mean) = cumulative_latency(t);
        let pct = if n == 0 {
            "N/A,N/A,N/A".to_string()
        } else {
            format!("{p50},{p95},{p100}")
        };
        hist.push_str(&format!(
            "{},{},,Aggregated,{rate}.000000,0.000000,{pct},{n},{f},{p50},{mean},10,{p100},100\r\n",
            T0 + t,
            users_at(t),
        ));
    }
    dir.write(&format!("{at}/x_stats_history.csv"), hist);
    let (n, f) = cumulative(LAST);
    let rps = n as f64 / LAST as f64;
    dir.write(
        &format!("{at}/x_stats.csv"),
        format!(
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
             Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
             50%,95%,100%\r\n\
             GET,/api,{n},{f},200,250.0,10.0,500.0,100.0,{rps},0.1,200,400,500\r\n\
             ,Aggregated,{n},{f},200,250.0,10.0,500.0,100.0,{rps},0.1,200,400,500\r\n"
        ),
    );
    dir.write(
        &format!("{at}/x_failures.csv"),
        format!("Method,Name,Error,Occurrences\r\nGET,/api,HTTPError('500 Server Error'),{f}\r\n"),
    );
}

fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {}", report["stages"]))
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= want.abs() * rel
}

#[test]
fn a_5s_history_gives_the_histories_own_rates_and_capacity() {
    let dir = TestDir::new();
    locust_set(&dir, "run");
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert!(code == 0 || code == 1, "{stderr}");
    for (name, users) in [
        ("50_users", 50),
        ("100_users", 100),
        ("150_users", 150),
        ("200_users", 200),
    ] {
        let s = stage(&report, name);
        let got = s["throughput_rps"].as_f64().unwrap();
        // The history's own Requests/s on the plateau's rows.
        let want = rate_at(users) as f64;
        assert!(
            close(got, want, 0.02),
            "{name}: {got} req/s, history says {want}"
        );
    }
    // The timeline is no comb: every interval inside a plateau holds that plateau's rate.
    let s = stage(&report, "200_users");
    let series = s["timeseries"].as_array().unwrap();
    // (The last row closes the window: its interval holds only its users sample.)
    let rps: Vec<f64> = series[..series.len() - 1]
        .iter()
        .map(|p| p["requests"].as_f64().unwrap() / p["width_s"].as_f64().unwrap())
        .collect();
    assert_eq!(rps.len(), 11, "{}", s["timeseries"]);
    assert!(rps.iter().all(|r| close(*r, 75.0, 0.02)), "{rps:?}");
    // Capacity: the plateau near 74 req/s, not a 5× figure.
    let cap = serde_json::to_string(&report["capacity"]).unwrap();
    let sat = report["capacity"]["saturation"]["throughput_rps"]
        .as_f64()
        .unwrap_or_else(|| panic!("{cap}"));
    assert!(close(sat, 74.0, 0.10), "saturation {sat}: {cap}");
}

#[test]
fn a_history_stage_gets_the_percentiles_its_cumulative_rows_support() {
    let dir = TestDir::new();
    locust_set(&dir, "run");
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let s = stage(&report, "100_users");
    // The stage runs from the row at t = 70 to the row at t = 125.
    let (n1, n2) = (cumulative(70).0 as f64, cumulative(125).0 as f64);
    assert_eq!(s["requests"].as_f64(), Some(n2 - n1));
    // Piecewise-linear CDFs through the rows' points: F1 at 200 ms is 0.95 and 1 from
    // 300 ms on; F2 is 0.5 at 200, 0.725 at 300, 0.95 at 400, 1 at 500 ms.
    let mix = |f2: f64, f1: f64| (n2 * f2 - n1 * f1) / (n2 - n1);
    let (f200, f300, f400, f500) = (mix(0.5, 0.95), mix(0.725, 1.0), mix(0.95, 1.0), 1.0);
    assert!(f200 < 0.5 && 0.5 < f300 && f400 < 0.95);
    let p50 = 200.0 + 100.0 * (0.5 - f200) / (f300 - f200);
    let p95 = 400.0 + 100.0 * (0.95 - f400) / (f500 - f400);
    let lat = &s["latency_ms"];
    assert!(
        close(lat["p50"].as_f64().unwrap(), p50, 1e-6),
        "{lat} vs {p50}"
    );
    assert!(
        close(lat["p95"].as_f64().unwrap(), p95, 1e-6),
        "{lat} vs {p95}"
    );
    // Count-weighted mean from the cumulative means.
    let mean = (250.0 * n2 - 150.0 * n1) / (n2 - n1);
    assert!(close(lat["mean"].as_f64().unwrap(), mean, 1e-9));
    // Labelled approximate; p99 is not shown, so nothing warns about its samples.
    assert_eq!(s["latency_method"], "merged_approximate");
    assert!(
        s["window_basis"].as_str().unwrap().contains("approximate"),
        "{}",
        s["window_basis"]
    );
    assert!(lat["p99"].is_null());
    let warnings = serde_json::to_string(&report["warnings"]).unwrap();
    assert!(!warnings.contains("p99"), "{warnings} {stderr}");
}

/// report.json without what names the input files (paths and where they appear).
fn without_paths(mut report: Value, dir: &std::path::Path) -> String {
    report["inputs"] = Value::Null;
    report["skipped"] = Value::Null;
    serde_json::to_string_pretty(&report)
        .unwrap()
        .replace(&dir.display().to_string(), "DIR")
}

#[test]
fn a_locust_set_given_file_by_file_reads_like_its_dir() {
    let dir = TestDir::new();
    locust_set(&dir, "run");
    let run = dir.path().join("run");
    let (code_dir, by_dir, _) = analyze_json(&[&run], &[]);
    let files: Vec<std::path::PathBuf> = ["x_stats.csv", "x_stats_history.csv", "x_failures.csv"]
        .iter()
        .map(|f| run.join(f))
        .collect();
    let refs: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    let (code_files, by_files, stderr) = analyze_json(&refs, &[]);
    assert_eq!(code_dir, code_files, "{stderr}");
    // One source, counted once: the stats file's own total.
    assert_eq!(by_files["sources"].as_array().unwrap().len(), 1);
    assert_eq!(by_files["overall"]["requests"], cumulative(LAST).0);
    assert_eq!(without_paths(by_dir, &run), without_paths(by_files, &run));
}
