//! `run.toml`, the run manifest: written by `drive`, read by `analyze` when present,
//! and optional for other tools' runs (a user may write one by hand).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::FailureKind;

/// The run manifest. Every field is optional so that a hand-written file can say
/// only what it knows.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Release or build under test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Where it ran (staging, laptop…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Commit of the system under test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_sha: Option<String>,
    /// RFC 3339 start of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    /// RFC 3339 end of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<String>,
    /// Tool (and version) that produced the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// Base URL of the system under test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
    /// False when the run stopped early (Ctrl-C, dead target, bound reached).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete: Option<bool>,
    /// Why the run is incomplete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete_reason: Option<String>,
    /// Think time of the virtual users (`between(1, 5)`, `constant(0)`, `exponential(2)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub think_time: Option<ThinkTime>,
    /// What the run is for, in a sentence (the scenario's `description`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Host name of the machine that generated the load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_host: Option<String>,
    /// Logical CPUs of the machine that generated the load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cpus: Option<u32>,
    /// What the data's per-request rows leave out, so its failure figures are bounds:
    /// `transport_errors` (hey's and oha's CSV) or `outcomes` (ab's `-g` TSV).
    /// `export --to csv` writes it, so the exported run stays `partial`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures_unseen: Option<FailuresUnseen>,
    /// The run's measured length, s, when its rows' span is wider: an export of runs
    /// the original added end to end (ab's consoles, each its own `Time taken for
    /// tests`), whose clock span holds the pauses between them too. The overall
    /// throughput divides by it; ignored when longer than the span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// True when the data was simulated rather than measured (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulated: Option<bool>,
    /// Requests `drive` recorded into its `latency.hlog` (open-model arrivals dropped at
    /// its in-flight cap included): a copy of the dir whose log holds fewer is cut short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_requests: Option<u64>,
    /// This run's part of a plan sharded over several drivers (`drive --shard i/N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ManifestShard>,
    /// What the driver noticed about the run (TLS handshake times, failed checks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The stages, in order.
    #[serde(default, rename = "stage", skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<ManifestStage>,
    /// The planned task mix (the scenario's weighted tasks), when known.
    #[serde(default, rename = "task", skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<PlannedTask>,
}

/// One `[[task]]` of a manifest: a weighted request kind of the scenario.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PlannedTask {
    /// Task name.
    pub name: String,
    /// The endpoint it requests, as the report keys it (`GET /api/agents`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Relative weight.
    pub weight: u32,
}

/// The `[shard]` table of a sharded driver run: which part of which plan it ran,
/// what it planned and sent, and when it started against the agreed start.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ManifestShard {
    /// 0-based shard index.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
    /// Hash of the global plan (scenario and seed); equal on every shard of a run.
    pub plan_hash: String,
    /// This shard's users at the busiest closed-model stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_users: Option<u32>,
    /// This shard's open-model arrivals, all stages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_arrivals: Option<u64>,
    /// Requests sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<u64>,
    /// Open-model arrivals not sent (the driver's in-flight cap), recorded as failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<u64>,
    /// The agreed start (`--start-at`, RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_at: Option<String>,
    /// When this shard really began, ms after `start_at` (negative: before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_offset_ms: Option<f64>,
}

/// One `[[stage]]` of a manifest.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ManifestStage {
    /// Stage name (`baseline`, `peak`…).
    pub name: String,
    /// Concurrent users of a closed-model stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<u32>,
    /// Target arrival rate of an open-model stage, requests per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_rate_rps: Option<f64>,
    /// Users started per second during the ramp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spawn_rate: Option<f64>,
    /// RFC 3339 start of the stage (ramp included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// RFC 3339 start of the steady window (after the ramp); default: start + users ÷ spawn_rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steady_start: Option<String>,
    /// RFC 3339 end of the stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// What the stage is for (`Establish performance baseline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Open-model arrivals this run planned for the stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_arrivals: Option<u64>,
    /// The stage's measured length, s, when its window is wider than the run (an
    /// export of ab's `-g` file, whose starts are whole seconds, writes ab's own `Time
    /// taken for tests`): throughput divides by it. Ignored when longer than the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// The stage's failures by kind (`other = 38034`, `"status:503" = 12`), when its
    /// per-request rows record no outcome (an export of ab's `-g` file, whose failures
    /// only ab's console counts): read back, they are the stage's failures, on its one
    /// endpoint. An empty table says none failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<BTreeMap<FailureKind, u64>>,
}

