//! Window rules, judged from a scope's per-interval time series.
//!
//! - **`in every D`**: every rolling window of D (stepping one interval) must meet
//!   the limit. The value reported is the worst window's; a window's figures merge
//!   its intervals (counts add, histograms add). A window with no requests holds
//!   vacuously (no latency to judge); a percentile window with fewer than
//!   10 ÷ (1 − p) samples is *thin* and not judged, and the rule is then at best
//!   `insufficient_data`. The Wilson interval is not applied per window: a window
//!   rule judges the measured ratio of each window.
//! - **`for D`**: the rule fails only when it is breached for D on end. Each interval
//!   is judged at face value (its own percentile, ratio or rate; an interval without
//!   requests breaks a stretch); over every stretch of D the *sustained* value is the
//!   best interval's (the level that was exceeded throughout), and the value
//!   reported is the worst sustained one. A scope shorter than D cannot show a
//!   breach that long and is `insufficient_data`.
//!
//! Latencies come from the intervals' histograms, which keep **2 significant
//! digits** (≤ 1 % error), as every note says. D is rounded up to whole intervals of
//! the series (1 s, or coarser for long runs). Rates divide by the part of each
//! interval inside the scope's window, so a stage that starts mid-second is not
//! under-counted at its edges. Status shares (`rc`) cannot be judged per window (the
//! series keeps no per-status counts), nor can error rates when some failures have
//! an expected status (the series cannot tell them apart).

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::rule::{Metric, Rule, Window};
use super::stats::{apdex_with_unplaced_failures, apdex_zones, nearest_rank_ms};
use super::{expected_failures, Judgement, RuleStatus, ScopeData};
use crate::analysis::metrics::ScopeMetrics;
use crate::model::format_rfc3339_ms;
use crate::model::Interval;

/// What a window rule saw, for the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WindowReport {
    /// `every` (rolling windows) or `for` (sustained breach).
    pub kind: String,
    /// Window or duration, s, after rounding up to whole intervals.
    pub length_s: f64,
    /// Width of the series' intervals, s.
    pub interval_s: f64,
    /// Windows (`every`) or stretches of the duration (`for`) judged.
    pub windows: usize,
    /// How many of them breach the limit.
    pub breached: usize,
    /// Windows with too few samples to judge (`every` on percentiles).
    pub thin: usize,
    /// Start of the worst window or stretch (RFC 3339).
    pub worst_start: Option<String>,
    /// Start of the first window or stretch that breaches (RFC 3339).
    pub first_breach: Option<String>,
    /// Longest run of consecutive breaching intervals, s (`for` only).
    pub longest_breach_s: Option<f64>,
}

/// One interval with the part of it that lies in the scope's window.
struct Slot<'a> {
    start_ms: i64,
    covered_ms: i64,
    iv: &'a Interval,
}

/// The merged figures of consecutive intervals.
#[derive(Default)]
struct Aggregate {
    requests: u64,
    failures: u64,
    latency_sum_ms: f64,
    max_ms: Option<f64>,
    histogram: Option<Histogram<u32>>,
    covered_ms: i64,
}

