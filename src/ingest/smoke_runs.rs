//! Short runs apart from the real one in one run dir: a smoke test or warm-up that a
//! team ran with another tool before (or after) the run it reports on — `wrk -d 3s`
//! or `hey -z 5s` with its console captured beside a JMeter JTL of minutes. Such a
//! source measured other requests than the run's, so it never leads (its few seconds
//! at a handful of connections would be taken for the run) and its requests, in none
//! of the report's figures, do not make the run's data incomplete.
//!
//! A source is such a short run beside the longest source of the run dir when it
//! lasted at most a third as long, did not run at the same time (when both spans are
//! known), had no more users than the longest one (when it says how many; a run of
//! other URLs than its may have more), failed no more often (its failures, above the
//! run's, are not left out unremarked: the run dir is judged incomplete as before) and
//! holds other requests (totals more than 10 % apart: about the same totals are the
//! same requests read twice).
//!
//! Within one stage dir, a tool's burst of under a second beside another tool's load
//! (`hey -n 1000` of `/health` beside `wrk -d4s` of the API) is such a run too: a
//! short check beside the stage's load (`check_beside_load`): the stage is judged on
//! the load.
//!
//! So is a check or warm-up by the **same** tool as the load, saved beside it in one dir
//! (`hey -n 200` of `/health` beside `hey -z 10s` of the API, `warmup.txt` beside
//! `run.txt`): one tool's files in a dir are otherwise pooled as runs one after another
//! (`summary::DirSummaries`), the check's burst into the load's throughput, or a stage of
//! its own at the check's users. Such a file is set aside before the pooling
//! (`same_tool_check`, `run_dir/same_tool_checks.rs`), when it is short beside the
//! tool's longest run in the dir and either requested other URLs than that run or is
//! named a check (`smoke`, `warmup`, `health`…). Runs of one URL at several loads (a
//! loop over loads) and repeats of the load stay pooled as before.
//!
//! A **false start** of the load is set aside the same way (`false_start`): the same
//! tool's run of the load's URLs at its users, saved before every full-length run of
//! the dir under a name that says nothing (`out1.txt` before `out2.txt`), that either
//! stopped short of what its command asked (`hey -z 10s` that ran 2 s: Ctrl-C) or
//! lasted at most a third of the load with fewer requests (`hey -z 2s` before
//! `hey -z 10s`). A repeat runs as long as the run it repeats, so it stays pooled.

use std::path::Path;

use crate::model::Source;

/// A short run lasts at most this share of the longest source's duration.
pub(super) const SHORT: f64 = 1.0 / 3.0;

/// A check beside a stage's load lasts under this long, seconds.
const CHECK_S: f64 = 1.0;

/// A check of other URLs by the load's own tool lasts at most this long, seconds: a
/// check by hand runs for seconds (`wrk -d1s` prints 1.10 s, `hey -z 5s`), a load for
/// tens of them.
const SAME_TOOL_CHECK_S: f64 = 6.0;

/// Words in a file's name that say it holds a check or warm-up, not the load.
const CHECK_WORDS: [&str; 7] = [
    "smoke",
    "warmup",
    "warm-up",
    "warm_up",
    "sanity",
    "health",
    "preflight",
];

/// Totals within this share of each other are the same requests (as arbitration takes
/// them).
const SAME_REQUESTS: f64 = 0.10;

/// Spans overlapping by no more than this (clock rounding) are one after the other.
const OVERLAP_SLACK_MS: i64 = 1_000;

/// For each of `sources`, why it is a short run apart from the run (one clause naming
/// both tools), or `None`.
pub(super) fn short_runs(sources: &[Source]) -> Vec<Option<String>> {
    let dur = |i: usize| duration_s(&sources[i]).unwrap_or(0.0);
    let Some(long) = (0..sources.len())
        .filter(|&i| duration_s(&sources[i]).is_some() && sources[i].beside_stage.is_none())
        .filter(|&i| sources[i].overall.requests() > 0 && !sources[i].unknown_origin)
        .max_by(|&a, &b| dur(a).total_cmp(&dur(b)))
    else {
        return vec![None; sources.len()];
    };
    let lead = &sources[long];
    (0..sources.len())
        .map(|i| (i != long).then(|| why_short(&sources[i], lead)).flatten())
        .collect()
}

