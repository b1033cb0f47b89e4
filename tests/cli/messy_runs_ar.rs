//! Messy runs, batch "ar" (qa49): SLA names and values that do not match the data the
//! way it is written — a route under another method, a Locust name that opens with a
//! method word of its own, the same stage in two run dirs, a ramp phase named as a
//! stage, a percentile written `95%`. A rule that matches nothing must never pass
//! silently.

use std::path::Path;

use serde_json::Value;

use super::common::{headroom, TestDir};

/// Runs `check RUNS… --sla SLA --json`; returns the exit code, the parsed outcome
/// (Null when stdout is no JSON) and stderr.
fn check_json(runs: &[&Path], sla: &Path) -> (i32, Value, String) {
    let mut args = vec!["check"];
    args.extend(runs.iter().map(|r| r.to_str().unwrap()));
    args.extend(["--sla", sla.to_str().unwrap(), "--json"]);
    let o = headroom(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json, stderr)
}

/// The evaluations of `rule` on `stage`.
fn evals<'a>(outcome: &'a Value, rule: &str, stage: &str) -> Vec<&'a Value> {
    outcome["sla"]["rules"]
        .as_array()
        .expect("sla.rules")
        .iter()
        .filter(|e| e["rule"] == rule && e["stage"] == stage)
        .collect()
}

/// A generic request CSV of `n` requests `method path`, one every 60 ms from
/// `start_ms`, the i-th taking `latency(i)` ms, all 200s (no users column).
fn requests(method: &str, path: &str, start_ms: i64, n: i64, latency: fn(i64) -> i64) -> String {
    let mut out = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..n {
        out += &format!("{},{path},{method},{},200\n", start_ms + i * 60, latency(i));
    }
    out
}

/// A JMeter 5 JTL (its default 17 columns) of `n` samples of `label`, one every
/// 100 ms from `start_ms`, the i-th taking `elapsed(i)` ms, all 200s, `users` threads.
fn jtl(start_ms: i64, n: i64, label: &str, users: u32, elapsed: fn(i64) -> i64) -> String {
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

const START: i64 = 1_764_950_400_000;

/// A team's SLA gates `[endpoint."GET /api/orders"]` (p95 < 100 ms) beside a global
/// rule that passes; the run only ever sent `POST /api/orders`, 300–309 ms each. The
/// typo check compared letters and took no method change for a typo, so the section
/// was "not in the data", its rules `not_run`, and the global pass made it GO, exit
/// 0. Now the route under another method is a "did you mean" error, exit 2, as for
/// other typos.
#[test]
fn an_endpoint_rule_naming_the_route_under_another_method_is_an_error() {
    let dir = TestDir::new();
    dir.write(
        "run/requests.csv",
        requests("POST", "/api/orders", START, 1000, |i| 300 + i % 10),
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 1000ms\"]\n\n\
         [endpoint.\"GET /api/orders\"]\nrules = [\"p(95) < 100ms\"]\n",
    );
    let (code, out, stderr) = check_json(&[&dir.path().join("run")], &sla);
    assert_eq!(code, 2, "{stderr}\n{out:#}");
    assert!(stderr.contains("sla.toml:4"), "{stderr}");
    assert!(
        stderr.contains("did you mean \"POST /api/orders\""),
        "{stderr}"
    );
}

/// A Locust file `self.client.get("/x", name="post /x")` (a label copied from an old
/// plan): Locust's stats CSV has type `GET`, name `post /x`, and headroom keys it
/// `GET post /x`. The SLA's `[endpoint."/x"]` and `[endpoint."GET /x"]` (p95 < 100 ms,
/// Locust's own p95 350 ms) matched nothing: their rules were skipped, and the global
/// rule's pass made it GO, exit 0. Now the route is read past the name's own method
/// word: `/x` and `GET /x` name it (NO-GO, exit 1, p95 350 ms), and `POST /x` (the
/// label's word, not the method sent) is a "did you mean" error, exit 2.
#[test]
fn a_locust_name_opening_with_its_own_method_word_is_found_by_its_route() {
    let dir = TestDir::new();
    let row = |ty: &str, name: &str, p95: u32| {
        format!(
            "{ty},{name},1000,0,300,300,250,400,100,10,0,300,310,320,330,340,{p95},360,370,\
             390,400,400\n"
        )
    };
    dir.write(
        "locust/run_stats.csv",
        String::from(
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response \
             Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,\
             Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n",
        ) + &row("GET", "post /x", 350)
            + &row("GET", "/ok", 350).replace(",300,", ",30,")
            + &row("", "Aggregated", 350),
    );
    let run = dir.path().join("locust");
    for name in ["/x", "GET /x"] {
        let sla = dir.write(
            "sla.toml",
            format!(
                "[global]\nrules = [\"p(95) < 1000ms\"]\n\n\
                 [endpoint.\"{name}\"]\nrules = [\"p(95) < 100ms\"]\n"
            ),
        );
        let (code, out, stderr) = check_json(&[&run], &sla);
        assert_eq!(code, 1, "{name}: {stderr}\n{out:#}");
        assert_eq!(out["verdict"], "NO-GO", "{out:#}");
        let judged: Vec<&Value> = (out["sla"]["rules"].as_array().unwrap().iter())
            .filter(|e| e["rule"] == "p(95) < 100ms" && e["status"] == "fail")
            .collect();
        assert!(!judged.is_empty(), "{name}: {out:#}");
        assert_eq!(judged[0]["value"].as_f64(), Some(350.0), "{:#}", judged[0]);
    }
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 1000ms\"]\n\n\
         [endpoint.\"POST /x\"]\nrules = [\"p(95) < 100ms\"]\n",
    );
    let (code, out, stderr) = check_json(&[&run], &sla);
    assert_eq!(code, 2, "{stderr}\n{out:#}");
    assert!(stderr.contains("did you mean \"GET post /x\""), "{stderr}");
}

