//! httperf's console output.
//!
//! * `Total: connections C requests Q replies R test-duration D s`: requests are the
//!   replies plus every error (an error is an attempt that got no reply); failures are
//!   the replies with status 4xx/5xx (`Reply status`; kinds `status:4xx` and
//!   `status:5xx`, the class httperf prints) and the errors by kind — `client-timo`/`socket-timo` → `timeout`,
//!   `connrefused` and the client's own `fd-unavail`/`addrunavail`/`ftab-full` →
//!   `connect`, `connreset` → `reset`, `other` → `other`.
//! * httperf is an **open model**: `--rate` (from the command line httperf echoes)
//!   opens connections, each sending `--num-calls` requests, so `--rate × --num-calls`
//!   is the stage's arrival rate of requests, and there are no users. With sessions
//!   (`--wsess=N,CALLS,THINK`, `--wsesslog=N,THINK,FILE`) `--rate` starts sessions,
//!   each sending CALLS requests (a session log's: the requests made ÷ N), so the
//!   arrival rate is `--rate × CALLS`. httperf's figures cover the whole run, ramp-out
//!   included: with `--wsess` its N sessions start over (N − 1) ÷ `--rate` s and the
//!   last one's calls, THINK apart, take (CALLS − 1) × THINK more, so the plan over the
//!   run is N × CALLS requests in that time — below `--rate × CALLS` for a short run
//!   (20 sessions of 5 calls at 10/s: 100 requests in 2.3 s, 43.5 req/s, not 50).
//! * The endpoint is `METHOD http://server:port/uri`: httperf's own line of its options
//!   names `--method` only when it is not GET (a `--wsesslog` file's calls name their
//!   own: no method then).
//! * With several calls per connection, httperf closes a connection at its first
//!   error and never sends its remaining calls: a run that sent fewer requests than
//!   `--num-conns × --num-calls` says how many were never made (`unsent_calls`).
//! * Latency: with one call per connection (`Connection length [replies/conn]: 1.000`)
//!   the `Connection time [ms]` min/avg/max/median describe each request (connect
//!   included); otherwise only the mean `Reply time` (response + transfer) is known.
//! * A shell loop's runs in one log (`for r in 20 60; do httperf --rate $r …; done >
//!   all.log`) are read run by run ([`ToolSummary::read_runs`]): each its own stage, at
//!   its own `--rate`.
//! * httperf always prints `Total: connections …`, `Reply status:` and its two
//!   `Errors:` lines (the last, `Errors: fd-unavail …`, ends its figures): an output
//!   without one was cut short and is refused, since what was cut may be the errors.

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::appended::RunMarks;
use super::planned::STOPPED_EARLY;
use super::problem;
use super::summary::{
    add_counts, add_failures, captured_counts, endpoint, number, read_file_text, require_lines,
    static_regexes, ToolSummary,
};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::Format;
use crate::model::{EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem};

/// The `httperf-text` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::HttperfText,
    name: "httperf-text",
    tool: "httperf",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[],
    detected_by: "an echoed `httperf --…` line or `Total: connections … test-duration`",
    example:
        "httperf --server HOST --port PORT --uri /path --rate 50 --num-conns 500 > httperf.txt",
};

/// True for httperf's console output.
pub fn sniff(head: &str) -> bool {
    head.lines().any(|l| l.starts_with("httperf --"))
        || head.contains("Total: connections ") && head.contains(" test-duration ")
}

/// `key value` pairs of a line (`min 8.6 avg 25.4 …`, `client-timo 0 …`).
fn pairs(text: &str) -> Vec<(&str, &str)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Lines httperf always prints; `Errors: fd-unavail …` ends its figures.
const ALWAYS_PRINTED: &[&str] = &[
    "Total: connections",
    "Reply status:",
    "Errors: total",
    "Errors: fd-unavail",
];

/// Where an httperf run begins (its echoed command line) and shows results
/// (`Total: connections …`).
const RUNS: RunMarks = RunMarks {
    starts: |l| l.starts_with("httperf --"),
    results: |l| l.starts_with("Total: connections"),
};

