//! The live progress line on stderr (indicatif): stage, users, req/s, p95 and
//! errors and the time left (planned duration minus elapsed), refreshed each
//! interval. Hidden when stderr is not a terminal.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The live progress display of a drive (a no-op when hidden).
pub struct DriveProgress {
    bar: Option<ProgressBar>,
    stage: String,
    planned: Duration,
    start: Instant,
}

impl DriveProgress {
    /// A bar over the planned run length; hidden unless `wanted` and stderr is a terminal.
    pub fn new(wanted: bool, planned: Duration) -> DriveProgress {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(planned.as_secs().max(1)),
                ProgressDrawTarget::stderr(),
            );
            let style = ProgressStyle::with_template("{elapsed_precise} [{bar:24}] {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar
        });
        DriveProgress {
            bar,
            stage: String::new(),
            planned,
            start: Instant::now(),
        }
    }

    /// A hidden display.
    pub fn hidden() -> DriveProgress {
        DriveProgress {
            bar: None,
            stage: String::new(),
            planned: Duration::ZERO,
            start: Instant::now(),
        }
    }

    /// The current stage.
    pub fn set_stage(&mut self, name: &str) {
        self.stage = crate::model::untrusted::printable(name).into_owned();
    }

    /// One closed interval's figures.
    pub fn interval(
        &mut self,
        rps: f64,
        p95_ms: Option<f64>,
        errors: u64,
        errors_total: u64,
        users: u32,
        in_flight: u32,
    ) {
        if let Some(bar) = &self.bar {
            let p95 = p95_ms.map_or("-".to_string(), |v| format!("{v:.1}"));
            bar.set_message(format!(
                "{} · {users} users · {in_flight} in flight · {rps:.0} req/s · p95 {p95} ms · {errors} errors ({errors_total} total) · {}",
                self.stage,
                eta_text(self.planned, self.start.elapsed())
            ));
            bar.inc(1);
        }
    }

    /// Clears the line.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// The time left as the progress line shows it: `ETA 1m05s`, or `ETA 0s` once the
/// planned duration is over (the last stage's requests are still draining).
fn eta_text(planned: Duration, elapsed: Duration) -> String {
    let left = planned.saturating_sub(elapsed).as_secs();
    match left {
        0..60 => format!("ETA {left}s"),
        _ => format!("ETA {}m{:02}s", left / 60, left % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_is_planned_minus_elapsed() {
        let s = Duration::from_secs;
        assert_eq!(eta_text(s(48), s(3)), "ETA 45s");
        assert_eq!(eta_text(s(300), s(235)), "ETA 1m05s");
        assert_eq!(eta_text(s(10), s(12)), "ETA 0s");
    }
}
