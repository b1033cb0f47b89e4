//! Bottleneck hints: rules over the finished figures, each with the measured numbers
//! behind it (symptom), what usually causes that pattern (hypothesis), how much of the
//! traffic it touches, what to try and what to expect. Hints are hypotheses to check
//! against server-side data, never conclusions; each names its evidence so a reader can.

use serde::Serialize;

use super::capacity::Criterion;
use super::quantity::{format_ms, format_percent, format_percentile_ms, format_rate};
use super::report::{Analysis, StageReport};
use super::slow_drift::slow_drift;
use crate::model::FailureKind;

/// How much a hint matters for the release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks the load the run aimed at.
    High,
    /// Costs latency or errors at some load.
    Medium,
    /// Worth knowing.
    Low,
}

/// One hint.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hint {
    /// Stable identifier of the rule (`saturation`, `load_shedding`, …).
    pub rule: String,
    /// How much it matters.
    pub severity: Severity,
    /// The stage it was seen in (null: the run as a whole).
    pub stage: Option<String>,
    /// The measured numbers.
    pub symptom: String,
    /// What usually causes this pattern.
    pub hypothesis: String,
    /// Share of the run's requests the pattern touches, 0–1 (null when unknown).
    pub affected_share: Option<f64>,
    /// What to try.
    pub recommendation: String,
    /// What to expect if the hypothesis holds.
    pub expected_effect: String,
}

/// Fewest requests a stage needs before its tail is judged (p99 needs 1,000).
const MIN_TAIL_SAMPLES: u64 = 1000;

/// Every hint the figures support, most severe first.
pub fn assess(a: &Analysis) -> Vec<Hint> {
    let mut hints = Vec::new();
    saturation(a, &mut hints);
    for s in &a.stages {
        failure_patterns(a, s, &mut hints);
        tail_amplification(s, &mut hints);
        latency_drift(s, &mut hints);
    }
    dominant_endpoint(a, &mut hints);
    coordinated_omission(a, &mut hints);
    hints.sort_by_key(|h| h.severity);
    hints
}

fn share_of_run(a: &Analysis, n: u64) -> Option<f64> {
    (a.overall.requests > 0).then(|| n as f64 / a.overall.requests as f64)
}

/// Goodput stops growing while latency keeps growing: a fixed capacity is queueing.
fn saturation(a: &Analysis, out: &mut Vec<Hint>) {
    let Some(sat) = a.capacity.saturation.as_ref().filter(|s| s.reached) else {
        return;
    };
    let (Some(users), Some(x)) = (sat.users, sat.throughput_rps) else {
        return;
    };
    // The stages of the load curve: not those that requested other endpoints.
    let curve = || (a.stages.iter()).filter(|s| !a.capacity.off_curve.contains(&s.name));
    let beyond: Vec<&StageReport> = curve()
        .filter(|s| s.users.is_some_and(|u| f64::from(u) > users))
        .collect();
    let lowest = curve()
        .filter(|s| s.users.is_some())
        .min_by_key(|s| s.users);
    let highest = beyond.iter().max_by_key(|s| s.users);
    let p95 = |s: Option<&&StageReport>| s.and_then(|s| s.figures.latency_ms.p95);
    let growth = match (p95(lowest.as_ref()), p95(highest)) {
        (Some(lo), Some(hi)) if lo > 0.0 && hi >= lo => format!(
            "; p95 goes from {} to {} over the same range",
            format_ms(lo),
            format_ms(hi)
        ),
        // A p95 that falls past the knee is no latency evidence: fast failures (503s,
        // refusals) pulled it down. Said so, not "goes from 83 ms to 6 ms".
        (Some(lo), Some(hi)) if lo > 0.0 => match highest.and_then(|s| s.figures.error_rate) {
            Some(e) if e >= 0.1 => format!(
                "; p95 falls from {} to {} over the same range, pulled down by fast \
                 failures ({} of the requests failed at {} users)",
                format_ms(lo),
                format_ms(hi),
                format_percent(e),
                highest.and_then(|s| s.users).unwrap_or_default()
            ),
            _ => String::new(),
        },
        _ => String::new(),
    };
    out.push(Hint {
        rule: "saturation".into(),
        severity: Severity::High,
        stage: None,
        symptom: format!(
            "goodput levels off at ≈ {} from ≈ {users:.0} users{growth} ({})",
            format_rate(x),
            sat.method
        ),
        hypothesis: "a fixed-size resource (worker or thread pool, connection pool, a \
                     single-threaded dependency) is fully busy; extra users only queue"
            .into(),
        affected_share: share_of_run(a, beyond.iter().map(|s| s.figures.requests).sum()),
        recommendation: "find the resource at 100 % during the top stages (pool usage, CPU, \
                         DB connections) and raise it, or scale out"
            .into(),
        expected_effect: format!(
            "capacity grows with the limiting resource; until then the system serves ≈ {} \
             whatever the load",
            format_rate(x)
        ),
    });
}

