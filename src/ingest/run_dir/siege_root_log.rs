//! A `siege.log` above stage dirs: teams run each stage in a dir of its own with its
//! console kept there (`cd 02_peak && siege --log=../siege.log … > siege.txt`), so the
//! log siege appends a row to after every run lands in the run's root. That log is not
//! a run of the root: its rows are the stage dirs' runs, which their consoles give.
//! Read as the root's run, it hid every stage dir (a dir with a result is one run) and
//! counted the last stage again. It is skipped as the same data when a row matches a
//! stage dir's console by its counts (siege's `siege aborted` banner after such a row
//! still makes the run incomplete); a log no stage console matches is left to be read
//! as before.

use crate::model::untrusted::Shown;
use std::path::{Path, PathBuf};

use super::discover::detect;
use crate::ingest::detect::Detection;
use crate::ingest::{siege, Format};
use crate::model::{Run, SkipKind, Skipped};

/// Takes out of `files` (a dir's files) a `siege.log` whose rows are the runs of the
/// siege consoles in `subdirs`, when it is the dir's only result (besides a manifest),
/// and lists it as skipped; true when it did.
pub(super) fn set_aside(files: &mut Vec<PathBuf>, subdirs: &[PathBuf], run: &mut Run) -> bool {
    let format = |p: &Path| match detect(p) {
        Ok(Detection::Supported(f)) => Some(f),
        _ => None,
    };
    let results: Vec<(&PathBuf, Format)> = (files.iter())
        .filter_map(|p| Some((p, format(p)?)))
        .filter(|(_, f)| *f != Format::Manifest)
        .collect();
    let [(log, Format::SiegeLog)] = results.as_slice() else {
        return false;
    };
    let Ok(rows) = siege::log_rows(log) else {
        return false;
    };
    let mut used: Vec<u64> = Vec::new();
    let mut matched = Vec::new();
    for console in subdirs.iter().flat_map(|d| consoles(d, &format)) {
        let Ok((trans, failed)) = siege::console_counts(&console) else {
            continue;
        };
        let row = (rows.iter().rev())
            .find(|(l, _, t, f)| *t == trans && *f == failed && !used.contains(l));
        if let Some((line, ..)) = row {
            // siege's `**** siege aborted … ****` after that row: the stage's run stopped.
            let aborted = siege::aborted_after(log, *line);
            if let Some(why) = aborted.filter(|_| run.meta.complete != Some(false)) {
                run.meta.complete = Some(false);
                run.meta.incomplete_reason = Some(why);
            }
            used.push(*line);
            matched.push(format!("{} = line {line}", console.shown()));
        }
    }
    if matched.is_empty() {
        return false;
    }
    let log = (*log).clone();
    files.retain(|f| *f != log);
    run.skipped.push(Skipped::new(
        log,
        format!(
            "siege's log above the stage dirs, appended by their runs: {} of its {} row(s) \
             are stage dirs' runs, each checked by its counts ({}); the stage dirs' console \
             summaries are read, each run once",
            matched.len(),
            rows.len(),
            matched.join("; ")
        ),
        SkipKind::SameData,
    ));
    true
}

/// The siege console summaries directly in `dir`.
fn consoles(dir: &Path, format: &dyn Fn(&Path) -> Option<Format>) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
    let mut found: Vec<PathBuf> = (entries.map(|e| e.path()))
        .filter(|p| p.is_file() && format(p) == Some(Format::SiegeText))
        .collect();
    found.sort();
    found
}
