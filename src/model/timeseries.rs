//! Per-interval time series with bounded memory.
//!
//! Intervals start at 1 s. Whenever a series would exceed [`MAX_INTERVALS`] the
//! interval width doubles and neighbours merge, so a series never holds more than
//! that many intervals, whatever the run length: the width ends as the smallest
//! power-of-two number of seconds ≥ max(1 s, span ÷ 1000).

use hdrhistogram::Histogram;

use super::FailureKind;

/// Most intervals a series keeps before it coarsens.
pub const MAX_INTERVALS: usize = 1000;

/// The last instant a result can carry, epoch ms (9999-12-31T23:59:59.999Z): RFC 3339
/// has four-digit years. Times before 1970 or after this are not measurements.
pub const LATEST_MS: i64 = 253_402_300_799_999;

/// True when `t_ms` can be a measurement's time (1970 to 9999).
pub fn plausible_time(t_ms: i64) -> bool {
    (0..=LATEST_MS).contains(&t_ms)
}

/// Significant digits of the per-interval histograms.
const INTERVAL_SIGFIG: u8 = 2;

/// Latencies of one interval in µs at 2 significant digits, in one of two forms with
/// the same buckets (HdrHistogram's own: 2 digits, lowest value 1 µs), so
/// [`IntervalHistogram::to_histogram`] gives exactly the dense histogram that
/// recording the same values would:
///
/// - **sparse**: `(bucket, count)` pairs, 8 bytes a bucket seen. A latency
///   distribution fills a few hundred of the buckets its range spans, so this is the
///   small form, and the one every histogram starts in.
/// - **dense**: an HdrHistogram, 4 bytes for every bucket up to the largest latency.
///   A sparse histogram turns dense once its pairs would take more room than that
///   (`dense_len`), so an interval never holds more than the dense form needs,
///   whatever the number of requests: the memory a run needs does not grow with its
///   rows (a 1 GB log needs what a 100 MB one does).
///
/// Values above `u32::MAX` µs (71 minutes) count in the top bucket: a timeline needs
/// no finer view of requests that slow, and the stage's exact histogram keeps them.
#[derive(Clone, Debug, PartialEq)]
pub struct IntervalHistogram {
    repr: Repr,
}

#[derive(Clone, Debug, PartialEq)]
enum Repr {
    /// `(lowest value of the bucket in µs, count)`, sorted by value.
    Sparse(Vec<(u32, u32)>),
    Dense(Box<Histogram<u32>>),
}

impl Default for IntervalHistogram {
    fn default() -> Self {
        IntervalHistogram {
            repr: Repr::Sparse(Vec::new()),
        }
    }
}

impl IntervalHistogram {
    /// An empty histogram in the dense form.
    #[cfg(test)]
    fn dense() -> IntervalHistogram {
        IntervalHistogram {
            repr: Repr::Dense(Box::new(new_interval_histogram())),
        }
    }

    /// Records `n` values of `us` microseconds.
    pub fn record_n(&mut self, us: u64, n: u32) {
        match &mut self.repr {
            Repr::Sparse(buckets) => {
                let key = bucket_of(us);
                match buckets.binary_search_by_key(&key, |b| b.0) {
                    Ok(i) => buckets[i].1 = buckets[i].1.saturating_add(n),
                    Err(i) => {
                        // Grow by a quarter, not double: these are most of a run's memory.
                        if buckets.len() == buckets.capacity() {
                            buckets.reserve_exact((buckets.len() / 4).max(4));
                        }
                        buckets.insert(i, (key, n));
                        self.settle();
                    }
                }
            }
            Repr::Dense(h) => record_clamped(h, us, n),
        }
    }

    /// Adds another interval's values. The result is dense when either side is.
    pub fn add(&mut self, other: &IntervalHistogram) {
        match (&mut self.repr, &other.repr) {
            (Repr::Sparse(mine), Repr::Sparse(theirs)) => {
                *mine = merge_sorted(mine, theirs);
                self.settle();
            }
            (Repr::Dense(h), _) => other.add_into(h),
            (Repr::Sparse(_), Repr::Dense(theirs)) => {
                let mut h = theirs.clone();
                self.add_into(&mut h);
                self.repr = Repr::Dense(h);
            }
        }
    }

