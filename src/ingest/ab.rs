//! ApacheBench (`ab`) outputs: the console text, the `-g` gnuplot TSV and the `-e`
//! percentile CSV.
//!
//! * **Console text** (a summary): `Concurrency Level` is the users (ab is a closed
//!   model), `Time taken for tests` the duration, the `Connection Times` `Total` row
//!   the min/mean/max and the "Percentage of the requests served within a certain
//!   time" table the tool-summary percentiles (whole ms, as ab prints them).
//!   Requests are the `Complete requests` plus the `Connect` failures (ab retries a
//!   failed connect, so those attempts are not among the complete ones); failures are
//!   ab's `Failed requests` by kind (Connect → `connect`, Receive → `reset`,
//!   Exceptions → `other`, Length → `other`) and the `Non-2xx responses` (`other`: ab
//!   does not print the codes). ab counts a **Length** failure for every response whose
//!   length differs from the first one's: with dynamic content that is a false alarm,
//!   and an error page of another length is both a Length failure and a non-2xx
//!   response. Length failures are counted as ab says, less as many as there are
//!   non-2xx responses (those are counted once); a note says so. Kinds that add up to
//!   more failures than requests overlap (`ab -r` on a target that went away: a request
//!   failing on receive is a Length failure too): each failed request counts once
//!   (`counted_once`). A text without the lines ab always prints (`Complete requests`,
//!   `Failed requests`, and `Total transferred`, which follows the failure lines) was
//!   cut short: it is refused, with the files read beside it (the cut may be failures).
//!   ab prints its progress (`Completed N requests`, each tenth of `-n`) and, when it
//!   ends, `Finished N requests` on its error stream: a capture of that stream with
//!   progress lines and no `Finished` line is a run interrupted (Ctrl-C) part-way,
//!   so the data is incomplete (`interrupted`). A run of 150 requests or fewer (or
//!   `-q`) prints no progress but `Benchmarking … (be patient)...` on its output stream,
//!   and `..done` after it when it ends: without it, the run was interrupted too. A
//!   capture of the output alone of a run with progress holds neither line, finished or
//!   not, nor does a run interrupted before its first progress line: a kept command
//!   line (`planned.rs`) whose `-n` the run fell far short of makes it incomplete too.
//!   Without one, the only witness left is ab's `Benchmarking … (be patient)` line
//!   without its `...` (ab was started for more than 150 requests, or `-t`) above a
//!   run of 150 complete requests or fewer that took under a second (a `-t` run lasts
//!   at least one): that run was interrupted. A run cut later (more requests, or over a
//!   second) is read as complete: nothing in ab's output says otherwise. The endpoint
//!   is `http://host:port/path`, with the method its kept command line sends
//!   (`ab_command.rs`: `-p` POST, `-u` PUT, `-i` HEAD, `-m`) when it says one.
//! * **`-g` TSV** (per request, [`AbGnuplot`]): `starttime seconds ctime dtime ttime
//!   wait`, times in whole ms, `seconds` the start in epoch seconds. ab writes no outcome
//!   per row (and no row for a failed connect), so alone every row counts as answered
//!   (a note says where ab's failures are) and its failures are unseen
//!   ([`Source::outcomes_unseen`]): data `partial`, no failure rule judged on it. Beside
//!   the same run's console text the two are one source ([`build_run`]): the text's
//!   counts and failures, the TSV's exact latencies (a TSV with unreadable rows adding
//!   up to the text's count is the run's still: its rows are problems, the text's
//!   percentiles used).
//! * **`-e` CSV** (`Percentage served,Time in ms`): percentiles only, no request count,
//!   so read only with the same run's console text, whose whole-ms table its 101
//!   percentiles (to the µs) replace; alone it is refused, saying what to keep. Beside
//!   the run's `-g` file it gives the percentiles when its median is under 5 ms (the
//!   `-g` file's whole-ms rounding is 10 % or more off there); else the `-g` file does.

