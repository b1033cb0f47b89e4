//! Latency distributions: an exact HdrHistogram or a tool's percentile summary.
//!
//! Exact distributions are HdrHistograms in **microseconds** with [`HIST_SIGFIG`]
//! significant digits, so every recorded value is kept within 0.1 % and merging is
//! bucket-wise addition. Percentiles use the **nearest-rank** estimator: the p-th
//! percentile of n values is the ⌈p·n⌉-th smallest, reported as the highest value
//! equivalent to its HdrHistogram bucket (so it never exceeds the reported max).
//!
//! Summaries are what aggregate CSVs hold (Locust `_stats.csv`): a count, mean, min,
//! max and a few percentiles computed by the tool. A summary percentile is reported as
//! the tool wrote it; a percentile of summaries merged together (several generators,
//! several history rows) is an **approximation** from the mixture of their piecewise
//! linear quantile functions and is always labelled as such. Percentiles are never
//! averaged.

use std::borrow::Cow;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::ExactHistogram;

/// Significant digits of every exact latency histogram in the model.
pub const HIST_SIGFIG: u8 = 3;

/// Highest latency an exact histogram is created for (µs); it grows with the largest
/// value recorded. Starting small matters: a run holds several histograms per endpoint
/// and stage, and one sized for an hour costs 180 KB before its first value.
const HIST_INITIAL_MAX_US: u64 = 2;

/// A latency distribution with the provenance of its percentiles.
#[derive(Clone, Debug)]
pub enum LatencyDistribution {
    /// Every measured value, in µs (HdrHistogram, [`HIST_SIGFIG`] digits).
    Exact(ExactHistogram),
    /// Figures a tool computed itself.
    Summary(PercentileSummary),
}

/// A percentile value and how it was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Percentile {
    /// The value in milliseconds.
    pub value_ms: f64,
    /// How it was obtained.
    pub method: PercentileMethod,
}

/// How a percentile was obtained, from the most to the least exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PercentileMethod {
    /// Nearest rank over an HdrHistogram of every value (within 0.1 %).
    NearestRank,
    /// Copied from the tool's own summary.
    ToolSummary,
    /// Estimated from several summaries merged together.
    MergedApproximate,
}

/// True for a latency a request can have: finite and not negative.
pub fn latency_possible(ms: f64) -> bool {
    ms.is_finite() && ms >= 0.0
}

/// Figures a load tool computed over a set of requests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PercentileSummary {
    /// Requests the figures cover.
    pub count: u64,
    /// Mean latency, ms.
    pub mean_ms: Option<f64>,
    /// The tool's standard deviation of the latencies, ms, where it prints one
    /// (h2load's `sd`, wrk's and autocannon's `Stdev`); `None` after a merge.
    pub sd_ms: Option<f64>,
    /// Smallest latency, ms.
    pub min_ms: Option<f64>,
    /// Largest latency, ms.
    pub max_ms: Option<f64>,
    /// `(percentile in 0..=100, latency ms)` pairs, sorted by percentile.
    pub points: Vec<(f64, f64)>,
    /// True once this summary is a merge of several.
    pub merged: bool,
    /// True when the tool corrected its figures for coordinated omission before
    /// printing them (wrk adds estimated samples for every answer slower than twice
    /// a connection's mean interval): the mean and percentiles are then above what was
    /// measured (the count and max are not), so the mean is no measured response time
    /// for the operational laws.
    pub co_corrected: bool,
}

impl LatencyDistribution {
    /// An empty exact distribution.
    pub fn new_exact() -> LatencyDistribution {
        LatencyDistribution::Exact(ExactHistogram::default())
    }

    /// Number of values the distribution covers.
    pub fn count(&self) -> u64 {
        match self {
            LatencyDistribution::Exact(h) => h.len(),
            LatencyDistribution::Summary(s) => s.count,
        }
    }

    /// True for an HdrHistogram of every value.
    pub fn is_exact(&self) -> bool {
        matches!(self, LatencyDistribution::Exact(_))
    }

    /// Records one latency in ms (exact distributions only; summaries ignore it).
    pub fn record_ms(&mut self, latency_ms: f64) {
        if let LatencyDistribution::Exact(h) = self {
            h.record(ms_to_us(latency_ms));
        }
    }

