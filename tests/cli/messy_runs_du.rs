//! Messy runs, batch "du" (qa116): autocannon's console counts. Without `--json` its
//! totals line rounds to the thousand (`5k requests in 10.03s`) and counts the
//! requests *sent* (a paced run's count starts at its rate), but its `Req/Sec` row's
//! Avg is the mean of its per-second answer counts: Avg × `# of samples` is the
//! answers, as its `--json` has it (`requests.total` = `requests.average` ×
//! `samples`: 2408 = 481.6 × 5 in a paced run here).
//!
//! Fixtures are consoles autocannon 9 printed here against `headroom target` on
//! 127.0.0.1, with the command echoed above them.

use serde_json::Value;

use crate::check::check_json;
use crate::common::{analyze_json, TestDir};

/// `autocannon -R 470 -c 10 -d 10 …` as it printed here: `5k requests in 10.03s`,
/// `Req/Sec` Avg 479.1 over 10 samples.
const PACED_470: &str = r#"$ autocannon -R 470 -c 10 -d 10 http://127.0.0.1:18450/api/v1/agents
Running 10s test @ http://127.0.0.1:18450/api/v1/agents
10 connections


┌─────────┬──────┬──────┬───────┬───────┬─────────┬─────────┬───────┐
│ Stat    │ 2.5% │ 50%  │ 97.5% │ 99%   │ Avg     │ Stdev   │ Max   │
├─────────┼──────┼──────┼───────┼───────┼─────────┼─────────┼───────┤
│ Latency │ 0 ms │ 0 ms │ 6 ms  │ 10 ms │ 0.57 ms │ 1.78 ms │ 15 ms │
└─────────┴──────┴──────┴───────┴───────┴─────────┴─────────┴───────┘
┌───────────┬─────────┬─────────┬─────────┬─────────┬───────┬─────────┬───────┐
│ Stat      │ 1%      │ 2.5%    │ 50%     │ 97.5%   │ Avg   │ Stdev   │ Min   │
├───────────┼─────────┼─────────┼─────────┼─────────┼───────┼─────────┼───────┤
│ Req/Sec   │ 364     │ 364     │ 486     │ 520     │ 479.1 │ 42.25   │ 364   │
├───────────┼─────────┼─────────┼─────────┼─────────┼───────┼─────────┼───────┤
│ Bytes/Sec │ 44.1 kB │ 44.1 kB │ 58.8 kB │ 62.9 kB │ 58 kB │ 5.11 kB │ 44 kB │
└───────────┴─────────┴─────────┴─────────┴─────────┴───────┴─────────┴───────┘

Req/Bytes counts sampled once per second.
# of samples: 10

5k requests in 10.03s, 580 kB read
"#;

/// `autocannon -c 50 -d 3 …/health` as it printed here, its `--renderStatusCodes`
/// Code table (200: 192693, the exact answers) left out: per-second counts of 55k to
/// 70k, above the 2,047 autocannon's histogram keeps exactly.
const FAST_C50: &str = r#"$ autocannon -c 50 -d 3 http://127.0.0.1:18450/health
Running 3s test @ http://127.0.0.1:18450/health
50 connections


┌─────────┬──────┬──────┬───────┬──────┬─────────┬─────────┬───────┐
│ Stat    │ 2.5% │ 50%  │ 97.5% │ 99%  │ Avg     │ Stdev   │ Max   │
├─────────┼──────┼──────┼───────┼──────┼─────────┼─────────┼───────┤
│ Latency │ 0 ms │ 0 ms │ 1 ms  │ 1 ms │ 0.12 ms │ 0.98 ms │ 59 ms │
└─────────┴──────┴──────┴───────┴──────┴─────────┴─────────┴───────┘
┌───────────┬─────────┬─────────┬─────────┬─────────┬───────────┬──────────┬─────────┐
│ Stat      │ 1%      │ 2.5%    │ 50%     │ 97.5%   │ Avg       │ Stdev    │ Min     │
├───────────┼─────────┼─────────┼─────────┼─────────┼───────────┼──────────┼─────────┤
│ Req/Sec   │ 55,487  │ 55,487  │ 67,519  │ 69,823  │ 64,250.67 │ 6,278.32 │ 55,476  │
├───────────┼─────────┼─────────┼─────────┼─────────┼───────────┼──────────┼─────────┤
│ Bytes/Sec │ 6.05 MB │ 6.05 MB │ 7.36 MB │ 7.61 MB │ 7 MB      │ 683 kB   │ 6.05 MB │
└───────────┴─────────┴─────────┴─────────┴─────────┴───────────┴──────────┴─────────┘
Req/Bytes counts sampled once per second.
# of samples: 3

