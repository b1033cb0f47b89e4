//! `compare --sla`'s judging of runs on the SLA file: the file's rules (a file with
//! only a `[compare]` section has none), a saved report.json judged on the figures it
//! keeps (read back through `ingest::own_report`), and the SLA's warnings said once
//! for every run that gave them.

use std::path::Path;

use super::pipeline::{judge_unsaid, SlaFile};
use crate::analysis::compare::sla::SlaJudgement;
use crate::analysis::sla::RuleStatus;
use crate::model::untrusted::printable;

/// A report.json judged on the SLA file's rules as `check` judges a run dir: the run it
/// describes read back (`ingest::own_report`: its exact histograms, or its tool's
/// summary figures, its counts and failures by kind) and analysed with the rules. Its
/// warnings go to `loading`; a report that cannot be read back is left unjudged,
/// saying why. `Err`: the rules do not apply to it (a stage name that looks like a
/// typo of one it has: printed, exit 2, as for a run dir).
pub(super) fn judge_report(
    text: &str,
    sla: &SlaFile,
    shown: &str,
    loading: &mut Loading,
) -> Result<SlaJudgement, String> {
    let read = match crate::ingest::own_report::read_report(text) {
        Ok(r) => r,
        Err(e) => {
            let why = format!("its figures could not be read back to judge the rules on ({e})");
            return Ok(SlaJudgement::unjudged(shown, &why));
        }
    };
    let Ok(judged) = judge_unsaid(&read.run, Some(sla)) else {
        return Err("the SLA file's rules do not apply to it (see the error above)".into());
    };
    for w in judged.warnings.iter().filter(|w| w.from_sla()) {
        loading.warned(w.to_string(), shown);
    }
    let Some(summary) = judged.sla else {
        return Ok(SlaJudgement::unjudged(
            shown,
            "it holds no measured stage to judge the rules on",
        ));
    };
    let mut j = SlaJudgement::of(&summary, shown);
    // What the report lacks is said where a rule went without it.
    let lacking = (summary.rules.iter()).any(|e| e.status == RuleStatus::InsufficientData);
    j.headline = match lacking {
        true => format!(
            "{} (judged on the report.json's figures; it does not keep {})",
            j.headline,
            read.missing.join(", nor ")
        ),
        false => format!("{} (judged on the report.json's figures)", j.headline),
    };
    Ok(j)
}

/// The SLA file's rules to judge each run on, when `--sla` has any (a file with only
/// a `[compare]` section gives noise floors alone). `Err`: the file's rules cannot be
/// read (printed; exit 2, as `check` would).
pub(super) fn sla_rules(path: Option<&Path>) -> Result<Option<SlaFile>, ()> {
    let Some(path) = path else { return Ok(None) };
    let text = crate::ingest::text::read_text(path).map_err(|_| ())?;
    let doc: toml::Table = text.parse().map_err(|_| ())?;
    if doc.keys().all(|k| k == "compare") {
        return Ok(None);
    }
    SlaFile::read(path).map(Some).map_err(|_| ())
}

/// What reading the runs found beside them: whether an input had a problem, and each
/// warning the SLA file gave (a stage it names that the data lacks) with the runs
/// that gave it, to be said once for them all.
#[derive(Default)]
pub(super) struct Loading {
    pub(super) problems: bool,
    sla_warnings: Vec<(String, Vec<String>)>,
}

impl Loading {
    /// Notes that run `shown` gave the SLA warning `w`.
    pub(super) fn warned(&mut self, w: String, shown: &str) {
        match self.sla_warnings.iter_mut().find(|(said, _)| *said == w) {
            Some((_, runs)) => runs.push(shown.to_string()),
            None => self.sla_warnings.push((w, vec![shown.to_string()])),
        }
    }

    /// Prints each SLA warning once, naming its runs when several gave it (ten
    /// repeats lacking the stage `[stage.soak]` names are one line, not ten).
    pub(super) fn say(&self, sla: &SlaFile) {
        for (w, runs) in &self.sla_warnings {
            let which = match runs.len() {
                1 => String::new(),
                n => format!(" (in {n} runs: {})", runs.join(", ")),
            };
            eprintln!(
                "warning: {}: {}",
                sla.origin,
                printable(&format!("{w}{which}"))
            );
        }
    }
}
