//! What the run says about how it was set up, for the report's environment,
//! scenarios and task-mix tables: the load tool and its version, the client machine,
//! each stage's load, spawn rate, think time and description, and the planned task
//! weights beside the observed mix (from `run.toml`, which `drive` writes from its
//! scenario, or a hand-written one).

use serde::Serialize;

use crate::analysis::report::TaskShare;
use crate::model::Run;

/// The run's set-up.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunSetup {
    /// The load-generating side.
    pub environment: Environment,
    /// One row per stage of the primary source, in order.
    pub scenarios: Vec<ScenarioRow>,
    /// The planned tasks with their weights beside the observed mix; empty when the
    /// run does not say what it planned.
    pub planned_mix: Vec<PlannedShare>,
}

/// The load-generating side.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Environment {
    /// The tool the report's figures come from (the primary source).
    pub load_tool: Option<String>,
    /// Its version, as the manifest or the files say; null when neither does.
    pub tool_version: Option<String>,
    /// Host name of the client machine (run.toml `client_host`).
    pub client_host: Option<String>,
    /// Its logical CPUs (run.toml `client_cpus`).
    pub client_cpus: Option<u32>,
    /// What the run is for (run.toml `description`).
    pub description: Option<String>,
}

/// One stage as planned.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioRow {
    /// Stage name.
    pub stage: String,
    /// Closed-model users.
    pub users: Option<u32>,
    /// Open-model arrival rate, req/s.
    pub arrival_rate_rps: Option<f64>,
    /// Users started per second during the ramp.
    pub spawn_rate: Option<f64>,
    /// The run's think time (`between(1, 5)`).
    pub think_time: Option<String>,
    /// Length of the stage's steady window, s.
    pub duration_s: Option<f64>,
    /// What the stage is for (run.toml `[[stage]] description`).
    pub description: Option<String>,
}

/// A planned task beside what was observed.
#[derive(Clone, Debug, Serialize)]
pub struct PlannedShare {
    /// Task name.
    pub task: String,
    /// The endpoint it requests, when known.
    pub endpoint: Option<String>,
    /// Its weight.
    pub weight: u32,
    /// Weight ÷ all weights.
    pub planned_share: f64,
    /// The endpoint's requests over the run (every task sharing the endpoint).
    pub observed_requests: Option<u64>,
    /// The endpoint's share of all requests.
    pub observed_share: Option<f64>,
}

/// The set-up of `run`, with `mix` the observed task mix.
pub fn build(run: &Run, mix: &[TaskShare]) -> RunSetup {
    let primary = run.primary();
    let meta = &run.meta;
    let (tool, version) = tool_and_version(run);
    let environment = Environment {
        load_tool: tool,
        tool_version: version,
        client_host: meta.client_host.clone(),
        client_cpus: meta.client_cpus,
        description: meta.description.clone(),
    };
    let scenarios = primary
        .map(|src| {
            src.stages
                .iter()
                .map(|s| ScenarioRow {
                    stage: s.name.clone(),
                    users: s.users,
                    arrival_rate_rps: s.arrival_rate_rps,
                    spawn_rate: s.spawn_rate,
                    think_time: meta.think_time.map(|t| t.to_string()),
                    duration_s: s.duration_s(),
                    description: meta.stage_descriptions.get(&s.name).cloned(),
                })
                .collect()
        })
        .unwrap_or_default();
    let total: u64 = meta.planned_tasks.iter().map(|t| u64::from(t.weight)).sum();
    let planned_mix = meta
        .planned_tasks
        .iter()
        .filter(|_| total > 0)
        .map(|t| {
            let seen = t
                .endpoint
                .as_deref()
                .and_then(|ep| mix.iter().find(|m| m.endpoint == ep));
            PlannedShare {
                task: t.name.clone(),
                endpoint: t.endpoint.clone(),
                weight: t.weight,
                planned_share: f64::from(t.weight) / total as f64,
                observed_requests: t.endpoint.as_ref().map(|_| seen.map_or(0, |m| m.requests)),
                observed_share: t.endpoint.as_ref().map(|_| seen.map_or(0.0, |m| m.share)),
            }
        })
        .collect();
    RunSetup {
        environment,
        scenarios,
        planned_mix,
    }
}

/// The primary source's tool, and its version: the manifest's `tool` when it names
/// that tool (`locust 2.20.0`), else the version the input files state.
fn tool_and_version(run: &Run) -> (Option<String>, Option<String>) {
    let tool = run.primary().map(|s| s.tool.clone());
    let from_manifest = run.meta.tool.as_deref().and_then(|t| {
        let (name, version) = t.trim().split_once(char::is_whitespace)?;
        let same = tool
            .as_deref()
            .is_none_or(|p| p.eq_ignore_ascii_case(name) || p.starts_with(name));
        same.then(|| version.trim().to_string())
    });
    let from_files = || {
        let mut versions: Vec<&str> = run
            .inputs
            .iter()
            .filter_map(|f| f.tool_version.as_deref())
            .collect();
        versions.sort();
        versions.dedup();
        (versions.len() == 1).then(|| versions[0].to_string())
    };
    let version = from_manifest.or_else(from_files);
    (tool, version)
}
