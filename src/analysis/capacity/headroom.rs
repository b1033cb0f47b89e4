//! The headroom answer: "the SLA holds up to ≈ X req/s at ≈ N users (bracket)", and
//! sizing for a target rate with the interactive response-time law N = X·(R + Z).
//!
//! The binding criterion is the one whose bracket closes first. When the brackets of
//! two criteria overlap, the data cannot say which crosses first: the statement names
//! both with their brackets and suggests load levels to run next, instead of naming
//! one "the limit". When the binding crossing is only bracketed (no point estimate),
//! the headroom is the last measured level where the SLA holds. With one load level
//! there is no capacity estimate at all, only what that level shows.

use crate::analysis::words::ticked;
use serde::Serialize;

use super::breaking_points::{fmt_users, BreakingPoint, Criterion, LatencyBasis};
use super::load_points::{goodput_at, mean_ms_at, several_levels, LoadPoint};
use super::Criteria;
use crate::analysis::quantity::{format_ms, format_rate};

/// Where the SLA (or the default limits) stops holding.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SlaHeadroom {
    /// Load up to which it holds: interpolated, or the last measured level where it
    /// holds when the data only brackets the crossing or cannot order the criteria;
    /// null when it fails at the lowest load or there is one load level.
    pub users: Option<f64>,
    /// Goodput at that load, req/s.
    pub throughput_rps: Option<f64>,
    /// Measured load levels around `users`; `[N_max, null]` when it holds throughout.
    pub bracket: [Option<f64>; 2],
    /// The criterion that breaks first: null when none does, and when `limits` has
    /// several (the data cannot order them, so none is named the limit).
    pub limited_by: Option<Criterion>,
    /// Every criterion bounding the headroom: one when the data orders them, several
    /// when they cross inside overlapping brackets.
    pub limits: Vec<Criterion>,
    /// Load levels worth running next to narrow the bracket (or to order the
    /// criteria); empty when the crossing is already pinned down.
    pub next_levels: Vec<f64>,
    /// True when judged against an SLA file, false for the default limits.
    pub from_sla: bool,
    /// False when the statement leaves an SLA rule open at loads it speaks of: the
    /// SLA's latency rule settled only up to `users` (the printed percentiles reach
    /// both sides of its limit above) or measured at no stage, or rules the SLA table
    /// does not settle (not proven, lacking data) at loads it says the SLA holds at.
    /// The Capacity readiness row is then at most AT RISK.
    pub settled: bool,
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
    /// The response time R used, ms (measured where goodput reaches the target, or at
    /// the headroom load).
    pub response_time_ms: f64,
    /// The think time Z used, s (0 when unknown: then `users` is a lower bound).
    pub think_time_s: f64,
    /// Instances of the measured system needed when one cannot carry the target
    /// within the SLA: ⌈target ÷ headroom goodput⌉; null when the SLA held at every
    /// measured load (that goodput is no limit: the statement gives the upper bound).
    pub instances: Option<u32>,
    /// The answer in words.
    pub statement: String,
}

/// How the statement names what it judges: its subject and verb ("The SLA holds",
/// "The default limits … hold"), and what it leaves out.
struct Wording {
    what: String,
    holds: &'static str,
    /// Said after the statement when the SLA's latency rule cannot bound the headroom
    /// (no stage measures its percentile).
    latency_note: Option<String>,
}

impl Wording {
    /// `watched`: the latency the default limit watches (`p95`, or `mean latency` for
    /// a tool that prints no p95).
    fn of(c: &Criteria, latency_on_sla: bool, watched: &str) -> Wording {
        let from_sla = c.from_an_sla();
        let (what, holds) = if from_sla {
            ("The SLA".to_string(), "holds")
        } else {
            (
                format!(
                    "The default limits ({watched} within 2× its low-load value, errors \
                     under 1%)"
                ),
                "hold",
            )
        };
        let latency_note = match &c.latency_rule {
            Some(rule) if from_sla && !latency_on_sla => Some(format!(
                "; the SLA's {} is not weighed here: no stage measures the p{} (the SLA \
                 table judges it where the percentiles printed around it settle it)",
                ticked(rule),
                c.latency_percentile
            )),
            _ => None,
        };
        Wording {
            what,
            holds,
            latency_note,
        }
    }
}

