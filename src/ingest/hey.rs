//! hey's per-request CSV (`hey -o csv`): header
//! `response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset`,
//! durations in **seconds**, `offset` = seconds since the test started.
//!
//! hey writes only requests that got a response (it drops transport errors from the
//! CSV), and no clock times: requests are placed at their offset from 1970-01-01, and
//! the source says so. The file names no URL, so the endpoint is the file's stem.
//! Columns are found by name, so a reordered or extended header still reads.
//!
//! A re-run appended to the same file (`hey -o csv URL >> hey.csv`) repeats the header
//! and starts its offsets at 0 again: only the first run is read (its rows end at the
//! repeated header), and the source says the file holds runs it leaves out, so two
//! runs are never overlaid on one clock as one run at twice the rate.
//!
//! hey writes its CSV also when stopped with Ctrl-C: a command saved beside the file
//! (`hey_command.rs`) that started it for far more requests, or a longer `-z`, than
//! the file holds makes the run incomplete.

use crate::model::untrusted::Shown;
use std::path::{Path, PathBuf};

use super::chunks::{Range, ReadsRanges};
use super::csv_rows::{self, Header};
use super::summary::file_stem;
use super::text::{first_line, header_cells};
use super::{Observation, RequestEvent};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{FailureKind, Problem};

/// The `hey-csv` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::HeyCsv,
    name: "hey-csv",
    tool: "hey",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(HeyCsv::open(p)?))),
    splittable: true,
    notes: &[
        "hey's CSV lists only requests that got a response (transport errors are left \
         out by hey) and times them from the test's start, not by the clock: times are \
         shown from 1970-01-01T00:00:00Z, the test's start",
    ],
    detected_by: "CSV header response-time,DNS+dialup,…,status-code,offset",
    example: "hey -o csv URL > hey.csv",
};

/// True for hey's CSV header.
pub fn sniff(head: &str) -> bool {
    if first_line(head).starts_with("response-time,DNS+dialup") {
        return true;
    }
    let cells = header_cells(first_line(head));
    let has = |n: &str| cells.iter().any(|c| c == n);
    has("response-time") && has("status-code") && has("offset") && has("DNS+dialup")
}

/// An opened hey CSV (header read; rows stream on replay).
#[derive(Clone, Debug)]
pub struct HeyCsv {
    path: PathBuf,
    name: String,
    /// The method of the command's `-m`, when it gives one.
    method: Option<String>,
    response_time: usize,
    status: usize,
    offset: usize,
    /// The line of the first repeated header (a re-run appended), where the first
    /// run's rows end, and how many runs the file holds.
    rerun: Option<(u64, u64)>,
    /// Why the run stopped short of what the command saved beside it asked for.
    stopped: Option<String>,
    /// `-c` of the command saved beside it (hey's CSV has no users), and where from;
    /// none for a run paced with `-q` (its workers only cap what is in flight).
    users: Option<(u32, String)>,
    /// The planned rate (`-q` × `-c`) of a paced run, and where from.
    paced: Option<(f64, String)>,
}

impl HeyCsv {
    /// Opens the file and finds its columns.
    pub fn open(path: &Path) -> Result<HeyCsv, Problem> {
        let mut reader = csv_rows::open(path, true)?;
        let header = Header::read(path, &mut reader)?;
        let need = |n: &str| header.need(n, "hey's");
        let (response_time, offset) = (need("response-time")?, need("offset")?);
        let scan = scan(path, [response_time, offset]);
        let cmd = super::hey_command::csv_command(path);
        let stopped = (cmd.as_ref())
            .and_then(|c| super::hey_command::csv_stopped_early(c, path, scan.rows, scan.ran_s));
        // The command's URL names the endpoint, as the summary's does; else the file's name.
        let (method, name) = match cmd.as_ref().and_then(|c| c.url.clone()) {
            Some((method, url)) => (method, url),
            None => (None, file_stem(path)),
        };
        Ok(HeyCsv {
            path: path.to_path_buf(),
            name,
            method,
            response_time,
            status: need("status-code")?,
            offset,
            rerun: scan.rerun,
            stopped,
            paced: (cmd.as_ref()).and_then(|c| c.rate.map(|r| (r, c.from.clone()))),
            users: cmd.filter(|c| c.rate.is_none()).map(|c| (c.users, c.from)),
        })
    }
}

/// What one pass over a hey CSV finds before its rows are read.
#[derive(Default)]
struct Scan {
    /// The 1-based line of the first line after the header's that repeats it
    /// line (a re-run appended with `>>`), and the number of runs.
    rerun: Option<(u64, u64)>,
    /// The first run's rows.
    rows: u64,
    /// When the first run's last answer came, in seconds from its start (the latest
    /// `offset` + `response-time` of its readable rows).
    ran_s: Option<f64>,
}

