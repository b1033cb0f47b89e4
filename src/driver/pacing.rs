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

/// The open-model plan: request `i` is due at `t0 + i/λ`.
#[derive(Clone, Copy, Debug)]
pub struct ArrivalSchedule {
    t0: Instant,
    interval_ns: f64,
    next: u64,
}

impl ArrivalSchedule {
    /// Requests at `rate` per second from `t0` on.
    pub fn new(t0: Instant, rate: f64) -> ArrivalSchedule {
        ArrivalSchedule {
            t0,
            interval_ns: 1e9 / rate,
            next: 0,
        }
    }

    /// When the next request is due (not consumed).
    pub fn peek(&self) -> Instant {
        self.t0 + Duration::from_nanos((self.next as f64 * self.interval_ns) as u64)
    }

    /// Consumes the next request's due time.
    pub fn take(&mut self) -> Instant {
        let t = self.peek();
        self.next += 1;
        t
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
        let mut s = ArrivalSchedule::new(t0, 200.0);
        for _ in 0..200 {
            s.take();
        }
        assert_eq!(s.peek() - t0, Duration::from_secs(1));
    }
}
