//! The part B formats (vegeta, wrk/wrk2, HdrHistogram percentile text, oha, hey,
//! Artillery, Goose, Locust `--json`) through `analyze`, on fixtures written here with
//! answers known independently: totals and failure kinds counted from what the test
//! wrote, percentiles by nearest rank over the values it wrote (or, for tool
//! summaries, the figures it printed into the file). Plus the conformance test against
//! the real files in `../shared/samples`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::common::{analyze_json, check_rules, close, headroom, nearest_rank, Lcg, TestDir};

/// The endpoint `key` of the first stage.
fn endpoint<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["stages"][0]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == key)
        .unwrap_or_else(|| {
            panic!(
                "no endpoint `{key}` in {}",
                report["stages"][0]["endpoints"]
            )
        })
}

/// Asserts p50/p90/p95/p99 of `lat` equal the nearest-rank percentiles of `values`
/// within HdrHistogram's 3 significant digits.
fn assert_nearest_rank(lat: &Value, values: &[f64], what: &str) {
    for (key, p) in [("p50", 50.0), ("p90", 90.0), ("p95", 95.0), ("p99", 99.0)] {
        let got = lat[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{what}: no {key}"));
        let want = nearest_rank(values, p);
        assert!(
            close(got, want, 0.001),
            "{what} {key}: got {got}, exact {want}"
        );
    }
}

fn kinds(report: &Value, scope: &str) -> BTreeMap<String, u64> {
    report[scope]["failures_by_kind"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect()
}

fn expect_kinds(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (k.to_string(), *n))
        .collect()
}

/// A CSV field quoted the RFC 4180 way when it needs to be.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

// ---------------------------------------------------------------------------------
// vegeta

/// One request as the test wrote it.
struct Sent {
    t_ns: u64,
    code: u16,
    latency_ns: u64,
    error: &'static str,
    method: &'static str,
    url: &'static str,
}

const VEGETA_START_NS: u64 = 1_700_000_000_000_000_000;

/// 600 requests over 15 s to two URLs, with 503s, timeouts and refused connections
/// at indexes the test knows.
fn vegeta_requests() -> Vec<Sent> {
    let mut rng = Lcg(7);
    (0..600u64)
        .map(|i| {
            let u = rng.next_f64().max(1e-9);
            let latency_ns = ((1.0 - 20.0 * u.ln()) * 1e6).round() as u64;
            let (code, error) = if i % 50 == 7 {
                (503, "503 Service Unavailable")
            } else if i % 97 == 11 {
                (
                    0,
                    "Get \"http://127.0.0.1:8080/api/a\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
                )
            } else if i % 89 == 5 {
                (0, "Get \"http://127.0.0.1:8080/api/a\": dial tcp 127.0.0.1:8080: connect: connection refused")
            } else {
                (200, "")
            };
            let (method, url) = if i % 3 == 0 {
                ("POST", "http://127.0.0.1:8080/api/b")
            } else {
                ("GET", "http://127.0.0.1:8080/api/a")
            };
            Sent {
                t_ns: VEGETA_START_NS + i * 25_000_000,
                code,
                latency_ns,
                error,
                method,
                url,
            }
        })
        .collect()
}

fn check_vegeta_report(report: &Value, sent: &[Sent]) {
    let n503 = sent.iter().filter(|s| s.code == 503).count() as u64;
    let timeouts = sent.iter().filter(|s| s.error.contains("deadline")).count() as u64;
    let refused = sent.iter().filter(|s| s.error.contains("refused")).count() as u64;
    assert_eq!(report["overall"]["requests"], 600);
    assert_eq!(report["overall"]["failures"], n503 + timeouts + refused);
    assert_eq!(
        kinds(report, "overall"),
        expect_kinds(&[
            ("status:503", n503),
            ("timeout", timeouts),
            ("connect", refused)
        ])
    );
    let a: Vec<f64> = sent
        .iter()
        .filter(|s| s.url.ends_with("/a"))
        .map(|s| s.latency_ns as f64 / 1e6)
        .collect();
    let ep = endpoint(report, "GET http://127.0.0.1:8080/api/a");
    assert_eq!(ep["requests"], a.len() as u64);
    assert_eq!(ep["latency_exact"], true);
    assert_nearest_rank(&ep["latency_ms"], &a, "vegeta GET /api/a");
    // One stage, the whole run: from the first request's start to the last answer
    // (start + latency, rounded up to the ms), at least 1 ms after the last start.
    let t0_ms = sent[0].t_ns / 1_000_000;
    let last_start = (sent.last().unwrap().t_ns / 1_000_000 + 1) - t0_ms;
    let ends = sent
        .iter()
        .map(|s| s.t_ns / 1_000_000 + s.latency_ns.div_ceil(1_000_000) - t0_ms);
    let span_ms = ends.fold(last_start, u64::max);
    let want = 600.0 / (span_ms as f64 / 1000.0);
    let got = report["stages"][0]["throughput_rps"].as_f64().unwrap();
    assert!(close(got, want, 1e-9), "throughput {got} vs {want}");
}

#[test]
fn vegeta_csv_twelve_columns() {
    let sent = vegeta_requests();
    let mut csv = String::new();
    for s in &sent {
        csv.push_str(&format!(
            "{},{},{},0,{},{},,atk,0,{},{},\n",
            s.t_ns,
            s.code,
            s.latency_ns,
            if s.code == 200 { 42 } else { 0 },
            csv_field(s.error),
            s.method,
            s.url
        ));
    }
    let dir = TestDir::new();
    dir.write("run/results.csv", csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["inputs"][0]["format"], "vegeta-csv");
    check_vegeta_report(&report, &sent);
}

#[test]
fn vegeta_json_lines_give_the_same_answers() {
    let sent = vegeta_requests();
    let mut lines = String::new();
    for s in &sent {
        // 1 700 000 000 s is 2023-11-14T22:13:20Z; written here in +09:00.
        let ns_in = s.t_ns - VEGETA_START_NS;
        let secs = 20 + ns_in / 1_000_000_000;
        let frac = ns_in % 1_000_000_000;
        let row = json!({
            "attack": "", "seq": 0, "code": s.code,
            "timestamp": format!("2023-11-15T07:13:{secs:02}.{frac:09}+09:00"),
            "latency": s.latency_ns, "bytes_out": 0, "bytes_in": 42, "error": s.error,
            "body": "eyJvayI6dHJ1ZX0=", "method": s.method, "url": s.url,
            "headers": {"Content-Type": ["application/json"]},
        });
        lines.push_str(&row.to_string());
        lines.push('\n');
    }
    let dir = TestDir::new();
    dir.write("run/results.json", lines);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["inputs"][0]["format"], "vegeta-json");
    check_vegeta_report(&report, &sent);
}

