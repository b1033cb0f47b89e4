//! What every chart shares: the axis type with its own "nice" ticks, the title, the
//! mesh and legend style, SLA limits as lines, and label formatting (the load axis
//! of the per-stage charts is in `load_axis`, re-exported here). Chart files only choose data and series.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::{
    Cartesian2d, ChartBuilder, ChartContext, Circle, DashedLineSeries, DrawingArea, DrawingBackend,
    EmptyElement, IntoFont, LineSeries, PathElement, RGBColor, ShapeStyle, TextStyle,
};
use plotters::style::Color;

pub use super::load_axis::{LoadAxis, LoadKind};
use super::palette::{self, INK};
use super::{DrawError, SeriesMarker};
pub use crate::analysis::quantity::group_thousands;
use crate::analysis::sla::Scope;
use crate::analysis::Analysis;

/// The coordinates of every chart: two [`Axis`].
pub type Coords = Cartesian2d<Axis, Axis>;

/// A linear axis with tick marks chosen here (round numbers, or stage positions), so
/// tick labels never depend on plotters' heuristics and can be formatted per chart.
#[derive(Clone, Debug)]
pub struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    step: f64,
    /// Values are placed by their logarithm (a latency axis spanning decades).
    log: bool,
}

impl Axis {
    /// `0..max` rounded up to a round number with some headroom, ticks at round steps.
    pub fn zero_to(max: f64) -> Axis {
        let max = if max.is_finite() && max > 0.0 {
            max * 1.08
        } else {
            1.0
        };
        let step = nice_step(max / 5.0);
        let hi = (max / step).ceil() * step;
        Axis::with_step(0.0, hi, step)
    }

    /// [`Axis::zero_to`], never past `cap` (a share cannot exceed 100 %): when the
    /// rounded top would, the axis ends at `cap` with the same round steps.
    pub fn zero_to_at_most(max: f64, cap: f64) -> Axis {
        let axis = Axis::zero_to(max.min(cap));
        if axis.hi > cap {
            Axis::with_step(0.0, cap, axis.step)
        } else {
            axis
        }
    }

    /// `lo..hi` exactly, ticks at round steps inside it.
    pub fn span(lo: f64, hi: f64) -> Axis {
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
        let step = nice_step((hi - lo) / 6.0);
        Axis::with_step(lo, hi, step)
    }

    /// `lo..hi` with ticks exactly at `ticks`.
    pub fn with_ticks(lo: f64, hi: f64, ticks: Vec<f64>) -> Axis {
        Axis {
            lo,
            hi,
            ticks,
            step: 1.0,
            log: false,
        }
    }

    /// A logarithmic axis over `min..max` (both > 0), from the power of ten below
    /// `min`, with ticks at 1, 2 and 5 × 10^k (at 10^k only past 2.5 decades).
    pub fn log_over(min: f64, max: f64) -> Axis {
        let max = if max.is_finite() && max > 0.0 {
            max
        } else {
            1.0
        };
        let min = if min.is_finite() && min > 0.0 && min < max {
            min
        } else {
            max / 10.0
        };
        let lo = 10f64.powf(min.log10().floor());
        let hi = max * 1.15;
        // 1-2-5 ticks over a few decades; only the powers of ten over more.
        let steps: &[f64] = if (hi / lo).log10() <= 2.5 {
            &[1.0, 2.0, 5.0]
        } else {
            &[1.0]
        };
        let mut ticks = Vec::new();
        let mut decade = lo;
        while decade <= hi {
            for &m in steps {
                let t = decade * m;
                if (lo..=hi).contains(&t) {
                    ticks.push(t);
                }
            }
            decade *= 10.0;
        }
        Axis {
            lo,
            hi,
            ticks,
            step: lo,
            log: true,
        }
    }

    /// True for a logarithmic axis.
    pub fn is_log(&self) -> bool {
        self.log
    }

