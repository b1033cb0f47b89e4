//! A load run's console that headroom does not read (autocannon's table, which rounds
//! its counts: `autocannon.rs`), found beside results it does read — a team's
//! `autocannon … | tee console.txt` next to an `ab` smoke test. Such a console alone is
//! refused with advice; beside other results the report would be judged on those
//! alone, the real run's requests in none of its figures, with nothing said. So the
//! console is other data than the report's (the data incomplete), unless its run was a
//! short one apart from the report's as `smoke_runs` tells one (a smoke test or
//! warm-up: at most a third as long, no more connections, no errors). Beside
//! autocannon's own JSON it stays a console of the run read (the test run again with
//! `--json`, as its advice asks).

use std::io::Read;

use crate::model::{thousands, Run, SkipKind};

use super::autocannon::CONSOLE_REASON;
use super::smoke_runs::{duration_s, max_users, SHORT};

/// What autocannon's console says of its run: connections, requests (as rounded),
/// seconds, and whether it printed errors.
struct Console {
    connections: u32,
    requests: String,
    seconds: f64,
    errors: bool,
}

/// Judges each skipped autocannon console of `run` against the report's source.
pub(super) fn judge(run: &mut Run) {
    // autocannon's JSON beside its table: `--json` prints no table, so the table is the
    // test run again for the file headroom reads (as the table's advice asks).
    let Some(lead) = run.primary().filter(|s| s.tool != "autocannon") else {
        return;
    };
    let (long, users, tool) = (duration_s(lead), max_users(lead), lead.tool.clone());
    let skipped = run
        .skipped
        .iter_mut()
        .filter(|s| s.kind == SkipKind::NotResult && s.reason == CONSOLE_REASON);
    for s in skipped {
        let Some(c) = read_console(&s.path) else {
            continue;
        };
        let run_of = format!(
            "its run ({} requests in {:.1} s at {} connections)",
            c.requests, c.seconds, c.connections
        );
        let short = long.is_some_and(|l| c.seconds <= SHORT * l)
            && users.is_none_or(|u| c.connections <= u)
            && !c.errors;
        if short {
            s.reason = format!(
                "{CONSOLE_REASON}; {run_of} is a short run apart from {tool}'s: a smoke test \
                 or warm-up, in none of the report's figures"
            );
        } else {
            s.kind = SkipKind::OtherData;
            s.reason = format!(
                "{CONSOLE_REASON}; {run_of} is in none of the report's figures, which are \
                 {tool}'s"
            );
        }
    }
}

/// The console's figures, when the file reads as autocannon's table.
fn read_console(path: &std::path::Path) -> Option<Console> {
    let mut text = String::new();
    let file = std::fs::File::open(path).ok()?;
    file.take(64 * 1024).read_to_string(&mut text).ok()?;
    let mut c = Console {
        connections: 0,
        requests: String::new(),
        seconds: 0.0,
        errors: false,
    };
    for line in text.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        let (first, second) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        match second {
            "connections" => c.connections = first.parse().ok()?,
            "requests" if words.next() == Some("in") => {
                let secs = words.next()?.trim_end_matches(',').strip_suffix('s')?;
                c.seconds = secs.parse().ok()?;
                c.requests = match first.parse::<usize>() {
                    Ok(n) => thousands(n),
                    Err(_) => format!("≈ {first}"),
                };
            }
            "errors" => c.errors |= first != "0",
            _ => c.errors |= line.contains(" non 2xx responses"),
        }
    }
    (c.connections > 0 && c.seconds > 0.0).then_some(c)
}
