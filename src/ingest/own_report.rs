//! A report.json headroom wrote, read back into a [`Run`], so that a saved report can
//! be judged on an SLA file's rules (`compare --sla` with a report.json candidate) the
//! way `check` judges the run dir it came from. The report keeps, per stage × endpoint,
//! the request and failure counts, the failures by kind, the latency distribution (the
//! exact HdrHistogram when the run had one, else the tool's summary figures: mean, min,
//! p50, p90, p95, p99, p99.9, max), and per stage its users or arrival rate, window,
//! duration, tool and what that tool leaves out (`failures_unseen`). That is what the
//! rules on latency, error rate, availability and throughput read. The verdict rests
//! on more than figures, so the report's problems, skipped files, tool checks and its
//! primary source's flags (`sources[]`: failures it leaves out, unit doubts, runs left
//! out, wrk's coordinated-omission correction, its script's checks) are read back too:
//! judged again, a report is never more favourable than its run dir. What it does not
//! keep is listed in [`FromReport::missing`] (per-interval histograms, so window rules
//! cannot be judged; a summary's other percentiles), and the judging says so where a
//! rule needs it.

use std::collections::BTreeMap;

use base64::Engine as _;
use hdrhistogram::serialization::Deserializer;
use hdrhistogram::Histogram;
use serde::Deserialize;

use crate::model::{
    EndpointKey, EndpointStats, FailureKind, FailuresUnseen, LatencyDistribution,
    PercentileSummary, Run, Source, SourceFlags, Stage,
};

/// A report.json read back: the run it describes, and what it does not keep.
#[derive(Debug)]
pub struct FromReport {
    /// The run, one source (the report's primary one), its stages and endpoints.
    pub run: Run,
    /// What the report does not keep that some rules need, one phrase each.
    pub missing: Vec<String>,
}

#[derive(Deserialize)]
struct Doc {
    #[serde(default)]
    run: DocRun,
    #[serde(default)]
    primary_source: Option<String>,
    #[serde(default)]
    stages: Vec<DocStage>,
    #[serde(default)]
    overall: Option<DocScope>,
    #[serde(default)]
    sources: Vec<DocSource>,
    #[serde(default)]
    tool_checks: Vec<crate::model::ToolCheck>,
    #[serde(default)]
    problems: Vec<crate::model::Problem>,
    #[serde(default)]
    skipped: Vec<crate::model::Skipped>,
}

#[derive(Deserialize)]
struct DocSource {
    tool: String,
    #[serde(default)]
    stages: Vec<String>,
    #[serde(flatten)]
    flags: SourceFlags,
}

#[derive(Default, Deserialize)]
struct DocRun {
    label: Option<String>,
    started: Option<String>,
    ended: Option<String>,
    think_time: Option<String>,
    complete: Option<bool>,
    incomplete_reason: Option<String>,
}

#[derive(Deserialize)]
struct DocStage {
    name: String,
    users: Option<u32>,
    arrival_rate_rps: Option<f64>,
    start: Option<String>,
    end: Option<String>,
    #[serde(default)]
    window_basis: String,
    tool: Option<String>,
    failures_unseen: Option<FailuresUnseen>,
    #[serde(flatten)]
    whole: DocScope,
    #[serde(default)]
    endpoints: Vec<DocEndpoint>,
}

/// A scope's figures as report.json writes them (a stage's, overall's, an endpoint's).
#[derive(Default, Deserialize)]
struct DocScope {
    #[serde(default)]
    requests: u64,
    #[serde(default)]
    failures: u64,
    duration_s: Option<f64>,
    #[serde(default)]
    latency_ms: DocLatency,
    latency_method: Option<String>,
    latency_percentiles_are: Option<String>,
    #[serde(default)]
    failures_by_kind: BTreeMap<String, u64>,
}

#[derive(Deserialize)]
struct DocEndpoint {
    key: String,
    method: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    transaction: bool,
    histogram: Option<String>,
    #[serde(flatten)]
    figures: DocScope,
}

#[derive(Default, Deserialize)]
struct DocLatency {
    mean: Option<f64>,
    min: Option<f64>,
    p50: Option<f64>,
    p90: Option<f64>,
    p95: Option<f64>,
    p99: Option<f64>,
    p999: Option<f64>,
    max: Option<f64>,
    /// The tool's standard deviation (a summary's, when it printed one).
    sd: Option<f64>,
    /// The tool corrected the summary for coordinated omission (absent in reports
    /// older than this field, which said it per source only).
    co_corrected: Option<bool>,
}

