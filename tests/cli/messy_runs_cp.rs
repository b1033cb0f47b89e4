//! Messy runs, batch "cp": rate-driven (open-model) runs whose stage dirs are named by
//! their planned rate (`rate-50rps/`, `100rps/`, `stage 3 - 200 req-s/`), hey paced
//! with `-q` (per worker: the planned rate is `-q` × `-c`), and a run that could not
//! keep its rate, which is no capacity figure.

use super::common::{analyze_json, TestDir};
use super::messy_runs::hey_text;
use super::messy_runs_bl::ab_text;
use serde_json::Value;

/// The stages' (name, users, arrival rate) in report order.
fn loads(report: &Value) -> Vec<(String, Value, Value)> {
    (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["users"].clone(),
                s["arrival_rate_rps"].clone(),
            )
        })
        .collect()
}

/// Every note the report carries, as one text.
fn notes(report: &Value) -> String {
    let mut all = report["warnings"].to_string();
    for s in report["sources"].as_array().unwrap() {
        all.push_str(&s["notes"].to_string());
    }
    all
}

/// hey's summaries of 2 s runs (hey_text: requests ÷ 2 s req/s) in dirs named by their
/// rate: 100 requests in `rate-50rps/` (50 req/s, kept), 200 in `100rps/`, 400 in
/// `stage 3 - 200 req-s/` whose echoed command `hey -q 40 -c 5` plans 40 × 5 = 200 req/s,
/// and 500 in `2000rps/` (250 req/s: 12.5 % of its plan, not kept). The dir's name,
/// or hey's `-q` × `-c`, is each stage's arrival rate (no users: hey's workers only cap
/// what is in flight); the stage that fell short of its rate is no load point, and the
/// capacity note names it with both rates.
#[test]
fn rate_named_dirs_and_hey_q_give_arrival_rates_and_a_short_rate_is_no_capacity() {
    let dir = TestDir::new();
    dir.write("run/rate-50rps/console.txt", hey_text(100, 0));
    dir.write("run/100rps/hey.out", hey_text(200, 0));
    let paced = format!(
        "$ hey -z 2s -q 40 -c 5 http://127.0.0.1:18460/api/v1/agents\n{}",
        hey_text(400, 0)
    );
    dir.write("run/stage 3 - 200 req-s/console.txt", paced);
    dir.write("run/2000rps/hey.txt", hey_text(500, 0));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let mut got = loads(&report);
    got.sort_by(|a, b| a.2.as_f64().partial_cmp(&b.2.as_f64()).unwrap());
    let want: Vec<(String, Value, Value)> = [
        ("rate_50rps", 50.0),
        ("100rps", 100.0),
        ("200_req_s", 200.0),
        ("2000rps", 2000.0),
    ]
    .iter()
    .map(|(n, r)| (n.to_string(), Value::Null, Value::from(*r)))
    .collect();
    assert_eq!(got, want, "{report}");
    let cap = &report["capacity"];
    let points: Vec<&str> = (cap["load_points"].as_array().unwrap().iter())
        .map(|p| p["stage"].as_str().unwrap())
        .collect();
    assert_eq!(points, ["rate_50rps", "100rps", "200_req_s"], "{cap}");
    let note = cap["load_note"].as_str().unwrap_or_default();
    assert!(
        note.contains("`2000rps` (planned 2,000 req/s, achieved 250 req/s: 12%)"),
        "{note}"
    );
    let notes = notes(&report);
    assert!(
        notes.contains("planned arrival rate 50 req/s read from its dir's name"),
        "{notes}"
    );
    assert!(
        notes.contains("-q 40 req/s per worker by 5 workers (-c): a planned 200 req/s"),
        "{notes}"
    );
}

/// hey's `-q` is per worker: `-q 10 -c 8` plans 80 req/s, not 10. Without a dir that
/// names a rate, the echoed command alone gives it; the run made 160 requests in 2 s
/// (80 req/s: kept), so the stage has no users and its rate is 80.
#[test]
fn hey_q_is_a_rate_per_worker() {
    let dir = TestDir::new();
    let text = format!(
        "+ hey -z 2s -q 10 -c 8 http://127.0.0.1:18461/\n{}",
        hey_text(160, 0)
    );
    dir.write("run/peak/console.log", text);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let got = loads(&report);
    assert_eq!(got.len(), 1, "{report}");
    assert_eq!(got[0].1, Value::Null, "{report}");
    assert_eq!(got[0].2.as_f64(), Some(80.0), "{report}");
}

/// ab cannot pace its requests: its 4 concurrent users each send on the last answer
/// (a closed model), so a dir named `100rps/` is no arrival rate for its run. The
/// stage keeps ab's users and no rate, and a note says why the name's rate is not
/// taken.
#[test]
fn a_closed_tool_in_a_rate_named_dir_keeps_its_users() {
    let dir = TestDir::new();
    let ms: Vec<u64> = (1..=200).map(|i| 5 + i % 20).collect();
    dir.write("run/100rps/ab.txt", ab_text(&ms, 0, 2.0));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let got = loads(&report);
    assert_eq!(
        got,
        [("100rps".to_string(), Value::from(4), Value::Null)],
        "{report}"
    );
    let notes = notes(&report);
    assert!(
        notes.contains("plans 100 req/s, but ab ran a closed model with 4 users"),
        "{notes}"
    );
}

/// hey's CSV (`hey -q 20 -c 5 -o csv`) in `100rps/`: 100 requests 10 ms apart, each
/// 20 ms. The dir's name plans 100 req/s (the CSV names no rate) and the run kept it;
/// hey's `offset` is seconds since its test began, so the export's `timestamp_ms` are
/// ms since that start (0 … 990), and the export says they are no Unix epoch, in CSV
/// and NDJSON alike.
#[test]
fn hey_csv_times_are_said_to_be_since_the_test_began_in_every_export() {
    let dir = TestDir::new();
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..100 {
        csv.push_str(&format!(
            "0.0200,0.0001,0.0000,0.0000,0.0199,0.0000,200,{:.4}\n",
            i as f64 * 0.01
        ));
    }
    dir.write("run/100rps/hey.csv", csv);
    let run = dir.path().join("run");
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        loads(&report),
        [("100rps".to_string(), Value::Null, Value::from(100.0))],
        "{report}"
    );
    let out = dir.path().join("csv-export");
    let stderr = super::common::export_csv(&run, &out);
    assert!(stderr.contains("not Unix epoch ms"), "{stderr}");
    let requests = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    let times: Vec<i64> = (requests.lines().skip(1))
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(times.len(), 100);
    assert_eq!(times.iter().min(), Some(&0));
    assert_eq!(times.iter().max(), Some(&990));
    let nd = dir.path().join("nd-export");
    let o = super::common::headroom(&[
        "export",
        run.to_str().unwrap(),
        "--to",
        "ndjson",
        "--out",
        nd.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("not Unix epoch ms"), "{stderr}");
}