    fn with_step(lo: f64, hi: f64, step: f64) -> Axis {
        let first = (lo / step).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        let ticks = (first..=last).map(|i| i as f64 * step).collect();
        Axis {
            lo,
            hi,
            ticks,
            step,
            log: false,
        }
    }

    /// A tick label: thousands separators, and as many decimals as the step needs
    /// (`2.5` steps: one; `0.25` steps: two).
    pub fn label(&self, v: f64) -> String {
        if self.log {
            // 0.05, 0.2, 1, 20, 500, 2,000: as many decimals as the value needs.
            let decimals = if v >= 1.0 {
                0
            } else {
                (-v.log10()).ceil().max(0.0) as usize
            };
            return group_thousands(&format!("{v:.decimals$}"));
        }
        let decimals = (0..6)
            .find(|d| {
                let scaled = self.step * 10f64.powi(*d);
                (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
            })
            .unwrap_or(6) as usize;
        group_thousands(&format!("{v:.decimals$}"))
    }

    /// The lower end.
    pub fn lo(&self) -> f64 {
        self.lo
    }

    /// The upper end.
    pub fn hi(&self) -> f64 {
        self.hi
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        if self.log {
            let at = |v: f64| v.max(self.lo * 1e-3).log10();
            return RangedCoordf64::from(at(self.lo)..at(self.hi)).map(&at(*value), limit);
        }
        RangedCoordf64::from(self.lo..self.hi).map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Light (minor) grid lines are not drawn: only the chosen ticks.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// The round number (1, 2, 2.5 or 5 × 10^k) nearest above `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .find(|n| fraction <= *n + 1e-9)
        .unwrap_or(10.0);
    nice * magnitude
}

/// `text` cut to `max` characters with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `text` cut to `max` characters in the middle, keeping its start and its (usually
/// distinguishing) end: `GET /api/v1/…/agents/{id}/run`.
pub fn shorten_middle(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max || max < 5 {
        return shorten(text, max);
    }
    let head = (max - 1) / 3;
    let tail = max - 1 - head;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// A text style of the embedded font.
pub fn font(size: f64) -> TextStyle<'static> {
    (palette::FONT, size).into_font().color(&INK)
}

/// Draws the title and returns the area under it.
pub fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, DrawError> {
    let (top, rest) = root.split_vertically(palette::TITLE_AREA);
    let (w, _) = top.dim_in_pixel();
    top.draw_text(
        &shorten(title, 70),
        &font(palette::TITLE_SIZE).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        )),
        (w as i32 / 2, palette::TITLE_AREA as i32 / 2 + 2),
    )?;
    Ok(rest)
}

/// Axis descriptions and tick label formats of one chart.
pub struct Axes<'a> {
    /// x description, with its unit.
    pub x_desc: &'a str,
    /// y description, with its unit.
    pub y_desc: &'a str,
    /// x tick label.
    pub x_label: &'a dyn Fn(&f64) -> String,
    /// y tick label.
    pub y_label: &'a dyn Fn(&f64) -> String,
}

/// A chart on `area` with the standard margins and label areas.
pub fn chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: Axis,
    y: Axis,
    y_label_area: u32,
) -> Result<ChartContext<'a, DB, Coords>, DrawError> {
    Ok(ChartBuilder::on(area)
        .margin(palette::MARGIN)
        .margin_right(palette::MARGIN * 2)
        .x_label_area_size(palette::X_LABEL_AREA)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(x, y)?)
}

/// Grid, axes, tick labels and axis descriptions in the house style.
pub fn mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Coords>,
    axes: &Axes<'_>,
) -> Result<(), DrawError> {
    chart
        .configure_mesh()
        .bold_line_style(palette::GRID)
        .axis_style(INK)
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .x_label_formatter(axes.x_label)
        .y_label_formatter(axes.y_label)
        .label_style(font(palette::TICK_SIZE))
        .axis_desc_style(font(palette::AXIS_SIZE))
        .draw()?;
    Ok(())
}

