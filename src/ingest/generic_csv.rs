//! headroom's generic per-request CSV: one row per request, columns found by header
//! name in any order, units stated in the header. The driver's `--raw` output uses it,
//! and any tool's export can be mapped onto it. README documents the format.
//!
//! | column | meaning |
//! |---|---|
//! | `timestamp_ms` (or `timestamp_s`, `timestamp_us`, `timestamp_ns`, `timestamp`) | request start: a number in the named unit, else the unit its values show, RFC 3339 text, or a time of day (`generic_clock`) |
//! | `endpoint` (or `name`) | request name or path (required) |
//! | `method` | HTTP method (optional) |
//! | `latency_ms` (or `latency_us`, `latency_s`, `latency_ns`, `latency`: ms) | response time (required; empty = no measured time) |
//! | `status` | HTTP status, or an outcome word (`OK`, `fail`); empty or 0 = no answer (transport error) |
//! | `success` | `true`/`false` (also `1`/`0`, `ok`/`ko`); default: a status below 400 and no error (no error, without a `status` column) |
//! | `error` | error text, or a failure kind (`timeout`, `connect`, `reset`, `status:503`…) |
//! | `users` | concurrent users at that moment (for stage detection) |
//! | `bytes` | response bytes |
//!
//! Fields are separated by commas, or by tabs when the header is. Units are written
//! the usual ways (`latency (ms)`, `Latency [s]`, `latencyMs`, `rt in
//! seconds`) and a script's own names are read too (`time`, `url`, `label`,
//! `response_time`, `elapsed`, `duration`…): see `name_and_unit` and `LATENCY`.
//!
//! A text cell written `'` and then a formula's first character (`'=x`: headroom's
//! CSV export guards such cells for spreadsheets) is read without that `'`.

use std::path::{Path, PathBuf};

use super::chunks::{self, Range};
use super::csv_rows::{self, Row, Visit};
use super::generic_clock::{self, Clock};
use super::latency_witness::{self, Sample, Witness};
use super::{problem, Observation, RequestEvent};
use crate::model::untrusted::formula_unguarded;
use crate::model::{FailureKind, Problem};

/// Where each column is, and the units.
#[derive(Clone, Debug)]
struct Columns {
    timestamp: usize,
    /// Factor from the timestamp's numeric unit to ms, when the header names one.
    timestamp_unit: Option<f64>,
    endpoint: usize,
    method: Option<usize>,
    latency: usize,
    latency_to_ms: f64,
    /// False when the latency column names no unit (read as ms).
    latency_unit_named: bool,
    /// True when the latency is curl's `time_total` without a unit: seconds.
    curl_seconds: bool,
    /// True when the timestamp, endpoint or latency column goes by another name than
    /// headroom's own (`timestamp…`, `endpoint`/`name`, `latency…`).
    other_names: bool,
    status: Option<usize>,
    success: Option<usize>,
    error: Option<usize>,
    users: Option<usize>,
    bytes: Option<usize>,
    /// Each request's end time and its user or thread: [`latency_witness`].
    end: Option<usize>,
    thread: Option<usize>,
}

/// An opened generic per-request CSV (the header is parsed; rows stream on replay).
#[derive(Clone, Debug)]
pub struct GenericCsv {
    path: PathBuf,
    columns: Columns,
    /// The field separator: `,`, or a tab when the header is tab-separated.
    delimiter: u8,
    /// How the timestamps are read ([`generic_clock`]).
    clock: Clock,
    /// How the timestamps and latencies are read, when the header does not say.
    notes: Vec<String>,
    /// Why a `latency` column without a unit may not hold ms: [`latency_doubt`].
    latency_doubt: Option<String>,
    /// Why the timestamps' unit, and so every rate, is in doubt.
    clock_doubt: Option<String>,
}

/// True when `keys` (a JSON object's) name a timestamp, an endpoint and a latency.
pub(super) fn names_columns(keys: &[String]) -> bool {
    locate(keys).is_ok()
}

/// True when the header line (`line`, or its comma-separated `cells`) names a
/// timestamp, an endpoint and a latency column.
pub fn looks_like_generic_csv(line: &str, cells: &[String]) -> bool {
    locate(cells).is_ok() || locate(&tab_cells(line)).is_ok()
}

