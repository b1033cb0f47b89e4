//! Gatling `simulation.log`, text layouts 2.0 – 3.12, streamed line by line (the
//! binary log of Gatling ≥ 3.13 is `gatling_binary`'s).
//!
//! Fields are tab-separated. The record type is the first field (2.2 and later) or
//! the third (2.0 – 2.1). A REQUEST's layout differs by version in the fields
//! before the status, so the status is found as the first `OK`/`KO` preceded by two
//! epoch-ms fields (start, end), with the name and the group hierarchy just before
//! them (2.0 – 2.1: request start … response end). The endpoint is the groups and
//! the name joined by ` / `; latency is end − start; a KO's message gives the
//! failure kind (`… but actually found 503` is `status:503`, a failed check is
//! `assertion`). USER START/END records give the active-users series.
//!
//! A large plain log is read in parts cut at any line ([`Replay::split`]): every record
//! stands alone but the users series, a running count of USER records, so a first
//! cheap pass over the parts (in parallel, USER lines only) gives each part the count
//! the whole read has where it starts.

use crate::model::untrusted::Shown;
use std::borrow::Cow;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

use super::adapters::Lines;
use super::chunks::{self, CountSlot, PartCounts, Quoting, Range};
use super::gatling_assertions::{decode_base64, unread_assertions, Assertion};
use super::{problem, Observation, Replay, RequestEvent};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{FailureKind, Problem};

/// The `gatling-log` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::GatlingLog,
    name: "gatling-log",
    tool: "gatling",
    sniff: Sniff::Content(|h| looks_like_text_log(h.line)),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(GatlingLog::open(p)?))),
    splittable: true,
    notes: &[],
    detected_by: "tab-separated RUN/ASSERTION/USER/REQUEST records (text log, Gatling 2.0 – 3.12)",
    example: "gatling.sh -s Simulation (target/gatling/*/simulation.log)",
};

/// True when a first line is a Gatling text log record.
pub fn looks_like_text_log(line: &str) -> bool {
    let fields: Vec<&str> = line.split('\t').collect();
    matches!(fields.first(), Some(&("RUN" | "ASSERTION"))) && fields.len() >= 2
        || fields.get(2) == Some(&"RUN") && fields.len() >= 5
}

/// Which generation wrote the log, from the REQUEST records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Layout {
    #[default]
    Unknown,
    /// Type in the 3rd field.
    V2_0,
    /// `REQUEST, scenario, userId, groups, name, …`.
    V2_2,
    /// `REQUEST, userId, groups, name, …`.
    V3_0,
    /// `REQUEST, groups, name, …`.
    V3_4,
}

