//! The order and names of one dir's summaries at several loads: without clock times
//! nothing says which ran first, so a tool's stages go by their users (closed model)
//! or planned rate (open model); on the clock they keep the order they ran in. A
//! stage the dir's name does not name is named after its load either way
//! (`summary::DirSummaries::finish`).

use crate::model::{Source, Stage};

use super::stages::StagePlan;

/// Stages of one dir's summaries at several loads (`ab -c2`, `ab -c8`, `ab -c40`
/// beside each other): without clock times nothing says which ran first, so they go
/// in the order of their users, as a stepped run does. Where the dir's name names no
/// stage (a run dir, not `03_peak_1000users`), each is named after its load as a
/// plateau is: `<users>_users`, or `DIR/<users>_users` in a dir of stage dirs.
pub(super) fn by_users(src: &mut Source, plan: &StagePlan) {
    if src.stages.len() < 2 {
        return;
    }
    // On the clock (ab's `-g` files), they stay in the order they ran.
    if src.stages.iter().all(|s| s.window_ms.is_none()) {
        src.stages.sort_by_key(|s| s.users.unwrap_or(u32::MAX));
        // Open-model runs (httperf `--rate`, wrk2 `-R`) by their planned rate (a stable
        // sort: users first).
        src.stages
            .sort_by(|a, b| rate_key(a).total_cmp(&rate_key(b)));
    }
    let StagePlan::Detect {
        fallback,
        stage_dir,
    } = plan
    else {
        return;
    };
    for stage in src.stages.iter_mut().filter(|s| s.name == *fallback) {
        let load = match (stage.users, stage.arrival_rate_rps) {
            (Some(users), _) => format!("{users}_users"),
            (None, Some(rate)) if rate.fract() == 0.0 => format!("{rate:.0}_rps"),
            (None, Some(rate)) => format!("{rate:.1}_rps"),
            (None, None) => continue,
        };
        stage.name = match stage_dir {
            true => format!("{fallback}/{load}"),
            false => load,
        };
    }
}

/// A stage's planned rate for ordering: none last.
fn rate_key(stage: &Stage) -> f64 {
    match stage.users {
        Some(_) => 0.0,
        None => stage.arrival_rate_rps.unwrap_or(f64::INFINITY),
    }
}
