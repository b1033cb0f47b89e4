//! Why an output path is refused ([`OutputError`], exit 2), and the hints its
//! messages give: what to do about a file headroom did not write, a dir that cannot
//! be written, a path one of whose parents is a file.

use std::path::{Path, PathBuf};

/// Why an output path is refused (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output is one of the inputs.
    #[error(
        "{out}: that is one of the inputs; headroom never writes over its inputs (--force \
         does not change this): choose another path"
    )]
    IsInput {
        /// The output path as given.
        out: String,
    },
    /// The output dir holds an input, so replacing it would delete that input.
    #[error(
        "--out {out}: it holds the input {input}, which replacing it would delete \
         (--force does not change this): choose a dir outside the inputs, e.g. \
         {suggestion}"
    )]
    HoldsInput {
        /// The output path as given.
        out: String,
        /// The input inside it.
        input: String,
        /// A dir that would be accepted.
        suggestion: String,
    },
    /// A run dir that already holds a run.
    #[error(
        "--out {out}: the dir already holds a run ({example}); choose another dir, or add \
         --force to move it aside to {aside} (nothing is deleted)"
    )]
    HoldsRun {
        /// The output path as given.
        out: String,
        /// The entry that shows it.
        example: String,
        /// Where `--force` would move it.
        aside: String,
    },
    /// The output dir lies inside an input dir and holds files headroom did not write:
    /// they are part of that input (a stage dir, a tool's dashboard), so moving the dir
    /// aside would hide them from the next reading of the run.
    #[error(
        "--out {out}: it is inside the input {input} and holds {example}, which is part \
         of that input; headroom never moves an input's files aside (--force does not \
         change this): choose a new or empty dir, e.g. {suggestion}"
    )]
    InsideInput {
        /// The output path as given.
        out: String,
        /// The input dir it is in.
        input: String,
        /// One entry that is not headroom's.
        example: String,
        /// A dir that would be accepted.
        suggestion: String,
    },
    /// The output is a symbolic link: headroom does not replace or write through one.
    #[error(
        "--out {out}: a symbolic link of that name exists (to {target}); headroom does not \
         write through links: give the directory itself, or a new path"
    )]
    IsLink {
        /// The output path as given.
        out: String,
        /// Where the link points.
        target: String,
    },
    /// A dir the output goes in is a file.
    #[error("{out}: {file} is a file, not a directory; give a path under a directory")]
    ParentIsFile {
        /// The output path.
        out: PathBuf,
        /// The file on its way.
        file: PathBuf,
    },
    /// The output exists and is not a dir.
    #[error("--out {out}: a file of that name exists; give a directory")]
    IsFile {
        /// The output path as given.
        out: String,
    },
    /// The output dir holds files headroom did not write.
    #[error(
        "--out {out}: the dir exists and holds {example}, which headroom did not write; \
         choose another dir, or add --force to move the old dir aside to {aside} \
         (nothing is deleted)"
    )]
    Foreign {
        /// The output path as given.
        out: String,
        /// One entry that is not headroom's.
        example: String,
        /// Where `--force` would move it.
        aside: String,
    },
    /// A file to write exists and headroom did not write it.
    #[error(
        "{out}: the file exists and headroom did not write it; {}",
        aside_hint(aside)
    )]
    ForeignFile {
        /// The path as given.
        out: String,
        /// Where `--force` would move it (`None`: the command has no `--force`).
        aside: Option<String>,
    },
    /// Reading or writing the file system failed.
    #[error("{path}: {source}{}", unwritable_hint(source))]
    Io {
        /// The file or dir.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
}

/// What to do about a file headroom did not write where it would write one.
fn aside_hint(aside: &Option<String>) -> String {
    match aside {
        Some(aside) => format!(
            "choose another path, or add --force to move it aside to {aside} (nothing is \
             deleted)"
        ),
        None => "choose another path".to_string(),
    }
}

/// What to do when the output cannot be written there (a read-only run dir, where the
/// default output dir goes): choose another with `--out`.
fn unwritable_hint(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::{PermissionDenied, ReadOnlyFilesystem};
    match e.kind() {
        PermissionDenied | ReadOnlyFilesystem => {
            "; give a dir you can write to with --out DIR (the default is RUN_DIR/report/)"
        }
        _ => "",
    }
}

/// `create_dir_all` for the output `out`, saying which part of the path is a file
/// when one is (the system says only "File exists" or "Not a directory").
pub(super) fn create_dirs(dir: &Path, out: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        (dir.ancestors().find(|a| a.is_file()))
            .map(|file| OutputError::ParentIsFile {
                out: out.to_path_buf(),
                file: file.to_path_buf(),
            })
            .unwrap_or_else(|| OutputError::io(dir)(e))
    })
}

/// The error for an output path one of whose parents is a file, if one is.
pub(super) fn file_on_the_way(out: &Path) -> Option<OutputError> {
    let file = out.ancestors().skip(1).find(|a| a.is_file())?;
    Some(OutputError::ParentIsFile {
        out: out.to_path_buf(),
        file: file.to_path_buf(),
    })
}

impl OutputError {
    pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError {
        let path = path.to_path_buf();
        move |source| OutputError::Io { path, source }
    }
}
