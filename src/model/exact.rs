//! An exact latency histogram that costs what its values need: sparse while it has
//! seen few distinct buckets, a dense HdrHistogram after.
//!
//! A dense 3-digit HdrHistogram holds a count for every bucket up to its largest value:
//! about 70 KB for latencies up to 200 ms, before a second value. A run holds two per
//! stage and endpoint (all and successful requests), and a reader of a part of a file
//! holds its own: an endpoint with a handful of requests (a URL with an id, a rare
//! error path) must not cost that. So a histogram starts as sorted `(bucket, count)`
//! pairs, the bucket being the lowest value equivalent to the recorded one at
//! [`HIST_SIGFIG`] digits, and turns dense past [`SPARSE_BUCKETS`] of them, which any
//! endpoint with many requests does within its first few hundred.
//!
//! Both forms answer alike, to the bit: the sparse form's figures are computed with
//! HdrHistogram's own bucket arithmetic, in the order its iterators visit buckets
//! (`ruler()` holds the arithmetic: it depends on the digits only, not the range), and
//! [`ExactHistogram::to_histogram`] gives the dense histogram recording the same values
//! would have.

use std::borrow::Cow;
use std::sync::OnceLock;

use hdrhistogram::Histogram;

use super::latency::new_histogram;
#[cfg(doc)]
use super::HIST_SIGFIG;

/// Most distinct buckets a histogram keeps as pairs (16 bytes each) before it turns
/// dense: 4 KB, against the dense form's tens of KB.
const SPARSE_BUCKETS: usize = 256;

/// Values from here on are recorded dense, where HdrHistogram clamps what it cannot
/// track (no latency is this long: 2^50 µs is 35 years).
const SPARSE_LIMIT_US: u64 = 1 << 50;

/// Every value in µs, exactly as an HdrHistogram of [`HIST_SIGFIG`] digits keeps it.
#[derive(Clone, Debug)]
pub struct ExactHistogram {
    repr: Repr,
}

#[derive(Clone, Debug)]
enum Repr {
    /// `(lowest equivalent value, count)`, sorted by value.
    Sparse(Vec<(u64, u64)>),
    Dense(Box<Histogram<u64>>),
}

impl Default for ExactHistogram {
    fn default() -> Self {
        ExactHistogram {
            repr: Repr::Sparse(Vec::new()),
        }
    }
}

impl From<Histogram<u64>> for ExactHistogram {
    fn from(h: Histogram<u64>) -> Self {
        ExactHistogram {
            repr: Repr::Dense(Box::new(h)),
        }
    }
}

/// Records `n` values of `us`; a value past what an auto-resizing histogram can track
/// (only an absurd one) counts as the largest it can.
fn record_n_clamped(h: &mut Histogram<u64>, us: u64, n: u64) {
    if h.record_n(us, n).is_err() {
        let _ = h.record_n(h.high(), n);
    }
}

/// The bucket arithmetic of every [`HIST_SIGFIG`]-digit histogram with lowest value 1.
fn ruler() -> &'static Histogram<u64> {
    static RULER: OnceLock<Histogram<u64>> = OnceLock::new();
    RULER.get_or_init(new_histogram)
}

impl ExactHistogram {
    /// Number of values.
    pub fn len(&self) -> u64 {
        match &self.repr {
            Repr::Sparse(b) => b.iter().map(|(_, n)| n).sum(),
            Repr::Dense(h) => h.len(),
        }
    }

    /// True when no value was recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records `n` values of `us` microseconds.
    pub fn record_n(&mut self, us: u64, n: u64) {
        if n == 0 {
            return;
        }
        match &mut self.repr {
            Repr::Sparse(buckets) if us < SPARSE_LIMIT_US => {
                let key = ruler().lowest_equivalent(us);
                match buckets.binary_search_by_key(&key, |b| b.0) {
                    Ok(i) => buckets[i].1 += n,
                    Err(i) => {
                        buckets.insert(i, (key, n));
                        if buckets.len() > SPARSE_BUCKETS {
                            self.densify();
                        }
                    }
                }
            }
            Repr::Sparse(_) => {
                self.densify();
                self.record_n(us, n);
            }
            Repr::Dense(h) => record_n_clamped(h, us, n),
        }
    }

    /// Records one value of `us` microseconds.
    pub fn record(&mut self, us: u64) {
        self.record_n(us, 1);
    }

    /// Adds another histogram's values.
    pub fn add(&mut self, other: &ExactHistogram) {
        match &other.repr {
            Repr::Sparse(theirs) => {
                for &(us, n) in theirs {
                    self.record_n(us, n);
                }
            }
            Repr::Dense(theirs) => self.add_histogram(theirs),
        }
    }

    /// Adds a dense histogram's values (of [`HIST_SIGFIG`] digits).
    pub fn add_histogram(&mut self, other: &Histogram<u64>) {
        if other.is_empty() {
            return;
        }
        self.densify();
        if let Repr::Dense(h) = &mut self.repr {
            // Both auto-resize, so adding cannot fail on range.
            let _ = h.add(other);
        }
    }

