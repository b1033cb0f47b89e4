//! One endpoint over the run (`endpoint-<slug>-timeline`): its requests/s, its
//! p50 / p95 / p99 latency and its failures/s per interval, in stacked panels on the
//! stage bands of the run timeline. Reads `stages[].endpoints[].timeseries` only; the
//! latency panel is logarithmic when the endpoint's p99 is over 10× its p50 (or as
//! `--latency-axis` says). Per-interval failures carry no kind, so the failure panel
//! is a total; the kinds are in the report's endpoint table.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, LineSeries, RGBColor};

use super::frame::{self, Axes};
use super::timeline::{self, Band};
use super::{palette, DrawError, LatencyScale, SeriesMarker};
use crate::analysis::report::{EndpointReport, TimePoint};
use crate::analysis::Analysis;

/// A line of a panel: series id, legend label, colour, value of an interval.
struct Line {
    id: &'static str,
    label: &'static str,
    color: RGBColor,
    value: fn(&TimePoint) -> Option<f64>,
}

/// The panels, top to bottom: (y description, lines).
const PANELS: [(&str, &[Line]); 3] = [
    (
        "Requests/s",
        &[Line {
            id: "throughput",
            label: "requests/s",
            color: palette::THROUGHPUT,
            value: |p| timeline::rate(p.requests, p.width_s),
        }],
    ),
    (
        "Latency (ms)",
        &[
            Line {
                id: "p50",
                label: "p50",
                color: palette::P50,
                value: |p| p.p50,
            },
            Line {
                id: "p95",
                label: "p95",
                color: palette::P95,
                value: |p| p.p95,
            },
            Line {
                id: "p99",
                label: "p99",
                color: palette::P99,
                value: |p| p.p99,
            },
        ],
    ),
    (
        "Failures/s",
        &[Line {
            id: "failures",
            label: "failures/s",
            color: palette::ERRORS,
            value: |p| timeline::rate(p.failures, p.width_s),
        }],
    ),
];

/// The latency panel's position in [`PANELS`].
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
    let spans: Vec<Span> = endpoint_in_stages(analysis, key)
        .filter_map(|(index, stage, e)| {
            let band = Band::of(stage, index, &e.timeseries)?;
            let lines = PANELS
                .iter()
                .map(|(_, lines)| {
                    lines
                        .iter()
                        .map(|l| timeline::midpoints(&e.timeseries, l.value))
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
            palette::TITLE_AREA + palette::PANEL_HEIGHT * PANELS.len() as u32 + 30,
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
        let x = timeline::time_axis(&bands);
        let x_label = |v: &f64| x.label(*v);
        let (_, h) = area.dim_in_pixel();
        let last = PANELS.len() - 1;
        let mut rest = area.clone();
        for (p, (desc, lines)) in PANELS.iter().enumerate() {
            let height = if p == last {
                h.saturating_sub(palette::PANEL_HEIGHT * last as u32)
            } else {
                palette::PANEL_HEIGHT
            };
            let (this, below) = rest.split_vertically(height);
            rest = below;
            // The legend (when a panel has several lines) is a row above the panel's
            // plotting area, never on the data.
            let this = if lines.len() > 1 {
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
                    x_desc: timeline::TIME_DESC,
                    y_desc: desc,
                    x_label: &x_label,
                    y_label: &y_label,
                },
            )?;
            for (l, line) in lines.iter().enumerate() {
                marker.begin(line.id);
                for s in self.spans.iter().filter(|s| !s.lines[p][l].is_empty()) {
                    chart.draw_series(LineSeries::new(
                        s.lines[p][l].iter().copied(),
                        frame::stroke(line.color),
                    ))?;
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
        strip.draw(&PathElement::new(
            vec![(x, y), (x + 20, y)],
            frame::stroke(line.color),
        ))?;
        let style = frame::font(palette::LEGEND_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        strip.draw(&Text::new(line.label, (x + 26, y), style))?;
        x += 26 + 12 * line.label.len() as i32 + 24;
    }
    Ok(())
}
