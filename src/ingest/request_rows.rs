//! A run's per-request rows, read again for `export`: which of the run's inputs
//! hold one row per request, and their requests one by one in file order, streamed
//! through each format's [`Replay`](super::Replay) (nothing is held: memory stays
//! flat however long the file). The filters of ingest apply as they did to the
//! figures.

use std::borrow::Cow;
use std::path::PathBuf;

use super::detect::Detection;
use super::formats::{spec, Reader};
use super::{detect_format, Format, IngestOptions, Observation, RequestEvent};
use crate::model::{normalize_label, plausible_time, EndpointKey, Problem, Run};

/// An input file with one row per request.
#[derive(Clone, Debug)]
pub struct RequestFile {
    /// The file.
    pub path: PathBuf,
    /// Its format.
    pub format: Format,
    /// The source its requests belong to (the run's `Source::tool`).
    pub tool: String,
}

/// The run's inputs that hold per-request rows and were read (or, in a driver run
/// dir, are the interval log's per-request detail), in input order. Files skipped
/// as another output of the same requests are left out: no request is exported
/// twice.
pub fn request_files(run: &Run) -> Vec<RequestFile> {
    let mut out = Vec::new();
    for input in &run.inputs {
        let skipped = run.skipped.iter().find(|s| s.path == input.path);
        let driver_detail = skipped.is_some_and(|s| s.reason == super::run_dir::DRIVER_DETAIL);
        if skipped.is_some() && !driver_detail {
            continue;
        }
        let Ok(head) = super::text::read_head(&input.path) else {
            continue;
        };
        let Detection::Supported(format) = detect_format(&input.path, &head) else {
            continue;
        };
        // Interval logs hold histograms, not requests.
        if format == Format::HdrLog || !matches!(spec(format).reader, Reader::Replay(_)) {
            continue;
        }
        out.push(RequestFile {
            path: input.path.clone(),
            format,
            tool: if driver_detail {
                "headroom".to_string()
            } else {
                format.tool().to_string()
            },
        });
    }
    out
}

/// What a per-request file's rows record beyond their times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowFacts {
    /// The rows name their endpoint (ab's `-g` rows do not).
    pub names_endpoints: bool,
    /// The rows say which requests failed (ab's `-g` rows do not).
    pub sees_outcomes: bool,
}

/// What `file`'s rows record, known before they are read (a file that cannot be
/// opened records everything it has: none).
pub fn row_facts(file: &RequestFile, opts: &IngestOptions) -> RowFacts {
    let all = RowFacts {
        names_endpoints: true,
        sees_outcomes: true,
    };
    let Reader::Replay(open) = spec(file.format).reader else {
        return all;
    };
    match open(&file.path, opts, &mut Vec::new()) {
        Ok(r) => RowFacts {
            names_endpoints: r.names_endpoints(),
            sees_outcomes: r.sees_outcomes(),
        },
        Err(_) => all,
    }
}

/// Feeds every request of `file` that the figures count (a plausible time, inside
/// `--from`/`--to`, an endpoint `--include`/`--exclude` keep; the name normalised
/// under `--normalize-labels`) to `visit`. Transaction rows (aggregates of other
/// samples) and malformed rows (already reported by the analysis) are left out.
/// Returns false when the file's rows do not say which requests failed (ab's `-g`
/// TSV: every row reads as a success).
pub fn replay_requests(
    file: &RequestFile,
    opts: &IngestOptions,
    visit: &mut dyn FnMut(&RequestEvent<'_>),
) -> Result<bool, Problem> {
    let Reader::Replay(open) = spec(file.format).reader else {
        return Ok(true);
    };
    let mut warnings = Vec::new();
    let replay = open(&file.path, opts, &mut warnings)?;
    replay.replay(&mut |obs| {
        let Observation::Request(ev) = obs else {
            return;
        };
        if !plausible_time(ev.t_ms) || (replay.timed() && !opts.in_time_range(ev.t_ms)) {
            return;
        }
        let name = if opts.normalize_labels {
            normalize_label(ev.name)
        } else {
            Cow::Borrowed(ev.name)
        };
        if !opts.keeps(&EndpointKey::new(ev.method, &name)) {
            return;
        }
        visit(&RequestEvent { name: &name, ..ev });
    })?;
    Ok(replay.sees_outcomes())
}
