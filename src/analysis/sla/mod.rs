//! SLA compliance: rules from an SLA file evaluated on the measured scopes, and the
//! release verdict they lead to. The file format is in `parse.rs`, one rule's types
//! in `rule.rs` and its grammar in `grammar.rs`, "did you mean" in `suggest.rs`,
//! whole-scope judgements in `judge.rs` (over counts known only within a band in
//! `slack.rs`; overall's percentiles by its stages' own in `union.rs`), window
//! rules in `window.rs`, passes a
//! source that leaves out failures cannot show in `unseen.rs`
//! and the statistics (Wilson, order statistics, Apdex) in `stats.rs`.
//!
//! **Scopes.** `[global]` rules are evaluated on every stage and on overall (the
//! compliance matrix is rule × stage plus an "overall" column); `[stage.X]` rules on
//! stage X only; `[endpoint."K"]` rules on endpoint K within every stage and overall;
//! `[stage.X.endpoint."K"]` on endpoint K within stage X; `[each_endpoint]` rules on
//! every endpoint on its own, within every stage and overall. An endpoint written
//! `/regex/` (and not itself the name of an endpoint) pools every endpoint whose
//! `METHOD name` matches into one scope — histograms add exactly — so that
//! un-generalised URLs (`/agents/17`, `/agents/18`) are judged together; use
//! `[each_endpoint]` for one evaluation per endpoint. A section whose name or regex
//! matches no stage or endpoint of the data is a warning, and its rules are `not_run`
//! (an SLA file travels between runs); only a name that looks like a typo of one the
//! data has is an error that says "did you mean" (`resolve.rs`). Names match exactly,
//! or case-insensitively when that singles out one name (`[stage.Peak]` finds `peak`);
//! a stage also by its words whatever the separators and an ordering number before
//! them (`[stage.peak-load]` finds `02_Peak_Load`), when that singles out one.
//!
//! **Status of one evaluation.**
//! - `insufficient_data` when the value is unknown (a percentile a summary source
//!   lacks, throughput without a duration, a scope without requests, a window rule
//!   without a time series, the share of 2xx/3xx responses, which the data does not
//!   count), or when a passing percentile rests on fewer than 10 ÷ (1 − p) samples
//!   ([`ScopeMetrics::min_samples_for`]); the value is still reported then;
//! - `fail` when the measured value misses the limit — also with few samples (the
//!   note says so): a value already past the limit is not made better by more data;
//! - `not_run` when the SLA names a stage or endpoint the data lacks;
//! - `not_proven` when a proportion (`error_rate`, `availability`, `rc(…)`) passes
//!   but the far end of its Wilson 95 % interval does not (0 failures in 500
//!   requests cannot show an error rate below 0.1 %: the interval reaches 0.76 %), or
//!   when an Apdex passes only if the failed requests were the slow ones (a source
//!   that does not say which latencies failed);
//! - `pass` otherwise.
//!
//! A percentile rule reports its order-statistic 95 % interval (`interval`, ms) and
//! says in its note when the interval reaches past the limit, but is judged on the
//! measured value: the 10 ÷ (1 − p) floor is its guard against thin data. (A
//! percentile's interval jumps to the next recorded value wherever values are
//! quantised — a tool's 1 ms resolution, a histogram bucket — so making it decide
//! would turn exact, well-sampled passes into `not_proven`.)
//!
//! **Expected statuses.** `[global] expected_status = [429]` takes failures with
//! those statuses out of `error_rate` and `availability` (the requests still count);
//! the note says how many were left out. `rc(429)` still reports them.
//!
//! **Factor.** value ÷ limit for upper bounds, limit ÷ value for lower bounds, and for
//! a lower bound on availability the ratio of unavailabilities (1 − value) ÷
//! (1 − limit). It is reported for passes too (then ≤ 1: how much of the budget is
//! used), because the report's compliance matrix shows the margin of a pass as well
//! as the size of a miss. It is null when its denominator is 0 (a limit of 0, a
//! measured 0 under a lower bound, an availability limit of 100 %) or the value is
//! unknown. A window rule's factor is its worst window's.
//!
//! **Verdict.** Only evaluations on the verdict stages decide it (`[global]
//! verdict_stages`, default every stage); a stage rule decides when its stage is a
//! verdict stage. The overall column never decides while the data has stages, because
//! overall includes ramps (its throughput counts ramp time) and the stages' steady
//! windows are what an SLA is about; when the data has no stages, overall is the only
//! evidence and decides. When `verdict_stages` names none of the data's stages,
//! every stage decides but the verdict is at most CONDITIONAL (`sla_report`): those
//! are not the stages the SLA chose. See [`verdict`] for the rule itself.

