//! The statistics behind SLA judgements: the Wilson interval of a proportion, the
//! order-statistic interval of a percentile, and Apdex counts from a histogram.
//!
//! Each is written down with its method here, where the choice is made:
//! - **Wilson score interval** (Wilson 1927) for error rates, availabilities and
//!   status shares: it stays inside [0, 1] and is useful at 0 events, where the
//!   high end is z² ÷ (n + z²) ≈ 3.84 ÷ n.
//! - **Order-statistic interval** for a percentile (distribution-free; Conover,
//!   *Practical Nonparametric Statistics*, §3.2): the ranks n·p ∓ z·√(n·p·(1 − p))
//!   (rounded outwards, clamped to 1..n) bracket the true p-quantile with ≈ 95 %
//!   confidence; the interval is the values at those ranks. The normal approximation
//!   is sound where the rule is judged at all, because the 10 ÷ (1 − p) sample floor
//!   gives n·(1 − p) ≥ 10.
//! - **Apdex** (apdex.org): (satisfied + tolerating ÷ 2) ÷ requests, where a success
//!   within T is satisfied, one within F tolerating, and everything else — slower
//!   successes, every failure, requests without a measured time — frustrated. A
//!   histogram bucket counts as within a threshold when its middle value is, i.e. to
//!   the histogram's precision (3 digits for a scope, 2 for an interval).

use hdrhistogram::{Counter, Histogram};

use crate::analysis::metrics::ScopeMetrics;
use crate::model::LatencyDistribution;

/// z for a two-sided 95 % interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `k` events in `n` trials at `z` (use [`Z_95`]), as
/// fractions `[low, high]`; `None` without trials.
pub fn wilson_interval(k: u64, n: u64, z: f64) -> Option<[f64; 2]> {
    if n == 0 || k > n {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At k = 0 (k = n) the low (high) end is exactly 0 (1); say so rather than
    // report rounding noise.
    let low = if k == 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if k == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some([low, high])
}

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

/// Apdex from the latency zones of *every* request with a time (`zones`), when
/// `failures` of `requests` failed but the histogram does not say which. Requests
/// without a time are taken to be failures (transport errors), so only the rest of
/// the failures sit in the histogram; each is moved to frustrated, from the slowest
/// zone first (`high`) or from the fastest first (`low`).
pub fn apdex_with_unplaced_failures(zones: [u64; 3], requests: u64, failures: u64) -> ApdexRange {
    let timed: u64 = zones.iter().sum();
    let untimed = requests.saturating_sub(timed);
    let in_hist = failures.saturating_sub(untimed).min(timed);
    let score = |order: [usize; 3]| {
        let mut z = zones;
        let mut left = in_hist;
        for i in order {
            let take = left.min(z[i]);
            z[i] -= take;
            left -= take;
        }
        (z[0] as f64 + z[1] as f64 / 2.0) / requests as f64
    };
    // Removing a failure from the frustrated zone leaves the score as it is; from
    // the satisfied zone it costs a whole point.
    ApdexRange {
        high: score([2, 1, 0]),
        low: score([0, 1, 2]),
    }
}

/// Apdex of a scope: exact from the successes' histogram when the source tells
/// successes apart, else the range [`apdex_with_unplaced_failures`] gives. `Err`
/// says why it cannot be computed.
pub fn scope_apdex(m: &ScopeMetrics, t_ms: f64, f_ms: f64) -> Result<ApdexRange, String> {
    if m.requests == 0 {
        return Err("no requests in this scope".to_string());
    }
    if let Some(ok) = m
        .ok_latency
        .as_ref()
        .and_then(LatencyDistribution::histogram)
    {
        let [s, t, _] = apdex_zones(ok, t_ms, f_ms);
        let score = (s as f64 + t as f64 / 2.0) / m.requests as f64;
        return Ok(ApdexRange {
            high: score,
            low: score,
        });
    }
    match m.latency.histogram() {
        Some(h) => Ok(apdex_with_unplaced_failures(
            apdex_zones(h, t_ms, f_ms),
            m.requests,
            m.failures,
        )),
        None => Err(
            "apdex needs every latency (a histogram); the source has only the tool's summary"
                .to_string(),
        ),
    }
}
