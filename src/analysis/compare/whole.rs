//! Stages compared only as a whole (under [`WHOLE_STAGE`]: their source gives the
//! stage's totals and no endpoint's, as Locust's stats history does without
//! `--csv-full-history`) while the runs have several endpoints. One endpoint's change
//! hides in the whole: 22 % on a tenth of the requests leaves the stage's median where
//! it was, and the whole reads `unchanged`. So no `NO REGRESSION` or `IMPROVED`
//! headline rests on such a stage: the headline says INCONCLUSIVE, names the stages,
//! and names the endpoints whose run-wide mean (the run's task mix: Locust's stats
//! file) rose beyond the mean's noise floor, which makes it "possibly worse".

use serde::Serialize;

use super::input::{CompareRun, WHOLE_STAGE};
use super::verdict::{Comparison, Metric, Thresholds};

/// One candidate's stages compared only as a whole, and what the run-wide endpoint
/// means say.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct WholeOnly {
    /// The candidate release.
    pub candidate_label: String,
    /// The baseline stages compared as a whole.
    pub stages: Vec<String>,
    /// How many endpoints the runs have (the larger side's task mix).
    pub endpoints: usize,
    /// Endpoints whose run-wide mean rose beyond the mean's floor, most first.
    pub rose: Vec<MeanRise>,
}

/// An endpoint's run-wide mean latency in both runs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MeanRise {
    /// `METHOD name`.
    pub endpoint: String,
    /// Baseline mean, ms.
    pub baseline_ms: f64,
    /// Candidate mean, ms.
    pub candidate_ms: f64,
    /// Change, percent.
    pub delta_pct: f64,
}

/// Each candidate's [`whole_only`] against the first baseline run; for `repeats`, the
/// first candidate run's (one release, one label).
pub fn found(
    baseline: &[CompareRun],
    candidates: &[CompareRun],
    repeats: bool,
    comparisons: &[Comparison],
    thresholds: &Thresholds,
) -> Vec<WholeOnly> {
    let Some(b) = baseline.first() else {
        return Vec::new();
    };
    let n = if repeats { 1 } else { candidates.len() };
    (candidates.iter().take(n))
        .filter_map(|c| whole_only(b, c, comparisons, thresholds))
        .collect()
}

/// The stages of `comparisons` that `cand` (compared with `base`) had compared only as
/// a whole while either run has two endpoints or more; `None` when there are none.
pub fn whole_only(
    base: &CompareRun,
    cand: &CompareRun,
    comparisons: &[Comparison],
    thresholds: &Thresholds,
) -> Option<WholeOnly> {
    let endpoints = base.task_mix.len().max(cand.task_mix.len());
    let mut stages: Vec<String> = (comparisons.iter())
        .filter(|c| c.candidate_label == cand.label && c.endpoint == WHOLE_STAGE)
        .map(|c| c.stage.clone())
        .collect();
    stages.dedup();
    if stages.is_empty() || endpoints < 2 {
        return None;
    }
    let floor = thresholds.floor(Metric::Mean);
    let mut rose: Vec<MeanRise> = (base.task_mix.iter())
        .filter_map(|(key, b)| {
            let b = (*b)?;
            let c = (cand.task_mix.iter()).find(|(k, _)| k == key)?.1?;
            let delta = (c - b) / b;
            (b > 0.0 && delta.is_finite() && delta > floor).then(|| MeanRise {
                endpoint: key.clone(),
                baseline_ms: b,
                candidate_ms: c,
                delta_pct: delta * 100.0,
            })
        })
        .collect();
    rose.sort_by(|a, b| b.delta_pct.total_cmp(&a.delta_pct));
    Some(WholeOnly {
        candidate_label: cand.label.clone(),
        stages,
        endpoints,
        rose,
    })
}

