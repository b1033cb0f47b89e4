//! Every stage against the lowest-load stage: throughput, p50, p95, p99 and error
//! rate as the stage's value, the baseline's, their ratio and their difference, and
//! one phrase each ("p95 6.1× the baseline stage's (400 ms → 2.4 s)").

use serde::Serialize;

use super::{ratio_text, rejection, Rejected};
use crate::analysis::quantity::{format_ms, format_percent, format_percentile_ms, format_rate};
use crate::analysis::report::StageReport;

/// A compared figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeltaMetric {
    /// Requests ÷ steady-window duration, req/s.
    Throughput,
    /// Median latency, ms.
    P50,
    /// 95th percentile, ms.
    P95,
    /// 99th percentile, ms.
    P99,
    /// Failures ÷ requests.
    ErrorRate,
}

impl DeltaMetric {
    const ALL: [DeltaMetric; 5] = [
        DeltaMetric::Throughput,
        DeltaMetric::P50,
        DeltaMetric::P95,
        DeltaMetric::P99,
        DeltaMetric::ErrorRate,
    ];

    /// The figure of a stage.
    pub fn of(self, s: &StageReport) -> Option<f64> {
        let f = &s.figures;
        match self {
            DeltaMetric::Throughput => f.throughput_rps,
            DeltaMetric::P50 => f.latency_ms.p50,
            DeltaMetric::P95 => f.latency_ms.p95,
            DeltaMetric::P99 => f.latency_ms.p99,
            DeltaMetric::ErrorRate => f.error_rate,
        }
    }

    /// Its name in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            DeltaMetric::Throughput => "throughput",
            DeltaMetric::P50 => "p50",
            DeltaMetric::P95 => "p95",
            DeltaMetric::P99 => "p99",
            DeltaMetric::ErrorRate => "error rate",
        }
    }

    /// A value as the report writes it.
    pub fn format(self, v: f64) -> String {
        match self {
            DeltaMetric::Throughput => format_rate(v),
            DeltaMetric::ErrorRate => format_percent(v),
            _ => format_ms(v),
        }
    }

    /// `s`'s value as the report writes it: a latency percentile estimated from
    /// merged summaries with `≈` before it.
    fn format_of(self, v: f64, s: &StageReport) -> String {
        match self {
            DeltaMetric::P50 | DeltaMetric::P95 | DeltaMetric::P99 => {
                format_percentile_ms(v, s.figures.latency_method)
            }
            _ => self.format(v),
        }
    }

    /// A difference as the report writes it (`+2 s`, `−50 req/s`, `+1.00 pp`).
    fn format_delta(self, d: f64) -> String {
        let sign = if d < 0.0 { "−" } else { "+" };
        match self {
            DeltaMetric::ErrorRate => format!("{sign}{:.2} pp", d.abs() * 100.0),
            _ => format!("{sign}{}", self.format(d.abs())),
        }
    }
}

/// One figure of a stage against the baseline stage's.
#[derive(Clone, Debug, Serialize)]
pub struct MetricDelta {
    /// The figure.
    pub metric: DeltaMetric,
    /// The stage's value (req/s, ms, or a fraction).
    pub value: Option<f64>,
    /// The baseline stage's value.
    pub baseline: Option<f64>,
    /// value ÷ baseline; null when either is unknown or the baseline is 0.
    pub ratio: Option<f64>,
    /// value − baseline; null when either is unknown.
    pub delta: Option<f64>,
    /// The comparison in words: "p95 6.1× the baseline stage's (400 ms → 2.4 s)".
    pub text: String,
    /// The comparison for a table cell: the ratio (`6.1×`), else the difference
    /// (`+1.00 pp`), else `—`.
    pub short: String,
}

