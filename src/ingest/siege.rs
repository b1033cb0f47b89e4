//! siege's end-of-run figures: the console summary (the text block of siege ≤ 4.0, or
//! the JSON block newer siege prints) and `siege.log` CSV rows.
//!
//! * siege counts a **transaction** for every answer below 500; `successful` are
//!   those with status < 400 and `failed` the attempts that got a 5xx answer or none
//!   (socket errors, timeouts; siege 4.0.7 against `headroom target`: 503s are failed,
//!   404s unsuccessful transactions). So requests = transactions + failed, and
//!   failures = the unsuccessful answers (4xx, kind `other`: siege prints no codes) +
//!   failed (kind from siege's `[error] socket: …` messages when the capture holds one
//!   per failure — `connect`, `timeout`, … — else `other`).
//! * Latency: `response_time` (mean), `longest`/`shortest` — in seconds to the
//!   hundredth as siege prints them; no percentiles.
//! * siege prints no `-c`: its `concurrency` is the measured mean of requests in
//!   flight, not the users (a note gives it); users come from the dir, the manifest, or
//!   the `-c` of a command line echoed above the output or kept beside it (`planned.rs`),
//!   or siege's banner (`** Preparing 4 concurrent users for battle.`), or else the
//!   file's name when it holds one run (`siege_c8.log`: `named_users.rs`).
//! * Several runs appended to one console (`for c in 2 4 8; do siege -c $c …; done >>
//!   siege.log`): each run (from its banner, or its summary when siege prints none) is
//!   read with its own figures and users, a stage each where the data finds the stages
//!   (`summary/later_runs.rs`), never one run's users with another's counts.
//! * `siege -f urls.txt`: the per-request lines name each URL; each route is an
//!   endpoint of its own (`siege_routes.rs`).
//! * Recognised by its summary, or — when siege's default `verbose` per-request lines
//!   or its socket error lines push the summary past the head detection reads — by
//!   those lines (colour codes removed) and its banner.
//! * Cut short: a JSON block without its closing `}`, or a text block without the
//!   `Transactions:`, `Failed transactions:` and `Shortest transaction:` (its last) lines
//!   siege always prints, is refused — what was cut may be the failures.
//! * An option siege does not know (`siege: unrecognized option '--tme=5S'`) is
//!   warned of and left out, and siege runs all the same: a note quotes the warning
//!   (the run is not what that option meant). siege's `-c` over its siegerc's `limit`
//!   is capped (`WARNING: The number of users is capped at 255.`): the users are the
//!   cap (`planned.rs`).
//! * Interrupted (Ctrl-C), siege prints its summary all the same: a command line kept
//!   with the output whose `-r` or `-t` the run fell far short of makes it incomplete
//!   (`planned.rs`).
//! * `siege.log` is append-only, one row per run: with `--from`/`--to` the last row
//!   whose time falls in `[from, to]` is read, else the last row; a note names the
//!   row taken and how many runs the file holds. siege writes the row when the run
//!   ends, in the machine's local time without a zone: headroom reads it as UTC, so
//!   give `--from`/`--to` as that wall-clock time with `Z` (on a UTC machine, the time).
//!   Lines siege writes between the rows in its `**** … ****` banner form (`siege
//!   aborted due to excessive socket failure`, a `-m` mark) are not run rows: they are
//!   skipped with a note; `siege aborted …` right after the row read means that run was
//!   stopped early (the run is incomplete).

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::appended::RunMarks;
use super::problem;
use super::siege_routes::{self, Answer};
use super::summary::{
    add_counts, add_failures, cut_short, endpoint, file_stem, number, read_file_text,
    require_lines, shortened, ToolSummary,
};
use super::text::{first_line, parse_rfc3339_ms, without_ansi};
use super::IngestOptions;
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem};

/// The `siege-text` format: how it is recognised and read.
pub const TEXT: FormatSpec = FormatSpec {
    format: Format::SiegeText,
    name: "siege-text",
    tool: "siege",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read_text(p)),
    splittable: false,
    notes: &[],
    detected_by: "Transactions/Availability figures (text) or siege's JSON block; its banner, verbose request lines or socket errors ahead of them",
    example: "siege -c 10 -t 30S URL > siege.txt 2>&1",
};

