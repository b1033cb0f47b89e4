//! Runs the SLA rules over a run's scopes and puts the results, the compliance matrix
//! (rule × stage) and the verdict into the [`Analysis`]. On a source that leaves
//! failures out, passes the missing failures could overturn are not shown
//! (`sla::discount_unseen_failures`). The verdict rests on the verdict stages' figures
//! and the run-wide checks: an audit finding on a stage that decides nothing is shown
//! (in the data quality, and a clause of the verdict sentence) but holds no GO back.

use super::audit::{AuditFinding, AuditVerdict};
use super::caveat::Caveat;
use super::headline::{verdict_sentence, VerdictFacts};
use super::metrics::ScopeMetrics;
use super::quality::{finding_summary, DataQuality};
use super::report::{Analysis, MatrixCell, MatrixRow, SlaMatrix, SlaSummary};
use super::sla::{self, RuleEvaluation, RuleStatus, ScopeData, SlaError, SlaSpec};
use super::sla_beside::judge_on_other_sources as answer_elsewhere;
use crate::analysis::words::ticked;
use crate::model::{Run, Source, Stage, TimeSeries};

/// The run's planned tasks as (task name, endpoint key), where run.toml gives both.
fn planned_tasks(run: &Run) -> Vec<(String, String)> {
    (run.meta.planned_tasks.iter())
        .filter_map(|t| Some((t.name.clone(), t.endpoint.clone()?)))
        .collect()
}

/// Stage sections naming a part of the run that ran but is no stage (an Artillery
/// ramp): their rules lack the data (`sla::phases_not_stages`), and the warning that
/// they name nothing in the data is dropped.
fn phases_named(evaluated: &mut sla::Evaluated, src: &Source) {
    let every_stage_decides = evaluated.verdict_stages.is_empty();
    let (evals, warnings) = (&mut evaluated.evals, &mut evaluated.warnings);
    for name in sla::phases_not_stages(evals, &src.phases_not_stages, every_stage_decides) {
        let section = format!("[stage.{name}]");
        warnings.retain(|w| !matches!(w, Caveat::SlaNameAbsent(t) if t.contains(&section)));
    }
}

/// Turns the passes (and misses) that `src` cannot show into what it can: unseen
/// failures, a doubtful latency or time unit, untrimmed summaries, a tool's rounding.
fn discount(evals: &mut [RuleEvaluation], src: &Source, run: &Run) {
    sla::discount_unseen_failures(evals, |stage| {
        super::quality::unseen_failures_in(src, stage)
    });
    if let Some(why) = &src.latency_unit_doubt {
        sla::discount_doubtful_latency(evals, why);
    }
    if let Some(why) = &src.clock_unit_doubt {
        sla::discount_doubtful_clock(evals, why);
    }
    sla::discount_untrimmed(evals, &untrimmed_scopes(src));
    sla::discount_disputed_counts(evals, &disputed_scopes(src));
    for stage in &src.stages {
        if let Some(why) = &stage.endpoints_whole_run {
            sla::judged_on_whole_run(evals, &stage.name, why);
        }
    }
    // k6's console summary prints its figures coarser than its JSON outputs do.
    let k6: Vec<&str> = (run.inputs.iter())
        .map(|i| i.format.as_str())
        .filter(|f| f.starts_with("k6"))
        .collect();
    let console = src.tool == "k6" && !k6.is_empty() && k6.iter().all(|f| *f == "k6-console");
    let printed = if console {
        "k6-console"
    } else {
        src.tool.as_str()
    };
    sla::discount_rounded(evals, &src.tool, |metric, v| {
        let tool = Some(printed);
        match metric {
            sla::Metric::Mean => super::rounding::mean_step_ms(tool, v),
            sla::Metric::Min | sla::Metric::Max => super::rounding::extreme_step_ms(tool, v),
            _ => super::rounding::step_ms(tool, v),
        }
    });
}

