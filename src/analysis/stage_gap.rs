//! The consistency audit's `stage_gap` check: a stage with a spell in which nothing ran
//! holds two runs read as one (JMeter appends to an existing `-l results.jtl`, so a
//! re-run minutes later lands in the same file; two JTLs of runs hours apart in one
//! dir), and every rate of it divides by time nothing ran. A finding only when it fires.
//!
//! Nothing ran in a spell when no request started in it and none could have been in
//! flight through it (the stage's slowest request is shorter than the spell; a server
//! that stalls every request for the spell is not a gap). Such a spell is two runs when
//! it is long ([`MIN_GAP_S`] and half the span: runs hours apart) or when the stage's
//! own rate outside it would have started [`MISSING_REQUESTS`] requests in it: no
//! think time idles every user of a load test at once for that long.

use crate::analysis::audit::{AuditFinding, AuditVerdict};
use crate::analysis::words::ticked;
use crate::model::{format_rfc3339_ms, Stage};

/// The least gap that can be two runs: a quiet spell at constant load this long is no
/// stall a load test lives through.
const MIN_GAP_S: i64 = 600;

/// The least spell the rate rule looks at, seconds: shorter quiet spells are left to
/// the stall and throughput checks.
const MIN_RERUN_GAP_S: i64 = 10;

/// Requests the stage's rate outside a spell would have started in it, at least, for
/// the spell to be two runs (none starting when 100 are due is no lull).
const MISSING_REQUESTS: f64 = 100.0;

/// `suspect` when the stage's longest spell without a request is at least
/// [`MIN_GAP_S`] and half its series' span, or at least [`MIN_RERUN_GAP_S`] with
/// [`MISSING_REQUESTS`] due in it, no request as slow as the spell and no other spell
/// half as long.
pub(crate) fn stage_gap(stage: &Stage) -> Option<AuditFinding> {
    let series = &stage.timeline;
    // Every quiet spell: its length in intervals and its last interval.
    let mut spells: Vec<(i64, usize)> = Vec::new();
    let mut current = 0i64;
    for (i, iv) in series.intervals.iter().enumerate() {
        current = if iv.requests == 0 { current + 1 } else { 0 };
        match spells.last_mut() {
            Some(last) if current > 1 => *last = (current, i),
            _ if current == 1 => spells.push((1, i)),
            _ => {}
        }
    }
    // The first of the longest.
    let (longest, end_at) =
        (spells.iter().copied()).fold((0, 0), |m, s| if s.0 > m.0 { s } else { m });
    // A rhythm of quiet spells (users all thinking at once, a paced schedule) is no
    // second run: a rerun's spell is the only one near its length.
    let alone = spells.iter().filter(|s| s.0 * 2 >= longest).count() == 1;
    let gap_s = longest * series.width_ms / 1000;
    let span_s = series.intervals.len() as i64 * series.width_ms / 1000;
    let long = gap_s >= MIN_GAP_S && gap_s * 2 >= span_s;
    let second_run = alone && rerun(stage, gap_s, span_s);
    if !long && !second_run {
        return None;
    }
    let from = series.start_ms + (end_at as i64 + 1 - longest) * series.width_ms;
    let to = series.start_ms + (end_at as i64 + 1) * series.width_ms;
    let explanation = format!(
        "stage {} measured nothing from {} to {} ({} of its {}): two runs read as \
         one stage (a JTL JMeter appended a second run to, or files of runs apart in one \
         dir), so its throughput divides by time nothing ran and its percentiles mix both; \
         analyse each run in a dir of its own",
        ticked(&stage.name),
        format_rfc3339_ms(from),
        format_rfc3339_ms(to),
        span_text(gap_s),
        span_text(span_s)
    );
    Some(AuditFinding::new(
        "stage_gap",
        Some(&stage.name),
        AuditVerdict::Suspect,
        explanation,
    ))
}

/// `90 s`, `7 min`, `5 h`, `443 days`: a span, in the unit that reads best.
fn span_text(s: i64) -> String {
    match s {
        s if s < 120 => format!("{s} s"),
        s if s < 2 * 3600 => format!("{} min", s / 60),
        s if s < 2 * 86_400 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

/// True when a spell of `gap_s` in a series spanning `span_s` is a second run started
/// minutes after the first: long enough, the stage's rate outside it due
/// [`MISSING_REQUESTS`] in it, and no request slow enough to have spanned it.
fn rerun(stage: &Stage, gap_s: i64, span_s: i64) -> bool {
    if gap_s < MIN_RERUN_GAP_S || span_s <= gap_s {
        return false;
    }
    let slowest_ms = (stage.endpoints.values())
        .map(|e| e.latency.max_ms())
        .try_fold(0.0f64, |m, l| l.map(|l| m.max(l)));
    let Some(slowest_ms) = slowest_ms else {
        return false;
    };
    let rate = stage.requests() as f64 / (span_s - gap_s) as f64;
    slowest_ms < (gap_s * 1000) as f64 && rate * gap_s as f64 >= MISSING_REQUESTS
}
