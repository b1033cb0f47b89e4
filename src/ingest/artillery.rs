//! Artillery JSON reports (`artillery run --output report.json`), both
//! generations: v1 (≤ 1.7: `aggregate.latency`, `codes`, `errors`) and v2 (dotted
//! `counters`, `summaries`/`histograms` keyed by metric, epoch-ms `firstMetricAt`…).
//!
//! * **Requests** are the answered requests (status codes) plus transport errors
//!   (`ETIMEDOUT`, `ECONNREFUSED`, TLS errors…: each is a request sent that got no
//!   answer, so it counts as a request). An error that is not a transport code (a failed capture or `expect`)
//!   happened on a request already counted: it is a failure of kind `assertion`, not an
//!   extra request.
//! * **Failures**: status ≥ 400 (`status:NNN`), transport errors (kind from the code),
//!   those assertion errors (failures never exceed requests).
//! * **Latency** is Artillery's own summary (`http.response_time`, ms). A v1 report
//!   whose `latencies` arrays list every request (`[epoch ms, id, latency ns, code]`) is
//!   read exactly instead.
//! * v2 with the `metrics-by-endpoint` plugin gives per-endpoint figures
//!   (`plugins.metrics-by-endpoint.<name>.codes.200`, `…response_time.<name>`);
//!   otherwise the single endpoint is named after the file. `intermediate` periods feed
//!   the time series (counts, Artillery's own p50/p95).
//! * **Phases** listed in the report with a constant arrival rate become open-model
//!   stages (the `phases` module); without them the run is one stage.

use crate::model::untrusted::Shown;

pub mod console;
mod phases;
mod script;

pub use phases::{IN_NO_STAGE, MIXED_LOADS};

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::stages::StagePlan;
use super::summary::{build, endpoint, file_stem, read_json, record_ms_n, too_many, ToolSummary};
use super::text::parse_rfc3339_ms;
use super::{problem, IngestOptions};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{
    latency_possible, new_histogram, EndpointKey, EndpointStats, FailureKind, LatencyDistribution,
    PercentileSummary, Problem, Source, TimeSeries,
};

/// The `artillery-json` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::ArtilleryJson,
    name: "artillery-json",
    tool: "artillery",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Source(build_source),
    splittable: false,
    notes: &[],
    detected_by: "JSON object with aggregate and intermediate",
    example: "artillery run --output report.json script.yml",
};

/// True for an Artillery report: a JSON object whose first key is `aggregate` or
/// `intermediate`.
pub fn sniff(head: &str) -> bool {
    let c = super::oha::compact(head);
    c.starts_with("{\"aggregate\":") || c.starts_with("{\"intermediate\":")
}

/// Builds the source of one Artillery report.
pub fn build_source(
    path: &Path,
    plan: &StagePlan,
    opts: &IngestOptions,
) -> Result<Source, Problem> {
    let mut src = build(path, read(path), plan, opts)?;
    phases::apply(path, &mut src, plan, opts);
    Ok(src)
}

fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let json = read_json(path)?;
    let aggregate = json
        .get("aggregate")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            problem(
                path,
                None,
                "no `aggregate` object: not a finished Artillery report",
            )
        })?;
    let intermediate: &[Value] = json
        .get("intermediate")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    if aggregate.contains_key("counters") && !aggregate.contains_key("latency") {
        v2(path, aggregate, intermediate)
    } else if aggregate.contains_key("latency") || aggregate.contains_key("requestsCompleted") {
        v1(path, aggregate, intermediate)
    } else {
        Err(problem(
            path,
            None,
            "`aggregate` has neither `counters` (v2) nor `latency` (v1)",
        ))
    }
}

/// Outcome counts of one scope (an endpoint, or everything).
#[derive(Clone, Debug, Default)]
struct Outcomes {
    /// Answered requests.
    answered: u64,
    /// `(kind, count, message)` of every failure.
    failures: Vec<(FailureKind, u64, String)>,
    /// Transport errors (counted as requests too).
    transport: u64,
    /// True once a count added up past a u64 (the file's numbers are not real).
    overflow: bool,
}

