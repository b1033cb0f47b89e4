//! autocannon's `--json` result (`autocannon --json URL > result.json`).
//!
//! * Requests are the responses (`requests.total`) plus the `errors` (autocannon
//!   counts a timeout as an error too, and `timeouts` says how many of them were).
//! * Failures: the errors (timeouts → `timeout`, the rest → `other`) and the answers
//!   with status ≥ 400 — by code from `statusCodeStats` when the file has it, else
//!   from the `4xx`/`5xx` counts (kinds `status:4xx`/`status:5xx`: the class alone). `non2xx` also
//!   counts 1xx/3xx answers, which are not failures.
//! * Latency is autocannon's own summary (`latency`: p0.001 … p99.999 as `p2_5` keys,
//!   min, max, mean; ms) over the responses. autocannon records whole milliseconds,
//!   cut down (an answer in 0.4 ms is 0), and its `min` is the histogram's smallest
//!   non-zero value: where its percentiles reach 0 (sub-ms answers) the minimum is
//!   0, with a note, and never 1 ms above a 0 ms percentile.
//! * The console table autocannon prints without `--json` is recognised
//!   (`looks_like_console`) and read by `autocannon_text.rs`, or skipped with advice
//!   beside other results (`CONSOLE_REASON`); wrk's reader leaves it alone.
//! * `mismatches` are the answers whose body did not match `--expectBody`: autocannon
//!   counts them apart from its errors and statuses (a 200 with the wrong body), so
//!   they are the run's checks of the answers (`--expectBody`: the responses passed or
//!   failed it), which hold a GO back as k6's failed `check()`s do.
//! * `connections` are the users (a closed model), unless the run was paced: an
//!   `overallRate` or `connectionRate` key (× the connections) in the file, or else
//!   `-R`/`-r` on its command line (`autocannon_command.rs`; autocannon's own JSON
//!   writes neither key) set its planned rate, with a note; `duration` (s) and
//!   `start`/`finish` the window.
//! * A paced run (`-R`/`-r`) corrects its latencies for coordinated omission: its
//!   `latency.totalCount` then exceeds its answers. The latency summary still covers
//!   the answers (its count), is marked corrected, and a note gives both counts.
//! * The endpoint is the `url`, with the method of its command line (`-m`; GET for a
//!   `-b`/`-i` body without `-m`: `autocannon_command.rs`) when one is found.

use crate::model::untrusted::Shown;
use std::path::Path;

use serde_json::Value;

use super::problem;
use super::summary::{add_counts, add_failures, endpoint, read_json, ToolSummary};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem};

/// The `autocannon-json` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::AutocannonJson,
    name: "autocannon-json",
    tool: "autocannon",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[],
    detected_by: "JSON object with connections, latency and non2xx/pipelining",
    example: "autocannon --json -c 10 -d 30 URL > autocannon.json",
};

/// True for autocannon's JSON result.
pub fn sniff(head: &str) -> bool {
    let c = super::oha::compact(head);
    c.starts_with('{')
        && head.contains("\"connections\"")
        && head.contains("\"latency\"")
        && (head.contains("\"non2xx\"") || head.contains("\"pipelining\""))
}

/// True when a head is autocannon's console table (`Running 10s test @ URL`, then
/// `10 connections` on a line of its own — wrk's says `2 threads and 10 connections` —
/// and boxed tables): `autocannon_text.rs` reads it.
pub fn looks_like_console(head: &str) -> bool {
    let running = head.lines().any(|l| l.trim_start().starts_with("Running "));
    let connections = head.lines().any(|l| {
        let l = l.trim();
        let n = l.split(' ').next().unwrap_or("");
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && l[n.len()..].starts_with(" connections")
    });
    running && connections || head.contains("Req/Bytes counts sampled once per second")
}

/// Why autocannon's console table is skipped beside other results of its dir (alone,
/// it is read: `autocannon_text.rs`).
pub const CONSOLE_REASON: &str = "autocannon's console table beside other results: not read \
     with them, since it rounds its counts (`220k requests`, `33k errors`) and splits no \
     errors by kind; headroom reads its JSON result instead — rerun with `autocannon --json … \
     > result.json`, which has the exact counts, errors and percentiles, or analyse the \
     console in a dir of its own";

fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let json = read_json(path)?;
    let bad = |why: String| problem(path, None, why);
    let count = |key: &str| -> Result<u64, Problem> {
        match json.get(key) {
            None | Some(Value::Null) => Ok(0),
            Some(v) => v
                .as_u64()
                .ok_or_else(|| bad(format!("`{key}`: {v} is not a count"))),
        }
    };
    let responses = json
        .pointer("/requests/total")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad("no `requests.total` count: not an autocannon --json result".into()))?;
    let errors = count("errors")?;
    let timeouts = count("timeouts")?.min(errors);
    let mut s = ToolSummary::new("autocannon");
    // Without `--expectBody` nothing is checked and `mismatches` is 0: no checks.
    let mismatches = count("mismatches")?.min(responses);
    if mismatches > 0 {
        (s.script_checks).add("--expectBody", responses - mismatches, mismatches);
    }
    s.duration_s = json.get("duration").and_then(Value::as_f64);
    s.users = json
        .get("connections")
        .and_then(Value::as_u64)
        .and_then(|c| u32::try_from(c).ok());
    let rate = ["overallRate", "connectionRate"]
        .iter()
        .find_map(|k| json.get(*k).and_then(Value::as_f64).map(|r| (*k, r)));
    if let Some((key, r)) = rate {
        s.notes.push(format!(
            "{}: autocannon ran with {key} {r}: requests were paced, so its connections cap \
             what is in flight rather than being users",
            path.shown()
        ));
        // `connectionRate` paces each connection: the plan is it × the connections.
        s.arrival_rate_rps = match key {
            "overallRate" => Some(r),
            _ => s.users.map(|c| r * f64::from(c)),
        };
        s.users = None;
    } else {
        // autocannon's JSON keeps no rate: its command line may.
        super::autocannon_command::apply(path, "", &mut s);
    }
    let window = ["start", "finish"].map(|k| {
        json.get(k)
            .and_then(Value::as_str)
            .and_then(|t| humantime::parse_rfc3339_weak(t).ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_millis()).ok())
    });
    if let [Some(a), Some(b)] = window {
        if b > a {
            s.window_ms = Some((a, b));
        }
    }

    let latency = latency(&json, responses);
    if let Some(note) = sub_ms_note(&latency) {
        s.notes.push(format!("{}: {note}", path.shown()));
    }
    let requests = add_counts(path, None, "the responses and errors", responses, errors)?;
    let name = json
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| super::summary::file_stem(path));
    let mut ep = endpoint(EndpointKey::new(None, &name), requests, latency);
    if let Some(b) = json.pointer("/throughput/total").and_then(Value::as_f64) {
        ep.bytes_received = Some(b.max(0.0) as u64);
    }
    let mut failed: Vec<(FailureKind, u64, String)> = vec![
        (
            FailureKind::Timeout,
            timeouts,
            "autocannon: timeouts".into(),
        ),
        (
            FailureKind::Other,
            errors - timeouts,
            "autocannon: errors (not timeouts)".into(),
        ),
    ];
    let by_code: Vec<(u16, u64)> = json
        .get("statusCodeStats")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(code, v)| {
                    Some((code.parse().ok()?, v.get("count").and_then(Value::as_u64)?))
                })
                .collect()
        })
        .unwrap_or_default();
    if by_code.is_empty() {
        for (d, class) in [(4, "4xx"), (5, "5xx")] {
            failed.push((
                FailureKind::StatusClass(d),
                count(class)?,
                format!("HTTP status {class} (autocannon prints the class only)"),
            ));
        }
    } else {
        for (code, n) in by_code.into_iter().filter(|(c, _)| *c >= 400) {
            failed.push((FailureKind::Status(code), n, String::new()));
        }
    }
    add_failures(path, None, &mut ep, &failed)?;
    s.endpoints.push(ep);
    label_corrected(path, &json, responses, &mut s);
    super::autocannon_command::name_method(path, "", &mut s);
    Ok(s)
}

/// Labels `s`'s latencies as corrected for coordinated omission when its histogram
/// (`latency.totalCount`) holds more samples than the run had `responses`: a paced
/// run's, with the samples autocannon added for slow answers.
fn label_corrected(path: &Path, json: &Value, responses: u64, s: &mut ToolSummary) {
    let samples = json.pointer("/latency/totalCount").and_then(Value::as_u64);
    if let Some(n) = samples.filter(|n| *n > responses) {
        super::autocannon_command::corrected_latencies(path, s, Some((n, responses)));
    }
}

/// What a summary whose percentiles reach 0 ms means, as a note: autocannon records
/// whole milliseconds, cut down, and gives the smallest non-zero one as its `min`.
fn sub_ms_note(latency: &LatencyDistribution) -> Option<&'static str> {
    let LatencyDistribution::Summary(sum) = latency else {
        return None;
    };
    (sum.min_ms == Some(0.0)).then_some(
        "autocannon records latencies in whole milliseconds, cut down (0 ms is under 1 ms), \
         and its `min` is the smallest non-zero one: with percentiles at 0 ms the minimum is \
         taken as 0 ms",
    )
}

/// autocannon's latency figures (ms) as a tool summary of its `responses`.
fn latency(json: &Value, responses: u64) -> LatencyDistribution {
    let lat = json.get("latency").cloned().unwrap_or(Value::Null);
    let ms = |k: &str| lat.get(k).and_then(Value::as_f64).filter(|_| responses > 0);
    let mut points: Vec<(f64, f64)> = lat
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    let p: f64 = k.strip_prefix('p')?.replace('_', ".").parse().ok()?;
                    Some((p, v.as_f64()?))
                })
                .collect()
        })
        .unwrap_or_default();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    if responses == 0 {
        points.clear();
    }
    // Its `min` is the smallest non-zero value: a 0 among the percentiles (answers
    // under 1 ms) is the true minimum.
    let zero = points.first().is_some_and(|(_, v)| *v == 0.0);
    LatencyDistribution::Summary(PercentileSummary {
        count: responses,
        mean_ms: ms("mean").or_else(|| ms("average")),
        min_ms: if zero { Some(0.0) } else { ms("min") },
        max_ms: ms("max"),
        points,
        merged: false,
        co_corrected: false,
    })
}
