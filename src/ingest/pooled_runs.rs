//! Whole-run summaries of one tool at the same load in one dir (`ab -c 10` run twice,
//! each console saved) are pooled as runs one after another (`summary::DirSummaries`).
//! That is right for repeats that measured the same thing; it is wrong for a run and
//! its rerun that disagree (the first failed, the rerun passed): pooled, their error
//! rate or mean is one that neither run measured, and it can pass a limit the failed
//! run missed. This file owns that test: two runs disagree when their error rates
//! differ by at least a percentage point and beyond chance (a two-proportion z of 3 or
//! more), or their mean latencies by a factor of 2 or more; the problem names both
//! files.
//!
//! It also owns the test that two runs at one concurrency are no repeats at all: runs
//! paced at steps of a rate (`for r in 50 100 200; do autocannon -c 20 -R $r …`, wrk2's
//! or hey's `-q` in a loop) keep their connections but not their load. Their
//! throughputs differ by 1.5× or more while, by Little's law (throughput × mean
//! latency), the slower one kept under half its connections busy: a closed loop at that
//! concurrency would have gone faster, so something paced it. Each such run is a load
//! level of its own (`paced_apart`), never pooled into a rate no run went at.

use crate::model::untrusted::Shown;
use std::path::Path;

use super::problem;
use crate::model::{Problem, Stage};

/// The problem of pooling `later` (from file `path`) into `earlier` (from the files
/// `before`), when the two runs disagree.
pub fn disagreement(
    earlier: &Stage,
    before: &[&Path],
    later: &Stage,
    path: &Path,
) -> Option<Problem> {
    let (n1, f1) = (earlier.requests(), earlier.failures());
    let (n2, f2) = (later.requests(), later.failures());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (p1, p2) = (f1 as f64 / n1 as f64, f2 as f64 / n2 as f64);
    let pooled = (f1 + f2) as f64 / (n1 + n2) as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    let errors_differ = (p1 - p2).abs() >= 0.01 && se > 0.0 && (p1 - p2).abs() / se >= 3.0;
    let (m1, m2) = (mean_ms(earlier), mean_ms(later));
    let means_differ = match (m1, m2) {
        (Some(a), Some(b)) if a > 0.0 && b > 0.0 => a.max(b) / a.min(b) >= 2.0,
        _ => false,
    };
    if !errors_differ && !means_differ {
        return None;
    }
    let shown = |n: u64, f: u64, m: Option<f64>| {
        format!(
            "{f} of {n} failed ({:.1}%){}",
            100.0 * f as f64 / n as f64,
            m.map_or(String::new(), |m| format!(", mean {m:.1} ms"))
        )
    };
    let names: Vec<String> = before.iter().map(|p| p.shown().to_string()).collect();
    Some(problem(
        path,
        None,
        format!(
            "{} {} (stage {}): that run {}, this one {}; read as runs one after another \
             they are pooled into {:.1}% failed, a figure neither run measured; give each run \
             its own dir (or move the one not to judge out of this one)",
            crowded(earlier, later).unwrap_or_else(|| "another run at the same load as".into()),
            names.join(", "),
            earlier.name,
            shown(n1, f1, m1),
            shown(n2, f2, m2),
            100.0 * pooled
        ),
    ))
}

/// How two runs at the same users (`earlier`, `later`) are told apart when one kept
/// more than 1.5× its users in flight (Little's law: throughput × mean latency) and
/// the two kept 1.5× or more apart: its users each sent several requests at once
/// (h2load's `-m` streams per client, pipelining), so the users alone do not give the
/// load; `None` otherwise.
fn crowded(earlier: &Stage, later: &Stage) -> Option<String> {
    let users = f64::from(earlier.users.filter(|u| *u > 0)?);
    let busy = |s: &Stage| Some(rate(s)? * mean_ms(s)? / 1000.0);
    let (b1, b2) = (busy(earlier)?, busy(later)?);
    let apart = b1.min(b2) > 0.0 && b1.max(b2) / b1.min(b2) >= 1.5;
    (apart && b1.max(b2) > 1.5 * users).then(|| {
        format!(
            "another run at the same {users} users but not the same load: it kept ≈ {b2:.1} \
             requests in flight (throughput × mean latency), that run ≈ {b1:.1}, more than \
             one per user (several at once each: h2load's `-m`, pipelining), so each is a load \
             of its own, not a rerun of"
        )
    })
}