/// The run a report.json describes. `Err`: not a report headroom wrote (the JSON
/// error, with its line).
pub fn read_report(text: &str) -> Result<FromReport, String> {
    let doc: Doc = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let tool = doc.primary_source.clone().unwrap_or_default();
    let mut missing = Vec::new();
    let mut summaries = false;
    let mut stages = Vec::new();
    for s in &doc.stages {
        let (stage, summary) = stage_of(s, &tool)?;
        summaries |= summary;
        stages.push(stage);
    }
    // Rules the run dir judged on another tool's measurement of a stage too (the worse
    // decides) cannot be judged again: no GO rests on the shown tool's figures alone.
    let (mut complete, mut incomplete_reason) = (doc.run.complete, doc.run.incomplete_reason);
    if let Some(other) = other_tools(&doc.sources, &tool) {
        if complete != Some(false) {
            complete = Some(false);
            incomplete_reason = Some(format!(
                "the report does not keep {other}: judge the run dir instead"
            ));
        }
        missing.push(other);
    }
    let flags = (doc.sources.into_iter())
        .find(|s| s.tool == tool)
        .map(|s| s.flags)
        .unwrap_or_default();
    // Each summary says its own correction; a report older than that said it for the
    // whole source, which then holds for every stage.
    let per_scope = (doc.stages.iter())
        .flat_map(|s| s.endpoints.iter().map(|e| &e.figures).chain([&s.whole]))
        .any(|f| f.latency_ms.co_corrected.is_some());
    if flags.latency_co_corrected && !per_scope {
        for ep in stages.iter_mut().flat_map(|s| s.endpoints.values_mut()) {
            if let LatencyDistribution::Summary(sum) = &mut ep.latency {
                sum.co_corrected = true;
            }
        }
    }
    let mut overall = Stage::named("overall");
    for s in &stages {
        overall.merge(s);
    }
    if let Some(o) = &doc.overall {
        overall.duration_s = o.duration_s;
    }
    missing.push(
        "per-interval histograms (window rules, `for 30s`, and a drift within a stage)".into(),
    );
    if summaries {
        missing.push(
            "a tool summary's percentiles other than p50, p90, p95, p99 and p99.9".to_string(),
        );
    }
    let run = Run {
        meta: crate::model::RunMeta {
            label: doc.run.label,
            started: doc.run.started,
            ended: doc.run.ended,
            think_time: doc.run.think_time.and_then(|t| t.parse().ok()),
            complete,
            incomplete_reason,
            measured: true,
            ..Default::default()
        },
        sources: vec![Source {
            tool,
            stages,
            overall,
            transport_errors_unseen: flags.transport_errors_unseen,
            outcomes_unseen: flags.outcomes_unseen,
            runs_left_out: flags.runs_left_out,
            latency_unit_doubt: flags.latency_unit_doubt,
            clock_unit_doubt: flags.clock_unit_doubt,
            ok_server_errors: flags.ok_server_errors,
            script_checks: crate::model::ScriptChecks {
                by_name: flags.script_checks,
            },
            ..Default::default()
        }],
        tool_checks: doc.tool_checks,
        problems: doc.problems,
        skipped: doc.skipped,
        ..Default::default()
    };
    Ok(FromReport { run, missing })
}

/// The other sources' measurements of the run's stages (a second tool in a stage
/// dir, `hey` beside `wrk`), which a report keeps as a count only: the rules they
/// judged (where the report's source has no figure, wrk printing no p95, and where they
/// fail a latency rule it passes) cannot be judged again, so the run read back is
/// incomplete. One clause naming each tool and its stages, or `None`.
fn other_tools(sources: &[DocSource], primary: &str) -> Option<String> {
    let mut named: Vec<String> = Vec::new();
    for s in sources
        .iter()
        .filter(|s| s.tool != primary && !s.stages.is_empty())
    {
        let stages: Vec<String> = s.stages.iter().map(|n| format!("`{n}`")).collect();
        named.push(format!("{} of {}", s.tool, stages.join(", ")));
    }
    (!named.is_empty()).then(|| {
        format!(
            "the other load tools' measurements of its stages ({}), on which \
             the run dir judges its rules too (where its own figures have no value, and the \
             worse of two measurements decides)",
            named.join("; ")
        )
    })
}

