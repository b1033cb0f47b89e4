//! Messy runs, batch "q" (qa23): the commands used the way a CI job and a user at a
//! terminal use them — `check` that judged nothing (no results, a bad SLA file) with
//! `--junit`, `--markdown` and `--json` left from an earlier job, `compare` of
//! repeats kept as `A/r1 A/r2 …` beside `B/r1 B/r2 …` and with `--charts none`,
//! and `drive` given flags that cannot make a run. No test sends traffic: every
//! `drive` here is refused before it connects.

use std::path::Path;

use serde_json::Value;

use super::common::{headroom, TestDir};

const T0: i64 = 1_700_000_000_000;

/// A generic per-request CSV run: `n` requests to `/a`, 10 ms apart, latencies
/// `base_ms` + (i mod 20) ms, none failed.
fn generic_run(dir: &TestDir, rel: &str, n: usize, base_ms: f64) -> std::path::PathBuf {
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms\n");
    for i in 0..n {
        let latency = base_ms + (i % 20) as f64;
        csv.push_str(&format!("{},/a,{latency:.1}\n", T0 + 10 * i as i64));
    }
    dir.write(&format!("{rel}/requests.csv"), csv);
    dir.path().join(rel)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A CI job re-runs `check --junit junit.xml --markdown comment.md` in a workspace an
/// earlier, passing job left them in. When this run has no results (the load test
/// wrote nothing) or the SLA file is broken, check exits 2 — and before, it left
/// both files as they were: the test report and the PR comment showed the earlier
/// run's passing rules as this one's, and `--json` printed nothing for the script
/// that reads the outcome. Now both files say that nothing was judged and why, and
/// the JSON carries `"verdict": null`, the exit code and the error.
#[test]
fn a_check_that_judges_nothing_replaces_an_earlier_junit_and_comment() {
    let dir = TestDir::new();
    let run = generic_run(&dir, "good", 500, 10.0);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 10%\"]\n");
    let junit = dir.path().join("junit.xml");
    let comment = dir.path().join("comment.md");
    let check = |run: &Path, sla: &Path| {
        headroom(&[
            "check",
            s(run),
            "--sla",
            s(sla),
            "--junit",
            s(&junit),
            "--markdown",
            s(&comment),
            "--json",
        ])
    };
    let o = check(&run, &sla);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let first = std::fs::read_to_string(&junit).unwrap();
    assert!(first.contains("failures=\"0\""), "{first}");

    // The next job's load test wrote nothing.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = check(&empty, &sla);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_ne!(xml, first, "the earlier JUnit file was left as this run's");
    assert!(xml.contains("errors=\"1\""), "{xml}");
    assert!(
        xml.contains("<error message=\"no load-test results found"),
        "{xml}"
    );
    let md = std::fs::read_to_string(&comment).unwrap();
    let head = md.lines().next().unwrap();
    assert!(
        head.starts_with("### ") && head.contains("no verdict"),
        "{md}"
    );
    assert!(md.contains("no load-test results found"), "{md}");
    let json: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout at exit 2");
    assert_eq!(json["exit_code"], 2, "{json:#}");
    assert!(json["verdict"].is_null(), "{json:#}");
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("no load-test results found"),
        "{json:#}"
    );

    // A broken SLA file: the same, naming the file and line.
    let bad = dir.write("bad.toml", "[global]\nrules = [\"p(95) < \"]\n");
    let o = check(&run, &bad);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let json: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout at exit 2");
    let error = json["error"].as_str().unwrap();
    assert!(error.contains("bad.toml:2:"), "{json:#}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("bad.toml:2:"), "{xml}");
}

/// Runs `compare ARGS --json --out DIR/out` and returns (exit code, compare.json).
fn compare(dir: &TestDir, args: &[&str]) -> (i32, Value, String) {
    let out = dir.path().join("out");
    let mut a = vec!["compare"];
    a.extend(args);
    a.extend(["--json", "--out", s(&out)]);
    let o = headroom(&a);
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json, text(&o.stderr))
}