/// Two run dirs checked together, each with a `peak/` stage dir of 10 JMeter threads:
/// run-a's 20–29 ms, run-b's 300–309 ms; headroom names them `peak_10users` and
/// `peak_10users_2`. With `verdict_stages = ["peak"]` this was an error listing both
/// (exit 2), while the same dirs without users (`peak`, `peak_2`) were both judged:
/// two rules for one case. Now both ways judge both, with a note: run-b's miss is a
/// NO-GO, exit 1. `peak_10users_1` names the first alone (GO, exit 0), `_2` the second.
#[test]
fn the_same_stage_with_users_in_two_run_dirs_is_judged_on_both() {
    let dir = TestDir::new();
    dir.write(
        "run-a/peak/results.jtl",
        jtl(START, 1000, "GET /api/x", 10, |i| 20 + i % 10),
    );
    dir.write(
        "run-b/peak/results.jtl",
        jtl(START + 600_000, 1000, "GET /api/x", 10, |i| 300 + i % 10),
    );
    let runs = [&*dir.path().join("run-a"), &*dir.path().join("run-b")];
    let verdict_on = |stage: &str| {
        let sla = dir.write(
            "sla.toml",
            format!("[global]\nverdict_stages = [\"{stage}\"]\nrules = [\"p(95) < 100ms\"]\n"),
        );
        check_json(&runs, &sla)
    };
    for name in ["peak", "Peak", "peak_10users", "10 users"] {
        let (code, out, stderr) = verdict_on(name);
        assert_eq!(code, 1, "{name}: {stderr}\n{out:#}");
        assert_eq!(out["verdict"], "NO-GO", "{name}: {out:#}");
        let second = evals(&out, "p(95) < 100ms", "peak_10users_2");
        assert_eq!(second[0]["status"], "fail", "{out:#}");
        assert_eq!(second[0]["decides_verdict"], true, "{:#}", second[0]);
        let v = second[0]["value"].as_f64().unwrap();
        // 300..309 ms, within the latency histogram's 3 significant digits.
        assert!((300.0..=310.0).contains(&v), "{:#}", second[0]);
        let first = evals(&out, "p(95) < 100ms", "peak_10users");
        assert_eq!(first[0]["decides_verdict"], true, "{:#}", first[0]);
        assert!(out.to_string().contains("each is judged"), "{out:#}");
    }
    let (code, out, stderr) = verdict_on("peak_10users_1");
    assert_eq!(code, 0, "{stderr}\n{out:#}");
    assert_eq!(out["verdict"], "GO", "{out:#}");
    let second = evals(&out, "p(95) < 100ms", "peak_10users_2");
    assert_eq!(second[0]["decides_verdict"], false, "{:#}", second[0]);
    let (code, out, _) = verdict_on("peak_10users_2");
    assert_eq!(code, 1, "{out:#}");
    let first = evals(&out, "p(95) < 100ms", "peak_10users");
    assert_eq!(first[0]["decides_verdict"], false, "{:#}", first[0]);
}

