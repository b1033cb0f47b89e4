//! The statistics behind SLA judgements: the Wilson interval of a proportion, the
//! order-statistic interval of a percentile, and Apdex counts from a histogram.
//!
//! Each is written down with its method here, where the choice is made:
//! - **Wilson score interval** (Wilson 1927) for error rates, availabilities and
//!   status shares: it stays inside [0, 1] and is useful at 0 events, where the
//!   high end is z² ÷ (n + z²) ≈ 3.84 ÷ n. Its code is `model::proportion`, which
//!   the ingest's checks of a tool's side files share.
//! - **Order-statistic interval** for a percentile (distribution-free; Conover,
//!   *Practical Nonparametric Statistics*, §3.2): the ranks n·p ∓ z·√(n·p·(1 − p))
//!   (rounded outwards, clamped to 1..n) bracket the true p-quantile with ≈ 95 %
//!   confidence; the interval is the values at those ranks. The normal approximation
//!   is sound where the rule is judged at all, because the 10 ÷ (1 − p) sample floor
//!   gives n·(1 − p) ≥ 10.
//! - **Apdex** (apdex.org): (satisfied + tolerating ÷ 2) ÷ samples, where a success
//!   within T is satisfied, one within F tolerating, and a slower success or any
//!   failure frustrated. The samples are the requests whose latency was measured plus
//!   the failures without one (transport errors): a success without a measured time
//!   (wrk2's calibration period, which it leaves out of its histogram) is unknown, not
//!   frustrated, and is left out — as the percentiles leave it out — and the
//!   evaluation's note says how many were. A histogram bucket counts as within a
//!   threshold when its middle value is, i.e. to the histogram's precision (3 digits
//!   for a scope, 2 for an interval).

use hdrhistogram::{Counter, Histogram};

use crate::analysis::metrics::ScopeMetrics;
use crate::model::LatencyDistribution;

pub use crate::model::proportion::{wilson_interval, Z_95};

/// The 1-based ranks `[low, high]` of the ≈ 95 % order-statistic interval of the
/// `pct` percentile among `n` values (see the module documentation).
pub fn order_statistic_ranks(n: u64, pct: f64, z: f64) -> Option<[u64; 2]> {
    if n == 0 || !(pct > 0.0 && pct < 100.0) {
        return None;
    }
    let p = pct / 100.0;
    let centre = n as f64 * p;
    let half = z * (n as f64 * p * (1.0 - p)).sqrt();
    let low = ((centre - half).floor() as u64).clamp(1, n);
    let high = ((centre + half).ceil() as u64).clamp(1, n);
    Some([low, high])
}

/// The order-statistic interval of the `pct` percentile of a histogram (µs), in ms.
pub fn percentile_interval_ms<T: Counter>(h: &Histogram<T>, pct: f64) -> Option<[f64; 2]> {
    let [lo, hi] = order_statistic_ranks(h.len(), pct, Z_95)?;
    Some([value_at_rank_ms(h, lo)?, value_at_rank_ms(h, hi)?])
}

/// The `rank`-th smallest value (1-based) of a µs histogram, in ms, as the highest
/// value of its bucket (the convention of every percentile in the model).
pub fn value_at_rank_ms<T: Counter>(h: &Histogram<T>, rank: u64) -> Option<f64> {
    if rank == 0 || rank > h.len() {
        return None;
    }
    let mut seen = 0u64;
    for v in h.iter_recorded() {
        seen += v.count_at_value().as_u64();
        if seen >= rank {
            return Some(h.highest_equivalent(v.value_iterated_to()) as f64 / 1000.0);
        }
    }
    None
}

/// The nearest-rank `pct` percentile of a µs histogram, in ms.
pub fn nearest_rank_ms<T: Counter>(h: &Histogram<T>, pct: f64) -> Option<f64> {
    let n = h.len();
    if n == 0 {
        return None;
    }
    // ⌈p·n⌉ with a small tolerance, as `model::latency` does.
    let rank = ((pct * n as f64 / 100.0 - 1e-9).ceil() as u64).clamp(1, n);
    value_at_rank_ms(h, rank)
}

/// Latencies of a µs histogram within T, within (T, F], and above F.
pub fn apdex_zones<T: Counter>(h: &Histogram<T>, t_ms: f64, f_ms: f64) -> [u64; 3] {
    let (t_us, f_us) = (t_ms * 1000.0, f_ms * 1000.0);
    let mut zones = [0u64; 3];
    for v in h.iter_recorded() {
        let mid = h.median_equivalent(v.value_iterated_to()) as f64;
        let zone = if mid <= t_us {
            0
        } else if mid <= f_us {
            1
        } else {
            2
        };
        zones[zone] += v.count_at_value().as_u64();
    }
    zones
}

