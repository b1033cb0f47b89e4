//! k6 end-of-test summaries : the legacy `--summary-export` file,
//! the `handleSummary(data)` object, and k6 1.x's machine-readable summary. They
//! hold k6's own aggregates only, so the source is one whole-run stage (ramps
//! included) with a *tool summary* latency distribution: `med` is p50, `p(N)` is
//! pN, as k6 computed them.
//!
//! Requests are `http_reqs.count` (gRPC-only tests: `grpc_reqs.count`); failures
//! are `http_req_failed.passes` — for this rate metric a "pass" is a non-zero
//! sample, i.e. a **failed** request. Latency is `http_req_duration`, latency of
//! successes `http_req_duration{expected_response:true}`. The duration is
//! `state.testRunDurationMs` (or the 1.x `config.duration`), else count ÷ rate.
//! The console's text summary is `console.rs`.
//!
//! Each metric's `thresholds` are k6's own pass/fail checks, kept as the run's tool
//! checks: `--summary-export` writes `"p(95)<500": true` for a threshold that
//! **failed** (k6 kept that inverted sense for compatibility, grafana/k6#1498),
//! `handleSummary()` data `{"ok": false}`.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::stages::StagePlan;
use crate::ingest::text::read_text;
use crate::ingest::Format;
use crate::ingest::{problem, IngestOptions};
use crate::model::{
    EndpointKey, EndpointStats, FailureKind, LatencyDistribution, PercentileSummary, Problem,
    ScriptChecks, Source, Stage, ToolCheck,
};

/// The `k6-summary` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::K6Summary,
    name: "k6-summary",
    tool: "k6",
    sniff: Sniff::Content(|h| looks_like_k6_summary(h.text)),
    reads_gzip: true,
    reader: Reader::Source(build_source),
    splittable: false,
    notes: &[],
    detected_by: "JSON object with root_group, metrics or k6Version",
    example: "k6 run --summary-export=summary.json script.js",
};

/// True when a head looks like a k6 summary JSON object.
pub fn looks_like_k6_summary(head: &str) -> bool {
    let t = head.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('{')
        && (t.contains("\"root_group\"")
            || t.contains("\"k6Version\"")
            || t.contains("\"metrics\"")
                && (t.contains("\"http_reqs\"") || t.contains("\"testRunDurationMs\"")))
}

/// Metric name → statistic → value, whatever the shape.
type Metrics = BTreeMap<String, BTreeMap<String, f64>>;

/// The summary's metrics and its shape's name.
fn metrics(v: &Value) -> Option<(Metrics, &'static str)> {
    let numbers = |o: &serde_json::Map<String, Value>| -> BTreeMap<String, f64> {
        o.iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
            .collect()
    };
    if let Some(list) = v.pointer("/results/metrics").and_then(Value::as_array) {
        let m = list
            .iter()
            .filter_map(|m| {
                let name = m.get("name")?.as_str()?.to_string();
                Some((name, numbers(m.get("values")?.as_object()?)))
            })
            .collect();
        return Some((m, "k6 machine-readable summary (k6 1.x)"));
    }
    let obj = v.get("metrics")?.as_object()?;
    let nested = obj.values().any(|m| m.get("values").is_some());
    let m = obj
        .iter()
        .filter_map(|(name, m)| {
            let stats = if nested { m.get("values")? } else { m };
            Some((name.clone(), numbers(stats.as_object()?)))
        })
        .collect();
    Some((
        m,
        if nested {
            "k6 handleSummary() data"
        } else {
            "k6 --summary-export (legacy)"
        },
    ))
}

/// k6's thresholds in the summary, each with whether it held: `{"expr": failed}`
/// (`--summary-export`) or `{"expr": {"ok": held}}` (`handleSummary()`, k6 1.x).
fn thresholds(v: &Value, path: &Path) -> Vec<ToolCheck> {
    let metrics: Vec<(&str, &Value)> = match v.pointer("/results/metrics").and_then(Value::as_array)
    {
        Some(list) => (list.iter())
            .filter_map(|m| Some((m.get("name")?.as_str()?, m)))
            .collect(),
        None => (v.get("metrics").and_then(Value::as_object).into_iter())
            .flatten()
            .map(|(name, m)| (name.as_str(), m))
            .collect(),
    };
    let mut checks = Vec::new();
    for (metric, m) in metrics {
        let Some(all) = m.get("thresholds").and_then(Value::as_object) else {
            continue;
        };
        for (expr, result) in all {
            let passed = match result {
                Value::Bool(failed) => !failed,
                Value::Object(o) => match o.get("ok").and_then(Value::as_bool) {
                    Some(ok) => ok,
                    None => continue,
                },
                _ => continue,
            };
            checks.push(ToolCheck {
                tool: "k6".into(),
                name: format!("{metric}: {expr}"),
                passed,
                file: path.shown().to_string(),
            });
        }
    }
    checks
}

