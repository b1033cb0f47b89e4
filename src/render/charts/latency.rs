//! Latency p50 / p95 / p99 per stage against load, with every global latency SLA
//! limit as a dashed line (in its percentile's colour when it has one).

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, RGBColor, SeriesLabelPosition};

use super::frame::{self, Axes, LoadAxis};
use super::{palette, DrawError, SeriesMarker};
use crate::analysis::report::LatencyReport;
use crate::analysis::Analysis;

/// The percentiles drawn: series id, legend label, colour, and how to read it.
const PERCENTILES: [(&str, &str, RGBColor, fn(&LatencyReport) -> Option<f64>); 3] = [
    ("p50", "p50 (median)", palette::P50, |l| l.p50),
    ("p95", "p95", palette::P95, |l| l.p95),
    ("p99", "p99", palette::P99, |l| l.p99),
];

/// The data of the latency chart.
pub struct Plan {
    load: LoadAxis,
    /// One line per percentile that any stage has: (id, label, colour, points).
    lines: Vec<(&'static str, &'static str, RGBColor, Vec<(f64, f64)>)>,
    limits: Vec<frame::Limit>,
}

/// The plan, when some stage has a latency percentile.
pub fn plan(analysis: &Analysis) -> Option<Plan> {
    let load = LoadAxis::of(&analysis.stages);
    let lines: Vec<_> = PERCENTILES
        .iter()
        .map(|(id, label, color, get)| {
            let points = load.points(analysis.stages.iter().map(|s| get(&s.figures.latency_ms)));
            (*id, *label, *color, points)
        })
        .filter(|l| !l.3.is_empty())
        .collect();
    if lines.is_empty() {
        return None;
    }
    let limits = frame::global_limits(analysis, |_, unit| unit == "ms");
    Some(Plan {
        load,
        lines,
        limits,
    })
}

impl Plan {
    /// The chart title.
    pub fn title(&self) -> String {
        format!("Latency percentiles vs {}", self.load.desc().to_lowercase())
    }

    /// Draws the chart on `area`.
    pub fn draw<'a, DB: DrawingBackend + 'a>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        marker: &SeriesMarker,
    ) -> Result<(), DrawError> {
        let x = self.load.axis(&[]);
        let y = frame::Axis::zero_to(frame::max_of(
            self.lines
                .iter()
                .flat_map(|l| l.3.iter().map(|p| p.1))
                .chain(self.limits.iter().map(|l| l.value)),
        ));
        let x_label = |v: &f64| self.load.label(&x, *v);
        let y_label = |v: &f64| y.label(*v);
        let mut chart = frame::chart(area, x.clone(), y.clone(), palette::Y_LABEL_AREA)?;
        frame::mesh(
            &mut chart,
            &Axes {
                x_desc: self.load.desc(),
                y_desc: "Latency (ms)",
                x_label: &x_label,
                y_label: &y_label,
            },
        )?;
        for (id, label, color, points) in &self.lines {
            frame::measured(&mut chart, marker, id, label, *color, points)?;
        }
        for (i, l) in self.limits.iter().enumerate() {
            // A limit on p95 is drawn in p95's colour, so line and limit pair up.
            let color = PERCENTILES
                .iter()
                .find(|p| l.metric == format!("p({})", &p.0[1..]))
                .map(|p| p.2)
                .unwrap_or(palette::INK);
            frame::dashed(
                &mut chart,
                marker,
                &format!("sla-{i}"),
                &format!("SLA {}", l.rule),
                color,
                &[(x.lo(), l.value), (x.hi(), l.value)],
            )?;
        }
        frame::legend(&mut chart, SeriesLabelPosition::UpperLeft)
    }
}
