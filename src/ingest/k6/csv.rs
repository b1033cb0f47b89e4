//! k6 `--out csv` (one metric sample a row: `metric_name`, `timestamp`, `metric_value`
//! and the tags as columns), plain or gzipped, streamed row by row; and the
//! request assembly shared with the JSON output ([`Assembler`]).
//!
//! k6 writes metric samples, not requests. One HTTP request is the run of
//! consecutive samples that k6 emits together (`http_reqs`, `http_req_duration`,
//! the timing trends, `http_req_failed`), all with the same timestamp and tags.
//! **Pairing rule:** a request starts at an `http_reqs` or `http_req_duration`
//! sample; the following samples with an identical timestamp and identical tags
//! fill in its duration and failed flag, until a sample arrives that differs in
//! time or tags, or that would fill a slot already filled (the next request with
//! the same tags in the same second). Files without `http_reqs` therefore count one
//! request per `http_req_duration` sample.
//!
//! A request failed when `http_req_failed` is 1, else when `expected_response` is
//! `false`, else (k6 < 0.31) when its status is 0 or ≥ 400. Status ≥ 400 gives
//! `status:NNN`; status 0 is a transport error classified by k6's `error_code`
//! (1050 timeout, 1100–1299 DNS/TCP connect, 1201/1220 reset, 1300s TLS connect).
//! The `vus` gauge is the users series. Timestamps: all six `K6_CSV_TIME_FORMAT`s
//! (epoch s/ms/µs/ns, told apart by magnitude, RFC 3339 with or without ns).

use crate::model::untrusted::Shown;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

use crate::ingest::adapters::open_decompressed;
use crate::ingest::chunks::{self, CountSlot, PartCounts, Range};
use crate::ingest::csv_rows::{self, lf_endings};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::text::parse_rfc3339_ms;
use crate::ingest::{problem, Format, Observation, Replay, RequestEvent};
use crate::model::{FailureKind, Problem, ScriptChecks};

/// k6 `--out csv` (plain or gzipped).
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::K6Csv,
    name: "k6-csv",
    tool: "k6",
    sniff: Sniff::Content(|h| h.line.starts_with("metric_name,timestamp,metric_value")),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(K6Csv::open(p)?))),
    splittable: true,
    notes: &[],
    detected_by: "CSV header metric_name,timestamp,metric_value (plain or .gz)",
    example: "k6 run --out csv=results.csv script.js",
};

/// Which k6 metric a sample belongs to (only these matter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// `http_reqs`: one per request.
    Reqs,
    /// `http_req_duration`, ms.
    Duration,
    /// `http_req_failed`: 1 failed, 0 ok.
    Failed,
    /// `vus` gauge.
    Vus,
    /// `checks`: 1 passed, 0 failed (a `check()` of the script), tagged `check`.
    Checks,
    /// Anything else.
    Other,
}

impl Metric {
    /// The metric of a `metric_name`.
    pub fn of(name: &str) -> Metric {
        match name {
            "http_reqs" => Metric::Reqs,
            "http_req_duration" => Metric::Duration,
            "http_req_failed" => Metric::Failed,
            "vus" => Metric::Vus,
            "checks" => Metric::Checks,
            _ => Metric::Other,
        }
    }
}

/// The tags of a sample that the request needs.
#[derive(Clone, Debug, Default)]
pub struct Tags<'a> {
    /// `method`.
    pub method: &'a str,
    /// `name` (k6 defaults it to the URL).
    pub name: &'a str,
    /// `url`.
    pub url: &'a str,
    /// `status` (`0` for a transport error).
    pub status: &'a str,
    /// `expected_response`.
    pub expected_response: &'a str,
    /// `error`.
    pub error: &'a str,
    /// `error_code`.
    pub error_code: &'a str,
}

/// A request being assembled from its samples.
#[derive(Debug, Default)]
struct Pending {
    active: bool,
    identity: String,
    t_ms: i64,
    method: String,
    name: String,
    status: Option<u16>,
    expected_response: Option<bool>,
    error: String,
    error_code: Option<u32>,
    has_reqs: bool,
    duration_ms: Option<f64>,
    failed: Option<bool>,
}

/// Turns k6 metric samples into requests (see the module docs for the rule).
#[derive(Debug, Default)]
pub struct Assembler {
    pending: Pending,
    /// Requests emitted so far.
    pub requests: u64,
    /// `http_req_failed` samples that matched no request.
    pub orphans: u64,
}

