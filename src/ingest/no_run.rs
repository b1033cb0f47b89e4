//! A load tool's console that holds no run: the tool refused its command line — its
//! usage text (`Usage: wrk <options> <url>` under `wrk: unrecognized option
//! '--latncy'`, hey's `flag provided but not defined: -bogus`, ab's `ab: wrong number
//! of arguments`), or the one error line it exits on without it (`httperf: illegal
//! request rate x`, `locust: error: unrecognized arguments: --bogus`, h2load's `no URI
//! or input file given` or `--rate-period: value error 0.5`, autocannon's `The string
//! [x] could not be parsed by timestring`) — or wrk could not reach the target and
//! exited before its run
//! (`unable to connect to 127.0.0.1:8081 Connection refused`, alone in the file: a
//! wrong port, a server down). Teed into a stage dir it is the stage's only file:
//! named as what it is — which tool, the line it printed, that nothing was sent — the
//! user fixes the command or the target instead of looking for a run that crashed or a
//! capture that was lost. Locust stopping on its locustfile before the run (a Python
//! traceback leading the console) is named the same way, at the traceback's error.
//! Beside the dir's results (a rerun, another tool) it is a failed attempt, skipped
//! with that reason.

use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use crate::model::untrusted::ticked;

/// The tools whose usage or error text a user tees into a stage dir.
const TOOLS: &str = "wrk|hey|ab|siege|h2load|httperf|autocannon|locust";

/// How many lines with text the refusal must show itself in: a tool's usage or error
/// leads its output; a line deep in another console is that console's.
const LEAD_LINES: usize = 4;

/// A console without a run: the 1-based line that says why, what happened (`wrk
/// refused its command line and ran nothing: it printed …, so no request was sent`)
/// and what to do about it.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub line: u64,
    pub said: String,
    pub fix: &'static str,
}

impl Refusal {
    /// Why the file, alone in its dir, is a problem: its load level is in no figure.
    pub fn problem(&self) -> String {
        format!(
            "{}: the load level this file was for is in no figure; {}",
            self.said, self.fix
        )
    }

    /// Why the file, beside the dir's results, is skipped.
    pub fn skipped(&self) -> String {
        format!(
            "{}: an attempt that measured nothing, not read (the dir's other results are)",
            self.said
        )
    }
}

/// What to do about a refused command line.
const FIX_COMMAND: &str =
    "fix the command (the option or value the quoted line names) and re-run it";

/// wrk's `unable to connect to HOST:PORT …` / `unable to resolve HOST:PORT …`, printed
/// alone before it exits (see `wrk_unrun.rs` for such lines among runs).
fn unreached_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^unable to (?:connect to|resolve) \S+").expect("static regex"))
}

/// `Usage: wrk <options> <url>`, `usage: locust [options]`: the tool is the capture.
fn usage_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(r"(?i)^usage:\s+(?:\S*/)?({TOOLS})\b")).expect("static regex")
    })
}

/// `wrk: unrecognized option '--x'`, `httperf: illegal request rate x`,
/// `locust: error: …`: the tool naming itself in its error.
fn tool_error_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(&format!(r"^({TOOLS}): \S")).expect("static regex"))
}

/// The error lines of a tool that does not name itself in them, with that tool.
fn unnamed_error(line: &str) -> Option<&'static str> {
    static RE: OnceLock<[(Regex, &str); 4]> = OnceLock::new();
    let known = RE.get_or_init(|| {
        let re = |r: &str| Regex::new(r).expect("static regex");
        [
            (re(r"^no URI or input file given$"), "h2load"),
            // h2load's option checks: `-n: bad option value: x`,
            // `-n, -c: the number of requests must be …`, `--rate-period: value error 0.5`.
            (
                re(r"^--?[a-zA-Z][a-zA-Z-]*(?:, --?[a-zA-Z][a-zA-Z-]*)*: \S"),
                "h2load",
            ),
            (re(r"could not be parsed by timestring$"), "autocannon"),
            (
                re(r"^Could not find '.*'\. Ensure your locustfile ends with"),
                "locust",
            ),
        ]
    });
    known
        .iter()
        .find(|(re, _)| re.is_match(line))
        .map(|(_, t)| *t)
}

