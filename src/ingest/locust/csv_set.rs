//! Locust `--csv` output: `_stats.csv`, `_stats_history.csv`,
//! `_failures.csv`, `_exceptions.csv`, and the pre-1.0 `_requests.csv` /
//! `_distribution.csv`, in every column-name generation.
//!
//! Locust writes aggregates, not requests, so its latencies are *tool summaries*: the
//! percentiles are Locust's own (from a histogram rounded to about two significant
//! digits) and are reported as such. Stages detected from a stats history get exact
//! request and failure counts and an exact mean (differences of cumulative totals),
//! and approximate percentiles estimated from the history's own percentile columns
//! (cumulative or windowed, told apart by the data: see `history`). The
//! series' interval is the history's measured row spacing, not an assumed 1 s. Without
//! `--csv-full-history` (every version) the history has only the Aggregated rows:
//! such stages have their totals and no endpoints; with it, each endpoint also gets
//! its series from its own rows.
//!
//! Failure kinds come from `_failures.csv`, which covers the whole run: a history
//! stage gets them only where they follow for certain (see `kinds_of_part`); the
//! report counts the rest as `other`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use super::failures::{add_failure_kinds, kinds_from_whole_run, read_exceptions, read_failures};
use super::flags;
use super::history::{history_spacing, overall_from_history, read_history, HistoryRow};
use super::series::fill_timeline;
use crate::ingest::formats::{FormatSpec, Head, Reader, Sniff};
use crate::ingest::stages::StagePlan;
use crate::ingest::text::{csv_reader, read_text};
use crate::ingest::Format;
use crate::ingest::{problem, IngestOptions};
use crate::model::{
    EndpointKey, EndpointStats, LatencyDistribution, PercentileSummary, Problem, Source, Stage,
};

/// True for the header of a stats file (`_stats.csv`, or `_requests.csv` ≤ 0.13.2).
fn stats_header(h: &Head<'_>) -> bool {
    (h.first() == "Type" || h.first() == "Method")
        && (h.has("Request Count") || h.has("# requests"))
        && h.has("Name")
}

/// True for the stats header of Locust ≤ 0.13.2 (`_requests.csv`: no percentiles).
fn old_requests(h: &Head<'_>) -> bool {
    h.first() == "Method" && !h.has("50%")
}

/// The `locust-stats` format: how it is recognised and read.
pub const STATS: FormatSpec = FormatSpec {
    format: Format::LocustStats,
    name: "locust-stats",
    tool: "locust",
    sniff: Sniff::Content(|h| stats_header(h) && !old_requests(h)),
    reads_gzip: true,
    reader: Reader::Grouped,
    splittable: false,
    notes: &[],
    detected_by: "CSV header Type/Method, Name, Request Count or # requests",
    example: "locust --headless --csv run",
};

/// The `locust-requests` format: how it is recognised and read.
pub const REQUESTS: FormatSpec = FormatSpec {
    format: Format::LocustRequests,
    name: "locust-requests",
    tool: "locust",
    sniff: Sniff::Content(|h| stats_header(h) && old_requests(h)),
    reads_gzip: true,
    reader: Reader::Grouped,
    splittable: false,
    notes: &[],
    detected_by: "CSV header Method, Name, # requests without percentiles (Locust ≤ 0.13.2)",
    example: "locust --no-web --csv run",
};

/// The `locust-distribution` format: how it is recognised and read.
pub const DISTRIBUTION: FormatSpec = FormatSpec {
    format: Format::LocustDistribution,
    name: "locust-distribution",
    tool: "locust",
    sniff: Sniff::Content(|h| h.first() == "Name" && h.has("# requests") && h.has("50%")),
    reads_gzip: true,
    reader: Reader::Grouped,
    splittable: false,
    notes: &[],
    detected_by: "CSV header Name, # requests, 50% (Locust ≤ 0.13.2)",
    example: "locust --no-web --csv run",
};

/// The Locust files of one run dir.
#[derive(Debug, Default)]
pub struct LocustSet {
    /// `_stats.csv` (or `_requests.csv` joined with `_distribution.csv`).
    pub stats: Option<PathBuf>,
    /// `_distribution.csv` (≤ 0.13.2).
    pub distribution: Option<PathBuf>,
    /// `_stats_history.csv`.
    pub history: Option<PathBuf>,
    /// `_failures.csv`.
    pub failures: Option<PathBuf>,
    /// `_exceptions.csv`.
    pub exceptions: Option<PathBuf>,
    /// Locust's log of the run beside the CSVs (its console, `--logfile`) with the
    /// `Resetting stats` lines it holds: how many (maybe none), the first's line number
    /// (`console::logged_resets`).
    pub logged_resets: Option<(PathBuf, usize, u64)>,
}