/// The criterion's name in a sentence.
pub(super) fn criterion_name(c: Criterion) -> &'static str {
    match c {
        Criterion::Latency => "latency",
        Criterion::ErrorRate => "the error rate",
        Criterion::Saturation => "saturation",
        Criterion::Retrograde => "retrograde goodput",
    }
}

/// A breaking point's bracket as an interval; the lower end is −∞ when it breaks at
/// the lowest load.
pub(super) fn span(b: &BreakingPoint) -> (f64, f64) {
    (
        b.bracket[0].unwrap_or(f64::NEG_INFINITY),
        b.bracket[1].unwrap_or(f64::INFINITY),
    )
}

/// Three load levels evenly inside `(lo, hi)`, rounded to a step that reads well.
pub fn levels_between(lo: f64, hi: f64) -> Vec<f64> {
    let step = (hi - lo) / 4.0;
    let unit = if step >= 20.0 {
        10.0
    } else if step >= 5.0 {
        5.0
    } else {
        1.0
    };
    let mut out: Vec<f64> = (1..=3)
        .map(|k| ((lo + step * f64::from(k)) / unit).round() * unit)
        .filter(|n| *n > lo && *n < hi)
        .collect();
    out.dedup();
    out
}

fn join_users(levels: &[f64]) -> String {
    let names: Vec<String> = levels.iter().map(|n| fmt_users(*n)).collect();
    join_words(&names)
}

/// `a`, `a and b`, `a, b and c`.
pub(super) fn join_words(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The headroom from the latency and error breaking points; `None` without points.
/// With one load level there is no capacity estimate: the statement says so and what
/// that level shows.
pub fn sla_headroom(
    points: &[LoadPoint],
    latency: Option<&BreakingPoint>,
    errors: Option<&BreakingPoint>,
    c: &Criteria,
) -> Option<SlaHeadroom> {
    let last = points.last()?;
    let from_sla = c.from_an_sla();
    // The SLA's headroom rests on its own latency rule only: a crossing of the default
    // 2× limit (the SLA has no latency rule, or no stage its percentile) stays a
    // breaking point, and is no SLA limit.
    let basis = LatencyBasis::of(points, c);
    let latency_on_sla = basis.sla_limit;
    let latency = latency.filter(|_| !from_sla || latency_on_sla);
    let w = Wording::of(c, latency_on_sla, &basis.what);
    if !several_levels(points) {
        return Some(super::one_level::one_level(points, c));
    }
    // In criterion order (latency, then errors): the order ties are named in.
    let reached: Vec<&BreakingPoint> = [latency, errors]
        .into_iter()
        .flatten()
        .filter(|b| b.reached)
        .collect();
    // The binding criterion: the one whose bracket closes first (then the lower estimate).
    let binding = reached.iter().copied().min_by(|a, b| {
        span(a)
            .1
            .total_cmp(&span(b).1)
            .then(a.users.unwrap_or(0.0).total_cmp(&b.users.unwrap_or(0.0)))
    });
    // The SLA's latency rule proven only up to a level below the largest (the printed
    // percentiles leave it unsettled above): the headroom stops there unless another
    // criterion binds lower.
    let unsettled = latency.and(super::latency_bounds::proven_until_unsettled(points, c));
    if let Some(proven) = unsettled {
        if binding.is_none_or(|b| proven.is_none_or(|n| span(b).0 >= n)) {
            let said = (w.what.as_str(), w.holds);
            let h = super::latency_bounds::unsettled_above(said, points, proven, binding, from_sla);
            return Some(noted(h, &w, points));
        }
    }
    let Some(b) = binding else {
        return Some(noted(whole_range(&w, last, from_sla), &w, points));
    };
    // Criteria whose brackets overlap the binding one's: the data cannot order them.
    let (a0, a1) = span(b);
    let tied: Vec<&BreakingPoint> = reached
        .iter()
        .copied()
        .filter(|o| {
            let (b0, b1) = span(o);
            a0.max(b0) < a1.min(b1) || (a0 == b0 && a1 == b1)
        })
        .collect();
    let limits: Vec<Criterion> = tied.iter().map(|t| t.criterion).collect();
    let lowest = points[0].users;
    let mut headroom = SlaHeadroom {
        users: None,
        throughput_rps: None,
        bracket: b.bracket,
        // Tied criteria: the data cannot say which breaks first.
        limited_by: (limits.len() == 1).then_some(b.criterion),
        limits: limits.clone(),
        next_levels: Vec::new(),
        from_sla,
        settled: true,
        statement: String::new(),
    };
    // Over at the lowest load.
    if b.bracket[0].is_none() {
        let names: Vec<String> = limits
            .iter()
            .map(|c| criterion_name(*c).to_string())
            .collect();
        headroom.statement = not_even_at_lowest(&w, &names, lowest);
        return Some(noted(headroom, &w, points));
    }
    if tied.len() > 1 {
        tied_limits(&mut headroom, points, &tied, a1, &w);
        return Some(noted(headroom, &w, points));
    }
    one_limit(&mut headroom, points, b, (a0, a1), &w);
    Some(noted(headroom, &w, points))
}

/// The headroom, its statement followed by what it leaves out and, for an open-model
/// run, what its load levels are.
fn noted(mut h: SlaHeadroom, w: &Wording, points: &[LoadPoint]) -> SlaHeadroom {
    if let Some(note) = w.latency_note.as_ref() {
        h.statement.push_str(note);
        h.settled = false;
    }
    if let Some(note) = open_model_note(points, &h.next_levels) {
        h.statement.push_str(&note);
    }
    h
}

/// For stages that set arrival rates (open model), whose load N is their measured
/// concurrency X·R: says so, and turns the levels to run next into arrival rates
/// (interpolated between the stages'), the knob such a run has.
fn open_model_note(points: &[LoadPoint], next: &[f64]) -> Option<String> {
    let rates: Vec<(f64, f64)> = points
        .iter()
        .map(|p| p.arrival_rate_rps.map(|r| (p.users, r)))
        .collect::<Option<_>>()?;
    let (lo, hi) = rates.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), r| {
        (lo.min(r.1), hi.max(r.1))
    });
    let mut note = format!(
        " (these stages set arrival rates, {} to {}: their load in users is the \
         concurrency X·R they measured",
        format_rate(lo),
        format_rate(hi)
    );
    let at: Vec<String> = next
        .iter()
        .filter_map(|&n| {
            let i = rates.windows(2).position(|w| w[0].0 <= n && n <= w[1].0)?;
            let ((n0, r0), (n1, r1)) = (rates[i], rates[i + 1]);
            let r = if n1 > n0 {
                r0 + (n - n0) / (n1 - n0) * (r1 - r0)
            } else {
                r0
            };
            Some(format_rate(r))
        })
        .collect();
    if !at.is_empty() && at.len() == next.len() {
        note.push_str(&format!(
            "; as arrival rates, those levels are about {}",
            join_words(&at)
        ));
    }
    note.push(')');
    Some(note)
}

