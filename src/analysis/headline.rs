//! Every sentence that states a verdict or a status, built in one place so that the
//! terminal, `check`, the markdown and HTML reports, the PR comment and JUnit say the
//! same thing: the verdict sentence ("GO on `peak` — 23 of 23 gating evaluations pass;
//! 7 non-gating evaluations fail (stress)"), the status words (`not proven`, never
//! "0 of 2 pass") and the factor of a miss ("3.3× over", "needs 228× more", "error
//! budget used 44.9×").

use super::sla::{Metric, RuleEvaluation, RuleStatus, Severity, Verdict};
use crate::analysis::words::ticked;

/// What the verdict sentence is made of.
pub struct VerdictFacts<'a> {
    /// The verdict.
    pub verdict: Verdict,
    /// Every evaluation (`not_run` ones included).
    pub evals: &'a [RuleEvaluation],
    /// The stages that decide, when a subset does (empty: every stage).
    pub verdict_stages: &'a [String],
    /// True when the SLA named verdict stages of which none is in the data.
    pub fallback: bool,
    /// The data's stages, in order (none: overall decides).
    pub stages: &'a [String],
    /// Why the data cannot carry a GO, when it cannot.
    pub data_reason: Option<&'a str>,
    /// Clauses on what the verdict does not rest on yet a reader must know: audit
    /// findings on stages that decide nothing, failures no gating rule judges.
    pub asides: &'a [String],
}

/// The verdict sentence: the verdict and where it was decided, then the data's
/// problem (when there is one) and the gating evaluations by status (a NO-GO's
/// first: its failures are its reason), then the
/// non-gating failures and the rules that were not run.
pub fn verdict_sentence(f: &VerdictFacts) -> String {
    let place = if f.fallback {
        // The stages the SLA chose are not in the data: say which ones are, so that
        // the file (or `--verdict-stage`) can name one; never a GO (`sla_report`).
        let there = if f.stages.is_empty() {
            "which has no stages".to_string()
        } else {
            format!("whose stages are {}", backticked(f.stages))
        };
        format!(
            "{} (no verdict stage the SLA names is in the data, {there}: not a GO until \
             verdict_stages or --verdict-stage names one)",
            if f.stages.is_empty() {
                "on overall"
            } else {
                "over all stages"
            }
        )
    } else if f.stages.is_empty() {
        "on overall".to_string()
    } else if f.verdict_stages.is_empty() && f.stages.len() == 1 {
        format!("on {}", backticked(f.stages))
    } else if f.verdict_stages.is_empty() {
        "over all stages".to_string()
    } else {
        format!("on {}", backticked(f.verdict_stages))
    };
    // A NO-GO rests on its failures, which lead; any other verdict on the data first,
    // as it is why a GO could not be given.
    let mut clauses: Vec<String> = Vec::new();
    if f.verdict == Verdict::NoGo {
        clauses.extend(gating_clauses(f.evals));
    }
    if let Some(why) = f.data_reason {
        clauses.push(why.to_string());
    }
    if f.verdict != Verdict::NoGo {
        clauses.extend(gating_clauses(f.evals));
    }
    clauses.extend(f.asides.iter().cloned());
    let non_gating: Vec<&RuleEvaluation> = f
        .evals
        .iter()
        .filter(|e| !e.decides_verdict && e.status == RuleStatus::Fail)
        .collect();
    if !non_gating.is_empty() {
        let n = non_gating.len();
        clauses.push(format!(
            "{n} non-gating {} {} ({})",
            noun(n, "evaluation"),
            verb(n, "fails", "fail"),
            unique(
                non_gating
                    .iter()
                    .map(|e| e.stage.as_deref().unwrap_or("overall"))
            )
        ));
    }
    let not_run: Vec<&RuleEvaluation> = f
        .evals
        .iter()
        .filter(|e| e.status == RuleStatus::NotRun)
        .collect();
    if !not_run.is_empty() {
        let n = not_run.len();
        clauses.push(format!(
            "{n} {} not run ({}: not in the data)",
            noun(n, "evaluation"),
            unique(not_run.iter().map(|e| {
                e.endpoint
                    .as_deref()
                    .or(e.stage.as_deref())
                    .unwrap_or("overall")
            }))
        ));
    }
    format!("{} {place} — {}", f.verdict, clauses.join("; "))
}