impl Layout {
    fn label(self) -> &'static str {
        match self {
            Layout::Unknown => "no REQUEST records",
            Layout::V2_0 => "2.0 – 2.1 layout",
            Layout::V2_2 => "2.2 – 2.3 layout",
            Layout::V3_0 => "3.0 – 3.3 layout",
            Layout::V3_4 => "3.4 – 3.12 layout",
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Facts {
    layout: Layout,
    /// The version of the last RUN record (`Some(None)`: one without a version).
    run_version: Option<Option<String>>,
    truncated_last_line: Option<u64>,
    users_ended_below_zero: bool,
}

/// An opened Gatling text log.
#[derive(Debug)]
pub struct GatlingLog {
    path: PathBuf,
    /// The simulation's assertions, from the `ASSERTION` records at its head.
    assertions: Vec<Assertion>,
    /// `ASSERTION` records that do not decode.
    unread_assertions: usize,
    facts: RefCell<Facts>,
    /// The facts of the parts of the last replay in parts (see [`Replay::split`]).
    parts: RefCell<Option<PartCounts<Facts>>>,
}

impl GatlingLog {
    /// Opens the file (lines stream on replay).
    pub fn open(path: &Path) -> Result<GatlingLog, Problem> {
        let mut lines = Lines::open(path)?;
        let first = lines
            .next_line()?
            .map(|(_, l)| String::from_utf8_lossy(l).into_owned());
        let Some(first) = first.filter(|l| looks_like_text_log(l)) else {
            return Err(problem(path, Some(1), "not a Gatling text simulation.log"));
        };
        let mut log = GatlingLog {
            path: path.to_path_buf(),
            assertions: Vec::new(),
            unread_assertions: 0,
            facts: RefCell::new(Facts::default()),
            parts: RefCell::new(None),
        };
        // The head, from that first line: `ASSERTION` and `RUN` records, before the
        // first user's.
        let mut line = Some(first);
        for _ in 0..1024 {
            let Some(l) = line.take() else {
                break;
            };
            let f: Vec<&str> = l.trim_end_matches(['\r', '\n']).split('\t').collect();
            match kind(&f) {
                "ASSERTION" => match f.get(1).and_then(|b| decode_base64(b)) {
                    Some(a) => log.assertions.push(a),
                    None => log.unread_assertions += 1,
                },
                "RUN" => {}
                _ => break,
            }
            line = lines
                .next_line()?
                .map(|(_, l)| String::from_utf8_lossy(l).into_owned());
        }
        Ok(log)
    }
}

fn int(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// The failure kind of a KO from Gatling's message.
fn failure_kind(message: &str) -> FailureKind {
    let m = message.to_ascii_lowercase();
    if let Some(found) = m.split("but actually found ").nth(1) {
        let digits: String = found.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(code) = digits.parse::<u16>() {
            return if (400..600).contains(&code) {
                FailureKind::Status(code)
            } else {
                FailureKind::Assertion
            };
        }
    }
    if m.contains("connectexception") || m.contains("unknownhost") {
        return FailureKind::Connect;
    }
    if m.contains("prematureclose") {
        return FailureKind::Reset;
    }
    match FailureKind::classify(None, message) {
        FailureKind::Other
            if m.contains(".find")
                || m.contains("check")
                || m.contains("exists")
                || m.contains("found nothing")
                || m.contains("jsonpath")
                || m.contains("regex") =>
        {
            FailureKind::Assertion
        }
        kind => kind,
    }
}

/// One request of either log form: a KO's (trimmed) message is its error and gives
/// its failure kind; `line` is a line number or, in the binary log, a byte offset.
pub(super) fn request_event<'a>(
    t_ms: i64,
    name: &'a str,
    latency_ms: f64,
    ok: bool,
    message: &'a str,
    line: u64,
) -> RequestEvent<'a> {
    let message = message.trim();
    RequestEvent {
        t_ms,
        method: None,
        name,
        latency_ms: Some(latency_ms),
        ok,
        failure: (!ok).then(|| failure_kind(message)),
        error: Some(message).filter(|m| !ok && !m.is_empty()),
        bytes: None,
        users: None,
        line: Some(line),
    }
}

/// A REQUEST record's fields: (groups, name, start, end, ok, message).
type Request<'l> = (&'l str, &'l str, i64, i64, bool, &'l str);

fn request<'l>(f: &[&'l str], layout: &mut Layout) -> Option<Request<'l>> {
    if f.get(2) == Some(&"REQUEST") {
        // 2.0 – 2.1: scenario, userId, REQUEST, groups, name, requestStart,
        // requestEnd, responseStart, responseEnd, status, message…
        *layout = Layout::V2_0;
        let status = *f.get(9)?;
        return Some((
            f[3],
            f[4],
            int(f[5])?,
            int(f[8])?,
            status == "OK",
            f.get(10).copied().unwrap_or(""),
        ))
        .filter(|_| status == "OK" || status == "KO");
    }
    let i = (3..f.len()).find(|&i| {
        (f[i] == "OK" || f[i] == "KO") && int(f[i - 1]).is_some() && int(f[i - 2]).is_some()
    })?;
    *layout = match i {
        5 => Layout::V3_4,
        6 => Layout::V3_0,
        _ => Layout::V2_2,
    };
    let groups = if i >= 4 { f[i - 4] } else { "" };
    Some((
        groups,
        f[i - 3],
        int(f[i - 2])?,
        int(f[i - 1])?,
        f[i] == "OK",
        f.get(i + 1).copied().unwrap_or(""),
    ))
}

