//! A second, independent witness to the unit of a generic CSV's latency column that
//! names none (read as ms). Values like 1.2, 2.5, 3.1 are plausible in ms and in
//! seconds alike, so the values alone cannot tell; the rest of the row sometimes can:
//!
//! - an end-time column (`end`, `end_time`, `finished`…): each row's end minus its
//!   start is its latency, and says the unit outright; when it matches the values
//!   read as seconds (and not as ms) they are read as seconds, with a note;
//! - a thread or user column (`thread`, `user_id`, `vu`, `worker`…): one closed-loop
//!   user cannot start its next request before its last one ended. When each user's
//!   next start comes just after its last request's latency read as seconds (and the
//!   latencies vary, so no fixed pacing explains it), the seconds reading is in
//!   doubt; the file says so and no latency figure decides. A user who thinks
//!   between requests starts later, but still never before its last one ended: when
//!   over many pairs no next start comes before the latency read as seconds, the
//!   gaps are often within a few times it, and the longer latencies' gaps are longer
//!   by about as much (the gap follows the latency, as no pacing or think time
//!   alone does), seconds are in doubt too. A gap shorter than the latency read as
//!   seconds rules seconds out, and nothing changes;
//! - a users column (`users`, `vus`, `threads`): the requests in flight on average
//!   (Little's law: Σ latency ÷ the span they lie in) cannot be more than ten per user (even a user
//!   sending ten at once). When the values read as seconds would need more, seconds
//!   are ruled out: a doubt the values raised (fractions under 1, seconds
//!   timestamps) is lifted, with a note.
//!
//! Neither guesses: without such a column, or when the rows do not agree, there is
//! no witness and the column stays ms as the README says.

use std::collections::HashMap;

/// One of the first rows, as the witnesses read it.
pub(super) struct Sample {
    /// The request's start, epoch ms (or ms since the test began).
    pub start_ms: Option<i64>,
    /// Its end, read on the start's clock, when the file has an end column.
    pub end_ms: Option<i64>,
    /// Which user or thread sent it, when the file says.
    pub thread: Option<String>,
    /// The users (threads, VUs) running at that moment, when the file says.
    pub users: Option<f64>,
    /// The latency cell's number, in the column's own (unnamed) unit.
    pub latency: Option<f64>,
}

/// What a witness says about the latency column's unit.
#[derive(Debug, PartialEq)]
pub(super) enum Witness {
    /// The end column shows seconds: read them as seconds (the note says why).
    Seconds(String),
    /// A thread's successive starts show seconds: the unit is in doubt (why).
    Doubt(String),
    /// The users column rules seconds out: ms, as read (the note says why).
    Millis(String),
}

/// Most requests in flight per user Little's law allows before seconds are ruled out.
const IN_FLIGHT_PER_USER: f64 = 10.0;

/// Fewest rows (or successive pairs) a witness speaks from.
const MIN_PAIRS: usize = 5;

/// The witness of the first rows `samples` of a file whose latency column `latency`
/// names no unit, its end column `end` and thread column `thread` (their header
/// names, when the file has them), or `None`.
pub(super) fn witness(
    samples: &[Sample],
    latency: &str,
    end: Option<&str>,
    thread: Option<&str>,
) -> Option<Witness> {
    if let Some(end) = end {
        if let Some(w) = end_witness(samples, latency, end) {
            return Some(w);
        }
    }
    (thread.and_then(|thread| thread_witness(samples, latency, thread)))
        .or_else(|| users_rule_out_seconds(samples, latency))
}

/// True when `measured` ms is `value` in the unit whose factor to ms is `factor`,
/// within 5 % or the 2 ms a rounded clock loses.
fn matches(measured: f64, value: f64, factor: f64) -> bool {
    let expected = value * factor;
    (measured - expected).abs() <= (expected * 0.05).max(2.0)
}

fn end_witness(samples: &[Sample], latency: &str, end: &str) -> Option<Witness> {
    let pairs: Vec<(f64, f64)> = (samples.iter())
        .filter_map(|s| Some(((s.end_ms? - s.start_ms?) as f64, s.latency?)))
        .filter(|(d, l)| *d >= 0.0 && *l > 0.0)
        .collect();
    let n = pairs.len();
    let as_seconds = pairs
        .iter()
        .filter(|(d, l)| matches(*d, *l, 1000.0))
        .count();
    let as_ms = pairs.iter().filter(|(d, l)| matches(*d, *l, 1.0)).count();
    (n >= MIN_PAIRS && as_seconds * 10 >= n * 9 && as_ms * 10 < n).then(|| {
        Witness::Seconds(format!(
            "column `{latency}` names no unit; read as seconds: in {as_seconds} of the first \
             {n} rows, `{end}` minus the start is the latency in seconds (in {as_ms}, in ms) \
             (name the column `{latency}_s` to say so)"
        ))
    })
}

