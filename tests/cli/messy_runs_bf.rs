//! Messy runs, batch "bf" (qa61): a new team's release dir as a week of habits leaves
//! it: stage dirs `01-smoke` (hey's CSV), `ramp 50` (autocannon in a shell loop over
//! `-R 50 100 200`, one JSON a step, the same `-c 20` each time), consoles and strays
//! beside them. autocannon's JSON does not record `-R`: the steps share their
//! connections, so they used to be pooled as one stage whose rate no step went at
//! (and which the audit then rejected); and hey's CSV, timed from its own start (1970),
//! beside wall-clock stages made the run span 56 years.

use std::process::Output;

use super::common::{analyze_json, headroom, TestDir};
use serde_json::Value;

/// autocannon's `--json` result (the fields its 7.x writes), for `total` answers in a
/// `duration` s run from `start` to `finish`, at `connections`, mean latency `mean` ms.
fn autocannon(start: &str, finish: &str, duration: f64, total: u64, mean: f64, c: u32) -> String {
    format!(
        r#"{{"url":"http://127.0.0.1:18480/api/v1/agents","connections":{c},"sampleInt":1000,"pipelining":1,"workers":0,"duration":{duration},"samples":3,"start":"{start}","finish":"{finish}","errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":{total},"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{{"200":{{"count":{total}}}}},"latency":{{"average":{mean},"mean":{mean},"stddev":5,"min":1,"max":60,"p0_001":1,"p0_01":1,"p0_1":1,"p1":2,"p2_5":3,"p10":5,"p25":8,"p50":{p50},"p75":15,"p90":25,"p97_5":40,"p99":50,"p99_9":58,"p99_99":60,"p99_999":60,"totalCount":{total}}},"requests":{{"average":{avg},"mean":{avg},"stddev":4,"min":1,"max":1,"total":{total},"sent":{total}}},"throughput":{{"average":10000,"mean":10000,"total":30000}}}}"#,
        p50 = mean.round(),
        avg = total as f64 / duration,
    )
}

/// The loop's three steps in `ramp 50/`, named as the team's loop named them (so
/// that name order, R100 < R200 < R50, is not time order): 150, 300 and 600 answers
/// in 3 s each, 12 ms mean, 20 connections.
fn ramp_steps(dir: &TestDir) {
    let steps = [
        ("ac-R50.json", "10:00:00", "10:00:03", 150),
        ("ac-R100.json", "10:00:05", "10:00:08", 300),
        ("ac-R200.json", "10:00:10", "10:00:13", 600),
    ];
    for (file, a, b, total) in steps {
        let (start, finish) = (
            format!("2026-12-06T{a}.000Z"),
            format!("2026-12-06T{b}.000Z"),
        );
        let json = autocannon(&start, &finish, 3.0, total, 12.0, 20);
        dir.write(&format!("rel/ramp 50/{file}"), json);
    }
    dir.write(
        "rel/ramp 50/console.log",
        "== autocannon -R 50\n== autocannon -R 100\n== autocannon -R 200\n",
    );
    dir.write("rel/ramp 50/dash.png", b"\x89PNG\r\n\x1a\nxx");
}

