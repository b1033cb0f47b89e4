//! Comparing runs across releases. `input` reads a run (an analysed run dir or a
//! report.json) into one model; `matching` pairs stages and endpoints; `verdict`
//! estimates every metric with the statistics of `stats` (`reported` for summaries
//! without an interval, `analysis::rounding` for how finely each tool writes them)
//! and decides
//! regressed/improved/unchanged/inconclusive; `trend` orders many releases and finds
//! level shifts; `outcome` decides the headline (what a release manager acts
//! on); `uncompared` names in the headline what was not compared or decided,
//! `untrusted` the runs whose own report withholds a decision from their data.
//! This module assembles them into the [`CompareReport`] that
//! compare.json serialises and every compare renderer reads.

pub mod baseline;
pub mod failed;
pub mod input;
pub mod matching;
pub mod metric;
pub mod outcome;
pub mod reported;
mod settle;
mod sides;
pub mod sla;
pub mod stats;
mod summary_mean;
pub mod thin;
pub mod trend;
mod uncompared;
mod undecided;
mod unmarked;
mod unseen;
pub mod untrusted;
pub mod verdict;
pub mod whole;

use serde::Serialize;

use input::CompareRun;
use matching::{StageBasis, Unmatched};
use trend::{Order, TrendSeries};
use verdict::{Comparison, Options, Thresholds, Verdict};

/// Version of the compare.json layout.
pub const COMPARE_SCHEMA_VERSION: u32 = 1;

/// What was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// One baseline run, one candidate run.
    Diff,
    /// One baseline, several candidate releases.
    Trend,
    /// Several runs of each of two releases.
    Repeats,
}

/// One side's runs, as the report names them.
#[derive(Clone, Debug, Serialize)]
pub struct RunRef {
    /// Release label.
    pub label: String,
    /// The inputs (run dirs or report.json files).
    pub runs: Vec<String>,
    /// RFC 3339 start of its (first) run.
    pub started: Option<String>,
}

impl RunRef {
    fn of(runs: &[CompareRun]) -> RunRef {
        RunRef {
            label: runs.first().map(|r| r.label.clone()).unwrap_or_default(),
            runs: runs.iter().map(|r| r.origin.clone()).collect(),
            started: runs.first().and_then(|r| r.started.clone()),
        }
    }
}

/// A pair of stages compared.
#[derive(Clone, Debug, Serialize)]
pub struct StagePairRef {
    /// Candidate label.
    pub candidate_label: String,
    /// Baseline stage.
    pub baseline_stage: String,
    /// Candidate stage.
    pub candidate_stage: String,
    /// How they were paired.
    pub basis: StageBasis,
    /// The load tool that measured the baseline stage (`wrk`, `hey`), when known.
    pub baseline_tool: Option<String>,
    /// The load tool that measured the candidate stage, when known.
    pub candidate_tool: Option<String>,
}

impl StagePairRef {
    fn of(candidate_label: &str, p: matching::PairedStages) -> StagePairRef {
        StagePairRef {
            candidate_label: candidate_label.to_string(),
            baseline_stage: p.baseline,
            candidate_stage: p.candidate,
            basis: p.basis,
            baseline_tool: p.tools.0,
            candidate_tool: p.tools.1,
        }
    }
}

/// Counts of verdicts.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Regressed.
    pub regressed: usize,
    /// Improved.
    pub improved: usize,
    /// Unchanged.
    pub unchanged: usize,
    /// Inconclusive.
    pub inconclusive: usize,
}

impl Counts {
    fn of(comparisons: &[Comparison]) -> Counts {
        let mut c = Counts::default();
        for x in comparisons {
            match x.verdict {
                Verdict::Regressed => c.regressed += 1,
                Verdict::Improved => c.improved += 1,
                Verdict::Unchanged => c.unchanged += 1,
                Verdict::Inconclusive => c.inconclusive += 1,
            }
        }
        c
    }
}

