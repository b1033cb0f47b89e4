//! Per-interval time series with bounded memory.
//!
//! Intervals start at 1 s. Whenever a series would exceed [`MAX_INTERVALS`] the
//! interval width doubles and neighbours merge, so a series never holds more than
//! that many intervals, whatever the run length: the width ends as the smallest
//! power-of-two number of seconds ≥ span ÷ 1000 (DESIGN: max(1 s, span ÷ 1000)).

use std::sync::OnceLock;

use hdrhistogram::Histogram;

/// Most intervals a series keeps before it coarsens.
pub const MAX_INTERVALS: usize = 1000;

/// Significant digits of the per-interval histograms.
const INTERVAL_SIGFIG: u8 = 2;

/// Latencies of one interval in µs at 2 significant digits, stored sparsely: a series
/// holds endpoints × up to 1,000 intervals of these (twice: stage and overall), and a
/// dense HdrHistogram costs kilobytes even for an interval with three requests. The
/// buckets are HdrHistogram's own (2 digits, lowest value 1 µs), so
/// [`IntervalHistogram::to_histogram`] gives exactly the dense histogram that recording
/// the same values would. Entries are 8 bytes (bucket value and count as `u32`): values
/// above `u32::MAX` µs (71 minutes) count in the top bucket — a per-second timeline
/// needs no finer view of requests that slow, and the stage's exact histogram keeps them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntervalHistogram {
    /// `(lowest value of the bucket in µs, count)`, sorted by value.
    buckets: Vec<(u32, u32)>,
}

impl IntervalHistogram {
    /// Records `n` values of `us` microseconds.
    pub fn record_n(&mut self, us: u64, n: u32) {
        let key = bucket_of(us);
        match self.buckets.binary_search_by_key(&key, |b| b.0) {
            Ok(i) => self.buckets[i].1 = self.buckets[i].1.saturating_add(n),
            Err(i) => self.buckets.insert(i, (key, n)),
        }
    }

    /// Adds another interval's values (a merge of two sorted bucket lists).
    pub fn add(&mut self, other: &IntervalHistogram) {
        let (mine, theirs) = (&self.buckets, &other.buckets);
        let mut merged = Vec::with_capacity(mine.len() + theirs.len());
        let (mut i, mut j) = (0, 0);
        while i < mine.len() && j < theirs.len() {
            let (x, y) = (mine[i], theirs[j]);
            if x.0 == y.0 {
                merged.push((x.0, x.1.saturating_add(y.1)));
                i += 1;
                j += 1;
            } else if x.0 < y.0 {
                merged.push(x);
                i += 1;
            } else {
                merged.push(y);
                j += 1;
            }
        }
        merged.extend_from_slice(&mine[i..]);
        merged.extend_from_slice(&theirs[j..]);
        self.buckets = merged;
    }

    /// Number of values.
    pub fn len(&self) -> u64 {
        self.buckets.iter().map(|b| u64::from(b.1)).sum()
    }

    /// True when no value was recorded.
    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// Adds these values into a dense histogram of the same precision.
    pub fn add_into(&self, dense: &mut Histogram<u32>) {
        for &(value, count) in &self.buckets {
            let value = u64::from(value);
            if dense.record_n(value, count).is_err() {
                let _ = dense.record_n(dense.high(), count);
            }
        }
    }

    /// The dense HdrHistogram (2 significant digits, µs) of these values.
    pub fn to_histogram(&self) -> Histogram<u32> {
        let mut h = new_interval_histogram();
        self.add_into(&mut h);
        h
    }
}

/// The lowest value of the 2-significant-digit bucket holding `us` (clamped to `u32`).
fn bucket_of(us: u64) -> u32 {
    static LAYOUT: OnceLock<Histogram<u32>> = OnceLock::new();
    let layout = LAYOUT.get_or_init(new_interval_histogram);
    let clamped = us.clamp(1, u64::from(u32::MAX));
    u32::try_from(layout.lowest_equivalent(clamped)).unwrap_or(u32::MAX)
}

/// One interval of a series.
#[derive(Clone, Debug, Default)]
pub struct Interval {
    /// Requests that started in the interval.
    pub requests: u64,
    /// Failed requests among them.
    pub failures: u64,
    /// Sum of latencies, ms (for the mean).
    pub latency_sum_ms: f64,
    /// Largest latency, ms.
    pub max_ms: Option<f64>,
    /// Latencies at 2 significant digits, µs (`None` when the source has no per-request
    /// or histogram data for the interval).
    pub histogram: Option<IntervalHistogram>,
    /// Median the source itself reported for this interval (summary sources), ms.
    pub reported_p50_ms: Option<f64>,
    /// 95th percentile the source itself reported for this interval, ms.
    pub reported_p95_ms: Option<f64>,
    /// Concurrent users (or threads) seen in the interval: the largest sample.
    pub users: Option<f64>,
}

