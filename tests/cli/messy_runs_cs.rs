//! Messy runs, batch "cs" (lead's user check): each stage dir holds the load a team
//! ran with wrk (`wrk -t2 -c5 -d4s --latency` of the API) and, beside it, a quick
//! `hey -n 1000` of `/health` checked before the load: both consoles are kept, each
//! with its command line echoed above it.

use serde_json::Value;

use super::check::check_json;
use super::common::{analyze_json, TestDir};

/// wrk's console of a 4.04-s run of `requests` requests at `-c{connections}`, its
/// printed percentiles p50/p75/p90/p99 being 37, 50.3, 70.24 and 120.33 ms.
fn wrk_console(connections: u32, requests: u64) -> String {
    format!(
        "$ wrk -t2 -c{connections} -d4s --latency http://127.0.0.1:8000/api/v1/agents/3\n\
         Running 4s test @ http://127.0.0.1:8000/api/v1/agents/3\n  \
         2 threads and {connections} connections\n  \
         Thread Stats   Avg      Stdev     Max   +/- Stdev\n    \
         Latency    41.90ms   23.21ms 175.25ms   79.70%\n    \
         Req/Sec    48.29     13.63    90.00     78.75%\n  \
         Latency Distribution\n     \
         50%   37.00ms\n     75%   50.30ms\n     90%   70.24ms\n     99%  120.33ms\n  \
         {requests} requests in 4.04s, 67.07KB read\n\
         Requests/sec:     {:.2}\nTransfer/sec:     16.59KB\n",
        requests as f64 / 4.04
    )
}

/// hey's console of `hey -n {ok + failed} URL/health`: a 0.1-s check, every answer
/// within 2.3 ms (p95 1.9 ms), `failed` of them 503s.
fn hey_health(ok: u64, failed: u64) -> String {
    let total = ok + failed;
    let mut codes = format!("  [200]\t{ok} responses\n");
    if failed > 0 {
        codes.push_str(&format!("  [503]\t{failed} responses\n"));
    }
    format!(
        "$ hey -n {total} http://127.0.0.1:8000/health\n\nSummary:\n  Total:\t0.1000 secs\n  \
         Slowest:\t0.0023 secs\n  Fastest:\t0.0002 secs\n  Average:\t0.0008 secs\n  \
         Requests/sec:\t{:.4}\n  \n\nLatency distribution:\n  10% in 0.0003 secs\n  \
         25% in 0.0005 secs\n  50% in 0.0007 secs\n  75% in 0.0010 secs\n  \
         90% in 0.0015 secs\n  95% in 0.0019 secs\n  99% in 0.0022 secs\n\n\
         Status code distribution:\n{codes}\n\n",
        total as f64 / 0.1
    )
}

/// `check --format json` of `run` (under `dir`) against `sla`.
fn check(dir: &TestDir, run: &str, sla: &str) -> (i32, Value, String) {
    check_json(&dir.path().join(run), &dir.write("sla.toml", sla), &[])
}

/// What check said: its warnings (in its JSON) and stderr, one line each.
fn said(out: &Value, stderr: &str) -> String {
    let warnings = (out["warnings"].as_array().into_iter().flatten()).filter_map(Value::as_str);
    warnings
        .chain(std::iter::once(stderr))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The evaluation of `rule` on `stage`.
fn cell<'a>(out: &'a Value, rule: &str, stage: &str) -> &'a Value {
    (out["sla"]["rules"].as_array().unwrap().iter())
        .find(|r| r["rule"] == rule && r["stage"] == stage)
        .unwrap_or_else(|| panic!("no {rule} on {stage}: {out:#}"))
}

const SLA: &str = "[stage.Baseline]\nrules = [\"p(95) < 100ms\"]\n";

