//! Load points: one per stage, the (load, throughput, goodput, latency, errors) tuple
//! every capacity method works on, sorted by load.
//!
//! The load N is the stage's users for a closed model; for an open-model stage
//! (`arrival_rate_rps`) it is the measured concurrency X·R (Little's law), with X the
//! throughput and R the mean latency. Capacity is measured in goodput (successful
//! responses per second): fast 503/429 answers raise raw throughput while a service is
//! saturated and must never count as capacity. A stage whose every request was refused
//! a connection ([`unreachable_stages`]) is no load point: the target was not
//! listening, so it measured neither capacity nor a breaking point. Nor is an
//! open-model stage that did not keep its planned rate ([`rate_not_kept`]): what it
//! achieved is the generator's limit or the target's, not a load it was driven at.
//! Nor is a stage that lasted under a second ([`too_short`]): a burst (`hey -n 200`
//! of `/health`, done in 20 ms) sustained no load, and its requests ÷ its few
//! milliseconds is no throughput the target could hold. Nor is a warm-up stage beside
//! stages with a load ([`warm_up_left_out`]): a service warming up is at no steady state.

use serde::Serialize;

use crate::analysis::metrics::ScopeMetrics;
use crate::model::{FailureKind, LatencyDistribution, PercentileMethod, Stage};

/// One stage as a point on the load curve.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LoadPoint {
    /// Stage name.
    pub stage: String,
    /// Load N: users (closed model), or measured concurrency X·R (open model).
    pub users: f64,
    /// The open-model stage's arrival rate (then `users` is X·R); null for closed.
    pub arrival_rate_rps: Option<f64>,
    /// Requests ÷ duration.
    pub throughput_rps: f64,
    /// Successful requests ÷ duration.
    pub goodput_rps: f64,
    /// Mean latency, ms.
    pub mean_ms: Option<f64>,
    /// 95th-percentile latency, ms.
    pub p95_ms: Option<f64>,
    /// Failures ÷ requests.
    pub error_rate: f64,
    /// How `p95_ms` (and the watched percentile) was obtained: `merged_approximate`
    /// marks an estimate from merged summaries; null without percentiles.
    pub latency_method: Option<PercentileMethod>,
    /// Requests in the steady window.
    #[serde(skip)]
    pub requests: u64,
    /// Failed requests.
    #[serde(skip)]
    pub failures: u64,
    /// Latency at the percentile the latency criterion watches, ms, over all the
    /// requests (null when only bounded: see `watched_bounds`).
    #[serde(skip)]
    pub watched_ms: Option<f64>,
    /// Where the tool does not print the watched percentile (wrk: p90 and p99, no
    /// p95), the bounds `[at least, at most]` ms the printed ones put on it; and where
    /// its latency leaves timed-out requests out, the bounds over all the requests
    /// (at least the largest measured latency when the rank falls among the timed-out
    /// ones); null otherwise.
    #[serde(skip)]
    pub watched_bounds: Option<[Option<f64>; 2]>,
    /// True when the tool's latency leaves timed-out requests out, so the watched
    /// percentile is taken over all the requests (`watched_ms` or `watched_bounds`),
    /// not as printed.
    #[serde(skip)]
    pub watched_censored: bool,
}

impl LoadPoint {
    /// True for a closed-model stage (users configured, not derived).
    pub fn closed(&self) -> bool {
        self.arrival_rate_rps.is_none()
    }

