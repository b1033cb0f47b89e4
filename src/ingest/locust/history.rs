//! What a Locust stats history says beyond its cumulative totals, measured from the
//! data rather than assumed:
//!
//! * **row spacing**: Locust writes a row every `CSV_STATS_INTERVAL_SEC` (1 s by
//!   default, 5 s in some setups); the series' interval is the median spacing of the
//!   Aggregated rows, so a row's requests are spread over the time they took.
//! * **which percentiles the rows hold**: cumulative (since the start: 1.2 – 2.2.1,
//!   and later versions without `--csv-full-history`) or windowed (the last ~10 s:
//!   0.13.3 – 1.1, and ≥ 2.2.2 with `--csv-full-history`). Cumulative rows have a
//!   `100%` that never falls and equals the `Total Max Response Time` (to Locust's
//!   rounding), and a `50%` equal to the `Total Median Response Time`; windowed rows at
//!   a steady latency share the median, not the maximum. The first windowed rows, before
//!   Locust's window holds a second, report every percentile as 0: those are unknown
//!   (no percentiles, in the stage and in the series alike), and such a row beside
//!   requests shows the file's percentiles are windowed (`zeros_unknown`).
//! * **a stage's percentiles**: from cumulative rows, the distribution of the requests
//!   between two rows is the mixture difference F = (n₂F₂ − n₁F₁)/(n₂ − n₁), with F₁
//!   and F₂ the piecewise-linear CDFs through the rows' reported percentile points;
//!   from windowed rows, the count-weighted mixture of the rows inside the stage whose
//!   window lies in it (after an earlier stage's rows, from 10 s past the stage's
//!   start: a stage shorter than that has none, and says why). Windowed rows a master
//!   wrote from its workers' batched reports give none: its window weighs the workers
//!   unevenly (see [`WORKERS_WINDOW`]).
//!   Both are approximate and marked merged (`merged_approximate`); a percentile the
//!   estimate cannot reach is left out, never guessed, and one below the lowest value
//!   the rows report is that value, an upper bound.

use std::collections::BTreeMap;
use std::path::Path;

use super::csv_set::*;
use super::series::fill_timeline;
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::stages::{plateaus, specs_from_plateaus, StagePlan, StageSpec};
use crate::ingest::Format;
use crate::ingest::{problem, IngestOptions};
use crate::model::{
    EndpointKey, EndpointStats, LatencyDistribution, PercentileSummary, Problem, Stage,
};

/// The `locust-stats-history` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::LocustHistory,
    name: "locust-stats-history",
    tool: "locust",
    sniff: Sniff::Content(|h| {
        h.first() == "Timestamp" && h.has("User Count") || h.first() == "Type" && h.has("Timestamp")
    }),
    reads_gzip: true,
    reader: Reader::Grouped,
    splittable: false,
    notes: &[],
    detected_by: "CSV header Timestamp, User Count (or Type, …, Timestamp)",
    example: "locust --headless --csv run --csv-full-history",
};

/// How a history's percentile columns were computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PercentileKind {
    /// Over every request since the start.
    Cumulative,
    /// Over a recent window (~10 s).
    Windowed,
    /// Windowed, and the stage is shorter than the window after requests before it:
    /// every row of the stage still holds earlier requests, so it has no percentiles.
    ShorterThanWindow,
    /// Windowed, written by a master from its workers' batched reports: Locust's window
    /// then weighs the workers unevenly, so the stage has no percentiles (see
    /// [`WORKERS_WINDOW`]).
    WorkersWindowed,
}

/// Why windowed percentiles of a master's history are not used. Locust's master
/// snapshots its merged histogram for the window only at the first report of each
/// second (`StatsEntry.extend`); workers started together report in the same second,
/// so a snapshot holds one worker's latest report and not the others', and each
/// window counts one report too many or too few of some workers. When the workers run
/// different users (Locust gives each a share of the classes), the window's mix is not
/// the run's: its p95 came out 0.5 – 0.96 × the requests' own (median 0.73) on a
/// two-worker run whose slow user class ran on one worker.
pub const WORKERS_WINDOW: &str =
    "no percentiles: the history holds windowed percentiles (--csv-full-history) written by \
     Locust's master from its workers' batched reports, and the master's window counts \
     some workers' reports once too often or too rarely, so its percentiles are not the \
     stage's (run without --csv-full-history for cumulative ones)";

