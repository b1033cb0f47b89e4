//! Judgements on messy real run dirs (QA round 7): whole releases as teams keep them
//! (stage dirs of wrk, ab and hey outputs beside their console logs), compared with
//! each other, with repeats, and read back from an export.

use std::path::Path;

use serde_json::Value;

use crate::common::{analyze_json, export_csv, headroom, TestDir};
use crate::formats_c::{ab_text, ab_tsv_from};
use crate::messy_runs::hey_text;

/// wrk's `--latency` console at `conns` connections: `n` requests in 10 s; the same
/// latencies at any rate, times `slow` (a mean within Little's law up to 1,100 ÷
/// `slow` req/s).
pub fn wrk_text(conns: u32, n: u64, slow: f64) -> String {
    let rps = n as f64 / 10.0;
    let r = f64::from(conns) * 1000.0 / 1100.0 * slow;
    format!(
        "Running 10s test @ http://127.0.0.1:18080/item
  2 threads and {conns} connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    {r:.2}ms    1.00ms  {:.2}ms   80.00%
    Req/Sec   100.00     5.00   110.00     90.00%
  Latency Distribution
     50%   {r:.2}ms
     75%   {:.2}ms
     90%   {:.2}ms
     99%   {:.2}ms
  {n} requests in 10.00s, 97.00KB read
Requests/sec:    {rps:.2}
Transfer/sec:      9.70KB
",
        3.0 * r,
        1.1 * r,
        1.2 * r,
        1.5 * r
    )
}

/// A release as stage dirs `01_step_4users/` … of wrk consoles at 4, 16, 64 and 256
/// connections making `rps[i]` requests/s each (plus a README and a screenshot, as
/// teams keep them).
fn wrk_release(dir: &TestDir, name: &str, rps: [u64; 4]) -> std::path::PathBuf {
    wrk_release_at(dir, name, rps, 1.0)
}

/// [`wrk_release`] with latencies `slow` times as long.
fn wrk_release_at(dir: &TestDir, name: &str, rps: [u64; 4], slow: f64) -> std::path::PathBuf {
    for (i, (users, x)) in [4, 16, 64, 256].into_iter().zip(rps).enumerate() {
        let stage = format!("{name}/{:02}_step_{users}users/console.log", i + 1);
        dir.write(&stage, wrk_text(users, x * 10, slow));
    }
    dir.write(
        &format!("{name}/README.md"),
        "# release run\nwrk, 4 steps\n",
    );
    dir.write(
        &format!("{name}/grafana.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    );
    dir.path().join(name)
}

/// Runs `compare BASE CAND --format json --fail-on-regression` and returns (exit code,
/// compare.json).
fn compare_json(dir: &TestDir, runs: &[&Path], extra: &[&str]) -> (i32, Value) {
    let out = dir.path().join("cmp");
    let mut args: Vec<String> = vec!["compare".into()];
    args.extend(runs.iter().map(|p| p.display().to_string()));
    args.extend(extra.iter().map(|s| s.to_string()));
    for a in [
        "--format",
        "json",
        "--force",
        "--fail-on-regression",
        "--out",
    ] {
        args.push(a.into());
    }
    args.push(out.display().to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = headroom(&refs);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json)
}

/// compare.json's row of a run-level `metric`.
fn run_row<'a>(cmp: &'a Value, metric: &str) -> &'a Value {
    let rows = cmp["comparisons"].as_array().expect("comparisons");
    rows.iter()
        .find(|c| c["metric"] == metric && c["endpoint"] == "(run)")
        .unwrap_or_else(|| panic!("no {metric} row in {cmp}"))
}

