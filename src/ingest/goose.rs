//! Goose's request log in CSV (`--request-log FILE --request-format csv`): one row per request, `elapsed` and `response_time` in **ms**, `elapsed`
//! counted from the test's start (no clock time: requests are placed from 1970-01-01
//! and the source says so). Columns are found by name, so the shorter headers of older
//! Goose versions read too.
//!
//! * The method comes from a `method` column when there is one, else from the `raw`
//!   column's `Debug` rendering (`GooseRawRequest { method: Get, … }`).
//! * `update = true` rows are not new requests: Goose re-sends a request's metric when
//!   the load test later marks it failed (`set_failure`) or successful, and its own
//!   totals flip the original's outcome. Opening the file collects those updates
//!   (memory grows with updates only, which are rare), and the replay gives each
//!   original row its final outcome and skips the update rows.
//! * A failure's kind comes from its status code and error text (status 0 = no answer).
//! * Every row is a whole request (an update's outcome is known from opening): a large
//!   plain log is read in parts cut at any line (`ReadsRanges`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use super::chunks::{Range, ReadsRanges};
use super::csv_rows::{self, Header};
use super::text::{first_line, header_cells};
use super::{Observation, RequestEvent};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{FailureKind, Problem};

/// The `goose-request-log` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::GooseCsv,
    name: "goose-request-log",
    tool: "goose",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(GooseRequestLog::open(p)?))),
    splittable: true,
    notes: &[
        "Goose's request log times requests from the test's start, not by the clock: \
         times are shown from 1970-01-01T00:00:00Z, the test's start",
    ],
    detected_by: "CSV header elapsed,scenario_index,…",
    example: "cargo run --release -- --request-log requests.csv --request-format csv",
};

/// True for Goose's request-log CSV header.
pub fn sniff(head: &str) -> bool {
    if first_line(head).starts_with("elapsed,scenario_index") {
        return true;
    }
    let cells = header_cells(first_line(head));
    let has = |n: &str| cells.iter().any(|c| c == n);
    cells.first().is_some_and(|c| c == "elapsed")
        && has("response_time")
        && has("status_code")
        && has("success")
        && has("final_url")
}

/// Column positions.
#[derive(Clone, Debug)]
struct Columns {
    elapsed: usize,
    name: usize,
    response_time: usize,
    status: usize,
    success: usize,
    method: Option<usize>,
    raw: Option<usize>,
    update: Option<usize>,
    user: Option<usize>,
    error: Option<usize>,
}

/// An opened Goose request log (header and outcome updates read; rows stream on replay).
#[derive(Clone, Debug)]
pub struct GooseRequestLog {
    path: PathBuf,
    columns: Columns,
    /// Final outcome of requests whose metric was updated, by (user, elapsed, name).
    updates: HashMap<(String, String, String), bool>,
}

impl GooseRequestLog {
    /// Opens the log, finds its columns and collects `update` rows.
    pub fn open(path: &Path) -> Result<GooseRequestLog, Problem> {
        let mut reader = csv_rows::open(path, true)?;
        let header = Header::read(path, &mut reader)?;
        let find = |n: &str| header.find(n);
        let need = |n: &str| header.need(n, "Goose's request log");
        let columns = Columns {
            elapsed: need("elapsed")?,
            name: need("name")?,
            response_time: need("response_time")?,
            status: need("status_code")?,
            success: need("success")?,
            method: find("method"),
            raw: find("raw"),
            update: find("update"),
            user: find("user"),
            error: find("error"),
        };
        let mut log = GooseRequestLog {
            path: path.to_path_buf(),
            columns,
            updates: HashMap::new(),
        };
        if log.columns.update.is_some() {
            let mut updates = HashMap::new();
            // Malformed rows are said on replay.
            log.rows(None, &mut |_| {}, &mut |row, _| {
                if row.update {
                    updates.insert(row.identity(), row.success);
                }
            })?;
            log.updates = updates;
        }
        Ok(log)
    }

