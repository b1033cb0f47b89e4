//! Scenario files: what to request (weighted tasks), how hard (closed-model stages
//! of users or open-model stages of an arrival rate) and the global bounds. Parsing
//! and validation only; nothing here sends traffic.
//!
//! ```toml
//! base_url = "http://127.0.0.1:8000"    # or https://…
//! description = "Mixed read traffic"    # optional, shown in the report
//! think_time = "between(1, 5)"          # constant(0) | between(a, b) | exponential(mean)
//! max_duration = "10m"                  # default 10m
//! max_requests = 10_000_000             # default 10 million
//!
//! [[task]]
//! name = "list_agents"
//! weight = 40
//! method = "GET"
//! path = "/api/v1/agents/{id}"          # {id} → a random 1..=1000
//! timeout = "0.5s"
//! expect_status = [200]                 # default: any 2xx or 3xx (also `expected_status`)
//! body = { agent = "coder" }            # optional; a table is sent as JSON, a string as is
//! # body_file = "body.json"             # or the body from a file (beside the scenario)
//! headers = { X-Item = "{sku}" }        # per task, over the global [headers]
//! expect_body_contains = "name"         # checks: a failure is `assertion`, counted by name
//! expect_json = { "/status" = "ok" }    # JSON pointer = value
//!
//! [headers]                             # every request; ${ENV_VAR} read at start, never written out
//! Authorization = "Bearer {token}"
//!
//! [[on_start]]                          # once per user, before its first task
//! method = "POST"
//! path = "/login"
//! body = { user = "{user}", password = "${PASSWORD}" }
//! extract = { token = "/access_token" } # JSON pointer → the user's {token}
//!
//! [[data]]                              # a CSV file's columns as {user}, {sku}…
//! file = "users.csv"
//! mode = "unique"                       # sequential (default) | random | unique (one row per user)
//!
//! [[stage]]                             # closed model
//! name = "baseline"
//! users = 100
//! spawn_rate = 10                       # users per second; omitted: all at once
//! duration = "5m"                       # ramp included
//! description = "Establish the baseline" # optional, shown in the report
//!
//! [[stage]]                             # open model
//! name = "steady"
//! arrival_rate = 200                    # requests per second
//! duration = "1m"
//! ```
//!
//! Closed-model users carry over from one stage to the next: a stage with more
//! users adds the difference at its spawn rate, one with fewer stops the excess
//! users once their current request is done.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use hyper::{Method, Uri};
use rand::Rng;
use serde::Deserialize;

use super::checks::{toml_to_json, BodyCheck, Checks};
use super::error::DriverError;
use super::feeder::{Feeder, Mode};
use super::template::{Names, Slot, Template};
use super::units::{parse_duration, Secs};
use crate::model::ThinkTime;

pub use super::template::MAX_ID;

/// Default bound on a run's length.
pub const DEFAULT_MAX_DURATION: Duration = Duration::from_secs(600);
/// Default bound on a run's request count.
pub const DEFAULT_MAX_REQUESTS: u64 = 10_000_000;
/// Timeout of a task that names none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Label written to `run.toml` (release under test), when given.
    pub label: Option<String>,
    /// Base URL as written (`http://host:port[/prefix]`).
    pub base_url: String,
    /// `host[:port]` of the base URL (the Host header and the address to resolve).
    pub authority: String,
    /// True for an `https://` base URL.
    pub https: bool,
    /// CSV data feeders, in `[[data]]` order.
    pub data: Vec<Feeder>,
    /// Tasks each user runs once, in order, before its first weighted task.
    pub on_start: Vec<Task>,
    /// Per-user variable names (from the `extract`s), by `Slot::Var` index.
    pub vars: Vec<String>,
    /// Names of the checks, by counter index.
    pub check_names: Vec<String>,
    /// Think time between a user's requests (closed model).
    pub think_time: ThinkTime,
    /// The run stops (incomplete) after this long.
    pub max_duration: Duration,
    /// The run stops (incomplete) after this many requests.
    pub max_requests: u64,
    /// Weighted tasks.
    pub tasks: Vec<Task>,
    /// Endpoint keys (`METHOD /path/{template}`), indexed by `Task::endpoint`.
    pub endpoints: Vec<String>,
    /// Stages, in order.
    pub stages: Vec<Stage>,
    /// What the run is for (the file's `description`), written to `run.toml`.
    pub description: Option<String>,
    /// Cumulative task weights, for weighted picking.
    cumulative: Vec<u64>,
}

