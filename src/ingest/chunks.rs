//! Byte ranges of a plain (uncompressed) text file that parallel readers parse at the
//! same time, and the readers over them.
//!
//! A file is cut at line starts only: a first cheap pass, itself parallel, counts the
//! newlines and double quotes of equal slices of the file, which gives every cut its
//! first line number (so problems name the right line) and tells a line start from a
//! newline inside a quoted CSV field (an even number of quotes before it). A format may
//! refuse a line as the start of a part (a JMeter sub-result must follow its parent in
//! the same reader; a k6 request is several samples): the cut then moves to the next
//! line it accepts, or the slice joins its neighbour. Quotes count only in CSV
//! ([`Quoting::Csv`]); in JSON lines, a text log or XML every newline ends a line, and a
//! quote (escaped in JSON, bare in a log message) says nothing about it.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::limits::LineCapped;
use super::{problem, IngestOptions, Replay};
use crate::model::Problem;

/// Smallest part worth a thread of its own: below it, the file is read whole.
pub const MIN_PART_BYTES: u64 = 1 << 20;

/// Longest line a format is shown to decide where a part may start.
const PEEK: usize = 1 << 16;

/// Whether a line (second argument; the first is the line before it) may start a part.
pub type StartsPart<'a> = dyn Fn(&[u8], &[u8]) -> bool + 'a;

/// Whether a newline inside double quotes is part of a field (CSV) or ends a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoting {
    /// CSV: a newline after an odd number of quotes is inside a quoted field.
    Csv,
    /// Every newline ends a line (JSON lines, text logs, XML).
    Ignored,
}

/// A range of a file that starts at a line start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// Number of the line at `start` (1-based).
    pub first_line: u64,
    /// True for the file's last part (a bad last row there is a truncated write).
    pub last: bool,
}

impl Range {
    /// True for the part the file starts with (it holds any header).
    pub fn first(&self) -> bool {
        self.start == 0
    }
}

/// The threads to read with: `--threads`, else the machine's cores.
pub fn threads(opts: &IngestOptions) -> usize {
    match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Cuts `path` into at most `parts` ranges at line starts `starts_part` accepts; the
/// first range starts at 0 (header included), and no cut falls before `body_start`.
/// `None` when the file is compressed, too small for `parts > 1`, or cannot be read
/// (the caller then reads it whole, which reports any error).
pub fn split(
    path: &Path,
    parts: usize,
    body_start: u64,
    quoting: Quoting,
    starts_part: &StartsPart<'_>,
) -> Option<Vec<Range>> {
    let size = std::fs::metadata(path).ok()?.len();
    let parts = parts.min((size / MIN_PART_BYTES) as usize);
    if parts < 2 || compressed(path)? {
        return None;
    }
    let slice = |i: usize| size * i as u64 / parts as u64;
    // Newlines and quotes of each slice but the last (no cut follows it), counted in
    // parallel.
    let counts: Vec<(u64, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..parts - 1)
            .map(|i| s.spawn(move || count(path, slice(i), slice(i + 1))))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().and_then(Result::ok))
            .collect::<Option<Vec<_>>>()
    })?;
    let mut ranges: Vec<Range> = Vec::with_capacity(parts);
    let (mut lines, mut quotes) = (0u64, 0u64);
    let mut cut = vec![(0u64, 1u64)];
    for i in 0..parts {
        if i > 0 {
            let from = slice(i).max(cut.last().map_or(0, |c| c.0));
            if let Some(c) = find_cut(
                path,
                from,
                slice(i + 1),
                lines,
                match quoting {
                    Quoting::Csv => quotes & 1,
                    Quoting::Ignored => 0,
                },
                quoting,
                body_start,
                size,
                starts_part,
            ) {
                if c.0 > cut.last().map_or(0, |l| l.0) {
                    cut.push(c);
                }
            }
        }
        if let Some((n, q)) = counts.get(i) {
            lines += n;
            quotes += q;
        }
    }
    for (i, &(start, first_line)) in cut.iter().enumerate() {
        let end = cut.get(i + 1).map_or(size, |c| c.0);
        ranges.push(Range {
            start,
            end,
            first_line,
            last: i + 1 == cut.len(),
        });
    }
    (ranges.len() > 1).then_some(ranges)
}

