//! SLA rules the report's source cannot answer at a stage, judged on another source's
//! measurement of that same stage. A run dir whose stage dirs each hold two tools
//! (`02_peak_16users/{ab.txt,h2load.txt}`) is shown by one of them, chosen for its
//! requests (`ingest::arbitrate`); when that one has no figure for a rule (h2load and
//! wrk print no p95, ab does), the rule would be "insufficient data" while the run
//! holds the figure. Such a rule is judged on the other tool's stage of the same name
//! and load (users, arrival rate), and its note says whose figure it is. The shown
//! source stays the report's for everything else, and a stage the audit finds fault
//! with (Little's law, counts, percentiles) never answers a rule, nor does a file of
//! unknown origin (`Source::unknown_origin`: a server's access log reads as a generic CSV).
//!
//! A latency rule the shown source passes is judged on the other tool's stage too:
//! when that measurement fails it, the verdict takes the worse (both tools measured
//! the system at that load; the friendlier one does not decide alone).

use super::metrics::ScopeMetrics;
use super::sla::{self, RuleEvaluation, RuleStatus, ScopeData, SlaSpec};
use crate::analysis::quantity::{format_count, UnitKind};
use crate::model::{Run, Source, Stage};

/// Replaces each of `evals` that has no value on a stage of `shown` (the report's
/// source of `run`) by the same rule judged on another source of `run` that measured
/// that stage at the same load, when that one has the value, and each latency rule
/// `shown` passes on a stage by that judgement when it fails; `discount` turns its
/// passes into what that source can show. The SLA is resolved against `shown`'s
/// names, as the report's evaluations were, so the two lists match one for one.
pub(super) fn judge_on_other_sources(
    evals: &mut [RuleEvaluation],
    (run, shown): (&Run, &Source),
    spec: &SlaSpec,
    verdict_override: &[String],
    discount: impl Fn(&mut [RuleEvaluation], &Source, &Run),
) {
    if !evals.iter().any(open) {
        return;
    }
    let stages: Vec<String> = shown.stages.iter().map(|s| s.name.clone()).collect();
    let users: Vec<Option<u32>> = shown.stages.iter().map(|s| s.users).collect();
    let endpoints = super::sla_report::endpoint_names(shown);
    let unnamed = super::sla_report::unnamed_endpoints(run, shown);
    // A file of unknown origin (a server's access log reads as a generic CSV, timing
    // the server's side) never answers for a load tool's stage.
    let others = (run.sources.iter()).filter(|s| !std::ptr::eq(*s, shown) && !s.unknown_origin);
    for other in others {
        let matched: Vec<(&Stage, &Stage)> = (shown.stages.iter())
            .filter_map(|mine| Some((mine, same_stage(mine, other, run)?)))
            .collect();
        if matched.is_empty() {
            continue;
        }
        let metrics: Vec<(&str, ScopeMetrics)> = (matched.iter())
            .map(|(mine, theirs)| (mine.name.as_str(), ScopeMetrics::of_stage(theirs)))
            .collect();
        let scopes: Vec<ScopeData> = (metrics.iter())
            .map(|(name, m)| ScopeData::new(Some(name), None, m))
            .collect();
        let evaluated = sla::evaluate_with(
            spec,
            (&stages, &users),
            (&endpoints, &unnamed),
            &scopes,
            verdict_override,
        );
        let Ok(theirs) = evaluated else {
            continue;
        };
        let mut theirs = theirs.evals;
        discount(&mut theirs, other, run);
        for mine in evals.iter_mut().filter(|e| open(e)) {
            let worse_only = !unanswered(mine);
            // The same rule (its line too: one rule may be written twice) at the
            // same stage; their list holds only the stages they measured.
            let Some(judged) = (theirs.iter()).find(|j| {
                j.rule == mine.rule
                    && j.line == mine.line
                    && j.scope == mine.scope
                    && j.stage == mine.stage
                    && j.endpoint.is_none()
                    && j.value.is_some()
                    && (!worse_only || j.status == RuleStatus::Fail)
            }) else {
                continue;
            };
            let judged = judged.clone();
            let Some((shown_stage, their_stage)) = (matched.iter())
                .find(|(m, _)| Some(&m.name) == mine.stage.as_ref())
                .copied()
            else {
                continue;
            };
            let note = if worse_only {
                fails_elsewhere(mine, (shown, shown_stage), (other, their_stage))
            } else {
                judged_elsewhere(shown, shown_stage, other, their_stage)
            };
            *mine = RuleEvaluation {
                note: Some(match &judged.note {
                    Some(n) => format!("{note}; {n}"),
                    None => note,
                }),
                ..judged
            };
        }
    }
}