/// Why a file that looks like a script's own results is not read, or `None`: a first
/// line of numbers only (a `curl -w` loop's output, no header), or a header naming two
/// of a timestamp, an endpoint and a latency but not the third.
pub fn near_miss(line: &str, cells: &[String]) -> Option<String> {
    let numbers = cells.len() >= 2 && cells.iter().all(|c| c.parse::<f64>().is_ok());
    if numbers {
        return Some(
            "a CSV of numbers without a header (a `curl -w` loop's `%{time_total},%{http_code}`?): \
             a script's columns are found by name; add a header line and each request's \
             start time, e.g. `ts,endpoint,time_total,http_code` with `date +%s.%N`"
                .into(),
        );
    }
    let cells = if locate(cells).is_err() && line.contains('\t') {
        tab_cells(line)
    } else {
        cells.to_vec()
    };
    let named: Vec<String> = cells.iter().map(|c| name_and_unit(c).0).collect();
    let has = |names: &[&str]| names.iter().any(|n| named.iter().any(|c| c == n));
    let roles = [has(TIMESTAMP), has(ENDPOINT), has(LATENCY)];
    let why = locate(&cells).err()?;
    (roles.iter().filter(|r| **r).count() == 2).then(|| {
        format!(
            "a script's per-request CSV, but {why}: name the columns `timestamp` (each \
             request's start: `ts`, `time`, `start` also read), `endpoint` (or `url`, \
             `name`) and `latency_ms` (or `response_time`, `duration`, with its unit)"
        )
    })
}

/// A header line's tab-separated cells (none when it has no tab).
fn tab_cells(line: &str) -> Vec<String> {
    if !line.contains('\t') {
        return Vec::new();
    }
    line.split('\t')
        .map(|c| c.trim().trim_matches('"').to_string())
        .collect()
}

fn locate(cells: &[String]) -> Result<Columns, String> {
    let named: Vec<(String, Option<f64>)> = cells.iter().map(|c| name_and_unit(c)).collect();
    // The first of `names`, in their order, that a cell is named.
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| named.iter().position(|(stem, _)| stem == n))
    };
    let (timestamp, timestamp_unit) = find(TIMESTAMP)
        .map(|i| (i, named[i].1))
        .ok_or("no `timestamp_ms` (or timestamp) column")?;
    // JMeter's `Latency` is its time to the first byte and `elapsed` the whole
    // response: a header with both and JMeter's other columns is a JTL's (re-saved
    // with an index column first, or its names lower-cased), and `elapsed` is the
    // response time. Elsewhere `elapsed` may be the time since the test began.
    let jmeter = find(&["responsecode", "threadname"]).is_some();
    let latency = match (find(&["elapsed"]), find(&["latency"])) {
        (Some(elapsed), Some(_)) if jmeter => elapsed,
        _ => find(LATENCY).ok_or("no `latency_ms` (or latency) column")?,
    };
    let endpoint = find(ENDPOINT).ok_or("no `endpoint` column")?;
    // curl's `-w '%{time_total}'` writes seconds, whatever the header calls them.
    let curl = CURL_SECONDS.contains(&named[latency].0.as_str());
    let latency_unit = named[latency].1.or(curl.then_some(1000.0));
    let other_names = named[timestamp].0 != "timestamp"
        || !["endpoint", "name"].contains(&named[endpoint].0.as_str())
        || named[latency].0 != "latency";
    Ok(Columns {
        other_names,
        timestamp,
        timestamp_unit,
        endpoint,
        method: find(&["method", "verb", "httpmethod"]),
        latency,
        latency_to_ms: latency_unit.unwrap_or(1.0),
        latency_unit_named: latency_unit.is_some(),
        curl_seconds: curl && named[latency].1.is_none(),
        status: find(&[
            "status",
            "statuscode",
            "code",
            "responsecode",
            "httpstatus",
            "httpcode",
        ]),
        success: find(&["success", "ok", "passed"]).or(find(OUTCOME)),
        error: find(&["error", "failure", "errormessage", "failuremessage"]),
        users: find(&["users", "vus", "threads", "concurrency", "activethreads"]),
        bytes: find(&["bytes", "bytesreceived", "responsebytes"]),
        end: find(&[
            "end",
            "endtime",
            "endts",
            "finish",
            "finished",
            "finishtime",
            "stop",
        ]),
        thread: find(&[
            "thread",
            "threadname",
            "threadid",
            "user",
            "userid",
            "vu",
            "vuid",
            "worker",
            "workerid",
            "client",
            "clientid",
        ]),
    })
}

