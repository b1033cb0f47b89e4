//! Change points in a trend (a metric over releases) by E-divisive means with a
//! t-test, the deterministic variant of Apache Otava / Hunter (Fleming et al.,
//! arXiv 2301.03034), written from its description.
//!
//! - **Candidate**: within a segment [s, e) of the series, every split τ and end κ
//!   (s < τ < κ ≤ e) is scored by the energy statistic
//!   Q̂ = m·n ÷ (m + n) · (2·mean|X − Y| − mean|X − X'| − mean|Y − Y'|) of
//!   X = [s, τ), Y = [τ, κ) (n and m points; a one-point side contributes no
//!   within-distance); the segment's candidate is the τ of the largest Q̂ (the
//!   first when tied).
//! - **Test**: the candidate with the largest Q̂ over all segments is tested with
//!   Student's two-sample t-test (pooled variance) between the whole segment's
//!   points before and after it; accepted if p ≤ `max_p_value`, and the search goes
//!   on in the segments it leaves. The first rejected candidate ends the search —
//!   no permutations, so the answer is deterministic.
//! - Only segments of at least [`MIN_TREND_POINTS`] points are searched, so short
//!   runs of noise are never split; a lone last release can still be the "after"
//!   side of a split.
//!
//! As in Otava, the t-test compares whole segments, so a shift that reverts within
//! one searched segment (A → B → A) is found only when B stands out from both.
//!
//! Non-finite values are forward-filled (leading ones back-filled), as Otava fills
//! missing points. The search is O(n³) in the segment length — fine for the
//! hundreds of releases a trend holds.

use super::dist::t_p;
use super::{ChangePoint, MIN_TREND_POINTS};

