//! A console a shell loop wrote several runs into (`for c in 8 32 128; do wrk -c$c …;
//! done > wrk.log`): its later runs beside the first ([`ToolSummary::later_runs`]),
//! read as a stage each where the data finds the stages, else left out with a note,
//! the first run alone read. A run whose users are unknown (hey prints none, and no
//! banner above it gives them) is a stage of its own, named by its banner or else by
//! its order (`run_2`), never pooled; an open model's run (httperf, wrk2) is at its
//! planned rate. A run at the load of an earlier one is left out,
//! said, never pooled with it: a rerun appended, or another endpoint's run at that
//! load (two URLs one after the other), said as such.

use crate::model::untrusted::Shown;
use std::path::Path;

use super::{build, IngestOptions, StagePlan, ToolSummary};
use crate::ingest::appended::{at_its_lines, later_runs_note, runs, RunMarks};
use crate::model::{Problem, Source};

/// [`build`] for the file's first run and each of its later ones
/// ([`ToolSummary::later_runs`]), in file order, when the stages come from the data,
/// a run at the users of an earlier one left out and said; otherwise (the dir or its
/// `run.toml` names the stage) only the first, and the others are said to be left out.
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
    crate::ingest::named_users::apply(path, &mut first);
    crate::ingest::named_rate::from_file_name(path, plan, &mut first);
    let own_stages = matches!(
        plan,
        StagePlan::Detect {
            stage_dir: false,
            ..
        }
    );
    if !own_stages || first.later_runs.is_empty() {
        return vec![build(path, Ok(first), plan, opts)];
    }
    let later = std::mem::take(&mut first.later_runs);
    let total = 1 + later.len();
    first.later_runs_unread = None;
    // A run at the users of an earlier one (a rerun appended to the log) is not pooled
    // with it nor read as another level: each level is its first run's, and the rest
    // are left out, said. A run whose users are unknown (hey prints none) is a level of
    // its own, named below.
    let mut seen = vec![Level::of(&first)];
    let (mut kept, mut repeats) = (Vec::new(), Vec::new());
    for run in later {
        let level = Level::of(&run);
        let earlier = (seen.iter().zip(std::iter::once(&first).chain(&kept)))
            .find(|(l, _)| l.is_some() && **l == level)
            .map(|(_, r)| r);
        match (earlier, level) {
            (Some(earlier), Some(level)) => repeats.push(repeat(&run, earlier, level)),
            _ => {
                seen.push(level);
                kept.push(run);
            }
        }
    }
    if !repeats.is_empty() {
        first.left_out_runs(Some(repeats_note(path, total, &repeats)));
    }
    let runs: Vec<ToolSummary> = std::iter::once(first).chain(kept).collect();
    let names = banner_names(&runs);
    (runs.into_iter().zip(names).enumerate())
        .map(|(i, (run, name))| {
            // An open model's run (httperf's --rate, wrk2's -R) is at its planned rate:
            // named after it where the dir's runs are put in order (`20_rps`).
            let (users, line) = (run.users, run.run_line.unwrap_or(1));
            let rate = run.arrival_rate_rps.filter(|_| users.is_none());
            let mut src = build(path, Ok(run), plan, opts)?;
            let [stage] = src.stages.as_mut_slice() else {
                return Ok(src);
            };
            let said = match (name, users) {
                (Some(name), Some(users)) => Some((name, format!("run at {users} users"))),
                (Some(name), None) => Some((name, format!("run at line {line}"))),
                (None, None) if rate.is_some() => None,
                // hey prints no load, and no banner names this run: a level by its order.
                (None, None) => Some((format!("run_{}", i + 1), format!("run at line {line}"))),
                (None, Some(_)) => None,
            };
            if let Some((name, run)) = said {
                src.notes.push(match users.is_some() || rate.is_some() {
                    true => format!(
                        "{}: the {run} is stage {}, as the banner printed above it in \
                         the file names it",
                        path.shown(),
                        crate::model::untrusted::ticked(&name)
                    ),
                    false => format!(
                        "{}: the {run} is stage {} ({}), its users unknown: the tool \
                         prints none and no banner above it gives them (`== c=8` would); it \
                         is judged as a level of its own, never pooled with the others",
                        path.shown(),
                        crate::model::untrusted::ticked(&name),
                        if name.starts_with("run_") {
                            "by its order in the file"
                        } else {
                            "as the banner above it names it"
                        }
                    ),
                });
                stage.name = name;
            }
            Ok(src)
        })
        .collect()
}

