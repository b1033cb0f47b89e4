//! Repeats per side, each run one value (benchstat's practice): the Mann–Whitney U
//! test, the Hodges–Lehmann shift with its distribution-free interval, and the
//! common-language effect size (CLES).
//!
//! - **p-value**: exact for up to 20 runs a side — the permutation distribution of
//!   the candidate's rank sum over all ways to split the pooled runs, midranks for
//!   ties, counted by dynamic programming; two-sided as twice the smaller tail
//!   (5 vs 5 fully separated: 2 ÷ 252). Beyond that the normal approximation with
//!   tie correction and continuity correction.
//! - **shift**: the median of the n₁·n₂ differences candidate − baseline; its 95 %
//!   interval runs from the k-th smallest to the k-th largest difference, k the
//!   largest with P(U < k) ≤ 2.5 % under no change (exact for small samples, else
//!   normal). Too few runs for 95 % (e.g. 3 vs 3, whose smallest p is 0.1) give an
//!   unbounded interval.
//! - **effect**: CLES = P(candidate run > baseline run) + ½·P(tie) = U ÷ (n₁·n₂).

use crate::analysis::sla::Z_95;

use super::dist::normal_p;
use super::{unknown, Estimate, Method};

/// Largest number of runs a side for the exact distribution.
const EXACT_MAX: usize = 20;

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]),
    }
}

/// Doubled midranks (integers) of `pooled` values, in their order.
fn doubled_midranks(pooled: &[f64]) -> Vec<u64> {
    let mut order: Vec<usize> = (0..pooled.len()).collect();
    order.sort_by(|&a, &b| pooled[a].total_cmp(&pooled[b]));
    let mut ranks = vec![0; pooled.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && pooled[order[j + 1]] == pooled[order[i]] {
            j += 1;
        }
        // Ranks i + 1 ..= j + 1 share their mean; doubled: i + j + 2.
        for &k in &order[i..=j] {
            ranks[k] = (i + j + 2) as u64;
        }
        i = j + 1;
    }
    ranks
}

/// Number of ways to pick `k` of `ranks` with each rank sum (index = sum).
fn rank_sum_counts(ranks: &[u64], k: usize) -> Vec<f64> {
    let max: u64 = ranks.iter().sum();
    // ways[j][s]: subsets of size j with sum s.
    let mut ways = vec![vec![0.0_f64; max as usize + 1]; k + 1];
    ways[0][0] = 1.0;
    for &r in ranks {
        for j in (1..=k).rev() {
            let (lower, upper) = ways.split_at_mut(j);
            for s in (r as usize..=max as usize).rev() {
                upper[0][s] += lower[j - 1][s - r as usize];
            }
        }
    }
    ways.swap_remove(k)
}

/// Exact two-sided p of the candidate's doubled rank sum.
fn exact_p(base: &[f64], cand: &[f64]) -> f64 {
    let pooled: Vec<f64> = base.iter().chain(cand).copied().collect();
    let ranks = doubled_midranks(&pooled);
    let observed: u64 = ranks[base.len()..].iter().sum();
    let counts = rank_sum_counts(&ranks, cand.len());
    let total: f64 = counts.iter().sum();
    let le: f64 = counts[..=observed as usize].iter().sum();
    let ge: f64 = counts[observed as usize..].iter().sum();
    (2.0 * le.min(ge) / total).min(1.0)
}

/// U of the candidate: pairs where it is larger, ties counting ½.
fn u_statistic(base: &[f64], cand: &[f64]) -> f64 {
    let mut u = 0.0;
    for c in cand {
        for b in base {
            u += if c > b {
                1.0
            } else if c == b {
                0.5
            } else {
                0.0
            };
        }
    }
    u
}

