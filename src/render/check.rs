//! What `headroom check` shows: the terminal table of rule evaluations, the JSON it
//! prints with `--format json`, and the short markdown for a pull-request comment
//! (`templates/check.md.j2`). The JUnit file is `junit.rs`. Nothing here judges: the
//! statuses and the gate come from `analysis::sla`.

use std::fmt::Write;

use minijinja::Environment;
use serde::Serialize;

use super::terminal::printable;
use super::{filters, RenderError};
use crate::analysis::caveat::Caveat;
use crate::analysis::headline;
use crate::analysis::report::SlaSummary;
use crate::analysis::sla::{gates, RuleEvaluation, RuleStatus, Severity, Verdict};
use crate::model::ToolCheck;

/// Rows the PR comment lists in each of its two tables before "…and N more": a
/// GitHub comment should stay readable (and far below its 65,536-character cap).
const COMMENT_ROWS: usize = 25;

/// Notes the terminal table prints below its rows before "…and N more notes".
const TABLE_NOTES: usize = 12;

/// Places a note names before "and N more".
const NOTE_PLACES: usize = 3;

/// Longest rule, section or target text in the terminal table.
const CELL_CHARS: usize = 40;

/// The outcome of a check, as `--format json` prints it.
#[derive(Clone, Debug, Serialize)]
pub struct CheckOutcome<'a> {
    /// GO, CONDITIONAL or NO-GO.
    pub verdict: Verdict,
    /// The exit code `check` returns.
    pub exit_code: u8,
    /// Whether `--strict` was given.
    pub strict: bool,
    /// Evaluations per status.
    pub counts: StatusCounts,
    /// Evaluations that fail the gate.
    pub gating: usize,
    /// The load tool's own checks (k6's thresholds, Gatling's assertions), as
    /// report.json's `tool_checks`: one with `passed` false fails the gate too.
    pub tool_checks: &'a [ToolCheck],
    /// Caveats, among them the SLA names the data lacks.
    pub warnings: &'a [Caveat],
    /// Every evaluation, the matrix and the verdict (report.json's `sla`).
    pub sla: &'a SlaSummary,
}

/// The outcome of a check that judged nothing (exit 2), as `--format json` prints
/// it: `verdict` null, the exit code and why, so that a script reading stdout gets
/// JSON on every exit.
#[derive(Clone, Debug, Serialize)]
pub struct NoVerdict<'a> {
    /// Always null: nothing was judged.
    pub verdict: Option<Verdict>,
    /// The exit code `check` returns (2).
    pub exit_code: u8,
    /// Whether `--strict` was given.
    pub strict: bool,
    /// Why nothing was judged, and what to do (as printed on stderr).
    pub error: &'a str,
}

/// The PR-comment markdown of a check that judged nothing (exit 2): it says so and
/// why, so that an earlier check's comment is not left standing as this one's.
pub fn no_verdict_comment(reason: &str) -> String {
    format!(
        "### ⛔ headroom check: no verdict\n\nNothing was judged (exit 2): {}\n",
        filters::escape_markdown(reason)
    )
}

/// Evaluations per status.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct StatusCounts {
    /// Passing.
    pub pass: usize,
    /// Failing.
    pub fail: usize,
    /// Passing at face value but not shown with 95 % confidence.
    pub not_proven: usize,
    /// Without enough data to judge.
    pub insufficient_data: usize,
    /// Not run: the SLA names a stage or endpoint the data lacks.
    pub not_run: usize,
    /// All.
    pub total: usize,
}

impl StatusCounts {
    /// Counts `evals` by status.
    pub fn of(evals: &[RuleEvaluation]) -> StatusCounts {
        let mut c = StatusCounts {
            total: evals.len(),
            ..Default::default()
        };
        for e in evals {
            match e.status {
                RuleStatus::Pass => c.pass += 1,
                RuleStatus::Fail => c.fail += 1,
                RuleStatus::NotProven => c.not_proven += 1,
                RuleStatus::InsufficientData => c.insufficient_data += 1,
                RuleStatus::NotRun => c.not_run += 1,
            }
        }
        c
    }
}