/// A USER record's (start?, time).
fn user(f: &[&str]) -> Option<(bool, i64)> {
    let k = f.iter().position(|x| *x == "START" || *x == "END")?;
    let start = f[k] == "START";
    let ints: Vec<i64> = f[k + 1..].iter().filter_map(|x| int(x)).collect();
    let t = if start { ints.first() } else { ints.last() };
    Some((start, *t?))
}

/// A record's type: the first field (2.2 and later) or the third (2.0 – 2.1).
fn kind<'l>(f: &[&'l str]) -> &'l str {
    match f.get(2) {
        Some(k) if matches!(*k, "RUN" | "USER" | "REQUEST" | "GROUP") => k,
        _ => f.first().copied().unwrap_or(""),
    }
}

/// What the USER records of a stretch of the log do to the active users: from `a`
/// active before it, `max(a + net, floor)` after it (the count never goes below 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct UserSteps {
    net: i64,
    floor: i64,
}

impl UserSteps {
    /// These steps, then `next`'s.
    fn then(self, next: UserSteps) -> UserSteps {
        UserSteps {
            net: self.net + next.net,
            floor: (self.floor + next.net).max(next.floor),
        }
    }

    /// The active users after these steps from `active` before them.
    fn from(self, active: i64) -> i64 {
        (active + self.net).max(self.floor)
    }
}

/// The USER steps of `range` (only its lines with `USER` are split into fields).
fn user_steps(path: &Path, range: &Range) -> Result<UserSteps, Problem> {
    let mut lines = Lines::open_part(path, Some(range))?;
    let mut steps = UserSteps::default();
    while let Some((_, raw)) = lines.next_line()? {
        if memchr::memmem::find(raw, b"USER").is_none() {
            continue;
        }
        let text = String::from_utf8_lossy(raw);
        let f: Vec<&str> = text.split('\t').collect();
        if let Some((start, _)) = (kind(&f) == "USER").then(|| user(&f)).flatten() {
            let step = if start { 1 } else { -1 };
            steps = steps.then(UserSteps {
                net: step,
                floor: 0,
            });
        }
    }
    Ok(steps)
}

/// One byte range of a Gatling text log, read on its own thread.
struct GatlingPart {
    log: GatlingLog,
    range: Range,
    /// Active users where the part starts.
    active: i64,
    /// Where this part's facts go.
    facts: CountSlot<Facts>,
}

impl Replay for GatlingPart {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        let facts = self.log.read(Some(&self.range), self.active, visit)?;
        self.facts.put(facts);
        Ok(())
    }
}

impl GatlingLog {
    /// The facts of the last replay, whole or in parts.
    fn last_facts(&self) -> Facts {
        chunks::last_counts(&self.facts, &self.parts, |all, f| {
            if f.layout != Layout::Unknown {
                all.layout = f.layout;
            }
            if f.run_version.is_some() {
                all.run_version.clone_from(&f.run_version);
            }
            all.truncated_last_line = f.truncated_last_line;
            all.users_ended_below_zero |= f.users_ended_below_zero;
        })
    }

