//! Messy runs, eleventh batch (qa16): what a user's SLA file and run dirs look like
//! after Locust, wrk, hey, autocannon and `drive` against `headroom target` — SLA
//! sections that name a request by the name the tool shows for it, two runs of one
//! release compared through a tool's rounded percentiles. Every fixture is written here
//! in the tool's own format (in shape copied from real runs), and the expected verdicts
//! follow from the fixture's numbers.

use serde_json::Value;

use super::check::check_json;
use super::common::TestDir;

/// A Locust `--csv` stats file: `List agents` (GET, p95 `p95_list` ms, at least 14)
/// and `Run agent` (POST), 1,500 and 400 requests, no failure.
fn locust_stats(p95_list: u32) -> String {
    format!(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,\
80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
GET,List agents,1500,0,12,12.3,5.0,88.6,13.0,80.2,0.0,12,12,13,13,14,{p95_list},20,21,33,89,89\n\
POST,Run agent,400,0,50,52.3,21.5,104.3,22.0,20.0,0.0,50,57,60,64,74,83,90,96,100,100,100\n\
,Aggregated,1900,0,14,20.7,5.0,104.3,14.9,100.2,0.0,14,19,22,25,40,54,67,75,96,100,100\n"
    )
}

/// The evaluations of check's JSON whose endpoint is `endpoint`.
fn evals_of<'a>(out: &'a Value, endpoint: &str) -> Vec<&'a Value> {
    out["sla"]["rules"]
        .as_array()
        .unwrap_or_else(|| panic!("no evaluations: {out:#}"))
        .iter()
        .filter(|e| e["endpoint"].as_str().is_some_and(|k| k.contains(endpoint)))
        .collect()
}

/// Locust shows a request by the `name=` its script gave (`List agents`), its method
/// in a column of its own; the data's endpoint is `GET List agents`. An SLA section
/// `[endpoint."List agents"]` was "not in the data" and its rules not run: GO on a
/// p95 of 18 ms against 15 ms.
#[test]
fn an_endpoint_named_as_locust_shows_it_is_judged() {
    let dir = TestDir::new();
    dir.write("run/run_stats.csv", locust_stats(18));
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n\
         [endpoint.\"List agents\"]\nrules = [\"p(95) < 15ms\"]\n",
    );
    let (code, out, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 1, "p95 18 ms > 15 ms must fail: {out:#} {stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
    let evals = evals_of(&out, "List agents");
    assert!(!evals.is_empty(), "{out:#}");
    for e in evals {
        assert_eq!(e["status"], "fail", "{e:#}");
        assert_eq!(e["value"].as_f64(), Some(18.0), "{e:#}");
    }
    // With its method, the same endpoint; a passing p95 passes.
    dir.write("run/run_stats.csv", locust_stats(14));
    let sla = dir.write(
        "sla.toml",
        "[endpoint.\"GET List agents\"]\nrules = [\"p(95) < 15ms\"]\n",
    );
    let (code, out, _) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 0, "{out:#}");
    assert_eq!(out["verdict"], "GO", "{out:#}");
}

/// A name that another spelling matches in several endpoints (`Run agent` for the
/// data's `GET Run agent` and `POST Run agent`) names no one of them: refused with
/// both names, never skipped into a GO as "not in the data".
#[test]
fn an_endpoint_name_that_matches_several_methods_is_refused_not_skipped() {
    let dir = TestDir::new();
    let stats = locust_stats(18).replace("GET,List agents", "GET,Run agent");
    dir.write("run/run_stats.csv", stats);
    let sla = dir.write(
        "sla.toml",
        "[endpoint.\"Run agent\"]\nrules = [\"p(95) < 15ms\"]\n",
    );
    let (code, _, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("\"GET Run agent\"") && stderr.contains("\"POST Run agent\""),
        "{stderr}"
    );
}