    /// A stage as a load point, with the latency at `watch_pct` kept for the latency
    /// criterion. `None` when the stage has no requests, no duration, or no load.
    pub fn of_stage(stage: &Stage, watch_pct: f64) -> Option<LoadPoint> {
        let m = ScopeMetrics::of_stage(stage);
        if refused_throughout(&m) {
            return None;
        }
        if m.duration_s.is_some_and(|d| d < MIN_SUSTAINED_S) {
            // See [`too_short`].
            return None;
        }
        let throughput = m.throughput_rps()?;
        let goodput = m.goodput_rps()?;
        let error_rate = m.error_rate()?;
        let mean_ms = m.latency.mean_ms();
        let (users, arrival_rate_rps) = match (stage.users, stage.arrival_rate_rps) {
            (Some(u), _) if u > 0 => (f64::from(u), None),
            // Little's law: concurrency = throughput × mean time in the system.
            (_, Some(rate)) => (throughput * mean_ms? / 1000.0, Some(rate)),
            _ => return None,
        };
        if arrival_rate_rps.is_some() && unresolved(users, &m) {
            // Unresolved: see [`unresolved_open_load`].
            return None;
        }
        if arrival_rate_rps.is_some_and(|r| !kept(r, throughput)) {
            // See [`rate_not_kept`].
            return None;
        }
        if !(users > 0.0 && users.is_finite()) {
            return None;
        }
        let (watched_ms, watched_bounds, watched_censored) = watched(&m, watch_pct);
        Some(LoadPoint {
            stage: stage.name.clone(),
            users,
            arrival_rate_rps,
            throughput_rps: throughput,
            goodput_rps: goodput,
            mean_ms,
            p95_ms: m.percentile(95.0).map(|p| p.value_ms),
            error_rate,
            latency_method: (m.percentile(95.0).or_else(|| m.percentile(watch_pct)))
                .map(|p| p.method),
            requests: m.requests,
            failures: m.failures,
            watched_ms,
            watched_bounds,
            watched_censored,
        })
    }
}

/// The latency at `pct` over all of `m`'s requests, as the SLA judges it: the value
/// when known, else the bounds `[at least, at most]` the data puts on it. A tool that
/// leaves timed-out requests out of its latency (wrk, hey, autocannon) prints
/// percentiles of the answers in time only; over all the requests the percentile sits
/// at a higher rank, or among the timed-out ones (at least the largest measured
/// latency), so the printed figure is no value of it (`censored.rs`). A merged
/// summary's figures are estimates and stay as printed, as in the stage tables.
/// The flag: taken over all the requests so.
type Watched = (Option<f64>, Option<[Option<f64>; 2]>, bool);
fn watched(m: &ScopeMetrics, pct: f64) -> Watched {
    let merged = matches!(&m.latency, LatencyDistribution::Summary(s) if s.merged);
    if m.timeouts_left_out() > 0 && !merged {
        return match crate::analysis::sla::over_all_requests(m, pct) {
            [Some(lo), Some(hi)] if lo == hi => (Some(lo), None, true),
            [None, None] => (None, None, true),
            bounds => (None, Some(bounds), true),
        };
    }
    (
        m.percentile(pct).map(|p| p.value_ms),
        crate::analysis::sla::percentile_bounds(m, pct),
        false,
    )
}

/// The smallest measured concurrency X·R an open-model stage's load is taken at when
/// its latencies are a tool's summary: below it the mean latency it rests on is about
/// 0 ms, under the resolution of a tool that rounds to whole milliseconds (Artillery,
/// Locust), so the load in users is unknown, not 0.
pub const MIN_OPEN_CONCURRENCY: f64 = 0.05;

/// True when an open-model stage's measured concurrency `n` (X·R) is no figure: under
/// [`MIN_OPEN_CONCURRENCY`] and resting on a tool's percentile summary (whole
/// milliseconds), not on exact latencies (which resolve a 0.025-user load).
fn unresolved(n: f64, m: &ScopeMetrics) -> bool {
    n < MIN_OPEN_CONCURRENCY && !m.latency.is_exact()
}

/// Why the open-model stages whose measured concurrency X·R is under
/// [`MIN_OPEN_CONCURRENCY`] are no load points (their load in users is unknown), or
/// `None` when there are none.
pub fn unresolved_open_load(stages: &[Stage]) -> Option<String> {
    let named: Vec<String> = stages
        .iter()
        .filter(|s| !matches!(s.users, Some(u) if u > 0))
        .filter_map(|s| {
            let rate = s.arrival_rate_rps?;
            let m = ScopeMetrics::of_stage(s);
            let x = m.throughput_rps()?;
            let n = x * m.latency.mean_ms()? / 1000.0;
            (n.is_finite() && unresolved(n, &m)).then(|| {
                format!(
                    "{} ({} req/s offered, mean latency {:.2} ms: X·R ≈ {n:.3} users)",
                    crate::analysis::words::ticked(&s.name),
                    crate::analysis::quantity::format_count(rate),
                    m.latency.mean_ms().unwrap_or(0.0)
                )
            })
        })
        .collect();
    (!named.is_empty()).then(|| {
        format!(
            "stage(s) {} set arrival rates, and the concurrency X·R they measured (their load \
             in users) is under {MIN_OPEN_CONCURRENCY}, from the tool's summary of its \
             latencies (whole milliseconds, as Artillery and Locust keep them), which does \
             not resolve X·R that small: their load in users is unknown (not 0), and \
             capacity is not assessed in users from them; their arrival rates are the \
             load they offered",
            named.join(", ")
        )
    })
}

