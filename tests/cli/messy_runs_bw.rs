//! `check` as a CI gate beside the load tools' own pass/fail: a run the tool failed
//! (a k6 threshold its console marks `✗`, k6 exiting 99 with "thresholds on metrics
//! … have been crossed") used to exit 0 — with `--strict` too — while its JUnit
//! skipped the threshold and the PR comment did not name it: the CI job passed a run
//! its own tool failed. Now `check` exits 1 on it with or without `--strict`, and the
//! exit line, `--json` (`tool_checks`), JUnit (a `<failure>` per failed check) and the
//! PR comment agree. autocannon's `--expectBody` mismatches (answers with a wrong
//! body, counted apart from errors and statuses) are the run's checks of the answers:
//! before, a run whose every answer failed its body check was a GO.

use std::path::Path;

use serde_json::Value;

use crate::common::{analyze_json, headroom, TestDir};

/// k6's ASCII banner and progress lines, as `k6 run … | tee k6.log` keeps them.
const BANNER: &str = "\n         /\\      Grafana   /‾‾/  \n    /\\  /  \\     |\\  __   /  /   \n\n     execution: local\n        script: script.js\n        output: -\n\n     scenarios: (100.00%) 1 scenario, 10 max VUs, 1m0s max duration (incl. graceful stop):\n              * default: 10 looping VUs for 30s (gracefulStop: 30s)\n\nrunning (0m15.0s), 10/10 VUs, 600 complete and 0 interrupted iterations\ndefault   [  50% ] 10 VUs  15.0s/30s\n\nrunning (0m30.0s), 00/10 VUs, 1200 complete and 0 interrupted iterations\ndefault ✓ [ 100% ] 10 VUs  30s\n\n";

/// The threshold the tests' k6 script sets on http_req_duration, as k6 names it.
const THRESHOLD: &str = "http_req_duration: p(95)<100";

/// A k6 1.x console of 1,200 requests in 30 s, none failed, p95 110 ms, with the
/// thresholds `p(95)<100` on http_req_duration — failed (110 ≥ 100: `✗`, and k6's
/// closing error line) when `failed`, else written `p(95)<200` and held — and
/// `rate<0.05` on http_req_failed (held).
fn k6_console(failed: bool) -> String {
    let trend = "avg=52.3ms  min=108.91µs med=48.2ms  max=980ms   p(90)=90.12ms p(95)=110ms";
    let (mark, limit) = if failed { ('✗', 100) } else { ('✓', 200) };
    let crossed = if failed {
        "time=\"2026-12-06T18:00:31Z\" level=error msg=\"thresholds on metrics \
         'http_req_duration' have been crossed\"\n"
    } else {
        ""
    };
    format!(
        "{BANNER}  █ THRESHOLDS \n\n    http_req_duration\n    {mark} 'p(95)<{limit}' \
         p(95)=110ms\n\n    http_req_failed\n    ✓ 'rate<0.05' rate=0.00%\n\n\n  █ TOTAL \
         RESULTS \n\n    HTTP\n    http_req_duration..............: {trend}\n      \
         {{ expected_response:true }}...: {trend}\n    http_req_failed................: \
         0.00%  0 out of 1200\n    http_reqs......................: 1200   40/s\n\n    \
         EXECUTION\n    vus_max........................: 10     min=10       max=10\n\n\
         running (0m30.0s), 00/10 VUs, 1200 complete and 0 interrupted iterations\n\
         default ✓ [ 100% ] 10 VUs  30s\n{crossed}"
    )
}

/// The SLA: p95 under 500 ms and errors under 1 %, deciding on `Peak` — the data's
/// stage dir is `02 Peak (10 users)`. Both rules pass on the k6 run (110 ms, 0 %).
const SLA: &str =
    "[global]\nverdict_stages = [\"Peak\"]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\"]\n";

/// Runs `check RUN --sla SLA EXTRA…`: exit code, stdout, stderr.
fn check(run: &Path, sla: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = headroom(&args);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The `(name, passed)` pairs of a `tool_checks` array.
fn tool_checks(list: &Value) -> Vec<(String, bool)> {
    (list.as_array().into_iter().flatten())
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["passed"] == true,
            )
        })
        .collect()
}

