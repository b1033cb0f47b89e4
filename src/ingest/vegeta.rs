//! vegeta results: `vegeta encode --to csv` (no header; 6, 7, 9 or 12
//! columns by version) and `--to json` (one object per line). Both stream from disk.
//!
//! Timestamps and latencies are **nanoseconds** (JSON timestamps are RFC 3339 with
//! nanoseconds). Code 0 means no answer: the error text says why (timeout, refused,
//! reset). A request succeeds when it has a status below 400 and no error text (vegeta
//! sets the error to the status line for codes outside 200–399). The endpoint is
//! `METHOD URL` where the file has them (v12.8+ CSV, JSON), else the attack name, else
//! the file's stem. Every row is a whole request: a large plain file is read in parts
//! cut at any line (`ReadsRanges`).
//!
//! `vegeta attack`'s default output is a Go *gob* stream, which cannot reasonably be
//! decoded outside Go: [`sniff_gob`] recognises it so it is rejected with the command
//! that converts it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use super::chunks::{Quoting, Range, ReadsRanges};
use super::csv_rows;
use super::summary::file_stem;
use super::text::parse_rfc3339_ms;
use super::{problem, Observation, RequestEvent};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{FailureKind, Problem};

/// The `vegeta-csv` format: how it is recognised and read.
pub const CSV: FormatSpec = FormatSpec {
    format: Format::VegetaCsv,
    name: "vegeta-csv",
    tool: "vegeta",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(VegetaResults::open(p)?))),
    splittable: true,
    notes: &[],
    detected_by: "headerless CSV: nanosecond timestamp, code, latency, bytes …",
    example: "vegeta encode --to csv < results.bin > results.csv",
};

/// The `vegeta-json` format: how it is recognised and read.
pub const JSON: FormatSpec = FormatSpec {
    format: Format::VegetaJson,
    name: "vegeta-json",
    tool: "vegeta",
    sniff: Sniff::Content(|h| sniff_json(h.text)),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(VegetaResults::open(p)?))),
    splittable: true,
    notes: &[],
    detected_by: "JSON lines with attack, seq, code, timestamp, latency",
    example: "vegeta encode --to json < results.bin > results.json",
};

/// True for a headerless vegeta CSV: `timestamp_ns,code,latency_ns,bytes_out,bytes_in,…`.
pub fn sniff(head: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re =
        RE.get_or_init(|| Regex::new(r"^\d{16,20},\d{1,3},\d+,\d+,\d+,").expect("static regex"));
    re.is_match(super::text::first_line(head))
}

/// True for vegeta's JSON lines: an object with `latency`, `bytes_in` and `timestamp`.
pub fn sniff_json(head: &str) -> bool {
    let line = super::text::first_line(head).trim_start();
    line.starts_with('{')
        && line.contains("\"latency\":")
        && line.contains("\"bytes_in\":")
        && line.contains("\"timestamp\":")
}

/// True for `vegeta attack`'s default gob output: a gob type definition naming
/// `Result` in the first bytes, with its field names in clear soon after.
pub fn sniff_gob(head: &[u8]) -> bool {
    let early = &head[..head.len().min(32)];
    let names = &head[..head.len().min(256)];
    let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    has(early, b"Result") && has(names, b"Latency") && has(names, b"Timestamp")
}

/// Why a gob file is not read, and how to convert it.
pub const GOB_REASON: &str = "vegeta binary (Go gob) results cannot be read outside Go: \
     convert them with `vegeta encode --to csv results.bin > results.csv` (or `--to json`)";

/// Which encoding a vegeta file uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Csv,
    Json,
}

/// An opened vegeta results file; rows stream on replay.
#[derive(Clone, Debug)]
pub struct VegetaResults {
    path: PathBuf,
    encoding: Encoding,
    /// Endpoint name when a row has no URL and no attack name.
    fallback_name: String,
}

impl VegetaResults {
    /// Opens a vegeta CSV or JSON-lines file (the encoding is read from its first line).
    pub fn open(path: &Path) -> Result<VegetaResults, Problem> {
        let head = super::text::read_head(path).map_err(|e| problem(path, None, e.to_string()))?;
        let text = super::text::normalize(&head);
        let encoding = if sniff_json(&text) {
            Encoding::Json
        } else if sniff(&text) {
            Encoding::Csv
        } else {
            return Err(problem(
                path,
                Some(1),
                "not a vegeta CSV (timestamp_ns,code,latency_ns,…) or JSON line",
            ));
        };
        Ok(VegetaResults {
            path: path.to_path_buf(),
            encoding,
            fallback_name: file_stem(path),
        })
    }
}