/// No criterion reached: the headroom is the whole measured range.
fn whole_range(w: &Wording, last: &LoadPoint, from_sla: bool) -> SlaHeadroom {
    let (what, holds) = (w.what.as_str(), w.holds);
    SlaHeadroom {
        users: Some(last.users),
        throughput_rps: Some(last.goodput_rps),
        bracket: [Some(last.users), None],
        limited_by: None,
        limits: Vec::new(),
        next_levels: Vec::new(),
        from_sla,
        settled: true,
        statement: format!(
            "{what} {holds} over the whole measured range: up to {} at {} users (the largest \
         measured load; beyond it is unmeasured)",
            goodput_words(last.goodput_rps, last.failures),
            fmt_users(last.users)
        ),
    }
}

/// The statement when the binding criteria are over their limits at the lowest load.
fn not_even_at_lowest(w: &Wording, names: &[String], lowest: f64) -> String {
    let (what, holds) = (w.what.as_str(), w.holds);
    let fails = if holds == "holds" {
        "does not hold"
    } else {
        "do not hold"
    };
    if names.len() > 1 {
        format!(
            "{what} {fails} even at the lowest measured load ({} users): both {} are \
             over their limits there",
            fmt_users(lowest),
            names.join(" and ")
        )
    } else {
        format!(
            "{what} {fails} even at the lowest measured load ({} users): {} is over \
             its limit there",
            fmt_users(lowest),
            names[0]
        )
    }
}

