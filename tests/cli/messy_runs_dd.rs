//! Messy runs, batch "dd" (qa102): autocannon's results as teams save them — the
//! command echoed above its `--json` line (`$ autocannon …`, `$ npx autocannon …`),
//! several runs appended to one file by a shell loop, `--warmup`'s extra result line,
//! and a run whose every request timed out, judged on autocannon's timeout. The
//! fixtures are what autocannon 9.0.0 printed here against `headroom target` on
//! loopback.

use serde_json::Value;

use super::common::{analyze_json, TestDir};
use super::messy_runs_cg::{check_json, on_stage};

/// The URL the fixtures ran against.
const URL: &str = "http://127.0.0.1:18450/api/v1/agents";

/// Each stage's (name, users, requests).
fn stages(report: &Value) -> Vec<(String, u64, u64)> {
    (report["stages"].as_array().expect("stages").iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap_or("").to_string(),
                s["users"].as_u64().unwrap_or(0),
                s["requests"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// Observed: `{ echo "$ autocannon -c 10 -d 5 -j URL"; autocannon … -j URL; } >
/// result.json` in `01-baseline/`, and the same with `$ npx autocannon -c 50 … -m POST`
/// in `02-c50/`: both stage dirs were "a stage dir whose files hold no load-test
/// result" (the JSON was looked for only at the file's first byte). Now each is read
/// from the line its JSON starts on, with the requests autocannon counted (2,130 and
/// 6,718 answers, no errors), its connections as the users, and the method of the
/// echoed `npx` command line.
#[test]
fn autocannon_json_below_its_echoed_command_is_read_with_it() {
    let dir = TestDir::new();
    dir.write(
        "run/01-baseline/result.json",
        format!("$ autocannon -c 10 -d 5 -j {URL}\n{BASELINE_C10}\n"),
    );
    dir.write(
        "run/02-c50/result.json",
        format!("$ npx autocannon -c 50 -d 5 -m POST -j {URL}\n{STEP_C50}\n"),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stages(&report),
        [
            ("baseline".to_string(), 10, 2_130),
            ("02-c50".to_string(), 50, 6_718)
        ],
        "{stderr}"
    );
    let endpoints = |i: usize| -> Vec<String> {
        (report["stages"][i]["endpoints"].as_array().unwrap().iter())
            .map(|e| e["key"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(endpoints(0), [URL.to_string()]);
    assert_eq!(endpoints(1), [format!("POST {URL}")]);
}

/// Observed: `for c in 10 50; do echo "$ autocannon -c $c -d 5 -j URL"; autocannon -c
/// $c -d 5 -j URL; done > runs.json`, one run dir: refused as "holds no load-test
/// result". Now each result is a run of its own — a stage at its connections, with
/// its own requests — as for autocannon's console appended run after run.
#[test]
fn autocannon_results_appended_to_one_file_are_read_run_by_run() {
    let dir = TestDir::new();
    dir.write(
        "run/runs.json",
        format!(
            "$ autocannon -c 10 -d 5 -j {URL}\n{BASELINE_C10}\n\
             $ autocannon -c 50 -d 5 -j {URL}\n{STEP_C50}\n"
        ),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let got: Vec<(u64, u64)> = stages(&report).iter().map(|s| (s.1, s.2)).collect();
    assert_eq!(got, [(10, 2_130), (50, 6_718)], "{report}");
}

/// Observed: `autocannon -c 10 -d 2 --warmup [ -c 5 -d 1 ] -j URL > result.json`:
/// "result.json:2: not valid JSON: trailing characters" — autocannon prints the
/// warm-up's result on a line before the run's. Now the warm-up is left out, said in a
/// note, and the stage is the run's: 10 connections, 839 answers.
#[test]
fn autocannon_warmup_result_is_left_out_of_the_run() {
    let dir = TestDir::new();
    dir.write("run/c10/result.json", format!("{WARMUP_THEN_RUN}\n"));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stages(&report), [("c10".to_string(), 10, 839)], "{report}");
    let text = report.to_string();
    assert!(text.contains("warm-up (`--warmup`)"), "{text}");
    assert!(!text.contains("not valid JSON"), "{text}");
}

/// Observed: `autocannon -c 100 -d 5 --timeout 1 -j URL` against a stalled target,
/// command echoed above: 437 requests, every one a timeout, so autocannon keeps no
/// latency; `p(50) < 500ms` was `insufficient_data` ("no latency values"), although
/// each of those requests waited at least the 1 s timeout. Now the rule fails on that
/// bound (≥ 1 s, the basis in its note); a limit above the timeout (`p(50) < 5s`)
/// stays unjudged, since the bound cannot show it holds.
#[test]
fn every_request_timed_out_judges_latency_on_the_timeout() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    dir.write(
        "run/stalled/result.json",
        format!("$ autocannon -c 100 -d 5 --timeout 1 -j {URL}\n{ALL_TIMED_OUT}\n"),
    );
    let (code, json) = check_json(&run, r#""p(50) < 500ms", "p(50) < 5s""#, &dir);
    assert_eq!(code, 1, "{json}");
    let tight = on_stage(&json, "p(50) < 500ms");
    assert_eq!(tight["status"], "fail", "{tight}");
    assert_eq!(tight["value_display"], "≥ 1 s", "{tight}");
    let note = tight["note"].as_str().unwrap_or("");
    assert!(note.contains("every one of the 437 requests"), "{note}");
    let loose = on_stage(&json, "p(50) < 5s");
    assert_eq!(loose["status"], "insufficient_data", "{loose}");
}

/// The same all-timeout result without its command line: autocannon's JSON does not
/// say its timeout (`-t` may have set it below the default 10 s), so no bound is made
/// up and the rule stays `insufficient_data`.
#[test]
fn every_request_timed_out_without_a_command_line_stays_unjudged() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    dir.write("run/stalled/result.json", format!("{ALL_TIMED_OUT}\n"));
    let (_, json) = check_json(&run, r#""p(50) < 500ms""#, &dir);
    let p50 = on_stage(&json, "p(50) < 500ms");
    assert_eq!(p50["status"], "insufficient_data", "{p50}");
}

/// The `response_time_law` audit finding of `report`'s only stage, if any.
fn little_law_verdict(report: &Value) -> Option<String> {
    (report["audit"].as_array().expect("audit").iter())
        .find(|a| a["check"] == "response_time_law")
        .map(|a| a["verdict"].as_str().unwrap_or("").to_string())
}

/// Observed: `autocannon -c 10 -p 4 -d 2 -j URL` (pipelining 4): the stage was at 10
/// users, and the audit called it "impossible" (10 users at a mean 90 ms make at most
/// 111 req/s; it had 422): each connection kept 4 requests in flight, 40 at once —
/// X·R = 890 / 2.11 s × 90.38 ms ≈ 38. Now the users are connections × pipelining, 40,
/// with a note, and Little's law holds.
#[test]
fn autocannon_pipelining_counts_every_request_in_flight_as_a_user() {
    let dir = TestDir::new();
    dir.write("run/p4/result.json", format!("{PIPELINED_JSON}\n"));
    dir.write("console/p4/console.txt", PIPELINED_CONSOLE);
    for run in ["run", "console"] {
        let (code, report, stderr) = analyze_json(&[&dir.path().join(run)], &[]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(report["stages"][0]["users"], 40, "{run}: {report}");
        assert_ne!(
            little_law_verdict(&report).as_deref(),
            Some("impossible"),
            "{run}: {}",
            report["audit"]
        );
        assert!(
            report.to_string().contains("pipelining factor of 4"),
            "{run}"
        );
    }
}

/// Observed: `autocannon -c 20 -d 3 -l --renderStatusCodes URL`, console kept with its
/// command: the stage had `3k` (±500) requests although the Code table counts 2,716
/// answers exactly, and `p(90) < 50ms` was `insufficient_data` ("the source prints no
/// p(90)") although `-l`'s Percentile table prints p90 = 36 ms. Now both tables are
/// read: 2,716 requests, p90 36 ms and p99.9 94 ms, and the rule passes.
#[test]
fn autocannon_console_reads_its_percentile_and_status_code_tables() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    dir.write("run/c20/console.txt", LATENCY_TABLE_CONSOLE);
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 2_716, "{stage}");
    assert_eq!(stage["latency_ms"]["p90"], 36.0, "{stage}");
    assert_eq!(stage["latency_ms"]["p999"], 94.0, "{stage}");
    let (_, json) = check_json(&run, r#""p(90) < 50ms""#, &dir);
    assert_eq!(on_stage(&json, "p(90) < 50ms")["status"], "pass", "{json}");
}

/// Observed: `autocannon -c 5 -a 300 --renderStatusCodes URL` on a path that answers
/// 404: its 300 failures were of kind `other` ("the console prints no codes") beside a
/// Code table saying `404 │ 300`. Now they are `status:404`.
#[test]
fn autocannon_console_status_code_table_gives_the_failure_kinds() {
    let dir = TestDir::new();
    dir.write("run/c5/console.txt", NOT_FOUND_CONSOLE);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 300, "{stage}");
    assert_eq!(stage["failures"], 300, "{stage}");
    assert_eq!(
        stage["failures_by_kind"],
        serde_json::json!({"status:404": 300}),
        "{stage}"
    );
}

/// Observed: the same stalled run without `-j` (`autocannon -c 100 -d 5 --timeout 1
/// URL`, console with its command): `500 requests in 5.16s, 0 B read` and `400 errors
/// (400 timeouts)` were read as 100 answers (the requests still in flight) with the
/// Latency table's 0 ms — an error rate of 80 %, and `p(10) < 500ms` passing on
/// latencies no answer had. Nothing was read, so nothing was answered: now the
/// requests are the 400 timeouts (error rate 100 %), and every latency rule is judged
/// on the 1 s timeout: `p(10) < 500ms` fails at ≥ 1 s.
#[test]
fn autocannon_console_that_read_nothing_has_no_answers() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    dir.write("run/stalled/console.txt", ALL_TIMED_OUT_CONSOLE);
    let (code, json) = check_json(&run, r#""p(10) < 500ms", "error_rate < 1%""#, &dir);
    assert_eq!(code, 1, "{json}");
    let p10 = on_stage(&json, "p(10) < 500ms");
    assert_eq!(p10["status"], "fail", "{p10}");
    assert_eq!(p10["value_display"], "≥ 1 s", "{p10}");
    let errors = on_stage(&json, "error_rate < 1%");
    assert_eq!(errors["value"], 1.0, "{errors}");
    let (_, report, _) = analyze_json(&[&run], &[]);
    assert_eq!(report["stages"][0]["requests"], 400, "{report}");
}

/// `autocannon -c 10 -d 5 -j http://127.0.0.1:18450/api/v1/agents` against `headroom
/// target` (autocannon 9.0.0 here): 2,130 answers, all 200, p50 20 ms, p99 73 ms.
const BASELINE_C10: &str = r#"{"url":"http://127.0.0.1:18450/api/v1/agents","connections":10,"sampleInt":1000,"pipelining":1,"workers":0,"duration":5.2,"samples":5,"start":"2026-12-07T15:45:12.050Z","finish":"2026-12-07T15:45:17.254Z","errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":2130,"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{"200":{"count":2130}},"latency":{"average":23.35,"mean":23.35,"stddev":16.94,"min":4,"max":217,"p0_001":4,"p0_01":4,"p0_1":5,"p1":7,"p2_5":8,"p10":11,"p25":15,"p50":20,"p75":28,"p90":38,"p97_5":55,"p99":73,"p99_9":210,"p99_99":217,"p99_999":217,"totalCount":2130},"requests":{"average":426,"mean":426,"stddev":26.39,"min":384,"max":466,"total":2130,"p0_001":384,"p0_01":384,"p0_1":384,"p1":384,"p2_5":384,"p10":384,"p25":420,"p50":425,"p75":435,"p90":466,"p97_5":466,"p99":466,"p99_9":466,"p99_99":466,"p99_999":466,"sent":2140},"throughput":{"average":84768,"mean":84768,"stddev":5233.15,"min":76416,"max":92734,"total":423870,"p0_001":76479,"p0_01":76479,"p0_1":76479,"p1":76479,"p2_5":76479,"p10":76479,"p25":83583,"p50":84607,"p75":86591,"p90":92735,"p97_5":92735,"p99":92735,"p99_9":92735,"p99_99":92735,"p99_999":92735}}"#;

/// `autocannon -c 50 -d 5 -j …/api/v1/agents`: 6,718 answers, p50 34 ms, p99 96 ms.
const STEP_C50: &str = r#"{"url":"http://127.0.0.1:18450/api/v1/agents","connections":50,"sampleInt":1000,"pipelining":1,"workers":0,"duration":5.41,"samples":5,"start":"2026-12-07T15:45:19.649Z","finish":"2026-12-07T15:45:25.063Z","errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":6718,"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{"200":{"count":6718}},"latency":{"average":37.37,"mean":37.37,"stddev":21.73,"min":7,"max":373,"p0_001":7,"p0_01":7,"p0_1":10,"p1":15,"p2_5":17,"p10":22,"p25":26,"p50":34,"p75":43,"p90":55,"p97_5":73,"p99":96,"p99_9":333,"p99_99":373,"p99_999":373,"totalCount":6718},"requests":{"average":1343.6,"mean":1343.6,"stddev":141.08,"min":1110,"max":1492,"total":6718,"p0_001":1110,"p0_01":1110,"p0_1":1110,"p1":1110,"p2_5":1110,"p10":1110,"p25":1267,"p50":1380,"p75":1469,"p90":1492,"p97_5":1492,"p99":1492,"p99_9":1492,"p99_99":1492,"p99_999":1492,"sent":6768},"throughput":{"average":267315.2,"mean":267315.2,"stddev":28048.23,"min":220890,"max":296908,"total":1336882,"p0_001":220927,"p0_01":220927,"p0_1":220927,"p1":220927,"p2_5":220927,"p10":220927,"p25":252159,"p50":274687,"p75":292351,"p90":296959,"p97_5":296959,"p99":296959,"p99_9":296959,"p99_99":296959,"p99_999":296959}}"#;

/// `autocannon -c 10 -d 2 --warmup [ -c 5 -d 1 ] -j …/api/v1/agents`: autocannon prints
/// the warm-up's result (5 connections, 176 answers) on a line of its own, then the
/// run's (10 connections, 839 answers, p50 20 ms), which holds the first as `warmup`.
const WARMUP_THEN_RUN: &str = r#"{"url":"http://127.0.0.1:18450/api/v1/agents","connections":5,"sampleInt":1000,"pipelining":1,"workers":0,"duration":1.05,"samples":1,"start":"2026-12-07T15:48:28.159Z","finish":"2026-12-07T15:48:29.212Z","errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":176,"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{"200":{"count":176}},"latency":{"average":27.4,"mean":27.4,"stddev":15.25,"min":5,"max":103,"p0_001":5,"p0_01":5,"p0_1":5,"p1":5,"p2_5":8,"p10":13,"p25":17,"p50":24,"p75":33,"p90":40,"p97_5":74,"p99":84,"p99_9":103,"p99_99":103,"p99_999":103,"totalCount":176},"requests":{"average":176,"mean":176,"stddev":0,"min":176,"max":176,"total":176,"p0_001":176,"p0_01":176,"p0_1":176,"p1":176,"p2_5":176,"p10":176,"p25":176,"p50":176,"p75":176,"p90":176,"p97_5":176,"p99":176,"p99_9":176,"p99_99":176,"p99_999":176,"sent":181},"throughput":{"average":35024,"mean":35024,"stddev":0,"min":35024,"max":35024,"total":35024,"p0_001":35039,"p0_01":35039,"p0_1":35039,"p1":35039,"p2_5":35039,"p10":35039,"p25":35039,"p50":35039,"p75":35039,"p90":35039,"p97_5":35039,"p99":35039,"p99_9":35039,"p99_99":35039,"p99_999":35039}}
{"url":"http://127.0.0.1:18450/api/v1/agents","connections":10,"sampleInt":1000,"pipelining":1,"workers":0,"duration":2.06,"samples":2,"start":"2026-12-07T15:48:29.267Z","finish":"2026-12-07T15:48:31.325Z","errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":839,"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{"200":{"count":839}},"latency":{"average":23.32,"mean":23.32,"stddev":13.17,"min":5,"max":119,"p0_001":5,"p0_01":5,"p0_1":5,"p1":6,"p2_5":8,"p10":11,"p25":15,"p50":20,"p75":28,"p90":38,"p97_5":60,"p99":78,"p99_9":119,"p99_99":119,"p99_999":119,"totalCount":839},"requests":{"average":419.5,"mean":419.5,"stddev":4.5,"min":415,"max":424,"total":839,"p0_001":415,"p0_01":415,"p0_1":415,"p1":415,"p2_5":415,"p10":415,"p25":415,"p50":415,"p75":424,"p90":424,"p97_5":424,"p99":424,"p99_9":424,"p99_99":424,"p99_999":424,"sent":849},"throughput":{"average":83488,"mean":83488,"stddev":896,"min":82585,"max":84376,"total":166961,"p0_001":82623,"p0_01":82623,"p0_1":82623,"p1":82623,"p2_5":82623,"p10":82623,"p25":82623,"p50":82623,"p75":84415,"p90":84415,"p97_5":84415,"p99":84415,"p99_9":84415,"p99_99":84415,"p99_999":84415},"warmup":{"url":"http://127.0.0.1:18450/api/v1/agents","connections":5,"sampleInt":1000,"pipelining":1,"workers":0,"duration":1.05,"samples":1,"start":"2026-12-07T15:48:28.159Z","finish":"2026-12-07T15:48:29.212Z","errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":176,"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{"200":{"count":176}},"latency":{"average":27.4,"mean":27.4,"stddev":15.25,"min":5,"max":103,"p0_001":5,"p0_01":5,"p0_1":5,"p1":5,"p2_5":8,"p10":13,"p25":17,"p50":24,"p75":33,"p90":40,"p97_5":74,"p99":84,"p99_9":103,"p99_99":103,"p99_999":103,"totalCount":176},"requests":{"average":176,"mean":176,"stddev":0,"min":176,"max":176,"total":176,"p0_001":176,"p0_01":176,"p0_1":176,"p1":176,"p2_5":176,"p10":176,"p25":176,"p50":176,"p75":176,"p90":176,"p97_5":176,"p99":176,"p99_9":176,"p99_99":176,"p99_999":176,"sent":181},"throughput":{"average":35024,"mean":35024,"stddev":0,"min":35024,"max":35024,"total":35024,"p0_001":35039,"p0_01":35039,"p0_1":35039,"p1":35039,"p2_5":35039,"p10":35039,"p25":35039,"p50":35039,"p75":35039,"p90":35039,"p97_5":35039,"p99":35039,"p99_9":35039,"p99_99":35039,"p99_999":35039}}}"#;

/// `autocannon -c 100 -d 5 --timeout 1 -j …/api/v1/agents` against `headroom target
/// --stall-at 0s --stall-for 60s`: 437 requests, every one a timeout (`errors` 437,
/// `timeouts` 437), no answer, so every latency figure is 0 and `totalCount` 0.
const ALL_TIMED_OUT: &str = r#"{"url":"http://127.0.0.1:18451/api/v1/agents","connections":100,"sampleInt":1000,"pipelining":1,"workers":0,"duration":5.7,"samples":5,"start":"2026-12-07T15:46:41.826Z","finish":"2026-12-07T15:46:47.526Z","errors":437,"timeouts":437,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":0,"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{},"latency":{"average":0,"mean":0,"stddev":0,"min":0,"max":0,"p0_001":0,"p0_01":0,"p0_1":0,"p1":0,"p2_5":0,"p10":0,"p25":0,"p50":0,"p75":0,"p90":0,"p97_5":0,"p99":0,"p99_9":0,"p99_99":0,"p99_999":0,"totalCount":0},"requests":{"average":0,"mean":0,"stddev":0,"min":0,"max":0,"total":0,"p0_001":0,"p0_01":0,"p0_1":0,"p1":0,"p2_5":0,"p10":0,"p25":0,"p50":0,"p75":0,"p90":0,"p97_5":0,"p99":0,"p99_9":0,"p99_99":0,"p99_999":0,"sent":537},"throughput":{"average":0,"mean":0,"stddev":0,"min":0,"max":0,"total":0,"p0_001":0,"p0_01":0,"p0_1":0,"p1":0,"p2_5":0,"p10":0,"p25":0,"p50":0,"p75":0,"p90":0,"p97_5":0,"p99":0,"p99_9":0,"p99_99":0,"p99_999":0}}"#;

/// `autocannon -c 10 -p 4 -d 2 -j …/api/v1/agents`: 890 answers in 2.11 s, mean 90.38 ms.
const PIPELINED_JSON: &str = r#"{"url":"http://127.0.0.1:18450/api/v1/agents","connections":10,"sampleInt":1000,"pipelining":4,"workers":0,"duration":2.11,"samples":2,"start":"2026-12-07T16:22:20.333Z","finish":"2026-12-07T16:22:22.447Z","errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":890,"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{"200":{"count":890}},"latency":{"average":90.38,"mean":90.38,"stddev":26.85,"min":28,"max":239,"p0_001":28,"p0_01":28,"p0_1":28,"p1":46,"p2_5":50,"p10":62,"p25":72,"p50":84,"p75":104,"p90":127,"p97_5":157,"p99":172,"p99_9":239,"p99_99":239,"p99_999":239,"totalCount":890},"requests":{"average":445,"mean":445,"stddev":14,"min":431,"max":459,"total":890,"p0_001":431,"p0_01":431,"p0_1":431,"p1":431,"p2_5":431,"p10":431,"p25":431,"p50":431,"p75":459,"p90":459,"p97_5":459,"p99":459,"p99_9":459,"p99_99":459,"p99_999":459,"sent":930},"throughput":{"average":88576,"mean":88576,"stddev":2784,"min":85769,"max":91341,"total":177110,"p0_001":85823,"p0_01":85823,"p0_1":85823,"p1":85823,"p2_5":85823,"p10":85823,"p25":85823,"p50":85823,"p75":91391,"p90":91391,"p97_5":91391,"p99":91391,"p99_9":91391,"p99_99":91391,"p99_999":91391}}"#;

/// `autocannon -c 10 -d 2 -p 4 --renderStatusCodes …/api/v1/agents`, its console
/// (`10 connections with 4 pipelining factor`, mean 82.78 ms, 982 requests in 2.05 s).
const PIPELINED_CONSOLE: &str = r#"Running 2s test @ http://127.0.0.1:18450/api/v1/agents
10 connections with 4 pipelining factor


┌─────────┬───────┬───────┬────────┬────────┬──────────┬──────────┬────────┐
│ Stat    │ 2.5%  │ 50%   │ 97.5%  │ 99%    │ Avg      │ Stdev    │ Max    │
├─────────┼───────┼───────┼────────┼────────┼──────────┼──────────┼────────┤
│ Latency │ 50 ms │ 81 ms │ 126 ms │ 151 ms │ 82.78 ms │ 20.76 ms │ 190 ms │
└─────────┴───────┴───────┴────────┴────────┴──────────┴──────────┴────────┘
┌───────────┬─────────┬─────────┬─────────┬───────┬─────────┬─────────┬─────────┐
│ Stat      │ 1%      │ 2.5%    │ 50%     │ 97.5% │ Avg     │ Stdev   │ Min     │
├───────────┼─────────┼─────────┼─────────┼───────┼─────────┼─────────┼─────────┤
│ Req/Sec   │ 465     │ 465     │ 465     │ 477   │ 471     │ 6       │ 465     │
├───────────┼─────────┼─────────┼─────────┼───────┼─────────┼─────────┼─────────┤
│ Bytes/Sec │ 92.5 kB │ 92.5 kB │ 92.5 kB │ 95 kB │ 93.7 kB │ 1.22 kB │ 92.5 kB │
└───────────┴─────────┴─────────┴─────────┴───────┴─────────┴─────────┴─────────┘
┌──────┬───────┐
│ Code │ Count │
├──────┼───────┤
│ 200  │ 942   │
└──────┴───────┘

Req/Bytes counts sampled once per second.
# of samples: 2

982 requests in 2.05s, 187 kB read
"#;

/// `autocannon -c 20 -d 3 -l --renderStatusCodes …/api/v1/agents`, its console with the
/// command echoed: Code table `200 │ 2716`, Percentile table (p90 36 ms, p99.9 94 ms),
/// `3k requests in 3.05s`.
const LATENCY_TABLE_CONSOLE: &str = r#"$ autocannon -c 20 -d 3 -l --renderStatusCodes http://127.0.0.1:18450/api/v1/agents
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
20 connections


┌─────────┬──────┬───────┬───────┬───────┬──────────┬──────────┬────────┐
│ Stat    │ 2.5% │ 50%   │ 97.5% │ 99%   │ Avg      │ Stdev    │ Max    │
├─────────┼──────┼───────┼───────┼───────┼──────────┼──────────┼────────┤
│ Latency │ 7 ms │ 19 ms │ 51 ms │ 64 ms │ 21.64 ms │ 11.62 ms │ 105 ms │
└─────────┴──────┴───────┴───────┴───────┴──────────┴──────────┴────────┘
┌───────────┬────────┬────────┬────────┬────────┬────────┬─────────┬────────┐
│ Stat      │ 1%     │ 2.5%   │ 50%    │ 97.5%  │ Avg    │ Stdev   │ Min    │
├───────────┼────────┼────────┼────────┼────────┼────────┼─────────┼────────┤
│ Req/Sec   │ 888    │ 888    │ 893    │ 935    │ 905.34 │ 21.08   │ 888    │
├───────────┼────────┼────────┼────────┼────────┼────────┼─────────┼────────┤
│ Bytes/Sec │ 177 kB │ 177 kB │ 178 kB │ 186 kB │ 180 kB │ 4.18 kB │ 177 kB │
└───────────┴────────┴────────┴────────┴────────┴────────┴─────────┴────────┘
┌──────┬───────┐
│ Code │ Count │
├──────┼───────┤
│ 200  │ 2716  │
└──────┴───────┘

Req/Bytes counts sampled once per second.
# of samples: 3

┌────────────┬──────────────┐
│ Percentile │ Latency (ms) │
├────────────┼──────────────┤
│ 0.001      │ 4            │
├────────────┼──────────────┤
│ 0.01       │ 4            │
├────────────┼──────────────┤
│ 0.1        │ 4            │
├────────────┼──────────────┤
│ 1          │ 6            │
├────────────┼──────────────┤
│ 2.5        │ 7            │
├────────────┼──────────────┤
│ 10         │ 10           │
├────────────┼──────────────┤
│ 25         │ 14           │
├────────────┼──────────────┤
│ 50         │ 19           │
├────────────┼──────────────┤
│ 75         │ 27           │
├────────────┼──────────────┤
│ 90         │ 36           │
├────────────┼──────────────┤
│ 97.5       │ 51           │
├────────────┼──────────────┤
│ 99         │ 64           │
├────────────┼──────────────┤
│ 99.9       │ 94           │
├────────────┼──────────────┤
│ 99.99      │ 105          │
├────────────┼──────────────┤
│ 99.999     │ 105          │
└────────────┴──────────────┘

3k requests in 3.05s, 540 kB read
"#;

/// `autocannon -c 5 -a 300 --renderStatusCodes http://127.0.0.1:18450/nope`, its console:
/// every answer a 404 (`404 │ 300`, `0 2xx responses, 300 non 2xx responses`).
const NOT_FOUND_CONSOLE: &str = r#"$ autocannon -c 5 -a 300 --renderStatusCodes http://127.0.0.1:18450/nope
Running 300 requests test @ http://127.0.0.1:18450/nope
5 connections


┌─────────┬──────┬──────┬───────┬───────┬─────────┬─────────┬───────┐
│ Stat    │ 2.5% │ 50%  │ 97.5% │ 99%   │ Avg     │ Stdev   │ Max   │
├─────────┼──────┼──────┼───────┼───────┼─────────┼─────────┼───────┤
│ Latency │ 0 ms │ 0 ms │ 7 ms  │ 44 ms │ 1.23 ms │ 5.55 ms │ 44 ms │
└─────────┴──────┴──────┴───────┴───────┴─────────┴─────────┴───────┘
┌───────────┬─────────┬─────────┬─────────┬─────────┬─────────┬───────┬─────────┐
│ Stat      │ 1%      │ 2.5%    │ 50%     │ 97.5%   │ Avg     │ Stdev │ Min     │
├───────────┼─────────┼─────────┼─────────┼─────────┼─────────┼───────┼─────────┤
│ Req/Sec   │ 300     │ 300     │ 300     │ 300     │ 300     │ 0     │ 300     │
├───────────┼─────────┼─────────┼─────────┼─────────┼─────────┼───────┼─────────┤
│ Bytes/Sec │ 40.8 kB │ 40.8 kB │ 40.8 kB │ 40.8 kB │ 40.8 kB │ 0 B   │ 40.8 kB │
└───────────┴─────────┴─────────┴─────────┴─────────┴─────────┴───────┴─────────┘
┌──────┬───────┐
│ Code │ Count │
├──────┼───────┤
│ 404  │ 300   │
└──────┴───────┘

Req/Bytes counts sampled once per second.
# of samples: 1

0 2xx responses, 300 non 2xx responses
300 requests in 1.07s, 40.8 kB read
"#;

/// `autocannon -c 100 -d 5 --timeout 1 URL` against the stalled target, its console with
/// the command echoed: `500 requests in 5.16s, 0 B read`, `400 errors (400 timeouts)`,
/// a Latency table of 0 ms (no answer).
const ALL_TIMED_OUT_CONSOLE: &str = r#"$ autocannon -c 100 -d 5 --timeout 1 http://127.0.0.1:18451/api/v1/agents
Running 5s test @ http://127.0.0.1:18451/api/v1/agents
100 connections


┌─────────┬──────┬──────┬───────┬──────┬──────┬───────┬──────┐
│ Stat    │ 2.5% │ 50%  │ 97.5% │ 99%  │ Avg  │ Stdev │ Max  │
├─────────┼──────┼──────┼───────┼──────┼──────┼───────┼──────┤
│ Latency │ 0 ms │ 0 ms │ 0 ms  │ 0 ms │ 0 ms │ 0 ms  │ 0 ms │
└─────────┴──────┴──────┴───────┴──────┴──────┴───────┴──────┘
┌───────────┬─────┬──────┬─────┬───────┬─────┬───────┬─────┐
│ Stat      │ 1%  │ 2.5% │ 50% │ 97.5% │ Avg │ Stdev │ Min │
├───────────┼─────┼──────┼─────┼───────┼─────┼───────┼─────┤
│ Req/Sec   │ 0   │ 0    │ 0   │ 0     │ 0   │ 0     │ 0   │
├───────────┼─────┼──────┼─────┼───────┼─────┼───────┼─────┤
│ Bytes/Sec │ 0 B │ 0 B  │ 0 B │ 0 B   │ 0 B │ 0 B   │ 0 B │
└───────────┴─────┴──────┴─────┴───────┴─────┴───────┴─────┘

Req/Bytes counts sampled once per second.
# of samples: 5

500 requests in 5.16s, 0 B read
400 errors (400 timeouts)"#;
