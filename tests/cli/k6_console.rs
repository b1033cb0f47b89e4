//! k6's console output (`k6 run script.js > k6.log`): its end-of-test text summary,
//! in the layouts k6 has printed (0.3x with `✓ N ✗ M` rates, ≥ 0.50 with `N out of M`,
//! 1.x with `█ TOTAL RESULTS` before per-scenario sections). The fixture is a 30 s
//! run of 10 VUs: 1,200 requests at 40/s, 30 failed; every expected figure is the
//! one the fixture prints, in ms.

use serde_json::Value;

use super::common::{analyze_json, close, TestDir};

const BANNER: &str = "\n         /\\      Grafana   /‾‾/  \n    /\\  /  \\     |\\  __   /  /   \n\n     execution: local\n        script: script.js\n        output: -\n\n     scenarios: (100.00%) 1 scenario, 10 max VUs, 1m0s max duration (incl. graceful stop):\n              * default: 10 looping VUs for 30s (gracefulStop: 30s)\n\n\nrunning (0m15.0s), 10/10 VUs, 600 complete and 0 interrupted iterations\ndefault   [  50% ] 10 VUs  15.0s/30s\n\nrunning (0m30.0s), 00/10 VUs, 1200 complete and 0 interrupted iterations\ndefault ✓ [ 100% ] 10 VUs  30s\n\n";

const TREND: &str = "avg=52.3ms  min=108.91µs med=48.2ms  max=1m3s    p(90)=90.12ms p(95)=1.5s";
const OK_TREND: &str = "avg=50.1ms  min=108.91µs med=47.9ms  max=980ms   p(90)=88ms    p(95)=110ms";

/// k6 0.3x: threshold marks before the names, rates as `✓ passes ✗ fails`.
fn old_layout() -> String {
    format!(
        "{BANNER}     ✓ status is 200\n\n     checks.........................: 97.50% ✓ 1170      ✗ 30   \n     data_received..................: 1.2 MB 40 kB/s\n   ✓ http_req_duration..............: {TREND}\n       {{ expected_response:true }}...: {OK_TREND}\n     http_req_failed................: 2.50%  ✓ 30        ✗ 1170 \n     http_reqs......................: 1200   40.000000/s\n     iterations.....................: 1200   40.000000/s\n     vus............................: 10     min=10       max=10\n     vus_max........................: 10     min=10       max=10\n"
    )
}

/// k6 0.50 to 0.57: rates as `N out of M`, colours on.
fn legacy_layout() -> String {
    let c = |s: &str| format!("\u{1b}[36m{s}\u{1b}[0m");
    format!(
        "{BANNER}     checks.........................: 97.50% 1170 out of 1200\n     http_req_duration..............: {}\n       {{ expected_response:true }}...: {OK_TREND}\n     http_req_failed................: {} 30 out of 1200\n     http_reqs......................: {}   40.000000/s\n     vus_max........................: 10     min=10       max=10\n",
        c(TREND),
        c("2.50%"),
        c("1200")
    )
}

/// k6 1.x: thresholds, then the totals, then a scenario's own figures (not the run's).
fn sections_layout() -> String {
    format!(
        "{BANNER}  █ THRESHOLDS \n\n    http_req_duration\n    ✓ 'p(95)<2000' p(95)=1.5s\n\n\n  █ TOTAL RESULTS \n\n    checks_total.......................: 1200   40/s\n    checks_succeeded...................: 97.50% 1170 out of 1200\n\n    HTTP\n    http_req_duration.......................................................: {TREND}\n      {{ expected_response:true }}............................................: {OK_TREND}\n    http_req_failed.........................................................: 2.50%  30 out of 1200\n    http_reqs...............................................................: 1200   40/s\n\n    EXECUTION\n    vus_max.................................................................: 10     min=10       max=10\n\n  █ SCENARIO: default\n\n    HTTP\n    http_req_duration.......................................................: avg=1s min=1s med=1s max=1s p(90)=1s p(95)=1s\n    http_req_failed.........................................................: 100.00%  5 out of 5\n    http_reqs...............................................................: 5   1/s\n"
    )
}

fn latency(scope: &Value, key: &str) -> f64 {
    scope["latency_ms"][key]
        .as_f64()
        .unwrap_or_else(|| panic!("no {key}: {scope}"))
}