mod bounded;
mod censored;
mod drifting;
mod evaluation;
mod grammar;
mod judge;
mod parse;
mod resolve;
mod route_scope;
mod rule;
mod sections;
mod slack;
mod spelling;
mod stats;
mod suggest;
mod task_names;
#[cfg(test)]
mod tests;
mod union;
mod unseen;
mod window;

use std::collections::BTreeMap;
use std::fmt;

pub use crate::analysis::quantity::format_value;
pub use crate::model::may_be_one_route;
pub use bounded::percentile_bounds;
pub use censored::{at_least_over_all, over_all_requests, FAILURES_NOTE};
pub use drifting::DRIFT_NOTE;
pub use evaluation::{gates, verdict, RuleEvaluation, RuleStatus, Scope, Verdict};
pub use parse::{regex_name, ScopeRules, SlaSpec, StageEndpointRules};
pub use rule::{Metric, Op, Rule, Severity, StatusClass, Window, APDEX_DEFAULT_T_MS};
pub use slack::ROUNDED_COUNTS_NOTE;
pub use stats::{order_statistic_ranks, percentile_interval_ms, wilson_interval, ApdexRange, Z_95};
pub use suggest::edit_distance;
pub use task_names::with_task_names;
pub use unseen::{
    discount_disputed_counts, discount_doubtful_clock, discount_doubtful_latency, discount_rounded,
    discount_two_runs, discount_unseen_failures, discount_untrimmed, judged_on_whole_run,
    phases_not_stages,
};
pub use window::WindowReport;

use crate::analysis::caveat::Caveat;
use crate::analysis::metrics::ScopeMetrics;
use crate::analysis::quantity::format_quantity;
use crate::model::{FailureKind, TimeSeries};
use resolve::{absent, known_list, resolve_stages, EndpointTarget, Kind};
use sections::Sections;

/// A problem with an SLA file, or between an SLA file and the data (exit 2).
#[derive(Clone, Debug, PartialEq)]
pub struct SlaError {
    /// 1-based line in the SLA file, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong and, where possible, what was probably meant.
    pub message: String,
}

impl fmt::Display for SlaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for SlaError {}

/// The measurements of one scope, as the caller computed them.
#[derive(Clone, Debug)]
pub struct ScopeData<'a> {
    /// Stage name as in the `stages` list; `None` = overall.
    pub stage: Option<&'a str>,
    /// Endpoint key; `None` = the whole stage (or the whole run).
    pub endpoint: Option<String>,
    /// The figures.
    pub metrics: &'a ScopeMetrics,
    /// The per-interval series (window rules); `None` when the source has none.
    pub series: Option<&'a TimeSeries>,
    /// The scope's time window, epoch ms `[start, end)`, which rates per window are
    /// measured against; `None` = whole intervals.
    pub window_ms: Option<(i64, i64)>,
}

impl<'a> ScopeData<'a> {
    /// A scope without a time series.
    pub fn new(
        stage: Option<&'a str>,
        endpoint: Option<String>,
        metrics: &'a ScopeMetrics,
    ) -> ScopeData<'a> {
        ScopeData {
            stage,
            endpoint,
            metrics,
            series: None,
            window_ms: None,
        }
    }

    /// The same scope with its time series and window.
    pub fn with_series(
        mut self,
        series: Option<&'a TimeSeries>,
        window_ms: Option<(i64, i64)>,
    ) -> ScopeData<'a> {
        self.series = series;
        self.window_ms = window_ms;
        self
    }
}

/// A pooled scope (a `/regex/` section in one stage), owned.
struct Pooled {
    metrics: ScopeMetrics,
    series: Option<TimeSeries>,
    window_ms: Option<(i64, i64)>,
}