/// `≤ 500 ms`-style limit text: the operator and the limit.
fn limit_text(e: &RuleEvaluation) -> String {
    format!("{} {}", e.op, e.limit_display)
}

fn value_text(e: &RuleEvaluation) -> String {
    e.value_display.clone().unwrap_or_else(|| "—".into())
}

fn factor_text(e: &RuleEvaluation) -> String {
    headline::factor_text(e)
}

/// The status word of the table, with what it means for the gate.
fn status_word(e: &RuleEvaluation, strict: bool) -> String {
    let word = headline::status_word(e.status);
    let aside = if matches!(e.status, RuleStatus::Pass | RuleStatus::NotRun) || gates(e, strict) {
        ""
    } else if e.severity == Severity::Warn {
        " (warn)"
    } else if !e.decides_verdict {
        " (info)"
    } else {
        ""
    };
    format!("{word}{aside}")
}

/// The terminal table: one line per evaluation (rule, section, stage and endpoint,
/// value, limit, status, factor), then the verdict and what the exit code means.
/// `color` adds ANSI colours to the status: a gating FAIL bold red, a non-gating one dim
/// yellow.
pub fn table(sla: &SlaSummary, strict: bool, exit_code: u8, color: bool) -> String {
    let rows: Vec<[String; 7]> = sla
        .rules
        .iter()
        .map(|e| {
            [
                clip(&printable(&e.rule)),
                clip(&printable(&e.section())),
                clip(&printable(&e.target())),
                value_text(e),
                limit_text(e),
                status_word(e, strict),
                factor_text(e),
            ]
        })
        .collect();
    let header = [
        "rule", "scope", "stage", "value", "limit", "status", "factor",
    ];
    let mut widths = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String], colours: Option<&str>| {
        let mut s = String::from(" ");
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(cell.chars().count());
            // Numbers right-aligned, text left-aligned.
            let right = matches!(i, 3 | 4 | 6);
            let text = match (i, colours) {
                (5, Some(c)) => format!("\x1b[{c}m{cell}\x1b[0m"),
                _ => cell.clone(),
            };
            if right {
                s.push_str(&" ".repeat(pad));
                s.push(' ');
                s.push_str(&text);
            } else {
                s.push(' ');
                s.push_str(&text);
                s.push_str(&" ".repeat(pad));
            }
        }
        s.trim_end().to_string()
    };
    let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let _ = writeln!(out, "{}", line(&head, None));
    for (e, r) in sla.rules.iter().zip(&rows) {
        let colour = color.then(|| match e.status {
            RuleStatus::Pass => "32",
            // A gating FAIL is bold red; a FAIL that does not gate (warn severity,
            // info stage) is dim yellow, so it never reads as the failure that decides.
            RuleStatus::Fail if gates(e, strict) => "1;31",
            RuleStatus::Fail => "2;33",
            RuleStatus::NotProven => "33",
            RuleStatus::InsufficientData | RuleStatus::NotRun => "2",
        });
        let _ = writeln!(out, "{}", line(r, colour));
    }
    let notes = grouped_notes(&sla.rules);
    for g in notes.iter().take(TABLE_NOTES) {
        let _ = writeln!(
            out,
            "note ({}): {}",
            printable(&g.places_text()),
            printable(&g.note)
        );
    }
    if notes.len() > TABLE_NOTES {
        let _ = writeln!(
            out,
            "…and {} more notes: `--format json` gives every evaluation's",
            notes.len() - TABLE_NOTES
        );
    }
    // The verdict sentence, its first word coloured on a terminal.
    let headline = printable(&sla.headline);
    let sentence = match (color, headline.split_once(' ')) {
        (true, Some((word, rest))) => {
            let code = match sla.verdict {
                Verdict::Go => "1;32",
                Verdict::NoGo => "1;31",
                Verdict::Conditional => "1;33",
            };
            format!("\x1b[{code}m{word}\x1b[0m {rest}")
        }
        _ => headline.to_string(),
    };
    let _ = writeln!(out, "verdict: {sentence}");
    let _ = writeln!(
        out,
        "exit {exit_code}: {}",
        exit_reason(sla, strict, exit_code)
    );
    out
}

