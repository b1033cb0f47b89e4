//! The end-of-run summary the `drive` command prints (text, or JSON with
//! `--format json`). It is a convenience for the terminal; the analyzer reads the
//! run dir, not this.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use hdrhistogram::Histogram;
use serde::Serialize;

use super::hist::quantile_ms;

/// The whole run, as `drive` prints it at the end.
#[derive(Clone, Debug, Serialize)]
pub struct DriveSummary {
    /// The run dir written.
    pub run_dir: PathBuf,
    /// False when the run stopped early.
    pub complete: bool,
    /// Why it stopped early.
    pub incomplete_reason: Option<String>,
    /// Requests recorded (all stages, ramps included).
    pub requests: u64,
    /// Failed requests.
    pub failures: u64,
    /// Requests that got an HTTP response (any status); 0 makes the run incomplete.
    pub responses: u64,
    /// Requests in no stage's steady window: completed during a ramp, or after the
    /// last stage ended (in flight at its end).
    pub outside_stages: u64,
    /// Run length, s.
    pub duration_s: f64,
    /// Per stage, over its steady window.
    pub stages: Vec<StageSummary>,
}

/// One stage's steady window, counted as `analyze` counts it on the run dir: the
/// interval-log intervals in the window (see `recorder`), each request in the
/// interval in which it completed.
#[derive(Clone, Debug, Serialize)]
pub struct StageSummary {
    /// Stage name.
    pub name: String,
    /// Closed-model users.
    pub users: Option<u32>,
    /// Open-model arrival rate.
    pub arrival_rate_rps: Option<f64>,
    /// Steady window length, s.
    pub duration_s: f64,
    /// Requests completed in the steady window.
    pub requests: u64,
    /// Of which failed.
    pub failures: u64,
    /// requests ÷ duration_s.
    pub throughput_rps: f64,
    /// successful requests ÷ duration_s.
    pub goodput_rps: f64,
    /// Latency percentiles and max, ms.
    pub p50_ms: Option<f64>,
    /// p95, ms.
    pub p95_ms: Option<f64>,
    /// p99, ms.
    pub p99_ms: Option<f64>,
    /// Max, ms.
    pub max_ms: Option<f64>,
    /// Failures by kind (`status:503`, `timeout`…).
    pub failures_by_kind: BTreeMap<String, u64>,
    /// Per endpoint.
    pub endpoints: Vec<EndpointSummary>,
}

/// One endpoint within a stage.
#[derive(Clone, Debug, Serialize)]
pub struct EndpointSummary {
    /// Endpoint key.
    pub endpoint: String,
    /// Requests.
    pub requests: u64,
    /// Failures.
    pub failures: u64,
    /// Median, ms.
    pub p50_ms: Option<f64>,
    /// p95, ms.
    pub p95_ms: Option<f64>,
    /// p99, ms.
    pub p99_ms: Option<f64>,
}

impl EndpointSummary {
    /// From a µs histogram.
    pub fn from_hist(key: &str, h: &Histogram<u64>, failures: u64) -> EndpointSummary {
        EndpointSummary {
            endpoint: key.to_string(),
            requests: h.len(),
            failures,
            p50_ms: quantile_ms(h, 0.50),
            p95_ms: quantile_ms(h, 0.95),
            p99_ms: quantile_ms(h, 0.99),
        }
    }
}

impl StageSummary {
    /// From the stage's merged µs histogram.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        name: &str,
        users: Option<u32>,
        arrival_rate_rps: Option<f64>,
        duration_s: f64,
        h: &Histogram<u64>,
        failures: u64,
        failures_by_kind: BTreeMap<String, u64>,
        endpoints: Vec<EndpointSummary>,
    ) -> StageSummary {
        let requests = h.len();
        let per_s = |n: u64| {
            if duration_s > 0.0 {
                n as f64 / duration_s
            } else {
                0.0
            }
        };
        StageSummary {
            name: name.to_string(),
            users,
            arrival_rate_rps,
            duration_s,
            requests,
            failures,
            throughput_rps: per_s(requests),
            goodput_rps: per_s(requests.saturating_sub(failures)),
            p50_ms: quantile_ms(h, 0.50),
            p95_ms: quantile_ms(h, 0.95),
            p99_ms: quantile_ms(h, 0.99),
            max_ms: (!h.is_empty()).then(|| h.max() as f64 / 1000.0),
            failures_by_kind,
            endpoints,
        }
    }
}

/// An arrival rate for the table: whole rates as they are (`300/s`), a shard's share
/// to one decimal (`300.2/s`), never the float's 17 digits.
fn rate_text(r: f64) -> String {
    if (r - r.round()).abs() < 1e-9 {
        format!("{r:.0}/s")
    } else {
        format!("{r:.1}/s")
    }
}

impl DriveSummary {
    /// A short human-readable table.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let ms = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        let _ = writeln!(
            s,
            "{:<12} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  failures",
            "stage", "load", "requests", "req/s", "good/s", "p50 ms", "p95 ms", "p99 ms"
        );
        for st in &self.stages {
            let load = match (st.users, st.arrival_rate_rps) {
                (Some(u), _) => format!("{u}u"),
                (None, Some(r)) => rate_text(r),
                _ => "-".into(),
            };
            let kinds: Vec<String> = st
                .failures_by_kind
                .iter()
                .map(|(k, n)| format!("{k}={n}"))
                .collect();
            let _ = writeln!(
                s,
                "{:<12} {:>8} {:>9} {:>9.1} {:>9.1} {:>9} {:>9} {:>9}  {}",
                st.name,
                load,
                st.requests,
                st.throughput_rps,
                st.goodput_rps,
                ms(st.p50_ms),
                ms(st.p95_ms),
                ms(st.p99_ms),
                if kinds.is_empty() {
                    "0".to_string()
                } else {
                    kinds.join(" ")
                }
            );
        }
        let _ = write!(s, "{} requests", self.requests);
        if self.outside_stages > 0 {
            let _ = write!(
                s,
                " ({} of them in no steady window: during a ramp, or in flight when the last stage ended)",
                self.outside_stages
            );
        }
        let _ = write!(
            s,
            ", {} failed, {:.1} s; run dir {}",
            self.failures,
            self.duration_s,
            self.run_dir.display()
        );
        if let Some(r) = &self.incomplete_reason {
            let _ = write!(s, "\nINCOMPLETE: {r}");
        }
        s
    }
}
