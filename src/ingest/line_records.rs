//! A fast CSV record reader for the per-request hot path: lines are found with
//! `memchr` and split at the delimiter without the `csv` crate's byte-by-byte state
//! machine; only a record holding a double quote (rare in result files) is handed to
//! `csv` itself, so every record reads exactly as `csv::Reader` (flexible, CRLF or LF
//! terminated, blank lines skipped) would read it, with the line it starts on.
//!
//! The input is read in blocks of whole lines, checked as UTF-8 once a block: a record
//! is a range of its block, and its fields are slices of it, neither copied nor checked
//! again.

use std::io::{self, BufRead};

use wide::u8x16;

/// Bytes read into a block before it is cut after its last newline.
const BLOCK_BYTES: usize = 1 << 17;

/// Reads the records of a CSV stream; the current record's fields are borrowed from it.
pub struct LineRecords<R> {
    input: R,
    delimiter: u8,
    /// Lines consumed so far.
    consumed: u64,
    /// The line the current record starts on.
    start_line: u64,
    /// Whole lines read from `input`, the current record's among them.
    block: Block,
    /// Where the block's next line starts.
    next: usize,
    /// The current plain record: `block[record.0..record.1]`, without its terminator.
    record: (usize, usize),
    /// Bytes read after the block's last newline: the next block starts with them.
    carry: Vec<u8>,
    /// True once `input` is at its end, or failed.
    eof: bool,
    /// The input's error, returned once the whole lines read before it are handed out.
    failed: Option<io::Error>,
    /// Field `i` of a plain record is `block[record.0 + starts[i]..record.0 +
    /// starts[i + 1] - 1]`.
    starts: Vec<usize>,
    /// The current record when it holds quotes (then `starts` is unused).
    quoted: Option<csv::ByteRecord>,
    /// Records still to skip (a header).
    skip: u8,
}

/// A block of whole lines: text when it is all UTF-8 (the usual case), else bytes,
/// whose fields are then checked one by one.
enum Block {
    Text(String),
    Bytes(Vec<u8>),
}

impl Block {
    fn bytes(&self) -> &[u8] {
        match self {
            Block::Text(t) => t.as_bytes(),
            Block::Bytes(b) => b,
        }
    }
}

impl<R: BufRead> LineRecords<R> {
    /// A reader of `input` whose first record is skipped when `has_headers`.
    pub fn new(input: R, delimiter: u8, has_headers: bool) -> LineRecords<R> {
        LineRecords {
            input,
            delimiter,
            consumed: 0,
            start_line: 0,
            block: Block::Bytes(Vec::new()),
            next: 0,
            record: (0, 0),
            carry: Vec::new(),
            eof: false,
            failed: None,
            starts: Vec::with_capacity(32),
            quoted: None,
            skip: u8::from(has_headers),
        }
    }

    /// Moves to the next record; false at the end.
    pub fn advance(&mut self) -> io::Result<bool> {
        loop {
            let Some((start, end)) = self.next_line()? else {
                return Ok(false);
            };
            self.consumed += 1;
            self.start_line = self.consumed;
            let bytes = self.block.bytes();
            let body = trim_terminator(&bytes[start..end]).len();
            if body == 0 {
                continue;
            }
            self.starts.clear();
            self.starts.push(0);
            let special = split_fields(
                &bytes[start..start + body],
                self.delimiter,
                &mut self.starts,
            );
            self.starts.push(body + 1);
            self.record = (start, start + body);
            self.quoted = None;
            if special && !self.read_quoted(start, end)? {
                continue;
            }
            if self.skip > 0 {
                self.skip -= 1;
                continue;
            }
            return Ok(true);
        }
    }

