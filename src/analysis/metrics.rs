//! The figures of one scope (a stage, an endpoint in a stage, or the whole run),
//! computed once from the model: error rate = failures ÷ requests, availability =
//! 1 − error rate, throughput = requests ÷ duration, goodput = successes ÷ duration,
//! percentiles by nearest rank.

use std::collections::BTreeMap;

use crate::model::{
    settle_failure_kinds, shorter_timeout, CountSlack, EndpointStats, FailureKind,
    LatencyDistribution, Percentile, Stage,
};

/// Percentiles every report shows (p50, p90, p95, p99, p99.9).
pub const REPORT_PERCENTILES: [f64; 5] = [50.0, 90.0, 95.0, 99.0, 99.9];

/// An endpoint's failure kinds, adding up to its failures (unknown ones are `other`).
fn settled_kinds(ep: &EndpointStats) -> BTreeMap<FailureKind, u64> {
    let mut kinds = ep.failures_by_kind.clone();
    settle_failure_kinds(&mut kinds, ep.failures);
    kinds
}

/// Measurements of one scope.
#[derive(Clone, Debug)]
pub struct ScopeMetrics {
    /// Requests (successes and failures).
    pub requests: u64,
    /// Failed requests.
    pub failures: u64,
    /// Length of the measured period, s (`None` when the source has no times, or
    /// when `instant`).
    pub duration_s: Option<f64>,
    /// Every request started at one instant: no measured span (see `Stage::instant`).
    pub instant: bool,
    /// Latency of every request with a measured time.
    pub latency: LatencyDistribution,
    /// Latency of successful requests (`None` when the source cannot tell).
    pub ok_latency: Option<LatencyDistribution>,
    /// Failures by kind.
    pub failures_by_kind: BTreeMap<FailureKind, u64>,
    /// How far `requests` and `failures` may be off (a source that rounds them).
    pub count_slack: CountSlack,
    /// The request timeout, ms, when the source says (`EndpointStats::timeout_ms`): a
    /// timed-out request waited at least this long.
    pub timeout_ms: Option<f64>,
}

impl ScopeMetrics {
    /// The figures of one endpoint over `duration_s`.
    pub fn of_endpoint(ep: &EndpointStats, duration_s: Option<f64>) -> ScopeMetrics {
        ScopeMetrics {
            requests: ep.requests,
            failures: ep.failures,
            duration_s,
            instant: false,
            latency: ep.latency.clone(),
            ok_latency: ep.ok_latency.clone(),
            failures_by_kind: settled_kinds(ep),
            count_slack: ep.count_slack,
            timeout_ms: ep.timeout_ms,
        }
    }

    /// The figures of one endpoint of `stage`, over the stage's duration.
    pub fn of_endpoint_in(ep: &EndpointStats, stage: &Stage) -> ScopeMetrics {
        ScopeMetrics {
            instant: stage.instant,
            ..ScopeMetrics::of_endpoint(ep, stage.duration_s())
        }
    }

    /// The figures of a whole stage: endpoints merged (histograms add; summaries
    /// merge approximately). Transaction-controller rows are left out, because their
    /// samples are already counted as requests of their own.
    pub fn of_stage(stage: &Stage) -> ScopeMetrics {
        if let Some(agg) = &stage.aggregate {
            let mut m = ScopeMetrics::of_endpoint_in(agg, stage);
            // The aggregate row has no failure detail; the endpoints do.
            if agg.failures_by_kind.is_empty() {
                m.failures_by_kind.clear();
                for ep in stage.endpoints.values().filter(|e| !e.transaction) {
                    for (k, v) in settled_kinds(ep) {
                        *m.failures_by_kind.entry(k).or_default() += v;
                    }
                }
                settle_failure_kinds(&mut m.failures_by_kind, m.failures);
            }
            return m;
        }
        let mut m = ScopeMetrics {
            requests: 0,
            failures: 0,
            duration_s: stage.duration_s(),
            instant: stage.instant,
            latency: LatencyDistribution::new_exact(),
            ok_latency: Some(LatencyDistribution::new_exact()),
            failures_by_kind: BTreeMap::new(),
            count_slack: CountSlack::default(),
            timeout_ms: None,
        };
        for ep in stage.endpoints.values().filter(|e| !e.transaction) {
            m.count_slack = m.count_slack.plus(ep.count_slack);
            let timeouts =
                |k: &BTreeMap<FailureKind, u64>| k.get(&FailureKind::Timeout).copied().unwrap_or(0);
            m.timeout_ms = shorter_timeout(
                (m.timeout_ms, timeouts(&m.failures_by_kind)),
                (ep.timeout_ms, timeouts(&ep.failures_by_kind)),
            );
            m.requests += ep.requests;
            m.failures += ep.failures;
            m.latency.merge(&ep.latency);
            m.ok_latency = match (m.ok_latency.take(), &ep.ok_latency) {
                (Some(mut a), Some(b)) => {
                    a.merge(b);
                    Some(a)
                }
                _ => None,
            };
            for (k, v) in settled_kinds(ep) {
                *m.failures_by_kind.entry(k).or_default() += v;
            }
        }
        m
    }

