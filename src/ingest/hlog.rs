//! HdrHistogram interval logs (`.hlog`): reading them into per-interval µs histograms,
//! and writing them (the built-in traffic driver logs its own measurements this way).
//!
//! This module owns everything specific to the log *file*: header comments, timestamp
//! conventions (relative vs absolute, the C writer's end-time column), tags, the value
//! unit, and the histogram *encodings*. V2 blobs are decoded by the `hdrhistogram`
//! crate; the older V0 and V1 encodings (log formats 1.01 and 1.1, still found in
//! jHiccup archives) are not supported by the crate, so they are decoded here. Whatever
//! the encoding, each interval ends up as an exact histogram in **microseconds** with
//! the model's precision, so analysis never sees the writer's unit. The layouts are
//! documented in `FORMATS.md` §6.4; the comments below say where writers disagree.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use flate2::read::ZlibDecoder;
use hdrhistogram::serialization::{Deserializer, Serializer as _, V2DeflateSerializer};
use hdrhistogram::Histogram;

use super::{problem, Observation, Replay, TimeUnit};
use crate::model::{new_histogram, EndpointKey, FailureKind, Problem, HIST_SIGFIG};

/// Encoding cookies with the word-size bits (`0xF0` of the low byte) masked out.
const V0: u32 = 0x1c84_9308;
const V0_COMPRESSED: u32 = 0x1c84_9309;
const V1: u32 = 0x1c84_9301;
const V1_COMPRESSED: u32 = 0x1c84_9302;
const V2: u32 = 0x1c84_9303;
const V2_COMPRESSED: u32 = 0x1c84_9304;
/// Java's DoubleHistogram wrappers (plain and compressed), `DHIST…` in base64.
const DOUBLE: [u32; 2] = [0x0c72_124e, 0x0c72_124f];
/// The only V2 cookie the crate accepts; other writers' V2 cookies are rewritten to it.
const CRATE_V2: u32 = V2 | 0x10;
/// A real interval histogram inflates to a few hundred kB at most; the cap keeps a
/// hostile or corrupt blob from exhausting memory.
const MAX_INFLATED_BYTES: u64 = 16 << 20;
/// The Java reader's rule: timestamps more than a year before StartTime are relative.
const YEAR_S: f64 = 365.0 * 24.0 * 3600.0;
const VERSION_PREFIX: &str = "#[histogram log format version";
const LEGEND: &str =
    "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"";

/// A whole interval log, decoded.
#[derive(Clone, Debug)]
pub struct HlogFile {
    /// The file read.
    pub path: PathBuf,
    /// `#[Histogram log format version X]`, when present.
    pub format_version: Option<String>,
    /// Unit the values were recorded in (a `#[unit: …]` comment, else the caller's default).
    pub unit: TimeUnit,
    /// Intervals in file order.
    pub intervals: Vec<HlogInterval>,
    /// Doubts that did not stop the read (e.g. a unit that disagrees with `Interval_Max`).
    pub warnings: Vec<String>,
}

/// One interval line.
#[derive(Clone, Debug)]
pub struct HlogInterval {
    /// The tag as an endpoint; untagged lines use the file's stem.
    pub key: EndpointKey,
    /// Interval start, epoch ms.
    pub start_ms: i64,
    /// Interval end, epoch ms.
    pub end_ms: i64,
    /// Latencies in µs, [`HIST_SIGFIG`] digits, auto-resizing.
    pub histogram: Histogram<u64>,
    /// Failures among the interval's requests, from headroom's own
    /// `#[failures: Tag=…,<start>,<kind>=<n>;…]` comments (empty for other writers,
    /// whose logs cannot say which requests failed).
    pub failures: Vec<(FailureKind, u64)>,
}

impl Replay for HlogFile {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        for iv in &self.intervals {
            visit(Observation::Histogram {
                key: iv.key.clone(),
                start_ms: iv.start_ms,
                end_ms: iv.end_ms,
                histogram: &iv.histogram,
                failures: &iv.failures,
            });
        }
        Ok(())
    }
}

/// True when the first bytes of a file look like an interval log: a format-version
/// comment, or an interval line `[Tag=…,]start,length,max,HIST…`.
pub fn looks_like_hlog(head: &str) -> bool {
    head.lines()
        .map(|l| l.trim_start_matches('\u{feff}'))
        .any(|line| {
            if line.starts_with("#[Histogram log format version") {
                return true;
            }
            let rest = match line.strip_prefix("Tag=") {
                Some(tagged) => match tagged.split_once(',') {
                    Some((tag, rest)) if !tag.is_empty() => rest,
                    _ => return false,
                },
                None => line,
            };
            let mut fields = rest.splitn(4, ',');
            let numeric = |f: Option<&str>| {
                f.is_some_and(|f| {
                    !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                })
            };
            numeric(fields.next())
                && numeric(fields.next())
                && numeric(fields.next())
                && fields.next().is_some_and(|blob| blob.starts_with("HIST"))
        })
}

/// Reads and decodes an interval log. `default_unit` applies unless the log carries
/// headroom's `#[unit: …]` comment.
pub fn read_hlog(path: &Path, default_unit: TimeUnit) -> Result<HlogFile, Problem> {
    let bytes =
        std::fs::read(path).map_err(|e| problem(path, None, format!("cannot read: {e}")))?;
    parse_hlog(path, &bytes, default_unit)
}

/// Header facts gathered from the comments.
#[derive(Default)]
struct Header {
    version: Option<String>,
    start_s: Option<f64>,
    base_s: Option<f64>,
    unit: Option<TimeUnit>,
}

/// An interval line before its timestamps are interpreted.
struct RawLine {
    line: u64,
    key: EndpointKey,
    col1: f64,
    col2: f64,
    max_col: f64,
    hist: RawHist,
}

