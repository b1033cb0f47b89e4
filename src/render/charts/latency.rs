//! Latency p50 / p95 / p99 per stage against load, with every global latency SLA
//! limit as a dashed line (in its percentile's colour when it has one).

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, RGBColor};

use super::frame::{self, Axes, LoadAxis};
use super::{palette, DrawError, LatencyScale, SeriesMarker};
use crate::analysis::report::LatencyReport;
use crate::analysis::Analysis;
use crate::model::PercentileMethod;

/// A percentile drawn: series id, the SLA metric that limits it, legend label,
/// colour, and where the report has it.
struct Percentile {
    id: &'static str,
    metric: &'static str,
    label: &'static str,
    color: RGBColor,
    value: fn(&LatencyReport) -> Option<f64>,
}

const PERCENTILES: [Percentile; 3] = [
    Percentile {
        id: "p50",
        metric: "p(50)",
        label: "p50 (median)",
        color: palette::P50,
        value: |l| l.p50,
    },
    Percentile {
        id: "p95",
        metric: "p(95)",
        label: "p95",
        color: palette::P95,
        value: |l| l.p95,
    },
    Percentile {
        id: "p99",
        metric: "p(99)",
        label: "p99",
        color: palette::P99,
        value: |l| l.p99,
    },
];

/// The data of the latency chart.
pub struct Plan {
    load: LoadAxis,
    /// One line per percentile that some stage has: the percentile and its points.
    lines: Vec<(&'static Percentile, Vec<(f64, f64)>)>,
    limits: Vec<frame::Limit>,
    /// Linear or logarithmic latency axis (`--latency-axis`).
    scale: LatencyScale,
    /// The largest p99 ÷ p50 of a stage (decides `auto`).
    spread: Option<f64>,
    /// A stage's percentiles were estimated from merged summaries: the title says so.
    approximate: bool,
}

/// The plan, when some stage has a latency percentile.
pub fn plan(analysis: &Analysis, scale: LatencyScale) -> Option<Plan> {
    let load = LoadAxis::of(&analysis.stages);
    let lines: Vec<_> = PERCENTILES
        .iter()
        .map(|p| {
            let points = load.points(
                analysis
                    .stages
                    .iter()
                    .map(|s| (p.value)(&s.figures.latency_ms)),
            );
            (p, points)
        })
        .filter(|l| !l.1.is_empty())
        .collect();
    if lines.is_empty() {
        return None;
    }
    let limits = frame::global_limits(analysis, |_, unit| unit == "ms");
    let spread = frame::spread(
        analysis
            .stages
            .iter()
            .map(|s| (s.figures.latency_ms.p50, s.figures.latency_ms.p99)),
    );
    let approximate = analysis
        .stages
        .iter()
        .any(|s| s.figures.latency_method == Some(PercentileMethod::MergedApproximate));
    Some(Plan {
        load,
        lines,
        limits,
        scale,
        spread,
        approximate,
    })
}

impl Plan {
    /// The chart title.
    pub fn title(&self) -> String {
        let estimated = if self.approximate {
            " (≈: estimated from merged summaries)"
        } else {
            ""
        };
        format!(
            "Latency percentiles vs {}{estimated}",
            self.load.desc().to_lowercase()
        )
    }

    /// Draws the chart on `area`.
    pub fn draw<'a, DB: DrawingBackend + 'a>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        marker: &SeriesMarker,
    ) -> Result<(), DrawError> {
        let x = self.load.axis(&[]);
        let y = frame::latency_axis(
            self.lines
                .iter()
                .flat_map(|l| l.1.iter().map(|p| p.1))
                .chain(self.limits.iter().map(|l| l.value)),
            self.scale,
            self.spread,
        );
        let x_label = |v: &f64| self.load.label(&x, *v);
        let y_label = |v: &f64| y.label(*v);
        let legend = frame::Legend::default();
        let mut chart = frame::chart_with_legend(area, x.clone(), y.clone())?;
        frame::mesh(
            &mut chart,
            &Axes {
                x_desc: self.load.desc(),
                y_desc: if y.is_log() {
                    "Latency (ms, log scale)"
                } else {
                    "Latency (ms)"
                },
                x_label: &x_label,
                y_label: &y_label,
            },
        )?;
        for (p, points) in &self.lines {
            frame::measured(&mut chart, marker, &legend, p.id, p.label, p.color, points)?;
        }
        let values: Vec<f64> = self.limits.iter().map(|l| l.value).collect();
        let stacks = frame::label_stacks(&values, &y);
        for (i, l) in self.limits.iter().enumerate() {
            // A limit on p95 is drawn in p95's colour, so line and limit pair up.
            let color = PERCENTILES
                .iter()
                .find(|p| l.metric == p.metric)
                .map(|p| p.color)
                .unwrap_or(palette::INK);
            frame::dashed_with(
                &mut chart,
                marker,
                &legend,
                &format!("sla-{i}"),
                &format!("SLA {}", l.rule),
                color,
                palette::LIMIT_DASHES[i % palette::LIMIT_DASHES.len()],
                &[(x.lo(), l.value), (x.hi(), l.value)],
            )?;
            frame::end_label(&mut chart, &l.rule, (x.hi(), l.value), stacks[i], color)?;
        }
        frame::legend_beside(area, &legend)
    }
}
