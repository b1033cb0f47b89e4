//! The small tables (stages, stage × endpoint, interval series) from the analysed
//! run, and the run's `run.toml` for the CSV export. Every figure is the report's
//! own (`report.json`), laid out as rows; nothing is computed again.

use std::collections::{BTreeMap, BTreeSet};

use super::{Batch, Cell, Table};
use crate::analysis::report::{LatencyReport, ScopeReport, TimePoint};
use crate::analysis::Analysis;
use crate::model::{FailureKind, FailuresUnseen, Manifest, ManifestStage, Run};

/// One row per stage.
/// `rows`: what the requests table holds, when it was written first (else the
/// `per_request_rows` column is empty).
pub fn stages_table(analysis: &Analysis, rows: Option<&ExportedRows>) -> Batch {
    let mut batch = Batch::new(Table::Stages, analysis.stages.len());
    for s in &analysis.stages {
        let f = &s.figures;
        let shift = (rows.and_then(|r| r.shift_ms.get(&s.name))).map_or(0, |v| *v);
        let (start, end) = (shifted(&s.start, shift), shifted(&s.end, shift));
        let mut row: Vec<Cell> = vec![
            s.name.as_str().into(),
            s.users.into(),
            s.arrival_rate_rps.into(),
            start.clone().into(),
            end.clone().into(),
            epoch_ms(start.as_deref()).into(),
            epoch_ms(end.as_deref()).into(),
            f.duration_s.into(),
            s.window_basis.as_str().into(),
            f.requests.into(),
            f.failures.into(),
            f.error_rate.into(),
            f.throughput_rps.into(),
            f.goodput_rps.into(),
        ];
        row.extend(latency_cells(f));
        let has_rows = rows
            .filter(|r| r.written)
            .map(|r| r.spans.contains_key(&s.name));
        row.push(has_rows.into());
        batch.push(row);
    }
    batch
}

/// One row per stage × endpoint, in the report's order (most requests first).
pub fn endpoints_table(analysis: &Analysis) -> Batch {
    let n = analysis.stages.iter().map(|s| s.endpoints.len()).sum();
    let mut batch = Batch::new(Table::Endpoints, n);
    for s in &analysis.stages {
        for e in &s.endpoints {
            let f = &e.figures;
            let mut row: Vec<Cell> = vec![
                s.name.as_str().into(),
                e.method.clone().into(),
                e.name.as_str().into(),
                e.key.as_str().into(),
                e.transaction.into(),
                e.share.into(),
                f.requests.into(),
                f.failures.into(),
                f.error_rate.into(),
                f.throughput_rps.into(),
            ];
            row.extend(failure_cells(&f.failures_by_kind));
            row.extend(latency_cells(f));
            row.push(e.histogram.clone().into());
            batch.push(row);
        }
    }
    batch
}

