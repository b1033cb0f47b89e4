//! Messy runs, batch "aj" (qa42): JMeter as a team runs it — non-GUI, a plan of
//! thread groups with Transaction Controllers, assertions and a 404 endpoint, its JTL
//! beside its `jmeter.log` and a console capture, written by JMeter 2.13 (Debian's)
//! with the save-service settings teams change.

use super::common::{analyze_json, check_rules, TestDir};

const T0: u64 = 1_796_517_729_000;

/// A default-mode Transaction Controller's row (JMeter 2.13's 12 default columns).
fn transaction(t: u64, elapsed: u64, label: &str, thread: &str, n: u32, failing: u32) -> String {
    let ok = if failing == 0 { "true" } else { "false" };
    format!(
        "{t},{elapsed},{label},200,\"Number of samples in transaction : {n}, number of \
         failing samples : {failing}\",{thread},,{ok},376,3,3,{elapsed}\n"
    )
}

/// A request row (2.13's default columns: no header, no failureMessage).
fn request(t: u64, elapsed: u64, label: &str, code: u16, ok: bool, thread: &str) -> String {
    let msg = if code == 200 { "OK" } else { "Not Found" };
    format!("{t},{elapsed},{label},{code},{msg},{thread},text,{ok},199,3,3,{elapsed}\n")
}

/// JMeter's console (2.13) of a run whose summariser saw `samples` and `errors`.
fn console(samples: u64, errors: u64) -> String {
    format!(
        "Creating summariser <summary>\nCreated the tree successfully using plan.jmx\n\
         Starting the test @ Sun Dec 06 00:42:09 UTC 2026 (1796517729719)\n\
         Waiting for possible shutdown message on port 4445\n\
         summary =    {samples} in    11s =   33.5/s Avg:    87 Min:     0 Max:  1210 Err:   \
         {errors} (40.00%)\nTidying up ...    @ Sun Dec 06 00:42:20 UTC 2026 (1796517740804)\n\
         ... end of run\n"
    )
}

/// A plan with a default-mode "Browse" Transaction Controller (two requests) and a
/// 404 endpoint outside it, 3 threads × 20 iterations, run non-GUI with JMeter 2.13:
/// its summariser counts the controller's rows too (60 of them: 240 samples, 60
/// errors), where the JTL's requests are 180 with 60 errors. Before, headroom said the
/// console and jmeter.log were of other data ("the results read are not the whole
/// run"), marked the data incomplete and put "Re-run the test to completion" first.
/// Now both are the same run, checked: the requests and errors read are the JTL's.
#[test]
fn a_summariser_that_counts_transaction_rows_is_the_same_run() {
    let dir = TestDir::new();
    let mut jtl = String::new();
    for i in 0..20u64 {
        for th in 1..=3u64 {
            let thread = format!("baseline 1-{th}");
            let t = T0 + i * 1_000 + th * 10;
            jtl += &request(t, 20, "GET agents", 200, true, &thread);
            jtl += &request(t + 25, 40, "GET agent", 200, true, &thread);
            jtl += &transaction(t, 60, "Browse", &thread, 2, 0);
            jtl += &request(t + 70, 2, "Missing", 404, false, &thread);
        }
    }
    dir.write("run/results.jtl", jtl);
    dir.write("run/console.txt", console(240, 60));
    dir.write(
        "run/jmeter.log",
        format!(
            "2026/12/06 00:42:09 INFO  - jmeter.JMeter: Version 2.13 r1665067\n{}",
            console(240, 60)
        ),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 180, "{stderr}");
    assert_eq!(report["overall"]["failures"], 60);
    assert_ne!(
        report["data_quality"], "incomplete",
        "{}",
        report["data_quality_reason"]
    );
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    for s in skipped {
        let reason = s["reason"].as_str().unwrap();
        assert!(reason.contains("same run"), "{reason}");
        assert!(
            reason.contains("Transaction Controllers' 60 samples"),
            "{reason}"
        );
    }
}