/// Several criteria cross in overlapping brackets: the headroom holds at the highest
/// level every one of them holds at, and none is named the limit.
fn tied_limits(
    headroom: &mut SlaHeadroom,
    points: &[LoadPoint],
    tied: &[&BreakingPoint],
    a1: f64,
    w: &Wording,
) {
    let (what, holds) = (w.what.as_str(), w.holds);
    // It holds at the highest level every tied criterion holds at.
    let lo = tied.iter().map(|t| span(t).0).fold(f64::INFINITY, f64::min);
    let hi = a1;
    let same = tied.iter().all(|t| span(t) == (lo, hi));
    let each: Vec<String> = tied
        .iter()
        .map(|t| {
            let name = criterion_name(t.criterion);
            let (l, h) = span(t);
            match (same, t.users, t.model_users) {
                (true, Some(n), _) => {
                    format!("{name} (≈ {} users by interpolation)", fmt_users(n))
                }
                (true, None, Some(m)) => {
                    format!("{name} (≈ {} users by a queueing model)", fmt_users(m))
                }
                (true, None, None) => format!("{name} (no point estimate)"),
                (false, ..) => format!(
                    "{name} (crosses between {} and {} users)",
                    fmt_users(l),
                    fmt_users(h)
                ),
            }
        })
        .collect();
    headroom.bracket = [Some(lo), Some(hi)];
    let at = holds_at(headroom, points, lo, hi);
    headroom.statement = format!(
        "{what} {holds} {at}: {} both cross in that bracket and the data cannot order them, so \
         neither is named the limit; run load levels at {} users to tell which comes first",
        each.join(" and "),
        join_users(&headroom.next_levels)
    );
}

/// One criterion binds: the headroom is its estimate, or the lower level of its
/// bracket when there is only a bracket.
fn one_limit(
    headroom: &mut SlaHeadroom,
    points: &[LoadPoint],
    b: &BreakingPoint,
    (lo, hi): (f64, f64),
    w: &Wording,
) {
    let (what, holds) = (w.what.as_str(), w.holds);
    let criterion = criterion_name(b.criterion);
    match b.users {
        Some(n) => {
            let x = goodput_at(points, n);
            headroom.users = Some(n);
            headroom.throughput_rps = x;
            headroom.statement = format!(
                "{what} {holds} up to ≈ {} at ≈ {} users (between {} and {} users); {criterion} is \
                 the limit",
                x.map(format_rate)
                    .unwrap_or_else(|| "an unknown rate".into()),
                fmt_users(n),
                fmt_users(lo),
                fmt_users(hi)
            );
        }
        None => {
            // Only a bracket: it holds at its lower level, measured.
            let at = holds_at(headroom, points, lo, hi);
            let model = b
                .model_users
                .map(|m| {
                    format!(
                        "; a queueing-model estimate puts it near ≈ {} users",
                        fmt_users(m)
                    )
                })
                .unwrap_or_default();
            headroom.statement = format!(
                "{what} {holds} {at}; {criterion} is the limit, its onset only bracketed by the \
                 data{model}; run load levels at {} users to narrow it",
                join_users(&headroom.next_levels)
            );
        }
    }
}

/// Sets the headroom to the measured level `lo` (the last where it holds) with the
/// levels to run inside `(lo, hi)`, and says so: "at lo users (X, measured) and not
/// at hi users".
fn holds_at(h: &mut SlaHeadroom, points: &[LoadPoint], lo: f64, hi: f64) -> String {
    h.users = Some(lo);
    h.throughput_rps = goodput_at(points, lo);
    h.next_levels = levels_between(lo, hi);
    format!(
        "at {} users ({}, measured) and not at {} users",
        fmt_users(lo),
        h.throughput_rps
            .map(|rps| {
                let failures = points
                    .iter()
                    .find(|p| p.users == lo)
                    .map_or(0, |p| p.failures);
                goodput_words(rps, failures)
            })
            .unwrap_or_else(|| "an unknown rate".into()),
        fmt_users(hi)
    )
}

/// A load level's goodput in words: "1,506 req/s goodput" where some of its requests
/// failed (so it is not the throughput its stage's table shows), else the rate alone.
pub(super) fn goodput_words(rps: f64, failures: u64) -> String {
    if failures > 0 {
        format!("{} goodput", format_rate(rps))
    } else {
        format_rate(rps)
    }
}

