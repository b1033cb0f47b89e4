//! Outputs of one tool in one dir that may be the same run twice: ab's console text
//! with its `-g` TSV or `-e` CSV (several ab runs in one dir: `ab_runs.rs`), h2load's console output with its `--log-file`, hey's
//! text summary beside its CSV, siege's console summary beside its `siege.log` (Locust's
//! are `locust_checks.rs`). Each pair is cross-checked on its counts before one side is skipped as the same run
//! (`SkipKind::SameData`); when the counts disagree, the skipped file is another
//! run's (`SkipKind::OtherData`) and says so: the report never claims "same run"
//! without checking, and never sums a run with itself.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::discover::skip_duplicates;
use super::{add_source, formats, Format, IngestOptions, Reader, StagePlan};
use crate::ingest::adapters::mark_gzip_cut;
use crate::ingest::h2load::{build_run, LogUse};
use crate::ingest::Observation;
use crate::model::{Run, SkipKind, Skipped};

/// The dir's only file of format `f`, if it has exactly one.
fn single(by_format: &BTreeMap<Format, Vec<PathBuf>>, f: Format) -> Option<PathBuf> {
    match by_format.get(&f).map(Vec::as_slice) {
        Some([p]) => Some(p.clone()),
        _ => None,
    }
}

/// autocannon's console tables beside other results of their dir (its own `--json`
/// result, another tool's run) are not read with them: their counts are rounded, and
/// beside the JSON they are the test run again. They are skipped with advice
/// (`unread_runs.rs` then judges whether each is other data than the report's); alone
/// (a `manifest` aside) they are the dir's result.
pub(super) fn set_autocannon_consoles_aside(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    run: &mut Run,
) {
    let others =
        (by_format.keys()).any(|f| !matches!(f, Format::AutocannonText | Format::Manifest));
    if !others {
        return;
    }
    for path in by_format
        .remove(&Format::AutocannonText)
        .unwrap_or_default()
    {
        let why = crate::ingest::autocannon::CONSOLE_REASON;
        run.skipped
            .push(Skipped::new(path, why.to_string(), SkipKind::NotResult));
    }
}

/// A tool's console summary beside the same run's other outputs is one run: ab's text
/// with its `-g` TSV or `-e` CSV is read as one source (the text's counts, the other
/// file's latencies); hey's text beside its CSV and siege's `siege.log` beside its
/// console summary are checked against them and skipped (or flagged as another run).
/// Returns the notes for the hey source: the transport errors its CSV leaves out.
pub(super) fn pair_console_outputs(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    plan: &StagePlan,
    opts: &IngestOptions,
    run: &mut Run,
) -> Vec<String> {
    if by_format.get(&Format::AbText).map_or(0, Vec::len) > 1 {
        super::ab_runs::read_ab_runs(by_format, plan, opts, run);
    }
    if let Some(text) = single(by_format, Format::AbText) {
        let (tsv, csv) = (
            single(by_format, Format::AbGnuplot),
            single(by_format, Format::AbCsv),
        );
        if tsv.is_some() || csv.is_some() {
            match crate::ingest::ab::build_run(&text, tsv.as_deref(), csv.as_deref(), plan, opts) {
                Ok((mut src, problems)) => {
                    // A packed output cut short: the text may end where it should.
                    let files = [Some(text.as_path()), tsv.as_deref(), csv.as_deref()];
                    mark_gzip_cut(&mut src, files.into_iter().flatten());
                    run.problems.extend(problems);
                    add_source(run, src);
                }
                Err(p) => run.problems.push(p),
            }
            for f in [Format::AbText, Format::AbGnuplot, Format::AbCsv] {
                by_format.remove(&f);
            }
        }
    }
    pair_h2load(by_format, plan, opts, run);
    skip_duplicates(
        by_format,
        &[Format::AbGnuplot, Format::AbText, Format::AbCsv],
        "another output of the same run, which the tool writes side by side: the \
         per-request file is the measurement (a different run belongs in a dir of its own)",
        run,
    );
    pair_siege(by_format, run);
    pair_hey(by_format, opts, run)
}

