//! Files of one per-request format in one dir that are a run and its rerun: each
//! file's span and users, as the survey found them, and the problem of two files one
//! after the other in time at the same users. Read together they are one stage (the
//! users series is the same), whose figures mix two runs: a failed run and its
//! passing rerun would average into a pass. Files that overlap in time (one run's
//! listeners writing a file per thread group) and files at other users (stages run one
//! after another, each saved on its own) are not reruns.

use crate::model::untrusted::Shown;
use std::path::{Path, PathBuf};

use crate::ingest::problem;
use crate::model::{format_rfc3339_ms, Problem};

/// One file's span `[first, last]` (epoch ms) and the most users it records.
pub(super) struct FileSpan {
    pub(super) path: PathBuf,
    pub(super) first_ms: i64,
    pub(super) last_ms: i64,
    pub(super) users: u32,
}

impl FileSpan {
    /// The span of a surveyed file, when it has times and users.
    pub(super) fn of(
        path: &Path,
        first_ms: Option<i64>,
        last_ms: Option<i64>,
        users: impl Iterator<Item = f64>,
    ) -> Option<FileSpan> {
        let most = users.fold(0.0f64, f64::max);
        (most >= 1.0).then_some(())?;
        Some(FileSpan {
            path: path.to_path_buf(),
            first_ms: first_ms?,
            last_ms: last_ms?,
            users: most.round() as u32,
        })
    }
}

/// The problem of each file that starts after an earlier file at the same users ended.
pub(super) fn reruns(mut spans: Vec<FileSpan>, problems: &mut Vec<Problem>) {
    spans.sort_by_key(|s| s.first_ms);
    for (i, later) in spans.iter().enumerate() {
        let earlier = spans[..i]
            .iter()
            .find(|e| e.users == later.users && e.last_ms < later.first_ms);
        if let Some(e) = earlier {
            problems.push(problem(
                &later.path,
                None,
                format!(
                    "a second run at {} users after {} ({} – {}): this file's requests start at \
                     {}, after that file's ended, so they are a rerun (or another test) read \
                     with it as one stage whose figures mix both runs; give each run its own \
                     dir (or move the one not to judge out of this one)",
                    later.users,
                    e.path.shown(),
                    format_rfc3339_ms(e.first_ms),
                    format_rfc3339_ms(e.last_ms),
                    format_rfc3339_ms(later.first_ms)
                ),
            ));
        }
    }
}