use crate::model::untrusted::Shown;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use super::adapters::Lines;
use super::appended::RunMarks;
use super::stages::StagePlan;
use super::summary::{
    add_counts, add_failures, build, captured_counts, endpoint, file_stem, number, read_file_text,
    require_lines, static_regexes, ToolSummary,
};
use super::{problem, IngestOptions, Observation, Replay, RequestEvent};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{
    EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem, Source,
};

/// The `ab-text` format: how it is recognised and read.
pub const TEXT: FormatSpec = FormatSpec {
    format: Format::AbText,
    name: "ab-text",
    tool: "ab",
    sniff: Sniff::Content(|h| sniff_text(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read_text(p)),
    splittable: false,
    notes: &[],
    detected_by: "`This is ApacheBench` or Concurrency Level + Time taken for tests",
    example: "ab -n 1000 -c 10 URL > ab.txt",
};

/// The `ab-gnuplot` format: how it is recognised and read.
pub const GNUPLOT: FormatSpec = FormatSpec {
    format: Format::AbGnuplot,
    name: "ab-gnuplot",
    tool: "ab",
    sniff: Sniff::Content(|h| sniff_gnuplot(h.text)),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(AbGnuplot::open(p)?))),
    splittable: false,
    notes: &[GNUPLOT_NOTE],
    detected_by: "TSV header starttime seconds ctime dtime ttime wait",
    example: "ab -n 1000 -c 10 -g ab.tsv URL",
};

/// The `ab-percentiles-csv` format: how it is recognised and read.
pub const CSV: FormatSpec = FormatSpec {
    format: Format::AbCsv,
    name: "ab-percentiles-csv",
    tool: "ab",
    sniff: Sniff::Content(|h| sniff_csv(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| Err(problem(p, None, CSV_ALONE))),
    splittable: false,
    notes: &[],
    detected_by: "CSV header Percentage served,Time in ms (read beside ab's console text)",
    example: "ab -n 1000 -c 10 -e ab.csv URL > ab.txt",
};

/// Why a run whose capture shows ab did not reach the end of its run stopped early
/// (see the module docs), or `None`: progress lines but not the `Finished N requests`
/// line ab prints when it ends, or (a run of 150 requests or fewer, or `-q`, which
/// prints no progress) `Benchmarking … (be patient)...` on its output stream without
/// the `..done` ab writes after it when the run ends.
fn interrupted(path: &Path, text: &str, complete: u64, ran_s: Option<f64>) -> Option<String> {
    let (mut progress, mut patient, mut heartbeat) = (None, None, None);
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with("Finished ") && l.ends_with(" requests") || l.contains("..done") {
            return None;
        }
        if l.starts_with("Completed ") && l.ends_with(" requests") {
            progress = Some((i + 1, l));
        }
        if l.starts_with("Benchmarking ") && l.ends_with("(be patient)...") {
            patient = Some((i + 1, l));
        }
        if l.starts_with("Benchmarking ") && l.ends_with("(be patient)") {
            heartbeat = Some(i + 1);
        }
    }
    // ab was planned for more than its progress threshold and finished neither its
    // requests nor a `-t` (whole seconds, at least 1).
    let short = complete <= PROGRESS_ABOVE && ran_s.is_some_and(|t| t < 1.0);
    if let (None, Some(no), true) = (progress, heartbeat, short) {
        return Some(format!(
            "{}: ab printed `Benchmarking … (be patient)` (line {no}) without the `...` it \
             prints for runs of {PROGRESS_ABOVE} requests or fewer, so it was started for \
             more, yet it completed {complete} in {:.3} s (a `-t` run lasts at least a \
             second): it was interrupted (Ctrl-C), so its figures cover a part of the \
             planned run; re-run it to the end",
            path.shown(),
            ran_s.unwrap_or(0.0)
        ));
    }
    let what = match (progress, patient) {
        (Some((no, last)), _) => format!(
            "ab printed its progress ({}, line {no}) but not the `Finished … requests` \
             line it prints when a run ends",
            crate::model::untrusted::ticked(last)
        ),
        (None, Some((no, _))) => format!(
            "ab printed `Benchmarking … (be patient)...` (line {no}) but not the `..done` it \
             writes after it when a run ends"
        ),
        (None, None) => return None,
    };
    Some(format!(
        "{}: {what}: it was interrupted (Ctrl-C) after {complete} complete requests, so its \
         figures cover a part of the planned run; re-run it to the end",
        path.shown()
    ))
}