/// Locust's window for its "current" percentiles (`CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW`,
/// 10 s).
const LOCUST_WINDOW_MS: i64 = 10_000;

impl PercentileKind {
    /// How a stage's percentiles were estimated, for its window basis.
    pub fn basis(self) -> &'static str {
        match self {
            PercentileKind::Cumulative => {
                "percentiles approximate: mixture difference of the cumulative percentiles \
                 at the window's ends"
            }
            PercentileKind::Windowed => {
                "percentiles approximate: mixture of the windowed percentiles of the rows \
                 inside the window"
            }
            PercentileKind::ShorterThanWindow => {
                "no percentiles: the stage is shorter than Locust's 10 s percentile window, \
                 so each of its rows still holds the previous stage's requests"
            }
            PercentileKind::WorkersWindowed => WORKERS_WINDOW,
        }
    }
}

/// One row's percentile figures (an aggregate or endpoint row).
#[derive(Clone, Debug, Default)]
pub struct RowPercentiles {
    /// Cumulative requests at the row.
    pub total_requests: u64,
    /// `(percentile, ms)` as the row reports them.
    pub points: Vec<(f64, f64)>,
    /// `Total Median Response Time`, ms.
    pub total_median: Option<f64>,
    /// `Total Max Response Time`, ms.
    pub total_max: Option<f64>,
    /// The file's rows are windowed: another key's rows show a window
    /// (`window_kind`), or this row is an empty window beside requests (its
    /// percentiles all 0, left out: `zeros_unknown`).
    pub file_windowed: bool,
}

/// Whether rows (of one key, in time order) hold cumulative or windowed percentiles;
/// `None` when no row has any.
pub fn percentile_kind(rows: &[&RowPercentiles]) -> Option<PercentileKind> {
    let with: Vec<&&RowPercentiles> = rows.iter().filter(|r| !r.points.is_empty()).collect();
    if with.is_empty() {
        return None;
    }
    // An empty window's row has no points left (`zeros_unknown`), yet says windowed.
    if rows.iter().any(|r| r.file_windowed) {
        return Some(PercentileKind::Windowed);
    }
    // A cumulative maximum never falls (beyond Locust's rounding to ~2 digits).
    let tops: Vec<f64> = with
        .iter()
        .filter_map(|r| r.points.iter().find(|(p, _)| *p >= 100.0).map(|x| x.1))
        .collect();
    let top_falls = tops.windows(2).any(|w| w[1] < w[0] * 0.9);
    // A cumulative median is the total median (the same histogram).
    let pairs: Vec<(f64, f64)> = with
        .iter()
        .filter_map(|r| {
            let p50 = r.points.iter().find(|(p, _)| (*p - 50.0).abs() < 1e-9)?.1;
            Some((p50, r.total_median?))
        })
        .collect();
    let agree = pairs
        .iter()
        .filter(|(a, b)| (a - b).abs() <= (0.1 * b.abs()).max(1.0))
        .count();
    let medians_agree = !pairs.is_empty() && agree as f64 >= 0.8 * pairs.len() as f64;
    Some(if !top_falls && medians_agree && !tops_below_max(&with) {
        PercentileKind::Cumulative
    } else {
        PercentileKind::Windowed
    })
}

/// Whether the rows' `100%` is off their `Total Max Response Time` beyond Locust's
/// rounding (to 2 significant digits) in at least one row and a tenth of the rows
/// that have both: a cumulative `100%` is the maximum so far, so such rows are
/// windowed — even when a steady latency keeps their medians at the total median.
fn tops_below_max(rows: &[&&RowPercentiles]) -> bool {
    let pairs: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| r.total_requests > 0)
        .filter_map(|r| {
            let top = r.points.iter().find(|(p, _)| *p >= 100.0)?.1;
            Some((top, r.total_max?))
        })
        .collect();
    let off = pairs
        .iter()
        .filter(|(top, max)| (top - max).abs() > (0.06 * max).max(1.0))
        .count();
    off > 0 && off * 10 >= pairs.len()
}