/// A version banner above a usage text (`SIEGE 4.0.7`): not why the tool stopped.
fn banner(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let tool = words.next().unwrap_or("");
    let version = words.next().unwrap_or("");
    words.next().is_none()
        && TOOLS.split('|').any(|t| t.eq_ignore_ascii_case(tool))
        && version.starts_with(|c: char| c.is_ascii_digit())
}

/// What to do about a locustfile Locust stopped on.
const FIX_LOCUSTFILE: &str = "fix the locustfile (the error the quoted line names) and re-run it";

/// A Python traceback leading the console, through Locust's own code or a locustfile
/// (`File ".../locust/main.py"`): Locust stopped before its run on the error the
/// traceback ends with (a locustfile that does not import, a task it refuses), quoted
/// at its line. Of a chain of tracebacks ("During handling of the above exception"),
/// the last one's error is the one that stopped it.
fn locust_traceback(text: &str) -> Option<Refusal> {
    const HEAD: &str = "Traceback (most recent call last):";
    let chained = |l: &str| {
        l.starts_with("During handling of the above exception")
            || l.starts_with("The above exception was the direct cause")
    };
    let lines: Vec<(u64, &str)> = (text.lines().enumerate())
        .map(|(i, l)| (i as u64 + 1, l))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    if lines.first().map(|(_, l)| l.trim()) != Some(HEAD) {
        return None;
    }
    let mut through_locust = false;
    let mut rest = lines.iter().skip(1).peekable();
    while let Some(&(no, line)) = rest.next() {
        if line.starts_with(char::is_whitespace) {
            let frame = line.trim_start();
            through_locust |= frame.starts_with("File ") && frame.contains("locust");
            continue;
        }
        if line == HEAD || chained(line) {
            continue;
        }
        // The error line of one traceback: the last, unless another is chained to it.
        let next = rest.peek().map(|(_, l)| *l);
        if next.is_some_and(|l| l == HEAD || chained(l)) {
            continue;
        }
        return through_locust.then(|| Refusal {
            line: no,
            said: format!(
                "locust stopped on an error before its run: it printed {} at the end of a \
                 Python traceback, so no request was sent",
                ticked(line.trim())
            ),
            fix: FIX_LOCUSTFILE,
        });
    }
    None
}

