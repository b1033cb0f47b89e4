//! An ab run that stopped itself on an error. Without `-r`, ab ends a run at the first
//! socket error it does not expect — `apr_socket_recv: Connection reset by peer (104)`
//! (the target closed a connection, or went away), `apr_pollset_poll: The timeout
//! specified has expired (70007)` (no answer within `-s`, 30 s by default),
//! `apr_socket_connect(): Connection refused (111)` after `Test aborted after 10
//! failures` — printing the error and `Total of N requests completed` and exiting
//! without its summary: no latency, no duration, no failure counts. What ran is read as
//! that: the N requests ab completed, whose outcomes and times it did not print, and the
//! one that met the error, a failure of the error's kind. The run stopped before its
//! plan (incomplete), and its outcomes are unseen, so no failure rule is judged on it.

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::summary::{endpoint, file_stem, number, static_regexes, ToolSummary};
use crate::model::untrusted::ticked;
use crate::model::{EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem};

/// The summary of the ab run in `text` (one run of the file at `path`) that stopped
/// itself on an error, or `None` when it did not (its `Total of N requests completed`
/// line after an `apr_…: message (code)` one is missing).
pub fn read(path: &Path, text: &str) -> Result<Option<ToolSummary>, Problem> {
    static RES: OnceLock<[Regex; 2]> = OnceLock::new();
    let [error_re, total_re] = static_regexes(
        &RES,
        [
            // After `Benchmarking … (be patient)...` on the same line when ab prints no
            // progress (both streams in one file).
            r"(apr_[a-z_]+(?:\(\))?): (.+) \((\d+)\)\s*$",
            r"^Total of (\d+) requests completed\s*$",
        ],
    );
    let mut error = None;
    for (i, line) in text.lines().enumerate() {
        let no = i as u64 + 1;
        if let Some(c) = error_re.captures(line) {
            error = Some((no, c[1].to_string(), c[2].to_string(), c[3].to_string()));
        } else if let (Some(c), Some((at, call, message, code))) =
            (total_re.captures(line.trim()), &error)
        {
            let completed: u64 = number(path, no, "requests completed", &c[1])?;
            let said = format!("{call}: {message} ({code})");
            let kind = FailureKind::classify(None, message);
            return Ok(Some(summary(path, *at, &said, kind, completed)));
        }
    }
    // ab prints `Total of N requests completed` only when N > 0: an error line that
    // ends the text is a run stopped at its first request (a refused connection).
    let last = (text.lines().enumerate())
        .filter(|(_, l)| !l.trim().is_empty())
        .last()
        .map(|(i, _)| i as u64 + 1);
    match error {
        Some((at, call, message, code)) if last == Some(at) => {
            let said = format!("{call}: {message} ({code})");
            let kind = FailureKind::classify(None, &message);
            Ok(Some(summary(path, at, &said, kind, 0)))
        }
        _ => Ok(None),
    }
}

/// The summary of `completed` requests, and one more that met the error `said` (at
/// `line`) of `kind`.
fn summary(path: &Path, line: u64, said: &str, kind: FailureKind, completed: u64) -> ToolSummary {
    let mut s = ToolSummary::new("ab");
    let latency = LatencyDistribution::Summary(PercentileSummary {
        count: completed,
        ..PercentileSummary::default()
    });
    let mut ep = endpoint(
        EndpointKey::new(None, &file_stem(path)),
        completed + 1,
        latency,
    );
    ep.failures = 1;
    ep.add_failure(kind, Some(&format!("ab stopped on: {said}")), 1);
    s.endpoints.push(ep);
    // A run stopped at its first request saw that one outcome: the failure.
    s.outcomes_unseen = completed > 0;
    let said = ticked(said);
    s.stopped_early = Some(if completed == 0 {
        format!(
            "{}: ab stopped itself on {said} (line {line}) before any request completed, \
             and printed no summary: its first request failed (it ends a run at such an \
             error unless run with -r), so the report holds that one failed request and \
             nothing of the load ab was asked for; check the URL and port and that the \
             target is up, then re-run it",
            path.shown()
        )
    } else {
        format!(
            "{}: ab stopped itself on {said} (line {line}) after {completed} requests \
             completed, and printed no summary (it ends a run at such an error unless run \
             with -r): the report holds those {completed} requests and the one that met the \
             error, with no latency, duration or failure counts of them; find out why the \
             target failed (it closed connections, stopped answering or went away), then \
             re-run it to the end",
            path.shown()
        )
    });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_error_and_the_requests_completed() {
        let path = Path::new("ab.txt");
        let text = "Benchmarking 127.0.0.1 (be patient)\nCompleted 500 requests\n\
                    apr_pollset_poll: The timeout specified has expired (70007)\n\
                    Total of 688 requests completed\n";
        let s = read(path, text).unwrap().unwrap();
        let ep = &s.endpoints[0];
        assert_eq!((ep.requests, ep.failures), (689, 1));
        assert!(s.outcomes_unseen);
        let why = s.stopped_early.unwrap();
        assert!(why.contains("(line 3) after 688 requests"), "{why}");
        let small = "Benchmarking 127.0.0.1 (be patient)...apr_socket_recv: Connection \
                     reset by peer (104)\nTotal of 32 requests completed\n";
        let s = read(path, small).unwrap().unwrap();
        assert_eq!(s.endpoints[0].requests, 33);
        let refused = "Benchmarking 127.0.0.1 (be patient)\n\
                       apr_socket_recv: Connection refused (111)\n";
        let s = read(path, refused).unwrap().unwrap();
        assert_eq!((s.endpoints[0].requests, s.endpoints[0].failures), (1, 1));
        let why = s.stopped_early.unwrap();
        assert!(
            why.contains("(line 2) before any request completed"),
            "{why}"
        );
        assert!(read(path, "Benchmarking 127.0.0.1 (be patient)\n")
            .unwrap()
            .is_none());
    }
}
