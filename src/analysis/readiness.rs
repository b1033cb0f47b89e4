//! The readiness table: one status per area, with the measured evidence. The SLA rows
//! name their statuses as they are (`not proven`, `insufficient data`, never "0 of 2
//! rules pass" for a rule that passes at face value), and every row cites the data's
//! quality when it is not clean: inconsistent or simulated data never makes
//! Throughput READY, unless the verdict is a GO, which rests on none of it (an audit
//! finding on a stage that decides nothing): then the rows cite it and keep their
//! status. Capacity is READY only on a headroom that settles the SLA's rules at the
//! loads it speaks of: one that leaves a rule open is at most AT RISK, beside the
//! CONDITIONAL that open rule makes.

use super::audit::AuditVerdict;
use super::capacity::fmt_users;
use super::caveat::Caveat;
use super::headline::{miss, noun, verb};
use super::quality::DataQuality;
use super::quantity::{format_ms, format_percent};
use super::report::{Analysis, Readiness, ReadinessArea, ReadinessStatus, StageReport};
use super::sla::{Metric, RuleEvaluation, RuleStatus};
use crate::model::PercentileMethod;

/// Readiness of throughput, latency, errors/availability, capacity and data quality.
/// Without SLA results the first three are described but not judged.
pub fn assess(a: &Analysis, sla: Option<&[RuleEvaluation]>) -> Vec<Readiness> {
    let busiest = a.stages.iter().max_by(|x, y| {
        x.figures
            .throughput_rps
            .unwrap_or(0.0)
            .total_cmp(&y.figures.throughput_rps.unwrap_or(0.0))
    });
    let judged = |family: fn(Metric) -> bool| -> Option<(ReadinessStatus, String)> {
        let rules: Vec<&RuleEvaluation> = sla?
            .iter()
            .filter(|r| r.decides_verdict && r.status != RuleStatus::NotRun && family(r.metric))
            .collect();
        (!rules.is_empty()).then(|| judge_rules(&rules))
    };
    let unjudged = if sla.is_some() {
        "the SLA has no rule on the verdict stages for it"
    } else {
        "no SLA given"
    };
    let described = |text: String| (ReadinessStatus::NotAssessed, format!("{text} ({unjudged})"));

    let throughput =
        judged(|m| matches!(m, Metric::Throughput | Metric::Goodput | Metric::Requests))
            .unwrap_or_else(|| {
                described(match busiest {
                    Some(s) => format!(
                        "highest stage throughput {} req/s (stage \"{}\"){}",
                        fmt(s.figures.throughput_rps, 1),
                        s.name,
                        failed_throughput(a, s)
                    ),
                    None => "no stages".into(),
                })
            });
    let latency = judged(|m| {
        matches!(
            m,
            Metric::Percentile(_) | Metric::Mean | Metric::Min | Metric::Max
        )
    })
    .unwrap_or_else(|| described(overall_latency(a)));
    let errors =
        judged(|m| matches!(m, Metric::ErrorRate | Metric::Availability)).unwrap_or_else(|| {
            described(format!(
                "overall error rate {}",
                a.overall
                    .error_rate
                    .map(|e| format!("{:.3}%", e * 100.0))
                    .unwrap_or("unknown".into())
            ))
        });
    let capacity = capacity_readiness(a);
    let quality = quality_row(a);
    // Data that is not clean is cited on every row; inconsistent or simulated data
    // cannot show a throughput, and caps the other judged rows at AT RISK.
    let cite = a
        .data_quality_reason
        .as_ref()
        .map(|why| format!("data_quality {}: {why}", a.data_quality.as_str()));
    let untrusted = matches!(
        a.data_quality,
        DataQuality::Inconsistent | DataQuality::Simulated
    );
    // A GO rests on none of it (the audit questions only stages that decide nothing):
    // the rows, judged on the verdict stages too, cite it and keep their status.
    let beside_verdict = a.verdict == Some(super::sla::Verdict::Go);
    let overlay =
        |(status, evidence): (ReadinessStatus, String), hard: bool| -> (ReadinessStatus, String) {
            let Some(cite) = &cite else {
                return (status, evidence);
            };
            let status = match status {
                _ if beside_verdict => status,
                ReadinessStatus::Ready | ReadinessStatus::AtRisk if hard && untrusted => {
                    ReadinessStatus::NotReady
                }
                ReadinessStatus::Ready => ReadinessStatus::AtRisk,
                _ => status,
            };
            (status, format!("{cite}; {evidence}"))
        };
    let throughput = overlay(throughput, true);
    let latency = overlay(latency, false);
    let errors = overlay(errors, false);
    [
        (ReadinessArea::Throughput, throughput),
        (ReadinessArea::Latency, latency),
        (ReadinessArea::Errors, errors),
        (ReadinessArea::Capacity, capacity),
        (ReadinessArea::DataQuality, quality),
    ]
    .into_iter()
    .map(|(area, (status, evidence))| Readiness {
        area,
        status,
        evidence,
    })
    .collect()
}

