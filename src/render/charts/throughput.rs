//! Throughput and goodput per stage against load, with the global throughput SLA and,
//! when the capacity analysis has them, the fitted model curve (USL) and the
//! breaking points.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use super::frame::{self, Axes, LoadAxis};
use super::{palette, DrawError, SeriesMarker};
use crate::analysis::Analysis;

/// Capacity results to draw over the measured throughput: the hook for the capacity
/// analysis, which owns the numbers (this module only draws them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CapacityOverlay {
    /// Legend text of the model curve (`USL fit, R² 0.98`).
    pub model_label: String,
    /// The model's throughput (req/s) at a range of loads, in load order.
    pub model_curve: Vec<(f64, f64)>,
    /// Breaking points, each drawn as a vertical line at its load.
    pub breaking_points: Vec<BreakingPointMark>,
}

/// One breaking point on the load axis.
#[derive(Clone, Debug, PartialEq)]
pub struct BreakingPointMark {
    /// What breaks (`latency SLA`, `error limit`, `saturation`).
    pub label: String,
    /// The load (users, or req/s for an open model) at which it breaks.
    pub load: f64,
}

/// The data of the throughput chart.
pub struct Plan {
    load: LoadAxis,
    throughput: Vec<(f64, f64)>,
    goodput: Vec<(f64, f64)>,
    limits: Vec<frame::Limit>,
    overlay: Option<CapacityOverlay>,
}

/// The plan, when at least one stage has a throughput.
pub fn plan(analysis: &Analysis, overlay: Option<&CapacityOverlay>) -> Option<Plan> {
    let load = LoadAxis::of(&analysis.stages);
    // A stage that measured no request has no rate to plot (its 0 req/s is no
    // measurement: report.md says "No request was measured in this stage").
    let measured = |rate: Option<f64>, s: &crate::analysis::report::StageReport| {
        rate.filter(|_| s.figures.requests > 0)
    };
    let rates = |f: fn(&crate::analysis::report::StageReport) -> Option<f64>| {
        load.points(analysis.stages.iter().map(|s| measured(f(s), s)))
    };
    let throughput = rates(|s| s.figures.throughput_rps);
    if throughput.is_empty() {
        return None;
    }
    let goodput = rates(|s| s.figures.goodput_rps);
    let limits = frame::global_limits(analysis, |m, _| m == "throughput" || m == "goodput");
    // A model curve needs a numeric load axis.
    let overlay = overlay
        .filter(|_| !matches!(load.kind, frame::LoadKind::Order(_)))
        .cloned();
    Some(Plan {
        load,
        throughput,
        goodput,
        limits,
        overlay,
    })
}

impl Plan {
    /// The chart title.
    pub fn title(&self) -> String {
        format!("Throughput vs {}", self.load.desc().to_lowercase())
    }

