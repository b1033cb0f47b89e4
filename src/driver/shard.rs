//! Sharding one plan over several driver processes (`drive --shard i/N`): which
//! users and arrivals of the global plan are this shard's, the plan hash that
//! proves the shards ran the same plan, and the common start time (`--start-at`,
//! `--start-in`).
//!
//! Every shard builds the same global plan from the scenario and the seed, then
//! keeps its stripe (k6's striping for equal segments): closed-model user k and
//! open-model arrival k (at its global intended time) belong to shard k mod N. The
//! union of the shards is exactly the single-process plan, and a shard's share of v
//! items, ⌊v/N⌋ plus one when i < v mod N, never shrinks as v grows.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use std::future::Future;
use std::pin::Pin;

use sha2::{Digest, Sha256};
use tokio::time::Instant;

use super::manifest_out::rfc3339;
use super::scenario::{Load, Scenario, ScenarioStage};
use crate::model::{Manifest, ManifestShard};

/// This process's part of the plan: shard `index` of `count` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 0-based index, below `count`.
    pub index: u32,
    /// Number of shards, at least 1.
    pub count: u32,
}

impl Default for Shard {
    fn default() -> Self {
        Shard::WHOLE
    }
}

impl Shard {
    /// The whole plan (no sharding).
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// A shard; `None` unless `index < count`.
    pub fn new(index: u32, count: u32) -> Option<Shard> {
        (count >= 1 && index < count).then_some(Shard { index, count })
    }

    /// True when item `k` (user or arrival, 0-based, global) is this shard's.
    pub fn owns(&self, k: u64) -> bool {
        k % u64::from(self.count) == u64::from(self.index)
    }

    /// How many of the global items `0..v` are this shard's.
    pub fn share(&self, v: u64) -> u64 {
        let n = u64::from(self.count);
        v / n + u64::from(u64::from(self.index) < v % n)
    }

    /// The first item at or after `k` that is this shard's.
    pub fn next_owned(&self, k: u64) -> u64 {
        let n = u64::from(self.count);
        let i = u64::from(self.index);
        k + (i + n - k % n) % n
    }

    /// Why this shard would have nothing to send (no user and no arrival in any
    /// stage), if so.
    pub fn idle(&self, scenario: &Scenario) -> Option<String> {
        let busy = scenario.stages.iter().any(|s| match self.stage_load(s) {
            Load::Closed { users, .. } => users > 0,
            Load::Open { arrival_rate } => arrival_rate > 0.0,
        });
        (!busy).then(|| {
            format!(
                "shard {self} has nothing to send: the plan has fewer users and arrivals per \
                 stage than there are shards; use fewer shards"
            )
        })
    }

