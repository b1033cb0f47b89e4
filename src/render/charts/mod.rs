//! Charts of the finished [`Analysis`], as SVG (inline in report.html, and
//! `charts/*.svg`) and PNG (`charts/*.png`, linked from report.md).
//!
//! Every chart reads figures the analysis already computed — nothing here computes a
//! statistic; the one exception the design asks for is merging a stage's endpoint
//! histograms to draw its percentile distribution. One file per chart kind; each
//! turns the analysis into a small data struct (`plan`) and draws it on any plotters
//! backend (`draw`), so SVG and PNG come from the same drawing code. Colours, sizes
//! and the font are in [`palette`]. Output is deterministic: the same analysis gives
//! the same bytes (no timestamps, no hash-map order, an embedded font).
//!
//! Each data series is wrapped in `<g class="series" data-series="ID">` in the SVG
//! (see the `svg` module), which is what the tests count.

mod bitmap;
pub mod compare_deltas;
pub mod compare_percentiles;
pub mod compare_trend;
mod distribution;
mod endpoint_timeline;
mod endpoints;
mod errors;
mod frame;
mod latency;
mod load_axis;
pub mod palette;
mod svg;
mod throughput;
mod time_axis;
mod timeline;

use std::fmt;
use std::str::FromStr;

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, IntoDrawingArea};

use crate::analysis::Analysis;

pub use svg::{escape as escape_xml, SeriesMarker};
pub use throughput::{BreakingPointMark, CapacityOverlay};

/// The kinds of chart, in the order the reports show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChartKind {
    /// Throughput and goodput per stage against load, with SLA, model curve and
    /// breaking points when known.
    Throughput,
    /// Latency p50 / p95 / p99 per stage against load, with SLA limits.
    Latency,
    /// Error rate per stage against load, with the SLA limit.
    ErrorRate,
    /// Per-interval requests/s, p95, errors/s and users over the run, by stage.
    Timeline,
    /// Latency by percentile on a 1/(1−p) axis, one line per stage.
    LatencyDistribution,
    /// Requests and p95 per endpoint of one stage.
    Endpoints,
    /// One endpoint over the run: requests/s, p50/p95/p99 and failures/s.
    EndpointTimeline,
    /// One endpoint's latency by percentile, one line per stage.
    EndpointDistribution,
}

impl ChartKind {
    /// Every kind, in report order.
    pub const ALL: [ChartKind; 8] = [
        ChartKind::Throughput,
        ChartKind::Latency,
        ChartKind::ErrorRate,
        ChartKind::Timeline,
        ChartKind::LatencyDistribution,
        ChartKind::Endpoints,
        ChartKind::EndpointTimeline,
        ChartKind::EndpointDistribution,
    ];

    /// The kind's name (`latency-distribution`); the file name of a run-wide chart.
    pub fn file_stem(self) -> &'static str {
        match self {
            ChartKind::Throughput => "throughput",
            ChartKind::Latency => "latency",
            ChartKind::ErrorRate => "error-rate",
            ChartKind::Timeline => "timeline",
            ChartKind::LatencyDistribution => "latency-distribution",
            ChartKind::Endpoints => "endpoints",
            ChartKind::EndpointTimeline => "endpoint-timeline",
            ChartKind::EndpointDistribution => "endpoint-distribution",
        }
    }

    /// What to read from a chart of this kind: its one-line caption in the reports.
    pub fn caption(self) -> &'static str {
        match self {
            ChartKind::Throughput => "Throughput should rise with load; where it flattens or falls while load still grows, the system is saturated.",
            ChartKind::Latency => "Each percentile against its dashed SLA limit: where a line crosses its limit, that rule starts failing; a widening gap between p50 and p99 is a growing tail.",
            ChartKind::ErrorRate => "Points above a dashed limit fail that rule; errors that appear only at the highest loads mark the breaking point.",
            ChartKind::Timeline => "Within each stage's band the lines should stay flat; a climb or a spike inside a stage is drift or a burst, not load.",
            ChartKind::LatencyDistribution => "The right side is the tail: a line that bends up sharply at 99% or beyond means a few requests wait far longer than the rest.",
            ChartKind::Endpoints => "The busiest endpoints are on top; a long p95 bar on a busy endpoint is where tuning pays most.",
            ChartKind::EndpointTimeline => "This endpoint's rate, percentiles and failures by kind per interval; a percentile that climbs within one stage is this endpoint degrading under steady load.",
            ChartKind::EndpointDistribution => "This endpoint's latency by percentile in each stage; lines moving up from stage to stage show how load slows it.",
        }
    }
}

impl fmt::Display for ChartKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_stem())
    }
}

/// Which chart files to write (`--charts svg,png|svg|png|none`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartFormats {
    /// Write `charts/*.svg`.
    pub svg: bool,
    /// Write `charts/*.png`.
    pub png: bool,
}

