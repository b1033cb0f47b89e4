//! A few sentences per stage, each from a figure or a finding: what moved against the
//! stage before, which endpoint carries the most requests and which the most waiting
//! time, what failed and how, which SLA rules it misses, and the bottleneck hints
//! seen in it.

use crate::analysis::words::ticked;
use serde::Serialize;

use super::deltas::{phrase, MOVED};
use super::{rejection, Rejected};
use crate::analysis::audit::AuditVerdict;
use crate::analysis::bottlenecks::Severity as HintSeverity;
use crate::analysis::headline::{miss, noun, verb};
use crate::analysis::quality::finding_summary;
use crate::analysis::quantity::{
    format_count, format_ms, format_percent, format_percentile_ms, format_rate,
};
use crate::analysis::report::{Analysis, EndpointReport, StageReport};
use crate::analysis::sla::RuleStatus;

/// The sentences of one stage.
#[derive(Clone, Debug, Serialize)]
pub struct StageAnalysis {
    /// The stage.
    pub stage: String,
    /// Its sentences, in reading order; names of stages, endpoints and rules are in
    /// backticks.
    pub sentences: Vec<String>,
}

/// Every stage's sentences, in stage order.
pub(super) fn all(a: &Analysis, rejected: &Rejected) -> Vec<StageAnalysis> {
    a.stages
        .iter()
        .enumerate()
        .map(|(i, s)| StageAnalysis {
            stage: s.name.clone(),
            sentences: match rejection(rejected, &s.name) {
                Some(why) => vec![format!(
                    "The consistency audit rejects {why}: nothing is concluded from this \
                     stage's figures."
                )],
                None => sentences(a, i, rejected),
            },
        })
        .collect()
}

fn sentences(a: &Analysis, i: usize, rejected: &Rejected) -> Vec<String> {
    let s = &a.stages[i];
    let mut out = Vec::new();
    for f in a.audit.iter().filter(|f| {
        f.verdict == AuditVerdict::Suspect && f.stage.as_deref() == Some(s.name.as_str())
    }) {
        out.push(format!(
            "The consistency audit questions {}: read this stage's figures with care.",
            finding_summary(f)
        ));
    }
    out.push(movement(a, i, rejected));
    out.extend(dominance(s));
    out.push(failures(s));
    out.extend(sla_sentence(a, s));
    for h in a
        .bottlenecks
        .iter()
        .filter(|h| h.stage.as_deref() == Some(s.name.as_str()))
    {
        let sev = match h.severity {
            HintSeverity::High => "high",
            HintSeverity::Medium => "medium",
            HintSeverity::Low => "low",
        };
        out.push(format!(
            "Bottleneck hint ({sev}, {}): {}.",
            h.rule.replace('_', " "),
            h.symptom.trim_end_matches('.')
        ));
    }
    out
}

/// What moved against the stage before; for the first stage, where it starts.
fn movement(a: &Analysis, i: usize, rejected: &Rejected) -> String {
    let s = &a.stages[i];
    let f = &s.figures;
    let prev = i.checked_sub(1).map(|p| &a.stages[p]);
    match prev {
        Some(p) if rejection(rejected, &p.name).is_none() => {
            let moved: Vec<String> = MOVED.iter().filter_map(|m| phrase(*m, s, p)).collect();
            if moved.is_empty() {
                format!("Against {}: no figure to compare.", ticked(&p.name))
            } else {
                format!(
                    "Against {}{}: {}.",
                    ticked(&p.name),
                    load(p),
                    moved.join(", ")
                )
            }
        }
        _ => {
            let at = match load(s) {
                l if l.is_empty() => "an unrecorded load".to_string(),
                l => l.trim().trim_matches(['(', ')']).to_string(),
            };
            let lead = if prev.is_some() {
                "At"
            } else {
                "First stage, at"
            };
            format!(
                "{lead} {at}: {} requests at {}, p95 {}, error rate {}.",
                format_count(f.requests as f64),
                opt(f.throughput_rps, format_rate),
                f.latency_ms.p95.map_or_else(
                    || "unknown".into(),
                    |v| format_percentile_ms(v, f.latency_method)
                ),
                opt(f.error_rate, format_percent),
            )
        }
    }
}

/// ` (10 users)`, ` (50 req/s offered)` or empty.
fn load(s: &StageReport) -> String {
    match (s.users, s.arrival_rate_rps) {
        (Some(u), _) => format!(
            " ({} {})",
            format_count(f64::from(u)),
            noun(u as usize, "user")
        ),
        (None, Some(r)) => format!(" ({} offered)", format_rate(r)),
        _ => String::new(),
    }
}

fn opt(v: Option<f64>, f: fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "unknown".into())
}

