//! Locust's `--json` / `--json-file` output: a JSON array of stats
//! entries (`name`, `method`, `num_requests`, `num_failures`, `response_times`,
//! `num_reqs_per_sec`, …), one per endpoint, no aggregate entry.
//!
//! `response_times` is Locust's whole histogram of the entry — every request with a
//! response time is in it, rounded by Locust to about two significant digits (< 100 ms
//! exact to the ms, < 1000 ms to 10 ms, < 10 s to 100 ms, above to 1 s). It is rebuilt
//! as an exact HdrHistogram: percentiles are exact *to Locust's rounding* (the same
//! buckets Locust's own percentiles come from), and the source's note says so; the
//! fastest and slowest requests are the entry's unrounded `min_response_time` and
//! `max_response_time`, each in place of one count of the bucket it was rounded into.
//! Requests without a response time (`num_none_requests`) count as requests but not in
//! the latency. `num_reqs_per_sec` / `num_fail_per_sec` give the per-second series; the
//! entries' `start_time` and `last_request_timestamp` give the measured window.
//! Failures carry no error text in this format: their kind is `other`.

use super::rounding::rounds_to;
use crate::model::untrusted::Shown;
use std::path::Path;

use serde_json::{Map, Value};

use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::problem;
use crate::ingest::summary::{endpoint, read_json, record_ms_n, ToolSummary};
use crate::ingest::Format;
use crate::model::{new_histogram, EndpointKey, FailureKind, LatencyDistribution, Problem};

/// The `locust-json` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::LocustJson,
    name: "locust-json",
    tool: "locust",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[],
    detected_by: "JSON array of objects with name, method, num_requests, response_times",
    example: "locust --headless --json > stats.json",
};

/// True for Locust's JSON stats: an array of objects with `num_requests` and
/// `response_times`.
pub fn sniff(head: &str) -> bool {
    let c = crate::ingest::oha::compact(head);
    c.starts_with("[{") && head.contains("\"num_requests\"") && head.contains("\"response_times\"")
}

fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let json = read_json(path)?;
    let entries = json
        .as_array()
        .ok_or_else(|| problem(path, None, "not a JSON array of Locust stats entries"))?;
    if entries.is_empty() {
        return Err(problem(
            path,
            None,
            "no stats entries (Locust made no requests)",
        ));
    }
    let mut out = ToolSummary::new("locust");
    let (mut start, mut end) = (f64::INFINITY, f64::NEG_INFINITY);
    for (i, entry) in entries.iter().enumerate() {
        let e = entry
            .as_object()
            .ok_or_else(|| problem(path, None, format!("entry {} is not an object", i + 1)))?;
        let bad = |why: String| {
            problem(
                path,
                None,
                format!("entry {} ({}): {why}", i + 1, text_of(e, "name")),
            )
        };
        let int = |key: &str| -> Result<u64, Problem> {
            match e.get(key) {
                None | Some(Value::Null) => Ok(0),
                Some(v) => v
                    .as_u64()
                    .ok_or_else(|| bad(format!("`{key}` is not a count"))),
            }
        };
        let requests = int("num_requests")?;
        let failures = int("num_failures")?;
        let none = int("num_none_requests")?;
        if failures > requests || none > requests {
            return Err(bad(
                "more failures (or requests without a time) than requests".into(),
            ));
        }
        let (buckets, timed) = response_times(e, &bad)?;
        let exact = |key: &str| e.get(key).and_then(Value::as_f64);
        let mut h = new_histogram();
        for (ms, n) in with_exact_extremes(
            buckets,
            exact("min_response_time"),
            exact("max_response_time"),
        ) {
            record_ms_n(&mut h, ms, n);
        }
        if timed > requests {
            return Err(bad(format!(
                "`response_times` holds {timed} requests, `num_requests` only {requests}"
            )));
        }
        let key = EndpointKey::new(Some(text_of(e, "method")), text_of(e, "name"));
        let mut ep = endpoint(key, requests, LatencyDistribution::Exact(h.into()));
        ep.failures = failures;
        if failures > 0 {
            ep.add_failure(FailureKind::Other, None, failures);
        }
        ep.bytes_received = e.get("total_content_length").and_then(Value::as_u64);
        for (sec, n) in object(e, "num_reqs_per_sec", &bad)? {
            if let (Ok(t), Some(n)) = (sec.parse::<f64>(), n.as_u64()) {
                let iv = ep.series.at((t * 1000.0) as i64);
                iv.requests = iv.requests.checked_add(n).ok_or_else(|| {
                    bad(format!(
                        "`num_reqs_per_sec` counts add up past {}",
                        u64::MAX
                    ))
                })?;
            }
        }
        for (sec, n) in object(e, "num_fail_per_sec", &bad)? {
            if let (Ok(t), Some(n)) = (sec.parse::<f64>(), n.as_u64()) {
                let iv = ep.series.at((t * 1000.0) as i64);
                iv.failures = iv.failures.checked_add(n).ok_or_else(|| {
                    bad(format!(
                        "`num_fail_per_sec` counts add up past {}",
                        u64::MAX
                    ))
                })?;
            }
        }
        if let Some(t) = e.get("start_time").and_then(Value::as_f64) {
            start = start.min(t);
        }
        if let Some(t) = e.get("last_request_timestamp").and_then(Value::as_f64) {
            end = end.max(t);
        }
        out.endpoints.push(ep);
    }
    if start.is_finite() && end.is_finite() && end > start {
        let (a, b) = (
            (start * 1000.0).round() as i64,
            (end * 1000.0).round() as i64,
        );
        out.window_ms = Some((a, b));
        out.duration_s = Some(end - start);
    }
    out.notes.push(format!(
        "{}: latency rebuilt from Locust's response-time histogram, which rounds each time to \
         about two significant digits: percentiles are exact to that rounding",
        path.shown()
    ));
    Ok(out)
}

