//! Messy runs, batch "cx" (lead's user check): what the outputs advise and how
//! report.md shows the sentences ingest writes. With repeats, the run measured by
//! another tool may be a baseline run: the advice after NOT A PASS names no side
//! it cannot know, and sends the reader to the runs the notes name.

use serde_json::Value;

use crate::common::TestDir;
use crate::messy_runs_bc::compare_with;
use crate::messy_runs_cq::siege_text;
use crate::messy_runs_d::wrk_text;

/// Observed: three `wrk` repeats and one `siege` repeat (`base-r4`) of the baseline
/// against four `wrk` repeats of the candidate: the note named `base-r4` and siege,
/// but the advice said "rerun the candidate at the baseline's load with the
/// baseline's tool", a rerun of runs that were alike. Now the advice says to measure
/// every run of both sides alike, rerunning the runs the notes name.
#[test]
fn a_baseline_repeat_by_another_tool_is_not_blamed_on_the_candidate() {
    let dir = TestDir::new();
    let wrk = wrk_text(4, 4_000, 2.75);
    let p = |v: String| dir.path().join(v).display().to_string();
    let mut args = vec!["--baseline".to_string()];
    for i in 1..=3 {
        dir.write(&format!("rb/base-r{i}/peak/wrk.txt"), &wrk);
        args.push(p(format!("rb/base-r{i}")));
    }
    dir.write("rb/base-r4/peak/siege.txt", siege_text(4_000, 0.01));
    args.push(p("rb/base-r4".into()));
    args.push("--candidate".into());
    for i in 1..=4 {
        dir.write(&format!("rc/cand-r{i}/peak/wrk.txt"), &wrk);
        args.push(p(format!("rc/cand-r{i}")));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr, json) = compare_with(&dir, &args);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let notes: Vec<&str> = (json["notes"].as_array().unwrap().iter())
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("run `base-r4` was measured by `siege`")),
        "{notes:#?}"
    );
    let advice = json["advice"].as_str().unwrap();
    assert!(!advice.contains("rerun the candidate"), "{advice}");
    assert!(advice.contains("rerun the runs the notes name"), "{advice}");
    assert!(stdout.contains("rerun the runs the notes name"), "{stdout}");
}

/// The console `locust -f locustfile.py --headless … > locust.log 2>&1` left when the
/// locustfile registered a task named `run` (Locust 2.47 refused it before sending
/// anything), as it printed here, with the shell's `exit 1` appended by the team.
const LOCUST_STOPPED: &str = "Traceback (most recent call last):\n  \
    File \"/venv/bin/locust\", line 8, in <module>\n    sys.exit(main())\n             \
    ^^^^^^\n  File \"/venv/lib/python3.11/site-packages/locust/main.py\", line 167, in \
    main\n    ) = merge_locustfiles_content(locustfiles)\n  File \"/run/locustfile.py\", \
    line 9, in Api\n    @task(20)\n     ^^^^^^^^\n  File \"/venv/lib/python3.11/site-\
    packages/locust/user/task.py\", line 84, in decorator_func\n    raise Exception(\n\
    Exception: User.run() is a method used internally by Locust, and you must not \
    override it or register it as a task\nexit 1\n";

/// Observed: a stage dir whose only file is Locust's console of a locustfile it refused
/// read "no load-test results found … skipped locust.log: not a recognised load-test
/// result", sending the user to look for lost results. Now the file is a problem at the
/// traceback's last line (12), quoting the error and saying to fix the locustfile.
#[test]
fn locust_stopping_on_its_locustfile_is_named_at_the_error() {
    let dir = TestDir::new();
    dir.write("run/01-ramp/locust.log", LOCUST_STOPPED);
    dir.write("run/02-peak/wrk.txt", wrk_text(4, 4_000, 2.75));
    let run = dir.path().join("run");
    let (code, json, stderr) = crate::common::analyze_json(&[&run], &[]);
    assert_eq!(code, 2, "{stderr}");
    let problems = json["problems"].as_array().unwrap();
    let p = (problems.iter())
        .find(|p| p["path"].as_str().unwrap().ends_with("locust.log"))
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(p["line"], 12, "{p:#}");
    let reason = p["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("locust stopped on an error before its run"),
        "{reason}"
    );
    assert!(
        reason.contains("`Exception: User.run() is a method used internally by Locust"),
        "{reason}"
    );
    assert!(reason.contains("fix the locustfile"), "{reason}");
    // The other stage is still read.
    let stages: Vec<&str> = (json["stages"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["peak"], "{json:#}");
}

/// Observed: a Locust run (`--csv results --csv-full-history`) whose stats history
/// times every second read "Started —, Ended —" in report.md's provenance, and
/// report.json's `run.started`/`ended` were null. Now they are the history's first and
/// last rows' times (the records' span); and report.md's source note on the requests
/// between stages shows the stage names as code, not as escaped backticks.
#[test]
fn a_locust_history_gives_the_run_its_start_and_end() {
    let dir = TestDir::new();
    dir.write(
        "run/results_stats_history.csv",
        crate::locust::history(true),
    );
    dir.write("run/results_stats.csv", crate::locust::STATS);
    let run = dir.path().join("run");
    let (code, json, stderr) = crate::common::analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let (t0, last) = (crate::locust::T0, crate::locust::LAST);
    // Epoch seconds in RFC 3339, by the test's own civil-date arithmetic.
    let at = |s: u64| crate::formats_a::rfc3339(s as i64 * 1000);
    assert_eq!(json["run"]["started"], at(t0), "{:#}", json["run"]);
    assert_eq!(json["run"]["ended"], at(t0 + last), "{:#}", json["run"]);
    assert_eq!(at(1_700_000_000), "2023-11-14T22:13:20.000Z");

    let out = dir.path().join("out");
    let o = crate::common::headroom(&[
        "analyze",
        &run.display().to_string(),
        "--charts",
        "none",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let note = (md.lines())
        .find(|l| l.starts_with("- locust: ") && l.contains("outside every stage"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(note.contains("`10_users`"), "{note}");
    assert!(!note.contains("\\`"), "{note}");
}