#[test]
fn a_threshold_k6_failed_fails_check_with_and_without_strict_in_every_output() {
    let dir = TestDir::new();
    let run = dir.path().join("runs");
    dir.write("runs/02 Peak (10 users)/k6-console.log", k6_console(true));
    let sla = dir.write("sla.toml", SLA);
    let expected = vec![
        (THRESHOLD.to_string(), false),
        ("http_req_failed: rate<0.05".to_string(), true),
    ];

    // The table: the rules pass, the verdict is held back, and the exit line says why
    // check fails.
    let (code, out, err) = check(&run, &sla, &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("verdict: CONDITIONAL on `peak`"), "{out}");
    let exit_line = out
        .lines()
        .find(|l| l.starts_with("exit "))
        .unwrap_or_default();
    assert!(
        exit_line.starts_with("exit 1: k6's own thresholds: 1 of 2 failed")
            && exit_line.contains(THRESHOLD),
        "{out}"
    );

    // --strict and --json say the same, and list k6's thresholds.
    for extra in [&["--json"][..], &["--json", "--strict"]] {
        let (code, out, err) = check(&run, &sla, extra);
        let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        assert_eq!(
            (code, &json["exit_code"]),
            (1, &1.into()),
            "{extra:?}: {json:#}"
        );
        assert_eq!(json["verdict"], "CONDITIONAL", "{json:#}");
        assert_eq!(tool_checks(&json["tool_checks"]), expected, "{json:#}");
    }

    // JUnit fails the threshold's testcase (it skipped it), the comment names it.
    let junit = dir.path().join("ci/junit.xml");
    let comment = dir.path().join("ci/comment.md");
    let outputs = [
        "--junit",
        junit.to_str().unwrap(),
        "--markdown",
        comment.to_str().unwrap(),
    ];
    let (code, _, err) = check(&run, &sla, &outputs);
    assert_eq!(code, 1, "{err}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("failures=\"1\" skipped=\"0\" errors=\"0\""),
        "{xml}"
    );
    let suite = "<testsuite name=\"k6 thresholds\" tests=\"2\" failures=\"1\" skipped=\"0\"";
    assert!(xml.contains(suite), "{xml}");
    let case = "name=\"http_req_duration: p(95)&lt;100\" time=\"0\">\n      <failure ";
    assert!(xml.contains(case), "{xml}");
    assert!(!xml.contains("<skipped"), "{xml}");
    let md = std::fs::read_to_string(&comment).unwrap();
    assert!(
        md.contains("**k6's own thresholds: 1 of 2 failed**"),
        "{md}"
    );
    assert!(md.contains(&format!("- ❌ `{THRESHOLD}`")), "{md}");

    // analyze holds the GO back the same way and lists the thresholds.
    let (code, report, err) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["verdict"], "CONDITIONAL", "{report:#}");
    assert_eq!(tool_checks(&report["tool_checks"]), expected);

    // The same run with the threshold held: GO, exit 0, no failure anywhere.
    dir.write("held/02 Peak (10 users)/k6-console.log", k6_console(false));
    let held = dir.path().join("held");
    let (code, out, err) = check(&held, &sla, &["--junit", junit.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("verdict: GO on `peak`"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("failures=\"0\" skipped=\"0\" errors=\"0\""),
        "{xml}"
    );
}

/// autocannon's `--json` result as autocannon 7 writes it: 1,046 answers of 200 in
/// 3.13 s from 10 connections, `mismatches` of them with a body `--expectBody` did
/// not expect (autocannon counts those apart from `errors` and `non2xx`).
fn autocannon_json(mismatches: u64) -> String {
    format!(
        "{{\"url\":\"http://127.0.0.1:18460/api/v1/agents\",\"connections\":10,\
         \"sampleInt\":1000,\"pipelining\":1,\"workers\":0,\"duration\":3.13,\"samples\":3,\
         \"start\":\"2026-12-06T18:39:32.053Z\",\"finish\":\"2026-12-06T18:39:35.179Z\",\
         \"errors\":0,\"timeouts\":0,\"mismatches\":{mismatches},\"non2xx\":0,\"resets\":0,\
         \"1xx\":0,\"2xx\":1046,\"3xx\":0,\"4xx\":0,\"5xx\":0,\
         \"statusCodeStats\":{{\"200\":{{\"count\":1046}}}},\"latency\":{{\"average\":28.88,\
         \"mean\":28.88,\"stddev\":17.47,\"min\":4,\"max\":135,\"p0_001\":4,\"p0_01\":4,\
         \"p0_1\":6,\"p1\":7,\"p2_5\":9,\"p10\":12,\"p25\":17,\"p50\":24,\"p75\":37,\
         \"p90\":51,\"p97_5\":75,\"p99\":85,\"p99_9\":127,\"p99_99\":135,\"p99_999\":135,\
         \"totalCount\":1046}},\"requests\":{{\"average\":348.67,\"mean\":348.67,\
         \"stddev\":19.62,\"min\":324,\"max\":372,\"total\":1046,\"sent\":1056}},\
         \"throughput\":{{\"average\":69381.34,\"mean\":69381.34,\"total\":208154}}}}"
    )
}

#[test]
fn autocannon_answers_that_failed_expect_body_hold_a_go_back() {
    // `autocannon --expectBody '…' -j URL > autocannon.json`: every answer was a 200
    // whose body was not the one expected. Before, the SLA's latency rule made a GO
    // (mismatches were not read); now they are the run's checks of the answers.
    let dir = TestDir::new();
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(99) < 500ms\"]\n");
    dir.write("all/Stage 2 - Peak/autocannon.json", autocannon_json(1046));
    let run = dir.path().join("all");
    let (code, out, err) = check(&run, &sla, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("verdict: CONDITIONAL"), "{out}");
    // 1046 of 1046: 100.0 %, named by the flag that checked them (autocannon runs no
    // script: they were "the script's checks" until messy_runs_ce).
    assert!(
        out.contains(
            "1046 of 1046 of autocannon's --expectBody checks of the answers (100.0%) failed"
        ),
        "{out}"
    );
    assert!(out.contains("`--expectBody` 1046"), "{out}");
    // --strict fails it, and JUnit fails the `answers` case.
    let junit = dir.path().join("junit.xml");
    let (code, out, err) = check(
        &run,
        &sla,
        &["--strict", "--junit", junit.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("exit 1: the answers hold a GO back"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("name=\"answers\" time=\"0\">\n      <failure "),
        "{xml}"
    );

    // 10 of 1046 (0.96 %, not more than 1 %) and none: the rule decides, GO.
    for (name, mismatches) in [("few", 10), ("none", 0)] {
        dir.write(
            &format!("{name}/Stage 2 - Peak/autocannon.json"),
            autocannon_json(mismatches),
        );
        let (code, out, err) = check(&dir.path().join(name), &sla, &["--strict"]);
        assert_eq!(code, 0, "{name}: {out}\n{err}");
        assert!(out.contains("verdict: GO"), "{name}: {out}");
    }
}

#[test]
fn a_k6_threshold_failed_beside_another_tools_passing_run_fails_the_check() {
    // One stage dir, two tools teed into it: autocannon's run passes everything, k6's
    // console says its threshold failed. The k6 gate failed, so check does, and the
    // JUnit file lists k6's thresholds alone (autocannon judged nothing itself).
    let dir = TestDir::new();
    let sla = dir.write("sla.toml", SLA);
    dir.write(
        "runs/02 Peak (10 users)/autocannon.json",
        autocannon_json(0),
    );
    dir.write("runs/02 Peak (10 users)/k6.log", k6_console(true));
    let junit = dir.path().join("junit.xml");
    let run = dir.path().join("runs");
    let (code, out, err) = check(&run, &sla, &["--junit", junit.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains(THRESHOLD), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(
        xml.matches("<testsuite name=\"k6 thresholds\"").count(),
        1,
        "{xml}"
    );
    assert!(!xml.contains("autocannon"), "{xml}");
    // With k6's threshold held, the same dir passes.
    dir.write("runs/02 Peak (10 users)/k6.log", k6_console(false));
    let (code, out, err) = check(&run, &sla, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
}

/// A JMeter CSV of 400 samples of `GET /api` from 5 threads, 50 ms apart, answered
/// in 20–49 ms, every tenth a 200 that failed its response assertion (`success`
/// false, with JMeter's `failureMessage`): 40 failed, 10 %.
fn jtl_with_failed_assertions() -> String {
    let mut jtl = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
         failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
    );
    for i in 0..400u64 {
        let (ok, message) = match i % 10 {
            0 => ("false", "Test failed: text expected to contain /ok/"),
            _ => ("true", ""),
        };
        jtl.push_str(&format!(
            "{},{},GET /api,200,OK,TG 1-{},text,{ok},{message},100,50,5,5,http://x/api,10,0,1\n",
            1_764_835_200_000 + i * 50,
            20 + i % 30,
            i % 5 + 1
        ));
    }
    jtl
}

#[test]
fn strict_fails_failures_no_gating_rule_judges_and_junit_shows_them() {
    // The SLA judges latency alone; 10 % of the requests failed JMeter's assertion.
    // The verdict was CONDITIONAL ("no gating rule judges failures") but
    // `check --strict` exited 0 with an all-green JUnit file: a strict gate passing
    // what the verdict says is not a GO, while JMeter's own report shows 10 % errors.
    let dir = TestDir::new();
    dir.write("run/peak/results.jtl", jtl_with_failed_assertions());
    let run = dir.path().join("run");
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 500ms\"]\n");
    let junit = dir.path().join("junit.xml");
    let junit_arg = ["--junit", junit.to_str().unwrap()];
    let (code, out, err) = check(&run, &sla, &junit_arg);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("requests failed: 10%"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("name=\"failures\" time=\"0\">\n      <skipped "),
        "{xml}"
    );

    let strict = [junit_arg[0], junit_arg[1], "--strict"];
    let (code, out, err) = check(&run, &sla, &strict);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("exit 1: requests failed that no gating rule judges"),
        "{out}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("name=\"failures\" time=\"0\">\n      <failure "),
        "{xml}"
    );
    assert!(
        xml.contains("failures=\"1\" skipped=\"0\" errors=\"0\""),
        "{xml}"
    );

    // A rule on failures judges them (10 % < 20 %): GO, strict or not.
    let judged = dir.write(
        "judged.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 20%\"]\n",
    );
    let (code, out, err) = check(&run, &judged, &strict);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("verdict: GO"), "{out}");
}
