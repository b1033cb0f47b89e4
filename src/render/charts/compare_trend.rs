//! `compare`'s trend chart (trend mode): one panel per metric, a line per stage ×
//! endpoint over the releases in order, and every level shift the trend found
//! marked where it happened (a dashed rule and a ring on the first release after
//! it). Plain SVG: `<g class="panel" data-metric=…>`, `<path class="series"
//! data-endpoint=…>`, `<circle class="change-point" data-endpoint=… data-label=…>`;
//! every name is escaped.

use std::fmt::Write;

use crate::analysis::compare::trend::{TrendSeries, TREND_METRICS};
use crate::analysis::compare::CompareReport;

/// Most lines per panel (the report's first series of that metric).
const MAX_LINES: usize = 10;
const COLORS: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];
const LEFT: f64 = 70.0;
const PLOT_W: f64 = 560.0;
const PLOT_H: f64 = 180.0;
const PANEL_H: f64 = 260.0;
const TOP: f64 = 40.0;

/// A line: its name and its series.
type Line<'a> = (String, &'a TrendSeries);

/// The series of one metric, with the name shown for each.
fn lines<'a>(report: &'a CompareReport, metric_name: &str) -> Vec<Line<'a>> {
    let stages: std::collections::BTreeSet<&str> =
        report.trend.iter().map(|t| t.stage.as_str()).collect();
    report
        .trend
        .iter()
        .filter(|t| t.metric.name() == metric_name && t.points.iter().any(|p| p.value.is_some()))
        .take(MAX_LINES)
        .map(|t| {
            let name = if stages.len() > 1 {
                format!("{} / {}", t.stage, t.endpoint)
            } else {
                t.endpoint.clone()
            };
            (name, t)
        })
        .collect()
}

/// The SVG, or `None` outside trend mode.
pub fn svg(report: &CompareReport) -> Option<String> {
    let first = report.trend.first()?;
    let n = first.points.len();
    if n < 2 {
        return None;
    }
    let panels: Vec<(&str, &str, Vec<Line>)> = TREND_METRICS
        .iter()
        .map(|m| (m.name(), m.unit(), lines(report, m.name())))
        .filter(|p| !p.2.is_empty())
        .collect();
    let esc = crate::render::junit::escape;
    let width = LEFT + PLOT_W + 220.0;
    let height = TOP + PANEL_H * panels.len() as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n\
         <title>Trend over releases, level shifts marked</title>\n\
         <text x=\"10\" y=\"20\" font-size=\"14\">Trend over releases (level shifts marked ◯)</text>\n"
    );
    let x = |i: usize| LEFT + i as f64 / (n - 1) as f64 * PLOT_W;
    for (pi, (metric, unit, series)) in panels.iter().enumerate() {
        let oy = TOP + PANEL_H * pi as f64 + 20.0;
        let values = series
            .iter()
            .flat_map(|(_, t)| t.points.iter().filter_map(|p| p.value));
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let lo = lo.min(0.0);
        let hi = if hi > lo { hi * 1.05 } else { lo + 1.0 };
        let y = |v: f64| oy + PLOT_H - (v - lo) / (hi - lo) * PLOT_H;
        let _ = writeln!(
            s,
            "<g class=\"panel\" data-metric=\"{metric}\">\n<text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"12\">{metric} ({unit})</text>\n\
             <rect x=\"{LEFT}\" y=\"{oy:.1}\" width=\"{PLOT_W}\" height=\"{PLOT_H}\" fill=\"none\" stroke=\"#ccc\"/>",
            oy - 6.0
        );
        for frac in [0.0, 0.5, 1.0] {
            let v = lo + (hi - lo) * frac;
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.3}</text>",
                LEFT - 4.0,
                y(v) + 4.0
            );
        }
        for (i, p) in first.points.iter().enumerate() {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x(i),
                oy + PLOT_H + 14.0,
                esc(&super::frame::shorten_middle(&p.label, 12))
            );
        }
        for (li, (name, t)) in series.iter().enumerate() {
            let color = COLORS[li % COLORS.len()];
            let mut d = String::new();
            let mut pen_up = true;
            for (i, p) in t.points.iter().enumerate() {
                match p.value {
                    Some(v) => {
                        let _ = write!(
                            d,
                            "{}{:.1},{:.1} ",
                            if pen_up { "M" } else { "L" },
                            x(i),
                            y(v)
                        );
                        pen_up = false;
                    }
                    None => pen_up = true,
                }
            }
            let _ = writeln!(
                s,
                "<path class=\"series\" data-endpoint=\"{}\" d=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"/>",
                esc(name),
                d.trim_end()
            );
            for c in &t.change_points {
                let Some(v) = t.points.get(c.index).and_then(|p| p.value) else {
                    continue;
                };
                let _ = writeln!(
                    s,
                    "<line x1=\"{0:.1}\" y1=\"{oy:.1}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"{color}\" stroke-dasharray=\"4 3\"/>\n\
                     <circle class=\"change-point\" data-endpoint=\"{2}\" data-label=\"{3}\" data-shift-pct=\"{4:.2}\" \
                     cx=\"{0:.1}\" cy=\"{5:.1}\" r=\"6\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\">\
                     <title>{2}: {4:+.1}% from {3}</title></circle>",
                    x(c.index),
                    oy + PLOT_H,
                    esc(name),
                    esc(&c.label),
                    c.shift_pct,
                    y(v)
                );
            }
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{color}\">━ {}</text>",
                LEFT + PLOT_W + 10.0,
                oy + 12.0 + 14.0 * li as f64,
                esc(&super::frame::shorten_middle(name, 30))
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</svg>\n");
    Some(s)
}
