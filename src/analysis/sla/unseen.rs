//! Rules a source cannot prove because it does not see every failure. A tool's file
//! that lists only answered requests (hey's and oha's CSV leave transport errors —
//! timeouts, refused or reset connections — out) undercounts failures, and its window
//! ends with the last answer: the true error rate can only be higher than measured,
//! availability, goodput, Apdex and a status share only lower or the same. A pass
//! that this bias could turn into a miss is not evidence, so it becomes
//! `insufficient_data` with the reason in its note (the measured value stays); a miss
//! stands, as the truth is further past the limit. Rules the bias cannot overturn
//! (latency, a bias away from the limit) keep their status. A source that records no
//! outcome at all (ab's `-g` TSV) measures none of these: their passes and misses
//! alike become `insufficient_data`.
//!
//! Likewise latency rules when the source's latency unit is in doubt (a `.hlog` whose
//! `Interval_Max` column says its values are in another unit than they were read
//! in): the figures may be off by 1,000× either way, so a latency rule's pass *and*
//! miss become `insufficient_data`, with the reason in the note.
//!
//! A percentile pass within half a step of the tool's rounding of its limit
//! (Locust's p99 150 ms under `p(99) < 150ms`: Locust keeps two significant digits,
//! so the true value lies anywhere in 145–155 ms) is `not_proven`: the figure cannot
//! say which side of the limit the requests were.
//!
//! So do rate rules (throughput, goodput) and window rules when the source's time unit
//! is in doubt (a generic CSV's time since the test began that names no unit): its
//! durations may be 1,000× off.
//!
//! And every rule on a stage whose figures hold requests outside the window
//! `--warmup`/`--from`/`--to` asked for (a whole-run summary cannot be trimmed): its
//! pass and miss alike rest on other data than the one asked about.
//!
//! A stage section naming a part of the run that ran but is no stage (Artillery's
//! `Ramp to peak` phase) lacks its data: `insufficient_data`, not `not_run` (which
//! would name something the run never did, and not hold a GO back).

use super::rule::Metric;
use super::spelling::{same_case_folded, same_joined, same_stage, same_words};
use super::{RuleEvaluation, RuleStatus};

/// Which way the measured value of `metric` can be off when failures go unseen:
/// `Some(true)` when it can only be too low, `Some(false)` only too high, `None` when
/// the metric is not about failures.
fn bias_low(metric: Metric) -> Option<bool> {
    match metric {
        Metric::ErrorRate => Some(true),
        Metric::Availability | Metric::Goodput | Metric::Apdex { .. } | Metric::StatusShare(_) => {
            Some(false)
        }
        _ => None,
    }
}

/// Turns every pass in `evals` that unseen failures could overturn into
/// `insufficient_data`; `unseen` says, for an evaluation's stage (`None`: overall),
/// which source leaves them out (one clause) and whether it records no outcome at all,
/// or `None` when its figures see every failure. With no outcomes every judged failure
/// rule, pass or miss, measures nothing and becomes `insufficient_data`.
pub fn discount_unseen_failures(
    evals: &mut [RuleEvaluation],
    unseen: impl Fn(Option<&str>) -> Option<(String, bool)>,
) {
    for e in evals.iter_mut() {
        let Some(low) = bias_low(e.metric) else {
            continue;
        };
        let Some((why, no_outcomes)) = unseen(e.stage.as_deref()) else {
            continue;
        };
        let note = if no_outcomes {
            if !matches!(e.status, RuleStatus::Pass | RuleStatus::Fail) {
                continue;
            }
            format!("not shown: {why}, so the {} measures nothing", e.metric)
        } else {
            // Too low under an upper bound, or too high under a lower one: the bias
            // points at the limit.
            if e.status != RuleStatus::Pass || low != e.op.is_upper_bound() {
                continue;
            }
            let direction = if low { "higher" } else { "lower" };
            format!(
                "not shown: {why}, so the true {} can only be {direction} than measured",
                e.metric
            )
        };
        e.status = RuleStatus::InsufficientData;
        prepend_note(e, note);
    }
}

