//! The load tool's own pass/fail checks (k6's thresholds) beside the SLA: a run k6
//! failed a threshold on is never a GO, whatever the SLA given to headroom says, and
//! the report names the failed thresholds.

use serde_json::Value;

use crate::check::check_json;
use crate::common::{analyze_json, TestDir};
use crate::messy_runs_e::k6_json;

/// A k6 end-of-test summary of `n` requests, none failed, p90 20 ms, p95 22 ms, with
/// the thresholds `http_req_duration: p(95)<500` (held) and, when `p90_failed` is
/// given, `p(90)<15` (failed) or `p(90)<25` (held), as k6 judged them on those
/// figures: `--summary-export`'s shape (a threshold's value is true when it FAILED)
/// or `handleSummary()`'s (`{"ok": held}`).
pub(crate) fn summary(n: u64, p90_failed: Option<bool>, handle_summary: bool) -> String {
    let mark = |failed: bool| {
        if handle_summary {
            format!("{{\"ok\":{}}}", !failed)
        } else {
            failed.to_string()
        }
    };
    let p90 = p90_failed
        .map(|f| format!(",\"p(90)<{}\":{}", if f { 15 } else { 25 }, mark(f)))
        .unwrap_or_default();
    let duration_th = format!("\"thresholds\":{{\"p(95)<500\":{}{p90}}}", mark(false));
    let trend = "\"avg\":12.0,\"min\":4.0,\"med\":10.0,\"max\":40.0,\"p(90)\":20.0,\"p(95)\":22.0";
    let rate = n as f64 / 20.0;
    if handle_summary {
        format!(
            "{{\"root_group\":{{\"name\":\"\",\"path\":\"\",\"id\":\"d41d8\",\"groups\":[],\"checks\":[]}},\
             \"state\":{{\"testRunDurationMs\":20000}},\
             \"metrics\":{{\"http_reqs\":{{\"type\":\"counter\",\"contains\":\"default\",\"values\":{{\"count\":{n},\"rate\":{rate}}}}},\
             \"http_req_failed\":{{\"type\":\"rate\",\"contains\":\"default\",\"values\":{{\"rate\":0,\"passes\":0,\"fails\":{n}}}}},\
             \"http_req_duration\":{{\"type\":\"trend\",\"contains\":\"time\",\"values\":{{{trend}}},{duration_th}}},\
             \"vus\":{{\"type\":\"gauge\",\"contains\":\"default\",\"values\":{{\"value\":10,\"min\":10,\"max\":10}}}}}}}}"
        )
    } else {
        format!(
            "{{\"root_group\":{{\"name\":\"\",\"path\":\"\",\"id\":\"d41d8\",\"groups\":{{}},\"checks\":{{}}}},\
             \"metrics\":{{\"http_reqs\":{{\"count\":{n},\"rate\":{rate}}},\
             \"http_req_failed\":{{\"passes\":0,\"fails\":{n},\"value\":0}},\
             \"http_req_duration\":{{{trend},{duration_th}}},\
             \"vus\":{{\"value\":10,\"min\":10,\"max\":10}}}}}}"
        )
    }
}

const SLA: &str = "[global]\nrules = [\"p(95) < 500ms\"]\n";

#[test]
fn a_k6_summary_whose_threshold_failed_is_no_go_whatever_the_sla_says() {
    let dir = TestDir::new();
    let sla = dir.write("sla.toml", SLA);
    // p95 22 ms < 500 ms: the SLA holds; k6 says `p(90)<15` failed (`true`): p90 is 20 ms.
    dir.write(
        "failed/summary-export.json",
        summary(2000, Some(true), false),
    );
    let junit = dir.path().join("ci/junit.xml");
    let junit_arg = ["--junit", junit.to_str().unwrap()];
    let (code, check, _) = check_json(&dir.path().join("failed"), &sla, &junit_arg);
    // The test report shows k6's failed threshold failed, as the exit code: k6 failed
    // the run (exit 99), and so does check (it exited 0 on it until messy_runs_bw).
    let xml = std::fs::read_to_string(&junit).unwrap();
    let suite = "<testsuite name=\"k6 thresholds\" tests=\"2\" failures=\"1\" skipped=\"0\"";
    assert!(xml.contains(suite), "{xml}");
    assert_eq!(
        (code, &check["verdict"]),
        (1, &"CONDITIONAL".into()),
        "{check}"
    );
    let headline = check["headline"].as_str().unwrap_or_default().to_string() + &check.to_string();
    assert!(
        headline.contains("k6's own thresholds: 1 of 2 failed (`http_req_duration: p(90)<15`)"),
        "{headline}"
    );
    let (_, report, _) = analyze_json(
        &[&dir.path().join("failed")],
        &["--sla", sla.to_str().unwrap()],
    );
    let checks = report["tool_checks"].as_array().unwrap();
    let held =
        |name: &str| (checks.iter().find(|c| c["name"] == name)).map(|c| c["passed"].clone());
    assert_eq!(
        held("http_req_duration: p(90)<15"),
        Some(Value::Bool(false))
    );
    assert_eq!(
        held("http_req_duration: p(95)<500"),
        Some(Value::Bool(true))
    );
    // The same thresholds all held (`false`: not failed): GO.
    dir.write(
        "held/summary-export.json",
        summary(2000, Some(false), false),
    );
    let (code, check, _) = check_json(&dir.path().join("held"), &sla, &[]);
    assert_eq!((code, &check["verdict"]), (0, &"GO".into()), "{check}");
    // handleSummary()'s shape says the same with `ok`.
    dir.write("handle/summary.json", summary(2000, Some(true), true));
    let (_, check, _) = check_json(&dir.path().join("handle"), &sla, &[]);
    assert_eq!(check["verdict"], "CONDITIONAL", "{check}");
}

