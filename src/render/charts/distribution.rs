//! Latency by percentile, HdrHistogram-plotter style: the x axis is 1/(1−p) on a log
//! scale (so 90 %, 99 %, 99.9 % are equally spaced and the tail gets room), one line
//! per stage. A stage whose endpoints all carry a histogram is drawn from their merge
//! (histograms add exactly); otherwise from the stage's summary percentiles, and the
//! legend says which.

use base64::Engine;
use hdrhistogram::serialization::Deserializer;
use hdrhistogram::Histogram;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use super::frame::{self, Axes};
use super::{palette, ChartError, DrawError, SeriesMarker};
use crate::analysis::report::{ScopeReport, StageReport};
use crate::analysis::Analysis;

/// Quantile resolution of a histogram's line (HdrHistogram's "ticks per half
/// distance": points per halving of the distance to 100 %).
const TICKS_PER_HALF_DISTANCE: u32 = 5;
/// The farthest tail drawn: 1/(1−p) = 10^6, p99.9999.
const MAX_DECADES: f64 = 6.0;

/// Where a stage's line comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The merged histograms of its endpoints (every request).
    Histogram,
    /// Its summary percentiles (a tool's own figures).
    Summary,
}

/// One stage's line: (decades = log10(1/(1−p)), latency ms).
struct Line {
    stage: String,
    /// Position in the analysis' stages: picks the colour (as in the timeline).
    index: usize,
    basis: Basis,
    points: Vec<(f64, f64)>,
}

/// The data of the distribution chart.
pub struct Plan {
    title: String,
    lines: Vec<Line>,
    decades: f64,
}

/// The plan, when some stage has a distribution; an error when a histogram in the
/// analysis does not decode.
pub fn plan(analysis: &Analysis) -> Result<Option<Plan>, ChartError> {
    let mut lines = Vec::new();
    for (index, stage) in analysis.stages.iter().enumerate() {
        let histogram = merged_histogram(stage)?;
        lines.extend(line(&stage.name, index, histogram, &stage.figures));
    }
    Ok(finish("Latency by percentile, per stage".into(), lines))
}

/// The distribution of endpoint `key` in every stage that has it: from its own
/// histogram, else its summary percentiles.
pub fn endpoint_plan(analysis: &Analysis, key: &str) -> Result<Option<Plan>, ChartError> {
    let mut lines = Vec::new();
    for (index, stage, e) in super::endpoint_timeline::endpoint_in_stages(analysis, key) {
        let histogram = match &e.histogram {
            Some(blob) => Some(decode(stage, &e.key, blob)?),
            None => None,
        };
        lines.extend(line(stage, index, histogram, &e.figures));
    }
    let title = format!(
        "{}: latency by percentile, per stage",
        frame::shorten_middle(key, palette::MAX_LABEL_CHARS)
    );
    Ok(finish(title, lines))
}

/// A stage's line from its histogram, else from `figures`' percentiles; `None` when
/// it has fewer than two points.
fn line(
    stage: &str,
    index: usize,
    h: Option<Histogram<u64>>,
    figures: &ScopeReport,
) -> Option<Line> {
    let line = match h {
        Some(h) if !h.is_empty() => Line {
            stage: stage.to_string(),
            index,
            basis: Basis::Histogram,
            points: histogram_points(&h),
        },
        _ => Line {
            stage: stage.to_string(),
            index,
            basis: Basis::Summary,
            points: summary_points(figures),
        },
    };
    (line.points.len() >= 2).then_some(line)
}

fn finish(title: String, lines: Vec<Line>) -> Option<Plan> {
    if lines.is_empty() {
        return None;
    }
    let reach = frame::max_of(lines.iter().flat_map(|l| l.points.iter().map(|p| p.0)));
    let decades = reach.ceil().clamp(2.0, MAX_DECADES);
    Some(Plan {
        title,
        lines,
        decades,
    })
}

