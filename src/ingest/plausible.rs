//! Plausibility of per-request rows: a few rows far from all the others in time (epoch
//! 0, year 9999, a stray clock) or with a latency longer than the whole run (and than a
//! minute) are left out, as problems naming their lines, instead of stretching the run.
//!
//! A [`Watch`] sees one file's requests on the survey pass, keeping only the extreme
//! ones (memory stays bounded), and decides what to leave out ([`Exclusions`]); the
//! following passes skip those rows.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::path::Path;

use super::problem;
use crate::model::Problem;

/// The most rows of each extreme kept, hence the most left out per file.
const KEEP: usize = 10_001;
/// How many times `KEEP` items a [`Smallest`] buffers before it cuts them to `KEEP`.
const CUT_AT: usize = 4;
/// Rows that may be left out for their time: 0.1% of the file (at least one).
const SHARE: u64 = 1000;
/// Lines named in a problem.
const SHOWN: usize = 10;
/// A latency no longer than this is never left out, whatever the run's span: a
/// timeout may outlast a short run, and a tool that stamps starts to the whole second
/// (ab's `-g`) shows a sub-second run as no span at all.
const PLAUSIBLE_LATENCY_MS: i64 = 60_000;

/// One request as the watch keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    t_ms: i64,
    ordinal: u64,
    line: Option<u64>,
}

/// A request by when it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Ended {
    end_ms: i64,
    latency_ms: i64,
    seen: Seen,
}

/// The requests of a file to leave out.
#[derive(Clone, Debug, Default)]
pub struct Exclusions {
    /// Requests that start before this are left out.
    from_ms: Option<i64>,
    /// Requests that start after this are left out.
    to_ms: Option<i64>,
    /// Requests (by their order in the file) left out for their latency.
    ordinals: BTreeSet<u64>,
}

impl Exclusions {
    /// True when nothing is left out.
    pub fn is_empty(&self) -> bool {
        self.from_ms.is_none() && self.to_ms.is_none() && self.ordinals.is_empty()
    }

    /// True when the `ordinal`-th request of the file, starting at `t_ms`, is used.
    pub fn keeps(&self, ordinal: u64, t_ms: i64) -> bool {
        self.from_ms.is_none_or(|f| t_ms >= f)
            && self.to_ms.is_none_or(|t| t_ms <= t)
            && !self.ordinals.contains(&ordinal)
    }
}

/// Watches one file's requests (in file order) for rows to leave out.
#[derive(Default)]
pub struct Watch {
    requests: u64,
    /// The earliest starts (the `KEEP` smallest).
    earliest: Smallest<Seen>,
    /// The latest starts.
    latest: Smallest<Reverse<Seen>>,
    /// The latest ends.
    last_ended: Smallest<Reverse<Ended>>,
}

/// The `KEEP` smallest items pushed, in amortised constant time a push: items go
/// into a buffer that is cut back to the `KEEP` smallest whenever it holds `CUT_AT`
/// times as many, and an item not below the largest kept after a cut is dropped at
/// once (a heap would pay a log-time pop for each row of a file in time order). A
/// cut's selection touches the whole buffer, so a buffer four times `KEEP` (about
/// 2 MB) costs each push a third of a touch more, where one twice `KEEP` costs a
/// whole one more: the latest starts and ends take every row of a file in time order.
struct Smallest<T> {
    items: Vec<T>,
    /// The largest item kept by the last cut, once `KEEP` are kept.
    bound: Option<T>,
}

impl<T> Default for Smallest<T> {
    fn default() -> Self {
        Smallest {
            items: Vec::new(),
            bound: None,
        }
    }
}

impl<T: Ord + Copy> Smallest<T> {
    fn push(&mut self, item: T) {
        if self.bound.is_some_and(|b| item >= b) {
            return;
        }
        self.items.push(item);
        if self.items.len() >= CUT_AT * KEEP {
            self.cut();
        }
    }

