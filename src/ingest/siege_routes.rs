//! siege's per-request lines (its default `verbose`) split by URL: a run of `siege -f
//! urls.txt` requests several URLs, and each line names the one it answered (`HTTP/1.1
//! 200 0.02 secs: 91 bytes ==> GET  /api/v1/agents`; siege prints a POST's whole URL,
//! `POST http://host/api/v1/agents/run`). Each route (method and path, the scheme and
//! host taken away, so a path and its whole URL are one) is an endpoint of its own,
//! its requests, failures (status ≥ 400) and times from its lines; siege's own
//! whole-run figures stay the run's aggregate. A line cut by the summary siege writes
//! to the other stream (`HTTP/1.1 200 0.00 secs: ` here, `15 bytes ==> GET /health`
//! after the summary) gets its tail back, in order.
//!
//! The lines must account for the summary's counts: never more lines of a kind than
//! siege counts, and at least 99% of its requests (a timed run's last transaction,
//! counted as the timer fires, may print no line). Requests without a line (that one,
//! or socket errors, which name no URL) are an endpoint of their own, said, so the
//! routes' figures are their lines' alone and the run's total is siege's.

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::summary::{add_failures, endpoint};
use super::text::without_ansi;
use crate::model::{
    EndpointKey, EndpointStats, FailureKind, LatencyDistribution, PercentileSummary, Problem,
};

/// One of siege's per-request lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Time to the hundredth of a second, as siege prints it.
    pub secs: f64,
    /// Method and route (`GET`, `/api/v1/agents`), when the line has them.
    pub route: Option<(String, String)>,
}

/// Every per-request line of a capture, in order (colour codes removed), a cut line
/// given its tail printed later.
pub fn answers(text: &str) -> Vec<Answer> {
    static HEAD: OnceLock<Regex> = OnceLock::new();
    static TAIL: OnceLock<Regex> = OnceLock::new();
    let head = HEAD.get_or_init(|| {
        Regex::new(r"^HTTP/\d(?:\.\d)? +(\d{3}) +([0-9]+\.[0-9]+) secs:(.*)$")
            .expect("static regex")
    });
    let tail = TAIL
        .get_or_init(|| Regex::new(r"^\s*\d+ bytes ==> ([A-Z]+) +(\S+)").expect("static regex"));
    let (mut out, mut cut): (Vec<Answer>, Vec<usize>) = (Vec::new(), Vec::new());
    for line in text
        .lines()
        .filter(|l| l.contains(" secs:") || l.contains("==>"))
    {
        let l = without_ansi(line);
        if let Some(c) = head.captures(&l) {
            let (Ok(status), Ok(secs)) = (c[1].parse(), c[2].parse()) else {
                continue;
            };
            let route = tail.captures(&c[3]).map(|t| route(&t[1], &t[2]));
            if route.is_none() {
                cut.push(out.len());
            }
            out.push(Answer {
                status,
                secs,
                route,
            });
        } else if let Some(t) = tail.captures(&l) {
            if !cut.is_empty() {
                let i = cut.remove(0);
                out[i].route = Some(route(&t[1], &t[2]));
            }
        }
    }
    out
}

/// Method and route of a line's URL: the scheme and host taken away.
fn route(method: &str, url: &str) -> (String, String) {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    (method.to_string(), path.to_string())
}

/// The run's figures siege printed: transactions (answers < 500), of them those
/// under 400, and failed transactions.
pub struct Counts {
    pub transactions: u64,
    pub successful: u64,
    pub failed: u64,
}

