//! The Wilson score interval of a proportion (Wilson 1927), written once for every
//! layer that proves a rate with it: the SLA's error-rate rules (`analysis::sla::stats`
//! documents the method) and the ingest's checks that a tool's side files hold the
//! same run as its results.

/// z for a two-sided 95 % interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `k` events in `n` trials at `z` (use [`Z_95`]), as
/// fractions `[low, high]`; `None` without trials.
pub fn wilson_interval(k: u64, n: u64, z: f64) -> Option<[f64; 2]> {
    if n == 0 || k > n {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At k = 0 (k = n) the low (high) end is exactly 0 (1); say so rather than
    // report rounding noise.
    let low = if k == 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if k == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some([low, high])
}