/// One row per interval: each stage's own series (scope `stage`), then each of its
/// endpoints' series (scope `endpoint`). `origins_ms` are each stage's series origin
/// (its `t` counts from it: `analysis::series_origin_ms`), for the epoch column;
/// `shift_ms` moves a stage's intervals as [`ExportedRows::shift_ms`] moves its window.
pub fn intervals_table(
    analysis: &Analysis,
    origins_ms: &BTreeMap<String, i64>,
    shift_ms: &BTreeMap<String, i64>,
) -> Batch {
    let n = analysis
        .stages
        .iter()
        .map(|s| {
            s.timeseries.len()
                + s.endpoints
                    .iter()
                    .map(|e| e.timeseries.len())
                    .sum::<usize>()
        })
        .sum();
    let mut batch = Batch::new(Table::Intervals, n);
    // An interval with no users of its own (the series has none: a `drive` run's
    // interval log, a stage dir named after its users) is in a stage of constant
    // load: its users are the stage's.
    // A stage's intervals move as its window does; a stage without one (a tool
    // summary's whole run) has a series of its own from 0 s, which its rows' move
    // (past an earlier stage's overlapping times) does not change.
    let windowed: BTreeSet<&str> = (analysis.stages.iter())
        .filter(|s| s.start.is_some())
        .map(|s| s.name.as_str())
        .collect();
    let mut push = |stage: (&str, Option<u32>),
                    endpoint: Option<(&Option<String>, &str, &str)>,
                    p: &TimePoint| {
        let (stage, stage_users) = stage;
        let shift = (shift_ms.get(stage)).filter(|_| windowed.contains(stage));
        let t = p.t + shift.map_or(0.0, |ms| *ms as f64 / 1000.0);
        let (scope, method, name, key) = match endpoint {
            Some((m, n, k)) => (
                "endpoint",
                m.clone(),
                Some(n.to_string()),
                Some(k.to_string()),
            ),
            None => ("stage", None, None, None),
        };
        let start_ms = (origins_ms.get(stage)).map(|o| o + (t * 1000.0).round() as i64);
        batch.push(vec![
            stage.into(),
            scope.into(),
            method.into(),
            name.into(),
            key.into(),
            t.into(),
            start_ms.into(),
            p.width_s.into(),
            p.requests.into(),
            p.failures.into(),
            p.mean.into(),
            p.p50.into(),
            p.p95.into(),
            p.p99.into(),
            p.max.into(),
            p.users.or(stage_users.map(f64::from)).into(),
        ]);
    };
    for s in &analysis.stages {
        let stage = (s.name.as_str(), s.users);
        for p in &s.timeseries {
            push(stage, None, p);
        }
        for e in &s.endpoints {
            for p in &e.timeseries {
                push(stage, Some((&e.method, &e.name, &e.key)), p);
            }
        }
    }
    batch
}

/// The latency columns of a scope, in schema order.
fn latency_cells(f: &ScopeReport) -> Vec<Cell> {
    let LatencyReport {
        mean,
        min,
        p50,
        p90,
        p95,
        p99,
        p999,
        max,
        sd,
        co_corrected: _,
    } = f.latency_ms.clone();
    vec![
        mean.into(),
        min.into(),
        p50.into(),
        p90.into(),
        p95.into(),
        p99.into(),
        p999.into(),
        max.into(),
        sd.into(),
        f.latency_exact.into(),
    ]
}

/// The failure columns: 4xx, 5xx, timeout, connect, reset, assertion, other, and
/// every kind as text.
fn failure_cells(kinds: &BTreeMap<FailureKind, u64>) -> Vec<Cell> {
    let mut counts = [0u64; 7];
    for (kind, n) in kinds {
        let slot = match kind {
            FailureKind::Status(400..=499) | FailureKind::StatusClass(4) => 0,
            FailureKind::Status(500..=599) | FailureKind::StatusClass(5) => 1,
            FailureKind::Timeout => 2,
            FailureKind::Connect => 3,
            FailureKind::Reset => 4,
            FailureKind::Assertion => 5,
            FailureKind::Status(_)
            | FailureKind::StatusClass(_)
            | FailureKind::Tls
            | FailureKind::Other => 6,
        };
        counts[slot] += n;
    }
    let text = kinds
        .iter()
        .map(|(k, n)| format!("{k}={n}"))
        .collect::<Vec<_>>()
        .join(";");
    let mut cells: Vec<Cell> = counts.iter().map(|n| Cell::from(*n)).collect();
    cells.push(Cell::Text((!text.is_empty()).then_some(text)));
    cells
}

/// Epoch ms of an RFC 3339 time the report wrote.
fn epoch_ms(rfc3339: Option<&str>) -> Option<i64> {
    let t = humantime::parse_rfc3339_weak(rfc3339?).ok()?;
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_millis()).ok()
}

