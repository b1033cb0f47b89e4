//! What adapters share to open files: a buffered reader that decompresses gzip within
//! the limits (on a thread of its own, ahead of the parser), and numbered lines. (Which adapter reads a format is its
//! [`super::formats::FormatSpec`].)

use crate::model::untrusted::Shown;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::chunks::Range;
use super::limits::{Inflating, LineCapped};
use super::problem;
use crate::model::Problem;

/// A buffered reader over a file, decompressing it when it is gzip (k6 writes
/// `--out json=x.json.gz`) and reading it as UTF-8 when it is UTF-16 (a console
/// capture by Windows PowerShell). Streams: nothing is loaded whole; lines past the cap are
/// dropped and inflation past the limits is an error (see [`super::limits`]).
pub fn open_decompressed(path: &Path) -> Result<Box<dyn BufRead>, Problem> {
    let cannot = |e: std::io::Error| problem(path, None, format!("cannot read: {e}"));
    let mut file = File::open(path).map_err(cannot)?;
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic).map_err(cannot)?;
    let file = File::open(path).map_err(cannot)?;
    let inner: Box<dyn BufRead> = if let Some(little) = super::utf16::bom(&magic[..n]) {
        let mut file = BufReader::new(file);
        file.consume(2);
        let text = super::utf16::Utf8Reader::new(file, little);
        Box::new(BufReader::with_capacity(1 << 16, text))
    } else if n == 2 && magic == [0x1f, 0x8b] {
        let compressed = file.metadata().map_err(cannot)?.len();
        let decoder = flate2::read::MultiGzDecoder::new(BufReader::new(file));
        let ahead = ReadAhead::new(Inflating::new(decoder, compressed));
        Box::new(BufReader::with_capacity(
            1 << 16,
            CutShort {
                inner: ahead,
                path: path.to_path_buf(),
            },
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, file))
    };
    let lines = super::preamble::lines(path);
    Ok(super::preamble::blank(
        Box::new(LineCapped::new(inner, path)),
        lines,
    ))
}

/// The gzip inputs whose stream ended before its end mark, as [`CutShort`] found them.
static CUT_SHORT: std::sync::Mutex<std::collections::BTreeSet<std::path::PathBuf>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// True when a read failed because a compressed stream ends before its end mark (the
/// file was copied while the tool wrote it, or cut by a full disk).
pub fn stream_cut_short(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::UnexpectedEof || e.to_string().contains("incomplete deflate")
}

/// Whether the gzip stream of `path` was found cut short by a read so far: its rows
/// before the cut were read, as a plain file's are when the tool was killed mid-write,
/// and the run it holds did not end there.
pub fn gzip_cut_short(path: &Path) -> bool {
    CUT_SHORT.lock().is_ok_and(|cut| cut.contains(path))
}

/// Records that the gzip stream of `path` was found cut short (see [`gzip_cut_short`]).
pub fn record_cut_short(path: &Path) {
    if let Ok(mut cut) = CUT_SHORT.lock() {
        cut.insert(path.to_path_buf());
    }
}

/// What a source read from `path` says when its gzip stream was found cut short (see
/// [`gzip_cut_short`]): its run's end is missing, whatever the text before the cut
/// holds; `None` for a file read whole.
pub fn gzip_cut_note(path: &Path) -> Option<String> {
    gzip_cut_short(path).then(|| {
        format!(
            "{}: the gzip stream ends before its end mark (the file was copied while the \
             tool wrote it, or cut): what precedes the cut is read, the run's end is missing",
            path.shown()
        )
    })
}

/// Marks `src` stopped early when one of `files` it was read from is a gzip stream
/// found cut short ([`gzip_cut_note`]).
pub fn mark_gzip_cut<'p>(
    src: &mut crate::model::Source,
    files: impl IntoIterator<Item = &'p Path>,
) {
    if let Some(why) = files.into_iter().find_map(gzip_cut_note) {
        src.stopped_early.get_or_insert(why);
    }
}

/// A gzip stream that ends before its end mark reads as a file that ends there, as a
/// plain file does when the tool writing it is killed: the adapter sees the last line
/// cut mid-write, and [`gzip_cut_short`] says the stream was cut. A stream corrupt
/// elsewhere stays an error.
struct CutShort<R> {
    inner: R,
    path: std::path::PathBuf,
}

impl<R: Read> Read for CutShort<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(out) {
            Err(e) if stream_cut_short(&e) => {
                record_cut_short(&self.path);
                Ok(0)
            }
            other => other,
        }
    }
}

/// Bytes a [`ReadAhead`] thread reads at a time, and blocks it keeps ready.
const BLOCK: usize = 1 << 18;
const BLOCKS_AHEAD: usize = 4;

/// A reader fed by a thread of its own that reads (for a gzip file: inflates) a few
/// blocks ahead, so that inflating and parsing run on two cores: a compressed file
/// cannot be cut into parts for parallel readers. The thread ends at the end of the
/// stream, at an error (handed on to the reader), or when the reader is dropped.
pub struct ReadAhead {
    blocks: std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    block: Vec<u8>,
    at: usize,
}

impl ReadAhead {
    /// Reads `inner` ahead on a new thread.
    pub fn new(mut inner: impl Read + Send + 'static) -> ReadAhead {
        let (tx, rx) = std::sync::mpsc::sync_channel(BLOCKS_AHEAD);
        std::thread::spawn(move || loop {
            let mut block = vec![0u8; BLOCK];
            // What was read before an error is handed on before it.
            let (n, error) = fill(&mut inner, &mut block);
            block.truncate(n);
            if n > 0 && tx.send(Ok(block)).is_err() {
                break;
            }
            if let Some(e) = error {
                let _ = tx.send(Err(e));
                break;
            }
            if n == 0 {
                break;
            }
        });
        ReadAhead {
            blocks: rx,
            block: Vec::new(),
            at: 0,
        }
    }
}

/// Reads into `block` until it is full, the stream ends or an error comes: the bytes
/// read, and the error.
fn fill(inner: &mut impl Read, block: &mut [u8]) -> (usize, Option<std::io::Error>) {
    let mut filled = 0;
    while filled < block.len() {
        match inner.read(&mut block[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Some(e)),
        }
    }
    (filled, None)
}

impl Read for ReadAhead {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.block.len() {
            match self.blocks.recv() {
                Ok(Ok(block)) => {
                    self.block = block;
                    self.at = 0;
                }
                Ok(Err(e)) => return Err(e),
                // The thread is done: the stream ended.
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.block.len() - self.at);
        out[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
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
    /// `chunks.rs`), numbered as in the whole file; the whole file when `None`.
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
