//! The capacity line against the verdict. The headroom sentence weighs the SLA's
//! latency and error limits only, as breaking points (a limit breaks where the data
//! shows it over); the SLA table judges every rule on every stage. Where the sentence
//! says the SLA holds at some load yet the verdict is not GO, because a rule the
//! sentence does not weigh (a throughput target) fails there, or the table does not
//! settle one it does weigh (an error rate whose interval still reaches past its
//! limit), "the SLA holds" would read as reassurance the verdict contradicts: the
//! sentence then says it is about the latency and error limits, and names the rules
//! that do not pass at the loads it says the SLA holds at.

use super::capacity::SlaHeadroom;
use super::headline::miss;
use super::report::Analysis;
use super::sla::{RuleEvaluation, RuleStatus, Verdict};
use super::words::ticked;

/// How many rules the sentence names; the rest are counted.
const NAMED: usize = 4;

/// The load up to which the sentence says the SLA holds: its headroom load, or, for
/// one load level that holds, that level; `None` where it says the SLA does not hold.
fn claimed_load(h: &SlaHeadroom) -> Option<f64> {
    h.users.or(match h.bracket {
        [Some(level), None] => Some(level),
        _ => None,
    })
}

/// True when the evaluation judged a load the sentence says the SLA holds at: a stage
/// among the load points up to `upto`; when the sentence says it holds over the whole
/// measured range, overall too, and a ramp binned by users (its stage is no load
/// point, its bins are).
fn within(a: &Analysis, h: &SlaHeadroom, upto: f64, e: &RuleEvaluation) -> bool {
    let whole = h.bracket[1].is_none();
    let Some(stage) = e.stage.as_deref() else {
        return whole;
    };
    let points = &a.capacity.load_points;
    match points.iter().find(|p| p.stage == stage) {
        Some(p) => p.users <= upto * (1.0 + 1e-9),
        // A stage off the load points: on the curve only when the points are a ramp's
        // bins (the stage is that ramp), not when it is left out of the curve.
        None => whole && a.capacity.load_basis == "ramp",
    }
}

/// One rule that does not pass, in a few words.
fn item(e: &RuleEvaluation) -> String {
    let value = (e.value_display.as_deref())
        .map(|v| format!(" ({v})"))
        .unwrap_or_default();
    match e.status {
        RuleStatus::NotProven => format!(
            "{} not proven on {}{value}",
            ticked(&e.rule),
            ticked(&e.target())
        ),
        RuleStatus::InsufficientData => format!(
            "{} lacks the data on {}{value}",
            ticked(&e.rule),
            ticked(&e.target())
        ),
        _ => miss(e),
    }
}

/// Rewrites the headroom sentence when it says the SLA holds at loads where the SLA
/// table has rules that fail or are not settled, and the verdict is not GO (see the
/// module doc).
pub fn agree_with_verdict(analysis: &mut Analysis, verdict: Verdict) {
    const HOLDS: &str = "The SLA holds";
    const HOLDS_THERE: &str = "the SLA holds there";
    if verdict == Verdict::Go {
        return;
    }
    let Some(h) = analysis
        .capacity
        .sla_headroom
        .as_ref()
        .filter(|h| h.from_sla)
    else {
        return;
    };
    let Some(upto) = claimed_load(h) else {
        return;
    };
    let open: Vec<&RuleEvaluation> = (analysis.sla.iter())
        .flat_map(|s| &s.rules)
        .filter(|e| {
            e.decides_verdict
                && matches!(
                    e.status,
                    RuleStatus::Fail | RuleStatus::NotProven | RuleStatus::InsufficientData
                )
        })
        .filter(|e| within(analysis, h, upto, e))
        .collect();
    if open.is_empty() {
        return;
    }
    let criteria = &analysis.capacity.criteria;
    let weighed = [&criteria.latency_rule, &criteria.error_rule];
    let others_only = (open.iter()).all(|e| !weighed.iter().any(|r| r.as_deref() == Some(&e.rule)));
    // The rules that make a NO-GO first.
    let mut open = open;
    open.sort_by_key(|e| !super::sla::gates(e, false));
    let mut named: Vec<String> = open.iter().take(NAMED).map(|e| item(e)).collect();
    if open.len() > NAMED {
        named.push(format!("{} more in the SLA table", open.len() - NAMED));
    }
    let limits = match weighed.map(Option::is_some) {
        [true, true] => "latency and error limits hold",
        [true, false] => "latency limit holds",
        _ => "error limit holds",
    };
    let gating = open.iter().any(|e| super::sla::gates(e, false));
    // A NO-GO the sentence's own limit makes too (above the loads it holds at).
    let also = (analysis.sla.iter().flat_map(|s| &s.rules))
        .any(|e| super::sla::gates(e, false) && !open.iter().any(|o| std::ptr::eq(*o, e)));
    let clause = match (verdict, gating, others_only) {
        (_, true, true) if also => format!("the {verdict} also comes from other rules"),
        (_, true, true) => format!("the {verdict} comes from other rules"),
        (_, true, false) => format!("the {verdict} comes from rules that fail at those loads"),
        (Verdict::NoGo, false, _) => {
            "at those loads the SLA table also has rules that do not pass".to_string()
        }
        (_, false, true) => format!("the {verdict} comes from other rules"),
        (_, false, false) => {
            format!("the {verdict} comes from rules not settled at those loads")
        }
    };
    let unsettled = (open.iter()).any(|e| e.status != RuleStatus::Fail);
    let Some(h) = analysis.capacity.sla_headroom.as_mut() else {
        return;
    };
    // A rule not settled where the sentence says the SLA holds leaves it open there.
    h.settled &= !unsettled;
    let statement = if let Some(rest) = h.statement.strip_prefix(HOLDS) {
        format!("The SLA's {limits}{rest}")
    } else if h.statement.contains(HOLDS_THERE) {
        h.statement
            .replacen(HOLDS_THERE, &format!("the SLA's {limits} there"), 1)
    } else {
        h.statement.clone()
    };
    h.statement = format!("{statement}; {clause}: {}", named.join(", "));
}
