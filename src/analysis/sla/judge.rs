//! Judging one rule on one scope's whole-period figures (window rules are handed to
//! `window.rs`): the value, its 95 % interval, the status and a note saying why when
//! that is not obvious. The statuses are defined in the module documentation of
//! `sla`.

use super::rule::{Metric, Rule};
use super::stats::{
    percentile_interval_ms, scope_apdex, unmeasured_successes, wilson_interval, ApdexRange, Z_95,
};
use super::{drifting, expected_failures, window, Judgement, RuleStatus, ScopeData};
use crate::analysis::metrics::ScopeMetrics;
use crate::analysis::quantity::{format_ms, format_percent, format_score};
use crate::model::LatencyDistribution;

/// The note on a percentile estimated from merged summaries; its value is then
/// written `≈ 450 ms` wherever it is shown (`value_display`).
pub(super) const MERGED_NOTE: &str = "approximate: estimated from merged summaries";

/// Judges `rule` on `d`; `expected` are the statuses whose failures are not errors.
/// In steps: measure the value, its 95 % interval, then the checks that can turn a
/// measured pass into insufficient data or not proven.
pub(super) fn judge(rule: &Rule, d: &ScopeData<'_>, expected: &[u16]) -> Judgement {
    if rule.window.is_some() {
        return window::judge(rule, d, expected);
    }
    // Counts known only within a band (a console that rounds them): judged at both ends.
    if let Some(j) = super::slack::judge(rule, d, expected) {
        return j;
    }
    let m = d.metrics;
    if let Metric::Percentile(p) = rule.metric {
        // Timed-out requests left out of the latency: judged on the honest bounds.
        if let Some(j) = super::censored::judge_timeouts(rule, p, m) {
            return j;
        }
    }
    let mut notes: Vec<String> = Vec::new();
    let measured = match measure(rule, m, expected, &mut notes) {
        Ok(measured) => measured,
        Err(why) => return Judgement::unknown(why),
    };
    let Some(v) = measured.value else {
        // A percentile the summary does not print may be settled by those it does.
        let bounded = match rule.metric {
            Metric::Percentile(p) => super::bounded::judge(rule, p, m).map(|mut j| {
                // A pass the bounds show may rest on the failures' answers too.
                let failures = (j.status == RuleStatus::Pass)
                    .then(|| super::censored::failures_under_a_pass(rule, p, m))
                    .flatten();
                if let Some(note) = failures {
                    j.note = Some(match j.note.take() {
                        Some(n) => format!("{n}; {note}"),
                        None => note,
                    });
                    j.status = RuleStatus::NotProven;
                }
                j
            }),
            _ => None,
        };
        return bounded.unwrap_or_else(|| Judgement::unknown(why_unknown(rule.metric, m)));
    };
    // Latency figures cover the requests with a measured time (and Apdex the failures
    // too): say when some requests that did not fail have none.
    if let Some(note) = coverage_note(rule.metric, m) {
        notes.push(note);
    }
    let interval = interval_of(rule.metric, m, &measured);

    let mut status = if rule.op.holds(v, rule.limit) {
        RuleStatus::Pass
    } else {
        RuleStatus::Fail
    };
    if let Metric::Percentile(p) = rule.metric {
        status = check_samples(rule, p, m, status, interval, &mut notes);
        // A pass the failures' fast answers make is not one the successes show.
        if let Some(note) = (status == RuleStatus::Pass)
            .then(|| super::censored::judge_failures(rule, p, m, v))
            .flatten()
        {
            notes.push(note);
            status = RuleStatus::NotProven;
        }
    }
    if let (Metric::Throughput, RuleStatus::Pass) = (rule.metric, status) {
        // Failed requests count in the throughput: a pass the successes' rate
        // (goodput) misses is one the failures make.
        if let Some(note) = super::censored::throughput_on_failures(rule, m) {
            notes.push(note);
            status = RuleStatus::NotProven;
        }
    }
    status = check_interval(rule, v, m, status, interval, &measured, &mut notes);
    status = drifting::check_drift(rule, d, status, &mut notes);

    Judgement {
        value: Some(v),
        bound: None,
        status,
        interval,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
        window: None,
    }
}

/// A rule's metric measured on a scope, with what its interval needs.
struct Measured {
    /// The value (`None`: the scope's data cannot give it).
    value: Option<f64>,
    /// A proportion's events (failures counted as errors, responses of a status
    /// class), for the Wilson interval.
    events: Option<u64>,
    /// Apdex's range over where the failures were.
    apdex_range: Option<ApdexRange>,
}

