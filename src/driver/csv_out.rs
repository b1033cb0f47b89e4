//! `requests.csv` (written with `--raw`): one row per request in headroom's generic
//! per-request CSV, streamed through a buffered writer.
//!
//! ```text
//! timestamp_ms,endpoint,method,latency_ms,status,success,error,users
//! 1700000000123,/api/v1/agents/{id},GET,12.345,200,true,,10
//! 1700000000456,/api/v1/agents/run,POST,5000.000,,false,timeout,10
//! ```
//!
//! `timestamp_ms` is the epoch ms of the request's start (its intended start in an
//! open-model stage), `endpoint` the path template, `status` empty for transport
//! errors, `error` the failure kind (empty on success), `users` the active users
//! (in-flight requests for an open-model stage).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::model::FailureKind;

/// Streams request rows.
pub struct RequestsCsv<W: Write> {
    out: W,
    /// Per-endpoint `endpoint,method` text, CSV-quoted as needed, written as is.
    prefixes: Vec<String>,
}

/// One row.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// Epoch ms of the (intended) start.
    pub timestamp_ms: i64,
    /// Endpoint index.
    pub endpoint: usize,
    /// Latency, µs.
    pub latency_us: u64,
    /// HTTP status, 0 for none.
    pub status: u16,
    /// Why it failed, if it did.
    pub failure: Option<FailureKind>,
    /// Active users (or in-flight requests).
    pub users: u32,
}

impl RequestsCsv<BufWriter<File>> {
    /// Creates the file; `endpoints` are the keys `METHOD /path`.
    pub fn create(path: &Path, endpoints: &[String]) -> io::Result<Self> {
        RequestsCsv::new(
            BufWriter::with_capacity(1 << 16, File::create(path)?),
            endpoints,
        )
    }
}

impl<W: Write> RequestsCsv<W> {
    /// Writes the header.
    pub fn new(mut out: W, endpoints: &[String]) -> io::Result<Self> {
        writeln!(
            out,
            "timestamp_ms,endpoint,method,latency_ms,status,success,error,users"
        )?;
        let prefixes = endpoints
            .iter()
            .map(|k| {
                let (method, path) = k.split_once(' ').unwrap_or(("", k));
                format!("{},{}", quote(path), quote(method))
            })
            .collect();
        Ok(RequestsCsv { out, prefixes })
    }

    /// Writes one row.
    pub fn row(&mut self, r: &Row) -> io::Result<()> {
        let prefix = self.prefixes.get(r.endpoint).map_or("", String::as_str);
        let (ms, frac) = (r.latency_us / 1000, r.latency_us % 1000);
        write!(self.out, "{},{prefix},{ms}.{frac:03},", r.timestamp_ms)?;
        if r.status != 0 {
            write!(self.out, "{}", r.status)?;
        }
        match r.failure {
            None => writeln!(self.out, ",true,,{}", r.users),
            Some(k) => writeln!(self.out, ",false,{k},{}", r.users),
        }
    }

    /// Flushes.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows() {
        let mut w =
            RequestsCsv::new(Vec::new(), &["GET /a/{id}".into(), "POST /b,c".into()]).unwrap();
        w.row(&Row {
            timestamp_ms: 5,
            endpoint: 0,
            latency_us: 12_345,
            status: 200,
            failure: None,
            users: 3,
        })
        .unwrap();
        w.row(&Row {
            timestamp_ms: 6,
            endpoint: 1,
            latency_us: 7,
            status: 0,
            failure: Some(FailureKind::Timeout),
            users: 3,
        })
        .unwrap();
        let text = String::from_utf8(w.into_inner()).unwrap();
        assert_eq!(
            text,
            "timestamp_ms,endpoint,method,latency_ms,status,success,error,users\n\
             5,/a/{id},GET,12.345,200,true,,3\n6,\"/b,c\",POST,0.007,,false,timeout,3\n"
        );
    }
}
