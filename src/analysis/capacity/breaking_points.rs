//! Breaking points, one per criterion, each an interpolated estimate of the load
//! with the measured bracket `[lo, hi]` of load levels around it (anchors D5):
//! - **latency**: the watched percentile crosses its limit (the SLA's, else 2× its
//!   low-load value);
//! - **error rate**: the Wilson 95 % lower bound of a stage's error rate exceeds the
//!   limit (the SLA's, else 1 %), so that a few unlucky failures do not count; the
//!   bracket is the last level within the limit and the first proven beyond it. When
//!   the lower level is clean (no errors, or at most 1/[`FAR_BEYOND`] of the limit:
//!   a stray failure) and the upper far beyond the limit
//!   ([`FAR_BEYOND`]×), a line between them is not an estimate (overflow errors rise
//!   like a hockey stick past saturation, not linearly): no point estimate, only the
//!   bracket and, with a known saturation knee, a labelled queueing-model estimate;
//! - **saturation** (`saturation`): goodput stops growing, cross-checked by Kneedle;
//! - **retrograde**: goodput falls while load grows (the USL's κ > 0 region).
//!
//! A bracket end is null where the data cannot bound it: `[null, N₀]` when the
//! criterion already breaks at the lowest load, `[N_max, null]` when it never breaks.

use serde::Serialize;

use super::load_points::{goodput_at, LoadPoint};
use super::{Criteria, Z_95};
use crate::analysis::quantity::{format_ms, format_percent, format_rate};
use crate::analysis::sla::wilson_interval;
use crate::model::PercentileMethod;

/// An upper level whose error rate's Wilson lower bound is at least this multiple of
/// the limit is "far beyond" it: above a clean level, no line is drawn to it.
pub const FAR_BEYOND: f64 = 3.0;

/// Retrograde: goodput fell this far (a fraction) below the best so far. Stage figures
/// carry a few percent of noise; smaller drops are not evidence.
pub const RETROGRADE_DROP: f64 = 0.05;

/// What a breaking point is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// The watched latency percentile crosses its limit.
    Latency,
    /// The error rate (Wilson lower bound) crosses its limit.
    ErrorRate,
    /// Goodput stops growing with load.
    Saturation,
    /// Goodput falls as load grows.
    Retrograde,
}

/// One breaking point.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BreakingPoint {
    /// The criterion.
    pub criterion: Criterion,
    /// Interpolated load at which it breaks; null when it breaks at or below the
    /// lowest measured load, not at all, or when the data only brackets it.
    pub users: Option<f64>,
    /// A model estimate where the data only brackets the crossing (error onset: the
    /// queueing argument from the saturation knee); null otherwise.
    pub model_users: Option<f64>,
    /// Measured load levels around the estimate.
    pub bracket: [Option<f64>; 2],
    /// False when the criterion holds over the whole measured range.
    pub reached: bool,
    /// Goodput at the estimate (interpolated), req/s.
    pub throughput_rps: Option<f64>,
    /// The measured numbers behind it.
    pub evidence: String,
}

/// A load for text: whole users from 10 up (and for whole loads), one decimal below.
pub fn fmt_users(n: f64) -> String {
    if n >= 10.0 || n == n.round() {
        crate::analysis::quantity::format_count(n)
    } else if n > 0.0 && n < 0.1 {
        // An open-model stage's measured concurrency can be a few hundredths: two
        // significant digits, never "0.0".
        let decimals = (1 - n.log10().floor() as i32).clamp(2, 6) as usize;
        format!("{n:.decimals$}")
    } else {
        format!("{n:.1}")
    }
}

/// Where `values` (by load) first crosses `limit` upwards, looking back from index
/// `detected` (the first point judged over): the last point at or under the limit
/// before it and the next one bracket the crossing, interpolated linearly.
pub(super) fn interpolate_crossing(
    pts: &[(f64, f64)],
    limit: f64,
    detected: usize,
) -> (Option<f64>, [Option<f64>; 2]) {
    let under = (0..detected).rev().find(|&j| pts[j].1 <= limit);
    match under {
        None => (None, [None, pts.first().map(|p| p.0)]),
        Some(k) => {
            let ((n0, v0), (n1, v1)) = (pts[k], pts[k + 1]);
            let est = if v1 > v0 {
                n0 + (limit - v0) / (v1 - v0) * (n1 - n0)
            } else {
                n1
            };
            (Some(est.clamp(n0, n1)), [Some(n0), Some(n1)])
        }
    }
}

