//! `drive` runs saved one per stage dir (`c10/`, `c40/`) and `export` round trips of
//! them: the stages are named after their dirs, a CSV export carries every run's
//! interval log so that `analyze` of the export gives the run's figures, re-exporting
//! over an export `analyze` wrote its report into works, and the stages table carries
//! the latency sd a tool printed.

use std::path::Path;

use serde_json::Value;

use super::common::{analyze_json, drive_hlog_at, export_csv, headroom, TestDir, DRIVE_T0};

/// A `drive` run dir as `drive --users N` writes it (its scenario's one stage named
/// `main`, as the quick form and one-stage scenarios name it): `run.toml` and a
/// `latency.hlog` of `seconds` 1 s intervals from `t0` of one endpoint, `per_second`
/// requests each at `latency_us`, the whole run steady.
fn drive_dir(dir: &TestDir, name: &str, t0: u64, users: u32, load: (u64, u64, u64)) {
    let (seconds, per_second, latency_us) = load;
    let rfc = |s: u64| {
        humantime::format_rfc3339_millis(std::time::UNIX_EPOCH + std::time::Duration::from_secs(s))
            .to_string()
    };
    dir.write(
        &format!("{name}/run.toml"),
        format!(
            "label = \"checkout-api\"\nstarted = \"{}\"\nended = \"{}\"\ntool = \"headroom 0.1.0\"\n\
             complete = true\nrecorded_requests = {}\n\n[[stage]]\nname = \"main\"\nusers = {users}\n\
             start = \"{}\"\nsteady_start = \"{}\"\nend = \"{}\"\n",
            rfc(t0),
            rfc(t0 + seconds),
            seconds * per_second,
            rfc(t0),
            rfc(t0),
            rfc(t0 + seconds)
        ),
    );
    let log = drive_hlog_at(t0, seconds, per_second, latency_us);
    dir.write(&format!("{name}/latency.hlog"), log);
}

/// Two drive runs one after the other: `c10/` (5 s × 20 req/s at 2 ms) and `c40/`
/// (5 s × 50 req/s at 8 ms, 10 s later).
fn two_runs() -> TestDir {
    let dir = TestDir::new();
    drive_dir(&dir, "run/c10", DRIVE_T0, 10, (5, 20, 2000));
    drive_dir(&dir, "run/c40", DRIVE_T0 + 10, 40, (5, 50, 8000));
    dir
}

/// name → (users, requests, p50 ms) of each stage.
fn stages(report: &Value) -> Vec<(String, u64, u64, f64)> {
    (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["users"].as_u64().unwrap_or(0),
                s["requests"].as_u64().unwrap(),
                s["latency_ms"]["p50"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn drive_runs_in_stage_dirs_are_named_after_their_dirs() {
    let dir = two_runs();
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    // Each run.toml says `main`; the dirs tell the stages apart.
    let names: Vec<String> = stages(&report).into_iter().map(|s| s.0).collect();
    assert_eq!(names, ["c10", "c40"]);
}

#[test]
fn a_csv_export_of_drive_runs_in_stage_dirs_reads_back_to_their_figures() {
    let dir = two_runs();
    let run = dir.path().join("run");
    let out = dir.path().join("exp");
    let stderr = export_csv(&run, &out);
    assert!(!stderr.contains("not carried"), "{stderr}");
    let (code, back, stderr) = analyze_json(&[&out], &[]);
    assert_eq!(code, 0, "{stderr}");
    // 5 s × 20 = 100 requests at 2 ms, 5 s × 50 = 250 at 8 ms: what the logs hold.
    let expected = [("c10", 10, 100, 2.0), ("c40", 40, 250, 8.0)];
    let got = stages(&back);
    assert_eq!(got.len(), 2, "{got:?}");
    for (g, e) in got.iter().zip(expected) {
        assert_eq!((g.0.as_str(), g.1, g.2), (e.0, e.1, e.2), "{got:?}");
        assert!((g.3 - e.3).abs() < e.3 * 0.001, "{got:?}");
    }
    assert_eq!(back["overall"]["requests"], 350);
}

#[test]
fn re_exporting_over_an_export_with_its_report_replaces_both() {
    let dir = two_runs();
    let run = dir.path().join("run");
    let out = dir.path().join("exp");
    export_csv(&run, &out);
    // `analyze EXPORT` writes EXPORT/report/.
    let o = headroom(&["analyze", out.to_str().unwrap()]);
    assert!(out.join("report/report.json").is_file(), "{o:?}");
    let stderr = export_csv(&run, &out);
    assert!(stderr.contains("removes report/"), "{stderr}");
    assert!(!out.join("report").exists());
    assert!(out.join("stages.csv").is_file());
    // A file of the user's in that report: refused, and nothing is lost.
    headroom(&["analyze", out.to_str().unwrap()]);
    std::fs::write(out.join("report/mine.txt"), "notes").unwrap();
    let o = headroom(&[
        "export",
        run.to_str().unwrap(),
        "--to",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(out.join("report/mine.txt").is_file());
    // The refusal names the user's file, not the report dir around it.
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("report/mine.txt"), "{stderr}");
}

/// What `wrk -t1 -c4 -d1s --latency http://127.0.0.1:18470/health` printed against
/// `headroom target` on this machine.
const WRK: &str = "Running 1s test @ http://127.0.0.1:18470/health
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   390.22us    0.94ms   5.25ms   88.11%
    Req/Sec    93.07k    31.46k  130.00k    50.00%
  Latency Distribution
     50%   26.00us
     75%   30.00us
     90%    1.71ms
     99%    4.21ms
  92705 requests in 1.00s, 10.87MB read
Requests/sec:  92465.15
Transfer/sec:     10.85MB
";

/// The column `name` of a CSV's rows.
fn column(path: &Path, name: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let at = (r.headers().unwrap().iter())
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {}", path.display()));
    (r.records())
        .map(|rec| rec.unwrap()[at].to_string())
        .collect()
}

#[test]
fn the_stages_and_endpoints_tables_carry_the_sd_wrk_printed() {
    let dir = TestDir::new();
    dir.write(
        "run/c4/wrk.txt",
        format!("$ wrk -t1 -c4 -d1s --latency http://127.0.0.1:18470/health\n{WRK}"),
    );
    let out = dir.path().join("exp");
    export_csv(&dir.path().join("run"), &out);
    // wrk's Stdev 0.94ms.
    assert_eq!(column(&out.join("stages.csv"), "latency_sd_ms"), ["0.94"]);
    assert_eq!(
        column(&out.join("endpoints.csv"), "latency_sd_ms"),
        ["0.94"]
    );
    // An exact distribution has none.
    let dir = two_runs();
    let out = dir.path().join("exp");
    export_csv(&dir.path().join("run"), &out);
    assert_eq!(column(&out.join("stages.csv"), "latency_sd_ms"), ["", ""]);
}