/// The file's runs: the first, with the later ones (a shell loop's runs into one log)
/// as its [`ToolSummary::later_runs`], each named by the banner above it when there is
/// one; a later run that cannot be read is left out, and a note says so.
fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let whole = read_file_text(path)?;
    let ended = |l: &str| l.starts_with("Errors: fd-unavail");
    ToolSummary::read_runs(path, &whole, &RUNS, |text, before| {
        let mut run = read_run(path, text)?;
        run.banner = super::banners::above_run(&whole, before, RUNS.starts, ended);
        Ok(run)
    })
}

/// One run of httperf's console (`text`: the file's lines up to its end, those before
/// it empty, so a line named is the file's).
fn read_run(path: &Path, text: &str) -> Result<ToolSummary, Problem> {
    static RES: OnceLock<[Regex; 3]> = OnceLock::new();
    let [total_re, status_re, arg_re] = static_regexes(
        &RES,
        [
            r"^Total: connections (\d+) requests (\d+) replies (\d+) test-duration ([0-9.]+) s",
            r"^Reply status: 1xx=(\d+) 2xx=(\d+) 3xx=(\d+) 4xx=(\d+) 5xx=(\d+)",
            r"--(rate|uri|server|port|method|num-conns|num-calls|wsess|wsesslog)=(\S+)",
        ],
    );
    require_lines(path, text, "httperf", ALWAYS_PRINTED)?;
    let mut s = ToolSummary::new("httperf");
    let mut totals: Option<(u64, u64)> = None;
    let mut classes = [0u64; 5];
    let mut errors: Vec<(String, u64, u64)> = Vec::new();
    let (mut conn_time, mut reply_time) = (Vec::new(), None::<f64>);
    let mut one_call = false;
    let (mut uri, mut server, mut port) = (None, None, None);
    // httperf's own line of its options names `--method` only when it is not GET.
    let mut method = "GET".to_string();
    let (mut planned, mut opened, mut sent) = (None::<(u64, u64)>, 0u64, 0u64);
    let mut calls = 1.0f64;
    let mut sessions = None::<Sessions>;
    for (i, line) in text.lines().enumerate() {
        let no = i as u64 + 1;
        if line.starts_with("httperf --") {
            for c in arg_re.captures_iter(line) {
                match &c[1] {
                    "rate" => s.arrival_rate_rps = Some(number(path, no, "--rate", &c[2])?),
                    "uri" => uri = Some(c[2].to_string()),
                    "method" => method = c[2].to_ascii_uppercase(),
                    "server" => server = Some(c[2].to_string()),
                    "num-conns" => planned = c[2].parse().ok().map(|n| (n, no)),
                    "num-calls" => calls = number::<f64>(path, no, "--num-calls", &c[2])?.max(1.0),
                    "wsess" | "wsesslog" => sessions = Sessions::parse(&c[1], &c[2]),
                    _ => port = Some(c[2].to_string()),
                }
            }
        } else if let Some(c) = total_re.captures(line) {
            opened = number(path, no, "connections", &c[1])?;
            sent = number(path, no, "requests", &c[2])?;
            if let Some(ss) = sessions.as_mut() {
                ss.requests = sent;
            }
            let replies: u64 = number(path, no, "replies", &c[3])?;
            s.duration_s = Some(number(path, no, "test-duration", &c[4])?);
            totals = Some((replies, no));
        } else if let Some(c) = status_re.captures(line) {
            classes = captured_counts(path, no, "reply status", &c)?;
        } else if let Some(rest) = line.strip_prefix("Connection time [ms]: min") {
            conn_time = pairs(&format!("min{rest}"))
                .into_iter()
                .filter_map(|(k, v)| Some((k.to_string(), v.parse::<f64>().ok()?)))
                .collect();
        } else if let Some(rest) = line.strip_prefix("Reply time [ms]:") {
            let p = pairs(rest);
            let get = |k: &str| {
                p.iter()
                    .find(|(a, _)| *a == k)
                    .and_then(|(_, v)| v.parse::<f64>().ok())
            };
            reply_time = get("response").map(|r| r + get("transfer").unwrap_or(0.0));
        } else if let Some(rest) = line.strip_prefix("Connection length [replies/conn]:") {
            one_call = rest.trim().parse::<f64>().is_ok_and(|v| v == 1.0);
        } else if let Some(rest) = line.strip_prefix("Errors:") {
            for (k, v) in pairs(rest) {
                if k != "total" {
                    if let Ok(n) = v.parse::<u64>() {
                        errors.push((k.to_string(), n, no));
                    }
                }
            }
        }
    }
    let Some((replies, line)) = totals else {
        return Err(problem(
            path,
            Some(1),
            "no `Total: connections … replies … test-duration` line: httperf was interrupted, \
             or the output was cut",
        ));
    };
    let mut requests = replies;
    for (_, n, no) in &errors {
        requests = add_counts(path, Some(*no), "the replies and errors", requests, *n)?;
    }
    let latency = latency(one_call, &conn_time, reply_time, replies);
    let name = match (&server, &uri) {
        (Some(h), Some(u)) => format!(
            "http://{h}{}{u}",
            port.as_ref().map(|p| format!(":{p}")).unwrap_or_default()
        ),
        _ => super::summary::file_stem(path),
    };
    // A `--wsesslog` file names each call's method and URI itself.
    let method = (uri.is_some() && sessions.as_ref().is_none_or(|ss| ss.calls.is_some()))
        .then_some(method.as_str());
    let mut ep = endpoint(EndpointKey::new(method, &name), requests, latency);
    let failed = failed_kinds(classes, &errors);
    add_failures(path, Some(line), &mut ep, &failed)?;
    match &sessions {
        Some(ss) => session_notes(path, &mut s, ss, one_call),
        None => model_notes(path, &mut s, one_call, calls),
    }
    s.endpoints.push(ep);
    s.stopped_early = stopped_early(path, planned, opened);
    if sessions.is_none() {
        s.notes
            .extend(unsent_calls(path, planned, (opened, sent, calls)));
    }
    Ok(s)
}