/// `*slot += n`, or sets `overflow` when the sum does not fit a u64.
fn add_to(slot: &mut u64, n: u64, overflow: &mut bool) {
    match slot.checked_add(n) {
        Some(sum) => *slot = sum,
        None => *overflow = true,
    }
}

impl Outcomes {
    fn status(&mut self, code: &str, n: u64) {
        add_to(&mut self.answered, n, &mut self.overflow);
        if let Ok(status) = code.parse::<u16>() {
            if status >= 400 {
                self.failures
                    .push((FailureKind::Status(status), n, String::new()));
            }
        }
    }

    fn error(&mut self, code: &str, n: u64) {
        let kind = error_kind(code);
        if kind != FailureKind::Assertion {
            add_to(&mut self.transport, n, &mut self.overflow);
        }
        self.failures.push((kind, n, code.to_string()));
    }

    fn requests(&self) -> u64 {
        self.answered.saturating_add(self.transport)
    }

    /// Every failure counted once (saturating: [`Outcomes::check`] rejects a sum past
    /// a u64 first).
    fn failed(&self) -> u64 {
        self.failures
            .iter()
            .fold(0u64, |sum, f| sum.saturating_add(f.1))
    }

    /// The problem of counts in `path` that add up past a u64.
    fn check(&self, path: &Path) -> Result<(), Problem> {
        let mut overflow = self.overflow;
        let mut sum = self.answered;
        add_to(&mut sum, self.transport, &mut overflow);
        let mut failed = 0;
        for f in &self.failures {
            add_to(&mut failed, f.1, &mut overflow);
        }
        if overflow {
            return Err(too_many(path, None, "the Artillery report's counts"));
        }
        Ok(())
    }

    /// Fills an endpoint's counts and failures.
    fn apply(&self, path: &Path, ep: &mut EndpointStats) -> Result<(), Problem> {
        self.check(path)?;
        ep.requests = self.requests();
        for (kind, n, message) in &self.failures {
            ep.add_failure(*kind, Some(message.as_str()).filter(|m| !m.is_empty()), *n);
        }
        ep.failures = self.failed().min(ep.requests);
        Ok(())
    }
}

/// Adds one intermediate period's counts to its interval; the problem of counts in
/// `path` that add up past a u64.
fn add_interval(
    path: &Path,
    iv: &mut crate::model::Interval,
    requests: u64,
    failures: u64,
) -> Result<(), Problem> {
    let over = || too_many(path, None, "the Artillery report's intermediate counts");
    iv.requests = iv.requests.checked_add(requests).ok_or_else(over)?;
    iv.failures = iv.failures.checked_add(failures).ok_or_else(over)?;
    Ok(())
}

/// The failure kind of an Artillery (Node.js) error code; `assertion` for anything
/// that is not a transport error (captures, expectations, plugin errors).
fn error_kind(code: &str) -> FailureKind {
    let c = code.trim().to_ascii_uppercase();
    let transport_code =
        c.starts_with('E') && c.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_');
    if c.contains("TIMEDOUT") || c.contains("TIMEOUT") {
        FailureKind::Timeout
    } else if [
        "ECONNRESET",
        "EPIPE",
        "ECONNABORTED",
        "ERR_STREAM_PREMATURE_CLOSE",
    ]
    .contains(&c.as_str())
        || c.contains("SOCKET HANG UP")
    {
        FailureKind::Reset
    } else if c.starts_with("CERT_")
        || c.starts_with("UNABLE_TO_")
        || c.contains("SELF_SIGNED")
        || c.starts_with("ERR_TLS")
        || c.starts_with("ERR_SSL")
        || [
            "ECONNREFUSED",
            "ENOTFOUND",
            "EAI_AGAIN",
            "EHOSTUNREACH",
            "ENETUNREACH",
            "EPROTO",
        ]
        .contains(&c.as_str())
    {
        FailureKind::Connect
    } else if transport_code || c.starts_with("ERR_") {
        FailureKind::Other
    } else {
        FailureKind::Assertion
    }
}

fn count(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| *f >= 0.0 && f.is_finite())
            .map(|f| f.round() as u64)
    })
}

fn num(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    obj.get(key)
        .and_then(Value::as_f64)
        .filter(|f| f.is_finite())
}

