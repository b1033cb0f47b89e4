//! What adapters share to open files: a buffered reader that decompresses gzip within
//! the limits, and numbered lines. (Which adapter reads a format is its
//! [`super::formats::FormatSpec`].)

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::chunks::Range;
use super::limits::{Inflating, LineCapped};
use super::problem;
use crate::model::Problem;

/// A buffered reader over a file, decompressing it when it is gzip (k6 writes
/// `--out json=x.json.gz`). Streams: nothing is loaded whole; lines past the cap are
/// dropped and inflation past the limits is an error (see [`super::limits`]).
pub fn open_decompressed(path: &Path) -> Result<Box<dyn BufRead>, Problem> {
    let cannot = |e: std::io::Error| problem(path, None, format!("cannot read: {e}"));
    let mut file = File::open(path).map_err(cannot)?;
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic).map_err(cannot)?;
    let file = File::open(path).map_err(cannot)?;
    let inner: Box<dyn BufRead> = if n == 2 && magic == [0x1f, 0x8b] {
        let compressed = file.metadata().map_err(cannot)?.len();
        let decoder = flate2::read::MultiGzDecoder::new(BufReader::new(file));
        Box::new(BufReader::with_capacity(
            1 << 16,
            Inflating::new(decoder, compressed),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, file))
    };
    Ok(Box::new(LineCapped::new(inner, path)))
}

/// Reads lines (`\n`-terminated, any `\r` before it dropped) with their 1-based
/// numbers, reusing one buffer; a read error names the line.
pub struct Lines<'p> {
    reader: Box<dyn BufRead>,
    path: &'p Path,
    buf: Vec<u8>,
    /// Number of the line last read (1-based).
    pub number: u64,
}

impl<'p> Lines<'p> {
    /// Lines of a (possibly gzipped) file.
    pub fn open(path: &'p Path) -> Result<Lines<'p>, Problem> {
        Ok(Lines {
            reader: open_decompressed(path)?,
            path,
            buf: Vec::with_capacity(1024),
            number: 0,
        })
    }

    /// Lines of `range` of a plain file (a part a parallel reader parses; see
    /// [`super::chunks`]), numbered as in the whole file; the whole file when `None`.
    pub fn open_part(path: &'p Path, range: Option<&Range>) -> Result<Lines<'p>, Problem> {
        let Some(range) = range else {
            return Lines::open(path);
        };
        Ok(Lines {
            reader: super::chunks::open(path, range)?,
            path,
            buf: Vec::with_capacity(1024),
            number: range.first_line - 1,
        })
    }

    /// The next line's number and bytes, without its ending; `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<(u64, &[u8])>, Problem> {
        self.buf.clear();
        let n = self.reader.read_until(b'\n', &mut self.buf).map_err(|e| {
            problem(
                self.path,
                Some(self.number + 1),
                format!("cannot read: {e} (truncated or corrupt file?)"),
            )
        })?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        let mut line = self.buf.as_slice();
        if self.number == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        while let [rest @ .., b'\n' | b'\r'] = line {
            line = rest;
        }
        Ok(Some((self.number, line)))
    }
}