/// The refusal `text` (a console's head) holds, if its leading lines are one; colour
/// codes (siege's `[alert]` tag) are no part of the line quoted.
pub fn refusal(text: &str) -> Option<Refusal> {
    let text = super::text::without_ansi(text);
    if let Some(stopped) = locust_traceback(&text) {
        return Some(stopped);
    }
    let lines: Vec<(u64, &str)> = (text.lines().enumerate())
        .map(|(i, l)| (i as u64 + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .take(LEAD_LINES)
        .collect();
    for (at, &(no, line)) in lines.iter().enumerate() {
        if let Some(c) = usage_re().captures(line) {
            let tool = c[1].to_ascii_lowercase();
            let said = lines[..at].iter().rev().find(|(_, l)| !banner(l));
            let why = match said {
                Some((_, said)) => format!("it printed {} and its usage text", ticked(said)),
                None => "it printed its usage text without saying why (run without a URL, \
                         with `--help`, or with a value it could not parse)"
                    .to_string(),
            };
            return Some(Refusal {
                line: said.map_or(no, |(n, _)| *n),
                said: format!(
                    "{tool} refused its command line and ran nothing: {why}, so no request \
                     was sent"
                ),
                fix: FIX_COMMAND,
            });
        }
    }
    if let [(no, line)] = lines.as_slice() {
        if unreached_re().is_match(line) {
            return Some(Refusal {
                line: *no,
                said: format!(
                    "wrk could not reach the target and exited before its run: it printed {}, \
                     so no request was sent",
                    ticked(line)
                ),
                fix: "check the URL and port and that the server is up, then re-run it",
            });
        }
    }
    let (no, line, tool) = lines.iter().find_map(|&(no, line)| {
        let named = tool_error_re().captures(line).map(|c| c[1].to_string());
        named
            .or_else(|| unnamed_error(line).map(str::to_string))
            .map(|tool| (no, line, tool))
    })?;
    Some(Refusal {
        line: no,
        said: format!(
            "{tool} refused its command line and ran nothing: it printed {} and exited, so \
             no request was sent",
            ticked(line)
        ),
        fix: FIX_COMMAND,
    })
}

/// The refusal the file at `path` holds, if any (unreadable files hold none).
pub fn refused_in(path: &Path) -> Option<Refusal> {
    let head = super::text::read_head(path).ok()?;
    refusal(&super::text::normalize(&head))
}

/// True when a file of `dir` holds no run (see [`refusal`]): that file's own problem
/// says why the stage dir holds no result.
pub fn in_dir(dir: &Path) -> bool {
    let files = (std::fs::read_dir(dir).into_iter().flatten().flatten()).map(|e| e.path());
    files.filter(|p| p.is_file()).any(|p| {
        let Ok(head) = super::text::read_head(&p) else {
            return false;
        };
        super::detect_format(&p, &head) == super::Detection::Unknown
            && refusal(&super::text::normalize(&head)).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_usage_text_is_quoted_at_the_line_above_it() {
        let wrk = "wrk: unrecognized option '--latncy'\nUsage: wrk <options> <url>\n  Options:\n";
        let r = refusal(wrk).unwrap();
        assert_eq!(r.line, 1);
        assert!(r.said.starts_with("wrk refused"), "{}", r.said);
        assert!(r.said.contains("`wrk: unrecognized option '--latncy'`"));
        let siege = "SIEGE 4.0.7\nUsage: siege [options]\n";
        let r = refusal(siege).unwrap();
        assert_eq!(r.line, 2);
        assert!(r.said.contains("without saying why"), "{}", r.said);
    }

    #[test]
    fn an_error_line_alone_names_its_tool() {
        let r = refusal("no URI or input file given\n").unwrap();
        assert!(r.said.starts_with("h2load refused"), "{}", r.said);
        let r = refusal("$ h2load -c 2 --rate-period 0.5 URL\n--rate-period: value error 0.5\n");
        assert!(r.unwrap().said.starts_with("h2load refused"));
        let r = refusal("httperf: illegal request rate x\n").unwrap();
        assert!(r.said.starts_with("httperf refused"), "{}", r.said);
        let r = refusal("x`y: bad\n");
        assert_eq!(r, None);
    }

    #[test]
    fn a_quote_holding_backticks_keeps_its_span() {
        let r = refusal("ab: invalid URL `x`\nUsage: ab [options]\n").unwrap();
        assert!(r.said.contains("`` ab: invalid URL `x` ``"), "{}", r.said);
    }

    #[test]
    fn a_coloured_tag_is_no_part_of_the_quote() {
        let siege = "[\x1b[1;32malert\x1b[0m] unable to open file: u.txt\nSIEGE 4.0.7\n\
                     Usage: siege [options]\n";
        let r = refusal(siege).unwrap();
        assert!(
            r.said.contains("`[alert] unable to open file: u.txt`"),
            "{}",
            r.said
        );
    }

    #[test]
    fn a_lone_unreached_target_is_no_run() {
        let r = refusal("unable to connect to 127.0.0.1:9 Connection refused\n").unwrap();
        assert!(r.said.starts_with("wrk could not reach"), "{}", r.said);
        assert!(r.problem().contains("check the URL and port"));
    }

    #[test]
    fn a_locust_traceback_is_quoted_at_its_error() {
        let text = "Traceback (most recent call last):\n  File \"/v/bin/locust\", line 8, in \
                    <module>\n    sys.exit(main())\nKeyError: 'x'\n\nDuring handling of the \
                    above exception, another exception occurred:\n\nTraceback (most recent \
                    call last):\n  File \"/r/locustfile.py\", line 9, in Api\nException: \
                    User.run() is a method used internally by Locust\nexit 1\n";
        let r = refusal(text).unwrap();
        assert_eq!(r.line, 10);
        assert!(
            r.said.starts_with("locust stopped on an error"),
            "{}",
            r.said
        );
        assert!(
            r.said.contains("`Exception: User.run() is a method"),
            "{}",
            r.said
        );
        let other = "Traceback (most recent call last):\n  File \"/a/b.py\"\nValueError: x\n";
        assert_eq!(refusal(other), None);
    }

    #[test]
    fn a_console_that_ran_is_no_refusal() {
        let wrk = "Running 3s test @ http://h/\n  2 threads\n  Latency 1ms\n  x\nUsage: wrk\n";
        assert_eq!(refusal(wrk), None);
    }
}
