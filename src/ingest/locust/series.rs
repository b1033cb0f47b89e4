//! A Locust stats history's series over time: the requests and failures between rows
//! (differences of the cumulative totals), the users and Locust's own p50/p95 per
//! row, for a stage's timeline and each endpoint's series; counts that arrive in
//! workers' batched reports are spread over the seconds they cover (`reports`). Seconds
//! Locust wrote no row for (its event loop blocked) are found and said (`gaps`).

use super::history::HistoryRow;
use super::skips::{covers, share, spans, Covers, Span};
use crate::model::{format_rfc3339_ms, EndpointKey, Stage, TimeSeries};

/// Per-interval counts, users and Locust's own p50/p95 from the aggregate rows, into
/// the stage's timeline, and from each endpoint's rows (`--csv-full-history`) into
/// that endpoint's series. `counted_before(key)` is true when the endpoint had a row
/// at or before the first of `hist`; else its first row counts from zero (Locust
/// writes an endpoint's first row after its first request), so its series adds up to
/// the endpoint's requests. With `filtered` (`--include`/`--exclude` left endpoints
/// out) the aggregate rows count more than the stage holds: its timeline is then the
/// sum of its endpoints' series (none without per-endpoint rows).
pub(super) fn fill_timeline(
    stage: &mut Stage,
    hist: &[HistoryRow],
    spacing_ms: i64,
    counted_before: &dyn Fn(&EndpointKey) -> bool,
    filtered: bool,
) {
    let batched = super::reports::batched(hist);
    let covers = covers(hist, spacing_ms);
    let how = (spacing_ms, batched, &covers);
    if !filtered {
        fill_series(&mut stage.timeline, hist, None, how);
    }
    for (key, ep) in &mut stage.endpoints {
        fill_series(&mut ep.series, hist, Some(key), how);
        if !counted_before(key) {
            first_row_from_zero(&mut ep.series, hist, key);
        }
        if filtered {
            stage.timeline.merge(&ep.series);
        }
    }
}

/// The series of `key`'s rows (`None`: the aggregate's). Its interval is the rows'
/// measured spacing (`spacing_ms`), and the requests a row adds, with the row's own
/// p50/p95, are placed in the interval that starts at the row before it: they were
/// made between the two rows. n rows make n − 1 intervals (a lone row, one).
/// With `batched` counts (see `reports`), a report's requests are spread over the
/// intervals since the report before.
fn fill_series(
    series: &mut TimeSeries,
    hist: &[HistoryRow],
    key: Option<&EndpointKey>,
    (spacing_ms, batched, covers): (i64, bool, &Covers),
) {
    if series.is_empty() {
        series.width_ms = spacing_ms.max(1);
    }
    let rows: Vec<&HistoryRow> = hist.iter().filter(|r| r.key.as_ref() == key).collect();
    // Locust reset its stats (`--reset-stats`), so also as its first ramp completed.
    let reset_run = rows.iter().any(|r| r.segment > 0);
    // The first row whose interval the next report's requests go to.
    let mut since = 0;
    for (i, row) in rows.iter().enumerate() {
        if let Some(p) = i.checked_sub(1).map(|j| rows[j]) {
            let added = row.total_requests.saturating_sub(p.total_requests);
            let failed = row.total_failures.saturating_sub(p.total_failures);
            let over = if batched {
                &rows[since..i]
            } else {
                &rows[i - 1..i]
            };
            let cover = (covers.get(&row.t_ms)).filter(|c| !batched && c.0 == p.t_ms);
            if let Some(&(_, start, end)) = cover {
                let w = series.width_ms;
                let fails = share(failed, (start, end), w);
                for ((t, n), (_, f)) in share(added, (start, end), w).into_iter().zip(fails) {
                    let iv = series.at(t);
                    iv.requests += n;
                    iv.failures += f;
                    iv.users = iv.users.or(p.users);
                }
            } else if !batched || added > 0 || failed > 0 {
                let shares = super::reports::spread(added, over.len());
                let failures = super::reports::spread(failed, over.len());
                for ((r, n), f) in over.iter().zip(shares).zip(failures) {
                    let iv = series.at(r.t_ms);
                    iv.requests += n;
                    iv.failures += f;
                }
                since = i;
            }
        }
        // A row's p50/p95 are of Locust's window ending at the row: they go with the
        // requests the row adds, in the interval from the row before. The last row
        // starts no interval: what follows it is outside the rows (a stage's window
        // ends there), so an interval of its own would show a second of no requests.
        let last = i + 1 == rows.len() && i > 0;
        if !last {
            let iv = series.at(row.t_ms);
            // The requests of an interval that ends in a stats reset's first row were
            // all counted after the reset, which Locust makes as the ramp to that row's
            // users completes: they were made at those users, not this row's.
            let next = rows.get(i + 1).filter(|n| {
                n.segment > row.segment
                    || (reset_run && row.total_requests == 0 && n.total_requests > 0)
            });
            if let Some(u) = next.unwrap_or(row).users {
                iv.users = Some(iv.users.map_or(u, |x: f64| x.max(u)));
            }
        }
        let own = i.checked_sub(1).map_or(row.t_ms, |j| rows[j].t_ms);
        if i > 0 || rows.len() == 1 {
            let iv = series.at(own);
            iv.reported_p50_ms = row.p50.or(iv.reported_p50_ms);
            iv.reported_p95_ms = row.p95.or(iv.reported_p95_ms);
        }
    }
}

