//! The run controller: walks the stages (spawning and retiring closed-model users,
//! running the open-model arrival schedule), watches for the reasons to stop early
//! (Ctrl-C or another caller-given signal, the recorder's dead-target or request
//! bound, `max_duration`), drains or aborts what is in flight, and writes the run
//! dir: `run.toml`, `latency.hlog` and, with `raw`, `requests.csv`.
//!
//! One tokio runtime; every user is a task with its own connection and RNG; the
//! only state shared on the hot path is a few atomic counters and the recorder's
//! lock-free channel.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::checks::CheckCounters;
use super::client::{Conn, Outcome, Target};
use super::csv_out::RequestsCsv;
use super::error::DriverError;
use super::live::LiveJudge;
use super::manifest_out::{self, StageTimes, IN_PROGRESS};
use super::pacing::{self, ArrivalSchedule, NO_LATENESS};
use super::progress::DriveProgress;
use super::recorder::{self, Mark, Msg, RecorderResult, RecorderSetup, Sample};
use super::request::Requester;
use super::scenario::{Load, Scenario, Task};
use super::shard::{self, Shard};
use super::summary::DriveSummary;
use super::tls::TlsOptions;
use crate::hlog::HlogWriter;
use crate::model::FailureKind;

mod controller;

pub use controller::StopReason;
use controller::{Checkpoint, Controller};

/// Open-model requests in flight beyond which a due request is not sent but
/// recorded as failed (`other`, "driver overloaded").
pub const MAX_IN_FLIGHT: u32 = 10_000;

/// After a connection failure a user waits at least this long before retrying,
/// so a dead target does not turn the driver into a busy loop.
const CONNECT_BACKOFF: Duration = Duration::from_millis(50);

/// A user whose `[[on_start]]` task failed waits at least this long before trying again.
const ON_START_BACKOFF: Duration = Duration::from_millis(500);

/// Longest wait for in-flight requests at the normal end of a run; what is still
/// in flight after that is dropped (and not recorded).
const MAX_DRAIN: Duration = Duration::from_secs(5);

/// Counters shared between users, the controller and the recorder.
#[derive(Debug, Default)]
pub struct Shared {
    /// Closed-model users alive.
    pub users: AtomicU32,
    /// Requests in flight.
    pub in_flight: AtomicU32,
    /// Open-model arrivals not sent (in-flight cap), recorded as failures.
    pub dropped: AtomicU64,
}

/// How to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The run dir to write (created if missing).
    pub out_dir: PathBuf,
    /// Also write `requests.csv`.
    pub raw: bool,
    /// Show the live progress line (only ever on a terminal).
    pub progress: bool,
    /// Seed of the users' task, path and think-time draws; absent: a fresh random seed
    /// (a sharded run derives one from the plan, so that every shard agrees).
    pub seed: Option<u64>,
    /// Run only this shard's part of the plan (`drive --shard i/N`).
    pub shard: Option<Shard>,
    /// Begin at this wall-clock time (`--start-at`), so that shards start together.
    pub start_at: Option<SystemTime>,
    /// How an `https://` target's certificate is trusted.
    pub tls: TlsOptions,
    /// Judges each closed interval while the run goes; a breach stops it.
    pub judge: Option<LiveJudge>,
}

/// What every user and request task reads.
struct Ctx {
    scenario: Scenario,
    target: Target,
    shared: Arc<Shared>,
    tx: mpsc::UnboundedSender<Msg>,
    t0: Instant,
    shard: Shard,
    checks: CheckCounters,
}

impl Ctx {
    fn us_since_start(&self, t: Instant) -> u64 {
        t.saturating_duration_since(self.t0).as_micros() as u64
    }

    /// Records one request; `check` is the named check that failed, if any.
    fn sample(
        &self,
        task: &Task,
        start: Instant,
        out: Outcome,
        lateness: u32,
        users: u32,
        check: Option<usize>,
    ) {
        let status = out.status;
        if let Some(i) = check {
            self.checks.fail(i);
        }
        let failure = out.transport.or_else(|| {
            if !task.expected.accepts(status) {
                Some(if status >= 400 {
                    FailureKind::Status(status)
                } else {
                    FailureKind::Assertion
                })
            } else {
                check.map(|_| FailureKind::Assertion)
            }
        });
        let s = Sample {
            endpoint: task.endpoint as u16,
            status,
            failure,
            start_us: self.us_since_start(start),
            latency_us: start.elapsed().as_micros() as u64,
            users,
            lateness_us: lateness,
            cause: out.cause,
        };
        // A closed channel means the recorder has finished: the run is over.
        let _ = self.tx.send(Msg::Sample(s));
    }