/// The scopes of `src` whose figures rest on files that count its run differently
/// (`Source::totals_disagree`), each with why: its whole run, and the stages those
/// files gave (every stage when none is marked: one run's files gave them all).
fn disputed_scopes(src: &Source) -> Vec<(Option<&str>, &str)> {
    let Some(d) = &src.totals_disagree else {
        return Vec::new();
    };
    let mut scopes = vec![(None, d.why.as_str())];
    let marked = (src.stages.iter()).filter_map(|s| {
        Some((
            Some(s.name.as_str()),
            s.totals_disagree.as_ref()?.why.as_str(),
        ))
    });
    scopes.extend(marked);
    if scopes.len() == 1 {
        scopes.extend(
            src.stages
                .iter()
                .map(|s| (Some(s.name.as_str()), d.why.as_str())),
        );
    }
    scopes
}

/// A stage the audit's `stage_gap` calls two runs read as one decides no rule: none
/// of its figures is one run's.
fn two_runs(evals: &mut [RuleEvaluation], audit: &[AuditFinding]) {
    let gaps = audit
        .iter()
        .filter(|f| f.check == "stage_gap" && f.verdict != AuditVerdict::Ok);
    for f in gaps {
        if let Some(stage) = &f.stage {
            sla::discount_two_runs(evals, stage, &f.explanation);
        }
    }
}

/// Column name of the overall scope in the matrix.
const OVERALL: &str = "overall";

/// Evaluates `spec` on the run's primary source and records rules, matrix, verdict
/// and its sentence in `analysis` (whose capacity is already judged against `spec`);
/// `verdict_override` (`--verdict-stage`) replaces the file's `verdict_stages` when
/// not empty. The names the data lacks are added to the analysis's caveats. Errors
/// are the SLA file's (a name that looks like a typo of one in the data) or the
/// override's.
pub(super) fn apply(
    analysis: &mut Analysis,
    run: &Run,
    spec: &SlaSpec,
    verdict_override: &[String],
) -> Result<(), SlaError> {
    let Some(src) = run.primary() else {
        return Ok(());
    };
    let stage_names: Vec<String> = src.stages.iter().map(|s| s.name.clone()).collect();
    let endpoint_names = endpoint_names(src);
    let spec = &*sla::with_task_names(spec, &planned_tasks(run), &endpoint_names);
    // Owned figures first; the scopes borrow them. Each scope keeps its time series
    // (window rules) and its time window (rates per window).
    let windows = spec.has_window_rules();
    type Owned<'r> = (
        Option<String>,
        Option<String>,
        ScopeMetrics,
        Option<&'r TimeSeries>,
        Option<(i64, i64)>,
    );
    let mut owned: Vec<Owned> = Vec::new();
    for stage in src.stages.iter().map(Some).chain(std::iter::once(None)) {
        let s = stage.unwrap_or(&src.overall);
        let name = stage.map(|s| s.name.clone());
        owned.push((
            name.clone(),
            None,
            ScopeMetrics::of_stage(s),
            // A stage's own series also lets a latency pass on a drifting stage be
            // questioned (`sla/drifting.rs`); overall spans stages of different load.
            (windows || stage.is_some())
                .then(|| stage_series(s))
                .flatten(),
            s.window_ms,
        ));
        let of = endpoints_of(s, stage.is_some(), src);
        for ep in of.endpoints.values() {
            owned.push((
                name.clone(),
                Some(ep.key.to_string()),
                ScopeMetrics::of_endpoint_in(ep, of),
                (windows && !ep.series.is_empty()).then_some(&ep.series),
                of.window_ms,
            ));
        }
    }
    let scopes: Vec<ScopeData> = owned
        .iter()
        .map(|(stage, endpoint, metrics, series, window)| {
            ScopeData::new(stage.as_deref(), endpoint.clone(), metrics)
                .with_series(*series, *window)
        })
        .collect();
    let unnamed = unnamed_endpoints(run, src);
    let stage_users: Vec<Option<u32>> = src.stages.iter().map(|s| s.users).collect();
    let mut evaluated = sla::evaluate_with(
        spec,
        (&stage_names, &stage_users),
        (&endpoint_names, &unnamed),
        &scopes,
        verdict_override,
    )?;
    phases_named(&mut evaluated, src);
    let mut evals = evaluated.evals;
    discount(&mut evals, src, run);
    two_runs(&mut evals, &analysis.audit);
    let elsewhere = answer_elsewhere(&mut evals, (run, src), spec, verdict_override, discount);
    (analysis.warnings).extend(measured_elsewhere(evaluated.warnings, &evals, &elsewhere.0));
    let (data_reason, aside) = data_reason(analysis, run, &evaluated.verdict_stages, &elsewhere.1);
    let answers_wrong = ok_server_errors(src).or_else(|| failed_script_checks(src));
    let stage_metrics = owned.iter().filter(|o| o.1.is_none());
    let unjudged = unjudged_failures(run, &evals, stage_metrics.map(|o| (o.0.as_deref(), &o.2)));
    let tool_failed = failed_tool_clauses(run);
    let gate = tool_gate(tool_failed.as_deref()).or_else(|| answers_wrong.clone());
    let chose_other = evaluated.verdict_fallback || !evaluated.stages_unmatched.is_empty();
    let clean = data_reason.is_none() && gate.is_none() && unjudged.is_none();
    let verdict = held(&evals, clean, chose_other);
    let no_sla_stage = no_sla_stage(analysis, &evaluated.stages_unmatched, &stage_names);
    let unjudged = unjudged_clause(analysis, verdict, unjudged);
    let absent = &evaluated.verdict_stages_absent;
    let lacking = lacking_verdict_stages(evaluated.verdict_fallback, absent);
    let asides: Vec<String> = [gate, aside, unjudged.clone(), lacking, no_sla_stage]
        .into_iter()
        .flatten()
        .collect();
    let mut columns = stage_names.clone();
    columns.push(OVERALL.to_string());
    let headline = verdict_sentence(&VerdictFacts {
        verdict,
        evals: &evals,
        verdict_stages: &evaluated.verdict_stages,
        fallback: evaluated.verdict_fallback,
        stages: &stage_names,
        data_reason: data_reason.as_deref(),
        asides: &asides,
    });
    let count = |status| evals.iter().filter(|e| e.status == status).count();
    let (passed, not_run) = (count(RuleStatus::Pass), count(RuleStatus::NotRun));
    analysis.sla = Some(SlaSummary {
        passed,
        total: evals.len(),
        verdict,
        headline,
        verdict_stages: evaluated.verdict_stages,
        verdict_fallback: evaluated.verdict_fallback,
        verdict_stages_absent: evaluated.verdict_stages_absent.clone(),
        not_run,
        data_reason,
        answers_wrong,
        tool_failed,
        unjudged_failures: unjudged,
        matrix: matrix(&evals, &columns),
        rules: no_pass_without_data(evals),
    });
    analysis.verdict = Some(verdict);
    super::headroom_verdict::agree_with_verdict(analysis, verdict);
    Ok(())
}

