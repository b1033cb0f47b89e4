//! One rule evaluated on one scope ([`RuleEvaluation`], a cell of the compliance
//! matrix), its judgement ([`RuleStatus`]), the section it comes from ([`Scope`]),
//! and the release verdict the evaluations lead to ([`Verdict`], [`verdict`],
//! [`gates`]). Typed until serialisation: serde writes the strings report.json has.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::rule::{Metric, Op, Severity};
use super::window::WindowReport;
use crate::analysis::quantity::UnitKind;

/// The judgement of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    /// The value meets the limit (and, for ratios, provably so).
    Pass,
    /// The value misses the limit.
    Fail,
    /// The value meets the limit but its 95 % interval does not: too few requests.
    NotProven,
    /// The value is unknown, or a pass rests on too few samples to judge.
    InsufficientData,
    /// The rule's scope (a stage or endpoint the SLA names) is not in the data: shown,
    /// not counted.
    NotRun,
}

impl RuleStatus {
    /// `pass`, `fail`, `not_proven`, `insufficient_data`, `not_run`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleStatus::Pass => "pass",
            RuleStatus::Fail => "fail",
            RuleStatus::NotProven => "not_proven",
            RuleStatus::InsufficientData => "insufficient_data",
            RuleStatus::NotRun => "not_run",
        }
    }
}

/// The SLA file's section a rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// `[global]`: every stage and overall.
    Global,
    /// `[stage.X]`: stage X.
    Stage,
    /// `[endpoint."K"]`: endpoint K within every stage and overall.
    Endpoint,
    /// `[stage.X.endpoint."K"]`: endpoint K within stage X.
    StageEndpoint,
    /// `[each_endpoint]`: every endpoint on its own.
    EachEndpoint,
}

impl Scope {
    /// `global`, `stage`, `endpoint`, `stage_endpoint`, `each_endpoint`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Stage => "stage",
            Scope::Endpoint => "endpoint",
            Scope::StageEndpoint => "stage_endpoint",
            Scope::EachEndpoint => "each_endpoint",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule evaluated on one scope: a cell of the compliance matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleEvaluation {
    /// The rule as written in the SLA file.
    pub rule: String,
    /// Line of the rule in the SLA file.
    pub line: Option<usize>,
    /// Section the rule comes from: `global`, `stage`, `endpoint`, `stage_endpoint`
    /// or `each_endpoint`.
    pub scope: Scope,
    /// Stage evaluated; `None` = overall.
    pub stage: Option<String>,
    /// Endpoint evaluated (a key, or the `/regex/` of a pooled scope); `None` = the
    /// whole stage.
    pub endpoint: Option<String>,
    /// Canonical metric name: `p(95)`, `mean`, `throughput`, `error_rate`, `rc(5xx)`,
    /// `apdex(500ms)`, …
    pub metric: Metric,
    /// The comparison: `<`, `<=`, `>`, `>=`.
    pub op: Op,
    /// Measured value in `unit`; `None` when the data cannot say (or only bounds it:
    /// `value_display` then gives the bound, `≤ 61 ms`). For a window rule, the worst
    /// window's.
    pub value: Option<f64>,
    /// The limit in `unit`.
    pub limit: f64,
    /// `ms` (latency), `req/s` (rates), `ratio` (a fraction: 0.001 = 0.1 %), `score`
    /// (Apdex) or `count`.
    pub unit: UnitKind,
    /// The value as the report writes it (`450 ms`, `0.02%`).
    pub value_display: Option<String>,
    /// The limit as the report writes it (`200 ms`, `0.1%`).
    pub limit_display: String,
    /// The judgement.
    pub status: RuleStatus,
    /// Whether the measured value, taken at face value, meets the limit (true for
    /// `not_proven`); null where the data cannot say (`insufficient_data`, `not_run`):
    /// a face value there (a bound, a figure on too few samples) is no pass.
    /// `status` is the judgement.
    pub pass: Option<bool>,
    /// value ÷ limit (upper bounds), limit ÷ value (lower bounds), (1 − value) ÷
    /// (1 − limit) (lower bounds on availability); > 1 is a miss, ≤ 1 a pass. `None`
    /// when a denominator is 0 or the value is unknown.
    pub factor: Option<f64>,
    /// The factor of a miss in words: "3.3× over" (upper limit), "needs 228× more"
    /// (lower limit), "error budget used 44.9×" (lower limit on availability); `None`
    /// unless the evaluation fails with a factor.
    pub factor_text: Option<String>,
    /// What a miss means for the verdict.
    pub severity: Severity,
    /// Whether this evaluation counts towards the verdict.
    pub decides_verdict: bool,
    /// 95 % interval in `unit`: Wilson for proportions, order statistics for
    /// percentiles, the range an Apdex can lie in when failures are not placed, and
    /// for a percentile a summary does not print the printed ones around it.
    pub interval: Option<[f64; 2]>,
    /// Why the status is what it is, when that is not obvious.
    pub note: Option<String>,
    /// What a window rule saw (`in every` / `for`); `None` otherwise.
    pub window: Option<WindowReport>,
    /// For a value known only by a bound: the figure the tool printed that bounds it
    /// (`max`, 140 ms), whose rounding `discount_rounded` weighs as a value's. Not in
    /// report.json (`value_display` shows the bound).
    #[serde(skip)]
    pub bound_on: Option<(Metric, f64)>,
}

impl RuleEvaluation {
    /// True for a latency pass left unproven because its stage drifts past the limit
    /// (`drifting.rs`).
    pub fn drifts(&self) -> bool {
        self.status == RuleStatus::NotProven
            && (self.note.as_deref()).is_some_and(|n| n.starts_with(super::DRIFT_NOTE))
    }

