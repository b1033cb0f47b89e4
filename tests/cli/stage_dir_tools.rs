//! Stage dirs across tools and copies: each stage dir is a stage of one run whatever
//! tool measured it (choosing one tool among several is for the files of one dir),
//! a stage dir's result files copied into another are named as a copy, and the users
//! a stage's data records win over the number in its dir's name.

use serde_json::Value;

use crate::common::{analyze_json, headroom, TestDir};

/// A wrk console summary: 1,382 requests in 3.03 s at 456.46 req/s, percentiles
/// 50/75/90/99 only (no p95), no per-request series.
const WRK: &str = "Running 3s test @ http://127.0.0.1:8080/a
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.25ms   11.06ms  94.04ms   76.08%
    Req/Sec   230.15     24.73   300.00     73.33%
  Latency Distribution
     50%   20.05ms
     75%   27.17ms
     90%   35.16ms
     99%   61.58ms
  1382 requests in 3.03s, 268.57KB read
Requests/sec:    456.46
Transfer/sec:     88.71KB
";

/// Per-request rows (generic CSV): `n` requests of 10 ms from epoch ms `t0`, one every
/// 10 ms, every `fail_every`-th failed.
fn rows(t0: u64, n: u64, fail_every: u64) -> String {
    let mut csv = String::from("timestamp_ms,latency_ms,endpoint,success\n");
    for i in 1..=n {
        let ok = if i % fail_every == 0 { "false" } else { "true" };
        csv.push_str(&format!("{},10,/a,{ok}\n", t0 + i * 10));
    }
    csv
}

const T0_MS: u64 = 1_700_000_000_000;

fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    let stages = report["stages"].as_array().expect("stages");
    (stages.iter().find(|s| s["name"] == name)).unwrap_or_else(|| panic!("no {name}: {report:#}"))
}

fn stage_names(report: &Value) -> Vec<&str> {
    let stages = report["stages"].as_array().expect("stages");
    stages.iter().map(|s| s["name"].as_str().unwrap()).collect()
}

/// baseline (rows, 20 users), peak (wrk, 50 users), stress (rows, 100 users).
fn mixed_stages(dir: &TestDir) {
    dir.write(
        "runs/01_baseline_20users/requests.csv",
        rows(T0_MS, 500, 100),
    );
    dir.write("runs/02_peak_50users/console.log", WRK);
    let stress = rows(T0_MS + 60_000, 1000, 10);
    dir.write("runs/03_stress_100users/requests.csv", stress);
}

#[test]
fn stage_dirs_measured_by_different_tools_keep_every_stage_with_its_tool() {
    let dir = TestDir::new();
    mixed_stages(&dir);
    let runs = dir.path().join("runs");
    let (code, report, stderr) = analyze_json(&[&runs], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage_names(&report), ["baseline", "peak", "stress"]);
    let (base, peak, stress) = (
        stage(&report, "baseline"),
        stage(&report, "peak"),
        stage(&report, "stress"),
    );
    assert_eq!(base["tool"], "generic-csv");
    assert_eq!(peak["tool"], "wrk");
    assert_eq!(stress["tool"], "generic-csv");
    // Each stage's own figures: 500 rows, 5 failed; wrk's 1,382 at 456.46 req/s; 1,000
    // rows, 100 failed.
    assert_eq!(
        (base["users"].as_u64(), base["requests"].as_u64()),
        (Some(20), Some(500))
    );
    assert_eq!(base["failures"], 5);
    assert_eq!(
        (peak["users"].as_u64(), peak["requests"].as_u64()),
        (Some(50), Some(1382))
    );
    let rps = peak["throughput_rps"].as_f64().unwrap();
    assert!((rps - 456.46).abs() < 0.5, "{rps}");
    assert_eq!(peak["latency_ms"]["p99"], 61.58);
    // wrk prints no p95 and no series: not measured for its stage, never made up.
    assert!(peak["latency_ms"]["p95"].is_null(), "{peak:#}");
    assert!(peak["timeseries"].as_array().unwrap().is_empty());
    assert_eq!(
        (stress["requests"].as_u64(), stress["failures"].as_u64()),
        (Some(1000), Some(100))
    );
    assert_eq!(report["overall"]["requests"], 500 + 1382 + 1000);
    assert_eq!(report["sources"].as_array().unwrap().len(), 1, "{stderr}");
    let warnings = serde_json::to_string(&report["warnings"]).unwrap();
    assert!(
        warnings.contains("baseline, stress from generic-csv; peak from wrk"),
        "{warnings}"
    );
    // Capacity across the tools' stages is said to be indicative, naming each tool's.
    assert!(
        warnings.contains(
            "capacity figures compare stages measured by different tools \
             (generic-csv: baseline, stress; wrk: peak)"
        ),
        "{warnings}"
    );
    assert!(!warnings.contains("sources found ("), "{warnings}");

    // The SLA's verdict stage is wrk's peak, judged on wrk's figures.
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"p(99) < 500ms\"]\n\
         [stage.peak]\nrules = [\"throughput >= 400/s\"]\n",
    );
    let out = headroom(&[
        "check",
        runs.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("verdict: GO on `peak`"),
        "{stdout}\n{stderr}"
    );
    assert!(stdout.contains("456 req/s"), "{stdout}");
    assert!(!stderr.contains("names no stage"), "{stderr}");
}

#[test]
fn two_tools_in_one_stage_dir_are_still_arbitrated_within_it() {
    // The peak dir holds wrk's summary and rows of the same run: as in one dir, the
    // rows (every request's latency) lead, and wrk is listed beside them.
    let dir = TestDir::new();
    mixed_stages(&dir);
    dir.write(
        "runs/02_peak_50users/requests.csv",
        rows(T0_MS + 30_000, 1300, 100),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["primary_source"], "generic-csv", "{stderr}");
    assert_eq!(report["sources"].as_array().unwrap().len(), 2);
    assert_eq!(stage_names(&report), ["baseline", "peak", "stress"]);
    assert_eq!(stage(&report, "peak")["requests"], 1300);
    assert!(stage(&report, "peak").get("tool").is_none());
}

