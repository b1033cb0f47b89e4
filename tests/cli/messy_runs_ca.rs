//! Messy runs, batch "ca" (qa78): several tools' consoles in one stage dir (wrk on
//! `GET /api/v1/agents`, `ab -p` on `POST /api/v1/agents/run`, hey's smoke check in a
//! stage of its own), each SLA rule judged on the figures of the tool that measured
//! what it names, and its note saying whose and at what load each tool ran.

use super::common::{analyze_json, headroom, TestDir};
use super::messy_runs_bl::ab_text;
use serde_json::Value;

/// wrk 4.1's console of `wrk -t2 -c50 -d3s --latency URL` against `headroom target`:
/// 4,521 requests, p99 72.30 ms, no p95; 50 connections.
const WRK: &str = "Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    33.20ms   11.02ms 118.40ms   74.90%
    Req/Sec   756.10     40.12     0.85k    68.00%
  Latency Distribution
     50%   30.95ms
     75%   38.20ms
     90%   47.40ms
     99%   72.30ms
  4521 requests in 3.01s, 0.86MB read
Requests/sec:   1504.02
Transfer/sec:    292.28KB
";

/// ab's console of `ab -p body.json -c 20 -n 400 URL/api/v1/agents/run`: 370 requests
/// took 250 ms and 30 took 650 ms, so its p95 (the 380th smallest) is 650 ms; mean
/// 280 ms, and 20 at once over 280 ms each is 71.43 req/s, 5.6 s for 400.
/// `ab_post_of(400)`; `ab_post_of(n)` is the same run of `-n n`: 37 in 40 at 250 ms,
/// the rest at 650 ms, n × 14 ms in all.
fn ab_post() -> String {
    ab_post_of(400)
}

/// ab's console of `ab -p body.json -c 20 -n N URL/api/v1/agents/run` ([`ab_post`]).
pub(crate) fn ab_post_of(n: usize) -> String {
    let ms: Vec<u64> = (0..n)
        .map(|i| if i < n / 40 * 37 { 250 } else { 650 })
        .collect();
    let text = ab_text(&ms, 0, n as f64 * 0.014);
    let swaps = [
        (
            "Document Path:          /api/v1/agents\n",
            "Document Path:          /api/v1/agents/run\n",
        ),
        (
            "Concurrency Level:      4\n",
            "Concurrency Level:      20\n",
        ),
        (
            "Time per request:       56.000 [ms] (mean)\n",
            "Time per request:       280.000 [ms] (mean)\n",
        ),
    ];
    swaps.iter().fold(text, |text, (from, to)| {
        assert!(text.contains(from), "{from}");
        text.replace(from, to)
    })
}

/// A run dir as the team left it: hey's smoke check, then wrk and ab in `02-load-50u`,
/// each console kept beside the others.
fn run_dir(dir: &TestDir) -> std::path::PathBuf {
    dir.write("rel/01-smoke/hey.txt", super::messy_runs::hey_text(200, 0));
    dir.write("rel/02-load-50u/wrk-get.txt", WRK);
    dir.write("rel/02-load-50u/ab-post.txt", ab_post());
    dir.path().join("rel")
}

/// The evaluation of `rule` on `stage` whose endpoint is `endpoint`.
fn evaluation<'a>(report: &'a Value, rule: &str, endpoint: &str) -> &'a Value {
    let rules = report["sla"]["rules"].as_array().expect("sla rules");
    (rules.iter())
        .find(|e| e["rule"] == rule && e["stage"] == "load" && e["endpoint"] == endpoint)
        .unwrap_or_else(|| panic!("no {rule} on load · {endpoint}: {rules:?}"))
}

#[test]
fn a_stage_endpoint_rule_is_judged_on_the_tool_that_measured_that_endpoint() {
    // The report shows wrk for `load` (4,521 requests against ab's 400); only ab
    // requested POST …/run there: its p95 of 650 ms judges the rule (it was
    // insufficient data, a CONDITIONAL whatever ab measured).
    let dir = TestDir::new();
    let run = run_dir(&dir);
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"load\"]\n\
         [stage.load.endpoint.\"POST /api/v1/agents/run\"]\n\
         rules = [\"p(95) < 500ms\", \"p(95) < 700ms\"]\n",
    );
    let (code, report, err) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["primary_source"], "hey + wrk", "{err}");
    let endpoint = "POST /api/v1/agents/run";
    let miss = evaluation(&report, "p(95) < 500ms", endpoint);
    assert_eq!(miss["status"], "fail", "{miss}");
    assert_eq!(miss["value"].as_f64(), Some(650.0), "{miss}");
    let note = miss["note"].as_str().unwrap_or_default();
    assert!(
        note.contains("judged on ab's measurement of this endpoint"),
        "{note}"
    );
    // ab ran 20 at once (`-c 20`), wrk 50: not "the same load".
    assert!(note.contains("ab ran 20 at once, wrk 50"), "{note}");
    assert!(!note.contains("same load"), "{note}");
    let pass = evaluation(&report, "p(95) < 700ms", endpoint);
    assert_eq!(pass["status"], "pass", "{pass}");
    assert_eq!(pass["value"].as_f64(), Some(650.0), "{pass}");
    assert_eq!(report["verdict"], "NO-GO", "{err}");
    // The section names an endpoint the run measured: no warning says it names none.
    assert!(!err.contains("names no endpoint"), "{err}");

    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
}

#[test]
fn a_stage_endpoint_warning_names_only_its_own_stages_endpoints() {
    // hey's `hey` is the smoke stage's endpoint: no request of `load`, which wrk and ab
    // name by URL. A section for an endpoint neither requested in `load` names none in
    // the data, and its warning offers nothing of `smoke`.
    let dir = TestDir::new();
    let run = run_dir(&dir);
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"load\"]\nrules = [\"error_rate < 5%\"]\n\
         [stage.load.endpoint.\"GET /api/v1/workflows\"]\nrules = [\"p(95) < 500ms\"]\n",
    );
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    let out = String::from_utf8_lossy(&o.stdout);
    let said = format!("{out}{err}");
    assert!(said.contains("names no endpoint"), "{said}");
    let warning = (said.lines())
        .find(|l| l.contains("GET /api/v1/workflows") && l.contains("names no endpoint"))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(!warning.contains("`hey`"), "{warning}");
    assert!(
        !warning.contains("[stage.load.endpoint.\"hey\"]"),
        "{warning}"
    );
}

#[test]
fn another_tool_on_the_same_url_at_fewer_connections_is_told_so() {
    // ab requested wrk's URL with 20 at once where wrk ran 50: its p95 (650 ms) still
    // decides a p(95) wrk cannot print, and the note says each tool's own count.
    let dir = TestDir::new();
    dir.write("rel/02-load-50u/wrk-get.txt", WRK);
    let get = ab_post().replace("/api/v1/agents/run\n", "/api/v1/agents\n");
    dir.write("rel/02-load-50u/ab-get.txt", get);
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"load\"]\nrules = [\"p(95) < 500ms\"]\n",
    );
    let run = dir.path().join("rel");
    let (_, report, err) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    let rules = report["sla"]["rules"].as_array().expect("sla rules");
    let e = (rules.iter())
        .find(|e| e["stage"] == "load" && e["endpoint"].is_null())
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(e["status"], "fail", "{e}");
    assert_eq!(e["value"].as_f64(), Some(650.0), "{e}");
    let note = e["note"].as_str().unwrap_or_default();
    assert!(note.contains("ab ran 20 at once, wrk 50"), "{note}");
    assert!(!note.contains("same load"), "{note}");
}
