//! One endpoint over the run (`endpoint-<slug>-timeline`): its requests/s, its
//! p50 / p95 / p99 latency and its failures/s per interval, in stacked panels on the
//! stage bands of the run timeline. Reads `stages[].endpoints[].timeseries` only; the
//! latency panel is logarithmic when the endpoint's p99 is over 10× its p50 (or as
//! `--latency-axis` says). The failure panel has one line per failure kind (an
//! interval's `failures_by_kind`), or the total when the source gives no kinds.

use plotters::coord::Shift;
use plotters::prelude::{DashedLineSeries, DrawingArea, DrawingBackend, LineSeries, RGBColor};

use super::frame::{self, Axes};
use super::timeline::{self, Band};
use super::{palette, DrawError, LatencyScale, SeriesMarker};
use crate::analysis::report::{EndpointReport, TimePoint};
use crate::analysis::Analysis;
use crate::model::FailureKind;

/// What a line shows of an interval.
#[derive(Clone, Copy)]
enum Value {
    /// A figure of the interval.
    Of(fn(&TimePoint) -> Option<f64>),
    /// Failures/s of one kind.
    Kind(FailureKind),
}

impl Value {
    fn of(self, p: &TimePoint) -> Option<f64> {
        match self {
            Value::Of(f) => f(p),
            Value::Kind(kind) => timeline::rate(
                p.failures_by_kind.get(&kind).copied().unwrap_or(0),
                p.width_s,
            ),
        }
    }
}

/// A line of a panel: series id, legend label, colour, dash, value of an interval.
struct Line {
    id: String,
    label: String,
    color: RGBColor,
    dash: Option<(u32, u32)>,
    value: Value,
}

impl Line {
    fn solid(id: &str, label: &str, color: RGBColor, value: fn(&TimePoint) -> Option<f64>) -> Line {
        Line {
            id: id.into(),
            label: label.into(),
            color,
            dash: None,
            value: Value::Of(value),
        }
    }
}

/// The panels, top to bottom: (y description, lines). The failure panel's lines
/// are the kinds seen in `points` (one series per kind), else the total.
fn panels<'a>(points: impl Iterator<Item = &'a TimePoint>) -> Vec<(&'static str, Vec<Line>)> {
    let mut kinds: Vec<FailureKind> = points
        .flat_map(|p| p.failures_by_kind.keys().copied())
        .collect();
    kinds.sort();
    kinds.dedup();
    let failures = if kinds.is_empty() {
        vec![Line::solid(
            "failures",
            "failures/s",
            palette::ERRORS,
            |p| timeline::rate(p.failures, p.width_s),
        )]
    } else {
        kinds
            .into_iter()
            .enumerate()
            .map(|(i, kind)| Line {
                id: format!("failures-{kind}"),
                label: kind.to_string(),
                color: palette::FAILURE_KINDS[i % palette::FAILURE_KINDS.len()],
                dash: (i > 0).then(|| palette::LIMIT_DASHES[(i - 1) % palette::LIMIT_DASHES.len()]),
                value: Value::Kind(kind),
            })
            .collect()
    };
    vec![
        (
            "Requests/s",
            vec![Line::solid(
                "throughput",
                "requests/s",
                palette::THROUGHPUT,
                |p| timeline::rate(p.requests, p.width_s),
            )],
        ),
        (
            "Latency (ms)",
            vec![
                Line::solid("p50", "p50", palette::P50, |p| p.p50),
                Line::solid("p95", "p95", palette::P95, |p| p.p95),
                Line::solid("p99", "p99", palette::P99, |p| p.p99),
            ],
        ),
        ("Failures/s", failures),
    ]
}

/// The latency panel's position in the panels.
const LATENCY: usize = 1;

/// One stage's stretch of the endpoint's timeline.
struct Span {
    band: Band,
    /// Per panel, per line: the (interval midpoint, value) points.
    lines: Vec<Vec<Vec<(f64, f64)>>>,
}

