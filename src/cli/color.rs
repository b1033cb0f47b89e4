//! Whether terminal output carries ANSI colour: `--color auto|always|never` (a global
//! flag) and the `NO_COLOR` convention (<https://no-color.org>). The flag beats the
//! environment: `--color always` colours even with `NO_COLOR` set; under `auto` (the
//! default) a non-empty `NO_COLOR` turns colour off, otherwise a terminal turns it on.

use std::io::IsTerminal;
use std::sync::OnceLock;

use clap::ValueEnum;

/// The `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    /// Always colour (even with `NO_COLOR` set, or into a pipe).
    Always,
    /// Never colour.
    Never,
}

static CHOICE: OnceLock<ColorChoice> = OnceLock::new();

/// Records the command line's choice (once, before any output).
pub fn init(choice: ColorChoice) {
    let _ = CHOICE.set(choice);
}

/// Whether standard output is coloured.
pub fn stdout() -> bool {
    decide(std::io::stdout().is_terminal())
}

/// Whether standard error is coloured.
pub fn stderr() -> bool {
    decide(std::io::stderr().is_terminal())
}

fn decide(terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    resolve(
        CHOICE.get().copied().unwrap_or_default(),
        no_color,
        terminal,
    )
}

/// The rule itself: the flag first, then `NO_COLOR`, then the terminal test.
fn resolve(choice: ColorChoice, no_color: bool, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && terminal,
    }
}

/// `text` wrapped in the SGR `code` (e.g. `1;31`) when `on`, else unchanged.
pub fn paint(on: bool, code: &str, text: &str) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_env_and_auto_needs_a_terminal() {
        assert!(resolve(ColorChoice::Always, true, false));
        assert!(!resolve(ColorChoice::Never, false, true));
        assert!(!resolve(ColorChoice::Auto, true, true));
        assert!(resolve(ColorChoice::Auto, false, true));
        assert!(!resolve(ColorChoice::Auto, false, false));
    }
}