/// The latency the latency criterion watches: the SLA's (or the default) percentile,
/// or the mean where the stages lack it (tools' summaries); (load, ms) points.
pub struct LatencyBasis {
    pub points: Vec<(f64, f64)>,
    /// `p95` or `mean latency`.
    pub what: String,
    /// True when its limit is an SLA rule's; else 2× its value at the lowest load.
    pub sla_limit: bool,
    /// True when a point's percentile was estimated from merged summaries: its
    /// values are written `≈`.
    pub approximate: bool,
}

impl LatencyBasis {
    /// A watched value as the evidence writes it (`≈ 835 ms` when estimated).
    fn show(&self, ms: f64) -> String {
        if self.approximate {
            format!("≈ {}", format_ms(ms))
        } else {
            format_ms(ms)
        }
    }
}

impl LatencyBasis {
    /// The watched latency of `points` under `c`. Without an SLA limit the limit is 2×
    /// the value at the lowest load, so the percentile is watched only when the lowest
    /// load has it: stages of a tool without it (wrk, ab) below stages of one with it
    /// (hey) would make a saturated stage the baseline; the mean is watched instead.
    pub fn of(points: &[LoadPoint], c: &Criteria) -> LatencyBasis {
        let pct_pts: Vec<(f64, f64)> = points
            .iter()
            .filter_map(|p| p.watched_ms.map(|v| (p.users, v)))
            .collect();
        let lowest = points.first();
        let baseline_lacks_pct = c.latency_limit_ms.is_none()
            && lowest.is_some_and(|p| p.watched_ms.is_none() && p.mean_ms.is_some());
        // An SLA limit is judged on bounds too: a stage whose tool prints p90 and p99
        // but no p95 settles `p95 < limit` when one of them does.
        let sla_judged = c.latency_limit_ms.is_some_and(|limit| {
            !pct_pts.is_empty() || super::latency_bounds::bounds_settle_any(points, limit)
        });
        if !baseline_lacks_pct && (pct_pts.len() >= 2 || sla_judged) {
            return LatencyBasis {
                points: pct_pts,
                what: format!("p{}", c.latency_percentile),
                sla_limit: c.latency_limit_ms.is_some() && c.latency_rule.is_some(),
                approximate: points.iter().any(|p| {
                    p.watched_ms.is_some()
                        && p.latency_method == Some(PercentileMethod::MergedApproximate)
                }),
            };
        }
        LatencyBasis {
            points: points
                .iter()
                .filter_map(|p| p.mean_ms.map(|v| (p.users, v)))
                .collect(),
            what: "mean latency".to_string(),
            sla_limit: false,
            approximate: false,
        }
    }
}

/// A stage failing this share of its requests or more mostly failed: its throughput
/// and latency are the failures' (fast 503s, refusals) more than the service's.
pub const MOSTLY_FAILED: f64 = 0.5;

/// The load point at an end of `bracket` (the lower first) whose requests mostly
/// failed: a latency line through it would rest on the failures' answers.
fn mostly_failed_end(points: &[LoadPoint], bracket: [Option<f64>; 2]) -> Option<&LoadPoint> {
    let at = |n: Option<f64>| points.iter().find(|p| Some(p.users) == n);
    (at(bracket[0]).into_iter().chain(at(bracket[1]))).find(|p| p.error_rate >= MOSTLY_FAILED)
}

/// The clause for a "not reached" latency whose top loads mostly failed: there the
/// failures' fast answers (503s, refusals) set the figure, so it says nothing of the
/// latency of the requests served, and "stays within" must not read as a clean bill.
pub(super) fn failed_mostly(points: &[LoadPoint]) -> String {
    let failed: Vec<&LoadPoint> = (points.iter())
        .filter(|p| p.error_rate >= MOSTLY_FAILED)
        .collect();
    let Some(first) = failed.first() else {
        return String::new();
    };
    let at = match failed.last() {
        Some(last) if failed.len() > 1 => format!(
            "from {} users on ({} at {} users)",
            fmt_users(first.users),
            format_percent(last.error_rate),
            fmt_users(last.users)
        ),
        _ => format!(
            "at {} users ({})",
            fmt_users(first.users),
            format_percent(first.error_rate)
        ),
    };
    format!(
        "; but most requests failed {at}: their fast failures set that figure, so the \
         latency of the requests served there is not measured apart and the error rate \
         is the limit to read"
    )
}

