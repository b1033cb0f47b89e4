//! What `--warmup`, `--from` and `--to` do to a whole-run summary, which holds no
//! request times and so cannot be trimmed. A summary whose clock window lies wholly
//! inside the window asked for is honoured as it is; one that lies wholly outside it
//! holds nothing the flags keep, so its stage is emptied (a filter that leaves nothing
//! is then an error, as for per-request files); any other (a window that straddles
//! the limits, a summary without clock times, any `--warmup`) still holds what the
//! flags meant to leave out: its figures are reported, and its stage carries the
//! reason ([`crate::model::Stage::untrimmed`]) so that no rule is judged on them.
//! Per-request rows timed from the test's own start (hey's and oha's CSV) cannot be
//! placed on the clock `--from`/`--to` name either ([`clockless_range`]).

use super::IngestOptions;
use crate::model::{format_rfc3339_ms, Stage};

/// How a whole-run summary stands to the time flags.
#[derive(Clone, Debug, PartialEq)]
pub enum WindowFit {
    /// No time flag, or the summary lies wholly inside the window asked for.
    Honoured,
    /// The summary lies wholly outside the window asked for: none of it is kept. The
    /// text says where it lies (one clause).
    Outside(String),
    /// The summary holds what the flags meant to leave out (one clause saying why).
    Untrimmed(String),
}

/// How `tool`'s whole-run summary spanning `window` (epoch ms `[start, end)`, when it
/// has clock times) stands to `opts`' time flags. `selected_by_time`: the flags chose
/// which of a file's runs was read (siege.log), so they are honoured.
pub fn window_fit(
    tool: &str,
    window: Option<(i64, i64)>,
    opts: &IngestOptions,
    selected_by_time: bool,
) -> WindowFit {
    let flags = opts.time_filters();
    let ranged = (opts.from_ms.is_some() || opts.to_ms.is_some()) && !selected_by_time;
    if flags.is_empty() || (!ranged && opts.warmup_ms == 0) {
        return WindowFit::Honoured;
    }
    let asked = flags.join(" ");
    let span = |(a, b): (i64, i64)| format!("{} → {}", format_rfc3339_ms(a), format_rfc3339_ms(b));
    if let (true, Some((a, b))) = (ranged, window) {
        let before = opts.from_ms.is_some_and(|f| b <= f);
        let after = opts.to_ms.is_some_and(|t| a >= t);
        if before || after {
            return WindowFit::Outside(format!(
                "{tool}'s whole-run summary covers {}, outside the window {asked} asks for: \
                 none of it is judged",
                span((a, b))
            ));
        }
        let inside = opts.from_ms.is_none_or(|f| a >= f) && opts.to_ms.is_none_or(|t| b <= t);
        if inside && opts.warmup_ms == 0 {
            return WindowFit::Honoured;
        }
    }
    let held = match (ranged, window) {
        (true, Some(w)) if opts.warmup_ms == 0 => format!("it covers {}, partly outside", span(w)),
        (true, None) => "it has no request times".to_string(),
        _ => "it covers the whole run, warm-up included".to_string(),
    };
    WindowFit::Untrimmed(format!(
        "{asked} cannot trim {tool}'s whole-run summary ({held}): its figures include \
         requests the flags leave out, so no rule is judged on them; judge it without the \
         flags, or give an output with request times"
    ))
}

/// Why `--from`/`--to` cannot be applied to `tool`'s per-request rows timed from the
/// test's own start (hey's and oha's CSV: offsets, placed from 1970-01-01), when either
/// is given: the rows they keep or drop are not those of the window asked for.
pub fn clockless_range(tool: &str, opts: &IngestOptions) -> Option<String> {
    (opts.from_ms.is_some() || opts.to_ms.is_some()).then(|| {
        let asked: Vec<String> = opts
            .time_filters()
            .into_iter()
            .filter(|f| !f.starts_with("--warmup"))
            .collect();
        format!(
            "{} cannot place {tool}'s rows: their times count from the test's own start, \
             not the clock, so no rule is judged on them; judge the run without the flags \
             (--warmup applies), or give an output with clock times",
            asked.join(" ")
        )
    })
}

/// Applies `fit` to a summary's `stage`: empties it when the summary lies outside the
/// window asked for, and marks it untrimmed (with the reason) in both cases where the
/// summary is not honoured. Returns the note to show, if any.
pub fn apply(fit: &WindowFit, stage: &mut Stage) -> Option<String> {
    match fit {
        WindowFit::Honoured => None,
        WindowFit::Outside(why) => {
            stage.endpoints.clear();
            stage.aggregate = None;
            stage.timeline = Default::default();
            stage.duration_s = None;
            stage.window_ms = None;
            stage.untrimmed = Some(why.clone());
            Some(why.clone())
        }
        WindowFit::Untrimmed(why) => {
            stage.untrimmed = Some(why.clone());
            Some(why.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(from: Option<i64>, to: Option<i64>, warmup_ms: i64) -> IngestOptions {
        IngestOptions {
            from_ms: from,
            to_ms: to,
            warmup_ms,
            ..Default::default()
        }
    }

    const W: Option<(i64, i64)> = Some((1_000_000, 2_000_000));

    #[test]
    fn no_flag_or_a_window_around_the_summary_honours_it() {
        assert_eq!(
            window_fit("t", W, &opts(None, None, 0), false),
            WindowFit::Honoured
        );
        let around = opts(Some(500_000), Some(2_500_000), 0);
        assert_eq!(window_fit("t", W, &around, false), WindowFit::Honoured);
    }

    #[test]
    fn a_summary_wholly_before_or_after_the_window_is_outside() {
        for o in [
            opts(Some(2_000_000), None, 0),
            opts(None, Some(1_000_000), 0),
        ] {
            assert!(matches!(
                window_fit("t", W, &o, false),
                WindowFit::Outside(_)
            ));
        }
    }

    #[test]
    fn straddling_untimed_or_warmup_is_untrimmed() {
        for (w, o) in [
            (W, opts(Some(1_500_000), None, 0)),
            (None, opts(Some(1_500_000), None, 0)),
            (W, opts(None, None, 30_000)),
            (W, opts(Some(500_000), None, 30_000)),
        ] {
            assert!(
                matches!(window_fit("t", w, &o, false), WindowFit::Untrimmed(_)),
                "{w:?} {o:?}"
            );
        }
    }

    #[test]
    fn runs_chosen_by_time_honour_the_range() {
        let o = opts(Some(1_500_000), None, 0);
        assert_eq!(window_fit("t", None, &o, true), WindowFit::Honoured);
    }
}