    /// Keeps the `KEEP` smallest.
    fn cut(&mut self) {
        if self.items.len() > KEEP {
            self.items.select_nth_unstable(KEEP - 1);
            self.items.truncate(KEEP);
        }
        if self.items.len() == KEEP {
            self.bound = self.items.iter().max().copied();
        }
    }

    /// The `KEEP` smallest, in no order.
    fn into_vec(mut self) -> Vec<T> {
        self.cut();
        self.items
    }
}

fn keep_top<T: Ord + Copy>(kept: &mut Smallest<T>, item: T) {
    kept.push(item);
}

/// `ms.ceil() as i64` without `f64::ceil`'s libm call, on every request: the cast
/// truncates towards zero (saturating, NaN to 0), and a positive remainder rounds up.
fn ceil_ms(ms: f64) -> i64 {
    let whole = ms as i64;
    whole.saturating_add(i64::from((whole as f64) < ms))
}

impl Watch {
    /// Sees the next request: it starts at `t_ms` and took `latency_ms`.
    pub fn see(&mut self, t_ms: i64, latency_ms: Option<f64>, line: Option<u64>) {
        let seen = Seen {
            t_ms,
            ordinal: self.requests,
            line,
        };
        self.requests += 1;
        keep_top(&mut self.earliest, seen);
        keep_top(&mut self.latest, Reverse(seen));
        let latency_ms = latency_ms.map_or(0, ceil_ms);
        let ended = Ended {
            end_ms: t_ms.saturating_add(latency_ms),
            latency_ms,
            seen,
        };
        keep_top(&mut self.last_ended, Reverse(ended));
    }

    /// Requests seen so far.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Adds the watch of the part of the file that follows this one's (a parallel
    /// reader's byte range): its requests' ordinals follow this one's, and what is kept
    /// is what one watch over both parts would keep.
    pub fn append(&mut self, other: Watch) {
        let shift = self.requests;
        let moved = |s: Seen| Seen {
            ordinal: s.ordinal + shift,
            ..s
        };
        for s in other.earliest.into_vec() {
            keep_top(&mut self.earliest, moved(s));
        }
        for Reverse(s) in other.latest.into_vec() {
            keep_top(&mut self.latest, Reverse(moved(s)));
        }
        for Reverse(e) in other.last_ended.into_vec() {
            let e = Ended {
                seen: moved(e.seen),
                ..e
            };
            keep_top(&mut self.last_ended, Reverse(e));
        }
        self.requests += other.requests;
    }

    /// What to leave out of `path`, and the problems saying so.
    pub fn finish(self, path: &Path) -> (Exclusions, Vec<Problem>) {
        let mut out = Exclusions::default();
        let mut problems = Vec::new();
        let n = self.requests;
        if n < 2 {
            return (out, problems);
        }
        let mut early: Vec<Seen> = self.earliest.into_vec();
        early.sort();
        let mut late: Vec<Seen> = self.latest.into_vec().into_iter().map(|r| r.0).collect();
        late.sort_by(|a, b| b.cmp(a));
        let (a, b) = outlying(&early, &late, n);
        let mut left: Vec<Seen> = early[..a].iter().chain(&late[..b]).copied().collect();
        if a > 0 {
            out.from_ms = Some(early[a].t_ms);
        }
        if b > 0 {
            out.to_ms = Some(late[b].t_ms);
        }
        if !left.is_empty() {
            let (from, to) = (early[a].t_ms, late[b].t_ms);
            left.sort();
            problems.push(problem(
                path,
                left[0].line,
                format!(
                    "{} far from all the others in time (the first at {} ms since 1970; the \
                     rest span {from} to {to}): left out, not used to stretch the run ({}); \
                     check the clock that wrote them",
                    rows_start(left.len()),
                    left[0].t_ms,
                    where_(&left),
                ),
            ));
        }
        // Latencies longer than the run without them: from the first start to the last
        // start or the last other end.
        let (first, last_start) = (early[a].t_ms, late[b].t_ms);
        let mut ended: Vec<Ended> = self
            .last_ended
            .into_vec()
            .into_iter()
            .map(|r| r.0)
            .filter(|e| out.keeps(u64::MAX, e.seen.t_ms))
            .collect();
        ended.sort_by(|x, y| y.cmp(x));
        let mut long = Vec::new();
        for pair in ended.windows(2) {
            let (this, next) = (pair[0], pair[1]);
            let span = next.end_ms.max(last_start).saturating_sub(first);
            if this.latency_ms > span.max(PLAUSIBLE_LATENCY_MS) {
                long.push(this);
            } else {
                break;
            }
        }
        if !long.is_empty() {
            let mut seen: Vec<Seen> = long.iter().map(|e| e.seen).collect();
            seen.sort();
            out.ordinals = seen.iter().map(|s| s.ordinal).collect();
            problems.push(problem(
                path,
                seen[0].line,
                format!(
                    "{} a latency longer than the whole run (up to {} ms; the other \
                     requests span {} ms): left out ({})",
                    rows_have(seen.len()),
                    long.iter().map(|e| e.latency_ms).max().unwrap_or(0),
                    ended[long.len()]
                        .end_ms
                        .max(last_start)
                        .saturating_sub(first),
                    where_(&seen),
                ),
            ));
        }
        (out, problems)
    }
}

