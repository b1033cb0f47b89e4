//! Messy runs, batch "au" (qa51): a JMeter smoke test saved beside the real run in one
//! dir — `smoke.jtl` with `smoke-console.txt`, `results.jtl` with `console.txt` — the
//! JTLs as JMeter 2.13 writes them (its 12 default columns, no header) and the
//! consoles as its non-GUI mode prints them.

use super::common::{analyze_json, TestDir};

/// When the smoke test starts (epoch ms); the run starts a minute after it ended.
const T0: u64 = 1_796_531_021_982;

/// One JMeter CSV row, JMeter 2.13's default columns.
fn row(t: u64, label: &str, ok: bool, thread: &str, threads: u64) -> String {
    let (code, msg) = if ok {
        (200, "OK")
    } else {
        (500, "Internal Server Error")
    };
    format!("{t},21,{label},{code},{msg},{thread},text,{ok},199,{threads},{threads},21\n")
}

/// A console as JMeter's non-GUI mode prints it: its window in epoch ms and its
/// summariser's last total.
fn console(plan: &str, start: u64, end: u64, samples: u64, errors: u64, secs: u64) -> String {
    format!(
        "Creating summariser <summary>\nCreated the tree successfully using {plan}\n\
         Starting the test @ Sun Dec 06 04:23:41 UTC 2026 ({start})\n\
         Waiting for possible shutdown message on port 4445\n\
         summary = {samples:>6} in {secs:>5}s = {:>6.1}/s Avg:    21 Min:    21 Max:    21 \
         Err: {errors:>5} ({:.2}%)\n\
         Tidying up ...    @ Sun Dec 06 04:23:52 UTC 2026 ({end})\n... end of run\n",
        samples as f64 / secs as f64,
        100.0 * errors as f64 / samples as f64
    )
}

/// The smoke test: 1 thread, 20 one-second iterations of `GET agents`, none failed
/// (20 samples), with its console.
fn write_smoke(dir: &TestDir, jtl: &str, console_name: &str) {
    let jtl_text: String = (0..20u64)
        .map(|i| row(T0 + 400 + i * 1_000, "GET agents", true, "smoke 1-1", 1))
        .collect();
    dir.write(&format!("run/{jtl}"), jtl_text);
    let end = T0 + 20_600;
    dir.write(
        &format!("run/{console_name}"),
        console("smoke.jmx", T0, end, 20, 0, 20),
    );
}

/// The real run, a minute after the smoke test: 10 threads × 60 one-second iterations
/// of `GET agents`, every tenth iteration answered 500 (600 samples, 60 failed), with
/// its console.
fn write_run(dir: &TestDir, jtl: &str, console_name: &str) {
    let start = T0 + 80_000;
    let mut text = String::new();
    for i in 0..60u64 {
        for th in 1..=10u64 {
            let t = start + 300 + i * 1_000 + th * 7;
            text += &row(t, "GET agents", i % 10 != 3, &format!("run 1-{th}"), 10);
        }
    }
    dir.write(&format!("run/{jtl}"), text);
    let end = start + 61_000;
    dir.write(
        &format!("run/{console_name}"),
        console("plan.jmx", start, end, 600, 60, 61),
    );
}

