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

/// One endpoint's figures in one Artillery period: its name, its status code, how
/// many answers, and its response-time summary (min, p50, p95, p99, max, ms).
struct EpPeriod {
    name: &'static str,
    code: u16,
    count: u64,
    rt: [f64; 5],
}

/// One Artillery 2 intermediate period (or the aggregate, `period` its first), as
/// `artillery run --output` writes it with the metrics-by-endpoint plugin: several
/// endpoints may share a name with different codes (200s and 503s of one URL).
fn artillery_period(period: i64, counted: (i64, i64), created: u64, eps: &[EpPeriod]) -> Value {
    let mut counters = serde_json::Map::new();
    let mut summaries = serde_json::Map::new();
    let add = |m: &mut serde_json::Map<String, Value>, k: String, n: u64| {
        let old = m.get(&k).and_then(Value::as_u64).unwrap_or(0);
        m.insert(k, Value::from(old + n));
    };
    let requests: u64 = eps.iter().map(|e| e.count).sum();
    add(
        &mut counters,
        "vusers.created_by_name.browse".into(),
        created,
    );
    add(&mut counters, "vusers.created".into(), created);
    add(&mut counters, "http.requests".into(), requests);
    add(&mut counters, "http.responses".into(), requests);
    for e in eps {
        add(&mut counters, format!("http.codes.{}", e.code), e.count);
        add(
            &mut counters,
            format!("plugins.metrics-by-endpoint.{}.codes.{}", e.name, e.code),
            e.count,
        );
    }
    add(&mut counters, "vusers.failed".into(), 0);
    add(&mut counters, "vusers.completed".into(), created);
    let summary = |rt: [f64; 5], count: u64| {
        serde_json::json!({"min": rt[0], "max": rt[4], "count": count, "mean": rt[1],
            "p50": rt[1], "median": rt[1], "p75": rt[1], "p90": rt[2], "p95": rt[2],
            "p99": rt[3], "p999": rt[4]})
    };
    // Each endpoint's summary over its answers (one entry per name in these fixtures).
    for e in eps {
        let key = format!("plugins.metrics-by-endpoint.response_time.{}", e.name);
        let n: u64 = eps
            .iter()
            .filter(|o| o.name == e.name)
            .map(|o| o.count)
            .sum();
        summaries.insert(key, summary(e.rt, n));
    }
    // The whole period's: the slowest endpoint's figures bound it (the fixtures'
    // endpoints are apart), Artillery's own summary of every answer.
    let slowest = eps
        .iter()
        .max_by(|a, b| a.rt[2].total_cmp(&b.rt[2]))
        .unwrap();
    summaries.insert("http.response_time".into(), summary(slowest.rt, requests));
    serde_json::json!({
        "counters": counters,
        "rates": {"http.request_rate": (requests as f64 / 10.0).round()},
        "firstCounterAt": counted.0,
        "firstHistogramAt": counted.0 + 120,
        "lastCounterAt": counted.1,
        "lastHistogramAt": counted.1,
        "firstMetricAt": counted.0,
        "lastMetricAt": counted.1,
        "period": period.to_string(),
        "summaries": summaries.clone(),
        "histograms": summaries,
    })
}

