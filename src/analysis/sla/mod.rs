//! SLA compliance: rules from an SLA file evaluated on the measured scopes, and the
//! release verdict they lead to.
//!
//! **Scopes.** `[global]` rules are evaluated on every stage and on overall (the
//! compliance matrix is rule × stage plus an "overall" column); `[stage.X]` rules on
//! stage X only; `[endpoint."K"]` rules on endpoint K within every stage and overall.
//! A section whose name matches no stage or endpoint of the data is an error that
//! suggests the nearest names. Names match exactly, or case-insensitively when that
//! singles out one name (`[stage.Peak]` finds `peak`).
//!
//! **Status of one evaluation.**
//! - `insufficient_data` when the value is unknown (a percentile a summary source
//!   lacks, throughput without a duration, a scope without requests), or when a
//!   percentile rests on fewer than 10 ÷ (1 − p) samples
//!   ([`ScopeMetrics::min_samples_for`]); the value is still reported then;
//! - `fail` when the measured value misses the limit;
//! - `not_proven` when an `error_rate` or `availability` value passes but the far end
//!   of its Wilson 95 % interval does not (0 failures in 500 requests cannot show an
//!   error rate below 0.1 %: the interval reaches 0.76 %);
//! - `pass` otherwise.
//!
//! **Factor.** value ÷ limit for upper bounds, limit ÷ value for lower bounds, and for
//! a lower bound on availability the ratio of unavailabilities (1 − value) ÷
//! (1 − limit). It is reported for passes too (then ≤ 1: how much of the budget is
//! used), because the report's compliance matrix shows the margin of a pass as well
//! as the size of a miss. It is null when its denominator is 0 (a limit of 0, a
//! measured 0 under a lower bound, an availability limit of 100 %) or the value is
//! unknown.
//!
//! **Verdict.** Only evaluations on the verdict stages decide it (`[global]
//! verdict_stages`, default every stage); a stage rule decides when its stage is a
//! verdict stage. The overall column never decides while the data has stages, because
//! overall includes ramps (its throughput counts ramp time) and the stages' steady
//! windows are what an SLA is about; when the data has no stages, overall is the only
//! evidence and decides. See [`verdict`] for the rule itself.

mod parse;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

pub use crate::analysis::units::format_value;
pub use parse::{Metric, Op, Rule, ScopeRules, Severity, SlaSpec};

use crate::analysis::metrics::ScopeMetrics;
use crate::analysis::units::{format_percent, format_quantity};
use crate::model::LatencyDistribution;

/// z for a two-sided 95 % interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

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
}

/// The judgement of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    /// The value meets the limit (and, for ratios, provably so).
    Pass,
    /// The value misses the limit.
    Fail,
    /// The value meets the limit but its 95 % interval does not: too few requests.
    NotProven,
    /// The value is unknown, or rests on too few samples to judge.
    InsufficientData,
}

/// One rule evaluated on one scope: a cell of the compliance matrix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleEvaluation {
    /// The rule as written in the SLA file.
    pub rule: String,
    /// Line of the rule in the SLA file.
    pub line: Option<usize>,
    /// Section the rule comes from: `global`, `stage` or `endpoint`.
    pub scope: String,
    /// Stage evaluated; `None` = overall.
    pub stage: Option<String>,
    /// Endpoint evaluated; `None` = the whole stage.
    pub endpoint: Option<String>,
    /// Canonical metric name: `p(95)`, `mean`, `throughput`, `error_rate`, …
    pub metric: String,
    /// The comparison: `<`, `<=`, `>`, `>=`.
    pub op: String,
    /// Measured value in `unit`; `None` when the data cannot say.
    pub value: Option<f64>,
    /// The limit in `unit`.
    pub limit: f64,
    /// `ms` (latency), `req/s` (rates), `ratio` (a fraction: 0.001 = 0.1 %) or `count`.
    pub unit: String,
    /// The value as the report writes it (`450 ms`, `0.02%`).
    pub value_display: Option<String>,
    /// The limit as the report writes it (`200 ms`, `0.1%`).
    pub limit_display: String,
    /// The judgement.
    pub status: RuleStatus,
    /// Whether the measured value, taken at face value, meets the limit. It is true
    /// for `not_proven` and may be either way for `insufficient_data` with a value;
    /// `status` is the judgement.
    pub pass: bool,
    /// value ÷ limit (upper bounds), limit ÷ value (lower bounds), (1 − value) ÷
    /// (1 − limit) (lower bounds on availability); > 1 is a miss, ≤ 1 a pass. `None`
    /// when a denominator is 0 or the value is unknown.
    pub factor: Option<f64>,
    /// What a miss means for the verdict.
    pub severity: Severity,
    /// Whether this evaluation counts towards the verdict.
    pub decides_verdict: bool,
    /// Wilson 95 % interval of `error_rate` / `availability`, in `unit`.
    pub interval: Option<[f64; 2]>,
    /// Why the status is what it is, when that is not obvious.
    pub note: Option<String>,
}