/// How many of the earliest (`a`) and latest (`b`) requests lie far from the rest:
/// at most 0.1% of the `n` requests, each side separated from the rest by a gap longer
/// than the rest's whole span. The tightest such rest wins.
fn outlying(early: &[Seen], late: &[Seen], n: u64) -> (usize, usize) {
    let limit = ((n / SHARE) as usize).min(KEEP - 1);
    if limit == 0 {
        return (0, 0);
    }
    let gap = |v: &[Seen], i: usize| (v[i].t_ms - v[i - 1].t_ms).abs();
    // Any rest spans at least the middle rows' span.
    let core = if n as usize > 2 * limit + 1 && early.len() > limit && late.len() > limit {
        late[limit].t_ms - early[limit].t_ms
    } else {
        0
    };
    let candidates = |v: &[Seen]| -> Vec<usize> {
        let mut c: Vec<usize> = (1..=limit.min(v.len().saturating_sub(1)))
            .filter(|&i| gap(v, i) > core)
            .collect();
        c.sort_by_key(|&i| Reverse(gap(v, i)));
        c.truncate(64);
        c.push(0);
        c
    };
    let (low, high) = (candidates(early), candidates(late));
    let mut best: Option<(i64, usize, usize, usize)> = None;
    for &a in &low {
        for &b in &high {
            if a + b == 0 || a + b > limit || (a + b) as u64 >= n {
                continue;
            }
            let (from, to) = (early[a].t_ms, late[b].t_ms);
            if from > to {
                continue;
            }
            let span = to - from;
            let apart = (a == 0 || gap(early, a) > span) && (b == 0 || gap(late, b) > span);
            if apart && best.is_none_or(|(s, k, _, _)| (span, a + b) < (s, k)) {
                best = Some((span, a + b, a, b));
            }
        }
    }
    best.map_or((0, 0), |(_, _, a, b)| (a, b))
}

fn rows_start(n: usize) -> String {
    if n == 1 {
        "1 row starts".into()
    } else {
        format!("{n} rows start")
    }
}

fn rows_have(n: usize) -> String {
    if n == 1 {
        "1 row has".into()
    } else {
        format!("{n} rows have")
    }
}

