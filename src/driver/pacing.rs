//! Timing of the load: think-time draws, the open-model arrival schedule and the
//! closed-model spawn pacing, plus sleeping that reports how late the timer woke
//! (the driver's own health signal: a late timer means the driver, not the target,
//! is the bottleneck).

use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;

use crate::model::ThinkTime;

/// One think-time pause.
pub fn think(t: &ThinkTime, rng: &mut impl Rng) -> Duration {
    let s = match *t {
        ThinkTime::Constant(s) => s,
        ThinkTime::Between(a, b) if b > a => rng.random_range(a..b),
        ThinkTime::Between(a, _) => a,
        ThinkTime::Exponential(mean) => {
            // Inverse-CDF draw; 1 - u is in (0, 1], so the log is finite.
            let u: f64 = rng.random();
            -mean * (1.0 - u).ln()
        }
    };
    Duration::from_secs_f64(s.clamp(0.0, 3600.0))
}

/// Sleeps until `deadline` and returns how late the wake-up was, µs (saturating
/// at `u32::MAX - 1`, since `u32::MAX` means "no measurement").
pub async fn sleep_until(deadline: Instant) -> u32 {
    tokio::time::sleep_until(deadline).await;
    lateness_us(deadline)
}

/// How far past `deadline` it is now, µs.
pub fn lateness_us(deadline: Instant) -> u32 {
    let late = Instant::now()
        .saturating_duration_since(deadline)
        .as_micros();
    late.min(u128::from(u32::MAX - 1)) as u32
}

/// "No lateness measured" marker.
pub const NO_LATENESS: u32 = u32::MAX;

/// The open-model plan of one stage, global (the same on every shard): arrival `k`
/// is due at `t0 + k/λ`, for the `count` arrivals due before the stage ends.
#[derive(Clone, Copy, Debug)]
pub struct ArrivalSchedule {
    t0: Instant,
    rate: f64,
    count: u64,
    next: u64,
}

impl ArrivalSchedule {
    /// Arrivals at `rate` per second from `t0` for `duration`.
    pub fn new(t0: Instant, rate: f64, duration: Duration) -> ArrivalSchedule {
        ArrivalSchedule {
            t0,
            rate,
            count: super::shard::arrivals_within(rate, duration),
            next: 0,
        }
    }

    /// Number of arrivals planned.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Index of the next arrival (not consumed).
    pub fn next_index(&self) -> u64 {
        self.next
    }

    /// When arrival `k` is due.
    pub fn due(&self, k: u64) -> Instant {
        self.t0 + Duration::from_nanos(super::shard::arrival_ns(self.rate, k))
    }

    /// Consumes the next arrival if it is due by `now`: its index and due time.
    pub fn take_due_by(&mut self, now: Instant) -> Option<(u64, Instant)> {
        let k = self.next;
        let due = self.due(k);
        (k < self.count && due <= now).then(|| {
            self.next += 1;
            (k, due)
        })
    }
}

/// When the `k`-th user (0-based) of a ramp starting at `t0` is due.
pub fn spawn_due(t0: Instant, k: u32, spawn_rate: Option<f64>) -> Instant {
    match spawn_rate {
        Some(r) if r > 0.0 => t0 + Duration::from_secs_f64(f64::from(k) / r),
        _ => t0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn think_means() {
        let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
        for (t, mean) in [
            (ThinkTime::Between(1.0, 5.0), 3.0),
            (ThinkTime::Exponential(2.0), 2.0),
            (ThinkTime::Constant(0.5), 0.5),
        ] {
            let n = 20_000;
            let m: f64 = (0..n)
                .map(|_| think(&t, &mut rng).as_secs_f64())
                .sum::<f64>()
                / n as f64;
            assert!((m - mean).abs() < 0.05 * mean, "{t}: {m}");
        }
    }

    #[test]
    fn schedule_is_exact() {
        let t0 = Instant::now();
        let mut s = ArrivalSchedule::new(t0, 200.0, Duration::from_secs(2));
        assert_eq!(s.count(), 400);
        let far = t0 + Duration::from_secs(10);
        for k in 0..200 {
            assert_eq!(s.take_due_by(far).map(|t| t.0), Some(k));
        }
        assert_eq!(s.due(s.next_index()) - t0, Duration::from_secs(1));
        while s.take_due_by(far).is_some() {}
        assert_eq!(s.next_index(), 400);
    }
}
