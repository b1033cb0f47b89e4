//! A percentile rule on overall, whose summary is merged from its stages': the
//! merge's percentiles are estimates (`≈`), but the stages' own figures bound them
//! exactly. The p-th percentile of requests pooled from several sets lies between the
//! smallest and the largest of the sets' own p-th percentiles (at most a share 1 − p
//! of each set is above the largest, so of the pool too; likewise below the
//! smallest). So when every stage's p(95) is at most 80 ms, overall's is at most
//! 80 ms — proven, not approximate. Each stage's percentile over all its requests is
//! known as the SLA judges it: a printed figure, the printed figures around it
//! (`bounded.rs`), or, with timed-out requests left out of its latency, the bounds
//! their rank leaves (`censored.rs`, at both ends of a rounded count's band). The
//! rule is judged on those bounds when they settle it; otherwise on the estimate, as
//! before. Only where overall is exactly the stages together (its requests and
//! latencies are their sums).

use std::collections::BTreeMap;

use super::bounded::Figure;
use super::rule::{Metric, Rule};
use super::{Judgement, RuleStatus, ScopeData};
use crate::analysis::metrics::ScopeMetrics;
use crate::analysis::quantity::format_ms;
use crate::model::untrusted::ticked;
use crate::model::LatencyDistribution;

/// A part of a pooled scope: its name (a stage's) and figures.
pub(super) type Part<'a> = (&'a str, &'a ScopeMetrics);

/// Overall's parts (`stage` `None`): the stages' scopes of `endpoint` (`None`: the
/// whole stages), whose figures bound its merged ones; none for a stage's scope.
pub(super) fn parts<'a>(
    index: &BTreeMap<(Option<&str>, Option<&str>), &'a ScopeData<'a>>,
    stages: &'a [String],
    stage: Option<&str>,
    endpoint: Option<&str>,
) -> Vec<Part<'a>> {
    if stage.is_some() {
        return Vec::new();
    }
    (stages.iter())
        .filter_map(|s| index.get(&(Some(s.as_str()), endpoint)))
        .map(|d| (d.stage.unwrap_or_default(), d.metrics))
        .collect()
}

/// The judgement of a percentile rule on `d`, a merged summary of `parts`, from the
/// parts' own bounds, when those settle it; `None` otherwise (judged as before).
pub(super) fn judge(rule: &Rule, d: &ScopeData<'_>, parts: &[Part<'_>]) -> Option<Judgement> {
    let (Metric::Percentile(p), None) = (rule.metric, &rule.window) else {
        return None;
    };
    let m = d.metrics;
    let merged = matches!(&m.latency, LatencyDistribution::Summary(s) if s.merged);
    let sum = |f: fn(&ScopeMetrics) -> u64| parts.iter().map(|(_, pm)| f(pm)).sum::<u64>();
    if !merged
        || parts.len() < 2
        || sum(|pm| pm.requests) != m.requests
        || sum(|pm| pm.latency.count()) != m.latency.count()
    {
        return None;
    }
    let ranges: Vec<[Option<f64>; 2]> = parts
        .iter()
        .map(|(_, pm)| super::censored::over_all_requests(pm, p))
        .collect();
    let low = ranges.iter().map(|r| r[0]).reduce(min_known)?;
    let high = ranges.iter().map(|r| r[1]).reduce(max_known)?;
    let holds = |v: f64| rule.op.holds(v, rule.limit);
    let upper = rule.op.is_upper_bound();
    let (passes_on, fails_on) = if upper { (high, low) } else { (low, high) };
    let (mut status, v) = match (passes_on, fails_on) {
        (Some(v), _) if holds(v) => (RuleStatus::Pass, v),
        (_, Some(v)) if !holds(v) => (RuleStatus::Fail, v),
        _ => return None,
    };
    let pass = status == RuleStatus::Pass;
    let sign = if upper == pass { "≤" } else { "≥" };
    let each: Vec<String> = parts
        .iter()
        .zip(&ranges)
        .map(|((name, _), r)| format!("{} {}", ticked(name), shown(r)))
        .collect();
    let mut notes = vec![format!(
        "exact bound from the stages' own figures ({}): a percentile over their requests \
         together lies between the smallest and the largest of theirs, so {} {sign} {} \
         (the merged summary's estimate is only approximate)",
        each.join(", "),
        rule.metric,
        format_ms(v)
    )];
    let needed = ScopeMetrics::min_samples_for(p);
    if pass && m.latency.count() < needed {
        notes.push(format!(
            "{} rests on {} samples; at least {needed} are needed to trust it \
             (10 ÷ (1 − p))",
            rule.metric,
            m.latency.count(),
        ));
        status = RuleStatus::InsufficientData;
    } else if let Some(note) = pass
        .then(|| super::censored::failures_under_a_pass(rule, p, m))
        .flatten()
    {
        notes.push(note);
        status = RuleStatus::NotProven;
    }
    Some(Judgement {
        value: None,
        bound: Some((
            format!("{sign} {}", format_ms(v)),
            pass,
            printed_figure(parts, &ranges, v, p),
        )),
        status,
        interval: match (low, high) {
            (Some(a), Some(b)) => Some([a, b]),
            _ => None,
        },
        note: Some(notes.join("; ")),
        window: None,
    })
}

/// The figure a stage printed that the bound `v` is (siege's max `0.14` secs, a
/// wrk p(99)), so that `discount_rounded` weighs its rounding as it does on the
/// stage itself; the percentile `p` when the stage's latencies are exact.
fn printed_figure(parts: &[Part<'_>], ranges: &[[Option<f64>; 2]], v: f64, p: f64) -> Figure {
    let same = |x: Option<f64>| x.is_some_and(|x| (x - v).abs() < 1e-9);
    let (_, m) = (parts.iter().zip(ranges))
        .find(|(_, r)| same(r[0]) || same(r[1]))?
        .0;
    match &m.latency {
        LatencyDistribution::Summary(s) => (s.points.iter())
            .find(|(_, x)| same(Some(*x)))
            .map(|&(q, x)| (Metric::Percentile(q), x))
            .or_else(|| same(s.max_ms).then_some((Metric::Max, v)))
            .or_else(|| same(s.min_ms).then_some((Metric::Min, v))),
        _ => Some((Metric::Percentile(p), v)),
    }
}

/// `≤ 80 ms`, `64–80 ms`, `≥ 995 ms`: a stage's range as shown in the note.
fn shown(r: &[Option<f64>; 2]) -> String {
    match *r {
        [Some(a), Some(b)] if (a - b).abs() < 1e-9 => format_ms(a),
        [Some(a), Some(b)] => format!("{}–{}", format_ms(a), format_ms(b)),
        [Some(a), None] => format!("≥ {}", format_ms(a)),
        [None, Some(b)] => format!("≤ {}", format_ms(b)),
        [None, None] => "unknown".to_string(),
    }
}

/// The smaller of two lower bounds; unknown when either is.
fn min_known(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a?.min(b?))
}

/// The larger of two upper bounds; unknown when either is.
fn max_known(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a?.max(b?))
}
