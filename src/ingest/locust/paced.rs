//! The planned rate of a Locust CSV run in a dir named by its rate (`rate-100rps/`).
//! Locust paces its users only when the locustfile says so: `wait_time =
//! constant_throughput(x)` (x tasks per second per user) or `constant_pacing(t)` (one
//! task every t seconds). With the locustfile beside the CSVs and the users known (the
//! stats history's user count, else the console's), the plan is x × users req/s (one
//! request per task), the locustfile's own, which wins over the name's and is noted
//! where the two differ; a locustfile whose wait time does not pace (`between(1, 5)`,
//! `constant(0)`) ran a closed model, so the name's rate is no arrival rate, and a note
//! says so. Without a locustfile that says, the dir's name is the plan, noted. A paced
//! stage's users only cap what is in flight, so it has none (as hey's `-q` workers).

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use super::history::HistoryRow;
use crate::ingest::stages::StagePlan;
use crate::model::Source;

/// A locustfile larger than this is not read.
const MAX_LOCUSTFILE_BYTES: u64 = 1 << 20;

/// A plan whose locustfile's rate differs from the name's by more than this share is
/// noted.
const AGREE: f64 = 0.05;

/// How the locustfile paces each user.
enum Pacing {
    /// Tasks per second per user, and the wait time as written.
    PerUser(f64, String),
    /// A wait time that paces nothing (`between(1, 5)`), as written.
    Unpaced(String),
}

/// The load of the CSV set `set`'s stage from the files beside them in their dir: the
/// users from the console (`console_users`), then a planned rate from the locustfile.
pub(super) fn load_beside(
    source: &mut Source,
    set: &super::LocustSet,
    history: Option<&[HistoryRow]>,
    plan: &StagePlan,
) {
    let files = set.stats.as_deref().or(set.history.as_deref());
    if let Some(dir) = files.and_then(Path::parent) {
        super::console_users::fill(source, dir, history, plan);
        apply(source, dir, history, plan);
    }
}

/// Sets the one stage of the Locust `source` read in `dir` to its planned rate when
/// `plan` names one (see the module doc).
fn apply(source: &mut Source, dir: &Path, history: Option<&[HistoryRow]>, plan: &StagePlan) {
    let StagePlan::WholeDir {
        users: None,
        rate: Some(named),
        ..
    } = plan
    else {
        return;
    };
    let [stage] = source.stages.as_mut_slice() else {
        return;
    };
    let most = (history.unwrap_or_default().iter())
        .filter(|r| r.key.is_none())
        .filter_map(|r| r.users)
        .fold(0.0_f64, f64::max);
    let users = (most >= 1.0).then(|| most.round() as u32).or(stage.users);
    let name = stage.name.clone();
    let note = match (locustfile_pacing(dir), users) {
        (Some((file, Pacing::PerUser(x, wait))), Some(n)) => {
            let own = x * f64::from(n);
            stage.arrival_rate_rps = Some(own);
            stage.users = None;
            let differs = if (own - named).abs() > AGREE * named {
                format!(
                    " (its dir's name plans {named} req/s: the locustfile's rate is the \
                     stage's)"
                )
            } else {
                String::new()
            };
            format!(
                "stage `{name}`: planned arrival rate {own} req/s{differs}: {} paces each of \
                 the {n} users at {x} task(s)/s (`wait_time = {wait}`), one request per task; \
                 its users only cap what is in flight, so the stage has no users",
                file.shown()
            )
        }
        (Some((file, Pacing::Unpaced(wait))), _) => {
            stage.users = users;
            let with = users.map_or_else(String::new, |u| format!(" with {u} users"));
            format!(
                "stage `{name}`: its dir's name plans {named} req/s, but {} waits \
                 `{wait}` between tasks: Locust ran a closed model{with} (each user sends its \
                 next request on the last answer and its wait), so the name's rate is not the \
                 stage's arrival rate",
                file.shown()
            )
        }
        (pacing, _) => {
            stage.arrival_rate_rps = Some(*named);
            stage.users = None;
            let why = match pacing {
                Some((file, _)) => format!(
                    "{} paces its users but their count is unknown",
                    file.shown()
                ),
                None => "no locustfile beside the CSVs says how Locust paced its users".into(),
            };
            format!(
                "stage `{name}`: planned arrival rate {named} req/s read from its dir's name \
                 ({why}); its users only cap what is in flight, so the stage has no users"
            )
        }
    };
    source.overall.users = stage.users;
    source.overall.arrival_rate_rps = stage.arrival_rate_rps;
    source.notes.push(note);
}

/// The one locustfile in `dir` (a `.py` file that sets a `wait_time`) and how it paces
/// its users; `None` without one, with several, or with several wait times in it.
fn locustfile_pacing(dir: &Path) -> Option<(std::path::PathBuf, Pacing)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?m)^\s*wait_time\s*=\s*((?:\w+\.)*(\w+)\s*\(([^()]*)\))")
            .expect("static regex")
    });
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let small =
            (entry.metadata()).is_ok_and(|m| m.is_file() && m.len() <= MAX_LOCUSTFILE_BYTES);
        if !small || path.extension().is_none_or(|e| e != "py") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let waits: Vec<(String, String, String)> = (re.captures_iter(&text))
            .map(|c| (c[1].to_string(), c[2].to_string(), c[3].trim().to_string()))
            .collect();
        if !waits.is_empty() {
            found.push((path, waits));
        }
    }
    let [(path, waits)] = found.as_slice() else {
        return None;
    };
    let [(wait, func, arg)] = waits.as_slice() else {
        return None;
    };
    let number = || {
        arg.parse::<f64>()
            .ok()
            .filter(|v| *v > 0.0 && v.is_finite())
    };
    let pacing = match func.as_str() {
        "constant_throughput" => Pacing::PerUser(number()?, wait.clone()),
        "constant_pacing" => Pacing::PerUser(1.0 / number()?, wait.clone()),
        _ => Pacing::Unpaced(wait.clone()),
    };
    Some((path.clone(), pacing))
}
