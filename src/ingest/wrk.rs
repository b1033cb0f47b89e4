//! wrk and wrk2 console output , with or without `--latency`.
//!
//! * A Lua script that chooses the requests' paths (`wrk_script.rs`) makes the one
//!   endpoint `URL (paths chosen by paths.lua)`: every request the script sent. One
//!   that sets `wrk.method = "POST"` gives the endpoint its method (`POST URL`, with a
//!   note); without a script saying one, the endpoint is the URL alone.
//! * Times carry their unit (`us`, `ms`, `s`, `m`, `h`); byte counts binary suffixes.
//!   `-nan` (wrk2's `Req/Sec` with one thread) reads as unknown.
//! * **Requests** are the `N requests in` completed responses plus the connect, read and
//!   write socket errors (a request that was sent and got no answer); **failures** are
//!   the socket errors (connect → `connect`, read/write → `reset`, timeout → `timeout`)
//!   and the `Non-2xx or 3xx responses` (status ≥ 400 in wrk's code; the code itself is
//!   not printed, so their kind is `other`). Since wrk 4.0 a *timeout* is an answer that
//!   came later than `--timeout`, among the N and left out of wrk's latency figures: a
//!   failure within the completed requests, never added to them (a note says so). wrk2
//!   and wrk 3 count one every 2 s per request still waiting: there, and whenever they
//!   outnumber the completed requests, they are added, with a note that they may overlap.
//! * Latency: wrk's `Latency Distribution` (50/75/90/99 %) is a tool summary with the
//!   Thread Stats `Latency` line's mean, standard deviation and max (`Avg  Stdev  Max`,
//!   each with its unit; wrk computes that line over every request of every thread): the
//!   sd is what `compare` tests a change of the mean by (`summary_welch`). wrk
//!   corrects them for coordinated omission before it prints them (`stats_correct` in
//!   wrk.c: for every answer slower than twice a connection's mean interval it adds
//!   samples spaced by that interval), so its mean and percentiles are above what it measured and its mean is no response time for
//!   Little's law ([`PercentileSummary::co_corrected`]; a note says so). wrk2's "Detailed Percentile spectrum" is rebuilt as an
//!   exact histogram (`hgrm.rs` explains the caveat). wrk2 prints the *Recorded*
//!   (corrected for coordinated omission) distribution and, with `-U`, the
//!   *Uncorrected* one: the corrected one is the measurement, the other a note.
//! * Load model: wrk is closed (each connection sends its next request when the answer
//!   arrives), so its connections are the stage's users. wrk2 is open: it schedules
//!   requests at `-R` req/s whatever the answers do, and its connections only cap what
//!   is in flight, so the stage gets no users but the arrival rate — from an echoed
//!   command line (`wrk … -R2000 …`), since wrk2's output never prints the rate. Without
//!   one the rate stays unknown (as for vegeta): the output shows that wrk2 ran (its
//!   `Recorded Latency` header, `Thread calibration` lines, the detailed spectrum), not
//!   at what rate; its `Requests/sec` is what was achieved, which falls short of `-R`
//!   exactly when the target could not keep up, so it is not taken for the plan. A note
//!   says which, and a manifest's `arrival_rate_rps` fills the gap.
//! * The run's length is its completed requests ÷ its `Requests/sec` (`wrk_units.rs`):
//!   wrk prints it rounded (`in 1.00m`), so the throughput is wrk's own figure.
//! * Users often concatenate several runs into one file (a shell loop `>> wrk.log`):
//!   the later runs come with the first (`ToolSummary::later_runs`), each a stage of
//!   its own where the data finds the stages (a rerun at a load already read is left
//!   out with a note); where a dir or `run.toml` names the stage, the first is read and
//!   a note lists the others.
//! * wrk and wrk2 always end a run with `Requests/sec:` and `Transfer/sec:`, after the
//!   socket errors and non-2xx responses they print only when there are some: a first
//!   run without them (or without its `N requests in`) was cut short and is refused,
//!   since what was cut may be its failures; a later cut run is left out with a note.

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::hgrm::Spectrum;
use super::problem;
use super::summary::{add_counts, endpoint, read_file_text, static_regexes, ToolSummary};
use super::wrk_units::{bytes, duration_ms, format_secs, run_length};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem};