/// The latency breaking point; `None` when no stage has the watched latency.
pub fn latency(points: &[LoadPoint], c: &Criteria) -> Option<BreakingPoint> {
    // The watched percentile; summary stages without it fall back to the mean.
    let basis = LatencyBasis::of(points, c);
    let settled = |limit| super::latency_bounds::bounds_settle_any(points, limit);
    if basis.sla_limit && c.latency_limit_ms.is_some_and(settled) {
        return super::latency_bounds::breaking_point(points, c, &basis.what);
    }
    let (pts, what, sla_limit) = (&basis.points, &basis.what, basis.sla_limit);
    let first = *pts.first()?;
    let (limit, limit_text) = match (c.latency_limit_ms, &c.latency_rule) {
        (Some(l), Some(rule)) if sla_limit => (l, format!("the SLA's {rule}")),
        _ => (
            super::DEFAULT_LATENCY_FACTOR * first.1,
            format!(
                "{}× its value at the lowest load, {} at {} users",
                super::DEFAULT_LATENCY_FACTOR,
                basis.show(first.1),
                fmt_users(first.0)
            ),
        ),
    };
    let last = *pts.last()?;
    let Some(over) = pts.iter().position(|p| p.1 > limit) else {
        return Some(BreakingPoint {
            criterion: Criterion::Latency,
            users: None,
            model_users: None,
            bracket: [Some(last.0), None],
            reached: false,
            throughput_rps: None,
            evidence: format!(
                "{what} stays within {} ({limit_text}) up to {} users, the largest measured \
                 load ({}){}",
                format_ms(limit),
                fmt_users(last.0),
                basis.show(last.1),
                failed_mostly(points)
            ),
        });
    };
    let (mut users, bracket) = interpolate_crossing(pts, limit, over);
    // Only an interpolated crossing rests on a line through the bracket's ends.
    let failed_end = users.and_then(|_| mostly_failed_end(points, bracket));
    if failed_end.is_some() {
        users = None;
    }
    let evidence = match (users, failed_end) {
        (None, None) => format!(
            "{what} already exceeds {} ({limit_text}) at the lowest measured load ({} users: {})",
            format_ms(limit),
            fmt_users(first.0),
            basis.show(first.1)
        ),
        (Some(n), _) => {
            let (lo, hi) = bracket_points(pts, bracket);
            format!(
                "{what} crosses {} ({limit_text}) between {} users ({}) and {} users ({}); \
                 interpolated ≈ {} users",
                format_ms(limit),
                fmt_users(lo.0),
                basis.show(lo.1),
                fmt_users(hi.0),
                basis.show(hi.1),
                fmt_users(n)
            )
        }
        (None, Some(failed)) => {
            let (lo, hi) = bracket_points(pts, bracket);
            format!(
                "{what} crosses {} ({limit_text}) between {} users ({}) and {} users ({}); \
                 no point estimate: most requests failed at {} users ({}), so the failures' \
                 answers set its {what} and a line through it places no crossing (the \
                 served requests' latency there is not measured apart)",
                format_ms(limit),
                fmt_users(lo.0),
                basis.show(lo.1),
                fmt_users(hi.0),
                basis.show(hi.1),
                fmt_users(failed.users),
                format_percent(failed.error_rate)
            )
        }
    };
    Some(BreakingPoint {
        criterion: Criterion::Latency,
        users,
        model_users: None,
        bracket,
        reached: true,
        throughput_rps: users.and_then(|n| goodput_at(points, n)),
        evidence,
    })
}

/// The measured points at the ends of a two-sided bracket.
fn bracket_points(pts: &[(f64, f64)], bracket: [Option<f64>; 2]) -> ((f64, f64), (f64, f64)) {
    let find = |n: Option<f64>| {
        pts.iter()
            .copied()
            .find(|p| Some(p.0) == n)
            .unwrap_or((f64::NAN, f64::NAN))
    };
    (find(bracket[0]), find(bracket[1]))
}

