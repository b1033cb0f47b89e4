//! Sibling dirs that each hold a set of stage dirs repeating another's stages
//! (`release-1.2/01_baseline_10users/` beside `release-1.3/01_baseline_10users/`; a run
//! beside a hand-made copy of it with `baseline/` and `peak/`) are several runs of one
//! test, not stages of one run: read together, each stage would pool two runs'
//! requests. Their results were written at different times (one run after another);
//! sets written together are load generators side by side, one run's shares. The run
//! whose results were written last is read and the others are set
//! aside as earlier runs, with a warning that names the run read and how to read or
//! compare another. Sets that share no stage, or whose stages hold different formats
//! (one tool's dirs beside another tool's), stay stage dirs of one run, as any dirs of
//! dirs are; a dir holding results itself is a stage dir, never such a set. Run dirs
//! named alike but for a date (`2026-12-01/`, `2026-12-02/`, each holding a JTL) are
//! runs of one test too, one a day: the one its name dates latest is read.

use crate::model::untrusted::Shown;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use regex::Regex;

use super::discover::detect;
use crate::ingest::detect::Detection;
use crate::ingest::stages::{natural_order, stage_from_dir_name, stage_named};
use crate::ingest::{problem, Format};
use crate::model::{Run, SkipKind, Skipped};

/// How deep below a set's dir its stage dirs are looked for (`run/01_baseline/results/`).
const MAX_DEPTH: usize = 3;

/// A dir holding stage dirs, not results of its own.
struct StageSet {
    dir: PathBuf,
    /// Each stage dir's stage name, lower-cased, with what is known of it.
    stages: BTreeMap<String, StageDir>,
}

/// What a set knows of one of its stages.
#[derive(Default)]
struct StageDir {
    /// The formats of its results.
    formats: BTreeSet<Format>,
    /// Whether its dir is named as a stage is (`01_baseline`, `peak_50users`).
    named: bool,
    /// When its newest result file was written.
    written: Option<SystemTime>,
}

/// Results of one stage written this far apart are two runs' (one run after another),
/// not two load generators' shares of one run (stopped together).
const RUNS_APART: Duration = Duration::from_secs(60);

impl StageSet {
    /// When its newest result file was written.
    fn written(&self) -> Option<SystemTime> {
        self.stages.values().filter_map(|s| s.written).max()
    }

    /// True when `other` repeats a stage of this set: one of the two dirs named as a
    /// stage is (dirs named otherwise, `gen1/` and `gen2/` under each of `baseline/`
    /// and `peak/`, may be a stage's parts), in a format this one has there, its
    /// results written [`RUNS_APART`] from this one's. Sets written together are load
    /// generators side by side (`gen1/03_peak/`, `gen2/03_peak/`), each a share of
    /// one run, as are sets whose times were lost (a copy, a `git clone`).
    fn repeats(&self, other: &StageSet) -> bool {
        (self.stages.iter()).any(|(name, mine)| {
            (other.stages.get(name)).is_some_and(|theirs| {
                let apart = match (mine.written, theirs.written) {
                    (Some(a), Some(b)) => a.max(b).duration_since(a.min(b)).unwrap_or_default(),
                    _ => Duration::ZERO,
                };
                !theirs.formats.is_disjoint(&mine.formats)
                    && (theirs.named || mine.named)
                    && apart >= RUNS_APART
            })
        })
    }
}

/// The formats headroom reads among a dir's own files (not its sub-dirs'), and when the
/// newest of them was written.
fn results_of(dir: &Path) -> (BTreeSet<Format>, Option<SystemTime>) {
    let (mut formats, mut written) = (BTreeSet::new(), None);
    let files = (std::fs::read_dir(dir).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.is_file());
    for p in files {
        match detect(&p) {
            Ok(Detection::Supported(Format::Manifest)) | Err(_) => {}
            Ok(Detection::Supported(f)) => {
                formats.insert(f);
                let modified = p.metadata().and_then(|m| m.modified()).ok();
                written = written.max(modified);
            }
            Ok(_) => {}
        }
    }
    (formats, written)
}

/// The stage a stage dir names, for matching across sets: its name
/// ([`stage_dir_name`](super::stage_names::stage_dir_name)) without ordering number and
/// users (`01_baseline_10users` and `baseline` are one stage); and whether that name
/// is a stage's ([`stage_named`](crate::ingest::stages::stage_named)).
fn stage_key(dir: &Path) -> (String, bool) {
    let named = super::stage_names::stage_dir_name(dir, true).unwrap_or_default();
    let is_stage = stage_named(&named);
    let key = stage_from_dir_name(&named).map_or(named, |(name, _)| name);
    (key.to_lowercase(), is_stage)
}