/// Where the data cannot say (`insufficient_data`, `not_run`), a face value is no
/// pass: report.json's `pass` is null there, whatever set the status.
fn no_pass_without_data(mut evals: Vec<RuleEvaluation>) -> Vec<RuleEvaluation> {
    for e in &mut evals {
        if matches!(e.status, RuleStatus::InsufficientData | RuleStatus::NotRun) {
            e.pass = None;
        }
    }
    evals
}

/// The warnings that an endpoint section names nothing in the data, for the sections
/// (`judged`, as written) another tool's measurement of that endpoint judged
/// (`sla_beside`): dropped when every one of its rules was judged so, else told which
/// stages were.
fn measured_elsewhere(
    mut warnings: Vec<Caveat>,
    evals: &[RuleEvaluation],
    judged: &[String],
) -> Vec<Caveat> {
    for name in judged {
        let header = format!("[endpoint.\"{name}\"] names no endpoint");
        let unrun = (evals.iter())
            .any(|e| e.status == RuleStatus::NotRun && e.endpoint.as_deref() == Some(name));
        let mut stages: Vec<String> = (evals.iter())
            .filter(|e| e.endpoint.as_deref() == Some(name.as_str()) && e.value.is_some())
            .filter(|e| (e.note.as_deref()).is_some_and(|n| n.contains("of this endpoint")))
            .filter_map(|e| e.stage.as_deref().map(ticked))
            .collect();
        stages.dedup();
        warnings.retain_mut(|w| match w {
            Caveat::SlaNameAbsent(t) if t.contains(&header) && !unrun => false,
            Caveat::SlaNameAbsent(t) if t.contains(&header) && !t.contains("another tool") => {
                t.push_str(&format!(
                    "; except in {}: another tool measured it there, and its rules there are \
                     judged on that tool's figures (see their notes)",
                    stages.join(", ")
                ));
                true
            }
            _ => true,
        });
    }
    warnings
}

