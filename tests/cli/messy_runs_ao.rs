//! Messy runs, batch "ao" (qa46): one stage name the data gave to the stage dirs of
//! two run dirs checked together, and JMeter's XML JTL of "Generate parent sample"
//! Transaction Controllers beside the console and `jmeter.log` of its run.

use std::path::Path;

use serde_json::Value;

use super::common::{headroom, TestDir};

/// A generic request CSV of `n` requests to `GET /api/x`, one every 60 ms from
/// `start_ms`, the i-th taking `latency(i)` ms, all 200s (no users column).
fn requests(start_ms: i64, n: i64, latency: impl Fn(i64) -> i64) -> String {
    let mut out = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..n {
        out += &format!("{},/api/x,GET,{},200\n", start_ms + i * 60, latency(i));
    }
    out
}

/// Runs `check A B --sla SLA --json`; returns the exit code, the outcome and stderr.
fn check_two(a: &Path, b: &Path, sla: &Path) -> (i32, Value, String) {
    let o = headroom(&[
        "check",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json, stderr)
}

/// The evaluations of `rule` for `stage`.
fn evals<'a>(outcome: &'a Value, rule: &str, stage: &str) -> Vec<&'a Value> {
    outcome["sla"]["rules"]
        .as_array()
        .expect("sla.rules")
        .iter()
        .filter(|e| e["rule"] == rule && e["stage"] == stage)
        .collect()
}

/// Two run dirs, each with a `peak/` stage dir of requests without users: run-a's
/// 20–29 ms, run-b's 300–309 ms. headroom names them `peak` and `peak_2` apart. An SLA
/// with `verdict_stages = ["peak"]` (the name both dirs have) and p(95) < 100ms judged
/// only the first: the second's miss was non-gating and `check` said GO, exit 0. Now
/// `peak` names both, each judged and deciding: NO-GO, exit 1, a note saying so.
#[test]
fn a_verdict_stage_named_as_two_run_dirs_name_it_judges_both() {
    let dir = TestDir::new();
    let start = 1_764_950_400_000i64;
    dir.write(
        "run-a/peak/requests.csv",
        requests(start, 1000, |i| 20 + i % 10),
    );
    dir.write(
        "run-b/peak/requests.csv",
        requests(start + 600_000, 1000, |i| 300 + i % 10),
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"p(95) < 100ms\"]\n",
    );
    let (a, b) = (dir.path().join("run-a"), dir.path().join("run-b"));
    let (code, out, stderr) = check_two(&a, &b, &sla);
    assert_eq!(code, 1, "{stderr}\n{out:#}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
    let second = evals(&out, "p(95) < 100ms", "peak_2");
    assert_eq!(second.len(), 1, "{out:#}");
    assert_eq!(second[0]["status"], "fail", "{out:#}");
    assert_eq!(second[0]["decides_verdict"], true, "{:#}", second[0]);
    // 300..309 ms, within the latency histogram's 3 significant digits.
    let v = second[0]["value"].as_f64().unwrap();
    assert!((300.0..=310.0).contains(&v), "{:#}", second[0]);
    let first = evals(&out, "p(95) < 100ms", "peak");
    assert_eq!(first[0]["status"], "pass", "{out:#}");
    assert_eq!(first[0]["decides_verdict"], true, "{:#}", first[0]);
    let text = out.to_string();
    assert!(text.contains("each is judged"), "{out:#}");
}

/// The same two run dirs with the rule in a `[stage.peak]` section: its rules were
/// judged on the first `peak` alone (GO, exit 0). Now on both: `peak_2` fails, NO-GO.
#[test]
fn a_stage_section_named_as_two_run_dirs_name_it_judges_both() {
    let dir = TestDir::new();
    let start = 1_764_950_400_000i64;
    dir.write(
        "run-a/peak/requests.csv",
        requests(start, 1000, |i| 20 + i % 10),
    );
    dir.write(
        "run-b/peak/requests.csv",
        requests(start + 600_000, 1000, |i| 300 + i % 10),
    );
    let sla = dir.write("sla.toml", "[stage.peak]\nrules = [\"p(95) < 100ms\"]\n");
    let (a, b) = (dir.path().join("run-a"), dir.path().join("run-b"));
    let (code, out, stderr) = check_two(&a, &b, &sla);
    assert_eq!(code, 1, "{stderr}\n{out:#}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
    let second = evals(&out, "p(95) < 100ms", "peak_2");
    assert_eq!(second.len(), 1, "{out:#}");
    assert_eq!(second[0]["status"], "fail", "{out:#}");
    assert_eq!(evals(&out, "p(95) < 100ms", "peak")[0]["status"], "pass");
}