/// `dir` as a set of stage dirs: None when it holds results itself (a stage dir), is
/// named as a stage is (`01_baseline/` holding one dir per tool), or holds no stage dir.
fn stage_set(dir: &Path) -> Option<StageSet> {
    if stage_named(&dir.file_name()?.to_string_lossy()) || !results_of(dir).0.is_empty() {
        return None;
    }
    let mut set = StageSet {
        dir: dir.to_path_buf(),
        stages: BTreeMap::new(),
    };
    let mut level = vec![dir.to_path_buf()];
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for d in &level {
            for sub in subdirs(d) {
                let (formats, written) = results_of(&sub);
                if formats.is_empty() {
                    next.push(sub);
                    continue;
                }
                let (key, named) = stage_key(&sub);
                let stage = set.stages.entry(key).or_default();
                stage.formats.extend(formats);
                stage.named |= named;
                stage.written = stage.written.max(written);
            }
        }
        level = next;
    }
    (!set.stages.is_empty()).then_some(set)
}

/// The stage keys ([`stage_key`]) of every dir below `dir` to [`MAX_DEPTH`], by their
/// names alone: a cheap first look, so that only dirs that may repeat another's stages
/// have their files' formats detected (a dir holding a Python venv has thousands).
fn names_below(dir: &Path) -> BTreeMap<String, bool> {
    let mut names = BTreeMap::new();
    let mut level = vec![dir.to_path_buf()];
    for _ in 0..MAX_DEPTH {
        let next: Vec<PathBuf> = level.iter().flat_map(|d| subdirs(d)).collect();
        for sub in &next {
            let (key, named) = stage_key(sub);
            *names.entry(key).or_insert(false) |= named;
        }
        level = next;
    }
    names
}

/// A dir's visible sub-dirs, headroom's own outputs left out.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let visible = |p: &PathBuf| {
        !(p.file_name()).is_some_and(|n| n.to_string_lossy().starts_with('.'))
            && !crate::ingest::is_headroom_output(p)
    };
    (std::fs::read_dir(dir).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.is_dir() && visible(p))
        .collect()
}

/// `dirs` (the sub-dirs of `parent`, or with None the dirs given) without the earlier
/// runs of a test that several of them hold a run of; each left out is listed as
/// skipped, and a warning per test names the run read.
pub(super) fn latest_runs(
    parent: Option<&Path>,
    dirs: Vec<PathBuf>,
    run: &mut Run,
) -> Vec<PathBuf> {
    if dirs.len() < 2 {
        return dirs;
    }
    let names: Vec<BTreeMap<String, bool>> = (dirs.iter())
        .map(|d| match d.file_name() {
            Some(n) if !stage_named(&n.to_string_lossy()) => names_below(d),
            _ => BTreeMap::new(),
        })
        .collect();
    let may_repeat = |i: usize| {
        (names.iter().enumerate()).any(|(j, other)| {
            j != i && (names[i].iter()).any(|(k, named)| other.get(k).is_some_and(|n| *n || *named))
        })
    };
    let sets: Vec<StageSet> = (dirs.iter().enumerate())
        .filter(|(i, _)| may_repeat(*i))
        .filter_map(|(_, d)| stage_set(d))
        .collect();
    let mut earlier: Vec<PathBuf> = Vec::new();
    for group in groups(&sets) {
        let mut runs: Vec<&StageSet> = group.iter().map(|&i| &sets[i]).collect();
        runs.sort_by(|a, b| {
            (a.written().cmp(&b.written()))
                .then_with(|| natural_order(&a.dir.to_string_lossy(), &b.dir.to_string_lossy()))
        });
        let latest = runs.pop().expect("a group holds two runs or more");
        let stages: Vec<&str> = (latest.stages.keys())
            .filter(|s| runs.iter().any(|r| r.stages.contains_key(*s)))
            .map(String::as_str)
            .collect();
        let same = format!("stage dirs {} in each", stages.join(", "));
        let older: Vec<&Path> = runs.iter().map(|r| r.dir.as_path()).collect();
        let chosen = "the one whose results were written last";
        set_aside(parent, (&latest.dir, chosen), &older, &same, run);
        earlier.extend(older.iter().map(|d| d.to_path_buf()));
    }
    for (latest, older) in dated_runs(&dirs) {
        let chosen = "the one its name dates latest";
        let same = "the same name but for its date, and the same tool's results";
        set_aside(parent, (&latest, chosen), &older, same, run);
        earlier.extend(older.iter().map(|d| d.to_path_buf()));
    }
    dirs.into_iter().filter(|d| !earlier.contains(d)).collect()
}