impl Assembler {
    /// Feeds one sample. `identity` is the sample's time and tags as text: samples of
    /// one request have equal identities.
    pub fn sample(
        &mut self,
        metric: Metric,
        identity: &str,
        t_ms: i64,
        value: f64,
        tags: &Tags<'_>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) {
        let same = self.pending.active && self.pending.identity == identity;
        match metric {
            Metric::Reqs => {
                if !same || self.pending.has_reqs {
                    self.flush(visit);
                    self.start(identity, t_ms, tags);
                }
                self.pending.has_reqs = true;
            }
            Metric::Duration => {
                if !same || self.pending.duration_ms.is_some() {
                    self.flush(visit);
                    self.start(identity, t_ms, tags);
                }
                self.pending.duration_ms = Some(value);
            }
            Metric::Failed => {
                if same && self.pending.failed.is_none() {
                    self.pending.failed = Some(value != 0.0);
                } else {
                    self.orphans += 1;
                }
            }
            Metric::Vus => visit(Observation::Users { t_ms, users: value }),
            Metric::Checks | Metric::Other => {}
        }
    }

    fn start(&mut self, identity: &str, t_ms: i64, tags: &Tags<'_>) {
        let p = &mut self.pending;
        p.active = true;
        p.identity.clear();
        p.identity.push_str(identity);
        p.t_ms = t_ms;
        p.method.clear();
        p.method.push_str(tags.method);
        p.name.clear();
        p.name.push_str(if tags.name.is_empty() {
            tags.url
        } else {
            tags.name
        });
        p.status = tags.status.trim().parse().ok();
        p.expected_response = match tags.expected_response {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        p.error.clear();
        p.error.push_str(tags.error);
        p.error_code = tags.error_code.trim().parse().ok();
        p.has_reqs = false;
        p.duration_ms = None;
        p.failed = None;
    }

    /// Emits the request being assembled, if any. Call once more at the end.
    pub fn flush(&mut self, visit: &mut dyn FnMut(Observation<'_>)) {
        let p = &mut self.pending;
        if !p.active {
            return;
        }
        p.active = false;
        let ok = match (p.failed, p.expected_response) {
            (Some(failed), _) => !failed,
            (None, Some(expected)) => expected,
            (None, None) => p.status.is_none_or(|s| s != 0 && s < 400),
        };
        let failure = (!ok).then(|| failure_kind(p.status, p.error_code, &p.error));
        self.requests += 1;
        visit(Observation::Request(RequestEvent {
            t_ms: p.t_ms,
            method: Some(p.method.as_str()).filter(|m| !m.is_empty()),
            name: &p.name,
            latency_ms: p.duration_ms,
            ok,
            failure,
            error: Some(p.error.as_str()).filter(|e| !e.is_empty()),
            bytes: None,
            users: None,
            line: None,
        }));
    }
}

/// The kind of a failed k6 request.
fn failure_kind(status: Option<u16>, error_code: Option<u32>, error: &str) -> FailureKind {
    match status {
        Some(s) if (400..600).contains(&s) => return FailureKind::Status(s),
        Some(s) if (100..400).contains(&s) => return FailureKind::Assertion,
        _ => {}
    }
    match error_code {
        Some(1050) => FailureKind::Timeout,
        Some(1201 | 1220) => FailureKind::Reset,
        // DNS (11xx), TCP dial (12xx) and TLS (13xx) errors: no connection.
        Some(1100..=1399) => FailureKind::Connect,
        _ => FailureKind::classify(None, error),
    }
}

/// Epoch ms of a k6 CSV timestamp in any of its six forms.
pub fn parse_k6_time(v: &str) -> Option<i64> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit()) {
        let n: i128 = v.parse().ok()?;
        // Seconds until the year 5138, then ms, µs, ns.
        let ms = if n < 100_000_000_000 {
            n * 1000
        } else if n < 100_000_000_000_000 {
            n
        } else if n < 100_000_000_000_000_000 {
            n / 1000
        } else {
            n / 1_000_000
        };
        return i64::try_from(ms).ok();
    }
    parse_rfc3339_ms(v)
}

/// Column positions of a k6 CSV.
#[derive(Clone, Debug)]
struct Columns {
    metric: usize,
    timestamp: usize,
    value: usize,
    method: Option<usize>,
    name: Option<usize>,
    url: Option<usize>,
    status: Option<usize>,
    expected_response: Option<usize>,
    error: Option<usize>,
    error_code: Option<usize>,
    /// The `check` tag's column: a `checks` sample's name.
    check: Option<usize>,
    /// Tag columns that identify a request (everything but metric and value).
    identity: Vec<usize>,
    metadata: bool,
    /// Cells in the header: every row k6 writes has as many.
    width: usize,
}