/// Fraction of values ≤ `x` under the piecewise-linear CDF through `points`
/// (`(percentile, ms)`); below the first point, linear from the origin; above the
/// last, that point's fraction.
pub(super) fn cdf(points: &[(f64, f64)], x: f64) -> f64 {
    let mut knots: Vec<(f64, f64)> = points.iter().map(|&(p, v)| (v, p / 100.0)).collect();
    knots.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let Some(&(v0, p0)) = knots.first() else {
        return 0.0;
    };
    if x < v0 {
        return if v0 > 0.0 {
            p0 * (x / v0).max(0.0)
        } else {
            0.0
        };
    }
    for w in knots.windows(2) {
        let ((x0, q0), (x1, q1)) = (w[0], w[1]);
        if x < x1 {
            return if x1 > x0 {
                q0 + (q1 - q0) * (x - x0) / (x1 - x0)
            } else {
                q1
            };
        }
    }
    knots.last().map_or(0.0, |k| k.1)
}

/// The percentiles `levels` of the requests between a cumulative row `(n1, p1)` and a
/// later one `(n2, p2)`: the mixture difference, inverted over the values either row
/// reports. `None` when the later row adds no requests or no level can be reached.
pub fn between_cumulative(
    n1: u64,
    p1: &[(f64, f64)],
    n2: u64,
    p2: &[(f64, f64)],
) -> Option<Vec<(f64, f64)>> {
    if n2 <= n1 || p2.is_empty() {
        return None;
    }
    let (w1, w2) = (n1 as f64, n2 as f64);
    let mut grid: Vec<f64> = p1.iter().chain(p2).map(|p| p.1).collect();
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    let mut running = 0.0f64;
    let curve: Vec<(f64, f64)> = grid
        .iter()
        .map(|&v| {
            let f1 = if n1 > 0 { cdf(p1, v) } else { 0.0 };
            let f = ((w2 * cdf(p2, v) - w1 * f1) / (w2 - w1)).clamp(0.0, 1.0);
            running = running.max(f);
            (v, running)
        })
        .collect();
    let levels: Vec<f64> = p2.iter().map(|p| p.0).collect();
    let points = invert(&curve, &levels);
    (!points.is_empty()).then_some(points)
}

/// The values at `levels` (percent) of a non-decreasing CDF sampled at `curve`
/// (`(ms, fraction)`), by linear interpolation; a level the first sample reaches
/// exactly is its value (two rows with one median place it there), and so is a lower
/// level: that many of the requests lie at or below it, so it bounds the level from
/// above (the curve does not say how far below it lies). The lowest level Locust
/// writes, the median, lands here whenever the stage ran a little faster than the
/// requests before it, and the bound keeps a rule on it judged, never passed too
/// easily.
pub(super) fn invert(curve: &[(f64, f64)], levels: &[f64]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for &level in levels {
        let q = level / 100.0;
        let Some(i) = curve.iter().position(|c| c.1 >= q - 1e-12) else {
            continue;
        };
        let v = match i {
            0 => curve[0].0,
            _ => match (curve[i - 1], curve[i]) {
                ((x0, f0), (x1, f1)) if f1 > f0 => x0 + (x1 - x0) * (q - f0) / (f1 - f0),
                (_, (x1, _)) => x1,
            },
        };
        out.push((level, v));
    }
    out
}

/// The count-weighted mixture of windowed rows: `(requests the row covers, points)`.
pub fn of_windows(rows: &[(u64, Vec<(f64, f64)>)]) -> Option<Vec<(f64, f64)>> {
    let mut merged = PercentileSummary::default();
    for (n, points) in rows.iter().filter(|(n, p)| *n > 0 && !p.is_empty()) {
        merged.merge(&PercentileSummary {
            count: *n,
            points: points.clone(),
            ..Default::default()
        });
    }
    (merged.count > 0 && !merged.points.is_empty()).then_some(merged.points)
}

/// One row of `_stats_history.csv`.
#[derive(Clone, Debug)]
pub(super) struct HistoryRow {
    pub(super) t_ms: i64,
    pub(super) users: Option<f64>,
    /// `None` for the aggregate row.
    pub(super) key: Option<EndpointKey>,
    pub(super) total_requests: u64,
    pub(super) total_failures: u64,
    pub(super) total_avg_ms: Option<f64>,
    pub(super) p50: Option<f64>,
    pub(super) p95: Option<f64>,
    /// Every percentile column, and the total median (see `history`).
    pub(super) pct: RowPercentiles,
    /// How many times Locust reset its stats before the row (`resets`): its
    /// percentiles are of the requests since the last reset.
    pub(super) segment: usize,
}

