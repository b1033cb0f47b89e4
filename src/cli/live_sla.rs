//! `drive --sla FILE --abort-on-fail`: the SLA's `[global]` window rules
//! (`… in every D`, `… for D`) of severity `fail`, judged on every closed interval of
//! the run (all endpoints together), as [`crate::driver::live::LiveJudge`]. The first
//! breach stops the run with the rule named as its reason.
//!
//! The same definitions as `analyze` (see `analysis::sla::window`), on live data:
//! `in every D` — the latest D of intervals, judged once D of the run has passed; a
//! window without requests holds; a percentile on fewer than 10 ÷ (1 − p) samples is
//! not judged. `for D` — each interval at face value; breached intervals on end
//! covering D fail; an interval without requests breaks the stretch.

use std::collections::VecDeque;

use hdrhistogram::Histogram;

use crate::analysis::quantity::format_quantity;
use crate::analysis::sla::{Metric, Rule, Severity, SlaSpec, Window};
use crate::driver::live::{ClosedInterval, LiveJudge};

/// A closed interval kept for rolling windows.
struct Kept {
    start_ms: u64,
    end_ms: u64,
    requests: u64,
    failures: u64,
    histogram: Histogram<u64>,
}

/// One rule's live state.
struct Live {
    rule: Rule,
    window: VecDeque<Kept>,
    breach_since: Option<u64>,
}

