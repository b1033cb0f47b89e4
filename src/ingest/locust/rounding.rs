//! Locust's rounding of response times to its histogram buckets (to the ms under
//! 100 ms, to 10 ms under a second, to 100 ms under 10 s, to a second above), and what
//! it means for the percentiles Locust writes: they are bucket values, so one can lie
//! past the fastest or slowest time Locust kept unrounded (a slowest 1.78 ms in the
//! bucket 2 gives every percentile of a fast endpoint 2 ms, above its maximum).

/// True when Locust rounds the response time `ms` to the bucket `bucket`.
pub(super) fn rounds_to(ms: f64, bucket: f64) -> bool {
    let step = match ms {
        m if m < 100.0 => 1.0,
        m if m < 1000.0 => 10.0,
        m if m < 10_000.0 => 100.0,
        _ => 1000.0,
    };
    (ms - bucket).abs() <= step / 2.0 + 1e-9
}

/// Takes a percentile (`(level, ms)`) that is the bucket of the unrounded fastest
/// (`min`) or slowest (`max`) time and lies past it as that time: the requests in that
/// bucket lie between the extremes, so the percentile does too (Locust clamps its
/// own median the same way). A value past an extreme that is not its bucket is left
/// as written, for the consistency audit to question.
pub(super) fn within_extremes(points: &mut [(f64, f64)], min: Option<f64>, max: Option<f64>) {
    for point in points.iter_mut() {
        if let Some(max) = max.filter(|m| point.1 > *m && rounds_to(*m, point.1)) {
            point.1 = max;
        }
        if let Some(min) = min.filter(|m| point.1 < *m && rounds_to(*m, point.1)) {
            point.1 = min;
        }
    }
}