fn thread_witness(samples: &[Sample], latency: &str, thread: &str) -> Option<Witness> {
    let mut by_thread: HashMap<&str, Vec<(i64, f64)>> = HashMap::new();
    for s in samples {
        if let (Some(t), Some(start), Some(l)) = (s.thread.as_deref(), s.start_ms, s.latency) {
            by_thread.entry(t).or_default().push((start, l));
        }
    }
    // Each user's successive (gap to its next start in ms, latency value).
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    for rows in by_thread.values_mut() {
        rows.sort_by_key(|r| r.0);
        pairs.extend(rows.windows(2).map(|w| ((w[1].0 - w[0].0) as f64, w[0].1)));
    }
    let n = pairs.len();
    let (lo, hi) = pairs.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    // Read as seconds, the next start comes after the last request ended…
    let after = (pairs.iter())
        .filter(|(gap, l)| *gap >= l * 1000.0 * 0.95 - 2.0)
        .count();
    // … and right after: the user waits for the answer and goes on.
    let right_after = (pairs.iter())
        .filter(|(gap, l)| *gap >= l * 1000.0 * 0.95 - 2.0 && *gap <= l * 1000.0 * 1.1 + 100.0)
        .count();
    let varied = lo > 0.0 && hi >= lo * 1.2;
    if !(n >= MIN_PAIRS && varied && after * 20 >= n * 19) {
        return None;
    }
    let doubt = |why: String| {
        Witness::Doubt(format!(
            "column `{latency}` names no unit and is read as ms, but {why}: if it holds \
             seconds, every latency is 1,000× too small; name the column `{latency}_ms` or \
             `{latency}_s`"
        ))
    };
    if right_after * 5 >= n * 4 {
        return Some(doubt(format!(
            "in {right_after} of the first {n} pairs of one `{thread}`'s successive requests \
             the next starts just after the last one's latency read as seconds (a closed \
             loop's user waits for its answer)"
        )));
    }
    let near = (pairs.iter())
        .filter(|(gap, l)| *gap <= l * 1000.0 * THINK_WITHIN)
        .count();
    let said = n >= MIN_THINK_PAIRS && near * 2 >= n && gap_follows_latency(&pairs);
    said.then(|| {
        doubt(format!(
            "in {after} of the first {n} pairs of one `{thread}`'s successive requests the \
             next starts after the last one's latency read as seconds, in {near} within \
             {THINK_WITHIN}× it, and the longer latencies' gaps are longer by about as much \
             (a closed loop's user waits for its answer, then thinks)"
        ))
    })
}

/// Fewest successive pairs the think-time reading speaks from.
const MIN_THINK_PAIRS: usize = 20;

/// How many times the latency read as seconds a gap with think time may span.
const THINK_WITHIN: f64 = 3.0;

/// True when, of `pairs` (gap to the user's next start in ms, latency value), those
/// whose latency is above the median have gaps longer on average than the rest by at
/// least half the difference of their latencies read as seconds: the next start
/// follows the answer. Fixed pacing, or think time alone, leaves the gap unmoved.
fn gap_follows_latency(pairs: &[(f64, f64)]) -> bool {
    let mut latencies: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    latencies.sort_by(f64::total_cmp);
    let Some(median) = latencies.get(latencies.len() / 2).copied() else {
        return false;
    };
    let mean = |long: bool| {
        let part: Vec<&(f64, f64)> = (pairs.iter()).filter(|p| (p.1 > median) == long).collect();
        let n = part.len() as f64;
        (n > 0.0).then(|| {
            let gap = part.iter().map(|p| p.0).sum::<f64>() / n;
            (gap, part.iter().map(|p| p.1).sum::<f64>() / n)
        })
    };
    match (mean(true), mean(false)) {
        (Some((long_gap, long)), Some((short_gap, short))) => {
            long_gap - short_gap >= (long - short) * 1000.0 * 0.5
        }
        _ => false,
    }
}