impl Aggregate {
    fn of(slots: &[Slot<'_>]) -> Aggregate {
        let mut a = Aggregate::default();
        for s in slots {
            a.requests += s.iv.requests;
            a.failures += s.iv.failures;
            a.latency_sum_ms += s.iv.latency_sum_ms;
            a.covered_ms += s.covered_ms;
            a.max_ms = match (a.max_ms, s.iv.max_ms) {
                (Some(x), Some(y)) => Some(x.max(y)),
                (x, y) => x.or(y),
            };
            if let Some(h) = &s.iv.histogram {
                match &mut a.histogram {
                    // Interval histograms auto-resize: adding cannot fail on range.
                    Some(mine) => h.add_into(mine),
                    None => a.histogram = Some(h.to_histogram()),
                }
            }
        }
        a
    }
}

/// A window's value, or why it has none.
enum WindowValue {
    Value(f64),
    /// Too few samples for the percentile.
    Thin,
    /// Nothing to judge (no requests, no latencies).
    Empty,
}

/// Judges a rule with a window on the scope's series.
pub(super) fn judge(rule: &Rule, d: &ScopeData<'_>, expected: &[u16]) -> Judgement {
    let Some(window) = rule.window else {
        return Judgement::unknown("internal: not a window rule".to_string());
    };
    let Some(series) = d.series.filter(|s| !s.is_empty()) else {
        return Judgement::unknown(
            "no time series for this scope: window rules need per-interval data (the source \
             gives whole-run figures only)"
                .to_string(),
        );
    };
    match rule.metric {
        Metric::StatusShare(_) => {
            return Judgement::unknown(format!(
                "{} cannot be judged per window: the time series keeps no per-status counts",
                rule.metric
            ))
        }
        Metric::ErrorRate | Metric::Availability => {
            let excluded = expected_failures(d.metrics, expected);
            if excluded > 0 {
                return Judgement::unknown(format!(
                    "{excluded} failures have an expected status, and the time series cannot \
                     tell them apart per window"
                ));
            }
        }
        _ => {}
    }
    if rule.metric.needs_interval_histograms()
        && series.intervals.iter().all(|iv| iv.histogram.is_none())
    {
        return Judgement::unknown(
            "the time series has no latency histograms (the source gives per-interval counts \
             only)"
                .to_string(),
        );
    }
    let width = series.width_ms.max(1);
    let slots: Vec<Slot<'_>> = series
        .intervals
        .iter()
        .enumerate()
        .map(|(i, iv)| {
            let start = series.interval_start_ms(i);
            let covered = match d.window_ms {
                Some((a, b)) => (start + width).min(b) - start.max(a),
                None => width,
            };
            Slot {
                start_ms: start,
                covered_ms: covered.max(0),
                iv,
            }
        })
        .filter(|s| s.covered_ms > 0 || s.iv.requests > 0)
        .collect();
    if slots.is_empty() {
        return Judgement::unknown("no intervals in this scope's window".to_string());
    }
    let k = (window.length_ms() as i64 + width - 1) / width;
    let k = k.max(1) as usize;
    let mut notes = Vec::new();
    if window.length_ms() as i64 % width != 0 {
        notes.push(format!(
            "window rounded up to {} s (whole {} s intervals of the series)",
            k as i64 * width / 1000,
            width as f64 / 1000.0
        ));
    }
    match window {
        Window::Every(_) => every(rule, &slots, k, width, notes),
        Window::For(_) => sustained(rule, &slots, k, width, notes),
    }
}

fn every(
    rule: &Rule,
    slots: &[Slot<'_>],
    k: usize,
    width: i64,
    mut notes: Vec<String>,
) -> Judgement {
    let n = slots.len();
    let k_eff = if n < k {
        notes.push(format!(
            "the scope spans {} s, less than the window: judged as one window",
            n as i64 * width / 1000
        ));
        n
    } else {
        k
    };
    let (mut worst, mut worst_start, mut first_breach): (Option<f64>, Option<i64>, Option<i64>) =
        (None, None, None);
    let (mut windows, mut breached, mut thin, mut empty) = (0usize, 0usize, 0usize, 0usize);
    for start in 0..=(n - k_eff) {
        let part = &slots[start..start + k_eff];
        let agg = Aggregate::of(part);
        windows += 1;
        match value_of(rule.metric, &agg, false) {
            WindowValue::Value(v) => {
                if !rule.op.holds(v, rule.limit) {
                    breached += 1;
                    first_breach.get_or_insert(part[0].start_ms);
                }
                if worst.is_none_or(|w| rule.op.worse(w, v) == v && w != v) {
                    worst = Some(v);
                    worst_start = Some(part[0].start_ms);
                }
            }
            WindowValue::Thin => thin += 1,
            WindowValue::Empty => empty += 1,
        }
    }
    let status = if breached > 0 {
        RuleStatus::Fail
    } else if worst.is_none() || thin > 0 {
        RuleStatus::InsufficientData
    } else {
        RuleStatus::Pass
    };
    notes.insert(
        0,
        format!(
            "worst of {windows} rolling {} s windows{}",
            k_eff as i64 * width / 1000,
            latency_precision(rule.metric)
        ),
    );
    if breached > 0 {
        notes.push(format!("{breached} of {windows} windows breach the limit"));
    }
    if empty > 0 {
        notes.push(format!(
            "{empty} of {windows} windows hold nothing to judge (no requests, or none with a \
             latency)"
        ));
    }
    if thin > 0 {
        if let Metric::Percentile(p) = rule.metric {
            notes.push(format!(
                "{thin} of {windows} windows hold fewer than {} samples (10 ÷ (1 − p)) and \
                 were not judged",
                ScopeMetrics::min_samples_for(p)
            ));
        }
    }
    Judgement {
        bound: None,
        value: worst,
        status,
        interval: None,
        note: Some(notes.join("; ")),
        window: Some(WindowReport {
            kind: "every".into(),
            length_s: (k_eff as i64 * width) as f64 / 1000.0,
            interval_s: width as f64 / 1000.0,
            windows,
            breached,
            thin,
            worst_start: worst_start.map(format_rfc3339_ms),
            first_breach: first_breach.map(format_rfc3339_ms),
            longest_breach_s: None,
        }),
    }
}

fn sustained(
    rule: &Rule,
    slots: &[Slot<'_>],
    k: usize,
    width: i64,
    mut notes: Vec<String>,
) -> Judgement {
    let n = slots.len();
    let report =
        |windows, breached, worst_start: Option<i64>, first: Option<i64>, longest| WindowReport {
            kind: "for".into(),
            length_s: (k as i64 * width) as f64 / 1000.0,
            interval_s: width as f64 / 1000.0,
            windows,
            breached,
            thin: 0,
            worst_start: worst_start.map(format_rfc3339_ms),
            first_breach: first.map(format_rfc3339_ms),
            longest_breach_s: longest,
        };
    // Each interval at face value; `None` for an interval with nothing to judge.
    let values: Vec<Option<f64>> = slots
        .iter()
        .map(
            |s| match value_of(rule.metric, &Aggregate::of(std::slice::from_ref(s)), true) {
                WindowValue::Value(v) => Some(v),
                _ => None,
            },
        )
        .collect();
    // Longest run of breaching intervals, in covered time.
    let (mut longest_ms, mut run_ms) = (0i64, 0i64);
    for (s, v) in slots.iter().zip(&values) {
        if v.is_some_and(|v| !rule.op.holds(v, rule.limit)) {
            run_ms += s.covered_ms;
            longest_ms = longest_ms.max(run_ms);
        } else {
            run_ms = 0;
        }
    }
    let longest = Some(longest_ms as f64 / 1000.0);
    if n < k {
        let mut j = Judgement::unknown(format!(
            "the scope spans {} s, less than the {} s a breach must last",
            n as i64 * width / 1000,
            k as i64 * width / 1000
        ));
        j.window = Some(report(0, 0, None, None, longest));
        return j;
    }
    let (mut worst, mut worst_start, mut first_breach) = (None::<f64>, None::<i64>, None::<i64>);
    let (mut stretches, mut breached) = (0usize, 0usize);
    for start in 0..=(n - k) {
        let run = &values[start..start + k];
        // A stretch with an interval that has nothing to judge is not a breach.
        let Some(level) = run
            .iter()
            .try_fold(None::<f64>, |acc, v| {
                v.map(|v| Some(acc.map_or(v, |a| rule.op.better(a, v))))
            })
            .flatten()
        else {
            continue;
        };
        stretches += 1;
        if !rule.op.holds(level, rule.limit) {
            breached += 1;
            first_breach.get_or_insert(slots[start].start_ms);
        }
        if worst.is_none_or(|w| rule.op.worse(w, level) == level && w != level) {
            worst = Some(level);
            worst_start = Some(slots[start].start_ms);
        }
    }
    if stretches == 0 {
        let mut j = Judgement::unknown(format!(
            "no stretch of {} s with data in every interval",
            k as i64 * width / 1000
        ));
        j.window = Some(report(0, 0, None, None, longest));
        return j;
    }
    let status = if breached > 0 {
        RuleStatus::Fail
    } else {
        RuleStatus::Pass
    };
    notes.insert(
        0,
        format!(
            "level sustained for {} s (the best interval of each stretch), worst of {stretches} \
             stretches; each {} s interval at face value{}; longest breach {} s",
            k as i64 * width / 1000,
            width as f64 / 1000.0,
            latency_precision(rule.metric),
            longest_ms as f64 / 1000.0
        ),
    );
    Judgement {
        bound: None,
        value: worst,
        status,
        interval: None,
        note: Some(notes.join("; ")),
        window: Some(report(
            stretches,
            breached,
            worst_start,
            first_breach,
            longest,
        )),
    }
}

/// ", latencies at 2 significant digits" for metrics read from interval histograms.
fn latency_precision(metric: Metric) -> &'static str {
    match metric {
        Metric::Percentile(_) | Metric::Mean | Metric::Min | Metric::Apdex { .. } => {
            ", latencies from per-interval histograms at 2 significant digits"
        }
        _ => "",
    }
}

/// The metric over merged intervals. `face_value` skips the sample-size floor.
fn value_of(metric: Metric, a: &Aggregate, face_value: bool) -> WindowValue {
    let secs = a.covered_ms as f64 / 1000.0;
    let hist = a.histogram.as_ref().filter(|h| !h.is_empty());
    let v = match metric {
        Metric::Throughput => (secs > 0.0).then(|| a.requests as f64 / secs),
        Metric::Goodput => {
            (secs > 0.0).then(|| a.requests.saturating_sub(a.failures) as f64 / secs)
        }
        Metric::Requests => Some(a.requests as f64),
        Metric::ErrorRate => (a.requests > 0).then(|| a.failures as f64 / a.requests as f64),
        Metric::Availability => {
            (a.requests > 0).then(|| 1.0 - a.failures as f64 / a.requests as f64)
        }
        Metric::Percentile(p) => {
            let Some(h) = hist else {
                return WindowValue::Empty;
            };
            if !face_value && h.len() < ScopeMetrics::min_samples_for(p) {
                return WindowValue::Thin;
            }
            nearest_rank_ms(h, p)
        }
        Metric::Mean => hist.map(|h| a.latency_sum_ms / h.len() as f64),
        Metric::Min => hist.map(|h| h.lowest_equivalent(h.min()) as f64 / 1000.0),
        Metric::Max => a.max_ms,
        Metric::Apdex { t_ms, f_ms } => hist.filter(|_| a.requests > 0).and_then(|h| {
            // Which latencies failed is unknown per interval: take the lowest score
            // the failures allow (they were the fastest).
            apdex_with_unplaced_failures(apdex_zones(h, t_ms, f_ms), a.requests, a.failures)
                .map(|r| r.low)
        }),
        Metric::StatusShare(_) => None,
    };
    match v {
        Some(v) => WindowValue::Value(v),
        None => WindowValue::Empty,
    }
}