/// h2load's console output beside its `--log-file`: one source, the console's counts
/// with the log's latencies (`h2load::build_run`).
fn pair_h2load(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    plan: &StagePlan,
    opts: &IngestOptions,
    run: &mut Run,
) {
    let texts = by_format.get(&Format::H2loadText).map_or(0, Vec::len);
    let logs = by_format.get(&Format::H2loadLog).map_or(0, Vec::len);
    if texts > 0 && logs > 0 && (texts, logs) != (1, 1) {
        return set_h2load_logs_aside(by_format, run);
    }
    let (Some(text), Some(log)) = (
        single(by_format, Format::H2loadText),
        single(by_format, Format::H2loadLog),
    ) else {
        return;
    };
    by_format.remove(&Format::H2loadText);
    match build_run(&text, &log, plan, opts) {
        Ok((mut src, used)) => {
            mark_gzip_cut(&mut src, [text.as_path(), log.as_path()]);
            add_source(run, src);
            match used {
                LogUse::Read => {}
                LogUse::OtherRun(why) => {
                    run.skipped
                        .push(Skipped::new(log.clone(), why, SkipKind::OtherData));
                }
                LogUse::Bad(p) => run.problems.push(p),
            }
            by_format.remove(&Format::H2loadLog);
        }
        // A console refused (cut short): the log is still read, alone.
        Err(p) => run.problems.push(p),
    }
}

/// h2load's console outputs and `--log-file`s in one dir, other than one of each: the
/// consoles are read (one stage each), never a log beside them (its rows are theirs:
/// counted twice). Each log is checked on its rows against the consoles' `done`: one
/// console's, or all of theirs (h2load appends each run to its log), is the same
/// data; else another run's.
fn set_h2load_logs_aside(by_format: &mut BTreeMap<Format, Vec<PathBuf>>, run: &mut Run) {
    let texts = by_format
        .get(&Format::H2loadText)
        .cloned()
        .unwrap_or_default();
    let done: Vec<u64> = (texts.iter())
        .filter_map(|t| crate::ingest::h2load::done(t).ok())
        .collect();
    let all: u64 = done.iter().sum();
    let own_dir = "give each h2load run a dir of its own to read its log's latencies";
    for log in by_format.remove(&Format::H2loadLog).unwrap_or_default() {
        let rows = crate::ingest::h2load_log::rows(&log).unwrap_or(0);
        let (kind, why) = if rows > 0 && (done.contains(&rows) || rows == all) {
            (
                SkipKind::SameData,
                format!(
                    "h2load's log of {rows} rows, the runs of the console outputs beside it \
                     ({}), which are read, one stage each (checked on their done requests): \
                     {own_dir}",
                    names(&texts)
                ),
            )
        } else {
            (
                SkipKind::OtherData,
                format!(
                    "h2load's log of {rows} rows, and neither one console output beside it \
                     nor all together ({}) count as many done requests: another run's, in \
                     none of the figures: {own_dir}",
                    names(&texts)
                ),
            )
        };
        run.skipped.push(Skipped::new(log, why, kind));
    }
}

/// hey's text summaries beside its CSVs: hey writes one or the other per run (`-o csv`
/// replaces the summary), so a text is never the CSV's own run. One that counts as many
/// answers as the CSV has rows is the same load run again (`-n` fixes the count): it
/// adds nothing the figures lack, and its transport errors are said as that run's;
/// one of another count is another run's data. Skipped either way (the CSV is the
/// measurement). Returns the notes on the rerun's transport errors.
fn pair_hey(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    opts: &IngestOptions,
    run: &mut Run,
) -> Vec<String> {
    let Some(csvs) = by_format.get(&Format::HeyCsv).cloned() else {
        return Vec::new();
    };
    let Some(texts) = by_format.remove(&Format::HeyText) else {
        return Vec::new();
    };
    let rows: u64 = csvs
        .iter()
        .map(|p| request_rows(p, Format::HeyCsv, opts))
        .sum();
    let answered: Result<Vec<u64>, _> = texts
        .iter()
        .map(|p| crate::ingest::hey_text::answered(p))
        .collect();
    let csv_names = names(&csvs);
    let (kind, why) = match answered.map(|a| a.iter().sum::<u64>()) {
        Ok(n) if n == rows => (
            SkipKind::SameData,
            format!(
                "hey's text summary of a run of as many answers ({n}, checked) as the CSV \
                 beside it ({csv_names}): the same load again (hey writes its summary or, with \
                 -o csv, the CSV, never both for one run); the CSV is the measurement"
            ),
        ),
        Ok(n) => (
            SkipKind::OtherData,
            format!(
                "hey's text summary counts {n} answers and the CSV beside it ({csv_names}) \
                 {rows} rows: not the same run (hey writes either its summary or, with -o csv, \
                 the CSV); the CSV is read: analyse this file in a dir of its own"
            ),
        ),
        Err(p) => (
            SkipKind::OtherData,
            format!(
                "hey's text summary, which cannot be checked against the CSV beside it \
                 ({csv_names}): {}; the CSV is read",
                p.reason
            ),
        ),
    };
    let notes = match kind {
        SkipKind::SameData => texts
            .iter()
            .filter_map(|p| crate::ingest::hey_text::errors_left_out(p))
            .collect(),
        _ => Vec::new(),
    };
    for text in texts {
        run.skipped.push(Skipped::new(text, why.clone(), kind));
    }
    notes
}