impl Pooled {
    /// The pooled scope to judge (judging reads the figures only; the names are the
    /// caller's).
    fn data(&self) -> ScopeData<'_> {
        ScopeData {
            stage: None,
            endpoint: None,
            metrics: &self.metrics,
            series: self.series.as_ref(),
            window_ms: self.window_ms,
        }
    }
}

/// What evaluating an SLA file on the data gives.
#[derive(Clone, Debug, Default)]
pub struct Evaluated {
    /// Every evaluation, `not_run` ones included.
    pub evals: Vec<RuleEvaluation>,
    /// Names of the file the data lacks, and what became of them.
    pub warnings: Vec<Caveat>,
    /// The stages that decide the verdict, when a subset does (empty: every stage).
    pub verdict_stages: Vec<String>,
    /// True when verdict stages were named but none is in the data, so every stage
    /// decides.
    pub verdict_fallback: bool,
    /// The `verdict_stages` entries that name no stage in the data, as written.
    pub verdict_stages_absent: Vec<String>,
    /// The stages the SLA's `[stage.X]` sections name, as written, when none of them
    /// is in the data, the file names no verdict stage and `--verdict-stage` chose
    /// none: the rules the file wrote for its stages judged nothing, and which of the
    /// data's stages they meant is unknown (a one-stage run named after its dir,
    /// `checkout-test/`, under `[stage.peak]`), so the verdict is no GO.
    pub stages_unmatched: Vec<String>,
}

/// [`evaluate_with`] without a `--verdict-stage` override, evaluations only.
pub fn evaluate(
    spec: &SlaSpec,
    stages: &[String],
    endpoints: &[String],
    scopes: &[ScopeData],
) -> Result<Vec<RuleEvaluation>, SlaError> {
    evaluate_with(spec, (stages, &[]), (endpoints, &[]), scopes, &[]).map(|e| e.evals)
}

/// An endpoint of the data named after its file, not after what it requested
/// (`sections.rs`), the stages that hold it (a stage's endpoint section may be it
/// only in those stages), and the tool whose output names no URL (`h2load`).
pub type Unnamed = (String, Vec<String>, String);