    /// A pass at one end of the band of counts a source rounds and a miss at the other
    /// (`slack.rs`): not proven.
    pub fn on_rounded_counts(&self) -> bool {
        self.status == RuleStatus::NotProven
            && (self.note.as_deref()).is_some_and(|n| n.starts_with(super::ROUNDED_COUNTS_NOTE))
    }

    /// A percentile pass that failures' (fast) answers in the latency may make, which
    /// the successes do not show (`censored.rs`): not proven.
    pub fn rests_on_failures(&self) -> bool {
        self.status == RuleStatus::NotProven
            && (self.note.as_deref()).is_some_and(|n| n.contains(super::FAILURES_NOTE))
    }

    /// The section this evaluation comes from, as one label: `global`, `stage peak`,
    /// `endpoint GET /a`, `stage peak endpoint GET /a`, `each_endpoint` (one JUnit
    /// test suite each).
    pub fn section(&self) -> String {
        let stage = self.stage.as_deref().unwrap_or("overall");
        let endpoint = self.endpoint.as_deref().unwrap_or("");
        match self.scope {
            Scope::Stage => format!("stage {stage}"),
            Scope::Endpoint => format!("endpoint {endpoint}"),
            Scope::StageEndpoint => format!("stage {stage} endpoint {endpoint}"),
            Scope::Global | Scope::EachEndpoint => self.scope.to_string(),
        }
    }

    /// Where it was evaluated: `peak`, `overall`, `peak · GET /a`.
    pub fn target(&self) -> String {
        let stage = self.stage.as_deref().unwrap_or("overall");
        match &self.endpoint {
            Some(ep) => format!("{stage} · {ep}"),
            None => stage.to_string(),
        }
    }
}

/// The release verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// Whether an evaluation fails the CI gate (`headroom check` exits 1): it decides the
/// verdict, has severity `fail`, and fails — or, with `strict`, is not proven or lacks
/// data. With `strict` a fail-severity rule that was not run (its stage or endpoint is
/// not in the data) gates too. Exactly when some evaluation gates, the verdict is
/// NO-GO (without `strict`).
pub fn gates(e: &RuleEvaluation, strict: bool) -> bool {
    if e.status == RuleStatus::NotRun {
        return strict && e.severity == Severity::Fail;
    }
    e.decides_verdict
        && e.severity == Severity::Fail
        && match e.status {
            RuleStatus::Fail => true,
            RuleStatus::NotProven | RuleStatus::InsufficientData => strict,
            RuleStatus::Pass | RuleStatus::NotRun => false,
        }
}
