//! Runs of a wrk log that measured nothing, so that a load level a shell loop ran
//! (`for c in 8 16 32 64; do wrk -c$c …; done | tee steps.txt`) never vanishes from the
//! report unsaid: a run that could not reach the target (`unable to connect to
//! HOST:PORT Connection refused`, `unable to resolve …`: wrk prints that line alone,
//! to stderr, and exits before any `Running …` line) and a run the log ends in the
//! middle of (Ctrl-C on the pipe, a lost session: `Running …` without its results).
//! Each is a load level the report's figures leave out, which makes them incomplete:
//! the levels read can pass while the one that was not measured is the one the target
//! failed at.

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

/// The `unable to connect to …` / `unable to resolve …` lines of `text` (wrk's
/// `script_resolve` and `connect` failures), as `line N: what wrk printed`.
fn unreached(text: &str) -> Vec<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^\s*unable to (?:connect to|resolve) \S+.*$").expect("static regex")
    });
    (text.lines().enumerate())
        .filter(|(_, l)| re.is_match(l))
        .map(|(i, l)| {
            format!(
                "line {}: {}",
                i + 1,
                crate::model::untrusted::ticked(l.trim())
            )
        })
        .collect()
}

/// What the report says of the runs in `text` that measured nothing: those that could
/// not reach the target, and those cut off (`cut`: the 1-based lines of their
/// `Running …`); None when every run printed its results.
pub fn left_out(path: &Path, text: &str, cut: &[u64]) -> Option<String> {
    let mut said = Vec::new();
    let unreached = unreached(text);
    if !unreached.is_empty() {
        said.push(format!(
            "{} holds {} wrk run(s) that could not reach the target ({}): wrk stops before \
             sending a request, so each is a load level that measured nothing (the target \
             was down or unreachable then) and is in no figure; re-run those levels",
            path.shown(),
            unreached.len(),
            unreached.join("; ")
        ));
    }
    if !cut.is_empty() {
        let lines: Vec<String> = cut.iter().map(u64::to_string).collect();
        said.push(format!(
            "{}: the run(s) at line {} end before wrk's closing `Requests/sec:`/`Transfer/sec:` \
             lines (cut short or interrupted): their load level is in no figure; re-run it",
            path.shown(),
            lines.join(", ")
        ));
    }
    (!said.is_empty()).then(|| said.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_connection_and_a_cut_run_are_said() {
        let text = "== c=16\nunable to connect to 127.0.0.1:18450 Connection refused\n";
        let note = left_out(Path::new("x"), text, &[9]).unwrap();
        assert!(
            note.contains("line 2: `unable to connect to 127.0.0.1:18450"),
            "{note}"
        );
        assert!(note.contains("the run(s) at line 9"), "{note}");
        assert_eq!(left_out(Path::new("x"), "Running 1s test @ u\n", &[]), None);
    }
}