/// `line 2`, `lines 2, 9, …` (or the rows' order in the file when it has no lines).
fn where_(rows: &[Seen]) -> String {
    let shown: Vec<String> = rows
        .iter()
        .take(SHOWN)
        .map(|s| match s.line {
            Some(l) => l.to_string(),
            None => format!("request #{}", s.ordinal + 1),
        })
        .collect();
    let more = if rows.len() > SHOWN { ", …" } else { "" };
    let noun = if rows.len() == 1 { "line" } else { "lines" };
    format!("{noun} {}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cast-based ceiling is `f64::ceil`'s, at whole values, just above and below
    /// them, negatives, huge values and NaN.
    #[test]
    fn ceil_ms_is_f64_ceil() {
        let mut cases = vec![
            0.0,
            -0.0,
            -0.5,
            -1.5,
            0.5,
            1.0,
            1e19,
            -1e19,
            9.3e18,
            f64::NAN,
        ];
        cases.extend([f64::INFINITY, f64::NEG_INFINITY, 4_503_599_627_370_497.0]);
        for whole in [1.0f64, 2.0, 805.0, 1e6, 1_717_200_000_000.0] {
            cases.extend([
                whole,
                f64::from_bits(whole.to_bits() - 1),
                f64::from_bits(whole.to_bits() + 1),
                whole + 0.25,
            ]);
        }
        for ms in cases {
            assert_eq!(ceil_ms(ms), ms.ceil() as i64, "{ms:e}");
        }
    }

    fn watch(times: &[i64], latencies: &[f64]) -> (Exclusions, Vec<Problem>) {
        let mut w = Watch::default();
        for (i, t) in times.iter().enumerate() {
            w.see(*t, latencies.get(i).copied(), Some(i as u64 + 2));
        }
        w.finish(Path::new("f.csv"))
    }

    const T0: i64 = 1_700_000_000_000;

    #[test]
    fn leaves_out_a_stray_clock_at_either_end() {
        let mut times: Vec<i64> = (0..2000).map(|i| T0 + i * 10).collect();
        times[700] = 0;
        times[900] = 253_402_300_000_000;
        let (ex, problems) = watch(&times, &[]);
        assert!(!ex.keeps(700, 0) && !ex.keeps(900, 253_402_300_000_000));
        assert!(ex.keeps(1, T0 + 10) && ex.keeps(1999, T0 + 19_990));
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].reason.contains("lines 702, 902"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn keeps_runs_without_strays() {
        let times: Vec<i64> = (0..2000).map(|i| T0 + i * 10).collect();
        assert!(watch(&times, &[]).0.is_empty());
        // Two equal halves far apart are two stages, not strays.
        let times: Vec<i64> = (0..2000)
            .map(|i| T0 + i * 10 + if i >= 1000 { 3_600_000 } else { 0 })
            .collect();
        assert!(watch(&times, &[]).0.is_empty());
    }

    #[test]
    fn leaves_out_a_latency_longer_than_the_run() {
        let times: Vec<i64> = (0..100).map(|i| T0 + i * 10).collect();
        let mut lat = vec![5.0; 100];
        lat[40] = 1e15;
        let (ex, problems) = watch(&times, &lat);
        assert!(!ex.keeps(40, T0 + 400) && ex.keeps(41, T0 + 410));
        assert!(problems[0].reason.contains("line 42"), "{}", problems[0]);
        // The last request may end after all the others.
        assert!(watch(&[T0, T0 + 1000], &[5.0, 7.0]).0.is_empty());
        // A latency under a minute never is left out: ab's `-g` stamps a 0.2 s run's
        // 600 starts with one second, its longest 37 ms request past the others' 31.
        let mut lat = vec![31.0; 600];
        lat[599] = 37.0;
        assert!(watch(&[T0; 600], &lat).0.is_empty());
        lat[599] = 60_001.0;
        assert!(!watch(&[T0; 600], &lat).0.is_empty());
    }

    #[test]
    fn small_files_keep_every_time() {
        // One row in 999 is more than 0.1 %: kept.
        let mut times: Vec<i64> = (0..999).map(|i| T0 + i * 10).collect();
        times[5] = 0;
        assert!(watch(&times, &[]).0.is_empty());
    }
}
