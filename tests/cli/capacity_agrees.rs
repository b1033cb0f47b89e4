//! Capacity that agrees with itself (issue 12), through the binary: the plateau is the
//! median of the plateau stages and its knee lies inside the stated bracket (stepped
//! and staircase runs); a single stage reached by a ramp-up is one load level with no
//! capacity claim; an error onset between a clean level and one far beyond the limit
//! is a bracket, not a point; criteria crossing in the same bracket are both named.

use std::path::Path;

use serde_json::Value;

use crate::capacity::{analyze_into, breaking_point, f, write_run, Step};
use crate::common::{analyze_json, close, TestDir};

/// The capacity object of `analyze` on `run` with `extra` flags, and report.md.
fn capacity_of(dir: &TestDir, run: &Path, extra: &[&str]) -> (Value, String) {
    let out = dir.path().join("out");
    let (code, report, stderr) = analyze_into(run, &out, extra);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    (report["capacity"].clone(), md)
}

fn bracket(v: &Value) -> (f64, f64) {
    (f(&v["bracket"][0]), f(&v["bracket"][1]))
}

/// Kneedle "agrees" exactly when its knee lies inside the stated bracket.
fn assert_kneedle_consistent(sat: &Value) {
    if let Some(k) = sat["kneedle_users"].as_f64() {
        let (lo, hi) = bracket(sat);
        let inside = lo <= k && k <= hi;
        assert_eq!(sat["kneedle_agrees"], inside, "{sat}");
        let method = sat["method"].as_str().unwrap();
        assert_eq!(method.contains("agrees"), inside, "{method}");
    }
}

/// The USL note rule: N* or X_max more than 25 % from the measured knee or plateau
/// → a disagreement note that leads with the measured figures.
fn assert_usl_rule(cap: &Value) {
    let usl = &cap["usl"];
    let sat = &cap["saturation"];
    if !usl.is_object() {
        return;
    }
    let off = |model: Option<f64>, measured: Option<f64>| match (model, measured) {
        (Some(m), Some(x)) => (m / x - 1.0).abs() > 0.25,
        _ => false,
    };
    let disagrees = off(usl["peak_users"].as_f64(), sat["users"].as_f64())
        || off(
            usl["max_throughput_rps"].as_f64(),
            sat["throughput_rps"].as_f64(),
        );
    assert_eq!(!cap["usl_disagreement"].is_null(), disagrees, "{cap}");
    if disagrees {
        let note = cap["usl_disagreement"].as_str().unwrap();
        assert!(note.contains("measured figures lead"), "{note}");
    }
}

/// A closed system with think time: R₀ + Z = 1.1 s and capacity C = 73 req/s, so
/// X = N/1.1 below the knee N* = 73 × 1.1 = 80.3 users. The plateau stages carry
/// noise; the best single stage (80.5 req/s at 220 users) is 10 % above C.
#[test]
fn a_stepped_run_saturates_at_the_median_of_its_plateau_not_its_best_stage() {
    let dir = TestDir::new();
    let plateau = [(100u32, 72.0), (140, 73.5), (180, 71.5), (220, 80.5)];
    let mut steps: Vec<Step> = [20u32, 40, 60]
        .iter()
        .map(|&n| Step::at(&format!("n{n}"), n, f64::from(n) / 1.1, 0.0, 100.0, 180.0))
        .collect();
    for (n, x) in plateau {
        // Past the knee the extra users queue: R = N/X − Z.
        let r_ms = (f64::from(n) / x - 1.0) * 1000.0;
        steps.push(Step::at(&format!("n{n}"), n, x, 0.0, r_ms, 1.8 * r_ms));
    }
    write_run(&dir, &steps);
    let (cap, md) = capacity_of(&dir, &dir.path().join("run"), &["--think-time", "1s"]);
    let sat = &cap["saturation"];
    assert_eq!(sat["reached"], true, "{sat}");
    // Median of 72, 73.5, 71.5, 80.5 = 72.75: within 10 % of C = 73; the best stage
    // (80.5, 10.3 % above C) is only the upper end of the interval.
    let c = f(&sat["throughput_rps"]);
    assert!(close(c, 72.75, 0.01), "{sat}");
    assert!(close(c, 73.0, 0.10));
    assert_eq!(
        sat["throughput_interval_rps"],
        serde_json::json!([71.5, 80.5]),
        "{sat}"
    );
    assert_eq!(sat["plateau_stages"].as_array().unwrap().len(), 4);
    // Knee: C/γ with γ = 1/1.1 per user → 80.0 users, inside [60, 100] with the true 80.3.
    let (lo, hi) = bracket(sat);
    assert_eq!((lo, hi), (60.0, 100.0));
    assert!(lo <= 80.3 && 80.3 <= hi);
    assert!(close(f(&sat["users"]), 72.75 * 1.1, 0.01), "{sat}");
    assert_kneedle_consistent(sat);
    assert_usl_rule(&cap);
    // The measured figures lead the section: saturation before the USL.
    let measured = md
        .find("**Saturation (measured).**")
        .expect("saturation paragraph");
    let model = md.find("Scalability (Universal Scalability Law)").unwrap();
    assert!(measured < model, "{md}");
    assert!(md.contains("Goodput plateaus at ≈ 72.8 req/s"), "{md}");
}

