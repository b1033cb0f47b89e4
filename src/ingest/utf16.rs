//! UTF-16 text files, as Windows PowerShell writes them: its `>` redirection,
//! `Out-File` and `Tee-Object` save a console capture as UTF-16LE with a byte-order
//! mark, so a load tool's console saved on Windows reaches headroom in UTF-16. Such a
//! file is recognised by its BOM and read as UTF-8 text, whole or streamed. Hand-written
//! on `std`'s `char::decode_utf16`: `encoding_rs` would build tables for every legacy
//! encoding for this one case.

use std::io::{self, Read};

/// Whether `bytes` start with a UTF-16 byte-order mark: `Some(true)` for
/// little-endian (`FF FE`), `Some(false)` for big-endian (`FE FF`).
pub fn bom(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(true),
        [0xFE, 0xFF, ..] => Some(false),
        _ => None,
    }
}

/// UTF-16 text (its BOM included or not) as UTF-8; a unit that is no character (a
/// lone surrogate, an odd last byte) becomes U+FFFD.
pub fn to_utf8(bytes: &[u8], little: bool) -> String {
    let body = bytes
        .get(2..)
        .filter(|_| bom(bytes).is_some())
        .unwrap_or(bytes);
    let mut out: String = decode(&units(body, little)).collect();
    if body.len() % 2 == 1 {
        out.push(char::REPLACEMENT_CHARACTER);
    }
    out
}

fn units(bytes: &[u8], little: bool) -> Vec<u16> {
    (bytes.chunks_exact(2))
        .map(|p| match little {
            true => u16::from_le_bytes([p[0], p[1]]),
            false => u16::from_be_bytes([p[0], p[1]]),
        })
        .collect()
}

fn decode(units: &[u16]) -> impl Iterator<Item = char> + '_ {
    char::decode_utf16(units.iter().copied()).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
}

/// A UTF-16 stream, its BOM already read, as a UTF-8 one.
pub struct Utf8Reader<R> {
    inner: R,
    little: bool,
    /// Raw bytes read; `carry` of them (an odd byte, a high surrogate) wait for more.
    raw: Vec<u8>,
    carry: usize,
    /// UTF-8 bytes decoded and not yet returned, from `at`.
    out: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Utf8Reader<R> {
    pub fn new(inner: R, little: bool) -> Utf8Reader<R> {
        Utf8Reader {
            inner,
            little,
            raw: vec![0; 1 << 16],
            carry: 0,
            out: Vec::new(),
            at: 0,
            done: false,
        }
    }

    /// Decodes the next block into `out`.
    fn fill(&mut self) -> io::Result<()> {
        let n = loop {
            match self.inner.read(&mut self.raw[self.carry..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        let end = self.carry + n;
        self.done = n == 0;
        // Whole units; a high surrogate at the end waits for its pair (unless this is
        // the end).
        let mut whole = end - end % 2;
        let last = units(&self.raw[whole.saturating_sub(2)..whole], self.little);
        if !self.done && last.first().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
            whole -= 2;
        }
        let keep = if self.done { 0 } else { end - whole };
        self.out.clear();
        self.at = 0;
        let text: String = decode(&units(&self.raw[..whole], self.little)).collect();
        self.out.extend_from_slice(text.as_bytes());
        if self.done && end > whole {
            self.out.extend_from_slice("\u{FFFD}".as_bytes());
        }
        self.raw.copy_within(whole..whole + keep, 0);
        self.carry = keep;
        Ok(())
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text with a character outside the BMP (a surrogate pair) and CRLF endings.
    const TEXT: &str = "Type,Name\r\nGET,/caf\u{e9} \u{1F680}\r\n";

    fn encoded(little: bool) -> Vec<u8> {
        let mut bytes = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in TEXT.encode_utf16() {
            bytes.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        bytes
    }

    #[test]
    fn whole_and_streamed_text_decode_to_the_same_utf8() {
        for little in [true, false] {
            let bytes = encoded(little);
            assert_eq!(bom(&bytes), Some(little));
            assert_eq!(to_utf8(&bytes, little), TEXT);
            // Streamed a few bytes at a time, so that a block ends inside a unit and
            // between a surrogate pair's halves.
            for step in [1, 2, 3, 5, 7] {
                let chunks = bytes[2..]
                    .chunks(step)
                    .map(<[u8]>::to_vec)
                    .collect::<Vec<_>>();
                let inner = Chunked(chunks.into_iter());
                let mut out = String::new();
                Utf8Reader::new(inner, little)
                    .read_to_string(&mut out)
                    .unwrap();
                assert_eq!(out, TEXT, "step {step}");
            }
        }
        assert_eq!(bom(b"Type,Name"), None);
    }

    /// A reader that returns its chunks one read at a time.
    struct Chunked<I>(I);

    impl<I: Iterator<Item = Vec<u8>>> Read for Chunked<I> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let Some(chunk) = self.0.next() else {
                return Ok(0);
            };
            buf[..chunk.len()].copy_from_slice(&chunk);
            Ok(chunk.len())
        }
    }
}