/// Everything `compare` found: compare.json's contract.
#[derive(Clone, Debug, Serialize)]
pub struct CompareReport {
    /// compare.json layout version.
    pub schema_version: u32,
    /// headroom's version.
    pub headroom: String,
    /// Diff, trend or repeats.
    pub mode: Mode,
    /// The baseline.
    pub baseline: RunRef,
    /// The candidates (repeats: one, with its runs), in release order.
    pub candidates: Vec<RunRef>,
    /// How the releases were ordered.
    pub order: Order,
    /// The headline's outcome: `regressed`, `possibly_worse`, `inconclusive`,
    /// `improved` or `no_regression`; only the last two show the candidate no worse
    /// (a gate's pass), whatever `--fail-on-regression` exits.
    pub outcome: outcome::Outcome,
    /// The verdict in one line.
    pub verdict_line: String,
    /// Verdict counts over every comparison.
    pub counts: Counts,
    /// Noise floors, percent: `default` and any set per metric.
    pub thresholds: std::collections::BTreeMap<String, f64>,
    /// Every metric compared, regressions first.
    pub comparisons: Vec<Comparison>,
    /// Stages paired, and how.
    pub stage_pairs: Vec<StagePairRef>,
    /// Stages and endpoints only one side has.
    pub unmatched: Vec<Unmatched>,
    /// Series over releases (trend mode).
    pub trend: Vec<TrendSeries>,
    /// Runs whose report withholds a decision from their data (inconsistent, simulated,
    /// incomplete): no NO REGRESSION or IMPROVED headline rests on them.
    pub untrusted: Vec<untrusted::UntrustedRun>,
    /// Stages compared only as a whole while the runs have several endpoints: a
    /// change in one endpoint can hide in them, so no NO REGRESSION or IMPROVED
    /// headline rests on them.
    pub whole_only: Vec<whole::WholeOnly>,
    /// Runs whose stage answered none of its requests (the target down): the
    /// stage's metrics decide no pass, and the advice says to rerun them.
    pub failed_runs: Vec<failed::FailedRun>,
    /// The candidate's runs judged on `--sla`'s rules as `check` judges them (empty
    /// without an SLA's rules): a NO-GO makes the outcome `breaks_sla` unless it
    /// regressed.
    pub sla: Vec<sla::SlaJudgement>,
    /// What would settle an INCONCLUSIVE headline (possibly worse or not), from the
    /// comparison's figures: a stage to run, a run to fix, the run length or runs a
    /// side that would narrow the widest open interval; null on a pass or regression.
    pub advice: Option<String>,
    /// What the reader must know.
    pub notes: Vec<String>,
}