/// Scans the file at `path` whose `[response-time, offset]` columns are `cols`; an
/// unreadable file scans as empty (its rows' reader says why).
fn scan(path: &Path, cols: [usize; 2]) -> Scan {
    use std::io::BufRead;
    let mut out = Scan::default();
    let Ok(mut reader) = super::adapters::open_decompressed(path) else {
        return out;
    };
    let mut line = Vec::new();
    let (mut header, mut no, mut runs) = (Vec::new(), 0u64, 1u64);
    while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
        no += 1;
        let text = line.trim_ascii();
        if header.is_empty() {
            // Lines above the header read blank (`preamble.rs`).
            header = text.to_vec();
        } else if text == header.as_slice() {
            out.rerun.get_or_insert((no, 0));
            runs += 1;
        } else if out.rerun.is_none() && !text.is_empty() {
            out.rows += 1;
            let cells: Vec<&[u8]> = text.split(|b| *b == b',').collect();
            let secs = |i: usize| {
                let cell = std::str::from_utf8(cells.get(i)?).ok()?;
                cell.trim().parse::<f64>().ok().filter(|v| v.is_finite())
            };
            if let (Some(took), Some(at)) = (secs(cols[0]), secs(cols[1])) {
                out.ran_s = Some(out.ran_s.map_or(at + took, |r: f64| r.max(at + took)));
            }
        }
        line.clear();
    }
    out.rerun = out.rerun.map(|(line, _)| (line, runs));
    out
}

impl ReadsRanges for HeyCsv {
    fn path(&self) -> &Path {
        &self.path
    }

    /// The tool writes only answered requests to this file.
    fn sees_transport_errors(&self) -> bool {
        false
    }

    fn stopped_early(&self) -> Option<String> {
        self.stopped.clone()
    }

    fn notes(&self) -> Vec<String> {
        let users = (self.users.iter()).map(|(users, from)| {
            format!("hey's CSV has no -c; its {users} users are read from {from}")
        });
        let paced = (self.paced.iter()).map(|(rate, from)| {
            format!(
                "hey was paced with -q ({from}): a planned {rate} req/s in all (-q × -c), its \
                 workers only capping what is in flight, so the stage has no users; the CSV \
                 carries no rate, so name the stage dir by it (`{rate}rps`) or give the \
                 stage's arrival_rate_rps in run.toml for it to be the stage's"
            )
        });
        users.chain(paced).collect()
    }

    fn runs_left_out(&self) -> Option<String> {
        let (line, runs) = self.rerun?;
        Some(format!(
            "{} holds {runs} runs (hey's header is repeated at line {line}: a re-run appended \
             with `>>`); only the first (to line {}) is read. Write each run to a file of its \
             own (one run dir each) to analyse the others",
            self.path.shown(),
            line - 1
        ))
    }

    fn read_range(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<(), Problem> {
        let reader = csv_rows::open_part(&self.path, range, true)?;
        let end = self.rerun.map_or(u64::MAX, |(line, _)| line);
        let rows =
            csv_rows::for_each_text_row_in(&self.path, reader, range, visit, |row, visit| {
                if row.line() >= end {
                    return Ok(());
                }
                let latency_s = row.seconds(self.response_time, "response-time")?;
                let offset_s = row.seconds(self.offset, "offset")?;
                // A missing status reads as empty, hence a bad status-code.
                let code =
                    row.check(row.get(self.status).unwrap_or(""), "status-code", "", |t| {
                        t.parse::<u16>().ok()
                    })?;
                let ok = (100..400).contains(&code);
                visit(Observation::Request(RequestEvent {
                    t_ms: (offset_s * 1000.0).round() as i64,
                    method: self.method.as_deref(),
                    name: &self.name,
                    latency_ms: Some(latency_s * 1000.0),
                    ok,
                    failure: (!ok).then(|| FailureKind::classify(Some(code), "")),
                    error: None,
                    bytes: None,
                    users: self.users.as_ref().map(|u| f64::from(u.0)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Replay;
    use std::io::Write;

    #[test]
    fn reads_rows_and_names_bad_lines() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        write!(
            f,
            "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n\
             0.0123,0.0010,0.0001,0.0000,0.0110,0.0002,200,0.0005\n\
             0.5000,0.0000,0.0000,0.0000,0.4990,0.0001,503,1.2500"
        )
        .unwrap();
        let hey = HeyCsv::open(f.path()).unwrap();
        let mut seen = Vec::new();
        hey.replay(&mut |o| {
            if let Observation::Request(r) = o {
                seen.push((
                    r.t_ms,
                    r.latency_ms.unwrap(),
                    r.failure.map(|k| k.to_string()),
                ));
            }
        })
        .unwrap();
        assert_eq!(seen.len(), 2);
        assert!((seen[0].1 - 12.3).abs() < 1e-9);
        assert_eq!(seen[1].0, 1250);
        assert_eq!(seen[1].2.as_deref(), Some("status:503"));

        let mut g = tempfile::NamedTempFile::new().unwrap();
        write!(
            g,
            "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n\
             0.1,0,0,0,0,0,200,0.1\nfast,0,0,0,0,0,200,0.2\n"
        )
        .unwrap();
        let mut bad = Vec::new();
        HeyCsv::open(g.path())
            .unwrap()
            .replay(&mut |o| {
                if let Observation::Malformed(p) = o {
                    bad.push(p);
                }
            })
            .unwrap();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, Some(3));
    }
}
