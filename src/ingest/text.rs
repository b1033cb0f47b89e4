//! Reading text files the way load tools write them: any line ending (LF, CRLF and
//! Windows Locust's CR CR LF), a UTF-8 BOM, a missing final newline, and bytes that
//! are not UTF-8 (a Windows Locust file can carry GBK names; they are kept, with the
//! undecodable bytes replaced by U+FFFD, rather than losing the file).

use crate::model::untrusted::Shown;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// `text` without ANSI escape sequences (`ESC [` parameters and a final byte in
/// `@`–`~`: the colour codes of a console captured with colours forced); a lone ESC
/// is dropped.
pub fn without_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.next_if_eq(&'[').is_some() {
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
    }
    out
}

/// How many bytes detection looks at.
pub const HEAD_BYTES: usize = 8192;

/// The first [`HEAD_BYTES`] of a file (fewer for a short file).
pub fn read_head(path: &Path) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(HEAD_BYTES);
    File::open(path)?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// A whole small file as text, with line endings normalised to `\n`, the BOM removed
/// and non-UTF-8 bytes replaced.
pub fn read_text(path: &Path) -> io::Result<String> {
    Ok(normalize(&super::limits::read_whole(path)?))
}

/// Text from bytes (UTF-8, or UTF-16 with its BOM): BOM stripped, invalid UTF-8 replaced, `\r\r\n` and `\r\n` → `\n`.
///
/// A lone `\r` inside a quoted CSV field is kept; only the ones before a `\n` go.
pub fn normalize(bytes: &[u8]) -> String {
    if let Some(little) = super::utf16::bom(bytes) {
        return normalize(super::utf16::to_utf8(bytes, little).as_bytes());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    if !text.contains('\r') {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut pending_cr = 0usize;
    for c in text.chars() {
        match c {
            '\r' => pending_cr += 1,
            '\n' => {
                pending_cr = 0;
                out.push('\n');
            }
            other => {
                for _ in 0..pending_cr {
                    out.push('\r');
                }
                pending_cr = 0;
                out.push(other);
            }
        }
    }
    out
}

/// The first line of a head, without its line ending.
pub fn first_line(head: &str) -> &str {
    head.lines().next().unwrap_or("").trim_end_matches('\r')
}

/// A CSV reader over text with headers, flexible row lengths (checked by the
/// adapters, which name the line), and the usual quoting.
pub fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes())
}

/// The header cells of a CSV header line, unquoted and trimmed.
pub fn header_cells(line: &str) -> Vec<String> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default()
}

/// `bytes` that are not UTF-8 read as Latin-1 (ISO 8859-1): each byte the character
/// of its value. A result written in a legacy code page (a Windows JMeter's cp1252
/// labels, `caf\xe9`) keeps its names, and names that differ stay apart.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| char::from(*b)).collect()
}

/// NUL bytes in a row at which a problem's quoted text is said as padding.
const NUL_RUN: usize = 8;

