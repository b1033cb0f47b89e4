//! What `inspect` says of one file (the `--format json` contract): filled by ingest
//! (which reads the file), completed by analysis for a loaded source, shown by render.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::LatencyDistribution;

/// Endpoint names listed per file.
pub const LISTED_ENDPOINTS: usize = 8;

/// What `inspect` found in one file (the `--format json` contract).
#[derive(Debug, Default, Serialize)]
pub struct FileReport {
    /// The file, as given.
    #[serde(serialize_with = "super::run::lossy_path")]
    pub path: PathBuf,
    /// Detected format (`jmeter-csv`, `k6-json`, …), null when unrecognised.
    pub format: Option<String>,
    /// The tool whose files form one source.
    pub tool: Option<String>,
    /// Tool and version hints from the content.
    pub version: Option<String>,
    /// True when the file was read without problems.
    pub ok: bool,
    /// Requests (transaction rows and sub-results not included).
    pub requests: Option<u64>,
    /// Failed requests.
    pub failures: Option<u64>,
    /// Failures by kind (`status:503`, `timeout`, …).
    pub failures_by_kind: BTreeMap<String, u64>,
    /// Transaction-controller samples (JMeter), counted apart.
    pub transactions: Option<u64>,
    /// Distinct endpoints (`METHOD name`).
    pub endpoints: Option<usize>,
    /// The busiest endpoints, up to eight.
    pub endpoint_names: Vec<String>,
    /// First request, RFC 3339 (null when the file has no times).
    pub start: Option<String>,
    /// Last request start, RFC 3339.
    pub end: Option<String>,
    /// Span between them (or the summary's own duration), s.
    pub duration_s: Option<f64>,
    /// Most concurrent users / threads / VUs seen.
    pub users_max: Option<f64>,
    /// True when latency is known per request (exact percentiles), false for a
    /// tool's summary, null without latencies.
    pub latency_exact: Option<bool>,
    /// Latency over every request, ms.
    pub latency_ms: Option<LatencyFigures>,
    /// What was left out and other facts worth knowing.
    pub notes: Vec<String>,
    /// Why the file (or part of it) could not be read.
    pub problems: Vec<String>,
}

/// A few latency figures, ms.
#[derive(Debug, Default, Serialize)]
pub struct LatencyFigures {
    /// Median.
    pub p50: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// Largest.
    pub max: Option<f64>,
}

impl LatencyFigures {
    /// The figures of a distribution; `None` when it holds no latency.
    pub fn of(d: &LatencyDistribution) -> Option<LatencyFigures> {
        (d.count() > 0).then(|| LatencyFigures {
            p50: d.percentile(50.0).map(|p| p.value_ms),
            p95: d.percentile(95.0).map(|p| p.value_ms),
            p99: d.percentile(99.0).map(|p| p.value_ms),
            max: d.max_ms(),
        })
    }
}
