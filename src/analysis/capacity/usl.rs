//! The Universal Scalability Law fit: X(N) = λN / (1 + σ(N−1) + κN(N−1)) on
//! (load, goodput) points, with its goodness of fit, parameter intervals and the peak
//! it predicts. Nothing here knows about stages or reports; `capacity` feeds it points.
//!
//! **Method.** Seeded by the quadratic linearisation (anchors D4): with λ₀ the
//! throughput at N = 1 (or the best per-user throughput when N = 1 was not measured),
//! N·λ₀/X − 1 = κx² + (σ+κ)x with x = N − 1, a quadratic without intercept solved by
//! linear least squares. Then refined by Levenberg–Marquardt with bounds σ ∈ [0, 1],
//! κ ≥ 0, λ > 0, using `rmpfit` (a dependency-free port of MINPACK-1 / CMPFIT, which
//! handles parameter bounds natively; the nalgebra-based LM crates would multiply the
//! project's cold build for a three-parameter problem and have no bounds).
//!
//! **Residuals are relative**, (X − X̂)/X: load-test throughput noise is roughly
//! proportional to the throughput, and unweighted residuals would let the few
//! high-load points decide λ, which the low-load points measure best.
//!
//! **Intervals** are 95 % Wald intervals from the Jacobian's covariance at the
//! optimum, scaled by the residual variance (χ² ÷ (n − 3)) with Student's t on n − 3
//! degrees of freedom. A parameter held at a bound has no interval (null).

use rmpfit::{MPConfig, MPFitter, MPPar, MPResult, MPSide, MPSuccess};
use serde::Serialize;

/// Fewest distinct load levels a fit is attempted on: three parameters need at least
/// one degree of freedom left to say anything about the fit.
pub const MIN_LEVELS: usize = 4;

/// Predictions farther than this multiple of the largest measured load are
/// extrapolations, not predictions (anchors D4).
pub const EXTRAPOLATION_FACTOR: f64 = 2.0;

/// A fitted USL.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UslFit {
    /// Contention (serialisation), σ ∈ [0, 1].
    pub sigma: f64,
    /// Coherency (crosstalk), κ ≥ 0.
    pub kappa: f64,
    /// Throughput of one user, req/s (the coefficient of performance).
    pub lambda: f64,
    /// Coefficient of determination on the measured goodput.
    pub r2: f64,
    /// Load of peak throughput, N* = √((1 − σ)/κ); null when κ = 0 (no peak).
    pub peak_users: Option<f64>,
    /// X(N*); with κ = 0 the Amdahl ceiling λ/σ (approached, never reached); null
    /// when σ = κ = 0 (linear scaling).
    pub max_throughput_rps: Option<f64>,
    /// True when N* lies beyond 2× the largest measured load.
    pub extrapolated: bool,
    /// The largest measured load.
    pub largest_measured_users: f64,
    /// Load levels the fit used.
    pub points: usize,
    /// 95 % intervals `[lo, hi]` of σ, κ and λ; null for a parameter held at a bound.
    pub intervals: UslIntervals,
    /// How the intervals were computed.
    pub interval_method: String,
}

/// 95 % intervals of the USL parameters.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UslIntervals {
    /// Of σ.
    pub sigma: Option<[f64; 2]>,
    /// Of κ.
    pub kappa: Option<[f64; 2]>,
    /// Of λ.
    pub lambda: Option<[f64; 2]>,
}

/// X(N) under the USL.
pub fn predict(lambda: f64, sigma: f64, kappa: f64, n: f64) -> f64 {
    lambda * n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))
}

impl UslFit {
    /// Predicted throughput at load `n`.
    pub fn at(&self, n: f64) -> f64 {
        predict(self.lambda, self.sigma, self.kappa, n)
    }
}

