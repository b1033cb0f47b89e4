//! The registry of input formats: one [`FormatSpec`] per format (its name, its tool,
//! how its content is recognised, whether gzip is read, how it is read, whether it can
//! be read in parts on several threads, and a command line that writes it), listed in
//! [`FORMATS`] in the order detection tries them. Detection (`detect.rs`), reading
//! (`run_dir`), `request_rows`, `inspect` and `inspect --formats` all look formats up
//! here, so adding a format is its adapter's file (which exports the spec), a
//! [`Format`] variant and one line in [`FORMATS`].

use std::path::Path;

use super::stages::StagePlan;
use super::summary::ToolSummary;
use super::{generic_csv, generic_jsonl, Format, IngestOptions, Replay};
use crate::model::{Problem, Source};

/// Every format headroom reads, in the order detection tries their sniffers (the
/// first that claims a file's head wins; formats sniffed by file name come first).
/// `inspect --formats` lists them in this order.
pub static FORMATS: [&FormatSpec; 46] = {
    use super::{
        ab, artillery, autocannon, autocannon_text, gatling, gatling_binary, goose, h2load,
        h2load_log, hey, hey_text, hgrm, hlog, httperf, jmeter, k6, locust, oha, siege, vegeta,
        vegeta_report, vegeta_text, wrk,
    };
    [
        &MANIFEST,
        &hlog::SPEC,
        &locust::history::SPEC,
        &locust::csv_set::STATS,
        &locust::csv_set::REQUESTS,
        &locust::failures::FAILURES,
        &locust::failures::EXCEPTIONS,
        &locust::csv_set::DISTRIBUTION,
        &locust::console::SPEC,
        // Console summaries, and the side files of the same tools.
        &ab::TEXT,
        &ab::GNUPLOT,
        &ab::CSV,
        &hey_text::SPEC,
        &autocannon::SPEC,
        &autocannon_text::SPEC,
        &h2load::SPEC,
        &h2load_log::SPEC,
        &httperf::SPEC,
        &siege::TEXT,
        &siege::LOG,
        &vegeta_text::SPEC,
        &vegeta_report::SPEC,
        // k6, Gatling and JMeter.
        &k6::csv::SPEC,
        &k6::json::SPEC,
        &k6::summary::SPEC,
        &k6::console::SPEC,
        &gatling::SPEC,
        &gatling_binary::SPEC,
        &jmeter::dashboard::SPEC,
        &jmeter::summariser::SPEC,
        &jmeter::xml::SPEC,
        &jmeter::csv::SPEC,
        &vegeta::CSV,
        &vegeta::JSON,
        &wrk::SPEC,
        &hgrm::SPEC,
        &oha::JSON,
        &oha::CSV,
        &hey::SPEC,
        &artillery::SPEC,
        &artillery::console::SPEC,
        &goose::SPEC,
        &locust::json::SPEC,
        &locust::html::SPEC,
        // Last: their header rule is the loosest (vegeta's JSON lines name a
        // timestamp, a latency and a url too).
        &GENERIC_CSV,
        &GENERIC_JSONL,
    ]
};

/// What a format's sniffer sees of a file: its head as text (BOM and `\r` dropped),
/// the first line, and that line's cells as a CSV header.
pub struct Head<'a> {
    /// The head, normalised.
    pub text: &'a str,
    /// Its first line.
    pub line: &'a str,
    /// The first line's cells (unquoted, trimmed).
    pub cells: &'a [String],
}

impl Head<'_> {
    /// The first cell (`""` for none).
    pub fn first(&self) -> &str {
        self.cells.first().map(String::as_str).unwrap_or("")
    }

    /// True when the first line has a cell `name`.
    pub fn has(&self, name: &str) -> bool {
        self.cells.iter().any(|c| c == name)
    }
}

