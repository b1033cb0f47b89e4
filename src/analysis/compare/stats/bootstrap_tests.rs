//! The bootstrap's calibration (false positives between runs of one distribution
//! with autocorrelated latencies) and power (a 15 % shift), on seeded synthetic runs.

use super::*;
use crate::analysis::compare::stats::dist::standard_normal;
use crate::analysis::compare::stats::IntervalPoint;
use rand::rngs::SmallRng;
use rand::SeedableRng;

/// A synthetic run: its exact histogram (µs) and 1 s interval series.
struct Run {
    hist: Histogram<u64>,
    intervals: Vec<IntervalPoint>,
}

impl Run {
    fn sample(&self) -> RunSample<'_> {
        RunSample {
            histogram: &self.hist,
            intervals: &self.intervals,
        }
    }
}

/// `n` requests at `rate` per second whose log-latency is AR(1) with correlation
/// `rho` (median 20 ms, log standard deviation `s`), every latency × `scale`.
fn run(n: usize, rate: usize, s: f64, rho: f64, scale: f64, seed: u64) -> Run {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut hist = Histogram::<u64>::new(3).unwrap();
    let mut intervals = vec![IntervalPoint::default(); n.div_ceil(rate)];
    let mut sums = vec![0.0; intervals.len()];
    let mut x = standard_normal(&mut rng);
    for i in 0..n {
        x = rho * x + (1.0 - rho * rho).sqrt() * standard_normal(&mut rng);
        let ms = 20.0 * (s * x).exp() * scale;
        hist.record((ms * 1000.0).round().max(1.0) as u64).unwrap();
        intervals[i / rate].count += 1;
        sums[i / rate] += ms;
    }
    for (p, sum) in intervals.iter_mut().zip(sums) {
        p.mean_ms = Some(sum / p.count as f64);
    }
    Run { hist, intervals }
}

/// Pairs of runs of one AR(1) (ρ = 0.8) distribution, 5,000 requests each at
/// 50/s, whose p95 shift comes out significant at 5 %.
fn false_positives(pairs: u64, resamples: usize) -> usize {
    (0..pairs)
        .filter(|&i| {
            let a = run(5000, 50, 0.5, 0.8, 1.0, 2 * i);
            let b = run(5000, 50, 0.5, 0.8, 1.0, 2 * i + 1);
            percentile_shift(a.sample(), b.sample(), 0.95, resamples, 1000 + i).p_value < 0.05
        })
        .count()
}

/// The calibration: at most 18 of 200 pairs (5 % plus binomial slack).
/// The effective sample size comes from the autocorrelation of the mean, which
/// outlasts that of the tail, so the rate comes out below 5 % (3 of 200).
#[test]
fn p95_false_positive_rate_on_autocorrelated_runs_is_at_most_9_percent() {
    let hits = false_positives(200, 400);
    println!(
        "p95 false-positive rate: {hits}/200 = {:.1} %",
        hits as f64 / 2.0
    );
    assert!(hits <= 18, "{hits} of 200 pairs significant");
}

#[test]
fn redraws_are_multinomial_with_the_runs_shares() {
    // Four buckets with shares 0.1, 0.2, 0.3, 0.4; redraws of 1,000 requests.
    let mut h = Histogram::<u64>::new(3).unwrap();
    for (ms, n) in [(1u64, 10u64), (2, 20), (3, 30), (4, 40)] {
        h.record_n(ms * 1000, n).unwrap();
    }
    let side = Side {
        size: 1000,
        ..Side::new(RunSample {
            histogram: &h,
            intervals: &[],
        })
        .unwrap()
    };
    let mut rng = SmallRng::seed_from_u64(3);
    let (mut sums, mut squares) = ([0.0; 4], [0.0; 4]);
    let mut via_counts = [0u32; 4];
    let rounds = 4000;
    for _ in 0..rounds {
        let mut out = [0u64; 4];
        side.redraw_counts(&mut rng, 0, 4, 1000, &mut out);
        assert_eq!(out.iter().sum::<u64>(), 1000);
        for i in 0..4 {
            sums[i] += out[i] as f64;
            squares[i] += (out[i] as f64).powi(2);
        }
        // Which bucket holds the 350th of 1,000 (the 0.35 quantile)?
        let mut seen = 0;
        let at = out.iter().position(|&c| {
            seen += c;
            seen >= 350
        });
        via_counts[at.unwrap()] += 1;
    }
    for (i, share) in [0.1, 0.2, 0.3, 0.4].iter().enumerate() {
        let mean = sums[i] / rounds as f64;
        let var = squares[i] / rounds as f64 - mean * mean;
        assert!((mean - 1000.0 * share).abs() < 1.5, "bucket {i}: {mean}");
        let want = 1000.0 * share * (1.0 - share);
        assert!(
            (var / want - 1.0).abs() < 0.1,
            "bucket {i}: {var} vs {want}"
        );
    }
    // The one-path quantile redraw lands in each bucket as often as the full one.
    let mut via_path = [0u32; 4];
    for _ in 0..rounds {
        let v = side.redraw_quantile(&mut rng, 0.35);
        via_path[v.round() as usize - 1] += 1;
    }
    for i in 0..4 {
        let (a, b) = (via_counts[i] as f64, via_path[i] as f64);
        let tolerance = 4.0 * (a.max(b) + 1.0).sqrt() + 5.0;
        assert!((a - b).abs() < tolerance, "{via_counts:?} vs {via_path:?}");
    }
    // Means, by the tree and request by request: mean 3 ms, variance 1 ms² ÷ 1,000.
    let direct: Vec<f64> = (0..rounds)
        .map(|_| side.redraw_mean_directly(&mut rng))
        .collect();
    let tree = side.draws(Statistic::Mean, rounds, 5);
    for d in [direct, tree] {
        let mean = d.iter().sum::<f64>() / d.len() as f64;
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / d.len() as f64;
        assert!((mean - 3.0).abs() < 0.005, "{mean}");
        assert!((var * 1000.0 - 1.0).abs() < 0.1, "{var}");
    }
}