/// Fits the USL to `(load, throughput)` points. `Err` says why no fit was made
/// (too few load levels, unusable values, no convergence).
pub fn fit(points: &[(f64, f64)]) -> Result<UslFit, String> {
    let pts: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|(n, x)| n.is_finite() && x.is_finite() && *n > 0.0 && *x > 0.0)
        .collect();
    let mut levels: Vec<f64> = pts.iter().map(|p| p.0).collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs().max(1.0));
    if levels.len() < MIN_LEVELS {
        return Err(format!(
            "USL needs ≥ {MIN_LEVELS} load levels; this run has {}",
            levels.len()
        ));
    }
    let largest = levels.last().copied().unwrap_or(0.0);
    let seed = linearised_seed(&pts);

    let mut problem = UslProblem::new(&pts);
    let mut params = [seed.0, seed.1, seed.2];
    let status = problem
        .mpfit(&mut params)
        .map_err(|e| format!("the USL fit failed ({e})"))?;
    if status.success == MPSuccess::MaxIter || params.iter().any(|p| !p.is_finite()) {
        return Err("the USL fit did not converge".into());
    }
    let [lambda, sigma, kappa] = params;

    let mean = pts.iter().map(|p| p.1).sum::<f64>() / pts.len() as f64;
    let ss_tot: f64 = pts.iter().map(|p| (p.1 - mean).powi(2)).sum();
    let ss_res: f64 = pts
        .iter()
        .map(|p| (p.1 - predict(lambda, sigma, kappa, p.0)).powi(2))
        .sum();
    let r2 = if ss_tot > 0.0 {
        1.0 - ss_res / ss_tot
    } else {
        0.0
    };

    let dof = pts.len().saturating_sub(3).max(1);
    let scale = (status.best_norm / dof as f64).sqrt();
    let t = student_t_975(dof);
    let interval = |i: usize, lo_bound: f64, hi_bound: f64| -> Option<[f64; 2]> {
        let se = status.xerror.get(i).copied()? * scale;
        (se.is_finite() && se > 0.0).then(|| {
            [
                (params[i] - t * se).max(lo_bound),
                (params[i] + t * se).min(hi_bound),
            ]
        })
    };
    let intervals = UslIntervals {
        lambda: interval(0, 0.0, f64::INFINITY),
        sigma: interval(1, 0.0, 1.0),
        kappa: interval(2, 0.0, f64::INFINITY),
    };

    let peak_users = (kappa > 0.0).then(|| ((1.0 - sigma) / kappa).sqrt());
    let max_throughput_rps = match peak_users {
        Some(n) => Some(predict(lambda, sigma, kappa, n)),
        None if sigma > 0.0 => Some(lambda / sigma),
        None => None,
    };
    Ok(UslFit {
        sigma,
        kappa,
        lambda,
        r2,
        peak_users,
        max_throughput_rps,
        extrapolated: peak_users.is_some_and(|n| n > EXTRAPOLATION_FACTOR * largest),
        largest_measured_users: largest,
        points: pts.len(),
        intervals,
        interval_method: format!(
            "95% Wald intervals from the Jacobian's covariance at the optimum, scaled by the \
             residual variance, Student's t with {dof} degree(s) of freedom"
        ),
    })
}

/// Starting values `(λ, σ, κ)` from the quadratic linearisation.
fn linearised_seed(pts: &[(f64, f64)]) -> (f64, f64, f64) {
    let at_one = pts.iter().find(|p| (p.0 - 1.0).abs() < 1e-9).map(|p| p.1);
    // Without N = 1, the best per-user throughput is the closest measured stand-in.
    let lambda = at_one.unwrap_or_else(|| {
        pts.iter()
            .map(|p| p.1 / p.0)
            .fold(f64::NEG_INFINITY, f64::max)
    });
    // y = N·λ/X − 1 = κx² + (σ+κ)x, x = N − 1: least squares on the basis (x², x).
    let (mut s4, mut s3, mut s2, mut s2y, mut s1y) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(n, x) in pts {
        let (u, y) = (n - 1.0, n * lambda / x - 1.0);
        s4 += u.powi(4);
        s3 += u.powi(3);
        s2 += u * u;
        s2y += u * u * y;
        s1y += u * y;
    }
    let det = s4 * s2 - s3 * s3;
    let (a, b) = if det.abs() > f64::EPSILON * s4 * s2 {
        ((s2y * s2 - s3 * s1y) / det, (s4 * s1y - s3 * s2y) / det)
    } else {
        (0.0, 0.0)
    };
    let kappa = a.max(0.0);
    let sigma = (b - a).clamp(0.0, 1.0);
    (lambda.max(f64::MIN_POSITIVE), sigma, kappa)
}

/// The least-squares problem for `rmpfit`: parameters `[λ, σ, κ]`.
struct UslProblem<'a> {
    points: &'a [(f64, f64)],
    params: [MPPar; 3],
    config: MPConfig,
}

