//! Reading an interval log's text: header comments (`StartTime`, `BaseTime`, the
//! format version, headroom's `#[unit: …]`), interval lines `[Tag=t,]start,length,
//! max,blob` (commas or whitespace), headroom's `#[failures: …]` comments, and the
//! timestamp conventions where writers disagree (relative vs absolute, the C
//! writer's end-time column). Each interval ends up as an exact histogram in
//! **microseconds** with the model's precision, whatever the writer's unit.

use std::collections::HashMap;

use hdrhistogram::Histogram;

use super::decode::{decode_blob, RawHist};
use super::{tag_to_key, FAILURES_PREFIX, TAG_PREFIX, VERSION_COMMENT};
use crate::model::{EndpointKey, FailureKind, TimeUnit};

/// The Java reader's rule: timestamps more than a year before StartTime are relative.
const YEAR_S: f64 = 365.0 * 24.0 * 3600.0;

/// An interval log, decoded.
#[derive(Clone, Debug)]
pub struct DecodedLog {
    /// `#[Histogram log format version X]`, when present.
    pub format_version: Option<String>,
    /// Unit the values were read in: the caller's, else the log's `#[unit: …]`
    /// comment, else ns.
    pub unit: TimeUnit,
    /// The unit the log's `#[unit: …]` comment states, when it has one.
    pub declared_unit: Option<TimeUnit>,
    /// Intervals in file order.
    pub intervals: Vec<HlogInterval>,
    /// Doubts that did not stop the read (e.g. a unit that disagrees with `Interval_Max`).
    pub warnings: Vec<String>,
    /// The unit the values look like when the `Interval_Max` column contradicts
    /// [`DecodedLog::unit`] on at least half the lines it can be checked on, and that
    /// other unit explains each of them: the latencies as read are then likely off by
    /// a factor of 1,000 or more.
    pub unit_doubt: Option<TimeUnit>,
    /// The log's last line when it cannot be read but intervals precede it (a log cut
    /// mid-line): those intervals are kept, and this says what was wrong with the line.
    pub cut: Option<LogError>,
}

/// Why a log could not be decoded: at which line (1-based), when one is to blame.
#[derive(Clone, Debug)]
pub struct LogError {
    /// The line at fault.
    pub line: Option<u64>,
    /// What is wrong with it.
    pub reason: String,
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
    /// Latencies in µs, [`HIST_SIGFIG`](crate::model::HIST_SIGFIG) digits, auto-resizing.
    pub histogram: Histogram<u64>,
    /// Failures among the interval's requests, from headroom's own
    /// `#[failures: Tag=…,<start>,<kind>=<n>;…]` comments (empty for other writers,
    /// whose logs cannot say which requests failed).
    pub failures: Vec<(FailureKind, u64)>,
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

/// Decodes an interval log's text; untagged intervals are the endpoint `stem` (the
/// file's). The values are read in `unit` when given (the caller's option wins over
/// the log), else in the unit of headroom's `#[unit: …]` comment, else in ns. The first line that cannot be read stops the decoding — unless it is the
/// last interval line after whole ones (a log cut mid-line): then those are kept and
/// the line is [`DecodedLog::cut`].
pub fn decode_log(text: &str, stem: &str, unit: Option<TimeUnit>) -> Result<DecodedLog, LogError> {
    let mut header = Header::default();
    let mut lines = Vec::new();
    let mut cut = None;
    let last = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .last()
        .map(|(i, _)| i);
    let mut failures: HashMap<(EndpointKey, i64), Vec<(FailureKind, u64)>> = HashMap::new();
    for (idx, raw) in text.lines().enumerate() {
        let n = idx as u64 + 1;
        let line = raw.trim_start_matches('\u{feff}').trim();
        let bad = |reason: String| LogError {
            line: Some(n),
            reason,
        };
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix(FAILURES_PREFIX) {
            let (key, col1_ms, kinds) = read_failures(rest, stem).map_err(bad)?;
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
        match read_interval_line(line, n, stem) {
            Ok(l) => lines.push(l),
            Err(e) if Some(idx) == last && !lines.is_empty() => cut = Some(bad(e)),
            Err(e) => return Err(bad(e)),
        }
    }
    if lines.is_empty() {
        return Err(LogError {
            line: None,
            reason: "no histogram intervals".into(),
        });
    }

    let declared_unit = header.unit;
    let unit = unit.or(declared_unit).unwrap_or(TimeUnit::Ns);
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
    let unit_doubt = check.doubt();
    let warnings = check.into_warning(unit).into_iter().collect();
    Ok(DecodedLog {
        format_version: header.version,
        unit,
        declared_unit,
        intervals,
        warnings,
        unit_doubt,
        cut,
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
    let key = match tag.strip_prefix(TAG_PREFIX) {
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
    } else if lower.starts_with(&VERSION_COMMENT.to_ascii_lowercase()) {
        // ASCII lower-casing keeps byte offsets, so the prefix length applies to `line`.
        let v = line[VERSION_COMMENT.len()..]
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
    let tag = fields.first().and_then(|f| f.strip_prefix(TAG_PREFIX));
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
    /// Lines with a value to check.
    checked: usize,
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
        self.checked += 1;
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

    /// The unit that explains every disagreeing line, when they are at least half the
    /// lines checked (see [`DecodedLog::unit_doubt`]).
    fn doubt(&self) -> Option<TimeUnit> {
        if self.bad_lines == 0 || self.bad_lines * 2 < self.checked {
            return None;
        }
        UNITS
            .iter()
            .zip(self.fits)
            .find(|(_, fits)| *fits == self.bad_lines)
            .map(|((u, _), _)| *u)
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
