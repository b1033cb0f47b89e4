//! The stage a dir's name gives its files: its own name, or its parent's for a dir that
//! only holds a run's files (`results/`, `logs/`) or one load generator's share of a
//! stage (`01_baseline_10users/agent-1/`); and which numbered dirs keep their number
//! because their words are another's too (`01_step`, `02_step`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::dir_name;
use super::discover::DirInput;
use crate::ingest::stages::{numbered_name, stage_named};

/// Names of dirs that only hold a run's files (`run1/results/results.jtl` beside
/// JMeter's `run1/report/` dashboard): they name no stage; their parent does.
const CONTAINER_DIRS: [&str; 9] = [
    "results", "result", "output", "outputs", "out", "data", "logs", "log", "raw",
];

/// The numbered dirs whose words and users are another's too (`01_step`, `02_step`;
/// a rerun `05_smoke_2users` of `01_smoke_2users`): their numbers stay in their stage
/// names, or two load levels (or a run and its rerun) would be one stage, summed as
/// if two generators had measured it at once.
pub(super) fn numbered_alike(dirs: &[DirInput]) -> HashSet<PathBuf> {
    type Named = (String, Option<u32>);
    // Dirs that give the same name (two generators' dirs in one stage dir) are one
    // stage's parts, not alike.
    let named: Vec<(PathBuf, String, Named)> = (dirs.iter())
        .filter_map(|d| {
            let raw = stage_name_of(d)?;
            let named = numbered_name(&raw)?;
            Some((d.shown(), raw, named))
        })
        .collect();
    (named.iter())
        .filter(|(_, raw, name)| (named.iter()).any(|(_, r, n)| n == name && r != raw))
        .map(|(dir, _, _)| (*dir).clone())
        .collect()
}

/// The name an input gives its stages: its result set's prefix, else its dir's
/// ([`stage_dir_name`]).
pub(super) fn stage_name_of(input: &DirInput) -> Option<String> {
    match &input.set {
        Some(prefix) => Some(prefix.clone()),
        None => stage_dir_name(&input.dir, input.depth >= 2),
    }
}

/// The stage name a dir gives: [`dir_name`], or its parent's for a generic container
/// dir ([`CONTAINER_DIRS`]) and, when that parent was itself found inside a dir given
/// (`nested`), for a dir not named as a stage inside one that is
/// (`run/01_baseline_10users/agent-1/`: one load generator's share of that stage,
/// named by it as a container is). A dir is never named by where the dirs given lie
/// (`/tmp/.tmp3u…/run`).
pub(super) fn stage_dir_name(dir: &Path, nested: bool) -> Option<String> {
    let own = dir_name(dir)?;
    if !CONTAINER_DIRS.contains(&own.to_ascii_lowercase().as_str()) {
        let parent = (dir.parent().and_then(Path::file_name))
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|p| nested && stage_named(p) && !stage_named(&own));
        return Some(parent.unwrap_or(own));
    }
    let abs = std::fs::canonicalize(dir).ok();
    let parent = abs.as_deref().and_then(Path::parent);
    parent.and_then(dir_name).or(Some(own))
}