/// Evaluates every rule of `spec` on the scopes it covers.
///
/// `stages` are the data's stage names in order, with their users (one each, or none
/// at all), `endpoints` every endpoint key seen
/// and those of them named after a file, not after what was requested, with their
/// stages ([`Unnamed`]),
/// `scopes` the measured figures (overall and every stage, and every stage ×
/// endpoint and overall × endpoint). A covered scope missing from `scopes` is
/// evaluated as `insufficient_data`. The result lists `[global]` rules (each over
/// the stages in order, then overall), then `[stage.X]`, `[endpoint."K"]` and
/// `[stage.X.endpoint."K"]` sections in file order, then `[each_endpoint]` rules
/// (each over the endpoints in order, each over the stages then overall).
/// `verdict_override` (`--verdict-stage`), when not empty, replaces the file's
/// `verdict_stages`.
///
/// A section or `verdict_stages` entry naming nothing in the data is a warning and its
/// rules are `not_run`. Errors: such a name that looks like a typo of a name the data
/// has, or a `verdict_override` name the data lacks.
pub fn evaluate_with(
    spec: &SlaSpec,
    (stages, users): (&[String], &[Option<u32>]),
    (endpoints, unnamed): (&[String], &[Unnamed]),
    scopes: &[ScopeData],
    verdict_override: &[String],
) -> Result<Evaluated, SlaError> {
    let mut warnings = Vec::new();
    let (named, verdict_fallback, verdict_stages_absent) =
        named_verdict_stages(spec, (stages, users), verdict_override, &mut warnings)?;
    let verdict_stages: Vec<&str> = if named.is_empty() {
        stages.iter().map(String::as_str).collect()
    } else {
        named.clone()
    };
    // Check every name before evaluating anything, so that a bad file fails whole.
    let sections = Sections::resolve(spec, (stages, users), (endpoints, unnamed), &mut warnings)?;

    let index: BTreeMap<(Option<&str>, Option<&str>), &ScopeData> = scopes
        .iter()
        .map(|s| ((s.stage, s.endpoint.as_deref()), s))
        .collect();
    let columns: Vec<Option<&str>> = stages
        .iter()
        .map(|s| Some(s.as_str()))
        .chain(std::iter::once(None))
        .collect();
    let pools = pools(&sections, &columns, &index);
    let decides = |stage: Option<&str>| match stage {
        Some(s) => verdict_stages.contains(&s),
        None => stages.is_empty(),
    };
    let expected = spec.expected_status.as_slice();
    let cell = |rule: &Rule, scope: Scope, stage: Option<&str>, target: Option<&EndpointTarget>| {
        let judged = |data: Option<&ScopeData>, parts: &[union::Part]| {
            evaluation(
                rule,
                scope,
                stage,
                target.map(EndpointTarget::label),
                data.map(|d| (d, parts)),
                decides(stage),
                expected,
            )
        };
        let parts = |endpoint: Option<&str>| union::parts(&index, stages, stage, endpoint);
        match target {
            None => judged(index.get(&(stage, None)).copied(), &parts(None)),
            Some(EndpointTarget::Exact(name)) => {
                let data = index.get(&(stage, Some(*name))).copied();
                judged(data, &parts(Some(name)))
            }
            Some(EndpointTarget::Unknown(_, why)) => RuleEvaluation {
                note: Some(why.clone()),
                ..judged(None, &[])
            },
            Some(EndpointTarget::Pattern(written, _)) => {
                let pooled = pools.get(&(written.clone(), stage)).map(Pooled::data);
                judged(pooled.as_ref(), &[])
            }
        }
    };

    let mut out = Vec::new();
    for rule in &spec.global {
        out.extend(
            columns
                .iter()
                .map(|&stage| cell(rule, Scope::Global, stage, None)),
        );
    }
    for (stage, section) in &sections.stage {
        out.extend(
            section
                .rules
                .iter()
                .map(|rule| cell(rule, Scope::Stage, Some(stage), None)),
        );
    }
    for (target, section) in &sections.endpoint {
        for rule in &section.rules {
            out.extend(
                columns
                    .iter()
                    .map(|&stage| cell(rule, Scope::Endpoint, stage, Some(target))),
            );
        }
    }
    for (stage, target, section) in &sections.stage_endpoint {
        out.extend(
            section
                .rules
                .iter()
                .map(|rule| cell(rule, Scope::StageEndpoint, Some(stage), Some(target))),
        );
    }
    for rule in &spec.each_endpoint {
        for name in endpoints {
            let target = EndpointTarget::Exact(name);
            out.extend(
                columns
                    .iter()
                    .map(|&stage| cell(rule, Scope::EachEndpoint, stage, Some(&target))),
            );
        }
    }
    out.extend(sections.not_run);
    Ok(Evaluated {
        stages_unmatched: unchosen(spec, verdict_override, sections.stages_unmatched),
        evals: out,
        warnings,
        verdict_stages: named.iter().map(|s| s.to_string()).collect(),
        verdict_fallback,
        verdict_stages_absent,
    })
}

/// The stages the SLA (or `--verdict-stage`, when given) names to decide the verdict,
/// as the data spells them, and whether none of the SLA's is in the data (then every
/// stage decides), and the SLA's names the data lacks. Those are caveats too; a
/// `--verdict-stage` the data lacks, or an SLA name that looks like a typo, is an error.
fn named_verdict_stages<'a>(
    spec: &SlaSpec,
    (stages, users): (&'a [String], &[Option<u32>]),
    verdict_override: &[String],
    warnings: &mut Vec<Caveat>,
) -> Result<(Vec<&'a str>, bool, Vec<String>), SlaError> {
    let mut verdict_fallback = false;
    let mut missing = Vec::new();
    let written = sections::written_names(spec).0;
    let data = (stages, users, written.as_slice());
    let named: Vec<&str> = if verdict_override.is_empty() {
        let mut found = Vec::new();
        for n in spec.verdict_stages().unwrap_or_default() {
            let line = spec.verdict_stages_line;
            match resolve_stages(n, data, (Kind::VerdictStage, line), warnings)?[..] {
                ref all @ [_, ..] => found.extend_from_slice(all),
                [] => {
                    missing.push(n.clone());
                    warnings.push(Caveat::SlaNameAbsent(absent(
                        Kind::VerdictStage,
                        n,
                        stages,
                        spec.verdict_stages_line,
                    )))
                }
            }
        }
        if found.is_empty() && spec.verdict_stages().is_some_and(|v| !v.is_empty()) {
            verdict_fallback = true;
            warnings.push(Caveat::NoVerdictStage);
        }
        found
    } else {
        let mut found = Vec::new();
        for n in verdict_override {
            // Spelled as a verdict_stages entry may be (`peak-load`, `Peak Load`, the
            // dir's `02_peak-load`), but a name the data lacks is an error here.
            match resolve_stages(n, data, (Kind::VerdictFlag, None), warnings)?[..] {
                ref all @ [_, ..] => found.extend_from_slice(all),
                [] => {
                    return Err(SlaError {
                        line: None,
                        message: format!(
                            "--verdict-stage {n} matches no stage in the data{}",
                            known_list(stages, "stages")
                        ),
                    })
                }
            }
        }
        found
    };
    Ok((named, verdict_fallback, missing))
}

