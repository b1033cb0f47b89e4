//! Throughput saturation: where goodput stops growing with load, and the level it
//! plateaus at (anchors D5).
//!
//! - **Where the plateau starts**: the first step whose marginal goodput gain ΔX/ΔN
//!   falls below [`SATURATION_GAIN`] of the low-load per-user gain γ (goodput per user
//!   at the lowest load). The point before that step is the first plateau stage,
//!   unless it still lies on the low-load line γN and goodput grew more than
//!   [`RETROGRADE_DROP`] across the step (a wide step, 1 → 64 users): then the knee
//!   lies inside the step and the plateau starts at its upper end, so a stage well
//!   below the plateau never counts towards C.
//! - **The plateau level C** is the median goodput of the plateau stages (from the
//!   first plateau stage on, less a retrograde tail that stays [`RETROGRADE_DROP`]
//!   below that median), not the single best stage:
//!   stage figures carry noise, and the maximum of several noisy stages overstates
//!   capacity. The interval `[lowest plateau stage, best single stage]` goes with it.
//! - **The knee** is where the low-load line γN meets the plateau, N = C/γ (the
//!   operational-law knee of a closed system, C·(R₀ + Z)); its bracket is the measured
//!   load levels on either side of it, so the stated bracket always contains the
//!   stated knee.
//! - **Kneedle** is the cross-check: it "agrees" only when its knee lies inside that
//!   bracket.

use serde::Serialize;

use super::breaking_points::{fmt_users, BreakingPoint, Criterion, RETROGRADE_DROP};
use super::knee::{kneedle, SENSITIVITY};
use super::load_points::LoadPoint;
use super::Criteria;
use crate::analysis::quantity::format_rate;

/// Saturation: the marginal gain fell below this fraction of the low-load per-user gain.
pub const SATURATION_GAIN: f64 = 0.1;

/// Goodput still grew at every step, but the last step gained less than this fraction
/// of the low-load per-user gain per user: the curve bent inside the measured range,
/// and a step that wide can hide the start of the plateau.
pub const WIDE_STEP_GAIN: f64 = 0.5;

/// Where goodput stops growing with load.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Saturation {
    /// Estimated saturation load (the knee): where the low-load line γN meets the
    /// plateau C; null when not reached or already at the lowest load.
    pub users: Option<f64>,
    /// The goodput plateau C: the median goodput of the plateau stages, req/s (the most
    /// goodput measured when the plateau is not reached).
    pub throughput_rps: Option<f64>,
    /// The plateau's range `[lowest plateau stage, best single stage]`, req/s; null
    /// when not reached.
    pub throughput_interval_rps: Option<[f64; 2]>,
    /// The stages (load points) C is the median of.
    pub plateau_stages: Vec<String>,
    /// The measured load levels on either side of the knee.
    pub bracket: [Option<f64>; 2],
    /// False when goodput still grows at every step.
    pub reached: bool,
    /// How it was found, with the numbers.
    pub method: String,
    /// Kneedle's knee on (load, goodput), the cross-check.
    pub kneedle_users: Option<f64>,
    /// True when Kneedle's knee lies inside `bracket`; null without a Kneedle knee or
    /// a reached saturation.
    pub kneedle_agrees: Option<bool>,
    /// The operational-law knee of a closed system, C·(R₀ + Z) (R₀: low-load mean
    /// latency, Z: think time); null when Z is unknown or the stages are open-model.
    pub little_users: Option<f64>,
    /// Not reached, but the last step's gain fell below half (`WIDE_STEP_GAIN`) of the
    /// low-load per-user gain: the plateau may start inside that step, so "not reached"
    /// is not measured; the step's `[lower, upper]` load (only when set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unplaced_in: Option<[f64; 2]>,
}

impl Saturation {
    /// The saturation as a breaking point.
    pub fn as_breaking_point(&self) -> BreakingPoint {
        BreakingPoint {
            criterion: Criterion::Saturation,
            users: self.users,
            model_users: None,
            bracket: self.bracket,
            reached: self.reached,
            throughput_rps: self.throughput_rps,
            evidence: self.method.clone(),
        }
    }
}

