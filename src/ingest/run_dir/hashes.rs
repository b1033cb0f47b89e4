//! Fingerprints of a run's files: the SHA-256 of a file's bytes, of its text (line
//! endings, a UTF-8 byte-order mark and a UTF-16 encoding taken away, so that a copy
//! saved on another system has its original's), and of a gzip file's decompressed
//! content, which `discover.rs` compares to find copies.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::ingest::utf16;

/// True for a file that starts with a UTF-16 byte-order mark (PowerShell's `>`).
pub(super) fn is_utf16(path: &Path) -> bool {
    let mut head = [0u8; 2];
    (File::open(path).and_then(|mut f| f.read_exact(&mut head))).is_ok()
        && utf16::bom(&head).is_some()
}

/// Hex SHA-256 of a file, streamed.
pub(super) fn sha256_file(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Hex SHA-256 of a file, and of its text with line endings and a byte-order mark
/// taken away (a leading UTF-8 BOM dropped, CR before LF dropped): the fingerprint of
/// its content, equal to the first for a file with neither, so that a copy saved with
/// CRLF endings (an editor, a Windows share, git's autocrlf) is known as one. UTF-16
/// text (PowerShell's `>`) is fingerprinted as the UTF-8 it reads as.
pub(super) fn sha256_file_and_text(path: &Path) -> io::Result<(String, String)> {
    let (mut raw, mut text) = (Sha256::new(), Sha256::new());
    let mut file = File::open(path)?;
    let mut head = [0u8; 2];
    let utf16 = (file.read(&mut head)? == 2)
        .then(|| utf16::bom(&head))
        .flatten();
    let mut reader: Box<dyn Read> = match utf16 {
        Some(little) => Box::new(utf16::Utf8Reader::new(file, little)),
        None => Box::new(File::open(path)?),
    };
    let mut buf = vec![0u8; 1 << 16];
    let (mut first, mut pending_cr) = (true, false);
    let mut out = Vec::with_capacity(buf.len() + 1);
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        raw.update(&buf[..n]);
        let mut chunk = &buf[..n];
        if std::mem::take(&mut first) {
            chunk = chunk.strip_prefix(b"\xef\xbb\xbf").unwrap_or(chunk);
        }
        out.clear();
        for &b in chunk {
            if std::mem::take(&mut pending_cr) && b != b'\n' {
                out.push(b'\r');
            }
            if b == b'\r' {
                pending_cr = true;
            } else {
                out.push(b);
            }
        }
        text.update(&out);
    }
    if pending_cr {
        text.update(b"\r");
    }
    let hex = |h: Sha256| -> String { h.finalize().iter().map(|b| format!("{b:02x}")).collect() };
    match utf16 {
        // Its bytes are not the text read: the file's own SHA-256.
        Some(_) => Ok((sha256_file(path)?, hex(text))),
        None => Ok((hex(raw), hex(text))),
    }
}

/// The decompressed size a gzip file's trailer gives (modulo 2³²), if it is gzip.
pub(super) fn gzip_size(path: &Path) -> Option<u64> {
    use std::io::{Seek, SeekFrom};
    let mut file = File::open(path).ok()?;
    let mut magic = [0u8; 2];
    file.read_exact(&mut magic).ok()?;
    if magic != [0x1f, 0x8b] {
        return None;
    }
    let mut trailer = [0u8; 4];
    file.seek(SeekFrom::End(-4)).ok()?;
    file.read_exact(&mut trailer).ok()?;
    Some(u64::from(u32::from_le_bytes(trailer)))
}

/// True when the inputs `a` and `b` of `run` hold the same bytes: the same SHA-256
/// (in `run.inputs`), or one is the other packed with gzip ([`gzip_copy`]).
pub(super) fn same_content(run: &crate::model::Run, a: &Path, b: &Path) -> bool {
    let sha = |p: &Path| {
        (run.inputs.iter().find(|i| i.path == p))
            .map(|i| i.sha256.as_str())
            .filter(|h| !h.is_empty())
    };
    sha(a).is_some_and(|h| sha(b) == Some(h)) || gzip_copy(a, b)
}

/// True when one of `a` and `b` is gzip and decompresses to exactly the other's bytes
/// (`run_stats.csv` and the `run_stats.csv.gz` packed beside it).
fn gzip_copy(a: &Path, b: &Path) -> bool {
    let (packed, plain) = match (gzip_size(a), gzip_size(b)) {
        (Some(size), None) => ((a, size), b),
        (None, Some(size)) => ((b, size), a),
        _ => return false,
    };
    let same_size = std::fs::metadata(plain).is_ok_and(|m| m.len() == packed.1);
    same_size
        && sha256_unzipped(packed.0, packed.1)
            .is_some_and(|h| sha256_file(plain).is_ok_and(|p| p == h))
}

/// Hex SHA-256 of a gzip file's decompressed content when it is `size` bytes long
/// (read no further): the fingerprint of the file it is a compressed copy of.
pub(super) fn sha256_unzipped(path: &Path, size: u64) -> Option<String> {
    let file = File::open(path).ok()?;
    let mut content = flate2::read::MultiGzDecoder::new(io::BufReader::new(file)).take(size + 1);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = content.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        total += n as u64;
        hasher.update(&buf[..n]);
    }
    (total == size).then(|| {
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}