/// The status and evidence of an area's deciding SLA evaluations (none `not_run`).
fn judge_rules(rules: &[&RuleEvaluation]) -> (ReadinessStatus, String) {
    let of = |s: RuleStatus| -> Vec<&RuleEvaluation> {
        rules.iter().copied().filter(|r| r.status == s).collect()
    };
    let (fails, unproven, thin, passes) = (
        of(RuleStatus::Fail),
        of(RuleStatus::NotProven),
        of(RuleStatus::InsufficientData),
        of(RuleStatus::Pass),
    );
    let status = if !fails.is_empty() {
        ReadinessStatus::NotReady
    } else if !unproven.is_empty() || !thin.is_empty() {
        ReadinessStatus::AtRisk
    } else {
        ReadinessStatus::Ready
    };
    let n = rules.len();
    let mut parts: Vec<String> = Vec::new();
    let list = |l: &[&RuleEvaluation]| -> String {
        l.iter().map(|e| miss(e)).collect::<Vec<_>>().join(", ")
    };
    if !fails.is_empty() {
        parts.push(format!(
            "{} {}: {}",
            fails.len(),
            verb(fails.len(), "fails", "fail"),
            list(&fails)
        ));
    }
    let (drifting, unproven): (Vec<&RuleEvaluation>, Vec<&RuleEvaluation>) =
        unproven.into_iter().partition(|e| e.drifts());
    if !drifting.is_empty() {
        parts.push(format!(
            "{} not proven (passes on the whole stage, but the stage's latency drifts past \
             the limit by its end): {}",
            drifting.len(),
            list(&drifting)
        ));
    }
    let (rounded, unproven): (Vec<&RuleEvaluation>, Vec<&RuleEvaluation>) =
        unproven.into_iter().partition(|e| e.on_rounded_counts());
    if !rounded.is_empty() {
        parts.push(format!(
            "{} not proven (the tool's rounded counts put the value on both sides of the \
             limit): {}",
            rounded.len(),
            list(&rounded)
        ));
    }
    if !unproven.is_empty() {
        parts.push(format!(
            "{} not proven (passes at face value, too few requests to show it): {}",
            unproven.len(),
            list(&unproven)
        ));
    }
    if !thin.is_empty() {
        parts.push(format!(
            "{} {} the data to judge: {}",
            thin.len(),
            verb(thin.len(), "lacks", "lack"),
            list(&thin)
        ));
    }
    if !passes.is_empty() {
        parts.push(format!(
            "{} {}",
            passes.len(),
            verb(passes.len(), "passes", "pass")
        ));
    }
    let evidence = if passes.len() == n {
        format!(
            "{n} of {n} {} {} on the verdict stages",
            noun(n, "rule evaluation"),
            verb(n, "passes", "pass")
        )
    } else {
        format!(
            "{n} {} on the verdict stages: {}",
            noun(n, "rule evaluation"),
            parts.join("; ")
        )
    };
    (status, evidence)
}

/// Clean data's evidence: the inputs, and those skipped as the same data again.
fn clean_evidence(a: &Analysis) -> String {
    let again = a
        .inputs
        .iter()
        .filter(|i| a.skipped.iter().any(|s| s.path == i.path))
        .count();
    match again {
        0 => format!(
            "data_quality clean: {} input file(s), all read, measured data",
            a.inputs.len()
        ),
        n => format!(
            "data_quality clean: {} of {} input file(s) read, {n} skipped as the same data \
             again (see Skipped files), measured data",
            a.inputs.len() - n,
            a.inputs.len()
        ),
    }
}

