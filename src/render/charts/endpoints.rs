//! The endpoint breakdown of one stage: requests and p95 latency per endpoint as
//! horizontal bars side by side, busiest endpoint on top. A p95 limit the SLA sets on
//! an endpoint is a mark across that endpoint's bar; the global p95 limit, which
//! judges the whole stage and not each endpoint, is a line labelled as the stage's.
//! The stage is the first verdict stage, else the one under the most load.

use plotters::coord::Shift;
use plotters::prelude::{
    ChartContext, DrawingArea, DrawingBackend, PathElement, RGBColor, Rectangle,
};
use plotters::style::Color;

use super::frame::{self, Axes, Coords};
use super::{palette, DrawError, SeriesMarker};
use crate::analysis::report::StageReport;
use crate::analysis::sla::{Op, Scope};
use crate::analysis::Analysis;

/// Height of the empty slot under the bars that holds the legend, px.
const LEGEND_SLOT: f64 = 44.0;

/// One bar row.
struct Row {
    name: String,
    requests: f64,
    p95: Option<f64>,
    /// The p95 limit an endpoint-scoped SLA rule sets on this endpoint in this stage.
    limit: Option<f64>,
}

/// The data of the endpoint chart.
pub struct Plan {
    stage: String,
    users: Option<u32>,
    rows: Vec<Row>,
    /// Endpoints in the stage (more than `rows` when cut to the busiest).
    total: usize,
    p95_limit: Option<(String, f64)>,
}

/// The stage the breakdown shows.
fn pick_stage(analysis: &Analysis) -> Option<&StageReport> {
    let verdict = analysis.sla.as_ref().and_then(|sla| {
        sla.verdict_stages
            .iter()
            .find_map(|v| analysis.stages.iter().find(|s| &s.name == v))
    });
    let load = |s: &StageReport| {
        s.users
            .map(f64::from)
            .or(s.arrival_rate_rps)
            .unwrap_or(s.figures.requests as f64)
    };
    // The last of equally loaded stages: later stages are the heavier ones in a ramp.
    verdict.or_else(|| {
        analysis
            .stages
            .iter()
            .filter(|s| !s.endpoints.is_empty())
            .max_by(|a, b| load(a).total_cmp(&load(b)))
    })
}

/// The tightest p95 ceiling (`<`, `<=`) an endpoint-scoped rule sets on endpoint `key`
/// in `stage`.
fn endpoint_limit(analysis: &Analysis, stage: &str, key: &str) -> Option<f64> {
    let sla = analysis.sla.as_ref()?;
    (sla.rules.iter())
        .filter(|r| r.scope != Scope::Global && r.scope != Scope::Stage)
        .filter(|r| matches!(r.op, Op::Lt | Op::Le))
        .filter(|r| r.metric.to_string() == "p(95)" && r.limit.is_finite())
        .filter(|r| r.stage.as_deref() == Some(stage) && r.endpoint.as_deref() == Some(key))
        .map(|r| r.limit)
        .reduce(f64::min)
}

/// The plan, when a stage has endpoints.
pub fn plan(analysis: &Analysis) -> Option<Plan> {
    let stage = pick_stage(analysis)?;
    let mut endpoints: Vec<_> = stage.endpoints.iter().filter(|e| !e.transaction).collect();
    if endpoints.is_empty() {
        return None;
    }
    endpoints.sort_by(|a, b| {
        b.figures
            .requests
            .cmp(&a.figures.requests)
            .then_with(|| a.key.cmp(&b.key))
    });
    let total = endpoints.len();
    let rows = endpoints
        .into_iter()
        .take(palette::MAX_ENDPOINTS)
        .map(|e| Row {
            name: frame::shorten_middle(&e.key, palette::MAX_LABEL_CHARS),
            requests: e.figures.requests as f64,
            p95: e.figures.latency_ms.p95,
            limit: endpoint_limit(analysis, &stage.name, &e.key),
        })
        .collect();
    let p95_limit = frame::global_limits(analysis, |m, _| m == "p(95)")
        .into_iter()
        .next()
        .map(|l| (l.rule, l.value));
    Some(Plan {
        stage: stage.name.clone(),
        users: stage.users,
        rows,
        total,
        p95_limit,
    })
}

impl Plan {
    /// The chart title.
    pub fn title(&self) -> String {
        let users = self
            .users
            .map(|u| format!(" ({} users)", frame::group_thousands(&u.to_string())))
            .unwrap_or_default();
        let cut = if self.total > self.rows.len() {
            format!(", busiest {} of {}", self.rows.len(), self.total)
        } else {
            String::new()
        };
        format!(
            "Endpoints in stage {}{users}{cut}",
            frame::shorten(&self.stage, palette::MAX_LABEL_CHARS / 2)
        )
    }

