//! `analyze` on hand-made fixtures whose answers are known independently.

use base64::Engine;
use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
use hdrhistogram::Histogram;

use crate::common::{analyze_json, close, nearest_rank, Lcg, TestDir};

/// 10 000 latencies from a seeded log-normal-ish distribution, in ms (0.5 ms – 5 s).
fn known_latencies() -> Vec<f64> {
    let mut rng = Lcg(42);
    (0..10_000)
        .map(|_| {
            let u = rng.next_f64().max(1e-9);
            // Exponential tail on top of a 2 ms floor, rounded to whole µs.
            ((2.0 - 40.0 * u.ln()) * 1000.0).round() / 1000.0
        })
        .collect()
}

#[test]
fn percentiles_from_per_request_csv_equal_exact_nearest_rank() {
    let values = known_latencies();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for (i, v) in values.iter().enumerate() {
        csv.push_str(&format!(
            "{},/api/items,GET,{v},200\n",
            1_700_000_000_000i64 + i as i64 * 3
        ));
    }
    let dir = TestDir::new();
    dir.write("run/requests.csv", csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let lat = &report["overall"]["latency_ms"];
    for (key, p) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0)] {
        let got = lat[key].as_f64().unwrap();
        let want = nearest_rank(&values, p);
        assert!(close(got, want, 0.001), "{key}: got {got}, exact {want}");
    }
    assert_eq!(report["overall"]["requests"], 10_000);
    assert_eq!(report["overall"]["latency_exact"], true);
}

#[test]
fn the_same_values_through_an_hlog_give_the_same_percentiles() {
    let values = known_latencies();
    // Written the way jHiccup and the Java writer do: values in ns, no unit comment,
    // one interval per 1 000 values, tagged with the endpoint.
    let mut log = String::from(
        "#[Histogram log format version 1.3]\n#[StartTime: 1700000000.000 (seconds since epoch)]\n\
         \"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n",
    );
    for (i, chunk) in values.chunks(1000).enumerate() {
        let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).unwrap();
        for v in chunk {
            h.record((v * 1_000_000.0).round() as u64).unwrap();
        }
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&h, &mut bytes)
            .unwrap();
        let blob = base64::engine::general_purpose::STANDARD.encode(bytes);
        log.push_str(&format!(
            "Tag=GET%20/api/items,{}.000,1.000,{:.3},{blob}\n",
            i,
            h.max() as f64 / 1e6
        ));
    }
    let dir = TestDir::new();
    dir.write("run/latency.hlog", log);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let lat = &report["overall"]["latency_ms"];
    for (key, p) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0)] {
        let got = lat[key].as_f64().unwrap();
        let want = nearest_rank(&values, p);
        assert!(close(got, want, 0.001), "{key}: got {got}, exact {want}");
    }
    assert_eq!(report["overall"]["requests"], 10_000);
    let ep = &report["stages"][0]["endpoints"][0];
    assert_eq!(ep["key"], "GET /api/items");
}

/// A Locust ≥ 2 stats set written by hand: three endpoints, failures of two kinds.
fn locust_set(dir: &TestDir, at: &str) {
    dir.write(
        &format!("{at}/run_stats.csv"),
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\r\n\
         GET,/api/v1/agents,4000,4,120,130.5,20.1,900.2,512.0,40.0,0.04,120,130,140,150,180,220,300,410,800,900,900\r\n\
         GET,/api/v1/agents/{id},3000,0,150,160.0,30.0,1200.0,1024.0,30.0,0.0,150,160,170,180,210,260,350,500,1100,1200,1200\r\n\
         POST,/api/v1/agents/run,2000,10,900,950.0,300.0,5200.0,2048.0,20.0,0.1,900,1000,1100,1200,1500,2100,3000,4000,5000,5200,5200\r\n\
         ,Aggregated,9000,14,150,325.9,20.1,5200.0,985.0,90.0,0.14,150,170,200,230,700,1000,1600,2400,4500,5200,5200\r\n",
    );
    dir.write(
        &format!("{at}/run_failures.csv"),
        "Method,Name,Error,Occurrences\r\n\
         GET,/api/v1/agents,HTTPError('503 Server Error: Service Unavailable for url: /api/v1/agents'),4\r\n\
         POST,/api/v1/agents/run,\"ReadTimeout(\"\"timed out\"\")\",10\r\n",
    );
    dir.write(
        &format!("{at}/run_exceptions.csv"),
        "Count,Message,Traceback,Nodes\r\n",
    );
}