/// An entry's `response_times` as `(ms, count)` buckets, and how many requests they
/// hold.
fn response_times(
    e: &Map<String, Value>,
    bad: &dyn Fn(String) -> Problem,
) -> Result<(Vec<(f64, u64)>, u64), Problem> {
    let mut buckets = Vec::new();
    let mut timed = 0u64;
    for (bucket, n) in object(e, "response_times", bad)? {
        let ms: f64 = bucket
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| bad(format!("response time bucket `{bucket}` is not ms")))?;
        let n = n
            .as_u64()
            .ok_or_else(|| bad(format!("bucket `{bucket}` has no count")))?;
        buckets.push((ms, n));
        timed = timed
            .checked_add(n)
            .ok_or_else(|| bad(format!("`response_times` counts add up past {}", u64::MAX)))?;
    }
    Ok((buckets, timed))
}

/// The histogram's `(ms, count)` buckets with the entry's exact fastest and slowest
/// times (`min_response_time`, `max_response_time`, which Locust keeps unrounded) in
/// place of one count of the lowest and the highest bucket they were rounded into:
/// the minimum and maximum are Locust's own (its CSVs' and HTML report's), not the
/// rounding's (2,344.9 ms is in the bucket 2,300, 0.6 ms in 1), and a bucket rounded
/// past either (the other times of the bucket 6 when the fastest took 6.2 ms) is
/// taken as that extreme; the percentiles move within a bucket at most. A time that
/// does not round to its bucket (another version's rounding) leaves the buckets as
/// they are.
fn with_exact_extremes(
    mut buckets: Vec<(f64, u64)>,
    min: Option<f64>,
    max: Option<f64>,
) -> Vec<(f64, u64)> {
    buckets.retain(|b| b.1 > 0);
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut exact = Vec::new();
    let (mut low, mut high) = (f64::NEG_INFINITY, f64::INFINITY);
    let last = buckets.len().wrapping_sub(1);
    for (i, time, bound) in [(last, max, &mut high), (0, min, &mut low)] {
        let (Some(t), Some(b)) = (time.filter(|t| t.is_finite()), buckets.get_mut(i)) else {
            continue;
        };
        if b.1 > 0 && rounds_to(t, b.0) {
            b.1 -= 1;
            exact.push((t, 1));
            *bound = t;
        }
    }
    // Every time lies between the two: a bucket rounded past either holds times
    // nearer to it than to the bucket's value.
    if low <= high {
        for b in &mut buckets {
            b.0 = b.0.clamp(low, high);
        }
    }
    buckets.extend(exact);
    buckets
}

fn text_of<'a>(e: &'a Map<String, Value>, key: &str) -> &'a str {
    e.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The pairs of an optional `{key: value}` object.
fn object<'a>(
    e: &'a Map<String, Value>,
    key: &str,
    bad: &dyn Fn(String) -> Problem,
) -> Result<Vec<(&'a String, &'a Value)>, Problem> {
    match e.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => Ok(m.iter().collect()),
        Some(_) => Err(bad(format!("`{key}` is not an object"))),
    }
}
