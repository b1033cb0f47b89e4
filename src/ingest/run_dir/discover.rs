//! Finding a run's files: expanding paths into run dirs, detecting and
//! fingerprinting each file's format, and listing what is skipped and why. A result
//! file byte-identical to another of its dir (the same SHA-256: `hey.csv` and
//! `hey-copy.csv`) is read once, the copy skipped as such, and so is a gzip-compressed
//! copy of a file beside it (`results.jtl.gz`: the same content once decompressed);
//! a copy that differs only in line endings or a byte-order mark (`console.txt` and a
//! CRLF `console-win.txt`: the same text) is a copy too;
//! one in a stage dir that
//! another stage dir holds already is that stage's data missing, not a second stage.
//! A copy saved by PowerShell (UTF-16) of a UTF-8 file is a copy too (`hashes.rs`).
//! A large file whose size no other input shares cannot be a copy (unless an input is
//! UTF-16, whose copies differ in size): its SHA-256, which
//! only the report needs, is computed on a thread of its own while the files are read
//! ([`LateHashes`]), not before.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use super::hashes::{gzip_size, is_utf16, sha256_file, sha256_file_and_text, sha256_unzipped};
use super::resaved::semicolon_copy;
use crate::ingest::detect::Detection;
use crate::ingest::text::read_head;
use crate::ingest::{detect_format, problem, Format};
use crate::model::{untrusted::Shown, InputFile, Run, SkipKind, Skipped};

/// A unit of input: a dir's files, or one file given on its own.
pub(super) struct DirInput {
    /// The dir (for its name).
    pub(super) dir: PathBuf,
    /// The files to read.
    pub(super) files: Vec<PathBuf>,
    /// The file-name prefix of the result set these files are, when the dir holds
    /// several sets side by side (see `result_sets.rs`): it names the stage, not the dir.
    pub(super) set: Option<String>,
    /// How deep inside a dir given it was found: 0 for a dir given, 1 for its sub-dir
    /// (a stage dir), 2 for one inside that (a generator's dir in a stage dir).
    pub(super) depth: u32,
}

impl DirInput {
    /// The dir's files, as one unit.
    pub(super) fn new(dir: PathBuf, files: Vec<PathBuf>) -> DirInput {
        DirInput {
            dir,
            files,
            set: None,
            depth: 0,
        }
    }

    /// Where the files are, as the user is shown it: the dir, or `dir/PREFIX*` for a
    /// result set.
    pub(super) fn shown(&self) -> PathBuf {
        match &self.set {
            Some(prefix) => self.dir.join(format!("{prefix}*")),
            None => self.dir.clone(),
        }
    }
}

/// Expands a path into dirs to read: a file stands alone; a dir with files is one
/// run dir; a dir holding only sub-dirs is a set of run dirs (one per stage).
/// headroom's own output dirs are skipped.
pub(super) fn expand(path: &Path, out: &mut Vec<DirInput>, run: &mut Run) {
    expand_in(path, 0, out, run);
}

