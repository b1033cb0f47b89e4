//! JMeter JTL, CSV form (one sample a row, the columns JMeter's save service chose),
//! streamed row by row from disk.
//!
//! * **Columns** are found by header name, in any subset and order, with any of the
//!   delimiters JMeter allows (`,`, tab, `;`, `|`, sniffed from the first line).
//!   A headerless file (`print_field_names=false`) with JMeter's 17 default columns
//!   (3.1 and later), or 2.x's 12 (2.13 writes no header by default), is read in
//!   that default order; with another column count, each field is matched
//!   to the fixed save-service order by what its values look like (a 13-digit epoch,
//!   `true`/`false`, `text`/`bin`, a URL…), and a column is used only when every
//!   consistent matching puts it in the same place.
//! * **Sub-results** (`label-N` rows written right after their parent by the same
//!   thread: redirects, embedded resources) are left out: the parent's time and
//!   bytes already include them. The children of a Transaction Controller in
//!   "generate parent sample" mode are the real samples, so those are kept.
//! * **Transaction Controller rows** (`Number of samples in transaction …`, or URL
//!   `null` with an empty data type) become transaction endpoints, left out of totals;
//!   but a "generate parent sample" controller's rows whose children the file lacks
//!   (a CSV JTL of JMeter before 5.0) are the samples, read as requests (`parents.rs`).
//! * `timeStamp` is epoch ms or a formatted date (read as UTC: JMeter writes local
//!   time without a zone); rows out of time order are fine. `allThreads` (else
//!   `grpThreads`) is the users series that stages are detected from.
//!
//! The rules that decide what one row means are shared with the XML form
//! ([`Sample::observation`]).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::ingest::adapters::open_decompressed;
use crate::ingest::chunks;
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::{problem, Format, Observation, Replay, RequestEvent};
use crate::model::{FailureKind, Problem};

/// JMeter JTL, CSV form (any columns, any delimiter, with or without header).
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::JmeterCsv,
    name: "jmeter-csv",
    tool: "jmeter",
    sniff: Sniff::Content(|h| sniff(h.text).is_some()),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(JmeterCsv::open(p)?))),
    splittable: true,
    notes: &[],
    detected_by:
        "CSV with JMeter column names (timeStamp, elapsed, label, …) or a headerless JTL row",
    example: "jmeter -n -t plan.jmx -l results.jtl",
};

mod dates;
mod parents;
mod rows;

pub use self::dates::parse_timestamp;
use self::dates::DayOrder;

/// JMeter's save-service columns, in the fixed order the CSV writer uses.
const COLUMNS: [&str; 22] = [
    "timeStamp",
    "elapsed",
    "label",
    "responseCode",
    "responseMessage",
    "threadName",
    "dataType",
    "success",
    "failureMessage",
    "bytes",
    "sentBytes",
    "grpThreads",
    "allThreads",
    "URL",
    "Filename",
    "Latency",
    "Encoding",
    "SampleCount",
    "ErrorCount",
    "Hostname",
    "IdleTime",
    "Connect",
];

/// JMeter's default columns (indexes into [`COLUMNS`]): what a headerless file holds
/// unless the save-service properties were changed. 3.1 and later (17); 2.x (12:
/// JMeter 2.13, Debian's, writes no header by default, and no failureMessage,
/// sentBytes, URL, IdleTime or Connect).
const DEFAULT_COLUMNS: [&[usize]; 2] = [
    &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 20, 21],
    &[0, 1, 2, 3, 4, 5, 6, 7, 9, 11, 12, 15],
];

/// Column indexes in [`COLUMNS`] of the fields the adapter uses.
const TIMESTAMP: usize = 0;
const ELAPSED: usize = 1;
const LABEL: usize = 2;
const RESPONSE_CODE: usize = 3;
const RESPONSE_MESSAGE: usize = 4;
const THREAD_NAME: usize = 5;
const DATA_TYPE: usize = 6;
const SUCCESS: usize = 7;
const FAILURE_MESSAGE: usize = 8;
const BYTES: usize = 9;
const GRP_THREADS: usize = 11;
const ALL_THREADS: usize = 12;
const URL: usize = 13;