/// Puts `note` before any note `e` already has.
fn prepend_note(e: &mut RuleEvaluation, note: String) {
    e.note = Some(match e.note.take() {
        Some(old) => format!("{note}; {old}"),
        None => note,
    });
}

/// True for the metrics whose values are latencies (a wrong unit scales them).
fn is_latency(metric: Metric) -> bool {
    matches!(
        metric,
        Metric::Percentile(_) | Metric::Mean | Metric::Min | Metric::Max | Metric::Apdex { .. }
    )
}

/// Turns every judged latency rule in `evals` into `insufficient_data`: `why` says
/// why the source's latency unit is in doubt (one clause).
pub fn discount_doubtful_latency(evals: &mut [RuleEvaluation], why: &str) {
    for e in evals.iter_mut() {
        if !is_latency(e.metric) || !matches!(e.status, RuleStatus::Pass | RuleStatus::Fail) {
            continue;
        }
        let note = format!(
            "not shown: the latency unit is in doubt ({why}), so the {} may be off by \
             1,000× or more",
            e.metric
        );
        e.status = RuleStatus::InsufficientData;
        prepend_note(e, note);
    }
}

/// Turns every judged rate rule in `evals` (throughput, goodput) and every window rule
/// into `insufficient_data`: `why` says why the source's time unit is in doubt (one
/// clause), so its durations and windows may be 1,000× off.
pub fn discount_doubtful_clock(evals: &mut [RuleEvaluation], why: &str) {
    for e in evals.iter_mut() {
        let rate = matches!(e.metric, Metric::Throughput | Metric::Goodput);
        if !(rate || e.window.is_some()) || !matches!(e.status, RuleStatus::Pass | RuleStatus::Fail)
        {
            continue;
        }
        let note = format!(
            "not shown: the time unit is in doubt ({why}), so the run's duration, and the {} \
             over it, may be off by 1,000×",
            e.metric
        );
        e.status = RuleStatus::InsufficientData;
        prepend_note(e, note);
    }
}

/// Turns every judged rule on `stage` into `insufficient_data`: `why` (the audit's
/// `stage_gap`) says it holds two runs read as one, so its rates divide by time nothing
/// ran and its percentiles and counts mix both runs; no figure of it is this run's.
pub fn discount_two_runs(evals: &mut [RuleEvaluation], stage: &str, why: &str) {
    for e in evals.iter_mut() {
        let judged = matches!(e.status, RuleStatus::Pass | RuleStatus::Fail);
        if !judged || e.stage.as_deref() != Some(stage) {
            continue;
        }
        let note = format!("not shown: the consistency audit's stage_gap: {why}");
        e.status = RuleStatus::InsufficientData;
        prepend_note(e, note);
    }
}

/// Turns every judged rule in `evals` on the scopes `disputed` names (a stage's name, or
/// `None` for overall, each with why: the audit's `source_totals`, two files of the
/// source that count its run differently, so neither count can be judged) into
/// `insufficient_data`. Other stages (another stage dir's files) are still judged.
pub fn discount_disputed_counts(evals: &mut [RuleEvaluation], disputed: &[(Option<&str>, &str)]) {
    for e in evals.iter_mut() {
        if !matches!(e.status, RuleStatus::Pass | RuleStatus::Fail) {
            continue;
        }
        let Some((_, why)) = disputed.iter().find(|(s, _)| *s == e.stage.as_deref()) else {
            continue;
        };
        e.status = RuleStatus::InsufficientData;
        prepend_note(e, format!("not shown: {why}"));
    }
}

