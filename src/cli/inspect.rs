//! `headroom inspect FILE...`: what headroom sees in each file — detected format and
//! version hints, requests and failures, endpoints, time span, users, whether
//! latency is exact or a tool's summary, and anything it left out or could not read.
//!
//! It reads through the same adapters as `analyze` (nothing is parsed twice):
//! per-request and per-interval files are replayed once, streaming, so memory stays
//! flat for any file size; summaries and grouped files (Locust, the manifest) are
//! loaded the way `analyze` loads them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::common::{emit, emitln};
use super::exit::Outcome;
use crate::analysis::metrics::ScopeMetrics;
use crate::analysis::quantity::format_ms;
use crate::ingest::adapters::{adapter, Adapter};
use crate::ingest::text::read_head;
use crate::ingest::{self, detect_format, Detection, IngestOptions, Observation, TimeUnit};
use crate::model::{format_rfc3339_ms, normalize_label};
use crate::model::{EndpointKey, LatencyDistribution, Source};

/// Distinct endpoints counted before giving up (a file of raw URLs with IDs).
const MAX_ENDPOINTS: usize = 100_000;

/// Endpoint names listed per file.
const LISTED_ENDPOINTS: usize = 8;

/// Arguments of `inspect`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  headroom inspect results.jtl\n  headroom inspect run/*.csv --format json\n\nExit codes: 0 every file was read, 2 a file is unrecognised, not supported or malformed."
)]
pub struct InspectArgs {
    /// Result files to look at.
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
    /// Unit of `.hlog` values when the log does not say (default ns, jHiccup's).
    #[arg(long, value_name = "UNIT", default_value = "ns")]
    pub hlog_unit: TimeUnit,
    /// Unit of HdrHistogram percentile text (`.hgrm`) values (default ms, as jHiccup and
    /// wrk2 print them).
    #[arg(long, value_name = "UNIT")]
    pub hgrm_unit: Option<TimeUnit>,
}

/// How `inspect` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InspectFormat {
    /// A few lines per file.
    Text,
    /// A JSON array, one object per file.
    Json,
}

/// What `inspect` found in one file (the `--format json` contract).
#[derive(Debug, Default, Serialize)]
pub struct FileReport {
    /// The file, as given.
    pub path: PathBuf,
    /// Detected format (`jmeter-csv`, `k6-json`, …), null when unrecognised.
    pub format: Option<String>,
    /// The tool whose files form one source.
    pub tool: Option<String>,
    /// Tool and version hints from the content.
    pub version: Option<String>,
    /// True when the file was read without problems.
    pub ok: bool,
    /// Requests (transaction rows and sub-results not included).
    pub requests: Option<u64>,
    /// Failed requests.
    pub failures: Option<u64>,
    /// Failures by kind (`status:503`, `timeout`, …).
    pub failures_by_kind: BTreeMap<String, u64>,
    /// Transaction-controller samples (JMeter), counted apart.
    pub transactions: Option<u64>,
    /// Distinct endpoints (`METHOD name`).
    pub endpoints: Option<usize>,
    /// The busiest endpoints, up to eight.
    pub endpoint_names: Vec<String>,
    /// First request, RFC 3339 (null when the file has no times).
    pub start: Option<String>,
    /// Last request start, RFC 3339.
    pub end: Option<String>,
    /// Span between them (or the summary's own duration), s.
    pub duration_s: Option<f64>,
    /// Most concurrent users / threads / VUs seen.
    pub users_max: Option<f64>,
    /// True when latency is known per request (exact percentiles), false for a
    /// tool's summary, null without latencies.
    pub latency_exact: Option<bool>,
    /// Latency over every request, ms.
    pub latency_ms: Option<LatencyFigures>,
    /// What was left out and other facts worth knowing.
    pub notes: Vec<String>,
    /// Why the file (or part of it) could not be read.
    pub problems: Vec<String>,
}

/// A few latency figures, ms.
#[derive(Debug, Default, Serialize)]
pub struct LatencyFigures {
    /// Median.
    pub p50: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// Largest.
    pub max: Option<f64>,
}

impl LatencyFigures {
    fn of(d: &LatencyDistribution) -> Option<LatencyFigures> {
        (d.count() > 0).then(|| LatencyFigures {
            p50: d.percentile(50.0).map(|p| p.value_ms),
            p95: d.percentile(95.0).map(|p| p.value_ms),
            p99: d.percentile(99.0).map(|p| p.value_ms),
            max: d.max_ms(),
        })
    }
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
        ..Default::default()
    };
    let reports: Vec<FileReport> = args.paths.iter().map(|p| inspect(p, &opts)).collect();
    if args.json || args.format == InspectFormat::Json {
        emitln(serde_json::to_string_pretty(&reports)?)?;
    } else {
        for r in &reports {
            emit(text(r))?;
        }
    }
    for r in reports.iter().filter(|r| !r.ok) {
        for p in &r.problems {
            eprintln!("error: {}: {p}", r.path.display());
        }
    }
    Ok(if reports.iter().all(|r| r.ok) {
        Outcome::Ok
    } else {
        Outcome::BadInput
    })
}

