//! `compare` as a release manager reads it on messy run dirs: NO REGRESSION only
//! when the data shows the candidate no worse (a metric +2 % whose interval reaches
//! past the floor is no pass), NOT A PASS saying what would settle it (the run
//! length from the open interval, a stage the candidate lacks), repeats named by
//! what their dirs share (not by the first dir), and the "where" column naming both
//! sides' stages when they differ.
//!
//! Fixtures have the shape `hey -z … -c 8 -o csv` wrote against two
//! `headroom target`s (the default profile, and one 3 % slower): hey's CSV header,
//! four decimals of a second, offsets from the run's start.

use serde_json::Value;

use crate::common::{nearest_rank, Lcg, TestDir};
use crate::messy_runs_bc::{compare, hey_csv};

/// `n` latencies (s) around `median_s`, independent draws (uniform ±40 %, hey's four
/// decimals), from `seed`.
fn steady(n: usize, median_s: f64, seed: u64) -> Vec<f64> {
    let mut r = Lcg(seed);
    (0..n)
        .map(|_| (median_s * (0.6 + 0.8 * r.next_f64()) * 1e4).round() / 1e4)
        .collect()
}

/// `n` latencies whose level drifts through the run (a GC or a noisy neighbour: the
/// first third at `median_s`, the next at 1.6×, the last at 0.8×): few effectively
/// independent samples, so every interval is wide.
fn drifting(n: usize, median_s: f64, seed: u64) -> Vec<f64> {
    let base = steady(n, median_s, seed);
    (base.iter().enumerate())
        .map(|(i, l)| {
            let level = [1.0, 1.6, 0.8][(3 * i / n).min(2)];
            (l * level * 1e4).round() / 1e4
        })
        .collect()
}

/// Each latency × `factor`, to hey's four decimals.
fn scaled(v: &[f64], factor: f64) -> Vec<f64> {
    v.iter().map(|l| (l * factor * 1e4).round() / 1e4).collect()
}

fn metric<'a>(json: &'a Value, name: &str) -> &'a Value {
    (json["comparisons"].as_array().unwrap().iter())
        .find(|c| c["metric"] == name)
        .unwrap_or_else(|| panic!("no {name} in {json:#}"))
}

/// How far `c`'s interval reaches the wrong way (latency up, rate down), as a
/// fraction of its baseline.
fn wrong_way_reach(c: &Value) -> f64 {
    let b = c["baseline"].as_f64().unwrap();
    match c["metric"].as_str().unwrap() {
        "throughput" | "goodput" => -c["ci"][0].as_f64().unwrap_or(f64::NEG_INFINITY) / b,
        _ => c["ci"][1].as_f64().unwrap_or(f64::INFINITY) / b,
    }
}

fn read(dir: &TestDir, file: &str) -> String {
    std::fs::read_to_string(dir.path().join("cmp").join(file)).unwrap()
}