/// ab prints progress (and `Benchmarking … (be patient)` without its `...`) for runs
/// of more requests than this.
const PROGRESS_ABOVE: u64 = 150;

/// True for ab's console output.
pub fn sniff_text(head: &str) -> bool {
    head.contains("This is ApacheBench")
        || head.contains("Concurrency Level:") && head.contains("Time taken for tests:")
}

/// True for ab's `-g` gnuplot TSV header.
pub fn sniff_gnuplot(head: &str) -> bool {
    super::text::first_line(head).starts_with("starttime\tseconds\tctime\tdtime\tttime\twait")
}

/// True for ab's `-e` percentile CSV header.
pub fn sniff_csv(head: &str) -> bool {
    super::text::first_line(head).starts_with("Percentage served,Time in ms")
}

/// The source of ab's console text read with the same run's other outputs: the text's
/// counts and failures, and the latencies of the `-g` TSV or else of the `-e` CSV (see
/// the module docs). A TSV whose rows are not the text's complete requests is another
/// run's: the text is read without it, and a note says so.
pub fn build_run(
    text: &Path,
    tsv: Option<&Path>,
    csv: Option<&Path>,
    plan: &StagePlan,
    opts: &IngestOptions,
) -> Result<(Source, Vec<Problem>), Problem> {
    let mut aside = Vec::new();
    let read = read_text(text).and_then(|mut s| {
        // Beside -g or -e files the console's first run alone is read: they hold one.
        s.first_run_only();
        let (tsv, csv) = match &s.runs_left_out {
            // ab writes its -g and -e files anew on each run: beside a console capture of
            // several runs they hold the last one, not the first that is read.
            Some(_) => {
                for f in tsv.iter().chain(&csv) {
                    s.notes.push(format!(
                        "{}: left out — ab writes it anew on each run, so it holds the last \
                         of {}'s runs, not the first that is read",
                        f.shown(),
                        text.shown()
                    ));
                }
                (None, None)
            }
            None => (tsv, csv),
        };
        let complete = s.endpoints[0].latency.count();
        let text_latency = s.endpoints[0].latency.clone();
        let mut exact = false;
        if let Some(tsv) = tsv {
            exact = super::ab_beside::with_tsv(&mut s, text, tsv, complete, &mut aside)?;
        }
        // A damaged -e file is a problem of its own; the console text is still read.
        let (csv, e_points) = match csv.map(read_csv).transpose() {
            Ok(points) => (csv, points),
            Err(p) => {
                aside.push(p);
                (None, None)
            }
        };
        // ab rounds the -g file's times to the whole ms: below a median of 5 ms that is
        // 10 % or more (a 0.26 ms answer is 0), and the -e file's µs percentiles say more.
        let e_median = e_points.as_ref().and_then(|p| {
            p.iter()
                .find(|(q, _)| (*q - 50.0).abs() < 1e-9)
                .map(|x| x.1)
        });
        if let (Some(csv), true, Some(m)) = (csv, exact, e_median.filter(|m| *m < 5.0)) {
            exact = false;
            s.endpoints[0].latency = text_latency.clone();
            s.notes.push(format!(
                "{}: its median is {m} ms, and ab rounds the -g file's times to the whole ms \
                 (everything under 0.5 ms is 0 there): the percentiles are the -e file's, to \
                 the µs",
                csv.shown()
            ));
        }
        if let (Some(csv), true) = (csv, exact) {
            s.notes.push(format!(
                "{}: not needed — the -g file times every request",
                csv.shown()
            ));
        }
        if let (Some(csv), Some(points), false) = (csv, e_points, exact) {
            if let LatencyDistribution::Summary(sum) = &mut s.endpoints[0].latency {
                sum.min_ms = points.first().map(|p| p.1).or(sum.min_ms);
                sum.max_ms = points.last().map(|p| p.1).or(sum.max_ms);
                sum.points = points;
            }
            s.notes.push(format!(
                "{}: the percentiles are ab's -e file {} (to the µs), the counts its console text",
                text.shown(),
                csv.shown()
            ));
        }
        Ok(s)
    });
    Ok((build(text, read, plan, opts)?, aside))
}

