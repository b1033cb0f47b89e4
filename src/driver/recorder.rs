//! The recorder: one task that owns every histogram and output file. Users and
//! open-model requests send it a small `Sample` over an unbounded channel (lock-free
//! on the sending side), so no lock is shared on the hot path. Each second it closes
//! the interval: one `latency.hlog` line per endpoint, the failure and driver
//! comment lines, a flush, the progress line.
//!
//! Seconds close on whole epoch seconds (the first interval is the part of a second
//! left after the start), the grid `analyze` puts every source's series on.
//! A sample belongs to the interval in which the recorder receives it, i.e. when
//! the request completed (the usual HdrHistogram interval-log convention). An
//! interval also closes at every stage boundary (start, end of ramp, end), and the
//! boundary's time in `run.toml` is the interval's edge, to the millisecond: every
//! interval then lies in one stage's ramp or steady window, or after a stage's end.
//! The end-of-run table counts, per stage, the intervals that
//! [`crate::model::interval_window`] puts in its steady window: the rule `analyze`
//! applies to the same `latency.hlog` and `run.toml`, so both count the same
//! requests (a request still in flight at a stage's end counts where it completed;
//! one that completes during a ramp or after the last stage counts in no stage).
//!
//! The recorder also decides two of the reasons a run stops early: the request
//! bound, and a dead target (only connection failures for more than 3 s).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use hdrhistogram::Histogram;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::csv_out::{RequestsCsv, Row};
use super::error::DriverError;
use super::hist::{new_histogram, record_us};
use super::live::{ClosedInterval, LiveJudge};
use super::pacing::NO_LATENESS;
use super::progress::DriveProgress;
use super::run::Shared;
use super::selfwatch::CpuWatch;
use super::summary::{EndpointSummary, StageSummary};
use crate::hlog::HlogWriter;
use crate::model::{interval_window, FailureKind};

/// How often the recorder drains its channel.
const DRAIN_EVERY: Duration = Duration::from_millis(5);

/// A run with only connection failures for this long is stopped: the target died.
pub const DEAD_TARGET_AFTER: Duration = Duration::from_secs(3);

/// One finished request.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// Endpoint index.
    pub endpoint: u16,
    /// HTTP status, 0 for none.
    pub status: u16,
    /// Why it failed (transport error or unexpected status).
    pub failure: Option<FailureKind>,
    /// (Intended) start, µs since the run's start.
    pub start_us: u64,
    /// Latency, µs (from the intended start in an open-model stage).
    pub latency_us: u64,
    /// Active users, or in-flight requests in an open-model stage.
    pub users: u32,
    /// How late the timer that started this request fired, µs (`NO_LATENESS`: none).
    pub lateness_us: u32,
    /// The system's error when the connection could not be opened.
    pub cause: Option<std::io::ErrorKind>,
}

/// Stage boundaries, as the controller sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// The stage begins (its ramp, if any, starts).
    Start,
    /// The ramp is over: the steady window begins.
    Steady,
    /// The stage ends.
    End,
}

/// What the recorder receives.
#[derive(Debug)]
pub enum Msg {
    /// A finished request.
    Sample(Sample),
    /// A stage boundary at `at_us` µs since the run's start.
    Stage {
        /// Stage index.
        index: usize,
        /// Which boundary.
        mark: Mark,
        /// When.
        at_us: u64,
    },
    /// Close the last interval and stop; later samples are ignored.
    Finish,
}

/// Where the recorder writes and what it knows of the run.
pub struct RecorderSetup {
    /// Endpoint keys.
    pub endpoints: Vec<String>,
    /// Stage names and loads (for the summary).
    pub stages: Vec<(String, Option<u32>, Option<f64>)>,
    /// Run start (monotonic).
    pub t0: Instant,
    /// Run start (wall clock, epoch ms).
    pub t0_epoch_ms: i64,
    /// The interval log.
    pub hlog: HlogWriter<BufWriter<File>>,
    /// The per-request CSV, with `--raw`.
    pub csv: Option<RequestsCsv<BufWriter<File>>>,
    /// Stop after this many requests.
    pub max_requests: u64,
    /// Counters shared with the controller.
    pub shared: Arc<Shared>,
    /// Set to the reason when the recorder wants the run stopped.
    pub abort: watch::Sender<Option<String>>,
    /// Live progress line.
    pub progress: DriveProgress,
    /// Judges each closed interval; a breach it names stops the run.
    pub judge: Option<LiveJudge>,
}

