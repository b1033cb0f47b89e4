//! Judgements on messy real run dirs (QA round 3, continued): a stage dir that two
//! tools measured beside stage dirs of another tool, the tools' own rounding and
//! status classes, and what a verdict rests on or leaves unjudged.

use serde_json::Value;

use crate::check::check_json;
use crate::common::{analyze_json, TestDir};
use crate::formats_c::ab_text;
use crate::messy_runs::{hey_text, ERR_P90};

/// wrk at 10 connections: `n` requests in 10 s, no error, p90 37 ms.
fn wrk_text(n: u64) -> String {
    format!(
        "Running 10s test @ http://127.0.0.1:18080/api/v1/agents
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    23.00ms   11.80ms 129.00ms   80.00%
    Req/Sec   100.00     5.00   110.00     90.00%
  Latency Distribution
     50%   21.00ms
     75%   28.00ms
     90%   37.00ms
     99%   62.00ms
  {n} requests in 10.00s, 97.00KB read
Requests/sec:    {:.2}
Transfer/sec:      9.70KB
",
        n as f64 / 10.0
    )
}

/// Rules every tool here can judge (wrk prints p90, not p95), on the baseline stage.
const BASELINE_SLA: &str =
    "[global]\nverdict_stages = [\"baseline\"]\nrules = [\"error_rate < 1%\", \"p(90) < 500ms\"]\n";