/// The `siege-log` format: how it is recognised and read.
pub const LOG: FormatSpec = FormatSpec {
    format: Format::SiegeLog,
    name: "siege-log",
    tool: "siege",
    sniff: Sniff::Content(|h| sniff_log(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(read_log),
    splittable: false,
    notes: &[],
    detected_by: "CSV header with Date & Time, Trans, Elap Time",
    example: "siege --log=siege.log -c 10 -t 30S URL",
};

/// True for siege's console summary (text or JSON block), or a capture that opens
/// with what siege prints before it: its banner, or (siege's default `verbose`) a
/// line per request or socket error — thousands of them can push the summary far
/// past the head detection reads.
pub fn sniff(head: &str) -> bool {
    head.contains("\"transactions\":") && head.contains("\"availability\":")
        || head.contains("Transactions:") && head.contains("Availability:")
        || head.lines().take(50).any(|l| siege_line(&without_ansi(l)))
}

/// A line only siege prints: `** SIEGE 4.0.7`, `The server is now under siege...`,
/// `HTTP/1.1 200     0.10 secs:      11 bytes ==> GET  /item`, or `[error] socket: …
/// sock.c:282: …`.
fn siege_line(l: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let verbose = RE.get_or_init(|| {
        Regex::new(r"^HTTP/\d(\.\d)? +\d{3} +[0-9.]+ secs: +\d+ bytes ==> [A-Z]+ ")
            .expect("static regex")
    });
    l.starts_with("** SIEGE ")
        || l.starts_with("The server is now under siege")
        || verbose.is_match(l)
        || (l.starts_with("[error] socket:") || l.starts_with("[alert] socket:"))
            && l.contains("sock.c:")
}

/// True for `siege.log`'s header.
pub fn sniff_log(head: &str) -> bool {
    let l = first_line(head);
    l.contains("Date & Time") && l.contains("Trans") && l.contains("Elap Time")
}

/// One run's figures, as siege printed them.
#[derive(Default)]
struct Figures {
    transactions: u64,
    successful: Option<u64>,
    failed: u64,
    elapsed_s: Option<f64>,
    response_s: Option<f64>,
    longest_s: Option<f64>,
    shortest_s: Option<f64>,
    concurrency: Option<f64>,
    /// siege's socket error messages printed with the run (`[error] socket: …`).
    socket_errors: Vec<String>,
    /// siege's per-request lines (`verbose`).
    answers: Vec<Answer>,
}

/// siege's socket error and timeout messages in a console capture (stderr included),
/// without their coloured `[error]`/`[alert]` tag.
fn socket_errors(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains("socket:") && (l.contains("error") || l.contains("alert")))
        .map(|l| l.rsplit_once("] ").map_or(l, |(_, m)| m).trim().to_string())
        .collect()
}

/// Where a run begins in a console a shell loop appended several siege runs to
/// (`for c in 2 4 8; do siege -c $c -r 20 URL; done >> siege.log`): its banner, or
/// without one (siege's `quiet` or JSON output) its summary, which is also its results.
const RUNS: RunMarks = RunMarks {
    starts: |l| l.starts_with("** SIEGE ") || summary_start(l),
    results: summary_start,
};

/// The lines of `text`, each with the byte offset it starts at.
fn lines_at(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().scan(0, |at, l| {
        let here = *at;
        *at += l.len() + 1;
        Some((here, l))
    })
}

/// True for the first line of siege's summary: `Transactions:` (text) or the JSON
/// block's `{\t"transactions": …`.
fn summary_start(l: &str) -> bool {
    l.starts_with("Transactions:") || l.starts_with('{') && l.contains("\"transactions\"")
}

/// True for a line that ends a siege run in a console: its summary's last line, the
/// JSON block's `}`, or a per-request line (siege's buffered `verbose` lines land after
/// its summary).
fn run_ended(l: &str) -> bool {
    l.starts_with("Shortest transaction:") || l.starts_with('}') || l.contains(" ==> ")
}

/// The file's runs: the first, with the later ones (a shell loop's runs appended to one
/// console) as its [`ToolSummary::later_runs`], each with its own users (its banner's
/// `Preparing N concurrent users`, or the command echoed above it) and the stage the
/// banner above it names; a later run that cannot be read is left out, and a note says
/// so.
fn read_text(path: &Path) -> Result<ToolSummary, Problem> {
    let whole = read_file_text(path)?;
    let lines: Vec<&str> = whole.lines().collect();
    ToolSummary::read_runs(path, &whole, &RUNS, |text, before| {
        // What was printed since the previous run ended (an `echo`, a `set -x` line).
        let from = (before as usize).min(lines.len());
        let since = (lines[..from].iter())
            .rposition(|l| run_ended(l.trim()))
            .map_or(0, |i| i + 1);
        let mut run = read_run(path, text, &lines[since..from].join("\n"))?;
        run.banner = super::banners::above_run(&whole, before, RUNS.starts, run_ended);
        Ok(run)
    })
}

/// One run of siege's console (`text`: the file's lines up to its end, those before it
/// empty; `above`: what was printed between the previous run and it), and whether it
/// did far less than the command line kept with it asked (`planned.rs`).
fn read_run(path: &Path, text: &str, above: &str) -> Result<ToolSummary, Problem> {
    let mut s = summarise(path, read_console(path, text)?)?;
    // Where siege's output begins: a line it starts (a `{` inside an echoed command
    // line, `siege '… POST {"a":1}'`, is no start).
    let marks = ["{", "Transactions:", "** SIEGE", "Lifting the server siege"];
    let start = lines_at(text)
        .find(|(_, l)| marks.iter().any(|m| l.trim_start().starts_with(m)))
        .map_or(text.len(), |(at, _)| at);
    let preface = format!("{above}\n{}", &text[..start]);
    // siege's cap of `-c` is printed after its banner (verbose) or alone (JSON output).
    let summary = lines_at(text)
        .find(|(_, l)| summary_start(l))
        .map_or(text.len(), |(at, _)| at);
    let before = format!("{above}\n{}", &text[..summary]);
    let cap = super::planned::siege_cap(&before);
    if let Some(option) = ignored_option(&before) {
        s.notes.push(format!(
            "{}: siege did not know an option of its command line and ran without it: it \
             printed {}; the run is what the rest of the command asked for, not what that \
             option was meant to change (fix the option and re-run it if it mattered)",
            path.shown(),
            crate::model::untrusted::ticked(&shortened(option, 80))
        ));
    }
    let requests = s.endpoints.iter().map(|e| e.requests).sum();
    s.stopped_early = super::planned::siege(path, &preface, (requests, s.duration_s), cap);
    s.notes
        .extend(super::planned::siege_time_note(path, &preface));
    // The command's URL names the endpoint where the file's name was all there was.
    let target = super::planned::siege_target(path, &preface);
    if let (Some((method, name)), [ep]) = (target, s.endpoints.as_mut_slice()) {
        if ep.key.name == file_stem(path) {
            ep.key = EndpointKey::new(method.as_deref(), &name);
        }
    }
    let users = super::planned::siege_users(path, &preface, cap).or_else(|| banner_users(text));
    if let Some((users, from)) = users {
        s.users = Some(users);
        // The users are known: the summary's note need not ask for them.
        for note in &mut s.notes {
            *note = note.replace(USERS_ADVICE, "");
        }
        s.notes.push(format!(
            "{}: siege's summary prints no -c; its {users} users are read from {from}",
            path.shown()
        ));
    }
    Ok(s)
}

/// What the note on siege's concurrency asks for when nothing kept with the summary
/// gives its users.
const USERS_ADVICE: &str =
    " (give them by the dir name, run.toml, or its command line kept beside it)";

/// The first `siege: unrecognized option '--x'` / `siege: invalid option -- 'x'` line
/// of a run's console before its summary (`text`): siege warns of an option it does
/// not know and runs on without it (only with no URL left does it print its usage
/// and stop: `no_run.rs`).
fn ignored_option(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|l| {
        l.starts_with("siege: unrecognized option ") || l.starts_with("siege: invalid option ")
    })
}