/// Why `src` is a short run apart from `lead` (the run dir's longest source), or `None`.
fn why_short(src: &Source, lead: &Source) -> Option<String> {
    let (d, long) = (duration_s(src)?, duration_s(lead)?);
    let (n, m) = (src.overall.requests(), lead.overall.requests());
    if src.beside_stage.is_some() || n == 0 || d > SHORT * long {
        return None;
    }
    if n.abs_diff(m) as f64 <= SAME_REQUESTS * n.max(m) as f64 {
        return None;
    }
    if let (Some(a), Some(b)) = (src.span_ms, lead.span_ms) {
        if a.0 < b.1 - OVERLAP_SLACK_MS && b.0 < a.1 - OVERLAP_SLACK_MS {
            return None;
        }
    }
    let users = max_users(src);
    // More users than the long run may be a spike test of the same requests; a check
    // of other URLs (`hey` of `/health` at its default 50 workers) is none.
    let other_urls = src.overall.requests_other_routes(&lead.overall, &[]);
    if let (Some(u), Some(v)) = (users, max_users(lead)) {
        if u > v && !other_urls {
            return None;
        }
    }
    if fails_more(src, lead) {
        return None;
    }
    let at = users.map_or(String::new(), |u| format!(" at {u} users"));
    Some(format!(
        "{}'s run ({} requests in {}{at}) is a short run apart from {}'s ({} requests in {}): \
         a smoke test or warm-up, listed under Sources and in none of the report's figures",
        src.tool,
        crate::model::thousands(n as usize),
        seconds(d),
        lead.tool,
        crate::model::thousands(m as usize),
        seconds(long)
    ))
}

/// Why `src`, measured in one stage dir beside `load`, is a short check beside that
/// stage's load rather than the load itself (`hey -n 300` of `/health` for 0.1 s beside
/// `wrk -d 4s` of the API), or `None`: it lasted under [`CHECK_S`] and at most
/// [`SHORT`] of `load`'s time, holds other requests (totals more than 10 % apart),
/// failed no more often, and did not run the `named` users the dir's name gives. A
/// stage is a sustained level, and a burst of under a second sustained none: the stage
/// is judged on what ran it. (Two runs of seconds each, `wrk -d2s` beside `ab -n 4000`
/// of another URL, are both loads: the one with most requests judges the stage.)
pub(super) fn check_beside_load(src: &Source, load: &Source, named: Option<u32>) -> Option<String> {
    let (d, long) = (duration_s(src)?, duration_s(load)?);
    let (n, m) = (src.overall.requests(), load.overall.requests());
    let same = n.abs_diff(m) as f64 <= SAME_REQUESTS * n.max(m) as f64;
    if n == 0 || m == 0 || d >= CHECK_S || d > SHORT * long || same || load.unknown_origin {
        return None;
    }
    let users = max_users(src);
    if fails_more(src, load) || (named.is_some() && users == named) {
        return None;
    }
    let at = users.map_or(String::new(), |u| format!(" at {u} users"));
    Some(format!(
        "{}'s {} requests in {}{at} are a short check beside {}'s load of the stage ({} \
         requests in {}), listed under Sources and in none of the report's figures",
        src.tool,
        crate::model::thousands(n as usize),
        seconds(d),
        load.tool,
        crate::model::thousands(m as usize),
        seconds(long)
    ))
}

/// Why `src` (read from `path`) is a check or warm-up beside `load` (read from
/// `load_path`), the same tool's longest run in one dir, rather than a run to pool
/// with it, or `None`. It failed no more often than the load (its failures, above the
/// load's, are not left out unremarked: pooled, the two runs' disagreement is a
/// problem) and either
/// * requested other URLs than the load (both name theirs), lasting at most
///   [`SAME_TOOL_CHECK_S`] and at most [`SHORT`] of the load's time: `wrk -d1s` of
///   `/health` beside `wrk -d20s` of the API; or
/// * is named a check or warm-up ([`CHECK_WORDS`]: `warmup.txt`, `smoke.log`) and ran
///   shorter with fewer requests than the load: a warm-up at the load's own URL and
///   users, before the measured run.
///
/// Runs of one URL at several loads in a dir (a loop over `-c`) and repeats of the
/// load are none: they stay pooled.
pub(super) fn same_tool_check(
    (src, path): (&Source, &Path),
    (load, load_path): (&Source, &Path),
) -> Option<String> {
    let (d, long) = (duration_s(src)?, duration_s(load)?);
    let (n, m) = (src.overall.requests(), load.overall.requests());
    if n == 0 || m == 0 || load.unknown_origin || src.unknown_origin {
        return None;
    }
    if fails_more(src, load) {
        return None;
    }
    let files = [path, load_path];
    let other_urls = load.overall.requests_other_routes(&src.overall, &files);
    let check = other_urls && d <= SAME_TOOL_CHECK_S && d <= SHORT * long;
    let named = named_check(path) && !named_check(load_path) && d < long && n < m;
    if !check && !named {
        return None;
    }
    // What the tool ran at once: a dir's name gives the load's users, not the check's.
    let users = ran_at_once(src);
    let at = users.map_or(String::new(), |u| format!(", {u} at once"));
    let what = if check {
        "other URLs than the load's: a check beside it"
    } else {
        "its name says it is a check or warm-up, shorter than the load"
    };
    Some(format!(
        "{}'s {} requests in {}{at} ({}) are no part of the load {} ran beside them in this \
         dir ({} requests in {}, {}): {what}; not pooled into the stage: listed under Skipped files \
         and in none of the report's figures",
        src.tool,
        crate::model::thousands(n as usize),
        brief(d),
        routes(src),
        load.tool,
        crate::model::thousands(m as usize),
        seconds(long),
        crate::model::untrusted::shown(load_path),
    ))
}