/// Why a run of several calls per connection sent fewer requests than its connections
/// were to make (`planned`: the echoed `--num-conns` and its line; `opened`, `sent`:
/// the `Total:` line's connections and requests; `calls`: `--num-calls`): httperf
/// closes a connection at its first error (a timeout, a reset) and its remaining calls
/// are never sent. `None` when it sent them all, or it was stopped early (said there).
fn unsent_calls(path: &Path, planned: Option<(u64, u64)>, run: (u64, u64, f64)) -> Option<String> {
    let (opened, sent, calls) = run;
    let (conns, no) = planned.filter(|(n, _)| *n == opened && calls > 1.0)?;
    let asked = (conns as f64 * calls).round() as u64;
    let unsent = asked.checked_sub(sent).filter(|n| *n > 0)?;
    Some(format!(
        "{}: httperf was asked for {asked} calls (--num-conns={conns} × --num-calls={calls} \
         at line {no}) and sent {sent} (`Total: … requests {sent}`): a connection that gets \
         an error (a timeout, a reset) is closed with its remaining calls unsent, so {unsent} \
         calls were never made; they are in no figure (requests, errors, throughput count \
         the {sent} sent), and the connections' errors that cost them are counted once each",
        path.shown()
    ))
}

/// The latency httperf prints: with one call per connection, the `Connection time`
/// min/avg/max/median of each request (connect included); else the mean reply time.
fn latency(
    one_call: bool,
    conn_time: &[(String, f64)],
    reply_time: Option<f64>,
    replies: u64,
) -> LatencyDistribution {
    let stat = |k: &str| conn_time.iter().find(|(a, _)| a == k).map(|(_, v)| *v);
    let has = replies > 0;
    LatencyDistribution::Summary(if one_call {
        PercentileSummary {
            sd_ms: None,
            count: replies,
            mean_ms: stat("avg").filter(|_| has),
            min_ms: stat("min").filter(|_| has),
            max_ms: stat("max").filter(|_| has),
            points: stat("median")
                .filter(|_| has)
                .map(|m| vec![(50.0, m)])
                .unwrap_or_default(),
            merged: false,
            co_corrected: false,
        }
    } else {
        PercentileSummary {
            count: replies,
            mean_ms: reply_time.filter(|_| has),
            ..PercentileSummary::default()
        }
    })
}