    fn mark(&self, index: usize, mark: Mark, at: Instant) {
        let _ = self.tx.send(Msg::Stage {
            index,
            mark,
            at_us: self.us_since_start(at),
        });
    }
}

/// One closed-model user (the `index`-th started): its `[[on_start]]` tasks once
/// (again after a pause while one fails), then request, think, repeat, until retired.
async fn user(ctx: Arc<Ctx>, retire: Arc<AtomicBool>, seed: u64, index: usize) {
    ctx.shared.users.fetch_add(1, Ordering::Relaxed);
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut conn: Option<Conn> = None;
    let mut lateness = NO_LATENESS;
    let mut req = Requester::new(&ctx.scenario, Some(index));
    let mut started = ctx.scenario.on_start.is_empty();
    let mut step = 0;
    while !retire.load(Ordering::Relaxed) {
        let task = if started {
            ctx.scenario.pick(&mut rng)
        } else {
            &ctx.scenario.on_start[step]
        };
        let start = Instant::now();
        ctx.shared.in_flight.fetch_add(1, Ordering::Relaxed);
        let (out, check) = req
            .send(&ctx.scenario, &ctx.target, task, &mut conn, &mut rng)
            .await;
        ctx.shared.in_flight.fetch_sub(1, Ordering::Relaxed);
        let users = ctx.shared.users.load(Ordering::Relaxed);
        ctx.sample(task, start, out, lateness, users, check);
        let failed =
            out.transport.is_some() || check.is_some() || !task.expected.accepts(out.status);
        let mut pause = pacing::think(&ctx.scenario.think_time, &mut rng);
        if !started {
            if failed {
                // A failed login is retried from the first on_start task.
                step = 0;
                pause = pause.max(ON_START_BACKOFF);
            } else {
                step += 1;
                started = step == ctx.scenario.on_start.len();
            }
        }
        if matches!(out.transport, Some(FailureKind::Connect | FailureKind::Tls)) {
            pause = pause.max(CONNECT_BACKOFF);
        }
        lateness = if pause.is_zero() {
            NO_LATENESS
        } else {
            pacing::sleep_until(Instant::now() + pause).await
        };
    }
    ctx.shared.users.fetch_sub(1, Ordering::Relaxed);
}

/// Aborts its tasks when dropped (so an aborted scheduler takes its requests along).
#[derive(Default)]
struct TaskSet(Vec<JoinHandle<()>>);

impl TaskSet {
    fn reap(&mut self) {
        self.0.retain(|h| !h.is_finished());
    }
    fn abort_all(&mut self) {
        for h in self.0.drain(..) {
            h.abort();
        }
    }
}

impl Drop for TaskSet {
    fn drop(&mut self) {
        self.abort_all();
    }
}

/// One open-model stage: the global schedule's arrival `k` is due at
/// `start + k/rate` and is sent by this shard when it owns `k` (every shard draws
/// every arrival's task and path seed, so the shards together send exactly the
/// single-process plan). Each request is its own task; latency counts from the due
/// time, so a stalled target cannot hide its stall (coordinated omission). Returns
/// the requests still in flight.
async fn open_stage(
    ctx: Arc<Ctx>,
    rate: f64,
    start: Instant,
    duration: Duration,
    seed: u64,
) -> TaskSet {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut schedule = ArrivalSchedule::new(start, rate, duration);
    let mut tasks = TaskSet::default();
    let (pool_tx, mut pool_rx) = mpsc::unbounded_channel::<Conn>();
    let mut last_reap = Instant::now();
    loop {
        let mine = ctx.shard.next_owned(schedule.next_index());
        if mine >= schedule.count() {
            break;
        }
        pacing::sleep_until(schedule.due(mine)).await;
        let now = Instant::now();
        // Everything due by now goes out now (timers have ~1 ms granularity).
        while let Some((k, due)) = schedule.take_due_by(now) {
            let task_index = ctx.scenario.pick_index(&mut rng);
            let path_seed = rng.random::<u64>();
            if !ctx.shard.owns(k) {
                continue;
            }
            let lateness = pacing::lateness_us(due);
            let in_flight = ctx.shared.in_flight.load(Ordering::Relaxed);
            if in_flight >= MAX_IN_FLIGHT {
                ctx.shared.dropped.fetch_add(1, Ordering::Relaxed);
                let task = &ctx.scenario.tasks[task_index];
                let out = Outcome::failed(FailureKind::Other, None);
                ctx.sample(task, due, out, lateness, in_flight, None);
                continue;
            }
            ctx.shared.in_flight.fetch_add(1, Ordering::Relaxed);
            let conn = pool_rx.try_recv().ok();
            let (ctx2, pool) = (ctx.clone(), pool_tx.clone());
            tasks.0.push(tokio::spawn(async move {
                let task = &ctx2.scenario.tasks[task_index];
                let mut r = SmallRng::seed_from_u64(path_seed);
                let mut req = Requester::new(&ctx2.scenario, None);
                let mut slot = conn;
                let (out, check) = req
                    .send(&ctx2.scenario, &ctx2.target, task, &mut slot, &mut r)
                    .await;
                let in_flight = ctx2.shared.in_flight.fetch_sub(1, Ordering::Relaxed);
                ctx2.sample(task, due, out, lateness, in_flight, check);
                if let Some(c) = slot.filter(Conn::usable) {
                    let _ = pool.send(c);
                }
            }));
        }
        if now.duration_since(last_reap) > Duration::from_millis(100) {
            tasks.reap();
            last_reap = now;
        }
    }
    tasks.reap();
    std::mem::take(&mut tasks)
}

