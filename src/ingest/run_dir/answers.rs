//! What a source's files say of its answers beyond their rows, for the verdict:
//! Gatling's assertions (kept in its log) judged on the source's requests, the 5xx
//! answers JMeter marked successful of the endpoints kept, and the script's failed
//! checks of the answers (k6's `check()`) in a note.

use crate::model::untrusted::Shown;
use std::path::PathBuf;

use crate::ingest::{problem, IngestOptions, Replay};
use crate::model::{Run, Source};

/// The requests `replays`' files mark successful with a 5xx code, of the endpoints
/// `src` kept (`--include`/`--exclude` leave the others out of its figures).
pub(super) fn ok_server_errors(replays: &[(PathBuf, Box<dyn Replay>)], src: &Source) -> u64 {
    let kept = |name: &str| src.overall.endpoints.keys().any(|k| k.name == name);
    (replays.iter())
        .flat_map(|(_, r)| r.ok_server_errors())
        .filter_map(|(name, n)| kept(&name).then_some(n))
        .sum()
}

/// The assertions `replays`' files declare (Gatling's), judged on `src` as the run's
/// tool checks; one that cannot be judged is a warning. Under `--include`/`--exclude`
/// or `--from`/`--to` they are judged on the requests kept, and the note says so:
/// Gatling judged every request of its log.
pub(super) fn judge_assertions(
    replays: &[(PathBuf, Box<dyn Replay>)],
    src: &mut Source,
    opts: &IngestOptions,
    run: &mut Run,
) {
    let narrowed: Vec<&str> = [
        (opts.include.is_some(), "--include"),
        (opts.exclude.is_some(), "--exclude"),
        (opts.from_ms.is_some(), "--from"),
        (opts.to_ms.is_some(), "--to"),
    ]
    .into_iter()
    .filter_map(|(set, flag)| set.then_some(flag))
    .collect();
    let judged_on = if narrowed.is_empty() {
        "on the log's every request as Gatling judges them".to_string()
    } else {
        format!(
            "as Gatling judges them but on the requests {} kept (Gatling judged every \
             request of its log, so its own result may differ)",
            narrowed.join(" and ")
        )
    };
    for (path, r) in replays {
        let assertions = r.assertions();
        if assertions.is_empty() {
            continue;
        }
        let file = path.shown().to_string();
        let (checks, unjudged) = crate::ingest::gatling_assertions::judge(&assertions, src, &file);
        if !checks.is_empty() {
            src.notes.push(format!(
                "{file}: the simulation's {} assertions, judged by headroom {judged_on} \
                 (whole ms; Gatling estimates percentiles, so a figure right at a limit may be \
                 judged otherwise by it)",
                checks.len()
            ));
        }
        src.tool_checks.extend(checks);
        for why in unjudged {
            let why = match narrowed.is_empty() {
                true => why,
                false => format!("{why}, or it is left out by {}", narrowed.join(" and ")),
            };
            let what = format!("a Gatling assertion is not judged: {why}");
            run.warnings.push(problem(path, None, what));
        }
    }
}

/// What the script's failed checks of the answers were (k6's `check()`), if any failed.
pub(super) fn failed_checks_note(src: &Source) -> Option<String> {
    let (passes, fails) = src.script_checks.totals();
    if fails == 0 {
        return None;
    }
    let named: Vec<String> = (src.script_checks.failed().iter())
        .map(|(name, n)| format!("; `{name}` {n}"))
        .collect();
    let failed_requests = src.overall.failures();
    let seen = match src.script_checks.unseen_fails(failed_requests) {
        0 => format!("{failed_requests} requests failed, so the failure figures may count them"),
        unseen => format!(
            "{} counts requests by status and {failed_requests} failed, so the failure \
             figures miss at least {unseen}",
            src.tool
        ),
    };
    Some(format!(
        "{fails} of {} of {} of the answers failed ({:.1}%{}): {seen}",
        passes + fails,
        crate::model::ScriptChecks::whose(&src.tool),
        100.0 * fails as f64 / (passes + fails) as f64,
        named.concat(),
    ))
}