/// The counts every part of one replay in parts leaves (in part order), for the
/// whole reader to sum up afterwards.
pub type PartCounts<C> = Arc<Mutex<Vec<C>>>;

/// The counts of a reader's last replay: `whole`'s, or when it was read in parts
/// (`parts` set), every part's added up in part order by `add`.
pub fn last_counts<C: Clone + Default>(
    whole: &RefCell<C>,
    parts: &RefCell<Option<PartCounts<C>>>,
    add: impl Fn(&mut C, &C),
) -> C {
    let Some(parts) = &*parts.borrow() else {
        return whole.borrow().clone();
    };
    let mut all = C::default();
    if let Ok(parts) = parts.lock() {
        for c in parts.iter() {
            add(&mut all, c);
        }
    }
    all
}

/// Where one part leaves its counts.
#[derive(Debug)]
pub struct CountSlot<C> {
    all: PartCounts<C>,
    slot: usize,
}

impl<C> CountSlot<C> {
    /// Leaves this part's counts.
    pub fn put(&self, counts: C) {
        if let Ok(mut all) = self.all.lock() {
            all[self.slot] = counts;
        }
    }
}

/// The parts of a reader in parts ([`Replay::split`]): `path` cut after `body_start`
/// at lines `starts_part` accepts, each part made by `make` with its range and the
/// slot its counts go to; `counts` then holds every part's (empty when not split).
pub fn counted_parts<C: Clone + Default>(
    path: &Path,
    parts: usize,
    body_start: u64,
    quoting: Quoting,
    starts_part: &StartsPart<'_>,
    counts: &RefCell<Option<PartCounts<C>>>,
    make: impl Fn(Range, CountSlot<C>) -> Box<dyn Replay + Send>,
) -> Vec<Box<dyn Replay + Send>> {
    let Some(ranges) = split(path, parts, body_start, quoting, starts_part) else {
        return Vec::new();
    };
    let slots = slots(ranges.len(), counts);
    ranges
        .into_iter()
        .zip(slots)
        .map(|(range, slot)| make(range, slot))
        .collect()
}

/// The slots of `parts` parts' counts, which `counts` then holds.
pub fn slots<C: Clone + Default>(
    parts: usize,
    counts: &RefCell<Option<PartCounts<C>>>,
) -> Vec<CountSlot<C>> {
    let all = Arc::new(Mutex::new(vec![C::default(); parts]));
    *counts.borrow_mut() = Some(Arc::clone(&all));
    (0..parts)
        .map(|slot| CountSlot {
            all: Arc::clone(&all),
            slot,
        })
        .collect()
}

/// A reader of a plain line-based file that can read one range of it (every line
/// after the header may start a part).
pub trait ReadsRanges: Clone + Send + 'static {
    /// The file read.
    fn path(&self) -> &Path;
    /// Reads the rows of `range` (the whole file when `None`) into `visit`.
    fn read_range(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(super::Observation<'_>),
    ) -> Result<(), Problem>;
    /// [`Replay::sees_transport_errors`].
    fn sees_transport_errors(&self) -> bool {
        true
    }
    /// [`Replay::unknown_origin`].
    fn unknown_origin(&self) -> bool {
        false
    }
    /// Whether quotes can hold a newline (CSV, the default) or not (JSON lines).
    fn quoting(&self) -> Quoting {
        Quoting::Csv
    }
    /// [`Replay::notes`].
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
    /// [`Replay::latency_unit_doubt`].
    fn latency_unit_doubt(&self) -> Option<String> {
        None
    }
    /// [`Replay::clock_unit_doubt`].
    fn clock_unit_doubt(&self) -> Option<String> {
        None
    }
    /// [`Replay::runs_left_out`].
    fn runs_left_out(&self) -> Option<String> {
        None
    }
    /// [`Replay::stopped_early`].
    fn stopped_early(&self) -> Option<String> {
        None
    }
}

