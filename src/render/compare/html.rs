//! compare.html: one self-contained file (inline style, no scripts, nothing fetched)
//! with the verdict line, every comparison grouped by verdict, what did not match,
//! the trend tables with their level shifts, and what was compared with what.
//! Every text is HTML-escaped: stage and endpoint names are untrusted.

use std::fmt::Write;

use super::{ci, compared_lines, delta, delta_pct, method, not_a_pass, place, prob, value, with};
use crate::analysis::compare::verdict::{Comparison, Verdict};
use crate::analysis::compare::CompareReport;
use crate::render::junit::escape as esc;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin:0.5em 0 1.5em}\
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\
td:first-child,th:first-child{text-align:left}\
.regressed{color:#b00020;font-weight:bold}.improved{color:#1b7f3b}\
.inconclusive{color:#a66b00}.verdict{font-size:1.2em;font-weight:bold}";

/// The HTML page of a comparison, with `charts` (SVG texts, as written to charts/)
/// inlined after the verdict line.
pub fn html(report: &CompareReport, charts: &[String]) -> String {
    let mut out = String::new();
    let cands: Vec<&str> = report.candidates.iter().map(|c| c.label.as_str()).collect();
    let title = format!(
        "headroom compare: {} vs {}",
        cands.join(", "),
        report.baseline.label
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n\
         <p class=\"verdict\">{v}</p>\n",
        t = esc(&title),
        v = esc(&report.verdict_line)
    );
    if let Some(why) = not_a_pass(report) {
        let _ = writeln!(
            out,
            "<p class=\"inconclusive\"><strong>{}</strong></p>",
            esc(&why)
        );
    }
    for chart in charts {
        out.push_str("<figure>\n");
        out.push_str(chart);
        out.push_str("</figure>\n");
    }
    for (verdict, heading) in [
        (Verdict::Regressed, "Regressions"),
        (Verdict::Improved, "Improvements"),
        (Verdict::Inconclusive, "Inconclusive"),
        (Verdict::Unchanged, "Unchanged"),
    ] {
        let rows = with(report, verdict);
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "<h2>{heading} ({})</h2>", rows.len());
        table(&mut out, report, &rows);
    }
    if !report.unmatched.is_empty() {
        out.push_str("<h2>Not compared (only one side has it)</h2><ul>\n");
        for u in &report.unmatched {
            let _ = writeln!(
                out,
                "<li>{} {}: only in {}</li>",
                esc(&u.kind),
                esc(&u.name),
                esc(&u.only_in)
            );
        }
        out.push_str("</ul>\n");
    }
    trend(&mut out, report);
    out.push_str("<h2>What was compared</h2><ul>\n");
    for line in compared_lines(report, &|t| esc(t)) {
        let _ = writeln!(out, "<li>{line}</li>");
    }
    out.push_str("</ul>\n");
    for n in &report.notes {
        let _ = writeln!(out, "<p><em>{}</em></p>", esc(n));
    }
    out.push_str("</body></html>\n");
    out
}

fn table(out: &mut String, report: &CompareReport, rows: &[&Comparison]) {
    out.push_str(
        "<table><tr><th>Where</th><th>Metric</th><th>Baseline</th><th>Candidate</th>\
         <th>Δ</th><th>Δ%</th><th>95% interval of Δ</th><th>q</th><th>Method</th></tr>\n",
    );
    for c in rows {
        let _ = writeln!(
            out,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            c.verdict.name(),
            esc(&place(report, c)),
            c.metric.name(),
            esc(&value(c.baseline, c.unit)),
            esc(&value(c.candidate, c.unit)),
            esc(&delta(c)),
            esc(&delta_pct(c)),
            esc(&ci(c)),
            esc(&prob(c.q_value)),
            method(c)
        );
    }
    out.push_str("</table>\n");
}

fn trend(out: &mut String, report: &CompareReport) {
    let Some(first) = report.trend.first() else {
        return;
    };
    out.push_str("<h2>Trend</h2>\n<table><tr><th>Series</th>");
    for p in &first.points {
        let _ = write!(out, "<th>{}</th>", esc(&p.label));
    }
    out.push_str("<th>Level shifts</th></tr>\n");
    for t in &report.trend {
        let _ = write!(
            out,
            "<tr><td>{} of {} / {}</td>",
            t.metric.name(),
            esc(&t.stage),
            esc(&t.endpoint)
        );
        for p in &t.points {
            let _ = write!(out, "<td>{}</td>", esc(&value(p.value, t.unit)));
        }
        let shifts: Vec<String> = t
            .change_points
            .iter()
            .map(|c| format!("{:+.1}% at {}", c.shift_pct, c.label))
            .collect();
        let cell = if shifts.is_empty() {
            t.note.clone().unwrap_or_else(|| "none".into())
        } else {
            shifts.join("; ")
        };
        let _ = writeln!(out, "<td>{}</td></tr>", esc(&cell));
    }
    out.push_str("</table>\n");
}