/// Normal-approximation two-sided p of U, with tie and continuity corrections.
fn normal_approx_p(base: &[f64], cand: &[f64], u: f64) -> f64 {
    let (n1, n2) = (base.len() as f64, cand.len() as f64);
    let n = n1 + n2;
    let mut pooled: Vec<f64> = base.iter().chain(cand).copied().collect();
    pooled.sort_by(f64::total_cmp);
    let ties: f64 = pooled
        .chunk_by(|a, b| a == b)
        .map(|g| (g.len() as f64).powi(3) - g.len() as f64)
        .sum();
    let var = n1 * n2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)));
    if var <= 0.0 {
        return 1.0;
    }
    let z = ((u - n1 * n2 / 2.0).abs() - 0.5).max(0.0) / var.sqrt();
    normal_p(z)
}

/// k of the Hodges–Lehmann interval: the largest with P(U < k) ≤ 2.5 % under no
/// change (no ties); 0 when no k qualifies.
fn interval_rank(n1: usize, n2: usize) -> usize {
    if n1 <= EXACT_MAX && n2 <= EXACT_MAX {
        let ranks: Vec<u64> = (1..=(n1 + n2) as u64).collect();
        let counts = rank_sum_counts(&ranks, n2);
        let total: f64 = counts.iter().sum();
        // U = rank sum − n₂(n₂ + 1) ÷ 2; with ranks 1..N the sums start there.
        let offset = n2 * (n2 + 1) / 2;
        let mut below = 0.0; // P(U < k) · total
        let mut k = 0;
        for u in 0..=n1 * n2 {
            below += counts[u + offset];
            if below / total > 0.025 {
                break;
            }
            k = u + 1;
        }
        k
    } else {
        let (a, b) = (n1 as f64, n2 as f64);
        let c = a * b / 2.0 - Z_95 * (a * b * (a + b + 1.0) / 12.0).sqrt();
        c.floor().max(0.0) as usize
    }
}