/// Where each known column sits in a row (by index into `COLUMNS`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Field delimiter.
    pub delimiter: u8,
    /// True when the first line is a header.
    pub header: bool,
    /// For each of [`COLUMNS`], its field index in a row.
    positions: [Option<usize>; 22],
    /// Fields per row (headerless files) or header cells.
    pub width: usize,
    /// True when a headerless file's columns were matched by their values.
    pub inferred: bool,
    /// The order of day and month in its short `timeStamp` dates (see `dates.rs`).
    day_order: DayOrder,
}

impl Layout {
    fn at(&self, column: usize) -> Option<usize> {
        self.positions[column]
    }

    /// The field index of `timeStamp`, when the file has that column.
    pub fn timestamp_field(&self) -> Option<usize> {
        self.at(TIMESTAMP)
    }

    /// Names of the columns found, in row order.
    pub fn column_names(&self) -> Vec<&'static str> {
        let mut found: Vec<(usize, &'static str)> = self
            .positions
            .iter()
            .enumerate()
            .filter_map(|(c, p)| p.map(|p| (p, COLUMNS[c])))
            .collect();
        found.sort();
        found.into_iter().map(|(_, n)| n).collect()
    }
}

/// The layout of a JMeter CSV JTL from its first bytes, or `None` when the text is
/// not one.
pub fn sniff(text: &str) -> Option<Layout> {
    let first = text.lines().next()?;
    for delimiter in [b',', b'\t', b';', b'|'] {
        if let Some(layout) = header_layout(first, delimiter) {
            return Some(layout);
        }
    }
    // Headerless: the sample rows decide. The head may end inside a line: leave the
    // last one out when there are enough others.
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() > 2 {
        lines.pop();
    }
    lines.truncate(50);
    [b',', b'\t', b';', b'|']
        .into_iter()
        .filter_map(|d| headerless_layout(&lines, d))
        .max_by_key(|l| l.width)
}

fn split_line(line: &str, delimiter: u8) -> Vec<String> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

/// A header line: JMeter's column names (variables, which JMeter quotes, may follow).
fn header_layout(line: &str, delimiter: u8) -> Option<Layout> {
    let cells = split_line(line.trim_start_matches('\u{feff}'), delimiter);
    let known = |c: &str| COLUMNS.iter().position(|n| *n == c.trim());
    // The first cell is always one of JMeter's (variables come last).
    known(cells.first()?)?;
    let mut positions = [None; 22];
    let mut count = 0;
    for (i, cell) in cells.iter().enumerate() {
        if let Some(c) = known(cell) {
            positions[c].get_or_insert(i);
            count += 1;
        }
    }
    let has = |c: usize| positions[c].is_some();
    let enough = count >= 3 && (has(LABEL) || has(TIMESTAMP) && has(ELAPSED));
    enough.then_some(Layout {
        delimiter,
        header: true,
        positions,
        width: cells.len(),
        inferred: false,
        day_order: DayOrder::MonthFirst,
    })
}

/// What a value of each column can look like (for headerless files).
fn fits(column: usize, v: &str) -> bool {
    let int = || !v.is_empty() && v.len() <= 12 && v.bytes().all(|b| b.is_ascii_digit());
    match COLUMNS[column] {
        // Epoch ms has 12–13 digits for any date since 1973.
        "timeStamp" => {
            parse_timestamp(v).is_some()
                && (v.len() >= 11 && v.len() <= 14 || !v.bytes().all(|b| b.is_ascii_digit()))
        }
        "elapsed" | "bytes" | "sentBytes" | "grpThreads" | "allThreads" | "Latency"
        | "SampleCount" | "ErrorCount" | "IdleTime" | "Connect" => int(),
        "label" | "threadName" | "Hostname" => !v.is_empty(),
        "responseCode" => {
            v.is_empty() || v.bytes().all(|b| b.is_ascii_digit()) || v.starts_with("Non HTTP")
        }
        "dataType" => matches!(v, "" | "text" | "bin"),
        "success" => matches!(v, "true" | "false"),
        "URL" => v.is_empty() || v == "null" || v.contains("://") || v.starts_with("http"),
        "Encoding" => {
            v.len() <= 24
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        }
        _ => true,
    }
}

/// Columns every inferred layout must place: without them a row says nothing.
const REQUIRED: [usize; 2] = [LABEL, SUCCESS];

fn required_bit(column: usize) -> u8 {
    REQUIRED
        .iter()
        .position(|c| *c == column)
        .map_or(0, |i| 1 << i)
}