/// The endpoints that carry the most requests and the most waiting time (mean ×
/// requests), when there are at least two.
fn dominance(s: &StageReport) -> Vec<String> {
    let eps: Vec<&EndpointReport> = s
        .endpoints
        .iter()
        .filter(|e| !e.transaction && e.figures.requests > 0)
        .collect();
    if eps.len() < 2 {
        return Vec::new();
    }
    let total: u64 = eps.iter().map(|e| e.figures.requests).sum();
    let top = eps
        .iter()
        .max_by(|a, b| {
            a.figures
                .requests
                .cmp(&b.figures.requests)
                .then(b.key.cmp(&a.key))
        })
        .expect("two endpoints");
    let mut out = vec![format!(
        "{} carries the most requests: {} ({} of {}).",
        ticked(&top.key),
        format_percent(top.figures.requests as f64 / total as f64),
        format_count(top.figures.requests as f64),
        format_count(total as f64)
    )];
    let waits: Vec<(&EndpointReport, f64)> = eps
        .iter()
        .filter_map(|e| {
            e.figures
                .latency_ms
                .mean
                .map(|m| (*e, m * e.figures.requests as f64))
        })
        .collect();
    let wait_total: f64 = waits.iter().map(|(_, w)| w).sum();
    if waits.len() == eps.len() && wait_total > 0.0 {
        let (e, w) = waits
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.key.cmp(&a.0.key)))
            .expect("two endpoints");
        out.push(format!(
            "{} takes the largest share of the waiting time: {} (mean {} × {} requests).",
            ticked(&e.key),
            format_percent(w / wait_total),
            format_ms(e.figures.latency_ms.mean.unwrap_or_default()),
            format_count(e.figures.requests as f64)
        ));
    }
    out
}

/// What failed, by kind, and on which endpoint most.
fn failures(s: &StageReport) -> String {
    let f = &s.figures;
    if f.requests == 0 {
        return "No request was measured in this stage.".into();
    }
    if f.failures == 0 {
        return format!(
            "None of its {} requests failed.",
            format_count(f.requests as f64)
        );
    }
    let mut kinds: Vec<(String, u64)> = f
        .failures_by_kind
        .iter()
        .map(|(k, n)| (k.to_string(), *n))
        .collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let kinds: Vec<String> = kinds
        .iter()
        .map(|(k, n)| format!("`{k}` {}", format_count(*n as f64)))
        .collect();
    let mut text = format!(
        "{} of {} requests failed ({})",
        format_count(f.failures as f64),
        format_count(f.requests as f64),
        opt(f.error_rate, format_percent)
    );
    if !kinds.is_empty() {
        text.push_str(&format!(": {}", kinds.join(", ")));
    }
    let eps: Vec<&EndpointReport> = s.endpoints.iter().filter(|e| !e.transaction).collect();
    if eps.len() >= 2 {
        if let Some(e) = eps
            .iter()
            .filter(|e| e.figures.failures > 0)
            .max_by(|a, b| {
                a.figures
                    .failures
                    .cmp(&b.figures.failures)
                    .then(b.key.cmp(&a.key))
            })
        {
            text.push_str(&format!(
                "; most on {} ({} of its {})",
                ticked(&e.key),
                format_count(e.figures.failures as f64),
                format_count(e.figures.requests as f64)
            ));
        }
    }
    text.push('.');
    text
}

/// The SLA evaluations of the stage: the misses by name, else how many pass.
fn sla_sentence(a: &Analysis, s: &StageReport) -> Option<String> {
    let sla = a.sla.as_ref()?;
    let evals: Vec<_> = sla
        .rules
        .iter()
        .filter(|e| e.stage.as_deref() == Some(s.name.as_str()) && e.status != RuleStatus::NotRun)
        .collect();
    if evals.is_empty() {
        return None;
    }
    let n = evals.len();
    let fails: Vec<String> = evals
        .iter()
        .filter(|e| e.status == RuleStatus::Fail)
        .map(|e| miss(e))
        .collect();
    let open = evals
        .iter()
        .filter(|e| {
            matches!(
                e.status,
                RuleStatus::NotProven | RuleStatus::InsufficientData
            )
        })
        .count();
    let open_text = if open > 0 {
        format!(
            "; {open} {} not settled (not proven or lacking data)",
            verb(open, "is", "are")
        )
    } else {
        String::new()
    };
    Some(if fails.is_empty() {
        format!(
            "No SLA evaluation on this stage fails ({} of {n} pass{open_text}).",
            n - open,
        )
    } else {
        let k = fails.len();
        format!(
            "It misses {k} of its {n} SLA {}: {}{open_text}.",
            noun(n, "evaluation"),
            fails.join(", ")
        )
    })
}
