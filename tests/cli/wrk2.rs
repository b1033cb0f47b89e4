//! wrk2 console output end to end. The fixtures are wrk2 outputs written here with
//! round numbers, so every right answer follows from the fixture by hand.

use serde_json::Value;

use crate::common::{analyze_json, close, headroom, TestDir};

const URL: &str = "http://127.0.0.1:8080/get";

/// One wrk2 run as wrk2 prints it with `--latency`.
struct Wrk2 {
    /// The command line echoed above the output, if any.
    command: Option<String>,
    connections: u32,
    duration_s: u32,
    /// Completed responses (`N requests in`).
    completed: u64,
    /// Values in the Recorded spectrum: 90 % at 0.8 ms, the rest at 12 ms.
    recorded: u64,
    /// A `Thread calibration` line (wrk2 runs longer than its 10 s calibration).
    calibrated: bool,
    /// `Socket errors: connect N`.
    connect_errors: u64,
}

impl Wrk2 {
    fn new(rate: Option<u32>, duration_s: u32, completed: u64) -> Wrk2 {
        Wrk2 {
            command: rate
                .map(|r| format!("wrk -t1 -c2 -d{duration_s}s -R{r} --latency -s get.lua {URL}")),
            connections: 2,
            duration_s,
            completed,
            recorded: completed,
            calibrated: false,
            connect_errors: 0,
        }
    }

    fn text(&self) -> String {
        let n = self.recorded;
        let fast = n * 9 / 10;
        let mut t = String::new();
        if let Some(c) = &self.command {
            t.push_str(&format!("{c}\n\n"));
        }
        t.push_str(&format!(
            "Running {}s test @ {URL}\n  1 threads and {} connections\n",
            self.duration_s, self.connections
        ));
        if self.calibrated {
            t.push_str("  Thread calibration: mean lat.: 1.106ms, rate sampling interval: 10ms\n");
        }
        t.push_str(&format!(
            "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
             \x20   Latency     1.92ms    3.40ms  12.00ms   90.00%\n\
             \x20   Req/Sec       -nan      -nan   0.00      0.00%\n\
             \x20 Latency Distribution (HdrHistogram - Recorded Latency)\n\
             \x2050.000%    0.80ms\n\
             \x2090.000%    0.80ms\n\
             \x2099.000%   12.00ms\n\
             100.000%   12.00ms\n\
             \n\
             \x20 Detailed Percentile spectrum:\n\
             \x20      Value   Percentile   TotalCount 1/(1-Percentile)\n\
             \n\
             \x20      0.800     0.000000            1         1.00\n\
             \x20      0.800     0.900000 {fast:12}        10.00\n\
             \x20     12.000     1.000000 {n:12}          inf\n\
             #[Mean    =        1.920, StdDeviation   =        3.400]\n\
             #[Max     =       12.000, Total count    = {n:12}]\n\
             #[Buckets =           27, SubBuckets     =         2048]\n\
             ----------------------------------------------------------\n\
             \x20 {} requests in {}.00s, 1.00MB read\n",
            self.completed, self.duration_s
        ));
        if self.connect_errors > 0 {
            t.push_str(&format!(
                "  Socket errors: connect {}, read 0, write 0, timeout 0\n",
                self.connect_errors
            ));
        }
        t.push_str(&format!(
            "Requests/sec: {:9.2}\nTransfer/sec:     68.27KB\n",
            self.completed as f64 / f64::from(self.duration_s)
        ));
        t
    }
}

fn findings<'a>(report: &'a Value, check: &str) -> Vec<&'a Value> {
    report["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["check"] == check)
        .collect()
}

fn notes(report: &Value) -> String {
    report["sources"][0]["notes"].to_string()
}