/// A stage shorter than this, seconds, sustained no load (see [`too_short`]).
pub const MIN_SUSTAINED_S: f64 = 1.0;

/// Why the stages with requests that lasted under [`MIN_SUSTAINED_S`] are no load
/// points, or `None` when there are none.
pub fn too_short(stages: &[Stage]) -> Option<String> {
    let named: Vec<String> = (stages.iter())
        .filter_map(|s| {
            let m = ScopeMetrics::of_stage(s);
            let d = m
                .duration_s
                .filter(|d| *d < MIN_SUSTAINED_S && m.requests > 0)?;
            Some(format!(
                "{} ({} requests in {} ms)",
                crate::analysis::words::ticked(&s.name),
                crate::analysis::quantity::format_count(m.requests as f64),
                crate::analysis::quantity::format_count((d * 1000.0).round())
            ))
        })
        .collect();
    (!named.is_empty()).then(|| {
        format!(
            "stage(s) {} lasted under a second: a burst sustains no load, so their \
             requests ÷ duration is no throughput the target could hold and they are no \
             load points",
            named.join(", ")
        )
    })
}

/// True when a stage planned at `rate` req/s achieved `throughput` within the audit's
/// tolerance below it.
fn kept(rate: f64, throughput: f64) -> bool {
    throughput >= (1.0 - crate::analysis::audit::TOLERANCE) * rate
}

/// Why the open-model stages that achieved far less than their planned arrival rate
/// are no load points, or `None` when there are none: a rate-driven run that could not
/// keep its rate was capped by its generator (too few connections or workers for the
/// latency) or by the target, and which one its figures do not tell, so its throughput
/// is no capacity figure.
pub fn rate_not_kept(stages: &[Stage]) -> Option<String> {
    let named: Vec<String> = (stages.iter())
        .filter(|s| !matches!(s.users, Some(u) if u > 0))
        .filter_map(|s| {
            let rate = s.arrival_rate_rps.filter(|r| *r > 0.0)?;
            let x = ScopeMetrics::of_stage(s).throughput_rps()?;
            (!kept(rate, x)).then(|| {
                format!(
                    "{} (planned {} req/s, achieved {} req/s: {:.0}%)",
                    crate::analysis::words::ticked(&s.name),
                    crate::analysis::quantity::format_count(rate),
                    crate::analysis::quantity::format_count(x),
                    100.0 * x / rate
                )
            })
        })
        .collect();
    (!named.is_empty()).then(|| {
        format!(
            "stage(s) {} did not keep their planned arrival rate: the generator could not \
             send it (too few connections or workers for the latency, or a saturated \
             generator) or the target could not take it, and the figures do not tell which, \
             so their throughput is no capacity figure and they are no load points; re-run \
             them with more connections (or workers) to see whether the target keeps up",
            named.join(", ")
        )
    })
}

/// True when every request of the scope failed to connect (refused, unreachable):
/// nothing answered at all.
fn refused_throughout(m: &ScopeMetrics) -> bool {
    m.requests > 0 && m.failures_by_kind.get(&FailureKind::Connect) == Some(&m.requests)
}

/// The stages whose every request failed to connect: the target was not listening
/// (stopped, or not started yet), so they are no load level (see [`LoadPoint::of_stage`]).
pub fn unreachable_stages(stages: &[Stage]) -> Vec<String> {
    stages
        .iter()
        .filter(|s| refused_throughout(&ScopeMetrics::of_stage(s)))
        .map(|s| s.name.clone())
        .collect()
}