/// Measures the rule's metric on `m`, noting what qualifies the value; `Err` says why
/// the metric cannot be measured here (the rule is then judged unknown).
fn measure(
    rule: &Rule,
    m: &ScopeMetrics,
    expected: &[u16],
    notes: &mut Vec<String>,
) -> Result<Measured, String> {
    // Failures counted as errors, and the proportion's events for the Wilson interval.
    let excluded = expected_failures(m, expected);
    let counted = m.failures - excluded;
    let mut events: Option<u64> = None;
    let mut apdex_range = None;
    let value = match rule.metric {
        Metric::Throughput => m.throughput_rps(),
        Metric::Goodput => m.goodput_rps(),
        Metric::Percentile(p) => {
            // A merged summary's percentiles are estimates (`MergedApproximate`).
            if matches!(&m.latency, LatencyDistribution::Summary(s) if s.merged) {
                notes.push(MERGED_NOTE.to_string());
            }
            m.percentile(p).map(|pv| pv.value_ms)
        }
        Metric::Mean => m.latency.mean_ms(),
        Metric::Min => m.latency.min_ms(),
        Metric::Max => m.latency.max_ms(),
        Metric::ErrorRate | Metric::Availability => {
            if excluded > 0 {
                notes.push(format!(
                    "{excluded} failures with an expected status ({}) not counted as errors",
                    statuses(expected)
                ));
            }
            events = Some(counted);
            (m.requests > 0).then(|| {
                let rate = counted as f64 / m.requests as f64;
                if rule.metric == Metric::Availability {
                    1.0 - rate
                } else {
                    rate
                }
            })
        }
        Metric::StatusShare(class) => {
            let (lo, hi) = class.range();
            if lo < 400 {
                return Err(format!(
                    "only failed responses carry a status in the data, so the share of {class} \
                     responses is unknown"
                ));
            }
            let k = m.failures_with_status(lo, hi);
            let unknown = m.failures_maybe_with_status(lo, hi);
            unknown_statuses_decide(rule, m, (k, unknown), class, notes)?;
            events = Some(k);
            (m.requests > 0).then(|| k as f64 / m.requests as f64)
        }
        Metric::Requests => Some(m.requests as f64),
        Metric::Apdex { t_ms, f_ms } => match scope_apdex(m, t_ms, f_ms) {
            Ok(range) => {
                apdex_range = Some(range);
                // Judge the favourable end; the other end decides `not_proven`.
                Some(rule.op.better(range.high, range.low))
            }
            Err(why) => return Err(why),
        },
    };
    Ok(Measured {
        value,
        events,
        apdex_range,
    })
}

/// `Err` when failures of unknown status (`unknown`: no kind, or a class the rule's
/// range cuts), counted as `class` or not, put the share of `class` responses
/// (`known` of them seen) on either side of the limit: ab counts its non-2xx answers
/// without their statuses, so `rc(5xx) < 1%` cannot pass on 530 of them. When they
/// cannot change the outcome, a note says the value leaves them out.
fn unknown_statuses_decide(
    rule: &Rule,
    m: &ScopeMetrics,
    (known, unknown): (u64, u64),
    class: impl std::fmt::Display,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    if unknown == 0 || m.requests == 0 {
        return Ok(());
    }
    let n = m.requests as f64;
    let (low, high) = (known as f64 / n, (known + unknown) as f64 / n);
    let range = format!(
        "{unknown} failures carry no status in the data (the tool does not say which), so \
         the share of {class} responses is somewhere from {} to {}",
        format_percent(low),
        format_percent(high)
    );
    if rule.op.holds(low, rule.limit) != rule.op.holds(high, rule.limit) {
        return Err(format!("{range}, on both sides of the limit"));
    }
    notes.push(format!("{range}: the outcome is the same at both ends"));
    Ok(())
}

/// The 95 % interval, in the metric's terms.
fn interval_of(metric: Metric, m: &ScopeMetrics, measured: &Measured) -> Option<[f64; 2]> {
    match (metric, measured.events) {
        (Metric::Availability, Some(k)) => {
            wilson_interval(k, m.requests, Z_95).map(|[lo, hi]| [1.0 - hi, 1.0 - lo])
        }
        (_, Some(k)) => wilson_interval(k, m.requests, Z_95),
        (Metric::Percentile(p), None) => m
            .latency
            .histogram()
            .and_then(|h| percentile_interval_ms(&h, p)),
        (Metric::Apdex { .. }, None) => measured
            .apdex_range
            .filter(|r| r.high != r.low)
            .map(|r| [r.low, r.high]),
        _ => None,
    }
}

