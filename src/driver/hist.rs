//! Histogram helpers: every driver histogram is µs, `HIST_SIGFIG` digits,
//! auto-resizing (the model's convention).

use hdrhistogram::Histogram;

use crate::model::HIST_SIGFIG;

/// A new, empty, auto-resizing µs histogram.
pub fn new_histogram() -> Histogram<u64> {
    // 1 µs .. 1 min to start with; auto-resize grows it for anything longer, so
    // short runs do not pay for an hour-wide counts array per interval.
    match Histogram::new_with_bounds(1, 60_000_000, HIST_SIGFIG) {
        Ok(mut h) => {
            h.auto(true);
            h
        }
        // Unreachable with these constants; `new` is auto-resizing too.
        Err(_) => Histogram::new(HIST_SIGFIG).unwrap_or_else(|_| unreachable_hist()),
    }
}

fn unreachable_hist() -> Histogram<u64> {
    Histogram::new(3).expect("3 significant digits are valid")
}

/// Records a µs value; out-of-range values are clamped rather than lost.
pub fn record_us(h: &mut Histogram<u64>, us: u64) {
    if h.record(us).is_err() {
        let high = h.high();
        let _ = h.record(high);
    }
}

/// A quantile (0..=1) in ms, `None` for an empty histogram.
pub fn quantile_ms(h: &Histogram<u64>, q: f64) -> Option<f64> {
    (!h.is_empty()).then(|| h.value_at_quantile(q) as f64 / 1000.0)
}
