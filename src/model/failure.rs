//! Failure kinds and error-message normalisation.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use regex::Regex;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::OnceLock;

/// Why a request failed. The JSON key is exactly the `Display` form
/// (`status:503`, `status:5xx`, `timeout`, `connect`, `tls`, `reset`, `assertion`,
/// `other`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailureKind {
    /// The server answered with this HTTP status (≥ 400, or any status the source marked failed).
    Status(u16),
    /// The server answered with a status of this class (4 for 4xx, 5 for 5xx) and the
    /// source gives the class alone (h2load's and autocannon's `4xx`/`5xx` counts).
    StatusClass(u8),
    /// No answer within the client's timeout.
    Timeout,
    /// The connection could not be made (refused, DNS, unreachable).
    Connect,
    /// The connection was made but the TLS handshake failed (certificate not trusted,
    /// name mismatch, no common protocol).
    Tls,
    /// The connection broke while waiting (reset, closed, broken pipe).
    Reset,
    /// The server answered but a check or assertion on the answer failed.
    Assertion,
    /// Anything the source did not let us classify.
    Other,
}

impl FailureKind {
    /// Classifies a failure from an optional HTTP status and the tool's error text.
    ///
    /// The message is consulted first for transport errors (a Locust timeout carries
    /// status 0), then the status, then the message again for a status number.
    pub fn classify(status: Option<u16>, message: &str) -> FailureKind {
        let m = message.to_ascii_lowercase();
        if m.contains("timed out") || m.contains("timeout") {
            return FailureKind::Timeout;
        }
        if m.contains("certificate")
            || m.contains("handshake")
            || m.contains("ssl")
            || m.contains("tls")
        {
            return FailureKind::Tls;
        }
        if m.contains("refused")
            || m.contains("connecterror")
            || m.contains("connect error")
            || m.contains("name or service not known")
            || m.contains("no route to host")
            || m.contains("unreachable")
        {
            return FailureKind::Connect;
        }
        if m.contains("reset")
            || m.contains("broken pipe")
            || m.contains("connection aborted")
            || m.contains("remotedisconnected")
            || m.contains("closed")
        {
            return FailureKind::Reset;
        }
        if let Some(code) = status.filter(|c| (100..600).contains(c)) {
            if code >= 400 {
                return FailureKind::Status(code);
            }
            // A 2xx/3xx the source still marked as failed: a check on the answer failed.
            return FailureKind::Assertion;
        }
        if let Some(code) = status_in_message(&m) {
            return FailureKind::Status(code);
        }
        if m.contains("assert") || m.contains("catchresponse") || m.contains("expected") {
            return FailureKind::Assertion;
        }
        FailureKind::Other
    }
}

/// Makes `kinds` add up to `failures`, the count the source states: failures whose
/// kind the source does not give (a summary without error detail, a failures file
/// that covers only some) are `other`; kinds beyond the count (files written at
/// different moments of a run) are taken off `other` first, then off the most common
/// kinds. Every scope of a report then reads the same total two ways.
pub fn settle_failure_kinds(kinds: &mut BTreeMap<FailureKind, u64>, failures: u64) {
    let known: u64 = kinds.values().sum();
    if known < failures {
        *kinds.entry(FailureKind::Other).or_default() += failures - known;
        return;
    }
    let mut excess = known - failures;
    while excess > 0 {
        let kind = if kinds.contains_key(&FailureKind::Other) {
            FailureKind::Other
        } else {
            let (kind, _) = kinds
                .iter()
                .max_by_key(|(_, n)| **n)
                .expect("kinds sum above zero");
            *kind
        };
        let n = kinds.get_mut(&kind).expect("just found");
        let cut = excess.min(*n);
        *n -= cut;
        excess -= cut;
        if *n == 0 {
            kinds.remove(&kind);
        }
    }
}

/// Finds an HTTP status quoted in an error text such as
/// `HTTPError('404 Client Error: …')` or `503 Server Error`.
fn status_in_message(message: &str) -> Option<u16> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?:^|[^\d])([45]\d\d)(?: (?:client|server) error|\s*:|\s+[a-z])")
            .expect("static regex")
    });
    re.captures(message)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureKind::Status(code) => write!(f, "status:{code}"),
            FailureKind::StatusClass(d) => write!(f, "status:{d}xx"),
            FailureKind::Timeout => f.write_str("timeout"),
            FailureKind::Connect => f.write_str("connect"),
            FailureKind::Tls => f.write_str("tls"),
            FailureKind::Reset => f.write_str("reset"),
            FailureKind::Assertion => f.write_str("assertion"),
            FailureKind::Other => f.write_str("other"),
        }
    }
}

impl FromStr for FailureKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "timeout" => FailureKind::Timeout,
            "connect" => FailureKind::Connect,
            "tls" => FailureKind::Tls,
            "reset" => FailureKind::Reset,
            "assertion" => FailureKind::Assertion,
            "other" => FailureKind::Other,
            _ => {
                let status = s.strip_prefix("status:");
                let class = status.and_then(|c| c.strip_suffix("xx"));
                match (status.and_then(|c| c.parse().ok()), class) {
                    (Some(code), _) => FailureKind::Status(code),
                    (None, Some(d)) if matches!(d, "1" | "2" | "3" | "4" | "5") => {
                        FailureKind::StatusClass(d.parse().unwrap_or_default())
                    }
                    _ => return Err(format!("unknown failure kind `{s}`")),
                }
            }
        })
    }
}