/// A stage's boundaries in the interval log: ms since its `StartTime` (the run's
/// start, whole ms), each one an interval's edge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StageMarks {
    /// The stage began.
    pub start_ms: u64,
    /// Its ramp ended.
    pub steady_ms: Option<u64>,
    /// It ended.
    pub end_ms: Option<u64>,
}

/// What the recorder hands back when it stops.
pub struct RecorderResult {
    /// Per-stage summaries.
    pub stages: Vec<StageSummary>,
    /// The stages' boundaries as written in the interval log (for `run.toml`).
    pub marks: Vec<StageMarks>,
    /// Requests recorded.
    pub requests: u64,
    /// Failed requests.
    pub failures: u64,
    /// Requests that got an HTTP response (any status).
    pub responses: u64,
    /// Requests by failure kind, all stages.
    pub failures_by_kind: BTreeMap<String, u64>,
    /// The first connection error the system reported (`connection refused`…).
    pub first_cause: Option<std::io::ErrorKind>,
    /// The first write error, when any.
    pub write_error: Option<DriverError>,
}

#[derive(Default)]
struct Counts {
    failures: Vec<(FailureKind, u64)>,
}

impl Counts {
    fn add_n(&mut self, k: FailureKind, n: u64) {
        match self.failures.iter_mut().find(|(f, _)| *f == k) {
            Some((_, m)) => *m += n,
            None => self.failures.push((k, n)),
        }
    }
    fn add(&mut self, k: FailureKind) {
        self.add_n(k, 1);
    }
    fn total(&self) -> u64 {
        self.failures.iter().map(|(_, n)| n).sum()
    }
}

/// Per endpoint: a latency histogram (µs) and failure counts.
type PerEndpoint = Vec<Option<(Histogram<u64>, Counts)>>;

/// Adds one interval's figures into an accumulator.
fn merge_into(acc: &mut PerEndpoint, e: usize, h: &Histogram<u64>, c: &Counts) {
    if acc.len() <= e {
        acc.resize_with(e + 1, || None);
    }
    let (ah, ac) = acc[e].get_or_insert_with(|| (new_histogram(), Counts::default()));
    let _ = ah.add(h);
    for &(k, n) in &c.failures {
        ac.add_n(k, n);
    }
}

/// The time between two consecutive stage boundaries: every interval lies in one.
struct Segment {
    start_ms: u64,
    per_endpoint: PerEndpoint,
}

struct Recorder {
    s: RecorderSetup,
    tags: Vec<String>,
    /// The open interval, per endpoint, and when it began (ms since the run's start).
    interval: Vec<(Histogram<u64>, Counts)>,
    interval_start_ms: u64,
    /// Since the last whole-second close: for the progress and `#[driver: …]` lines.
    all: Histogram<u64>,
    lateness: Histogram<u64>,
    tick_errors: u64,
    tick_start_ms: u64,
    next_close: Instant,
    marks: Vec<StageMarks>,
    segments: Vec<Segment>,
    requests: u64,
    failures: u64,
    responses: u64,
    kinds: Counts,
    first_cause: Option<std::io::ErrorKind>,
    connect_failing_since: Option<u64>,
    cpu: CpuWatch,
    write_error: Option<DriverError>,
    hlog_path: std::path::PathBuf,
    csv_path: std::path::PathBuf,
    aborted: bool,
}

