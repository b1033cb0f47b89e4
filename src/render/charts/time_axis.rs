//! The time axis of the timelines (the run's and each endpoint's): seconds since the
//! run started, labelled in the unit that reads at the run's length — seconds up to
//! 20 minutes, minutes up to 10 hours, hours beyond (a 12-hour soak reads 0 … 12 h,
//! not 0 … 43,200 s) — with ticks at round steps of that unit. Points stay in seconds;
//! only the ticks, their labels and the axis description change.

use super::frame::{group_thousands, nice_step, Axis};

/// A span (s) up to which the axis reads in seconds.
const SECONDS_UP_TO_S: f64 = 20.0 * 60.0;
/// A span (s) up to which the axis reads in minutes; longer spans read in hours.
const MINUTES_UP_TO_S: f64 = 10.0 * 3600.0;

/// Round steps in minutes (clock divisions, not 2.5 or 25).
const MINUTE_STEPS: [f64; 9] = [1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0];
/// Round steps in hours.
const HOUR_STEPS: [f64; 9] = [1.0, 2.0, 3.0, 4.0, 6.0, 12.0, 24.0, 48.0, 168.0];

/// A timeline's x axis and how its ticks read.
#[derive(Clone, Debug)]
pub struct TimeAxis {
    /// The axis, in seconds since the run started.
    pub axis: Axis,
    /// Seconds per unit of the labels (1, 60 or 3,600).
    unit_s: f64,
    /// Tick step in that unit (decides the labels' decimals).
    step: f64,
}

impl TimeAxis {
    /// The axis over `lo..hi` (s since the run started).
    pub fn span(lo: f64, hi: f64) -> TimeAxis {
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
        let len = hi - lo;
        let (unit_s, steps): (f64, &[f64]) = if len <= SECONDS_UP_TO_S {
            (1.0, &[])
        } else if len <= MINUTES_UP_TO_S {
            (60.0, &MINUTE_STEPS)
        } else {
            (3600.0, &HOUR_STEPS)
        };
        let raw = len / unit_s / 6.0;
        if steps.is_empty() {
            // Seconds: the frame's round ticks, as every other linear axis has.
            return TimeAxis {
                axis: Axis::span(lo, hi),
                unit_s,
                step: nice_step(raw),
            };
        }
        let step = steps
            .iter()
            .copied()
            .find(|s| *s >= raw)
            .unwrap_or_else(|| nice_step(raw));
        let every = step * unit_s;
        let first = (lo / every).ceil() as i64;
        let last = (hi / every + 1e-9).floor() as i64;
        let ticks = (first..=last).map(|i| i as f64 * every).collect();
        TimeAxis {
            axis: Axis::with_ticks(lo, hi, ticks),
            unit_s,
            step,
        }
    }

    /// The axis description, with its unit.
    pub fn desc(&self) -> &'static str {
        if self.unit_s >= 3600.0 {
            "Time since the run started (h)"
        } else if self.unit_s >= 60.0 {
            "Time since the run started (min)"
        } else {
            "Time since the run started (s)"
        }
    }

    /// A tick label at `v` seconds, in the axis' unit with as many decimals as its
    /// step needs.
    pub fn label(&self, v: f64) -> String {
        let decimals = (0..6)
            .find(|d| {
                let scaled = self.step * 10f64.powi(*d);
                (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
            })
            .unwrap_or(6) as usize;
        group_thousands(&format!("{:.decimals$}", v / self.unit_s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_run_reads_in_seconds_a_long_one_in_minutes_or_hours() {
        let short = TimeAxis::span(0.0, 300.0);
        assert_eq!(short.desc(), "Time since the run started (s)");
        assert_eq!(short.label(120.0), "120");
        let hour = TimeAxis::span(0.0, 3600.0);
        assert_eq!(hour.desc(), "Time since the run started (min)");
        assert_eq!(hour.label(600.0), "10");
        let soak = TimeAxis::span(0.0, 12.0 * 3600.0);
        assert_eq!(soak.desc(), "Time since the run started (h)");
        assert_eq!(soak.label(7200.0), "2");
    }
}