/// The error-rate breaking point; `None` without load points. `knee`: the saturation
/// knee, when known, for the queueing-model estimate of a clean-to-far bracket.
pub fn error_rate(points: &[LoadPoint], c: &Criteria, knee: Option<f64>) -> Option<BreakingPoint> {
    let limit = c.error_limit;
    let limit_text = match &c.error_rule {
        Some(rule) => format!("the SLA's {rule}"),
        None => "the default limit without an SLA".to_string(),
    };
    let wilson: Vec<[f64; 2]> = points
        .iter()
        .map(|p| wilson_interval(p.failures, p.requests, Z_95).unwrap_or([0.0, 1.0]))
        .collect();
    let pts: Vec<(f64, f64)> = points.iter().map(|p| (p.users, p.error_rate)).collect();
    let last = *pts.last()?;
    let Some(over) = wilson.iter().position(|[lo, _]| *lo > limit) else {
        return Some(BreakingPoint {
            criterion: Criterion::ErrorRate,
            users: None,
            model_users: None,
            bracket: [Some(last.0), None],
            reached: false,
            throughput_rps: None,
            evidence: format!(
                "no stage's error rate is above {} ({limit_text}) with 95% confidence, up to {} \
                 users (the largest measured load: {})",
                format_percent(limit),
                fmt_users(last.0),
                format_percent(last.1)
            ),
        });
    };
    let (interpolated, bracket) = interpolate_crossing(&pts, limit, over);
    let interval = |i: usize| {
        format!(
            "{} (Wilson 95% {} – {})",
            format_percent(pts[i].1),
            format_percent(wilson[i][0]),
            format_percent(wilson[i][1])
        )
    };
    let proof = format!(
        "at {} users the error rate is {}, beyond {} ({limit_text})",
        fmt_users(pts[over].0),
        interval(over),
        format_percent(limit)
    );
    // The last level within the limit, below the first proven beyond it.
    let Some(under) = (0..over).rev().find(|&j| pts[j].1 <= limit) else {
        return Some(BreakingPoint {
            criterion: Criterion::ErrorRate,
            users: None,
            model_users: None,
            bracket,
            reached: true,
            throughput_rps: None,
            evidence: format!(
                "errors exceed the limit already at the lowest measured load: {proof}"
            ),
        });
    };
    let bracket = [bracket[0], Some(pts[over].0)];
    let (lo, hi) = (pts[under].0, pts[over].0);
    let within = format!(
        "at {} users it is {}, within the limit",
        fmt_users(lo),
        interval(under)
    );
    // Clean: no failure, or a stray one or two, far within the limit (a single reset at
    // 1,431 requests is 0.07 %, against 1 %): a line from there is no estimate either.
    let clean = points[under].failures == 0 || FAR_BEYOND * pts[under].1 <= limit;
    let hockey = clean && wilson[over][0] >= FAR_BEYOND * limit;
    if !hockey {
        let n = interpolated.unwrap_or(lo);
        return Some(BreakingPoint {
            criterion: Criterion::ErrorRate,
            users: Some(n),
            model_users: None,
            bracket,
            reached: true,
            throughput_rps: goodput_at(points, n),
            evidence: format!(
                "the error rate crosses {} between {} and {} users, ≈ {} users by linear \
                 interpolation; {within}; {proof}",
                format_percent(limit),
                fmt_users(lo),
                fmt_users(hi),
                fmt_users(n)
            ),
        });
    }
    Some(bracketed_onset(
        limit,
        (lo, hi),
        bracket,
        knee,
        &within,
        &proof,
    ))
}

