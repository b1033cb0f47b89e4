//! k6's outputs of one run side by side: `--out json`/`--out csv` (every request),
//! `--summary-export` and a `handleSummary()` JSON (the end-of-test summary, k6 writes
//! both when both are asked for) and the console's text summary (k6 prints it). The
//! per-request output is the measurement; a summary beside it is checked against it
//! on its requests and failures before it is skipped as the same run, and named
//! another run's when they differ (which makes the data `incomplete`: its requests are
//! in no figure). Two summaries with the same counts are one run's, read once (from
//! the JSON rather than the console's rounded text); a console of other counts beside
//! a summary JSON is another run's.
//!
//! Of `--out json` and `--out csv` side by side, the JSON is read: the CSV repeats
//! the same samples. Unless it does not: both outputs of one run start with the same
//! sample, so a CSV whose first sample is more than [`SAME_START_MS`] from the JSON's
//! is another run, named so: its requests are in no figure (`incomplete`), unless it
//! is far smaller than the JSON, a smoke run apart that leaves the run clean.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

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

/// Both per-request outputs of one k6 run start with the same sample: their first
/// times lie at most this far apart (ms; the CSV writes whole seconds).
const SAME_START_MS: i64 = 2_000;

/// Skips the dir's k6 CSV outputs beside its JSON output: the same run's other form,
/// or, when its first sample is not the JSON's, another run, which the report does
/// not cover.
pub(super) fn skip_other_output(by_format: &mut BTreeMap<Format, Vec<PathBuf>>, run: &mut Run) {
    let Some(json) = by_format.get(&Format::K6Json).cloned() else {
        return;
    };
    let json_starts: Vec<(PathBuf, Option<i64>)> = (json.into_iter())
        .map(|p| {
            let t = first_sample_ms(&p, Format::K6Json);
            (p, t)
        })
        .collect();
    for csv in by_format.remove(&Format::K6Csv).unwrap_or_default() {
        let start = first_sample_ms(&csv, Format::K6Csv);
        let apart = |t: &Option<i64>| match (start, t) {
            (Some(a), Some(b)) => (a - b).abs() > SAME_START_MS,
            _ => false,
        };
        let other = json_starts.iter().find(|(_, t)| apart(t));
        let skipped = match other {
            Some((p, t)) if json_starts.iter().all(|(_, t)| apart(t)) => {
                let why = format!(
                    "another k6 run than {}: its first sample is at {}, that file's at {}, \
                     and one run's outputs start with the same sample; only the JSON \
                     output is read",
                    p.shown(),
                    crate::model::format_rfc3339_ms(start.unwrap_or_default()),
                    crate::model::format_rfc3339_ms(t.unwrap_or_default()),
                );
                // A CSV sample takes under half a JSON one's bytes: a tenth of the
                // JSON's size is a run of far fewer samples, a smoke run apart.
                let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
                if size(&csv) * 10 < size(p) {
                    let why = format!(
                        "{why}; far smaller ({:.1} KiB beside {:.1} KiB), it is a short run \
                         apart (a smoke run), not part of the run read",
                        size(&csv) as f64 / 1024.0,
                        size(p) as f64 / 1024.0
                    );
                    Skipped::new(csv, why, SkipKind::EarlierRun)
                } else {
                    let why = format!(
                        "{why}, so its requests are in no figure: put it in a dir of its \
                         own to read it"
                    );
                    Skipped::new(csv, why, SkipKind::OtherData)
                }
            }
            _ => Skipped::new(
                csv,
                "taken for another output of the same k6 run, which k6 writes side by \
                 side (a different run belongs in a dir of its own) (k6-json is read)"
                    .to_string(),
                SkipKind::SameData,
            ),
        };
        run.skipped.push(skipped);
    }
}

/// The time (epoch ms) of the first `http_reqs` or `http_req_duration` sample in a k6
/// per-request output, from its first 64 KiB (decompressed); `None` when none is
/// there or the file cannot be read.
fn first_sample_ms(path: &Path, format: Format) -> Option<i64> {
    let reader = super::super::adapters::open_decompressed(path).ok()?;
    let mut lines = std::io::Read::take(reader, 64 * 1024)
        .lines()
        .map_while(Result::ok);
    let is_request = |m: &str| m == "http_reqs" || m == "http_req_duration";
    if format == Format::K6Csv {
        let header = super::super::text::header_cells(&lines.next()?);
        let at = |name: &str| header.iter().position(|h| h == name);
        let (metric, time) = (at("metric_name")?, at("timestamp")?);
        return lines.find_map(|line| {
            let cells = super::super::text::header_cells(&line);
            let m = cells.get(metric)?;
            is_request(m)
                .then(|| crate::ingest::k6::csv::parse_k6_time(cells.get(time)?))
                .flatten()
        });
    }
    lines.find_map(|line| {
        let v: serde_json::Value = serde_json::from_str(&line).ok()?;
        let m = v.get("metric")?.as_str()?;
        let time = v.get("data")?.get("time")?.as_str()?;
        (v.get("type")?.as_str()? == "Point" && is_request(m))
            .then(|| super::super::text::parse_rfc3339_ms(time))
            .flatten()
    })
}
