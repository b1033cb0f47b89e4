//! Multiple comparisons: Benjamini–Hochberg q-values (the false discovery rate
//! step-up procedure of Benjamini & Hochberg 1995), so that testing many endpoints
//! and stages at once does not flag chance differences.

/// Benjamini–Hochberg q-values of `p_values`, in their order: with m p-values and
/// p₍ᵢ₎ the i-th smallest, q₍ᵢ₎ = min over j ≥ i of p₍ⱼ₎·m ÷ j, capped at 1 (so
/// q-values keep the order of their p-values). A NaN p-value is not a test: it
/// gets a NaN q-value and does not count in m.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p_values.len())
        .filter(|&i| !p_values[i].is_nan())
        .collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let m = order.len() as f64;
    let mut q = vec![f64::NAN; p_values.len()];
    let mut running = 1.0_f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        running = running.min(p_values[i].max(0.0) * m / (rank + 1) as f64);
        q[i] = running;
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_papers_fifteen_p_values() {
        // Benjamini & Hochberg (1995), §4: at q = 0.05 the four smallest are
        // rejected. q-values as R's p.adjust(p, "BH").
        let p = [
            0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262,
            0.5719, 0.6528, 0.7590, 1.000,
        ];
        let want = [
            0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.063857, 0.063857, 0.0645, 0.0765, 0.486,
            0.581182, 0.714875, 0.753231, 0.813214, 1.0,
        ];
        let q = benjamini_hochberg(&p);
        for (got, want) in q.iter().zip(want) {
            assert!((got - want).abs() < 1e-6, "{q:?}");
        }
        assert_eq!(q.iter().filter(|&&q| q <= 0.05).count(), 4);
    }

    #[test]
    fn input_order_monotone_and_capped() {
        let q = benjamini_hochberg(&[0.04, 0.01, 0.03, 0.005]);
        // Sorted 0.005, 0.01, 0.03, 0.04 → 0.02, 0.02, 0.04, 0.04.
        for (got, want) in q.iter().zip([0.04, 0.02, 0.04, 0.02]) {
            assert!((got - want).abs() < 1e-15, "{q:?}");
        }
        assert_eq!(benjamini_hochberg(&[0.9, 0.8]), vec![0.9, 0.9]);
        assert_eq!(benjamini_hochberg(&[1.0, 1.0, 1.0]), vec![1.0; 3]);
        let q = benjamini_hochberg(&[0.01, f64::NAN]);
        assert!(q[0] == 0.01 && q[1].is_nan());
        assert!(benjamini_hochberg(&[]).is_empty());
    }
}