/// `inspect --formats`: every format with its tool, sniffing rule and an example.
fn list_formats(json: bool) -> anyhow::Result<()> {
    use crate::ingest::catalog::{describe, ALL};
    if json {
        let list: Vec<serde_json::Value> = ALL
            .iter()
            .map(|f| {
                let (rule, example) = describe(*f);
                serde_json::json!({
                    "format": f.to_string(),
                    "tool": f.tool(),
                    "detected_by": rule,
                    "example": example,
                })
            })
            .collect();
        return Ok(emitln(serde_json::to_string_pretty(&list)?)?);
    }
    let mut out = String::new();
    for f in ALL {
        let (rule, example) = describe(f);
        out.push_str(&format!(
            "{f} ({})\n  detected by: {rule}\n  written by:  {example}\n",
            f.tool()
        ));
    }
    Ok(emit(out)?)
}

/// Inspects one file.
pub fn inspect(path: &Path, opts: &IngestOptions) -> FileReport {
    let mut report = FileReport {
        path: path.to_path_buf(),
        ..Default::default()
    };
    if !path.is_file() {
        report.problems.push("no such file".into());
        return report;
    }
    let head = match read_head(path) {
        Ok(h) => h,
        Err(e) => {
            report.problems.push(format!("cannot read: {e}"));
            return report;
        }
    };
    let format = match detect_format(path, &head) {
        Detection::Supported(f) => f,
        Detection::Unsupported(why) => {
            report.problems.push(why);
            return report;
        }
        Detection::Unknown => {
            report.problems.push(if head.is_empty() {
                "empty file".into()
            } else {
                let text = crate::ingest::text::normalize(&head);
                let line: String = crate::ingest::text::first_line(&text)
                    .chars()
                    .take(80)
                    .collect();
                format!(
                    "not a recognised load-test result; its first line: {line:?} (`headroom \
                     inspect --formats` lists the formats read and how each is recognised)"
                )
            });
            return report;
        }
    };
    report.format = Some(format.to_string());
    report.tool = Some(format.tool().to_string());
    match adapter(format) {
        Adapter::Observations(open) => {
            let mut warnings = Vec::new();
            match open(path, opts, &mut warnings) {
                Ok(replay) => {
                    let mut tally = Tally::new(opts.normalize_labels);
                    let mut malformed = Vec::new();
                    let outcome = replay.replay(&mut |obs| match obs {
                        // The first few; `analyze` counts them all.
                        Observation::Malformed(p) if malformed.len() < 20 => {
                            malformed.push(problem_text(&p))
                        }
                        Observation::Malformed(_) => {}
                        obs => tally.add(&obs),
                    });
                    report.problems.append(&mut malformed);
                    let overlong = ingest::limits::take_overlong();
                    report.problems.extend(overlong.iter().map(problem_text));
                    match outcome {
                        Ok(()) => {
                            tally.fill(&mut report, replay.timed());
                            report.version = replay.version_hint();
                            report.notes.extend(replay.notes());
                            report
                                .notes
                                .extend(warnings.iter().map(|w| w.reason.clone()));
                            report.ok = report.problems.is_empty();
                        }
                        Err(p) => report.problems.push(problem_text(&p)),
                    }
                }
                Err(p) => report.problems.push(problem_text(&p)),
            }
        }
        Adapter::Summary(_) | Adapter::Grouped => {
            let run = ingest::load_runs(&[path.to_path_buf()], opts);
            report
                .problems
                .extend(run.problems.iter().map(problem_text));
            report.notes.extend(
                run.skipped
                    .iter()
                    .map(|(_, why)| format!("not read on its own: {why}")),
            );
            if let Some(src) = run.sources.first() {
                from_source(src, &mut report);
            }
            report.version = run.inputs.first().and_then(|i| i.tool_version.clone());
            report.ok = report.problems.is_empty();
        }
    }
    report
}

fn problem_text(p: &crate::model::Problem) -> String {
    match p.line {
        Some(l) => format!("line {l}: {}", p.reason),
        None => p.reason.clone(),
    }
}

