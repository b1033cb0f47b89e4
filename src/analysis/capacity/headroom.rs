//! The headroom answer: "the SLA holds up to ≈ X req/s at ≈ N users (bracket)", and
//! sizing for a target rate with the interactive response-time law N = X·(R + Z).

use serde::Serialize;

use super::breaking_points::{fmt_users, BreakingPoint, Criterion};
use super::load_points::{goodput_at, mean_ms_at, LoadPoint};
use super::Criteria;
use crate::analysis::units::{format_ms, format_rate};

/// Where the SLA (or the default limits) stops holding.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SlaHeadroom {
    /// Load up to which it holds (interpolated); null when it fails at the lowest load.
    pub users: Option<f64>,
    /// Goodput at that load, req/s.
    pub throughput_rps: Option<f64>,
    /// Measured load levels around `users`; `[N_max, null]` when it holds throughout.
    pub bracket: [Option<f64>; 2],
    /// The criterion that breaks first (null when none does).
    pub limited_by: Option<Criterion>,
    /// True when judged against an SLA file, false for the default limits.
    pub from_sla: bool,
    /// The answer in words.
    pub statement: String,
}

/// Users (and instances) needed for a target rate.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Sizing {
    /// Target throughput, req/s.
    pub target_rps: f64,
    /// Concurrent users needed: target × (R + Z).
    pub users: f64,
    /// The response time R used, ms (measured at the headroom load).
    pub response_time_ms: f64,
    /// The think time Z used, s (0 when unknown: then `users` is a lower bound).
    pub think_time_s: f64,
    /// Instances of the measured system needed when one cannot carry the target
    /// within the SLA: ⌈target ÷ headroom goodput⌉.
    pub instances: Option<u32>,
    /// The answer in words.
    pub statement: String,
}

/// The headroom from the latency and error breaking points; `None` without points.
pub fn sla_headroom(
    points: &[LoadPoint],
    latency: Option<&BreakingPoint>,
    errors: Option<&BreakingPoint>,
    c: &Criteria,
) -> Option<SlaHeadroom> {
    let last = points.last()?;
    let what = if c.from_an_sla() {
        "The SLA"
    } else {
        "The default SLA (p95 within 2× its low-load value, errors under 1%)"
    };
    // The binding criterion: the one that breaks at the lowest load (at the lowest
    // measured load counts as 0).
    let binding = [latency, errors]
        .into_iter()
        .flatten()
        .filter(|b| b.reached)
        .min_by(|a, b| a.users.unwrap_or(0.0).total_cmp(&b.users.unwrap_or(0.0)));
    let from_sla = c.from_an_sla();
    let Some(b) = binding else {
        return Some(SlaHeadroom {
            users: Some(last.users),
            throughput_rps: Some(last.goodput_rps),
            bracket: [Some(last.users), None],
            limited_by: None,
            from_sla,
            statement: format!(
                "{what} holds over the whole measured range: up to {} at {} users (the largest \
                 measured load; beyond it is unmeasured)",
                format_rate(last.goodput_rps),
                fmt_users(last.users)
            ),
        });
    };
    let criterion = match b.criterion {
        Criterion::Latency => "latency",
        _ => "the error rate",
    };
    let Some(n) = b.users else {
        return Some(SlaHeadroom {
            users: None,
            throughput_rps: None,
            bracket: b.bracket,
            limited_by: Some(b.criterion),
            from_sla,
            statement: format!(
                "{what} does not hold even at the lowest measured load ({} users): {criterion} \
                 is over its limit there",
                fmt_users(points[0].users)
            ),
        });
    };
    let x = goodput_at(points, n);
    let range = match b.bracket {
        [Some(lo), Some(hi)] => format!(" (between {} and {} users)", fmt_users(lo), fmt_users(hi)),
        _ => String::new(),
    };
    Some(SlaHeadroom {
        users: Some(n),
        throughput_rps: x,
        bracket: b.bracket,
        limited_by: Some(b.criterion),
        from_sla,
        statement: format!(
            "{what} holds up to ≈ {} at ≈ {} users{range}; {criterion} is the limit",
            x.map(format_rate)
                .unwrap_or_else(|| "an unknown rate".into()),
            fmt_users(n)
        ),
    })
}

/// Users needed for the SLA's throughput target, N = X_target × (R + Z), with R the
/// mean latency at the headroom load; `None` without a target or latency data.
pub fn sizing(
    points: &[LoadPoint],
    headroom: Option<&SlaHeadroom>,
    c: &Criteria,
) -> Option<Sizing> {
    let target = c.target_rps.filter(|t| *t > 0.0)?;
    let at = headroom
        .and_then(|h| h.users)
        .or_else(|| points.first().map(|p| p.users))?;
    let r_ms = mean_ms_at(points, at)?;
    let z = c.think_time_s.unwrap_or(0.0);
    let users = target * (r_ms / 1000.0 + z);
    let capacity = headroom.and_then(|h| h.throughput_rps).filter(|x| *x > 0.0);
    let instances = capacity.map(|x| (target / x).ceil().max(1.0) as u32);
    let think = match (&c.think_time, c.think_time_s) {
        (Some(t), Some(z)) => format!("Z = {} ({t})", format_ms(z * 1000.0)),
        _ => "Z = 0 (think time unknown: a lower bound)".into(),
    };
    let mut statement = format!(
        "{} needs ≈ {} concurrent users (N = X·(R+Z) with R = {} measured at the headroom load, \
         {think})",
        format_rate(target),
        fmt_users(users),
        format_ms(r_ms)
    );
    match (instances, capacity) {
        (Some(k), Some(x)) if k > 1 => statement.push_str(&format!(
            "; one instance keeps the SLA only up to ≈ {}, so ≈ {k} instances are needed",
            format_rate(x)
        )),
        (Some(_), Some(x)) => statement.push_str(&format!(
            "; one instance keeps the SLA up to ≈ {}",
            format_rate(x)
        )),
        _ => {}
    }
    Some(Sizing {
        target_rps: target,
        users,
        response_time_ms: r_ms,
        think_time_s: z,
        instances,
        statement,
    })
}