/// The names and requests of a report's stages.
fn stages(report: &Value) -> Vec<(String, u64)> {
    let stages = report["stages"].as_array().cloned().unwrap_or_default();
    (stages.iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap_or("?").into(),
                s["requests"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn a_stage_dir_with_two_tools_beside_another_tools_stage_dirs_keeps_its_stage() {
    let dir = TestDir::new();
    // Baseline: ab (1,000 requests, none failed) and wrk (980) of the same 10 users;
    // peak: hey alone (1,770 answered).
    dir.write("run/01_baseline_10users/ab.log", ab_text(1000, [0; 4], 0));
    dir.write("run/01_baseline_10users/wrk.txt", wrk_text(980));
    dir.write("run/02_peak_10users/hey.txt", hey_text(1770, 0));
    let sla = dir.write("baseline.toml", BASELINE_SLA);
    let run = dir.path().join("run");
    let (_, report, _) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    // Both stages, baseline on ab (the more requests, as a run's source is chosen).
    let want = vec![("baseline".to_string(), 1000), ("peak".to_string(), 1770)];
    assert_eq!(stages(&report), want, "{report}");
    assert_eq!(report["stages"][0]["tool"], "ab", "{report}");
    // wrk is listed under Sources with its own 980 requests, and named in a note.
    let sources = report["sources"].as_array().unwrap();
    let wrk = sources
        .iter()
        .find(|s| s["tool"] == "wrk")
        .expect("wrk listed");
    assert_eq!(wrk["requests"], 980, "{report}");
    let notes = report["warnings"].to_string();
    assert!(
        notes.contains("judged on ab") && notes.contains("wrk is listed"),
        "{notes}"
    );
    // 980 and 1,000 are the same requests: the data is clean, and baseline is judged.
    assert_eq!(report["data_quality"], "clean", "{report}");
    let (code, out, _) = check_json(&run, &sla, &[]);
    assert_eq!((code, out["verdict"].as_str()), (0, Some("GO")), "{out}");
    assert_eq!(out["sla"]["verdict_fallback"], false, "{out}");
}

#[test]
fn a_second_tool_of_other_requests_in_a_stage_dir_makes_the_data_incomplete() {
    let dir = TestDir::new();
    // ab judged baseline (1,000 requests, 500 failed); wrk's 620 there are others.
    dir.write(
        "run/01_baseline_10users/ab.log",
        ab_text(1000, [0, 0, 500, 0], 500),
    );
    dir.write("run/01_baseline_10users/wrk.txt", wrk_text(620));
    dir.write("run/02_peak_10users/hey.txt", hey_text(1770, 0));
    let run = dir.path().join("run");
    let (_, report, _) = analyze_json(&[&run], &[]);
    let want = vec![("baseline".to_string(), 1000), ("peak".to_string(), 1770)];
    assert_eq!(stages(&report), want, "{report}");
    assert_eq!(report["data_quality"], "incomplete", "{report}");
    let why = report["data_quality_reason"].as_str().unwrap_or_default();
    assert!(
        why.contains("wrk source") && why.contains("620 requests") && why.contains("baseline"),
        "{why}"
    );
}

/// `autocannon -c 4 -d 2 -j` on answers under 1 ms (as autocannon 9 writes it): its
/// latencies are whole ms cut down, so p0.001 … p97.5 are 0, and its `min` is the
/// smallest non-zero value, 1.
pub(crate) const AUTOCANNON_SUB_MS: &str = r#"{"url":"http://127.0.0.1:18306/api/v1/agents","connections":4,
"sampleInt":1000,"pipelining":1,"workers":0,"duration":2.02,"samples":2,
"start":"2026-12-03T18:35:48.189Z","finish":"2026-12-03T18:35:50.207Z","errors":0,
"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":79430,"3xx":0,"4xx":0,
"5xx":0,"statusCodeStats":{"200":{"count":79430}},
"latency":{"average":0.04,"mean":0.04,"stddev":0.39,"min":1,"max":16,"p0_001":0,
"p0_01":0,"p0_1":0,"p1":0,"p2_5":0,"p10":0,"p25":0,"p50":0,"p75":0,"p90":0,"p97_5":0,
"p99":1,"p99_9":5,"p99_99":9,"p99_999":16,"totalCount":79430},
"requests":{"average":39728,"mean":39728,"stddev":4704,"min":35014,"max":44416,
"total":79430,"p50":35039,"sent":79434},
"throughput":{"average":4000000,"mean":4000000,"stddev":1,"min":1,"max":1,"total":8000000}}"#;

#[test]
fn autocannons_min_of_one_ms_beside_zero_ms_percentiles_is_not_inconsistent() {
    let dir = TestDir::new();
    dir.write("run/ac.json", AUTOCANNON_SUB_MS);
    let sla = dir.write("err90.toml", ERR_P90);
    let run = dir.path().join("run");
    // No error in 79,430 answers and p90 0 ms: every rule passes, and the audit has
    // nothing to reject (the minimum is 0 ms, not 1 ms above p50's 0).
    let (code, out, _) = check_json(&run, &sla, &[]);
    assert_eq!((code, out["verdict"].as_str()), (0, Some("GO")), "{out}");
    let (_, report, _) = analyze_json(&[&run], &[]);
    assert_eq!(report["data_quality"], "clean", "{report}");
    let lat = &report["stages"][0]["latency_ms"];
    assert_eq!(
        (lat["min"].as_f64(), lat["p50"].as_f64()),
        (Some(0.0), Some(0.0)),
        "{lat}"
    );
    assert_eq!(
        (lat["p99"].as_f64(), lat["max"].as_f64()),
        (Some(1.0), Some(16.0)),
        "{lat}"
    );
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("whole milliseconds"), "{notes}");
}

/// h2load against an overloaded target (as nghttp2's h2load prints it): of 10,000
/// answers, `served` 2xx and the rest 5xx.
fn h2load_text(served: u64) -> String {
    let failed = 10_000 - served;
    format!(
        "starting benchmark...
spawning thread #0: 50 total client(s). Timing-based test with 0s of warm-up time and 3s of main duration for measurements.
Application protocol: http/1.1

finished in 3.00s, 3333.33 req/s, 1.20MB/s
requests: 10000 total, 10050 started, 10000 done, {served} succeeded, {failed} failed, 0 errored, 0 timeout
status codes: {served} 2xx, 0 3xx, 0 4xx, {failed} 5xx
traffic: 3.60MB (3600000) total, 1.90MB (1900000) headers (space savings 0.00%), 1.10MB (1100000) data
                     min         max         mean         sd        +/- sd
time for request:       17us     39.49ms       547us      2.55ms    97.56%
time for connect:       10us       211us       117us        56us    58.00%
time to 1st byte:     7.78ms     35.15ms     15.80ms      8.37ms    78.00%
req/s           :      60.00       70.00       66.67        2.00    68.00%
"
    )
}

/// The evaluation of `rule` on the stage (not overall) in check's JSON.
fn on_stage<'a>(out: &'a Value, rule: &str) -> &'a Value {
    let rules = out["sla"]["rules"].as_array().unwrap();
    (rules.iter())
        .find(|r| r["rule"] == rule && !r["stage"].is_null())
        .unwrap_or_else(|| panic!("no {rule}: {out}"))
}