#[test]
fn k6s_console_summary_alone_is_read_as_k6_printed_it() {
    for (name, text) in [
        ("0.3x", old_layout()),
        ("0.50", legacy_layout()),
        ("1.x", sections_layout()),
    ] {
        let dir = TestDir::new();
        dir.write("run/k6.log", &text);
        let (code, r, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert_eq!(r["sources"][0]["tool"], "k6", "{name}");
        let s = &r["stages"][0];
        assert_eq!(s["requests"], 1200, "{name}");
        assert_eq!(s["failures"], 30, "{name}");
        assert_eq!(s["users"], 10, "{name}");
        // 1,200 requests ÷ 40/s.
        assert!(
            close(s["duration_s"].as_f64().unwrap(), 30.0, 1e-12),
            "{name}"
        );
        assert!(close(s["throughput_rps"].as_f64().unwrap(), 40.0, 1e-12));
        for (key, ms) in [
            ("mean", 52.3),
            ("min", 0.10891),
            ("p50", 48.2),
            ("p90", 90.12),
            ("p95", 1500.0),
            ("max", 63_000.0),
        ] {
            assert!(close(latency(s, key), ms, 1e-12), "{name} {key}: {s}");
        }
        let ok_p95 = s["ok_latency_ms"]["p95"].as_f64().unwrap();
        assert!(close(ok_p95, 110.0, 1e-12), "{name}: {ok_p95}");
        assert_eq!(s["failures_by_kind"]["other"], 30, "{name}");
        assert_eq!(s["latency_exact"], false, "{name}");
    }
}

/// The 0.3x layout with `n` requests, `failed` of them failed.
fn console_of(n: u64, failed: u64) -> String {
    let layout = old_layout();
    assert!(
        layout.contains("✓ 30        ✗ 1170")
            && layout.contains("http_reqs......................: 1200")
    );
    layout
        .replace(
            "✓ 30        ✗ 1170",
            &format!("✓ {failed} ✗ {}", n - failed),
        )
        .replace(
            "http_reqs......................: 1200",
            &format!("http_reqs......................: {n}"),
        )
}

#[test]
fn k6s_console_beside_its_json_output_is_checked_on_its_counts_and_never_read_twice() {
    let point = |metric: &str, v: &str| {
        format!("{{\"type\":\"Point\",\"metric\":\"{metric}\",\"data\":{{\"time\":\"2026-12-04T10:00:00.000+00:00\",\"value\":{v},\"tags\":{{\"name\":\"http://h/a\",\"method\":\"GET\",\"status\":\"200\",\"expected_response\":\"true\"}}}}}}\n")
    };
    let json: String = (0..3)
        .map(|_| {
            point("http_reqs", "1")
                + &point("http_req_duration", "12.5")
                + &point("http_req_failed", "0")
        })
        .collect();
    // The console of this run counts its 3 requests; another run's counts 1,200.
    for (console, kind, quality) in [
        (console_of(3, 0), "same_data", "clean"),
        (legacy_layout(), "other_data", "incomplete"),
    ] {
        let dir = TestDir::new();
        dir.write("run/results.json", &json);
        dir.write("run/k6.log", console);
        let (code, r, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            r["overall"]["requests"], 3,
            "the per-request output is read"
        );
        assert_eq!(r["data_quality"], quality);
        let skipped = (r["skipped"].as_array().unwrap().iter())
            .find(|s| s["path"].as_str().unwrap().ends_with("k6.log"))
            .unwrap_or_else(|| panic!("{}", r["skipped"]));
        assert_eq!(skipped["kind"], kind, "{skipped}");
    }
}

#[test]
fn k6s_console_beside_its_summary_json_is_read_once_from_the_json() {
    let summary = |n: u64, failed: u64| {
        format!(
            "{{\"metrics\":{{\"http_reqs\":{{\"count\":{n},\"rate\":40}},\
             \"http_req_failed\":{{\"passes\":{failed},\"fails\":{},\"value\":0.025}},\
             \"http_req_duration\":{{\"avg\":52.3,\"med\":48.2,\"p(95)\":1500,\"max\":63000}},\
             \"vus_max\":{{\"max\":10}}}},\"state\":{{\"testRunDurationMs\":30000}}}}",
            n - failed
        )
    };
    for (json, kind, requests) in [
        (summary(1200, 30), "same_data", 1200),
        (summary(500, 0), "other_data", 500),
    ] {
        let dir = TestDir::new();
        dir.write("run/summary.json", json);
        dir.write("run/k6.log", legacy_layout());
        let (code, r, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(r["overall"]["requests"], requests, "read from the JSON");
        assert_eq!(r["sources"].as_array().unwrap().len(), 1);
        let skipped = (r["skipped"].as_array().unwrap().iter())
            .find(|s| s["path"].as_str().unwrap().ends_with("k6.log"))
            .unwrap_or_else(|| panic!("{}", r["skipped"]));
        assert_eq!(skipped["kind"], kind, "{skipped}");
    }
}

#[test]
fn a_k6_console_cut_before_its_summary_is_a_problem_named_with_the_file() {
    let dir = TestDir::new();
    let file = dir.write("run/k6.log", BANNER);
    let (code, _, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&file.display().to_string()) && stderr.contains("http_reqs"),
        "{stderr}"
    );
}

#[test]
fn two_k6_runs_appended_to_one_console_log_are_never_mixed() {
    let dir = TestDir::new();
    let second = legacy_layout().replace("30 out of 1200", "900 out of 1200");
    dir.write("run/k6.log", old_layout() + &second);
    let (code, r, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r["overall"]["requests"], 1200);
    assert_eq!(r["overall"]["failures"], 30, "the first run's");
    assert_ne!(r["data_quality"], "clean", "the later run is left out");
    let notes = r["sources"][0]["notes"].to_string();
    assert!(notes.contains("holds 2 runs"), "{notes}");
}

#[test]
fn stage_dirs_of_k6_consoles_are_one_stage_each() {
    let dir = TestDir::new();
    dir.write("run/01_load_10users/k6.log", legacy_layout());
    let peak = legacy_layout()
        .replace("1200", "3000")
        .replace("40.000000/s", "100.000000/s")
        .replace("10     min=10       max=10", "50     min=50       max=50");
    dir.write("run/02_peak_50users/k6.log", peak);
    let (code, r, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages: Vec<(String, u64, u64)> = (r["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["users"].as_u64().unwrap(),
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stages,
        vec![("load".into(), 10, 1200), ("peak".into(), 50, 3000)]
    );
    // 3,000 ÷ 100/s.
    assert!(close(
        r["stages"][1]["duration_s"].as_f64().unwrap(),
        30.0,
        1e-12
    ));
}
