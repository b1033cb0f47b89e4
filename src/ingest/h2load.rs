//! h2load's console output (nghttp2's load tool).
//!
//! * `finished in 1.23s, …` is the duration, less a timed run's warm-up (`-D 4
//!   --warm-up-time 1`: h2load counts only the main duration's requests, and finishes
//!   in 5 s); the `N total client(s)` of every
//!   `spawning thread #i` line (one per `-t` thread) add up to the users (a closed
//!   model: each client sends its next request when an answer arrives); clients
//!   created at a rate (`-r`) over a tenth or more of the run are noted; each client's
//!   streams (`-m`) multiply them (`h2load_streams.rs`). A run whose kept command line
//!   paces each client (`--rps`) is an open model at `--rps` × clients req/s, no users
//!   (`h2load_rps.rs`).
//! * A timed run (`-D`) whose clients stopped early (their own req/s add up to over
//!   1.5× the run's) hides failed connections: the failures are a lower bound
//!   (`transport_errors_unseen`), and a note says so.
//! * Several runs appended to one file: the first is read, a note names the others
//!   (`appended.rs`); a run that started and printed no results (interrupted) before
//!   it is named too, and left out.
//! * `requests: T total, S started, D done, K succeeded, F failed, E errored, O timeout`:
//!   requests are `succeeded + failed` less those h2load never started (`T − S` in a
//!   `-n` run: their connection failed — refused, or HTTP/2 spoken to an HTTP/1.1
//!   server — and h2load counts them failed and errored, but they were never sent);
//!   requests in flight at the end have no outcome. A run with requests never started,
//!   or with no answer at all, is incomplete (`stopped_early`), its reason naming
//!   `--h1` when h2load spoke h2c and got nothing back. Failures are the started
//!   requests' `failed` — `errored` (no answer: timeouts → `timeout`, the rest →
//!   `other`) and the answers h2load did not count as succeeded: its `status codes`
//!   5xx and 4xx counts, kinds `status:5xx` and `status:4xx` (the class alone: h2load
//!   prints no code), so `rc(5xx)` judges them; any beyond those counts are `other`.
//! * Latency: `time for request: min max mean sd` (a tool summary without percentiles;
//!   its sd lets `compare` test a change of the mean);
//!   beside the same run's `--log-file` ([`build_run`]), every answer's latency from
//!   the log, to the µs.
//! * Its one endpoint is named after the URL of the command kept with the console
//!   (`h2load_command.rs`), else after the file.
//! * h2load always prints its `requests:`, `status codes:`, `traffic:` and `time for
//!   request:` lines: an output without one was cut short (or h2load interrupted) and
//!   is refused, since what was cut may be the failures.

use crate::model::untrusted::Shown;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use hdrhistogram::Histogram;
use regex::Regex;

use super::appended::{first_run_with_results, RunMarks};
use super::stages::StagePlan;
use super::summary::{
    add_counts, add_failures, build, captured_counts, endpoint, file_stem, number, read_file_text,
    require_lines, static_regexes, ToolSummary,
};
use super::{problem, IngestOptions};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{
    EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem, Source,
};

/// The `h2load-text` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::H2loadText,
    name: "h2load-text",
    tool: "h2load",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p).map(|(s, _)| s)),
    splittable: false,
    notes: &[],
    detected_by: "`finished in …` and `requests: … total, … started, … done`",
    example: "h2load -n 1000 -c 10 URL > h2load.txt",
};

/// True for h2load's console output.
pub fn sniff(head: &str) -> bool {
    head.contains("starting benchmark...") && head.contains("total client(s)")
        || head.contains("finished in ") && head.contains(" started, ") && head.contains(" done, ")
}

/// An h2load time (`6.64ms`, `98us`, `1.23s`) in ms.
fn time_ms(path: &Path, no: u64, text: &str) -> Result<f64, Problem> {
    let (num, factor) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return Err(problem(
            path,
            Some(no),
            format!("time `{text}` has no unit (us, ms, s)"),
        ));
    };
    Ok(number::<f64>(path, no, "time", num)? * factor)
}