/// [`expand`] of `path`, found `depth` dirs inside a dir given.
fn expand_in(path: &Path, depth: u32, out: &mut Vec<DirInput>, run: &mut Run) {
    if path.is_file() {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        out.push(DirInput::new(dir, vec![path.to_path_buf()]));
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(e) => e,
        Err(e) => {
            run.problems
                .push(problem(path, None, format!("cannot read: {e}")));
            return;
        }
    };
    let mut files = Vec::new();
    let mut subdirs = Vec::new();
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            if !crate::ingest::is_headroom_output(&p) && !is_hidden(&p) {
                subdirs.push(p);
            }
        } else if p.is_file() && !is_hidden(&p) {
            files.push(p);
        }
    }
    // JMeter's HTML dashboard (`-e -o report/`) is the run's, not a dir of its own.
    subdirs.retain(|d| match jmeter_dashboard(d) {
        Some(stats) => {
            files.push(stats);
            false
        }
        None => true,
    });
    files.sort();
    // Stage dirs in the order a person reads them (`c=2/` before `c=16/`): dirs of a
    // tool without clock times keep this order.
    subdirs.sort_by(|a, b| {
        crate::ingest::stages::natural_order(&a.to_string_lossy(), &b.to_string_lossy())
    });
    // A dir with a result file is a run dir; one without is a set of run dirs (one
    // per stage, `01_baseline_100users/` …). A `run.toml` alone (a label written by
    // hand beside stage dirs, as the README invites) is the run's manifest, not a
    // result: its stage dirs are still read.
    // A siege.log the stage dirs' runs appended to is theirs, not the root's run.
    if !subdirs.is_empty() {
        super::siege_root_log::set_aside(&mut files, &subdirs, run);
    }
    let is_run_dir = files.iter().any(|f| {
        matches!(detect(f), Ok(Detection::Supported(d)) if d != crate::ingest::Format::Manifest)
    });
    if !files.is_empty() {
        out.push(DirInput {
            depth,
            ..DirInput::new(path.to_path_buf(), files)
        });
    }
    if !is_run_dir {
        // Several runs of one Gatling simulation: the latest is the run.
        let subdirs = super::gatling_runs::latest_runs(path, subdirs, run);
        let subdirs = super::repeated_runs::latest_runs(Some(path), subdirs, run);
        for sub in subdirs.iter().filter(|d| stage_without_results(d)) {
            let why = match packed(sub).as_slice() {
                [] => "a stage dir whose files hold no load-test result (a run killed before \
                       its tool wrote one, or an empty capture): that stage's data is \
                       missing; re-run the stage, or move the dir out of the run"
                    .to_string(),
                packs => format!(
                    "a stage dir whose results are packed, which headroom does not read \
                     ({}): that stage is missing until they are unpacked in its dir",
                    packs.join("; ")
                ),
            };
            run.problems.push(problem(sub, None, why));
        }
        // A link back up the tree (`self -> .`) would be read again and again.
        let here = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        for sub in subdirs {
            let target = sub.canonicalize().unwrap_or_else(|_| sub.clone());
            if !here.starts_with(&target) {
                expand_in(&sub, depth + 1, out, run);
            }
        }
        return;
    }
    // A run dir's sub-dirs are not its stages: say so where they hold results too.
    for sub in subdirs.into_iter().filter(|d| holds_results(d)) {
        run.skipped.push(Skipped::new(
            sub,
            format!(
                "a sub-directory of {}, which holds result files itself: not read as part \
                 of it (analyse it on its own, or put every stage in a sub-directory)",
                path.shown()
            ),
            SkipKind::OtherData,
        ));
    }
}

/// The `statistics.json` (or `statistics.json.gz`, the dashboard packed with
/// `gzip -r`) of a JMeter HTML dashboard dir (`report/` of `jmeter … -e -o report/`),
/// when `dir` is one.
fn jmeter_dashboard(dir: &Path) -> Option<PathBuf> {
    let format = Detection::Supported(crate::ingest::Format::JmeterDashboard);
    ["statistics.json", "statistics.json.gz"]
        .iter()
        .map(|name| dir.join(name))
        .find(|stats| stats.is_file() && detect(stats).is_ok_and(|d| d == format))
}

/// True when a dir (not its sub-dirs) holds a file in a format headroom reads.
fn holds_results(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let p = e.path();
            p.is_file() && matches!(detect(&p), Ok(Detection::Supported(_)))
        })
    })
}

/// A dir's gzip or zip files that headroom does not read, each with why
/// (`wrk.txt.gz: gzip-compressed wrk-text: decompress it first`).
fn packed(dir: &Path) -> Vec<String> {
    let files = (std::fs::read_dir(dir).into_iter().flatten().flatten()).map(|e| e.path());
    let mut packs: Vec<String> = files
        .filter_map(|p| {
            let head = read_head(&p).ok()?;
            let packed = head.starts_with(&[0x1f, 0x8b]) || head.starts_with(b"PK\x03\x04");
            match detect_format(&p, &head) {
                Detection::Unsupported(why) if packed => {
                    let name = p.file_name()?.to_string_lossy().into_owned();
                    Some(format!("{name}: {why}"))
                }
                _ => None,
            }
        })
        .collect();
    packs.sort();
    packs
}

/// True when `dir` is named as a stage dir is (`02 Peak load (32 users)`,
/// `03_stress`) and holds files, none of them a result nor a sub-dir with one: the
/// stage it names ran (something was written) and left nothing to read, so the run
/// misses it — a verdict on the other stages would be given as if it never was.
fn stage_without_results(dir: &Path) -> bool {
    let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let stage_named = crate::ingest::stages::stage_named(name);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let (mut files, mut nested) = (0, false);
    for p in entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| !is_hidden(p))
    {
        if p.is_file() {
            files += 1;
        } else if p.is_dir() {
            nested = true;
        }
    }
    let holds_none = !holds_results(dir) && !crate::ingest::no_run::in_dir(dir);
    stage_named && files > 0 && !nested && holds_none
}