/// Compares `baseline` with `candidates` as `mode` says: diff (one run each), trend
/// (one baseline run, candidate runs put in release order, each compared with the
/// baseline) or repeats (each side's runs are one release's samples).
pub fn compare(
    mode: Mode,
    baseline: Vec<CompareRun>,
    mut candidates: Vec<CompareRun>,
    thresholds: &Thresholds,
) -> CompareReport {
    let opts = Options { thresholds };
    let mut notes: Vec<String> = too_few_repeats(mode, baseline.len(), candidates.len());
    let mut order = Order::Given;
    let mut results = Vec::new();
    let mut trend = Vec::new();
    match mode {
        Mode::Repeats => results.push(verdict::compare_sides(&baseline, &candidates, opts)),
        Mode::Diff | Mode::Trend => {
            if mode == Mode::Trend {
                let mut all: Vec<CompareRun> =
                    baseline.iter().chain(&candidates).cloned().collect();
                order = trend::order_runs(&mut all);
                trend = trend::trends(&all);
                trend::order_runs(&mut candidates);
            }
            for c in &candidates {
                results.push(verdict::compare_sides(
                    &baseline,
                    std::slice::from_ref(c),
                    opts,
                ));
            }
        }
    }
    let candidate_refs: Vec<RunRef> = match mode {
        Mode::Repeats => vec![RunRef::of(&candidates)],
        _ => candidates
            .iter()
            .map(|c| RunRef::of(std::slice::from_ref(c)))
            .collect(),
    };
    let mut comparisons = Vec::new();
    let mut unmatched = Vec::new();
    let mut stage_pairs = Vec::new();
    notes.extend(once_each(&results, &candidate_refs));
    let failed_runs = failed::once(results.iter().flat_map(|r| r.failed.iter().cloned()));
    for (r, c) in results.into_iter().zip(&candidate_refs) {
        comparisons.extend(r.comparisons);
        unmatched.extend(r.unmatched);
        stage_pairs.extend(
            r.stage_pairs
                .into_iter()
                .map(|p| StagePairRef::of(&c.label, p)),
        );
    }
    notes.extend(report_notes(
        mode,
        (baseline.len(), candidates.len()),
        stage_pairs.is_empty(),
        &comparisons,
    ));
    sort_comparisons(&mut comparisons);
    let counts = Counts::of(&comparisons);
    let base_ref = RunRef::of(&baseline);
    let untrusted = untrusted::untrusted(&baseline, &candidates);
    notes.extend(untrusted::note(&untrusted));
    let whole_only = whole::found(
        &baseline,
        &candidates,
        mode == Mode::Repeats,
        &comparisons,
        thresholds,
    );
    notes.extend(whole::note(&whole_only));
    let (outcome, verdict_line) = outcome::headline(
        &base_ref,
        &candidate_refs,
        &comparisons,
        counts,
        (
            !untrusted.is_empty() || !whole_only.is_empty() || !failed_runs.is_empty(),
            whole_only.iter().any(|w| !w.rose.is_empty()),
            (unmatched.iter()).any(|u| u.kind == "stage" && u.baseline_only),
        ),
    );
    let advice = settle::advice(
        mode,
        outcome,
        (baseline.len(), candidates.len()),
        &comparisons,
        &unmatched,
        (&untrusted, &failed_runs),
        !whole_only.is_empty(),
    );
    let (outcome, verdict_line) = sla::apply((outcome, verdict_line), &candidates);
    let advice = sla::advise(advice, outcome, &sla::judged(&candidates));
    let verdict_line = verdict_line
        + &untrusted::clause(&untrusted, counts.regressed > 0)
        + &whole::clause(&whole_only)
        + &failed::clause(&failed_runs)
        + &uncompared::clause(&unmatched, &comparisons);
    CompareReport {
        schema_version: COMPARE_SCHEMA_VERSION,
        headroom: env!("CARGO_PKG_VERSION").to_string(),
        mode,
        baseline: base_ref,
        candidates: candidate_refs,
        order,
        outcome,
        verdict_line,
        counts,
        thresholds: floors(thresholds),
        comparisons,
        stage_pairs,
        unmatched,
        trend,
        untrusted,
        whole_only,
        failed_runs,
        sla: sla::judged(&candidates),
        advice,
        notes,
    }
}

/// Each candidate's notes (`per`, in `cands`' order) said once: a trend finds the same
/// remark (the baseline's tool, a stage it lacks) beside every candidate; one that
/// only some candidates give names them (`1.2.0: …`), since its "the candidate" is
/// not all of them.
fn once_each(per: &[verdict::PairResult], cands: &[RunRef]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (r, c) in per.iter().zip(cands) {
        for n in &r.notes {
            let everyone = per.iter().all(|o| o.notes.contains(n));
            let said = match everyone || per.len() < 2 {
                true => n.clone(),
                false => format!("{}: {n}", c.label),
            };
            if !out.contains(&said) {
                out.push(said);
            }
        }
    }
    out
}

/// Regressions first, then by candidate, stage, endpoint and metric.
fn sort_comparisons(comparisons: &mut [Comparison]) {
    comparisons.sort_by(|a, b| {
        (
            a.verdict,
            &a.candidate_label,
            &a.stage,
            &a.endpoint,
            a.metric,
        )
            .cmp(&(
                b.verdict,
                &b.candidate_label,
                &b.stage,
                &b.endpoint,
                b.metric,
            ))
    });
}

