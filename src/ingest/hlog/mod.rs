//! The `.hlog` adapter: HdrHistogram interval logs (any writer's: headroom's driver,
//! jHiccup, wrk2, the C and Go ports) read into per-interval µs histograms through the
//! codec in `crate::hlog`, which decodes the lines, header, tags and histogram blobs.
//! What is here is what makes a log an input: its [`FormatSpec`], the file read
//! (bounded), a decoding error as a [`Problem`] at its line (a last line cut mid-way
//! is a problem too, and the whole intervals before it are kept), the decoder's doubts
//! as warnings (not problems: every line was read), and the intervals replayed as
//! observations.
//!
//! The unit: `--hlog-unit` when given, else the log's `#[unit: …]` comment, else ns.
//! An option that contradicts the comment wins, with a warning naming both. When the
//! log's `Interval_Max` column contradicts the unit used on at least half its lines,
//! and another unit explains each of them, the latencies are likely off by 1,000× or
//! more: the source says so ([`Replay::latency_unit_doubt`]) and no latency figure of
//! it can carry a verdict.

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
    reads_gzip: true,
    reader: Reader::Replay(|p, opts, problems| {
        let h = read_hlog(p, opts.hlog_unit)?;
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
    /// Unit the values were read in (`--hlog-unit`, else the log's `#[unit: …]`
    /// comment, else ns).
    pub unit: TimeUnit,
    /// Intervals in file order.
    pub intervals: Vec<HlogInterval>,
    /// Doubts that did not stop the read (a unit that disagrees with `Interval_Max`,
    /// an option that overrides the log's own unit).
    pub warnings: Vec<String>,
    /// The unit the values look like when it is likely not the one they were read in
    /// (see the module docs).
    pub unit_doubt: Option<TimeUnit>,
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

    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    fn latency_unit_doubt(&self) -> Option<String> {
        self.unit_doubt.map(|looks| {
            format!(
                "its values were read as {} but its Interval_Max column says they are {}; \
                 give the unit with --hlog-unit",
                self.unit.name(),
                looks.name()
            )
        })
    }
}

/// Reads and decodes an interval log, in `unit` when given (`--hlog-unit`), else in
/// the unit its `#[unit: …]` comment states, else in ns.
pub fn read_hlog(path: &Path, unit: Option<TimeUnit>) -> Result<HlogFile, Problem> {
    let bytes = super::limits::read_whole(path)
        .map_err(|e| problem(path, None, format!("cannot read: {e}")))?;
    parse_hlog(path, &bytes, unit)
}

/// The warning for `--hlog-unit` (`given`) contradicting the log's `#[unit: …]`.
fn overridden(given: Option<TimeUnit>, declared: Option<TimeUnit>) -> Option<String> {
    match (given, declared) {
        (Some(g), Some(d)) if g != d => Some(format!(
            "the log says `#[unit: {}]` but --hlog-unit says {}: its values are read as {} \
             (the option wins over the log's comment)",
            d.name(),
            g.name(),
            g.name()
        )),
        _ => None,
    }
}

/// Decodes an interval log already in memory; `path` names it in problems and gives
/// untagged intervals their endpoint name.
pub fn parse_hlog(path: &Path, bytes: &[u8], unit: Option<TimeUnit>) -> Result<HlogFile, Problem> {
    let text = String::from_utf8_lossy(bytes);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut log = decode_log(&text, &stem, unit).map_err(|e| problem(path, e.line, e.reason))?;
    log.warnings
        .splice(0..0, overridden(unit, log.declared_unit));
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
        // A unit the user gave stands: the warning says what the column suggests,
        // but the figures are not held in doubt (Java's log writer scales the column
        // as if every log were in ns, whatever unit it recorded).
        unit_doubt: log.unit_doubt.filter(|_| unit.is_none()),
    })
}