/// One weighted request kind.
#[derive(Clone, Debug)]
pub struct Task {
    /// Display name (defaults to the endpoint key).
    pub name: String,
    /// Relative weight.
    pub weight: u32,
    /// HTTP method.
    pub method: Method,
    /// Request path (base URL prefix included), possibly with placeholders.
    pub path: Template,
    /// Headers (the global ones merged in), in order.
    pub headers: Vec<(String, Template)>,
    /// Request body (sent with `content-type: application/json` unless a header says otherwise).
    pub body: Option<Template>,
    /// False when a header gives the content type.
    pub json_body: bool,
    /// Body checks and extracts.
    pub checks: Checks,
    /// Whole-request timeout (connect, send, headers and body).
    pub timeout: Duration,
    /// Which statuses count as success.
    pub expected: Expected,
    /// Index into `Scenario::endpoints`.
    pub endpoint: usize,
}

/// Which statuses a task accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// Any 2xx or 3xx.
    Default,
    /// Exactly these.
    List(Vec<u16>),
}

impl Expected {
    /// True when `status` counts as success.
    pub fn accepts(&self, status: u16) -> bool {
        match self {
            Expected::Default => (200..400).contains(&status),
            Expected::List(l) => l.contains(&status),
        }
    }
}

/// One stage of the load profile.
#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    /// Stage name.
    pub name: String,
    /// Closed or open model.
    pub load: Load,
    /// Length, ramp included.
    pub duration: Duration,
    /// What the stage is for (written to `run.toml`, shown in the report).
    pub description: Option<String>,
}

/// How a stage makes load.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Load {
    /// `users` concurrent users, each looping request → think.
    Closed {
        /// Concurrent users.
        users: u32,
        /// Users started (or stopped) per second; `None`: all at once.
        spawn_rate: Option<f64>,
    },
    /// Requests started at a fixed rate whatever the responses do.
    Open {
        /// Requests per second.
        arrival_rate: f64,
    },
}

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

/// A task for [`Scenario::quick`] and scenario building in code.
#[derive(Clone, Debug)]
pub struct TaskSpec {
    /// Display name.
    pub name: String,
    /// Relative weight.
    pub weight: u32,
    /// HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Request body.
    pub body: Option<Bytes>,
    /// Timeout.
    pub timeout: Duration,
    /// Accepted statuses (`None`: any 2xx/3xx).
    pub expected_status: Option<Vec<u16>>,
    /// Headers, as written (`${ENV}` and placeholders not filled yet).
    pub headers: Vec<(String, String)>,
    /// `expect_body_contains`.
    pub expect_body_contains: Option<String>,
    /// `expect_json`: (JSON pointer, value).
    pub expect_json: Vec<(String, serde_json::Value)>,
    /// `extract` (on_start tasks): (variable, JSON pointer).
    pub extract: Vec<(String, String)>,
}

impl TaskSpec {
    /// A GET of `path` with the defaults.
    pub fn get(path: &str) -> TaskSpec {
        TaskSpec {
            name: String::new(),
            weight: 1,
            method: "GET".into(),
            path: path.into(),
            body: None,
            timeout: DEFAULT_TIMEOUT,
            expected_status: None,
            headers: Vec::new(),
            expect_body_contains: None,
            expect_json: Vec::new(),
            extract: Vec::new(),
        }
    }
}