/// The data-quality row: `data_quality` and what else the reader must know.
fn quality_row(a: &Analysis) -> (ReadinessStatus, String) {
    let mut issues = Vec::new();
    if let Some(why) = &a.data_quality_reason {
        issues.push(format!("data_quality {}: {why}", a.data_quality.as_str()));
    }
    if a.run.complete == Some(false) && a.data_quality != DataQuality::Incomplete {
        issues.push(format!(
            "the run is incomplete ({})",
            a.run
                .incomplete_reason
                .as_deref()
                .unwrap_or("no reason given")
        ));
    }
    if !a.problems.is_empty() {
        issues.push(format!("{} input problem(s)", a.problems.len()));
    }
    if a.sources.len() > 1 {
        issues.push(format!("{} sources reported side by side", a.sources.len()));
    }
    // A unit in doubt puts every figure of that kind off by 1,000× or more.
    for w in &a.warnings {
        match w {
            Caveat::LatencyUnitDoubt(_) => {
                issues.push("the latency unit is in doubt (see Caveats)".to_string());
            }
            Caveat::ClockUnitDoubt(_) => {
                issues.push("the time unit is in doubt (see Caveats)".to_string());
            }
            _ => {}
        }
    }
    let flagged = |v: AuditVerdict| a.audit.iter().filter(|f| f.verdict == v).count();
    let (impossible, suspect) = (
        flagged(AuditVerdict::Impossible),
        flagged(AuditVerdict::Suspect),
    );
    if impossible + suspect > 0 {
        let mut checks: Vec<&str> = a
            .audit
            .iter()
            .filter(|f| f.verdict != AuditVerdict::Ok)
            .map(|f| f.check.as_str())
            .collect();
        checks.dedup();
        issues.push(format!(
            "consistency audit: {impossible} impossible, {suspect} suspect finding(s) ({})",
            checks.join(", ")
        ));
    }
    if issues.is_empty() {
        return (ReadinessStatus::Ready, clean_evidence(a));
    }
    let hard = a.data_quality != DataQuality::Clean;
    (
        if hard {
            ReadinessStatus::NotReady
        } else {
            ReadinessStatus::AtRisk
        },
        issues.join("; "),
    )
}

/// Share of a stage's throughput past which failures, not answers, make it: then the
/// Throughput row names the highest goodput too.
const MOSTLY_FAILURES: f64 = 0.1;

/// The clause for a busiest stage whose throughput is largely failures (fast 503s):
/// its req/s is no throughput the service delivered, so the highest goodput is named.
fn failed_throughput(a: &Analysis, busiest: &StageReport) -> String {
    let Some(e) = busiest.figures.error_rate.filter(|e| *e >= MOSTLY_FAILURES) else {
        return String::new();
    };
    let best = a.stages.iter().max_by(|x, y| {
        let g = |s: &StageReport| s.figures.goodput_rps.unwrap_or(0.0);
        g(x).total_cmp(&g(y))
    });
    let best = match best {
        Some(b) => format!(
            "; the highest goodput (successful requests) is {} req/s (stage \"{}\")",
            fmt(b.figures.goodput_rps, 1),
            b.name
        ),
        None => String::new(),
    };
    format!(", {} of it failures{best}", format_percent(e))
}

/// The overall latency the Latency row describes without an SLA: its p95 (`≈` when
/// estimated from merged summaries), else the mean when the tools' summaries lack it.
fn overall_latency(a: &Analysis) -> String {
    let o = &a.overall;
    let approx = if o.latency_method == Some(PercentileMethod::MergedApproximate) {
        "≈ "
    } else {
        ""
    };
    let doubt = (a.warnings.iter()).any(|w| matches!(w, Caveat::LatencyUnitDoubt(_)));
    let unsure = if doubt {
        ", if its unit is ms (the latency unit is in doubt: see Caveats)"
    } else {
        ""
    };
    match (o.latency_ms.p95, o.latency_ms.mean) {
        (Some(p95), _) => format!("overall p95 {approx}{}{unsure}", format_ms(p95)),
        (None, Some(mean)) => format!(
            "overall p95 not in the data (the tools' summaries lack it); mean {}{unsure}",
            format_ms(mean)
        ),
        (None, None) => "no latency in the data".into(),
    }
}