/// `unmatched` (the SLA's stage names when none is in the data) unless verdict stages
/// were chosen: by `--verdict-stage`, or by `verdict_stages`, which naming none of the
/// data's stages is `verdict_fallback` already.
fn unchosen(spec: &SlaSpec, verdict_override: &[String], unmatched: Vec<String>) -> Vec<String> {
    let chosen =
        !verdict_override.is_empty() || spec.verdict_stages().is_some_and(|v| !v.is_empty());
    if chosen {
        Vec::new()
    } else {
        unmatched
    }
}

/// Every regex section pooled once per column it is evaluated in.
fn pools<'d>(
    sections: &Sections<'_, 'd>,
    columns: &[Option<&'d str>],
    index: &BTreeMap<(Option<&str>, Option<&str>), &ScopeData>,
) -> BTreeMap<(String, Option<&'d str>), Pooled> {
    let mut pools: BTreeMap<(String, Option<&str>), Pooled> = BTreeMap::new();
    let patterns = sections
        .endpoint
        .iter()
        .flat_map(|(t, _)| columns.iter().map(move |c| (t, *c)))
        .chain(
            sections
                .stage_endpoint
                .iter()
                .map(|(stage, t, _)| (t, Some(*stage))),
        );
    for (target, column) in patterns {
        if let EndpointTarget::Pattern(written, names) = target {
            let key = (written.clone(), column);
            if pools.contains_key(&key) {
                continue;
            }
            let parts: Vec<&ScopeData> = names
                .iter()
                .filter_map(|n| index.get(&(column, Some(*n))).copied())
                .collect();
            if let Some(p) = pool(&parts) {
                pools.insert(key, p);
            }
        }
    }
    pools
}

/// A rule whose scope the data lacks: shown as `not_run`, never counted.
pub(super) fn unrun(
    rule: &Rule,
    scope: Scope,
    stage: Option<&str>,
    endpoint: Option<&str>,
    why: &str,
) -> RuleEvaluation {
    let mut e = evaluation(rule, scope, stage, endpoint, None, false, &[]);
    e.status = RuleStatus::NotRun;
    e.note = Some(why.to_string());
    e
}

/// The factor of a value against a limit (see the module documentation).
pub fn factor(metric: Metric, op: Op, value: f64, limit: f64) -> Option<f64> {
    let ratio = |num: f64, den: f64| (den != 0.0).then(|| num / den);
    match (metric, op.is_upper_bound()) {
        (Metric::Availability, false) => ratio(1.0 - value, 1.0 - limit),
        (_, true) => ratio(value, limit),
        (_, false) if limit == 0.0 => None,
        (_, false) => ratio(limit, value),
    }
}

/// Failures with one of the `expected` statuses (never more than all failures).
pub(crate) fn expected_failures(m: &ScopeMetrics, expected: &[u16]) -> u64 {
    expected
        .iter()
        .map(|s| {
            m.failures_by_kind
                .get(&FailureKind::Status(*s))
                .copied()
                .unwrap_or(0)
        })
        .sum::<u64>()
        .min(m.failures)
}

