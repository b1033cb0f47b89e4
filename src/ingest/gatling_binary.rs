//! Gatling's binary `simulation.log` (the layout Gatling writes from 3.13 on): its
//! recognition, its header, and its records replayed as the text log's are.
//!
//! Layout (big-endian, as Java's `DataOutputStream`): a run record first — byte 0, the
//! Gatling version, the simulation class, the run start (i64 epoch ms), the run
//! description, the scenario names (i32 count, then strings) and the assertions (i32
//! count, then i32-length byte blobs, skipped). Then records, each a type byte: 1 a
//! request (i32 group count, cached group names, cached name, start and end as i32 ms
//! after the run start, a boolean OK, a cached message), 2 a user (i32 scenario, a
//! boolean start, i32 ms), 3 a group, 4 an error (both skipped, as the text reader
//! skips GROUP and ERROR). A string is an i32 byte length (0 is the empty string), the
//! bytes and a coder byte (0 Latin-1, 1 UTF-16LE); a cached string is an i32 index
//! first: positive, the string follows and takes that index; negative, the string
//! read earlier at the opposite index. The endpoint is the groups and the name joined
//! by ` / `, as the text reader makes it. Byte offsets stand for line numbers in
//! problems; lengths and counts are capped, so a corrupt field never allocates much.

use crate::model::untrusted::Shown;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::adapters::open_decompressed;
use super::detect::{Detection, Format};
use super::formats::{FormatSpec, Reader, Sniff};
use super::gatling_assertions::{decode, unread_assertions, Assertion};
use super::{gatling::request_event, problem, Observation, Replay};
use crate::model::Problem;

/// The `gatling-binary` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::GatlingBinary,
    name: "gatling-binary",
    tool: "gatling",
    // Recognised by its bytes (`detect`, before the text sniffers run), never as text.
    sniff: Sniff::Content(|_| false),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(GatlingBinaryLog::open(p)?))),
    splittable: false,
    notes: &[],
    detected_by: "binary: a 0 byte, then a length-prefixed 3.x version, class name and run start (Gatling 3.13+)",
    example: "gatling.sh -s Simulation with Gatling ≥ 3.13 (target/gatling/*/simulation.log)",
};

/// Longest string read (an error message with a response body is the longest).
const MAX_STRING: i32 = 1 << 20;
/// Most scenarios, assertions or groups of a request a header or record may claim.
const MAX_COUNT: i32 = 10_000;

const RUN: u8 = 0;
const REQUEST: u8 = 1;
const USER: u8 = 2;
const GROUP: u8 = 3;
const ERROR: u8 = 4;

/// The Gatling version in the header of a binary `simulation.log`: a 0 record byte, a
/// big-endian length, the version string.
pub fn binary_log_version(head: &[u8]) -> Option<String> {
    let (&kind, rest) = head.split_first()?;
    let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let version = rest.get(4..4 + len)?;
    let looks = kind == RUN
        && (1..=32).contains(&len)
        && version[0].is_ascii_digit()
        && version
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
    looks.then(|| String::from_utf8_lossy(version).into_owned())
}

/// Detection of a file whose head is a binary log's run record of `version`: read when
/// the header decodes in the 3.13+ layout, else refused naming the version.
pub fn detect(head: &[u8], version: &str) -> Detection {
    let mut bytes = Bytes::new(head);
    match read_header(&mut bytes) {
        Ok(_) => Detection::Supported(Format::GatlingBinary),
        // The header goes on past the bytes detection looks at.
        Err(Stop::End) if head.len() >= super::text::HEAD_BYTES => {
            Detection::Supported(Format::GatlingBinary)
        }
        Err(stop) => Detection::Unsupported(refusal(version, bytes.offset, &stop)),
    }
}

/// Why a binary log whose header does not decode is not read.
fn refusal(version: &str, at: u64, stop: &Stop) -> String {
    let why = match stop {
        Stop::End => "the header is cut short".to_string(),
        Stop::Bad(why) => why.clone(),
    };
    format!(
        "not supported: binary simulation.log whose header names Gatling {version}, in a \
         layout headroom does not know (at byte {at}: {why}). headroom reads the binary log \
         of Gatling 3.13 and later 3.x, and the text log of 2.0 – 3.12: check the file is \
         whole, or export its requests to headroom's generic per-request CSV (see README)"
    )
}

/// Why reading stopped.
#[derive(Debug)]
enum Stop {
    /// The bytes ended inside a field.
    End,
    /// A field no Gatling writes.
    Bad(String),
}

/// A big-endian reader that counts the bytes it has consumed.
struct Bytes<R> {
    inner: R,
    offset: u64,
}

