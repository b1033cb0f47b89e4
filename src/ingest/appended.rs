//! Several runs appended to one console capture (`hey … >> console.log` twice): the
//! summary readers of ab, hey, h2load and httperf read the **first** run only, as wrk's
//! reader does, and a note names the others, so that figures of two runs (one run's
//! counts, another's percentiles) are never mixed into one.
//!
//! A run begins at a line its tool prints first (`Summary:`, `This is ApacheBench`, …);
//! such a line opens a new run only once the current one has printed a line of its
//! results (`Total:`, `Complete requests:`, …), so a banner followed by its own
//! `Benchmarking …` line stays one run.

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
    // (byte offset, 1-based line) of each run after the first.
    let mut later: Vec<(usize, u64)> = Vec::new();
    let (mut offset, mut has_results) = (0usize, false);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let l = line.trim();
        if (marks.starts)(l) && has_results {
            later.push((offset, i as u64 + 1));
            has_results = false;
        } else if (marks.results)(l) {
            has_results = true;
        }
        offset += line.len();
    }
    let Some(&(end, _)) = later.first() else {
        return (text, None);
    };
    let lines: Vec<String> = later.iter().map(|(_, l)| l.to_string()).collect();
    let note = format!(
        "{} holds {} runs appended one after another; only the first is analysed (the \
         others start at line {}). Split the file (one run per run dir) to analyse them",
        path.display(),
        later.len() + 1,
        lines.join(", ")
    );
    (&text[..end], Some(note))
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
    fn a_start_line_before_any_result_stays_in_its_run() {
        let text = "Summary:\nSummary:\n  Total:\t1 secs\n";
        assert_eq!(first_run(Path::new("x"), text, &HEY).1, None);
    }
}
