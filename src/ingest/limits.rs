//! Bounded reads: the caps that keep memory flat whatever a file holds — line length,
//! endpoint-label length, whole-file reads and gzip inflation — and the reader that
//! enforces them on every streamed input.
//!
//! The caps are process-wide (set once from the command line by [`set`] before any
//! file is read), so every reader, however deep, applies the same ones. A line longer
//! than the cap is dropped whole (its bytes are never held) and recorded; `run_dir`
//! collects those records after each pass with [`take_overlong`] and reports each as a
//! problem naming the file and line. Inflation past a limit is a read error, which ends
//! the file's replay with a problem (the rows before it are used).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::problem;
use crate::model::Problem;

/// Default longest line read, bytes (16 MiB).
pub const DEFAULT_MAX_LINE_BYTES: u64 = 16 << 20;
/// Default largest ratio of inflated to compressed bytes of a `.gz` input.
pub const DEFAULT_MAX_GZIP_RATIO: u64 = 200;
/// Default most bytes a `.gz` input may inflate to (16 GiB).
pub const DEFAULT_MAX_GZIP_BYTES: u64 = 16 << 30;
/// Inflated bytes below which the ratio is not checked (small files compress well).
const RATIO_FLOOR_BYTES: u64 = 64 << 20;
/// Largest file read whole (summaries, manifests, `.hlog`s): never that large.
pub const MAX_WHOLE_FILE_BYTES: u64 = 256 << 20;

static MAX_LINE: AtomicU64 = AtomicU64::new(DEFAULT_MAX_LINE_BYTES);
static MAX_RATIO: AtomicU64 = AtomicU64::new(DEFAULT_MAX_GZIP_RATIO);
static MAX_INFLATED: AtomicU64 = AtomicU64::new(DEFAULT_MAX_GZIP_BYTES);

/// The caps a run is read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Longest line, bytes.
    pub max_line_bytes: u64,
    /// Largest inflated/compressed ratio of a `.gz` input.
    pub max_gzip_ratio: u64,
    /// Most bytes a `.gz` input may inflate to.
    pub max_gzip_bytes: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            max_gzip_ratio: DEFAULT_MAX_GZIP_RATIO,
            max_gzip_bytes: DEFAULT_MAX_GZIP_BYTES,
        }
    }
}

/// Makes `limits` the caps of every later read.
pub fn set(limits: ReadLimits) {
    MAX_LINE.store(limits.max_line_bytes.max(1), Ordering::Relaxed);
    MAX_RATIO.store(limits.max_gzip_ratio.max(1), Ordering::Relaxed);
    MAX_INFLATED.store(limits.max_gzip_bytes, Ordering::Relaxed);
}

fn max_line() -> u64 {
    MAX_LINE.load(Ordering::Relaxed)
}

thread_local! {
    /// Lines dropped for their length since the last [`take_overlong`], by file and
    /// line (a file read several times drops the same lines again): their bytes.
    static OVERLONG: RefCell<BTreeMap<(PathBuf, u64), u64>> = const { RefCell::new(BTreeMap::new()) };
}

/// Lines dropped for their length on this thread since the last call, raw: a worker
/// thread hands them to the thread that reports them ([`put_overlong`]).
pub fn take_overlong_lines() -> BTreeMap<(PathBuf, u64), u64> {
    OVERLONG.with(|o| std::mem::take(&mut *o.borrow_mut()))
}

/// Adds lines a worker thread dropped (from [`take_overlong_lines`]) to this thread's.
pub fn put_overlong(lines: BTreeMap<(PathBuf, u64), u64>) {
    OVERLONG.with(|o| o.borrow_mut().extend(lines));
}

/// The problems of lines dropped for their length since the last call (one per file,
/// naming its first lines).
pub fn take_overlong() -> Vec<Problem> {
    let dropped = OVERLONG.with(|o| std::mem::take(&mut *o.borrow_mut()));
    let mut by_file: Vec<(PathBuf, Vec<(u64, u64)>)> = Vec::new();
    for ((path, line), bytes) in dropped {
        match by_file.iter_mut().find(|(p, _)| *p == path) {
            Some((_, lines)) => lines.push((line, bytes)),
            None => by_file.push((path, vec![(line, bytes)])),
        }
    }
    by_file
        .into_iter()
        .map(|(path, lines)| {
            let (first, bytes) = lines[0];
            let more = match lines.len() {
                1 => String::new(),
                n => format!(" ({n} such lines, the first shown)"),
            };
            problem(
                &path,
                Some(first),
                format!(
                    "line of {bytes} bytes is longer than the {} byte cap: left out{more}; \
                     raise the cap with --max-line-bytes if the line is genuine",
                    max_line()
                ),
            )
        })
        .collect()
}