/// A set of required-column masks (bit `m` set when mask `m` is reachable).
type MaskSet = u8;
const ALL_REQUIRED: usize = (1 << REQUIRED.len()) - 1;

fn with_bit(set: MaskSet, bit: u8) -> MaskSet {
    (0..=ALL_REQUIRED)
        .filter(|m| set & (1 << m) != 0)
        .fold(0, |acc, m| acc | 1 << (m | bit as usize))
}

fn completes(a: MaskSet, b: MaskSet) -> bool {
    (0..=ALL_REQUIRED).any(|x| {
        a & (1 << x) != 0 && (0..=ALL_REQUIRED).any(|y| b & (1 << y) != 0 && x | y == ALL_REQUIRED)
    })
}

/// Matches the fields of headerless rows to JMeter's column order by their values.
fn headerless_layout(lines: &[&str], delimiter: u8) -> Option<Layout> {
    let rows: Vec<Vec<String>> = lines.iter().map(|l| split_line(l, delimiter)).collect();
    let width = rows.first()?.len();
    if width < 3 || rows.iter().any(|r| r.len() != width) {
        return None;
    }
    let ok = |field: usize, column: usize| rows.iter().all(|r| fits(column, r[field].trim()));
    let default = (DEFAULT_COLUMNS.iter())
        .find(|d| width == d.len() && d.iter().enumerate().all(|(f, c)| ok(f, *c)));
    if let Some(default) = default {
        let mut positions = [None; 22];
        for (f, c) in default.iter().enumerate() {
            positions[*c] = Some(f);
        }
        return Some(Layout {
            delimiter,
            header: false,
            positions,
            width,
            inferred: false,
            day_order: DayOrder::MonthFirst,
        });
    }
    // Which column each field can be, over every order-preserving matching of fields
    // to columns that fits the values and places the required columns: forward sets
    // (fields 0..=f) meet backward sets (fields f..).
    let n = COLUMNS.len();
    let fit: Vec<Vec<bool>> = (0..width)
        .map(|f| (0..n).map(|c| ok(f, c)).collect())
        .collect();
    let mut fwd = vec![vec![0 as MaskSet; n]; width];
    let mut bwd = vec![vec![0 as MaskSet; n]; width];
    for c in 0..n {
        if fit[0][c] {
            fwd[0][c] = with_bit(1, required_bit(c));
        }
        if fit[width - 1][c] {
            bwd[width - 1][c] = with_bit(1, required_bit(c));
        }
    }
    for f in 1..width {
        for c in 0..n {
            if fit[f][c] {
                let before = (0..c).fold(0, |acc, p| acc | fwd[f - 1][p]);
                fwd[f][c] = with_bit(before, required_bit(c));
            }
        }
    }
    for f in (0..width - 1).rev() {
        for c in 0..n {
            if fit[f][c] {
                let after = (c + 1..n).fold(0, |acc, p| acc | bwd[f + 1][p]);
                bwd[f][c] = with_bit(after, required_bit(c));
            }
        }
    }
    let mut positions = [None; 22];
    for f in 0..width {
        let possible: Vec<usize> = (0..n)
            .filter(|&c| {
                // Forward reaches f at c; backward covers f.. from c; the field's own
                // bit is in both, which `|` forgives.
                fwd[f][c] != 0 && bwd[f][c] != 0 && completes(fwd[f][c], bwd[f][c])
            })
            .collect();
        if possible.is_empty() {
            return None;
        }
        if let [only] = possible[..] {
            positions[only] = Some(f);
        }
    }
    REQUIRED
        .iter()
        .all(|c| positions[*c].is_some())
        .then_some(Layout {
            delimiter,
            header: false,
            positions,
            width,
            inferred: true,
            day_order: DayOrder::MonthFirst,
        })
}

/// The warning for `n` of `samples` samples JMeter marked successful with a 5xx code
/// (none when `n` is 0).
pub(super) fn ok_server_errors_warning(n: u64, samples: u64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    vec![format!(
        "{n} of {samples} samples ({:.1}%) answered HTTP 5xx yet JMeter marked them \
         successful (a Response Assertion set to ignore the status?): as JMeter says, they \
         count as successes, so the error rate and every failure figure leave them out",
        100.0 * n as f64 / samples.max(1) as f64
    )]
}

