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
    /// A stage's percentiles were estimated from merged summaries: the title marks it
    /// (≈) and a note under the legend says so.
    approximate: bool,
    /// The stages without any of the percentiles, left off the chart: a note names
    /// them.
    unplotted: Vec<String>,
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
    let unplotted = (analysis.stages.iter())
        .filter(|s| {
            PERCENTILES
                .iter()
                .all(|p| (p.value)(&s.figures.latency_ms).is_none())
        })
        .map(|s| s.name.clone())
        .collect();
    Some(Plan {
        load,
        lines,
        limits,
        scale,
        spread,
        approximate,
        unplotted,
    })
}

/// The note naming the stages left off the chart (`None` without any): up to three by
/// name, more by count.
fn unplotted_note(stages: &[String]) -> Option<String> {
    let names = match stages.len() {
        0 => return None,
        1..=3 => (stages.iter())
            .map(|s| frame::shorten_middle(s, 24))
            .collect::<Vec<_>>()
            .join(", "),
        n => format!("{n} stages"),
    };
    Some(format!("not drawn, no percentiles: {names}"))
}

impl Plan {
    /// The chart title (the SVG `<title>`, the reports' alt text): what the heading
    /// marks, said in full, and the stages left off.
    pub fn title(&self) -> String {
        let notes: Vec<String> = (self.approximate)
            .then(|| "≈: estimated from merged summaries".to_string())
            .into_iter()
            .chain(unplotted_note(&self.unplotted))
            .collect();
        match notes.is_empty() {
            true => self.plain_title(),
            false => format!("{} ({})", self.plain_title(), notes.join("; ")),
        }
    }

    /// The heading drawn on the chart: short, so it is never cut; the legend's notes
    /// explain its ≈ and name the stages left off.
    pub fn heading(&self) -> String {
        let estimated = if self.approximate { " (≈)" } else { "" };
        format!("{}{estimated}", self.plain_title())
    }

    fn plain_title(&self) -> String {
        format!("Latency percentiles vs {}", self.load.desc().to_lowercase())
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
        if self.approximate {
            legend.note("≈: estimated from merged summaries");
        }
        if let Some(note) = unplotted_note(&self.unplotted) {
            legend.note(&format!("N{}", &note[1..]));
        }
        frame::legend_beside(area, &legend)
    }
}
