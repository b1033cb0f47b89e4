//! The users of a console summary whose tool prints none (hey, siege's JSON block),
//! from its file's name when a shell loop named each run's file by its load
//! (`hey_c8.txt`, `siege-16users.log`, `run_c4.out`): read as a stage dir's name is
//! (`stages::stage_from_dir_name`). Without them, the files of one dir are runs at the
//! same unknown load and pooled into one stage, each file an endpoint: a `-c 2` and a
//! `-c 8` run summed into a rate neither ran at. Only a file of one run whose summary
//! gives neither users nor an arrival rate (an open-model run has no users) takes
//! them, and a note says where they come from; a dir's or `run.toml`'s load still wins.

use crate::model::untrusted::Shown;
use std::path::Path;

use super::stages::stage_from_dir_name;
use super::summary::{file_stem, ToolSummary};

/// Sets `s`'s users from `path`'s name when its tool printed none (see the module doc).
pub fn apply(path: &Path, s: &mut ToolSummary) {
    if s.users.is_some() || s.arrival_rate_rps.is_some() || !s.later_runs.is_empty() {
        return;
    }
    let stem = file_stem(path);
    let Some(users) = stage_from_dir_name(&stem).and_then(|(_, u)| u) else {
        return;
    };
    s.users = Some(users);
    s.notes.push(format!(
        "{}: {} prints no users (-c); the run's {users} users are read from the file's name \
         ({}), as a stage dir's name gives them",
        path.shown(),
        s.tool,
        crate::model::untrusted::ticked(&stem)
    ));
}