/// Rate limiting, load shedding and connection limits, read from the failure kinds.
fn failure_patterns(a: &Analysis, s: &StageReport, out: &mut Vec<Hint>) {
    let n = s.figures.requests;
    if n == 0 {
        return;
    }
    let count = |pred: &dyn Fn(&FailureKind) -> bool| -> u64 {
        s.figures
            .failures_by_kind
            .iter()
            .filter(|(k, _)| pred(k))
            .map(|(_, v)| v)
            .sum()
    };
    let users = s
        .users
        .map(|u| format!(" at {u} users"))
        .unwrap_or_default();
    let patterns: [(&str, u64, &str, &str, &str); 3] = [
        (
            "rate_limiting",
            count(&|k| *k == FailureKind::Status(429)),
            "HTTP 429",
            "a rate limiter (gateway, API quota, a dependency's limit) rejects requests above its rate",
            "raise or partition the limit for this traffic, or spread the load; if the limit is intended, mark 429 as expected (`expected_status`)",
        ),
        (
            "load_shedding",
            count(&|k| matches!(k, FailureKind::Status(503 | 504) | FailureKind::Timeout)),
            "HTTP 503/504 and timeouts",
            "the service is saturated: its queue is full or requests wait past a timeout",
            "add capacity for the limiting resource, or shorten the work per request",
        ),
        (
            "connection_limits",
            count(&|k| matches!(k, FailureKind::Connect | FailureKind::Reset)),
            "refused or reset connections",
            "a connection limit (listen backlog, max connections, file descriptors, a proxy's pool) is reached",
            "raise the server's or proxy's connection limits (backlog, max connections, ulimit -n), or reuse connections",
        ),
    ];
    for (rule, k, what, hypothesis, recommendation) in patterns {
        let rate = k as f64 / n as f64;
        if k == 0 || rate < 0.001 {
            continue;
        }
        let (hypothesis, recommendation) = match rule {
            "connection_limits" if outage(rate, k, s.figures.failures) => {
                (SERVER_GONE.0, SERVER_GONE.1)
            }
            _ => (hypothesis, recommendation),
        };
        out.push(Hint {
            rule: rule.into(),
            severity: if rate >= 0.01 {
                Severity::High
            } else {
                Severity::Medium
            },
            stage: Some(s.name.clone()),
            symptom: format!(
                "{k} of {n} requests ({}) failed with {what}{users}",
                format_percent(rate)
            ),
            hypothesis: hypothesis.into(),
            affected_share: share_of_run(a, k),
            recommendation: recommendation.into(),
            expected_effect: format!(
                "up to {} fewer failed requests in this stage",
                format_percent(rate)
            ),
        });
    }
}

/// True when refused or broken connections (`k`, the share `rate` of the stage's
/// requests) are most of the stage's `failures` and a tenth of its requests or more:
/// what a server that stopped mid-stage leaves, as much as a connection limit.
fn outage(rate: f64, k: u64, failures: u64) -> bool {
    rate >= 0.1 && 2 * k >= failures
}

/// The connection-limits hint's hypothesis and recommendation when the failures may be
/// a server that stopped ([`outage`]).
const SERVER_GONE: (&str, &str) = (
    "the server stopped taking connections during the stage — it crashed, was killed or \
     restarted (a refused connection means nothing listened on the port; a broken one, that \
     it went away mid-request) — or a connection limit (listen backlog, max connections, file \
     descriptors, a proxy's pool) is reached; if it stopped, this stage measured an outage, \
     not a load level it sustains",
    "check the server's logs and restarts for this stage first (a crash, an OOM kill, a \
     deploy); if it ran throughout, raise its or the proxy's connection limits (backlog, max \
     connections, ulimit -n), or reuse connections",
);

