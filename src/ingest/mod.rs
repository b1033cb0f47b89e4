//! Ingest: from files on disk to a `model::Run`.
//!
//! Each input format has one file here (tools with several formats, a folder), and
//! one [`formats::FormatSpec`] in the registry `formats.rs`, which detection, reading
//! and `inspect` all go through. Detection looks at content (the first bytes), not
//! only at names. Formats come in two shapes:
//!
//! * **observations** — per-request rows or per-interval histograms. Their adapters
//!   implement [`Replay`]: they can feed their observations to a visitor, twice if
//!   need be (once to find the time span and the users' plateaus, once to record),
//!   so memory stays flat however large the file.
//! * **summaries** — a tool's own aggregates (Locust `_stats.csv`), read whole.
//!
//! `run_dir` groups a directory's files by tool into sources, decides the stages
//! and records everything into the model.

use crate::model::untrusted::Shown;

pub mod adapters;
mod arbitrate;
mod chunks;
mod crlf;
mod csv_rows;
mod detect;
pub mod formats;
pub mod gatling;
pub mod gatling_assertions;
pub mod gatling_binary;
pub mod generic_clock;
pub mod generic_csv;
pub mod generic_jsonl;
pub mod hlog;
pub mod inspect;
pub mod jmeter;
pub mod k6;
mod latency_witness;
mod line_records;
mod load_order;
pub mod locust;
mod loose_files;
mod named_rate;
mod named_users;
mod no_run;
pub mod own_report;
mod progress;
pub mod request_rows;
mod run_dir;
mod sent_nothing;
mod smoke_runs;
mod stages;
pub mod text;
mod unread_runs;
mod untrimmed;
mod utf16;

// Bounded reads and plausible rows, for every format.
pub mod limits;
mod plausible;
mod pooled_runs;
mod preamble;

// More formats (one adapter per file; `summary` holds what the summary ones share).
pub mod artillery;
mod autocannon_command;
mod autocannon_samples;
pub mod goose;
pub mod hey;
mod hey_command;
pub mod hgrm;
pub mod oha;
mod planned;
pub mod summary;
mod tool_command;
pub mod vegeta;
pub mod vegeta_report;
pub mod vegeta_text;
pub mod wrk;
mod wrk_script;
mod wrk_units;
mod wrk_unrun;
// Console summaries (ab, hey text, autocannon, h2load, httperf, siege).
pub mod ab;
mod ab_beside;
mod ab_command;
mod ab_cut;
mod ab_stopped;
mod appended;
pub mod autocannon;
pub mod autocannon_text;
mod banners;
pub mod h2load;
mod h2load_command;
pub mod h2load_log;
mod h2load_rps;
mod h2load_streams;
pub mod hey_text;
pub mod httperf;
pub mod siege;
pub mod siege_routes;

use std::path::Path;

use hdrhistogram::Histogram;
use regex::Regex;

use crate::model::{EndpointKey, FailureKind, HistogramForm, Problem, ThinkTime};

pub use crate::model::TimeUnit;
pub use detect::{detect_format, Detection, Format};
pub(crate) use run_dir::claimed_format;
pub use run_dir::{dir_name, load_runs};
pub(crate) use stages::stage_dir_names;

/// What the user asked of ingest (the `analyze`/`check` filters).
#[derive(Clone, Debug, Default)]
pub struct IngestOptions {
    /// Trimmed from the start of each stage's steady window, ms.
    pub warmup_ms: i64,
    /// Only requests that start at or after this epoch ms.
    pub from_ms: Option<i64>,
    /// Only requests that start before this epoch ms.
    pub to_ms: Option<i64>,
    /// Only endpoints whose key matches.
    pub include: Option<Regex>,
    /// Leave out endpoints whose key matches.
    pub exclude: Option<Regex>,
    /// Unit of `.hlog` values (`--hlog-unit`): wins over a log's `#[unit: …]` comment
    /// (with a warning when they differ); `None`: the comment's, else ns.
    pub hlog_unit: Option<TimeUnit>,
    /// Unit of HdrHistogram percentile text (`.hgrm`) values (`None`: ms, the default).
    pub hgrm_unit: Option<TimeUnit>,
    /// Think time given on the command line (overrides the manifest).
    pub think_time: Option<ThinkTime>,
    /// Exit 0 on bad input (warnings only).
    pub lenient: bool,
    /// IDs, UUIDs and numbers in URL paths become placeholders (`/agents/{id}`), so
    /// one route is one endpoint (`--normalize-labels`).
    pub normalize_labels: bool,
    /// Show a progress line on stderr while large files are read (when it is a
    /// terminal).
    pub progress: bool,
    /// Caps on line length and gzip inflation (`--max-line-bytes`, `--max-gzip-…`).
    pub limits: limits::ReadLimits,
    /// Threads that read one large file's parts at the same time (`--threads`; 0: one
    /// per core). The figures are the same for any number.
    pub threads: usize,
    /// Parse every file again for the recording pass instead of replaying what the
    /// survey kept (`--reread`, for tests that compare both); the figures are the same.
    pub reread: bool,
}