/// The load points of `stages`, sorted by load (stable: equal loads keep stage order).
pub fn load_points(stages: &[Stage], watch_pct: f64) -> Vec<LoadPoint> {
    load_points_of(stages.iter(), watch_pct)
}

/// The load points of some stages, sorted by load, like [`load_points`]. A warm-up
/// stage beside stages with a load is none ([`warm_up_left_out`]).
pub fn load_points_of<'s>(
    stages: impl Iterator<Item = &'s Stage>,
    watch_pct: f64,
) -> Vec<LoadPoint> {
    let mut points: Vec<LoadPoint> = stages
        .filter_map(|s| LoadPoint::of_stage(s, watch_pct))
        .collect();
    if points.iter().any(|p| !warms_up(&p.stage)) {
        points.retain(|p| !warms_up(&p.stage));
    }
    points.sort_by(|a, b| a.users.total_cmp(&b.users));
    points
}

/// True when a stage's name says it warmed the service up (`00-warmup`, `Warm Up`,
/// `warm_up`), whatever its case and separators.
pub fn warms_up(stage: &str) -> bool {
    name_says(stage, &["warmup"])
}

/// True when a stage's name, its letters and digits lower-cased and run together,
/// holds one of `words` (`Warm Up` holds `warmup`).
pub fn name_says(stage: &str, words: &[&str]) -> bool {
    let joined: String = (stage.chars())
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    words.iter().any(|w| joined.contains(w))
}

/// Why the warm-up stages are no load points, or `None` when there are none or no
/// other stage has a load: a service warming up (cold caches, a JIT compiling, pools
/// filling) is at no steady state, so its goodput and latency are no point of its load
/// curve, and as the lowest load it would set the low-load latency the default latency
/// criterion doubles. Alone, a warm-up stage is what the run measured and stays.
pub fn warm_up_left_out(stages: &[Stage], watch_pct: f64) -> Option<String> {
    let (warm, other): (Vec<&Stage>, Vec<&Stage>) = (stages.iter())
        .filter(|s| LoadPoint::of_stage(s, watch_pct).is_some())
        .partition(|s| warms_up(&s.name));
    if warm.is_empty() || other.is_empty() {
        return None;
    }
    let named: Vec<String> = (warm.iter())
        .map(|s| crate::analysis::words::ticked(&s.name))
        .collect();
    Some(format!(
        "stage(s) {} warmed the service up (so their names say): a service warming up \
         (cold caches, a JIT compiling, pools filling) is at no steady state, so they are \
         no load points; they stay in the stage tables and the SLA",
        named.join(", ")
    ))
}

/// True when `points` hold two load levels or more: several stages at one level (a
/// rerun, a stage measured twice) are one level, and give no capacity estimate.
pub fn several_levels(points: &[LoadPoint]) -> bool {
    points.iter().any(|p| p.users != points[0].users)
}

/// Goodput at load `n`, linearly interpolated between the measured points (clamped to
/// the measured range).
pub fn goodput_at(points: &[LoadPoint], n: f64) -> Option<f64> {
    interpolate(points, n, |p| Some(p.goodput_rps))
}

/// Mean latency (ms) at load `n`, interpolated like [`goodput_at`].
pub fn mean_ms_at(points: &[LoadPoint], n: f64) -> Option<f64> {
    interpolate(points, n, |p| p.mean_ms)
}

fn interpolate(points: &[LoadPoint], n: f64, f: impl Fn(&LoadPoint) -> Option<f64>) -> Option<f64> {
    let known: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| f(p).map(|v| (p.users, v)))
        .collect();
    let (first, last) = (known.first()?, known.last()?);
    if n <= first.0 {
        return Some(first.1);
    }
    if n >= last.0 {
        return Some(last.1);
    }
    known.windows(2).find_map(|w| {
        let ((n0, v0), (n1, v1)) = (w[0], w[1]);
        (n >= n0 && n <= n1).then(|| {
            if n1 > n0 {
                v0 + (v1 - v0) * (n - n0) / (n1 - n0)
            } else {
                v1
            }
        })
    })
}