    /// Reads the records of the file, or of one range of it (`active` users where it
    /// starts), into `visit`.
    fn read(
        &self,
        range: Option<&Range>,
        mut active: i64,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<Facts, Problem> {
        let mut lines = Lines::open_part(&self.path, range)?;
        let mut facts = Facts::default();
        let mut requests = 0u64;
        let mut name_buf = String::new();
        let mut pending_error: Option<Problem> = None;
        while let Some((n, raw)) = lines.next_line()? {
            if let Some(p) = pending_error.take() {
                visit(Observation::Malformed(p));
            }
            let text = String::from_utf8_lossy(raw);
            if text.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = text.split('\t').collect();
            match kind(&f) {
                "REQUEST" => {
                    let Some((groups, name, start, end, ok, message)) =
                        request(&f, &mut facts.layout)
                    else {
                        pending_error = Some(problem(
                            &self.path,
                            Some(n),
                            "REQUEST record without name, start, end and OK/KO",
                        ));
                        continue;
                    };
                    let name: Cow<'_, str> = if groups.trim().is_empty() {
                        Cow::Borrowed(name)
                    } else {
                        name_buf.clear();
                        for g in groups.split(',') {
                            name_buf.push_str(g.trim());
                            name_buf.push_str(" / ");
                        }
                        name_buf.push_str(name);
                        Cow::Borrowed(name_buf.as_str())
                    };
                    if end < start {
                        visit(Observation::Malformed(problem(
                            &self.path,
                            Some(n),
                            format!(
                                "REQUEST ends ({end}) before it starts ({start}): a latency \
                                 cannot be negative"
                            ),
                        )));
                        continue;
                    }
                    requests += 1;
                    let latency_ms = end.saturating_sub(start) as f64;
                    visit(Observation::Request(request_event(
                        start, &name, latency_ms, ok, message, n,
                    )));
                }
                "USER" => {
                    let Some((start, t)) = user(&f) else {
                        pending_error = Some(problem(
                            &self.path,
                            Some(n),
                            "USER record without START/END and a time",
                        ));
                        continue;
                    };
                    active += if start { 1 } else { -1 };
                    if active < 0 {
                        facts.users_ended_below_zero = true;
                        active = 0;
                    }
                    visit(Observation::Users {
                        t_ms: t,
                        users: active as f64,
                    });
                }
                "RUN" => {
                    facts.run_version = Some(
                        f.last()
                            .map(|v| v.trim().to_string())
                            .filter(|v| !v.is_empty() && v != "2.0"),
                    );
                }
                "GROUP" | "ERROR" | "ASSERTION" => {}
                other => {
                    pending_error = Some(problem(
                        &self.path,
                        Some(n),
                        format!(
                            "unknown record type `{}`",
                            other.chars().take(20).collect::<String>()
                        ),
                    ));
                }
            }
        }
        if let Some(p) = pending_error {
            // A bad last line of a part before the end is a bad line like any other.
            if range.is_none_or(|r| r.last) {
                facts.truncated_last_line = p.line;
            } else {
                visit(Observation::Malformed(p));
            }
        }
        if requests == 0 && range.is_none() {
            return Err(problem(&self.path, None, "no REQUEST records"));
        }
        Ok(facts)
    }
}