impl Manifest {
    /// Parses a manifest, naming the line of a mistake.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        toml::from_str(text).map_err(|e| super::toml_error(text, &e))
    }

    /// The manifest as TOML text.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}

/// What a run's per-request rows leave out (the manifest's `failures_unseen`).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FailuresUnseen {
    /// Transport errors (timeouts, refused and reset connections) have no row.
    TransportErrors,
    /// No row says whether it failed (every row counts as answered).
    Outcomes,
}

/// Virtual users' think time between requests.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ThinkTime {
    /// Always the same pause, seconds.
    Constant(f64),
    /// Uniform between two bounds, seconds.
    Between(f64, f64),
    /// Exponentially distributed with this mean, seconds.
    Exponential(f64),
}

impl ThinkTime {
    /// Mean pause, seconds (Z in the interactive response-time law).
    pub fn mean_s(&self) -> f64 {
        match *self {
            ThinkTime::Constant(s) => s,
            ThinkTime::Between(a, b) => (a + b) / 2.0,
            ThinkTime::Exponential(mean) => mean,
        }
    }
}

impl fmt::Display for ThinkTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThinkTime::Constant(s) => write!(f, "constant({s})"),
            ThinkTime::Between(a, b) => write!(f, "between({a}, {b})"),
            ThinkTime::Exponential(m) => write!(f, "exponential({m})"),
        }
    }
}

impl FromStr for ThinkTime {
    type Err = String;

    /// Accepts `between(1, 5)`, `constant(0)`, `exponential(2)`, and the command-line
    /// forms `1s..5s`, `1..5` (seconds) and `2s`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad = || {
            format!(
                "bad think time `{s}`: use between(1, 5), constant(0), exponential(2) or 1s..5s"
            )
        };
        if let Some((name, rest)) = s.split_once('(') {
            let args: Vec<f64> = rest
                .trim_end_matches(')')
                .split(',')
                .map(|a| parse_seconds(a.trim()))
                .collect::<Option<_>>()
                .ok_or_else(bad)?;
            return match (name.trim(), args.as_slice()) {
                ("between", [a, b]) if a <= b => Ok(ThinkTime::Between(*a, *b)),
                ("constant", [a]) => Ok(ThinkTime::Constant(*a)),
                ("exponential", [m]) => Ok(ThinkTime::Exponential(*m)),
                _ => Err(bad()),
            };
        }
        if let Some((a, b)) = s.split_once("..") {
            let (a, b) = (
                parse_seconds(a).ok_or_else(bad)?,
                parse_seconds(b).ok_or_else(bad)?,
            );
            if a > b {
                return Err(bad());
            }
            return Ok(ThinkTime::Between(a, b));
        }
        parse_seconds(s).map(ThinkTime::Constant).ok_or_else(bad)
    }
}

/// Seconds from `1.5`, `1.5s`, `250ms`, `2m`.
fn parse_seconds(s: &str) -> Option<f64> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else {
        (s, 1.0)
    };
    let v: f64 = num.trim().parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v * scale)
}

impl Serialize for ThinkTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ThinkTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn think_time_forms() {
        assert_eq!(
            "between(1, 5)".parse::<ThinkTime>().unwrap(),
            ThinkTime::Between(1.0, 5.0)
        );
        assert_eq!(
            "1s..5s".parse::<ThinkTime>().unwrap(),
            ThinkTime::Between(1.0, 5.0)
        );
        assert_eq!(
            "constant(0)".parse::<ThinkTime>().unwrap(),
            ThinkTime::Constant(0.0)
        );
        assert_eq!("exponential(2)".parse::<ThinkTime>().unwrap().mean_s(), 2.0);
        assert!("between(5, 1)".parse::<ThinkTime>().is_err());
    }

    #[test]
    fn manifest_round_trips() {
        let m = Manifest {
            shard: Some(ManifestShard {
                index: 1,
                count: 3,
                plan_hash: "0123456789abcdef".into(),
                planned_arrivals: Some(67),
                start_offset_ms: Some(-0.5),
                ..Default::default()
            }),
            label: Some("v1".into()),
            think_time: Some(ThinkTime::Between(1.0, 5.0)),
            complete: Some(false),
            stages: vec![ManifestStage {
                name: "peak".into(),
                users: Some(10),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(Manifest::parse(&m.to_toml()).unwrap(), m);
    }
}