/// A chart like [`chart`] with a column on its right for [`legend_beside`].
pub fn chart_with_legend<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: Axis,
    y: Axis,
) -> Result<ChartContext<'a, DB, Coords>, DrawError> {
    Ok(ChartBuilder::on(area)
        .margin(palette::MARGIN)
        .margin_right(palette::LEGEND_WIDTH)
        .x_label_area_size(palette::X_LABEL_AREA)
        .y_label_area_size(palette::Y_LABEL_AREA)
        .build_cartesian_2d(x, y)?)
}

/// A latency axis from 0 (linear) or a logarithmic one over `values`. Logarithmic
/// when `scale` says so, or on `auto` when `spread` (p99 ÷ p50) exceeds 10: a linear
/// axis would flatten p50.
pub fn latency_axis(
    values: impl IntoIterator<Item = f64>,
    scale: super::LatencyScale,
    spread: Option<f64>,
) -> Axis {
    let values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
    let max = max_of(values.iter().copied());
    let log = match scale {
        super::LatencyScale::Log => true,
        super::LatencyScale::Linear => false,
        super::LatencyScale::Auto => spread.is_some_and(|s| s > 10.0),
    };
    let min = values
        .iter()
        .copied()
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    if log && max > 0.0 && min.is_finite() {
        Axis::log_over(min, max)
    } else {
        Axis::zero_to(max)
    }
}

/// The largest p99 ÷ p50 among `pairs` of (p50, p99).
pub fn spread(pairs: impl IntoIterator<Item = (Option<f64>, Option<f64>)>) -> Option<f64> {
    pairs
        .into_iter()
        .filter_map(|(p50, p99)| Some((p50?, p99?)))
        .filter(|(p50, _)| *p50 > 0.0)
        .map(|(p50, p99)| p99 / p50)
        .filter(|r| r.is_finite())
        .reduce(f64::max)
}

/// A line style of `color`.
pub fn stroke(color: RGBColor) -> ShapeStyle {
    color.stroke_width(palette::LINE_WIDTH)
}

/// One legend entry of a chart drawn with [`legend_beside`].
#[derive(Clone, Debug)]
pub struct Entry {
    /// The text.
    pub label: String,
    /// The line colour.
    pub color: RGBColor,
    /// The dash pattern, for a dashed line.
    pub dash: Option<(u32, u32)>,
    /// A marker on the sample (measured points).
    pub point: bool,
    /// A line of a note under the entries: text alone, no sample.
    pub note: bool,
}

/// The legend entries a chart collects while it draws its series.
#[derive(Debug, Default)]
pub struct Legend(std::cell::RefCell<Vec<Entry>>);

impl Legend {
    /// Adds an entry.
    pub fn add(&self, label: &str, color: RGBColor, dash: Option<(u32, u32)>, point: bool) {
        self.0.borrow_mut().push(Entry {
            label: shorten(label, palette::MAX_LEGEND_CHARS),
            color,
            dash,
            point,
            note: false,
        });
    }

    /// Adds a note (what the chart leaves out, what its marks mean) as text lines
    /// under the entries, wrapped at word breaks to the legend's width.
    pub fn note(&self, text: &str) {
        let width = palette::MAX_LEGEND_CHARS + 4;
        let mut lines: Vec<String> = Vec::new();
        for word in text.split_whitespace() {
            let word = shorten(word, width);
            match lines.last_mut() {
                Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                    l.push(' ');
                    l.push_str(&word);
                }
                _ => lines.push(word),
            }
        }
        let mut entries = self.0.borrow_mut();
        for label in lines {
            entries.push(Entry {
                label,
                color: INK,
                dash: None,
                point: false,
                note: true,
            });
        }
    }
}