/// `time for request:`'s min, max, mean and sd, ms (the sd NaN when a cut line lacks it).
fn request_times(path: &Path, no: u64, c: &regex::Captures) -> Result<[f64; 4], Problem> {
    let sd = c
        .get(4)
        .map(|m| time_ms(path, no, m.as_str()))
        .transpose()?;
    Ok([
        time_ms(path, no, &c[1])?,
        time_ms(path, no, &c[2])?,
        time_ms(path, no, &c[3])?,
        sd.unwrap_or(f64::NAN),
    ])
}

/// Where an h2load run begins (`starting benchmark...`) and shows results
/// (`requests: …`).
const RUNS: RunMarks = RunMarks {
    starts: |l| l.starts_with("starting benchmark"),
    results: |l| l.starts_with("requests: "),
};

/// Lines h2load always prints at a run's end, the last after its counts.
const ALWAYS_PRINTED: &[&str] = &[
    "requests:",
    "status codes:",
    "traffic:",
    "time for request:",
];

/// The console's summary and its `done` (the streams that closed: the rows of the
/// run's `--log-file`).
fn read(path: &Path) -> Result<(ToolSummary, u64), Problem> {
    static RES: OnceLock<[Regex; 5]> = OnceLock::new();
    let [clients_re, finished_re, requests_re, status_re, time_re] = static_regexes(
        &RES,
        [
            r"(\d+) total client\(s\)",
            r"^finished in (\S+?),",
            r"^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout",
            r"^status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx",
            r"^time for request:\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(\S+))?",
        ],
    );
    let whole = read_file_text(path)?;
    let (text, appended) = first_run_with_results(path, &whole, &RUNS);
    require_lines(path, text, "h2load", ALWAYS_PRINTED)?;
    let mut s = ToolSummary::new("h2load");
    s.left_out_runs(appended);
    let mut counts: Option<([u64; 7], u64)> = None;
    let mut classes = [0u64; 4];
    let mut times: Option<[f64; 4]> = None;
    for (i, line) in text.lines().enumerate() {
        let no = i as u64 + 1;
        if let Some(c) = clients_re.captures(line) {
            // One `spawning thread #i: N total client(s)` line per thread (-t): the
            // clients of every thread are the users.
            let n: u32 = number(path, no, "clients", &c[1])?;
            s.users = Some(s.users.unwrap_or(0).saturating_add(n));
        } else if let Some(c) = finished_re.captures(line) {
            s.duration_s = Some(time_ms(path, no, &c[1])? / 1000.0);
        } else if let Some(c) = requests_re.captures(line) {
            counts = Some((captured_counts(path, no, "requests", &c)?, no));
        } else if let Some(c) = status_re.captures(line) {
            classes = captured_counts(path, no, "status codes", &c)?;
        } else if let Some(c) = time_re.captures(line) {
            times = Some(request_times(path, no, &c)?);
        }
    }
    let Some(([total, started, done, succeeded, failed, errored, timeout], line)) = counts else {
        return Err(problem(
            path,
            Some(1),
            "no `requests: … total, … started, … done` line: h2load was interrupted, or the \
             output was cut",
        ));
    };
    if errored > failed {
        return Err(problem(
            path,
            Some(line),
            format!("{errored} errored but only {failed} failed: the counts do not add up"),
        ));
    }
    let h2c = text
        .lines()
        .any(|l| l.trim() == "Application protocol: h2c");
    let unsent = Unsent::of([total, started, done, errored, timeout], h2c);
    let (failed, errored) = (failed - unsent.count, errored - unsent.count);
    // Every started request with an outcome (those in flight at the end have none).
    let requests = add_counts(path, Some(line), "the requests", succeeded, failed)?;
    let answered = requests - errored;
    let latency = LatencyDistribution::Summary(PercentileSummary {
        count: answered,
        mean_ms: times.map(|t| t[2]).filter(|_| answered > 0),
        sd_ms: times
            .map(|t| t[3])
            .filter(|sd| answered > 0 && sd.is_finite()),
        min_ms: times.map(|t| t[0]).filter(|_| answered > 0),
        max_ms: times.map(|t| t[1]).filter(|_| answered > 0),
        points: Vec::new(),
        merged: false,
        co_corrected: false,
    });
    let mut ep = endpoint(EndpointKey::new(None, &file_stem(path)), requests, latency);
    let timeouts = timeout.min(errored);
    // The answers not counted as succeeded are its 4xx and 5xx, by class (h2load
    // prints no code); any beyond them are of unknown kind.
    let answered_failed = failed - errored;
    let server = classes[3].min(answered_failed);
    let client = classes[2].min(answered_failed - server);
    add_failures(
        path,
        Some(line),
        &mut ep,
        &[
            (FailureKind::Timeout, timeouts, "h2load: timeout"),
            (FailureKind::Other, errored - timeouts, "h2load: errored"),
            (
                FailureKind::StatusClass(5),
                server,
                "h2load: status codes 5xx",
            ),
            (
                FailureKind::StatusClass(4),
                client,
                "h2load: status codes 4xx",
            ),
            (
                FailureKind::Other,
                answered_failed - server - client,
                "h2load: answers not counted as succeeded",
            ),
        ],
    )?;
    super::h2load_command::name_endpoint(path, text, &mut ep);
    s.endpoints.push(ep);
    let stopped = clients_stopped_early(path, text, s.users);
    s.transport_errors_unseen = stopped.is_some();
    s.notes.extend(stopped);
    s.stopped_early = unsent.reason(path);
    s.duration_s = s.duration_s.map(|d| measured_s(text, d));
    s.notes
        .extend(s.duration_s.and_then(|d| ramped(path, text, d)));
    // Paced (`--rps`) before streams: the rate is per client, and its clients no users.
    super::h2load_rps::apply(path, text, &mut s);
    super::h2load_streams::apply(path, text, &mut s);
    Ok((s, done))
}