/// Places what `key`'s first row counts (from zero) in the interval of the row before
/// it (any key's): those requests were made between the two.
fn first_row_from_zero(series: &mut TimeSeries, hist: &[HistoryRow], key: &EndpointKey) {
    let Some(at) = hist.iter().position(|r| r.key.as_ref() == Some(key)) else {
        return;
    };
    let first = &hist[at];
    let before = hist[..at].iter().rev().find(|r| r.t_ms < first.t_ms);
    let iv = series.at(before.map_or(first.t_ms, |r| r.t_ms));
    iv.requests += first.total_requests;
    iv.failures += first.total_failures;
}

/// The start of the note on seconds without a stats history row (see `gaps_note`).
pub const GAP: &str = "Locust wrote no stats history row for";

/// The stretches between two of `hist`'s Aggregated rows more than two row spacings
/// apart, as (row before, row after), epoch ms. Locust writes a row every second
/// (every `spacing_ms`) from one greenlet, stamped with the whole second: a row can
/// skip one stamp (its period is a little over a second, and the stamps catch up),
/// but two or more seconds without one mean its event loop was blocked (a CPU-bound
/// task in the locustfile, a load generator out of CPU): its users, on the same loop,
/// sent nothing then, unless the row after adds as many rows' worth as the seconds it
/// spans (a row written late, `skips`). Histories of workers' reports (`reports`) are
/// left out: their counts come every few seconds whatever the rows.
pub(super) fn gaps(hist: &[HistoryRow], spacing_ms: i64) -> Vec<(i64, i64)> {
    let agg: Vec<&HistoryRow> = hist.iter().filter(|r| r.key.is_none()).collect();
    let spans = spans(&agg, spacing_ms);
    (1..agg.len())
        .filter(|&i| agg[i].t_ms - agg[i - 1].t_ms > 2 * spacing_ms.max(1))
        .filter(|&i| spans[i] != Span::Late)
        .map(|i| (agg[i - 1].t_ms, agg[i].t_ms))
        .collect()
}

/// The note on how `hist`'s rows were turned into a series, `None` when as they are:
/// workers' batched reports spread (`reports`), or seconds without a row ([`gaps`]).
pub(super) fn history_note(hist: &[HistoryRow], spacing_ms: i64) -> Option<String> {
    match super::reports::batched(hist) {
        true => Some(super::reports::NOTE.into()),
        false => gaps_note(hist, spacing_ms),
    }
}

/// The note on `hist`'s gaps (see [`gaps`]), `None` without one: when, how long, what
/// the row after each adds, and what that means for the series and the latencies.
fn gaps_note(hist: &[HistoryRow], spacing_ms: i64) -> Option<String> {
    let found = gaps(hist, spacing_ms);
    let (&(a, b), more) = found.split_first()?;
    let added = |t: i64| {
        let at = |t: i64| hist.iter().find(|r| r.key.is_none() && r.t_ms == t);
        let (before, after) = (at(a).map(|r| r.total_requests), at(t));
        after.map(|r| r.total_requests.saturating_sub(before.unwrap_or(0)))
    };
    let others = match more.len() {
        0 => String::new(),
        n => format!(" and {n} more gap(s) ({} s in all)", {
            more.iter().map(|(x, y)| (y - x) / 1000).sum::<i64>()
        }),
    };
    Some(format!(
        "{GAP} {} s, from {} to {}{others}: its event loop was blocked (a CPU-bound task \
         in the locustfile, or the load generator out of CPU), so its users sent no \
         requests then, and any request in flight across the gap was timed with the stall \
         in its latency. The row after the gap adds {} request(s): they are counted in the \
         second after the row before, and the gap's other seconds show none; a rule over \
         those seconds (throughput, a window rule, a high percentile) judges the load \
         generator's pause, not the target. Keep CPU-bound work out of tasks (or run \
         Locust with more --processes) and re-run",
        (b - a) / 1000,
        format_rfc3339_ms(a),
        format_rfc3339_ms(b),
        added(b).map_or_else(|| "?".into(), |n| n.to_string()),
    ))
}
