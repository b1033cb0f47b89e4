//! Shifts of a latency statistic (a percentile, the mean) between one run per side,
//! by resampling each side's exact histogram (the method of pkolaczk/latte's
//! `stats/percentiles.rs`): each bucket's count is drawn from Binomial(ESS, its
//! share of the run), ESS being the run's effective sample size by batch means, so
//! the spread of the redrawn statistic is that of a run with ESS independent
//! requests from the same distribution.
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
use rand::SeedableRng;

use super::dist::{normal_p, Binomial};
use super::ess::latency_effective_sample_size;
use super::{Estimate, Method, RunSample};

/// One side's buckets, ready to redraw.
struct Side {
    /// Bucket values, ms: (top of the bucket, its midpoint).
    values: Vec<(f64, f64)>,
    counts: Vec<u64>,
    samplers: Vec<Binomial>,
    ess: f64,
}

impl Side {
    fn new(sample: RunSample) -> Option<Side> {
        let h: &Histogram<u64> = sample.histogram;
        let n = h.len();
        if n == 0 {
            return None;
        }
        let ess = latency_effective_sample_size(sample);
        let draws = ess.round().max(1.0) as u64;
        let (mut values, mut counts, mut samplers) = (Vec::new(), Vec::new(), Vec::new());
        for v in h.iter_recorded() {
            let at = v.value_iterated_to();
            values.push((
                h.highest_equivalent(at) as f64 / 1000.0,
                h.median_equivalent(at) as f64 / 1000.0,
            ));
            counts.push(v.count_at_value());
            samplers.push(Binomial::new(draws, v.count_at_value() as f64 / n as f64));
        }
        Some(Side {
            values,
            counts,
            samplers,
            ess,
        })
    }

    /// Redraws the bucket counts into `out`; their total.
    fn redraw(&self, rng: &mut SmallRng, out: &mut [u64]) -> u64 {
        let mut total = 0;
        for (slot, s) in out.iter_mut().zip(&self.samplers) {
            *slot = s.sample(rng);
            total += *slot;
        }
        total
    }
}

/// A statistic of bucket counts (their total given) over a side's bucket values.
type Statistic = fn(&[(f64, f64)], &[u64], u64, f64) -> f64;

/// The nearest-rank `q` quantile of the counts, ms.
fn quantile_stat(values: &[(f64, f64)], counts: &[u64], total: u64, q: f64) -> f64 {
    let rank = ((q * total as f64 - 1e-9).ceil() as u64).clamp(1, total.max(1));
    let mut seen = 0;
    for (v, c) in values.iter().zip(counts) {
        seen += c;
        if seen >= rank {
            return v.0;
        }
    }
    values.last().map_or(f64::NAN, |v| v.0)
}

/// The mean of the counts over bucket midpoints, ms.
fn mean_stat(values: &[(f64, f64)], counts: &[u64], total: u64, _: f64) -> f64 {
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

/// `resamples` redraws of one side's statistic from its own stream.
fn draws(side: &Side, stat: Statistic, arg: f64, resamples: usize, seed: u64) -> Vec<f64> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut counts = vec![0; side.counts.len()];
    (0..resamples)
        .filter_map(|_| {
            let total = side.redraw(&mut rng, &mut counts);
            (total > 0).then(|| stat(&side.values, &counts, total, arg))
        })
        .collect()
}

/// The bootstrap comparison of one statistic between two runs.
fn shift(
    base: RunSample,
    cand: RunSample,
    stat: Statistic,
    arg: f64,
    resamples: usize,
    seed: u64,
) -> Estimate {
    let point = |s: &Option<Side>| {
        s.as_ref().map_or(f64::NAN, |s| {
            stat(&s.values, &s.counts, s.counts.iter().sum(), arg)
        })
    };
    let (b, c) = (Side::new(base), Side::new(cand));
    let (bv, cv) = (point(&b), point(&c));
    let ess = (
        b.as_ref().map_or(0.0, |s| s.ess),
        c.as_ref().map_or(0.0, |s| s.ess),
    );
    let mut est = Estimate {
        baseline: bv,
        candidate: cv,
        delta: cv - bv,
        ci: (f64::NEG_INFINITY, f64::INFINITY),
        p_value: 1.0,
        effect: 0.0,
        ess,
        method: Method::Bootstrap,
    };
    let (Some(b), Some(c)) = (b, c) else {
        return est;
    };
    // Independent streams per side from the one seed.
    let bd = draws(&b, stat, arg, resamples, seed);
    let cd = draws(&c, stat, arg, resamples, seed ^ 0x9E37_79B9_7F4A_7C15);
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
/// reach the Benjamini–Hochberg thresholds); `seed` makes it deterministic.
/// A side without latencies gives a NaN value, p = 1 and an unbounded interval.
pub fn percentile_shift(
    base: RunSample,
    cand: RunSample,
    quantile: f64,
    resamples: usize,
    seed: u64,
) -> Estimate {
    shift(
        base,
        cand,
        quantile_stat,
        quantile.clamp(0.0, 1.0),
        resamples,
        seed,
    )
}

/// Shift of the mean latency, ms, between one run per side (same resampling).
pub fn mean_shift(base: RunSample, cand: RunSample, resamples: usize, seed: u64) -> Estimate {
    shift(base, cand, mean_stat, 0.0, resamples, seed)
}

#[cfg(test)]
#[path = "bootstrap_tests.rs"]
mod tests;
