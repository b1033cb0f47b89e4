//! oha's JSON summary (`oha --output-format json`; its layout is oha's
//! `src/printer.rs`). Durations are **seconds**.
//!
//! * Requests are every answered request (`statusCodeDistribution`) plus every
//!   transport error (`errorDistribution`) — except `aborted due to deadline`: those are
//!   the requests still in flight when `-z` ended the test, which oha itself leaves out
//!   of its success rate; a note gives their number.
//! * Failures: answers with status ≥ 400 (`status:NNN`) and transport errors (kind
//!   from the message: timeout, connect, reset, other).
//! * Latency is oha's own summary (`latencyPercentiles` p10…p99.99, fastest, slowest,
//!   average) over the answered requests. oha's `responseTimeHistogram` has only 11
//!   linear bins, far too coarse to rebuild a distribution from, so it is not used.
//! * The file names no URL: the endpoint is the file's stem.
//!
//! `--output-format csv` ([`OhaCsv`]) is per-request and streams: header
//! `request-start,DNS,DNS+dialup,Response-delay,request-duration,bytes,status`, seconds,
//! `request-start` counted from the test's start (requests are placed from 1970-01-01,
//! and the source says so). oha writes only answered requests to it (any status).

use crate::model::untrusted::Shown;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::chunks::{Range, ReadsRanges};
use super::csv_rows::{self, Header};
use super::summary::{add_counts, endpoint, file_stem, read_json, ToolSummary};
use super::{problem, Observation, RequestEvent};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem};

/// The `oha-json` format: how it is recognised and read.
pub const JSON: FormatSpec = FormatSpec {
    format: Format::OhaJson,
    name: "oha-json",
    tool: "oha",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[],
    detected_by: "JSON object with summary.successRate and requestsPerSec",
    example: "oha --output-format json URL > oha.json",
};

/// The `oha-csv` format: how it is recognised and read.
pub const CSV: FormatSpec = FormatSpec {
    format: Format::OhaCsv,
    name: "oha-csv",
    tool: "oha",
    sniff: Sniff::Content(|h| sniff_csv(h.text)),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(OhaCsv::open(p)?))),
    splittable: true,
    notes: &[
        "oha's CSV lists only answered requests (transport errors are left out by oha) \
         and times them from the test's start, not by the clock: times are shown from \
         1970-01-01T00:00:00Z, the test's start",
    ],
    detected_by: "CSV header request-start,DNS,DNS+dialup,…",
    example: "oha --output-format csv URL > oha.csv",
};

/// True for oha's JSON: an object with oha's summary keys (`successRate`,
/// `requestsPerSec`). oha writes `summary` first, but key order is not relied on.
pub fn sniff(head: &str) -> bool {
    let c = compact(head);
    c.starts_with("{\"summary\":{\"successRate\"")
        || c.starts_with('{')
            && head.contains("\"successRate\"")
            && (head.contains("\"requestsPerSec\"") || head.contains("\"latencyPercentiles\""))
}

/// The first bytes of a JSON text with whitespace removed (for key-order sniffing).
pub fn compact(head: &str) -> String {
    head.chars()
        .filter(|c| !c.is_whitespace())
        .take(256)
        .collect()
}

/// The error oha records for requests cut off by the `-z` deadline.
const DEADLINE: &str = "aborted due to deadline";

fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let json = read_json(path)?;
    let bad = |why: &str| problem(path, None, why.to_string());
    let summary = json
        .get("summary")
        .filter(|s| s.is_object())
        .ok_or_else(|| bad("no `summary` object"))?;
    let secs = |v: &Value, key: &str| v.get(key).and_then(Value::as_f64).filter(|x| x.is_finite());

    let mut answered = 0u64;
    let mut failures: Vec<(FailureKind, u64, String)> = Vec::new();
    for (code, n) in counts(
        json.get("statusCodeDistribution"),
        path,
        "statusCodeDistribution",
    )? {
        let status: u16 = code
            .parse()
            .map_err(|_| bad(&format!("status code `{code}` is not a number")))?;
        answered = add_counts(path, None, "`statusCodeDistribution`'s counts", answered, n)?;
        if status >= 400 {
            failures.push((FailureKind::Status(status), n, String::new()));
        }
    }
    let mut aborted = 0u64;
    let mut errors = 0u64;
    for (message, n) in counts(json.get("errorDistribution"), path, "errorDistribution")? {
        if message.trim().eq_ignore_ascii_case(DEADLINE) {
            aborted = add_counts(path, None, "`errorDistribution`'s counts", aborted, n)?;
            continue;
        }
        errors = add_counts(path, None, "`errorDistribution`'s counts", errors, n)?;
        failures.push((FailureKind::classify(None, &message), n, message));
    }

    let mut points: Vec<(f64, f64)> = json
        .get("latencyPercentiles")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    let p: f64 = k.strip_prefix('p')?.parse().ok()?;
                    let s = v.as_f64()?;
                    Some((p, s * 1000.0))
                })
                .collect()
        })
        .unwrap_or_default();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let has_answers = answered > 0;
    let ms = |key: &str| {
        secs(summary, key)
            .filter(|_| has_answers)
            .map(|s| s * 1000.0)
    };
    let latency = LatencyDistribution::Summary(PercentileSummary {
        sd_ms: None,
        count: answered,
        mean_ms: ms("average"),
        min_ms: ms("fastest"),
        max_ms: ms("slowest"),
        points,
        merged: false,
        co_corrected: false,
    });

    let mut ep = endpoint(
        EndpointKey::new(None, &file_stem(path)),
        add_counts(
            path,
            None,
            "the answered requests and errors",
            answered,
            errors,
        )?,
        latency,
    );
    for (kind, n, message) in failures {
        ep.failures = add_counts(path, None, "the failure counts", ep.failures, n)?;
        ep.add_failure(
            kind,
            Some(&message).filter(|m| !m.is_empty()).map(String::as_str),
            n,
        );
    }
    ep.bytes_received = summary.get("totalData").and_then(Value::as_u64);
    let mut out = ToolSummary::new("oha");
    out.duration_s = secs(summary, "total").filter(|t| *t > 0.0);
    out.endpoints.push(ep);
    if aborted > 0 {
        out.notes.push(format!(
            "{}: {aborted} request(s) were still in flight when oha's -z deadline ended the \
             test (`{DEADLINE}`); like oha, headroom does not count them",
            path.shown()
        ));
    }
    Ok(out)
}

/// A `{"key": count}` object as pairs; absent is empty.
fn counts(v: Option<&Value>, path: &Path, what: &str) -> Result<Vec<(String, u64)>, Problem> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let map = v
        .as_object()
        .ok_or_else(|| problem(path, None, format!("`{what}` is not an object")))?;
    map.iter()
        .map(|(k, n)| {
            n.as_u64()
                .map(|n| (k.clone(), n))
                .ok_or_else(|| problem(path, None, format!("`{what}.{k}` is not a count")))
        })
        .collect()
}

/// True for oha's per-request CSV header.
pub fn sniff_csv(head: &str) -> bool {
    super::text::first_line(head).starts_with("request-start,DNS,DNS+dialup,Response-delay")
}

/// An opened oha CSV (header read; rows stream on replay).
#[derive(Clone, Debug)]
pub struct OhaCsv {
    path: PathBuf,
    name: String,
    start: usize,
    duration: usize,
    bytes: Option<usize>,
    status: usize,
}

impl OhaCsv {
    /// Opens the file and finds its columns.
    pub fn open(path: &Path) -> Result<OhaCsv, Problem> {
        let mut reader = csv_rows::open(path, true)?;
        let header = Header::read(path, &mut reader)?;
        let need = |n: &str| header.need(n, "oha's");
        Ok(OhaCsv {
            path: path.to_path_buf(),
            name: file_stem(path),
            start: need("request-start")?,
            duration: need("request-duration")?,
            bytes: header.find("bytes"),
            status: need("status")?,
        })
    }
}

impl ReadsRanges for OhaCsv {
    fn path(&self) -> &Path {
        &self.path
    }

    /// The tool writes only answered requests to this file.
    fn sees_transport_errors(&self) -> bool {
        false
    }

    fn read_range(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<(), Problem> {
        let reader = csv_rows::open_part(&self.path, range, true)?;
        let rows =
            csv_rows::for_each_text_row_in(&self.path, reader, range, visit, |row, visit| {
                let start_s = row.seconds(self.start, "request-start")?;
                let duration_s = row.seconds(self.duration, "request-duration")?;
                let code = row.value(self.status, "status", "", |t| t.parse::<u16>().ok())?;
                let bytes = match self.bytes {
                    Some(i) => Some(
                        row.text(i)?
                            .parse::<u64>()
                            .map_err(|_| row.bad("bad bytes"))?,
                    ),
                    None => None,
                };
                let ok = (100..400).contains(&code);
                visit(Observation::Request(RequestEvent {
                    t_ms: (start_s * 1000.0).round() as i64,
                    method: None,
                    name: &self.name,
                    latency_ms: Some(duration_s * 1000.0),
                    ok,
                    failure: (!ok).then(|| FailureKind::classify(Some(code), "")),
                    error: None,
                    bytes,
                    users: None,
                    line: Some(row.line()),
                }));
                Ok(())
            })?;
        if rows == 0 && range.is_none() {
            return Err(csv_rows::header_only(&self.path));
        }
        Ok(())
    }
}