#[test]
fn a_stage_dirs_byte_identical_copy_of_another_is_named_not_read_as_a_second_stage() {
    use crate::stage_dirs::{history, T0};
    let dir = TestDir::new();
    let run = history(T0, &[0, 20, 20, 20, 20, 20, 20]);
    dir.write("runs/01_base_20users/locust_stats_history.csv", &run);
    dir.write("runs/02_peak_40users/locust_stats_history.csv", &run);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(code, 0, "{stderr}");
    // One run's 6 s at 80 requests a second: one stage, its requests counted once.
    assert_eq!(stage_names(&report), ["base"], "{stderr}");
    assert_eq!(stage(&report, "base")["users"], 20);
    assert_eq!(report["overall"]["requests"], 480);
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    let copy = skipped[0]["path"].as_str().unwrap();
    assert!(
        copy.ends_with("02_peak_40users/locust_stats_history.csv"),
        "{copy}"
    );
    let why = skipped[0]["reason"].as_str().unwrap();
    assert!(why.contains("byte-identical copy of"), "{why}");
    assert!(
        why.contains("01_base_20users/locust_stats_history.csv"),
        "{why}"
    );
    assert_eq!(report["data_quality"], "incomplete");
    let warnings = serde_json::to_string(&report["warnings"]).unwrap();
    assert!(
        warnings.contains("02_peak_40users/locust_stats_history.csv"),
        "{warnings}"
    );
}

#[test]
fn the_users_a_stages_data_records_win_over_its_dir_name_unless_per_generator_with_a_warning() {
    use crate::stage_dirs::{history, T0};
    let dir = TestDir::new();
    // Two Locust runs 100 s apart, both at 20 users; the second dir says 40.
    let users = [0, 20, 20, 20, 20, 20, 20];
    dir.write(
        "runs/01_base_20users/locust_stats_history.csv",
        history(T0, &users),
    );
    let peak = history(T0 + 100, &users);
    dir.write("runs/02_peak_40users/locust_stats_history.csv", peak);
    // Rows with a users column: 50 in a dir that says 100 (one of several generators
    // may record only its share: the name stands, with a warning), 60 in a dir that
    // says 10 (more than the name: the data's); rows without one keep the dir's number.
    let users_rows = |t0: u64, users: u32| {
        let mut csv = String::from("timestamp_ms,latency_ms,endpoint,success,users\n");
        for i in 0..100u64 {
            csv.push_str(&format!("{},10,/a,true,{users}\n", t0 * 1000 + i * 10));
        }
        csv
    };
    dir.write(
        "runs/03_stress_100users/requests.csv",
        users_rows(T0 + 200, 50),
    );
    dir.write(
        "runs/04_soak_30users/requests.csv",
        rows((T0 + 300) * 1000, 100, 1000),
    );
    dir.write(
        "runs/05_spike_10users/requests.csv",
        users_rows(T0 + 400, 60),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage(&report, "base")["users"], 20);
    assert_eq!(stage(&report, "peak")["users"], 20, "{stderr}");
    assert_eq!(stage(&report, "stress")["users"], 100);
    assert_eq!(stage(&report, "soak")["users"], 30);
    assert_eq!(stage(&report, "spike")["users"], 60);
    let warnings = serde_json::to_string(&report["warnings"]).unwrap();
    assert!(
        warnings.contains("the dir's name says 40 users, but its locust data records 20"),
        "{warnings}"
    );
    assert!(
        warnings.contains(
            "the dir's name says 100 users, and its generic-csv data records at most 50 at once"
        ),
        "{warnings}"
    );
    assert!(
        warnings.contains("the dir's name says 10 users, but its generic-csv data records 60"),
        "{warnings}"
    );
    assert!(!warnings.contains("says 20 users"), "{warnings}");
    assert!(!warnings.contains("says 30 users"), "{warnings}");
}

#[test]
fn one_stage_measured_by_two_tools_in_dirs_of_their_own_is_still_arbitrated() {
    // Generators side by side: gen1 by wrk, gen2 rows, both `peak` at 50 users. One
    // stage, led by the rows (every request's latency), wrk listed beside them.
    let dir = TestDir::new();
    dir.write("runs/gen1/peak_50users/console.log", WRK);
    dir.write(
        "runs/gen2/peak_50users/requests.csv",
        rows(T0_MS, 1300, 100),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["primary_source"], "generic-csv", "{stderr}");
    assert_eq!(stage_names(&report), ["peak"]);
    assert_eq!(report["sources"].as_array().unwrap().len(), 2);
}

#[test]
fn one_run_toml_copied_into_every_stage_dir_is_not_a_copied_stage() {
    let dir = TestDir::new();
    let manifest = "label = \"release 2.4\"\n";
    dir.write("runs/01_base_10users/run.toml", manifest);
    dir.write("runs/01_base_10users/requests.csv", rows(T0_MS, 100, 1000));
    dir.write("runs/02_peak_20users/run.toml", manifest);
    dir.write(
        "runs/02_peak_20users/requests.csv",
        rows(T0_MS + 100_000, 200, 1000),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage_names(&report), ["base", "peak"]);
    assert_eq!(stage(&report, "peak")["requests"], 200);
    assert_eq!(report["data_quality"], "clean", "{stderr}");
    assert!(
        !report["skipped"].to_string().contains("run.toml"),
        "{stderr}"
    );
}
