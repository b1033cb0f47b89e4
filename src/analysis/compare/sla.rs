//! `compare --sla`: the candidate's runs judged on the SLA file's rules the way `check`
//! judges them (its verdict sentence, its failing gating evaluations). A comparison
//! says how the candidate moved against the baseline, not whether it meets the SLA:
//! NO REGRESSION beside a candidate whose p95 breaks `p(95) < 30ms` would read as a
//! pass to a release manager. So a candidate run that `check` would call NO-GO turns
//! the headline into BREAKS THE SLA (compare.json's `outcome` `breaks_sla`, no pass)
//! unless it regressed as well (then REGRESSED, with the SLA's clause); a GO or
//! CONDITIONAL is said in the headline too (a report.json is judged on the figures it
//! keeps: its histograms or its tool's summary, its counts), and a run that cannot be
//! judged (a report.json that cannot be read back) is named, and no pass rests on it:
//! NO REGRESSION or IMPROVED becomes INCONCLUSIVE (NOT A PASS), saying
//! what the comparison alone found. compare.json lists every judgement in `sla[]`.

use serde::Serialize;

use super::outcome::Outcome;
use crate::analysis::report::SlaSummary;
use crate::analysis::sla::{gates, Verdict};
use crate::analysis::words::ticked;

/// One candidate run judged on the SLA file's rules.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SlaJudgement {
    /// The run's release label.
    pub label: String,
    /// The run dir or report.json, as given.
    pub origin: String,
    /// `GO`, `CONDITIONAL` or `NO-GO` as `check` gives it; null when not judged.
    pub verdict: Option<Verdict>,
    /// `check`'s verdict sentence, or why the run was not judged.
    pub headline: String,
    /// The fail-severity evaluations that fail on the verdict stages (NO-GO's cause).
    pub failed: Vec<BrokenRule>,
}

/// A gating evaluation that fails.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BrokenRule {
    /// The rule as written (`p(95) < 30ms`).
    pub rule: String,
    /// The stage it failed on (null: overall).
    pub stage: Option<String>,
    /// The endpoint it was scoped to, if any.
    pub endpoint: Option<String>,
    /// The measured value as shown (`40.2 ms`), when known.
    pub value: Option<String>,
    /// The limit as shown.
    pub limit: String,
}

impl SlaJudgement {
    /// The judgement `check` gives `sla` (a run dir analysed with the SLA file); its
    /// label is the run's as compared ([`judged`]).
    pub fn of(sla: &SlaSummary, origin: &str) -> SlaJudgement {
        let failed = (sla.rules.iter())
            .filter(|e| gates(e, false))
            .map(|e| BrokenRule {
                rule: e.rule.clone(),
                stage: e.stage.clone(),
                endpoint: e.endpoint.clone(),
                value: e.value_display.clone(),
                limit: e.limit_display.clone(),
            })
            .collect();
        SlaJudgement {
            label: String::new(),
            origin: origin.to_string(),
            verdict: Some(sla.verdict),
            headline: sla.headline.clone(),
            failed,
        }
    }

    /// A run the SLA could not be applied to, and why.
    pub fn unjudged(origin: &str, why: &str) -> SlaJudgement {
        SlaJudgement {
            label: String::new(),
            origin: origin.to_string(),
            verdict: None,
            headline: why.to_string(),
            failed: Vec::new(),
        }
    }

    fn breaks(&self) -> bool {
        self.verdict == Some(Verdict::NoGo)
    }

    /// `cand (runs/cand-3)`: the label, with the run when the label is a side's.
    fn name(&self, several: bool) -> String {
        match several {
            true => format!("{} ({})", ticked(&self.label), ticked(&self.origin)),
            false => ticked(&self.label),
        }
    }

    /// `p(95) < 30ms` on `steady` (40.2 ms)`, each broken rule.
    fn broken(&self) -> String {
        let each: Vec<String> = (self.failed.iter())
            .map(|b| {
                let at = match (&b.stage, &b.endpoint) {
                    (Some(s), Some(e)) => format!(" on {} / {}", ticked(s), ticked(e)),
                    (Some(s), None) => format!(" on {}", ticked(s)),
                    (None, Some(e)) => format!(" on {}", ticked(e)),
                    (None, None) => " overall".to_string(),
                };
                let value = b
                    .value
                    .as_deref()
                    .map_or(String::new(), |v| format!(" ({v})"));
                format!("{}{at}{value}", ticked(&b.rule))
            })
            .collect();
        each.join(", ")
    }
}

