//! Percentile rules on latency that does not stand for the requests: timed-out
//! requests the tool's latency leaves out, and failures' (often instant) latencies it
//! keeps in.
//!
//! **Timeouts left out.** wrk's and hey's latency figures cover the answers that came
//! in time; a request that timed out waited at least the timeout — longer than any
//! latency they measured — and is in no figure. With t such requests beside L
//! measured ones (n = L + t), the p-th percentile over all of them is the ⌈p·n⌉-th
//! smallest: when t/n > 1 − p it is one of the timed-out requests, known only as
//! **≥ the largest measured latency** (unknown-high); otherwise it is the measured
//! latencies' percentile at q = ⌈p·n⌉ ÷ L, above the printed p: exact for a histogram,
//! and for a summary only bounded by the printed figures around q. A rule is judged
//! on those bounds (the printed p-th percentile never decides): it passes when the
//! bound on its far side holds, fails when the near side already misses the limit,
//! and is `insufficient_data` in between (shown with its bound, `≥ 910 ms`). Where the
//! source gives its request timeout (autocannon's `-t`), a timed-out request's floor
//! is that timeout when it is above the largest measured latency — and it is the only
//! floor of a run whose every request timed out (no latency measured at all), which is
//! judged on it rather than left without data.
//!
//! **Failures in the throughput.** Failed requests count in the throughput (a
//! request is any attempt); a throughput rule's pass that the successes' rate
//! (goodput) misses rests on them — a target that refuses every connection "serves"
//! thousands a second — and is `not_proven`.
//!
//! **Failures in the latency.** A refused connection or a 503 from a full queue is
//! answered in under a millisecond; kept in the latency (as every failure with a
//! measured time is), such answers pull its percentiles down: a p50 of a run whose
//! 40 % of requests failed that fast describes the failures. A pass must then hold
//! for the successes too: on their own latency where the source keeps it, else at
//! the rank the successes' percentile would have if every failure were faster than
//! every success (failures f of L: q = (f + ⌈p·(L − f)⌉) ÷ L); both once f is a twentieth
//! of L, fewer move it within the figures' own noise). A pass the successes
//! do not show is `not_proven`, with the successes' figure in the note.

use super::rule::Rule;
use super::{Judgement, RuleStatus};
use crate::analysis::metrics::ScopeMetrics;
use crate::analysis::quantity::{format_count, format_ms};
use crate::analysis::report::LatencyReport;
use crate::model::LatencyDistribution;

/// The judgement of a percentile rule on `m` when timed-out requests are left out of
/// its latency; `None` when none are (the rule is judged as measured).
pub(super) fn judge_timeouts(rule: &Rule, p: f64, m: &ScopeMetrics) -> Option<Judgement> {
    let t = m.timeouts_left_out();
    let l = m.latency.count();
    if t == 0 || l == 0 && m.timeout_ms.is_none() {
        return None;
    }
    let s = m.count_slack;
    if s.failures == 0 && s.latencies == 0 {
        return Some(judge_counts(rule, p, m, (t, l)));
    }
    Some(judge_band(rule, p, m, (t, l)))
}

