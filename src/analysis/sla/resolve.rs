//! Matching an SLA file's names (`[stage.X]`, `[endpoint."K"]`, `verdict_stages`)
//! against the data: exactly, case-insensitively, or in another spelling of the same
//! stage or endpoint (`spelling.rs`) when that singles out one. An SLA file is meant
//! to travel between runs, so a name the data lacks is not an error: the caller warns
//! and reports its rules as `not_run`. Only a name that looks like a typo of one the
//! data has — letters differ, not only digits (for stages, nor only separators:
//! `50_users` is no typo of `10users`), within edit distance 2, an endpoint's also by
//! its route (`GET /api/item` for `http://host/api/items?limit=10`) — is an error
//! (exit 2) that says "did you mean", and so is a stage named by a part of its words
//! (`peak` for `peak_load`) or with words added (`Stress Test` for `stress`).

use regex::Regex;

use super::parse::{regex_name, ScopeRules};
use super::route_scope::{one_route, route_members};
use super::spelling::{
    named_users, other_method, other_query, part_of_stage, routes_to_compare, same_case_folded,
    same_joined, same_label, same_path, same_query, same_route, same_route_any_case, same_stage,
    same_words, users_only,
};
use super::suggest::typos_of;
use super::SlaError;
use crate::analysis::caveat::Caveat;

/// What a name is matched against, for messages.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Stage,
    VerdictStage,
    /// `--verdict-stage NAME` on the command line.
    VerdictFlag,
    Endpoint,
}

impl Kind {
    /// How the file wrote it: `[stage.peak]`, `verdict_stages entry "peak"`.
    pub(super) fn section(self, name: &str) -> String {
        match self {
            // A TOML bare key, or quoted as the file must have written it.
            Kind::Stage if bare_key(name) => format!("[stage.{name}]"),
            Kind::Stage => format!("[stage.\"{name}\"]"),
            Kind::VerdictStage => format!("verdict_stages entry \"{name}\""),
            Kind::VerdictFlag => format!("--verdict-stage {name}"),
            Kind::Endpoint => format!("[endpoint.\"{name}\"]"),
        }
    }

    fn nouns(self) -> (&'static str, &'static str) {
        match self {
            Kind::Stage | Kind::VerdictStage | Kind::VerdictFlag => ("stage", "stages"),
            Kind::Endpoint => ("endpoint", "endpoints"),
        }
    }
}

