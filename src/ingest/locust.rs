//! Locust `--csv` output (FORMATS.md §1): `_stats.csv`, `_stats_history.csv`,
//! `_failures.csv`, `_exceptions.csv`, and the pre-1.0 `_requests.csv` /
//! `_distribution.csv`, in every column-name generation.
//!
//! Locust writes aggregates, not requests, so its latencies are *tool summaries*: the
//! percentiles are Locust's own (from a histogram rounded to about two significant
//! digits) and are reported as such. Stages detected from a stats history get exact
//! request and failure counts and an exact mean (differences of cumulative totals),
//! and approximate percentiles estimated from the history's own percentile columns
//! (cumulative or windowed, told apart by the data: see `locust_history`). The
//! series' interval is the history's measured row spacing, not an assumed 1 s. Without
//! `--csv-full-history` (every version) the history has only the Aggregated rows:
//! such stages have their totals and no endpoints.
//!
//! Failure kinds come from `_failures.csv`, which covers the whole run: a history
//! stage gets them only where they follow for certain (see `kinds_of_part`); the
//! report counts the rest as `other`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use super::locust_history::{self, PercentileKind, RowPercentiles};
use super::stages::{plateaus, specs_from_plateaus, StagePlan, StageSpec};
use super::text::{csv_reader, read_text};
use super::{problem, IngestOptions};
use crate::model::{
    EndpointKey, EndpointStats, FailureKind, LatencyDistribution, PercentileSummary, Problem,
    Source, Stage,
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
}

/// One row of `_stats.csv` (or `_requests.csv`).
#[derive(Clone, Debug)]
struct StatsRow {
    key: EndpointKey,
    requests: u64,
    failures: u64,
    summary: PercentileSummary,
    avg_content_size: Option<f64>,
    rps: Option<f64>,
}

/// One row of `_stats_history.csv`.
#[derive(Clone, Debug)]
struct HistoryRow {
    t_ms: i64,
    users: Option<f64>,
    /// `None` for the aggregate row.
    key: Option<EndpointKey>,
    total_requests: u64,
    total_failures: u64,
    total_avg_ms: Option<f64>,
    p50: Option<f64>,
    p95: Option<f64>,
    /// Every percentile column, and the total median (see `locust_history`).
    pct: RowPercentiles,
}

/// Column positions by any of several names (Locust renamed columns across versions).
struct Columns(Vec<String>);

