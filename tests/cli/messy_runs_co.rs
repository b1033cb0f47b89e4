//! Verdicts on figures a tool gives only within a band: a rule passes only if it
//! passes at both ends of what the data allows, fails only if it fails at both, and
//! is `not_proven` in between — never a GO on a rounded count.
//!
//! Fixtures have the shape of `autocannon -c 10 -d 4 -t 1 URL 2>&1 | tee
//! DIR/autocannon.log` against a `headroom target` that stalled (timeouts, no non-2xx
//! answers): its console rounds counts of 1,000 and more to the thousand (`2k
//! requests`), so `2k` is anything from 1,500 to 2,499. The consoles are kept
//! without autocannon's `# of samples` line: with it, its `Req/Sec` Avg × samples
//! counts the answers (`messy_runs_du`); these are consoles that give only their
//! rounded counts.

use serde_json::Value;

use crate::common::{analyze_json, TestDir};

/// autocannon's plain console for one run: `sent` as printed (`2k`), `errors` and
/// `timeouts` as printed, and the `N 2xx responses, M non 2xx responses` line when
/// `answers` is given (autocannon prints it when some answer was not 2xx).
fn autocannon_log(sent: &str, errors: &str, answers: Option<(u64, u64)>) -> String {
    let mut s = String::from(
        "Running 4s test @ http://127.0.0.1:18450/health\n10 connections\n\n\n\
┌─────────┬──────┬──────┬───────┬──────┬─────────┬──────────┬────────┐\n\
│ Stat    │ 2.5% │ 50%  │ 97.5% │ 99%  │ Avg     │ Stdev    │ Max    │\n\
├─────────┼──────┼──────┼───────┼──────┼─────────┼──────────┼────────┤\n\
│ Latency │ 0 ms │ 0 ms │ 1 ms  │ 2 ms │ 0.28 ms │ 14.16 ms │ 997 ms │\n\
└─────────┴──────┴──────┴───────┴──────┴─────────┴──────────┴────────┘\n\
┌───────────┬─────┬──────┬─────────┬─────────┬─────────┬──────────┬─────────┐\n\
│ Stat      │ 1%  │ 2.5% │ 50%     │ 97.5%   │ Avg     │ Stdev    │ Min     │\n\
├───────────┼─────┼──────┼─────────┼─────────┼─────────┼──────────┼─────────┤\n\
│ Req/Sec   │ 0   │ 0    │ 495     │ 900     │ 500     │ 300.2    │ 100     │\n\
├───────────┼─────┼──────┼─────────┼─────────┼─────────┼──────────┼─────────┤\n\
│ Bytes/Sec │ 0 B │ 0 B  │ 54 kB   │ 98 kB   │ 55 kB   │ 33 kB    │ 11 kB   │\n\
└───────────┴─────┴──────┴─────────┴─────────┴─────────┴──────────┴─────────┘\n\n\
Req/Bytes counts sampled once per second.\n\n",
    );
    if let Some((ok, non)) = answers {
        s.push_str(&format!("{ok} 2xx responses, {non} non 2xx responses\n"));
    }
    s.push_str(&format!(
        "{sent} requests in 4.04s, 220 kB read\n{errors} errors ({errors} timeouts)\n"
    ));
    s
}

/// The evaluations of `rules` on the one run `log` is, by `analyze --format json`.
fn evaluations(log: &str, rules: &str) -> (i32, Value) {
    let dir = TestDir::new();
    dir.write("02_peak_10users/autocannon.log", log);
    let sla = dir.write("sla.toml", format!("[global]\nrules = [{rules}]\n"));
    let (code, json, stderr) = analyze_json(
        &[&dir.path().join("02_peak_10users")],
        &["--sla", sla.to_str().unwrap()],
    );
    assert!(json.is_object(), "{stderr}");
    (code, json)
}

