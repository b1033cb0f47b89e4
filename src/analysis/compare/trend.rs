//! Many releases in a row: the runs put in release order (semver-aware by label,
//! 1.9.0 < 1.10.0, else by run start), one series per stage × endpoint × metric, and
//! the level shifts `stats::change_points` finds in it (≥ 6 points, else a note).

use std::cmp::Ordering;

use serde::Serialize;

use super::input::CompareRun;
use super::matching::stage_map;
use super::stats::{self, MIN_TREND_POINTS};
use super::verdict::Metric;

/// The metrics drawn over releases.
pub const TREND_METRICS: [Metric; 6] = [
    Metric::P50,
    Metric::P95,
    Metric::P99,
    Metric::Mean,
    Metric::Throughput,
    Metric::ErrorRate,
];

/// A shift is reported when its t-test's p-value is at most this.
pub const CHANGE_POINT_P: f64 = 0.001;

/// How the runs were ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// By the version numbers in their labels.
    Version,
    /// By run start.
    Start,
    /// As given on the command line.
    Given,
}

/// A release label's version: numbers, then a pre-release tag (which sorts before
/// the release itself, as in semver).
fn version_key(label: &str) -> Option<(Vec<u64>, Option<String>)> {
    let v = label.trim().trim_start_matches(['v', 'V']);
    let v = v.split('+').next()?;
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) => (c, Some(p.to_string())),
        None => (v, None),
    };
    let nums: Vec<u64> = core
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    (!nums.is_empty()).then_some((nums, pre))
}

fn cmp_versions(a: &(Vec<u64>, Option<String>), b: &(Vec<u64>, Option<String>)) -> Ordering {
    let len = a.0.len().max(b.0.len());
    let pad = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    for i in 0..len {
        match pad(&a.0, i).cmp(&pad(&b.0, i)) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    match (&a.1, &b.1) {
        (None, None) => Ordering::Equal,
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y),
    }
}

/// Puts runs in release order: by version when every label is one, else by start
/// when every run knows it, else as given (the sort is stable).
pub fn order_runs(runs: &mut [CompareRun]) -> Order {
    let keys: Option<Vec<_>> = runs.iter().map(|r| version_key(&r.label)).collect();
    if keys.is_some() {
        runs.sort_by(|a, b| {
            cmp_versions(
                &version_key(&a.label).unwrap_or_default(),
                &version_key(&b.label).unwrap_or_default(),
            )
        });
        return Order::Version;
    }
    if runs.iter().all(|r| r.started.is_some()) {
        // RFC 3339 UTC text of one writer sorts as time.
        runs.sort_by(|a, b| a.started.cmp(&b.started));
        return Order::Start;
    }
    Order::Given
}

/// One point of a trend.
#[derive(Clone, Debug, Serialize)]
pub struct TrendPoint {
    /// Release label.
    pub label: String,
    /// The metric's value in that run; null where the run lacks it.
    pub value: Option<f64>,
}

/// A level shift, located at the first release after it.
#[derive(Clone, Debug, Serialize)]
pub struct TrendChange {
    /// Index into `points`.
    pub index: usize,
    /// Label of the first release after the shift.
    pub label: String,
    /// Mean after ÷ mean before − 1, percent.
    pub shift_pct: f64,
    /// p-value of the t-test that accepted it.
    pub p_value: f64,
}

/// One metric of one stage × endpoint over releases.
#[derive(Clone, Debug, Serialize)]
pub struct TrendSeries {
    /// Stage name (the first run's).
    pub stage: String,
    /// `METHOD name`.
    pub endpoint: String,
    /// The metric.
    pub metric: Metric,
    /// Unit of the values.
    pub unit: &'static str,
    /// One point per run, in release order.
    pub points: Vec<TrendPoint>,
    /// Level shifts found.
    pub change_points: Vec<TrendChange>,
    /// Why no change points were looked for, when they were not.
    pub note: Option<String>,
}

/// The trends of runs already in release order.
pub fn trends(runs: &[CompareRun]) -> Vec<TrendSeries> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    // For every run, the index of its stage paired with each of the first run's.
    let stage_maps: Vec<Vec<Option<usize>>> = runs
        .iter()
        .map(|r| stage_map(&first.stages, &r.stages))
        .collect();
    let mut out = Vec::new();
    for (si, stage) in first.stages.iter().enumerate() {
        for endpoint in &stage.endpoints {
            for metric in TREND_METRICS {
                let points: Vec<TrendPoint> = runs
                    .iter()
                    .zip(&stage_maps)
                    .map(|(r, map)| TrendPoint {
                        label: r.label.clone(),
                        value: map[si]
                            .and_then(|c| {
                                r.stages[c].endpoints.iter().find(|e| e.key == endpoint.key)
                            })
                            .and_then(|e| metric.value(e))
                            .filter(|v| v.is_finite()),
                    })
                    .collect();
                out.push(series(&stage.name, &endpoint.key, metric, points));
            }
        }
    }
    out
}

fn series(stage: &str, endpoint: &str, metric: Metric, points: Vec<TrendPoint>) -> TrendSeries {
    let present: Vec<(usize, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.value.map(|v| (i, v)))
        .collect();
    let (change_points, note) = if present.len() < MIN_TREND_POINTS {
        (
            Vec::new(),
            Some(format!(
                "{} points: change points need at least {MIN_TREND_POINTS} releases",
                present.len()
            )),
        )
    } else {
        let values: Vec<f64> = present.iter().map(|p| p.1).collect();
        let found = stats::change_points(&values, CHANGE_POINT_P)
            .into_iter()
            .filter_map(|c| {
                let index = present.get(c.index)?.0;
                Some(TrendChange {
                    index,
                    label: points[index].label.clone(),
                    shift_pct: c.shift_pct * 100.0,
                    p_value: c.p_value,
                })
            })
            .collect();
        (found, None)
    };
    TrendSeries {
        stage: stage.to_string(),
        endpoint: endpoint.to_string(),
        metric,
        unit: metric.unit(),
        points,
        change_points,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(label: &str, started: Option<&str>) -> CompareRun {
        CompareRun {
            label: label.into(),
            origin: label.into(),
            started: started.map(str::to_string),
            stages: Vec::new(),
            capacity: Default::default(),
            grouping: Default::default(),
            quality: Default::default(),
            task_mix: Vec::new(),
            sla: None,
        }
    }

    #[test]
    fn versions_sort_by_number_not_text() {
        let mut runs: Vec<_> = ["1.10.0", "v1.9.0", "1.9.1-rc1", "1.9.1", "2.0"]
            .iter()
            .map(|l| run(l, None))
            .collect();
        assert_eq!(order_runs(&mut runs), Order::Version);
        let labels: Vec<_> = runs.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["v1.9.0", "1.9.1-rc1", "1.9.1", "1.10.0", "2.0"]);
    }

    #[test]
    fn other_labels_sort_by_start_else_stay_as_given() {
        let mut runs = vec![
            run("b", Some("2024-01-02T00:00:00Z")),
            run("a", Some("2024-01-01T00:00:00Z")),
        ];
        assert_eq!(order_runs(&mut runs), Order::Start);
        assert_eq!(runs[0].label, "a");
        let mut runs = vec![run("b", None), run("a", None)];
        assert_eq!(order_runs(&mut runs), Order::Given);
        assert_eq!(runs[0].label, "b");
    }
}
