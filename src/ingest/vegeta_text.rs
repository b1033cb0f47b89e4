//! vegeta's default text report (`vegeta report < results.bin > report.txt`; the
//! per-request encodings are `vegeta.rs`). Rows are `Name  [fields]  values`:
//!
//! * `Requests [total, rate, throughput]` (v6–v8: `[total, rate]`): the requests, and
//!   the rate vegeta sent them at (its arrival rate; an open model, no users).
//! * `Duration [total, attack, wait]`: Go durations (`3m0s`, `29.99s`, `166.049µs`);
//!   the attack — first to last request sent — is the duration, as the span of the
//!   requests' starts is for vegeta's CSV and JSON.
//! * `Latencies [min, mean, 50, 90, 95, 99, max]` (v6–v8: `[mean, 50, 95, 99, max]`):
//!   a tool summary over every request, the bracket naming each value.
//! * `Status Codes [code:count]` (`200:4501  0:12`): the requests by status; code 0 is
//!   no answer. Failures are codes 0 and ≥ 400 (vegeta's own `Success` is the 2xx–3xx
//!   share, checked against them). A failure's kind is its status, or for code 0 the
//!   kind of the transport errors in `Error Set:` (vegeta lists each message once,
//!   without counts: one kind when they all agree, else `other`).
//! * vegeta prints neither the URL nor the attack's name: the endpoint is the file's
//!   stem.
//! * `vegeta report -every 10s > report.txt` writes the report again at each interval,
//!   each after the terminal's clear-screen codes, the same attack's figures so far:
//!   the last report is the whole attack's, and the one read.
//!
//! The report's figures become a summary in `summarise`, which vegeta's JSON report
//! (`vegeta_report.rs`) shares.

use std::path::Path;

use super::problem;
use super::summary::{
    add_counts, add_failures, endpoint, file_stem, number, read_file_text, ToolSummary,
};
use super::text::without_ansi;
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::k6::console::duration_ms;
use crate::ingest::Format;
use crate::model::{EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem};

/// The `vegeta-text` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::VegetaText,
    name: "vegeta-text",
    tool: "vegeta",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[],
    detected_by: "`Requests [total, rate…]`, `Latencies [...]` and `Status Codes [code:count]`",
    example: "vegeta report < results.bin > report.txt",
};

/// True for vegeta's text report.
pub fn sniff(head: &str) -> bool {
    let head = &without_ansi(head);
    let row = |name: &str| {
        head.lines()
            .any(|l| l.trim_start().starts_with(name) && l.contains('['))
    };
    row("Requests") && row("Latencies") && head.contains("[total, rate")
}

/// A report row: its bracketed field names and its comma-separated values.
fn row<'a>(line: &'a str, name: &str) -> Option<(Vec<&'a str>, Vec<&'a str>)> {
    let rest = line.trim_start().strip_prefix(name)?;
    let (fields, values) = rest.trim_start().strip_prefix('[')?.split_once(']')?;
    let split = |s: &'a str| s.split(',').map(str::trim).collect::<Vec<_>>();
    Some((split(fields), split(values)))
}

/// The value of `field` in a row.
fn field<'a>(row: &(Vec<&str>, Vec<&'a str>), name: &str) -> Option<&'a str> {
    let i = row.0.iter().position(|f| *f == name)?;
    row.1.get(i).copied()
}

/// A Go duration in ms, or a problem naming the line.
fn go_ms(path: &Path, line: u64, what: &str, text: &str) -> Result<f64, Problem> {
    duration_ms(text).ok_or_else(|| {
        problem(
            path,
            Some(line),
            format!("{what} \"{text}\" is not a Go duration (e.g. 1.5ms, 3m0s)"),
        )
    })
}