#[test]
fn locust_endpoint_counts_equal_the_csv_rows() {
    let dir = TestDir::new();
    locust_set(&dir, "03_peak_1000users");
    let (code, report, stderr) = analyze_json(&[&dir.path().join("03_peak_1000users")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["name"], "peak");
    assert_eq!(stage["users"], 1000);
    assert_eq!(stage["requests"], 9000);
    assert_eq!(stage["failures"], 14);
    let by_key = |k: &str| {
        stage["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == k)
            .cloned()
            .unwrap()
    };
    let agents = by_key("GET /api/v1/agents");
    assert_eq!(
        (agents["requests"].as_u64(), agents["failures"].as_u64()),
        (Some(4000), Some(4))
    );
    assert_eq!(agents["failures_by_kind"]["status:503"], 4);
    let run = by_key("POST /api/v1/agents/run");
    assert_eq!(
        (run["requests"].as_u64(), run["failures"].as_u64()),
        (Some(2000), Some(10))
    );
    assert_eq!(run["failures_by_kind"]["timeout"], 10);
    assert_eq!(run["latency_ms"]["p95"], 2100.0);
    assert_eq!(by_key("GET /api/v1/agents/{id}")["requests"], 3000);
    // The stage's latency is Locust's own Aggregated row, not a merge.
    assert_eq!(stage["latency_ms"]["p95"], 1000.0);
    assert_eq!(stage["latency_exact"], false);
    // Duration = count ÷ Requests/s of the aggregate row: 9000 ÷ 90 = 100 s.
    assert!(close(stage["duration_s"].as_f64().unwrap(), 100.0, 1e-9));
}

#[test]
fn stats_history_plateaus_become_three_stages() {
    // 10 users for 60 s, ramp 10/s to 50, 60 s, ramp to 100, 60 s; 1-second rows
    // with cumulative totals growing at users ÷ 2 requests per second.
    let mut csv = String::from("Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size\r\n");
    let t0 = 1_700_000_000i64;
    let mut levels: Vec<u32> = vec![0];
    levels.extend(std::iter::repeat_n(10, 60));
    levels.extend([20, 30, 40]);
    levels.extend(std::iter::repeat_n(50, 60));
    levels.extend([60, 70, 80, 90]);
    levels.extend(std::iter::repeat_n(100, 60));
    let mut total = 0u64;
    for (i, users) in levels.iter().enumerate() {
        total += u64::from(*users) / 2;
        csv.push_str(&format!(
            "{},{users},,Aggregated,{:.6},0.000000,100,200,{total},0,100,100.0,10,300,100\r\n",
            t0 + i as i64,
            f64::from(*users) / 2.0
        ));
    }
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 3, "{stages:#?}");
    let ms = |s: &str| t0 * 1000 + s.parse::<i64>().unwrap() * 1000;
    // Plateau boundaries: first and last sample at each level (rows 1–60, 64–123, 128–187).
    let expect = [(10, "1", "60"), (50, "64", "123"), (100, "128", "187")];
    for (stage, (users, from, to)) in stages.iter().zip(expect) {
        assert_eq!(stage["users"], users);
        let start = stage["start"].as_str().unwrap();
        let end = stage["end"].as_str().unwrap();
        assert_eq!(parse(start), ms(from), "{start}");
        assert_eq!(parse(end), ms(to), "{end}");
        // (last − first) seconds at users ÷ 2 requests per second.
        let secs = to.parse::<u64>().unwrap() - from.parse::<u64>().unwrap();
        assert_eq!(stage["requests"], secs * u64::from(users as u32) / 2);
    }
}

/// Epoch ms of `2023-11-14T22:13:21.000Z`-style text.
fn parse(s: &str) -> i64 {
    let t = humantime::parse_rfc3339(s).unwrap();
    t.duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

#[test]
fn writes_the_three_report_files_and_escapes_untrusted_names() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,error\n");
    for i in 0..200 {
        let name = if i % 2 == 0 {
            "<img src=x onerror=alert(1)>"
        } else {
            "/a|b"
        };
        csv.push_str(&format!(
            "{},{name},GET,{}.5,200,\n",
            1_700_000_000_000i64 + i * 10,
            i % 50
        ));
    }
    dir.write("run/requests.csv", csv);
    let (md, html) = report_files(&dir);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/report.json")).unwrap())
            .unwrap();
    assert_eq!(json["schema_version"], 1);
    assert!(md.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(md.contains("/a\\|b"));
    assert!(
        !html.contains("<img src=x"),
        "raw markup leaked into the HTML"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn control_codes_and_bidi_overrides_in_names_reach_no_report_file_raw() {
    // An endpoint whose name colours a terminal (`cat report.md`) and one whose
    // right-to-left override reorders what an editor, a browser or a chart shows.
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,error\n");
    let names = ["\u{1b}[31mred\u{1b}[0m", "/evil\u{202e}txt.exe"];
    for i in 0..200u64 {
        csv.push_str(&format!(
            "{},{},GET,{}.5,200,\n",
            1_700_000_000_000u64 + i * 10,
            names[(i % 2) as usize],
            i % 50
        ));
    }
    dir.write("run/requests.csv", csv);
    let (md, html) = report_files(&dir);
    let mut files = vec![
        ("report.md".to_string(), md.clone()),
        ("report.html".into(), html),
    ];
    for entry in std::fs::read_dir(dir.path().join("out/charts")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "svg") {
            files.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    for (name, text) in &files {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{name} holds a raw control code or override"
        );
    }
    assert!(md.contains("u{1b}") && md.contains("u{202e}"), "{md}");
}

/// One Locust stage dir whose Aggregated row has these figures.
pub(crate) fn locust_stage(
    dir: &TestDir,
    name: &str,
    requests: u64,
    failures: u64,
    rps: f64,
    p: [u32; 3],
) {
    let [p50, p95, p99] = p;
    dir.write(
        &format!("run/{name}/locust_stats.csv"),
        format!(
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,99%,100%\n\
             GET,/api/v1/agents,{requests},{failures},{p50},{p50}.0,5,{p99},100,{rps},0,{p50},{p95},{p99},{p99}\n\
             ,Aggregated,{requests},{failures},{p50},{p50}.0,5,{p99},100,{rps},0,{p50},{p95},{p99},{p99}\n"
        ),
    );
}

/// The seed report's own numbers (Test 1–4), as Locust would have written them, in
/// `run/01_baseline_100users/` … `run/04_stress_2000users/` (also used by `check`).
pub(crate) fn seed_run(dir: &TestDir) {
    locust_stage(
        dir,
        "01_baseline_100users",
        30_000,
        6,
        100.0,
        [150, 400, 850],
    );
    locust_stage(
        dir,
        "02_target_500users",
        150_000,
        30,
        500.0,
        [750, 2000, 4250],
    );
    locust_stage(
        dir,
        "03_peak_1000users",
        600_000,
        120,
        1000.0,
        [450, 1200, 2550],
    );
    locust_stage(
        dir,
        "04_stress_2000users",
        600_000,
        6120,
        2000.0,
        [900, 2400, 5100],
    );
}

#[test]
fn seed_shaped_four_stages_against_the_agent_platform_sla() {
    let dir = TestDir::new();
    seed_run(&dir);
    let sla = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sla/agent-platform.toml");
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &["--sla", sla]);
    assert_eq!(code, 0, "{stderr}");
    let names: Vec<&str> = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["baseline", "target", "peak", "stress"]);
    let cell = |rule: &str, stage: &str| {
        report["sla"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == rule && r["stage"] == stage && r["scope"] == "global")
            .unwrap_or_else(|| panic!("no {rule} on {stage}"))
            .clone()
    };
    let check = |rule: &str, stage: &str, status: &str, factor: f64| {
        let c = cell(rule, stage);
        assert_eq!(c["status"], status, "{rule} on {stage}: {c}");
        let got = c["factor"].as_f64().unwrap();
        assert!(
            close(got, factor, 1e-6),
            "{rule} on {stage}: factor {got}, want {factor}"
        );
    };
    // Peak (the verdict stage): latency misses by value ÷ limit.
    check("throughput >= 1000/s", "peak", "pass", 1.0);
    check("p(50) < 200ms", "peak", "fail", 450.0 / 200.0);
    check("p(95) < 500ms", "peak", "fail", 1200.0 / 500.0);
    check("p(99) < 1s", "peak", "fail", 2550.0 / 1000.0);
    check(
        "error_rate < 0.1%",
        "peak",
        "pass",
        (120.0 / 600_000.0) / 0.001,
    );
    check(
        "availability > 99.9%",
        "peak",
        "pass",
        (120.0 / 600_000.0) / 0.001,
    );
    // Baseline misses the global throughput by limit ÷ value; stress breaks the error budget.
    check("throughput >= 1000/s", "baseline", "fail", 1000.0 / 100.0);
    check(
        "error_rate < 0.1%",
        "stress",
        "fail",
        (6120.0 / 600_000.0) / 0.001,
    );
    check(
        "availability > 99.9%",
        "stress",
        "fail",
        (6120.0 / 600_000.0) / 0.001,
    );
    assert_eq!(report["verdict"], "NO-GO");
    assert_eq!(report["sla"]["verdict"], "NO-GO");
}

/// Without `status` or `success` columns a generic CSV says nothing about answers: its
/// rows are successes unless their `error` says otherwise.
#[test]
fn a_generic_csv_without_status_counts_only_its_errors_as_failures() {
    let dir = TestDir::new();
    dir.write(
        "run/requests.csv",
        "timestamp_ms,endpoint,latency_ms,error\n1000,/a,5,\n2000,/a,7,\n3000,/a,9,timeout\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 3);
    assert_eq!(report["overall"]["failures"], 1);
}

/// 20 requests of the generic CSV at `t0` + i × `step_ms`.
fn generic_rows(t0: i64, step_ms: i64, n: i64) -> String {
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms\n");
    for i in 0..n {
        csv.push_str(&format!("{},/a,10\n", t0 + i * step_ms));
    }
    csv
}

/// The same file given twice, or with its dir, is read once (and said so).
#[test]
fn a_file_given_twice_counts_once() {
    let dir = TestDir::new();
    let file = dir.write("run/requests.csv", generic_rows(1_000_000, 100, 20));
    let run = dir.path().join("run");
    for paths in [
        [file.as_path(), file.as_path()],
        [file.as_path(), run.as_path()],
    ] {
        let (code, report, stderr) = analyze_json(&paths, &[]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(report["overall"]["requests"], 20);
        assert_eq!(report["inputs"].as_array().map(Vec::len), Some(1));
        assert!(report["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("more than once"));
    }
}

/// A run dir's sub-dir holding results is not silently dropped: it is listed as
/// skipped, with what to do.
#[test]
fn a_run_dirs_result_subdirectory_is_listed_as_skipped() {
    let dir = TestDir::new();
    dir.write("run/requests.csv", generic_rows(1_000_000, 100, 20));
    dir.write("run/other/requests.csv", generic_rows(1_000_000, 100, 5));
    dir.write("run/notes/readme.txt", "not results");
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 20);
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0]["path"].as_str().unwrap().ends_with("other"));
    assert!(skipped[0]["reason"]
        .as_str()
        .unwrap()
        .contains("analyse it on its own"));
}

/// Two stage dirs whose names give the same stage name at different users become two
/// distinctly named stages, so an SLA section names one of them only.
#[test]
fn stages_sharing_a_name_get_distinct_names() {
    let dir = TestDir::new();
    dir.write(
        "run/PEAK_2USERS/requests.csv",
        generic_rows(1_000_000, 100, 20),
    );
    dir.write(
        "run/03_peak_1000users/requests.csv",
        generic_rows(2_000_000, 100, 30),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let mut stages: Vec<(String, u64)> = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    stages.sort();
    assert_eq!(
        stages,
        [
            ("peak_1000users".to_string(), 30),
            ("peak_2users".to_string(), 20)
        ]
    );
}

/// Timestamps in whole seconds (k6's CSV) cover their last second whole: ten requests
/// one a second span ten seconds. Three stamped with the same second measure no span
/// (they may have come within a millisecond): no throughput, rather than 3 req/s
/// (qa11 H9; `known_wrong::requests_at_one_instant_have_no_throughput`).
#[test]
fn whole_second_timestamps_count_their_last_second() {
    let dir = TestDir::new();
    dir.write("run/requests.csv", generic_rows(1_700_000_000_000, 0, 3));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(report["overall"]["duration_s"].is_null());
    assert!(report["overall"]["throughput_rps"].is_null());
    // Ten seconds of one request a second: 10 requests over [t0, t0 + 10 s).
    dir.write(
        "run/requests.csv",
        generic_rows(1_700_000_000_000, 1000, 10),
    );
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["overall"]["duration_s"], 10.0);
}

/// `--from` trims overall as it trims the stages: overall throughput is the kept
/// requests over the kept span.
#[test]
fn from_and_to_trim_the_overall_window() {
    let dir = TestDir::new();
    // 100 requests, one every 100 ms from t0 = 1,000,000 ms; keep [t0 + 5 s, t0 + 8 s).
    dir.write("run/requests.csv", generic_rows(1_000_000, 100, 100));
    let (code, report, stderr) = analyze_json(
        &[&dir.path().join("run")],
        &["--from", "1005000", "--to", "1008000"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 30);
    assert_eq!(report["overall"]["duration_s"], 3.0);
    assert!(close(
        report["overall"]["throughput_rps"].as_f64().unwrap(),
        10.0,
        1e-9
    ));
}

/// Many endpoints that are one route with IDs get a hint towards --normalize-labels,
/// which then makes them one endpoint.
#[test]
fn ids_in_urls_get_a_normalize_labels_hint() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms\n");
    for i in 0..300 {
        csv.push_str(&format!("{},/agents/{i},5\n", 1_000_000 + i * 10));
    }
    dir.write("run/requests.csv", csv);
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("300 endpoints look like 1 route with IDs"),
        "{warnings}"
    );
    let (_, report, _) = analyze_json(&[&run], &["--normalize-labels"]);
    let endpoints = &report["stages"][0]["endpoints"];
    assert_eq!(endpoints.as_array().map(Vec::len), Some(1));
    assert_eq!(endpoints[0]["key"], "/agents/{id}");
    assert!(!report["warnings"]
        .to_string()
        .contains("--normalize-labels"));
}

#[test]
fn endpoint_drill_down_names_the_commonest_failure_kind_without_messages() {
    // 100 requests, 30 answered 503 and 10 answered 500, no error messages: the
    // endpoint's top error is its commonest kind with its count.
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..100 {
        let status = match i % 10 {
            0..=2 => 503,
            3 => 500,
            _ => 200,
        };
        csv.push_str(&format!(
            "{},/orders,GET,{},{status}\n",
            1_700_000_000_000i64 + i * 10,
            5 + i % 7
        ));
    }
    dir.write("run/requests.csv", csv);
    let out = dir.path().join("out");
    let o = crate::common::headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let section = &html[html.find("id=\"endpoint-").expect("an endpoint section")..];
    assert!(section.contains("<td>30 × status:503</td>"), "{section}");
}

#[test]
fn a_file_name_that_is_not_utf8_is_named_lossily_and_the_report_is_written() {
    use std::os::unix::ffi::OsStrExt;
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..50 {
        csv.push_str(&format!(
            "{},/a,GET,{},200\n",
            1_700_000_000_000i64 + i * 10,
            5 + i % 3
        ));
    }
    let run = dir.path().join("run");
    std::fs::create_dir_all(&run).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"requests-\xff.csv");
    std::fs::write(run.join(name), csv).unwrap();
    let out = dir.path().join("out");
    let o = crate::common::headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["overall"]["requests"], 50);
    let inputs = json["inputs"].to_string();
    assert!(inputs.contains("requests-\u{fffd}.csv"), "{inputs}");
    assert!(std::fs::read_to_string(out.join("report.md"))
        .unwrap()
        .contains("requests-\u{fffd}.csv"));
}