/// A time series of [`Interval`]s aligned on `start_ms`.
#[derive(Clone, Debug)]
pub struct TimeSeries {
    /// Epoch ms of the first interval's start (aligned to whole seconds).
    pub start_ms: i64,
    /// Interval width, ms.
    pub width_ms: i64,
    /// The intervals, oldest first; gaps are empty intervals.
    pub intervals: Vec<Interval>,
}

impl Default for TimeSeries {
    fn default() -> Self {
        TimeSeries {
            start_ms: i64::MIN,
            width_ms: 1000,
            intervals: Vec::new(),
        }
    }
}

impl TimeSeries {
    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// The interval holding time `t_ms`, created (and the series coarsened) as needed.
    pub fn at(&mut self, t_ms: i64) -> &mut Interval {
        if self.intervals.is_empty() {
            self.start_ms = t_ms.div_euclid(1000) * 1000;
        }
        while t_ms < self.start_ms {
            // Rows out of time order (JMeter, Gatling): grow the series to the left.
            let missing = ((self.start_ms - t_ms + self.width_ms - 1) / self.width_ms) as usize;
            let mut front = vec![Interval::default(); missing];
            front.append(&mut self.intervals);
            self.intervals = front;
            self.start_ms -= missing as i64 * self.width_ms;
            self.coarsen_while_too_long();
        }
        let mut idx = ((t_ms - self.start_ms) / self.width_ms) as usize;
        while idx >= MAX_INTERVALS {
            self.coarsen();
            idx = ((t_ms - self.start_ms) / self.width_ms) as usize;
        }
        if idx >= self.intervals.len() {
            self.intervals.resize_with(idx + 1, Interval::default);
        }
        &mut self.intervals[idx]
    }

    /// Records one request.
    pub fn record(&mut self, t_ms: i64, latency_ms: Option<f64>, failed: bool) {
        let iv = self.at(t_ms);
        iv.requests += 1;
        if failed {
            iv.failures += 1;
        }
        if let Some(ms) = latency_ms {
            iv.latency_sum_ms += ms;
            iv.max_ms = Some(iv.max_ms.map_or(ms, |m| m.max(ms)));
            let us = super::latency::ms_to_us(ms);
            iv.histogram
                .get_or_insert_with(Default::default)
                .record_n(us, 1);
        }
    }

    /// Records a histogram of latencies (µs) of requests that started at `t_ms`.
    pub fn record_histogram(&mut self, t_ms: i64, histogram: &Histogram<u64>) {
        if histogram.is_empty() {
            return;
        }
        let iv = self.at(t_ms);
        iv.requests += histogram.len();
        iv.latency_sum_ms += histogram.mean() * histogram.len() as f64 / 1000.0;
        let max_ms = histogram.highest_equivalent(histogram.max()) as f64 / 1000.0;
        iv.max_ms = Some(iv.max_ms.map_or(max_ms, |m| m.max(max_ms)));
        let h = iv.histogram.get_or_insert_with(Default::default);
        for v in histogram.iter_recorded() {
            let count = u32::try_from(v.count_at_value()).unwrap_or(u32::MAX);
            h.record_n(v.value_iterated_to(), count);
        }
    }

    /// Records a users sample (the interval keeps the largest).
    pub fn record_users(&mut self, t_ms: i64, users: f64) {
        let iv = self.at(t_ms);
        iv.users = Some(iv.users.map_or(users, |u| u.max(users)));
    }

    /// Start time (epoch ms) of interval `i`.
    pub fn interval_start_ms(&self, i: usize) -> i64 {
        self.start_ms + i as i64 * self.width_ms
    }

    /// Adds another series into this one (intervals aligned by time).
    pub fn merge(&mut self, other: &TimeSeries) {
        for (i, iv) in other.intervals.iter().enumerate() {
            let t = other.interval_start_ms(i);
            let mine = self.at(t);
            mine.requests += iv.requests;
            mine.failures += iv.failures;
            mine.latency_sum_ms += iv.latency_sum_ms;
            mine.max_ms = max_opt(mine.max_ms, iv.max_ms);
            mine.users = max_opt(mine.users, iv.users);
            mine.reported_p50_ms = mine.reported_p50_ms.or(iv.reported_p50_ms);
            mine.reported_p95_ms = mine.reported_p95_ms.or(iv.reported_p95_ms);
            if let Some(h) = &iv.histogram {
                mine.histogram.get_or_insert_with(Default::default).add(h);
            }
        }
    }