impl LocustSet {
    /// The set's files whose figures it reads (not `_exceptions.csv`).
    pub fn read_files(&self) -> impl Iterator<Item = &Path> {
        let files = [
            &self.stats,
            &self.distribution,
            &self.history,
            &self.failures,
        ];
        files.into_iter().flatten().map(PathBuf::as_path)
    }
}

/// One row of `_stats.csv` (or `_requests.csv`).
#[derive(Clone, Debug)]
pub(super) struct StatsRow {
    pub(super) key: EndpointKey,
    pub(super) requests: u64,
    pub(super) failures: u64,
    pub(super) summary: PercentileSummary,
    pub(super) avg_content_size: Option<f64>,
    pub(super) rps: Option<f64>,
}

/// Column positions by any of several names (Locust renamed columns across versions).
pub(super) struct Columns(pub(super) Vec<String>);

impl Columns {
    pub(super) fn find(&self, names: &[&str]) -> Option<usize> {
        self.0
            .iter()
            .position(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)))
    }

    pub(super) fn require(&self, path: &Path, names: &[&str]) -> Result<usize, Problem> {
        self.find(names).ok_or_else(|| {
            problem(
                path,
                Some(1),
                format!("no `{}` column in the header", names[0]),
            )
        })
    }

    /// Percentile columns (`50%`, `99.9%`, and 0.14's `99.999` without `%`).
    pub(super) fn percentiles(&self) -> Vec<(usize, f64)> {
        static RE: OnceLock<Regex> = OnceLock::new();
        let re = RE.get_or_init(|| Regex::new(r"^(\d+(?:\.\d+)?)%?$").expect("static regex"));
        self.0
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let p: f64 = re.captures(c)?.get(1)?.as_str().parse().ok()?;
                (p > 0.0 && p <= 100.0).then_some((i, p))
            })
            .collect()
    }
}

/// A data row: its line and cells.
pub(super) type Row = (u64, Vec<String>);

/// A Locust CSV as read: header, complete rows, and where a last row cut short was.
pub(super) struct Rows {
    pub(super) cols: Columns,
    pub(super) rows: Vec<Row>,
    /// `(line, fields)` of a last row with fewer fields than the header: the run
    /// stopped while Locust was writing. The rows before it are complete.
    pub(super) cut: Option<(u64, usize)>,
}

impl Rows {
    /// The problem of the cut last row, `then` saying what that leaves out.
    pub(super) fn cut_problem(&self, path: &Path, then: &str) -> Option<Problem> {
        self.cut.map(|(line, fields)| {
            problem(
                path,
                Some(line),
                format!(
                    "row has {fields} fields, the header has {}: the last line is cut short \
                     (run stopped while Locust was writing?); {then}",
                    self.cols.0.len()
                ),
            )
        })
    }
}

/// Reads the CSV rows of a Locust file: header cells and `(line, cells)` rows; a row
/// of the wrong width is a problem, except a last row cut short (see [`Rows::cut`]).
pub(super) fn read_rows_cut(path: &Path) -> Result<Rows, Problem> {
    let text = read_text(path).map_err(|e| problem(path, None, e.to_string()))?;
    if text.trim().is_empty() {
        return Err(problem(path, None, "empty file"));
    }
    let mut reader = csv_reader(&text);
    let header = reader
        .headers()
        .map_err(|e| problem(path, Some(1), format!("unreadable header: {e}")))?
        .iter()
        .map(|c| c.trim().to_string())
        .collect::<Vec<_>>();
    let width = header.len();
    let mut rows = Vec::new();
    let mut records = reader.records().peekable();
    while let Some(record) = records.next() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            problem(path, line, format!("unreadable row: {e}"))
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() < width && records.peek().is_none() {
            return Ok(Rows {
                cols: Columns(header),
                rows,
                cut: Some((line, record.len())),
            });
        }
        if record.len() != width {
            return Err(problem(
                path,
                Some(line),
                format!(
                    "row has {} fields, the header has {width} (truncated file?)",
                    record.len()
                ),
            ));
        }
        rows.push((line, record.iter().map(|c| c.trim().to_string()).collect()));
    }
    Ok(Rows {
        cols: Columns(header),
        rows,
        cut: None,
    })
}