/// A summary from Artillery's `{min, max, count, mean, p50/median, p75, p90, p95, p99,
/// p999}` (ms), or v1's `{min, max, median, p95, p99}`.
fn summary_of(obj: &Map<String, Value>, fallback_count: u64) -> PercentileSummary {
    let mut points = Vec::new();
    for (key, p) in [
        ("p50", 50.0),
        ("median", 50.0),
        ("p75", 75.0),
        ("p90", 90.0),
        ("p95", 95.0),
        ("p99", 99.0),
        ("p999", 99.9),
    ] {
        if let Some(v) = num(obj, key) {
            if !points.iter().any(|(q, _)| *q == p) {
                points.push((p, v));
            }
        }
    }
    let n = obj.get("count").and_then(count).unwrap_or(fallback_count);
    PercentileSummary {
        sd_ms: None,
        count: n,
        mean_ms: num(obj, "mean"),
        min_ms: num(obj, "min"),
        max_ms: num(obj, "max"),
        points,
        merged: false,
        co_corrected: false,
    }
}

/// v2: dotted counters and per-metric summaries.
fn v2(
    path: &Path,
    agg: &Map<String, Value>,
    intermediate: &[Value],
) -> Result<ToolSummary, Problem> {
    let counters = agg
        .get("counters")
        .and_then(Value::as_object)
        .ok_or_else(|| problem(path, None, "`aggregate.counters` is not an object"))?;
    let summaries = agg
        .get("summaries")
        .and_then(Value::as_object)
        .or_else(|| agg.get("histograms").and_then(Value::as_object));

    let total = outcomes_v2(counters, "");
    let mut out = ToolSummary::new("artillery");
    let response_time = summaries
        .and_then(|s| s.get("http.response_time"))
        .and_then(Value::as_object);
    let latency_of = |obj: Option<&Map<String, Value>>, answered: u64| match obj {
        Some(o) => LatencyDistribution::Summary(summary_of(o, answered)),
        None => LatencyDistribution::Summary(PercentileSummary::default()),
    };

    let names = endpoint_names(counters);
    let whole = || {
        let mut ep = endpoint(
            EndpointKey::new(None, &file_stem(path)),
            0,
            latency_of(response_time, total.answered),
        );
        total.apply(path, &mut ep)?;
        Ok::<_, Problem>(ep)
    };
    if names.is_empty() {
        out.endpoints.push(whole()?);
    } else {
        for name in &names {
            let o = outcomes_v2(counters, &format!("{BY}{name}."));
            let rt = summaries
                .and_then(|s| s.get(&format!("{BY}response_time.{name}")))
                .and_then(Value::as_object);
            let mut ep = endpoint(EndpointKey::new(None, name), 0, latency_of(rt, o.answered));
            o.apply(path, &mut ep)?;
            out.endpoints.push(ep);
        }
        out.aggregate = Some(whole()?);
    }
    if let Some(sent) = counters.get("http.requests").and_then(count) {
        if sent != total.requests() {
            out.notes.push(format!(
                "{}: Artillery counted {sent} requests sent; {} got an answer or a transport \
                 error (the rest were in flight at the end, or failed before sending)",
                path.shown(),
                total.requests()
            ));
        }
    }
    let first = num(agg, "firstMetricAt").or_else(|| num(agg, "firstCounterAt"));
    let last = num(agg, "lastMetricAt").or_else(|| num(agg, "lastCounterAt"));
    if let (Some(a), Some(b)) = (first, last) {
        if b > a {
            out.window_ms = Some((a as i64, b as i64));
            out.duration_s = Some((b - a) / 1000.0);
        }
    }
    out.timeline = timeline_v2(path, intermediate)?;
    Ok(out)
}

/// metrics-by-endpoint's counters' prefix: `plugins.metrics-by-endpoint.<name>.codes.200`,
/// `….<name>.errors.ETIMEDOUT`, and its summaries' `….response_time.<name>`.
const BY: &str = "plugins.metrics-by-endpoint.";

