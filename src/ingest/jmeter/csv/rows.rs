//! The JMeter CSV read pipeline: rows of the whole file, or of one byte range of it
//! on its own thread, parsed into samples (fields borrowed from one reused record
//! checked as UTF-8 once a row, numbers read as bytes) and handed on as observations.

use crate::model::untrusted::Shown;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::ingest::chunks::{self, CountSlot, Range};
use crate::ingest::jmeter::engines::{self, Engines};
use crate::ingest::line_records::LineRecords;
/// One byte range of a JMeter CSV JTL, read on its own thread.
struct JmeterPart {
    path: PathBuf,
    layout: Layout,
    range: Range,
    /// The controllers whose rows are parents without children (`parents.rs`).
    childless: Option<Arc<BTreeSet<String>>>,
    /// Where this part's counts go.
    counts: CountSlot<Counts>,
}

impl Replay for JmeterPart {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        self.counts.put(read_rows(
            &self.path,
            &self.layout,
            Some(&self.range),
            self.childless.as_deref(),
            visit,
        )?);
        Ok(())
    }
}

/// True when a line may start a part: it is not a sub-result (`label-N`), which must
/// follow its parent in the same reader.
fn starts_part(layout: &Layout, line: &[u8]) -> bool {
    let Some(at) = layout.at(LABEL) else {
        return true;
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(layout.delimiter)
        .flexible(true)
        .from_reader(line);
    let mut record = csv::ByteRecord::new();
    if !matches!(reader.read_byte_record(&mut record), Ok(true)) {
        return false;
    }
    let Some(label) = record.get(at).map(<[u8]>::trim_ascii) else {
        return false;
    };
    !sub_result_label(label)
}

/// Reads the rows of the file, or of one range of it, into `visit`.
fn read_rows(
    path: &Path,
    l: &Layout,
    range: Option<&Range>,
    childless: Option<&BTreeSet<String>>,
    visit: &mut dyn FnMut(Observation<'_>),
) -> Result<Counts, Problem> {
    let input = match range {
        Some(r) => chunks::open(path, r)?,
        None => open_decompressed(path)?,
    };
    let mut reader = LineRecords::new(
        input,
        l.delimiter,
        l.header && range.is_none_or(Range::first),
    );
    let mut counts = Counts::default();
    let mut subs = SubResults::default();
    let mut engines = Engines::default();
    // A bad row is malformed unless it is the last one (a run killed mid-write).
    let mut pending_error: Option<Problem> = None;
    loop {
        match reader.advance() {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(problem(path, None, format!("unreadable row: {e}"))),
        }
        let record = &reader;
        if let Some(p) = pending_error.take() {
            visit(Observation::Malformed(p));
        }
        let line = chunks::line_in_file(range, record.line());
        if record.len() == 1 && record.get(0).is_some_and(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        match parse_row(record, l, path, line) {
            Ok(sample) => {
                counts.rows += 1;
                counts.dated |= sample.0;
                let s = sample.1;
                let thread = field(record, l.at(THREAD_NAME)).unwrap_or("");
                let transaction = is_transaction(s.response_message, s.url, s.data_type);
                match subs.role(s.label, thread, transaction) {
                    Role::Included => continue,
                    Role::Sample | Role::TransactionChild => {}
                }
                s.count_ok_server_error(&mut counts.ok_server_errors);
                let mut obs = s.observation();
                if let Observation::Request(ev) | Observation::Transaction(ev) = &mut obs {
                    ev.line = Some(line);
                    ev.users = engines.users(thread, ev.users);
                }
                if let Observation::Transaction(ev) = obs {
                    let key = || super::parents::key(thread, s.label);
                    if childless.is_some_and(|c| c.contains(&key())) {
                        // A parent whose requests the file lacks: one sample.
                        counts.parents += 1;
                        obs = Observation::Request(ev);
                    } else {
                        counts.transactions += 1;
                        obs = Observation::Transaction(ev);
                    }
                }
                if s.elapsed_ms.is_none() && l.at(ELAPSED).is_some() {
                    counts.no_elapsed += 1;
                }
                visit(obs);
            }
            Err(p) => pending_error = Some(repeated_header(record, l, p)),
        }
    }
    if let Some(p) = pending_error {
        if range.is_none_or(|r| r.last) {
            counts.truncated_last_line = p.line;
        } else {
            visit(Observation::Malformed(p));
        }
    }
    counts.subresults = subs.dropped;
    counts.engines = engines.count();
    if counts.rows == 0 && range.is_none() {
        return Err(problem(path, Some(1), "no sample rows"));
    }
    Ok(counts)
}

impl Replay for JmeterCsv {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        let childless = self.childless.as_deref();
        let counts = read_rows(&self.path, &self.layout, None, childless, visit)?;
        *self.counts.borrow_mut() = counts;
        *self.parts.borrow_mut() = None;
        Ok(())
    }

    fn split(&self, parts: usize) -> Vec<Box<dyn Replay + Send>> {
        let body = if self.layout.header {
            match chunks::header_end(&self.path) {
                Some(b) => b,
                None => return Vec::new(),
            }
        } else {
            0
        };
        let layout = &self.layout;
        chunks::counted_parts(
            &self.path,
            parts,
            body,
            chunks::Quoting::Csv,
            &|_, line| starts_part(layout, line),
            &self.parts,
            |range, counts| {
                Box::new(JmeterPart {
                    path: self.path.clone(),
                    layout: self.layout.clone(),
                    range,
                    childless: self.childless.clone(),
                    counts,
                })
            },
        )
    }

    fn timed(&self) -> bool {
        self.layout.at(TIMESTAMP).is_some()
    }

    fn version_hint(&self) -> Option<String> {
        let l = &self.layout;
        let delimiter = match l.delimiter {
            b',' => String::new(),
            b'\t' => ", tab-delimited".into(),
            d => format!(", `{}`-delimited", d as char),
        };
        Some(if l.header {
            format!("JMeter CSV JTL, {} columns{delimiter}", l.width)
        } else if l.inferred {
            format!(
                "JMeter CSV JTL without header, {} columns{delimiter}; recognised by their \
                 values: {}",
                l.width,
                l.column_names().join(", ")
            )
        } else {
            let version = if l.width == 12 { "2.x" } else { "3.1+" };
            format!(
                "JMeter CSV JTL without header, JMeter {version}'s {} default columns{delimiter}",
                l.width
            )
        })
    }

    fn ok_server_errors(&self) -> BTreeMap<String, u64> {
        self.last_counts().ok_server_errors
    }

    fn stopped_early(&self) -> Option<String> {
        let line = self.last_counts().truncated_last_line?;
        Some(format!(
            "{}: the JTL's last row (line {line}) is cut mid-write: JMeter was killed or is \
             still writing the file, so its results stop before the run's end",
            self.path.shown()
        ))
    }

    fn warnings(&self) -> Vec<String> {
        let c = self.last_counts();
        ok_server_errors_warning(c.ok_server_errors.values().sum(), c.rows)
    }

    fn notes(&self) -> Vec<String> {
        let c = self.last_counts();
        let mut notes: Vec<String> = self.dates_note.iter().cloned().collect();
        if c.subresults > 0 {
            notes.push(format!(
                "{} sub-result row(s) (`label-N`) left out: their parent samples include them",
                c.subresults
            ));
        }
        if c.parents > 0 {
            notes.push(format!(
                "{} Transaction Controller row(s) of {} controller(s) are \"Generate parent \
                 sample\" parents whose requests the JTL does not hold (not after their \
                 children, as a default-mode controller's row is): each read as one request, \
                 as JMeter's own reports count it (save sub-results, JMeter 5+, to see the \
                 requests)",
                c.parents,
                self.childless.as_ref().map_or(0, |c| c.len())
            ));
        }
        if c.transactions > 0 {
            notes.push(format!(
                "{} Transaction Controller row(s) kept as transaction endpoints, not counted \
                 as requests",
                c.transactions
            ));
        }
        if c.no_elapsed > 0 {
            notes.push(format!(
                "{} sample row(s) with an empty `elapsed`: counted as requests (and their \
                 failures), left out of every latency figure",
                c.no_elapsed
            ));
        }
        if c.dated {
            notes
                .push("timeStamp is a formatted date without a time zone: read as UTC".to_string());
        }
        if !self.timed() {
            notes.push("no timeStamp column: the time span and throughput are unknown".into());
        }
        if c.engines > 1 {
            notes.push(engines::note(c.engines));
        }
        if let Some(line) = c.truncated_last_line {
            notes.push(format!(
                "the last row (line {line}) is incomplete (run stopped while writing?): left out"
            ));
        }
        notes
    }
}

/// The problem of a row that is JMeter's header again (`-l` appends a rerun to an
/// existing file, header and all): said as such, not as a bad value.
fn repeated_header<R: std::io::BufRead>(
    record: &LineRecords<R>,
    l: &Layout,
    mut p: Problem,
) -> Problem {
    let is_name = |c: usize| field(record, l.at(c)).is_some_and(|f| f == COLUMNS[c]);
    if l.header && (is_name(TIMESTAMP) || is_name(LABEL)) {
        p.reason = "JMeter's header again: another run was appended to this file (`jmeter -l` \
                    appends to an existing JTL; `-f` overwrites it), so the rows before and \
                    after this line are two runs, read here as one; give each run its own \
                    file (split it at this line)"
            .into();
    }
    p
}

pub(super) fn field<R: std::io::BufRead>(
    record: &LineRecords<R>,
    at: Option<usize>,
) -> Option<&str> {
    let text = record.get_str(at?)?.ok()?;
    Some(trimmed(trim_plain(text, 1)))
}

/// `s` (its ASCII whitespace already trimmed) as `str::trim` leaves it: only a
/// non-ASCII end can still be Unicode whitespace.
fn trimmed(s: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_none_or(u8::is_ascii);
    if plain(s.as_bytes().first()) && plain(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// A row as a sample; the flag says the timestamp was a formatted date.
pub(super) fn parse_row<'r, R: std::io::BufRead>(
    record: &'r LineRecords<R>,
    l: &Layout,
    path: &Path,
    line: u64,
) -> Result<(bool, Sample<'r>), Problem> {
    let bad = |why: String| problem(path, Some(line), why);
    if let Some(max) = l.positions.iter().flatten().max() {
        if record.len() <= *max {
            return Err(bad(format!(
                "row has {} fields, the layout needs {}",
                record.len(),
                max + 1
            )));
        }
    }
    let text = |c: usize| -> Result<Option<&'r str>, Problem> {
        match l.at(c) {
            None => Ok(None),
            Some(i) => match record.get_str(i) {
                None => Ok(None),
                // A headerless file's first field may carry the UTF-8 BOM.
                Some(text) => text
                    .map(|s| trim_plain(s, i))
                    .map(|s| {
                        Some(if i == 0 {
                            s.trim_start_matches('\u{feff}').trim()
                        } else {
                            trimmed(s)
                        })
                    })
                    .or_else(|_| {
                        // Labels in a legacy code page: keep the row, lose the name.
                        if c == LABEL || c == THREAD_NAME || c == RESPONSE_MESSAGE {
                            Ok(Some("(non-UTF-8 text)"))
                        } else {
                            Err(bad(format!("`{}` is not UTF-8", COLUMNS[c])))
                        }
                    }),
            },
        }
    };
    let number = |c: usize| -> Result<Option<f64>, Problem> {
        if let Some(n) = l.at(c).and_then(|i| record.get(i)).and_then(digits) {
            return Ok(Some(n as f64));
        }
        match text(c)? {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .map(Some)
                .ok_or_else(|| bad(format!("`{}` is not a number: `{v}`", COLUMNS[c]))),
        }
    };
    let epoch = l.at(TIMESTAMP).and_then(|i| record.get(i)).and_then(digits);
    let (t_ms, dated) = match epoch {
        Some(t) => (Some(t as i64), false),
        None => match text(TIMESTAMP)? {
            None => (None, false),
            Some(v) => {
                let t = dates::parse_timestamp_in(v, l.day_order).ok_or_else(|| {
                    if crate::ingest::generic_clock::rounded_by_a_spreadsheet(v) {
                        return bad(crate::ingest::generic_clock::rounded_reason(v));
                    }
                    bad(format!(
                        "bad timeStamp `{v}`: want epoch ms or a date like 2024/05/01 12:00:00.000"
                    ))
                })?;
                (Some(t), !v.bytes().all(|b| b.is_ascii_digit()))
            }
        },
    };
    let success = match text(SUCCESS)? {
        None => None,
        Some(v) if v.eq_ignore_ascii_case("true") => Some(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Some(false),
        Some(v) => return Err(bad(format!("bad success `{v}`: want true or false"))),
    };
    let users = match number(ALL_THREADS)? {
        Some(u) => Some(u),
        None => number(GRP_THREADS)?,
    };
    Ok((
        dated,
        Sample {
            t_ms,
            elapsed_ms: number(ELAPSED)?,
            label: text(LABEL)?.unwrap_or(""),
            response_code: text(RESPONSE_CODE)?.unwrap_or(""),
            response_message: text(RESPONSE_MESSAGE)?.unwrap_or(""),
            success,
            failure_message: text(FAILURE_MESSAGE)?.unwrap_or(""),
            url: text(URL)?,
            data_type: text(DATA_TYPE)?,
            users,
            bytes: number(BYTES)?.map(|b| b as u64),
        },
    ))
}

/// An integer field (digits only, at most 15 of them: exact as `f64` and `i64`), as
/// `str::parse` would read it after trimming; `None` for anything else.
fn digits(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() || raw.len() > 15 {
        return None;
    }
    // A 13-digit epoch in ms starts with eight digits read at once.
    let (head, rest) = match raw.split_first_chunk::<8>() {
        Some((eight, rest)) => (eight_digits(*eight)?, rest),
        None => (0, raw),
    };
    rest.iter().try_fold(head, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
    })
}

/// Eight ASCII digits as their number, in a few word operations (SWAR); `None` unless
/// every byte is a digit.
fn eight_digits(bytes: [u8; 8]) -> Option<u64> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let word = u64::from_le_bytes(bytes);
    // Every byte in 0x30..=0x39: its high nibble is 3, and adding 6 keeps it 3.
    let high = 0xF0F0_F0F0_F0F0_F0F0;
    let digits = word & high == ZEROS && (word + 0x0606_0606_0606_0606) & high == ZEROS;
    if !digits {
        return None;
    }
    // The first byte is the most significant digit: pair, then quad, then all eight.
    let v = word - ZEROS;
    let v = (v * 10 + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    let v = (v * 100 + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((v * 10_000 + (v >> 32)) & 0xFFFF_FFFF)
}

/// `text` without the ASCII whitespace `str::trim` would remove (which keeps any
/// non-ASCII ends for `str::trim` to judge); field 0 is left whole (it may start
/// with a byte order mark, trimmed after it).
fn trim_plain(text: &str, i: usize) -> &str {
    if i == 0 {
        return text;
    }
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    let raw = text.as_bytes();
    let start = raw.iter().position(|b| !space(b)).unwrap_or(raw.len());
    let end = raw.iter().rposition(|b| !space(b)).map_or(start, |e| e + 1);
    // Cut at ASCII bytes (or the ends): char boundaries.
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::digits;

    /// Digits read eight at a time give `str::parse`'s number, and anything but
    /// digits in any place is refused.
    #[test]
    fn digits_as_str_parse_reads_them() {
        let mut cases: Vec<String> = ["0", "7", "12345678", "99999999", "1717199999751"]
            .map(String::from)
            .to_vec();
        cases.extend(["999999999999999", "000000001", "1234567890123456"].map(String::from));
        let mut seed = 11u64;
        for len in 1..=16 {
            for _ in 0..50 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                let text: String = (0..len)
                    .map(|i| char::from(b'0' + ((seed >> (i * 3 % 60)) % 10) as u8))
                    .collect();
                cases.push(text);
            }
        }
        for text in &cases {
            let want = (text.len() <= 15)
                .then(|| text.parse::<u64>().ok())
                .flatten();
            assert_eq!(digits(text.as_bytes()), want, "{text}");
            for at in 0..text.len() {
                for bad in [b'/', b':', b' ', b'a', b'\xff', b'-'] {
                    let mut raw = text.as_bytes().to_vec();
                    raw[at] = bad;
                    assert_eq!(digits(&raw), None, "{raw:?}");
                }
            }
        }
        assert_eq!(digits(b""), None);
    }
}