impl ChartFormats {
    /// Both formats (the default).
    pub const ALL: ChartFormats = ChartFormats {
        svg: true,
        png: true,
    };
    /// No charts at all (report.html has none either).
    pub const NONE: ChartFormats = ChartFormats {
        svg: false,
        png: false,
    };

    /// True when any chart is wanted.
    pub fn any(self) -> bool {
        self.svg || self.png
    }
}

impl Default for ChartFormats {
    fn default() -> Self {
        ChartFormats::ALL
    }
}

impl FromStr for ChartFormats {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut formats = ChartFormats::NONE;
        let mut none = false;
        for part in s.split(',').map(str::trim) {
            match part.to_ascii_lowercase().as_str() {
                "svg" => formats.svg = true,
                "png" => formats.png = true,
                "none" => none = true,
                other => {
                    return Err(format!(
                        "unknown chart format `{other}`: use svg,png, svg, png or none"
                    ))
                }
            }
        }
        if none && formats.any() {
            return Err("`none` cannot be combined with svg or png".into());
        }
        Ok(formats)
    }
}

/// The latency axis of the latency charts (`--latency-axis`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LatencyScale {
    /// Logarithmic when p99 is over 10× p50 somewhere on the chart, else linear.
    #[default]
    Auto,
    /// Always logarithmic.
    Log,
    /// Always linear from 0.
    Linear,
}

impl FromStr for LatencyScale {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(LatencyScale::Auto),
            "log" => Ok(LatencyScale::Log),
            "linear" => Ok(LatencyScale::Linear),
            other => Err(format!(
                "unknown latency axis `{other}`: use auto, log or linear"
            )),
        }
    }
}

/// How to render the charts: which files, and the latency axis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChartOptions {
    /// Which chart files to write.
    pub formats: ChartFormats,
    /// The latency axis.
    pub latency_scale: LatencyScale,
}

impl From<ChartFormats> for ChartOptions {
    fn from(formats: ChartFormats) -> Self {
        ChartOptions {
            formats,
            latency_scale: LatencyScale::Auto,
        }
    }
}

/// `GET /api/v1/items/{id}` → `get-api-v1-items-id`: lower-case letters and digits,
/// every other run of characters one `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let out: String = out.chars().take(60).collect();
    if out.is_empty() {
        "endpoint".into()
    } else {
        out
    }
}

/// One rendered chart.
#[derive(Clone, Debug)]
pub struct Chart {
    /// What it shows.
    pub kind: ChartKind,
    /// File name without extension (`latency`, `endpoint-get-api-items-timeline`).
    pub stem: String,
    /// The endpoint of a per-endpoint chart.
    pub endpoint: Option<String>,
    /// Its title (also the SVG `<title>`).
    pub title: String,
    /// The SVG document; always rendered, because report.html inlines it.
    pub svg: String,
    /// The PNG file, when PNG was asked for.
    pub png: Option<Vec<u8>>,
}

/// A chart that could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font did not load.
    #[error("charts: {0}")]
    Font(String),
    /// plotters reported a drawing failure.
    #[error("chart {chart}: {message}")]
    Draw {
        /// The chart.
        chart: ChartKind,
        /// plotters' message.
        message: String,
    },
    /// An endpoint's histogram in the analysis could not be decoded.
    #[error(
        "chart latency-distribution: stage {stage}, endpoint {endpoint}: bad histogram: {reason}"
    )]
    Histogram {
        /// Stage name.
        stage: String,
        /// Endpoint key.
        endpoint: String,
        /// What is wrong.
        reason: String,
    },
    /// PNG encoding failed.
    #[error("chart {chart}: PNG encoding: {message}")]
    Png {
        /// The chart.
        chart: ChartKind,
        /// The encoder's message.
        message: String,
    },
}

/// A drawing failure inside one chart's `draw`; [`render_charts`] adds the chart.
#[derive(Debug)]
pub struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>>
    for DrawError
{
    fn from(e: plotters::drawing::DrawingAreaErrorKind<E>) -> Self {
        DrawError(e.to_string())
    }
}

impl Chart {
    /// Path of the SVG file inside the report dir.
    pub fn svg_path(&self) -> String {
        format!("charts/{}.svg", self.stem)
    }

    /// Path of the PNG file inside the report dir.
    pub fn png_path(&self) -> String {
        format!("charts/{}.png", self.stem)
    }
}

/// What one chart kind needs to be drawn, taken from the analysis.
enum Plan {
    Throughput(throughput::Plan),
    Latency(latency::Plan),
    ErrorRate(errors::Plan),
    Timeline(timeline::Plan),
    LatencyDistribution(distribution::Plan),
    Endpoints(endpoints::Plan),
    /// (endpoint key, file slug, plan).
    EndpointTimeline(String, String, endpoint_timeline::Plan),
    EndpointDistribution(String, String, distribution::Plan),
}