/// One JMeter sample, as either form (CSV row, XML element) stores it.
#[derive(Debug, Default)]
pub struct Sample<'a> {
    /// Start, epoch ms (`None` without a timestamp column).
    pub t_ms: Option<i64>,
    /// Elapsed ms.
    pub elapsed_ms: Option<f64>,
    /// Sampler label.
    pub label: &'a str,
    /// `responseCode`.
    pub response_code: &'a str,
    /// `responseMessage`.
    pub response_message: &'a str,
    /// `success` (`None` when not saved).
    pub success: Option<bool>,
    /// `failureMessage` (first failing assertion).
    pub failure_message: &'a str,
    /// `URL`, when saved.
    pub url: Option<&'a str>,
    /// `dataType`, when saved.
    pub data_type: Option<&'a str>,
    /// `allThreads` (else `grpThreads`).
    pub users: Option<f64>,
    /// Received bytes.
    pub bytes: Option<u64>,
}

/// True for a Transaction Controller's own row.
pub fn is_transaction(message: &str, url: Option<&str>, data_type: Option<&str>) -> bool {
    message.starts_with("Number of samples in transaction")
        || (url == Some("null") && data_type == Some(""))
}

impl<'a> Sample<'a> {
    /// True when JMeter marked the sample successful although it answered 5xx (a
    /// Response Assertion set to ignore the status).
    /// Counts the sample in `by_label` when it is successful with a 5xx code.
    pub fn count_ok_server_error(&self, by_label: &mut BTreeMap<String, u64>) {
        if self.ok_server_error() {
            *by_label.entry(self.label.to_string()).or_default() += 1;
        }
    }

    fn ok_server_error(&self) -> bool {
        let code = self.response_code.as_bytes();
        self.success == Some(true) && code.len() == 3 && code[0] == b'5'
    }

    /// What the sample is: a request, or a transaction (an aggregate of requests).
    pub fn observation(&self) -> Observation<'a> {
        // Read only when needed: a row with a success column that passed needs neither
        // its status nor its error (the JTL hot path).
        let status = || self.response_code.trim().parse::<u16>().ok();
        // Without a success column, a status tells: ≥ 400 fails, as in JMeter.
        let ok = self
            .success
            .unwrap_or_else(|| status().is_some_and(|s| s < 400));
        let failure = (!ok).then(|| failure_kind(status(), self));
        let error = if ok {
            None
        } else {
            [
                self.failure_message,
                self.response_message,
                self.response_code,
            ]
            .into_iter()
            .find(|m| !m.trim().is_empty())
        };
        let event = RequestEvent {
            t_ms: self.t_ms.unwrap_or(0),
            method: None,
            name: if self.label.is_empty() {
                self.url.unwrap_or("(no label)")
            } else {
                self.label
            },
            latency_ms: self.elapsed_ms,
            ok,
            failure,
            error,
            bytes: self.bytes,
            users: self.users,
            line: None,
        };
        if is_transaction(self.response_message, self.url, self.data_type) {
            Observation::Transaction(event)
        } else {
            Observation::Request(event)
        }
    }
}

/// The failure kind of a failed JMeter sample: an HTTP status ≥ 400, the Java
/// exception of a `Non HTTP response code`, else an assertion on an answer.
fn failure_kind(status: Option<u16>, s: &Sample<'_>) -> FailureKind {
    kind_of(
        status,
        s.response_code,
        s.response_message,
        s.failure_message,
    )
}

/// The failure kind (`failure_kind`) of a failed sample, from its response code
/// (`status` when it is a number), response message and failure message; the
/// dashboard's error types name the same fields.
pub fn kind_of(
    status: Option<u16>,
    response_code: &str,
    response_message: &str,
    failure_message: &str,
) -> FailureKind {
    if let Some(code) = status.filter(|c| *c >= 400 && *c < 600) {
        return FailureKind::Status(code);
    }
    let text = format!("{response_code} {response_message}");
    let exception = text.to_ascii_lowercase();
    if exception.contains("non http response code") {
        if exception.contains("sockettimeout")
            || exception.contains("timeoutexception")
            || exception.contains("connecttimeout")
        {
            return FailureKind::Timeout;
        }
        if exception.contains("connectexception")
            || exception.contains("unknownhost")
            || exception.contains("noroutetohost")
            || exception.contains("refused")
        {
            return FailureKind::Connect;
        }
        if exception.contains("reset")
            || exception.contains("nohttpresponse")
            || exception.contains("broken pipe")
            || exception.contains("socketexception")
        {
            return FailureKind::Reset;
        }
        return FailureKind::classify(None, &exception);
    }
    if status.is_some() {
        // Answered (2xx/3xx) but marked failed: an assertion.
        return FailureKind::Assertion;
    }
    FailureKind::classify(None, &format!("{text} {failure_message}"))
}