    /// Draws the chart on `area`.
    pub fn draw<'a, DB: DrawingBackend + 'a>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        marker: &SeriesMarker,
    ) -> Result<(), DrawError> {
        let overlay = self.overlay.as_ref();
        let model = overlay.map(|o| o.model_curve.as_slice()).unwrap_or(&[]);
        let breaks = overlay.map(|o| o.breaking_points.as_slice()).unwrap_or(&[]);
        let extra_x: Vec<f64> = model
            .iter()
            .map(|p| p.0)
            .chain(breaks.iter().map(|b| b.load))
            .collect();
        let x = self.load.axis(&extra_x);
        let y = frame::Axis::zero_to(frame::max_of(
            self.throughput
                .iter()
                .chain(&self.goodput)
                .chain(model)
                .map(|p| p.1)
                .chain(self.limits.iter().map(|l| l.value)),
        ));
        let (x_lo, x_hi, y_hi) = (x.lo(), x.hi(), y.hi());
        let x_label = |v: &f64| self.load.label(&x, *v);
        let y_label = |v: &f64| y.label(*v);
        let legend = frame::Legend::default();
        let mut chart = frame::chart_with_legend(area, x.clone(), y.clone())?;
        frame::mesh(
            &mut chart,
            &Axes {
                x_desc: self.load.desc(),
                y_desc: "Requests per second (req/s)",
                x_label: &x_label,
                y_label: &y_label,
            },
        )?;
        frame::measured(
            &mut chart,
            marker,
            &legend,
            "throughput",
            "throughput (all requests)",
            palette::THROUGHPUT,
            &self.throughput,
        )?;
        if !self.goodput.is_empty() {
            frame::measured(
                &mut chart,
                marker,
                &legend,
                "goodput",
                "goodput (successful)",
                palette::GOODPUT,
                &self.goodput,
            )?;
        }
        for (i, l) in self.limits.iter().enumerate() {
            frame::dashed(
                &mut chart,
                marker,
                &legend,
                &format!("sla-{i}"),
                &format!("SLA {}", l.rule),
                palette::INK,
                &[(x_lo, l.value), (x_hi, l.value)],
            )?;
        }
        if let Some(o) = overlay.filter(|o| !o.model_curve.is_empty()) {
            frame::dashed(
                &mut chart,
                marker,
                &legend,
                "model",
                &frame::shorten(&o.model_label, palette::MAX_LABEL_CHARS),
                palette::MODEL,
                &o.model_curve,
            )?;
        }
        for (i, b) in breaks.iter().enumerate() {
            frame::dashed(
                &mut chart,
                marker,
                &legend,
                &format!("break-{i}"),
                &frame::shorten(
                    &format!("breaks: {} at {}", b.label, x.label(b.load)),
                    palette::MAX_LABEL_CHARS,
                ),
                palette::BREAKS[i % palette::BREAKS.len()],
                &[(b.load, 0.0), (b.load, y_hi)],
            )?;
        }
        frame::legend_beside(area, &legend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::charts::frame::LoadKind;

    #[test]
    fn overlay_adds_the_model_curve_and_one_line_per_breaking_point() {
        let plan = Plan {
            load: LoadAxis {
                kind: LoadKind::Users,
                xs: vec![100.0, 500.0, 1000.0],
            },
            throughput: vec![(100.0, 170.0), (500.0, 590.0), (1000.0, 600.0)],
            goodput: vec![(100.0, 170.0), (500.0, 585.0), (1000.0, 560.0)],
            limits: Vec::new(),
            overlay: Some(CapacityOverlay {
                model_label: "USL fit".into(),
                model_curve: (0..=12)
                    .map(|i| (i as f64 * 100.0, 600.0 * (1.0 - (-(i as f64) / 3.0).exp())))
                    .collect(),
                breaking_points: vec![
                    BreakingPointMark {
                        label: "latency SLA".into(),
                        load: 450.0,
                    },
                    BreakingPointMark {
                        label: "saturation".into(),
                        load: 520.0,
                    },
                ],
            }),
        };
        let svg = crate::render::charts::svg_of(&crate::render::charts::Plan::Throughput(plan));
        for id in ["throughput", "goodput", "model", "break-0", "break-1"] {
            assert!(svg.contains(&format!("data-series=\"{id}\"")), "{id}");
        }
        assert!(svg.contains("breaks: saturation at 520"));
        // The axis reaches the farthest model point (1,200 users): the curve ends
        // inside the plotting area, right of the last measured point (1,000 users).
        let doc = roxmltree::Document::parse(&svg).expect("SVG parses");
        let xs = |id: &str| -> Vec<f64> {
            doc.descendants()
                .filter(|n| n.attribute("data-series") == Some(id))
                .flat_map(|g| g.descendants())
                .flat_map(|n| {
                    let points = n.attribute("points").unwrap_or("");
                    let mut xs: Vec<f64> = points
                        .split(' ')
                        .filter_map(|p| p.split(',').next()?.parse().ok())
                        .collect();
                    xs.extend(n.attribute("cx").and_then(|v| v.parse::<f64>().ok()));
                    xs
                })
                .collect()
        };
        let model_end = xs("model").into_iter().fold(0.0, f64::max);
        let last_point = xs("throughput").into_iter().fold(0.0, f64::max);
        assert!(
            model_end > last_point && model_end <= 960.0 - 16.0,
            "{model_end}"
        );
    }
}
