//! Messy runs, batch "ao" (qa46): one stage name the data gave to the stage dirs of
//! two run dirs checked together, and JMeter's XML JTL of "Generate parent sample"
//! Transaction Controllers beside the console and `jmeter.log` of its run.

use std::path::Path;

use serde_json::Value;

use super::common::{analyze_json, headroom, TestDir};

/// A generic request CSV of `n` requests to `GET /api/x`, one every 60 ms from
/// `start_ms`, the i-th taking `latency(i)` ms, all 200s (no users column).
fn requests(start_ms: i64, n: i64, latency: impl Fn(i64) -> i64) -> String {
    let mut out = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..n {
        out += &format!("{},/api/x,GET,{},200\n", start_ms + i * 60, latency(i));
    }
    out
}

/// Runs `check A B --sla SLA --json`; returns the exit code, the outcome and stderr.
fn check_two(a: &Path, b: &Path, sla: &Path) -> (i32, Value, String) {
    let o = headroom(&[
        "check",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json, stderr)
}

/// The evaluations of `rule` for `stage`.
fn evals<'a>(outcome: &'a Value, rule: &str, stage: &str) -> Vec<&'a Value> {
    outcome["sla"]["rules"]
        .as_array()
        .expect("sla.rules")
        .iter()
        .filter(|e| e["rule"] == rule && e["stage"] == stage)
        .collect()
}