/// [`judge_timeouts`] when the counts are known only within a band (a console that
/// rounds them, `slack.rs`): the rank is judged at both ends — the fewest timeouts
/// with the most latencies (the lowest rank) and the most timeouts with the fewest
/// latencies (the highest) — and the rule passes only if it passes at both, fails only
/// if it fails at both (`not_proven` on a pass and a miss, `insufficient_data` when
/// either end cannot say).
fn judge_band(rule: &Rule, p: f64, m: &ScopeMetrics, (t, l): (u64, u64)) -> Judgement {
    let s = m.count_slack;
    let low = judge_counts(
        rule,
        p,
        m,
        (t.saturating_sub(s.failures), l.saturating_add(s.latencies)),
    );
    let high = judge_counts(
        rule,
        p,
        m,
        (
            t.saturating_add(s.failures),
            l.saturating_sub(s.latencies).max(1),
        ),
    );
    let status = super::slack::both_ends(low.status, high.status);
    // Where a pass is hardest: the highest rank for an upper limit.
    let (easy, hard) = if rule.op.is_upper_bound() {
        (low, high)
    } else {
        (high, low)
    };
    let shown_of = |j: &Judgement| {
        (j.bound.as_ref().map(|b| b.0.clone()))
            .or(j.value.map(format_ms))
            .unwrap_or_else(|| "unknown".to_string())
    };
    let [fewest, most] = [
        "the fewest timeouts and most latencies",
        "the most timeouts and fewest latencies",
    ];
    let (easy_end, hard_end) = if rule.op.is_upper_bound() {
        (fewest, most)
    } else {
        (most, fewest)
    };
    let band = format!(
        "{} {} (its notes say how), so the rank of {} among the measured latencies is \
         known only within a band: it is {} with {} the data allows, {} with {}",
        super::slack::ROUNDED_COUNTS_NOTE,
        [
            (s.latencies, "latencies"),
            (s.failures, "timed-out requests")
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("±{} {what}", format_count(*n as f64)))
        .collect::<Vec<_>>()
        .join(" and "),
        rule.metric,
        shown_of(&easy),
        easy_end,
        shown_of(&hard),
        hard_end,
    );
    // A miss is shown where it is proven even so; anything else where it is hardest.
    let shown = if status == RuleStatus::Fail {
        easy
    } else {
        hard
    };
    Judgement {
        status,
        note: Some(match &shown.note {
            Some(n) => format!("{band}; {n}"),
            None => band,
        }),
        ..shown
    }
}

/// The percentile rule judged with `t` timed-out requests left out beside `l`
/// measured latencies.
fn judge_counts(rule: &Rule, p: f64, m: &ScopeMetrics, (t, l): (u64, u64)) -> Judgement {
    if t == 0 {
        // None left out at this end of a band: the percentile is the measured one.
        return at_rank(rule, m, p, String::new());
    }
    let n = l + t;
    let k = rank(p, n);
    let floor = timed_out_floor(m);
    let waited = match (m.timeout_ms, m.latency.max_ms()) {
        (Some(timeout), max) if max.is_none_or(|x| x <= timeout) => {
            format!("the timeout, {}", format_ms(timeout))
        }
        (_, max) => format!(
            "the timeout, longer than the {} measured at most",
            max.map_or("latency".to_string(), format_ms)
        ),
    };
    let why = if l == 0 {
        format!(
            "every one of the {n} requests with a time timed out, so the source measured \
             no latency: each waited at least {waited}, and {} is one of them",
            rule.metric,
        )
    } else {
        format!(
            "{t} of the {n} requests with a time timed out and the source's latency leaves \
             them out (each waited at least {waited}): over all {n}, {} is the one of rank \
             {k}",
            rule.metric,
        )
    };
    if k > l {
        // Among the timed-out requests: at least the timeout, or else the largest
        // measured latency.
        let holds_at_floor = floor.is_some_and(|f| rule.op.holds(f, rule.limit));
        let status = match (rule.op.is_upper_bound(), holds_at_floor) {
            (true, false) => RuleStatus::Fail,
            (false, true) => RuleStatus::Pass,
            _ => RuleStatus::InsufficientData,
        };
        let at_least = floor.map_or("the timeout".to_string(), format_ms);
        let note = if l == 0 {
            format!("{why}: its value is unknown, at least {at_least}")
        } else {
            format!(
                "{why}, a timed-out one ({t} of {n} > 1 − p): its value is unknown, at \
                 least {at_least}; the printed figure describes only the {l} answers in time"
            )
        };
        return Judgement {
            value: None,
            bound: floor.map(|f| (format!("≥ {}", format_ms(f)), holds_at_floor, None)),
            status,
            interval: None,
            note: Some(note),
            window: None,
        };
    }
    let q = 100.0 * k as f64 / l as f64;
    at_rank(rule, m, q, why)
}

