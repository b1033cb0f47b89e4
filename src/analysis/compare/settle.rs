//! What would settle a comparison that is neither a regression nor a pass: the
//! advice after NOT A PASS, from the comparison's own figures. A baseline stage the
//! candidate lacks, an untrusted run, a stage compared only as a whole, or stages
//! measured at another load or by another tool are each named with their remedy;
//! a metric the statistics left open gets the run length (one run a side) or the
//! number of runs a side (repeats) that would narrow its interval enough, assuming
//! the interval narrows as 1/√n and Δ stays where it is.

use super::matching::Unmatched;
use super::outcome::{open_worse, scale, unsettled, Outcome};
use super::stats::Method;
use super::untrusted::UntrustedRun;
use super::verdict::{Comparison, Metric, Undecided, Verdict};
use super::Mode;

/// Fewest runs a side with which a repeats comparison can show anything (Mann–Whitney
/// with 3 a side cannot reach p < 0.10).
const FEWEST_SHOWING: usize = 4;
/// Past this many times the data, more of the same is no plan.
const MOST_TIMES: f64 = 100.0;

/// The factor by which `c`'s sample (run length, or runs a side) must grow for its
/// interval to settle it: to clear 0 when Δ is beyond its floor the wrong way (if Δ
/// holds), else to keep its wrong-way end within the floor if the true change is 0
/// (an equivalence test's planning). `None` when its interval or baseline gives
/// nothing to scale.
fn growth(c: &Comparison) -> Option<f64> {
    let (Some(b), Some(d), [Some(lo), Some(hi)]) = (c.baseline, c.delta, c.ci) else {
        return None;
    };
    let scale = scale(c.metric, b);
    if scale <= 0.0 {
        return None;
    }
    let half = (hi - lo) / 2.0 / scale;
    let floor = c.floor_pct / 100.0;
    let worse = match c.metric.higher_is_worse() {
        true => d / scale,
        false => -d / scale,
    };
    let room = if worse > floor { worse } else { floor };
    (room > 0.0 && half > 0.0).then(|| (half / room).powi(2).max(1.0))
}

/// One sentence per cause, in the order a reader acts on them.
pub fn advice(
    mode: Mode,
    outcome: Outcome,
    (base_runs, cand_runs): (usize, usize),
    comparisons: &[Comparison],
    unmatched: &[Unmatched],
    (untrusted, failed): (&[UntrustedRun], &[super::failed::FailedRun]),
    whole_only: bool,
) -> Option<String> {
    if !matches!(outcome, Outcome::Inconclusive | Outcome::PossiblyWorse) {
        return None;
    }
    let mut says: Vec<String> = Vec::new();
    let missing: Vec<&str> = (unmatched.iter())
        .filter(|u| u.kind == "stage" && u.baseline_only)
        .map(|u| u.name.as_str())
        .collect();
    if !missing.is_empty() {
        says.push(format!(
            "the candidate has no stage {} of the baseline: run it there too",
            missing.join(", ")
        ));
    }
    if let Some(u) = untrusted.first() {
        says.push(format!(
            "run {} has data that withholds a verdict ({}): fix or rerun it",
            u.origin,
            u.reason.as_deref().unwrap_or("see untrusted")
        ));
    }
    says.extend(super::failed::advice(failed));
    if whole_only {
        says.push("keep each endpoint's figures in both runs (a stage compared only as a whole can hide one endpoint's change)".into());
    }
    let apart = (comparisons.iter())
        .any(|c| matches!(c.reason, Some(Undecided::OtherLoad | Undecided::OtherTool)));
    if apart {
        // With repeats the odd run may be on either side: the notes name it.
        says.push(match mode {
            Mode::Repeats => "measure every run of both sides at one load with one tool: \
                              rerun the runs the notes name as apart"
                .into(),
            _ => "rerun the candidate at the baseline's load with the baseline's tool (see \
                  the notes)"
                .into(),
        });
    }
    // Another load or tool is settled by matching them (said above), not by more
    // of the same data: "about 4 runs a side would settle it (now 4 and 4)".
    let open: Vec<&Comparison> = (comparisons.iter())
        .filter(|c| open_worse(c) || unsettled(c))
        .filter(|c| !matches!(c.reason, Some(Undecided::OtherLoad | Undecided::OtherTool)))
        .collect();
    if let Some(s) = more_data(mode, (base_runs, cand_runs), &open) {
        says.push(s);
    }
    if says.is_empty() {
        says.push(nothing_shown(comparisons));
    }
    Some(says.join("; "))
}