/// siege's console summaries beside a `siege.log`: a log row with a console's counts
/// is that console's run (the console text is read: it has the longest and shortest
/// transaction too), and siege's `**** siege aborted … ****` banner right after that
/// row (which the console does not print) makes the run incomplete; a log with no such
/// row holds other runs only. Several summaries (runs one after another, each console
/// kept, all appended to one `--log`) are each matched to a row of their own: the log
/// is skipped as soon as one of them is in it — read as well, its last row would be a
/// run counted twice.
fn pair_siege(by_format: &mut BTreeMap<Format, Vec<PathBuf>>, run: &mut Run) {
    let (Some(texts), Some(log)) = (
        by_format.get(&Format::SiegeText).cloned(),
        single(by_format, Format::SiegeLog),
    ) else {
        return;
    };
    let Ok(rows) = crate::ingest::siege::log_rows(&log) else {
        // Unreadable: the reader names the problem.
        return;
    };
    let mut used = Vec::new();
    let mut matched = Vec::new();
    let mut unmatched = Vec::new();
    // The last summary (by name) goes with the last matching row, and so on back.
    for text in texts.iter().rev() {
        let Ok((trans, failed)) = crate::ingest::siege::console_counts(text) else {
            // Unreadable: the reader names the problem.
            return;
        };
        let row = (rows.iter().rev())
            .find(|(l, _, t, f)| *t == trans && *f == failed && !used.contains(l));
        match row {
            Some((line, date, ..)) => {
                used.push(*line);
                matched.push((text, *line, date.clone(), trans, failed));
            }
            None => unmatched.push((text, trans, failed)),
        }
    }
    // The console does not say that siege gave up on the run; the log's banner does.
    let aborted =
        (matched.iter()).find_map(|(_, line, ..)| crate::ingest::siege::aborted_after(&log, *line));
    if let Some(why) = aborted.filter(|_| run.meta.complete != Some(false)) {
        run.meta.complete = Some(false);
        run.meta.incomplete_reason = Some(why);
    }
    let (kind, why) = match (matched.as_slice(), unmatched.as_slice()) {
        ([(text, line, date, trans, failed)], []) => (
            SkipKind::SameData,
            format!(
                "siege's log row of the run whose console summary ({}) is read: line {line} \
                 ({date}) and the console both count {trans} transactions and {failed} failed \
                 (checked); the console summary is read",
                text.shown()
            ),
        ),
        ([], [(text, trans, failed)]) => (
            SkipKind::OtherData,
            format!(
                "no row of this siege.log has the counts of the console summary beside it \
                 ({}: {trans} transactions, {failed} failed; the log holds {} row(s)): other \
                 runs; the console summary is read: analyse the log in a dir of its own",
                text.shown(),
                rows.len()
            ),
        ),
        ([], _) => (
            SkipKind::OtherData,
            format!(
                "no row of this siege.log has the counts of any of the {} console summaries \
                 beside it (the log holds {} row(s)): other runs; the console summaries are \
                 read: analyse the log in a dir of its own",
                texts.len(),
                rows.len()
            ),
        ),
        _ => (SkipKind::SameData, several_in_log(&matched, &unmatched)),
    };
    by_format.remove(&Format::SiegeLog);
    run.skipped.push(Skipped::new(log, why, kind));
}

/// Why a `siege.log` holding the runs of several console summaries beside it is
/// skipped: which summary is which row (checked by counts), and which are in no row.
fn several_in_log(
    matched: &[(&PathBuf, u64, String, u64, u64)],
    unmatched: &[(&PathBuf, u64, u64)],
) -> String {
    let rows = (matched.iter())
        .map(|(t, line, date, trans, failed)| {
            format!(
                "{} = line {line} ({date}: {trans} transactions, {failed} failed)",
                t.shown()
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let missing = if unmatched.is_empty() {
        String::new()
    } else {
        let names = (unmatched.iter())
            .map(|(t, ..)| t.shown().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        format!(" ({names}: in no row, read from the console)")
    };
    format!(
        "siege's log rows of the runs whose console summaries are read, each checked by its \
         counts: {rows}{missing}; the console summaries are read, each run once"
    )
}

/// The request rows of a per-request file (0 when it cannot be opened: its reader says
/// why when it is read).
pub(super) fn request_rows(path: &Path, format: Format, opts: &IngestOptions) -> u64 {
    let Reader::Replay(open) = formats::spec(format).reader else {
        return 0;
    };
    let mut ignored = Vec::new();
    let Ok(replay) = open(path, opts, &mut ignored) else {
        return 0;
    };
    let mut n = 0u64;
    let _ = replay.replay(&mut |o| {
        if let Observation::Request(_) = o {
            n += 1;
        }
    });
    n
}

/// File names, comma-separated.
pub(super) fn names(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.shown().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
