//! `inspect`'s reading of one file: detect its format, then replay a per-request or
//! per-interval file once (streaming, memory flat: the totals are kept in a `Tally`)
//! or load a summary or grouped file the way `analyze` does. The result is a
//! [`FileReport`] and, for a loaded file, its [`Source`] (whose figures analysis
//! adds). A large plain file is read in parts on several threads, as `analyze` reads
//! it, and their tallies added up: the figures are the same for any number.

use std::collections::BTreeMap;
use std::path::Path;

use super::chunks::in_parallel;
use super::formats::{spec, Reader};
use super::text::{first_line, normalize, read_head};
use super::{detect_format, Detection, IngestOptions, Observation};
use crate::model::inspection::{FileReport, LatencyFigures, LISTED_ENDPOINTS};
use crate::model::{
    format_rfc3339_ms, normalize_label, EndpointKey, FailureKind, LatencyDistribution, Problem,
    Source,
};

/// Distinct endpoints counted before giving up (a file of raw URLs with IDs).
const MAX_ENDPOINTS: usize = 100_000;

/// What `inspect` found in one file: the report, and the source when the file was
/// loaded whole (a summary, a Locust set) rather than replayed.
pub struct Inspection {
    /// The report, its figures filled for a replayed file.
    pub report: FileReport,
    /// The loaded source (its figures are analysis's to add).
    pub source: Option<Source>,
}

/// Inspects one file.
pub fn inspect(path: &Path, opts: &IngestOptions) -> Inspection {
    let mut report = FileReport {
        path: path.to_path_buf(),
        ..Default::default()
    };
    let Some(format) = detect(path, &mut report) else {
        return Inspection {
            report,
            source: None,
        };
    };
    report.format = Some(format.to_string());
    report.tool = Some(format.tool().to_string());
    let source = match spec(format).reader {
        Reader::Replay(open) => {
            let mut warnings = Vec::new();
            match open(path, opts, &mut warnings) {
                Ok(replay) => tally_replay(replay.as_ref(), &warnings, opts, &mut report),
                Err(p) => report.problems.push(problem_text(&p)),
            }
            if super::adapters::gzip_cut_short(path) {
                report.notes.push(
                    "the gzip stream ends before its end mark (copied while the tool wrote \
                     it, or cut): the rows before the cut are read; the run did not end there"
                        .into(),
                );
            }
            None
        }
        Reader::Summary(_)
            if format == super::Format::AbCsv && ab_text_beside(path, &mut report) =>
        {
            None
        }
        Reader::Summary(_) | Reader::Source(_) | Reader::Grouped => load(path, opts, &mut report),
    };
    Inspection { report, source }
}

/// For ab's `-e` CSV (percentiles only, no counts: a problem alone): true, with a note,
/// when ab's console text is in the same dir, as `analyze` reads them — its counts
/// from the console, the CSV set aside as detail of that run.
fn ab_text_beside(path: &Path, report: &mut FileReport) -> bool {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let Ok(entries) = std::fs::read_dir(dir.unwrap_or(Path::new("."))) else {
        return false;
    };
    let mut texts: Vec<String> = (entries.flatten().map(|e| e.path()))
        .filter(|p| p.is_file() && p.as_path() != path)
        .filter(|p| {
            read_head(p).is_ok_and(|head| {
                matches!(
                    detect_format(p, &head),
                    Detection::Supported(super::Format::AbText)
                )
            })
        })
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    if texts.is_empty() {
        return false;
    }
    texts.sort();
    report.notes.push(format!(
        "ab's -e percentiles, without counts: read beside ab's console text in this dir ({}), \
         which gives the run's counts and percentiles; analyze sets this file aside as its \
         detail",
        texts.join(", ")
    ));
    report.ok = true;
    true
}