    /// The block range of the input's next line, `\n` included; `None` at the end.
    fn next_line(&mut self) -> io::Result<Option<(usize, usize)>> {
        loop {
            let bytes = self.block.bytes();
            if self.next < bytes.len() {
                let start = self.next;
                // A block holds whole lines: only the input's last may lack its `\n`.
                self.next =
                    memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i + 1);
                return Ok(Some((start, self.next)));
            }
            if let Some(e) = self.failed.take() {
                return Err(e);
            }
            if !self.refill()? {
                return Ok(None);
            }
        }
    }

    /// Reads the next block: the bytes carried over, then the input's up to a
    /// newline past [`BLOCK_BYTES`] (or its end); false when nothing is left. When the
    /// input fails, the whole lines before are kept and the error waits for them to be
    /// read (a line cut by the error is dropped).
    fn refill(&mut self) -> io::Result<bool> {
        let mut buf = match std::mem::replace(&mut self.block, Block::Bytes(Vec::new())) {
            Block::Text(t) => t.into_bytes(),
            Block::Bytes(b) => b,
        };
        buf.clear();
        buf.append(&mut self.carry);
        self.next = 0;
        // Bytes of `buf` known to hold no newline.
        let mut searched = buf.len();
        let mut newline = None;
        while !self.eof && (buf.len() < BLOCK_BYTES || newline.is_none()) {
            let avail = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    buf.truncate(newline.map_or(0, |last| last + 1));
                    self.failed = Some(e);
                    self.eof = true;
                    break;
                }
            };
            if avail.is_empty() {
                self.eof = true;
                break;
            }
            let n = avail.len();
            buf.extend_from_slice(avail);
            self.input.consume(n);
            if let Some(i) = memchr::memrchr(b'\n', &buf[searched..]) {
                newline = Some(searched + i);
            }
            searched = buf.len();
        }
        if !self.eof {
            if let Some(last) = newline {
                self.carry.extend_from_slice(&buf[last + 1..]);
                buf.truncate(last + 1);
            }
        }
        if buf.is_empty() {
            self.block = Block::Bytes(buf);
            return match self.failed.take() {
                Some(e) => Err(e),
                None => Ok(false),
            };
        }
        self.block = match String::from_utf8(buf) {
            Ok(text) => Block::Text(text),
            Err(e) => Block::Bytes(e.into_bytes()),
        };
        Ok(true)
    }

    /// Reads the current record (block range `start..end`), which holds a quote or a
    /// stray carriage return, with the `csv` crate (a quoted field may hold newlines:
    /// the record then runs on until its quotes balance); false when it holds no
    /// record.
    fn read_quoted(&mut self, start: usize, end: usize) -> io::Result<bool> {
        let mut text = self.block.bytes()[start..end].to_vec();
        let mut quotes = memchr::memchr_iter(b'"', &text).count();
        while quotes % 2 == 1 {
            let Some((from, to)) = self.next_line()? else {
                break;
            };
            self.consumed += 1;
            let line = &self.block.bytes()[from..to];
            quotes += memchr::memchr_iter(b'"', line).count();
            text.extend_from_slice(line);
        }
        // An unclosed quote runs to the end, newline and all (as `csv` reads it).
        let body = if quotes % 2 == 1 {
            &text[..]
        } else {
            trim_terminator(&text)
        };
        let mut record = csv::ByteRecord::new();
        let any = slow_record(body, self.delimiter, &mut record);
        self.quoted = Some(record);
        Ok(any)
    }

    /// The line the current record starts on (1-based in this stream).
    pub fn line(&self) -> u64 {
        self.start_line
    }

    /// The current record's number of fields.
    pub fn len(&self) -> usize {
        match &self.quoted {
            Some(r) => r.len(),
            None => self.starts.len() - 1,
        }
    }

    /// The block range of field `i` of the current plain record.
    fn span(&self, i: usize) -> Option<(usize, usize)> {
        let (start, next) = (*self.starts.get(i)?, *self.starts.get(i + 1)?);
        Some((self.record.0 + start, self.record.0 + next - 1))
    }

    /// Field `i` of the current record.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        match &self.quoted {
            Some(r) => r.get(i),
            None => {
                let (start, end) = self.span(i)?;
                Some(&self.block.bytes()[start..end])
            }
        }
    }

    /// Field `i` of the current record as text, or why it is not UTF-8.
    pub fn get_str(&self, i: usize) -> Option<Result<&str, std::str::Utf8Error>> {
        if let (Block::Text(text), None) = (&self.block, &self.quoted) {
            let (start, end) = self.span(i)?;
            // Fields start and end at the delimiter or a line's end, ASCII bytes: char
            // boundaries.
            return text.get(start..end).map(Ok);
        }
        self.get(i).map(std::str::from_utf8)
    }
}

