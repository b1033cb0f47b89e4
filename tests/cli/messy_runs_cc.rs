//! Messy runs, batch "cc" (qa80): units and numbers across formats. A per-request
//! run lasts from its first request's start to its last answer, as the tools' own
//! totals say (hey's `Total`, `Requests/sec`); and a bad last row written without a
//! line break is named by its own line.

use std::path::Path;

use serde_json::Value;

use super::check::check_json;
use super::common::{analyze_json, close, headroom_in, TestDir};

/// hey's `-o csv` of a `-z 3s -c 5` run against an endpoint answering in 250 ms (the
/// shape `hey` 0.1.4 wrote against `headroom target`): each of 5 users sends 12
/// requests back to back, user `u` 1 ms after user `u − 1`. Returns the CSV and the
/// (offset s, latency s) of every row.
fn hey_closed_loop() -> (String, Vec<(f64, f64)>) {
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    let mut rows = Vec::new();
    for k in 0..12 {
        for u in 0..5 {
            let offset = 0.008 + f64::from(k) * 0.25 + f64::from(u) * 0.001;
            let latency = 0.25;
            csv.push_str(&format!(
                "{latency:.4},0.0002,0.0000,0.0000,0.2499,0.0001,200,{offset:.4}\n"
            ));
            rows.push((offset, latency));
        }
    }
    (csv, rows)
}

/// hey's CSV of a 3 s run whose requests each took 250 ms: the run lasted from the
/// first start to the last answer (the last start 2.754 s after the first, plus its
/// 0.25 s, as hey's own `Total` counts it), 60 ÷ 3.004 s ≈ 19.97 req/s.
///
/// Before, the span ended 1 ms after the last start: 60 ÷ 2.755 s = 21.8 req/s, 9 %
/// high (the real run: hey printed `Requests/sec: 19.8162`, headroom 21.7), and
/// `throughput >= 21/s` passed: a GO the run did not earn. Now it is NO-GO.
#[test]
fn a_per_request_run_lasts_until_its_last_answer() {
    let dir = TestDir::new();
    let (csv, rows) = hey_closed_loop();
    dir.write("run/stage-A_5u/hey.csv", csv);
    let first = rows.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
    let last_end = rows.iter().map(|r| r.0 + r.1).fold(0.0, f64::max);
    let span_s = last_end - first;
    assert!((span_s - 3.004).abs() < 1e-6, "the fixture: {span_s}");

    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 60, "{stage}");
    let duration = stage["duration_s"].as_f64().unwrap();
    assert!(close(duration, span_s, 1e-3), "{duration} vs {span_s}");
    let rps = stage["throughput_rps"].as_f64().unwrap();
    assert!(close(rps, 60.0 / span_s, 1e-3), "{rps}");
    let overall = report["overall"]["throughput_rps"].as_f64().unwrap();
    assert!(close(overall, 60.0 / span_s, 1e-3), "{overall}");

    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"throughput >= 21/s\", \"p(95) < 300ms\"]\n",
    );
    let (code, check, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(
        (code, check["verdict"].as_str()),
        (1, Some("NO-GO")),
        "{stderr}{check}"
    );
}

/// A script's CSV with latencies in seconds (`latency_s`) against an endpoint that
/// answers in 1.5 s: 4 users, 5 requests each, back to back. The latency is 1,500 ms
/// (not 1.5 ms), and the run lasts from the first start to the last answer: 7.5 s
/// (the last start at 6.003 s, plus 1.5 s), 20 ÷ 7.503 s ≈ 2.67 req/s, not 20 ÷ 6.004 s
/// = 3.33 req/s (25 % high, which passed `throughput >= 3/s`).
#[test]
fn slow_answers_in_seconds_stretch_the_run_to_the_last_one() {
    let dir = TestDir::new();
    let t0 = 1_796_600_000_000i64;
    let mut csv = String::from("timestamp,label,latency_s,status\n");
    let mut last_end = 0i64;
    for k in 0..5 {
        for u in 0..4 {
            let start = t0 + k * 1500 + u;
            csv.push_str(&format!("{start},GET /slow,1.500,200\n"));
            last_end = last_end.max(start + 1500);
        }
    }
    dir.write("run/05_slow_4users/results.csv", csv);
    let span_s = (last_end - t0) as f64 / 1000.0;
    assert!((span_s - 7.503).abs() < 1e-9);

    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["users"], 4);
    // 1,500 ms within the histogram's 3 significant digits (not 1.5 ms).
    let p50 = stage["latency_ms"]["p50"].as_f64().unwrap();
    assert!(close(p50, 1500.0, 1e-3), "{p50}");
    let rps = stage["throughput_rps"].as_f64().unwrap();
    assert!(close(rps, 20.0 / span_s, 1e-3), "{rps}");

    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"throughput >= 3/s\", \"p(50) < 2s\"]\n",
    );
    let (code, check, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(
        (code, check["verdict"].as_str()),
        (1, Some("NO-GO")),
        "{stderr}{check}"
    );
    let rules = check["sla"]["rules"].as_array().unwrap();
    let p50 = rules
        .iter()
        .find(|r| r["rule"] == "p(50) < 2s" && r["stage"].is_null())
        .unwrap();
    assert_eq!(p50["status"], "pass", "{p50}");
    assert!(close(p50["value"].as_f64().unwrap(), 1500.0, 1e-3), "{p50}");
}

