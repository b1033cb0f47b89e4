//! The clock of a Locust run read as one whole-run stage (a stage-named dir, or a
//! history with no plateau to cut stages from): the stats history beside the summary
//! gives its start and end, so stage dirs order by time and no note denies a clock;
//! and what the stage's figures are when they come from the history (after a stats
//! reset, or without a stats file), said in its window basis.

use super::history::HistoryRow;
use crate::model::{Source, Stage};

/// Puts the run's one stage of `source`, read from Locust's whole-run summary
/// (`whole_run`; and `overall`), on the clock of its history `hist`
/// ([`clock_from_history`], unless the history was `cut` or stopped behind the stats
/// file); when its figures are the history's (`from_history`: after a stats reset,
/// `reset` (what Locust's summary counts since it), or without a stats file), its
/// window basis says so.
pub(super) fn apply(
    source: &mut Source,
    overall: &mut Stage,
    hist: Option<&[HistoryRow]>,
    (whole_run, cut, from_history, reset): (bool, bool, bool, Option<(u64, u64)>),
) {
    let Some(hist) = hist.filter(|_| whole_run) else {
        return;
    };
    let clocked = !cut && source.stopped_early.is_none();
    clock_from_history(source, overall, hist, clocked);
    if from_history {
        let reset = reset.map_or("", |_| AFTER_RESET);
        for stage in &mut source.stages {
            stage.window_basis = format!("{WHOLE_HISTORY}{reset}");
        }
    }
}

/// What a whole-run stage read from the stats history covers (a stats file after a
/// reset holds only the last step; none may be beside the history).
const WHOLE_HISTORY: &str = "whole run from Locust's stats history, the ramp included";

/// Why, after a stats reset, a whole-run stage is the history's.
const AFTER_RESET: &str =
    " (its stats file holds only the requests since Locust's last stats reset)";

/// Puts the whole-run summary (`overall` and the stages read from it) on the clock of
/// its history (`hist`), when that history ran to the stats file's last write
/// (`clocked`: neither cut nor behind it): Locust writes both from the same figures,
/// so the summary's requests were sent from the history's first row to within the
/// second of its last (its stamps are whole seconds, rounded down). The duration stays
/// the summary's own (the stats file's count ÷ its rate, or the history's span), which
/// lies within that window.
fn clock_from_history(
    source: &mut Source,
    overall: &mut Stage,
    hist: &[HistoryRow],
    clocked: bool,
) {
    let first = hist.iter().map(|r| r.t_ms).min();
    let last = hist.iter().map(|r| r.t_ms).max();
    let Some((first, last)) = first.zip(last).filter(|_| clocked) else {
        return;
    };
    // A summary longer than its history's rows cover is of more than they witness.
    let span_s = (last + 1000 - first) as f64 / 1000.0;
    if overall.duration_s.is_some_and(|d| d > span_s) {
        return;
    }
    let window = Some((first, last + 1000));
    for stage in std::iter::once(&mut *overall).chain(source.stages.iter_mut()) {
        stage.window_ms = window;
        stage.measured_s = stage.duration_s;
    }
}
