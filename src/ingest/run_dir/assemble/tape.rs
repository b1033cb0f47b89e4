//! The survey's record of what it kept, so the recording pass replays that instead of
//! parsing the file a second time: each kept observation in a few bytes (times as
//! deltas, integers as varints, names and errors as numbers into a table of texts) in
//! an unnamed file the system deletes when it is closed: on Linux one in memory
//! (`memfd`), as a temp dir on tmpfs would be, else a temporary file.
//!
//! A tape holds every field the recording reads (time, method, name, latency, outcome,
//! failure kind, error text, bytes, users) exactly, floats bit for bit, so recording
//! from it gives what recording from the file gives; line numbers are not kept (the
//! survey already said every problem). A tape gives up, and the file is read again,
//! on an interval histogram (kept whole by the sources that write them), on an I/O
//! error, when the file's distinct texts outgrow [`MAX_TEXT_BYTES`], or when the tape
//! outgrows [`MAX_TAPE_BYTES`] (the temp dir may be memory).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};

use rustc_hash::FxBuildHasher;

use crate::ingest::{Observation, Replay, RequestEvent};
use crate::model::{FailureKind, Problem};

/// The distinct texts (names, methods, errors) a tape keeps in memory, in bytes; a
/// file with more (an id in every error message) is read again instead. About 500,000
/// distinct URLs: a census of the tape (`census.rs`) then bounds what recording holds.
const MAX_TEXT_BYTES: usize = 32 << 20;

/// The most a tape holds, bytes (about 30 million requests): past it, the file is read
/// again instead, so a temp dir in memory (tmpfs) never holds more.
const MAX_TAPE_BYTES: u64 = 256 << 20;

/// Bytes the longest encoded observation can take.
const MAX_ROW: usize = 80;

// The header bits of an encoded observation.
const KIND: u16 = 0b11;
const TRANSACTION: u16 = 1;
const USERS_ONLY: u16 = 2;
const OK: u16 = 1 << 2;
const LATENCY: u16 = 1 << 3;
const LATENCY_RAW: u16 = 1 << 4;
const BYTES: u16 = 1 << 5;
const USERS: u16 = 1 << 6;
const USERS_RAW: u16 = 1 << 7;
const METHOD: u16 = 1 << 8;
const ERROR: u16 = 1 << 9;
const FAILURE_SHIFT: u16 = 10;

/// The texts of a tape, each once, numbered in order of first use.
#[derive(Default)]
struct Texts {
    ids: HashMap<Box<str>, u32, FxBuildHasher>,
    all: Vec<Box<str>>,
    bytes: usize,
}

impl Texts {
    /// The number of `text`; `None` once the table is full.
    fn id(&mut self, text: &str) -> Option<u32> {
        if let Some(id) = self.ids.get(text) {
            return Some(*id);
        }
        self.bytes += text.len() + 32;
        if self.bytes > MAX_TEXT_BYTES {
            return None;
        }
        let id = self.all.len() as u32;
        self.all.push(text.into());
        self.ids.insert(text.into(), id);
        Some(id)
    }
}

/// A tape being written by one survey reader.
pub(super) struct Tape {
    /// `None` once the tape gave up.
    out: Option<BufWriter<File>>,
    texts: Texts,
    last_t: i64,
    row: Vec<u8>,
    /// Bytes written so far.
    written: u64,
}

impl Tape {
    /// An empty tape; `None` when no temporary file can be made.
    pub(super) fn new() -> Option<Tape> {
        let file = scratch_file()?;
        Some(Tape {
            out: Some(BufWriter::with_capacity(1 << 18, file)),
            texts: Texts::default(),
            last_t: 0,
            row: Vec::with_capacity(MAX_ROW),
            written: 0,
        })
    }

    /// Adds an observation the survey kept.
    pub(super) fn push(&mut self, obs: &Observation<'_>) {
        if self.out.is_none() {
            return;
        }
        self.row.clear();
        let written = match obs {
            Observation::Request(ev) => self.encode_request(ev, 0),
            Observation::Transaction(ev) => self.encode_request(ev, TRANSACTION),
            Observation::Users { t_ms, users } => {
                let mut head = USERS_ONLY | USERS;
                let users = float(*users, USERS_RAW, &mut head);
                self.row.extend_from_slice(&head.to_le_bytes());
                self.time(*t_ms);
                put_number(&mut self.row, users);
                true
            }
            Observation::Histogram { .. } | Observation::Malformed(_) => false,
        };
        self.written += self.row.len() as u64;
        let ok = written
            && self.written <= MAX_TAPE_BYTES
            && (self.out.as_mut()).is_some_and(|o| o.write_all(&self.row).is_ok());
        if !ok {
            self.out = None;
        }
    }