/// `_stats_history.csv` rows, sorted by time (aggregate rows and, with
/// `--csv-full-history`, per-endpoint rows), and the problem of a last line cut
/// short. A cut line is left out with the rows of its time that precede it (see
/// [`complete_times`]); the rows before are used.
pub(super) fn read_history(path: &Path) -> Result<(Vec<HistoryRow>, Option<Problem>), Problem> {
    let mut read = read_rows_cut(path)?;
    if read.rows.is_empty() {
        if let Some(p) = read.cut_problem(path, "no complete row before it") {
            return Err(p);
        }
    }
    let mut rows = history_rows(path, &read.cols, std::mem::take(&mut read.rows))?;
    if read.cut.is_none() {
        return Ok((rows, None));
    }
    let dropped = complete_times(&mut rows);
    let then = match dropped {
        0 => "left out".to_string(),
        n => format!(
            "left out, with the {n} row(s) of its time written before it (that time's \
             Aggregated row is missing): the history ends at its last complete time"
        ),
    };
    // Never empty: the last Aggregated row stays, and without one nothing is dropped.
    Ok((rows, read.cut_problem(path, &then)))
}

/// Drops the endpoint rows after the last Aggregated row of a history whose last line
/// was cut: Locust writes a time's endpoint rows, then its Aggregated row, so those
/// rows are a time written only in part. Returns how many rows it dropped (none when
/// the history has no Aggregated rows).
fn complete_times(rows: &mut Vec<HistoryRow>) -> usize {
    let Some(last) = rows
        .iter()
        .filter(|r| r.key.is_none())
        .map(|r| r.t_ms)
        .max()
    else {
        return 0;
    };
    let before = rows.len();
    rows.retain(|r| r.t_ms <= last);
    before - rows.len()
}

/// The history rows of a history file's complete rows, sorted by time.
fn history_rows(path: &Path, cols: &Columns, rows: Vec<Row>) -> Result<Vec<HistoryRow>, Problem> {
    let c_t = cols.require(path, &["Timestamp"])?;
    let c_users = cols.find(&["User Count"]);
    let c_method = cols.require(path, &["Type", "Method"])?;
    let c_name = cols.require(path, &["Name"])?;
    let c_total = cols.require(path, &["Total Request Count", "# requests"])?;
    let c_fail = cols.require(path, &["Total Failure Count", "# failures"])?;
    let c_avg = cols.find(&["Total Average Response Time", "Average response time"]);
    let c_med = cols.find(&["Total Median Response Time"]);
    let c_max = cols.find(&["Total Max Response Time"]);
    let pct = cols.percentiles();
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
        let total_max = opt(c_max, "Total Max Response Time")?;
        // Percentiles of 0 ms beside requests (over 0.5 ms) are an empty window's:
        // evidence that the file's percentiles are windowed (`window_kind`).
        let empty_window = zeros_unknown(&points, total_requests, total_max);
        if empty_window {
            points.clear();
        }
        let at = |q: f64| points.iter().find(|p| (p.0 - q).abs() < 1e-9).map(|p| p.1);
        out.push(HistoryRow {
            t_ms: (t * 1000.0) as i64,
            users: opt(c_users, "User Count")?,
            key: (!is_aggregate(method, name)).then(|| EndpointKey::new(Some(method), name)),
            total_requests,
            total_failures: count(path, line, "Total Failure Count", &cells[c_fail])?,
            total_avg_ms: opt(c_avg, "Total Average Response Time")?,
            p50: at(50.0),
            p95: at(95.0),
            pct: RowPercentiles {
                total_requests,
                points,
                total_median: opt(c_med, "Total Median Response Time")?,
                total_max,
                file_windowed: empty_window && total_requests > 0,
            },
            segment: 0,
        });
    }
    out.sort_by_key(|r| r.t_ms);
    Ok(out)
}

/// True when a row's percentiles, all 0, are unknown rather than 0 ms: Locust writes
/// 0 for a percentile whose window holds no sample yet (its first rows, an endpoint's
/// first row), and for a row without requests. They stand only when every request so
/// far took under 0.5 ms (`Total Max Response Time`), which Locust rounds to 0.
fn zeros_unknown(points: &[(f64, f64)], total_requests: u64, total_max: Option<f64>) -> bool {
    !points.is_empty()
        && points.iter().all(|p| p.1 == 0.0)
        && (total_requests == 0 || total_max.is_none_or(|m| m >= 0.5))
}

