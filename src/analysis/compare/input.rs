//! What `compare` reads of one run: per stage, per endpoint, the exact latency
//! histogram, the per-interval series (requests, failures, mean) and the reported
//! figures, plus the run's capacity figures. One model for both kinds of input: a run
//! dir's [`Analysis`] is serialised and read back through the same report.json
//! reader, so a run dir and the report.json written from it compare alike.

use base64::Engine as _;
use hdrhistogram::serialization::Deserializer;
use hdrhistogram::Histogram;
use serde::Deserialize;

use super::stats::IntervalPoint;
use crate::analysis::quality::DataQuality;
use crate::analysis::Analysis;
use crate::model::FailuresUnseen;

/// One run as `compare` sees it.
#[derive(Clone, Debug)]
pub struct CompareRun {
    /// Release label (`--label`, run.toml's `label`, else the dir name).
    pub label: String,
    /// Where it came from, as given on the command line.
    pub origin: String,
    /// RFC 3339 start of the run, when known.
    pub started: Option<String>,
    /// Its stages, in time order.
    pub stages: Vec<StageInput>,
    /// Capacity figures, when the run has them.
    pub capacity: CapacityFigures,
    /// How its request names were grouped into endpoints (the coarsest of its
    /// sources'; `names` for a report.json from before grouping existed).
    pub grouping: crate::model::Grouping,
    /// Its report's data quality, and why when not clean.
    pub quality: (DataQuality, Option<String>),
    /// Its task mix: each endpoint (`METHOD name`) with its run-wide mean latency, ms
    /// (the primary source's whole run, ramps included).
    pub task_mix: Vec<(String, Option<f64>)>,
    /// Its judgement on `compare --sla`'s rules (None without them).
    pub sla: Option<super::sla::SlaJudgement>,
}

/// One stage of a run.
#[derive(Clone, Debug)]
pub struct StageInput {
    /// Stage name.
    pub name: String,
    /// Closed-model users.
    pub users: Option<u32>,
    /// Open-model arrival rate, requests/s.
    pub arrival_rate_rps: Option<f64>,
    /// The load tool that measured it, when known (`wrk`, `hey`).
    pub tool: Option<String>,
    /// What that tool's data leaves out (report.json's `failures_unseen`): its
    /// failure figures are bounds (`compare::unseen`).
    pub failures_unseen: Option<FailuresUnseen>,
    /// Its endpoints.
    pub endpoints: Vec<EndpointInput>,
}

impl StageInput {
    /// Its endpoint `key`, else its sole endpoint (a tool naming it after the file).
    pub fn endpoint_like(&self, key: &str) -> Option<&EndpointInput> {
        (self.endpoints.iter().find(|e| e.key == key)).or(match self.endpoints.as_slice() {
            [only] => Some(only),
            _ => None,
        })
    }
}

/// One endpoint within a stage.
#[derive(Clone, Debug)]
pub struct EndpointInput {
    /// `METHOD name`.
    pub key: String,
    /// Exact latency histogram, µs; `None` for summaries-only sources.
    pub histogram: Option<Histogram<u64>>,
    /// Per-interval series, in time order.
    pub intervals: Vec<IntervalPoint>,
    /// Per-interval latency histograms (µs, 2 significant digits), one per entry of
    /// `intervals`; empty when the input has none (a report.json keeps per-interval
    /// percentiles only) or when endpoints were merged.
    pub interval_histograms: Vec<Histogram<u64>>,
    /// Width of one interval, s (0 when there is no series).
    pub width_s: f64,
    /// When its first interval starts, s from the report's origin: endpoints of one
    /// stage start at different intervals, and merged ones line up by time.
    pub start_s: f64,
    /// The figures the source reported.
    pub figures: Figures,
}

/// An endpoint's reported figures (latencies in ms).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// Requests.
    pub requests: u64,
    /// Failed requests.
    pub failures: u64,
    /// Requests/s.
    pub throughput_rps: Option<f64>,
    /// Successful requests/s.
    pub goodput_rps: Option<f64>,
    /// Failures ÷ requests.
    pub error_rate: Option<f64>,
    /// Mean latency.
    pub mean: Option<f64>,
    /// The standard deviation the tool printed with its summary (h2load's `sd`, wrk's
    /// and autocannon's `Stdev`).
    pub sd: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// Largest latency.
    pub max: Option<f64>,
}

