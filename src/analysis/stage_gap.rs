//! The consistency audit's `stage_gap` check: a stage whose window is mostly time in
//! which nothing was measured holds two runs read as one (JMeter appends to an
//! existing `-l results.jtl`; two JTLs of runs hours apart in one dir), and every rate
//! of it divides by time nothing ran. A finding only when it fires.

use crate::analysis::audit::{AuditFinding, AuditVerdict};
use crate::analysis::words::ticked;
use crate::model::{format_rfc3339_ms, Stage};

/// The least gap that can be two runs: a quiet spell at constant load this long is no
/// stall a load test lives through.
const MIN_GAP_S: i64 = 600;

/// `suspect` when the stage's longest spell without a request is at least
/// [`MIN_GAP_S`] and half its series' span.
pub(crate) fn stage_gap(stage: &Stage) -> Option<AuditFinding> {
    let series = &stage.timeline;
    let (mut longest, mut current, mut end_at) = (0i64, 0i64, 0usize);
    for (i, iv) in series.intervals.iter().enumerate() {
        current = if iv.requests == 0 { current + 1 } else { 0 };
        if current > longest {
            (longest, end_at) = (current, i);
        }
    }
    let gap_s = longest * series.width_ms / 1000;
    let span_s = series.intervals.len() as i64 * series.width_ms / 1000;
    if gap_s < MIN_GAP_S || gap_s * 2 < span_s {
        return None;
    }
    let from = series.start_ms + (end_at as i64 + 1 - longest) * series.width_ms;
    let to = series.start_ms + (end_at as i64 + 1) * series.width_ms;
    let explanation = format!(
        "stage {} measured nothing from {} to {} ({} min of its {} min): two runs read as \
         one stage (a JTL JMeter appended a second run to, or files of runs apart in one \
         dir), so its throughput divides by time nothing ran and its percentiles mix both; \
         analyse each run in a dir of its own",
        ticked(&stage.name),
        format_rfc3339_ms(from),
        format_rfc3339_ms(to),
        gap_s / 60,
        span_s / 60
    );
    Some(AuditFinding::new(
        "stage_gap",
        Some(&stage.name),
        AuditVerdict::Suspect,
        explanation,
    ))
}
