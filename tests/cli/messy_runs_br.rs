//! Messy runs, batch "br" (lead): `compare` of a release whose ab `-g` file was kept
//! without ab's console. The `-g` file records no outcome (a 429 reads as an answer),
//! so that side's error rate is at least, and its goodput at most, what it shows, and
//! its latencies hold its failed requests' (report.json's per-stage
//! `failures_unseen`). Against `headroom target` with a rate limit, a candidate whose
//! 429s came back in 0 ms read as twice as fast, its error rate `unchanged`.

use super::common::{analyze_json, TestDir};
use super::messy_runs_bl::{ab_text, ab_tsv, compare, metric};

/// `REL/load/ab.tsv` of the requests `ms` (200 started a second), and with `failed`
/// given, ab's console beside it counting that many non-2xx.
fn release(dir: &TestDir, rel: &str, ms: &[u64], failed: Option<u64>, epoch: u64) {
    dir.write(&format!("{rel}/load/ab.tsv"), ab_tsv(ms, 200, epoch));
    if let Some(f) = failed {
        dir.write(&format!("{rel}/load/ab.txt"), ab_text(ms, f, 3.0));
    }
}

/// 600 requests of 19–21 ms.
fn steady() -> Vec<u64> {
    (0..600).map(|i| 19 + i % 3).collect()
}

/// The reason compare.json gives `name`.
fn reason(cmp: &serde_json::Value, name: &str) -> String {
    metric(cmp, name)["reason"].as_str().unwrap_or("").to_string()
}

/// The candidate kept only `ab.tsv`: three quarters of its requests are 0 ms (429s
/// from the rate limit; no status in the file), the rest as the baseline's. Its p50
/// 0 ms is no faster service, its p95 no sign of an unchanged one and its 0 % error
/// rate no sign of none: all are `inconclusive` (failures unseen), and the outcome is
/// no pass. The baseline kept ab's console, so
/// its stage sees every failure (report.json's `failures_unseen` null; the
/// candidate's `outcomes`).
#[test]
fn a_candidate_whose_g_file_hides_its_429s_reads_neither_faster_nor_unchanged() {
    let dir = TestDir::new();
    let cand: Vec<u64> = (steady().into_iter().enumerate())
        .map(|(i, ms)| if i % 4 == 0 { ms } else { 0 })
        .collect();
    release(&dir, "1.4.0", &steady(), Some(0), 1_796_560_100);
    release(&dir, "1.5.0", &cand, None, 1_796_560_200);
    let (_, base, _) = analyze_json(&[&dir.path().join("1.4.0")], &[]);
    let (_, blind, _) = analyze_json(&[&dir.path().join("1.5.0")], &[]);
    assert_eq!(base["stages"][0]["failures_unseen"], serde_json::Value::Null);
    assert_eq!(blind["stages"][0]["failures_unseen"], "outcomes");
    let (code, cmp) = compare(&dir, "1.4.0", "1.5.0");
    for m in ["p50", "p95", "mean", "error_rate"] {
        assert_eq!(metric(&cmp, m)["verdict"], "inconclusive", "{m}: {cmp}");
        let why = reason(&cmp, m);
        assert!(
            why.starts_with("failures unseen: the candidate's data records no outcome"),
            "{m}: {why}"
        );
    }
    let outcome = cmp["outcome"].as_str().unwrap();
    assert!(!["improved", "no_regression"].contains(&outcome), "{outcome}");
    assert_eq!(code, 0, "nothing regressed is shown");
    assert!(cmp["notes"].to_string().contains("keep the tool's console"));
}

/// A blind candidate that got slower shows it: whatever failed, its users waited
/// twice as long (every request 40 ms against 19–21 ms): p50 `regressed`, exit 1.
#[test]
fn a_blind_candidate_that_is_slower_is_still_a_regression() {
    let dir = TestDir::new();
    release(&dir, "1.4.0", &steady(), Some(0), 1_796_560_100);
    release(&dir, "1.5.0", &[40; 600], None, 1_796_560_200);
    let (code, cmp) = compare(&dir, "1.4.0", "1.5.0");
    assert_eq!(metric(&cmp, "p50")["verdict"], "regressed", "{cmp}");
    assert_eq!(cmp["outcome"], "regressed");
    assert_eq!(code, 1);
}

/// The baseline kept only `ab.tsv` (its 0 % error rate a lower bound); the candidate
/// kept its console, which counts 450 of 600 non-2xx. 0 → 75 % is worse than the
/// baseline shows but not shown against what its file left out: `inconclusive` with
/// the baseline named, the outcome `possibly_worse`, and `--fail-on-regression` exits
/// 0 (it fails only on a shown regression).
#[test]
fn a_blind_baseline_makes_a_rise_in_errors_possibly_worse_not_shown() {
    let dir = TestDir::new();
    let cand: Vec<u64> = (0..600).map(|i| if i % 4 == 0 { 30 } else { 0 }).collect();
    release(&dir, "1.4.0", &steady(), None, 1_796_560_100);
    release(&dir, "1.5.0", &cand, Some(450), 1_796_560_200);
    let (code, cmp) = compare(&dir, "1.4.0", "1.5.0");
    let er = metric(&cmp, "error_rate");
    assert_eq!(er["candidate"], 450.0 / 600.0, "{er}");
    assert_eq!(er["verdict"], "inconclusive", "{er}");
    assert!(reason(&cmp, "error_rate").starts_with("failures unseen: the baseline's"));
    assert_eq!(cmp["outcome"], "possibly_worse");
    assert_eq!(code, 0);
}
