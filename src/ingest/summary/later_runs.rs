//! A console a shell loop wrote several runs into (`for c in 8 32 128; do wrk -c$c …;
//! done > wrk.log`): its later runs beside the first ([`ToolSummary::later_runs`]),
//! read as a stage each where the data finds the stages and every run gives its load,
//! else left out with a note, the first run alone read. A run at the load of an earlier
//! one (a rerun appended) is left out, said, never pooled with it.

use std::path::Path;

use super::{build, IngestOptions, StagePlan, ToolSummary};
use crate::model::{Problem, Source};

/// [`build`] for the file's first run and each of its later ones
/// ([`ToolSummary::later_runs`]), in file order, when the stages come from the data
/// and each run gives its users (a loop over load levels), a run at the users of an
/// earlier one (a rerun appended) left out and said; otherwise (the dir or its
/// `run.toml` names the stage, or a run's users are unknown) only the first, and the
/// others are said to be left out.
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
    // A loop over load levels: every run at users it gives.
    let levels = (std::iter::once(&first).chain(&first.later_runs)).all(|r| r.users.is_some());
    if !(own_stages && levels) {
        return vec![build(path, Ok(first), plan, opts)];
    }
    let later = std::mem::take(&mut first.later_runs);
    let total = 1 + later.len();
    first.later_runs_unread = None;
    // A run at the users of an earlier one (a rerun appended to the log) is not pooled
    // with it nor read as another level: each level is its first run's, and the rest
    // are left out, said.
    let mut seen = vec![first.users];
    let (mut kept, mut repeats) = (Vec::new(), Vec::new());
    for run in later {
        if seen.contains(&run.users) {
            let line = run
                .run_line
                .map_or(String::new(), |l| format!("line {l}: "));
            repeats.push(format!("{line}{} users", run.users.unwrap_or_default()));
        } else {
            seen.push(run.users);
            kept.push(run);
        }
    }
    if !repeats.is_empty() {
        first.left_out_runs(Some(format!(
            "{} holds {total} runs, {} of them at the load of an earlier one ({}): a rerun \
             appended, not another load level nor more of that one, so each level is read \
             from its first run and the rerun is left out of the report's figures; to judge \
             a rerun instead, give it a file of its own",
            path.display(),
            repeats.len(),
            repeats.join("; ")
        )));
    }
    let runs: Vec<ToolSummary> = std::iter::once(first).chain(kept).collect();
    let names = banner_names(&runs);
    (runs.into_iter().zip(names))
        .map(|(run, name)| {
            let users = run.users;
            let mut src = build(path, Ok(run), plan, opts)?;
            if let (Some(name), [stage]) = (name, src.stages.as_mut_slice()) {
                src.notes.push(format!(
                    "{}: the run at {} users is stage `{name}`, as the banner printed above it \
                     in the file names it",
                    path.display(),
                    users.unwrap_or_default()
                ));
                stage.name = name;
            }
            Ok(src)
        })
        .collect()
}

/// The stage names the banners above the runs give (`=== PEAK ===`: `banners.rs`),
/// when the file holds several, every one has a banner and no two are alike; else
/// none (a banner over some runs only, or `# rerun` twice, names no level for sure).
fn banner_names(runs: &[ToolSummary]) -> Vec<Option<String>> {
    let names: Vec<&str> = runs.iter().filter_map(|r| r.banner.as_deref()).collect();
    let mut distinct = names.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let all = runs.len() > 1 && names.len() == runs.len() && distinct.len() == names.len();
    (runs.iter())
        .map(|r| r.banner.clone().filter(|_| all))
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
                    run.run_line = Some(line);
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

    /// Says that the file holds runs after the one read (`note` names them): a note,
    /// and the source holds data the report does not cover.
    pub fn left_out_runs(&mut self, note: Option<String>) {
        if let Some(note) = note {
            // Each reason a run is left out is said (runs cut off, then later runs unread).
            match &mut self.runs_left_out {
                Some(said) => *said = format!("{said}; {note}"),
                None => self.runs_left_out = Some(note.clone()),
            }
            self.notes.push(note);
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
