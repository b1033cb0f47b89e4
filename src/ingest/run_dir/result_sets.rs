//! A dir holding several runs side by side, each under its own file-name prefix, as a
//! script that runs one scenario after another into one results dir writes them:
//! Locust `--csv` sets (`01_Baseline_100users_stats.csv`, `02_Peak_1000users_stats.csv`,
//! … beside their `--html` reports and consoles), Locust `--html` reports alone, or any
//! tool's outputs named as stage dirs are (`01_Baseline_2users.log`,
//! `02_Peak_16users.log`: users, or an ordering number, and names that differ). Each
//! prefix is a stage, read as a stage dir of its own would be and named by its prefix,
//! never one set read and the others skipped or summed. A file no prefix names that
//! holds the sets' captures word for word (a loop's log they were `tee`d from) is the
//! same data, skipped as such (`tee_copies.rs`); another of their tool's is other data.
//! A file belongs to the longest prefix its name starts with (followed by `_`, `.`,
//! `-` or a space); files no prefix names stay with the dir. A Locust set whose stats
//! file is byte-identical to another's is a copy, not a stage: it stays with that set,
//! to be read once and named as a copy.

use std::path::{Path, PathBuf};

use super::discover::{detect, DirInput};
use crate::ingest::detect::Detection;
use crate::ingest::stages::{natural_order, numbered_name, stage_from_dir_name};
use crate::ingest::{formats, Format};
use crate::model::{SkipKind, Skipped};

/// The name endings of a Locust `--csv` set's stats files, by format.
const STATS_ENDINGS: [(Format, &str); 3] = [
    (Format::LocustStats, "_stats.csv"),
    (Format::LocustHistory, "_stats_history.csv"),
    (Format::LocustRequests, "_requests.csv"),
];

/// `dirs`, each dir holding several result sets split into one input per set (then
/// the files no set names, when there are any), and the files no set names that a
/// set's tool wrote, skipped (see [`unnamed`]).
pub(super) fn split_result_sets(dirs: Vec<DirInput>) -> (Vec<DirInput>, Vec<Skipped>) {
    let mut out = Vec::with_capacity(dirs.len());
    let mut skipped = Vec::new();
    for input in dirs {
        let mut found = locust_sets(&input.files);
        if found.is_empty() {
            found = stage_named_files(&input.files);
        }
        let prefixes: Vec<String> = found.iter().map(|(p, _)| p.clone()).collect();
        let distinct = found.iter().enumerate().filter(|(i, (_, of))| of == i);
        if distinct.count() < 2 || input.set.is_some() {
            out.push(input);
            continue;
        }
        let mut sets: Vec<DirInput> = (prefixes.iter())
            .map(|p| DirInput {
                set: Some(p.clone()),
                ..DirInput::new(input.dir.clone(), Vec::new())
            })
            .collect();
        let mut rest = Vec::new();
        for file in input.files {
            match prefix_of(&file, &prefixes) {
                Some(i) => sets[found[i].1].files.push(file),
                None => rest.push(file),
            }
        }
        sets.retain(|s| !s.files.is_empty());
        let (rest, aside) = unnamed(rest, &sets);
        skipped.extend(aside);
        if !rest.is_empty() {
            out.push(DirInput {
                depth: input.depth,
                ..DirInput::new(input.dir.clone(), rest)
            });
        }
        out.extend(sets);
    }
    (out, skipped)
}

/// The tool that wrote `file`, when it is a result; and whether it is read with its
/// tool's other files only (a Locust console), never alone.
fn tool_of(file: &Path) -> Option<(&'static str, bool)> {
    match detect(file) {
        Ok(Detection::Supported(f)) if f != Format::Manifest => {
            let spec = formats::spec(f);
            Some((spec.tool, matches!(spec.reader, formats::Reader::Grouped)))
        }
        _ => None,
    }
}