/// Figures of a source built by `analyze`'s loader (summaries, Locust).
fn from_source(src: &Source, report: &mut FileReport) {
    let o = &src.overall;
    let m = ScopeMetrics::of_stage(o);
    report.requests = Some(m.requests);
    report.failures = Some(m.failures);
    report.failures_by_kind = m
        .failures_by_kind
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    let transactions: u64 = o
        .endpoints
        .values()
        .filter(|e| e.transaction)
        .map(|e| e.requests)
        .sum();
    report.transactions = Some(transactions);
    let mut eps: Vec<(&EndpointKey, u64)> =
        o.endpoints.iter().map(|(k, e)| (k, e.requests)).collect();
    eps.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    report.endpoints = Some(eps.len());
    report.endpoint_names = eps
        .iter()
        .take(LISTED_ENDPOINTS)
        .map(|(k, _)| k.to_string())
        .collect();
    if let Some((a, b)) = o.window_ms {
        report.start = Some(format_rfc3339_ms(a));
        report.end = Some(format_rfc3339_ms(b - 1));
    }
    report.duration_s = o.duration_s();
    report.users_max = src
        .stages
        .iter()
        .filter_map(|s| s.users)
        .max()
        .map(f64::from)
        .or_else(|| {
            o.timeline
                .intervals
                .iter()
                .filter_map(|i| i.users)
                .reduce(f64::max)
        });
    report.latency_exact = (m.latency.count() > 0).then(|| m.latency.is_exact());
    report.latency_ms = LatencyFigures::of(&m.latency);
    report.notes.extend(src.notes.iter().cloned());
}

/// Running totals over one replay.
struct Tally {
    normalize: bool,
    requests: u64,
    failures: u64,
    transactions: u64,
    by_kind: BTreeMap<String, u64>,
    endpoints: BTreeMap<String, u64>,
    too_many_endpoints: bool,
    first_ms: Option<i64>,
    last_ms: Option<i64>,
    users_max: Option<f64>,
    latency: LatencyDistribution,
    measured: u64,
    /// Observations left out for a time before 1970 or after 9999, and the first.
    implausible: u64,
    first_implausible: Option<i64>,
}

impl Tally {
    fn new(normalize: bool) -> Tally {
        Tally {
            normalize,
            requests: 0,
            failures: 0,
            transactions: 0,
            by_kind: BTreeMap::new(),
            endpoints: BTreeMap::new(),
            too_many_endpoints: false,
            first_ms: None,
            last_ms: None,
            users_max: None,
            latency: LatencyDistribution::new_exact(),
            measured: 0,
            implausible: 0,
            first_implausible: None,
        }
    }

    fn time(&mut self, t: i64) {
        self.first_ms = Some(self.first_ms.map_or(t, |f| f.min(t)));
        self.last_ms = Some(self.last_ms.map_or(t, |l| l.max(t)));
    }

    fn users(&mut self, u: f64) {
        self.users_max = Some(self.users_max.map_or(u, |m| m.max(u)));
    }

    fn endpoint(&mut self, key: &EndpointKey, n: u64) {
        let name = key.to_string();
        if let Some(c) = self.endpoints.get_mut(&name) {
            *c += n;
        } else if self.endpoints.len() < MAX_ENDPOINTS {
            self.endpoints.insert(name, n);
        } else {
            self.too_many_endpoints = true;
        }
    }

    fn add(&mut self, obs: &Observation<'_>) {
        let t = match obs {
            Observation::Request(ev) | Observation::Transaction(ev) => ev.t_ms,
            Observation::Histogram { start_ms, .. } => *start_ms,
            Observation::Users { t_ms, .. } => *t_ms,
            Observation::Malformed(_) => return,
        };
        if !crate::model::plausible_time(t) {
            self.implausible += 1;
            self.first_implausible.get_or_insert(t);
            return;
        }
        match obs {
            Observation::Request(ev) => {
                self.requests += 1;
                self.time(ev.t_ms);
                if let Some(u) = ev.users {
                    self.users(u);
                }
                let name = if self.normalize {
                    normalize_label(ev.name)
                } else {
                    std::borrow::Cow::Borrowed(ev.name)
                };
                self.endpoint(&EndpointKey::new(ev.method, &name), 1);
                if !ev.ok {
                    self.failures += 1;
                    let kind = ev.failure.unwrap_or(crate::model::FailureKind::Other);
                    *self.by_kind.entry(kind.to_string()).or_default() += 1;
                }
                if let Some(ms) = ev.latency_ms {
                    self.latency.record_ms(ms);
                    self.measured += 1;
                }
            }
            Observation::Transaction(ev) => {
                self.transactions += 1;
                self.time(ev.t_ms);
            }
            Observation::Histogram {
                key,
                start_ms,
                end_ms,
                histogram,
                failures,
            } => {
                self.requests += histogram.len();
                self.time(*start_ms);
                self.time(*end_ms - 1);
                self.endpoint(key, histogram.len());
                for (kind, n) in failures.iter() {
                    self.failures += n;
                    *self.by_kind.entry(kind.to_string()).or_default() += n;
                }
                if let LatencyDistribution::Exact(h) = &mut self.latency {
                    let _ = h.add(*histogram);
                }
                self.measured += histogram.len();
            }
            Observation::Users { users, .. } => self.users(*users),
            Observation::Malformed(_) => {}
        }
    }