/// True for an evaluation another source's stage may decide: one without a value, or
/// a latency pass the other measurement may fail.
fn open(e: &RuleEvaluation) -> bool {
    unanswered(e) || contestable(e)
}

/// True for an evaluation of a whole stage that has no value to judge, or passes on a
/// bound only (`≤ 61 ms`, wrk's p(99) for a p(95)): a measured value is better.
fn unanswered(e: &RuleEvaluation) -> bool {
    matches!(e.status, RuleStatus::InsufficientData | RuleStatus::Pass)
        && e.value.is_none()
        && e.stage.is_some()
        && e.endpoint.is_none()
}

/// True for an evaluation of a whole stage's latency that passes (or is not proven)
/// on the shown source: another tool's measurement of the stage may fail it.
fn contestable(e: &RuleEvaluation) -> bool {
    matches!(e.status, RuleStatus::Pass | RuleStatus::NotProven)
        && e.unit == UnitKind::LatencyMs
        && e.value.is_some()
        && e.window.is_none()
        && e.stage.is_some()
        && e.endpoint.is_none()
}

/// `other`'s stage of `mine`'s name at the same load, when the audit finds no fault
/// with it (nothing suspect or impossible).
fn same_stage<'s>(mine: &Stage, other: &'s Source, run: &Run) -> Option<&'s Stage> {
    let theirs = (other.stages.iter()).find(|t| {
        t.name == mine.name
            && t.users == mine.users
            && t.arrival_rate_rps == mine.arrival_rate_rps
            && t.requests() > 0
    })?;
    if other_requests(mine, theirs, run) {
        return None;
    }
    let findings = super::audit::audit_stage(theirs, other, run.meta.think_time);
    let faulted = (findings.iter()).any(|f| f.verdict != super::audit::AuditVerdict::Ok);
    (!faulted).then_some(theirs)
}

/// True when `theirs` measured other requests than `mine`: both name the URLs they
/// requested and none of `theirs` is one of `mine`'s routes (ab's `POST …/run` beside
/// wrk's `GET …/agents` in one stage dir). Its latencies are another endpoint's, which
/// say nothing of the shown stage's. A name that is no route (a file's, a label) may
/// be any request, so it never tells requests apart.
fn other_requests(mine: &Stage, theirs: &Stage, run: &Run) -> bool {
    let files = || run.inputs.iter().map(|i| i.path.as_path());
    let names = |s: &Stage| -> Option<Vec<String>> {
        let mut keys = (s.endpoints.iter())
            .filter(|(_, e)| !e.transaction)
            .map(|(k, _)| k)
            .peekable();
        keys.peek()?;
        keys.map(|k| (!k.named_after_file(files())).then(|| k.to_string()))
            .collect()
    };
    let (Some(ours), Some(their)) = (names(mine), names(theirs)) else {
        return false;
    };
    !(their.iter()).any(|t| ours.iter().any(|o| sla::may_be_one_route(o, t)))
}

/// The tool that measured `stage` of `src` (a stage dir's own, else the source's).
fn tool_of(stage: &Stage, src: &Source) -> String {
    stage.tool.clone().unwrap_or_else(|| src.tool.clone())
}

/// The note of a latency rule the shown source passes and another tool's measurement
/// of the same stage fails.
fn fails_elsewhere(
    mine: &RuleEvaluation,
    (shown, shown_stage): (&Source, &Stage),
    (other, their_stage): (&Source, &Stage),
) -> String {
    format!(
        "judged on {}'s measurement of this stage ({} requests at the same load), which \
         fails it: {}, which the report shows for it ({} requests), measured {}; two \
         tools measured this stage, and the worse decides",
        tool_of(their_stage, other),
        format_count(their_stage.requests() as f64),
        tool_of(shown_stage, shown),
        format_count(shown_stage.requests() as f64),
        mine.value_display.as_deref().unwrap_or("—")
    )
}

/// The note of a rule judged on another source's stage.
fn judged_elsewhere(shown: &Source, mine: &Stage, other: &Source, theirs: &Stage) -> String {
    format!(
        "judged on {}'s measurement of this stage ({} requests at the same load): {}, \
         which the report shows for it ({} requests), has no such figure",
        tool_of(theirs, other),
        format_count(theirs.requests() as f64),
        tool_of(mine, shown),
        format_count(mine.requests() as f64)
    )
}
