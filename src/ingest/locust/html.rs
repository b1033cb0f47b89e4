//! Locust's HTML report (`locust --html report.html`, or the web UI's download), as
//! Locust 2.22 and later write it: a page whose data is one JSON object,
//! `window.templateArgs = {…}`, beside the page's script.
//!
//! * `requests_statistics` has an entry per endpoint and the `Aggregated` one:
//!   `num_requests`, `num_failures`, `avg_response_time`, `min_response_time`,
//!   `max_response_time`; `response_time_statistics` the percentiles Locust computed
//!   for each (`"0.5"` … `"1.0"`): a tool summary, in ms, rounded by Locust to about
//!   two significant digits.
//! * `failures_statistics` lists each endpoint's errors with their `occurrences`: the
//!   failures' kinds (`HTTPError('503 …')` → `status:503`).
//! * The window starts at `start_time` (whole seconds) and lasts the `Aggregated`
//!   requests ÷ its `total_rps` (Locust's rate over its own measured window); the
//!   users are the most `user_count` in `history`.
//! * Locust before 2.22 wrote the page from a template instead, with no data object:
//!   read by `html_legacy.rs`.
//! * Read alone, one whole-run stage. Beside the Locust CSVs of the same run it is the
//!   same data, checked on its requests (`run_dir/pairs.rs`): the report is written as
//!   Locust ends, so it holds requests the CSVs' last write missed.

use crate::model::untrusted::Shown;
use std::path::Path;

use serde_json::{Map, Value};

use super::failures::add_within_failures;
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::summary::{endpoint, read_file_text, ToolSummary};
use crate::ingest::text::parse_rfc3339_ms;
use crate::ingest::{problem, Format};
use crate::model::{EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem};

/// The `locust-html` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::LocustHtml,
    name: "locust-html",
    tool: "locust",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[
        "Locust's HTML report holds Locust's own whole-run figures (percentiles rounded by \
         Locust); beside the CSVs of the same run it checks that they hold the whole run",
    ],
    detected_by: "an HTML page titled `Locust` (its data in `window.templateArgs`), or headed \
                  `Locust Test Report` (before Locust 2.22)",
    example: "locust --headless --html report.html -f locustfile.py",
};

/// Where the report's data starts.
const DATA: &str = "window.templateArgs = ";

/// True for Locust's HTML report: an HTML page whose title is Locust's, or (before
/// 2.22) whose heading is.
pub fn sniff(head: &str) -> bool {
    let h = head.trim_start_matches('\u{feff}').trim_start();
    (h.starts_with("<!DOCTYPE html") || h.starts_with("<html"))
        && (head.contains("<title>Locust</title>")
            || head.contains(DATA)
            || head.contains(super::html_legacy::HEADING))
}

/// The report's data object.
fn data(path: &Path, text: &str) -> Result<Map<String, Value>, Problem> {
    let at = text.find(DATA).ok_or_else(|| {
        problem(
            path,
            None,
            "a Locust HTML page without `window.templateArgs` (the web UI's page rather than \
             its report): not read; run Locust with --csv",
        )
    })?;
    let line = text[..at].lines().count() as u64;
    let mut values = serde_json::Deserializer::from_str(&text[at + DATA.len()..]).into_iter();
    match values.next() {
        Some(Ok(Value::Object(m))) => Ok(m),
        Some(Err(e)) => Err(problem(
            path,
            Some(line + e.line() as u64 - 1),
            format!("`window.templateArgs` is not valid JSON: {e}"),
        )),
        _ => Err(problem(
            path,
            Some(line),
            "`window.templateArgs` is not a JSON object",
        )),
    }
}

/// An entry's text field (`""` when absent).
fn text<'a>(e: &'a Map<String, Value>, key: &str) -> &'a str {
    e.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The entries of a list field (none when absent).
fn entries<'a>(d: &'a Map<String, Value>, key: &str) -> Vec<&'a Map<String, Value>> {
    (d.get(key).and_then(Value::as_array).into_iter().flatten())
        .filter_map(Value::as_object)
        .collect()
}

/// Locust's percentiles of `(method, name)` from `response_time_statistics`.
fn percentiles(d: &Map<String, Value>, method: &str, name: &str) -> Vec<(f64, f64)> {
    let Some(row) = entries(d, "response_time_statistics")
        .into_iter()
        .find(|r| text(r, "method") == method && text(r, "name") == name)
    else {
        return Vec::new();
    };
    let mut points: Vec<(f64, f64)> = row
        .iter()
        .filter_map(|(k, v)| {
            let q: f64 = k.parse().ok()?;
            let ms = v.as_f64().filter(|ms| ms.is_finite() && *ms >= 0.0)?;
            (q > 0.0 && q <= 1.0).then_some((q * 100.0, ms))
        })
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points
}