/// A `ReadsRanges` reader replays its whole file, and splits at any body line.
impl<T: ReadsRanges> Replay for T {
    fn replay(&self, visit: &mut dyn FnMut(super::Observation<'_>)) -> Result<(), Problem> {
        self.read_range(None, visit)
    }

    fn split(&self, parts: usize) -> Vec<Box<dyn Replay + Send>> {
        line_parts(self, parts)
    }

    fn sees_transport_errors(&self) -> bool {
        ReadsRanges::sees_transport_errors(self)
    }

    fn unknown_origin(&self) -> bool {
        ReadsRanges::unknown_origin(self)
    }

    fn notes(&self) -> Vec<String> {
        ReadsRanges::notes(self)
    }

    fn latency_unit_doubt(&self) -> Option<String> {
        ReadsRanges::latency_unit_doubt(self)
    }

    fn clock_unit_doubt(&self) -> Option<String> {
        ReadsRanges::clock_unit_doubt(self)
    }

    fn runs_left_out(&self) -> Option<String> {
        ReadsRanges::runs_left_out(self)
    }

    fn stopped_early(&self) -> Option<String> {
        ReadsRanges::stopped_early(self)
    }
}

/// One byte range of a [`ReadsRanges`] reader, read on its own thread.
struct Part<T> {
    reader: T,
    range: Range,
}

impl<T: ReadsRanges> Replay for Part<T> {
    fn replay(&self, visit: &mut dyn FnMut(super::Observation<'_>)) -> Result<(), Problem> {
        self.reader.read_range(Some(&self.range), visit)
    }
}

/// [`Replay::split`] for a headed file any line of whose body may start a part.
fn line_parts<T: ReadsRanges>(reader: &T, parts: usize) -> Vec<Box<dyn Replay + Send>> {
    let Some(body) = header_end(reader.path()) else {
        return Vec::new();
    };
    split(reader.path(), parts, body, reader.quoting(), &|_, _| true)
        .unwrap_or_default()
        .into_iter()
        .map(|range| {
            Box::new(Part {
                reader: reader.clone(),
                range,
            }) as Box<dyn Replay + Send>
        })
        .collect()
}

/// True when the file starts with gzip's magic number or a UTF-16 BOM: its bytes are
/// not its text's, so it cannot be cut at line boundaries found in them.
pub(crate) fn compressed(path: &Path) -> Option<bool> {
    let mut magic = [0u8; 2];
    let n = File::open(path).ok()?.read(&mut magic).ok()?;
    Some(n == 2 && (magic == [0x1f, 0x8b] || super::utf16::bom(&magic).is_some()))
}

/// Newlines and double quotes in `[from, to)`.
fn count(path: &Path, from: u64, to: u64) -> io::Result<(u64, u64)> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(from))?;
    let mut reader = file.take(to - from);
    let mut buf = vec![0u8; 1 << 18];
    let (mut lines, mut quotes) = (0u64, 0u64);
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            return Ok((lines, quotes));
        }
        // Two counting scans of a buffer in cache beat one search stopping at each.
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        quotes += memchr::memchr_iter(b'"', &buf[..n]).count() as u64;
    }
}

