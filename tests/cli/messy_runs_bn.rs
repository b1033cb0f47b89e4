//! Messy runs, batch "bn" (qa67): `check` as a CI gate. A Locust run killed part way
//! (`kill -9`, a job's hard timeout) whose every rule passes is CONDITIONAL: `--strict`,
//! which passes only what is proven, exits 1 on it and its JUnit shows the data-quality
//! case failed; `--junit` and `--markdown` naming one file are refused before anything
//! is written. Answers follow from the fixtures by hand.

use super::common::TestDir;
use super::messy_runs_ac::check;

/// Locust 2.x's `--csv-full-history` header and the row it writes before any request.
const HISTORY_START: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,\
     80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total \
     Median Response Time,Total Average Response Time,Total Min Response Time,Total Max \
     Response Time,Total Average Content Size\n\
     1796571159,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,\
     N/A,0,0,0,0.0,0,0,0\n";

/// The stats file of `locust --csv loc` killed 4 s into a 20-user run: `GET /a` 200
/// requests, none failed; `GET /b` 100, 10 failed (300, 10 failed: 3.33 %); p95 of the
/// aggregate 70 ms. The stats history holds only the row Locust writes as it starts
/// (0 requests): Locust writes the rest as it stops, which it never did. The console
/// `| tee`d beside it is cut after Locust's start lines.
fn killed_locust(dir: &TestDir) -> std::path::PathBuf {
    dir.write(
        "run/02_peak_20users/loc_stats.csv",
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
         50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
         GET,/a,200,0,20,22.0,5.0,90.0,50.0,66.6,0.0,20,24,26,28,35,40,60,80,90,90,90\n\
         GET,/b,100,10,40,45.0,8.0,200.0,50.0,33.3,3.3,40,45,50,55,70,90,150,180,200,200,200\n\
         ,Aggregated,300,10,25,29.7,5.0,200.0,50.0,100.0,3.3,25,30,35,40,50,70,100,150,200,\
         200,200\n",
    );
    dir.write("run/02_peak_20users/loc_stats_history.csv", HISTORY_START);
    dir.write(
        "run/02_peak_20users/console.log",
        "[2026-12-06 15:32:36,001] ci-runner/INFO/locust.main: Starting Locust 2.32.0\n\
         [2026-12-06 15:32:36,002] ci-runner/INFO/locust.runners: Ramping to 20 users at a \
         rate of 20.00 per second\n",
    );
    dir.path().join("run")
}

/// The `<testcase …>…</testcase>` named `name` in `xml`.
fn testcase<'x>(xml: &'x str, name: &str) -> &'x str {
    let at = xml
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no testcase {name}: {xml}"));
    let end = xml[at..].find("</testcase>").map_or(xml.len(), |e| at + e);
    &xml[at..end]
}

/// Every rule passes on what the killed run's files hold (p95 70 ms < 1 s; 10 of 300
/// failed, 3.33 % < 10 %), but the run never ended: CONDITIONAL. Without `--strict` that
/// exits 0 (README: a verdict held back by the data does not change the exit code) and
/// JUnit skips the data-quality case. `--strict` passes only what is proven: it used to
/// exit 0 too, its JUnit showing no failure — a CI gate passed on a run killed part
/// way. Now it exits 1, the exit line says why, the JSON says exit_code 1 and JUnit
/// fails the data-quality case with the verdict's reason.
#[test]
fn strict_fails_a_killed_locust_run_whose_rules_all_pass() {
    let dir = TestDir::new();
    let run = killed_locust(&dir);
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"Peak\"]\nrules = [\"p(95) < 1s\", \"error_rate < 10%\"]\n",
    );
    let (code, out, err) = check(&run, &sla, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("verdict: CONDITIONAL on `peak`"), "{out}");
    assert!(out.contains("300 requests (10 failed)"), "{out}");
    assert!(out.contains("3.33%"), "{out}");

    let junit = dir.path().join("strict.xml");
    let (code, out, err) = check(
        &run,
        &sla,
        &["--strict", "--junit", junit.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("exit 1: the data cannot carry a GO (see the verdict), which --strict fails"),
        "{out}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    // Four evaluations (two rules × peak, overall) pass; the data quality fails.
    assert!(
        xml.contains("tests=\"5\" failures=\"1\" skipped=\"0\" errors=\"0\""),
        "{xml}"
    );
    assert!(
        xml.contains("<testsuite name=\"data\" tests=\"1\" failures=\"1\" skipped=\"0\""),
        "{xml}"
    );
    let case = testcase(&xml, "data quality");
    assert!(
        case.contains("<failure message=\"incomplete data: the run stopped early")
            && case.contains("300 requests (10 failed)")
            && case.contains("(--strict)"),
        "{case}"
    );

    // Without --strict the same case is skipped, and the totals say so.
    let junit = dir.path().join("plain.xml");
    let (code, _, _) = check(&run, &sla, &["--junit", junit.to_str().unwrap()]);
    assert_eq!(code, 0);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("tests=\"5\" failures=\"0\" skipped=\"1\" errors=\"0\""),
        "{xml}"
    );
    assert!(
        testcase(&xml, "data quality").contains("<skipped message=\"incomplete data"),
        "{xml}"
    );

    // The JSON outcome agrees with the exit code.
    let (code, out, err) = check(&run, &sla, &["--strict", "--json"]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["exit_code"], 1, "{v:#}");
    assert_eq!(v["verdict"], "CONDITIONAL", "{v:#}");
    assert_eq!(v["counts"]["pass"], 4, "{v:#}");
}

