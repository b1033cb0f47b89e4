//! Builds the [`Analysis`] from a run, once: per stage, per endpoint and overall
//! figures, time series, caveats, capacity, the SLA evaluation when there is one, and
//! the judgements that read them all (bottlenecks, readiness, narrative).

use base64::Engine;
use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
use hdrhistogram::Histogram;

use super::caveat::Caveat;
use super::metrics::{ScopeMetrics, REPORT_PERCENTILES};
use super::report::*;
use super::sla::{SlaError, SlaSpec};
use crate::model::{
    format_rfc3339_ms, LatencyDistribution, PercentileMethod, Run, SkipKind, Source, Stage,
    TimeSeries,
};

/// How many error messages an endpoint lists.
const TOP_ERRORS: usize = 5;

/// How the caller wants the run judged, beyond the SLA file itself.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// `--verdict-stage`: when not empty, replaces the SLA file's `verdict_stages`.
    pub verdict_override: Vec<String>,
}

/// Analyses a run, judged against `sla` when one is given. Capacity is judged
/// against the SLA's limits (else the defaults); the SLA's names the data lacks are
/// caveats ([`Caveat::SlaNameAbsent`], [`Caveat::NoVerdictStage`]). Errors are the
/// SLA file's (a name that looks like a typo of one in the data) or the verdict
/// override's.
pub fn analyze(
    run: &Run,
    sla: Option<&SlaSpec>,
    settings: &Settings,
) -> Result<Analysis, SlaError> {
    let mut analysis = figures(run, sla);
    if let Some(spec) = sla {
        super::sla_report::apply(&mut analysis, run, spec, &settings.verdict_override)?;
    }
    analysis.bottlenecks = super::bottlenecks::assess(&analysis);
    let rules = analysis.sla.as_ref().map(|s| s.rules.clone());
    analysis.readiness = super::readiness::assess(&analysis, rules.as_deref());
    analysis.narrative = super::narrative::build(&analysis);
    Ok(analysis)
}

/// Everything measured and audited, before any judgement: figures, caveats, run
/// information, data quality, the audit and capacity (against `sla`'s limits when
/// given and the run has a primary source).
fn figures(run: &Run, sla: Option<&SlaSpec>) -> Analysis {
    let primary = run.primary();
    let run_start = primary.and_then(run_origin_ms);
    let stages: Vec<StageReport> = primary
        .map(|src| {
            // Another tool's interval log is put on the grid by each interval's start,
            // whatever part of a second that is: its points keep the grid's width.
            let cut = src.tool != "hdr-log";
            src.stages
                .iter()
                .map(|s| stage_report(src, s, run_start, cut))
                .collect()
        })
        .unwrap_or_default();
    let overall = primary
        .map(|src| scope_report(&ScopeMetrics::of_stage(&src.overall)))
        .unwrap_or_else(|| scope_report(&empty_metrics()));
    let warnings = caveats(run, &stages);
    let mut analysis = Analysis {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "headroom".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        measured: run.meta.measured,
        data_quality: Default::default(),
        data_quality_reason: None,
        run: run_info(run),
        inputs: run.inputs.clone(),
        problems: run.problems.clone(),
        skipped: run.skipped.clone(),
        tool_checks: run.tool_checks.clone(),
        sources: run.sources.iter().map(source_summary).collect(),
        primary_source: primary.map(|s| s.tool.clone()),
        stages,
        overall,
        task_mix: primary.map(super::task_mix::task_mix).unwrap_or_default(),
        capacity: {
            let think = run.meta.think_time;
            let files: Vec<&std::path::Path> =
                run.inputs.iter().map(|i| i.path.as_path()).collect();
            match (primary, sla) {
                (Some(src), Some(spec)) => super::capacity::assess_source(
                    src,
                    &super::capacity::Criteria::from_sla(spec, think),
                    &files,
                ),
                (Some(src), None) => super::capacity::assess_source(
                    src,
                    &super::capacity::Criteria::defaults(think),
                    &files,
                ),
                (None, _) => {
                    super::capacity::assess(&[], &super::capacity::Criteria::defaults(think))
                }
            }
        },
        audit: super::audit::audit(run),
        bottlenecks: Vec::new(),
        sla: None,
        verdict: None,
        readiness: Vec::new(),
        warnings,
        percentile_method: "nearest rank (the ⌈p·n⌉-th smallest value) over an HdrHistogram of \
                            every value in µs with 3 significant digits (≤ 0.1 % error); tool \
                            summaries are shown as the tool computed them"
            .into(),
        setup: Default::default(),
        narrative: Default::default(),
        baseline: None,
    };
    analysis.capacity.audit_rejects =
        super::capacity::audit_rejection(&analysis.capacity, &analysis.audit);
    analysis.setup = super::narrative::setup::build(run, &analysis.task_mix);
    let unseen = primary.and_then(super::quality::unseen_failures);
    let uncovered = super::quality::uncovered_source(run);
    (analysis.data_quality, analysis.data_quality_reason) = super::quality::assess(
        &super::quality::QualityInputs::of(&analysis, &analysis.audit, unseen, uncovered),
    );
    analysis
}