/// The clause on failures no gating rule judges (and its warning), unless NO-GO:
/// they hold a GO back, as answers a tool misjudged do.
fn unjudged_clause(
    analysis: &mut Analysis,
    verdict: sla::Verdict,
    shares: Option<String>,
) -> Option<String> {
    let shares = shares.filter(|_| verdict != sla::Verdict::NoGo)?;
    analysis.warnings.push(Caveat::UnjudgedFailures {
        verdict: verdict.to_string(),
        shares: shares.clone(),
    });
    Some(format!(
        "no gating rule judges failures, yet requests failed: {shares}: not a GO until a \
         rule on failures (error_rate) judges them"
    ))
}

/// The verdict of `evals` (`clean`: nothing else holds a GO back), no GO when
/// `chose_other`: the stages that decided are not the ones the SLA chose (none of those
/// verdict_stages names is in the data) or the rules it wrote for its stages judged
/// nothing (none of the stages its sections name is).
fn held(evals: &[RuleEvaluation], clean: bool, chose_other: bool) -> sla::Verdict {
    match sla::verdict(evals, clean) {
        sla::Verdict::Go if chose_other => sla::Verdict::Conditional,
        v => v,
    }
}

/// The clause (and warning) saying that none of the stages the SLA's sections name
/// (`unmatched`, as written) is in the data, whose stages are `stages`: their rules
/// judged nothing, so the verdict is no GO. `None` when one is.
fn no_sla_stage(
    analysis: &mut Analysis,
    unmatched: &[String],
    stages: &[String],
) -> Option<String> {
    if unmatched.is_empty() {
        return None;
    }
    analysis.warnings.push(Caveat::NoSlaStage {
        names: unmatched.to_vec(),
        stages: stages.to_vec(),
    });
    let names: Vec<String> = unmatched.iter().map(|n| ticked(n)).collect();
    let theirs: Vec<String> = stages.iter().map(|n| ticked(n)).collect();
    Some(format!(
        "not a GO: the SLA's stage rules judged nothing, as none of the stages it names ({}) \
         is in the data (stages: {}); name the stage as the SLA does",
        names.join(", "),
        theirs.join(", ")
    ))
}

/// The clause naming the verdict stages the data lacks beside ones it has (with none
/// of them, the sentence's place says so): the verdict rests on the others.
fn lacking_verdict_stages(fallback: bool, absent: &[String]) -> Option<String> {
    (!fallback && !absent.is_empty()).then(|| {
        let names: Vec<String> = absent.iter().map(|n| ticked(n)).collect();
        format!(
            "verdict_stages also names {}, not in the data: {} nothing",
            names.join(", "),
            if names.len() == 1 {
                "it decides"
            } else {
                "they decide"
            }
        )
    })
}

/// Why server errors marked successful hold a GO back, or `None`: more than 1 % of
/// the source's requests answered 5xx and the tool counted them as successes, so no
/// failure figure sees them.
fn ok_server_errors(src: &Source) -> Option<String> {
    let (n, all) = (src.ok_server_errors, src.overall.requests());
    (n > 0 && n * 100 > all).then(|| {
        format!(
            "{n} of {all} requests ({:.1}%) answered HTTP 5xx yet {} marked them \
             successful, so no failure figure counts them: not a GO while they pass as \
             successes",
            100.0 * n as f64 / all as f64,
            ticked(&src.tool)
        )
    })
}