/// How much more data would settle the widest of `open`, with the figures that say so.
fn more_data(
    mode: Mode,
    (base_runs, cand_runs): (usize, usize),
    open: &[&Comparison],
) -> Option<String> {
    let first = open.first()?;
    // A rate's interval comes from a few per-second rates of a short run (Student's t
    // on few degrees of freedom), which more data narrows faster than 1/√n: scaled
    // from the latencies and error rates when any is open.
    let rate = |c: &&Comparison| matches!(c.metric, Metric::Throughput | Metric::Goodput);
    let pool: Vec<&Comparison> = match open.iter().all(rate) {
        true => open.to_vec(),
        false => open.iter().filter(|c| !rate(c)).copied().collect(),
    };
    let widest = (pool.iter())
        .filter_map(|c| growth(c).map(|g| (g, *c)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let runs = base_runs.min(cand_runs).max(1);
    let Some((k, c)) = widest else {
        return Some(match mode {
            Mode::Repeats if runs < FEWEST_SHOWING => format!(
                "{} of {} has no bounded interval with {runs} runs a side: {FEWEST_SHOWING}+ runs a side",
                first.metric.name(),
                first.endpoint
            ),
            _ => format!(
                "{} of {} has no bounded interval: run longer, or repeat each side {FEWEST_SHOWING}+ times",
                first.metric.name(),
                first.endpoint
            ),
        });
    };
    let why = format!(
        "{} of {} moved {}, interval to {} of its baseline against a {}% floor",
        c.metric.name(),
        c.endpoint,
        c.delta_pct.map_or("—".into(), |p| format!("{p:+.1}%")),
        super::outcome::reach(c),
        c.floor_pct
    );
    if matches!(c.method, Method::Reported | Method::SummaryWelch) {
        return Some(format!(
            "{why}: a tool's summary counts as 2 independent requests a second of its run; keep its per-request output (hey -o csv, ab -g, h2load --log-file, a JTL), or run about {:.0}× as long a side",
            k.ceil().min(MOST_TIMES)
        ));
    }
    if k > MOST_TIMES {
        return Some(format!(
            "{why}: over {MOST_TIMES:.0}× the data a side would be needed — the noise of this measurement is wider than the floor; measure at a steadier load or set a floor it can show (--threshold)"
        ));
    }
    Some(match mode {
        Mode::Repeats => {
            let need = ((runs as f64 * k).ceil() as usize).max(FEWEST_SHOWING);
            format!("{why}: about {need} runs a side would settle it (now {base_runs} and {cand_runs})")
        }
        _ => format!(
            "{why}: about {:.0}× as long a run a side would settle it (or repeat each side {FEWEST_SHOWING}+ times to see the run-to-run spread)",
            k.ceil()
        ),
    })
}

/// The advice when nothing was left open yet nothing was shown unchanged.
fn nothing_shown(comparisons: &[Comparison]) -> String {
    let bare = comparisons
        .iter()
        .any(|c| c.verdict == Verdict::Inconclusive && c.ci == [None, None]);
    if bare {
        "nothing was shown unchanged: a summary's throughput and mean have no interval; keep per-request output (hey -o csv, a JTL, Locust's CSVs) or run longer".into()
    } else {
        "nothing was shown unchanged beyond error rates at 0 and rates the run fixed: compare a latency over more requests".into()
    }
}
