//! A fast CSV record reader for the per-request hot path: lines are found with
//! `memchr` and split at the delimiter without the `csv` crate's byte-by-byte state
//! machine; only a record holding a double quote (rare in result files) is handed to
//! `csv` itself, so every record reads exactly as `csv::Reader` (flexible, CRLF or LF
//! terminated, blank lines skipped) would read it, with the line it starts on. A
//! record that is not UTF-8 is read as Latin-1 (a legacy code page's names kept
//! apart, not lost).

use std::io::{self, BufRead};

use wide::u8x16;

use super::text::latin1;

/// Reads the records of a CSV stream; the current record's fields are borrowed from it.
pub struct LineRecords<R> {
    input: R,
    delimiter: u8,
    /// Lines consumed so far.
    consumed: u64,
    /// The line the current record starts on.
    start_line: u64,
    /// The current record's bytes (one line, or several when a quoted field spans them).
    buf: Vec<u8>,
    /// The current plain record when it is UTF-8 (else empty: a record never is):
    /// `buf`'s bytes, moved (not copied), so each field's text is a slice of it and a
    /// row is checked once, not field by field.
    text: String,
    /// Field `i` of a plain record is `buf[starts[i]..starts[i + 1] - 1]`.
    starts: Vec<usize>,
    /// The current record when it holds quotes (then `starts` is unused).
    quoted: Option<csv::ByteRecord>,
    /// Records still to skip (a header).
    skip: u8,
}

impl<R: BufRead> LineRecords<R> {
    /// A reader of `input` whose first record is skipped when `has_headers`.
    pub fn new(input: R, delimiter: u8, has_headers: bool) -> LineRecords<R> {
        LineRecords {
            input,
            delimiter,
            consumed: 0,
            start_line: 0,
            buf: Vec::with_capacity(512),
            text: String::new(),
            starts: Vec::with_capacity(32),
            quoted: None,
            skip: u8::from(has_headers),
        }
    }

    /// Moves to the next record; false at the end.
    pub fn advance(&mut self) -> io::Result<bool> {
        loop {
            if !self.text.is_empty() {
                self.buf = std::mem::take(&mut self.text).into_bytes();
            }
            self.buf.clear();
            if self.read_line()? == 0 {
                return Ok(false);
            }
            self.consumed += 1;
            self.start_line = self.consumed;
            let body = trim_terminator(&self.buf).len();
            if body == 0 {
                continue;
            }
            self.starts.clear();
            self.starts.push(0);
            let special = split_fields(&self.buf[..body], self.delimiter, &mut self.starts);
            self.starts.push(body + 1);
            self.quoted = None;
            if special && !self.read_quoted()? {
                continue;
            }
            if self.skip > 0 {
                self.skip -= 1;
                continue;
            }
            if self.quoted.is_none() {
                match String::from_utf8(std::mem::take(&mut self.buf)) {
                    Ok(text) => self.text = text,
                    Err(e) => self.legacy_text(&e.into_bytes()),
                }
            }
            return Ok(true);
        }
    }

    /// Appends the input's next line, `\n` included, to `buf`; its length (0 at the
    /// end). `BufRead::read_until` does this with a slower, generic byte search.
    fn read_line(&mut self) -> io::Result<usize> {
        let mut total = 0;
        loop {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(total);
            }
            let (take, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            self.buf.extend_from_slice(&buf[..take]);
            self.input.consume(take);
            total += take;
            if done {
                return Ok(total);
            }
        }
    }

    /// The current plain record from `bytes` that are not UTF-8: a legacy code page
    /// (a Windows JMeter writes its labels in cp1252: `caf\xe9`), each byte read as its
    /// Latin-1 character, so that names stay apart and the row is read; its fields
    /// split again (the text's offsets are not the bytes').
    fn legacy_text(&mut self, bytes: &[u8]) {
        let text = latin1(bytes);
        let body = trim_terminator(text.as_bytes()).len();
        self.starts.clear();
        self.starts.push(0);
        split_fields(&text.as_bytes()[..body], self.delimiter, &mut self.starts);
        self.starts.push(body + 1);
        self.text = text;
    }

    /// Reads the current record, which holds a quote or a stray carriage return, with
    /// the `csv` crate (a quoted field may hold newlines: the record then runs on
    /// until its quotes balance); false when it holds no record.
    fn read_quoted(&mut self) -> io::Result<bool> {
        let mut quotes = memchr::memchr_iter(b'"', &self.buf).count();
        while quotes % 2 == 1 {
            let from = self.buf.len();
            if self.read_line()? == 0 {
                break;
            }
            self.consumed += 1;
            quotes += memchr::memchr_iter(b'"', &self.buf[from..]).count();
        }
        // An unclosed quote runs to the end, newline and all (as `csv` reads it).
        let body = if quotes % 2 == 1 {
            &self.buf[..]
        } else {
            trim_terminator(&self.buf)
        };
        // Quoted text in a legacy code page: read as Latin-1, as a plain record is.
        let legacy;
        let body = match std::str::from_utf8(body) {
            Ok(_) => body,
            Err(_) => {
                legacy = latin1(body);
                legacy.as_bytes()
            }
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

    /// Field `i` of the current record.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        match &self.quoted {
            Some(r) => r.get(i),
            None => {
                let (start, next) = (*self.starts.get(i)?, *self.starts.get(i + 1)?);
                let bytes = if self.text.is_empty() {
                    &self.buf
                } else {
                    self.text.as_bytes()
                };
                Some(&bytes[start..next - 1])
            }
        }
    }

    /// Field `i` of the current record as text, or why it is not UTF-8.
    pub fn get_str(&self, i: usize) -> Option<Result<&str, std::str::Utf8Error>> {
        if !self.text.is_empty() && self.quoted.is_none() {
            let (start, next) = (*self.starts.get(i)?, *self.starts.get(i + 1)?);
            // Fields start and end at the delimiter, an ASCII byte: a char boundary.
            return self.text.get(start..next - 1).map(Ok);
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
            .from_reader(text.as_bytes());
        let mut r = csv::ByteRecord::new();
        while reader.read_byte_record(&mut r).unwrap() {
            want.push(show(&r));
        }
        let mut got = Vec::new();
        let mut fast = LineRecords::new(text.as_bytes(), b',', headers);
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
        let text = b"a,\xc3\xa9t\xc3\xa9,c\nx,caf\xe9,z\n\"q,1\",\xe2\x82\xac\n\"th\xe9, 1\",2\n";
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
                // Not UTF-8: a legacy code page's bytes, read as Latin-1.
                vec![s("x"), s("café"), s("z")],
                vec![s("q,1"), s("€")],
                vec![s("thé, 1"), s("2")],
            ]
        );
    }
}
