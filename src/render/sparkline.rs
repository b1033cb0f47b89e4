//! Text charts for report.md and the terminal: horizontal bars in eighth blocks
//! (`█████▍`) and sparklines (`▁▃▅▇█`). They scale figures the analysis computed;
//! the only arithmetic is turning an interval's count into a rate and merging
//! neighbouring intervals so a sparkline fits its width. Templates reach them as the
//! `bars` and `rate_sparkline` filters, so no template computes a scale.

use minijinja::value::Value;

use crate::analysis::report::TimePoint;

/// Sparkline levels, lowest first.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Partial blocks of a bar, in eighths.
const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// Registers the `bars` and `rate_sparkline` template filters.
pub fn register(env: &mut minijinja::Environment<'_>) {
    env.add_filter("bars", bars_filter);
    env.add_filter("rate_sparkline", rate_sparkline_filter);
}

/// A bar of `width` cells for `value` on a scale where `max` fills the width;
/// empty for an unknown or non-positive value, `▏` for a tiny positive one.
pub fn bar(value: Option<f64>, max: f64, width: usize) -> String {
    let Some(v) = value.filter(|v| v.is_finite() && *v > 0.0) else {
        return String::new();
    };
    if !(max.is_finite() && max > 0.0) {
        return String::new();
    }
    let eighths = ((v / max).min(1.0) * width as f64 * 8.0).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    out.push_str(EIGHTHS[eighths % 8]);
    if out.is_empty() {
        out.push('▏');
    }
    out
}

/// One bar per value, all on the scale of the largest value.
pub fn bars(values: &[Option<f64>], width: usize) -> Vec<String> {
    let max = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    values.iter().map(|v| bar(*v, max, width)).collect()
}

/// A sparkline of `values` on a 0-to-maximum scale (so a steady series reads as
/// steady, not as noise magnified); `·` for a missing value.
pub fn sparkline(values: &[Option<f64>]) -> String {
    let max = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    values
        .iter()
        .map(|v| match v.filter(|v| v.is_finite() && *v >= 0.0) {
            None => '·',
            Some(_) if max <= 0.0 => LEVELS[0],
            Some(v) => LEVELS[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

/// Requests per second over a stage's intervals, merged into at most `width`
/// buckets (each bucket's requests ÷ its seconds), as a sparkline.
/// Slivers ([`SLIVER_S`]) are left out, as from the timeline, unless nothing else is
/// left.
pub fn rate_sparkline(series: &[TimePoint], width: usize) -> String {
    let counts: Vec<(u64, f64)> = series.iter().map(|p| (p.requests, p.width_s)).collect();
    sparkline(&bucket_rates(&without_slivers(counts), width))
}

/// The shortest interval whose rate a chart or sparkline shows, s: a stage's edge cut
/// a few ms into a second holds too little time for a rate (and an interval log whose
/// seconds are not the grid's, an older drive's, puts a whole interval into it).
pub const SLIVER_S: f64 = 0.5;

/// `intervals` (count, seconds) without the slivers, unless nothing else is left.
fn without_slivers(intervals: Vec<(u64, f64)>) -> Vec<(u64, f64)> {
    if intervals.iter().any(|(_, w)| *w >= SLIVER_S) {
        intervals
            .into_iter()
            .filter(|(_, w)| *w >= SLIVER_S)
            .collect()
    } else {
        intervals
    }
}

/// (count, seconds) intervals merged into at most `width` equal groups, as rates.
fn bucket_rates(intervals: &[(u64, f64)], width: usize) -> Vec<Option<f64>> {
    if intervals.is_empty() || width == 0 {
        return Vec::new();
    }
    let groups = intervals.len().min(width);
    (0..groups)
        .map(|g| {
            let from = g * intervals.len() / groups;
            let to = (g + 1) * intervals.len() / groups;
            let (count, secs) = intervals[from..to]
                .iter()
                .fold((0u64, 0.0), |(c, s), (n, w)| (c + n, s + w));
            (secs > 0.0).then(|| count as f64 / secs)
        })
        .collect()
}

fn number(v: &Value) -> Option<f64> {
    if v.is_none() || v.is_undefined() {
        None
    } else {
        f64::try_from(v.clone()).ok()
    }
}

/// `{{ values | bars(30) }}`: a list of bars on the scale of the list's maximum.
fn bars_filter(values: Value, width: Option<usize>) -> Result<Vec<String>, minijinja::Error> {
    let values: Vec<Option<f64>> = values.try_iter()?.map(|v| number(&v)).collect();
    Ok(bars(&values, width.unwrap_or(30)))
}

/// `{{ stage.timeseries | rate_sparkline(24) }}`: requests/s over the stage.
fn rate_sparkline_filter(series: Value, width: Option<usize>) -> Result<String, minijinja::Error> {
    let mut intervals = Vec::new();
    for p in series.try_iter()? {
        let requests = number(&p.get_attr("requests")?).unwrap_or(0.0).max(0.0);
        let width_s = number(&p.get_attr("width_s")?).unwrap_or(0.0);
        intervals.push((requests as u64, width_s));
    }
    Ok(sparkline(&bucket_rates(
        &without_slivers(intervals),
        width.unwrap_or(24),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        let b = bars(&[Some(100.0), Some(50.0), None, Some(0.0)], 10);
        assert_eq!(b[0], "██████████");
        assert_eq!(b[1], "█████");
        assert_eq!(b[2], "");
        assert_eq!(b[3], "");
        assert_eq!(bar(Some(1.0), 1000.0, 10), "▏");
        assert_eq!(bar(Some(8.0), 16.0, 1), "▌");
    }

    #[test]
    fn sparkline_levels_run_from_zero_to_the_maximum() {
        // 7 of 14 is level 3.5 of 0–7, rounded up to the fifth glyph.
        assert_eq!(sparkline(&[Some(0.0), Some(7.0), Some(14.0), None]), "▁▅█·");
        assert_eq!(sparkline(&[Some(0.0), Some(0.0)]), "▁▁");
    }

    #[test]
    fn buckets_are_rates_of_merged_intervals() {
        // Four 1-s intervals of 10, 30, 50, 70 requests into two buckets: 20/s, 60/s.
        let r = bucket_rates(&[(10, 1.0), (30, 1.0), (50, 1.0), (70, 1.0)], 2);
        assert_eq!(r, vec![Some(20.0), Some(60.0)]);
        assert_eq!(bucket_rates(&[(5, 1.0)], 10), vec![Some(5.0)]);
    }

    #[test]
    fn a_sliver_of_a_second_is_no_rate() {
        // A stage cut 13 ms before a second ends, holding (in an older drive's log) a
        // whole interval of 668 requests: 51,000/s it is not. The seconds after it
        // give the sparkline; a series of slivers alone is still drawn.
        let kept = without_slivers(vec![(668, 0.013), (698, 1.0), (714, 1.0)]);
        assert_eq!(kept, vec![(698, 1.0), (714, 1.0)]);
        assert_eq!(without_slivers(vec![(3, 0.2)]), vec![(3, 0.2)]);
    }
}