#[test]
fn a_same_run_summarys_failed_threshold_holds_the_per_request_outputs_go_back() {
    // k6 wrote --out json and --summary-export of one run (2,000 requests, none
    // failed, checked on the counts): the JSON is read, the summary's thresholds
    // still judge that run.
    let dir = TestDir::new();
    let sla = dir.write("sla.toml", SLA);
    dir.write("run/results.json", k6_json(2000, 0));
    dir.write("run/summary.json", summary(2000, Some(true), true));
    let (_, check, _) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(check["verdict"], "CONDITIONAL", "{check}");
    // Without an SLA there is no verdict, and the note says what k6 found.
    let (code, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        report["skipped"][0]["kind"], "same_data",
        "{}",
        report["skipped"]
    );
    let notes = report["warnings"].to_string();
    assert!(
        notes.contains("k6's own thresholds: 1 of 2 failed"),
        "{notes}"
    );
    // Another run's summary (999 requests) judged other data: its thresholds are not
    // this run's.
    dir.write("other/results.json", k6_json(2000, 0));
    dir.write("other/summary.json", summary(999, Some(true), true));
    let (_, report, _) = analyze_json(&[&dir.path().join("other")], &[]);
    assert_eq!(
        report["tool_checks"],
        Value::Array(vec![]),
        "{}",
        report["tool_checks"]
    );
}

/// A JMeter CSV JTL of 3,000 samples 20 ms apart at 10 threads, 20–69 ms each; every
/// `every`-th answered 500, marked `success` = `ok_500`.
fn jtl_with_500s(every: usize, ok_500: bool) -> String {
    let mut out = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
         failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
    );
    for i in 0..3000usize {
        let (code, ok) = if i % every == 0 {
            ("500", ok_500)
        } else {
            ("200", true)
        };
        out.push_str(&format!(
            "{},{},GET /api,{code},x,TG 1-{},text,{ok},,100,50,10,10,http://x/api,10,0,0\n",
            1_764_835_200_000u64 + i as u64 * 20,
            20 + i % 50,
            i % 10 + 1
        ));
    }
    out
}