/// Builds the judge; `Err` names why the SLA cannot be judged live.
pub fn judge(spec: &SlaSpec) -> Result<(LiveJudge, Vec<String>), String> {
    let mut warnings = Vec::new();
    let mut live = Vec::new();
    for rule in &spec.global {
        if rule.window.is_none() || rule.severity != Severity::Fail {
            continue;
        }
        if value(rule.metric, 1, 0, &empty(), 1000).is_none() {
            warnings.push(format!(
                "rule `{}` cannot be judged live (only latency, error rate, availability, \
                 throughput, goodput and request counts): it is judged by analyze only",
                rule.text
            ));
            continue;
        }
        live.push(Live {
            rule: rule.clone(),
            window: VecDeque::new(),
            breach_since: None,
        });
    }
    let others = spec
        .all_rules()
        .filter(|r| r.window.is_some())
        .count()
        .saturating_sub(spec.global.iter().filter(|r| r.window.is_some()).count());
    if others > 0 {
        warnings.push(format!(
            "{others} window rule(s) outside [global] are judged by analyze only, not live"
        ));
    }
    if live.is_empty() {
        return Err(
            "--abort-on-fail judges the SLA's [global] window rules of severity fail \
                    (e.g. `p(99) < 500ms in every 10s`, `error_rate < 1% for 30s`), and this \
                    file has none"
                .into(),
        );
    }
    let judge =
        LiveJudge::new(move |iv: &ClosedInterval<'_>| live.iter_mut().find_map(|l| l.judge(iv)));
    Ok((judge, warnings))
}

fn empty() -> Histogram<u64> {
    Histogram::new(2).expect("a 2-digit histogram")
}

/// The metric's value on merged figures; `None` for a metric not judged live.
/// `Some(None)`: nothing to judge (no requests, too few samples).
fn value(
    metric: Metric,
    requests: u64,
    failures: u64,
    h: &Histogram<u64>,
    span_ms: u64,
) -> Option<Option<f64>> {
    let ms = |us: u64| us as f64 / 1000.0;
    let rate = |n: u64| (span_ms > 0).then(|| n as f64 * 1000.0 / span_ms as f64);
    let latency = |f: &dyn Fn() -> f64| (!h.is_empty()).then(f);
    Some(match metric {
        Metric::Percentile(p) => {
            let enough = h.len() as f64 >= 10.0 / (1.0 - p / 100.0);
            (enough && !h.is_empty()).then(|| ms(h.value_at_percentile(p)))
        }
        Metric::Mean => latency(&|| h.mean() / 1000.0),
        Metric::Max => latency(&|| ms(h.max())),
        Metric::Min => latency(&|| ms(h.min())),
        Metric::ErrorRate => (requests > 0).then(|| failures as f64 / requests as f64),
        Metric::Availability => (requests > 0).then(|| 1.0 - failures as f64 / requests as f64),
        Metric::Throughput => rate(requests),
        Metric::Goodput => rate(requests - failures.min(requests)),
        Metric::Requests => Some(requests as f64),
        _ => return None,
    })
}

impl Live {
    fn judge(&mut self, iv: &ClosedInterval<'_>) -> Option<String> {
        let r = &self.rule;
        let window = r.window?;
        let breached = |v: Option<f64>| v.filter(|v| !r.op.holds(*v, r.limit));
        let (bad, what) = match window {
            Window::Every(d) => {
                self.window.push_back(Kept {
                    start_ms: iv.start_ms,
                    end_ms: iv.end_ms,
                    requests: iv.requests,
                    failures: iv.failures,
                    histogram: iv.histogram.clone(),
                });
                let from = iv.end_ms.saturating_sub(d);
                while self.window.front().is_some_and(|k| k.end_ms <= from) {
                    self.window.pop_front();
                }
                let first = self.window.front()?;
                if iv.end_ms < d || first.start_ms > from {
                    return None; // not D of the run yet
                }
                let mut h = empty();
                let (mut n, mut f) = (0, 0);
                for k in &self.window {
                    let _ = h.add(&k.histogram);
                    n += k.requests;
                    f += k.failures;
                }
                let span = iv.end_ms - first.start_ms;
                let v = breached(value(r.metric, n, f, &h, span).flatten())?;
                (v, format!("in the {} s window", span as f64 / 1000.0))
            }
            Window::For(d) => {
                let v = value(
                    r.metric,
                    iv.requests,
                    iv.failures,
                    iv.histogram,
                    iv.end_ms - iv.start_ms,
                )
                .flatten();
                match breached(v.filter(|_| iv.requests > 0)) {
                    None => {
                        self.breach_since = None;
                        return None;
                    }
                    Some(v) => {
                        let since = *self.breach_since.get_or_insert(iv.start_ms);
                        if iv.end_ms - since < d {
                            return None;
                        }
                        (v, format!("breached since {:.1} s", since as f64 / 1000.0))
                    }
                }
            }
        };
        let line = r.line.map(|l| format!(" (line {l})")).unwrap_or_default();
        Some(format!(
            "SLA rule `{}`{line} failed during the run: {} {what} ending {:.1} s into the \
             run; stopped by --abort-on-fail",
            r.text,
            format_quantity(r.metric.kind(), bad),
            iv.end_ms as f64 / 1000.0
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(h: &Histogram<u64>, start_s: u64, failures: u64) -> ClosedInterval<'_> {
        ClosedInterval {
            start_ms: start_s * 1000,
            end_ms: start_s * 1000 + 1000,
            requests: h.len(),
            failures,
            histogram: h,
        }
    }

    #[test]
    fn every_and_for_windows_breach_when_analyze_would() {
        let spec = SlaSpec::parse(
            "[global]\nrules = [\"p(99) < 100ms in every 2s\", \"error_rate < 50% for 2s\", \"p(50) < 1ms\"]\n",
        )
        .unwrap();
        let (j, warnings) = judge(&spec).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let mut fast = empty();
        let mut slow = empty();
        for _ in 0..1000 {
            fast.record(10_000).unwrap();
            slow.record(500_000).unwrap();
        }
        assert_eq!(j.judge(&iv(&fast, 0, 0)), None);
        assert_eq!(j.judge(&iv(&fast, 1, 600)), None); // errors: 1 s of 2 so far
        let e = j.judge(&iv(&fast, 2, 600)).unwrap(); // errors for 2 s on end
        assert!(
            e.contains("error_rate < 50% for 2s") && e.contains("3.0 s"),
            "{e}"
        );
        let (j, _) = judge(&spec).unwrap();
        assert_eq!(j.judge(&iv(&slow, 0, 0)), None); // less than 2 s of the run
        let e = j.judge(&iv(&fast, 1, 0)).unwrap();
        assert!(e.contains("p(99) < 100ms in every 2s"), "{e}");
        let none = SlaSpec::parse("[global]\nrules = [\"p(99) < 100ms\"]\n").unwrap();
        assert!(judge(&none).unwrap_err().contains("window rules"));
    }
}