/// The judgement of a percentile rule whose pass `m`'s failures with a measured time
/// may make: `None` when the successes show the pass too (or there is no pass, or
/// no such failure).
pub(super) fn judge_failures(rule: &Rule, p: f64, m: &ScopeMetrics, v: f64) -> Option<String> {
    if !rule.op.holds(v, rule.limit) {
        return None;
    }
    failures_under_a_pass(rule, p, m)
}

/// Why a percentile rule's pass on `m` may rest on its failures' answers, or `None`
/// when the successes show it too (or no failure weighs): [`judge_failures`] for a
/// pass already settled, e.g. by printed percentiles' bounds.
pub(super) fn failures_under_a_pass(rule: &Rule, p: f64, m: &ScopeMetrics) -> Option<String> {
    let l = m.latency.count();
    // Requests without a measured time are failures (refused, timed out): the rest
    // of the failures are in the latency.
    let f = m
        .failures
        .saturating_sub(m.requests.saturating_sub(l))
        .min(l);
    // A few failures move it within the figures' own noise (and a coarse
    // histogram's next step): they weigh from a twentieth of the latencies on.
    if f == 0 || (f as f64) < DOMINANT_SHARE * l as f64 {
        return None;
    }
    let share = format!(
        "{f} of the {l} latencies are of failed requests ({:.1}%), which pull its percentiles down \
         when they fail fast (a refused connection, a 503 from a full queue)",
        100.0 * f as f64 / l as f64
    );
    if f >= l {
        // No success has a latency: none can show the pass.
        return Some(format!(
            "{share}: no success has a latency to show {}; {FAILURES_NOTE}",
            rule.metric
        ));
    }
    if let Some(ok) = m.ok_latency.as_ref().filter(|o| o.count() > 0) {
        let ok_v = ok.percentile(p)?.value_ms;
        if rule.op.holds(ok_v, rule.limit) {
            return None;
        }
        return Some(format!(
            "{share}: over the successes alone {} is {}, past the limit; {FAILURES_NOTE}",
            rule.metric,
            format_ms(ok_v)
        ));
    }
    // Failures' own latencies unknown: the successes' percentile is at most the
    // latency's at the rank it has when every failure was faster than every success.
    let k = (f + rank(p, l - f)).min(l);
    let q = 100.0 * k as f64 / l as f64;
    let j = at_rank(rule, m, q, String::new());
    if j.status == RuleStatus::Pass {
        return None;
    }
    Some(format!(
        "{share}: if they were the fastest, the successes' {} would be the latency's \
         p({}), {}; {FAILURES_NOTE}",
        rule.metric,
        trim(q),
        j.bound
            .map(|b| b.0)
            .or(j.value.map(format_ms))
            .unwrap_or_else(|| "unknown".to_string())
    ))
}

/// The share of the latencies from which failures' unknown latencies can make a
/// percentile pass (a twentieth).
const DOMINANT_SHARE: f64 = 0.05;

/// How a percentile pass that the successes do not show ends its note.
pub const FAILURES_NOTE: &str = "the pass may rest on the failures' answers, not the successes'";

/// Why a passing throughput rule is not shown by the successes: failed requests count
/// in the throughput (a refused connection is over in microseconds, so a target that
/// is down "serves" thousands a second), and the goodput misses the limit. `None`
/// when the goodput holds it too (or is unknown).
pub(super) fn throughput_on_failures(rule: &Rule, m: &ScopeMetrics) -> Option<String> {
    let goodput = m.goodput_rps()?;
    // As for the latency, failures weigh from a twentieth of the requests on.
    let few = (m.failures as f64) < DOMINANT_SHARE * m.requests as f64;
    if m.failures == 0 || few || rule.op.holds(goodput, rule.limit) {
        return None;
    }
    Some(format!(
        "{} of its {} requests failed and count in the throughput; the successes' rate \
         (goodput) is {}, which misses the limit; {FAILURES_NOTE}",
        m.failures,
        m.requests,
        crate::analysis::quantity::format_rate(goodput)
    ))
}

