//! autocannon's console output without `--json` (`autocannon -c 20 -d 30 URL 2>&1 |
//! tee run.log`): the `Running 30s test @ URL` banner, `20 connections`, the boxed
//! Latency and Req/Sec tables, then its totals (`2xx`/`non 2xx` responses when some
//! were not 2xx, `3k requests in 30.02s, 555 kB read`, `11 errors (11 timeouts)`).
//!
//! * Latency is autocannon's own summary over the responses: 2.5 %, 50 %, 97.5 % and
//!   99 %, `Avg`, `Stdev` and `Max` (the percentiles and max in whole milliseconds, the
//!   mean and sd to two decimals, as in its JSON; no minimum, no p90 or p95 — those are
//!   not measured, only bounded by the printed percentiles). With `-l`
//!   autocannon adds its Percentile table (p0.001 … p99.999, p90 and p99.9 among
//!   them): those percentiles are read too.
//! * Requests are the responses plus the errors. The responses are exact when the
//!   console prints `N 2xx responses, M non 2xx responses` (it does when some answer
//!   was not 2xx), or its Code table (`--renderStatusCodes`: the answers by status);
//!   else its `Req/Sec` Avg × `# of samples` (`autocannon_samples.rs`: exact, or
//!   within a band a note gives) when the requests sent can hold them; otherwise
//!   they are the requests sent, which autocannon prints exactly below 1,000
//!   and rounded to the thousand above (`3k requests`), and counts the requests still
//!   in flight when it stopped: a note says which, and how far off a rounded count can
//!   be. Errors likewise (`10k errors (10k timeouts)`). A run that read `0 B` had no
//!   answer at all: its requests are its errors, those in flight left out, said.
//! * Failures: the timeouts, the other errors, and the answers with a status ≥ 400 by
//!   code from the Code table; without it every non-2xx answer (the console gives no
//!   class: a 3xx is counted too, and a note says so).
//! * `N connections` are the users (× P `with P pipelining factor`), unless the
//!   command line (`autocannon_command.rs`) paced the run at a rate; the duration is
//!   the `in 3.01s` of the totals. A run started for `Ns` that ran far less was stopped
//!   with Ctrl-C (autocannon prints its tables all the same): stopped early. A paced
//!   run's latencies (without `-C`) are corrected for coordinated omission, and the
//!   command's `-m` (or GET for a body without it) is the endpoint's method.
//! * Several runs appended to one log (`>>`, a shell loop) are read run by run; a run
//!   whose totals line is missing was cut short and is not read.

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::appended::RunMarks;
use super::problem;
use super::summary::{
    add_counts, add_failures, cut_short, endpoint, file_stem, number, read_file_text,
    static_regexes, ToolSummary,
};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{
    CountSlack, EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem,
};

/// How far a count autocannon rounds to the thousand (`3k`) may be off.
const ROUNDING_SLACK: u64 = 500;

/// Where an autocannon run begins (`Running 10s test @ URL`) and shows results.
const RUNS: RunMarks = RunMarks {
    starts: |l| l.starts_with("Running ") && l.contains(" @ "),
    results: |l| l.contains("requests in "),
};

/// The `autocannon-text` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::AutocannonText,
    name: "autocannon-text",
    tool: "autocannon",
    sniff: Sniff::Content(|h| super::autocannon::looks_like_console(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[],
    detected_by: "`Running …s test @ URL`, `N connections` and autocannon's boxed tables",
    example: "autocannon -c 10 -d 30 URL 2>&1 | tee autocannon.log",
};

/// The file's runs: the first, with the later ones as its
/// [`ToolSummary::later_runs`].
fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let whole = read_file_text(path)?;
    let whole = strip_ansi(&whole);
    ToolSummary::read_runs(path, &whole, &RUNS, |text, _| read_run(path, text))
}

