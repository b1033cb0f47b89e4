//! h2load's per-request log (`h2load --log-file=PATH`): one tab-separated row per
//! request whose stream closed, `start µs since the epoch \t status \t µs until the end
//! of the response`, no header. The status is `-1` for a stream that failed (h2load
//! counts it failed and errored); any other status outside 2xx/3xx is a failure too,
//! as h2load counts it.
//!
//! Requests h2load gives up on without a stream (those of a connection that failed,
//! or timed out) have no row: read alone, the log does not see transport errors.
//! A failed stream's time is how long it took to fail, not an answer's: like h2load's
//! `time for request`, the latency covers the answered rows only, alone or beside
//! the console, so one log gives one p95 either way.
//! h2load appends each run's rows to the log. Beside h2load's console output
//! (`run_dir/pairs.rs`) the console gives the counts and failures and its run's rows
//! in the log every answer's latency and code ([`figures`]). The file names no URL,
//! so the endpoint is its stem.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hdrhistogram::Histogram;

use super::adapters::Lines;
use super::chunks::{Quoting, Range, ReadsRanges};
use super::summary::{file_stem, number};
use super::{problem, Observation, RequestEvent};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{FailureKind, Problem, TimeSeries};

/// The `h2load-log` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::H2loadLog,
    name: "h2load-log",
    tool: "h2load",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(H2loadLog::open(p)))),
    splittable: true,
    notes: &[
        "h2load's --log-file has a row for each request whose stream closed; requests of a \
         connection that failed (and timeouts) have none, so alone it leaves transport \
         errors out; beside h2load's console output of the same run the console gives the \
         counts",
    ],
    detected_by: "tab-separated rows `start µs since the epoch, status (-1: failed), µs`",
    example: "h2load -n 1000 -c 10 --log-file=h2load.log URL > h2load.txt",
};

/// True when the head's first line is an h2load log row, and nearly all its other
/// whole lines are (a damaged row is a problem of its own, not another format).
pub fn sniff(head: &str) -> bool {
    let mut lines: Vec<&str> = head.lines().filter(|l| !l.is_empty()).collect();
    if !head.ends_with('\n') && lines.len() > 1 {
        lines.pop(); // cut at the head's end
    }
    let rows = lines.iter().filter(|l| is_row(l)).count();
    lines.first().is_some_and(|l| is_row(l)) && rows * 10 >= lines.len() * 9
}

/// True when `line` is `start µs since the epoch \t status \t µs`.
fn is_row(line: &str) -> bool {
    let cells: Vec<&str> = line.trim_end_matches('\r').split('\t').collect();
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    // Start times are µs since 1970: 16 digits from 2001 to 2286.
    matches!(cells[..], [start, status, took]
        if digits(start, 16..=16)
            && (status == "-1" || digits(status, 1..=3))
            && digits(took, 1..=12))
}

/// An opened h2load log (rows stream on replay).
#[derive(Clone, Debug)]
pub struct H2loadLog {
    path: PathBuf,
    name: String,
}

impl H2loadLog {
    /// The log at `path`, its endpoint named after the file.
    pub fn open(path: &Path) -> H2loadLog {
        H2loadLog {
            path: path.to_path_buf(),
            name: file_stem(path),
        }
    }

    /// Reads one row; a bad one is a problem naming its line.
    fn cells(&self, no: u64, line: &str) -> Result<(u64, i32, u64), Problem> {
        let cells: Vec<&str> = line.trim_end_matches('\r').split('\t').collect();
        if cells.len() < 3 {
            return Err(problem(
                &self.path,
                Some(no),
                format!(
                    "{} tab-separated cells, h2load's log has 3 (start µs, status, µs)",
                    cells.len()
                ),
            ));
        }
        Ok((
            number(&self.path, no, "start time (µs since the epoch)", cells[0])?,
            number(&self.path, no, "status", cells[1])?,
            number(&self.path, no, "response time (µs)", cells[2])?,
        ))
    }
}

/// How h2load counts a row's status: a failure kind, or `None` for a success (any
/// status below 400; `-1` is a stream that failed).
fn failure(status: i32) -> Option<FailureKind> {
    match u16::try_from(status) {
        Ok(100..=399) => None,
        Ok(code @ 400..=599) => Some(FailureKind::Status(code)),
        _ => Some(FailureKind::Other),
    }
}

impl ReadsRanges for H2loadLog {
    fn path(&self) -> &Path {
        &self.path
    }

    /// Requests of a failed connection, and timeouts, have no row.
    fn sees_transport_errors(&self) -> bool {
        false
    }

    fn quoting(&self) -> Quoting {
        Quoting::Ignored
    }

