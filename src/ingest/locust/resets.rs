//! Locust's `--reset-stats`: Locust zeroes its statistics each time a ramp to a new
//! user count completes (every step of a `LoadTestShape`), so its stats history's
//! totals restart at each user change, and its stats file, console table, HTML report
//! and `--json` output hold only the requests since the last reset. Told by the
//! history itself: at a user change a cumulative figure goes back — the request or
//! failure count, or the maximum — which none can without a reset. Each row is then
//! given the totals of the run so far (the segments before it added: exact counts and
//! mean), so stages and the series count every request the rows hold; its percentile
//! columns stay its own segment's (`HistoryRow::segment`), and the whole run's are a
//! count-weighted mixture of each segment's last (approximate). Requests made between
//! a segment's last row and the reset are in no row: the run's counts are a floor.
//! Those made between the reset and the segment's first row are in it, at the new
//! users (the reset comes as their ramp completes): a stage found at those users
//! starts at the row before the reset ([`from_resets`]), so it counts them.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::csv_set::StatsRow;
use super::history::{of_windows, HistoryRow};
use crate::ingest::stages::StageSpec;
use crate::model::EndpointKey;

/// The times of the Aggregated rows at which Locust had reset its stats: the users
/// changed since the row before, and its request or failure count or its maximum
/// went back.
fn reset_times(hist: &[HistoryRow]) -> Vec<i64> {
    let agg: Vec<&HistoryRow> = hist.iter().filter(|r| r.key.is_none()).collect();
    agg.windows(2)
        .filter(|w| {
            let (a, b) = (w[0], w[1]);
            let max_fell = match (a.pct.total_max, b.pct.total_max) {
                (Some(x), Some(y)) => y < x,
                _ => false,
            };
            a.users != b.users
                && (b.total_requests < a.total_requests
                    || b.total_failures < a.total_failures
                    || max_fell)
        })
        .map(|w| w[1].t_ms)
        .collect()
}

/// Moves the start of every stage of `specs` whose first row begins a stats-reset
/// segment back to the Aggregated row before it: the requests between that row and the
/// segment's first row were counted after the reset, which Locust makes as the ramp to
/// the stage's users completes, so they are the stage's (its stats file and final
/// table count them). The reset's moment within that interval is not in the history:
/// the window then holds up to one row interval of ramp, so the stage's rate is a floor.
pub(super) fn from_resets(specs: &mut [StageSpec], hist: &[HistoryRow]) {
    let agg: Vec<&HistoryRow> = hist.iter().filter(|r| r.key.is_none()).collect();
    // Resets seen later say Locust ran with --reset-stats, so it reset at its first
    // ramp's end too, which no count going back shows after a row of no requests.
    let resets = agg.iter().any(|r| r.segment > 0);
    for spec in specs.iter_mut() {
        let Some((start, end)) = spec.window_ms else {
            continue;
        };
        let Some(i) = agg.iter().position(|r| r.t_ms == start) else {
            continue;
        };
        let Some(before) = i.checked_sub(1).map(|j| agg[j]) else {
            continue;
        };
        if agg[i].segment > before.segment || (resets && before.total_requests == 0) {
            spec.window_ms = Some((before.t_ms, end));
            spec.basis = format!(
                "{}, from the history row before Locust's stats reset at the end of its \
                 ramp (--reset-stats: the requests since the reset are the stage's; the \
                 reset's moment within that row interval is not in the history, so the rate \
                 is a floor)",
                spec.basis
            );
        }
    }
}

/// Undoes Locust's stats resets in `hist` ([`undo`]), if it has any, and says so in
/// `notes`; returns what Locust's whole-run outputs count (requests, failures) when
/// they hold the last step alone: the stats file's `total`, else the history's last
/// row before the undoing.
/// `logged`: Locust's log beside the CSVs, with how many `Resetting stats` lines it
/// holds and the first's line: one more than the history shows is the reset as the
/// first ramp completed, before the history counted a request ([`before_first_count`]).
pub(super) fn read(
    hist: Option<&mut [HistoryRow]>,
    total: Option<&StatsRow>,
    logged: Option<&(PathBuf, usize, u64)>,
    notes: &mut Vec<String>,
) -> Option<(u64, u64)> {
    let hist = hist?;
    // Without a stats file, the history's last Aggregated row counts what it would.
    let last = (hist.iter().rev().find(|r| r.key.is_none()))
        .map_or((0, 0), |r| (r.total_requests, r.total_failures));
    let detected = reset_times(hist);
    let first = logged
        .filter(|(_, k, _)| *k == detected.len() + 1)
        .and_then(|(file, _, line)| Some((before_first_count(hist)?, file, line)));
    let n = undo(hist, detected, first.map(|f| f.0));
    if let Some((_, file, line)) = first {
        notes.push(format!(
            "Locust reset its stats as its first ramp completed (--reset-stats: `Resetting \
             stats`, {} line {line}), before its stats history counted a request: every \
             request the history counts was made after it, at the first stage's users, so \
             that stage counts them from the history's row before (which counted none)",
            file.shown()
        ));
    }
    if n == 0 {
        return None;
    }
    notes.push(note(n, total.map(|t| t.requests)));
    Some(total.map_or(last, |t| (t.requests, t.failures)))
}