    /// Every row of the file, or of one range of it, in file order; malformed ones go
    /// to `visit`.
    fn rows(
        &self,
        range: Option<&Range>,
        visit: csv_rows::Visit<'_>,
        each: &mut dyn FnMut(&LogRow<'_>, csv_rows::Visit<'_>),
    ) -> Result<u64, Problem> {
        let c = &self.columns;
        let reader = csv_rows::open_part(&self.path, range, true)?;
        csv_rows::for_each_text_row_in(&self.path, reader, range, visit, |row, visit| {
            let boolean = |i: usize, what: &str| {
                row.value(i, what, "true or false", |t| match t {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                })
            };
            let elapsed = row.text(c.elapsed)?;
            let elapsed_ms =
                row.check(elapsed, "elapsed", "whole ms", |t| t.parse::<i64>().ok())?;
            let response_ms = row.value(
                c.response_time,
                "response_time",
                "ms ≥ 0",
                csv_rows::non_negative,
            )?;
            let status = row.value(c.status, "status_code", "", |t| t.parse::<u16>().ok())?;
            let update = match c.update {
                Some(i) => boolean(i, "update")?,
                None => false,
            };
            let method = match c.method {
                Some(i) => Some(row.text(i)?.to_ascii_uppercase()),
                None => method_from_raw(row.opt(c.raw)?.unwrap_or("")),
            };
            let log_row = LogRow {
                elapsed,
                elapsed_ms,
                name: row.text(c.name)?,
                method,
                response_ms,
                status,
                success: boolean(c.success, "success")?,
                update,
                user: row.opt(c.user)?.unwrap_or(""),
                error: row.opt(c.error)?.unwrap_or(""),
                line: row.line(),
            };
            each(&log_row, visit);
            Ok(())
        })
    }
}

/// One row of the log.
struct LogRow<'a> {
    elapsed: &'a str,
    elapsed_ms: i64,
    name: &'a str,
    method: Option<String>,
    response_ms: f64,
    status: u16,
    success: bool,
    update: bool,
    user: &'a str,
    error: &'a str,
    line: u64,
}

impl LogRow<'_> {
    fn identity(&self) -> (String, String, String) {
        (
            self.user.to_string(),
            self.elapsed.to_string(),
            self.name.to_string(),
        )
    }
}

/// `GooseRawRequest { method: Get, url: "…", … }` → `GET`.
fn method_from_raw(raw: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"method: ([A-Za-z]+)").expect("static regex"));
    re.captures(raw).map(|c| c[1].to_ascii_uppercase())
}

impl ReadsRanges for GooseRequestLog {
    fn path(&self) -> &Path {
        &self.path
    }

    fn read_range(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<(), Problem> {
        let mut requests = 0u64;
        self.rows(range, visit, &mut |row, visit| {
            if row.update {
                return;
            }
            let ok = if self.updates.is_empty() {
                row.success
            } else {
                self.updates
                    .get(&row.identity())
                    .copied()
                    .unwrap_or(row.success)
            };
            let status = (row.status != 0).then_some(row.status);
            visit(Observation::Request(RequestEvent {
                t_ms: row.elapsed_ms,
                method: row.method.as_deref(),
                name: row.name,
                latency_ms: Some(row.response_ms),
                ok,
                failure: (!ok).then(|| FailureKind::classify(status, row.error)),
                error: Some(row.error).filter(|e| !e.is_empty()),
                bytes: None,
                users: None,
                line: Some(row.line),
            }));
            requests += 1;
        })?;
        if requests == 0 && range.is_none() {
            return Err(csv_rows::header_only(&self.path));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Replay;
    use std::io::Write;

    const HEADER: &str = "elapsed,scenario_index,scenario_name,transaction_index,transaction_name,raw,name,final_url,redirected,response_time,status_code,success,update,user,error,coordinated_omission_elapsed,user_cadence";

    #[test]
    fn updates_flip_the_original_outcome() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "{HEADER}").unwrap();
        writeln!(f, "10,0,s,0,t,\"GooseRawRequest {{ method: Get, url: \"\"http://h/a\"\", headers: [], body: \"\"\"\" }}\",/a,http://h/a,false,12,200,true,false,0,,0,0").unwrap();
        writeln!(f, "10,0,s,0,t,\"GooseRawRequest {{ method: Get, url: \"\"http://h/a\"\", headers: [], body: \"\"\"\" }}\",/a,http://h/a,false,12,200,false,true,0,bad body,0,0").unwrap();
        writeln!(f, "20,0,s,0,t,\"GooseRawRequest {{ method: Post, url: \"\"http://h/b\"\", headers: [], body: \"\"\"\" }}\",/b,http://h/b,false,30,0,false,false,1,error sending request: connection refused,0,0").unwrap();
        let log = GooseRequestLog::open(f.path()).unwrap();
        let mut seen = Vec::new();
        log.replay(&mut |o| {
            if let Observation::Request(r) = o {
                seen.push((
                    r.method.map(str::to_string),
                    r.ok,
                    r.failure.map(|k| k.to_string()),
                ));
            }
        })
        .unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            seen[0],
            (Some("GET".into()), false, Some("assertion".into()))
        );
        assert_eq!(
            seen[1],
            (Some("POST".into()), false, Some("connect".into()))
        );
    }
}
