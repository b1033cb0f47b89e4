//! The runs whose own report withholds a decision from their data (`data_quality`
//! inconsistent, simulated or incomplete: anchors D3, a verdict never rests on data
//! its own audit rejects). Their figures are still compared as stated, but a release
//! is not called `NO REGRESSION` or `IMPROVED` on them: the headline says
//! INCONCLUSIVE and names the run and why. A regression found on them stays
//! `REGRESSED` (holding a release back on doubtful data errs the safe way) and is
//! named with the same clause.

use serde::Serialize;

use super::input::CompareRun;
use crate::analysis::quality::DataQuality;

/// A compared run whose data withholds a decision.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UntrustedRun {
    /// Its release label.
    pub label: String,
    /// The run dir or report.json, as given.
    pub origin: String,
    /// Its `data_quality`.
    pub data_quality: DataQuality,
    /// Why, as its report says.
    pub reason: Option<String>,
}

/// The runs of either side whose data withholds a decision, baseline first.
pub fn untrusted(baseline: &[CompareRun], candidates: &[CompareRun]) -> Vec<UntrustedRun> {
    baseline
        .iter()
        .chain(candidates)
        .filter(|r| r.quality.0.withholds_decision())
        .map(|r| UntrustedRun {
            label: r.label.clone(),
            origin: r.origin.clone(),
            data_quality: r.quality.0,
            reason: r.quality.1.clone(),
        })
        .collect()
}

/// `; no release decision rests on it: v2's data is inconsistent (…)`, or `""`; after a
/// regression, which stands, only what the data is.
pub fn clause(runs: &[UntrustedRun], regressed: bool) -> String {
    if runs.is_empty() {
        return String::new();
    }
    let each: Vec<String> = runs
        .iter()
        .map(|r| {
            let why = r
                .reason
                .as_deref()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default();
            // Repeats share their side's label: the run is named by its own dir.
            let shared = runs.iter().filter(|o| o.label == r.label).count() > 1;
            let name = match std::path::Path::new(&r.origin).file_name() {
                Some(own) if shared => own.to_string_lossy().into_owned(),
                _ => r.label.clone(),
            };
            format!("{name}'s data is {}{why}", r.data_quality.as_str())
        })
        .collect();
    match regressed {
        true => format!("; {}", each.join("; ")),
        false => format!("; no release decision rests on it: {}", each.join("; ")),
    }
}

/// The note saying what the runs' quality does to the comparison.
pub fn note(runs: &[UntrustedRun]) -> Option<String> {
    let names: Vec<String> = runs
        .iter()
        .map(|r| format!("{} ({})", r.origin, r.data_quality.as_str()))
        .collect();
    (!names.is_empty()).then(|| {
        format!(
            "the report of {} withholds a verdict from its own data: its figures are \
             compared as stated, but no `NO REGRESSION` or `IMPROVED` headline rests on \
             them (regressions are still shown); fix the run as its report's data \
             quality says and compare again",
            names.join(", ")
        )
    })
}
