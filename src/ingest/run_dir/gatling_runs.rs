//! Gatling's results folder (`target/gatling/`, `build/reports/gatling/`, `results/`)
//! keeps every run of a simulation in a dir of its own, named
//! `<simulation id>-<start time>` (`mysim-20261201093000123`: `yyyyMMddHHmmssSSS`;
//! Gatling 2 wrote epoch milliseconds), each holding its `simulation.log`. Two such dirs
//! of one simulation are two separate runs, not two stages of one: the latest is read
//! and the earlier ones are set aside as earlier runs, with a warning that says which
//! run was analysed and how to pick another. Dirs of different simulations stay stage
//! dirs, as any dirs of dirs are.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::ingest::problem;
use crate::model::{Run, SkipKind, Skipped};

/// A Gatling run dir's simulation id and start time, from its name, when it holds a
/// `simulation.log`.
fn gatling_run(dir: &Path) -> Option<(String, String)> {
    let name = dir.file_name()?.to_str()?;
    let (sim, stamp) = name.rsplit_once('-')?;
    let timed = matches!(stamp.len(), 13 | 17) && stamp.bytes().all(|b| b.is_ascii_digit());
    (timed && !sim.is_empty() && dir.join("simulation.log").is_file())
        .then(|| (sim.to_string(), stamp.to_string()))
}

/// `2026-12-01 09:30:00.123` from Gatling's `20261201093000123` (as is otherwise).
fn readable(stamp: &str) -> String {
    if stamp.len() != 17 {
        return stamp.to_string();
    }
    let s = |a: usize, b: usize| &stamp[a..b];
    format!(
        "{}-{}-{} {}:{}:{}.{}",
        s(0, 4),
        s(4, 6),
        s(6, 8),
        s(8, 10),
        s(10, 12),
        s(12, 14),
        s(14, 17)
    )
}

/// `subdirs` of `parent` without the earlier runs of a simulation that has several
/// run dirs there; each left out is listed as skipped, and a warning per simulation
/// names the run read.
pub(super) fn latest_runs(parent: &Path, subdirs: Vec<PathBuf>, run: &mut Run) -> Vec<PathBuf> {
    let mut by_sim: BTreeMap<String, Vec<(String, PathBuf)>> = BTreeMap::new();
    for d in &subdirs {
        if let Some((sim, stamp)) = gatling_run(d) {
            by_sim.entry(sim).or_default().push((stamp, d.clone()));
        }
    }
    let mut earlier: Vec<PathBuf> = Vec::new();
    for (sim, mut runs) in by_sim.into_iter().filter(|(_, r)| r.len() > 1) {
        runs.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
        let (stamp, latest) = runs.pop().expect("several runs");
        let latest_name = latest.file_name().unwrap_or_default().to_string_lossy();
        for (old_stamp, old) in &runs {
            let why = format!(
                "an earlier run of Gatling simulation {sim} (started {}), not a stage of \
                 {latest_name}: analyse its dir on its own, or compare the two runs with \
                 `headroom compare {} {}`",
                readable(old_stamp),
                old.shown(),
                latest.shown()
            );
            run.skipped
                .push(Skipped::new(old.clone(), why, SkipKind::EarlierRun));
            earlier.push(old.clone());
        }
        run.warnings.push(problem(
            parent,
            None,
            format!(
                "holds {} runs of Gatling simulation {sim}: analysed the latest, {latest_name} \
                 (started {}); the earlier {} set aside (see Skipped files). To analyse \
                 another, give its dir",
                runs.len() + 1,
                readable(&stamp),
                if runs.len() == 1 {
                    "one is"
                } else {
                    "ones are"
                },
            ),
        ));
    }
    subdirs
        .into_iter()
        .filter(|d| !earlier.contains(d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gatling_start_times_read_as_dates() {
        assert_eq!(readable("20261201093000123"), "2026-12-01 09:30:00.123");
        assert_eq!(readable("1764581400123"), "1764581400123");
    }
}
