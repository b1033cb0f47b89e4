//! The latency breaking point against an SLA's percentile rule when some stages'
//! tools do not print that percentile (wrk prints p50, p75, p90 and p99, no p95): the
//! printed ones around it bound it, as the SLA table judges them, so a level is
//! proven within the limit (its upper bound is), proven beyond it (its lower bound
//! is), or unsettled. The crossing is bracketed by the last level proven within and
//! the first proven beyond; a point estimate is interpolated only between two
//! neighbouring measured values. An unsettled level is never taken as within: the
//! headroom stops at the last level proven within when the levels above it are
//! unsettled ([`unsettled_above`] words it).

use super::breaking_points::{failed_mostly, fmt_users, BreakingPoint, Criterion};
use super::headroom::{criterion_name, goodput_words, span, SlaHeadroom};
use super::load_points::{goodput_at, LoadPoint};
use super::Criteria;
use crate::analysis::quantity::format_ms;

/// What a level's bounds settle about the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Settled {
    Within,
    Beyond,
    Open,
}

/// A level's watched latency as judged: its measured value, or its bounds.
struct Judged {
    users: f64,
    value: Option<f64>,
    bounds: [Option<f64>; 2],
    settled: Settled,
    /// Taken over all the requests where the tool leaves timed-out ones out.
    censored: bool,
}

fn judge(p: &LoadPoint, limit: f64) -> Option<Judged> {
    let (value, bounds) = match (p.watched_ms, p.watched_bounds) {
        (Some(v), _) => (Some(v), [Some(v), Some(v)]),
        (None, Some(b)) => (None, b),
        _ => return None,
    };
    let settled = if bounds[1].is_some_and(|hi| hi <= limit) {
        Settled::Within
    } else if bounds[0].is_some_and(|lo| lo > limit) {
        Settled::Beyond
    } else {
        Settled::Open
    };
    Some(Judged {
        users: p.users,
        value,
        bounds,
        settled,
        censored: p.watched_censored,
    })
}

/// `N users (41 ms)`, or with bounds `N users (between 45.5 ms and 65.2 ms, printed
/// around it)`; where timed-out requests are left out of the tool's latency, the value
/// or bounds over all the requests say so (`≥ 1.05 s, over all the requests: timed-out
/// ones reach its rank`).
fn show(j: &Judged) -> String {
    let v = match (j.value, j.bounds, j.censored) {
        (Some(v), _, false) => format_ms(v),
        (Some(v), _, true) => format!(
            "{}, over all the requests, timed-out ones counted",
            format_ms(v)
        ),
        (None, [Some(lo), None], true) => format!(
            "≥ {}, over all the requests: timed-out ones, which the tool's latency leaves \
             out, reach its rank",
            format_ms(lo)
        ),
        (None, [Some(lo), Some(hi)], true) => format!(
            "between {} and {}, over all the requests, timed-out ones counted",
            format_ms(lo),
            format_ms(hi)
        ),
        (None, [Some(lo), Some(hi)], false) => format!(
            "between {} and {}, by the percentiles printed around it",
            format_ms(lo),
            format_ms(hi)
        ),
        (None, [Some(lo), None], false) => format!("≥ {}, by a lower percentile", format_ms(lo)),
        (None, [None, Some(hi)], _) => format!("≤ {}, by a higher percentile", format_ms(hi)),
        (None, [None, None], _) => "unknown".to_string(),
    };
    format!("{} users ({v})", fmt_users(j.users))
}

/// The latency breaking point judged on values and bounds; `None` without an SLA
/// latency limit or a level that has either.
pub fn breaking_point(points: &[LoadPoint], c: &Criteria, what: &str) -> Option<BreakingPoint> {
    let limit = c.latency_limit_ms?;
    let rule = c.latency_rule.as_deref()?;
    let judged: Vec<Judged> = points.iter().filter_map(|p| judge(p, limit)).collect();
    let last = judged.last()?;
    let head = format!("{what} against {} (the SLA's {rule})", format_ms(limit));
    let open = |js: &[Judged]| -> String {
        let names: Vec<String> = (js.iter().filter(|j| j.settled == Settled::Open))
            .map(show)
            .collect();
        if names.is_empty() {
            String::new()
        } else {
            format!(
                "; unsettled at {}: its bounds reach both sides of the limit, so it is not \
                 known to hold there",
                names.join(", ")
            )
        }
    };
    let Some(f) = judged.iter().position(|j| j.settled == Settled::Beyond) else {
        let within = judged.iter().rev().find(|j| j.settled == Settled::Within);
        let evidence = match within {
            Some(w) if w.users == last.users => format!(
                "{head}: within it up to the largest measured load, {}{}",
                show(last),
                failed_mostly(points)
            ),
            Some(w) => format!(
                "{head}: proven within it up to {}{}",
                show(w),
                open(&judged)
            ),
            None => format!("{head}: proven within it at no level{}", open(&judged)),
        };
        return Some(BreakingPoint {
            criterion: Criterion::Latency,
            users: None,
            model_users: None,
            bracket: [within.map(|w| w.users), None],
            reached: false,
            throughput_rps: None,
            evidence,
        });
    };
    let over = &judged[f];
    let under = judged[..f]
        .iter()
        .rposition(|j| j.settled == Settled::Within);
    let users = under.and_then(|k| {
        let (a, b) = (&judged[k], over);
        let (v0, v1) = (a.value?, b.value?);
        let est = if k + 1 == f && v1 > v0 {
            a.users + (limit - v0) / (v1 - v0) * (b.users - a.users)
        } else {
            return None;
        };
        Some(est.clamp(a.users, b.users))
    });
    let below = match under {
        Some(k) => format!(
            "; within it at {}{}",
            show(&judged[k]),
            open(&judged[k + 1..f])
        ),
        None if f == 0 => " (the lowest measured load)".to_string(),
        None => open(&judged[..f]),
    };
    let estimate = users
        .map(|n| format!("; interpolated ≈ {} users", fmt_users(n)))
        .unwrap_or_else(|| "; the data only brackets the crossing".to_string());
    Some(BreakingPoint {
        criterion: Criterion::Latency,
        users,
        model_users: None,
        bracket: [under.map(|k| judged[k].users), Some(over.users)],
        reached: true,
        throughput_rps: users.and_then(|n| goodput_at(points, n)),
        evidence: format!("{head}: beyond it at {}{below}{estimate}", show(over)),
    })
}

