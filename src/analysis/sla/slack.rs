//! A rule on a count (error rate, availability, a status share, throughput, goodput,
//! requests, Apdex) over counts a source gives only within a band: autocannon's
//! console prints `2k requests` for anything from 1,500 to 2,499, so 400 timeouts are
//! an error rate of 16 % to 26.7 %, not the 20 % the rounded count gives. The rule is
//! judged at both ends of what the data allows — the fewest requests with the most
//! failures, and the most requests with the fewest — each as exact counts: it passes
//! only if it passes at both, fails only if it fails at both, and is `not_proven`
//! otherwise, with both ends in its note. The value shown is the printed counts'; the
//! interval spans both ends' 95 % intervals. Latency rules do not depend on the counts
//! and are judged as measured, except where timed-out requests are left out of the
//! latency: where a percentile over every request falls then depends on the counts,
//! and `censored.rs` judges it at both ends of the band the same way.

use super::rule::{Metric, Rule};
use super::{Judgement, RuleStatus, ScopeData};
use crate::analysis::metrics::ScopeMetrics;
use crate::analysis::quantity::{format_count, format_value};
use crate::model::{CountSlack, FailureKind};

/// How the note of a rule the band of rounded counts leaves unproven begins.
pub const ROUNDED_COUNTS_NOTE: &str = "the tool rounds its counts, known only to";

/// The judgement of `rule` on `d` when its counts are known only within a band and
/// the rule's metric is a count's; `None` otherwise (exact counts, a latency rule).
pub(super) fn judge(rule: &Rule, d: &ScopeData<'_>, expected: &[u16]) -> Option<Judgement> {
    let m = d.metrics;
    let slack = m.count_slack;
    if slack.is_exact() || !on_counts(rule.metric) {
        return None;
    }
    let on = |metrics: &ScopeMetrics| {
        super::judge::judge(
            rule,
            &ScopeData {
                metrics,
                endpoint: d.endpoint.clone(),
                ..*d
            },
            expected,
        )
    };
    let printed = on(&end(m, None));
    let [low, high] = [false, true].map(|more_failing| on(&end(m, Some(more_failing))));
    let status = both_ends(low.status, high.status);
    let shown = |j: &Judgement| {
        j.value.map_or("unknown".to_string(), |v| {
            format_value(&rule.metric.to_string(), v)
        })
    };
    let band = format!(
        "{ROUNDED_COUNTS_NOTE} ±{} requests{} (its notes say how): {} is {} with the most \
         requests and fewest failures the data allows, {} with the fewest requests and most \
         failures",
        format_count(slack.requests as f64),
        if slack.failures > 0 {
            format!(" and ±{} failures", format_count(slack.failures as f64))
        } else {
            String::new()
        },
        rule.metric,
        shown(&low),
        shown(&high),
    );
    let at = |j: &Judgement, end: &str| {
        (j.status != RuleStatus::Pass)
            .then(|| j.note.as_ref().map(|n| format!("with the {end}: {n}")))
            .flatten()
    };
    let holds = |j: &Judgement| j.value.map(|v| rule.op.holds(v, rule.limit));
    let straddles = matches!((holds(&low), holds(&high)), (Some(a), Some(b)) if a != b);
    let notes: Vec<String> = if status == RuleStatus::NotProven && straddles {
        // The band decides: its note comes first (the verdict's reason reads it).
        std::iter::once(format!("{band}: on both sides of the limit"))
            .chain(printed.note.clone())
            .collect()
    } else {
        (printed.note.clone().into_iter())
            .chain(at(&low, "most requests and fewest failures"))
            .chain(at(&high, "fewest requests and most failures"))
            .chain(std::iter::once(format!(
                "{band}: {}",
                match (holds(&low), holds(&high)) {
                    (Some(true), Some(true)) => "it meets the limit at both ends",
                    (Some(false), Some(false)) => "it misses the limit at both ends",
                    _ => "it cannot be measured at one end",
                }
            )))
            .collect()
    };
    let interval = match (low.interval, high.interval) {
        (Some([a, b]), Some([c, e])) => Some([a.min(c), b.max(e)]),
        _ => None,
    };
    Some(Judgement {
        status,
        interval,
        note: Some(dedup(notes).join("; ")),
        ..printed
    })
}

/// The metrics whose value the request and failure counts make.
fn on_counts(metric: Metric) -> bool {
    matches!(
        metric,
        Metric::Throughput
            | Metric::Goodput
            | Metric::ErrorRate
            | Metric::Availability
            | Metric::Requests
            | Metric::StatusShare(_)
            | Metric::Apdex { .. }
    )
}

/// `m` with exact counts: the printed ones (`None`), or one end of the band — the
/// fewest requests with the most failures (`Some(true)`: the highest error rate, the
/// lowest throughput and goodput) or the most requests with the fewest failures.
/// Failures added at the high end are of unknown kind (they may have had any status).
fn end(m: &ScopeMetrics, more_failing: Option<bool>) -> ScopeMetrics {
    let mut e = m.clone();
    e.count_slack = CountSlack::default();
    let s = m.count_slack;
    match more_failing {
        None => {}
        Some(true) => {
            e.failures = m.failures.saturating_add(s.failures);
            e.requests = m.requests.saturating_sub(s.requests).max(e.failures);
            if s.failures > 0 {
                *e.failures_by_kind.entry(FailureKind::Other).or_default() += s.failures;
            }
        }
        Some(false) => {
            e.failures = m.failures.saturating_sub(s.failures);
            e.requests = m.requests.saturating_add(s.requests);
        }
    }
    e
}

/// The status of a rule judged at both ends of the band: the same at both, or
/// `not_proven` (`insufficient_data` when either end cannot be judged).
pub(super) fn both_ends(a: RuleStatus, b: RuleStatus) -> RuleStatus {
    match (a, b) {
        (RuleStatus::InsufficientData, _) | (_, RuleStatus::InsufficientData) => {
            RuleStatus::InsufficientData
        }
        (a, b) if a == b => a,
        _ => RuleStatus::NotProven,
    }
}

/// The notes without repeats, in order.
fn dedup(notes: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in notes {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}
