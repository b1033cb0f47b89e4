//! The terminal table of a comparison: the verdict line, then every metric that is
//! not unchanged (regressions first) and a count of the unchanged ones. Colour only
//! when the caller says the output is a terminal.

use std::fmt::Write;

use super::{ci, delta_pct, not_a_pass, place, value};
use crate::analysis::compare::verdict::Verdict;
use crate::analysis::compare::CompareReport;
use crate::render::terminal::printable;

/// The terminal summary; `paint(sgr, text)` colours verdicts (red regressed or
/// breaking the SLA, green
/// improved, yellow inconclusive) when the output is a terminal, else returns `text`.
pub fn table(report: &CompareReport, paint: &dyn Fn(&str, &str) -> String) -> String {
    let mut out = String::new();
    let breaks = report.outcome == crate::analysis::compare::outcome::Outcome::BreaksSla;
    let head_code = if report.counts.regressed > 0 || breaks {
        "1;31"
    } else {
        "1"
    };
    // Names from the inputs reach the terminal escaped (`printable`) everywhere below.
    let _ = writeln!(
        out,
        "{}\n",
        paint(head_code, &printable(&report.verdict_line))
    );
    if let Some(why) = not_a_pass(report) {
        let _ = writeln!(out, "  {}\n", paint("1;33", &printable(&why)));
    }
    let rows: Vec<_> = report
        .comparisons
        .iter()
        .filter(|c| c.verdict != Verdict::Unchanged)
        .collect();
    if !rows.is_empty() {
        let where_w = rows
            .iter()
            .map(|c| printable(&place(report, c)).chars().count())
            .max()
            .unwrap_or(5)
            .clamp(5, 48);
        let _ = writeln!(
            out,
            "  {:<12} {:<where_w$} {:<10} {:>14} {:>14} {:>8}  95% interval of Δ",
            "verdict", "where", "metric", "baseline", "candidate", "Δ%"
        );
        for c in rows {
            let v = format!("{:<12}", c.verdict.name());
            let v = match c.verdict {
                Verdict::Regressed => paint("31", &v),
                Verdict::Improved => paint("32", &v),
                _ => paint("33", &v),
            };
            let mut w = printable(&place(report, c)).into_owned();
            if w.chars().count() > where_w {
                w = w.chars().take(where_w - 1).collect::<String>() + "…";
            }
            let _ = writeln!(
                out,
                "  {v} {w:<where_w$} {:<10} {:>14} {:>14} {:>8}  {}",
                c.metric.name(),
                value(c.baseline, c.unit),
                value(c.candidate, c.unit),
                delta_pct(c),
                ci(c)
            );
        }
    }
    if report.counts.unchanged > 0 {
        let _ = writeln!(
            out,
            "  {} metrics unchanged (within the noise floor)",
            report.counts.unchanged
        );
    }
    for u in &report.unmatched {
        let _ = writeln!(
            out,
            "  not compared: {} {} (only in {})",
            u.kind,
            printable(&u.name),
            printable(&u.only_in)
        );
    }
    for t in &report.trend {
        for c in &t.change_points {
            let _ = writeln!(
                out,
                "  level shift: {} of {} / {} {:+.1}% at {}",
                t.metric.name(),
                printable(&t.stage),
                printable(&t.endpoint),
                c.shift_pct,
                printable(&c.label)
            );
        }
    }
    for n in &report.notes {
        let _ = writeln!(out, "note: {}", printable(n));
    }
    out
}
