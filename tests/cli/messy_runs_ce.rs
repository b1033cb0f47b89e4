//! Messy runs, batch "ce" (lead): what a run dir's own warnings say, said once and
//! traced to their file — Locust's requests between stages printed once, and a
//! failed k6 threshold named with the summary that holds it when a dir holds several —
//! and a failed attempt beside its rerun (h2load without `--h1`, then with it), and
//! two load levels named alike by their dirs, each measured with another tool.

use super::common::{analyze_json, check_rules, headroom, TestDir};
use super::messy_runs::hey_text;
use super::messy_runs_ai::wrk_text;
use super::messy_runs_bl::ab_text;
use super::messy_runs_bp::h2load_text;
use super::messy_runs_bx::step_dir;
use super::messy_runs_j::h2load_h2c_console;
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

/// A stage dir where h2load ran first without `--h1` against an HTTP/1.1 server (it sent
/// no request the server reads), then again with it, both at 10 clients, in either
/// order of their file names.
fn h2c_then_h1(dir: &TestDir, h2c: &str, h1: &str, h1_clients: u32) -> std::path::PathBuf {
    dir.write(&format!("rel/load/{h2c}"), h2load_h2c_console(2000));
    dir.write(
        &format!("rel/load/{h1}"),
        h2load_text(h1_clients, 2.0, "35.20ms"),
    );
    dir.path().join("rel")
}

/// The failed attempt measured nothing of the stage: the rerun at the same load is the
/// stage (400 requests, none failed), and the run is complete, so a passing SLA is a
/// GO. Before, the attempt's "stopped early" made the run incomplete: CONDITIONAL.
#[test]
fn an_h2c_attempt_beside_its_h1_rerun_is_left_out() {
    for (h2c, h1) in [
        ("h2load.txt", "h2load-h1.txt"),
        ("try2-h2c.txt", "try1-h1.txt"),
    ] {
        let dir = TestDir::new();
        let run = h2c_then_h1(&dir, h2c, h1, 10);
        let (code, out, err) = check_rules(&dir, &run, "\"error_rate < 1%\"");
        assert_eq!(code, 0, "{out}\n{err}");
        assert!(out.contains("verdict: GO"), "{h2c}: {out}");
        let (_, report, _) = analyze_json(&[&run], &[]);
        assert_eq!(report["overall"]["requests"], 400, "{h2c}");
        let notes = report["sources"].to_string() + &report["warnings"].to_string();
        let said = format!("{h2c}: h2load spoke HTTP/2 without TLS");
        assert!(notes.contains(&said), "{notes}");
        assert!(
            notes.contains(
                "It is left out: another h2load run in its dir at the same load sent requests"
            ),
            "{notes}"
        );
    }
}

/// At another load (the rerun at 20 clients) the attempt is not a rerun's failed try:
/// it stays, and the run stays incomplete.
#[test]
fn an_h2c_attempt_at_another_load_stays() {
    let dir = TestDir::new();
    let run = h2c_then_h1(&dir, "h2load.txt", "h2load-h1.txt", 20);
    let (code, out, err) = check_rules(&dir, &run, "\"error_rate < 1%\"");
    assert!(out.contains("verdict: CONDITIONAL"), "{code}: {out}\n{err}");
    assert!(out.contains("h2load spoke HTTP/2 without TLS"), "{out}");
}

/// Two load levels, each in a dir named by its users and measured with another tool
/// (hey in `load 10 users/`, wrk in `load 40 users/`): two stages, told apart by their
/// users as one tool's are. Before, both were stage `load`, read as one stage measured
/// by two tools: hey's level was left out of every figure and the capacity had one
/// load level.
#[test]
fn two_levels_named_alike_by_two_tools_are_two_stages() {
    let dir = TestDir::new();
    dir.write("rel/load 10 users/hey.txt", hey_text(400, 0));
    dir.write("rel/load 40 users/wrk.txt", wrk_text(40, 3000, 3.0, 0));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("rel")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages: Vec<(String, u64, u64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            let name = s["name"].as_str().unwrap().to_string();
            (
                name,
                s["users"].as_u64().unwrap(),
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("load_10users".to_string(), 10, 400),
        ("load_40users".into(), 40, 3000),
    ];
    assert_eq!(stages, expected);
    assert_eq!(report["overall"]["requests"], 3400);
    let warnings = report["warnings"].to_string();
    assert!(!warnings.contains("measured other requests"), "{warnings}");
}

/// A stage dir measured by three tools (hey, wrk and ab in `load/`, h2load in
/// `smoke/`): the one warning naming the tool chosen for the stage is said once, its
/// two others named as a plural. Before, it was said once per tool set beside.
#[test]
fn a_stage_measured_by_three_tools_is_said_once() {
    let dir = TestDir::new();
    dir.write("rel/smoke/h2load.txt", h2load_text(4, 2.0, "20.10ms"));
    dir.write("rel/load/hey.txt", hey_text(400, 0));
    dir.write("rel/load/wrk.txt", wrk_text(40, 3000, 3.0, 0));
    let ms: Vec<u64> = (0..200).map(|i| 10 + i % 7).collect();
    dir.write("rel/load/ab.txt", ab_text(&ms, 0, 2.0));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("rel")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let said = "stage \"load\" was measured by 3 tools; it is judged on wrk";
    let warnings: Vec<&str> = (report["warnings"].as_array().unwrap().iter())
        .filter_map(|w| w.as_str())
        .collect();
    let warnings = warnings.join("\n");
    assert_eq!(warnings.matches(said).count(), 1, "{warnings}");
    assert!(
        warnings.contains("ab, hey are listed under Sources"),
        "{warnings}"
    );
}
