//! One stats history, one kind of percentile columns: Locust writes every row of a
//! `_stats_history.csv` the same way (one Locust version, one `--csv-full-history`
//! setting), so a window that any key's rows show is the whole file's. A key whose own
//! rows cannot tell — a run shorter than Locust's 10 s window, whose window still holds
//! the run's maximum and median, or a steady latency — takes the file's kind. Judged key
//! by key, the Aggregated rows of a short windowed run read as cumulative beside
//! endpoints read as windowed, and a stage's percentiles came out as a "mixture
//! difference" of windows: figures of no set of requests, in a report whose endpoint
//! rows had none.

use std::collections::BTreeMap;

use super::history::{percentile_kind, HistoryRow, PercentileKind, RowPercentiles};
use crate::model::EndpointKey;

/// Marks every row of `hist` windowed when the rows of any key (within one stats-reset
/// segment, see `resets`) are windowed by [`percentile_kind`].
pub(super) fn mark(hist: &mut [HistoryRow]) {
    let mut groups: BTreeMap<(Option<EndpointKey>, usize), Vec<&RowPercentiles>> = BTreeMap::new();
    for r in hist.iter() {
        groups
            .entry((r.key.clone(), r.segment))
            .or_default()
            .push(&r.pct);
    }
    let windowed = groups
        .values()
        .any(|rows| percentile_kind(rows) == Some(PercentileKind::Windowed));
    if windowed {
        for r in hist.iter_mut() {
            r.pct.file_windowed = true;
        }
    }
}