/// The users siege's banner names (`** Preparing 4 concurrent users for battle.`), and
/// where they come from, as [`super::planned::siege_users`] says it.
fn banner_users(text: &str) -> Option<(u32, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?m)^\*\* Preparing (\d+) concurrent users for battle").expect("static regex")
    });
    let users: u32 = re.captures(text)?[1].parse().ok()?;
    (users > 0).then(|| {
        (
            users,
            "its banner (`Preparing N concurrent users`)".to_string(),
        )
    })
}

fn read_console(path: &Path, text: &str) -> Result<Figures, Problem> {
    // The block's `{` opens its line (`{\t"transactions": …`): a `{` before it is no
    // part of it (an echoed `siege '… POST {"a":1}'`).
    let json = lines_at(text)
        .find(|(_, l)| {
            let l = l.trim_start();
            l.starts_with('{') && l.contains("\"transactions\"")
        })
        .map(|(at, l)| at + l.len() - l.trim_start().len());
    if let Some(a) = json {
        if !text[a..].contains('}') {
            return Err(cut_short(
                path,
                text,
                "siege's JSON block has no closing `}`",
            ));
        }
    }
    if let (Some(a), Some(b)) = (json, text.rfind('}')) {
        if a < b && text[a..b].contains("\"transactions\"") {
            let line = text[..a].lines().count() as u64 + 1;
            let v: Value = serde_json::from_str(&text[a..=b]).map_err(|e| {
                problem(
                    path,
                    Some(line + e.line() as u64 - 1),
                    format!("siege's JSON block is not valid JSON: {e}"),
                )
            })?;
            let f = |k: &str| v.get(k).and_then(Value::as_f64);
            let n = |k: &str| v.get(k).and_then(Value::as_u64);
            return Ok(Figures {
                transactions: n("transactions")
                    .ok_or_else(|| problem(path, Some(line), "`transactions` is not a count"))?,
                successful: n("successful_transactions"),
                failed: n("failed_transactions").unwrap_or(0),
                elapsed_s: f("elapsed_time"),
                response_s: f("response_time"),
                longest_s: f("longest_transaction"),
                shortest_s: f("shortest_transaction"),
                concurrency: f("concurrency"),
                socket_errors: socket_errors(text),
                answers: siege_routes::answers(text),
            });
        }
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^\s*([A-Z][a-z ]+):\s+([0-9.]+)\s*(\S*)").expect("static regex")
    });
    require_lines(
        path,
        text,
        "siege",
        &[
            "Transactions:",
            "Failed transactions:",
            "Shortest transaction:",
        ],
    )?;
    let mut fig = Figures {
        socket_errors: socket_errors(text),
        answers: siege_routes::answers(text),
        ..Default::default()
    };
    let mut seen = false;
    for (i, line) in text.lines().enumerate() {
        let no = i as u64 + 1;
        let Some(c) = re.captures(line) else { continue };
        let secs = |v: f64| if &c[3] == "ms" { v / 1000.0 } else { v };
        let v = &c[2];
        match &c[1] {
            "Transactions" => {
                fig.transactions = number(path, no, "transactions", v)?;
                seen = true;
            }
            "Successful transactions" => fig.successful = Some(number(path, no, "successful", v)?),
            "Failed transactions" => fig.failed = number(path, no, "failed", v)?,
            "Elapsed time" => fig.elapsed_s = Some(secs(number(path, no, "elapsed", v)?)),
            "Response time" => fig.response_s = Some(secs(number(path, no, "response time", v)?)),
            "Longest transaction" => fig.longest_s = Some(secs(number(path, no, "longest", v)?)),
            "Shortest transaction" => fig.shortest_s = Some(secs(number(path, no, "shortest", v)?)),
            "Concurrency" => fig.concurrency = Some(number(path, no, "concurrency", v)?),
            _ => {}
        }
    }
    if !seen {
        return Err(problem(
            path,
            Some(1),
            "no `Transactions:` figure in siege's summary",
        ));
    }
    Ok(fig)
}

