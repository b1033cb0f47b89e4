//! `inspect`'s figures of a source loaded whole (a summary file, a Locust set): the
//! same whole-run metrics a report shows.

use crate::analysis::metrics::ScopeMetrics;
use crate::model::inspection::{FileReport, LatencyFigures, LISTED_ENDPOINTS};
use crate::model::{format_rfc3339_ms, EndpointKey, Source};

/// Figures of a source built by `analyze`'s loader (summaries, Locust).
pub fn from_source(src: &Source, report: &mut FileReport) {
    let o = &src.overall;
    let m = ScopeMetrics::of_stage(o);
    report.requests = Some(m.requests);
    report.failures = Some(m.failures);
    report.failures_by_kind = m
        .failures_by_kind
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    let transactions: u64 = o
        .endpoints
        .values()
        .filter(|e| e.transaction)
        .map(|e| e.requests)
        .sum();
    report.transactions = Some(transactions);
    let mut eps: Vec<(&EndpointKey, u64)> =
        o.endpoints.iter().map(|(k, e)| (k, e.requests)).collect();
    eps.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    report.endpoints = Some(eps.len());
    report.endpoint_names = eps
        .iter()
        .take(LISTED_ENDPOINTS)
        .map(|(k, _)| k.to_string())
        .collect();
    if let Some((a, b)) = o.window_ms {
        report.start = Some(format_rfc3339_ms(a));
        report.end = Some(format_rfc3339_ms(b - 1));
    }
    report.duration_s = o.duration_s();
    report.users_max = src
        .stages
        .iter()
        .filter_map(|s| s.users)
        .max()
        .map(f64::from)
        .or_else(|| {
            o.timeline
                .intervals
                .iter()
                .filter_map(|i| i.users)
                .reduce(f64::max)
        });
    report.latency_exact = (m.latency.count() > 0).then(|| m.latency.is_exact());
    report.latency_ms = LatencyFigures::of(&m.latency);
    report.notes.extend(src.notes.iter().cloned());
}