/// The text without terminal colour codes (a console captured with `script` or
/// `FORCE_COLOR` keeps autocannon's colours).
fn strip_ansi(text: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\x1b\[[0-9;]*[A-Za-z]").expect("static regex"));
    re.replace_all(text, "").into_owned()
}

/// A count autocannon printed (`562`, or `3k`: rounded to the thousand), and whether
/// it was rounded.
fn count(path: &Path, line: u64, what: &str, text: &str) -> Result<(u64, bool), Problem> {
    match text.strip_suffix('k') {
        Some(k) => Ok((
            number::<u64>(path, line, what, k)?.saturating_mul(1000),
            true,
        )),
        None => Ok((number(path, line, what, text)?, false)),
    }
}

/// A latency cell (`18 ms`, `21.21 ms`) in ms.
fn latency_ms(path: &Path, line: u64, what: &str, cell: &str) -> Result<f64, Problem> {
    let cell = cell.trim();
    let (num, scale) = [("ms", 1.0), ("µs", 0.001), ("us", 0.001), ("s", 1000.0)]
        .iter()
        .find_map(|(u, k)| cell.strip_suffix(u).map(|n| (n, *k)))
        .unwrap_or((cell, 1.0));
    let v: f64 = number(path, line, what, num)?;
    Ok(v * scale)
}

/// What one run's console says.
#[derive(Default)]
struct Console {
    url: Option<String>,
    planned_s: Option<f64>,
    sent: Option<(u64, bool)>,
    answers: Option<(u64, u64)>,
    errors: (u64, bool),
    timeouts: u64,
    mismatches: u64,
    points: Vec<(f64, f64)>,
    mean: Option<f64>,
    /// The Latency row's `Stdev`, ms.
    sd: Option<f64>,
    max: Option<f64>,
    /// The answers by status code (`--renderStatusCodes`' Code table).
    codes: Vec<(u16, u64)>,
    /// `… requests in 5.16s, 0 B read`: no byte of any answer came back.
    nothing_read: bool,
    /// The `Req/Sec` row's Avg and Stdev, when printed as numbers.
    req_sec: Option<(f64, f64)>,
    /// `# of samples: N` (autocannon 7 and later).
    samples: Option<u64>,
}

/// One run of autocannon's console (`text`: the file's lines up to its end, those
/// before it empty).
fn read_run(path: &Path, text: &str) -> Result<ToolSummary, Problem> {
    static RES: OnceLock<[Regex; 7]> = OnceLock::new();
    let [running_re, conn_re, answers_re, sent_re, errors_re, mismatch_re, samples_re] =
        static_regexes(
            &RES,
            [
                r"^Running (?:(\d+(?:\.\d+)?)s|\d+ requests) (?:test|warmup) @ (\S+)",
                r"^(\d+) connections(?: with (\d+) pipelining factor)?",
                r"^(\d+) 2xx responses, (\d+) non 2xx responses",
                r"^(\d+k?) requests in ([0-9.]+)s",
                r"^(\d+k?) errors \((\d+k?) timeouts\)",
                r"^(\d+k?) requests with mismatched body",
                r"^# of samples: (\d+)$",
            ],
        );
    let mut s = ToolSummary::new("autocannon");
    let mut c = Console::default();
    let mut header: Vec<String> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let no = i as u64 + 1;
        let t = line.trim();
        if let Some(m) = running_re.captures(t) {
            c.planned_s = m.get(1).and_then(|d| d.as_str().parse().ok());
            c.url = Some(m[2].to_string());
        } else if let Some(m) = conn_re.captures(t) {
            let connections: u32 = number(path, no, "connections", &m[1])?;
            s.users = Some(connections);
            if let Some(p) = m.get(2).filter(|p| p.as_str() != "1") {
                let p: u32 = number(path, no, "pipelining factor", p.as_str())?;
                super::autocannon::pipelined(path, connections, p, &mut s);
            }
        } else if let Some(m) = answers_re.captures(t) {
            let ok: u64 = number(path, no, "2xx responses", &m[1])?;
            c.answers = Some((ok, number(path, no, "non 2xx responses", &m[2])?));
        } else if let Some(m) = sent_re.captures(t) {
            c.sent = Some(count(path, no, "requests", &m[1])?);
            s.duration_s = Some(number(path, no, "duration", &m[2])?);
            c.nothing_read = t.ends_with(", 0 B read");
        } else if let Some(m) = errors_re.captures(t) {
            c.errors = count(path, no, "errors", &m[1])?;
            c.timeouts = count(path, no, "timeouts", &m[2])?.0.min(c.errors.0);
        } else if let Some(m) = mismatch_re.captures(t) {
            c.mismatches = count(path, no, "mismatched bodies", &m[1])?.0;
        } else if let Some(m) = samples_re.captures(t) {
            c.samples = Some(number(path, no, "# of samples", &m[1])?);
        } else if t.starts_with('│') {
            let cells: Vec<String> = (t.trim_matches('│').split('│'))
                .map(|x| x.trim().to_string())
                .collect();
            match cells.first().map(String::as_str) {
                Some("Stat" | "Code" | "Percentile") => header = cells,
                Some("Latency") => latency_row(path, no, &header, &cells, &mut c)?,
                Some("Req/Sec") => c.req_sec = req_sec_row(&header, &cells),
                _ => table_row(path, no, &header, &cells, &mut c)?,
            }
        }
    }
    let Some((sent, rounded)) = c.sent else {
        return Err(cut_short(
            path,
            text,
            "no `… requests in …s` line, which autocannon prints last",
        ));
    };
    if c.points.is_empty() {
        return Err(problem(
            path,
            None,
            "autocannon's console without its Latency table: not a whole result",
        ));
    }
    // The console prints no rate: its command line may pace the run.
    let preface = text.split("Running ").next().unwrap_or("");
    let paced_rps = super::autocannon_command::paced(path, preface).map(|p| p.rate_rps);
    let sent = Sent {
        count: sent,
        rounded,
        paced_rps,
        in_flight: s.users.map_or(10, u64::from),
    };
    build(path, &mut s, c, sent)?;
    super::autocannon_command::apply(path, preface, &mut s);
    super::autocannon_command::name_method(path, preface, &mut s);
    super::autocannon_command::timeout(path, preface, &mut s);
    Ok(s)
}