/// Polls a future once, without waiting.
fn futures_poll_once<F: Future>(f: std::pin::Pin<&mut F>) -> Option<F::Output> {
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    match f.poll(&mut cx) {
        std::task::Poll::Ready(v) => Some(v),
        std::task::Poll::Pending => None,
    }
}

/// The in-progress `run.toml` writer the controller calls as stages start, ramp and
/// end. Best effort: a checkpoint that cannot be written leaves the last one (the
/// run's end writes run.toml again and reports a failure there).
fn checkpoint(
    ctx: Arc<Ctx>,
    dir: PathBuf,
    shard_info: shard::ShardInfo,
    wall0: SystemTime,
) -> Checkpoint<'static> {
    Box::new(move |times: &[StageTimes]| {
        let _ = manifest_out::write(&dir, &in_progress(&ctx.scenario, wall0, &shard_info, times));
    })
}

/// The manifest of a run in progress, with the stage times so far.
fn in_progress(
    scenario: &Scenario,
    wall0: SystemTime,
    shard_info: &shard::ShardInfo,
    times: &[StageTimes],
) -> crate::model::Manifest {
    let mut m = manifest_out::build(scenario, wall0, None, false, Some(IN_PROGRESS), times);
    shard_info.annotate(&mut m, scenario, None);
    m
}

/// Why the run is incomplete, if it is: the controller's stop reason, a failed write
/// of the log, and a run nothing answered (it measured nothing about the target,
/// however short).
fn run_reason(reason: Option<String>, rec: &RecorderResult, target: &Target) -> Option<String> {
    let reason = reason.or_else(|| rec.write_error.as_ref().map(|e| e.to_string()));
    match (no_response_reason(rec, target), reason) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}