    /// This shard's part of a stage's load: its users (closed model, with the spawn
    /// rate scaled alike) or its arrival rate (open model: its share of the planned
    /// arrivals over the stage's length).
    pub fn stage_load(&self, stage: &ScenarioStage) -> Load {
        match stage.load {
            Load::Closed { users, spawn_rate } => {
                let mine = self.share(u64::from(users)) as u32;
                Load::Closed {
                    users: mine,
                    spawn_rate: spawn_rate
                        .map(|r| r * f64::from(mine) / f64::from(users.max(1)))
                        .filter(|r| *r > 0.0),
                }
            }
            Load::Open { arrival_rate } => {
                let all = arrivals_within(arrival_rate, stage.duration);
                let mine = self.share(all);
                Load::Open {
                    arrival_rate: arrival_rate * mine as f64 / all.max(1) as f64,
                }
            }
        }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `i/N`, 0 ≤ i < N.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("bad shard `{s}`: give i/N with 0 ≤ i < N, e.g. 0/3");
        let (i, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let (i, n) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        Shard::new(i, n).ok_or_else(bad)
    }
}

/// The shard from `--shard i/N`, or from `--shards N` and the
/// `JOB_COMPLETION_INDEX` a Kubernetes Indexed Job sets; `None` when neither is given.
pub fn from_args(
    shard: Option<&str>,
    shards: Option<u32>,
    job_index: Option<&str>,
) -> Result<Option<Shard>, String> {
    match (shard, shards) {
        (Some(s), _) => s.parse().map(Some).map_err(|e| format!("--shard: {e}")),
        (None, Some(n)) => {
            let Some(i) = job_index else {
                return Err(format!(
                    "--shards {n} takes the shard index from JOB_COMPLETION_INDEX, which is \
                     not set: set it, or give --shard i/{n}"
                ));
            };
            i.trim()
                .parse()
                .ok()
                .and_then(|i| Shard::new(i, n))
                .map(Some)
                .ok_or_else(|| {
                    format!("JOB_COMPLETION_INDEX `{i}` is not a shard index below --shards {n}")
                })
        }
        (None, None) => Ok(None),
    }
}

/// Due time of arrival `k` of a stage at `rate` per second, ns after its start.
pub fn arrival_ns(rate: f64, k: u64) -> u64 {
    (k as f64 * (1e9 / rate)) as u64
}

/// How many arrivals a stage of `duration` at `rate` plans: the `k` whose due time
/// falls before its end (exactly those the open-model schedule sends).
pub fn arrivals_within(rate: f64, duration: Duration) -> u64 {
    let end = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
    let mut n = (end as f64 * rate / 1e9).ceil() as u64;
    while n > 0 && arrival_ns(rate, n - 1) >= end {
        n -= 1;
    }
    while arrival_ns(rate, n) < end {
        n += 1;
    }
    n
}

/// The plan hash: the first 16 hex digits of the SHA-256 of everything that decides
/// the global plan (target, tasks, stages, think time, bounds, seed), and nothing
/// about the shard. Shards of one plan share it; so does a single run of the same
/// plan and seed.
pub fn plan_hash(scenario: &Scenario, seed: Option<u64>) -> String {
    let mut h = Sha256::new();
    let mut put = |s: &str| {
        h.update(s.as_bytes());
        h.update([0u8]);
    };
    put(&scenario.base_url);
    put(&scenario.think_time.to_string());
    put(&format!(
        "{:?} {}",
        scenario.max_duration, scenario.max_requests
    ));
    for t in &scenario.tasks {
        put(&format!(
            "{} {} {} {:?} {:?}",
            t.method, t.path.text, t.weight, t.timeout, t.expected
        ));
        // Template texts keep `${NAME}`, never a secret's value.
        put(t.body.as_ref().map_or("", |b| b.text.as_str()));
        for (name, value) in &t.headers {
            put(&format!("{name}: {}", value.text));
        }
    }
    for s in &scenario.stages {
        put(&format!("{} {:?} {:?}", s.name, s.load, s.duration));
    }
    put(&seed.map_or_else(|| "random".to_string(), |s| s.to_string()));
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The seed every shard must share: the given one, else one derived from the plan
/// (so shards started with the same arguments agree without a `--seed`).
pub fn shared_seed(scenario: &Scenario, seed: Option<u64>) -> u64 {
    seed.unwrap_or_else(|| u64::from_str_radix(&plan_hash(scenario, None), 16).unwrap_or(0))
}

/// The longest `--start-at` wait accepted (a later time is most likely a typo).
const MAX_START_WAIT: Duration = Duration::from_secs(24 * 3600);

/// When the shards begin: an RFC 3339 instant, or `--start-in D` from now rounded up
/// to a whole second.
pub fn start_time(
    start_at: Option<&str>,
    start_in: Option<&str>,
) -> Result<Option<SystemTime>, String> {
    match (start_at, start_in) {
        (Some(t), _) => {
            let at = humantime::parse_rfc3339_weak(t.trim()).map_err(|e| {
                format!("--start-at `{t}`: {e}; give an RFC 3339 time such as 2026-01-02T10:00:00Z")
            })?;
            if at.duration_since(SystemTime::now()).unwrap_or_default() > MAX_START_WAIT {
                return Err(format!(
                    "--start-at `{t}` is more than a day ahead: check its date and time zone \
                     (RFC 3339, e.g. 2026-01-02T10:00:00Z is UTC)"
                ));
            }
            Ok(Some(at))
        }
        (None, Some(d)) => {
            let d = super::units::parse_duration(d).map_err(|e| format!("--start-in: {e}"))?;
            let at = SystemTime::now() + d;
            let since = at
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default();
            let whole = Duration::from_secs(since.as_secs() + u64::from(since.subsec_nanos() > 0));
            Ok(Some(SystemTime::UNIX_EPOCH + whole))
        }
        (None, None) => Ok(None),
    }
}

/// Waits for the agreed start `at` (or for `stop`, whose reason is returned). Returns
/// the run's start as a monotonic and a wall-clock time: `at` itself when it is still
/// ahead (so every shard counts its intervals from the same instant), now when it
/// has passed.
pub async fn wait_for_start(
    at: SystemTime,
    stop: Pin<&mut impl Future<Output = String>>,
) -> Result<(Instant, SystemTime), String> {
    let (now, wall) = (Instant::now(), SystemTime::now());
    let Ok(ahead) = at.duration_since(wall) else {
        return Ok((now, wall));
    };
    let t0 = now + ahead;
    tokio::select! {
        _ = tokio::time::sleep_until(t0) => Ok((t0, at)),
        reason = stop => Err(reason),
    }
}

/// When the run really began, ms after the agreed start: the run's wall-clock start
/// (`wall0`) plus how late the timer woke (`woke_late`).
pub fn offset_ms(at: SystemTime, wall0: SystemTime, woke_late: Duration) -> f64 {
    let signed = match wall0.duration_since(at) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    };
    ((signed + woke_late.as_secs_f64()) * 1e6).round() / 1e3
}

/// What `run.toml` says about the plan and this run's part of it.
#[derive(Clone, Debug)]
pub struct ShardInfo {
    /// The shard, when sharded.
    pub shard: Option<Shard>,
    /// The plan hash.
    pub plan_hash: String,
    /// The agreed start.
    pub start_at: Option<SystemTime>,
    /// Actual start after it, ms.
    pub start_offset: Option<f64>,
}

impl ShardInfo {
    /// Writes this run's part into a manifest built from the global scenario: each
    /// open stage's planned arrivals and, when sharded, the stages' loads as this
    /// shard's and the `[shard]` table (with `sent` and `dropped` once known).
    pub fn annotate(&self, m: &mut Manifest, scenario: &Scenario, sent: Option<(u64, u64)>) {
        let shard = self.shard.unwrap_or_default();
        let mut planned_arrivals = None::<u64>;
        let mut planned_users = None::<u32>;
        for (ms, stage) in m.stages.iter_mut().zip(&scenario.stages) {
            match shard.stage_load(stage) {
                Load::Closed { users, spawn_rate } => {
                    planned_users = planned_users.max(Some(users));
                    if self.shard.is_some() {
                        // This shard's share of the users the stage reached (its
                        // planned share unless the run stopped in the stage's ramp).
                        let reached = ms.users.map(|u| shard.share(u64::from(u)) as u32);
                        ms.users = Some(reached.map_or(users, |r| r.min(users)));
                        ms.spawn_rate = spawn_rate;
                    }
                }
                Load::Open { arrival_rate } => {
                    let Load::Open { arrival_rate: all } = stage.load else {
                        continue;
                    };
                    let n = shard.share(arrivals_within(all, stage.duration));
                    *planned_arrivals.get_or_insert(0) += n;
                    ms.planned_arrivals = Some(n);
                    if self.shard.is_some() {
                        ms.arrival_rate_rps = Some(arrival_rate);
                    }
                }
            }
        }
        let Some(s) = self.shard else {
            return;
        };
        m.shard = Some(ManifestShard {
            index: s.index,
            count: s.count,
            plan_hash: self.plan_hash.clone(),
            planned_users,
            planned_arrivals,
            sent: sent.map(|s| s.0),
            dropped: sent.map(|s| s.1),
            start_at: self.start_at.map(rfc3339),
            start_offset_ms: self.start_offset,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_sum_exactly_and_never_shrink() {
        for n in 1..=8u32 {
            let shards: Vec<Shard> = (0..n).map(|i| Shard::new(i, n).unwrap()).collect();
            let mut before = vec![0u64; n as usize];
            for v in 1..=200u64 {
                let shares: Vec<u64> = shards.iter().map(|s| s.share(v)).collect();
                assert_eq!(shares.iter().sum::<u64>(), v, "N={n} v={v}");
                for (a, b) in before.iter().zip(&shares) {
                    assert!(b >= a, "N={n} v={v}: a share shrank");
                }
                // The share is the count of owned items, item by item.
                for s in &shards {
                    assert_eq!(s.share(v), (0..v).filter(|&k| s.owns(k)).count() as u64);
                }
                before = shares;
            }
        }
    }

    #[test]
    fn next_owned_and_parse() {
        let s: Shard = "2/3".parse().unwrap();
        assert_eq!(
            (s.next_owned(0), s.next_owned(2), s.next_owned(3)),
            (2, 2, 5)
        );
        assert!("3/3".parse::<Shard>().is_err());
        assert!("1".parse::<Shard>().is_err());
        assert_eq!(s.to_string(), "2/3");
    }

    #[test]
    fn planned_arrivals_match_the_schedule() {
        assert_eq!(arrivals_within(200.0, Duration::from_secs(1)), 200);
        assert_eq!(arrivals_within(3.0, Duration::from_secs(1)), 3);
        assert_eq!(arrivals_within(0.5, Duration::from_secs(3)), 2);
        let n = arrivals_within(7.3, Duration::from_millis(2500));
        assert!(arrival_ns(7.3, n - 1) < 2_500_000_000 && arrival_ns(7.3, n) >= 2_500_000_000);
    }
}
