//! compare.md: ready to paste as a pull-request comment. The verdict line first,
//! then regressions (endpoint, metric, Δ%, interval), improvements and inconclusive
//! metrics; unchanged ones folded in `<details>`; then what did not match, the
//! trend's level shifts, what was compared with what (runs, stage pairs) and the
//! notes. Every name is escaped (names are untrusted).

use std::fmt::Write;

use super::{ci, compared_lines, delta, delta_pct, method, not_a_pass, place, prob, value, with};
use crate::analysis::compare::verdict::Verdict;
use crate::analysis::compare::CompareReport;
use crate::render::filters::escape_markdown as md;

/// The markdown of a comparison.
pub fn markdown(report: &CompareReport) -> String {
    let mut out = String::new();
    let cands: Vec<&str> = report.candidates.iter().map(|c| c.label.as_str()).collect();
    let _ = writeln!(
        out,
        "## headroom compare: {} vs {}\n\n**{}**\n",
        md(&cands.join(", ")),
        md(&report.baseline.label),
        md(&report.verdict_line)
    );
    if let Some(why) = not_a_pass(report) {
        let _ = writeln!(out, "> **{}**\n", md(&why));
    }
    for (verdict, title) in [
        (Verdict::Regressed, "Regressions"),
        (Verdict::Improved, "Improvements"),
    ] {
        let rows = with(report, verdict);
        if !rows.is_empty() {
            let _ = writeln!(out, "### {title} ({})\n", rows.len());
            table(&mut out, report, &rows);
        }
    }
    for (verdict, title) in [
        (
            Verdict::Inconclusive,
            "Inconclusive (too few samples, runs at other loads, or interval ± more than twice the noise floor or reaching past it the wrong way)",
        ),
        (Verdict::Unchanged, "Unchanged (within the noise floor)"),
    ] {
        let rows = with(report, verdict);
        if !rows.is_empty() {
            let _ = writeln!(out, "<details><summary>{title}: {}</summary>\n", rows.len());
            table(&mut out, report, &rows);
            out.push_str("</details>\n\n");
        }
    }
    if !report.unmatched.is_empty() {
        out.push_str("### Not compared (only one side has it)\n\n");
        for u in &report.unmatched {
            let _ = writeln!(
                out,
                "- {} {}: only in {}",
                u.kind,
                md(&u.name),
                md(&u.only_in)
            );
        }
        out.push('\n');
    }
    let shifts: Vec<_> = report
        .trend
        .iter()
        .flat_map(|t| t.change_points.iter().map(move |c| (t, c)))
        .collect();
    if !report.trend.is_empty() {
        let labels: Vec<&str> = report.trend[0]
            .points
            .iter()
            .map(|p| p.label.as_str())
            .collect();
        let _ = writeln!(
            out,
            "### Trend over {} releases\n\nOrder: {}\n",
            labels.len(),
            md(&labels.join(" → "))
        );
        if shifts.is_empty() {
            out.push_str("No level shift found.\n\n");
        }
        for (t, c) in shifts {
            let _ = writeln!(
                out,
                "- {} of {} / {}: level shift of {:+.1}% at {} (p {})",
                t.metric.name(),
                md(&t.stage),
                md(&t.endpoint),
                c.shift_pct,
                md(&c.label),
                prob(Some(c.p_value))
            );
        }
        out.push('\n');
    }
    compared(&mut out, report);
    for n in &report.notes {
        // A note's `…` spans are names: code, escaped as the rest is.
        let _ = writeln!(out, "> {}", crate::render::filters::code_spans(n));
    }
    out
}

/// What was compared with what ([`compared_lines`]), as a list.
fn compared(out: &mut String, report: &CompareReport) {
    out.push_str("### What was compared\n\n");
    for line in compared_lines(report, &|t| md(t)) {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
}

fn table(
    out: &mut String,
    report: &CompareReport,
    rows: &[&crate::analysis::compare::verdict::Comparison],
) {
    out.push_str(
        "| Where | Metric | Baseline | Candidate | Δ | Δ% | 95% interval of Δ | q | Method |\n",
    );
    out.push_str("|---|---|---:|---:|---:|---:|---|---:|---|\n");
    for c in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&place(report, c)),
            c.metric.name(),
            value(c.baseline, c.unit),
            value(c.candidate, c.unit),
            delta(c),
            delta_pct(c),
            ci(c),
            prob(c.q_value),
            md(&method(c))
        );
    }
    out.push('\n');
}