/// `(1-based line, text)` of siege.log lines.
type Rows<'a> = Vec<(u64, &'a str)>;

fn read_log(path: &Path, opts: &IngestOptions) -> Result<ToolSummary, Problem> {
    let text = read_file_text(path)?;
    let (banners, rows): (Rows, Rows) = text
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty() && !l.contains("Date & Time"))
        .map(|(i, l)| (i as u64 + 1, l))
        .partition(|(_, l)| l.trim_start().starts_with("****"));
    let Some(&last) = rows.last() else {
        return Err(problem(
            path,
            Some(1),
            "siege.log has a header but no run rows",
        ));
    };
    let window = opts.from_ms.is_some() || opts.to_ms.is_some();
    let mut notes = Vec::new();
    let (no, row) = if window {
        select_row(path, &rows, opts, &mut notes)?
    } else {
        last
    };
    let cells: Vec<&str> = row.split(',').map(str::trim).collect();
    if cells.len() < 10 {
        return Err(problem(
            path,
            Some(no),
            format!("{} cells, siege.log rows have 10", cells.len()),
        ));
    }
    let f = |k: usize, what: &str| number::<f64>(path, no, what, cells[k]);
    let fig = Figures {
        transactions: number(path, no, "Trans", cells[1])?,
        successful: Some(number(path, no, "OKAY", cells[8])?),
        failed: number(path, no, "Failed", cells[9])?,
        elapsed_s: Some(f(2, "Elap Time")?),
        response_s: Some(f(4, "Resp Time")?),
        longest_s: None,
        shortest_s: None,
        concurrency: Some(f(7, "Concurrent")?),
        socket_errors: Vec::new(),
        answers: Vec::new(),
    };
    let mut s = summarise(path, fig)?;
    s.selected_by_time = window;
    s.notes.extend(notes);
    // siege stops a run past its failure threshold and says so on the next line.
    let aborted = banners.iter().find(|(b, l)| {
        l.contains("aborted") && *b > no && !rows.iter().any(|(r, _)| *r > no && r < b)
    });
    s.stopped_early = aborted.map(|(b, l)| {
        format!(
            "{}:{b}: siege stopped the run it analyses (line {no}) itself: {}; its figures \
             cover the part that ran before it gave up",
            path.shown(),
            crate::model::untrusted::ticked(&shortened(l.trim(), 80))
        )
    });
    for (no, line) in banners {
        s.notes.push(format!(
            "{}:{no}: siege's own line {} is not a run row: skipped (the row above it is the \
             run it speaks of)",
            path.shown(),
            crate::model::untrusted::ticked(&shortened(line.trim(), 80))
        ));
    }
    if rows.len() > 1 || window {
        let how = if window {
            "the last in --from/--to"
        } else {
            "the last; --from/--to select another"
        };
        s.notes.push(format!(
            "{}: siege.log holds {} run(s) (one row each); the row analysed is line {no} ({}, \
             {how})",
            path.shown(),
            rows.len(),
            cells[0]
        ));
    }
    Ok(s)
}