/// `; stage `s` was compared only as a whole …`, or `""`.
pub fn clause(found: &[WholeOnly]) -> String {
    found
        .iter()
        .map(|w| {
            let stages = &w.stages;
            let rose = match w.rose.as_slice() {
                [] => String::new(),
                rose => {
                    let each: Vec<String> = (rose.iter().take(3))
                        .map(|r| {
                            format!(
                                "{} {:.1} → {:.1} ms ({:+.1}%)",
                                r.endpoint, r.baseline_ms, r.candidate_ms, r.delta_pct
                            )
                        })
                        .collect();
                    let more = rose.len().saturating_sub(3);
                    let tail = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    format!("; run-wide mean rose: {}{tail}", each.join(", "))
                }
            };
            let what = if stages.len() == 1 { "stage" } else { "stages" };
            format!(
                "; {what} {} compared only as a whole in {}, not per endpoint: one of its {} \
                 endpoints' change can hide in it, so no release decision rests on it{rose}",
                stages.join(", "),
                w.candidate_label,
                w.endpoints
            )
        })
        .collect()
}

/// The note saying why, and what to do.
pub fn note(found: &[WholeOnly]) -> Option<String> {
    (!found.is_empty()).then(|| {
        "a stage compared only as a whole (`(all requests)`: its source gives the \
         stage's totals and no endpoint's, as Locust's stats history does without \
         --csv-full-history) hides a change in one of several endpoints: a slower \
         endpoint with a tenth of the requests leaves the stage's percentiles within \
         the floor. So the headline is not NO REGRESSION or IMPROVED on it; the \
         endpoints whose run-wide mean (the stats file's, ramp included, without an \
         interval) rose beyond the mean's floor are named. Run Locust with \
         --csv-full-history to compare each endpoint"
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(label: &str, mix: &[(&str, f64)]) -> CompareRun {
        CompareRun {
            label: label.into(),
            origin: label.into(),
            started: None,
            stages: Vec::new(),
            capacity: Default::default(),
            grouping: Default::default(),
            quality: Default::default(),
            task_mix: mix.iter().map(|(k, m)| (k.to_string(), Some(*m))).collect(),
            sla: None,
        }
    }

    fn whole(stage: &str) -> Comparison {
        Comparison {
            candidate_label: "1.1".into(),
            stage: stage.into(),
            candidate_stage: stage.into(),
            endpoint: WHOLE_STAGE.into(),
            metric: Metric::P50,
            unit: "ms",
            baseline: Some(20.0),
            candidate: Some(20.0),
            delta: Some(0.0),
            delta_pct: Some(0.0),
            ci: [Some(-0.5), Some(0.5)],
            p_value: None,
            q_value: None,
            effect: None,
            floor_pct: 5.0,
            verdict: super::super::verdict::Verdict::Unchanged,
            method: crate::analysis::compare::stats::Method::Reported,
            ess: [None, None],
            cross_check: None,
            reason: None,
        }
    }

    #[test]
    fn only_a_mean_beyond_the_floor_the_wrong_way_is_named() {
        let b = run(
            "1.0",
            &[("GET /a", 10.0), ("POST /b", 40.0), ("GET /c", 20.0)],
        );
        // +4 % (within the 5 % floor), +30 %, −25 %.
        let c = run(
            "1.1",
            &[("GET /a", 10.4), ("POST /b", 52.0), ("GET /c", 15.0)],
        );
        let t = Thresholds::default();
        assert_eq!(whole_only(&b, &c, &[], &t), None);
        let w = whole_only(&b, &c, &[whole("peak"), whole("peak")], &t).unwrap();
        assert_eq!(
            (w.stages.as_slice(), w.endpoints),
            (&["peak".to_string()][..], 3)
        );
        assert_eq!(w.rose.len(), 1);
        assert_eq!(w.rose[0].endpoint, "POST /b");
        assert!((w.rose[0].delta_pct - 30.0).abs() < 1e-9);
        assert!(clause(&[w]).contains("POST /b 40.0 → 52.0 ms (+30.0%)"));
        // A run of one endpoint hides nothing in its whole.
        let one = run("1.0", &[("GET /a", 10.0)]);
        assert_eq!(
            whole_only(&one, &run("1.1", &[]), &[whole("peak")], &t),
            None
        );
    }
}
