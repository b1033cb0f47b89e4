//! Locust's counts in batches: with workers (a distributed run, or `--processes`) the
//! master counts a worker's requests only when that worker reports, every 3 s
//! (`WORKER_REPORT_INTERVAL`), so a history written every second holds each report's
//! requests in one row and none in the rows between. Drawn as they are, the requests
//! per second saw-tooth between nothing and three seconds' worth; spread evenly over
//! the seconds a report covers, they are the rate the run kept, interpolated (a note
//! says so). Counts, stage totals and every figure but the per-second series stand as
//! Locust wrote them.

use super::history::HistoryRow;

/// The note of a history whose counts come in batched reports.
pub const NOTE: &str = "Locust's counts arrive in its workers' reports (every ~3 s, as with \
     --processes or a distributed run): each report's requests are spread evenly over the \
     seconds since the report before, so the requests per second over time are \
     interpolated";

/// True when a history's Aggregated count grows in workers' reports: rows are written
/// more often than the reports come, so at least a quarter of the rows between the
/// first and the last growth add nothing, in three or more separate runs (a stall of
/// the target is one run), and no run is longer than a report interval (a growth at
/// least every 3 s and a row: each worker reports every 3 s, whatever its users do,
/// which tells reports from bursts of the users' own rhythm), by ten or more requests
/// a row between growths (so that a row without new requests is a report not yet
/// made, not a second without traffic). Workers that drifted out of step grow the
/// count at uneven gaps (2 s, 1 s, 3 s…), still within those bounds. The rows of the
/// stop are left out: each worker sends its last report as it quits, out of rhythm.
pub fn batched(hist: &[HistoryRow]) -> bool {
    let mut rows: Vec<(i64, u64, Option<f64>)> = (hist.iter())
        .filter(|r| r.key.is_none())
        .map(|r| (r.t_ms, r.total_requests, r.users))
        .collect();
    rows.truncate(stop_starts(&rows));
    let grew: Vec<usize> = (1..rows.len())
        .filter(|&i| rows[i].1 > rows[i - 1].1)
        .collect();
    let (Some(&first), Some(&last)) = (grew.first(), grew.last()) else {
        return false;
    };
    if grew.len() < 4 {
        return false;
    }
    let spacing = crate::ingest::stages::sample_spacing_ms(rows.iter().map(|r| r.0));
    let longest = (grew.windows(2))
        .map(|w| rows[w[1]].0 - rows[w[0]].0)
        .max()
        .unwrap_or(0);
    let quiet_runs = grew.windows(2).filter(|w| w[1] - w[0] > 1).count();
    let quiet_rows = (last - first) - (grew.len() - 1);
    let per_row = (rows[last].1 - rows[first].1) as f64 / (last - first) as f64;
    longest <= REPORT_MS + spacing
        && quiet_runs >= 3
        && quiet_rows * 4 >= last - first
        && per_row >= 10.0
}

/// Where the stop begins among the Aggregated rows `(t, total, users)`: the trailing
/// rows whose users fall row by row to 0 (the master counts each worker's users out as
/// it quits) or stay at 0. `rows.len()` when the users do not fall at the end.
fn stop_starts(rows: &[(i64, u64, Option<f64>)]) -> usize {
    let mut i = rows.len();
    while i > 1 {
        let (Some(u), Some(before)) = (rows[i - 1].2, rows[i - 2].2) else {
            break;
        };
        if u < before || (u == 0.0 && before == 0.0) {
            i -= 1;
        } else {
            break;
        }
    }
    i
}

/// Locust's `WORKER_REPORT_INTERVAL`, ms.
const REPORT_MS: i64 = 3000;

/// Spreads `n` over `slots` as evenly as whole numbers go: the first `n % slots` get
/// one more.
pub fn spread(n: u64, slots: usize) -> impl Iterator<Item = u64> {
    let slots = slots.max(1) as u64;
    let (each, more) = (n / slots, n % slots);
    (0..slots).map(move |i| each + u64::from(i < more))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(counts: &[u64]) -> Vec<HistoryRow> {
        (counts.iter().enumerate())
            .map(|(i, &n)| HistoryRow {
                t_ms: i as i64 * 1000,
                users: Some(20.0),
                key: None,
                total_requests: n,
                total_failures: 0,
                total_avg_ms: None,
                p50: None,
                p95: None,
                pct: Default::default(),
                segment: 0,
            })
            .collect()
    }

    #[test]
    fn reports_every_third_row_are_batched_and_quiet_seconds_are_not() {
        assert!(batched(&rows(&[
            0, 0, 133, 133, 133, 635, 635, 635, 1222, 1222, 1222, 1810
        ])));
        // 150 users each sending a request every 12 s: bursts of the users' own.
        let mut burst = vec![0];
        for t in 1..50u64 {
            burst.push(150 * (1 + t / 12));
        }
        assert!(!batched(&rows(&burst)));
        // Every row grows: Locust alone.
        assert!(!batched(&rows(&[0, 190, 385, 570, 760, 950])));
        // A request every few seconds: quiet seconds, not reports.
        assert!(!batched(&rows(&[0, 1, 1, 1, 2, 2, 2, 3, 3, 4])));
        // Two workers out of step (a master's history, Locust 2.47, two --worker
        // processes): growths 3, 3, 2, 1, 2, 3 s apart.
        assert!(batched(&rows(&[
            0, 109, 109, 109, 421, 421, 421, 739, 739, 904, 1056, 1056, 1382, 1382, 1382, 1659
        ])));
        // One process whose target stalled for 2 s: one quiet run, not reports.
        assert!(!batched(&rows(&[
            0, 100, 200, 300, 400, 400, 400, 600, 700, 800, 900, 1000
        ])));
    }

    #[test]
    fn spreading_keeps_the_total() {
        assert_eq!(spread(587, 3).collect::<Vec<_>>(), [196, 196, 195]);
        assert_eq!(spread(2, 4).collect::<Vec<_>>(), [1, 1, 0, 0]);
        assert_eq!(spread(5, 0).sum::<u64>(), 5);
    }
}