/// The Latency row's cells, read by the header above them.
fn latency_row(
    path: &Path,
    no: u64,
    header: &[String],
    cells: &[String],
    c: &mut Console,
) -> Result<(), Problem> {
    for (h, v) in header.iter().zip(cells).skip(1) {
        let ms = latency_ms(path, no, &format!("latency {h}"), v)?;
        match h.as_str() {
            "Avg" => c.mean = Some(ms),
            "Max" => c.max = Some(ms),
            "Stdev" => c.sd = Some(ms),
            p => {
                if let Some(pct) = p.strip_suffix('%').and_then(|x| x.parse::<f64>().ok()) {
                    c.points.push((pct, ms));
                }
            }
        }
    }
    Ok(())
}

/// The `Req/Sec` row's Avg and Stdev (the responses per sample), read by the header
/// above it; `None` when either is missing or not printed as an English-locale number.
fn req_sec_row(header: &[String], cells: &[String]) -> Option<(f64, f64)> {
    let at = |name: &str| {
        let i = header.iter().position(|h| h == name)?;
        super::autocannon_samples::cell(cells.get(i)?)
    };
    Some((at("Avg")?, at("Stdev")?))
}

/// A row of `--renderStatusCodes`' Code table (`│ 200  │ 2716  │`: the answers with
/// that status) or of `-l`'s Percentile table (`│ 90 │ 36 │`: the latency in ms at
/// that percentile), read by its table's header; other rows are left alone.
fn table_row(
    path: &Path,
    no: u64,
    header: &[String],
    cells: &[String],
    c: &mut Console,
) -> Result<(), Problem> {
    let [first, second, ..] = cells else {
        return Ok(());
    };
    match header.first().map(String::as_str) {
        Some("Code") => {
            let code = number(path, no, "status code", first)?;
            c.codes
                .push((code, number(path, no, "status count", second)?));
        }
        Some("Percentile") => {
            let pct: f64 = number(path, no, "percentile", first)?;
            let ms = latency_ms(path, no, &format!("latency p{pct}"), second)?;
            if !c.points.iter().any(|(p, _)| *p == pct) {
                c.points.push((pct, ms));
            }
        }
        _ => {}
    }
    Ok(())
}

/// The `… requests in …s` count: the requests autocannon sent.
struct Sent {
    count: u64,
    /// Printed as `3k`.
    rounded: bool,
    /// The command line's planned rate: autocannon counts that many requests sent
    /// when its connections start, before they send any.
    paced_rps: Option<f64>,
    /// The most requests in flight at once (connections × pipelining).
    in_flight: u64,
}

impl Sent {
    /// Whether `answers` responses and `errors` errors fit the requests sent: each
    /// answer was sent, and each request sent was answered, failed or in flight when
    /// autocannon stopped, beyond the count a paced run starts with (the rate, or
    /// when no command line says it, a second's answers).
    fn fits(&self, answers: u64, errors: (u64, bool), avg: f64) -> bool {
        let band = |r: bool| if r { ROUNDING_SLACK } else { 0 };
        let slack = band(self.rounded) + band(errors.1);
        let head_start = self.paced_rps.unwrap_or(avg).max(avg).ceil() as u64;
        let accounted = answers.saturating_add(errors.0);
        answers <= self.count + slack
            && accounted + slack + self.in_flight + head_start >= self.count
    }
}