#[test]
fn vegeta_six_column_csv_is_named_after_the_file() {
    let dir = TestDir::new();
    dir.write(
        "run/old.csv",
        "1500000000000000000,200,2000000,0,10,\"\"\n\
         1500000000100000000,200,4000000,0,10,\"\"\n\
         1500000000200000000,0,9000000,0,0,\"dial tcp: connection reset by peer\"\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let ep = endpoint(&report, "old");
    assert_eq!(ep["requests"], 3);
    assert_eq!(ep["failures"], 1);
    assert_eq!(ep["failures_by_kind"]["reset"], 1);
    assert!(close(ep["latency_ms"]["max"].as_f64().unwrap(), 9.0, 0.001));
}

#[test]
fn vegeta_gob_is_rejected_with_the_command_that_converts_it() {
    let mut gob = vec![0xff, 0x96, 0x7f, 0x03, 0x01, 0x01, 0x06];
    gob.extend_from_slice(b"Result\x01\xff\x80\x00\x01\x0c\x01\x06Attack\x01\x0c\x00\x01\x03Seq\x01\x06\x00\x01\x04Code\x01\x06\x00\x01\x09Timestamp\x01\xff\x82\x00\x01\x07Latency\x01\x04\x00");
    gob.extend(std::iter::repeat_n(0x42u8, 200));
    let dir = TestDir::new();
    let path = dir.write("run/results.bin", gob);
    let o = headroom(&[
        "analyze",
        path.to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("results.bin"), "{stderr}");
    assert!(stderr.contains("vegeta encode"), "{stderr}");
}

// ---------------------------------------------------------------------------------
// hey

#[test]
fn hey_csv() {
    let mut rng = Lcg(11);
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset",
    );
    let (mut values, mut s500, mut s404) = (Vec::new(), 0u64, 0u64);
    for i in 0..500u64 {
        let secs = 0.002 - 0.05 * rng.next_f64().max(1e-9).ln();
        let text = format!("{secs:.4}");
        values.push(text.parse::<f64>().unwrap() * 1000.0);
        let status = if i % 40 == 3 {
            s500 += 1;
            500
        } else if i % 60 == 9 {
            s404 += 1;
            404
        } else {
            200
        };
        // hey prints no trailing newline: every row starts with one.
        csv.push_str(&format!(
            "\n{text},0.0001,0.0000,0.0000,{text},0.0000,{status},{:.4}",
            i as f64 * 0.02
        ));
    }
    let dir = TestDir::new();
    dir.write("run/hey_results.csv", csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 500);
    assert_eq!(report["overall"]["failures"], s500 + s404);
    assert_eq!(
        kinds(&report, "overall"),
        expect_kinds(&[("status:500", s500), ("status:404", s404)])
    );
    let ep = endpoint(&report, "hey_results");
    assert_nearest_rank(&ep["latency_ms"], &values, "hey");
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("transport errors"), "{notes}");
}

// ---------------------------------------------------------------------------------
// Goose

#[test]
fn goose_request_log_with_updates() {
    let header = "elapsed,scenario_index,scenario_name,transaction_index,transaction_name,raw,name,final_url,redirected,response_time,status_code,success,update,user,error,coordinated_omission_elapsed,user_cadence";
    let raw = |m: &str, url: &str| {
        csv_field(&format!(
            "GooseRawRequest {{ method: {m}, url: \"{url}\", headers: [], body: \"\" }}"
        ))
    };
    let mut rng = Lcg(5);
    let mut csv = format!("{header}\n");
    let (mut a_values, mut requests, mut s500, mut refused, mut flipped) =
        (Vec::new(), 0u64, 0u64, 0u64, 0u64);
    for i in 0..300u64 {
        let ms = (3.0 - 30.0 * rng.next_f64().max(1e-9).ln()).round();
        let (method, name) = if i % 4 == 0 {
            ("Post", "/b")
        } else {
            ("Get", "/a")
        };
        let url = format!("http://127.0.0.1:8080{name}");
        let (status, success, error) = if i % 30 == 4 {
            s500 += 1;
            (500, false, String::new())
        } else if i % 45 == 8 {
            refused += 1;
            (
                0,
                false,
                format!("error sending request for url ({url}): connection refused"),
            )
        } else {
            (200, true, String::new())
        };
        requests += 1;
        if name == "/a" {
            a_values.push(ms);
        }
        let row = |success: bool, update: bool| {
            format!(
                "{},0,LoadTest,0,t,{},{name},{url},false,{ms},{status},{success},{update},{},{},0,0\n",
                i * 50,
                raw(method, &url),
                i % 10,
                csv_field(&error),
            )
        };
        csv.push_str(&row(success, false));
        // A check after the response marks some successes failed: Goose re-sends the
        // same metric with `update = true`.
        if success && i % 70 == 10 {
            flipped += 1;
            csv.push_str(&row(false, true));
        }
    }
    let dir = TestDir::new();
    dir.write("run/requests.csv", csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], requests);
    assert_eq!(report["overall"]["failures"], s500 + refused + flipped);
    assert_eq!(
        kinds(&report, "overall"),
        expect_kinds(&[
            ("status:500", s500),
            ("connect", refused),
            ("assertion", flipped)
        ])
    );
    let ep = endpoint(&report, "GET /a");
    assert_nearest_rank(&ep["latency_ms"], &a_values, "goose GET /a");
}

