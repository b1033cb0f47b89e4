//! `analyze --baseline REPORT.json`: this run compared with an earlier release's
//! report by compare's own analysis (a diff, with compare's noise floors: `--threshold`,
//! the SLA file's `[compare]` section, else 5%), kept as the
//! single-run report's "vs release LABEL" section: per stage × endpoint the Δ% of
//! throughput, p50, p95, p99 and error rate with compare's verdict. report.json
//! carries it as `baseline`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::input::{self, CompareRun};
use super::matching::Unmatched;
use super::verdict::{Comparison, Metric, Thresholds, Verdict};
use super::{Counts, Mode};
use crate::analysis::Analysis;

/// The columns of the "vs release" table, in order.
pub const BASELINE_METRICS: [Metric; 5] = [
    Metric::Throughput,
    Metric::P50,
    Metric::P95,
    Metric::P99,
    Metric::ErrorRate,
];

/// One metric of one row: compare's comparison and the cell's text.
#[derive(Clone, Debug, Serialize)]
pub struct BaselineCell {
    /// The comparison, as compare.json writes it.
    #[serde(flatten)]
    pub comparison: Comparison,
    /// `+15.2% regressed`, as the table shows it.
    pub text: String,
}

/// One stage × endpoint of the table.
#[derive(Clone, Debug, Serialize)]
pub struct BaselineRow {
    /// Stage name (this run's).
    pub stage: String,
    /// `METHOD name`.
    pub endpoint: String,
    /// The worst verdict of the row (regressed, then improved, inconclusive, unchanged).
    pub verdict: Verdict,
    /// By metric name (`throughput`, `p50`, `p95`, `p99`, `error_rate`).
    pub metrics: BTreeMap<&'static str, BaselineCell>,
}

/// The run against the baseline release: report.json's `baseline`.
#[derive(Clone, Debug, Serialize)]
pub struct BaselineReport {
    /// The baseline's release label.
    pub label: String,
    /// The report.json it was read from.
    pub source: String,
    /// compare's verdict line.
    pub verdict_line: String,
    /// Verdict counts over the table's comparisons.
    pub counts: Counts,
    /// Noise floors applied, percent.
    pub thresholds: BTreeMap<String, f64>,
    /// One row per matched stage × endpoint, regressions first.
    pub rows: Vec<BaselineRow>,
    /// Stages and endpoints only one side has.
    pub unmatched: Vec<Unmatched>,
}

/// `+15.2% regressed`, `new regressed`, `— unchanged`.
fn cell_text(c: &Comparison) -> String {
    let change = match (c.delta_pct, c.delta) {
        (Some(p), _) => format!("{p:+.1}%"),
        (None, Some(d)) if d != 0.0 => "new".into(),
        _ => "±0".into(),
    };
    format!("{change} {}", c.verdict.name())
}

/// Compares `current` (this run's analysis, without its `baseline`) with `baseline`
/// (an earlier report.json, already read) as `compare BASELINE RUN` would, with the
/// noise floors `thresholds`.
pub fn vs_release(
    baseline: CompareRun,
    current: &Analysis,
    thresholds: &Thresholds,
) -> Result<BaselineReport, String> {
    let source = baseline.origin.clone();
    let cand = input::from_analysis(current, "this run", None, "this run")?;
    let report = super::compare(Mode::Diff, vec![baseline], vec![cand], thresholds);
    let mut rows: Vec<BaselineRow> = Vec::new();
    let mut kept = Vec::new();
    for c in report
        .comparisons
        .into_iter()
        .filter(|c| BASELINE_METRICS.contains(&c.metric))
    {
        kept.push(c.clone());
        let i = match rows
            .iter()
            .position(|r| r.stage == c.candidate_stage && r.endpoint == c.endpoint)
        {
            Some(i) => i,
            None => {
                rows.push(BaselineRow {
                    stage: c.candidate_stage.clone(),
                    endpoint: c.endpoint.clone(),
                    verdict: c.verdict,
                    metrics: BTreeMap::new(),
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[i];
        row.verdict = row.verdict.min(c.verdict);
        let text = cell_text(&c);
        row.metrics.insert(
            c.metric.name(),
            BaselineCell {
                comparison: c,
                text,
            },
        );
    }
    rows.sort_by_key(|r| r.verdict);
    Ok(BaselineReport {
        label: report.baseline.label,
        source,
        verdict_line: report.verdict_line,
        counts: Counts::of(&kept),
        thresholds: report.thresholds,
        rows,
        unmatched: report.unmatched,
    })
}
