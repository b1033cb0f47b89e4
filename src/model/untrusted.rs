//! Text from the inputs (endpoint, stage and file names, error messages) on its way
//! out of headroom, where it must show as text and nothing more: on a terminal
//! ([`printable`]: control characters, line breaks and bidirectional controls escaped)
//! and in a CSV cell a spreadsheet opens ([`formula_guarded`]: OWASP's `'` before a
//! cell that would start a formula, undone by headroom's own CSV reader with
//! [`formula_unguarded`]). Every layer may use it: ingest names files on a progress
//! line, render writes reports and tables, cli prints errors.

use std::borrow::Cow;

/// A character that could rewrite what a terminal or an editor shows: a control
/// character (ESC of colour and cursor codes, a line break, C1 controls), a line or
/// paragraph separator, or a bidirectional override, isolate or mark (which reorder
/// what follows them).
pub fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{061c}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Text from the inputs as a terminal shows it: every [`unsafe_char`] escaped (`\n`,
/// `\u{1b}`, `\u{2028}`), so a name can neither break a line, forge a table row, nor
/// rewrite or reorder what the terminal shows.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path (a file found in a run dir, an output dir) as a terminal shows it: see
/// [`printable`].
pub fn printable_path(path: &std::path::Path) -> String {
    printable(&path.display().to_string()).into_owned()
}

/// `text` as a Markdown code span: `` `name` ``, or for a name holding backticks a
/// fence one longer than its longest run of them, padded with a space each side (which
/// CommonMark strips): ``` `` a`b `` ```. Every layer quotes a name or a line from the
/// inputs with it, so that a backtick of its own neither ends the span nor starts one.
pub fn ticked(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

/// A path as a sentence names it: as it is, or, when it holds a backtick (a stage dir
/// `02 pe`ak`), as a code span ([`ticked`]), so that its backtick neither opens a span
/// that the sentence's next quote closes nor closes one.
pub struct ShownPath<'a>(&'a std::path::Path);

impl std::fmt::Display for ShownPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0.display().to_string();
        if text.contains('`') {
            f.write_str(&ticked(&text))
        } else {
            f.write_str(&text)
        }
    }
}

/// [`ShownPath`] of `path` (as [`Shown::shown`]).
pub fn shown(path: &std::path::Path) -> ShownPath<'_> {
    ShownPath(path)
}

/// [`ShownPath`] of a path: `path.shown()` where a sentence would use `path.display()`.
pub trait Shown {
    fn shown(&self) -> ShownPath<'_>;
}

impl Shown for std::path::Path {
    fn shown(&self) -> ShownPath<'_> {
        ShownPath(self)
    }
}

/// The first characters with which a spreadsheet reads a cell as a formula (OWASP's
/// CSV injection list).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// True when `text`, after any leading `'`s, starts a formula.
fn starts_formula(text: &str) -> bool {
    (text.trim_start_matches('\'').chars().next()).is_some_and(|c| FORMULA_START.contains(&c))
}

/// A text cell as a CSV export writes it: one `'` before a cell that would start a
/// formula (`=HYPERLINK(…)`, `+1`, `-2`, `@SUM`), so a spreadsheet shows it as text;
/// also before one that starts with `'`s and then such a character, so that
/// [`formula_unguarded`] gives every cell back as it was.
pub fn formula_guarded(text: &str) -> Cow<'_, str> {
    if starts_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A text cell as [`formula_guarded`] had it: one leading `'` dropped from a cell
/// that starts a formula after its `'`s. A name of the user's own CSV that starts so
/// (`'=x`) loses that `'`; any other name is kept as written.
pub fn formula_unguarded(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if starts_formula(rest) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_with_a_backtick_is_shown_as_one_code_span() {
        use std::path::Path;
        assert_eq!(Path::new("r/02_peak").shown().to_string(), "r/02_peak");
        assert_eq!(
            Path::new("r/02 pe`ak").shown().to_string(),
            "`` r/02 pe`ak ``"
        );
    }

    #[test]
    fn escapes_what_rewrites_a_terminal() {
        assert_eq!(printable("/a\u{1b}[2Jb"), "/a\\u{1b}[2Jb");
        assert_eq!(printable("/a\u{2028}b\u{200f}"), "/a\\u{2028}b\\u{200f}");
        assert_eq!(printable("/a\nb\tc\u{9b}"), "/a\\nb\\tc\\u{9b}");
        assert!(matches!(printable("/é ✓ 名"), Cow::Borrowed(_)));
    }

    #[test]
    fn formula_cells_round_trip() {
        for (name, written) in [
            ("=1+2", "'=1+2"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("'=x", "''=x"),
            ("'quoted'", "'quoted'"),
            ("/api", "/api"),
            ("GET /a=b", "GET /a=b"),
            ("", ""),
        ] {
            assert_eq!(formula_guarded(name), written, "{name}");
            assert_eq!(formula_unguarded(written), name, "{name}");
        }
    }
}
