//! qa62's finds on messy run dirs: in a release dir whose stage dirs each hold one
//! tool's output, hey's blind spot (its CSV leaves transport errors out) discounts only
//! hey's stages. The other tools' stages keep their failure verdicts, and the note
//! names hey and its stages, not every tool in the dir.

use crate::common::{analyze_json, TestDir};

/// `hey -o csv` of `rows` answered requests (status 200, 10 ms apart, 9.4 ms each), in
/// the shape hey 0.1.4 writes: seconds, one row per answered request.
fn hey_csv(rows: usize) -> String {
    let mut out = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,\
         status-code,offset\n",
    );
    for i in 0..rows {
        let offset = 0.0039 + i as f64 * 0.01;
        out.push_str(&format!(
            "0.0094,0.0000,0.0000,0.0000,0.0093,0.0001,200,{offset:.4}\n"
        ));
    }
    out
}

/// `autocannon --json` of a 3 s run at 5 connections: `ok` 2xx answers, `errors`
/// transport errors (autocannon counts them, so its error rate is a measurement).
fn autocannon_json(ok: u64, errors: u64) -> String {
    let total = ok + errors;
    format!(
        r#"{{"url":"http://127.0.0.1:18490/api/v1/agents","connections":5,"sampleInt":1000,"pipelining":1,"workers":0,"duration":3.02,"samples":3,"start":"2026-12-06T11:08:45.428Z","finish":"2026-12-06T11:08:48.443Z","errors":{errors},"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":{ok},"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{{"200":{{"count":{ok}}}}},"latency":{{"average":21.2,"mean":21.2,"stddev":11.35,"min":6,"max":117,"p0_001":6,"p0_01":6,"p0_1":6,"p1":7,"p2_5":7,"p10":10,"p25":13,"p50":19,"p75":27,"p90":35,"p97_5":48,"p99":54,"p99_9":117,"p99_99":117,"p99_999":117,"totalCount":{ok}}},"requests":{{"average":229.67,"mean":229.67,"stddev":1.7,"min":228,"max":232,"total":{total},"p0_001":228,"p0_01":228,"p0_1":228,"p1":228,"p2_5":228,"p10":228,"p25":228,"p50":229,"p75":232,"p90":232,"p97_5":232,"p99":232,"p99_9":232,"p99_99":232,"p99_999":232,"sent":{total}}},"throughput":{{"average":45701.34,"mean":45701.34,"stddev":336.98,"min":45372,"max":46168,"total":137111}}}}"#
    )
}

/// A release dir: `01-smoke/` hey's CSV (703 answered requests) and its console
/// capture, `ramp/` autocannon's JSON (689 answers, no errors) and its console.
fn release_dir(dir: &TestDir) -> std::path::PathBuf {
    dir.write("rel/01-smoke/hey.csv", hey_csv(703));
    dir.write("rel/01-smoke/hey.err", "");
    dir.write("rel/ramp/autocannon.json", autocannon_json(689, 0));
    dir.write("rel/ramp/autocannon.txt", "");
    dir.path().join("rel")
}