/// The median of `values` (not empty).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Throughput saturation; `None` with fewer than 2 load points.
pub fn saturation(points: &[LoadPoint], c: &Criteria) -> Option<Saturation> {
    if points.len() < 2 {
        return None;
    }
    let first = &points[0];
    let gamma = first.goodput_rps / first.users;
    let best = points
        .iter()
        .map(|p| p.goodput_rps)
        .fold(f64::NEG_INFINITY, f64::max);
    let loads: Vec<f64> = points.iter().map(|p| p.users).collect();
    let goodputs: Vec<f64> = points.iter().map(|p| p.goodput_rps).collect();
    let kneedle_users = kneedle(&loads, &goodputs, SENSITIVITY).map(|i| loads[i]);
    let little = |plateau: f64| match (c.think_time_s, first.mean_ms, first.closed()) {
        (Some(z), Some(r0), true) => Some(plateau * (r0 / 1000.0 + z)),
        _ => None,
    };
    let not_reached = |bracket, method: String| Saturation {
        users: None,
        throughput_rps: Some(best),
        throughput_interval_rps: None,
        plateau_stages: Vec::new(),
        bracket,
        reached: false,
        method,
        kneedle_users,
        kneedle_agrees: None,
        little_users: little(best),
        unplaced_in: None,
    };
    if !(gamma > 0.0 && gamma.is_finite()) {
        return Some(not_reached(
            [None, None],
            "no goodput at the lowest load: the low-load per-user gain is unknown".into(),
        ));
    }
    let gamma_text = format!(
        "γ = {} per user at {} users",
        format_rate(gamma),
        fmt_users(first.users)
    );
    let flat_step = (1..points.len()).find(|&i| {
        let dn = loads[i] - loads[i - 1];
        dn > 0.0 && (goodputs[i] - goodputs[i - 1]) / dn < SATURATION_GAIN * gamma
    });
    let Some(step) = flat_step else {
        let last = points.last()?;
        let (method, unplaced_in) = still_growing(last, &loads, &goodputs, gamma, &gamma_text);
        let mut s = not_reached([Some(last.users), None], method);
        s.unplaced_in = unplaced_in;
        return Some(s);
    };
    let (start, inside_step) = plateau_start(&loads, &goodputs, step, gamma);
    let end = plateau_end(&goodputs, start);
    let mut plateau: Vec<f64> = goodputs[start..end].to_vec();
    let lowest = plateau.iter().copied().fold(f64::INFINITY, f64::min);
    let level = median(&mut plateau);
    let plateau_stages: Vec<String> = points[start..end].iter().map(|p| p.stage.clone()).collect();

    let (users, bracket) = knee_bracket(&loads, start, inside_step, level / gamma);
    let step_gain = (goodputs[step] - goodputs[step - 1]) / (loads[step] - loads[step - 1]);
    let mut method = format!(
        "marginal gain ΔX/ΔN = {} per user from {} to {} users, below {}% of the low-load \
         per-user gain ({gamma_text}); the plateau C = {} is the median goodput of {} plateau \
         stage(s) ({} – {}, the best single stage the upper end)",
        format_rate(step_gain),
        fmt_users(loads[step - 1]),
        fmt_users(loads[step]),
        SATURATION_GAIN * 100.0,
        format_rate(level),
        end - start,
        format_rate(lowest),
        format_rate(best),
    );
    method.push_str(&knee_text(&loads, &goodputs, step, inside_step, users));
    let inside =
        |n: f64| bracket[0].is_none_or(|lo| n >= lo) && bracket[1].is_none_or(|hi| n <= hi);
    let kneedle_agrees = kneedle_users.map(inside);
    if let Some(k) = kneedle_users {
        let agrees = if inside(k) {
            "inside the bracket: agrees"
        } else {
            "outside the bracket: disagrees, treat the knee as uncertain"
        };
        method.push_str(&format!(
            "; Kneedle puts the knee at {} users ({agrees})",
            fmt_users(k)
        ));
    }
    let little_users = little(level);
    if let Some(n) = little_users {
        method.push_str(&format!(
            "; operational law C·(R₀+Z) ≈ {} users",
            fmt_users(n)
        ));
    }
    Some(Saturation {
        users,
        throughput_rps: Some(level),
        throughput_interval_rps: Some([lowest, best]),
        plateau_stages,
        bracket,
        reached: true,
        method,
        kneedle_users,
        kneedle_agrees,
        little_users,
        unplaced_in: None,
    })
}

/// Why saturation is not reached (goodput grew at every step up to `last`), and the last
/// step when it gained too little to say the plateau lies beyond it
/// ([`bent_last_step`]).
fn still_growing(
    last: &LoadPoint,
    loads: &[f64],
    goodputs: &[f64],
    gamma: f64,
    gamma_text: &str,
) -> (String, Option<[f64; 2]>) {
    let mut method = format!(
        "goodput still grows by at least {}% of the low-load per-user gain \
         ({gamma_text}) at every step, up to {} at {} users",
        SATURATION_GAIN * 100.0,
        format_rate(last.goodput_rps),
        fmt_users(last.users)
    );
    let unplaced_in = bent_last_step(loads, goodputs, gamma);
    if let Some([lo, hi]) = unplaced_in {
        let gain = last_gain(loads, goodputs);
        method.push_str(&format!(
            "; but across the last step ({} → {} users) it gained only {} per user, \
             {:.0}% of γ, and reached {:.0}% of the low-load line γN ({}): the curve \
             bent inside the measured range and the plateau may start inside that step; \
             run steps between {} and {} users to place it",
            fmt_users(lo),
            fmt_users(hi),
            format_rate(gain),
            100.0 * gain / gamma,
            100.0 * last.goodput_rps / (gamma * last.users),
            format_rate(gamma * last.users),
            fmt_users(lo),
            fmt_users(hi)
        ));
    }
    (method, unplaced_in)
}