/// ab's failure kinds (`[connect, receive, length, exceptions]`) when, with its
/// `non_2xx` responses, they add up to more failures than its `requests`: ab counts one
/// request under several kinds when the target fails it at the socket (`ab -r` on a
/// target that went away): a request that fails on receive is closed short, a Length
/// failure too, and a refused connect is an Exceptions failure and, read, a Receive
/// one. Each failed request then counts once: the Receive failures, and those of the
/// Length or Exceptions ones (the larger) beyond them, within the requests, and a note
/// says so. The `[receive, exceptions, length]` failures to count (Length less the
/// non-2xx responses, counted once: see the module docs) and that note.
fn counted_once(
    path: &Path,
    requests: u64,
    [connect, receive, length, exceptions]: [u64; 4],
    non_2xx: u64,
) -> ([u64; 3], Option<String>) {
    let length_once = length.saturating_sub(non_2xx);
    let sum = [connect, receive, exceptions, length_once, non_2xx]
        .iter()
        .fold(0u64, |a, n| a.saturating_add(*n));
    if sum <= requests {
        return ([receive, exceptions, length_once], None);
    }
    let room = requests.saturating_sub(connect.saturating_add(non_2xx));
    let reset = receive.min(room);
    let other = (length_once.max(exceptions).saturating_sub(receive)).min(room - reset);
    let note = format!(
        "{}: ab's failure kinds add up to {sum}, more than its {requests} requests: ab counts \
         a request the target fails at the socket under several kinds (one failing on \
         receive is closed short, a Length failure too; a refused connect is an Exceptions \
         failure and a Receive one), as `ab -r` does on a target that went away; each \
         failed request is counted once: {reset} failed on receive (reset), {other} more \
         on Length or Exceptions, {connect} on connect",
        path.shown()
    );
    ([reset, 0, other], Some(note))
}

/// The `(percentile, ms)` rows of an ab `-e` CSV.
fn read_csv(path: &Path) -> Result<Vec<(f64, f64)>, Problem> {
    let text = read_file_text(path)?;
    let mut points = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let no = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let Some((p, ms)) = line.split_once(',') else {
            return Err(problem(path, Some(no), "not a `percentage,ms` row"));
        };
        points.push((
            number(path, no, "percentage", p)?,
            number(path, no, "time in ms", ms)?,
        ));
    }
    if points.is_empty() {
        return Err(problem(path, Some(1), "a header but no percentiles"));
    }
    Ok(points)
}

/// Why an ab `-e` CSV alone is refused (no request count).
const CSV_ALONE: &str = "ab's -e CSV holds percentiles only, no request or failure counts: \
    keep ab's console output (ab … > ab.txt) in the same dir, or write every request with \
    ab -g ab.tsv";

/// Lines ab's console output always has: its counts, and `Total transferred` after
/// the `Non-2xx responses` it prints only when there are some (a cut before it may
/// have left them out).
const ALWAYS_PRINTED: &[&str] = &[
    "Complete requests:",
    "Failed requests:",
    "Total transferred:",
];

/// Where an ab run begins (its banner, or `Benchmarking …` without one) and shows
/// results (`Complete requests:`).
const RUNS: RunMarks = RunMarks {
    starts: |l| l.starts_with("This is ApacheBench") || l.starts_with("Benchmarking "),
    results: |l| l.starts_with("Complete requests:"),
};