/// The same figures in a run Locust ended itself (its history's last row counts the
/// stats file's 300 requests, 10 failed) are GO, and `--strict` exits 0: the data
/// quality gates only when it holds the GO back.
#[test]
fn strict_passes_a_whole_locust_run_whose_rules_all_pass() {
    let dir = TestDir::new();
    let run = killed_locust(&dir);
    // Locust stopped by --run-time: its history ends with the whole run's totals.
    dir.write(
        "run/02_peak_20users/loc_stats_history.csv",
        format!(
            "{HISTORY_START}\
         1796571160,20,,Aggregated,100.0,3.3,25,30,35,40,50,70,100,150,200,200,200,100,3,25,\
         29.7,5.0,200.0,50.0\n\
         1796571161,20,,Aggregated,100.0,3.3,25,30,35,40,50,70,100,150,200,200,200,200,7,25,\
         29.7,5.0,200.0,50.0\n\
         1796571162,20,,Aggregated,100.0,3.3,25,30,35,40,50,70,100,150,200,200,200,300,10,25,\
         29.7,5.0,200.0,50.0\n"
        ),
    );
    std::fs::remove_file(dir.path().join("run/02_peak_20users/console.log")).unwrap();
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"Peak\"]\nrules = [\"p(95) < 1s\", \"error_rate < 10%\"]\n",
    );
    let junit = dir.path().join("junit.xml");
    let (code, out, err) = check(
        &run,
        &sla,
        &["--strict", "--junit", junit.to_str().unwrap()],
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(!xml.contains("data quality"), "{out}\n{err}\n{xml}");
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("verdict: GO on `peak`"), "{out}");
}

/// `--junit X --markdown X` (or `./X`): JUnit was written, then the markdown refused
/// as "a file headroom did not write" (exit 2, a JUnit file left where the comment
/// was wanted; with the file already there, one document silently replaced the
/// other). Now both are refused before anything is read or written, and a user's file
/// at that path is left as it was.
#[test]
fn junit_and_markdown_on_one_path_are_refused_before_anything_is_written() {
    let dir = TestDir::new();
    let run = killed_locust(&dir);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 1s\"]\n");
    let out = dir.path().join("gate.out");
    let dotted = format!("{}/./gate.out", dir.path().display());
    let (code, stdout, err) = check(
        &run,
        &sla,
        &["--junit", out.to_str().unwrap(), "--markdown", &dotted],
    );
    assert_eq!(code, 2, "{stdout}\n{err}");
    assert!(
        err.contains("--junit and --markdown both name") && err.contains("give each its own file"),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written");
    // A user's file there stays as it was, --force or not.
    std::fs::write(&out, "mine\n").unwrap();
    let path = out.to_str().unwrap();
    let (code, _, err) = check(
        &run,
        &sla,
        &["--junit", path, "--markdown", path, "--force"],
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine\n");
    let moved_aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().contains(".old-"));
    assert!(!moved_aside, "nothing is moved aside");
    // Two paths, two documents.
    let md = dir.path().join("comment.md");
    let (code, _, err) = check(
        &run,
        &sla,
        &[
            "--junit",
            &dir.path().join("junit.xml").display().to_string(),
            "--markdown",
            md.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&md)
        .unwrap()
        .starts_with("### 🟡 headroom check: CONDITIONAL"));
}

