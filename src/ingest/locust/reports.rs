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

/// True when a history's Aggregated count grows every 3 s (most gaps between growths
/// within half a second of it: a worker's report interval, not a burst of the users'
/// own rhythm, which is rarely that), while rows are written more often, by ten or
/// more requests a row between growths (so that a row without new requests is a report
/// not yet made, not a second without traffic).
pub fn batched(hist: &[HistoryRow]) -> bool {
    let rows: Vec<(i64, u64)> = (hist.iter())
        .filter(|r| r.key.is_none())
        .map(|r| (r.t_ms, r.total_requests))
        .collect();
    let grew: Vec<usize> = (1..rows.len())
        .filter(|&i| rows[i].1 > rows[i - 1].1)
        .collect();
    let (Some(&first), Some(&last)) = (grew.first(), grew.last()) else {
        return false;
    };
    if grew.len() < 4 {
        return false;
    }
    let gaps: Vec<i64> = grew
        .windows(2)
        .map(|w| rows[w[1]].0 - rows[w[0]].0)
        .collect();
    let regular = gaps.iter().filter(|g| g.abs_diff(REPORT_MS) <= 500).count();
    let rows_per_growth = (last - first) as f64 / (grew.len() - 1) as f64;
    let per_row = (rows[last].1 - rows[first].1) as f64 / (last - first) as f64;
    regular * 5 >= gaps.len() * 4 && rows_per_growth >= 2.0 && per_row >= 10.0
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
    }

    #[test]
    fn spreading_keeps_the_total() {
        assert_eq!(spread(587, 3).collect::<Vec<_>>(), [196, 196, 195]);
        assert_eq!(spread(2, 4).collect::<Vec<_>>(), [1, 1, 0, 0]);
        assert_eq!(spread(5, 0).sum::<u64>(), 5);
    }
}