/// The time of the history's first Aggregated row that counts a request, when rows
/// of none come before it (Locust writes its first row at the start, before any).
fn before_first_count(hist: &[HistoryRow]) -> Option<i64> {
    let mut agg = hist.iter().filter(|r| r.key.is_none());
    let first = agg.next().filter(|r| r.total_requests == 0)?;
    let counted = agg.find(|r| r.total_requests > 0)?;
    (counted.t_ms > first.t_ms).then_some(counted.t_ms)
}

/// Gives every row of `hist` (sorted by time) the run's totals so far and its
/// segment when Locust reset its stats during the run (at `resets`, the times of
/// the rows each begins, with `first`: a reset before the history counted a request,
/// which begins a segment and adds nothing); returns how many times it did after
/// counting began.
fn undo(hist: &mut [HistoryRow], mut resets: Vec<i64>, first: Option<i64>) -> usize {
    let n = resets.len();
    resets.extend(first);
    if resets.is_empty() {
        return 0;
    }
    // Per key: its last raw row (requests, failures, latency sum) and what the
    // segments before add (the same three).
    type Sums = (u64, u64, f64);
    let mut last: BTreeMap<Option<EndpointKey>, (usize, Sums)> = BTreeMap::new();
    let mut added: BTreeMap<Option<EndpointKey>, Sums> = BTreeMap::new();
    for row in hist.iter_mut() {
        let segment = resets.iter().filter(|t| **t <= row.t_ms).count();
        let raw = (
            row.total_requests,
            row.total_failures,
            row.total_avg_ms.unwrap_or(0.0) * row.total_requests as f64,
        );
        let add = added.entry(row.key.clone()).or_insert((0, 0, 0.0));
        if let Some((seg, before)) = last.get(&row.key) {
            if *seg < segment {
                *add = (add.0 + before.0, add.1 + before.1, add.2 + before.2);
            }
        }
        last.insert(row.key.clone(), (segment, raw));
        row.segment = segment;
        row.total_requests = raw.0 + add.0;
        row.total_failures = raw.1 + add.1;
        row.total_avg_ms = (row.total_avg_ms.is_some() && row.total_requests > 0)
            .then(|| (raw.2 + add.2) / row.total_requests as f64);
    }
    n
}

/// The whole run's percentiles of `key` (`None`: the aggregate) when Locust reset its
/// stats: each segment's last row's (its cumulative ones), mixed by their counts.
pub(super) fn mixed_points(
    hist: &[HistoryRow],
    key: &Option<EndpointKey>,
) -> Option<Vec<(f64, f64)>> {
    let mut ends: BTreeMap<usize, &HistoryRow> = BTreeMap::new();
    for r in hist.iter().filter(|r| &r.key == key) {
        ends.insert(r.segment, r);
    }
    let parts: Vec<(u64, Vec<(f64, f64)>)> = ends
        .values()
        .filter(|r| r.pct.total_requests > 0 && !r.pct.points.is_empty())
        .map(|r| (r.pct.total_requests, r.pct.points.clone()))
        .collect();
    of_windows(&parts)
}

/// What a run whose stats Locust reset `n` times is read as; `last` is what its stats
/// file counts (the requests since the last reset), when it has one.
fn note(n: usize, last: Option<u64>) -> String {
    let file = last.map_or(String::new(), |n| format!(" ({n} requests)"));
    format!(
        "Locust reset its stats at {n} user change(s) (--reset-stats): its stats file{file}, \
         console table, HTML report and --json output hold only the requests since the last \
         reset. The whole run and its stages are read from the stats history instead, its \
         segments added up (requests made between a segment's last row and its reset are in \
         no file, so the counts are a floor); the whole run's percentiles are its segments' \
         mixed (approximate), and the whole run has no per-endpoint figures unless the \
         history has (--csv-full-history)"
    )
}