/// Why a file whose content was not recognised is still a problem: its name says it is
/// a result file (`…_stats.csv`, `.hlog`) while its content is not (or it is empty).
/// Any other file (a console log, an empty `stdout.txt`, HTML) is skipped.
pub(crate) fn claimed_format(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let claims = [
        ("_stats.csv", "a Locust stats CSV"),
        ("_stats_history.csv", "a Locust stats history CSV"),
        ("_failures.csv", "a Locust failures CSV"),
        ("_requests.csv", "a Locust requests CSV"),
        (".hlog", "an HdrHistogram interval log"),
        (".jtl", "a JMeter JTL"),
        (".histolog", "an HdrHistogram interval log"),
    ];
    let (_, what) = claims.iter().find(|(suffix, _)| name.ends_with(suffix))?;
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        return Some(format!(
            "empty file, named like {what}: check the load tool finished writing it"
        ));
    }
    let head = read_head(path).ok()?;
    let binary = head.iter().take(512).any(|b| *b == 0);
    let text = String::from_utf8_lossy(&head);
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    // A CSV opened and saved again by a spreadsheet in a locale whose decimal mark is
    // the comma: `;` between fields, `0,5` for 0.5.
    let resaved = what.contains("CSV") && first.contains(';') && !first.contains(',');
    Some(if binary {
        format!("named like {what} but its content is binary: check the file was fully written")
    } else if resaved {
        format!(
            "named like {what} but its fields are separated by `;`, as a spreadsheet saves \
             a CSV where the decimal mark is a comma: analyse the file the tool wrote, or \
             save it again with `,` between fields and `.` in numbers"
        )
    } else {
        format!(
            "named like {what} but its first line is not that format's header: check the \
             file was fully written"
        )
    })
}

/// Extensions of the scripts, test plans and configs a run dir keeps beside its
/// results (`run.sh`, `plan.jmx`, `paths.lua`, `load.yml`).
const SCRIPTS: [&str; 14] = [
    "sh", "bash", "ps1", "bat", "cmd", "lua", "py", "js", "ts", "jmx", "scala", "kt", "yml", "yaml",
];

/// Why a file that is not a load-test result is skipped.
fn not_a_result(path: &Path) -> String {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    // The names a saved command line goes by (hey's `-c` is read from one).
    let command = [
        "cmd",
        "cmd.txt",
        "command",
        "command.txt",
        "commands.txt",
        "cmdline.txt",
    ]
    .iter()
    .any(|c| c.eq_ignore_ascii_case(name));
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        "empty file".into()
    } else if command || SCRIPTS.iter().any(|s| s.eq_ignore_ascii_case(ext)) {
        // Said as what it is, not as a result headroom failed to recognise.
        "a script, test plan or config, not a result".into()
    } else {
        "not a recognised load-test result".into()
    }
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// The format of the file at `path`, from its name and first bytes.
pub(super) fn detect(path: &Path) -> io::Result<Detection> {
    Ok(detect_format(path, &read_head(path)?))
}

/// Files at least this large whose size no other input shares are fingerprinted while
/// they are read; smaller ones (quick to hash) at once.
const LATE_MIN_BYTES: u64 = 8 << 20;

/// The SHA-256 of the large files whose size no other input shares, computed on one
/// thread of its own while the files are read: such a file cannot be byte-identical to
/// another, so nothing but the report needs its fingerprint, and hashing a multi-GB
/// file first would hold up its reading by seconds.
pub(super) struct LateHashes {
    /// Each input's size.
    size_of: BTreeMap<PathBuf, u64>,
    /// Each gzip input's decompressed size (its trailer's, modulo 2³²).
    unzipped_size_of: BTreeMap<PathBuf, u64>,
    /// Input sizes, and how many inputs have each.
    sizes: BTreeMap<u64, usize>,
    /// An input is UTF-16 text: it may be a copy of a file of another size.
    utf16: bool,
    queue: Option<std::sync::mpsc::Sender<PathBuf>>,
    worker: Option<std::thread::JoinHandle<Vec<(PathBuf, String)>>>,
}