/// The transactions and failed transactions of siege's console summary (to check it
/// against a `siege.log` row of the same run).
pub fn console_counts(path: &Path) -> Result<(u64, u64), Problem> {
    let text = read_file_text(path)?;
    let (first, _) = super::appended::first_run(path, &text, &RUNS);
    read_console(path, first).map(|f| (f.transactions, f.failed))
}

/// Every run row of a `siege.log`: its line, time, transactions and failed ones (rows
/// whose counts do not parse are left out: the reader names them when it reads one).
pub fn log_rows(path: &Path) -> Result<Vec<(u64, String, u64, u64)>, Problem> {
    let text = read_file_text(path)?;
    Ok(text
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty() && !l.contains("Date & Time"))
        .filter_map(|(i, l)| {
            let cells: Vec<&str> = l.split(',').map(str::trim).collect();
            let count = |k: usize| cells.get(k)?.parse::<u64>().ok();
            Some((i as u64 + 1, cells[0].to_string(), count(1)?, count(9)?))
        })
        .collect())
}

/// Why the run of `path`'s row at `line` was stopped by siege itself — the `****
/// siege aborted … ****` banner siege writes right after that run's row — or `None`.
pub fn aborted_after(path: &Path, line: u64) -> Option<String> {
    let text = read_file_text(path).ok()?;
    let next = (text.lines().skip(line as usize)).find(|l| !l.trim().is_empty())?;
    (next.trim_start().starts_with("****") && next.contains("aborted")).then(|| {
        format!(
            "{}:{}: siege stopped the run of line {line} itself: {}; its figures cover the \
             part that ran before it gave up",
            path.shown(),
            line + 1,
            crate::model::untrusted::ticked(&shortened(next.trim(), 80))
        )
    })
}

