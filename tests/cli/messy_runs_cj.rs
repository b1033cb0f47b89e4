//! `compare` across releases on messy run dirs, part 4: `compare --sla` judges the
//! candidate on the SLA's rules as `check` does (a candidate no slower than its
//! baseline that breaks `p(95) < 30ms` is BREAKS THE SLA, no pass, exit 1 with
//! `--fail-on-regression`); a repeat that failed in part (half its requests) among
//! ten clean ones is no longer outvoted by the ranks; a stage only some repeats have
//! is listed as only in those runs, not in the side's label.
//!
//! Fixtures have the shape `hey -z 10s -c 4 URL > RUN/console.txt` wrote against two
//! `headroom target`s, and of the generic per-request CSV (`drive --raw`'s).

use serde_json::Value;

use crate::common::{headroom, TestDir};
use crate::compare::analyze_to;
use crate::messy_runs_bc::compare_with;
use crate::messy_runs_ch::{hey_text, repeats};

/// `n` latencies (s) spread evenly over ±20 % of `median_s`, to hey's four decimals:
/// latency j is `median_s · (0.8 + 0.4·j/n)`.
fn spread(n: usize, median_s: f64) -> Vec<f64> {
    (0..n)
        .map(|j| (median_s * (0.8 + 0.4 * j as f64 / n as f64) * 1e4).round() / 1e4)
        .collect()
}

/// The p-quantile of [`spread`] in ms: the ⌈p·n⌉-th smallest latency.
pub(crate) fn spread_quantile(n: usize, median_s: f64, p: f64) -> f64 {
    let rank = (p * n as f64).ceil() as usize;
    spread(n, median_s)[rank - 1] * 1000.0
}

/// The first number in `text` (`40.1` of `40.1 ms`).
fn number(text: &str) -> f64 {
    let start = text.find(|c: char| c.is_ascii_digit()).unwrap();
    let tail = &text[start..];
    let end = tail
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(tail.len());
    tail[..end].parse().unwrap()
}

/// The generic per-request CSV (`drive --raw`'s columns) of [`spread`]`(n,
/// median_s)` in a scrambled order (latency `k·7919 mod n` at row k: no drift in
/// time), one request every 4 ms, every one a 200.
pub(crate) fn generic_csv(n: usize, median_s: f64) -> String {
    let lat = spread(n, median_s);
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms,status\n");
    for k in 0..n {
        let ms = lat[k * 7919 % n] * 1000.0;
        csv.push_str(&format!(
            "{},/api/v1/agents,{ms:.1},200\n",
            1_765_000_000_000 + 4 * k
        ));
    }
    csv
}

/// Two releases measured alike (20,000 answers each, p95 above 30 ms) and an SLA
/// file with `rule`.
fn alike(dir: &TestDir, rule: &str) -> (String, String, String) {
    let csv = generic_csv(20_000, 0.034);
    dir.write("rel-1.4.0/steady_8users/requests.csv", &csv);
    dir.write("rel-1.5.0/steady_8users/requests.csv", &csv);
    let sla = dir.write(
        "sla.toml",
        format!(
            "[global]\nrules = [\"{rule}\", \"error_rate < 1%\"]\n\n[compare]\ndefault = \"5%\"\n"
        ),
    );
    let p = |v: &str| dir.path().join(v).display().to_string();
    (p("rel-1.4.0"), p("rel-1.5.0"), sla.display().to_string())
}