/// What the run says about itself; start and end from the data when it does not (its
/// whole run's window, else its records' span), unless on no clock (hey's CSV offsets).
fn run_info(run: &Run) -> RunInfo {
    let window = (run.primary())
        .and_then(|s| s.overall.window_ms.or(s.span_ms))
        .filter(|(a, _)| crate::model::on_the_clock(*a));
    let (started, ended) = match (window, &run.meta) {
        (_, m) if m.started.is_some() => (m.started.clone(), m.ended.clone()),
        (Some((a, b)), _) => (Some(format_rfc3339_ms(a)), Some(format_rfc3339_ms(b))),
        _ => (None, None),
    };
    RunInfo {
        label: run.meta.label.clone(),
        environment: run.meta.environment.clone(),
        git_sha: run.meta.git_sha.clone(),
        started,
        ended,
        think_time: run.meta.think_time.map(|t| t.to_string()),
        target_url: run.meta.target_url.clone(),
        complete: run.meta.complete,
        incomplete_reason: run.meta.incomplete_reason.clone(),
    }
}

/// Result files that were not read (the same data again, or other data), each with
/// its reason (the driver's per-request detail beside its interval log is its design,
/// not news).
fn skipped_results(run: &Run) -> impl Iterator<Item = Caveat> + '_ {
    run.skipped
        .iter()
        .filter(|s| matches!(s.kind, SkipKind::SameData | SkipKind::OtherData))
        .map(|s| Caveat::SkippedResult {
            path: s.path.display().to_string(),
            reason: s.reason.clone(),
        })
}

/// The caveats the figures carry: thin samples, windowless stages, gaps, IDs in URLs,
/// no requests, the reader's arbitration, several sources, tool summaries.
fn caveats(run: &Run, stages: &[StageReport]) -> Vec<Caveat> {
    let primary = run.primary();
    let mut warnings = Vec::new();
    for s in stages {
        let stage = primary.and_then(|src| src.stages.iter().find(|t| t.name == s.name));
        let samples = stage.map_or(s.figures.requests, latency_samples);
        sample_size_warning(&s.name, &s.figures, samples, &mut warnings);
    }
    let mut warnings = thin_stages_grouped(warnings);
    for stage in primary.map_or(&[][..], |src| &src.stages[..]) {
        warnings.extend(latency_leaves_out(stage));
    }
    if let Some(src) = primary {
        let windowless: Vec<&str> = src
            .stages
            .iter()
            .filter(|s| s.window_ms.is_none() && s.duration_s.is_none())
            .map(|s| s.name.as_str())
            .collect();
        if !windowless.is_empty() {
            warnings.push(Caveat::NoTimeWindow {
                stages: windowless.iter().map(|s| s.to_string()).collect(),
            });
        }
        let instant: Vec<String> = (src.stages.iter().chain([&src.overall]))
            .filter(|s| s.instant && s.requests() > 0)
            .map(|s| s.name.clone())
            .collect();
        if !instant.is_empty() {
            warnings.push(Caveat::Instant { scopes: instant });
        }
        let unreachable = super::capacity::load_points::unreachable_stages(&src.stages);
        if !unreachable.is_empty() {
            warnings.push(Caveat::Unreachable {
                stages: unreachable,
            });
        }
        if let Some(mixed) = mixed_tools(src) {
            warnings.push(mixed);
        }
        if let Some(gap) = gap_warning(&src.overall) {
            warnings.push(gap);
        }
        if let Some(hint) = label_hint(&src.overall) {
            warnings.push(hint);
        }
        if src.overall.requests() == 0 {
            warnings.push(Caveat::NoRequests);
        }
        if let Some(why) = &src.latency_unit_doubt {
            warnings.push(Caveat::LatencyUnitDoubt(why.clone()));
        }
        if let Some(why) = &src.clock_unit_doubt {
            warnings.push(Caveat::ClockUnitDoubt(why.clone()));
        }
    }
    let input_warnings = run.warnings.iter().map(|w| w.to_string());
    warnings.extend(input_warnings.map(Caveat::InputWarning));
    warnings.extend(run.arbitration.iter().cloned().map(Caveat::Arbitration));
    warnings.extend(skipped_results(run));
    warnings.extend(super::caveat::failed_tool_checks(&run.tool_checks));
    if let Some(tools) = primary.and_then(stage_tools) {
        warnings.push(Caveat::StagesFromTools(tools));
    }
    if run.sources.len() > 1 {
        warnings.push(Caveat::SeveralSources {
            tools: run.sources.iter().map(|s| s.tool.clone()).collect(),
            shown: primary.map_or("?", |s| s.tool.as_str()).to_string(),
            // Chosen for no reason of its own (see `ingest::arbitrate`): by its count.
            most_requests: primary.filter(|_| run.arbitration.is_empty()).map(|p| {
                let n = p.overall.requests();
                let alike = run.sources.iter().filter(|s| s.overall.requests() == n);
                (n, alike.count())
            }),
        });
    }
    let from_summaries = |s: &StageReport| {
        matches!(
            s.figures.latency_method,
            Some(PercentileMethod::ToolSummary | PercentileMethod::MergedApproximate)
        )
    };
    if stages.iter().any(from_summaries) {
        warnings.push(Caveat::ToolSummaries);
    }
    warnings
}

