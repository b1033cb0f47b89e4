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
//!
//! A source whose every request is in such stages, and whose figures there pass every
//! rule that has a value on them, was weighed by the SLA: it holds no GO back as
//! requests in none of the report's figures (`quality::uncovered_source_except`).

use super::metrics::ScopeMetrics;
use super::sla::{self, RuleEvaluation, RuleStatus, Scope, ScopeData, SlaSpec};
use crate::analysis::quantity::{format_count, UnitKind};
use crate::model::{Run, Source, Stage};

/// Replaces each of `evals` that has no value on a stage of `shown` (the report's
/// source of `run`) by the same rule judged on another source of `run` that measured
/// that stage at the same load, when that one has the value, and each latency rule
/// `shown` passes on a stage by that judgement when it fails; `discount` turns its
/// passes into what that source can show. The SLA is resolved against `shown`'s
/// names, as the report's evaluations were, so the two lists match one for one.
pub(super) fn judge_on_other_sources(
    evals: &mut Vec<RuleEvaluation>,
    (run, shown): (&Run, &Source),
    spec: &SlaSpec,
    verdict_override: &[String],
    discount: impl Fn(&mut [RuleEvaluation], &Source, &Run),
) -> Elsewhere {
    let mut judged_endpoints = Vec::new();
    let mut weighed = Vec::new();
    let stages: Vec<String> = shown.stages.iter().map(|s| s.name.clone()).collect();
    let users: Vec<Option<u32>> = shown.stages.iter().map(|s| s.users).collect();
    // A file of unknown origin (a server's access log reads as a generic CSV, timing
    // the server's side) never answers for a load tool's stage.
    let others = (run.sources.iter()).filter(|s| !std::ptr::eq(*s, shown) && !s.unknown_origin);
    for other in others {
        let matched: Vec<Pair> = (shown.stages.iter())
            .filter_map(|mine| {
                let (theirs, apart) = same_stage(mine, other, run)?;
                Some((mine, theirs, apart))
            })
            .collect();
        if matched.is_empty() {
            continue;
        }
        // The other tool's stages under the shown stages' names, whole and by endpoint:
        // its endpoint of an endpoint section judges that section's rules.
        let mut metrics: Vec<(&str, Option<String>, ScopeMetrics)> = Vec::new();
        let mut endpoints = super::sla_report::endpoint_names(shown);
        for (mine, theirs, _) in &matched {
            metrics.push((&mine.name, None, ScopeMetrics::of_stage(theirs)));
            for ep in theirs.endpoints.values() {
                let key = ep.key.to_string();
                metrics.push((
                    &mine.name,
                    Some(key.clone()),
                    ScopeMetrics::of_endpoint_in(ep, theirs),
                ));
                endpoints.push(key);
            }
        }
        endpoints.sort();
        endpoints.dedup();
        let scopes: Vec<ScopeData> = (metrics.iter())
            .map(|(name, ep, m)| ScopeData::new(Some(name), ep.clone(), m))
            .collect();
        let unnamed = super::sla_report::unnamed_endpoints(run, other);
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
        let absent = judged_where_measured(evals, &theirs, (&matched, shown, other));
        judged_endpoints.extend(absent.iter().filter_map(|e| e.endpoint.clone()));
        evals.extend(absent);
        if holds_every_rule(&theirs, &matched, other) {
            weighed.extend(run.sources.iter().position(|s| std::ptr::eq(s, other)));
        }
        for mine in evals.iter_mut() {
            let Some(pair) =
                (matched.iter()).find(|(m, _, _)| Some(&m.name) == mine.stage.as_ref())
            else {
                continue;
            };
            let by_endpoint = endpoint_unanswered(mine);
            // An endpoint's figures answer for that endpoint whatever else the stages
            // requested; a whole stage's only when the two tools requested its routes.
            if !(by_endpoint || (open(mine) && !pair.2)) {
                continue;
            }
            let worse_only = !by_endpoint && !unanswered(mine);
            // The same rule (its line too: one rule may be written twice) at the
            // same stage; their list holds only the stages they measured.
            let Some(judged) = (theirs.iter()).find(|j| {
                j.rule == mine.rule
                    && j.line == mine.line
                    && j.scope == mine.scope
                    && j.stage == mine.stage
                    && j.endpoint.is_some() == by_endpoint
                    && j.value.is_some()
                    && (!worse_only || j.status == RuleStatus::Fail)
            }) else {
                continue;
            };
            let judged = judged.clone();
            let note = if by_endpoint {
                judged_endpoint_elsewhere(pair, shown, other)
            } else if worse_only {
                fails_elsewhere(mine, pair, shown, other)
            } else {
                judged_elsewhere(pair, shown, other)
            };
            if by_endpoint {
                judged_endpoints.extend(mine.endpoint.clone());
            }
            *mine = RuleEvaluation {
                note: Some(match &judged.note {
                    Some(n) => format!("{note}; {n}"),
                    None => note,
                }),
                // The section's endpoint as the SLA names it (the report's rows).
                endpoint: mine.endpoint.take(),
                ..judged
            };
        }
    }
    (judged_endpoints, weighed)
}