/// The noise floors, percent, as compare.json lists them: `default` and any set per
/// metric.
fn floors(thresholds: &Thresholds) -> std::collections::BTreeMap<String, f64> {
    let mut floors = std::collections::BTreeMap::new();
    floors.insert(
        "default".to_string(),
        thresholds.default.unwrap_or(verdict::DEFAULT_FLOOR) * 100.0,
    );
    for (m, f) in &thresholds.per_metric {
        floors.insert(m.name().to_string(), f * 100.0);
    }
    floors
}

/// The notes on what the comparisons rest on: no stage paired, summaries only, thin
/// percentiles, repeats that cannot show one endpoint's change, cross-checks that
/// disagree. `runs`: the baseline's and candidates' run counts.
fn report_notes(
    mode: Mode,
    runs: (usize, usize),
    no_pairs: bool,
    comparisons: &[Comparison],
) -> Vec<String> {
    let mut notes = Vec::new();
    if no_pairs {
        notes.push(
            "no stage of the candidate matches one of the baseline (by name, by users or \
             arrival rate within 10%): nothing was compared; see `unmatched`"
                .into(),
        );
    }
    // A run's capacity rows are reported figures of their own (their note is
    // `SATURATION_RANGE`).
    if (comparisons.iter()).any(|c| c.method == stats::Method::Reported && c.endpoint != "(run)") {
        notes.push(
            "some metrics come from reported summaries only (no histogram): a \
             percentile is `regressed` or `improved` only when the change is beyond the \
             noise floor and beyond what both sides' effective sample sizes (a summary's \
             requests count as 2 independent ones a second of its run: latencies within \
             a run depend on one another) and the tool's \
             rounding of its figures leave open (its interval), with at most a tenth of \
             the requests failed (a summary mixes the failures' latencies in), \
             `unchanged` when both are within the floor, else `inconclusive`; throughput, \
             goodput and means without a per-interval series stay `inconclusive` (error \
             rates are tested on the failure and request counts), but for a mean whose \
             tool printed its standard deviation (h2load's `sd`, wrk's and autocannon's \
             `Stdev`): Welch's test on both \
             sides' means and sds over those effective sample sizes (method \
             `summary_welch`; the request counts would count autocorrelated requests as \
             independent)"
                .into(),
        );
    }
    if comparisons.iter().any(thin::is_thin) {
        notes.push(
            "a percentile needs 10 ÷ (1 − p) latencies on each side (ten past it: p50 20, \
             p90 100, p95 200, p99 1000; in every run, for repeats) to be compared, as the \
             SLA evaluation needs them for a pass; those with fewer are `inconclusive` \
             whatever they moved (see each comparison's `reason`): run longer, or at a \
             load that sends that endpoint more requests"
                .into(),
        );
    }
    notes.extend(one_change_unshowable(mode, runs.0, runs.1, comparisons));
    if let Some(note) = cross_check_note(comparisons) {
        notes.push(note);
    }
    notes
}

/// The caveat when the block bootstrap's interval disagrees with the main one.
fn cross_check_note(comparisons: &[Comparison]) -> Option<String> {
    let off: Vec<String> = comparisons
        .iter()
        .filter(|c| c.cross_check.as_ref().is_some_and(|x| x.disagrees))
        .map(|c| format!("{} of {} ({})", c.metric.name(), c.endpoint, c.stage))
        .collect();
    if off.is_empty() {
        return None;
    }
    let shown = off.len().min(5);
    let more = if off.len() > shown {
        format!(" and {} more", off.len() - shown)
    } else {
        String::new()
    };
    Some(format!(
        "cross-check: for {}{more}, the block bootstrap over per-interval histograms \
         gives a 95% interval that disagrees with the main one (one excludes 0 and the \
         other does not, or one is over twice as wide; see `cross_check` in \
         compare.json): the run's intervals depend on each other more than the main \
         method assumes, so treat those verdicts with care and look at the time series",
        off[..shown].join(", ")
    ))
}