/// Like [`read_rows_cut`], for files whose every row counts: a cut last row is a
/// problem of the whole file.
pub(super) fn read_rows(path: &Path) -> Result<(Columns, Vec<Row>), Problem> {
    let read = read_rows_cut(path)?;
    match read.cut_problem(path, "the file is not used") {
        Some(p) => Err(p),
        None => Ok((read.cols, read.rows)),
    }
}

pub(super) fn number(
    path: &Path,
    line: u64,
    column: &str,
    cell: &str,
) -> Result<Option<f64>, Problem> {
    match cell {
        "" | "N/A" => Ok(None),
        c => c
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or_else(|| {
                problem(
                    path,
                    Some(line),
                    format!("`{column}` is not a number: `{c}`"),
                )
            }),
    }
}

pub(super) fn count(path: &Path, line: u64, column: &str, cell: &str) -> Result<u64, Problem> {
    number(path, line, column, cell)?
        .filter(|v| *v >= 0.0)
        .map(|v| v as u64)
        .ok_or_else(|| {
            problem(
                path,
                Some(line),
                format!("`{column}` is not a count: `{cell}`"),
            )
        })
}

/// True for Locust's aggregate row (`Aggregated`, or `Total` before 0.12.2).
pub(super) fn is_aggregate(method: &str, name: &str) -> bool {
    (method.is_empty() || method == "None") && (name == "Aggregated" || name == "Total")
}

/// A stats file as read: endpoint rows, the aggregate row, and the problem of a last
/// line cut short (the rows before it are kept).
pub(super) type StatsRead = (Vec<StatsRow>, Option<StatsRow>, Option<Problem>);

/// `_stats.csv` / `_requests.csv` rows and the aggregate row; a last line cut short
/// is left out (a problem) and the rows before it are used.
pub(super) fn read_stats(path: &Path, distribution: Option<&Path>) -> Result<StatsRead, Problem> {
    let mut read = read_rows_cut(path)?;
    if read.rows.is_empty() {
        if let Some(p) = read.cut_problem(path, "no complete row before it") {
            return Err(p);
        }
    }
    let (endpoints, aggregate) = stats_rows(
        path,
        distribution,
        &read.cols,
        std::mem::take(&mut read.rows),
    )?;
    let then = if aggregate.is_some() {
        "left out".to_string()
    } else {
        format!(
            "left out, with the rows after it: the file lacks its Aggregated row (the run's \
             totals), and has only the {} endpoint(s) listed before the cut",
            endpoints.len()
        )
    };
    Ok((endpoints, aggregate, read.cut_problem(path, &then)))
}