/// Stages from the history's cumulative totals: the manifest's windows, or the
/// plateaus of its users series. `None` when neither gives a window.
pub(super) fn stages_from_history(
    plan: &StagePlan,
    hist: &[HistoryRow],
    opts: &IngestOptions,
) -> Option<Vec<Stage>> {
    let specs = match plan {
        StagePlan::Manifest(specs) if specs.iter().all(|s| s.window_ms.is_some()) => specs.clone(),
        StagePlan::Detect { .. } => detected(hist, plan.stage_dir()),
        // `10users/` is its history's plateau, as the same files in `u10/` are.
        StagePlan::WholeDir { name, rate, .. } if rate.is_none() => detected(hist, Some(name)),
        _ => Vec::new(),
    };
    let batched = super::reports::batched(hist);
    (!specs.is_empty()).then(|| {
        specs
            .iter()
            .map(|s| stage_from_history(s, hist, opts, (history_spacing(hist), batched)))
            .collect()
    })
}

/// The stages of `hist`'s plateaus of users, named after `stage_dir`, split at resets.
fn detected(hist: &[HistoryRow], stage_dir: Option<&str>) -> Vec<StageSpec> {
    let aggregate = hist.iter().filter(|r| r.key.is_none());
    let users: Vec<(i64, f64)> = aggregate
        .filter_map(|r| r.users.map(|u| (r.t_ms, u)))
        .collect();
    let mut specs = specs_from_plateaus(&plateaus(&users), stage_dir);
    super::resets::from_resets(&mut specs, hist);
    specs
}

/// Overall figures from the last cumulative history rows (no `_stats.csv`).
pub(super) fn overall_from_history(overall: &mut Stage, hist: &[HistoryRow], opts: &IngestOptions) {
    let mut last: BTreeMap<Option<EndpointKey>, &HistoryRow> = BTreeMap::new();
    for r in hist {
        last.insert(r.key.clone(), r);
    }
    let span = hist
        .first()
        .zip(hist.last())
        .map(|(a, b)| (b.t_ms - a.t_ms) as f64 / 1000.0);
    overall.duration_s = span.filter(|s| *s > 0.0);
    let mut dropped = false;
    for (key, row) in last {
        let mut ep = cumulative_endpoint(
            key.clone(),
            row.total_requests,
            row.total_failures,
            row.total_avg_ms,
        );
        // Cumulative percentiles at the last row are Locust's own for the whole run
        // (since its last stats reset: the segments' are mixed, see `resets`).
        let rows: Vec<&RowPercentiles> = hist
            .iter()
            .filter(|r| r.key == key && r.segment == row.segment)
            .map(|r| &r.pct)
            .collect();
        if percentile_kind(&rows) == Some(PercentileKind::Cumulative) {
            if let LatencyDistribution::Summary(s) = &mut ep.latency {
                s.points.clone_from(&row.pct.points);
                if row.segment > 0 {
                    s.points = super::resets::mixed_points(hist, &key).unwrap_or_default();
                    s.merged = true;
                }
            }
        }
        match key {
            Some(k) if opts.keeps(&k) => {
                overall.endpoints.insert(k, ep);
            }
            Some(_) => dropped = true,
            None => overall.aggregate = Some(ep),
        }
    }
    // As for a stage: a filter makes the Aggregated row stale, or unknowable.
    if dropped || (opts.filters_endpoints() && overall.endpoints.is_empty()) {
        overall.aggregate = None;
    }
}

