//! The distribution functions the tests rest on, written from their standard
//! formulas: the normal tail (the Chebyshev-fitted `erfc` of Press et al.,
//! relative error < 1.2·10⁻⁷), Student's t tail through the regularised incomplete
//! beta function (Lentz's continued fraction, Lanczos log-gamma), the t quantile by
//! bisection, and a binomial sampler (inversion for small means, the normal
//! approximation beyond).

use rand::Rng;

/// Complementary error function, relative error < 1.2·10⁻⁷.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// Two-sided p-value of a standard normal statistic.
pub(super) fn normal_p(z: f64) -> f64 {
    if z.is_nan() {
        return 1.0;
    }
    erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)·Γ(1 − x) = π ÷ sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction of the incomplete beta function (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..500 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-14 {
            break;
        }
    }
    h
}

/// Regularised incomplete beta function I_x(a, b).
fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Two-sided p-value of Student's t statistic with `df` degrees of freedom
/// (P(|T| ≥ |t|) = I_{df ÷ (df + t²)}(df ÷ 2, ½)).
pub(super) fn t_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return 1.0;
    }
    if t.is_infinite() {
        return 0.0;
    }
    inc_beta(df / 2.0, 0.5, df / (df + t * t)).clamp(0.0, 1.0)
}

/// The 97.5 % quantile of Student's t with `df` (> 0, may be fractional) degrees
/// of freedom, by bisection on [`t_p`].
pub(super) fn t_975(df: f64) -> f64 {
    if df.is_nan() || df <= 0.0 {
        return f64::INFINITY;
    }
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    while t_p(hi, df) > 0.05 {
        hi *= 2.0;
        if hi > 1e12 {
            return f64::INFINITY;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_p(mid, df) > 0.05 {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// A standard normal draw (Box–Muller).
pub(super) fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Means below this draw exactly by inversion; above it the normal approximation
/// (its error in the tails is far below the bootstrap's own resolution there).
const INVERSION_MAX_MEAN: f64 = 30.0;

/// Binomial(n, p), set up once and drawn many times.
#[derive(Clone, Copy, Debug)]
pub(super) struct Binomial {
    n: u64,
    /// Drawn for min(p, 1 − p); `flip` turns the count back.
    q: f64,
    flip: bool,
    /// Inversion: P(0) and p ÷ (1 − p).
    p0: f64,
    ratio: f64,
}

impl Binomial {
    pub(super) fn new(n: u64, p: f64) -> Self {
        let p = p.clamp(0.0, 1.0);
        let (q, flip) = if p > 0.5 { (1.0 - p, true) } else { (p, false) };
        let p0 = (n as f64 * (-q).ln_1p()).exp();
        Binomial {
            n,
            q,
            flip,
            p0,
            ratio: q / (1.0 - q),
        }
    }

    pub(super) fn sample(&self, rng: &mut impl Rng) -> u64 {
        let k = if self.q <= 0.0 || self.n == 0 {
            0
        } else if self.n as f64 * self.q < INVERSION_MAX_MEAN {
            self.invert(rng)
        } else {
            let mean = self.n as f64 * self.q;
            let sd = (mean * (1.0 - self.q)).sqrt();
            (mean + sd * standard_normal(rng))
                .round()
                .clamp(0.0, self.n as f64) as u64
        };
        if self.flip {
            self.n - k
        } else {
            k
        }
    }

    fn invert(&self, rng: &mut impl Rng) -> u64 {
        let u: f64 = rng.random();
        let (mut k, mut pk, mut cdf) = (0u64, self.p0, self.p0);
        while u > cdf && k < self.n {
            pk *= (self.n - k) as f64 / (k + 1) as f64 * self.ratio;
            k += 1;
            cdf += pk;
            if pk == 0.0 {
                break;
            }
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::SeedableRng;

    #[test]
    fn normal_tails_match_tables() {
        assert!((normal_p(1.959_963_985) - 0.05).abs() < 1e-7);
        assert!((normal_p(-2.575_829_304) - 0.01).abs() < 1e-7);
        assert!((normal_p(3.290_526_731) - 0.001).abs() < 1e-8);
        assert_eq!(normal_p(0.0), 1.0);
    }

    #[test]
    fn t_tails_and_quantiles_match_tables() {
        // Two-sided 5 % critical values of Student's t.
        for (df, crit) in [
            (1.0, 12.706_2),
            (4.0, 2.776_4),
            (10.0, 2.228_1),
            (30.0, 2.042_3),
        ] {
            assert!(
                (t_p(crit, df) - 0.05).abs() < 1e-4,
                "df {df}: {}",
                t_p(crit, df)
            );
            assert!((t_975(df) - crit).abs() < 1e-3, "df {df}: {}", t_975(df));
        }
        // df = 1 is Cauchy: P(|T| ≥ 1) = ½.
        assert!((t_p(1.0, 1.0) - 0.5).abs() < 1e-10);
        assert!((t_975(1e6) - 1.959_96).abs() < 1e-4);
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }

    #[test]
    fn binomial_draws_have_binomial_moments() {
        let mut rng = SmallRng::seed_from_u64(7);
        for (n, p) in [(600u64, 0.001), (600, 0.02), (5000, 0.3), (50, 0.9)] {
            let b = Binomial::new(n, p);
            let draws: Vec<f64> = (0..20_000).map(|_| b.sample(&mut rng) as f64).collect();
            let mean = draws.iter().sum::<f64>() / draws.len() as f64;
            let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / draws.len() as f64;
            let (m, v) = (n as f64 * p, n as f64 * p * (1.0 - p));
            assert!(
                (mean - m).abs() < 4.0 * (v / 20_000.0).sqrt() + 1e-9,
                "{n} {p}: {mean}"
            );
            assert!((var / v - 1.0).abs() < 0.1, "{n} {p}: {var} vs {v}");
            assert!(draws.iter().all(|&d| d <= n as f64));
        }
    }
}
