//! The report's written sections, derived from the figures and findings only: every
//! stage against the lowest-load stage (`deltas`), a few sentences per stage on what
//! moved, what dominates and what broke (`stage_prose`), and the prioritised
//! recommendations and next steps, each citing its evidence (`recommendations`).
//! `setup` gathers what the run says about its scenarios and environment.
//!
//! Honesty rules: every number quoted is one the report shows elsewhere (or a ratio
//! or difference of two of them); a stage whose figures the consistency audit rejects
//! (an `impossible` finding) is never compared nor described, only named with the
//! finding; simulated or incomplete data is said so before anything else.

mod deltas;
mod recommendations;
pub mod setup;
mod stage_prose;

use std::collections::BTreeMap;

use serde::Serialize;

use super::audit::AuditVerdict;
use super::quality::{finding_summary, DataQuality};
use super::report::{Analysis, StageReport};

pub use deltas::{DeltaMetric, MetricDelta, StageDeltas};
pub use recommendations::{NextStep, Priority, Recommendation};
pub use stage_prose::StageAnalysis;

/// The written sections of the report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Narrative {
    /// What the reader must know before the sentences below (simulated, incomplete or
    /// inconsistent data); null when the data is clean.
    pub caveat: Option<String>,
    /// The stage every other is compared with: the lowest load (fewest users, else
    /// lowest arrival rate, else the first stage); null with fewer than two stages.
    pub baseline_stage: Option<String>,
    /// Why that stage (`the fewest users: 10`).
    pub baseline_basis: Option<String>,
    /// Every other stage against the baseline stage.
    pub deltas: Vec<StageDeltas>,
    /// Sentences per stage, in stage order.
    pub stage_analysis: Vec<StageAnalysis>,
    /// What to do, most urgent first (P0 blocks the release, P1 next, P2 later).
    pub recommendations: Vec<Recommendation>,
    /// What to run or collect next to settle what the data leaves open.
    pub next_steps: Vec<NextStep>,
}

/// Writes the narrative of a finished analysis (figures, capacity, SLA, audit and
/// bottleneck hints already in place).
pub fn build(a: &Analysis) -> Narrative {
    let rejected = rejected_stages(a);
    let off = &a.capacity.off_curve;
    let baseline = baseline(&a.stages, off);
    let deltas = baseline
        .as_ref()
        .map(|(b, _)| deltas::all(&a.stages, *b, &rejected, off))
        .unwrap_or_default();
    Narrative {
        caveat: caveat(a),
        baseline_stage: baseline.as_ref().map(|(b, _)| a.stages[*b].name.clone()),
        baseline_basis: baseline.map(|(_, why)| why),
        deltas,
        stage_analysis: stage_prose::all(a, &rejected),
        recommendations: recommendations::recommendations(a),
        next_steps: recommendations::next_steps(a),
    }
}

/// Stages whose figures the audit rejects, with the finding in a clause; the key
/// `None` means a run-wide rejection (every stage).
type Rejected = BTreeMap<Option<String>, String>;

fn rejected_stages(a: &Analysis) -> Rejected {
    let mut out = Rejected::new();
    for f in a
        .audit
        .iter()
        .filter(|f| f.verdict == AuditVerdict::Impossible)
    {
        out.entry(f.stage.clone())
            .or_insert_with(|| finding_summary(f));
    }
    out
}

/// Why the audit rejects `stage`'s figures, when it does.
fn rejection<'r>(rejected: &'r Rejected, stage: &str) -> Option<&'r str> {
    rejected
        .get(&Some(stage.to_string()))
        .or_else(|| rejected.get(&None))
        .map(String::as_str)
}

/// The lowest-load stage's index and why it was chosen; `None` with fewer than two
/// stages. Stages off the load curve (`off`: they requested other endpoints, see
/// `capacity::CapacityReport::off_curve`) are no baseline for the others, nor is a
/// warm-up stage beside others (a service warming up is at no steady state).
fn baseline(stages: &[StageReport], off: &[String]) -> Option<(usize, String)> {
    if stages.len() < 2 {
        return None;
    }
    let warms_up = |s: &StageReport| super::capacity::load_points::warms_up(&s.name);
    // A warm-up is left out only beside another stage.
    let others = stages.iter().any(|s| !warms_up(s));
    let aside = |s: &StageReport| off.contains(&s.name) || (others && warms_up(s));
    let lowest = |load: &dyn Fn(&StageReport) -> Option<f64>| {
        stages
            .iter()
            .enumerate()
            .filter(|(_, s)| !aside(s))
            .filter_map(|(i, s)| load(s).map(|l| (i, l)))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
    };
    if let Some((i, n)) = lowest(&|s| s.users.map(f64::from)) {
        return Some((
            i,
            format!("the fewest users: {}", super::quantity::format_count(n)),
        ));
    }
    if let Some((i, r)) = lowest(&|s| s.arrival_rate_rps) {
        return Some((
            i,
            format!(
                "the lowest arrival rate: {}",
                super::quantity::format_rate(r)
            ),
        ));
    }
    Some((0, "the first stage: no stage records its load".to_string()))
}

fn caveat(a: &Analysis) -> Option<String> {
    let why = a.data_quality_reason.as_deref().unwrap_or("");
    match a.data_quality {
        DataQuality::Clean => None,
        DataQuality::Simulated => Some(format!(
            "Simulated data ({why}): the sentences below describe the inputs, not a real system."
        )),
        DataQuality::Inconsistent => Some(format!(
            "Inconsistent data ({why}): stages the audit rejects are named, never compared \
             or described."
        )),
        DataQuality::Incomplete => Some(format!(
            "Incomplete data ({why}): the sentences below cover what was measured."
        )),
        DataQuality::Partial => Some(format!(
            "Partial data ({why}): the sentences below cover the requests the files list."
        )),
    }
}

/// A ratio with the digits it deserves (`1.09`, `6.1`, `51`): see
/// [`super::headline::times`].
fn ratio_text(x: f64) -> String {
    super::headline::times(x)
}
