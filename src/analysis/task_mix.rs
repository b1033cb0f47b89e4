//! The run's task mix: each endpoint's share of the primary source's requests over
//! the whole run, with its mean and percentiles, read as the stage tables read theirs
//! (a lower bound when the tool's figures leave timed-out requests out).

use super::build::scope_report;
use super::metrics::ScopeMetrics;
use super::report::TaskShare;
use crate::model::Source;

/// The task mix of `src`, most requested endpoint first (transaction rows left out).
pub(super) fn task_mix(src: &Source) -> Vec<TaskShare> {
    let eps: Vec<_> = src
        .overall
        .endpoints
        .values()
        .filter(|e| !e.transaction)
        .collect();
    let total: u64 = eps.iter().map(|e| e.requests).sum();
    let mut mix: Vec<TaskShare> = eps
        .iter()
        .filter(|_| total > 0)
        .map(|e| {
            // The endpoint's figures as a scope's, read as the stage tables read theirs.
            let r = scope_report(&ScopeMetrics::of_endpoint(e, None));
            TaskShare {
                endpoint: e.key.to_string(),
                requests: e.requests,
                share: e.requests as f64 / total as f64,
                mean_ms: r.latency_ms.mean,
                failures: e.failures,
                p50_ms: r.latency_ms.p50,
                p95_ms: r.latency_ms.p95,
                p99_ms: r.latency_ms.p99,
                latency_method: r.latency_method,
                latency_timeouts_left_out: r.latency_timeouts_left_out,
                latency_at_least_ms: r.latency_at_least_ms,
                latency_percentiles_are: r.latency_percentiles_are,
            }
        })
        .collect();
    mix.sort_by(|a, b| {
        b.requests
            .cmp(&a.requests)
            .then(a.endpoint.cmp(&b.endpoint))
    });
    mix
}