/// The note when repeats (`mode`) of `m` and `n` runs cannot show any change: the
/// exact Mann–Whitney test's smallest two-sided p, 2 ÷ C(m+n, m) (every run of one
/// side beyond every run of the other), is above the 0.05 that significance needs.
fn too_few_repeats(mode: Mode, m: usize, n: usize) -> Vec<String> {
    if mode != Mode::Repeats {
        return Vec::new();
    }
    let ways = (1..=m).fold(1.0_f64, |acc, k| acc * (n + k) as f64 / k as f64);
    let p = 2.0 / ways;
    if p <= 0.05 {
        return Vec::new();
    }
    vec![format!(
        "with {m} and {n} runs a side no change can be significant: the Mann–Whitney \
         test's smallest two-sided p on them is {p:.2} (every candidate run beyond every \
         baseline run), above 0.05, so every metric that changed is `inconclusive`; run \
         at least 4 a side"
    )]
}

/// The note when repeats of `m` and `n` runs can show a change but not one alone:
/// Benjamini–Hochberg multiplies the smallest p, 2 ÷ C(m+n, m), by the `k`
/// comparisons of a metric, and past 0.05 a change in one endpoint alone (four runs
/// a side: 0.029 × 2 endpoints) is never significant, so it is `inconclusive`.
fn one_change_unshowable(
    mode: Mode,
    m: usize,
    n: usize,
    comparisons: &[Comparison],
) -> Option<String> {
    if mode != Mode::Repeats {
        return None;
    }
    let ways = (1..=m).fold(1.0_f64, |acc, k| acc * (n + k) as f64 / k as f64);
    let p = 2.0 / ways;
    let k = verdict::ENDPOINT_METRICS
        .iter()
        .map(|metric| comparisons.iter().filter(|c| c.metric == *metric).count())
        .max()
        .unwrap_or(0);
    (p <= verdict::FDR && p * k as f64 > verdict::FDR).then(|| {
        format!(
            "with {m} and {n} runs a side the smallest p is {p:.3}; over the {k} \
             comparisons of a metric (Benjamini–Hochberg) a change in fewer than {} of \
             them cannot be significant, so it is `inconclusive` however large: run \
             more runs a side to show one endpoint's change",
            (p * k as f64 / verdict::FDR).ceil() as usize
        )
    })
}

/// True when any comparison regressed (every metric gates `--fail-on-regression`).
pub fn has_regression(report: &CompareReport) -> bool {
    report
        .comparisons
        .iter()
        .any(|c| c.verdict == Verdict::Regressed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::{CrossCheck, Metric};

    /// A comparison of `metric` in stage `peak` of `GET /a`: 20 → 21 (+5 %), shown
    /// (interval [0.5, 1.5], q 0.01), judged unchanged; the outcome's tests share it.
    pub(super) fn comparison(metric: Metric, cross_check: Option<CrossCheck>) -> Comparison {
        Comparison {
            candidate_label: "1.1.0".into(),
            stage: "peak".into(),
            candidate_stage: "peak".into(),
            endpoint: "GET /a".into(),
            metric,
            unit: "ms",
            baseline: Some(20.0),
            candidate: Some(21.0),
            delta: Some(1.0),
            delta_pct: Some(5.0),
            ci: [Some(0.5), Some(1.5)],
            p_value: Some(0.01),
            q_value: Some(0.01),
            effect: Some(3.0),
            floor_pct: 5.0,
            verdict: Verdict::Unchanged,
            method: stats::Method::Bootstrap,
            ess: [Some(100.0), Some(100.0)],
            cross_check,
            reason: None,
        }
    }

    #[test]
    fn a_disagreeing_cross_check_is_a_note_naming_the_metric() {
        let x = |disagrees| CrossCheck {
            method: "block_bootstrap".into(),
            ci: [Some(-1.0), Some(3.0)],
            disagrees,
        };
        let agree = [
            comparison(Metric::P50, Some(x(false))),
            comparison(Metric::Throughput, None),
        ];
        assert_eq!(cross_check_note(&agree), None);
        let off = [comparison(Metric::P95, Some(x(true)))];
        let note = cross_check_note(&off).unwrap();
        assert!(
            note.starts_with("cross-check: for p95 of GET /a (peak)"),
            "{note}"
        );
    }
}
