//! An SLA file's sections resolved against the data's stages and endpoints: the ones
//! found, and the `not_run` evaluations of those that name nothing in it (an SLA file
//! travels between runs). An endpoint section is never `not_run` while the data has
//! endpoints a tool named after its file rather than after what it requested (siege's,
//! h2load's and hey's summaries, hey's CSV, oha's JSON: their output names no URL):
//! those requests may be the ones the section names, so its rules lack the data
//! (`insufficient_data`, which holds a GO back) instead of being skipped unseen.

use super::resolve::{absent, resolve_endpoint, resolve_stages, EndpointTarget, Kind};
use super::{regex_name, unrun, RuleEvaluation, Scope, ScopeRules, SlaError, SlaSpec, Unnamed};
use crate::analysis::caveat::Caveat;

/// The SLA's sections resolved against the data, and the `not_run` evaluations of
/// those that name nothing in it.
pub(super) struct Sections<'s, 'd> {
    pub(super) stage: Vec<(&'d str, &'s ScopeRules)>,
    pub(super) endpoint: Vec<(EndpointTarget<'d>, &'s ScopeRules)>,
    pub(super) stage_endpoint: Vec<(&'d str, EndpointTarget<'d>, &'s ScopeRules)>,
    pub(super) not_run: Vec<RuleEvaluation>,
    /// The stage names the stage-scoped sections (`[stage.X]`, `[stage.X.endpoint."K"]`)
    /// write, when none of them is in the data (empty when one is, or none is written).
    pub(super) stages_unmatched: Vec<String>,
}

impl<'s, 'd> Sections<'s, 'd> {
    /// Resolves every section name (a name the data lacks is a caveat, a typo an
    /// error). `users` are the stages' users, one per stage; `unnamed` the data's
    /// endpoints named after a file, not a request, with the stages holding them: a
    /// stage's endpoint section may be only those of its own stage (hey's `hey` of
    /// `smoke` is no request of `load`).
    pub(super) fn resolve(
        spec: &'s SlaSpec,
        (stages, users): (&'d [String], &[Option<u32>]),
        (endpoints, unnamed): (&'d [String], &[Unnamed]),
        warnings: &mut Vec<Caveat>,
    ) -> Result<Sections<'s, 'd>, SlaError> {
        let all_unnamed: Vec<(String, String)> = (unnamed.iter())
            .map(|(n, _, t)| (n.clone(), t.clone()))
            .collect();
        let (written_stages, written_endpoints) = written_names(spec);
        let data = (stages, users, written_stages.as_slice());
        let endpoints_written = (endpoints, written_endpoints.as_slice());
        let mut not_run: Vec<RuleEvaluation> = Vec::new();
        let mut stage_sections = Vec::new();
        let (mut written, mut any_found) = (Vec::<String>::new(), false);
        for s in &spec.stages {
            if !written.contains(&s.name) {
                written.push(s.name.clone());
            }
            let found = resolve_stages(&s.name, data, (Kind::Stage, Some(s.line)), warnings)?;
            match found[..] {
                [_, ..] => {
                    any_found = true;
                    stage_sections.extend(found.into_iter().map(|f| (f, s)))
                }
                [] => {
                    let why = absent(Kind::Stage, &s.name, stages, Some(s.line));
                    not_run.extend(
                        s.rules
                            .iter()
                            .map(|r| unrun(r, Scope::Stage, Some(&s.name), None, &why)),
                    );
                    warnings.push(Caveat::SlaNameAbsent(why));
                }
            }
        }
        let mut endpoint_sections = Vec::new();
        for s in &spec.endpoints {
            match resolve_endpoint(s, endpoints_written)? {
                Some(target) => {
                    route_note(&target, s, warnings);
                    endpoint_sections.push((target, s))
                }
                None if !all_unnamed.is_empty() => {
                    endpoint_sections.push((unknown(s, None, &all_unnamed, warnings), s));
                }
                None => {
                    let why = absent(Kind::Endpoint, &s.name, endpoints, Some(s.line));
                    not_run.extend(
                        s.rules
                            .iter()
                            .map(|r| unrun(r, Scope::Endpoint, None, Some(&s.name), &why)),
                    );
                    warnings.push(Caveat::SlaNameAbsent(why));
                }
            }
        }
        let mut stage_endpoint_sections = Vec::new();
        for s in &spec.stage_endpoints {
            let line = Some(s.stage_line);
            let found = resolve_stages(&s.stage, data, (Kind::Stage, line), warnings)?;
            let stage = found.first().copied();
            any_found |= stage.is_some();
            if !written.contains(&s.stage) {
                written.push(s.stage.clone());
            }
            let target = resolve_endpoint(&s.endpoint, endpoints_written)?;
            let unnamed: Vec<(String, String)> = (unnamed.iter())
                .filter(|(_, in_stages, _)| found.iter().any(|f| in_stages.iter().any(|i| i == f)))
                .map(|(n, _, t)| (n.clone(), t.clone()))
                .collect();
            match (stage, target) {
                (Some(_), Some(target)) => {
                    route_note(&target, &s.endpoint, warnings);
                    let each = found.iter().map(|f| (*f, target.clone(), &s.endpoint));
                    stage_endpoint_sections.extend(each)
                }
                (Some(_), None) if !unnamed.is_empty() => {
                    let target = unknown(&s.endpoint, Some(&s.stage), &unnamed, warnings);
                    let each = found.iter().map(|f| (*f, target.clone(), &s.endpoint));
                    stage_endpoint_sections.extend(each);
                }
                (stage, _) => {
                    let why = match stage {
                        None => absent(Kind::Stage, &s.stage, stages, Some(s.stage_line)),
                        Some(_) => absent(
                            Kind::Endpoint,
                            &s.endpoint.name,
                            endpoints,
                            Some(s.endpoint.line),
                        ),
                    };
                    not_run.extend(s.endpoint.rules.iter().map(|r| {
                        unrun(
                            r,
                            Scope::StageEndpoint,
                            Some(&s.stage),
                            Some(&s.endpoint.name),
                            &why,
                        )
                    }));
                    warnings.push(Caveat::SlaNameAbsent(why));
                }
            }
        }
        Ok(Sections {
            stage: stage_sections,
            endpoint: endpoint_sections,
            stage_endpoint: stage_endpoint_sections,
            not_run,
            stages_unmatched: if any_found { Vec::new() } else { written },
        })
    }
}

/// The target of an endpoint section that names none of the data's endpoints while
/// some of them (`unnamed`) are named after their file: which URLs those requested is
/// unknown, so the section's rules are judged as lacking the data, and a warning says
/// why and what to write instead.
fn unknown<'d>(
    section: &ScopeRules,
    stage: Option<&str>,
    unnamed: &[(String, String)],
    warnings: &mut Vec<Caveat>,
) -> EndpointTarget<'d> {
    let quoted: Vec<String> = unnamed.iter().map(|(n, _)| format!("`{n}`")).collect();
    let (those, are) = match unnamed {
        [_] => ("its requests", "is"),
        _ => ("their requests", "are"),
    };
    let mut tools: Vec<String> = Vec::new();
    for (_, tool) in unnamed {
        let tool = format!("{tool}'s");
        if !tools.contains(&tool) {
            tools.push(tool);
        }
    }
    let name = if tools.len() == 1 { "names" } else { "name" };
    let why = format!(
        "the data's endpoint {} {are} named after {} file: {} output {name} no URL or path \
         it requested, so whether {those} are {} is unknown",
        quoted.join(", "),
        if unnamed.len() == 1 { "its" } else { "their" },
        tools.join(" and "),
        section.name
    );
    // The section as the SLA wrote it, and as it would name the data's endpoint.
    let under = stage.map(|stage| Kind::Stage.section(stage));
    let header = |endpoint: &str| match &under {
        // `[stage.load]` + `.endpoint."K"]`.
        Some(section) => format!("{}.endpoint.\"{endpoint}\"]", section.trim_end_matches(']')),
        None => Kind::Endpoint.section(endpoint),
    };
    let scope = if stage.is_some() { "stage" } else { "run" };
    let rules_under = under.clone().unwrap_or_else(|| "[global]".to_string());
    warnings.push(Caveat::SlaNameAbsent(format!(
        "line {}: {} names no endpoint in the data, but {why}: its rules lack the data to \
         judge (for a {scope} of one URL, write its rules under {rules_under}, or name the \
         endpoint as the data does: {})",
        section.line,
        header(&section.name),
        header(&unnamed[0].0)
    )));
    EndpointTarget::Unknown(section.name.clone(), why)
}

/// The note for a section written as a route that pools the endpoints of that route.
fn route_note(target: &EndpointTarget<'_>, section: &ScopeRules, warnings: &mut Vec<Caveat>) {
    if let EndpointTarget::Pattern(written, names) = target {
        if regex_name(written).is_none() {
            warnings.push(Caveat::SlaRoute {
                section: format!("line {}: [endpoint.\"{written}\"]", section.line),
                endpoints: names.len(),
            });
        }
    }
}

/// Every stage name and every endpoint name the SLA file's sections write: a data stage
/// or endpoint one of them names is never offered as "did you mean" for another
/// (`off_peak` beside `[stage.peak]`). `verdict_stages` claims none: it holds no rules
/// of its own, so `["stress"]` beside `[stage."Stress Test"]` still asks which was meant.
pub(super) fn written_names(spec: &SlaSpec) -> (Vec<String>, Vec<String>) {
    let stages = (spec.stages.iter().map(|s| &s.name))
        .chain(spec.stage_endpoints.iter().map(|s| &s.stage))
        .cloned()
        .collect();
    let endpoints = (spec.endpoints.iter())
        .chain(spec.stage_endpoints.iter().map(|s| &s.endpoint))
        .map(|s| s.name.clone())
        .collect();
    (stages, endpoints)
}