/// An Apdex score, or the range it lies in when the data does not say which
/// latencies belong to failed requests.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ApdexRange {
    /// The score if the failures were the slowest requests (the highest it can be).
    pub high: f64,
    /// The score if the failures were the fastest requests (the lowest it can be).
    pub low: f64,
}

/// Apdex from the latency zones of every request with a measured time (`zones`), when
/// `failures` of `requests` failed but the histogram does not say which; `None` when
/// nothing can be counted (no measured latency and no failure).
///
/// The samples are the measured requests plus the failures outside the histogram. When
/// there are no more unmeasured requests than failures, the unmeasured ones are the
/// failures (transport errors have no time) and only the rest of the failures sit in
/// the histogram. When there are more, some successes went unmeasured (they are left
/// out) and each failure may be measured or not. The failures in the histogram move to
/// frustrated, from the slowest zone first (`high`) or the fastest first (`low`); both
/// ends are taken over every possible number of them.
pub fn apdex_with_unplaced_failures(
    zones: [u64; 3],
    requests: u64,
    failures: u64,
) -> Option<ApdexRange> {
    let timed: u64 = zones.iter().sum();
    let untimed = requests.saturating_sub(timed);
    let failures = failures.min(requests);
    // How many failures can be inside the histogram.
    let least = failures.saturating_sub(untimed).min(timed);
    let most = if untimed > failures {
        failures.min(timed)
    } else {
        least
    };
    let score = |in_hist: u64, order: [usize; 3]| {
        let samples = timed + (failures - in_hist);
        if samples == 0 {
            return None;
        }
        let mut z = zones;
        let mut left = in_hist;
        for i in order {
            let take = left.min(z[i]);
            z[i] -= take;
            left -= take;
        }
        Some((z[0] as f64 + z[1] as f64 / 2.0) / samples as f64)
    };
    // On each stretch where the failures come out of one zone the score is a ratio of
    // linear functions, so monotone: its extremes lie at the stretches' ends.
    let [s, t, f] = zones;
    let candidates = [least, most, f, f + t, s, s + t].map(|c| c.clamp(least, most));
    let (slow_first, fast_first) = ([2, 1, 0], [0, 1, 2]);
    let high = candidates
        .iter()
        .filter_map(|&c| score(c, slow_first))
        .fold(None, |best: Option<f64>, v| {
            Some(best.map_or(v, |b| b.max(v)))
        })?;
    let low = candidates
        .iter()
        .filter_map(|&c| score(c, fast_first))
        .fold(None, |best: Option<f64>, v| {
            Some(best.map_or(v, |b| b.min(v)))
        })?;
    Some(ApdexRange { high, low })
}

/// Requests of a scope that neither failed nor have a measured latency: a tool left
/// their times out (wrk2's calibration period). Apdex and the latency figures cover
/// the others.
pub fn unmeasured_successes(m: &ScopeMetrics) -> u64 {
    let measured = match m
        .ok_latency
        .as_ref()
        .and_then(LatencyDistribution::histogram)
    {
        // Successes with a time (every failure counts, measured or not).
        Some(ok) => ok.len(),
        // Every request with a time, failed or not: so at least this many are missing.
        None => m.latency.count(),
    };
    m.requests.saturating_sub(measured + m.failures)
}

/// Apdex of a scope: exact from the successes' histogram when the source tells
/// successes apart, else the range [`apdex_with_unplaced_failures`] gives. `Err`
/// says why it cannot be computed.
pub fn scope_apdex(m: &ScopeMetrics, t_ms: f64, f_ms: f64) -> Result<ApdexRange, String> {
    if m.requests == 0 {
        return Err("no requests in this scope".to_string());
    }
    let nothing = || "no request has a measured latency and none failed".to_string();
    if let Some(ok) = m
        .ok_latency
        .as_ref()
        .and_then(LatencyDistribution::histogram)
    {
        // Every success with a time, and every failure (frustrated).
        let [s, t, _] = apdex_zones(&ok, t_ms, f_ms);
        let samples = ok.len() + m.failures;
        if samples == 0 {
            return Err(nothing());
        }
        let score = (s as f64 + t as f64 / 2.0) / samples as f64;
        return Ok(ApdexRange {
            high: score,
            low: score,
        });
    }
    match m.latency.histogram() {
        Some(h) => {
            apdex_with_unplaced_failures(apdex_zones(&h, t_ms, f_ms), m.requests, m.failures)
                .ok_or_else(nothing)
        }
        None => Err(
            "apdex needs every latency (a histogram); the source has only the tool's summary"
                .to_string(),
        ),
    }
}
