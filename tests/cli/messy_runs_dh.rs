//! Messy runs, batch "dh" (lead's user check): hey `-o csv` step dirs (`users-010/`,
//! `users-040/`), one CSV saved with its command echoed above the header.

use crate::common::{analyze_json, headroom, TestDir};
use crate::messy_runs_ai::wrk_text;
use crate::messy_runs_bc::hey_csv;

/// Observed: `{ echo "$ hey -z 6s -c 10 -o csv URL"; hey …; } > users-010/hey.csv` was
/// skipped as "not a recognised load-test result", though every line after the first
/// is hey's CSV. It was then refused with the line named; since qa111 it is read: the
/// line above the header is named in the source's notes, its 50 rows are the stage's
/// requests, and the echoed `-c 10` gives the stage's users.
#[test]
fn a_command_echoed_above_a_csv_header_is_read_and_named() {
    let dir = TestDir::new();
    let csv = hey_csv(&[0.02; 50], 100.0);
    let command = "$ hey -z 6s -c 10 -o csv http://127.0.0.1:8000/api/v1/agents/7";
    dir.write("run/users-010/hey.csv", format!("{command}\n{csv}"));
    dir.write("run/users-040/hey.csv", &csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let skipped = report["skipped"].as_array().unwrap();
    assert!(skipped.is_empty(), "{skipped:#?}");
    assert_eq!(report["overall"]["requests"], 100, "{report:#}");
    let stages = report["stages"].as_array().unwrap();
    let first = (stages.iter())
        .find(|s| s["users"] == 10)
        .unwrap_or_else(|| panic!("no stage at 10 users: {stages:#?}"));
    assert_eq!(first["requests"], 50, "{first:#}");
    let notes = serde_json::to_string(&report["sources"]).unwrap();
    assert!(notes.contains("line 1"), "{notes}");
}

/// Observed: three hey `-o csv` step dirs read fine, but report.md's provenance said
/// "Started 1970-01-01T00:00:00.008Z" and "Ended 1970-01-01T00:00:06.102Z": hey
/// times each request from its test's start (the source's note says so), so these are
/// offsets, not dates. The run's start and end are now unknown (`—`, `null`), and a
/// stage's window is shown as times without a date.
#[test]
fn offsets_from_a_tests_own_start_are_not_shown_as_the_runs_dates() {
    let dir = TestDir::new();
    let csv = hey_csv(&[0.02; 50], 100.0);
    dir.write("run/users-010/hey.csv", &csv);
    dir.write("run/users-040/hey.csv", &csv);
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(report["run"]["started"].is_null(), "{:#}", report["run"]);
    assert!(report["run"]["ended"].is_null(), "{:#}", report["run"]);
    let out = dir.path().join("out");
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| Started | — |"), "{md}");
    assert!(!md.contains("1970-01-01T00:00:00.000Z"), "{md}");
    // 50 requests 10 ms apart, each 20 ms: the last answer at 0.49 s + 0.02 s.
    assert!(md.contains("00:00:00.000 → 00:00:00.510 (no date"), "{md}");
}

/// Observed: wrk in `01-warmup/` (2 connections, 195 requests), `02-Baseline_20u/` and
/// `03-PEAK-60u/`, with `error_rate < 1%` in `[global]` and no `verdict_stages`: the
/// verdict is CONDITIONAL on the warm-up's error rate (0 of 195 failed, but the 95%
/// interval reaches 1.9%), and the next step only said "Run `warmup` longer". That
/// stage decides the verdict because every stage does by default; the step now also
/// says how to leave a warm-up out of it.
#[test]
fn a_warm_up_stage_left_unproven_is_shown_how_to_leave_it_out_of_the_verdict() {
    let dir = TestDir::new();
    dir.write("run/01-warmup/wrk.txt", wrk_text(2, 195, 2.0, 0));
    dir.write("run/02-Baseline_20u/wrk.txt", wrk_text(20, 3_751, 4.0, 0));
    dir.write("run/03-PEAK-60u/wrk.txt", wrk_text(60, 6_023, 4.0, 0));
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    // 0 failures in 195: the Wilson upper bound (z = 1.96) is z²/(n + z²) ≈ 1.93%.
    assert_eq!(
        report["sla"]["verdict"], "CONDITIONAL",
        "{:#}",
        report["sla"]
    );
    let steps = report["narrative"]["next_steps"].to_string();
    assert!(
        steps.contains("leave `warmup` out of the verdict"),
        "{steps}"
    );
    assert!(steps.contains("verdict_stages"), "{steps}");
    // The stages that are loads get no such advice.
    assert!(!steps.contains("leave `peak`"), "{steps}");
}
