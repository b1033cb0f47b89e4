//! The users of a Locust CSV run whose CSVs do not say them: a `--only-summary` run's
//! stats history is one row of 0 users written at the start (Locust writes the history
//! with the periodic printer that flag turns off), and a run shorter than the write
//! interval has no later row either. Its console output beside the CSVs says them —
//! `Ramping to 50 users …` and `All users spawned: {…} (50 total users)` — and so does
//! its command line (`-u 50`, `--users 50`) when echoed above the output or kept
//! beside it (`tool_command`). One level is the stage's users, with a note naming
//! where they come from; several levels (a `LoadTestShape`) give none. The console
//! must be the CSVs' run: one console in the dir, whose final table counts at least
//! the CSVs' requests (Locust's counts only grow).

use crate::model::untrusted::Shown;
use std::path::{Path, PathBuf};

use super::console;
use super::history::HistoryRow;
use crate::ingest::stages::StagePlan;
use crate::ingest::tool_command::{self, Tool};
use crate::model::Source;

/// Console files larger than this are not looked through for users.
const MAX_CONSOLE_BYTES: u64 = 64 << 20;

/// Locust on a command line.
const LOCUST: Tool = Tool {
    programs: &["locust"],
    sniff: console::sniff,
    url_from: &[("f", Some("locustfile"))],
};

/// Gives the one whole-run stage of a CSV run its users from the console beside the
/// CSVs in `dir`, when neither the history (`history`) nor the plan says them.
pub(super) fn fill(
    source: &mut Source,
    dir: &Path,
    history: Option<&[HistoryRow]>,
    plan: &StagePlan,
) {
    let planned = match plan {
        StagePlan::Detect { .. } => false,
        StagePlan::WholeDir { users, .. } => users.is_some(),
        StagePlan::Manifest(specs) => specs.iter().any(|s| s.users.is_some()),
    };
    let counted = history.is_some_and(|h| h.iter().any(|r| r.users.is_some_and(|u| u > 0.0)));
    if planned || counted || source.stages.len() != 1 || source.stages[0].users.is_some() {
        return;
    }
    let Some(file) = the_console(dir) else {
        return;
    };
    let requests = source.overall.requests();
    match console::final_counts(&file) {
        Ok(Some(t)) if t.requests >= requests => {}
        _ => return,
    }
    let Ok(text) = crate::ingest::summary::read_file_text(&file) else {
        return;
    };
    let shown = file.shown();
    match levels(&text).as_slice() {
        [one] => {
            source.stages[0].users = Some(*one);
            source.notes.push(format!(
                "users: {one}, from Locust's console output {shown} (`All users spawned … \
                 ({one} total users)`): the stats history has no user count (Locust writes \
                 it without --only-summary, every second)"
            ));
        }
        [] => {
            let preface: String = text
                .lines()
                .take_while(|l| !console::sniff(l))
                .collect::<Vec<_>>()
                .join("\n");
            let Some((line, from)) = tool_command::find(&LOCUST, &file, &preface) else {
                return;
            };
            let args = tool_command::args(&LOCUST, &line).unwrap_or_default();
            let Some(n) = tool_command::flag(&args, "u", Some("users"))
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|n| *n > 0)
            else {
                return;
            };
            source.stages[0].users = Some(n);
            source.notes.push(format!(
                "users: {n}, from Locust's command line, {from}: neither the stats history \
                 nor the console output {shown} says how many users ran"
            ));
        }
        several => {
            let each: Vec<String> = several.iter().map(u32::to_string).collect();
            source.notes.push(format!(
                "Locust's console output {shown} spawned users at {} levels ({}): its \
                 whole-run figures are no one load level's, so the stage has no users",
                several.len(),
                each.join(" → ")
            ));
        }
    }
}

/// The one Locust console output in `dir`, if there is exactly one.
fn the_console(dir: &Path) -> Option<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let small = entry
            .metadata()
            .is_ok_and(|m| m.is_file() && m.len() <= MAX_CONSOLE_BYTES);
        if !small {
            continue;
        }
        let Ok(head) = crate::ingest::text::read_head(&path) else {
            continue;
        };
        if console::sniff(&String::from_utf8_lossy(&head)) {
            found.push(path);
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}

/// The distinct user levels Locust reached, in order: `All users spawned: {…} (N total
/// users)`, else `Ramping to N users`.
fn levels(text: &str) -> Vec<u32> {
    let spawned = |l: &str| {
        let at = l.find("All users spawned: ")?;
        let rest = &l[at..];
        let open = rest.rfind('(')?;
        rest[open + 1..]
            .strip_suffix(" total users)")?
            .trim()
            .parse()
            .ok()
    };
    let ramping = |l: &str| {
        let at = l.find("Ramping to ")?;
        let rest = &l[at + "Ramping to ".len()..];
        rest.split_whitespace().next()?.parse().ok()
    };
    let mut all: Vec<u32> = text.lines().filter_map(|l| spawned(l.trim_end())).collect();
    if all.is_empty() {
        all = text.lines().filter_map(ramping).collect();
    }
    let mut seen = Vec::new();
    for n in all.into_iter().filter(|n| *n > 0) {
        if !seen.contains(&n) {
            seen.push(n);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_come_from_spawned_lines_then_ramping() {
        let log = "[x] vm/INFO/locust.runners: Ramping to 5 users at a rate of 5.00 per second\n\
                   [x] vm/INFO/locust.runners: All users spawned: {\"U\": 5} (5 total users)\n";
        assert_eq!(levels(log), vec![5]);
        let ramp = "[x] vm/INFO/locust.runners: Ramping to 8 users at a rate of 1.00 per second\n";
        assert_eq!(levels(ramp), vec![8]);
        let shape = "All users spawned: {\"U\": 5} (5 total users)\n\
                     All users spawned: {\"U\": 10} (10 total users)\n";
        assert_eq!(levels(shape), vec![5, 10]);
    }
}
