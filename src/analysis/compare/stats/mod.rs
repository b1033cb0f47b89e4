//! The statistics `compare` rests on, as pure functions over plain data: percentile
//! shifts of one run per side (binomial resampling of the exact histogram with an
//! effective sample size from batch means), error-rate tests on effective counts,
//! repeats per side (Mann–Whitney U, Hodges–Lehmann shift, CLES), Benjamini–Hochberg
//! q-values and change points in a trend.
//!
//! Each method is written down in the module that owns it:
//! - `ess`: effective sample size by batch means over a run's per-interval series;
//! - `bootstrap`: percentile and mean shifts by binomial resampling of each side's
//!   exact histogram with that effective sample size;
//! - `block`: the cross-check of a percentile shift, a circular moving-block
//!   bootstrap over each side's per-interval histograms;
//! - `proportion`: failure rates (two-proportion test on effective counts) and
//!   per-interval rates (Welch's test);
//! - `rank`: repeats per side (Mann–Whitney U, Hodges–Lehmann, CLES);
//! - `summary_welch`: a summary's mean shift from its mean, sd and effective size
//!   (Welch's test);
//! - `multiple`: Benjamini–Hochberg q-values;
//! - `changepoint`: level shifts in a trend (E-divisive means with a t-test);
//! - `dist`: the normal and t distributions and the binomial sampler they use.

use hdrhistogram::Histogram;

mod block;
mod bootstrap;
mod changepoint;
mod dist;
mod ess;
mod multiple;
pub(crate) mod proportion;
mod rank;
mod summary_welch;

pub use block::{block_percentile_cis, intervals_disagree, MIN_BLOCK_INTERVALS};
pub use bootstrap::{mean_shift, percentile_shift};
pub use changepoint::change_points;
pub use ess::{effective_sample_size, latency_effective_sample_size};
pub use multiple::benjamini_hochberg;
pub use proportion::{error_rate_shift, rate_shift};
pub use rank::repeats_shift;
pub use summary_welch::{summary_mean_shift, MeanSide};

/// One interval of a run's per-interval series for one stage × endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct IntervalPoint {
    /// Requests that started in the interval.
    pub count: u64,
    /// Failed requests among them.
    pub failures: u64,
    /// Mean latency of the interval, ms (`None` when it has no measured latency).
    pub mean_ms: Option<f64>,
    /// The time it covers, s, when less than the series' interval width (a stage's
    /// first and last intervals hold part of a second); 0: the whole width.
    pub width_s: f64,
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
    /// Welch's test on a summary's mean and sd over its effective sample size.
    SummaryWelch,
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
    /// Mean after ÷ mean before − 1, a fraction (0.3 for +30 %).
    pub shift_pct: f64,
    /// p-value of the t-test that accepted it.
    pub p_value: f64,
}

/// Fewest points a trend needs before change points are looked for.
pub const MIN_TREND_POINTS: usize = 6;

/// An estimate that knows nothing yet: Δ from the two values, an unbounded
/// interval, p = 1, no effect.
fn unknown(baseline: f64, candidate: f64, ess: (f64, f64), method: Method) -> Estimate {
    Estimate {
        baseline,
        candidate,
        delta: candidate - baseline,
        ci: (f64::NEG_INFINITY, f64::INFINITY),
        p_value: 1.0,
        effect: 0.0,
        ess,
        method,
    }
}