#[derive(Clone, Debug, Default)]
struct Counts {
    orphans: u64,
    /// The `checks` samples.
    checks: ScriptChecks,
    /// The line of a last row cut mid-write (fewer cells than the header).
    truncated_last_line: Option<u64>,
}

/// What a pass over the rows keeps between them.
#[derive(Default)]
struct Rows {
    assembler: Assembler,
    identity: String,
    rows: u64,
    checks: ScriptChecks,
}

/// An opened k6 CSV (header parsed; rows stream on replay).
#[derive(Debug)]
pub struct K6Csv {
    path: PathBuf,
    columns: Columns,
    counts: RefCell<Counts>,
    /// The counts of the parts of the last replay in parts (see [`Replay::split`]).
    parts: RefCell<Option<PartCounts<Counts>>>,
}

fn reader(path: &Path) -> Result<csv::Reader<Box<dyn std::io::BufRead>>, Problem> {
    Ok(csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(lf_endings(open_decompressed(path)?)))
}

impl K6Csv {
    /// Opens the file and reads its header.
    pub fn open(path: &Path) -> Result<K6Csv, Problem> {
        let mut r = reader(path)?;
        let header: Vec<String> = r
            .headers()
            .map_err(|e| problem(path, Some(1), format!("unreadable header: {e}")))?
            .iter()
            .map(|c| c.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        let find = |n: &str| header.iter().position(|c| c == n);
        let need = |n: &str| {
            find(n).ok_or_else(|| problem(path, Some(1), format!("no `{n}` column in the header")))
        };
        let (metric, timestamp, value) = (
            need("metric_name")?,
            need("timestamp")?,
            need("metric_value")?,
        );
        let identity = (0..header.len())
            .filter(|i| *i != metric && *i != value && header[*i] != "metadata")
            .collect();
        Ok(K6Csv {
            path: path.to_path_buf(),
            columns: Columns {
                metric,
                timestamp,
                value,
                method: find("method"),
                name: find("name"),
                url: find("url"),
                status: find("status"),
                expected_response: find("expected_response"),
                error: find("error"),
                error_code: find("error_code"),
                check: find("check"),
                identity,
                metadata: find("metadata").is_some(),
                width: header.len(),
            },
            counts: RefCell::new(Counts::default()),
            parts: RefCell::new(None),
        })
    }
}

impl K6Csv {
    /// The counts of the last replay, whole or in parts.
    fn last_counts(&self) -> Counts {
        chunks::last_counts(&self.counts, &self.parts, |all, c| {
            all.orphans += c.orphans;
            all.checks.merge(&c.checks);
            all.truncated_last_line = all.truncated_last_line.or(c.truncated_last_line);
        })
    }