// ---------------------------------------------------------------------------------
// wrk / wrk2

const WRK_RUN: &str = "Running 30s test @ http://127.0.0.1:8080/api/items
  4 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.50ms    3.10ms   1.20s    91.00%
    Req/Sec     1.20k   100.00     1.50k    70.00%
  Latency Distribution
     50%   11.20ms
     75%   13.40ms
     90%   15.10ms
     99%    1.02s 
  144000 requests in 30.00s, 21.50MB read
  Socket errors: connect 3, read 40, write 2, timeout 11
  Non-2xx or 3xx responses: 250
Requests/sec:   4800.00
Transfer/sec:    733.87KB
";

#[test]
fn wrk_latency_text_and_socket_errors() {
    let second = WRK_RUN
        .replace("64 connections", "128 connections")
        .replace("144000 requests", "99000 requests");
    let text = format!("$ wrk -t4 -c64 -d30s --latency http://127.0.0.1:8080/api/items\n{WRK_RUN}\n--- run 2\n{second}");
    let dir = TestDir::new();
    dir.write("02_peak_64users/wrk.txt", text);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("02_peak_64users")], &[]);
    assert_eq!(code, 0, "{stderr}");
    // Requests: 144 000 completed + 45 connect/read/write errors (wrk's 11 timeouts are
    // answers slower than --timeout, among the 144 000); failures: 56 socket errors +
    // 250 ≥ 400.
    assert_eq!(report["overall"]["requests"], 144_045);
    assert_eq!(report["overall"]["failures"], 306);
    assert_eq!(
        kinds(&report, "overall"),
        expect_kinds(&[
            ("other", 250),
            ("connect", 3),
            ("reset", 42),
            ("timeout", 11)
        ])
    );
    let stage = &report["stages"][0];
    assert_eq!(stage["name"], "peak");
    assert_eq!(stage["users"], 64);
    assert!(close(
        stage["throughput_rps"].as_f64().unwrap(),
        144_045.0 / 30.0,
        1e-9
    ));
    let lat = &endpoint(&report, "http://127.0.0.1:8080/api/items")["latency_ms"];
    for (key, want) in [
        ("p50", 11.2),
        ("p90", 15.1),
        ("p99", 1020.0),
        ("mean", 12.5),
        ("max", 1200.0),
    ] {
        assert!(
            close(lat[key].as_f64().unwrap(), want, 1e-9),
            "{key}: {lat}"
        );
    }
    assert_eq!(stage["latency_exact"], false);
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("holds 2 runs"), "{notes}");
    assert!(notes.contains("128 connections"), "{notes}");
}