impl IngestOptions {
    /// True when `--include` or `--exclude` was given.
    pub fn filters_endpoints(&self) -> bool {
        self.include.is_some() || self.exclude.is_some()
    }

    /// True when an endpoint passes `--include` / `--exclude`.
    pub fn keeps(&self, key: &EndpointKey) -> bool {
        let text = key.to_string();
        self.include.as_ref().is_none_or(|re| re.is_match(&text))
            && !self.exclude.as_ref().is_some_and(|re| re.is_match(&text))
    }

    /// The histograms endpoints' series keep: always 2-digit ones per interval. The report's per-endpoint drill-down (percentiles over time), SLA
    /// window rules on an endpoint's latency and `compare`'s block bootstrap all read
    /// them; a series never holds more than `MAX_INTERVALS` of them, so the cost is
    /// bounded per endpoint whatever the run length.
    pub fn endpoint_histogram_form(&self) -> HistogramForm {
        HistogramForm::Kept
    }

    /// True when a request at `t_ms` is inside `--from` / `--to`.
    pub fn in_time_range(&self, t_ms: i64) -> bool {
        self.from_ms.is_none_or(|f| t_ms >= f) && self.to_ms.is_none_or(|t| t_ms < t)
    }

    /// The time filters given, as flags (`--warmup 30s`, `--from …`, `--to …`).
    fn time_filters(&self) -> Vec<String> {
        let at = crate::model::format_rfc3339_ms;
        let warmup =
            (self.warmup_ms > 0).then(|| format!("--warmup {}s", self.warmup_ms as f64 / 1000.0));
        let from = self.from_ms.map(|t| format!("--from {}", at(t)));
        let to = self.to_ms.map(|t| format!("--to {}", at(t)));
        [warmup, from, to].into_iter().flatten().collect()
    }
}

/// Why nothing can be judged when `--warmup`/`--from`/`--to` left no request in any
/// stage of a run that has some: the flags given and the times the data spans. `None`
/// when a stage kept requests (or no filter was given).
pub fn filter_left_nothing(run: &crate::model::Run, opts: &IngestOptions) -> Option<String> {
    let flags = opts.time_filters();
    let stages = run.sources.iter().flat_map(|s| &s.stages);
    let kept: u64 = stages.map(crate::model::Stage::requests).sum();
    let read: u64 = run.sources.iter().map(|s| s.overall.requests()).sum();
    if flags.is_empty() || run.sources.is_empty() || kept > 0 || read == 0 {
        return None;
    }
    let spans = run.sources.iter().filter_map(|s| s.span_ms);
    let span = spans.reduce(|(a, b), (c, d)| (a.min(c), b.max(d)));
    let data = match span {
        Some((a, b)) => format!(
            "the data spans {} → {} ({:.1} s)",
            crate::model::format_rfc3339_ms(a),
            crate::model::format_rfc3339_ms(b),
            (b - a) as f64 / 1000.0
        ),
        None => "the data's times are not known".to_string(),
    };
    Some(format!(
        "{} left no requests in any stage ({read} read): {data}; give a warmup shorter \
         than the stages, or --from/--to inside that span",
        flags.join(" ")
    ))
}