/// The endpoint rows and the aggregate row of a stats file's complete rows.
fn stats_rows(
    path: &Path,
    distribution: Option<&Path>,
    cols: &Columns,
    rows: Vec<Row>,
) -> Result<(Vec<StatsRow>, Option<StatsRow>), Problem> {
    let c_method = cols.require(path, &["Type", "Method"])?;
    let c_name = cols.require(path, &["Name"])?;
    let c_req = cols.require(path, &["Request Count", "# requests"])?;
    let c_fail = cols.require(path, &["Failure Count", "# failures"])?;
    let c_avg = cols.find(&["Average Response Time"]);
    let c_min = cols.find(&["Min Response Time"]);
    let c_max = cols.find(&["Max Response Time"]);
    let c_med = cols.find(&["Median Response Time"]);
    let c_size = cols.find(&["Average Content Size"]);
    let c_rps = cols.find(&["Requests/s"]);
    let pct_cols = cols.percentiles();
    let dist = match distribution {
        Some(d) => read_distribution(d)?,
        None => BTreeMap::new(),
    };

    if rows.is_empty() {
        return Err(problem(path, Some(2), "header only: no request rows"));
    }
    let mut endpoints = Vec::new();
    let mut aggregate = None;
    for (line, cells) in rows {
        let get = |i: Option<usize>, name: &str| -> Result<Option<f64>, Problem> {
            match i {
                Some(i) => number(path, line, name, &cells[i]),
                None => Ok(None),
            }
        };
        let method = cells[c_method].as_str();
        let name = cells[c_name].as_str();
        let mut points: Vec<(f64, f64)> = Vec::new();
        for &(i, p) in &pct_cols {
            if let Some(v) = number(path, line, &cols.0[i], &cells[i])? {
                points.push((p, v));
            }
        }
        let dist_key = if is_aggregate(method, name) {
            name.to_string()
        } else {
            format!("{method} {name}")
        };
        if points.is_empty() {
            if let Some(p) = dist.get(&dist_key) {
                points.clone_from(p);
            }
        }
        if points.is_empty() {
            // Old files without percentile columns still have a median.
            if let Some(med) = get(c_med, "Median Response Time")? {
                points.push((50.0, med));
            }
        }
        let requests = count(path, line, "Request Count", &cells[c_req])?;
        let failures = count(path, line, "Failure Count", &cells[c_fail])?;
        if failures > requests {
            return Err(problem(path, Some(line), "more failures than requests"));
        }
        let none_if_empty = |v: Option<f64>| v.filter(|_| requests > 0);
        let min_ms = none_if_empty(get(c_min, "Min Response Time")?);
        let max_ms = none_if_empty(get(c_max, "Max Response Time")?);
        super::rounding::within_extremes(&mut points, min_ms, max_ms);
        let row = StatsRow {
            key: EndpointKey::new(Some(method).filter(|m| *m != "None"), name),
            requests,
            failures,
            summary: PercentileSummary {
                sd_ms: None,
                count: requests,
                mean_ms: none_if_empty(get(c_avg, "Average Response Time")?),
                min_ms,
                max_ms,
                points,
                merged: false,
                co_corrected: false,
            },
            avg_content_size: get(c_size, "Average Content Size")?,
            rps: get(c_rps, "Requests/s")?,
        };
        if let Some(v) = row.summary.impossible_value() {
            return Err(problem(
                path,
                Some(line),
                format!("latency {v}: a latency cannot be negative, infinite or not a number"),
            ));
        }
        if is_aggregate(method, name) {
            aggregate = Some(row);
        } else {
            endpoints.push(row);
        }
    }
    Ok((endpoints, aggregate))
}

/// `_distribution.csv` (≤ 0.13.2): `"METHOD name"` → percentile points.
pub(super) fn read_distribution(path: &Path) -> Result<BTreeMap<String, Vec<(f64, f64)>>, Problem> {
    let (cols, rows) = read_rows(path)?;
    let c_name = cols.require(path, &["Name"])?;
    let pct_cols = cols.percentiles();
    let mut out = BTreeMap::new();
    for (line, cells) in rows {
        let mut points = Vec::new();
        for &(i, p) in &pct_cols {
            if let Some(v) = number(path, line, &cols.0[i], &cells[i])? {
                points.push((p, v));
            }
        }
        out.insert(cells[c_name].clone(), points);
    }
    Ok(out)
}

fn keep<T>(problems: &mut Vec<Problem>, r: Result<T, Problem>) -> Option<T> {
    r.map_err(|p| problems.push(p)).ok()
}

/// A set's stats rows (and aggregate row) and history, whether the history was cut,
/// and notes on what the whole-run figures rest on.
type StatsAndHistory = (
    Option<(Vec<StatsRow>, Option<StatsRow>)>,
    Option<Vec<HistoryRow>>,
    bool,
    Vec<String>,
);

/// Reads a set's stats file and history. A file cut short keeps its rows before the
/// cut (the cut line is pushed to `problems`); a stats file cut before its Aggregated
/// row gives way to the history when that has totals, and a note says which.
fn stats_and_history(set: &LocustSet, problems: &mut Vec<Problem>) -> StatsAndHistory {
    let stats = set
        .stats
        .as_deref()
        .and_then(|p| keep(problems, read_stats(p, set.distribution.as_deref())));
    let mut history_cut = false;
    let history = set
        .history
        .as_deref()
        .and_then(|p| keep(problems, read_history(p)))
        .map(|(rows, cut)| {
            history_cut = cut.is_some();
            problems.extend(cut);
            rows
        });
    let mut notes = Vec::new();
    let stats = stats.and_then(|(rows, agg, cut)| {
        let cut_before_totals = cut.is_some() && agg.is_none();
        problems.extend(cut);
        if !cut_before_totals {
            return Some((rows, agg));
        }
        let instead = history
            .as_deref()
            .is_some_and(|h| h.iter().any(|r| r.key.is_none()));
        notes.push(cut_stats_note(rows.len(), instead));
        (!instead).then_some((rows, agg))
    });
    (stats, history, history_cut, notes)
}

