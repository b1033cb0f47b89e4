//! The edges of the stages a Locust stats history gives: what lies between them, and
//! what the stats file adds to the last one after a stats reset.
//!
//! * **Between stages**: a stage is the rows at one user count, and Locust's users
//!   change between two rows (1 s apart by default), so the requests of the interval
//!   that spans each change — and of the ramp before the first stage and the stop
//!   after the last — belong to no stage. The stages leave them out and the whole run
//!   counts them; a note says how many lie where, so the figures add up
//!   ([`between_note`]).
//! * **The last stage after `--reset-stats`**: Locust resets its stats when a ramp
//!   completes, so its stats file holds the requests since the last reset: the last
//!   stage, from the end of its ramp to the end of the run, per endpoint, with Locust's
//!   own percentiles and `Requests/s` — which a history without `--csv-full-history`
//!   (Aggregated rows alone) cannot give. When the last stage's rows are exactly the
//!   last reset's segment, it takes the stats file's figures ([`last_stage_since_reset`]);
//!   the stages before it have totals alone, and a note says why.

use super::csv_set::{endpoint_from_row, StatsRow};
use super::history::HistoryRow;
use crate::ingest::IngestOptions;
use crate::model::{thousands, Stage};

/// How the note begins that says how many of the history's requests lie between its
/// stages (also a run warning, so it is read beside the figures).
pub const BETWEEN_STAGES: &str = "Locust's stats history counts requests outside every stage";

/// The note saying how many requests of `hist` (its Aggregated rows, totals of the
/// whole run) lie outside the windows of `stages`, and where: before the first, between
/// two, after the last. `None` when none do, when the stages have no windows, or when
/// an endpoint filter makes the Aggregated rows count more than the stages hold.
///
/// Without Locust's log (`logged`), requests before a first stage that begins at the
/// history's second row, after a first row of none, are said to be perhaps that
/// stage's own: Locust spawns its users within milliseconds, and with `--reset-stats`
/// it counts only from the end of that ramp (as its stats file does), which only its
/// log's `Resetting stats` line shows (`resets::read`).
pub(super) fn between_note(
    stages: &[Stage],
    hist: &[HistoryRow],
    (opts, logged): (&IngestOptions, bool),
) -> Option<String> {
    let agg: Vec<&HistoryRow> = hist.iter().filter(|r| r.key.is_none()).collect();
    let last = agg.last()?;
    if opts.filters_endpoints() {
        return None;
    }
    let total_at =
        |t: i64| (agg.iter().take_while(|r| r.t_ms <= t).last()).map_or(0, |r| r.total_requests);
    let mut windows: Vec<(&str, (i64, i64))> = stages
        .iter()
        .map(|s| Some((s.name.as_str(), s.window_ms?)))
        .collect::<Option<_>>()?;
    windows.sort_by_key(|w| w.1 .0);
    let mut parts: Vec<(u64, String)> = Vec::new();
    let mut before: Option<(&str, i64)> = None;
    let mut perhaps = String::new();
    for &(name, (start, end)) in &windows {
        let n = total_at(start).saturating_sub(before.map_or(0, |b| total_at(b.1)));
        let first_interval = agg.len() > 1 && agg[0].total_requests == 0 && agg[1].t_ms == start;
        if before.is_none() && first_interval && !logged && n > 0 {
            perhaps = format!(
                ". The {} before `{name}` were made in the interval before its first row: \
                 its ramp, or — had Locust run with --reset-stats, which counts from the \
                 ramp's end — that stage's own first requests, as Locust's stats file counts \
                 them; only Locust's log (its console or --logfile: `Resetting stats`) \
                 beside the CSVs tells which",
                thousands(n as usize)
            );
        }
        let place = match before {
            None => format!("before `{name}`"),
            Some((prev, _)) => format!("between `{prev}` and `{name}`"),
        };
        parts.push((n, place));
        before = Some((name, end));
    }
    if let Some((name, end)) = before {
        let n = last.total_requests.saturating_sub(total_at(end));
        parts.push((n, format!("after `{name}`")));
    }
    parts.retain(|p| p.0 > 0);
    let outside: u64 = parts.iter().map(|p| p.0).sum();
    if outside == 0 {
        return None;
    }
    let list: Vec<String> = (parts.iter())
        .map(|(n, place)| format!("{} {place}", thousands(*n as usize)))
        .collect();
    Some(format!(
        "{BETWEEN_STAGES}: {} of its {} requests ({}). Locust's users change between two \
         of its rows, so the requests of the rows' interval that spans a change (and of \
         the ramp before the first stage, the stop after the last{}) belong to no stage: \
         the stages leave them out, the whole run (overall) counts them{perhaps}",
        thousands(outside as usize),
        thousands(last.total_requests as usize),
        list.join(", "),
        if opts.warmup_ms > 0 || opts.from_ms.is_some() || opts.to_ms.is_some() {
            ", and what --warmup/--from/--to trimmed"
        } else {
            ""
        }
    ))
}

