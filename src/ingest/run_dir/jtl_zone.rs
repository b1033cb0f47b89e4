//! The time zone of a JTL whose `timeStamp` is a formatted date
//! (`jmeter.save.saveservice.timestamp_format=yyyy/MM/dd HH:mm:ss`): JMeter writes it in
//! the engine's local time without a zone, and the reader takes it as UTC. JMeter's
//! non-GUI console beside it says when the test started in both forms
//! (`Starting standalone test @ 2026 Dec 5 11:00:00 CET (1796464800000)`): when the
//! JTL's first sample, read as UTC, is that epoch moved by a whole quarter-hour (the
//! zone's offset, within two minutes), the JTL's times are moved back by it, so that
//! its stages line up with files in epoch time (another generator's JTL, `--from`,
//! `run.toml`'s stages), and a note says so. Without such a console the JTL's own note
//! says the dates were read as UTC. The JTL may be headerless (JMeter 2.13's default,
//! its first column the date) and either file gzipped.

use crate::model::untrusted::Shown;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::ingest::jmeter::csv::{parse_timestamp, sniff as sniff_jtl};
use crate::ingest::text::HEAD_BYTES;
use crate::ingest::{Observation, Replay};

/// How far the first sample may start after the console's start line.
const SLACK_MS: i64 = 120_000;

/// Time zones are whole quarter-hours from UTC, at most 14 h.
const QUARTER_MS: i64 = 900_000;
const MAX_OFFSET_MS: i64 = 14 * 3_600_000;

/// The JTLs found in local time, with the zone offset (ms) their dates carry.
static LOCAL: Mutex<Vec<(PathBuf, i64)>> = Mutex::new(Vec::new());

/// The dated JTLs read so far whose zone no console gave (read as UTC).
static ASSUMED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Looks for the zone of each dated JTL among `jtls` in the console beside it, notes
/// the offset for [`shifted`], and returns what the report says of each one found.
pub fn find(jtls: &[PathBuf]) -> Vec<String> {
    let mut notes = Vec::new();
    for jtl in jtls {
        let Some(first) = first_date(jtl) else {
            continue;
        };
        let Some((offset, console)) = offset_of(jtl, first) else {
            if let Ok(mut assumed) = ASSUMED.lock() {
                assumed.push(jtl.clone());
            }
            continue;
        };
        if let Ok(mut local) = LOCAL.lock() {
            local.push((jtl.clone(), offset));
        }
        let sign = if offset < 0 { '-' } else { '+' };
        let minutes = offset.abs() / 60_000;
        notes.push(format!(
            "{}: timeStamp dates are the engine's local time, UTC{sign}{:02}:{:02} (JMeter's \
             console {} gives the test's start as local time and as epoch ms): its times \
             are read in UTC accordingly",
            jtl.shown(),
            minutes / 60,
            minutes % 60,
            console.shown()
        ));
    }
    notes
}

/// Where it matters that a dated JTL's zone was assumed: a JTL read so far dated
/// without a zone (read as UTC), and two of `stages` at the same users and of the same
/// length (within two minutes), apart by more than that length, whose starts are a
/// whole number of quarter-hours apart (within two minutes): one engine's local time
/// beside another's UTC, taken for two runs (the steps of a stepped run are at other
/// users, one after the other). The JTL and what to say of it.
pub fn misaligned(stages: &[crate::model::Stage]) -> Option<(PathBuf, String)> {
    let jtl = ASSUMED.lock().ok()?.first()?.clone();
    let windows: Vec<(Option<u32>, (i64, i64))> = (stages.iter())
        .filter_map(|s| Some((s.users, s.window_ms?)))
        .collect();
    for (i, (users, x)) in windows.iter().enumerate() {
        for (_, y) in windows[i + 1..].iter().filter(|(u, _)| u == users) {
            let apart = (y.0 - x.0).abs();
            let zone = (apart as f64 / QUARTER_MS as f64).round() as i64 * QUARTER_MS;
            let length = (x.1 - x.0).max(y.1 - y.0);
            let alike = ((x.1 - x.0) - (y.1 - y.0)).abs() < SLACK_MS && apart > 2 * length;
            if zone != 0 && zone <= MAX_OFFSET_MS && (apart - zone).abs() < SLACK_MS && alike {
                let why = format!(
                    "its timeStamp dates carry no time zone and were read as UTC, and two \
                     stages as long start at {} and {}, {} min apart: a time zone's offset, so \
                     they may be one stage of two engines, one in local time. Keep \
                     JMeter's console (`jmeter -n … > console.txt`) beside the JTL, or save \
                     timeStamp as ms (jmeter.save.saveservice.timestamp_format=ms)",
                    crate::model::format_rfc3339_ms(x.0.min(y.0)),
                    crate::model::format_rfc3339_ms(x.0.max(y.0)),
                    zone / 60_000
                );
                return Some((jtl, why));
            }
        }
    }
    None
}

/// Forgets the JTLs found so far: each load of run dirs (`compare` loads several in one
/// process) judges its own.
pub fn forget() {
    if let Ok(mut local) = LOCAL.lock() {
        local.clear();
    }
    if let Ok(mut assumed) = ASSUMED.lock() {
        assumed.clear();
    }
}

/// `replay`, with its times moved to UTC when [`find`] found `path` in local time.
pub fn shifted(path: &Path, replay: Box<dyn Replay>) -> Box<dyn Replay> {
    let offset = LOCAL.lock().ok().and_then(|local| {
        (local.iter().rev())
            .find(|(p, _)| p == path)
            .map(|(_, o)| *o)
    });
    match offset {
        Some(by) => Box::new(Shifted { inner: replay, by }),
        None => replay,
    }
}