#[test]
fn autocorrelation_shrinks_the_effective_sample() {
    let r = run(5000, 50, 0.5, 0.8, 1.0, 1);
    let ess = latency_effective_sample_size(r.sample());
    // τ of the latencies is ≈ 8 (ρ = 0.8 on the log scale): ESS ≈ 600.
    assert!((300.0..1200.0).contains(&ess), "ESS {ess}");
    let r = run(5000, 50, 0.5, 0.0, 1.0, 1);
    let ess = latency_effective_sample_size(r.sample());
    assert!(ess > 3000.0, "ESS {ess}");
}

#[test]
fn a_15_percent_shift_is_found_at_p50_p95_and_the_mean() {
    let a = run(5000, 50, 0.5, 0.0, 1.0, 11);
    let b = run(5000, 50, 0.5, 0.0, 1.15, 12);
    for q in [0.5, 0.95] {
        let e = percentile_shift(a.sample(), b.sample(), q, 400, 5);
        assert!(e.p_value < 0.001, "q {q}: {e:?}");
        assert!(e.ci.0 > 0.0 && e.ci.1 > e.ci.0, "q {q}: {e:?}");
        assert!(e.ci.0 < e.delta && e.delta < e.ci.1, "q {q}: {e:?}");
        let pct = e.delta / e.baseline;
        assert!((0.05..0.25).contains(&pct), "q {q}: {pct}");
        assert!(e.effect > 3.0 && e.method == Method::Bootstrap);
    }
    let e = mean_shift(a.sample(), b.sample(), 400, 5);
    assert!(e.p_value < 0.001 && e.ci.0 > 0.0, "{e:?}");
    // The mean of a lognormal with median 20 ms and σ = 0.5 is 20·e^(σ²/2) ≈ 22.66 ms.
    assert!((e.baseline - 22.66).abs() < 0.5, "{e:?}");
}

#[test]
fn same_seed_same_answer_and_point_values_are_the_histograms() {
    let a = run(2000, 50, 0.5, 0.5, 1.0, 21);
    let b = run(2000, 50, 0.5, 0.5, 1.0, 22);
    let e1 = percentile_shift(a.sample(), b.sample(), 0.99, 100, 9);
    let e2 = percentile_shift(a.sample(), b.sample(), 0.99, 100, 9);
    assert_eq!(e1, e2);
    let top = |h: &Histogram<u64>| h.highest_equivalent(h.value_at_quantile(0.99)) as f64 / 1000.0;
    assert_eq!(e1.baseline, top(&a.hist));
    assert_eq!(e1.candidate, top(&b.hist));
    assert_eq!(e1.delta, e1.candidate - e1.baseline);
}

#[test]
fn identical_single_valued_runs_show_no_change_and_an_empty_side_says_nothing() {
    let mut h = Histogram::<u64>::new(3).unwrap();
    h.record_n(5000, 1000).unwrap();
    let s = RunSample {
        histogram: &h,
        intervals: &[],
    };
    let e = percentile_shift(s, s, 0.95, 50, 1);
    assert_eq!((e.delta, e.p_value, e.ci), (0.0, 1.0, (0.0, 0.0)));
    let empty = Histogram::<u64>::new(3).unwrap();
    let none = RunSample {
        histogram: &empty,
        intervals: &[],
    };
    let e = percentile_shift(s, none, 0.95, 50, 1);
    assert!(
        e.candidate.is_nan() && e.p_value == 1.0 && e.ci.1.is_infinite(),
        "{e:?}"
    );
    assert_eq!(e.ess, (1000.0, 0.0));
}