/// The complete requests of ab's console text (its first run): as many rows as its
/// `-g` file has.
pub fn complete_requests(path: &Path) -> Result<u64, Problem> {
    read_text(path).map(|s| s.endpoints[0].latency.count())
}

/// The file's runs: the first, with the later ones (a shell loop's `for c in 10 50;
/// do ab -c $c …; done > ab.log`) as its [`ToolSummary::later_runs`]; a later run
/// that cannot be read is left out, and a note says so.
fn read_text(path: &Path) -> Result<ToolSummary, Problem> {
    let whole = read_file_text(path)?;
    let ended = |l: &str| l.ends_with("(longest request)");
    ToolSummary::read_runs(path, &whole, &RUNS, |text, before| {
        let mut run = read_run(path, text)?;
        run.banner = super::banners::above_run(&whole, before, RUNS.starts, ended);
        Ok(run)
    })
}

/// One run of ab's console (`text`: the file's lines up to its end, those before it
/// empty).
fn read_run(path: &Path, text: &str) -> Result<ToolSummary, Problem> {
    if !text.contains("Complete requests:") {
        if let Some(s) = super::ab_stopped::read(path, text)? {
            return Ok(s);
        }
    }
    require_lines(path, text, "ab", ALWAYS_PRINTED)?;
    let mut s = ToolSummary::new("ab");
    let Console {
        complete,
        complete_line,
        failed,
        failed_line,
        breakdown,
        non_2xx,
        write_errors,
        host,
        port,
        doc,
        total_row,
        bytes,
        points,
    } = scan(path, text, &mut s)?;
    let Some(complete) = complete else {
        return Err(problem(
            path,
            Some(1),
            "no `Complete requests:` line: ab was interrupted, or the output was cut",
        ));
    };
    s.stopped_early = super::ab_cut::cut(path, text, complete)
        .or_else(|| interrupted(path, text, complete, s.duration_s));
    let [connect, _, length, _] = breakdown;
    let kinds_total = breakdown.iter().try_fold(0u64, |a, n| {
        add_counts(path, failed_line, "ab's failed requests", a, *n)
    })?;
    if kinds_total != failed {
        s.notes.push(format!(
            "{}: ab's Failed requests ({failed}) differ from the sum of its breakdown \
             ({kinds_total}): the breakdown is used",
            path.shown()
        ));
    }
    let requests = add_counts(path, Some(complete_line), "the requests", complete, connect)?;
    let ([receive, exceptions, length_once], overlap) =
        counted_once(path, requests, breakdown, non_2xx);
    s.notes.extend(overlap);
    let name = match (&host, &doc) {
        (Some(h), Some(d)) => format!(
            "http://{h}{}{d}",
            port.as_ref().map(|p| format!(":{p}")).unwrap_or_default()
        ),
        _ => file_stem(path),
    };
    let latency = LatencyDistribution::Summary(PercentileSummary {
        sd_ms: None,
        count: complete,
        mean_ms: total_row.map(|t| t[1]),
        min_ms: total_row.map(|t| t[0]),
        max_ms: total_row.map(|t| t[2]),
        points,
        merged: false,
        co_corrected: false,
    });
    let preface = text.split("This is ApacheBench").next().unwrap_or("");
    if s.stopped_early.is_none() {
        s.stopped_early = super::planned::ab(path, preface, requests, s.duration_s);
    }
    let method = super::ab_command::method(path, preface, &mut s.notes);
    let mut ep = endpoint(
        EndpointKey::new(method.as_deref(), &name),
        requests,
        latency,
    );
    ep.bytes_received = bytes;
    let failed_as = |why: &str| format!("ab: failed requests ({why})");
    let (connect_as, receive_as) = (failed_as("Connect"), failed_as("Receive"));
    let (exceptions_as, length_as) = (
        failed_as("Exceptions"),
        failed_as("Length: response length differs from the first response's"),
    );
    add_failures(
        path,
        failed_line,
        &mut ep,
        &[
            (FailureKind::Connect, connect, connect_as.as_str()),
            (FailureKind::Reset, receive, &receive_as),
            (FailureKind::Other, exceptions, &exceptions_as),
            (FailureKind::Other, length_once, &length_as),
            (FailureKind::Other, non_2xx, "ab: Non-2xx responses"),
        ],
    )?;
    if length > 0 {
        s.notes.push(format!(
            "{}: ab counted {length} Length failure(s): responses whose length differs from the \
             first response's — with dynamic content usually a false alarm (ab -l turns the \
             check off). They are counted as failures as ab says{}",
            path.shown(),
            if non_2xx > 0 {
                format!(
                    ", less the {non_2xx} non-2xx responses (an error page of another length is \
                     both: counted once), so {length_once}"
                )
            } else {
                String::new()
            }
        ));
    }
    if write_errors > 0 {
        s.notes.push(format!(
            "{}: ab reported {write_errors} write error(s) (broken pipe), not counted separately",
            path.shown()
        ));
    }
    s.endpoints = vec![ep];
    Ok(s)
}

