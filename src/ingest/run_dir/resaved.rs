//! A result CSV opened and saved again by a spreadsheet in a locale whose decimal mark
//! is the comma (German, French, …): `;` between fields, `0,0126` for 0.0126, quotes
//! around text with a `;`. Its header no longer reads as the tool's, so the file was
//! "not a recognised load-test result", skipped without a word on the verdict while
//! it holds the run. A file whose first lines, with the spreadsheet's marks put back
//! (`,` → `.` in the rows, then `;` → `,`), would be a result headroom reads is a
//! problem naming the format and what to do.

use std::path::Path;

use crate::ingest::detect::Detection;
use crate::ingest::text::{normalize, read_head};
use crate::ingest::{detect_format, Format};

/// Why the file at `path` is refused when it is a result CSV saved again by a
/// spreadsheet with `;` between fields (see the module docs); `None` otherwise.
pub(super) fn semicolon_copy(path: &Path) -> Option<String> {
    let text = normalize(&read_head(path).ok()?);
    let mut lines = text.lines();
    let header = lines.next()?;
    if !header.contains(';') || header.contains(',') {
        return None;
    }
    let mut head = header.replace(';', ",");
    for row in lines.take(2) {
        head.push('\n');
        head.push_str(&row.replace(',', ".").replace(';', ","));
    }
    head.push('\n');
    match detect_format(path, head.as_bytes()) {
        Detection::Supported(format) if format != Format::Manifest => Some(format!(
            "a {format} result saved again by a spreadsheet: its fields are separated by \
             `;` (and its numbers may have a decimal comma), as Excel saves a CSV where \
             the decimal mark is a comma, so it is not read; analyse the file the tool \
             wrote, or save it again with `,` between fields and `.` in numbers"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generic_csv_saved_by_a_german_spreadsheet_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("requests.csv");
        let text = "timestamp_ms;endpoint;method;latency_ms;status\n\
                    1796517124943;/api/v1/agents;GET;12,747;200\n";
        std::fs::write(&path, text).unwrap();
        let why = semicolon_copy(&path).unwrap();
        assert!(why.contains("`;`"), "{why}");
        std::fs::write(&path, "a;b;c\n1;2;3\n").unwrap();
        assert_eq!(semicolon_copy(&path), None);
    }
}
