//! The driver watching itself: its CPU use per interval, read from
//! `/proc/self/stat` (Linux only; elsewhere it is simply not reported). A driver
//! near 100 % of its cores measures itself, not the target.

use std::time::Instant;

/// Clock ticks per second of `/proc/self/stat`. `sysconf(_SC_CLK_TCK)` would need
/// libc; every Linux architecture headroom targets uses 100.
const CLK_TCK: f64 = 100.0;

/// Samples process CPU time between calls.
pub struct CpuWatch {
    last: Option<(u64, Instant)>,
}

impl Default for CpuWatch {
    fn default() -> Self {
        CpuWatch::new()
    }
}

impl CpuWatch {
    /// Starts watching.
    pub fn new() -> CpuWatch {
        CpuWatch {
            last: read_ticks().map(|t| (t, Instant::now())),
        }
    }

    /// CPU use since the previous call, percent of one core; `None` where unknown.
    pub fn sample(&mut self) -> Option<f64> {
        let now = Instant::now();
        let ticks = read_ticks()?;
        let prev = self.last.replace((ticks, now));
        let (t0, i0) = prev?;
        let wall = now.duration_since(i0).as_secs_f64();
        (wall > 0.0).then(|| (ticks.saturating_sub(t0)) as f64 / CLK_TCK / wall * 100.0)
    }
}

/// utime + stime of this process, clock ticks.
fn read_ticks() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    parse_stat(&text)
}

fn parse_stat(text: &str) -> Option<u64> {
    // The command name (field 2) may hold spaces; fields after its ')' are fixed.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')': field 3 (state) is index 0, so utime (14) is 11 and stime (15) is 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stat() {
        let line = "1234 (my prog) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0";
        assert_eq!(parse_stat(line), Some(300));
    }
}