/// Which stages each tool measured (`baseline, stress from ab`), in stage order, when
/// the source's stages come from different tools.
fn stage_tools(src: &Source) -> Option<Vec<String>> {
    let mut tools: Vec<(&str, Vec<&str>)> = Vec::new();
    for stage in &src.stages {
        let tool = stage.tool.as_deref()?;
        match tools.iter_mut().find(|(t, _)| *t == tool) {
            Some((_, names)) => names.push(&stage.name),
            None => tools.push((tool, vec![&stage.name])),
        }
    }
    (tools.len() > 1).then(|| {
        let said = tools
            .iter()
            .map(|(t, n)| format!("{} from {t}", n.join(", ")));
        said.collect()
    })
}

fn empty_metrics() -> ScopeMetrics {
    ScopeMetrics::of_stage(&Stage::default())
}

fn source_summary(src: &Source) -> SourceSummary {
    SourceSummary {
        tool: src.tool.clone(),
        requests: src.overall.requests(),
        stages: src.stages.iter().map(|s| s.name.clone()).collect(),
        notes: src.notes.clone(),
        endpoint_grouping: src.grouping,
        flags: crate::model::SourceFlags {
            transport_errors_unseen: src.transport_errors_unseen,
            outcomes_unseen: src.outcomes_unseen,
            runs_left_out: src.runs_left_out.clone(),
            latency_unit_doubt: src.latency_unit_doubt.clone(),
            clock_unit_doubt: src.clock_unit_doubt.clone(),
            ok_server_errors: src.ok_server_errors,
            script_checks: src.script_checks.by_name.clone(),
            latency_co_corrected: (src.stages.iter().chain([&src.overall]))
                .flat_map(|s| s.endpoints.values())
                .any(|e| matches!(&e.latency, crate::model::LatencyDistribution::Summary(x) if x.co_corrected)),
        },
    }
}

/// The report figures of a scope.
pub fn scope_report(m: &ScopeMetrics) -> ScopeReport {
    ScopeReport {
        requests: m.requests,
        failures: m.failures,
        error_rate: m.error_rate(),
        availability: m.availability(),
        throughput_rps: m.throughput_rps(),
        goodput_rps: m.goodput_rps(),
        duration_s: m.duration_s,
        latency_ms: latency_report(&m.latency),
        ok_latency_ms: m
            .ok_latency
            .as_ref()
            .filter(|d| d.count() > 0)
            .map(latency_report),
        latency_exact: m.latency.is_exact() && m.latency.count() > 0,
        latency_method: percentile_method(&m.latency),
        latency_timeouts_left_out: m.timeouts_left_out(),
        latency_at_least_ms: super::sla::at_least_over_all(m, latency_report(&m.latency)),
        latency_percentiles_are: super::report::PercentileReading::of(
            percentile_method(&m.latency),
            m.timeouts_left_out(),
        ),
        failures_by_kind: m.failures_by_kind.clone(),
    }
}