/// A wrk2 run at -R2000 over 2 connections: 20,000 requests in 10 s. Its latency
/// (mean ≈ 1.9 ms) would cap two *users* at N/R ≈ 1,000 req/s, but wrk2 is open-model:
/// the stage has no users, the arrival rate 2,000 req/s, no closed-model finding, and
/// the open-model check finds 20,000 ÷ 10 s = 2,000 req/s as planned.
#[test]
fn wrk2_is_an_open_model_stage_at_its_stated_rate() {
    let dir = TestDir::new();
    dir.write("get/wrk2.txt", Wrk2::new(Some(2000), 10, 20_000).text());
    let (code, report, stderr) = analyze_json(&[&dir.path().join("get")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["sources"][0]["tool"], "wrk2");
    let stage = &report["stages"][0];
    assert_eq!(stage["users"], Value::Null, "{stage}");
    assert_eq!(stage["arrival_rate_rps"], 2000.0);
    assert!(
        findings(&report, "response_time_law").is_empty(),
        "{}",
        report["audit"]
    );
    let rate = findings(&report, "arrival_rate");
    assert_eq!(rate.len(), 1, "{}", report["audit"]);
    assert_eq!(rate[0]["verdict"], "ok");
    assert_eq!(rate[0]["expected"], 2000.0);
    assert!(close(rate[0]["observed"].as_f64().unwrap(), 2000.0, 1e-9));
    assert!(rate[0]["explanation"]
        .as_str()
        .unwrap()
        .contains("open model"));
    let n = notes(&report);
    assert!(n.contains("wrk2 runs an open model"), "{n}");
    assert!(n.contains("-R 2000"), "{n}");
    // The load point is the measured concurrency X·R, not the 2 connections.
    let point = &report["capacity"]["load_points"][0];
    assert_eq!(point["arrival_rate_rps"], 2000.0, "{point}");

    // The terminal summary shows the rate where a closed stage shows users.
    let out = headroom(&[
        "analyze",
        dir.path().join("get").to_str().unwrap(),
        "--out",
        dir.path().join("report").to_str().unwrap(),
        "--charts",
        "none",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2000/s"), "{stdout}");
}

/// Without the echoed command the rate is unknown (wrk2 never prints it, and its
/// Requests/sec is what it achieved, not the plan): still open-model, so no users and
/// no closed-model finding, and no planned rate to check; a run.toml can give it.
#[test]
fn wrk2_without_its_command_line_has_no_rate_unless_the_manifest_gives_one() {
    let dir = TestDir::new();
    let text = Wrk2::new(None, 10, 20_000).text();
    dir.write("get/wrk2.txt", &text);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("get")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["users"], Value::Null, "{stage}");
    assert_eq!(stage["arrival_rate_rps"], Value::Null, "{stage}");
    assert!(
        findings(&report, "response_time_law").is_empty(),
        "{}",
        report["audit"]
    );
    assert!(
        findings(&report, "arrival_rate").is_empty(),
        "{}",
        report["audit"]
    );
    let n = notes(&report);
    assert!(n.contains("planned rate is unknown"), "{n}");

    dir.write("planned/wrk2.txt", &text);
    dir.write(
        "planned/run.toml",
        "[[stage]]\nname = \"get\"\narrival_rate_rps = 2000.0\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("planned")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"][0]["arrival_rate_rps"], 2000.0);
    assert_eq!(findings(&report, "arrival_rate")[0]["verdict"], "ok");
}

/// A 15 s wrk2 run: 30,000 responses, of which wrk2's histogram holds the 10,000 after
/// its calibration (all ≤ 12 ms), plus 100 connect errors (failures without a time).
/// Apdex(500ms) counts the 10,000 measured (all satisfied) and the 100 failures
/// (frustrated): 10,000 ÷ 10,100 ≈ 0.990 — not 10,000 ÷ 30,100 ≈ 0.33. The 20,000
/// unmeasured responses are named in the note, as for the percentiles, which cover the
/// same 10,000 values (p99 = 12 ms).
#[test]
fn apdex_counts_measured_requests_and_failures_not_unmeasured_ones() {
    let dir = TestDir::new();
    let mut run = Wrk2::new(Some(2000), 15, 30_000);
    run.recorded = 10_000;
    run.calibrated = true;
    run.connect_errors = 100;
    dir.write("run/wrk2.txt", run.text());
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"apdex(500ms) > 0.8\", \"p(99) < 20ms\"]\n",
    );
    let out = headroom(&[
        "check",
        dir.path().join("run").to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--json",
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{json}");
    let rules = json["sla"]["rules"].as_array().unwrap();
    let on_stage = |rule: &str| {
        rules
            .iter()
            .find(|r| r["rule"] == rule && r["stage"] == "run")
            .unwrap_or_else(|| panic!("{rule}: {json}"))
    };
    let apdex = on_stage("apdex(500ms) > 0.8");
    assert_eq!(apdex["status"], "pass", "{apdex}");
    assert!(
        close(apdex["value"].as_f64().unwrap(), 10_000.0 / 10_100.0, 1e-9),
        "{apdex}"
    );
    let note = apdex["note"].as_str().unwrap();
    assert!(note.contains("20000 of the 30100 requests"), "{note}");
    let p99 = on_stage("p(99) < 20ms");
    assert_eq!(p99["status"], "pass");
    assert!(close(p99["value"].as_f64().unwrap(), 12.0, 0.001), "{p99}");
    assert!(
        p99["note"]
            .as_str()
            .unwrap()
            .contains("20000 of the 30100 requests"),
        "{p99}"
    );
}

/// Two wrk2 runs in one dir at one planned rate (within 1 %), read as one after
/// another: 10 s at -R2000 (20,000 requests) then 15 s at -R2010 (30,150). Together
/// 50,150 requests in 25 s = 2,006 req/s, and the planned rate is (2,000·10 +
/// 2,010·15) ÷ 25 = 2,006 req/s — not 50,150 ÷ 15 s (the longer run) = 3,343 req/s.
/// (Runs at other rates, -R1000 and -R3000, are two stages: messy_runs_w's httperf
/// rate sweep.)
#[test]
fn two_wrk2_runs_in_one_dir_add_their_durations() {
    let dir = TestDir::new();
    dir.write("get/a.txt", Wrk2::new(Some(2000), 10, 20_000).text());
    dir.write("get/b.txt", Wrk2::new(Some(2010), 15, 30_150).text());
    let (code, report, stderr) = analyze_json(&[&dir.path().join("get")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"].as_array().unwrap().len(), 1);
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 50_150);
    assert!(
        close(stage["duration_s"].as_f64().unwrap(), 25.0, 1e-9),
        "{stage}"
    );
    assert!(close(
        stage["throughput_rps"].as_f64().unwrap(),
        2006.0,
        1e-9
    ));
    assert!(close(
        stage["arrival_rate_rps"].as_f64().unwrap(),
        2006.0,
        1e-9
    ));
    let overall = &report["overall"];
    assert!(close(overall["duration_s"].as_f64().unwrap(), 25.0, 1e-9));
    assert!(close(
        overall["throughput_rps"].as_f64().unwrap(),
        2006.0,
        1e-9
    ));
    assert_eq!(findings(&report, "arrival_rate")[0]["verdict"], "ok");
    let n = notes(&report);
    assert!(n.contains("one after another"), "{n}");
    assert!(n.contains("10.0 s + 15.0 s = 25.0 s"), "{n}");
}