impl Plan {
    fn kind(&self) -> ChartKind {
        match self {
            Plan::Throughput(_) => ChartKind::Throughput,
            Plan::Latency(_) => ChartKind::Latency,
            Plan::ErrorRate(_) => ChartKind::ErrorRate,
            Plan::Timeline(_) => ChartKind::Timeline,
            Plan::LatencyDistribution(_) => ChartKind::LatencyDistribution,
            Plan::Endpoints(_) => ChartKind::Endpoints,
            Plan::EndpointTimeline(..) => ChartKind::EndpointTimeline,
            Plan::EndpointDistribution(..) => ChartKind::EndpointDistribution,
        }
    }

    /// The file name without extension.
    fn stem(&self) -> String {
        match self {
            Plan::EndpointTimeline(_, slug, _) => format!("endpoint-{slug}-timeline"),
            Plan::EndpointDistribution(_, slug, _) => format!("endpoint-{slug}-distribution"),
            other => other.kind().file_stem().to_string(),
        }
    }

    fn endpoint(&self) -> Option<String> {
        match self {
            Plan::EndpointTimeline(key, ..) | Plan::EndpointDistribution(key, ..) => {
                Some(key.clone())
            }
            _ => None,
        }
    }

    fn title(&self) -> String {
        match self {
            Plan::Throughput(p) => p.title(),
            Plan::Latency(p) => p.title(),
            Plan::ErrorRate(p) => p.title(),
            Plan::Timeline(p) => p.title(),
            Plan::LatencyDistribution(p) => p.title(),
            Plan::Endpoints(p) => p.title(),
            Plan::EndpointTimeline(_, _, p) => p.title(),
            Plan::EndpointDistribution(_, _, p) => p.title(),
        }
    }

    fn size(&self) -> (u32, u32) {
        match self {
            Plan::Timeline(p) => p.size(),
            Plan::EndpointTimeline(_, _, p) => p.size(),
            _ => (palette::WIDTH, palette::HEIGHT),
        }
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        marker: &SeriesMarker,
    ) -> Result<(), DrawError> {
        root.fill(&palette::PAPER)?;
        let title = match self {
            Plan::Latency(p) => p.heading(),
            _ => self.title(),
        };
        let area = frame::titled(root, &title)?;
        match self {
            Plan::Throughput(p) => p.draw(&area, marker),
            Plan::Latency(p) => p.draw(&area, marker),
            Plan::ErrorRate(p) => p.draw(&area, marker),
            Plan::Timeline(p) => p.draw(&area, marker),
            Plan::LatencyDistribution(p) => p.draw(&area, marker),
            Plan::Endpoints(p) => p.draw(&area, marker),
            Plan::EndpointTimeline(_, _, p) => p.draw(&area, marker),
            Plan::EndpointDistribution(_, _, p) => p.draw(&area, marker),
        }?;
        marker.end();
        root.present()?;
        Ok(())
    }
}

/// The capacity analysis's USL curve and breaking points, drawn on the throughput
/// chart; `None` when there is neither. Only closed-model loads (users) share the
/// chart's axis with the fit.
pub fn capacity_overlay(analysis: &Analysis) -> Option<CapacityOverlay> {
    use crate::analysis::capacity::usl::predict;
    use crate::analysis::capacity::Criterion;
    let cap = &analysis.capacity;
    if analysis.stages.iter().any(|s| s.users.is_none()) {
        return None;
    }
    let mut overlay = CapacityOverlay::default();
    if let Some(fit) = &cap.usl {
        // The curve spans the measured range, and the peak when it lies within 2× of it.
        let mut top = fit.largest_measured_users;
        if let Some(peak) = fit
            .peak_users
            .filter(|p| *p <= 2.0 * fit.largest_measured_users)
        {
            top = top.max(peak * 1.2);
        }
        const STEPS: usize = 80;
        overlay.model_curve = (1..=STEPS)
            .map(|i| top * i as f64 / STEPS as f64)
            .map(|n| (n, predict(fit.lambda, fit.sigma, fit.kappa, n)))
            .collect();
        overlay.model_label = format!("USL fit (R² {:.2})", fit.r2);
    }
    overlay.breaking_points = cap
        .breaking_points
        .iter()
        .filter(|b| b.reached)
        .filter_map(|b| {
            let label = match b.criterion {
                Criterion::Latency => "latency limit",
                Criterion::ErrorRate => "error limit",
                Criterion::Saturation => "saturation",
                Criterion::Retrograde => "retrograde",
            };
            b.users.map(|load| BreakingPointMark {
                label: label.into(),
                load,
            })
        })
        .collect();
    (!overlay.model_curve.is_empty() || !overlay.breaking_points.is_empty()).then_some(overlay)
}

