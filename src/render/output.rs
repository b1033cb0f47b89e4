//! Where output may go, and writing it without ever losing a user's file.
//!
//! The contract (README, "Output safety"): headroom deletes or replaces only what it
//! wrote itself. A dir it writes carries a marker file ([`OutputKind::marker`]); an
//! existing output dir is replaced only when it carries that marker (or is a report dir
//! of an earlier version, recognised by its `report.json`) and holds nothing but the
//! files headroom writes there, or when it is empty. Anything else is refused, naming
//! `--force`, which moves the old dir aside to a hidden sibling and deletes nothing.
//! An output that is an input, or a dir holding an input, is refused even with
//! `--force`. Everything is written into a temp dir first and moved into place, and
//! the temp dir is removed on every error path and on Ctrl-C.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use error::{create_dirs, file_on_the_way};
use paths::{absolute, parent_of, sibling, timestamp};

use crate::model::{
    is_legacy_report, COMPARE_MARKER, DEMO_MARKER, EXPORT_MARKER, REPORT_MARKER, RUN_MARKER,
};

/// What headroom writes into an output dir, which decides its marker and the names
/// it may replace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    /// `analyze`'s report dir: report.md, report.html, report.json, charts/.
    Report,
    /// `demo`'s dir: the run dir `run/` and the report dir `report/`.
    Demo,
    /// `drive`'s run dir: run.toml, latency.hlog, requests.csv.
    RunDir,
    /// `export`'s dir: one file per table (`stages.csv`, `requests.parquet`…) and, for
    /// CSV, `run.toml`.
    Export,
    /// `compare`'s dir: compare.md, compare.html, compare.json, charts/.
    Compare,
}

impl OutputKind {
    /// The marker file's name.
    pub fn marker(self) -> &'static str {
        match self {
            OutputKind::Report => REPORT_MARKER,
            OutputKind::Demo => DEMO_MARKER,
            OutputKind::RunDir => RUN_MARKER,
            OutputKind::Export => EXPORT_MARKER,
            OutputKind::Compare => COMPARE_MARKER,
        }
    }

    /// The entries headroom writes into such a dir and may replace (none in a run
    /// dir: a run is data).
    fn own_entries(self) -> &'static [&'static str] {
        match self {
            OutputKind::Report => &["report.md", "report.html", "report.json", "charts"],
            OutputKind::Demo => &["run", "report"],
            OutputKind::RunDir => &[],
            OutputKind::Export => &super::export::OWN_ENTRIES,
            OutputKind::Compare => &["compare.md", "compare.html", "compare.json", "charts"],
        }
    }

    /// What the flag that names the dir is called, for messages.
    fn noun(self) -> &'static str {
        match self {
            OutputKind::Report => "report dir",
            OutputKind::Demo => "demo dir",
            OutputKind::RunDir => "run dir",
            OutputKind::Export => "export dir",
            OutputKind::Compare => "compare dir",
        }
    }

    /// The marker's content: what wrote the dir.
    fn marker_text(self) -> String {
        let what = match self {
            OutputKind::Report => "report",
            OutputKind::Demo => "demo",
            OutputKind::RunDir => "run",
            OutputKind::Export => "export",
            OutputKind::Compare => "compare",
        };
        format!(
            "headroom {what} {}\nWritten by headroom; headroom may replace this dir.\n",
            env!("CARGO_PKG_VERSION")
        )
    }
}

/// What is at the output path now, and so how the new output gets there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Nothing: the new dir is renamed into place.
    Nothing,
    /// An empty dir (a mounted volume, a `mkdir`): the new files are moved into it.
    Empty,
    /// A dir headroom wrote: replaced.
    Ours,
    /// A dir with files headroom did not write, and `--force`: moved aside to `aside`.
    MoveAside {
        /// The hidden sibling it goes to.
        aside: PathBuf,
    },
}

/// A checked output dir: where it is and what is there now.
#[derive(Clone, Debug)]
pub struct OutputDir {
    /// The path as the user gave it (or the default).
    pub path: PathBuf,
    /// What it writes.
    pub kind: OutputKind,
    /// What is there now.
    pub existing: Existing,
}