    fn fill(self, report: &mut FileReport, timed: bool) {
        if let Some(t) = self.first_implausible {
            report
                .problems
                .push(ingest::implausible_times(self.implausible, t));
        }
        report.requests = Some(self.requests);
        report.failures = Some(self.failures);
        report.failures_by_kind = self.by_kind;
        report.transactions = Some(self.transactions);
        let mut eps: Vec<(String, u64)> = self.endpoints.into_iter().collect();
        eps.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        report.endpoints = Some(eps.len());
        report.endpoint_names = eps
            .into_iter()
            .take(LISTED_ENDPOINTS)
            .map(|e| e.0)
            .collect();
        if self.too_many_endpoints {
            report.notes.push(format!(
                "more than {MAX_ENDPOINTS} distinct endpoints (IDs in URLs?): counted up to \
                 there; try --normalize-labels"
            ));
        }
        if timed {
            report.start = self.first_ms.map(format_rfc3339_ms);
            report.end = self.last_ms.map(format_rfc3339_ms);
            report.duration_s = self
                .first_ms
                .zip(self.last_ms)
                .map(|(a, b)| (b - a) as f64 / 1000.0);
        }
        report.users_max = self.users_max;
        if self.measured > 0 {
            report.latency_exact = Some(true);
            report.latency_ms = LatencyFigures::of(&self.latency);
        }
    }
}

/// The human form of one report.
fn text(r: &FileReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let format = r.format.as_deref().unwrap_or("unrecognised");
    let _ = write!(out, "{}: {format}", r.path.display());
    if let Some(v) = &r.version {
        let _ = write!(out, " — {v}");
    }
    out.push('\n');
    if let Some(n) = r.requests {
        let failures = r.failures.unwrap_or(0);
        let kinds: Vec<String> = r
            .failures_by_kind
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let _ = write!(out, "  requests   {n}, {failures} failed");
        if !kinds.is_empty() {
            let _ = write!(out, " ({})", kinds.join(", "));
        }
        out.push('\n');
    }
    if let Some(t) = r.transactions.filter(|t| *t > 0) {
        let _ = writeln!(out, "  transactions {t} (not counted as requests)");
    }
    if r.endpoints == Some(0) {
        // A file of totals only (a Locust history without per-endpoint rows).
        let _ = writeln!(out, "  endpoints  none (totals only; see the notes)");
    } else if let Some(n) = r.endpoints {
        let more = if n > r.endpoint_names.len() {
            ", …"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  endpoints  {n}: {}{more}",
            r.endpoint_names.join(", ")
        );
    }
    match (&r.start, &r.end) {
        (Some(a), Some(b)) => {
            let d = r
                .duration_s
                .map(|d| format!(" ({d:.1} s)"))
                .unwrap_or_default();
            let _ = writeln!(out, "  time span  {a} → {b}{d}");
        }
        _ if r.requests.is_some() => {
            let d = r
                .duration_s
                .map(|d| format!("none in the file; the tool says {d:.1} s"))
                .unwrap_or_else(|| "unknown (no times in the file)".into());
            let _ = writeln!(out, "  time span  {d}");
        }
        _ => {}
    }
    if let Some(u) = r.users_max {
        let _ = writeln!(out, "  users      max {u}");
    }
    if let (Some(exact), Some(l)) = (r.latency_exact, &r.latency_ms) {
        let ms = |v: Option<f64>| v.map(format_ms).unwrap_or_else(|| "—".into());
        let _ = writeln!(
            out,
            "  latency    {}: p50 {}, p95 {}, p99 {}, max {}",
            if exact {
                "exact (every request)"
            } else {
                "tool summary"
            },
            ms(l.p50),
            ms(l.p95),
            ms(l.p99),
            ms(l.max)
        );
    }
    for n in &r.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    for p in &r.problems {
        let _ = writeln!(out, "  problem: {p}");
    }
    out
}
