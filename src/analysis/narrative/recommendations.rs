//! Prioritised recommendations and next steps, each citing the figure or finding it
//! rests on. P0: the data cannot be trusted, or a gating SLA rule fails (the release
//! is blocked). P1: a warn-level miss, a suspect measurement, an incomplete run, a
//! high-severity bottleneck hint. P2: non-gating misses and the other hints. Next
//! steps say which load levels to run and which data would settle what is open.

use crate::analysis::words::ticked;
use serde::Serialize;

use crate::analysis::audit::AuditVerdict;
use crate::analysis::bottlenecks::Severity as HintSeverity;
use crate::analysis::capacity::{fmt_users, levels_between};
use crate::analysis::headline::{miss, noun};
use crate::analysis::quality::{finding_summary, DataQuality};
use crate::analysis::quantity::format_rate;
use crate::analysis::report::Analysis;
use crate::analysis::sla::{RuleEvaluation, RuleStatus, Severity};

/// How urgent a recommendation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Priority {
    /// Before release: the data or a gating SLA rule says no.
    P0,
    /// Next: warn-level misses, doubtful measurements, high-severity hints.
    P1,
    /// Later: non-gating misses and the other hints.
    P2,
}

/// One recommendation.
#[derive(Clone, Debug, Serialize)]
pub struct Recommendation {
    /// How urgent.
    pub priority: Priority,
    /// What to do.
    pub action: String,
    /// The figure or finding it rests on, with where it comes from.
    pub evidence: String,
    /// `data quality`, `consistency audit`, `SLA` or `bottleneck hint`.
    pub source: String,
}

/// One next step.
#[derive(Clone, Debug, Serialize)]
pub struct NextStep {
    /// What to run or collect.
    pub action: String,
    /// Why: the figure or finding it would settle.
    pub evidence: String,
}

fn rec(priority: Priority, action: String, evidence: String, source: &str) -> Recommendation {
    Recommendation {
        priority,
        action,
        evidence,
        source: source.into(),
    }
}

/// Every recommendation, most urgent first (stable within a priority).
pub(super) fn recommendations(a: &Analysis) -> Vec<Recommendation> {
    let mut out = Vec::new();
    let why = a.data_quality_reason.clone().unwrap_or_default();
    match a.data_quality {
        DataQuality::Simulated => out.push(rec(
            Priority::P0,
            "Run the test against the real system and analyse the measured results".into(),
            format!("`data_quality` is simulated: {why}"),
            "data quality",
        )),
        DataQuality::Incomplete => out.push(rec(
            Priority::P1,
            "Re-run the test to completion, with every input readable".into(),
            format!("`data_quality` is incomplete: {why}"),
            "data quality",
        )),
        DataQuality::Partial => out.push(rec(
            Priority::P1,
            "Re-run with an output that counts transport errors before judging failures \
             (hey counts them only in its text summary, which it writes instead of the \
             `-o csv` file; oha's JSON keeps them per request)"
                .into(),
            format!("`data_quality` is partial: {why}"),
            "data quality",
        )),
        DataQuality::Clean | DataQuality::Inconsistent => {}
    }
    for f in a.audit.iter().filter(|f| f.verdict != AuditVerdict::Ok) {
        let (priority, verb) = match f.verdict {
            AuditVerdict::Impossible => (Priority::P0, "Fix"),
            _ => (Priority::P1, "Check"),
        };
        out.push(rec(
            priority,
            format!(
                "{verb} the measurement behind {} before acting on {}",
                finding_summary(f),
                f.stage
                    .as_deref()
                    .map(|s| format!("{}'s figures", ticked(s)))
                    .unwrap_or_else(|| "these figures".into())
            ),
            f.explanation.clone(),
            "consistency audit",
        ));
    }
    out.extend(sla_misses(a));
    out.extend(hints(a));
    out.sort_by_key(|r| r.priority);
    out
}