/// A CI job that keeps its gate's outputs in the run dir (`--junit run/junit.xml
/// --markdown run/02_peak_20users/comment.md`): the first check wrote them; its rerun
/// was refused with exit 2, "that is one of the inputs; headroom never writes over its
/// inputs", though ingest skips them as no result and `check` replaces the files an
/// earlier check wrote. Now the rerun replaces them and exits as the first did; a
/// user's file among the inputs is still never written over.
#[test]
fn a_rerun_replaces_the_junit_and_comment_an_earlier_check_left_in_the_run_dir() {
    let dir = TestDir::new();
    let run = killed_locust(&dir);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 1s\"]\n");
    let junit = run.join("junit.xml");
    let md = run.join("02_peak_20users/comment.md");
    let outputs = [
        "--junit",
        junit.to_str().unwrap(),
        "--markdown",
        md.to_str().unwrap(),
    ];
    let (code, out, err) = check(&run, &sla, &outputs);
    assert_eq!(code, 0, "{out}\n{err}");
    // The second check reads the first one's files beside the results, skips them, and
    // writes its own over them.
    std::fs::write(
        &junit,
        std::fs::read_to_string(&junit).unwrap() + "<!-- 1st -->\n",
    )
    .unwrap();
    let (code, out, err) = check(&run, &sla, &outputs);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!std::fs::read_to_string(&junit).unwrap().contains("1st"));
    assert!(std::fs::read_to_string(&md)
        .unwrap()
        .starts_with("### 🟡 headroom check: CONDITIONAL"));
    // A user's file in the run dir is refused, with or without --force.
    let mine = dir.write("run/notes.xml", "<notes>mine</notes>\n");
    for force in [false, true] {
        let mut args = vec!["--junit", mine.to_str().unwrap()];
        if force {
            args.push("--force");
        }
        let (code, _, err) = check(&run, &sla, &args);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("that is one of the inputs"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&mine).unwrap(),
            "<notes>mine</notes>\n"
        );
    }
}

/// A team's result file named with markdown in it (`` 01_peak_10users|<x>&`y`.csv ``)
/// holding a cut last row (a job killed while it wrote): the PR comment's verdict line
/// names the first input problem by its file. The name went in bare, so its backtick
/// opened a code span that the reason's own `` `notanumber` `` closed, and the comment
/// read the path and the reason wrong. Now the name is quoted as a name: a code span
/// holding it exactly; the problems list escapes it; JUnit's `input` error case names
/// it and parses as XML.
#[test]
fn a_problem_files_name_with_a_backtick_is_one_code_span_in_the_pr_comment() {
    let dir = TestDir::new();
    // 600 requests, /a, 10..16 ms, all 200, then a bad latency and a cut row.
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..600u64 {
        let ms = 10 + i % 7;
        csv.push_str(&format!("{},/a,GET,{ms},200\n", 1_796_571_159_000 + i * 20));
    }
    csv.push_str("1796571171000,/a,GET,notanumber,200\n1796571171020,/a,GE");
    let name = "01_peak_10users|<x>&`y`.csv";
    dir.write(&format!("run/{name}"), csv);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 1s\"]\n");
    let md = dir.path().join("comment.md");
    let junit = dir.path().join("junit.xml");
    let (code, out, err) = check(
        &dir.path().join("run"),
        &sla,
        &[
            "--markdown",
            md.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{out}\n{err}");
    let comment = std::fs::read_to_string(&md).unwrap();
    let verdict = comment.lines().nth(2).unwrap();
    // The data line names the first problem: line 602 (header + 600 rows + 1).
    let path = format!("{}:602", dir.path().join("run").join(name).display());
    let span = format!("`` {path} ``");
    assert!(verdict.contains(&span), "{verdict}");
    assert!(verdict.contains("bad latency `notanumber`"), "{verdict}");
    // Outside its code spans the line has no backtick left unpaired.
    let outside: String = (verdict.replace(&span, ""))
        .replace("`notanumber`", "")
        .replace("`run`", "");
    assert!(!outside.contains('`'), "{verdict}");
    // The problems list escapes the name in text.
    assert!(
        comment.contains("\\|&lt;x&gt;&amp;\\`y\\`.csv:602: bad latency"),
        "{comment}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
    let errors: Vec<&str> = (doc.descendants())
        .filter(|n| n.has_tag_name("testcase") && n.children().any(|c| c.has_tag_name("error")))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(errors.len(), 2, "{xml}");
    assert!(errors[0].ends_with(&format!("{name}:602")), "{errors:?}");
    assert!(errors[1].ends_with(&format!("{name}:603")), "{errors:?}");
}