/// The endpoints metrics-by-endpoint counted, sorted, each once.
fn endpoint_names(counters: &Map<String, Value>) -> Vec<String> {
    let mut names: Vec<String> = counters
        .keys()
        .filter_map(|k| k.strip_prefix(BY))
        .filter_map(|rest| {
            rest.rsplit_once(".codes.")
                .or_else(|| rest.rsplit_once(".errors."))
                .map(|(name, _)| name.to_string())
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Each endpoint's outcomes and latency summary in one set of `counters` and
/// `summaries` (the aggregate's, or one intermediate period's).
fn by_endpoint(
    counters: &Map<String, Value>,
    summaries: Option<&Map<String, Value>>,
) -> Vec<(String, Outcomes, Option<PercentileSummary>)> {
    let names = endpoint_names(counters);
    (names.into_iter())
        .map(|name| {
            let o = outcomes_v2(counters, &format!("{BY}{name}."));
            let rt = summaries
                .and_then(|s| s.get(&format!("{BY}response_time.{name}")))
                .and_then(Value::as_object)
                .map(|r| summary_of(r, o.answered));
            (name, o, rt)
        })
        .collect()
}

/// Outcomes from counters under `prefix` (`""` for the whole run: `http.codes.NNN`,
/// `errors.CODE`; an endpoint: `<prefix>codes.NNN`, `<prefix>errors.CODE`).
fn outcomes_v2(counters: &Map<String, Value>, prefix: &str) -> Outcomes {
    let (codes, errors) = if prefix.is_empty() {
        ("http.codes.".to_string(), "errors.".to_string())
    } else {
        (format!("{prefix}codes."), format!("{prefix}errors."))
    };
    let mut o = Outcomes::default();
    for (key, v) in counters {
        let Some(n) = count(v) else { continue };
        if let Some(code) = key.strip_prefix(&codes) {
            o.status(code, n);
        } else if let Some(code) = key.strip_prefix(&errors) {
            o.error(code, n);
        }
    }
    if prefix.is_empty() && o.answered == 0 {
        // Reports without per-code counters still count responses.
        o.answered = counters.get("http.responses").and_then(count).unwrap_or(0);
    }
    o
}

fn timeline_v2(path: &Path, intermediate: &[Value]) -> Result<TimeSeries, Problem> {
    let mut series = TimeSeries::default();
    for period in intermediate {
        let Some(p) = period.as_object() else {
            continue;
        };
        // `period` is a number in `aggregate` but a string in `intermediate`.
        let t = p
            .get("period")
            .and_then(|v| {
                v.as_f64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .or_else(|| num(p, "firstMetricAt"));
        let Some(t) = t else { continue };
        let Some(counters) = p.get("counters").and_then(Value::as_object) else {
            continue;
        };
        let o = outcomes_v2(counters, "");
        o.check(path)?;
        let failed = o.failed();
        let rt = p
            .get("summaries")
            .or_else(|| p.get("histograms"))
            .and_then(|s| s.get("http.response_time"))
            .and_then(Value::as_object);
        let iv = series.at(t as i64);
        add_interval(path, iv, o.requests(), failed.min(o.requests()))?;
        if let Some(rt) = rt {
            iv.reported_p50_ms = num(rt, "p50").or_else(|| num(rt, "median"));
            iv.reported_p95_ms = num(rt, "p95");
            iv.max_ms = num(rt, "max");
        }
    }
    Ok(series)
}

/// v1: `requestsCompleted`, `codes`, `errors`, `latency`, `rps`.
fn v1(
    path: &Path,
    agg: &Map<String, Value>,
    intermediate: &[Value],
) -> Result<ToolSummary, Problem> {
    let o = outcomes_v1(agg);
    let answered = agg
        .get("requestsCompleted")
        .and_then(count)
        .unwrap_or(o.answered)
        .max(o.answered);
    let o = Outcomes { answered, ..o };

    // Every request's latency, when the report kept them all.
    let mut rows: Vec<(f64, u16)> = Vec::new();
    let collect = |rows: &mut Vec<(f64, u16)>, v: Option<&Value>| {
        for l in v.and_then(Value::as_array).into_iter().flatten() {
            let Some(a) = l.as_array() else { continue };
            let ns = a.get(2).and_then(Value::as_f64);
            let code = a
                .get(3)
                .and_then(Value::as_u64)
                .and_then(|c| u16::try_from(c).ok());
            if let (Some(ns), Some(code)) = (ns, code) {
                rows.push((ns / 1e6, code));
            }
        }
    };
    collect(&mut rows, agg.get("latencies"));
    if rows.is_empty() {
        for p in intermediate {
            collect(&mut rows, p.get("latencies"));
        }
    }
    if let Some((ms, _)) = rows.iter().find(|(ms, _)| !latency_possible(*ms)) {
        return Err(problem(
            path,
            None,
            format!("`latencies` holds {ms} ms: a latency cannot be negative"),
        ));
    }
    let latency_obj = agg.get("latency").and_then(Value::as_object);
    let (latency, ok_latency) = if answered > 0 && rows.len() as u64 == answered {
        let (mut all, mut ok) = (new_histogram(), new_histogram());
        for (ms, code) in &rows {
            record_ms_n(&mut all, *ms, 1);
            if *code < 400 {
                record_ms_n(&mut ok, *ms, 1);
            }
        }
        (
            LatencyDistribution::Exact(all.into()),
            Some(LatencyDistribution::Exact(ok.into())),
        )
    } else {
        let s = latency_obj
            .map(|l| summary_of(l, answered))
            .unwrap_or_default();
        (
            LatencyDistribution::Summary(PercentileSummary {
                count: answered,
                ..s
            }),
            None,
        )
    };
    let mut ep = endpoint(EndpointKey::new(None, &file_stem(path)), 0, latency);
    o.apply(path, &mut ep)?;
    ep.ok_latency = ok_latency;

    let mut out = ToolSummary::new("artillery");
    out.endpoints.push(ep);
    if let Some(rps) = agg.get("rps").and_then(Value::as_object) {
        if let (Some(n), Some(mean)) = (rps.get("count").and_then(count), num(rps, "mean")) {
            if n > 0 && mean > 0.0 {
                out.duration_s = Some(n as f64 / mean);
            }
        }
    }
    out.timeline = timeline_v1(path, intermediate)?;
    Ok(out)
}

fn outcomes_v1(obj: &Map<String, Value>) -> Outcomes {
    let mut o = Outcomes::default();
    let pairs = |key: &str| -> BTreeMap<String, u64> {
        obj.get(key)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), count(v)?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    for (code, n) in pairs("codes") {
        o.status(&code, n);
    }
    for (code, n) in pairs("errors") {
        o.error(&code, n);
    }
    o
}

fn timeline_v1(path: &Path, intermediate: &[Value]) -> Result<TimeSeries, Problem> {
    let mut series = TimeSeries::default();
    for p in intermediate.iter().filter_map(Value::as_object) {
        let Some(t) = p
            .get("timestamp")
            .and_then(Value::as_str)
            .and_then(parse_rfc3339_ms)
        else {
            continue;
        };
        let o = outcomes_v1(p);
        o.check(path)?;
        let answered = p
            .get("requestsCompleted")
            .and_then(count)
            .unwrap_or(o.answered);
        let failed = o.failed();
        let requests = answered
            .checked_add(o.transport)
            .ok_or_else(|| too_many(path, None, "the Artillery report's counts"))?;
        let iv = series.at(t);
        add_interval(path, iv, requests, failed.min(requests))?;
        if let Some(l) = p.get("latency").and_then(Value::as_object) {
            iv.reported_p50_ms = num(l, "median");
            iv.reported_p95_ms = num(l, "p95");
            iv.max_ms = num(l, "max");
        }
    }
    Ok(series)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_kinds() {
        let k = |c: &str| error_kind(c).to_string();
        assert_eq!(k("ETIMEDOUT"), "timeout");
        assert_eq!(k("ESOCKETTIMEDOUT"), "timeout");
        assert_eq!(k("ECONNREFUSED"), "connect");
        assert_eq!(k("UNABLE_TO_VERIFY_LEAF_SIGNATURE"), "connect");
        assert_eq!(k("ECONNRESET"), "reset");
        assert_eq!(k("EMFILE"), "other");
        assert_eq!(k("Failed capture or match"), "assertion");
    }
}