/// The same two run dirs without users (`peak`, `peak_2`): `peak_1` names the first
/// alone, as `peak_2` the second; before, `peak_1` named no stage (a warning, and the
/// verdict fell to every stage).
#[test]
fn the_first_of_a_stage_two_run_dirs_share_is_named_with_1() {
    let dir = TestDir::new();
    dir.write(
        "run-a/peak/requests.csv",
        requests("GET", "/api/x", START, 1000, |i| 20 + i % 10),
    );
    dir.write(
        "run-b/peak/requests.csv",
        requests("GET", "/api/x", START + 600_000, 1000, |i| 300 + i % 10),
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak_1\"]\nrules = [\"p(95) < 100ms\"]\n",
    );
    let runs = [&*dir.path().join("run-a"), &*dir.path().join("run-b")];
    let (code, out, stderr) = check_json(&runs, &sla);
    assert_eq!(code, 0, "{stderr}\n{out:#}");
    assert_eq!(out["verdict"], "GO", "{out:#}");
    assert_eq!(
        evals(&out, "p(95) < 100ms", "peak")[0]["decides_verdict"],
        true
    );
    assert_eq!(
        evals(&out, "p(95) < 100ms", "peak_2")[0]["decides_verdict"],
        false
    );
}

/// One Artillery 2 intermediate period of `n` answers (all 200s) of `created`
/// arrivals, counted from `c0` to `c1`, its response-time summary `rt` (min, p50, p95,
/// p99, max, ms), as `artillery run --output` writes it.
fn artillery_period(period: i64, (c0, c1): (i64, i64), n: u64, rt: [f64; 5]) -> Value {
    let summary = serde_json::json!({"min": rt[0], "max": rt[4], "count": n, "mean": rt[1],
        "p50": rt[1], "median": rt[1], "p75": rt[1], "p90": rt[2], "p95": rt[2], "p99": rt[3],
        "p999": rt[4]});
    serde_json::json!({
        "counters": {"vusers.created_by_name.browse": n, "vusers.created": n,
            "http.requests": n, "http.responses": n, "http.codes.200": n,
            "vusers.failed": 0, "vusers.completed": n},
        "rates": {"http.request_rate": n / 10},
        "firstCounterAt": c0, "firstHistogramAt": c0 + 120, "lastCounterAt": c1,
        "lastHistogramAt": c1, "firstMetricAt": c0, "lastMetricAt": c1,
        "period": period.to_string(),
        "summaries": {"http.response_time": summary.clone()},
        "histograms": {"http.response_time": summary},
    })
}

/// An Artillery 2 run of three 10 s phases from its script beside the report: `Warm
/// up` (3 arrivals/s), `Ramp to peak` (3 → 10/s) and `Peak load` (10/s), one request
/// each; the ramp's period answered with a p50 of 200 ms (Artillery's own figure).
/// An SLA gates `[stage."ramp-to-peak"]` on p50 < 100 ms. Ramps are no stages, so
/// the section named "no stage in the data": `not_run`, shown but not counted,
/// non-gating — as if the run had no such phase. Now the phase is known to have run:
/// its rule is `insufficient_data` and decides (no verdict stage is named), with a
/// note saying it is a ramp, and the "names no stage" warning is gone.
#[test]
fn an_artillery_ramp_phase_named_as_a_stage_lacks_data_rather_than_not_running() {
    let dir = TestDir::new();
    let t0 = 1_796_518_080_000i64;
    let warm = artillery_period(t0, (t0 + 5, t0 + 9_998), 30, [3.0, 20.0, 40.0, 45.0, 47.0]);
    let ramp = artillery_period(
        t0 + 10_000,
        (t0 + 10_002, t0 + 19_998),
        65,
        [3.0, 200.0, 900.0, 950.0, 990.0],
    );
    let peak = artillery_period(
        t0 + 20_000,
        (t0 + 20_002, t0 + 29_997),
        100,
        [3.0, 22.0, 44.0, 51.0, 60.0],
    );
    let all = artillery_period(
        t0,
        (t0 + 5, t0 + 29_997),
        195,
        [3.0, 22.0, 880.0, 950.0, 990.0],
    );
    let report = serde_json::json!({"aggregate": all, "intermediate": [warm, ramp, peak]});
    dir.write("art/report.json", report.to_string());
    dir.write(
        "art/script.yml",
        "config:\n  target: \"http://127.0.0.1:18490\"\n  phases:\n    - duration: 10\n      \
         arrivalRate: 3\n      name: \"Warm up\"\n    - duration: 10\n      arrivalRate: 3\n      \
         rampTo: 10\n      name: \"Ramp to peak\"\n    - duration: 10\n      arrivalRate: 10\n      \
         name: \"Peak load\"\nscenarios:\n  - name: browse\n    flow:\n      - get:\n          \
         url: \"/api/v1/agents\"\n",
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(50) < 100ms\"]\n\n[stage.\"ramp-to-peak\"]\nrules = [\"p(50) < 100ms\"]\n",
    );
    let (code, out, stderr) = check_json(&[&dir.path().join("art")], &sla);
    assert_eq!(code, 0, "{stderr}\n{out:#}");
    let ramp = evals(&out, "p(50) < 100ms", "ramp-to-peak");
    assert_eq!(ramp.len(), 1, "{out:#}");
    assert_eq!(ramp[0]["status"], "insufficient_data", "{:#}", ramp[0]);
    assert_eq!(ramp[0]["decides_verdict"], true, "{:#}", ramp[0]);
    assert!(
        ramp[0]["note"].as_str().unwrap().contains("a ramp"),
        "{:#}",
        ramp[0]
    );
    assert_ne!(out["verdict"], "GO", "{out:#}");
    assert!(!stderr.contains("names no stage"), "{stderr}");
    // The constant phases are stages, judged on their own periods: 20 and 22 ms.
    assert_eq!(
        evals(&out, "p(50) < 100ms", "Peak load")[0]["status"],
        "pass"
    );
}