/// The length of a run's measurements, s, from its `finished in` length `finished_s`:
/// a timed run (`-D`) with a warm-up (`--warm-up-time`) counts only the requests of its
/// main duration (`Timing-based test with 1s of warm-up time and 4s of main duration
/// for measurements`), while `finished in` includes the warm-up; a run whose clients
/// all stopped early measured for less than its main duration.
fn measured_s(text: &str, finished_s: f64) -> f64 {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"Timing-based test with ([0-9.]+)s of warm-up time and ([0-9.]+)s of main duration",
        )
        .expect("static regex")
    });
    let Some(c) = text.lines().find_map(|l| re.captures(l)) else {
        return finished_s;
    };
    let (Ok(warm), Ok(main)) = (c[1].parse::<f64>(), c[2].parse::<f64>()) else {
        return finished_s;
    };
    if finished_s > warm && main > 0.0 {
        (finished_s - warm).min(main)
    } else {
        finished_s
    }
}

/// The note of a run whose clients h2load created at a rate (`-r`: `spawning thread
/// #0: 10 total client(s). Up to 5 client(s) will be created every 1s`) over a tenth
/// or more of its `duration_s`: its users (every client) were not all running
/// throughout, so the stage's users overstate its load.
fn ramped(path: &Path, text: &str, duration_s: f64) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(\d+) total client\(s\)\. Up to (\d+) client\(s\) will be created every ([0-9.]+)s",
        )
        .expect("static regex")
    });
    let ramp_s = (text.lines().filter_map(|l| re.captures(l)))
        .filter_map(|c| {
            let (n, per, every) = (
                c[1].parse::<f64>().ok()?,
                c[2].parse::<f64>().ok()?,
                c[3].parse::<f64>().ok()?,
            );
            (per > 0.0).then(|| ((n / per).ceil() - 1.0).max(0.0) * every)
        })
        .fold(0.0f64, f64::max);
    (ramp_s >= 0.1 * duration_s && ramp_s > 0.0).then(|| {
        format!(
            "{}: h2load created its clients at a rate (-r) over the first {ramp_s} s of its \
             {duration_s} s: not all of them ran throughout, so the stage's users (every \
             client) overstate its load; run longer, or without -r, to measure a load level",
            path.shown()
        )
    })
}

/// The requests h2load counts failed and errored that were never sent, so are not
/// requests: those a failed connection never started (`T − S` in a `-n` run: refused,
/// closed; a timed run's `total` is its done, below its started), and, when h2load
/// spoke HTTP/2 without TLS (`Application protocol: h2c`) and got no answer and no
/// timeout, the started ones too: a server that speaks only HTTP/1.1 reads no request
/// in an HTTP/2 preface (it answers none, and h2load prints 0.00 req/s).
struct Unsent {
    count: u64,
    /// The run's `[total, started, done]`.
    counts: [u64; 3],
    h2c_unanswered: bool,
}