pub(super) fn cumulative_endpoint(
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
pub(super) fn last_rows_until(
    hist: &[HistoryRow],
    t_ms: i64,
) -> BTreeMap<Option<EndpointKey>, &HistoryRow> {
    hist.iter()
        .take_while(|r| r.t_ms <= t_ms)
        .map(|r| (r.key.clone(), r))
        .collect()
}

/// A stage's figures as differences of the cumulative totals at the window's ends:
/// exact counts and mean, and the percentiles `stage_percentiles` estimates, with the
/// history's row spacing and whether its counts come in workers' reports
/// (`reports::batched`).
pub(super) fn stage_from_history(
    spec: &StageSpec,
    hist: &[HistoryRow],
    opts: &IngestOptions,
    (spacing_ms, batched): (i64, bool),
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
        if let Some(kind) = stage_percentiles(&mut ep, &key, hist, (start, end), batched) {
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
    if filtered || (opts.filters_endpoints() && stage.endpoints.is_empty()) {
        // The aggregate stands for every endpoint; a filter that drops one makes it
        // stale, and without per-endpoint rows nothing says which it would drop.
        stage.aggregate = None;
    }
    let in_window: Vec<HistoryRow> = hist
        .iter()
        .filter(|r| r.t_ms >= start && r.t_ms <= end)
        .cloned()
        .collect();
    fill_timeline(
        &mut stage,
        &in_window,
        spacing_ms,
        &|k| at_start.contains_key(&Some(k.clone())),
        filtered,
    );
    if let Some(kind) = estimated {
        stage.window_basis = format!("{}; {}", stage.window_basis, kind.basis());
    }
    stage
}

/// The measured spacing of a history's Aggregated rows (every row's when it has none).
pub(super) fn history_spacing(hist: &[HistoryRow]) -> i64 {
    let aggregate: Vec<i64> = hist
        .iter()
        .filter(|r| r.key.is_none())
        .map(|r| r.t_ms)
        .collect();
    if aggregate.len() >= 2 {
        crate::ingest::stages::sample_spacing_ms(aggregate)
    } else {
        crate::ingest::stages::sample_spacing_ms(hist.iter().map(|r| r.t_ms))
    }
}

/// Gives a stage's endpoint (or aggregate, `key` `None`) the percentiles its history
/// rows support in `[start, end]` (see `history`); returns how they were
/// estimated (or why there are none), `None` when the rows have none. Windowed rows
/// of a history whose counts come in workers' reports (`batched`) give none.
pub(super) fn stage_percentiles(
    ep: &mut EndpointStats,
    key: &Option<EndpointKey>,
    hist: &[HistoryRow],
    (start, end): (i64, i64),
    batched: bool,
) -> Option<PercentileKind> {
    let mut rows: Vec<&HistoryRow> = hist.iter().filter(|r| &r.key == key).collect();
    // After a stats reset (`resets`) the percentiles are of the requests since.
    let segment = rows.iter().take_while(|r| r.t_ms <= end).last()?.segment;
    rows.retain(|r| r.segment == segment);
    let pct: Vec<&RowPercentiles> = rows.iter().map(|r| &r.pct).collect();
    let kind = percentile_kind(&pct)?;
    let points = match kind {
        PercentileKind::Cumulative => {
            let last = |t: i64| rows.iter().take_while(|r| r.t_ms <= t).last();
            let e = last(end)?;
            let (n1, p1) = last(start).map_or((0, &[][..]), |s| {
                (s.pct.total_requests, s.pct.points.as_slice())
            });
            between_cumulative(n1, p1, e.pct.total_requests, &e.pct.points)?
        }
        PercentileKind::Windowed if batched => return Some(PercentileKind::WorkersWindowed),
        PercentileKind::Windowed => {
            // Locust's first rows, before its window holds a whole second, report every
            // percentile as 0: an empty window, not requests of 0 ms.
            let first_data = rows
                .iter()
                .find(|r| r.pct.points.iter().any(|p| p.1 > 0.0))
                .map_or(i64::MAX, |r| r.t_ms);
            let mut prev = rows.iter().take_while(|r| r.t_ms <= start).last().copied();
            // A row's window reaches back LOCUST_WINDOW_MS: after requests in the window
            // before the stage (an earlier stage's), its first rows still hold them.
            let total_before = |t: i64| {
                (rows.iter().take_while(|r| r.t_ms < t).last()).map_or(0, |r| r.total_requests)
            };
            let earlier = total_before(start) > total_before(start - LOCUST_WINDOW_MS + 1);
            let clean_from = if earlier {
                start + LOCUST_WINDOW_MS
            } else {
                i64::MIN
            };
            let mut parts = Vec::new();
            for r in rows.iter().filter(|r| r.t_ms > start && r.t_ms <= end) {
                let n =
                    r.total_requests - prev.map_or(0, |p| p.total_requests.min(r.total_requests));
                if r.t_ms >= first_data && r.t_ms >= clean_from {
                    parts.push((n, r.pct.points.clone()));
                }
                prev = Some(r);
            }
            if parts.is_empty() && clean_from > end {
                return Some(PercentileKind::ShorterThanWindow);
            }
            of_windows(&parts)?
        }
        // Never a file's kind (`percentile_kind`): a stage's.
        PercentileKind::ShorterThanWindow | PercentileKind::WorkersWindowed => return None,
    };
    if let LatencyDistribution::Summary(s) = &mut ep.latency {
        s.points = points;
        s.merged = true;
    }
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: u64, p50: f64, p100: f64, total_median: f64) -> RowPercentiles {
        RowPercentiles {
            total_requests: n,
            points: vec![(50.0, p50), (100.0, p100)],
            total_median: Some(total_median),
            total_max: None,
            file_windowed: false,
        }
    }

    #[test]
    fn cumulative_and_windowed_columns_are_told_apart() {
        // Cumulative: the 50% is the total median and the maximum never falls.
        let c = [row(10, 100.0, 300.0, 100.0), row(20, 120.0, 300.0, 120.0)];
        assert_eq!(
            percentile_kind(&c.iter().collect::<Vec<_>>()),
            Some(PercentileKind::Cumulative)
        );
        // Windowed: the recent median drifts from the total one, the maximum falls.
        let w = [row(10, 100.0, 900.0, 100.0), row(20, 300.0, 400.0, 150.0)];
        assert_eq!(
            percentile_kind(&w.iter().collect::<Vec<_>>()),
            Some(PercentileKind::Windowed)
        );
        // Windowed at a steady latency: medians agree and the top never falls, but the
        // window's 100% (56 ms) is below the run's maximum so far (65.8 ms).
        let steady = [row(38, 52.0, 56.0, 52.0), row(58, 52.0, 56.0, 52.0)];
        let steady: Vec<RowPercentiles> = steady
            .into_iter()
            .map(|r| RowPercentiles {
                total_max: Some(65.8),
                ..r
            })
            .collect();
        assert_eq!(
            percentile_kind(&steady.iter().collect::<Vec<_>>()),
            Some(PercentileKind::Windowed)
        );
    }

    #[test]
    fn windowed_rows_mix_by_their_counts() {
        // 100 requests with p50 10 ms, max 20; 300 with p50 30, max 40. The summaries'
        // CDFs are linear from 0 ms to their first point: at 20 ms the first is whole
        // and the second at 0.5 · 20/30 = 1/3, the mixture at (100 + 300/3)/400 =
        // 0.5: p50 = 20 ms; p100 = 40 ms.
        let got = of_windows(&[
            (100, vec![(50.0, 10.0), (100.0, 20.0)]),
            (300, vec![(50.0, 30.0), (100.0, 40.0)]),
        ])
        .unwrap();
        let p50 = got.iter().find(|p| p.0 == 50.0).unwrap().1;
        assert!((p50 - 20.0).abs() < 0.01, "{got:?}");
        let p100 = got.iter().find(|p| p.0 == 100.0).unwrap().1;
        assert!((p100 - 40.0).abs() < 0.01, "{got:?}");
    }

    #[test]
    fn the_mixture_difference_of_two_cumulative_rows() {
        // 1,000 requests: p50 100, p95 200, max 300; then 3,000: 200, 400, 500.
        // F(200) = (3000·0.5 − 1000·0.95)/2000 = 0.275; F(300) = (3000·0.725 − 1000)/2000
        // = 0.5875: p50 = 200 + 100·0.225/0.3125 = 272. F(400) = 0.925, F(500) = 1:
        // p95 = 400 + 100·0.025/0.075 = 433.3.
        let p1 = [(50.0, 100.0), (95.0, 200.0), (100.0, 300.0)];
        let p2 = [(50.0, 200.0), (95.0, 400.0), (100.0, 500.0)];
        let got = between_cumulative(1000, &p1, 3000, &p2).unwrap();
        assert!((got[0].1 - 272.0).abs() < 1e-6, "{got:?}");
        assert!((got[1].1 - 433.333_333).abs() < 1e-3, "{got:?}");
        assert!((got[2].1 - 500.0).abs() < 1e-6, "{got:?}");
    }
}
