//! An ab console capture cut before ab's summary ends. ab ends the summary of every run
//! of more than one complete request with its `Percentage of the requests served within
//! a certain time (ms)` table, down to its `100%` row (only `ab -d` leaves the table
//! out, ending at the `Connection Times` `Total:` row). A capture that has ab's counts
//! (`Total transferred`, which follows the failure lines) but ends before that — a copy
//! taken while ab still wrote, or off a machine that lost power, its tail zeros — holds
//! figures of a run whose end is unseen: the run is incomplete, and the reason says the
//! capture is cut and at which line.

use crate::model::untrusted::Shown;
use std::path::Path;

/// Why the capture `text` of one ab run of `complete` requests is cut before its
/// summary ends, or `None` when its summary is whole (or its file is a gzip stream
/// found cut, which says why).
pub fn cut(path: &Path, text: &str, complete: u64) -> Option<String> {
    // A cut gzip stream is said as such, the cause ([`super::adapters::gzip_cut_note`]).
    if complete <= 1 || super::adapters::gzip_cut_short(path) {
        return None;
    }
    let lines: Vec<&str> = text.lines().collect();
    let table = lines
        .iter()
        .position(|l| l.starts_with("Percentage of the requests served"));
    let whole = match table {
        Some(at) => lines[at..]
            .iter()
            .any(|l| l.trim_start().starts_with("100%")),
        // `ab -d`: the summary ends at the `Total:` row of `Connection Times`.
        None => lines
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_start().starts_with("Total:") && text.ends_with('\n')),
    };
    if whole {
        return None;
    }
    let (no, last) = lines.iter().enumerate().rev().find(|(_, l)| {
        !l.trim_matches(|c: char| c.is_whitespace() || c == '\0')
            .is_empty()
    })?;
    let shown: String = last
        .trim_end_matches(|c: char| c.is_whitespace() || c == '\0')
        .chars()
        .take(80)
        .collect();
    let padding = super::text::nul_padding(text)
        .map(|(_, bytes)| format!(" and <{bytes} NUL bytes>"))
        .unwrap_or_default();
    let missing = if table.is_some() {
        "before the `100%` row of its `Percentage of the requests served` table"
    } else {
        "before the `Percentage of the requests served` table ab prints after every run \
         of more than one request"
    };
    Some(format!(
        "{}: the capture of ab's output is cut: it ends at line {} (`{shown}`{padding}) \
         {missing}, so what ab printed after the cut is unseen and the run is incomplete; \
         keep ab's whole output (ab … > ab.txt) and analyse it again",
        path.shown(),
        no + 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "Complete requests:      100\nFailed requests:        0\n\
        Total transferred:      1000 bytes\n\nConnection Times (ms)\n\
        Total:          1    2   0.5      2       5\n";

    #[test]
    fn whole_summaries_are_not_cut() {
        let p = Path::new("ab.txt");
        let table = "\nPercentage of the requests served within a certain time (ms)\n  50%      2\n 100%      5 (longest request)\n";
        assert_eq!(cut(p, &format!("{HEAD}{table}"), 100), None);
        // `ab -d`: no table.
        assert_eq!(cut(p, HEAD, 100), None);
        // One request: no table.
        assert_eq!(
            cut(p, "Complete requests: 1\nTransfer rate: 1 [Kb", 1),
            None
        );
    }

    #[test]
    fn cut_summaries_name_their_last_line() {
        let p = Path::new("ab.txt");
        let text = format!(
            "Complete requests: 100\nFailed requests: 0\nTotal transferred: 1000 bytes\n\
             Transfer rate: 68.77 [Kby{}",
            "\0".repeat(20)
        );
        let why = cut(p, &text, 100).unwrap();
        assert!(
            why.contains("line 4 (`Transfer rate: 68.77 [Kby` and <20 NUL bytes>)"),
            "{why}"
        );
        let text = format!("{HEAD}\nPercentage of the requests served\n  50%      2\n  66%");
        let why = cut(p, &text, 100).unwrap();
        assert!(
            why.contains("line 10 (`  66%`) before the `100%` row"),
            "{why}"
        );
    }
}