/// True when TOML reads `name` unquoted as a key (`peak_load`, `step-3`).
fn bare_key(name: &str) -> bool {
    !name.is_empty() && (name.bytes()).all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// An endpoint section resolved against the data.
#[derive(Clone)]
pub(super) enum EndpointTarget<'a> {
    /// One endpoint.
    Exact(&'a str),
    /// Every endpoint matching a `/regex/`, or of a route written with placeholders
    /// (`GET /users/{id}`), pooled; `.0` is the name as written.
    Pattern(String, Vec<&'a str>),
    /// A name that matches none of the data's endpoints while some of those are named
    /// after their file, not after what they requested (`sections.rs`): they may be it,
    /// so its rules lack the data. `.0` is the name as written, `.1` why.
    Unknown(String, String),
}

impl EndpointTarget<'_> {
    pub(super) fn label(&self) -> &str {
        match self {
            EndpointTarget::Exact(name) => name,
            EndpointTarget::Pattern(written, _) | EndpointTarget::Unknown(written, _) => written,
        }
    }
}

/// Finds `name` among `known`: exactly, else case-insensitively when that is unique,
/// else in another spelling (a stage by its words whatever the separators, an
/// endpoint by its request name or route with or without the method).
/// `Ok(None)` when the data has no such name (the caller warns); `Err` when the name
/// looks like a typo of one it has, or names several in another spelling.
pub(super) fn resolve<'a>(
    name: &str,
    (known, written): (&'a [String], &[String]),
    kind: Kind,
    line: Option<usize>,
) -> Result<Option<&'a str>, SlaError> {
    // `peak` when the data has `peak` and `peak_rerun` (a stage dir run again beside
    // the first): which run decides is the user's to say; judging the first by default
    // would let a GO pass on the run the team re-did. (headroom's own `peak_2` beside
    // `peak`, a second run dir's `peak/`, is judged with it: `resolve_stages`.)
    let one = |k: &'a String| -> Result<Option<&'a str>, SlaError> {
        let mut runs: Vec<&String> = vec![k];
        if !matches!(kind, Kind::Endpoint) {
            runs.extend(known.iter().filter(|o| rerun_of(o, k)));
        }
        if runs.len() > 1 {
            return Err(several(name, &runs, known, kind, line));
        }
        Ok(Some(k))
    };
    if let Some(k) = known.iter().find(|k| *k == name) {
        return one(k);
    }
    let folded: Vec<&String> = known.iter().filter(|k| same_case_folded(k, name)).collect();
    if let [only] = folded[..] {
        return one(only);
    }
    // Stage names come from dir names and tools' own spellings: `peak-load`,
    // `Peak Load`, `02_peak_load` and `peak_load` are one stage when that singles
    // out one, and so is the name of the dir it came from (`02_peak_load_50users`).
    // Endpoint keys come from each tool's spelling: `GET /item`, `/item` and
    // `GET http://host:8080/item` are one endpoint when that singles out one, and so
    // is `http://host:8080/item?limit=10` (the URL a tool was given, query and all).
    // `?limit=50` when the data has its route only with another query (`?limit=10`),
    // or also without one (ab's bare URL in another stage): none of them is the
    // request the file named, which `absent` says.
    let requeried = known.iter().any(|k| other_query(k, name));
    if matches!(kind, Kind::Endpoint) && requeried && !known.iter().any(|k| same_query(k, name)) {
        return Ok(None);
    }
    let spellings: &[fn(&str, &str) -> bool] = match kind {
        Kind::Stage | Kind::VerdictStage | Kind::VerdictFlag => {
            &[same_words, same_stage, same_joined]
        }
        Kind::Endpoint => &[same_label, same_route, same_path, same_route_any_case],
    };
    for same in spellings {
        let spelled: Vec<&String> = known.iter().filter(|k| same(k, name)).collect();
        match spelled[..] {
            [] => {}
            // `peak` for `peak_10users` and headroom's `peak_10users_2` beside it.
            [only] => return one(only),
            // `/item` for `GET /item` and `POST /item`, `peak` for `01_peak` and
            // `02_peak`: skipping the rules as "not in the data" would let a GO pass
            // on rules that named something the data has.
            _ => return Err(several(name, &spelled, known, kind, line)),
        }
    }
    if !matches!(kind, Kind::Endpoint) && by_number(name) {
        // `02` for the dir `02_peak-load`: stage names drop the dir's ordering number,
        // so the entry names nothing; skipping it would judge the verdict on the other
        // stages (or all of them) as if the user had chosen.
        return Err(SlaError {
            line,
            message: format!(
                "{} is a stage dir's ordering number, but stage names leave it out \
                 (`02_peak-load/` is the stage `peak_load`), so it names no stage: write the \
                 stage's name{}",
                kind.section(name),
                known_list(known, "stages")
            ),
        });
    }
    let mut near = typos(name, known, kind);
    // `off_peak` beside the file's `[stage.peak]`, `GET /x` beside its
    // `[endpoint."POST /x"]`: the file names both, so the one the data lacks is no
    // typo of the one it has; it did not run.
    near.retain(|k| {
        !(written.iter()).any(|w| {
            w != name && (same_case_folded(k, w) || spellings.iter().any(|same| same(k, w)))
        })
    });
    if near.is_empty() {
        return Ok(None);
    }
    let (what, plural) = kind.nouns();
    let quoted: Vec<String> = near.iter().map(|n| format!("\"{n}\"")).collect();
    Err(SlaError {
        line,
        message: format!(
            "{} matches no {what} in the data — did you mean {}?{}",
            kind.section(name),
            quoted.join(" or "),
            known_list(known, plural)
        ),
    })
}

