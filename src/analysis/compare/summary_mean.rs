//! Whether a mean latency compared from summaries (method `reported`: a side has no
//! exact histogram of its own, as with h2load's console) can be tested after all:
//! when both sides give a standard deviation — the tool's printed sd, or an exact
//! histogram's — it is, by Welch's test over the sides' effective sample sizes
//! ([`stats::summary_mean_shift`], method `summary_welch`), never over their request
//! counts. Percentiles, rates and a mean without an sd are left as they were.

use super::input::{EndpointInput, StageInput};
use super::reported::MOSTLY_SERVED;
use super::stats::{self, Estimate, Method};
use super::verdict::Metric;
use crate::analysis::rounding::mean_step_ms;

/// A reported mean tested by Welch's test ([`stats::summary_mean_shift`]) when both
/// sides give a standard deviation (a tool's printed sd, or an exact histogram's) and
/// an effective sample size, and neither has over a tenth of its requests failed (a
/// tool's summary mixes the failures' latencies in); else `est` as it was.
pub(super) fn tested(
    est: Estimate,
    metric: Metric,
    (sb, b): (&StageInput, &EndpointInput),
    (sc, c): (&StageInput, &EndpointInput),
) -> Estimate {
    if est.method != Method::Reported || metric != Metric::Mean {
        return est;
    }
    let side = |s: &StageInput, e: &EndpointInput| {
        let served = e.figures.failures as f64 <= MOSTLY_SERVED * e.figures.requests as f64;
        let mean = e.figures.mean?;
        let (sd, step) = match e.histogram.as_ref().filter(|h| !h.is_empty()) {
            Some(h) => (h.stdev() / 1000.0, 0.0),
            None => (e.figures.sd?, mean_step_ms(s.tool.as_deref(), mean)),
        };
        let ess = super::verdict::effective_size(e)?;
        served.then_some(stats::MeanSide {
            mean,
            sd,
            ess,
            step,
        })
    };
    match (side(sb, b), side(sc, c)) {
        (Some(mb), Some(mc)) => stats::summary_mean_shift(mb, mc).unwrap_or(est),
        _ => est,
    }
}