#[test]
fn a_runs_capacity_figures_never_regress_on_the_noise_between_two_runs() {
    let dir = TestDir::new();
    // The same release twice: plateaus 1,000–1,040 req/s (C = 1,000) and 930–1,010
    // req/s (C = 940): −6 %, past the 5 % floor, but the two ranges overlap.
    let a = wrk_release(&dir, "a", [400, 1000, 1040, 1000]);
    let b = wrk_release(&dir, "b", [380, 930, 1010, 940]);
    let (code, cmp) = compare_json(&dir, &[&a, &b], &[]);
    let sat = run_row(&cmp, "saturation_rps");
    assert_eq!(sat["baseline"], 1000.0, "{cmp}");
    assert_eq!(sat["candidate"], 940.0, "{cmp}");
    assert_eq!(sat["verdict"], "inconclusive", "{cmp}");
    // Δ's range from the plateau ranges: 930 − 1,040 … 1,010 − 1,000.
    assert_eq!(sat["ci"], serde_json::json!([-110.0, 10.0]), "{cmp}");
    for metric in ["sla_headroom_rps", "usl_peak_users"] {
        let rows = cmp["comparisons"].as_array().unwrap();
        for r in rows.iter().filter(|c| c["metric"] == metric) {
            assert_eq!(r["verdict"], "inconclusive", "{metric}: {r}");
        }
    }
    assert_eq!(cmp["counts"]["regressed"], 0, "{cmp}");
    assert_eq!(code, 0, "{cmp}");

    // A real loss of capacity: plateaus 600–640 req/s against 1,000–1,040.
    let c = wrk_release(&dir, "c", [280, 600, 640, 610]);
    let (code, cmp) = compare_json(&dir, &[&a, &c], &[]);
    let sat = run_row(&cmp, "saturation_rps");
    assert_eq!(sat["verdict"], "regressed", "{cmp}");
    assert_eq!(sat["ci"], serde_json::json!([-440.0, -360.0]), "{cmp}");
    assert_eq!(code, 1, "{cmp}");
}

#[test]
fn three_repeats_a_side_say_they_cannot_show_a_change_not_no_regression() {
    let dir = TestDir::new();
    // Every candidate run is 45 % slower and a third less productive in every stage
    // than every baseline run: the clearest change repeats can hold.
    let base: Vec<_> = (0..4)
        .map(|i| {
            wrk_release(
                &dir,
                &format!("a{i}"),
                [400 + i, 1000 + i, 1040 + i, 1000 + i],
            )
        })
        .collect();
    let cand: Vec<_> = (0..4)
        .map(|i| {
            let rps = [280 + i, 600 + i, 640 + i, 610 + i];
            wrk_release_at(&dir, &format!("b{i}"), rps, 1.45)
        })
        .collect();
    let side = |runs: &[std::path::PathBuf], n: usize| -> Vec<String> {
        runs[..n].iter().map(|p| p.display().to_string()).collect()
    };
    let run = |n: usize| {
        let mut args = vec!["--baseline".to_string()];
        args.extend(side(&base, n));
        args.push("--candidate".into());
        args.extend(side(&cand, n));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        compare_json(&dir, &[], &refs)
    };
    // 3 a side: Mann–Whitney's smallest two-sided p is 2 / C(6, 3) = 0.10.
    let (code, cmp) = run(3);
    assert_eq!(cmp["mode"], "repeats", "{cmp}");
    assert_eq!(cmp["counts"]["regressed"], 0, "{cmp}");
    let line = cmp["verdict_line"].as_str().unwrap_or_default();
    assert!(line.starts_with("INCONCLUSIVE"), "{line}");
    let notes = cmp["notes"].to_string();
    assert!(
        notes.contains("with 3 and 3 runs a side no change can be significant")
            && notes.contains("0.10")
            && notes.contains("at least 4 a side"),
        "{notes}"
    );
    assert_eq!(code, 0, "{cmp}");
    // 4 a side: 2 / C(8, 4) = 0.029 — the same change regresses.
    let (code, cmp) = run(4);
    let line = cmp["verdict_line"].as_str().unwrap_or_default();
    assert!(line.starts_with("REGRESSED"), "{line}");
    assert!(!cmp["notes"]
        .to_string()
        .contains("no change can be significant"));
    assert_eq!(code, 1, "{cmp}");
}

#[test]
fn several_ab_runs_with_their_g_files_in_one_dir_keep_each_runs_failures() {
    let dir = TestDir::new();
    // `ab -c 10 -n 200 -g ab-c10.tsv > ab-c10.console.log`, then the same at 40
    // users, where 380 of 400 answers were non-2xx (the TSVs record no outcome).
    let busy = ab_text(400, [0, 0, 380, 0], 380)
        .replace("Concurrency Level:      10", "Concurrency Level:      40");
    dir.write("flat/ab-c10.console.log", ab_text(200, [0; 4], 0));
    dir.write("flat/ab-c10.tsv", ab_tsv_from(1_796_278_600, &[20; 200]));
    dir.write("flat/ab-c40.console.log", busy);
    dir.write("flat/ab-c40.tsv", ab_tsv_from(1_796_278_700, &[2; 400]));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("flat")], &[]);
    let stages: Vec<(u64, u64, u64)> = (report["stages"].as_array().expect("stages").iter())
        .map(|s| {
            let n = |k: &str| s[k].as_u64().unwrap_or(0);
            (n("users"), n("requests"), n("failures"))
        })
        .collect();
    assert_eq!(stages, [(10, 200, 0), (40, 400, 380)], "{stderr}");
    assert_eq!(report["overall"]["failures"], 380, "{report}");
    // Both -g files are the texts' runs, checked on their rows: the data is whole.
    assert_eq!(report["data_quality"], "clean", "{report}");
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("both count 200 requests (checked)")
            && skipped.contains("both count 400 requests (checked)"),
        "{skipped}"
    );
}