/// The charts the analysis has data for. `overlay` (default: the analysis's own
/// capacity results) adds a capacity model and breaking points to the throughput chart.
fn plans(
    analysis: &Analysis,
    overlay: Option<&CapacityOverlay>,
    scale: LatencyScale,
) -> Result<Vec<Plan>, ChartError> {
    let mut plans = Vec::new();
    let own = capacity_overlay(analysis);
    if let Some(p) = throughput::plan(analysis, overlay.or(own.as_ref())) {
        plans.push(Plan::Throughput(p));
    }
    if let Some(p) = latency::plan(analysis, scale) {
        plans.push(Plan::Latency(p));
    }
    if let Some(p) = errors::plan(analysis) {
        plans.push(Plan::ErrorRate(p));
    }
    if let Some(p) = timeline::plan(analysis) {
        plans.push(Plan::Timeline(p));
    }
    if let Some(p) = distribution::plan(analysis)? {
        plans.push(Plan::LatencyDistribution(p));
    }
    if let Some(p) = endpoints::plan(analysis) {
        plans.push(Plan::Endpoints(p));
    }
    // Per endpoint: its timeline and its distribution, under a slug unique in the run.
    let mut slugs: Vec<String> = Vec::new();
    for key in endpoint_timeline::endpoint_keys(analysis) {
        let base = slug(&key);
        let mut unique = base.clone();
        let mut n = 2;
        while slugs.contains(&unique) {
            unique = format!("{base}-{n}");
            n += 1;
        }
        slugs.push(unique.clone());
        if let Some(p) = endpoint_timeline::plan(analysis, &key, scale) {
            plans.push(Plan::EndpointTimeline(key.clone(), unique.clone(), p));
        }
        if let Some(p) = distribution::endpoint_plan(analysis, &key)? {
            plans.push(Plan::EndpointDistribution(key.clone(), unique, p));
        }
    }
    Ok(plans)
}

/// Renders every chart the analysis has data for: the SVG always (report.html inlines
/// it), the PNG when `options.formats.png`. Nothing when the formats are none.
pub fn render_charts(
    analysis: &Analysis,
    options: impl Into<ChartOptions>,
) -> Result<Vec<Chart>, ChartError> {
    render_charts_with(analysis, options, None)
}

/// [`render_charts`] with a capacity overlay (USL curve, breaking points) for the
/// throughput chart.
pub fn render_charts_with(
    analysis: &Analysis,
    options: impl Into<ChartOptions>,
    overlay: Option<&CapacityOverlay>,
) -> Result<Vec<Chart>, ChartError> {
    let options = options.into();
    if !options.formats.any() {
        return Ok(Vec::new());
    }
    palette::ensure_font().map_err(ChartError::Font)?;
    plans(analysis, overlay, options.latency_scale)?
        .iter()
        .map(|plan| render(plan, options.formats.png))
        .collect()
}

fn render(plan: &Plan, png: bool) -> Result<Chart, ChartError> {
    let kind = plan.kind();
    let title = plan.title();
    let size = plan.size();
    let failed = |DrawError(message)| ChartError::Draw {
        chart: kind,
        message,
    };
    let backend = svg::SvgBackend::new(size, &title);
    let marker = backend.marker();
    let output = backend.output();
    {
        let root = backend.into_drawing_area();
        plan.draw(&root, &marker).map_err(failed)?;
    }
    let svg = output.finish();
    let png = if png {
        let mut pixels = vec![0u8; size.0 as usize * size.1 as usize * 3];
        {
            let root = bitmap::KernedBitmap::with_buffer(&mut pixels, size).into_drawing_area();
            plan.draw(&root, &SeriesMarker::none()).map_err(failed)?;
        }
        Some(
            encode_png(&pixels, size).map_err(|message| ChartError::Png {
                chart: kind,
                message,
            })?,
        )
    } else {
        None
    };
    Ok(Chart {
        kind,
        stem: plan.stem(),
        endpoint: plan.endpoint(),
        title,
        svg,
        png,
    })
}

/// An RGB buffer as PNG bytes (fixed settings, so the bytes are reproducible).
fn encode_png(pixels: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// A plan's SVG, for unit tests of one chart kind.
#[cfg(test)]
fn svg_of(plan: &Plan) -> String {
    palette::ensure_font().expect("font");
    render(plan, false).expect("chart renders").svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_chart_formats() {
        assert_eq!("svg,png".parse(), Ok(ChartFormats::ALL));
        assert_eq!(
            "png".parse(),
            Ok(ChartFormats {
                svg: false,
                png: true
            })
        );
        assert_eq!("none".parse(), Ok(ChartFormats::NONE));
        assert!("svg,none".parse::<ChartFormats>().is_err());
        assert!("jpeg".parse::<ChartFormats>().is_err());
    }
}