/// Users needed for the SLA's throughput target, N = X_target × (R + Z), with R the
/// mean latency where the measured goodput reaches the target (when it does within
/// the headroom), else at the headroom load; `None` without a target or latency data.
/// A target reached below the headroom load is served at that lower load's latency:
/// R at the headroom load (queueing past the knee) would overstate the users needed.
pub fn sizing(
    points: &[LoadPoint],
    headroom: Option<&SlaHeadroom>,
    c: &Criteria,
) -> Option<Sizing> {
    let target = c.target_rps.filter(|t| *t > 0.0)?;
    let headroom_users = headroom.and_then(|h| h.users);
    let reached = load_reaching(points, target).filter(|n| headroom_users.is_some_and(|h| *n <= h));
    let at = reached
        .or(headroom_users)
        .or_else(|| points.first().map(|p| p.users))?;
    let r_ms = mean_ms_at(points, at)?;
    let measured_at = match reached {
        Some(n) => format!("where goodput reaches it (≈ {} users)", fmt_users(n)),
        None => "at the headroom load".to_string(),
    };
    let z = c.think_time_s.unwrap_or(0.0);
    let users = target * (r_ms / 1000.0 + z);
    let capacity = headroom.and_then(|h| h.throughput_rps).filter(|x| *x > 0.0);
    // The SLA held at every measured load: the headroom goodput is the largest load
    // measured, not a limit, so ⌈target ÷ it⌉ > 1 instances is only an upper bound.
    let unbounded = headroom.is_some_and(|h| h.bracket[1].is_none() && h.limits.is_empty());
    let beyond_measured = reached.is_none() && points.iter().all(|p| p.goodput_rps < target);
    let needed = capacity.map(|x| (target / x).ceil().max(1.0) as u32);
    let unbounded = unbounded && needed.is_some_and(|k| k > 1);
    let instances = needed.filter(|_| !unbounded);
    let think = match (&c.think_time, c.think_time_s) {
        (Some(t), Some(z)) => format!("Z = {} ({t})", format_ms(z * 1000.0)),
        _ => "Z = 0 (think time unknown: a lower bound)".into(),
    };
    let mut statement = format!(
        "{} needs ≈ {} concurrent users (N = X·(R+Z) with R = {} measured {measured_at}, \
         {think})",
        format_rate(target),
        fmt_users(users),
        format_ms(r_ms)
    );
    if beyond_measured {
        statement.push_str(
            ", at least: the target lies beyond every measured goodput, where R can only grow",
        );
    }
    match (instances, capacity) {
        (None, Some(x)) if unbounded => statement.push_str(&format!(
            "; one instance kept the SLA up to ≈ {}, the largest load measured, and its limit \
             lies beyond that (unmeasured): at most {} instances are needed, maybe one; run \
             above {} to know",
            format_rate(x),
            (target / x).ceil().max(1.0),
            format_rate(x)
        )),
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

/// The lowest load at which the measured goodput reaches `target`, interpolated
/// between the two load points around it; `None` when no point reaches it.
fn load_reaching(points: &[LoadPoint], target: f64) -> Option<f64> {
    let first = points.first()?;
    if first.goodput_rps >= target {
        return Some(first.users);
    }
    points.windows(2).find_map(|w| {
        let (a, b) = (&w[0], &w[1]);
        (a.goodput_rps < target && b.goodput_rps >= target).then(|| {
            a.users
                + (b.users - a.users) * (target - a.goodput_rps) / (b.goodput_rps - a.goodput_rps)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::{not_even_at_lowest, Wording};

    fn wording(what: &'static str, holds: &'static str) -> Wording {
        Wording {
            what: what.to_string(),
            holds,
            latency_note: None,
        }
    }

    #[test]
    fn the_verb_agrees_with_its_subject() {
        let one = not_even_at_lowest(
            &wording("The SLA", "holds"),
            &["the error rate".into()],
            10.0,
        );
        assert!(one.starts_with("The SLA does not hold even at"), "{one}");
        assert!(
            one.ends_with("the error rate is over its limit there"),
            "{one}"
        );
        let two = not_even_at_lowest(
            &wording("The default limits", "hold"),
            &["p95".into(), "errors".into()],
            10.0,
        );
        assert!(
            two.starts_with("The default limits do not hold even at"),
            "{two}"
        );
        assert!(
            two.contains("both p95 and errors are over their limits"),
            "{two}"
        );
    }
}