193k requests in 3.05s, 21 MB read
"#;

/// The one stage of `report`.
fn only_stage(report: &Value) -> &Value {
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 1, "{report:#}");
    &stages[0]
}

/// Observed: the stage had 5000 requests (the rounded `5k`, ±500) and 498.5 req/s,
/// so `throughput >= 480/s` on a run that made 4791 ÷ 10.03 s = 477.7 req/s was
/// "not proven" and the verdict CONDITIONAL. Now the answers are 479.1 × 10 = 4791
/// exactly (the only whole number whose mean over 10 samples autocannon prints as
/// 479.1), the throughput 477.7 req/s, and the rule fails: NO-GO.
#[test]
fn a_paced_consoles_answers_are_its_req_sec_avg_times_its_samples() {
    let dir = TestDir::new();
    dir.write("run/rate-470rps/autocannon.txt", PACED_470);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let s = only_stage(&report);
    assert_eq!(s["requests"], 4791, "{s:#}");
    let rps = s["throughput_rps"].as_f64().unwrap();
    assert!((rps - 4791.0 / 10.03).abs() < 1e-6, "{rps}");
    let notes = report["sources"].to_string();
    assert!(notes.contains("Avg (479.1) × its 10 samples"), "{notes}");
    assert!(!notes.contains("±500"), "{notes}");

    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"throughput >= 480/s\", \"p(99) < 50ms\", \"error_rate < 1%\"]\n",
    );
    let (code, out, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(out["verdict"], "NO-GO", "{stderr}");
    assert_eq!(code, 1, "{stderr}");
    let rule = (out["sla"]["rules"].as_array().unwrap().iter())
        .find(|r| r["rule"] == "throughput >= 480/s" && r["stage"] != "overall")
        .unwrap();
    assert_eq!(rule["status"], "fail", "{rule:#}");
}

/// Per-second counts above 2,047 are kept to 3 significant digits: Avg 64,250.67 × 3
/// = 192,752 is an estimate, said with its band (192,752 ÷ 2,047 + 0.02 × 3: ±95),
/// which holds the 192,693 answers autocannon's Code table counted; the rounded
/// `193k` (±500) is no longer the count.
#[test]
fn counts_past_autocannons_exact_range_are_an_estimate_with_its_band() {
    let dir = TestDir::new();
    dir.write("run/c50/autocannon.txt", FAST_C50);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let requests = only_stage(&report)["requests"].as_u64().unwrap();
    assert_eq!(requests, 192_752);
    assert!(requests.abs_diff(192_693) <= 95);
    let notes = report["sources"].to_string();
    assert!(notes.contains("192752 ± 95"), "{notes}");
    assert!(notes.contains("an estimate"), "{notes}");
}

/// A `Req/Sec` row that makes more answers than the requests sent (here a `1k` run
/// given the paced run's row: 4791 answers) contradicts its console: it is not used,
/// a note says so, and the rounded count stays with its band.
#[test]
fn a_req_sec_row_the_sent_count_cannot_hold_is_not_used() {
    let dir = TestDir::new();
    let text = PACED_470.replace("5k requests in 10.03s", "1k requests in 10.03s");
    dir.write("run/rate-470rps/autocannon.txt", text);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(only_stage(&report)["requests"], 1000);
    let notes = report["sources"].to_string();
    assert!(notes.contains("contradicts itself"), "{notes}");
    assert!(notes.contains("within ±500 of the true count"), "{notes}");
}
