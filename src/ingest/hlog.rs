//! HdrHistogram interval logs (placeholder until the reader lands).

use std::path::{Path, PathBuf};

use hdrhistogram::Histogram;

use super::{problem, Observation, Replay, TimeUnit};
use crate::model::{EndpointKey, Problem};

/// A decoded interval log.
pub struct HlogFile {
    /// The file.
    pub path: PathBuf,
    /// Log format version.
    pub format_version: Option<String>,
    /// Unit of the values.
    pub unit: TimeUnit,
    /// Intervals.
    pub intervals: Vec<HlogInterval>,
    /// Warnings.
    pub warnings: Vec<String>,
}

/// One interval.
pub struct HlogInterval {
    /// Endpoint.
    pub key: EndpointKey,
    /// Start, epoch ms.
    pub start_ms: i64,
    /// End, epoch ms.
    pub end_ms: i64,
    /// µs.
    pub histogram: Histogram<u64>,
}

/// True for an interval log.
pub fn looks_like_hlog(head: &str) -> bool {
    head.lines()
        .any(|l| l.starts_with("#[Histogram log format version"))
}

/// Reads a log.
pub fn read_hlog(path: &Path, _unit: TimeUnit) -> Result<HlogFile, Problem> {
    Err(problem(path, None, "not yet"))
}

impl Replay for HlogFile {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        for iv in &self.intervals {
            visit(Observation::Histogram {
                key: iv.key.clone(),
                start_ms: iv.start_ms,
                end_ms: iv.end_ms,
                histogram: &iv.histogram,
            });
        }
        Ok(())
    }
}
