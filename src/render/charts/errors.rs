//! Error rate per stage against load, with the global error-rate limit (and the error
//! budget an availability rule allows) as dashed lines.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use super::frame::{self, Axes, LoadAxis};
use super::{palette, DrawError, SeriesMarker};
use crate::analysis::Analysis;

/// The data of the error-rate chart (rates in percent).
pub struct Plan {
    load: LoadAxis,
    rates: Vec<(f64, f64)>,
    /// (legend label, limit in percent).
    limits: Vec<(String, f64)>,
}

/// The plan, when some stage has an error rate.
pub fn plan(analysis: &Analysis) -> Option<Plan> {
    let load = LoadAxis::of(&analysis.stages);
    let rates = load.points(
        analysis
            .stages
            .iter()
            .map(|s| s.figures.error_rate.map(|r| r * 100.0)),
    );
    if rates.is_empty() {
        return None;
    }
    let limits = frame::global_limits(analysis, |m, _| m == "error_rate" || m == "availability")
        .into_iter()
        .map(|l| {
            if l.metric == "availability" {
                // availability > 99.9 % leaves an error budget of 0.1 %.
                (format!("SLA {} (errors)", l.rule), (1.0 - l.value) * 100.0)
            } else {
                (format!("SLA {}", l.rule), l.value * 100.0)
            }
        })
        .collect();
    Some(Plan {
        load,
        rates,
        limits,
    })
}

impl Plan {
    /// The chart title.
    pub fn title(&self) -> String {
        format!("Error rate vs {}", self.load.desc().to_lowercase())
    }

    /// Draws the chart on `area`.
    pub fn draw<'a, DB: DrawingBackend + 'a>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        marker: &SeriesMarker,
    ) -> Result<(), DrawError> {
        let x = self.load.axis(&[]);
        let top = frame::max_of(
            self.rates
                .iter()
                .map(|p| p.1)
                .chain(self.limits.iter().map(|l| l.1)),
        );
        // An error-free run still gets a readable axis (0–0.1 %); a rate never exceeds
        // 100 %, and neither does its axis.
        let y = frame::Axis::zero_to_at_most(if top > 0.0 { top } else { 0.1 }, 100.0);
        let x_label = |v: &f64| self.load.label(&x, *v);
        let y_label = |v: &f64| format!("{}%", y.label(*v));
        let legend = frame::Legend::default();
        let mut chart = frame::chart_with_legend(area, x.clone(), y.clone())?;
        frame::mesh(
            &mut chart,
            &Axes {
                x_desc: self.load.desc(),
                y_desc: "Error rate (% of requests)",
                x_label: &x_label,
                y_label: &y_label,
            },
        )?;
        frame::measured(
            &mut chart,
            marker,
            &legend,
            "error-rate",
            "error rate",
            palette::ERRORS,
            &self.rates,
        )?;
        // Two rules may set the same budget (error_rate < 1 % and availability > 99 %):
        // one line each, in its own colour and dash pattern, each named at its right
        // end, names of coinciding lines stacked so they do not overprint.
        let values: Vec<f64> = self.limits.iter().map(|l| l.1).collect();
        let stacks = frame::label_stacks(&values, &y);
        for (i, (label, value)) in self.limits.iter().enumerate() {
            let color = if i == 0 {
                palette::INK
            } else {
                palette::cycle(i + 3)
            };
            frame::dashed_with(
                &mut chart,
                marker,
                &legend,
                &format!("sla-{i}"),
                label,
                color,
                palette::LIMIT_DASHES[i % palette::LIMIT_DASHES.len()],
                &[(x.lo(), *value), (x.hi(), *value)],
            )?;
            let name = label.strip_prefix("SLA ").unwrap_or(label);
            frame::end_label(&mut chart, name, (x.hi(), *value), stacks[i], color)?;
        }
        frame::legend_beside(area, &legend)
    }
}