/// How a distribution's report percentiles were computed; `None` without any.
fn percentile_method(d: &LatencyDistribution) -> Option<PercentileMethod> {
    REPORT_PERCENTILES
        .iter()
        .find_map(|p| d.percentile(*p))
        .map(|p| p.method)
}

/// Mean, min, max and the report percentiles of a distribution.
pub fn latency_report(d: &LatencyDistribution) -> LatencyReport {
    let p = |pct: f64| d.percentile(pct).map(|p| p.value_ms);
    LatencyReport {
        mean: d.mean_ms(),
        min: d.min_ms(),
        p50: p(50.0),
        p90: p(90.0),
        p95: p(95.0),
        p99: p(99.0),
        p999: p(99.9),
        max: d.max_ms(),
        sd: d.tool_sd_ms(),
        co_corrected: matches!(d, LatencyDistribution::Summary(s) if s.co_corrected),
    }
}

/// Where a stage's series times (`TimePoint::t`) count from, epoch ms: the run's
/// start (`run_origin_ms`) when the source has one, else the stage's own series'
/// start (`None` when it has no series). The export adds it back for its epoch column.
pub fn series_origin_ms(src: &Source, stage: &Stage) -> Option<i64> {
    run_origin_ms(src).or_else(|| (!stage.timeline.is_empty()).then_some(stage.timeline.start_ms))
}

/// The run's start, epoch ms, from which every stage's series times count: the
/// whole-run window's start, else — a source without one, such as the stages of a
/// Locust stats history — the earliest start of its series (the whole run's and each
/// stage's) when all are clock times, so stages lie one after the other on one time
/// axis rather than each from 0. `None` when a series counts from its own test's
/// start (hey's CSV in each stage dir): those have no common clock.
fn run_origin_ms(src: &Source) -> Option<i64> {
    if let Some((start, _)) = src.overall.window_ms {
        return Some(start);
    }
    let starts: Vec<i64> = (std::iter::once(&src.overall).chain(&src.stages))
        .filter(|s| !s.timeline.is_empty())
        .map(|s| s.timeline.start_ms)
        .collect();
    let clock = starts.iter().all(|t| crate::model::on_the_clock(*t));
    starts.into_iter().min().filter(|_| clock)
}

fn stage_report(src: &Source, stage: &Stage, run_start: Option<i64>, cut: bool) -> StageReport {
    let window = stage.window_ms.filter(|_| cut);
    let origin = run_start.unwrap_or(stage.timeline.start_ms);
    let metrics = ScopeMetrics::of_stage(stage);
    let stage_requests = metrics.requests;
    let mut endpoints: Vec<EndpointReport> = stage
        .endpoints
        .values()
        .map(|ep| {
            let m = ScopeMetrics::of_endpoint_in(ep, stage);
            let mut errors: Vec<ErrorCount> = ep
                .errors
                .iter()
                .map(|(message, count)| ErrorCount {
                    message: message.clone(),
                    count: *count,
                })
                .collect();
            errors.sort_by(|a, b| b.count.cmp(&a.count).then(a.message.cmp(&b.message)));
            errors.truncate(TOP_ERRORS);
            EndpointReport {
                method: ep.key.method.clone(),
                name: ep.key.name.clone(),
                key: ep.key.to_string(),
                share: (stage_requests > 0 && !ep.transaction)
                    .then(|| ep.requests as f64 / stage_requests as f64),
                figures: scope_report(&m),
                top_errors: errors,
                transaction: ep.transaction,
                histogram: ep
                    .latency
                    .histogram()
                    .filter(|h| !h.is_empty())
                    .and_then(|h| encode_histogram(&h)),
                timeseries: time_points(&ep.series, origin, window),
            }
        })
        .collect();
    endpoints.sort_by(|a, b| {
        b.figures
            .requests
            .cmp(&a.figures.requests)
            .then(a.key.cmp(&b.key))
    });
    StageReport {
        name: stage.name.clone(),
        tool: stage.tool.clone(),
        users: stage.users,
        arrival_rate_rps: stage.arrival_rate_rps,
        start: stage.window_ms.map(|w| format_rfc3339_ms(w.0)),
        end: stage.window_ms.map(|w| format_rfc3339_ms(w.1)),
        window_basis: stage.window_basis.clone(),
        failures_unseen: super::quality::stage_failures_unseen(src, stage),
        figures: scope_report(&metrics),
        timeseries: time_points(&stage.timeline, origin, window),
        endpoints,
    }
}