/// `reason` (a problem's, quoting a line) with each run of NUL bytes in it — raw, or
/// as `\u{0}` escapes — said in a few words, and why a file holds them: a copy taken
/// off a machine that crashed or lost power keeps the file's length but zeros where
/// its last writes never reached the disk. Four thousand escapes said nothing.
pub fn tame_nul_padding(reason: String) -> String {
    let escaped = "\\u{0}";
    let mut out = String::with_capacity(reason.len().min(4096));
    let mut rest = reason.as_str();
    let mut longest = 0usize;
    while !rest.is_empty() {
        let mut run = 0usize;
        let mut at = rest;
        loop {
            if let Some(r) = at.strip_prefix('\0') {
                at = r;
            } else if let Some(r) = at.strip_prefix(escaped) {
                at = r;
            } else {
                break;
            }
            run += 1;
        }
        if run >= NUL_RUN {
            out.push_str(&format!("<{run} NUL bytes>"));
            longest = longest.max(run);
            rest = at;
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    if longest == 0 {
        return reason;
    }
    out.push_str(
        " — the file holds NUL bytes where text should be, as a copy taken off a machine \
         that crashed or lost power does (its length kept, its last writes zeros): the \
         rows before them are read, the ones the zeros replaced are lost; use the tool's \
         own copy of the file if one survives",
    );
    out
}

/// Where a text's NUL padding begins: the line a run of NUL bytes starts on, and how
/// many NUL bytes the text holds from there; `None` without such a run.
pub fn nul_padding(text: &str) -> Option<(u64, usize)> {
    let at = text.find(&"\0".repeat(NUL_RUN))?;
    let line = text[..at].matches('\n').count() as u64 + 1;
    Some((line, text[at..].matches('\0').count()))
}

/// A note for a capture whose text, read in full, is followed by NUL padding (a copy
/// taken off a machine that crashed or lost power keeps its length, zeros at its end):
/// the figures before it stand; `None` without padding.
pub fn nul_padding_note(path: &std::path::Path, text: &str) -> Option<String> {
    let (line, bytes) = nul_padding(text)?;
    Some(format!(
        "{}: the text is followed by <{bytes} NUL bytes> from line {line} on, as a copy taken \
         off a machine that crashed or lost power is (its length kept, its last writes \
         zeros): the summary before them is whole and is read; anything written after it \
         is lost",
        path.shown()
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn nul_padding_is_said_in_words() {
        let raw = format!("bad timestamp `{}`", "\0".repeat(4096));
        let said = super::tame_nul_padding(raw);
        assert!(
            said.starts_with("bad timestamp `<4096 NUL bytes>`"),
            "{said}"
        );
        let escaped = format!("ends here (`{}`)", "\\u{0}".repeat(40));
        assert!(super::tame_nul_padding(escaped).starts_with("ends here (`<40 NUL bytes>`)"));
        assert_eq!(super::tame_nul_padding("a\0b".into()), "a\0b");
    }

    use super::*;

    #[test]
    fn normalises_endings_and_bom() {
        assert_eq!(
            normalize(b"\xEF\xBB\xBFa,b\r\r\n1,2\r\n3,4"),
            "a,b\n1,2\n3,4"
        );
        assert_eq!(normalize(b"a\xffb\n"), "a\u{FFFD}b\n");
    }
}

/// Epoch ms from an RFC 3339 / ISO 8601 timestamp (`2024-05-01T12:00:00.123Z`,
/// `…+02:00`, a space instead of `T`, or no zone, read as UTC).
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = s.split_at_checked(10)?;
    let mut d = date.split('-');
    let (y, m, day): (i64, i64, i64) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (clock, zone) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let mut c = clock.split(':');
    let (hh, mm): (i64, i64) = (c.next()?.parse().ok()?, c.next()?.parse().ok()?);
    let secs: f64 = c.next().unwrap_or("0").replace(',', ".").parse().ok()?;
    let offset_min = match zone {
        "" | "Z" | "z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let z = &z[1..];
            let (zh, zm) = z
                .split_once(':')
                .unwrap_or((z.get(..2)?, z.get(2..).unwrap_or("0")));
            sign * (zh.parse::<i64>().ok()? * 60 + zm.parse::<i64>().ok().unwrap_or(0))
        }
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || secs >= 61.0 {
        return None;
    }
    let days = days_from_civil(y, m, day);
    let whole = days * 86_400 + hh * 3600 + mm * 60 - offset_min * 60;
    Some(whole * 1000 + (secs * 1000.0).round() as i64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod time_tests {
    use super::*;
    use crate::model::format_rfc3339_ms;

    #[test]
    fn rfc3339_forms() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(
            parse_rfc3339_ms("2023-09-08T21:03:10.549+02:00"),
            Some(1694199790549)
        );
        assert_eq!(
            parse_rfc3339_ms("2023-09-08 19:03:10.549"),
            Some(1694199790549)
        );
        assert_eq!(format_rfc3339_ms(1694199790549), "2023-09-08T19:03:10.549Z");
        assert_eq!(parse_rfc3339_ms("yesterday"), None);
    }
}