    /// Draws the chart on `area`.
    pub fn draw<'a, DB: DrawingBackend + 'a>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        marker: &SeriesMarker,
    ) -> Result<(), DrawError> {
        let n = self.rows.len();
        // Row i from the bottom; the busiest endpoint is on top.
        let name_at = |v: &f64| {
            let row = v.floor();
            if row < 0.0 {
                return String::new();
            }
            n.checked_sub(1 + row as usize)
                .and_then(|j| self.rows.get(j))
                .map(|r| r.name.clone())
                .unwrap_or_default()
        };
        let ticks: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
        // With an SLA line, an empty slot (LEGEND_SLOT px) under the last row holds its
        // legend, so the legend never covers a bar.
        let (_, h) = area.dim_in_pixel();
        let plot_h = f64::from(h.saturating_sub(palette::X_LABEL_AREA + 2 * palette::MARGIN));
        let floor = match self.p95_limit {
            Some(_) if plot_h > 2.0 * LEGEND_SLOT => {
                -(LEGEND_SLOT * n as f64) / (plot_h - LEGEND_SLOT)
            }
            _ => 0.0,
        };
        let y = frame::Axis::with_ticks(floor, n as f64, ticks);
        let style = frame::font(palette::TICK_SIZE);
        let mut widest = 0;
        for r in &self.rows {
            widest = widest.max(area.estimate_text_size(&r.name, &style)?.0);
        }
        let (w, _) = area.dim_in_pixel();
        let name_area = (widest + 40).min(w * 2 / 5);
        let split = name_area + (w - name_area) / 2;
        let (left, right) = area.split_horizontally(split);

        let counts = frame::Axis::zero_to(frame::max_of(self.rows.iter().map(|r| r.requests)));
        let count_label = |v: &f64| counts.label(*v);
        let mut chart = frame::chart(&left, counts.clone(), y.clone(), name_area)?;
        frame::mesh(
            &mut chart,
            &Axes {
                x_desc: "Requests (count)",
                y_desc: "",
                x_label: &count_label,
                y_label: &name_at,
            },
        )?;
        bars(
            &mut chart,
            marker,
            "requests",
            palette::THROUGHPUT,
            self.rows.iter().map(|r| Some(r.requests)),
        )?;

        let lat = frame::Axis::zero_to(frame::max_of(
            self.rows
                .iter()
                .filter_map(|r| r.p95)
                .chain(self.rows.iter().filter_map(|r| r.limit))
                .chain(self.p95_limit.iter().map(|l| l.1)),
        ));
        let lat_label = |v: &f64| lat.label(*v);
        let none = |_: &f64| String::new();
        let mut chart = frame::chart(&right, lat.clone(), y.clone(), palette::MARGIN)?;
        frame::mesh(
            &mut chart,
            &Axes {
                x_desc: "Latency p95 (ms)",
                y_desc: "",
                x_label: &lat_label,
                y_label: &none,
            },
        )?;
        bars(
            &mut chart,
            marker,
            "p95",
            palette::P95,
            self.rows.iter().map(|r| r.p95),
        )?;
        self.endpoint_limits(&mut chart, marker)?;
        if let Some((rule, limit)) = &self.p95_limit {
            // Named at its end, left of the line: no legend box for the line to cross.
            frame::dashed(
                &mut chart,
                marker,
                &frame::Legend::default(),
                "sla-0",
                &format!("stage SLA {rule}"),
                palette::INK,
                &[(*limit, floor), (*limit, n as f64)],
            )?;
            frame::end_label(
                &mut chart,
                &format!("stage SLA {rule}"),
                (*limit, floor),
                0,
                palette::INK,
            )?;
        }
        Ok(())
    }
}

impl Plan {
    /// Each endpoint's own p95 limit, a solid mark across its bar (series
    /// `sla-endpoint`), the top one named.
    fn endpoint_limits<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<'_, DB, Coords>,
        marker: &SeriesMarker,
    ) -> Result<(), DrawError> {
        let n = self.rows.len();
        let marks: Vec<(f64, f64)> = (self.rows.iter().enumerate())
            .filter_map(|(j, r)| Some(((n - 1 - j) as f64, r.limit?)))
            .collect();
        let Some(&(top, at)) = marks.first() else {
            return Ok(());
        };
        marker.begin("sla-endpoint");
        chart.draw_series(marks.iter().map(|&(row, limit)| {
            PathElement::new(
                vec![(limit, row + 0.05), (limit, row + 0.95)],
                frame::stroke(palette::INK),
            )
        }))?;
        marker.end();
        frame::end_label(chart, "endpoint SLA p95", (at, top + 0.95), 0, palette::INK)
    }
}

/// One horizontal bar per row (top row first), as series `id`.
fn bars<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Coords>,
    marker: &SeriesMarker,
    id: &str,
    color: RGBColor,
    values: impl ExactSizeIterator<Item = Option<f64>>,
) -> Result<(), DrawError> {
    let n = values.len();
    marker.begin(id);
    chart.draw_series(values.enumerate().filter_map(|(j, v)| {
        let row = (n - 1 - j) as f64;
        let v = v.filter(|v| v.is_finite())?;
        Some(Rectangle::new(
            [(0.0, row + 0.2), (v, row + 0.8)],
            color.filled(),
        ))
    }))?;
    marker.end();
    Ok(())
}