/// A team wrote `95% < 500ms` for the 95th percentile. headroom answered `unknown
/// metric "95" — did you mean "rc(5xx)"?`, a status-class rule that would gate
/// something else entirely. Now it offers `p(95)` (exit 2 still: nothing is judged).
#[test]
fn a_percentile_written_as_a_bare_number_is_offered_as_p_n() {
    let dir = TestDir::new();
    dir.write(
        "run/requests.csv",
        requests("GET", "/api/x", START, 100, |i| 20 + i % 10),
    );
    let sla = dir.write("sla.toml", "[global]\nrules = [\"95% < 500ms\"]\n");
    let (code, _, stderr) = check_json(&[&dir.path().join("run")], &sla);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("did you mean \"p(95)\""), "{stderr}");
    assert!(!stderr.contains("rc(5xx)"), "{stderr}");
}

/// Stage dirs `01_baseline_10users`, `02_peak_50users` and `03_stress_100users` under
/// `run/`: 1,000 requests each, at 20–29, 40–49 and 300–309 ms.
pub(crate) fn three_stage_dirs(dir: &TestDir) {
    let stages = [
        ("01_baseline_10users", 10, 20),
        ("02_peak_50users", 50, 40),
        ("03_stress_100users", 100, 300),
    ];
    for (k, (name, users, latency)) in stages.into_iter().enumerate() {
        let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,users\n");
        for i in 0..1000i64 {
            let t = START + k as i64 * 100_000 + i * 60;
            csv += &format!("{t},/api/x,GET,{},200,{users}\n", latency + i % 10);
        }
        dir.write(&format!("run/{name}/requests.csv"), csv);
    }
}

/// Stage dirs `01_baseline_10users/`, `02_peak_50users/`, `03_stress_100users/` (p95
/// ≈ 29, 49 and 309 ms by construction) under an SLA with `[stage.peak]` (p95 < 1 s)
/// and `[stage."stage 3"]` (p95 < 100 ms), the third stage by its number (`step-3`
/// alike). Stage names leave the ordering number out, so `stage 3` named "no stage":
/// its rule was `not_run` and `[stage.peak]`'s pass made it GO, exit 0, over a stress
/// stage 3× the limit. Now a stage named by a number alone is an error naming the
/// stages, as `03` already was (exit 2).
#[test]
fn a_stage_named_by_its_number_is_an_error_not_a_skip() {
    let dir = TestDir::new();
    three_stage_dirs(&dir);
    for written in ["stage 3", "step-3", "Stage3"] {
        let sla = dir.write(
            "sla.toml",
            format!(
                "[stage.peak]\nrules = [\"p(95) < 1000ms\"]\n\n\
                 [stage.\"{written}\"]\nrules = [\"p(95) < 100ms\"]\n"
            ),
        );
        let (code, out, stderr) = check_json(&[&dir.path().join("run")], &sla);
        assert_eq!(code, 2, "{written}: {stderr}\n{out:#}");
        assert!(stderr.contains("sla.toml:4"), "{stderr}");
        assert!(
            stderr.contains("stages: baseline, peak, stress"),
            "{stderr}"
        );
    }
}