impl<R: Read> Bytes<R> {
    fn new(inner: R) -> Bytes<R> {
        Bytes { inner, offset: 0 }
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Stop> {
        self.inner.read_exact(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => Stop::End,
            _ => Stop::Bad(format!("cannot read: {e}")),
        })?;
        self.offset += buf.len() as u64;
        Ok(())
    }

    /// The next byte; `None` at the end of the bytes.
    fn next_byte(&mut self) -> Result<Option<u8>, Stop> {
        let mut b = [0u8; 1];
        match self.fill(&mut b) {
            Ok(()) => Ok(Some(b[0])),
            Err(Stop::End) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn byte(&mut self) -> Result<u8, Stop> {
        self.next_byte()?.ok_or(Stop::End)
    }

    fn boolean(&mut self) -> Result<bool, Stop> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(Stop::Bad(format!("a boolean field holds {b}"))),
        }
    }

    fn int(&mut self) -> Result<i32, Stop> {
        let mut b = [0u8; 4];
        self.fill(&mut b)?;
        Ok(i32::from_be_bytes(b))
    }

    fn long(&mut self) -> Result<i64, Stop> {
        let mut b = [0u8; 8];
        self.fill(&mut b)?;
        Ok(i64::from_be_bytes(b))
    }

    /// A count field, within `0..=MAX_COUNT`.
    fn count(&mut self, what: &str) -> Result<usize, Stop> {
        let n = self.int()?;
        if (0..=MAX_COUNT).contains(&n) {
            Ok(n as usize)
        } else {
            Err(Stop::Bad(format!("{what} count {n} is out of range")))
        }
    }

    /// `len` bytes, allocated as they arrive (a length field alone allocates nothing).
    fn blob(&mut self, len: i32) -> Result<Vec<u8>, Stop> {
        if !(0..=MAX_STRING).contains(&len) {
            return Err(Stop::Bad(format!(
                "a length of {len} bytes (more than {MAX_STRING} or negative)"
            )));
        }
        let mut out = Vec::new();
        let got = (&mut self.inner)
            .take(len as u64)
            .read_to_end(&mut out)
            .map_err(|e| Stop::Bad(format!("cannot read: {e}")))?;
        self.offset += got as u64;
        if got < len as usize {
            return Err(Stop::End);
        }
        Ok(out)
    }

    /// A string: length, bytes, coder. Tabs and line ends become spaces, as Gatling's
    /// reader makes them.
    fn string(&mut self) -> Result<String, Stop> {
        let len = self.int()?;
        if len == 0 {
            return Ok(String::new());
        }
        let raw = self.blob(len)?;
        let text: String = match self.byte()? {
            0 => raw.iter().map(|&b| char::from(b)).collect(),
            1 if raw.len() % 2 == 0 => {
                let units = raw
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]));
                char::decode_utf16(units)
                    .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect()
            }
            coder => {
                return Err(Stop::Bad(format!(
                    "string coder {coder} with {len} bytes (0 Latin-1 or 1 UTF-16 expected)"
                )))
            }
        };
        Ok(text.replace(['\n', '\r', '\t'], " "))
    }
}

/// A binary log's header.
#[derive(Clone, Debug)]
struct Header {
    version: String,
    simulation: String,
    start_ms: i64,
    /// Offset of the first record.
    records_at: u64,
    /// The simulation's assertions.
    assertions: Vec<Assertion>,
    /// Assertion blobs that do not decode.
    unread_assertions: usize,
}

fn read_header<R: Read>(b: &mut Bytes<R>) -> Result<Header, Stop> {
    if b.byte()? != RUN {
        return Err(Stop::Bad(
            "the file does not start with a run record".into(),
        ));
    }
    let version = b.string()?;
    if !version.starts_with("3.") {
        return Err(Stop::Bad(format!("Gatling {version} is not a 3.x version")));
    }
    let simulation = b.string()?;
    let start_ms = b.long()?;
    // 2000-01-01 .. 2200-01-01: a run start, not bytes of another layout.
    if !(946_684_800_000..7_258_118_400_000).contains(&start_ms) {
        return Err(Stop::Bad(format!(
            "the run start {start_ms} is not an epoch-ms time"
        )));
    }
    let _description = b.string()?;
    for _ in 0..b.count("scenario")? {
        b.string()?;
    }
    let (mut assertions, mut unread_assertions) = (Vec::new(), 0);
    for _ in 0..b.count("assertion")? {
        let len = b.int()?;
        match decode(&b.blob(len)?) {
            Some(a) => assertions.push(a),
            None => unread_assertions += 1,
        }
    }
    Ok(Header {
        version,
        simulation,
        start_ms,
        records_at: b.offset,
        assertions,
        unread_assertions,
    })
}