/// A stage against the baseline stage.
#[derive(Clone, Debug, Serialize)]
pub struct StageDeltas {
    /// The stage.
    pub stage: String,
    /// One entry per figure (throughput, p50, p95, p99, error rate); empty when the
    /// stage's figures are withheld.
    pub metrics: Vec<MetricDelta>,
    /// Why the comparison is withheld (the audit rejects the stage's or the
    /// baseline's figures, or the stage requested other endpoints than the
    /// baseline); null otherwise.
    pub withheld: Option<String>,
}

/// Every stage but the baseline against it, in stage order. A stage off the load
/// curve (`off`: it requested other endpoints) is not compared: its figures differ by
/// what it requested, not by its load.
pub(super) fn all(
    stages: &[StageReport],
    base: usize,
    rejected: &Rejected,
    off: &[String],
) -> Vec<StageDeltas> {
    let b = &stages[base];
    stages
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != base)
        .map(|(_, s)| {
            let withheld = rejection(rejected, &s.name)
                .map(|why| format!("the consistency audit rejects {why}"))
                .or_else(|| {
                    rejection(rejected, &b.name).map(|why| {
                        format!("the consistency audit rejects the baseline stage: {why}")
                    })
                })
                .or_else(|| {
                    off.contains(&s.name).then(|| {
                        "it requested other endpoints (or another mix) than the baseline \
                         stage, so it is no step of the same load curve (see Capacity)"
                            .to_string()
                    })
                });
            StageDeltas {
                stage: s.name.clone(),
                metrics: if withheld.is_some() {
                    Vec::new()
                } else {
                    DeltaMetric::ALL.iter().map(|m| delta(*m, s, b)).collect()
                },
                withheld,
            }
        })
        .collect()
}

/// One figure of `s` against `b`'s.
pub(super) fn delta(m: DeltaMetric, s: &StageReport, b: &StageReport) -> MetricDelta {
    let (value, baseline) = (m.of(s), m.of(b));
    let ratio = match (value, baseline) {
        (Some(v), Some(b)) if b > 0.0 => Some(v / b),
        _ => None,
    };
    let delta = value.zip(baseline).map(|(v, b)| v - b);
    let text = match (value, baseline, ratio, delta) {
        (Some(v), Some(_), None, Some(0.0)) => {
            format!("{} {} in both stages", m.label(), m.format(v))
        }
        (Some(v), Some(bv), Some(r), _) => format!(
            "{} {}× the baseline stage's ({} → {})",
            m.label(),
            ratio_text(r),
            m.format_of(bv, b),
            m.format_of(v, s)
        ),
        (Some(v), Some(bv), None, Some(d)) => format!(
            "{} {} → {} ({})",
            m.label(),
            m.format_of(bv, b),
            m.format_of(v, s),
            m.format_delta(d)
        ),
        _ => format!("{} unknown in one of the two stages", m.label()),
    };
    let short = match (ratio, delta) {
        (Some(r), _) => format!("{}×", ratio_text(r)),
        (None, Some(0.0)) => "±0".into(),
        (None, Some(x)) => m.format_delta(x),
        _ => "—".into(),
    };
    MetricDelta {
        metric: m,
        value,
        baseline,
        ratio,
        delta,
        text,
        short,
    }
}

/// `s` against an earlier stage in a short phrase ("p95 2.5× (100 ms → 250 ms)",
/// "error rate 0% → 1.5%"); `None` when either value is unknown.
pub(super) fn phrase(m: DeltaMetric, s: &StageReport, earlier: &StageReport) -> Option<String> {
    let (v, b) = (m.of(s)?, m.of(earlier)?);
    Some(if b > 0.0 {
        format!(
            "{} {}× ({} → {})",
            m.label(),
            ratio_text(v / b),
            m.format_of(b, earlier),
            m.format_of(v, s)
        )
    } else {
        format!(
            "{} {} → {}",
            m.label(),
            m.format_of(b, earlier),
            m.format_of(v, s)
        )
    })
}

/// The figures a stage's sentence compares with the stage before.
pub(super) const MOVED: [DeltaMetric; 3] = [
    DeltaMetric::Throughput,
    DeltaMetric::P95,
    DeltaMetric::ErrorRate,
];