/// Checks that `out` may receive a new output of `kind`: it is not an input, holds no
/// input, and is absent, empty, headroom's own, or (with `force`) may be moved aside.
pub fn check_out_dir(
    out: &Path,
    kind: OutputKind,
    inputs: &[PathBuf],
    force: bool,
) -> Result<OutputDir, OutputError> {
    let shown = out.display().to_string();
    let abs = absolute(out);
    for input in inputs {
        let input_abs = absolute(input);
        if input_abs == abs {
            return Err(OutputError::IsInput {
                out: format!("--out {shown}"),
            });
        }
        if input_abs.starts_with(&abs) {
            return Err(OutputError::HoldsInput {
                out: shown,
                input: input.display().to_string(),
                suggestion: suggestion(input, kind),
            });
        }
    }
    let existing = match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Existing::Nothing,
        Err(e) => return Err(file_on_the_way(out).unwrap_or_else(|| OutputError::io(out)(e))),
        Ok(meta) if meta.is_symlink() => {
            return Err(OutputError::IsLink {
                out: shown,
                target: std::fs::read_link(out)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default(),
            })
        }
        Ok(meta) if !meta.is_dir() => return Err(OutputError::IsFile { out: shown }),
        Ok(_) => match foreign_entry(out, kind).map_err(OutputError::io(out))? {
            Ownership::Empty => Existing::Empty,
            Ownership::Ours(nested) => {
                if !nested.is_empty() {
                    let shown = crate::model::untrusted::printable(&shown);
                    eprintln!(
                        "note: replacing {shown} removes {} in it: headroom's output of the \
                         old {}'s data; `headroom analyze` the new one again",
                        crate::model::untrusted::printable(&nested.join(", ")),
                        kind.noun(),
                    );
                }
                Existing::Ours
            }
            Ownership::Foreign(example) if within_input(&abs, inputs).is_some() => {
                let input = within_input(&abs, inputs).unwrap_or_default();
                return Err(OutputError::InsideInput {
                    out: shown,
                    suggestion: free_sibling(out, kind),
                    input,
                    example,
                });
            }
            Ownership::Foreign(_) if force => Existing::MoveAside {
                aside: sibling(out, &format!("old-{}", timestamp())),
            },
            Ownership::Foreign(example) => {
                let aside = sibling(out, "old-TIMESTAMP").display().to_string();
                return Err(if kind == OutputKind::RunDir {
                    OutputError::HoldsRun {
                        out: shown,
                        example,
                        aside,
                    }
                } else {
                    OutputError::Foreign {
                        out: shown,
                        example,
                        aside,
                    }
                });
            }
        },
    };
    Ok(OutputDir {
        path: out.to_path_buf(),
        kind,
        existing,
    })
}

/// The input dir that `abs` (an absolute output path) lies inside, as the user gave it.
fn within_input(abs: &Path, inputs: &[PathBuf]) -> Option<String> {
    inputs
        .iter()
        .find(|i| i.is_dir() && abs.starts_with(absolute(i)))
        .map(|i| i.display().to_string())
}

