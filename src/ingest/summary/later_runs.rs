//! A console a shell loop wrote several runs into (`for c in 8 32 128; do wrk -c$c …;
//! done > wrk.log`): its later runs beside the first ([`ToolSummary::later_runs`]),
//! read as a stage each where the data finds the stages and every run is at a load of
//! its own, else left out with a note, the first run alone read.

use std::path::Path;

use super::{build, IngestOptions, StagePlan, ToolSummary};
use crate::model::{Problem, Source};

/// [`build`] for the file's first run and each of its later ones
/// ([`ToolSummary::later_runs`]), in file order, when the stages come from the data
/// and each run is at users of its own (a loop over load levels); otherwise (the dir
/// or its `run.toml` names the stage, or two runs share a load: a rerun appended) only
/// the first, and the others are said to be left out.
pub fn build_each(
    path: &Path,
    read: Result<ToolSummary, Problem>,
    plan: &StagePlan,
    opts: &IngestOptions,
) -> Vec<Result<Source, Problem>> {
    let mut first = match read {
        Ok(summary) => summary,
        Err(p) => return vec![Err(p)],
    };
    let own_stages = matches!(
        plan,
        StagePlan::Detect {
            stage_dir: false,
            ..
        }
    );
    // A loop over load levels: every run at users of its own. Runs at the same users
    // (a rerun appended to the log) are not pooled: the first alone is read.
    let mut users: Vec<Option<u32>> = (std::iter::once(&first).chain(&first.later_runs))
        .map(|r| r.users)
        .collect();
    users.sort_unstable();
    let levels = users.iter().all(Option::is_some) && users.windows(2).all(|w| w[0] != w[1]);
    if !(own_stages && levels) {
        return vec![build(path, Ok(first), plan, opts)];
    }
    let later = std::mem::take(&mut first.later_runs);
    first.later_runs_unread = None;
    std::iter::once(first)
        .chain(later)
        .map(|run| build(path, Ok(run), plan, opts))
        .collect()
}

impl ToolSummary {
    /// Adds the file's later runs (`later`: each one's first line and what reading it
    /// gave; `total` runs in the file) as [`ToolSummary::later_runs`]; a run that could
    /// not be read is left out, and a note names it with why.
    pub fn add_later_runs(
        &mut self,
        path: &Path,
        total: usize,
        later: impl IntoIterator<Item = (u64, Result<ToolSummary, Problem>)>,
    ) {
        let mut unread = Vec::new();
        for (line, read) in later {
            match read {
                Ok(mut run) => {
                    run.notes.push(format!(
                        "{}: the run at line {line}, read as a run of its own (the file holds \
                         {total} runs one after another)",
                        path.display()
                    ));
                    self.later_runs.push(run);
                }
                Err(p) => unread.push(format!("line {line}: {}", p.reason)),
            }
        }
        if !unread.is_empty() {
            self.left_out_runs(Some(format!(
                "{} holds {total} runs; {} of them could not be read and are left out of the \
                 report's figures: {}",
                path.display(),
                unread.len(),
                unread.join("; ")
            )));
        }
    }

    /// Drops the file's later runs, if any, and says they are left out
    /// ([`ToolSummary::later_runs_unread`]).
    pub fn first_run_only(&mut self) {
        if !std::mem::take(&mut self.later_runs).is_empty() {
            let unread = self.later_runs_unread.take();
            self.left_out_runs(unread);
        }
    }
}