/// A run's capacity figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CapacityFigures {
    /// Throughput at saturation, requests/s.
    pub saturation_rps: Option<f64>,
    /// The plateau's range of stage goodputs `(lowest, best)`, req/s, when saturation
    /// was reached.
    pub saturation_range_rps: Option<(f64, f64)>,
    /// Throughput up to which the SLA holds, requests/s.
    pub sla_headroom_rps: Option<f64>,
    /// USL peak concurrency N*.
    pub usl_peak_users: Option<f64>,
}

// report.json as far as compare reads it; every key optional, so a report of an
// earlier version with fewer keys still reads.
#[derive(Deserialize)]
struct Doc {
    schema_version: Option<u32>,
    #[serde(default)]
    run: DocRun,
    #[serde(default)]
    stages: Vec<DocStage>,
    #[serde(default)]
    capacity: DocCapacity,
    /// The leading source's tool (`wrk`, or `hey + ab` for stage dirs of several).
    #[serde(default)]
    primary_source: Option<String>,
    #[serde(default)]
    sources: Vec<DocSource>,
    #[serde(default)]
    data_quality: DataQuality,
    #[serde(default)]
    data_quality_reason: Option<String>,
    #[serde(default)]
    task_mix: Vec<DocShare>,
}

/// One row of the task mix.
#[derive(Deserialize)]
struct DocShare {
    endpoint: String,
    mean_ms: Option<f64>,
}

#[derive(Deserialize)]
struct DocSource {
    #[serde(default)]
    endpoint_grouping: crate::model::Grouping,
}

#[derive(Default, Deserialize)]
struct DocRun {
    label: Option<String>,
    started: Option<String>,
}

#[derive(Deserialize)]
struct DocStage {
    name: String,
    users: Option<u32>,
    arrival_rate_rps: Option<f64>,
    #[serde(default)]
    tool: Option<String>,
    #[serde(default)]
    failures_unseen: Option<FailuresUnseen>,
    #[serde(default)]
    endpoints: Vec<DocEndpoint>,
    /// The stage as a whole, for a stage without endpoints ([`WHOLE_STAGE`]).
    #[serde(flatten)]
    whole: DocWhole,
}

/// A stage's own figures, as its endpoints' are written.
#[derive(Default, Deserialize)]
struct DocWhole {
    #[serde(default)]
    requests: u64,
    #[serde(default)]
    failures: u64,
    throughput_rps: Option<f64>,
    goodput_rps: Option<f64>,
    error_rate: Option<f64>,
    #[serde(default)]
    latency_ms: DocLatency,
    #[serde(default)]
    timeseries: Vec<DocPoint>,
}

/// The endpoint key under which a stage measured only as a whole (a Locust history
/// without `--csv-full-history`: the stage's requests, no endpoint's) is compared.
pub const WHOLE_STAGE: &str = "(all requests)";

#[derive(Deserialize)]
struct DocEndpoint {
    key: String,
    #[serde(default)]
    transaction: bool,
    #[serde(default)]
    requests: u64,
    #[serde(default)]
    failures: u64,
    throughput_rps: Option<f64>,
    goodput_rps: Option<f64>,
    error_rate: Option<f64>,
    #[serde(default)]
    latency_ms: DocLatency,
    histogram: Option<String>,
    #[serde(default)]
    timeseries: Vec<DocPoint>,
}

#[derive(Default, Deserialize)]
struct DocLatency {
    mean: Option<f64>,
    sd: Option<f64>,
    p50: Option<f64>,
    p90: Option<f64>,
    p95: Option<f64>,
    p99: Option<f64>,
    max: Option<f64>,
}

#[derive(Deserialize)]
struct DocPoint {
    #[serde(default)]
    t: f64,
    #[serde(default)]
    width_s: f64,
    #[serde(default)]
    requests: u64,
    #[serde(default)]
    failures: u64,
    mean: Option<f64>,
}

#[derive(Default, Deserialize)]
struct DocCapacity {
    saturation: Option<DocThroughput>,
    sla_headroom: Option<DocThroughput>,
    usl: Option<DocUsl>,
}

#[derive(Deserialize)]
struct DocThroughput {
    throughput_rps: Option<f64>,
    #[serde(default)]
    throughput_interval_rps: Option<Vec<Option<f64>>>,
}