/// A vegeta report's figures (latencies in ms), from its text or its JSON.
#[derive(Default)]
pub(super) struct Parsed {
    pub requests: Option<u64>,
    /// `rate`: the requests over the attack (the rate vegeta sent them at).
    pub rate: Option<f64>,
    pub attack_ms: Option<f64>,
    /// Percentile and its latency, ms.
    pub points: Vec<(f64, f64)>,
    pub min: Option<f64>,
    pub mean: Option<f64>,
    pub max: Option<f64>,
    /// `Success`: the 2xx–3xx share, 0–1.
    pub success: Option<f64>,
    pub codes: Option<Vec<(u16, u64)>>,
    pub errors: Vec<String>,
}

/// The last report of a text that may hold several (`-every`): from the last
/// `Requests [total…` row on, with the clear-screen codes before each taken out, and
/// the number of lines before it.
fn last_report(text: &str) -> (String, usize) {
    let text = without_ansi(text);
    let start = text
        .lines()
        .enumerate()
        .filter(|(_, l)| row(l, "Requests").is_some())
        .last()
        .map_or(0, |(i, _)| i);
    let rest = text.lines().skip(start).collect::<Vec<_>>().join("\n");
    (rest, start)
}

fn parse(path: &Path, text: &str) -> Result<Parsed, Problem> {
    let mut p = Parsed::default();
    let mut in_errors = false;
    let (text, skipped) = last_report(text);
    for (i, line) in text.lines().enumerate() {
        let no = (skipped + i) as u64 + 1;
        if in_errors {
            if !line.trim().is_empty() {
                p.errors.push(line.trim().to_string());
            }
        } else if line.trim() == "Error Set:" {
            in_errors = true;
        } else if let Some(r) = row(line, "Requests") {
            p.requests = Some(number(
                path,
                no,
                "requests",
                field(&r, "total").unwrap_or(""),
            )?);
            p.rate = field(&r, "rate").and_then(|v| v.parse().ok());
        } else if let Some(r) = row(line, "Duration") {
            let attack = field(&r, "attack").unwrap_or("");
            p.attack_ms = Some(go_ms(path, no, "the attack duration", attack)?);
        } else if let Some(r) = row(line, "Latencies") {
            for (name, value) in r.0.iter().zip(&r.1) {
                let ms = go_ms(path, no, "a latency", value)?;
                match *name {
                    "min" => p.min = Some(ms),
                    "mean" => p.mean = Some(ms),
                    "max" => p.max = Some(ms),
                    pct => {
                        let pct: f64 = number(path, no, "a latency percentile", pct)?;
                        p.points.push((pct, ms));
                    }
                }
            }
        } else if let Some(r) = row(line, "Success") {
            let ratio = field(&r, "ratio").unwrap_or("").trim_end_matches('%');
            p.success = Some(number::<f64>(path, no, "the success ratio", ratio)? / 100.0);
        } else if line.trim_start().starts_with("Status Codes") {
            let values = line.split_once(']').map_or("", |(_, v)| v);
            let mut codes = Vec::new();
            for pair in values.split_whitespace() {
                let (code, n) = pair.split_once(':').unwrap_or((pair, ""));
                codes.push((
                    number(path, no, "a status code", code)?,
                    number(path, no, "a status count", n)?,
                ));
            }
            p.codes = Some(codes);
        }
    }
    if !in_errors {
        return Err(problem(
            path,
            None,
            "no `Error Set:` line, which vegeta's text report always ends with: the output \
             was cut; run `vegeta report` again on the results",
        ));
    }
    Ok(p)
}