/// Decodes an interval log already in memory; `path` names it in problems and gives
/// untagged intervals their endpoint name.
pub fn parse_hlog(path: &Path, bytes: &[u8], default_unit: TimeUnit) -> Result<HlogFile, Problem> {
    let text = String::from_utf8_lossy(bytes);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut header = Header::default();
    let mut lines = Vec::new();
    let mut failures: HashMap<(EndpointKey, i64), Vec<(FailureKind, u64)>> = HashMap::new();
    for (idx, raw) in text.lines().enumerate() {
        let n = idx as u64 + 1;
        let line = raw.trim_start_matches('\u{feff}').trim();
        let bad = |reason: String| problem(path, Some(n), reason);
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("#[failures:") {
            let (key, col1_ms, kinds) = read_failures(rest, &stem).map_err(bad)?;
            failures.entry((key, col1_ms)).or_default().extend(kinds);
            continue;
        }
        if line.starts_with('#') {
            read_comment(line, &mut header).map_err(bad)?;
            continue;
        }
        let unquoted = line.trim_start_matches('"');
        if unquoted.starts_with("StartTimestamp") || unquoted.starts_with("EndTimestamp") {
            continue;
        }
        lines.push(read_interval_line(line, n, &stem).map_err(bad)?);
    }
    if lines.is_empty() {
        return Err(problem(path, None, "no histogram intervals"));
    }

    let unit = header.unit.unwrap_or(default_unit);
    let end_times = column2_is_end_time(&lines);
    // Java's rule: an explicit BaseTime wins; otherwise timestamps are relative to
    // StartTime when the first one lies more than a year before it. A BaseTime that
    // still leaves the first interval a year before StartTime (BaseTime 0 with relative
    // stamps) is read as relative to StartTime too, since the alternative is 1970.
    let first = lines[0].col1;
    let base_s = match (header.base_s, header.start_s) {
        (Some(b), Some(s)) if first + b < s - YEAR_S => s,
        (Some(b), _) => b,
        (None, Some(s)) if first < s - YEAR_S => s,
        _ => 0.0,
    };
    let base_ms = secs_to_ms(base_s);

    let mut check = MaxCheck::default();
    let mut intervals = Vec::with_capacity(lines.len());
    for l in lines {
        let start_ms = base_ms.saturating_add(secs_to_ms(l.col1));
        let end_ms = if end_times {
            base_ms.saturating_add(secs_to_ms(l.col2))
        } else {
            start_ms.saturating_add(secs_to_ms(l.col2))
        };
        check.observe(&l, unit);
        let histogram = l.hist.to_us(unit.to_us_factor());
        let failures = failures
            .remove(&(l.key.clone(), secs_to_ms(l.col1)))
            .unwrap_or_default();
        intervals.push(HlogInterval {
            key: l.key,
            start_ms,
            end_ms,
            histogram,
            failures,
        });
    }
    let warnings = check.into_warning(unit).into_iter().collect();
    Ok(HlogFile {
        path: path.to_path_buf(),
        format_version: header.version,
        unit,
        intervals,
        warnings,
    })
}

/// Reads the rest of a `#[failures: Tag=<tag>,<start s>,<kind>=<n>;…]` comment: the
/// interval it belongs to (tag and start as written on its interval line) and counts.
type FailureComment = (EndpointKey, i64, Vec<(FailureKind, u64)>);

fn read_failures(rest: &str, stem: &str) -> Result<FailureComment, String> {
    let body = rest.trim().trim_end_matches(']');
    let mut parts = body.splitn(3, ',');
    let (tag, start, counts) = (parts.next(), parts.next(), parts.next());
    let (Some(tag), Some(start), Some(counts)) = (tag, start, counts) else {
        return Err("failures comment needs `Tag=<tag>,<start>,<kind>=<n>;…`".into());
    };
    let key = match tag.strip_prefix("Tag=") {
        Some(t) => tag_to_key(t),
        None => EndpointKey::new(None, stem),
    };
    let start: f64 = start
        .trim()
        .parse()
        .map_err(|_| format!("failures comment: bad start `{start}`"))?;
    let mut kinds = Vec::new();
    for item in counts.split(';').filter(|i| !i.trim().is_empty()) {
        let (kind, n) = item
            .split_once('=')
            .ok_or_else(|| format!("failures comment: bad item `{item}`"))?;
        let kind: FailureKind = kind.trim().parse()?;
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("failures comment: bad count `{n}`"))?;
        kinds.push((kind, n));
    }
    Ok((key, secs_to_ms(start), kinds))
}

/// Picks up the comments that mean something; every other `#` line is free text.
fn read_comment(line: &str, header: &mut Header) -> Result<(), String> {
    let lower = line.to_ascii_lowercase();
    let value = || line.split_once(':').map(|(_, v)| v.trim()).unwrap_or("");
    let first_number = |what: &str| {
        let token = value().split([' ', ',', ']', '\t']).next().unwrap_or("");
        token
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{what} comment has no number of seconds (found `{token}`)"))
    };
    if lower.starts_with("#[starttime:") {
        header.start_s = Some(first_number("StartTime")?);
    } else if lower.starts_with("#[basetime:") {
        // Java writes `BaseTime: 0.000`, the Go port `Basetime: <int>`.
        header.base_s = Some(first_number("BaseTime")?);
    } else if lower.starts_with("#[unit:") {
        let unit = value().trim_end_matches(']');
        header.unit = Some(unit.parse::<TimeUnit>()?);
    } else if lower.starts_with(VERSION_PREFIX) {
        // ASCII lower-casing keeps byte offsets, so the prefix length applies to `line`.
        let v = line[VERSION_PREFIX.len()..]
            .trim()
            .trim_end_matches(']')
            .trim();
        header.version = Some(v.to_string());
    }
    Ok(())
}

/// Splits `[Tag=t,]start,length,max,blob` (commas or whitespace) and decodes the blob.
fn read_interval_line(line: &str, n: u64, stem: &str) -> Result<RawLine, String> {
    let mut fields: Vec<&str> = line
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|f| !f.is_empty())
        .collect();
    let tag = fields.first().and_then(|f| f.strip_prefix("Tag="));
    if tag.is_some() {
        fields.remove(0);
    }
    // An empty tag is no tag (the writer never writes one).
    let key = match tag.filter(|t| !t.is_empty()) {
        Some(tag) => tag_to_key(tag),
        None => EndpointKey::new(None, stem),
    };
    if fields.len() != 4 {
        return Err(format!(
            "expected 4 fields (start, length, max, histogram) after the optional Tag, found {}",
            fields.len()
        ));
    }
    let number = |what: &str, s: &str| {
        s.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("non-numeric {what} `{s}`"))
    };
    let col1 = number("start timestamp", fields[0])?;
    let col2 = number("interval length / end timestamp", fields[1])?;
    let max_col = number("Interval_Max", fields[2])?;
    if col2 < 0.0 {
        return Err(format!("negative interval length `{}`", fields[1]));
    }
    let hist = decode_blob(fields[3])?;
    Ok(RawLine {
        line: n,
        key,
        col1,
        col2,
        max_col,
        hist,
    })
}

/// The C library's `hdr_log_write` puts the absolute end time in column 2 instead of
/// the length. The columns alone must tell: it is an end time when, on every line, it
/// is not before the start and grows strictly per tag, and there is enough evidence
/// (three intervals of one tag, or a "length" of more than a year).
fn column2_is_end_time(lines: &[RawLine]) -> bool {
    let mut last: HashMap<&EndpointKey, (f64, usize)> = HashMap::new();
    for l in lines {
        if l.col2 < l.col1 {
            return false;
        }
        let entry = last.entry(&l.key).or_insert((f64::NEG_INFINITY, 0));
        if l.col2 <= entry.0 {
            return false;
        }
        *entry = (l.col2, entry.1 + 1);
    }
    last.values().any(|&(_, n)| n >= 3) || lines.iter().any(|l| l.col2 > YEAR_S)
}

