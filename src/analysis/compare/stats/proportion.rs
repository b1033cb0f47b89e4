//! Shifts of counts between one run per side: the failure rate (two-proportion
//! z-test on effective counts, Newcombe's hybrid score interval) and per-interval
//! rates such as throughput (Welch's t-test with effective numbers of intervals).
//!
//! Effective counts: a run's failures cluster in time (an outage fails many
//! requests in a row), so its requests are worth fewer independent trials. Each
//! side's requests n and failures f are scaled by ESS ÷ n, the ESS from batch means
//! of its per-interval failure rates against the Bernoulli variance p·(1 − p)
//! (see `ess`). Likewise the per-interval rates count as their effective number.

use crate::analysis::sla::Z_95;

use super::dist::{normal_p, t_975, t_p};
use super::ess::{failure_counts, series_effective_size};
use super::{unknown, Estimate, IntervalPoint, Method};

/// Wilson score interval of a proportion p over n (fractional) trials.
pub fn wilson(p: f64, n: f64) -> (f64, f64) {
    let z2 = Z_95 * Z_95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Shift of the failure rate (0–1) between one run per side, by a two-proportion
/// test on effective counts (each side's failures and requests scaled by its
/// effective-sample-size ratio). A side without requests gives a NaN rate, p = 1.
pub fn error_rate_shift(base: &[IntervalPoint], cand: &[IntervalPoint]) -> Estimate {
    let (nb, fb, eb) = failure_counts(base);
    let (nc, fc, ec) = failure_counts(cand);
    let rate = |f: f64, n: f64| if n > 0.0 { f / n } else { f64::NAN };
    let (pb, pc) = (rate(fb, nb), rate(fc, nc));
    let mut est = unknown(pb, pc, (eb, ec), Method::TwoProportion);
    if nb <= 0.0 || nc <= 0.0 {
        return est;
    }
    let pooled = (pb * eb + pc * ec) / (eb + ec);
    let se0 = (pooled * (1.0 - pooled) * (1.0 / eb + 1.0 / ec)).sqrt();
    if se0 > 0.0 {
        est.effect = est.delta / se0;
        est.p_value = normal_p(est.effect);
    }
    // Newcombe (1998), method 10: the two Wilson intervals combined.
    let ((lb, ub), (lc, uc)) = (wilson(pb, eb), wilson(pc, ec));
    est.ci = (
        est.delta - ((pc - lc).powi(2) + (ub - pb).powi(2)).sqrt(),
        est.delta + ((uc - pc).powi(2) + (pb - lb).powi(2)).sqrt(),
    );
    est
}

/// Shift of a per-interval rate (requests/s, or successful requests/s when
/// `successes_only`) between one run per side; `width_s` is each series' interval
/// width. Welch's test with effective counts from batch means. An interval covering
/// less than half the width (a stage's cut first or last second) is left out: its
/// rate rests on a sliver of time. Fewer than two intervals on a side → p = 1 and an
/// unbounded interval.
pub fn rate_shift(
    base: &[IntervalPoint],
    base_width_s: f64,
    cand: &[IntervalPoint],
    cand_width_s: f64,
    successes_only: bool,
) -> Estimate {
    let rates = |s: &[IntervalPoint], w: f64| -> Vec<f64> {
        if w <= 0.0 || !w.is_finite() {
            return Vec::new();
        }
        s.iter()
            .map(|p| (p, if p.width_s > 0.0 { p.width_s } else { w }))
            .filter(|(_, covered)| *covered >= 0.5 * w)
            .map(|(p, covered)| {
                let n = if successes_only {
                    p.count - p.failures.min(p.count)
                } else {
                    p.count
                };
                n as f64 / covered
            })
            .collect()
    };
    let (rb, rc) = (rates(base, base_width_s), rates(cand, cand_width_s));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let var =
        |v: &[f64], m: f64| v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
    let (mb, mc) = (mean(&rb), mean(&rc));
    let ess = (series_effective_size(&rb), series_effective_size(&rc));
    let mut est = unknown(
        if rb.is_empty() { 0.0 } else { mb },
        if rc.is_empty() { 0.0 } else { mc },
        ess,
        Method::IntervalWelch,
    );
    if rb.len() < 2 || rc.len() < 2 {
        return est;
    }
    let (ub, uc) = (var(&rb, mb) / ess.0, var(&rc, mc) / ess.1);
    let se = (ub + uc).sqrt();
    if se == 0.0 {
        est.ci = (est.delta, est.delta);
        if est.delta != 0.0 {
            est.p_value = 0.0;
            est.effect = est.delta.signum() * f64::INFINITY;
        }
        return est;
    }
    // Welch–Satterthwaite degrees of freedom on the effective counts.
    let df =
        (ub + uc).powi(2) / (ub * ub / (ess.0 - 1.0).max(1.0) + uc * uc / (ess.1 - 1.0).max(1.0));
    est.effect = est.delta / se;
    est.p_value = t_p(est.effect, df);
    let half = t_975(df) * se;
    est.ci = (est.delta - half, est.delta + half);
    est
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(counts: &[u64], failures: &[u64]) -> Vec<IntervalPoint> {
        counts
            .iter()
            .zip(failures)
            .map(|(&count, &failures)| IntervalPoint {
                count,
                failures,
                mean_ms: Some(10.0),
                width_s: 0.0,
            })
            .collect()
    }

    #[test]
    fn independent_failures_match_the_textbook_two_proportion_test() {
        // 1 % vs 2 % of 10,000 requests, failures spread evenly (no clustering):
        // pooled p = 0.015, z = 0.01 ÷ √(0.015·0.985·2 ÷ 10⁴) = 5.8173.
        let b = series(&[1000; 10], &[10; 10]);
        let c = series(&[1000; 10], &[20; 10]);
        let e = error_rate_shift(&b, &c);
        assert_eq!((e.baseline, e.candidate), (0.01, 0.02));
        assert_eq!(e.ess, (10_000.0, 10_000.0));
        assert!((e.effect - 5.8173).abs() < 1e-3, "{e:?}");
        assert!(e.p_value < 1e-8 && e.ci.0 > 0.0 && e.ci.1 > 0.01, "{e:?}");
        assert_eq!(e.method, Method::TwoProportion);
    }

    #[test]
    fn clustered_failures_count_for_less() {
        // The same 2 % overall, but all failures in two bursts.
        let mut f = vec![0; 10];
        f[3] = 100;
        f[4] = 100;
        let c = series(&[1000; 10], &f);
        let b = series(&[1000; 10], &[10; 10]);
        let e = error_rate_shift(&b, &c);
        assert_eq!(e.candidate, 0.02);
        assert!(e.ess.1 < 2000.0, "{e:?}");
        assert!(e.p_value > 1e-4, "{e:?}");
    }

    #[test]
    fn no_failures_either_side_is_no_change_with_a_small_interval() {
        let b = series(&[500; 10], &[0; 10]);
        let e = error_rate_shift(&b, &b);
        assert_eq!((e.delta, e.p_value), (0.0, 1.0));
        // Newcombe at 0 of 5,000 per side: ±(Wilson upper limit ≈ 3.84 ÷ 5,004).
        assert!(e.ci.1 > 0.0 && e.ci.1 < 0.001 && e.ci.0 == -e.ci.1, "{e:?}");
        let e = error_rate_shift(&[], &b);
        assert!(e.baseline.is_nan() && e.p_value == 1.0);
    }

    #[test]
    fn rates_follow_welch_on_the_intervals() {
        // Alternating rates: mean 100 vs 110 per s, sd 10.54 over 10 intervals of 2 s.
        let b = series(
            &[180, 220, 180, 220, 180, 220, 180, 220, 180, 220],
            &[0; 10],
        );
        let c = series(
            &[200, 240, 200, 240, 200, 240, 200, 240, 200, 240],
            &[0; 10],
        );
        let e = rate_shift(&b, 2.0, &c, 2.0, false);
        assert_eq!((e.baseline, e.candidate, e.delta), (100.0, 110.0, 10.0));
        // Ten intervals are too few to merge (a merged level needs 20 batches), so
        // all 10 count; t = 10 ÷ √(2·111.1 ÷ 10) = 2.1213, df = 18.
        assert_eq!(e.ess, (10.0, 10.0));
        assert!((e.effect - 2.1213).abs() < 1e-3, "{e:?}");
        assert!((e.p_value - 0.0480).abs() < 1e-3, "{e:?}");
        assert!(e.ci.0 > 0.0 && e.ci.0 < 1.0, "{e:?}");
        // Successes only: candidate loses 20 a second to failures.
        let c = series(&[200; 10], &[40; 10]);
        let b = series(&[200; 10], &[0; 10]);
        let e = rate_shift(&b, 1.0, &c, 1.0, true);
        assert_eq!((e.baseline, e.candidate, e.p_value), (200.0, 160.0, 0.0));
        let e = rate_shift(&b[..1], 1.0, &c, 1.0, false);
        assert_eq!(e.p_value, 1.0);
    }

    #[test]
    fn a_stages_cut_edge_seconds_carry_their_own_width_and_slivers_are_left_out() {
        // 100/s against 70/s in every whole second; each side's first second is cut to
        // half (50 and 35 requests: the same rates) and its last to 30 ms (3 and 2
        // requests: too little time to weigh). Every rate kept is exact: no variance.
        let side = |per_s: u64, sliver: u64| {
            let mut v = series(&[per_s / 2], &[0]);
            v[0].width_s = 0.5;
            v.extend(series(&[per_s; 8], &[0; 8]));
            let mut last = series(&[sliver], &[0]);
            last[0].width_s = 0.03;
            v.extend(last);
            v
        };
        let e = rate_shift(&side(100, 3), 1.0, &side(70, 2), 1.0, false);
        assert_eq!((e.baseline, e.candidate), (100.0, 70.0), "{e:?}");
        assert_eq!((e.ci, e.p_value), ((-30.0, -30.0), 0.0), "{e:?}");
    }
}
