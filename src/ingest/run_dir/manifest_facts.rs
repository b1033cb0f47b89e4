//! What a dir's `run.toml` says of its data beyond the stages' windows, applied to the
//! sources the dir added to: `failures_unseen` (the rows leave out transport errors or
//! outcomes, so the failure figures are bounds), a stage's `failures` by kind (an
//! export of ab's `-g` file, whose rows record no outcome, carries the failures ab's
//! console counted: read back, they are the stage's, so the export keeps the
//! original's verdict) and the run's measured `duration_s` (runs the original added end
//! to end, whose rows' clock span holds the pauses between them too).

use std::collections::BTreeMap;

use crate::model::{EndpointKey, FailureKind, FailuresUnseen, Manifest, Run, Stage};

/// An endpoint and its failures by kind before and after a manifest set them.
type Moved = (
    EndpointKey,
    BTreeMap<FailureKind, u64>,
    BTreeMap<FailureKind, u64>,
);

/// Each source's tool, parts and stages before the dir was read (`stage_dirs::counts`).
type Before = [(String, usize, usize)];

/// Applies `m`'s facts to the sources the dir added to.
pub(super) fn apply(m: &Manifest, before: &Before, run: &mut Run) {
    for s in &mut run.sources {
        let (parts, stages) =
            (before.iter().find(|b| b.0 == s.tool)).map_or((0, 0), |b| (b.1, b.2));
        if s.parts.len() <= parts {
            continue;
        }
        let length = m.duration_s.filter(|d| d.is_finite() && *d > 0.0);
        s.overall.measured_s = length.or(s.overall.measured_s);
        match m.failures_unseen {
            Some(FailuresUnseen::Outcomes) => s.outcomes_unseen = true,
            Some(FailuresUnseen::TransportErrors) => s.transport_errors_unseen = true,
            None => {}
        }
        for ms in &m.stages {
            let Some(kinds) = &ms.failures else { continue };
            let Some(i) = (s.stages.iter().skip(stages)).position(|st| st.name == ms.name) else {
                continue;
            };
            if let Some(delta) = set_failures(&mut s.stages[stages + i], kinds) {
                add_to_overall(&mut s.overall, delta);
            }
        }
    }
}

/// Makes `kinds` the failures of `stage`'s one endpoint (replacing what its rows
/// said): the endpoint and the failures by kind it had before, for the overall
/// figures. `None` when the stage has no endpoint, or several.
fn set_failures(stage: &mut Stage, kinds: &BTreeMap<FailureKind, u64>) -> Option<Moved> {
    let mut endpoints = stage.endpoints.values_mut().filter(|e| !e.transaction);
    let ep = endpoints.next()?;
    if endpoints.next().is_some() {
        return None;
    }
    let total: u64 = kinds.values().sum();
    let mut kinds = kinds.clone();
    // No more failures than requests, whatever a hand-written manifest says.
    crate::model::settle_failure_kinds(&mut kinds, total.min(ep.requests));
    let old = std::mem::replace(&mut ep.failures_by_kind, kinds.clone());
    ep.failures = kinds.values().sum();
    if ep.failures > 0 {
        // The rows cannot tell the successes' latencies from the failures'.
        ep.ok_latency = None;
    }
    let (key, was, now) = (ep.key.clone(), old.values().sum::<u64>(), ep.failures);
    if let Some(a) = &mut stage.aggregate {
        a.failures = (a.failures.saturating_sub(was) + now).min(a.requests);
    }
    Some((key, old, kinds))
}

/// Moves the overall figures of `key` from the stage's old failures to its new ones.
fn add_to_overall(overall: &mut Stage, (key, old, new): Moved) {
    let Some(ep) = overall.endpoints.get_mut(&key) else {
        return;
    };
    for (k, n) in old {
        if let Some(v) = ep.failures_by_kind.get_mut(&k) {
            *v = v.saturating_sub(n);
        }
    }
    ep.failures_by_kind.retain(|_, n| *n > 0);
    for (k, n) in new {
        *ep.failures_by_kind.entry(k).or_default() += n;
    }
    ep.failures = ep.failures_by_kind.values().sum::<u64>().min(ep.requests);
    if ep.failures > 0 {
        ep.ok_latency = None;
    }
    if let Some(a) = &mut overall.aggregate {
        a.failures = overall
            .endpoints
            .values()
            .filter(|e| !e.transaction)
            .map(|e| e.failures)
            .sum();
    }
}