/// Requests of a closed system without think time, one per line, with the users
/// column: `levels` are (users, seconds, throughput); latency = N/X (Little).
fn per_request_csv(levels: &[(u32, u32, f64)]) -> String {
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms,status,users\n");
    let t0 = 1_700_000_000_000i64;
    let mut sec = 0i64;
    for &(users, seconds, x) in levels {
        let r_ms = 1000.0 * f64::from(users) / x;
        for _ in 0..seconds {
            let count = x.round() as i64;
            for k in 0..count {
                let t = t0 + sec * 1000 + k * 1000 / count;
                csv.push_str(&format!("{t},/api/items,{r_ms:.3},200,{users}\n"));
            }
            sec += 1;
        }
    }
    csv
}

/// A staircase in one time series with a soft knee: R₀ = 0.2 s, capacity ≈ 100 req/s
/// approached gradually (92, 97, 99 past the knee), so the asymptotes meet at
/// N* = C·R₀ = 20 users. The marginal-gain rule only sees the plateau from 35 users;
/// the stated bracket must still contain the knee.
#[test]
fn a_staircase_with_a_soft_knee_brackets_the_knee() {
    let levels = [
        (5u32, 20u32, 25.0),
        (10, 20, 50.0),
        (15, 20, 75.0),
        (25, 20, 92.0),
        (35, 20, 97.0),
        (45, 20, 99.0),
    ];
    let dir = TestDir::new();
    dir.write("stairs/requests.csv", per_request_csv(&levels));
    let (cap, _) = capacity_of(&dir, &dir.path().join("stairs"), &[]);
    assert_eq!(cap["load_basis"], "stages");
    assert_eq!(cap["load_points"].as_array().unwrap().len(), 6, "{cap}");
    let sat = &cap["saturation"];
    assert_eq!(sat["reached"], true, "{sat}");
    assert!(close(f(&sat["throughput_rps"]), 100.0, 0.10), "{sat}");
    let (lo, hi) = bracket(sat);
    assert!(
        lo <= 20.0 && 20.0 <= hi,
        "bracket [{lo}, {hi}] misses N* = 20"
    );
    let n = f(&sat["users"]);
    assert!(lo <= n && n <= hi, "{sat}");
    assert!(close(n, 20.0, 0.10), "{sat}");
    assert_kneedle_consistent(sat);
    assert_usl_rule(&cap);
}

/// One stage of 30 users reached by a 15 s ramp-up (2 users a second), held 120 s:
/// R = 1 s, so X = N req/s. The ramp's few requests are not load levels.
#[test]
fn a_single_stage_with_a_ramp_up_makes_no_capacity_claim() {
    let mut levels: Vec<(u32, u32, f64)> =
        (1..=15u32).map(|k| (2 * k, 1, f64::from(2 * k))).collect();
    levels.push((30, 120, 30.0));
    let dir = TestDir::new();
    dir.write("single/requests.csv", per_request_csv(&levels));
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 2s\", \"error_rate < 1%\"]\n",
    );
    let sla = dir.path().join("sla.toml");
    let (cap, md) = capacity_of(
        &dir,
        &dir.path().join("single"),
        &["--sla", sla.to_str().unwrap()],
    );
    assert_eq!(cap["load_basis"], "stages", "{cap}");
    let points = cap["load_points"].as_array().unwrap();
    assert_eq!(points.len(), 1, "{cap}");
    assert_eq!(f(&points[0]["users"]), 30.0);
    assert!(cap["saturation"].is_null(), "{cap}");
    assert!(cap["usl"].is_null());
    assert!(cap["sizing"].is_null());
    assert_eq!(cap["breaking_points"], serde_json::json!([]));
    let h = &cap["sla_headroom"];
    assert!(h["users"].is_null() && h["throughput_rps"].is_null(), "{h}");
    let statement = h["statement"].as_str().unwrap();
    assert!(
        statement.starts_with("One load level (30 users): no capacity estimate"),
        "{statement}"
    );
    // What the level shows: 30 req/s of goodput, p95 1 s, no errors; the SLA holds.
    assert!(statement.contains("goodput 30 req/s"), "{statement}");
    assert!(statement.contains("errors 0%"), "{statement}");
    assert!(statement.ends_with("the SLA holds there"), "{statement}");
    assert!(!md.contains("lowest measured load"), "{md}");
    assert!(!md.contains("holds up to"), "{md}");
}

