//! The headline of a comparison — what a release manager (or a CI script reading
//! compare.json's `outcome`) acts on — and its one-line wording. REGRESSED needs a
//! shown regression; NO REGRESSION and IMPROVED need evidence that the candidate is
//! no worse: no gating metric left open with a change the wrong way beyond its noise
//! floor, and some metric shown unchanged that the run's design did not fix (an
//! endpoint's throughput in a fixed-rate run is the rate asked for, whatever the
//! release did; error rates at 0 on both sides say nothing about latency), no metric
//! left open by its statistics whose interval reaches beyond its floor the wrong way
//! (an equivalence reading: +3 % with an interval reaching +25 % cannot show the
//! candidate no worse), and no baseline stage missing in the candidate. Anything
//! else is INCONCLUSIVE, naming the metrics that kept it from a pass.

use serde::Serialize;

use super::verdict::{Comparison, Metric, Undecided, Verdict};
use super::{Counts, RunRef};
use crate::analysis::words::ticked;

/// The headline's outcome, as compare.json's `outcome` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Some metric regressed (significant and beyond its floor).
    Regressed,
    /// Nothing shown worse, but a change the wrong way beyond its floor with an
    /// interval clear of 0 was not significant (or a run-wide mean rose).
    PossiblyWorse,
    /// Nothing shown either way: not a pass.
    Inconclusive,
    /// Something improved and nothing is left open the wrong way.
    Improved,
    /// Shown unchanged within the noise floors.
    NoRegression,
    /// Not shown regressed, but a candidate run breaks `compare --sla`'s rules (a
    /// fail-severity rule fails, as `check` judges it): no pass.
    BreaksSla,
}

impl Outcome {
    /// The headline's words.
    pub fn head(self) -> &'static str {
        match self {
            Outcome::Regressed => "REGRESSED",
            Outcome::PossiblyWorse => "INCONCLUSIVE, possibly worse",
            Outcome::Inconclusive => "INCONCLUSIVE",
            Outcome::Improved => "IMPROVED, no regression",
            Outcome::NoRegression => "NO REGRESSION",
            Outcome::BreaksSla => "BREAKS THE SLA",
        }
    }

    /// True when the comparison shows the candidate no worse: the only outcomes a
    /// release gate may take as a pass.
    pub fn passes(self) -> bool {
        matches!(self, Outcome::Improved | Outcome::NoRegression)
    }
}

/// The size a change of `metric` is measured against (`verdict::decide` measures by
/// it): the baseline value; error rates against at least 1%.
pub(super) fn scale(metric: Metric, baseline: f64) -> f64 {
    match metric {
        Metric::ErrorRate => baseline.abs().max(0.01),
        _ => baseline.abs(),
    }
}

/// True when `c` was left `inconclusive` by its statistics, or because the sides were
/// measured by other tools at one load (not for too few samples or another load: those
/// are named apart, and a load's doing is no release's), with a change the wrong way
/// beyond its noise floor. Another tool decides nothing, but an error rate going from
/// 0 to 96 % is still no pass to hide.
pub(super) fn open_worse(c: &Comparison) -> bool {
    let (Some(d), Some(b)) = (c.delta, c.baseline) else {
        return false;
    };
    let worse = d != 0.0 && (d > 0.0) == c.metric.higher_is_worse();
    let beyond = d.abs() > c.floor_pct / 100.0 * scale(c.metric, b);
    let statistics = matches!(
        c.reason,
        None | Some(Undecided::OtherTool | Undecided::FailuresUnseen(_))
    );
    c.verdict == Verdict::Inconclusive && statistics && worse && beyond
}

/// True when `c` is [`open_worse`] with its interval clear of 0 on the worse side: a
/// change the data shows but the test across endpoints (Benjamini–Hochberg) or too
/// few repeats cannot call significant.
pub(super) fn maybe_worse(c: &Comparison) -> bool {
    let shown = match c.metric.higher_is_worse() {
        true => c.ci[0].is_some_and(|lo| lo > 0.0),
        false => c.ci[1].is_some_and(|hi| hi < 0.0),
    };
    open_worse(c) && shown
}

