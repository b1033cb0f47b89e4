//! Failures a side's tool counted that its per-request data does not mark. ab's `-g`
//! file records no outcome, so beside ab's console (which counts the non-2xx
//! responses) a run's per-interval series holds every request as answered while its
//! figures count the failures: the series' failures are not the run's, and its exact
//! histogram mixes the failed requests' latencies in (fast 429s read as a faster
//! service). Such a side's error rate and goodput are compared on its counts (as a
//! summary's), and its latencies as a summary's, whose rule is that a side with more
//! than a tenth of its requests failed shows no change in them
//! ([`super::reported::summary_bound`]).

use super::input::EndpointInput;
use super::reported::MOSTLY_SERVED;
use crate::analysis::words::ticked;

/// True when `e`'s per-interval series marks every failure its figures count, or it
/// has none (a summary's figures are compared on its counts anyway).
pub fn series_marks_failures(e: &EndpointInput) -> bool {
    e.intervals.is_empty()
        || e.intervals.iter().map(|p| p.failures).sum::<u64>() >= e.figures.failures
}

/// True when both sides' series mark every failure their figures count.
pub fn both_mark_failures(b: &EndpointInput, c: &EndpointInput) -> bool {
    series_marks_failures(b) && series_marks_failures(c)
}

/// True when `e`'s latencies hold failures they do not mark, more than a tenth of its
/// requests: its percentiles say little of what was served.
pub fn mixes_failures_in(e: &EndpointInput) -> bool {
    !series_marks_failures(e)
        && e.figures.failures as f64 > MOSTLY_SERVED * e.figures.requests.max(1) as f64
}

/// The note on a stage × endpoint whose side's series does not mark the failures its
/// tool counted; `None` when both sides' do.
pub fn note(stage: &str, endpoint: &str, b: &EndpointInput, c: &EndpointInput) -> Option<String> {
    let sides: Vec<String> = [("the baseline", b), ("the candidate", c)]
        .into_iter()
        .filter(|(_, e)| !series_marks_failures(e))
        .map(|(side, e)| {
            format!(
                "{side} counted {} failed of {} requests",
                e.figures.failures, e.figures.requests
            )
        })
        .collect();
    (!sides.is_empty()).then(|| {
        format!(
            "stage {}, endpoint {}: {}, but its per-request data marks no failure (ab's \
             `-g` file, for one, records no outcome): the error rate and goodput are compared on \
             the counts, and the latencies, which hold the failed requests' too, as a \
             tool's summary (no change shown where more than a tenth failed)",
            ticked(stage),
            ticked(endpoint),
            sides.join(" and ")
        )
    })
}