/// Repeats per side (each run one value, e.g. its p95): Mann–Whitney U (exact for
/// small samples), the Hodges–Lehmann shift with its interval, CLES as `effect`.
/// Non-finite values are left out; an empty side gives NaN values and p = 1.
pub fn repeats_shift(base: &[f64], cand: &[f64]) -> Estimate {
    let clean = |v: &[f64]| {
        let mut v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let (b, c) = (clean(base), clean(cand));
    let (n1, n2) = (b.len(), c.len());
    let mut est = unknown(
        median(&b),
        median(&c),
        (n1 as f64, n2 as f64),
        Method::MannWhitney,
    );
    if n1 == 0 || n2 == 0 {
        est.effect = f64::NAN;
        return est;
    }
    let mut diffs: Vec<f64> = c
        .iter()
        .flat_map(|y| b.iter().map(move |x| y - x))
        .collect();
    diffs.sort_by(f64::total_cmp);
    est.delta = median(&diffs);
    let u = u_statistic(&b, &c);
    est.effect = u / (n1 * n2) as f64;
    est.p_value = if n1 <= EXACT_MAX && n2 <= EXACT_MAX {
        exact_p(&b, &c)
    } else {
        normal_approx_p(&b, &c, u)
    };
    let k = interval_rank(n1, n2);
    if k >= 1 {
        est.ci = (diffs[k - 1], diffs[diffs.len() - k]);
    }
    est
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compare::stats::dist::standard_normal;
    use rand::rngs::SmallRng;
    use rand::SeedableRng;

    #[test]
    fn five_vs_five_fully_separated_is_two_in_252() {
        let b = [101.0, 99.0, 100.0, 102.0, 98.0];
        let c = [120.0, 118.0, 121.0, 119.0, 122.0];
        let e = repeats_shift(&b, &c);
        assert_eq!(e.p_value, 2.0 / 252.0);
        assert_eq!((e.baseline, e.candidate), (100.0, 120.0));
        // Differences 16..=24, the middle one 20; k = 3 for 5 vs 5
        // (P(U ≤ 2) = 4/252 ≤ 2.5 % < P(U ≤ 3) = 7/252): the 3rd from each end.
        assert_eq!(e.delta, 20.0);
        assert_eq!(e.ci, (17.0, 23.0));
        assert_eq!(e.effect, 1.0);
        assert_eq!(e.ess, (5.0, 5.0));
        assert_eq!(e.method, Method::MannWhitney);
        // Reversed: the same p, CLES 0.
        let e = repeats_shift(&c, &b);
        assert_eq!((e.p_value, e.effect, e.delta), (2.0 / 252.0, 0.0, -20.0));
    }

    #[test]
    fn five_vs_five_from_one_distribution_is_not_significant() {
        let mut rng = SmallRng::seed_from_u64(42);
        let mut draw = || 100.0 * (0.1 * standard_normal(&mut rng)).exp();
        let b: Vec<f64> = (0..5).map(|_| draw()).collect();
        let c: Vec<f64> = (0..5).map(|_| draw()).collect();
        let e = repeats_shift(&b, &c);
        assert!(e.p_value > 0.05, "{e:?}");
        assert!(e.ci.0 < 0.0 && e.ci.1 > 0.0, "{e:?}");
    }

    #[test]
    fn exact_p_with_ties_matches_enumerating_every_split() {
        let b = [1.0, 2.0, 2.0, 3.0];
        let c = [2.0, 3.0, 3.0, 4.0, 5.0];
        let pooled: Vec<f64> = b.iter().chain(&c).copied().collect();
        let u_obs = u_statistic(&b, &c);
        // Every way to choose which 5 of the 9 values are the candidate's.
        let (mut le, mut ge, mut total) = (0, 0, 0);
        for mask in 0u32..(1 << 9) {
            if mask.count_ones() != 5 {
                continue;
            }
            let (mut bb, mut cc) = (Vec::new(), Vec::new());
            for (i, v) in pooled.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    cc.push(*v)
                } else {
                    bb.push(*v)
                }
            }
            let u = u_statistic(&bb, &cc);
            total += 1;
            le += (u <= u_obs) as u32;
            ge += (u >= u_obs) as u32;
        }
        let want = (2.0 * le.min(ge) as f64 / total as f64).min(1.0);
        assert!((exact_p(&b, &c) - want).abs() < 1e-12);
    }

    #[test]
    fn normal_approximation_agrees_with_the_exact_test_at_20_a_side() {
        let b: Vec<f64> = (0..20).map(|i| i as f64).collect();
        let c: Vec<f64> = (0..20).map(|i| i as f64 + 4.5).collect();
        let exact = exact_p(&b, &c);
        let approx = normal_approx_p(&b, &c, u_statistic(&b, &c));
        assert!(exact > 0.01 && exact < 0.2, "{exact}");
        assert!((exact - approx).abs() < 0.005, "{exact} vs {approx}");
        // 25 a side goes the normal way; its interval rank is the normal one.
        let b: Vec<f64> = (0..25).map(|i| i as f64).collect();
        let c: Vec<f64> = (0..25).map(|i| i as f64 + 100.0).collect();
        let e = repeats_shift(&b, &c);
        assert!(
            e.p_value < 1e-8 && e.delta == 100.0 && e.ci.0 > 90.0,
            "{e:?}"
        );
        // C = 312.5 − 1.96·√(625·51 ÷ 12) = 211.49 → 211.
        assert_eq!(interval_rank(25, 25), 211);
        // Exact tables: m = n = 10 → 24 (P(U ≤ 23) = 0.0216), m = n = 8 → 14.
        assert_eq!(interval_rank(10, 10), 24);
        assert_eq!(interval_rank(8, 8), 14);
    }

    #[test]
    fn too_few_runs_give_an_unbounded_interval_and_empty_sides_nothing() {
        let e = repeats_shift(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]);
        assert_eq!(e.p_value, 0.1);
        assert!(e.ci.0.is_infinite() && e.ci.1.is_infinite());
        let e = repeats_shift(&[], &[1.0]);
        assert!(e.baseline.is_nan() && e.p_value == 1.0);
        let e = repeats_shift(&[2.0; 4], &[2.0; 4]);
        assert_eq!((e.p_value, e.delta, e.effect), (1.0, 0.0, 0.5));
    }
}