/// Repeats kept as a user keeps them, `rel-A/r1 … r4` and `rel-B/r1 … r4`, without
/// run.toml labels: each side was labelled by its first run's dir, so the headline
/// read "r1 vs r1" (and a diff of `rel-A/r1` with `rel-B/r1` the same). Now a side
/// whose dirs name its runs differently, or as the other side's, is named by the dir
/// holding them: "rel-B vs rel-A". A `--label` still wins.
#[test]
fn repeats_in_dirs_named_r1_r2_are_labelled_by_the_dir_holding_them() {
    let dir = TestDir::new();
    let mut base = Vec::new();
    let mut cand = Vec::new();
    for r in 1..=4 {
        base.push(generic_run(&dir, &format!("rel-A/r{r}"), 400, 10.0));
        cand.push(generic_run(&dir, &format!("rel-B/r{r}"), 400, 10.0));
    }
    let mut args = vec!["--baseline"];
    args.extend(base.iter().map(|p| s(p)));
    args.push("--candidate");
    args.extend(cand.iter().map(|p| s(p)));
    let (code, json, stderr) = compare(&dir, &args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["baseline"]["label"], "rel-A", "{:#}", json["baseline"]);
    assert_eq!(json["candidates"][0]["label"], "rel-B");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(line.contains("rel-B vs rel-A"), "{line}");

    let (code, json, stderr) = compare(&dir, &[s(&base[0]), s(&cand[0])]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["baseline"]["label"], "rel-A");
    assert_eq!(json["candidates"][0]["label"], "rel-B");

    let (code, json, stderr) = compare(
        &dir,
        &[s(&base[0]), s(&cand[0]), "--label", "1.4", "--label", "1.5"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["baseline"]["label"], "1.4");
    assert_eq!(json["candidates"][0]["label"], "1.5");
}

/// DESIGN's CLI contract gives `compare` `--charts` as it gives `analyze`; a CI
/// script's `compare A B --charts none` was refused ("unexpected argument"). Now it
/// writes no chart files and none inline in compare.html; the default still draws.
#[test]
fn compare_takes_charts_none() {
    let dir = TestDir::new();
    let a = generic_run(&dir, "a", 600, 10.0);
    let b = generic_run(&dir, "b", 600, 20.0);
    let out = dir.path().join("plain");
    let o = headroom(&[
        "compare",
        s(&a),
        s(&b),
        "--charts",
        "none",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!out.join("charts").exists());
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    assert!(
        !html.contains("<svg"),
        "charts inline despite --charts none"
    );
    let drawn = dir.path().join("drawn");
    let o = headroom(&["compare", s(&a), s(&b), "--out", s(&drawn)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(drawn.join("charts/deltas.svg").is_file());
}

/// A two-stage scenario (its base URL a loopback port nobody is asked to serve:
/// every case here is refused before a connection).
const TWO_STAGES: &str = r#"base_url = "http://127.0.0.1:9"
think_time = "constant(0)"
[[task]]
name = "get"
weight = 1
method = "GET"
path = "/x"
[[stage]]
name = "low"
users = 2
duration = "1s"
[[stage]]
name = "high"
users = 4
duration = "1s"
"#;

/// `drive --users 0` made a run of nothing and blamed the target ("no request got a
/// response from 127.0.0.1:…", exit 1, a run dir of zero requests); a plan whose
/// every stage has 0 users is a bad scenario: exit 2, saying to give a user.
/// `--users N` on a two-stage scenario said "…(low, high):" followed by a run of
/// 22 spaces before "use --scale"; a URL without `http://` said only "invalid
/// format".
#[test]
fn drive_refuses_flags_that_cannot_make_a_run_and_says_what_to_give() {
    let dir = TestDir::new();
    let out = dir.path().join("run");
    let o = headroom(&[
        "drive",
        "--url",
        "http://127.0.0.1:9/x",
        "--users",
        "0",
        "--duration",
        "1s",
        "-q",
        "--out",
        s(&out),
    ]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("0 users") && err.contains("at least 1 user"),
        "{err}"
    );
    assert!(!err.contains("no request got a response"), "{err}");

    let plan = dir.write("plan.toml", TWO_STAGES);
    let o = headroom(&["drive", s(&plan), "--users", "5", "--out", s(&out)]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("(low, high): use --scale FACTOR"), "{err}");

    let o = headroom(&["drive", "--url", "127.0.0.1:9/x", "--out", s(&out)]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("give a full URL such as http://"), "{err}");
}

/// A typo in `--include` (or an `--exclude` that matches everything) kept no
/// endpoint, and check judged zero requests: `error_rate < 10%` lacked data, so the
/// gate said CONDITIONAL and exited 0 — a CI job passed on nothing measured (and a
/// throughput rule failed on "0 req/s" as if the service had served nothing). Now
/// it is bad input (exit 2) naming the flag and the data's endpoints; analyze and
/// export refuse it the same way.
#[test]
fn an_endpoint_filter_that_keeps_nothing_is_refused_not_judged() {
    let dir = TestDir::new();
    let run = generic_run(&dir, "run", 500, 10.0);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 10%\"]\n");
    for filter in [["--include", "GET /b"], ["--exclude", "."]] {
        let mut args = vec!["check", s(&run), "--sla", s(&sla), "--json"];
        args.extend(filter);
        let o = headroom(&args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{filter:?}: {err}");
        assert!(err.contains("kept no endpoint"), "{err}");
        assert!(err.contains("endpoints are /a"), "{err}");
        let json: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(json["verdict"].is_null(), "{json:#}");
    }
    let out = dir.path().join("report");
    let o = headroom(&["analyze", s(&run), "--include", "zzz", "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    // An include that keeps the endpoint still judges it.
    let o = headroom(&["check", s(&run), "--sla", s(&sla), "--include", "/a"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

/// `target --listen` on a port another process holds said only "Address already in
/// use (os error 98)", and on a malformed address "invalid socket address": both now
/// say what to give (another port, or port 0; HOST:PORT).
#[test]
fn target_listen_errors_say_what_to_give() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = held.local_addr().unwrap().to_string();
    let o = headroom(&["target", "--listen", &addr, "--max-duration", "1s"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("port 0 for any free one"), "{err}");
    let o = headroom(&[
        "target",
        "--listen",
        "localhost-8000",
        "--max-duration",
        "1s",
    ]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("give HOST:PORT, e.g. --listen 127.0.0.1:8000"),
        "{err}"
    );
    drop(held);
}

/// Writes a two-stage run `rel` of generic CSV stage dirs (`stages`: dir name and
/// latency base), 300 requests each, the second stage after the first.
fn staged_run(dir: &TestDir, rel: &str, stages: &[(&str, f64)]) -> std::path::PathBuf {
    for (k, (stage, base_ms)) in stages.iter().enumerate() {
        let mut csv = String::from("timestamp_ms,endpoint,latency_ms\n");
        for i in 0..300 {
            let t = T0 + 10_000 * k as i64 + 10 * i as i64;
            csv.push_str(&format!("{t},/a,{:.1}\n", base_ms + (i % 20) as f64));
        }
        dir.write(&format!("{rel}/{stage}/requests.csv"), csv);
    }
    dir.path().join(rel)
}

/// Repeats whose layouts differ — one candidate repeat names its first stage `warm`
/// where the others say `low`, another ran `peak` instead of `high` — were compared with
/// those runs silently left out of the stage's samples (four baseline values against
/// three, so less can be shown, and nothing said why). Now a note names, per stage,
/// the runs that lack it and the stages they have; `warm`, at `low`'s load in its
/// place, is `low` (qa84: repeats pair stages as releases do).
#[test]
fn repeats_whose_stage_layouts_differ_say_which_runs_a_stage_rests_without() {
    let dir = TestDir::new();
    let full = [("01_low_2users", 10.0), ("02_high_4users", 20.0)];
    let mut args = vec!["--baseline".to_string()];
    for r in 1..=4 {
        args.push(
            staged_run(&dir, &format!("A/r{r}"), &full)
                .display()
                .to_string(),
        );
    }
    args.push("--candidate".into());
    for r in 1..=4 {
        let stages: &[(&str, f64)] = match r {
            2 => &[("01_warm_2users", 10.0), ("02_high_4users", 20.0)],
            3 => &[("01_low_2users", 10.0), ("02_peak_8users", 20.0)],
            _ => &full,
        };
        args.push(
            staged_run(&dir, &format!("B/r{r}"), stages)
                .display()
                .to_string(),
        );
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, json, stderr) = compare(&dir, &refs);
    assert_eq!(code, 0, "{stderr}");
    let notes: Vec<&str> = (json["notes"].as_array().unwrap().iter())
        .filter_map(Value::as_str)
        .collect();
    // r2's `01_warm_2users` ran `low`'s 2 users in `low`'s place: each repeat's stages
    // pair with its side's first run's as two releases' do (name, name part, load), so
    // `low` rests on every candidate run and no note says otherwise.
    assert!(
        !notes.iter().any(|n| n.starts_with("stage `low`")),
        "{notes:#?}"
    );
    let high = notes
        .iter()
        .find(|n| n.starts_with("stage `high`: candidate run(s)"));
    let high = high.unwrap_or_else(|| panic!("no note on `high`: {notes:#?}"));
    assert!(high.contains("`r3` (stages: low, peak)"), "{high}");
    assert!(
        !notes.iter().any(|n| n.contains("baseline run(s)")),
        "{notes:#?}"
    );
}

/// Two releases driven from one scenario carry one run.toml `label` (`s1`): a stage
/// only the baseline ran was "not compared: stage high (only in s1)", which names
/// both sides. Now it says "only in the baseline (s1)".
#[test]
fn a_stage_only_one_side_ran_says_which_side_when_both_share_a_label() {
    let dir = TestDir::new();
    let a = staged_run(
        &dir,
        "a",
        &[("01_low_2users", 10.0), ("02_high_4users", 20.0)],
    );
    let b = staged_run(&dir, "b", &[("01_low_2users", 10.0)]);
    for run in ["a", "b"] {
        dir.write(&format!("{run}/run.toml"), "label = \"s1\"\n");
    }
    let (code, json, stderr) = compare(&dir, &[s(&a), s(&b)]);
    assert_eq!(code, 0, "{stderr}");
    let unmatched = &json["unmatched"][0];
    assert_eq!(unmatched["name"], "high", "{json:#}");
    assert_eq!(unmatched["only_in"], "the baseline (s1)", "{json:#}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(
        line.contains("stage high (only in the baseline (s1))"),
        "{line}"
    );
}

/// A `run.toml` written by hand with only a `label` (DESIGN: "optional for other
/// tools' runs, which a user may add by hand") beside stage dirs made the dir a run
/// dir of its own: every stage dir was skipped ("a sub-directory of …, which holds
/// result files itself") and analyze found no results (exit 2). Now the manifest
/// labels the run and its stage dirs are read: both stages, every request.
#[test]
fn a_hand_written_run_toml_beside_stage_dirs_labels_the_run_and_loses_no_stage() {
    let dir = TestDir::new();
    let run = staged_run(
        &dir,
        "rel",
        &[("01_low_2users", 10.0), ("02_high_4users", 20.0)],
    );
    dir.write("rel/run.toml", "label = \"1.4.0\"\n");
    let out = dir.path().join("report");
    let o = headroom(&["analyze", s(&run), "--json", "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["run"]["label"], "1.4.0");
    let stages: Vec<(&str, u64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| (s["name"].as_str().unwrap(), s["requests"].as_u64().unwrap()))
        .collect();
    assert_eq!(stages, [("low", 300), ("high", 300)]);
}