#[test]
fn a_wrk_loops_runs_in_one_log_are_a_stage_each() {
    // `for c in 64 128; do wrk -c$c …; done > wrk.log` in a dir that names no stage:
    // each run a stage at its connections, as two files would be. (In a dir that names
    // its one stage, `wrk_latency_text_and_socket_errors`, only the first is read.)
    let second = WRK_RUN
        .replace("64 connections", "128 connections")
        .replace("144000 requests", "99000 requests");
    let dir = TestDir::new();
    dir.write("run/wrk.log", format!("{WRK_RUN}\n{second}"));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages: Vec<(u64, u64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["users"].as_u64().unwrap(),
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    // Each run's completed requests and its 45 connect/read/write errors (its 11
    // timeouts are answers among the completed).
    assert_eq!(stages, [(64, 144_045), (128, 99_045)], "{stderr}");
    assert_eq!(report["overall"]["requests"], 144_045 + 99_045);
    assert_ne!(report["data_quality"], "incomplete", "{report}");
    let notes = report["sources"][0]["notes"].to_string();
    assert!(
        notes.contains("the run at line 17, read as a run of its own"),
        "{notes}"
    );
}

/// HdrHistogram's percentile levels (5 ticks per half distance to 100 %), plus the
/// levels a test wants as rows.
fn spectrum_levels(extra: &[f64]) -> Vec<f64> {
    let mut levels = Vec::new();
    for k in 0..16 {
        let base = 1.0 - 0.5f64.powi(k);
        let step = 0.5f64.powi(k + 1) / 5.0;
        for t in 0..5 {
            levels.push(base + step * t as f64);
        }
    }
    levels.extend_from_slice(extra);
    levels.push(1.0);
    levels.sort_by(f64::total_cmp);
    levels.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
    levels
}

/// A spectrum of `values_ms` (3 decimals) at `levels`: each row's value is the
/// nearest-rank value at that level, its count the values ≤ it.
fn spectrum_rows(values_ms: &[f64], levels: &[f64], java: bool) -> String {
    let mut sorted = values_ms.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut out = String::new();
    for &level in levels {
        let value = if level == 0.0 {
            sorted[0]
        } else {
            nearest_rank(values_ms, level * 100.0)
        };
        let count = sorted.iter().filter(|v| **v <= value).count();
        let inverse = if level >= 1.0 {
            if java {
                String::new()
            } else {
                "inf".into()
            }
        } else {
            format!("{:.2}", 1.0 / (1.0 - level))
        };
        if java {
            out.push_str(&format!(
                "{value:12.3} {level:2.12} {count:10} {inverse:14}\n"
            ));
        } else {
            out.push_str(&format!(
                "{value:12.3} {level:12.6} {count:12} {inverse:12}\n"
            ));
        }
    }
    out
}

fn footer(values_ms: &[f64], indent: &str) -> String {
    let n = values_ms.len() as f64;
    let mean = values_ms.iter().sum::<f64>() / n;
    let max = values_ms.iter().cloned().fold(0.0, f64::max);
    format!(
        "{indent}#[Mean    = {mean:12.3}, StdDeviation   = {:12.3}]\n\
         {indent}#[Max     = {max:12.3}, Total count    = {:12}]\n\
         {indent}#[Buckets = {:12}, SubBuckets     = {:12}]\n",
        1.0,
        values_ms.len(),
        27,
        2048
    )
}

/// Latencies in whole µs, as ms with 3 decimals.
fn spectrum_values(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = Lcg(seed);
    (0..n)
        .map(|_| ((0.3 - 4.0 * rng.next_f64().max(1e-9).ln()) * 1000.0).round() / 1000.0)
        .collect()
}

#[test]
fn wrk2_recorded_spectrum_is_rebuilt_and_the_uncorrected_one_noted() {
    let recorded = spectrum_values(21, 5000);
    let uncorrected: Vec<f64> = recorded
        .iter()
        .map(|v| ((v / 4.0) * 1000.0).round() / 1000.0)
        .collect();
    let levels = spectrum_levels(&[0.95, 0.99, 0.999]);
    let block = |title: &str, values: &[f64]| {
        let mut b = format!("  Latency Distribution (HdrHistogram - {title})\n");
        for p in [50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 99.999, 100.0] {
            b.push_str(&format!("{p:7.3}%  {:8.2}ms\n", nearest_rank(values, p)));
        }
        b.push_str("\n  Detailed Percentile spectrum:\n       Value   Percentile   TotalCount 1/(1-Percentile)\n\n");
        b.push_str(&spectrum_rows(values, &levels, false));
        b.push_str(&footer(values, ""));
        b.push_str("----------------------------------------------------------\n");
        b
    };
    let text = format!(
        "wrk -t2 -c50 -d30s -R200 --latency -U http://127.0.0.1:8080/api/items\n\
         Running 30s test @ http://127.0.0.1:8080/api/items\n\
         \x20 2 threads and 50 connections\n\
         \x20 Thread calibration: mean lat.: 1.520ms, rate sampling interval: 10ms\n\
         \x20 Thread calibration: mean lat.: 1.530ms, rate sampling interval: 10ms\n\
         \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
         \x20   Latency     4.30ms    4.00ms  40.00ms   90.00%\n\
         \x20   Req/Sec       -nan      -nan   0.00      0.00%\n\
         {}\n{}\
         \x20 5000 requests in 30.00s, 1.00MB read\n\
         \x20 Non-2xx or 3xx responses: 3\n\
         Requests/sec:    166.67\n\
         Transfer/sec:     34.13KB\n",
        block("Recorded Latency", &recorded),
        block(
            "Uncorrected Latency (measured without taking delayed starts into account)",
            &uncorrected
        ),
    );
    let dir = TestDir::new();
    dir.write("run/wrk2.txt", text);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["sources"][0]["tool"], "wrk2");
    assert_eq!(report["overall"]["requests"], 5000);
    assert_eq!(report["overall"]["failures"], 3);
    let stage = &report["stages"][0];
    assert_eq!(stage["arrival_rate_rps"], 200.0);
    // Open model: the 50 connections only cap what is in flight; they are not users.
    assert!(stage["users"].is_null(), "{stage}");
    let ep = endpoint(&report, "http://127.0.0.1:8080/api/items");
    assert_eq!(ep["latency_exact"], true);
    // The corrected (Recorded) values, not the uncorrected ones.
    assert_nearest_rank(&ep["latency_ms"], &recorded, "wrk2 recorded");
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("uncorrected"), "{notes}");
}

// ---------------------------------------------------------------------------------
// HdrHistogram percentile text

#[test]
fn hgrm_java_c_and_csv_variants() {
    let values = spectrum_values(33, 20_000);
    let levels = spectrum_levels(&[0.95, 0.99]);
    let java = format!(
        "       Value     Percentile TotalCount 1/(1-Percentile)\n\n{}{}",
        spectrum_rows(&values, &levels, true),
        footer(&values, "    ")
    );
    let c = format!(
        "       Value   Percentile   TotalCount 1/(1-Percentile)\n\n{}{}",
        spectrum_rows(&values, &levels, false),
        footer(&values, "")
    );
    let csv = {
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let mut s = String::from("\"Value\",\"Percentile\",\"TotalCount\",\"1/(1-Percentile)\"\n");
        for &level in &levels {
            let v = if level == 0.0 {
                sorted[0]
            } else {
                nearest_rank(&values, level * 100.0)
            };
            let n = sorted.iter().filter(|x| **x <= v).count();
            let inv = if level >= 1.0 {
                "Infinity".to_string()
            } else {
                format!("{:.2}", 1.0 / (1.0 - level))
            };
            s.push_str(&format!("{v:.3},{level:.12},{n},{inv}\n"));
        }
        s
    };
    for (name, text) in [("java.hgrm", java), ("c.hgrm", c), ("csv.hgrm", csv)] {
        let dir = TestDir::new();
        dir.write(&format!("run/{name}"), text);
        let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert_eq!(report["inputs"][0]["format"], "hdr-percentiles", "{name}");
        assert_eq!(report["overall"]["requests"], 20_000, "{name}");
        assert_eq!(report["overall"]["latency_exact"], true, "{name}");
        assert_nearest_rank(&report["overall"]["latency_ms"], &values, name);
        // No clock times: throughput is unknown, not made up.
        assert!(report["overall"]["throughput_rps"].is_null(), "{name}");
        // The unit flag rescales: the same file read as µs is 1000× smaller.
        let (_, us, _) = analyze_json(&[&dir.path().join("run")], &["--hgrm-unit", "us"]);
        // (read as µs, a value keeps whole µs: allow that rounding)
        let p50_us = us["overall"]["latency_ms"]["p50"].as_f64().unwrap() * 1000.0;
        let want_us = nearest_rank(&values, 50.0);
        assert!(
            (p50_us - want_us).abs() <= 0.5 + want_us * 0.001,
            "{name}: {p50_us} µs vs {want_us}"
        );
    }
}