/// A percentile on too few samples: a pass becomes insufficient data (a fail stands);
/// a pass whose interval reaches past the limit is noted.
fn check_samples(
    rule: &Rule,
    p: f64,
    m: &ScopeMetrics,
    mut status: RuleStatus,
    interval: Option<[f64; 2]>,
    notes: &mut Vec<String>,
) -> RuleStatus {
    let needed = ScopeMetrics::min_samples_for(p);
    let have = m.latency.count();
    if have < needed {
        notes.push(format!(
            "{} rests on {have} samples; at least {needed} are needed to trust it \
             (10 ÷ (1 − p)){}",
            rule.metric,
            if status == RuleStatus::Fail {
                ": judged fail, as the measured value is already past the limit"
            } else {
                ""
            }
        ));
        if status == RuleStatus::Pass {
            status = RuleStatus::InsufficientData;
        }
    } else if let (RuleStatus::Pass, Some([lo, hi])) = (status, interval) {
        let far = if rule.op.is_upper_bound() { hi } else { lo };
        if !rule.op.holds(far, rule.limit) {
            notes.push(format!(
                "its 95% order-statistic interval [{}, {}] reaches past the limit; judged \
                 on the measured value",
                format_ms(lo),
                format_ms(hi)
            ));
        }
    }
    status
}

/// A measured pass of a proportion counts only if the whole interval passes; an
/// Apdex only if it passes wherever the failures were. Otherwise: not proven.
fn check_interval(
    rule: &Rule,
    v: f64,
    m: &ScopeMetrics,
    mut status: RuleStatus,
    interval: Option<[f64; 2]>,
    measured: &Measured,
    notes: &mut Vec<String>,
) -> RuleStatus {
    if let (RuleStatus::Pass, Some([lo, hi])) = (status, interval) {
        let far = if rule.op.is_upper_bound() { hi } else { lo };
        if measured.events.is_some() && !rule.op.holds(far, rule.limit) {
            notes.push(format!(
                "measured {} meets the limit {}, but its 95% interval [{}, {}] over {} \
                 requests reaches past it: too few requests to show it",
                format_percent(v),
                format_percent(rule.limit),
                format_percent(lo),
                format_percent(hi),
                m.requests
            ));
            status = RuleStatus::NotProven;
        } else if measured.apdex_range.is_some() && !rule.op.holds(far, rule.limit) {
            notes.push(format!(
                "the source does not say which latencies failed: apdex is {} if the failures \
                 were the slowest requests, {} if they were the fastest",
                format_score(hi),
                format_score(lo)
            ));
            status = RuleStatus::NotProven;
        }
    }
    status
}

/// The note for a latency metric whose distribution leaves out requests that did not
/// fail (wrk2 leaves its calibration period out of its histogram), or `None`.
fn coverage_note(metric: Metric, m: &ScopeMetrics) -> Option<String> {
    let what = match metric {
        Metric::Apdex { .. } => {
            "apdex counts the requests with a measured latency and the failures (frustrated)"
        }
        Metric::Percentile(_) | Metric::Mean | Metric::Min | Metric::Max => {
            "latency figures cover the requests with a measured latency"
        }
        _ => return None,
    };
    let missing = unmeasured_successes(m);
    (missing > 0).then(|| {
        format!(
            "{missing} of the {} requests did not fail but have no measured latency (the \
             tool left them out of its latency distribution): {what}",
            m.requests
        )
    })
}

/// `429, 503`.
fn statuses(codes: &[u16]) -> String {
    codes
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a metric has no value in a scope, in the user's terms.
fn why_unknown(metric: Metric, m: &ScopeMetrics) -> String {
    if m.requests == 0 {
        return "no requests in this scope".to_string();
    }
    match metric {
        Metric::Throughput | Metric::Goodput if m.instant => format!(
            "no measured span: the scope's {} started at one instant, and a rate needs a span",
            if m.requests == 1 {
                "only request".to_string()
            } else {
                format!("{} requests all", m.requests)
            }
        ),
        Metric::Throughput | Metric::Goodput => {
            "no duration: the source has no timestamps for this scope".to_string()
        }
        // A summary with a count but no percentile at all: the source wrote them and
        // they could not be given to this scope (a Locust stage shorter than its 10 s
        // window): "has no p(95)" would read as the tool never printing one.
        Metric::Percentile(_)
            if m.latency.count() > 0
                && matches!(&m.latency, LatencyDistribution::Summary(s) if s.points.is_empty()) =>
        {
            "the source gives this scope no latency percentiles (its stage's window basis, \
             in the report's Scenarios table, says why)"
                .to_string()
        }
        Metric::Percentile(_) if m.latency.count() > 0 && !m.latency.is_exact() => {
            format!("the source's summary has no {metric}")
        }
        _ => "no latency values in this scope".to_string(),
    }
}