/// How the console counts the answers.
struct Answers {
    /// (2xx, others), or `None`: unknown (the requests sent less the errors).
    counts: Option<(u64, u64)>,
    /// The true answers lie within their count ± this.
    slack: u64,
    /// Its Code table counts them by status.
    by_code: bool,
    /// What the requests are, for the note.
    counted: String,
}

/// The answers (2xx, others) the console counts: exactly from the `2xx responses`
/// line, else the Code table (`--renderStatusCodes`), else none at all when it read 0 B
/// (an answer has at least its status line: the requests sent beyond the errors were
/// in flight when it stopped, left out with a note), else from its `Req/Sec` Avg ×
/// `# of samples` (every answer, no non-2xx among them since no `non 2xx` line was
/// printed: exact, or within a band, as `autocannon_samples.rs` says), else unknown.
fn exact_answers(path: &Path, c: &Console, sent: &Sent, notes: &mut Vec<String>) -> Answers {
    let exact = |counts, by_code, counted: &str| Answers {
        counts: Some(counts),
        slack: 0,
        by_code,
        counted: counted.to_string(),
    };
    let by_code = (!c.codes.is_empty()).then(|| {
        let ok = (c.codes.iter().filter(|(code, _)| (200..300).contains(code)))
            .map(|(_, n)| n)
            .sum::<u64>();
        let all = c.codes.iter().map(|(_, n)| n).sum::<u64>();
        (ok, all - ok)
    });
    if let Some(a) = c.answers {
        return exact(
            a,
            by_code.is_some(),
            "its exact 2xx and non-2xx responses plus its errors",
        );
    }
    if let Some(a) = by_code {
        return exact(
            a,
            true,
            "its exact responses by status code (its `--renderStatusCodes` table) plus its \
             errors",
        );
    }
    if c.nothing_read {
        let errors = c.errors.0;
        notes.push(format!(
            "{}: autocannon read 0 B, so no request was answered: the requests are its \
             {errors} errors, and the {} it sent beyond them, still in flight when it \
             stopped, are left out (its latency table of 0 ms measures no answer)",
            path.shown(),
            sent.count.saturating_sub(errors)
        ));
        return exact((0, 0), false, "its errors (nothing was answered)");
    }
    if let Some(a) = sampled_answers(path, c, sent, notes) {
        return a;
    }
    Answers {
        counts: None,
        slack: 0,
        by_code: false,
        counted: "the requests it sent (counting any still in flight when it stopped)".into(),
    }
}

/// The answers from the `Req/Sec` row's Avg × the `# of samples`, when both are
/// printed, some count fits them and it fits the requests sent (else a note says the
/// console contradicts itself and the row is not used).
fn sampled_answers(
    path: &Path,
    c: &Console,
    sent: &Sent,
    notes: &mut Vec<String>,
) -> Option<Answers> {
    use super::autocannon_samples::{answered, Answered, ReqSec};
    let ((avg, sd), samples) = (c.req_sec?, c.samples?);
    let got = answered(ReqSec { avg, sd, samples })?;
    let (count, slack) = got.count_and_slack();
    let product = format!("its `Req/Sec` Avg ({avg}) × its {samples} samples");
    if !sent.fits(count, c.errors, avg) {
        notes.push(format!(
            "{}: autocannon's console contradicts itself: {product} make {count} \
             responses, which do not fit the {} requests it sent{} with its {} errors \
             and up to {} in flight: the Req/Sec row is not used",
            path.shown(),
            sent.count,
            if sent.rounded { " (rounded)" } else { "" },
            c.errors.0,
            sent.in_flight,
        ));
        return None;
    }
    let counted = match got {
        Answered::Exact(_) => format!(
            "its {count} responses ({product}: the only count whose mean autocannon \
             prints as that Avg, to 0.01) plus its errors"
        ),
        Answered::Within {
            rounded_samples, ..
        } => format!(
            "its responses, {count} ± {slack} ({product}; {}) plus its errors",
            if rounded_samples {
                "autocannon keeps a sample's count above 2,047 to 3 significant digits, \
                 and prints the Avg to 0.01: an estimate"
            } else {
                "the Avg is printed to 0.01, which several counts share"
            }
        ),
    };
    Some(Answers {
        counts: Some((count, 0)),
        slack,
        by_code: false,
        counted,
    })
}