    /// Turns a sparse histogram dense when its pairs (8 bytes each) would take more
    /// room than the dense counts up to its largest bucket (4 bytes each).
    fn settle(&mut self) {
        if let Repr::Sparse(buckets) = &self.repr {
            let largest = buckets.last().map_or(1, |b| b.0);
            if buckets.len() * 2 > dense_len(largest) {
                let mut h = Box::new(new_interval_histogram());
                self.add_into(&mut h);
                self.repr = Repr::Dense(h);
            }
        }
    }

    /// Number of values.
    pub fn len(&self) -> u64 {
        match &self.repr {
            Repr::Sparse(buckets) => buckets.iter().map(|b| u64::from(b.1)).sum(),
            Repr::Dense(h) => h.len(),
        }
    }

    /// True when no value was recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds these values into a dense histogram of the same precision.
    pub fn add_into(&self, dense: &mut Histogram<u32>) {
        match &self.repr {
            Repr::Sparse(buckets) => {
                for &(value, count) in buckets {
                    record_clamped(dense, u64::from(value), count);
                }
            }
            Repr::Dense(h) => {
                for v in h.iter_recorded() {
                    record_clamped(dense, v.value_iterated_to(), v.count_at_value());
                }
            }
        }
    }

    /// The dense HdrHistogram (2 significant digits, µs) of these values.
    pub fn to_histogram(&self) -> Histogram<u32> {
        match &self.repr {
            Repr::Dense(h) => (**h).clone(),
            Repr::Sparse(_) => {
                let mut h = new_interval_histogram();
                self.add_into(&mut h);
                h
            }
        }
    }
}

/// A merge of two sorted bucket lists, adding the counts of shared buckets.
fn merge_sorted(mine: &[(u32, u32)], theirs: &[(u32, u32)]) -> Vec<(u32, u32)> {
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
    // Shared buckets leave room unused: a series holds thousands of these.
    merged.shrink_to_fit();
    merged
}

/// How many counts a dense interval histogram holds once `largest` µs is recorded:
/// HdrHistogram's layout at 2 significant digits (256 sub-buckets, the top 128 of
/// each power of two after the first bucket).
fn dense_len(largest: u32) -> usize {
    let magnitude = 31 - largest.max(1).leading_zeros() as usize; // floor(log2)
    128 * (magnitude.saturating_sub(7) + 2)
}

/// Records into an auto-resizing dense histogram, clamping as the sparse form does.
fn record_clamped(h: &mut Histogram<u32>, us: u64, n: u32) {
    let us = us.clamp(1, u64::from(u32::MAX));
    if h.record_n(us, n).is_err() {
        let _ = h.record_n(h.high(), n);
    }
}

/// The lowest value of the 2-significant-digit bucket holding `us` (clamped to `u32`):
/// HdrHistogram's layout at 2 digits keeps the top 8 bits of a value (256 sub-buckets),
/// so the bucket's lowest value is the value with its lower bits cleared. Computed
/// here rather than asked of a histogram: it runs for every request of a stage's and
/// an endpoint's series (`bucket_of_is_hdrhistograms_own` checks the two agree).
fn bucket_of(us: u64) -> u32 {
    let v = us.clamp(1, u64::from(u32::MAX)) as u32;
    let magnitude = 31 - (v | 255).leading_zeros(); // floor(log2), at least 7
    let shift = magnitude - 7;
    (v >> shift) << shift
}

/// Whether a series keeps a latency histogram per interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HistogramForm {
    /// One [`IntervalHistogram`] per interval: sparse, dense once that is smaller.
    #[default]
    Kept,
    /// None: counts, failures, sum and max only (per-endpoint series when no rule
    /// asks for per-endpoint windows).
    Off,
}

/// One interval of a series.
#[derive(Clone, Debug, Default)]
pub struct Interval {
    /// Requests that started in the interval.
    pub requests: u64,
    /// Failed requests among them.
    pub failures: u64,
    /// Those failures by kind, where the source gives the kind per request: a sparse
    /// list, one entry per kind seen (empty, and unallocated, when none failed).
    pub failures_by_kind: Vec<(FailureKind, u64)>,
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
    /// The latency histograms the intervals keep.
    pub histograms: HistogramForm,
}