fn fmt(v: Option<f64>, decimals: usize) -> String {
    v.map(|v| format!("{v:.decimals$}"))
        .unwrap_or_else(|| "unknown".into())
}

/// The capacity row: the SLA headroom against the verdict stages' load, with the
/// saturation and breaking-point evidence.
fn capacity_readiness(a: &Analysis) -> (ReadinessStatus, String) {
    let cap = &a.capacity;
    if cap.load_points.len() < 2 {
        let why = match cap.load_points.len() {
            0 => "no stage has both a load (users or arrival rate) and a duration".to_string(),
            _ => "one load level: capacity needs several stages of different load".into(),
        };
        return (
            ReadinessStatus::NotAssessed,
            match (&cap.load_note, cap.load_points.len()) {
                (Some(note), 0) => note.clone(),
                (Some(note), _) => format!("{why}; {note}"),
                (None, _) => why,
            },
        );
    }
    let mut evidence = Vec::new();
    if let Some(h) = &cap.sla_headroom {
        evidence.push(h.statement.clone());
    }
    if let Some(s) = cap.saturation.as_ref().filter(|s| s.reached) {
        evidence.push(format!(
            "goodput saturates at ≈ {} req/s{}",
            fmt(s.throughput_rps, 0),
            s.users
                .map(|n| format!(" near {} users", fmt_users(n)))
                .unwrap_or_default()
        ));
    }
    if let Some(r) = cap
        .breaking_points
        .iter()
        .find(|b| b.criterion == super::capacity::Criterion::Retrograde)
    {
        evidence.push(r.evidence.clone());
    }
    let Some(sla) = &a.sla else {
        return audited(
            (
                ReadinessStatus::NotAssessed,
                format!("{} (no SLA given)", evidence.join("; ")),
            ),
            cap,
        );
    };
    // The load the release is judged at: the largest verdict stage's.
    let target = cap
        .load_points
        .iter()
        .filter(|p| sla.verdict_stages.is_empty() || sla.verdict_stages.contains(&p.stage))
        .map(|p| p.users)
        .fold(None, |m: Option<f64>, u| Some(m.map_or(u, |m| m.max(u))));
    let headroom = cap.sla_headroom.as_ref();
    let status = match (headroom, target) {
        (Some(h), Some(t)) if !h.limits.is_empty() => match h.users {
            None => ReadinessStatus::NotReady,
            Some(n) if n < t => ReadinessStatus::NotReady,
            Some(n) if n < 1.25 * t => ReadinessStatus::AtRisk,
            Some(_) => ReadinessStatus::Ready,
        },
        (Some(_), Some(_)) => ReadinessStatus::Ready,
        _ => ReadinessStatus::NotAssessed,
    };
    // A headroom that leaves an SLA rule open (unsettled above a level, measured at no
    // stage, not settled in the SLA table) proves no capacity: at most AT RISK, as the
    // verdict that rule holds back is at most CONDITIONAL.
    let status = match (status, headroom) {
        (ReadinessStatus::Ready, Some(h)) if !h.settled => ReadinessStatus::AtRisk,
        (s, _) => s,
    };
    if let Some(t) = target {
        evidence.push(format!("verdict load {} users", fmt_users(t)));
    }
    audited((status, evidence.join("; ")), cap)
}

/// The capacity row when the audit rejects load points: every one rejected leaves no
/// capacity to assess; some rejected make READY at most AT RISK. The rejection leads
/// the evidence.
fn audited(
    (status, evidence): (ReadinessStatus, String),
    cap: &super::capacity::CapacityReport,
) -> (ReadinessStatus, String) {
    let Some(r) = &cap.audit_rejects else {
        return (status, evidence);
    };
    let status = match status {
        _ if r.all => ReadinessStatus::NotAssessed,
        ReadinessStatus::Ready => ReadinessStatus::AtRisk,
        s => s,
    };
    (
        status,
        format!("{}; as the data states: {evidence}", r.statement),
    )
}
