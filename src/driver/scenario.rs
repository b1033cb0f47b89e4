//! Scenario files: what to request (weighted tasks), how hard (closed-model stages
//! of users or open-model stages of an arrival rate) and the global bounds. Parsing
//! and validation only; nothing here sends traffic.
//!
//! ```toml
//! base_url = "http://127.0.0.1:8000"
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
//! expected_status = [200]               # default: any 2xx or 3xx
//! body = { agent = "coder" }            # optional; a table is sent as JSON, a string as is
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

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use hyper::{Method, Uri};
use rand::Rng;
use serde::Deserialize;

use super::error::DriverError;
use super::units::{parse_duration, Secs};
use crate::model::ThinkTime;

/// Default bound on a run's length.
pub const DEFAULT_MAX_DURATION: Duration = Duration::from_secs(600);
/// Default bound on a run's request count.
pub const DEFAULT_MAX_REQUESTS: u64 = 10_000_000;
/// Timeout of a task that names none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Highest id a `{id}` placeholder expands to.
pub const MAX_ID: u32 = 1000;

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Label written to `run.toml` (release under test), when given.
    pub label: Option<String>,
    /// Base URL as written (`http://host:port[/prefix]`).
    pub base_url: String,
    /// `host[:port]` of the base URL (the Host header and the address to resolve).
    pub authority: String,
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
    /// Request path (base URL prefix included), possibly with `{id}`.
    pub path: PathTemplate,
    /// Request body (sent with `content-type: application/json`).
    pub body: Option<Bytes>,
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

/// A path with optional `{id}` placeholders.
#[derive(Clone, Debug)]
pub struct PathTemplate {
    /// The template text (what endpoint keys show).
    pub text: String,
    /// Pieces between placeholders; a placeholder sits between consecutive pieces.
    pieces: Vec<String>,
}