impl LateHashes {
    /// For the inputs `files` (every file of the invocation).
    pub(super) fn new<'a>(files: impl Iterator<Item = &'a PathBuf>) -> LateHashes {
        let size_of: BTreeMap<PathBuf, u64> = files
            .filter_map(|f| Some((f.clone(), std::fs::metadata(f).ok()?.len())))
            .collect();
        let unzipped_size_of: BTreeMap<PathBuf, u64> = (size_of.keys())
            .filter_map(|f| Some((f.clone(), gzip_size(f)?)))
            .collect();
        let mut sizes = BTreeMap::new();
        // A gzip file counts at its decompressed size too: it may be a copy of a file
        // that size.
        for size in size_of.values().chain(unzipped_size_of.values()) {
            *sizes.entry(*size).or_insert(0) += 1;
        }
        LateHashes {
            utf16: size_of.keys().any(|f| is_utf16(f)),
            size_of,
            unzipped_size_of,
            sizes,
            queue: None,
            worker: None,
        }
    }

    /// True, and `file` queued for hashing, when its fingerprint can wait: large, and
    /// no other input has its size.
    fn defer(&mut self, file: &Path) -> bool {
        let Some(&size) = self.size_of.get(file) else {
            return false;
        };
        if size < LATE_MIN_BYTES
            || self.utf16
            || self.sizes.get(&size) != Some(&1)
            || self.unzipped_twin_size(file).is_some()
        {
            return false;
        }
        let queue = self.queue.get_or_insert_with(|| {
            let (tx, rx) = std::sync::mpsc::channel::<PathBuf>();
            self.worker = Some(std::thread::spawn(move || {
                // An unreadable file is said by its reader; its fingerprint stays empty.
                rx.into_iter()
                    .map(|p| {
                        let sha = sha256_file(&p).unwrap_or_default();
                        (p, sha)
                    })
                    .collect()
            }));
            tx
        });
        queue.send(file.to_path_buf()).is_ok()
    }

    /// The decompressed size of a gzip input that another input has: the file may be
    /// a compressed copy of it, so its content must be fingerprinted.
    fn unzipped_twin_size(&self, file: &Path) -> Option<u64> {
        let size = *self.unzipped_size_of.get(file)?;
        (self.sizes.get(&size).copied().unwrap_or(0) > 1).then_some(size)
    }

    /// Waits for the fingerprints and writes them into `run.inputs`.
    pub(super) fn finish(mut self, run: &mut Run) {
        drop(self.queue.take());
        let Some(done) = self.worker.take().and_then(|w| w.join().ok()) else {
            return;
        };
        for (path, sha) in done {
            for input in run.inputs.iter_mut().filter(|i| i.path == path) {
                input.sha256.clone_from(&sha);
            }
        }
    }
}

/// The skip of `copy`, a copy of `original` (read): byte-identical, or (their SHA-256
/// in `run.inputs` differ) the same text with other line endings.
fn copy_or_text_copy(copy: PathBuf, original: &Path, run: &Run) -> Skipped {
    let sha = |p: &Path| run.inputs.iter().find(|i| i.path == p).map(|i| &i.sha256);
    let compressed = gzip_size(&copy).is_some() || gzip_size(original).is_some();
    if compressed || sha(&copy) == sha(original) {
        return copy_skipped(copy, original);
    }
    let why = format!(
        "the same text as {} with other line endings, a byte-order mark or a UTF-16 encoding (a copy saved \
         on another system): its requests are read once, from that file",
        original.shown()
    );
    Skipped::new(copy, why, SkipKind::SameData)
}

