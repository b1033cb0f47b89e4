//! Flags shared by several commands (input filters, output format).

use std::fmt::Display;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use regex::Regex;

use crate::ingest::{limits, IngestOptions, TimeUnit};
use crate::model::ThinkTime;

/// Which inputs to read and which part of them to use.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Run dirs (or single result files). A dir of stage dirs
    /// (`01_baseline_100users/`, …) is read as one run.
    #[arg(required = true, value_name = "RUN_DIR")]
    pub paths: Vec<PathBuf>,
    /// Trim this much from the start of every stage's steady window (e.g. 30s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_ms)]
    pub warmup: Option<i64>,
    /// Use only requests that started at or after this time (RFC 3339 or epoch ms).
    #[arg(long, value_name = "TIME", value_parser = parse_time_ms)]
    pub from: Option<i64>,
    /// Use only requests that started before this time (RFC 3339 or epoch ms).
    #[arg(long, value_name = "TIME", value_parser = parse_time_ms)]
    pub to: Option<i64>,
    /// Keep only endpoints whose `METHOD name` matches this regex.
    #[arg(long, value_name = "REGEX")]
    pub include: Option<Regex>,
    /// Leave out endpoints whose `METHOD name` matches this regex.
    #[arg(long, value_name = "REGEX")]
    pub exclude: Option<Regex>,
    /// Think time of the virtual users (`1s..5s`, `between(1, 5)`, `constant(0)`);
    /// overrides the run manifest.
    #[arg(long, value_name = "A..B")]
    pub think_time: Option<ThinkTime>,
    /// Unit of `.hlog` values (ns, us, ms, s); default: the log's `#[unit: …]` comment,
    /// else ns (jHiccup's). Given, it wins over the comment, with a warning when they
    /// differ.
    #[arg(long, value_name = "UNIT")]
    pub hlog_unit: Option<TimeUnit>,
    /// Unit of HdrHistogram percentile text (`.hgrm`) values (default ms, as jHiccup and
    /// wrk2 print them).
    #[arg(long, value_name = "UNIT")]
    pub hgrm_unit: Option<TimeUnit>,
    /// Report input problems as warnings and exit 0.
    #[arg(long)]
    pub lenient: bool,
    /// IDs, UUIDs and numbers in URL paths become placeholders, so `/agents/123`
    /// and `/agents/456` are one endpoint (`/agents/{id}`).
    #[arg(long)]
    pub normalize_labels: bool,
    /// Longest line read, bytes; a longer line is left out as a problem.
    #[arg(long, value_name = "BYTES", default_value_t = limits::DEFAULT_MAX_LINE_BYTES)]
    pub max_line_bytes: u64,
    /// Largest inflated-to-compressed ratio of a `.gz` input (past 64 MiB inflated).
    #[arg(long, value_name = "RATIO", default_value_t = limits::DEFAULT_MAX_GZIP_RATIO)]
    pub max_gzip_ratio: u64,
    /// Most bytes a `.gz` input may inflate to.
    #[arg(long, value_name = "BYTES", default_value_t = limits::DEFAULT_MAX_GZIP_BYTES)]
    pub max_gzip_bytes: u64,
    /// Threads that read a large file's parts at the same time (0: one per core); the
    /// figures are the same for any number.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Parse every file a second time rather than replay what the first pass kept (the
    /// figures are the same; for tests that compare both ways).
    #[arg(long, hide = true)]
    pub reread: bool,
}

impl InputArgs {
    /// The ingest options these flags ask for.
    pub fn ingest_options(&self) -> anyhow::Result<IngestOptions> {
        if let (Some(f), Some(t)) = (self.from, self.to) {
            if t <= f {
                bail!("--to must be later than --from");
            }
        }
        for p in &self.paths {
            if !p.exists() {
                bail!("{}: no such file or directory", p.display());
            }
        }
        Ok(IngestOptions {
            warmup_ms: self.warmup.unwrap_or(0),
            from_ms: self.from,
            to_ms: self.to,
            include: self.include.clone(),
            exclude: self.exclude.clone(),
            hlog_unit: self.hlog_unit,
            hgrm_unit: self.hgrm_unit,
            think_time: self.think_time,
            lenient: self.lenient,
            normalize_labels: self.normalize_labels,
            progress: true,
            limits: limits::ReadLimits {
                max_line_bytes: self.max_line_bytes,
                max_gzip_ratio: self.max_gzip_ratio,
                max_gzip_bytes: self.max_gzip_bytes,
            },
            threads: self.threads,
            reread: self.reread,
        })
    }
}

/// `30s`, `1m30s`, `500ms` → ms.
pub fn parse_duration_ms(s: &str) -> Result<i64, String> {
    let d = humantime::parse_duration(s)
        .map_err(|e| format!("bad duration `{s}` ({e}); use e.g. 30s, 2m, 500ms"))?;
    i64::try_from(d.as_millis())
        .ok()
        .filter(|ms| *ms <= crate::model::LATEST_MS)
        .ok_or_else(|| format!("duration `{s}` is longer than any run (over 8,000 years)"))
}

/// RFC 3339 or epoch ms → epoch ms.
pub fn parse_time_ms(s: &str) -> Result<i64, String> {
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(ms);
    }
    crate::ingest::text::parse_rfc3339_ms(s)
        .ok_or_else(|| format!("bad time `{s}`: use RFC 3339 (2024-05-01T12:00:00Z) or epoch ms"))
}

/// Prints to stdout. A reader that went away (`headroom inspect … | head`) ends the
/// output, not the program: the exit code stays the one the command decided.
pub fn emit(text: impl Display) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match write!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// [`emit`] with a newline.
pub fn emitln(text: impl Display) -> io::Result<()> {
    emit(format_args!("{text}\n"))
}