/// One decoded record.
enum Record {
    Request {
        groups: Vec<usize>,
        name: usize,
        start: i32,
        end: i32,
        ok: bool,
        message: usize,
    },
    User {
        start: bool,
        t: i32,
    },
    Skipped,
}

/// The strings cached so far: index → string, ids into `strings`.
#[derive(Default)]
struct Dictionary {
    strings: Vec<String>,
    index: HashMap<i32, usize>,
}

impl Dictionary {
    /// A cached string's id in `strings`; a reference to an index never defined is
    /// `Err` (the record's fields are still all consumed).
    fn read<R: Read>(&mut self, b: &mut Bytes<R>) -> Result<Result<usize, String>, Stop> {
        let index = b.int()?;
        if index >= 0 {
            let s = b.string()?;
            self.strings.push(s);
            let id = self.strings.len() - 1;
            self.index.insert(index, id);
            Ok(Ok(id))
        } else {
            let want = index.checked_neg().unwrap_or(i32::MAX);
            Ok(self
                .index
                .get(&want)
                .copied()
                .ok_or_else(|| format!("string #{want} was never defined")))
        }
    }
}

/// Reads the record after its type byte; the inner `Err` is a record that is whole but
/// unusable.
fn read_record<R: Read>(
    kind: u8,
    b: &mut Bytes<R>,
    dict: &mut Dictionary,
) -> Result<Result<Record, String>, Stop> {
    match kind {
        REQUEST => {
            let n = b.count("group")?;
            let mut groups = Vec::with_capacity(n.min(16));
            let mut missing = None;
            for _ in 0..n {
                match dict.read(b)? {
                    Ok(id) => groups.push(id),
                    Err(e) => missing = Some(e),
                }
            }
            let name = dict.read(b)?;
            let start = b.int()?;
            let end = b.int()?;
            let ok = b.boolean()?;
            let message = dict.read(b)?;
            if let Some(e) = missing {
                return Ok(Err(e));
            }
            let (name, message) = match (name, message) {
                (Ok(n), Ok(m)) => (n, m),
                (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
            };
            if end < start {
                return Ok(Err(format!(
                    "request ends ({end} ms) before it starts ({start} ms): a latency cannot \
                     be negative"
                )));
            }
            Ok(Ok(Record::Request {
                groups,
                name,
                start,
                end,
                ok,
                message,
            }))
        }
        USER => {
            let _scenario = b.int()?;
            let start = b.boolean()?;
            let t = b.int()?;
            Ok(Ok(Record::User { start, t }))
        }
        GROUP => {
            for _ in 0..b.count("group")? {
                dict.read(b)?.ok();
            }
            b.int()?;
            b.int()?;
            b.int()?;
            b.boolean()?;
            Ok(Ok(Record::Skipped))
        }
        ERROR => {
            dict.read(b)?.ok();
            b.int()?;
            Ok(Ok(Record::Skipped))
        }
        other => Err(Stop::Bad(format!("unknown record type {other}"))),
    }
}

/// What the last replay found.
#[derive(Clone, Debug, Default)]
struct Facts {
    cut_at: Option<u64>,
    users_ended_below_zero: bool,
}

/// An opened Gatling binary log (records stream on replay).
#[derive(Debug)]
pub struct GatlingBinaryLog {
    path: PathBuf,
    header: Header,
    facts: RefCell<Facts>,
}

impl GatlingBinaryLog {
    /// Opens the file and reads its header; a header of another layout is refused,
    /// naming the version it holds.
    pub fn open(path: &Path) -> Result<GatlingBinaryLog, Problem> {
        let mut b = Bytes::new(open_decompressed(path)?);
        let header = read_header(&mut b).map_err(|stop| {
            let mut head = Vec::new();
            if let Ok(file) = open_decompressed(path) {
                let _ = file.take(64).read_to_end(&mut head);
            }
            let version = binary_log_version(&head).unwrap_or_else(|| "(none)".into());
            problem(path, Some(b.offset), refusal(&version, b.offset, &stop))
        })?;
        Ok(GatlingBinaryLog {
            path: path.to_path_buf(),
            header,
            facts: RefCell::new(Facts::default()),
        })
    }
}

impl Replay for GatlingBinaryLog {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        let cannot = |e: std::io::Error| problem(&self.path, None, format!("cannot read: {e}"));
        // Read past the header (a gzipped log cannot seek).
        let mut file = open_decompressed(&self.path)?;
        let header_len = self.header.records_at;
        let skipped = std::io::copy(&mut (&mut file).take(header_len), &mut std::io::sink())
            .map_err(cannot)?;
        if skipped < header_len {
            return Err(problem(
                &self.path,
                None,
                "cannot read: the log is shorter than its header",
            ));
        }
        let mut b = Bytes::new(file);
        b.offset = self.header.records_at;
        let mut dict = Dictionary::default();
        let mut facts = Facts::default();
        let (mut active, mut requests) = (0i64, 0u64);
        let mut name = String::new();
        let t0 = self.header.start_ms;
        loop {
            let at = b.offset;
            let kind = match b.next_byte() {
                Ok(Some(k)) => k,
                Ok(None) => break,
                Err(Stop::End) => break,
                Err(Stop::Bad(why)) => return Err(problem(&self.path, Some(at), why)),
            };
            let record = match read_record(kind, &mut b, &mut dict) {
                Ok(Ok(r)) => r,
                Ok(Err(why)) => {
                    let why = format!("record at byte {at}: {why}; left out");
                    visit(Observation::Malformed(problem(&self.path, Some(at), why)));
                    continue;
                }
                Err(stop) => {
                    let why = match stop {
                        Stop::End => {
                            facts.cut_at = Some(at);
                            format!(
                                "record at byte {at} is cut short (the run stopped while \
                                 writing?): the records before it are read"
                            )
                        }
                        Stop::Bad(why) => format!(
                            "record at byte {at}: {why}; the records after it cannot be \
                             found, the ones before are read"
                        ),
                    };
                    visit(Observation::Malformed(problem(&self.path, Some(at), why)));
                    break;
                }
            };
            match record {
                Record::Request {
                    groups,
                    name: n,
                    start,
                    end,
                    ok,
                    message,
                } => {
                    name.clear();
                    for g in groups {
                        name.push_str(dict.strings[g].trim());
                        name.push_str(" / ");
                    }
                    name.push_str(&dict.strings[n]);
                    requests += 1;
                    let latency_ms = f64::from(end) - f64::from(start);
                    visit(Observation::Request(request_event(
                        t0 + i64::from(start),
                        &name,
                        latency_ms,
                        ok,
                        &dict.strings[message],
                        at,
                    )));
                }
                Record::User { start, t } => {
                    active += if start { 1 } else { -1 };
                    if active < 0 {
                        facts.users_ended_below_zero = true;
                        active = 0;
                    }
                    visit(Observation::Users {
                        t_ms: t0 + i64::from(t),
                        users: active as f64,
                    });
                }
                Record::Skipped => {}
            }
        }
        *self.facts.borrow_mut() = facts;
        if requests == 0 {
            return Err(problem(&self.path, None, "no request records"));
        }
        Ok(())
    }

    fn assertions(&self) -> Vec<Assertion> {
        self.header.assertions.clone()
    }

    fn warnings(&self) -> Vec<String> {
        unread_assertions(self.header.unread_assertions)
    }

    fn version_hint(&self) -> Option<String> {
        let h = &self.header;
        Some(format!(
            "Gatling {}, binary simulation.log (3.13+ layout), simulation {}",
            h.version, h.simulation
        ))
    }

    fn stopped_early(&self) -> Option<String> {
        let at = self.facts.borrow().cut_at?;
        Some(format!(
            "{}: the log's last record (at byte {at}) is cut mid-write: Gatling was killed or \
             is still writing the file, so its results stop before the run's end",
            self.path.shown()
        ))
    }

    fn notes(&self) -> Vec<String> {
        let f = self.facts.borrow();
        let mut notes = Vec::new();
        if let Some(at) = f.cut_at {
            notes.push(format!(
                "the last record (at byte {at}) is incomplete (run stopped while writing?): \
                 left out"
            ));
        }
        if f.users_ended_below_zero {
            notes.push("more user end than start records: the users series is approximate".into());
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&(s.len() as i32).to_be_bytes());
        if !s.is_empty() {
            out.extend_from_slice(s.as_bytes());
            out.push(0);
        }
    }

    fn header(version: &str) -> Vec<u8> {
        let mut out = vec![RUN];
        string(&mut out, version);
        string(&mut out, "demo.Sim");
        out.extend_from_slice(&1_700_000_000_000i64.to_be_bytes());
        string(&mut out, "");
        out.extend_from_slice(&1i32.to_be_bytes());
        string(&mut out, "scn");
        out.extend_from_slice(&1i32.to_be_bytes());
        out.extend_from_slice(&3i32.to_be_bytes());
        out.extend_from_slice(b"abc");
        out
    }

    #[test]
    fn version_and_header() {
        let head = header("3.13.1");
        assert_eq!(binary_log_version(&head).as_deref(), Some("3.13.1"));
        assert_eq!(binary_log_version(b"RUN\tx"), None);
        let h = read_header(&mut Bytes::new(head.as_slice())).unwrap();
        assert_eq!(h.start_ms, 1_700_000_000_000);
        assert_eq!(h.records_at, head.len() as u64);
        assert_eq!(
            detect(&head, "3.13.1"),
            Detection::Supported(Format::GatlingBinary)
        );
        match detect(&header("4.0.0"), "4.0.0") {
            Detection::Unsupported(why) => assert!(why.contains("Gatling 4.0.0"), "{why}"),
            other => panic!("{other:?}"),
        }
        match detect(&head[..30], "3.13.1") {
            Detection::Unsupported(why) => assert!(why.contains("cut short"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn strings_latin1_utf16_capped() {
        let mut latin = 2i32.to_be_bytes().to_vec();
        latin.extend_from_slice(&[0xe9, b'\t', 0]);
        assert_eq!(Bytes::new(latin.as_slice()).string().unwrap(), "é ");
        let mut utf16 = 4i32.to_be_bytes().to_vec();
        utf16.extend_from_slice(&[0x3b, 0x04, b'x', 0, 1]);
        assert_eq!(Bytes::new(utf16.as_slice()).string().unwrap(), "лx");
        let huge = i32::MAX.to_be_bytes();
        assert!(matches!(
            Bytes::new(huge.as_slice()).string(),
            Err(Stop::Bad(_))
        ));
        let short = [0, 0, 0, 9, b'a'];
        assert!(matches!(
            Bytes::new(short.as_slice()).string(),
            Err(Stop::End)
        ));
    }

    /// A request record: new cached strings `index` (group), `index + 1` (name) and
    /// `index + 2` (message).
    fn request(out: &mut Vec<u8>, index: i32, start: i32, end: i32) {
        out.push(REQUEST);
        out.extend_from_slice(&1i32.to_be_bytes());
        for (i, s) in [(index, "g"), (index + 1, "name"), (index + 2, "")] {
            if i == index + 2 {
                out.extend_from_slice(&start.to_be_bytes());
                out.extend_from_slice(&end.to_be_bytes());
                out.push(u8::from(index % 2 == 0));
            }
            out.extend_from_slice(&i.to_be_bytes());
            string(out, s);
        }
    }

    #[test]
    fn seeded_mutations_never_panic() {
        let mut log = header("3.13.1");
        let head_len = log.len();
        log.extend_from_slice(&[USER, 0, 0, 0, 0, 1, 0, 0, 0, 5]);
        for k in 0..6 {
            request(&mut log, 1 + 3 * k, 10 * k, 10 * k + 7);
        }
        log.extend_from_slice(&[ERROR, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 9]);
        log.extend_from_slice(&[USER, 0, 0, 0, 0, 0, 0, 0, 0, 99]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("simulation.log");
        std::fs::write(&path, &log).unwrap();
        let whole = GatlingBinaryLog::open(&path).unwrap();
        let mut requests = 0;
        whole
            .replay(&mut |o| requests += usize::from(matches!(o, Observation::Request(_))))
            .unwrap();
        assert_eq!(requests, 6);

        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((seed >> 33) as usize) % n
        };
        for round in 0..400 {
            let mut b = log.clone();
            for _ in 0..1 + round % 5 {
                let i = head_len + next(b.len() - head_len);
                b[i] = next(256) as u8;
            }
            if round % 4 == 0 {
                b.truncate(head_len + next(b.len() - head_len));
            }
            std::fs::write(&path, &b).unwrap();
            if let Ok(r) = GatlingBinaryLog::open(&path) {
                let _ = r.replay(&mut |_| {});
                let _ = r.notes();
            }
        }
    }

    #[test]
    fn cached_strings() {
        let mut bytes = 1i32.to_be_bytes().to_vec();
        string(&mut bytes, "home");
        bytes.extend_from_slice(&(-1i32).to_be_bytes());
        bytes.extend_from_slice(&(-7i32).to_be_bytes());
        let mut b = Bytes::new(bytes.as_slice());
        let mut d = Dictionary::default();
        let first = d.read(&mut b).unwrap().unwrap();
        assert_eq!(d.read(&mut b).unwrap(), Ok(first));
        assert!(d.read(&mut b).unwrap().is_err());
    }
}