/// The status of the evaluation of `rule` on the stage (not overall).
fn status<'a>(json: &'a Value, rule: &str) -> (&'a str, &'a str) {
    let e = json["sla"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["rule"] == rule && e["stage"] != "overall")
        .unwrap_or_else(|| panic!("no evaluation of {rule}"));
    (
        e["status"].as_str().unwrap(),
        e["note"].as_str().unwrap_or(""),
    )
}

/// `2k requests` with 400 timeouts and no non-2xx line: the requests are 1,500 to
/// 2,499, so the error rate is 400 ÷ 2,500 = 16 % to 400 ÷ 1,500 = 26.7 %. The rounded
/// count's 20 % passes `error_rate < 22%` and its Wilson interval (±1.8 points over
/// 2,000 requests) too: it was GO; now neither end decides it.
#[test]
fn a_rounded_request_count_leaves_an_error_rate_rule_inside_its_band_unproven() {
    let log = autocannon_log("2k", "400", None);
    let (_, json) = evaluations(
        &log,
        "\"error_rate < 22%\", \"availability > 78%\", \"error_rate < 30%\", \
         \"error_rate < 15%\"",
    );
    let (s, note) = status(&json, "error_rate < 22%");
    assert_eq!(s, "not_proven", "{note}");
    let (low, high) = (400.0 / 2500.0 * 100.0, 400.0 / 1500.0 * 100.0);
    assert!(note.contains(&format!("{low:.0}%")), "{note}");
    assert!(note.contains(&format!("{high:.1}%")), "{note}");
    assert!(note.contains("±500 requests"), "{note}");
    assert_eq!(status(&json, "availability > 78%").0, "not_proven");
    // 26.7 % < 30 % at the worst end: a pass; 16 % > 15 % at the best: a fail.
    assert_eq!(status(&json, "error_rate < 30%").0, "pass");
    assert_eq!(status(&json, "error_rate < 15%").0, "fail");
    let headline = json["sla"]["headline"].as_str().unwrap();
    assert!(headline.starts_with("NO-GO"), "{headline}");
}

/// Without the failing rule the verdict is CONDITIONAL, and the reason names the
/// rounding (not "too few requests", which more of the same rounded run would not
/// mend), and the next step asks for exact counts.
#[test]
fn the_verdict_on_a_rounded_count_says_the_rounding_not_too_few_requests() {
    let log = autocannon_log("2k", "400", None);
    let (code, json) = evaluations(&log, "\"error_rate < 22%\"");
    assert_eq!(code, 0);
    let headline = json["sla"]["headline"].as_str().unwrap();
    assert!(headline.starts_with("CONDITIONAL"), "{headline}");
    assert!(headline.contains("rounding"), "{headline}");
    assert!(!headline.contains("too few requests"), "{headline}");
    let text = json.to_string();
    assert!(
        text.contains("with exact counts"),
        "no next step asks for them"
    );
}

/// The same run with autocannon's exact answers line (`1590 2xx responses, 10 non 2xx
/// responses`): 1,600 + 400 = 2,000 requests exactly and 410 failures, 20.5 %, whose
/// Wilson interval over 2,000 (18.8 %–22.3 %) is under 25 %: a pass. Without the line
/// the same `error_rate < 25%` is 16 %–26.7 %: not proven.
#[test]
fn exact_answers_give_exact_counts_and_the_rule_is_judged_as_measured() {
    let exact = autocannon_log("2k", "400", Some((1590, 10)));
    let (_, json) = evaluations(&exact, "\"error_rate < 25%\"");
    let (s, note) = status(&json, "error_rate < 25%");
    assert_eq!(s, "pass", "{note}");
    assert!(!note.contains("rounds its counts"), "{note}");
    let rounded = autocannon_log("2k", "400", None);
    let (_, json) = evaluations(&rounded, "\"error_rate < 25%\"");
    assert_eq!(status(&json, "error_rate < 25%").0, "not_proven");
}