/// 1,000 health checks in 0.1 s outnumbered wrk's 388 requests of the API over 4 s,
/// so `baseline` was judged on hey: `p(95) < 100ms` passed at hey's 1.9 ms. The stage
/// is the load wrk ran: its printed p(90) (70.24 ms) and p(99) (120.33 ms) bracket the
/// p(95) on both sides of the limit, so the rule is not proven. The health check is
/// named as a short check beside the load, and leaves the run's data complete.
#[test]
fn a_quick_health_check_beside_the_load_does_not_judge_the_stage() {
    let dir = TestDir::new();
    dir.write("run/01-baseline/wrk.txt", wrk_console(5, 388));
    dir.write("run/01-baseline/hey-health.txt", hey_health(1000, 0));
    dir.write("run/02-peak/wrk.txt", wrk_console(60, 3112));
    dir.write("run/02-peak/hey-health.txt", hey_health(1000, 0));
    let (code, out, stderr) = check(&dir, "run", SLA);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let p95 = cell(&out, "p(95) < 100ms", "baseline");
    assert_eq!(p95["status"], "insufficient_data", "{p95:#}\n{stderr}");
    assert!(
        (p95["note"].as_str().unwrap_or_default())
            .contains("its p(90) (70.2 ms) and p(99) (120 ms) bracket it"),
        "{p95:#}"
    );
    assert_ne!(out["sla"]["verdict"], "GO", "{out:#}");
    assert_eq!(code, 0, "CONDITIONAL: {stderr}");
    let stderr = said(&out, &stderr);
    assert!(
        stderr.contains("judged on wrk: it ran the stage's load (388 requests in 4.0 s)")
            && stderr.contains("hey's 1,000 requests in 0.1 s are a short check beside it"),
        "{stderr}"
    );
    // The check measured other requests, but not as part of the stage: the data is
    // complete, and the totals are no two counts of the same requests.
    assert!(!stderr.contains("incomplete data"), "{stderr}");
    assert!(!stderr.contains("one of them lost some"), "{stderr}");
}

/// The same in a run dir of one stage: hey's check, at its default 50 workers (more
/// than wrk's 5 connections) but of another URL, is a short run apart from wrk's load.
#[test]
fn a_quick_health_check_in_a_run_of_one_stage_is_a_short_run_apart() {
    let dir = TestDir::new();
    dir.write("baseline/wrk.txt", wrk_console(5, 388));
    dir.write("baseline/hey-health.txt", hey_health(1000, 0));
    let (_, out, stderr) = check(&dir, "baseline", SLA);
    let p95 = cell(&out, "p(95) < 100ms", "baseline");
    assert_ne!(p95["status"], "pass", "{p95:#}\n{stderr}");
    let stderr = said(&out, &stderr);
    assert!(
        stderr.contains("hey's run (1,000 requests in 0.1 s at 50 users) is a short run apart"),
        "{stderr}"
    );
    assert!(!stderr.contains("incomplete data"), "{stderr}");
}

/// A health check that failed more often than the load (503s) is no quiet check
/// beside it: it is not set aside as one, so it still says the run holds requests
/// the report leaves out, and the verdict is no GO.
#[test]
fn a_failing_health_check_still_counts_against_the_verdict() {
    let dir = TestDir::new();
    dir.write("run/01-baseline/wrk.txt", wrk_console(5, 388));
    dir.write("run/01-baseline/hey-health.txt", hey_health(900, 100));
    let (_, out, stderr) = check(&dir, "run", SLA);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out["sla"]["verdict"], "GO", "{out:#}\n{stderr}");
    assert!(
        !said(&out, &stderr).contains("short check beside"),
        "{stderr}"
    );
}

/// The same team's capacity runs, each in a stage dir of its own: hey's 1,000
/// requests in 0.1 s (`01-burst`), then wrk at 5 and 60 connections for 4 s each.
/// The burst's 10,000 req/s over a tenth of a second was a load point, the largest
/// measured (where the SLA "holds"); a stage under a second sustained no load, so it
/// is none, and the capacity's load note names it with its requests and duration.
#[test]
fn a_burst_under_a_second_is_no_load_point() {
    let dir = TestDir::new();
    dir.write("run/01-burst/hey.txt", hey_health(1000, 0));
    dir.write("run/02-load/wrk.txt", wrk_console(5, 388));
    dir.write("run/03-peak/wrk.txt", wrk_console(60, 3112));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let capacity = &report["capacity"];
    let points: Vec<&str> = (capacity["load_points"].as_array().unwrap().iter())
        .map(|p| p["stage"].as_str().unwrap())
        .collect();
    assert_eq!(points, ["load", "peak"], "{capacity:#}");
    let note = capacity["load_note"].as_str().unwrap_or_default();
    assert!(
        note.contains("`burst` (1,000 requests in 100 ms) lasted under a second"),
        "{note}"
    );
}