/// What the exit code `exit_code` of a check of `sla` means, for its last line.
fn exit_reason(sla: &SlaSummary, strict: bool, exit_code: u8) -> String {
    let gating = sla.rules.iter().filter(|e| gates(e, strict)).count();
    let fail = if strict {
        "fail, are not proven or lack data (--strict)"
    } else {
        "fail"
    };
    // The load tool's own failed checks fail the check too, and are said beside
    // whatever else fails.
    let tool =
        (sla.tool_failed.as_deref()).map(|t| format!("{t}: the load tool failed the run on them"));
    let rules = |n: usize| format!("{n} fail-severity evaluation(s) on the verdict stages {fail}");
    match (exit_code, gating, tool) {
        (1, 0, Some(tool)) => format!("{tool}, as its exit code says"),
        (1, n, Some(tool)) => format!("{}; {tool}", rules(n)),
        (1, 0, None) if !sla.verdict_stages_absent.is_empty() => {
            "a stage named in verdict_stages is not in the data (--strict)".to_string()
        }
        (1, 0, None) if strict && sla.data_reason.is_some() => {
            "the data cannot carry a GO (see the verdict), which --strict fails".to_string()
        }
        (1, 0, None) if strict && sla.answers_wrong.is_some() => {
            "the answers hold a GO back (see the verdict), which --strict fails".to_string()
        }
        (1, 0, None) if strict && sla.unjudged_failures.is_some() => {
            "requests failed that no gating rule judges (see the verdict), which --strict \
             fails"
                .to_string()
        }
        (1, n, None) => rules(n),
        (0, _, _) => "no fail-severity rule fails on the verdict stages".to_string(),
        (_, 0, None) => "bad input (see the errors above)".to_string(),
        (_, n, tool) => {
            let on_data: Vec<String> = ((n > 0).then(|| rules(n)).into_iter())
                .chain(tool)
                .collect();
            format!(
                "bad input (see the errors above), which exit 2 reports first; {} on the \
                 data read (--lenient: exit 1)",
                on_data.join("; ")
            )
        }
    }
}

/// The notes of `evals` (why a status is what it is, whose figure a rule was judged
/// on), each once, with where it applies: `p(95) < 40ms @ peak`. At most three places
/// are named per note, then how many more.
fn grouped_notes<'e>(evals: impl IntoIterator<Item = &'e RuleEvaluation>) -> Vec<NoteGroup> {
    let mut groups: Vec<NoteGroup> = Vec::new();
    for e in evals {
        let Some(note) = &e.note else { continue };
        let place = format!("{} @ {}", e.rule, e.target());
        match groups.iter_mut().find(|g| &g.note == note) {
            Some(g) => g.places.push(place),
            None => groups.push(NoteGroup {
                note: note.clone(),
                places: vec![place],
                more: 0,
            }),
        }
    }
    for g in &mut groups {
        g.more = g.places.len().saturating_sub(NOTE_PLACES);
        g.places.truncate(NOTE_PLACES);
    }
    groups
}

/// One note of the evaluations and where it applies.
#[derive(Serialize)]
struct NoteGroup {
    note: String,
    places: Vec<String>,
    /// Places beyond the first [`NOTE_PLACES`].
    more: usize,
}