/// Rounded errors too (`5k requests`, `2k errors (2k timeouts)`): the failures are
/// 1,500 to 2,499 and the requests 4,500 to 5,499, so the error rate is anything from
/// 1,500 ÷ 5,500 = 27.3 % to 2,500 ÷ 4,500 = 55.6 % (printed: 40 %). Throughput is
/// 4,500 ÷ 4.04 = 1,114 to 5,500 ÷ 4.04 = 1,361 req/s.
#[test]
fn rounded_errors_widen_the_band_on_both_counts() {
    let log = autocannon_log("5k", "2k", None);
    let (_, json) = evaluations(
        &log,
        "\"error_rate < 50%\", \"error_rate < 60%\", \"error_rate > 25%\", \
         \"throughput > 1200\", \"throughput > 1100\"",
    );
    let (s, note) = status(&json, "error_rate < 50%");
    assert_eq!(s, "not_proven", "{note}");
    assert!(note.contains("±500 failures"), "{note}");
    assert!(note.contains("55.6%") && note.contains("27.3%"), "{note}");
    assert_eq!(status(&json, "error_rate > 25%").0, "pass");
    assert_eq!(status(&json, "throughput > 1200").0, "not_proven");
    // 1,114 req/s at the fewest requests: a pass by requests; but 2,500 of 4,500
    // failed at that end, so the pass rests on failures: never a plain GO.
    assert_ne!(status(&json, "throughput > 1100").0, "pass");
    assert_ne!(status(&json, "error_rate < 60%").0, "fail");
}

/// wrk's console (`wrk -t2 -c24 -d3s --timeout 1s --latency URL | tee DIR/wrk.txt`)
/// with `p50`, `p99` and `timeouts` timed-out requests it leaves out of its latency.
fn wrk_log(p50_ms: f64, p99_ms: f64, requests: u64, timeouts: u64) -> String {
    let mut s = format!(
        "Running 3s test @ http://127.0.0.1:18451/api/v1/agents/run\n  2 threads and 24 \
         connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency   \
         {p50_ms:.2}ms  100.00ms {p99_ms:.2}ms   57.14%\n    Req/Sec    12.63      6.87    \
         30.00     44.74%\n  Latency Distribution\n     50%  {p50_ms:.2}ms\n     75%  \
         {p50_ms:.2}ms\n     90%  {p99_ms:.2}ms\n     99%  {p99_ms:.2}ms\n  {requests} \
         requests in 3.01s, 8.85KB read\n"
    );
    if timeouts > 0 {
        s.push_str(&format!(
            "  Socket errors: connect 0, read 0, write 0, timeout {timeouts}\n"
        ));
    }
    s.push_str("Requests/sec:     20.61\nTransfer/sec:      2.94KB\n");
    s
}

/// Two wrk stages, the busier one with 41 timeouts left out of its latency: overall
/// merges their summaries (an estimate, `≈`) of figures that leave the timeouts out
/// (over all requests, at least them: `≥`). Together that is neither a bound nor an
/// estimate of the percentile: it was shown `≥ ≈ 390 ms`; now `≳ 390 ms`, with its
/// own legend, and report.json says `at_least_about`.
#[test]
fn an_estimate_of_a_lower_bound_is_shown_as_one() {
    let dir = TestDir::new();
    dir.write("01_low_4users/wrk.txt", wrk_log(316.21, 849.75, 34, 0));
    dir.write("02_peak_24users/wrk.txt", wrk_log(576.84, 999.04, 62, 41));
    let out = dir.path().join("rep");
    let o = crate::common::headroom(&[
        "analyze",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap())
            .unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(json["overall"]["latency_method"], "merged_approximate");
    assert_eq!(json["overall"]["latency_percentiles_are"], "at_least_about");
    let stages = json["stages"].as_array().unwrap();
    let reading = |name: &str| {
        stages.iter().find(|s| s["name"] == name).unwrap()["latency_percentiles_are"].clone()
    };
    assert_eq!(reading("low"), "value");
    assert_eq!(reading("peak"), "at_least");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("≥ ≈"), "a bound of an estimate is still shown");
    let overall = md.lines().find(|l| l.contains("**overall**")).unwrap();
    assert!(overall.contains("≳ "), "{overall}");
    assert!(md.contains("*≳:*"), "no legend for ≳");
}