/// The `wrk-text` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::WrkText,
    name: "wrk-text",
    tool: "wrk",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[],
    detected_by: "a `Running 10s test @ URL` line",
    example: "wrk -t4 -c64 -d30s --latency URL > wrk.txt",
};

/// True when the head holds a `Running 10s test @ URL` line.
pub fn sniff(head: &str) -> bool {
    head.lines().any(|l| running_re().is_match(l)) && !super::autocannon::looks_like_console(head)
}

fn running_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\s*Running (\S+) test @ (\S+)").expect("static regex"))
}

/// A latency block: wrk's `Latency Distribution`, or one of wrk2's.
#[derive(Clone, Debug, Default)]
struct LatencyBlock {
    /// `(percentile, ms)` lines.
    points: Vec<(f64, f64)>,
    /// wrk2's detailed spectrum (values in ms).
    spectrum: Option<Spectrum>,
}

/// One run's figures, as printed.
#[derive(Clone, Debug, Default)]
struct WrkRun {
    /// 1-based line of `Running …`.
    line: u64,
    url: String,
    connections: Option<u32>,
    wrk2: bool,
    /// `-R` from an echoed command line (wrk2).
    rate: Option<f64>,
    /// The planned length in seconds (`Running 10s test`).
    planned_s: Option<f64>,
    mean_ms: Option<f64>,
    /// The `Stdev` of the `Latency` line (of the same corrected figures as the mean).
    sd_ms: Option<f64>,
    max_ms: Option<f64>,
    recorded: Option<LatencyBlock>,
    uncorrected: Option<LatencyBlock>,
    completed: Option<u64>,
    /// The run's length: `N requests in 3.02s` as printed until the run is complete,
    /// then N ÷ `Requests/sec` (`wrk_units.rs`).
    duration_s: Option<f64>,
    /// The `in 3.02s` text, and `Requests/sec:` as printed.
    printed_length: String,
    requests_per_s: Option<f64>,
    /// Why the printed length was kept (figures that do not belong together).
    length_note: Option<String>,
    bytes_read: Option<u64>,
    /// connect, read, write, timeout.
    socket: [u64; 4],
    non_2xx_3xx: u64,
    /// 1-based lines of `N requests in`, `Socket errors` and `Non-2xx or 3xx`.
    done_line: u64,
    socket_line: Option<u64>,
    non_2xx_line: Option<u64>,
    /// Whether the run's closing `Requests/sec:` and `Transfer/sec:` lines were seen.
    closed: [bool; 2],
    /// `(percentile, ms)` a Lua script's `done()` printed after them (`wrk_script.rs`).
    done_points: Vec<(f64, f64)>,
}