/// The data's names `name` (which matched none) looks like a typo of, nearest first.
fn typos(name: &str, known: &[String], kind: Kind) -> Vec<String> {
    let mut near: Vec<String> = typos_of(name, known)
        .into_iter()
        .map(str::to_string)
        .collect();
    if !matches!(kind, Kind::Endpoint) {
        // Stage names differing only in digits and separators are other load levels
        // (`50_users` for the stage dir `10users/`), not typos.
        let letters = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_alphabetic())
                .flat_map(char::to_lowercase)
                .collect()
        };
        near.retain(|k| letters(k) != letters(name));
    }
    // A route template's typo is suggested as the data's route, not one ID's URL.
    let templates = match kind {
        Kind::Endpoint => super::route_scope::route_typos_of(name, known),
        _ => Vec::new(),
    };
    if !templates.is_empty() {
        near = templates;
    }
    if near.is_empty() && matches!(kind, Kind::Endpoint) {
        near = route_typos(name, known)
            .into_iter()
            .map(str::to_string)
            .collect();
    }
    if near.is_empty() && !matches!(kind, Kind::Endpoint) {
        // `peak` for the data's `peak_load`, and `Stress Test` for the data's `stress`
        // (from `03_stress_100users/`): rules the user meant for that stage.
        near = (known.iter())
            .filter(|k| part_of_stage(k, name) || part_of_stage(name, k))
            .take(3)
            .cloned()
            .collect();
    }
    near
}

/// The data's endpoints that an endpoint `name` nothing else matched looks like a typo
/// of by its route: `GET /api/item` for the data's `http://host/api/items?limit=10`
/// (wrk's and k6's full URLs), a typo of the route, not an endpoint the run did not
/// call; else `GET /api/orders` for the data's `POST /api/orders`, the route the rule
/// meant under another method — skipped as "not in the data", a GO would pass it by.
fn route_typos<'a>(name: &str, known: &'a [String]) -> Vec<&'a str> {
    // An agent's URL (`GET /api/v1/agents/17`) is compared as its route
    // (`…/agents/{id}`): `GET /api/v1/agents` is no typo of it.
    let near: Vec<&str> = (known.iter())
        .filter(|k| {
            let k = crate::model::normalize_label(k);
            routes_to_compare(&k, name)
                .is_some_and(|(k, n)| k != n && !typos_of(&n, std::slice::from_ref(&k)).is_empty())
        })
        .take(3)
        .map(String::as_str)
        .collect();
    if !near.is_empty() {
        return near;
    }
    (known.iter())
        .filter(|k| other_method(k, name))
        .take(3)
        .map(String::as_str)
        .collect()
}

/// True when a stage `name` is an ordering number alone (`02`), or one with a word
/// that only numbers it (`stage 3`, `step-3`, `Stage3`): stage names leave a dir's
/// ordering number out, so the name singles out nothing.
fn by_number(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let rest = ["stage", "step", "phase", "level"]
        .iter()
        .find_map(|w| lower.strip_prefix(w))
        .map_or(lower.as_str(), |r| {
            r.trim_start_matches([' ', '_', '-', '#'])
        });
    !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())
}

/// [`resolve`] for a stage name, and then, when nothing is spelled so, by the users a
/// name of a load level alone gives (`[stage."50 users"]`, `50u`): the one stage of
/// the data at that load (`users`, one per stage of `known`), whatever its name
/// (`peak`, from `02 Peak (50 users)/`). Several stages at that load are an error
/// naming them, as another spelling naming several is.
pub(super) fn resolve_stage<'a>(
    name: &str,
    (known, users, written): (&'a [String], &[Option<u32>], &[String]),
    kind: Kind,
    line: Option<usize>,
) -> Result<Option<&'a str>, SlaError> {
    if let Some(found) = resolve(name, (known, written), kind, line)? {
        // `peak-30u` is no spelling of the `peak` that `03-PEAK-50u/` became: the name
        // gives another load level than the stage ran at, so the data lacks it.
        let ran_at = (known.iter().zip(users))
            .find(|(k, _)| k.as_str() == found)
            .and_then(|(_, u)| *u);
        // A stage's own name names it whatever its users (`c40/` holding hey's `-c 50`).
        return Ok(match (named_users(name), ran_at) {
            (Some(n), Some(u)) if n != u64::from(u) && name != found => None,
            _ => Some(found),
        });
    }
    let Some(n) = users_only(name) else {
        return Ok(None);
    };
    let at: Vec<&String> = (known.iter().zip(users))
        .filter(|(_, u)| u.is_some_and(|u| u64::from(u) == n))
        .map(|(k, _)| k)
        .collect();
    // One stage and headroom's numbered `_2` of it (two run dirs' `peak/`): the first,
    // which `resolve_stages` judges with the others.
    let first_of_shared = at.iter().skip(1).all(|o| numbered_apart(o, at[0]));
    match at[..] {
        [] => Ok(None),
        [only, ..] if first_of_shared => Ok(Some(only)),
        _ => Err(several(name, &at, known, kind, line)),
    }
}