impl Replay for GatlingLog {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        *self.facts.borrow_mut() = self.read(None, 0, visit)?;
        *self.parts.borrow_mut() = None;
        Ok(())
    }

    fn split(&self, parts: usize) -> Vec<Box<dyn Replay + Send>> {
        let Some(ranges) = chunks::split(&self.path, parts, 0, Quoting::Ignored, &|_, _| true)
        else {
            return Vec::new();
        };
        let path = self.path.as_path();
        let steps: Option<Vec<UserSteps>> = std::thread::scope(|s| {
            let handles: Vec<_> = ranges
                .iter()
                .map(|r| s.spawn(move || user_steps(path, r)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().ok().and_then(Result::ok))
                .collect()
        });
        // Unreadable: the whole read says why.
        let Some(steps) = steps else {
            return Vec::new();
        };
        let slots = chunks::slots(ranges.len(), &self.parts);
        let mut active = 0;
        let mut out: Vec<Box<dyn Replay + Send>> = Vec::new();
        for ((range, facts), steps) in ranges.into_iter().zip(slots).zip(steps) {
            out.push(Box::new(GatlingPart {
                log: GatlingLog {
                    path: self.path.clone(),
                    assertions: Vec::new(),
                    unread_assertions: 0,
                    facts: RefCell::default(),
                    parts: RefCell::default(),
                },
                range,
                active,
                facts,
            }));
            active = steps.from(active);
        }
        out
    }

    fn assertions(&self) -> Vec<Assertion> {
        self.assertions.clone()
    }

    fn warnings(&self) -> Vec<String> {
        unread_assertions(self.unread_assertions)
    }

    fn version_hint(&self) -> Option<String> {
        let f = self.last_facts();
        Some(match f.run_version.flatten() {
            Some(v) => format!("Gatling {v}, text simulation.log ({})", f.layout.label()),
            None => format!("Gatling text simulation.log ({})", f.layout.label()),
        })
    }

    fn stopped_early(&self) -> Option<String> {
        let line = self.last_facts().truncated_last_line?;
        Some(format!(
            "{}: the log's last line ({line}) is cut mid-write: Gatling was killed or is still \
             writing the file, so its results stop before the run's end",
            self.path.shown()
        ))
    }

    fn notes(&self) -> Vec<String> {
        let f = self.last_facts();
        let mut notes = Vec::new();
        if let Some(line) = f.truncated_last_line {
            notes.push(format!(
                "the last line ({line}) is incomplete (run stopped while writing?): left out"
            ));
        }
        if f.users_ended_below_zero {
            notes.push("more USER END than START records: the users series is approximate".into());
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_layouts() {
        let mut l = Layout::Unknown;
        let v34 = ["REQUEST", "", "home", "1000", "1020", "OK", " "];
        assert_eq!(
            request(&v34, &mut l),
            Some(("", "home", 1000, 1020, true, " "))
        );
        assert_eq!(l, Layout::V3_4);
        let v30 = [
            "REQUEST", "7", "g1,g2", "home", "1000", "1020", "KO", "boom",
        ];
        assert_eq!(
            request(&v30, &mut l),
            Some(("g1,g2", "home", 1000, 1020, false, "boom"))
        );
        assert_eq!(l, Layout::V3_0);
        let v22 = ["REQUEST", "scn", "7", "", "home", "1000", "1020", "OK", " "];
        assert_eq!(request(&v22, &mut l).map(|r| r.1), Some("home"));
        assert_eq!(l, Layout::V2_2);
        let v20 = [
            "scn", "7", "REQUEST", "", "home", "1000", "1001", "1019", "1020", "OK", " ",
        ];
        assert_eq!(
            request(&v20, &mut l),
            Some(("", "home", 1000, 1020, true, " "))
        );
        assert_eq!(l, Layout::V2_0);
    }

    #[test]
    fn ko_messages() {
        assert_eq!(
            failure_kind("status.find.in(200,304), but actually found 503"),
            FailureKind::Status(503)
        );
        assert_eq!(
            failure_kind("i.g.h.c.i.RequestTimeoutException: Request timeout to x after 60000 ms"),
            FailureKind::Timeout
        );
        assert_eq!(
            failure_kind("j.n.ConnectException: Connection refused: localhost/127.0.0.1:1"),
            FailureKind::Connect
        );
        assert_eq!(
            failure_kind("jsonPath($.id).find.exists, found nothing"),
            FailureKind::Assertion
        );
    }

    #[test]
    fn users() {
        assert_eq!(user(&["USER", "scn", "START", "1000"]), Some((true, 1000)));
        assert_eq!(
            user(&["USER", "scn", "7", "END", "1000", "5000"]),
            Some((false, 5000))
        );
        assert_eq!(
            user(&["scn", "7", "USER", "START", "1000", "0"]),
            Some((true, 1000))
        );
    }
}
