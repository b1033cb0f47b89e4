//! The stage walk of a run: the [`Controller`] owns the stage plan, the run's clock
//! (its start, its `max_duration` bound, the stage times it records) and the
//! workers' lifecycle (closed-model users spawned and retired, open-model arrival
//! tasks), and wakes for the reasons to stop early; it ends with a [`StopReason`].
//! Setting up the run dir and writing what the recorder found stay in `run`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rand::rngs::SmallRng;
use rand::Rng;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::{open_stage, user, Ctx, TaskSet, MAX_DRAIN};
use crate::driver::manifest_out::StageTimes;
use crate::driver::pacing;
use crate::driver::recorder::Mark;
use crate::driver::scenario::Load;

/// Why a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// Every stage ran to its end.
    Completed,
    /// The recorder stopped the run: a live SLA breach, a dead target, the request
    /// bound (its message), or the recorder itself ending.
    Aborted(String),
    /// The caller's stop signal (Ctrl-C), with its message.
    Interrupted(String),
    /// The scenario's `max_duration` ran out before the stages did.
    MaxDuration(Duration),
}

impl StopReason {
    /// The run's `incomplete_reason`; `None` for a completed run.
    pub fn text(&self) -> Option<String> {
        match self {
            StopReason::Completed => None,
            StopReason::Aborted(r) | StopReason::Interrupted(r) => Some(r.clone()),
            StopReason::MaxDuration(d) => Some(format!(
                "max_duration ({}) reached",
                humantime::format_duration(*d)
            )),
        }
    }
}

/// Walks the stages of one run.
pub(super) struct Controller<'a, S: Future<Output = String>> {
    pub(super) ctx: Arc<Ctx>,
    /// The caller's stop signal.
    pub(super) stop: Pin<&'a mut S>,
    /// The recorder's reason to stop, when it has one.
    pub(super) abort: watch::Receiver<Option<String>>,
    /// The run's clock: its start, as an instant and on the wall.
    pub(super) t0: Instant,
    pub(super) wall0: SystemTime,
    /// The stage times recorded so far.
    pub(super) times: Vec<StageTimes>,
    /// Draws every user's and arrival schedule's seed, in plan order.
    pub(super) seeder: SmallRng,
    /// Called with the stage times each time one starts, ramps up or ends, to keep
    /// the in-progress `run.toml` current: a driver killed outright (SIGKILL, the
    /// machine lost) still leaves the stages it ran.
    checkpoint: Checkpoint<'a>,
    /// Closed-model users alive, with their retire flags.
    users: Vec<(JoinHandle<()>, Arc<AtomicBool>)>,
    /// Users told to retire after their current request.
    retired: Vec<JoinHandle<()>>,
    /// Open-model requests of finished stages.
    open_sets: Vec<TaskSet>,
    /// Users of the global plan alive (this shard runs those it owns).
    global_users: u32,
    /// Users this process started.
    spawned: usize,
}

/// What the controller calls with the stage times so far (see `Controller::checkpoint`).
pub(in crate::driver) type Checkpoint<'a> = Box<dyn FnMut(&[StageTimes]) + Send + 'a>;