    /// Encodes a request into `row`; false when the text table is full.
    fn encode_request(&mut self, ev: &RequestEvent<'_>, kind: u16) -> bool {
        let mut head = kind;
        if ev.ok {
            head |= OK;
        }
        let latency = ev.latency_ms.map(|l| {
            head |= LATENCY;
            float(l, LATENCY_RAW, &mut head)
        });
        if ev.bytes.is_some() {
            head |= BYTES;
        }
        let users = ev.users.map(|u| {
            head |= USERS;
            float(u, USERS_RAW, &mut head)
        });
        let (code, status) = failure_code(ev.failure);
        head |= code << FAILURE_SHIFT;
        let Some(name) = self.texts.id(ev.name) else {
            return false;
        };
        let method = match ev.method {
            Some(m) => {
                head |= METHOD;
                let Some(id) = self.texts.id(m) else {
                    return false;
                };
                Some(id)
            }
            None => None,
        };
        let error = match ev.error {
            Some(e) => {
                head |= ERROR;
                let Some(id) = self.texts.id(e) else {
                    return false;
                };
                Some(id)
            }
            None => None,
        };
        self.row.extend_from_slice(&head.to_le_bytes());
        self.time(ev.t_ms);
        put_varint(&mut self.row, u64::from(name));
        for id in [method, error].into_iter().flatten() {
            put_varint(&mut self.row, u64::from(id));
        }
        for n in [latency, users].into_iter().flatten() {
            put_number(&mut self.row, n);
        }
        if let Some(s) = status {
            put_varint(&mut self.row, s);
        }
        if let Some(b) = ev.bytes {
            put_varint(&mut self.row, b);
        }
        true
    }

    /// Encodes a time as the change from the last one.
    fn time(&mut self, t_ms: i64) {
        let delta = t_ms.wrapping_sub(self.last_t);
        self.last_t = t_ms;
        put_varint(&mut self.row, ((delta << 1) ^ (delta >> 63)) as u64);
    }

    /// The finished tape, to replay; `None` when it gave up.
    pub(super) fn finish(self) -> Option<TapeReplay> {
        let mut file = self.out?.into_inner().ok()?;
        file.seek(SeekFrom::Start(0)).ok()?;
        Some(TapeReplay {
            file,
            texts: self.texts.all,
        })
    }
}

/// An unnamed file for a tape: in memory on Linux (a write to an ext4 temp file costs
/// the kernel several times as much, and [`MAX_TAPE_BYTES`] bounds it), else in the
/// temp dir.
fn scratch_file() -> Option<File> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{memfd_create, MemfdFlags};
        if let Ok(fd) = memfd_create("headroom-tape", MemfdFlags::CLOEXEC) {
            return Some(File::from(fd));
        }
    }
    tempfile::tempfile().ok()
}

/// A number as the tape keeps it.
#[derive(Clone, Copy)]
enum Number {
    /// A whole number that reads back as the same float, bit for bit.
    Whole(u64),
    /// Any other float.
    Raw(f64),
}

/// `x` as a [`Number`]; sets `raw_bit` in `head` for a raw one.
fn float(x: f64, raw_bit: u16, head: &mut u16) -> Number {
    let whole = x as u64;
    if (whole as f64).to_bits() == x.to_bits() {
        Number::Whole(whole)
    } else {
        *head |= raw_bit;
        Number::Raw(x)
    }
}

fn put_number(row: &mut Vec<u8>, n: Number) {
    match n {
        Number::Whole(w) => put_varint(row, w),
        Number::Raw(x) => row.extend_from_slice(&x.to_le_bytes()),
    }
}

fn put_varint(row: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        row.push(v as u8 | 0x80);
        v >>= 7;
    }
    row.push(v as u8);
}

/// A status class's number after the code of a status: past every `u16` status, so
/// that none (`status:5` parses as one) reads back as a class.
const CLASS_BASE: u64 = 1 << 16;

/// The failure kind's code in a header, and the number that follows a `Status` (its
/// status) or a `StatusClass` ([`CLASS_BASE`] + its digit).
fn failure_code(kind: Option<FailureKind>) -> (u16, Option<u64>) {
    match kind {
        None => (0, None),
        Some(FailureKind::Status(s)) => (1, Some(u64::from(s))),
        Some(FailureKind::StatusClass(d)) => (1, Some(CLASS_BASE + u64::from(d))),
        Some(FailureKind::Timeout) => (2, None),
        Some(FailureKind::Connect) => (3, None),
        Some(FailureKind::Tls) => (4, None),
        Some(FailureKind::Reset) => (5, None),
        Some(FailureKind::Assertion) => (6, None),
        Some(FailureKind::Other) => (7, None),
    }
}

