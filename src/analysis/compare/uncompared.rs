//! What `compare` could not decide, named in its headline (a release manager reads
//! only that line): the stages and endpoints only one side has, and the scopes whose
//! metrics stayed `inconclusive` (a change within the noise), each with the metrics
//! left open, and apart from those the scopes whose percentiles rest on too few
//! samples to be compared at all (`thin`) and those run at another load or measured
//! by another tool on each side. At most
//! [`SHOWN`] of each are named, the rest counted.

use std::collections::BTreeMap;

use super::matching::Unmatched;
use super::verdict::{Comparison, Undecided, Verdict};

/// Names shown per list before "and N more".
const SHOWN: usize = 3;

impl Comparison {
    /// Where it is: `stage / endpoint` (the endpoint alone when the stage is
    /// unnamed), or `base vs cand / endpoint` when the sides' stages were paired
    /// under different names (by users, or each run's only stage).
    pub fn scope(&self) -> String {
        match (self.stage.as_str(), self.candidate_stage.as_str()) {
            ("", _) => self.endpoint.clone(),
            (b, c) if c.is_empty() || b == c => format!("{b} / {}", self.endpoint),
            (b, c) => format!("{b} vs {c} / {}", self.endpoint),
        }
    }
}

/// `a, b, c and 2 more`.
fn listed(items: &[String]) -> String {
    let shown = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    match items.len().saturating_sub(SHOWN) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// `; not compared: stage peak (only in 1.0), endpoint … ; too few samples: baseline /
/// GET /rare (p95, p99); inconclusive: baseline / GET /rare (throughput, goodput)`, or
/// `""` when everything was compared and decided.
pub fn clause(unmatched: &[Unmatched], comparisons: &[Comparison]) -> String {
    let mut out = String::new();
    let missing: Vec<String> = unmatched
        .iter()
        .map(|u| format!("{} {} (only in {})", u.kind, u.name, u.only_in))
        .collect();
    if !missing.is_empty() {
        out.push_str(&format!("; not compared: {}", listed(&missing)));
    }
    // Which list an open comparison belongs to: 0 too few samples, 1 another load,
    // 2 the statistics left it open, 3 a side's tool leaves failures out, 4 a run of
    // the stage failed outright.
    let kind = |c: &Comparison| match c.reason {
        Some(Undecided::TooFewSamples(_)) => 0,
        Some(Undecided::OtherLoad | Undecided::OtherTool) => 1,
        None => 2,
        Some(Undecided::FailuresUnseen(_)) => 3,
        Some(Undecided::FailedRun(_)) => 4,
    };
    let open = |which: u8| {
        let mut by_scope: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for c in comparisons
            .iter()
            .filter(|c| c.verdict == Verdict::Inconclusive && kind(c) == which)
        {
            let scope = c.scope();
            by_scope.entry(scope).or_default().push(c.metric.name());
        }
        (by_scope.into_iter())
            .map(|(scope, metrics)| format!("{scope} ({})", metrics.join(", ")))
            .collect::<Vec<String>>()
    };
    let thin = open(0);
    if !thin.is_empty() {
        out.push_str(&format!("; too few samples: {}", listed(&thin)));
    }
    let other_load = open(1);
    if !other_load.is_empty() {
        out.push_str(&format!(
            "; at another load or by another tool: {}",
            listed(&other_load)
        ));
    }
    let undecided = open(2);
    if !undecided.is_empty() {
        out.push_str(&format!("; inconclusive: {}", listed(&undecided)));
    }
    let unseen = open(3);
    if !unseen.is_empty() {
        out.push_str(&format!(
            "; failures unseen by a side's tool: {}",
            listed(&unseen)
        ));
    }
    let failed = open(4);
    if !failed.is_empty() {
        out.push_str(&format!("; beside a failed run: {}", listed(&failed)));
    }
    out
}
