//! Which stages form one load curve. Capacity reads goodput and latency against load,
//! so its points must have measured the same requests: a stage that requested other
//! endpoints (siege's `GET /agents` in `baseline/`, its `POST /agents/run` in
//! `peak/`), or the same ones in a very different mix (more than [`MIX_DISTANCE`] of
//! its requests on other routes), measured another service's curve, and its lower
//! goodput is no plateau or retrograde of the first. The stages are grouped by what
//! they requested; capacity is assessed on the group with the most load levels (then
//! the most requests), and the others are named as left out, with what each
//! requested. A stage whose requests are unknown (its tool names none: an endpoint
//! named after its file) may be any request, so it never tells curves apart and stays
//! on the curve; one with no endpoints of its own whose run's whole figures name them
//! (`Stage::whole_run`) requested those.

use std::collections::BTreeMap;
use std::path::Path;

use super::breaking_points::fmt_users;
use super::headroom::join_words;
use super::load_points::LoadPoint;
use crate::analysis::words::ticked;
use crate::model::Stage;

/// The share of requests (total variation distance between two stages' route mixes)
/// past which two stages measured different requests, not one curve at two loads.
pub const MIX_DISTANCE: f64 = 0.25;

/// The stages left out of the load curve, by index into the stages, and why.
#[derive(Debug, Default)]
pub struct Curve {
    /// Indices (into the stages given) of the stages left out.
    pub left_out: Vec<usize>,
    /// Why, naming each left-out stage and what it requested; `None` when none is.
    pub note: Option<String>,
}

/// A stage with a load, its load and what it requested.
struct Member {
    index: usize,
    name: String,
    users: f64,
    requests: u64,
    mix: BTreeMap<String, u64>,
}

/// Half the summed differences of the two mixes' route shares: 0 for one mix, 1 for
/// disjoint routes.
fn distance(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> f64 {
    let (ta, tb) = (
        a.values().sum::<u64>().max(1) as f64,
        b.values().sum::<u64>().max(1) as f64,
    );
    let share =
        |m: &BTreeMap<String, u64>, t: f64, k: &String| m.get(k).copied().unwrap_or(0) as f64 / t;
    let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
    keys.map(|k| (share(a, ta, k) - share(b, tb, k)).abs())
        .sum::<f64>()
        / 2.0
}

/// Groups of stages that requested the same (each within [`MIX_DISTANCE`] of every
/// other in its group), in stage order.
fn groups(members: Vec<Member>) -> Vec<Vec<Member>> {
    let mut out: Vec<Vec<Member>> = Vec::new();
    for m in members {
        let home =
            (out.iter_mut()).find(|g| g.iter().all(|o| distance(&o.mix, &m.mix) <= MIX_DISTANCE));
        match home {
            Some(g) => g.push(m),
            None => out.push(vec![m]),
        }
    }
    out
}

fn levels(group: &[Member]) -> usize {
    let mut users: Vec<f64> = group.iter().map(|m| m.users).collect();
    users.sort_by(f64::total_cmp);
    users.dedup();
    users.len()
}

/// What a group requested, in words: its routes by share (at most three named).
fn requested(group: &[Member]) -> String {
    let mut mix: BTreeMap<&str, u64> = BTreeMap::new();
    for m in group {
        for (route, n) in &m.mix {
            *mix.entry(route.as_str()).or_insert(0) += n;
        }
    }
    let total = mix.values().sum::<u64>().max(1) as f64;
    let mut routes: Vec<(&str, u64)> = mix.into_iter().collect();
    routes.sort_by_key(|r| std::cmp::Reverse(r.1));
    if routes.len() == 1 {
        return ticked(routes[0].0);
    }
    let named: Vec<String> = (routes.iter().take(3))
        .map(|(r, n)| format!("{} {:.0}%", ticked(r), 100.0 * *n as f64 / total))
        .collect();
    let more = routes.len().saturating_sub(3);
    if more > 0 {
        format!("{} and {more} more", named.join(", "))
    } else {
        named.join(", ")
    }
}

fn stages_at(group: &[Member]) -> String {
    let named: Vec<String> = (group.iter())
        .map(|m| format!("{} ({} users)", ticked(&m.name), fmt_users(m.users)))
        .collect();
    join_words(&named)
}

/// Whose endpoints say what `s` requested: its own, or its run's whole figures when it
/// judges its endpoints on them and other runs' stages share its source
/// (`whole_run`: Locust's `--csv a` and `--csv b` in one dir, each a history of
/// Aggregated rows beside a stats file).
fn requested_by(s: &Stage) -> &Stage {
    match (&s.endpoints_whole_run, &s.whole_run) {
        (Some(_), Some(whole)) if s.endpoints.is_empty() => whole,
        _ => s,
    }
}

/// The stages of `stages` off the load curve: `points` are their load points (any
/// order; a stage is matched to its point by name and load), `files` the run's
/// inputs (an endpoint named after one is no request).
pub fn one_curve(stages: &[Stage], points: &[LoadPoint], files: &[&Path]) -> Curve {
    let members: Vec<Member> = (stages.iter().enumerate())
        .filter_map(|(index, s)| {
            let p = points.iter().find(|p| {
                p.stage == s.name
                    && (s.users.is_none_or(|u| f64::from(u) == p.users)
                        && s.arrival_rate_rps == p.arrival_rate_rps)
            })?;
            Some(Member {
                index,
                name: s.name.clone(),
                users: p.users,
                requests: p.requests,
                mix: requested_by(s).route_mix(files)?,
            })
        })
        .collect();
    let mut groups = groups(members);
    if groups.len() < 2 {
        return Curve::default();
    }
    // The curve: the most load levels, then the most requests, then the first.
    let best = (0..groups.len())
        .max_by(|&a, &b| {
            let key = |g: &[Member]| (levels(g), g.iter().map(|m| m.requests).sum::<u64>());
            key(&groups[a]).cmp(&key(&groups[b])).then(b.cmp(&a))
        })
        .unwrap_or(0);
    let curve = groups.remove(best);
    let mut left_out: Vec<usize> = groups.iter().flatten().map(|m| m.index).collect();
    left_out.sort_unstable();
    let curve_routes: Vec<&String> = curve.iter().flat_map(|m| m.mix.keys()).collect();
    let others: Vec<String> = (groups.iter())
        .map(|g| {
            let routes = g.iter().flat_map(|m| m.mix.keys());
            let how = if routes.clone().any(|r| curve_routes.contains(&r)) {
                "another mix of endpoints"
            } else {
                "other endpoints"
            };
            format!("{} requested {how} ({})", stages_at(g), requested(g))
        })
        .collect();
    let note = format!(
        "capacity is assessed on {}, which requested {}; {}: stages that measured different \
         requests are no points of one load curve (their goodput and latency differ by what \
         was requested, not only by load), so these are left out of the capacity analysis; \
         run every load level on the same requests to compare them",
        stages_at(&curve),
        requested(&curve),
        others.join("; ")
    );
    Curve {
        left_out,
        note: Some(note),
    }
}
