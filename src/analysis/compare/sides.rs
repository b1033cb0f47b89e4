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
/// interval reaching any run that failed outright ([`failed::widen`]); `None`
/// below [`MIN_REPEATS`] values a side.
pub fn repeats_estimate(
    (base, sb, kb): (&[CompareRun], &StageInput, &str),
    (cand, sc, kc): (&[CompareRun], &StageInput, &str),
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
    let (mut db, mut dc) = (eb, ec);
    db.retain(|e| failed::answered_none(e));
    dc.retain(|e| failed::answered_none(e));
    failed::widen(&mut est, metric, (&db, &dc));
    Some(est)
}
