//! Effective sample size by batch means (the method of pkolaczk/latte's
//! `stats/timeseries.rs`, applied to the per-interval series every endpoint keeps).
//!
//! Autocorrelated observations are worth fewer independent ones: if the mean of a
//! batch of b observations varies as σ²·τ ÷ b, where σ² is one observation's
//! variance, the series holds n ÷ τ independent observations (τ is the integrated
//! autocorrelation time). Each interval of the series is a batch — its request
//! count is its weight, its mean the batch mean — so
//! τ ≈ Σ wᵢ·(x̄ᵢ − x̄)² ÷ (k − 1) ÷ σ². Adjacent batches are then merged pairwise
//! (batches 2, 4, 8 … intervals long) to catch correlation that outlasts one
//! interval, and τ is the largest estimate over the levels looked at. As latte does,
//! a level is looked at only while its τ is more than 0.2 of its batch length (once
//! batches are far longer than the correlation, longer ones add only noise), and,
//! here, while it keeps at least 20 batches (fewer make the variance too noisy; the
//! maximum over levels errs on the side of fewer effective observations). The result is clamped to [1, n]; with
//! fewer than two intervals nothing can be estimated and every observation counts
//! (ESS = n).

use super::{IntervalPoint, RunSample};

/// Fewest batches a merged level needs for its variance to be looked at.
const MIN_BATCHES: usize = 20;
/// A merged level is looked at while its τ exceeds this share of its batch length.
const LEVEL_CUTOFF: f64 = 0.2;

/// Autocorrelation time τ ≥ 1 of a series of weighted batch means `(mean, weight)`,
/// in units of one observation when `unit_var` (one observation's variance) is
/// known, else in units of one level-0 point.
fn autocorrelation_time(points: &[(f64, f64)], unit_var: Option<f64>) -> f64 {
    let mut level: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|(x, w)| *w > 0.0 && x.is_finite())
        .collect();
    let mut sigma2 = unit_var.filter(|v| v.is_finite() && *v > 0.0);
    let unit_len = match sigma2 {
        Some(_) => 1.0,
        None => level.iter().map(|p| p.1).sum::<f64>() / level.len().max(1) as f64,
    };
    let mut tau = 1.0_f64;
    for depth in 0.. {
        let k = level.len();
        if k < if depth == 0 { 2 } else { MIN_BATCHES } {
            break;
        }
        let weight: f64 = level.iter().map(|p| p.1).sum();
        let mean = level.iter().map(|(x, w)| x * w).sum::<f64>() / weight;
        let spread = level
            .iter()
            .map(|(x, w)| w * (x - mean).powi(2))
            .sum::<f64>()
            / (k - 1) as f64;
        let unit = *sigma2.get_or_insert(spread);
        if unit <= 0.0 {
            break;
        }
        let t = spread / unit;
        let batch_len = weight / k as f64 / unit_len;
        if depth > 0 && t <= LEVEL_CUTOFF * batch_len {
            break;
        }
        tau = tau.max(t);
        level = level
            .chunks_exact(2)
            .map(|c| {
                let w = c[0].1 + c[1].1;
                ((c[0].0 * c[0].1 + c[1].0 * c[1].1) / w, w)
            })
            .collect();
    }
    tau
}

/// n ÷ τ clamped to [1, n] (n itself when below 1).
fn clamped(n: f64, tau: f64) -> f64 {
    if n < 1.0 {
        n
    } else {
        (n / tau).clamp(1.0, n)
    }
}

fn latency_points(intervals: &[IntervalPoint]) -> Vec<(f64, f64)> {
    intervals
        .iter()
        .filter_map(|p| p.mean_ms.map(|m| (m, p.count as f64)))
        .collect()
}

/// Effective sample size of a series by batch means: the number of independent
/// observations its autocorrelated values are worth (≤ the request count).
///
/// From the series alone one request's variance is unknown, so this counts the
/// requests within one interval as independent and measures only the correlation
/// between intervals (the interval means are the units). When the request-level
/// variance is known — the run's histogram — use
/// [`latency_effective_sample_size`], which also sees correlation within an
/// interval. No intervals → 0 (the series' request count).
pub fn effective_sample_size(intervals: &[IntervalPoint]) -> f64 {
    let n: f64 = intervals.iter().map(|p| p.count as f64).sum();
    clamped(n, autocorrelation_time(&latency_points(intervals), None))
}

/// Effective sample size of one run's latencies: batch means over its interval
/// means against the variance of one request from its exact histogram. No
/// intervals (or fewer than two with a latency) → the histogram's count, every
/// request independent.
pub fn latency_effective_sample_size(sample: RunSample) -> f64 {
    let n = sample.histogram.len() as f64;
    let sd_ms = sample.histogram.stdev() / 1000.0;
    clamped(
        n,
        autocorrelation_time(&latency_points(sample.intervals), Some(sd_ms * sd_ms)),
    )
}

