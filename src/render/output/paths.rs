//! Path arithmetic for output dirs: absolute, lexically normal paths (so that an
//! output and an input compare equal however they are spelt), hidden siblings for
//! dirs moved aside, and the timestamp in their names.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

/// `path` made absolute and lexically normal (`.` and `..` resolved), with the part
/// that exists canonicalised so links and `./` spellings compare equal.
pub(super) fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut normal = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    // Canonicalise the longest existing prefix; keep the rest as written.
    let mut rest = Vec::new();
    let mut head = normal.clone();
    loop {
        if let Ok(c) = head.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (head.file_name().map(OsString::from), head.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                head = parent.to_path_buf();
            }
            _ => return normal,
        }
    }
}

/// A hidden sibling of `path`: `.NAME.SUFFIX`.
pub(super) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "headroom-output".into());
    let hidden = format!(".{name}.{suffix}");
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => parent.join(hidden),
        None => PathBuf::from(hidden),
    }
}

/// The dir `path` is in (`.` for a bare name).
pub(super) fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// UTC `YYYYMMDDTHHMMSSZ`, for names of dirs moved aside.
pub(super) fn timestamp() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now())
        .to_string()
        .replace(['-', ':'], "")
}
