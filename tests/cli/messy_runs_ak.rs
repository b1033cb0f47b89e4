//! Messy runs, batch "ak" (qa43): `headroom check` as a CI gate on real run dirs,
//! with SLA files written the way teams write them — stage and endpoint names that are
//! not the data's exactly, Artillery runs with several phases and a failing endpoint.
//! A rule that names nothing the data has must never let a GO through unseen.

use std::path::Path;

use serde_json::Value;

use super::common::{headroom, TestDir};

/// Runs `check RUN --sla SLA --json` plus `extra`; returns the exit code, the parsed
/// outcome (Null when stdout is no JSON) and stderr.
fn check_json(run: &Path, sla: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--json",
    ];
    args.extend(extra);
    let o = headroom(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json, stderr)
}

/// The evaluations of `rule` in a check outcome, by `stage` (`None`: any stage).
fn evals<'a>(outcome: &'a Value, rule: &str, stage: Option<&str>) -> Vec<&'a Value> {
    outcome["sla"]["rules"]
        .as_array()
        .expect("sla.rules")
        .iter()
        .filter(|e| e["rule"] == rule && stage.is_none_or(|s| e["stage"] == s))
        .collect()
}

/// A JMeter 5 JTL (its default 17 columns) of `n` samples of `label`, one every
/// 100 ms from `start_ms`, the i-th taking `elapsed(i)` ms, all 200s, `users` threads.
fn jtl(start_ms: i64, n: i64, label: &str, users: u32, elapsed: impl Fn(i64) -> i64) -> String {
    let mut out = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
         failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
    );
    for i in 0..n {
        let e = elapsed(i);
        out.push_str(&format!(
            "{},{e},{label},200,OK,Thread Group 1-{},text,true,,512,128,{users},{users},\
             http://127.0.0.1:8080/api/items,{},0,1\n",
            start_ms + i * 100,
            i % i64::from(users) + 1,
            e.saturating_sub(1)
        ));
    }
    out
}

/// A team's SLA wrote `[stage.warm-up]` for the stage dir `01-warmup/` (its
/// `ramp-up`, `Warm Up`, `peakload` for `peak_load`): the words run together in one
/// spelling and apart in the other. Before, the section named "no stage in the data",
/// its rules were `not_run`, and with another stage section that matched the verdict
/// was GO and `check` exited 0 — over a warm-up whose p95 (40–59 ms by construction)
/// is 2–3× the 20 ms limit. Now only separators differ, so it names that stage: the
/// rule fails there, NO-GO, exit 1.
#[test]
fn a_stage_section_with_its_words_run_together_judges_that_stage() {
    let dir = TestDir::new();
    let start = 1_764_950_400_000i64;
    // Warm-up: 400 samples of 40..59 ms; peak: 600 samples of 100..129 ms.
    dir.write(
        "run/01-warmup/results.jtl",
        jtl(start, 400, "GET /api/items", 5, |i| 40 + i % 20),
    );
    dir.write(
        "run/02-peak_load/results.jtl",
        jtl(start + 60_000, 600, "GET /api/items", 20, |i| 100 + i % 30),
    );
    let sla = dir.write(
        "sla.toml",
        "[stage.peakload]\nrules = [\"p(95) < 1s\"]\n\n[stage.warm-up]\nrules = [\"p(95) < 20ms\"]\n",
    );
    let (code, out, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 1, "{stderr}\n{out:#}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
    let warm = evals(&out, "p(95) < 20ms", Some("warmup"));
    assert_eq!(warm.len(), 1, "{out:#}");
    assert_eq!(warm[0]["status"], "fail", "{:#}", warm[0]);
    let v = warm[0]["value"].as_f64().unwrap();
    assert!((40.0..=59.0).contains(&v), "warm-up p95 {v}");
    let peak = evals(&out, "p(95) < 1s", Some("peak_load"));
    assert_eq!(peak.len(), 1, "{out:#}");
    assert_eq!(peak[0]["status"], "pass", "{:#}", peak[0]);
    assert_eq!(out["counts"]["not_run"], 0, "{out:#}");
}

/// wrk's console output, as wrk 4.2 printed it for a 2 s run of 32,070 requests of
/// one URL with a query string.
const WRK: &str = "Running 2s test @ http://127.0.0.1:18440/api/v1/agents?limit=10
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.97ms    3.55ms  32.00ms   87.57%
    Req/Sec    15.89k     7.81k   35.79k    80.00%
  Latency Distribution
     50%   65.00us
     75%    2.62ms
     90%    6.35ms
     99%   15.63ms
  32070 requests in 2.04s, 3.70MB read
Requests/sec:  15724.83
Transfer/sec:      1.81MB
";

/// An SLA's `[endpoint."GET /api/v1/agent"]` (the `s` left off) over a wrk run of
/// `http://127.0.0.1:18440/api/v1/agents?limit=10`. The typo check compared the name
/// with the whole URL, query and all, found nothing close, and skipped the rules as
/// "not in the data": GO, exit 0, with a p99 of 15.63 ms (wrk's own figure) against a
/// 1 ms limit. Now the name is compared with the data's routes as the SLA spells them
/// (`GET /api/v1/agents`): one letter off is a typo, exit 2 naming the endpoint.
#[test]
fn an_endpoint_one_letter_off_a_urls_route_is_a_typo_not_a_skip() {
    let dir = TestDir::new();
    dir.write("wrk-run/wrk.txt", WRK);
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n\n[endpoint.\"GET /api/v1/agent\"]\nrules = [\"p(99) < 1ms\"]\n",
    );
    let (code, out, stderr) = check_json(&dir.path().join("wrk-run"), &sla, &[]);
    assert_eq!(code, 2, "{stderr}\n{out:#}");
    assert_ne!(out["verdict"], "GO", "{out:#}");
    assert!(stderr.contains("sla.toml:4"), "{stderr}");
    assert!(stderr.contains("did you mean"), "{stderr}");
    assert!(
        stderr.contains("http://127.0.0.1:18440/api/v1/agents?limit=10"),
        "{stderr}"
    );

    // Spelled right (the route alone, or with the query), the rule judges wrk's p99.
    for name in ["GET /api/v1/agents", "/api/v1/agents/"] {
        let sla = dir.write(
            "sla-ok.toml",
            format!("[endpoint.\"{name}\"]\nrules = [\"p(99) < 1ms\"]\n"),
        );
        let (code, out, stderr) = check_json(&dir.path().join("wrk-run"), &sla, &[]);
        assert_eq!(code, 1, "{name}: {stderr}\n{out:#}");
        let e = evals(&out, "p(99) < 1ms", None);
        assert!(!e.is_empty(), "{out:#}");
        for e in e {
            assert_eq!(e["status"], "fail", "{e:#}");
            assert!((e["value"].as_f64().unwrap() - 15.63).abs() < 0.01, "{e:#}");
        }
    }

    // A route the data really lacks (not a typo) is still a warning and `not_run`.
    let sla = dir.write(
        "sla-other.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n\n[endpoint.\"POST /api/v1/workflows/run\"]\nrules = [\"p(99) < 1ms\"]\n",
    );
    let (code, out, stderr) = check_json(&dir.path().join("wrk-run"), &sla, &[]);
    assert_eq!(code, 0, "{stderr}\n{out:#}");
    assert_eq!(out["counts"]["not_run"], 1, "{out:#}");
}
