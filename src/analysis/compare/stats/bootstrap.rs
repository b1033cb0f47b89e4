//! Shifts of a latency statistic (a percentile, the mean) between one run per side,
//! by resampling each side's exact histogram (the method of pkolaczk/latte's
//! `stats/percentiles.rs`): each bucket's count is drawn from Binomial(ESS, its
//! share of the run), ESS being the run's effective sample size by batch means, so
//! the spread of the redrawn statistic is that of a run with ESS independent
//! requests from the same distribution. Unlike latte the draws are joint — the
//! bucket counts are multinomial, summing to ESS (each one still Binomial(ESS, its
//! share)), the classical bootstrap of ESS requests — which lets them be drawn as
//! a tree of binomial splits (the count in the lower half of a range of buckets,
//! given the range's count): a percentile follows one path to its bucket, ≈ log₂
//! of the bucket count draws instead of one per bucket, so B can be large; a mean
//! redraw picks its ESS requests one by one when that is cheaper than the tree.
//!
//! From B draws per side (independent streams from one seed):
//! - **interval**: the 2.5 % and 97.5 % points of the B differences of paired
//!   draws (candidate draw i − baseline draw i; the sides are independent, so these
//!   are draws of the difference);
//! - **p-value**: two-sided from the normal approximation z = Δ ÷ √(SE_b² + SE_c²),
//!   with each side's standard error the standard deviation of its draws. A
//!   percentile's sampling distribution is asymptotically normal, and unlike the
//!   share of differences beyond 0 this p-value is continuous: it can reach the
//!   Benjamini–Hochberg thresholds of many comparisons without B in the thousands,
//!   and does not jump by 1 ÷ B near α;
//! - **effect**: that z, the shift in pooled standard errors.
//!
//! Percentiles are nearest-rank values at the top of their bucket (as everywhere in
//! the model); the mean uses bucket midpoints (as `Histogram::mean`). Values in ms.

use hdrhistogram::Histogram;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::dist::{normal_p, Binomial};
use super::ess::latency_effective_sample_size;
use super::{unknown, Estimate, Method, RunSample};

/// A mean redraw picks requests one by one while there are at most this many per
/// bucket (cheaper than the full tree of splits), else it splits the tree.
const DIRECT_MAX_PER_BUCKET: u64 = 8;

/// What is compared.
#[derive(Clone, Copy)]
enum Statistic {
    /// The nearest-rank quantile q (0–1).
    Quantile(f64),
    Mean,
}

/// One side's buckets, ready to redraw.
struct Side {
    /// Bucket values, ms: (top of the bucket, its midpoint).
    values: Vec<(f64, f64)>,
    counts: Vec<u64>,
    /// prefix[i] = requests in buckets before i.
    prefix: Vec<u64>,
    ess: f64,
    /// Requests per redraw: ESS rounded, ≥ 1.
    size: u64,
}

impl Side {
    fn new(sample: RunSample) -> Option<Side> {
        let h: &Histogram<u64> = sample.histogram;
        if h.is_empty() {
            return None;
        }
        let ess = latency_effective_sample_size(sample);
        let (mut values, mut counts, mut prefix) = (Vec::new(), Vec::new(), vec![0]);
        for v in h.iter_recorded() {
            let at = v.value_iterated_to();
            values.push((
                h.highest_equivalent(at) as f64 / 1000.0,
                h.median_equivalent(at) as f64 / 1000.0,
            ));
            counts.push(v.count_at_value());
            prefix.push(prefix[prefix.len() - 1] + v.count_at_value());
        }
        Some(Side {
            values,
            counts,
            prefix,
            ess,
            size: ess.round().max(1.0) as u64,
        })
    }

    /// How many of `count` requests in buckets lo..hi fall in lo..mid.
    fn split(&self, rng: &mut SmallRng, lo: usize, mid: usize, hi: usize, count: u64) -> u64 {
        let share = (self.prefix[mid] - self.prefix[lo]) as f64
            / (self.prefix[hi] - self.prefix[lo]) as f64;
        Binomial::new(count, share).sample(rng)
    }

