//! What the command line's filters can and cannot do to Locust's CSV set: an endpoint
//! filter (`--include`/`--exclude`) cannot split a stats history's Aggregated rows
//! (every endpoint together, all Locust writes without `--csv-full-history`), and
//! `--warmup`/`--from`/`--to` cannot trim the whole-run summary (the stats file, or the
//! history's last cumulative row). Figures are never taken as if they had been.

use super::history::{stages_from_history, HistoryRow};
use crate::ingest::stages::StagePlan;
use crate::ingest::IngestOptions;
use crate::model::{Source, Stage};

/// The stages of the history `hist` under `plan`, when they are to be taken from it
/// ([`stages_from_history_read`]); notes say what they cannot hold (a history of
/// Aggregated rows alone read for its figures: no per-endpoint breakdown).
pub(super) fn history_stages(
    plan: &StagePlan,
    hist: Option<&[HistoryRow]>,
    has_stats: bool,
    opts: &IngestOptions,
    notes: &mut Vec<String>,
) -> Option<Vec<Stage>> {
    let hist = hist?;
    let stages = stages_from_history_read(hist, has_stats, opts, notes)
        .then(|| stages_from_history(plan, hist, opts))
        .flatten();
    let read_for_figures = stages.is_some() || !has_stats;
    if read_for_figures && !hist.iter().any(|r| r.key.is_some()) {
        notes.push(AGGREGATE_ONLY_HISTORY.into());
    }
    stages
}

/// Why a stage taken from a stats history has no endpoints.
pub(super) const AGGREGATE_ONLY_HISTORY: &str =
    "the stats history has only Aggregated rows (Locust writes a row per endpoint only \
     with --csv-full-history): figures taken from it have totals but no per-endpoint \
     breakdown; run Locust with --csv-full-history for one";

/// How the note begins that says an endpoint filter cannot be applied to a stats
/// history of Aggregated rows alone (also a run warning).
pub const UNFILTERABLE_HISTORY: &str =
    "--include/--exclude cannot be applied to the stats history: it has only Aggregated \
     rows (every endpoint together; Locust writes a row per endpoint only with \
     --csv-full-history)";

/// True when stages are to be taken from the history `hist`. Not when an endpoint
/// filter meets Aggregated rows alone and the stats file (`has_stats`) has the
/// per-endpoint rows it can filter: the run is then one whole-run stage of what the
/// filter keeps. Without a stats file the history's stages are taken, and hold no
/// figures (nothing says which requests the filter keeps). Either way a note says so.
pub(super) fn stages_from_history_read(
    hist: &[HistoryRow],
    has_stats: bool,
    opts: &IngestOptions,
    notes: &mut Vec<String>,
) -> bool {
    if !opts.filters_endpoints() || hist.iter().any(|r| r.key.is_some()) {
        return true;
    }
    notes.push(if has_stats {
        format!(
            "{UNFILTERABLE_HISTORY}, so its stages are not taken from it: the run is one \
             whole-run stage, from the stats file's rows the filter keeps"
        )
    } else {
        format!(
            "{UNFILTERABLE_HISTORY}, and no stats file is there to filter instead: its \
             stages and the whole run hold no figures"
        )
    });
    !has_stats
}

/// Marks what `--warmup`/`--from`/`--to` could not trim: the whole-run figures (the
/// stats file's, or the history's last cumulative row) and the stages taken from
/// them (`from_summary`); stages taken from a stats history were trimmed.
pub(super) fn untrimmed_summary(
    source: &mut Source,
    overall: &mut Stage,
    opts: &IngestOptions,
    from_summary: bool,
) {
    let fit = crate::ingest::untrimmed::window_fit("Locust", None, opts, false);
    if from_summary {
        for stage in &mut source.stages {
            source
                .notes
                .extend(crate::ingest::untrimmed::apply(&fit, stage));
        }
    }
    if let crate::ingest::untrimmed::WindowFit::Untrimmed(why) = fit {
        if !from_summary {
            source.notes.push(
                "--warmup/--from/--to cannot trim Locust's whole-run summary; they apply \
                 only to stages taken from a stats history"
                    .into(),
            );
        }
        overall.untrimmed = Some(why);
    }
}

/// Why the one stage of a run whose history has only Aggregated rows judges its
/// endpoints on the stats file's whole-run rows.
pub(super) const ENDPOINTS_WHOLE_RUN: &str =
    "Locust's own whole-run figures for the endpoint (the stats file: the ramp included), \
     the run's one stage having no per-endpoint history rows (no --csv-full-history)";

/// Lets the run's one stage, taken from a history of Aggregated rows alone, judge its
/// endpoints on the whole run's (the stats file's rows): with one stage, those are its
/// requests and the ramp's. Never with several stages (nothing splits the rows among
/// them), nor when `--warmup`/`--from`/`--to` asked for a window the rows cannot keep.
pub(super) fn endpoints_whole_run(source: &mut Source, overall: &Stage, hist: &[HistoryRow]) {
    let [stage] = source.stages.as_mut_slice() else {
        return;
    };
    let aggregate_only = !hist.iter().any(|r| r.key.is_some());
    if aggregate_only
        && stage.endpoints.is_empty()
        && stage.aggregate.is_some()
        && !overall.endpoints.is_empty()
        && overall.untrimmed.is_none()
        && stage.untrimmed.is_none()
    {
        stage.endpoints_whole_run = Some(ENDPOINTS_WHOLE_RUN.into());
    }
}
