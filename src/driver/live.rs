//! Live judgement of a run: the recorder hands every closed interval (all endpoints
//! merged) to a caller-given [`LiveJudge`]; when it names a breach, the run stops
//! with that as its reason (`drive --sla FILE --abort-on-fail`). The judge itself is
//! the caller's (the CLI builds it from the SLA's window rules): the driver does not
//! know SLA files.

use std::sync::{Arc, Mutex};

use hdrhistogram::Histogram;

/// One closed interval of the interval log, every endpoint merged.
#[derive(Debug)]
pub struct ClosedInterval<'a> {
    /// Start, ms since the run's start.
    pub start_ms: u64,
    /// End, ms since the run's start.
    pub end_ms: u64,
    /// Requests completed in it.
    pub requests: u64,
    /// Of which failed.
    pub failures: u64,
    /// Their latencies, µs.
    pub histogram: &'a Histogram<u64>,
}

/// The judge's signature: `Some(reason)` stops the run.
pub type JudgeFn = dyn FnMut(&ClosedInterval<'_>) -> Option<String> + Send;

/// A judge of closed intervals, shared with the recorder.
#[derive(Clone)]
pub struct LiveJudge(Arc<Mutex<Box<JudgeFn>>>);

impl LiveJudge {
    /// Wraps `f`.
    pub fn new(f: impl FnMut(&ClosedInterval<'_>) -> Option<String> + Send + 'static) -> LiveJudge {
        LiveJudge(Arc::new(Mutex::new(Box::new(f))))
    }

    /// Judges one interval.
    pub fn judge(&self, iv: &ClosedInterval<'_>) -> Option<String> {
        self.0.lock().ok().and_then(|mut f| f(iv))
    }
}

impl std::fmt::Debug for LiveJudge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LiveJudge")
    }
}