impl Unsent {
    /// From the `requests:` line's `[total, started, done, errored, timeout]` and
    /// whether h2load spoke h2c.
    fn of(line: [u64; 5], h2c: bool) -> Unsent {
        let [total, started, done, errored, timeout] = line;
        let h2c_unanswered = h2c && done == 0 && timeout == 0;
        let count = if h2c_unanswered {
            errored
        } else {
            total.saturating_sub(started).min(errored)
        };
        Unsent {
            count,
            counts: [total, started, done],
            h2c_unanswered,
        }
    }

    /// Why the run sent less than it was started for, or `None`: requests never sent
    /// (left out of the requests), or no answer at all (`done` 0 of `started`). Either
    /// way its figures are not the load h2load was asked for, so the run is incomplete
    /// (`stopped_early`).
    fn reason(&self, path: &Path) -> Option<String> {
        let [total, started, done] = self.counts;
        if self.count == 0 && (done > 0 || started == 0) {
            return None;
        }
        let what = if self.h2c_unanswered {
            format!(
                "h2load spoke HTTP/2 without TLS (`Application protocol: h2c`) and none of its \
                 requests got an answer ({total} total, {started} started, 0 done): no request was sent that an HTTP/1.1 server \
                 reads (h2load counts them failed; they are not requests and are left out) — \
                 re-run with `h2load --h1` for a server that speaks only HTTP/1.1"
            )
        } else if self.count > 0 {
            format!(
                "h2load was started for {total} requests and started {started}: the \
                 connections of the other {} failed before sending them (h2load counts them \
                 failed; they are not requests and are left out){}",
                self.count,
                if done == 0 {
                    " — no request got an answer: is the target listening at that address?"
                } else {
                    ""
                }
            )
        } else {
            format!("h2load started {started} requests and none got an answer (0 done)")
        };
        Some(format!(
            "{}: {what}; no figure of this run is the load h2load was asked for",
            path.shown()
        ))
    }
}

/// h2load's console output `text` and the `--log-file` `log` beside it, read as one
/// source: the console gives the counts, failures and users, the log every answered
/// request's latency and status code. h2load appends to its log on each run, so the
/// console's run is the log's last `done` rows (a console rewritten by each run), or
/// its first (a console capture of several runs, whose first is read). Those rows must
/// hold as many answers as the console counts (h2load's `time for request` summarises
/// the same ones) and start after (before) every other row; else the log is another
/// run's, and a note says so. A log with a bad row is a problem of its own (returned
/// beside the source), and the console is read without it.
pub fn build_run(
    text: &Path,
    log: &Path,
    plan: &StagePlan,
    opts: &IngestOptions,
) -> Result<(Source, LogUse), Problem> {
    let mut used = LogUse::Read;
    let read = read(text).map(|(mut s, done)| {
        match with_log(&mut s, text, log, done) {
            Ok(Ok(note)) => s.notes.push(note),
            Ok(Err(why)) => used = LogUse::OtherRun(why),
            Err(p) => used = LogUse::Bad(p),
        }
        s
    });
    Ok((build(text, read, plan, opts)?, used))
}

/// What became of the log beside a console output ([`build_run`]).
pub enum LogUse {
    /// Its run's latencies and codes are the source's.
    Read,
    /// Another run's, not read: why.
    OtherRun(String),
    /// A bad row: the problem (the console is read without it).
    Bad(Problem),
}