/// [`Witness::Millis`] when the first rows, their latency values read as seconds,
/// would have more requests in flight on average than [`IN_FLIGHT_PER_USER`] times
/// the most users they name.
fn users_rule_out_seconds(samples: &[Sample], latency: &str) -> Option<Witness> {
    let users = (samples.iter().filter_map(|s| s.users)).fold(0.0f64, f64::max);
    let starts = samples.iter().filter_map(|s| s.start_ms);
    let (lo, hi) = starts.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
    // Every request read as seconds lies between the first start and the last start
    // plus the longest latency: its average in flight there is the least peak.
    let latencies = samples.iter().filter_map(|s| s.latency);
    let longest = latencies.clone().fold(0.0f64, f64::max);
    let span_s = (hi - lo) as f64 / 1000.0 + longest;
    let busy_s: f64 = latencies.clone().sum();
    let n = latencies.count();
    let in_flight = busy_s / span_s;
    let out = n >= MIN_PAIRS && users >= 1.0 && span_s > 0.0 && hi >= lo;
    (out && in_flight > users * IN_FLIGHT_PER_USER).then(|| {
        Witness::Millis(format!(
            "column `{latency}` names no unit: read as ms, as seconds ruled out: the first \
             {n} rows' latencies read as seconds would keep {in_flight:.0} requests in flight \
             on average over {span_s:.1} s (Little's law) with at most {users} users (name \
             the column `{latency}_ms` to say so)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(start: i64, end: Option<i64>, thread: &str, latency: f64) -> Sample {
        Sample {
            start_ms: Some(start),
            end_ms: end,
            thread: Some(thread.to_string()),
            users: None,
            latency: Some(latency),
        }
    }

    #[test]
    fn an_end_column_says_seconds_and_ms() {
        let lat = [1.2, 2.5, 3.1, 1.8, 2.2, 1.4];
        let secs: Vec<Sample> = (lat.iter().enumerate())
            .map(|(i, l)| {
                let s = i as i64 * 10_000;
                sample(s, Some(s + (l * 1000.0) as i64), "1", *l)
            })
            .collect();
        assert!(matches!(
            witness(&secs, "rt", Some("end"), None),
            Some(Witness::Seconds(_))
        ));
        let ms: Vec<Sample> = (lat.iter().enumerate())
            .map(|(i, l)| sample(i as i64 * 10_000, Some(i as i64 * 10_000 + 2), "1", *l))
            .collect();
        assert_eq!(witness(&ms, "rt", Some("end"), None), None);
    }

    #[test]
    fn a_users_next_start_after_the_latency_in_seconds_is_a_doubt() {
        let lat = [1.2, 2.5, 3.1, 1.8, 2.2, 1.4, 2.9];
        let mut t = 0;
        let mut rows = Vec::new();
        for l in lat {
            rows.push(sample(t, None, "u1", l));
            t += (l * 1000.0) as i64 + 15;
        }
        assert!(matches!(
            witness(&rows, "rt", None, Some("user")),
            Some(Witness::Doubt(_))
        ));
        // Started every 500 ms: the next request before the last ended, as seconds.
        let ms: Vec<Sample> = (lat.iter().enumerate())
            .map(|(i, l)| sample(i as i64 * 500, None, "u1", *l))
            .collect();
        assert_eq!(witness(&ms, "rt", None, Some("user")), None);
        // A fixed pacing that happens to exceed each latency as seconds: no witness.
        let paced: Vec<Sample> = (lat.iter().enumerate())
            .map(|(i, l)| sample(i as i64 * 10_000, None, "u1", *l))
            .collect();
        assert_eq!(witness(&paced, "rt", None, Some("user")), None);
    }

    /// Latencies 1.0–3.4 and a think time of 1–5 s (in a fixed cycle) after each.
    fn thinking(latency_as_s: bool, think_ms: impl Fn(usize) -> i64) -> Vec<Sample> {
        let mut t = 0;
        let mut rows = Vec::new();
        for i in 0..40 {
            let l = 1.0 + (i * 7 % 25) as f64 / 10.0;
            rows.push(sample(t, None, "u1", l));
            t += if latency_as_s { (l * 1000.0) as i64 } else { 2 } + think_ms(i);
        }
        rows
    }

    #[test]
    fn a_thinking_users_next_start_following_the_latency_in_seconds_is_a_doubt() {
        let think = |i: usize| 1000 + (i * 13 % 41) as i64 * 100;
        assert!(matches!(
            witness(&thinking(true, think), "rt", None, Some("user")),
            Some(Witness::Doubt(_))
        ));
        // ms with the same think time: some next starts come before the last ended.
        assert_eq!(
            witness(&thinking(false, think), "rt", None, Some("user")),
            None
        );
        // ms with a long think time (never overlapping as seconds): the gap does not
        // follow the latency, so nothing witnesses seconds.
        let long = |i: usize| 4000 + (i * 13 % 41) as i64 * 100;
        assert_eq!(
            witness(&thinking(false, long), "rt", None, Some("user")),
            None
        );
        // Fewer than 20 pairs: too few to speak from.
        let few: Vec<Sample> = thinking(true, think).into_iter().take(15).collect();
        assert_eq!(witness(&few, "rt", None, Some("user")), None);
    }

    #[test]
    fn more_in_flight_than_users_as_seconds_rules_seconds_out() {
        // 0.2 every 1 ms with 5 users: as seconds, 200 in flight (40 a user).
        let rows: Vec<Sample> = (0..100)
            .map(|i| Sample {
                users: Some(5.0),
                ..sample(i, None, "1", 0.2)
            })
            .collect();
        assert!(matches!(
            users_rule_out_seconds(&rows, "rt"),
            Some(Witness::Millis(_))
        ));
        // Every 100 ms: 2 in flight as seconds, for 5 users: seconds stay possible.
        let slow: Vec<Sample> = (0..100)
            .map(|i| Sample {
                users: Some(5.0),
                ..sample(i * 100, None, "1", 0.2)
            })
            .collect();
        assert_eq!(users_rule_out_seconds(&slow, "rt"), None);
    }
}