/// What the exported request rows add to the manifest.
#[derive(Default)]
pub struct ExportedRows {
    /// Each stage's first and last request time, ms.
    pub spans: BTreeMap<String, (i64, i64)>,
    /// Some rows came from a file that does not say which requests failed.
    pub outcomes_unseen: bool,
    /// The requests table was asked for (else no stage is said to lack rows); with
    /// no per-request input at all it is not written, and every stage lacks rows.
    pub written: bool,
    /// The export carries the run's interval log (a `drive` run's `latency.hlog`):
    /// every stage reads back from it, rows or not, so none is a summary only.
    pub interval_log: bool,
    /// Per stage, ms added to its times (rows, window) so that stages each timed from
    /// their own start (hey's CSV per stage dir: every stage from 0) follow one another
    /// as they ran, instead of overlapping: read back by time, each row finds its own
    /// stage ([`clockless_shifts`]). Absent: 0.
    pub shift_ms: BTreeMap<String, i64>,
    /// The stages whose rows (a stage dir's files) were checked against the stages
    /// exported before them, and moved past them when their times overlap.
    pub settled: BTreeSet<String>,
}

/// The shifts ([`ExportedRows::shift_ms`]) that lay `stages` (name, window, in the
/// run's order) end to end when their windows are offsets from each one's own start
/// and overlap: stage k moves by the end of stage k − 1 (as moved). Stages on a real
/// clock, or that do not overlap, keep their times (no entry).
pub fn clockless_shifts(stages: &[(String, (i64, i64))]) -> BTreeMap<String, i64> {
    let clockless = stages.iter().all(|(_, w)| !crate::model::on_the_clock(w.0));
    let overlap = stages
        .iter()
        .enumerate()
        .any(|(i, (_, a))| (stages[i + 1..].iter()).any(|(_, b)| a.0 < b.1 && b.0 < a.1));
    let mut shifts = BTreeMap::new();
    if !(clockless && overlap) {
        return shifts;
    }
    let mut cursor = 0_i64;
    for (name, (start, end)) in stages {
        let shift = (cursor - start).max(0);
        shifts.insert(name.clone(), shift);
        cursor = end + shift;
    }
    shifts
}

/// An RFC 3339 time moved by `shift_ms` (unchanged when 0 or unreadable).
fn shifted(rfc3339: &Option<String>, shift_ms: i64) -> Option<String> {
    match epoch_ms(rfc3339.as_deref()) {
        Some(t) if shift_ms != 0 => Some(crate::model::format_rfc3339_ms(t + shift_ms)),
        _ => rfc3339.clone(),
    }
}

/// The run's manifest as the CSV export writes it beside `requests.csv`: the run's
/// facts and the leading source's stages with their steady windows (a stage without
/// one: the span of the requests exported into it), so reading the export back finds
/// the same stages; and what the rows cannot say (which failed, when a file's rows do
/// not), so that it does not read back as a success.
pub fn manifest_of(run: &Run, rows: &ExportedRows) -> Manifest {
    let mut m = manifest_stages(run, rows);
    m.notes = (m.stages.iter())
        .filter_map(|s| {
            s.description
                .as_ref()
                .map(|d| format!("stage {}: {d}", s.name))
        })
        .collect();
    let lacking: Vec<&str> = (m.stages.iter())
        .filter(|s| s.description.is_some())
        .map(|s| s.name.as_str())
        .collect();
    if !rows.written && !rows.interval_log {
        // `--tables` without `requests`: read back, the export holds no request.
        let why =
            format!("this export was written without its requests table (--tables): {NO_REQUESTS}");
        m.incomplete_reason = Some(match m.incomplete_reason.take() {
            Some(earlier) => format!("{earlier}; {why}"),
            None => why,
        });
        m.complete = Some(false);
    }
    if !lacking.is_empty() {
        // Read back, the export lacks those stages' requests: never a whole run.
        let why = format!(
            "this export carries stage(s) {} as a tool's summary only (stages.csv, \
             endpoints.csv): requests.csv has none of their requests",
            lacking.join(", ")
        );
        m.incomplete_reason = Some(match m.incomplete_reason.take() {
            Some(earlier) => format!("{earlier}; {why}"),
            None => why,
        });
        m.complete = Some(false);
    }
    m
}

