//! The steady-window rule for interval data: which stage an interval of an interval
//! log (one histogram covering `[start, end)`) belongs to. `analyze` assigns every
//! `.hlog` interval with it, and the driver's end-of-run table applies it to the
//! intervals the driver writes, so both count the same requests in each stage.

/// How far an interval may overhang a window and still lie in it, ms: writers round
/// interval times (to the ms, or to the second).
pub const INTERVAL_SLACK_MS: i64 = 10;

/// The index of the first window `[a, b)` that holds the interval `[start_ms, end_ms)`:
/// the window holds the interval's midpoint, and both its ends within
/// [`INTERVAL_SLACK_MS`]. An interval that straddles a boundary belongs to no window
/// (its requests may come from either side: a ramp's first burst must not count
/// against the stage before it); the midpoint decides between two adjacent windows
/// that both hold a short interval within the slack. `None` windows hold nothing.
pub fn interval_window<I>(windows: I, start_ms: i64, end_ms: i64) -> Option<usize>
where
    I: IntoIterator<Item = Option<(i64, i64)>>,
{
    let mid = ((i128::from(start_ms) + i128::from(end_ms)).div_euclid(2)) as i64;
    windows.into_iter().position(|w| {
        w.is_some_and(|(a, b)| {
            a <= mid
                && mid < b
                && start_ms >= a.saturating_sub(INTERVAL_SLACK_MS)
                && end_ms <= b.saturating_add(INTERVAL_SLACK_MS)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: [Option<(i64, i64)>; 3] = [Some((1_000, 3_000)), None, Some((3_000, 5_000))];

    #[test]
    fn an_interval_inside_a_window_belongs_to_it() {
        assert_eq!(interval_window(W, 1_000, 2_000), Some(0));
        assert_eq!(interval_window(W, 2_000, 3_000), Some(0));
        assert_eq!(interval_window(W, 3_000, 4_000), Some(2));
        // Rounded times within the slack.
        assert_eq!(interval_window(W, 995, 2_000), Some(0));
        assert_eq!(interval_window(W, 4_000, 5_008), Some(2));
    }

    #[test]
    fn a_straddling_interval_belongs_to_none() {
        assert_eq!(interval_window(W, 2_500, 3_500), None);
        assert_eq!(interval_window(W, 500, 1_500), None);
        assert_eq!(interval_window(W, 5_000, 6_000), None);
    }

    #[test]
    fn the_midpoint_decides_a_short_interval_at_a_boundary() {
        // Within the slack of both windows: it lies after the boundary.
        assert_eq!(interval_window(W, 3_000, 3_004), Some(2));
        assert_eq!(interval_window(W, 2_996, 3_000), Some(0));
        assert_eq!(interval_window(W, 3_000, 3_000), Some(2));
    }
}
