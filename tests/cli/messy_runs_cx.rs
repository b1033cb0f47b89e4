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
