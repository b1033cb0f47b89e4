//! Runs that failed outright at a stage: every request the stage sent failed (the
//! target was down, its port refused every connection), so it measured no release,
//! only its absence. Among repeats, rank statistics treat such a run as one sample
//! among many: with 10 runs a side the Hodges–Lehmann interval of the error rate
//! stays [0, 0] beside it, and the run's latencies (it has none) simply drop out.
//! This file finds those runs, widens each metric's interval of Δ to reach the failed
//! run's own value (so the interval shows it), and gives the reason that keeps the
//! stage's metrics from `unchanged` or `improved` (a regression shown stays shown):
//! no pass rests on a side one of whose runs measured nothing. compare.json lists
//! them in `failed_runs[]`, the headline names them, and the advice says to rerun.

use serde::Serialize;

use super::input::{CompareRun, EndpointInput};
use super::matching::{run_name, stage_like};
use super::stats::Estimate;
use super::verdict::Metric;
use crate::analysis::words::ticked;

/// A run whose stage answered none of its requests.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FailedRun {
    /// `baseline` or `candidate`.
    pub side: &'static str,
    /// The run's release label.
    pub label: String,
    /// The run dir or report.json, as given.
    pub origin: String,
    /// The run's stage that answered nothing.
    pub stage: String,
    /// Requests it sent, every one failed.
    pub requests: u64,
}

/// True when `e` sent requests and every one failed.
pub fn answered_none(e: &EndpointInput) -> bool {
    e.figures.requests > 0 && e.figures.failures >= e.figures.requests
}

/// The runs of each side whose stage playing `base_stage` (baseline) or `cand_stage`
/// (candidate) of its side's first run ([`stage_like`]) sent requests and had every one
/// fail, baseline first.
pub fn at_stage(
    base: &[CompareRun],
    cand: &[CompareRun],
    (base_stage, cand_stage): (&str, &str),
) -> Vec<FailedRun> {
    let all = || base.iter().chain(cand);
    let side = |runs: &[CompareRun], stage: &str, name: &'static str| -> Vec<FailedRun> {
        (runs.iter())
            .filter_map(|r| {
                let s = stage_like(runs.first()?, stage, r)?;
                let requests: u64 = s.endpoints.iter().map(|e| e.figures.requests).sum();
                (!s.endpoints.is_empty() && s.endpoints.iter().all(answered_none)).then(|| {
                    FailedRun {
                        side: name,
                        label: run_name(r, all()),
                        origin: r.origin.clone(),
                        stage: s.name.clone(),
                        requests,
                    }
                })
            })
            .collect()
    };
    let mut out = side(base, base_stage, "baseline");
    out.extend(side(cand, cand_stage, "candidate"));
    out
}

/// The reason a stage's metric with `failed` runs decides no pass (`None` without).
pub fn reason(failed: &[FailedRun]) -> Option<String> {
    let each: Vec<String> = failed.iter().map(describe).collect();
    (!each.is_empty()).then(|| {
        format!(
            "failed run: {} — a run that measured nothing says nothing of the release, \
             and its side's other runs cannot show it no worse; rerun it",
            each.join("; ")
        )
    })
}

/// `candidate run `cand-run7` answered none of its 21,998 requests at stage `s``.
fn describe(f: &FailedRun) -> String {
    format!(
        "{} run {} answered none of its {} requests at stage {} (every one failed: was \
         its target down?)",
        f.side,
        ticked(&f.label),
        crate::analysis::quantity::format_count(f.requests as f64),
        ticked(&f.stage)
    )
}

/// Widens `est`'s interval of Δ to reach each failed run's value of `metric`
/// (`base_failed`, `cand_failed`: those runs' endpoints) against the other side's
/// value, so the interval shows the run the rank statistics outvoted. An unbounded
/// end stays unbounded.
pub fn widen(
    est: &mut Estimate,
    metric: Metric,
    (base_failed, cand_failed): (&[&EndpointInput], &[&EndpointInput]),
) {
    let value = |e: &&EndpointInput| metric.value(e).filter(|v| v.is_finite());
    let deltas = (cand_failed.iter().filter_map(value))
        .map(|v| v - est.baseline)
        .chain(
            base_failed
                .iter()
                .filter_map(value)
                .map(|v| est.candidate - v),
        )
        .filter(|d| d.is_finite());
    for d in deltas {
        if est.ci.0.is_finite() {
            est.ci.0 = est.ci.0.min(d);
        }
        if est.ci.1.is_finite() {
            est.ci.1 = est.ci.1.max(d);
        }
    }
}

/// The headline's clause naming the failed runs (`""` without).
pub fn clause(failed: &[FailedRun]) -> String {
    match failed {
        [] => String::new(),
        _ => format!(
            "; no release decision rests on a side with a failed run: {}",
            failed.iter().map(describe).collect::<Vec<_>>().join("; ")
        ),
    }
}

/// The advice: rerun the failed runs.
pub fn advice(failed: &[FailedRun]) -> Option<String> {
    let runs: Vec<String> = failed.iter().map(|f| ticked(&f.origin)).collect();
    (!runs.is_empty()).then(|| {
        format!(
            "rerun {} with its target up (every request of a stage failed)",
            runs.join(", ")
        )
    })
}

/// `runs` once each (a baseline's failed run is found again beside every candidate
/// of a trend).
pub fn once(runs: impl Iterator<Item = FailedRun>) -> Vec<FailedRun> {
    let mut out: Vec<FailedRun> = Vec::new();
    for f in runs {
        if !out
            .iter()
            .any(|o| (&o.origin, &o.stage) == (&f.origin, &f.stage))
        {
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compare::stats::Method;

    fn endpoint(requests: u64, failures: u64) -> EndpointInput {
        EndpointInput {
            key: "GET /".into(),
            histogram: None,
            intervals: Vec::new(),
            interval_histograms: Vec::new(),
            width_s: 0.0,
            start_s: 0.0,
            figures: super::super::input::Figures {
                requests,
                failures,
                error_rate: Some(failures as f64 / requests as f64),
                ..Default::default()
            },
        }
    }

    #[test]
    fn the_interval_reaches_the_failed_run() {
        // Ten runs a side at 0 % errors but one candidate run at 100 %: the rank
        // interval is [0, 0]; widened it reaches +1 (the failed run against 0).
        let mut est = super::super::stats::repeats_shift(
            &[0.0; 10],
            &[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0],
        );
        assert_eq!((est.ci, est.method), ((0.0, 0.0), Method::MannWhitney));
        let down = endpoint(22_000, 22_000);
        assert!(answered_none(&down) && !answered_none(&endpoint(10, 9)));
        widen(&mut est, Metric::ErrorRate, (&[], &[&down]));
        assert_eq!(est.ci, (0.0, 1.0));
        // A failed baseline run reaches the other way.
        let mut est = super::super::stats::repeats_shift(&[0.0; 10], &[0.0; 10]);
        widen(&mut est, Metric::ErrorRate, (&[&down], &[]));
        assert_eq!(est.ci, (-1.0, 0.0));
    }
}