impl<'a, S: Future<Output = String>> Controller<'a, S> {
    /// A controller with no stage begun.
    pub(super) fn new(
        ctx: Arc<Ctx>,
        stop: Pin<&'a mut S>,
        abort: watch::Receiver<Option<String>>,
        (t0, wall0): (Instant, SystemTime),
        (times, checkpoint): (Vec<StageTimes>, Checkpoint<'a>),
        seeder: SmallRng,
    ) -> Self {
        Controller {
            ctx,
            stop,
            abort,
            t0,
            wall0,
            times,
            seeder,
            checkpoint,
            users: Vec::new(),
            retired: Vec::new(),
            open_sets: Vec::new(),
            global_users: 0,
            spawned: 0,
        }
    }

    fn wall(&self, t: Instant) -> SystemTime {
        self.wall0 + t.saturating_duration_since(self.t0)
    }

    /// Waits until `t`; `Err` with why the run must stop first.
    async fn wait_until(&mut self, t: Instant) -> Result<(), StopReason> {
        let max = self.ctx.scenario.max_duration;
        let max_end = self.t0 + max;
        tokio::select! {
            _ = tokio::time::sleep_until(t.min(max_end)) => {
                if t > max_end {
                    Err(StopReason::MaxDuration(max))
                } else {
                    Ok(())
                }
            }
            reason = self.stop.as_mut() => Err(StopReason::Interrupted(reason)),
            changed = self.abort.changed() => Err(StopReason::Aborted(match changed {
                Ok(()) => self.abort.borrow().clone().unwrap_or_else(|| "stopped".into()),
                Err(_) => "the recorder stopped".into(),
            })),
        }
    }

    /// Runs every stage in turn, then stops the workers: on a normal end in-flight
    /// requests get a grace period to finish. Returns why the run ended.
    pub(super) async fn run(&mut self) -> StopReason {
        let mut reason = StopReason::Completed;
        for i in 0..self.ctx.scenario.stages.len() {
            if let Err(r) = self.stage(i).await {
                reason = r;
                break;
            }
        }
        self.wind_down(&reason).await;
        reason
    }

    /// Stage `i`: its users brought to the stage's level (or its arrival schedule
    /// started), then its length waited out.
    async fn stage(&mut self, i: usize) -> Result<(), StopReason> {
        let ctx = self.ctx.clone();
        let stage = &ctx.scenario.stages[i];
        let start = Instant::now();
        let end = start + stage.duration;
        ctx.mark(i, Mark::Start, start);
        self.times.push(StageTimes {
            start: self.wall(start),
            steady: None,
            end: None,
            users_reached: None,
        });
        (self.checkpoint)(&self.times);
        let mut open: Option<JoinHandle<TaskSet>> = None;
        let global_target = match stage.load {
            Load::Closed { users, .. } => users,
            Load::Open { .. } => 0,
        };
        self.retire_to(ctx.shard.share(u64::from(global_target)) as usize);
        match stage.load {
            Load::Closed {
                users: n,
                spawn_rate,
            } => self.spawn_users(n, start, spawn_rate).await?,
            Load::Open { arrival_rate } => {
                self.global_users = 0;
                open = Some(tokio::spawn(open_stage(
                    ctx.clone(),
                    arrival_rate,
                    start,
                    stage.duration,
                    self.seeder.random(),
                )));
            }
        }
        let steady = Instant::now();
        ctx.mark(i, Mark::Steady, steady);
        let steady_wall = self.wall(steady);
        if let Some(t) = self.times.last_mut() {
            t.steady = Some(steady_wall);
        }
        (self.checkpoint)(&self.times);
        let woke = self.wait_until(end).await;
        if let Some(h) = open.take() {
            if woke.is_err() {
                h.abort();
            }
            if let Ok(set) = h.await {
                self.open_sets.push(set);
            }
        }
        woke?;
        let at = Instant::now();
        ctx.mark(i, Mark::End, at);
        let end_wall = self.wall(at);
        if let Some(t) = self.times.last_mut() {
            t.end = Some(end_wall);
        }
        (self.checkpoint)(&self.times);
        Ok(())
    }

    /// Fewer users: the newest retire after their current request.
    fn retire_to(&mut self, target: usize) {
        while self.users.len() > target {
            if let Some((h, flag)) = self.users.pop() {
                flag.store(true, Ordering::Relaxed);
                self.retired.push(h);
            }
        }
    }

    /// Brings the global plan's users up to `n`, starting this shard's at the spawn
    /// rate from `start`.
    async fn spawn_users(
        &mut self,
        n: u32,
        start: Instant,
        spawn_rate: Option<f64>,
    ) -> Result<(), StopReason> {
        let from = self.global_users.min(n);
        self.global_users = n;
        for k in from..n {
            // Every shard draws every user's seed: user k is the same user
            // whichever process runs it.
            let user_seed: u64 = self.seeder.random();
            if !self.ctx.shard.owns(u64::from(k)) {
                continue;
            }
            // Its feeder row index: this process's spawn order (a shard's
            // data rows are its own stripe, so rows stay unique across shards).
            let index = self.spawned;
            self.spawned += 1;
            let due = pacing::spawn_due(start, k - from, spawn_rate);
            if due > Instant::now() {
                if let Err(stop) = self.wait_until(due).await {
                    // Stopped in the ramp: users 0..k of the plan were running.
                    self.global_users = k;
                    if let Some(t) = self.times.last_mut() {
                        t.users_reached = Some(k);
                    }
                    return Err(stop);
                }
            }
            let flag = Arc::new(AtomicBool::new(false));
            let h = tokio::spawn(user(self.ctx.clone(), flag.clone(), user_seed, index));
            self.users.push((h, flag));
        }
        // The plan's ramp ends with its last user, whichever shard owns it: every
        // shard's steady window is the plan's, so the merged stage is the single run's.
        if n > from {
            let last = pacing::spawn_due(start, n - 1 - from, spawn_rate);
            if last > Instant::now() {
                if let Err(stop) = self.wait_until(last).await {
                    let due = (from..n)
                        .take_while(|k| {
                            pacing::spawn_due(start, k - from, spawn_rate) <= Instant::now()
                        })
                        .count() as u32;
                    self.global_users = from + due;
                    if let Some(t) = self.times.last_mut() {
                        t.users_reached = Some(from + due);
                    }
                    return Err(stop);
                }
            }
        }
        Ok(())
    }

    /// Stops issuing requests: an early stop closes the current stage now; a normal
    /// end lets in-flight requests finish (up to the longest timeout, at most
    /// `MAX_DRAIN`); then every worker is aborted.
    async fn wind_down(&mut self, reason: &StopReason) {
        let ended = Instant::now();
        if *reason != StopReason::Completed {
            let end_wall = self.wall(ended);
            let last = self.times.len().saturating_sub(1);
            if let Some(t) = self.times.last_mut().filter(|t| t.end.is_none()) {
                t.end = Some(end_wall);
                self.ctx.mark(last, Mark::End, ended);
            }
        }
        for (_, flag) in &self.users {
            flag.store(true, Ordering::Relaxed);
        }
        if *reason == StopReason::Completed {
            let grace = self.ctx.scenario.max_timeout().min(MAX_DRAIN);
            let until = ended + grace;
            while self.ctx.shared.in_flight.load(Ordering::Relaxed) > 0 && Instant::now() < until {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        for (h, _) in self.users.drain(..) {
            h.abort();
        }
        for h in self.retired.drain(..) {
            h.abort();
        }
        for mut set in self.open_sets.drain(..) {
            set.abort_all();
        }
    }
}