/// Runs the recorder until `Finish` (or every sender is gone).
pub async fn run(
    setup: RecorderSetup,
    mut rx: mpsc::UnboundedReceiver<Msg>,
    dir: &Path,
) -> RecorderResult {
    let n = setup.endpoints.len();
    let t0 = setup.t0;
    let mut r = Recorder {
        tags: setup.endpoints.clone(),
        interval: (0..n)
            .map(|_| (new_histogram(), Counts::default()))
            .collect(),
        interval_start_ms: 0,
        all: new_histogram(),
        lateness: new_histogram(),
        tick_errors: 0,
        tick_start_ms: 0,
        next_close: t0 + grid_offset(setup.t0_epoch_ms),
        marks: Vec::new(),
        segments: vec![Segment {
            start_ms: 0,
            per_endpoint: Vec::new(),
        }],
        requests: 0,
        failures: 0,
        responses: 0,
        kinds: Counts::default(),
        first_cause: None,
        connect_failing_since: None,
        cpu: CpuWatch::new(),
        write_error: None,
        hlog_path: dir.join("latency.hlog"),
        csv_path: dir.join("requests.csv"),
        aborted: false,
        s: setup,
    };
    // The recorder drains the channel on a short tick instead of waiting on it:
    // a receiver parked in `recv` is woken by every send, which costs a task wake-up
    // per request; one that is not waiting costs the senders nothing.
    let mut tick = tokio::time::interval(DRAIN_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut finished = false;
    while !finished {
        tick.tick().await;
        loop {
            match rx.try_recv() {
                Ok(m) => finished |= r.handle(m),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    finished = true;
                    break;
                }
            }
            if finished {
                break;
            }
        }
        let now = Instant::now();
        if now >= r.next_close {
            r.close_second(now, false);
        }
        r.check_dead_target(now);
    }
    // Whatever is already queued still counts.
    while let Ok(m) = rx.try_recv() {
        if let Msg::Sample(s) = m {
            r.record(s);
        }
    }
    r.close_second(Instant::now(), true);
    if let Some(csv) = r.s.csv.as_mut() {
        if let Err(e) = csv.flush() {
            r.fail_write(&r.csv_path.clone(), e);
        }
    }
    r.s.progress.finish();
    r.finish()
}

/// From the run's start to the first whole epoch second after it. Intervals close on
/// whole epoch seconds (the first one is shorter), the grid of `analyze`'s per-interval
/// series: an interval then never straddles two of its seconds, so no second of the
/// series holds more (or less) than a second of requests.
fn grid_offset(t0_epoch_ms: i64) -> Duration {
    let into = t0_epoch_ms.rem_euclid(1000) as u64;
    Duration::from_millis(if into == 0 { 1000 } else { 1000 - into })
}

impl Recorder {
    /// Returns true on `Finish`.
    fn handle(&mut self, m: Msg) -> bool {
        match m {
            Msg::Sample(s) => self.record(s),
            Msg::Stage { index, mark, at_us } => self.mark(index, mark, at_us),
            Msg::Finish => return true,
        }
        false
    }

    /// ms since the run's start (the interval log's `StartTime`).
    fn ms_since_start(&self, t: Instant) -> u64 {
        t.saturating_duration_since(self.s.t0).as_millis() as u64
    }

    /// A stage boundary: the open interval closes there, and a new segment begins.
    /// A boundary is never earlier than the last interval's edge (a second may have
    /// closed since the controller took the time); `run.toml` gets the edge.
    fn mark(&mut self, index: usize, mark: Mark, at_us: u64) {
        let at = (at_us / 1000).max(self.interval_start_ms);
        self.close_interval(at);
        if self.segments.last().is_none_or(|s| s.start_ms < at) {
            self.segments.push(Segment {
                start_ms: at,
                per_endpoint: Vec::new(),
            });
        }
        while self.marks.len() <= index {
            self.marks.push(StageMarks {
                start_ms: at,
                ..StageMarks::default()
            });
        }
        let m = &mut self.marks[index];
        match mark {
            Mark::Start => m.start_ms = at,
            Mark::Steady => m.steady_ms = Some(at),
            Mark::End => m.end_ms = Some(at),
        }
        if let Some((name, _, _)) = self.s.stages.get(index) {
            if mark == Mark::Start {
                self.s.progress.set_stage(name);
            }
        }
    }

    fn record(&mut self, s: Sample) {
        let e = usize::from(s.endpoint);
        if e >= self.interval.len() {
            return;
        }
        self.requests += 1;
        if s.status != 0 {
            self.responses += 1;
        }
        if s.cause.is_some() && self.first_cause.is_none() {
            self.first_cause = s.cause;
        }
        let (h, counts) = &mut self.interval[e];
        record_us(h, s.latency_us);
        record_us(&mut self.all, s.latency_us);
        if s.lateness_us != NO_LATENESS {
            record_us(&mut self.lateness, u64::from(s.lateness_us));
        }
        if let Some(k) = s.failure {
            self.failures += 1;
            self.tick_errors += 1;
            counts.add(k);
            self.kinds.add(k);
        }
        let done_us = s.start_us + s.latency_us;
        match s.failure {
            Some(FailureKind::Connect | FailureKind::Tls) => {
                self.connect_failing_since.get_or_insert(done_us);
            }
            _ => self.connect_failing_since = None,
        }
        if let Some(csv) = self.s.csv.as_mut() {
            let row = Row {
                timestamp_ms: self.s.t0_epoch_ms + (s.start_us / 1000) as i64,
                endpoint: e,
                latency_us: s.latency_us,
                status: s.status,
                failure: s.failure,
                users: s.users,
            };
            if let Err(err) = csv.row(&row) {
                let p = self.csv_path.clone();
                self.s.csv = None;
                self.fail_write(&p, err);
            }
        }
        if self.requests >= self.s.max_requests {
            self.stop(format!("max_requests ({}) reached", self.s.max_requests));
        }
    }