impl DocThroughput {
    /// `throughput_interval_rps` when both ends are numbers.
    fn range(&self) -> Option<(f64, f64)> {
        match self.throughput_interval_rps.as_deref() {
            Some([Some(lo), Some(hi)]) => Some((*lo, *hi)),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct DocUsl {
    peak_users: Option<f64>,
}

/// Reads a report.json's text. `fallback_label` is used when neither `label` nor the
/// report names one. Errors say what is wrong and what to do.
pub fn parse_report(
    text: &str,
    origin: &str,
    label: Option<&str>,
    fallback_label: &str,
) -> Result<CompareRun, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "line {}: not JSON ({e}); give a report.json headroom wrote, or a run dir",
            e.line()
        )
    })?;
    from_value(value, origin, label, fallback_label)
}

/// The compare model of an analysed run dir (through the report.json reader, so both
/// inputs are read alike).
pub fn from_analysis(
    analysis: &Analysis,
    origin: &str,
    label: Option<&str>,
    fallback_label: &str,
) -> Result<CompareRun, String> {
    let value = serde_json::to_value(analysis).map_err(|e| e.to_string())?;
    from_value(value, origin, label, fallback_label)
}

/// Whether `tool` names a load tool, whose way of timing and counting requests is its
/// own. `generic-csv` names a file format that anything writes (`drive --raw`, `headroom
/// export` of any tool's run, a script): it says nothing of the tool that measured, so
/// it is no tool to tell two releases' measurements apart by.
fn is_load_tool(tool: &str) -> bool {
    tool != "generic-csv"
}

fn from_value(
    value: serde_json::Value,
    origin: &str,
    label: Option<&str>,
    fallback_label: &str,
) -> Result<CompareRun, String> {
    let doc: Doc = serde_json::from_value(value).map_err(|e| {
        format!("not a headroom report.json ({e}); give a report.json headroom wrote, or a run dir")
    })?;
    match doc.schema_version {
        Some(1) => {}
        Some(v) => {
            return Err(format!(
                "report.json schema_version {v} is not one this headroom reads (1); \
                 re-run `headroom analyze` on the run dir with this version"
            ))
        }
        None => {
            return Err(
                "no schema_version: not a headroom report.json; give a report.json \
                 headroom wrote, or a run dir"
                    .into(),
            )
        }
    }
    // A stage's tool: its own (stage dirs of several tools), else the run's one tool.
    let run_tool = (doc.primary_source.as_deref()).filter(|t| !t.contains(" + "));
    let run_tool = run_tool.filter(|t| is_load_tool(t));
    let mut stages = Vec::new();
    for s in doc.stages {
        let mut endpoints = Vec::new();
        for e in s.endpoints.into_iter().filter(|e| !e.transaction) {
            endpoints.push(endpoint(e, &s.name)?);
        }
        // A stage with requests but no endpoint (its source gives the whole stage's
        // figures only) is compared as a whole, not on nothing.
        let w = s.whole;
        if endpoints.is_empty() && w.requests > 0 {
            let e = DocEndpoint {
                key: WHOLE_STAGE.to_string(),
                transaction: false,
                requests: w.requests,
                failures: w.failures,
                throughput_rps: w.throughput_rps,
                goodput_rps: w.goodput_rps,
                error_rate: w.error_rate,
                latency_ms: w.latency_ms,
                histogram: None,
                timeseries: w.timeseries,
            };
            endpoints.push(endpoint(e, &s.name)?);
        }
        stages.push(StageInput {
            name: s.name,
            users: s.users,
            arrival_rate_rps: s.arrival_rate_rps,
            tool: (s.tool.filter(|t| is_load_tool(t))).or(run_tool.map(str::to_string)),
            failures_unseen: s.failures_unseen,
            endpoints,
        });
    }
    let label = label
        .map(str::to_string)
        .or(doc.run.label)
        .unwrap_or_else(|| fallback_label.to_string());
    let grouping = (doc.sources.iter().map(|s| s.endpoint_grouping))
        .max()
        .unwrap_or_default();
    Ok(CompareRun {
        label,
        origin: origin.to_string(),
        sla: None,
        started: doc.run.started,
        stages,
        grouping,
        quality: (doc.data_quality, doc.data_quality_reason),
        task_mix: (doc.task_mix.into_iter())
            .map(|t| (t.endpoint, t.mean_ms))
            .collect(),
        capacity: CapacityFigures {
            saturation_rps: doc
                .capacity
                .saturation
                .as_ref()
                .and_then(|s| s.throughput_rps),
            saturation_range_rps: doc
                .capacity
                .saturation
                .as_ref()
                .and_then(DocThroughput::range),
            sla_headroom_rps: doc.capacity.sla_headroom.and_then(|s| s.throughput_rps),
            usl_peak_users: doc.capacity.usl.and_then(|u| u.peak_users),
        },
    })
}

