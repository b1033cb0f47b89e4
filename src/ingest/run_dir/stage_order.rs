//! The order of stage dirs whose names carry no number (`smoke/`, `load/`, `stress/`)
//! when their data carries no clock time (hey's, wrk's, ab's, autocannon's consoles):
//! read in the names' order, `load` would come before `smoke`, and every figure read
//! across stages (trends, capacity, stage-to-stage changes) would run over an order
//! nothing gave. Such stages go in the order of their loads (users, else planned
//! rates) when each has one of its own, as a stepped test runs them, and a note says
//! so; otherwise they keep the names' order and a note says that nothing says which
//! ran first. Numbered dirs (`01-smoke`) and clock times order stages as before.

use super::discover::DirInput;
use super::stage_names::stage_name_of;
use crate::ingest::stages::numbered_name;
use crate::model::{Source, Stage};

/// True when some stage dir's name carries no ordering number (`smoke/`, not
/// `01-smoke/`).
pub(super) fn unnumbered(dirs: &[DirInput]) -> bool {
    dirs.len() > 1
        && (dirs.iter())
            .filter_map(stage_name_of)
            .any(|name| numbered_name(&name).is_none())
}

/// A stage's load for ordering: its users, else its planned rate.
fn load(stage: &Stage) -> Option<f64> {
    (stage.users.map(f64::from)).or(stage.arrival_rate_rps)
}

/// Orders `source`'s stages, read from unnumbered stage dirs, by their loads when no
/// stage has a clock time (see the module doc), with a note either way.
pub(super) fn order_unnumbered(source: &mut Source) {
    let timed = |s: &Stage| s.window_ms.is_some_and(|w| crate::model::on_the_clock(w.0));
    if source.stages.len() < 2 || source.stages.iter().any(timed) {
        return;
    }
    let names = |stages: &[Stage]| {
        (stages.iter())
            .map(|s| format!("`{}`", s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let by_name = names(&source.stages);
    let loads: Vec<Option<f64>> = source.stages.iter().map(load).collect();
    let mut known: Vec<f64> = loads.iter().flatten().copied().collect();
    known.sort_by(f64::total_cmp);
    known.dedup();
    if known.len() == loads.len() {
        source
            .stages
            .sort_by(|a, b| load(a).unwrap_or(0.0).total_cmp(&load(b).unwrap_or(0.0)));
        let by_load = names(&source.stages);
        if by_load != by_name {
            source.notes.push(format!(
                "stage order: the stage dirs carry no number and {}'s output no clock time, \
                 so nothing says which ran first; the stages are in the order of their load \
                 ({by_load}), as a stepped test runs them, not of their dirs' names \
                 ({by_name}); number the dirs (`01-smoke`, `02-load`) if they ran otherwise",
                source.tool
            ));
        }
        return;
    }
    source.notes.push(format!(
        "stage order: the stage dirs carry no number, {}'s output no clock time and the \
         stages no load of their own each, so nothing says which ran first: they are in the \
         order of their dirs' names ({by_name}), and any change from stage to stage is read \
         in that order; number the dirs (`01-smoke`, `02-load`) to give the order they ran in",
        source.tool
    ));
}
