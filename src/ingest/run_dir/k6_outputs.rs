//! k6's outputs of one run side by side: `--out json`/`--out csv` (every request),
//! `--summary-export` and a `handleSummary()` JSON (the end-of-test summary, k6 writes
//! both when both are asked for) and the console's text summary (k6 prints it). The
//! per-request output is the measurement; a summary beside it is checked against it
//! on its requests and failures before it is skipped as the same run, and named
//! another run's when they differ (which makes the data `incomplete`: its requests are
//! in no figure). Two summaries with the same counts are one run's, read once (from
//! the JSON rather than the console's rounded text); a console of other counts beside
//! a summary JSON is another run's.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{add_source, formats, Format, IngestOptions, StagePlan};
use crate::model::{Run, SkipKind, Skipped, Source, SourcePart};

/// The dir's k6 summaries set aside to be checked against its per-request output once
/// that is read.
pub(super) struct PendingSummaries {
    /// Each summary with its source as read.
    summaries: Vec<(PathBuf, Source)>,
    /// The k6 source's parts before the dir was read.
    parts_before: usize,
}

/// Requests and failures of a source, as its part counts them.
fn counts(src: &Source) -> (u64, u64) {
    let part = SourcePart::of(src);
    (part.requests, part.failures)
}

/// Reads the dir's k6 summaries: copies of one run's summary (the same requests and
/// failures) are skipped but for the first; beside a per-request output every summary
/// is taken out of `by_format`, to be checked by [`check_summaries`] (one that cannot
/// be read is a problem there; alone, its reader names it).
pub(super) fn set_summaries_aside(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    plan: &StagePlan,
    opts: &IngestOptions,
    run: &mut Run,
) -> Option<PendingSummaries> {
    // The summary JSONs first, then the console captures (a summary of one run both
    // print is read from the JSON).
    let files: Vec<(Format, PathBuf)> = [Format::K6Summary, Format::K6Console]
        .into_iter()
        .flat_map(|f| {
            by_format
                .remove(&f)
                .unwrap_or_default()
                .into_iter()
                .map(move |p| (f, p))
        })
        .collect();
    if files.is_empty() {
        return None;
    }
    let mut kept: Vec<(Format, PathBuf, Option<Source>)> = Vec::new();
    let mut problems = Vec::new();
    for (format, file) in files {
        let spec = formats::spec(format);
        let src = match spec.reader.summary_source(&file, plan, opts) {
            Some(Ok(src)) => Some(src),
            Some(Err(p)) => {
                problems.push(p);
                None
            }
            None => None,
        };
        let twin = src.as_ref().and_then(|s| {
            let c = counts(s);
            kept.iter()
                .find(|(.., k)| k.as_ref().is_some_and(|k| c.0 > 0 && counts(k) == c))
        });
        match twin {
            Some((_, first, _)) => {
                let (n, f) = src.as_ref().map(counts).unwrap_or_default();
                let why = format!(
                    "another of k6's end-of-test summaries of the run {} holds (k6 prints it \
                     and writes --summary-export and handleSummary() files alike): both count \
                     {n} requests, {f} failed (checked); read once",
                    first.shown()
                );
                run.skipped
                    .push(Skipped::new(file, why, SkipKind::SameData));
            }
            None => kept.push((format, file, src)),
        }
    }
    let per_request = [Format::K6Json, Format::K6Csv]
        .iter()
        .any(|f| by_format.contains_key(f));
    if !per_request {
        // Read by their reader, which names the problem of one that cannot be read; a
        // console beside a summary JSON of other counts is another run's.
        let json = kept.iter().any(|k| k.0 == Format::K6Summary);
        for (format, file, src) in kept {
            if json && format == Format::K6Console {
                let (n, f) = src.as_ref().map(counts).unwrap_or_default();
                let why = format!(
                    "k6's console output counts {n} requests ({f} failed), not what the k6 \
                     summary beside it counts: another run's; the summary is read: analyse \
                     this file in a dir of its own"
                );
                run.skipped
                    .push(Skipped::new(file, why, SkipKind::OtherData));
            } else {
                by_format.entry(format).or_default().push(file);
            }
        }
        return None;
    }
    // Beside the per-request output a summary that cannot be read is a problem of its
    // own, never read as data.
    run.problems.extend(problems);
    let parts_before = run.parts_of("k6").len();
    Some(PendingSummaries {
        summaries: kept
            .into_iter()
            .filter_map(|(_, p, s)| Some((p, s?)))
            .collect(),
        parts_before,
    })
}

/// Checks the set-aside summaries against the per-request output the dir added: the
/// same requests and failures are the same run (skipped), others another run's
/// (skipped as other data). When no per-request output was read, the summaries are.
pub(super) fn check_summaries(pending: Option<PendingSummaries>, run: &mut Run) {
    let Some(pending) = pending else {
        return;
    };
    let added: Vec<SourcePart> = run
        .parts_of("k6")
        .iter()
        .skip(pending.parts_before)
        .cloned()
        .collect();
    if added.is_empty() {
        for (_, src) in pending.summaries {
            add_source(run, src);
        }
        return;
    }
    let read = (
        added.iter().map(|p| p.requests).sum::<u64>(),
        added.iter().map(|p| p.failures).sum::<u64>(),
    );
    for (file, src) in pending.summaries {
        let (n, f) = counts(&src);
        let (kind, why) = if (n, f) == read {
            // The same run: its thresholds judged the data the report reads.
            run.tool_checks.extend(src.tool_checks);
            (
                SkipKind::SameData,
                format!(
                    "k6's end-of-test summary of the run whose per-request output is read: \
                     both count {n} requests, {f} failed (checked); the per-request output \
                     is the measurement"
                ),
            )
        } else {
            (
                SkipKind::OtherData,
                format!(
                    "k6's end-of-test summary counts {n} requests ({f} failed) and the \
                     per-request output beside it {} ({} failed): not the same run; the \
                     per-request output is read: analyse this file in a dir of its own",
                    read.0, read.1
                ),
            )
        };
        run.skipped.push(Skipped::new(file, why, kind));
    }
}
