//! autocannon's `--json` result (`autocannon --json URL > result.json`).
//!
//! * A team's capture often has more than the JSON: the command echoed above it
//!   (`{ echo "$ autocannon -c 50 -j URL"; autocannon -c 50 -j URL; } > result.json`),
//!   npx's notices or other lines merged with `2>&1`, text below it. The result is the
//!   JSON object that starts a line of its own (`{`); the text above it since the
//!   previous result is its preface, where its command line is looked for. Several
//!   results appended to one file (`>>`, a shell loop) are read run by run, as a
//!   console's are ([`ToolSummary::add_later_runs`]). With `--warmup` autocannon prints
//!   the warm-up's result on a line before the run's, which holds it again as its
//!   `warmup`: that line is the warm-up, not a run, and is left out with a note.
//! * Requests are the responses (`requests.total`) plus the `errors` (autocannon
//!   counts a timeout as an error too, and `timeouts` says how many of them were).
//! * Failures: the errors (timeouts → `timeout`, the rest → `other`) and the answers
//!   with status ≥ 400 — by code from `statusCodeStats` when the file has it, else
//!   from the `4xx`/`5xx` counts (kinds `status:4xx`/`status:5xx`: the class alone). `non2xx` also
//!   counts 1xx/3xx answers, which are not failures.
//! * Latency is autocannon's own summary (`latency`: p0.001 … p99.999 as `p2_5` keys,
//!   min, max, mean and `stddev`, the mean and sd to two decimals; ms) over the
//!   responses. autocannon records whole milliseconds,
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
//! * `connections` are the users (a closed model) — × the `pipelining` factor, since
//!   each connection then keeps that many requests in flight (`-p 4`: 10 connections
//!   are 40 requests at once, as Little's law sees them) — unless the run was paced: an
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
use super::summary::{add_counts, add_failures, endpoint, read_file_text, ToolSummary};
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
    let Some(at) = json_start(head, 0) else {
        return false;
    };
    let head = &head[at..];
    head.contains("\"connections\"")
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

/// Where the first JSON object at or after byte `from` (a line's start) begins: on the
/// first line that opens with `{` (blanks before it allowed).
fn json_start(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    for line in text[from..].split_inclusive('\n') {
        let blanks = line.len() - line.trim_start().len();
        if line.trim_start().starts_with('{') {
            return Some(at + blanks);
        }
        at += line.len();
    }
    None
}

/// One autocannon result of a capture: its JSON, the text above it since the previous
/// result (an echoed command line), and the number of lines before it.
struct Found<'a> {
    json: Value,
    preface: &'a str,
    before: u64,
}

/// The autocannon results of `text`, in order: each JSON object that starts a line and
/// holds autocannon's `connections` and `latency` (other JSON lines are skipped), or
/// the problem of one that is not valid JSON (cut short), at its line; nothing is
/// looked for after that.
fn results<'a>(path: &Path, text: &'a str) -> Vec<Result<Found<'a>, Problem>> {
    let mut found = Vec::new();
    let (mut preface_from, mut from) = (0, 0);
    while let Some(open) = json_start(text, from) {
        let before = text[..open].matches('\n').count() as u64;
        let mut stream = serde_json::Deserializer::from_str(&text[open..]).into_iter::<Value>();
        let json = match stream.next() {
            Some(Ok(json)) => json,
            Some(Err(e)) => {
                found.push(Err(super::summary::json_problem(path, before, &e)));
                break;
            }
            None => break,
        };
        let end = open + stream.byte_offset();
        // The next line's start.
        from = end + text[end..].find('\n').map_or(text.len() - end, |i| i + 1);
        if json.get("connections").is_some() && json.get("latency").is_some() {
            found.push(Ok(Found {
                json,
                preface: &text[preface_from..open],
                before,
            }));
            preface_from = from;
        }
    }
    found
}