/// The zone offset of a dated JTL and the console it was read from.
fn offset_of(jtl: &Path, first: i64) -> Option<(i64, PathBuf)> {
    let dir = jtl.parent()?;
    let consoles = std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path());
    for console in consoles.filter(|p| p.is_file() && p != jtl) {
        let Some(start) = console_start(&console) else {
            continue;
        };
        let offset = first - start;
        let zone = (offset as f64 / QUARTER_MS as f64).round() as i64 * QUARTER_MS;
        let after = offset - zone;
        if zone != 0 && zone.abs() <= MAX_OFFSET_MS && (-1000..SLACK_MS).contains(&after) {
            return Some((zone, console));
        }
    }
    None
}

/// The first bytes of a file, inflated when it is gzipped (`console.txt.gz`).
fn head_of(path: &Path) -> Option<String> {
    let mut head = Vec::new();
    let file = crate::ingest::adapters::open_decompressed(path).ok()?;
    file.take(HEAD_BYTES as u64).read_to_end(&mut head).ok()?;
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// The first sample's `timeStamp` of a JTL whose first column is `timeStamp` (named
/// by its header, or, headerless — JMeter 2.13 writes no header by default —, placed
/// there by its values), read as UTC, when it is a formatted date (not epoch ms).
fn first_date(jtl: &Path) -> Option<i64> {
    let text = head_of(jtl)?;
    let mut lines = text.lines();
    let first = lines.next()?.trim_start_matches('\u{feff}');
    let header = [',', '\t', ';', '|']
        .into_iter()
        .find(|d| first.split(*d).next() == Some("timeStamp"));
    let (delimiter, row) = match header {
        Some(d) => (d, lines.next()?),
        None => {
            let layout = sniff_jtl(&text)?;
            let first_column = !layout.header && layout.timestamp_field() == Some(0);
            (first_column.then_some(layout.delimiter as char)?, first)
        }
    };
    let cell = row.split(delimiter).next()?.trim().trim_matches('"');
    let dated = !cell.bytes().all(|b| b.is_ascii_digit());
    dated.then(|| parse_timestamp(cell)).flatten()
}

/// The epoch ms of `Starting standalone test @ … (1796464800000)` (or `Starting the
/// test @`, `Starting distributed test`) in the head of a JMeter console.
fn console_start(path: &Path) -> Option<i64> {
    let text = head_of(path)?;
    let line = text.lines().find(|l| {
        l.contains("Starting standalone test @")
            || l.contains("Starting the test @")
            || l.contains("Starting distributed test")
    })?;
    let (_, rest) = line.trim_end().rsplit_once('(')?;
    rest.strip_suffix(')')?.trim().parse().ok()
}

/// A replay whose times are moved back by `by` ms.
struct Shifted<R: ?Sized> {
    inner: Box<R>,
    by: i64,
}

impl<R: Replay + ?Sized> Replay for Shifted<R> {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), crate::model::Problem> {
        let by = self.by;
        self.inner.replay(&mut |obs| {
            visit(match obs {
                Observation::Request(mut ev) => {
                    ev.t_ms -= by;
                    Observation::Request(ev)
                }
                Observation::Transaction(mut ev) => {
                    ev.t_ms -= by;
                    Observation::Transaction(ev)
                }
                Observation::Users { t_ms, users } => Observation::Users {
                    t_ms: t_ms - by,
                    users,
                },
                Observation::Histogram {
                    key,
                    start_ms,
                    end_ms,
                    histogram,
                    failures,
                } => Observation::Histogram {
                    key,
                    start_ms: start_ms - by,
                    end_ms: end_ms - by,
                    histogram,
                    failures,
                },
                other => other,
            })
        })
    }
    fn timed(&self) -> bool {
        self.inner.timed()
    }
    fn version_hint(&self) -> Option<String> {
        self.inner.version_hint()
    }
    fn notes(&self) -> Vec<String> {
        let read_as_utc = |n: &String| n.contains("without a time zone: read as UTC");
        (self.inner.notes().into_iter())
            .filter(|n| !read_as_utc(n))
            .collect()
    }
    fn runs_left_out(&self) -> Option<String> {
        self.inner.runs_left_out()
    }
    fn stopped_early(&self) -> Option<String> {
        self.inner.stopped_early()
    }
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings()
    }
    fn latency_unit_doubt(&self) -> Option<String> {
        self.inner.latency_unit_doubt()
    }
    fn ok_server_errors(&self) -> std::collections::BTreeMap<String, u64> {
        self.inner.ok_server_errors()
    }
    fn sees_transport_errors(&self) -> bool {
        self.inner.sees_transport_errors()
    }
    fn script_checks(&self) -> crate::model::ScriptChecks {
        self.inner.script_checks()
    }
    fn assertions(&self) -> Vec<crate::ingest::gatling_assertions::Assertion> {
        self.inner.assertions()
    }
    fn sees_outcomes(&self) -> bool {
        self.inner.sees_outcomes()
    }
    fn split(&self, parts: usize) -> Vec<Box<dyn Replay + Send>> {
        let by = self.by;
        (self.inner.split(parts).into_iter())
            .map(|inner| Box::new(Shifted { inner, by }) as Box<dyn Replay + Send>)
            .collect()
    }
}