/// A name beside `out` that nothing uses yet (`headroom-report`, `headroom-report-2`…).
fn free_sibling(out: &Path, kind: OutputKind) -> String {
    let parent = parent_of(out);
    let base = suggestion(Path::new(""), kind);
    (1..100)
        .map(|n| match n {
            1 => parent.join(&base),
            n => parent.join(format!("{base}-{n}")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| parent.join(&base))
        .display()
        .to_string()
}

/// A suggested output dir for a report of `input` outside the inputs.
fn suggestion(input: &Path, kind: OutputKind) -> String {
    let name = match kind {
        OutputKind::Report => "headroom-report",
        OutputKind::Demo => "headroom-demo",
        OutputKind::RunDir => "headroom-run",
        OutputKind::Export => "headroom-export",
        OutputKind::Compare => "headroom-compare",
    };
    if input.is_dir() {
        input.join(name).display().to_string()
    } else {
        name.to_string()
    }
}

/// Who a dir's content belongs to.
enum Ownership {
    /// No entries.
    Empty,
    /// Marked (or a recognised report dir of an earlier version) and holding only what
    /// headroom writes there; an export dir may hold headroom's own output dirs too
    /// (`report/`, which `analyze` of the export writes by default), named here.
    Ours(Vec<String>),
    /// Holding this entry, which headroom did not write.
    Foreign(String),
}

fn foreign_entry(dir: &Path, kind: OutputKind) -> std::io::Result<Ownership> {
    let mut names: Vec<std::ffi::OsString> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()?;
    if names.is_empty() {
        return Ok(Ownership::Empty);
    }
    names.sort();
    if kind == OutputKind::RunDir {
        // A run is measured data, not a rendering of it: never replaced, only moved
        // aside with --force.
        let shown = ["run.toml", "latency.hlog", "requests.csv"]
            .iter()
            .find(|n| names.iter().any(|m| m == **n))
            .map(|n| n.to_string());
        let first = names[0].to_string_lossy().into_owned();
        return Ok(Ownership::Foreign(shown.unwrap_or(first)));
    }
    let marked = dir.join(kind.marker()).is_file() || legacy_ours(dir, kind);
    // An export's own report (`analyze EXPORT` writes EXPORT/report/), or an export of
    // it: headroom's output of the export's data, which goes with it.
    let nested: Vec<String> = (names.iter())
        .filter(|n| kind == OutputKind::Export && nested_output(&dir.join(n)))
        .map(|n| format!("{}/", n.to_string_lossy()))
        .collect();
    let stray = names.iter().find(|n| {
        let n = n.to_string_lossy();
        n != kind.marker()
            && !kind.own_entries().contains(&n.as_ref())
            && !nested.contains(&format!("{n}/"))
    });
    Ok(match (marked, stray) {
        (true, None) => Ownership::Ours(nested),
        (_, Some(n)) => {
            // Inside headroom's own nested output, the file that is not headroom's
            // (`report/mine.txt`), so the refusal names what the user would lose.
            let inner = (kind == OutputKind::Export)
                .then(|| stray_within(&dir.join(n)))
                .flatten();
            let n = n.to_string_lossy();
            Ownership::Foreign(inner.map_or_else(|| n.to_string(), |i| format!("{n}/{i}")))
        }
        (false, None) => Ownership::Foreign(
            names
                .first()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
    })
}

/// True when `path` is a dir headroom wrote as a report, export or compare (marked,
/// holding only what headroom writes there), never a link.
fn nested_output(path: &Path) -> bool {
    let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    is_dir
        && [OutputKind::Report, OutputKind::Export, OutputKind::Compare]
            .iter()
            .any(|k| {
                path.join(k.marker()).is_file()
                    && matches!(foreign_entry(path, *k), Ok(Ownership::Ours(_)))
            })
}

/// The entry headroom did not write in `path`, when `path` is a dir headroom marked as
/// its report, export or compare output (never a link); `None` otherwise.
fn stray_within(path: &Path) -> Option<String> {
    let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    if !is_dir {
        return None;
    }
    [OutputKind::Report, OutputKind::Export, OutputKind::Compare]
        .iter()
        .filter(|k| path.join(k.marker()).is_file())
        .find_map(|k| match foreign_entry(path, *k) {
            Ok(Ownership::Foreign(n)) => Some(n),
            _ => None,
        })
}

/// Dirs written before markers existed: a report dir with headroom's report.json, a
/// demo dir with such a report dir inside.
fn legacy_ours(dir: &Path, kind: OutputKind) -> bool {
    match kind {
        OutputKind::Report => is_legacy_report(dir),
        OutputKind::Demo => is_legacy_report(&dir.join("report")),
        OutputKind::RunDir | OutputKind::Export | OutputKind::Compare => false,
    }
}

static IN_PROGRESS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A temp dir that is removed when dropped (every error path) or on Ctrl-C, unless
/// it was moved into place.
pub struct TempOutput {
    path: PathBuf,
    done: bool,
}

impl TempOutput {
    /// Creates a fresh temp dir for `out` (a hidden sibling, or inside `out` when that
    /// is an existing empty dir, which may be a mount point).
    fn create(out: &OutputDir) -> Result<TempOutput, OutputError> {
        let pid = std::process::id();
        let path = match out.existing {
            Existing::Empty => out.path.join(format!(".headroom.tmp-{pid}")),
            _ => sibling(&out.path, &format!("tmp-{pid}")),
        };
        if let Some(parent) = path.parent() {
            create_dirs(parent, &out.path)?;
        }
        remove_stale_temps(&path);
        // Left by an earlier process with this PID: removed only when it is ours.
        if path.exists() && holds_only_headroom_files(&path) {
            std::fs::remove_dir_all(&path).map_err(OutputError::io(&path))?;
        }
        std::fs::create_dir(&path).map_err(OutputError::io(&path))?;
        watch_interrupts();
        if let Ok(mut list) = IN_PROGRESS.lock() {
            list.push(path.clone());
        }
        Ok(TempOutput { path, done: false })
    }

    /// The temp dir.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempOutput {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.path);
        }
        if let Ok(mut list) = IN_PROGRESS.lock() {
            list.retain(|p| p != &self.path);
        }
    }
}

/// Removes temp dirs of the same output left by headroom processes that no longer run
/// (killed before they could clean up): `.NAME.tmp-PID` with a PID not alive.
fn remove_stale_temps(tmp: &Path) {
    let (Some(parent), Some(name)) = (tmp.parent(), tmp.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let Some((stem, _)) = name.rsplit_once("tmp-") else {
        return;
    };
    let prefix = format!("{stem}tmp-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = n.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid.to_string()).exists();
        if !alive && Path::new("/proc/self").exists() && holds_only_headroom_files(&e.path()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// True for a dir holding nothing but names headroom writes (a temp dir of its own):
/// anything else under a temp-like name is left alone.
fn holds_only_headroom_files(dir: &Path) -> bool {
    let ours = |n: &str| {
        [
            OutputKind::Report,
            OutputKind::Demo,
            OutputKind::RunDir,
            OutputKind::Export,
            OutputKind::Compare,
        ]
        .iter()
        .any(|k| n == k.marker() || k.own_entries().contains(&n))
    };
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .all(|e| ours(&e.file_name().to_string_lossy()))
    })
}

/// On the first temp dir, starts a thread that removes every temp dir in progress on
/// SIGINT/SIGTERM and then exits with 130/143, as the default action would have.
fn watch_interrupts() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                if let Ok(list) = IN_PROGRESS.lock() {
                    for p in list.iter() {
                        let _ = std::fs::remove_dir_all(p);
                    }
                }
                std::process::exit(128 + sig);
            }
        });
    });
}

