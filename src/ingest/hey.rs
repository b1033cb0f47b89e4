//! hey's per-request CSV (`hey -o csv`, FORMATS.md §7): header
//! `response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset`,
//! durations in **seconds**, `offset` = seconds since the test started.
//!
//! hey writes only requests that got a response (it drops transport errors from the
//! CSV), and no clock times: requests are placed at their offset from 1970-01-01, and
//! the source says so. The file names no URL, so the endpoint is the file's stem.
//! Columns are found by name, so a reordered or extended header still reads.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use super::summary::file_stem;
use super::text::{first_line, header_cells};
use super::{problem, Observation, Replay, RequestEvent};
use crate::model::{FailureKind, Problem};

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
    response_time: usize,
    status: usize,
    offset: usize,
}

impl HeyCsv {
    /// Opens the file and finds its columns.
    pub fn open(path: &Path) -> Result<HeyCsv, Problem> {
        let mut reader = reader(path)?;
        let headers = reader
            .headers()
            .map_err(|e| problem(path, Some(1), format!("unreadable header: {e}")))?
            .clone();
        let find = |n: &str| {
            headers
                .iter()
                .position(|c| c.trim() == n)
                .ok_or_else(|| problem(path, Some(1), format!("no `{n}` column in hey's header")))
        };
        Ok(HeyCsv {
            path: path.to_path_buf(),
            name: file_stem(path),
            response_time: find("response-time")?,
            status: find("status-code")?,
            offset: find("offset")?,
        })
    }
}

fn reader(path: &Path) -> Result<csv::Reader<BufReader<File>>, Problem> {
    let file = File::open(path).map_err(|e| problem(path, None, e.to_string()))?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 16, file)))
}

impl Replay for HeyCsv {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        let mut reader = reader(&self.path)?;
        let mut record = csv::StringRecord::new();
        let mut rows = 0u64;
        loop {
            let line = reader.position().line();
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(line);
                    return Err(problem(
                        &self.path,
                        Some(line),
                        format!("unreadable row: {e}"),
                    ));
                }
            }
            let line = record.position().map(|p| p.line()).unwrap_or(line);
            let bad = |why: String| problem(&self.path, Some(line), why);
            let seconds = |i: usize, what: &str| -> Result<f64, Problem> {
                let t = record.get(i).map(str::trim).ok_or_else(|| {
                    bad(format!(
                        "row has {} fields, the header has more",
                        record.len()
                    ))
                })?;
                t.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .ok_or_else(|| bad(format!("bad {what} `{t}`: want seconds ≥ 0")))
            };
            let latency_s = seconds(self.response_time, "response-time")?;
            let offset_s = seconds(self.offset, "offset")?;
            let code_text = record.get(self.status).map(str::trim).unwrap_or("");
            let code: u16 = code_text
                .parse()
                .map_err(|_| bad(format!("bad status-code `{code_text}`")))?;
            let ok = (100..400).contains(&code);
            visit(Observation::Request(RequestEvent {
                t_ms: (offset_s * 1000.0).round() as i64,
                method: None,
                name: &self.name,
                latency_ms: Some(latency_s * 1000.0),
                ok,
                failure: (!ok).then(|| FailureKind::classify(Some(code), "")),
                error: None,
                bytes: None,
                users: None,
            }));
            rows += 1;
        }
        if rows == 0 {
            return Err(problem(&self.path, Some(1), "header only: no request rows"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let e = HeyCsv::open(g.path())
            .unwrap()
            .replay(&mut |_| {})
            .unwrap_err();
        assert_eq!(e.line, Some(3));
    }
}