/// True when `c` was left `inconclusive` by its statistics alone (no other reason)
/// with Δ within its floor, but its 95% interval reaches beyond the floor the wrong
/// way (or without end that way): the data cannot show the candidate is no worse
/// there — p95 +3 % with an interval reaching +25 % may be a 25 % slowdown. A
/// metric without any interval (a summary's throughput or mean) has none to read.
pub(super) fn unsettled(c: &Comparison) -> bool {
    let Some(b) = c.baseline else {
        return false;
    };
    if c.verdict != Verdict::Inconclusive || c.reason.is_some() || open_worse(c) {
        return false;
    }
    let limit = c.floor_pct / 100.0 * scale(c.metric, b);
    match (c.ci, c.metric.higher_is_worse()) {
        ([None, None], _) => false,
        ([_, hi], true) => hi.is_none_or(|hi| hi > limit),
        ([lo, _], false) => lo.is_none_or(|lo| lo < -limit),
    }
}

/// How far `c`'s interval reaches the wrong way, percent of its baseline (its error
/// rate's scale): `+13.8%`, or `without end`.
pub(super) fn reach(c: &Comparison) -> String {
    let end = match c.metric.higher_is_worse() {
        true => c.ci[1],
        false => c.ci[0],
    };
    match (end, c.baseline) {
        (Some(e), Some(b)) if scale(c.metric, b) > 0.0 => {
            // Past the floor, so never shown as the floor itself (+5.04 % of a 5 %
            // floor is `+5.04%`, not `+5.0%`).
            let pct = e / scale(c.metric, b) * 100.0;
            match (format!("{pct:+.1}").parse::<f64>()).is_ok_and(|r| r.abs() <= c.floor_pct) {
                true => format!("{pct:+.2}%"),
                false => format!("{pct:+.1}%"),
            }
        }
        _ => "without end".into(),
    }
}

/// True when `c` is evidence that nothing changed: shown unchanged, and neither error
/// rates at 0 on both sides nor an endpoint's throughput or goodput (fixed by the
/// run's design in an open-model or rate-limited run — wrk2, `hey -q`, Locust's
/// constant throughput, `drive`'s arrival rate — and so no sign of the release).
fn evidence(c: &Comparison) -> bool {
    let no_failures =
        c.metric == Metric::ErrorRate && c.baseline == Some(0.0) && c.candidate == Some(0.0);
    let rate = matches!(c.metric, Metric::Throughput | Metric::Goodput) && c.endpoint != "(run)";
    c.verdict == Verdict::Unchanged && !no_failures && !rate
}

/// The outcome, and the metrics its wording names (worst first, as sorted).
fn decide(
    comparisons: &[Comparison],
    counts: Counts,
    (withheld, hidden_worse, missing): (bool, bool, bool),
) -> (Outcome, Vec<&Comparison>) {
    let pick = |f: fn(&Comparison) -> bool| comparisons.iter().filter(|c| f(c)).collect();
    let maybe: Vec<&Comparison> = pick(maybe_worse);
    if counts.regressed > 0 {
        return (
            Outcome::Regressed,
            pick(|c| c.verdict == Verdict::Regressed),
        );
    }
    if !maybe.is_empty() || hidden_worse {
        return (Outcome::PossiblyWorse, maybe);
    }
    let open: Vec<&Comparison> = pick(open_worse);
    if !open.is_empty() {
        return (Outcome::Inconclusive, open);
    }
    let unsure: Vec<&Comparison> = pick(unsettled);
    if withheld || missing || !unsure.is_empty() {
        return (Outcome::Inconclusive, unsure);
    }
    if !comparisons.iter().any(evidence) {
        return (Outcome::Inconclusive, Vec::new());
    }
    let head = if counts.improved > 0 {
        Outcome::Improved
    } else {
        Outcome::NoRegression
    };
    (head, Vec::new())
}