/// What a scenario file adds to the core of [`Scenario::build`].
#[derive(Default)]
pub struct Extras {
    /// The global `[headers]`, as written.
    pub headers: Vec<(String, String)>,
    /// Data feeders.
    pub data: Vec<Feeder>,
    /// `[[on_start]]` tasks.
    pub on_start: Vec<TaskSpec>,
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
            message: e.to_string().trim_end().to_string(),
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
            stages.push(Stage {
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

    /// Builds and validates a scenario from parts.
    pub fn build(
        label: Option<String>,
        base_url: &str,
        think_time: ThinkTime,
        max_duration: Duration,
        max_requests: u64,
        task_specs: Vec<TaskSpec>,
        stages: Vec<Stage>,
    ) -> Result<Scenario, DriverError> {
        Scenario::build_with(
            label,
            base_url,
            think_time,
            max_duration,
            max_requests,
            task_specs,
            stages,
            Extras::default(),
        )
    }

    /// [`Scenario::build`] with headers, data feeders and on_start tasks.
    #[allow(clippy::too_many_arguments)]
    pub fn build_with(
        label: Option<String>,
        base_url: &str,
        think_time: ThinkTime,
        max_duration: Duration,
        max_requests: u64,
        task_specs: Vec<TaskSpec>,
        stages: Vec<Stage>,
        extras: Extras,
    ) -> Result<Scenario, DriverError> {
        let bad = |m: String| DriverError::Scenario(m);
        let (https, authority, prefix) = split_base_url(base_url).map_err(bad)?;
        if task_specs.is_empty() {
            return Err(bad("no [[task]]: give at least one task".into()));
        }
        if stages.is_empty() {
            return Err(bad("no [[stage]]: give at least one stage".into()));
        }
        check_think_time(&think_time).map_err(bad)?;
        if max_duration.is_zero() {
            return Err(bad("max_duration must be positive".into()));
        }
        if max_requests == 0 {
            return Err(bad("max_requests must be positive".into()));
        }
        let env = |n: &str| std::env::var(n).ok();
        #[allow(clippy::redundant_closure)]
        let mut b = TaskBuilder {
            names: names_of(&extras)?,
            env: &env,
            prefix: &prefix,
            global: &extras.headers,
            endpoints: Vec::new(),
            check_names: Vec::new(),
            open: stages.iter().any(|s| matches!(s.load, Load::Open { .. })),
        };
        let mut on_start = Vec::with_capacity(extras.on_start.len());
        for (i, t) in extras.on_start.into_iter().enumerate() {
            if b.open {
                return Err(bad(
                    "[[on_start]] runs once per user: it needs closed-model stages (users), and \
                     an open-model stage (arrival_rate) has no users; give a fixed token in \
                     [headers] with ${ENV_VAR} instead"
                        .into(),
                ));
            }
            on_start.push(b.task(t, format!("on_start #{}", i + 1))?);
        }
        let mut tasks = Vec::with_capacity(task_specs.len());
        for (i, t) in task_specs.into_iter().enumerate() {
            tasks.push(b.task(t, format!("task #{}", i + 1))?);
        }
        let TaskBuilder {
            names,
            endpoints,
            check_names,
            ..
        } = b;
        let vars: Vec<String> = names
            .known
            .iter()
            .filter(|(_, s)| matches!(s, Slot::Var(_)))
            .map(|(n, _)| n.clone())
            .collect();
        if endpoints.len() > u16::MAX as usize {
            return Err(bad("too many distinct endpoints".into()));
        }
        check_stages(&stages).map_err(bad)?;
        let mut total = 0u64;
        let cumulative = tasks
            .iter()
            .map(|t| {
                total += u64::from(t.weight);
                total
            })
            .collect();
        Ok(Scenario {
            label,
            base_url: base_url.to_string(),
            authority,
            https,
            data: extras.data,
            on_start,
            vars,
            check_names,
            think_time,
            max_duration,
            max_requests,
            tasks,
            endpoints,
            stages,
            description: None,
            cumulative,
        })
    }

    /// The quick form (`drive --url`): one task, one stage.
    #[allow(clippy::too_many_arguments)]
    pub fn quick(
        url: &str,
        method: &str,
        load: Load,
        duration: Duration,
        think_time: ThinkTime,
        timeout: Duration,
        body: Option<Bytes>,
    ) -> Result<Scenario, DriverError> {
        let uri: Uri = url
            .parse()
            .map_err(|e| DriverError::Scenario(format!("bad --url `{url}`: {e}")))?;
        let base = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or("http"),
            uri.authority().map(|a| a.as_str()).unwrap_or_default()
        );
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
        let task = TaskSpec {
            method: method.to_string(),
            body,
            timeout,
            ..TaskSpec::get(&path)
        };
        let stage = Stage {
            name: "main".into(),
            load,
            duration,
            description: None,
        };
        // The run's own length plus a margin for draining is the natural bound here.
        let max = duration + Duration::from_secs(30);
        Scenario::build(
            None,
            &base,
            think_time,
            max,
            DEFAULT_MAX_REQUESTS,
            vec![task],
            vec![stage],
        )
    }

    /// Picks a task by weight.
    pub fn pick(&self, rng: &mut impl Rng) -> &Task {
        &self.tasks[self.pick_index(rng)]
    }

    /// Index of a task picked by weight.
    pub fn pick_index(&self, rng: &mut impl Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let r = rng.random_range(0..total);
        self.cumulative
            .partition_point(|&c| c <= r)
            .min(self.tasks.len() - 1)
    }

    /// Checks the stages again after a change (command-line overrides).
    pub fn validate_stages(&self) -> Result<(), DriverError> {
        check_stages(&self.stages).map_err(DriverError::Scenario)
    }

    /// Sum of the stage durations (the planned run length).
    pub fn planned_duration(&self) -> Duration {
        self.stages.iter().map(|s| s.duration).sum()
    }

    /// The longest task timeout.
    pub fn max_timeout(&self) -> Duration {
        self.tasks
            .iter()
            .map(|t| t.timeout)
            .max()
            .unwrap_or(DEFAULT_TIMEOUT)
    }
}

/// The placeholder names of a scenario: `{id}`, the feeders' columns, the extracts.
fn names_of(extras: &Extras) -> Result<Names, DriverError> {
    let mut names = Names::id_only();
    let mut add = |name: &str, slot: Slot, from: &str| {
        if names.known.iter().any(|(n, _)| n == name) {
            return Err(DriverError::Scenario(format!(
                "{{{name}}} is defined twice ({from}); rename one"
            )));
        }
        names.known.push((name.to_string(), slot));
        Ok(())
    };
    for (src, f) in extras.data.iter().enumerate() {
        for (col, c) in f.columns.iter().enumerate() {
            add(c, Slot::Column(src as u16, col as u16), &f.file)?;
        }
    }
    let mut var = 0u16;
    for t in &extras.on_start {
        for (name, _) in &t.extract {
            if !super::template::is_name(name) {
                return Err(DriverError::Scenario(format!(
                    "extract `{name}`: a variable name is letters, digits and _"
                )));
            }
            add(name, Slot::Var(var), "an [[on_start]] extract")?;
            var += 1;
        }
    }
    Ok(names)
}

/// Turns task specs into tasks, collecting endpoints and check names.
struct TaskBuilder<'a> {
    names: Names,
    env: &'a dyn Fn(&str) -> Option<String>,
    prefix: &'a str,
    global: &'a [(String, String)],
    endpoints: Vec<String>,
    check_names: Vec<String>,
    open: bool,
}

