//! Several of headroom's own interval logs as one: each interval (and its failures)
//! kept at its own clock time, rewritten against the earliest start. A CSV export of
//! drive runs saved one per stage dir (`c10/`, `c40/`) carries their logs so, one
//! `latency.hlog` its manifest's stage windows divide as the run dirs' did.

use std::time::{Duration, UNIX_EPOCH};

use super::{decode_log, HlogInterval, HlogWriter};

/// The logs' intervals in one log, in time order; `Err` says why they cannot be
/// merged: a log that does not decode whole, was not written in µs by headroom
/// (no `#[unit: …]` comment), or whose span overlaps another's (runs at the same
/// time: which stage an interval is in would then be the merged windows' call, not
/// its run's).
pub fn merge_logs(texts: &[String]) -> Result<Vec<u8>, String> {
    let mut logs: Vec<Vec<HlogInterval>> = Vec::with_capacity(texts.len());
    for (i, text) in texts.iter().enumerate() {
        let log = decode_log(text, "latency", None)
            .map_err(|e| format!("log {}: {}", i + 1, e.reason))?;
        if log.declared_unit.is_none() || log.cut.is_some() || !log.warnings.is_empty() {
            return Err(format!("log {} is not headroom's whole log", i + 1));
        }
        logs.push(log.intervals);
    }
    let span = |l: &[HlogInterval]| {
        let start = l.iter().map(|i| i.start_ms).min().unwrap_or(0);
        let end = l.iter().map(|i| i.end_ms).max().unwrap_or(0);
        (start, end)
    };
    let spans: Vec<(i64, i64)> = logs.iter().map(|l| span(l)).collect();
    for (i, a) in spans.iter().enumerate() {
        if spans[i + 1..].iter().any(|b| a.0 < b.1 && b.0 < a.1) {
            return Err("the runs overlap in time".into());
        }
    }
    let mut all: Vec<HlogInterval> = logs.into_iter().flatten().collect();
    all.sort_by_key(|i| i.start_ms);
    let base = all.first().map_or(0, |i| i.start_ms);
    let start = UNIX_EPOCH + Duration::from_millis(u64::try_from(base).unwrap_or(0));
    let mut w = HlogWriter::new(Vec::new(), start).map_err(|e| e.to_string())?;
    for i in &all {
        let tag = i.key.to_string();
        let start_s = (i.start_ms - base) as f64 / 1000.0;
        let len_s = (i.end_ms - i.start_ms) as f64 / 1000.0;
        (w.interval(&tag, start_s, len_s, &i.histogram))
            .and_then(|_| w.failures(&tag, start_s, &i.failures))
            .map_err(|e| e.to_string())?;
    }
    Ok(w.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hdrhistogram::Histogram;

    fn log(start_ms: u64, values_us: &[u64]) -> String {
        let mut w =
            HlogWriter::new(Vec::new(), UNIX_EPOCH + Duration::from_millis(start_ms)).unwrap();
        let mut h = Histogram::<u64>::new(3).unwrap();
        values_us.iter().for_each(|v| h.record(*v).unwrap());
        w.interval("GET /a", 0.5, 1.0, &h).unwrap();
        w.failures("GET /a", 0.5, &[(crate::model::FailureKind::Timeout, 1)])
            .unwrap();
        String::from_utf8(w.into_inner()).unwrap()
    }

    #[test]
    fn keeps_each_interval_at_its_clock_time() {
        let a = log(1_700_000_000_000, &[1000, 2000]);
        let b = log(1_700_000_010_250, &[3000]);
        let merged = String::from_utf8(merge_logs(&[b, a]).unwrap()).unwrap();
        let back = decode_log(&merged, "x", None).unwrap();
        let starts: Vec<i64> = back.intervals.iter().map(|i| i.start_ms).collect();
        assert_eq!(starts, [1_700_000_000_500, 1_700_000_010_750]);
        let counts: Vec<u64> = back.intervals.iter().map(|i| i.histogram.len()).collect();
        assert_eq!(counts, [2, 1]);
        assert!(back.intervals.iter().all(|i| i.failures.len() == 1));
    }

    #[test]
    fn refuses_runs_at_the_same_time() {
        let a = log(1_700_000_000_000, &[1000]);
        let b = log(1_700_000_000_300, &[1000]);
        assert!(merge_logs(&[a, b]).is_err());
    }
}