#[test]
fn server_errors_the_tool_marked_successful_hold_a_go_back() {
    // 750 of 3,000 (25 %) answered 500 and JMeter marked them successful (an
    // assertion that ignores the status): the error rate is 0 % as JMeter says, but
    // no GO rests on a quarter of the answers being server errors.
    let dir = TestDir::new();
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\"]\n",
    );
    dir.write("ok500/results.jtl", jtl_with_500s(4, true));
    let (code, check, _) = check_json(&dir.path().join("ok500"), &sla, &[]);
    assert_eq!(
        (code, &check["verdict"]),
        (0, &"CONDITIONAL".into()),
        "{check}"
    );
    let text = check.to_string();
    assert!(
        text.contains("750 of 3000 requests (25.0%) answered HTTP 5xx"),
        "{text}"
    );
    // The same samples in JMeter's XML JTL are said the same.
    let xml: String = (0..3000usize)
        .map(|i| {
            let code = if i % 4 == 0 { 500 } else { 200 };
            format!(
                "<httpSample t=\"{}\" ts=\"{}\" s=\"true\" lb=\"GET /api\" rc=\"{code}\" \
                 rm=\"x\" tn=\"TG 1-{}\" na=\"10\" ng=\"10\"/>\n",
                20 + i % 50,
                1_764_835_200_000u64 + i as u64 * 20,
                i % 10 + 1
            )
        })
        .collect();
    dir.write(
        "xml/results.jtl",
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n{xml}</testResults>\n"),
    );
    let (_, check, _) = check_json(&dir.path().join("xml"), &sla, &[]);
    assert_eq!(check["verdict"], "CONDITIONAL", "{check}");
    let text = check.to_string();
    assert!(
        text.contains("750 of 3000 requests (25.0%) answered HTTP 5xx"),
        "{text}"
    );
    // Marked failed, the same samples fail the error rate: NO-GO.
    dir.write("failed500/results.jtl", jtl_with_500s(4, false));
    let (code, check, _) = check_json(&dir.path().join("failed500"), &sla, &[]);
    assert_eq!((code, &check["verdict"]), (1, &"NO-GO".into()), "{check}");
    // 15 of 3,000 (0.5 %): said in a note, no GO held back.
    dir.write("few/results.jtl", jtl_with_500s(200, true));
    let (code, check, _) = check_json(&dir.path().join("few"), &sla, &[]);
    assert_eq!((code, &check["verdict"]), (0, &"GO".into()), "{check}");
    let text = check.to_string();
    assert!(
        text.contains("15 of 3000 samples (0.5%) answered HTTP 5xx"),
        "{text}"
    );
}

#[test]
fn server_errors_of_an_endpoint_left_out_hold_nothing_back() {
    // The 750 samples answered 500 and marked successful are all `GET /health`'s:
    // left out with --exclude, the figures hold no 5xx and the SLA decides; kept
    // alone with --include, all 750 of 750 are.
    let dir = TestDir::new();
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\"]\n",
    );
    let jtl: String = (jtl_with_500s(4, true).lines())
        .map(|l| match l.contains(",500,") {
            true => l.replace("GET /api", "GET /health") + "\n",
            false => l.to_string() + "\n",
        })
        .collect();
    dir.write("run/results.jtl", jtl);
    let run = dir.path().join("run");
    let (_, check, _) = check_json(&run, &sla, &["--exclude", "/health"]);
    assert_eq!(check["verdict"], "GO", "{check}");
    let (_, check, _) = check_json(&run, &sla, &["--include", "/health"]);
    assert_eq!(check["verdict"], "CONDITIONAL", "{check}");
    let text = check.to_string();
    assert!(
        text.contains("750 of 750 requests (100.0%) answered HTTP 5xx"),
        "{text}"
    );
}

/// Gatling's `Assertion` model in boopickle's layout, as its log keeps it: a case
/// class is `0` then its fields, a sealed trait's case its 1-based index (Gatling's
/// `AssertionPicklers` order), a double eight little-endian bytes.
pub fn gatling_assertion_bytes(scope: &[u8], target: &[u8], condition: (u8, f64)) -> Vec<u8> {
    let mut b = vec![0];
    b.extend(scope);
    b.extend(target);
    b.extend([condition.0, 0]);
    b.extend(condition.1.to_le_bytes());
    b
}

/// [`gatling_assertion_bytes`] in base64, as the text log's `ASSERTION` record has it.
fn gatling_assertion(scope: &[u8], target: &[u8], condition: (u8, f64)) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .encode(gatling_assertion_bytes(scope, target, condition))
}

/// A Gatling 3.9 text log of 4 users' 200 requests to `home`, 50 ms apart, answered in 10–109
/// ms (each twice: p95 by nearest rank 104 ms, max 109), the first 4 KO (98 %
/// successful), with the simulation's assertions: p95 < 500 (holds), successful % >
/// `min_ok` and `home`'s max ≤ 200 (holds).
fn gatling_log(min_ok: f64) -> String {
    let global = [1u8];
    let home = [3u8, 0, 1, 4, b'h', b'o', b'm', b'e'];
    // Time(ResponseTime, Percentile(95.0)).
    let p95: Vec<u8> = [3, 0, 1, 5, 0]
        .into_iter()
        .chain(95f64.to_le_bytes())
        .collect();
    let lines = [
        gatling_assertion(&global, &p95, (3, 500.0)),
        gatling_assertion(&global, &[2, 0, 2], (4, min_ok)),
        gatling_assertion(&home, &[3, 0, 1, 2], (1, 200.0)),
    ];
    let mut log: String = lines.iter().map(|b| format!("ASSERTION\t{b}\n")).collect();
    let t0 = 1_764_835_200_000u64;
    log.push_str(&format!("RUN\tsims.Shop\tshop\t{t0}\t \t3.9.5\n"));
    for _ in 0..4 {
        log.push_str(&format!("USER\tShop\tSTART\t{t0}\n"));
    }
    for i in 0..200u64 {
        let (start, ms) = (t0 + i * 50, 10 + i % 100);
        let status = if i < 4 {
            "KO\tstatus.find.is(200), but actually found 503"
        } else {
            "OK\t "
        };
        log.push_str(&format!(
            "REQUEST\t\thome\t{start}\t{}\t{status}\n",
            start + ms
        ));
    }
    for _ in 0..4 {
        log.push_str(&format!("USER\tShop\tEND\t{}\n", t0 + 200 * 50));
    }
    log
}