impl TaskBuilder<'_> {
    fn check(&mut self, name: String) -> usize {
        self.check_names.push(name);
        self.check_names.len() - 1
    }

    fn task(&mut self, t: TaskSpec, which: String) -> Result<Task, DriverError> {
        let which = format!(
            "{which} (`{}`)",
            if t.name.is_empty() { &t.path } else { &t.name }
        );
        let bad = |m: String| DriverError::Scenario(format!("{which}: {m}"));
        let method = Method::from_bytes(t.method.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| bad(format!("bad method `{}`", t.method)))?;
        if t.weight == 0 {
            return Err(bad("weight must be at least 1".into()));
        }
        if t.timeout.is_zero() {
            return Err(bad("timeout must be positive".into()));
        }
        if let Some(l) = &t.expected_status {
            if l.is_empty() || l.iter().any(|s| !(100..600).contains(s)) {
                return Err(bad("expect_status must list HTTP statuses (100–599)".into()));
            }
        }
        let full = format!("{}{}", self.prefix, t.path);
        if !full.starts_with('/') {
            return Err(bad(format!("path `{full}` must start with /")));
        }
        let path = Template::parse(&full, &self.names, true, self.env).map_err(&bad)?;
        let sample = String::from_utf8_lossy(&path.sample()).into_owned();
        let secret = |m: String| {
            if path.secret {
                "invalid characters".to_string()
            } else {
                m
            }
        };
        Uri::try_from(sample.as_str())
            .map_err(|e| bad(format!("path `{full}`: {}", secret(e.to_string()))))?;
        if sample
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(bad(format!(
                "path `{full}` must not contain spaces or control characters"
            )));
        }
        let key = format!("{method} {}", path.text);
        let endpoint = match self.endpoints.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                self.endpoints.push(key.clone());
                self.endpoints.len() - 1
            }
        };
        let name = if t.name.is_empty() { key } else { t.name };
        let mut headers = Vec::new();
        let overridden = |h: &str| t.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(h));
        let global = self.global.iter().filter(|(n, _)| !overridden(n));
        for (h, v) in global.chain(t.headers.iter()) {
            let valid_name = !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !valid_name {
                return Err(bad(format!(
                    "header name `{h}` is not a valid HTTP header name"
                )));
            }
            if h.eq_ignore_ascii_case("host") || h.eq_ignore_ascii_case("content-length") {
                return Err(bad(format!("header `{h}` is set by the driver")));
            }
            let tpl = Template::parse(v, &self.names, true, self.env)
                .map_err(|m| bad(format!("header {h}: {m}")))?;
            if tpl.sample().iter().any(|b| b.is_ascii_control()) {
                return Err(bad(format!(
                    "header {h}: the value holds a line break or control character"
                )));
            }
            headers.push((h.clone(), tpl));
        }
        let json_body = !headers
            .iter()
            .any(|(h, _)| h.eq_ignore_ascii_case("content-type"));
        let body = match t.body {
            None => None,
            Some(b) => Some(match std::str::from_utf8(&b) {
                Ok(text) => Template::parse(text, &self.names, false, self.env)
                    .map_err(|m| bad(format!("body: {m}")))?,
                Err(_) => Template::bytes("(binary body)", b.to_vec()),
            }),
        };
        let mut checks = Checks::default();
        if let Some(l) = &t.expected_status {
            checks.status_counter = Some(self.check(format!("{name}: expect_status {l:?}")));
        }
        if let Some(c) = t.expect_body_contains {
            let i = self.check(format!("{name}: expect_body_contains {c:?}"));
            checks.body.push((BodyCheck::Contains(c), i));
        }
        for (ptr, want) in t.expect_json {
            if !(ptr.is_empty() || ptr.starts_with('/')) {
                return Err(bad(format!(
                    "expect_json key `{ptr}` must be a JSON pointer such as \"/status\""
                )));
            }
            let i = self.check(format!("{name}: expect_json {ptr} = {want}"));
            checks.body.push((BodyCheck::Json(ptr, want), i));
        }
        for (var, ptr) in t.extract {
            if !(ptr.is_empty() || ptr.starts_with('/')) {
                return Err(bad(format!(
                    "extract `{var}`: `{ptr}` must be a JSON pointer such as \"/access_token\""
                )));
            }
            let slot = self
                .names
                .known
                .iter()
                .find_map(|(n, s)| match s {
                    Slot::Var(i) if *n == var => Some(*i as usize),
                    _ => None,
                })
                .ok_or_else(|| bad(format!("extract `{var}`: unknown variable")))?;
            let i = self.check(format!("{name}: extract {var} from {ptr}"));
            checks.extract.push((slot, ptr, i));
        }
        let _ = self.open;
        Ok(Task {
            name,
            weight: t.weight,
            method,
            path,
            headers,
            body,
            json_body,
            checks,
            timeout: t.timeout,
            expected: t.expected_status.map_or(Expected::Default, Expected::List),
            endpoint,
        })
    }
}