/// The kind of vegeta's transport errors (`Error Set:` lines that are not a status).
fn transport_kind(errors: &[String]) -> FailureKind {
    let status_line = |e: &&String| {
        e.split_whitespace()
            .next()
            .is_some_and(|w| w.len() == 3 && w.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut kinds = errors
        .iter()
        .filter(|e| !status_line(e))
        .map(|e| FailureKind::classify(None, e));
    match kinds.next() {
        Some(first) if kinds.all(|k| k == first) => first,
        _ => FailureKind::Other,
    }
}

/// The report as a tool summary.
pub fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let text = read_file_text(path)?;
    let mut p = parse(path, &text)?;
    let missing = |what: &str| {
        problem(
            path,
            None,
            format!("no `{what}` row in vegeta's text report: the output was cut or edited"),
        )
    };
    let requests = p.requests.ok_or_else(|| missing("Requests"))?;
    let codes = p.codes.take().ok_or_else(|| missing("Status Codes"))?;
    summarise(path, p, requests, codes)
}

/// A vegeta report's figures as a summary: the status counts must add up to the
/// requests, and `Success` be their 2xx–3xx share.
pub(super) fn summarise(
    path: &Path,
    p: Parsed,
    requests: u64,
    codes: Vec<(u16, u64)>,
) -> Result<ToolSummary, Problem> {
    let mut counted = 0u64;
    for (_, n) in &codes {
        counted = add_counts(path, None, "the status counts", counted, *n)?;
    }
    if counted != requests {
        return Err(problem(
            path,
            None,
            format!(
                "the status counts add up to {counted}, not the {requests} requests the \
                 report counts: the report was edited or cut"
            ),
        ));
    }
    let answered_ok: u64 = (codes.iter())
        .filter(|(c, _)| (200..400).contains(c))
        .map(|(_, n)| n)
        .sum();
    if let Some(ratio) = p.success.filter(|_| requests > 0) {
        // vegeta prints the ratio to 0.01 %.
        let said = ratio * requests as f64;
        if (said - answered_ok as f64).abs() > 0.00005 * requests as f64 + 0.5 {
            return Err(problem(
                path,
                None,
                format!(
                    "vegeta's Success ratio ({:.2}%) is not the 2xx–3xx share of its status \
                     counts ({answered_ok} of {requests})",
                    ratio * 100.0
                ),
            ));
        }
    }
    let mut s = ToolSummary::new("vegeta");
    s.duration_s = p.attack_ms.map(|ms| ms / 1000.0).filter(|d| *d > 0.0);
    s.arrival_rate_rps = p.rate.filter(|r| *r > 0.0);
    let some = requests > 0;
    let latency = LatencyDistribution::Summary(PercentileSummary {
        sd_ms: None,
        count: requests,
        mean_ms: p.mean.filter(|_| some),
        min_ms: p.min.filter(|_| some),
        max_ms: p.max.filter(|_| some),
        points: p.points,
        merged: false,
        co_corrected: false,
    });
    let mut ep = endpoint(EndpointKey::new(None, &file_stem(path)), requests, latency);
    let transport = transport_kind(&p.errors);
    let failed: Vec<(FailureKind, u64, String)> = (codes.iter())
        .filter(|(c, _)| *c == 0 || *c >= 400)
        .map(|(c, n)| match c {
            0 => (transport, *n, p.errors.first().cloned().unwrap_or_default()),
            c => (FailureKind::Status(*c), *n, String::new()),
        })
        .collect();
    add_failures(path, None, &mut ep, &failed)?;
    s.endpoints.push(ep);
    Ok(s)
}

/// Requests and failures a vegeta report (text or JSON) counts, to check it against
/// the per-request results of the same attack.
pub fn counts(report: Result<ToolSummary, Problem>) -> Result<(u64, u64), Problem> {
    Ok(report?
        .endpoints
        .first()
        .map_or((0, 0), |e| (e.requests, e.failures)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_name_their_values() {
        let r = row(
            "Latencies     [min, mean, 50, 90, 95, 99, max]  1ms, 2ms, 3ms, 4ms, 5ms, 6ms, 7ms",
            "Latencies",
        )
        .unwrap();
        assert_eq!(field(&r, "90"), Some("4ms"));
        assert_eq!(field(&r, "max"), Some("7ms"));
    }

    #[test]
    fn transport_errors_of_one_kind_name_it() {
        let e = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            transport_kind(&e(&[
                "500 Internal Server Error",
                "Get \"http://x\": dial tcp 127.0.0.1:1: connect: connection refused"
            ])),
            FailureKind::classify(None, "connection refused")
        );
        assert_eq!(transport_kind(&e(&[])), FailureKind::Other);
    }
}