/// Runs a scenario and writes the run dir. `stop` resolving (e.g. Ctrl-C) ends the
/// run early with its output as the reason. Returns the summary; an early stop is
/// `complete == false` in it, not an error.
pub async fn run(
    scenario: Scenario,
    opts: &RunOptions,
    stop: impl Future<Output = String>,
) -> Result<DriveSummary, DriverError> {
    // Poll `stop` once now: a signal handler behind it is installed from the start.
    tokio::pin!(stop);
    if let Some(reason) = futures_poll_once(stop.as_mut()) {
        return Err(DriverError::Scenario(format!(
            "stopped before the run began: {reason}"
        )));
    }
    let tls = scenario.https.then_some(&opts.tls);
    let target = Target::resolve(&scenario.authority, tls)
        .await
        .map_err(|e| DriverError::Resolve {
            url: scenario.base_url.clone(),
            message: e.to_string(),
        })?;
    let shard_of = opts.shard.unwrap_or_default();
    let seed = match opts.shard {
        Some(_) => Some(shard::shared_seed(&scenario, opts.seed)),
        None => opts.seed,
    };
    let plan_hash = shard::plan_hash(&scenario, seed);
    let (t0, wall0) = start_clock(opts.start_at, stop.as_mut()).await?;
    let began = Instant::now();
    let dir = opts.out_dir.clone();
    std::fs::create_dir_all(&dir).map_err(|e| DriverError::io(&dir, e))?;
    let shard_info = shard::ShardInfo {
        shard: opts.shard,
        plan_hash,
        start_at: opts.start_at,
        start_offset: opts
            .start_at
            .map(|at| shard::offset_ms(at, wall0, began.saturating_duration_since(t0))),
    };
    manifest_out::write(&dir, &in_progress(&scenario, wall0, &shard_info, &[]))?;

    let hlog_path = dir.join("latency.hlog");
    let (hlog, csv) = open_writers(&dir, &scenario, wall0, opts.raw)?;
    // The interval log's `StartTime`, whole ms: stage boundaries are counted from it.
    let t0_epoch_ms = wall0
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let shared = Arc::new(Shared::default());
    let (tx, rx) = mpsc::unbounded_channel();
    let (abort_tx, abort_rx) = watch::channel(None::<String>);
    let setup = RecorderSetup {
        t0,
        t0_epoch_ms: t0_epoch_ms as i64,
        hlog,
        csv,
        shared: shared.clone(),
        abort: abort_tx,
        progress: DriveProgress::new(opts.progress, scenario.planned_duration()),
        judge: opts.judge.clone(),
        endpoints: scenario.endpoints.clone(),
        stages: stage_loads(&scenario, shard_of),
        max_requests: scenario.max_requests,
    };
    let rec_dir = dir.clone();
    let recorder = tokio::spawn(async move { recorder::run(setup, rx, &rec_dir).await });

    let ctx = Arc::new(Ctx {
        checks: CheckCounters::new(scenario.check_names.clone()),
        scenario,
        target,
        shared: shared.clone(),
        tx,
        t0,
        shard: shard_of,
    });
    let seeder = match seed {
        Some(seed) => SmallRng::seed_from_u64(seed),
        None => SmallRng::from_rng(&mut rand::rng()),
    };
    let checkpoint = checkpoint(ctx.clone(), dir.clone(), shard_info.clone(), wall0);
    let mut controller = Controller::new(
        ctx.clone(),
        stop,
        abort_rx,
        (t0, wall0),
        (Vec::new(), checkpoint),
        seeder,
    );
    let reason = controller.run().await.text();
    let mut times = std::mem::take(&mut controller.times);
    drop(controller);
    let _ = ctx.tx.send(Msg::Finish);
    let rec = recorder
        .await
        .map_err(|e| DriverError::io(&hlog_path, std::io::Error::other(e.to_string())))?;
    let finished = SystemTime::now();
    let reason = run_reason(reason, &rec, &ctx.target);
    let complete = reason.is_none();
    align_times(&mut times, &rec.marks, t0_epoch_ms);
    let mut manifest = manifest_out::build(
        &ctx.scenario,
        wall0,
        Some(finished),
        complete,
        reason.as_deref(),
        &times,
    );
    let dropped = shared.dropped.load(Ordering::Relaxed);
    let sent = (rec.requests.saturating_sub(dropped), dropped);
    shard_info.annotate(&mut manifest, &ctx.scenario, Some(sent));
    manifest.recorded_requests = Some(rec.requests);
    manifest.notes = run_notes(&ctx);
    manifest_out::write(&dir, &manifest)?;
    if let Some(e) = rec.write_error {
        return Err(e);
    }
    let mut done = summary(dir, reason, rec, finished, wall0);
    users_reached(&mut done, &times, shard_of);
    Ok(done)
}

/// The interval log and the optional per-request CSV.
type Writers = (
    HlogWriter<std::io::BufWriter<std::fs::File>>,
    Option<RequestsCsv<std::io::BufWriter<std::fs::File>>>,
);

/// The run's start: now, or at `start_at` (`--start-at`) unless `stop` comes first.
async fn start_clock<S: Future<Output = String>>(
    start_at: Option<SystemTime>,
    stop: std::pin::Pin<&mut S>,
) -> Result<(Instant, SystemTime), DriverError> {
    match start_at {
        Some(at) => shard::wait_for_start(at, stop).await.map_err(|reason| {
            DriverError::Scenario(format!("stopped before the run began: {reason}"))
        }),
        None => Ok((Instant::now(), SystemTime::now())),
    }
}