/// Observed: `compare --sla sla.toml` read only the file's `[compare]` floors; a
/// candidate whose p95 (40.1 ms, as its baseline's) breaks `p(95) < 30ms` read NO
/// REGRESSION with no word of the SLA, and `--fail-on-regression` exited 0, while
/// `check` on the same run says NO-GO and exits 1. Now the candidate is judged as
/// `check` judges it: BREAKS THE SLA (outcome `breaks_sla`, no pass), the rule and
/// value named in the headline, compare.md and `sla[]`, and the gate exits 1.
#[test]
fn a_candidate_no_worse_than_its_baseline_that_breaks_the_sla_is_no_pass() {
    let dir = TestDir::new();
    let (base, cand, sla) = alike(&dir, "p(95) < 30ms");
    let p95 = spread_quantile(20_000, 0.034, 0.95);
    assert!((p95 - 40.1).abs() < 0.05, "{p95}");
    let (code, stdout, stderr, json) =
        compare_with(&dir, &[&base, &cand, "--sla", &sla, "--fail-on-regression"]);
    assert_eq!(code, 1, "{stderr}\n{stdout}");
    assert_eq!(json["outcome"], "breaks_sla", "{json:#}");
    assert_eq!(json["counts"]["regressed"], 0, "{json:#}");
    let judged = json["sla"].as_array().unwrap();
    assert_eq!(judged.len(), 1, "{json:#}");
    assert_eq!(judged[0]["label"], "rel-1.5.0");
    assert_eq!(judged[0]["verdict"], "NO-GO", "{json:#}");
    let broken = judged[0]["failed"].as_array().unwrap();
    assert_eq!(broken.len(), 1, "{json:#}");
    assert_eq!(broken[0]["rule"], "p(95) < 30ms");
    assert_eq!(broken[0]["stage"], "steady");
    let value = number(broken[0]["value"].as_str().unwrap());
    assert!((value - p95).abs() <= 0.1, "{value} vs {p95}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(
        line.starts_with("BREAKS THE SLA: rel-1.5.0 vs rel-1.4.0"),
        "{line}"
    );
    assert!(line.contains("`p(95) < 30ms` on `steady`"), "{line}");
    assert!(
        line.contains("against the baseline alone: NO REGRESSION"),
        "{line}"
    );
    assert!(stdout.starts_with("BREAKS THE SLA"), "{stdout}");
    let md = std::fs::read_to_string(dir.path().join("cmp/compare.md")).unwrap();
    assert!(md.contains("BREAKS THE SLA") && md.contains("30ms"), "{md}");
    // `check` on the candidate says the same.
    let o = headroom(&["check", &cand, "--sla", &sla, "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let check: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(check["verdict"], "NO-GO", "{check:#}");
    // Without the flag the comparison exits 0, as a regression would.
    let (code, _, stderr, json) = compare_with(&dir, &[&base, &cand, "--sla", &sla]);
    assert_eq!(
        (code, &json["outcome"]),
        (0, &Value::from("breaks_sla")),
        "{stderr}"
    );
}

/// The same candidate within a looser SLA: NO REGRESSION, and the headline says the
/// SLA holds (GO); a file with only `[compare]` floors judges nothing. A report.json
/// candidate is judged on the figures it keeps, and says so.
#[test]
fn an_sla_the_candidate_meets_is_said_and_a_report_json_is_judged_too() {
    let dir = TestDir::new();
    let (base, cand, sla) = alike(&dir, "p(95) < 50ms");
    let (code, stdout, stderr, json) =
        compare_with(&dir, &[&base, &cand, "--sla", &sla, "--fail-on-regression"]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    assert_eq!(json["outcome"], "no_regression", "{json:#}");
    assert_eq!(json["sla"][0]["verdict"], "GO", "{json:#}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(line.contains("SLA: `rel-1.5.0` GO"), "{line}");
    // Floors only.
    let floors = dir.write("floors.toml", "[compare]\np95 = \"3%\"\n");
    let floors = floors.display().to_string();
    let (code, _, stderr, json) = compare_with(&dir, &[&base, &cand, "--sla", &floors]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["sla"], serde_json::json!([]), "{json:#}");
    assert!(
        !json["verdict_line"].as_str().unwrap().contains("SLA"),
        "{json:#}"
    );
    // A report.json candidate.
    let report = analyze_to(&dir, std::path::Path::new(&cand), "rep");
    let report = report.display().to_string();
    let (code, _, stderr, json) = compare_with(&dir, &[&base, &report, "--sla", &sla]);
    assert_eq!(code, 0, "{stderr}");
    // Judged on the exact histogram it keeps, as its run dir (`messy_runs_db`).
    assert_eq!(json["sla"][0]["verdict"], "GO", "{json:#}");
    let headline = json["sla"][0]["headline"].as_str().unwrap();
    assert!(
        headline.contains("judged on the report.json's figures"),
        "{headline}"
    );
}

/// Observed: ten `hey` runs a side, the candidate's fourth answering half its 2,000
/// requests with 503 (its worker pool wedged half way). Only runs where *every*
/// request failed were caught: the rank interval of the error rate's Δ (90 of 100
/// differences 0) stayed [0, 0], "unchanged", and the headline read NO REGRESSION
/// over a run at 50 % errors. Now a run whose error rate's interval lies above its
/// side's typical run and every run of the other side is a failed run: the interval
/// reaches its 50 %, the stage is held from a pass, the run is named with its counts
/// and the advice says to find why. One stray failure in 2,000 is no such run.
#[test]
fn a_repeat_that_failed_in_part_among_ten_clean_ones_is_not_outvoted() {
    let dir = TestDir::new();
    let ok = hey_text("  [200]\t2000 responses");
    for i in 1..=10 {
        dir.write(&format!("runs/base-run{i}/console.txt"), &ok);
        let cand = match i {
            4 => hey_text("  [200]\t1000 responses\n  [503]\t1000 responses"),
            _ => ok.clone(),
        };
        dir.write(&format!("runs/cand-run{i}/console.txt"), &cand);
    }
    let (code, stdout, stderr, json) = repeats(&dir, 10, &["--fail-on-regression"]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let all = json["comparisons"].as_array().unwrap();
    let er = (all.iter())
        .find(|c| c["metric"] == "error_rate")
        .unwrap_or_else(|| panic!("no error rate {json:#}"));
    // 0 % in every run but one at 1,000 of 2,000: Δ reaches 0.5 − 0.
    assert_eq!(er["ci"][1].as_f64(), Some(0.5), "{er:#}");
    for c in all {
        assert_ne!(c["verdict"], "unchanged", "{c:#}");
        assert!(c["reason"].as_str().unwrap().contains("cand-run4"), "{c:#}");
    }
    assert!(
        !matches!(json["outcome"].as_str(), Some("no_regression" | "improved")),
        "{json:#}"
    );
    let failed = json["failed_runs"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{json:#}");
    assert_eq!(failed[0]["side"], "candidate");
    assert_eq!(
        (&failed[0]["requests"], &failed[0]["failures"]),
        (&2000.into(), &1000.into())
    );
    let line = json["verdict_line"].as_str().unwrap();
    assert!(
        line.contains("`cand-run4` failed 1,000 of its 2,000 requests (50.0 %)"),
        "{line}"
    );
    assert!(
        json["advice"].as_str().unwrap().contains("cand-run4"),
        "{json:#}"
    );
    assert!(stdout.contains("NOT A PASS"), "{stdout}");
    // One stray 503 in 2,000 (0.05 %, its interval reaching down to 0.009 %) is
    // within what a clean run's interval (0 of 2,000: up to 0.19 %) leaves open.
    let dir = TestDir::new();
    for i in 1..=10 {
        dir.write(&format!("runs/base-run{i}/console.txt"), &ok);
        let cand = match i {
            4 => hey_text("  [200]\t1999 responses\n  [503]\t1 responses"),
            _ => ok.clone(),
        };
        dir.write(&format!("runs/cand-run{i}/console.txt"), &cand);
    }
    let (_, _, stderr, json) = repeats(&dir, 10, &[]);
    assert!(
        json["failed_runs"].as_array().unwrap().is_empty(),
        "{stderr}{json:#}"
    );
    assert_eq!(json["outcome"], "no_regression", "{json:#}");
}

/// Observed: four runs a side, the candidate's first and third also keeping a
/// `00-warmup/` stage dir that no baseline run has: "not compared: stage warmup (only
/// in cand-run)" — the side's name, from the start its runs' names share, which
/// reads as a run dir and hides that two runs lack it; and each run its audit
/// rejected was named "cand-run's data is inconsistent", four times. Now both name
/// the runs.
#[test]
fn a_stage_only_some_repeats_have_is_listed_as_only_in_those_runs() {
    let dir = TestDir::new();
    let ok = hey_text("  [200]\t2000 responses");
    // Other runs' figures (10.2461 s, …), so no stage is a copy of another.
    let other = |total: &str, rate: &str| ok.replace("10.2450", total).replace("195.2172", rate);
    let (cool, warm, extra) = (
        other("10.2461", "195.1962"),
        other("10.2471", "195.1771"),
        other("10.2481", "195.1581"),
    );
    for side in ["base", "cand"] {
        for i in 1..=4 {
            dir.write(&format!("runs/{side}-run{i}/c4/console.txt"), &ok);
            dir.write(
                &format!("runs/{side}-run{i}/zz-cooldown/console.txt"),
                &cool,
            );
        }
    }
    for i in [1, 3] {
        dir.write(&format!("runs/cand-run{i}/00-warmup/console.txt"), &warm);
    }
    // Every candidate run has `extra`: the side's name is right for it.
    for i in 1..=4 {
        dir.write(&format!("runs/cand-run{i}/zz-extra/console.txt"), &extra);
    }
    let (code, stdout, stderr, json) = repeats(&dir, 4, &[]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let only = |stage: &str| {
        (json["unmatched"].as_array().unwrap().iter())
            .find(|u| u["name"] == stage)
            .unwrap_or_else(|| panic!("no {stage}: {json:#}"))["only_in"]
            .clone()
    };
    assert_eq!(only("warmup"), "cand-run1, cand-run3", "{json:#}");
    assert_eq!(only("zz-extra"), "cand-run", "{json:#}");
    assert!(
        stdout.contains("stage warmup (only in cand-run1, cand-run3)"),
        "{stdout}"
    );
    // Each run's text summary claims the whole 10.245 s, so stacked as stages they
    // hold more requests than its totals allow: the audit rejects each run, and the
    // headline names each by its own dir, not four times the side's name.
    let line = json["verdict_line"].as_str().unwrap();
    for i in 1..=4 {
        assert!(
            line.contains(&format!("cand-run{i}'s data is inconsistent")),
            "{line}"
        );
    }
    assert!(!line.contains("cand-run's data"), "{line}");
}