/// Draws `legend` in the column right of the plotting area of a chart made by
/// [`chart_with_legend`] on `area`: outside the data and the lines.
pub fn legend_beside<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    legend: &Legend,
) -> Result<(), DrawError> {
    use plotters::prelude::{Rectangle, Text};
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let entries = legend.0.borrow();
    if entries.is_empty() {
        return Ok(());
    }
    let (w, _) = area.dim_in_pixel();
    let row = palette::LEGEND_SIZE as i32 + 8;
    let left = w as i32 - palette::LEGEND_WIDTH as i32 + 6;
    let top = palette::MARGIN as i32;
    let right = w as i32 - palette::MARGIN as i32 / 2;
    let bottom = top + row * entries.len() as i32 + 10;
    area.draw(&Rectangle::new(
        [(left, top), (right, bottom)],
        palette::GRID.stroke_width(1),
    ))?;
    for (i, e) in entries.iter().enumerate() {
        let y = top + 5 + row * i as i32 + row / 2;
        let x = left + 6;
        let style = stroke(e.color);
        if e.note {
            let text = font(palette::LEGEND_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(e.label.clone(), (x, y), text))?;
            continue;
        }
        match e.dash {
            Some((dash, gap)) => {
                let (d, g) = (dash.clamp(1, 8) as i32, gap.clamp(2, 6) as i32);
                let mut at = 0;
                while at < 22 {
                    let end = (at + d).min(22);
                    area.draw(&PathElement::new(vec![(x + at, y), (x + end, y)], style))?;
                    at = end + g;
                }
            }
            None => area.draw(&PathElement::new(vec![(x, y), (x + 22, y)], style))?,
        }
        if e.point {
            area.draw(&Circle::new(
                (x + 11, y),
                palette::POINT_RADIUS,
                e.color.filled(),
            ))?;
        }
        let text = font(palette::LEGEND_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(e.label.clone(), (x + 28, y), text))?;
    }
    Ok(())
}

/// Draws a measured series — a line through `points` with a marker on each — as
/// series `id`, with legend entry `label`.
pub fn measured<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Coords>,
    marker: &SeriesMarker,
    legend: &Legend,
    id: &str,
    label: &str,
    color: RGBColor,
    points: &[(f64, f64)],
) -> Result<(), DrawError> {
    legend.add(label, color, None, true);
    marker.begin(id);
    let style = stroke(color);
    chart.draw_series(LineSeries::new(points.iter().copied(), style))?;
    chart.draw_series(
        points
            .iter()
            .map(|p| Circle::new(*p, palette::POINT_RADIUS, color.filled())),
    )?;
    marker.end();
    Ok(())
}

/// Draws a dashed line (a limit or a model) through `points` as series `id`.
pub fn dashed<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Coords>,
    marker: &SeriesMarker,
    legend: &Legend,
    id: &str,
    label: &str,
    color: RGBColor,
    points: &[(f64, f64)],
) -> Result<(), DrawError> {
    dashed_with(
        chart,
        marker,
        legend,
        id,
        label,
        color,
        palette::DASH,
        points,
    )
}

/// [`dashed`] with its own dash pattern (length, gap), so lines that may coincide
/// stay told apart.
#[allow(clippy::too_many_arguments)] // reason: a series' id, label, colour and dash are all its own
pub fn dashed_with<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Coords>,
    marker: &SeriesMarker,
    legend: &Legend,
    id: &str,
    label: &str,
    color: RGBColor,
    (dash, gap): (u32, u32),
    points: &[(f64, f64)],
) -> Result<(), DrawError> {
    legend.add(label, color, Some((dash, gap)), false);
    marker.begin(id);
    let style = stroke(color);
    chart.draw_series(DashedLineSeries::new(
        points.iter().copied(),
        dash,
        gap,
        style,
    ))?;
    marker.end();
    Ok(())
}

