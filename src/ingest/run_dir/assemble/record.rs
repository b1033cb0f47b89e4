//! Recording one observation into a source's overall and the stage whose window
//! holds it: requests into endpoints and series, interval histograms whole.

use crate::ingest::{IngestOptions, Observation};
use crate::model::{plausible_time, EndpointKey, EndpointStats, Stage, TimeSeries};

use super::{interval_stage, KeyCache};

/// Records observations into a source's overall and stages.
pub(super) struct Recorder<'o> {
    pub(super) opts: &'o IngestOptions,
    /// False for a source without times: everything goes to its one stage.
    pub(super) timed: bool,
}

impl Recorder<'_> {
    /// The stage an observation at `t_ms` belongs to.
    fn stage(&self, stages: &[Stage], t_ms: i64) -> Option<usize> {
        if self.timed {
            stages.iter().position(|s| s.contains(t_ms))
        } else {
            (!stages.is_empty()).then_some(0)
        }
    }

    /// Records one observation into overall and into the stage whose window holds it;
    /// for a request, returns that stage. A new endpoint's series starts as a copy of
    /// `series[0]` in overall and of `series[i + 1]` in stage `i` (their grid).
    pub(super) fn record(
        &self,
        overall: &mut Stage,
        stages: &mut [Stage],
        obs: &Observation<'_>,
        keys: &mut KeyCache,
        series: &[TimeSeries],
    ) -> Option<usize> {
        let opts = self.opts;
        let (t, until) = span_of(obs);
        if !plausible_time(t) || !plausible_time(until) {
            return None; // Left out (or malformed), and said so, by the survey.
        }
        match obs {
            Observation::Malformed(_) => {}
            Observation::Request(ev) | Observation::Transaction(ev) => {
                if self.timed && !opts.in_time_range(ev.t_ms) {
                    return None;
                }
                let key = keys.key(opts, ev.method, ev.name)?;
                let transaction = matches!(obs, Observation::Transaction(_));
                let users = ev.users.filter(|_| self.timed);
                if let Some(u) = users {
                    overall.timeline.record_users(ev.t_ms, u);
                }
                record_request(overall, key, ev, transaction, self.timed, &series[0]);
                let i = self.stage(stages, ev.t_ms)?;
                if let Some(u) = users {
                    stages[i].timeline.record_users(ev.t_ms, u);
                }
                record_request(
                    &mut stages[i],
                    key,
                    ev,
                    transaction,
                    self.timed,
                    &series[i + 1],
                );
                return Some(i);
            }
            Observation::Histogram {
                key,
                start_ms,
                end_ms,
                histogram,
                failures,
            } => {
                if !opts.in_time_range(*start_ms) || !opts.keeps(key) {
                    return None;
                }
                record_histogram(overall, key, *start_ms, histogram, failures, &series[0]);
                if let Some(i) = interval_stage(stages, *start_ms, *end_ms) {
                    let new = &series[i + 1];
                    record_histogram(&mut stages[i], key, *start_ms, histogram, failures, new);
                }
            }
            Observation::Users { t_ms, users } => {
                if !self.timed {
                    return None;
                }
                overall.timeline.record_users(*t_ms, *users);
                if let Some(i) = self.stage(stages, *t_ms) {
                    stages[i].timeline.record_users(*t_ms, *users);
                }
            }
        }
        None
    }
}

/// The endpoint entry for `key`; a new one's series starts as a copy of `new`.
fn endpoint<'s>(
    stage: &'s mut Stage,
    key: &EndpointKey,
    new: &TimeSeries,
) -> &'s mut EndpointStats {
    let ep = stage.endpoint(key);
    if ep.series.is_empty() {
        ep.series = new.clone();
    }
    ep
}

/// Records one request into the stage's endpoint and, unless it is a transaction
/// (whose samples are counted on their own), into the stage's series.
fn record_request(
    stage: &mut Stage,
    key: &EndpointKey,
    ev: &crate::ingest::RequestEvent<'_>,
    transaction: bool,
    timed: bool,
    new: &TimeSeries,
) {
    if timed && !transaction {
        let failed = (!ev.ok).then(|| ev.failure.unwrap_or(crate::model::FailureKind::Other));
        stage.timeline.record_kind(ev.t_ms, ev.latency_ms, failed);
    }
    let ep = endpoint(stage, key, new);
    ep.transaction |= transaction;
    ep.requests += 1;
    if !ev.ok {
        ep.failures += 1;
        let kind = ev.failure.unwrap_or(crate::model::FailureKind::Other);
        ep.add_failure(kind, ev.error, 1);
    }
    if let Some(ms) = ev.latency_ms {
        ep.latency.record_ms(ms);
        if ev.ok {
            if let Some(ok) = ep.ok_latency.as_mut() {
                ok.record_ms(ms);
            }
        }
    }
    if let Some(b) = ev.bytes {
        ep.bytes_received = Some(ep.bytes_received.unwrap_or(0) + b);
    }
    if timed {
        let failed = (!ev.ok).then(|| ev.failure.unwrap_or(crate::model::FailureKind::Other));
        ep.series.record_kind(ev.t_ms, ev.latency_ms, failed);
    }
}

fn record_histogram(
    stage: &mut Stage,
    key: &EndpointKey,
    start_ms: i64,
    histogram: &hdrhistogram::Histogram<u64>,
    failures: &[(crate::model::FailureKind, u64)],
    new: &TimeSeries,
) {
    let failed: u64 = failures.iter().map(|(_, n)| n).sum();
    stage.timeline.record_histogram(start_ms, histogram);
    stage.timeline.record_failures(start_ms, failures);
    let ep = endpoint(stage, key, new);
    ep.requests += histogram.len();
    ep.failures += failed;
    for (kind, n) in failures {
        ep.add_failure(*kind, None, *n);
    }
    if let crate::model::LatencyDistribution::Exact(h) = &mut ep.latency {
        let _ = h.add(histogram);
    }
    // An interval log alone does not say which requests failed.
    ep.ok_latency = None;
    ep.series.record_histogram(start_ms, histogram);
    ep.series.record_failures(start_ms, failures);
}

/// When an observation starts, and the last instant it covers (an interval's data
/// runs to its end).
pub(super) fn span_of(obs: &Observation<'_>) -> (i64, i64) {
    match obs {
        Observation::Request(ev) | Observation::Transaction(ev) => (ev.t_ms, ev.t_ms),
        Observation::Histogram {
            start_ms, end_ms, ..
        } => (*start_ms, end_ms.saturating_sub(1).max(*start_ms)),
        Observation::Users { t_ms, .. } => (*t_ms, *t_ms),
        // Never recorded: a time outside any run.
        Observation::Malformed(_) => (-1, -1),
    }
}
