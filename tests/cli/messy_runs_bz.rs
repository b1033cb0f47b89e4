//! Messy runs, batch "bz" (lead): a stage dir where two tools measured different
//! endpoints (`wrk` on `GET /api/v1/agents`, `ab -p` on `POST /api/v1/agents/run`),
//! as a team does that drives each endpoint with the tool it knows best.

use super::common::TestDir;
use super::messy_runs_bl::ab_text;
use serde_json::Value;

/// wrk 4.1's console of `wrk -t2 -c50 -d4s --latency URL` (as run against `headroom
/// target`): 6,033 requests, p90 47.16 ms, p99 69.18 ms, no p95.
const WRK: &str = "Running 4s test @ http://127.0.0.1:18420/api/v1/agents
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    33.15ms   10.82ms 121.77ms   75.58%
    Req/Sec   756.75     41.56     0.86k    67.50%
  Latency Distribution
     50%   30.92ms
     75%   38.07ms
     90%   47.16ms
     99%   69.18ms
  6033 requests in 4.01s, 1.14MB read
Requests/sec:   1505.55
Transfer/sec:    292.58KB
";

/// ab's console of 400 requests to `path`: 370 took 100 ms and 30 took 650 ms, so its
/// p95 (the 380th smallest) and p99 are 650 ms.
fn ab_of(path: &str) -> String {
    let ms: Vec<u64> = (0..400).map(|i| if i < 370 { 100 } else { 650 }).collect();
    let text = ab_text(&ms, 0, 7.0);
    let from = "Document Path:          /api/v1/agents\n";
    assert!(text.contains(from));
    text.replace(from, &format!("Document Path:          {path}\n"))
}

/// The evaluation of `p(95) < 200ms` on stage `load` when `02-load-50u/` holds wrk's
/// console and ab's of `ab_path`.
fn p95_on_load(ab_path: &str) -> Value {
    let dir = TestDir::new();
    dir.write("rel/02-load-50u/wrk.txt", WRK);
    dir.write("rel/02-load-50u/ab-run.txt", ab_of(ab_path));
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"load\"]\nrules = [\"p(95) < 200ms\"]\n",
    );
    let out = dir.path().join("out");
    let o = super::common::headroom(&[
        "analyze",
        dir.path().join("rel").to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    let report: Value = serde_json::from_slice(&o.stdout).expect("report.json on stdout");
    let rules = report["sla"]["rules"].as_array().expect("rules");
    (rules.iter())
        .find(|r| r["stage"] == "load" && r["rule"] == "p(95) < 200ms")
        .cloned()
        .expect("p(95) on load")
}

#[test]
fn another_tools_other_endpoint_never_answers_for_the_stage() {
    // ab measured POST /api/v1/agents/run, wrk GET /api/v1/agents: ab's p95 of 650 ms
    // is another endpoint's. wrk's own p(99) of 69.18 ms bounds its p(95) under 200 ms.
    let e = p95_on_load("/api/v1/agents/run");
    assert_eq!(e["status"], "pass", "{e}");
    assert_eq!(e["value"], Value::Null, "{e}");
    assert_eq!(e["value_display"], "≤ 69.2 ms", "{e}");
    let note = e["note"].as_str().unwrap_or("");
    assert!(!note.contains("ab"), "{note}");
}

#[test]
fn another_tool_on_the_same_url_still_decides_when_worse() {
    // The same URL measured by both tools: the worse measurement (ab's 650 ms) decides.
    let e = p95_on_load("/api/v1/agents");
    assert_eq!(e["status"], "fail", "{e}");
    assert_eq!(e["value"].as_f64(), Some(650.0), "{e}");
    assert!(
        e["note"].as_str().unwrap().contains("ab's measurement"),
        "{e}"
    );
}

#[test]
fn stage_dirs_numbered_as_stage_n_are_named_by_their_words() {
    // `Stage 2 - Peak` is stage `peak` (numbered 2), as `02-peak` is: an SLA naming
    // `peak` and `warmup` judges those dirs.
    let dir = TestDir::new();
    dir.write("rel/Stage 1 - Warm up/wrk.txt", WRK);
    // Another run's console (a byte-identical copy would be the same run).
    let peak = WRK
        .replace("6033 requests", "6100 requests")
        .replace("1505.55", "1521.20");
    dir.write("rel/Stage 2 - Peak/wrk.txt", peak);
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"p(99) < 100ms\"]\n\
         [stage.warmup]\nrules = [\"error_rate < 5%\"]\n",
    );
    let o = super::common::headroom(&[
        "check",
        dir.path().join("rel").to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let out: Value = serde_json::from_slice(&o.stdout).expect("check --json");
    let rules = out["sla"]["rules"].as_array().expect("rules");
    let judged = |stage: &str, rule: &str| {
        (rules.iter()).any(|r| r["stage"] == stage && r["rule"] == rule && r["status"] == "pass")
    };
    // wrk's p99 is 69.18 ms in both dirs; no request failed.
    assert!(judged("peak", "p(99) < 100ms"), "{out}");
    assert!(judged("warm_up", "error_rate < 5%"), "{out}");
    assert_eq!(
        out["sla"]["verdict_stages"],
        serde_json::json!(["peak"]),
        "{out}"
    );
}

#[test]
fn a_stage_endpoint_rule_beside_a_file_named_endpoint_is_told_in_its_stages_section() {
    // hey's console names no URL (its endpoint is `hey`): a stage-scoped endpoint
    // section lacks the data, and the warning writes the stage's own section, the way
    // the SLA must be written to judge hey's requests.
    let dir = TestDir::new();
    dir.write("rel/01-load/hey.txt", super::messy_runs::hey_text(200, 0));
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"load\"]\n\
         [stage.load.endpoint.\"GET /api/v1/agents\"]\nrules = [\"p(95) < 500ms\"]\n",
    );
    let o = super::common::headroom(&[
        "check",
        dir.path().join("rel").to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("[stage.load.endpoint.\"GET /api/v1/agents\"] names no endpoint"),
        "{stderr}"
    );
    assert!(
        stderr.contains("write its rules under [stage.load], or name the endpoint as the data does: [stage.load.endpoint.\"hey\"]"),
        "{stderr}"
    );
    // Printed once: as the SLA is read, not again among the notes.
    let stdout = String::from_utf8_lossy(&o.stdout);
    let said = format!("{stdout}{stderr}");
    assert_eq!(said.matches("names no endpoint").count(), 1, "{said}");
}
