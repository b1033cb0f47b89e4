//! Messy runs, batch "o" (qa21): SLA files as users write them — stage names that are
//! not the data's (`verdict_stages = ["02"]` for a dir `02_peak-load/`), limits in
//! other units (`6000/min`, `1k/s`, a bare `1` for an error rate, `p(0.95)`) — and
//! figures a tool prints coarsely (siege's seconds to two decimals) judged against a
//! limit finer than the tool's step. Fixtures are shaped after real runs of wrk,
//! siege and ab against `headroom target` on loopback.

use serde_json::Value;

use super::common::{headroom, TestDir};

/// wrk's `--latency` console for `n` requests in 2.00 s at 8 connections, with the
/// given latency distribution (`p50`, `p75`, `p90`, `p99`, as wrk prints them).
fn wrk(n: u64, pcts: [&str; 4]) -> String {
    let [p50, p75, p90, p99] = pcts;
    format!(
        "Running 2s test @ http://127.0.0.1:18721/api/v1/agents\n  2 threads and 8 connections\n  \
         Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency   {p50}    1.45ms  {p99}   95.29%\n    \
         Req/Sec    39.17k     4.91k   61.16k    87.50%\n  Latency Distribution\n     50%   {p50}\n     \
         75%   {p75}\n     90%   {p90}\n     99%   {p99}\n  {n} requests in 2.00s, 18.00MB read\n\
         Requests/sec:  {:.2}\nTransfer/sec:      9.00MB\n",
        n as f64 / 2.0
    )
}

/// Runs `check` on `run` against the SLA file `sla` (written into `dir`) with `extra`
/// flags; returns the exit code, the JSON outcome and stderr.
fn check(dir: &TestDir, run: &str, sla: &str, extra: &[&str]) -> (i32, Value, String) {
    let sla = dir.write("sla.toml", sla);
    let run = dir.path().join(run);
    let mut args = vec![
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = headroom(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json, stderr)
}

/// Two stage dirs, `01_smoke_2users/` and `02_peak-load/`, of wrk at 2 and 8
/// connections: p99 8.6 ms and 7.53 ms, far below any limit the tests set.
fn two_stages(dir: &TestDir) {
    dir.write(
        "run/01_smoke_2users/wrk.txt",
        wrk(112_000, ["52.00us", "70.00us", "110.00us", "8.60ms"]),
    );
    dir.write(
        "run/02_peak-load/wrk.txt",
        wrk(156_003, ["86.00us", "118.00us", "184.00us", "7.53ms"]),
    );
}

/// `verdict_stages = ["02"]` — the dir's ordering number, which the stage's name
/// (`peak_load`) has dropped — names no stage in the data. Every stage then decides,
/// and every rule passed there, so the verdict was "GO over all stages": a GO on
/// stages the SLA did not choose. Now the verdict is CONDITIONAL, its sentence names
/// the stages the data has, and `--strict` fails.
#[test]
fn verdict_stages_naming_none_of_the_data_s_stages_is_no_go() {
    let dir = TestDir::new();
    two_stages(&dir);
    let sla = "[global]\nverdict_stages = [\"02\"]\nrules = [\"p(99) < 500ms\"]\n";
    let (code, out, stderr) = check(&dir, "run", sla, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("verdict_stages entry \"02\" names no stage in the data (stages: smoke, peak_load)"),
        "{stderr}"
    );
    // Both stages pass: 8.6 ms and 7.53 ms < 500 ms.
    let passes = out["sla"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["decides_verdict"] == true && r["status"] == "pass")
        .count();
    assert_eq!(passes, 2, "{out}");
    assert_eq!(out["verdict"], "CONDITIONAL", "{out}");
    assert_eq!(out["sla"]["verdict_fallback"], true);
    let headline = out["sla"]["headline"].as_str().unwrap();
    assert!(
        headline.starts_with("CONDITIONAL over all stages")
            && headline.contains("`smoke`, `peak_load`"),
        "{headline}"
    );
    let (code, out, _) = check(&dir, "run", sla, &["--strict"]);
    assert_eq!(code, 1, "{out}");

    // One file of one stage: that stage decides, and still no GO.
    let (code, out, stderr) = check(&dir, "run/02_peak-load/wrk.txt", sla, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "CONDITIONAL", "{out}");
    assert!(
        out["sla"]["headline"]
            .as_str()
            .unwrap()
            .contains("whose stages are `peak_load`"),
        "{out}"
    );
}