/// Pushes the start of every field after the first (one past each delimiter) of
/// `line`; true, and stops, at a double quote or a carriage return (the record is then
/// read by `csv`). Sixteen bytes at a time, each compared with all three bytes at once
/// in one vector register (`wide`, SSE2 on x86-64): a row's fields are a few bytes
/// long, shorter than a vector search needs to pay for its start (`memchr3` a field
/// measured half as fast, and eight bytes at a time in a word a quarter slower).
fn split_fields(line: &[u8], delimiter: u8, starts: &mut Vec<usize>) -> bool {
    let (quote, cr, delimiter_lanes) = (
        u8x16::splat(b'"'),
        u8x16::splat(b'\r'),
        u8x16::splat(delimiter),
    );
    let mut blocks = line.chunks_exact(16);
    let mut base = 0;
    for block in &mut blocks {
        let lanes = u8x16::new(block.try_into().expect("16 bytes"));
        if (lanes.simd_eq(quote) | lanes.simd_eq(cr)).to_bitmask() != 0 {
            return true;
        }
        let mut found = lanes.simd_eq(delimiter_lanes).to_bitmask();
        while found != 0 {
            starts.push(base + found.trailing_zeros() as usize + 1);
            found &= found - 1;
        }
        base += 16;
    }
    for (i, &b) in blocks.remainder().iter().enumerate() {
        if b == b'"' || b == b'\r' {
            return true;
        }
        if b == delimiter {
            starts.push(base + i + 1);
        }
    }
    false
}

