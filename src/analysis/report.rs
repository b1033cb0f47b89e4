//! The analysed run: every figure the report shows, as data. This struct *is* the
//! `report.json` contract (schema_version 1, README "report.json"), but for the
//! `charts` list, which render adds beside it when it draws them; the markdown, HTML
//! and terminal renderers read the same struct, so no figure is computed twice.
//!
//! NOTE: a field added here reaches report.json at once; document it in README.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::sla::{RuleStatus, Verdict};
use crate::model::{FailureKind, FailuresUnseen, InputFile, PercentileMethod, Problem, ToolCheck};

/// Version of the report.json layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole analysis.
#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    /// report.json layout version.
    pub schema_version: u32,
    /// headroom's name and version.
    pub tool: ToolInfo,
    /// False when the inputs say they were simulated.
    pub measured: bool,
    /// `clean`, `inconsistent` (the consistency audit finds something impossible),
    /// `simulated` or `incomplete` (run cut short, or inputs unread).
    pub data_quality: crate::analysis::quality::DataQuality,
    /// Why the data is not clean, in one sentence; null when clean.
    pub data_quality_reason: Option<String>,
    /// What the run says about itself.
    pub run: RunInfo,
    /// Every file read, with its SHA-256.
    pub inputs: Vec<InputFile>,
    /// Files or lines that could not be read.
    pub problems: Vec<Problem>,
    /// Files that were not read, and why.
    pub skipped: Vec<Skipped>,
    /// The pass/fail checks the load tool judged itself (k6's thresholds): a GO never
    /// stands when one failed.
    pub tool_checks: Vec<ToolCheck>,
    /// Every source (load tool) found; the report leads with `primary_source`.
    pub sources: Vec<SourceSummary>,
    /// The tool whose stages the report shows.
    pub primary_source: Option<String>,
    /// The primary source's stages, in time order.
    pub stages: Vec<StageReport>,
    /// Every request of the primary source, ramps included.
    pub overall: ScopeReport,
    /// Observed task mix over the whole run, most requests first.
    pub task_mix: Vec<TaskShare>,
    /// Load points, USL fit, saturation, breaking points and headroom.
    pub capacity: crate::analysis::capacity::CapacityReport,
    /// The consistency audit (Little's law, counts, percentiles, sums).
    pub audit: Vec<crate::analysis::audit::AuditFinding>,
    /// Bottleneck hints with their evidence, most severe first.
    pub bottlenecks: Vec<crate::analysis::bottlenecks::Hint>,
    /// SLA evaluation, when an SLA file was given.
    pub sla: Option<SlaSummary>,
    /// GO / CONDITIONAL / NO-GO, or null without an SLA.
    pub verdict: Option<Verdict>,
    /// Readiness per area.
    pub readiness: Vec<Readiness>,
    /// Caveats the reader must know (sample sizes, estimates).
    pub warnings: Vec<crate::analysis::caveat::Caveat>,
    /// How percentiles were computed.
    pub percentile_method: String,
    /// Load tool, client machine, per-stage scenarios and the planned task mix.
    pub setup: crate::analysis::narrative::setup::RunSetup,
    /// The written sections: deltas against the lowest-load stage, per-stage
    /// sentences, prioritised recommendations and next steps.
    pub narrative: crate::analysis::narrative::Narrative,
    /// `analyze --baseline REPORT.json`: this run against that release (absent without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::analysis::compare::baseline::BaselineReport>,
}

/// headroom itself.
#[derive(Clone, Debug, Serialize)]
pub struct ToolInfo {
    /// `headroom`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

/// Run metadata.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunInfo {
    /// Release label.
    pub label: Option<String>,
    /// Environment.
    pub environment: Option<String>,
    /// Commit of the system under test.
    pub git_sha: Option<String>,
    /// RFC 3339 start (manifest, else first request).
    pub started: Option<String>,
    /// RFC 3339 end (manifest, else last request).
    pub ended: Option<String>,
    /// Think time, as `between(1, 5)`.
    pub think_time: Option<String>,
    /// Base URL of the system under test.
    pub target_url: Option<String>,
    /// False when the run stopped early; null when unknown.
    pub complete: Option<bool>,
    /// Why it stopped early.
    pub incomplete_reason: Option<String>,
}

/// A skipped file (with its kind: `not_result`, `same_data`, `other_data`).
pub use crate::model::Skipped;

/// One source (load tool) in the inputs.
#[derive(Clone, Debug, Serialize)]
pub struct SourceSummary {
    /// Tool name.
    pub tool: String,
    /// Its requests, ramps included.
    pub requests: u64,
    /// Its stage names.
    pub stages: Vec<String>,
    /// What it says about itself.
    pub notes: Vec<String>,
    /// How its request names were grouped into endpoints (`names`: as given; past
    /// 1,000 names, `routes`, `queries`, `words` or `pooled`).
    pub endpoint_grouping: crate::model::Grouping,
    /// What judging the report again needs of the source beyond its figures (what it
    /// leaves out, what it doubts, what it checked itself): read back by `compare
    /// --sla` on a saved report.json.
    #[serde(flatten)]
    pub flags: crate::model::SourceFlags,
}