impl Serialize for FailureKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FailureKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Distinct messages [`with_normalized_error`] remembers per thread before it forgets
/// them all (a message with an id in it is new on every row).
const REMEMBERED_MESSAGES: usize = 4096;

/// Calls `f` with [`normalize_error_message`] of `message`, remembered per thread: a
/// reader records the same few messages on many rows, and five regex passes a row
/// would cost more than the rest of recording a failed request.
pub fn with_normalized_error<T>(message: &str, f: impl FnOnce(&str) -> T) -> T {
    type Memo = HashMap<Box<str>, Box<str>, FxBuildHasher>;
    thread_local! {
        static MEMO: RefCell<Memo> = RefCell::default();
    }
    MEMO.with_borrow_mut(|memo| {
        if let Some(done) = memo.get(message) {
            return f(done);
        }
        if memo.len() >= REMEMBERED_MESSAGES {
            memo.clear();
        }
        let done: Box<str> = normalize_error_message(message).into();
        let out = f(&done);
        memo.insert(message.into(), done);
        out
    })
}

/// Normalises an error message so that one error is not split into many by the
/// identifiers inside it: UUIDs, memory addresses, long numbers (IDs, timestamps) and
/// numeric URL path segments become placeholders. Three-digit numbers stay, so HTTP
/// status codes survive.
pub fn normalize_error_message(message: &str) -> String {
    static PATTERNS: OnceLock<[(Regex, &'static str); 5]> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            (
                Regex::new(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
                    .expect("static regex"),
                "{uuid}",
            ),
            (Regex::new(r"0x[0-9a-fA-F.]+").expect("static regex"), "0x…"),
            (
                Regex::new(
                    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?",
                )
                .expect("static regex"),
                "{time}",
            ),
            (
                Regex::new(r#"/\d+(/|$|\?|'|"|\s)"#).expect("static regex"),
                "/{id}$1",
            ),
            (Regex::new(r"\b\d{4,}\b").expect("static regex"), "{n}"),
        ]
    });
    let mut out = message.trim().trim_matches('"').to_string();
    for (re, with) in patterns.iter() {
        out = re.replace_all(&out, *with).into_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_normalisation_is_the_normalisation() {
        // Past the memo's size, too: every answer equals a fresh normalisation.
        for i in 0..(REMEMBERED_MESSAGES + 10) {
            for m in [
                format!("timeout on /agents/{i} after 30000 ms"),
                "HTTPError('500')".into(),
            ] {
                let remembered = with_normalized_error(&m, str::to_string);
                assert_eq!(remembered, normalize_error_message(&m), "{m}");
            }
        }
    }

    #[test]
    fn classifies_common_messages() {
        let k = |s: Option<u16>, m: &str| FailureKind::classify(s, m).to_string();
        assert_eq!(
            k(Some(0), "RetriesExceeded('x', 1, original=timed out)"),
            "timeout"
        );
        assert_eq!(
            k(None, "HTTPError('404 Client Error: Not Found for url: /x')"),
            "status:404"
        );
        assert_eq!(k(Some(503), ""), "status:503");
        assert_eq!(
            k(None, "ConnectionRefusedError(111, 'Connection refused')"),
            "connect"
        );
        assert_eq!(
            k(
                None,
                "ConnectionResetError(104, 'Connection reset by peer')"
            ),
            "reset"
        );
        assert_eq!(k(Some(200), "body did not match"), "assertion");
        assert_eq!(k(None, "invalid peer certificate: UnknownIssuer"), "tls");
        assert_eq!(k(None, "something odd"), "other");
    }

    #[test]
    fn kinds_settle_to_the_failure_count() {
        let mut kinds = BTreeMap::from([(FailureKind::Status(404), 2)]);
        settle_failure_kinds(&mut kinds, 5);
        assert_eq!(kinds[&FailureKind::Status(404)], 2);
        assert_eq!(kinds[&FailureKind::Other], 3);

        let mut kinds = BTreeMap::from([
            (FailureKind::Other, 1),
            (FailureKind::Timeout, 6),
            (FailureKind::Reset, 2),
        ]);
        settle_failure_kinds(&mut kinds, 6);
        assert_eq!(
            kinds,
            BTreeMap::from([(FailureKind::Timeout, 4), (FailureKind::Reset, 2)])
        );

        let mut none = BTreeMap::new();
        settle_failure_kinds(&mut none, 0);
        assert!(none.is_empty());
    }

    #[test]
    fn failure_kind_round_trips() {
        for s in [
            "status:429",
            "timeout",
            "connect",
            "tls",
            "reset",
            "assertion",
            "other",
        ] {
            assert_eq!(s.parse::<FailureKind>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn normalisation_merges_ids() {
        let a = normalize_error_message("HTTPError('404 for url: /agents/12345 at 0x7f00ab12')");
        let b = normalize_error_message("HTTPError('404 for url: /agents/99 at 0x7f00cd34')");
        assert_eq!(a, b);
        assert!(a.contains("404"));
    }
}
