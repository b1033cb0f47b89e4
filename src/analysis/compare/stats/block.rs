//! The cross-check of a percentile shift: a circular moving-block bootstrap over a
//! run's per-interval latency histograms. Each redraw of a run takes ⌈n ÷ l⌉ blocks
//! of l consecutive intervals (l = ⌈n^⅓⌉, wrapping round the end), each block
//! starting at a uniformly drawn interval, keeps the first n intervals drawn, merges
//! their histograms and reads the nearest-rank quantile. Drawing whole blocks keeps
//! the dependence between neighbouring intervals (a slow minute stays one slow
//! minute), which the binomial resampling of `bootstrap` models only through its
//! effective sample size; when the two intervals disagree, the verdict rests on an
//! assumption one of them does not share.
//!
//! From B redraws per side (fixed B, independent seeded streams), the 95 % interval
//! of the shift is the 2.5 % and 97.5 % points of the paired differences, as in
//! `bootstrap`. Interval histograms keep two significant digits, so the values are
//! ≈ 1 % coarser than the exact histogram's. CPU: B × (requests' distinct buckets
//! per interval × n) per side, every quantile read from the same redraws.

use hdrhistogram::Histogram;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Redraws per side.
pub const BLOCK_RESAMPLES: usize = 200;
/// Fewest non-empty intervals a side needs for the block bootstrap to mean anything.
pub const MIN_BLOCK_INTERVALS: usize = 10;

/// One side's intervals, as indices into the side's sorted distinct values.
struct Side {
    /// Distinct bucket values over every interval, ms (tops of buckets), ascending.
    values: Vec<f64>,
    /// Per interval: (index into `values`, count).
    intervals: Vec<Vec<(u32, u64)>>,
}

impl Side {
    fn new(histograms: &[Histogram<u64>]) -> Side {
        let mut raw: Vec<Vec<(u64, u64)>> = Vec::with_capacity(histograms.len());
        let mut all: Vec<u64> = Vec::new();
        for h in histograms {
            let buckets: Vec<(u64, u64)> = h
                .iter_recorded()
                .map(|v| {
                    (
                        h.highest_equivalent(v.value_iterated_to()),
                        v.count_at_value(),
                    )
                })
                .collect();
            all.extend(buckets.iter().map(|b| b.0));
            raw.push(buckets);
        }
        all.sort_unstable();
        all.dedup();
        let intervals = raw
            .into_iter()
            .map(|buckets| {
                buckets
                    .into_iter()
                    .map(|(v, c)| (all.partition_point(|&x| x < v) as u32, c))
                    .collect()
            })
            .collect();
        Side {
            values: all.iter().map(|&v| v as f64 / 1000.0).collect(),
            intervals,
        }
    }

    /// `resamples` redraws; `draws[k][r]` is quantile k of redraw r.
    fn draws(&self, quantiles: &[f64], resamples: usize, seed: u64) -> Vec<Vec<f64>> {
        let n = self.intervals.len();
        let block = (n as f64).cbrt().ceil().max(1.0) as usize;
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut counts = vec![0u64; self.values.len()];
        let mut out = vec![Vec::with_capacity(resamples); quantiles.len()];
        for _ in 0..resamples {
            counts.fill(0);
            let mut taken = 0;
            while taken < n {
                let start = rng.random_range(0..n);
                for j in 0..block.min(n - taken) {
                    for &(i, c) in &self.intervals[(start + j) % n] {
                        counts[i as usize] += c;
                    }
                }
                taken += block;
            }
            let total: u64 = counts.iter().sum();
            for (k, &q) in quantiles.iter().enumerate() {
                out[k].push(self.quantile(&counts, total, q));
            }
        }
        out
    }

    /// Nearest-rank `q` quantile of merged `counts` (NaN when empty).
    fn quantile(&self, counts: &[u64], total: u64, q: f64) -> f64 {
        if total == 0 {
            return f64::NAN;
        }
        let rank = ((q * total as f64 - 1e-9).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (i, &c) in counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return self.values[i];
            }
        }
        self.values[self.values.len() - 1]
    }
}

/// The 2.5 % and 97.5 % points of `v` (sorted in place; NaNs dropped).
fn interval95(mut v: Vec<f64>) -> (f64, f64) {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return (f64::NEG_INFINITY, f64::INFINITY);
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (v.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
    };
    (at(0.025), at(0.975))
}

/// One run's redraws of each of `quantiles` (0–1), `BLOCK_RESAMPLES` of them;
/// `None` when the run has fewer than `MIN_BLOCK_INTERVALS` non-empty intervals.
pub fn block_quantile_draws(
    intervals: &[Histogram<u64>],
    quantiles: &[f64],
    seed: u64,
) -> Option<Vec<Vec<f64>>> {
    if intervals.iter().filter(|h| !h.is_empty()).count() < MIN_BLOCK_INTERVALS {
        return None;
    }
    Some(Side::new(intervals).draws(quantiles, BLOCK_RESAMPLES, seed))
}

/// The block bootstrap's 95 % interval for the shift (candidate − baseline, ms) of
/// each of `quantiles` between one run per side, from their per-interval histograms
/// (µs, in time order); `None` when a side has too few intervals.
pub fn block_percentile_cis(
    base: &[Histogram<u64>],
    cand: &[Histogram<u64>],
    quantiles: &[f64],
    seed: u64,
) -> Option<Vec<(f64, f64)>> {
    let b = block_quantile_draws(base, quantiles, seed)?;
    let c = block_quantile_draws(cand, quantiles, seed ^ 0x9E37_79B9_7F4A_7C15)?;
    Some(
        b.into_iter()
            .zip(c)
            .map(|(bd, cd)| interval95(cd.iter().zip(&bd).map(|(c, b)| c - b).collect()))
            .collect(),
    )
}

/// True when two 95 % intervals of one shift disagree materially: one excludes 0
/// and the other does not, or one is more than twice as wide as the other.
pub fn intervals_disagree(main: (f64, f64), block: (f64, f64)) -> bool {
    let excludes = |ci: (f64, f64)| ci.0 > 0.0 || ci.1 < 0.0;
    let (wm, wb) = (main.1 - main.0, block.1 - block.0);
    let ratio_off = wm.is_finite() && wb.is_finite() && (wm > 2.0 * wb || wb > 2.0 * wm);
    excludes(main) != excludes(block) || ratio_off
}

#[cfg(test)]
#[path = "block_tests.rs"]
mod tests;