/// Tells sub-result rows from samples: a sub-result follows its parent (or a
/// sibling) in the same thread and is labelled `<parent>-N` (nested: `-N-M`).
#[derive(Debug, Default)]
pub struct SubResults {
    parent_label: String,
    parent_thread: String,
    parent_is_transaction: bool,
    active: bool,
    /// Sub-result rows left out so far.
    pub dropped: u64,
}

/// What to do with a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A sample of its own.
    Sample,
    /// A sub-result of a Transaction Controller's generated parent: a real sample.
    TransactionChild,
    /// A sub-result included in its parent: left out.
    Included,
}

/// True for a label shaped as a sub-result's (`Home-0`, `Home-1-2`: a `-` and digits
/// at its end), which the reader leaves out beside its parent.
pub fn sub_result_label(label: &[u8]) -> bool {
    let digits = label
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    digits > 0 && label.len() > digits && label[label.len() - digits - 1] == b'-'
}

impl SubResults {
    /// Classifies the next row and remembers it as a parent when it is one.
    pub fn role(&mut self, label: &str, thread: &str, is_transaction: bool) -> Role {
        if self.active && thread == self.parent_thread {
            if let Some(suffix) = label
                .strip_prefix(self.parent_label.as_str())
                .and_then(|r| r.strip_prefix('-'))
            {
                let mut parts = suffix.split('-');
                if parts
                    .clone()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                {
                    let depth = parts.by_ref().count();
                    if self.parent_is_transaction && depth == 1 {
                        return Role::TransactionChild;
                    }
                    self.dropped += 1;
                    return Role::Included;
                }
            }
        }
        self.active = true;
        self.parent_label.clear();
        self.parent_label.push_str(label);
        self.parent_thread.clear();
        self.parent_thread.push_str(thread);
        self.parent_is_transaction = is_transaction;
        Role::Sample
    }
}

/// What a replay counted, for notes.
#[derive(Clone, Debug, Default)]
struct Counts {
    rows: u64,
    /// Samples marked successful whose response code is 5xx, by label.
    ok_server_errors: BTreeMap<String, u64>,
    subresults: u64,
    transactions: u64,
    /// Controller rows read as requests (parents without children, `parents.rs`).
    parents: u64,
    /// Samples kept whose `elapsed` is empty (a JTL with an elapsed column).
    no_elapsed: u64,
    dated: bool,
    truncated_last_line: Option<u64>,
    /// Distributed engines whose samples the file holds (0: a run on one engine).
    engines: usize,
}

/// An opened JMeter CSV JTL (layout known; rows stream on replay).
#[derive(Debug)]
pub struct JmeterCsv {
    path: PathBuf,
    layout: Layout,
    /// How its short dates were read, when that needs saying (see `dates.rs`).
    dates_note: Option<String>,
    /// The controllers whose rows are parents whose requests the file lacks
    /// (`parents.rs`).
    childless: Option<std::sync::Arc<std::collections::BTreeSet<String>>>,
    counts: RefCell<Counts>,
    /// The counts of the parts of the last replay in parts (see [`Replay::split`]).
    parts: RefCell<Option<chunks::PartCounts<Counts>>>,
}

impl JmeterCsv {
    /// Opens the file and works out its layout from the first bytes.
    pub fn open(path: &Path) -> Result<JmeterCsv, Problem> {
        let mut head = Vec::new();
        let mut reader = open_decompressed(path)?;
        // The layout comes from the first lines (up to 64 KiB).
        while head.len() < 1 << 16 {
            let n = reader
                .read_until(b'\n', &mut head)
                .map_err(|e| problem(path, None, format!("cannot read: {e}")))?;
            if n == 0 || head.iter().filter(|b| **b == b'\n').count() >= 60 {
                break;
            }
        }
        let text = crate::ingest::text::normalize(&head);
        let mut layout = sniff(&text).ok_or_else(|| {
            problem(
                path,
                Some(1),
                "not a JMeter CSV JTL that can be read: no header line, and the columns \
                 cannot be told apart from the values; save the header \
                 (jmeter.save.saveservice.print_field_names=true)",
            )
        })?;
        let rows = text.lines().skip(usize::from(layout.header));
        let last = dates::last_line(path);
        let (order, dates_note) = dates::day_order(&layout, rows.chain(last.as_deref()));
        layout.day_order = order;
        let childless = text
            .contains("Number of samples in transaction")
            .then(|| parents::childless(path, &layout))
            .flatten()
            .map(std::sync::Arc::new);
        Ok(JmeterCsv {
            path: path.to_path_buf(),
            layout,
            dates_note,
            childless,
            counts: RefCell::new(Counts::default()),
            parts: RefCell::new(None),
        })
    }

