//! `compare`'s chart: Δ% of p50, p95 and p99 per endpoint, a dot per metric with its
//! 95% interval as a whisker, the noise floor shaded around 0. Written as plain SVG
//! (one `<g class="series" data-series="p50">` per metric, like the report's charts);
//! every name is escaped. The axis spans at most ±110 %: a change beyond it is drawn
//! at the edge with its Δ% written in the right margin, never as a smaller change.

use std::fmt::Write;

use crate::analysis::compare::verdict::{Comparison, Metric};
use crate::analysis::compare::CompareReport;

/// The metrics drawn, with their colours.
const SERIES: [(Metric, &str); 3] = [
    (Metric::P50, "#1f77b4"),
    (Metric::P95, "#ff7f0e"),
    (Metric::P99, "#d62728"),
];
/// Most rows drawn (regressions come first in the report, so they are kept).
const MAX_ROWS: usize = 40;
const LEFT: f64 = 260.0;
const PLOT_W: f64 = 480.0;
const ROW_H: f64 = 26.0;
const TOP: f64 = 50.0;

/// The rows: one per candidate × stage × endpoint with a latency Δ%, in report order.
fn rows(report: &CompareReport) -> Vec<(String, Vec<&Comparison>)> {
    let mut out: Vec<(String, Vec<&Comparison>)> = Vec::new();
    for c in &report.comparisons {
        if !SERIES.iter().any(|s| s.0 == c.metric) || c.delta_pct.is_none() {
            continue;
        }
        let key = super::super::compare::place(report, c);
        if let Some(i) = out.iter().position(|r| r.0 == key) {
            out[i].1.push(c);
        } else if out.len() < MAX_ROWS {
            out.push((key, vec![c]));
        }
    }
    out
}

/// Δ% relative to the baseline of an interval end.
fn pct(c: &Comparison, v: Option<f64>) -> Option<f64> {
    let b = c.baseline.filter(|b| *b != 0.0)?;
    Some(v? / b.abs() * 100.0)
}

/// The SVG, or `None` when no latency percentile was compared.
pub fn svg(report: &CompareReport) -> Option<String> {
    let rows = rows(report);
    if rows.is_empty() {
        return None;
    }
    let floor = report.thresholds.get("default").copied().unwrap_or(5.0);
    let mut span = 2.0 * floor;
    for (_, cs) in &rows {
        for c in cs {
            for v in [c.delta_pct, pct(c, c.ci[0]), pct(c, c.ci[1])]
                .into_iter()
                .flatten()
            {
                span = span.max(v.abs().min(100.0));
            }
        }
    }
    span *= 1.1;
    let x = |v: f64| LEFT + (v.clamp(-span, span) + span) / (2.0 * span) * PLOT_W;
    let height = TOP + ROW_H * rows.len() as f64 + 40.0;
    let width = LEFT + PLOT_W + 70.0;
    let esc = crate::render::junit::escape;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <title>Latency change per endpoint (Δ%, 95% interval)</title>\n\
         <text x=\"10\" y=\"20\" font-size=\"14\">Latency change per endpoint (Δ%, 95% interval)</text>\n"
    );
    let bottom = TOP + ROW_H * rows.len() as f64;
    let _ = writeln!(
        s,
        "<rect class=\"floor\" x=\"{:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#eeeeee\"/>",
        x(-floor),
        x(floor) - x(-floor),
        bottom - TOP
    );
    let _ = writeln!(
        s,
        "<line x1=\"{0:.1}\" y1=\"{TOP}\" x2=\"{0:.1}\" y2=\"{bottom}\" stroke=\"#888\"/>",
        x(0.0)
    );
    for v in [-span / 1.1, 0.0, span / 1.1] {
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{v:+.0}%</text>",
            x(v),
            bottom + 16.0
        );
    }
    for (i, (label, _)) in rows.iter().enumerate() {
        let y = TOP + ROW_H * (i as f64 + 0.5);
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 8.0,
            y + 4.0,
            esc(&super::frame::shorten_middle(label, 40))
        );
    }
    for (j, (metric, color)) in SERIES.iter().enumerate() {
        let _ = writeln!(s, "<g class=\"series\" data-series=\"{}\">", metric.name());
        for (i, (_, cs)) in rows.iter().enumerate() {
            let Some(c) = cs.iter().find(|c| c.metric == *metric) else {
                continue;
            };
            let y = TOP + ROW_H * i as f64 + 6.0 + 7.0 * j as f64;
            if let (Some(lo), Some(hi)) = (pct(c, c.ci[0]), pct(c, c.ci[1])) {
                let _ = writeln!(
                    s,
                    "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{color}\"/>",
                    x(lo),
                    x(hi)
                );
            }
            let d = c.delta_pct.unwrap_or(0.0);
            let _ = writeln!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"{color}\" data-delta-pct=\"{d:.3}\"/>",
                x(d)
            );
            if d.abs() > span {
                // Beyond the axis: drawn at its edge, so its value is written out.
                let _ = writeln!(
                    s,
                    "<text class=\"clipped\" x=\"{:.1}\" y=\"{:.1}\" fill=\"{color}\" \
                     font-size=\"10\">{d:+.0}%</text>",
                    LEFT + PLOT_W + 6.0,
                    y + 3.5
                );
            }
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"36\" fill=\"{color}\">● {}</text></g>",
            LEFT + 60.0 * j as f64,
            metric.name()
        );
    }
    s.push_str("</svg>\n");
    Some(s)
}