/// Latency figures, ms; null where the data cannot say.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct LatencyReport {
    /// Mean.
    pub mean: Option<f64>,
    /// Smallest.
    pub min: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// 99.9th percentile.
    pub p999: Option<f64>,
    /// Largest.
    pub max: Option<f64>,
    /// The standard deviation the tool printed with its summary (h2load's `sd`, wrk's
    /// and autocannon's `Stdev`);
    /// left out of report.json when it printed none or the latencies are exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// The tool corrected this summary for coordinated omission (wrk; a paced
    /// autocannon run); written only when true, so each stage says its own.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub co_corrected: bool,
}

/// The figures of a stage, an endpoint, or overall.
#[derive(Clone, Debug, Serialize)]
pub struct ScopeReport {
    /// Requests.
    pub requests: u64,
    /// Failed requests.
    pub failures: u64,
    /// Failures ÷ requests.
    pub error_rate: Option<f64>,
    /// 1 − error rate.
    pub availability: Option<f64>,
    /// Requests ÷ duration_s.
    pub throughput_rps: Option<f64>,
    /// Successful requests ÷ duration_s.
    pub goodput_rps: Option<f64>,
    /// Length of the measured period, s.
    pub duration_s: Option<f64>,
    /// Latency of every request with a measured time.
    pub latency_ms: LatencyReport,
    /// Latency of successful requests (null when the source cannot tell).
    pub ok_latency_ms: Option<LatencyReport>,
    /// True for an HdrHistogram of every value; false for tool summaries.
    pub latency_exact: bool,
    /// `nearest_rank`, `tool_summary`, `merged_approximate` or null.
    pub latency_method: Option<PercentileMethod>,
    /// Timed-out requests the tool's latency leaves out (wrk's, hey's): each waited
    /// longer than any latency shown, so over all requests every percentile is at least
    /// the one given (shown `≥ 203 µs`). Absent when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub latency_timeouts_left_out: u64,
    /// With timed-out requests left out of a tool's (unmerged) latency: each shown
    /// percentile's lower bound over all the scope's requests, as the SLA judges it —
    /// the tool's figure at the rank the percentile has among the answers in time, or
    /// the largest latency measured where its rank falls among the timed-out ones (a
    /// p50 at least the max when more than half timed out). The tables show it (`≥`)
    /// in place of the tool's figure; mean, min and max are null. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_at_least_ms: Option<LatencyReport>,
    /// What the latency percentiles are over all the scope's requests (null without
    /// any): see [`PercentileReading`].
    pub latency_percentiles_are: Option<PercentileReading>,
    /// Failures by kind.
    pub failures_by_kind: BTreeMap<FailureKind, u64>,
}

/// What a scope's latency percentiles say about all of its requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PercentileReading {
    /// The percentile, as measured or as the tool computed it (`450 ms`).
    Value,
    /// An estimate of it, from merged summaries (`≈ 450 ms`).
    Estimate,
    /// A lower bound: the tool's figure leaves out timed-out requests, each slower
    /// than any it shows (`≥ 450 ms`).
    AtLeast,
    /// Both: merged summaries of figures that leave out timed-out requests, so the
    /// number estimates a lower bound — over all the requests the percentile is above
    /// roughly this, neither bound nor estimate of the percentile itself (`≳ 450 ms`).
    AtLeastAbout,
}

impl PercentileReading {
    /// The reading of a scope's percentiles from how they were computed and the
    /// timed-out requests they leave out.
    pub fn of(method: Option<PercentileMethod>, timeouts_left_out: u64) -> Option<Self> {
        let merged = method? == PercentileMethod::MergedApproximate;
        Some(match (merged, timeouts_left_out > 0) {
            (false, false) => Self::Value,
            (true, false) => Self::Estimate,
            (false, true) => Self::AtLeast,
            (true, true) => Self::AtLeastAbout,
        })
    }

    /// The mark before a percentile shown this way (`≈ `, `≥ `, `≳ `; empty for a value).
    pub fn mark(self) -> &'static str {
        match self {
            Self::Value => "",
            Self::Estimate => "≈ ",
            Self::AtLeast => "≥ ",
            Self::AtLeastAbout => "≳ ",
        }
    }
}

