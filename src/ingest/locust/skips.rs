//! When the requests between two of a Locust stats history's rows were really made,
//! where the rows' stamps alone would mislead. Locust writes a row, sleeps a second
//! and writes the next, stamping each with its whole second: on a busy generator the
//! period is a little over a second, so now and then a stamp is skipped (rows 2 s
//! apart) although no second went without requests. The Aggregated counts tell the
//! cases apart: across a **skip** the count grows by about one row's worth (one
//! period of requests), the stamps having drifted a second behind the rows since the
//! last skip, which are re-timed to share the stretch evenly (each covers the
//! stretch's span ÷ its rows), so no second shows empty; across a **late** row the
//! count grows by the seconds it spans (the writer was late, the users were not), and
//! its requests are spread over them; a **gap** grows by a row's worth or less over
//! three or more seconds: the event loop was blocked and the users sent nothing, which
//! `series` says and does not smooth away. Histories of workers' batched reports are
//! left to `reports`.

use std::collections::BTreeMap;

use super::history::HistoryRow;

/// The time `[start, end)` (epoch ms) that the requests a row adds were made in, for
/// the rows whose stamps do not say it; keyed by the row's time, with the time of the
/// row before it (the cover holds only for a series whose row before is that one).
pub(super) type Covers = BTreeMap<i64, (i64, i64, i64)>;

/// What happened between two rows `d` spacings apart (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Span {
    /// One spacing, or a growth the rows around cannot judge.
    Regular,
    /// One stamp skipped, about a row's worth added: the stamps drifted.
    Skip,
    /// Two or more spacings, as many rows' worth added: requests went on throughout.
    Late,
    /// Two or more spacings, a row's worth or less added: nothing was sent between.
    Gap,
}

/// How many rows on each side give the typical growth a span is judged against.
const AROUND: usize = 5;

/// Each of the Aggregated rows' spans (index i: from row i − 1 to row i; index 0 is
/// `Regular`), judged by the count it adds against the median added by the one-spacing
/// rows around it.
pub(super) fn spans(agg: &[&HistoryRow], spacing_ms: i64) -> Vec<Span> {
    let w = spacing_ms.max(1);
    let steps: Vec<(i64, u64)> = (0..agg.len())
        .map(|i| match i.checked_sub(1).map(|j| agg[j]) {
            Some(p) => (
                ((agg[i].t_ms - p.t_ms) as f64 / w as f64).round() as i64,
                agg[i].total_requests.saturating_sub(p.total_requests),
            ),
            None => (1, 0),
        })
        .collect();
    (0..agg.len())
        .map(|i| {
            let (d, added) = steps[i];
            if i == 0 || d < 2 {
                return Span::Regular;
            }
            let mut near: Vec<u64> = (i.saturating_sub(AROUND).max(1)
                ..(i + AROUND + 1).min(agg.len()))
                .filter(|&m| m != i && steps[m].0 == 1)
                .map(|m| steps[m].1)
                .collect();
            near.sort_unstable();
            let Some(&typical) = near.get(near.len() / 2).filter(|&&g| g > 0) else {
                return Span::Regular;
            };
            let (added, typical) = (added as f64, typical as f64);
            if added >= (d as f64 - 0.5) * typical {
                Span::Late
            } else if d == 2 && added >= 0.5 * typical {
                Span::Skip
            } else {
                Span::Gap
            }
        })
        .collect()
}

/// The covers of `hist`'s Aggregated rows that are not their stamps' (see [`Covers`]):
/// a late row's, its whole span; a skip's and the rows' since the last span that was
/// not one spacing (or the first row), the stretch's span shared evenly among them.
pub(super) fn covers(hist: &[HistoryRow], spacing_ms: i64) -> Covers {
    let agg: Vec<&HistoryRow> = hist.iter().filter(|r| r.key.is_none()).collect();
    let spans = spans(&agg, spacing_ms);
    let mut out = Covers::new();
    let mut from = 0;
    for (i, span) in spans.iter().enumerate().skip(1) {
        let d_one = agg[i].t_ms - agg[i - 1].t_ms <= spacing_ms.max(1) * 3 / 2;
        match span {
            Span::Late => {
                out.insert(agg[i].t_ms, (agg[i - 1].t_ms, agg[i - 1].t_ms, agg[i].t_ms));
            }
            Span::Skip => {
                let period = (agg[i].t_ms - agg[from].t_ms) as f64 / (i - from) as f64;
                for k in from + 1..=i {
                    let at =
                        |n: usize| agg[from].t_ms + ((n - from) as f64 * period).round() as i64;
                    out.insert(agg[k].t_ms, (agg[k - 1].t_ms, at(k - 1), at(k)));
                }
            }
            _ => {}
        }
        if !d_one || *span == Span::Skip {
            from = i;
        }
    }
    out
}

/// `n` shared among the intervals of width `w` that `[start, end)` overlaps, in
/// proportion to the overlap (largest remainders first), as (a time in the interval,
/// count); the intervals lie on multiples of `w`, as a series' do.
pub(super) fn share(n: u64, (start, end): (i64, i64), w: i64) -> Vec<(i64, u64)> {
    let w = w.max(1);
    if end <= start {
        return vec![(start, n)];
    }
    let mut parts: Vec<(i64, f64)> = Vec::new();
    let mut s = start.div_euclid(w) * w;
    while s < end {
        let (lo, hi) = (s.max(start), (s + w).min(end));
        parts.push((lo, n as f64 * (hi - lo) as f64 / (end - start) as f64));
        s += w;
    }
    let mut out: Vec<(i64, u64)> = parts.iter().map(|&(t, x)| (t, x.floor() as u64)).collect();
    let left = n - out.iter().map(|p| p.1).sum::<u64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        let frac = |i: usize| parts[i].1 - parts[i].1.floor();
        frac(b).total_cmp(&frac(a)).then(a.cmp(&b))
    });
    for &i in order.iter().take(left as usize) {
        out[i].1 += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_adds_up_and_follows_the_overlap() {
        assert_eq!(share(10, (0, 1000), 1000), vec![(0, 10)]);
        assert_eq!(share(10, (500, 1500), 1000), vec![(500, 5), (1000, 5)]);
        let s = share(7, (250, 2250), 1000);
        assert_eq!(s.iter().map(|p| p.1).sum::<u64>(), 7);
        assert_eq!(s.len(), 3);
    }
}