/// The files no set names, less those a set's tool wrote (a `jmeter.log` beside
/// `01_smoke_1users.jtl` and `02_load_50users.jtl`): read alone, such a file would be a
/// stage counting one of the sets' runs again; it is skipped as other data, and the
/// reason says how to name it so that it is checked against its run. A file never read
/// alone (a Locust console) stays, to be said as such.
fn unnamed(rest: Vec<PathBuf>, sets: &[DirInput]) -> (Vec<PathBuf>, Vec<Skipped>) {
    let tools: Vec<&str> = (sets.iter().flat_map(|s| &s.files))
        .filter_map(|f| Some(tool_of(f)?.0))
        .collect();
    let mut aside = Vec::new();
    let kept = (rest.into_iter())
        .filter(
            |f| match tool_of(f).filter(|(t, grouped)| !grouped && tools.contains(t)) {
                Some((tool, _)) => {
                    // A loop's log the runs were `tee`d from: the same requests again.
                    if let Some(skip) = copy(f, sets) {
                        aside.push(skip);
                        return false;
                    }
                    let names: Vec<&str> = sets.iter().filter_map(|s| s.set.as_deref()).collect();
                    let why = format!(
                        "a {tool} output named for none of the runs saved one per scenario beside \
                     it ({}): not read, as it may count one of them again; name it after its \
                     run (`{}.log`) to have it checked against that run",
                        names.join(", "),
                        names.last().copied().unwrap_or("NAME")
                    );
                    aside.push(Skipped::new(f.clone(), why, SkipKind::OtherData));
                    false
                }
                None => true,
            },
        )
        .collect();
    (kept, aside)
}

/// The skip of `file` when it holds, word for word, the captures of the sets' files of
/// its format (`tee_copies.rs`).
fn copy(file: &Path, sets: &[DirInput]) -> Option<Skipped> {
    let Ok(Detection::Supported(format)) = detect(file) else {
        return None;
    };
    let same: Vec<PathBuf> = (sets.iter().flat_map(|s| &s.files))
        .filter(|f| matches!(detect(f), Ok(Detection::Supported(d)) if d == format))
        .cloned()
        .collect();
    super::tee_copies::holding(file, format, &same)
}

/// The prefixes of the Locust sets among `files` (their stats files', or without any,
/// the names of their HTML reports), in name order, each with the index of
/// the first prefix whose file has the same bytes (its own, unless it is a copy).
fn locust_sets(files: &[PathBuf]) -> Vec<(String, usize)> {
    let is =
        |f: &Path, format: Format| matches!(detect(f), Ok(Detection::Supported(d)) if d == format);
    let mut stats: Vec<(String, &PathBuf)> = (files.iter())
        .filter_map(|f| {
            let name = f.file_name()?.to_str()?;
            // A packed set (`run_stats.csv.gz`) is named as unpacked.
            let name = name.strip_suffix(".gz").unwrap_or(name);
            let (format, ending) = STATS_ENDINGS.iter().find(|(_, e)| name.ends_with(e))?;
            let prefix = &name[..name.len() - ending.len()];
            (!prefix.is_empty() && is(f, *format)).then(|| (prefix.to_string(), f))
        })
        .collect();
    // Runs with `--html` only (Locust's report, one per run): a report's name is its
    // prefix. Beside CSV sets, a report is one of theirs, whatever its name.
    if stats.is_empty() {
        stats = (files.iter())
            .filter_map(|f| {
                let name = f.file_name()?.to_str()?;
                let stem = name
                    .strip_suffix(".gz")
                    .unwrap_or(name)
                    .strip_suffix(".html")?;
                (!stem.is_empty() && is(f, Format::LocustHtml)).then(|| (stem.to_string(), f))
            })
            .collect();
    }
    stats.sort();
    let mut out: Vec<(String, usize)> = Vec::new();
    for (i, (prefix, file)) in stats.iter().enumerate() {
        if out.last().is_some_and(|(p, _)| p == prefix) {
            continue;
        }
        let copy_of = (stats[..i].iter())
            .position(|(p, f)| p != prefix && same_bytes(f, file))
            .and_then(|j| out.iter().find(|(p, _)| *p == stats[j].0))
            .map(|(_, of)| *of);
        out.push((prefix.clone(), copy_of.unwrap_or(out.len())));
    }
    out
}

