//! Whether the consistency audit rejects what the capacity rests on. Saturation,
//! breaking points, headroom and the USL fit are drawn through the load points; when
//! the audit finds a load point's stage (or the whole run) impossible or suspect, the
//! capacity is what the data states, not a measured capacity, and the report says so
//! beside it (anchors D3: a judgement never rests on data its own audit rejects).

use serde::Serialize;

use super::CapacityReport;
use crate::analysis::audit::{AuditFinding, AuditVerdict};
use crate::analysis::words::ticked;

/// The load points the audit rejects, and what that leaves of the capacity.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AuditRejection {
    /// The load points' stages with a finding other than `ok` (empty when a run-wide
    /// finding, or a ramp's, rejects them all).
    pub stages: Vec<String>,
    /// How many load points the capacity rests on.
    pub load_points: usize,
    /// True when every load point is rejected: no capacity figure stands.
    pub all: bool,
    /// The checks that reject them (`response_time_law`, …).
    pub checks: Vec<String>,
    /// The rejection in words, with what to check.
    pub statement: String,
}

/// The audit's rejection of `cap`'s load points; `None` when it rejects none of them.
pub fn rejection(cap: &CapacityReport, audit: &[AuditFinding]) -> Option<AuditRejection> {
    let n = cap.load_points.len();
    if n < 2 {
        return None;
    }
    let flagged: Vec<&AuditFinding> = audit
        .iter()
        .filter(|f| f.verdict != AuditVerdict::Ok)
        .collect();
    // A ramp's bins are no stages: any finding questions them all, as does a run-wide one.
    let run_wide = flagged
        .iter()
        .any(|f| f.stage.is_none() || cap.load_basis == "ramp");
    let stages: Vec<String> = cap
        .load_points
        .iter()
        .filter(|p| flagged.iter().any(|f| f.stage.as_deref() == Some(&p.stage)))
        .map(|p| p.stage.clone())
        .collect();
    if stages.is_empty() && !run_wide {
        return None;
    }
    // Sorted and once each.
    let checks: Vec<String> = flagged
        .iter()
        .filter(|f| run_wide || f.stage.as_ref().is_some_and(|s| stages.contains(s)))
        .map(|f| f.check.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let all = run_wide || stages.len() == n;
    let checks_words = checks.join(", ").replace('_', " ");
    let which = if stages.len() == n {
        format!("all {n} load stages ({checks_words})")
    } else if run_wide {
        format!("the run's figures ({checks_words})")
    } else {
        let names: Vec<String> = stages.iter().map(|s| ticked(s)).collect();
        format!(
            "{} of the {n} load stages ({}: {checks_words})",
            stages.len(),
            names.join(", ")
        )
    };
    let rests = if all {
        "the saturation, breaking points, headroom and USL fit rest on them: they are what \
         the data states, not a measured capacity, until the audit is clean"
    } else {
        "the saturation, breaking points, headroom and USL fit rest on these stages too: \
         read them as rough until the audit is clean"
    };
    let fix = if checks.iter().any(|c| c == "response_time_law") {
        "check each stage's users and the think time (run.toml, `--think-time`)"
    } else {
        "see the consistency audit"
    };
    Some(AuditRejection {
        stages,
        load_points: n,
        all,
        checks,
        statement: format!("the consistency audit rejects {which}; {rests}; {fix}"),
    })
}
