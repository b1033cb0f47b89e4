//! The JUnit XML of `headroom check --junit FILE`, which CI servers (Jenkins, GitLab,
//! GitHub test reporters) show as test results: one `<testsuite>` per SLA section
//! (`global`, `stage peak`, `endpoint GET /a`, …), one `<testcase>` per rule
//! evaluation.
//!
//! A testcase mirrors the gate, so that the test report and the exit code agree:
//! - an evaluation that fails the gate (`analysis::sla::gates`) has a `<failure>`
//!   whose message carries the value, the limit and the factor;
//! - one that fails without gating (a warn rule, a stage outside `verdict_stages`),
//!   is not proven or lacks data (without `--strict`) is `<skipped>` with the reason
//!   (its note, when it has one, as the element's text);
//! - a pass is a plain testcase; a rule not run (its stage or endpoint is not in the
//!   data) is `<skipped>` too, and a `<failure>` with `--strict`, as the gate says;
//! - an input problem that makes `check` exit 2 (a malformed file or row; not with
//!   `--lenient`) is an `<error>` in a suite `input` of its own, naming the file and
//!   line, so that a test report never shows all green beside exit 2;
//! - data that cannot carry a GO (incomplete, partial, simulated or inconsistent, or a
//!   suspect audit finding) is a `<skipped>` testcase `data quality` in a suite `data`
//!   with the verdict's reason, so that a CONDITIONAL on all-passing rules does not
//!   read as all green (skipped, not failed: it does not change the exit code; a
//!   `<failure>` with `--strict`, which exits 1 on it); so is a testcase `answers`
//!   when the answers hold the GO back (5xx the tool marked successful, the script's
//!   failed checks of the answers), and a testcase `failures` when more than 1 % of
//!   the requests failed and no gating rule judges failures;
//! - a `verdict_stages` entry naming no stage in the data is a testcase `verdict_stages`
//!   in a suite `verdict stages`: `<skipped>` (with none of them in the data the
//!   verdict is at most CONDITIONAL), a `<failure>` with `--strict` (which exits 1 on
//!   it), so that a report never shows all green for stages that judged nothing;
//! - the load tool's own checks (k6's thresholds, Gatling's assertions) are a suite
//!   `k6 thresholds` / `gatling assertions`, one
//!   testcase each: one the tool failed is a `<failure>` (the tool failed the run, so
//!   `check` exits 1 on it, with or without `--strict`), one it passed is plain.
//!
//! Written by hand (no XML crate): every attribute and text goes through [`escape`].

use std::fmt::Write;

use crate::analysis::report::SlaSummary;
use crate::analysis::sla::{gates, RuleEvaluation, RuleStatus, Severity};
use crate::model::{Problem, ToolCheck};

/// Escapes text for an XML attribute or element: the five entities, control
/// characters that XML 1.0 cannot hold at all dropped, bidirectional overrides shown
/// as their escapes (`\u{202e}`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Kept as character references so that attributes keep them.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            // A bidirectional override would reorder what a CI page shows: escaped.
            c if !c.is_control() && super::terminal::unsafe_char(c) => {
                out.extend(c.escape_default());
            }
            c => out.push(c),
        }
    }
    out
}

/// `p(95) = 1.2 s, limit < 500 ms, 2.4× over` (a pass: `factor 0.50`).
fn summary(e: &RuleEvaluation) -> String {
    let value = e.value_display.as_deref().unwrap_or("unknown");
    let factor = crate::analysis::headline::factor_phrase(e)
        .or_else(|| e.factor.map(|f| format!("factor {f:.2}")))
        .unwrap_or_else(|| "factor n/a".into());
    format!(
        "{} = {value}, limit {} {}, {factor}",
        e.metric, e.op, e.limit_display
    )
}

/// Why an evaluation that does not pass is not a failure of the gate.
fn skip_reason(e: &RuleEvaluation) -> String {
    let status = match e.status {
        RuleStatus::Fail => "fails",
        RuleStatus::NotProven => "not proven",
        RuleStatus::InsufficientData => "insufficient data",
        RuleStatus::Pass => "passes",
        RuleStatus::NotRun => "not run",
    };
    let why = if e.status == RuleStatus::NotRun {
        "its stage or endpoint is not in the data; gates only with --strict"
    } else if e.severity == Severity::Warn {
        "a warn rule does not gate"
    } else if !e.decides_verdict {
        "outside the verdict stages: does not gate"
    } else {
        "gates only with --strict"
    };
    format!("{status} ({why}): {}", summary(e))
}