/// Builds the Locust source of one dir, and what Locust's own whole-run outputs count
/// (requests, failures) when that is not the source's whole run: the requests since
/// its last stats reset (`resets`). Problems with single files are pushed to
/// `problems`; the source is built from whatever files remain.
pub fn build_source(
    set: &LocustSet,
    plan: &StagePlan,
    opts: &IngestOptions,
    problems: &mut Vec<Problem>,
) -> Option<(Source, Option<(u64, u64)>)> {
    let (stats, mut history, history_cut, mut notes) = stats_and_history(set, problems);
    let total = stats.as_ref().and_then(|(_, agg)| agg.as_ref());
    let logged = set.logged_resets.as_ref();
    let since_reset = super::resets::read(history.as_deref_mut(), total, logged, &mut notes);
    if let Some(hist) = history.as_deref_mut() {
        super::window_kind::mark(hist);
    }
    // After a stats reset the stats file holds the last step alone.
    let whole = stats.as_ref().filter(|_| since_reset.is_none());
    let failures = (set.failures.as_deref()).and_then(|p| keep(problems, read_failures(p)));
    let exceptions = (set.exceptions.as_deref()).and_then(|p| keep(problems, read_exceptions(p)));
    if stats.is_none() && history.as_ref().is_none_or(Vec::is_empty) {
        return None;
    }

    let mut source = Source {
        tool: "locust".into(),
        notes,
        ..Default::default()
    };
    for (n, msg) in exceptions.iter().flatten() {
        source.notes.push(format!(
            "Locust reported {n} exception(s) in user code: {msg}"
        ));
    }

    // Overall: the summary when there is one, else the last cumulative history row.
    let mut overall = Stage::named("overall");
    overall.window_basis = "whole run (Locust's cumulative summary, ramps included)".into();
    if let Some((rows, agg)) = whole {
        let kept: Vec<&StatsRow> = rows.iter().filter(|r| opts.keeps(&r.key)).collect();
        for row in &kept {
            overall
                .endpoints
                .insert(row.key.clone(), endpoint_from_row(row));
        }
        if let Some(agg) = agg {
            // The aggregate row stands for every endpoint; a filter makes it stale.
            if kept.len() == rows.len() {
                overall.aggregate = Some(endpoint_from_row(agg));
            }
            overall.duration_s = agg
                .rps
                .filter(|r| *r > 0.0)
                .map(|rps| agg.requests as f64 / rps);
        }
    }
    let spacing = history.as_deref().map_or(1000, history_spacing);
    // Filters that leave an endpoint out make the Aggregated rows count more than kept.
    let dropped = |key: &EndpointKey| !opts.keeps(key);
    let filtered = stats
        .as_ref()
        .is_some_and(|(rows, _)| rows.iter().any(|r| dropped(&r.key)))
        || (history.as_deref())
            .is_some_and(|h| h.iter().any(|r| r.key.as_ref().is_some_and(dropped)));
    if let Some(hist) = &history {
        source.span_ms = hist.first().zip(hist.last()).map(|(a, b)| (a.t_ms, b.t_ms));
        if let Some(note) = super::series::history_note(hist, spacing) {
            source.notes.push(note);
        }
        if whole.is_none() {
            overall_from_history(&mut overall, hist, opts);
            fill_timeline(&mut overall, hist, spacing, &|_| false, filtered);
        } else if history_cut {
            // A cut history's series would cover part of what the stats file counts.
            source.notes.push(CUT_HISTORY_UNDRAWN.into());
        } else {
            fill_timeline(&mut overall, hist, spacing, &|_| false, filtered);
        }
    }
    // After the history: without `_stats.csv` the overall figures come from it.
    if let Some(fails) = &failures {
        source
            .notes
            .extend(add_failure_kinds(&mut overall, fails, opts));
    }

    let history_stages = flags::history_stages(
        plan,
        history.as_deref(),
        stats.is_some(),
        opts,
        &mut source.notes,
    );
    let from_summary = history_stages.is_none();
    source.stages =
        history_stages.unwrap_or_else(|| summary_stages(plan, &overall, &mut source.notes));
    if let (Some(hist), false) = (&history, from_summary) {
        let edges = (since_reset.is_some() && !history_cut, logged.is_some());
        super::stage_edges::settle(&mut source, hist, stats.as_ref(), edges, opts);
        for stage in &mut source.stages {
            kinds_from_whole_run(stage, &overall);
        }
    }
    flags::untrimmed_summary(&mut source, &mut overall, opts, from_summary);
    if let (Some(hist), false) = (&history, from_summary || stats.is_none()) {
        flags::endpoints_whole_run(&mut source, &overall, hist);
    }
    source.stopped_early =
        super::unflushed::history_behind(set, total, history.as_deref()).filter(|_| !history_cut);
    if !from_summary && !history_cut && since_reset.is_none() {
        super::totals::mark(&mut source, set, total, history.as_deref(), spacing);
    }
    let how = (from_summary, history_cut, whole.is_none(), since_reset);
    super::summary_clock::apply(&mut source, &mut overall, history.as_deref(), how);
    source.overall = overall;
    super::paced::load_beside(&mut source, set, history.as_deref(), plan);
    if let Some(p) = impossible(set, stats.is_some(), &source) {
        problems.push(p);
        return None;
    }
    Some((source, since_reset))
}