// ---------------------------------------------------------------------------------
// oha

#[test]
fn oha_json_summary() {
    let report_json = json!({
        "summary": {
            "successRate": 0.97, "total": 10.0, "slowest": 0.5123, "fastest": 0.0011,
            "average": 0.0203, "requestsPerSec": 10.0, "totalData": 9700,
            "sizePerRequest": 100, "sizePerSec": 970.0
        },
        "responseTimeHistogram": {"0.0011": 80, "0.05": 10, "0.5123": 7},
        "latencyPercentiles": {
            "p10": 0.002, "p25": 0.005, "p50": 0.0123, "p75": 0.02, "p90": 0.031,
            "p95": 0.0456, "p99": 0.2501, "p99.9": 0.5123, "p99.99": 0.5123
        },
        "rps": {"mean": 10.0, "stddev": 1.0, "max": 12.0, "min": 8.0, "percentiles": {}},
        "details": {},
        "statusCodeDistribution": {"200": 90, "503": 7},
        "errorDistribution": {
            "connection error: Connection refused (os error 111)": 2,
            "operation timed out": 1,
            "aborted due to deadline": 5
        }
    });
    let dir = TestDir::new();
    dir.write(
        "run/oha.json",
        serde_json::to_string_pretty(&report_json).unwrap(),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    // 97 answered + 3 transport errors; the 5 cut off by the deadline are not requests.
    assert_eq!(report["overall"]["requests"], 100);
    assert_eq!(report["overall"]["failures"], 10);
    assert_eq!(
        kinds(&report, "overall"),
        expect_kinds(&[("status:503", 7), ("connect", 2), ("timeout", 1)])
    );
    let lat = &endpoint(&report, "oha")["latency_ms"];
    for (key, want) in [
        ("p50", 12.3),
        ("p90", 31.0),
        ("p99", 250.1),
        ("mean", 20.3),
        ("max", 512.3),
    ] {
        assert!(
            close(lat[key].as_f64().unwrap(), want, 1e-9),
            "{key}: {lat}"
        );
    }
    assert_eq!(report["overall"]["latency_exact"], false);
    assert!(close(
        report["stages"][0]["throughput_rps"].as_f64().unwrap(),
        10.0,
        1e-9
    ));
    assert!(report["sources"][0]["notes"]
        .to_string()
        .contains("deadline"));
}

#[test]
fn oha_csv() {
    let mut rng = Lcg(17);
    let mut csv =
        String::from("request-start,DNS,DNS+dialup,Response-delay,request-duration,bytes,status\n");
    let (mut values, mut s502) = (Vec::new(), 0u64);
    for i in 0..400u64 {
        // Full-precision seconds, as oha prints them.
        let secs = 0.001 - 0.02 * rng.next_f64().max(1e-9).ln();
        values.push(secs * 1000.0);
        let status = if i % 33 == 2 {
            s502 += 1;
            502
        } else {
            200
        };
        csv.push_str(&format!(
            "{},0.0001,0.0002,{secs},{secs},128,{status}\n",
            i as f64 * 0.01
        ));
    }
    let dir = TestDir::new();
    dir.write("run/oha.csv", csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["inputs"][0]["format"], "oha-csv");
    assert_eq!(report["overall"]["requests"], 400);
    assert_eq!(
        kinds(&report, "overall"),
        expect_kinds(&[("status:502", s502)])
    );
    assert_nearest_rank(&endpoint(&report, "oha")["latency_ms"], &values, "oha csv");
}

// ---------------------------------------------------------------------------------
// Artillery

#[test]
fn artillery_v2_report_with_metrics_by_endpoint() {
    let rt = |p50: f64, p95: f64, count: u64| {
        json!({"min": 3.0, "max": 900.0, "count": count, "mean": p50 * 1.2, "p50": p50,
               "median": p50, "p75": p50 * 1.5, "p90": p95 * 0.8, "p95": p95,
               "p99": p95 * 2.0, "p999": 850.0})
    };
    let period = |t: &str, ok: u64, err: u64, timeouts: u64| {
        json!({
            "counters": {"http.codes.200": ok, "http.codes.500": err, "errors.ETIMEDOUT": timeouts},
            "rates": {"http.request_rate": null},
            "summaries": {"http.response_time": rt(40.0, 120.0, ok + err)},
            "histograms": {"http.response_time": rt(40.0, 120.0, ok + err)},
            "period": t
        })
    };
    let report_json = json!({
        "aggregate": {
            "counters": {
                "vusers.created": 200, "vusers.failed": 7,
                "http.requests": 200, "http.responses": 195,
                "http.codes.200": 180, "http.codes.500": 15,
                "errors.ETIMEDOUT": 4, "errors.ECONNREFUSED": 1,
                "errors.Failed capture or match": 2,
                "plugins.metrics-by-endpoint./a.codes.200": 120,
                "plugins.metrics-by-endpoint./a.codes.500": 15,
                "plugins.metrics-by-endpoint./a.errors.ETIMEDOUT": 4,
                "plugins.metrics-by-endpoint./b.codes.200": 60,
                "plugins.metrics-by-endpoint./b.errors.ECONNREFUSED": 1,
                "vusers.created_by_name.🚀 main": 200
            },
            "rates": {"http.request_rate": 10},
            "firstCounterAt": 1_700_000_000_000u64, "lastCounterAt": 1_700_000_019_999u64,
            "firstMetricAt": 1_700_000_000_000u64, "lastMetricAt": 1_700_000_020_000u64,
            "period": 1_700_000_010_000u64,
            "summaries": {
                "http.response_time": rt(42.0, 130.0, 195),
                "plugins.metrics-by-endpoint.response_time./a": rt(50.0, 140.0, 135),
                "plugins.metrics-by-endpoint.response_time./b": rt(20.0, 60.0, 60)
            },
            "histograms": {"http.response_time": rt(42.0, 130.0, 195)}
        },
        "intermediate": [
            period("1700000000000", 100, 5, 2),
            period("1700000010000", 80, 10, 2)
        ]
    });
    let dir = TestDir::new();
    dir.write(
        "run/report.json",
        serde_json::to_string_pretty(&report_json).unwrap(),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    // 195 answers + 5 transport errors; the failed capture is a failure, not a request.
    assert_eq!(report["overall"]["requests"], 200);
    assert_eq!(report["overall"]["failures"], 22);
    assert_eq!(
        kinds(&report, "overall"),
        expect_kinds(&[
            ("status:500", 15),
            ("timeout", 4),
            ("connect", 1),
            ("assertion", 2)
        ])
    );
    let lat = &report["overall"]["latency_ms"];
    assert_eq!(lat["p95"], 130.0);
    assert_eq!(lat["p99"], 260.0);
    let a = endpoint(&report, "/a");
    assert_eq!(a["requests"], 139);
    assert_eq!(a["failures"], 19);
    assert_eq!(a["latency_ms"]["p50"], 50.0);
    assert_eq!(endpoint(&report, "/b")["failures_by_kind"]["connect"], 1);
    assert!(close(
        report["stages"][0]["throughput_rps"].as_f64().unwrap(),
        200.0 / 20.0,
        1e-9
    ));
    let series: Vec<u64> = report["stages"][0]["timeseries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["requests"].as_u64().unwrap())
        .filter(|n| *n > 0)
        .collect();
    assert_eq!(series, vec![107, 92]);
}

#[test]
fn artillery_v1_report_with_every_latency_is_exact() {
    let mut rng = Lcg(3);
    let (mut latencies, mut all_ms, mut ok_ms) = (Vec::new(), Vec::new(), Vec::new());
    let mut codes: BTreeMap<String, u64> = BTreeMap::new();
    for i in 0..400u64 {
        let ns = ((2.0 - 25.0 * rng.next_f64().max(1e-9).ln()) * 1e6).round();
        let code = if i % 25 == 3 { 502 } else { 200 };
        *codes.entry(code.to_string()).or_default() += 1;
        all_ms.push(ns / 1e6);
        if code == 200 {
            ok_ms.push(ns / 1e6);
        }
        latencies.push(json!([
            1_458_141_745_000u64 + i * 50,
            format!("uid-{i}"),
            ns,
            code
        ]));
    }
    let report_json = json!({
        "intermediate": [{
            "timestamp": "2016-03-16T15:22:35.502Z", "scenariosCreated": 400,
            "requestsCompleted": 400, "latency": {"min": 2.0, "max": 200.0, "median": 20.0, "p95": 80.0, "p99": 120.0},
            "errors": {"ETIMEDOUT": 3}, "codes": codes, "latencies": latencies
        }],
        "aggregate": {
            "timestamp": "2016-03-16T15:22:45.502Z", "scenariosCreated": 403,
            "scenariosCompleted": 400, "requestsCompleted": 400,
            "latency": {"min": 2.0, "max": 200.0, "median": 20.0, "p95": 80.0, "p99": 120.0},
            "rps": {"count": 403, "mean": 20.15},
            "scenarioDuration": {"min": null, "max": null, "median": null, "p95": null, "p99": null},
            "errors": {"ETIMEDOUT": 3}, "codes": codes, "matches": 0, "latencies": []
        },
        "phases": [{"duration": 20, "arrivalRate": 20}]
    });
    let dir = TestDir::new();
    dir.write(
        "run/report.json",
        serde_json::to_string_pretty(&report_json).unwrap(),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let n502 = codes.get("502").copied().unwrap_or(0);
    assert_eq!(report["overall"]["requests"], 403);
    assert_eq!(report["overall"]["failures"], n502 + 3);
    assert_eq!(
        kinds(&report, "overall"),
        expect_kinds(&[("status:502", n502), ("timeout", 3)])
    );
    assert_eq!(report["overall"]["latency_exact"], true);
    assert_nearest_rank(&report["overall"]["latency_ms"], &all_ms, "artillery v1");
    assert_nearest_rank(
        &report["overall"]["ok_latency_ms"],
        &ok_ms,
        "artillery v1 ok",
    );
    // rps.count ÷ rps.mean: 403 requests at 20.15/s.
    assert!(close(
        report["stages"][0]["duration_s"].as_f64().unwrap(),
        20.0,
        1e-9
    ));
}

// ---------------------------------------------------------------------------------
// Locust --json

#[test]
fn locust_json_rebuilds_its_histogram() {
    let buckets_a = [(12u64, 50u64), (15, 30), (120, 15), (1100, 5)];
    let report_json = json!([
        {
            "name": "/a", "method": "GET", "last_request_timestamp": 1_700_000_060.5,
            "start_time": 1_700_000_000.5, "num_requests": 100, "num_none_requests": 0,
            "num_failures": 4, "total_response_time": 7210.0, "max_response_time": 1103.2,
            "min_response_time": 11.6, "total_content_length": 5000,
            "response_times": buckets_a.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "num_reqs_per_sec": {"1700000001": 60, "1700000002": 40},
            "num_fail_per_sec": {"1700000002": 4}
        },
        {
            "name": "/b", "method": "POST", "last_request_timestamp": 1_700_000_050.0,
            "start_time": 1_700_000_000.5, "num_requests": 12, "num_none_requests": 2,
            "num_failures": 2, "total_response_time": 400.0, "max_response_time": 41.0,
            "min_response_time": 39.0, "total_content_length": 0,
            "response_times": {"40": 10}, "num_reqs_per_sec": {}, "num_fail_per_sec": {}
        }
    ]);
    let dir = TestDir::new();
    dir.write(
        "run/stats.json",
        serde_json::to_string_pretty(&report_json).unwrap(),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 112);
    assert_eq!(report["overall"]["failures"], 6);
    assert_eq!(kinds(&report, "overall"), expect_kinds(&[("other", 6)]));
    let values: Vec<f64> = buckets_a
        .iter()
        .flat_map(|(ms, n)| std::iter::repeat_n(*ms as f64, *n as usize))
        .collect();
    let ep = endpoint(&report, "GET /a");
    assert_eq!(ep["latency_exact"], true);
    assert_nearest_rank(&ep["latency_ms"], &values, "locust json GET /a");
    // The window runs from the first start to the last request: 60 s.
    assert!(close(
        report["stages"][0]["duration_s"].as_f64().unwrap(),
        60.0,
        1e-9
    ));
}

// ---------------------------------------------------------------------------------
// Bad input: named with file and line, never a panic.

fn assert_named(rel: &str, contents: &str, line: Option<u64>) {
    let dir = TestDir::new();
    let path = dir.write(rel, contents);
    let o = headroom(&[
        "analyze",
        path.to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{rel}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let named = match line {
        Some(l) => format!("{}:{l}:", path.display()),
        None => path.display().to_string(),
    };
    assert!(stderr.contains(&named), "{rel}: want `{named}` in {stderr}");
}

#[test]
fn malformed_files_are_named_with_their_line() {
    assert_named(
        "v/results.csv",
        "1700000000000000000,200,100,0,1,\"\"\n1700000000000000001,200,100,0,1,\"\"\n1700000000000000002,200,fast,0,1,\"\"\n",
        Some(3),
    );
    assert_named(
        "w/wrk.txt",
        "Running 10s test @ http://x/\n  2 threads and 10 connections\n  Thread Stats   Avg\n",
        Some(3),
    );
    assert_named(
        "w2/wrk.txt",
        "Running 10s test @ http://x/\n    Latency     1.90zz    2.36ms  64.56ms   99.10%\n",
        Some(2),
    );
    assert_named(
        "h/x.hgrm",
        "Value Percentile TotalCount 1/(1-Percentile)\n\n1.0 0.1 5 1.11\n0.5 0.2 6 1.25\n",
        Some(4),
    );
    assert_named(
        "o/oha.json",
        "{\"summary\":{\"successRate\":1.0,\n\"total\": }",
        Some(2),
    );
    // A report cut off while Artillery was writing it.
    assert_named(
        "a/report.json",
        "{\"aggregate\": {\"counters\": {\"http.codes.200\": 5},\n\"summaries\": ",
        Some(2),
    );
    assert_named(
        "g/requests.csv",
        "elapsed,raw,name,final_url,redirected,response_time,status_code,success,update,user,error\n\
         1,x,/a,http://h/a,false,12,200,maybe,false,0,\n",
        Some(2),
    );
    assert_named(
        "y/hey.csv",
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n0.1,0,0,0,0,0,OK,0.1",
        Some(2),
    );
}

// ---------------------------------------------------------------------------------
// Conformance against ../shared/samples.

fn samples() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    p.is_dir().then_some(p)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// wrk/wrk2: the first run's `N requests in`, socket errors and non-2xx/3xx lines, read
/// here with plain string handling.
fn wrk_counts(text: &str) -> (u64, u64) {
    let number_before = |s: &str, marker: &str| -> Option<u64> {
        let at = s.find(marker)?;
        s[..at].split_whitespace().last()?.parse().ok()
    };
    // A file of several runs (a shell loop's) is a load level per connection count,
    // each read from its first run: later runs at a count already seen (a rerun, or
    // another endpoint's run at that load) are left out.
    let mut seen = Vec::new();
    let (mut requests, mut failures) = (0, 0);
    for run in text.split("Running ").skip(1) {
        let connections = number_before(run, " connections");
        if seen.contains(&connections) {
            continue;
        }
        seen.push(connections);
        let (r, f) = wrk_run_counts(run, number_before(run, " requests in"));
        requests += r;
        failures += f;
    }
    assert!(!seen.is_empty(), "a `Running` line");
    (requests, failures)
}

/// The requests and failures of one wrk run's text (`completed`: its `N requests in`),
/// as wrk.c counts them: connect, read and write errors are requests that got no
/// answer; since wrk 4 a timeout is an answer slower than `--timeout`, among the
/// completed (`response_complete` counts it), and a slow ≥ 400 answer is in both the
/// timeouts and the non-2xx count, so at most every answer failed. More timeouts than
/// answers is wrk 3's counting (one every 2 s per waiting request): added, as before.
fn wrk_run_counts(run: &str, completed: Option<u64>) -> (u64, u64) {
    let completed = completed.expect("N requests in");
    let (mut unanswered, mut timeout) = (0, 0);
    if let Some(at) = run.find("Socket errors:") {
        let line = run[at..].lines().next().unwrap();
        for part in line["Socket errors:".len()..].split(',') {
            let n = (part.split_whitespace().last().unwrap())
                .parse::<u64>()
                .unwrap();
            match part.trim().starts_with("timeout") {
                true => timeout = n,
                false => unanswered += n,
            }
        }
    }
    let non2xx = run
        .find("Non-2xx or 3xx responses:")
        .map(|at| {
            run[at..]
                .lines()
                .next()
                .unwrap()
                .rsplit(' ')
                .next()
                .unwrap()
                .trim()
                .parse::<u64>()
                .unwrap()
        })
        .unwrap_or(0);
    if timeout > completed {
        return (
            completed + unanswered + timeout,
            non2xx + unanswered + timeout,
        );
    }
    let failed_answers = (non2xx + timeout).min(completed);
    (completed + unanswered, failed_answers + unanswered)
}

#[test]
#[ignore = "needs ../shared/samples"]
fn every_part_b_sample_matches_an_independent_count_or_is_rejected() {
    let Some(samples) = samples() else { return };
    let mut checked = 0;
    for sub in ["vegeta", "wrk", "wrk2", "hdrhistogram", "artillery"] {
        for file in files_under(&samples.join(sub)) {
            let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ext == "hlog" {
                continue; // interval logs: conformance.rs
            }
            let bytes = std::fs::read(&file).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let (want_requests, want_failures) = match sub {
                "wrk" | "wrk2" => wrk_counts(&text),
                "hdrhistogram" => {
                    let at = text.find("Total count").expect("footer");
                    let n = text[at..]
                        .split(['=', ']'])
                        .nth(1)
                        .unwrap()
                        .trim()
                        .parse()
                        .unwrap();
                    (n, 0)
                }
                "artillery" => {
                    let v: Value = serde_json::from_str(&text).unwrap();
                    let agg = &v["aggregate"];
                    let sum = |o: &Value, pred: &dyn Fn(&str) -> bool| -> u64 {
                        o.as_object()
                            .map(|m| {
                                m.iter()
                                    .filter(|(k, _)| pred(k))
                                    .map(|(_, n)| n.as_u64().unwrap())
                                    .sum()
                            })
                            .unwrap_or(0)
                    };
                    let errors = sum(&agg["errors"], &|_| true);
                    let bad_codes =
                        sum(&agg["codes"], &|k| k.parse::<u16>().is_ok_and(|c| c >= 400));
                    (
                        agg["requestsCompleted"].as_u64().unwrap() + errors,
                        errors + bad_codes,
                    )
                }
                _ => {
                    // vegeta: only the gob file exists; it must be rejected precisely.
                    let o =
                        headroom(&["analyze", file.to_str().unwrap(), "--out", "/nonexistent/x"]);
                    let stderr = String::from_utf8_lossy(&o.stderr);
                    assert_eq!(o.status.code(), Some(2), "{}: {stderr}", file.display());
                    assert!(stderr.contains("vegeta encode"), "{stderr}");
                    checked += 1;
                    continue;
                }
            };
            let (code, report, stderr) = analyze_json(&[&file], &[]);
            assert_eq!(code, 0, "{}: {stderr}", file.display());
            assert_eq!(
                report["overall"]["requests"],
                want_requests,
                "{}",
                file.display()
            );
            assert_eq!(
                report["overall"]["failures"],
                want_failures,
                "{}",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 7, "only {checked} sample files checked");
}

/// wrk 4.1.0 against `headroom target --profile fast` on this machine
/// (`wrk -t2 -c8 -d5s --latency URL`), as it printed it.
const WRK_FAST: &str = "Running 5s test @ http://127.0.0.1:18777/health
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   139.46us  430.30us  13.32ms   98.78%
    Req/Sec    34.80k     1.72k   44.34k    80.39%
  Latency Distribution
     50%  100.00us
     75%  126.00us
     90%  164.00us
     99%    0.91ms
  353062 requests in 5.10s, 36.70MB read
Requests/sec:  69235.19
Transfer/sec:      7.20MB
";

#[test]
fn wrks_corrected_mean_is_not_held_against_littles_law() {
    // wrk prints latency corrected for coordinated omission (wrk.c `stats_correct` adds
    // samples), so X·R = 69,235/s × 139.46 µs = 9.66 exceeds its 8 connections by 21 %
    // (over the audit's 15 %) with no contradiction: the measured mean is lower. The
    // data stays clean and the rules that can be judged decide (GO).
    let x_r = 353_062.0 / 5.10 * 139.46e-6;
    assert!(x_r / 8.0 > 1.15, "{x_r}");
    let dir = TestDir::new();
    dir.write("run/wrk.txt", WRK_FAST);
    let (code, out, _) = check_rules(
        &dir,
        &dir.path().join("run"),
        "\"error_rate < 1%\", \"p(99) < 5ms\"",
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("verdict: GO"), "{out}");
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["data_quality"], "clean", "{report}");
    let law = (report["audit"].as_array().unwrap().iter())
        .find(|f| f["check"] == "response_time_law")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(law["verdict"], "ok", "{law}");
    assert!(
        report
            .to_string()
            .contains("wrk corrects its latency figures"),
        "{report}"
    );
}
