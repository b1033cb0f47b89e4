//! A percentile rule on a summary that does not print that percentile, judged by the
//! ones it does: percentiles never decrease with p, so wrk's p(90) and p(99) bracket
//! its p(95), and its max bounds every percentile. `p(95) < 500ms` passes when the
//! bracket's top (p(99) = 61 ms) is under the limit and fails when its bottom is
//! already past it; in between the data cannot say (the note shows the bracket). The
//! value stays unknown: the evaluation shows the bound it rests on (`≤ 61 ms`), never
//! a made-up point.

use super::rule::{Metric, Rule};
use super::{Judgement, RuleStatus};
use crate::analysis::metrics::ScopeMetrics;
use crate::analysis::quantity::format_ms;
use crate::model::LatencyDistribution;

/// The judgement of `rule` on `p`, which `m`'s summary does not print, from the
/// percentiles it does (and its min and max), if they bracket `p` on the side that
/// decides. `None` when they cannot (no summary, a merged one, whose percentiles are
/// estimates, or no figure on that side).
pub(super) fn judge(rule: &Rule, p: f64, m: &ScopeMetrics) -> Option<Judgement> {
    let (below, above) = neighbours(m, p)?;
    let upper = rule.op.is_upper_bound();
    // The side whose figure can settle the rule: for `<` the one above passes it and
    // the one below fails it; for `>` the other way round.
    let (passes_on, fails_on) = if upper {
        (above, below)
    } else {
        (below, above)
    };
    let holds = |v: f64| rule.op.holds(v, rule.limit);
    let sign = |pass: bool| if upper == pass { "≤" } else { "≥" };
    let (status, (figure, v)) = match (passes_on, fails_on) {
        (Some(b), _) if holds(b.1) => (RuleStatus::Pass, b),
        (_, Some(b)) if !holds(b.1) => (RuleStatus::Fail, b),
        (Some(_), Some(_)) => return Some(straddles(rule, below?, above?)),
        _ => return None,
    };
    let pass = status == RuleStatus::Pass;
    let name = figure_name(figure);
    let mut notes = vec![format!(
        "the source prints no {metric}; its {name} ({}) bounds it: {metric} {} {name}, \
         so the rule {}",
        format_ms(v),
        sign(pass),
        if pass { "holds" } else { "fails" },
        metric = rule.metric,
    )];
    // The bound settles the sample's own p(95) exactly; whether that speaks for the
    // load's takes the samples a measured p(95) would (as `judge.rs` asks).
    let needed = ScopeMetrics::min_samples_for(p);
    let status = if pass && m.latency.count() < needed {
        notes.push(format!(
            "{} rests on {} samples; at least {needed} are needed to trust it \
             (10 ÷ (1 − p))",
            rule.metric,
            m.latency.count(),
        ));
        RuleStatus::InsufficientData
    } else {
        status
    };
    let interval = match (below, above) {
        (Some(lo), Some(hi)) => Some([lo.1, hi.1]),
        _ => None,
    };
    Some(Judgement {
        value: None,
        bound: Some((
            format!("{} {}", sign(pass), format_ms(v)),
            pass,
            Some((figure, v)),
        )),
        status,
        interval,
        note: Some(notes.join("; ")),
        window: None,
    })
}

/// The judgement of `rule` when the printed figures `below` and `above` its
/// percentile lie on either side of its limit (wrk's p(90) 70 ms and p(99) 120 ms
/// around `p(95) < 100ms`): the data cannot say, and the note shows the bracket.
fn straddles(rule: &Rule, below: (Metric, f64), above: (Metric, f64)) -> Judgement {
    Judgement {
        value: None,
        bound: None,
        status: RuleStatus::InsufficientData,
        interval: Some([below.1, above.1]),
        note: Some(format!(
            "the source prints no {metric}; its {} ({}) and {} ({}) bracket it on either \
             side of the limit, so the data cannot say whether the rule holds",
            figure_name(below.0),
            format_ms(below.1),
            figure_name(above.0),
            format_ms(above.1),
            metric = rule.metric,
        )),
        window: None,
    }
}

/// A printed figure next to an unprinted percentile: its metric (`p(90)`, `max`) and
/// value, ms.
pub(super) type Figure = Option<(Metric, f64)>;

/// The printed figures of `m`'s summary just below and just above percentile `p` (the
/// min and max at the ends); `None` when `m` is no single tool summary (exact
/// latencies, or a merged summary whose percentiles are estimates).
fn neighbours(m: &ScopeMetrics, p: f64) -> Option<(Figure, Figure)> {
    let LatencyDistribution::Summary(s) = &m.latency else {
        return None;
    };
    if s.merged {
        return None;
    }
    let below = (s.points.iter().rev().find(|(q, _)| *q < p))
        .map(|&(q, v)| (Metric::Percentile(q), v))
        .or_else(|| s.min_ms.map(|v| (Metric::Min, v)));
    let above = (s.points.iter().find(|(q, _)| *q > p))
        .map(|&(q, v)| (Metric::Percentile(q), v))
        .or_else(|| s.max_ms.map(|v| (Metric::Max, v)));
    Some((below, above))
}

/// The bounds `[at least, at most]` (ms) the printed percentiles put on percentile `p`
/// of a summary that does not print it (wrk's p(90) and p(99) around its p(95)), for
/// the capacity's latency criterion to weigh as the SLA table does; `None` when the
/// summary prints `p` itself, or nothing bounds it.
pub fn percentile_bounds(m: &ScopeMetrics, p: f64) -> Option<[Option<f64>; 2]> {
    if m.percentile(p).is_some() {
        return None;
    }
    let (below, above) = neighbours(m, p)?;
    let bounds = [below.map(|b| b.1), above.map(|a| a.1)];
    (bounds != [None, None]).then_some(bounds)
}

/// A printed figure's name: `p(90)`, `max`.
fn figure_name(m: Metric) -> String {
    match m {
        Metric::Percentile(q) => format!("p({})", trim(q)),
        m => m.to_string(),
    }
}

/// `95`, `99.9`: a percentile's number as written in a rule.
fn trim(q: f64) -> String {
    let s = format!("{q:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