/// A finished tape: replays what its survey kept, in the order it kept it.
pub(super) struct TapeReplay {
    file: File,
    texts: Vec<Box<str>>,
}

impl TapeReplay {
    /// The distinct texts the tape holds (names, methods, messages): at least its
    /// distinct request names.
    pub(super) fn texts(&self) -> usize {
        self.texts.len()
    }
}

impl Replay for TapeReplay {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        // `finish` rewound it for the first replay; this rewinds it for any later one.
        let _ = (&self.file).seek(SeekFrom::Start(0));
        let mut reader = Reader {
            input: &self.file,
            buf: Vec::with_capacity(1 << 18),
            at: 0,
            end: false,
        };
        let mut decoder = Decoder {
            texts: &self.texts,
            last_t: 0,
        };
        loop {
            if reader.refill().is_err() {
                break;
            }
            let rest = &reader.buf[reader.at..];
            if rest.is_empty() {
                break;
            }
            let mut at = 0;
            let Some(obs) = decoder.decode(rest, &mut at) else {
                break;
            };
            reader.at += at;
            visit(obs);
        }
        Ok(())
    }
}

/// Reads a tape file in blocks, keeping at least one whole row ahead.
struct Reader<'f> {
    input: &'f File,
    buf: Vec<u8>,
    at: usize,
    end: bool,
}

impl Reader<'_> {
    /// Keeps [`MAX_ROW`] bytes ahead, unless the file ends first.
    fn refill(&mut self) -> std::io::Result<()> {
        if self.end || self.buf.len() - self.at >= MAX_ROW {
            return Ok(());
        }
        self.buf.drain(..self.at);
        self.at = 0;
        let have = self.buf.len();
        self.buf.resize(self.buf.capacity().max(1 << 18), 0);
        let mut filled = have;
        while filled < self.buf.len() {
            match self.input.read(&mut self.buf[filled..])? {
                0 => {
                    self.end = true;
                    break;
                }
                n => filled += n,
            }
        }
        self.buf.truncate(filled);
        Ok(())
    }
}

struct Decoder<'t> {
    texts: &'t [Box<str>],
    last_t: i64,
}

impl<'t> Decoder<'t> {
    /// The observation at `row[*at..]`, moving `at` past it; `None` on a cut row.
    fn decode(&mut self, row: &[u8], at: &mut usize) -> Option<Observation<'t>> {
        let head = u16::from_le_bytes([*row.first()?, *row.get(1)?]);
        *at = 2;
        let zigzag = varint(row, at)?;
        let delta = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
        let t_ms = self.last_t.wrapping_add(delta);
        self.last_t = t_ms;
        if head & KIND == USERS_ONLY {
            let users = number(row, at, head & USERS_RAW != 0)?;
            return Some(Observation::Users { t_ms, users });
        }
        let text = |id: u64| self.texts.get(id as usize).map(|s| &**s);
        let name = text(varint(row, at)?)?;
        let method = match head & METHOD {
            0 => None,
            _ => Some(text(varint(row, at)?)?),
        };
        let error = match head & ERROR {
            0 => None,
            _ => Some(text(varint(row, at)?)?),
        };
        let latency_ms = match head & LATENCY {
            0 => None,
            _ => Some(number(row, at, head & LATENCY_RAW != 0)?),
        };
        let users = match head & USERS {
            0 => None,
            _ => Some(number(row, at, head & USERS_RAW != 0)?),
        };
        let failure = match (head >> FAILURE_SHIFT) & 0b111 {
            0 => None,
            1 => match varint(row, at)? {
                s if s < CLASS_BASE => Some(FailureKind::Status(s as u16)),
                d => Some(FailureKind::StatusClass(u8::try_from(d - CLASS_BASE).ok()?)),
            },
            2 => Some(FailureKind::Timeout),
            3 => Some(FailureKind::Connect),
            4 => Some(FailureKind::Tls),
            5 => Some(FailureKind::Reset),
            6 => Some(FailureKind::Assertion),
            _ => Some(FailureKind::Other),
        };
        let bytes = match head & BYTES {
            0 => None,
            _ => Some(varint(row, at)?),
        };
        let ev = RequestEvent {
            t_ms,
            method,
            name,
            latency_ms,
            ok: head & OK != 0,
            failure,
            error,
            bytes,
            users,
            line: None,
        };
        Some(match head & KIND {
            TRANSACTION => Observation::Transaction(ev),
            _ => Observation::Request(ev),
        })
    }
}