/// What ab's console text says, line by line.
struct Console {
    complete: Option<u64>,
    complete_line: u64,
    failed: u64,
    failed_line: Option<u64>,
    /// Failed requests by kind: connect, receive, length, exceptions.
    breakdown: [u64; 4],
    non_2xx: u64,
    write_errors: u64,
    host: Option<String>,
    port: Option<String>,
    doc: Option<String>,
    /// The `Total` connection-time row: min, mean, max (ms).
    total_row: Option<[f64; 3]>,
    bytes: Option<u64>,
    points: Vec<(f64, f64)>,
}

/// Reads ab's console text into its figures (the users and duration into `s`).
fn scan(path: &Path, text: &str, s: &mut ToolSummary) -> Result<Console, Problem> {
    static RES: OnceLock<[Regex; 3]> = OnceLock::new();
    let [field_re, breakdown_re, pct_re] = static_regexes(
        &RES,
        [
            r"^([A-Za-z][A-Za-z0-9 /-]*?):\s+(.*?)\s*$",
            r"^\s*\(Connect: (\d+), Receive: (\d+), Length: (\d+), Exceptions: (\d+)\)",
            r"^\s*(\d+(?:\.\d+)?)%\s+(\d+(?:\.\d+)?)",
        ],
    );
    let mut f = Console {
        complete: None,
        complete_line: 1,
        failed: 0,
        failed_line: None,
        breakdown: [0; 4],
        non_2xx: 0,
        write_errors: 0,
        host: None,
        port: None,
        doc: None,
        total_row: None,
        bytes: None,
        points: Vec::new(),
    };
    let mut in_table = false;
    for (i, line) in text.lines().enumerate() {
        let no = i as u64 + 1;
        if line.starts_with("Percentage of the requests served") {
            in_table = true;
            continue;
        }
        if in_table {
            if let Some(c) = pct_re.captures(line) {
                f.points.push((
                    number(path, no, "percentile", &c[1])?,
                    number(path, no, "time", &c[2])?,
                ));
                continue;
            }
            in_table = false;
        }
        if let Some(c) = breakdown_re.captures(line) {
            f.breakdown = captured_counts(path, no, "failed requests", &c)?;
            continue;
        }
        let Some(c) = field_re.captures(line) else {
            continue;
        };
        let value = &c[2];
        let first = value.split_whitespace().next().unwrap_or("");
        match &c[1] {
            "Server Hostname" => f.host = Some(value.to_string()),
            "Server Port" => f.port = Some(value.to_string()),
            "Document Path" => f.doc = Some(value.to_string()),
            "Concurrency Level" => s.users = Some(number(path, no, "concurrency", first)?),
            "Time taken for tests" => s.duration_s = Some(number(path, no, "time taken", first)?),
            "Complete requests" => {
                f.complete = Some(number::<u64>(path, no, "complete requests", first)?);
                f.complete_line = no;
            }
            "Failed requests" => {
                f.failed = number(path, no, "failed requests", first)?;
                f.failed_line = Some(no);
            }
            "Non-2xx responses" => f.non_2xx = number(path, no, "non-2xx responses", first)?,
            "Write errors" => f.write_errors = number(path, no, "write errors", first)?,
            "Total transferred" => {
                f.bytes = first.parse().ok();
            }
            "Total" => {
                let v: Vec<&str> = value.split_whitespace().collect();
                if v.len() >= 5 {
                    let cell = |k: usize| number::<f64>(path, no, "connection time", v[k]);
                    f.total_row = Some([cell(0)?, cell(1)?, cell(4)?]);
                }
            }
            _ => {}
        }
    }
    Ok(f)
}