    /// Mean latency, ms.
    pub fn mean_ms(&self) -> Option<f64> {
        match self {
            LatencyDistribution::Exact(h) if !h.is_empty() => Some(h.mean() / 1000.0),
            LatencyDistribution::Exact(_) => None,
            LatencyDistribution::Summary(s) => s.mean_ms,
        }
    }

    /// The standard deviation a tool printed with its summary (h2load's `sd`, wrk's
    /// and autocannon's `Stdev`), ms;
    /// `None` for an exact distribution or a summary without one.
    pub fn tool_sd_ms(&self) -> Option<f64> {
        match self {
            LatencyDistribution::Summary(s) => s.sd_ms,
            LatencyDistribution::Exact(_) => None,
        }
    }

    /// Smallest latency, ms.
    pub fn min_ms(&self) -> Option<f64> {
        match self {
            LatencyDistribution::Exact(h) if !h.is_empty() => Some(h.min() as f64 / 1000.0),
            LatencyDistribution::Exact(_) => None,
            LatencyDistribution::Summary(s) => s.min_ms,
        }
    }

    /// Largest latency, ms.
    pub fn max_ms(&self) -> Option<f64> {
        match self {
            LatencyDistribution::Exact(h) if !h.is_empty() => {
                Some(h.max_equivalent() as f64 / 1000.0)
            }
            LatencyDistribution::Exact(_) => None,
            LatencyDistribution::Summary(s) => s.max_ms,
        }
    }

    /// The `pct`-th percentile (0 < pct ≤ 100), or `None` where the data cannot say.
    pub fn percentile(&self, pct: f64) -> Option<Percentile> {
        match self {
            LatencyDistribution::Exact(h) => nearest_rank_us(h, pct).map(|us| Percentile {
                value_ms: us as f64 / 1000.0,
                method: PercentileMethod::NearestRank,
            }),
            LatencyDistribution::Summary(s) => s.percentile(pct),
        }
    }

    /// Adds another distribution into this one. Exact + exact stays exact; anything
    /// merged with a summary becomes an approximate summary.
    pub fn merge(&mut self, other: &LatencyDistribution) {
        match (&mut *self, other) {
            (LatencyDistribution::Exact(a), LatencyDistribution::Exact(b)) => a.add(b),
            (LatencyDistribution::Exact(a), LatencyDistribution::Summary(b)) => {
                if a.is_empty() {
                    *self = LatencyDistribution::Summary(b.clone());
                } else {
                    let mut s = PercentileSummary::from_histogram(a);
                    s.merge(b);
                    *self = LatencyDistribution::Summary(s);
                }
            }
            (LatencyDistribution::Summary(a), LatencyDistribution::Exact(b)) => {
                if !b.is_empty() {
                    a.merge(&PercentileSummary::from_histogram(b));
                }
            }
            (LatencyDistribution::Summary(a), LatencyDistribution::Summary(b)) => a.merge(b),
        }
    }

    /// `dists` merged: exact when all are; else one summary of them all, each
    /// percentile estimated once ([`PercentileSummary::merge_all`]).
    pub fn merge_all(dists: Vec<LatencyDistribution>) -> LatencyDistribution {
        if dists.iter().all(LatencyDistribution::is_exact) {
            let mut out = LatencyDistribution::new_exact();
            dists.iter().for_each(|d| out.merge(d));
            return out;
        }
        let summaries: Vec<PercentileSummary> = (dists.into_iter())
            .filter_map(|d| match d {
                LatencyDistribution::Exact(h) if h.is_empty() => None,
                LatencyDistribution::Exact(h) => Some(PercentileSummary::from_histogram(&h)),
                LatencyDistribution::Summary(s) => Some(s),
            })
            .collect();
        let refs: Vec<&PercentileSummary> = summaries.iter().collect();
        let mut merged = PercentileSummary::merge_all(&refs);
        // Even one part is now a merge: its percentiles stand for the group's.
        merged.merged = summaries.len() > 1 || merged.merged;
        LatencyDistribution::Summary(merged)
    }

    /// The histogram, for exact distributions.
    pub fn histogram(&self) -> Option<Cow<'_, Histogram<u64>>> {
        match self {
            LatencyDistribution::Exact(h) => Some(h.to_histogram()),
            LatencyDistribution::Summary(_) => None,
        }
    }
}

