//! `compare`'s latency-by-percentile chart: for every stage × endpoint of the
//! baseline, one panel overlaying a curve per run (baseline, then each candidate
//! whose stage and endpoint match) read from the exact histograms, on the usual
//! percentile axis (0%, 90%, 99%, 99.9%, 99.99% evenly spaced). Plain SVG: one
//! `<g class="panel" data-endpoint=…>` per panel and one
//! `<path class="run" data-run=LABEL>` per run in it; every name is escaped.

use std::fmt::Write;

use crate::analysis::compare::input::{CompareRun, EndpointInput};
use crate::analysis::compare::matching::stage_map;

/// Most panels drawn (the baseline's first stages and endpoints).
const MAX_PANELS: usize = 24;
/// Run colours, baseline first.
const COLORS: [&str; 8] = [
    "#555555", "#d62728", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
];
const PANEL_W: f64 = 420.0;
const PANEL_H: f64 = 200.0;
const MARGIN_L: f64 = 60.0;
const MARGIN_T: f64 = 30.0;
const MARGIN_B: f64 = 30.0;
const GAP: f64 = 20.0;
/// The axis ends at 99.99%: x = log10(1 / (1 − q)) from 0 to this.
const X_MAX: f64 = 4.0;

/// The curve's quantiles: evenly spaced on the percentile axis.
fn quantiles() -> Vec<f64> {
    (0..=80)
        .map(|i| 1.0 - 10f64.powf(-(i as f64) * X_MAX / 80.0))
        .collect()
}

/// One panel: its title and the (label, endpoint) of every run that has it.
type Panel<'a> = (String, Vec<(&'a str, &'a EndpointInput)>);

fn panels<'a>(baseline: &'a CompareRun, candidates: &'a [CompareRun]) -> Vec<Panel<'a>> {
    let maps: Vec<Vec<Option<usize>>> = candidates
        .iter()
        .map(|c| stage_map(&baseline.stages, &c.stages))
        .collect();
    let mut out = Vec::new();
    for (si, stage) in baseline.stages.iter().enumerate() {
        for e in &stage.endpoints {
            if out.len() >= MAX_PANELS {
                return out;
            }
            if e.histogram.as_ref().is_none_or(|h| h.is_empty()) {
                continue;
            }
            let mut runs = vec![(baseline.label.as_str(), e)];
            for (c, map) in candidates.iter().zip(&maps) {
                let found = map[si]
                    .and_then(|ci| c.stages[ci].endpoints.iter().find(|x| x.key == e.key))
                    .filter(|x| x.histogram.as_ref().is_some_and(|h| !h.is_empty()));
                if let Some(x) = found {
                    runs.push((c.label.as_str(), x));
                }
            }
            let title = if baseline.stages.len() > 1 {
                format!("{} / {}", stage.name, e.key)
            } else {
                e.key.clone()
            };
            out.push((title, runs));
        }
    }
    out
}

/// The SVG, or `None` when no endpoint has a histogram.
pub fn svg(baseline: &CompareRun, candidates: &[CompareRun]) -> Option<String> {
    let panels = panels(baseline, candidates);
    if panels.is_empty() {
        return None;
    }
    let qs = quantiles();
    let esc = crate::render::junit::escape;
    let cols = if panels.len() > 1 { 2 } else { 1 };
    let rows = panels.len().div_ceil(cols);
    let cell_w = MARGIN_L + PANEL_W + GAP;
    let cell_h = MARGIN_T + PANEL_H + MARGIN_B;
    let width = cell_w * cols as f64 + GAP;
    let height = 60.0 + cell_h * rows as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n\
         <title>Latency by percentile, baseline vs candidates</title>\n\
         <text x=\"10\" y=\"20\" font-size=\"14\">Latency by percentile (ms), baseline vs candidates</text>\n"
    );
    // Legend: every run label once, in order.
    let mut labels: Vec<&str> = vec![baseline.label.as_str()];
    labels.extend(candidates.iter().map(|c| c.label.as_str()));
    for (i, l) in labels.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"40\" fill=\"{}\">━ {}</text>",
            10.0 + 110.0 * i as f64,
            COLORS[i % COLORS.len()],
            esc(&super::frame::shorten_middle(l, 16))
        );
    }
    for (pi, (title, runs)) in panels.iter().enumerate() {
        let ox = GAP + cell_w * (pi % cols) as f64 + MARGIN_L;
        let oy = 60.0 + cell_h * (pi / cols) as f64 + MARGIN_T;
        let curves: Vec<Vec<f64>> = runs
            .iter()
            .map(|(_, e)| {
                let h = e.histogram.as_ref().expect("panels keep histograms");
                qs.iter()
                    .map(|q| h.value_at_quantile(*q) as f64 / 1000.0)
                    .collect()
            })
            .collect();
        let top = curves
            .iter()
            .flatten()
            .fold(0.0f64, |m, v| m.max(*v))
            .max(0.001)
            * 1.05;
        let x = |q: f64| ox + (1.0 / (1.0 - q)).log10().min(X_MAX) / X_MAX * PANEL_W;
        let y = |v: f64| oy + PANEL_H - v / top * PANEL_H;
        let _ = writeln!(
            s,
            "<g class=\"panel\" data-endpoint=\"{}\">\n<text x=\"{ox:.1}\" y=\"{:.1}\">{}</text>\n\
             <rect x=\"{ox:.1}\" y=\"{oy:.1}\" width=\"{PANEL_W}\" height=\"{PANEL_H}\" fill=\"none\" stroke=\"#ccc\"/>",
            esc(title),
            oy - 8.0,
            esc(&super::frame::shorten_middle(title, 60))
        );
        for (k, tick) in ["0%", "90%", "99%", "99.9%", "99.99%"].iter().enumerate() {
            let tx = ox + k as f64 / X_MAX * PANEL_W;
            let _ = writeln!(
                s,
                "<text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{tick}</text>",
                oy + PANEL_H + 14.0
            );
        }
        for frac in [0.0, 0.5, 1.0] {
            let v = top * frac;
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.1}</text>",
                ox - 4.0,
                y(v) + 4.0
            );
        }
        for ((label, _), curve) in runs.iter().zip(&curves) {
            let color_i = labels.iter().position(|l| l == label).unwrap_or(0);
            let mut d = String::new();
            for (i, (q, v)) in qs.iter().zip(curve).enumerate() {
                let _ = write!(
                    d,
                    "{}{:.1},{:.1}",
                    if i == 0 { "M" } else { " L" },
                    x(*q),
                    y(*v)
                );
            }
            let _ = writeln!(
                s,
                "<path class=\"run\" data-run=\"{}\" d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>",
                esc(label),
                COLORS[color_i % COLORS.len()]
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</svg>\n");
    Some(s)
}
