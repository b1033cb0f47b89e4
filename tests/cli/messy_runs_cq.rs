//! `compare` across releases on messy run dirs, part 5: a report.json candidate that
//! breaks the `--sla` rules is no pass (BREAKS THE SLA, saying what the comparison
//! alone found), and is named after its run dir, not its one stage dir; an SLA stage that no repeat has is warned once, naming the runs;
//! a stage one of whose repeats another load tool measured (three `wrk` consoles and
//! a `siege` one) decides nothing, as two releases measured by two tools.
//!
//! Fixtures have the shape of what `wrk -t1 -c4 -d2s --latency URL > RUN/peak/wrk.txt`
//! and `siege -c4 -t2S -b URL > RUN/peak/siege.txt 2>&1` wrote against two `headroom
//! target`s, and of the generic per-request CSV (`drive --raw`'s).

use serde_json::Value;

use crate::common::{headroom, TestDir};
use crate::messy_runs_bc::compare_with;
use crate::messy_runs_cj::{generic_csv, spread_quantile};
use crate::messy_runs_d::wrk_text;

/// Two releases measured alike (20,000 answers each, p95 40.1 ms) in
/// `rel-1.4.0/steady_8users/` and `rel-1.5.0/steady_8users/`, and an SLA file whose
/// `p(95) < 30ms` both break.
fn alike(dir: &TestDir) -> (String, String, String) {
    let csv = generic_csv(20_000, 0.034);
    dir.write("rel-1.4.0/steady_8users/requests.csv", &csv);
    dir.write("rel-1.5.0/steady_8users/requests.csv", &csv);
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 30ms\", \"error_rate < 1%\"]\n",
    );
    let p = |v: &str| dir.path().join(v).display().to_string();
    (p("rel-1.4.0"), p("rel-1.5.0"), sla.display().to_string())
}

/// Observed: `headroom analyze cand` then `compare base cand/report/report.json --sla
/// sla.toml --fail-on-regression` read "NO REGRESSION: peak vs base …; SLA: `peak` not
/// judged (…)" and exited 0, while the same candidate given as its run dir breaks
/// `p(95) < 30ms` (BREAKS THE SLA, exit 1): a release manager read a pass where the
/// SLA was never checked. Now the report.json is judged on the rules as its run dir is
/// (its exact histogram: `messy_runs_db`), so it breaks them alike (BREAKS THE SLA,
/// exit 1, "against the baseline alone: NO REGRESSION"). The candidate is named after
/// its run dir (`rel-1.5.0`), not after the stage dir holding its one input.
#[test]
fn a_report_json_candidate_breaking_the_sla_is_no_pass() {
    let dir = TestDir::new();
    let (base, cand, sla) = alike(&dir);
    let p95 = spread_quantile(20_000, 0.034, 0.95);
    assert!(p95 > 30.0, "{p95}");
    let o = headroom(&["analyze", &cand, "--charts", "none"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report = dir.path().join("rel-1.5.0/report/report.json");
    let report = report.display().to_string();

    // Without the SLA the comparison alone passes: the two runs are one data set.
    let (code, _, stderr, json) = compare_with(&dir, &[&base, &report]);
    assert_eq!(
        (code, &json["outcome"]),
        (0, &Value::from("no_regression")),
        "{stderr}"
    );

    for run in [&report, &cand] {
        let (code, stdout, stderr, json) =
            compare_with(&dir, &[&base, run, "--sla", &sla, "--fail-on-regression"]);
        assert_eq!(
            (code, &json["outcome"]),
            (1, &Value::from("breaks_sla")),
            "{stderr}\n{stdout}"
        );
        assert_eq!(json["sla"][0]["verdict"], "NO-GO", "{json:#}");
        assert_eq!(json["sla"][0]["label"], "rel-1.5.0", "{json:#}");
        let line = json["verdict_line"].as_str().unwrap();
        assert!(
            line.starts_with("BREAKS THE SLA: rel-1.5.0 vs rel-1.4.0"),
            "{line}"
        );
        assert!(
            line.contains("against the baseline alone: NO REGRESSION"),
            "{line}"
        );
        assert!(stdout.starts_with("BREAKS THE SLA"), "{stdout}");
    }
}

/// Observed: `compare --baseline base-run1…4 --candidate cand-run1…4 --sla sla.toml`
/// with a `[stage.soak]` section no run has printed `warning: sla.toml: line 4:
/// [stage.soak] names no stage in the data …` once per candidate run: four identical
/// lines (ten for ten repeats). Now it is said once, naming the runs.
#[test]
fn a_stage_the_sla_names_that_no_repeat_has_is_warned_once_naming_the_runs() {
    let dir = TestDir::new();
    let csv = generic_csv(2_000, 0.020);
    let runs: Vec<(String, String)> = (1..=4)
        .map(|i| {
            let b = format!("runs/base-run{i}");
            let c = format!("runs/cand-run{i}");
            dir.write(&format!("{b}/steady_8users/requests.csv"), &csv);
            dir.write(&format!("{c}/steady_8users/requests.csv"), &csv);
            let p = |v: &str| dir.path().join(v).display().to_string();
            (p(&b), p(&c))
        })
        .collect();
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 50ms\"]\n\n[stage.soak]\nrules = [\"p(95) < 40ms\"]\n",
    );
    let sla = sla.display().to_string();
    let mut args = vec!["--baseline"];
    args.extend(runs.iter().map(|r| r.0.as_str()));
    args.push("--candidate");
    args.extend(runs.iter().map(|r| r.1.as_str()));
    args.extend(["--sla", &sla]);
    let (code, _, stderr, json) = compare_with(&dir, &args);
    assert_eq!(code, 0, "{stderr}");
    let warned: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("[stage.soak]"))
        .collect();
    assert_eq!(warned.len(), 1, "{stderr}");
    assert!(warned[0].starts_with("warning: "), "{stderr}");
    assert!(
        warned[0].contains("its rules are not run (in 4 runs: "),
        "{stderr}"
    );
    for (_, cand) in &runs {
        assert!(warned[0].contains(cand.as_str()), "{cand}: {stderr}");
    }
    // Every candidate run is still judged: its p95 (23.6 ms) passes `p(95) < 50ms`,
    // but the stage rules judged nothing, so no GO (as `check` says).
    let p95 = spread_quantile(2_000, 0.020, 0.95);
    assert!(p95 < 50.0, "{p95}");
    let judged = json["sla"].as_array().unwrap();
    assert_eq!(judged.len(), 4, "{json:#}");
    assert!(
        judged.iter().all(|j| j["verdict"] == "CONDITIONAL"),
        "{json:#}"
    );
}