/// Where the SLA's latency rule stops being settled before it is proven broken: the
/// last level proven within it (`None`: not even the lowest) when the first level not
/// proven within is unsettled, and either nothing proven within precedes it or no
/// level after it is proven beyond. `None` when the rule is settled throughout or its
/// crossing is bracketed (a level within below a level beyond), or when no level is
/// judged on bounds.
pub fn proven_until_unsettled(points: &[LoadPoint], c: &Criteria) -> Option<Option<f64>> {
    let limit = c.latency_limit_ms.filter(|_| c.latency_rule.is_some())?;
    if !bounds_settle_any(points, limit) {
        return None;
    }
    let judged: Vec<Judged> = points.iter().filter_map(|p| judge(p, limit)).collect();
    let i = judged.iter().position(|j| j.settled != Settled::Within)?;
    if judged[i].settled == Settled::Beyond {
        return None;
    }
    let beyond_later = judged[i..].iter().any(|j| j.settled == Settled::Beyond);
    match i {
        0 => Some(None),
        _ if beyond_later => None,
        _ => Some(Some(judged[i - 1].users)),
    }
}

/// True when some level's watched percentile is known only by bounds and the SLA's
/// rule is weighed on the levels: a bound settles a level against `limit` (within or
/// beyond it), or another level has a value (then an unsettled level among them is
/// said, never taken as within). Bounds that settle no level of a tool that prints no
/// value of the percentile leave the rule unjudged, as the SLA table leaves it.
pub fn bounds_settle_any(points: &[LoadPoint], limit: f64) -> bool {
    let bounded: Vec<Judged> = (points.iter())
        .filter(|p| p.watched_ms.is_none())
        .filter_map(|p| judge(p, limit))
        .collect();
    !bounded.is_empty()
        && (bounded.iter().any(|j| j.settled != Settled::Open)
            || points.iter().any(|p| p.watched_ms.is_some()))
}

/// Why a level's latency rule is unsettled: the printed percentiles around it, or the
/// timed-out requests the tool's latency leaves out, bound it on both sides of the
/// limit.
fn unsettled_why(points: &[LoadPoint]) -> String {
    let censored = points
        .iter()
        .any(|p| p.watched_ms.is_none() && p.watched_censored);
    if censored {
        "its latency rule is not settled: timed-out requests, which the tool's latency \
         leaves out, put the percentile over all the requests only within bounds that reach \
         both sides of the limit (the SLA table lacks the data to judge it there)"
            .to_string()
    } else {
        "the percentiles the tool prints do not settle its latency rule (they reach both \
         sides of the limit)"
            .to_string()
    }
}

/// The SLA's latency rule proven to hold up to `proven` users (none: at no level) and
/// unsettled above, where the tool prints no value of its percentile and the printed
/// ones reach both sides of the limit: the headroom is that level, measured.
pub fn unsettled_above(
    (what, holds): (&str, &str),
    points: &[LoadPoint],
    proven: Option<f64>,
    binding: Option<&BreakingPoint>,
    from_sla: bool,
) -> SlaHeadroom {
    let top = points.last().map_or(0.0, |p| p.users);
    let at = proven.and_then(|n| points.iter().find(|p| p.users == n));
    let statement = match at {
        Some(p) => format!(
            "{what} {holds} at {} users ({}, measured); above it, up to {} users, {}, so it \
             is not known to hold there",
            fmt_users(p.users),
            goodput_words(p.goodput_rps, p.failures),
            fmt_users(top),
            unsettled_why(points)
        ),
        None => format!(
            "{what} {} not proven to hold at any measured load: {}",
            if holds == "holds" { "is" } else { "are" },
            unsettled_why(points)
        ),
    };
    // A criterion crossing above that level is said too: it bounds the load as well.
    let also = binding.map(|b| {
        let (lo, hi) = span(b);
        format!(
            "; {} crosses between {} and {} users",
            criterion_name(b.criterion),
            fmt_users(lo),
            fmt_users(hi)
        )
    });
    SlaHeadroom {
        users: at.map(|p| p.users),
        throughput_rps: at.map(|p| p.goodput_rps),
        bracket: [at.map(|p| p.users), None],
        limited_by: None,
        limits: binding.map(|b| b.criterion).into_iter().collect(),
        next_levels: Vec::new(),
        from_sla,
        // The rule is not known to hold above `users`.
        settled: false,
        statement: statement + &also.unwrap_or_default(),
    }
}
