//! The row loop the streaming CSV adapters share (generic CSV, hey, oha, Goose,
//! vegeta): open a file, find columns by header name, walk the rows with their line
//! numbers, and read typed fields whose errors name the file, the line and the field.
//! Each adapter keeps its own field logic; only the mechanics live here.

use std::io::BufRead;
use std::path::Path;

use super::chunks::{self, Range};
use super::{problem, Observation};
use crate::model::Problem;

/// A CSV reader over a buffered file whose lines are capped.
pub type CsvReader = csv::Reader<Box<dyn BufRead>>;

/// Opens `path` as a flexible CSV (rows may have more or fewer fields than the header).
pub fn open(path: &Path, has_headers: bool) -> Result<CsvReader, Problem> {
    open_with(path, has_headers, b',')
}

/// [`open`] with another field separator (a tab).
pub fn open_with(path: &Path, has_headers: bool, delimiter: u8) -> Result<CsvReader, Problem> {
    Ok(csv::ReaderBuilder::new()
        .has_headers(has_headers)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(lf_endings(super::adapters::open_decompressed(path)?)))
}

/// Opens `range` of `path` (a part a parallel reader parses; see [`super::chunks`]),
/// or the whole file when `None`; only the first part has the header.
pub fn open_part(
    path: &Path,
    range: Option<&Range>,
    has_headers: bool,
) -> Result<CsvReader, Problem> {
    open_part_with(path, range, has_headers, b',')
}

/// [`open_part`] with another field separator (a tab).
pub fn open_part_with(
    path: &Path,
    range: Option<&Range>,
    has_headers: bool,
    delimiter: u8,
) -> Result<CsvReader, Problem> {
    let Some(range) = range else {
        return open_with(path, has_headers, delimiter);
    };
    Ok(csv::ReaderBuilder::new()
        .has_headers(has_headers && range.first())
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(lf_endings(chunks::open(path, range)?)))
}

/// `input` with CRLF endings read as LF, so that a row's line is its own
/// ([`super::crlf`]).
pub fn lf_endings(input: Box<dyn BufRead>) -> Box<dyn BufRead> {
    Box::new(super::crlf::LfEndings::new(input))
}

/// The problem of a file with a header and no request rows.
pub fn header_only(path: &Path) -> Problem {
    problem(path, Some(1), "header only: no request rows")
}

/// A header read as UTF-8 text, for finding columns by (trimmed) name.
pub struct Header<'a> {
    path: &'a Path,
    cells: csv::StringRecord,
}

impl<'a> Header<'a> {
    /// Reads the header of `reader` (opened from `path` with headers).
    pub fn read(path: &'a Path, reader: &mut CsvReader) -> Result<Header<'a>, Problem> {
        let cells = reader
            .headers()
            .map_err(|e| problem(path, Some(1), format!("unreadable header: {e}")))?
            .clone();
        Ok(Header { path, cells })
    }

    /// The column named `name`, if there is one.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.cells.iter().position(|c| c.trim() == name)
    }

    /// The column named `name`; its absence is "no `name` column in `whose` header".
    pub fn need(&self, name: &str, whose: &str) -> Result<usize, Problem> {
        self.find(name).ok_or_else(|| {
            problem(
                self.path,
                Some(1),
                format!("no `{name}` column in {whose} header"),
            )
        })
    }
}

/// One CSV row and the line it starts on.
pub struct Row<'a> {
    path: &'a Path,
    line: u64,
    record: &'a csv::ByteRecord,
}