/// Observed: `hey -z 2s -c 8 -o csv` twice against one unchanged target gave p95
/// +2.0 % with an interval reaching +13.8 % (and throughput ±12 %): each metric
/// `inconclusive`, Δ within the 5 % floor, and the headline said NO REGRESSION with
/// nothing shown unchanged the wrong way. Now a metric left open whose interval
/// reaches past its floor the wrong way keeps the pass: INCONCLUSIVE naming it with
/// its reach, NOT A PASS saying how much longer a run would settle it, the same
/// outcome in compare.json and compare.md, exit 0 (no regression shown).
#[test]
fn a_change_within_the_floor_whose_interval_reaches_past_it_is_no_pass() {
    let dir = TestDir::new();
    let base = drifting(600, 0.020, 7);
    // The candidate: the same requests 2 % slower.
    let cand = scaled(&base, 1.02);
    dir.write("runs/base-run1/hey.csv", hey_csv(&base, 300.0));
    dir.write("runs/cand-run1/hey.csv", hey_csv(&cand, 300.0));
    let (code, stdout, stderr, json) = compare(
        &dir,
        "runs/base-run1",
        "runs/cand-run1",
        &["--fail-on-regression"],
    );
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    // The fixture's p50 moved +2 % (nearest rank), within the 5 % floor.
    let p50 = metric(&json, "p50");
    let (b50, c50) = (nearest_rank(&base, 50.0), nearest_rank(&cand, 50.0));
    let moved = c50 / b50 - 1.0;
    assert!((0.0..0.05).contains(&moved), "fixture: p50 {b50} → {c50}");
    let got = p50["delta_pct"].as_f64().unwrap() / 100.0;
    assert!((got - moved).abs() < 0.01, "{p50:#} vs {moved}");
    // Some metric is open by its statistics alone, Δ within its floor, its interval
    // past the floor the wrong way: the case the pass must not rest on.
    let open: Vec<&Value> = (json["comparisons"].as_array().unwrap().iter())
        .filter(|c| {
            let floor = c["floor_pct"].as_f64().unwrap() / 100.0;
            c["verdict"] == "inconclusive"
                && c["reason"].is_null()
                && c["delta_pct"]
                    .as_f64()
                    .is_some_and(|p| p.abs() <= 100.0 * floor)
                && c["ci"] != serde_json::json!([null, null])
                && wrong_way_reach(c) > floor
        })
        .collect();
    assert!(!open.is_empty(), "fixture: nothing open {json:#}");
    assert_eq!(json["outcome"], "inconclusive", "{json:#}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(
        line.starts_with("INCONCLUSIVE: cand-run1 vs base-run1 ("),
        "{line}"
    );
    assert!(line.contains("interval to +"), "{line}");
    assert!(
        line.contains("cannot show the candidate is no worse"),
        "{line}"
    );
    // NOT A PASS says what would settle it, not a fixed "4+ runs".
    // The advice names an open metric with its reach, and how much more data a side
    // (its interval narrows as 1/√n) would bring that within the 5 % floor.
    let advice = json["advice"].as_str().unwrap();
    assert!(advice.contains(" of hey moved "), "{advice}");
    assert!(advice.contains("against a 5% floor"), "{advice}");
    let sized = |t: &str| t.contains("× as long a run a side") || t.contains("× the data a side");
    assert!(sized(advice), "{advice}");
    for text in [stdout.as_str(), &read(&dir, "compare.md")] {
        assert!(text.contains("NOT A PASS"), "{text}");
        assert!(sized(text), "{text}");
        assert!(!text.contains("4+ runs a side (--baseline"), "{text}");
    }
    // compare.md leads with the same headline.
    assert!(read(&dir, "compare.md").contains("INCONCLUSIVE"));
}

