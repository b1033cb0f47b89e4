//! vegeta's JSON report (`vegeta report -type=json > report.json`; its text report is
//! `vegeta_text.rs`, the per-request encodings `vegeta.rs`): one object, Go's
//! `Metrics` (`lib/metrics.go`), read as the text report is (`vegeta_text::summarise`):
//!
//! * `requests` and `status_codes` (`{"200": 4501, "0": 12}`): the requests by status;
//!   failures are codes 0 (no answer) and ≥ 400; `success` (0–1, the 2xx–3xx share) is
//!   checked against them. `errors` lists each error message once: code 0's kind.
//! * `latencies` (`total`, `mean`, `50th`, `90th`, `95th`, `99th`, `max`, `min`, in
//!   **nanoseconds**; before v12.8 no `90th` nor `min`): a tool summary over every
//!   request, its percentiles vegeta's own (a t-digest's estimates).
//! * `duration` (ns): first to last request sent, the attack, as the text report's;
//!   `wait` after it. `rate` (requests over the attack) is the rate vegeta sent at, the
//!   arrival rate; `throughput` (successes over attack and wait) is not needed.
//! * `earliest` and `latest` (RFC 3339): the attack's window, first to last request
//!   sent (`end` adds the last one's latency).
//! * `vegeta report -type=json -every 10s > report.json` writes the report again at
//!   each interval (after the terminal's clear-screen codes), each the attack's figures
//!   so far: the last is the whole attack's and is read. Reports of other attacks
//!   appended to one file (`>>`: another `earliest`, or fewer requests) are not
//!   snapshots: the first is read and the others named.

use crate::model::untrusted::Shown;
use std::path::Path;

use serde_json::Value;

use super::problem;
use super::summary::{read_file_text, ToolSummary};
use super::text::{parse_rfc3339_ms, without_ansi};
use super::vegeta_text::{self, Parsed};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::Problem;

/// The `vegeta-report-json` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::VegetaReportJson,
    name: "vegeta-report-json",
    tool: "vegeta",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[],
    detected_by: "JSON object with latencies, bytes_in, requests and status_codes",
    example: "vegeta report -type=json < results.bin > report.json",
};

/// True for vegeta's JSON report (after any clear-screen codes of `-every`).
pub fn sniff(head: &str) -> bool {
    // Go writes `latencies` first; a file re-saved by jq (`-S`) has its keys sorted.
    let c = super::oha::compact(&without_ansi(head));
    c.starts_with('{')
        && [
            "\"latencies\":",
            "\"bytes_in\":",
            "\"bytes_out\":",
            "\"requests\":",
        ]
        .iter()
        .all(|k| head.contains(k))
}