/// siege's console (`siege -c4 -t2S -b URL > siege.txt 2>&1`, its JSON summary) of
/// `n` transactions in 10 s at 4 users, each taking `response_s`.
pub(crate) fn siege_text(n: u64, response_s: f64) -> String {
    format!(
        "\n{{\t\"transactions\":\t\t\t{n:>10},\n\t\"availability\":\t\t\t    100.00,\n\
         \t\"elapsed_time\":\t\t\t     10.00,\n\t\"data_transferred\":\t\t      0.17,\n\
         \t\"response_time\":\t\t{response_s:>10.2},\n\t\"transaction_rate\":\t\t{:>10.2},\n\
         \t\"throughput\":\t\t\t      0.02,\n\t\"concurrency\":\t\t\t      3.92,\n\
         \t\"successful_transactions\":\t{n:>10},\n\t\"failed_transactions\":\t\t         0,\n\
         \t\"longest_transaction\":\t\t      0.05,\n\t\"shortest_transaction\":\t\t      0.00\n}}\n",
        n as f64 / 10.0
    )
}

/// Observed: four `wrk` repeats of the baseline against three `wrk` and one `siege`
/// repeat of the candidate (`rc/cand-r4/peak/siege.txt`): the stage was paired as
/// `wrk` against `wrk` and decided on values that mix siege's (response time to 10 ms,
/// its own count of transactions) with wrk's, with no word of the other tool. Now a
/// stage where any repeat was measured by another tool than the first baseline run's
/// decides nothing (`reason` `other tool: …`) and a note names the run and both tools.
#[test]
fn a_repeat_measured_by_another_tool_decides_nothing() {
    let dir = TestDir::new();
    let wrk = wrk_text(4, 4_000, 2.75);
    let mut args = vec!["--baseline".to_string()];
    let p = |v: String| dir.path().join(v).display().to_string();
    for i in 1..=4 {
        dir.write(&format!("rb/base-r{i}/peak/wrk.txt"), &wrk);
        args.push(p(format!("rb/base-r{i}")));
    }
    args.push("--candidate".into());
    for i in 1..=3 {
        dir.write(&format!("rc/cand-r{i}/peak/wrk.txt"), &wrk);
        args.push(p(format!("rc/cand-r{i}")));
    }
    dir.write("rc/cand-r4/peak/siege.txt", siege_text(4_000, 0.01));
    args.push(p("rc/cand-r4".into()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr, json) = compare_with(&dir, &args);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let outcome = json["outcome"].as_str().unwrap();
    assert!(
        outcome == "inconclusive" || outcome == "possibly_worse",
        "{json:#}"
    );
    let comparisons = json["comparisons"].as_array().unwrap();
    assert!(!comparisons.is_empty(), "{json:#}");
    for c in comparisons {
        assert_eq!(c["verdict"], "inconclusive", "{c:#}");
        let reason = c["reason"].as_str().unwrap_or("");
        assert!(
            reason.starts_with("other tool") || reason.starts_with("too few samples"),
            "{c:#}"
        );
    }
    let notes: Vec<&str> = (json["notes"].as_array().unwrap().iter())
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes.iter().any(|n| n
            .contains("run `cand-r4` was measured by `siege`, the first baseline run by `wrk`")),
        "{notes:#?}"
    );
    // The advice is to measure alike, not more of the same data.
    let advice = json["advice"].as_str().unwrap();
    assert!(advice.contains("tool"), "{advice}");
    assert!(!advice.contains("runs a side would settle"), "{advice}");
}
