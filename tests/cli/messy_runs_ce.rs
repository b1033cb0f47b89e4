//! Messy runs, batch "ce" (lead): what a run dir's own warnings say, said once and
//! traced to their file — Locust's requests between stages printed once, and a
//! failed k6 threshold named with the summary that holds it when a dir holds several.

use super::common::{headroom, TestDir};
use super::messy_runs_bx::step_dir;
use super::tool_gates::summary;
use crate::check::check_json;

/// `analyze`'s terminal summary leaves out the input's own warnings, which stderr
/// printed as the run was read: the count of Locust's requests between stages appears
/// once in all the output, not as a `warning:` and again as a `note:`.
#[test]
fn an_input_warning_is_printed_once() {
    let dir = TestDir::new();
    let run = step_dir(&dir);
    let out = dir.path().join("out");
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    // messy_runs_bx's step run: 20 + 60 = 80 of 350 requests fall between its stages.
    let said = "requests outside every stage: 80 of its 350 requests";
    let all = format!("{stdout}{stderr}");
    assert_eq!(all.matches(said).count(), 1, "{all}");
    assert!(stderr.contains("warning: "), "{stderr}");
    // The report keeps it among its caveats.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains(said), "{md}");
}

/// A dir of two k6 runs, a smoke run whose `p(90)<15` failed and the load run whose
/// thresholds held: the gate fails on the smoke run's threshold, and says it is that
/// run's, by its file.
#[test]
fn a_failed_threshold_names_the_summary_that_holds_it() {
    let dir = TestDir::new();
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 500ms\"]\n");
    dir.write(
        "release/01-smoke/summary-export.json",
        summary(40, Some(true), false),
    );
    dir.write(
        "release/02-load/summary-export.json",
        summary(4000, Some(false), false),
    );
    let (code, check, _) = check_json(&dir.path().join("release"), &sla, &[]);
    assert_eq!(code, 1, "{check}");
    let text = check.to_string();
    let clause = "k6's own thresholds: 1 of 4 failed (`http_req_duration: p(90)<15`), in `";
    let at = text.find(clause).unwrap_or_else(|| panic!("{text}"));
    let file = &text[at + clause.len()..];
    let file = &file[..file.find('`').unwrap()];
    assert!(file.ends_with("01-smoke/summary-export.json"), "{file}");
}