/// Why the script's failed checks hold a GO back, or `None`: of the checks the script
/// made of the answers (k6's `check()`), more than 1 % failed beyond the requests that
/// failed, answers the tool counts as successes by their status, so no failure figure
/// sees them.
fn failed_script_checks(src: &Source) -> Option<String> {
    let (passes, fails) = src.script_checks.totals();
    let all = passes + fails;
    let unseen = src.script_checks.unseen_fails(src.overall.failures());
    (unseen * 100 > all).then(|| {
        let named: Vec<String> = (src.script_checks.failed().iter())
            .take(3)
            .map(|(name, n)| format!("{} {n}", ticked(name)))
            .collect();
        let beyond = match fails - unseen {
            0 => String::new(),
            failed => format!(", {unseen} more than the {failed} requests that failed"),
        };
        format!(
            "{fails} of {all} of {} of the answers ({:.1}%) failed{}{beyond}, answers no \
             failure figure counts: not a GO while they fail",
            crate::model::ScriptChecks::whose(&src.tool),
            100.0 * fails as f64 / all as f64,
            if named.is_empty() {
                String::new()
            } else {
                format!(" ({})", named.join(", "))
            }
        )
    })
}

/// The endpoints of `src` named after a file of `run`, not after what they requested
/// (`EndpointKey::named_after_file`), each with the stages holding it: an SLA endpoint
/// section the data lacks may be them (a stage's section only its own stage's).
pub(super) fn unnamed_endpoints(run: &Run, src: &Source) -> Vec<sla::Unnamed> {
    let files = || run.inputs.iter().map(|i| i.path.as_path());
    let mut names: Vec<sla::Unnamed> = Vec::new();
    let scopes = (src.stages.iter().map(Some)).chain(std::iter::once(None));
    for stage in scopes {
        let keys = stage.unwrap_or(&src.overall).endpoints.keys();
        for k in keys.filter(|k| k.named_after_file(files())) {
            let name = k.to_string();
            let i = match names.iter().position(|(n, _, _)| *n == name) {
                Some(i) => i,
                None => {
                    let tool = stage.and_then(|s| s.tool.clone());
                    names.push((name, Vec::new(), tool.unwrap_or_else(|| src.tool.clone())));
                    names.len() - 1
                }
            };
            names[i].1.extend(stage.map(|s| s.name.clone()));
        }
    }
    names.sort();
    names
}