/// Creates `latency.hlog` and, with `raw`, `requests.csv` in `dir` (without it, a
/// `requests.csv` of an earlier run there is removed: it would not match this run).
fn open_writers(
    dir: &std::path::Path,
    scenario: &Scenario,
    wall0: SystemTime,
    raw: bool,
) -> Result<Writers, DriverError> {
    let hlog_path = dir.join("latency.hlog");
    let hlog = HlogWriter::create(&hlog_path, wall0).map_err(|e| DriverError::io(&hlog_path, e))?;
    let p = dir.join("requests.csv");
    let csv = if raw {
        Some(RequestsCsv::create(&p, &scenario.endpoints).map_err(|e| DriverError::io(&p, e))?)
    } else {
        if p.exists() {
            std::fs::remove_file(&p).map_err(|e| DriverError::io(&p, e))?;
        }
        None
    };
    Ok((hlog, csv))
}

/// Each stage's name and this shard's load (users, arrival rate), for the recorder.
fn stage_loads(scenario: &Scenario, shard: Shard) -> Vec<(String, Option<u32>, Option<f64>)> {
    scenario
        .stages
        .iter()
        .map(|s| match shard.stage_load(s) {
            Load::Closed { users, .. } => (s.name.clone(), Some(users), None),
            Load::Open { arrival_rate } => (s.name.clone(), None, Some(arrival_rate)),
        })
        .collect()
}

/// The stage boundaries as the interval log has them (ms since its `StartTime`,
/// `t0_epoch_ms`), so `analyze` windows the stages exactly where the end-of-run
/// table did.
fn align_times(times: &mut [StageTimes], marks: &[recorder::StageMarks], t0_epoch_ms: u64) {
    let edge = |ms: u64| UNIX_EPOCH + Duration::from_millis(t0_epoch_ms.saturating_add(ms));
    for (t, m) in times.iter_mut().zip(marks) {
        t.start = edge(m.start_ms);
        t.steady = m.steady_ms.map(edge);
        t.end = m.end_ms.map(edge);
    }
}

/// A stage stopped in its ramp ran at the users it reached (this shard's share), not
/// its planned users.
fn users_reached(done: &mut DriveSummary, times: &[StageTimes], shard: Shard) {
    for (st, t) in done.stages.iter_mut().zip(times) {
        if let (Some(_), Some(k)) = (st.users, t.users_reached) {
            st.users = Some(shard.share(u64::from(k)) as u32);
        }
    }
}

/// The end-of-run summary; `reason` is why the run is incomplete, if it is.
fn summary(
    dir: PathBuf,
    reason: Option<String>,
    rec: RecorderResult,
    finished: SystemTime,
    wall0: SystemTime,
) -> DriveSummary {
    let in_stages: u64 = rec.stages.iter().map(|s| s.requests).sum();
    DriveSummary {
        run_dir: dir,
        complete: reason.is_none(),
        incomplete_reason: reason,
        requests: rec.requests,
        failures: rec.failures,
        responses: rec.responses,
        outside_stages: rec.requests.saturating_sub(in_stages),
        duration_s: finished
            .duration_since(wall0)
            .map_or(0.0, |d| d.as_secs_f64()),
        stages: rec.stages,
    }
}

/// The run's notes: TLS handshake figures, failed checks by name.
fn run_notes(ctx: &Ctx) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(tls) = &ctx.target.tls {
        notes.push(tls.stats.note());
    }
    for (name, n) in ctx.checks.failed() {
        notes.push(format!("check failed {n} times (assertion): {name}"));
    }
    notes
}

/// Why a run in which no request got a response is incomplete: what happened, and
/// where; `None` when something answered.
fn no_response_reason(rec: &RecorderResult, target: &Target) -> Option<String> {
    if rec.responses > 0 {
        return None;
    }
    let addr = target.addr;
    let tls = rec.failures_by_kind.get("tls").copied().unwrap_or(0);
    if let Some(t) = target
        .tls
        .as_ref()
        .filter(|_| tls == rec.requests && tls > 0)
    {
        return Some(format!(
            "no request got a response: all {tls} requests failed the TLS handshake with {addr} \
             ({}); for a self-signed or private certificate give --ca FILE (its PEM), or \
             --insecure to skip verification",
            t.stats.first_error().unwrap_or_else(|| "no detail".into())
        ));
    }
    let n = rec.requests;
    let cause = rec
        .first_cause
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let connect = rec.failures_by_kind.get("connect").copied().unwrap_or(0);
    Some(if n == 0 {
        format!("no request got a response from {addr}: none completed before the run ended")
    } else if connect == n {
        format!("no request got a response: all {n} requests failed to connect to {addr}{cause}")
    } else {
        let kinds: Vec<String> = rec
            .failures_by_kind
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!(
            "no request got a response from {addr}: all {n} requests failed ({}){cause}",
            kinds.join(" ")
        )
    })
}
