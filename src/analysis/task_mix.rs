//! The run's task mix: each endpoint's share of the primary source's requests over
//! the whole run, with its mean and percentiles, read as the stage tables read theirs
//! (a lower bound when the tool's figures leave timed-out requests out).

use super::build::{latency_report, percentile_method};
use super::metrics::ScopeMetrics;
use super::report::{PercentileReading, TaskShare};
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
            let m = ScopeMetrics::of_endpoint(e, None);
            let latency = latency_report(&e.latency);
            let method = percentile_method(&e.latency);
            TaskShare {
                endpoint: e.key.to_string(),
                requests: e.requests,
                share: e.requests as f64 / total as f64,
                mean_ms: latency.mean,
                failures: e.failures,
                p50_ms: latency.p50,
                p95_ms: latency.p95,
                p99_ms: latency.p99,
                latency_method: method,
                latency_timeouts_left_out: m.timeouts_left_out(),
                latency_at_least_ms: super::sla::at_least_over_all(&m, latency),
                latency_percentiles_are: PercentileReading::of(method, m.timeouts_left_out()),
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