/// [`resolve_stage`], and with the stage found every other the data gave its name:
/// headroom numbers stages that share a name apart (`peak` and `peak_2`, the `peak/`
/// of two run dirs given to one `check`) only to keep them distinct, so `peak` names
/// them all and each is judged (a verdict stage: each decides), with a note in
/// `warnings` saying so. Empty: the data has no such stage.
pub(super) fn resolve_stages<'a>(
    name: &str,
    data: (&'a [String], &[Option<u32>], &[String]),
    (kind, line): (Kind, Option<usize>),
    warnings: &mut Vec<Caveat>,
) -> Result<Vec<&'a str>, SlaError> {
    // `peak_1`: the first of the stages named `peak`, `peak_2`, … alone (the data has
    // no stage spelled so, or `resolve` finds that one).
    let first = (name.strip_suffix("_1"))
        .filter(|_| !data.0.iter().any(|k| same_case_folded(k, name)))
        .and_then(|base| data.0.iter().find(|k| same_case_folded(k, base)))
        .filter(|k| data.0.iter().any(|o| numbered_apart(o, k)));
    if let Some(first) = first {
        return Ok(vec![first.as_str()]);
    }
    if let Some(levels) = dir_levels(name, data, kind) {
        let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
        let quoted: Vec<String> = levels.iter().map(|n| format!("\"{n}\"")).collect();
        warnings.push(Caveat::SlaNameShared(format!(
            "{at}{} names a stage dir whose runs are {} load levels of their own: {}; each \
             is judged{} (write one of them for it alone)",
            kind.section(name),
            levels.len(),
            quoted.join(", "),
            match kind {
                Kind::Stage => "",
                Kind::VerdictStage | Kind::VerdictFlag | Kind::Endpoint => " and decides",
            },
        )));
        return Ok(levels);
    }
    let Some(found) = resolve_stage(name, data, kind, line)? else {
        return Ok(Vec::new());
    };
    let mut all = vec![found];
    all.extend(
        data.0
            .iter()
            .filter(|k| numbered_apart(k, found))
            .map(String::as_str),
    );
    if all.len() > 1 {
        let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
        let quoted: Vec<String> = all.iter().map(|n| format!("\"{n}\"")).collect();
        warnings.push(Caveat::SlaNameShared(format!(
            "{at}{} names {} stages, which the data gave that one name (headroom numbered \
             them apart to keep them distinct): {}; each is judged{} (write \"{}_1\" or \
             \"{}\" for one alone)",
            kind.section(name),
            all.len(),
            quoted.join(", "),
            match kind {
                Kind::Stage => "",
                Kind::VerdictStage | Kind::VerdictFlag | Kind::Endpoint => " and decides",
            },
            all[0],
            all[1],
        )));
    }
    Ok(all)
}