/// Impossible numbers (counts past a u64, more failures than requests) in `source`:
/// the stats file's problem (`has_stats`: it was read), else the history's.
fn impossible(set: &LocustSet, has_stats: bool, source: &Source) -> Option<Problem> {
    let file = (set.stats.as_deref().filter(|_| has_stats)).or(set.history.as_deref())?;
    crate::ingest::summary::check_source(file, source).err()
}

/// Why the whole run has no series when the stats history was cut.
const CUT_HISTORY_UNDRAWN: &str =
    "the stats history was cut short: its series covers only the start of the run the \
     stats file counts, so the whole run is shown without a series over time";

/// What the whole-run figures rest on when the stats file was cut before its
/// Aggregated row, having kept `endpoints` rows: the history's totals (`instead`) or
/// those rows alone.
fn cut_stats_note(endpoints: usize, instead: bool) -> String {
    if instead {
        format!(
            "the stats file was cut before its Aggregated row (the run's totals): the \
             whole-run figures come from the stats history, up to its last complete row, \
             instead of the {endpoints} endpoint(s) the stats file kept"
        )
    } else {
        format!(
            "the stats file was cut before its Aggregated row (the run's totals): the \
             whole-run figures are only the {endpoints} endpoint(s) it lists before the \
             cut; the totals and any endpoint after the cut are missing"
        )
    }
}

/// The one stage a whole-run summary can give, named by the plan.
pub(super) fn summary_stages(
    plan: &StagePlan,
    overall: &Stage,
    notes: &mut Vec<String>,
) -> Vec<Stage> {
    let stage = match plan {
        StagePlan::WholeDir { name, users, .. } => whole_run_stage(overall, name, *users),
        StagePlan::Detect { fallback, .. } => whole_run_stage(overall, fallback, None),
        StagePlan::Manifest(specs) if specs.len() == 1 => {
            whole_run_stage(overall, &specs[0].name, specs[0].users)
        }
        StagePlan::Manifest(specs) => {
            notes.push(format!(
                "the manifest lists {} stages but Locust's summary covers the whole run: \
                 reported as one stage",
                specs.len()
            ));
            whole_run_stage(overall, "whole_run", None)
        }
    };
    vec![stage]
}

pub(super) fn endpoint_from_row(row: &StatsRow) -> EndpointStats {
    let mut ep = EndpointStats::new(row.key.clone());
    ep.requests = row.requests;
    ep.failures = row.failures;
    ep.latency = LatencyDistribution::Summary(row.summary.clone());
    // Locust does not split latencies of successes from failures.
    ep.ok_latency = None;
    ep.bytes_received = row
        .avg_content_size
        .map(|avg| (avg * row.requests as f64).round() as u64);
    ep
}

/// The whole run as one stage (the summary covers everything Locust measured).
pub(super) fn whole_run_stage(overall: &Stage, name: &str, users: Option<u32>) -> Stage {
    let mut s = overall.clone();
    s.name = name.to_string();
    s.users = users;
    s.window_basis = "whole run: Locust's summary covers the ramp too".into();
    s
}
