//! A latency pass on a stage whose latency drifts: a soak test whose p95 rises all
//! along (a leak) can pass on the whole stage — its percentile mixes the fast start
//! with the slow end — while its last third is already past the limit. That pass is
//! not proven: the stage never held still, and the end of it is what production meets
//! after as long an uptime. Judged for upper-bound percentile rules on a stage (not
//! overall, which spans stages of different load), from the stage's per-interval
//! histograms (2 significant digits): its intervals in three equal thirds by count, the
//! first third's and last third's histograms merged, each with the samples the
//! percentile needs. A last third past the limit after a first third within it, with
//! the intervals' own percentiles rising all along (Mann–Kendall z ≥ 4), is a drift; a
//! stage at one level, or a burst that came and went, is not touched.

use hdrhistogram::Histogram;

use super::rule::{Metric, Rule};
use super::stats::nearest_rank_ms;
use super::{RuleStatus, ScopeData};
use crate::analysis::metrics::ScopeMetrics;
use crate::analysis::quantity::format_ms;
use crate::analysis::slow_drift::mann_kendall_z;

/// How the note of a pass this check questions opens (the headline groups them by it).
pub const DRIFT_NOTE: &str = "the stage's latency drifts";

/// Mann–Kendall z the per-interval percentiles must reach: a steady rise (a burst in
/// the last third that came and went is judged by window rules, not here).
const MIN_TREND_Z: f64 = 4.0;

/// Fewest intervals with latencies a stage needs for its thirds to be compared.
const MIN_INTERVALS: usize = 9;

/// `status` after the drift check: a pass becomes not proven (with a note) when the
/// stage's last third is past the limit and its first third within it.
pub(super) fn check_drift(
    rule: &Rule,
    d: &ScopeData<'_>,
    status: RuleStatus,
    notes: &mut Vec<String>,
) -> RuleStatus {
    let Metric::Percentile(p) = rule.metric else {
        return status;
    };
    if status != RuleStatus::Pass || !rule.op.is_upper_bound() || d.stage.is_none() {
        return status;
    }
    let Some(series) = d.series else {
        return status;
    };
    let width = series.width_ms.max(1);
    let hists: Vec<_> = (series.intervals.iter().enumerate())
        .filter(|(i, _)| match d.window_ms {
            Some((a, b)) => {
                let start = series.interval_start_ms(*i);
                start + width > a && start < b
            }
            None => true,
        })
        .filter_map(|(_, iv)| iv.histogram.as_ref().filter(|h| !h.is_empty()))
        .collect();
    if hists.len() < MIN_INTERVALS {
        return status;
    }
    // A rise all along, not a burst that came and went (Mann–Kendall, as the
    // `slow_latency_drift` hint reads it), on each interval's own percentile.
    let per_interval: Vec<f64> = (hists.iter())
        .filter_map(|h| nearest_rank_ms(&h.to_histogram(), p))
        .collect();
    if mann_kendall_z(&per_interval) < MIN_TREND_Z {
        return status;
    }
    let third = hists.len() / 3;
    let merged = |part: &[&crate::model::IntervalHistogram]| -> Option<Histogram<u32>> {
        let (first, rest) = part.split_first()?;
        let mut h = first.to_histogram();
        for x in rest {
            x.add_into(&mut h);
        }
        Some(h)
    };
    let (Some(early), Some(late)) = (
        merged(&hists[..third]),
        merged(&hists[hists.len() - third..]),
    ) else {
        return status;
    };
    let need = ScopeMetrics::min_samples_for(p);
    if early.len() < need || late.len() < need {
        return status;
    }
    let (Some(e), Some(l)) = (nearest_rank_ms(&early, p), nearest_rank_ms(&late, p)) else {
        return status;
    };
    if !rule.op.holds(e, rule.limit) || rule.op.holds(l, rule.limit) {
        return status;
    }
    notes.push(format!(
        "{DRIFT_NOTE}: {} is {} over its first third and {} over its last \
         (per-interval histograms, 2 significant digits), past the limit: the whole stage's \
         figure averages a rising latency, so its pass is not proven",
        rule.metric,
        format_ms(e),
        format_ms(l)
    ));
    RuleStatus::NotProven
}