    fn densify(&mut self) {
        if let Repr::Sparse(buckets) = &self.repr {
            let mut h = new_histogram();
            for &(us, n) in buckets {
                record_n_clamped(&mut h, us, n);
            }
            self.repr = Repr::Dense(Box::new(h));
        }
    }

    /// The dense histogram holding these values (borrowed when dense).
    pub fn to_histogram(&self) -> Cow<'_, Histogram<u64>> {
        match &self.repr {
            Repr::Dense(h) => Cow::Borrowed(h),
            Repr::Sparse(_) => {
                let mut copy = self.clone();
                copy.densify();
                match copy.repr {
                    Repr::Dense(h) => Cow::Owned(*h),
                    Repr::Sparse(_) => unreachable!("densify makes it dense"),
                }
            }
        }
    }

    /// Mean in µs, as [`Histogram::mean`] computes it.
    pub fn mean(&self) -> f64 {
        match &self.repr {
            Repr::Dense(h) => h.mean(),
            Repr::Sparse(buckets) => {
                let total = self.len();
                if total == 0 {
                    return 0.0;
                }
                let r = ruler();
                buckets.iter().fold(0.0_f64, |sum, &(us, n)| {
                    sum + r.median_equivalent(r.highest_equivalent(us)) as f64 * n as f64
                        / total as f64
                })
            }
        }
    }

    /// Smallest value in µs, as [`Histogram::min`] gives it.
    pub fn min(&self) -> u64 {
        match &self.repr {
            Repr::Dense(h) => h.min(),
            // The pairs' values are their buckets' lowest already.
            Repr::Sparse(buckets) => buckets.first().map_or(0, |b| b.0),
        }
    }

    /// The highest value equivalent to the largest one, µs.
    pub fn max_equivalent(&self) -> u64 {
        match &self.repr {
            Repr::Dense(h) => h.highest_equivalent(h.max()),
            Repr::Sparse(buckets) => buckets
                .last()
                .map_or(0, |b| ruler().highest_equivalent(b.0)),
        }
    }

    /// Each bucket with values, lowest first: its highest equivalent value (µs, as
    /// HdrHistogram's recorded iterator gives it) and its count.
    pub fn buckets(&self) -> Box<dyn Iterator<Item = (u64, u64)> + '_> {
        match &self.repr {
            Repr::Dense(h) => Box::new(
                h.iter_recorded()
                    .map(|v| (v.value_iterated_to(), v.count_at_value())),
            ),
            Repr::Sparse(buckets) => Box::new(
                buckets
                    .iter()
                    .map(|&(us, n)| (ruler().highest_equivalent(us), n)),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values over several decades, with repeats and buckets shared by distinct values.
    fn values() -> Vec<u64> {
        let mut v = Vec::new();
        let mut x: u64 = 12_345;
        for i in 0..300u64 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            v.push(1 + (x >> 33) % (1 + i * i * 37));
        }
        v.extend([0, 1, 2, 2047, 2048, 2049, 4095, 4096, 123_456_789]);
        v
    }

    #[test]
    fn sparse_and_dense_answer_alike_to_the_bit() {
        let vals = values();
        for take in [1, 5, 40, 255, 256, 257, vals.len()] {
            let mut sparse = ExactHistogram::default();
            let mut dense = new_histogram();
            for &v in &vals[..take] {
                sparse.record(v);
                dense.record(v).unwrap();
            }
            assert_eq!(sparse.len(), dense.len(), "{take}");
            assert_eq!(sparse.mean().to_bits(), dense.mean().to_bits(), "{take}");
            assert_eq!(sparse.min(), dense.min(), "{take}");
            assert_eq!(
                sparse.max_equivalent(),
                dense.highest_equivalent(dense.max()),
                "{take}"
            );
            let theirs: Vec<(u64, u64)> = dense
                .iter_recorded()
                .map(|v| (v.value_iterated_to(), v.count_at_value()))
                .collect();
            assert_eq!(sparse.buckets().collect::<Vec<_>>(), theirs, "{take}");
            assert_eq!(*sparse.to_histogram(), dense, "{take}");
        }
    }

    #[test]
    fn adding_sparse_and_dense_keeps_every_value() {
        let vals = values();
        let (a, b) = vals.split_at(100);
        let mut left = ExactHistogram::default();
        a.iter().for_each(|&v| left.record(v));
        let mut right = ExactHistogram::default();
        b.iter().for_each(|&v| right.record(v));
        let mut whole = new_histogram();
        vals.iter().for_each(|&v| whole.record(v).unwrap());
        let mut sum = left.clone();
        sum.add(&right);
        assert_eq!(*sum.to_histogram(), whole);
        let mut sum = right.clone();
        sum.add_histogram(&left.to_histogram());
        assert_eq!(*sum.to_histogram(), whole);
    }
}