/// Runs `analyze` on `run` (a dir of `dir`) and returns its exit code and stderr.
fn analyze_stderr(dir: &Path, run: &str) -> (Option<i32>, String) {
    let o = headroom_in(dir, &["analyze", run, "--out", &format!("out-{run}")]);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A hand-joined CSV whose bad last row, after two blank lines, has no line break
/// (an editor that does not add one; LF and CRLF alike): the row is on line 6.
///
/// Before, it was named `results.csv:5`, a blank line (the csv crate counts a line at
/// its break, and the last row has none). Now it is named by its own line, 6, and the
/// two good rows are still read.
#[test]
fn a_bad_last_row_without_a_line_break_is_named_by_its_own_line() {
    let dir = TestDir::new();
    let rows = [
        "timestamp,label,elapsed_ms,status",
        "1700000000000,GET /a,100,200",
        "1700000001000,GET /a,100,200",
        "",
        "",
        "1700000002000,GET /a,abc,200",
    ];
    dir.write("lf/results.csv", rows.join("\n"));
    dir.write("crlf/results.csv", rows.join("\r\n"));
    for run in ["lf", "crlf"] {
        let (code, stderr) = analyze_stderr(dir.path(), run);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("results.csv:6: bad latency `abc`"),
            "{run}: {stderr}"
        );
        let report: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(format!("out-{run}/report.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(report["overall"]["requests"], 2, "{run}");
    }
}

/// wrk's console of a slow run (answers in about a minute; wrk prints `m`): 40
/// requests `in 5.00m`, `Requests/sec: 0.13`. The latencies are minutes (p50 `1.01m` =
/// 60,600 ms) and the run's length is the printed 5.00 m (±0.3 s), not 40 ÷ 0.13 =
/// 307.7 s: `0.13` is rounded to 0.01 and leaves 296 … 320 s open. The throughput is
/// 40 ÷ 300 s = 0.133 req/s.
///
/// Before, the length was 307.7 s and the throughput 0.130 req/s (2.5 % low), and
/// `throughput >= 0.132/s` failed on a run that made it.
#[test]
fn a_slow_wrk_run_takes_its_printed_length_over_a_rounded_rate() {
    let dir = TestDir::new();
    dir.write(
        "run/minutes_10users/wrk.txt",
        "Running 5m test @ http://127.0.0.1:18471/slow\n\
         \x20 2 threads and 10 connections\n\
         \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
         \x20   Latency     1.02m     2.10s    1.10m    60.00%\n\
         \x20   Req/Sec     0.00      0.00     0.00    100.00%\n\
         \x20 Latency Distribution\n\
         \x20    50%    1.01m \n\
         \x20    75%    1.03m \n\
         \x20    90%    1.05m \n\
         \x20    99%    1.10m \n\
         \x20 40 requests in 5.00m, 1.20MB read\n\
         Requests/sec:      0.13\n\
         Transfer/sec:      4.10KB\n",
    );
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 40, "{stage}");
    assert_eq!(
        stage["latency_ms"]["p50"].as_f64(),
        Some(60_600.0),
        "{stage}"
    );
    assert_eq!(
        stage["latency_ms"]["mean"].as_f64(),
        Some(61_200.0),
        "{stage}"
    );
    assert_eq!(stage["duration_s"].as_f64(), Some(300.0), "{stage}");
    let rps = stage["throughput_rps"].as_f64().unwrap();
    assert!(close(rps, 40.0 / 300.0, 1e-9), "{rps}");

    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"throughput >= 0.132/s\"]\n",
    );
    let (_, check, stderr) = check_json(&run, &sla, &[]);
    let rule = &check["sla"]["rules"][0];
    assert_eq!(rule["status"], "pass", "{stderr}{rule}");
}