/// One result, whatever the encoding.
struct Row<'a> {
    t_ms: i64,
    code: u16,
    latency_ns: u64,
    bytes_in: u64,
    error: &'a str,
    attack: &'a str,
    method: Option<&'a str>,
    url: Option<&'a str>,
    line: u64,
}

impl VegetaResults {
    fn emit(&self, row: Row<'_>, visit: &mut dyn FnMut(Observation<'_>)) {
        let error = row.error.trim();
        let ok = row.code != 0 && row.code < 400 && error.is_empty();
        let failure = (!ok).then(|| {
            let status = (row.code != 0).then_some(row.code);
            FailureKind::classify(status, error)
        });
        let name = row
            .url
            .filter(|u| !u.is_empty())
            .or(Some(row.attack).filter(|a| !a.is_empty()))
            .unwrap_or(&self.fallback_name);
        visit(Observation::Request(RequestEvent {
            t_ms: row.t_ms,
            method: row.method.filter(|m| !m.is_empty()),
            name,
            // A request without an answer still has a measured time (until the error).
            latency_ms: Some(row.latency_ns as f64 / 1e6),
            ok,
            failure,
            error: Some(error).filter(|e| !e.is_empty()),
            bytes: Some(row.bytes_in),
            users: None,
            line: Some(row.line),
        }));
    }

    fn replay_csv(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<u64, Problem> {
        let reader = csv_rows::open_part(&self.path, range, false)?;
        csv_rows::for_each_row_in(&self.path, reader, range, visit, |row, visit| {
            if !matches!(row.fields(), 6 | 7 | 9 | 12) {
                return Err(row.bad(format!(
                    "{} fields: vegeta CSV rows have 6, 7, 9 or 12",
                    row.fields()
                )));
            }
            // The count is checked: every field read below is there.
            let text = |i: usize| -> Result<&str, Problem> {
                std::str::from_utf8(row.raw(i).unwrap_or_default())
                    .map(str::trim)
                    .map_err(|_| row.bad(format!("field {} is not UTF-8", i + 1)))
            };
            let int = |i: usize, what: &str| -> Result<u64, Problem> {
                row.check(text(i)?, what, "a whole number", |t| t.parse::<u64>().ok())
            };
            let ts_ns = int(0, "timestamp (ns)")?;
            let code = u16::try_from(int(1, "status code")?)
                .map_err(|_| row.bad("status code out of range"))?;
            let (attack, method, url) = match row.fields() {
                12 => (text(7)?, Some(text(9)?), Some(text(10)?)),
                9 => (text(7)?, None, None),
                _ => ("", None, None),
            };
            self.emit(
                Row {
                    t_ms: (ts_ns / 1_000_000) as i64,
                    code,
                    latency_ns: int(2, "latency (ns)")?,
                    bytes_in: int(4, "bytes in")?,
                    error: text(5)?,
                    attack,
                    method,
                    url,
                    line: row.line(),
                },
                visit,
            );
            Ok(())
        })
    }

    fn replay_json(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<u64, Problem> {
        /// The fields read; `body` and `headers` are skipped without being kept.
        #[derive(Deserialize)]
        struct JsonRow {
            #[serde(default)]
            attack: String,
            code: u16,
            timestamp: String,
            latency: u64,
            #[serde(default)]
            bytes_in: u64,
            #[serde(default)]
            error: String,
            #[serde(default)]
            method: Option<String>,
            #[serde(default)]
            url: Option<String>,
        }
        let mut lines = super::adapters::Lines::open_part(&self.path, range)?;
        let mut rows = 0u64;
        while let Some((line, bytes)) = lines.next_line()? {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let bad = |why: String| Observation::Malformed(problem(&self.path, Some(line), why));
            let row: JsonRow = match serde_json::from_slice(bytes) {
                Ok(row) => row,
                Err(e) => {
                    visit(bad(format!("not a vegeta JSON result: {e}")));
                    continue;
                }
            };
            let Some(t_ms) = parse_rfc3339_ms(&row.timestamp) else {
                visit(bad(format!(
                    "bad timestamp `{}`: want RFC 3339",
                    row.timestamp
                )));
                continue;
            };
            self.emit(
                Row {
                    t_ms,
                    code: row.code,
                    latency_ns: row.latency,
                    bytes_in: row.bytes_in,
                    error: &row.error,
                    attack: &row.attack,
                    method: row.method.as_deref(),
                    url: row.url.as_deref(),
                    line,
                },
                visit,
            );
            rows += 1;
        }
        Ok(rows)
    }
}

/// Any line may start a part: every row is a whole request.
impl ReadsRanges for VegetaResults {
    fn path(&self) -> &Path {
        &self.path
    }

    fn read_range(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<(), Problem> {
        let rows = match self.encoding {
            Encoding::Csv => self.replay_csv(range, visit)?,
            Encoding::Json => self.replay_json(range, visit)?,
        };
        if rows == 0 && range.is_none() {
            return Err(problem(&self.path, Some(1), "no results in the file"));
        }
        Ok(())
    }

    /// A quote in a JSON line (escaped in a string or not) never holds a newline.
    fn quoting(&self) -> Quoting {
        match self.encoding {
            Encoding::Csv => Quoting::Csv,
            Encoding::Json => Quoting::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Replay;
    use std::io::Write;

    /// (t_ms, endpoint key, latency ms, ok, failure kind)
    type Seen = (i64, String, f64, bool, Option<String>);

    fn rows(text: &str) -> Result<Vec<Seen>, Problem> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        let v = VegetaResults::open(f.path())?;
        let mut out = Vec::new();
        let mut bad = None;
        let outcome = v.replay(&mut |o| {
            if let Observation::Malformed(p) = o {
                bad.get_or_insert(p);
            } else if let Observation::Request(r) = o {
                let key = match r.method {
                    Some(m) => format!("{m} {}", r.name),
                    None => r.name.to_string(),
                };
                out.push((
                    r.t_ms,
                    key,
                    r.latency_ms.unwrap(),
                    r.ok,
                    r.failure.map(|k| k.to_string()),
                ));
            }
        });
        match bad {
            Some(p) => Err(p),
            None => outcome.map(|()| out),
        }
    }

    #[test]
    fn csv_generations() {
        let r = rows(
            "1700000000123456789,200,1500000,0,10,\"\"\n\
             1700000000200000000,0,30000000000,0,0,\"Get http://x: net/http: request canceled (Client.Timeout exceeded)\"\n",
        )
        .unwrap();
        assert_eq!(r[0].0, 1_700_000_000_123);
        assert!((r[0].2 - 1.5).abs() < 1e-9);
        assert_eq!(r[1].4.as_deref(), Some("timeout"));
        let r = rows(
            "1700000000123456789,503,2000000,0,10,503 Service Unavailable,,atk,7,POST,http://h/a,\n",
        )
        .unwrap();
        assert_eq!(r[0].1, "POST http://h/a");
        assert_eq!(r[0].4.as_deref(), Some("status:503"));
        let e = rows("1700000000123456789,200,1,0,10\n").unwrap_err();
        assert!(e.reason.contains("vegeta"), "{e}");
        let e =
            rows("1700000000123456789,200,1,0,10,,b,a,1\n1700000000123456789,200,x,0,10,,b,a,1\n")
                .unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn json_lines() {
        let r = rows(
            "{\"attack\":\"\",\"seq\":0,\"code\":200,\"timestamp\":\"2019-11-04T16:46:16.885395434+09:00\",\"latency\":1089318,\"bytes_out\":0,\"bytes_in\":12,\"error\":\"\",\"body\":\"aGk=\",\"method\":\"GET\",\"url\":\"http://h/\",\"headers\":{\"A\":[\"b\"]}}\n",
        )
        .unwrap();
        assert_eq!(r[0].0, 1_572_853_576_885);
        assert_eq!(r[0].1, "GET http://h/");
        assert!(r[0].3);
    }

    #[test]
    fn gob_is_recognised() {
        let mut head = vec![0xff, 0x96, 0x7f, 0x03, 0x01, 0x01, 0x06];
        head.extend_from_slice(
            b"Result\x01\xff\x80\x00\x01\x0c\x01\x06Attack Seq Code Timestamp Latency",
        );
        assert!(sniff_gob(&head));
        assert!(!sniff_gob(b"timeStamp,elapsed,label"));
    }
}