/// An opened ab `-g` TSV (rows stream on replay).
#[derive(Clone, Debug)]
pub struct AbGnuplot {
    path: PathBuf,
    name: String,
}

impl AbGnuplot {
    /// Opens the file (its header is checked on replay).
    pub fn open(path: &Path) -> Result<AbGnuplot, Problem> {
        Ok(AbGnuplot {
            path: path.to_path_buf(),
            name: file_stem(path),
        })
    }
}

impl Replay for AbGnuplot {
    fn replay(&self, visit: &mut dyn FnMut(Observation<'_>)) -> Result<(), Problem> {
        let mut lines = Lines::open(&self.path)?;
        let mut rows = 0u64;
        while let Some((no, bytes)) = lines.next_line()? {
            if no == 1 || bytes.is_empty() {
                continue;
            }
            let line = String::from_utf8_lossy(bytes);
            let cells: Vec<&str> = line.split('\t').collect();
            // A bad row costs only itself (the Replay contract).
            let row = || -> Result<(i64, f64), Problem> {
                if cells.len() < 6 {
                    return Err(problem(
                        &self.path,
                        Some(no),
                        format!("{} tab-separated cells, ab -g writes 6", cells.len()),
                    ));
                }
                let seconds: i64 = number(&self.path, no, "seconds", cells[1])?;
                let ttime: f64 = number(&self.path, no, "ttime", cells[4])?;
                if ttime < 0.0 {
                    return Err(problem(
                        &self.path,
                        Some(no),
                        "ttime: a latency cannot be negative",
                    ));
                }
                Ok((seconds, ttime))
            };
            let (seconds, ttime) = match row() {
                Ok(r) => r,
                Err(p) => {
                    visit(Observation::Malformed(p));
                    continue;
                }
            };
            visit(Observation::Request(RequestEvent {
                t_ms: seconds.saturating_mul(1000),
                method: None,
                name: &self.name,
                latency_ms: Some(ttime),
                ok: true,
                failure: None,
                error: None,
                bytes: None,
                users: None,
                line: Some(no),
            }));
            rows += 1;
        }
        if rows == 0 {
            return Err(problem(&self.path, Some(1), "a header but no requests"));
        }
        Ok(())
    }

    /// ab retries a failed connect: those attempts get no row.
    fn sees_transport_errors(&self) -> bool {
        false
    }

    /// A row has times only: a non-2xx or failed response looks like a success.
    fn sees_outcomes(&self) -> bool {
        false
    }

    /// A row has times only: named after the file, not the URL ab ran.
    fn names_endpoints(&self) -> bool {
        false
    }
}

/// What the report says about an ab `-g` source.
pub const GNUPLOT_NOTE: &str = "ab's -g file times each request to the whole ms from its start \
    second, and records no outcome: every row counts as answered. ab's failed requests (and \
    non-2xx responses) are only in its console output; ab's requests that failed to connect \
    are not in the file";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffers() {
        assert!(sniff_text(
            "This is ApacheBench, Version 2.3 <$Revision$>\n"
        ));
        assert!(sniff_gnuplot(
            "starttime\tseconds\tctime\tdtime\tttime\twait\n"
        ));
        assert!(sniff_csv("Percentage served,Time in ms\n0,7.0\n"));
        assert!(!sniff_text("Running 10s test @ http://x\n"));
        assert!(!sniff_csv("timeStamp,elapsed\n"));
    }
}