    /// The layout found.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
}

impl JmeterCsv {
    /// The counts of the last completed replay: the parts' when it was read in parts.
    fn last_counts(&self) -> Counts {
        chunks::last_counts(&self.counts, &self.parts, |all, c| {
            all.rows += c.rows;
            for (label, n) in &c.ok_server_errors {
                *all.ok_server_errors.entry(label.clone()).or_default() += n;
            }
            all.subresults += c.subresults;
            all.transactions += c.transactions;
            all.parents += c.parents;
            all.no_elapsed += c.no_elapsed;
            all.dated |= c.dated;
            all.truncated_last_line = all.truncated_last_line.or(c.truncated_last_line);
            all.engines = all.engines.max(c.engines);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(text: &str) -> Vec<&'static str> {
        sniff(text).expect("a JTL").column_names()
    }

    #[test]
    fn headers_in_any_order_and_delimiter() {
        let l = sniff("label;timeStamp;success;elapsed\n").unwrap();
        assert_eq!(l.delimiter, b';');
        assert_eq!(
            l.column_names(),
            ["label", "timeStamp", "success", "elapsed"]
        );
        assert!(sniff("timestamp_ms,endpoint,latency_ms\n1,/a,2\n").is_none());
        assert!(sniff("Type,Name,Request Count\n").is_none());
    }

    #[test]
    fn headerless_default_and_inferred() {
        let row = "1597798959524,205,T01,200,OK,Thread Group 1-1,text,true,,1613,116,3,3,http://e.com/,200,0,150";
        let l = sniff(&format!("{row}\n{row}\n")).unwrap();
        assert!(!l.header && !l.inferred);
        assert_eq!(l.at(ALL_THREADS), Some(12));
        // JMeter's batch-test layout (Bug52968): label … success, then four numbers
        // that could be several columns: only the certain ones are used.
        let rows = "TNP1-JR0-0,200,,TG0-SNL 1-1,text,true,1,1,1,0\n\
                    TC-1,200,\"Number of samples in transaction : 1, number of failing samples : 0\",TG0-SNL 1-1,,true,1,1,1,0\n\
                    JR,,,TG0-SNL 1-1,text,true,1,1,1,0\n";
        assert_eq!(
            columns(rows),
            [
                "label",
                "responseCode",
                "responseMessage",
                "threadName",
                "dataType",
                "success"
            ]
        );
        assert!(sniff("hello,world\nfoo,bar\n").is_none());
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("1597798959524"), Some(1597798959524));
        assert_eq!(
            parse_timestamp("2020/08/19 01:02:39.524"),
            Some(1597798959524)
        );
        assert_eq!(
            parse_timestamp("2020-08-19 01:02:39.524"),
            Some(1597798959524)
        );
        assert_eq!(parse_timestamp("08/19/20 01:02:39"), Some(1597798959000));
        assert_eq!(parse_timestamp("12:00"), None);
        assert!(!fits(TIMESTAMP, "200"));
    }

    #[test]
    fn sub_results_follow_their_parent() {
        let mut s = SubResults::default();
        assert_eq!(s.role("HTTP Request", "T 1-1", false), Role::Sample);
        assert_eq!(s.role("HTTP Request-0", "T 1-1", false), Role::Included);
        assert_eq!(s.role("HTTP Request-1", "T 1-1", false), Role::Included);
        assert_eq!(s.role("HTTP Request-1-0", "T 1-1", false), Role::Included);
        // Another thread's row is not a child.
        assert_eq!(s.role("HTTP Request-0", "T 1-2", false), Role::Sample);
        assert_eq!(s.role("Login", "T 1-1", true), Role::Sample);
        assert_eq!(s.role("Login-0", "T 1-1", false), Role::TransactionChild);
        assert_eq!(s.dropped, 3);
    }
}