fn rules(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["sla"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The SLA judges only the autocannon stage: autocannon counts its transport errors,
/// so `error_rate < 1%` at 0 of 689 passes (and availability 100 % > 99 %). Before,
/// hey's flag was the whole combined run's: both rules became insufficient data, their
/// note blaming "hey + autocannon".
#[test]
fn another_tools_stage_keeps_its_error_rate_pass_beside_heys_csv() {
    let dir = TestDir::new();
    let run = release_dir(&dir);
    let sla = dir.write(
        "sla.toml",
        "[stage.Ramp]\nrules = [\"error_rate < 1%\", \"availability > 99%\"]\n",
    );
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let rules = rules(&report);
    assert_eq!(rules.len(), 2, "{}", report["sla"]);
    for r in &rules {
        assert_eq!(r["stage"], "ramp", "{r}");
        assert_eq!(r["status"], "pass", "{r}");
    }
    let headline = report["sla"]["headline"].as_str().unwrap_or_default();
    assert!(!headline.contains("autocannon"), "{headline}");
    assert!(
        headline.contains("2 of 2 gating evaluations pass"),
        "{headline}"
    );
}

/// Rules on both stages: hey's stage is discounted (its CSV cannot show a transport
/// error), autocannon's passes; the notes and the data-quality reason name hey and its
/// stage, and never autocannon.
#[test]
fn only_heys_stage_is_discounted_and_the_note_names_hey_and_its_stage() {
    let dir = TestDir::new();
    let run = release_dir(&dir);
    let sla = dir.write(
        "sla.toml",
        "[stage.ramp]\nrules = [\"error_rate < 1%\"]\n\
         [stage.01-smoke]\nrules = [\"error_rate < 1%\"]\n",
    );
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let rules = rules(&report);
    let at = |stage: &str| {
        (rules.iter().find(|r| r["stage"] == stage))
            .unwrap_or_else(|| panic!("no rule at {stage}: {}", report["sla"]))
    };
    assert_eq!(at("ramp")["status"], "pass", "{}", at("ramp"));
    let smoke = at("smoke");
    assert_eq!(smoke["status"], "insufficient_data", "{smoke}");
    let note = smoke["note"].as_str().unwrap_or_default();
    assert!(
        note.contains("hey's output (stage `smoke`)") && !note.contains("autocannon"),
        "{note}"
    );
    assert_eq!(report["data_quality"], "partial");
    let why = report["data_quality_reason"].as_str().unwrap_or_default();
    assert!(
        why.contains("hey's output (stage `smoke`)") && !why.contains("autocannon"),
        "{why}"
    );
    assert_eq!(report["sla"]["verdict"], "CONDITIONAL", "{}", report["sla"]);
}

/// hey alone, in two stage dirs: every stage (and overall) is hey's, so every
/// error-rate pass is still discounted, as before.
#[test]
fn heys_stage_dirs_alone_still_discount_every_stage() {
    let dir = TestDir::new();
    dir.write("run/c=5/hey.csv", hey_csv(1000));
    dir.write("run/c=10/hey.csv", hey_csv(1200));
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let rules = rules(&report);
    assert!(rules.len() >= 2, "{}", report["sla"]);
    for r in &rules {
        assert_eq!(r["status"], "insufficient_data", "{r}");
        let note = r["note"].as_str().unwrap_or_default();
        assert!(
            note.contains("hey's output lists only answered requests"),
            "{note}"
        );
    }
    assert_eq!(report["sla"]["verdict"], "CONDITIONAL");
}

/// `verdict_stages = ["ramp"]`: the verdict rests on autocannon's stage alone, which
/// sees every failure, so its passes give GO; hey's stage is still judged (info) and
/// discounted. Before, hey's blind spot made the whole run's data partial, and the
/// verdict on `ramp` CONDITIONAL. With hey's stage deciding, it stays CONDITIONAL.
#[test]
fn a_verdict_on_another_tools_stage_alone_is_not_held_back_by_heys_csv() {
    let dir = TestDir::new();
    let run = release_dir(&dir);
    let sla_for = |stage: &str| {
        dir.write(
            &format!("sla-{stage}.toml"),
            format!(
                "[global]\nverdict_stages = [\"{stage}\"]\n\
                 [stage.ramp]\nrules = [\"error_rate < 1%\"]\n\
                 [stage.smoke]\nrules = [\"error_rate < 1%\"]\n"
            ),
        )
    };
    let sla = sla_for("ramp");
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["sla"]["verdict"], "GO", "{}", report["sla"]);
    let smoke = rules(&report)
        .into_iter()
        .find(|r| r["stage"] == "smoke")
        .unwrap_or_else(|| panic!("{}", report["sla"]));
    assert_eq!(smoke["status"], "insufficient_data", "{smoke}");
    // The report still says the run's data is partial, and why.
    assert_eq!(report["data_quality"], "partial");

    let sla = sla_for("smoke");
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["sla"]["verdict"], "CONDITIONAL", "{}", report["sla"]);
    let headline = report["sla"]["headline"].as_str().unwrap_or_default();
    assert!(
        headline.contains("hey's output (stage `smoke`)"),
        "{headline}"
    );
}