    fn coarsen_while_too_long(&mut self) {
        while self.intervals.len() > MAX_INTERVALS {
            self.coarsen();
        }
    }

    /// Doubles the width, merging neighbours; keeps the start aligned to the new width.
    fn coarsen(&mut self) {
        let new_width = self.width_ms * 2;
        let aligned_start = self.start_ms.div_euclid(new_width) * new_width;
        let offset = ((self.start_ms - aligned_start) / self.width_ms) as usize;
        let old = std::mem::take(&mut self.intervals);
        let mut merged: Vec<Interval> = Vec::with_capacity(old.len() / 2 + 1);
        for (i, iv) in old.into_iter().enumerate() {
            let slot = (i + offset) / 2;
            if slot >= merged.len() {
                merged.resize_with(slot + 1, Interval::default);
            }
            absorb(&mut merged[slot], iv);
        }
        self.start_ms = aligned_start;
        self.width_ms = new_width;
        self.intervals = merged;
    }
}

fn absorb(into: &mut Interval, iv: Interval) {
    into.requests += iv.requests;
    into.failures += iv.failures;
    into.latency_sum_ms += iv.latency_sum_ms;
    into.max_ms = max_opt(into.max_ms, iv.max_ms);
    into.users = max_opt(into.users, iv.users);
    into.reported_p50_ms = max_opt(into.reported_p50_ms, iv.reported_p50_ms);
    into.reported_p95_ms = max_opt(into.reported_p95_ms, iv.reported_p95_ms);
    match (&mut into.histogram, iv.histogram) {
        (Some(a), Some(b)) => a.add(&b),
        (slot @ None, Some(b)) => *slot = Some(b),
        _ => {}
    }
}

/// Starts small and grows with the largest value recorded (auto-resize): a series holds
/// thousands of these, and most intervals never see a latency near a minute.
pub fn new_interval_histogram() -> Histogram<u32> {
    let mut h = Histogram::new_with_bounds(1, 2, INTERVAL_SIGFIG)
        .expect("static histogram bounds are valid");
    h.auto(true);
    h
}

fn max_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_keeps_counts() {
        let mut ts = TimeSeries::default();
        // 3 000 s of one request per second: the width must grow to 4 s.
        for s in 0..3000i64 {
            ts.record(1_000_000 + s * 1000, Some(1.0), s % 10 == 0);
        }
        assert!(ts.intervals.len() <= MAX_INTERVALS);
        assert_eq!(ts.width_ms, 4000);
        assert_eq!(ts.intervals.iter().map(|i| i.requests).sum::<u64>(), 3000);
        assert_eq!(ts.intervals.iter().map(|i| i.failures).sum::<u64>(), 300);
    }

    #[test]
    fn out_of_order_rows_grow_to_the_left() {
        let mut ts = TimeSeries::default();
        ts.record(10_500, Some(2.0), false);
        ts.record(7_200, Some(1.0), false);
        assert_eq!(ts.start_ms, 7_000);
        assert_eq!(ts.intervals.len(), 4);
        assert_eq!(ts.intervals[0].requests, 1);
        assert_eq!(ts.intervals[3].requests, 1);
    }

    #[test]
    fn sparse_interval_histogram_matches_the_dense_one() {
        let values = [
            1u64, 7, 99, 100, 101, 1_234, 1_250, 98_765, 3_000_000, 1_234,
        ];
        let mut dense = new_interval_histogram();
        let (mut a, mut b) = (IntervalHistogram::default(), IntervalHistogram::default());
        for (i, v) in values.iter().enumerate() {
            dense.record(*v).unwrap();
            if i % 2 == 0 {
                a.record_n(*v, 1)
            } else {
                b.record_n(*v, 1)
            }
        }
        a.add(&b);
        assert_eq!(a.len(), values.len() as u64);
        let rebuilt = a.to_histogram();
        for q in [0.1, 0.5, 0.9, 0.95, 1.0] {
            assert_eq!(
                rebuilt.value_at_quantile(q),
                dense.value_at_quantile(q),
                "q = {q}"
            );
        }
        assert_eq!(rebuilt.max(), dense.max());
    }
}
