//! The `.hlog` codec: HdrHistogram interval logs, written and read. The driver writes
//! `latency.hlog` with [`HlogWriter`] (`write`); ingest's `.hlog` adapter reads any
//! writer's log with [`decode_log`] (`read`: header comments, tags, interval and
//! failure lines, timestamp conventions, the value unit), whose histogram blobs
//! `decode` turns into buckets (base64, DEFLATE, the V0/V1/V2 encodings). `merge` joins
//! several of headroom's own logs into one (an export of several drive runs). Both sides
//! share the tag encoding and the constants here. This module imports only the model;
//! what a log means for a run (its problems, its source) is ingest's.
//!
//! headroom's own log is fixed:
//!
//! ```text
//! #[Logged with headroom 0.1.0]
//! #[Histogram log format version 1.3]
//! #[StartTime: 1700000000.123 (seconds since epoch), 2023-11-14T22:13:20.123Z]
//! #[BaseTime: 1700000000.123 (seconds since epoch)]
//! #[unit: us]
//! "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
//! Tag=GET%20/api/v1/agents,0.000,1.000,12.345,HISTFAAAA…
//! #[failures: Tag=GET%20/api/v1/agents,0.000,status:503=4;timeout=1]
//! #[driver: t=0.000, len=1.000, cpu=12.5%, lateness_p99_ms=1.100, lateness_max_ms=2.000, users=10, in_flight=3]
//! ```
//!
//! Interval start and length are seconds relative to `StartTime`; `Interval_Max` is
//! in milliseconds; histogram values are microseconds (`#[unit: us]`); the
//! histogram is the V2 + DEFLATE serialisation, base64 (standard alphabet, padded).
//! Every endpoint of the scenario gets a line in every interval, an empty histogram
//! included, so a second without answers shows as such. Failed requests are in the
//! histograms too; the `#[failures: …]` line of an interval × endpoint (only when it
//! had failures) carries their counts by kind, and its start matches the interval
//! line's. Intervals last a second, and also end at every stage boundary (the
//! recorder's choice). The `#[driver: …]` line closes each second with the driver's
//! own health: its CPU use (percent of one core, from `/proc/self/stat`; `n/a` off
//! Linux), the p99 and max lateness of its timers (think-time wake-ups, open-model
//! dispatch) and the users and requests in flight at the close.

use std::fmt::Write as _;

use crate::model::EndpointKey;

pub(crate) mod decode;
mod merge;
mod read;
mod write;

pub use merge::merge_logs;
pub use read::{decode_log, looks_like_hlog, DecodedLog, HlogInterval, LogError};
pub use write::HlogWriter;

/// The log format version headroom writes.
pub const FORMAT_VERSION: &str = "1.3";
/// How the format-version comment starts (readers also take it in any case).
pub const VERSION_COMMENT: &str = "#[Histogram log format version";
/// How headroom's failure comment starts: `#[failures: Tag=<tag>,<start s>,<kind>=<n>;…]`.
pub const FAILURES_PREFIX: &str = "#[failures:";
/// How a tagged interval line (or failure comment's body) starts.
pub const TAG_PREFIX: &str = "Tag=";

/// Percent-encodes an endpoint key for a `Tag=`: comma, percent, and every whitespace or
/// control character (a tag ends at the first comma or whitespace).
pub fn encode_tag(tag: &str) -> String {
    let mut s = String::with_capacity(tag.len() + 8);
    encode_tag_into(tag, &mut s);
    s
}

fn encode_tag_into(tag: &str, out: &mut String) {
    for c in tag.chars() {
        match c {
            ',' | '%' => {
                let _ = write!(out, "%{:02X}", c as u32);
            }
            c if c.is_whitespace() || c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
            c => out.push(c),
        }
    }
}

/// Turns a tag into an endpoint: percent-decoded, and `METHOD rest` (METHOD all
/// upper-case ASCII letters) splits into method and name.
pub fn tag_to_key(tag: &str) -> EndpointKey {
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

/// `%XX` to bytes; a `%` not followed by two hex digits stays as it is.
pub fn percent_decode(s: &str) -> String {
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