/// The script's checks: by name from the groups (`root_group` and those under it; a
/// map in `--summary-export`, a list in `handleSummary()`), else the `checks` rate's
/// `passes` and `fails` (`totals`) unnamed.
fn script_checks(v: &Value, totals: (Option<f64>, Option<f64>)) -> ScriptChecks {
    fn items(v: Option<&Value>) -> Vec<&Value> {
        match v {
            Some(Value::Array(list)) => list.iter().collect(),
            Some(Value::Object(map)) => map.values().collect(),
            _ => Vec::new(),
        }
    }
    fn walk(group: &Value, out: &mut ScriptChecks) {
        for c in items(group.get("checks")) {
            let count = |k: &str| c.get(k).and_then(Value::as_u64).unwrap_or(0);
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
            out.add(name, count("passes"), count("fails"));
        }
        for g in items(group.get("groups")) {
            walk(g, out);
        }
    }
    let mut named = ScriptChecks::default();
    if let Some(root) = v.get("root_group") {
        walk(root, &mut named);
    }
    let count = |x: Option<f64>| x.filter(|x| *x >= 0.0 && x.is_finite()).map(|x| x as u64);
    match (count(totals.0), count(totals.1)) {
        // The groups name them when they add up to the rate's counts.
        (Some(p), Some(f)) if named.totals() != (p, f) => {
            let mut all = ScriptChecks::default();
            all.add("", p, f);
            all
        }
        _ => named,
    }
}

/// A trend's figures as a percentile summary (`med` → p50, `p(N)` → pN).
fn summary(stats: &BTreeMap<String, f64>, count: u64) -> PercentileSummary {
    let mut points: Vec<(f64, f64)> = stats
        .iter()
        .filter_map(|(k, v)| {
            let p = match k.as_str() {
                "med" => 50.0,
                k => k.strip_prefix("p(")?.strip_suffix(')')?.parse().ok()?,
            };
            (p > 0.0 && p <= 100.0).then_some((p, *v))
        })
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points.dedup_by(|a, b| a.0 == b.0);
    PercentileSummary {
        sd_ms: None,
        count,
        mean_ms: stats.get("avg").copied(),
        min_ms: stats.get("min").copied(),
        max_ms: stats.get("max").copied(),
        points,
        merged: false,
        co_corrected: false,
    }
}

/// Builds the source of one k6 summary file.
pub fn build_source(
    path: &Path,
    plan: &StagePlan,
    opts: &IngestOptions,
) -> Result<Source, Problem> {
    let text = read_text(path).map_err(|e| problem(path, None, format!("cannot read: {e}")))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| problem(path, Some(e.line() as u64), format!("not valid JSON: {e}")))?;
    let (m, shape) = metrics(&v)
        .ok_or_else(|| problem(path, None, "a k6 summary without a `metrics` object"))?;
    let stat = |metric: &str, s: &str| m.get(metric).and_then(|x| x.get(s)).copied();
    let (reqs, duration_metric, name) = if m.contains_key("http_reqs") {
        ("http_reqs", "http_req_duration", "all HTTP requests")
    } else if m.contains_key("grpc_reqs") {
        ("grpc_reqs", "grpc_req_duration", "all gRPC requests")
    } else {
        return Err(problem(
            path,
            None,
            "k6 summary without `http_reqs` or `grpc_reqs`: no request count to report",
        ));
    };
    let requests = stat(reqs, "count")
        .filter(|c| *c >= 0.0)
        .ok_or_else(|| problem(path, None, format!("`{reqs}` has no `count`")))
        .and_then(|c| {
            // 2^64: a count a u64 cannot hold would saturate.
            if c < 18_446_744_073_709_551_616.0 {
                Ok(c)
            } else {
                Err(problem(
                    path,
                    None,
                    format!(
                        "`{reqs}.count` is {c}, more than {} — not a real count",
                        u64::MAX
                    ),
                ))
            }
        })? as u64;
    let mut notes = vec![format!(
        "{shape}: k6's own whole-run aggregates (ramps included); percentiles as k6 \
         computed them"
    )];
    // `passes` of the http_req_failed rate are the failed requests.
    let failures = match stat("http_req_failed", "passes") {
        Some(f) if (0.0..=requests as f64).contains(&f) => f as u64,
        Some(f) => {
            return Err(problem(
                path,
                None,
                format!(
                    "`http_req_failed.passes` is {f} but `{reqs}.count` only {requests} — \
                     more failures than requests"
                ),
            ))
        }
        None => {
            notes.push(format!(
                "no `http_req_failed` metric (k6 < 0.31, or not HTTP): failures unknown, \
                 counted as 0 of {requests}"
            ));
            0
        }
    };
    let duration_s = v
        .pointer("/state/testRunDurationMs")
        .and_then(Value::as_f64)
        .map(|ms| ms / 1000.0)
        .or_else(|| v.pointer("/config/duration").and_then(Value::as_f64))
        .or_else(|| {
            stat(reqs, "rate")
                .filter(|r| *r > 0.0)
                .map(|r| requests as f64 / r)
        })
        .filter(|d| *d > 0.0);
    let vus_max = stat("vus", "max").or_else(|| stat("vus_max", "max"));

    let key = EndpointKey::new(None, name);
    let mut overall = Stage::named("overall");
    overall.duration_s = duration_s;
    overall.window_basis = "whole run (k6 end-of-test summary, ramps included)".into();
    if opts.keeps(&key) {
        let mut ep = EndpointStats::new(key.clone());
        ep.requests = requests;
        ep.failures = failures;
        if failures > 0 {
            ep.add_failure(FailureKind::Other, None, failures);
        }
        let trend = m.get(duration_metric).cloned().unwrap_or_default();
        let count = stat(duration_metric, "count").map_or(requests, |c| c as u64);
        ep.latency = LatencyDistribution::Summary(summary(&trend, count));
        ep.ok_latency = m
            .get(&format!("{duration_metric}{{expected_response:true}}"))
            .map(|s| {
                let n = s
                    .get("count")
                    .map_or(requests.saturating_sub(failures), |c| *c as u64);
                LatencyDistribution::Summary(summary(s, n))
            });
        ep.bytes_received = stat("data_received", "count").map(|b| b as u64);
        overall.endpoints.insert(key, ep);
    }
    if failures > 0 {
        notes.push("the summary does not say why requests failed: their kind is `other`".into());
    }

    let stages = whole_run_stages(plan, &mut overall, vus_max, opts, &mut notes);
    let src = Source {
        tool: "k6".into(),
        stages,
        overall,
        notes,
        tool_checks: thresholds(&v, path),
        script_checks: script_checks(&v, (stat("checks", "passes"), stat("checks", "fails"))),
        ..Default::default()
    };
    crate::ingest::summary::check_source(path, &src)?;
    Ok(src)
}