/// A limit line's name written at its right end, just above the line, so the line
/// says what it is without a trip to the legend; `stack` lifts it by whole rows, for
/// lines that (nearly) coincide with earlier ones.
pub fn end_label<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Coords>,
    text: &str,
    (x, y): (f64, f64),
    stack: usize,
    color: RGBColor,
) -> Result<(), DrawError> {
    use plotters::prelude::Text;
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let style = font(palette::TICK_SIZE)
        .color(&color)
        .pos(Pos::new(HPos::Right, VPos::Bottom));
    let dy = -4 - (palette::TICK_SIZE as i32 + 4) * stack as i32;
    chart.draw_series(std::iter::once(
        EmptyElement::at((x, y))
            + Text::new(shorten(text, palette::MAX_LABEL_CHARS), (-6, dy), style),
    ))?;
    Ok(())
}

/// For each of `values` (horizontal lines on `axis`), how many earlier ones lie
/// within a label's height of it: the `stack` of its [`end_label`].
pub fn label_stacks(values: &[f64], axis: &Axis) -> Vec<usize> {
    // A label row is about 5 % of a standard plotting area's height.
    let place = |v: f64| {
        if axis.is_log() {
            (v.max(axis.lo()).log10() - axis.lo().log10()) / (axis.hi().log10() - axis.lo().log10())
        } else {
            (v - axis.lo()) / (axis.hi() - axis.lo())
        }
    };
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            values[..i]
                .iter()
                .filter(|w| (place(**w) - place(*v)).abs() < 0.05)
                .count()
        })
        .collect()
}

/// A global SLA limit, drawn as a horizontal line.
#[derive(Clone, Debug, PartialEq)]
pub struct Limit {
    /// The rule as written (`p(95) < 500ms`).
    pub rule: String,
    /// Canonical metric (`p(95)`, `error_rate`, …).
    pub metric: String,
    /// The limit in the rule's unit.
    pub value: f64,
}

/// The distinct `[global]` SLA rules of the analysis whose metric and unit `wanted`
/// accepts (`wanted("p(95)", "ms")`).
pub fn global_limits(analysis: &Analysis, wanted: impl Fn(&str, &str) -> bool) -> Vec<Limit> {
    let mut limits: Vec<Limit> = Vec::new();
    let Some(sla) = &analysis.sla else {
        return limits;
    };
    for r in &sla.rules {
        let metric = r.metric.to_string();
        if r.scope != Scope::Global || r.endpoint.is_some() || !wanted(&metric, r.unit.unit()) {
            continue;
        }
        if !r.limit.is_finite() || limits.iter().any(|l| l.rule == r.rule) {
            continue;
        }
        limits.push(Limit {
            rule: r.rule.clone(),
            metric,
            value: r.limit,
        });
    }
    limits
}

/// The largest finite value of `values`, or 0.
pub fn max_of(values: impl IntoIterator<Item = f64>) -> f64 {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_are_round() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(1.3), 2.0);
        assert_eq!(nice_step(2.2), 2.5);
        assert_eq!(nice_step(380.0), 500.0);
        assert_eq!(nice_step(0.012), 0.02);
    }

    #[test]
    fn zero_to_covers_the_maximum_with_round_ticks() {
        let a = Axis::zero_to(1234.0);
        assert!(a.hi() >= 1234.0);
        assert_eq!(a.ticks.first(), Some(&0.0));
        assert!(a
            .ticks
            .windows(2)
            .all(|w| (w[1] - w[0] - a.step).abs() < 1e-9));
        assert_eq!(a.label(1000.0), "1,000");
    }

    #[test]
    fn labels_keep_needed_decimals() {
        let a = Axis::zero_to(0.09);
        assert_eq!(a.label(0.04), "0.04");
        assert_eq!(Axis::zero_to(0.11).label(0.05), "0.050");
        assert_eq!(Axis::with_step(0.0, 10.0, 2.5).label(5.0), "5.0");
        assert_eq!(group_thousands("-1234567.25"), "-1,234,567.25");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(
            shorten_middle("GET /api/v1/items/{id}/parts", 16),
            "GET /…{id}/parts"
        );
        assert_eq!(shorten_middle("short", 16), "short");
    }
}