/// The stages of the dir `name` spells when its runs became load levels of their own
/// (`load/8_users` and `load/16_users` from `02_Load/` holding `wrk -c8` and `-c16`):
/// `[stage.load]` means the dir's stage, which is all of them. `None` when the data has
/// a stage of that name itself, or no such dir.
fn dir_levels<'a>(
    name: &str,
    (known, _, written): (&'a [String], &[Option<u32>], &[String]),
    kind: Kind,
) -> Option<Vec<&'a str>> {
    let dir_of = |k: &'a String| k.split_once('/').map(|(dir, _)| dir);
    if known.iter().any(|k| same_case_folded(k, name)) {
        return None;
    }
    let mut dirs: Vec<String> = known
        .iter()
        .filter_map(dir_of)
        .map(str::to_string)
        .collect();
    dirs.sort();
    dirs.dedup();
    let dir = resolve(name, (&dirs, written), kind, None).ok().flatten()?;
    let levels: Vec<&str> = (known.iter())
        .filter(|k| dir_of(k) == Some(dir))
        .map(String::as_str)
        .collect();
    (levels.len() > 1).then_some(levels)
}

/// True when `other` is `stage` with headroom's number for a further stage of that
/// name (`peak_2`, `peak_3`).
fn numbered_apart(other: &str, stage: &str) -> bool {
    let n = other
        .strip_prefix(stage)
        .and_then(|rest| rest.strip_prefix('_'));
    n.is_some_and(|n| {
        n.bytes().all(|b| b.is_ascii_digit())
            && !n.starts_with('0')
            && n.parse::<u32>().is_ok_and(|n| n >= 2)
    })
}

/// The error for a name that, in another spelling, names several of the data's (a
/// stage: `smoke` for a numbered stage dir `01_smoke` and its rerun's `05_smoke`).
/// True when the stage `other` is `stage` run again, by its name: `stage` and a rerun
/// word, maybe numbered (`peak_rerun`, `peak-retry2`, `peak again`).
fn rerun_of(other: &str, stage: &str) -> bool {
    const WORDS: [&str; 7] = [
        "rerun", "re-run", "re_run", "retry", "again", "repeat", "redo",
    ];
    let Some(rest) = other.strip_prefix(stage) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(['_', '-', ' ']) else {
        return false;
    };
    let word = rest.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_' || c == '-');
    WORDS.iter().any(|w| word.eq_ignore_ascii_case(w))
}

fn several(
    name: &str,
    spelled: &[&String],
    known: &[String],
    kind: Kind,
    line: Option<usize>,
) -> SlaError {
    let (_, plural) = kind.nouns();
    let quoted: Vec<String> = spelled.iter().map(|n| format!("\"{n}\"")).collect();
    // `peak` beside `peak_rerun`: "write one of `peak` or …" alone would send the user
    // back to the very name refused; say how to choose each run.
    let others: Vec<String> = (spelled.iter())
        .filter(|n| !same_case_folded(n, name))
        .map(|n| format!("\"{n}\""))
        .collect();
    if others.len() < spelled.len() && !matches!(kind, Kind::Endpoint) {
        return SlaError {
            line,
            message: format!(
                "{} names {} {plural} in the data (a run and its rerun): {} — \"{name}\" \
                 cannot single out the first run beside its rerun: write {} to judge the \
                 rerun; to judge the first, give its dir alone or rename the rerun's dir{}",
                kind.section(name),
                spelled.len(),
                quoted.join(" or "),
                others.join(" or "),
                known_list(known, plural)
            ),
        };
    }
    SlaError {
        line,
        message: format!(
            "{} names {} {plural} in the data{} — write one of {} as it is spelled there{}",
            kind.section(name),
            spelled.len(),
            match kind {
                Kind::Endpoint => "",
                Kind::Stage | Kind::VerdictStage | Kind::VerdictFlag =>
                    " (a run and its rerun, or numbered dirs of one stage?)",
            },
            quoted.join(" or "),
            known_list(known, plural)
        ),
    }
}