/// A JMeter-like run at 20/80/160 users: no errors at 20 and 80, 30 % at 160, while
/// p95 goes 200 → 400 → 1 500 ms against a 500 ms limit. Optionally a level at 120
/// users where p95 (900 ms) has crossed but errors are still 0.
fn onset_run(dir: &TestDir, with_120: bool) {
    let mut steps = vec![
        Step::at("n20", 20, 20.0, 0.0, 100.0, 200.0),
        Step::at("n80", 80, 70.0, 0.0, 250.0, 400.0),
    ];
    if with_120 {
        steps.push(Step::at("n120", 120, 74.0, 0.0, 600.0, 900.0));
    }
    // 107 req/s with 30 % failing: 75 req/s of goodput.
    steps.push(Step::at("n160", 160, 107.0, 0.30, 900.0, 1500.0));
    write_run(dir, &steps);
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\"]\n",
    );
}

#[test]
fn an_error_onset_between_a_clean_level_and_a_far_one_is_a_bracket_and_ties_with_latency() {
    let dir = TestDir::new();
    onset_run(&dir, false);
    let sla = dir.path().join("sla.toml");
    let (cap, md) = capacity_of(
        &dir,
        &dir.path().join("run"),
        &["--sla", sla.to_str().unwrap()],
    );
    let err = breaking_point(&cap, "error_rate");
    assert_eq!(err["reached"], true);
    assert_eq!(bracket(&err), (80.0, 160.0), "{err}");
    // No point estimate near N₁ = 80 (linear interpolation would say 80 + 0.01/0.3 × 80
    // ≈ 82.7).
    if let Some(n) = err["users"].as_f64() {
        assert!((n - 80.0).abs() > 0.05 * 80.0, "{err}");
    }
    assert!(err["users"].is_null(), "{err}");
    // p95 crosses 500 ms between 80 (400 ms) and 160 (1 500 ms): 80 + 100/1100 × 80.
    let lat = breaking_point(&cap, "latency");
    assert_eq!(bracket(&lat), (80.0, 160.0));
    assert!(
        close(f(&lat["users"]), 80.0 + 100.0 / 1100.0 * 80.0, 1e-6),
        "{lat}"
    );

    let h = &cap["sla_headroom"];
    let limits: Vec<&str> = h["limits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(limits.len(), 2, "{h}");
    assert!(
        limits.contains(&"latency") && limits.contains(&"error_rate"),
        "{h}"
    );
    assert_eq!(bracket(h), (80.0, 160.0));
    assert_eq!(f(&h["users"]), 80.0, "{h}");
    assert_eq!(h["next_levels"], serde_json::json!([100.0, 120.0, 140.0]));
    let s = h["statement"].as_str().unwrap();
    for want in [
        "latency",
        "the error rate",
        "80 users",
        "160 users",
        "cannot order them",
        "100, 120 and 140 users",
    ] {
        assert!(s.contains(want), "{want:?} not in {s}");
    }
    assert!(!s.contains("is the limit"), "{s}");
    assert!(md.contains("no point estimate"), "{md}");
    // Neither is named the limit anywhere: not in the JSON, the readiness row or the
    // report's sentences.
    assert_eq!(h["limited_by"], Value::Null, "{h}");
    let row = md
        .lines()
        .find(|l| l.starts_with("| Capacity / scalability |"))
        .unwrap_or_else(|| panic!("no capacity readiness row: {md}"));
    assert!(
        row.starts_with("| Capacity / scalability | NOT READY |"),
        "{row}"
    );
    assert!(row.contains("cannot order them"), "{row}");
    assert!(!md.contains("is the limit"), "{md}");
    assert!(!md.contains("limited by"), "{md}");
}

#[test]
fn with_a_level_where_only_latency_crossed_latency_is_the_limit() {
    let dir = TestDir::new();
    onset_run(&dir, true);
    let sla = dir.path().join("sla.toml");
    let (cap, _) = capacity_of(
        &dir,
        &dir.path().join("run"),
        &["--sla", sla.to_str().unwrap()],
    );
    // Latency crosses between 80 (400 ms) and 120 (900 ms): 80 + 100/500 × 40 = 88.
    let lat = breaking_point(&cap, "latency");
    assert_eq!(bracket(&lat), (80.0, 120.0));
    assert!(close(f(&lat["users"]), 88.0, 1e-6), "{lat}");
    // Errors: clean at 120, 30 % at 160.
    assert_eq!(bracket(&breaking_point(&cap, "error_rate")), (120.0, 160.0));
    let h = &cap["sla_headroom"];
    assert_eq!(h["limited_by"], "latency", "{h}");
    assert_eq!(h["limits"], serde_json::json!(["latency"]));
    assert!(close(f(&h["users"]), 88.0, 1e-6), "{h}");
    let s = h["statement"].as_str().unwrap();
    assert!(s.ends_with("latency is the limit"), "{s}");
    assert!(!s.contains("error rate"), "{s}");
}

/// Without an SLA the same shape still brackets the onset; `analyze_json` agrees.
#[test]
fn the_error_bracket_needs_no_sla() {
    let dir = TestDir::new();
    onset_run(&dir, false);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let err = breaking_point(&report["capacity"], "error_rate");
    assert!(err["users"].is_null(), "{err}");
    assert_eq!(bracket(&err), (80.0, 160.0));
}