    fn check_dead_target(&mut self, now: Instant) {
        let now_us = now.saturating_duration_since(self.s.t0).as_micros() as u64;
        if let Some(since) = self.connect_failing_since {
            if now_us.saturating_sub(since) > DEAD_TARGET_AFTER.as_micros() as u64 {
                self.stop(format!(
                    "target unreachable: every connection failed for more than {} s",
                    DEAD_TARGET_AFTER.as_secs()
                ));
            }
        }
    }

    fn stop(&mut self, reason: String) {
        if !self.aborted {
            self.aborted = true;
            self.s.abort.send_replace(Some(reason));
        }
    }

    fn fail_write(&mut self, path: &Path, e: std::io::Error) {
        if self.write_error.is_none() {
            self.stop(format!("cannot write {}: {e}", path.display()));
            self.write_error = Some(DriverError::io(path, e));
        }
    }

    /// Closes the open interval at `end_ms` (ms since the run's start): one line per
    /// endpoint and its failures, and its figures added to the current segment. An
    /// empty span closes nothing (what it holds stays in the open interval).
    fn close_interval(&mut self, end_ms: u64) {
        let start_ms = self.interval_start_ms;
        if end_ms <= start_ms {
            return;
        }
        let (start_s, len_s) = (
            start_ms as f64 / 1000.0,
            (end_ms - start_ms) as f64 / 1000.0,
        );
        if self.write_error.is_none() {
            let mut result = Ok(());
            for (i, (h, c)) in self.interval.iter().enumerate() {
                result = result
                    .and_then(|_| self.s.hlog.interval(&self.tags[i], start_s, len_s, h))
                    .and_then(|_| self.s.hlog.failures(&self.tags[i], start_s, &c.failures));
            }
            if let Err(e) = result {
                let p = self.hlog_path.clone();
                self.fail_write(&p, e);
            }
        }
        if let Some(seg) = self.segments.last_mut() {
            for (e, (h, c)) in self.interval.iter().enumerate() {
                if !h.is_empty() || !c.failures.is_empty() {
                    merge_into(&mut seg.per_endpoint, e, h, c);
                }
            }
        }
        if let Some(judge) = self.s.judge.clone() {
            let mut all = new_histogram();
            let mut failures = 0;
            for (h, c) in &self.interval {
                let _ = all.add(h);
                failures += c.total();
            }
            let iv = ClosedInterval {
                start_ms,
                end_ms,
                requests: all.len(),
                failures,
                histogram: &all,
            };
            if let Some(reason) = judge.judge(&iv) {
                self.stop(reason);
            }
        }
        for (h, c) in &mut self.interval {
            h.reset();
            c.failures.clear();
        }
        self.interval_start_ms = end_ms;
    }

