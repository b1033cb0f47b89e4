//! Bottleneck hints on a hand-made run whose patterns are known: the slow endpoint's
//! share of waiting time, 503s and 429s in the top stage, and nothing else.

use crate::common::{analyze_json, resave_crlf, TestDir};

/// Writes a stage dir of `n` requests: every tenth to `/slow` (2,000 ms), the rest to
/// `/fast` (20 ms); `shed` of them answered 503 and `limited` answered 429.
fn stage(dir: &TestDir, name: &str, n: u64, shed: u64, limited: u64) {
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..n {
        let (endpoint, latency) = if i % 10 == 0 {
            ("/slow", 2000.0)
        } else {
            ("/fast", 20.0)
        };
        let status = if i % 10 == 1 && i / 10 < shed {
            503
        } else if i % 10 == 2 && i / 10 < limited {
            429
        } else {
            200
        };
        csv.push_str(&format!(
            "{},{endpoint},GET,{latency},{status}\n",
            1_700_000_000_000u64 + i * 10
        ));
    }
    dir.write(&format!("run/{name}/requests.csv"), csv);
}

#[test]
fn hints_name_their_evidence() {
    let dir = TestDir::new();
    stage(&dir, "01_low_10users", 2000, 0, 0);
    stage(&dir, "02_mid_20users", 2000, 0, 0);
    // The low stage's figures, saved by another run (not a copy of its file).
    resave_crlf(&dir.path().join("run/02_mid_20users/requests.csv"));
    // 100 of 2,000 requests shed (5 %), 40 rate-limited (2 %).
    stage(&dir, "03_high_40users", 2000, 100, 40);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &["--charts", "none"]);
    assert_eq!(code, 0, "{stderr}");
    let hints = report["bottlenecks"].as_array().unwrap();
    let find = |rule: &str| hints.iter().find(|h| h["rule"] == rule).cloned();

    let shed = find("load_shedding").expect("load shedding hint");
    assert_eq!(shed["stage"], "high");
    assert_eq!(shed["severity"], "high");
    assert!(
        shed["symptom"]
            .as_str()
            .unwrap()
            .starts_with("100 of 2000 requests (5%)"),
        "{shed}"
    );
    // 100 of the run's 6,000 requests.
    assert!((shed["affected_share"].as_f64().unwrap() - 100.0 / 6000.0).abs() < 1e-9);

    let limited = find("rate_limiting").expect("rate limiting hint");
    assert!(
        limited["symptom"]
            .as_str()
            .unwrap()
            .starts_with("40 of 2000 requests (2%)"),
        "{limited}"
    );

    // /slow: 10 % of requests, 600 × 2,000 ms of 600 × 2,000 + 5,400 × 20 ms waiting.
    let dominant = find("dominant_endpoint").expect("dominant endpoint hint");
    let share = 600.0 * 2000.0 / (600.0 * 2000.0 + 5400.0 * 20.0);
    let text = dominant["symptom"].as_str().unwrap();
    assert!(text.contains("GET /slow is 10% of requests"), "{text}");
    let shown: f64 = text
        .split(" but ")
        .nth(1)
        .and_then(|rest| rest.split('%').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no share in {text}"));
    assert!((shown - share * 100.0).abs() < 0.01, "{text} vs {share}");

    assert!(find("connection_limits").is_none());
    assert!(
        find("saturation").is_none(),
        "throughput grows with users here: {hints:?}"
    );
}

#[test]
fn a_clean_run_gets_no_hint() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms,status\n");
    for i in 0..500u64 {
        csv.push_str(&format!(
            "{},/a,{},200\n",
            1_700_000_000_000u64 + i * 20,
            10 + i % 5
        ));
    }
    dir.write("run/requests.csv", csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &["--charts", "none"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        report["bottlenecks"].as_array().unwrap().len(),
        0,
        "{}",
        report["bottlenecks"]
    );
}