/// A team smoke-tested with JMeter at 1 thread (`-l smoke.jtl | tee
/// smoke-console.txt`), then ran the real test at 10 threads (`-l results.jtl | tee
/// console.txt`), all in one dir. Before, the two JTLs were read as one source: the
/// smoke test became a stage "1_users" of the run, each console was checked against
/// both JTLs' totals (620 samples), and the run was judged "incomplete" with "Re-run
/// the test to completion" first. Now the smoke test (its JTL and console) is set
/// apart and named in a note, and the run is judged alone: one stage of 10 users, its
/// 600 requests and 60 failures, its data complete.
#[test]
fn a_jmeter_smoke_jtl_beside_the_run_is_set_apart() {
    let dir = TestDir::new();
    write_smoke(&dir, "smoke.jtl", "smoke-console.txt");
    write_run(&dir, "results.jtl", "console.txt");
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 600);
    assert_eq!(report["overall"]["failures"], 60);
    assert_eq!(
        report["data_quality"], "clean",
        "{}",
        report["data_quality_reason"]
    );
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 1, "{stages:?}");
    assert_eq!(stages[0]["users"], 10);
    let text = report.to_string();
    assert!(!text.contains("Re-run the test to completion"), "{text}");
    assert!(text.contains("a JMeter smoke test (20 samples"), "{text}");
    let kind = |name: &str| {
        let skipped = report["skipped"].as_array().unwrap();
        (skipped.iter())
            .find(|s| s["path"].as_str().unwrap_or("").ends_with(name))
            .map(|s| s["kind"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(kind("smoke.jtl").as_deref(), Some("earlier_run"));
    assert_eq!(kind("smoke-console.txt").as_deref(), Some("earlier_run"));
    assert_eq!(kind("/console.txt").as_deref(), Some("same_data"));
}

/// Two JMeter runs in one dir, each with its console, at 1 then 10 threads, their
/// names not saying smoke: they may be a stepped test run as separate invocations, so
/// both stay stages of the run (nothing is set apart on counts alone).
#[test]
fn separate_jmeter_runs_not_named_smoke_stay_stages() {
    let dir = TestDir::new();
    write_smoke(&dir, "step-1.jtl", "step-1-console.txt");
    write_run(&dir, "step-2.jtl", "step-2-console.txt");
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 620);
    let users: Vec<_> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["users"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(users, [1, 10]);
    assert!(!report.to_string().contains("smoke test"));
}

/// The smoke test ran after the real run (a check that the fix deployed meanwhile
/// answers), so `jmeter.log`, which JMeter rewrites at each run, holds the smoke test's
/// summariser lines. Before this, that log was checked against the run's JTL and made
/// it "incomplete"; now it is the smoke test's log, set apart with it.
#[test]
fn a_jmeter_log_of_a_smoke_test_run_last_is_the_smoke_tests() {
    let dir = TestDir::new();
    write_run(&dir, "results.jtl", "console.txt");
    // The smoke test three minutes after the run began (two after it ended).
    let shift = 180_000;
    let smoke: String = (0..20u64)
        .map(|i| {
            row(
                T0 + shift + 400 + i * 1_000,
                "GET agents",
                true,
                "smoke 1-1",
                1,
            )
        })
        .collect();
    dir.write("run/smoke.jtl", smoke);
    let (start, end) = (T0 + shift, T0 + shift + 20_600);
    dir.write(
        "run/smoke-console.txt",
        console("smoke.jmx", start, end, 20, 0, 20),
    );
    dir.write(
        "run/jmeter.log",
        "2026/12/06 04:27:02 INFO  - jmeter.JMeter: Loading file: smoke.jmx \n\
         2026/12/06 04:27:02 INFO  - jmeter.reporters.Summariser: Summariser: summary \n\
         2026/12/06 04:27:22 INFO  - jmeter.reporters.Summariser: summary =     20 in    \
         20s =    1.0/s Avg:    21 Min:    21 Max:    21 Err:     0 (0.00%) \n\
         2026/12/06 04:27:22 INFO  - jmeter.engine.StandardJMeterEngine: Notifying test \
         listeners of end of test \n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 600);
    assert_eq!(
        report["data_quality"], "clean",
        "{}",
        report["data_quality_reason"]
    );
    let skipped = report["skipped"].as_array().unwrap();
    let log = (skipped.iter())
        .find(|s| s["path"].as_str().unwrap_or("").ends_with("jmeter.log"))
        .expect("jmeter.log is listed");
    assert_eq!(log["kind"], "earlier_run", "{log}");
}