/// The summary's one whole-run stage under the stage plan (a manifest of several
/// stages gets one `whole_run` stage, and a note says why), marked untrimmed, as
/// `overall` is, when time flags ask for less than the whole run.
fn whole_run_stages(
    plan: &StagePlan,
    overall: &mut Stage,
    vus_max: Option<f64>,
    opts: &IngestOptions,
    notes: &mut Vec<String>,
) -> Vec<Stage> {
    let mut stages = whole_run_stages_of(plan, overall, vus_max, notes);
    let fit = crate::ingest::untrimmed::window_fit("k6", None, opts, false);
    for stage in &mut stages {
        notes.extend(crate::ingest::untrimmed::apply(&fit, stage));
    }
    overall.untrimmed = stages.first().and_then(|s| s.untrimmed.clone());
    stages
}

/// [`whole_run_stages`] before the time flags.
fn whole_run_stages_of(
    plan: &StagePlan,
    overall: &Stage,
    vus_max: Option<f64>,
    notes: &mut Vec<String>,
) -> Vec<Stage> {
    let whole = |name: &str, users: Option<u32>| {
        let mut s = overall.clone();
        s.name = name.to_string();
        s.users = users.or_else(|| vus_max.map(|u| u.round() as u32));
        s.window_basis = "whole run: k6's summary covers the ramp too".into();
        s
    };
    match plan {
        StagePlan::WholeDir { name, users, .. } => vec![whole(name, *users)],
        StagePlan::Detect { fallback, .. } => vec![whole(fallback, None)],
        StagePlan::Manifest(specs) if specs.len() == 1 => {
            vec![whole(&specs[0].name, specs[0].users)]
        }
        StagePlan::Manifest(specs) => {
            notes.push(format!(
                "the manifest lists {} stages but k6's summary covers the whole run: \
                 reported as one stage",
                specs.len()
            ));
            vec![whole("whole_run", None)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_stats_become_points() {
        let stats: BTreeMap<String, f64> = [
            ("avg", 21.0),
            ("med", 20.0),
            ("p(90)", 26.0),
            ("p(99.9)", 80.0),
            ("max", 143.0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let s = summary(&stats, 10);
        assert_eq!(s.points, vec![(50.0, 20.0), (90.0, 26.0), (99.9, 80.0)]);
        assert_eq!(s.max_ms, Some(143.0));
    }

    #[test]
    fn detection() {
        assert!(looks_like_k6_summary(
            "{\n \"root_group\": {}, \"metrics\": {}}"
        ));
        assert!(looks_like_k6_summary(
            "{\"options\":{},\"state\":{\"testRunDurationMs\":1},\"metrics\":{}}"
        ));
        assert!(!looks_like_k6_summary("{\"aggregate\":{\"counters\":{}}}"));
    }
}
