//! The table from a detected [`Format`] to the adapter that reads it, and the
//! helpers adapters share to open files. Adding a format means one `Format` variant
//! (in `detect.rs`) and one arm here.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::limits::{Inflating, LineCapped};
use super::stages::StagePlan;
use super::{problem, Format, IngestOptions, Replay};
use crate::model::{Problem, Source};

/// Opens a per-request or per-interval file for replay. Warnings that are not
/// fatal (an `.hlog` whose unit looks wrong) go to `problems`.
pub type OpenReplay =
    fn(&Path, &IngestOptions, &mut Vec<Problem>) -> Result<Box<dyn Replay>, Problem>;

/// Reads a tool's own summary file into a source (its stages from the plan).
pub type BuildSummary = fn(&Path, &StagePlan, &IngestOptions) -> Result<Source, Problem>;

/// How a format is read.
pub enum Adapter {
    /// Observations streamed from disk on each replay (memory stays flat).
    Observations(OpenReplay),
    /// A tool's end-of-test summary, read whole.
    Summary(BuildSummary),
    /// Read together with the other files of its tool in the dir (Locust's CSV set,
    /// the run manifest): `run_dir` handles these.
    Grouped,
}

/// The adapter of a format.
pub fn adapter(format: Format) -> Adapter {
    use super::{
        gatling, generic_csv, goose, hey, hlog, jmeter_csv, jmeter_xml, k6_csv, k6_json,
        k6_summary, oha, vegeta,
    };
    match format {
        Format::GenericCsv => {
            Adapter::Observations(|p, _, _| Ok(Box::new(generic_csv::GenericCsv::open(p)?)))
        }
        Format::HdrLog => Adapter::Observations(|p, opts, problems| {
            let h = hlog::read_hlog(p, opts.hlog_unit)?;
            for w in &h.warnings {
                problems.push(problem(p, None, format!("warning: {w}")));
            }
            Ok(Box::new(h))
        }),
        Format::JmeterCsv => {
            Adapter::Observations(|p, _, _| Ok(Box::new(jmeter_csv::JmeterCsv::open(p)?)))
        }
        Format::JmeterXml => {
            Adapter::Observations(|p, _, _| Ok(Box::new(jmeter_xml::JmeterXml::open(p)?)))
        }
        Format::K6Csv => Adapter::Observations(|p, _, _| Ok(Box::new(k6_csv::K6Csv::open(p)?))),
        Format::K6Json => Adapter::Observations(|p, _, _| Ok(Box::new(k6_json::K6Json::open(p)?))),
        Format::GatlingLog => {
            Adapter::Observations(|p, _, _| Ok(Box::new(gatling::GatlingLog::open(p)?)))
        }
        Format::GatlingBinary => Adapter::Observations(|p, _, _| {
            Ok(Box::new(super::gatling_binary::GatlingBinaryLog::open(p)?))
        }),
        Format::K6Summary => Adapter::Summary(k6_summary::build_source),
        Format::AbText => Adapter::Summary(super::ab::build_text),
        Format::AbCsv => Adapter::Summary(super::ab::build_csv),
        Format::AbGnuplot => {
            Adapter::Observations(|p, _, _| Ok(Box::new(super::ab::AbGnuplot::open(p)?)))
        }
        Format::HeyText => Adapter::Summary(super::hey_text::build_source),
        Format::AutocannonJson => Adapter::Summary(super::autocannon::build_source),
        Format::H2loadText => Adapter::Summary(super::h2load::build_source),
        Format::HttperfText => Adapter::Summary(super::httperf::build_source),
        Format::SiegeText => Adapter::Summary(super::siege::build_source),
        Format::SiegeLog => Adapter::Summary(super::siege::build_log),
        Format::VegetaCsv | Format::VegetaJson => {
            Adapter::Observations(|p, _, _| Ok(Box::new(vegeta::VegetaResults::open(p)?)))
        }
        Format::OhaCsv => Adapter::Observations(|p, _, _| Ok(Box::new(oha::OhaCsv::open(p)?))),
        Format::HeyCsv => Adapter::Observations(|p, _, _| Ok(Box::new(hey::HeyCsv::open(p)?))),
        Format::GooseCsv => {
            Adapter::Observations(|p, _, _| Ok(Box::new(goose::GooseRequestLog::open(p)?)))
        }
        // Whole-run summaries whose readers also report problems of their own, and that
        // `run_dir` reads one by one (a Locust `--json` file is skipped beside the CSVs).
        Format::WrkText
        | Format::HdrPercentiles
        | Format::OhaJson
        | Format::ArtilleryJson
        | Format::LocustJson => Adapter::Grouped,
        Format::Manifest
        | Format::LocustStats
        | Format::LocustHistory
        | Format::LocustFailures
        | Format::LocustExceptions
        | Format::LocustRequests
        | Format::LocustDistribution => Adapter::Grouped,
    }
}

/// A buffered reader over a file, decompressing it when it is gzip (k6 writes
/// `--out json=x.json.gz`). Streams: nothing is loaded whole; lines past the cap are
/// dropped and inflation past the limits is an error (see [`super::limits`]).
pub fn open_decompressed(path: &Path) -> Result<Box<dyn BufRead>, Problem> {
    let cannot = |e: std::io::Error| problem(path, None, format!("cannot read: {e}"));
    let mut file = File::open(path).map_err(cannot)?;
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic).map_err(cannot)?;
    let file = File::open(path).map_err(cannot)?;
    let inner: Box<dyn BufRead> = if n == 2 && magic == [0x1f, 0x8b] {
        let compressed = file.metadata().map_err(cannot)?.len();
        let decoder = flate2::read::MultiGzDecoder::new(BufReader::new(file));
        Box::new(BufReader::with_capacity(
            1 << 16,
            Inflating::new(decoder, compressed),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, file))
    };
    Ok(Box::new(LineCapped::new(inner, path)))
}

/// Reads lines (`\n`-terminated, any `\r` before it dropped) with their 1-based
/// numbers, reusing one buffer; a read error names the line.
pub struct Lines<'p> {
    reader: Box<dyn BufRead>,
    path: &'p Path,
    buf: Vec<u8>,
    /// Number of the line last read (1-based).
    pub number: u64,
}

impl<'p> Lines<'p> {
    /// Lines of a (possibly gzipped) file.
    pub fn open(path: &'p Path) -> Result<Lines<'p>, Problem> {
        Ok(Lines {
            reader: open_decompressed(path)?,
            path,
            buf: Vec::with_capacity(1024),
            number: 0,
        })
    }

    /// The next line's number and bytes, without its ending; `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<(u64, &[u8])>, Problem> {
        self.buf.clear();
        let n = self.reader.read_until(b'\n', &mut self.buf).map_err(|e| {
            problem(
                self.path,
                Some(self.number + 1),
                format!("cannot read: {e} (truncated or corrupt file?)"),
            )
        })?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        let mut line = self.buf.as_slice();
        if self.number == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        while let [rest @ .., b'\n' | b'\r'] = line {
            line = rest;
        }
        Ok(Some((self.number, line)))
    }
}