fn varint(row: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *row.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

fn number(row: &[u8], at: &mut usize, raw: bool) -> Option<f64> {
    if raw {
        let bytes = row.get(*at..*at + 8)?;
        *at += 8;
        Some(f64::from_le_bytes(bytes.try_into().ok()?))
    } else {
        varint(row, at).map(|w| w as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of a request, floats as bits, to compare.
    fn shown(obs: &Observation<'_>) -> String {
        match obs {
            Observation::Request(ev) | Observation::Transaction(ev) => format!(
                "{} {} {:?} {:?} {:?} {} {:?} {:?} {:?} {:?}",
                matches!(obs, Observation::Transaction(_)),
                ev.t_ms,
                ev.method,
                ev.name,
                ev.latency_ms.map(f64::to_bits),
                ev.ok,
                ev.failure,
                ev.error,
                ev.bytes,
                ev.users.map(f64::to_bits),
            ),
            Observation::Users { t_ms, users } => format!("users {t_ms} {}", users.to_bits()),
            _ => "other".into(),
        }
    }

    #[test]
    fn a_tape_replays_every_field_exactly() {
        let kinds = [
            None,
            Some(FailureKind::Status(503)),
            Some(FailureKind::Status(u16::MAX)),
            // A status of one digit (`status:5` in a generic CSV) is no class.
            Some(FailureKind::Status(5)),
            Some(FailureKind::Status(0)),
            Some(FailureKind::StatusClass(5)),
            Some(FailureKind::StatusClass(4)),
            Some(FailureKind::Timeout),
            Some(FailureKind::Connect),
            Some(FailureKind::Tls),
            Some(FailureKind::Reset),
            Some(FailureKind::Assertion),
            Some(FailureKind::Other),
        ];
        let floats = [
            0.0,
            -0.0,
            1.0,
            12.5,
            1e300,
            -3.0,
            f64::NAN,
            2f64.powi(60),
            7.0,
        ];
        let names = ["/a", "/b", "", "/ünï"];
        let mut want = Vec::new();
        let mut tape = Tape::new().unwrap();
        let mut t = 1_700_000_000_000i64;
        for i in 0..2_000usize {
            // Times go back as well as forward, by up to a day.
            t += [1, -7, 0, 86_400_000, -86_399_000][i % 5];
            let obs = if i % 97 == 0 {
                Observation::Users {
                    t_ms: t,
                    users: floats[i % floats.len()],
                }
            } else {
                let ev = RequestEvent {
                    t_ms: if i == 500 { i64::MIN } else { t },
                    method: (i % 3 == 0).then_some("POST"),
                    name: names[i % names.len()],
                    latency_ms: (i % 11 != 0).then_some(floats[i % floats.len()]),
                    ok: i % 4 != 0,
                    failure: kinds[i % kinds.len()],
                    error: (i % 6 == 0).then_some("connection refused"),
                    bytes: (i % 5 != 0).then_some(i as u64 * 1_000_003),
                    users: (i % 7 != 0).then_some(floats[(i / 3) % floats.len()]),
                    line: None,
                };
                if i % 13 == 0 {
                    Observation::Transaction(ev)
                } else {
                    Observation::Request(ev)
                }
            };
            want.push(shown(&obs));
            tape.push(&obs);
        }
        let replay = tape.finish().expect("a tape");
        let mut got = Vec::new();
        replay.replay(&mut |obs| got.push(shown(&obs))).unwrap();
        assert_eq!(got.len(), want.len());
        assert_eq!(got, want);
        // A second replay reads the same.
        let mut again = Vec::new();
        replay.replay(&mut |obs| again.push(shown(&obs))).unwrap();
        assert_eq!(again, want);
    }

    #[test]
    fn a_tape_gives_up_on_interval_histograms_and_on_too_many_texts() {
        let h = hdrhistogram::Histogram::<u64>::new(2).unwrap();
        let mut tape = Tape::new().unwrap();
        tape.push(&Observation::Histogram {
            key: crate::model::EndpointKey::new(None, "/a"),
            start_ms: 0,
            end_ms: 1,
            histogram: &h,
            failures: &[],
        });
        assert!(tape.finish().is_none());
        let mut tape = Tape::new().unwrap();
        let long = "x".repeat(1 << 16);
        for i in 0..MAX_TEXT_BYTES / long.len() + 10 {
            let name = format!("{long}{i}");
            tape.push(&Observation::Request(RequestEvent {
                t_ms: 0,
                method: None,
                name: &name,
                latency_ms: None,
                ok: true,
                failure: None,
                error: None,
                bytes: None,
                users: None,
                line: None,
            }));
        }
        assert!(tape.finish().is_none());
    }
}