/// Stage names, durations and loads within bounds.
fn check_stages(stages: &[Stage]) -> Result<(), String> {
    for s in stages {
        if s.name.trim().is_empty() {
            return Err("a stage has an empty name".into());
        }
        if s.duration.is_zero() {
            return Err(format!("stage `{}`: duration must be positive", s.name));
        }
        match s.load {
            Load::Closed { users, spawn_rate } => {
                if users > 1_000_000 {
                    return Err(format!(
                        "stage `{}`: {users} users is more than 1 000 000",
                        s.name
                    ));
                }
                if let Some(r) = spawn_rate {
                    if !(r.is_finite() && r > 0.0) {
                        return Err(format!("stage `{}`: spawn_rate must be positive", s.name));
                    }
                }
            }
            Load::Open { arrival_rate } => {
                if !(arrival_rate.is_finite() && arrival_rate > 0.0 && arrival_rate <= 1e6) {
                    return Err(format!(
                        "stage `{}`: arrival_rate must be in (0, 1 000 000] requests per second",
                        s.name
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_think_time(t: &ThinkTime) -> Result<(), String> {
    let ok = |v: f64| v.is_finite() && (0.0..=3600.0).contains(&v);
    let good = match *t {
        ThinkTime::Constant(a) | ThinkTime::Exponential(a) => ok(a),
        ThinkTime::Between(a, b) => ok(a) && ok(b) && a <= b,
    };
    if good {
        Ok(())
    } else {
        Err(format!("think_time `{t}` must be between 0 and 3600 s"))
    }
}

/// `http[s]://host:port/prefix` → (https, `host:port`, `/prefix` without a trailing slash).
fn split_base_url(url: &str) -> Result<(bool, String, String), String> {
    let uri: Uri = url
        .trim()
        .parse()
        .map_err(|e| format!("base_url `{url}`: {e}"))?;
    let https = match uri.scheme_str() {
        Some("http") => false,
        Some("https") => true,
        Some(other) => {
            return Err(format!(
                "base_url `{url}`: scheme {other} is not supported (http or https)"
            ))
        }
        None => {
            return Err(format!(
                "base_url `{url}`: give a full URL such as http://127.0.0.1:8000"
            ))
        }
    };
    let authority = uri
        .authority()
        .map(|a| a.as_str().to_string())
        .filter(|a| !a.is_empty())
        .ok_or_else(|| format!("base_url `{url}`: no host"))?;
    if authority.contains('@') {
        return Err(format!(
            "base_url `{url}`: credentials in the URL are not supported"
        ));
    }
    let prefix = uri.path().trim_end_matches('/').to_string();
    Ok((https, authority, prefix))
}

/// Parses a duration given on the command line.
pub fn cli_duration(text: &str) -> Result<Duration, String> {
    parse_duration(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    const OK: &str = r#"
base_url = "http://127.0.0.1:9/api"
think_time = "between(1, 5)"
[[task]]
weight = 3
path = "/agents/{id}"
timeout = 0.5
[[task]]
method = "post"
path = "/run"
body = { agent = "coder" }
expected_status = [200, 201]
[[stage]]
name = "a"
users = 10
spawn_rate = 5
duration = "10s"
[[stage]]
name = "b"
arrival_rate = 50
duration = "5s"
"#;

    #[test]
    fn parses_a_scenario() {
        let s = Scenario::parse(OK, Path::new("s.toml")).unwrap();
        assert_eq!(s.authority, "127.0.0.1:9");
        assert_eq!(s.endpoints, ["GET /api/agents/{id}", "POST /api/run"]);
        assert_eq!(
            s.tasks[1].body.as_ref().map(|b| b.sample()),
            Some(b"{\"agent\":\"coder\"}".to_vec())
        );
        assert_eq!(s.tasks[0].timeout, Duration::from_millis(500));
        assert_eq!(s.stages[1].load, Load::Open { arrival_rate: 50.0 });
        let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
        let mut buf = Vec::new();
        let mut fill = crate::driver::template::Fill {
            rng: &mut rng,
            data: &[],
            rows: &[],
            vars: &[],
        };
        s.tasks[0]
            .path
            .render_into(&mut buf, &mut fill, crate::driver::template::Escape::Path);
        let u = String::from_utf8(buf).unwrap();
        assert!(u.starts_with("/api/agents/"));
        let n: u32 = u.rsplit('/').next().unwrap().parse().unwrap();
        assert!((1..=MAX_ID).contains(&n));
        let picks = (0..4000).filter(|_| s.pick(&mut rng).endpoint == 0).count();
        assert!((2800..3200).contains(&picks), "{picks}");
    }

    #[test]
    fn errors_name_the_problem() {
        let e = Scenario::parse(
            "base_url = \"http://x\"\n[[task]]\npath = 3\n",
            Path::new("s.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 3"), "{e}");
        let e = Scenario::parse(&OK.replace("users = 10", ""), Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("stage `a`"), "{e}");
        let e = Scenario::parse(&OK.replace("http://", "ftp://"), Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("ftp is not supported (http or https)"), "{e}");
        let s = Scenario::parse(&OK.replace("http://", "https://"), Path::new("s.toml")).unwrap();
        assert!(s.https);
        let login = "[[on_start]]\npath = \"/login\"\nextract = { token = \"/t\" }\n";
        let e = Scenario::parse(&format!("{OK}{login}"), Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("open-model stage"), "{e}");
        let closed = OK.replace("arrival_rate = 50", "users = 2");
        let s = Scenario::parse(&format!("{closed}{login}"), Path::new("s.toml")).unwrap();
        assert_eq!(
            (s.vars.clone(), s.on_start.len()),
            (vec!["token".to_string()], 1)
        );
        let e = Scenario::parse(&closed.replace("{id}", "{tokn}"), Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown placeholder {tokn}"), "{e}");
        let e = Scenario::parse(
            &closed.replace("timeout = 0.5", "extract = { a = \"/a\" }"),
            Path::new("s.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("extract belongs to an [[on_start]] task"), "{e}");
        let e = Scenario::parse(&OK.replace("{id}", "{name}"), Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("placeholder"), "{e}");
    }
}
