//! hey's users and planned amount from its command line. hey's summary prints neither
//! `-c`, `-n`, `-z` nor the URL, but a user often keeps the command: echoed above the
//! summary or saved beside it (found as `tool_command.rs` says). Its `-c` (hey's default
//! 50 when absent) is the run's users; its `-z` (a length) or else `-n` (hey's default
//! 200) is what the run was started for. With `-q` (a rate limit per worker) the run
//! was paced: its planned rate is `-q` × `-c` req/s, and its workers only cap what is
//! in flight.

use std::path::Path;

use super::k6::console::duration_ms;
use super::planned::STOPPED_EARLY;
use super::tool_command::{self, Tool};

/// hey's own default for `-c`.
const DEFAULT_WORKERS: u32 = 50;

/// hey's own default for `-n`.
const DEFAULT_REQUESTS: u64 = 200;

/// How hey's command lines and summaries are recognised.
pub const HEY: Tool = Tool {
    programs: &["hey"],
    sniff: super::hey_text::sniff,
    url_from: &[],
};

/// What a hey run was started for.
#[derive(Debug, PartialEq)]
pub enum Planned {
    /// `-n`: this many requests in all (hey splits them among its `-c` workers, each
    /// sending `n / c`).
    Requests(u64),
    /// `-z`: this long, in seconds (it overrides `-n`).
    Seconds(f64),
}

/// A hey command line: its users and what it was started for, and where it comes from.
pub struct Command {
    pub users: u32,
    /// `-q` × `-c`: the planned rate of a paced run, req/s.
    pub rate: Option<f64>,
    pub planned: Option<Planned>,
    pub from: String,
    /// The URL it requested and its method when `-m` gives one (hey's default: GET).
    pub url: Option<(Option<String>, String)>,
}

/// What a hey run left: its text summary, or its CSV (`-o csv`). Both are written
/// also when hey is stopped with Ctrl-C.
#[derive(Clone, Copy)]
pub enum Output {
    Summary,
    Csv,
}

/// The command line of the summary at `path` whose text before `Summary:` is `preface`.
pub fn command(path: &Path, preface: &str) -> Option<Command> {
    command_of(&HEY, path, preface)
}

/// The command line of `tool`'s output at `path` (see [`command`]).
fn command_of(tool: &Tool, path: &Path, preface: &str) -> Option<Command> {
    let (line, from) = tool_command::find(tool, path, preface)?;
    let args = tool_command::args(tool, &line)?;
    let users = workers(&args)?;
    let url = (args.iter().rev())
        .find(|a| a.contains("://"))
        .map(|u| u.trim_matches(|c| c == '"' || c == '\'').to_string());
    let method = tool_command::flag(&args, "m", None).map(str::to_ascii_uppercase);
    let q = match tool_command::flag(&args, "q", None) {
        Some(v) => Some(v.parse::<f64>().ok()?),
        None => None,
    };
    Some(Command {
        users,
        // hey's `-q 0` (its default) is no limit.
        rate: q
            .filter(|q| *q > 0.0 && q.is_finite())
            .map(|q| q * f64::from(users)),
        planned: planned(&args, users),
        from,
        url: url.map(|u| (method, u)),
    })
}

/// Why a hey run whose `output` holds `requests` in `ran_s` seconds did far less than
/// its command line started it for (below [`STOPPED_EARLY`] of its `-n`, or of its
/// `-z` length), or `None`. hey writes its normal output also when stopped with
/// Ctrl-C, so only the command line tells an interrupted run from a finished one.
pub fn stopped_early(
    path: &Path,
    cmd: &Command,
    output: Output,
    requests: u64,
    ran_s: Option<f64>,
) -> Option<String> {
    let (holds, wrote) = match output {
        Output::Summary => ("sent", "prints its summary"),
        Output::Csv => ("its CSV holds", "writes its CSV"),
    };
    let (asked, did, share) = match cmd.planned.as_ref()? {
        Planned::Requests(n) if (requests as f64) < STOPPED_EARLY * *n as f64 => (
            format!("{n} requests"),
            format!("{holds} {requests}"),
            requests as f64 / *n as f64,
        ),
        Planned::Seconds(z) => {
            let ran = ran_s.filter(|r| *r < STOPPED_EARLY * z)?;
            (format!("{z} s"), format!("ran {ran:.2} s"), ran / z)
        }
        Planned::Requests(_) => return None,
    };
    Some(super::planned::stopped_writing(
        ("hey", wrote),
        path,
        &asked,
        &cmd.from,
        &did,
        share,
    ))
}