/// The first line start in `(from, to]` that is outside quotes, at or after
/// `body_start`, before the end, and accepted: its offset and line number. `lines` and
/// `parity` are the newlines and quote parity of `[0, from)` (0 when quotes are
/// [`Quoting::Ignored`]).
#[allow(clippy::too_many_arguments)]
fn find_cut(
    path: &Path,
    from: u64,
    to: u64,
    mut lines: u64,
    mut parity: u64,
    quoting: Quoting,
    body_start: u64,
    size: u64,
    starts_part: &StartsPart<'_>,
) -> Option<(u64, u64)> {
    let mut file = File::open(path).ok()?;
    let mut peek_file = File::open(path).ok()?;
    let mut buf = vec![0u8; 1 << 16];
    let mut off = from;
    while off < to {
        let n = read_at(&mut file, off, &mut buf).ok()?;
        if n == 0 {
            return None;
        }
        for i in memchr::memchr2_iter(b'\n', b'"', &buf[..n]) {
            if buf[i] == b'"' {
                if quoting == Quoting::Csv {
                    parity ^= 1;
                }
                continue;
            }
            lines += 1;
            let at = off + i as u64 + 1;
            if parity != 0 || at < body_start {
                continue;
            }
            if at >= size || at > to {
                return None;
            }
            // The line before (up to PEEK bytes of it) and the line at `at`.
            let back = at.min(PEEK as u64);
            let mut window = vec![0u8; back as usize + PEEK];
            let got = read_at(&mut peek_file, at - back, &mut window).ok()?;
            let (before, after) = window[..got].split_at(back as usize);
            let before = &before[..before.len().saturating_sub(1)];
            let before = memchr::memrchr(b'\n', before).map_or(before, |s| &before[s + 1..]);
            let line = memchr::memchr(b'\n', after).map_or(after, |e| &after[..e]);
            let trim = |l: &'_ [u8]| -> usize { l.len() - usize::from(l.ends_with(b"\r")) };
            if starts_part(&before[..trim(before)], &line[..trim(line)]) {
                return Some((at, lines + 1));
            }
        }
        off += n as u64;
    }
    None
}

/// Reads at `offset` until `buf` is full or the file ends.
fn read_at(file: &mut File, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    file.seek(SeekFrom::Start(offset))?;
    let mut got = 0;
    while got < buf.len() {
        match file.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// A buffered reader over `range` of `path`, lines capped as every reader's are.
pub fn open(path: &Path, range: &Range) -> Result<Box<dyn BufRead>, Problem> {
    let cannot = |e: io::Error| problem(path, None, format!("cannot read: {e}"));
    let mut file = File::open(path).map_err(cannot)?;
    file.seek(SeekFrom::Start(range.start)).map_err(cannot)?;
    let inner = BufReader::with_capacity(1 << 18, file.take(range.end - range.start));
    let capped = Box::new(LineCapped::starting_at(inner, path, range.first_line));
    // Lines above the header (`preamble.rs`) are in the part the file starts with.
    let above = if range.first() {
        super::preamble::lines(path)
    } else {
        0
    };
    Ok(super::preamble::blank(capped, above))
}

/// The global line number of line `local` (1-based) of a reader over `range`.
pub fn line_in_file(range: Option<&Range>, local: u64) -> u64 {
    range.map_or(local, |r| r.first_line + local - 1)
}

/// The end of the header line (the offset of the line after it) of a plain file,
/// below any lines above it (`preamble.rs`).
pub fn header_end(path: &Path) -> Option<u64> {
    let mut reader = BufReader::new(File::open(path).ok()?);
    let mut line = Vec::new();
    let mut end = 0;
    for _ in 0..=super::preamble::lines(path) {
        end += reader.read_until(b'\n', &mut line).ok()? as u64;
    }
    Some(end)
}

/// Runs `each` on every part on its own thread; results in part order. Lines the
/// workers dropped for their length are handed to this thread.
pub fn in_parallel<T: Send>(
    parts: &mut [Box<dyn Replay + Send>],
    each: impl Fn(usize, &dyn Replay) -> T + Sync,
) -> Vec<T> {
    let each = &each;
    let results: Vec<(T, _)> = std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .iter_mut()
            .enumerate()
            .map(|(i, part)| {
                s.spawn(move || {
                    let out = each(i, part.as_ref());
                    (out, super::limits::take_overlong_lines())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    results
        .into_iter()
        .map(|(out, overlong)| {
            super::limits::put_overlong(overlong);
            out
        })
        .collect()
}
