//! ab's `-g` file read beside the same run's console text ([`super::ab::build_run`]):
//! when its rows are as many as the text's complete requests, every request's latency
//! (whole ms, as ab rounds them: a 0 is an answer under 0.5 ms, kept as 0, never a
//! made-up 1 µs) and start (whole seconds: the run over time) are the source's, and
//! they place the run on the clock to the second: its window spans the seconds its
//! requests started in (at least the console's `Time taken for tests` from the first),
//! so that every row lies in it, while its duration stays the console's time taken;
//! else the text is read without it, and a note says which.

use crate::model::untrusted::Shown;
use std::path::Path;

use super::ab::AbGnuplot;
use super::summary::ToolSummary;
use super::{Observation, Replay};
use crate::model::{LatencyDistribution, Problem};

/// Gives the console's summary `s` (of `complete` requests) the latencies and starts of
/// its `-g` file's rows when they are its run's (as many): the note says which, and
/// unreadable rows of the same run go to `aside`. True when the latencies are the file's.
pub fn with_tsv(
    s: &mut ToolSummary,
    text: &Path,
    tsv: &Path,
    complete: u64,
    aside: &mut Vec<Problem>,
) -> Result<bool, Problem> {
    let (mut h, mut bad) = (crate::model::new_histogram(), Vec::new());
    let mut series = crate::model::TimeSeries::default();
    let mut span: Option<(i64, i64)> = None;
    AbGnuplot::open(tsv)?.replay(&mut |o| match o {
        Observation::Request(r) => {
            span = Some(span.map_or((r.t_ms, r.t_ms), |(a, b)| (a.min(r.t_ms), b.max(r.t_ms))));
            super::summary::record_ms_n(&mut h, r.latency_ms.unwrap_or(0.0), 1);
            series.record(r.t_ms, r.latency_ms, false);
        }
        Observation::Malformed(p) => bad.push(p),
        _ => {}
    })?;
    let exact = h.len() == complete;
    // A row cut as the file was copied (or ab was killed writing it): the same run, its
    // rows and the unreadable ones adding up to the console's count.
    let (t, g) = (text.shown(), tsv.shown());
    let note = if !bad.is_empty() && h.len() + bad.len() as u64 == complete {
        let first = bad[0].to_string();
        aside.append(&mut bad);
        format!(
            "{g} is {t}'s -g file, but has unreadable rows ({first}): the percentiles are \
             the console's"
        )
    } else if exact {
        // ab rounds the -g file's times to the whole ms: 0 ms is under 0.5 ms.
        let zero = match h.count_at(0) {
            0 => String::new(),
            n => format!(
                "; {n} of its times are 0 ms — ab rounds them to the whole ms, so those \
                 answers took under 0.5 ms"
            ),
        };
        s.endpoints[0].latency = LatencyDistribution::Exact(h.into());
        s.endpoints[0].series = series;
        let clock = clock_window(s, span);
        format!(
            "{t} and {g} are one ab run: the console text gives the counts and failures, the \
             -g file every request's latency (to the whole ms) and start (to the second: the \
             run over time){clock}{zero}"
        )
    } else {
        format!(
            "{g} has {} rows but {t} says {complete} complete requests: not the same run, so \
             the console text is read without it (analyse the -g file in a dir of its own)",
            h.len()
        )
    };
    s.notes.push(note);
    Ok(exact)
}

/// Places the run `s` on the clock from its `-g` file's request starts (`span`: the
/// first and last, epoch seconds in ms — ab prints no clock time of its own), when it
/// has no window yet: from the first second to past the last (as `export` spans such
/// rows), or to the console's `Time taken for tests` after the first when that is
/// later; the duration stays the time taken (`measured_s`). What the note adds.
fn clock_window(s: &mut ToolSummary, span: Option<(i64, i64)>) -> String {
    let (Some((first, last)), Some(d), None) = (span, s.duration_s, s.window_ms) else {
        return String::new();
    };
    if !(d.is_finite() && d > 0.0) {
        return String::new();
    }
    let end = (last + 1).max(first.saturating_add((d * 1000.0).round() as i64));
    s.window_ms = Some((first, end));
    s.measured_s = Some(d);
    s.clock_basis = Some(
        "on the clock to the second by its -g file: from the second its first request \
         started in (ab prints no clock time) over the seconds its requests started in; \
         its length is the console's time taken"
            .into(),
    );
    "; its rows' seconds place the stage on the clock".into()
}
