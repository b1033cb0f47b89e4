//! The users of a stage that two tools measured in one stage dir (`03-peak/` holding
//! `wrk.txt` and `hey.txt`, one run after the other at one load). The stage is judged
//! on one of them (`stage_dirs::one_run_of_stage_dirs`), but its users are the load
//! both ran, whichever of them states it: a hey console saved without its command
//! states none, and wrk's `48 connections` beside it are the stage's users. When the
//! tools beside the chosen one state users and it states none, the stage takes theirs
//! if they agree, with a note naming the tool; when they state other users than the
//! chosen one (or than one another), a warning names each tool's count and the stage
//! keeps the chosen tool's (or stays without users). A short check beside the load
//! (`Source::short_run`, a burst at its own users) states nothing about the stage.

use crate::model::{Run, Source};

/// What one tool beside a stage's chosen tool states about the stage's users.
struct Stated {
    /// The tool.
    tool: String,
    /// Its users.
    users: u32,
    /// Whether they are what the tool counted ([`Stage::users_measured`]).
    ///
    /// [`Stage::users_measured`]: crate::model::Stage::users_measured
    measured: bool,
    /// What it kept in flight at once ([`Stage::ran_at_once`]).
    ///
    /// [`Stage::ran_at_once`]: crate::model::Stage::ran_at_once
    ran_at_once: Option<u32>,
}

/// Gives each stage measured beside another tool the users its tools state (see the
/// module docs); notes and warnings go to the run's arbitration and the lead's notes.
pub(super) fn users_beside(run: &mut Run) {
    let Some(lead) = run.sources.iter().position(|s| s.beside_stage.is_none()) else {
        return;
    };
    let mut names: Vec<String> = Vec::new();
    for src in &run.sources {
        if let Some(n) = src.beside_stage.as_ref().filter(|n| !names.contains(n)) {
            names.push(n.clone());
        }
    }
    let mut said = Vec::new();
    for name in names {
        let stated = stated_beside(&run.sources, &name);
        if let Some(line) = settle(&mut run.sources[lead], &name, &stated) {
            said.push(line);
        }
    }
    for line in said {
        run.sources[lead].notes.push(line.clone());
        run.arbitration.push(line);
    }
}

/// The users each source beside stage `name` states for it (short checks left out).
fn stated_beside(sources: &[Source], name: &str) -> Vec<Stated> {
    let beside = (sources.iter())
        .filter(|s| s.beside_stage.as_deref() == Some(name) && s.short_run.is_none());
    beside
        .filter_map(|s| {
            let stage = s.stages.iter().find(|st| st.name == name)?;
            Some(Stated {
                tool: s.tool.clone(),
                users: stage.users?,
                measured: stage.users_measured,
                ran_at_once: stage.ran_at_once,
            })
        })
        .collect()
}

/// Sets the users of the lead's stage `name` from `stated` when it has none and they
/// agree; the note or warning to give, if any.
fn settle(lead: &mut Source, name: &str, stated: &[Stated]) -> Option<String> {
    let first = stated.first()?;
    let stage = lead.stages.iter_mut().find(|s| s.name == name)?;
    let judged = stage.tool.clone().unwrap_or_else(|| lead.tool.clone());
    let counts = |extra: Option<(&str, u32)>| {
        let all = extra
            .into_iter()
            .chain(stated.iter().map(|s| (s.tool.as_str(), s.users)));
        all.map(|(t, u)| format!("{t} {u}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match stage.users {
        Some(mine) if stated.iter().all(|s| s.users == mine) => None,
        Some(mine) => Some(format!(
            "stage \"{name}\": the tools in its dir state other users ({}): it is reported at \
             the {mine} users of {judged}, which it is judged on; if both ran the same load, \
             check their commands",
            counts(Some((&judged, mine)))
        )),
        None if stated.iter().all(|s| s.users == first.users) => {
            stage.users = Some(first.users);
            stage.users_measured = first.measured;
            stage.ran_at_once = stage.ran_at_once.or(first.ran_at_once);
            super::stage_dirs::set_part_users(lead, name, first.users);
            let tools: Vec<&str> = stated.iter().map(|s| s.tool.as_str()).collect();
            Some(format!(
                "stage \"{name}\": {judged}, which it is judged on, states no users; it is \
                 reported at the {} users {} ran beside it in the same dir",
                first.users,
                tools.join(" and ")
            ))
        }
        None => Some(format!(
            "stage \"{name}\": {judged}, which it is judged on, states no users, and the tools \
             beside it state different ones ({}): its users are left unknown (give them in \
             the dir's name, `{name}_<N>users/`, or in run.toml)",
            counts(None)
        )),
    }
}