#[test]
fn h2loads_5xx_count_is_judged_by_an_rc_5xx_rule() {
    let dir = TestDir::new();
    let sla = dir.write(
        "rc.toml",
        "[global]\nrules = [\"rc(5xx) < 0.5%\", \"rc(503) < 0.5%\"]\n",
    );
    let run = dir.path().join("run");
    // 9,000 of 10,000 answers were 5xx: 90 %, far over 0.5 %.
    dir.write("run/h2load.txt", h2load_text(1000));
    let (code, out, _) = check_json(&run, &sla, &[]);
    let rc = on_stage(&out, "rc(5xx) < 0.5%");
    assert_eq!(
        (rc["status"].as_str(), rc["value"].as_f64()),
        (Some("fail"), Some(0.9)),
        "{out}"
    );
    assert_eq!((code, out["verdict"].as_str()), (1, Some("NO-GO")), "{out}");
    // Which 5xx h2load does not say: a 503 rule on 90 % of answers that may or may not
    // be 503s cannot be judged.
    assert_eq!(
        on_stage(&out, "rc(503) < 0.5%")["status"],
        "insufficient_data",
        "{out}"
    );
    let (_, report, _) = analyze_json(&[&run], &[]);
    assert_eq!(
        report["overall"]["failures_by_kind"],
        serde_json::json!({"status:5xx": 9000})
    );
    // 20 of 10,000 (0.2 %): under 0.5 % even at its interval's high end (0.31 %).
    dir.write("run/h2load.txt", h2load_text(9980));
    let (_, out, _) = check_json(&run, &sla, &[]);
    assert_eq!(on_stage(&out, "rc(5xx) < 0.5%")["status"], "pass", "{out}");
}

/// ab at 200 concurrent requests claiming 160,000 req/s (160,000 in 1 s) at a mean
/// latency of 23 ms, no error: 200 users allow at most 200 / 23 ms ≈ 8,696 req/s. (Not
/// wrk: it prints latency raised by its coordinated-omission correction, whose mean
/// bounds nothing from above.)
fn ab_impossible() -> String {
    ab_text(160_000, [0; 4], 0)
        .replace(
            "Concurrency Level:      10\n",
            "Concurrency Level:      200\n",
        )
        .replace(
            "Time taken for tests:   10.000 seconds\n",
            "Time taken for tests:   1.000 seconds\n",
        )
}

#[test]
fn an_audit_rejection_of_another_stage_holds_no_go_on_a_clean_verdict_stage_back() {
    let dir = TestDir::new();
    dir.write("run/01_load_10users/ab.log", ab_text(1000, [0; 4], 0));
    dir.write("run/02_overload_200users/ab.log", ab_impossible());
    let run = dir.path().join("run");
    let rules = "rules = [\"error_rate < 1%\", \"p(90) < 500ms\"]\n";
    let on_load = dir.write(
        "load.toml",
        format!("[global]\nverdict_stages = [\"Load\"]\n{rules}"),
    );
    // `load` decides: its figures pass every rule and the audit passes them; the
    // rejected `overload` decides nothing, and the sentence names it.
    let (code, out, _) = check_json(&run, &on_load, &[]);
    assert_eq!((code, out["verdict"].as_str()), (0, Some("GO")), "{out}");
    let headline = out["sla"]["headline"].as_str().unwrap_or_default();
    assert!(headline.contains("`overload` only"), "{headline}");
    // The report still shows the rejection.
    let (_, report, _) = analyze_json(&[&run], &["--sla", on_load.to_str().unwrap()]);
    assert_eq!(report["data_quality"], "inconsistent", "{report}");
    let why = report["data_quality_reason"].as_str().unwrap_or_default();
    assert!(why.contains("response_time_law on `overload`"), "{why}");
    // Every stage deciding, the rejected one among them: no GO.
    let all = dir.write("all.toml", format!("[global]\n{rules}"));
    let (_, out, _) = check_json(&run, &all, &[]);
    assert_eq!(out["verdict"], "CONDITIONAL", "{out}");
}