/// A name holding backticks is quoted with a longer fence (CommonMark's rule), so in
/// report.md and report.html the whole name is one code span: its backticks neither
/// end the span nor start another.
#[test]
fn a_name_with_backticks_stays_one_code_span() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,error\n");
    for i in 0..200 {
        // Three in five requests go to the name with backticks: it carries the most.
        let name = if i % 5 < 3 { "x|`item`" } else { "/b" };
        csv.push_str(&format!(
            "{},{name},GET,{}.5,200,\n",
            1_700_000_000_000i64 + i * 10,
            i % 50
        ));
    }
    dir.write("run/requests.csv", csv);
    let (md, html) = report_files(&dir);
    assert!(
        md.contains("`` GET x|`item` `` carries the most requests: 60%"),
        "{md}"
    );
    assert!(
        html.contains("<code>GET x|`item`</code> carries the most requests"),
        "{html}"
    );
}

/// The lowest-load stage named in the stage comparison is one code span too, when its
/// dir name holds a backtick.
#[test]
fn a_baseline_stage_with_a_backtick_stays_one_code_span() {
    let dir = TestDir::new();
    for (i, stage) in ["01_a`b_10users", "02_c_20users"].iter().enumerate() {
        let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,error\n");
        for k in 0..200i64 {
            let t = 1_700_000_000_000i64 + i as i64 * 3_600_000 + k * 10;
            csv.push_str(&format!("{t},/a,GET,{}.5,200,\n", 10 + k % 7));
        }
        dir.write(&format!("run/{stage}/requests.csv"), csv);
    }
    let (md, html) = report_files(&dir);
    assert!(md.contains("**vs lowest-load stage** (`` a`b ``)"), "{md}");
    assert!(
        html.contains("<strong>vs lowest-load stage</strong> (<code>a`b</code>)"),
        "{html}"
    );
}

/// Runs `analyze DIR/run --out DIR/out` (it must succeed) and returns its report.md
/// and report.html.
fn report_files(dir: &TestDir) -> (String, String) {
    let out = dir.path().join("out");
    let o = crate::common::headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    (read("report.md"), read("report.html"))
}