/// The file's format; `None` (and the problem in the report) when it is missing,
/// unreadable, unrecognised or not read.
fn detect(path: &Path, report: &mut FileReport) -> Option<super::Format> {
    if path.is_dir() {
        report
            .problems
            .push("a dir with no files: give a result file, or a dir that holds some".into());
        return None;
    }
    if !path.is_file() {
        report.problems.push("no such file".into());
        return None;
    }
    let head = match read_head(path) {
        Ok(h) => h,
        Err(e) => {
            report.problems.push(format!("cannot read: {e}"));
            return None;
        }
    };
    match detect_format(path, &head) {
        Detection::Supported(f) => {
            report.notes.extend(super::preamble::note(path));
            Some(f)
        }
        Detection::Unsupported(why) => {
            report.problems.push(why);
            None
        }
        Detection::Unknown => {
            report.problems.push(if head.is_empty() {
                "empty file".into()
            } else {
                let text = normalize(&head);
                let line: String = first_line(&text).chars().take(80).collect();
                format!(
                    "not a recognised load-test result; its first line: {line:?} (`headroom \
                     inspect --formats` lists the formats read and how each is recognised)"
                )
            });
            None
        }
    }
}

/// Replays a per-request or per-interval file once into the report's figures; a large
/// plain file in parts on several threads (`--threads`), tallied apart and added up.
fn tally_replay(
    replay: &dyn super::Replay,
    warnings: &[Problem],
    opts: &IngestOptions,
    report: &mut FileReport,
) {
    let threads = super::chunks::threads(opts);
    let mut parts = if threads > 1 {
        replay.split(threads)
    } else {
        Vec::new()
    };
    let in_parts = (!parts.is_empty())
        .then(|| in_parallel(&mut parts, |_, part| PartTally::of(part, opts)))
        .and_then(PartTally::add_up);
    // Whole: one part, or the parts' endpoints outgrew the count (which ones are
    // counted then depends on the order they came in).
    let PartTally {
        tally,
        mut malformed,
        outcome,
    } = in_parts.unwrap_or_else(|| PartTally::of(replay, opts));
    report.problems.append(&mut malformed);
    let overlong = super::limits::take_overlong();
    report.problems.extend(overlong.iter().map(problem_text));
    match outcome {
        Ok(()) => {
            tally.fill(report, replay.timed());
            report.version = replay.version_hint();
            report.notes.extend(replay.notes());
            report.notes.extend(replay.warnings());
            // As `analyze` says it: the figures above may be off by 1,000×.
            let doubts = [replay.latency_unit_doubt(), replay.clock_unit_doubt()];
            let doubt = |why: String| format!("the unit is in doubt: {why}");
            report.notes.extend(doubts.into_iter().flatten().map(doubt));
            report
                .notes
                .extend(warnings.iter().map(|w| w.reason.clone()));
            report.ok = report.problems.is_empty();
        }
        Err(p) => report.problems.push(problem_text(&p)),
    }
}

/// Malformed rows shown; `analyze` counts them all.
const SHOWN_MALFORMED: usize = 20;

/// What one replay (of a file or of a part of it) tallied.
struct PartTally {
    tally: Tally,
    /// The first [`SHOWN_MALFORMED`] malformed rows.
    malformed: Vec<String>,
    outcome: Result<(), Problem>,
}

impl PartTally {
    fn of(replay: &dyn super::Replay, opts: &IngestOptions) -> PartTally {
        let mut tally = Tally::new(opts.normalize_labels);
        let mut malformed = Vec::new();
        let outcome = replay.replay(&mut |obs| match obs {
            Observation::Malformed(p) if malformed.len() < SHOWN_MALFORMED => {
                malformed.push(problem_text(&p));
            }
            Observation::Malformed(_) => {}
            obs => tally.add(&obs),
        });
        PartTally {
            tally,
            malformed,
            outcome,
        }
    }

    /// The parts' tallies added up in file order, as one replay of the whole would
    /// have them; `None` when their endpoints outgrew the count.
    fn add_up(parts: Vec<PartTally>) -> Option<PartTally> {
        let mut parts = parts.into_iter();
        let mut whole = parts.next()?;
        for part in parts {
            if !whole.tally.add_up(part.tally) {
                return None;
            }
            whole.malformed.extend(part.malformed);
            whole.malformed.truncate(SHOWN_MALFORMED);
            if whole.outcome.is_ok() {
                whole.outcome = part.outcome;
            }
        }
        (!whole.tally.too_many_endpoints).then_some(whole)
    }
}