/// base64 of an HdrHistogram V2 + DEFLATE encoding (the `.hlog` blob format).
///
/// The encoding names the histogram's trackable range, which depends on the order its
/// values came in (an auto-resizing histogram grows in steps; a sum of parts read on
/// several threads grows to its largest part's): the values are encoded from a copy
/// sized to their largest, so equal histograms encode alike however they were read.
pub fn encode_histogram(h: &Histogram<u64>) -> Option<String> {
    let low = h.low();
    let mut sized = Histogram::new_with_bounds(low, h.max().max(2 * low), h.sigfig()).ok()?;
    sized.add(h).ok()?;
    let mut bytes = Vec::new();
    V2DeflateSerializer::new()
        .serialize(&sized, &mut bytes)
        .ok()?;
    Some(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// A stage's or an endpoint's series for the report, its times in seconds since
/// `origin_ms` (the run's start, so every series of a run shares one time axis).
/// Each point spans its interval cut to the stage's `window` (epoch ms, when given;
/// `None` keeps the grid's width): the grid's
/// seconds are whole epoch seconds, and a window starts and ends within one, so its
/// first and last points hold part of a second and say so (`t`, `width_s`), never
/// that part's requests as a whole second's.
fn time_points(series: &TimeSeries, origin_ms: i64, window: Option<(i64, i64)>) -> Vec<TimePoint> {
    series
        .intervals
        .iter()
        .enumerate()
        .map(|(i, iv)| {
            let from = series.interval_start_ms(i);
            let (mut a, mut b) = (from, from + series.width_ms);
            if let Some((ws, we)) = window {
                // Only where the cut leaves a span: a point outside it keeps its own.
                if ws.max(a) < we.min(b) {
                    (a, b) = (ws.max(a), we.min(b));
                }
            }
            let dense = iv
                .histogram
                .as_ref()
                .filter(|h| !h.is_empty())
                .map(|h| h.to_histogram());
            let q = |p: f64| {
                dense
                    .as_ref()
                    .map(|h| h.value_at_quantile(p) as f64 / 1000.0)
            };
            TimePoint {
                t: (a - origin_ms) as f64 / 1000.0,
                width_s: (b - a) as f64 / 1000.0,
                requests: iv.requests,
                failures: iv.failures,
                failures_by_kind: iv.failures_by_kind.iter().copied().collect(),
                mean: dense.as_ref().map(|h| iv.latency_sum_ms / h.len() as f64),
                p50: q(0.5).or(iv.reported_p50_ms),
                p95: q(0.95).or(iv.reported_p95_ms),
                p99: q(0.99),
                max: iv.max_ms,
                users: iv.users,
            }
        })
        .collect()
}

/// The latencies a stage's percentiles rest on: its aggregate's, else its request
/// endpoints' (a failed request a tool records no latency for is not among them).
fn latency_samples(stage: &Stage) -> u64 {
    match &stage.aggregate {
        Some(a) => a.latency.count(),
        None => (stage.endpoints.values())
            .filter(|e| !e.transaction)
            .map(|e| e.latency.count())
            .sum(),
    }
}

/// The caveats on what a stage's latency leaves out (timed-out requests) or holds
/// besides the successes (at least a twentieth failures'), as `sla/censored.rs`
/// weighs them.
fn latency_leaves_out(stage: &Stage) -> Vec<Caveat> {
    let m = ScopeMetrics::of_stage(stage);
    let (l, t) = (m.latency.count(), m.timeouts_left_out());
    let mut out = Vec::new();
    if t > 0 && l > 0 {
        out.push(Caveat::timeouts_left_out(&stage.name, &m));
    }
    let f = m
        .failures
        .saturating_sub(m.requests.saturating_sub(l))
        .min(l);
    if l > 0 && f as f64 >= 0.05 * l as f64 {
        out.push(Caveat::FailuresInLatency {
            stage: stage.name.clone(),
            failures: f,
            latencies: l,
        });
    }
    out
}

/// Warns when a reported percentile rests on fewer than 10 ÷ (1 − p) samples
/// (`samples`: the latencies it rests on; only percentiles the report shows: one the
/// data cannot give is not warned about).
fn sample_size_warning(scope: &str, figures: &ScopeReport, samples: u64, out: &mut Vec<Caveat>) {
    let n = samples;
    let l = &figures.latency_ms;
    let shown = [l.p50, l.p90, l.p95, l.p99, l.p999];
    let thin: Vec<String> = REPORT_PERCENTILES
        .iter()
        .zip(shown)
        .filter(|(_, v)| v.is_some())
        .map(|(p, _)| p)
        .filter(|p| n > 0 && n < ScopeMetrics::min_samples_for(**p))
        .map(|p| format!("p{p}"))
        .collect();
    if !thin.is_empty() {
        out.push(Caveat::ThinPercentiles {
            stage: scope.to_string(),
            percentiles: thin,
            samples: n,
            requests: figures.requests,
        });
    }
}

/// Stages' thin-percentile caveats one by one up to this many; beyond, one caveat for
/// the stages that share a list of thin percentiles (a stepped ramp of 40 steps would
/// otherwise give 40 lines).
const THIN_SHOWN_ONE_BY_ONE: usize = 3;

/// The thin-percentile caveats, the stages sharing thin percentiles in one caveat when
/// there are more than [`THIN_SHOWN_ONE_BY_ONE`].
fn thin_stages_grouped(caveats: Vec<Caveat>) -> Vec<Caveat> {
    if caveats.len() <= THIN_SHOWN_ONE_BY_ONE {
        return caveats;
    }
    let mut out: Vec<Caveat> = Vec::new();
    for c in caveats {
        let Caveat::ThinPercentiles {
            stage,
            percentiles,
            samples,
            ..
        } = c
        else {
            out.push(c);
            continue;
        };
        let same = out.iter_mut().find_map(|o| match o {
            Caveat::ThinStages {
                stages,
                percentiles: p,
                fewest,
                most,
            } if *p == percentiles => Some((stages, fewest, most)),
            _ => None,
        });
        match same {
            Some((stages, fewest, most)) => {
                stages.push(stage);
                *fewest = (*fewest).min(samples);
                *most = (*most).max(samples);
            }
            None => out.push(Caveat::ThinStages {
                stages: vec![stage],
                percentiles,
                fewest: samples,
                most: samples,
            }),
        }
    }
    out
}

/// Endpoints beyond which un-normalised URLs are worth a hint.
const MANY_ENDPOINTS: usize = 100;

/// A hint when many endpoints are one route with IDs in it (`/agents/17`,
/// `/agents/18`): `--normalize-labels` makes one endpoint of each, and each endpoint
/// costs memory and a report row.
fn label_hint(overall: &Stage) -> Option<Caveat> {
    let n = overall.endpoints.len();
    if n <= MANY_ENDPOINTS {
        return None;
    }
    let routes: std::collections::BTreeSet<String> =
        overall.endpoints.keys().map(|k| k.route()).collect();
    (routes.len() * 2 <= n).then_some(Caveat::IdsInUrls {
        endpoints: n,
        routes: routes.len(),
    })
}

/// The load levels' tools, when stages at a load come from more than one.
fn mixed_tools(src: &Source) -> Option<Caveat> {
    let mut tools: Vec<(String, Vec<String>)> = Vec::new();
    for s in src
        .stages
        .iter()
        .filter(|s| s.users.is_some() && s.requests() > 0)
    {
        let tool = s.tool.clone().unwrap_or_else(|| src.tool.clone());
        match tools.iter_mut().find(|(t, _)| *t == tool) {
            Some((_, stages)) => stages.push(s.name.clone()),
            None => tools.push((tool, vec![s.name.clone()])),
        }
    }
    (tools.len() > 1).then_some(Caveat::MixedTools { tools })
}

/// A warning when most of the run's span holds no request: files of unrelated runs
/// (or a clock off by years) read as one, whose overall throughput divides by the
/// whole span.
fn gap_warning(overall: &Stage) -> Option<Caveat> {
    let series = &overall.timeline;
    let (mut longest, mut current) = (0i64, 0i64);
    for iv in &series.intervals {
        current = if iv.requests == 0 { current + 1 } else { 0 };
        longest = longest.max(current);
    }
    let gap_s = longest * series.width_ms / 1000;
    let span_s = series.intervals.len() as i64 * series.width_ms / 1000;
    (gap_s >= 3600 && gap_s * 2 >= span_s).then_some(Caveat::LongGap { gap_s, span_s })
}