/// `REGRESSED: 1.1.0 vs 1.0.0 (p95 of GET /a +15.2% …) — 2 regressed, …`, with its
/// outcome. A run whose data is `withheld` (see `untrusted`), a stage compared
/// only as a whole (see `whole`), or a baseline stage the candidate lacks
/// (`missing`) turns NO REGRESSION and IMPROVED into INCONCLUSIVE; an endpoint whose
/// run-wide mean rose beyond its floor there (`hidden_worse`) makes it possibly worse.
pub fn headline(
    base: &RunRef,
    cands: &[RunRef],
    comparisons: &[Comparison],
    counts: Counts,
    flags: (bool, bool, bool),
) -> (Outcome, String) {
    let labels: Vec<&str> = cands.iter().map(|c| c.label.as_str()).collect();
    let (outcome, named) = decide(comparisons, counts, flags);
    let shown = named.len();
    // A run's capacity rows have no stage.
    let mut stages = (comparisons.iter()).filter(|c| !c.stage.is_empty());
    let first = stages.next().map(|c| &c.stage);
    let several_stages = stages.any(|c| Some(&c.stage) != first);
    let worst: Vec<String> = named
        .iter()
        .take(3)
        .map(|c| {
            let pct = c
                .delta_pct
                .map_or("new".to_string(), |p| format!("{p:+.1}%"));
            let reach = match unsettled(c) {
                true => format!(", interval to {}", reach(c)),
                false => String::new(),
            };
            // With several stages, the stage too: which load it moved at.
            let at = match several_stages && !c.stage.is_empty() {
                true => format!(" at {}", ticked(&c.stage)),
                false => String::new(),
            };
            format!("{} of {}{at} {pct}{reach}", c.metric.name(), c.endpoint)
        })
        .collect();
    let detail = if worst.is_empty() {
        String::new()
    } else {
        let more = shown.saturating_sub(worst.len());
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        // An open change is named with why it decides nothing either way.
        let apart = named.iter().any(|c| c.reason == Some(Undecided::OtherTool));
        let blind = (named.iter()).any(|c| matches!(c.reason, Some(Undecided::FailuresUnseen(_))));
        let why = if apart {
            ": worse beyond the noise floor, but the sides were measured by other tools (see \
             the notes) — not the release's change alone"
        } else if blind {
            ": worse than the baseline shows, but the baseline's tool leaves failures out (see \
             each metric's reason) — not shown against what it left out"
        } else if outcome == Outcome::Inconclusive && named.iter().all(|c| unsettled(c)) {
            ": not shown worse, but the interval reaches beyond the noise floor the wrong \
             way — the data cannot show the candidate is no worse"
        } else if outcome == Outcome::Inconclusive {
            ": worse beyond the noise floor, but the interval reaches 0 — not shown either way"
        } else {
            ""
        };
        format!(" ({}{tail}{why})", worst.join(", "))
    };
    let line = format!(
        "{}: {} vs {}{detail} — {} regressed, {} improved, {} unchanged, {} inconclusive",
        outcome.head(),
        labels.join(", "),
        base.label,
        counts.regressed,
        counts.improved,
        counts.unchanged,
        counts.inconclusive
    );
    (outcome, line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `compare`'s test comparison of `metric` (p95 20 → 21 ms, +5 %), with `verdict`.
    fn comparison(metric: Metric, verdict: Verdict) -> Comparison {
        Comparison {
            verdict,
            ..crate::analysis::compare::tests::comparison(metric, None)
        }
    }

    #[test]
    fn only_a_shown_change_the_wrong_way_is_possibly_worse() {
        let mut c = comparison(Metric::P95, Verdict::Inconclusive);
        // +10 % (floor 5 %), interval [+0.5, +1.5]: clear of 0, not significant.
        c.delta = Some(2.0);
        c.delta_pct = Some(10.0);
        assert!(maybe_worse(&c));
        // The same with an interval reaching 0, or none (a summary): not shown, but
        // still open the wrong way.
        c.ci = [Some(-0.5), Some(4.0)];
        assert!(!maybe_worse(&c) && open_worse(&c));
        c.ci = [None, None];
        assert!(!maybe_worse(&c) && open_worse(&c));
        // Faster is not worse; within the floor is not a change.
        c.ci = [Some(-1.5), Some(-0.5)];
        c.delta = Some(-2.0);
        assert!(!maybe_worse(&c) && !open_worse(&c));
        c.ci = [Some(0.1), Some(1.5)];
        c.delta = Some(0.8);
        assert!(!maybe_worse(&c) && !open_worse(&c));
    }

    #[test]
    fn a_rate_fixed_by_the_run_is_no_evidence_and_an_open_latency_blocks_a_pass() {
        let counts = |improved| Counts {
            improved,
            unchanged: 2,
            inconclusive: 1,
            ..Counts::default()
        };
        let mut p95 = comparison(Metric::P95, Verdict::Inconclusive);
        p95.delta = Some(7.0); // +35% on 20 ms, interval reaching 0
        p95.ci = [Some(-1.0), Some(11.0)];
        let rates = [
            comparison(Metric::Throughput, Verdict::Unchanged),
            comparison(Metric::Goodput, Verdict::Unchanged),
        ];
        let mut all = vec![p95.clone()];
        all.extend(rates.iter().cloned());
        assert_eq!(
            decide(&all, counts(0), (false, false, false)).0,
            Outcome::Inconclusive
        );
        // An improved p50 beside it is no pass either.
        all.push(comparison(Metric::P50, Verdict::Improved));
        let (o, named) = decide(&all, counts(1), (false, false, false));
        assert_eq!((o, named.len()), (Outcome::Inconclusive, 1));
        // Rates alone are no evidence; a latency shown unchanged is.
        let only_rates = rates.to_vec();
        assert_eq!(
            decide(&only_rates, counts(0), (false, false, false)).0,
            Outcome::Inconclusive
        );
        let mut with_p50 = only_rates.clone();
        with_p50.push(comparison(Metric::P50, Verdict::Unchanged));
        assert_eq!(
            decide(&with_p50, counts(0), (false, false, false)).0,
            Outcome::NoRegression
        );
        // A run's capacity, unlike an endpoint's rate, is measured, not asked for.
        let mut cap = comparison(Metric::SaturationRps, Verdict::Unchanged);
        cap.endpoint = "(run)".into();
        assert_eq!(
            decide(&[cap], counts(0), (false, false, false)).0,
            Outcome::NoRegression
        );
    }

    #[test]
    fn a_change_within_the_floor_whose_interval_reaches_past_it_is_no_pass() {
        let counts = Counts {
            unchanged: 1,
            inconclusive: 1,
            ..Counts::default()
        };
        // p95 20 → 20.4 ms (+2 %), interval [-2.8, +2.8] ms: reaches +14 % of 20 ms.
        let mut p95 = comparison(Metric::P95, Verdict::Inconclusive);
        p95.delta = Some(0.4);
        p95.delta_pct = Some(2.0);
        p95.ci = [Some(-2.4), Some(2.8)];
        assert!(unsettled(&p95) && !open_worse(&p95));
        assert_eq!(reach(&p95), "+14.0%");
        let shown = comparison(Metric::P50, Verdict::Unchanged);
        let pair = [p95.clone(), shown.clone()];
        let (o, named) = decide(&pair, counts, (false, false, false));
        assert_eq!((o, named.len()), (Outcome::Inconclusive, 1));
        // Wide only the better way (down to -14 %, up to +4 %): no worse is shown.
        p95.ci = [Some(-2.8), Some(0.8)];
        assert!(!unsettled(&p95));
        let both = [p95.clone(), shown.clone()];
        assert_eq!(
            decide(&both, counts, (false, false, false)).0,
            Outcome::NoRegression
        );
        // A throughput is worse downwards; no interval at all is nothing to read.
        let mut tp = comparison(Metric::Throughput, Verdict::Inconclusive);
        tp.ci = [Some(-3.0), Some(1.0)];
        assert!(unsettled(&tp));
        tp.ci = [None, None];
        assert!(!unsettled(&tp));
        // A baseline stage the candidate lacks keeps the pass too.
        assert_eq!(
            decide(&[shown], counts, (false, false, true)).0,
            Outcome::Inconclusive
        );
    }
}
