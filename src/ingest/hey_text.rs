//! hey's default text summary (`hey URL > hey.txt`; the `-o csv` form is `hey.rs`).
//!
//! * `Total` is the duration; `Fastest`/`Slowest`/`Average` and the "Latency
//!   distribution" (`10% in 0.0131 secs`) a tool summary, in **seconds**, over the
//!   answered requests (hey leaves errors out of its latency).
//! * Requests are the "Status code distribution" (`[200] 500 responses`) plus the
//!   "Error distribution" (`[3] Get "…": dial tcp …: connection refused`); failures
//!   are the answers with status ≥ 400 (`status:NNN`) and every error (kind from its
//!   message).
//! * hey prints neither the URL nor `-c`: the endpoint is the URL of hey's command line
//!   echoed above the summary or saved beside it (`hey_command.rs`), else the file's
//!   stem; the users come from the dir or the manifest, else from that command line.
//! * Cut short: hey always prints its `Status code distribution:` heading, and its
//!   counts are the file's last lines, each ended by a line end. A summary without the
//!   heading, or whose last line (a status or error count) has no line end, was cut:
//!   it is refused, since what was cut may be failures.

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::appended::RunMarks;
use super::problem;
use super::summary::{
    add_counts, add_failures, cut_short, endpoint, file_stem, number, read_file_text,
    require_lines, static_regexes, ToolSummary,
};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem};

/// Where a hey run begins (`Summary:`) and shows results (`Total:`).
const RUNS: RunMarks = RunMarks {
    starts: |l| l == "Summary:",
    results: |l| l.starts_with("Total:"),
};

/// The `hey-text` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::HeyText,
    name: "hey-text",
    tool: "hey",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[],
    detected_by: "`Summary:` with Requests/sec and hey's distributions",
    example: "hey URL > hey.txt",
};

/// True for hey's text summary.
pub fn sniff(head: &str) -> bool {
    head.lines().any(|l| l.trim_end() == "Summary:")
        && head.contains("Requests/sec:")
        && (head.contains("Response time histogram:")
            || head.contains("Latency distribution:")
            || head.contains("Status code distribution:")
            || head.contains("Slowest:"))
}

/// What the report says when hey's text summary, skipped beside a CSV of as many
/// answers (the same load run again), counts transport errors: hey leaves those out of
/// its CSV, so the CSV's run may have had some too, and none is in the figures. `None`
/// when the text has none (or cannot be read).
pub fn errors_left_out(path: &Path) -> Option<String> {
    let s = read(path).ok()?;
    let ep = s.endpoints.first()?;
    let errors: u64 = ep
        .failures_by_kind
        .iter()
        .filter(|(k, _)| !matches!(k, FailureKind::Status(_)))
        .map(|(_, n)| n)
        .sum();
    (errors > 0).then(|| {
        format!(
            "{} (hey's text summary of the same load run again) counts {errors} transport \
             error(s); hey leaves such errors out of its CSV, so the CSV's run may have had \
             some too, and none is in these figures",
            path.shown()
        )
    })
}

/// The answers hey's text summary counts (its "Status code distribution"): the rows
/// hey's CSV of the same run holds (transport errors are in neither).
pub fn answered(path: &Path) -> Result<u64, Problem> {
    let s = read(path)?;
    Ok(s.endpoints.first().map_or(0, |ep| ep.latency.count()))
}

/// The file's runs: the first, with the later ones (a shell loop's `for c in 8 32; do
/// echo "== c=$c"; hey -c $c URL; done > steps.txt`) as its
/// [`ToolSummary::later_runs`], each run's users from its command line or else from
/// the banner above it, and its stage name from that banner; a later run that cannot
/// be read is left out, and a note says so.
fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let whole = read_file_text(path)?;
    let lines: Vec<&str> = whole.lines().collect();
    ToolSummary::read_runs(path, &whole, &RUNS, |text, before| {
        let mut run = read_run(path, text)?;
        let from = before as usize;
        let at = (from..lines.len()).find(|&i| (RUNS.starts)(lines[i].trim()));
        let above = &lines[..at.unwrap_or(from).min(lines.len())];
        above_run(path, above, &mut run);
        Ok(run)
    })
}

/// A run's stage name from the banner above it (`above`: the file's lines before its
/// `Summary:`), and its users, when hey's summary gave none, from the command echoed
/// since the previous run's end (`set -x`) or else from that banner.
fn above_run(path: &Path, above: &[&str], s: &mut ToolSummary) {
    // A run's status and error counts (`[200]\t5 responses`) end it.
    let ended = |l: &str| l.starts_with('[');
    s.banner = super::banners::stage_name(above, ended);
    // A run paced with `-q` has a rate and no users.
    let unloaded = |s: &ToolSummary| s.users.is_none() && s.arrival_rate_rps.is_none();
    if unloaded(s) {
        let since = (above.iter())
            .rposition(|l| ended(l.trim()))
            .map_or(0, |i| i + 1);
        let preface = above[since..].join("\n");
        users_from_command(path, &format!("{preface}\nSummary:\n"), s);
    }
    let Some(users) = super::banners::users(above, ended).filter(|_| unloaded(s)) else {
        return;
    };
    s.users = Some(users);
    let banner = (above.iter().rev())
        .find(|l| !l.trim().is_empty())
        .map_or("", |l| l.trim());
    s.notes.push(format!(
        "{}: hey prints no -c; the run's {users} users are read from the banner above it in \
         the file ({})",
        path.shown(),
        crate::model::untrusted::ticked(banner)
    ));
}