#[test]
fn a_gatling_run_that_failed_its_own_assertions_is_no_go() {
    // The SLA (p95 < 500 ms) holds; the simulation asserts more than 99 % successful
    // and 98 % were: Gatling failed the run (exit code 2), so headroom's GO would
    // contradict the team's own gate.
    let dir = TestDir::new();
    let sla = dir.write("sla.toml", SLA);
    dir.write("failed/simulation.log", gatling_log(99.0));
    let (code, check, _) = check_json(&dir.path().join("failed"), &sla, &[]);
    // check fails the run as Gatling did (it exited 0 on it until messy_runs_bw).
    assert_eq!(
        (code, &check["verdict"]),
        (1, &"CONDITIONAL".into()),
        "{check}"
    );
    let failed = "gatling's own assertions: 1 of 3 failed (`Global: percentage of successful \
                  events is greater than 99.0 (actual: 98.0)`)";
    assert!(check.to_string().contains(failed), "{check}");
    // The report lists every assertion with the figure judged.
    let (_, report, _) = analyze_json(&[&dir.path().join("failed")], &[]);
    let names: Vec<(String, bool)> = (report["tool_checks"].as_array().unwrap().iter())
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["passed"].as_bool().unwrap(),
            )
        })
        .collect();
    let expected = [
        (
            "Global: 95th percentile of response time is less than 500.0 (actual: 104.0)",
            true,
        ),
        (
            "Global: percentage of successful events is greater than 99.0 (actual: 98.0)",
            false,
        ),
        (
            "home: max of response time is less than or equal to 200.0 (actual: 109.0)",
            true,
        ),
    ];
    let expected: Vec<(String, bool)> = expected.iter().map(|(n, p)| (n.to_string(), *p)).collect();
    assert_eq!(names, expected);
    // Asserting more than 97 %: every assertion holds, and the SLA decides.
    dir.write("held/simulation.log", gatling_log(97.0));
    let (_, check, _) = check_json(&dir.path().join("held"), &sla, &[]);
    assert_eq!(check["verdict"], "GO", "{check}");
}

#[test]
fn gatling_assertions_under_a_time_window_are_judged_on_the_requests_kept_and_say_so() {
    // The log's first 20 requests (50 ms apart) hold its 4 failures; `--from` 1 s after
    // the first request keeps the other 180, all successful: 100.0 % > 99.0 holds there,
    // though Gatling, judging every request, failed it (98.0).
    let dir = TestDir::new();
    dir.write("run/simulation.log", gatling_log(99.0));
    let from = (1_764_835_200_000u64 + 1000).to_string();
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &["--from", &from]);
    let success = (report["tool_checks"].as_array().unwrap().iter())
        .find(|c| c["name"].as_str().unwrap().contains("successful events"))
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(
        (&success["name"], &success["passed"]),
        (
            &"Global: percentage of successful events is greater than 99.0 (actual: 100.0)".into(),
            &true.into()
        )
    );
    let text = report.to_string();
    assert!(
        text.contains("on the requests --from kept (Gatling judged every request of its log"),
        "{text}"
    );
    assert!(
        !text.contains("judged by headroom on the log's every request"),
        "{text}"
    );
}

/// k6 `checks` Points, one per request of [`k6_json`]'s run (10 ms apart): the check
/// `status is 200`, failed on every `fail_every`-th.
fn k6_check_points(n: u32, fail_every: u32) -> String {
    (0..n)
        .map(|i| {
            let ms = u64::from(i) * 10;
            let time = format!("2025-12-04T08:{:02}:{:02}.{:03}Z", ms / 60_000, ms / 1000 % 60, ms % 1000);
            let value = u8::from(i % fail_every != 0);
            format!(
                "{{\"metric\":\"checks\",\"type\":\"Point\",\"data\":{{\"time\":\"{time}\",\"value\":{value},\
                 \"tags\":{{\"check\":\"status is 200\",\"group\":\"\",\"scenario\":\"default\"}}}}}}\n"
            )
        })
        .collect()
}

