//! Endpoint sections named after a task of the run's plan. `drive` keys what it
//! measured by request (`GET /api/v1/agents`), and its run.toml lists the scenario's
//! tasks with the request each sends (`[[task]] name = "List agents"`, `endpoint =
//! "GET /api/v1/agents"`): an SLA written from the scenario names the task. Such a
//! section names that task's endpoint — never "not in the data", which would skip its
//! rules and let a GO pass on rules meant for the run.

use std::borrow::Cow;

use super::{regex_name, ScopeRules, SlaSpec};

/// `spec` with each endpoint section whose name is no endpoint of the data (in any
/// case) but the name of tasks that all send one request the data has (`tasks`:
/// `(task name, endpoint key)`) renamed to that endpoint.
pub fn with_task_names<'s>(
    spec: &'s SlaSpec,
    tasks: &[(String, String)],
    endpoints: &[String],
) -> Cow<'s, SlaSpec> {
    let renamed = |s: &ScopeRules| -> Option<String> {
        if regex_name(&s.name).is_some()
            || endpoints.iter().any(|e| e.eq_ignore_ascii_case(&s.name))
        {
            return None;
        }
        let mut sent = tasks
            .iter()
            .filter(|(task, _)| task.trim().eq_ignore_ascii_case(s.name.trim()))
            .map(|(_, endpoint)| endpoint);
        let first = sent.next()?;
        (sent.all(|e| e == first) && endpoints.contains(first)).then(|| first.clone())
    };
    let any = (spec.endpoints.iter())
        .chain(spec.stage_endpoints.iter().map(|s| &s.endpoint))
        .any(|s| renamed(s).is_some());
    if !any {
        return Cow::Borrowed(spec);
    }
    let mut out = spec.clone();
    let sections =
        (out.endpoints.iter_mut()).chain(out.stage_endpoints.iter_mut().map(|s| &mut s.endpoint));
    for s in sections {
        if let Some(name) = renamed(s) {
            s.name = name;
        }
    }
    Cow::Owned(out)
}