/// Writes an output dir: `fill` writes into a temp dir, which then takes the output's
/// place as [`Existing`] says. On any error the temp dir is removed and the old
/// output is left as it was.
pub fn write_dir<T, E>(out: &OutputDir, fill: impl FnOnce(&Path) -> Result<T, E>) -> Result<T, E>
where
    E: From<OutputError>,
{
    let mut tmp = TempOutput::create(out)?;
    let value = fill(tmp.path())?;
    std::fs::write(tmp.path().join(out.kind.marker()), out.kind.marker_text())
        .map_err(OutputError::io(tmp.path()))?;
    {
        // Ctrl-C's handler takes this lock before it removes the temp dirs: holding it
        // while the new output takes the old one's place, a Ctrl-C then waits for the
        // swap, so it never leaves the old report aside and the new one removed, nor
        // half of the files moved into an empty dir.
        let _swap = IN_PROGRESS.lock();
        put_in_place(&mut tmp, out)?;
    }
    Ok(value)
}

/// Moves a filled temp dir into the output's place.
fn put_in_place(tmp: &mut TempOutput, out: &OutputDir) -> Result<(), OutputError> {
    let dest = &out.path;
    match &out.existing {
        Existing::Nothing => {
            std::fs::rename(&tmp.path, dest).map_err(OutputError::io(dest))?;
        }
        Existing::Empty => {
            for e in std::fs::read_dir(&tmp.path).map_err(OutputError::io(&tmp.path))? {
                let e = e.map_err(OutputError::io(&tmp.path))?;
                let to = dest.join(e.file_name());
                std::fs::rename(e.path(), &to).map_err(OutputError::io(&to))?;
            }
            let _ = std::fs::remove_dir(&tmp.path);
        }
        Existing::Ours => {
            // Renamed aside first, so the old output survives a failed rename.
            let old = sibling(dest, &format!("old-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&old);
            std::fs::rename(dest, &old).map_err(OutputError::io(dest))?;
            if let Err(e) = std::fs::rename(&tmp.path, dest) {
                let _ = std::fs::rename(&old, dest);
                return Err(OutputError::io(dest)(e));
            }
            let _ = std::fs::remove_dir_all(&old);
        }
        Existing::MoveAside { aside } => {
            std::fs::rename(dest, aside).map_err(OutputError::io(dest))?;
            if let Err(e) = std::fs::rename(&tmp.path, dest) {
                let _ = std::fs::rename(aside, dest);
                return Err(OutputError::io(dest)(e));
            }
            eprintln!(
                "note: the old {} was moved aside to {}",
                crate::model::untrusted::printable_path(dest),
                crate::model::untrusted::printable_path(aside)
            );
        }
    }
    tmp.done = true;
    Ok(())
}

/// An output dir written in place (the driver streams into its run dir, so it cannot
/// be filled elsewhere first). Made by [`InPlace::prepare`]; unless
/// [`InPlace::succeeded`] is called, dropping it removes what was written and puts
/// headroom's earlier output back.
pub struct InPlace {
    dest: PathBuf,
    existing: Existing,
    /// headroom's earlier output, moved aside until the new one is complete.
    old: Option<PathBuf>,
    /// A dir headroom did not write, moved aside by `--force`: put back on failure.
    aside: Option<PathBuf>,
    done: bool,
}

impl InPlace {
    /// Creates `out` (or moves headroom's own earlier output, or with `--force`
    /// anything else, aside) and writes its marker.
    pub fn prepare(out: &OutputDir) -> Result<InPlace, OutputError> {
        let dest = &out.path;
        let old = match &out.existing {
            Existing::Nothing | Existing::Empty => None,
            Existing::Ours => {
                let old = sibling(dest, &format!("old-{}", std::process::id()));
                let _ = std::fs::remove_dir_all(&old);
                std::fs::rename(dest, &old).map_err(OutputError::io(dest))?;
                Some(old)
            }
            Existing::MoveAside { aside } => {
                std::fs::rename(dest, aside).map_err(OutputError::io(dest))?;
                eprintln!(
                    "note: the old {} was moved aside to {}",
                    crate::model::untrusted::printable_path(dest),
                    crate::model::untrusted::printable_path(aside)
                );
                None
            }
        };
        let aside = match &out.existing {
            Existing::MoveAside { aside } => Some(aside.clone()),
            _ => None,
        };
        let place = InPlace {
            dest: dest.clone(),
            existing: out.existing.clone(),
            old,
            aside,
            done: false,
        };
        create_dirs(dest, dest)?;
        std::fs::write(dest.join(out.kind.marker()), out.kind.marker_text())
            .map_err(OutputError::io(dest))?;
        Ok(place)
    }

    /// The output is complete: headroom's earlier one is deleted, the new one kept.
    pub fn succeeded(&mut self) {
        self.done = true;
        if let Some(old) = self.old.take() {
            let _ = std::fs::remove_dir_all(old);
        }
    }
}

impl Drop for InPlace {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if self.existing == Existing::Empty {
            // Possibly a mount point: empty it, keep it.
            if let Ok(entries) = std::fs::read_dir(&self.dest) {
                for e in entries.flatten() {
                    let p = e.path();
                    let _ = if p.is_dir() {
                        std::fs::remove_dir_all(p)
                    } else {
                        std::fs::remove_file(p)
                    };
                }
            }
        } else {
            let _ = std::fs::remove_dir_all(&self.dest);
        }
        if let Some(old) = self.old.take().or(self.aside.take()) {
            let _ = std::fs::rename(old, &self.dest);
        }
    }
}

/// Writes one output file atomically (a temp file beside it, then renamed), refusing
/// a path that is one of `inputs` (files headroom read or listed) or a directory.
pub fn write_file(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<(), OutputError> {
    let abs = absolute(path);
    if inputs.iter().any(|i| absolute(i) == abs) {
        return Err(OutputError::IsInput {
            out: path.display().to_string(),
        });
    }
    if path.is_dir() {
        return Err(OutputError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("is a directory; give a file name"),
        });
    }
    let dir = parent_of(path);
    create_dirs(dir, path)?;
    let tmp = sibling(path, &format!("tmp-{}", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(OutputError::io(path)(e));
    }
    Ok(())
}

/// The output dir to use when none is given: `preferred`, unless it exists and is
/// not headroom's (a JMeter `-o report` dashboard), then `fallback`. Says so on
/// stderr when it falls back.
pub fn default_out_dir(preferred: PathBuf, fallback: PathBuf, kind: OutputKind) -> PathBuf {
    let foreign = preferred.is_dir()
        && matches!(foreign_entry(&preferred, kind), Ok(Ownership::Foreign(_)))
        || preferred.exists() && !preferred.is_dir();
    if foreign {
        eprintln!(
            "note: {} exists and is not a headroom {}; writing to {} instead",
            crate::model::untrusted::printable_path(&preferred),
            kind.noun(),
            crate::model::untrusted::printable_path(&fallback)
        );
        fallback
    } else {
        preferred
    }
}

mod error;
mod named;
mod paths;

pub use error::OutputError;
pub use named::{refuse_foreign, write_named_file, Recognise};
#[cfg(test)]
mod tests;
