//! A TOML parser's error as one line, `line L, column C: message`. The `toml` crate's
//! own text quotes the offending line under a caret, over several lines, which an
//! error on the terminal (every newline escaped: `untrusted::printable`) would run
//! together into `\n  |\n9 | …`.

/// `e`, raised on `text`, as `line L, column C: message` (the message alone when the
/// error has no place).
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    // The message may hold lines of its own (`invalid string\nexpected `"`, `'``).
    let message = (e.message().lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let Some(span) = e.span() else {
        return message.to_string();
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_line_and_column_on_one_line() {
        let text = "a = 1\n[[task]]\nurl = \"x\"\nb = \n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        let got = toml_error(text, &e);
        assert!(got.starts_with("line 4, column "), "{got}");
        assert!(!got.contains('\n'), "{got}");
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)] // reason: only its parse error is wanted
        struct Task {
            name: String,
        }
        let e = toml::from_str::<Task>("name = \"a\"\n  url = 1\n").unwrap_err();
        let got = toml_error("name = \"a\"\n  url = 1\n", &e);
        assert!(
            got.starts_with("line 2, column 3: unknown field `url`"),
            "{got}"
        );
    }
}