/// The file's report objects, in order.
fn objects(path: &Path) -> Result<Vec<Value>, Problem> {
    let text = without_ansi(&read_file_text(path)?);
    let mut out = Vec::new();
    for v in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
        match v {
            Ok(v) => out.push(v),
            Err(e) => {
                let cut = if e.is_eof() {
                    "cut short (the JSON ends before it closes: vegeta was interrupted or \
                     the output cut; nothing in it is read): "
                } else {
                    ""
                };
                return Err(problem(
                    path,
                    Some(e.line() as u64),
                    format!("{cut}not valid JSON: {e}"),
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(problem(path, None, "empty: no vegeta report in it"));
    }
    Ok(out)
}

/// Which object of several is the attack's whole: the last when they are `-every`
/// snapshots of one attack (one `earliest`, requests never fewer), else the first, with
/// a note naming the ones left out.
fn pick(path: &Path, mut objects: Vec<Value>) -> (Value, Option<String>) {
    let requests = |v: &Value| v.get("requests").and_then(Value::as_u64).unwrap_or(0);
    let earliest = |v: &Value| v.get("earliest").cloned();
    let snapshots = objects.windows(2).all(|w| {
        requests(&w[1]) >= requests(&w[0])
            && (requests(&w[0]) == 0 || earliest(&w[0]) == earliest(&w[1]))
    });
    let n = objects.len();
    if snapshots {
        return (objects.pop().unwrap_or(Value::Null), None);
    }
    let note = format!(
        "{}: {n} vegeta reports of different attacks appended in one file (their `earliest` \
         or their requests differ): the first is read, the {} after it are not; give each \
         its own file",
        path.shown(),
        n - 1
    );
    (objects.swap_remove(0), Some(note))
}

/// The report as a tool summary (its checks against per-request results read it too).
pub fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let (json, left_out) = pick(path, objects(path)?);
    let bad = |why: String| problem(path, None, why);
    let requests = (json.get("requests").and_then(Value::as_u64)).ok_or_else(|| {
        bad("no `requests` count: not a whole `vegeta report -type=json` object".into())
    })?;
    let codes = status_codes(&json).map_err(bad)?;
    let ns_ms = |v: &Value| v.as_f64().map(|ns| ns / 1e6);
    let lat = json.get("latencies").cloned().unwrap_or(Value::Null);
    let at = |k: &str| lat.get(k).and_then(ns_ms).filter(|_| requests > 0);
    let points = [
        (50.0, "50th"),
        (90.0, "90th"),
        (95.0, "95th"),
        (99.0, "99th"),
    ]
    .iter()
    .filter_map(|(p, k)| Some((*p, at(k)?)))
    .collect();
    let p = Parsed {
        requests: Some(requests),
        rate: json.get("rate").and_then(Value::as_f64),
        attack_ms: json.get("duration").and_then(ns_ms),
        points,
        // Before v12.8 there is no `min`; vegeta's min of an empty attack is 0.
        min: at("min"),
        mean: at("mean"),
        max: at("max"),
        success: json.get("success").and_then(Value::as_f64),
        codes: None,
        errors: (json.get("errors").and_then(Value::as_array))
            .map(|e| {
                e.iter()
                    .filter_map(|m| m.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let mut s = vegeta_text::summarise(path, p, requests, codes)?;
    let time = |k: &str| {
        json.get(k)
            .and_then(Value::as_str)
            .and_then(parse_rfc3339_ms)
    };
    // The requests' starts, as the per-request encodings' span is (the attack).
    if let (Some(a), Some(b)) = (time("earliest"), time("latest")) {
        if requests > 0 && b > a {
            s.window_ms = Some((a, b));
        }
    }
    s.notes.push(format!(
        "{}: vegeta's JSON report: its percentiles are vegeta's own estimates (a t-digest \
         over every request), not headroom's; keep `vegeta encode` output for per-request \
         figures",
        path.shown()
    ));
    s.left_out_runs(left_out);
    Ok(s)
}

/// `status_codes` as (code, count) pairs; a code or count that is not a number is a
/// problem.
fn status_codes(json: &Value) -> Result<Vec<(u16, u64)>, String> {
    let Some(map) = json.get("status_codes").and_then(Value::as_object) else {
        return Err("no `status_codes` object: the report was cut or edited".into());
    };
    map.iter()
        .map(|(code, v)| match (code.parse::<u16>(), v.as_u64()) {
            (Ok(c), Some(n)) => Ok((c, n)),
            _ => Err(format!(
                "`status_codes`: \"{code}\": {v} is not a status code and its count"
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_report_and_its_every_snapshots() {
        let one = r#"{"latencies":{"total":1,"mean":1},"bytes_in":{"total":0,"mean":0},"bytes_out":{"total":0,"mean":0},"requests":1,"status_codes":{"200":1}}"#;
        assert!(sniff(one));
        assert!(sniff(&format!("\u{1b}[2J\u{1b}[0;0H{one}\n")));
        assert!(!sniff(r#"{"latency":1,"bytes_in":0,"timestamp":"x"}"#));
    }
}