/// True for 0 (a count left out of report.json when there is none).
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One stage.
#[derive(Clone, Debug, Serialize)]
pub struct StageReport {
    /// Stage name.
    pub name: String,
    /// The load tool that measured it, when the run's stages come from different tools
    /// (one per stage dir); absent: the primary source's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// Closed-model users.
    pub users: Option<u32>,
    /// Open-model arrival rate.
    pub arrival_rate_rps: Option<f64>,
    /// RFC 3339 start of the steady window.
    pub start: Option<String>,
    /// RFC 3339 end of the steady window.
    pub end: Option<String>,
    /// How the window was chosen.
    pub window_basis: String,
    /// What its tool's data leaves out, so its failure figures are bounds:
    /// `outcomes` (no row says whether it failed: ab's `-g` file) or
    /// `transport_errors` (only answered requests have rows: hey's CSV); null when
    /// every failure is seen.
    pub failures_unseen: Option<FailuresUnseen>,
    /// The stage's figures.
    #[serde(flatten)]
    pub figures: ScopeReport,
    /// Per-interval series.
    pub timeseries: Vec<TimePoint>,
    /// Per-endpoint figures, most requests first.
    pub endpoints: Vec<EndpointReport>,
}

/// One interval of a stage's time series.
#[derive(Clone, Debug, Serialize)]
pub struct TimePoint {
    /// Seconds since the start of the run.
    pub t: f64,
    /// Interval width, s.
    pub width_s: f64,
    /// Requests started in the interval.
    pub requests: u64,
    /// Failures among them.
    pub failures: u64,
    /// Those failures by kind, where the source gives each request's kind (else empty).
    pub failures_by_kind: BTreeMap<FailureKind, u64>,
    /// Mean latency, ms (of the interval's measured latencies).
    pub mean: Option<f64>,
    /// Median latency, ms (2 significant digits, or as the tool reported).
    pub p50: Option<f64>,
    /// 95th percentile, ms.
    pub p95: Option<f64>,
    /// 99th percentile, ms (2 significant digits).
    pub p99: Option<f64>,
    /// Largest latency, ms.
    pub max: Option<f64>,
    /// Concurrent users.
    pub users: Option<f64>,
}

/// One endpoint within a stage.
#[derive(Clone, Debug, Serialize)]
pub struct EndpointReport {
    /// HTTP method, when known.
    pub method: Option<String>,
    /// Request name or path.
    pub name: String,
    /// `METHOD name`.
    pub key: String,
    /// Share of the stage's requests.
    pub share: Option<f64>,
    /// The endpoint's figures.
    #[serde(flatten)]
    pub figures: ScopeReport,
    /// Most frequent error messages (normalised), at most five.
    pub top_errors: Vec<ErrorCount>,
    /// A JMeter transaction-controller row.
    pub transaction: bool,
    /// base64 HdrHistogram V2+DEFLATE of the latencies in µs; null for summaries.
    pub histogram: Option<String>,
    /// The endpoint's per-interval series, on the run's time axis (the per-endpoint
    /// drill-down and `compare`'s effective sample sizes read it).
    pub timeseries: Vec<TimePoint>,
}

/// An error message and how often it occurred.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorCount {
    /// Normalised message.
    pub message: String,
    /// Occurrences.
    pub count: u64,
}

/// SLA results.
#[derive(Clone, Debug, Serialize)]
pub struct SlaSummary {
    /// Evaluations that passed.
    pub passed: usize,
    /// Evaluations in all.
    pub total: usize,
    /// The verdict the rules give.
    pub verdict: Verdict,
    /// The verdict sentence every output shows: the verdict, where it was decided,
    /// the data's problem when there is one, the gating evaluations by status.
    pub headline: String,
    /// Stages that decide the verdict (empty: all).
    pub verdict_stages: Vec<String>,
    /// True when the SLA named verdict stages and none is in the data, so every stage
    /// decides.
    pub verdict_fallback: bool,
    /// The `verdict_stages` entries that name no stage in the data, as written: they
    /// decide nothing (`check --strict` fails on them, JUnit shows them skipped).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub verdict_stages_absent: Vec<String>,
    /// Evaluations not run: the SLA names a stage or endpoint the data lacks.
    pub not_run: usize,
    /// Why the data cannot carry a GO (`incomplete data: the run stopped early`,
    /// `suspect data: …`), when it cannot: the verdict's data clause, for outputs that
    /// show rules one by one (JUnit) and would otherwise look all green.
    #[serde(skip)]
    pub data_reason: Option<String>,
    /// Why the answers hold a GO back although every rule passes and the data is
    /// clean (server errors the tool marked successful, the script's failed checks of
    /// the answers), for the JUnit report; the headline says it too.
    #[serde(skip)]
    pub answers_wrong: Option<String>,
    /// Why failures no gating rule judges hold a GO back (`no gating rule judges
    /// failures, yet requests failed: 10% in `peak`: …`), for the JUnit report and
    /// `check --strict`, which fails on it; the headline says it too.
    #[serde(skip)]
    pub unjudged_failures: Option<String>,
    /// Why the load tool's own checks fail the run (`k6's own thresholds: 1 of 2
    /// failed (…)`), when one does: the team's own gate, which the tool failed (k6
    /// exits 99, Gatling 2), so `check` fails on it with or without `--strict`.
    #[serde(skip)]
    pub tool_failed: Option<String>,
    /// Every evaluation.
    pub rules: Vec<crate::analysis::sla::RuleEvaluation>,
    /// The compliance matrix, rule × stage.
    pub matrix: SlaMatrix,
}

