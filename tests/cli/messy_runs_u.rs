//! Messy runs, batch "u" (qa27): runs at the scale and shape real teams have. URLs
//! with IDs in them (k6 without `name` tags, Locust without `name=`, JMeter labels that
//! are URLs) give thousands of endpoints, which an SLA written for the route
//! (`GET /users/{id}`) must still judge; a stepped ramp of many short steps in one file
//! is many stages, not its last step alone.

use std::path::Path;

use serde_json::Value;

use super::check::check_json;
use super::common::{nearest_rank, TestDir};

/// The evaluations of `rule` on `endpoint` in check's JSON, by stage (`None` = overall).
fn evaluations<'a>(out: &'a Value, rule: &str, endpoint: &str) -> Vec<&'a Value> {
    (out["sla"]["rules"].as_array().expect("rules"))
        .iter()
        .filter(|e| e["rule"] == rule && e["endpoint"] == endpoint)
        .collect()
}

/// An SLA section written as a route (`GET /users/{id}`, the name a k6 `name` tag or
/// Locust `name=` would have given) on a run whose URLs carry the IDs (`/users/1` …
/// `/users/50`): the section judges those endpoints pooled. Before, its rules were
/// `not_run` ("names no endpoint in the data") and the run passed GO on the /health
/// checks alone while every /users request was over the limit.
#[test]
fn a_route_in_the_sla_judges_the_endpoints_with_ids_in_their_urls() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    let t0 = 1_796_400_000_000_i64;
    let mut users_ms = Vec::new();
    for i in 0..200_i64 {
        let ms = 100 + i;
        users_ms.push(ms as f64);
        csv += &format!("{},/users/{},GET,{ms},200\n", t0 + i * 50, i % 50 + 1);
        csv += &format!("{},/health,GET,2,200\n", t0 + i * 50 + 25);
    }
    let run = dir.write("run/requests.csv", csv);
    let run = run.parent().unwrap();
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 5%\"]\n\
         [endpoint.\"GET /users/{id}\"]\nrules = [\"p(95) < 250ms\"]\n",
    );
    let (code, out, err) = check_json(run, &sla, &[]);
    // p95 of the 200 /users latencies (100 … 299 ms), nearest rank: 289 ms > 250 ms.
    let p95 = nearest_rank(&users_ms, 95.0);
    assert_eq!(p95, 289.0);
    assert_eq!(
        code, 1,
        "the route's p95 is over its limit: NO-GO\n{out}\n{err}"
    );
    assert_eq!(out["verdict"], "NO-GO", "{out}");
    let evals = evaluations(&out, "p(95) < 250ms", "GET /users/{id}");
    assert_eq!(evals.len(), 2, "the stage and overall: {out}");
    for e in evals {
        assert_eq!(e["status"], "fail", "{e}");
        let v = e["value"].as_f64().unwrap();
        assert!((v - p95).abs() / p95 < 0.01, "p95 {v} vs {p95}");
    }
    let notes: Vec<&str> = (out["warnings"].as_array().expect("warnings").iter())
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("[endpoint.\"GET /users/{id}\"] is a route")
                && n.contains("the 50 endpoints of that route")),
        "the note says what was pooled: {notes:?}"
    );
}

/// A JTL of a stepped ramp: `levels` users, each held `hold_s` seconds, two requests a
/// second (at .0 and .5 s), latency `10 + users` ms.
fn stepped_jtl(levels: &[u32], hold_s: i64) -> String {
    let mut jtl = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
         failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
    );
    let t0 = 1_796_400_000_000_i64;
    for (k, &users) in levels.iter().enumerate() {
        for i in 0..hold_s * 2 {
            let t = t0 + (k as i64 * hold_s) * 1000 + i * 500;
            let ms = 10 + users;
            jtl += &format!(
                "{t},{ms},GET /api/items,200,OK,TG 1-{},text,true,,300,100,{users},{users},\
                 http://x/api/items,{ms},0,0\n",
                i % users as i64 + 1
            );
        }
    }
    jtl
}