/// The command line echoed above the hey CSV at `path` (`preamble.rs`) or saved
/// beside it (see [`command`]).
pub fn csv_command(path: &Path) -> Option<Command> {
    command_of(&HEY_CSV, path, &super::preamble::text(path))
}

/// How hey's CSV (`-o csv`) is recognised, for a command saved beside one.
const HEY_CSV: Tool = Tool {
    programs: &["hey"],
    sniff: super::hey::sniff,
    url_from: &[],
};

/// Why the hey CSV at `path`, holding `rows` answered requests of which the last ended
/// `ran_s` after the start, holds far less than the command saved beside it started
/// hey for (as [`stopped_early`] judges), or `None` (no such command, or no shortfall).
/// hey writes its CSV also when stopped with Ctrl-C, and leaves out every request that
/// got no answer: the missing ones were never sent, or never answered.
pub fn csv_stopped_early(
    cmd: &Command,
    path: &Path,
    rows: u64,
    ran_s: Option<f64>,
) -> Option<String> {
    let why = stopped_early(path, cmd, Output::Csv, rows, ran_s)?;
    Some(format!(
        "{why} (or the target stopped answering: hey's CSV leaves out the requests that got \
         no answer)"
    ))
}

/// `-c N` of a hey command line; hey's default when it has none.
fn workers(args: &[&str]) -> Option<u32> {
    match tool_command::flag(args, "c", None) {
        Some(v) => v.parse().ok().filter(|c| *c > 0),
        None => Some(DEFAULT_WORKERS),
    }
}

/// What the command line started hey for: `-z` (a Go duration), else `-n` rounded down
/// to a multiple of the workers as hey sends it. `None` when a value is unreadable.
fn planned(args: &[&str], users: u32) -> Option<Planned> {
    if let Some(z) = tool_command::flag(args, "z", None) {
        // A Go duration (`30s`, `1m30s`), as k6 prints them.
        return duration_ms(z).map(|ms| Planned::Seconds(ms / 1000.0));
    }
    let n = match tool_command::flag(args, "n", None) {
        Some(v) => v.parse().ok()?,
        None => DEFAULT_REQUESTS,
    };
    Some(Planned::Requests(n / u64::from(users) * u64::from(users)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<&str> {
        tool_command::args(&HEY, line).unwrap()
    }

    #[test]
    fn workers_and_plans_from_command_lines() {
        assert_eq!(workers(&args("$ hey -n 2000 -c 25 http://x/api")), Some(25));
        assert_eq!(
            workers(&args("+ /usr/local/bin/hey -c=8 -z 30s http://x")),
            Some(8)
        );
        assert_eq!(workers(&args("hey -n 100 http://x/")), Some(50));
        assert_eq!(workers(&args("hey -c 0 http://x/")), None);
        assert_eq!(workers(&args("hey -cpus 2 -c 7 http://x/")), Some(7));
        assert_eq!(
            planned(&args("hey -n 1000 -c 30 http://x/"), 30),
            Some(Planned::Requests(990))
        );
        assert_eq!(
            planned(&args("hey -n 10 -z 1m30s http://x/"), 50),
            Some(Planned::Seconds(90.0))
        );
        assert_eq!(
            planned(&args("hey http://x/"), 50),
            Some(Planned::Requests(200))
        );
        assert_eq!(
            planned(&args("hey -z 500ms http://x/"), 50),
            Some(Planned::Seconds(0.5))
        );
        assert_eq!(planned(&args("hey -z 10x http://x/"), 50), None);
    }
}