/// What the tool of `s` ran at once, as its stages or its whole run say it.
fn ran_at_once(s: &Source) -> Option<u32> {
    (s.stages.iter().chain([&s.overall])).find_map(|s| s.ran_at_once)
}

/// Why `src` (read from `path`) is a false start of `load` (read from `load_path`),
/// the same tool's longest run in one dir, rather than a repeat to pool with it, or
/// `None`. `first` says it was saved before every run of the dir that lasted over
/// [`SHORT`] of the load (the dir's order, or the clock when both runs have one). It
/// requested the load's URLs at the load's users (when both say theirs), with fewer
/// requests, failing no more often, and either stopped short of what its command asked
/// while the load ran to its end (a Ctrl-C witness), or lasted at most [`SHORT`] of
/// the load's time.
pub(super) fn false_start(
    (src, path): (&Source, &Path),
    (load, load_path): (&Source, &Path),
    first: bool,
) -> Option<String> {
    let (d, long) = (duration_s(src)?, duration_s(load)?);
    let (n, m) = (src.overall.requests(), load.overall.requests());
    if !first || n == 0 || n >= m || load.unknown_origin || src.unknown_origin {
        return None;
    }
    let (users, load_users) = (ran_at_once(src), ran_at_once(load));
    let other_users = users.zip(load_users).is_some_and(|(a, b)| a != b)
        || (max_users(src).zip(max_users(load))).is_some_and(|(a, b)| a != b);
    let files = [path, load_path];
    if other_users
        || fails_more(src, load)
        || load.overall.requests_other_routes(&src.overall, &files)
    {
        return None;
    }
    let stopped = src.stopped_early.is_some() && load.stopped_early.is_none();
    if !stopped && d > SHORT * long {
        return None;
    }
    let at = users.map_or(String::new(), |u| format!(", {u} at once"));
    let why = if stopped {
        "it stopped short of what its command asked (interrupted), and the load ran to its end"
    } else {
        "it lasted at most a third of the load's time"
    };
    Some(format!(
        "{}'s {} requests in {}{at} ({}) are a false start of the load saved after them in \
         this dir ({} requests in {}, {}), not a repeat of it: the same URLs at the same load, \
         saved before it, and {why}; not pooled into the stage: listed under Skipped files \
         and in none of the report's figures",
        src.tool,
        crate::model::thousands(n as usize),
        brief(d),
        routes(src),
        crate::model::thousands(m as usize),
        seconds(long),
        crate::model::untrusted::shown(load_path),
    ))
}

/// A check's duration: in ms under a tenth of a second (hey's 200 requests in 13 ms are
/// not "0.0 s"), else as [`seconds`].
fn brief(s: f64) -> String {
    if s < 0.1 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        seconds(s)
    }
}

/// True when the name of the file at `path` says it holds a check or warm-up.
fn named_check(path: &Path) -> bool {
    let name = (path.file_name()).map_or(String::new(), |n| n.to_string_lossy().to_lowercase());
    CHECK_WORDS.iter().any(|w| name.contains(w))
}

/// The endpoints a source requested, named: `GET /health`, or the first few and a count.
fn routes(src: &Source) -> String {
    let keys: Vec<String> = (src.overall.endpoints.iter())
        .filter(|(_, e)| !e.transaction)
        .map(|(k, _)| crate::model::untrusted::ticked(&k.to_string()))
        .collect();
    match keys.len() {
        0 => "no endpoint named".into(),
        1..=3 => keys.join(", "),
        n => format!("{} and {} more", keys[..3].join(", "), n - 3),
    }
}

/// How long a source ran, seconds: its whole run's window or printed duration, else
/// the span of its observations, else its stages' durations summed.
pub(super) fn duration_s(src: &Source) -> Option<f64> {
    let span = src
        .span_ms
        .map(|(a, b)| (b - a) as f64 / 1000.0)
        .filter(|d| *d > 0.0);
    let stages: f64 = src.stages.iter().filter_map(|s| s.duration_s()).sum();
    src.overall
        .duration_s()
        .or(span)
        .or((stages > 0.0).then_some(stages))
}

/// The most users any stage of the source (or its whole run) had, when it says.
pub(super) fn max_users(src: &Source) -> Option<u32> {
    src.stages
        .iter()
        .chain(std::iter::once(&src.overall))
        .filter_map(|s| s.users)
        .max()
}

/// True when `src` failed more often than `other`, by over a point of error rate: a
/// run apart from the load fails no more often (its failures are not left out
/// unremarked).
fn fails_more(src: &Source, other: &Source) -> bool {
    error_rate(src) > error_rate(other) + 0.01
}

/// The source's failed share of its requests.
fn error_rate(src: &Source) -> f64 {
    let failures = match &src.overall.aggregate {
        Some(a) => a.failures,
        None => (src.overall.endpoints.values())
            .filter(|e| !e.transaction)
            .map(|e| e.failures)
            .sum(),
    };
    failures as f64 / src.overall.requests().max(1) as f64
}

pub(super) fn seconds(s: f64) -> String {
    if s >= 10.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}
