//! Messy runs, batch "x" (qa30): a team that archives what vegeta and JMeter wrote.
//! vegeta's JSON report (`vegeta report -type=json`, also `-every`), Debian's JMeter
//! 2.13 (its headerless 12-column JTL, its summariser's elapsed seconds), and the
//! consoles and side files that arrive gzipped.

use std::path::Path;

use serde_json::{json, Value};

use super::common::{analyze_json, TestDir};

fn skipped_reason<'a>(report: &'a Value, file: &str) -> (&'a str, &'a str) {
    let s = (report["skipped"].as_array().unwrap().iter())
        .find(|s| s["path"].as_str().unwrap().ends_with(file))
        .unwrap_or_else(|| panic!("{file} not skipped: {report}"));
    (s["kind"].as_str().unwrap(), s["reason"].as_str().unwrap())
}

fn analyze_ok(run: &Path, extra: &[&str]) -> Value {
    let (code, report, stderr) = analyze_json(&[run], extra);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, 0, "{stderr}");
    report
}

/// JMeter 2.13's headerless CSV JTL (Debian's jmeter package: `print_field_names`
/// false, its 12 default columns `timeStamp,elapsed,label,responseCode,
/// responseMessage,threadName,dataType,success,bytes,grpThreads,allThreads,Latency`):
/// `threads` threads, 100 samples each, 50 ms apart per thread from
/// 2026-12-05T10:00:00Z; sample i takes `10 + i % 40` ms; every 50th of the `home`
/// label answered 500 (unsuccessful).
fn jtl_213(threads: u64) -> (String, u64, u64) {
    let start = 1_796_464_800_000u64;
    let mut out = String::new();
    let (mut n, mut errors) = (0, 0);
    for i in 0..100u64 {
        for t in 1..=threads {
            let ms = 10 + (n % 40);
            let bad = n % 50 == 49;
            let (code, msg, ok) = if bad {
                (500, "Internal Server Error", false)
            } else {
                (200, "OK", true)
            };
            out.push_str(&format!(
                "{},{ms},home,{code},{msg},users 1-{t},text,{ok},199,{threads},{threads},{ms}\n",
                start + i * 50 + t
            ));
            n += 1;
            errors += u64::from(bad);
        }
    }
    (out, n, errors)
}

/// JMeter 2.13's console for `samples` samples, `errors` failed, over 5.2 s: its
/// summariser prints the elapsed time in seconds (`in   5.2s`), not `00:00:05`.
fn console_213(samples: u64, errors: u64) -> String {
    format!(
        "Creating summariser <summary>\n\
         Created the tree successfully using plan.jmx\n\
         Starting the test @ Sat Dec 05 10:00:00 UTC 2026 (1796464800000)\n\
         Waiting for possible shutdown message on port 4445\n\
         summary +      1 in   0.1s =   13.9/s Avg:    10 Min:    10 Max:    10 Err:     0 (0.00%) Active: 4 Started: 4 Finished: 0\n\
         summary +    {} in     5s =   79.8/s Avg:    29 Min:    10 Max:    49 Err:  {errors} ({:.2}%) Active: 0 Started: 4 Finished: 4\n\
         summary =    {samples} in   5.2s =   {:.1}/s Avg:    29 Min:    10 Max:    49 Err:  {errors} ({:.2}%)\n\
         Tidying up ...    @ Sat Dec 05 10:00:05 UTC 2026 (1796464805200)\n\
         ... end of run\n",
        samples - 1,
        100.0 * errors as f64 / (samples - 1) as f64,
        samples as f64 / 5.2,
        100.0 * errors as f64 / samples as f64,
    )
}

/// Debian's JMeter 2.13 run (`jmeter -n -t plan.jmx -l results.jtl | tee console.txt`)
/// in a dir not named for its users: its headerless 12-column JTL gives the users (4,
/// from allThreads) and its console is checked against it. Before, the JTL's columns
/// after `success` were left unplaced (users unknown, no users over time) and the
/// console's `summary = 400 in 5.2s` lines were not seen: "without summariser lines:
/// nothing to check".
#[test]
fn jmeter_213s_headerless_jtl_and_console_are_read_and_checked() {
    let dir = TestDir::new();
    let (jtl, samples, errors) = jtl_213(4);
    assert_eq!((samples, errors), (400, 8));
    dir.write("run/results.jtl", &jtl);
    dir.write("run/console.txt", console_213(samples, errors));
    let report = analyze_ok(&dir.path().join("run"), &[]);
    assert_eq!(report["problems"], json!([]), "{report}");
    assert_eq!(report["overall"]["requests"], 400);
    assert_eq!(report["overall"]["failures"], 8);
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 1, "{stages:?}");
    assert_eq!(stages[0]["users"], 4, "{}", stages[0]);
    let hint = report["inputs"].to_string();
    assert!(hint.contains("2.x's 12 default columns"), "{hint}");
    let (kind, why) = skipped_reason(&report, "console.txt");
    assert_eq!(kind, "same_data", "{why}");
    assert!(why.contains("400 samples, 8 errors"), "{why}");

    // Another run's console (one sample more): the JTL is not the whole run.
    dir.write("other/results.jtl", &jtl);
    dir.write("other/console.txt", console_213(401, errors));
    let report = analyze_ok(&dir.path().join("other"), &[]);
    let (kind, why) = skipped_reason(&report, "console.txt");
    assert_eq!(kind, "other_data", "{why}");
}

/// JMeter 2.13's console alone (the JTL not archived): read as the summariser's
/// totals — 400 samples, 8 errors, over 5.2 s, mean 29, min 10, max 49 ms. Before,
/// "without a summariser line": the run was refused.
#[test]
fn jmeter_213s_console_alone_is_read_as_its_summarisers_totals() {
    let dir = TestDir::new();
    dir.write("run/console.txt", console_213(400, 8));
    let report = analyze_ok(&dir.path().join("run"), &[]);
    assert_eq!(report["problems"], json!([]), "{report}");
    let all = &report["overall"];
    assert_eq!(all["requests"], 400);
    assert_eq!(all["failures"], 8);
    assert_eq!(all["duration_s"], 5.2);
    assert_eq!(all["latency_ms"]["mean"], 29.0);
    assert_eq!(all["latency_ms"]["min"], 10.0);
    assert_eq!(all["latency_ms"]["max"], 49.0);
}