impl<'a> Row<'a> {
    /// The row `record` of `path`, starting on `line` (a record built from another
    /// layout, such as a JSON line's values, read as a CSV row).
    pub fn new(path: &'a Path, line: u64, record: &'a csv::ByteRecord) -> Row<'a> {
        Row { path, line, record }
    }

    /// The problem `why` at this row's line.
    pub fn bad(&self, why: impl Into<String>) -> Problem {
        problem(self.path, Some(self.line), why)
    }

    /// The line the row starts on.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// How many fields the row has.
    pub fn fields(&self) -> usize {
        self.record.len()
    }

    /// Field `i`'s bytes, untrimmed.
    pub fn raw(&self, i: usize) -> Option<&'a [u8]> {
        self.record.get(i)
    }

    /// Field `i` trimmed; `None` when the row is shorter or the field is not UTF-8.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        self.raw(i)
            .and_then(|raw| std::str::from_utf8(raw).ok())
            .map(str::trim)
    }

    /// Field `i` trimmed; a missing field or one that is not UTF-8 is a problem.
    pub fn text(&self, i: usize) -> Result<&'a str, Problem> {
        let raw = self.raw(i).ok_or_else(|| {
            self.bad(format!(
                "row has {} fields, the header has more",
                self.record.len()
            ))
        })?;
        std::str::from_utf8(raw)
            .map(str::trim)
            .map_err(|_| self.bad("field is not UTF-8"))
    }

    /// Field `i` when the column exists and the field is not empty.
    pub fn opt(&self, i: Option<usize>) -> Result<Option<&'a str>, Problem> {
        match i {
            Some(i) => self.text(i).map(|t| Some(t).filter(|t| !t.is_empty())),
            None => Ok(None),
        }
    }

    /// `text` read by `read`; text it rejects is "bad `what` `text`", followed by
    /// ": want `want`" unless `want` is empty.
    pub fn check<T>(
        &self,
        text: &str,
        what: &str,
        want: &str,
        read: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, Problem> {
        read(text).ok_or_else(|| {
            if want.is_empty() {
                self.bad(format!("bad {what} `{text}`"))
            } else {
                self.bad(format!("bad {what} `{text}`: want {want}"))
            }
        })
    }

    /// Field `i` read by `read` (see [`Row::check`]).
    pub fn value<T>(
        &self,
        i: usize,
        what: &str,
        want: &str,
        read: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, Problem> {
        self.check(self.text(i)?, what, want, read)
    }

    /// Field `i` read by `read` when the column exists and the field is not empty.
    pub fn opt_value<T>(
        &self,
        i: Option<usize>,
        what: &str,
        want: &str,
        read: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, Problem> {
        match self.opt(i)? {
            Some(t) => self.check(t, what, want, read).map(Some),
            None => Ok(None),
        }
    }

    /// Field `i` as seconds ≥ 0.
    pub fn seconds(&self, i: usize, what: &str) -> Result<f64, Problem> {
        self.value(i, what, "seconds ≥ 0", non_negative)
    }
}

/// A finite number ≥ 0.
pub fn non_negative(text: &str) -> Option<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// The visitor a walk feeds: `each` gets it to feed a row's observations, and the walk
/// feeds it a [`Observation::Malformed`] for each row that `each` (or the CSV reader)
/// rejects, then goes on.
pub type Visit<'v> = &'v mut dyn FnMut(Observation<'_>);

/// Calls `each` on every row of `reader` (fields are decoded as they are read) and
/// returns how many rows there were. A row it rejects is fed to `visit` as malformed
/// and the walk goes on; a read error (I/O, decompression limit) ends it. `range`: the
/// part of the file `reader` reads ([`open_part`]; `None`, the whole file), so lines
/// are numbered as in the whole file.
pub fn for_each_row_in(
    path: &Path,
    reader: CsvReader,
    range: Option<&Range>,
    visit: Visit<'_>,
    each: impl FnMut(Row<'_>, Visit<'_>) -> Result<(), Problem>,
) -> Result<u64, Problem> {
    walk::<csv::ByteRecord>(path, reader, range, visit, each)
}

/// Like [`for_each_row_in`], but each whole row must be UTF-8 (a row that is not is
/// malformed), so every field of a [`Row`] is text.
pub fn for_each_text_row_in(
    path: &Path,
    reader: CsvReader,
    range: Option<&Range>,
    visit: Visit<'_>,
    each: impl FnMut(Row<'_>, Visit<'_>) -> Result<(), Problem>,
) -> Result<u64, Problem> {
    walk::<csv::StringRecord>(path, reader, range, visit, each)
}

/// A record type the walk can read into.
trait Record: Default {
    fn read(&mut self, reader: &mut CsvReader) -> csv::Result<bool>;
    fn bytes(&self) -> &csv::ByteRecord;
}

impl Record for csv::ByteRecord {
    fn read(&mut self, reader: &mut CsvReader) -> csv::Result<bool> {
        reader.read_byte_record(self)
    }
    fn bytes(&self) -> &csv::ByteRecord {
        self
    }
}

impl Record for csv::StringRecord {
    fn read(&mut self, reader: &mut CsvReader) -> csv::Result<bool> {
        reader.read_record(self)
    }
    fn bytes(&self) -> &csv::ByteRecord {
        self.as_byte_record()
    }
}

fn walk<R: Record>(
    path: &Path,
    mut reader: CsvReader,
    range: Option<&Range>,
    visit: Visit<'_>,
    mut each: impl FnMut(Row<'_>, Visit<'_>) -> Result<(), Problem>,
) -> Result<u64, Problem> {
    let mut record = R::default();
    let mut rows = 0u64;
    loop {
        let line = chunks::line_in_file(range, reader.position().line());
        match record.read(&mut reader) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| chunks::line_in_file(range, p.line()))
                    .unwrap_or(line);
                let p = problem(path, Some(line), format!("unreadable row: {e}"));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(p);
                }
                rows += 1;
                visit(Observation::Malformed(p));
                continue;
            }
        }
        rows += 1;
        let record = record.bytes();
        let line = start_line(record.position(), record.as_slice(), reader.position())
            .map(|l| chunks::line_in_file(range, l))
            .unwrap_or(line);
        let Err(p) = each(Row { path, line, record }, visit) else {
            continue;
        };
        // A row in a legacy code page (`/caf\xe9`): read again with the fields that
        // are not UTF-8 read as Latin-1, rather than lost.
        let again = (std::str::from_utf8(record.as_slice()).is_err())
            .then(|| latin1_record(record))
            .map(|record| {
                each(
                    Row {
                        path,
                        line,
                        record: &record,
                    },
                    visit,
                )
            });
        if let Err(p) = again.unwrap_or(Err(p)) {
            visit(Observation::Malformed(p));
        }
    }
    Ok(rows)
}

/// The line a record starts on, from where the csv crate says its read began
/// (`start`), its bytes and the reader's position after it (`next`). The crate skips
/// blank lines but dates a record from before them, so a bad row right after a blank
/// line would be named by the blank one; counted back from the next record's line,
/// less the record's own line breaks (a quoted field's), it is named by its own (a
/// last record with no line break after it gets one from [`lf_endings`]).
pub fn start_line(
    start: Option<&csv::Position>,
    record: &[u8],
    next: &csv::Position,
) -> Option<u64> {
    let start = start?.line();
    if next.line() <= start + 1 {
        return Some(start);
    }
    let inside = memchr::memchr_iter(b'\n', record).count() as u64;
    Some(start.max(next.line().saturating_sub(1 + inside)))
}

/// `record` with each field that is not UTF-8 read as Latin-1 ([`super::text::latin1`]).
fn latin1_record(record: &csv::ByteRecord) -> csv::ByteRecord {
    let mut out = csv::ByteRecord::new();
    for field in record.iter() {
        match std::str::from_utf8(field) {
            Ok(_) => out.push_field(field),
            Err(_) => out.push_field(super::text::latin1(field).as_bytes()),
        }
    }
    out.set_position(record.position().cloned());
    out
}
