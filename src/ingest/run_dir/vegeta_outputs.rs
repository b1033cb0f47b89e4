//! vegeta's report (text, or `-type=json`) beside the per-request results of an attack
//! (`vegeta encode` to CSV or JSON, the measurement): the report is set aside before the dir is read
//! and checked against what its per-request results added, on requests and failures.
//! The same counts are the same attack (skipped as the same data: never counted
//! twice); other counts are another attack's (skipped as other data, which makes the
//! data `incomplete`). Alone, the report is read.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Format;
use crate::ingest::{vegeta_report, vegeta_text};
use crate::model::{Run, SkipKind, Skipped, SourcePart};

/// The dir's vegeta reports set aside (with their format), and the vegeta source's
/// parts before the dir was read.
pub(super) struct PendingReports {
    reports: Vec<(Format, PathBuf)>,
    parts_before: usize,
}

/// Takes the dir's vegeta reports out of `by_format` when per-request vegeta results
/// are beside them (else they are read like any summary).
pub(super) fn set_reports_aside(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    run: &Run,
) -> Option<PendingReports> {
    let per_request = [Format::VegetaCsv, Format::VegetaJson]
        .iter()
        .any(|f| by_format.contains_key(f));
    if !per_request {
        return None;
    }
    let reports: Vec<(Format, PathBuf)> = [Format::VegetaText, Format::VegetaReportJson]
        .into_iter()
        .flat_map(|f| {
            by_format
                .remove(&f)
                .unwrap_or_default()
                .into_iter()
                .map(move |p| (f, p))
        })
        .collect();
    if reports.is_empty() {
        return None;
    }
    let parts_before = run.parts_of("vegeta").len();
    Some(PendingReports {
        reports,
        parts_before,
    })
}

/// Checks the set-aside reports against the per-request results the dir added, and
/// lists each as skipped: the same attack, or another's.
pub(super) fn check_reports(pending: Option<PendingReports>, run: &mut Run) {
    let Some(pending) = pending else {
        return;
    };
    let added: Vec<SourcePart> = (run.parts_of("vegeta").iter())
        .skip(pending.parts_before)
        .cloned()
        .collect();
    let read = (
        added.iter().map(|p| p.requests).sum::<u64>(),
        added.iter().map(|p| p.failures).sum::<u64>(),
    );
    for (format, file) in pending.reports {
        let counts = vegeta_text::counts(match format {
            Format::VegetaReportJson => vegeta_report::read(&file),
            _ => vegeta_text::read(&file),
        });
        let what = match format {
            Format::VegetaReportJson => "JSON report",
            _ => "text report",
        };
        let (kind, why) = match counts {
            Ok((n, f)) if (n, f) == read => (
                SkipKind::SameData,
                format!(
                    "vegeta's {what} of the attack whose per-request results are read: \
                     both count {n} requests, {f} failed (checked); the per-request results \
                     are the measurement"
                ),
            ),
            Ok((n, f)) => (
                SkipKind::OtherData,
                format!(
                    "vegeta's {what} counts {n} requests ({f} failed) and the \
                     per-request results beside it {} ({} failed): not the same attack; the \
                     per-request results are read: analyse this file in a dir of its own",
                    read.0, read.1
                ),
            ),
            Err(p) => (
                SkipKind::OtherData,
                format!(
                    "vegeta's {what}, which cannot be checked against the per-request \
                     results beside it: {}; the per-request results are read",
                    p.reason
                ),
            ),
        };
        run.skipped.push(Skipped::new(file, why, kind));
    }
}
