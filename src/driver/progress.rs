//! The live progress line on stderr (indicatif): stage, users, req/s, p95 and
//! errors, refreshed each interval. Hidden when stderr is not a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The progress display (a no-op when hidden).
pub struct Progress {
    bar: Option<ProgressBar>,
    stage: String,
}

impl Progress {
    /// A bar over the planned run length; hidden unless `wanted` and stderr is a terminal.
    pub fn new(wanted: bool, planned: Duration) -> Progress {
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
        Progress {
            bar,
            stage: String::new(),
        }
    }

    /// A hidden display.
    pub fn hidden() -> Progress {
        Progress {
            bar: None,
            stage: String::new(),
        }
    }

    /// The current stage.
    pub fn set_stage(&mut self, name: &str) {
        self.stage = name.to_string();
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
                "{} · {users} users · {in_flight} in flight · {rps:.0} req/s · p95 {p95} ms · {errors} errors ({errors_total} total)",
                self.stage
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