/// A new, empty, auto-resizing µs histogram with [`HIST_SIGFIG`] digits.
pub fn new_histogram() -> Histogram<u64> {
    let mut h = Histogram::new_with_bounds(1, HIST_INITIAL_MAX_US, HIST_SIGFIG)
        .expect("static histogram bounds are valid");
    h.auto(true);
    h
}

/// Milliseconds (float) to whole microseconds, rounding to nearest; sub-µs values
/// count as 1 µs because a histogram cannot hold zero-width buckets below its lowest
/// discernible value.
pub fn ms_to_us(ms: f64) -> u64 {
    if !ms.is_finite() || ms <= 0.0 {
        return 0;
    }
    let us = ms * 1000.0;
    // `f64::round` (half away from zero) without its libm call, on every request: the
    // cast truncates, and `us - whole` is exact (both lie within one unit).
    let whole = us as u64;
    whole
        .saturating_add(u64::from(us - whole as f64 >= 0.5))
        .max(1)
}

/// Nearest-rank percentile over a histogram: the ⌈p·n⌉-th smallest value.
fn nearest_rank_us(h: &ExactHistogram, pct: f64) -> Option<u64> {
    let n = h.len();
    if n == 0 || !(pct > 0.0 && pct <= 100.0) {
        return None;
    }
    // Rank computed in integer-friendly form: ⌈p·n/100⌉ with a small tolerance so
    // that 95 % of 10 000 is rank 9 500, not 9 501 from floating-point noise.
    let exact = pct * n as f64 / 100.0;
    let rank = ((exact - 1e-9).ceil() as u64).clamp(1, n);
    let mut seen = 0u64;
    for (highest, count) in h.buckets() {
        seen += count;
        if seen >= rank {
            return Some(highest);
        }
    }
    Some(h.max_equivalent())
}

impl PercentileSummary {
    /// The first latency figure no measurement can have — negative, NaN or infinite —
    /// described for a problem (`p50 = -1 ms`); `None` when every figure is possible.
    pub fn impossible_value(&self) -> Option<String> {
        let named = [
            ("mean", self.mean_ms),
            ("min", self.min_ms),
            ("max", self.max_ms),
        ]
        .into_iter()
        .filter_map(|(n, v)| Some((n.to_string(), v?)));
        let points = self.points.iter().map(|(p, v)| (format!("p{p}"), *v));
        named
            .chain(points)
            .find(|(_, v)| !latency_possible(*v))
            .map(|(n, v)| format!("{n} = {v} ms"))
    }

    /// A summary of an exact histogram at the usual percentiles, used only when an
    /// exact distribution must be merged with a summary.
    pub fn from_histogram(h: &ExactHistogram) -> PercentileSummary {
        let dist = LatencyDistribution::Exact(h.clone());
        let points = [
            1.0, 5.0, 10.0, 25.0, 50.0, 66.0, 75.0, 80.0, 90.0, 95.0, 98.0, 99.0, 99.9, 99.99,
        ]
        .iter()
        .filter_map(|&p| dist.percentile(p).map(|v| (p, v.value_ms)))
        .collect();
        PercentileSummary {
            sd_ms: None,
            count: h.len(),
            mean_ms: dist.mean_ms(),
            min_ms: dist.min_ms(),
            max_ms: dist.max_ms(),
            points,
            merged: false,
            co_corrected: false,
        }
    }

    /// The tool's value for exactly this percentile; after a merge, the mixture
    /// estimate (approximate). `None` where the summary does not cover `pct`.
    pub fn percentile(&self, pct: f64) -> Option<Percentile> {
        if self.count == 0 {
            return None;
        }
        if !self.merged {
            return self
                .points
                .iter()
                .find(|(p, _)| (p - pct).abs() < 1e-9)
                .map(|&(_, v)| Percentile {
                    value_ms: v,
                    method: PercentileMethod::ToolSummary,
                });
        }
        // A merged summary keeps points on a grid; answer only inside the grid.
        self.points
            .iter()
            .find(|(p, _)| (p - pct).abs() < 1e-9)
            .map(|&(_, v)| Percentile {
                value_ms: v,
                method: PercentileMethod::MergedApproximate,
            })
    }