/// The evaluations, stage by stage, of an `[endpoint."…"]` section that names no
/// endpoint of the shown source (`not_run`, over the whole run) on another source's
/// stages that measured it (`theirs`, its evaluations; `matched`, its stages): ab's
/// `POST …/run` beside wrk's GET in one stage dir. Without them the rule was not run,
/// a GO whatever ab measured. One per stage and rule, never twice.
fn judged_where_measured(
    evals: &[RuleEvaluation],
    theirs: &[RuleEvaluation],
    (matched, shown, other): (&[Pair], &Source, &Source),
) -> Vec<RuleEvaluation> {
    let absent = |e: &&RuleEvaluation| {
        e.status == RuleStatus::NotRun
            && e.scope == Scope::Endpoint
            && e.stage.is_none()
            && e.endpoint.is_some()
    };
    let mut out: Vec<RuleEvaluation> = Vec::new();
    for mine in evals.iter().filter(absent) {
        for pair in matched {
            let stage = Some(pair.0.name.clone());
            let Some(judged) = (theirs.iter()).find(|j| {
                j.rule == mine.rule
                    && j.line == mine.line
                    && j.scope == mine.scope
                    && j.stage == stage
                    && j.endpoint.is_some()
                    && j.value.is_some()
            }) else {
                continue;
            };
            let seen = |e: &RuleEvaluation| {
                e.rule == mine.rule
                    && e.line == mine.line
                    && e.stage == stage
                    && e.endpoint == mine.endpoint
            };
            if evals.iter().chain(&out).any(seen) {
                continue;
            }
            let note = judged_endpoint_elsewhere(pair, shown, other);
            out.push(RuleEvaluation {
                note: Some(match &judged.note {
                    Some(n) => format!("{note}; {n}"),
                    None => note,
                }),
                endpoint: mine.endpoint.clone(),
                ..judged.clone()
            });
        }
    }
    out
}

/// The endpoints whose rules another source's figures answered, and the sources (their
/// index among the run's) whose every request the rules weighed and found holding
/// ([`holds_every_rule`]).
pub(super) type Elsewhere = (Vec<String>, Vec<usize>);

/// True when every request of `other` is in stages matched to the shown source's
/// (`matched`), and the rules judged on those stages' figures (`theirs`) found a value
/// for at least one and every one with a value passes: its requests, in none of the
/// report's figures, were weighed by the SLA all the same, and hold nothing back
/// (httperf beside h2load on the same URL, ab's POST beside wrk's GET once the POST's
/// endpoint rule is judged on ab's figures).
fn holds_every_rule(theirs: &[RuleEvaluation], matched: &[Pair], other: &Source) -> bool {
    let covered: u64 = matched.iter().map(|(_, t, _)| t.requests()).sum();
    let staged = |e: &&RuleEvaluation| {
        (matched.iter()).any(|(m, _, _)| e.stage.as_deref() == Some(m.name.as_str()))
    };
    let valued: Vec<&RuleEvaluation> = (theirs.iter())
        .filter(staged)
        .filter(|e| e.value.is_some())
        .collect();
    covered == other.overall.requests()
        && !valued.is_empty()
        && valued.iter().all(|e| e.status == RuleStatus::Pass)
}

/// A shown stage, the other source's stage of its name and load, and whether that one
/// requested other routes (`Stage::requests_other_routes`).
type Pair<'s> = (&'s Stage, &'s Stage, bool);