impl Default for TimeSeries {
    fn default() -> Self {
        TimeSeries {
            start_ms: i64::MIN,
            width_ms: 1000,
            intervals: Vec::new(),
            histograms: HistogramForm::default(),
        }
    }
}

impl TimeSeries {
    /// An empty series keeping latency histograms of the given form.
    pub fn with_histograms(histograms: HistogramForm) -> TimeSeries {
        TimeSeries {
            histograms,
            ..TimeSeries::default()
        }
    }

    /// An empty series at the width a series holding `first_ms` and `last_ms` ends
    /// with, so that recording anything between them never coarsens it. Readers of a
    /// file's parts use it: every part's series is then on one grid, as small as the
    /// part's share of the intervals, and merges interval by interval.
    pub fn on_grid(histograms: HistogramForm, first_ms: i64, last_ms: i64) -> TimeSeries {
        let (first, last) = (first_ms.clamp(0, LATEST_MS), last_ms.clamp(0, LATEST_MS));
        let mut width_ms = 1000;
        while last.div_euclid(width_ms) - first.div_euclid(width_ms) + 1 > MAX_INTERVALS as i64 {
            width_ms *= 2;
        }
        TimeSeries {
            width_ms,
            histograms,
            ..TimeSeries::default()
        }
    }

    /// The interval's histogram, created in this series' form; `None` when the series
    /// keeps none.
    fn histogram_of(form: HistogramForm, iv: &mut Interval) -> Option<&mut IntervalHistogram> {
        if form == HistogramForm::Off {
            return None;
        }
        Some(iv.histogram.get_or_insert_with(IntervalHistogram::default))
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// The interval holding time `t_ms`, created (and the series coarsened) as needed.
    pub fn at(&mut self, t_ms: i64) -> &mut Interval {
        // Ingest leaves implausible times out; the clamp keeps the arithmetic below
        // far from overflow whatever a caller passes.
        let t_ms = t_ms.clamp(0, LATEST_MS);
        if self.intervals.is_empty() {
            self.start_ms = t_ms.div_euclid(self.width_ms) * self.width_ms;
        }
        // Widen before growing: a time far from the rest (another source's run, a bad
        // clock) must cost a coarser series, not an allocation the size of the gap.
        while self.intervals_to_hold(t_ms) > MAX_INTERVALS as i64 {
            self.coarsen();
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

    /// Intervals of the current width the series would need to also hold `t_ms`.
    fn intervals_to_hold(&self, t_ms: i64) -> i64 {
        let first = t_ms.min(self.start_ms).div_euclid(self.width_ms);
        let end = self.start_ms + self.intervals.len() as i64 * self.width_ms;
        let last = t_ms.max(end - 1).div_euclid(self.width_ms);
        last - first + 1
    }

    /// Records one request.
    pub fn record(&mut self, t_ms: i64, latency_ms: Option<f64>, failed: bool) {
        let iv = self.record_at(t_ms, latency_ms);
        if failed {
            iv.failures += 1;
        }
    }

    /// Records one request, and its failure's kind when it failed.
    pub fn record_kind(&mut self, t_ms: i64, latency_ms: Option<f64>, failed: Option<FailureKind>) {
        let iv = self.record_at(t_ms, latency_ms);
        if let Some(kind) = failed {
            iv.failures += 1;
            add_kind(&mut iv.failures_by_kind, kind, 1);
        }
    }

    /// Records failures by kind (an interval log's counts) in the interval of `t_ms`.
    pub fn record_failures(&mut self, t_ms: i64, failures: &[(FailureKind, u64)]) {
        if failures.iter().all(|(_, n)| *n == 0) {
            return;
        }
        let iv = self.at(t_ms);
        for (kind, n) in failures.iter().filter(|(_, n)| *n > 0) {
            iv.failures += n;
            add_kind(&mut iv.failures_by_kind, *kind, *n);
        }
    }

    /// Counts a request and its latency in the interval of `t_ms`, which it returns.
    fn record_at(&mut self, t_ms: i64, latency_ms: Option<f64>) -> &mut Interval {
        let form = self.histograms;
        let iv = self.at(t_ms);
        iv.requests += 1;
        if let Some(ms) = latency_ms {
            iv.latency_sum_ms += ms;
            iv.max_ms = Some(iv.max_ms.map_or(ms, |m| m.max(ms)));
            if let Some(h) = Self::histogram_of(form, iv) {
                h.record_n(super::latency::ms_to_us(ms), 1);
            }
        }
        iv
    }

    /// Records a histogram of latencies (µs) of requests that started at `t_ms`.
    pub fn record_histogram(&mut self, t_ms: i64, histogram: &Histogram<u64>) {
        if histogram.is_empty() {
            return;
        }
        let form = self.histograms;
        let iv = self.at(t_ms);
        iv.requests += histogram.len();
        iv.latency_sum_ms += histogram.mean() * histogram.len() as f64 / 1000.0;
        let max_ms = histogram.highest_equivalent(histogram.max()) as f64 / 1000.0;
        iv.max_ms = Some(iv.max_ms.map_or(max_ms, |m| m.max(max_ms)));
        if let Some(h) = Self::histogram_of(form, iv) {
            for v in histogram.iter_recorded() {
                let count = u32::try_from(v.count_at_value()).unwrap_or(u32::MAX);
                h.record_n(v.value_iterated_to(), count);
            }
        }
    }

    /// Records a users sample (the interval keeps the largest).
    pub fn record_users(&mut self, t_ms: i64, users: f64) {
        let iv = self.at(t_ms);
        iv.users = Some(iv.users.map_or(users, |u| u.max(users)));
    }

    /// The series' users samples alone (every other figure empty): what
    /// [`TimeSeries::sum_users`] adds, kept before a merge that keeps the largest.
    pub fn users_only(&self) -> TimeSeries {
        let intervals = (self.intervals.iter())
            .map(|iv| Interval {
                users: iv.users,
                ..Interval::default()
            })
            .collect();
        TimeSeries {
            start_ms: self.start_ms,
            width_ms: self.width_ms,
            intervals,
            histograms: HistogramForm::Off,
        }
    }

    /// Sets each interval's users to the sum over `parts` of each part's users in it
    /// (a part's largest sample there): load generators run side by side each count
    /// their own users, which add; merging series keeps the largest.
    pub fn sum_users<'a>(&mut self, parts: impl IntoIterator<Item = &'a TimeSeries>) {
        if self.intervals.is_empty() {
            return;
        }
        let mut total: std::collections::BTreeMap<i64, f64> = Default::default();
        for p in parts {
            let mut mine: std::collections::BTreeMap<i64, f64> = Default::default();
            for (i, iv) in p.intervals.iter().enumerate() {
                if let Some(u) = iv.users {
                    let slot = (p.interval_start_ms(i) - self.start_ms).div_euclid(self.width_ms);
                    let m = mine.entry(slot).or_insert(u);
                    *m = m.max(u);
                }
            }
            for (slot, u) in mine {
                *total.entry(slot).or_default() += u;
            }
        }
        for (slot, u) in total {
            if let Some(iv) = usize::try_from(slot)
                .ok()
                .and_then(|s| self.intervals.get_mut(s))
            {
                iv.users = Some(u);
            }
        }
    }

    /// Start time (epoch ms) of interval `i`.
    pub fn interval_start_ms(&self, i: usize) -> i64 {
        self.start_ms + i as i64 * self.width_ms
    }

    /// Adds another series into this one (intervals aligned by time).
    pub fn merge(&mut self, other: &TimeSeries) {
        self.merge_from(other.clone());
    }

    /// [`TimeSeries::merge`], taking `other`'s histograms instead of copying them.
    pub fn merge_from(&mut self, other: TimeSeries) {
        let form = self.histograms;
        let (start_ms, width_ms) = (other.start_ms, other.width_ms);
        for (i, iv) in other.intervals.into_iter().enumerate() {
            let mine = self.at(start_ms + i as i64 * width_ms);
            mine.requests += iv.requests;
            mine.failures += iv.failures;
            add_kinds(&mut mine.failures_by_kind, &iv.failures_by_kind);
            mine.latency_sum_ms += iv.latency_sum_ms;
            mine.max_ms = max_opt(mine.max_ms, iv.max_ms);
            mine.users = max_opt(mine.users, iv.users);
            mine.reported_p50_ms = mine.reported_p50_ms.or(iv.reported_p50_ms);
            mine.reported_p95_ms = mine.reported_p95_ms.or(iv.reported_p95_ms);
            match (iv.histogram, &mut mine.histogram) {
                (Some(theirs), _) if form == HistogramForm::Off => drop(theirs),
                (Some(theirs), Some(into)) => into.add(&theirs),
                (Some(theirs), slot @ None) => *slot = Some(theirs),
                (None, _) => {}
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
    add_kinds(&mut into.failures_by_kind, &iv.failures_by_kind);
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

/// Adds `n` failures of `kind` to a sparse per-kind list.
fn add_kind(kinds: &mut Vec<(FailureKind, u64)>, kind: FailureKind, n: u64) {
    match kinds.iter_mut().find(|(k, _)| *k == kind) {
        Some((_, count)) => *count += n,
        None => kinds.push((kind, n)),
    }
}

/// Adds every entry of `from` into `into`.
fn add_kinds(into: &mut Vec<(FailureKind, u64)>, from: &[(FailureKind, u64)]) {
    for (kind, n) in from {
        add_kind(into, *kind, *n);
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
    fn failure_kinds_survive_coarsening_and_merging() {
        let mut ts = TimeSeries::default();
        for i in 0..3000i64 {
            let kind = match i % 10 {
                0 => Some(FailureKind::Timeout),
                1 | 2 => Some(FailureKind::Status(503)),
                _ => None,
            };
            ts.record_kind(i * 1000, Some(1.0), kind);
        }
        // An interval log's counts land beside them.
        ts.record_failures(5_000, &[(FailureKind::Timeout, 0), (FailureKind::Reset, 4)]);
        assert!(ts.width_ms > 1000, "3000 s coarsens the series");
        let mut merged = TimeSeries::default();
        merged.merge(&ts);
        for series in [&ts, &merged] {
            let count = |want: FailureKind| -> u64 {
                series
                    .intervals
                    .iter()
                    .flat_map(|iv| &iv.failures_by_kind)
                    .filter(|(k, _)| *k == want)
                    .map(|(_, n)| n)
                    .sum()
            };
            assert_eq!(count(FailureKind::Timeout), 300);
            assert_eq!(count(FailureKind::Status(503)), 600);
            assert_eq!(count(FailureKind::Reset), 4);
            for iv in &series.intervals {
                let kinds: u64 = iv.failures_by_kind.iter().map(|(_, n)| n).sum();
                assert_eq!(kinds, iv.failures);
            }
        }
    }

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
    fn a_time_years_away_widens_the_series_instead_of_filling_the_gap() {
        let mut ts = TimeSeries::default();
        let now = 1_700_000_000_000;
        ts.record(now, Some(1.0), false);
        ts.record(now - 5 * 365 * 86_400_000, Some(1.0), false);
        ts.record(now + 5 * 365 * 86_400_000, Some(1.0), false);
        assert!(ts.intervals.len() <= MAX_INTERVALS);
        assert!(ts.width_ms >= 10 * 365 * 86_400_000 / MAX_INTERVALS as i64);
        assert_eq!(ts.intervals.iter().map(|i| i.requests).sum::<u64>(), 3);
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

    /// The dense form holds the same buckets: either form, or a mix of the two, added
    /// together gives the histogram recording every value once would.
    #[test]
    fn dense_and_sparse_forms_agree() {
        let values = [3u64, 64, 999, 1_000, 1_001, 45_678, 45_700, 2_000_000, 9];
        let mut reference = new_interval_histogram();
        for v in values {
            reference.record(v).unwrap();
        }
        let (mut sparse, mut dense) = (IntervalHistogram::default(), IntervalHistogram::dense());
        for (i, v) in values.iter().enumerate() {
            if i % 3 == 0 {
                sparse.record_n(*v, 1);
            } else {
                dense.record_n(*v, 1);
            }
        }
        let mut sparse_plus_dense = sparse.clone();
        sparse_plus_dense.add(&dense);
        let mut dense_plus_sparse = dense.clone();
        dense_plus_sparse.add(&sparse);
        for h in [&sparse_plus_dense, &dense_plus_sparse] {
            assert_eq!(h.len(), values.len() as u64);
            assert_eq!(h.to_histogram(), reference);
        }
    }

    #[test]
    fn a_series_keeps_the_histograms_it_is_made_for() {
        for form in [HistogramForm::Kept, HistogramForm::Off] {
            let mut ts = TimeSeries::with_histograms(form);
            ts.record(5_000, Some(12.0), false);
            ts.record(5_400, Some(30.0), true);
            let iv = &ts.intervals[0];
            assert_eq!((iv.requests, iv.failures, iv.max_ms), (2, 1, Some(30.0)));
            match form {
                HistogramForm::Off => assert!(iv.histogram.is_none()),
                _ => assert_eq!(iv.histogram.as_ref().map(|h| h.len()), Some(2)),
            }
            // A series without histograms takes none from a merge either.
            let mut other = TimeSeries::with_histograms(HistogramForm::Kept);
            other.record(5_100, Some(7.0), false);
            ts.merge(&other);
            let kept = ts.intervals[0].histogram.as_ref().map(|h| h.len());
            assert_eq!(kept, (form != HistogramForm::Off).then_some(3));
        }
    }

    /// `dense_len` follows HdrHistogram's own layout: the counts an auto-resized
    /// 2-digit histogram holds after recording a value.
    #[test]
    fn dense_len_is_hdrhistograms_own() {
        for v in [
            1u32,
            200,
            255,
            256,
            257,
            511,
            512,
            1_000,
            65_535,
            1_000_000,
            u32::MAX,
        ] {
            let mut h = new_interval_histogram();
            h.record(u64::from(v)).unwrap();
            assert_eq!(dense_len(v), h.distinct_values(), "v = {v}");
        }
    }

    /// A histogram whose pairs outgrow the dense counts turns dense, and keeps the
    /// same values.
    #[test]
    fn a_crowded_sparse_histogram_turns_dense() {
        let mut h = IntervalHistogram::default();
        let mut reference = new_interval_histogram();
        for v in 1..=2_000u64 {
            h.record_n(v, 1);
            reference.record(v).unwrap();
        }
        assert!(matches!(h.repr, Repr::Dense(_)));
        assert_eq!(h.to_histogram(), reference);
        let mut few = IntervalHistogram::default();
        for v in [5_000u64, 7_000, 900_000] {
            few.record_n(v, 3);
        }
        assert!(matches!(few.repr, Repr::Sparse(_)));
    }

    #[test]
    fn bucket_of_is_hdrhistograms_own() {
        let layout = new_interval_histogram();
        let mut v = 1u64;
        while v <= u64::from(u32::MAX) * 2 {
            for x in [v - 1, v, v + 1, v + v / 3] {
                let expected = layout.lowest_equivalent(x.clamp(1, u64::from(u32::MAX)));
                assert_eq!(u64::from(bucket_of(x)), expected, "x = {x}");
            }
            v = v * 3 / 2 + 1;
        }
    }

    /// A series on the grid of a span ends as the series recording the span's first
    /// and last instants grows to by itself: the same width and start.
    #[test]
    fn a_series_on_a_grid_is_the_one_that_grows_there() {
        for (first, last) in [
            (1_717_200_000_123, 1_717_200_000_900),
            (1_717_200_000_123, 1_717_200_999_999),
            (1_717_200_000_123, 1_717_201_000_000),
            (1_717_200_000_123, 1_717_215_123_456),
        ] {
            let mut grown = TimeSeries::default();
            let mut gridded = TimeSeries::on_grid(HistogramForm::Kept, first, last);
            for t in [last, (first + last) / 2, first] {
                grown.record(t, Some(5.0), false);
                gridded.record(t, Some(5.0), false);
            }
            assert_eq!(
                (gridded.start_ms, gridded.width_ms, gridded.intervals.len()),
                (grown.start_ms, grown.width_ms, grown.intervals.len()),
                "{first}..{last}"
            );
        }
    }
}