/// Goodput per user gained across the last step (at least 2 points).
fn last_gain(loads: &[f64], goodputs: &[f64]) -> f64 {
    let n = loads.len();
    (goodputs[n - 1] - goodputs[n - 2]) / (loads[n - 1] - loads[n - 2])
}

/// The last step `[lower, upper]` when its gain per user is below [`WIDE_STEP_GAIN`] of
/// γ: the curve bent there, and the plateau may start inside it.
fn bent_last_step(loads: &[f64], goodputs: &[f64], gamma: f64) -> Option<[f64; 2]> {
    let n = loads.len();
    (n >= 2 && loads[n - 1] > loads[n - 2] && last_gain(loads, goodputs) < WIDE_STEP_GAIN * gamma)
        .then(|| [loads[n - 2], loads[n - 1]])
}

/// What the method says about the knee: where the plateau starts when it lies inside
/// the flat step at `step`, and where the line γN meets it (or that it is already
/// reached at the lowest load).
fn knee_text(
    loads: &[f64],
    goodputs: &[f64],
    step: usize,
    inside_step: bool,
    users: Option<f64>,
) -> String {
    let mut text = String::new();
    if inside_step {
        text.push_str(&format!(
            "; goodput still grew from {} to {} across that step, so the plateau starts \
             inside it: the stage at {} users is below the plateau, not on it",
            format_rate(goodputs[step - 1]),
            format_rate(goodputs[step]),
            fmt_users(loads[step - 1])
        ));
    }
    match users {
        Some(n) => text.push_str(&format!(
            "; the line γN meets it at C/γ ≈ {} users",
            fmt_users(n)
        )),
        None => text.push_str("; goodput is already on its plateau at the lowest measured load"),
    }
    text
}

/// The first plateau stage for a flat step at load index `step`, and whether the knee
/// lies inside that step: the stage below it still on the low-load line γN (within
/// [`SATURATION_GAIN`] of it), with goodput still growing more than [`RETROGRADE_DROP`]
/// across the step, is below the plateau, not on it.
fn plateau_start(loads: &[f64], goodputs: &[f64], step: usize, gamma: f64) -> (usize, bool) {
    let on_line = goodputs[step - 1] >= (1.0 - SATURATION_GAIN) * gamma * loads[step - 1];
    let inside_step = on_line && goodputs[step - 1] < (1.0 - RETROGRADE_DROP) * goodputs[step];
    if inside_step {
        (step, true)
    } else {
        (step - 1, false)
    }
}

/// The knee C/γ (`knee`) and the measured levels around it, for a plateau that starts
/// at load index `start` (none when it starts at the lowest load; the step below it
/// when the knee lies `inside_step`).
fn knee_bracket(
    loads: &[f64],
    start: usize,
    inside_step: bool,
    knee: f64,
) -> (Option<f64>, [Option<f64>; 2]) {
    if inside_step {
        let (lo, hi) = (loads[start - 1], loads[start]);
        (Some(knee.clamp(lo, hi)), [Some(lo), Some(hi)])
    } else if start == 0 {
        (None, [None, Some(loads[0])])
    } else {
        let k = (1..loads.len())
            .find(|&i| loads[i] >= knee)
            .unwrap_or(loads.len() - 1);
        let (lo, hi) = (loads[k - 1], loads[k]);
        (Some(knee.clamp(lo, hi)), [Some(lo), Some(hi)])
    }
}

/// One past the last plateau stage from `start`: a tail of stages that all stay
/// [`RETROGRADE_DROP`] below the median from `start` on is retrograde, not plateau. A
/// single lucky or unlucky stage inside the plateau is noise and stays in.
fn plateau_end(goodputs: &[f64], start: usize) -> usize {
    let floor = (1.0 - RETROGRADE_DROP) * median(&mut goodputs[start..].to_vec());
    let mut end = goodputs.len();
    while end > start + 1 && goodputs[end - 1] < floor {
        end -= 1;
    }
    end
}