/// An Artillery 2 run of two constant phases (`Warm up`, 3 arrivals/s for 10 s, and
/// `Peak load`, 10/s for 10 s; script.yml beside the report), each arrival running
/// `GET /api/v1/agents` then `POST /api/v1/agents/run`, the metrics-by-endpoint plugin
/// on. In the peak, 40 of the 100 `/api/v1/agents/run` requests answered 503 and its
/// p95 was 480 ms (Artillery's own figure); the warm-up was clean. An SLA gates that
/// endpoint on the peak. Before, the phase stages held only the whole phase's figures,
/// so the endpoint's rules had "no data for this scope" on every stage — 2 of 2 gating
/// evaluations lacked data, CONDITIONAL, exit 0: the gate let a 40 % failing endpoint
/// through. Now each phase holds each endpoint's own counts and summary: 40 % and
/// 480 ms on `Peak load`, NO-GO, exit 1, and the JUnit failure carries the 40 %.
#[test]
fn an_artillery_phase_holds_each_endpoints_figures_for_endpoint_rules() {
    let dir = TestDir::new();
    let t0 = 1_796_518_080_000i64;
    let ok = |name, count, rt| EpPeriod {
        name,
        code: 200,
        count,
        rt,
    };
    let warm = artillery_period(
        t0,
        (t0 + 5, t0 + 9_998),
        30,
        &[
            ok("/api/v1/agents", 30, [3.0, 21.1, 40.0, 45.2, 47.0]),
            ok(
                "/api/v1/agents/run",
                30,
                [150.0, 290.1, 340.4, 360.5, 371.0],
            ),
        ],
    );
    let peak = artillery_period(
        t0 + 10_000,
        (t0 + 10_002, t0 + 19_997),
        100,
        &[
            ok("/api/v1/agents", 100, [3.0, 23.8, 44.3, 51.9, 60.0]),
            ok(
                "/api/v1/agents/run",
                60,
                [160.0, 310.2, 480.0, 520.0, 530.0],
            ),
            EpPeriod {
                name: "/api/v1/agents/run",
                code: 503,
                count: 40,
                rt: [160.0, 310.2, 480.0, 520.0, 530.0],
            },
        ],
    );
    let aggregate = artillery_period(
        t0,
        (t0 + 5, t0 + 19_997),
        130,
        &[
            ok("/api/v1/agents", 130, [3.0, 23.0, 43.9, 51.0, 60.0]),
            ok(
                "/api/v1/agents/run",
                90,
                [150.0, 300.9, 478.3, 518.1, 530.0],
            ),
            EpPeriod {
                name: "/api/v1/agents/run",
                code: 503,
                count: 40,
                rt: [150.0, 300.9, 478.3, 518.1, 530.0],
            },
        ],
    );
    let report = serde_json::json!({"aggregate": aggregate, "intermediate": [warm, peak]});
    dir.write(
        "art/report.json",
        serde_json::to_string_pretty(&report).unwrap(),
    );
    dir.write(
        "art/script.yml",
        "config:\n  target: \"http://127.0.0.1:18441\"\n  phases:\n    - duration: 10\n      \
         arrivalRate: 3\n      name: \"Warm up\"\n    - duration: 10\n      arrivalRate: 10\n      \
         name: \"Peak load\"\n  plugins:\n    metrics-by-endpoint: {}\nscenarios:\n  - name: \
         browse\n    flow:\n      - get:\n          url: \"/api/v1/agents\"\n      - post:\n          \
         url: \"/api/v1/agents/run\"\n",
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak-load\"]\n\n\
         [endpoint.\"POST /api/v1/agents/run\"]\nrules = [\"error_rate < 1%\", \"p(95) < 400ms\"]\n",
    );
    let junit = dir.path().join("junit.xml");
    let (code, out, stderr) = check_json(
        &dir.path().join("art"),
        &sla,
        &["--junit", junit.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{stderr}\n{out:#}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");

    let errors = evals(&out, "error_rate < 1%", Some("Peak load"));
    assert_eq!(errors.len(), 1, "{out:#}");
    assert_eq!(errors[0]["status"], "fail", "{:#}", errors[0]);
    assert!(errors[0]["decides_verdict"].as_bool().unwrap());
    let v = errors[0]["value"].as_f64().unwrap();
    // 40 of 100 (value as a fraction or a percentage).
    assert!((v - 0.4).abs() < 1e-9 || (v - 40.0).abs() < 1e-9, "{v}");
    let p95 = evals(&out, "p(95) < 400ms", Some("Peak load"));
    assert_eq!(p95.len(), 1, "{out:#}");
    assert_eq!(p95[0]["status"], "fail", "{:#}", p95[0]);
    assert!(
        (p95[0]["value"].as_f64().unwrap() - 480.0).abs() < 1e-6,
        "{:#}",
        p95[0]
    );
    // The warm-up's 30 clean requests are judged too, not "no data".
    let warm = evals(&out, "error_rate < 1%", Some("Warm up"));
    assert_eq!(warm.len(), 1, "{out:#}");
    assert_ne!(warm[0]["status"], "insufficient_data", "{:#}", warm[0]);
    assert_eq!(warm[0]["value"].as_f64().unwrap(), 0.0, "{:#}", warm[0]);

    // The JUnit report fails that testcase with the measured 40%.
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failed: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .map(|n| n.attribute("message").unwrap_or("").to_string())
        .collect();
    assert!(
        failed.iter().any(|m| m.starts_with("error_rate = 40%")),
        "{failed:?}\n{xml}"
    );
}

/// A team moving a Gatling simulation's assertion (`responseTime.percentile3.lt(500)`)
/// into an SLA file wrote `percentile3 < 500`. Gatling's `percentile3` is its third
/// configured percentile, the 95th by default; headroom answered "did you mean
/// p(3)?", and a `p(3) < 500` rule passes on nearly any run. Now the hint is `p(95)`
/// (`percentile4`: `p(99)`), saying it is Gatling's default.
#[test]
fn gatlings_percentile3_is_offered_as_p95_not_p3() {
    let dir = TestDir::new();
    dir.write("wrk-run/wrk.txt", WRK);
    for (written, meant) in [
        ("percentile3", "p(95)"),
        ("responseTime.percentile4", "p(99)"),
    ] {
        let sla = dir.write(
            "sla.toml",
            format!("[global]\nrules = [\"{written} < 500\"]\n"),
        );
        let (code, _, stderr) = check_json(&dir.path().join("wrk-run"), &sla, &[]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("sla.toml:2"), "{stderr}");
        assert!(
            stderr.contains(&format!("did you mean \"{meant}\"")),
            "{written}: {stderr}"
        );
        assert!(!stderr.contains("\"p(3)\""), "{stderr}");
    }
}

/// A CI job pointed `--sla` at the Artillery script that holds the team's `ensure`
/// thresholds. headroom answered `script.yml:1: expected `.`, `=``, a TOML error that
/// says nothing of what to do. Now it says the file is an Artillery script, not an SLA
/// file, and shows how a rule is written (exit 2 still: nothing was judged).
#[test]
fn an_artillery_script_given_as_the_sla_is_named_as_such() {
    let dir = TestDir::new();
    dir.write("wrk-run/wrk.txt", WRK);
    let script = dir.write(
        "script.yml",
        "config:\n  target: \"http://127.0.0.1:18441\"\n  phases:\n    - duration: 10\n      \
         arrivalRate: 3\n  ensure:\n    thresholds:\n      - http.response_time.p95: 50\n    \
         maxErrorRate: 1\nscenarios:\n  - flow:\n      - get:\n          url: \"/api/v1/agents\"\n",
    );
    let (code, out, stderr) = check_json(&dir.path().join("wrk-run"), &script, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(out["exit_code"], 2, "{out:#}");
    assert!(stderr.contains("an Artillery script"), "{stderr}");
    assert!(stderr.contains("rules = ["), "{stderr}");
    assert!(!stderr.contains("expected `.`"), "{stderr}");
}

/// A CI job checked two run dirs at once (`check run-a run-b`, two services' or two
/// generators' runs), each with a `peak/` stage dir of 10 users, against an SLA whose
/// `verdict_stages = ["peak"]`. headroom names them `peak_10users` and
/// `peak_10users_2`; `peak` singled out the first (p95 ≈ 29 ms by construction) and
/// left the second (p95 ≈ 309 ms, 3× the 100 ms limit) "non-gating": GO, exit 0.
/// Now `peak` names both, each judged and deciding (qa49: as without users, not an
/// error), so the second's miss is a NO-GO; named both ways, too.
#[test]
fn the_same_stage_in_two_run_dirs_is_not_judged_on_the_first_alone() {
    let dir = TestDir::new();
    let start = 1_764_950_400_000i64;
    dir.write(
        "run-a/peak/results.jtl",
        jtl(start, 1000, "GET /api/x", 10, |i| 20 + i % 10),
    );
    dir.write(
        "run-b/peak/results.jtl",
        jtl(start + 600_000, 1000, "GET /api/x", 10, |i| 300 + i % 10),
    );
    let run_a = dir.path().join("run-a");
    for (file, stages) in [
        ("sla.toml", "\"peak\""),
        ("sla-both.toml", "\"peak_10users\", \"peak_10users_2\""),
    ] {
        let sla = dir.write(
            file,
            format!("[global]\nverdict_stages = [{stages}]\nrules = [\"p(95) < 100ms\"]\n"),
        );
        let o = headroom(&[
            "check",
            run_a.to_str().unwrap(),
            dir.path().join("run-b").to_str().unwrap(),
            "--sla",
            sla.to_str().unwrap(),
            "--json",
        ]);
        let out: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(o.status.code(), Some(1), "{out:#}");
        assert_eq!(out["verdict"], "NO-GO", "{out:#}");
        let second = evals(&out, "p(95) < 100ms", Some("peak_10users_2"));
        assert_eq!(second[0]["status"], "fail", "{out:#}");
        assert_eq!(second[0]["decides_verdict"], true, "{out:#}");
        let v = second[0]["value"].as_f64().unwrap();
        // 300..309 ms, within the latency histogram's 3 significant digits.
        assert!((300.0..=310.0).contains(&v), "{:#}", second[0]);
    }
}
