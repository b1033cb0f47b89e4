//! The `.hlog` adapter: HdrHistogram interval logs (any writer's: headroom's driver,
//! jHiccup, wrk2, the C and Go ports) read into per-interval µs histograms through the
//! codec in `crate::hlog`, which decodes the lines, header, tags and histogram blobs.
//! What is here is what makes a log an input: its [`FormatSpec`], the file read
//! (bounded), a decoding error as a [`Problem`] at its line (a last line cut mid-way
//! is a problem too, and the whole intervals before it are kept), the decoder's doubts
//! as warnings, and the intervals replayed as observations.

use std::path::{Path, PathBuf};

use super::{problem, Observation, Replay, TimeUnit};
use crate::hlog::{decode_log, looks_like_hlog, HlogInterval};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::Problem;

#[cfg(test)]
mod tests;

/// The `hdr-log` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::HdrLog,
    name: "hdr-log",
    tool: "hdr-log",
    sniff: Sniff::Content(|h| looks_like_hlog(h.text)),
    reads_gzip: false,
    reader: Reader::Replay(|p, opts, problems| {
        let h = read_hlog(p, opts.hlog_unit)?;
        for w in &h.warnings {
            problems.push(crate::ingest::problem(p, None, format!("warning: {w}")));
        }
        problems.extend(h.cut.clone());
        Ok(Box::new(h))
    }),
    splittable: false,
    notes: &[],
    detected_by: "#[Histogram log format version …] or Tag=/StartTime lines of base64 histograms",
    example: "jHiccup -l run.hlog; wrk2/HdrHistogram log writers",
};

/// A whole interval log, decoded.
#[derive(Clone, Debug)]
pub struct HlogFile {
    /// The file read.
    pub path: PathBuf,
    /// `#[Histogram log format version X]`, when present.
    pub format_version: Option<String>,
    /// Unit the values were recorded in (a `#[unit: …]` comment, else the caller's default).
    pub unit: TimeUnit,
    /// Intervals in file order.
    pub intervals: Vec<HlogInterval>,
    /// Doubts that did not stop the read (e.g. a unit that disagrees with `Interval_Max`).
    pub warnings: Vec<String>,
    /// The last line, when it cannot be read after whole intervals (the log was cut
    /// mid-line): a problem at that line; the intervals before it are read.
    pub cut: Option<Problem>,
}

impl Replay for HlogFile {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        for iv in &self.intervals {
            visit(Observation::Histogram {
                key: iv.key.clone(),
                start_ms: iv.start_ms,
                end_ms: iv.end_ms,
                histogram: &iv.histogram,
                failures: &iv.failures,
            });
        }
        Ok(())
    }
}

/// Reads and decodes an interval log. `default_unit` applies unless the log carries
/// headroom's `#[unit: …]` comment.
pub fn read_hlog(path: &Path, default_unit: TimeUnit) -> Result<HlogFile, Problem> {
    let bytes = super::limits::read_whole(path)
        .map_err(|e| problem(path, None, format!("cannot read: {e}")))?;
    parse_hlog(path, &bytes, default_unit)
}

/// Decodes an interval log already in memory; `path` names it in problems and gives
/// untagged intervals their endpoint name.
pub fn parse_hlog(path: &Path, bytes: &[u8], default_unit: TimeUnit) -> Result<HlogFile, Problem> {
    let text = String::from_utf8_lossy(bytes);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let log =
        decode_log(&text, &stem, default_unit).map_err(|e| problem(path, e.line, e.reason))?;
    Ok(HlogFile {
        path: path.to_path_buf(),
        format_version: log.format_version,
        unit: log.unit,
        cut: log.cut.map(|e| {
            problem(
                path,
                e.line,
                format!(
                    "the last line cannot be read ({}): the log was cut mid-line; the {} \
                     whole interval(s) before it are read",
                    e.reason,
                    log.intervals.len()
                ),
            )
        }),
        intervals: log.intervals,
        warnings: log.warnings,
    })
}
