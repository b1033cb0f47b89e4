//! Rendering a [`CompareReport`]: compare.md (a pull-request comment), compare.html
//! (one self-contained file), compare.json, and the terminal table. Every figure
//! comes from the report; the helpers here only decide how a value is written.

mod html;
mod markdown;
mod terminal;

use crate::analysis::compare::verdict::{method_name, Comparison, Verdict};
use crate::analysis::compare::CompareReport;

pub use html::html;
pub use markdown::markdown;
pub use terminal::table;

/// compare.json: the report as documented in README "Compare releases".
pub fn json(report: &CompareReport) -> serde_json::Result<String> {
    serde_json::to_string_pretty(report)
}

/// A value in its unit: ms with two decimals, rates with one, error rates as
/// percentages.
fn value(v: Option<f64>, unit: &str) -> String {
    let Some(v) = v else {
        return "—".into();
    };
    match unit {
        "ms" => format!("{v:.2} ms"),
        "req/s" => format!("{v:.1} req/s"),
        "fraction" => format!("{:.2}%", v * 100.0),
        "users" => format!("{v:.1}"),
        _ => format!("{v}"),
    }
}

/// A signed change in the metric's unit (error rates in percentage points).
fn signed(v: f64, unit: &str) -> String {
    match unit {
        "ms" => format!("{v:+.2}"),
        "fraction" => format!("{:+.2}pp", v * 100.0),
        _ => format!("{v:+.1}"),
    }
}

/// Δ with its unit.
fn delta(c: &Comparison) -> String {
    c.delta.map_or("—".into(), |d| signed(d, c.unit))
}

/// Δ% as `+15.2%`, or `new` for a change from 0.
fn delta_pct(c: &Comparison) -> String {
    match (c.delta_pct, c.delta) {
        (Some(p), _) => format!("{p:+.1}%"),
        (None, Some(d)) if d != 0.0 => "new".into(),
        _ => "—".into(),
    }
}

/// The 95% interval of Δ, `[lo, hi]`, or `unbounded`.
fn ci(c: &Comparison) -> String {
    match c.ci {
        [Some(lo), Some(hi)] => format!("[{}, {}]", signed(lo, c.unit), signed(hi, c.unit)),
        _ => "unbounded".into(),
    }
}

/// A q-value (or p-value) in three decimals, `<0.001` below.
fn prob(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 0.001 => "<0.001".into(),
        Some(p) => format!("{p:.3}"),
        None => "—".into(),
    }
}

/// The method's name as compare.json writes it, and `too few samples` after it for a
/// percentile that rests on too few latencies to be compared.
fn method(c: &Comparison) -> String {
    if crate::analysis::compare::thin::is_thin(c) {
        format!("{}; too few samples", method_name(c.method))
    } else {
        method_name(c.method).to_string()
    }
}

/// Where a comparison is: `stage / endpoint` (stage left out when empty; both
/// sides' stages, `base vs cand / endpoint`, when they differ), with the candidate label in a trend of several candidates.
pub(super) fn place(report: &CompareReport, c: &Comparison) -> String {
    let mut s = c.scope();
    if report.candidates.len() > 1 {
        s = format!("{}: {s}", c.candidate_label);
    }
    s
}

/// For a headline that is neither a regression nor a pass (INCONCLUSIVE, possibly
/// worse or not): the sentence that keeps a reader, or a CI log, from taking it for a
/// pass, with what would settle it (the report's `advice`). `--fail-on-regression`
/// fails only on a shown regression (DESIGN's exit 1), so such a gate exits 0.
fn not_a_pass(report: &CompareReport) -> Option<String> {
    use crate::analysis::compare::outcome::Outcome;
    if !matches!(
        report.outcome,
        Outcome::PossiblyWorse | Outcome::Inconclusive
    ) {
        return None;
    }
    let settle = report
        .advice
        .as_deref()
        .unwrap_or("run longer, or repeat each side 4+ times");
    let lead = match crate::analysis::compare::sla::unchecked(&report.sla) {
        true => "the SLA was not checked on a candidate run, and a pass needs it",
        false => "nothing here shows the candidate is no worse",
    };
    Some(format!(
        "NOT A PASS: {lead}. \
         --fail-on-regression fails only on a shown regression, so a gate exits 0 \
         on this; before shipping: {settle} (gate on compare.json's outcome: \
         no_regression or improved is a pass)"
    ))
}

/// What was compared with what, one line each: each side's runs as given, and each
/// pair of stages with each side's tool and how it was paired (a stage paired by its
/// users under another name, or measured by another tool, is no surprise to the
/// reader). `esc` escapes every name for the output at hand.
fn compared_lines(report: &CompareReport, esc: &dyn Fn(&str) -> String) -> Vec<String> {
    use crate::analysis::compare::matching::StageBasis;
    let runs = |r: &crate::analysis::compare::RunRef| {
        let each: Vec<String> = r.runs.iter().map(|p| esc(p)).collect();
        format!("{} ({})", esc(&r.label), each.join(", "))
    };
    let mut lines = vec![format!("baseline: {}", runs(&report.baseline))];
    for c in &report.candidates {
        lines.push(format!("candidate: {}", runs(c)));
    }
    let tool = |t: &Option<String>| {
        t.as_deref()
            .map_or(String::new(), |t| format!(" ({})", esc(t)))
    };
    for p in &report.stage_pairs {
        let how = match p.basis {
            StageBasis::Name => "by name",
            StageBasis::Users => "by users",
            StageBasis::ArrivalRate => "by arrival rate",
            StageBasis::NamePart => "by name after each side's shared start",
            StageBasis::SoleStage => "each run's only stage",
        };
        lines.push(format!(
            "stage {}{} of the baseline with stage {}{} of {} ({how})",
            esc(&p.baseline_stage),
            tool(&p.baseline_tool),
            esc(&p.candidate_stage),
            tool(&p.candidate_tool),
            esc(&p.candidate_label)
        ));
    }
    lines
}

/// The comparisons with `verdict`.
fn with(report: &CompareReport, verdict: Verdict) -> Vec<&Comparison> {
    report
        .comparisons
        .iter()
        .filter(|c| c.verdict == verdict)
        .collect()
}