/// The load a run was at: its users (a closed model), else its planned arrival rate
/// (an open model: httperf's `--rate`, wrk2's `-R`); `None` when neither is known.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Level {
    Users(u32),
    Rate(f64),
}

impl Level {
    fn of(run: &ToolSummary) -> Option<Level> {
        match (run.users, run.arrival_rate_rps) {
            (Some(u), _) => Some(Level::Users(u)),
            (None, Some(r)) => Some(Level::Rate(r)),
            (None, None) => None,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Level::Users(u) => write!(f, "{u} users"),
            Level::Rate(r) => write!(f, "{r} req/s arriving"),
        }
    }
}

/// A later run at the load of an earlier one (`earlier`, `level`), as the note names
/// it: its line and load, and whether it measured another endpoint (two URLs at one
/// load, one after the other: not a rerun).
fn repeat(run: &ToolSummary, earlier: &ToolSummary, level: Level) -> (String, bool) {
    let line = run
        .run_line
        .map_or(String::new(), |l| format!("line {l}: "));
    let names = |r: &ToolSummary| -> Vec<String> {
        r.endpoints.iter().map(|e| e.key.to_string()).collect()
    };
    let (mine, theirs) = (names(run), names(earlier));
    if mine != theirs && !mine.is_empty() {
        let said = format!(
            "{line}{level}, {} after {}",
            mine.join(", "),
            theirs.join(", ")
        );
        return (said, true);
    }
    (format!("{line}{level}"), false)
}

/// The note of a file's runs at the load of an earlier one (`repeats`: from [`repeat`]),
/// left out: reruns appended, or runs of other endpoints at that load.
fn repeats_note(path: &Path, total: usize, repeats: &[(String, bool)]) -> String {
    let group = |other: bool| -> Vec<&str> {
        (repeats.iter().filter(|r| r.1 == other))
            .map(|r| r.0.as_str())
            .collect()
    };
    let (reruns, others) = (group(false), group(true));
    let mut said = Vec::new();
    if !reruns.is_empty() {
        said.push(format!(
            "{} of them at the load of an earlier one ({}): a rerun appended, not another load \
             level nor more of that one, so each level is read from its first run and the \
             rerun is left out of the report's figures; to judge a rerun instead, give it a \
             file of its own",
            reruns.len(),
            reruns.join("; ")
        ));
    }
    if !others.is_empty() {
        said.push(format!(
            "{} of them at the load of an earlier one but of another endpoint ({}): runs of \
             other endpoints one after another, not a rerun nor another load level, so each \
             level is read from its first run's endpoint and these runs are left out of the \
             report's figures; to judge each endpoint, give each its own file",
            others.len(),
            others.join("; ")
        ));
    }
    format!(
        "{} holds {total} runs, {}",
        path.shown(),
        said.join("; and ")
    )
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
    /// Every run of a console capture (`whole`, the file's text; `marks` where a run
    /// begins): the first, with the later ones as its [`ToolSummary::later_runs`].
    /// `read` reads one run from its text (the file's lines up to the run's end, those
    /// before it empty, so what it names is at the file's line) and the number of lines
    /// before it. A first run that cannot be read is the file's problem; a later one is
    /// left out, and a note says why.
    pub fn read_runs(
        path: &Path,
        whole: &str,
        marks: &RunMarks,
        read: impl Fn(&str, u64) -> Result<ToolSummary, Problem>,
    ) -> Result<ToolSummary, Problem> {
        let all = runs(whole, marks);
        let mut first = read(all[0].0, 0)?;
        if all.len() > 1 {
            first.later_runs_unread = Some(later_runs_note(path, &all, 0));
        }
        let later = (all[1..].iter())
            .map(|&(text, before)| (before + 1, read(&at_its_lines(text, before), before)));
        first.add_later_runs(path, all.len(), later);
        Ok(first)
    }

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
                        path.shown()
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
                path.shown(),
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
