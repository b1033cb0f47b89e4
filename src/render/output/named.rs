//! Files a user names for headroom to write (`check --junit FILE`, `target
//! --stats-out FILE`): written over only when headroom wrote them, so nothing a user
//! wrote is lost.

use std::path::{Path, PathBuf};

use super::paths::{absolute, sibling, timestamp};
use super::{write_file, OutputError};

/// [`write_file`] for a file the user names (`check --junit FILE`): an existing file
/// is replaced only when `ours` recognises its first 4 KiB as headroom's (the last
/// run's, in CI) or it is empty; else refused, or with `force` (`Some(true)`; `None`
/// when the command has no `--force`) moved aside to a hidden sibling
/// `.NAME.old-TIMESTAMP` first. Nothing a user wrote is lost.
pub fn write_named_file(
    path: &Path,
    bytes: &[u8],
    inputs: &[PathBuf],
    ours: Recognise<'_>,
    force: Option<bool>,
) -> Result<(), OutputError> {
    if !inputs.iter().any(|i| absolute(i) == absolute(path)) && foreign_file(path, ours)? {
        refuse_unless_forced(path, force)?;
        let aside = sibling(path, &format!("old-{}", timestamp()));
        std::fs::rename(path, &aside).map_err(OutputError::io(path))?;
        eprintln!(
            "note: moved {} aside to {}",
            crate::model::untrusted::printable_path(path),
            crate::model::untrusted::printable_path(&aside)
        );
    }
    write_file(path, bytes, inputs)
}

/// Whether a file's first bytes are what the command about to write it writes.
pub type Recognise<'a> = &'a dyn Fn(&[u8]) -> bool;

/// `Err` when `path` is a file headroom did not write and would be refused by
/// [`write_named_file`] (a command checks before its work, not only when it writes);
/// an unreadable one is left to the write to report.
pub fn refuse_foreign(
    path: &Path,
    ours: Recognise<'_>,
    force: Option<bool>,
) -> Result<(), OutputError> {
    match foreign_file(path, ours) {
        Ok(true) => refuse_unless_forced(path, force),
        _ => Ok(()),
    }
}

/// The refusal of a file headroom did not write, unless `force` moves it aside.
fn refuse_unless_forced(path: &Path, force: Option<bool>) -> Result<(), OutputError> {
    if force == Some(true) {
        return Ok(());
    }
    Err(OutputError::ForeignFile {
        out: path.display().to_string(),
        aside: force.map(|_| sibling(path, "old-TIMESTAMP").display().to_string()),
    })
}

/// True when `path` is a non-empty file whose first 4 KiB `ours` does not recognise
/// as headroom's.
fn foreign_file(path: &Path, ours: Recognise<'_>) -> Result<bool, OutputError> {
    if !path.is_file() {
        return Ok(false);
    }
    let mut head = Vec::with_capacity(4096);
    let file = std::fs::File::open(path).map_err(OutputError::io(path))?;
    std::io::Read::read_to_end(&mut std::io::Read::take(file, 4096), &mut head)
        .map_err(OutputError::io(path))?;
    Ok(!head.is_empty() && !ours(&head))
}