/// httperf's sessions (`--wsess=N,CALLS,THINK` or `--wsesslog=N,THINK,FILE`): its
/// `--rate` then starts sessions, not connections, each sending CALLS requests (a
/// session log's calls: the requests made ÷ N sessions, their mean).
struct Sessions {
    /// The echoed flag, `--wsess=40,5,0.100`.
    flag: String,
    /// N, the sessions to run.
    count: f64,
    /// CALLS of `--wsess` (none for a session log).
    calls: Option<f64>,
    /// THINK of `--wsess`, s: the time between a session's calls.
    think_s: Option<f64>,
    /// The requests the run made (its `Total:` line).
    requests: u64,
}

impl Sessions {
    fn parse(name: &str, value: &str) -> Option<Sessions> {
        let mut parts = value.split(',');
        let count = parts.next()?.parse::<f64>().ok().filter(|n| *n > 0.0)?;
        let calls = match name {
            "wsess" => Some(parts.next()?.parse::<f64>().ok().filter(|c| *c >= 1.0)?),
            _ => None,
        };
        let think_s = match name {
            "wsess" => parts.next().and_then(|z| z.parse::<f64>().ok()),
            _ => None,
        };
        Some(Sessions {
            flag: format!("--{name}={value}"),
            count,
            calls,
            think_s: think_s.filter(|z| z.is_finite() && *z >= 0.0),
            requests: 0,
        })
    }
}

/// What a session run's `--rate` means: sessions per second, each sending its calls,
/// so `--rate × calls` is the arrival rate of requests.
fn session_notes(path: &Path, s: &mut ToolSummary, ss: &Sessions, one_call: bool) {
    let calls = (ss.calls).unwrap_or(ss.requests as f64 / ss.count);
    let Some(sessions) = s.arrival_rate_rps.filter(|_| calls > 0.0) else {
        s.arrival_rate_rps = None;
        s.notes.push(format!(
            "{}: httperf ran sessions ({}) at an unknown --rate or with no request made: the \
             arrival rate is unknown; give the stage's arrival_rate_rps in run.toml",
            path.shown(),
            ss.flag
        ));
        return;
    };
    let mut rate = sessions * calls;
    let over_run = over_the_run(ss, sessions).filter(|r| *r < rate);
    if let Some((plan, how)) = over_run.zip(ss.calls.zip(ss.think_s)) {
        s.notes.push(format!(
            "{}: {} sessions started at --rate {sessions}/s take {:.2} s to start ((N − 1) ÷ \
             --rate), and the last one's {} calls, {} s of think time apart, at least {:.2} s \
             more: the plan sends its {} requests in no less than {:.2} s, {plan:.1} req/s \
             over the run httperf's figures cover ({rate:.1} req/s while sessions start), \
             the planned rate the run is held to",
            path.shown(),
            ss.count,
            (ss.count - 1.0) / sessions,
            how.0,
            how.1,
            (how.0 - 1.0) * how.1,
            ss.count * how.0,
            ss.count * how.0 / plan
        ));
        rate = plan;
    }
    s.arrival_rate_rps = Some(rate);
    let each = match ss.calls {
        Some(c) => format!("each sends {c} requests"),
        None => format!(
            "each sends the calls of its session log: {} requests ÷ {} sessions = {calls:.2} \
             on average",
            ss.requests, ss.count
        ),
    };
    s.notes.push(format!(
        "{}: httperf runs an open model of sessions ({}): --rate starts {sessions} sessions a \
         second whatever the answers do and {each}, so the arrival rate is {rate:.1} req/s; \
         the stage has an arrival rate and no users{}",
        path.shown(),
        ss.flag,
        if one_call {
            ""
        } else {
            "; several calls per connection: only httperf's mean reply time is known, no \
             percentiles"
        }
    ));
}

