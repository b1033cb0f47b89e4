//! Tests of the block bootstrap against cases whose answer is known: i.i.d.
//! intervals (it agrees with the binomial resampling), intervals whose level is
//! strongly autocorrelated (it is much wider than resampling requests as if
//! independent), determinism, and the disagreement rule.

use hdrhistogram::Histogram;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::analysis::compare::stats::{percentile_shift, IntervalPoint, RunSample};

fn normal(rng: &mut SmallRng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// A run of `n` intervals of `per` requests: log-latency = level + within-noise,
/// the level an AR(1) series (coefficient `rho`, stationary sd `level_sd`) around
/// ln 100 ms. Returns (interval histograms µs, the exact histogram, the series).
fn run(
    seed: u64,
    n: usize,
    per: usize,
    rho: f64,
    level_sd: f64,
) -> (Vec<Histogram<u64>>, Histogram<u64>, Vec<IntervalPoint>) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut level = level_sd * normal(&mut rng);
    let innovation = level_sd * (1.0 - rho * rho).sqrt();
    let mut exact = Histogram::<u64>::new(3).unwrap();
    let (mut hists, mut series) = (Vec::new(), Vec::new());
    for _ in 0..n {
        level = rho * level + innovation * normal(&mut rng);
        let mut h = Histogram::<u64>::new(2).unwrap();
        let mut sum = 0.0;
        for _ in 0..per {
            let ms = 100.0 * (level + 0.5 * normal(&mut rng)).exp();
            let us = (ms * 1000.0).round().max(1.0) as u64;
            h.record(us).unwrap();
            exact.record(us).unwrap();
            sum += ms;
        }
        hists.push(h);
        series.push(IntervalPoint {
            count: per as u64,
            failures: 0,
            mean_ms: Some(sum / per as f64),
            width_s: 0.0,
        });
    }
    (hists, exact, series)
}

fn width(ci: (f64, f64)) -> f64 {
    ci.1 - ci.0
}

#[test]
fn iid_intervals_give_the_binomial_interval() {
    let (bh, be, bs) = run(1, 200, 20, 0.0, 0.0);
    let (ch, ce, cs) = run(2, 200, 20, 0.0, 0.0);
    let block = block_percentile_cis(&bh, &ch, &[0.5, 0.95], 7).unwrap();
    for (k, q) in [0.5, 0.95].into_iter().enumerate() {
        let main = percentile_shift(
            RunSample {
                histogram: &be,
                intervals: &bs,
            },
            RunSample {
                histogram: &ce,
                intervals: &cs,
            },
            q,
            2000,
            7,
        );
        let ratio = width(block[k]) / width(main.ci);
        println!(
            "q={q}: block {:?}, main {:?}, ratio {ratio:.2}",
            block[k], main.ci
        );
        assert!((0.6..1.6).contains(&ratio), "q={q}: ratio {ratio}");
        assert!(!intervals_disagree(main.ci, block[k]), "q={q}");
    }
}

#[test]
fn autocorrelated_intervals_widen_the_block_interval() {
    // Interval levels with ρ = 0.9 and sd 0.3: consecutive minutes move together,
    // so the 4,000 requests hold far less information than 4,000 independent ones.
    let (bh, be, _) = run(3, 200, 20, 0.9, 0.3);
    let (ch, ce, _) = run(4, 200, 20, 0.9, 0.3);
    let block = block_percentile_cis(&bh, &ch, &[0.5], 7).unwrap();
    // Resampling requests as independent (no series: ESS = every request).
    let naive = percentile_shift(
        RunSample {
            histogram: &be,
            intervals: &[],
        },
        RunSample {
            histogram: &ce,
            intervals: &[],
        },
        0.5,
        2000,
        7,
    );
    let ratio = width(block[0]) / width(naive.ci);
    println!(
        "block {:?}, naive {:?}, ratio {ratio:.2}",
        block[0], naive.ci
    );
    assert!(ratio > 2.0, "ratio {ratio}");
    assert!(intervals_disagree(naive.ci, block[0]));
}

#[test]
fn it_is_deterministic_and_needs_enough_intervals() {
    let (bh, _, _) = run(5, 50, 10, 0.5, 0.2);
    let (ch, _, _) = run(6, 50, 10, 0.5, 0.2);
    let a = block_percentile_cis(&bh, &ch, &[0.5, 0.99], 11);
    assert_eq!(a, block_percentile_cis(&bh, &ch, &[0.5, 0.99], 11));
    assert!(a.is_some());
    assert_eq!(block_percentile_cis(&bh[..5], &ch, &[0.5], 11), None);
}

#[test]
fn a_shift_moves_the_block_interval_off_zero() {
    let (bh, _, _) = run(7, 200, 20, 0.0, 0.0);
    let (ch, _, _) = run(8, 200, 20, 0.0, 0.0);
    let slower: Vec<Histogram<u64>> = ch
        .iter()
        .map(|h| {
            let mut s = Histogram::<u64>::new(2).unwrap();
            for v in h.iter_recorded() {
                let us = (v.value_iterated_to() as f64 * 1.2) as u64;
                s.record_n(us, v.count_at_value()).unwrap();
            }
            s
        })
        .collect();
    let ci = block_percentile_cis(&bh, &slower, &[0.5], 3).unwrap()[0];
    // The median is ≈ 100 ms: +20% is ≈ +20 ms.
    assert!(ci.0 > 10.0 && ci.1 < 30.0, "{ci:?}");
}

#[test]
fn disagreement_is_a_different_side_of_zero_or_twice_the_width() {
    assert!(!intervals_disagree((1.0, 3.0), (1.5, 3.5)));
    assert!(intervals_disagree((1.0, 3.0), (-0.5, 3.0)));
    assert!(intervals_disagree((-1.0, 1.0), (-3.0, 3.0)));
    assert!(!intervals_disagree((-1.0, 1.0), (-1.5, 1.5)));
}
