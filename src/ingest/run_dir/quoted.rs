//! A document beside a run's results that quotes a load tool's console: a
//! `README.md` (or `notes.md`, `README.txt`) copied from a laptop with the run's
//! output pasted in a code block. Its quote reads as the tool's console, so it counted
//! the run's requests a second time (wrk's 2,652 became 5,304 over twice the time), or
//! merged another run it quoted into this one's figures. Beside the dir's own results
//! it is documentation and not read; alone in its dir it is read, as the only copy of
//! the output there is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::ingest::Format;
use crate::model::{Run, Skipped};

/// True for a document by its name: Markdown (`*.md`, `*.markdown`) or a README.
fn is_document(path: &Path) -> bool {
    let lower = |s: Option<&std::ffi::OsStr>| {
        s.and_then(|s| s.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default()
    };
    let ext = lower(path.extension());
    matches!(ext.as_str(), "md" | "markdown") || lower(path.file_stem()) == "readme"
}

/// Skips the documents among `by_format`'s files when the dir holds other results
/// (a `run.toml` aside): they quote a run, the other files are it.
pub(super) fn skip_quoting_documents(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    run: &mut Run,
) {
    let results = (by_format.iter())
        .filter(|(f, _)| **f != Format::Manifest)
        .flat_map(|(_, files)| files);
    if !results.clone().any(|p| !is_document(p)) {
        return;
    }
    let documents: Vec<PathBuf> = results.filter(|p| is_document(p)).cloned().collect();
    for files in by_format.values_mut() {
        files.retain(|p| !documents.contains(p));
    }
    by_format.retain(|_, files| !files.is_empty());
    for path in documents {
        run.inputs.retain(|i| i.path != path);
        run.skipped.push(Skipped::not_result(
            path,
            "a document quoting a load tool's output (a README showing the run): beside \
             the dir's own results it is not read as one, which would count a run's \
             requests again",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::is_document;
    use std::path::Path;

    #[test]
    fn documents_are_known_by_their_names() {
        for doc in [
            "README.md",
            "notes.MD",
            "run.markdown",
            "README",
            "readme.txt",
        ] {
            assert!(is_document(Path::new(doc)), "{doc}");
        }
        for result in ["out.txt", "wrk.txt", "readme-results.txt", "results.mdx"] {
            assert!(!is_document(Path::new(result)), "{result}");
        }
    }
}
