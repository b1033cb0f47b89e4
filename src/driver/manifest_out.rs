//! Writing `run.toml` (the `model::Manifest`) for a driver run: once at the start
//! (marked incomplete, so a killed driver still leaves an honest manifest) and again
//! at the end with the real outcome.

use std::path::Path;
use std::time::SystemTime;

use super::error::DriverError;
use super::scenario::{Load, Scenario};
use crate::model::{Manifest, ManifestStage, PlannedTask};

/// Reason written while the run is in progress (left as is if the driver is killed).
pub const IN_PROGRESS: &str = "run in progress, or the driver was killed before it finished";

/// When a stage started, reached its steady window, and ended.
#[derive(Clone, Copy, Debug)]
pub struct StageTimes {
    /// Start (ramp included).
    pub start: SystemTime,
    /// Ramp finished.
    pub steady: Option<SystemTime>,
    /// End.
    pub end: Option<SystemTime>,
    /// Closed-model users of the global plan reached when the run stopped in this
    /// stage's ramp (`None`: the stage reached its planned users).
    pub users_reached: Option<u32>,
}

/// RFC 3339 UTC with ms precision.
pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_millis(t).to_string()
}

/// The manifest of a run.
pub fn build(
    scenario: &Scenario,
    started: SystemTime,
    ended: Option<SystemTime>,
    complete: bool,
    reason: Option<&str>,
    times: &[StageTimes],
) -> Manifest {
    let stages = scenario
        .stages
        .iter()
        .zip(times)
        .map(|(s, t)| {
            let (users, arrival_rate_rps, spawn_rate) = match s.load {
                // A stage stopped in its ramp ran at the users it reached.
                Load::Closed { users, spawn_rate } => {
                    (Some(t.users_reached.unwrap_or(users)), None, spawn_rate)
                }
                Load::Open { arrival_rate } => (None, Some(arrival_rate), None),
            };
            ManifestStage {
                name: s.name.clone(),
                users,
                arrival_rate_rps,
                spawn_rate,
                start: Some(rfc3339(t.start)),
                steady_start: t.steady.map(rfc3339),
                end: t.end.map(rfc3339),
                description: s.description.clone(),
                planned_arrivals: None,
                duration_s: None,
                failures: None,
            }
        })
        .collect();
    Manifest {
        label: scenario.label.clone(),
        started: Some(rfc3339(started)),
        ended: ended.map(rfc3339),
        tool: Some(format!("headroom {}", env!("CARGO_PKG_VERSION"))),
        target_url: Some(scenario.base_url.clone()),
        complete: Some(complete),
        incomplete_reason: if complete {
            None
        } else {
            reason.map(str::to_string)
        },
        think_time: Some(scenario.think_time),
        description: scenario.description.clone(),
        client_host: client_host(),
        client_cpus: std::thread::available_parallelism()
            .ok()
            .and_then(|n| u32::try_from(n.get()).ok()),
        stages,
        tasks: scenario
            .tasks
            .iter()
            .map(|t| PlannedTask {
                name: t.name.clone(),
                endpoint: scenario.endpoints.get(t.endpoint).cloned(),
                weight: t.weight,
            })
            .collect(),
        ..Manifest::default()
    }
}

/// This machine's host name (the kernel's, else `$HOSTNAME`), when it can be read.
fn client_host() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}

/// Writes `dir/run.toml` (through a temporary file, so a reader never sees half of it).
pub fn write(dir: &Path, manifest: &Manifest) -> Result<(), DriverError> {
    let path = dir.join("run.toml");
    let tmp = dir.join(".run.toml.tmp");
    let text = format!(
        "# Written by headroom drive; read by headroom analyze.\n{}",
        manifest.to_toml()
    );
    std::fs::write(&tmp, text).map_err(|e| DriverError::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| DriverError::io(&path, e))
}
