//! Capacity planning: where the system saturates and breaks, what the Universal
//! Scalability Law says about it, and how much load the SLA allows (anchors D3–D5).
//!
//! Everything starts from the analysed stages as [`LoadPoint`]s (one per stage, by
//! load): [`assess`] takes the model's stages and the [`Criteria`] (SLA limits or the
//! defaults) and returns the report's `capacity` object. The parts:
//! - `load_points`: stage → (N, X, goodput, latency, errors);
//! - `curve`: which stages form one load curve (they requested the same endpoints
//!   in a like mix); the others are left out, and `load_note` names them;
//! - `ramp`: a continuous ramp's intervals binned by concurrent users, when a run has
//!   fewer than two stages and its users series really ramps (else one load level:
//!   no capacity estimate, only what that level shows);
//! - `usl`: the USL fit (refuses below 4 load levels, says why); when its N* or X_max
//!   disagrees with the measured knee or plateau by more than
//!   [`USL_DISAGREEMENT`], `usl_disagreement` says so and the measured figures lead;
//! - `saturation`: the goodput plateau (median of the plateau stages) and its knee;
//! - `breaking_points`: one per criterion (latency, error rate, saturation,
//!   retrograde), each an estimate with the measured bracket around it;
//! - `latency_bounds`: the latency breaking point against an SLA percentile that
//!   some stages' tools do not print, judged on the bounds their printed ones give;
//! - `knee`: Kneedle, the saturation cross-check;
//! - `one_level`: what a single load level shows (no capacity estimate);
//! - `headroom`: "the SLA holds up to ≈ X req/s at ≈ N users", and sizing for a
//!   target rate;
//! - `audited`: whether the consistency audit rejects the stages all this rests on.
//!
//! The consistency audit (Little's law and friends) lives in `analysis::audit`.

mod audited;
mod breaking_points;
mod curve;
mod headroom;
pub mod knee;
mod latency_bounds;
pub mod load_points;
mod one_level;
mod ramp;
mod saturation;
pub mod usl;

use std::path::Path;

use serde::Serialize;

use crate::analysis::sla::{Metric, Op, SlaSpec};
use crate::model::{Source, Stage, ThinkTime};

pub use audited::{rejection as audit_rejection, AuditRejection};
pub use breaking_points::{fmt_users, BreakingPoint, Criterion};
pub use headroom::{levels_between, Sizing, SlaHeadroom};
pub use load_points::LoadPoint;
pub use saturation::Saturation;
pub use usl::UslFit;

/// z for a two-sided 95 % interval.
pub(crate) const Z_95: f64 = crate::analysis::sla::Z_95;

/// Without an SLA, latency breaks where the watched percentile exceeds this multiple
/// of its low-load value (anchors D5, k = 2).
pub const DEFAULT_LATENCY_FACTOR: f64 = 2.0;

/// The USL's N* or X_max farther than this fraction from the measured knee or plateau
/// disagrees with the data.
pub const USL_DISAGREEMENT: f64 = 0.25;

/// Without an SLA, the error-rate limit (1 %).
pub const DEFAULT_ERROR_LIMIT: f64 = 0.01;

/// What the breaking points are judged against: the SLA's global limits, or defaults.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Criteria {
    /// The latency percentile watched (95 unless the SLA bounds another).
    pub latency_percentile: f64,
    /// Its limit, ms; null: [`DEFAULT_LATENCY_FACTOR`] × the low-load value.
    pub latency_limit_ms: Option<f64>,
    /// The SLA rule the latency limit comes from.
    pub latency_rule: Option<String>,
    /// Error-rate limit, a fraction.
    pub error_limit: f64,
    /// The SLA rule the error limit comes from.
    pub error_rule: Option<String>,
    /// Target throughput (an SLA `throughput >=` or `goodput >=` rule), req/s.
    pub target_rps: Option<f64>,
    /// Mean think time Z, s, when known.
    pub think_time_s: Option<f64>,
    /// The think time as given (`between(1, 5)`).
    pub think_time: Option<String>,
}