/// A reader that passes whole lines through and drops (without holding them) lines
/// longer than the cap, leaving their `\n` so line numbers stay right.
pub struct LineCapped<R> {
    inner: R,
    path: PathBuf,
    cap: u64,
    /// The current line so far (at most `cap` bytes).
    line: Vec<u8>,
    /// Bytes of `line` already handed out.
    out: usize,
    /// Number of the line being read (1-based).
    number: u64,
    /// Bytes of `inner`'s buffer handed out as they are: whole lines, each within the
    /// cap (none can exceed it when the buffer does not), so nothing is copied.
    direct: usize,
}

impl<R: BufRead> LineCapped<R> {
    /// Caps the lines of `inner`, read from `path`.
    pub fn new(inner: R, path: &Path) -> LineCapped<R> {
        LineCapped {
            inner,
            path: path.to_path_buf(),
            cap: max_line(),
            line: Vec::new(),
            out: 0,
            number: 1,
            direct: 0,
        }
    }

    /// Like [`LineCapped::new`] for a part of a file whose first line is `first_line`
    /// (the parallel readers' byte ranges), so dropped lines are named right.
    pub fn starting_at(inner: R, path: &Path, first_line: u64) -> LineCapped<R> {
        LineCapped {
            number: first_line,
            ..LineCapped::new(inner, path)
        }
    }

    /// Reads the next line whole into `self.line` (empty at the end).
    fn next_line(&mut self) -> io::Result<()> {
        self.line.clear();
        self.out = 0;
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                return Ok(());
            }
            let (take, done) = match memchr(buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            let content = self.line.len() + take - usize::from(done);
            if content as u64 > self.cap {
                let held = self.line.len() as u64;
                self.line.clear();
                return self.skip_rest(held);
            }
            self.line.extend_from_slice(&buf[..take]);
            self.inner.consume(take);
            if done {
                self.number += 1;
                return Ok(());
            }
        }
    }

    /// Drops the rest of an overlong line, records it, and leaves its `\n`.
    fn skip_rest(&mut self, mut bytes: u64) -> io::Result<()> {
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            match memchr(buf) {
                Some(i) => {
                    bytes += i as u64;
                    self.inner.consume(i + 1);
                    self.line.push(b'\n');
                    break;
                }
                None => {
                    let n = buf.len();
                    bytes += n as u64;
                    self.inner.consume(n);
                }
            }
        }
        OVERLONG.with(|o| {
            o.borrow_mut()
                .insert((self.path.clone(), self.number), bytes)
        });
        self.number += 1;
        Ok(())
    }
}

fn memchr(buf: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', buf)
}

impl<R: BufRead> Read for LineCapped<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> LineCapped<R> {
    /// The whole lines at the start of `inner`'s buffer, when that buffer is no longer
    /// than the cap: handed out without a copy. `None` when it holds no newline.
    fn whole_lines(&mut self) -> io::Result<Option<usize>> {
        let buf = self.inner.fill_buf()?;
        if buf.len() as u64 > self.cap {
            return Ok(None);
        }
        let Some(last) = memchr::memrchr(b'\n', buf) else {
            return Ok(None);
        };
        let lines = memchr::memchr_iter(b'\n', &buf[..=last]).count();
        self.number += lines as u64;
        Ok(Some(last + 1))
    }
}

impl<R: BufRead> BufRead for LineCapped<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.out >= self.line.len() {
            if self.direct == 0 {
                if let Some(n) = self.whole_lines()? {
                    self.direct = n;
                }
            }
            if self.direct > 0 {
                // The same buffer again: nothing was consumed since.
                let direct = self.direct;
                return Ok(&self.inner.fill_buf()?[..direct]);
            }
            self.next_line()?;
        }
        Ok(&self.line[self.out..])
    }

    fn consume(&mut self, amt: usize) {
        if self.direct > 0 {
            let amt = amt.min(self.direct);
            self.inner.consume(amt);
            self.direct -= amt;
        } else {
            self.out = (self.out + amt).min(self.line.len());
        }
    }
}

/// A reader over a gzip stream that fails once it has inflated more than the limits
/// allow (a small file that inflates to gigabytes).
pub struct Inflating<R> {
    inner: R,
    /// Compressed bytes in the file.
    compressed: u64,
    inflated: u64,
}

