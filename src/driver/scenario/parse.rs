//! Reading a scenario file: the TOML as written (`Raw*`, unknown keys refused), its
//! tasks turned into [`TaskSpec`]s (bodies read from `body_file`s), its `[[data]]`
//! files loaded, its stages given a load model; then [`Scenario::build_with`] checks
//! the whole.

use std::collections::BTreeMap;
use std::path::Path;

use bytes::Bytes;
use serde::Deserialize;

use super::{
    Extras, Load, Scenario, ScenarioStage, TaskSpec, DEFAULT_MAX_DURATION, DEFAULT_MAX_REQUESTS,
    DEFAULT_TIMEOUT,
};
use crate::driver::checks::toml_to_json;
use crate::driver::error::DriverError;
use crate::driver::feeder::{Feeder, Mode};
use crate::driver::units::Secs;
use crate::model::ThinkTime;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    label: Option<String>,
    description: Option<String>,
    base_url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    data: Vec<RawData>,
    #[serde(default)]
    on_start: Vec<RawTask>,
    think_time: Option<ThinkTime>,
    max_duration: Option<Secs>,
    max_requests: Option<u64>,
    #[serde(default, rename = "task")]
    tasks: Vec<RawTask>,
    #[serde(default, rename = "stage")]
    stages: Vec<RawStage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    name: Option<String>,
    #[serde(default = "one")]
    weight: u32,
    method: Option<String>,
    path: String,
    body: Option<toml::Value>,
    body_file: Option<String>,
    timeout: Option<Secs>,
    #[serde(alias = "expected_status")]
    expect_status: Option<Vec<u16>>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    expect_body_contains: Option<String>,
    #[serde(default)]
    expect_json: BTreeMap<String, toml::Value>,
    #[serde(default)]
    extract: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    file: String,
    #[serde(default)]
    mode: Mode,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    name: String,
    users: Option<u32>,
    spawn_rate: Option<f64>,
    arrival_rate: Option<f64>,
    duration: Secs,
    description: Option<String>,
}

/// A raw task → a spec; `dir` is where relative `body_file`s are.
fn task_spec(t: RawTask, which: String, dir: &Path) -> Result<TaskSpec, DriverError> {
    let bad = |m: String| DriverError::Scenario(format!("{which}: {m}"));
    let body = match (t.body, t.body_file) {
        (Some(_), Some(_)) => return Err(bad("give body or body_file, not both".into())),
        (None, Some(f)) => {
            let p = dir.join(&f);
            Some(Bytes::from(std::fs::read(&p).map_err(|e| {
                bad(format!("body_file {}: {e}", p.display()))
            })?))
        }
        (None, None) => None,
        (Some(toml::Value::String(s)), None) => Some(Bytes::from(s)),
        (Some(v), None) => Some(Bytes::from(
            serde_json::to_vec(&v).map_err(|e| bad(format!("body: {e}")))?,
        )),
    };
    Ok(TaskSpec {
        name: t.name.unwrap_or_default(),
        weight: t.weight,
        method: t.method.unwrap_or_else(|| "GET".into()),
        path: t.path,
        body,
        timeout: t.timeout.map_or(DEFAULT_TIMEOUT, |s| s.0),
        expected_status: t.expect_status,
        headers: t.headers.into_iter().collect(),
        expect_body_contains: t.expect_body_contains,
        expect_json: t
            .expect_json
            .iter()
            .map(|(k, v)| (k.clone(), toml_to_json(v)))
            .collect(),
        extract: t.extract.into_iter().collect(),
    })
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, DriverError> {
        let text = std::fs::read_to_string(path).map_err(|e| DriverError::io(path, e))?;
        Scenario::parse(&text, path)
    }

    /// Parses and validates scenario text; `path` names the file in errors, and its
    /// dir is where relative `body_file`s and `[[data]]` files are.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario, DriverError> {
        Scenario::parse_with(text, path, None)
    }

    /// [`Scenario::parse`] with the base URL replaced (`--base-url`).
    pub fn parse_with(
        text: &str,
        path: &Path,
        base_url: Option<&str>,
    ) -> Result<Scenario, DriverError> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| DriverError::ScenarioSyntax {
            path: path.to_path_buf(),
            message: crate::model::toml_error(text, &e),
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut tasks = Vec::with_capacity(raw.tasks.len());
        for (i, t) in raw.tasks.into_iter().enumerate() {
            if !t.extract.is_empty() {
                return Err(DriverError::Scenario(format!(
                    "task #{}: extract belongs to an [[on_start]] task",
                    i + 1
                )));
            }
            tasks.push(task_spec(t, format!("task #{}", i + 1), dir)?);
        }
        let mut extras = Extras {
            headers: raw.headers.into_iter().collect(),
            ..Extras::default()
        };
        for (i, t) in raw.on_start.into_iter().enumerate() {
            extras
                .on_start
                .push(task_spec(t, format!("on_start #{}", i + 1), dir)?);
        }
        for d in raw.data {
            let feeder =
                Feeder::load(&dir.join(&d.file), &d.file, d.mode).map_err(DriverError::Scenario)?;
            extras.data.push(feeder);
        }
        let mut stages = Vec::with_capacity(raw.stages.len());
        for s in raw.stages {
            let load = match (s.users, s.arrival_rate) {
                (Some(users), None) => Load::Closed {
                    users,
                    spawn_rate: s.spawn_rate,
                },
                (None, Some(rate)) if s.spawn_rate.is_none() => Load::Open { arrival_rate: rate },
                (None, Some(_)) => {
                    return Err(DriverError::Scenario(format!(
                        "stage `{}`: spawn_rate only applies to a closed-model stage (users)",
                        s.name
                    )))
                }
                _ => {
                    return Err(DriverError::Scenario(format!(
                        "stage `{}`: give either users (closed model) or arrival_rate (open model)",
                        s.name
                    )))
                }
            };
            stages.push(ScenarioStage {
                name: s.name,
                load,
                duration: s.duration.0,
                description: s.description,
            });
        }
        let description = raw.description;
        Scenario::build_with(
            raw.label,
            base_url.unwrap_or(&raw.base_url),
            raw.think_time.unwrap_or(ThinkTime::Constant(0.0)),
            raw.max_duration.map_or(DEFAULT_MAX_DURATION, |s| s.0),
            raw.max_requests.unwrap_or(DEFAULT_MAX_REQUESTS),
            tasks,
            stages,
            extras,
        )
        .map(|s| Scenario { description, ..s })
    }
}
