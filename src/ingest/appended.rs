//! Several runs appended to one console capture (`hey … >> console.log` twice): the
//! summary readers that do not read run by run ([`crate::ingest::summary::ToolSummary::read_runs`])
//! read the **first** run only, and a note names the others, so that figures of two runs (one run's
//! counts, another's percentiles) are never mixed into one.
//!
//! A run begins at a line its tool prints first (`Summary:`, `This is ApacheBench`, …);
//! such a line opens a new run only once the current one has printed a line of its
//! results (`Total:`, `Complete requests:`, …), so a banner followed by its own
//! `Benchmarking …` line stays one run. A tool that prints its start line once per run
//! (h2load) shows an interrupted run as a start line followed by another: that run is
//! left out too, and said (`first_run_with_results`).

use crate::model::untrusted::Shown;
use std::path::Path;

/// How a tool's console capture shows where a run begins and that it has results.
pub struct RunMarks {
    /// True for a line (leading blanks removed) the tool prints at a run's start.
    pub starts: fn(&str) -> bool,
    /// True for a line (leading blanks removed) of a run's results.
    pub results: fn(&str) -> bool,
}

/// The text of the first run in `text` (all of it when it holds one), and the note
/// naming the others when it holds several.
pub fn first_run<'a>(path: &Path, text: &'a str, marks: &RunMarks) -> (&'a str, Option<String>) {
    first_run_after(path, text, marks, 0)
}

/// [`first_run`] of a text whose first line is line `skipped + 1` of the file.
fn first_run_after<'a>(
    path: &Path,
    text: &'a str,
    marks: &RunMarks,
    skipped: u64,
) -> (&'a str, Option<String>) {
    let all = runs(text, marks);
    if all.len() == 1 {
        return (text, None);
    }
    (all[0].0, Some(later_runs_note(path, &all, skipped)))
}

/// The note of a text holding several runs (`all`, from [`runs`]; its first line is
/// line `skipped + 1` of the file) whose first alone is analysed.
pub fn later_runs_note(path: &Path, all: &[(&str, u64)], skipped: u64) -> String {
    let lines: Vec<String> = (all[1..].iter())
        .map(|(_, before)| (skipped + before + 1).to_string())
        .collect();
    format!(
        "{} holds {} runs appended one after another; only the first is analysed (the \
         others start at line {}). Split the file (one run per run dir) to analyse them",
        path.shown(),
        all.len(),
        lines.join(", ")
    )
}

/// Every run in `text`, in order: its text and the number of lines before it.
pub fn runs<'a>(text: &'a str, marks: &RunMarks) -> Vec<(&'a str, u64)> {
    // (byte offset, lines before) of each run.
    let mut starts: Vec<(usize, u64)> = vec![(0, 0)];
    let (mut offset, mut has_results) = (0usize, false);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let l = line.trim();
        if (marks.starts)(l) && has_results {
            starts.push((offset, i as u64));
            // A start line may be a result too (siege's JSON block opens with its
            // `"transactions"`).
            has_results = (marks.results)(l);
        } else if (marks.results)(l) {
            has_results = true;
        }
        offset += line.len();
    }
    let ends = starts.iter().skip(1).map(|s| s.0).chain([text.len()]);
    (starts.iter().zip(ends))
        .map(|(&(from, before), to)| (&text[from..to], before))
        .collect()
}

/// A later run's text as the file has it: after as many empty lines as come before
/// it, so every line a reader names (a problem, a note) is the file's line.
pub fn at_its_lines(run: &str, before: u64) -> String {
    "\n".repeat(before as usize) + run
}

/// For a tool that prints its start line once per run (h2load's `starting
/// benchmark...`): the first run in `text` that shows results, after any run that
/// started and printed none (interrupted: its requests are in no figure, and the note
/// says so), and the note naming runs after it ([`first_run`]), both in one.
pub fn first_run_with_results<'a>(
    path: &Path,
    text: &'a str,
    marks: &RunMarks,
) -> (&'a str, Option<String>) {
    // (byte offset, 1-based line) of each start line before the first results.
    let mut starts: Vec<(usize, u64)> = Vec::new();
    let mut offset = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let l = line.trim();
        if (marks.results)(l) {
            break;
        }
        if (marks.starts)(l) {
            starts.push((offset, i as u64 + 1));
        }
        offset += line.len();
    }
    let Some((&(from, line), cut)) = starts.split_last().filter(|(_, cut)| !cut.is_empty()) else {
        return first_run(path, text, marks);
    };
    let lines: Vec<String> = cut.iter().map(|(_, l)| l.to_string()).collect();
    let interrupted = format!(
        "{} holds {} run(s) that started (line {}) and printed no results — interrupted — \
         before the run analysed (from line {line}): their requests are in no figure",
        path.shown(),
        cut.len(),
        lines.join(", ")
    );
    let (run, later) = first_run_after(path, &text[from..], marks, line - 1);
    let note = match later {
        Some(later) => format!("{interrupted}; {later}"),
        None => interrupted,
    };
    (run, Some(note))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEY: RunMarks = RunMarks {
        starts: |l| l == "Summary:",
        results: |l| l.starts_with("Total:"),
    };

    #[test]
    fn one_run_is_the_whole_text() {
        let text = "Summary:\n  Total:\t1 secs\n";
        assert_eq!(first_run(Path::new("x"), text, &HEY), (text, None));
    }

    #[test]
    fn a_second_run_is_cut_off_and_named() {
        let text = "\nSummary:\n  Total:\t1 secs\n\nSummary:\n  Total:\t2 secs\n";
        let (first, note) = first_run(Path::new("x"), text, &HEY);
        assert_eq!(first, "\nSummary:\n  Total:\t1 secs\n\n");
        assert!(note.unwrap().contains("holds 2 runs"));
    }

    #[test]
    fn a_run_restarted_before_its_results_was_interrupted() {
        const H2: RunMarks = RunMarks {
            starts: |l| l.starts_with("starting benchmark"),
            results: |l| l.starts_with("requests: "),
        };
        let text = "starting benchmark...\nx\nstarting benchmark...\nrequests: 1\n";
        let (run, note) = first_run_with_results(Path::new("x"), text, &H2);
        assert_eq!(run, "starting benchmark...\nrequests: 1\n");
        assert!(note.unwrap().contains("(line 1)"));
        let one = "starting benchmark...\nrequests: 1\n";
        assert_eq!(
            first_run_with_results(Path::new("x"), one, &H2),
            (one, None)
        );
    }

    #[test]
    fn a_start_line_before_any_result_stays_in_its_run() {
        let text = "Summary:\nSummary:\n  Total:\t1 secs\n";
        assert_eq!(first_run(Path::new("x"), text, &HEY).1, None);
    }
}