#[test]
fn an_ab_runs_export_reads_back_at_the_rate_ab_measured() {
    let dir = TestDir::new();
    // ab: 200 complete requests in 10.000 s (20 req/s); its -g file's whole-second
    // times span only 3 s of them.
    dir.write("run/ab.txt", ab_text(200, [0; 4], 0));
    dir.write("run/ab.tsv", ab_tsv_from(1_796_278_600, &[20; 200]));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let rate = report["stages"][0]["throughput_rps"].as_f64();
    assert_eq!(rate, Some(20.0), "{stderr}");
    let out = dir.path().join("export");
    let run = dir.path().join("run");
    export_csv(&run, &out);
    let (_, back, stderr) = analyze_json(&[&out], &[]);
    let stage = &back["stages"][0];
    assert_eq!(stage["requests"], 200, "{stderr}");
    let rate = stage["throughput_rps"].as_f64().unwrap_or(0.0);
    assert!(
        (rate - 20.0).abs() < 1e-6,
        "read back at {rate} req/s: {back}"
    );
    assert_ne!(back["data_quality"], "inconsistent", "{back}");
}

/// hey's `-o csv` of `n` answers (200, 20 ms) spread over 2 s from `first_s`, times
/// from the test's start as hey writes them.
fn hey_csv(n: u64, first_s: f64) -> String {
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..n {
        let offset = first_s + 2.0 * i as f64 / n as f64;
        csv.push_str(&format!(
            "0.0200,0.0001,0.0000,0.0000,0.0199,0.0000,200,{offset:.4}\n"
        ));
    }
    csv
}

#[test]
fn stage_dirs_of_hey_csvs_keep_their_order_and_their_runs_add_up() {
    let dir = TestDir::new();
    // Three runs one after another, each hey CSV timed from its own start (its first
    // answer 30, 10 and 20 ms in): no clock orders them, the dirs' numbers do.
    dir.write("run/01_ramp_5users/results.csv", hey_csv(100, 0.030));
    dir.write("run/02_ramp_20users/results.csv", hey_csv(400, 0.010));
    dir.write("run/03_ramp_60users/results.csv", hey_csv(600, 0.020));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let stages = report["stages"].as_array().expect("stages");
    let names: Vec<&str> = stages.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(
        names,
        ["ramp_5users", "ramp_20users", "ramp_60users"],
        "{stderr}"
    );
    // Overall: 1,100 requests over the three runs' lengths added (about 6 s), not
    // over the 2 s they share from 1970-01-01.
    let lengths: f64 = stages.iter().filter_map(|s| s["duration_s"].as_f64()).sum();
    assert!(lengths > 5.9 && lengths < 6.1, "{lengths}: {report}");
    let overall = report["overall"]["throughput_rps"].as_f64().unwrap_or(0.0);
    assert!(
        (overall - 1100.0 / lengths).abs() < 1e-6,
        "{overall}: {report}"
    );
}

#[test]
fn the_default_limits_name_the_latency_they_watch_when_the_tool_prints_no_p95() {
    let dir = TestDir::new();
    // wrk prints p50/p75/p90/p99 but no p95: the default latency limit watches the mean.
    let run = wrk_release(&dir, "a", [400, 1000, 1040, 1000]);
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    let statement = report["capacity"]["sla_headroom"]["statement"]
        .as_str()
        .unwrap_or_default();
    assert!(
        statement.starts_with("The default limits (mean latency within 2× its low-load value"),
        "{statement} {stderr}"
    );
    assert!(!statement.contains("p95"), "{statement}");
}