/// Sets `older` runs aside as earlier runs of the test whose `latest` run is read,
/// each listed as skipped, with a warning on `parent` (or the latest, for dirs given)
/// naming the run read, why it was chosen, and how to read or compare another.
fn set_aside(
    parent: Option<&Path>,
    (latest, chosen): (&Path, &str),
    older: &[&Path],
    same: &str,
    run: &mut Run,
) {
    let name = |d: &Path| super::dir_name(d).unwrap_or_else(|| d.shown().to_string());
    for old in older {
        let why = format!(
            "an earlier run of the test in {} ({same}), not more of its stages: analyse its \
             dir on its own, or compare the two runs with `headroom compare {} {}`",
            latest.shown(),
            old.shown(),
            latest.shown()
        );
        run.skipped
            .push(Skipped::new(old.to_path_buf(), why, SkipKind::EarlierRun));
    }
    let (path, holds) = match parent {
        Some(p) => (p, "holds"),
        None => (latest, "and the dirs given with it are"),
    };
    let others: Vec<String> = older.iter().map(|d| name(d)).collect();
    run.warnings.push(problem(
        path,
        None,
        format!(
            "{holds} {} runs of one test ({same}), not one run: analysed {}, {chosen}; {} \
             set aside (see Skipped files). To analyse another, give its dir; to compare \
             them, use `headroom compare`",
            older.len() + 1,
            name(latest),
            others.join(", "),
        ),
    ));
}

/// The date (and time) in a dir's name, as digits to order by, and the name without
/// it: `run-2026-12-01T10-30` → (`202612011030…`, `run-`); `2026-12-01` → (…, ``).
fn dated(name: &str) -> Option<(String, String)> {
    static STAMP: OnceLock<Regex> = OnceLock::new();
    let re = STAMP.get_or_init(|| {
        Regex::new(
            r"(?:19|20)\d{2}[-_.]?(?:0[1-9]|1[0-2])[-_.]?(?:0[1-9]|[12]\d|3[01])(?:[T_ -]?[0-2]\d[:._-]?[0-5]\d(?:[:._-]?[0-5]\d)?)?",
        )
        .expect("static regex")
    });
    let m = re.find(name)?;
    let mut digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
    while digits.len() < 14 {
        digits.push('0');
    }
    let rest = format!("{}{}", &name[..m.start()], &name[m.end()..]);
    Some((digits, rest))
}

/// Run dirs (holding results) named alike but for a date (`2026-12-01/`,
/// `2026-12-02/`; `run-20261201/`, `run-20261202/`) whose results are of one format:
/// several runs of one test, one a day, not its stages. Each group's latest by its
/// name's date, with the others, oldest first.
fn dated_runs(dirs: &[PathBuf]) -> Vec<(PathBuf, Vec<&Path>)> {
    // By the name without its date and the formats: each run's date and dir.
    type Alike = (String, BTreeSet<Format>);
    let mut by_rest: BTreeMap<Alike, Vec<(String, &Path)>> = BTreeMap::new();
    for d in dirs {
        let Some((stamp, rest)) = d.file_name().and_then(|n| dated(&n.to_string_lossy())) else {
            continue;
        };
        let formats = results_of(d).0;
        if !formats.is_empty() {
            by_rest
                .entry((rest, formats))
                .or_default()
                .push((stamp, d.as_path()));
        }
    }
    (by_rest.into_values())
        .filter(|runs| runs.len() > 1)
        .map(|mut runs| {
            runs.sort();
            let (_, latest) = runs.pop().expect("two runs or more");
            (
                latest.to_path_buf(),
                runs.into_iter().map(|(_, d)| d).collect(),
            )
        })
        .collect()
}

/// The sets that repeat one another's stages, in groups of two or more (a set joins a
/// group when it repeats a stage of any set in it).
fn groups(sets: &[StageSet]) -> Vec<Vec<usize>> {
    let mut group_of: Vec<usize> = (0..sets.len()).collect();
    for i in 0..sets.len() {
        for j in 0..i {
            if sets[i].repeats(&sets[j]) {
                let (from, to) = (group_of[i], group_of[j]);
                for g in group_of.iter_mut().filter(|g| **g == from) {
                    *g = to;
                }
            }
        }
    }
    let mut by_group: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, g) in group_of.into_iter().enumerate() {
        by_group.entry(g).or_default().push(i);
    }
    by_group.into_values().filter(|g| g.len() > 1).collect()
}
