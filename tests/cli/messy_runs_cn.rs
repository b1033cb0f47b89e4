//! Messy runs, batch "cn" (lead's user check): siege's console in `Phase 1 – warm/`,
//! hey's in `Phase 2 – peak/`, as a team names its phases with a typographic dash.

use super::common::{analyze_json, headroom, TestDir};
use super::messy_runs::hey_text;
use super::messy_runs_az::siege_json;
use super::messy_runs_bl::ab_text;

/// siege gives its shortest and longest transaction, no percentile: the run's overall
/// percentiles mixing its requests with hey's are unknown (they could lie anywhere in
/// 0–90 ms), not a shape spread evenly between them. The dash names no stage.
#[test]
fn a_tool_without_percentiles_leaves_the_overall_percentiles_unknown() {
    let dir = TestDir::new();
    dir.write("run/Phase 1 – warm/siege.log", siege_json(1000, 0, 10.0));
    dir.write("run/Phase 2 — peak/hey.txt", hey_text(4000, 0));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let names: Vec<&str> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["warm", "peak"], "{report}");
    let overall = &report["overall"];
    assert_eq!(overall["requests"], 5000, "{overall}");
    // 1,000 of 5,000 (20 %) anywhere up to siege's 90 ms longest: hey's own p95 (16.9
    // ms) could be the mixture's p(95 − 20)/80-ish or lie past every hey value.
    for p in ["p50", "p95", "p99"] {
        assert!(overall["latency_ms"][p].is_null(), "{p}: {overall}");
    }
    assert_eq!(overall["latency_ms"]["max"], 90.0, "{overall}");
    // hey's stage keeps its own printed figures.
    assert_eq!(report["stages"][1]["latency_ms"]["p95"], 16.9, "{report}");
}

/// An SLA names its stages by the `-c` flag's value (`[stage.c4]`), the dir by its
/// users (`users-4/`): the same load, so the rule judges that stage (a `c4` dir names
/// a stage at 4 users too). ab's p95 of latencies 1…100 ms is the 95th: 95 ms.
#[test]
fn an_sla_stage_named_by_the_c_flag_judges_the_stage_at_those_users() {
    let dir = TestDir::new();
    let ms: Vec<u64> = (1..=100).collect();
    dir.write("run/users-4/ab.txt", ab_text(&ms, 0, 1.0));
    let sla = dir.write("sla.toml", "[stage.c4]\nrules = [\"p(95) < 90ms\"]\n");
    let run = dir.path().join("run");
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("95 ms") && out.contains("FAIL"), "{out}");
}

/// Two ab runs with the same printed percentiles, 2,000 requests over 1.4 s each: a
/// summary's interval of Δ is wide (few independent requests a second), but no
/// latency falls below 0, so its lower end is at most the baseline's value below it
/// (a p99 of 60 ms read `[-338 %, +338 %]`).
#[test]
fn a_summarys_interval_never_reaches_below_a_latency_of_zero() {
    let dir = TestDir::new();
    let ms: Vec<u64> = (0..2000).map(|i| 10 + (i * 37) % 50).collect();
    for side in ["base", "cand"] {
        dir.write(&format!("{side}/users-4/ab.txt"), ab_text(&ms, 0, 1.4));
    }
    let out = dir.path().join("cmp");
    let (b, c) = (dir.path().join("base"), dir.path().join("cand"));
    let o = headroom(&[
        "compare",
        b.to_str().unwrap(),
        c.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = json["comparisons"].as_array().unwrap();
    let mut seen = 0;
    for r in rows.iter().filter(|r| r["unit"] == "ms") {
        let (base, low) = (r["baseline"].as_f64().unwrap(), &r["ci"][0]);
        if let Some(low) = low.as_f64() {
            assert!(low >= -base - 1e-9, "{r}");
            seen += 1;
        }
    }
    assert!(seen > 0, "{json}");
}

/// autocannon stopped before it printed anything but its banner (a Ctrl-C under
/// `timeout`), with blank lines after: the error quotes the last line with text on it,
/// at its number, not an empty one.
#[test]
fn a_cut_short_console_is_quoted_at_its_last_line_with_text() {
    let dir = TestDir::new();
    dir.write(
        "run/ac.log",
        "Running 10s test @ http://127.0.0.1:1/api\n10 connections\n\n\n\n",
    );
    let run = dir.path().join("run");
    let out = dir.path().join("rep");
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("ac.log:2: cut short") && stderr.contains("(`10 connections`)"),
        "{stderr}"
    );
}
