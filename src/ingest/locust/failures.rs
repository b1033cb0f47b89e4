//! Locust failures and exceptions (`_failures.csv`, `_exceptions.csv`): read, and
//! the failure kinds they list given to the stats' endpoints and stages.

use std::path::Path;

use super::csv_set::{count, read_rows};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::ingest::IngestOptions;
use crate::model::{EndpointKey, EndpointStats, FailureKind, Problem, Stage};

/// The `locust-failures` format: how it is recognised and read.
pub const FAILURES: FormatSpec = FormatSpec {
    format: Format::LocustFailures,
    name: "locust-failures",
    tool: "locust",
    sniff: Sniff::Content(|h| h.first() == "Method" && h.has("Error") && h.has("Occurrences")),
    reads_gzip: true,
    reader: Reader::Grouped,
    splittable: false,
    notes: &[],
    detected_by: "CSV header Method, Name, Error, Occurrences",
    example: "locust --headless --csv run",
};

/// The `locust-exceptions` format: how it is recognised and read.
pub const EXCEPTIONS: FormatSpec = FormatSpec {
    format: Format::LocustExceptions,
    name: "locust-exceptions",
    tool: "locust",
    sniff: Sniff::Content(|h| h.first() == "Count" && h.has("Message") && h.has("Traceback")),
    reads_gzip: true,
    reader: Reader::Grouped,
    splittable: false,
    notes: &[],
    detected_by: "CSV header Count, Message, Traceback",
    example: "locust --headless --csv run",
};

/// `_failures.csv`: `(endpoint, error text, occurrences)`.
pub(super) fn read_failures(path: &Path) -> Result<Vec<(EndpointKey, String, u64)>, Problem> {
    let (cols, rows) = read_rows(path)?;
    let c_method = cols.require(path, &["Method"])?;
    let c_name = cols.require(path, &["Name"])?;
    let c_error = cols.require(path, &["Error"])?;
    let c_occ = cols.require(path, &["Occurrences"])?;
    rows.into_iter()
        .map(|(line, cells)| {
            Ok((
                EndpointKey::new(Some(cells[c_method].as_str()), &cells[c_name]),
                cells[c_error].clone(),
                count(path, line, "Occurrences", &cells[c_occ])?,
            ))
        })
        .collect()
}

/// `_exceptions.csv`: `(count, message)`.
pub(super) fn read_exceptions(path: &Path) -> Result<Vec<(u64, String)>, Problem> {
    let (cols, rows) = read_rows(path)?;
    let c_count = cols.require(path, &["Count"])?;
    let c_msg = cols.require(path, &["Message"])?;
    rows.into_iter()
        .map(|(line, cells)| {
            Ok((
                count(path, line, "Count", &cells[c_count])?,
                cells[c_msg].clone(),
            ))
        })
        .collect()
}

/// Gives the overall endpoints and aggregate the kinds `_failures.csv` lists, never
/// more than the failures the stats count for them: Locust rewrites its files every
/// second, so copies taken mid-run can disagree. A note says how many did not fit.
pub(super) fn add_failure_kinds(
    overall: &mut Stage,
    fails: &[(EndpointKey, String, u64)],
    opts: &IngestOptions,
) -> Option<String> {
    let per_endpoint = !overall.endpoints.is_empty();
    let mut left_out = 0;
    for (key, error, n) in fails.iter().filter(|(k, ..)| opts.keeps(k)) {
        let kind = FailureKind::classify(None, error);
        let on_endpoint = overall
            .endpoints
            .get_mut(key)
            .map_or(0, |ep| add_within_failures(ep, kind, Some(error), *n));
        let on_aggregate = overall
            .aggregate
            .as_mut()
            .map_or(0, |agg| add_within_failures(agg, kind, None, *n));
        left_out = n
            .saturating_sub(if per_endpoint {
                on_endpoint
            } else {
                on_aggregate
            })
            .saturating_add(left_out);
    }
    (left_out > 0).then(|| {
        format!(
            "the failures file lists {left_out} failure(s) the stats do not count (an \
             endpoint they do not list, or beyond its failure count: files copied at \
             different moments of the run?); they are left out of the failure kinds"
        )
    })
}

/// Adds up to `n` failures of `kind`, as many as `ep`'s failures without a kind yet;
/// returns how many.
pub(super) fn add_within_failures(
    ep: &mut EndpointStats,
    kind: FailureKind,
    message: Option<&str>,
    n: u64,
) -> u64 {
    let known: u64 = ep.failures_by_kind.values().sum();
    let fit = n.min(ep.failures.saturating_sub(known));
    if fit > 0 {
        ep.add_failure(kind, message, fit);
    }
    fit
}

/// A history stage's failures, with the kinds of the whole run's where the split is
/// certain: `_failures.csv` covers the whole run, never a window of it.
pub(super) fn kinds_from_whole_run(stage: &mut Stage, overall: &Stage) {
    for (key, ep) in &mut stage.endpoints {
        if let Some(whole) = overall.endpoints.get(key) {
            kinds_of_part(ep, whole);
        }
    }
    if let (Some(agg), Some(whole)) = (stage.aggregate.as_mut(), overall.aggregate.as_ref()) {
        kinds_of_part(agg, whole);
        // The endpoints' kinds are bounds too, often sharper (each endpoint failing one
        // way): of each kind the stage holds at least what its endpoints hold.
        let mut of_endpoints = std::collections::BTreeMap::<FailureKind, u64>::new();
        for (kind, n) in stage.endpoints.values().flat_map(|e| &e.failures_by_kind) {
            *of_endpoints.entry(*kind).or_default() += n;
        }
        let mut known: u64 = agg.failures_by_kind.values().sum();
        for (kind, sum) in of_endpoints {
            let have = agg.failures_by_kind.entry(kind).or_default();
            let more = sum
                .saturating_sub(*have)
                .min(agg.failures.saturating_sub(known));
            *have += more;
            known += more;
        }
        agg.failures_by_kind.retain(|_, n| *n > 0);
    }
}

/// Gives `part` (a window of `whole`) the failure kinds that follow from the whole's:
/// all of them when it holds all of the whole's failures; else of each kind at least
/// those the failures outside it cannot hold (30 checks and 4 × 503 in the run, 33 of
/// its 34 failures in the stage: at least 29 checks and 3 × 503 there). The rest stay
/// unknown, and the report counts them as `other`.
pub(super) fn kinds_of_part(part: &mut EndpointStats, whole: &EndpointStats) {
    if part.failures == 0 || part.failures > whole.failures {
        return;
    }
    if part.failures == whole.failures {
        part.failures_by_kind = whole.failures_by_kind.clone();
        part.errors = whole.errors.clone();
        return;
    }
    let outside = whole.failures - part.failures;
    part.failures_by_kind = (whole.failures_by_kind.iter())
        .filter_map(|(kind, n)| Some((*kind, n.checked_sub(outside).filter(|m| *m > 0)?)))
        .collect();
    // A kind known in full whose failures the whole run gives one message: that
    // message, as many times (else the stage's error list would leave them out).
    if part.failures_by_kind.values().sum::<u64>() == part.failures {
        for (kind, n) in &part.failures_by_kind {
            let mut of_kind =
                (whole.errors.iter()).filter(|(m, _)| FailureKind::classify(None, m) == *kind);
            if let (Some((message, total)), None) = (of_kind.next(), of_kind.next()) {
                if whole.failures_by_kind.get(kind) == Some(total) {
                    part.errors.insert(message.clone(), *n);
                }
            }
        }
    }
}