impl NoteGroup {
    /// `rule @ where, …, and N more` as plain text.
    fn places_text(&self) -> String {
        let mut text = self.places.join(", ");
        if self.more > 0 {
            let _ = write!(text, " and {} more", self.more);
        }
        text
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() <= CELL_CHARS {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(CELL_CHARS - 1).collect();
        t.push('…');
        t
    }
}

/// One row of the PR comment.
#[derive(Serialize)]
struct CommentRow {
    icon: &'static str,
    rule: String,
    section: String,
    target: String,
    value: String,
    limit: String,
    factor: String,
}

/// The PR comment's context.
#[derive(Serialize)]
struct Comment<'a> {
    icon: &'static str,
    verdict: Verdict,
    headline: &'a str,
    strict: bool,
    counts: StatusCounts,
    verdict_stages: &'a [String],
    attention: Vec<CommentRow>,
    attention_more: usize,
    rest: Vec<CommentRow>,
    rest_total: usize,
    rest_more: usize,
    /// The notes of the evaluations in `attention`, and in `rest`.
    attention_notes: Vec<NoteGroup>,
    rest_notes: Vec<NoteGroup>,
    /// Input problems that fail the check (exit 2), `file:line: reason`.
    problems: Vec<String>,
    /// The load tool's own checks it failed, by tool: they fail the check.
    tool_failed: Vec<ToolFailed>,
    /// What was judged against what: the inputs as given, the SLA file, the sources.
    subject: &'a CommentSubject,
}

/// The checks one load tool failed on the run, for the PR comment: `k6's own
/// thresholds`, how many of how many failed, and their names.
#[derive(Serialize)]
struct ToolFailed {
    title: String,
    failed: Vec<String>,
    total: usize,
}

impl ToolFailed {
    /// One entry per tool that failed one of its `checks`, tools in name order.
    fn of(checks: &[ToolCheck]) -> Vec<ToolFailed> {
        (ToolCheck::by_tool(checks).into_iter())
            .map(|(tool, of_tool)| ToolFailed {
                title: format!("{tool}'s own {}", ToolCheck::kind(tool)),
                failed: (of_tool.iter())
                    .filter(|c| !c.passed)
                    .map(|c| c.name.clone())
                    .collect(),
                total: of_tool.len(),
            })
            .filter(|t| !t.failed.is_empty())
            .collect()
    }
}

/// What a PR comment says was judged: a reviewer reading it in a pull request sees
/// which run dirs and which SLA file the verdict is about, and the kinds of file read.
#[derive(Debug, Default, Serialize)]
pub struct CommentSubject {
    /// The inputs as given on the command line (run dirs or files).
    pub inputs: Vec<String>,
    /// The SLA file as given.
    pub sla_file: String,
    /// Each detected format with how many files of it were read (`jmeter-csv ×2`).
    pub sources: Vec<String>,
}

impl CommentSubject {
    /// The subject of a check of `inputs` against `sla_file` that read `formats` (one
    /// entry per file read, in reading order).
    pub fn new<'f>(
        inputs: Vec<String>,
        sla_file: String,
        formats: impl IntoIterator<Item = &'f str>,
    ) -> CommentSubject {
        let mut counted: Vec<(&str, usize)> = Vec::new();
        // run.toml says how the run was planned; it holds no result.
        for f in formats.into_iter().filter(|f| *f != "headroom-manifest") {
            match counted.iter_mut().find(|(name, _)| *name == f) {
                Some((_, n)) => *n += 1,
                None => counted.push((f, 1)),
            }
        }
        let sources = (counted.into_iter())
            .map(|(name, n)| match n {
                1 => name.to_string(),
                n => format!("{name} ×{n}"),
            })
            .collect();
        CommentSubject {
            inputs,
            sla_file,
            sources,
        }
    }
}