impl<'a> UslProblem<'a> {
    fn new(points: &'a [(f64, f64)]) -> Self {
        let lower = |limit: f64| MPPar {
            limited_low: true,
            limit_low: limit,
            // Central differences: the one-sided default is coarse near a bound.
            side: MPSide::Both,
            ..MPPar::new()
        };
        let mut sigma = lower(0.0);
        sigma.limited_up = true;
        sigma.limit_up = 1.0;
        UslProblem {
            points,
            params: [lower(f64::MIN_POSITIVE), sigma, lower(0.0)],
            config: MPConfig {
                max_iter: 500,
                ..MPConfig::new()
            },
        }
    }
}

impl MPFitter for UslProblem<'_> {
    fn eval(&mut self, p: &[f64], deviates: &mut [f64]) -> MPResult<()> {
        for (d, &(n, x)) in deviates.iter_mut().zip(self.points) {
            *d = (x - predict(p[0], p[1], p[2], n)) / x;
        }
        Ok(())
    }

    fn number_of_points(&self) -> usize {
        self.points.len()
    }

    fn config(&self) -> &MPConfig {
        &self.config
    }

    fn parameters(&self) -> &[MPPar] {
        &self.params
    }
}

/// The 97.5 % quantile of Student's t with `dof` degrees of freedom (two-sided 95 %).
fn student_t_975(dof: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match dof {
        0 => f64::INFINITY,
        d if d <= TABLE.len() => TABLE[d - 1],
        _ => super::Z_95,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_exact_parameters_from_noise_free_points() {
        let (l, s, k) = (100.0, 0.05, 0.0005);
        let pts: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 48.0, 64.0]
            .iter()
            .map(|&n| (n, predict(l, s, k, n)))
            .collect();
        let f = fit(&pts).unwrap();
        assert!((f.lambda - l).abs() < 1e-6 * l, "{f:?}");
        assert!((f.sigma - s).abs() < 1e-6, "{f:?}");
        assert!((f.kappa - k).abs() < 1e-8, "{f:?}");
        assert!(f.r2 > 0.999_999);
        // N* = √((1 − σ)/κ) = √1900.
        assert!((f.peak_users.unwrap() - 1900f64.sqrt()).abs() < 1e-3);
        assert!(!f.extrapolated);
    }

    #[test]
    fn seed_solves_the_linearised_quadratic() {
        // Exact USL with N = 1 measured: the linearisation is exact.
        let pts: Vec<(f64, f64)> = [1.0, 3.0, 10.0, 30.0]
            .iter()
            .map(|&n| (n, predict(50.0, 0.1, 0.001, n)))
            .collect();
        let (l, s, k) = linearised_seed(&pts);
        assert!((l - 50.0).abs() < 1e-9);
        assert!((s - 0.1).abs() < 1e-9, "{s}");
        assert!((k - 0.001).abs() < 1e-12, "{k}");
    }

    #[test]
    fn refuses_below_four_levels_and_says_how_many() {
        let err = fit(&[(1.0, 10.0), (2.0, 19.0), (4.0, 30.0)]).unwrap_err();
        assert_eq!(err, "USL needs ≥ 4 load levels; this run has 3");
        // Repeated levels are one level.
        let err = fit(&[(1.0, 10.0), (1.0, 10.5), (2.0, 19.0), (4.0, 30.0)]).unwrap_err();
        assert!(err.ends_with("this run has 3"), "{err}");
    }

    #[test]
    fn linear_data_pegs_both_coefficients_at_zero() {
        let pts: Vec<(f64, f64)> = (1..=6).map(|n| (n as f64, 20.0 * n as f64)).collect();
        let f = fit(&pts).unwrap();
        assert!(f.sigma < 1e-9 && f.kappa < 1e-12, "{f:?}");
        assert_eq!(f.peak_users, None);
        assert!((f.lambda - 20.0).abs() < 1e-6);
    }

    #[test]
    fn a_peak_beyond_twice_the_largest_load_is_marked_extrapolated() {
        // N* = √(0.99/1e-5) ≈ 315, measured only up to 40.
        let pts: Vec<(f64, f64)> = [5.0, 10.0, 20.0, 40.0]
            .iter()
            .map(|&n| (n, predict(10.0, 0.01, 1e-5, n)))
            .collect();
        let f = fit(&pts).unwrap();
        assert!(f.extrapolated, "{f:?}");
    }
}