/// One run of hey's summary (`text`: the file's lines up to its end, those before it
/// empty).
fn read_run(path: &Path, text: &str) -> Result<ToolSummary, Problem> {
    static RES: OnceLock<[Regex; 4]> = OnceLock::new();
    let [field_re, pct_re, status_re, error_re] = static_regexes(
        &RES,
        [
            r"^\s*(Total|Slowest|Fastest|Average|Requests/sec):\s+([0-9.eE+-]+)",
            r"^\s*(\d+(?:\.\d+)?)% in ([0-9.eE+-]+) secs",
            r"^\s*\[(\d+)\]\s+(\d+) responses",
            r"^\s*\[(\d+)\]\s+(.*)$",
        ],
    );
    require_lines(path, text, "hey", &["Status code distribution:"])?;
    let mut s = ToolSummary::new("hey");
    let (mut mean, mut min, mut max) = (None, None, None);
    let mut points = Vec::new();
    let mut answered = 0u64;
    let mut statuses: Vec<(u16, u64)> = Vec::new();
    let mut errors: Vec<(u64, String)> = Vec::new();
    let mut section = "";
    let mut seen_total = false;
    for (i, line) in text.lines().enumerate() {
        let no = i as u64 + 1;
        let t = line.trim();
        if t.ends_with(':') && !t.contains('\t') && !line.starts_with(' ') {
            section = match t {
                "Status code distribution:" => "status",
                "Error distribution:" => "error",
                "Latency distribution:" => "latency",
                _ => "",
            };
            continue;
        }
        if let Some(c) = field_re.captures(line) {
            let secs: f64 = number(path, no, &c[1], &c[2])?;
            match &c[1] {
                "Total" => {
                    s.duration_s = Some(secs);
                    seen_total = true;
                }
                "Slowest" => max = Some(secs * 1000.0),
                "Fastest" => min = Some(secs * 1000.0),
                "Average" => mean = Some(secs * 1000.0),
                _ => {}
            }
            continue;
        }
        match section {
            "latency" => {
                if let Some(c) = pct_re.captures(line) {
                    let p: f64 = number(path, no, "percentile", &c[1])?;
                    let v: f64 = number(path, no, "latency", &c[2])?;
                    points.push((p, v * 1000.0));
                }
            }
            "status" => {
                if let Some(c) = status_re.captures(line) {
                    let code: u16 = number(path, no, "status code", &c[1])?;
                    let n: u64 = number(path, no, "responses", &c[2])?;
                    answered = add_counts(path, Some(no), "the responses", answered, n)?;
                    statuses.push((code, n));
                }
            }
            "error" => {
                if let Some(c) = error_re.captures(line) {
                    let n: u64 = number(path, no, "errors", &c[1])?;
                    errors.push((n, c[2].to_string()));
                }
            }
            _ => {}
        }
    }
    if matches!(section, "status" | "error") && !text.ends_with('\n') {
        return Err(cut_short(
            path,
            text,
            "the last count line has no line end, which hey writes after every line",
        ));
    }
    if !seen_total {
        return Err(problem(
            path,
            Some(1),
            "no `Total:` line in hey's summary: hey was interrupted, or the output was cut",
        ));
    }
    let has_answers = answered > 0;
    let latency = LatencyDistribution::Summary(PercentileSummary {
        sd_ms: None,
        count: answered,
        mean_ms: mean.filter(|_| has_answers),
        min_ms: min.filter(|_| has_answers),
        max_ms: max.filter(|_| has_answers),
        points,
        merged: false,
        co_corrected: false,
    });
    let mut requests = answered;
    for (n, _) in &errors {
        requests = add_counts(path, None, "the responses and errors", requests, *n)?;
    }
    let mut ep = endpoint(EndpointKey::new(None, &file_stem(path)), requests, latency);
    let failed: Vec<(FailureKind, u64, &str)> = statuses
        .iter()
        .filter(|(code, _)| *code >= 400)
        .map(|(code, n)| (FailureKind::Status(*code), *n, ""))
        .chain(
            errors
                .iter()
                .map(|(n, m)| (FailureKind::classify(None, m), *n, m.as_str())),
        )
        .collect();
    add_failures(path, None, &mut ep, &failed)?;
    s.endpoints.push(ep);
    users_from_command(path, text, &mut s);
    Ok(s)
}

/// hey's `-c` from its command line, echoed above the summary or saved beside it
/// (`hey_command.rs`), as the summary's users, noted; and whether the run did far less
/// than the command's `-n` or `-z` (interrupted).
fn users_from_command(path: &Path, text: &str, s: &mut ToolSummary) {
    let preface = text
        .split("\nSummary:")
        .next()
        .filter(|p| p.len() < text.len());
    let Some(cmd) = super::hey_command::command(path, preface.unwrap_or("")) else {
        return;
    };
    // The URL names the endpoint, as wrk's does, where the file's name was all there was.
    if let (Some((method, url)), [ep]) = (&cmd.url, s.endpoints.as_mut_slice()) {
        ep.key = EndpointKey::new(method.as_deref(), url);
    }
    match cmd.rate {
        Some(rate) => {
            s.arrival_rate_rps = Some(rate);
            s.notes.push(format!(
                "{}: hey was paced at -q {} req/s per worker by {} workers (-c): a planned \
                 {rate} req/s in all, read from {}; its workers only cap what is in flight",
                path.shown(),
                rate / f64::from(cmd.users),
                cmd.users,
                cmd.from
            ));
        }
        None => {
            s.users = Some(cmd.users);
            s.notes.push(format!(
                "{}: hey prints no -c; its {} users are read from {}",
                path.shown(),
                cmd.users,
                cmd.from
            ));
        }
    }
    let requests = s.endpoints.iter().map(|e| e.requests).sum();
    s.stopped_early = super::hey_command::stopped_early(
        path,
        &cmd,
        super::hey_command::Output::Summary,
        requests,
        s.duration_s,
    );
}