/// The names a timestamp column goes by (after [`name_and_unit`]), most telling first.
const TIMESTAMP: &[&str] = &["timestamp", "time", "ts", "starttime", "start", "epoch"];
/// The names a latency column goes by: what scripts and tools' exports call it.
/// `elapsed` comes last: beside a `duration` or `rt` it is the time since the test
/// began (`elapsed,endpoint,duration_ms`), and read as the latency it passed any
/// latency rule with the run's first seconds.
const LATENCY: &[&str] = &[
    "latency",
    "responsetime",
    "duration",
    "rt",
    "timetaken",
    "timetotal",
    "resptime",
    "took",
    "elapsed",
];
/// curl's `-w` names for a response's times, which curl writes in seconds.
const CURL_SECONDS: &[&str] = &["timetotal"];
/// Other names a script gives its outcome column (`OK`/`ERR`, `pass`/`fail`): read as
/// `success` when the first rows hold only such words.
const OUTCOME: &[&str] = &["result", "outcome"];

/// The names an endpoint column goes by.
const ENDPOINT: &[&str] = &[
    "endpoint",
    "name",
    "label",
    "url",
    "path",
    "uri",
    "request",
    "route",
    "urleffective",
];

/// A header cell as a name (letters and digits, lower case) and the unit it states,
/// as a factor to ms: `latency_ms`, `latency (ms)`, `Latency [s]`, `elapsed-us`,
/// `latencyMs`, `duration_sec` and `response time in seconds` all name theirs; `latency`
/// names none.
fn name_and_unit(cell: &str) -> (String, Option<f64>) {
    let cell = cell.trim();
    // A bracketed unit: `latency (ms)`, `latency [s]`.
    if let Some(inner) = cell.strip_suffix(')').or_else(|| cell.strip_suffix(']')) {
        if let Some(i) = inner.rfind(['(', '[']) {
            if let Some(f) = unit_factor(inner[i + 1..].trim()) {
                return (stem(&inner[..i]), Some(f));
            }
        }
    }
    // A unit after a separator: `latency_ms`, `latency-ms`, `time in ms`.
    if let Some(i) = cell.rfind(['_', '-', ' ', '.']) {
        if let Some(f) = unit_factor(&cell[i + 1..]) {
            let head = cell[..i].trim_end();
            let head = head.strip_suffix(" in").unwrap_or(head);
            return (stem(head), Some(f));
        }
    }
    // camelCase: `latencyMs`, `elapsedMillis`, `durationSec`.
    for suffix in [
        "Millis", "Ms", "Micros", "Us", "Nanos", "Ns", "Seconds", "Secs", "Sec",
    ] {
        if let Some(head) = cell.strip_suffix(suffix) {
            if head.ends_with(|c: char| c.is_ascii_lowercase()) {
                return (stem(head), unit_factor(suffix));
            }
        }
    }
    (stem(cell), None)
}

/// A unit's factor to ms.
fn unit_factor(unit: &str) -> Option<f64> {
    match unit.to_lowercase().as_str() {
        "ms" | "msec" | "msecs" | "millis" | "milliseconds" => Some(1.0),
        "s" | "sec" | "secs" | "seconds" => Some(1000.0),
        "us" | "µs" | "μs" | "usec" | "micros" | "microseconds" => Some(0.001),
        "ns" | "nanos" | "nanoseconds" => Some(0.000_001),
        _ => None,
    }
}