/// Finds an endpoint section's endpoints: its exact name, else (for `/…/`) every
/// endpoint the regex matches; `Ok(None)` when nothing matches.
pub(super) fn resolve_endpoint<'a>(
    section: &ScopeRules,
    (endpoints, written): (&'a [String], &[String]),
) -> Result<Option<EndpointTarget<'a>>, SlaError> {
    let Some(re) = regex_name(&section.name) else {
        // `GET /api/v1/agents` spelled exactly as one stage's data has it (a script's
        // CSV) while other stages hold the same route as wrk's URL: the section names
        // them all, not only the one spelled as it is.
        if endpoints.contains(&section.name) {
            let members = one_route(&section.name, endpoints);
            if members.len() > 1 {
                return Ok(Some(EndpointTarget::Pattern(section.name.clone(), members)));
            }
        } else {
            // `GET /users/{id}` when the data has `GET /users/123`, `GET /users/456`.
            let members = route_members(&section.name, endpoints);
            // Locust's `name="/users/[id]"` is one endpoint spelled with its
            // placeholder: the section names it (without its method), no route.
            let name = section.name.as_str();
            let itself = |m: &&str| m.split_once(' ').map(|(_, r)| r.trim()) == Some(name);
            if !members.is_empty() && !members.iter().all(itself) {
                return Ok(Some(EndpointTarget::Pattern(section.name.clone(), members)));
            }
            // `/api/v1/agents` for Locust's `GET /api/v1/agents` and wrk's URL of it.
            let members = one_route(&section.name, endpoints);
            if !members.is_empty() {
                return Ok(Some(EndpointTarget::Pattern(section.name.clone(), members)));
            }
        }
        return Ok(resolve(
            &section.name,
            (endpoints, written),
            Kind::Endpoint,
            Some(section.line),
        )?
        .map(EndpointTarget::Exact));
    };
    if let Some(exact) = endpoints.iter().find(|e| **e == section.name) {
        return Ok(Some(EndpointTarget::Exact(exact)));
    }
    // The file parser compiled it already; a failure here is reported the same way.
    let regex = Regex::new(re).map_err(|e| SlaError {
        line: Some(section.line),
        message: format!("endpoint regex {} does not compile: {e}", section.name),
    })?;
    let matching: Vec<&str> = endpoints
        .iter()
        .filter(|e| regex.is_match(e))
        .map(String::as_str)
        .collect();
    // `/api/x/` is also a route with its trailing slash (query strings aside: wrk's
    // `http://host/api/x?limit=10` is that route): when it is the route of endpoints
    // the regex does not match alone, which one was meant is unknown, and
    // pooling the others in would judge figures the file never named.
    let routed: Vec<&str> = (endpoints.iter())
        .filter(|e| same_route(e, &section.name) || same_path(e, &section.name))
        .map(String::as_str)
        .collect();
    if !routed.is_empty() && routed != matching {
        // A Locust run with IDs in its URLs has hundreds: name a few.
        let quoted = |names: &[&str]| -> String {
            let q: Vec<String> = names.iter().take(5).map(|n| format!("\"{n}\"")).collect();
            match names.len().saturating_sub(5) {
                0 => q.join(", "),
                more => format!("{} and {more} more", q.join(", ")),
            }
        };
        return Err(SlaError {
            line: Some(section.line),
            message: format!(
                "[endpoint.\"{name}\"] is the route of {} and also a regex matching {} \
                 endpoints ({}): write the endpoint as {} for it alone, or a regex that \
                 does not read as a route (e.g. '/^GET \\/api\\//') to pool them",
                quoted(&routed),
                matching.len(),
                quoted(&matching),
                quoted(&routed[..1]),
                name = section.name
            ),
        });
    }
    Ok((!matching.is_empty()).then(|| EndpointTarget::Pattern(section.name.clone(), matching)))
}

/// The warning for a name the data lacks: what is skipped and what the data has.
pub(super) fn absent(kind: Kind, name: &str, known: &[String], line: Option<usize>) -> String {
    let (what, plural) = kind.nouns();
    let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
    let regex = matches!(kind, Kind::Endpoint) && regex_name(name).is_some();
    let outcome = match kind {
        Kind::VerdictStage | Kind::VerdictFlag => "it decides nothing",
        Kind::Stage | Kind::Endpoint => "its rules are not run",
    };
    // `?limit=50` for the data's `?limit=10`: the route was run, with another query.
    let requeried: Vec<&str> = (known.iter())
        .filter(|k| matches!(kind, Kind::Endpoint) && other_query(k, name))
        .take(3)
        .map(String::as_str)
        .collect();
    let hint = match requeried[..] {
        [] => String::new(),
        _ => format!(
            " (the data has its route with another query string: {}; name the endpoint as \
             the data does, or write the route without a query to judge whichever one the run \
             requested)",
            requeried.join(", ")
        ),
    };
    format!(
        "{at}{} {} no {what} in the data{}: {outcome}{hint}",
        kind.section(name),
        if regex { "matches" } else { "names" },
        known_list(known, plural)
    )
}