/// "Generate parent sample" Transaction Controllers in a CSV JTL written by JMeter
/// 2.13 (which saves no sub-results to CSV; 5.x does the same with
/// `jmeter.save.saveservice.subresults=false`): each "Checkout" row stands for two
/// requests the file does not hold, and one in five failed (a child answered 500).
/// A health check outside never fails. Before, the controller rows were left out of
/// the totals as transactions: the run read 0 % errors and `error_rate < 5%` gave GO.
/// Now each such row is one sample, as JMeter's reports count it: 60 of 600 samples
/// failed (10 %), and the check fails.
#[test]
fn parent_sample_transactions_without_children_are_the_samples() {
    let dir = TestDir::new();
    let mut jtl = String::new();
    for th in 1..=3u64 {
        let thread = format!("Shop 1-{th}");
        let mut t = T0 + th;
        for i in 0..100u64 {
            let failing = u32::from(i % 5 == 0);
            let row = transaction(t, 120, "Checkout", &thread, 2, failing);
            // A parent mode row: no latency of its own, 500 when a child failed.
            let row = row.replace(",120\n", ",0\n");
            jtl += &if failing == 1 {
                row.replacen(",200,", ",500,", 1)
            } else {
                row
            };
            t += 150;
            jtl += &request(t, 5, "Health", 200, true, &thread);
            t += 50;
        }
    }
    dir.write("run/results.jtl", jtl);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 600);
    assert_eq!(report["overall"]["failures"], 60);
    let (code, stdout, stderr) = check_rules(&dir, &dir.path().join("run"), "\"error_rate < 5%\"");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stdout.contains("verdict: GO"), "{stdout}");
}

/// The same default-mode plan as above (children written before each controller row)
/// keeps its controller rows as transactions: 180 requests, not 240, and the failed
/// child's 15 failures once each.
#[test]
fn default_mode_transactions_stay_out_of_the_requests() {
    let dir = TestDir::new();
    let mut jtl = String::new();
    for i in 0..20u64 {
        for th in 1..=3u64 {
            let thread = format!("peak 1-{th}");
            let t = T0 + i * 1_000 + th * 10;
            let failed = i % 4 == 0;
            let code = if failed { 500 } else { 200 };
            jtl += &request(t, 20, "GET agents", code, !failed, &thread);
            jtl += &request(t + 25, 40, "GET agent", 200, true, &thread);
            jtl += &transaction(t, 60, "Browse", &thread, 2, u32::from(failed));
            jtl += &request(t + 70, 2, "Health", 200, true, &thread);
        }
    }
    dir.write("run/results.jtl", jtl);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 180);
    assert_eq!(report["overall"]["failures"], 15);
}

/// The same plan run twice with the same `-l results.jtl` (JMeter appends its rows,
/// the header written once, as JMeter 2.13 did here), the console captured with `>> console.txt` and `-j jmeter.log` (which
/// JMeter writes anew each run): the JTL holds both runs (run 1: 90 requests, 30
/// errors, 30 controller rows; run 2: 60 requests, 20 errors, 20 controller rows),
/// the console both summaries (120 and 80 samples), the log the second only. Before,
/// both were "not the whole run the summariser saw": data incomplete, "Re-run the
/// test to completion" first. Now the console's runs add up to the JTL's, and the log
/// is the last of them: both the same data, the run complete.
#[test]
fn a_jtl_appended_over_two_runs_with_their_console_and_last_log() {
    let dir = TestDir::new();
    let header = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,\
                  success,bytes,grpThreads,allThreads,Latency\n";
    let mut jtl = String::from(header);
    let mut console_txt = String::new();
    for (run, iterations) in [(0u64, 10u64), (1, 6)] {
        let start = T0 + run * 60_000;
        let mut rows = 0;
        for i in 0..iterations {
            for th in 1..=3u64 {
                let thread = format!("baseline 1-{th}");
                let t = start + i * 1_000 + th * 10;
                jtl += &request(t, 20, "GET agents", 200, true, &thread);
                jtl += &request(t + 25, 40, "GET agent", 200, true, &thread);
                jtl += &transaction(t, 60, "Browse", &thread, 2, 0);
                jtl += &request(t + 70, 2, "Missing", 404, false, &thread);
                rows += 4;
            }
        }
        console_txt += &console(rows, rows / 4);
    }
    // Run 2: 6 iterations × 3 threads = 18 controller rows, 54 requests, 18 errors.
    dir.write("run/results.jtl", jtl);
    dir.write("run/console.txt", &console_txt);
    dir.write("run/jmeter.log", console(72, 18));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 90 + 54, "{stderr}");
    assert_eq!(report["overall"]["failures"], 30 + 18);
    assert_ne!(
        report["data_quality"], "incomplete",
        "{}",
        report["data_quality_reason"]
    );
    let skipped = report["skipped"].as_array().unwrap();
    let reason = |name: &str| {
        let s = skipped
            .iter()
            .find(|s| s["path"].as_str().unwrap().ends_with(name));
        s.unwrap_or_else(|| panic!("{skipped:?}"))["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        reason("console.txt").contains("2 runs appended"),
        "{skipped:?}"
    );
    assert!(
        reason("console.txt").contains("192 samples, 48 errors"),
        "{skipped:?}"
    );
    assert!(
        reason("jmeter.log").contains("last of the 2 runs"),
        "{skipped:?}"
    );
}

