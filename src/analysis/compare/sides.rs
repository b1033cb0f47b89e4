//! Each side's runs at one stage pair: the run-by-run lookup a repeats comparison
//! makes (every run's stage playing its side's first run's, by
//! [`stage_like`]; its endpoint by key, else the stage's sole one), the repeats
//! estimate of one metric over those runs (one value per run, its interval reaching
//! any run that failed outright), what the runs' tools leave out, and whether a
//! percentile has samples enough in every run.

use super::failed;
use super::input::{CompareRun, EndpointInput, StageInput};
use super::matching::stage_like;
use super::stats::{self, Estimate};
use super::thin;
use super::verdict::{Metric, MIN_REPEATS};

/// Why `metric` between `b` and `c` rests on too few samples ([`thin::reason`]): for
/// repeats, in any run of either side.
pub fn thin(
    metric: Metric,
    (base, sb, b): (&[CompareRun], &StageInput, &EndpointInput),
    (cand, sc, c): (&[CompareRun], &StageInput, &EndpointInput),
    repeats: bool,
) -> Option<String> {
    match repeats {
        true => thin::reason(
            metric,
            &endpoints(base, sb, &b.key),
            &endpoints(cand, sc, &c.key),
        ),
        false => thin::reason(metric, &[b], &[c]),
    }
}

/// What any run of a side leaves out of its stage of that name (else its sole stage).
pub fn unseen(runs: &[CompareRun], stage: &StageInput) -> Option<crate::model::FailuresUnseen> {
    (runs.iter())
        .filter_map(|r| stage_like(runs.first()?, &stage.name, r))
        .find_map(|s| s.failures_unseen)
}

/// Each run's endpoint `key` (else its stage's sole endpoint) at its stage playing
/// `stage` of the side's first run ([`stage_like`]).
fn endpoints<'a>(runs: &'a [CompareRun], stage: &StageInput, key: &str) -> Vec<&'a EndpointInput> {
    let like = |r| stage_like(runs.first()?, &stage.name, r);
    runs.iter()
        .filter_map(|r| like(r)?.endpoint_like(key))
        .collect()
}

/// Repeats' estimate of `metric`: one value per run of each side (Mann–Whitney), its
/// interval reaching any run that failed outright or in part beyond the others
/// ([`failed::at_stage`], [`failed::widen`]); `None` below [`MIN_REPEATS`] values a
/// side.
pub fn repeats_estimate<'a>(
    (base, sb, kb): (&'a [CompareRun], &StageInput, &str),
    (cand, sc, kc): (&'a [CompareRun], &StageInput, &str),
    metric: Metric,
) -> Option<Estimate> {
    let (eb, ec) = (endpoints(base, sb, kb), endpoints(cand, sc, kc));
    let values = |es: &[&EndpointInput]| -> Vec<f64> {
        (es.iter()
            .filter_map(|e| metric.value(e).filter(|v| v.is_finite())))
        .collect()
    };
    let (vb, vc) = (values(&eb), values(&ec));
    if vb.len() < MIN_REPEATS || vc.len() < MIN_REPEATS {
        return None;
    }
    let mut est = stats::repeats_shift(&vb, &vc);
    let failed = failed::at_stage(base, cand, (&sb.name, &sc.name));
    let of_failed = |runs: &'a [CompareRun], stage: &StageInput, key: &str| {
        (runs.iter())
            .filter(|r| failed.iter().any(|f| f.origin == r.origin))
            .filter_map(|r| stage_like(runs.first()?, &stage.name, r)?.endpoint_like(key))
            .collect::<Vec<&EndpointInput>>()
    };
    let (db, dc) = (of_failed(base, sb, kb), of_failed(cand, sc, kc));
    failed::widen(&mut est, metric, (&db, &dc));
    Some(est)
}
