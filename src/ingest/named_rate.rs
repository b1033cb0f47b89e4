//! The planned arrival rate a rate-driven run's stage dir names (`rate-50rps/`,
//! `100rps/`, `stage 3 - 200 req-s/`: `stages::rate_from_dir_name`), given to the
//! whole-run summary read in it. The tool's own pacing wins where its output or command
//! line gives one (wrk2's `-R`, hey's `-q` × `-c`, autocannon's `overallRate`); a tool
//! that ran a closed model (its users each send on the last answer: ab, siege, wrk
//! without `-R`, hey without `-q`) was not driven at the name's rate, so the name is no
//! arrival rate there and a note says so. Where the rate is taken, the tool's
//! connections only cap what is in flight, so the stage has no users; a note says the
//! rate comes from the dir's name.
//!
//! A file named by its rate (`hey_100rps.txt`, `wrk2-R500.txt`: a shell loop's runs
//! side by side in one dir) is read the same way ([`from_file_name`]) when its dir's
//! name and `run.toml` give no load; the note says the rate comes from the file's name.
//! A file of a tool whose rate flag is `-R` (wrk2, autocannon) may name it by that flag
//! (`wrk2-R500`); other tools' `R2` is as likely a release.

use crate::model::untrusted::Shown;
use crate::model::Stage;
use std::path::Path;

use super::stages::{rate_from_dir_name, StagePlan};
use super::summary::{file_stem, ToolSummary};

/// Tools that cannot pace their requests: every run of theirs is a closed model.
const CLOSED_ONLY: [&str; 3] = ["ab", "siege", "wrk"];

/// A planned rate whose tool's own differs by more than this share is noted.
const AGREE: f64 = 0.05;

/// Sets `stage`'s arrival rate to the `rate` its dir's name plans, unless `tool` ran
/// `tool_users` unpaced or paced itself at `tool_rate` (see the module doc); the note
/// to report.
pub fn apply(
    stage: &mut Stage,
    tool: &str,
    tool_users: Option<u32>,
    tool_rate: Option<f64>,
    rate: f64,
) -> Option<String> {
    let planned = rate;
    let name = &stage.name;
    if let Some(own) = tool_rate {
        let differs = (own - rate).abs() > AGREE * rate;
        return differs.then(|| {
            format!(
                "stage `{name}`: its dir's name plans {planned} req/s, but {tool} was paced at \
                 {own} req/s (its own output or command line): the tool's rate is the stage's"
            )
        });
    }
    if CLOSED_ONLY.contains(&tool) || tool_users.is_some() {
        let users = tool_users.map_or_else(String::new, |u| format!(" with {u} users"));
        return Some(format!(
            "stage `{name}`: its dir's name plans {planned} req/s, but {tool} ran a closed \
             model{users} (each sends its next request on the last answer; nothing paces it \
             at a rate), so the name's rate is not the stage's arrival rate"
        ));
    }
    stage.arrival_rate_rps = Some(rate);
    stage.users = None;
    stage.users_measured = false;
    Some(format!(
        "stage `{name}`: planned arrival rate {planned} req/s read from its dir's name ({tool} \
         prints no rate); its connections only cap what is in flight, so the stage has no users"
    ))
}

/// Sets the planned arrival rate of the one-run summary `s` read from `path` to the rate
/// the file's name gives, by the same rules as a dir's name (see the module doc), when
/// `plan` (the dir's name, `run.toml`) gives the stage no load of its own.
pub fn from_file_name(path: &Path, plan: &StagePlan, s: &mut ToolSummary) {
    if !matches!(plan, StagePlan::Detect { .. }) || !s.later_runs.is_empty() {
        return;
    }
    let stem = file_stem(path);
    let Some(rate) = rate_from_dir_name(&stem).or_else(|| rate_flag_in_name(&s.tool, &stem)) else {
        return;
    };
    let (file, named) = (path.shown(), crate::model::untrusted::ticked(&stem));
    let tool = &s.tool;
    if let Some(own) = s.arrival_rate_rps {
        if (own - rate).abs() > AGREE * rate {
            s.notes.push(format!(
                "{file}: its name ({named}) plans {rate} req/s, but {tool} was paced at {own} \
                 req/s (its own output or command line): the tool's rate is the stage's"
            ));
        }
        return;
    }
    if CLOSED_ONLY.contains(&tool.as_str()) || s.users.is_some() {
        let users = s
            .users
            .map_or_else(String::new, |u| format!(" with {u} users"));
        s.notes.push(format!(
            "{file}: its name ({named}) plans {rate} req/s, but {tool} ran a closed \
             model{users} (each sends its next request on the last answer; nothing paces it \
             at a rate), so the name's rate is not the stage's arrival rate"
        ));
        return;
    }
    s.arrival_rate_rps = Some(rate);
    s.notes.push(format!(
        "{file}: planned arrival rate {rate} req/s read from the file's name ({named}; {tool} \
         prints no rate); its connections only cap what is in flight, so the stage has no users"
    ));
}

/// Tools whose planned rate is their `-R` flag, so that a file named `wrk2-R500` names it.
const RATE_FLAG_R: [&str; 2] = ["wrk2", "autocannon"];

/// The rate a file of `tool` names by its `-R` flag (`wrk2-R500`, `R300`): an upper-case
/// `R` and a number, a word of their own.
fn rate_flag_in_name(tool: &str, stem: &str) -> Option<f64> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    if !RATE_FLAG_R.contains(&tool) {
        return None;
    }
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(?:^|[^\p{L}\d])R(\d+(?:\.\d+)?)(?:$|[^\p{L}\d])")
            .expect("static regex")
    });
    let rate: f64 = re.captures(stem)?[1].parse().ok()?;
    (rate > 0.0 && rate.is_finite()).then_some(rate)
}

#[cfg(test)]
mod tests {
    use super::rate_flag_in_name;

    #[test]
    fn rate_flag_names() {
        assert_eq!(rate_flag_in_name("wrk2", "wrk2-R500"), Some(500.0));
        assert_eq!(rate_flag_in_name("autocannon", "R300_run"), Some(300.0));
        assert_eq!(rate_flag_in_name("hey", "hey-R2"), None);
        assert_eq!(rate_flag_in_name("wrk2", "wrk2-r500"), None);
        assert_eq!(rate_flag_in_name("wrk2", "wrk2-R500x"), None);
    }
}
