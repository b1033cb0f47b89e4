//! A check or warm-up by the same tool as a dir's load, saved beside it (`hey -n 200`
//! of `/health` in `health.txt` beside `hey -z 10s` of the API in `load.txt`;
//! `warmup.txt` beside `run.txt`). One tool's summaries in a dir are pooled as runs one
//! after another (`summary::DirSummaries`): the check's burst would add its requests to
//! the stage's throughput, or become a stage of its own at the check's users (hey's
//! default 50) that the stage table and the SLA judge. This module reads one tool's
//! files of a dir, takes such a file out by the rule `smoke_runs::same_tool_check`
//! owns, and pools the rest: the check is listed under Skipped files with its
//! requests, duration and why, and said among the warnings; the run stays clean (its
//! requests measured no part of the run). So is a false start of the load (a short or
//! interrupted first attempt at its URLs, `smoke_runs::false_start`).

use std::path::PathBuf;

use crate::ingest::formats::Reader;
use crate::ingest::smoke_runs::{duration_s, false_start, same_tool_check, SHORT};
use crate::ingest::stages::StagePlan;
use crate::ingest::summary::DirSummaries;
use crate::ingest::IngestOptions;
use crate::model::{Problem, Run, SkipKind, Skipped, Source};

/// One summary file of a dir and what reading it gave (one source per run it holds).
pub(super) type Built = (PathBuf, Vec<Result<Source, Problem>>);

/// One tool's summary `files` of a dir read with `reader` and pooled as runs one
/// after another, the checks beside the load set aside first ([`set_aside`]); with
/// the first file pooled. A file's problems go to `run`.
pub(super) fn pooled(
    reader: &Reader,
    files: Vec<PathBuf>,
    (plan, opts): (&StagePlan, &IngestOptions),
    run: &mut Run,
) -> (DirSummaries, Option<PathBuf>) {
    let mut built: Vec<Built> = (files.into_iter())
        .map(|file| {
            let reads = reader.summary_sources(&file, plan, opts);
            (file, reads)
        })
        .collect();
    set_aside(&mut built, run);
    let first = built.first().map(|(file, _)| file.clone());
    let mut summaries = DirSummaries::default();
    for (file, reads) in built {
        for read in reads {
            if let Err(p) = read.and_then(|src| summaries.add(&file, src)) {
                run.problems.push(p);
            }
        }
    }
    (summaries, first)
}

/// Takes the checks beside the load out of one tool's summary files of a dir
/// (`built`, in the dir's order): each is listed in `run.skipped` (and dropped from
/// the inputs the figures trace to), its reason among the warnings. The load is the
/// longest run the files hold; a file holding several runs is never a check. Returns
/// the files set aside.
pub(super) fn set_aside(built: &mut Vec<Built>, run: &mut Run) -> Vec<PathBuf> {
    let runs = |b: &Built| b.1.iter().filter_map(|r| r.as_ref().ok()).count();
    if built.iter().map(runs).sum::<usize>() < 2 {
        return Vec::new();
    }
    let dur = |s: &Source| duration_s(s).unwrap_or(0.0);
    let load = (built.iter().enumerate())
        .flat_map(|(i, (_, reads))| {
            reads
                .iter()
                .filter_map(move |r| Some((i, r.as_ref().ok()?)))
        })
        .max_by(|a, b| dur(a.1).total_cmp(&dur(b.1)));
    let Some((at, load)) = load else {
        return Vec::new();
    };
    let load_path = built[at].0.as_path();
    // The first file holding a run of over a third of the load's time that was not
    // interrupted: a false start was saved before it (see `false_start`).
    let long = dur(load) * SHORT;
    let full = |s: &Source| dur(s) > long && s.stopped_early.is_none();
    let first_long = (built.iter())
        .position(|(_, reads)| reads.iter().flatten().any(full))
        .unwrap_or(at);
    let before = |i: usize, src: &Source| match (src.span_ms, load.span_ms) {
        (Some(a), Some(b)) => a.1 <= b.0,
        _ => i < first_long,
    };
    let checks: Vec<(usize, String)> = (built.iter().enumerate())
        .filter(|(i, _)| *i != at)
        .filter_map(|(i, (path, reads))| match reads.as_slice() {
            [Ok(src)] => Some((
                i,
                same_tool_check((src, path), (load, load_path))
                    .or_else(|| false_start((src, path), (load, load_path), before(i, src)))?,
            )),
            _ => None,
        })
        .collect();
    let mut aside = Vec::new();
    for (i, why) in checks.into_iter().rev() {
        let (path, _) = built.remove(i);
        aside.push(path.clone());
        run.arbitration
            .push(format!("{}: {why}", crate::model::untrusted::shown(&path)));
        run.inputs.retain(|f| f.path != path);
        run.skipped
            .push(Skipped::new(path, why, SkipKind::EarlierRun));
    }
    aside
}
