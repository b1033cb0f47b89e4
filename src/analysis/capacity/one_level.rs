//! One load level: no capacity estimate, only what that level shows against the limits
//! (latency with an SLA's latency rule, errors with 95% confidence), and whether the
//! SLA's latency rule is settled there. Several stages at that one level are judged on
//! the worst of them.

use super::breaking_points::{fmt_users, Criterion};
use super::headroom::{criterion_name, join_words, SlaHeadroom};
use super::load_points::LoadPoint;
use super::{Criteria, Z_95};
use crate::analysis::quantity::{
    format_count, format_ms, format_percent, format_percentile_ms, format_rate,
};
use crate::analysis::sla::wilson_interval;
use crate::analysis::words::ticked;

/// What one load level shows against the limits: those it is over (latency with an
/// SLA's latency rule, errors with 95% confidence), whether its error rate's interval
/// still reaches past the limit (too few requests to show it within), and whether the
/// SLA's latency rule is unsettled there (no value of its percentile, and bounds, if
/// any, on both sides of the limit: the SLA table lacks the data to judge it).
struct LevelLimits {
    over: Vec<Criterion>,
    errors_unproven: bool,
    latency_unsettled: bool,
}

fn level_limits(p: &LoadPoint, c: &Criteria) -> LevelLimits {
    let wilson = wilson_interval(p.failures, p.requests, Z_95);
    let errors_over = wilson.is_some_and(|[lo, _]| lo > c.error_limit);
    // Within the limit at face value, but too few requests to show it.
    let errors_unproven = wilson.is_some_and(|[_, hi]| hi > c.error_limit);
    // Without an SLA the latency limit is relative to a lower load: none here.
    let limit = c.latency_limit_ms.filter(|_| c.latency_rule.is_some());
    let (latency_over, latency_unsettled) = match (limit, p.watched_ms, p.watched_bounds) {
        (Some(limit), Some(v), _) => (v > limit, false),
        // No value of the percentile (the tool prints none, or timed-out requests it
        // leaves out reach its rank): over when its lower bound already is, settled
        // within only when its upper bound is.
        (Some(limit), None, bounds) => {
            let [lo, hi] = bounds.unwrap_or([None, None]);
            let over = lo.is_some_and(|lo| lo > limit);
            (over, !over && hi.is_none_or(|hi| hi > limit))
        }
        _ => (false, false),
    };
    let mut over = Vec::new();
    if latency_over {
        over.push(Criterion::Latency);
    }
    if errors_over {
        over.push(Criterion::ErrorRate);
    }
    LevelLimits {
        over,
        errors_unproven,
        latency_unsettled,
    }
}

/// One load level: no capacity estimate, only what that level shows. Several stages
/// at that one level (a rerun, a stage measured twice) are no capacity either: the
/// level is what the worst of them shows (over most limits, then most errors, then
/// slowest), and the statement names them all.
pub(super) fn one_level(points: &[LoadPoint], c: &Criteria) -> SlaHeadroom {
    let key = |p: &LoadPoint| {
        let l = level_limits(p, c);
        (
            l.over.len(),
            l.latency_unsettled,
            p.error_rate,
            watched_floor(p),
        )
    };
    let p = (points.iter())
        .max_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            (ka.0.cmp(&kb.0))
                .then(ka.1.cmp(&kb.1))
                .then(ka.2.total_cmp(&kb.2))
                .then(ka.3.unwrap_or(0.0).total_cmp(&kb.3.unwrap_or(0.0)))
        })
        .expect("a load level has a point");
    let LevelLimits {
        over: limits,
        errors_unproven,
        latency_unsettled,
    } = level_limits(p, c);
    let judged = if c.from_an_sla() {
        "the SLA"
    } else {
        "the default error limit (1%)"
    };
    let verdict = match limits.as_slice() {
        [] if latency_unsettled => format!(
            "{judged} is not known to hold there: the data does not settle {} (the SLA \
             table lacks the data to judge it)",
            c.latency_rule
                .as_deref()
                .map_or("its latency rule".into(), ticked)
        ),
        [] if p.error_rate > c.error_limit => format!(
            "{judged} holds there: the error rate is over the limit, but not with 95% confidence"
        ),
        [] if errors_unproven => format!(
            "{judged} holds there at face value, but {} requests are too few to show the error \
             rate is within the limit (not proven)",
            format_count(p.requests as f64)
        ),
        [] => format!("{judged} holds there"),
        [one] => format!(
            "{judged} does not hold there: {} is over its limit",
            criterion_name(*one)
        ),
        _ => format!(
            "{judged} does not hold there: latency and the error rate are over their limits"
        ),
    };
    let latency = watched_words(p)
        .map(|v| format!(", p{} {v}", c.latency_percentile))
        .unwrap_or_default();
    let (stages, worst) = if points.len() > 1 {
        let names: Vec<String> = points.iter().map(|p| ticked(&p.stage)).collect();
        let stages = format!(", in {} stages: {}", points.len(), join_words(&names));
        (stages, format!(", on its worst stage {}", ticked(&p.stage)))
    } else {
        (String::new(), String::new())
    };
    SlaHeadroom {
        users: None,
        throughput_rps: None,
        bracket: if limits.is_empty() && !latency_unsettled {
            [Some(p.users), None]
        } else if limits.is_empty() {
            [None, None]
        } else {
            [None, Some(p.users)]
        },
        limited_by: (limits.len() == 1).then(|| limits[0]),
        limits,
        next_levels: Vec::new(),
        from_sla: c.from_an_sla(),
        settled: !latency_unsettled && !errors_unproven,
        statement: format!(
            "One load level ({}{stages}): no capacity estimate (capacity needs several \
             load levels). At that level{worst}: goodput {}{latency}, errors {}; {verdict}",
            level_load(p),
            format_rate(p.goodput_rps),
            format_percent(p.error_rate)
        ),
    }
}

/// The watched latency's value, else its lower bound (for ordering levels).
fn watched_floor(p: &LoadPoint) -> Option<f64> {
    p.watched_ms.or(p.watched_bounds.and_then(|b| b[0]))
}

/// The watched latency as a level's statement shows it: its value, or the bound the
/// data puts on it (`≥ 1.05 s` where timed-out requests reach its rank), said to be
/// over all the requests where the tool leaves timed-out ones out of its latency.
fn watched_words(p: &LoadPoint) -> Option<String> {
    let over_all = if p.watched_censored {
        " over all the requests (timed-out ones counted)"
    } else {
        ""
    };
    let shown = match (p.watched_ms, p.watched_bounds) {
        (Some(v), _) => format_percentile_ms(v, p.latency_method),
        (None, Some([Some(lo), None])) => format!("≥ {}", format_ms(lo)),
        (None, Some([None, Some(hi)])) => format!("≤ {}", format_ms(hi)),
        (None, Some([Some(lo), Some(hi)])) => {
            format!("between {} and {}", format_ms(lo), format_ms(hi))
        }
        _ => return None,
    };
    Some(format!("{shown}{over_all}"))
}

/// A load level in words: its users (closed model), or its arrival rate with the
/// concurrency X·R it made (open model: no users were set, so none are claimed).
fn level_load(p: &LoadPoint) -> String {
    match p.arrival_rate_rps {
        Some(rate) => format!(
            "{} arriving; ≈ {} in flight",
            format_rate(rate),
            fmt_users(p.users)
        ),
        None => format!(
            "{} user{}",
            fmt_users(p.users),
            if p.users == 1.0 { "" } else { "s" }
        ),
    }
}