/// The requests a `--wsess` run plans per second over the whole run its figures cover:
/// N sessions start over (N − 1) ÷ `sessions_per_s` seconds and the last one's CALLS
/// are THINK apart, so N × CALLS requests take at least that long (with instant
/// answers): `None` for a session log, or a plan that takes no time.
fn over_the_run(ss: &Sessions, sessions_per_s: f64) -> Option<f64> {
    let (calls, think) = ss.calls.zip(ss.think_s)?;
    let span = (ss.count - 1.0) / sessions_per_s + (calls - 1.0) * think;
    (span > 0.0 && span.is_finite()).then(|| ss.count * calls / span)
}

/// Why a run that opened fewer connections than its echoed `--num-conns` (`planned`:
/// the count and its line) stopped early, or `None`.
fn stopped_early(path: &Path, planned: Option<(u64, u64)>, opened: u64) -> Option<String> {
    let (n, no) = planned.filter(|(n, _)| (opened as f64) < STOPPED_EARLY * *n as f64)?;
    Some(format!(
        "{}: httperf was started for --num-conns={n} (line {no}) and opened {opened} \
         connections: it was interrupted (Ctrl-C), so its figures cover a part of the \
         planned run; re-run it to the end",
        path.shown()
    ))
}

/// The failures httperf counts: its 4xx and 5xx reply classes and each `Errors:` kind.
fn failed_kinds(
    classes: [u64; 5],
    errors: &[(String, u64, u64)],
) -> Vec<(FailureKind, u64, String)> {
    let mut failed: Vec<(FailureKind, u64, String)> = vec![
        (
            FailureKind::StatusClass(4),
            classes[3],
            "HTTP status 4xx (httperf prints the class only)".into(),
        ),
        (
            FailureKind::StatusClass(5),
            classes[4],
            "HTTP status 5xx (httperf prints the class only)".into(),
        ),
    ];
    for (k, n, _) in errors {
        let kind = match k.as_str() {
            "client-timo" | "socket-timo" => FailureKind::Timeout,
            "connrefused" | "fd-unavail" | "addrunavail" | "ftab-full" => FailureKind::Connect,
            "connreset" => FailureKind::Reset,
            _ => FailureKind::Other,
        };
        failed.push((kind, *n, format!("httperf: {k}")));
    }
    failed
}

/// What the summary says of httperf's model: open with a known --rate (times
/// `--num-calls`: the arrival rate of requests), or the rate unknown; mean reply time
/// only with several calls per connection.
fn model_notes(path: &Path, s: &mut ToolSummary, one_call: bool, calls: f64) {
    // --rate opens connections; each sends --num-calls requests: the requests' rate.
    s.arrival_rate_rps = s.arrival_rate_rps.map(|conns| conns * calls);
    if let Some(rate) = s.arrival_rate_rps {
        let per_conn = if calls > 1.0 {
            format!(
                "; each sends --num-calls={calls} requests, so the arrival rate is {} × \
                 --rate = {rate} req/s",
                calls
            )
        } else {
            String::new()
        };
        s.notes.push(format!(
            "{}: httperf runs an open model — connections are opened at --rate whatever the \
             answers do{per_conn} — so the stage has an arrival rate and no users; the \
             closed-model law N = X·(R+Z) does not apply",
            path.shown()
        ));
    } else {
        s.notes.push(format!(
            "{}: the file does not echo httperf's command line, so its --rate (the arrival \
             rate) is unknown: give the stage's arrival_rate_rps in run.toml",
            path.shown()
        ));
    }
    if !one_call {
        s.notes.push(format!(
            "{}: several calls per connection: only httperf's mean reply time (response + \
             transfer) is known, no percentiles",
            path.shown()
        ));
    }
}