/// `Response Time` → `responsetime`: letters and digits, lower case.
fn stem(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl GenericCsv {
    /// Opens the file and reads its header.
    pub fn open(path: &Path) -> Result<GenericCsv, Problem> {
        let mut delimiter = b',';
        let (cells, mut reader) = loop {
            let mut reader = csv_rows::open_with(path, true, delimiter)?;
            let headers = reader
                .byte_headers()
                .map_err(|e| problem(path, Some(1), format!("unreadable header: {e}")))?;
            let cells: Vec<String> = headers
                .iter()
                .map(|c| String::from_utf8_lossy(c).trim().to_string())
                .collect();
            let tabbed = cells.iter().any(|c| c.contains('\t'));
            if delimiter == b',' && tabbed && locate(&cells).is_err() {
                delimiter = b'\t';
                continue;
            }
            break (cells, reader);
        };
        locate(&cells).map_err(|why| problem(path, Some(1), why))?;
        let mut head = Vec::new();
        let mut record = csv::ByteRecord::new();
        while head.len() < DOUBT_SAMPLE && matches!(reader.read_byte_record(&mut record), Ok(true))
        {
            head.push(record.clone());
        }
        GenericCsv::configure(path, &cells, &head, delimiter)
    }

    /// The reading of a file whose header is `cells` and first rows `head` (a JSON
    /// lines file's first keys and values, too): the columns, and the units and clock
    /// the header names or the rows show.
    pub(super) fn configure(
        path: &Path,
        cells: &[String],
        head: &[csv::ByteRecord],
        delimiter: u8,
    ) -> Result<GenericCsv, Problem> {
        let mut columns = locate(cells).map_err(|why| problem(path, Some(1), why))?;
        // A `result` column of other words (a body, a message) is no outcome.
        let outcome_named = |i: usize| OUTCOME.contains(&name_and_unit(&cells[i]).0.as_str());
        if columns.success.is_some_and(|i| {
            outcome_named(i)
                && head.iter().any(|r| {
                    let cell = String::from_utf8_lossy(r.get(i).unwrap_or_default());
                    !cell.trim().is_empty() && parse_bool(cell.trim()).is_none()
                })
        }) {
            columns.success = None;
        }
        let name = cells
            .get(columns.timestamp)
            .map_or("timestamp", String::as_str);
        let cell = |r: &csv::ByteRecord, i: usize| -> String {
            String::from_utf8_lossy(r.get(i).unwrap_or_default())
                .trim()
                .to_string()
        };
        let (ts, lat, ts_unit) = (columns.timestamp, columns.latency, columns.timestamp_unit);
        let decide = |latency_to_ms: f64| {
            let times: Vec<(String, Option<f64>)> = (head.iter())
                .map(|r| {
                    let latency = cell(r, lat).parse::<f64>().ok();
                    (cell(r, ts), latency.map(|l| l * latency_to_ms))
                })
                .collect();
            let pairs: Vec<(&str, Option<f64>)> =
                times.iter().map(|(t, l)| (t.as_str(), *l)).collect();
            generic_clock::decide(name, ts_unit, &pairs)
        };
        let mut decided = decide(columns.latency_to_ms);
        let witness = (!columns.latency_unit_named)
            .then(|| witness_of(head, &columns, cells, decided.clock))
            .flatten();
        if let Some(Witness::Seconds(note)) = &witness {
            (columns.latency_to_ms, columns.latency_unit_named) = (1000.0, true);
            decided = decide(1000.0);
            decided.notes.push(note.clone());
        }
        let mut latency_doubt = latency_doubt(head, &columns, cells, decided.seconds);
        let mut notes = decided.notes;
        match (&latency_doubt, witness) {
            (None, Some(Witness::Doubt(why))) => latency_doubt = Some(why),
            (Some(_), Some(Witness::Millis(note))) => {
                latency_doubt = None;
                notes.push(note);
            }
            _ => {}
        }
        if columns.curl_seconds {
            let name = cells
                .get(columns.latency)
                .map_or("time_total", String::as_str);
            notes.push(format!(
                "column `{name}` names no unit: read as seconds, the unit of curl's \
                 `%{{time_total}}` (name the column `{name}_ms` if it holds ms)"
            ));
        }
        // A latency in doubt leaves Little's law nothing to tell a time since the
        // start by: a rate read from it is in doubt too.
        let clock_doubt = decided.doubt.or_else(|| {
            let relative = matches!(decided.clock, Clock::Number(_))
                && columns.timestamp_unit.is_none()
                && (head.first())
                    .and_then(|r| cell(r, ts).parse::<f64>().ok())
                    .is_some_and(|v| v < 1e9);
            let own = name.eq_ignore_ascii_case("timestamp");
            (relative && !own && !decided.seconds && latency_doubt.is_some()).then(|| {
                format!(
                    "column `{name}` names no unit and holds times since the test began, \
                     and the latency's unit is in doubt too, so neither tells the other's; \
                     name the column `{name}_s` or `{name}_ms`"
                )
            })
        });
        if clock_doubt.is_some() {
            notes.retain(|n| !n.contains("times since the test began"));
        }
        Ok(GenericCsv {
            path: path.to_path_buf(),
            columns,
            delimiter,
            clock: decided.clock,
            notes,
            latency_doubt,
            clock_doubt,
        })
    }
}

/// What the first rows' end times or users' successive starts say of a latency column
/// that names no unit ([`latency_witness`]).
fn witness_of(
    head: &[csv::ByteRecord],
    columns: &Columns,
    cells: &[String],
    clock: Clock,
) -> Option<Witness> {
    fn cell(r: &csv::ByteRecord, i: usize) -> Option<&str> {
        std::str::from_utf8(r.get(i)?).ok().map(str::trim)
    }
    let samples: Vec<Sample> = (head.iter())
        .map(|r| Sample {
            start_ms: cell(r, columns.timestamp).and_then(|c| clock.read(c)),
            end_ms: (columns.end)
                .and_then(|i| cell(r, i))
                .and_then(|c| clock.read(c)),
            thread: (columns.thread)
                .and_then(|i| cell(r, i))
                .map(str::to_string),
            users: (columns.users)
                .and_then(|i| cell(r, i))
                .and_then(|c| c.parse().ok()),
            latency: cell(r, columns.latency).and_then(|c| c.parse().ok()),
        })
        .collect();
    let name = |i: Option<usize>| i.and_then(|i| cells.get(i)).map(String::as_str);
    latency_witness::witness(
        &samples,
        name(Some(columns.latency))?,
        name(columns.end),
        name(columns.thread),
    )
}

/// The first rows [`latency_doubt`] looks at.
pub(super) const DOUBT_SAMPLE: usize = 1000;

/// Why a latency column that names no unit (read as ms) may hold another, or `None`:
/// seconds when the file's unnamed `timestamp` holds seconds (`seconds_timestamps`; a
/// script that writes `time.time()` writes its durations in seconds too), or the first
/// rows' latencies are fractions under a second with a median below 1 (0.2 ms is fast
/// for a request; 0.2 s is not); microseconds when their median is over a minute (no
/// test's typical request waits that long, and 80,000 µs is a plain 80 ms). Either
/// way every latency would be 1,000× off, and every latency rule would pass or fail
/// on that: the source says so, and no latency figure decides.
fn latency_doubt(
    head: &[csv::ByteRecord],
    columns: &Columns,
    cells: &[String],
    seconds_timestamps: bool,
) -> Option<String> {
    if columns.latency_unit_named {
        return None;
    }
    let name = cells.get(columns.latency)?;
    let mut values: Vec<f64> = (head.iter())
        .filter_map(|r| std::str::from_utf8(r.get(columns.latency)?).ok())
        .filter_map(|c| c.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .collect();
    values.sort_by(f64::total_cmp);
    let median = values.get(values.len() / 2).copied();
    let fractions = (head.iter())
        .filter_map(|r| r.get(columns.latency))
        .filter(|c| c.contains(&b'.'))
        .count();
    let rows = values.len();
    let micros = |median: f64| {
        format!(
            "the first {rows} rows' median latency is {median} (a typical request waiting \
             over a minute; {median} µs is {} ms): if it holds microseconds, every latency \
             is 1,000× too large",
            median / 1000.0
        )
    };
    let seconds =
        |why: String| format!("{why}: if it holds seconds, every latency is 1,000× too small");
    let why = match median {
        Some(m) if m > 60_000.0 => micros(m),
        _ if seconds_timestamps => {
            let time = cells
                .get(columns.timestamp)
                .map_or("timestamp", |c| c.as_str());
            seconds(format!("the file's `{time}` holds Unix times in seconds"))
        }
        _ => {
            let median = median.filter(|m| *m < 1.0 && fractions * 2 > rows)?;
            if values.last().is_some_and(|max| *max >= 60.0) {
                return None;
            }
            seconds(format!(
                "the first {rows} rows' median latency is {median} (a request answered in \
                 {median} ms is fast; in {median} s it is not)"
            ))
        }
    };
    Some(format!(
        "column `{name}` names no unit and is read as ms, but {why}; name the column \
         `latency_ms`, `latency_s` or `latency_us`"
    ))
}

impl chunks::ReadsRanges for GenericCsv {
    fn path(&self) -> &Path {
        &self.path
    }

    fn read_range(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<(), Problem> {
        self.read(range, visit)
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn latency_unit_doubt(&self) -> Option<String> {
        self.latency_doubt.clone()
    }

    fn clock_unit_doubt(&self) -> Option<String> {
        self.clock_doubt.clone()
    }

    fn unknown_origin(&self) -> bool {
        self.columns.other_names
    }
}

impl GenericCsv {
    /// Reads the rows of the file, or of one range of it, into `visit`.
    fn read(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<(), Problem> {
        let reader = csv_rows::open_part_with(&self.path, range, true, self.delimiter)?;
        let rows = csv_rows::for_each_row_in(&self.path, reader, range, visit, |row, visit| {
            self.request(&row, visit)
        })?;
        if rows == 0 && range.is_none() {
            return Err(csv_rows::header_only(&self.path));
        }
        Ok(())
    }

    /// Feeds `row`'s request to `visit`; a cell it cannot read is the problem returned.
    pub(super) fn request(&self, row: &Row<'_>, visit: Visit<'_>) -> Result<(), Problem> {
        let c = &self.columns;
        let clock = self.clock;
        let want = match clock {
            Clock::Number(_) => "epoch or RFC 3339",
            Clock::TimeOfDay(_) => "a time of day, HH:MM:SS as the first row's",
        };
        {
            let t_ms =
                (row.value(c.timestamp, "timestamp", want, |ts| clock.read(ts))).map_err(|p| {
                    match row.get(c.timestamp) {
                        Some(ts) if super::generic_clock::rounded_by_a_spreadsheet(ts) => {
                            row.bad(super::generic_clock::rounded_reason(ts))
                        }
                        _ => p,
                    }
                })?;
            let latency_ms = row.value(c.latency, "latency", "a number ≥ 0", |v| {
                if v.is_empty() || no_value(v) {
                    Some(None)
                } else {
                    csv_rows::non_negative(v).map(|x| Some(x * c.latency_to_ms))
                }
            })?;
            // A status column holds an HTTP code, or a script's outcome word (`OK`,
            // `fail`): the outcome then stands for the code.
            let cell = row.opt_value(c.status, "status", "an HTTP status, or ok/fail", |s| {
                // Python's `None` where no response came: no answer, as 0 is.
                let s = if no_value(s) { "0" } else { s };
                s.parse::<u16>()
                    .map(Ok)
                    .ok()
                    .or_else(|| parse_bool(s).map(Err))
            })?;
            let (status, outcome) = match cell {
                Some(Ok(code)) => (Some(code).filter(|&code| code != 0), None),
                Some(Err(ok)) => (None, Some(ok)),
                None => (None, None),
            };
            // Text cells as headroom's CSV export guards them against spreadsheet
            // formulas (`'=…`): back as they were.
            // A script's error flag (`False`, `0`) or Python's `None` is no error.
            let error = (row.opt(c.error)?.map(formula_unguarded)).filter(|e| !no_error(e));
            let ok = match row.opt_value(c.success, "success", "", parse_bool)? {
                Some(ok) => ok,
                // An empty status is a request that got no answer; a file without
                // the column says nothing about answers, only its errors count.
                None if c.status.is_none() => error.is_none(),
                None => outcome.unwrap_or(status.is_some_and(|s| s < 400)) && error.is_none(),
            };
            let failure = (!ok).then(|| {
                error
                    .and_then(|e| e.parse::<FailureKind>().ok())
                    .unwrap_or_else(|| FailureKind::classify(status, error.unwrap_or("")))
            });
            let users = row.opt_value(c.users, "users", "", |u| u.parse::<f64>().ok())?;
            let bytes = row.opt_value(c.bytes, "bytes", "", |b| b.parse::<u64>().ok())?;
            let name = formula_unguarded(row.text(c.endpoint)?);
            visit(Observation::Request(RequestEvent {
                t_ms,
                method: row.opt(c.method)?.map(formula_unguarded),
                name,
                latency_ms,
                ok,
                failure,
                error,
                bytes,
                users,
                line: Some(row.line()),
            }));
            Ok(())
        }
    }
}

/// A cell a script writes for a value it does not have: Python's `None` or `nan`,
/// `null`, `-`, `N/A`: read as an empty cell (a latency not measured, no status).
fn no_value(cell: &str) -> bool {
    ["none", "nan", "null", "-", "n/a"]
        .iter()
        .any(|w| cell.eq_ignore_ascii_case(w))
}

/// An error cell that says there was none: a flag's `false`/`0`/`no`, Python's `None`.
fn no_error(cell: &str) -> bool {
    ["false", "0", "no", "none", "null"]
        .iter()
        .any(|w| cell.eq_ignore_ascii_case(w))
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "1" | "ok" | "yes" | "pass" | "passed" | "success" => Some(true),
        "false" | "0" | "ko" | "no" | "fail" | "failed" | "failure" | "error" | "err" => {
            Some(false)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Replay;
    use std::io::Write;

    type Row = (i64, String, Option<f64>, bool, Option<String>);

    fn rows(text: &str) -> Result<Vec<Row>, Problem> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        let csv = GenericCsv::open(f.path())?;
        let mut out = Vec::new();
        let mut bad = None;
        let outcome = csv.replay(&mut |o| {
            if let Observation::Malformed(p) = o {
                bad.get_or_insert(p);
            } else if let Observation::Request(r) = o {
                out.push((
                    r.t_ms,
                    r.name.to_string(),
                    r.latency_ms,
                    r.ok,
                    r.failure.map(|k| k.to_string()),
                ));
            }
        });
        match bad {
            Some(p) => Err(p),
            None => outcome.map(|()| out),
        }
    }

    #[test]
    fn reads_units_and_outcomes() {
        let r = rows(
            "endpoint,timestamp_s,latency_us,status,error\n\
             /a,10,1500,200,\n\
             /a,11,2500,503,\n\
             /b,12,,,timeout\n",
        )
        .unwrap();
        assert_eq!(r[0], (10_000, "/a".into(), Some(1.5), true, None));
        assert_eq!(r[1].4.as_deref(), Some("status:503"));
        assert_eq!(r[2].2, None);
        assert_eq!(r[2].4.as_deref(), Some("timeout"));
    }

    #[test]
    fn names_the_bad_line() {
        let e = rows("timestamp_ms,endpoint,latency_ms\n1,/a,5\n2,/a,fast\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.reason.contains("latency"), "{e}");
        let e = rows("timestamp_ms,endpoint,latency_ms\n").unwrap_err();
        assert!(e.reason.contains("header only"));
    }

    #[test]
    fn header_cells_name_their_unit_every_usual_way() {
        for (cell, stem, unit) in [
            ("latency_ms", "latency", Some(1.0)),
            ("latency", "latency", None),
            ("Latency (ms)", "latency", Some(1.0)),
            ("response time [sec]", "responsetime", Some(1000.0)),
            ("elapsed-us", "elapsed", Some(0.001)),
            ("latencyMs", "latency", Some(1.0)),
            ("durationSeconds", "duration", Some(1000.0)),
            ("rt in seconds", "rt", Some(1000.0)),
            ("timestamp_ns", "timestamp", Some(0.000_001)),
            // Not units: a word that ends in one, a camelCase word without one.
            ("status", "status", None),
            ("bytes", "bytes", None),
            ("error_code", "errorcode", None),
        ] {
            assert_eq!(name_and_unit(cell), (stem.to_string(), unit), "{cell}");
        }
    }

    #[test]
    fn a_status_column_of_outcome_words_reads_as_outcomes() {
        // Before, `OK` was not an HTTP status: every row was malformed.
        let r = rows("timestamp_ms,endpoint,latency_ms,status\n1,/a,5,OK\n2,/a,6,FAIL\n3,/a,7,\n")
            .unwrap();
        assert_eq!((r[0].3, r[0].4.as_deref()), (true, None));
        assert_eq!((r[1].3, r[1].4.as_deref()), (false, Some("other")));
        // An empty status stays a request that got no answer.
        assert!(!r[2].3);
    }

    #[test]
    fn elapsed_beside_latency_is_the_response_time_only_in_jmeters_columns() {
        let jtl =
            "idx,timeStamp,elapsed,label,responseCode,threadName,Latency\n0,1,300,/a,200,t,20\n";
        assert_eq!(rows(jtl).unwrap()[0].2, Some(300.0));
        // A script's `elapsed_s` (since the test began) beside its `latency_ms`.
        let own = "timestamp_ms,endpoint,latency_ms,elapsed_s\n1,/a,25,4\n";
        assert_eq!(rows(own).unwrap()[0].2, Some(25.0));
    }
}