/// Why the stages before the last of a `--reset-stats` run have no per-endpoint
/// figures when the last took the stats file's.
pub(super) const EARLIER_STAGES_TOTALS: &str =
    "the last stage began at Locust's last stats reset (--reset-stats), so it is the stats \
     file's own figures: per endpoint, with Locust's percentiles and Requests/s. The stages \
     before it have totals alone: the stats file holds only the requests since the last \
     reset, and the history has only Aggregated rows (per-endpoint rows need \
     --csv-full-history)";

/// Gives the last stage the stats file's figures (`rows`, `agg`) when Locust reset its
/// stats at that stage's start and the stage runs to the history's end: its rows are
/// then the stats file's segment (the stage starts at the row before the reset, so it
/// holds the requests between the reset and the segment's first row, as the stats file
/// does). The stage takes the stats file's endpoints and aggregate, and its window
/// becomes the span Locust's `Requests/s` divides by, ending at the last row. True
/// when it did; not when an endpoint filter is on, `--warmup`/`--from`/`--to` moved
/// the window, or the stats file counts other requests than the segment.
pub(super) fn last_stage_since_reset(
    stages: &mut [Stage],
    hist: &[HistoryRow],
    (rows, agg): (&[StatsRow], &StatsRow),
    opts: &IngestOptions,
) -> bool {
    let agg_rows: Vec<&HistoryRow> = hist.iter().filter(|r| r.key.is_none()).collect();
    let (Some(last), Some(stage)) = (
        agg_rows.last(),
        stages.iter_mut().max_by_key(|s| s.window_ms),
    ) else {
        return false;
    };
    let Some((start, end)) = stage.window_ms else {
        return false;
    };
    // The segment's first row, and the row before it (the reset lies between them).
    let Some(i) = agg_rows.iter().position(|r| r.segment == last.segment) else {
        return false;
    };
    let Some(before) = i.checked_sub(1).map(|j| agg_rows[j]) else {
        return false;
    };
    let raw_last = last.total_requests - before.total_requests;
    // The stage starts at the row before the reset (`resets::from_resets`), so it
    // holds the requests made between the reset and the segment's first row already.
    let moved = opts.filters_endpoints() || opts.warmup_ms > 0;
    if last.segment == 0 || moved || start != before.t_ms || end != last.t_ms {
        return false;
    }
    let Some(rps) = agg.rps.filter(|r| *r > 0.0 && agg.requests == raw_last) else {
        return false;
    };
    let span_ms = ((agg.requests as f64 / rps) * 1000.0).round() as i64;
    // Each endpoint keeps its series over time, when the history has its rows
    // (`--csv-full-history`): the stats file has none.
    let mut before_eps = std::mem::take(&mut stage.endpoints);
    stage.endpoints = (rows.iter())
        .map(|r| {
            let mut ep = endpoint_from_row(r);
            if let Some(old) = before_eps.remove(&r.key) {
                ep.series = old.series;
            }
            (r.key.clone(), ep)
        })
        .collect();
    stage.aggregate = Some(endpoint_from_row(agg));
    stage.window_ms = Some(((end - span_ms).max(before.t_ms), end));
    stage.window_basis = format!(
        "from Locust's last stats reset, at the end of the ramp to this stage's users \
         (--reset-stats), to the end of the run: the stats file's own figures, over the \
         span its Requests/s divides by ({} ms)",
        span_ms
    );
    true
}

/// Settles the edges of the stages taken from `hist`: the last stage takes the stats
/// file's figures when Locust reset its stats at its start (`reset`, the history not
/// cut), and a note says what lies between the stages.
pub(super) fn settle(
    source: &mut crate::model::Source,
    hist: &[HistoryRow],
    stats: Option<&(Vec<StatsRow>, Option<StatsRow>)>,
    (reset, logged): (bool, bool),
    opts: &IngestOptions,
) {
    if let (true, Some((rows, Some(agg)))) = (reset, stats) {
        let taken = last_stage_since_reset(&mut source.stages, hist, (rows, agg), opts);
        if taken && source.stages.len() > 1 {
            source.notes.push(EARLIER_STAGES_TOTALS.into());
        }
    }
    source
        .notes
        .extend(between_note(&source.stages, hist, (opts, logged)));
}
