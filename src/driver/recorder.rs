//! The recorder: one task that owns every histogram and output file. Users and
//! open-model requests send it a small `Sample` over an unbounded channel (lock-free
//! on the sending side), so no lock is shared on the hot path. Each second it closes
//! the interval: one `latency.hlog` line per endpoint, the failure and driver
//! comment lines, a flush, the progress line. Per stage × endpoint it keeps the
//! steady-window histograms the end-of-run summary is made of.
//!
//! A sample belongs to the interval in which the recorder receives it, i.e. when
//! the request completed (the usual HdrHistogram interval-log convention), and to
//! the stage whose steady window holds its (intended) start.
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
use super::hlog_out::HlogWriter;
use super::pacing::NO_LATENESS;
use super::progress::Progress;
use super::run::Shared;
use super::selfwatch::CpuWatch;
use super::summary::{EndpointSummary, StageSummary};
use crate::model::FailureKind;

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
    pub progress: Progress,
}

/// What the recorder hands back when it stops.
pub struct RecorderResult {
    /// Per-stage summaries.
    pub stages: Vec<StageSummary>,
    /// Requests recorded.
    pub requests: u64,
    /// Failed requests.
    pub failures: u64,
    /// The first write error, when any.
    pub write_error: Option<DriverError>,
}

#[derive(Default)]
struct Counts {
    failures: Vec<(FailureKind, u64)>,
}

impl Counts {
    fn add(&mut self, k: FailureKind) {
        match self.failures.iter_mut().find(|(f, _)| *f == k) {
            Some((_, n)) => *n += 1,
            None => self.failures.push((k, 1)),
        }
    }
    fn total(&self) -> u64 {
        self.failures.iter().map(|(_, n)| n).sum()
    }
}

struct StageAcc {
    start_us: u64,
    steady_us: Option<u64>,
    end_us: Option<u64>,
    hists: Vec<Option<(Histogram<u64>, Counts)>>,
}

struct Recorder {
    s: RecorderSetup,
    tags: Vec<String>,
    interval: Vec<(Histogram<u64>, Counts)>,
    all: Histogram<u64>,
    lateness: Histogram<u64>,
    interval_start: Instant,
    next_close: Instant,
    stages: Vec<StageAcc>,
    requests: u64,
    failures: u64,
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
        all: new_histogram(),
        lateness: new_histogram(),
        interval_start: t0,
        next_close: t0 + Duration::from_secs(1),
        stages: Vec::new(),
        requests: 0,
        failures: 0,
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
            r.close_interval(now);
        }
        r.check_dead_target(now);
    }
    // Whatever is already queued still counts.
    while let Ok(m) = rx.try_recv() {
        if let Msg::Sample(s) = m {
            r.record(s);
        }
    }
    r.close_interval(Instant::now());
    if let Some(csv) = r.s.csv.as_mut() {
        if let Err(e) = csv.flush() {
            r.fail_write(&r.csv_path.clone(), e);
        }
    }
    r.s.progress.finish();
    r.finish()
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

    fn mark(&mut self, index: usize, mark: Mark, at_us: u64) {
        while self.stages.len() <= index {
            self.stages.push(StageAcc {
                start_us: at_us,
                steady_us: None,
                end_us: None,
                hists: Vec::new(),
            });
        }
        let st = &mut self.stages[index];
        match mark {
            Mark::Start => st.start_us = at_us,
            Mark::Steady => st.steady_us = Some(at_us),
            Mark::End => st.end_us = Some(at_us),
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
        let (h, counts) = &mut self.interval[e];
        record_us(h, s.latency_us);
        record_us(&mut self.all, s.latency_us);
        if s.lateness_us != NO_LATENESS {
            record_us(&mut self.lateness, u64::from(s.lateness_us));
        }
        if let Some(k) = s.failure {
            self.failures += 1;
            counts.add(k);
        }
        let done_us = s.start_us + s.latency_us;
        match s.failure {
            Some(FailureKind::Connect) => {
                self.connect_failing_since.get_or_insert(done_us);
            }
            _ => self.connect_failing_since = None,
        }
        // The steady window of the stage the request started in.
        if let Some(st) = self
            .stages
            .iter_mut()
            .rev()
            .find(|st| st.start_us <= s.start_us)
        {
            let in_window = st.steady_us.is_some_and(|t| t <= s.start_us)
                && st.end_us.is_none_or(|t| s.start_us < t);
            if in_window {
                if st.hists.len() < self.tags.len() {
                    st.hists.resize_with(self.tags.len(), || None);
                }
                let (h, c) =
                    st.hists[e].get_or_insert_with(|| (new_histogram(), Counts::default()));
                record_us(h, s.latency_us);
                if let Some(k) = s.failure {
                    c.add(k);
                }
            }
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

    fn close_interval(&mut self, now: Instant) {
        let t0 = self.s.t0;
        let start_s = self
            .interval_start
            .saturating_duration_since(t0)
            .as_secs_f64();
        let len_s = now
            .saturating_duration_since(self.interval_start)
            .as_secs_f64();
        if len_s <= 0.0 {
            return;
        }
        let mut result = Ok(());
        if self.write_error.is_none() {
            for (i, (h, c)) in self.interval.iter().enumerate() {
                result = result
                    .and_then(|_| self.s.hlog.interval(&self.tags[i], start_s, len_s, h))
                    .and_then(|_| self.s.hlog.failures(&self.tags[i], start_s, &c.failures));
            }
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
            result = result
                .and_then(|_| self.s.hlog.comment(&line))
                .and_then(|_| self.s.hlog.flush());
        }
        if let Err(e) = result {
            let p = self.hlog_path.clone();
            self.fail_write(&p, e);
        }
        let errors: u64 = self.interval.iter().map(|(_, c)| c.total()).sum();
        let p95 = (!self.all.is_empty()).then(|| self.all.value_at_quantile(0.95) as f64 / 1000.0);
        self.s.progress.interval(
            self.all.len() as f64 / len_s,
            p95,
            errors,
            self.failures,
            self.s.shared.users.load(Ordering::Relaxed),
            self.s.shared.in_flight.load(Ordering::Relaxed),
        );
        for (h, c) in &mut self.interval {
            h.reset();
            c.failures.clear();
        }
        self.all.reset();
        self.lateness.reset();
        self.interval_start = now;
        let whole = now.saturating_duration_since(t0).as_secs() + 1;
        self.next_close = t0 + Duration::from_secs(whole);
    }

    fn finish(self) -> RecorderResult {
        let mut stages = Vec::new();
        for (i, (name, users, rate)) in self.s.stages.iter().enumerate() {
            let Some(st) = self.stages.get(i) else { break };
            let steady = st.steady_us.unwrap_or(st.start_us);
            let end = st.end_us.unwrap_or(steady);
            let steady_s = end.saturating_sub(steady) as f64 / 1e6;
            let mut total = new_histogram();
            let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
            let mut endpoints = Vec::new();
            for (e, slot) in st.hists.iter().enumerate() {
                let Some((h, c)) = slot else { continue };
                let _ = total.add(h);
                for (k, n) in &c.failures {
                    *kinds.entry(k.to_string()).or_default() += n;
                }
                endpoints.push(EndpointSummary::from_hist(&self.tags[e], h, c.total()));
            }
            let failures: u64 = kinds.values().sum();
            stages.push(StageSummary::new(
                name, *users, *rate, steady_s, &total, failures, kinds, endpoints,
            ));
        }
        RecorderResult {
            stages,
            requests: self.requests,
            failures: self.failures,
            write_error: self.write_error,
        }
    }
}
