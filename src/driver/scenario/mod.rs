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
//!
//! Split by topic: this file holds the types and the small queries; `parse` reads
//! the TOML file, `validate` builds and checks a scenario from parts, `task` turns
//! one task spec into a [`Task`].

mod parse;
mod task;
mod validate;

use validate::check_stages;

use std::time::Duration;

use bytes::Bytes;
use hyper::{Method, Uri};
use rand::Rng;

use super::checks::Checks;
use super::error::DriverError;
use super::feeder::Feeder;
use super::template::Template;
use super::units::parse_duration;
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
    pub stages: Vec<ScenarioStage>,
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

/// One stage of the scenario's load profile, as planned (the measured stage of a run
/// is [`crate::model::Stage`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioStage {
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

impl Scenario {
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
        let uri: Uri = url.parse().map_err(|e| {
            DriverError::Scenario(format!(
                "bad --url `{url}`: {e}; give a full URL such as \
                     http://127.0.0.1:8000/health"
            ))
        })?;
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
        let stage = ScenarioStage {
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

/// Parses a duration given on the command line.
pub fn cli_duration(text: &str) -> Result<Duration, String> {
    parse_duration(text)
}

#[cfg(test)]
mod tests;