/// Seconds (float) to whole ms; casts saturate, so absurd values cannot panic.
fn secs_to_ms(s: f64) -> i64 {
    (s * 1000.0).round() as i64
}

/// Compares each decoded max with the `Interval_Max` column and remembers the first
/// disagreement, so one warning per file names a line instead of one per line.
#[derive(Default)]
struct MaxCheck {
    first_bad: Option<(u64, f64, u64)>,
    bad_lines: usize,
    /// How many disagreeing lines each unit would have explained.
    fits: [usize; 4],
}

const UNITS: [(TimeUnit, &str); 4] = [
    (TimeUnit::Ns, "ns"),
    (TimeUnit::Us, "us"),
    (TimeUnit::Ms, "ms"),
    (TimeUnit::S, "s"),
];

impl MaxCheck {
    fn observe(&mut self, l: &RawLine, unit: TimeUnit) {
        let Some((lo, hi)) = l.hist.max_bucket() else {
            return;
        };
        // The column may hold the raw max or either end of its bucket (coarse
        // histograms have wide buckets), so it is compared with the whole bucket.
        let fits = |scale: f64| within(l.max_col, lo as f64 * scale, hi as f64 * scale);
        // Java (and headroom's writer) print the max in ms (Java divides by 1e6 assuming
        // ns), which is what reveals the unit; the C writer prints the raw integer. (The
        // Rust port's `MaxValueDivisor` is ignored: a unit-free match would hide a wrong
        // unit.)
        if fits(unit.to_ms_factor()) || fits(1.0) {
            return;
        }
        self.bad_lines += 1;
        self.first_bad.get_or_insert((l.line, l.max_col, hi));
        for (i, (u, _)) in UNITS.iter().enumerate() {
            if fits(u.to_ms_factor()) {
                self.fits[i] += 1;
            }
        }
    }

    fn into_warning(self, unit: TimeUnit) -> Option<String> {
        let (line, col, max) = self.first_bad?;
        let assumed = UNITS
            .iter()
            .find(|(u, _)| *u == unit)
            .map_or("?", |(_, n)| n);
        let more = match self.bad_lines {
            1 => String::new(),
            n => format!(" (and {} more lines)", n - 1),
        };
        let hint = UNITS
            .iter()
            .zip(self.fits)
            .filter(|(_, fits)| *fits == self.bad_lines)
            .map(|((_, name), _)| format!("; the values look like {name}"))
            .next()
            .unwrap_or_default();
        Some(format!(
            "line {line}{more}: Interval_Max {col} disagrees with the decoded max {max} read \
             as {assumed}{hint}; the unit may be wrong (say it with a `#[unit: …]` comment \
             or the hlog unit option)"
        ))
    }
}

/// `col` inside `[lo, hi]`, give or take 2 % and the column's 3-decimal rounding.
fn within(col: f64, lo: f64, hi: f64) -> bool {
    col >= lo * 0.98 - 0.002 && col <= hi * 1.02 + 0.002
}

// ---------------------------------------------------------------------------------
// Tags

/// Turns a tag into an endpoint: percent-decoded, and `METHOD rest` (METHOD all
/// upper-case ASCII letters) splits into method and name.
fn tag_to_key(tag: &str) -> EndpointKey {
    let text = percent_decode(tag);
    match text.split_once(' ') {
        Some((method, name))
            if !name.is_empty()
                && !method.is_empty()
                && method.bytes().all(|b| b.is_ascii_uppercase()) =>
        {
            EndpointKey::new(Some(method), name)
        }
        _ => EndpointKey::new(None, &text),
    }
}

