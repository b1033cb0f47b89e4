//! Slow latency drift within a constant stage: the rise a soak test is run to find (a
//! leak that adds 1 % an hour), too small for the first-third-against-last-third rule
//! of the bottleneck hints (1.5×) yet steady over hours. A trend test on the stage's
//! per-interval p95 decides: Mann–Kendall's S (how many later intervals are slower
//! than earlier ones, less those faster) standardised to z, and the Theil–Sen line
//! (the median of the pairwise slopes) for how much it rose. Noise at a flat level
//! gives |z| near 1; a drift of 1 %/h over 12 h gives z above 10.

use super::quantity::format_ms;
use super::report::StageReport;

/// Fewest intervals with a p95 a trend is read from.
const MIN_POINTS: usize = 30;
/// Mann–Kendall z a rise must reach: far beyond noise (z 4 is p < 0.0001).
const MIN_Z: f64 = 4.0;
/// Smallest rise over the stage, by the trend line, worth a hint.
const MIN_RISE: f64 = 0.10;

/// A steady rise of a stage's per-interval p95.
#[derive(Clone, Debug, PartialEq)]
pub struct SlowDrift {
    /// The trend line's p95 at the stage's first interval, ms.
    pub from_ms: f64,
    /// The trend line's p95 at its last interval, ms.
    pub to_ms: f64,
    /// Seconds between them.
    pub span_s: f64,
    /// Mann–Kendall z.
    pub z: f64,
}

impl SlowDrift {
    /// The measured numbers, for a hint's symptom.
    pub fn symptom(&self) -> String {
        let rise = self.to_ms / self.from_ms - 1.0;
        let hours = self.span_s / 3600.0;
        let rate = if hours >= 2.0 {
            format!(" (≈ {:.1} % an hour)", rise * 100.0 / hours)
        } else {
            String::new()
        };
        format!(
            "at constant load the per-interval p95 rises steadily, by {:.0} % over the stage's \
             {}{rate}: from {} to {} along its trend line (Mann–Kendall z = {:.0}; noise gives \
             about 1)",
            rise * 100.0,
            span_text(self.span_s),
            format_ms(self.from_ms),
            format_ms(self.to_ms),
            self.z
        )
    }
}

/// The stage's steady rise, when its p95 trend is far beyond noise and adds 10 % or more.
pub fn slow_drift(s: &StageReport) -> Option<SlowDrift> {
    let points: Vec<(f64, f64)> = (s.timeseries.iter())
        .filter(|p| p.requests > 0)
        .filter_map(|p| p.p95.map(|v| (p.t, v)))
        .collect();
    let n = points.len();
    if n < MIN_POINTS {
        return None;
    }
    let mut slopes = Vec::with_capacity(n * (n - 1) / 2);
    for (i, a) in points.iter().enumerate() {
        for b in &points[i + 1..] {
            if b.0 > a.0 {
                slopes.push((b.1 - a.1) / (b.0 - a.0));
            }
        }
    }
    let values: Vec<f64> = points.iter().map(|p| p.1).collect();
    let z = mann_kendall_z(&values);
    let slope = median(&mut slopes)?;
    let mut offsets: Vec<f64> = points.iter().map(|(t, v)| v - slope * t).collect();
    let intercept = median(&mut offsets)?;
    let (t0, t1) = (points[0].0, points[n - 1].0);
    let (from_ms, to_ms) = (intercept + slope * t0, intercept + slope * t1);
    (z >= MIN_Z && from_ms > 0.0 && to_ms >= from_ms * (1.0 + MIN_RISE)).then_some(SlowDrift {
        from_ms,
        to_ms,
        span_s: t1 - t0,
        z,
    })
}

/// Mann–Kendall's z for values in time order: positive for a rise, near 0 (|z| < 2)
/// for noise at one level; a burst that comes and goes scores little (the values after
/// it are lower again), a steady rise a lot.
pub fn mann_kendall_z(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 3 {
        return 0.0;
    }
    let mut score: i64 = 0;
    for (i, a) in values.iter().enumerate() {
        for b in &values[i + 1..] {
            score += (b - a).partial_cmp(&0.0).map_or(0, |o| o as i64);
        }
    }
    let nf = n as f64;
    let variance = nf * (nf - 1.0) * (2.0 * nf + 5.0) / 18.0;
    (score - score.signum()) as f64 / variance.sqrt()
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    Some(*m)
}

/// `12 h`, `45 min`, `50 s`.
fn span_text(s: f64) -> String {
    if s >= 7200.0 {
        format!("{:.0} h", s / 3600.0)
    } else if s >= 120.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        format!("{s:.0} s")
    }
}