/// How an export's `run.toml` ends its `tool`: what tells an export read back.
pub const EXPORTED: &str = " (exported by headroom)";

/// What an export without its requests table is, read back (`run.toml`'s
/// `incomplete_reason` ends with it).
pub const NO_REQUESTS: &str = "requests.csv is not in it, so `headroom analyze` of it reads \
    no request back; its figures are in the tables it holds, or export again with \
    requests among --tables";

/// How the `run.toml` description of a stage `summary_only_text` writes begins.
pub const SUMMARY_ONLY: &str = "summary only:";

/// What a CSV export says of a stage that only a tool's summary (or an interval
/// log) measured: its requests are not in `requests.csv`, so reading the export
/// back gives the stage none; its figures are in `stages.csv` and `endpoints.csv`.
/// `tool` is the source's (a stage dir's own tool, when it has one, wins).
fn summary_only_text(s: &crate::model::Stage, tool: &str) -> String {
    let tool = s.tool.as_deref().unwrap_or(tool);
    format!(
        "{SUMMARY_ONLY} {tool}'s summary measured its {} requests ({} failed) and no per-request \
         rows exist, so requests.csv has none of them and `headroom analyze` of this export \
         reads the stage back empty; its figures are in stages.csv and endpoints.csv \
         (per_request_rows = false); analyse the original run dir for them",
        s.requests(),
        s.failures()
    )
}

/// Where a stage without a window ends in the manifest, its exported requests
/// spanning `(first, last)` ms: past the last, or as long as the tool measured after
/// the first when that is later (ab's `-g` times are whole seconds: their span is not
/// the run's length).
pub fn rows_end(s: &crate::model::Stage, (first, last): (i64, i64)) -> i64 {
    let measured = (s.duration_s.filter(|d| d.is_finite() && *d > 0.0))
        .map_or(first, |d| first + (d * 1000.0).round() as i64);
    (last + 1).max(measured)
}