    /// Reads the samples of the file, or of one range of it, into `visit`.
    fn read(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<Counts, Problem> {
        let mut r = match range {
            Some(range) => csv::ReaderBuilder::new()
                .flexible(true)
                .has_headers(range.first())
                .from_reader(lf_endings(chunks::open(&self.path, range)?)),
            None => reader(&self.path)?,
        };
        let mut record = csv::StringRecord::new();
        let mut rows = Rows::default();
        // A row with fewer cells than the one before it (the header, for the first)
        // waits for the next: k6 writes every cell of a row, so at the end of the file
        // it is the row k6 was writing when it was killed (or the file was copied).
        let mut held: Option<csv::StringRecord> = None;
        let mut width = self.columns.width;
        let mut truncated_last_line = None;
        loop {
            match r.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map(|p| chunks::line_in_file(range, p.line()));
                    let p = problem(&self.path, line, format!("unreadable row: {e}"));
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        return Err(p);
                    }
                    visit(Observation::Malformed(p));
                    continue;
                }
            }
            let line = csv_rows::start_line(
                record.position(),
                record.as_byte_record().as_slice(),
                r.position(),
            );
            if let Some(mut p) = record.position().cloned() {
                p.set_line(line.unwrap_or(p.line()));
                record.set_position(Some(p));
            }
            if let Some(h) = held.take() {
                width = h.len();
                self.take_row(&h, range, &mut rows, visit);
            }
            if record.len() < width {
                held = Some(record.clone());
                continue;
            }
            width = record.len();
            self.take_row(&record, range, &mut rows, visit);
        }
        if let Some(h) = held {
            if range.is_none_or(|r| r.last) {
                let line = h.position().map_or(0, |p| p.line());
                truncated_last_line = Some(chunks::line_in_file(range, line));
            } else {
                self.take_row(&h, range, &mut rows, visit);
            }
        }
        rows.assembler.flush(visit);
        if rows.rows == 0 && range.is_none() {
            return Err(problem(&self.path, Some(1), "header only: no samples"));
        }
        Ok(Counts {
            orphans: rows.assembler.orphans,
            checks: rows.checks,
            truncated_last_line,
        })
    }

    /// Reads one row's sample into the request being assembled.
    fn take_row(
        &self,
        record: &csv::StringRecord,
        range: Option<&Range>,
        st: &mut Rows,
        visit: &mut dyn FnMut(Observation<'_>),
    ) {
        let c = &self.columns;
        st.rows += 1;
        let line = chunks::line_in_file(range, record.position().map_or(0, |p| p.line()));
        let bad = |why: String| Observation::Malformed(problem(&self.path, Some(line), why));
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        let metric = Metric::of(get(Some(c.metric)));
        if metric == Metric::Other {
            return;
        }
        if metric == Metric::Checks {
            let raw = get(Some(c.value));
            let Ok(value) = raw.trim().parse::<f64>() else {
                visit(bad(format!("bad metric_value `{raw}`")));
                return;
            };
            let passed = value != 0.0;
            st.checks
                .add(get(c.check), u64::from(passed), u64::from(!passed));
            return;
        }
        let ts = get(Some(c.timestamp));
        let Some(t_ms) = parse_k6_time(ts) else {
            visit(bad(format!("bad timestamp `{ts}`: want epoch or RFC 3339")));
            return;
        };
        let raw = get(Some(c.value));
        let Some(value) = raw.trim().parse().ok().filter(|v: &f64| v.is_finite()) else {
            visit(bad(format!("bad metric_value `{raw}`")));
            return;
        };
        if metric == Metric::Duration && value < 0.0 {
            visit(bad(format!(
                "http_req_duration {value} ms: a latency cannot be negative"
            )));
            return;
        }
        st.identity.clear();
        for i in &c.identity {
            st.identity.push_str(record.get(*i).unwrap_or(""));
            st.identity.push('\u{1f}');
        }
        let tags = Tags {
            method: get(c.method),
            name: get(c.name),
            url: get(c.url),
            status: get(c.status),
            expected_response: get(c.expected_response),
            error: get(c.error),
            error_code: get(c.error_code),
        };
        st.assembler
            .sample(metric, &st.identity, t_ms, value, &tags, visit);
    }

    /// True when `line` may start a part: an `http_reqs` sample that starts a request
    /// whatever came before, because the sample before it belongs to another request
    /// (other time or tags).
    fn starts_part(&self, before: &[u8], line: &[u8]) -> bool {
        let c = &self.columns;
        let read = |text: &[u8]| -> Option<csv::ByteRecord> {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text);
            let mut record = csv::ByteRecord::new();
            matches!(r.read_byte_record(&mut record), Ok(true)).then_some(record)
        };
        let (Some(before), Some(line)) = (read(before), read(line)) else {
            return false;
        };
        let metric = |r: &csv::ByteRecord| r.get(c.metric).unwrap_or_default().to_vec();
        let request = [&b"http_reqs"[..], b"http_req_duration", b"http_req_failed"];
        metric(&line) == b"http_reqs"
            && request.contains(&metric(&before).as_slice())
            && c.identity.iter().any(|i| before.get(*i) != line.get(*i))
    }
}

/// One byte range of a k6 CSV, read on its own thread.
struct K6Part {
    csv: K6Csv,
    range: Range,
    /// Where this part's counts go.
    counts: CountSlot<Counts>,
}

impl Replay for K6Part {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        self.counts.put(self.csv.read(Some(&self.range), visit)?);
        Ok(())
    }
}