/// A stage's mean latency: its aggregate's, or its one endpoint's.
fn mean_ms(stage: &Stage) -> Option<f64> {
    if let Some(a) = &stage.aggregate {
        return a.latency.mean_ms();
    }
    let mut eps = stage.endpoints.values().filter(|e| !e.transaction);
    match (eps.next(), eps.next()) {
        (Some(e), None) => e.latency.mean_ms(),
        _ => None,
    }
}

/// Two summaries' stages at the same load: the same name and users, planned arrival
/// rates within 1 % of each other when both have one, and not paced at rates apart
/// (`pooled_runs::paced_apart`: `autocannon -R` steps at one `-c`). An open-model tool's
/// runs at other rates in one dir (`httperf --rate 100`, `--rate 400`) are stages of
/// their own, never pooled as repeats (their users are none alike).
pub fn same_load(a: &Stage, b: &Stage) -> bool {
    let rates = match (a.arrival_rate_rps, b.arrival_rate_rps) {
        (Some(x), Some(y)) => (x - y).abs() <= 0.01 * x.abs().max(y.abs()),
        _ => true,
    };
    same_users(a, b) && rates && !paced_apart(a, b)
}

/// The same name and users (the load, unless an arrival rate or pacing tells apart).
fn same_users(a: &Stage, b: &Stage) -> bool {
    a.name == b.name && a.users == b.users
}

/// True when `earlier` and `later` (one tool's runs at the same users) went at rates
/// 1.5× or more apart and the slower one kept under half its users busy (Little's law:
/// its throughput × mean latency): paced at different rates. Runs without a duration, a
/// mean or users are never told apart so.
pub fn paced_apart(earlier: &Stage, later: &Stage) -> bool {
    let Some(users) = earlier.users.filter(|u| *u > 0 && later.users == Some(*u)) else {
        return false;
    };
    let (Some(r1), Some(r2)) = (rate(earlier), rate(later)) else {
        return false;
    };
    let slower = if r1 <= r2 { earlier } else { later };
    let busy = mean_ms(slower).map(|m| r1.min(r2) * m / 1000.0);
    r1.max(r2) / r1.min(r2) >= 1.5 && busy.is_some_and(|b| b < f64::from(users) / 2.0)
}

/// A stage's throughput (requests ÷ its duration), when positive.
fn rate(s: &Stage) -> Option<f64> {
    let d = s.duration_s().filter(|d| *d > 0.0)?;
    Some(s.requests() as f64 / d).filter(|r| *r > 0.0)
}

/// Runs of `tool` paced apart (`paced_apart`) are the stages left sharing a name and
/// users: their connections are no users then (as with a rate the file names), and a
/// note per stage name gives the rates they went at.
pub fn unpool_paced(tool: &str, stages: &mut [Stage], notes: &mut Vec<String>) {
    let keys: Vec<(String, Option<u32>)> =
        stages.iter().map(|s| (s.name.clone(), s.users)).collect();
    let mut said: Vec<String> = Vec::new();
    for (name, users) in &keys {
        let alike = |s: &&mut Stage| s.name == *name && s.users == *users;
        let group: Vec<&mut Stage> = stages.iter_mut().filter(alike).collect();
        let (Some(u), true) = (users, group.len() > 1) else {
            continue;
        };
        let rates: Vec<String> = group
            .iter()
            .map(|s| rate(s).map_or("?".into(), |r| format!("{r:.1}")))
            .collect();
        for s in group {
            s.users = None;
        }
        said.push(format!(
            "{} {tool} runs of stage {name} at the same {u} connections went at {} req/s, \
             most of their connections idle (throughput × mean latency under half of them): \
             paced at different rates (`autocannon -R`, `wrk2 -R`, `hey -q` in a loop), so \
             each is a load level of its own, not a repeat to pool; their connections only \
             cap what is in flight (no users), and the rate each was paced at is not in the \
             files",
            rates.len(),
            rates.join(", ")
        ));
    }
    notes.extend(said);
}