    /// Merges another summary into this one: counts add, mean is count-weighted,
    /// min/max are exact, and percentiles are re-estimated from the count-weighted
    /// mixture of both quantile functions at every percentile either side knows.
    pub fn merge(&mut self, other: &PercentileSummary) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = other.clone();
            return;
        }
        self.co_corrected |= other.co_corrected;
        let n = (self.count + other.count) as f64;
        let mean = match (self.mean_ms, other.mean_ms) {
            (Some(a), Some(b)) => Some((a * self.count as f64 + b * other.count as f64) / n),
            _ => None,
        };
        let mut grid: Vec<f64> = self
            .points
            .iter()
            .chain(&other.points)
            .map(|p| p.0)
            .collect();
        grid.sort_by(f64::total_cmp);
        grid.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        let parts = [(self.count as f64, &*self), (other.count as f64, other)];
        let points = grid
            .iter()
            .filter_map(|&p| mixture_quantile(&parts, p).map(|v| (p, v)))
            .collect();
        self.count += other.count;
        self.mean_ms = mean;
        self.min_ms = min_opt(self.min_ms, other.min_ms);
        self.max_ms = max_opt(self.max_ms, other.max_ms);
        self.points = points;
        self.merged = true;
    }

    /// `parts` merged at once: as [`PercentileSummary::merge`] one by one, but each
    /// percentile estimated once, from the mixture of them all, not again from
    /// estimates at every step (a URL per id grouped into one endpoint is thousands of
    /// parts), and in one pass over the grid rather than one per part.
    pub fn merge_all(parts: &[&PercentileSummary]) -> PercentileSummary {
        let parts: Vec<&PercentileSummary> =
            parts.iter().copied().filter(|s| s.count > 0).collect();
        match parts.as_slice() {
            [] => return PercentileSummary::default(),
            [one] => return (*one).clone(),
            _ => {}
        }
        let n: u64 = parts.iter().map(|s| s.count).sum();
        let mean = (parts.iter())
            .map(|s| s.mean_ms.map(|m| m * s.count as f64))
            .sum::<Option<f64>>()
            .map(|sum| sum / n as f64);
        let mut grid: Vec<f64> = parts
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        grid.sort_by(f64::total_cmp);
        grid.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        let weighted: Vec<(f64, &PercentileSummary)> =
            parts.iter().map(|s| (s.count as f64, *s)).collect();
        PercentileSummary {
            sd_ms: None,
            count: n,
            mean_ms: mean,
            min_ms: parts.iter().map(|s| s.min_ms).reduce(min_opt).flatten(),
            max_ms: parts.iter().map(|s| s.max_ms).reduce(max_opt).flatten(),
            points: (grid.iter())
                .filter_map(|&p| mixture_quantile(&weighted, p).map(|v| (p, v)))
                .collect(),
            merged: true,
            co_corrected: parts.iter().any(|s| s.co_corrected),
        }
    }

    /// Fraction of values ≤ `x` ms under a piecewise-linear CDF through the points,
    /// anchored at (min, 0) and (max, 100) when known; without a min, linear from
    /// (0 ms, 0) to the lowest point. Taking nothing to lie below the lowest point (a
    /// wrk or Locust summary's p50) would put half its requests at that point, and the
    /// median of a mixture would then be the largest of the parts' medians: Locust's
    /// first one-second window (58 ms, before its workers warmed up) made a stage's
    /// p50 58 ms where every later window said 49–51 ms.
    fn cdf(&self, x: f64) -> f64 {
        let mut knots: Vec<(f64, f64)> = Vec::with_capacity(self.points.len() + 2);
        if let Some(min) = self.min_ms {
            knots.push((min, 0.0));
        }
        knots.extend(self.points.iter().map(|&(p, v)| (v, p)));
        if let Some(max) = self.max_ms {
            knots.push((max, 100.0));
        }
        knots.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let Some(first) = knots.first() else {
            return 0.0;
        };
        if x < first.0 {
            return if self.min_ms.is_none() && first.0 > 0.0 {
                first.1 / 100.0 * (x / first.0).max(0.0)
            } else {
                0.0
            };
        }
        let mut below = first.1;
        for w in knots.windows(2) {
            let ((x0, p0), (x1, p1)) = (w[0], w[1]);
            if x >= x1 {
                below = p1;
                continue;
            }
            if x >= x0 {
                let span = x1 - x0;
                return if span > 0.0 {
                    p0 + (p1 - p0) * (x - x0) / span
                } else {
                    p1
                } / 100.0;
            }
        }
        below / 100.0
    }
}