#[test]
fn a_stage_measured_by_another_tool_in_each_release_decides_nothing() {
    let dir = TestDir::new();
    // The same stage at 10 users: wrk in the baseline (p50 4.5 ms), hey in the
    // candidate (p50 10.8 ms, 20,000 answers): the tools differ, not the release.
    dir.write("a/01_load_10users/console.log", wrk_text(10, 20_000, 0.5));
    dir.write("b/01_load_10users/console.log", hey_text(20_000, 0));
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let (code, cmp) = compare_json(&dir, &[&a, &b], &[]);
    let rows = cmp["comparisons"].as_array().expect("comparisons");
    let stage_rows: Vec<&Value> = rows.iter().filter(|c| c["stage"] == "load").collect();
    assert!(!stage_rows.is_empty(), "{cmp}");
    for r in stage_rows {
        assert_eq!(r["verdict"], "inconclusive", "{r}");
    }
    let notes = cmp["notes"].to_string();
    assert!(
        notes.contains("was measured by `wrk` in the baseline and by `hey` in the candidate"),
        "{notes}"
    );
    assert_eq!(code, 0, "{cmp}");
}

#[test]
fn a_manifests_stage_names_go_to_the_ab_runs_at_their_users() {
    // The same two ab runs with a hand-written run.toml naming the stages at 10 and
    // 40 users: each console summary is the manifest's stage at its users, so an SLA
    // naming `Normal` judges the 10-user run.
    let dir = TestDir::new();
    let busy = ab_text(400, [0, 0, 380, 0], 380)
        .replace("Concurrency Level:      10", "Concurrency Level:      40");
    dir.write("flat/ab-c10.console.log", ab_text(200, [0; 4], 0));
    dir.write("flat/ab-c40.console.log", busy);
    dir.write(
        "flat/run.toml",
        "[[stage]]\nname = \"normal\"\nusers = 10\n\n[[stage]]\nname = \"heavy\"\nusers = 40\n",
    );
    let (_, report, stderr) = analyze_json(&[&dir.path().join("flat")], &[]);
    let names: Vec<&str> = (report["stages"].as_array().expect("stages").iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["normal", "heavy"], "{stderr}");
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"Normal\"]\nrules = [\"error_rate < 1%\"]\n",
    );
    let (code, report, _) = analyze_json(
        &[&dir.path().join("flat")],
        &["--sla", sla.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    assert_eq!(
        report["sla"]["verdict_stages"],
        serde_json::json!(["normal"])
    );
}

/// A minimal report.json of four stages at 10–80 users, measured by `tool`, whose
/// saturation plateau is `sat` req/s within `range`.
fn capacity_report(label: &str, tool: &str, sat: f64, range: [f64; 2]) -> String {
    let stages: Vec<Value> = [(10, 100.0), (20, 200.0), (40, sat * 0.98), (80, sat)]
        .iter()
        .map(|(u, g)| {
            serde_json::json!({"name": format!("{u}_users"), "users": u, "endpoints": [{
                "key": "GET /a", "requests": 3000, "failures": 0, "throughput_rps": g,
                "goodput_rps": g, "error_rate": 0.0,
                "latency_ms": {"mean": 20.0, "p50": 20.0, "p90": 30.0, "p95": 40.0, "p99": 60.0}
            }]})
        })
        .collect();
    serde_json::json!({"schema_version": 1, "run": {"label": label}, "primary_source": tool,
        "stages": stages,
        "capacity": {"saturation": {"throughput_rps": sat, "throughput_interval_rps": range}}})
    .to_string()
}

#[test]
fn a_release_measured_by_another_tool_decides_nothing_through_its_capacity_either() {
    // wrk saturates at 1,000 req/s, hey at 600: the tools differ in every stage, so
    // the run's capacity (−40 %) is the tools' difference too.
    let dir = TestDir::new();
    let a = dir.write(
        "a/report.json",
        capacity_report("1.0", "wrk", 1000.0, [990.0, 1010.0]),
    );
    let b = dir.write(
        "b/report.json",
        capacity_report("1.1", "hey", 600.0, [590.0, 610.0]),
    );
    let (code, cmp) = compare_json(&dir, &[&a, &b], &[]);
    let rows = cmp["comparisons"].as_array().expect("comparisons");
    let sat = (rows.iter())
        .find(|r| r["metric"] == "saturation_rps")
        .unwrap_or_else(|| panic!("{cmp}"));
    assert_eq!(sat["verdict"], "inconclusive", "{sat}");
    assert_eq!(code, 0, "{cmp}");
    // Its interval is the plateaus' range: [590 − 1010, 610 − 990], said to be no CI.
    assert_eq!(sat["ci"], serde_json::json!([-420.0, -380.0]), "{sat}");
    let notes = cmp["notes"].to_string();
    assert!(notes.contains("not a 95% confidence interval"), "{notes}");
}