/// The release verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// Every deciding rule passes and the data-quality audit is clean.
    #[serde(rename = "GO")]
    Go,
    /// Nothing fails, but something is not proven, lacks data, fails a warn rule, or
    /// the audit is not clean.
    #[serde(rename = "CONDITIONAL")]
    Conditional,
    /// A fail-severity rule fails.
    #[serde(rename = "NO-GO")]
    NoGo,
}

impl Verdict {
    /// `GO`, `CONDITIONAL` or `NO-GO`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Go => "GO",
            Verdict::Conditional => "CONDITIONAL",
            Verdict::NoGo => "NO-GO",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Evaluates every rule of `spec` on the scopes it covers.
///
/// `stages` are the data's stage names in order, `endpoints` every endpoint key seen,
/// `scopes` the measured figures (overall and every stage, and any stage × endpoint
/// or overall × endpoint an endpoint rule needs). A covered scope missing from
/// `scopes` is evaluated as `insufficient_data`. The result lists `[global]` rules
/// (each over the stages in order, then overall), then `[stage.X]` and
/// `[endpoint."K"]` sections in file order.
///
/// Errors: a `verdict_stages` name, `[stage.X]` or `[endpoint."K"]` that matches
/// nothing in the data, with the nearest names.
pub fn evaluate(
    spec: &SlaSpec,
    stages: &[String],
    endpoints: &[String],
    scopes: &[ScopeData],
) -> Result<Vec<RuleEvaluation>, SlaError> {
    let verdict_stages: Vec<&str> = match spec.verdict_stages() {
        Some(names) => names
            .iter()
            .map(|n| resolve(n, stages, Kind::VerdictStage, spec.verdict_stages_line))
            .collect::<Result<_, _>>()?,
        None => stages.iter().map(String::as_str).collect(),
    };
    // Check every name before evaluating anything, so that a bad file fails whole.
    let stage_sections = spec
        .stages
        .iter()
        .map(|s| Ok((resolve(&s.name, stages, Kind::Stage, Some(s.line))?, s)))
        .collect::<Result<Vec<_>, SlaError>>()?;
    let endpoint_sections = spec
        .endpoints
        .iter()
        .map(|s| {
            Ok((
                resolve(&s.name, endpoints, Kind::Endpoint, Some(s.line))?,
                s,
            ))
        })
        .collect::<Result<Vec<_>, SlaError>>()?;

    let index: BTreeMap<(Option<&str>, Option<&str>), &ScopeMetrics> = scopes
        .iter()
        .map(|s| ((s.stage, s.endpoint.as_deref()), s.metrics))
        .collect();
    let columns: Vec<Option<&str>> = stages
        .iter()
        .map(|s| Some(s.as_str()))
        .chain(std::iter::once(None))
        .collect();
    let decides = |stage: Option<&str>| match stage {
        Some(s) => verdict_stages.contains(&s),
        None => stages.is_empty(),
    };
    let cell = |rule: &Rule, scope: &str, stage: Option<&str>, endpoint: Option<&str>| {
        let metrics = index.get(&(stage, endpoint)).copied();
        evaluation(rule, scope, stage, endpoint, metrics, decides(stage))
    };

    let mut out = Vec::new();
    for rule in &spec.global {
        out.extend(
            columns
                .iter()
                .map(|&stage| cell(rule, "global", stage, None)),
        );
    }
    for (stage, section) in &stage_sections {
        out.extend(
            section
                .rules
                .iter()
                .map(|rule| cell(rule, "stage", Some(stage), None)),
        );
    }
    for (endpoint, section) in &endpoint_sections {
        for rule in &section.rules {
            out.extend(
                columns
                    .iter()
                    .map(|&stage| cell(rule, "endpoint", stage, Some(endpoint))),
            );
        }
    }
    Ok(out)
}

/// The verdict over `evals` (only those with `decides_verdict`):
/// - **NO-GO** when a fail-severity rule fails;
/// - **CONDITIONAL** when none does but a warn rule fails, a pass is not proven, a
///   rule lacks data, the audit is not clean, or no evaluation decides at all (an SLA
///   that judges nothing cannot say GO);
/// - **GO** otherwise: every deciding rule passes and `audit_clean`.
pub fn verdict(evals: &[RuleEvaluation], audit_clean: bool) -> Verdict {
    let deciding: Vec<&RuleEvaluation> = evals.iter().filter(|e| e.decides_verdict).collect();
    if deciding
        .iter()
        .any(|e| e.status == RuleStatus::Fail && e.severity == Severity::Fail)
    {
        return Verdict::NoGo;
    }
    if deciding.is_empty() || !audit_clean || deciding.iter().any(|e| e.status != RuleStatus::Pass)
    {
        return Verdict::Conditional;
    }
    Verdict::Go
}

/// Wilson score interval for `k` events in `n` trials at `z` (use [`Z_95`]), as
/// fractions `[low, high]`; `None` without trials. Unlike the normal approximation it
/// stays inside [0, 1] and is useful at k = 0, where the high end is z² ÷ (n + z²)
/// (≈ 3.84 ÷ n at 95 %).
pub fn wilson_interval(k: u64, n: u64, z: f64) -> Option<[f64; 2]> {
    if n == 0 || k > n {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At k = 0 (k = n) the low (high) end is exactly 0 (1); say so rather than
    // report rounding noise.
    let low = if k == 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if k == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some([low, high])
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

/// What a section name is resolved against, for error messages.
#[derive(Clone, Copy)]
enum Kind {
    Stage,
    VerdictStage,
    Endpoint,
}

/// Finds `name` among `known`: exactly, else case-insensitively when that is unique.
fn resolve<'a>(
    name: &str,
    known: &'a [String],
    kind: Kind,
    line: Option<usize>,
) -> Result<&'a str, SlaError> {
    if let Some(k) = known.iter().find(|k| *k == name) {
        return Ok(k);
    }
    let folded: Vec<&String> = known
        .iter()
        .filter(|k| k.eq_ignore_ascii_case(name))
        .collect();
    if let [only] = folded[..] {
        return Ok(only);
    }
    let (what, plural, section) = match kind {
        Kind::Stage => ("stage", "stages", format!("[stage.{name}]")),
        Kind::VerdictStage => (
            "stage",
            "stages",
            format!("verdict_stages entry \"{name}\""),
        ),
        Kind::Endpoint => ("endpoint", "endpoints", format!("[endpoint.\"{name}\"]")),
    };
    let mut message = format!("{section} matches no {what} in the data");
    let near = parse::nearest(name, known);
    if !near.is_empty() {
        let quoted: Vec<String> = near.iter().map(|n| format!("\"{n}\"")).collect();
        message.push_str(&format!(" — did you mean {}?", quoted.join(" or ")));
    }
    if known.is_empty() {
        message.push_str(&format!(" (the data has no {plural})"));
    } else {
        const SHOWN: usize = 10;
        // Data order: stages read best in the order they ran.
        let list: Vec<&str> = known.iter().take(SHOWN).map(String::as_str).collect();
        let more = known.len().saturating_sub(SHOWN);
        let extra = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        message.push_str(&format!(" ({plural}: {}{extra})", list.join(", ")));
    }
    Err(SlaError { line, message })
}

/// One cell: `rule` on the scope (`stage`, `endpoint`) whose figures are `metrics`.
fn evaluation(
    rule: &Rule,
    scope: &str,
    stage: Option<&str>,
    endpoint: Option<&str>,
    metrics: Option<&ScopeMetrics>,
    decides_verdict: bool,
) -> RuleEvaluation {
    let kind = rule.metric.kind();
    let j = match metrics {
        Some(m) => judge(rule, m),
        None => Judgement::unknown("no data for this scope".to_string()),
    };
    RuleEvaluation {
        rule: rule.text.clone(),
        line: rule.line,
        scope: scope.to_string(),
        stage: stage.map(str::to_string),
        endpoint: endpoint.map(str::to_string),
        metric: rule.metric.to_string(),
        op: rule.op.as_str().to_string(),
        value: j.value,
        limit: rule.limit,
        unit: kind.unit().to_string(),
        value_display: j.value.map(|v| format_quantity(kind, v)),
        limit_display: rule.limit_display(),
        status: j.status,
        pass: j.value.is_some_and(|v| rule.op.holds(v, rule.limit)),
        factor: j
            .value
            .and_then(|v| factor(rule.metric, rule.op, v, rule.limit)),
        severity: rule.severity,
        decides_verdict,
        interval: j.interval,
        note: j.note,
    }
}

/// The parts of an evaluation that depend on the data.
struct Judgement {
    value: Option<f64>,
    status: RuleStatus,
    interval: Option<[f64; 2]>,
    note: Option<String>,
}

impl Judgement {
    fn unknown(note: String) -> Judgement {
        Judgement {
            value: None,
            status: RuleStatus::InsufficientData,
            interval: None,
            note: Some(note),
        }
    }
}

fn judge(rule: &Rule, m: &ScopeMetrics) -> Judgement {
    let mut notes: Vec<String> = Vec::new();
    let value = match rule.metric {
        Metric::Throughput => m.throughput_rps(),
        Metric::Goodput => m.goodput_rps(),
        Metric::Percentile(p) => {
            // A merged summary's percentiles are estimates (`MergedApproximate`).
            if matches!(&m.latency, LatencyDistribution::Summary(s) if s.merged) {
                notes.push("approximate: estimated from merged summaries".to_string());
            }
            m.percentile(p).map(|pv| pv.value_ms)
        }
        Metric::Mean => m.latency.mean_ms(),
        Metric::Min => m.latency.min_ms(),
        Metric::Max => m.latency.max_ms(),
        Metric::ErrorRate => m.error_rate(),
        Metric::Availability => m.availability(),
        Metric::Requests => Some(m.requests as f64),
    };
    let Some(v) = value else {
        return Judgement::unknown(why_unknown(rule.metric, m));
    };

    // Wilson interval of the failure proportion, turned into the metric's terms.
    let interval = match rule.metric {
        Metric::ErrorRate => wilson_interval(m.failures, m.requests, Z_95),
        Metric::Availability => {
            wilson_interval(m.failures, m.requests, Z_95).map(|[lo, hi]| [1.0 - hi, 1.0 - lo])
        }
        _ => None,
    };

    let status = if let Metric::Percentile(p) = rule.metric {
        let needed = ScopeMetrics::min_samples_for(p);
        let have = m.latency.count();
        if have < needed {
            notes.push(format!(
                "{} rests on {have} samples; at least {needed} are needed to trust it \
                 (10 ÷ (1 − p))",
                rule.metric
            ));
            RuleStatus::InsufficientData
        } else {
            pass_or_fail(rule, v)
        }
    } else {
        pass_or_fail(rule, v)
    };

    // A measured pass of a ratio counts only if the whole interval passes.
    let status = match (status, interval) {
        (RuleStatus::Pass, Some([lo, hi])) => {
            let far = if rule.op.is_upper_bound() { hi } else { lo };
            if rule.op.holds(far, rule.limit) {
                RuleStatus::Pass
            } else {
                notes.push(format!(
                    "measured {} meets the limit {}, but its 95% interval [{}, {}] over {} \
                     requests reaches past it: too few requests to show it",
                    format_percent(v),
                    format_percent(rule.limit),
                    format_percent(lo),
                    format_percent(hi),
                    m.requests
                ));
                RuleStatus::NotProven
            }
        }
        (s, _) => s,
    };

    Judgement {
        value: Some(v),
        status,
        interval,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    }
}

fn pass_or_fail(rule: &Rule, value: f64) -> RuleStatus {
    if rule.op.holds(value, rule.limit) {
        RuleStatus::Pass
    } else {
        RuleStatus::Fail
    }
}

/// Why a metric has no value in a scope, in the user's terms.
fn why_unknown(metric: Metric, m: &ScopeMetrics) -> String {
    if m.requests == 0 {
        return "no requests in this scope".to_string();
    }
    match metric {
        Metric::Throughput | Metric::Goodput => {
            "no duration: the source has no timestamps for this scope".to_string()
        }
        Metric::Percentile(_) if m.latency.count() > 0 && !m.latency.is_exact() => {
            format!("the source's summary has no {metric}")
        }
        _ => "no latency values in this scope".to_string(),
    }
}