impl PathTemplate {
    /// Parses a path template; only `{id}` is a known placeholder.
    pub fn parse(text: &str) -> Result<PathTemplate, String> {
        if !text.starts_with('/') {
            return Err(format!("path `{text}` must start with /"));
        }
        let pieces: Vec<String> = text.split("{id}").map(str::to_string).collect();
        if let Some(p) = pieces.iter().find(|p| p.contains('{') || p.contains('}')) {
            return Err(format!(
                "path `{text}`: unknown placeholder in `{p}` (only {{id}} is known)"
            ));
        }
        // Check once that an expansion is a valid request target, so sending never fails on it.
        let sample = pieces.join("1");
        Uri::try_from(sample.as_str()).map_err(|e| format!("path `{text}`: {e}"))?;
        if sample
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(format!(
                "path `{text}` must not contain spaces or control characters"
            ));
        }
        Ok(PathTemplate {
            text: text.to_string(),
            pieces,
        })
    }

    /// Appends the path of one request to `out`; `{id}` becomes a random
    /// 1..=[`MAX_ID`]. No allocation.
    pub fn render_into(&self, out: &mut Vec<u8>, rng: &mut impl Rng) {
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                use std::io::Write;
                let _ = write!(out, "{}", rng.random_range(1..=MAX_ID));
            }
            out.extend_from_slice(piece.as_bytes());
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
    timeout: Option<Secs>,
    expected_status: Option<Vec<u16>>,
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
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, DriverError> {
        let text = std::fs::read_to_string(path).map_err(|e| DriverError::io(path, e))?;
        Scenario::parse(&text, path)
    }

    /// Parses and validates scenario text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario, DriverError> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| DriverError::ScenarioSyntax {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let mut tasks = Vec::with_capacity(raw.tasks.len());
        for (i, t) in raw.tasks.into_iter().enumerate() {
            let body = match t.body {
                None => None,
                Some(toml::Value::String(s)) => Some(Bytes::from(s)),
                Some(v) => Some(Bytes::from(serde_json::to_vec(&v).map_err(|e| {
                    DriverError::Scenario(format!("task #{}: body: {e}", i + 1))
                })?)),
            };
            tasks.push(TaskSpec {
                name: t.name.unwrap_or_default(),
                weight: t.weight,
                method: t.method.unwrap_or_else(|| "GET".into()),
                path: t.path,
                body,
                timeout: t.timeout.map_or(DEFAULT_TIMEOUT, |s| s.0),
                expected_status: t.expected_status,
            });
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
        Scenario::build(
            raw.label,
            &raw.base_url,
            raw.think_time.unwrap_or(ThinkTime::Constant(0.0)),
            raw.max_duration.map_or(DEFAULT_MAX_DURATION, |s| s.0),
            raw.max_requests.unwrap_or(DEFAULT_MAX_REQUESTS),
            tasks,
            stages,
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
        let bad = |m: String| DriverError::Scenario(m);
        let (authority, prefix) = split_base_url(base_url).map_err(bad)?;
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
        let mut endpoints: Vec<String> = Vec::new();
        let mut tasks = Vec::with_capacity(task_specs.len());
        for (i, t) in task_specs.into_iter().enumerate() {
            let which = format!(
                "task #{} (`{}`)",
                i + 1,
                if t.name.is_empty() { &t.path } else { &t.name }
            );
            let method = Method::from_bytes(t.method.trim().to_ascii_uppercase().as_bytes())
                .map_err(|_| bad(format!("{which}: bad method `{}`", t.method)))?;
            if t.weight == 0 {
                return Err(bad(format!("{which}: weight must be at least 1")));
            }
            if t.timeout.is_zero() {
                return Err(bad(format!("{which}: timeout must be positive")));
            }
            if let Some(l) = &t.expected_status {
                if l.is_empty() || l.iter().any(|s| !(100..600).contains(s)) {
                    return Err(bad(format!(
                        "{which}: expected_status must list HTTP statuses (100–599)"
                    )));
                }
            }
            let full = format!("{prefix}{}", t.path);
            let path = PathTemplate::parse(&full).map_err(|m| bad(format!("{which}: {m}")))?;
            let key = format!("{method} {}", path.text);
            let endpoint = match endpoints.iter().position(|k| *k == key) {
                Some(i) => i,
                None => {
                    endpoints.push(key.clone());
                    endpoints.len() - 1
                }
            };
            tasks.push(Task {
                name: if t.name.is_empty() { key } else { t.name },
                weight: t.weight,
                method,
                path,
                body: t.body,
                timeout: t.timeout,
                expected: t.expected_status.map_or(Expected::Default, Expected::List),
                endpoint,
            });
        }
        if endpoints.len() > u16::MAX as usize {
            return Err(bad("too many distinct endpoints".into()));
        }
        for s in &stages {
            if s.name.trim().is_empty() {
                return Err(bad("a stage has an empty name".into()));
            }
            if s.duration.is_zero() {
                return Err(bad(format!(
                    "stage `{}`: duration must be positive",
                    s.name
                )));
            }
            match s.load {
                Load::Closed { users, spawn_rate } => {
                    if users > 1_000_000 {
                        return Err(bad(format!(
                            "stage `{}`: {users} users is more than 1 000 000",
                            s.name
                        )));
                    }
                    if let Some(r) = spawn_rate {
                        if !(r.is_finite() && r > 0.0) {
                            return Err(bad(format!(
                                "stage `{}`: spawn_rate must be positive",
                                s.name
                            )));
                        }
                    }
                }
                Load::Open { arrival_rate } => {
                    if !(arrival_rate.is_finite() && arrival_rate > 0.0 && arrival_rate <= 1e6) {
                        return Err(bad(format!(
                            "stage `{}`: arrival_rate must be in (0, 1 000 000] requests per second",
                            s.name
                        )));
                    }
                }
            }
        }
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
            name: String::new(),
            weight: 1,
            method: method.to_string(),
            path,
            body,
            timeout,
            expected_status: None,
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

/// `http://host:port/prefix` → (`host:port`, `/prefix` without a trailing slash).
fn split_base_url(url: &str) -> Result<(String, String), String> {
    let uri: Uri = url
        .trim()
        .parse()
        .map_err(|e| format!("base_url `{url}`: {e}"))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some(other) => {
            return Err(format!(
                "base_url `{url}`: scheme {other} is not supported (only http)"
            ))
        }
        None => {
            return Err(format!(
                "base_url `{url}`: give a full URL such as http://127.0.0.1:8000"
            ))
        }
    }
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
    Ok((authority, prefix))
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
            s.tasks[1].body.as_deref(),
            Some(&b"{\"agent\":\"coder\"}"[..])
        );
        assert_eq!(s.tasks[0].timeout, Duration::from_millis(500));
        assert_eq!(s.stages[1].load, Load::Open { arrival_rate: 50.0 });
        let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
        let mut buf = Vec::new();
        s.tasks[0].path.render_into(&mut buf, &mut rng);
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
        let e = Scenario::parse(&OK.replace("http://", "https://"), Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("https"), "{e}");
        let e = Scenario::parse(&OK.replace("{id}", "{name}"), Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("placeholder"), "{e}");
    }
}