/// The gating evaluations by status, the first group as "k of n …".
fn gating_clauses(evals: &[RuleEvaluation]) -> Vec<String> {
    let gating: Vec<&RuleEvaluation> = evals
        .iter()
        .filter(|e| e.decides_verdict && e.status != RuleStatus::NotRun)
        .collect();
    let n = gating.len();
    if n == 0 {
        return vec!["no evaluation decides the verdict".to_string()];
    }
    let of = |s: RuleStatus, sev: Option<Severity>| -> Vec<&RuleEvaluation> {
        gating
            .iter()
            .copied()
            .filter(|e| e.status == s && sev.is_none_or(|v| e.severity == v))
            .collect()
    };
    let fails = of(RuleStatus::Fail, Some(Severity::Fail));
    // Not proven by its 95 % interval reaching past the limit (too few requests), or,
    // passing with an interval clear of it, by the tool's rounding of its figure.
    // A latency pass on a stage that drifts past the limit is a third kind.
    let (drifting, not_proven): (Vec<&RuleEvaluation>, Vec<&RuleEvaluation>) =
        of(RuleStatus::NotProven, None)
            .into_iter()
            .partition(|e| e.drifts());
    let (on_failures, not_proven): (Vec<&RuleEvaluation>, Vec<&RuleEvaluation>) =
        not_proven.into_iter().partition(|e| e.rests_on_failures());
    // Counts the tool rounds, with the limit inside their band, are its rounding too.
    let (on_rounded, not_proven): (Vec<&RuleEvaluation>, Vec<&RuleEvaluation>) =
        not_proven.into_iter().partition(|e| e.on_rounded_counts());
    let (short, mut rounded): (Vec<&RuleEvaluation>, Vec<&RuleEvaluation>) =
        not_proven.into_iter().partition(|e| {
            e.interval
                .is_some_and(|[lo, hi]| lo <= e.limit && e.limit <= hi)
        });
    rounded.extend(on_rounded);
    let groups: [(Vec<&RuleEvaluation>, &str, &str, bool); 8] = [
        (fails, "fails", "fail", true),
        (
            of(RuleStatus::Fail, Some(Severity::Warn)),
            "fails a warn rule",
            "fail warn rules",
            true,
        ),
        (
            short,
            "is not proven (too few requests to show the limit holds)",
            "are not proven (too few requests to show the limits hold)",
            false,
        ),
        (
            drifting,
            "is not proven (the stage's latency drifts past the limit by its end)",
            "are not proven (the stages' latency drifts past the limits by their end)",
            false,
        ),
        (
            on_failures,
            "is not proven (it may rest on failed requests, not the successes)",
            "are not proven (they may rest on failed requests, not the successes)",
            false,
        ),
        (
            rounded,
            "is not proven (its figure is within the tool's rounding of the limit)",
            "are not proven (their figures are within the tools' rounding of the limits)",
            false,
        ),
        (
            of(RuleStatus::InsufficientData, None),
            "lacks the data to judge",
            "lack the data to judge",
            false,
        ),
        (of(RuleStatus::Pass, None), "passes", "pass", false),
    ];
    let mut out = Vec::new();
    for (list, one, many, detail) in groups {
        let k = list.len();
        if k == 0 {
            continue;
        }
        let count = if out.is_empty() {
            format!("{k} of {n} gating {}", noun(n, "evaluation"))
        } else {
            k.to_string()
        };
        let mut clause = format!("{count} {}", verb(k, one, many));
        if detail {
            const SHOWN: usize = 3;
            let items: Vec<String> = list.iter().take(SHOWN).map(|e| miss(e)).collect();
            clause.push_str(&format!(": {}", items.join(", ")));
            if k > SHOWN {
                clause.push_str(&format!(" and {} more", k - SHOWN));
            }
        }
        out.push(clause);
    }
    out
}