/// One endpoint's histogram from its base64 text.
fn decode(stage: &str, endpoint: &str, blob: &str) -> Result<Histogram<u64>, ChartError> {
    let bad = |reason: String| ChartError::Histogram {
        stage: stage.to_string(),
        endpoint: endpoint.to_string(),
        reason,
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .map_err(|err| bad(err.to_string()))?;
    Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .map_err(|err| bad(format!("{err:?}")))
}

/// The stage's endpoint histograms added up; `None` when some endpoint has none.
fn merged_histogram(stage: &StageReport) -> Result<Option<Histogram<u64>>, ChartError> {
    let endpoints: Vec<_> = stage.endpoints.iter().filter(|e| !e.transaction).collect();
    if endpoints.is_empty() || endpoints.iter().any(|e| e.histogram.is_none()) {
        return Ok(None);
    }
    let mut merged = Histogram::<u64>::new(3).map_err(|e| ChartError::Histogram {
        stage: stage.name.clone(),
        endpoint: String::new(),
        reason: e.to_string(),
    })?;
    for e in endpoints {
        let Some(blob) = &e.histogram else {
            continue;
        };
        let h = decode(&stage.name, &e.key, blob)?;
        merged.add(&h).map_err(|err| ChartError::Histogram {
            stage: stage.name.clone(),
            endpoint: e.key.clone(),
            reason: format!("{err:?}"),
        })?;
    }
    Ok(Some(merged))
}

/// Decades of 1/(1−q), capped where n samples stop resolving the tail (1 − 1/n).
fn decades(q: f64, n: u64) -> f64 {
    let cap = (n.max(1) as f64).log10().min(MAX_DECADES);
    if q >= 1.0 {
        cap
    } else {
        (-(1.0 - q).log10()).min(cap)
    }
}

/// The histogram's percentile line (µs → ms).
fn histogram_points(h: &Histogram<u64>) -> Vec<(f64, f64)> {
    let n = h.len();
    let mut points: Vec<(f64, f64)> = Vec::new();
    // Bounded: the iterator ends at the maximum, this is a guard against a bad one.
    for v in h.iter_quantiles(TICKS_PER_HALF_DISTANCE).take(20_000) {
        let x = decades(v.quantile_iterated_to(), n);
        let y = h.highest_equivalent(v.value_iterated_to()) as f64 / 1000.0;
        match points.last_mut() {
            // Past the cap every point lands on the same x: keep the largest value.
            Some(last) if (last.0 - x).abs() < 1e-12 => last.1 = last.1.max(y),
            _ => points.push((x, y)),
        }
    }
    points
}

/// The stage's summary percentiles as points.
fn summary_points(figures: &ScopeReport) -> Vec<(f64, f64)> {
    let l = &figures.latency_ms;
    let n = figures.requests;
    [
        (0.0, l.min),
        (0.5, l.p50),
        (0.9, l.p90),
        (0.95, l.p95),
        (0.99, l.p99),
        (0.999, l.p999),
    ]
    .into_iter()
    .filter_map(|(q, v)| Some((decades(q, n), v?)))
    .filter(|(_, v)| v.is_finite())
    .collect()
}

/// `2` → `99%`, `0.30103` → `50%`.
fn percentile_label(decades: f64) -> String {
    let p = 100.0 * (1.0 - 10f64.powf(-decades));
    let text = format!("{p:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

impl Plan {
    /// The chart title.
    pub fn title(&self) -> String {
        self.title.clone()
    }

    /// Draws the chart on `area`.
    pub fn draw<'a, DB: DrawingBackend + 'a>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        marker: &SeriesMarker,
    ) -> Result<(), DrawError> {
        let mut ticks = vec![0.0, 2f64.log10()];
        ticks.extend((1..=self.decades as usize).map(|d| d as f64));
        let x = frame::Axis::with_ticks(0.0, self.decades, ticks);
        let y = frame::Axis::zero_to(frame::max_of(
            self.lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)),
        ));
        let x_label = |v: &f64| percentile_label(*v);
        let y_label = |v: &f64| y.label(*v);
        let legend = frame::Legend::default();
        let mut chart = frame::chart_with_legend(area, x, y.clone())?;
        frame::mesh(
            &mut chart,
            &Axes {
                x_desc: "Percentile (log scale of 1/(1−p))",
                y_desc: "Latency (ms)",
                x_label: &x_label,
                y_label: &y_label,
            },
        )?;
        for line in &self.lines {
            let color = palette::cycle(line.index);
            let basis = match line.basis {
                Basis::Histogram => "histogram",
                Basis::Summary => "summary percentiles",
            };
            let label = format!(
                "{} ({basis})",
                frame::shorten(&line.stage, palette::MAX_LABEL_CHARS / 2)
            );
            let id = format!("stage:{}", line.stage);
            match line.basis {
                // A histogram line is dense: no markers.
                Basis::Histogram => {
                    marker.begin(&id);
                    let style = frame::stroke(color);
                    chart.draw_series(plotters::prelude::LineSeries::new(
                        line.points.iter().copied(),
                        style,
                    ))?;
                    legend.add(&label, color, None, false);
                    marker.end();
                }
                Basis::Summary => frame::measured(
                    &mut chart,
                    marker,
                    &legend,
                    &id,
                    &label,
                    color,
                    &line.points,
                )?,
            }
        }
        frame::legend_beside(area, &legend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_labels() {
        assert_eq!(percentile_label(0.0), "0%");
        assert_eq!(percentile_label(2f64.log10()), "50%");
        assert_eq!(percentile_label(1.0), "90%");
        assert_eq!(percentile_label(3.0), "99.9%");
    }

    #[test]
    fn tail_is_capped_where_the_samples_end() {
        assert_eq!(decades(1.0, 1000), 3.0);
        assert_eq!(decades(0.9999, 1000), 3.0);
        assert!((decades(0.99, 1000) - 2.0).abs() < 1e-9);
    }
}
