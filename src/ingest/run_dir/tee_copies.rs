//! A console capture that holds, word for word, the captures of the same dir's other
//! files of its format: a shell loop whose every run is `tee`d to a file of its own
//! while the loop's output goes to one log (`for r in 20 60; do httperf --rate $r … |
//! tee rate-$r.txt; done > all.log`). Read beside them, each run would be counted
//! twice (a stage's requests doubled). The per-run files are read, each once; the
//! log is skipped as the same data when nothing else in it is a result (the loop's
//! `== rate 20` banners are not), else as other data (its other runs are not read),
//! the reason naming the files it repeats. Only end-of-run summaries (consoles) are
//! compared: they are small, and a run's capture is whole in the loop's log.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::ingest::detect::Detection;
use crate::ingest::formats::{self, Reader};
use crate::ingest::stages::natural_order;
use crate::ingest::text::read_text;
use crate::ingest::{detect_format, Format};
use crate::model::{Run, SkipKind, Skipped};

/// Captures shorter than this (trimmed) are too little to say a log repeats them.
const MIN_CAPTURE_BYTES: usize = 64;

/// Consoles larger than this are not compared (a capture of one run is small).
const MAX_CONSOLE_BYTES: u64 = 4 << 20;

/// Skips each summary file of `by_format` that holds other files of its format word
/// for word (see the module doc).
pub(super) fn skip_tee_logs(by_format: &mut BTreeMap<Format, Vec<PathBuf>>, run: &mut Run) {
    for (format, files) in by_format.iter_mut() {
        let spec = formats::spec(*format);
        // JMeter's log repeats its console's summariser lines by design: `jmeter_outputs.rs`.
        if files.len() < 2 || spec.tool == "jmeter" || !matches!(spec.reader, Reader::Summary(_)) {
            continue;
        }
        let texts: Vec<Option<String>> = files.iter().map(|f| capture(f)).collect();
        let mut aside: Vec<(usize, Skipped)> = Vec::new();
        for (i, log) in texts.iter().enumerate() {
            let Some(log) = log else { continue };
            let held: Vec<usize> = (texts.iter().enumerate())
                .filter(|(j, t)| {
                    *j != i
                        && t.as_deref().is_some_and(|t| {
                            t.len() >= MIN_CAPTURE_BYTES && t.len() < log.len() && log.contains(t)
                        })
                })
                .map(|(j, _)| j)
                .collect();
            // A file another log holds is read; only the outermost log is set aside.
            if held.is_empty() || aside.iter().any(|(a, _)| held.contains(a)) {
                continue;
            }
            let mut rest = log.clone();
            for &j in &held {
                rest = rest.replacen(texts[j].as_deref().unwrap_or_default(), "", 1);
            }
            let more = matches!(
                detect_format(&files[i], rest.as_bytes()),
                Detection::Supported(f) if f == *format
            );
            let names: Vec<PathBuf> = held.iter().map(|&j| files[j].clone()).collect();
            aside.push((i, skipped(&files[i], &names, more)));
        }
        aside.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
        for (i, skip) in aside {
            files.remove(i);
            run.skipped.push(skip);
        }
    }
}

/// The skip of `log` (of `format`) when it holds the captures of some of `files` (of
/// that format) word for word: a loop's log beside the files its runs were `tee`d to,
/// where those files are read as runs of their own (`result_sets.rs`: `c2.txt`,
/// `c4.txt` beside `loop.log`); else `None`.
pub(super) fn holding(log: &Path, format: Format, files: &[PathBuf]) -> Option<Skipped> {
    let text = capture(log)?;
    let held: Vec<(&PathBuf, String)> = (files.iter())
        .filter(|f| f.as_path() != log)
        .filter_map(|f| Some((f, capture(f)?)))
        .filter(|(_, t)| t.len() >= MIN_CAPTURE_BYTES && t.len() < text.len() && text.contains(t))
        .collect();
    if held.is_empty() {
        return None;
    }
    let mut rest = text.clone();
    for (_, t) in &held {
        rest = rest.replacen(t, "", 1);
    }
    let more =
        matches!(detect_format(log, rest.as_bytes()), Detection::Supported(f) if f == format);
    let names: Vec<PathBuf> = held.iter().map(|(f, _)| (*f).clone()).collect();
    Some(skipped(log, &names, more))
}

/// A file's text, trimmed, when it is small enough to compare.
fn capture(file: &Path) -> Option<String> {
    let size = std::fs::metadata(file).ok()?.len();
    if size > MAX_CONSOLE_BYTES {
        return None;
    }
    Some(read_text(file).ok()?.trim().to_string())
}

/// The skip of `log`, which holds the captures of `held` word for word, and (`more`)
/// results of its own besides.
fn skipped(log: &Path, held: &[PathBuf], more: bool) -> Skipped {
    let mut names: Vec<String> = held.iter().map(|p| p.shown().to_string()).collect();
    names.sort_by(|a, b| natural_order(a, b));
    let (kind, rest) = if more {
        (
            SkipKind::OtherData,
            "; it holds other results besides, not read: give each run a file of its own",
        )
    } else {
        (SkipKind::SameData, "")
    };
    let why = format!(
        "holds the captures of {} word for word (a loop's log beside the file each run was \
         `tee`d to): its requests are read once, from those files{rest}",
        names.join(", ")
    );
    Skipped::new(log.to_path_buf(), why, kind)
}
