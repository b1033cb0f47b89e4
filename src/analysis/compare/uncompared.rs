//! What `compare` could not decide, named in its headline (a release manager reads
//! only that line): the stages and endpoints only one side has, and the scopes whose
//! metrics stayed `inconclusive` (too few samples, or a change within the noise),
//! each with the metrics left open. At most [`SHOWN`] of each are named, the rest
//! counted.

use std::collections::BTreeMap;

use super::matching::Unmatched;
use super::verdict::{Comparison, Verdict};

/// Names shown per list before "and N more".
const SHOWN: usize = 3;

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

/// `; not compared: stage peak (only in 1.0), endpoint … ; inconclusive: baseline /
/// GET /rare (throughput, goodput)`, or `""` when everything was compared and decided.
pub fn clause(unmatched: &[Unmatched], comparisons: &[Comparison]) -> String {
    let mut out = String::new();
    let missing: Vec<String> = unmatched
        .iter()
        .map(|u| format!("{} {} (only in {})", u.kind, u.name, u.only_in))
        .collect();
    if !missing.is_empty() {
        out.push_str(&format!("; not compared: {}", listed(&missing)));
    }
    let mut open: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for c in comparisons
        .iter()
        .filter(|c| c.verdict == Verdict::Inconclusive)
    {
        let scope = match c.stage.as_str() {
            "" => c.endpoint.clone(),
            stage => format!("{stage} / {}", c.endpoint),
        };
        open.entry(scope).or_default().push(c.metric.name());
    }
    let open: Vec<String> = (open.into_iter())
        .map(|(scope, metrics)| format!("{scope} ({})", metrics.join(", ")))
        .collect();
    if !open.is_empty() {
        out.push_str(&format!("; inconclusive: {}", listed(&open)));
    }
    out
}