/// One plan using both modes, as JMeter's own test file for Bug 56811 does: thread
/// group "Parent" wraps its checkout in a "Generate parent sample" controller (2.13's
/// CSV holds only the parent rows), thread group "Default" runs a default-mode
/// controller after its two requests. Each group: 2 threads × 20
/// iterations, one checkout in four failing. The parent rows are the Parent group's
/// samples (40, 10 failed); the Default group's controller rows stay transactions
/// beside its 80 requests (10 failed): 200 requests, 20 failures, with the health
/// checks — not 160 (the parents hidden) nor 240 (the default-mode rows counted too).
#[test]
fn parent_and_default_mode_controllers_in_two_thread_groups() {
    let dir = TestDir::new();
    let mut jtl = String::new();
    for i in 0..20u64 {
        let failing = u32::from(i % 4 == 0);
        for th in 1..=2u64 {
            let t = T0 + i * 1_000 + th * 10;
            let thread = format!("Parent 1-{th}");
            jtl += &transaction(t, 90, "Checkout", &thread, 2, failing).replace(",90\n", ",0\n");
            jtl += &request(t + 100, 3, "Health", 200, true, &thread);
            let thread = format!("Default 2-{th}");
            jtl += &request(t, 30, "GET cart", 200, true, &thread);
            jtl += &request(t + 35, 50, "POST order", 200, failing == 0, &thread);
            jtl += &transaction(t, 85, "Order", &thread, 2, failing);
            jtl += &request(t + 100, 3, "Health", 200, true, &thread);
        }
    }
    dir.write("run/results.jtl", jtl);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 200, "{stderr}");
    assert_eq!(report["overall"]["failures"], 20);
}

/// JMeter 5's CSV of a "Generate parent sample" controller with sub-results saved
/// (the default): the "Checkout" parent row, then its two children under their own
/// names (a controller's sub-results are not renamed `label-N`), written right after
/// it by the same thread and starting within it; 2 threads × 10 iterations, one in
/// four orders failing. The children are the requests (40, 6 failed, with 20 health
/// checks: 60), the parent rows stay transactions — not 80, the parents counted
/// beside their children.
#[test]
fn parent_sample_rows_followed_by_their_children_stay_transactions() {
    let dir = TestDir::new();
    let mut jtl = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
         bytes,grpThreads,allThreads,Latency\n",
    );
    for i in 0..10u64 {
        let failing = u32::from(i % 4 == 0);
        for th in 1..=2u64 {
            let t = T0 + i * 1_000 + th * 10;
            let thread = format!("Shop 1-{th}");
            jtl += &transaction(t, 90, "Checkout", &thread, 2, failing).replace(",90\n", ",0\n");
            jtl += &request(t, 30, "GET cart", 200, true, &thread);
            jtl += &request(t + 35, 50, "POST order", 200, failing == 0, &thread);
            jtl += &request(t + 200, 3, "Health", 200, true, &thread);
        }
    }
    dir.write("run/results.jtl", jtl);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 60, "{stderr}");
    assert_eq!(report["overall"]["failures"], 6);
}
