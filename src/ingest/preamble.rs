//! Lines a terminal put above a file that must start with its header or opening brace
//! (`{ echo "$ hey -o csv …"; hey -o csv …; } > hey.csv`, a `set -x` line, a title a
//! script printed): detection finds the format below them ([`MAX_LINES`] at most), and
//! every reader of the file sees those lines blank, so its header is read where it is
//! and every row keeps its own line number. The source's notes say which lines were
//! left out, and a command among them is still read as the tool's (as one saved
//! beside the file would be).

use std::io::{self, BufRead, Read};
use std::path::Path;

use super::detect::detect_with_preamble;
use super::text::{normalize, read_head};

/// Most lines above a header that are left out to find it.
pub const MAX_LINES: usize = 4;

/// How many lines at the top of the file at `path` are not its format's (0 when the
/// format starts at line 1, or the file is not read).
pub fn lines(path: &Path) -> usize {
    read_head(path).map_or(0, |head| detect_with_preamble(path, &head).1)
}

/// The text of the lines [`lines`] leaves out of the file at `path` (empty when none).
pub fn text(path: &Path) -> String {
    let Ok(head) = read_head(path) else {
        return String::new();
    };
    let n = detect_with_preamble(path, &head).1;
    if n == 0 {
        return String::new();
    }
    let head = if head.starts_with(&[0x1f, 0x8b]) {
        super::detect::gunzip_head(&head)
    } else {
        head
    };
    normalize(&head)
        .lines()
        .take(n)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The note for a file whose first lines were left out, or `None`.
pub fn note(path: &Path) -> Option<String> {
    let text = text(path);
    let first = text.lines().next()?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let first = crate::model::untrusted::ticked(first.trim());
    let which = match text.lines().count() {
        1 => format!("line 1 ({first})"),
        n => format!("lines 1–{n} ({first} …)"),
    };
    Some(format!(
        "{}: {which} above the tool's output left out (a terminal's echo or a title, not \
         data); read from line {}",
        name.unwrap_or_default(),
        text.lines().count() + 1
    ))
}

/// `text` with its first `n` lines blank (their line breaks kept).
pub fn blank_text(text: String, n: usize) -> String {
    if n == 0 {
        return text;
    }
    let mut out = "\n".repeat(n);
    out.push_str(text.splitn(n + 1, '\n').nth(n).unwrap_or(""));
    out
}

/// `inner` with its first `n` lines blank: each line's bytes are dropped, its line
/// break kept, so a CSV reader (which skips blank lines) finds the header below them
/// and numbers every line as the file does.
pub fn blank(inner: Box<dyn BufRead>, n: usize) -> Box<dyn BufRead> {
    if n == 0 {
        return inner;
    }
    Box::new(Blanked {
        inner,
        to_drop: n,
        breaks: 0,
    })
}

/// A reader whose first lines are dropped, their line breaks kept.
struct Blanked {
    inner: Box<dyn BufRead>,
    /// Lines still to drop.
    to_drop: usize,
    /// Line breaks of dropped lines not yet read.
    breaks: usize,
}

/// The line breaks a [`Blanked`] hands out in place of dropped lines.
const BREAKS: [u8; MAX_LINES] = [b'\n'; MAX_LINES];

impl Read for Blanked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(buf.len());
            buf[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Blanked {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.to_drop > 0 {
            let mut line = Vec::new();
            let read = self.inner.read_until(b'\n', &mut line)?;
            self.to_drop -= 1;
            if read == 0 {
                self.to_drop = 0;
                break;
            }
            self.breaks += 1;
        }
        if self.breaks > 0 {
            return Ok(&BREAKS[..self.breaks.min(MAX_LINES)]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if self.breaks > 0 {
            self.breaks -= amt.min(self.breaks);
        } else {
            self.inner.consume(amt);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanked_lines_keep_their_breaks() {
        let inner: Box<dyn BufRead> = Box::new(io::Cursor::new(b"$ hey\na,b\n1,2\n".to_vec()));
        let mut out = String::new();
        blank(inner, 1).read_to_string(&mut out).unwrap();
        assert_eq!(out, "\na,b\n1,2\n");
        assert_eq!(blank_text("x\ny\nz".into(), 2), "\n\nz");
    }
}
