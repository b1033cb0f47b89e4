//! A Locust run that did not shut down, told by its CSVs alone: Locust rewrites
//! `_stats.csv` in place every second (each rewrite reaches the file), but appends
//! `_stats_history.csv` through a buffer it flushes only every few seconds and as it
//! shuts down. Both are written from the same figures, so after a normal end (Ctrl-C,
//! SIGTERM, `--run-time` reached) the history's last Aggregated row counts the
//! requests the stats file's Aggregated row does, or those of one interval fewer (the
//! stats file's last write, after the history's). A history that counts fewer still
//! lost its last rows unflushed: Locust was killed outright (`kill -9`,
//! out of memory, a crash, a CI job's hard timeout) or the files were copied while it
//! still ran. Either way the run did not end as started, and the stages taken from the
//! history miss its last seconds: the run is incomplete, whatever its figures.

use super::csv_set::{LocustSet, StatsRow};
use super::history::HistoryRow;
use crate::model::untrusted::Shown;

/// Why the run of `set` is incomplete when its history (`rows`) counts fewer requests
/// at its last Aggregated row than its stats file's Aggregated row (`total`) does, by
/// more than one history interval holds; `None` when they agree, or without both to
/// compare. One interval is Locust's own last write: as it stops, it writes the stats
/// file once more after the history's last row. A history whose last line was cut is a
/// problem of its own: the caller leaves it out.
pub(super) fn history_behind(
    set: &LocustSet,
    total: Option<&StatsRow>,
    rows: Option<&[HistoryRow]>,
) -> Option<String> {
    let (total, rows) = (total?, rows?);
    let (stats, history) = (set.stats.as_deref()?, set.history.as_deref()?);
    let first = rows.iter().map(|r| r.t_ms).min()?;
    let mut agg: Vec<&HistoryRow> = rows.iter().filter(|r| r.key.is_none()).collect();
    agg.sort_by_key(|r| r.t_ms);
    let last = *agg.last()?;
    let one_write = super::totals::one_interval(&agg)?;
    if last.total_requests + one_write >= total.requests {
        return None;
    }
    let gap = total.requests - last.total_requests;
    let gap_failed = total.failures.saturating_sub(last.total_failures);
    Some(format!(
        "Locust did not shut down: {} counts {} requests ({} failed), but the last row of \
         {} ({:.0} s into the run) counts only {} ({} failed). Locust writes that history \
         out to its end as it stops, so it was killed outright (kill -9, out of memory, a \
         crash, a job's hard timeout) or the files were copied while it ran: the stages \
         miss the run's last {gap} requests ({gap_failed} failed) and whatever came after \
         its last write; re-run the test and let Locust stop (Ctrl-C, SIGTERM or \
         --run-time)",
        stats.shown(),
        total.requests,
        total.failures,
        history.shown(),
        (last.t_ms - first) as f64 / 1000.0,
        last.total_requests,
        last.total_failures,
    ))
}