/// Reads a Locust HTML report, of either generation.
fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let page = read_file_text(path)?;
    if !page.contains(DATA) && page.contains(super::html_legacy::HEADING) {
        return super::html_legacy::read(path, &page);
    }
    let d = data(path, &page)?;
    let mut s = ToolSummary::new("locust");
    let mut total_rps = None;
    for e in entries(&d, "requests_statistics") {
        let (method, name) = (text(e, "method"), text(e, "name"));
        let bad = |why: &str| problem(path, None, format!("`{name}`: {why}"));
        let count = |key: &str| match e.get(key) {
            None | Some(Value::Null) => Ok(0),
            Some(v) => v
                .as_u64()
                .ok_or_else(|| bad(&format!("`{key}` is not a count"))),
        };
        let (requests, failures) = (count("num_requests")?, count("num_failures")?);
        if failures > requests {
            return Err(bad("more failures than requests"));
        }
        let ms = |key: &str| e.get(key).and_then(Value::as_f64).filter(|v| v.is_finite());
        let latency = PercentileSummary {
            sd_ms: None,
            count: requests,
            mean_ms: ms("avg_response_time"),
            min_ms: ms("min_response_time"),
            max_ms: ms("max_response_time"),
            points: percentiles(&d, method, name),
            merged: false,
            co_corrected: false,
        };
        let aggregated = name == "Aggregated" && method.is_empty();
        let key = EndpointKey::new((!method.is_empty()).then_some(method), name);
        let mut ep = endpoint(key, requests, LatencyDistribution::Summary(latency));
        ep.failures = failures;
        if aggregated {
            total_rps = ms("total_rps").filter(|r| *r > 0.0).map(|r| (requests, r));
            s.aggregate = Some(ep);
        } else {
            s.endpoints.push(ep);
        }
    }
    if s.endpoints.is_empty() {
        return Err(problem(path, None, NO_REQUESTS));
    }
    let failures = entries(&d, "failures_statistics")
        .into_iter()
        .filter_map(|f| {
            let n = f.get("occurrences").and_then(Value::as_u64)?;
            Some((text(f, "method"), text(f, "name"), text(f, "error"), n))
        });
    add_kinds(failures, &mut s);
    let start = d
        .get("start_time")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339_ms);
    s.duration_s = total_rps.map(|(n, rps)| n as f64 / rps);
    if let (Some(start), Some(secs)) = (start, s.duration_s) {
        s.window_ms = Some((start, start + (secs * 1000.0).round() as i64));
    }
    s.users = users(&d, path, &mut s.notes);
    s.notes.push(
        "Locust's HTML report: Locust's own whole-run figures (ramps included), percentiles \
         rounded by Locust to about two significant digits"
            .into(),
    );
    Ok(s)
}

/// Why a report with no endpoint is not read.
pub(super) const NO_REQUESTS: &str =
    "no request statistics in the report (Locust made no requests)";

/// The users of the run, from the report's `history` (`user_count`: `[time, n]`).
fn users(d: &Map<String, Value>, path: &Path, notes: &mut Vec<String>) -> Option<u32> {
    let samples: Vec<(i64, f64)> = entries(d, "history")
        .iter()
        .filter_map(|h| {
            let pair = h.get("user_count")?.as_array()?;
            let t = parse_rfc3339_ms(pair.first()?.as_str()?)?;
            Some((t, pair.get(1)?.as_f64()?))
        })
        .collect();
    one_level(&samples, path, notes)
}

/// The users of `(time, users)` samples: their one level, or `None` with a note when
/// the users stepped through several levels (a `LoadTestShape`, `--users` changed in
/// the web UI): whole-run figures are then no one load level's, and giving them the
/// top level's users would misplace them.
pub(super) fn one_level(
    samples: &[(i64, f64)],
    path: &Path,
    notes: &mut Vec<String>,
) -> Option<u32> {
    let top = samples
        .iter()
        .map(|s| s.1)
        .fold(None, |m: Option<f64>, u| Some(m.map_or(u, |m| m.max(u))));
    let levels = crate::ingest::stages::plateaus(samples);
    if levels.len() > 1 {
        let each: Vec<String> = levels.iter().map(|p| p.users.to_string()).collect();
        notes.push(format!(
            "{}: Locust's users stepped through {} levels ({}): its whole-run figures are \
             no one load level's, so the stage has no users; run Locust with --csv \
             --csv-full-history for a stage per level",
            path.shown(),
            levels.len(),
            each.join(" → ")
        ));
        return None;
    }
    top.and_then(|u| u32::try_from(u as u64).ok())
}

/// Gives each endpoint (and the aggregate) the kinds of its failures statistics
/// (`(method, name, error, occurrences)`); the rest of its failures stay `other`.
pub(super) fn add_kinds<'a>(
    failures: impl Iterator<Item = (&'a str, &'a str, &'a str, u64)>,
    s: &mut ToolSummary,
) {
    for (method, name, error, n) in failures {
        let kind = FailureKind::classify(None, error);
        if let Some(ep) = (s.endpoints.iter_mut())
            .find(|ep| ep.key.name == name && ep.key.method.as_deref().unwrap_or("") == method)
        {
            add_within_failures(ep, kind, Some(error), n);
        }
        if let Some(agg) = s.aggregate.as_mut() {
            add_within_failures(agg, kind, None, n);
        }
    }
    for ep in s.endpoints.iter_mut().chain(s.aggregate.as_mut()) {
        let known: u64 = ep.failures_by_kind.values().sum();
        if ep.failures > known {
            ep.add_failure(FailureKind::Other, None, ep.failures - known);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_locusts_report_page() {
        assert!(sniff(
            "<!DOCTYPE html>\n<html lang=\"en\">\n <head>\n <title>Locust</title>"
        ));
        assert!(!sniff(
            "<!DOCTYPE html>\n<html><head><title>Gatling Stats</title>"
        ));
        assert!(!sniff("Type,Name,Request Count"));
    }
}
