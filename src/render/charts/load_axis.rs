//! The x axis of the per-stage charts (throughput, latency, error rate): concurrent
//! users when every stage has them, else arrival rate, else the stages in order,
//! and each stage's position on it.

use super::frame::{shorten, Axis};
use super::palette;
use crate::analysis::report::StageReport;

/// What the x axis of the per-stage charts measures.
#[derive(Clone, Debug)]
pub enum LoadKind {
    /// Closed model: concurrent users.
    Users,
    /// Open model: arrival rate.
    ArrivalRate,
    /// Neither is known for every stage: stages in order, by name.
    Order(Vec<String>),
}

/// The x axis of the per-stage charts and each stage's position on it.
#[derive(Clone, Debug)]
pub struct LoadAxis {
    /// What it measures.
    pub kind: LoadKind,
    /// Each stage's x, in stage order.
    pub xs: Vec<f64>,
}

impl LoadAxis {
    /// Users when every stage has them, else arrival rates, else stage order.
    pub fn of(stages: &[StageReport]) -> LoadAxis {
        if let Some(xs) = stages
            .iter()
            .map(|s| s.users.map(f64::from))
            .collect::<Option<Vec<f64>>>()
        {
            return LoadAxis {
                kind: LoadKind::Users,
                xs,
            };
        }
        if let Some(xs) = stages
            .iter()
            .map(|s| s.arrival_rate_rps)
            .collect::<Option<Vec<f64>>>()
        {
            return LoadAxis {
                kind: LoadKind::ArrivalRate,
                xs,
            };
        }
        LoadAxis {
            kind: LoadKind::Order(
                stages
                    .iter()
                    .map(|s| shorten(&s.name, palette::MAX_LABEL_CHARS / 3))
                    .collect(),
            ),
            xs: (0..stages.len()).map(|i| i as f64).collect(),
        }
    }

    /// The axis description, with its unit.
    pub fn desc(&self) -> &'static str {
        match self.kind {
            LoadKind::Users => "Concurrent users",
            LoadKind::ArrivalRate => "Arrival rate (req/s)",
            LoadKind::Order(_) => "Stage",
        }
    }

    /// The axis, wide enough for `extra` x values too (a model curve's, say).
    pub fn axis(&self, extra: &[f64]) -> Axis {
        match &self.kind {
            LoadKind::Order(names) => Axis::with_ticks(
                -0.5,
                names.len() as f64 - 0.5,
                (0..names.len()).map(|i| i as f64).collect(),
            ),
            _ => Axis::zero_to(self.xs.iter().chain(extra).copied().fold(0.0, f64::max)),
        }
    }

    /// The tick label at `x`.
    pub fn label(&self, axis: &Axis, x: f64) -> String {
        match &self.kind {
            LoadKind::Order(names) => names
                .get(x.round().max(0.0) as usize)
                .cloned()
                .unwrap_or_default(),
            _ => axis.label(x),
        }
    }

    /// `(x, y)` for every stage where `y` is known, sorted by x.
    pub fn points(&self, ys: impl Iterator<Item = Option<f64>>) -> Vec<(f64, f64)> {
        let mut points: Vec<(f64, f64)> = self
            .xs
            .iter()
            .zip(ys)
            .filter_map(|(x, y)| Some((*x, y?)))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        points
    }
}