fn endpoint(e: DocEndpoint, stage: &str) -> Result<EndpointInput, String> {
    let histogram = match &e.histogram {
        Some(blob) => Some(decode_histogram(blob).map_err(|why| {
            format!(
                "stage {stage:?}, endpoint {:?}: its histogram does not decode ({why}); \
                 re-run `headroom analyze` to write the report again",
                e.key
            )
        })?),
        None => None,
    };
    // The series' interval width is its widest point's: a stage's first and last
    // points cover only the part of a second inside its window.
    let width_s = e.timeseries.iter().map(|p| p.width_s).fold(0.0, f64::max);
    let intervals = e
        .timeseries
        .iter()
        .map(|p| IntervalPoint {
            count: p.requests,
            failures: p.failures,
            mean_ms: p.mean,
            width_s: if p.width_s < width_s { p.width_s } else { 0.0 },
        })
        .collect();
    Ok(EndpointInput {
        key: e.key,
        histogram,
        intervals,
        interval_histograms: Vec::new(),
        width_s,
        start_s: e.timeseries.first().map_or(0.0, |p| p.t),
        figures: Figures {
            requests: e.requests,
            failures: e.failures,
            throughput_rps: e.throughput_rps,
            goodput_rps: e.goodput_rps,
            error_rate: e.error_rate,
            mean: e.latency_ms.mean,
            sd: e.latency_ms.sd,
            p50: e.latency_ms.p50,
            p90: e.latency_ms.p90,
            p95: e.latency_ms.p95,
            p99: e.latency_ms.p99,
            max: e.latency_ms.max,
        },
    })
}

/// Gives a run dir's endpoints their per-interval latency histograms, which its
/// report.json does not carry: from `model`'s primary source (the one the analysis
/// reports), matched by stage name and endpoint key.
pub fn attach_interval_histograms(run: &mut CompareRun, model: &crate::model::Run) {
    let Some(source) = model.primary() else {
        return;
    };
    for stage in &mut run.stages {
        let Some(ms) = source.stages.iter().find(|m| m.name == stage.name) else {
            continue;
        };
        for e in &mut stage.endpoints {
            let Some(me) = ms.endpoints.values().find(|m| m.key.to_string() == e.key) else {
                continue;
            };
            e.interval_histograms = me
                .series
                .intervals
                .iter()
                .map(|iv| {
                    let mut h = Histogram::<u64>::new(2).expect("2 significant digits");
                    if let Some(ih) = &iv.histogram {
                        for v in ih.to_histogram().iter_recorded() {
                            let _ =
                                h.record_n(v.value_iterated_to(), u64::from(v.count_at_value()));
                        }
                    }
                    h
                })
                .collect();
        }
    }
}

/// A base64 HdrHistogram V2(+DEFLATE) blob, as report.json carries it.
pub fn decode_histogram(blob: &str) -> Result<Histogram<u64>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .map_err(|e| e.to_string())?;
    Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .map_err(|e| format!("{e:?}"))
}

/// Groups every run's endpoint names as the most grouped run's are (one run past
/// 1,000 names has `/users/{id}` where another has `/users/7`), so the same requests
/// meet under one name; the note saying so, when a run was regrouped.
pub fn align_groupings<'r>(runs: impl IntoIterator<Item = &'r mut CompareRun>) -> Option<String> {
    use crate::model::Grouping;
    let mut runs: Vec<&mut CompareRun> = runs.into_iter().collect();
    let to = runs.iter().map(|r| r.grouping).max()?;
    let mut regrouped = Vec::new();
    for run in runs.iter_mut().filter(|r| r.grouping < to) {
        let from = run.grouping;
        for s in &mut run.stages {
            merge_endpoints(s, |k| Grouping::regroup_name(k, from, to).into_owned());
        }
        run.grouping = to;
        regrouped.push(run.label.clone());
    }
    (!regrouped.is_empty()).then(|| {
        format!(
            "{}: endpoints grouped as in the other runs, past 1,000 request names ({}), so \
             the same requests are compared under one name",
            regrouped.join(", "),
            to.describe()
        )
    })
}