fn stages(report: &Value) -> Vec<&Value> {
    report["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .collect()
}

/// Three `autocannon -R` steps at one `-c` are three load levels, in the order they
/// ran, each at its own rate (answers ÷ 3 s: 50, 100, 200 req/s), not one stage at
/// 1,050 ÷ 13 s; their connections are no users; nothing in the audit is impossible.
#[test]
fn autocannon_rate_steps_at_one_concurrency_are_levels_of_their_own() {
    let dir = TestDir::new();
    ramp_steps(&dir);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("rel")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let got = stages(&report);
    assert_eq!(got.len(), 3, "{:#}", report["stages"]);
    for (stage, (requests, rate)) in got.iter().zip([(150, 50.0), (300, 100.0), (600, 200.0)]) {
        assert_eq!(stage["requests"], requests, "{stage:#}");
        let tp = stage["throughput_rps"].as_f64().unwrap();
        assert!((tp - rate).abs() < 0.5, "{} req/s, want {rate}", tp);
        assert!(stage["users"].is_null(), "{stage:#}");
    }
    let audit = report["audit"].to_string();
    assert!(!audit.contains("\"impossible\""), "{audit}");
    let notes = report.to_string();
    assert!(notes.contains("50.0, 100.0, 200.0 req/s"), "{notes}");
    assert!(notes.contains("paced at different rates"), "{notes}");
}

/// The team's SLA floor on the ramp (`throughput > 100` under `[stage.Ramp50]`) judges
/// each step: the 50 req/s step misses it (2× under), so `check` fails; pooled, the
/// stage went at 1,050 ÷ 13 s ≈ 81 req/s or, worse, at a mean no step went at.
#[test]
fn an_sla_floor_on_the_ramp_judges_each_step() {
    let dir = TestDir::new();
    ramp_steps(&dir);
    let o = check_rel(&dir, "[stage.Ramp50]\nrules = [\"throughput > 100\"]\n");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let miss = out
        .lines()
        .find(|l| l.contains("FAIL"))
        .expect("a failing step");
    assert!(
        miss.contains("50 req/s") || miss.contains("50.0 req/s"),
        "{out}"
    );
}

/// Two runs at one `-c` that kept their connections busy (20 connections × 20 ms mean
/// → about 1,000 req/s, and they went at 1,000 and 1,050) are repeats: one stage of
/// 6,150 requests at its 20 users, as before.
#[test]
fn busy_repeats_at_one_concurrency_still_pool() {
    let dir = TestDir::new();
    let a = autocannon(
        "2026-12-06T10:00:00.000Z",
        "2026-12-06T10:00:03.000Z",
        3.0,
        3000,
        20.0,
        20,
    );
    let b = autocannon(
        "2026-12-06T10:00:05.000Z",
        "2026-12-06T10:00:08.000Z",
        3.0,
        3150,
        19.0,
        20,
    );
    dir.write("run/ac-1.json", a);
    dir.write("run/ac-2.json", b);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let got = stages(&report);
    assert_eq!(got.len(), 1, "{:#}", report["stages"]);
    assert_eq!(got[0]["requests"], 6150);
    assert_eq!(got[0]["users"], 20);
}

/// hey's CSV (times from its own start: 1970) in `01-smoke/` beside autocannon's
/// wall-clock JSON in `ramp 50/`: the run is not 56 years long. The stage dirs ran one
/// after another, so the overall duration is their lengths added, and the overall
/// throughput is every request over it.
#[test]
fn hey_csv_from_its_own_start_beside_wall_clock_stages_spans_no_years() {
    let dir = TestDir::new();
    ramp_steps(&dir);
    let mut csv =
        String::from("response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n");
    for i in 0..300 {
        let offset = i as f64 * 0.01;
        csv.push_str(&format!(
            "0.0200,0.0001,0.0000,0.0000,0.0199,0.0000,200,{offset:.4}\n"
        ));
    }
    dir.write("rel/01-smoke/hey.csv", csv);
    dir.write(
        "rel/01-smoke/cmd.sh",
        "hey -z 3s -c 2 -o csv URL > hey.csv\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("rel")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let text = report.to_string();
    assert!(!text.contains("years"), "{stderr}\n{text}");
    let stage_time: f64 = stages(&report)
        .iter()
        .map(|s| s["duration_s"].as_f64().expect("a duration"))
        .sum();
    let overall = &report["overall"];
    let duration = overall["duration_s"].as_f64().unwrap();
    // hey's 3 s, and the loop's 13 s from its first start to its last finish.
    let hey = stage_time - 9.0;
    assert!((duration - (hey + 13.0)).abs() < 0.01, "{overall:#}");
    let tp = overall["throughput_rps"].as_f64().unwrap();
    assert!((tp - 1350.0 / duration).abs() < 0.01, "{tp}");
}

/// wrk's console of one URL, 25,000 answers in 10 s at 50 connections (20 ms mean: 50 ÷
/// 0.020 s = 2,500 req/s), p99 48 ms.
const WRK_PEAK: &str = "Running 10s test @ http://127.0.0.1:18480/api/v1/agents
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    20.00ms    8.00ms  60.00ms   70.00%
    Req/Sec     1.25k    50.00     1.40k    70.00%
  Latency Distribution
     50%   19.00ms
     75%   25.00ms
     90%   35.00ms
     99%   48.00ms
  25000 requests in 10.00s, 2.00MB read
Requests/sec:   2500.00
Transfer/sec:    100.00KB
";

/// Locust's stats CSV of the soak (its `Type,Name` rows: `GET /api/v1/agents`).
const LOCUST_SOAK: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,/api/v1/agents,3000,0,21,23.0,5.0,80.0,91.0,100.0,0.0,21,25,28,31,38,42,51,59,78,80,80
,Aggregated,3000,0,21,23.0,5.0,80.0,91.0,100.0,0.0,21,25,28,31,38,42,51,59,78,80,80
";

/// An SLA written by route alone (`[endpoint."/api/v1/agents"]`) over stage dirs whose
/// tools spell that URL their own ways (wrk's full URL in `PEAK_200vu/`, Locust's `GET
/// /api/v1/agents` in `soak/`): the rule judges the URL in every stage — wrk's p99 of
/// 48 ms passes `p(99) < 250ms` on the verdict stage — where it used to single out
/// Locust's spelling and leave the verdict stage "insufficient data" (no GO).
#[test]
fn a_route_named_rule_judges_each_tools_spelling_of_the_url() {
    let dir = TestDir::new();
    dir.write("rel/PEAK_200vu/wrk-peak.txt", WRK_PEAK);
    dir.write("rel/soak/soak_stats.csv", LOCUST_SOAK);
    let o = check_rel(
        &dir,
        "[global]\nverdict_stages = [\"Peak 200VU\"]\n[endpoint.\"/api/v1/agents\"]\nrules = [\"p(99) < 250ms\"]\n",
    );
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    let peak = (out.lines())
        .find(|l| l.contains("PEAK_200vu ·"))
        .unwrap_or_else(|| panic!("{out}\n{err}"));
    assert!(
        peak.contains("48 ms") && peak.contains("pass"),
        "{out}\n{err}"
    );
    let soak = out
        .lines()
        .find(|l| l.contains("soak ·"))
        .expect("soak row");
    assert!(soak.contains("59 ms") && soak.contains("pass"), "{out}");
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert!(
        err.contains("verdict: GO") || out.contains("verdict: GO"),
        "{out}\n{err}"
    );
}

/// `check` of the dir's `rel/` run against the SLA file `sla` (written into the dir),
/// colour off.
fn check_rel(dir: &TestDir, sla: &str) -> Output {
    let sla = dir.write("sla.toml", sla);
    headroom(&[
        "check",
        dir.path().join("rel").to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--color",
        "never",
    ])
}
