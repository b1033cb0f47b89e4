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

/// The name an input gives its stages: its result set's prefix, the run's for a load
/// generator's dir ([`generators_dir`]), else its dir's ([`stage_dir_name`]).
pub(super) fn stage_name_of(input: &DirInput) -> Option<String> {
    match &input.set {
        Some(prefix) => Some(prefix.clone()),
        // Generators' dirs share the run's name, so that their stages are one.
        None if generators_dir(input) && input.depth == 1 => input.dir.parent().and_then(dir_name),
        None if generators_dir(input) => Some("run".into()),
        None => stage_dir_name(&input.dir, input.depth >= 2),
    }
}

/// The stage name a dir gives: [`dir_name`], or its parent's for a generic container
/// dir ([`CONTAINER_DIRS`]) and, when that parent was itself found inside a dir given
/// (`nested`), for one load generator's share of the parent's stage, named by it as a
/// container is ([`names_generators_stage`]). A dir is never named by where the dirs
/// given lie (`/tmp/.tmp3u…/run`).
pub(super) fn stage_dir_name(dir: &Path, nested: bool) -> Option<String> {
    let own = dir_name(dir)?;
    if !container(&own) {
        let parent = (dir.parent().and_then(Path::file_name))
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|p| nested && names_generators_stage(p, &own));
        return Some(parent.unwrap_or(own));
    }
    let abs = std::fs::canonicalize(dir).ok();
    let parent = abs.as_deref().and_then(Path::parent);
    parent.and_then(dir_name).or(Some(own))
}

/// True for a load generator's dir given, or right inside one (`run/gen1/`), whose files
/// are that generator's share of every stage.
pub(super) fn generators_dir(input: &DirInput) -> bool {
    input.depth <= 1
        && input.set.is_none()
        && dir_name(&input.dir).is_some_and(|n| generator_named(&n))
}

/// True for a dir that only holds a run's files (`results/`, `logs/`).
fn container(name: &str) -> bool {
    CONTAINER_DIRS.contains(&name.to_ascii_lowercase().as_str())
}

/// True when a dir named `own` inside one named `parent` is one load generator's share
/// of the parent's stage: a dir not named as a stage inside one that is
/// (`01_baseline_10users/agent-1/`), or a dir named as a generator inside one that is
/// not (`baseline/gen1/`, `peak/10.0.0.7/`).
fn names_generators_stage(parent: &str, own: &str) -> bool {
    (stage_named(parent) && !stage_named(own))
        || (generator_named(own) && !generator_named(parent) && !container(parent))
}

/// Words that name a load generator (a machine or process sending load, or one
/// instance of a tool, as a Kubernetes pod `jmeter-0` or `k6-2` is), not a stage.
const GENERATOR_WORDS: [&str; 21] = [
    "gen",
    "generator",
    "loadgen",
    "lg",
    "agent",
    "node",
    "worker",
    "injector",
    "host",
    "client",
    "slave",
    "runner",
    "machine",
    "pod",
    "instance",
    "vm",
    "engine",
    "jmeter",
    "k6",
    "locust",
    "gatling",
];

/// True for a dir named as one of several load generators: an IPv4 address
/// (`10.0.0.7`), or a word of [`GENERATOR_WORDS`] last before an id of digits or one
/// letter (`gen1`, `agent-2`, `jmeter-slave_03`, `node-b`); not a word alone (`client`)
/// nor a stage's (`step1`).
fn generator_named(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let ipv4 = lower.split('.').count() == 4
        && (lower.split('.'))
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
    if ipv4 {
        return true;
    }
    let separator = |c: char| matches!(c, '-' | '_' | ' ' | '.');
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    let (stem, id) = if stem.len() < lower.len() {
        (stem.trim_end_matches(separator), true)
    } else {
        // One letter after a separator: `node-b`.
        match lower.rsplit_once(separator) {
            Some((stem, letter))
                if letter.len() == 1 && letter.bytes().all(|b| b.is_ascii_lowercase()) =>
            {
                (stem, true)
            }
            _ => (lower.as_str(), false),
        }
    };
    let last = stem.rsplit(separator).next().unwrap_or_default();
    id && GENERATOR_WORDS.contains(&last)
}

/// A stage dir's one listed stage (a drive run's `main` in `c40/`) is the dir's, when
/// the dir's name is a stage's ([`StagePlan::dir_names_stage`]).
pub(super) fn name_listed_stage(
    manifest: Option<&mut crate::model::Manifest>,
    dir_name: &str,
    keep_number: bool,
) {
    if let Some(m) = manifest.filter(|m| m.stages.len() == 1) {
        if let Some(name) = crate::ingest::stages::StagePlan::dir_names_stage(dir_name, keep_number)
        {
            m.stages[0].name = name;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::generator_named;

    #[test]
    fn generator_names_are_words_for_machines_with_an_id() {
        for name in [
            "gen1",
            "agent-2",
            "jmeter-slave_03",
            "node-b",
            "10.0.0.7",
            "LG01",
            "worker 3",
            "jmeter-0",
            "k6-2",
        ] {
            assert!(generator_named(name), "{name}");
        }
        for name in [
            "client",
            "step1",
            "stage_2",
            "baseline",
            "peak",
            "2026-12-01",
            "1.2.3",
            "run1",
            "localhost",
            "v1.2.3.4",
        ] {
            assert!(!generator_named(name), "{name}");
        }
    }
}