/// One recommendation per bottleneck rule and recommendation, citing each stage's
/// symptom.
fn hints(a: &Analysis) -> Vec<Recommendation> {
    let mut groups: Vec<(&str, &str, HintSeverity, Vec<String>)> = Vec::new();
    for h in &a.bottlenecks {
        let at = h
            .stage
            .as_deref()
            .map(|s| format!(" on {}", ticked(s)))
            .unwrap_or_default();
        let cited = format!("{}{at}", h.symptom.trim_end_matches('.'));
        match groups
            .iter_mut()
            .find(|g| g.0 == h.rule && g.1 == h.recommendation)
        {
            Some(g) => {
                g.2 = g.2.min(h.severity);
                g.3.push(cited);
            }
            None => groups.push((&h.rule, &h.recommendation, h.severity, vec![cited])),
        }
    }
    groups
        .into_iter()
        .map(|(rule, action, severity, cited)| {
            let priority = match severity {
                HintSeverity::High => Priority::P1,
                HintSeverity::Medium | HintSeverity::Low => Priority::P2,
            };
            rec(
                priority,
                capitalised(action.trim_end_matches('.')),
                format!(
                    "{} (bottleneck hint {}: a hypothesis to confirm with server-side data)",
                    cited.join("; "),
                    ticked(rule)
                ),
                "bottleneck hint",
            )
        })
        .collect()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// One recommendation per failing rule (and endpoint) and priority, naming every
/// stage it fails on with its value.
fn sla_misses(a: &Analysis) -> Vec<Recommendation> {
    let Some(sla) = &a.sla else {
        return Vec::new();
    };
    let mut groups: Vec<(Priority, &str, Option<&str>, Vec<&RuleEvaluation>)> = Vec::new();
    for e in sla.rules.iter().filter(|e| e.status == RuleStatus::Fail) {
        let priority = match (e.decides_verdict, e.severity) {
            (true, Severity::Fail) => Priority::P0,
            (true, Severity::Warn) => Priority::P1,
            (false, _) => Priority::P2,
        };
        let key = (priority, e.rule.as_str(), e.endpoint.as_deref());
        match groups.iter_mut().find(|g| (g.0, g.1, g.2) == key) {
            Some(g) => g.3.push(e),
            None => groups.push((key.0, key.1, key.2, vec![e])),
        }
    }
    groups
        .into_iter()
        .map(|(priority, rule, endpoint, evals)| {
            let on = endpoint
                .map(|ep| format!(" for {}", ticked(ep)))
                .unwrap_or_default();
            let stages: Vec<String> = evals
                .iter()
                .map(|e| ticked(e.stage.as_deref().unwrap_or("overall")))
                .collect();
            let kind = match priority {
                Priority::P0 => "gating",
                Priority::P1 => "gating, warn",
                Priority::P2 => "non-gating",
            };
            let lines: Vec<String> = evals
                .iter()
                .filter_map(|e| e.line)
                .map(|l| l.to_string())
                .collect();
            let line = if lines.is_empty() {
                String::new()
            } else {
                format!(", SLA file line {}", lines[0])
            };
            rec(
                priority,
                format!(
                    "Bring {}{on} within its limit on {}",
                    ticked(rule),
                    stages.join(", ")
                ),
                format!(
                    "{} ({kind} SLA {}{line})",
                    evals.iter().map(|e| miss(e)).collect::<Vec<_>>().join("; "),
                    noun(evals.len(), "evaluation")
                ),
                "SLA",
            )
        })
        .collect()
}

/// What to run or collect next: load levels around where the SLA stops holding, and
/// the data that would settle each evaluation left open.
pub(super) fn next_steps(a: &Analysis) -> Vec<NextStep> {
    let mut out = Vec::new();
    load_levels(a, &mut out);
    if let Some(sla) = &a.sla {
        for e in &sla.rules {
            let (action, default_why) = match e.status {
                RuleStatus::NotProven if e.drifts() => (
                    format!(
                        "Find what accumulates during {} (memory, GC, queues, table sizes) \
                         so that {} holds to its end",
                        ticked(&e.target()),
                        ticked(&e.rule)
                    ),
                    "the stage's latency drifts past the limit by its end".to_string(),
                ),
                RuleStatus::NotProven if e.on_rounded_counts() => (
                    format!(
                        "Record {} with exact counts (the tool's machine-readable output, \
                         e.g. autocannon's `--json`) so that {} can be judged",
                        ticked(&e.target()),
                        ticked(&e.rule)
                    ),
                    "the tool's rounded counts put its value on both sides of the limit"
                        .to_string(),
                ),
                RuleStatus::NotProven => (
                    format!(
                        "Run {} longer (more requests) so that {} can be proven",
                        ticked(&e.target()),
                        ticked(&e.rule)
                    ),
                    format!(
                        "it passes at face value ({}), but its 95% interval crosses the limit",
                        e.value_display.as_deref().unwrap_or("no value")
                    ),
                ),
                RuleStatus::InsufficientData => (
                    format!(
                        "Collect the data {} needs on {}",
                        ticked(&e.rule),
                        ticked(&e.target())
                    ),
                    "the data cannot judge it".to_string(),
                ),
                RuleStatus::NotRun => (
                    format!(
                        "Test {}, or drop {} for it from the SLA",
                        ticked(&e.target()),
                        ticked(&e.rule)
                    ),
                    "the SLA names it and the data lacks it".to_string(),
                ),
                RuleStatus::Pass | RuleStatus::Fail => continue,
            };
            let action = match (&e.stage, sla.verdict_stages.is_empty()) {
                (Some(stage), true) if warms_up(stage) => format!(
                    "{action}, or leave {} out of the verdict if it only warms the service \
                     up (`verdict_stages` in the SLA's `[global]` names the stages that \
                     decide it; by default every stage does)",
                    ticked(stage)
                ),
                _ => action,
            };
            out.push(NextStep {
                action,
                evidence: e.note.clone().unwrap_or(default_why),
            });
        }
    } else {
        out.push(NextStep {
            action: "Give an SLA file (`--sla FILE`) so the figures are judged".into(),
            evidence: "no SLA file was given: there is no verdict".into(),
        });
    }
    let levels = a.capacity.load_points.len();
    if a.capacity.usl.is_none() && levels < 4 {
        out.push(NextStep {
            action: format!(
                "Run at least 4 load levels (this run has {levels}) to fit a capacity model"
            ),
            evidence: a
                .capacity
                .usl_note
                .clone()
                .unwrap_or_else(|| format!("{levels} load {}", noun(levels, "level"))),
        });
    }
    out
}

/// True when a stage's name says it warms the service up or checks it before the load
/// (`01-warmup`, `Warm Up`, `smoke`), not that it is a load the verdict is for.
fn warms_up(stage: &str) -> bool {
    let words = ["warmup", "smoke", "sanity", "preflight"];
    crate::analysis::capacity::load_points::name_says(stage, &words)
}

/// Whether the interpolated limit `n` rounds to a bracket end `lo` or `hi` (a measured
/// load level), with levels left to run between them.
fn on_a_level(n: f64, lo: f64, hi: f64) -> bool {
    let r = n.round();
    (r == lo.round() || r == hi.round()) && !levels_between(lo, hi).is_empty()
}

/// The next load levels, from where the SLA (or the default limits) stops holding.
fn load_levels(a: &Analysis, out: &mut Vec<NextStep>) {
    let Some(h) = &a.capacity.sla_headroom else {
        return;
    };
    let users = |v: &[f64]| {
        v.iter()
            .map(|n| fmt_users(*n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // An open-model run sets arrival rates, not users: the levels to run are rates.
    let rates: Vec<f64> = (a.capacity.load_points.iter())
        .map(|p| p.arrival_rate_rps)
        .collect::<Option<_>>()
        .unwrap_or_default();
    let rates_at = |v: &[f64]| {
        let shown: Vec<String> = v.iter().map(|r| format_rate(*r)).collect();
        shown.join(", ")
    };
    let (lowest, highest) = (
        rates.iter().copied().reduce(f64::min),
        rates.iter().copied().reduce(f64::max),
    );
    let action = match (h.bracket, h.next_levels.is_empty(), h.users) {
        ([Some(_), None], true, _) if highest.is_some() => format!(
            "Run above the largest measured arrival rate, e.g. at {} arriving, to find where \
             the limits stop holding",
            rates_at(&highest.map(|r| [r * 1.5, r * 2.0]).unwrap_or_default())
        ),
        ([None, Some(_)], true, _) if lowest.is_some() => format!(
            "Run below the lowest measured arrival rate, e.g. at {} arriving, to find a load \
             the limits hold at",
            rates_at(&lowest.map(|r| [r / 2.0, r / 4.0]).unwrap_or_default())
        ),
        (_, false, _) => format!(
            "Run load levels at {} users to narrow where the limits stop holding",
            users(&h.next_levels)
        ),
        ([Some(top), None], true, _) => format!(
            "Run above the largest measured load, e.g. at {} users, to find where the limits \
             stop holding",
            users(&[top * 1.5, top * 2.0])
        ),
        ([None, Some(low)], true, _) if low > 1.0 => format!(
            "Run below the lowest measured load, e.g. at {} users, to find a load the limits \
             hold at",
            users(&[(low / 2.0).max(1.0).round(), (low / 4.0).max(1.0).round()])
        ),
        // The interpolated limit on a measured level (the first crossing lies just past
        // a stage that holds): that stage is no new load level, the bracket's inside is.
        ([Some(lo), Some(hi)], true, Some(n)) if on_a_level(n, lo, hi) => format!(
            "Run load levels at {} users to narrow where the limits stop holding (the \
             interpolated ≈ {} users is a load level already measured)",
            users(&levels_between(lo, hi)),
            fmt_users(n.round())
        ),
        ([Some(_), Some(_)], true, Some(n)) => format!(
            "Run a stage at ≈ {} users to confirm the interpolated limit",
            fmt_users(n.round())
        ),
        _ => return,
    };
    out.push(NextStep {
        action,
        evidence: h.statement.clone(),
    });
}
