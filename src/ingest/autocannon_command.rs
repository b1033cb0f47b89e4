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
//! so they are no users. A paced run's latencies are corrected for coordinated
//! omission unless `-C`/`--ignoreCoordinatedOmission` is given: autocannon records
//! each 2xx answer with `recordValueWithExpectedInterval`, which adds samples for a
//! slow one, so its percentiles and mean cover more samples than it had answers.
//!
//! * `-m`/`--method` names the method of every request: the endpoint is `POST URL`.
//!   A body (`-b`/`--body`, `-i`/`--input`) without `-m` is sent with autocannon's
//!   default method, GET (seen here with autocannon 7 against a server logging
//!   methods): the endpoint is `GET URL`, with a note, since a body suggests a POST that
//!   was not sent. Without either, nothing says the method and the endpoint is the URL.
//! * `-t`/`--timeout N` is the request timeout in seconds (autocannon's default 10 when
//!   the command line gives none): a request that timed out waited at least that long,
//!   the floor the SLA judges its timed-out requests by (`EndpointStats::timeout_ms`),
//!   even when every request timed out and no latency was measured. Without a command
//!   line the timeout is unknown (it may have been set lower).

use crate::model::untrusted::Shown;
use std::path::Path;

use super::summary::ToolSummary;
use super::tool_command::{self, Tool};
use crate::model::{FailureKind, LatencyDistribution};

/// autocannon's own default for `-c`.
const DEFAULT_CONNECTIONS: u32 = 10;

/// autocannon's own default for `-t`, s.
const DEFAULT_TIMEOUT_S: f64 = 10.0;

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
    /// False when `-C`/`--ignoreCoordinatedOmission` turned autocannon's correction of
    /// paced latencies off.
    pub corrected: bool,
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
    let corrected = !(args.iter()).any(|a| matches!(*a, "-C" | "--ignoreCoordinatedOmission"));
    Some(Paced {
        rate_rps,
        how,
        from,
        corrected,
    })
}

/// Gives the endpoints of the autocannon output at `path` (`preface`: its text before
/// the output) the method its command line sent them with (`-m`, or GET for a body
/// without `-m`), with a note saying where it comes from. Nothing when no command line
/// is found or it says no method.
pub fn name_method(path: &Path, preface: &str, s: &mut ToolSummary) {
    let Some((line, from)) = tool_command::find(&AUTOCANNON, path, preface) else {
        return;
    };
    let Some(args) = tool_command::args(&AUTOCANNON, &line) else {
        return;
    };
    let given = tool_command::flag(&args, "m", Some("method"));
    let method = match given {
        Some(m) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic()) => {
            m.to_ascii_uppercase()
        }
        Some(_) => return,
        None => {
            let body = ["b", "i"]
                .iter()
                .zip(["body", "input"])
                .find_map(|(short, long)| {
                    tool_command::flag(&args, short, Some(long)).map(|_| format!("-{short}"))
                });
            let Some(body) = body else {
                return;
            };
            s.notes.push(format!(
                "{}: autocannon's command line gives a body ({body}) but no -m: autocannon \
                 sends it with its default method, GET, not POST (add -m POST if a POST was \
                 meant); read from {from}",
                path.shown()
            ));
            "GET".to_string()
        }
    };
    for ep in &mut s.endpoints {
        ep.key.method = Some(method.clone());
    }
    if given.is_some() {
        s.notes.push(format!(
            "{}: autocannon sent every request as {method} (-m), read from {from}",
            path.shown()
        ));
    }
}

/// Gives the endpoints of the autocannon output at `path` (`preface`: its text before
/// the output) the request timeout its command line ran with (`-t`, else autocannon's
/// default 10 s), with a note when some request timed out. Nothing when no command line
/// is found, or its `-t` is no positive number of seconds.
pub fn timeout(path: &Path, preface: &str, s: &mut ToolSummary) {
    let Some((line, from)) = tool_command::find(&AUTOCANNON, path, preface) else {
        return;
    };
    let Some(args) = tool_command::args(&AUTOCANNON, &line) else {
        return;
    };
    let (timeout_s, how) = match tool_command::flag(&args, "t", Some("timeout")) {
        Some(t) => match t.parse::<f64>() {
            Ok(t) if t > 0.0 && t.is_finite() => (t, format!("-t {t}")),
            _ => return,
        },
        None => (
            DEFAULT_TIMEOUT_S,
            "autocannon's default, no -t given".to_string(),
        ),
    };
    let mut timed_out = 0;
    for ep in &mut s.endpoints {
        ep.timeout_ms = Some(timeout_s * 1000.0);
        timed_out += (ep.failures_by_kind.get(&FailureKind::Timeout)).map_or(0, |n| *n);
    }
    if timed_out > 0 {
        s.notes.push(format!(
            "{}: autocannon's request timeout was {timeout_s} s ({how}), read from {from}: \
             each of its {timed_out} timed-out requests waited at least that long, which \
             bounds the latency percentiles over all requests from below",
            path.shown()
        ));
    }
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
    if p.corrected {
        corrected_latencies(path, s, None);
    }
}

/// Labels the latencies of a paced autocannon run as corrected for coordinated omission
/// (`recorded`: the samples and answers of its `--json` latency histogram, when known),
/// with a note: they are no count of requests, and the mean is above what was measured.
pub fn corrected_latencies(path: &Path, s: &mut ToolSummary, recorded: Option<(u64, u64)>) {
    let mut marked = false;
    for ep in &mut s.endpoints {
        if let LatencyDistribution::Summary(sum) = &mut ep.latency {
            sum.co_corrected = true;
            marked = true;
        }
    }
    if !marked {
        return;
    }
    let counts = match recorded {
        Some((samples, answers)) => format!(
            ": its latency histogram holds {samples} samples (`latency.totalCount`) for \
             {answers} answers, {} of them added",
            samples.saturating_sub(answers)
        ),
        None => String::new(),
    };
    s.notes.push(format!(
        "{}: autocannon was paced (-R/-r) without -C, so it corrected its latencies for \
         coordinated omission (it adds samples for every answer slower than its expected \
         interval){counts}: its percentiles and mean include those corrected samples, above \
         what was measured; the requests are its answers and errors, not its latency samples",
        path.shown()
    ));
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
        let paced = |l: &str| paced(Path::new("/nonexistent/result.json"), l).unwrap();
        assert!(paced("autocannon -R 300 http://x/").corrected);
        assert!(!paced("autocannon -R 300 -C http://x/").corrected);
    }
}