/// Adds scopes together (the endpoints a regex matches, within one stage).
fn pool(parts: &[&ScopeData]) -> Option<Pooled> {
    let (first, rest) = parts.split_first()?;
    let mut metrics = first.metrics.clone();
    let mut series = first.series.cloned();
    for p in rest {
        let m = p.metrics;
        metrics.timeout_ms = crate::model::shorter_timeout(
            (metrics.timeout_ms, metrics.timeouts_left_out()),
            (m.timeout_ms, m.timeouts_left_out()),
        );
        metrics.requests += m.requests;
        metrics.failures += m.failures;
        metrics.count_slack = metrics.count_slack.plus(m.count_slack);
        metrics.latency.merge(&m.latency);
        metrics.ok_latency = match (metrics.ok_latency.take(), &m.ok_latency) {
            (Some(mut a), Some(b)) => {
                a.merge(b);
                Some(a)
            }
            _ => None,
        };
        for (k, v) in &m.failures_by_kind {
            *metrics.failures_by_kind.entry(*k).or_default() += v;
        }
        series = match (series, p.series) {
            (Some(mut a), Some(b)) => {
                a.merge(b);
                Some(a)
            }
            (a, b) => a.or_else(|| b.cloned()),
        };
    }
    Some(Pooled {
        metrics,
        series,
        window_ms: first.window_ms,
    })
}

/// `text` marked `≈` when the judgement's value is a merged-summary estimate: DESIGN
/// never presents one as exact (in the check table, the matrix, JUnit or a headline).
fn approximate_if(j: &Judgement, text: String) -> String {
    if j.note
        .as_deref()
        .is_some_and(|n| n.contains(judge::MERGED_NOTE))
    {
        format!("≈ {text}")
    } else {
        text
    }
}

/// One cell: `rule` on the scope (`stage`, `endpoint`) measured by `data`.
fn evaluation(
    rule: &Rule,
    scope: Scope,
    stage: Option<&str>,
    endpoint: Option<&str>,
    data: Option<(&ScopeData, &[union::Part])>,
    decides_verdict: bool,
    expected: &[u16],
) -> RuleEvaluation {
    let kind = rule.metric.kind();
    let j = match data {
        Some((d, parts)) => {
            union::judge(rule, d, parts).unwrap_or_else(|| judge::judge(rule, d, expected))
        }
        None => Judgement::unknown("no data for this scope".to_string()),
    };
    let mut e = RuleEvaluation {
        rule: rule.text.clone(),
        line: rule.line,
        scope,
        stage: stage.map(str::to_string),
        endpoint: endpoint.map(str::to_string),
        metric: rule.metric,
        op: rule.op,
        value: j.value,
        limit: rule.limit,
        unit: kind,
        value_display: (j.value)
            .map(|v| approximate_if(&j, format_quantity(kind, v)))
            .or_else(|| j.bound.as_ref().map(|b| b.0.clone())),
        limit_display: rule.limit_display(),
        status: j.status,
        // Where the data cannot say, a face value is no pass (`sla_report` settles
        // this again once every status is final).
        pass: (j.value.map(|v| rule.op.holds(v, rule.limit)))
            .or(j.bound.as_ref().map(|b| b.1))
            .filter(|_| j.status != RuleStatus::InsufficientData),
        factor: j
            .value
            .and_then(|v| factor(rule.metric, rule.op, v, rule.limit)),
        severity: rule.severity,
        decides_verdict,
        interval: j.interval,
        note: j.note,
        window: j.window,
        factor_text: None,
        bound_on: j.bound.as_ref().and_then(|b| b.2),
    };
    e.factor_text = crate::analysis::headline::factor_phrase(&e);
    e
}

/// The parts of an evaluation that depend on the data.
pub(crate) struct Judgement {
    value: Option<f64>,
    /// For a value known only by a bound (`bounded.rs`): how it is shown (`≤ 61 ms`),
    /// whether the rule holds at it, and the figure the tool printed that it is (`max`,
    /// 140 ms), when it is one, whose rounding can leave the rule unproven.
    bound: Option<(String, bool, bounded::Figure)>,
    status: RuleStatus,
    interval: Option<[f64; 2]>,
    note: Option<String>,
    window: Option<WindowReport>,
}

impl Judgement {
    fn unknown(note: String) -> Judgement {
        Judgement {
            value: None,
            bound: None,
            status: RuleStatus::InsufficientData,
            interval: None,
            note: Some(note),
            window: None,
        }
    }
}