    /// Failures ÷ requests (`None` without requests).
    pub fn error_rate(&self) -> Option<f64> {
        (self.requests > 0).then(|| self.failures as f64 / self.requests as f64)
    }

    /// 1 − error rate (request-based).
    pub fn availability(&self) -> Option<f64> {
        self.error_rate().map(|e| 1.0 - e)
    }

    /// Requests ÷ duration.
    pub fn throughput_rps(&self) -> Option<f64> {
        self.duration_s
            .filter(|d| *d > 0.0)
            .map(|d| self.requests as f64 / d)
    }

    /// Successful requests ÷ duration.
    pub fn goodput_rps(&self) -> Option<f64> {
        self.duration_s
            .filter(|d| *d > 0.0)
            .map(|d| self.requests.saturating_sub(self.failures) as f64 / d)
    }

    /// The `pct` percentile of all latencies.
    pub fn percentile(&self, pct: f64) -> Option<Percentile> {
        self.latency.percentile(pct)
    }

    /// Timed-out requests the latency leaves out: a tool summary over the answers that
    /// came in time (wrk's, hey's) has fewer latencies than requests, and those of its
    /// failures that timed out waited at least the timeout, longer than any latency it
    /// measured. 0 where every timeout has a measured time.
    pub fn timeouts_left_out(&self) -> u64 {
        let timeouts = (self.failures_by_kind.get(&FailureKind::Timeout)).map_or(0, |n| *n);
        timeouts.min(self.requests.saturating_sub(self.latency.count()))
    }

    /// Fewest samples for a trustworthy `pct` percentile: 10 ÷ (1 − p).
    pub fn min_samples_for(pct: f64) -> u64 {
        let tail = 1.0 - pct / 100.0;
        if tail <= 0.0 {
            return u64::MAX;
        }
        // 1 − 0.9 is 0.09999…98 in binary: without the guard p90 would need 101.
        (10.0 / tail - 1e-9).ceil() as u64
    }

    /// Requests answered with a status in `[lo, hi]`, when the failures say so (a
    /// class alone, `status:5xx`, counts when its every status is in the range).
    /// Only failed requests carry a status in the model, so this counts failures.
    pub fn failures_with_status(&self, lo: u16, hi: u16) -> u64 {
        self.failures_by_kind
            .iter()
            .filter(|(k, _)| match k {
                FailureKind::Status(c) => (lo..=hi).contains(c),
                FailureKind::StatusClass(d) => {
                    let (a, b) = class_range(*d);
                    lo <= a && b <= hi
                }
                _ => false,
            })
            .map(|(_, v)| v)
            .sum()
    }

    /// Failures that may or may not have had a status in `[lo, hi]`: those the data
    /// gives no kind for ([`FailureKind::Other`]: ab's `Non-2xx responses`, a tool's
    /// unclassified errors), and those it gives only a class for that the range cuts
    /// (a `status:5xx` for `rc(503)`).
    pub fn failures_maybe_with_status(&self, lo: u16, hi: u16) -> u64 {
        let partly = |d: u8| {
            let (a, b) = class_range(d);
            a <= hi && lo <= b && !(lo <= a && b <= hi)
        };
        self.failures_by_kind
            .iter()
            .filter(|(k, _)| match k {
                FailureKind::Other => true,
                FailureKind::StatusClass(d) => partly(*d),
                _ => false,
            })
            .map(|(_, v)| v)
            .sum()
    }
}

/// The statuses of class `d` (5 → 500–599).
fn class_range(d: u8) -> (u16, u16) {
    (u16::from(d) * 100, u16::from(d) * 100 + 99)
}