/// A line without its `\n` or `\r\n`.
fn trim_terminator(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Reads `body` (quotes or stray carriage returns in it) with the `csv` crate; false
/// when it holds no record. Records after the first (a bare `\r` ends a record for
/// `csv`) are joined field-wise, as rare as such files are.
fn slow_record(body: &[u8], delimiter: u8, record: &mut csv::ByteRecord) -> bool {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(body);
    let mut one = csv::ByteRecord::new();
    let mut any = false;
    while let Ok(true) = reader.read_byte_record(&mut one) {
        for field in &one {
            record.push_field(field);
        }
        any = true;
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as `csv::Reader` reads it, and as this reader does.
    type Records = Vec<(u64, Vec<String>)>;

    fn both(text: &str, headers: bool) -> (Records, Records) {
        both_bytes(text.as_bytes(), headers, 1 << 16)
    }

    /// [`both`] of any bytes, this reader's input buffered `capacity` bytes at a time.
    fn both_bytes(text: &[u8], headers: bool, capacity: usize) -> (Records, Records) {
        let show = |r: &csv::ByteRecord| {
            (
                r.position().map_or(0, csv::Position::line),
                r.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect::<Vec<_>>(),
            )
        };
        let mut want = Vec::new();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(headers)
            .flexible(true)
            .from_reader(text);
        let mut r = csv::ByteRecord::new();
        while reader.read_byte_record(&mut r).unwrap() {
            want.push(show(&r));
        }
        let mut got = Vec::new();
        let input = io::BufReader::with_capacity(capacity, text);
        let mut fast = LineRecords::new(input, b',', headers);
        while fast.advance().unwrap() {
            let fields = (0..fast.len()).map(|i| fast.get(i).unwrap());
            got.push((
                fast.line(),
                fields
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            ));
        }
        (want, got)
    }

    #[test]
    fn reads_as_the_csv_crate_does() {
        for text in [
            "a,b,c\n1,2,3\n4,5\n",
            "a,b\r\n1,2\r\n\r\n3,4",
            "a,b\n\n\n1,\"x, y\",2\n3,\"multi\nline\",4\n5,6\n",
            "a,b\n1,\"say \"\"hi\"\"\",2\n",
            ",\n,,\n x , y \n",
            "a,b\n1,\"never closed\n2,3\n",
        ] {
            for headers in [true, false] {
                let (mut want, mut got) = both(text, headers);
                // `csv` numbers a record after blank lines, or after a CRLF, from where
                // the last one ended; these are the lines the records are on.
                want.iter_mut().for_each(|r| r.0 = 0);
                let lines: Vec<u64> = got.iter_mut().map(|r| std::mem::take(&mut r.0)).collect();
                let expected: &[u64] = match (text.len(), headers) {
                    (15, true) => &[2, 4],
                    (15, false) => &[1, 2, 4],
                    (38, true) => &[4, 5, 7],
                    _ => &lines,
                };
                assert_eq!(lines, expected, "{text:?} headers {headers}");
                assert_eq!(got, want, "{text:?} headers {headers}");
            }
        }
    }

    /// Records that cross the blocks the input is read in (a quoted field's newlines
    /// among them), a block that is not all UTF-8 and a last line without its newline
    /// read as `csv` reads them, whatever the input's buffer size.
    #[test]
    fn reads_across_blocks_as_the_csv_crate_does() {
        let mut text = b"t,label,elapsed\n".to_vec();
        let mut n = 0u64;
        while text.len() < 3 * BLOCK_BYTES {
            n += 1;
            match n % 997 {
                0 => text.extend_from_slice(format!("{n},\"two\nlines, {n}\",5\n").as_bytes()),
                1 => {
                    text.extend_from_slice(format!("{n},café ").as_bytes());
                    text.extend_from_slice(b"\xff,7\r\n");
                }
                _ => text.extend_from_slice(format!("{n},/a/{},{}\n", n % 13, n % 101).as_bytes()),
            }
        }
        text.extend_from_slice(b"9,last,1");
        for capacity in [7, 4096, BLOCK_BYTES + 3] {
            let (mut want, mut got) = both_bytes(&text, true, capacity);
            assert_eq!(got.len(), want.len(), "capacity {capacity}");
            // Lines as counted from the start (`csv` counts a CRLF record's from where
            // the last one ended).
            want.iter_mut().for_each(|r| r.0 = 0);
            let lines: Vec<u64> = got.iter_mut().map(|r| std::mem::take(&mut r.0)).collect();
            assert_eq!(got, want, "capacity {capacity}");
            assert_eq!(
                lines.last(),
                Some(&(n + n / 997 + 2)),
                "capacity {capacity}"
            );
        }
    }

    /// The eight-byte split finds what a byte-by-byte one does, wherever the bytes
    /// fall in a word.
    #[test]
    fn splits_as_byte_by_byte() {
        let alphabet = b"ab,\t;\"\r\x80\xff\x2c\x0c";
        let mut seed = 7u64;
        for _ in 0..5000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (seed >> 33) as usize % 40;
            let line: Vec<u8> = (0..len)
                .map(|i| alphabet[((seed >> (i % 50)) as usize + i * 7) % alphabet.len()])
                .collect();
            for delimiter in [b',', b'\t', b';'] {
                let mut want = Vec::new();
                let mut special = false;
                for (i, &b) in line.iter().enumerate() {
                    if b == b'"' || b == b'\r' {
                        special = true;
                        break;
                    }
                    if b == delimiter {
                        want.push(i + 1);
                    }
                }
                let mut got = Vec::new();
                assert_eq!(
                    split_fields(&line, delimiter, &mut got),
                    special,
                    "{line:?}"
                );
                if !special {
                    assert_eq!(got, want, "{line:?}");
                }
            }
        }
    }

    /// A UTF-8 row's fields are its slices; a row that is not UTF-8 says so only for
    /// the fields that are not.
    #[test]
    fn fields_as_text() {
        let text = b"a,\xc3\xa9t\xc3\xa9,c\nx,\xff,z\n\"q,1\",\xe2\x82\xac\n";
        let mut r = LineRecords::new(&text[..], b',', false);
        let mut rows = Vec::new();
        while r.advance().unwrap() {
            rows.push(
                (0..r.len())
                    .map(|i| r.get_str(i).unwrap().ok().map(str::to_string))
                    .collect::<Vec<_>>(),
            );
        }
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            rows,
            vec![
                vec![s("a"), s("été"), s("c")],
                vec![s("x"), None, s("z")],
                vec![s("q,1"), s("€")],
            ]
        );
    }
}