/// The same +2 % on a long steady run: every interval within the floor, so the rule
/// takes away no honest pass — NO REGRESSION, and nothing advised.
#[test]
fn a_small_change_shown_within_the_floor_is_still_no_regression() {
    let dir = TestDir::new();
    let base = steady(20_000, 0.020, 11);
    let cand = scaled(&base, 1.02);
    dir.write("rel-1.0/hey.csv", hey_csv(&base, 400.0));
    dir.write("rel-1.1/hey.csv", hey_csv(&cand, 400.0));
    let (code, stdout, stderr, json) = compare(&dir, "rel-1.0", "rel-1.1", &[]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    assert_eq!(json["outcome"], "no_regression", "{json:#}");
    for c in json["comparisons"].as_array().unwrap() {
        if c["verdict"] == "inconclusive" && c["reason"].is_null() {
            let floor = c["floor_pct"].as_f64().unwrap() / 100.0;
            assert!(wrong_way_reach(c) <= floor, "{c:#}");
        }
    }
    assert!(json["advice"].is_null(), "{json:#}");
    assert!(!stdout.contains("NOT A PASS"), "{stdout}");
}

/// Observed: a candidate run whose `02_peak_16users/` stage was not run compared on
/// the baseline stage alone, and NO REGRESSION rested on half the test (the missing
/// stage only listed under "not compared"). Now the candidate lacking a baseline
/// stage is no pass, and NOT A PASS names the stage to run.
#[test]
fn a_baseline_stage_the_candidate_lacks_is_no_pass_and_the_advice_names_it() {
    let dir = TestDir::new();
    let low = steady(20_000, 0.020, 3);
    let peak = steady(20_000, 0.030, 4);
    dir.write("rel-1.0/01_base_8users/hey.csv", hey_csv(&low, 400.0));
    dir.write("rel-1.0/02_peak_16users/hey.csv", hey_csv(&peak, 500.0));
    dir.write("rel-1.1/01_base_8users/hey.csv", hey_csv(&low, 400.0));
    let (code, stdout, stderr, json) = compare(&dir, "rel-1.0", "rel-1.1", &[]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    // The stage both ran is the same data: shown unchanged.
    assert_eq!(metric(&json, "p50")["verdict"], "unchanged", "{json:#}");
    assert_eq!(json["outcome"], "inconclusive", "{json:#}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(
        line.contains("not compared: stage peak (only in rel-1.0)"),
        "{line}"
    );
    let advice = json["advice"].as_str().unwrap();
    assert!(
        advice.contains("the candidate has no stage peak"),
        "{advice}"
    );
    assert!(stdout.contains("NOT A PASS"), "{stdout}");
    assert!(
        stdout.contains("the candidate has no stage peak"),
        "{stdout}"
    );
}

/// Observed: repeats kept side by side in one dir (`runs/base-run1`,
/// `runs/base-2026-12-06T1830`, …, `runs/cand-run1`, …) were labelled by each side's
/// first dir (`cand-2026-12-06T1830 vs base-2026-12-06T1830`), as if one run were
/// each release. Now each side is named by what its dirs share (`cand vs base`), or
/// by all of its dirs when they share nothing; and the "where" column names both
/// sides' stages when they differ.
#[test]
fn repeats_are_named_by_their_dirs_shared_name_and_where_names_both_stages() {
    let dir = TestDir::new();
    let names = ["run1", "run2", "2026-12-06T1830", "2026-12-06T1845"];
    let mut base_paths = Vec::new();
    let mut cand_paths = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let b = steady(3000, 0.020, 100 + i as u64);
        let c = steady(3000, 0.020, 200 + i as u64);
        dir.write(&format!("runs/base-{n}/hey.csv"), hey_csv(&b, 300.0));
        dir.write(&format!("runs/cand-{n}/hey.csv"), hey_csv(&c, 300.0));
        base_paths.push(dir.path().join(format!("runs/base-{n}")));
        cand_paths.push(dir.path().join(format!("runs/cand-{n}")));
    }
    let out = dir.path().join("cmp");
    let mut args = vec!["compare", "--baseline"];
    args.extend(base_paths.iter().map(|p| p.to_str().unwrap()));
    args.push("--candidate");
    args.extend(cand_paths.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--out", out.to_str().unwrap(), "--charts", "none"]);
    let o = crate::common::headroom(&args);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    let json: Value = serde_json::from_str(&read(&dir, "compare.json")).unwrap();
    assert_eq!(json["baseline"]["label"], "base", "{json:#}");
    assert_eq!(json["candidates"][0]["label"], "cand", "{json:#}");
    assert_eq!(json["baseline"]["runs"].as_array().unwrap().len(), 4);
    let line = json["verdict_line"].as_str().unwrap();
    assert!(line.contains(": cand vs base"), "{line}");

    // Runs of one side that share no name are named by all of them.
    let plain = TestDir::new();
    let mut args = vec!["compare".to_string(), "--baseline".into()];
    for (i, n) in names.iter().enumerate() {
        plain.write(
            &format!("{n}/hey.csv"),
            hey_csv(&steady(3000, 0.02, i as u64), 300.0),
        );
        args.push(plain.path().join(n).to_str().unwrap().into());
    }
    args.push("--candidate".into());
    for i in 0..4 {
        let n = format!("cand-{i}");
        plain.write(
            &format!("{n}/hey.csv"),
            hey_csv(&steady(3000, 0.02, 9 + i), 300.0),
        );
        args.push(plain.path().join(n).to_str().unwrap().into());
    }
    let out = plain.path().join("cmp");
    args.extend(["--out".into(), out.to_str().unwrap().into()]);
    args.extend(["--charts".into(), "none".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = crate::common::headroom(&args);
    assert_eq!(o.status.code(), Some(0));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(
        json["baseline"]["label"], "run1 + run2 + 2026-12-06T1830 + 2026-12-06T1845",
        "{json:#}"
    );
    assert_eq!(json["candidates"][0]["label"], "cand", "{json:#}");
}

/// Observed: a diff of two dirs each holding one stage under its own name
/// (`base-run1/` against `cand2-run1/`, paired as each run's only stage) showed
/// `base-run1 / hey` in the table and the headline, as if the candidate had run it.
/// Now a pair under two names reads `base-run1 vs cand-run1 / hey` in both.
#[test]
fn the_where_column_names_both_stages_when_they_differ() {
    let dir = TestDir::new();
    dir.write(
        "x/base-run1/hey.csv",
        hey_csv(&drifting(600, 0.02, 5), 300.0),
    );
    dir.write(
        "y/cand-run1/hey.csv",
        hey_csv(&drifting(600, 0.03, 6), 300.0),
    );
    let (code, stdout, stderr, json) = compare(&dir, "x/base-run1", "y/cand-run1", &[]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let pair = &json["stage_pairs"][0];
    let (b, c) = (
        pair["baseline_stage"].as_str().unwrap(),
        pair["candidate_stage"].as_str().unwrap(),
    );
    assert_ne!(b, c, "fixture: stages named alike {json:#}");
    let both = format!("{b} vs {c} / ");
    assert!(stdout.contains(&both), "{both} in {stdout}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(!line.contains(&format!(": {b} / ")), "{line}");
}