/// The JUnit XML document for these evaluations.
/// The JUnit XML of `sla`'s evaluations, of the input `problems` that fail the check
/// (none under `--lenient`) and of the load tool's own `checks`.
pub fn render(
    sla: &SlaSummary,
    strict: bool,
    problems: &[Problem],
    checks: &[ToolCheck],
) -> String {
    // Sections in the order they first appear.
    let mut sections: Vec<(String, Vec<&RuleEvaluation>)> = Vec::new();
    for e in &sla.rules {
        let name = e.section();
        match sections.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(e),
            None => sections.push((name, vec![e])),
        }
    }
    let count = |list: &[&RuleEvaluation]| {
        let failures = list.iter().filter(|e| gates(e, strict)).count();
        let skipped = list
            .iter()
            .filter(|e| e.status != RuleStatus::Pass && !gates(e, strict))
            .count();
        (list.len(), failures, skipped)
    };
    let all: Vec<&RuleEvaluation> = sla.rules.iter().collect();
    let (tests, failures, skipped) = count(&all);
    // The verdict stages the data lacks, and the data's and answers' hold on a GO:
    // failures with --strict (which exits 1 on them), skipped otherwise.
    let fallback = usize::from(!sla.verdict_stages_absent.is_empty());
    let held = [&sla.data_reason, &sla.answers_wrong, &sla.unjudged_failures]
        .iter()
        .filter(|r| r.is_some())
        .count();
    let (failures, skipped) = match strict {
        true => (failures + fallback + held, skipped),
        false => (failures, skipped + fallback + held),
    };
    // The checks the load tool failed fail the check, with or without --strict.
    let failures = failures + checks.iter().filter(|c| !c.passed).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"headroom check: {}\" tests=\"{}\" failures=\"{failures}\" \
         skipped=\"{}\" errors=\"{}\" time=\"0\">",
        escape(sla.verdict.as_str()),
        tests + problems.len() + fallback + held + checks.len(),
        skipped,
        problems.len()
    );
    input_suite(&mut out, problems);
    verdict_stage_suite(&mut out, sla, strict);
    data_suite(&mut out, sla, strict);
    tool_suites(&mut out, checks, sla);
    for (name, list) in &sections {
        let (tests, failures, skipped) = count(list);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" \
             skipped=\"{skipped}\" errors=\"0\" time=\"0\">",
            escape(name)
        );
        for e in list {
            let case = format!(
                "    <testcase classname=\"headroom.sla.{}\" name=\"{} @ {}\" time=\"0\"",
                escape(name),
                escape(&e.rule),
                escape(&e.target())
            );
            if gates(e, strict) {
                let _ = writeln!(
                    out,
                    "{case}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    escape(&summary(e)),
                    e.status.as_str(),
                    escape(e.note.as_deref().unwrap_or(""))
                );
            } else if e.status != RuleStatus::Pass {
                // The note (why it lacks data, whose figure it is) as the element's
                // text, as a failure carries it.
                let reason = escape(&skip_reason(e));
                let skipped = match &e.note {
                    Some(note) => {
                        format!("<skipped message=\"{reason}\">{}</skipped>", escape(note))
                    }
                    None => format!("<skipped message=\"{reason}\"/>"),
                };
                let _ = writeln!(out, "{case}>\n      {skipped}\n    </testcase>");
            } else {
                let _ = writeln!(out, "{case}/>");
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The suite `data`: a skipped testcase `data quality` with the reason the data
/// cannot carry a GO, one `answers` with why the answers hold it back and one
/// `failures` with the failures no gating rule judges (none when nothing does);
/// failed with `--strict`, which exits 1 on them.
fn data_suite(out: &mut String, sla: &SlaSummary, strict: bool) {
    let cases = [
        (
            "data quality",
            sla.data_reason.as_ref(),
            "the verdict needs clean data",
        ),
        (
            "answers",
            sla.answers_wrong.as_ref(),
            "the verdict needs right answers",
        ),
        (
            "failures",
            sla.unjudged_failures.as_ref(),
            "the verdict needs a rule that judges them",
        ),
    ];
    let cases: Vec<_> = cases
        .into_iter()
        .filter_map(|(n, why, needs)| Some((n, why?, needs)))
        .collect();
    if cases.is_empty() {
        return;
    }
    let n = cases.len();
    let (failures, skipped) = if strict { (n, 0) } else { (0, n) };
    let _ = writeln!(
        out,
        "  <testsuite name=\"data\" tests=\"{n}\" failures=\"{failures}\" \
         skipped=\"{skipped}\" errors=\"0\" time=\"0\">"
    );
    for (name, why, needs) in cases {
        let message = format!(
            "{} ({}: {needs})",
            escape(why),
            escape(sla.verdict.as_str())
        );
        let body = if strict {
            format!("<failure message=\"{message} (--strict)\" type=\"held\"></failure>")
        } else {
            format!("<skipped message=\"{message}\"/>")
        };
        let _ = writeln!(
            out,
            "    <testcase classname=\"headroom.data\" name=\"{name}\" time=\"0\">\n      \
             {body}\n    </testcase>"
        );
    }
    out.push_str("  </testsuite>\n");
}

/// The suite `verdict stages` when a stage `verdict_stages` names is not in the data
/// (nothing otherwise): skipped, or failed with `--strict`.
fn verdict_stage_suite(out: &mut String, sla: &SlaSummary, strict: bool) {
    if sla.verdict_stages_absent.is_empty() {
        return;
    }
    let stages: Vec<&str> = (sla.matrix.columns.iter())
        .filter(|c| c.as_str() != "overall")
        .map(String::as_str)
        .collect();
    let outcome = if sla.verdict_fallback {
        "none of them is, so every stage decided, and the verdict is at most CONDITIONAL \
         until verdict_stages or --verdict-stage names one"
    } else {
        "it decides nothing"
    };
    let why = format!(
        "verdict_stages names {}, not in the data (stages: {}): {outcome}",
        sla.verdict_stages_absent.join(", "),
        stages.join(", ")
    );
    let (failures, skipped, body) = if strict {
        (
            1,
            0,
            format!(
                "<failure message=\"{} (--strict)\" type=\"not_run\"></failure>",
                escape(&why)
            ),
        )
    } else {
        (0, 1, format!("<skipped message=\"{}\"/>", escape(&why)))
    };
    let _ = writeln!(
        out,
        "  <testsuite name=\"verdict stages\" tests=\"1\" failures=\"{failures}\" \
         skipped=\"{skipped}\" errors=\"0\" time=\"0\">\n    <testcase \
         classname=\"headroom.sla.verdict_stages\" name=\"verdict_stages\" time=\"0\">\n      \
         {body}\n    </testcase>\n  </testsuite>"
    );
}

/// One suite per tool of its own checks (`k6 thresholds`), a testcase each: a
/// `<failure>` when the tool failed it, as `check` exits 1 on it (nothing without
/// checks).
fn tool_suites(out: &mut String, checks: &[ToolCheck], sla: &SlaSummary) {
    for (tool, of_tool) in ToolCheck::by_tool(checks) {
        let failed = of_tool.iter().filter(|c| !c.passed).count();
        let what = ToolCheck::kind(tool);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{} {what}\" tests=\"{}\" failures=\"{failed}\" skipped=\"0\" \
             errors=\"0\" time=\"0\">",
            escape(tool),
            of_tool.len()
        );
        for c in of_tool {
            let case = format!(
                "    <testcase classname=\"headroom.tool.{}\" name=\"{}\" time=\"0\"",
                escape(tool),
                escape(&c.name)
            );
            if c.passed {
                let _ = writeln!(out, "{case}/>");
            } else {
                let _ = writeln!(
                    out,
                    "{case}>\n      <failure message=\"{} failed it on this run ({}: not a GO \
                     while it fails)\" type=\"tool_check\">{}</failure>\n    </testcase>",
                    escape(tool),
                    escape(sla.verdict.as_str()),
                    escape(&c.file)
                );
            }
        }
        out.push_str("  </testsuite>\n");
    }
}

/// The suite of input problems, one `<error>` each (nothing without problems).
fn input_suite(out: &mut String, problems: &[Problem]) {
    if problems.is_empty() {
        return;
    }
    let n = problems.len();
    let _ = writeln!(
        out,
        "  <testsuite name=\"input\" tests=\"{n}\" failures=\"0\" skipped=\"0\" \
         errors=\"{n}\" time=\"0\">"
    );
    for p in problems {
        let at = match p.line {
            Some(l) => format!("{}:{l}", p.path.display()),
            None => p.path.display().to_string(),
        };
        let _ = writeln!(
            out,
            "    <testcase classname=\"headroom.input\" name=\"{}\" time=\"0\">\n      \
             <error message=\"{}\" type=\"input_problem\"/>\n    </testcase>",
            escape(&at),
            escape(&p.reason)
        );
    }
    out.push_str("  </testsuite>\n");
}

/// The JUnit XML of a check that judged nothing (exit 2: no results read, a bad SLA
/// file): one `<error>` testcase with `reason`, so that a test report never shows an
/// earlier check's results, nor all green, beside exit 2.
pub fn no_verdict(reason: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"headroom check: \
         NO VERDICT\" tests=\"1\" failures=\"0\" skipped=\"0\" errors=\"1\" time=\"0\">\n  \
         <testsuite name=\"input\" tests=\"1\" failures=\"0\" skipped=\"0\" errors=\"1\" \
         time=\"0\">\n    <testcase classname=\"headroom.input\" name=\"nothing judged\" \
         time=\"0\">\n      <error message=\"{}\" type=\"no_verdict\"/>\n    </testcase>\n  \
         </testsuite>\n</testsuites>\n",
        escape(reason)
    )
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>\u{1}\tz"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;&#9;z"
        );
    }
}
