//! The run over time: per-interval requests/s, p95, errors/s and users in stacked
//! panels sharing the time axis; each stage is a line in its own colour (the same in
//! every chart) on a shaded band named after it, so stages that overlap in time stay
//! apart. Reads `stages[].timeseries` only.

use plotters::coord::Shift;
use plotters::prelude::{
    ChartContext, DrawingArea, DrawingBackend, EmptyElement, LineSeries, Rectangle, Text,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{self, Axes, Coords};
use super::{palette, DrawError, SeriesMarker};
use crate::analysis::report::TimePoint;
use crate::analysis::Analysis;

/// One panel: what it shows and how to read it from an interval.
struct Panel {
    id: &'static str,
    desc: &'static str,
    value: fn(&TimePoint) -> Option<f64>,
}

const PANELS: [Panel; 4] = [
    Panel {
        id: "throughput",
        desc: "Throughput (req/s)",
        value: |p| rate(p.requests, p.width_s),
    },
    Panel {
        id: "p95",
        desc: "Latency p95 (ms)",
        value: |p| p.p95,
    },
    Panel {
        id: "errors",
        desc: "Errors (failures/s)",
        value: |p| rate(p.failures, p.width_s),
    },
    Panel {
        id: "users",
        desc: "Users",
        value: |p| p.users,
    },
];

fn rate(count: u64, width_s: f64) -> Option<f64> {
    (width_s > 0.0).then(|| count as f64 / width_s)
}

/// One stage's stretch of the timeline.
struct StageSpan {
    name: String,
    /// Position in the analysis' stages: picks the colour.
    index: usize,
    from: f64,
    to: f64,
    /// Per panel: the (interval midpoint, value) points.
    lines: Vec<Vec<(f64, f64)>>,
}

/// The data of the timeline chart.
pub struct Plan {
    panels: Vec<usize>,
    stages: Vec<StageSpan>,
}

/// The plan, when some stage has a time series.
pub fn plan(analysis: &Analysis) -> Option<Plan> {
    let stages: Vec<StageSpan> = analysis
        .stages
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.timeseries.is_empty())
        .map(|(index, s)| {
            let from = s
                .timeseries
                .iter()
                .map(|p| p.t)
                .fold(f64::INFINITY, f64::min);
            let to = s
                .timeseries
                .iter()
                .map(|p| p.t + p.width_s)
                .fold(f64::NEG_INFINITY, f64::max);
            let lines = PANELS
                .iter()
                .map(|panel| {
                    s.timeseries
                        .iter()
                        .filter_map(|p| Some((p.t + p.width_s / 2.0, (panel.value)(p)?)))
                        .filter(|(t, v)| t.is_finite() && v.is_finite())
                        .collect()
                })
                .collect();
            StageSpan {
                name: s.name.clone(),
                index,
                from,
                to,
                lines,
            }
        })
        .filter(|s| s.from.is_finite() && s.to.is_finite())
        .collect();
    // A panel is drawn when some stage has a value for it.
    let panels: Vec<usize> = (0..PANELS.len())
        .filter(|i| stages.iter().any(|s| !s.lines[*i].is_empty()))
        .collect();
    (!panels.is_empty()).then_some(Plan { panels, stages })
}

impl Plan {
    /// The chart title.
    pub fn title(&self) -> String {
        "Timeline: requests, latency, errors and users over the run".into()
    }

    /// Width and height: one panel per metric.
    pub fn size(&self) -> (u32, u32) {
        (
            palette::WIDTH,
            palette::TITLE_AREA + palette::PANEL_HEIGHT * self.panels.len() as u32 + 30,
        )
    }

    /// Draws the chart on `area`.
    pub fn draw<'a, DB: DrawingBackend + 'a>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        marker: &SeriesMarker,
    ) -> Result<(), DrawError> {
        let from = self
            .stages
            .iter()
            .map(|s| s.from)
            .fold(f64::INFINITY, f64::min);
        let to = self
            .stages
            .iter()
            .map(|s| s.to)
            .fold(f64::NEG_INFINITY, f64::max);
        let x = frame::Axis::span(from, to);
        let x_label = |v: &f64| x.label(*v);
        let (_, h) = area.dim_in_pixel();
        let last = self.panels.len().saturating_sub(1);
        let mut rest = area.clone();
        for (n, &i) in self.panels.iter().enumerate() {
            let panel = &PANELS[i];
            // The last panel also holds the time axis description.
            let height = if n == last {
                h.saturating_sub(palette::PANEL_HEIGHT * last as u32)
            } else {
                palette::PANEL_HEIGHT
            };
            let (this, below) = rest.split_vertically(height);
            rest = below;
            // The first panel keeps room at the top for the stage names.
            let room = if n == 0 { 1.2 } else { 1.0 };
            let y = frame::Axis::zero_to(
                room * frame::max_of(
                    self.stages
                        .iter()
                        .flat_map(|s| s.lines[i].iter().map(|p| p.1)),
                ),
            );
            let y_label = |v: &f64| y.label(*v);
            let mut chart = frame::chart(&this, x.clone(), y.clone(), palette::Y_LABEL_AREA)?;
            self.bands(&mut chart, y.hi(), n == 0)?;
            frame::mesh(
                &mut chart,
                &Axes {
                    x_desc: if n == last {
                        "Time since the run started (s)"
                    } else {
                        ""
                    },
                    y_desc: panel.desc,
                    x_label: &x_label,
                    y_label: &y_label,
                },
            )?;
            for s in &self.stages {
                if s.lines[i].is_empty() {
                    continue;
                }
                marker.begin(&format!("{}:{}", panel.id, s.name));
                chart.draw_series(LineSeries::new(
                    s.lines[i].iter().copied(),
                    frame::stroke(palette::cycle(s.index)),
                ))?;
                marker.end();
            }
        }
        Ok(())
    }

    /// Shades every other stage and, on the first panel, names each stage whose band
    /// is wide enough for its name.
    fn bands<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<'_, DB, Coords>,
        y_hi: f64,
        names: bool,
    ) -> Result<(), DrawError> {
        for (k, s) in self.stages.iter().enumerate() {
            if k % 2 == 0 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(s.from, 0.0), (s.to, y_hi)],
                    plotters::style::Color::filled(&palette::BAND),
                )))?;
            }
            if !names {
                continue;
            }
            let label = frame::shorten(&s.name, palette::MAX_LABEL_CHARS / 2);
            let color = palette::cycle(s.index);
            let style = frame::font(palette::TICK_SIZE)
                .color(&color)
                .pos(Pos::new(HPos::Center, VPos::Top));
            let (w, _) = chart.plotting_area().estimate_text_size(&label, &style)?;
            let left = chart.backend_coord(&(s.from, y_hi)).0;
            let right = chart.backend_coord(&(s.to, y_hi)).0;
            if (right - left) > w as i32 + 8 {
                // A few pixels below the top edge, clear of the top grid line.
                chart.draw_series(std::iter::once(
                    EmptyElement::at(((s.from + s.to) / 2.0, y_hi))
                        + Text::new(label, (0, 5), style),
                ))?;
            }
        }
        Ok(())
    }
}