impl SlaSummary {
    /// Why the data, the answers or failures no rule judges hold a GO back whatever
    /// the rules say (the data quality first), if they do: `check --strict` fails on it.
    pub fn held_by_data(&self) -> Option<&str> {
        (self.data_reason.as_deref())
            .or(self.answers_wrong.as_deref())
            .or(self.unjudged_failures.as_deref())
    }
}

/// The compliance matrix.
#[derive(Clone, Debug, Serialize)]
pub struct SlaMatrix {
    /// Stage names, then `overall`.
    pub columns: Vec<String>,
    /// One row per rule and scope.
    pub rows: Vec<MatrixRow>,
}

/// One rule's row.
#[derive(Clone, Debug, Serialize)]
pub struct MatrixRow {
    /// Rule text.
    pub rule: String,
    /// `global`, `stage`, or `endpoint METHOD name`.
    pub scope: String,
    /// One cell per column; null where the rule does not apply.
    pub cells: Vec<Option<MatrixCell>>,
}

/// One evaluation in the matrix.
#[derive(Clone, Debug, Serialize)]
pub struct MatrixCell {
    /// Status.
    pub status: RuleStatus,
    /// Measured value as text.
    pub value_text: String,
    /// Factor of a miss.
    pub factor: Option<f64>,
    /// The factor of a miss in words ("3.3× over", "needs 228× more").
    pub factor_text: Option<String>,
}

/// Readiness of one area.
#[derive(Clone, Debug, Serialize)]
pub struct Readiness {
    /// Throughput, latency, errors/availability, capacity/scalability, data quality.
    pub area: ReadinessArea,
    /// `READY`, `AT RISK`, `NOT READY`, `NOT ASSESSED`.
    pub status: ReadinessStatus,
    /// The measured numbers behind the status.
    pub evidence: String,
}

/// One endpoint's share of all requests.
#[derive(Clone, Debug, Serialize)]
pub struct TaskShare {
    /// `METHOD name`.
    pub endpoint: String,
    /// Requests.
    pub requests: u64,
    /// Share of all requests.
    pub share: f64,
    /// Mean latency, ms.
    pub mean_ms: Option<f64>,
    /// Failed requests.
    pub failures: u64,
    /// Median latency, ms.
    pub p50_ms: Option<f64>,
    /// 95th percentile latency, ms.
    pub p95_ms: Option<f64>,
    /// 99th percentile latency, ms.
    pub p99_ms: Option<f64>,
    /// How the percentiles were computed (`nearest_rank`, `tool_summary`,
    /// `merged_approximate`), null without any.
    pub latency_method: Option<PercentileMethod>,
    /// As [`ScopeReport::latency_timeouts_left_out`], over the whole run.
    #[serde(skip_serializing_if = "is_zero")]
    pub latency_timeouts_left_out: u64,
    /// As [`ScopeReport::latency_at_least_ms`]: the percentiles' lower bounds over all
    /// the endpoint's requests when the tool's leave timed-out ones out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_at_least_ms: Option<LatencyReport>,
    /// As [`ScopeReport::latency_percentiles_are`].
    pub latency_percentiles_are: Option<PercentileReading>,
}

/// The areas of the readiness table, serialised as their row titles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadinessArea {
    /// `Throughput`.
    Throughput,
    /// `Latency`.
    Latency,
    /// `Errors / availability`.
    #[serde(rename = "Errors / availability")]
    Errors,
    /// `Capacity / scalability`.
    #[serde(rename = "Capacity / scalability")]
    Capacity,
    /// `Data quality`.
    #[serde(rename = "Data quality")]
    DataQuality,
}

/// How ready one area is, serialised in capitals (`NOT READY`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadinessStatus {
    /// `READY`: the deciding evidence holds.
    #[serde(rename = "READY")]
    Ready,
    /// `AT RISK`: nothing fails, but something is unproven, thin or untrusted.
    #[serde(rename = "AT RISK")]
    AtRisk,
    /// `NOT READY`: a deciding rule fails, or the data cannot carry the area.
    #[serde(rename = "NOT READY")]
    NotReady,
    /// `NOT ASSESSED`: described, not judged (no SLA rule, or too little data).
    #[serde(rename = "NOT ASSESSED")]
    NotAssessed,
}