/// Gives the console's summary `s` (of `done` closed streams) the latencies and codes
/// of its run's rows in `log`: the note that says what was read, or why the log is
/// not the console's run.
fn with_log(
    s: &mut ToolSummary,
    text: &Path,
    log: &Path,
    done: u64,
) -> Result<Result<String, String>, Problem> {
    let rows = super::h2load_log::rows(log)?;
    let first = s.runs_left_out.is_some();
    let skip = if first { 0 } else { rows.saturating_sub(done) };
    let f = super::h2load_log::figures(log, skip, done)?;
    let answered = s.endpoints[0].latency.count();
    let printed = match &s.endpoints[0].latency {
        LatencyDistribution::Summary(p) => p.min_ms.zip(p.max_ms),
        _ => None,
    };
    if rows < done || f.answered.len() != answered || !f.apart || !within(&f.answered, printed) {
        return Ok(Err(format!(
            "h2load's log of {rows} rows holds no run of {done} closed streams with {answered} \
             answers {} it, timed as {} prints: not the same run, so the console output is \
             read without it (analyse the log in a dir of its own)",
            if first {
                "at the start of"
            } else {
                "at the end of"
            },
            text.shown()
        )));
    }
    let ep = &mut s.endpoints[0];
    ep.latency = LatencyDistribution::Exact(f.answered.into());
    exact_codes(&mut ep.failures_by_kind, &f.statuses);
    // The rows' start times are the run's course: its throughput and latency over time.
    ep.series = f.series;
    let mut note = format!(
        "{} and {} are one h2load run: the console gives the counts and failures, the log \
         every answer's latency (to the µs) and status code, and each request's start \
         (the run over time)",
        text.shown(),
        log.shown()
    );
    if rows > done {
        note.push_str(&format!(
            "; the log's {} other rows are other runs' (h2load appends to its log on each \
             run), left out",
            rows - done
        ));
    }
    Ok(Ok(note))
}

/// True when the log's answered latencies (µs) lie within the console's printed
/// `time for request` min and max (ms), to its printing's rounding (`605us`, `3.59ms`,
/// `1.23s`: within 1 %, and 10 µs).
fn within(log: &Histogram<u64>, printed: Option<(f64, f64)>) -> bool {
    let Some((min, max)) = printed else {
        return true;
    };
    let slack = |v: f64| v * 0.01 + 0.01;
    let (lo, hi) = (log.min() as f64 / 1000.0, log.max() as f64 / 1000.0);
    lo >= min - slack(min) && hi <= max + slack(max)
}

/// The streams h2load's console output `path` says closed (`done`): the rows its run
/// wrote to a `--log-file`.
pub fn done(path: &Path) -> Result<u64, Problem> {
    read(path).map(|(_, done)| done)
}

/// The console's failures of class 4xx or 5xx (`status:5xx`) as the log's codes
/// (`status:503`), for each class whose counts agree (the log then has every such
/// answer), so that `rc(503)` judges them.
fn exact_codes(kinds: &mut BTreeMap<FailureKind, u64>, statuses: &BTreeMap<u16, u64>) {
    for class in [4u8, 5] {
        let hundreds = u16::from(class) * 100;
        let codes = statuses.range(hundreds..hundreds + 100);
        let in_log: u64 = codes.clone().map(|(_, n)| n).sum();
        let kind = FailureKind::StatusClass(class);
        if in_log == 0 || kinds.get(&kind) != Some(&in_log) {
            continue;
        }
        kinds.remove(&kind);
        for (code, n) in codes {
            *kinds.entry(FailureKind::Status(*code)).or_default() += n;
        }
    }
}

/// In a timed run (`-D`), h2load counts no failure for a client whose connection
/// fails (a target that went away): the client just stops. Its clients' own rates
/// (`req/s : min max mean`, each over the client's life) then add up to far more than
/// the run's (`finished in …, X req/s`). Past 1.5× the note says so, and the failures
/// h2load prints are a lower bound.
fn clients_stopped_early(path: &Path, text: &str, users: Option<u32>) -> Option<String> {
    if !text.contains("Timing-based test") {
        return None;
    }
    let run_rps: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("finished in "))?
        .split(", ")
        .nth(1)?
        .strip_suffix(" req/s")?
        .parse()
        .ok()?;
    let client_rps: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("req/s"))?
        .trim_start_matches([' ', ':'])
        .split_whitespace()
        .nth(2)?
        .parse()
        .ok()?;
    let clients = f64::from(users?);
    let alive = clients * client_rps;
    (alive > 1.5 * run_rps).then(|| {
        format!(
            "{}: h2load's {clients} clients made {client_rps} req/s each while they ran \
             ({alive:.0} req/s together), the run {run_rps} req/s: clients stopped early — in \
             a timed run h2load counts no failure for a connection that fails (a target that \
             went away), so its failures are a lower bound",
            path.shown()
        )
    })
}