/// Each shown percentile's lower bound over all of `m`'s requests when a tool's
/// (unmerged) latency leaves out timed-out ones, as the SLA judges it (`None`
/// otherwise): the figure the tables show, so that they say what the SLA does.
/// `shown`: the tool's figures (a percentile it does not give stays unknown).
pub fn at_least_over_all(m: &ScopeMetrics, shown: LatencyReport) -> Option<LatencyReport> {
    let merged = matches!(&m.latency, LatencyDistribution::Summary(s) if s.merged);
    if m.timeouts_left_out() == 0 || merged {
        return None;
    }
    let p = |pct: f64, v: Option<f64>| v.and(over_all_requests(m, pct)[0].or(v));
    Some(LatencyReport {
        mean: None,
        min: None,
        p50: p(50.0, shown.p50),
        p90: p(90.0, shown.p90),
        p95: p(95.0, shown.p95),
        p99: p(99.0, shown.p99),
        p999: p(99.9, shown.p999),
        max: None,
        sd: None,
        co_corrected: false,
    })
}

/// `[at least, at most]` (ms) for percentile `p` over all of `m`'s requests, as the
/// SLA judges it: at the rank it has among the measured latencies once the timed-out
/// requests they leave out are counted (at both ends of a rounded count's band: the
/// lowest rank bounds it from below, the highest from above). Unknown on both sides
/// for a merged summary (its figures are estimates) or no latency.
pub fn over_all_requests(m: &ScopeMetrics, p: f64) -> [Option<f64>; 2] {
    let l = m.latency.count();
    if l == 0 || matches!(&m.latency, LatencyDistribution::Summary(s) if s.merged) {
        return [None, None];
    }
    let t = m.timeouts_left_out();
    let s = m.count_slack;
    let low = rank_range(m, p, (t.saturating_sub(s.failures), l + s.latencies));
    let most = if t == 0 { 0 } else { t + s.failures };
    let high = rank_range(m, p, (most, l.saturating_sub(s.latencies).max(1)));
    [low[0], high[1]]
}

/// `[at least, at most]` (ms) the data puts on percentile `p` over all of `m`'s
/// requests when `t` timed-out ones are left out beside `l` measured latencies: the
/// measured latencies' percentile at the rank it has (exact on a histogram, between
/// the printed figures around it on a summary), or at least the largest measured
/// latency when the rank falls among the timed-out ones.
pub(super) fn rank_range(m: &ScopeMetrics, p: f64, (t, l): (u64, u64)) -> [Option<f64>; 2] {
    let q = if t == 0 {
        p
    } else {
        let k = rank(p, l + t);
        if k > l {
            return [timed_out_floor(m), None];
        }
        100.0 * k as f64 / l as f64
    };
    let q = q.min(100.0);
    match &m.latency {
        LatencyDistribution::Exact(_) => {
            let v = m.latency.percentile(q).map(|x| x.value_ms);
            [v, v]
        }
        LatencyDistribution::Summary(s) => [
            (s.points.iter().rev().find(|(x, _)| *x <= q + 1e-9))
                .map(|&(_, v)| v)
                .or(s.min_ms),
            (s.points.iter().find(|(x, _)| *x >= q - 1e-9))
                .map(|&(_, v)| v)
                .or(s.max_ms),
        ],
    }
}

/// What every timed-out request of `m` waited at least (ms): its timeout where the
/// source gives it, or the largest measured latency where that is more (or the only
/// one known).
fn timed_out_floor(m: &ScopeMetrics) -> Option<f64> {
    match (m.timeout_ms, m.latency.max_ms()) {
        (Some(t), Some(x)) => Some(t.max(x)),
        (t, x) => t.or(x),
    }
}