/// The manifest with its stages, before the notes on them.
fn manifest_stages(run: &Run, rows: &ExportedRows) -> Manifest {
    let row_spans = &rows.spans;
    let rows_shift = |s: &crate::model::Stage| rows.shift_ms.get(&s.name).copied().unwrap_or(0);
    let written = rows.written;
    let interval_log = rows.interval_log;
    let meta = &run.meta;
    let primary = run.primary();
    // Rows that record no outcome (ab's `-g`) of a source that counted its failures
    // (ab's console): each stage's failures ride in the manifest, read back as its own.
    let carry = rows.outcomes_unseen && primary.is_some_and(|s| !s.outcomes_unseen);
    let stages: Vec<ManifestStage> = primary
        .map(|src| {
            src.stages
                .iter()
                .map(|s| {
                    // A stage without a window (a summary's whole run) spans the
                    // exported requests it holds, so that they read back into it, and
                    // lasts as long as the tool measured (ab's `-g` times are whole
                    // seconds: their span is not the run's length).
                    let rows = (row_spans.get(&s.name)).map(|&span| (span.0, rows_end(s, span)));
                    let shift = rows_shift(s);
                    let own = s.window_ms.map(|(a, b)| (a + shift, b + shift));
                    let window = own.or(rows).map(|(a, b)| {
                        (
                            crate::model::format_rfc3339_ms(a),
                            crate::model::format_rfc3339_ms(b),
                        )
                    });
                    let summary_only =
                        written && !interval_log && s.requests() > 0 && rows.is_none();
                    ManifestStage {
                        name: s.name.clone(),
                        users: s.users,
                        arrival_rate_rps: s.arrival_rate_rps,
                        spawn_rate: None,
                        start: window.as_ref().map(|w| w.0.clone()),
                        steady_start: window.as_ref().map(|w| w.0.clone()),
                        end: window.map(|w| w.1),
                        description: summary_only.then(|| summary_only_text(s, &src.tool)),
                        // The window spans its rows (ab's `-g` starts: whole seconds),
                        // wider than the run the tool timed: read back, throughput
                        // divides by the tool's own length (`measured_s` where the
                        // stage is on such a clock of its own).
                        duration_s: match own {
                            None => rows.and(s.duration_s()),
                            Some(_) => s.measured_s.filter(|m| Some(*m) == s.duration_s()),
                        },
                        failures: (carry && rows.is_some())
                            .then(|| stage_failure_kinds(s))
                            .flatten(),
                        ..ManifestStage::default()
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Manifest {
        label: meta.label.clone(),
        environment: meta.environment.clone(),
        git_sha: meta.git_sha.clone(),
        started: meta.started.clone(),
        ended: meta.ended.clone(),
        tool: primary.map(|s| format!("{}{EXPORTED}", s.tool)),
        target_url: meta.target_url.clone(),
        complete: meta.complete,
        incomplete_reason: meta.incomplete_reason.clone(),
        think_time: meta.think_time,
        simulated: (!meta.measured).then_some(true),
        failures_unseen: primary.and_then(|s| {
            // Unseen unless every stage with rows carries its failures.
            let uncarried = (s.stages.iter())
                .zip(&stages)
                .any(|(s, m)| row_spans.contains_key(&s.name) && m.failures.is_none());
            let outcomes = s.outcomes_unseen || (rows.outcomes_unseen && uncarried);
            (outcomes.then_some(FailuresUnseen::Outcomes)).or(s
                .transport_errors_unseen
                .then_some(FailuresUnseen::TransportErrors))
        }),
        // Runs the original added end to end (no clock span over them), read back by
        // their rows' clock times: the overall throughput divides by their lengths.
        duration_s: primary
            .filter(|s| s.overall.window_ms.is_none() && !row_spans.is_empty())
            .and_then(|s| s.overall.duration_s()),
        stages,
        ..Manifest::default()
    }
}

/// A stage's failures by kind, adding up to its failures, for a manifest to carry
/// beside rows that record no outcome: `None` when the stage has several endpoints
/// (the read-back could not tell whose they are).
fn stage_failure_kinds(s: &crate::model::Stage) -> Option<BTreeMap<FailureKind, u64>> {
    let mut endpoints = s.endpoints.values().filter(|e| !e.transaction);
    let one = endpoints.next();
    if endpoints.next().is_some() {
        return None;
    }
    let mut kinds = one.map(|e| e.failures_by_kind.clone()).unwrap_or_default();
    crate::model::settle_failure_kinds(&mut kinds, s.failures());
    Some(kinds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_kinds_fall_into_their_columns() {
        let kinds = BTreeMap::from([
            (FailureKind::Status(404), 2),
            (FailureKind::Status(503), 3),
            (FailureKind::Timeout, 1),
            (FailureKind::Other, 4),
        ]);
        let cells = failure_cells(&kinds);
        let ints: Vec<Option<i64>> = cells[..7]
            .iter()
            .map(|c| match c {
                Cell::Int(v) => *v,
                _ => None,
            })
            .collect();
        assert_eq!(
            ints,
            [2, 3, 1, 0, 0, 0, 4].map(Some).to_vec(),
            "4xx, 5xx, timeout, connect, reset, assertion, other"
        );
        assert!(
            matches!(&cells[7], Cell::Text(Some(t)) if t == "status:404=2;status:503=3;timeout=1;other=4")
        );
    }

    #[test]
    fn epoch_ms_reads_the_reports_times() {
        assert_eq!(
            epoch_ms(Some("2024-01-01T00:00:01.250Z")),
            Some(1_704_067_201_250)
        );
        assert_eq!(epoch_ms(None), None);
    }
}
