//! Kneedle (Satopää et al. 2011): the point of maximum curvature of a concave,
//! increasing curve, used to cross-check the throughput saturation found by the
//! marginal-gain rule. Nothing here knows about load tests.
//!
//! Both axes are normalised to [0, 1]; the difference curve d = y − x peaks where the
//! curve bends most. A local maximum of d is a knee once d later falls below
//! `d_max − S · mean(Δx)` (sensitivity S) before the next local maximum. With the few
//! load levels of a stepped test (4–10 points) the threshold is often never crossed
//! after the last bend; then, as `kneed` does offline, the largest interior maximum of
//! d counts.

/// Default sensitivity S.
pub const SENSITIVITY: f64 = 1.0;

/// Index of the knee of the concave, increasing curve through `(x, y)` (x ascending),
/// or `None` when there is no bend (a straight or convex curve, fewer than 3 points).
pub fn kneedle(x: &[f64], y: &[f64], sensitivity: f64) -> Option<usize> {
    let n = x.len().min(y.len());
    if n < 3 {
        return None;
    }
    let norm = |v: &[f64]| -> Option<Vec<f64>> {
        let lo = v[..n].iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v[..n].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (hi > lo && hi.is_finite() && lo.is_finite())
            .then(|| v[..n].iter().map(|a| (a - lo) / (hi - lo)).collect())
    };
    let (xn, yn) = (norm(x)?, norm(y)?);
    let d: Vec<f64> = xn.iter().zip(&yn).map(|(a, b)| b - a).collect();
    let mean_dx = (xn[n - 1] - xn[0]) / (n - 1) as f64;
    let is_local_max = |i: usize| (i == 0 || d[i] >= d[i - 1]) && (i + 1 == n || d[i] > d[i + 1]);

    let mut candidate: Option<(usize, f64)> = None;
    for i in 0..n {
        if let Some((k, threshold)) = candidate {
            if d[i] < threshold {
                return Some(k);
            }
        }
        if i > 0 && i + 1 < n && is_local_max(i) && d[i] > 0.0 {
            // A later, higher maximum replaces an undeclared earlier one.
            if candidate.is_none_or(|(k, _)| d[i] > d[k]) {
                candidate = Some((i, d[i] - sensitivity * mean_dx));
            }
        }
    }
    // Offline fallback: the largest interior maximum of d.
    (1..n - 1)
        .filter(|&i| is_local_max(i) && d[i] > 0.0)
        .max_by(|&a, &b| d[a].total_cmp(&d[b]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_corner_of_a_capped_line() {
        // y = min(x, 5): the bend is at x = 5 (index 4).
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v.min(5.0)).collect();
        assert_eq!(kneedle(&x, &y, SENSITIVITY), Some(4));
    }

    #[test]
    fn a_straight_line_has_no_knee() {
        let x: Vec<f64> = (1..=8).map(f64::from).collect();
        assert_eq!(kneedle(&x, &x, SENSITIVITY), None);
    }

    #[test]
    fn uneven_spacing_uses_the_load_axis() {
        // Loads 1, 2, 4, 8, 16, 32 with a cap at 8: the knee is at 8 (index 3).
        let x = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
        let y: Vec<f64> = x.iter().map(|v: &f64| v.min(8.0)).collect();
        assert_eq!(kneedle(&x, &y, SENSITIVITY), Some(3));
    }
}