/// Two run dirs, each with a `peak/` stage dir of requests without users: run-a's
/// 20–29 ms, run-b's 300–309 ms. headroom names them `peak` and `peak_2` apart. An SLA
/// with `verdict_stages = ["peak"]` (the name both dirs have) and p(95) < 100ms judged
/// only the first: the second's miss was non-gating and `check` said GO, exit 0. Now
/// `peak` names both, each judged and deciding: NO-GO, exit 1, a note saying so.
#[test]
fn a_verdict_stage_named_as_two_run_dirs_name_it_judges_both() {
    let dir = TestDir::new();
    let start = 1_764_950_400_000i64;
    dir.write(
        "run-a/peak/requests.csv",
        requests(start, 1000, |i| 20 + i % 10),
    );
    dir.write(
        "run-b/peak/requests.csv",
        requests(start + 600_000, 1000, |i| 300 + i % 10),
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"p(95) < 100ms\"]\n",
    );
    let (a, b) = (dir.path().join("run-a"), dir.path().join("run-b"));
    let (code, out, stderr) = check_two(&a, &b, &sla);
    assert_eq!(code, 1, "{stderr}\n{out:#}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
    let second = evals(&out, "p(95) < 100ms", "peak_2");
    assert_eq!(second.len(), 1, "{out:#}");
    assert_eq!(second[0]["status"], "fail", "{out:#}");
    assert_eq!(second[0]["decides_verdict"], true, "{:#}", second[0]);
    // 300..309 ms, within the latency histogram's 3 significant digits.
    let v = second[0]["value"].as_f64().unwrap();
    assert!((300.0..=310.0).contains(&v), "{:#}", second[0]);
    let first = evals(&out, "p(95) < 100ms", "peak");
    assert_eq!(first[0]["status"], "pass", "{out:#}");
    assert_eq!(first[0]["decides_verdict"], true, "{:#}", first[0]);
    let text = out.to_string();
    assert!(text.contains("each is judged"), "{out:#}");
}

/// The same two run dirs with the rule in a `[stage.peak]` section: its rules were
/// judged on the first `peak` alone (GO, exit 0). Now on both: `peak_2` fails, NO-GO.
#[test]
fn a_stage_section_named_as_two_run_dirs_name_it_judges_both() {
    let dir = TestDir::new();
    let start = 1_764_950_400_000i64;
    dir.write(
        "run-a/peak/requests.csv",
        requests(start, 1000, |i| 20 + i % 10),
    );
    dir.write(
        "run-b/peak/requests.csv",
        requests(start + 600_000, 1000, |i| 300 + i % 10),
    );
    let sla = dir.write("sla.toml", "[stage.peak]\nrules = [\"p(95) < 100ms\"]\n");
    let (a, b) = (dir.path().join("run-a"), dir.path().join("run-b"));
    let (code, out, stderr) = check_two(&a, &b, &sla);
    assert_eq!(code, 1, "{stderr}\n{out:#}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
    let second = evals(&out, "p(95) < 100ms", "peak_2");
    assert_eq!(second.len(), 1, "{out:#}");
    assert_eq!(second[0]["status"], "fail", "{out:#}");
    assert_eq!(evals(&out, "p(95) < 100ms", "peak")[0]["status"], "pass");
}

/// JMeter's console (2.13) of a run whose summariser saw `samples` and `errors`.
fn console(samples: u64, errors: u64) -> String {
    format!(
        "Creating summariser <summary>\nCreated the tree successfully using plan.jmx\n\
         Starting the test @ Sun Dec 06 01:35:29 UTC 2026 (1796520929594)\n\
         Waiting for possible shutdown message on port 4445\n\
         summary =    {samples} in   7.3s =   15.5/s Avg:   122 Min:     1 Max:  1023 Err:    \
         {errors} (50.00%)\nTidying up ...    @ Sun Dec 06 01:35:37 UTC 2026 (1796520937049)\n\
         ... end of run\n"
    )
}

/// An XML `httpSample` as JMeter writes it; `nested` indents it as a parent's child.
fn http_sample(t: u64, elapsed: u64, label: &str, ok: bool, thread: &str) -> String {
    format!(
        "<httpSample t=\"{elapsed}\" lt=\"{elapsed}\" ts=\"{t}\" s=\"{ok}\" lb=\"{label}\" \
         rc=\"200\" rm=\"OK\" tn=\"{thread}\" dt=\"text\" by=\"199\" ng=\"3\" na=\"3\"/>\n"
    )
}

/// A plan as /work/qa42/r6 ran it with JMeter 2.13, its JTL in XML: a "Generate parent
/// sample" controller "Browse" of two requests (a `<sample>` with its two
/// `<httpSample>` children nested), then a "Health" request outside it, failing one
/// time in two; 3 threads × 10 iterations, one Browse in five with a failing child.
/// JMeter's summariser counts the 30 parents and the 30 health checks: 60 samples,
/// 6 + 15 = 21 errors; headroom reads the 60 children and 30 health checks as the
/// requests: 90, with 6 + 15 = 21 failures. Before, the console and jmeter.log were
/// called other data and the run incomplete ("Re-run" first). Now both are the same
/// run, the data complete, and the requests and failures the JTL's.
#[test]
fn parent_samples_in_an_xml_jtl_are_what_the_summariser_counts() {
    let dir = TestDir::new();
    let t0 = 1_796_520_929_825u64;
    let mut jtl =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n");
    for i in 0..10u64 {
        for th in 1..=3u64 {
            let thread = format!("baseline 1-{th}");
            let t = t0 + i * 1_000 + th * 10;
            let failing = u32::from(i % 5 == 0);
            let ok = failing == 0;
            jtl += &format!(
                "<sample t=\"90\" lt=\"0\" ts=\"{t}\" s=\"{ok}\" lb=\"Browse\" rc=\"200\" \
                 rm=\"Number of samples in transaction : 2, number of failing samples : \
                 {failing}\" tn=\"{thread}\" dt=\"\" by=\"376\" ng=\"3\" na=\"3\">\n"
            );
            jtl += &format!("  {}", http_sample(t, 30, "GET agents", true, &thread));
            jtl += &format!("  {}", http_sample(t + 35, 50, "GET agent", ok, &thread));
            jtl += "</sample>\n";
            jtl += &http_sample(t + 100, 3, "Health", i % 2 == 0, &thread);
        }
    }
    jtl += "</testResults>\n";
    dir.write("run/results.jtl", jtl);
    dir.write("run/console.txt", console(60, 21));
    dir.write(
        "run/jmeter.log",
        format!(
            "2026/12/06 01:35:28 INFO  - jmeter.JMeter: Version 2.13 r1665067\n{}",
            console(60, 21)
        ),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 90, "{stderr}");
    assert_eq!(report["overall"]["failures"], 21);
    assert_ne!(
        report["data_quality"], "incomplete",
        "{}",
        report["data_quality_reason"]
    );
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    for s in skipped {
        assert_eq!(s["kind"], "same_data", "{s}");
        let reason = s["reason"].as_str().unwrap();
        assert!(reason.contains("same run"), "{reason}");
        assert!(reason.contains("Generate parent sample"), "{reason}");
    }
}
