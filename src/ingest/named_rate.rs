//! The planned arrival rate a rate-driven run's stage dir names (`rate-50rps/`,
//! `100rps/`, `stage 3 - 200 req-s/`: `stages::rate_from_dir_name`), given to the
//! whole-run summary read in it. The tool's own pacing wins where its output or command
//! line gives one (wrk2's `-R`, hey's `-q` × `-c`, autocannon's `overallRate`); a tool
//! that ran a closed model (its users each send on the last answer: ab, siege, wrk
//! without `-R`, hey without `-q`) was not driven at the name's rate, so the name is no
//! arrival rate there and a note says so. Where the rate is taken, the tool's
//! connections only cap what is in flight, so the stage has no users; a note says the
//! rate comes from the dir's name.

use crate::model::Stage;

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