/// Loads a summary or grouped file the way `analyze` does; its source, if any.
fn load(path: &Path, opts: &IngestOptions, report: &mut FileReport) -> Option<Source> {
    let mut run = super::load_runs(&[path.to_path_buf()], opts);
    report
        .problems
        .extend(run.problems.iter().map(problem_text));
    report.notes.extend(
        run.skipped
            .iter()
            .map(|s| format!("not read on its own: {}", s.reason)),
    );
    report.version = run.inputs.first().and_then(|i| i.tool_version.clone());
    report.ok = report.problems.is_empty();
    (!run.sources.is_empty()).then(|| run.sources.swap_remove(0))
}

fn problem_text(p: &Problem) -> String {
    match p.line {
        Some(l) => format!("line {l}: {}", p.reason),
        None => p.reason.clone(),
    }
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
                    let kind = ev.failure.unwrap_or(FailureKind::Other);
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
                    h.add_histogram(histogram);
                }
                self.measured += histogram.len();
            }
            Observation::Users { users, .. } => self.users(*users),
            Observation::Malformed(_) => {}
        }
    }

    /// Adds the tally of the part of the file after this one's; false when their
    /// endpoints together outgrow the count.
    fn add_up(&mut self, other: Tally) -> bool {
        if self.too_many_endpoints || other.too_many_endpoints {
            return false;
        }
        for (name, n) in other.endpoints {
            *self.endpoints.entry(name).or_default() += n;
        }
        if self.endpoints.len() > MAX_ENDPOINTS {
            return false;
        }
        self.requests += other.requests;
        self.failures += other.failures;
        self.transactions += other.transactions;
        for (kind, n) in other.by_kind {
            *self.by_kind.entry(kind).or_default() += n;
        }
        if let Some(t) = other.first_ms {
            self.time(t);
        }
        if let Some(t) = other.last_ms {
            self.time(t);
        }
        if let Some(u) = other.users_max {
            self.users(u);
        }
        self.latency.merge(&other.latency);
        self.measured += other.measured;
        self.implausible += other.implausible;
        self.first_implausible = self.first_implausible.or(other.first_implausible);
        true
    }

    fn fill(self, report: &mut FileReport, timed: bool) {
        if let Some(t) = self.first_implausible {
            report
                .problems
                .push(super::implausible_times(self.implausible, t));
        }
        report.requests = Some(self.requests);
        report.failures = Some(self.failures);
        report.failures_by_kind = self.by_kind;
        report.transactions = Some(self.transactions);
        let mut eps: Vec<(String, u64)> = self.endpoints.into_iter().collect();
        eps.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        report.endpoints = Some(eps.len());
        if eps.len() > crate::model::MAX_ENDPOINTS {
            report.notes.push(grouping_note(&eps, self.normalize));
        }
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

/// What `analyze` will do with more than [`crate::model::MAX_ENDPOINTS`] distinct
/// request names: the grouping the file's names alone reach (a source of several files
/// may need a coarser one), so that `inspect`'s raw count is not read as the report's.
fn grouping_note(eps: &[(String, u64)], normalized: bool) -> String {
    use crate::model::{fitting, thousands, Grouping, MAX_ENDPOINTS};
    let from = if normalized {
        Grouping::Routes
    } else {
        Grouping::Names
    };
    let (grouping, n) = fitting(eps.iter().map(|e| e.0.as_str()), from);
    format!(
        "{} distinct request names, more than {}: `analyze` groups them into {n} \
         endpoint{} ({}); name requests in the script or pass --normalize-labels to choose \
         the names",
        thousands(eps.len()),
        thousands(MAX_ENDPOINTS),
        if n == 1 { "" } else { "s" },
        grouping.describe(),
    )
}