/// One stage of the report, and whether a summary (no histogram) measured it.
fn stage_of(s: &DocStage, tool: &str) -> Result<(Stage, bool), String> {
    let window = match (s.start.as_deref(), s.end.as_deref()) {
        (Some(a), Some(b)) => Some(super::text::parse_rfc3339_ms(a))
            .flatten()
            .zip(super::text::parse_rfc3339_ms(b)),
        _ => None,
    };
    let mut stage = Stage {
        name: s.name.clone(),
        tool: Some(s.tool.clone().unwrap_or_else(|| tool.to_string())),
        failures_unseen: s.failures_unseen,
        users: s.users,
        arrival_rate_rps: s.arrival_rate_rps,
        window_ms: window,
        duration_s: s.whole.duration_s,
        window_basis: s.window_basis.clone(),
        ..Stage::named(&s.name)
    };
    let mut summary = false;
    for e in &s.endpoints {
        let key = EndpointKey {
            method: e.method.clone(),
            name: e.name.clone().unwrap_or_else(|| e.key.clone()),
        };
        let mut ep = endpoint(key.clone(), &e.figures, e.histogram.as_deref())
            .map_err(|why| format!("stage `{}`, endpoint `{}`: {why}", s.name, e.key))?;
        summary |= !ep.latency.is_exact();
        ep.transaction = e.transaction;
        stage.endpoints.insert(key, ep);
    }
    if s.endpoints.is_empty() && s.whole.requests > 0 {
        // A stage measured only as a whole (a Locust history without its endpoints).
        let agg = endpoint(
            EndpointKey::new(None, crate::model::ALL_REQUESTS),
            &s.whole,
            None,
        )?;
        summary |= !agg.latency.is_exact();
        stage.aggregate = Some(agg);
    }
    Ok((stage, summary))
}

/// One scope's figures as an endpoint: its exact histogram when `histogram` holds
/// one, else the summary the report shows.
fn endpoint(
    key: EndpointKey,
    f: &DocScope,
    histogram: Option<&str>,
) -> Result<EndpointStats, String> {
    let mut ep = EndpointStats::new(key);
    ep.requests = f.requests;
    ep.failures = f.failures;
    for (kind, n) in &f.failures_by_kind {
        let kind: FailureKind = kind.parse().unwrap_or(FailureKind::Other);
        *ep.failures_by_kind.entry(kind).or_default() += n;
    }
    ep.latency = match histogram {
        Some(blob) => LatencyDistribution::Exact(decode(blob)?.into()),
        None => LatencyDistribution::Summary(summary_of(f)),
    };
    // The report keeps the successes' latencies apart only as figures: with no failure,
    // they are every latency; else which were the failures' is unknown.
    ep.ok_latency = (f.failures == 0).then(|| ep.latency.clone());
    Ok(ep)
}

/// The summary figures of a scope; its count leaves out the timed-out requests when
/// the report reads its percentiles as lower bounds (the tool timed none of them).
fn summary_of(f: &DocScope) -> PercentileSummary {
    let l = &f.latency_ms;
    let points = [
        (50.0, l.p50),
        (90.0, l.p90),
        (95.0, l.p95),
        (99.0, l.p99),
        (99.9, l.p999),
    ];
    let timeouts = (f.failures_by_kind.iter())
        .filter(|(k, _)| k.as_str() == "timeout")
        .map(|(_, n)| *n)
        .sum::<u64>();
    let lower_bounds = matches!(
        f.latency_percentiles_are.as_deref(),
        Some("at_least" | "at_least_about")
    );
    PercentileSummary {
        sd_ms: l.sd,
        count: match lower_bounds {
            true => f.requests.saturating_sub(timeouts),
            false => f.requests,
        },
        mean_ms: l.mean,
        min_ms: l.min,
        max_ms: l.max,
        points: (points.iter())
            .filter_map(|(p, v)| Some((*p, (*v)?)))
            .collect(),
        merged: f.latency_method.as_deref() == Some("merged_approximate"),
        co_corrected: l.co_corrected.unwrap_or(false),
    }
}

/// A base64 HdrHistogram V2(+DEFLATE) blob, as report.json carries it.
fn decode(blob: &str) -> Result<Histogram<u64>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .map_err(|e| format!("histogram: {e}"))?;
    Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .map_err(|e| format!("histogram: {e:?}"))
}
