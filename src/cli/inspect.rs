//! `headroom inspect FILE...`: what headroom sees in each file (a dir: each of its
//! files) — detected format and
//! version hints, requests and failures, endpoints, time span, users, whether
//! latency is exact or a tool's summary, and anything it left out or could not read.
//!
//! Glue: `ingest::inspect` reads each file through the same adapters as `analyze`
//! (nothing is parsed twice), `analysis::inspect` adds the figures of a file loaded
//! whole, and `render::inspect` writes the text; `--formats` lists the registry.

use std::path::PathBuf;

use clap::Args;

use super::common::{emit, emitln};
use super::exit::Outcome;
use crate::ingest::formats::FORMATS;
use crate::ingest::{IngestOptions, TimeUnit};
use crate::model::inspection::FileReport;

/// Arguments of `inspect`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  headroom inspect results.jtl\n  headroom inspect run/*.csv --format json\n\nExit codes: 0 every file was read, 2 a file is unrecognised, not supported or malformed."
)]
pub struct InspectArgs {
    /// Result files to look at; a dir stands for each of its files.
    #[arg(required_unless_present = "formats", value_name = "FILE")]
    pub paths: Vec<PathBuf>,
    /// List every format headroom reads: its tool, how it is recognised and a command
    /// that writes it (no FILE needed).
    #[arg(long)]
    pub formats: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: InspectFormat,
    /// Same as `--format json`.
    #[arg(long)]
    pub json: bool,
    /// IDs, UUIDs and numbers in URL paths become placeholders (`/agents/{id}`).
    #[arg(long)]
    pub normalize_labels: bool,
    /// Unit of `.hlog` values (ns, us, ms, s); default: the log's `#[unit: …]` comment,
    /// else ns (jHiccup's). Given, it wins over the comment, with a warning when they
    /// differ.
    #[arg(long, value_name = "UNIT")]
    pub hlog_unit: Option<TimeUnit>,
    /// Unit of HdrHistogram percentile text (`.hgrm`) values (default ms, as jHiccup and
    /// wrk2 print them).
    #[arg(long, value_name = "UNIT")]
    pub hgrm_unit: Option<TimeUnit>,
    /// Threads that read a large file's parts at the same time (0: one per core); the
    /// figures are the same for any number.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
}

/// How `inspect` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InspectFormat {
    /// A few lines per file.
    Text,
    /// A JSON array, one object per file.
    Json,
}

/// Runs `inspect`.
pub fn run(args: &InspectArgs) -> anyhow::Result<Outcome> {
    if args.formats {
        list_formats(args.json || args.format == InspectFormat::Json)?;
        return Ok(Outcome::Ok);
    }
    let opts = IngestOptions {
        hlog_unit: args.hlog_unit,
        hgrm_unit: args.hgrm_unit,
        normalize_labels: args.normalize_labels,
        threads: args.threads,
        ..Default::default()
    };
    let mut reports = Vec::new();
    for path in &args.paths {
        let in_dir = path.is_dir();
        for file in files_of(path) {
            let mut report = inspect(&file, &opts);
            if in_dir {
                not_a_result_is_skipped(&mut report, &file);
            }
            reports.push(report);
        }
    }
    if args.json || args.format == InspectFormat::Json {
        emitln(serde_json::to_string_pretty(&reports)?)?;
    } else {
        for r in &reports {
            emit(crate::render::inspect::text(r))?;
        }
    }
    for r in reports.iter().filter(|r| !r.ok) {
        for p in &r.problems {
            let line = format!("{}: {p}", r.path.display());
            eprintln!("error: {}", crate::render::terminal::printable(&line));
        }
    }
    Ok(if reports.iter().all(|r| r.ok) {
        Outcome::Ok
    } else {
        Outcome::BadInput
    })
}

/// `inspect --formats`: every format of the registry, in detection order, with its
/// tool, sniffing rule and an example.
fn list_formats(json: bool) -> anyhow::Result<()> {
    if json {
        let list: Vec<serde_json::Value> = FORMATS
            .iter()
            .map(|f| {
                serde_json::json!({
                    "format": f.name,
                    "tool": f.tool,
                    "detected_by": f.detected_by,
                    "example": f.example,
                })
            })
            .collect();
        return Ok(emitln(serde_json::to_string_pretty(&list)?)?);
    }
    let mut out = String::new();
    for f in FORMATS {
        out.push_str(&format!(
            "{} ({})\n  detected by: {}\n  written by:  {}\n",
            f.name, f.tool, f.detected_by, f.example
        ));
    }
    Ok(emit(out)?)
}

/// A file of a dir that is not a load-test result (a log, a report) is skipped, as
/// `analyze` skips it: a note, not a problem. One named like a result (`results.jtl`,
/// `…_stats.csv`) stays a problem, as it is for `analyze`.
fn not_a_result_is_skipped(report: &mut FileReport, path: &std::path::Path) {
    let unrecognised = |p: &String| p.starts_with("not a recognised load-test result");
    if report.format.is_none()
        && report.problems.len() == 1
        && unrecognised(&report.problems[0])
        && crate::ingest::claimed_format(path).is_none()
    {
        let why = report.problems.remove(0);
        report
            .notes
            .push(format!("skipped (as analyze skips it): {why}"));
        report.ok = true;
    }
}

/// The files `path` stands for: itself, or a dir's files (sorted, under its subdirs
/// too; hidden entries and headroom's own report dirs left out). A dir without any
/// is itself, which inspect then calls a dir with no files.
fn files_of(path: &std::path::Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            // A linked dir is not walked: a link back up would never end.
            let linked_dir = entry.file_type().is_ok_and(|t| t.is_symlink()) && p.is_dir();
            if p.is_dir() && !linked_dir && !crate::ingest::is_headroom_output(&p) {
                dirs.push(p);
            } else if p.is_file() {
                files.push(p);
            }
        }
    }
    files.sort();
    if files.is_empty() {
        files.push(path.to_path_buf());
    }
    files
}

/// Inspects one file: read by ingest, the figures of a file loaded whole added by
/// analysis.
pub fn inspect(path: &std::path::Path, opts: &IngestOptions) -> FileReport {
    let mut found = crate::ingest::inspect::inspect(path, opts);
    if let Some(src) = &found.source {
        crate::analysis::inspect::from_source(src, &mut found.report);
    }
    found.report
}
