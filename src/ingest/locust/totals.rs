//! The stats history's last cumulative total against the stats file's, when the
//! stages come from the history: Locust writes both from the same figures, so they
//! agree but for what one history interval holds (a last write of the stats file the
//! history did not get) or a history that lost its last rows unflushed (`unflushed`:
//! the stats file then runs on past the history's last row). A gap beyond both is two
//! files that cannot be of one run as they stand: the stages would rest on one count
//! and the whole run on the other. It is said (which file counts what) and kept on
//! the source (`Source::totals_disagree`), so that no verdict rests on either.

use super::csv_set::{LocustSet, StatsRow};
use super::history::HistoryRow;
use crate::model::untrusted::Shown;
use crate::model::TotalsDisagree;

/// Keeps on `source` and each of its stages what [`disagree`] finds: the stages rest
/// on the history, so each is disputed wherever it goes (a stage dir's stage merged
/// into other dirs' source).
pub(super) fn mark(
    source: &mut crate::model::Source,
    set: &LocustSet,
    total: Option<&StatsRow>,
    rows: Option<&[HistoryRow]>,
    spacing_ms: i64,
) {
    source.totals_disagree = disagree(set, total, rows, spacing_ms);
    for stage in &mut source.stages {
        stage.totals_disagree = source.totals_disagree.clone();
    }
}

/// Why the history `rows` and the stats file's Aggregated row (`total`) of `set`
/// cannot both hold the run, or `None` when they agree within what one history
/// interval (the most requests its Aggregated rows add from one row to the next) and
/// the stats file's seconds past the history's last row (at that pace) explain.
fn disagree(
    set: &LocustSet,
    total: Option<&StatsRow>,
    rows: Option<&[HistoryRow]>,
    spacing_ms: i64,
) -> Option<TotalsDisagree> {
    let (total, rows) = (total?, rows?);
    let (stats, history) = (set.stats.as_deref()?, set.history.as_deref()?);
    let agg: Vec<&HistoryRow> = rows.iter().filter(|r| r.key.is_none()).collect();
    let (first, last) = (agg.first()?, agg.last()?);
    let step = one_interval(&agg)?;
    let span_s = (last.t_ms - first.t_ms) as f64 / 1000.0;
    // The stats file's own length: Locust's Requests/s is its count over its run.
    let stats_s = (total.rps.filter(|r| *r > 0.0)).map(|r| total.requests as f64 / r);
    let past_s = stats_s.map_or(0.0, |s| (s - span_s).max(0.0));
    let intervals = 1.0 + past_s * 1000.0 / spacing_ms.max(1) as f64;
    let slack = step as f64 * intervals.ceil();
    let gap = total.requests.abs_diff(last.total_requests);
    if gap as f64 <= slack {
        return None;
    }
    let why = format!(
        "{} counts {} requests ({} failed) but the last row of {} counts {} \
         ({} failed), {gap} apart where one history interval holds at most {step}: the two \
         files cannot both hold this run (copied from different runs, or edited); the \
         stages rest on the history and the whole run on the stats file, so no rule is \
         judged on either; re-run, or keep one run's files together",
        stats.shown(),
        total.requests,
        total.failures,
        history.shown(),
        last.total_requests,
        last.total_failures,
    );
    Some(TotalsDisagree {
        whole_run: total.requests,
        stages: last.total_requests,
        why,
    })
}

/// What one history interval holds: the most requests the Aggregated rows `agg` (in
/// time order) add from one row to the next, or the last row's count when it is the
/// only one; `None` without rows.
pub(super) fn one_interval(agg: &[&HistoryRow]) -> Option<u64> {
    let last = agg.last()?;
    let step = (agg.windows(2))
        .map(|w| w[1].total_requests.saturating_sub(w[0].total_requests))
        .max();
    Some(step.unwrap_or(last.total_requests))
}