impl<R: Read> Inflating<R> {
    /// Limits the inflation of `inner`, the decoder of a `compressed`-byte file.
    pub fn new(inner: R, compressed: u64) -> Inflating<R> {
        Inflating {
            inner,
            compressed,
            inflated: 0,
        }
    }
}

impl<R: Read> Read for Inflating<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.inflated += n as u64;
        let ratio = MAX_RATIO.load(Ordering::Relaxed);
        let absolute = MAX_INFLATED.load(Ordering::Relaxed);
        let by_ratio = self.compressed.max(1).saturating_mul(ratio);
        if self.inflated > absolute
            || (self.inflated > RATIO_FLOOR_BYTES && self.inflated > by_ratio)
        {
            return Err(io::Error::other(format!(
                "the file inflates past the decompression limit ({} bytes from {} \
                 compressed; limits: {ratio}× and {absolute} bytes): read up to there; raise \
                 them with --max-gzip-ratio / --max-gzip-bytes if the file is genuine",
                self.inflated, self.compressed
            )));
        }
        Ok(n)
    }
}

/// A whole file's bytes, refused past [`MAX_WHOLE_FILE_BYTES`]; a gzip file's inflated
/// bytes (a console log packed as `wrk.txt.gz`), refused past the same size, and up to
/// the cut when its stream ends early (the text then ends where the file was cut, as a
/// plain capture's does).
pub fn read_whole(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    let mut magic = [0u8; 2];
    let gzip = file.read(&mut magic)? == 2 && magic == [0x1f, 0x8b];
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    if gzip {
        let decoder = flate2::read::MultiGzDecoder::new(io::BufReader::new(file));
        match decoder
            .take(MAX_WHOLE_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
        {
            Err(e) if !super::adapters::stream_cut_short(&e) => return Err(e),
            Err(_) => super::adapters::record_cut_short(path),
            Ok(_) => {}
        }
    } else {
        file.take(MAX_WHOLE_FILE_BYTES + 1)
            .read_to_end(&mut bytes)?;
    }
    if bytes.len() as u64 > MAX_WHOLE_FILE_BYTES {
        return Err(io::Error::other(format!(
            "larger than {} MiB, more than a summary file ever holds: not read",
            MAX_WHOLE_FILE_BYTES >> 20
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capped(text: &[u8], cap: u64) -> (Vec<u8>, Vec<(u64, u64)>) {
        capped_through(text, cap, text.len().max(1))
    }

    /// Capped lines of `text` read through a buffer of `buffer` bytes.
    fn capped_through(text: &[u8], cap: u64, buffer: usize) -> (Vec<u8>, Vec<(u64, u64)>) {
        let inner = std::io::BufReader::with_capacity(buffer, text);
        let mut r = LineCapped::new(inner, Path::new("f"));
        r.cap = cap;
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        let dropped = OVERLONG.with(|o| std::mem::take(&mut *o.borrow_mut()));
        (out, dropped.into_iter().map(|((_, l), b)| (l, b)).collect())
    }

    #[test]
    fn drops_long_lines_and_keeps_numbering() {
        let (out, dropped) = capped(b"ab\ncdefgh\nij\nklmnopq", 4);
        assert_eq!(out, b"ab\n\nij\n");
        assert_eq!(dropped, vec![(2, 6), (4, 7)]);
        let (out, dropped) = capped(b"abcd\nefg", 4);
        assert_eq!(out, b"abcd\nefg");
        assert!(dropped.is_empty());
    }

    /// Buffers no longer than the cap are handed out whole (their lines cannot be
    /// over it), longer ones line by line: the same bytes and numbering either way.
    #[test]
    fn whole_buffers_of_short_lines_keep_numbering() {
        let mut text = Vec::new();
        for i in 0..50 {
            let len = if i == 37 { 40 } else { i % 7 };
            text.extend(std::iter::repeat_n(b'a' + (i % 26) as u8, len));
            text.push(b'\n');
        }
        text.extend_from_slice(b"tail");
        let want: Vec<u8> = text
            .split(|b| *b == b'\n')
            .enumerate()
            .map(|(i, l)| if i == 37 { &b""[..] } else { l })
            .collect::<Vec<_>>()
            .join(&b'\n');
        for buffer in [1, 3, 8, 12, 16, 64, 1000] {
            let (out, dropped) = capped_through(&text, 16, buffer);
            assert_eq!(out, want, "buffer {buffer}");
            assert_eq!(dropped, vec![(38, 40)], "buffer {buffer}");
        }
    }
}