/// A long tail: p99 far above the median with enough samples to trust it. Where the
/// source tells the successes' latency apart and some requests failed, the tail is the
/// successes' (what users were served): fast 503s would otherwise make the median and
/// the slow served requests "a minority that waits". Without that split, a stage most
/// of whose requests failed is left to the failure hints: its median is a failure's.
fn tail_amplification(s: &StageReport, out: &mut Vec<Hint>) {
    let f = &s.figures;
    let ok = f.ok_latency_ms.as_ref().filter(|_| f.failures > 0);
    let (l, n, whose) = match ok {
        Some(ok) => (ok, f.requests - f.failures, "successful requests"),
        None if f.failures.saturating_mul(2) >= f.requests && f.failures > 0 => return,
        None => (&f.latency_ms, f.requests, "requests"),
    };
    let (Some(p50), Some(p99)) = (l.p50, l.p99) else {
        return;
    };
    if n < MIN_TAIL_SAMPLES || p50 <= 0.0 || p99 / p50 < 10.0 {
        return;
    }
    out.push(Hint {
        rule: "tail_amplification".into(),
        severity: Severity::Medium,
        stage: Some(s.name.clone()),
        symptom: format!(
            "p99 {} is {:.0}× the median {} ({n} {whose})",
            format_percentile_ms(p99, f.latency_method),
            p99 / p50,
            format_percentile_ms(p50, f.latency_method),
        ),
        hypothesis: "a minority of requests waits for something the others do not: a slow \
                     endpoint in the mix, lock or pool contention, GC pauses, retries"
            .into(),
        affected_share: None,
        recommendation: "compare endpoints' p99 in this stage; check GC logs, pool wait \
                         times and retries for the slow 1 %"
            .into(),
        expected_effect: "a tighter tail: p99 closer to p95".into(),
    });
}

/// Requests an interval needs for its p95 to be more than its slowest request.
const MIN_INTERVAL_P95_REQUESTS: u64 = 20;

/// Latency growing within a constant stage (first third vs last third of its series).
fn latency_drift(s: &StageReport, out: &mut Vec<Hint>) {
    // An interval of fewer than 20 requests has no p95 of its own but its slowest one
    // (ab's 12 POSTs a second at 4 users): a rise of those is noise, not drift.
    // (The slow drift fits a line through every interval's p95 instead.)
    if s.timeseries.iter().filter(|p| p.p95.is_some()).count() < 9 {
        return;
    }
    let p95s: Vec<f64> = (s.timeseries.iter())
        .filter(|p| p.requests >= MIN_INTERVAL_P95_REQUESTS)
        .filter_map(|p| p.p95)
        .collect();
    let third = p95s.len() / 3;
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    let (early, late) = (median(&p95s[..third]), median(&p95s[p95s.len() - third..]));
    if p95s.len() < 9 || early <= 0.0 || late / early < 1.5 {
        if let Some(drift) = slow_drift(s) {
            out.push(Hint {
                rule: "slow_latency_drift".into(),
                severity: Severity::Low,
                stage: Some(s.name.clone()),
                symptom: drift.symptom(),
                hypothesis: "something accumulates slowly while the load is steady: a memory \
                             leak, a cache, table or log that grows, connections or file \
                             handles that are never released"
                    .into(),
                affected_share: None,
                recommendation: "compare memory, GC time and table sizes at the start and end \
                                 of this stage; at this rate, work out when latency would \
                                 cross its limit in production uptime"
                    .into(),
                expected_effect: "flat latency over a long constant stage".into(),
            });
        }
        return;
    }
    out.push(Hint {
        rule: "latency_drift".into(),
        severity: Severity::Medium,
        stage: Some(s.name.clone()),
        symptom: format!(
            "at constant load the per-interval p95 rises from {} (first third, median) to {} \
             (last third)",
            format_ms(early),
            format_ms(late)
        ),
        hypothesis: "something accumulates while the load is steady: a queue that never \
                     drains, a memory leak or GC pressure, a cache or table that grows"
            .into(),
        affected_share: None,
        recommendation: "run this stage longer and watch memory, queue depth and GC; a \
                         stage that drifts has not reached a steady state"
            .into(),
        expected_effect: "flat latency over a long constant stage".into(),
    });
}