/// ⌈p·n⌉, at least 1: the nearest rank of percentile `p` among `n` values.
fn rank(p: f64, n: u64) -> u64 {
    ((p / 100.0 * n as f64 - 1e-9).ceil() as u64).clamp(1, n.max(1))
}

/// The rule judged on the latency's percentile at `q` (≥ the rule's own): exact on a
/// histogram, else bounded by the summary's printed figures around `q`.
fn at_rank(rule: &Rule, m: &ScopeMetrics, q: f64, why: String) -> Judgement {
    let holds = |v: f64| rule.op.holds(v, rule.limit);
    let status_of = |v: f64| {
        if holds(v) {
            RuleStatus::Pass
        } else {
            RuleStatus::Fail
        }
    };
    let q = q.min(100.0);
    let judged = |value, bound, status, note: String| Judgement {
        value,
        bound,
        status,
        interval: None,
        note: (!note.is_empty()).then_some(note),
        window: None,
    };
    let (below, above) = match &m.latency {
        LatencyDistribution::Exact(_) => {
            let v = m.latency.percentile(q).map(|x| x.value_ms);
            let Some(v) = v else {
                return judged(None, None, RuleStatus::InsufficientData, why);
            };
            let note = if why.is_empty() {
                String::new()
            } else {
                format!(
                    "{why}: the measured latencies' p({}), {}",
                    trim(q),
                    format_ms(v)
                )
            };
            return judged(Some(v), None, status_of(v), note);
        }
        LatencyDistribution::Summary(s) => {
            let below = (s.points.iter().rev().find(|(x, _)| *x <= q + 1e-9))
                .map(|&(x, v)| (format!("p({})", trim(x)), v))
                .or_else(|| s.min_ms.map(|v| ("min".to_string(), v)));
            let above = (s.points.iter().find(|(x, _)| *x >= q - 1e-9))
                .map(|&(x, v)| (format!("p({})", trim(x)), v))
                .or_else(|| s.max_ms.map(|v| ("max".to_string(), v)));
            (below, above)
        }
    };
    // Each figure with the sign it bounds the value by: the one below from beneath;
    // a merged summary's figures are estimates, so their bounds are too (`≳ 607 ms`).
    let merged = matches!(&m.latency, LatencyDistribution::Summary(s) if s.merged);
    let (ge, le) = if merged {
        ("≳", "≲")
    } else {
        ("≥", "≤")
    };
    let below = below.map(|(name, v)| (name, v, ge));
    let above = above.map(|(name, v)| (name, v, le));
    let (passes_on, fails_on) = if rule.op.is_upper_bound() {
        (&above, &below)
    } else {
        (&below, &above)
    };
    let (status, (name, v, sign)) = match (passes_on, fails_on) {
        (Some(b), _) if holds(b.1) => (RuleStatus::Pass, b.clone()),
        (_, Some(b)) if !holds(b.1) => (RuleStatus::Fail, b.clone()),
        (_, Some(b)) | (Some(b), None) => (RuleStatus::InsufficientData, b.clone()),
        (None, None) => return judged(None, None, RuleStatus::InsufficientData, why),
    };
    let note = if why.is_empty() {
        String::new()
    } else {
        format!(
            "{why}: the measured latencies' p({}), which their {name} ({}) bounds ({} {}); \
             the printed {} describes only the answers in time{}",
            trim(q),
            format_ms(v),
            sign,
            format_ms(v),
            rule.metric,
            if merged {
                format!("; {}", super::judge::MERGED_NOTE)
            } else {
                String::new()
            }
        )
    };
    judged(
        None,
        Some((format!("{sign} {}", format_ms(v)), holds(v), None)),
        status,
        note,
    )
}

/// `95`, `99.9`, `55.6`: a percentile's number as written.
fn trim(q: f64) -> String {
    let s = format!("{q:.1}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
