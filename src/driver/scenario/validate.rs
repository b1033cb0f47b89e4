//! Building a scenario from parts and checking it: the base URL, the bounds, the
//! think time, the stages, the placeholder names the feeders and extracts define;
//! each task is checked by `task`.

use std::time::Duration;

use hyper::Uri;

use super::task::TaskBuilder;
use super::{Extras, Load, Scenario, ScenarioStage, TaskSpec};
use crate::driver::error::DriverError;
use crate::driver::template::{Names, Slot};
use crate::model::ThinkTime;

impl Scenario {
    /// Builds and validates a scenario from parts.
    pub fn build(
        label: Option<String>,
        base_url: &str,
        think_time: ThinkTime,
        max_duration: Duration,
        max_requests: u64,
        task_specs: Vec<TaskSpec>,
        stages: Vec<ScenarioStage>,
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
        stages: Vec<ScenarioStage>,
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
            if !crate::driver::template::is_name(name) {
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

/// Stage names, durations and loads within bounds.
pub(super) fn check_stages(stages: &[ScenarioStage]) -> Result<(), String> {
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
    let idle = |s: &ScenarioStage| matches!(s.load, Load::Closed { users: 0, .. });
    if !stages.is_empty() && stages.iter().all(idle) {
        return Err(
            "every stage has 0 users, so the plan sends no request: give at least 1 user \
             (--users N, or `users = N` in the scenario's stages)"
                .into(),
        );
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