impl Criteria {
    /// Default limits (no SLA): p95 at 2× its low-load value, 1 % errors.
    pub fn defaults(think_time: Option<ThinkTime>) -> Criteria {
        Criteria {
            latency_percentile: 95.0,
            latency_limit_ms: None,
            latency_rule: None,
            error_limit: DEFAULT_ERROR_LIMIT,
            error_rule: None,
            target_rps: None,
            think_time_s: think_time.map(|t| t.mean_s()),
            think_time: think_time.map(|t| t.to_string()),
        }
    }

    /// Limits from the SLA's `[global]` rules: its p95 bound (else its first
    /// percentile bound), its strictest error-rate or
    /// availability bound, its largest throughput target; defaults where it has none.
    pub fn from_sla(spec: &SlaSpec, think_time: Option<ThinkTime>) -> Criteria {
        let mut c = Criteria::defaults(think_time);
        let upper = spec.global.iter().filter(|r| r.op.is_upper_bound());
        let latency = upper
            .clone()
            .filter(|r| matches!(r.metric, Metric::Percentile(p) if (p - 95.0).abs() < 1e-9))
            .chain(
                upper
                    .clone()
                    .filter(|r| matches!(r.metric, Metric::Percentile(_))),
            )
            .next();
        if let Some(rule) = latency {
            if let Metric::Percentile(p) = rule.metric {
                c.latency_percentile = p;
                c.latency_limit_ms = Some(rule.limit);
                c.latency_rule = Some(rule.text.clone());
            }
        }
        let error = spec
            .global
            .iter()
            .filter_map(|r| match (r.metric, r.op) {
                (Metric::ErrorRate, op) if op.is_upper_bound() => Some((r.limit, r)),
                (Metric::Availability, Op::Gt | Op::Ge) => Some((1.0 - r.limit, r)),
                _ => None,
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((limit, rule)) = error {
            c.error_limit = limit.max(0.0);
            c.error_rule = Some(rule.text.clone());
        }
        c.target_rps = spec
            .global
            .iter()
            .filter(|r| {
                matches!(r.metric, Metric::Throughput | Metric::Goodput)
                    && matches!(r.op, Op::Gt | Op::Ge)
            })
            .map(|r| r.limit)
            .fold(None, |acc: Option<f64>, v| {
                Some(acc.map_or(v, |a| a.max(v)))
            });
        c
    }

    /// True when the limits come from an SLA file.
    pub fn from_an_sla(&self) -> bool {
        self.latency_rule.is_some() || self.error_rule.is_some()
    }
}

/// The report's `capacity` object.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CapacityReport {
    /// One point per stage with a load and a duration (or per ramp bin), by load.
    pub load_points: Vec<LoadPoint>,
    /// Where the load points come from: `stages`, or `ramp` (a continuous ramp binned
    /// by concurrent users). With one load point there is no capacity estimate:
    /// no saturation, breaking points or sizing; `sla_headroom` says what it shows.
    pub load_basis: String,
    /// The USL fit on goodput; null with fewer than 4 load levels (see `usl_note`).
    pub usl: Option<UslFit>,
    /// Why there is no fit, or what to keep in mind about it.
    pub usl_note: Option<String>,
    /// When the USL's N* or X_max is more than 25 % from the measured knee or plateau:
    /// which, by how much, and that the measured figures lead; null when they agree or
    /// there is nothing measured to compare with.
    pub usl_disagreement: Option<String>,
    /// Where goodput stops growing with load; null with fewer than 2 load points.
    pub saturation: Option<Saturation>,
    /// One per criterion: latency, error_rate, saturation, retrograde (when seen).
    pub breaking_points: Vec<BreakingPoint>,
    /// The load and goodput up to which the SLA (or the default limits) holds.
    pub sla_headroom: Option<SlaHeadroom>,
    /// Users (and instances) needed for the SLA's throughput target.
    pub sizing: Option<Sizing>,
    /// What the breaking points were judged against.
    pub criteria: Criteria,
    /// Why stages with a load are no load points (open-model stages whose load in
    /// users is unknown: X·R about 0, or that did not keep their planned rate; stages
    /// under a second); absent when every loaded stage is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_note: Option<String>,
    /// The stages left out of the load curve because they requested other endpoints
    /// (or another mix) than the stages it is drawn through (`load_note` says what
    /// each requested); absent when none is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub off_curve: Vec<String>,
    /// When the consistency audit finds load points' stages (or the run) impossible or
    /// suspect: which, and what that leaves of the figures above; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_rejects: Option<AuditRejection>,
}

/// The capacity analysis of `stages` (the primary source's, in any order).
pub fn assess(stages: &[Stage], criteria: &Criteria) -> CapacityReport {
    let points = load_points::load_points(stages, criteria.latency_percentile);
    let mut report = assess_points(points, "stages", criteria);
    report.load_note = load_note(stages, criteria.latency_percentile);
    report
}

/// Why stages with a load are no load points ([`CapacityReport::load_note`]).
fn load_note(stages: &[Stage], watch_pct: f64) -> Option<String> {
    let notes: Vec<String> = [
        load_points::unresolved_open_load(stages),
        load_points::rate_not_kept(stages),
        load_points::too_short(stages),
        load_points::warm_up_left_out(stages, watch_pct),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// The capacity analysis of a source: its stages as load points, or, when fewer than
/// two stages have a load, its whole series (ramps included) binned by users. Stages
/// that requested other endpoints than the load curve's (`curve`) are left out, and
/// `load_note` says which and why; `files` are the run's inputs (an endpoint named
/// after one is no request).
pub fn assess_source(src: &Source, criteria: &Criteria, files: &[&Path]) -> CapacityReport {
    let pct = criteria.latency_percentile;
    let points = load_points::load_points(&src.stages, pct);
    if points.len() < 2 {
        let ramp = ramp::ramp_points(&src.overall, pct);
        if ramp.len() >= 2 {
            return assess_points(ramp, "ramp", criteria);
        }
    }
    let curve = curve::one_curve(&src.stages, &points, files);
    let points = match curve.left_out.is_empty() {
        true => points,
        false => load_points::load_points_of(
            (src.stages.iter().enumerate())
                .filter(|(i, _)| !curve.left_out.contains(i))
                .map(|(_, s)| s),
            pct,
        ),
    };
    let mut report = assess_points(points, "stages", criteria);
    report.off_curve = (curve.left_out.iter())
        .map(|i| src.stages[*i].name.clone())
        .collect();
    let notes: Vec<String> = [load_note(&src.stages, pct), curve.note]
        .into_iter()
        .flatten()
        .collect();
    report.load_note = (!notes.is_empty()).then(|| notes.join("; "));
    report
}

fn assess_points(points: Vec<LoadPoint>, basis: &str, criteria: &Criteria) -> CapacityReport {
    let (usl, usl_note) = fit_usl(&points);
    // One load level (however many stages measured it): no capacity estimate, no
    // breaking points.
    let several = load_points::several_levels(&points);
    let saturation = several
        .then(|| saturation::saturation(&points, criteria))
        .flatten();
    let usl_disagreement = usl
        .as_ref()
        .zip(saturation.as_ref())
        .and_then(|(u, s)| usl_disagreement(u, s));
    let mut breaking = Vec::new();
    let latency = several
        .then(|| breaking_points::latency(&points, criteria))
        .flatten();
    let knee = saturation.as_ref().and_then(|s| s.users);
    let errors = several
        .then(|| breaking_points::error_rate(&points, criteria, knee))
        .flatten();
    breaking.extend(latency.clone());
    breaking.extend(errors.clone());
    if let Some(s) = &saturation {
        breaking.push(s.as_breaking_point());
    }
    if several {
        breaking.extend(breaking_points::retrograde(&points));
    }
    let mut sla_headroom =
        headroom::sla_headroom(&points, latency.as_ref(), errors.as_ref(), criteria);
    if let (Some(h), Some(s)) = (sla_headroom.as_mut(), saturation.as_ref()) {
        saturated_baseline(h, s, latency.as_ref(), criteria);
    }
    let sizing = several
        .then(|| headroom::sizing(&points, sla_headroom.as_ref(), criteria))
        .flatten();
    CapacityReport {
        load_points: points,
        load_basis: basis.to_string(),
        usl,
        usl_note,
        usl_disagreement,
        saturation,
        breaking_points: breaking,
        sla_headroom,
        sizing,
        criteria: criteria.clone(),
        load_note: None,
        off_curve: Vec::new(),
        audit_rejects: None,
    }
}

/// A default latency limit (2× the lowest load's value) whose lowest load is already on
/// the goodput plateau rests on a queueing latency, not a low-load one: the headroom
/// it gives is looser than the knee, and the statement says so.
fn saturated_baseline(
    h: &mut SlaHeadroom,
    sat: &Saturation,
    latency: Option<&BreakingPoint>,
    criteria: &Criteria,
) {
    let on_plateau_at_lowest = sat.reached && sat.users.is_none() && sat.bracket[0].is_none();
    let default_limit = criteria.latency_limit_ms.is_none() && latency.is_some();
    if let (true, true, Some(lowest)) = (on_plateau_at_lowest, default_limit, sat.bracket[1]) {
        h.statement.push_str(&format!(
            "; but goodput is already on its plateau at the lowest measured load ({} users), \
             so the default latency limit doubles a queueing latency, not a low-load one, \
             and this headroom lies past the knee: run steps below {} users to place it",
            fmt_users(lowest),
            fmt_users(lowest)
        ));
    }
}

/// Where the USL's peak N* or X_max lies more than [`USL_DISAGREEMENT`] from the
/// measured knee or plateau; `None` when they agree or the saturation is not reached.
fn usl_disagreement(fit: &UslFit, sat: &Saturation) -> Option<String> {
    if !sat.reached {
        return None;
    }
    let off = |model: f64, measured: f64| (model / measured - 1.0).abs() > USL_DISAGREEMENT;
    let mut parts = Vec::new();
    if let (Some(peak), Some(knee)) = (fit.peak_users, sat.users) {
        if off(peak, knee) {
            parts.push(format!(
                "its peak N* ≈ {} users is {:.1}× the measured knee (≈ {} users)",
                fmt_users(peak),
                peak / knee,
                fmt_users(knee)
            ));
        }
    }
    if let (Some(xmax), Some(c)) = (fit.max_throughput_rps, sat.throughput_rps) {
        if off(xmax, c) {
            parts.push(format!(
                "its X_max ≈ {} is {:.2}× the measured plateau ({})",
                crate::analysis::quantity::format_rate(xmax),
                xmax / c,
                crate::analysis::quantity::format_rate(c)
            ));
        }
    }
    (!parts.is_empty()).then(|| {
        format!(
            "the USL disagrees with the measurements by more than {:.0}%: {}. The measured \
             figures lead; the fit is indicative only",
            USL_DISAGREEMENT * 100.0,
            parts.join("; ")
        )
    })
}

/// The USL fit on (N, goodput), with a note when there is none or it is weak. Load
/// points whose requests mostly failed are left out: their users were mostly turned
/// away (fast 503s, refusals), not served at once, which the USL's N assumes.
fn fit_usl(points: &[LoadPoint]) -> (Option<UslFit>, Option<String>) {
    let served = |p: &&LoadPoint| p.error_rate < breaking_points::MOSTLY_FAILED;
    let pairs: Vec<(f64, f64)> = (points.iter().filter(served))
        .map(|p| (p.users, p.goodput_rps))
        .collect();
    let failed: Vec<String> = (points.iter())
        .filter(|p| !served(p))
        .map(|p| breaking_points::fmt_users(p.users))
        .collect();
    let left_out = (!failed.is_empty()).then(|| {
        format!(
            "the load points where most requests failed ({} users) are left out of the \
             fit: their users were mostly turned away, not served at once",
            failed.join(", ")
        )
    });
    match usl::fit(&pairs) {
        Err(why) => {
            let notes = [left_out, Some(format!("{why}: no USL fit was made"))];
            (
                None,
                Some(notes.into_iter().flatten().collect::<Vec<_>>().join("; ")),
            )
        }
        Ok(fit) => {
            let mut notes: Vec<String> = left_out.into_iter().collect();
            if fit.r2 < 0.9 {
                notes.push(format!(
                    "the USL describes these points poorly (R² {:.2}): treat its peak as \
                     indicative only",
                    fit.r2
                ));
            }
            if fit.extrapolated {
                notes.push(format!(
                    "the predicted peak lies beyond {}× the largest measured load ({}): an \
                     extrapolation, not a prediction",
                    usl::EXTRAPOLATION_FACTOR,
                    breaking_points::fmt_users(fit.largest_measured_users)
                ));
            }
            let note = (!notes.is_empty()).then(|| notes.join("; "));
            (Some(fit), note)
        }
    }
}