/// Detects each file's format and fingerprints the supported ones (listed in
/// `run.inputs`); the others are skipped or, when named like a result, problems.
pub(super) fn detect_files(
    files: &[PathBuf],
    run: &mut Run,
    late: &mut LateHashes,
) -> BTreeMap<Format, Vec<PathBuf>> {
    let mut by_format: BTreeMap<Format, Vec<PathBuf>> = BTreeMap::new();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut no_runs = Vec::new();
    for file in files {
        match detect(file) {
            Ok(Detection::Supported(format)) => {
                let (sha256, text) = if late.defer(file) {
                    // Filled in by `LateHashes::finish`: no copy of another.
                    (String::new(), String::new())
                } else {
                    match sha256_file_and_text(file) {
                        Ok(h) => h,
                        Err(e) => {
                            run.problems
                                .push(problem(file, None, format!("cannot read: {e}")));
                            continue;
                        }
                    }
                };
                // A compressed copy has the fingerprint of what it decompresses to.
                let content = (late.unzipped_twin_size(file))
                    .and_then(|size| sha256_unzipped(file, size))
                    .unwrap_or(text);
                let copy_of = (!content.is_empty())
                    .then(|| seen_before(&mut seen, format, &content, file))
                    .flatten();
                run.inputs.push(InputFile {
                    path: file.clone(),
                    format: format.to_string(),
                    sha256: sha256.clone(),
                    tool_version: None,
                });
                let files = by_format.entry(format).or_default();
                match copy_of {
                    // The shorter name is the original (`hey.csv`, not `hey-copy.csv`).
                    Some(first) if copy_rank(file) < copy_rank(&first) => {
                        files.retain(|p| *p != first);
                        files.push(file.clone());
                        seen.insert(content, file.clone());
                        run.skipped.push(copy_or_text_copy(first, file, run));
                    }
                    Some(first) => run
                        .skipped
                        .push(copy_or_text_copy(file.clone(), &first, run)),
                    None => files.push(file.clone()),
                }
            }
            Ok(Detection::Unsupported(why)) => {
                match claimed_format(file).or_else(|| semicolon_copy(file)) {
                    Some(claim) => run.problems.push(problem(file, Some(1), claim)),
                    None => run.skipped.push(Skipped::not_result(file.clone(), why)),
                }
            }
            Ok(Detection::Unknown) => match claimed_format(file).or_else(|| semicolon_copy(file)) {
                Some(claim) => run.problems.push(problem(file, Some(1), claim)),
                None => match crate::ingest::no_run::refused_in(file) {
                    Some(r) => no_runs.push((file, r)),
                    None => run
                        .skipped
                        .push(Skipped::not_result(file.clone(), not_a_result(file))),
                },
            },
            Err(e) => run
                .problems
                .push(problem(file, None, format!("cannot read: {e}"))),
        }
    }
    // A tool that ran nothing (a refused command line, an unreachable target): beside
    // the dir's results a failed attempt; alone, a load level in no figure.
    let measured = by_format.keys().any(|f| *f != Format::Manifest);
    for (file, r) in no_runs {
        if measured {
            run.skipped
                .push(Skipped::not_result(file.clone(), r.skipped()));
        } else {
            run.problems.push(problem(file, Some(r.line), r.problem()));
        }
    }
    super::continuation::mark_continuations(files, &by_format, run);
    by_format
}

/// The earlier file of the dir with the same content, if any (else `file` is noted as
/// the first with it). Locust's CSV sets are left out: the set's reader keeps one set
/// and names the files of another (a copy, or another run), and a run without
/// failures writes the same header-only file as every other such run.
fn seen_before(
    seen: &mut BTreeMap<String, PathBuf>,
    format: Format,
    sha256: &str,
    file: &Path,
) -> Option<PathBuf> {
    if matches!(
        format,
        Format::LocustStats
            | Format::LocustRequests
            | Format::LocustDistribution
            | Format::LocustHistory
            | Format::LocustFailures
            | Format::LocustExceptions
    ) {
        return None;
    }
    match seen.get(sha256) {
        Some(first) => Some(first.clone()),
        None => {
            seen.insert(sha256.to_string(), file.to_path_buf());
            None
        }
    }
}

/// Which of two identical files is the original: the shorter name, then the first.
fn copy_rank(path: &Path) -> (usize, PathBuf) {
    let name = path.file_name().map_or(0, |n| n.len());
    (name, path.to_path_buf())
}

/// The skip of `copy`, byte-identical to `original`, which is read.
pub(super) fn copy_skipped(copy: PathBuf, original: &Path) -> Skipped {
    let compressed = |p: &Path| gzip_size(p).is_some();
    let what = match (compressed(&copy), compressed(original)) {
        (true, false) => "a gzip-compressed copy of",
        (false, true) => "the decompressed content of",
        _ => "a byte-identical copy of",
    };
    let how = if what.starts_with("a byte") {
        "the same SHA-256"
    } else {
        "the same SHA-256 once decompressed"
    };
    let why = format!(
        "{what} {} ({how}): its requests are read once, from that file",
        original.shown()
    );
    Skipped::new(copy, why, SkipKind::SameData)
}