/// The last row whose time (siege's local time at the run's end, read as UTC) is in
/// `[from, to]`; rows with an unreadable time are left out with a note.
fn select_row<'a>(
    path: &Path,
    rows: &[(u64, &'a str)],
    opts: &IngestOptions,
    notes: &mut Vec<String>,
) -> Result<(u64, &'a str), Problem> {
    let mut picked = None;
    let mut times = Vec::new();
    for &(no, row) in rows {
        let date = row.split(',').next().unwrap_or("").trim();
        let Some(t) = parse_rfc3339_ms(date) else {
            notes.push(format!(
                "{}:{no}: time `{date}` is not YYYY-MM-DD HH:MM:SS; that row is left out of \
                 the --from/--to selection",
                path.shown()
            ));
            continue;
        };
        times.push(date);
        if opts.from_ms.is_none_or(|f| t >= f) && opts.to_ms.is_none_or(|e| t <= e) {
            picked = Some((no, row));
        }
    }
    picked.ok_or_else(|| {
        problem(
            path,
            Some(1),
            format!(
                "no siege.log row has its time in --from/--to (row times are siege's local \
                 time, read as UTC: {}); widen --from/--to, or leave them out to read the last \
                 run",
                if times.is_empty() {
                    "none readable".to_string()
                } else {
                    format!("{} to {}", times[0], times[times.len() - 1])
                }
            ),
        )
    })
}

fn summarise(path: &Path, fig: Figures) -> Result<ToolSummary, Problem> {
    let mut s = ToolSummary::new("siege");
    s.duration_s = fig.elapsed_s;
    let successful = fig.successful.unwrap_or(fig.transactions);
    if successful > fig.transactions {
        return Err(problem(
            path,
            None,
            format!(
                "{successful} successful transactions of {} transactions: more successes than \
                 answers",
                fig.transactions
            ),
        ));
    }
    let (latency, per_request) = match per_request_latency(&fig) {
        Some(exact) => (exact, true),
        None => (summary_latency(&fig), false),
    };
    let requests = add_counts(
        path,
        None,
        "the transactions and failed ones",
        fig.transactions,
        fig.failed,
    )?;
    let mut ep = endpoint(EndpointKey::new(None, &file_stem(path)), requests, latency);
    // The messages siege printed name each failed transaction's cause, when there is
    // one per failure (a capture of stdout and stderr); else the cause is unknown.
    let mut failed: Vec<(FailureKind, u64, &str)> = vec![(
        FailureKind::Other,
        fig.transactions - successful,
        "siege: answers with status ≥ 400",
    )];
    if fig.socket_errors.len() as u64 == fig.failed {
        failed.extend(
            fig.socket_errors
                .iter()
                .map(|m| (FailureKind::classify(None, m), 1, m.as_str())),
        );
    } else {
        failed.push((
            FailureKind::Other,
            fig.failed,
            "siege: failed transactions (5xx answer, socket error or timeout)",
        ));
    }
    add_failures(path, None, &mut ep, &failed)?;
    let counts = siege_routes::Counts {
        transactions: fig.transactions,
        successful,
        failed: fig.failed,
    };
    match siege_routes::split(path, &fig.answers, &counts)? {
        Some((routes, note)) => {
            s.aggregate = Some(ep);
            s.endpoints = routes;
            s.notes.push(note);
        }
        None => s.endpoints.push(ep),
    }
    let latency_note = if per_request {
        format!(
            "its per-request lines ({} with a status under 500, one per transaction it \
             counts) give the percentiles, each time to the hundredth of a second as siege \
             prints it (0.00 s is under 5 ms)",
            fig.transactions
        )
    } else {
        "siege prints times to the hundredth of a second and no percentiles".to_string()
    };
    s.notes.push(format!(
        "{}: {latency_note}{}",
        path.shown(),
        fig.concurrency
            .map(|c| format!(
                "; its concurrency {c:.2} is the mean number of requests in flight, not its \
                 -c users{USERS_ADVICE}"
            ))
            .unwrap_or_default()
    ));
    Ok(s)
}

/// siege's own figures: mean, shortest and longest of its transactions.
fn summary_latency(fig: &Figures) -> LatencyDistribution {
    let ms = |v: Option<f64>| v.filter(|_| fig.transactions > 0).map(|s| s * 1000.0);
    LatencyDistribution::Summary(PercentileSummary {
        sd_ms: None,
        count: fig.transactions,
        mean_ms: ms(fig.response_s),
        min_ms: ms(fig.shortest_s),
        max_ms: ms(fig.longest_s),
        points: Vec::new(),
        merged: false,
        co_corrected: false,
    })
}

/// Every transaction's time from siege's per-request lines, when they are complete:
/// as many lines with a status under 500 (what siege counts a transaction) as the
/// summary's transactions. Fewer (a capture of stdout alone, `verbose = false`, a line
/// cut) or more (runs appended to one file) leave siege's own figures.
fn per_request_latency(fig: &Figures) -> Option<LatencyDistribution> {
    let times = (fig.answers.iter()).filter(|a| a.status < 500);
    if fig.transactions == 0 || times.clone().count() as u64 != fig.transactions {
        return None;
    }
    let mut h = crate::model::new_histogram();
    for a in times {
        super::summary::record_ms_n(&mut h, a.secs * 1000.0, 1);
    }
    Some(LatencyDistribution::Exact(h.into()))
}
