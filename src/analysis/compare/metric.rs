//! The metrics `compare` compares: their names (flags, compare.json), units, which
//! way is worse, and each one's value for one run's endpoint (the exact histogram's
//! percentile first, else the figure the source reported).

use serde::Serialize;

use super::input::{EndpointInput, Figures};

/// A compared metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Requests/s.
    Throughput,
    /// Successful requests/s.
    Goodput,
    /// Median latency.
    P50,
    /// 90th percentile latency.
    P90,
    /// 95th percentile latency.
    P95,
    /// 99th percentile latency.
    P99,
    /// Mean latency.
    Mean,
    /// Failures ÷ requests.
    ErrorRate,
    /// Throughput at saturation.
    SaturationRps,
    /// Throughput up to which the SLA holds.
    SlaHeadroomRps,
    /// USL peak concurrency N*.
    UslPeakUsers,
}

/// Every metric: the per-endpoint ones, then a run's capacity figures.
const ALL: [Metric; 11] = [
    Metric::Throughput,
    Metric::Goodput,
    Metric::P50,
    Metric::P90,
    Metric::P95,
    Metric::P99,
    Metric::Mean,
    Metric::ErrorRate,
    Metric::SaturationRps,
    Metric::SlaHeadroomRps,
    Metric::UslPeakUsers,
];

/// The metrics compared per endpoint.
pub const ENDPOINT_METRICS: &[Metric] = ALL.split_at(8).0;

impl Metric {
    /// The name in flags, compare.json and tables.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Throughput => "throughput",
            Metric::Goodput => "goodput",
            Metric::P50 => "p50",
            Metric::P90 => "p90",
            Metric::P95 => "p95",
            Metric::P99 => "p99",
            Metric::Mean => "mean",
            Metric::ErrorRate => "error_rate",
            Metric::SaturationRps => "saturation_rps",
            Metric::SlaHeadroomRps => "sla_headroom_rps",
            Metric::UslPeakUsers => "usl_peak_users",
        }
    }

    /// Every metric, for parsing names.
    pub fn all() -> [Metric; 11] {
        ALL
    }

    /// The metric of a name (`p95`, `error_rate`…).
    pub fn parse(name: &str) -> Option<Metric> {
        let name = name.trim().to_ascii_lowercase().replace('-', "_");
        Metric::all().into_iter().find(|m| m.name() == name)
    }

    /// True when a larger value is worse (latency, errors); false for rates and
    /// capacity, where a smaller value is worse.
    pub fn higher_is_worse(self) -> bool {
        matches!(
            self,
            Metric::P50
                | Metric::P90
                | Metric::P95
                | Metric::P99
                | Metric::Mean
                | Metric::ErrorRate
        )
    }

    /// Unit of its values.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::Throughput
            | Metric::Goodput
            | Metric::SaturationRps
            | Metric::SlaHeadroomRps => "req/s",
            Metric::ErrorRate => "fraction",
            Metric::UslPeakUsers => "users",
            _ => "ms",
        }
    }

    pub(super) fn quantile(self) -> Option<f64> {
        match self {
            Metric::P50 => Some(0.5),
            Metric::P90 => Some(0.9),
            Metric::P95 => Some(0.95),
            Metric::P99 => Some(0.99),
            _ => None,
        }
    }

    pub(super) fn figure(self, f: &Figures) -> Option<f64> {
        match self {
            Metric::Throughput => f.throughput_rps,
            Metric::Goodput => f.goodput_rps,
            Metric::P50 => f.p50,
            Metric::P90 => f.p90,
            Metric::P95 => f.p95,
            Metric::P99 => f.p99,
            Metric::Mean => f.mean,
            Metric::ErrorRate => f.error_rate,
            _ => None,
        }
    }

    /// The value of this metric for one run's endpoint (exact histogram first).
    pub fn value(self, e: &EndpointInput) -> Option<f64> {
        match (self.quantile(), &e.histogram) {
            (Some(q), Some(h)) if !h.is_empty() => Some(h.value_at_quantile(q) as f64 / 1000.0),
            _ => self.figure(&e.figures),
        }
    }
}
