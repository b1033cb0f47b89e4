//! A tool's console output cut short: the lines a tool always prints, missing, and
//! the problem that names where the output ends, quoting that line shortened.

use std::path::Path;

use super::super::problem;
use crate::model::Problem;

/// Refuses a console summary cut short: `required` are the starts of lines (leading
/// blanks ignored) that `tool` always prints, the last of them after its counts; when
/// one is missing the output was cut (or the tool interrupted) and lines it leaves out
/// may hold the failures, so none of its figures are read. The problem is at the
/// text's last line and names the missing line.
pub fn require_lines(
    path: &Path,
    text: &str,
    tool: &str,
    required: &[&str],
) -> Result<(), Problem> {
    let has = |start: &str| text.lines().any(|l| l.trim_start().starts_with(start));
    match required.iter().find(|r| !has(r)) {
        None => Ok(()),
        Some(missing) => Err(cut_short(
            path,
            text,
            &format!("no `{missing}` line, which {tool} always prints"),
        )),
    }
}

/// The problem of a console output that ends before `what` (see [`require_lines`]):
/// at the text's last line, which it quotes (shortened).
pub fn cut_short(path: &Path, text: &str, what: &str) -> Problem {
    // The last line with text on it: an interrupted tool's blank lines after it quote
    // nothing (`(``)`).
    let (last, tail) = (text.lines().enumerate())
        .filter(|(_, l)| !l.trim().is_empty())
        .last()
        .map_or((1, String::new()), |(i, l)| {
            (i as u64 + 1, shortened(l.trim(), 40))
        });
    problem(
        path,
        Some(last),
        format!(
            "cut short: {what} — the output ends here ({}), so the run was interrupted or \
             the output cut; its figures are not read (the lines left out may hold failures)",
            crate::model::untrusted::ticked(&tail)
        ),
    )
}

/// `line`'s first `max` characters, with `…` when it holds more: a quote never passes
/// for the whole line (`(111` of `Connection refused (111)`).
pub fn shortened(line: &str, max: usize) -> String {
    match line.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}
