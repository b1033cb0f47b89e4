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

use super::input::{CompareRun, EndpointInput, StageInput};
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
    /// Requests it sent.
    pub requests: u64,
    /// Of which failed: all of them, or (failed in part) beyond its side's typical
    /// run and every run of the other side.
    pub failures: u64,
}

impl FailedRun {
    /// True when every request failed (its target down), not only some.
    pub fn outright(&self) -> bool {
        self.failures >= self.requests
    }
}

/// True when `e` sent requests and every one failed.
pub fn answered_none(e: &EndpointInput) -> bool {
    e.figures.requests > 0 && e.figures.failures >= e.figures.requests
}

/// A run's requests and failures at its stage, over its endpoints.
fn counts(s: &StageInput) -> (u64, u64) {
    (s.endpoints.iter()).fold((0, 0), |(n, f), e| {
        (
            n + e.figures.requests,
            f + e.figures.failures.min(e.figures.requests),
        )
    })
}

/// A run's index among its side's, with its stage's requests and failures.
type RunCounts = (usize, (u64, u64));

/// The 95% Wilson interval of a run's error rate from its counts.
fn rate_interval((requests, failures): (u64, u64)) -> (f64, f64) {
    let n = requests as f64;
    super::stats::proportion::wilson(failures as f64 / n, n)
}

/// The runs of each side whose stage playing `base_stage` (baseline) or `cand_stage`
/// (candidate) of its side's first run ([`stage_like`]) failed outright (sent
/// requests and had every one fail), or failed in part where its side's typical run
/// and every run of the other side did not: its error rate's 95% interval lies above
/// theirs (one candidate run at 50 % errors among ten clean ones: the ranks of ten
/// runs a side outvote it, leaving the error rate's interval at [0, 0]). A side
/// whose typical run fails as much is a release that fails, which the ranks show.
/// Baseline first.
pub fn at_stage(
    base: &[CompareRun],
    cand: &[CompareRun],
    (base_stage, cand_stage): (&str, &str),
) -> Vec<FailedRun> {
    let all = || base.iter().chain(cand);
    let stages = |runs: &'_ [CompareRun], stage: &str| -> Vec<RunCounts> {
        (runs.iter().enumerate())
            .filter_map(|(i, r)| Some((i, counts(stage_like(runs.first()?, stage, r)?))))
            .filter(|(_, (n, _))| *n > 0)
            .collect()
    };
    let (sb, sc) = (stages(base, base_stage), stages(cand, cand_stage));
    let highest =
        |side: &[RunCounts]| (side.iter().map(|(_, c)| rate_interval(*c).1)).fold(0.0, f64::max);
    let typical = |side: &[RunCounts]| {
        let mut rates: Vec<(f64, (u64, u64))> = (side.iter())
            .map(|(_, (n, f))| (*f as f64 / *n as f64, (*n, *f)))
            .collect();
        rates.sort_by(|a, b| a.0.total_cmp(&b.0));
        rates
            .get(rates.len() / 2)
            .map_or(1.0, |r| rate_interval(r.1).1)
    };
    let side = |runs: &[CompareRun],
                (own, other): (&[RunCounts], &[RunCounts]),
                stage: &str,
                name: &'static str|
     -> Vec<FailedRun> {
        let bar = highest(other).max(typical(own));
        (own.iter())
            .filter(|(_, (n, f))| f >= n || rate_interval((*n, *f)).0 > bar)
            .filter_map(|&(i, (requests, failures))| {
                let r = &runs[i];
                Some(FailedRun {
                    side: name,
                    label: run_name(r, all()),
                    origin: r.origin.clone(),
                    stage: stage_like(runs.first()?, stage, r)?.name.clone(),
                    requests,
                    failures,
                })
            })
            .collect()
    };
    let mut out = side(base, (&sb, &sc), base_stage, "baseline");
    out.extend(side(cand, (&sc, &sb), cand_stage, "candidate"));
    out
}

/// The reason a stage's metric with `failed` runs decides no pass (`None` without).
pub fn reason(failed: &[FailedRun]) -> Option<String> {
    let each: Vec<String> = failed.iter().map(describe).collect();
    (!each.is_empty()).then(|| {
        format!(
            "failed run: {} — its side's other runs cannot show the release no worse \
             without it; find why and rerun it",
            each.join("; ")
        )
    })
}

/// `candidate run `cand-run7` answered none of its 21,998 requests at stage `s``,
/// or `… failed 5,000 of its 10,000 requests (50.0 %) at stage `s``.
fn describe(f: &FailedRun) -> String {
    let count = |n: u64| crate::analysis::quantity::format_count(n as f64);
    let what = match f.outright() {
        true => format!(
            "answered none of its {} requests at stage {} (every one failed: was its \
             target down?)",
            count(f.requests),
            ticked(&f.stage)
        ),
        false => format!(
            "failed {} of its {} requests ({:.1} %) at stage {}, beyond its side's typical \
             run and every run of the other side (ranked among the others it would be \
             outvoted)",
            count(f.failures),
            count(f.requests),
            f.failures as f64 / f.requests as f64 * 100.0,
            ticked(&f.stage)
        ),
    };
    format!("{} run {} {what}", f.side, ticked(&f.label))
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

/// The advice: rerun the failed runs (those that failed in part: find why first).
pub fn advice(failed: &[FailedRun]) -> Option<String> {
    let runs = |outright: bool| -> Vec<String> {
        (failed.iter().filter(|f| f.outright() == outright))
            .map(|f| ticked(&f.origin))
            .collect()
    };
    let mut says = Vec::new();
    let down = runs(true);
    if !down.is_empty() {
        says.push(format!(
            "rerun {} with its target up (every request of a stage failed)",
            down.join(", ")
        ));
    }
    let part = runs(false);
    if !part.is_empty() {
        says.push(format!(
            "find why {} failed where the other runs did not (its errors may be the \
             release's), then rerun it",
            part.join(", ")
        ));
    }
    (!says.is_empty()).then(|| says.join("; "))
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
