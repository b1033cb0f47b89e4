//! Load points from a continuous ramp (Locust shapes, k6 ramping stages): when a run
//! has no stepped stages, its per-interval series is binned by the concurrency the
//! users series shows, not by wall time (anchors D5). A bin needs at least
//! [`MIN_BIN_INTERVALS`] intervals and [`MIN_BIN_REQUESTS`] requests; bins only split
//! where the users level changes, so one level never straddles two bins.
//!
//! Only a series that really ramps is binned: at least [`MIN_LEVELS`] bins, and no
//! single users level holding more than [`MAX_LEVEL_SHARE`] of the time. A single
//! stage reached by a short ramp-up is one load level, not a ramp: its ramp-up's few
//! requests would otherwise pose as low-load measurements.

use hdrhistogram::Histogram;

use super::load_points::LoadPoint;
use crate::model::Stage;

/// Fewest intervals in a bin.
pub const MIN_BIN_INTERVALS: usize = 3;
/// Fewest requests in a bin.
pub const MIN_BIN_REQUESTS: u64 = 100;
/// Most bins a ramp is cut into.
pub const MAX_BINS: usize = 12;
/// Fewest distinct users levels, and fewest bins, for a ramp to be binned at all.
pub const MIN_LEVELS: usize = 4;
/// Most of the series' time one users level may hold for the series to count as a
/// ramp; above it the run is one stage with a ramp-up.
pub const MAX_LEVEL_SHARE: f64 = 0.5;

/// One interval of the ramp with its users level.
struct Sample<'a> {
    users: f64,
    width_s: f64,
    iv: &'a crate::model::Interval,
}

/// Load points from `overall`'s series (ramps included), binned by users; empty when
/// the series has no users, too few levels or bins, or one level dominates.
pub fn ramp_points(overall: &Stage, watch_pct: f64) -> Vec<LoadPoint> {
    let series = &overall.timeline;
    let width_s = series.width_ms as f64 / 1000.0;
    let mut samples: Vec<Sample> = series
        .intervals
        .iter()
        .filter_map(|iv| {
            let users = iv.users.filter(|u| *u > 0.0)?;
            (iv.requests > 0).then_some(Sample { users, width_s, iv })
        })
        .collect();
    samples.sort_by(|a, b| a.users.total_cmp(&b.users));
    let mut levels: Vec<f64> = samples.iter().map(|s| s.users).collect();
    levels.dedup();
    if levels.len() < MIN_LEVELS || dominant_share(&samples) > MAX_LEVEL_SHARE {
        return Vec::new();
    }
    let target = (samples.len() / MAX_BINS).max(MIN_BIN_INTERVALS);
    let mut bins: Vec<Vec<Sample>> = Vec::new();
    let mut current: Vec<Sample> = Vec::new();
    for s in samples {
        let full = current.len() >= target
            && current.iter().map(|c| c.iv.requests).sum::<u64>() >= MIN_BIN_REQUESTS;
        if full && current.last().is_some_and(|c| c.users != s.users) {
            bins.push(std::mem::take(&mut current));
        }
        current.push(s);
    }
    // A short last bin (too few intervals or requests) joins the one before it.
    let short = current.len() < MIN_BIN_INTERVALS
        || current.iter().map(|c| c.iv.requests).sum::<u64>() < MIN_BIN_REQUESTS;
    match bins.last_mut() {
        Some(prev) if short => prev.extend(current),
        _ if !current.is_empty() => bins.push(current),
        _ => {}
    }
    if bins.len() < MIN_LEVELS {
        return Vec::new();
    }
    bins.iter()
        .filter_map(|bin| bin_point(bin, watch_pct))
        .collect()
}

/// The share of the series' time spent at its most common users level (`samples`
/// sorted by users).
fn dominant_share(samples: &[Sample]) -> f64 {
    let total: f64 = samples.iter().map(|s| s.width_s).sum();
    let longest = samples
        .chunk_by(|a, b| a.users == b.users)
        .map(|run| run.iter().map(|s| s.width_s).sum::<f64>())
        .fold(0.0, f64::max);
    if total > 0.0 {
        longest / total
    } else {
        1.0
    }
}

fn bin_point(bin: &[Sample], watch_pct: f64) -> Option<LoadPoint> {
    let duration: f64 = bin.iter().map(|s| s.width_s).sum();
    let requests: u64 = bin.iter().map(|s| s.iv.requests).sum();
    let failures: u64 = bin.iter().map(|s| s.iv.failures).sum();
    if duration <= 0.0 || requests == 0 {
        return None;
    }
    let users = bin.iter().map(|s| s.users * s.width_s).sum::<f64>() / duration;
    let latency_sum: f64 = bin.iter().map(|s| s.iv.latency_sum_ms).sum();
    let mut hist: Option<Histogram<u32>> = None;
    for s in bin {
        if let Some(h) = &s.iv.histogram {
            match hist.as_mut() {
                Some(acc) => h.add_into(acc),
                None => hist = Some(h.to_histogram()),
            }
        }
    }
    // Interval histograms keep 2 significant digits (µs); tool-reported interval
    // percentiles are never averaged into a bin's.
    let q = |pct: f64| {
        hist.as_ref()
            .filter(|h| !h.is_empty())
            .map(|h| h.value_at_quantile(pct / 100.0) as f64 / 1000.0)
    };
    let (lo, hi) = (
        bin.first().map(|s| s.users).unwrap_or(users),
        bin.last().map(|s| s.users).unwrap_or(users),
    );
    Some(LoadPoint {
        stage: format!("ramp {}–{} users", lo.round(), hi.round()),
        users,
        arrival_rate_rps: None,
        throughput_rps: requests as f64 / duration,
        goodput_rps: requests.saturating_sub(failures) as f64 / duration,
        mean_ms: (latency_sum > 0.0).then(|| latency_sum / requests as f64),
        p95_ms: q(95.0),
        error_rate: failures as f64 / requests as f64,
        latency_method: hist
            .as_ref()
            .filter(|h| !h.is_empty())
            .map(|_| crate::model::PercentileMethod::NearestRank),
        requests,
        failures,
        watched_ms: q(watch_pct),
        watched_bounds: None,
        watched_censored: false,
    })
}