/// True for an evaluation of an endpoint section within a stage that the shown source
/// has no figures for (its endpoint is not in the shown stage: ab's `POST …/run` beside
/// wrk's `GET …/agents`): another tool's measurement of that endpoint in that stage
/// answers it.
fn endpoint_unanswered(e: &RuleEvaluation) -> bool {
    matches!(e.status, RuleStatus::InsufficientData | RuleStatus::NotRun)
        && matches!(e.scope, Scope::Endpoint | Scope::StageEndpoint)
        && e.value.is_none()
        && e.stage.is_some()
        && e.endpoint.is_some()
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
/// with it (nothing suspect or impossible), and whether it requested other routes than
/// `mine` (`Stage::requests_other_routes`).
fn same_stage<'s>(mine: &Stage, other: &'s Source, run: &Run) -> Option<(&'s Stage, bool)> {
    let theirs = (other.stages.iter()).find(|t| {
        t.name == mine.name
            && t.users == mine.users
            && t.arrival_rate_rps == mine.arrival_rate_rps
            && t.requests() > 0
    })?;
    let findings = super::audit::audit_stage(theirs, other, run.meta.think_time);
    let faulted = (findings.iter()).any(|f| f.verdict != super::audit::AuditVerdict::Ok);
    let files: Vec<&std::path::Path> = run.inputs.iter().map(|i| i.path.as_path()).collect();
    (!faulted).then(|| (theirs, mine.requests_other_routes(theirs, &files)))
}

/// The tool that measured `stage` of `src` (a stage dir's own, else the source's).
fn tool_of(stage: &Stage, src: &Source) -> String {
    stage.tool.clone().unwrap_or_else(|| src.tool.clone())
}

/// How the two tools' loads compare, for a note: `at the same load`, or each tool's
/// own count at once when they differ (`ab ran 20 at once, wrk 50`): the stage's users
/// may be the dir's name's, the same for both, while one tool ran fewer.
fn load_of((mine, theirs, _): &Pair, shown: &Source, other: &Source) -> String {
    let at_once = |s: &Stage| s.ran_at_once.or(s.users);
    match (at_once(mine), at_once(theirs)) {
        (Some(m), Some(t)) if m != t => format!(
            "{} ran {t} at once, {} {m}",
            tool_of(theirs, other),
            tool_of(mine, shown)
        ),
        (None, Some(t)) if Some(t) != theirs.users.or(mine.users) => {
            format!("{} ran {t} at once", tool_of(theirs, other))
        }
        _ => "at the same load".to_string(),
    }
}

/// The note of a latency rule the shown source passes and another tool's measurement
/// of the same stage fails.
fn fails_elsewhere(mine: &RuleEvaluation, pair: &Pair, shown: &Source, other: &Source) -> String {
    let (shown_stage, their_stage, _) = pair;
    format!(
        "judged on {}'s measurement of this stage ({} requests, {}), which \
         fails it: {}, which the report shows for it ({} requests), measured {}; two \
         tools measured this stage, and the worse decides",
        tool_of(their_stage, other),
        format_count(their_stage.requests() as f64),
        load_of(pair, shown, other),
        tool_of(shown_stage, shown),
        format_count(shown_stage.requests() as f64),
        mine.value_display.as_deref().unwrap_or("—")
    )
}

/// The note of a rule judged on another source's stage.
fn judged_elsewhere(pair: &Pair, shown: &Source, other: &Source) -> String {
    let (mine, theirs, _) = pair;
    format!(
        "judged on {}'s measurement of this stage ({} requests, {}): {}, \
         which the report shows for it ({} requests), has no such figure",
        tool_of(theirs, other),
        format_count(theirs.requests() as f64),
        load_of(pair, shown, other),
        tool_of(mine, shown),
        format_count(mine.requests() as f64)
    )
}

/// The note of an endpoint rule judged on another source's measurement of that
/// endpoint in the stage.
fn judged_endpoint_elsewhere(pair: &Pair, shown: &Source, other: &Source) -> String {
    let (mine, theirs, _) = pair;
    format!(
        "judged on {}'s measurement of this endpoint in this stage ({} requests in the \
         stage, {}): {}, which the report shows for the stage, did not request it",
        tool_of(theirs, other),
        format_count(theirs.requests() as f64),
        load_of(pair, shown, other),
        tool_of(mine, shown),
    )
}