/// The note on how exact the run's request count is.
fn count_note(
    shown: &dyn std::fmt::Display,
    requests: u64,
    counted: &Answers,
    slack: &CountSlack,
    sent: u64,
    errors_rounded: bool,
) -> String {
    let within = slack.requests;
    let counted = &counted.counted;
    if within >= ROUNDING_SLACK {
        format!(
            "{shown}: autocannon's console rounds counts of 1,000 and more to the thousand \
             (`{}k`): the {requests} requests are {counted}, within ±{within} of the true \
             count{}; its `--json` output has the exact counts",
            sent / 1000,
            if errors_rounded {
                ", and the errors too"
            } else {
                ""
            }
        )
    } else if within > 0 {
        format!(
            "{shown}: autocannon's console: the {requests} requests are {counted}, within \
             ±{within} of the true count; its `--json` output has the exact counts"
        )
    } else {
        format!(
            "{shown}: autocannon's console: the {requests} requests are {counted}; its \
             latency percentiles are 2.5, 50, 97.5 and 99 (no p90 or p95)"
        )
    }
}

/// The run's endpoint, counts, failures and notes from what its console said.
fn build(path: &Path, s: &mut ToolSummary, mut c: Console, sent: Sent) -> Result<(), Problem> {
    let shown = path.shown();
    let (errors, errors_rounded) = c.errors;
    let counted = exact_answers(path, &c, &sent, &mut s.notes);
    let (sent, rounded) = (sent.count, sent.rounded);
    let (answers, by_code) = (counted.counts, counted.by_code);
    let (responses, non2xx) = match answers {
        Some((ok, non)) => (add_counts(path, None, "the responses", ok, non)?, non),
        None => (sent.saturating_sub(errors), 0),
    };
    let requests = add_counts(path, None, "the responses and errors", responses, errors)?;
    c.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    // `3k` is anything from 2,500 to 3,499: the requests are the sent count (rounded
    // unless the answers are counted otherwise) plus the errors (rounded or not).
    let band = |r: bool| if r { ROUNDING_SLACK } else { 0 };
    let sent_rounded = rounded && answers.is_none();
    // The answers (the latencies) are exact when printed, within a band from the
    // Req/Sec row; else the sent count less the errors, each rounded or not.
    let slack = CountSlack {
        requests: counted.slack + band(sent_rounded || errors_rounded),
        failures: band(errors_rounded),
        latencies: counted.slack + band(sent_rounded) + band(errors_rounded && answers.is_none()),
    };
    s.notes.push(count_note(
        &shown,
        requests,
        &counted,
        &slack,
        sent,
        errors_rounded,
    ));
    if non2xx > 0 && !by_code {
        s.notes.push(format!(
            "{shown}: autocannon's console counts {non2xx} non-2xx answers without their \
             codes: all are counted as failures (a 3xx among them too)"
        ));
    }
    if let Some(planned) = c.planned_s {
        let ran = s
            .duration_s
            .filter(|r| *r < super::planned::STOPPED_EARLY * planned);
        s.stopped_early = ran.map(|ran| {
            super::planned::stopped(
                "autocannon",
                path,
                &format!("{planned} s"),
                "its `Running …s test` line",
                &format!("ran {ran:.2} s"),
                ran / planned,
            )
        });
    }
    let has = responses > 0;
    let latency = LatencyDistribution::Summary(PercentileSummary {
        sd_ms: c.sd.filter(|_| has),
        count: responses,
        mean_ms: c.mean.filter(|_| has),
        min_ms: c.points.first().filter(|(_, v)| *v == 0.0).map(|_| 0.0),
        max_ms: c.max.filter(|_| has),
        points: if has { c.points } else { Vec::new() },
        merged: false,
        co_corrected: false,
    });
    let name = c.url.unwrap_or_else(|| file_stem(path));
    let mut ep = endpoint(EndpointKey::new(None, &name), requests, latency);
    ep.count_slack = slack;
    if c.mismatches > 0 {
        let checked = responses.saturating_sub(c.mismatches.min(responses));
        (s.script_checks).add("--expectBody", checked, c.mismatches.min(responses));
    }
    let mut failed = vec![
        (FailureKind::Timeout, c.timeouts, "autocannon: timeouts"),
        (
            FailureKind::Other,
            errors - c.timeouts,
            "autocannon: errors (not timeouts)",
        ),
    ];
    if by_code {
        // By code: a 1xx or 3xx answer is no failure.
        let failing = c.codes.iter().filter(|(code, _)| *code >= 400);
        failed.extend(failing.map(|(code, n)| (FailureKind::Status(*code), *n, "")));
    } else {
        failed.push((
            FailureKind::Other,
            non2xx,
            "autocannon: non-2xx responses (the console prints no codes)",
        ));
    }
    add_failures(path, None, &mut ep, &failed)?;
    s.endpoints.push(ep);
    Ok(())
}