/// Keeps the first of `formats` (in that order of preference) that the dir has, and
/// lists the files of the others as skipped: they hold the same requests again.
pub(super) fn skip_duplicates(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    formats: &[Format],
    why: &str,
    run: &mut Run,
) {
    let Some(kept) = formats.iter().find(|f| by_format.contains_key(f)) else {
        return;
    };
    for f in formats.iter().filter(|f| *f != kept) {
        for p in by_format.remove(f).unwrap_or_default() {
            run.skipped.push(Skipped::new(
                p,
                format!("{why} ({kept} is read)"),
                SkipKind::SameData,
            ));
        }
    }
}

/// Skips a stage dir's result files that are byte-identical to a file of a stage dir
/// read before (inputs `..first_input` of `run`): one run's results copied into two
/// stage dirs are not two stages. The copy is named as such, as data the report does
/// not have (that stage's own results are missing). Locust's failures and exceptions
/// files are left out unless every file of the dir is a copy: a run without failures
/// writes the same header-only file as every other such run; a `run.toml` is never a
/// copy.
pub(super) fn skip_stage_dir_copies(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    first_input: usize,
    dir: &Path,
    run: &mut Run,
) {
    let (earlier, mine) = run.inputs.split_at(first_input.min(run.inputs.len()));
    let original = |p: &Path| {
        // An empty fingerprint is one still to come: a file no other input's size.
        let sha = &mine
            .iter()
            .find(|i| i.path == p && !i.sha256.is_empty())?
            .sha256;
        earlier
            .iter()
            .find(|i| &i.sha256 == sha)
            .map(|i| i.path.clone())
    };
    // One run.toml copied into every stage dir (the run's label, environment) is
    // normal: only result files can be another stage's data.
    let files = by_format
        .iter()
        .filter(|(f, _)| **f != Format::Manifest)
        .flat_map(|(f, ps)| ps.iter().map(move |p| (*f, p)));
    let results = files.clone().count();
    let copies: Vec<(Format, PathBuf, PathBuf)> = files
        .filter_map(|(f, p)| original(p).map(|o| (f, p.clone(), o)))
        .collect();
    let all = results == copies.len();
    let common = |f: Format| matches!(f, Format::LocustFailures | Format::LocustExceptions);
    for (format, copy, of) in copies.into_iter().filter(|c| all || !common(c.0)) {
        if let Some(files) = by_format.get_mut(&format) {
            files.retain(|p| *p != copy);
        }
        run.inputs.retain(|i| i.path != copy);
        let why = format!(
            "a byte-identical copy of {} (the same SHA-256), from another stage dir: one run's \
             results in two stages; not read as the data of {} (that stage's own results are \
             missing)",
            of.shown(),
            dir.shown()
        );
        run.skipped
            .push(Skipped::new(copy, why, SkipKind::OtherData));
    }
    by_format.retain(|_, files| !files.is_empty());
}

/// jHiccup's interval logs beside other results are skipped: jHiccup records the
/// pauses of a JVM (its hiccups), not requests, so its log is the server's context,
/// never the load test's figures. Alone it is read as any interval log.
pub(super) fn skip_hiccup_logs(by_format: &mut BTreeMap<Format, Vec<PathBuf>>, run: &mut Run) {
    let others = by_format
        .keys()
        .any(|f| !matches!(f, Format::HdrLog | Format::Manifest));
    let Some(logs) = by_format.get_mut(&Format::HdrLog).filter(|_| others) else {
        return;
    };
    let hiccups: Vec<PathBuf> = logs
        .iter()
        .filter(|p| logged_by_jhiccup(p))
        .cloned()
        .collect();
    logs.retain(|p| !hiccups.contains(p));
    if logs.is_empty() {
        by_format.remove(&Format::HdrLog);
    }
    for path in hiccups {
        run.inputs.retain(|i| i.path != path);
        run.skipped.push(Skipped::not_result(
            path,
            "a jHiccup log: the pauses (hiccups) of a JVM, not requests; beside the load \
             test's results it is not read as one",
        ));
    }
}

/// True when an interval log's comments say jHiccup wrote it.
fn logged_by_jhiccup(path: &Path) -> bool {
    read_head(path).is_ok_and(|head| {
        String::from_utf8_lossy(&head)
            .lines()
            .take_while(|l| l.starts_with('#') || l.trim().is_empty())
            .any(|l| l.contains("Logged with jHiccup"))
    })
}