/// True when `warmup` is the warm-up autocannon printed before `run` (`--warmup`): `run`
/// holds it as its `warmup`.
fn is_warmup_of(warmup: &Value, run: &Value) -> bool {
    let start = |v: &Value| v.get("start").cloned();
    run.get("warmup")
        .is_some_and(|w| w == warmup || (start(w).is_some() && start(w) == start(warmup)))
}

/// The file's runs: the first, with the later ones (results appended one after
/// another) as its [`ToolSummary::later_runs`]; a `--warmup`'s result is left out.
fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let text = read_file_text(path)?;
    let mut found = results(path, &text);
    let mut warmups = Vec::new();
    let mut i = 0;
    while i + 1 < found.len() {
        match (&found[i], &found[i + 1]) {
            (Ok(w), Ok(r)) if is_warmup_of(&w.json, &r.json) => {
                warmups.push(w.before + 1);
                let _ = found.remove(i);
            }
            _ => i += 1,
        }
    }
    let mut found = found.into_iter();
    let first = found.next().unwrap_or_else(|| {
        Err(problem(
            path,
            None,
            "no autocannon --json result: no line opens its JSON object",
        ))
    })?;
    let mut s = read_run(path, first.json, first.preface)?;
    for line in warmups {
        s.notes.push(format!(
            "{}: the result at line {line} is autocannon's warm-up (`--warmup`), printed \
             before the run's: it is left out, and the run's figures cover the run after it",
            path.shown()
        ));
    }
    let later: Vec<(u64, Result<ToolSummary, Problem>)> = found
        .map(|f| match f {
            Ok(f) => (f.before + 1, read_run(path, f.json, f.preface)),
            Err(p) => (p.line.unwrap_or(0), Err(p)),
        })
        .collect();
    if !later.is_empty() {
        let all: Vec<(&str, u64)> = std::iter::once(0)
            .chain(later.iter().map(|(line, _)| line.saturating_sub(1)))
            .map(|before| ("", before))
            .collect();
        s.later_runs_unread = Some(super::appended::later_runs_note(path, &all, 0));
    }
    let total = 1 + later.len();
    s.add_later_runs(path, total, later);
    Ok(s)
}

/// One autocannon result (`json`), whose command line may be in `preface`, the text
/// above it.
fn read_run(path: &Path, json: Value, preface: &str) -> Result<ToolSummary, Problem> {
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
    load(path, &json, preface, &mut s);
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
    super::autocannon_command::name_method(path, preface, &mut s);
    super::autocannon_command::timeout(path, preface, &mut s);
    Ok(s)
}

/// The run's load: its `connections` as users (× the pipelining factor), or the rate
/// that paced it (a rate key in the file, else its command line in `preface`).
fn load(path: &Path, json: &Value, preface: &str, s: &mut ToolSummary) {
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
        super::autocannon_command::apply(path, preface, s);
    }
    // Unpaced, each connection keeps its pipelining factor's requests in flight.
    let pipelining = json.get("pipelining").and_then(Value::as_u64);
    if let (Some(c), Some(p)) = (s.users, pipelining.and_then(|p| u32::try_from(p).ok())) {
        if p > 1 {
            pipelined(path, c, p, s);
        }
    }
}

/// Makes `s`'s users the requests autocannon's `connections` kept in flight with a
/// pipelining factor `p` (`-p`): each connection sends `p` requests without waiting, so
/// `connections × p` are outstanding at once, the concurrency Little's law sees; a
/// note says so.
pub fn pipelined(path: &Path, connections: u32, p: u32, s: &mut ToolSummary) {
    let users = connections.saturating_mul(p);
    s.users = Some(users);
    s.notes.push(format!(
        "{}: autocannon ran {connections} connections with a pipelining factor of {p} \
         (-p): each kept {p} requests in flight, so the stage's users are the {users} \
         requests outstanding at once",
        path.shown()
    ));
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
        sd_ms: ms("stddev").filter(|sd| *sd >= 0.0),
        count: responses,
        mean_ms: ms("mean").or_else(|| ms("average")),
        min_ms: if zero { Some(0.0) } else { ms("min") },
        max_ms: ms("max"),
        points,
        merged: false,
        co_corrected: false,
    })
}