/// The error-rate breaking point when errors rise like a hockey stick, from a clean
/// level `lo` to one far beyond the limit at `hi`: only bracketed, with the queueing
/// model's estimate (from the saturation `knee`) when it falls inside the bracket.
fn bracketed_onset(
    limit: f64,
    (lo, hi): (f64, f64),
    bracket: [Option<f64>; 2],
    knee: Option<f64>,
    within: &str,
    proof: &str,
) -> BreakingPoint {
    // Overflow model: past the knee N_k the excess of the offered load γN over the
    // capacity C = γN_k is lost, so the error rate is 1 − N_k/N and reaches the limit at
    // N_k / (1 − limit).
    let model_users = knee
        .map(|k| k / (1.0 - limit).max(f64::MIN_POSITIVE))
        .filter(|m| *m > lo && *m < hi);
    let mut evidence = format!(
        "the error rate crosses {} between {} and {} users: {within}; {proof}. A line from \
         a clean level to one far beyond the limit is not an estimate (overflow errors rise \
         like a hockey stick past saturation), so the onset is only bracketed",
        format_percent(limit),
        fmt_users(lo),
        fmt_users(hi)
    );
    match (model_users, knee) {
        (Some(m), Some(k)) => evidence.push_str(&format!(
            "; queueing-model estimate (overflow errors begin past the saturation knee ≈ {} \
             users, error rate 1 − N_k/N): ≈ {} users",
            fmt_users(k),
            fmt_users(m)
        )),
        (None, Some(k)) => evidence.push_str(&format!(
            "; the queueing argument (overflow errors begin past the saturation knee ≈ {} \
             users) gives no estimate inside this bracket",
            fmt_users(k)
        )),
        _ => {}
    }
    BreakingPoint {
        criterion: Criterion::ErrorRate,
        users: None,
        model_users,
        bracket,
        reached: true,
        throughput_rps: None,
        evidence,
    }
}

/// A stage past the peak failing this share of its requests or more may be a server
/// that stopped mid-stage, not capacity lost to load: the evidence says so.
const STOPPED_SERVER_ERRORS: f64 = 0.1;

/// Retrograde throughput: goodput falls at least [`RETROGRADE_DROP`] below the best so
/// far while load grows. `None` when it never does.
pub fn retrograde(points: &[LoadPoint]) -> Option<BreakingPoint> {
    let mut best = 0usize;
    for i in 1..points.len() {
        if points[i].goodput_rps < (1.0 - RETROGRADE_DROP) * points[best].goodput_rps
            && points[i].users > points[best].users
        {
            let p = best;
            let lo = p.checked_sub(1).unwrap_or(p);
            let (n_lo, n_hi) = (points[lo].users, points[p + 1].users);
            // The parabola's peak is believed only where its goodput stays near the best
            // measured: a steep rise then a gentle fall (a saturated service shedding
            // load) puts its vertex far out, at a goodput no stage came near.
            let vertex = (p >= 1)
                .then(|| parabola_vertex(&points[p - 1], &points[p], &points[p + 1]))
                .flatten();
            let estimate = match vertex {
                Some((v, top)) if top <= (1.0 + RETROGRADE_DROP) * points[p].goodput_rps => {
                    Some(v.clamp(n_lo, n_hi))
                }
                Some(_) => None,
                None => Some(points[p].users),
            };
            let peak = match estimate {
                Some(n) => format!("peak ≈ {} users", fmt_users(n)),
                None => format!(
                    "the peak lies between {} and {} users, the highest goodput measured \
                     at {} users (no point estimate: a parabola through the stages around \
                     it peaks at a goodput no stage came near)",
                    fmt_users(n_lo),
                    fmt_users(n_hi),
                    fmt_users(points[p].users)
                ),
            };
            let drop = 1.0 - points[i].goodput_rps / points[p].goodput_rps;
            let failing = (points[i].error_rate >= STOPPED_SERVER_ERRORS).then(|| {
                format!(
                    "; the {} users stage failed {} of its requests: a server that stopped \
                     or restarted mid-stage falls the same way, so check it ran throughout",
                    fmt_users(points[i].users),
                    format_percent(points[i].error_rate)
                )
            });
            return Some(BreakingPoint {
                criterion: Criterion::Retrograde,
                users: estimate,
                model_users: None,
                bracket: [Some(n_lo), Some(n_hi)],
                reached: true,
                throughput_rps: Some(points[p].goodput_rps),
                evidence: format!(
                    "goodput falls from {} at {} users to {} at {} users (−{:.0}%) while load \
                     grows: past the peak, more users lose capacity; {peak}{}",
                    format_rate(points[p].goodput_rps),
                    fmt_users(points[p].users),
                    format_rate(points[i].goodput_rps),
                    fmt_users(points[i].users),
                    drop * 100.0,
                    failing.unwrap_or_default()
                ),
            });
        }
        if points[i].goodput_rps > points[best].goodput_rps {
            best = i;
        }
    }
    None
}

