//! A progress line on stderr while large result files are read: a count of rows in
//! the first pass (the survey), then a bar towards that count in the second. Shown
//! only when asked for, when stderr is a terminal, and once a file has more than
//! [`STEP`] rows, so small runs print nothing extra.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Rows between two updates (and before the line appears at all).
const STEP: u64 = 1 << 16;

/// Progress of one pass over a file's rows (a no-op when hidden).
pub struct ReadProgress {
    wanted: bool,
    label: String,
    total: Option<u64>,
    rows: u64,
    bar: Option<ProgressBar>,
}

impl ReadProgress {
    /// Progress of a pass over `file`; `total` rows when an earlier pass counted them.
    pub fn pass(wanted: bool, verb: &str, file: &str, total: Option<u64>) -> ReadProgress {
        ReadProgress {
            wanted: wanted && std::io::stderr().is_terminal(),
            // A file name from a run dir: escaped, as all text from the inputs.
            label: format!("{verb} {}", crate::model::untrusted::printable(file)),
            total,
            rows: 0,
            bar: None,
        }
    }

    /// One more row read.
    pub fn tick(&mut self) {
        self.rows += 1;
        if !self.rows.is_multiple_of(STEP) || !self.wanted {
            return;
        }
        let (label, total) = (&self.label, self.total);
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
            let template = if total.is_some() {
                "{msg} [{bar:24}] {human_pos}/{human_len} rows, {elapsed}"
            } else {
                "{msg}: {human_pos} rows, {elapsed}"
            };
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message(label.clone());
            bar
        });
        bar.set_position(self.rows);
    }

    /// Rows read so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

impl Drop for ReadProgress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
