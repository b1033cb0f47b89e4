//! A result CSV cut into pieces (`split -l 500000 requests.csv requests.csv.`, a copy
//! taken in parts to fit a mail or a ticket): every piece after the first has no
//! header, so detection does not know it, and left as "not a result" the report would
//! read the first piece alone as the whole run, a GO on part of it. A file not
//! recognised whose first line has the shape of the rows of a header CSV read beside
//! it (as many fields, numbers exactly where that file's first row has numbers, and a
//! header that is not such a row) is that file's continuation: it is said as other
//! data (`SkipKind::OtherData`), so the data is `incomplete`, and the reason says how
//! to put the pieces back together.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::ingest::text::{normalize, read_head};
use crate::ingest::Format;
use crate::model::{Run, SkipKind};

/// Fewer fields than this are too common a shape to call a file another's rows.
const MIN_FIELDS: usize = 3;

/// The shape of a header CSV's rows: its field separator, how many fields, and which
/// hold numbers in its first row.
struct Shape {
    delimiter: u8,
    numbers: Vec<bool>,
}

/// Marks the files of `files` skipped as not results that continue a result CSV of
/// `by_format` (see the module docs).
pub(super) fn mark_continuations(
    files: &[PathBuf],
    by_format: &BTreeMap<Format, Vec<PathBuf>>,
    run: &mut Run,
) {
    let shapes: Vec<(&PathBuf, Shape)> = (by_format.values().flatten())
        .filter_map(|p| Some((p, shape_of(p)?)))
        .collect();
    if shapes.is_empty() {
        return;
    }
    for skip in run.skipped.iter_mut() {
        if skip.kind != SkipKind::NotResult || !files.contains(&skip.path) {
            continue;
        }
        let Some((of, _)) = shapes.iter().find(|(_, s)| continues(&skip.path, s)) else {
            continue;
        };
        skip.kind = SkipKind::OtherData;
        skip.reason = format!(
            "rows without a header in the shape of {of}'s (a file cut into pieces, with \
             `split -l`?): the rest of that result, whose rows are not read, so the report \
             covers only part of the run; join the pieces in order (`cat {of} {this} > \
             joined.csv`) and analyse the joined file in their place",
            of = of.shown(),
            this = skip.path.shown()
        );
    }
}

/// The shape of the result file at `path`'s rows, when it is a plain CSV (or TSV)
/// with a header and a first row of at least [`MIN_FIELDS`] fields.
fn shape_of(path: &Path) -> Option<Shape> {
    let text = normalize(&read_head(path).ok()?);
    let mut lines = text.lines();
    let header = lines.next()?;
    let row = lines.next()?;
    let delimiter = if header.contains('\t') && !header.contains(',') {
        b'\t'
    } else {
        b','
    };
    let header = cells(header, delimiter)?;
    let row = cells(row, delimiter)?;
    let in_row = numbers(&row);
    let fits = header.len() == row.len() && row.len() >= MIN_FIELDS;
    (fits && numbers(&header) != in_row && in_row.iter().any(|n| *n)).then_some(Shape {
        delimiter,
        numbers: in_row,
    })
}

/// True when the first line of the file at `path` is a row of `shape`.
fn continues(path: &Path, shape: &Shape) -> bool {
    let Ok(head) = read_head(path) else {
        return false;
    };
    let text = normalize(&head);
    let Some(first) = text.lines().next() else {
        return false;
    };
    cells(first, shape.delimiter).is_some_and(|c| numbers(&c) == shape.numbers)
}

/// The fields of one CSV line (quotes read as CSV quotes them), or `None` when the
/// line does not parse whole within the head read.
fn cells(line: &str, delimiter: u8) -> Option<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(line.as_bytes());
    let record = reader.records().next()?.ok()?;
    Some(record.iter().map(|c| c.trim().to_string()).collect())
}

/// Which of `cells` are numbers.
fn numbers(cells: &[String]) -> Vec<bool> {
    cells.iter().map(|c| c.parse::<f64>().is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_of_the_same_shape_continues_a_header_csv() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("requests.csv");
        let rest = dir.path().join("requests.csv.ab");
        std::fs::write(&first, "timestamp_ms,endpoint,latency_ms\n1,/a,2.5\n").unwrap();
        std::fs::write(&rest, "3,/b,4\n").unwrap();
        let shape = shape_of(&first).unwrap();
        assert!(continues(&rest, &shape));
        std::fs::write(&rest, "3,4,5\n").unwrap();
        assert!(
            !continues(&rest, &shape),
            "a number where the rows hold text"
        );
        std::fs::write(&rest, "3,/b\n").unwrap();
        assert!(!continues(&rest, &shape), "fewer fields");
    }
}