/// Load and goodput at the vertex of the parabola through three (load, goodput)
/// points, when it opens downwards.
fn parabola_vertex(a: &LoadPoint, b: &LoadPoint, c: &LoadPoint) -> Option<(f64, f64)> {
    let (x0, y0, x1, y1, x2, y2) = (
        a.users,
        a.goodput_rps,
        b.users,
        b.goodput_rps,
        c.users,
        c.goodput_rps,
    );
    let num = (x1 - x0).powi(2) * (y1 - y2) - (x1 - x2).powi(2) * (y1 - y0);
    let den = (x1 - x0) * (y1 - y2) - (x1 - x2) * (y1 - y0);
    // Downward opening: the middle point lies above the chord of the outer two.
    let chord = y0 + (y2 - y0) * (x1 - x0) / (x2 - x0);
    (den != 0.0 && y1 > chord && x2 > x0).then(|| {
        let x = x1 - 0.5 * num / den;
        // Lagrange form of the same parabola, at its vertex.
        let y = y0 * (x - x1) * (x - x2) / ((x0 - x1) * (x0 - x2))
            + y1 * (x - x0) * (x - x2) / ((x1 - x0) * (x1 - x2))
            + y2 * (x - x0) * (x - x1) / ((x2 - x0) * (x2 - x1));
        (x, y)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(users: f64, goodput: f64, p95: f64, requests: u64, failures: u64) -> LoadPoint {
        LoadPoint {
            stage: format!("s{users}"),
            users,
            arrival_rate_rps: None,
            throughput_rps: goodput,
            goodput_rps: goodput,
            mean_ms: Some(p95 / 2.0),
            p95_ms: Some(p95),
            error_rate: failures as f64 / requests as f64,
            latency_method: None,
            requests,
            failures,
            watched_ms: Some(p95),
            watched_bounds: None,
            watched_censored: false,
        }
    }

    /// Stepped run of a closed system with capacity C = 400 req/s and R₀ + Z = 0.25 s:
    /// X = min(N/0.25, 400), so the knee is at N* = 400 × 0.25 = 100 users.
    fn stepped() -> Vec<LoadPoint> {
        [20.0, 40.0, 80.0, 120.0, 160.0, 200.0, 240.0]
            .iter()
            .map(|&n| {
                let x: f64 = (n / 0.25_f64).min(400.0);
                // p95 100 ms until the knee, then growing with the queue (∝ N/X).
                let p95 = 100.0 * (n / x / 0.25);
                point(n, x, p95, 10_000, 0)
            })
            .collect()
    }

    #[test]
    fn saturation_bracket_contains_the_known_knee() {
        let s =
            super::super::saturation::saturation(&stepped(), &Criteria::defaults(None)).unwrap();
        assert!(s.reached);
        assert_eq!(s.bracket, [Some(80.0), Some(120.0)]);
        // C/γ = 400 / 4 = 100 exactly.
        assert!((s.users.unwrap() - 100.0).abs() < 1e-9, "{s:?}");
        assert_eq!(s.throughput_rps, Some(400.0));
    }

    #[test]
    fn latency_crossing_interpolates_between_the_bracketing_stages() {
        // p95 = 100 ms up to 80 users, then 120, 160, 200, 240 ms at 120…240 users; the
        // default limit 2 × 100 ms = 200 ms is first exceeded at 240 users.
        let b = latency(&stepped(), &Criteria::defaults(None)).unwrap();
        assert_eq!(b.bracket, [Some(200.0), Some(240.0)]);
        assert!((b.users.unwrap() - 200.0).abs() < 1e-9, "{b:?}");
        // With an SLA limit of 125 ms: crossing between 120 (120 ms) and 160 (160 ms),
        // at 120 + (125 − 120)/(160 − 120) × 40 = 125.
        let c = Criteria {
            latency_limit_ms: Some(125.0),
            latency_rule: Some("p(95) < 125ms".into()),
            ..Criteria::defaults(None)
        };
        let b = latency(&stepped(), &c).unwrap();
        assert_eq!(b.bracket, [Some(120.0), Some(160.0)]);
        assert!((b.users.unwrap() - 125.0).abs() < 1e-9, "{b:?}");
    }

    #[test]
    fn error_crossing_needs_the_wilson_lower_bound_over_the_limit() {
        // 1.2 % of 100 requests is not proof of > 1 %; 3 % of 10 000 is.
        let pts = vec![
            point(10.0, 10.0, 10.0, 10_000, 0),
            point(20.0, 20.0, 10.0, 100, 1),
            point(30.0, 30.0, 10.0, 10_000, 300),
        ];
        let b = error_rate(&pts, &Criteria::defaults(None), None).unwrap();
        assert!(b.reached);
        // Last point at or under 1 % before the proven one is 20 users (1 %).
        assert_eq!(b.bracket, [Some(20.0), Some(30.0)]);
        // 20 + (0.01 − 0.01)/(0.03 − 0.01) × 10 = 20.
        assert!((b.users.unwrap() - 20.0).abs() < 1e-9);
        let clean = error_rate(&pts[..2], &Criteria::defaults(None), None).unwrap();
        assert!(!clean.reached);
    }

    #[test]
    fn a_clean_level_below_a_far_one_gives_a_bracket_and_a_model_estimate() {
        // 0 % at 80 users, 30 % at 160: no line; with the knee at 100 users the overflow
        // model's error rate 1 − 100/N reaches 1 % at 100/0.99 ≈ 101 users.
        let pts = vec![
            point(20.0, 20.0, 10.0, 10_000, 0),
            point(80.0, 70.0, 10.0, 10_000, 0),
            point(160.0, 75.0, 10.0, 10_000, 3_000),
        ];
        let c = Criteria::defaults(None);
        let b = error_rate(&pts, &c, Some(100.0)).unwrap();
        assert_eq!(b.users, None);
        assert_eq!(b.bracket, [Some(80.0), Some(160.0)]);
        assert!(
            (b.model_users.unwrap() - 100.0 / 0.99).abs() < 1e-9,
            "{b:?}"
        );
        assert!(
            b.evidence.contains("queueing-model estimate"),
            "{}",
            b.evidence
        );
        // A knee below the clean level says nothing inside the bracket.
        let b = error_rate(&pts, &c, Some(60.0)).unwrap();
        assert_eq!((b.users, b.model_users), (None, None));
        // Errors only 2× the limit above a clean level: still interpolated.
        let mild = vec![pts[1].clone(), point(160.0, 75.0, 10.0, 10_000, 200)];
        let b = error_rate(&mild, &c, None).unwrap();
        assert!((b.users.unwrap() - 120.0).abs() < 1e-9, "{b:?}");
    }

    #[test]
    fn retrograde_is_flagged_when_goodput_falls() {
        let pts = vec![
            point(10.0, 100.0, 10.0, 1000, 0),
            point(20.0, 180.0, 10.0, 1000, 0),
            point(30.0, 200.0, 10.0, 1000, 0),
            point(40.0, 150.0, 10.0, 1000, 0),
        ];
        let b = retrograde(&pts).unwrap();
        assert_eq!(b.bracket, [Some(20.0), Some(40.0)]);
        let n = b.users.unwrap();
        assert!((20.0..=40.0).contains(&n));
        assert!(retrograde(&stepped()).is_none());
    }

    /// A saturated service shedding load: goodput 175 → 1,491 → 1,384 req/s at 4, 32
    /// and 200 users. The parabola through them peaks at ≈ 115 users and ≈ 3,150
    /// req/s, twice any stage: no point estimate, the bracket and the best stage only.
    #[test]
    fn retrograde_after_a_steep_rise_names_no_parabola_peak() {
        let pts = vec![
            point(4.0, 175.0, 10.0, 2000, 0),
            point(32.0, 1491.0, 10.0, 18000, 0),
            point(200.0, 1384.0, 10.0, 465_000, 0),
        ];
        let b = retrograde(&pts).unwrap();
        assert_eq!(b.users, None, "{b:?}");
        assert_eq!(b.bracket, [Some(4.0), Some(200.0)]);
        assert!(
            b.evidence.contains("between 4 and 200 users"),
            "{}",
            b.evidence
        );
        assert!(!b.evidence.contains("115"), "{}", b.evidence);
    }
}