/// How detection recognises a format.
pub enum Sniff {
    /// By the file's name alone (headroom's own manifest).
    FileName(&'static str),
    /// By the head of the file's content.
    Content(fn(&Head<'_>) -> bool),
}

/// Opens a per-request or per-interval file for replay. Warnings that are not
/// fatal (an `.hlog` whose unit looks wrong) go to `problems`.
pub type OpenReplay =
    fn(&Path, &IngestOptions, &mut Vec<Problem>) -> Result<Box<dyn Replay>, Problem>;

/// Reads a tool's whole-run summary file (its figures are checked and made a source
/// by [`super::summary::build`]).
pub type ReadSummary = fn(&Path, &IngestOptions) -> Result<ToolSummary, Problem>;

/// Builds a source from a summary file that needs the stage plan itself (k6's
/// summary, Artillery's phases).
pub type BuildSource = fn(&Path, &StagePlan, &IngestOptions) -> Result<Source, Problem>;

/// How a format is read.
pub enum Reader {
    /// Observations streamed from disk on each replay (memory stays flat).
    Replay(OpenReplay),
    /// A tool's end-of-test summary, read whole.
    Summary(ReadSummary),
    /// A summary that builds its own source.
    Source(BuildSource),
    /// Read together with the other files of its tool in the dir (Locust's CSV set,
    /// the run manifest): `run_dir` handles these.
    Grouped,
}

impl Reader {
    /// The source of one summary file; `None` for formats that are not summaries.
    pub fn summary_source(
        &self,
        path: &Path,
        plan: &StagePlan,
        opts: &IngestOptions,
    ) -> Option<Result<Source, Problem>> {
        match self {
            Reader::Summary(read) => {
                Some(super::summary::build(path, read(path, opts), plan, opts))
            }
            Reader::Source(build) => Some(build(path, plan, opts)),
            Reader::Replay(_) | Reader::Grouped => None,
        }
    }

    /// [`Reader::summary_source`] for each run the file holds: a console a shell loop
    /// wrote several runs into gives one source a run.
    pub fn summary_sources(
        &self,
        path: &Path,
        plan: &StagePlan,
        opts: &IngestOptions,
    ) -> Vec<Result<Source, Problem>> {
        match self {
            Reader::Summary(read) => super::summary::build_each(path, read(path, opts), plan, opts),
            Reader::Source(build) => vec![build(path, plan, opts)],
            Reader::Replay(_) | Reader::Grouped => Vec::new(),
        }
    }
}

/// Everything headroom knows of one input format.
pub struct FormatSpec {
    /// The format it describes.
    pub format: Format,
    /// Its name in reports and `inspect` (`k6-json`).
    pub name: &'static str,
    /// The tool whose files form one source.
    pub tool: &'static str,
    /// How detection recognises it.
    pub sniff: Sniff,
    /// True when the adapter also reads the file gzip-compressed (k6 writes `.gz`; a
    /// console capture packed by logrotate or a CI job reads as unpacked).
    pub reads_gzip: bool,
    /// How it is read.
    pub reader: Reader,
    /// True when a large file can be split at line boundaries and its parts read on
    /// several threads (`--threads`; the adapter implements `Replay::split`).
    pub splittable: bool,
    /// What the report says of every source read from this format.
    pub notes: &'static [&'static str],
    /// How detection recognises it, in words (`inspect --formats`).
    pub detected_by: &'static str,
    /// A command line that writes it.
    pub example: &'static str,
}

/// The spec of a format.
pub fn spec(format: Format) -> &'static FormatSpec {
    FORMATS
        .iter()
        .find(|s| s.format == format)
        .copied()
        // Every variant is listed (a test checks): this is never reached.
        .unwrap_or(&GENERIC_CSV)
}

/// headroom's run manifest, read before the dir's other files.
const MANIFEST: FormatSpec = FormatSpec {
    format: Format::Manifest,
    name: "headroom-manifest",
    tool: "manifest",
    sniff: Sniff::FileName("run.toml"),
    reads_gzip: false,
    reader: Reader::Grouped,
    splittable: false,
    notes: &[],
    detected_by: "a file named run.toml",
    example: "headroom drive … (writes run.toml)",
};

/// headroom's generic per-request CSV.
const GENERIC_CSV: FormatSpec = FormatSpec {
    format: Format::GenericCsv,
    name: "generic-csv",
    tool: "generic-csv",
    sniff: Sniff::Content(|h| generic_csv::looks_like_generic_csv(h.line, h.cells)),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(generic_csv::GenericCsv::open(p)?))),
    splittable: true,
    notes: &[],
    detected_by: "CSV header with a timestamp, an endpoint/name/url and a latency column",
    example: "your own script (README, \"Generic per-request CSV\")",
};

/// A script's per-request JSON lines.
const GENERIC_JSONL: FormatSpec = FormatSpec {
    format: Format::GenericJsonl,
    name: "generic-jsonl",
    tool: "generic-csv",
    sniff: Sniff::Content(|h| generic_jsonl::looks_like_generic_jsonl(h.line)),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(generic_jsonl::GenericJsonl::open(p)?))),
    splittable: true,
    notes: &[],
    detected_by:
        "JSON object lines whose keys name a timestamp, an endpoint/name/url and a latency",
    example: "your own script, `json.dumps(record)` a line (README, \"Generic per-request CSV\")",
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every format is listed once, under its own name, and `spec` finds it.
    #[test]
    fn every_format_once() {
        let mut names: Vec<&str> = FORMATS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FORMATS.len());
        for s in FORMATS {
            assert!(std::ptr::eq(spec(s.format), s), "{}", s.name);
        }
    }
}