    fn read_range(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<(), Problem> {
        let mut lines = Lines::open_part(&self.path, range)?;
        let mut rows = 0u64;
        while let Some((no, bytes)) = lines.next_line()? {
            if bytes.is_empty() {
                continue;
            }
            let read = std::str::from_utf8(bytes)
                .map_err(|_| problem(&self.path, Some(no), "not UTF-8 text"))
                .and_then(|line| self.cells(no, line));
            let (start_us, status, took_us) = match read {
                Ok(r) => r,
                // A bad row costs only itself (the Replay contract).
                Err(p) => {
                    visit(Observation::Malformed(p));
                    continue;
                }
            };
            let failure = failure(status);
            visit(Observation::Request(RequestEvent {
                t_ms: i64::try_from(start_us / 1000).unwrap_or(i64::MAX),
                method: None,
                name: &self.name,
                // A failed stream (`-1`) got no answer to time.
                latency_ms: (status != -1).then(|| took_us as f64 / 1000.0),
                ok: failure.is_none(),
                failure,
                error: None,
                bytes: None,
                users: None,
                line: Some(no),
            }));
            rows += 1;
        }
        if rows == 0 && range.is_none() {
            return Err(problem(&self.path, Some(1), "no requests in the file"));
        }
        Ok(())
    }
}

/// The rows of an h2load log (its non-empty lines).
pub fn rows(path: &Path) -> Result<u64, Problem> {
    let mut lines = Lines::open(path)?;
    let mut rows = 0u64;
    while let Some((_, bytes)) = lines.next_line()? {
        rows += u64::from(!bytes.is_empty());
    }
    Ok(rows)
}

/// What the console check needs of one run's rows in an h2load log (h2load appends
/// each run's rows to the log): the latencies (µs) of those that got an answer
/// (status other than `-1`: what h2load's `time for request` summarises), the answers
/// by status, and whether the run's rows all start after the rows before them and
/// before the rows after them (runs one after another), and the run's rows over time
/// (each row at its start: requests, failures by kind, answered latencies).
pub struct LogFigures {
    /// Latencies of the answered rows, µs.
    pub answered: Histogram<u64>,
    /// The run's rows by start time, as the log alone would give them.
    pub series: TimeSeries,
    /// Answered rows by status.
    pub statuses: BTreeMap<u16, u64>,
    /// True when the run's rows and the other rows do not overlap in start time.
    pub apart: bool,
}

/// Reads [`LogFigures`] of the `take` rows after the first `skip`. A bad row is a
/// problem (the first is returned): the log cannot then be checked.
pub fn figures(path: &Path, skip: u64, take: u64) -> Result<LogFigures, Problem> {
    let log = H2loadLog::open(path);
    let mut lines = Lines::open(path)?;
    let mut f = LogFigures {
        answered: crate::model::new_histogram(),
        series: TimeSeries::default(),
        statuses: BTreeMap::new(),
        apart: true,
    };
    // Start times: the latest before the run's rows, the run's span, the earliest after.
    let (mut before, mut span, mut after) = (0u64, (u64::MAX, 0u64), u64::MAX);
    let mut row = 0u64;
    while let Some((no, bytes)) = lines.next_line()? {
        if bytes.is_empty() {
            continue;
        }
        let line =
            std::str::from_utf8(bytes).map_err(|_| problem(path, Some(no), "not UTF-8 text"))?;
        let (start, status, took_us) = log.cells(no, line)?;
        row += 1;
        if row <= skip {
            before = before.max(start);
            continue;
        }
        if row > skip + take {
            after = after.min(start);
            continue;
        }
        span = (span.0.min(start), span.1.max(start));
        let t_ms = i64::try_from(start / 1000).unwrap_or(i64::MAX);
        let latency_ms = (status != -1).then(|| took_us as f64 / 1000.0);
        f.series.record_kind(t_ms, latency_ms, failure(status));
        if let Ok(code) = u16::try_from(status) {
            *f.statuses.entry(code).or_default() += 1;
            if f.answered.record(took_us.max(1)).is_err() {
                let _ = f.answered.record(f.answered.high());
            }
        }
    }
    f.apart = (skip == 0 || before <= span.0) && (after == u64::MAX || span.1 <= after);
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_rows_and_a_cut_last_line() {
        let rows = "1796361780028522\t404\t239\n1796361780028526\t-1\t322\n";
        assert!(sniff(rows));
        assert!(sniff(&format!("{rows}17963617800")));
        assert!(!sniff("1796361780028522\t200\n"));
        assert!(!sniff("timeStamp\telapsed\tlabel\n"));
        assert!(!sniff("1796361780\t200\t12\n"), "seconds are not µs");
        let damaged = format!("{rows}{rows}{rows}{rows}{rows}1796361780028999\tOK\t5\n");
        assert!(sniff(&damaged), "one bad row in eleven");
        assert!(!sniff(""));
    }

    #[test]
    fn statuses_count_as_h2load_counts_them() {
        assert_eq!(failure(200), None);
        assert_eq!(failure(304), None);
        assert_eq!(failure(503), Some(FailureKind::Status(503)));
        assert_eq!(failure(404), Some(FailureKind::Status(404)));
        assert_eq!(failure(-1), Some(FailureKind::Other));
        assert_eq!(failure(0), Some(FailureKind::Other));
    }
}