    /// The whole-second close: the open interval, the `#[driver: …]` line, a flush,
    /// the progress line. `last` closes the run's final interval even when it is
    /// shorter than a millisecond.
    fn close_second(&mut self, now: Instant, last: bool) {
        let mut end_ms = self.ms_since_start(now);
        let holds_data = self.interval.iter().any(|(h, _)| !h.is_empty());
        if last && holds_data && end_ms <= self.interval_start_ms {
            end_ms = self.interval_start_ms + 1;
        }
        self.close_interval(end_ms);
        let end_ms = end_ms.max(self.tick_start_ms);
        let len_s = (end_ms - self.tick_start_ms) as f64 / 1000.0;
        if len_s <= 0.0 {
            return;
        }
        let start_s = self.tick_start_ms as f64 / 1000.0;
        if self.write_error.is_none() {
            let cpu = self
                .cpu
                .sample()
                .map_or("n/a".to_string(), |c| format!("{c:.1}%"));
            let (p99, max) = if self.lateness.is_empty() {
                (0.0, 0.0)
            } else {
                (
                    self.lateness.value_at_quantile(0.99) as f64 / 1000.0,
                    self.lateness.max() as f64 / 1000.0,
                )
            };
            let line = format!(
                "driver: t={start_s:.3}, len={len_s:.3}, cpu={cpu}, lateness_p99_ms={p99:.3}, lateness_max_ms={max:.3}, users={}, in_flight={}",
                self.s.shared.users.load(Ordering::Relaxed),
                self.s.shared.in_flight.load(Ordering::Relaxed)
            );
            let result = self.s.hlog.comment(&line).and_then(|_| self.s.hlog.flush());
            if let Err(e) = result {
                let p = self.hlog_path.clone();
                self.fail_write(&p, e);
            }
        }
        let p95 = (!self.all.is_empty()).then(|| self.all.value_at_quantile(0.95) as f64 / 1000.0);
        self.s.progress.interval(
            self.all.len() as f64 / len_s,
            p95,
            self.tick_errors,
            self.failures,
            self.s.shared.users.load(Ordering::Relaxed),
            self.s.shared.in_flight.load(Ordering::Relaxed),
        );
        self.all.reset();
        self.lateness.reset();
        self.tick_errors = 0;
        self.tick_start_ms = end_ms;
        let first = grid_offset(self.s.t0_epoch_ms);
        let since = now.saturating_duration_since(self.s.t0);
        let whole = match since.checked_sub(first) {
            Some(after) => after.as_secs() + 1,
            None => 0,
        };
        self.next_close = self.s.t0 + first + Duration::from_secs(whole);
    }

    /// Per stage, the segments [`interval_window`] puts in its steady window, with the
    /// windows `analyze` reads from `run.toml` (epoch ms).
    fn finish(self) -> RecorderResult {
        let base = self.s.t0_epoch_ms;
        let epoch = |ms: u64| base.saturating_add(ms as i64);
        let windows: Vec<Option<(i64, i64)>> = self
            .marks
            .iter()
            .map(|m| {
                let from = m.steady_ms.unwrap_or(m.start_ms);
                m.end_ms.map(|to| (epoch(from), epoch(to)))
            })
            .collect();
        let mut per_stage: Vec<(PerEndpoint, Option<(u64, u64)>)> =
            (0..windows.len()).map(|_| (Vec::new(), None)).collect();
        let ends = self
            .segments
            .iter()
            .skip(1)
            .map(|s| s.start_ms)
            .chain([self.interval_start_ms]);
        for (seg, end) in self.segments.iter().zip(ends) {
            if end <= seg.start_ms {
                continue;
            }
            let Some(i) = interval_window(windows.iter().copied(), epoch(seg.start_ms), epoch(end))
            else {
                continue;
            };
            let (acc, span) = &mut per_stage[i];
            *span = Some(span.map_or((seg.start_ms, end), |(a, b)| {
                (a.min(seg.start_ms), b.max(end))
            }));
            for (e, slot) in seg.per_endpoint.iter().enumerate() {
                if let Some((h, c)) = slot {
                    merge_into(acc, e, h, c);
                }
            }
        }
        let mut stages = Vec::new();
        for ((name, users, rate), (acc, span)) in self.s.stages.iter().zip(&per_stage) {
            let duration_s = span.map_or(0.0, |(a, b)| (b - a) as f64 / 1000.0);
            let mut total = new_histogram();
            let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
            let mut endpoints = Vec::new();
            for (e, slot) in acc.iter().enumerate() {
                let Some((h, c)) = slot else { continue };
                let _ = total.add(h);
                for (k, n) in &c.failures {
                    *kinds.entry(k.to_string()).or_default() += n;
                }
                endpoints.push(EndpointSummary::from_hist(&self.tags[e], h, c.total()));
            }
            let failures: u64 = kinds.values().sum();
            stages.push(StageSummary::new(
                name, *users, *rate, duration_s, &total, failures, kinds, endpoints,
            ));
        }
        RecorderResult {
            stages,
            marks: self.marks,
            requests: self.requests,
            failures: self.failures,
            responses: self.responses,
            failures_by_kind: self
                .kinds
                .failures
                .iter()
                .map(|(k, n)| (k.to_string(), *n))
                .collect(),
            first_cause: self.first_cause,
            write_error: self.write_error,
        }
    }
}