/// The data of one endpoint's timeline.
pub struct Plan {
    /// The endpoint key (`GET /api/items`).
    pub endpoint: String,
    panels: Vec<(&'static str, Vec<Line>)>,
    spans: Vec<Span>,
    scale: LatencyScale,
    spread: Option<f64>,
}

/// The endpoints with a time series, busiest first (as the endpoint breakdown
/// orders them), at most [`palette::MAX_ENDPOINTS`].
pub fn endpoint_keys(analysis: &Analysis) -> Vec<String> {
    let mut totals: Vec<(String, u64)> = Vec::new();
    for e in analysis
        .stages
        .iter()
        .flat_map(|s| &s.endpoints)
        .filter(|e| !e.transaction && !e.timeseries.is_empty())
    {
        match totals.iter_mut().find(|(k, _)| *k == e.key) {
            Some(t) => t.1 += e.figures.requests,
            None => totals.push((e.key.clone(), e.figures.requests)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    totals
        .into_iter()
        .take(palette::MAX_ENDPOINTS)
        .map(|(k, _)| k)
        .collect()
}

/// Endpoint `key` of every stage that has it, with the stage's position.
pub fn endpoint_in_stages<'a>(
    analysis: &'a Analysis,
    key: &'a str,
) -> impl Iterator<Item = (usize, &'a str, &'a EndpointReport)> + 'a {
    analysis
        .stages
        .iter()
        .enumerate()
        .filter_map(move |(i, s)| {
            s.endpoints
                .iter()
                .find(|e| e.key == key && !e.transaction)
                .map(|e| (i, s.name.as_str(), e))
        })
}

/// The plan of endpoint `key`, when some stage has intervals for it.
pub fn plan(analysis: &Analysis, key: &str, scale: LatencyScale) -> Option<Plan> {
    let panels = panels(endpoint_in_stages(analysis, key).flat_map(|(_, _, e)| &e.timeseries));
    let spans: Vec<Span> = endpoint_in_stages(analysis, key)
        .filter_map(|(index, stage, e)| {
            let band = Band::of(stage, index, &e.timeseries)?;
            let lines = panels
                .iter()
                .map(|(_, lines)| {
                    lines
                        .iter()
                        .map(|l| timeline::midpoints(&e.timeseries, |p| l.value.of(p)))
                        .collect()
                })
                .collect();
            Some(Span { band, lines })
        })
        .collect();
    if spans.is_empty() {
        return None;
    }
    let spread = frame::spread(
        endpoint_in_stages(analysis, key)
            .map(|(_, _, e)| (e.figures.latency_ms.p50, e.figures.latency_ms.p99)),
    );
    Some(Plan {
        endpoint: key.to_string(),
        panels,
        spans,
        scale,
        spread,
    })
}

impl Plan {
    /// The chart title.
    pub fn title(&self) -> String {
        format!(
            "{}: requests, latency and failures over the run",
            frame::shorten_middle(&self.endpoint, palette::MAX_LABEL_CHARS)
        )
    }

    /// Width and height: one panel per metric.
    pub fn size(&self) -> (u32, u32) {
        (
            palette::WIDTH,
            palette::TITLE_AREA + palette::PANEL_HEIGHT * self.panels.len() as u32 + 30,
        )
    }

    /// The points of panel `p`, line `l`, over every stage.
    fn values(&self, p: usize, l: usize) -> impl Iterator<Item = f64> + '_ {
        self.spans
            .iter()
            .flat_map(move |s| s.lines[p][l].iter().map(|pt| pt.1))
    }

    /// Draws the chart on `area`.
    pub fn draw<'a, DB: DrawingBackend + 'a>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        marker: &SeriesMarker,
    ) -> Result<(), DrawError> {
        let bands: Vec<Band> = self.spans.iter().map(|s| s.band.clone()).collect();
        let time = timeline::time_axis(&bands);
        let x = time.axis.clone();
        let x_label = |v: &f64| time.label(*v);
        let (_, h) = area.dim_in_pixel();
        let last = self.panels.len() - 1;
        let mut rest = area.clone();
        for (p, (desc, lines)) in self.panels.iter().enumerate() {
            let height = if p == last {
                h.saturating_sub(palette::PANEL_HEIGHT * last as u32)
            } else {
                palette::PANEL_HEIGHT
            };
            let (this, below) = rest.split_vertically(height);
            rest = below;
            // The legend (when a panel has several lines, or names failure kinds) is a
            // row above the panel's plotting area, never on the data.
            let kinds = matches!(lines.first().map(|l| l.value), Some(Value::Kind(_)));
            let this = if lines.len() > 1 || kinds {
                let (strip, plot) = this.split_vertically(palette::LEGEND_ROW);
                legend_row(&strip, lines)?;
                plot
            } else {
                this
            };
            let values = (0..lines.len()).flat_map(|l| self.values(p, l));
            let y = if p == LATENCY {
                frame::latency_axis(values, self.scale, self.spread)
            } else {
                // Room at the top of the first panel for the stage names.
                let room = if p == 0 { 1.2 } else { 1.0 };
                frame::Axis::zero_to(room * frame::max_of(values))
            };
            let y_label = |v: &f64| y.label(*v);
            let desc = if p == LATENCY && y.is_log() {
                "Latency (ms, log)"
            } else {
                desc
            };
            let mut chart = frame::chart(&this, x.clone(), y.clone(), palette::Y_LABEL_AREA)?;
            timeline::bands(&mut chart, &bands, y.hi(), p == 0)?;
            frame::mesh(
                &mut chart,
                &Axes {
                    x_desc: time.desc(),
                    y_desc: desc,
                    x_label: &x_label,
                    y_label: &y_label,
                },
            )?;
            for (l, line) in lines.iter().enumerate() {
                marker.begin(&line.id);
                for s in self.spans.iter().filter(|s| !s.lines[p][l].is_empty()) {
                    // Broken where nothing was measured (a paused generator).
                    for part in timeline::unbroken(&s.lines[p][l]) {
                        let points = part.iter().copied();
                        let style = frame::stroke(line.color);
                        match line.dash {
                            Some((dash, gap)) => chart
                                .draw_series(DashedLineSeries::new(points, dash, gap, style))?,
                            None => chart.draw_series(LineSeries::new(points, style))?,
                        };
                    }
                }
                marker.end();
            }
        }
        Ok(())
    }
}

/// The legend of a panel's lines, left to right on `strip` (right of the y labels).
fn legend_row<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    lines: &[Line],
) -> Result<(), DrawError> {
    use plotters::prelude::{PathElement, Text};
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let y = palette::LEGEND_ROW as i32 / 2;
    let mut x = (palette::MARGIN + palette::Y_LABEL_AREA) as i32 + 8;
    for line in lines {
        let (dash, gap) = line.dash.unwrap_or((20, 0));
        let mut at = 0;
        while at < 20 {
            let end = (at + dash as i32).min(20);
            strip.draw(&PathElement::new(
                vec![(x + at, y), (x + end, y)],
                frame::stroke(line.color),
            ))?;
            at = end + gap as i32;
        }
        let style = frame::font(palette::LEGEND_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        strip.draw(&Text::new(line.label.as_str(), (x + 26, y), style))?;
        x += 26 + 12 * line.label.len() as i32 + 24;
    }
    Ok(())
}
