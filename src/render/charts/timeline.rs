//! The run over time: per-interval requests/s, p95, errors/s and users in stacked
//! panels sharing the time axis; each stage is a line in its own colour (the same in
//! every chart) on a shaded band named after it, so stages that overlap in time stay
//! apart. Reads `stages[].timeseries`, and a stage's declared users when its
//! intervals carry none (a flat line across the stage). The stage bands are shared
//! with the per-endpoint timelines ([`bands`]).

use crate::render::sparkline::SLIVER_S;
use plotters::coord::Shift;
use plotters::prelude::{
    ChartContext, DrawingArea, DrawingBackend, EmptyElement, LineSeries, Rectangle, Text,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{self, Axes, Coords};
use super::time_axis::TimeAxis;
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

/// The (interval midpoint, value) points of `points` where `value` has one.
pub fn midpoints(
    points: &[TimePoint],
    value: impl Fn(&TimePoint) -> Option<f64>,
) -> Vec<(f64, f64)> {
    points
        .iter()
        .filter_map(|p| Some((p.t + p.width_s / 2.0, value(p)?)))
        .filter(|(t, v)| t.is_finite() && v.is_finite())
        .collect()
}

/// A line's stretches with no hole in them: a hole is a step between points of more
/// than 4× the line's median step and 1 % of its span (a generator paused for half an
/// hour in a soak; its latency has no points there). One line across a hole would
/// draw a slope through time nothing was measured; sparse arrivals stay one line.
pub fn unbroken(points: &[(f64, f64)]) -> Vec<&[(f64, f64)]> {
    let steps: Vec<f64> = points.windows(2).map(|w| w[1].0 - w[0].0).collect();
    if steps.is_empty() {
        return vec![points];
    }
    let mut sorted = steps.clone();
    sorted.sort_by(f64::total_cmp);
    let span = points[points.len() - 1].0 - points[0].0;
    let hole = (4.0 * sorted[sorted.len() / 2]).max(0.01 * span);
    let mut out = Vec::new();
    let mut start = 0;
    for (k, step) in steps.iter().enumerate() {
        if *step > hole {
            out.push(&points[start..=k]);
            start = k + 1;
        }
    }
    out.push(&points[start..]);
    out
}

/// Requests (or failures) per second of an interval; none for a sliver
/// ([`SLIVER_S`]: a stage's edge cut a few ms into a second).
pub fn rate(count: u64, width_s: f64) -> Option<f64> {
    (width_s >= SLIVER_S).then(|| count as f64 / width_s)
}

/// One stage's stretch of a timeline.
#[derive(Clone, Debug)]
pub struct Band {
    /// The stage name.
    pub name: String,
    /// Position in the analysis' stages: picks the colour.
    pub index: usize,
    /// Start, s since the run started.
    pub from: f64,
    /// End, s since the run started.
    pub to: f64,
}

impl Band {
    /// The span of `points` (intervals), when it has one.
    pub fn of(name: &str, index: usize, points: &[TimePoint]) -> Option<Band> {
        let from = points.iter().map(|p| p.t).fold(f64::INFINITY, f64::min);
        let to = points
            .iter()
            .map(|p| p.t + p.width_s)
            .fold(f64::NEG_INFINITY, f64::max);
        (from.is_finite() && to.is_finite()).then(|| Band {
            name: name.to_string(),
            index,
            from,
            to,
        })
    }
}

/// One stage's stretch of the timeline.
struct StageSpan {
    band: Band,
    /// Per panel: the (interval midpoint, value) points.
    lines: Vec<Vec<(f64, f64)>>,
}

/// The data of the timeline chart.
pub struct Plan {
    panels: Vec<usize>,
    stages: Vec<StageSpan>,
    /// Every interval with a latency holds fewer than 20 requests: its p95 is its
    /// slowest request's time (nearest rank), and the panel says so.
    sparse: bool,
}

/// Fewest requests in an interval for its p95 to be another request than its slowest
/// (nearest rank: ⌈0.95 n⌉ < n from n = 20 on).
const P95_BELOW_MAX: u64 = 20;

/// The plan, when some stage has a time series.
pub fn plan(analysis: &Analysis) -> Option<Plan> {
    let users_panel = PANELS.iter().position(|p| p.id == "users");
    let stages: Vec<StageSpan> = analysis
        .stages
        .iter()
        .enumerate()
        .filter_map(|(index, s)| {
            let band = Band::of(&s.name, index, &s.timeseries)?;
            let mut lines: Vec<Vec<(f64, f64)>> = PANELS
                .iter()
                .map(|panel| midpoints(&s.timeseries, panel.value))
                .collect();
            // No users per interval: the stage's declared users, flat across it.
            if let (Some(i), Some(users)) = (users_panel, s.users) {
                if lines[i].is_empty() {
                    lines[i] = vec![(band.from, f64::from(users)), (band.to, f64::from(users))];
                }
            }
            Some(StageSpan { band, lines })
        })
        .collect();
    // A panel is drawn when some stage has a value for it.
    let panels: Vec<usize> = (0..PANELS.len())
        .filter(|i| stages.iter().any(|s| !s.lines[*i].is_empty()))
        .collect();
    let sparse = (analysis.stages.iter())
        .flat_map(|s| &s.timeseries)
        .filter(|p| p.p95.is_some())
        .map(|p| p.requests)
        .max()
        .is_some_and(|n| n < P95_BELOW_MAX);
    (!panels.is_empty()).then_some(Plan {
        panels,
        stages,
        sparse,
    })
}

impl Plan {
    /// The chart title.
    pub fn title(&self) -> String {
        let names: Vec<&str> = self
            .panels
            .iter()
            .map(|i| match PANELS[*i].id {
                "throughput" => "requests",
                "p95" => "latency",
                "errors" => "errors",
                _ => "users",
            })
            .collect();
        let list = match names.split_last() {
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        };
        format!("Timeline: {list} over the run")
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
        let spans: Vec<Band> = self.stages.iter().map(|s| s.band.clone()).collect();
        let time = time_axis(&spans);
        let x = time.axis.clone();
        let x_label = |v: &f64| time.label(*v);
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
            bands(&mut chart, &spans, y.hi(), n == 0)?;
            frame::mesh(
                &mut chart,
                &Axes {
                    x_desc: time.desc(),
                    y_desc: if self.sparse && panel.id == "p95" {
                        "Latency p95 = max (ms)"
                    } else {
                        panel.desc
                    },
                    x_label: &x_label,
                    y_label: &y_label,
                },
            )?;
            for s in &self.stages {
                if s.lines[i].is_empty() {
                    continue;
                }
                marker.begin(&format!("{}:{}", panel.id, s.band.name));
                for part in unbroken(&s.lines[i]) {
                    chart.draw_series(LineSeries::new(
                        part.iter().copied(),
                        frame::stroke(palette::cycle(s.band.index)),
                    ))?;
                }
                marker.end();
            }
        }
        Ok(())
    }
}

/// The time axis over every band, in the unit that reads at the run's length.
pub fn time_axis(spans: &[Band]) -> TimeAxis {
    let from = spans.iter().map(|s| s.from).fold(f64::INFINITY, f64::min);
    let to = spans.iter().map(|s| s.to).fold(f64::NEG_INFINITY, f64::max);
    TimeAxis::span(from, to)
}

/// Shades every other stage and, when `names`, names each stage whose band is wide
/// enough for its name.
pub fn bands<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Coords>,
    spans: &[Band],
    y_hi: f64,
    names: bool,
) -> Result<(), DrawError> {
    let y_lo = chart.y_range().start;
    for (k, s) in spans.iter().enumerate() {
        if k % 2 == 0 {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(s.from, y_lo), (s.to, y_hi)],
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
                EmptyElement::at(((s.from + s.to) / 2.0, y_hi)) + Text::new(label, (0, 5), style),
            ))?;
        }
    }
    Ok(())
}
