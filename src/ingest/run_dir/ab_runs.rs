//! Several ab runs in one dir (a shell loop's `ab-2users.log` with `-g ab-2users.tsv`,
//! `ab-8users.log` with `-g ab-8users.tsv`…): each console text is a stage of its own
//! (its counts, failures and users, as ab texts alone are), and a `-g` file named as a
//! text (the same name up to its extension) holding as many rows as the text's complete
//! requests is that run's: the stage gets every request's latency and start from it, as
//! a text and its `-g` file in a dir of their own do. Any other `-g` file is checked
//! against the texts on its rows: the run of a text with as many complete requests is
//! the same data (skipped, its name saying whose); one that no text counts is another
//! run's. `-e` CSVs have no count to check: they are detail of one of the runs read.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::pairs::{names, request_rows};
use super::{add_source, formats, Format, IngestOptions, StagePlan};
use crate::model::{Run, SkipKind, Skipped};

/// Reads the dir's ab console texts (more than one) with the `-g` files named as them,
/// and skips the other `-g` and `-e` files, saying why.
pub(super) fn read_ab_runs(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    plan: &StagePlan,
    opts: &IngestOptions,
    run: &mut Run,
) {
    let texts = by_format.remove(&Format::AbText).unwrap_or_default();
    let counts: Vec<(PathBuf, u64)> = (texts.iter())
        .filter_map(|t| Some((t.clone(), crate::ingest::ab::complete_requests(t).ok()?)))
        .collect();
    let own_dir = "give each ab run a dir of its own, or name its -g file as its console \
                   text (`ab-8users.log`, `ab-8users.tsv`), to read its exact latencies";
    let mut paired: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for tsv in by_format.remove(&Format::AbGnuplot).unwrap_or_default() {
        let rows = request_rows(&tsv, Format::AbGnuplot, opts);
        let of_count = |(t, n): &&(PathBuf, u64)| *n == rows && !paired.contains_key(t);
        // Runs of one count: the text of the same name (`ab_c4.txt`, `ab_c4.tsv`) first.
        let same =
            (counts.iter().filter(of_count)).min_by_key(|(t, _)| t.file_stem() != tsv.file_stem());
        let (kind, why) = match same {
            Some((text, _)) if text.file_stem() == tsv.file_stem() => {
                paired.insert(text.clone(), tsv);
                continue;
            }
            Some((text, n)) => (
                SkipKind::SameData,
                format!(
                    "ab's -g file of the run whose console text ({}) is read: both count {n} \
                     requests (checked), but their names differ, so it is not read as that \
                     run's: {own_dir}",
                    text.shown()
                ),
            ),
            None => (
                SkipKind::OtherData,
                format!(
                    "ab's -g file of {rows} requests, and no ab console text beside it counts as \
                     many complete requests ({}): another run's, in none of the figures: \
                     {own_dir}",
                    names(&texts)
                ),
            ),
        };
        run.skipped.push(Skipped::new(tsv, why, kind));
    }
    for csv in by_format.remove(&Format::AbCsv).unwrap_or_default() {
        let why = format!(
            "ab's -e percentiles of one of the ab runs whose console texts are read ({}); \
             it holds no count to say which: {own_dir}",
            names(&texts)
        );
        run.skipped.push(Skipped::new(csv, why, SkipKind::Detail));
    }
    let mut summaries = crate::ingest::summary::DirSummaries::default();
    let reader = &formats::spec(Format::AbText).reader;
    let mut built: Vec<super::same_tool_checks::Built> = Vec::new();
    for text in &texts {
        let reads = match paired.get(text) {
            Some(tsv) => match crate::ingest::ab::build_run(text, Some(tsv), None, plan, opts) {
                Ok((mut src, problems)) => {
                    run.problems.extend(problems);
                    for s in &mut src.stages {
                        s.rows_from.push(tsv.clone());
                    }
                    vec![Ok(src)]
                }
                Err(p) => vec![Err(p)],
            },
            None => reader.summary_sources(text, plan, opts),
        };
        built.push((text.clone(), reads));
    }
    // A check beside the load (`ab -n 200` of `/health`) is no run to pool with it.
    for text in super::same_tool_checks::set_aside(&mut built, run) {
        if let Some(tsv) = paired.remove(&text) {
            let why = format!("ab's -g file of the check {} set aside", text.shown());
            run.inputs.retain(|f| f.path != tsv);
            run.skipped
                .push(Skipped::new(tsv, why, SkipKind::EarlierRun));
        }
    }
    for (text, reads) in built {
        for src in reads {
            if let Err(p) = src.and_then(|src| summaries.add(&text, src)) {
                run.problems.push(p);
            }
        }
    }
    for src in summaries.finish(plan) {
        add_source(run, src);
    }
}
