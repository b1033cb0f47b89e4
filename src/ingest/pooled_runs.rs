//! Whole-run summaries of one tool at the same load in one dir (`ab -c 10` run twice,
//! each console saved) are pooled as runs one after another (`summary::DirSummaries`).
//! That is right for repeats that measured the same thing; it is wrong for a run and
//! its rerun that disagree (the first failed, the rerun passed): pooled, their error
//! rate or mean is one that neither run measured, and it can pass a limit the failed
//! run missed. This file owns that test: two runs disagree when their error rates
//! differ by at least a percentage point and beyond chance (a two-proportion z of 3 or
//! more), or their mean latencies by a factor of 2 or more; the problem names both
//! files.

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
    let names: Vec<String> = before.iter().map(|p| p.display().to_string()).collect();
    Some(problem(
        path,
        None,
        format!(
            "another run at the same load as {} (stage {}): that run {}, this one {}; read as \
             runs one after another they are pooled into {:.1}% failed, a figure neither run \
             measured; give each run its own dir (or move the one not to judge out of this one)",
            names.join(", "),
            earlier.name,
            shown(n1, f1, m1),
            shown(n2, f2, m2),
            100.0 * pooled
        ),
    ))
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
