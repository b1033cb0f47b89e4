//! autocannon's pacing from its command line. Neither its `--json` result nor its
//! console says whether the run was paced, but a user often keeps the command: echoed
//! above the console or saved beside the result (found as `tool_command.rs` says).
//!
//! * `-r`/`--connectionRate N` paces each connection at N req/s: the plan is N ×
//!   `-c`/`--connections` (autocannon's default 10) req/s. It wins over `-R` when both
//!   are given, as autocannon says in its help.
//! * `-R`/`--overallRate N` paces the whole run at N req/s.
//!
//! Either way the run was an open model: its connections only cap what is in flight,
//! so they are no users.

use crate::model::untrusted::Shown;
use std::path::Path;

use super::summary::ToolSummary;
use super::tool_command::{self, Tool};

/// autocannon's own default for `-c`.
const DEFAULT_CONNECTIONS: u32 = 10;

/// How autocannon's command lines and outputs are recognised.
const AUTOCANNON: Tool = Tool {
    programs: &["autocannon"],
    sniff: |h| super::autocannon::sniff(h) || super::autocannon::looks_like_console(h),
    url_from: &[],
};

/// A paced autocannon run's planned rate, read from its command line.
#[derive(Debug, PartialEq)]
pub struct Paced {
    /// The planned rate of the whole run, req/s.
    pub rate_rps: f64,
    /// How the command line gives it (`-r 20 per connection × 10 connections (-c)`).
    pub how: String,
    /// Where the command line comes from.
    pub from: String,
}

/// The planned rate of the autocannon output at `path` (`preface`: its text before the
/// output) when its command line paces it, or `None` (no command line found, or an
/// unpaced run).
pub fn paced(path: &Path, preface: &str) -> Option<Paced> {
    let (line, from) = tool_command::find(&AUTOCANNON, path, preface)?;
    let args = tool_command::args(&AUTOCANNON, &line)?;
    let positive = |v: &str| v.parse::<f64>().ok().filter(|r| *r > 0.0 && r.is_finite());
    let per_connection = tool_command::flag(&args, "r", Some("connectionRate")).map(positive);
    let overall = tool_command::flag(&args, "R", Some("overallRate")).map(positive);
    let (rate_rps, how) = match (per_connection, overall) {
        // A rate given but not a positive number: the plan is unknown.
        (Some(None), _) | (None, Some(None)) => return None,
        (Some(Some(r)), _) => {
            let c = match tool_command::flag(&args, "c", Some("connections")) {
                Some(c) => c.parse::<u32>().ok().filter(|c| *c > 0)?,
                None => DEFAULT_CONNECTIONS,
            };
            let how = format!("-r {r} req/s per connection × {c} connections (-c)");
            (r * f64::from(c), how)
        }
        (None, Some(Some(r))) => (r, format!("-R {r} req/s overall")),
        (None, None) => return None,
    };
    Some(Paced {
        rate_rps,
        how,
        from,
    })
}

/// Sets `s`'s planned rate from the command line of the autocannon output at `path`
/// (`preface`: its text before the output) when it paced the run, with a note: its
/// connections are then no users.
pub fn apply(path: &Path, preface: &str, s: &mut ToolSummary) {
    let Some(p) = paced(path, preface) else {
        return;
    };
    s.notes.push(format!(
        "{}: autocannon was paced at a planned {} req/s ({}), read from {}: its connections \
         only cap what is in flight, so they are no users",
        path.shown(),
        p.rate_rps,
        p.how,
        p.from
    ));
    s.arrival_rate_rps = Some(p.rate_rps);
    s.users = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(line: &str) -> Option<f64> {
        paced(Path::new("/nonexistent/result.json"), line).map(|p| p.rate_rps)
    }

    #[test]
    fn rates() {
        assert_eq!(rate("$ autocannon -c 10 -r 20 http://x/"), Some(200.0));
        assert_eq!(rate("autocannon -r 20 http://x/"), Some(200.0));
        assert_eq!(
            rate("autocannon --connections=4 --connectionRate 5 http://x/"),
            Some(20.0)
        );
        assert_eq!(rate("autocannon -c 50 -R 300 http://x/"), Some(300.0));
        assert_eq!(rate("autocannon -c 2 -r 10 -R 300 http://x/"), Some(20.0));
        assert_eq!(rate("autocannon -c 50 -d 10 http://x/"), None);
        assert_eq!(rate("autocannon -c 50 -D 3 http://x/"), None);
        assert_eq!(rate("autocannon -c 50 -R 0 http://x/"), None);
    }
}
