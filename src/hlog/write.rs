//! The interval-log writer: headroom's one, for the driver's `latency.hlog`, in the
//! fixed form the module doc shows (ingest's reader round-trips it in its tests).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hdrhistogram::serialization::{Serializer as _, V2DeflateSerializer};
use hdrhistogram::Histogram;

use super::{encode_tag_into, FAILURES_PREFIX, FORMAT_VERSION, TAG_PREFIX, VERSION_COMMENT};
use crate::model::FailureKind;

/// Writes an interval log, one line at a time, flushing after each interval.
pub struct HlogWriter<W: Write> {
    out: W,
    serializer: V2DeflateSerializer,
    bytes: Vec<u8>,
    line: String,
}

impl HlogWriter<BufWriter<File>> {
    /// Creates `path` and writes the header.
    pub fn create(path: &Path, start: SystemTime) -> io::Result<Self> {
        HlogWriter::new(BufWriter::new(File::create(path)?), start)
    }
}

impl<W: Write> HlogWriter<W> {
    /// Writes the header to `out`.
    pub fn new(mut out: W, start: SystemTime) -> io::Result<Self> {
        // Whole milliseconds, so the number and the RFC 3339 text agree exactly.
        let ms = start
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let start = UNIX_EPOCH + std::time::Duration::from_millis(ms as u64);
        writeln!(out, "#[Logged with headroom {}]", env!("CARGO_PKG_VERSION"))?;
        writeln!(out, "{VERSION_COMMENT} {FORMAT_VERSION}]")?;
        writeln!(
            out,
            "#[StartTime: {}.{:03} (seconds since epoch), {}]",
            ms / 1000,
            ms % 1000,
            humantime::format_rfc3339_millis(start)
        )?;
        // BaseTime = StartTime: Java's reader (and the hdrhistogram crate's) adds
        // BaseTime to every interval start, which is relative to StartTime here.
        writeln!(
            out,
            "#[BaseTime: {}.{:03} (seconds since epoch)]",
            ms / 1000,
            ms % 1000
        )?;
        writeln!(out, "#[unit: us]")?;
        writeln!(out, "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"")?;
        out.flush()?;
        Ok(HlogWriter {
            out,
            serializer: V2DeflateSerializer::new(),
            bytes: Vec::new(),
            line: String::new(),
        })
    }

    /// One interval line for one tag. `h` holds µs values.
    pub fn interval(
        &mut self,
        tag: &str,
        start_s: f64,
        len_s: f64,
        h: &Histogram<u64>,
    ) -> io::Result<()> {
        self.bytes.clear();
        self.serializer
            .serialize(h, &mut self.bytes)
            .map_err(|e| io::Error::other(format!("histogram serialisation: {e:?}")))?;
        self.line.clear();
        self.line.push_str(TAG_PREFIX);
        encode_tag_into(tag, &mut self.line);
        let max_ms = if h.is_empty() {
            0.0
        } else {
            h.max() as f64 / 1000.0
        };
        let _ = write!(self.line, ",{start_s:.3},{len_s:.3},{max_ms:.3},");
        base64::engine::general_purpose::STANDARD.encode_string(&self.bytes, &mut self.line);
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }

    /// The failures of one interval × tag, as a comment line; nothing when empty.
    pub fn failures(
        &mut self,
        tag: &str,
        start_s: f64,
        kinds: &[(FailureKind, u64)],
    ) -> io::Result<()> {
        if kinds.is_empty() {
            return Ok(());
        }
        self.line.clear();
        self.line.push_str(FAILURES_PREFIX);
        self.line.push(' ');
        self.line.push_str(TAG_PREFIX);
        encode_tag_into(tag, &mut self.line);
        let _ = write!(self.line, ",{start_s:.3},");
        for (i, (kind, n)) in kinds.iter().enumerate() {
            if i > 0 {
                self.line.push(';');
            }
            let _ = write!(self.line, "{kind}={n}");
        }
        self.line.push_str("]\n");
        self.out.write_all(self.line.as_bytes())
    }

    /// A free comment line `#[text]`.
    pub fn comment(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "#[{text}]")
    }

    /// Flushes what was written (called as each interval closes).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hdrhistogram::serialization::Deserializer;

    #[test]
    fn writes_the_documented_format() {
        let mut h = Histogram::<u64>::new(3).unwrap();
        h.record(1500).unwrap();
        h.record(2500).unwrap();
        let start = UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_123);
        let mut w = HlogWriter::new(Vec::new(), start).unwrap();
        w.interval("GET /a,b%", 1.0, 1.0, &h).unwrap();
        w.failures(
            "GET /a,b%",
            1.0,
            &[(FailureKind::Status(503), 4), (FailureKind::Timeout, 1)],
        )
        .unwrap();
        let text = String::from_utf8(w.into_inner()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[2],
            "#[StartTime: 1700000000.123 (seconds since epoch), 2023-11-14T22:13:20.123Z]"
        );
        assert_eq!(lines[4], "#[unit: us]");
        let fields: Vec<&str> = lines[6].splitn(5, ',').collect();
        assert_eq!(
            &fields[..4],
            ["Tag=GET%20/a%2Cb%25", "1.000", "1.000", "2.501"]
        );
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(fields[4])
            .unwrap();
        let back: Histogram<u64> = Deserializer::new().deserialize(&mut &bytes[..]).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(
            lines[7],
            "#[failures: Tag=GET%20/a%2Cb%25,1.000,status:503=4;timeout=1]"
        );
    }
}