/// The markdown of a pull-request comment: the verdict, a table of the evaluations
/// that fail, are not proven or lack data (those that gate first), and the passing
/// ones folded in a `<details>` block. Each table stops after 25 rows. Input problems
/// that fail the check (`problems`; none under `--lenient`) follow the verdict line:
/// they are why it exits 2.
pub fn comment(
    sla: &SlaSummary,
    (strict, problems): (bool, &[crate::model::Problem]),
    checks: &[ToolCheck],
    subject: &CommentSubject,
) -> Result<String, RenderError> {
    let row = |e: &RuleEvaluation| CommentRow {
        icon: match e.status {
            RuleStatus::Pass => "✅",
            RuleStatus::Fail if gates(e, strict) => "❌",
            RuleStatus::Fail => "🟠",
            RuleStatus::NotProven => "⚠️",
            RuleStatus::InsufficientData => "❔",
            RuleStatus::NotRun => "⏭️",
        },
        rule: e.rule.clone(),
        section: e.section(),
        target: e.target(),
        value: value_text(e),
        limit: limit_text(e),
        factor: factor_text(e),
    };
    let mut attention: Vec<&RuleEvaluation> = sla
        .rules
        .iter()
        .filter(|e| e.status != RuleStatus::Pass)
        .collect();
    // Gating first, then what decides the verdict, then the rest; stable otherwise.
    attention.sort_by_key(|e| (!gates(e, strict), !e.decides_verdict));
    let passing: Vec<&RuleEvaluation> = sla
        .rules
        .iter()
        .filter(|e| e.status == RuleStatus::Pass)
        .collect();
    let context = Comment {
        icon: match sla.verdict {
            Verdict::Go => "🟢",
            Verdict::NoGo => "🔴",
            Verdict::Conditional => "🟡",
        },
        verdict: sla.verdict,
        headline: &sla.headline,
        strict,
        counts: StatusCounts::of(&sla.rules),
        verdict_stages: &sla.verdict_stages,
        attention: attention
            .iter()
            .take(COMMENT_ROWS)
            .map(|e| row(e))
            .collect(),
        attention_more: attention.len().saturating_sub(COMMENT_ROWS),
        rest: passing.iter().take(COMMENT_ROWS).map(|e| row(e)).collect(),
        rest_total: passing.len(),
        rest_more: passing.len().saturating_sub(COMMENT_ROWS),
        attention_notes: grouped_notes(attention.iter().take(COMMENT_ROWS).copied()),
        rest_notes: grouped_notes(passing.iter().take(COMMENT_ROWS).copied()),
        problems: (problems.iter())
            .take(COMMENT_ROWS)
            .map(ToString::to_string)
            .collect(),
        tool_failed: ToolFailed::of(checks),
        subject,
    };
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    filters::register(&mut env);
    let fail = |source| RenderError::Template {
        name: "check.md".into(),
        source,
    };
    env.add_template("check.md", include_str!("../../templates/check.md.j2"))
        .map_err(fail)?;
    let text = env
        .get_template("check.md")
        .and_then(|t| t.render(minijinja::Value::from_serialize(&context)))
        .map_err(fail)?;
    // Never more than one blank line in a row (template conditionals leave some).
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    Ok(out.trim_start().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An evaluation of `p(95) < 500ms` on `stage` with `note`.
    fn eval(stage: &str, note: Option<&str>) -> RuleEvaluation {
        serde_json::from_value(serde_json::json!({
            "rule": "p(95) < 500ms", "line": 3, "scope": "global", "stage": stage,
            "endpoint": null, "metric": "p(95)", "op": "<", "value": 48.0, "limit": 500.0,
            "unit": "ms", "value_display": "48 ms", "limit_display": "500 ms",
            "status": "pass", "pass": true, "factor": 0.096, "factor_text": null,
            "severity": "fail", "decides_verdict": true, "interval": null, "note": note,
            "window": null
        }))
        .expect("an evaluation")
    }

    /// One note said of five stages is listed once, naming three of them and how
    /// many more; evaluations without a note add nothing.
    #[test]
    fn a_note_is_listed_once_with_where_it_applies() {
        let mut evals: Vec<RuleEvaluation> = (1..=5)
            .map(|i| eval(&format!("s{i}"), Some("judged on ab's figure")))
            .collect();
        evals.push(eval("peak", None));
        evals.push(eval("soak", Some("not in the data")));
        let groups = grouped_notes(&evals);
        assert_eq!(groups.len(), 2);
        assert_eq!(
            groups[0].places_text(),
            "p(95) < 500ms @ s1, p(95) < 500ms @ s2, p(95) < 500ms @ s3 and 2 more"
        );
        assert_eq!(groups[1].places_text(), "p(95) < 500ms @ soak");
        assert_eq!(groups[1].note, "not in the data");
    }
}