/// The split of `x` with the largest Q̂: (τ relative to the segment, Q̂).
fn best_split(x: &[f64]) -> Option<(usize, f64)> {
    let n_all = x.len();
    let mut best: Option<(usize, f64)> = None;
    let mut within_x = 0.0; // Σ_{i<k<τ} |x_i − x_k|
    for tau in 1..n_all {
        within_x += x[..tau - 1]
            .iter()
            .map(|a| (a - x[tau - 1]).abs())
            .sum::<f64>();
        let n = tau as f64;
        let (mut between, mut within_y) = (0.0, 0.0);
        for kappa in tau + 1..=n_all {
            let y = x[kappa - 1];
            between += x[..tau].iter().map(|a| (a - y).abs()).sum::<f64>();
            within_y += x[tau..kappa - 1].iter().map(|a| (a - y).abs()).sum::<f64>();
            let m = (kappa - tau) as f64;
            let mut q = 2.0 / (m + n) * between;
            if tau > 1 {
                q -= 2.0 * m / ((m + n) * (n - 1.0)) * within_x;
            }
            if m > 1.0 {
                q -= 2.0 * n / ((m + n) * (m - 1.0)) * within_y;
            }
            if best.is_none_or(|(_, b)| q > b) {
                best = Some((tau, q));
            }
        }
    }
    best
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Student's two-sample t-test (pooled variance), two-sided p.
fn student_p(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    if a.is_empty() || b.is_empty() || n1 + n2 <= 2.0 {
        return 1.0;
    }
    let (m1, m2) = (mean(a), mean(b));
    let ss = |v: &[f64], m: f64| v.iter().map(|x| (x - m).powi(2)).sum::<f64>();
    let df = n1 + n2 - 2.0;
    let se = ((ss(a, m1) + ss(b, m2)) / df * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se == 0.0 {
        return if m1 == m2 { 1.0 } else { 0.0 };
    }
    t_p((m2 - m1) / se, df)
}

/// Non-finite values replaced by the nearest earlier (else later) finite one.
fn filled(values: &[f64]) -> Option<Vec<f64>> {
    let first = values.iter().copied().find(|v| v.is_finite())?;
    let mut last = first;
    Some(
        values
            .iter()
            .map(|&v| {
                if v.is_finite() {
                    last = v;
                }
                last
            })
            .collect(),
    )
}

/// Level shifts in `values` (a metric over releases, in release order) by the
/// deterministic t-test variant of E-divisive means (Apache Otava / Hunter); fewer
/// than [`MIN_TREND_POINTS`] values give none. Sorted by index; `shift_pct` is a
/// fraction (0.3 for +30 %), 0 when the mean before is 0.
pub fn change_points(values: &[f64], max_p_value: f64) -> Vec<ChangePoint> {
    if values.len() < MIN_TREND_POINTS {
        return Vec::new();
    }
    let Some(x) = filled(values) else {
        return Vec::new();
    };
    let mut found: Vec<ChangePoint> = Vec::new();
    loop {
        let mut bounds: Vec<usize> = found.iter().map(|c| c.index).collect();
        bounds.insert(0, 0);
        bounds.push(x.len());
        // (τ, Q̂, segment start, segment end) of the strongest candidate.
        let mut best: Option<(usize, f64, usize, usize)> = None;
        for w in bounds.windows(2) {
            let (s, e) = (w[0], w[1]);
            if e - s < MIN_TREND_POINTS {
                continue;
            }
            if let Some((tau, q)) = best_split(&x[s..e]) {
                if best.is_none_or(|b| q > b.1) {
                    best = Some((s + tau, q, s, e));
                }
            }
        }
        let Some((index, _, s, e)) = best else { break };
        let (before, after) = (&x[s..index], &x[index..e]);
        let p_value = student_p(before, after);
        if p_value > max_p_value {
            break;
        }
        let mb = mean(before);
        let shift_pct = if mb == 0.0 {
            0.0
        } else {
            mean(after) / mb - 1.0
        };
        found.push(ChangePoint {
            index,
            shift_pct,
            p_value,
        });
        found.sort_by_key(|c| c.index);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_thirty_percent_shift_in_eight_releases() {
        let v = [100.0, 101.0, 99.0, 100.5, 99.5, 130.0, 131.0, 129.5];
        let cps = change_points(&v, 0.001);
        assert_eq!(cps.len(), 1, "{cps:?}");
        assert_eq!(cps[0].index, 5);
        // Means 100 and 130.1667.
        assert!((cps[0].shift_pct - 0.301_667).abs() < 1e-5, "{cps:?}");
        assert!(cps[0].p_value < 1e-6, "{cps:?}");
    }

    #[test]
    fn fewer_than_six_points_give_none() {
        assert!(change_points(&[1.0, 1.0, 1.0, 5.0, 5.0], 0.05).is_empty());
        assert!(change_points(&[], 0.05).is_empty());
        assert!(change_points(&[f64::NAN; 8], 0.05).is_empty());
    }

    #[test]
    fn noise_alone_has_no_change_point() {
        let v = [
            100.0, 100.8, 99.4, 100.3, 99.7, 100.6, 99.2, 100.1, 100.4, 99.6,
        ];
        assert!(change_points(&v, 0.001).is_empty());
    }

    #[test]
    fn two_shifts_are_both_found_in_order() {
        let noise = [0.3, -0.2, 0.1, -0.4, 0.2, 0.0];
        let v: Vec<f64> = [100.0, 130.0, 170.0]
            .iter()
            .flat_map(|level| noise.iter().map(move |n| level + n))
            .collect();
        let cps = change_points(&v, 0.001);
        let idx: Vec<usize> = cps.iter().map(|c| c.index).collect();
        assert_eq!(idx, vec![6, 12], "{cps:?}");
        assert!(
            cps[0].shift_pct > 0.25 && cps[1].shift_pct > 0.25,
            "{cps:?}"
        );
    }

    #[test]
    fn a_regression_in_the_last_release_is_found() {
        let v = [50.0, 50.2, 49.9, 50.1, 49.8, 50.0, 50.1, 65.0];
        let cps = change_points(&v, 0.001);
        assert_eq!(cps.len(), 1, "{cps:?}");
        assert_eq!(cps[0].index, 7);
    }

    #[test]
    fn missing_values_are_filled_forward() {
        let v = [100.0, f64::NAN, 99.0, 100.5, 99.5, 130.0, 131.0, 129.5];
        assert_eq!(change_points(&v, 0.001)[0].index, 5);
    }

    #[test]
    fn student_t_matches_a_worked_example() {
        // Means 2 and 4, pooled variance 1, n = 3 a side: t = 2 ÷ √(2/3) = 2.449,
        // df = 4, two-sided p = 0.0704.
        let p = student_p(&[1.0, 2.0, 3.0], &[3.0, 4.0, 5.0]);
        assert!((p - 0.0704).abs() < 1e-3, "{p}");
    }
}