/// Merges endpoints whose keys become equal under `rename` (e.g. label
/// normalisation): histograms added, series summed interval by interval, counts
/// summed; rates summed; reported percentiles dropped unless a histogram gives them.
pub fn merge_endpoints(stage: &mut StageInput, rename: impl Fn(&str) -> String) {
    let mut merged: Vec<EndpointInput> = Vec::new();
    for mut e in std::mem::take(&mut stage.endpoints) {
        e.key = rename(&e.key);
        match merged.iter_mut().find(|m| m.key == e.key) {
            None => merged.push(e),
            Some(m) => absorb(m, e),
        }
    }
    stage.endpoints = merged;
}

fn absorb(m: &mut EndpointInput, mut e: EndpointInput) {
    // The merged endpoints' intervals need not line up: no block cross-check.
    m.interval_histograms.clear();
    m.histogram = match (m.histogram.take(), e.histogram.take()) {
        (Some(mut a), Some(b)) => {
            // A decoded histogram tracks only its own range.
            a.auto(true);
            a.add(&b).ok().map(|()| a)
        }
        _ => None,
    };
    let Some(at) = align_intervals(m, &e) else {
        // Series on different grids cannot be added interval by interval.
        m.intervals.clear();
        m.width_s = 0.0;
        return absorb_figures(m, e);
    };
    for (a, b) in m.intervals[at..].iter_mut().zip(&e.intervals) {
        let n = a.count + b.count;
        a.mean_ms = match (a.mean_ms, b.mean_ms) {
            (Some(x), Some(y)) if n > 0 => {
                Some((x * a.count as f64 + y * b.count as f64) / n as f64)
            }
            (x, y) => x.or(y),
        };
        a.count = n;
        a.failures += b.failures;
        a.width_s = a.width_s.max(b.width_s);
    }
    absorb_figures(m, e);
}

/// Makes room in `m`'s series for `e`'s on one grid: the index of `e`'s first interval
/// in `m`'s; `None` when their widths differ. A series with no interval takes the other's.
fn align_intervals(m: &mut EndpointInput, e: &EndpointInput) -> Option<usize> {
    if e.intervals.is_empty() {
        return Some(0);
    }
    if m.intervals.is_empty() {
        m.width_s = e.width_s;
        m.start_s = e.start_s;
    }
    let w = m.width_s;
    if w.is_nan() || w <= 0.0 || (w - e.width_s).abs() > 1e-9 * w {
        return None;
    }
    let offset = ((e.start_s - m.start_s) / w).round();
    if offset < 0.0 {
        let before = (-offset) as usize;
        m.intervals
            .splice(0..0, std::iter::repeat_n(IntervalPoint::default(), before));
        m.start_s = e.start_s;
    }
    let at = offset.max(0.0) as usize;
    if m.intervals.len() < at + e.intervals.len() {
        m.intervals
            .resize(at + e.intervals.len(), IntervalPoint::default());
    }
    Some(at)
}

/// Adds `e`'s figures into `m`'s.
fn absorb_figures(m: &mut EndpointInput, e: EndpointInput) {
    let sum = |a: Option<f64>, b: Option<f64>| Some(a? + b?);
    let f = &mut m.figures;
    let n = f.requests + e.figures.requests;
    f.mean = match (f.mean, e.figures.mean) {
        (Some(x), Some(y)) if n > 0 => {
            Some((x * f.requests as f64 + y * e.figures.requests as f64) / n as f64)
        }
        _ => None,
    };
    // Endpoints merged: the tools' deviations do not add (their means differ).
    f.sd = None;
    f.requests = n;
    f.failures += e.figures.failures;
    f.throughput_rps = sum(f.throughput_rps, e.figures.throughput_rps);
    f.goodput_rps = sum(f.goodput_rps, e.figures.goodput_rps);
    f.error_rate = (n > 0).then(|| f.failures as f64 / n as f64);
    let pct = |q: f64| {
        m.histogram
            .as_ref()
            .map(|h| h.value_at_quantile(q) as f64 / 1000.0)
    };
    f.p50 = pct(0.5);
    f.p90 = pct(0.9);
    f.p95 = pct(0.95);
    f.p99 = pct(0.99);
}