/// Every endpoint's name in the source's stages and overall, sorted, once each.
pub(super) fn endpoint_names(src: &Source) -> Vec<String> {
    let mut names: Vec<String> = (src.stages.iter().chain(std::iter::once(&src.overall)))
        .flat_map(|s| s.endpoints.keys().map(|k| k.to_string()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The verdict's clause on the load tool's own `failed` checks, if any failed.
fn tool_gate(failed: Option<&str>) -> Option<String> {
    failed.map(|t| format!("{t}: not a GO while they fail"))
}

/// Which of the load tool's own checks failed (`k6's own thresholds: 1 of 2 failed
/// (…)`), or `None`: k6 failed a threshold of the run (it exits non-zero, failing the
/// team's own gate), and an SLA that passes cannot say the run is ready while the tool
/// says it is not.
fn failed_tool_clauses(run: &Run) -> Option<String> {
    use super::caveat::{failed_tool_checks, tool_checks_failed, Caveat};
    let clauses: Vec<String> = (failed_tool_checks(&run.tool_checks).iter())
        .filter_map(|c| match c {
            Caveat::ToolChecksFailed {
                tool,
                failed,
                total,
                files,
            } => Some(tool_checks_failed(tool, failed, *total, files)),
            _ => None,
        })
        .collect();
    (!clauses.is_empty()).then(|| clauses.join("; "))
}

/// True when the team's own gate in the tool judges failures (k6's `http_req_failed`
/// threshold, Gatling's "percentage of successful events", Artillery's
/// `maxErrorRate`): failures no SLA rule judges are then judged there.
fn tool_judges_failures(run: &Run) -> bool {
    (run.tool_checks.iter()).any(|c| {
        let name = c.name.to_ascii_lowercase();
        ["fail", "success", "error"]
            .iter()
            .any(|w| name.contains(w))
    })
}

/// Failure shares a verdict rests on no rule about: when no gating rule judges
/// failures (error rate, availability, goodput, Apdex, a status share), the scopes
/// the gating rules judge (`stages`: each stage's name, `None` for overall, and its
/// figures) where more than 1 % of the requests failed (`21.8% in \`peak\``). Fast
/// failures make fast percentiles (a closed port refuses in microseconds, a 503 is
/// quick): a GO on latency rules alone would rest on them, as on 5xx answers a tool
/// marked successful (the same 1 %). None when the tool's own gate judges failures.
fn unjudged_failures<'m>(
    run: &Run,
    evals: &[RuleEvaluation],
    stages: impl Iterator<Item = (Option<&'m str>, &'m ScopeMetrics)>,
) -> Option<String> {
    use sla::Metric;
    let gating: Vec<&RuleEvaluation> = (evals.iter())
        .filter(|e| e.decides_verdict && e.status != RuleStatus::NotRun)
        .collect();
    let judges_failures = |m: &Metric| {
        matches!(
            m,
            Metric::ErrorRate
                | Metric::Availability
                | Metric::Goodput
                | Metric::Apdex { .. }
                | Metric::StatusShare(_)
        )
    };
    // A failure rule without a value (an endpoint the data may hold under its file's
    // name) judges nothing.
    let judged_failures = |e: &&RuleEvaluation| judges_failures(&e.metric) && e.value.is_some();
    if gating.is_empty() || gating.iter().any(judged_failures) || tool_judges_failures(run) {
        return None;
    }
    let judged = |stage: Option<&str>| gating.iter().any(|e| e.stage.as_deref() == stage);
    let failed: Vec<String> = stages
        .filter(|(stage, m)| judged(*stage) && m.requests > 0)
        .filter(|(_, m)| m.failures as f64 > 0.01 * m.requests as f64)
        .map(|(stage, m)| {
            format!(
                "{} in {}",
                super::quantity::format_percent(m.failures as f64 / m.requests as f64),
                ticked(stage.unwrap_or(OVERALL))
            )
        })
        .collect();
    (!failed.is_empty()).then(|| failed.join(", "))
}

/// The run's data quality once the SLA weighed the sources measured beside the
/// report's (`weighed`, [`quality::uncovered_source_except`]): their requests, in none
/// of the report's figures, are no longer what it leaves uncovered.
///
/// [`quality::uncovered_source_except`]: super::quality::uncovered_source_except
fn reweigh_quality(a: &mut Analysis, run: &Run, weighed: &[usize]) {
    if weighed.is_empty() {
        return;
    }
    let unseen = run.primary().and_then(super::quality::unseen_failures);
    let uncovered = super::quality::uncovered_source_except(run, weighed, &[]);
    (a.data_quality, a.data_quality_reason) = super::quality::assess(
        &super::quality::QualityInputs::of(a, &a.audit, unseen, uncovered),
    );
}

/// Why the data cannot carry a GO, or `None`: its quality when not clean, else a
/// suspect audit finding; and, when the audit questions only stages that do not
/// decide the verdict, a clause naming them. The verdict rests on the verdict stages'
/// figures (`deciding`, empty: every stage) and the run-wide checks: a stage that
/// decides nothing holds no GO back by its own audit findings, nor by failures its tool
/// leaves out (hey's CSV in a stage dir of its own), which the report still shows (its
/// data quality is the whole run's). The sources the SLA weighed (`weighed`) leave the
/// analysis's data quality first ([`reweigh_quality`]).
fn data_reason(
    a: &mut Analysis,
    run: &Run,
    deciding: &[String],
    weighed: &[usize],
) -> (Option<String>, Option<String>) {
    reweigh_quality(a, run, weighed);
    let a = &*a;
    let decides = |f: &&AuditFinding| {
        deciding.is_empty() || f.stage.as_ref().is_none_or(|s| deciding.contains(s))
    };
    let questioned = |f: &&AuditFinding| f.verdict != AuditVerdict::Ok;
    let audit: Vec<AuditFinding> = a.audit.iter().filter(decides).cloned().collect();
    let mut aside: Vec<&str> = (a.audit.iter())
        .filter(|f| questioned(f) && !decides(f))
        .filter_map(|f| f.stage.as_deref())
        .collect();
    aside.dedup();
    let primary = run.primary();
    let unseen = primary.and_then(|p| super::quality::unseen_failures_among(p, deciding));
    let unseen_all = primary.and_then(super::quality::unseen_failures);
    let uncovered = super::quality::uncovered(run, weighed, deciding).map(|(_, why)| why);
    let uncovered_all = super::quality::uncovered(run, weighed, &[]);
    // A tool's other run beside a stage that decides nothing holds no GO back; the
    // reader still learns of it (Data quality names it).
    let beside = match (&uncovered, &uncovered_all) {
        (None, Some((Some(other), _))) => other.beside_stage.as_ref().map(|stage| {
            format!(
                "{}'s other run beside {}, which decides nothing here, is in none of the \
                 figures (see Data quality)",
                other.tool,
                ticked(stage)
            )
        }),
        _ => None,
    };
    let uncovered_all = uncovered_all.map(|(_, why)| why);
    let (quality, why) = if aside.is_empty() && unseen == unseen_all && uncovered == uncovered_all {
        (a.data_quality, a.data_quality_reason.clone())
    } else {
        super::quality::assess(&super::quality::QualityInputs::of(
            a, &audit, unseen, uncovered,
        ))
    };
    let audit_aside = (!aside.is_empty()).then(|| {
        let names: Vec<String> = aside.iter().map(|s| ticked(s)).collect();
        format!(
            "the consistency audit questions figures of {} only, which decide nothing here \
             (see Data quality)",
            names.join(", ")
        )
    });
    let aside = match (audit_aside, beside) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    };
    if quality != DataQuality::Clean {
        let why = why.map(|why| format!("{} data: {why}", quality.as_str()));
        return (why, aside);
    }
    let suspect: Vec<&AuditFinding> = audit.iter().filter(|f| questioned(f)).collect();
    let Some(first) = suspect.first() else {
        return (None, aside);
    };
    let more = match suspect.len() - 1 {
        0 => String::new(),
        1 => "; 1 more suspect finding".to_string(),
        n => format!("; {n} more suspect findings"),
    };
    let why = format!(
        "suspect data: the consistency audit questions {}{more}",
        finding_summary(first)
    );
    (Some(why), aside)
}

/// Whose endpoint figures judge the endpoint rules of `s` (a stage of `src` when
/// `is_stage`, else its whole run): its own, or the whole run's when the run's one
/// stage has none of its own but the whole run's are its (`endpoints_whole_run`): that
/// run's (`whole_run`) when other runs' stages joined its source.
fn endpoints_of<'s>(s: &'s Stage, is_stage: bool, src: &'s Source) -> &'s Stage {
    match s.endpoints_whole_run {
        Some(_) if is_stage => s.whole_run.as_deref().unwrap_or(&src.overall),
        _ => s,
    }
}

/// The scopes of `src` (a stage's name, `None` for overall) whose figures hold requests
/// outside the window the time flags asked for, each with why.
fn untrimmed_scopes(src: &Source) -> Vec<(Option<&str>, &str)> {
    (src.stages.iter().map(Some))
        .chain(std::iter::once(None))
        .filter_map(|s| {
            let why = s.unwrap_or(&src.overall).untrimmed.as_deref()?;
            Some((s.map(|s| s.name.as_str()), why))
        })
        .collect()
}

/// A stage's series (every request of the stage); `None` when the source has none.
fn stage_series(stage: &Stage) -> Option<&TimeSeries> {
    let series = &stage.timeline;
    series
        .intervals
        .iter()
        .any(|iv| iv.requests > 0)
        .then_some(series)
}

/// One row per (rule, scope, endpoint), one cell per stage column.
fn matrix(evals: &[RuleEvaluation], columns: &[String]) -> SlaMatrix {
    let mut rows: Vec<MatrixRow> = Vec::new();
    for e in evals {
        let scope = match &e.endpoint {
            Some(ep) => format!("{} {ep}", e.scope),
            None => e.scope.to_string(),
        };
        let idx = match rows
            .iter()
            .position(|r| r.rule == e.rule && r.scope == scope)
        {
            Some(i) => i,
            None => {
                rows.push(MatrixRow {
                    rule: e.rule.clone(),
                    scope,
                    cells: vec![None; columns.len()],
                });
                rows.len() - 1
            }
        };
        let column = e.stage.as_deref().unwrap_or(OVERALL);
        if let Some(c) = columns.iter().position(|c| c == column) {
            rows[idx].cells[c] = Some(MatrixCell {
                status: e.status,
                value_text: e.value_display.clone().unwrap_or_else(|| "—".into()),
                factor: e.factor,
                factor_text: e.factor_text.clone(),
            });
        }
    }
    SlaMatrix {
        columns: columns.to_vec(),
        rows,
    }
}
