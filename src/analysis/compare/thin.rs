//! Percentiles too thinly sampled to compare. A p99 of 5 requests is their maximum,
//! not a 99th percentile: no change in it says anything about the release. The rule
//! is the one the SLA evaluation applies to a passing percentile
//! ([`ScopeMetrics::min_samples_for`]): the `p` percentile needs 10 ÷ (1 − p)
//! latencies (ten past it) on each side — p50 20, p90 100, p95 200, p99 1,000 — in
//! every run of a side when runs are repeated. Below that the metric is
//! `inconclusive` whatever its change, with the reason in its comparison and its
//! scope named under "too few samples" in the headline.

use crate::analysis::metrics::ScopeMetrics;

use super::input::EndpointInput;
use super::verdict::{Comparison, Metric, Undecided, Verdict};

/// The latencies behind an endpoint's percentiles: its exact histogram's count, else
/// the requests of the summary it reported.
fn samples(e: &EndpointInput) -> u64 {
    match &e.histogram {
        Some(h) if !h.is_empty() => h.len(),
        _ => e.figures.requests,
    }
}

/// Fewest latencies the percentile `metric` needs on each side, or `None` for a
/// metric that is not a percentile.
pub fn needed(metric: Metric) -> Option<u64> {
    metric
        .quantile()
        .map(|q| ScopeMetrics::min_samples_for(q * 100.0))
}

/// Why `metric` cannot be compared between the runs of each side (`base`, `cand`:
/// one endpoint per run), or `None` when every run holds enough latencies.
pub fn reason(metric: Metric, base: &[&EndpointInput], cand: &[&EndpointInput]) -> Option<String> {
    let need = needed(metric)?;
    let fewest = |side: &[&EndpointInput]| side.iter().map(|e| samples(e)).min();
    let (b, c) = (fewest(base)?, fewest(cand)?);
    if b >= need && c >= need {
        return None;
    }
    let runs = if base.len() > 1 || cand.len() > 1 {
        "fewest in a run: "
    } else {
        ""
    };
    Some(format!(
        "too few samples: {runs}{b} latencies in the baseline and {c} in the candidate; \
         a {} needs {need} on each side (10 past it) to be compared",
        metric.name()
    ))
}

/// True when `c` was left open for too few samples.
pub fn is_thin(c: &Comparison) -> bool {
    c.verdict == Verdict::Inconclusive && matches!(c.reason, Some(Undecided::TooFewSamples(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_percentile_needs_ten_past_it() {
        assert_eq!(needed(Metric::P50), Some(20));
        assert_eq!(needed(Metric::P90), Some(100));
        assert_eq!(needed(Metric::P95), Some(200));
        assert_eq!(needed(Metric::P99), Some(1000));
        assert_eq!(needed(Metric::Mean), None);
    }
}