/// The stages of `analyze`'s report.json for the run dir `run`.
fn stages(run: &Path) -> Vec<(String, u64, u64)> {
    let (code, report, err) = super::common::analyze_json(&[run], &["--charts", "none"]);
    assert_eq!(code, 0, "{err}");
    (report["stages"].as_array().expect("stages").iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["users"].as_u64().unwrap_or(0),
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A stepped ramp of 25 steps in one JTL (4, 8, … 100 threads, 40 s each: 4 % of the
/// run, under the 5 % a plateau needed) is 25 stages of 80 requests each (2 a second
/// for 40 s). Before, no level counted as a plateau: the report showed one stage, the
/// last step (100 users) alone, and the 24 others were in no stage. A slow linear ramp
/// (one user more every 40 s) stays one stage: its levels are a ramp's, not steps.
#[test]
fn a_stepped_ramp_of_many_short_steps_in_one_file_is_one_stage_a_step() {
    let dir = TestDir::new();
    let levels: Vec<u32> = (1..=25).map(|k| 4 * k).collect();
    let run = dir.write("ramp/results.jtl", stepped_jtl(&levels, 40));
    let found = stages(run.parent().unwrap());
    let expected: Vec<(String, u64, u64)> = (levels.iter())
        .map(|&u| (format!("{u}_users"), u64::from(u), 80))
        .collect();
    assert_eq!(found, expected);

    let slow: Vec<u32> = (1..=25).collect();
    let run = dir.write("slow/results.jtl", stepped_jtl(&slow, 40));
    let found = stages(run.parent().unwrap());
    assert_eq!(
        found.len(),
        1,
        "a linear ramp is no series of stages: {found:?}"
    );
}

/// A 4-hour soak at 10 users, one request every 5 s (2,880 rows), latency `100 ms × (1 +
/// rate_per_h × hours) × (0.8, 1.0 or 1.25 in turn)`.
fn soak_csv(rate_per_h: f64) -> String {
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,users\n");
    let t0 = 1_796_400_000_000_i64;
    let jitter = [0.8, 1.0, 1.25];
    for i in 0..2880_i64 {
        let hours = (i * 5) as f64 / 3600.0;
        let ms = 100.0 * (1.0 + rate_per_h * hours) * jitter[(i % 3) as usize];
        csv += &format!("{},/api/items,GET,{ms:.3},200,10\n", t0 + i * 5000);
    }
    csv
}

/// The bottleneck hints of `rule` in `analyze`'s report.json for the run dir `run`.
fn hints(run: &Path, rule: &str) -> Vec<Value> {
    let (code, report, err) = super::common::analyze_json(&[run], &["--charts", "none"]);
    assert_eq!(code, 0, "{err}");
    (report["bottlenecks"]
        .as_array()
        .expect("bottlenecks")
        .iter())
    .filter(|h| h["rule"] == rule)
    .cloned()
    .collect()
}

/// A soak whose latency rises 3 % an hour (a leak): over 4 h the p95 ends 12 % above
/// where it started (1 + 0.03 × 4), below the 1.5× the drift hint needed, so the report
/// said nothing of it. It now names the steady rise and its rate; the same soak at a
/// flat level gets no such hint.
#[test]
fn a_soak_whose_latency_rises_slowly_is_said_to_drift() {
    let dir = TestDir::new();
    let leak = dir.write("leak/requests.csv", soak_csv(0.03));
    let found = hints(leak.parent().unwrap(), "slow_latency_drift");
    assert_eq!(found.len(), 1, "{found:?}");
    let symptom = found[0]["symptom"].as_str().unwrap();
    let rise: f64 = (symptom.split("by ").nth(1))
        .and_then(|r| r.split(" %").next())
        .and_then(|r| r.parse().ok())
        .unwrap_or_else(|| panic!("no rise in {symptom}"));
    // 12 % by the fixture's arithmetic; the per-interval p95 keeps 2 significant digits.
    assert!((10.0..=14.0).contains(&rise), "{symptom}");
    assert!(
        symptom.contains("% an hour"),
        "the rate an hour is given: {symptom}"
    );
    assert!(hints(leak.parent().unwrap(), "latency_drift").is_empty());

    let flat = dir.write("flat/requests.csv", soak_csv(0.0));
    assert!(hints(flat.parent().unwrap(), "slow_latency_drift").is_empty());
}

/// A soak whose latency climbs 50 % an hour for 4 h passes `p(50) < 230ms` on the whole
/// stage (its median, 197 ms, mixes the fast start with the slow end), while its last
/// third is past the limit (267 ms) and its first third well within it (131 ms): by
/// the fixture's arithmetic, nearest rank over the first and last 960 of its 2,880
/// requests. Before, that was a plain GO; now the pass is not proven (CONDITIONAL),
/// and the note says the stage drifts. The flat soak stays GO.
#[test]
fn a_latency_pass_on_a_soak_that_drifts_past_the_limit_is_not_a_go() {
    let dir = TestDir::new();
    let csv = soak_csv(0.5);
    let latencies: Vec<f64> = (csv.lines().skip(1))
        .map(|l| l.split(',').nth(3).unwrap().parse().unwrap())
        .collect();
    let (whole, first, last) = (
        nearest_rank(&latencies, 50.0),
        nearest_rank(&latencies[..960], 50.0),
        nearest_rank(&latencies[latencies.len() - 960..], 50.0),
    );
    assert!(
        first < 230.0 && whole < 230.0 && last > 230.0,
        "{first} {whole} {last}"
    );
    let run = dir.write("leak/requests.csv", csv);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(50) < 230ms\"]\n");
    let (code, out, err) = check_json(run.parent().unwrap(), &sla, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out["verdict"], "CONDITIONAL", "{out}");
    let stage = (out["sla"]["rules"].as_array().unwrap().iter())
        .find(|e| e["stage"].is_string())
        .expect("the stage's evaluation");
    assert_eq!(stage["status"], "not_proven", "{stage}");
    let v = stage["value"].as_f64().unwrap();
    assert!(
        (v - whole).abs() / whole < 0.01,
        "the whole stage's median {v} vs {whole}"
    );
    let note = stage["note"].as_str().unwrap();
    assert!(note.contains("latency drifts"), "{note}");

    let flat = dir.write("flat/requests.csv", soak_csv(0.0));
    let (code, out, _) = check_json(flat.parent().unwrap(), &sla, &[]);
    assert_eq!((code, out["verdict"].as_str()), (0, Some("GO")), "{out}");
}

/// Six stage dirs of 80 requests each (`step_01_4u` … `step_06_24u`): p90, p95, p99
/// and p99.9 rest on fewer than 10/(1−p) samples in every one (80 < 100). Before, that
/// was one caveat line a stage (40 lines for a 40-step ramp, in the terminal and the
/// report); now the stages that share the thin percentiles are one caveat that counts
/// them and names the first three.
#[test]
fn many_stages_with_thin_percentiles_are_one_caveat() {
    let dir = TestDir::new();
    for k in 1..=6_u32 {
        dir.write(
            &format!("run/step_{k:02}_{}u/results.jtl", 4 * k),
            stepped_jtl(&[4 * k], 40),
        );
    }
    let (code, report, err) =
        super::common::analyze_json(&[&dir.path().join("run")], &["--charts", "none"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["stages"].as_array().unwrap().len(), 6);
    let thin: Vec<&str> = (report["warnings"].as_array().unwrap().iter())
        .filter_map(Value::as_str)
        .filter(|w| w.contains("rest on fewer samples"))
        .collect();
    assert_eq!(thin.len(), 1, "{thin:#?}");
    assert!(
        thin[0].starts_with("6 stages (\"step_01\", \"step_02\", \"step_03\" and 3 more)")
            && thin[0].contains("p90, p95, p99, p99.9 rest")
            && thin[0].contains("(80 latencies each)"),
        "{}",
        thin[0]
    );
}

/// A soak whose generator paused for 10 minutes (one request a second for 0–600 s and
/// 1,200–1,800 s, in one stage dir): the timeline's p95 line has no points in the
/// pause, so it is two polylines, one each side, not one line whose slope across the
/// pause reads as measured latency (as it was). The throughput line, which is 0 there,
/// stays one.
#[test]
fn the_timeline_does_not_draw_latency_across_a_pause() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    let t0 = 1_796_400_000_000_i64;
    for s in (0..600_i64).chain(1200..1800) {
        csv += &format!("{},/api/items,GET,{},200\n", t0 + s * 1000, 20 + s % 7);
    }
    dir.write("run/soak_10users/requests.csv", csv);
    let out = dir.path().join("out");
    let o = super::common::headroom(&[
        "analyze",
        dir.path().join("run/soak_10users").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "svg",
    ]);
    assert!(o.status.code().is_some_and(|c| c == 0 || c == 2), "{o:?}");
    let text = std::fs::read_to_string(out.join("charts/timeline.svg")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let polylines = |id: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("g") && n.attribute("data-series") == Some(id))
            .flat_map(|g| g.descendants().filter(|n| n.has_tag_name("polyline")))
            .count()
    };
    assert_eq!(polylines("p95:soak"), 2, "{text}");
    assert_eq!(polylines("throughput:soak"), 1);
}