/// The tag for an endpoint (inverse of the reader's decoding): `METHOD name` with `%`,
/// commas, whitespace and control characters percent-encoded, since readers split
/// fields on commas and whitespace. A method-less name that itself looks like
/// `METHOD rest` reads back with a method; that ambiguity is inherent to tags.
pub fn encode_tag(key: &EndpointKey) -> String {
    let mut out = String::new();
    let mut buf = [0u8; 4];
    for c in key.to_string().chars() {
        if c == '%' || c == ',' || c.is_whitespace() || c.is_control() {
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `%XX` to bytes; a `%` not followed by two hex digits stays as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------
// Histogram encodings

/// A decoded histogram in the writer's unit: `(lowest, highest equivalent value,
/// count)` per non-empty bucket, ascending.
struct RawHist {
    buckets: Vec<(u64, u64, u64)>,
}

impl RawHist {
    /// The range of the highest non-empty bucket.
    fn max_bucket(&self) -> Option<(u64, u64)> {
        self.buckets.last().map(|b| (b.0, b.1))
    }

    /// The µs histogram. Each bucket is recorded at its *highest equivalent* value: that
    /// is what HdrHistogram's own percentiles and `Interval_Max` report, so the tool's
    /// figures are reproduced (never under-reported) and the error stays within one
    /// source bucket (0.1 % at 3 digits). The counts array is sized to this interval's
    /// max rather than the model's default hour: a log can hold thousands of intervals,
    /// and the bucket layout (lowest 1, same digits) is the model's, so merging works.
    fn to_us(&self, factor: f64) -> Histogram<u64> {
        let max_us = self.max_bucket().map_or(0, |m| raw_to_us(m.1, factor));
        let mut h = match Histogram::new_with_bounds(1, max_us.max(2), HIST_SIGFIG) {
            Ok(mut h) => {
                h.auto(true);
                h
            }
            Err(_) => new_histogram(),
        };
        for &(_, value, count) in &self.buckets {
            let us = raw_to_us(value, factor);
            if h.record_n(us, count).is_err() {
                // Only values beyond what any histogram can track fail; clamp them.
                let high = h.high();
                let _ = h.record_n(high, count);
            }
        }
        h
    }
}

/// A raw value to whole µs, rounding; like the model, a non-zero sub-µs value counts
/// as 1 µs. The float-to-int cast saturates.
fn raw_to_us(value: u64, factor: f64) -> u64 {
    if value == 0 {
        return 0;
    }
    ((value as f64 * factor).round() as u64).max(1)
}

fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn truncated(what: &str) -> String {
    format!("truncated blob: too short for the {what}")
}

/// Base64 text to buckets. Padding is optional because some writers drop it.
fn decode_blob(b64: &str) -> Result<RawHist, String> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let bytes = LENIENT
        .decode(b64)
        .map_err(|e| format!("bad base64 in histogram: {e}"))?;
    decode_encoded(&bytes)
}

fn decode_encoded(bytes: &[u8]) -> Result<RawHist, String> {
    let cookie = be_u32(bytes, 0).ok_or_else(|| truncated("cookie"))?;
    match cookie & !0xF0 {
        base @ (V0_COMPRESSED | V1_COMPRESSED | V2_COMPRESSED) => {
            let len = be_u32(bytes, 4).ok_or_else(|| truncated("compressed length"))? as usize;
            let body = bytes.get(8..).unwrap_or_default();
            let deflated = body.get(..len).ok_or_else(|| {
                format!(
                    "truncated blob: compressed length {len} but {} bytes follow",
                    body.len()
                )
            })?;
            let mut inflated = Vec::new();
            ZlibDecoder::new(deflated)
                .take(MAX_INFLATED_BYTES + 1)
                .read_to_end(&mut inflated)
                .map_err(|e| format!("bad zlib data in histogram: {e}"))?;
            if inflated.len() as u64 > MAX_INFLATED_BYTES {
                return Err("histogram inflates to more than 16 MiB".into());
            }
            // Each compressed cookie base is its plain counterpart + 1.
            let inner = be_u32(&inflated, 0).ok_or_else(|| truncated("inner cookie"))?;
            if inner & !0xF0 != base - 1 {
                return Err(format!(
                    "bad cookie 0x{inner:08x} inside compressed histogram 0x{cookie:08x}"
                ));
            }
            decode_plain(&inflated)
        }
        V0 | V1 | V2 => decode_plain(bytes),
        _ if DOUBLE.contains(&cookie) => {
            Err("DoubleHistogram encoding: logs of floating-point values are not supported".into())
        }
        _ => Err(format!(
            "bad cookie 0x{cookie:08x}: not an HdrHistogram encoding"
        )),
    }
}

/// An uncompressed V0, V1 or V2 encoding.
fn decode_plain(b: &[u8]) -> Result<RawHist, String> {
    let cookie = be_u32(b, 0).ok_or_else(|| truncated("cookie"))?;
    let i32_at = |at: usize| be_u32(b, at).map(|v| v as i32);
    let i64_at = |at: usize| be_u64(b, at).map(|v| v as i64);
    if cookie & !0xF0 == V0 {
        // V0 header (32 bytes): cookie, digits, lowest, highest, total count. There is
        // no payload length: the counts run to the end of the encoding.
        let digits = i32_at(4).ok_or_else(|| truncated("V0 header"))?;
        let lowest = i64_at(8).ok_or_else(|| truncated("V0 header"))?;
        i64_at(24).ok_or_else(|| truncated("V0 header"))?;
        let layout = Layout::new(digits, lowest).map_err(|e| format!("V0 header: {e}"))?;
        return decode_words(b.get(32..).unwrap_or_default(), word_size(cookie)?, &layout);
    }
    // V1 and V2 header (40 bytes): cookie, payload length, normalizing index offset,
    // digits, lowest, highest, integer-to-double conversion ratio.
    let version = if cookie & !0xF0 == V1 { "V1" } else { "V2" };
    let payload_len = i32_at(4).ok_or_else(|| truncated("header"))?;
    let offset = i32_at(8).ok_or_else(|| truncated("header"))?;
    let digits = i32_at(12).ok_or_else(|| truncated("header"))?;
    let lowest = i64_at(16).ok_or_else(|| truncated("header"))?;
    let ratio = be_u64(b, 32)
        .map(f64::from_bits)
        .ok_or_else(|| truncated("header"))?;
    if ratio != 1.0 {
        return Err(format!(
            "{version} histogram with integer-to-double ratio {ratio}: DoubleHistogram logs are not supported"
        ));
    }
    if offset != 0 {
        return Err(format!(
            "{version} histogram with normalizing index offset {offset} is not supported"
        ));
    }
    let available = b.len().saturating_sub(40);
    let payload = usize::try_from(payload_len)
        .ok()
        .and_then(|len| b.get(40..40 + len))
        .ok_or_else(|| {
            format!(
                "truncated blob: header announces {payload_len} payload bytes, {available} present"
            )
        })?;
    let layout = Layout::new(digits, lowest).map_err(|e| format!("{version} header: {e}"))?;
    if version == "V1" {
        return decode_words(payload, word_size(cookie)?, &layout);
    }
    // V2: the crate decodes it, but only under its own cookie; the payload was checked
    // above so the crate never allocates for a length the blob does not hold.
    let mut v2 = b[..40 + payload.len()].to_vec();
    v2[..4].copy_from_slice(&CRATE_V2.to_be_bytes());
    let h: Histogram<u64> = Deserializer::new()
        .deserialize(&mut v2.as_slice())
        .map_err(|e| format!("bad V2 histogram: {e}"))?;
    Ok(RawHist {
        buckets: h
            .iter_recorded()
            .map(|v| {
                let hi = v.value_iterated_to();
                (h.lowest_equivalent(hi), hi, v.count_at_value())
            })
            .collect(),
    })
}

/// V0/V1 word size: bits `0xF0` of the cookie's low byte (Java masks the low bit away).
fn word_size(cookie: u32) -> Result<usize, String> {
    match ((cookie & 0xF0) >> 4) & 0xE {
        ws @ (2 | 4 | 8) => Ok(ws as usize),
        ws => Err(format!(
            "bad cookie 0x{cookie:08x}: word size {ws} is not 2, 4 or 8 bytes"
        )),
    }
}

/// Fixed-width big-endian signed counts, one per bucket index.
fn decode_words(payload: &[u8], ws: usize, layout: &Layout) -> Result<RawHist, String> {
    if !payload.len().is_multiple_of(ws) {
        return Err(format!(
            "truncated blob: {} payload bytes is not a whole number of {ws}-byte counts",
            payload.len()
        ));
    }
    let mut buckets = Vec::new();
    let mut total = 0u64;
    for (index, word) in payload.chunks_exact(ws).enumerate() {
        let count = word.iter().fold(0i64, |acc, &b| (acc << 8) | i64::from(b));
        // Sign-extend the word (2- and 4-byte counts are Java shorts and ints).
        let shift = 64 - 8 * ws as u32;
        let count = (count << shift) >> shift;
        if count < 0 {
            return Err(format!("negative count {count} at bucket index {index}"));
        }
        if count == 0 {
            continue;
        }
        total = total
            .checked_add(count as u64)
            .ok_or_else(|| "counts overflow a 64-bit total".to_string())?;
        let (lo, hi) = layout.bucket(index)?;
        buckets.push((lo, hi, count as u64));
    }
    Ok(RawHist { buckets })
}

/// Index-to-value geometry of an HdrHistogram (FORMATS §6.4).
struct Layout {
    unit_mag: u32,
    sub_count_mag: u32,
    sub_half_mag: u32,
}

impl Layout {
    fn new(digits: i32, lowest: i64) -> Result<Layout, String> {
        if !(0..=5).contains(&digits) {
            return Err(format!("{digits} significant digits (must be 0 to 5)"));
        }
        if lowest < 1 {
            return Err(format!(
                "lowest discernible value {lowest} (must be at least 1)"
            ));
        }
        // subBucketCount = 2^ceil(log2(2 * 10^digits)).
        let largest_unit_resolution = 2 * 10u64.pow(digits as u32);
        let sub_count_mag = 64 - (largest_unit_resolution - 1).leading_zeros();
        let unit_mag = 63 - (lowest as u64).leading_zeros();
        if unit_mag + sub_count_mag > 62 {
            return Err(format!(
                "lowest discernible value {lowest} too large for {digits} digits"
            ));
        }
        Ok(Layout {
            unit_mag,
            sub_count_mag,
            sub_half_mag: sub_count_mag - 1,
        })
    }

    /// The lowest and highest values equivalent to bucket index `i`.
    fn bucket(&self, i: usize) -> Result<(u64, u64), String> {
        let half = 1u64 << self.sub_half_mag;
        let i = i as u64;
        let mut bucket = (i >> self.sub_half_mag) as i64 - 1;
        let mut sub = (i & (half - 1)) + half;
        if bucket < 0 {
            sub -= half;
            bucket = 0;
        }
        let shift = bucket as u32 + self.unit_mag;
        if shift + self.sub_count_mag > 63 {
            return Err(format!(
                "count at bucket index {i} lies beyond the 64-bit value range"
            ));
        }
        let lo = sub << shift;
        Ok((lo, lo + ((1u64 << shift) - 1)))
    }
}

// ---------------------------------------------------------------------------------
// Writer

/// Writes an interval log that Java, C and this reader all understand: V2 compressed
/// histograms, tags from [`encode_tag`], start times relative to `StartTime`.
pub struct HlogWriter<W: Write> {
    out: W,
    start_ms: i64,
    to_ms: f64,
    serializer: V2DeflateSerializer,
    blob: Vec<u8>,
}

impl<W: Write> HlogWriter<W> {
    /// Writes the header. `start_ms` (epoch ms) is the log's StartTime; `unit_comment`
    /// (`us`, `ns`, `ms` or `s`) names the unit of the histograms given to
    /// [`write_interval`](Self::write_interval) — the driver records µs (`us`);
    /// `tool_comment` is free text such as `Logged with headroom 0.1.0`.
    ///
    /// BaseTime is written equal to StartTime (not 0) because Java readers add
    /// BaseTime to every timestamp: with the relative stamps written here, `BaseTime:
    /// 0` would place the run in 1970 for them.
    pub fn new(
        mut w: W,
        start_ms: i64,
        unit_comment: &str,
        tool_comment: &str,
    ) -> io::Result<Self> {
        let unit: TimeUnit = unit_comment
            .parse()
            .map_err(|e: String| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let start = format_secs(start_ms);
        // humantime refuses dates before 1970 or after 9999; such a start gets no date.
        let date = u64::try_from(start_ms)
            .ok()
            .filter(|ms| *ms < 253_402_300_800_000)
            .map(|ms| {
                format!(
                    ", {}",
                    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms))
                )
            })
            .unwrap_or_default();
        writeln!(w, "#[{tool_comment}]")?;
        writeln!(w, "#[Histogram log format version 1.3]")?;
        writeln!(w, "#[StartTime: {start} (seconds since epoch){date}]")?;
        writeln!(w, "#[BaseTime: {start} (seconds since epoch)]")?;
        writeln!(w, "#[unit: {}]", unit_comment.trim())?;
        writeln!(w, "{LEGEND}")?;
        Ok(HlogWriter {
            out: w,
            start_ms,
            to_ms: unit.to_ms_factor(),
            serializer: V2DeflateSerializer::new(),
            blob: Vec::new(),
        })
    }

    /// Writes one interval `[start_ms, end_ms)` (epoch ms) of `key`'s latencies, in
    /// the unit named at construction (µs for the driver).
    pub fn write_interval(
        &mut self,
        key: &EndpointKey,
        start_ms: i64,
        end_ms: i64,
        histogram_us: &Histogram<u64>,
    ) -> io::Result<()> {
        if end_ms < start_ms {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("interval ends ({end_ms}) before it starts ({start_ms})"),
            ));
        }
        self.blob.clear();
        self.serializer
            .serialize(histogram_us, &mut self.blob)
            .map_err(|e| io::Error::other(format!("cannot encode histogram: {e:?}")))?;
        let max = if histogram_us.is_empty() {
            0
        } else {
            histogram_us.max()
        };
        let tag = encode_tag(key);
        // An empty tag would not survive other readers; such a key is written untagged.
        if !tag.is_empty() {
            write!(self.out, "Tag={tag},")?;
        }
        writeln!(
            self.out,
            "{},{},{:.3},{}",
            format_secs(start_ms.saturating_sub(self.start_ms)),
            format_secs(end_ms.saturating_sub(start_ms)),
            max as f64 * self.to_ms,
            STANDARD.encode(&self.blob)
        )
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Epoch or relative ms as exact `seconds.millis` text (no float rounding).
fn format_secs(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let a = ms.unsigned_abs();
    format!("{sign}{}.{:03}", a / 1000, a % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::ZlibEncoder;
    use flate2::Compression;
    use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};
    use hdrhistogram::serialization::V2Serializer;

    fn path() -> PathBuf {
        PathBuf::from("runs/latency.hlog")
    }

    fn parse(text: &str, unit: TimeUnit) -> Result<HlogFile, Problem> {
        parse_hlog(&path(), text.as_bytes(), unit)
    }

    /// Deterministic pseudo-random numbers (xorshift) so tests need no seed plumbing.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(bytes).unwrap();
        z.finish().unwrap()
    }

    fn wrap_compressed(cookie: u32, plain: &[u8]) -> Vec<u8> {
        let deflated = zlib(plain);
        let mut out = cookie.to_be_bytes().to_vec();
        out.extend((deflated.len() as u32).to_be_bytes());
        out.extend(deflated);
        out
    }

    /// Java's `countsArrayIndex(value)`, written independently of the decoder's
    /// index-to-value mapping so the two check each other.
    fn java_index(value: u64, digits: u32, lowest: u64) -> usize {
        let unit_mag = 63 - lowest.leading_zeros();
        let sub_count_mag = (2.0 * 10f64.powi(digits as i32)).log2().ceil() as u32;
        let sub_half_mag = sub_count_mag - 1;
        let sub_mask = ((1u64 << sub_count_mag) - 1) << unit_mag;
        let lz_base = 64 - unit_mag - sub_count_mag;
        let bucket = lz_base - (value | sub_mask).leading_zeros();
        let sub = value >> (bucket + unit_mag);
        (((bucket + 1) << sub_half_mag) as u64 + sub - (1u64 << sub_half_mag)) as usize
    }

    /// Dense fixed-width counts for `values` (the V0/V1 payload).
    fn counts_payload(values: &[(u64, u64)], digits: u32, lowest: u64, ws: usize) -> Vec<u8> {
        let len = values
            .iter()
            .map(|v| java_index(v.0, digits, lowest))
            .max()
            .unwrap()
            + 1;
        let mut counts = vec![0u64; len];
        for &(v, c) in values {
            counts[java_index(v, digits, lowest)] += c;
        }
        counts
            .iter()
            .flat_map(|c| c.to_be_bytes()[8 - ws..].to_vec())
            .collect()
    }

    fn v1_blob(values: &[(u64, u64)], lowest: u64, ws: usize, compressed: bool) -> String {
        let payload = counts_payload(values, 3, lowest, ws);
        let mut b = (V1 | ((ws as u32) << 4)).to_be_bytes().to_vec();
        b.extend((payload.len() as u32).to_be_bytes());
        b.extend(0u32.to_be_bytes());
        b.extend(3u32.to_be_bytes());
        b.extend(lowest.to_be_bytes());
        b.extend(3_600_000_000_000u64.to_be_bytes());
        b.extend(1.0f64.to_bits().to_be_bytes());
        b.extend(payload);
        if compressed {
            b = wrap_compressed(V1_COMPRESSED | ((ws as u32) << 4), &b);
        }
        STANDARD.encode(b)
    }

    fn v0_blob(values: &[(u64, u64)], lowest: u64, compressed: bool) -> String {
        let total: u64 = values.iter().map(|v| v.1).sum();
        let mut b = (V0 | 0x80).to_be_bytes().to_vec();
        b.extend(3u32.to_be_bytes());
        b.extend(lowest.to_be_bytes());
        b.extend(3_600_000_000_000u64.to_be_bytes());
        b.extend(total.to_be_bytes());
        b.extend(counts_payload(values, 3, lowest, 8));
        if compressed {
            b = wrap_compressed(V0_COMPRESSED | 0x80, &b);
        }
        STANDARD.encode(b)
    }

    fn v2_blob(values: &[(u64, u64)]) -> String {
        let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).unwrap();
        for &(v, c) in values {
            h.record_n(v, c).unwrap();
        }
        let mut out = Vec::new();
        V2DeflateSerializer::new().serialize(&h, &mut out).unwrap();
        STANDARD.encode(out)
    }

    const SAMPLE_US: [(u64, u64); 9] = [
        (0, 2),
        (1, 3),
        (7, 1),
        (1000, 40),
        (2047, 5),
        (2048, 6),
        (3001, 7),
        (123_457, 8),
        (2_999_999_999, 1),
    ];

    fn assert_counts(h: &Histogram<u64>, values: &[(u64, u64)]) {
        assert_eq!(h.len(), values.iter().map(|v| v.1).sum::<u64>());
        for &(v, c) in values {
            assert_eq!(h.count_at(v), c, "count at {v}");
        }
    }

    #[test]
    fn writer_round_trip() {
        let start = 1_700_000_000_123;
        let keys = [
            EndpointKey::new(Some("GET"), "/users/{id}?a=b,c"),
            EndpointKey::new(None, "checkout flow 100%"),
            EndpointKey::new(Some("POST"), "/orders"),
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut written = Vec::new();
        let mut w = HlogWriter::new(Vec::new(), start, "us", "Logged with headroom test").unwrap();
        for i in 0..3i64 {
            for key in &keys {
                let mut h = new_histogram();
                for _ in 0..5000 {
                    h.record(100 + rng.next() % 2_000_000).unwrap();
                }
                let (s, e) = (start + 1000 * i + 7, start + 1000 * (i + 1) + 7);
                w.write_interval(key, s, e, &h).unwrap();
                written.push((key.clone(), s, e, h));
            }
        }
        w.flush().unwrap();
        let bytes = w.into_inner();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(looks_like_hlog(&text));
        assert!(text.contains("Tag=GET%20/users/{id}?a=b%2Cc,"), "{text}");
        // An independent reader (the crate's, which follows Java on BaseTime) agrees.
        let mut crate_starts = Vec::new();
        let mut base = None;
        for entry in IntervalLogIterator::new(&bytes) {
            match entry.unwrap() {
                LogEntry::BaseTime(b) => base = Some(b),
                LogEntry::Interval(iv) => crate_starts.push(base.unwrap() + iv.start_timestamp()),
                LogEntry::StartTime(_) => {}
            }
        }
        let ours: Vec<_> = written
            .iter()
            .map(|w| Duration::from_millis(w.1 as u64))
            .collect();
        assert_eq!(crate_starts, ours);

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("driver.hlog");
        std::fs::write(&file, &bytes).unwrap();
        // The `#[unit: us]` comment overrides the ns default.
        let log = read_hlog(&file, TimeUnit::Ns).unwrap();
        assert_eq!(log.unit, TimeUnit::Us);
        assert_eq!(log.format_version.as_deref(), Some("1.3"));
        assert!(log.warnings.is_empty(), "{:?}", log.warnings);
        assert_eq!(log.intervals.len(), written.len());
        for (iv, (key, s, e, h)) in log.intervals.iter().zip(&written) {
            assert_eq!(&iv.key, key);
            assert_eq!((iv.start_ms, iv.end_ms), (*s, *e));
            assert_eq!(iv.histogram.len(), h.len());
            for q in [0.5, 0.9, 0.99, 0.999, 1.0] {
                let (a, b) = (iv.histogram.value_at_quantile(q), h.value_at_quantile(q));
                assert!(
                    (a as f64 - b as f64).abs() <= 0.001 * b as f64,
                    "q{q}: {a} vs {b}"
                );
            }
        }
        let mut seen = 0;
        log.replay(&mut |o| {
            if let Observation::Histogram { histogram, .. } = o {
                seen += histogram.len();
            }
        })
        .unwrap();
        assert_eq!(seen, 45_000);
    }

    #[test]
    fn decodes_hand_built_v1_blobs() {
        for ws in [2, 4, 8] {
            for compressed in [true, false] {
                let blob = v1_blob(&SAMPLE_US, 1, ws, compressed);
                let text = format!("#[unit: us]\n0.000,1.000,3000000.000,{blob}\n");
                let log = parse(&text, TimeUnit::Ns).unwrap();
                assert_counts(&log.intervals[0].histogram, &SAMPLE_US);
                assert!(log.warnings.is_empty(), "{:?}", log.warnings);
            }
        }
    }

    #[test]
    fn decodes_hand_built_v0_blobs_with_a_coarse_lowest_value() {
        // jHiccup style: ns values, lowest discernible 1000 ns.
        let ns = [(1_000_000, 10), (2_500_000, 3), (1_569_718_271, 1)];
        for compressed in [true, false] {
            let text = format!("0.0,1.0,1569.718,{}\n", v0_blob(&ns, 1000, compressed));
            let h = &parse(&text, TimeUnit::Ns).unwrap().intervals[0].histogram;
            assert_eq!(h.len(), 14);
            assert_eq!(h.count_at(1000), 10);
            assert_eq!(h.count_at(2500), 3);
            let max = h.max() as f64;
            assert!((max - 1_569_718.0).abs() < 0.002 * 1_569_718.0, "{max}");
        }
    }

    #[test]
    fn unit_comment_overrides_default_and_odd_max_warns() {
        let blob = v2_blob(&[(2_500_000, 10)]);
        let ns = parse(&format!("0.0,1.0,2.500,{blob}\n"), TimeUnit::Ns).unwrap();
        assert_eq!(ns.unit, TimeUnit::Ns);
        assert_eq!(ns.intervals[0].histogram.count_at(2500), 10);
        assert!(ns.warnings.is_empty(), "{:?}", ns.warnings);

        let us = parse(
            &format!("#[unit: us]\n0.0,1.0,2.500,{blob}\n"),
            TimeUnit::Ns,
        )
        .unwrap();
        assert_eq!(us.unit, TimeUnit::Us);
        assert_eq!(us.intervals[0].histogram.count_at(2_500_000), 10);
        assert_eq!(us.warnings.len(), 1);
        assert!(us.warnings[0].starts_with("line 2:"), "{}", us.warnings[0]);
        assert!(
            us.warnings[0].contains("look like ns"),
            "{}",
            us.warnings[0]
        );

        // The C writer's raw integer max agrees whatever the unit.
        let c = parse(
            &format!("#[unit: us]\n0.0,1.0,2500000.0,{blob}\n"),
            TimeUnit::Ns,
        )
        .unwrap();
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn timestamps_relative_absolute_and_end_times() {
        let b = v2_blob(&[(1000, 1)]);
        let start = "#[StartTime: 1441812279.474 (seconds since epoch), Wed Sep 09 2015]";
        let rel = parse(&format!("{start}\n0.127,1.007,0.001,{b}\n"), TimeUnit::Us).unwrap();
        let iv = &rel.intervals[0];
        assert_eq!(
            (iv.start_ms, iv.end_ms),
            (1_441_812_279_601, 1_441_812_280_608)
        );

        let abs = parse(
            &format!("{start}\n1441812280.000,1.000,0.001,{b}\n"),
            TimeUnit::Us,
        );
        assert_eq!(abs.unwrap().intervals[0].start_ms, 1_441_812_280_000);

        let go = parse(
            &format!("#[Basetime: 1000 (seconds since epoch)]\n2.5,1,0.001,{b}\n"),
            TimeUnit::Us,
        );
        assert_eq!(go.unwrap().intervals[0].start_ms, 1_002_500);

        // BaseTime 0 with relative stamps would mean 1970: read relative to StartTime.
        let zero = parse(
            &format!("{start}\n#[BaseTime: 0.000]\n1.000,1.000,0.001,{b}\n"),
            TimeUnit::Us,
        );
        assert_eq!(zero.unwrap().intervals[0].start_ms, 1_441_812_280_474);

        let none = parse(&format!("1.000,2.000,0.001,{b}\n"), TimeUnit::Us).unwrap();
        assert_eq!(
            (none.intervals[0].start_ms, none.intervals[0].end_ms),
            (1000, 3000)
        );

        // The C writer's end-time column.
        let lines: String = (0..4)
            .map(|i| format!("{i}.000,{}.000,0.001,{b}\n", i + 1))
            .collect();
        let c = parse(&lines, TimeUnit::Us).unwrap();
        let spans: Vec<_> = c
            .intervals
            .iter()
            .map(|iv| (iv.start_ms, iv.end_ms))
            .collect();
        assert_eq!(spans, [(0, 1000), (1000, 2000), (2000, 3000), (3000, 4000)]);
        let c_abs = parse(
            &format!("1403476110.183 1403476115.187 1.0 {b}\n"),
            TimeUnit::Us,
        )
        .unwrap();
        assert_eq!(
            c_abs.intervals[0].end_ms - c_abs.intervals[0].start_ms,
            5004
        );
    }

    #[test]
    fn tags_become_endpoint_keys() {
        let b = v2_blob(&[(1000, 1)]);
        let text = format!(
            "Tag=GET%20/a%2Cb,0,1,0.001,{b}\nTag=A,0,1,0.001,{b}\nTag=get%20x,0,1,0.001,{b}\n\
             Tag=50%25%20off,0,1,0.001,{b}\n0,1,0.001,{b}\n"
        );
        let keys: Vec<_> = parse(&text, TimeUnit::Us)
            .unwrap()
            .intervals
            .into_iter()
            .map(|iv| iv.key)
            .collect();
        assert_eq!(
            keys,
            [
                EndpointKey::new(Some("GET"), "/a,b"),
                EndpointKey::new(None, "A"),
                EndpointKey::new(None, "get x"),
                EndpointKey::new(None, "50% off"),
                EndpointKey::new(None, "latency"),
            ]
        );
        for key in &keys {
            assert_eq!(&tag_to_key(&encode_tag(key)), key);
        }
        assert_eq!(percent_decode("100%zz%4"), "100%zz%4");
    }

    #[test]
    fn malformed_lines_are_line_numbered_problems() {
        let good = v2_blob(&[(1000, 1)]);
        let raw = STANDARD.decode(&good).unwrap();
        let cases = [
            ("0.1,1.0,0.001,HIST@@@@".to_string(), "bad base64"),
            ("0.1,1.0,0.001,AAAAAAAAAAA=".to_string(), "bad cookie"),
            (
                format!("0.1,1.0,0.001,{}", STANDARD.encode(&raw[..20])),
                "truncated blob",
            ),
            (
                format!("abc,1.0,0.001,{good}"),
                "non-numeric start timestamp `abc`",
            ),
            (format!("0.1,1.0,{good}"), "expected 4 fields"),
            (
                "0,1,1,DHISTwAAAAMAAAAAAAAAAA==".to_string(),
                "DoubleHistogram encoding",
            ),
            (format!("0.1,-1.0,0.001,{good}"), "negative interval length"),
            ("#[StartTime: soon]".to_string(), "StartTime comment"),
            ("#[unit: parsecs]".to_string(), "unknown time unit"),
        ];
        for (line, reason) in cases {
            let text = format!("#[Histogram log format version 1.3]\n0,1,0.001,{good}\n{line}\n");
            let p = parse(&text, TimeUnit::Us).unwrap_err();
            assert_eq!(p.line, Some(3), "{line}");
            assert!(p.reason.contains(reason), "{line}: {}", p.reason);
            assert_eq!(p.path, path());
        }
        for empty in [
            "",
            "#[Histogram log format version 1.3]\n\"StartTimestamp\",\"x\"\n",
        ] {
            let p = parse(empty, TimeUnit::Us).unwrap_err();
            assert_eq!(
                (p.line, p.reason.as_str()),
                (None, "no histogram intervals")
            );
        }
        let dbl = {
            let mut b = STANDARD.decode(v1_blob(&SAMPLE_US, 1, 8, false)).unwrap();
            b[32..40].copy_from_slice(&0.001f64.to_bits().to_be_bytes());
            STANDARD.encode(b)
        };
        let p = parse(&format!("0,1,1,{dbl}\n"), TimeUnit::Us).unwrap_err();
        assert!(p.reason.contains("DoubleHistogram"), "{}", p.reason);
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = Rng(42);
        for len in 0..400 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = parse_hlog(&path(), &bytes, TimeUnit::Ns);
            let line = format!("0.1,1.0,1.0,HIST{}\n", STANDARD.encode(&bytes));
            let _ = parse(&line, TimeUnit::Ns);
        }
        // Corrupt valid encodings of every version, plain and recompressed.
        let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).unwrap();
        for &(v, c) in &SAMPLE_US {
            h.record_n(v, c).unwrap();
        }
        let mut v2 = Vec::new();
        V2Serializer::new().serialize(&h, &mut v2).unwrap();
        let v1 = STANDARD.decode(v1_blob(&SAMPLE_US, 1, 4, false)).unwrap();
        let v0 = STANDARD.decode(v0_blob(&SAMPLE_US, 1, false)).unwrap();
        for plain in [v2, v1, v0] {
            for _ in 0..1500 {
                let mut b = plain.clone();
                for _ in 0..1 + rng.next() % 4 {
                    let i = (rng.next() as usize) % b.len();
                    b[i] = rng.next() as u8;
                }
                if rng.next().is_multiple_of(4) {
                    b.truncate((rng.next() as usize) % b.len());
                }
                let cookie = be_u32(&b, 0).unwrap_or(0);
                for blob in [b.clone(), wrap_compressed(cookie.wrapping_add(1), &b)] {
                    let line = format!("0.1,1.0,1.0,{}\n", STANDARD.encode(&blob));
                    let _ = parse(&line, TimeUnit::Ns);
                }
            }
        }
    }

    #[test]
    fn detects_hlog_heads() {
        assert!(looks_like_hlog(
            "#[Logged with x]\n#[Histogram log format version 1.2]\n"
        ));
        assert!(looks_like_hlog("Tag=A,0.127,1.007,2.769,HISTFAAAAEV42"));
        assert!(looks_like_hlog("\u{feff}0.127,1.007,2.769,HISTFAAAAEV42"));
        assert!(!looks_like_hlog("Tag=,0.127,1.007,2.769,HISTFAAAAEV42"));
        assert!(!looks_like_hlog("timeStamp,elapsed,label\n1,2,x,HIST"));
        assert!(!looks_like_hlog("0.127,1.007,HISTFAAAAEV42"));
    }

    /// Reads the real logs in the shared samples. Totals for the V0 and V1 jHiccup
    /// files are the ones HdrHistogram's own reader test asserts for the same files.
    #[test]
    #[ignore]
    fn reads_shared_hlog_samples() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/hdrhistogram");
        let mut files = Vec::new();
        let mut dirs = vec![dir];
        while let Some(d) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "hlog") {
                    files.push(p);
                }
            }
        }
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            match read_hlog(&file, TimeUnit::Ns) {
                Ok(log) => {
                    assert!(!log.intervals.is_empty());
                    let mut all = new_histogram();
                    for iv in &log.intervals {
                        all.add(&iv.histogram).unwrap();
                    }
                    let first = log.intervals.first().map(|iv| iv.start_ms).unwrap_or(0);
                    let last = log.intervals.last().map(|iv| iv.end_ms).unwrap_or(0);
                    println!(
                        "{name}: version {:?}, {} intervals, {} values, p99.9 {} us, max {} us, \
                         span {first}..{last} ms, warnings {:?}",
                        log.format_version,
                        log.intervals.len(),
                        all.len(),
                        all.value_at_quantile(0.999),
                        all.max(),
                        log.warnings
                    );
                    // HdrHistogram's test figures (ns): total, p99.9, max.
                    let expected = match name.as_str() {
                        "jHiccup-2.0.1.logV0.hlog" => Some((61_256, 1_510_998_015, 1_569_718_271)),
                        "jHiccup-2.0.6.logV1.hlog" => Some((65_964, 1_829_765_119, 1_888_485_375)),
                        _ => None,
                    };
                    if let Some((count, p999_ns, max_ns)) = expected {
                        assert_eq!(all.len(), count, "{name}");
                        // Java accumulates each source bucket at its lowest value, this
                        // reader at its highest; these logs hold 2-digit histograms whose
                        // buckets are up to 1/128 wide, hence the 1 % allowance upwards.
                        for (ours, ns) in
                            [(all.value_at_quantile(0.999), p999_ns), (all.max(), max_ns)]
                        {
                            let java = ns as f64 / 1000.0;
                            let ours = ours as f64;
                            assert!(
                                ours >= java * 0.999 && ours <= java * 1.01,
                                "{name}: {ours} vs {java}"
                            );
                        }
                    }
                    assert!(log.warnings.is_empty(), "{name}: {:?}", log.warnings);
                    // Read as µs, every max is 1000 times too large for its column.
                    let wrong = read_hlog(&file, TimeUnit::Us).unwrap();
                    assert!(
                        wrong.warnings[0].contains("look like ns"),
                        "{:?}",
                        wrong.warnings
                    );
                }
                Err(p) => {
                    println!("{name}: {p}");
                    assert!(
                        p.reason.contains("encoding") || p.reason.contains("cookie"),
                        "{p}"
                    );
                }
            }
        }
    }

    #[test]
    fn failures_comments_attach_to_their_interval() {
        let mut h = new_histogram();
        h.record(1500).unwrap();
        h.record(2500).unwrap();
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&h, &mut bytes)
            .unwrap();
        let blob = STANDARD.encode(bytes);
        let log = format!(
            "#[StartTime: 1700000000.000 (seconds since epoch)]\n#[unit: us]\n\
             Tag=GET%20/a,1.000,1.000,0.003,{blob}\n\
             #[failures: Tag=GET%20/a,1.000,status:503=1;timeout=1]\n"
        );
        let f = parse_hlog(Path::new("x.hlog"), log.as_bytes(), TimeUnit::Ns).unwrap();
        assert_eq!(
            f.intervals[0].failures,
            vec![(FailureKind::Status(503), 1), (FailureKind::Timeout, 1)]
        );
        let bad = "#[failures: Tag=GET%20/a,1.000,status:503=x]\n";
        assert_eq!(
            parse_hlog(Path::new("x.hlog"), bad.as_bytes(), TimeUnit::Ns)
                .unwrap_err()
                .line,
            Some(1)
        );
    }
}
