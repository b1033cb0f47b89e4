//! Artillery's console output (`artillery run --output report.json script.yml >
//! console.txt`), read beside the JSON report of the same run for what the report
//! lacks: the results of the script's `ensure` checks, which fail the run (Artillery
//! exits 1) and so are the team's own gate.
//!
//! * Artillery 2 prints them after its summary: `Checks:`, then one line per check,
//!   `ok: http.response_time.p95 < 200` or `fail: p99 < 20`, with ` (optional)` after
//!   a check that does not fail the run (`strict: false`): a failed optional check is a
//!   note, not a failed check.
//! * Artillery 1 prints only the failed ones: `ensure condition failed: ensure.p99 <
//!   200`.
//! * `Phase started: NAME (index: i, duration: Ds) TIME` lines name the run's phases
//!   (Artillery 2's report does not list them).
//! * The console's final summary (after `Summary report @ …`: `http.requests` in 2,
//!   `Requests completed` in 1) ties it to its report: the same count (the report's
//!   `http.requests` counter, or v1's `requestsCompleted`) is the same run.

use crate::model::untrusted::Shown;
use std::path::Path;

use serde_json::Value;

use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::text::{read_text, without_ansi};
use crate::ingest::{problem, Format};
use crate::model::{Problem, ToolCheck};

/// The `artillery-console` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::ArtilleryConsole,
    name: "artillery-console",
    tool: "artillery",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Grouped,
    splittable: false,
    notes: &[],
    detected_by: "Artillery's phase and metric lines (`Phase started:`, `Metrics for period \
                  to:`, `vusers.created: ....`, v1's `Scenarios launched:`); read beside the \
                  JSON report of the same run for its `ensure` checks",
    example: "artillery run --output report.json script.yml > console.txt",
};

/// True for Artillery's console output: its run's marks and its metric lines.
pub fn sniff(head: &str) -> bool {
    let marks = [
        "Phase started:",
        "Metrics for period to:",
        "Summary report @",
    ];
    let metrics = [
        "vusers.created: .",
        "http.requests: .",
        "Scenarios launched:",
    ];
    marks.iter().any(|m| head.contains(m)) && metrics.iter().any(|m| head.contains(m))
}

/// What a console says: its final summary's request count and its checks.
#[derive(Debug, Default)]
pub struct Console {
    /// The final summary's `http.requests` (v2) or `Requests completed` (v1).
    pub requests: Option<u64>,
    /// The report file it names (`Log file: report.json`).
    pub log_file: Option<String>,
    /// Every strict check, passed or failed, as the console writes it.
    pub checks: Vec<(String, bool)>,
    /// The optional checks that failed (they do not fail the run).
    pub optional_failed: Vec<String>,
    /// The phases it started (`Phase started: warm (index: 0, duration: 60s) …`), by
    /// name as printed.
    pub phases: Vec<String>,
}

impl Console {
    /// The strict checks as the run's tool checks, from `file`.
    pub fn tool_checks(&self, file: &Path) -> Vec<ToolCheck> {
        (self.checks.iter())
            .map(|(name, passed)| ToolCheck {
                tool: "artillery".into(),
                name: name.clone(),
                passed: *passed,
                file: file.shown().to_string(),
            })
            .collect()
    }
}

/// Reads a console output (see the module doc).
pub fn read(path: &Path) -> Result<Console, Problem> {
    let text = read_text(path).map_err(|e| problem(path, None, e.to_string()))?;
    let mut c = Console::default();
    let mut in_summary = false;
    for raw in text.lines() {
        let line = without_ansi(raw);
        let line = line.trim();
        if let Some(phase) = line.strip_prefix("Phase started: ") {
            let name = phase.split(" (index:").next().unwrap_or(phase);
            c.phases.push(name.trim().to_string());
        } else if line.starts_with("Summary report @") {
            in_summary = true;
        } else if line.starts_with("Metrics for period to:") {
            in_summary = false;
        } else if let Some(name) = line.strip_prefix("Log file:") {
            c.log_file = Some(name.trim().to_string());
        } else if let Some(n) = in_summary.then(|| summary_requests(line)).flatten() {
            c.requests = Some(n);
        } else if let Some(check) = line.strip_prefix("ok: ") {
            c.checks
                .push((optional(check).unwrap_or(check).to_string(), true));
        } else if let Some(check) = line.strip_prefix("fail: ") {
            match optional(check) {
                Some(name) => c.optional_failed.push(name.to_string()),
                None => c.checks.push((check.to_string(), false)),
            }
        } else if let Some(check) = line.strip_prefix("ensure condition failed: ") {
            let check = check.strip_prefix("ensure.").unwrap_or(check);
            c.checks.push((check.to_string(), false));
        }
    }
    Ok(c)
}

/// A check's name without its ` (optional)` mark, when it has one.
fn optional(check: &str) -> Option<&str> {
    check.strip_suffix(" (optional)")
}

/// The request count of a final summary line: `http.requests: ..... 30` (v2) or
/// `Requests completed:  242` (v1).
fn summary_requests(line: &str) -> Option<u64> {
    let rest = (line.strip_prefix("http.requests:"))
        .or_else(|| line.strip_prefix("Requests completed:"))?;
    rest.trim_start_matches([' ', '.']).trim().parse().ok()
}

/// The request count of an Artillery JSON report: v2's `http.requests` counter, v1's
/// `requestsCompleted`; `None` when it has neither (or is not JSON).
pub fn report_requests(path: &Path) -> Option<u64> {
    let text = read_text(path).ok()?;
    let json: Value = serde_json::from_str(&text).ok()?;
    let aggregate = json.get("aggregate")?;
    (aggregate.pointer("/counters/http.requests"))
        .or_else(|| aggregate.get("requestsCompleted"))
        .and_then(Value::as_u64)
}

#[cfg(test)]
mod tests {
    use super::{summary_requests, without_ansi};

    #[test]
    fn colour_codes_and_dots_are_not_part_of_the_figures() {
        assert_eq!(
            without_ansi("\u{1b}[31mfail\u{1b}[39m: p99 < 20"),
            "fail: p99 < 20"
        );
        assert_eq!(summary_requests("http.requests: ........ 30"), Some(30));
        assert_eq!(summary_requests("Requests completed:  242"), Some(242));
    }
}