#[test]
fn a_k6_run_whose_checks_failed_is_no_go_though_no_request_failed() {
    // Every answer was HTTP 200 (http_req_failed 0 %), but the script's check failed
    // on 1 in 20 (100 of 2,000: a 200 with an error body): the SLA's error rate holds
    // on the status alone, and the verdict must not be GO.
    let dir = TestDir::new();
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\"]\n",
    );
    dir.write(
        "run/results.json",
        k6_json(2000, 0) + &k6_check_points(2000, 20),
    );
    let junit = dir.path().join("ci/junit.xml");
    let junit_arg = ["--junit", junit.to_str().unwrap()];
    let (code, check, _) = check_json(&dir.path().join("run"), &sla, &junit_arg);
    // The test report is not all green: the answers hold the GO back.
    let xml = std::fs::read_to_string(&junit).unwrap();
    let case = "<testcase classname=\"headroom.data\" name=\"answers\" time=\"0\">\n      <skipped";
    assert!(xml.contains(case), "{xml}");
    assert_eq!(
        (code, &check["verdict"]),
        (0, &"CONDITIONAL".into()),
        "{check}"
    );
    let text = check.to_string();
    let said =
        "100 of 2000 of the script's checks of the answers (5.0%) failed (`status is 200` 100)";
    assert!(text.contains(said), "{text}");
    // 1 in 400 (5 of 2,000, 0.25 %): a note, and the SLA decides.
    dir.write(
        "few/results.json",
        k6_json(2000, 0) + &k6_check_points(2000, 400),
    );
    let (_, check, _) = check_json(&dir.path().join("few"), &sla, &[]);
    assert_eq!(check["verdict"], "GO", "{check}");
    let (_, report, _) = analyze_json(&[&dir.path().join("few")], &[]);
    let notes = report.to_string();
    assert!(
        notes.contains(
            "5 of 2000 of the script's checks of the answers failed (0.2%; `status is 200` 5): k6 counts requests by status and 0 failed, so the failure figures miss at least 5"
        ),
        "{notes}"
    );
    // Checks that fail with their requests (a check of the status: 100 of each) are
    // in the failure figures already: the 5 % error rate is judged (< 10 %), GO.
    dir.write(
        "same/results.json",
        k6_json(2000, 20) + &k6_check_points(2000, 20),
    );
    let loose = dir.write(
        "loose.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 10%\"]\n",
    );
    let (_, check, _) = check_json(&dir.path().join("same"), &loose, &[]);
    assert_eq!(check["verdict"], "GO", "{check}");
    // k6's CSV output: 600 requests, 10 a second, the check `body has id` failed on
    // every 10th.
    let mut csv = String::from(
        "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,\
         method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata\n",
    );
    for i in 0..600u64 {
        let (ts, url) = (1_764_835_200 + i / 10, "http://127.0.0.1/x");
        for (metric, value) in [
            ("http_reqs", 1),
            ("http_req_duration", 5 + i % 7),
            ("http_req_failed", 0),
        ] {
            csv.push_str(&format!(
                "{metric},{ts},{value}.000000,,,,true,,GET,{url},HTTP/1.1,default,,200,,,{url},,\n"
            ));
        }
        let passed = u8::from(i % 10 != 0);
        csv.push_str(&format!(
            "checks,{ts},{passed}.000000,body has id,,,,,,,,default,,,,,,,\n"
        ));
    }
    dir.write("csv/results.csv", csv);
    let (_, check, _) = check_json(&dir.path().join("csv"), &sla, &[]);
    assert_eq!(check["verdict"], "CONDITIONAL", "{check}");
    let said = "60 of 600 of the script's checks of the answers (10.0%) failed (`body has id` 60)";
    assert!(check.to_string().contains(said), "{check}");
    // A summary export alone says the same from its `checks` rate.
    let export = summary(2000, None, false).replacen(
        "\"metrics\":{",
        "\"metrics\":{\"checks\":{\"passes\":1900,\"fails\":100,\"value\":0.95},",
        1,
    );
    dir.write("summary/summary-export.json", export);
    let (_, check, _) = check_json(&dir.path().join("summary"), &sla, &[]);
    assert_eq!(check["verdict"], "CONDITIONAL", "{check}");
    assert!(
        check
            .to_string()
            .contains("100 of 2000 of the script's checks"),
        "{check}"
    );
}
