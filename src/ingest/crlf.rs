//! CRLF line endings read as LF for the readers that take a row's line from the `csv`
//! crate. `csv` ends a record at its `\r` and counts the `\n` only when it reads the
//! next record, so every record after a CRLF one starts, by its position, on the line
//! before its own (a file saved on Windows had its bad rows named one line early).
//! Fed through [`LfEndings`], each `\r\n` reaches `csv` as `\n` and a record's line is
//! the line it is on; a lone `\r` (a byte inside a field, or an old Mac ending) is kept.
//! A last line with no line break gets one: `csv` counts a line when it reads its break,
//! so a last record without one, after blank lines, was named by the line before its own.

use std::io::{self, BufRead, Read};

/// A buffered reader that passes its input on with each `\r\n` as `\n`.
pub struct LfEndings<R> {
    input: R,
    /// The bytes handed on, from `at`.
    buf: Vec<u8>,
    at: usize,
    /// A `\r` that ended the last input chunk: dropped if a `\n` comes next.
    cr: bool,
    /// The last byte handed on, and whether the input has ended (and its last line
    /// got its line break).
    last: Option<u8>,
    ended: bool,
}

impl<R: BufRead> LfEndings<R> {
    /// `input` with its CRLF endings read as LF.
    pub fn new(input: R) -> LfEndings<R> {
        LfEndings {
            input,
            buf: Vec::with_capacity(1 << 16),
            at: 0,
            cr: false,
            last: None,
            ended: false,
        }
    }

    /// Refills `buf` from the input's next chunk (stays empty at the end).
    fn refill(&mut self) -> io::Result<()> {
        self.buf.clear();
        self.at = 0;
        while self.buf.is_empty() {
            let chunk = match self.input.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                if std::mem::take(&mut self.cr) {
                    self.buf.push(b'\r');
                }
                let last = self.buf.last().copied().or(self.last);
                if !std::mem::replace(&mut self.ended, true) && last.is_some_and(|b| b != b'\n') {
                    self.buf.push(b'\n');
                }
                return Ok(());
            }
            let n = chunk.len();
            let mut from = 0;
            if std::mem::take(&mut self.cr) && chunk[0] != b'\n' {
                self.buf.push(b'\r');
            }
            for i in memchr::memchr_iter(b'\r', chunk) {
                match chunk.get(i + 1) {
                    Some(b'\n') => {
                        self.buf.extend_from_slice(&chunk[from..i]);
                        from = i + 1;
                    }
                    Some(_) => {}
                    None => {
                        self.buf.extend_from_slice(&chunk[from..i]);
                        from = n;
                        self.cr = true;
                    }
                }
            }
            self.buf.extend_from_slice(&chunk[from..]);
            self.input.consume(n);
        }
        self.last = self.buf.last().copied();
        Ok(())
    }
}

impl<R: BufRead> Read for LfEndings<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LfEndings<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.at >= self.buf.len() {
            self.refill()?;
        }
        Ok(&self.buf[self.at..])
    }

    fn consume(&mut self, n: usize) {
        self.at = (self.at + n).min(self.buf.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `chunks` as one input whose reads end at the chunk boundaries.
    fn through(chunks: &[&[u8]]) -> Vec<u8> {
        let input: Box<dyn Read> = chunks
            .iter()
            .map(|c| Box::new(*c) as Box<dyn Read>)
            .fold(Box::new(io::empty()), |a, b| Box::new(a.chain(b)));
        let mut out = Vec::new();
        LfEndings::new(io::BufReader::with_capacity(3, input))
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn crlf_as_lf_wherever_the_chunks_end() {
        let text = b"a,b\r\n1,\"x\ry\"\r\n\r\n2,3\r";
        // The last line, ended by an old Mac `\r` only, gets its `\n`.
        let want = b"a,b\n1,\"x\ry\"\n\n2,3\r\n".to_vec();
        for cut in 0..text.len() {
            assert_eq!(through(&[&text[..cut], &text[cut..]]), want, "cut at {cut}");
        }
        assert_eq!(
            through(&[b"\r", b"\r", b"\n", b"x\r"]),
            b"\r\nx\r\n".to_vec()
        );
    }

    #[test]
    fn a_last_line_without_a_break_gets_one_and_only_one() {
        let text = b"a,b\n\n\n1,2";
        for cut in 0..=text.len() {
            assert_eq!(
                through(&[&text[..cut], &text[cut..]]),
                b"a,b\n\n\n1,2\n".to_vec()
            );
        }
        assert_eq!(through(&[b"a\n"]), b"a\n".to_vec());
        assert_eq!(through(&[b""]), b"".to_vec());
    }

    #[test]
    fn csv_names_the_line_of_each_record() {
        let text = b"h1,h2\r\n1,2\r\n3,4\r\n5,6\r\n";
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(LfEndings::new(&text[..]));
        let lines: Vec<u64> = reader
            .byte_records()
            .map(|r| r.unwrap().position().unwrap().line())
            .collect();
        assert_eq!(lines, [2, 3, 4]);
    }
}
