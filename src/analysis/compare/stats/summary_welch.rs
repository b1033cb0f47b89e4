//! A change of the mean latency between two sides known only by a mean, a standard
//! deviation and an effective sample size — a tool's summary such as h2load's `time
//! for request: min max mean sd`, which has no per-request series and no percentile:
//! Welch's t-test on those figures (method `summary_welch`).
//!
//! Welch assumes each side's latencies are independent draws with a finite variance.
//! A closed-loop run's are not independent: a slow stretch of the server slows every
//! connection's next requests, so the variance of a mean over n requests is σ²/n ×
//! (1 + 2Σρₖ), many times σ²/n, and the same build's two runs differ by more than the
//! request count allows. So n is never the request count here: the caller passes each
//! side's effective sample size (a summary's `reported::SUMMARY_ESS_PER_S` per second
//! of its run, the batch-means size measured on hey's per-request rows, which is the
//! size the variance of a mean needs; an exact side's own batch means). The tool's
//! sd estimates σ whatever the autocorrelation. A change must also clear half of
//! each side's printed step (its rounding).

use super::dist::{t_975, t_p};
use super::{Estimate, Method};

/// One side's summary figures, ms (the mean and sd as printed; `step`: the step the
/// tool prints its mean to at that value).
#[derive(Clone, Copy, Debug)]
pub struct MeanSide {
    /// Mean latency, ms.
    pub mean: f64,
    /// Standard deviation of the latencies, ms.
    pub sd: f64,
    /// Effective sample size (independent requests the side is worth).
    pub ess: f64,
    /// The step the tool rounds its mean to, ms (0: fine).
    pub step: f64,
}

/// Welch's test of `c.mean − b.mean` over the sides' effective sample sizes, the
/// interval widened by half of each side's step; `None` when a figure is not finite,
/// an sd is negative or a side is worth fewer than 2 requests.
pub fn summary_mean_shift(b: MeanSide, c: MeanSide) -> Option<Estimate> {
    let usable = |s: &MeanSide| {
        [s.mean, s.sd, s.ess, s.step].iter().all(|v| v.is_finite())
            && s.sd >= 0.0
            && s.ess >= 2.0
            && s.mean >= 0.0
    };
    if !usable(&b) || !usable(&c) {
        return None;
    }
    let delta = c.mean - b.mean;
    let slack = (b.step + c.step) / 2.0;
    let (ub, uc) = (b.sd * b.sd / b.ess, c.sd * c.sd / c.ess);
    let se = (ub + uc).sqrt();
    let mut est = Estimate {
        baseline: b.mean,
        candidate: c.mean,
        delta,
        ci: (delta - slack, delta + slack),
        p_value: if delta.abs() > slack { 0.0 } else { 1.0 },
        effect: 0.0,
        ess: (b.ess, c.ess),
        method: Method::SummaryWelch,
    };
    if se > 0.0 {
        // Welch–Satterthwaite degrees of freedom on the effective sizes.
        let df = (ub + uc).powi(2) / (ub * ub / (b.ess - 1.0) + uc * uc / (c.ess - 1.0));
        let t = (delta.abs() - slack).max(0.0) / se;
        est.p_value = t_p(t, df);
        est.effect = delta / se;
        let half = t_975(df) * se + slack;
        est.ci = (delta - half, delta + half);
    } else if delta != 0.0 {
        est.effect = delta.signum() * f64::INFINITY;
    }
    // No latency falls below 0: the candidate's mean can drop by its baseline's at most.
    est.ci.0 = est.ci.0.max(-b.mean);
    Some(est)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(mean: f64, sd: f64, ess: f64) -> MeanSide {
        MeanSide {
            mean,
            sd,
            ess,
            step: 0.0,
        }
    }

    #[test]
    fn matches_welch_worked_by_hand() {
        // sd 10 over 25 a side: SE √(4 + 4) = 2.828; equal sizes give df = 48;
        // t = 6 ÷ 2.828 = 2.121; t(48) 97.5 % = 2.0106: half-width 5.687.
        let e = summary_mean_shift(side(20.0, 10.0, 25.0), side(26.0, 10.0, 25.0)).unwrap();
        assert!((e.effect - 2.1213).abs() < 1e-3, "{e:?}");
        assert!(
            (e.ci.0 - 0.313).abs() < 0.01 && (e.ci.1 - 11.687).abs() < 0.01,
            "{e:?}"
        );
        // Two-sided p of t = 2.121 on 48 df is about 0.039.
        assert!((e.p_value - 0.039).abs() < 0.003, "{e:?}");
        assert_eq!(e.method, Method::SummaryWelch);
    }

    #[test]
    fn rounding_widens_the_interval_and_sizes_under_two_give_nothing() {
        let mut b = side(20.0, 0.0, 10.0);
        let mut c = side(20.5, 0.0, 10.0);
        (b.step, c.step) = (1.0, 1.0);
        // No spread, but a 0.5 ms change within one printed step: not shown.
        let e = summary_mean_shift(b, c).unwrap();
        assert_eq!(e.p_value, 1.0);
        assert!(e.ci.0 < 0.0 && e.ci.1 > 0.0);
        assert!(summary_mean_shift(side(20.0, 5.0, 1.5), side(30.0, 5.0, 10.0)).is_none());
        assert!(summary_mean_shift(side(20.0, f64::NAN, 10.0), side(30.0, 5.0, 10.0)).is_none());
    }
}
