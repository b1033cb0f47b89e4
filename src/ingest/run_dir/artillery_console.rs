//! Artillery's console output beside the JSON report of the same run: the report is
//! the measurement; the console adds the script's `ensure` checks, which the report
//! lacks and which fail the run (Artillery exits 1). The console is set aside before
//! the dir is read and checked against the dir's reports on its final request count:
//! the same count is the same run, whose checks become the run's tool checks (a failed
//! one holds a GO back, as a failed k6 threshold does) and the console is skipped as
//! the same data; another count is another run's console (skipped as other data,
//! which makes the data `incomplete`). Without a report beside it, the console is not
//! read.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Format;
use crate::ingest::artillery::{console, IN_NO_STAGE, MIXED_LOADS};
use crate::model::{Run, SkipKind, Skipped};

/// The dir's Artillery consoles set aside, and the reports beside them.
pub(super) struct PendingConsoles {
    consoles: Vec<PathBuf>,
    reports: Vec<PathBuf>,
}

/// Takes the dir's Artillery consoles out of `by_format`.
pub(super) fn set_consoles_aside(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
) -> Option<PendingConsoles> {
    let consoles = by_format.remove(&Format::ArtilleryConsole)?;
    let reports = by_format
        .get(&Format::ArtilleryJson)
        .cloned()
        .unwrap_or_default();
    Some(PendingConsoles { consoles, reports })
}

/// Reads each set-aside console's checks when it is a report's run, and lists it as
/// skipped.
pub(super) fn check_consoles(pending: Option<PendingConsoles>, run: &mut Run) {
    mixed_loads(run);
    let Some(pending) = pending else {
        return;
    };
    let counted: Vec<(PathBuf, Option<u64>)> = (pending.reports.iter())
        .filter(|r| run.inputs.iter().any(|i| &i.path == *r))
        .map(|r| (r.clone(), console::report_requests(r)))
        .collect();
    for file in pending.consoles {
        let (kind, why) = judge(&file, &counted, run);
        run.skipped.push(Skipped::new(file, why, kind));
    }
}

/// What becomes of one console: its checks taken (the same run as a report) or not.
fn judge(file: &Path, reports: &[(PathBuf, Option<u64>)], run: &mut Run) -> (SkipKind, String) {
    if reports.is_empty() {
        return (
            SkipKind::NotResult,
            "Artillery's console output: read only beside the JSON report of the same run \
             (`artillery run --output report.json`), for its `ensure` checks"
                .into(),
        );
    }
    let c = match console::read(file) {
        Ok(c) => c,
        Err(p) => return (SkipKind::OtherData, p.reason),
    };
    // The same count is the same run; among several such reports, the one the
    // console names (`Log file: report.json`; a renamed report still counts).
    let counted = |(_, n): &&(PathBuf, Option<u64>)| n.is_some() && *n == c.requests;
    let named = |(r, _): &&(PathBuf, Option<u64>)| {
        (c.log_file.as_deref()).is_some_and(|name| r.file_name() == Path::new(name).file_name())
    };
    let same =
        (reports.iter().filter(counted).find(named)).or_else(|| reports.iter().find(counted));
    let Some((report, _)) = same else {
        let counts: Vec<String> = (reports.iter())
            .map(|(r, n)| {
                let n = n.map_or("no".into(), |n| n.to_string());
                format!("{} counts {n}", r.shown())
            })
            .collect();
        return (
            SkipKind::OtherData,
            format!(
                "Artillery's console output of {} requests, not the run of the report beside \
                 it ({}): its `ensure` checks are not read; analyse it with its own report in \
                 a dir of its own",
                c.requests.map_or("no".into(), |n| n.to_string()),
                counts.join(", ")
            ),
        );
    };
    let checks = c.tool_checks(file);
    let failed = checks.iter().filter(|t| !t.passed).count();
    let mut why = format!(
        "Artillery's console output of the run of {} (both count {} requests, checked): \
         the report is the measurement; ",
        report.shown(),
        c.requests.unwrap_or(0)
    );
    why.push_str(&match checks.len() {
        0 => "it prints no `ensure` checks".to_string(),
        n => format!("its {n} `ensure` checks are read ({failed} failed)"),
    });
    if !c.optional_failed.is_empty() {
        why.push_str(&format!(
            "; optional checks that failed (they do not fail the run): {}",
            c.optional_failed.join(", ")
        ));
    }
    run.tool_checks.extend(checks);
    mixed_phases(file, &c.phases, run);
    (SkipKind::SameData, why)
}

/// Makes the Artillery notes that say its one stage may mix phases' loads, or that
/// requests are in no stage, warnings, where the verdict is read (once each).
fn mixed_loads(run: &mut Run) {
    let notes: Vec<String> = (run.sources.iter().filter(|s| s.tool == "artillery"))
        .flat_map(|s| {
            s.notes
                .iter()
                .filter(|n| n.starts_with(MIXED_LOADS) || n.contains(IN_NO_STAGE))
                .cloned()
        })
        .collect();
    for note in notes {
        if !run.warnings.iter().any(|w| w.reason == note) {
            let file = (run.inputs.iter().find(|i| i.format == "artillery-json"))
                .map_or_else(|| PathBuf::from("artillery"), |i| i.path.clone());
            run.warnings.push(crate::ingest::problem(&file, None, note));
        }
    }
}

/// Warns when the console ran several phases and the report gave fewer stages (an
/// Artillery 2 report lists no phases): its one stage mixes the phases' loads, so no
/// figure of it is one load level's.
fn mixed_phases(file: &Path, phases: &[String], run: &mut Run) {
    let Some(src) = run.sources.iter().find(|s| s.tool == "artillery") else {
        return;
    };
    // Stages read from the phases (the script beside the report names them), or a
    // warning of mixed loads said already.
    let from_phases = (src.stages.iter()).any(|s| s.window_basis.starts_with("Artillery phase"));
    let said = (run.warnings.iter()).any(|w| w.reason.starts_with(MIXED_LOADS));
    let stages = src.stages.len();
    if phases.len() < 2 || stages >= phases.len() || from_phases || said {
        return;
    }
    let names: Vec<String> = phases.iter().map(|p| format!("`{p}`")).collect();
    run.warnings.push(crate::ingest::problem(
        file,
        None,
        format!(
            "Artillery ran {} phases ({}) and its report does not list them, so the run is read \
             as {stages} stage(s) mixing their loads: no figure is one phase's load level; run \
             each load level as a run (or stage dir) of its own to judge it",
            phases.len(),
            names.join(", ")
        ),
    ));
}