/// One request as a per-request source saw it.
#[derive(Clone, Debug)]
pub struct RequestEvent<'a> {
    /// Epoch ms at which the request started.
    pub t_ms: i64,
    /// HTTP method, when known.
    pub method: Option<&'a str>,
    /// Request name or path.
    pub name: &'a str,
    /// Latency, ms (`None` when the request has no measured time).
    pub latency_ms: Option<f64>,
    /// False for a failure.
    pub ok: bool,
    /// Why it failed (only read when `ok` is false).
    pub failure: Option<FailureKind>,
    /// Error text, when any.
    pub error: Option<&'a str>,
    /// Response bytes.
    pub bytes: Option<u64>,
    /// Concurrent users at that time, when the source records it.
    pub users: Option<f64>,
    /// The line the row is on, when the format has lines (for problems about the row).
    pub line: Option<u64>,
}

/// One observation fed by a [`Replay`] source.
#[derive(Debug)]
pub enum Observation<'a> {
    /// One request.
    Request(RequestEvent<'a>),
    /// A histogram of latencies (µs) of requests that started in `[start_ms, end_ms)`.
    Histogram {
        /// The endpoint (an `.hlog` tag; untagged lines use the file's stem).
        key: EndpointKey,
        /// Interval start, epoch ms.
        start_ms: i64,
        /// Interval end, epoch ms.
        end_ms: i64,
        /// Latencies in µs.
        histogram: &'a Histogram<u64>,
        /// Failures among these requests, when the source says (headroom's own logs).
        failures: &'a [(FailureKind, u64)],
    },
    /// A transaction: an aggregate of other requests that are fed on their own too
    /// (a JMeter Transaction Controller row). Kept as its own endpoint, marked
    /// `transaction`, and left out of request totals.
    Transaction(RequestEvent<'a>),
    /// Concurrent users at a moment (a Locust/JMeter/k6 users series, a driver sample).
    Users {
        /// Epoch ms.
        t_ms: i64,
        /// Users (or threads, VUs).
        users: f64,
    },
    /// A row that could not be read (the problem names the file and line). The replay
    /// goes on with the next row; the row counts nowhere.
    Malformed(Problem),
}

/// The first of `replays`' latency and time unit doubts ([`Replay::latency_unit_doubt`],
/// [`Replay::clock_unit_doubt`]), each naming its file.
pub(crate) fn unit_doubts(
    replays: &[(std::path::PathBuf, Box<dyn Replay>)],
) -> (Option<String>, Option<String>) {
    let named = |doubt: &dyn Fn(&dyn Replay) -> Option<String>| {
        (replays.iter())
            .find_map(|(path, r)| doubt(r.as_ref()).map(|why| format!("{}: {why}", path.shown())))
    };
    (
        named(&|r| r.latency_unit_doubt()),
        named(&|r| r.clock_unit_doubt()),
    )
}

/// A source of observations that can be fed to a visitor more than once.
pub trait Replay {
    /// Feeds every observation, in file order, to `visit`.
    ///
    /// A malformed row is fed as [`Observation::Malformed`] (its problem names the file
    /// and line) and the replay goes on with the next row, so one bad row never costs
    /// the file's others. `Err` is for what stops the reading itself (an I/O error, a
    /// decompression limit, a file without a single row): observations fed before it
    /// still count, and the next replay feeds the same ones again.
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem>;

    /// False when the file has no times (a JMeter JTL saved without `timeStamp`):
    /// observations then carry `t_ms` 0 and the source gets one stage without a
    /// window (throughput unknown).
    fn timed(&self) -> bool {
        true
    }

    /// False when the rows name no endpoint (ab's `-g` file: every row is named after
    /// the file): the source's one endpoint, named by another file of the run (ab's
    /// console: its URL), is theirs.
    fn names_endpoints(&self) -> bool {
        true
    }

    /// Tool and version hints the content reveals (`Gatling 3.9.5, 3.4–3.12 layout`).
    fn version_hint(&self) -> Option<String> {
        None
    }

    /// Facts worth showing that are not errors (rows left out and why), as of the
    /// last completed replay.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }

    /// Why the file holds runs that are not read (re-runs appended after the first),
    /// in one clause naming the file, or `None`: the source is marked
    /// [`Source::runs_left_out`](crate::model::Source).
    fn runs_left_out(&self) -> Option<String> {
        None
    }

    /// Why the file shows a run that did not end (a JTL whose last row is cut
    /// mid-write, an XML JTL without its closing tag: JMeter killed, or still writing),
    /// as of the last completed replay: the source is marked
    /// [`Source::stopped_early`](crate::model::Source), so the run is incomplete.
    fn stopped_early(&self) -> Option<String> {
        None
    }

    /// Doubts about the file that left nothing unread (a `.hlog` whose unit looks
    /// wrong; JMeter samples marked successful with a 5xx code), as of opening it or
    /// of the last completed replay: shown as warnings, not input problems.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }

    /// Why the file's latencies are likely in another unit than they were read in (one
    /// clause), or `None`: the source is marked
    /// [`Source::latency_unit_doubt`](crate::model::Source).
    fn latency_unit_doubt(&self) -> Option<String> {
        None
    }

    /// Why the file's times are likely in another unit than they were read in (one
    /// clause), or `None`: the source is marked
    /// [`Source::clock_unit_doubt`](crate::model::Source).
    fn clock_unit_doubt(&self) -> Option<String> {
        None
    }

    /// Requests the file marks successful although their status is 5xx (JMeter with a
    /// Response Assertion that ignores the status), by endpoint name, as of the last
    /// completed replay: [`Source::ok_server_errors`](crate::model::Source).
    fn ok_server_errors(&self) -> std::collections::BTreeMap<String, u64> {
        Default::default()
    }

    /// False when the file lists only requests that got an answer (the tool leaves
    /// transport errors out of it): the source is marked
    /// [`Source::transport_errors_unseen`](crate::model::Source).
    fn sees_transport_errors(&self) -> bool {
        true
    }

    /// True when the file is a CSV whose columns go by other names than its format's
    /// own (a generic CSV of `time`, `path`, `duration`…): the source is marked
    /// [`Source::unknown_origin`](crate::model::Source).
    fn unknown_origin(&self) -> bool {
        false
    }

    /// The script's own checks of the answers the file records (k6's `checks`
    /// samples), as of the last completed replay: [`Source::script_checks`](crate::model::Source).
    fn script_checks(&self) -> crate::model::ScriptChecks {
        Default::default()
    }

    /// The pass/fail assertions the file says the tool judges the run by (Gatling's,
    /// kept in its log), judged on the source's figures once it is read.
    fn assertions(&self) -> Vec<gatling_assertions::Assertion> {
        Vec::new()
    }

    /// False when the file records no outcome per request (ab's `-g` TSV: times
    /// only): the source is marked [`Source::outcomes_unseen`](crate::model::Source).
    fn sees_outcomes(&self) -> bool {
        true
    }

    /// Up to `parts` sources over consecutive parts of this one, to replay at the same
    /// time on other threads: together, in order, they feed what [`Replay::replay`]
    /// feeds, with the same line numbers, and this source's [`Replay::notes`] then
    /// cover their last replays. Empty (the default) when the source cannot be split:
    /// compressed, small, or a format read whole.
    fn split(&self, parts: usize) -> Vec<Box<dyn Replay + Send>> {
        let _ = parts;
        Vec::new()
    }
}

/// What is said of rows whose times cannot be measurements (before 1970 or after
/// 9999): they are left out.
pub fn implausible_times(rows: u64, first_ms: i64) -> String {
    let (noun, verb) = if rows == 1 {
        ("row", "has")
    } else {
        ("rows", "have")
    };
    format!(
        "{rows} {noun} {verb} a time before 1970 or after 9999 (the first: {first_ms} ms since \
         1970): left out; check the timestamps and their unit"
    )
}

/// A problem about `path` at `line`.
pub fn problem(path: &Path, line: Option<u64>, reason: impl Into<String>) -> Problem {
    Problem {
        path: path.to_path_buf(),
        line,
        reason: text::tame_nul_padding(reason.into()),
    }
}

/// Paths under `dir` that headroom itself wrote (its report folders), never read as input.
pub fn is_headroom_output(dir: &Path) -> bool {
    crate::model::is_headroom_output(dir)
}