/// One endpoint per route of `answers` (when they name two or more and account for
/// `counts`, see the module doc), and the note saying so; `None` otherwise.
pub fn split(
    path: &Path,
    answers: &[Answer],
    counts: &Counts,
) -> Result<Option<(Vec<EndpointStats>, String)>, Problem> {
    let mut routes: Vec<(String, String)> =
        answers.iter().filter_map(|a| a.route.clone()).collect();
    routes.sort();
    routes.dedup();
    let of = |f: &dyn Fn(&Answer) -> bool| answers.iter().filter(|a| f(a)).count() as u64;
    let lined_tx = of(&|a| a.status < 500);
    let lined_4xx = of(&|a| (400..500).contains(&a.status));
    let lined_5xx = of(&|a| a.status >= 500);
    let unnamed = of(&|a| a.route.is_none());
    let requests = counts.transactions + counts.failed;
    let unsuccessful = counts.transactions - counts.successful;
    if routes.len() < 2
        || unnamed > 0
        || lined_tx > counts.transactions
        || lined_4xx > unsuccessful
        || lined_5xx > counts.failed
        || (lined_tx + lined_5xx) * 100 < requests * 99
    {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (method, name) in &routes {
        let mine: Vec<&Answer> = (answers.iter())
            .filter(|a| {
                a.route
                    .as_ref()
                    .is_some_and(|r| r.0 == *method && r.1 == *name)
            })
            .collect();
        let mut h = crate::model::new_histogram();
        for a in mine.iter().filter(|a| a.status < 500) {
            super::summary::record_ms_n(&mut h, a.secs * 1000.0, 1);
        }
        let mut ep = endpoint(
            EndpointKey::new(Some(method), name),
            mine.len() as u64,
            LatencyDistribution::Exact(h.into()),
        );
        let mut statuses: Vec<u16> = mine
            .iter()
            .map(|a| a.status)
            .filter(|s| *s >= 400)
            .collect();
        statuses.sort_unstable();
        statuses.dedup();
        let failed: Vec<(FailureKind, u64, String)> = (statuses.iter())
            .map(|s| {
                let n = mine.iter().filter(|a| a.status == *s).count() as u64;
                (
                    FailureKind::classify(Some(*s), ""),
                    n,
                    format!("siege: HTTP {s}"),
                )
            })
            .collect();
        add_failures(path, None, &mut ep, &failed)?;
        out.push(ep);
    }
    let rest = requests - lined_tx - lined_5xx;
    let mut note = format!(
        "{}: siege's per-request lines name {} routes (siege -f with a URL file): each is an \
         endpoint of its own, its requests, failures and times from its lines; siege's \
         summary stays the run's total",
        path.shown(),
        routes.len()
    );
    if rest > 0 {
        let name = format!("{} (no per-request line)", super::summary::file_stem(path));
        let mut ep = endpoint(
            EndpointKey::new(None, &name),
            rest,
            LatencyDistribution::Summary(PercentileSummary {
                sd_ms: None,
                count: counts.transactions - lined_tx,
                mean_ms: None,
                min_ms: None,
                max_ms: None,
                points: Vec::new(),
                merged: false,
                co_corrected: false,
            }),
        );
        let failed = [
            (
                FailureKind::Other,
                unsuccessful - lined_4xx,
                "siege: answers with status ≥ 400",
            ),
            (
                FailureKind::Other,
                counts.failed - lined_5xx,
                "siege: failed transactions (socket error or timeout)",
            ),
        ];
        add_failures(path, None, &mut ep, &failed)?;
        out.push(ep);
        note += &format!(
            "; {rest} of its {requests} requests have no line (a timed run's last one, a \
             socket error): they are endpoint `{name}`, of no known route"
        );
    }
    Ok(Some((out, note)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_line_gets_its_tail_and_a_whole_url_is_its_route() {
        let text = "\x1b[0;34mHTTP/1.1 200     0.47 secs:      38 bytes ==> POST http://h:1/api/run\x1b[0m\n\
                    HTTP/1.1 200     0.00 secs: \nTransactions: 2 hits\n     15 bytes ==> GET  /health\n";
        let a = answers(text);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].route, Some(("POST".into(), "/api/run".into())));
        assert_eq!(a[1].route, Some(("GET".into(), "/health".into())));
    }
}