/// "`p(95) < 500ms` on `peak` (1.2 s, 2.4× over)".
pub fn miss(e: &RuleEvaluation) -> String {
    let mut inner: Vec<String> = Vec::new();
    if let Some(v) = &e.value_display {
        inner.push(v.clone());
    }
    if let Some(f) = factor_phrase(e) {
        inner.push(f);
    }
    let paren = if inner.is_empty() {
        String::new()
    } else {
        format!(" ({})", inner.join(", "))
    };
    format!("{} on {}{paren}", ticked(&e.rule), ticked(&e.target()))
}

/// How far a failing value is past its limit, in words: "3.3× over" for an upper
/// limit, "needs 228× more" for a lower one, "error budget used 44.9×" for a lower
/// limit on availability. `None` for an evaluation that does not fail or has no factor.
pub fn factor_phrase(e: &RuleEvaluation) -> Option<String> {
    if e.status != RuleStatus::Fail {
        return None;
    }
    let x = e.factor?;
    let n = times(x);
    Some(if e.op.is_upper_bound() {
        format!("{n}× over")
    } else if e.metric == Metric::Availability {
        format!("error budget used {n}×")
    } else {
        format!("needs {n}× more")
    })
}

/// The factor column of a table: the phrase for a miss, the ratio otherwise.
pub fn factor_text(e: &RuleEvaluation) -> String {
    factor_phrase(e)
        .or_else(|| e.factor.map(|f| format!("{f:.2}×")))
        .unwrap_or_else(|| "—".into())
}

/// A factor with the digits it deserves: `1.09`, `3.3`, `44.9`, `228`, a factor
/// just off 1 with the digits that show it (`1.0002`, never `1` for a miss), and one
/// near 0 with two significant digits (`0.0039`).
pub fn times(x: f64) -> String {
    let mut decimals = if x >= 100.0 {
        0
    } else if x >= 10.0 {
        1
    } else {
        2
    };
    while x != 1.0 && decimals < 6 && format!("{x:.decimals$}").parse::<f64>() == Ok(1.0) {
        decimals += 1;
    }
    // A factor under 0.01 keeps two significant digits (`0.0039`, never `0` for a
    // latency that fell 250-fold).
    while x > 0.0 && decimals < 8 && format!("{x:.decimals$}").parse::<f64>() == Ok(0.0) {
        decimals += 1;
    }
    if x > 0.0 && x < 0.01 {
        decimals += 1;
    }
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The status as a reader says it: `pass`, `FAIL`, `not proven`, `insufficient data`,
/// `not run`.
pub fn status_word(s: RuleStatus) -> &'static str {
    match s {
        RuleStatus::Pass => "pass",
        RuleStatus::Fail => "FAIL",
        RuleStatus::NotProven => "not proven",
        RuleStatus::InsufficientData => "insufficient data",
        RuleStatus::NotRun => "not run",
    }
}

/// `` `a`, `b` ``.
fn backticked(names: &[String]) -> String {
    names
        .iter()
        .map(|n| ticked(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The distinct names, in first-seen order, comma-separated.
fn unique<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if !seen.contains(&n) {
            seen.push(n);
        }
    }
    seen.join(", ")
}

/// `evaluation` or `evaluations`.
pub fn noun(n: usize, one: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        format!("{one}s")
    }
}

/// The verb form for `n` subjects.
pub fn verb<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::times;

    #[test]
    fn a_factor_just_off_one_keeps_the_digits_that_show_it() {
        assert_eq!(times(1.09), "1.09");
        assert_eq!(times(3.3), "3.3");
        assert_eq!(times(228.4), "228");
        assert_eq!(times(1.0), "1");
        // 1.00015 rounds to 1 at two decimals: four show the miss.
        assert_eq!(times(1.00015), "1.0002");
        assert_eq!(times(0.9996), "0.9996");
        // 147 µs against 37.4 ms: 0.00393…, two significant digits.
        assert_eq!(times(0.147 / 37.4), "0.0039");
        assert_eq!(times(0.0004), "0.0004");
        assert_eq!(times(0.05), "0.05");
    }
}