/// Turns every judged rule on the scopes `untrimmed` names (a stage's name, or `None`
/// for overall, each with why its figures hold requests outside the window asked for)
/// into `insufficient_data`.
pub fn discount_untrimmed(evals: &mut [RuleEvaluation], untrimmed: &[(Option<&str>, &str)]) {
    for e in evals.iter_mut() {
        if !matches!(e.status, RuleStatus::Pass | RuleStatus::Fail) {
            continue;
        }
        let Some((_, why)) = untrimmed.iter().find(|(s, _)| *s == e.stage.as_deref()) else {
            continue;
        };
        let note = format!("not shown: {why}");
        e.status = RuleStatus::InsufficientData;
        prepend_note(e, note);
    }
}

/// Says on every endpoint evaluation of `stage` that it judged the whole run's figures
/// of the endpoint (`why`: whose, and why they stand for the stage's).
pub fn judged_on_whole_run(evals: &mut [RuleEvaluation], stage: &str, why: &str) {
    for e in evals.iter_mut() {
        if e.stage.as_deref() != Some(stage) || e.endpoint.is_none() || e.value.is_none() {
            continue;
        }
        prepend_note(e, why.to_string());
    }
}

/// Turns every `not_run` stage-scoped evaluation in `evals` whose stage, in any
/// spelling, is one of `phases` (a part of the run that ran but is no stage, with why)
/// into `insufficient_data`, deciding the verdict when `every_stage_decides` (no
/// verdict stage is named); returns the names as the SLA wrote them.
pub fn phases_not_stages(
    evals: &mut [RuleEvaluation],
    phases: &[(String, String)],
    every_stage_decides: bool,
) -> Vec<String> {
    let mut named = Vec::new();
    for e in evals.iter_mut() {
        let (RuleStatus::NotRun, Some(stage)) = (e.status, e.stage.as_deref()) else {
            continue;
        };
        let same = |p: &str| {
            same_case_folded(p, stage)
                || same_words(p, stage)
                || same_stage(p, stage)
                || same_joined(p, stage)
        };
        let Some((phase, why)) = phases.iter().find(|(p, _)| same(p)) else {
            continue;
        };
        if !named.iter().any(|n| n == stage) {
            named.push(stage.to_string());
        }
        e.status = RuleStatus::InsufficientData;
        e.decides_verdict = every_stage_decides;
        e.note = Some(format!(
            "no data: `{phase}` ran, but {why}, so it is no stage: its requests count in \
             the overall figures only"
        ));
    }
    named
}

/// Turns every latency pass in `evals` (a percentile, the mean, min or max) whose
/// value lies within half of `step_at`'s step (ms, for that metric at the value: how
/// finely `tool` writes it) of the limit into `not_proven`: siege's `0.00 secs` mean
/// is anything under 5 ms, so it cannot show `mean < 2ms`. A pass known only by a
/// bound (`bounded.rs`) is weighed on the printed figure the bound is: siege's max
/// `0.14` secs is anything from 135 to 145 ms, so it cannot show `p(95) < 141ms`.
pub fn discount_rounded(
    evals: &mut [RuleEvaluation],
    tool: &str,
    step_at: impl Fn(Metric, f64) -> f64,
) {
    for e in evals.iter_mut() {
        let latency = matches!(
            e.metric,
            Metric::Percentile(_) | Metric::Mean | Metric::Min | Metric::Max
        );
        if !latency || e.status != RuleStatus::Pass {
            continue;
        }
        // A value known only by a bound rests on the printed figure that bounds it
        // (siege's max `0.14` secs under `p(95) < 141ms`): that figure's rounding.
        let (metric, value) = match (e.value, e.bound_on) {
            (Some(v), _) => (e.metric, v),
            (None, Some(figure)) => figure,
            (None, None) => continue,
        };
        let limit = e.limit;
        let step = step_at(metric, value);
        if step <= 0.0 || (value - limit).abs() > step / 2.0 {
            continue;
        }
        let note = format!(
            "not proven: {tool} writes its latencies in steps of {step} ms here, so a value \
             within half a step of the limit may lie on either side of it"
        );
        e.status = RuleStatus::NotProven;
        prepend_note(e, note);
    }
}