    /// One redraw's nearest-rank `q` quantile: down the tree to the bucket holding
    /// its rank.
    fn redraw_quantile(&self, rng: &mut SmallRng, q: f64) -> f64 {
        let mut rank = rank_of(q, self.size);
        let (mut lo, mut hi, mut count) = (0, self.values.len(), self.size);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            let left = self.split(rng, lo, mid, hi, count);
            if rank <= left {
                (hi, count) = (mid, left);
            } else {
                (lo, count, rank) = (mid, count - left, rank - left);
            }
        }
        self.values[lo].0
    }

    /// One redraw of every bucket's count into `out` (zeroed beforehand).
    fn redraw_counts(&self, rng: &mut SmallRng, lo: usize, hi: usize, count: u64, out: &mut [u64]) {
        if count == 0 {
            return;
        }
        if hi - lo == 1 {
            out[lo] = count;
            return;
        }
        let mid = lo + (hi - lo) / 2;
        let left = self.split(rng, lo, mid, hi, count);
        self.redraw_counts(rng, lo, mid, left, out);
        self.redraw_counts(rng, mid, hi, count - left, out);
    }

    /// One redraw's mean, request by request: `size` uniform picks among the run's
    /// requests (the same multinomial), each found by bisection of the prefix.
    fn redraw_mean_directly(&self, rng: &mut SmallRng) -> f64 {
        let n = self.prefix[self.prefix.len() - 1];
        let sum: f64 = (0..self.size)
            .map(|_| {
                let pick = rng.random_range(0..n);
                let at = self.prefix[1..].partition_point(|&seen| seen <= pick);
                self.values[at].1
            })
            .sum();
        sum / self.size as f64
    }

    /// The statistic of the run itself.
    fn point(&self, stat: Statistic) -> f64 {
        let total = self.prefix[self.prefix.len() - 1];
        match stat {
            Statistic::Quantile(q) => {
                let rank = rank_of(q, total);
                let at = self.prefix[1..].partition_point(|&seen| seen < rank);
                self.values[at.min(self.values.len() - 1)].0
            }
            Statistic::Mean => mean_of(&self.values, &self.counts, total),
        }
    }

    /// `resamples` redraws of the statistic from the side's own stream.
    fn draws(&self, stat: Statistic, resamples: usize, seed: u64) -> Vec<f64> {
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut counts = vec![0; self.counts.len()];
        (0..resamples)
            .map(|_| match stat {
                Statistic::Quantile(q) => self.redraw_quantile(&mut rng, q),
                Statistic::Mean
                    if self.size <= DIRECT_MAX_PER_BUCKET * self.values.len() as u64 =>
                {
                    self.redraw_mean_directly(&mut rng)
                }
                Statistic::Mean => {
                    counts.fill(0);
                    self.redraw_counts(&mut rng, 0, counts.len(), self.size, &mut counts);
                    mean_of(&self.values, &counts, self.size)
                }
            })
            .collect()
    }
}

/// Nearest rank ⌈q·n⌉ (1..=n) of the q quantile among n.
fn rank_of(q: f64, n: u64) -> u64 {
    ((q * n as f64 - 1e-9).ceil() as u64).clamp(1, n.max(1))
}

/// The mean over bucket midpoints, ms.
fn mean_of(values: &[(f64, f64)], counts: &[u64], total: u64) -> f64 {
    let sum: f64 = values
        .iter()
        .zip(counts)
        .map(|(v, &c)| v.1 * c as f64)
        .sum();
    sum / total as f64
}

/// Linear-interpolated `q` quantile of sorted values.
fn sorted_quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn std_dev(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return f64::NAN;
    }
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// The bootstrap comparison of one statistic between two runs.
fn shift(
    base: RunSample,
    cand: RunSample,
    stat: Statistic,
    resamples: usize,
    seed: u64,
) -> Estimate {
    let (b, c) = (Side::new(base), Side::new(cand));
    let point = |s: &Option<Side>| s.as_ref().map_or(f64::NAN, |s| s.point(stat));
    let ess = |s: &Option<Side>| s.as_ref().map_or(0.0, |s| s.ess);
    let mut est = unknown(point(&b), point(&c), (ess(&b), ess(&c)), Method::Bootstrap);
    let (Some(b), Some(c)) = (b, c) else {
        return est;
    };
    // Independent streams per side from the one seed.
    let bd = b.draws(stat, resamples, seed);
    let cd = c.draws(stat, resamples, seed ^ 0x9E37_79B9_7F4A_7C15);
    let (se_b, se_c) = (std_dev(&bd), std_dev(&cd));
    let pooled = (se_b * se_b + se_c * se_c).sqrt();
    if pooled.is_nan() {
        return est; // fewer than two draws: nothing known
    }
    let mut diffs: Vec<f64> = cd.iter().zip(&bd).map(|(c, b)| c - b).collect();
    diffs.sort_by(f64::total_cmp);
    est.ci = (
        sorted_quantile(&diffs, 0.025),
        sorted_quantile(&diffs, 0.975),
    );
    if pooled > 0.0 {
        est.effect = est.delta / pooled;
        est.p_value = normal_p(est.effect);
    } else if est.delta != 0.0 {
        // Both sides redraw to one value each, and they differ.
        est.effect = est.delta.signum() * f64::INFINITY;
        est.p_value = 0.0;
    }
    est
}

/// Shift of the `quantile` (0 < q < 1) latency, ms, between one run per side.
/// `resamples` bootstrap draws per side (≥ 20× the comparisons made, so p-values can
/// reach the Benjamini–Hochberg thresholds; the p-value comes from the normal
/// approximation with the draws' standard errors, so it is not limited to
/// multiples of 1 ÷ B, and B in the hundreds already gives stable ones);
/// `seed` makes it deterministic.
/// A side without latencies gives a NaN value, p = 1 and an unbounded interval.
pub fn percentile_shift(
    base: RunSample,
    cand: RunSample,
    quantile: f64,
    resamples: usize,
    seed: u64,
) -> Estimate {
    let q = Statistic::Quantile(quantile.clamp(0.0, 1.0));
    shift(base, cand, q, resamples, seed)
}

/// Shift of the mean latency, ms, between one run per side (same resampling).
pub fn mean_shift(base: RunSample, cand: RunSample, resamples: usize, seed: u64) -> Estimate {
    shift(base, cand, Statistic::Mean, resamples, seed)
}

#[cfg(test)]
#[path = "bootstrap_tests.rs"]
mod tests;