/// One endpoint holds most of the time users spend waiting, among endpoints that ran
/// side by side in a stage.
fn dominant_endpoint(a: &Analysis, out: &mut Vec<Hint>) {
    let time = |t: &super::report::TaskShare| t.mean_ms.map(|m| m * t.requests as f64);
    let total: f64 = a.task_mix.iter().filter_map(time).sum();
    let Some(top) = a
        .task_mix
        .iter()
        .filter(|t| time(t).is_some())
        .max_by(|x, y| time(x).unwrap_or(0.0).total_cmp(&time(y).unwrap_or(0.0)))
    else {
        return;
    };
    let share = time(top).unwrap_or(0.0) / total;
    if a.task_mix.len() < 2 || total <= 0.0 || total.is_nan() || share < 0.4 {
        return;
    }
    // Endpoints that never ran side by side are no mix users wait on: each stage a run
    // of its own (one h2load or hey console per load level, each named after its file),
    // their shares are how long each run was, not where the waiting goes.
    let beside_others = a
        .stages
        .iter()
        .any(|s| s.endpoints.len() > 1 && s.endpoints.iter().any(|e| e.key == top.endpoint));
    if !beside_others {
        return;
    }
    out.push(Hint {
        rule: "dominant_endpoint".into(),
        severity: if share >= 0.6 {
            Severity::Medium
        } else {
            Severity::Low
        },
        stage: None,
        symptom: format!(
            "{} is {} of requests but {} of all time spent waiting (mean {})",
            top.endpoint,
            format_percent(top.share),
            format_percent(share),
            top.mean_ms.map(format_ms).unwrap_or_default()
        ),
        hypothesis: "this endpoint's own work (a slow query, an external call, an LLM \
                     request) sets the latency users see"
            .into(),
        affected_share: Some(top.share),
        recommendation: format!(
            "profile {} first: caching, batching or making its slow call asynchronous pays \
             most",
            top.endpoint
        ),
        expected_effect: format!(
            "halving its latency cuts total waiting time by ≈ {}",
            format_percent(share / 2.0)
        ),
    });
}

/// Closed-model runs whose response time dwarfs the think time: the load generator
/// waited with its users, so the measured percentiles understate what an open arrival
/// stream would see (coordinated omission).
fn coordinated_omission(a: &Analysis, out: &mut Vec<Hint>) {
    let Some(z) = a.capacity.criteria.think_time_s else {
        return;
    };
    let worst = a
        .stages
        .iter()
        .filter(|s| s.users.is_some())
        .filter_map(|s| s.figures.latency_ms.mean.map(|m| (s, m / 1000.0)))
        .filter(|(_, r)| *r > 2.0 * z.max(0.001))
        .max_by(|x, y| x.1.total_cmp(&y.1));
    let Some((s, r)) = worst else { return };
    let latency_breaks = a
        .capacity
        .breaking_points
        .iter()
        .any(|b| b.reached && b.criterion == Criterion::Latency);
    out.push(Hint {
        rule: "coordinated_omission".into(),
        severity: Severity::Low,
        stage: Some(s.name.clone()),
        symptom: format!(
            "mean response time {} is more than twice the think time {} (closed model)",
            format_ms(r * 1000.0),
            format_ms(z * 1000.0)
        ),
        hypothesis: "each virtual user waits for its own slow answers, so fewer requests are \
                     sent exactly when the system is slow: percentiles understate what \
                     independent users would see"
            .into(),
        affected_share: None,
        recommendation: "confirm with an open-model stage (`arrival_rate`), whose latency is \
                         measured from each request's intended start"
            .into(),
        expected_effect: if latency_breaks {
            "an open-model run shows the latency limit broken earlier".into()
        } else {
            "an open-model run shows higher tail latency at the same throughput".into()
        },
    });
}
