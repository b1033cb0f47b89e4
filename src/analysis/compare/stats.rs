//! The statistics `compare` rests on, as pure functions over plain data: percentile
//! shifts of one run per side (binomial resampling of the exact histogram with an
//! effective sample size from batch means), error-rate tests on effective counts,
//! repeats per side (Mann–Whitney U, Hodges–Lehmann shift, CLES), Benjamini–Hochberg
//! q-values and change points in a trend.
//!
//! This file fixes the interface; the bodies are placeholders that answer
//! "inconclusive" (wide intervals, p = 1) until the methods land.

use hdrhistogram::Histogram;

/// One interval of a run's per-interval series for one stage × endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct IntervalPoint {
    /// Requests that started in the interval.
    pub count: u64,
    /// Failed requests among them.
    pub failures: u64,
    /// Mean latency of the interval, ms (`None` when it has no measured latency).
    pub mean_ms: Option<f64>,
}

/// One run's latencies for one stage × endpoint.
#[derive(Clone, Copy, Debug)]
pub struct RunSample<'a> {
    /// Exact latency histogram, µs.
    pub histogram: &'a Histogram<u64>,
    /// Its per-interval series, in time order (may be empty: then every request
    /// counts as independent and the estimate says so through `Estimate::ess`).
    pub intervals: &'a [IntervalPoint],
}

/// How an estimate was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Binomial resampling of one run's histogram per side, effective sample size
    /// by batch means.
    Bootstrap,
    /// Two-proportion test on effective counts.
    TwoProportion,
    /// Welch's test on per-interval values (rates), effective counts by batch means.
    IntervalWelch,
    /// Mann–Whitney U over per-run values, Hodges–Lehmann shift.
    MannWhitney,
    /// Summary values only: no uncertainty known.
    Reported,
}

/// A baseline-vs-candidate estimate of one metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The baseline's value (for repeats: the median of its runs).
    pub baseline: f64,
    /// The candidate's value (for repeats: the median of its runs).
    pub candidate: f64,
    /// Candidate − baseline (for repeats: the Hodges–Lehmann shift).
    pub delta: f64,
    /// 95% interval for `delta`.
    pub ci: (f64, f64),
    /// Two-sided p-value of "no change".
    pub p_value: f64,
    /// Effect size: CLES for repeats (P(candidate > baseline)), else the
    /// standardised shift delta ÷ pooled standard error.
    pub effect: f64,
    /// Effective sample sizes (baseline, candidate) behind the estimate.
    pub ess: (f64, f64),
    /// How it was made.
    pub method: Method,
}

/// A level shift found in a trend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChangePoint {
    /// Index of the first point after the shift.
    pub index: usize,
    /// Mean after ÷ mean before − 1.
    pub shift_pct: f64,
    /// p-value of the t-test that accepted it.
    pub p_value: f64,
}

/// Fewest points a trend needs before change points are looked for.
pub const MIN_TREND_POINTS: usize = 6;

fn undecided(baseline: f64, candidate: f64, method: Method) -> Estimate {
    Estimate {
        baseline,
        candidate,
        delta: candidate - baseline,
        ci: (f64::NEG_INFINITY, f64::INFINITY),
        p_value: 1.0,
        effect: 0.0,
        ess: (0.0, 0.0),
        method,
    }
}

/// Effective sample size of a series by batch means: the number of independent
/// observations its autocorrelated values are worth (≤ the request count).
pub fn effective_sample_size(intervals: &[IntervalPoint]) -> f64 {
    intervals.iter().map(|p| p.count as f64).sum()
}

/// Shift of the `quantile` (0 < q < 1) latency, ms, between one run per side.
/// `resamples` bootstrap draws per side (≥ 20× the comparisons made, so p-values can
/// reach the Benjamini–Hochberg thresholds); `seed` makes it deterministic.
pub fn percentile_shift(
    base: RunSample,
    cand: RunSample,
    quantile: f64,
    resamples: usize,
    seed: u64,
) -> Estimate {
    let _ = (resamples, seed);
    let q = quantile * 100.0;
    let b = base.histogram.value_at_percentile(q) as f64 / 1000.0;
    let c = cand.histogram.value_at_percentile(q) as f64 / 1000.0;
    undecided(b, c, Method::Bootstrap)
}

/// Shift of the mean latency, ms, between one run per side (same resampling).
pub fn mean_shift(base: RunSample, cand: RunSample, resamples: usize, seed: u64) -> Estimate {
    let _ = (resamples, seed);
    undecided(
        base.histogram.mean() / 1000.0,
        cand.histogram.mean() / 1000.0,
        Method::Bootstrap,
    )
}

/// Shift of the failure rate (0–1) between one run per side, by a two-proportion
/// test on effective counts (each side's failures and requests scaled by its
/// effective-sample-size ratio).
pub fn error_rate_shift(base: &[IntervalPoint], cand: &[IntervalPoint]) -> Estimate {
    let rate = |s: &[IntervalPoint]| {
        let n: u64 = s.iter().map(|p| p.count).sum();
        let f: u64 = s.iter().map(|p| p.failures).sum();
        if n == 0 {
            0.0
        } else {
            f as f64 / n as f64
        }
    };
    undecided(rate(base), rate(cand), Method::TwoProportion)
}

/// Shift of a per-interval rate (requests/s, or successful requests/s when
/// `successes_only`) between one run per side; `width_s` is each series' interval
/// width. Welch's test with effective counts from batch means.
pub fn rate_shift(
    base: &[IntervalPoint],
    base_width_s: f64,
    cand: &[IntervalPoint],
    cand_width_s: f64,
    successes_only: bool,
) -> Estimate {
    let rate = |s: &[IntervalPoint], w: f64| {
        let n: u64 = s
            .iter()
            .map(|p| {
                if successes_only {
                    p.count - p.failures.min(p.count)
                } else {
                    p.count
                }
            })
            .sum();
        if s.is_empty() || w <= 0.0 {
            0.0
        } else {
            n as f64 / (s.len() as f64 * w)
        }
    };
    undecided(
        rate(base, base_width_s),
        rate(cand, cand_width_s),
        Method::IntervalWelch,
    )
}

/// Repeats per side (each run one value, e.g. its p95): Mann–Whitney U (exact for
/// small samples), the Hodges–Lehmann shift with its interval, CLES as `effect`.
pub fn repeats_shift(base: &[f64], cand: &[f64]) -> Estimate {
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            f64::NAN
        } else {
            v[v.len() / 2]
        }
    };
    undecided(median(base), median(cand), Method::MannWhitney)
}

/// Benjamini–Hochberg q-values of `p_values`, in their order.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    p_values.to_vec()
}

/// Level shifts in `values` (a metric over releases, in release order) by the
/// deterministic t-test variant of E-divisive means (Apache Otava / Hunter); fewer
/// than [`MIN_TREND_POINTS`] values give none.
pub fn change_points(values: &[f64], max_p_value: f64) -> Vec<ChangePoint> {
    let _ = (values, max_p_value);
    Vec::new()
}