/// Requests, failures and the effective request count of a series' 0/1 failure
/// outcomes: batch means of the per-interval failure rates against the Bernoulli
/// variance p·(1 − p).
pub(super) fn failure_counts(intervals: &[IntervalPoint]) -> (f64, f64, f64) {
    let n: f64 = intervals.iter().map(|p| p.count as f64).sum();
    let f: f64 = intervals
        .iter()
        .map(|p| p.failures.min(p.count) as f64)
        .sum();
    if n <= 0.0 {
        return (0.0, 0.0, 0.0);
    }
    let p = f / n;
    let points: Vec<(f64, f64)> = intervals
        .iter()
        .filter(|i| i.count > 0)
        .map(|i| {
            (
                i.failures.min(i.count) as f64 / i.count as f64,
                i.count as f64,
            )
        })
        .collect();
    let tau = autocorrelation_time(&points, Some(p * (1.0 - p)));
    (n, f, clamped(n, tau))
}

/// Effective number of points of an unweighted series (e.g. per-interval rates).
pub(super) fn series_effective_size(values: &[f64]) -> f64 {
    let points: Vec<(f64, f64)> = values.iter().map(|&v| (v, 1.0)).collect();
    clamped(values.len() as f64, autocorrelation_time(&points, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compare::stats::dist::standard_normal;
    use rand::rngs::SmallRng;
    use rand::SeedableRng;

    /// An AR(1) series x_t = ρ·x_{t−1} + √(1 − ρ²)·ε_t (unit variance).
    fn ar1(n: usize, rho: f64, seed: u64) -> Vec<f64> {
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut x = standard_normal(&mut rng);
        (0..n)
            .map(|_| {
                x = rho * x + (1.0 - rho * rho).sqrt() * standard_normal(&mut rng);
                x
            })
            .collect()
    }

    /// Batch means of `per` consecutive values with their weights.
    fn batches(values: &[f64], per: usize) -> Vec<(f64, f64)> {
        values
            .chunks(per)
            .map(|c| (c.iter().sum::<f64>() / c.len() as f64, c.len() as f64))
            .collect()
    }

    #[test]
    fn independent_values_keep_their_count() {
        let v = ar1(20_000, 0.0, 1);
        let tau = autocorrelation_time(&batches(&v, 50), Some(1.0));
        assert!(tau < 1.5, "τ {tau}");
        assert!((series_effective_size(&v[..2000]) - 2000.0).abs() < 600.0);
    }

    #[test]
    fn ar1_correlation_shrinks_the_sample_by_its_autocorrelation_time() {
        // τ = (1 + ρ) ÷ (1 − ρ) = 9 for ρ = 0.8; batches of 50 see ≈ 8.2 of it.
        let v = ar1(20_000, 0.8, 2);
        let tau = autocorrelation_time(&batches(&v, 50), Some(1.0));
        assert!((6.5..11.0).contains(&tau), "τ {tau}");
        // Batches of one observation: the merged levels find it (latte's setting).
        let tau1 = autocorrelation_time(&batches(&v, 1), Some(1.0));
        assert!((6.5..11.0).contains(&tau1), "τ {tau1}");
    }

    #[test]
    fn correlation_spanning_intervals_is_found_by_merged_levels() {
        // Each run of 8 intervals shares one level: interval means repeat in blocks.
        let levels = ar1(100, 0.0, 3);
        let series: Vec<IntervalPoint> = (0..800)
            .map(|i| IntervalPoint {
                count: 10,
                failures: 0,
                mean_ms: Some(100.0 + levels[i / 8]),
                width_s: 0.0,
            })
            .collect();
        let ess = effective_sample_size(&series);
        // 100 independent blocks of 10 × 8 requests each: the block is the unit
        // (ESS ≈ 100 × 10; the maximum over levels errs low).
        assert!((50.0..=200.0).contains(&(ess / 10.0)), "ESS {ess}");
    }

    #[test]
    fn no_intervals_count_every_observation() {
        let mut h = hdrhistogram::Histogram::<u64>::new(3).unwrap();
        h.record_n(1000, 40).unwrap();
        h.record_n(3000, 60).unwrap();
        let s = RunSample {
            histogram: &h,
            intervals: &[],
        };
        assert_eq!(latency_effective_sample_size(s), 100.0);
        assert_eq!(effective_sample_size(&[]), 0.0);
        assert_eq!(series_effective_size(&[5.0]), 1.0);
    }

    #[test]
    fn failure_series_without_variation_keeps_its_count() {
        let s = vec![
            IntervalPoint {
                count: 100,
                failures: 0,
                mean_ms: Some(1.0),
                width_s: 0.0,
            };
            20
        ];
        assert_eq!(failure_counts(&s), (2000.0, 0.0, 2000.0));
    }
}