/// ab's console output at `users` concurrent requests (1,000 requests, none failed).
fn ab_at(users: u32) -> String {
    let text = ab_text(1000, [0; 4], 0);
    text.replace(
        "Concurrency Level:      10\n",
        &format!("Concurrency Level:      {users}\n"),
    )
}

#[test]
fn one_tools_runs_at_several_loads_in_a_flat_dir_are_stages_in_order_of_users() {
    let dir = TestDir::new();
    // Named so that the names sort 4, 40, 8; no clock times say which ran first.
    for users in [4, 40, 8] {
        dir.write(&format!("run/ab-{users}users.log"), ab_at(users));
    }
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    let names: Vec<(String, u64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["users"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [("4_users", 4), ("8_users", 8), ("40_users", 40)];
    let want: Vec<(String, u64)> = want.iter().map(|(n, u)| (n.to_string(), *u)).collect();
    assert_eq!(names, want, "{report}");
}

/// A verdict on latency rules alone is no GO while more than 1 % of the requests
/// failed, and says so: hey's fast 503s (900 of 1,000 answers) make fast percentiles,
/// so the latencies judged are mostly of failures; a target restarted mid-run fails
/// a fifth. The same 1 % holds a GO back for 5xx answers a tool marked successful.
#[test]
fn a_go_on_latency_rules_alone_names_the_share_of_requests_that_failed() {
    let dir = TestDir::new();
    let latency = dir.write("p95.toml", "[global]\nrules = [\"p(95) < 500ms\"]\n");
    for (run, ok, failed, share) in [("run", 100, 900, "90%"), ("some", 800, 200, "20%")] {
        dir.write(&format!("{run}/hey.txt"), hey_text(ok, failed));
        let (code, out, _) = check_json(&dir.path().join(run), &latency, &[]);
        assert_eq!(
            (code, out["verdict"].as_str()),
            (0, Some("CONDITIONAL")),
            "{out}"
        );
        let headline = out["sla"]["headline"].as_str().unwrap_or_default();
        let clause = format!(
            "no gating rule judges failures, yet requests failed: {share} in `{run}`: not a GO"
        );
        assert!(headline.contains(&clause), "{headline}");
    }
    let run = dir.path().join("run");
    // A rule on failures judges them: no such clause, whatever its outcome.
    let judged = dir.write(
        "err.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 95%\"]\n",
    );
    let (code, out, _) = check_json(&run, &judged, &[]);
    assert_eq!((code, out["verdict"].as_str()), (0, Some("GO")), "{out}");
    let headline = out["sla"]["headline"].as_str().unwrap_or_default();
    assert!(!headline.contains("judges failures"), "{headline}");
    // A status share judges failures too.
    let rc = dir.write(
        "rc.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"rc(5xx) < 95%\"]\n",
    );
    let (_, out, _) = check_json(&run, &rc, &[]);
    let headline = out["sla"]["headline"].as_str().unwrap_or_default();
    assert!(!headline.contains("judges failures"), "{headline}");
    // Under 1 % failed: nothing to say.
    dir.write("few/hey.txt", hey_text(995, 5));
    let (_, out, _) = check_json(&dir.path().join("few"), &latency, &[]);
    let headline = out["sla"]["headline"].as_str().unwrap_or_default();
    assert!(!headline.contains("judges failures"), "{headline}");
}