/// The file's runs as summaries: the first, with the later ones (a shell loop's
/// several runs into one log) as its [`ToolSummary::later_runs`]; a later run whose
/// figures do not add up is left out, and a note names it.
fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let text = read_file_text(path)?;
    let Parsed { runs, cut } = parse(path, &text)?;
    let lines: Vec<&str> = text.lines().collect();
    // `parse` returns at least one run or a problem.
    let Some(first) = runs.first() else {
        return Err(problem(path, Some(1), "no `Running … test @ URL` line"));
    };
    let mut summary = run_summary(path, &lines, first)?;
    let later = (runs[1..].iter()).map(|run| (run.line, run_summary(path, &lines, run)));
    summary.add_later_runs(path, runs.len(), later);
    if runs.len() > 1 {
        summary.later_runs_unread = Some(format!(
            "{} holds {} runs; only the first (line {}) is analysed. Split the file (one run \
             per run dir) to analyse the others: {}",
            path.shown(),
            runs.len(),
            first.line,
            (runs[1..].iter().map(describe))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    if let Some(note) = super::wrk_unrun::left_out(path, &text, &cut) {
        summary.left_out_runs(Some(note));
    }
    if cut.is_empty() {
        summary
            .notes
            .extend(super::text::nul_padding_note(path, &text));
    }
    Ok(summary)
}

/// A run as a note names it: its line, URL and connections.
fn describe(run: &WrkRun) -> String {
    format!(
        "line {}: {}{}",
        run.line,
        run.url,
        run.connections
            .map(|c| format!(", {c} connections"))
            .unwrap_or_default()
    )
}

/// One run of the file (`lines` are all of the file's) as a summary, its endpoint named
/// after the Lua script that chose its paths when one did.
fn run_summary(path: &Path, lines: &[&str], run: &WrkRun) -> Result<ToolSummary, Problem> {
    let mut summary = summarise(path, run)?;
    let before = &lines[..(run.line as usize - 1).min(lines.len())];
    summary.banner = super::banners::stage_name(before, |l| l.starts_with("Transfer/sec"));
    if let Some(script) = super::wrk_script::choosing_paths(path, before) {
        name_script_requests(path, &mut summary, &run.url, &script);
    }
    if let Some((method, script)) = super::wrk_script::method(path, before) {
        for ep in &mut summary.endpoints {
            ep.key.method = Some(method.clone());
        }
        summary.notes.push(format!(
            "{}: wrk sent every request as {method}: its Lua script {} ({}) sets \
             `wrk.method`, which wrk's console does not print",
            path.shown(),
            script.name,
            script.from
        ));
    }
    Ok(summary)
}

/// Renames the run's one endpoint, named after wrk's URL, as every request of the Lua
/// script that chose their paths, and says so.
fn name_script_requests(
    path: &Path,
    summary: &mut ToolSummary,
    url: &str,
    script: &super::wrk_script::PathScript,
) {
    let name = format!("{url} (paths chosen by {})", script.name);
    for ep in &mut summary.endpoints {
        ep.key = EndpointKey::new(None, &name);
    }
    summary.notes.push(format!(
        "{}: wrk ran the Lua script {} ({}), which chooses each request's path: wrk's \
         console counts them together under the URL it was given, so endpoint `{name}` is \
         every request the script sent, not {url} alone, and no path's own figures are known",
        path.shown(),
        script.name,
        script.from
    ));
}

/// The first run's figures as a summary.
fn summarise(path: &Path, run: &WrkRun) -> Result<ToolSummary, Problem> {
    let mut summary = ToolSummary::new(if run.wrk2 { "wrk2" } else { "wrk" });
    let completed = run.completed.unwrap_or(0);
    let [connect, read, write, timeout] = run.socket;
    let socket_line = run.socket_line.or(Some(run.done_line));
    let socket_total = run.socket.iter().try_fold(0u64, |sum, n| {
        add_counts(path, socket_line, "the socket error counts", sum, *n)
    })?;
    if run.non_2xx_3xx > completed {
        return Err(problem(
            path,
            run.non_2xx_line,
            format!(
                "{} Non-2xx or 3xx responses but only {completed} requests completed — more \
                 failures than requests",
                run.non_2xx_3xx
            ),
        ));
    }
    // wrk ≥ 4 counts a timeout only for an answer it received (among the completed);
    // a slow ≥ 400 answer is in both counts, so at most every answer failed.
    let timeouts_answered = !run.wrk2 && timeout <= completed;
    let (unanswered, failed_answers, timed, timed_out) = if timeouts_answered {
        let failed = run.non_2xx_3xx.saturating_add(timeout).min(completed);
        let timed_out = failed - run.non_2xx_3xx;
        (
            socket_total - timeout,
            failed,
            completed - timeout,
            timed_out,
        )
    } else {
        (socket_total, run.non_2xx_3xx, completed, timeout)
    };
    let requests = add_counts(
        path,
        socket_line,
        "the completed requests and socket errors",
        completed,
        unanswered,
    )?;
    let failures = add_counts(
        path,
        socket_line,
        "the non-2xx/3xx responses and socket errors",
        failed_answers,
        unanswered,
    )?;
    let recorded = run.recorded.as_ref();
    let printed = recorded.map(|b| b.points.as_slice()).unwrap_or_default();
    let (points, done_note) = super::wrk_script::with_done_points(path, printed, &run.done_points);
    let latency = match recorded.and_then(|b| Some((b.spectrum.as_ref()?, &b.points))) {
        Some((spectrum, points)) => spectrum.with_points(points).distribution(1.0),
        None => LatencyDistribution::Summary(PercentileSummary {
            sd_ms: run.sd_ms.filter(|sd| sd.is_finite() && *sd >= 0.0),
            count: timed,
            mean_ms: run.mean_ms,
            min_ms: None,
            max_ms: run.max_ms,
            points,
            merged: false,
            // wrk.c corrects its latency statistics (`stats_correct`) before printing.
            co_corrected: true,
        }),
    };
    let mut ep = endpoint(EndpointKey::new(None, &run.url), requests, latency);
    ep.failures = failures;
    ep.bytes_received = run.bytes_read;
    let kinds = [
        (
            FailureKind::Other,
            run.non_2xx_3xx,
            "HTTP status ≥ 400 (wrk: Non-2xx or 3xx responses)",
        ),
        (FailureKind::Connect, connect, "socket errors: connect"),
        (FailureKind::Reset, read, "socket errors: read"),
        (FailureKind::Reset, write, "socket errors: write"),
        (FailureKind::Timeout, timed_out, "socket errors: timeout"),
    ];
    for (kind, n, message) in kinds {
        if n > 0 {
            ep.add_failure(kind, Some(message), n);
        }
    }
    summary.endpoints.push(ep);
    summary.duration_s = run.duration_s;
    summary.notes.extend(run.length_note.clone());
    if run.wrk2 {
        // An open model: the connections only cap how many requests are in flight.
        summary.arrival_rate_rps = run.rate;
        summary.notes.push(open_model_note(path, run));
    } else {
        // A closed model: each connection sends its next request when the answer
        // arrives, so the connections are the users (with no think time).
        summary.users = run.connections;
    }
    if timeout > 0 {
        summary.notes.push(timeout_note(
            path,
            run.wrk2,
            timeouts_answered,
            completed,
            timeout,
        ));
    }
    latency_notes(path, run, completed, &mut summary.notes);
    summary
        .notes
        .extend(done_note.filter(|_| recorded.is_none_or(|b| b.spectrum.is_none())));
    summary.stopped_early = stopped_early(path, run);
    Ok(summary)
}

/// Why a run that ends well before the length it was started for (`Running 10s test`
/// that ends `… requests in 3.00s`) stopped early, or `None`: wrk runs its full `-d`
/// and prints its summary also on Ctrl-C, so a shorter run was interrupted (its load
/// ran a part of the plan; a cut-off ramp or a stalled target is never judged whole).
fn stopped_early(path: &Path, run: &WrkRun) -> Option<String> {
    let (planned, ran) = (run.planned_s?, run.duration_s?);
    (ran < STOPPED_EARLY * planned).then(|| {
        format!(
            "{}: wrk was started for {} (`Running … test`, line {}) and ran {ran:.2} s: it \
             stopped early (interrupted with Ctrl-C, or its threads ended before the planned \
             length), so its figures cover {:.0}% of the planned run; re-run it to the end",
            path.shown(),
            format_secs(planned),
            run.line,
            100.0 * ran / planned
        )
    })
}

/// A run shorter than this share of its planned length stopped early (wrk ends a
/// run a little after its `-d`, never before).
const STOPPED_EARLY: f64 = 0.95;

/// What the `timeout` socket errors are, and how they were counted.
fn timeout_note(path: &Path, wrk2: bool, answered: bool, completed: u64, timeout: u64) -> String {
    if answered {
        return format!(
            "{}: wrk counts a timeout for an answer that came later than --timeout: the \
             {timeout} timeouts are among the {completed} completed requests (failures, not \
             extra requests), and wrk's latency figures leave them out, so they describe the \
             {} faster answers",
            path.shown(),
            completed - timeout
        );
    }
    let why = if wrk2 {
        "wrk2 counts a timeout every 2 s for each request still waiting"
    } else {
        "more timeouts than completed requests is how wrk 3 counted them (every 2 s for \
         each request still waiting)"
    };
    format!(
        "{}: {why}, so the {timeout} timeouts, counted as requests beside the {completed} \
         completed, may overlap them",
        path.shown()
    )
}

/// What the summary says of wrk's latency: that wrk corrected it; and of wrk2's: its
/// uncorrected figures, values its spectrum leaves out, and how the latency is rebuilt
/// from the spectrum.
fn latency_notes(path: &Path, run: &WrkRun, completed: u64, notes: &mut Vec<String>) {
    if !run.wrk2 && (run.mean_ms.is_some() || run.recorded.is_some()) {
        notes.push(format!(
            "{}: wrk corrects its latency figures for coordinated omission before printing \
             them (for every answer slower than twice a connection's mean interval it adds \
             samples spaced by that interval): its mean and percentiles are those corrected \
             figures, above what it measured, and its mean is not checked against Little's \
             law from above",
            path.shown()
        ));
    }
    if let Some(u) = &run.uncorrected {
        let figures = match &u.spectrum {
            Some(s) => {
                let d = s.distribution(1.0);
                let p = |q: f64| {
                    d.percentile(q)
                        .map_or("?".into(), |p| format!("{:.3}", p.value_ms))
                };
                format!(
                    "p50 {} ms, p99 {} ms, {}",
                    p(50.0),
                    p(99.0),
                    s.describe(1.0)
                )
            }
            None => u
                .points
                .iter()
                .map(|(p, v)| format!("p{p} {v:.3} ms"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        notes.push(format!(
            "{}: wrk2 also printed the uncorrected latency (measured without the delayed \
             starts, i.e. hiding coordinated omission): {figures}. The report uses the \
             corrected (Recorded) latency",
            path.shown()
        ));
    }
    if let Some(spectrum) = run.recorded.as_ref().and_then(|b| b.spectrum.as_ref()) {
        // wrk2 leaves its first seconds (thread calibration) out of the histogram.
        let timed = spectrum.count();
        if timed.abs_diff(completed) > completed / 100 {
            notes.push(format!(
                "{}: wrk2's latency spectrum holds {timed} values for {completed} completed \
                 requests (wrk2 leaves its calibration period out of the latency)",
                path.shown()
            ));
        }
        notes.push(format!(
            "{}: latency rebuilt from wrk2's percentile spectrum: exact at each row and at \
             each percentile wrk2 printed above it, the next row's value between rows (so its \
             mean reads high); wrk2's own figures: {}",
            path.shown(),
            spectrum.describe(1.0)
        ));
    }
}

/// What the report says about a wrk2 run's model: open, at the rate `-R` gave when the
/// file echoes the command, else at a rate the output does not state.
fn open_model_note(path: &Path, run: &WrkRun) -> String {
    let connections = run
        .connections
        .map(|c| format!("its {c} connection(s) only cap the requests in flight and are not users"))
        .unwrap_or_else(|| "its connections are not users".into());
    let measured = match (run.completed, run.duration_s) {
        (Some(n), Some(d)) if d > 0.0 => format!("; it measured {:.1} req/s", n as f64 / d),
        _ => String::new(),
    };
    let rate = match run.rate {
        Some(r) => format!("at the planned rate -R {r} req/s (from the echoed command)"),
        None => format!(
            "at a fixed rate (-R is a required wrk2 option), but the file does not echo the \
             command and wrk2 does not print the rate, so the planned rate is unknown{measured}: \
             the arrival-rate check is skipped and the stage has no load level (keep the \
             command line above the output, or give the stage's arrival_rate_rps in run.toml)"
        ),
    };
    format!(
        "{}: wrk2 runs an open model — requests are scheduled {rate}; {connections}; its \
         Recorded latency runs from each request's scheduled start, so it includes any wait for \
         a free connection. The closed-model law N = X·(R+Z) does not apply",
        path.shown()
    )
}

/// The complete runs of a file, in order, and the lines of the later runs left out
/// because they were cut short.
#[derive(Debug, Default)]
struct Parsed {
    runs: Vec<WrkRun>,
    cut: Vec<u64>,
}

/// Every complete run in the text, in order.
fn parse(path: &Path, text: &str) -> Result<Parsed, Problem> {
    static RES: OnceLock<[Regex; 3]> = OnceLock::new();
    let [threads_re, latency_re, pct_re] = static_regexes(
        &RES,
        [
            r"^\s*(\d+) threads and (\d+) connections",
            r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)",
            r"^\s*(\d+(?:\.\d+)?)%\s+(\S+)\s*$",
        ],
    );
    let lines: Vec<&str> = text.lines().collect();
    let mut parsed = Parsed::default();
    let mut run: Option<WrkRun> = None;
    // Which latency block the percentile lines belong to: 0 none, 1 recorded, 2 uncorrected.
    let mut block = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let no = i as u64 + 1;
        let bad = |why: String| problem(path, Some(no), why);
        if let Some(c) = running_re().captures(line) {
            if let Some(r) = run.take() {
                finish(path, &lines[..i], r, &mut parsed)?;
            }
            let rate = rate_from_command(&lines[..i]);
            run = Some(WrkRun {
                line: no,
                url: c[2].to_string(),
                // wrk has no -R: a rate in the echoed command means wrk2, even when its
                // output (no --latency, shorter than the calibration) looks like wrk's.
                wrk2: rate.is_some(),
                rate,
                planned_s: duration_ms(&c[1]).ok().flatten().map(|ms| ms / 1000.0),
                ..Default::default()
            });
            block = 0;
            i += 1;
            continue;
        }
        let Some(r) = run.as_mut() else {
            i += 1;
            continue;
        };
        if let Some(c) = threads_re.captures(line) {
            r.connections = c[2].parse().ok();
        } else if line.contains("Thread calibration:") {
            r.wrk2 = true;
        } else if line.trim_start().starts_with("Latency Distribution") {
            if line.contains("HdrHistogram") {
                r.wrk2 = true;
            }
            if line.contains("Uncorrected") {
                block = 2;
                r.uncorrected = Some(LatencyBlock::default());
            } else {
                block = 1;
                r.recorded = Some(LatencyBlock::default());
            }
        } else if let Some(c) = latency_re.captures(line) {
            r.mean_ms = duration_ms(&c[1]).map_err(&bad)?;
            r.sd_ms = duration_ms(&c[2]).map_err(&bad)?;
            r.max_ms = duration_ms(&c[3]).map_err(&bad)?;
        } else if let Some(c) = pct_re.captures(line).filter(|_| block > 0) {
            let p: f64 = c[1]
                .parse()
                .map_err(|_| bad(format!("bad percentile `{}`", &c[1])))?;
            if let Some(v) = duration_ms(&c[2]).map_err(&bad)? {
                let target = if block == 1 {
                    &mut r.recorded
                } else {
                    &mut r.uncorrected
                };
                if let Some(b) = target.as_mut() {
                    b.points.push((p, v));
                }
            }
        } else if line.contains("Detailed Percentile spectrum") {
            let (spectrum, used) = Spectrum::parse(path, &lines[i + 1..], no + 1)?;
            let target = if block == 2 {
                &mut r.uncorrected
            } else {
                &mut r.recorded
            };
            target.get_or_insert_with(LatencyBlock::default).spectrum = Some(spectrum);
            r.wrk2 = true;
            i += 1 + used;
            continue;
        } else if let Some(p) = super::wrk_script::done_percentile(line).filter(|_| r.closed[1]) {
            r.done_points.push(p);
        } else if count_line(path, no, line, r)? {
            // The latency blocks end at `N requests in`.
            block = 0;
        }
        i += 1;
    }
    if let Some(r) = run {
        finish(path, &lines, r, &mut parsed)?;
    }
    if parsed.runs.is_empty() {
        return Err(problem(path, Some(1), "no `Running … test @ URL` line"));
    }
    Ok(parsed)
}

/// Reads a run's count lines (`N requests in`, socket errors, non-2xx/3xx) and notes
/// its closing ones (`Requests/sec:`, `Transfer/sec:`). True at `N requests in`.
fn count_line(path: &Path, no: u64, line: &str, r: &mut WrkRun) -> Result<bool, Problem> {
    static RES: OnceLock<[Regex; 3]> = OnceLock::new();
    let [done_re, socket_re, non2xx_re] = static_regexes(
        &RES,
        [
            r"^\s*(\d+) requests in ([0-9.]+\s*[a-z]+),\s*(\S+) read",
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
            r"Non-2xx or 3xx responses: (\d+)",
        ],
    );
    let bad = |why: String| problem(path, Some(no), why);
    if let Some(c) = done_re.captures(line) {
        r.completed = Some(c[1].parse().map_err(|_| bad("bad request count".into()))?);
        r.done_line = no;
        r.duration_s = duration_ms(&c[2]).map_err(&bad)?.map(|ms| ms / 1000.0);
        r.printed_length = c[2].to_string();
        r.bytes_read = Some(bytes(&c[3]).map_err(&bad)?);
        return Ok(true);
    }
    if let Some(c) = socket_re.captures(line) {
        for (slot, k) in r.socket.iter_mut().zip(1..=4) {
            *slot = c[k]
                .parse()
                .map_err(|_| bad("bad socket error count".into()))?;
        }
        r.socket_line = Some(no);
    } else if let Some(c) = non2xx_re.captures(line) {
        r.non_2xx_3xx = c[1].parse().map_err(|_| bad("bad response count".into()))?;
        r.non_2xx_line = Some(no);
    } else if let Some(rps) = line.strip_prefix("Requests/sec:") {
        r.closed[0] = true;
        r.requests_per_s = rps.trim().parse().ok();
    } else if line.starts_with("Transfer/sec:") {
        r.closed[1] = true;
    }
    Ok(false)
}

/// Keeps a run once it is complete; a run cut off before its closing lines is a
/// problem when it is the first (what was cut may be its failures), else it is left
/// out and its line kept in `parsed.cut`. `upto` are the text's lines to the run's end.
fn finish(path: &Path, upto: &[&str], mut run: WrkRun, parsed: &mut Parsed) -> Result<(), Problem> {
    let missing = if run.completed.is_none() {
        "`N requests in …`"
    } else if !run.closed[0] {
        "`Requests/sec:`"
    } else if !run.closed[1] {
        "`Transfer/sec:`"
    } else {
        // wrk rounds the length it prints (`in 3.02s`, `in 1.00m`) but not the length
        // its `Requests/sec` divides by: the length is N ÷ `Requests/sec`.
        let completed = run.completed.unwrap_or(0);
        let (length, why) = run_length(completed, &run.printed_length, run.requests_per_s)
            .map_err(|e| problem(path, Some(run.done_line), e))?;
        run.duration_s = length;
        run.length_note = why.map(|w| format!("{} (line {}): {w}", path.shown(), run.done_line));
        parsed.runs.push(run);
        return Ok(());
    };
    if !parsed.runs.is_empty() {
        parsed.cut.push(run.line);
        return Ok(());
    }
    Err(super::summary::cut_short(
        path,
        &upto.join("\n"),
        &format!(
            "the run at line {} has no {missing} line, which wrk always prints at a run's end",
            run.line
        ),
    ))
}

/// `-R 2000` / `-R2000` / `--rate 2000` in a command echoed before the run (wrk2).
fn rate_from_command(before: &[&str]) -> Option<f64> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"\bwrk2?\b.*?(?:\s-R\s*|\s--rate[=\s]+)(\d+(?:\.\d+)?)(k?)\b")
            .expect("static regex")
    });
    // Only the lines since the previous run's end belong to this run.
    let tail = before
        .iter()
        .rev()
        .take_while(|l| !l.starts_with("Transfer/sec") && !l.starts_with("Requests/sec"));
    for line in tail {
        if let Some(c) = re.captures(line) {
            let v: f64 = c[1].parse().ok()?;
            return Some(if &c[2] == "k" { v * 1000.0 } else { v });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_from_an_echoed_command() {
        assert_eq!(
            rate_from_command(&["wrk -t1 -c1 -d10s -R2000 --latency http://x"]),
            Some(2000.0)
        );
        assert_eq!(
            rate_from_command(&["wrk2 --rate 5k http://x"]),
            Some(5000.0)
        );
        assert_eq!(rate_from_command(&["wrk -t4 -c100 http://x"]), None);
    }

    #[test]
    fn a_cut_run_names_its_line() {
        let e = parse(
            Path::new("w.txt"),
            "Running 10s test @ http://x/\n  1 threads and 2 connections\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.reason.contains("the run at line 1"), "{e}");
        let e = parse(Path::new("w.txt"), "hello\n").unwrap_err();
        assert!(e.reason.contains("Running"), "{e}");
    }
}