/// The name stems (up to the first `.`) of the result files among `files` that are
/// named as stage dirs are, each its own set, when there are two or more and their
/// stage names differ or they are numbered (`01_smoke_2users`, `05_smoke_2users`: a
/// run and its rerun); else none (`ab-2users.log`, `ab-8users.log` are stages by their
/// users already).
fn stage_named_files(files: &[PathBuf]) -> Vec<(String, usize)> {
    let mut stems: Vec<(String, String, bool)> = (files.iter())
        .filter_map(|f| {
            let stem = f.file_name()?.to_str()?.split('.').next()?;
            let result = matches!(detect(f), Ok(Detection::Supported(d)) if d != Format::Manifest);
            let (name, users) = stage_from_dir_name(stem).filter(|_| result)?;
            let numbered = numbered_name(stem).is_some();
            (users.is_some() || numbered).then(|| (stem.to_string(), name, numbered))
        })
        .collect();
    stems.sort_by(|a, b| natural_order(&a.0, &b.0).then_with(|| a.cmp(b)));
    stems.dedup();
    // A stem that extends another (`01_smoke_summary` of `01_smoke`) is that set's
    // file (k6's summary beside its results), not a set of its own; unless it names a
    // run again (`02_peak_30users_rerun` beside `02_peak_30users`): that is its own
    // stage, as a stage dir so named is, never pooled with the first run's.
    let all: Vec<String> = stems.iter().map(|s| s.0.clone()).collect();
    stems.retain(|s| {
        !all.iter()
            .any(|o| *o != s.0 && starts_with_prefix(&s.0, o) && !run_again(&s.0[o.len()..]))
    });
    let names: std::collections::BTreeSet<&String> = stems.iter().map(|s| &s.1).collect();
    let numbered = stems.iter().filter(|s| s.2).count();
    if stems.len() < 2 || (names.len() < 2 && numbered < 2) {
        return Vec::new();
    }
    (stems.into_iter().enumerate())
        .map(|(i, (stem, _, _))| (stem, i))
        .collect()
}

/// True when what a stem adds to another's (`_rerun`, `-retry2`, ` again`) says the
/// run was made again: the words an SLA's stage names tell a run and its rerun by.
fn run_again(rest: &str) -> bool {
    const WORDS: [&str; 7] = [
        "rerun", "re-run", "re_run", "retry", "again", "repeat", "redo",
    ];
    let Some(rest) = rest.strip_prefix(['_', '-', ' ']) else {
        return false;
    };
    let word = rest.trim_end_matches(|c: char| c.is_ascii_digit() || c == '_' || c == '-');
    WORDS.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// True when both files hold the same bytes (an unreadable one holds none).
fn same_bytes(a: &Path, b: &Path) -> bool {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).ok();
    size(a).is_some() && size(a) == size(b) && std::fs::read(a).ok() == std::fs::read(b).ok()
}

/// The index of the longest of `prefixes` that `file`'s name starts with, followed by
/// a separator or nothing.
fn prefix_of(file: &Path, prefixes: &[String]) -> Option<usize> {
    let name = file.file_name()?.to_str()?;
    (prefixes.iter().enumerate())
        .filter(|(_, p)| starts_with_prefix(name, p))
        .max_by_key(|(_, p)| p.len())
        .map(|(i, _)| i)
}

/// True when `name` is `prefix`, or starts with it and a separator.
fn starts_with_prefix(name: &str, prefix: &str) -> bool {
    (name.strip_prefix(prefix))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['_', '.', '-', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_goes_to_the_longest_prefix_it_starts_with() {
        let prefixes = ["run".to_string(), "run_rerun".to_string()];
        let of = |n: &str| prefix_of(Path::new(n), &prefixes);
        assert_eq!(of("run_stats.csv"), Some(0));
        assert_eq!(of("run_rerun_stats.csv"), Some(1));
        assert_eq!(of("run_rerun.html"), Some(1));
        assert_eq!(of("run.console.log"), Some(0));
        assert_eq!(of("run2_stats.csv"), None);
        assert_eq!(of("notes.md"), None);
    }

    #[test]
    fn a_file_named_after_a_stage_files_stem_is_that_stages() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = [
            "01_smoke_2users.log",
            "01_smoke_2users_summary.log",
            "02_load_20users.log",
            "notes.md",
        ]
        .iter()
        .map(|name| {
            let path = dir.path().join(name);
            let text = match *name {
                "notes.md" => "baseline, then load\n",
                _ => "This is ApacheBench, Version 2.3\n",
            };
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
        let (sets, _) = split_result_sets(vec![DirInput::new(dir.path().to_path_buf(), files)]);
        let names = |d: &DirInput| -> Vec<String> {
            let name = |f: &PathBuf| f.file_name().unwrap().to_string_lossy().into_owned();
            d.files.iter().map(name).collect()
        };
        let got: Vec<(Option<String>, Vec<String>)> =
            sets.iter().map(|d| (d.set.clone(), names(d))).collect();
        let want = [
            (None, vec!["notes.md"]),
            (
                Some("01_smoke_2users"),
                vec!["01_smoke_2users.log", "01_smoke_2users_summary.log"],
            ),
            (Some("02_load_20users"), vec!["02_load_20users.log"]),
        ];
        let want: Vec<(Option<String>, Vec<String>)> = (want.into_iter())
            .map(|(set, files)| {
                (
                    set.map(String::from),
                    files.into_iter().map(String::from).collect(),
                )
            })
            .collect();
        assert_eq!(got, want);
    }
}