/// ` (stages: a, b, c and 4 more)`, or ` (the data has no stages)`.
pub(super) fn known_list(known: &[String], plural: &str) -> String {
    if known.is_empty() {
        return format!(" (the data has no {plural})");
    }
    const SHOWN: usize = 10;
    // Endpoints with IDs in them (`GET /agents/17`, hundreds of them from Locust
    // without `name=`) are listed as their route: `GET /agents/{id} (40 endpoints)`.
    let routes = super::route_scope::id_routes(known);
    let mut listed: Vec<String> = Vec::new();
    for k in known {
        let label = crate::model::normalize_label(k);
        let item = match routes.iter().find(|(r, n)| *n > 1 && *r == label) {
            Some((r, n)) => format!("{r} ({n} {plural})"),
            None => k.clone(),
        };
        if !listed.contains(&item) {
            listed.push(item);
        }
    }
    // Data order: stages read best in the order they ran.
    let list: Vec<&str> = listed.iter().take(SHOWN).map(String::as_str).collect();
    let more = listed.len().saturating_sub(SHOWN);
    let extra = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(" ({plural}: {}{extra})", list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::typos_of;

    #[test]
    fn typos_are_letters_not_digits() {
        let known: Vec<String> = ["peak", "stage-3", "stress"].map(String::from).to_vec();
        assert_eq!(typos_of("peek", &known), vec!["peak"]);
        assert_eq!(typos_of("strss", &known), vec!["stress"]);
        assert!(typos_of("stage-2", &known).is_empty());
        assert!(typos_of("baseline", &known).is_empty());
        assert!(typos_of("target", &known).is_empty());
    }

    /// A stage written in another spelling is found when that singles out one stage;
    /// an endpoint only by its route (a label is no route).
    #[test]
    fn a_stage_is_found_whatever_its_separators_and_ordering_number() {
        use super::{resolve, Kind};
        let known: Vec<String> = ["01_Baseline", "02_Peak-Load", "03_stress"]
            .map(String::from)
            .to_vec();
        let found = |name: &str, kind| resolve(name, (&known, &[]), kind, None).ok().flatten();
        assert_eq!(found("baseline", Kind::Stage), Some("01_Baseline"));
        assert_eq!(found("peak_load", Kind::VerdictStage), Some("02_Peak-Load"));
        assert_eq!(found("Peak Load", Kind::Stage), Some("02_Peak-Load"));
        assert_eq!(found("peak", Kind::Stage), None);
        assert_eq!(found("baseline", Kind::Endpoint), None);
        let twice: Vec<String> = ["01_peak", "02_peak"].map(String::from).to_vec();
        assert_eq!(
            resolve("peak", (&twice, &[]), Kind::Stage, None)
                .ok()
                .flatten(),
            None
        );
        // Stage dirs named by their users: `50_users` (headroom's plateau name) names
        // `users-50/`; for `10users/` it is another load level, no typo of it.
        let by_users: Vec<String> = ["10users", "users-50", "step3"].map(String::from).to_vec();
        let users = |name: &str| resolve(name, (&by_users, &[]), Kind::VerdictStage, None);
        assert_eq!(users("50_users").ok().flatten(), Some("users-50"));
        assert_eq!(users("10 users").ok().flatten(), Some("10users"));
        assert!(matches!(users("100_users"), Ok(None)));
        let one: Vec<String> = vec!["10users".into()];
        assert!(matches!(
            resolve("50_users", (&one, &[]), Kind::Stage, None),
            Ok(None)
        ));
        let numbered: Vec<String> = ["2_users", "users"].map(String::from).to_vec();
        assert_eq!(
            resolve("USERS", (&numbered, &[]), Kind::Stage, None)
                .ok()
                .flatten(),
            Some("users")
        );
    }
}