impl Replay for K6Csv {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        *self.counts.borrow_mut() = self.read(None, visit)?;
        *self.parts.borrow_mut() = None;
        Ok(())
    }

    fn split(&self, parts: usize) -> Vec<Box<dyn Replay + Send>> {
        let Some(body) = chunks::header_end(&self.path) else {
            return Vec::new();
        };
        chunks::counted_parts(
            &self.path,
            parts,
            body,
            chunks::Quoting::Csv,
            &|before, line| self.starts_part(before, line),
            &self.parts,
            |range, counts| {
                Box::new(K6Part {
                    csv: K6Csv {
                        path: self.path.clone(),
                        columns: self.columns.clone(),
                        counts: RefCell::default(),
                        parts: RefCell::default(),
                    },
                    range,
                    counts,
                })
            },
        )
    }

    fn version_hint(&self) -> Option<String> {
        Some(
            if self.columns.metadata {
                "k6 CSV output with `metadata` column (k6 ≥ 0.41)"
            } else if self.columns.expected_response.is_some() {
                "k6 CSV output without `metadata` (k6 0.31 – 0.40)"
            } else {
                "k6 CSV output without `expected_response` (k6 < 0.31)"
            }
            .to_string(),
        )
    }

    fn notes(&self) -> Vec<String> {
        let c = self.last_counts();
        let mut notes = orphan_note(c.orphans);
        if let Some(line) = c.truncated_last_line {
            notes.push(format!(
                "the last row (line {line}) is incomplete (k6 stopped while writing?): left out"
            ));
        }
        notes
    }

    fn script_checks(&self) -> ScriptChecks {
        self.last_counts().checks
    }

    fn stopped_early(&self) -> Option<String> {
        let line = self.last_counts().truncated_last_line?;
        Some(format!(
            "{}: the CSV output's last row (line {line}) is cut mid-write: k6 was killed or is \
             still writing the file, so its results stop before the run's end",
            self.path.shown()
        ))
    }
}

/// The note about `http_req_failed` samples that matched no request.
pub fn orphan_note(orphans: u64) -> Vec<String> {
    if orphans == 0 {
        return Vec::new();
    }
    vec![format!(
        "{orphans} http_req_failed sample(s) did not follow their request's samples and were \
         not paired"
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_time_forms() {
        let ms = 1_619_922_931_000;
        for v in [
            "1619922931",
            "1619922931000",
            "1619922931000000",
            "1619922931000000000",
            "2021-05-02T02:35:31Z",
            "2021-05-02T04:35:31.000000000+02:00",
        ] {
            assert_eq!(parse_k6_time(v), Some(ms), "{v}");
        }
    }

    #[test]
    fn pairing_follows_identity_and_slots() {
        let mut a = Assembler::default();
        let mut seen: Vec<(String, Option<f64>, bool, Option<String>)> = Vec::new();
        let mut visit = |o: Observation<'_>| {
            if let Observation::Request(r) = o {
                seen.push((
                    r.name.to_string(),
                    r.latency_ms,
                    r.ok,
                    r.failure.map(|k| k.to_string()),
                ))
            }
        };
        let ok = Tags {
            name: "/a",
            status: "200",
            expected_response: "true",
            ..Default::default()
        };
        let bad = Tags {
            name: "/a",
            status: "503",
            expected_response: "false",
            ..Default::default()
        };
        // Two identical requests in the same second, then a failed one.
        for (m, v) in [
            (Metric::Reqs, 1.0),
            (Metric::Duration, 5.0),
            (Metric::Failed, 0.0),
        ] {
            a.sample(m, "1|/a|200", 1000, v, &ok, &mut visit);
        }
        for (m, v) in [
            (Metric::Reqs, 1.0),
            (Metric::Duration, 7.0),
            (Metric::Failed, 0.0),
        ] {
            a.sample(m, "1|/a|200", 1000, v, &ok, &mut visit);
        }
        for (m, v) in [
            (Metric::Reqs, 1.0),
            (Metric::Duration, 9.0),
            (Metric::Failed, 1.0),
        ] {
            a.sample(m, "1|/a|503", 1000, v, &bad, &mut visit);
        }
        a.flush(&mut visit);
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[1], ("/a".into(), Some(7.0), true, None));
        assert_eq!(seen[2].3.as_deref(), Some("status:503"));
        assert_eq!(a.orphans, 0);
    }

    #[test]
    fn transport_errors_by_code() {
        assert_eq!(failure_kind(Some(0), Some(1050), ""), FailureKind::Timeout);
        assert_eq!(failure_kind(Some(0), Some(1212), ""), FailureKind::Connect);
        assert_eq!(failure_kind(Some(0), Some(1220), ""), FailureKind::Reset);
        assert_eq!(failure_kind(Some(200), None, ""), FailureKind::Assertion);
    }
}