/// The candidates' judgements (none without an SLA's rules), each under its run's
/// label as compared.
pub fn judged(candidates: &[super::input::CompareRun]) -> Vec<SlaJudgement> {
    (candidates.iter())
        .filter_map(|c| {
            let mut j = c.sla.clone()?;
            j.label.clone_from(&c.label);
            Some(j)
        })
        .collect()
}

/// Whether any judged candidate run breaks the SLA (`check` would say NO-GO).
pub fn broken(judged: &[SlaJudgement]) -> bool {
    judged.iter().any(SlaJudgement::breaks)
}

/// The headline (outcome and line) with the SLA's judgement: a candidate breaking it
/// keeps a regression REGRESSED and turns anything else into BREAKS THE SLA; a
/// candidate run the SLA was not checked on (a report.json not read back) turns a pass
/// into INCONCLUSIVE, since a release manager must not read NO REGRESSION where the rules
/// were never applied. Either way the line then says what the comparison alone
/// found; the SLA's [`clause`] follows.
pub fn apply(
    (outcome, line): (Outcome, String),
    candidates: &[super::input::CompareRun],
) -> (Outcome, String) {
    let judged = &judged(candidates);
    let to = if broken(judged) && outcome != Outcome::Regressed {
        Some(Outcome::BreaksSla)
    } else if unchecked(judged) && outcome.passes() {
        Some(Outcome::Inconclusive)
    } else {
        None
    };
    let (outcome, line) = match to {
        Some(to) => (
            to,
            line.replacen(outcome.head(), to.head(), 1)
                + &format!("; against the baseline alone: {}", outcome.head()),
        ),
        None => (outcome, line),
    };
    (outcome, line + &clause(judged))
}

/// Whether the SLA was not checked on some candidate run (a report.json not read
/// back): no pass may rest on the comparison alone then.
pub fn unchecked(judged: &[SlaJudgement]) -> bool {
    judged.iter().any(|j| j.verdict.is_none())
}

/// `advice` (what would settle a headline that is no pass) with what judging the
/// unchecked candidate runs takes, when the outcome is no pass and some are.
pub fn advise(advice: Option<String>, outcome: Outcome, judged: &[SlaJudgement]) -> Option<String> {
    let open = matches!(outcome, Outcome::Inconclusive | Outcome::PossiblyWorse);
    let runs: Vec<String> = (judged.iter().filter(|j| j.verdict.is_none()))
        .map(|j| ticked(&j.origin))
        .collect();
    if !open || runs.is_empty() {
        return advice;
    }
    let says = format!(
        "check the SLA on {}: give the run dir instead of its report.json, or run \
         `headroom check RUN_DIR --sla FILE` on it",
        runs.join(", ")
    );
    Some(match advice {
        Some(a) => format!("{says}; {a}"),
        None => says,
    })
}

/// The headline's clause on the SLA (`""` without an SLA's rules): the runs that break
/// it and how, else the verdict each gives, and the runs not judged.
pub fn clause(judged: &[SlaJudgement]) -> String {
    if judged.is_empty() {
        return String::new();
    }
    let several = {
        let mut labels: Vec<&str> = judged.iter().map(|j| j.label.as_str()).collect();
        labels.dedup();
        labels.len() < judged.len()
    };
    let nogo: Vec<String> = (judged.iter().filter(|j| j.breaks()))
        .map(|j| format!("{} fails {}", j.name(several), j.broken()))
        .collect();
    let mut parts = Vec::new();
    if !nogo.is_empty() {
        parts.push(format!(
            "the candidate breaks the SLA: {} — NO-GO as `check` judges it",
            nogo.join("; ")
        ));
    }
    let rest: Vec<String> = (judged.iter().filter(|j| !j.breaks()))
        .filter_map(|j| Some(format!("{} {}", j.name(several), j.verdict?.as_str())))
        .collect();
    if !rest.is_empty() {
        let lead = match nogo.is_empty() {
            true => "SLA".to_string(),
            false => "others".to_string(),
        };
        parts.push(format!("{lead}: {}", rest.join(", ")));
    }
    let unjudged: Vec<String> = (judged.iter().filter(|j| j.verdict.is_none()))
        .map(|j| format!("{} not judged ({})", j.name(several), j.headline))
        .collect();
    if !unjudged.is_empty() {
        parts.push(format!("SLA not checked: {}", unjudged.join(", ")));
    }
    format!("; {}", parts.join("; "))
}