impl Columns {
    fn find(&self, names: &[&str]) -> Option<usize> {
        self.0
            .iter()
            .position(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)))
    }

    fn require(&self, path: &Path, names: &[&str]) -> Result<usize, Problem> {
        self.find(names).ok_or_else(|| {
            problem(
                path,
                Some(1),
                format!("no `{}` column in the header", names[0]),
            )
        })
    }

    /// Percentile columns (`50%`, `99.9%`, and 0.14's `99.999` without `%`).
    fn percentiles(&self) -> Vec<(usize, f64)> {
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
type Row = (u64, Vec<String>);

/// Reads the CSV rows of a Locust file: header cells and `(line, cells)` rows.
fn read_rows(path: &Path) -> Result<(Columns, Vec<Row>), Problem> {
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
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            problem(path, line, format!("unreadable row: {e}"))
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
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
    Ok((Columns(header), rows))
}

fn number(path: &Path, line: u64, column: &str, cell: &str) -> Result<Option<f64>, Problem> {
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

fn count(path: &Path, line: u64, column: &str, cell: &str) -> Result<u64, Problem> {
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
fn is_aggregate(method: &str, name: &str) -> bool {
    (method.is_empty() || method == "None") && (name == "Aggregated" || name == "Total")
}

/// `_stats.csv` / `_requests.csv` rows and the aggregate row.
fn read_stats(
    path: &Path,
    distribution: Option<&Path>,
) -> Result<(Vec<StatsRow>, Option<StatsRow>), Problem> {
    let (cols, rows) = read_rows(path)?;
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
        let row = StatsRow {
            key: EndpointKey::new(Some(method).filter(|m| *m != "None"), name),
            requests,
            failures,
            summary: PercentileSummary {
                count: requests,
                mean_ms: none_if_empty(get(c_avg, "Average Response Time")?),
                min_ms: none_if_empty(get(c_min, "Min Response Time")?),
                max_ms: none_if_empty(get(c_max, "Max Response Time")?),
                points,
                merged: false,
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
fn read_distribution(path: &Path) -> Result<BTreeMap<String, Vec<(f64, f64)>>, Problem> {
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

/// `_failures.csv`: `(endpoint, error text, occurrences)`.
fn read_failures(path: &Path) -> Result<Vec<(EndpointKey, String, u64)>, Problem> {
    let (cols, rows) = read_rows(path)?;
    let c_method = cols.require(path, &["Method"])?;
    let c_name = cols.require(path, &["Name"])?;
    let c_error = cols.require(path, &["Error"])?;
    let c_occ = cols.require(path, &["Occurrences"])?;
    rows.into_iter()
        .map(|(line, cells)| {
            Ok((
                EndpointKey::new(Some(cells[c_method].as_str()), &cells[c_name]),
                cells[c_error].clone(),
                count(path, line, "Occurrences", &cells[c_occ])?,
            ))
        })
        .collect()
}

/// `_exceptions.csv`: `(count, message)`.
fn read_exceptions(path: &Path) -> Result<Vec<(u64, String)>, Problem> {
    let (cols, rows) = read_rows(path)?;
    let c_count = cols.require(path, &["Count"])?;
    let c_msg = cols.require(path, &["Message"])?;
    rows.into_iter()
        .map(|(line, cells)| {
            Ok((
                count(path, line, "Count", &cells[c_count])?,
                cells[c_msg].clone(),
            ))
        })
        .collect()
}

/// `_stats_history.csv` rows, sorted by time (aggregate rows and, with
/// `--csv-full-history`, per-endpoint rows).
fn read_history(path: &Path) -> Result<Vec<HistoryRow>, Problem> {
    let (cols, rows) = read_rows(path)?;
    let c_t = cols.require(path, &["Timestamp"])?;
    let c_users = cols.find(&["User Count"]);
    let c_method = cols.require(path, &["Type", "Method"])?;
    let c_name = cols.require(path, &["Name"])?;
    let c_total = cols.require(path, &["Total Request Count", "# requests"])?;
    let c_fail = cols.require(path, &["Total Failure Count", "# failures"])?;
    let c_avg = cols.find(&["Total Average Response Time", "Average response time"]);
    let c_med = cols.find(&["Total Median Response Time"]);
    let pct = cols.percentiles();
    let p = |target: f64| {
        pct.iter()
            .find(|(_, q)| (*q - target).abs() < 1e-9)
            .map(|(i, _)| *i)
    };
    let (c_p50, c_p95) = (p(50.0), p(95.0));
    if rows.is_empty() {
        return Err(problem(path, Some(2), "header only: no history rows"));
    }
    let mut out = Vec::with_capacity(rows.len());
    for (line, cells) in rows {
        let t = number(path, line, "Timestamp", &cells[c_t])?
            .ok_or_else(|| problem(path, Some(line), "empty Timestamp"))?;
        let opt = |i: Option<usize>, name: &str| match i {
            Some(i) => number(path, line, name, &cells[i]),
            None => Ok(None),
        };
        let (method, name) = (cells[c_method].as_str(), cells[c_name].as_str());
        let mut points = Vec::new();
        for &(i, q) in &pct {
            if let Some(v) = number(path, line, &cols.0[i], &cells[i])? {
                points.push((q, v));
            }
        }
        let total_requests = count(path, line, "Total Request Count", &cells[c_total])?;
        out.push(HistoryRow {
            t_ms: (t * 1000.0) as i64,
            users: opt(c_users, "User Count")?,
            key: (!is_aggregate(method, name)).then(|| EndpointKey::new(Some(method), name)),
            total_requests,
            total_failures: count(path, line, "Total Failure Count", &cells[c_fail])?,
            total_avg_ms: opt(c_avg, "Total Average Response Time")?,
            p50: opt(c_p50, "50%")?,
            p95: opt(c_p95, "95%")?,
            pct: RowPercentiles {
                total_requests,
                points,
                total_median: opt(c_med, "Total Median Response Time")?,
            },
        });
    }
    out.sort_by_key(|r| r.t_ms);
    Ok(out)
}

/// Builds the Locust source of one dir. Problems with single files are pushed to
/// `problems`; the source is built from whatever files remain.
pub fn build_source(
    set: &LocustSet,
    plan: &StagePlan,
    opts: &IngestOptions,
    problems: &mut Vec<Problem>,
) -> Option<Source> {
    fn keep<T>(problems: &mut Vec<Problem>, r: Result<T, Problem>) -> Option<T> {
        r.map_err(|p| problems.push(p)).ok()
    }
    let stats = set
        .stats
        .as_deref()
        .and_then(|p| keep(problems, read_stats(p, set.distribution.as_deref())));
    let history = set
        .history
        .as_deref()
        .and_then(|p| keep(problems, read_history(p)));
    let failures = set
        .failures
        .as_deref()
        .and_then(|p| keep(problems, read_failures(p)));
    let exceptions = set
        .exceptions
        .as_deref()
        .and_then(|p| keep(problems, read_exceptions(p)));
    if stats.is_none() && history.as_ref().is_none_or(Vec::is_empty) {
        return None;
    }

    let mut source = Source {
        tool: "locust".into(),
        ..Default::default()
    };
    for (n, msg) in exceptions.iter().flatten() {
        source.notes.push(format!(
            "Locust reported {n} exception(s) in user code: {msg}"
        ));
    }
    if opts.warmup_ms > 0 || opts.from_ms.is_some() || opts.to_ms.is_some() {
        source.notes.push(
            "--warmup/--from/--to cannot trim Locust's whole-run summary; they apply only to \
             stages taken from a stats history"
                .into(),
        );
    }

    // Overall: the summary when there is one, else the last cumulative history row.
    let mut overall = Stage::named("overall");
    overall.window_basis = "whole run (Locust's cumulative summary, ramps included)".into();
    if let Some((rows, agg)) = &stats {
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
    if let Some(hist) = &history {
        fill_timeline(&mut overall, hist, spacing);
        if stats.is_none() {
            overall_from_history(&mut overall, hist, opts);
        }
    }
    // After the history: without `_stats.csv` the overall figures come from it.
    if let Some(fails) = &failures {
        source
            .notes
            .extend(add_failure_kinds(&mut overall, fails, opts));
    }

    let history_stages = history
        .as_deref()
        .and_then(|hist| stages_from_history(plan, hist, opts));
    if let Some(hist) = &history {
        let read_for_figures = history_stages.is_some() || stats.is_none();
        if read_for_figures && !hist.iter().any(|r| r.key.is_some()) {
            source.notes.push(AGGREGATE_ONLY_HISTORY.into());
        }
    }
    source.stages = match history_stages {
        Some(mut stages) => {
            for stage in &mut stages {
                kinds_from_whole_run(stage, &overall);
            }
            stages
        }
        None => summary_stages(plan, &overall, &mut source.notes),
    };
    source.overall = overall;
    // Impossible numbers (counts past a u64, more failures than requests) are the
    // stats file's problem (the history's when there is no stats file).
    let file = set.stats.as_deref().or(set.history.as_deref());
    if let Some(p) = file.and_then(|f| super::summary::check_source(f, &source).err()) {
        problems.push(p);
        return None;
    }
    Some(source)
}

/// Why a stage taken from a stats history has no endpoints.
const AGGREGATE_ONLY_HISTORY: &str =
    "the stats history has only Aggregated rows (Locust writes a row per endpoint only \
     with --csv-full-history): figures taken from it have totals but no per-endpoint \
     breakdown; run Locust with --csv-full-history for one";

/// Stages from the history's cumulative totals: the manifest's windows, or the
/// plateaus of its users series. `None` when neither gives a window.
fn stages_from_history(
    plan: &StagePlan,
    hist: &[HistoryRow],
    opts: &IngestOptions,
) -> Option<Vec<Stage>> {
    let specs = match plan {
        StagePlan::Manifest(specs) if specs.iter().all(|s| s.window_ms.is_some()) => specs.clone(),
        StagePlan::Detect { .. } => {
            let users: Vec<(i64, f64)> = hist
                .iter()
                .filter(|r| r.key.is_none())
                .filter_map(|r| r.users.map(|u| (r.t_ms, u)))
                .collect();
            specs_from_plateaus(&plateaus(&users))
        }
        _ => Vec::new(),
    };
    (!specs.is_empty()).then(|| {
        specs
            .iter()
            .map(|s| stage_from_history(s, hist, opts, history_spacing(hist)))
            .collect()
    })
}

/// The one stage a whole-run summary can give, named by the plan.
fn summary_stages(plan: &StagePlan, overall: &Stage, notes: &mut Vec<String>) -> Vec<Stage> {
    let stage = match plan {
        StagePlan::WholeDir { name, users } => whole_run_stage(overall, name, *users),
        StagePlan::Detect { fallback } => whole_run_stage(overall, fallback, None),
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

/// Gives the overall endpoints and aggregate the kinds `_failures.csv` lists, never
/// more than the failures the stats count for them: Locust rewrites its files every
/// second, so copies taken mid-run can disagree. A note says how many did not fit.
fn add_failure_kinds(
    overall: &mut Stage,
    fails: &[(EndpointKey, String, u64)],
    opts: &IngestOptions,
) -> Option<String> {
    let per_endpoint = !overall.endpoints.is_empty();
    let mut left_out = 0;
    for (key, error, n) in fails.iter().filter(|(k, ..)| opts.keeps(k)) {
        let kind = FailureKind::classify(None, error);
        let on_endpoint = overall
            .endpoints
            .get_mut(key)
            .map_or(0, |ep| add_within_failures(ep, kind, Some(error), *n));
        let on_aggregate = overall
            .aggregate
            .as_mut()
            .map_or(0, |agg| add_within_failures(agg, kind, None, *n));
        left_out = n
            .saturating_sub(if per_endpoint {
                on_endpoint
            } else {
                on_aggregate
            })
            .saturating_add(left_out);
    }
    (left_out > 0).then(|| {
        format!(
            "the failures file lists {left_out} failure(s) the stats do not count (an \
             endpoint they do not list, or beyond its failure count: files copied at \
             different moments of the run?); they are left out of the failure kinds"
        )
    })
}

/// Adds up to `n` failures of `kind`, as many as `ep`'s failures without a kind yet;
/// returns how many.
fn add_within_failures(
    ep: &mut EndpointStats,
    kind: FailureKind,
    message: Option<&str>,
    n: u64,
) -> u64 {
    let known: u64 = ep.failures_by_kind.values().sum();
    let fit = n.min(ep.failures.saturating_sub(known));
    if fit > 0 {
        ep.add_failure(kind, message, fit);
    }
    fit
}

/// A history stage's failures, with the kinds of the whole run's where the split is
/// certain: `_failures.csv` covers the whole run, never a window of it.
fn kinds_from_whole_run(stage: &mut Stage, overall: &Stage) {
    for (key, ep) in &mut stage.endpoints {
        if let Some(whole) = overall.endpoints.get(key) {
            kinds_of_part(ep, whole);
        }
    }
    if let (Some(agg), Some(whole)) = (stage.aggregate.as_mut(), overall.aggregate.as_ref()) {
        kinds_of_part(agg, whole);
    }
}

/// Gives `part` (a window of `whole`) its failure kinds when they follow from the
/// whole's: it holds all of the whole's failures, or the whole's failures are all of
/// one kind. Otherwise they stay unknown and the report counts them as `other`.
fn kinds_of_part(part: &mut EndpointStats, whole: &EndpointStats) {
    if part.failures == 0 || part.failures > whole.failures {
        return;
    }
    let known: u64 = whole.failures_by_kind.values().sum();
    if part.failures == whole.failures {
        part.failures_by_kind = whole.failures_by_kind.clone();
        part.errors = whole.errors.clone();
    } else if let [(kind, _)] = whole.failures_by_kind.iter().collect::<Vec<_>>()[..] {
        if known == whole.failures {
            part.failures_by_kind = BTreeMap::from([(*kind, part.failures)]);
        }
    }
}

fn endpoint_from_row(row: &StatsRow) -> EndpointStats {
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
fn whole_run_stage(overall: &Stage, name: &str, users: Option<u32>) -> Stage {
    let mut s = overall.clone();
    s.name = name.to_string();
    s.users = users;
    s.window_basis = "whole run: Locust's summary covers the ramp too".into();
    s
}

/// Per-interval counts, users and Locust's own p50/p95 from the aggregate rows. The
/// series' interval is the rows' measured spacing (`spacing_ms`), and the requests a
/// row adds are placed in the interval that starts at the row before it: they were
/// made between the two rows.
fn fill_timeline(stage: &mut Stage, hist: &[HistoryRow], spacing_ms: i64) {
    if stage.timeline.is_empty() {
        stage.timeline.width_ms = spacing_ms.max(1);
    }
    let mut prev: Option<&HistoryRow> = None;
    for row in hist.iter().filter(|r| r.key.is_none()) {
        if let Some(p) = prev {
            let iv = stage.timeline.at(p.t_ms);
            iv.requests += row.total_requests.saturating_sub(p.total_requests);
            iv.failures += row.total_failures.saturating_sub(p.total_failures);
        }
        let iv = stage.timeline.at(row.t_ms);
        iv.reported_p50_ms = row.p50.or(iv.reported_p50_ms);
        iv.reported_p95_ms = row.p95.or(iv.reported_p95_ms);
        if let Some(u) = row.users {
            iv.users = Some(iv.users.map_or(u, |x: f64| x.max(u)));
        }
        prev = Some(row);
    }
}

/// Overall figures from the last cumulative history rows (no `_stats.csv`).
fn overall_from_history(overall: &mut Stage, hist: &[HistoryRow], opts: &IngestOptions) {
    let mut last: BTreeMap<Option<EndpointKey>, &HistoryRow> = BTreeMap::new();
    for r in hist {
        last.insert(r.key.clone(), r);
    }
    let span = hist
        .first()
        .zip(hist.last())
        .map(|(a, b)| (b.t_ms - a.t_ms) as f64 / 1000.0);
    overall.duration_s = span.filter(|s| *s > 0.0);
    for (key, row) in last {
        let mut ep = cumulative_endpoint(
            key.clone(),
            row.total_requests,
            row.total_failures,
            row.total_avg_ms,
        );
        // Cumulative percentiles at the last row are Locust's own for the whole run.
        let rows: Vec<&RowPercentiles> = hist
            .iter()
            .filter(|r| r.key == key)
            .map(|r| &r.pct)
            .collect();
        if locust_history::percentile_kind(&rows) == Some(PercentileKind::Cumulative) {
            if let LatencyDistribution::Summary(s) = &mut ep.latency {
                s.points.clone_from(&row.pct.points);
            }
        }
        match key {
            Some(k) if opts.keeps(&k) => {
                overall.endpoints.insert(k, ep);
            }
            Some(_) => {}
            None => overall.aggregate = Some(ep),
        }
    }
}

fn cumulative_endpoint(
    key: Option<EndpointKey>,
    requests: u64,
    failures: u64,
    mean_ms: Option<f64>,
) -> EndpointStats {
    let key = key.unwrap_or_else(|| EndpointKey::new(None, "Aggregated"));
    let mut ep = EndpointStats::new(key);
    ep.requests = requests;
    ep.failures = failures.min(requests);
    ep.latency = LatencyDistribution::Summary(PercentileSummary {
        count: requests,
        mean_ms: mean_ms.filter(|_| requests > 0),
        ..Default::default()
    });
    ep.ok_latency = None;
    ep
}

/// Per key (`None` for the aggregate), the last history row at or before `t_ms`.
fn last_rows_until(hist: &[HistoryRow], t_ms: i64) -> BTreeMap<Option<EndpointKey>, &HistoryRow> {
    hist.iter()
        .take_while(|r| r.t_ms <= t_ms)
        .map(|r| (r.key.clone(), r))
        .collect()
}

/// A stage's figures as differences of the cumulative totals at the window's ends:
/// exact counts and mean, no percentiles (see the module docs).
fn stage_from_history(
    spec: &StageSpec,
    hist: &[HistoryRow],
    opts: &IngestOptions,
    spacing_ms: i64,
) -> Stage {
    let mut stage = Stage::named(&spec.name);
    stage.users = spec.users;
    stage.arrival_rate_rps = spec.arrival_rate_rps;
    stage.spawn_rate = spec.spawn_rate;
    stage.window_basis = format!("{} (Locust stats history)", spec.basis);
    let Some((start, end)) = spec.window_ms else {
        return stage;
    };
    let start = start
        .saturating_add(opts.warmup_ms)
        .max(opts.from_ms.unwrap_or(i64::MIN));
    let end = end.min(opts.to_ms.unwrap_or(i64::MAX));
    if end <= start {
        return stage;
    }
    stage.window_ms = Some((start, end));
    let at_start = last_rows_until(hist, start);
    let mut filtered = false;
    let mut estimated = None;
    for (key, e) in last_rows_until(hist, end) {
        // A key without a row at the start had no requests yet: Locust writes an
        // endpoint's first history row after its first request.
        let (s_req, s_fail, s_avg) = at_start.get(&key).map_or((0, 0, Some(0.0)), |s| {
            (s.total_requests, s.total_failures, s.total_avg_ms)
        });
        let n = e.total_requests.saturating_sub(s_req);
        let f = e.total_failures.saturating_sub(s_fail);
        // Sum of latencies at each end is count × cumulative mean.
        let mean = match (e.total_avg_ms, s_avg) {
            (Some(me), Some(ms)) if n > 0 => {
                Some((me * e.total_requests as f64 - ms * s_req as f64) / n as f64)
            }
            _ => None,
        };
        let mut ep = cumulative_endpoint(key.clone(), n, f, mean.filter(|m| *m >= 0.0));
        if let Some(kind) = stage_percentiles(&mut ep, &key, hist, (start, end)) {
            estimated = Some(kind);
        }
        // Without --csv-full-history the history has only the Aggregated rows: the
        // stage then has its totals and no endpoints (never `Aggregated` as one).
        match key {
            Some(k) if opts.keeps(&k) => {
                stage.endpoints.insert(k, ep);
            }
            Some(_) => filtered = true,
            None => stage.aggregate = Some(ep),
        }
    }
    if filtered {
        // The aggregate stands for every endpoint; a filter that drops one makes it stale.
        stage.aggregate = None;
    }
    let in_window: Vec<HistoryRow> = hist
        .iter()
        .filter(|r| r.t_ms >= start && r.t_ms <= end)
        .cloned()
        .collect();
    fill_timeline(&mut stage, &in_window, spacing_ms);
    if let Some(kind) = estimated {
        stage.window_basis = format!("{}; {}", stage.window_basis, kind.basis());
    }
    stage
}

/// The measured spacing of a history's Aggregated rows (every row's when it has none).
fn history_spacing(hist: &[HistoryRow]) -> i64 {
    let aggregate: Vec<i64> = hist
        .iter()
        .filter(|r| r.key.is_none())
        .map(|r| r.t_ms)
        .collect();
    if aggregate.len() >= 2 {
        super::stages::sample_spacing_ms(aggregate)
    } else {
        super::stages::sample_spacing_ms(hist.iter().map(|r| r.t_ms))
    }
}

/// Gives a stage's endpoint (or aggregate, `key` `None`) the percentiles its history
/// rows support in `[start, end]` (see `locust_history`); returns how they were
/// estimated, `None` when the rows support none.
fn stage_percentiles(
    ep: &mut EndpointStats,
    key: &Option<EndpointKey>,
    hist: &[HistoryRow],
    (start, end): (i64, i64),
) -> Option<PercentileKind> {
    let rows: Vec<&HistoryRow> = hist.iter().filter(|r| &r.key == key).collect();
    let pct: Vec<&RowPercentiles> = rows.iter().map(|r| &r.pct).collect();
    let kind = locust_history::percentile_kind(&pct)?;
    let points = match kind {
        PercentileKind::Cumulative => {
            let last = |t: i64| rows.iter().take_while(|r| r.t_ms <= t).last();
            let e = last(end)?;
            let (n1, p1) = last(start).map_or((0, &[][..]), |s| {
                (s.pct.total_requests, s.pct.points.as_slice())
            });
            locust_history::between_cumulative(n1, p1, e.pct.total_requests, &e.pct.points)?
        }
        PercentileKind::Windowed => {
            let mut prev = rows.iter().take_while(|r| r.t_ms <= start).last().copied();
            let mut parts = Vec::new();
            for r in rows.iter().filter(|r| r.t_ms > start && r.t_ms <= end) {
                let n =
                    r.total_requests - prev.map_or(0, |p| p.total_requests.min(r.total_requests));
                parts.push((n, r.pct.points.clone()));
                prev = Some(r);
            }
            locust_history::of_windows(&parts)?
        }
    };
    if let LatencyDistribution::Summary(s) = &mut ep.latency {
        s.points = points;
        s.merged = true;
    }
    Some(kind)
}