/// The `pct` quantile of a count-weighted mixture of summaries, by bisection on the
/// mixture CDF between the smallest and largest known values. A summary with no
/// percentile, min or max (a Locust history row of a few requests) says nothing of
/// where its values lie: it is left out, not taken to lie above everything (its CDF
/// would be 0 everywhere, and the mixture's p95 would come out at the max). One with
/// a min or max but no percentile gives `None` wherever it could move the figure.
fn mixture_quantile(parts: &[(f64, &PercentileSummary)], pct: f64) -> Option<f64> {
    let informed =
        |s: &PercentileSummary| !s.points.is_empty() || s.min_ms.is_some() || s.max_ms.is_some();
    let parts: Vec<(f64, &PercentileSummary)> =
        parts.iter().copied().filter(|(_, s)| informed(s)).collect();
    let parts = parts.as_slice();
    let values = parts
        .iter()
        .flat_map(|(_, s)| s.points.iter().map(|p| p.1).chain(s.min_ms).chain(s.max_ms));
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() || !hi.is_finite() {
        return None;
    }
    let total: f64 = parts.iter().map(|(w, _)| w).sum();
    let target = pct / 100.0;
    let quantile = |cdf: &dyn Fn(&PercentileSummary, f64) -> f64| {
        let mix = |x: f64| parts.iter().map(|(w, s)| w * cdf(s, x)).sum::<f64>() / total;
        let (mut lo, mut hi) = (lo, hi);
        for _ in 0..60 {
            let mid = (lo + hi) / 2.0;
            if mix(mid) >= target {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    };
    let estimate = quantile(&|s, x| s.cdf(x));
    if parts.iter().all(|(_, s)| !s.points.is_empty()) {
        return Some(estimate);
    }
    // A part with a min and max but no percentile (siege's shortest and longest
    // transaction) says where its values lie, not how: a straight CDF between them
    // would invent a shape (siege's 8 % of a run, spread evenly up to its 780 ms
    // longest, made a mixture's p95 311 ms where the other tool's was 118). The
    // estimate stands only if those values, all at their min or all at their max,
    // move it by at most 1 %.
    let at = |end: fn(&PercentileSummary) -> Option<f64>| {
        move |s: &PercentileSummary, x: f64| match (s.points.is_empty(), end(s)) {
            (true, Some(v)) => f64::from(u8::from(x >= v)),
            _ => s.cdf(x),
        }
    };
    let low = quantile(&at(|s| s.min_ms.or(s.max_ms)));
    let high = quantile(&at(|s| s.max_ms.or(s.min_ms)));
    (high - low <= 0.01 * high.abs().max(f64::MIN_POSITIVE)).then_some(estimate)
}

fn min_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rounding without `f64::round` gives what `f64::round` gives: halves, the float
    /// just below a half, whole values, sub-µs values, and values past `u64`.
    #[test]
    fn ms_to_us_rounds_as_f64_round() {
        let by_round = |ms: f64| {
            if !ms.is_finite() || ms <= 0.0 {
                0
            } else {
                (ms * 1000.0).round().max(1.0) as u64
            }
        };
        let mut cases = vec![
            0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            1e-9,
            0.0004,
            0.0005,
            0.0015,
            f64::from_bits(0.5f64.to_bits() - 1) * 1e-3,
            1.0,
            2.5e-3,
            1e15,
            9.007_199_254_740_993e12,
            1e17,
            1e30,
        ];
        let mut seed = 7u64;
        for _ in 0..100_000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mantissa = (seed >> 11) as f64 / (1u64 << 53) as f64;
            let exponent = ((seed >> 3) % 40) as i32 - 10;
            cases.push(mantissa * 10f64.powi(exponent));
            // Exact halves of a µs, and their neighbours.
            let half = (seed % 10_000_000) as f64 + 0.5;
            for us in [
                half,
                f64::from_bits(half.to_bits() - 1),
                f64::from_bits(half.to_bits() + 1),
            ] {
                cases.push(us / 1000.0);
            }
        }
        for ms in cases {
            assert_eq!(ms_to_us(ms), by_round(ms), "{ms:e} ms");
        }
    }

    #[test]
    fn nearest_rank_on_one_to_hundred() {
        let mut d = LatencyDistribution::new_exact();
        for ms in 1..=100 {
            d.record_ms(ms as f64);
        }
        // The ⌈p·n⌉-th of 1..=100 ms is p ms.
        for p in [1.0, 50.0, 90.0, 95.0, 99.0, 100.0] {
            let v = d.percentile(p).unwrap().value_ms;
            assert!((v - p).abs() <= p * 0.001 + 1e-9, "p{p} = {v}");
        }
        assert!(d.percentile(0.0).is_none());
        assert_eq!(d.count(), 100);
    }

    #[test]
    fn summary_percentiles_only_where_known() {
        let s = PercentileSummary {
            sd_ms: None,
            count: 10,
            mean_ms: Some(5.0),
            min_ms: Some(1.0),
            max_ms: Some(9.0),
            points: vec![(50.0, 5.0), (95.0, 9.0)],
            merged: false,
            co_corrected: false,
        };
        let d = LatencyDistribution::Summary(s);
        assert_eq!(
            d.percentile(95.0).unwrap().method,
            PercentileMethod::ToolSummary
        );
        assert!(d.percentile(99.0).is_none());
    }

    #[test]
    fn merging_identical_summaries_keeps_values_and_marks_them() {
        let s = PercentileSummary {
            sd_ms: None,
            count: 100,
            mean_ms: Some(50.0),
            min_ms: Some(1.0),
            max_ms: Some(100.0),
            points: vec![(50.0, 50.0), (90.0, 90.0)],
            merged: false,
            co_corrected: false,
        };
        let mut m = s.clone();
        m.merge(&s);
        assert_eq!(m.count, 200);
        let p = m.percentile(90.0).unwrap();
        assert_eq!(p.method, PercentileMethod::MergedApproximate);
        assert!((p.value_ms - 90.0).abs() < 0.01, "{p:?}");
    }

    #[test]
    fn summaries_that_say_nothing_of_their_values_leave_the_mixture_alone() {
        let known = PercentileSummary {
            count: 100,
            min_ms: Some(10.0),
            max_ms: Some(20.0),
            points: vec![(50.0, 15.0), (95.0, 19.5)],
            ..Default::default()
        };
        let blank = PercentileSummary {
            count: 100,
            mean_ms: Some(40.0),
            ..Default::default()
        };
        let merged = PercentileSummary::merge_all(&[&known, &blank]);
        assert_eq!(merged.count, 200);
        let p95 = merged.points.iter().find(|p| p.0 == 95.0).unwrap().1;
        assert!((p95 - 19.5).abs() < 1e-6, "{p95}");
        let mut pairwise = known.clone();
        pairwise.merge(&blank);
        assert_eq!(pairwise.points, merged.points);
    }

    #[test]
    fn a_part_with_only_min_and_max_gives_no_percentile_it_could_move() {
        let shaped = PercentileSummary {
            count: 2347,
            min_ms: Some(27.0),
            max_ms: Some(243.0),
            points: vec![(50.0, 72.7), (95.0, 118.0), (99.0, 155.0)],
            ..Default::default()
        };
        let span = |count, min, max| PercentileSummary {
            count,
            min_ms: Some(min),
            max_ms: Some(max),
            ..Default::default()
        };
        // 213 of 2,560 anywhere in 0–780 ms: the p95 (rank 2,432) lies between
        // shaped's p94.5 (all of them at 0) and 780 ms (all at 780, past shaped's
        // 2,347): no single figure.
        let merged = PercentileSummary::merge_all(&[&shaped, &span(213, 0.0, 780.0)]);
        assert!(merged.percentile(95.0).is_none(), "{:?}", merged.points);
        assert_eq!(merged.max_ms, Some(780.0));
        // One request among 2,348 inside the shaped part's range cannot move its p50
        // by 1 %: the estimate stands.
        let merged = PercentileSummary::merge_all(&[&shaped, &span(1, 70.0, 75.0)]);
        let p50 = merged.percentile(50.0).unwrap().value_ms;
        assert!((p50 - 72.7).abs() < 0.7, "{p50}");
    }
}
