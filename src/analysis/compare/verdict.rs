//! One baseline against one candidate (one run per side, or repeats per side): every
//! metric of every matched stage × endpoint estimated by `stats`, q-values by
//! Benjamini–Hochberg per metric across endpoints and stages, and the verdict: a
//! change is `regressed`/`improved` only when significant (q ≤ 0.05, interval
//! excluding 0) and beyond the metric's noise floor; otherwise `unchanged` when Δ is
//! within the floor, its interval's half-width within twice the floor and its
//! wrong-way end within the floor, else `inconclusive`. Reported
//! summaries without an interval decide only as `reported.rs` allows.

pub use super::undecided::Undecided;
use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::input::{CompareRun, EndpointInput, StageInput};
use super::matching::runs_missing_stage;
use super::matching::{match_endpoints, match_stages, renamed_endpoint, stages_apart};
use super::matching::{unmatched, Unmatched};
use super::reported::{capacity_estimates, reported, summary_bound, whole_run, SATURATION_RANGE};
use super::reported::{exactness_note, summary_effective_size};
use super::sides;
use super::stats::{self, Estimate, Method, RunSample};
use crate::analysis::rounding::step_ms;

/// False-discovery rate of the Benjamini–Hochberg step.
pub const FDR: f64 = 0.05;
/// Noise floor when none is set: a change smaller than this is never a regression.
pub const DEFAULT_FLOOR: f64 = 0.05;
/// Fewest runs per side for a repeats comparison.
pub const MIN_REPEATS: usize = 3;

pub use super::metric::{Metric, ENDPOINT_METRICS};

/// The verdict on one metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Significantly worse, beyond the noise floor.
    Regressed,
    /// Significantly better, beyond the noise floor.
    Improved,
    /// Too uncertain to tell: a change beyond the floor that is not significant, an
    /// interval wider than twice the floor or reaching past it the wrong way, too
    /// few samples (or only reported summaries, within the floor).
    Inconclusive,
    /// Any change is within the noise floor.
    Unchanged,
}

impl Verdict {
    /// Its name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Regressed => "regressed",
            Verdict::Improved => "improved",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Unchanged => "unchanged",
        }
    }
}

/// Noise floors per metric (fractions: 0.05 = 5%).
#[derive(Clone, Debug, Default)]
pub struct Thresholds {
    /// Floor of metrics not named (default 5%).
    pub default: Option<f64>,
    /// Per-metric floors.
    pub per_metric: BTreeMap<Metric, f64>,
}

impl Thresholds {
    /// The floor of `metric`.
    pub fn floor(&self, metric: Metric) -> f64 {
        self.per_metric
            .get(&metric)
            .copied()
            .or(self.default)
            .unwrap_or(DEFAULT_FLOOR)
    }
}

/// A `stats::Method`'s name in compare.json and tables.
pub fn method_name(m: Method) -> &'static str {
    match m {
        Method::Bootstrap => "bootstrap",
        Method::TwoProportion => "two_proportion",
        Method::IntervalWelch => "interval_welch",
        Method::MannWhitney => "mann_whitney",
        Method::Reported => "reported",
        Method::SummaryWelch => "summary_welch",
    }
}

fn serialize_method<S: Serializer>(m: &Method, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(method_name(*m))
}

/// Non-finite numbers (an unbounded interval) become JSON null.
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// One metric of one stage × endpoint, baseline vs candidate.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// Label of the candidate run.
    pub candidate_label: String,
    /// Baseline stage name (the candidate's, when it differs, is in `candidate_stage`).
    pub stage: String,
    /// The candidate's stage name.
    pub candidate_stage: String,
    /// `METHOD name`, or `(run)` for a run's capacity figures.
    pub endpoint: String,
    /// The metric.
    pub metric: Metric,
    /// Unit of `baseline`, `candidate` and `delta`.
    pub unit: &'static str,
    /// Baseline value (repeats: median of its runs).
    pub baseline: Option<f64>,
    /// Candidate value (repeats: median of its runs).
    pub candidate: Option<f64>,
    /// Candidate − baseline (repeats: Hodges–Lehmann shift).
    pub delta: Option<f64>,
    /// delta ÷ baseline, percent; null when the baseline is 0.
    pub delta_pct: Option<f64>,
    /// 95% interval for delta; null ends are unbounded.
    pub ci: [Option<f64>; 2],
    /// Two-sided p-value of "no change"; null for reported values.
    pub p_value: Option<f64>,
    /// Benjamini–Hochberg q-value (per metric across endpoints and stages).
    pub q_value: Option<f64>,
    /// Effect size (CLES for repeats, else delta ÷ standard error).
    pub effect: Option<f64>,
    /// The noise floor applied, percent.
    pub floor_pct: f64,
    /// The verdict.
    pub verdict: Verdict,
    /// How it was estimated.
    #[serde(serialize_with = "serialize_method")]
    pub method: Method,
    /// Effective sample sizes (baseline, candidate).
    pub ess: [Option<f64>; 2],
    /// Percentiles of one run per side: the block bootstrap's interval beside `ci`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_check: Option<CrossCheck>,
    /// Why an `inconclusive` verdict was not decided by the statistics (a percentile
    /// of too few samples: `too few samples: …`; stages at other loads: `other load:
    /// …`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Undecided>,
}

/// A second interval for a percentile shift, by a method with other assumptions.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CrossCheck {
    /// `block_bootstrap`, or `none: WHY` when it could not be run.
    pub method: String,
    /// Its 95% interval for delta (null when not run).
    pub ci: [Option<f64>; 2],
    /// True when it disagrees materially with `ci`: one excludes 0 and the other
    /// does not, or one is more than twice as wide.
    pub disagrees: bool,
}

impl CrossCheck {
    fn of(main: (f64, f64), block: (f64, f64)) -> CrossCheck {
        CrossCheck {
            method: "block_bootstrap".into(),
            ci: [finite(block.0), finite(block.1)],
            disagrees: stats::intervals_disagree(main, block),
        }
    }

    fn none(why: &str) -> CrossCheck {
        CrossCheck {
            method: format!("none: {why}"),
            ci: [None, None],
            disagrees: false,
        }
    }
}

/// The percentiles the block bootstrap cross-checks, in `Metric::quantile` terms.
const CROSS_CHECKED: [f64; 4] = [0.5, 0.9, 0.95, 0.99];

/// The block bootstrap's intervals for `CROSS_CHECKED` between two endpoints, or
/// why there are none.
fn block_cross_check(
    b: &EndpointInput,
    c: &EndpointInput,
    seed: u64,
) -> Result<Vec<(f64, f64)>, &'static str> {
    if b.interval_histograms.is_empty() || c.interval_histograms.is_empty() {
        return Err(
            "an input has no per-interval histograms (a report.json keeps \
                    per-interval percentiles only)",
        );
    }
    stats::block_percentile_cis(
        &b.interval_histograms,
        &c.interval_histograms,
        &CROSS_CHECKED,
        seed,
    )
    .ok_or("a side has fewer than 10 intervals with latencies")
}

/// How a side is compared.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// Noise floors.
    pub thresholds: &'a Thresholds,
}

/// The result of one baseline vs one candidate.
#[derive(Clone, Debug, Default)]
pub struct PairResult {
    /// Every metric compared.
    pub comparisons: Vec<Comparison>,
    /// What one side has and the other lacks.
    pub unmatched: Vec<Unmatched>,
    /// Which stages were paired, and how.
    pub stage_pairs: Vec<super::matching::PairedStages>,
    /// Endpoints paired as their stages' only ones, under different keys.
    pub notes: Vec<String>,
    /// Runs whose stage answered none of its requests ([`super::failed`]).
    pub failed: Vec<super::failed::FailedRun>,
}

/// A row before its q-value: the estimate and where it belongs.
struct Row {
    stage: String,
    candidate_stage: String,
    endpoint: String,
    metric: Metric,
    est: Estimate,
    /// For reported values: whether they may decide. A run's saturation throughput
    /// when the runs' plateau ranges do not overlap ([`capacity_rows`]); an endpoint's
    /// summaries when their sample sizes show the change ([`summary_shift_shown`]).
    samples_ok: bool,
    /// False when the paired stages ran at different loads: nothing of theirs decides.
    same_load: bool,
    /// True when they ran at one load but were measured by different tools.
    by_tool: bool,
    cross_check: Option<CrossCheck>,
    /// Why the metric cannot be compared at all ([`super::thin::reason`]).
    thin: Option<String>,
    /// What each side's data of the stage leaves out.
    unseen: super::unseen::Sides,
    /// Why a run of the stage that failed outright keeps it from a pass.
    failed: Option<String>,
}

/// Compares one baseline side with one candidate side: one run each, or ≥ 3 each.
/// The first run of each side decides the matching; the other runs of a side are
/// read at the same stage names and endpoint keys.
pub fn compare_sides(base: &[CompareRun], cand: &[CompareRun], opts: Options) -> PairResult {
    let (Some(b0), Some(c0)) = (base.first(), cand.first()) else {
        return PairResult::default();
    };
    let pairs = match_stages(&b0.stages, &c0.stages);
    let repeats = base.len() > 1 || cand.len() > 1;
    let mut rows = Vec::new();
    let mut notes: Vec<String> = (pairs.is_empty())
        .then(|| super::matching::sole_stages_apart(&b0.stages, &c0.stages))
        .flatten()
        .into_iter()
        .collect();
    notes.extend(
        repeats
            .then(|| super::matching::runs_extra_stages(base, cand))
            .flatten(),
    );
    let mut all_alike = true;
    let mut failed = Vec::new();
    for p in &pairs {
        let (sb, sc) = (&b0.stages[p.base], &c0.stages[p.cand]);
        let unseen = (sides::unseen(base, sb), sides::unseen(cand, sc));
        notes.extend(super::unseen::note(&sb.name, unseen));
        let endpoints = match_endpoints(sb, sc);
        let (load, by_tool) = stages_apart((base, sb), (cand, sc), repeats);
        all_alike &= load.is_none();
        notes.extend(load.clone().into_iter().chain(renamed_endpoint(sb, sc)));
        if repeats {
            notes.extend(runs_missing_stage(base, cand, &sb.name, &sc.name));
        }
        let down = super::failed::at_stage(base, cand, (&sb.name, &sc.name));
        failed.extend(down.iter().cloned());
        // Resamples: ≥ 20× the comparisons one metric makes, so p-values can reach
        // the smallest Benjamini–Hochberg threshold.
        let resamples = (20 * endpoints.len() * pairs.len()).max(1000);
        for (eb, ec) in endpoints {
            let (b, c) = (&sb.endpoints[eb], &sc.endpoints[ec]);
            let exact = |e: &EndpointInput| e.histogram.as_ref().is_some_and(|h| !h.is_empty());
            notes.extend(exactness_note(&sb.name, &b.key, (exact(b), exact(c))));
            notes.extend(super::unmarked::note(&sb.name, &b.key, b, c));
            let block =
                (!repeats).then(|| block_cross_check(b, c, seed(&sb.name, &b.key, Metric::P50)));
            for &metric in ENDPOINT_METRICS {
                let est = if repeats {
                    match sides::repeats_estimate((base, sb, &b.key), (cand, sc, &c.key), metric) {
                        Some(e) => e,
                        None => continue,
                    }
                } else {
                    match single(b, c, metric, resamples, seed(&sb.name, &b.key, metric)) {
                        Some(e) => e,
                        None => continue,
                    }
                };
                let est = super::summary_mean::tested(est, metric, (sb, b), (sc, c));
                let (est, samples_ok) = reported_bound(est, metric, (sb, b), (sc, c));
                let k = CROSS_CHECKED
                    .iter()
                    .position(|&q| Some(q) == metric.quantile());
                let cross_check = match (&block, k) {
                    (Some(found), Some(k)) if est.method == Method::Bootstrap => {
                        Some(match found {
                            Ok(cis) => CrossCheck::of(est.ci, cis[k]),
                            Err(why) => CrossCheck::none(why),
                        })
                    }
                    _ => None,
                };
                rows.push(Row {
                    stage: sb.name.clone(),
                    candidate_stage: sc.name.clone(),
                    endpoint: b.key.clone(),
                    metric,
                    est,
                    samples_ok,
                    same_load: load.is_none(),
                    by_tool,
                    cross_check,
                    thin: sides::thin(metric, (base, sb, b), (cand, sc, c), repeats),
                    unseen,
                    failed: super::failed::reason(&down),
                });
            }
        }
    }
    // A stage at another load, or by another tool, makes the capacity another's.
    if !repeats && capacity_rows(b0, c0, all_alike, &mut rows) {
        notes.push(SATURATION_RANGE.to_string());
    }
    let stage_pairs = pairs
        .iter()
        .map(|p| {
            let (sb, sc) = (&b0.stages[p.base], &c0.stages[p.cand]);
            super::matching::PairedStages {
                baseline: sb.name.clone(),
                candidate: sc.name.clone(),
                basis: p.basis,
                tools: (sb.tool.clone(), sc.tool.clone()),
            }
        })
        .collect();
    // Two releases under one label (run.toml's `label` left as it was): "only in s1"
    // would not say which side.
    let (bl, cl) = if b0.label == c0.label {
        (
            format!("the baseline ({})", b0.label),
            format!("the candidate ({})", c0.label),
        )
    } else {
        (b0.label.clone(), c0.label.clone())
    };
    let unmatched = unmatched((&bl, &b0.stages), (&cl, &c0.stages), &pairs);
    PairResult {
        comparisons: judge(rows, &c0.label, opts.thresholds),
        unmatched: super::matching::name_holders(unmatched, base, cand),
        stage_pairs,
        notes,
        failed,
    }
}

/// The estimate of one metric between one run per side; `None` when a side lacks it.
fn single(
    b: &EndpointInput,
    c: &EndpointInput,
    metric: Metric,
    resamples: usize,
    seed: u64,
) -> Option<Estimate> {
    // A histogram holding unmarked failures' latencies is compared as a summary.
    fn sample(e: &EndpointInput) -> Option<RunSample<'_>> {
        e.histogram
            .as_ref()
            .filter(|h| !h.is_empty() && !super::unmarked::mixes_failures_in(e))
            .map(|h| RunSample {
                histogram: h,
                intervals: &e.intervals,
            })
    }
    let series = !b.intervals.is_empty() && !c.intervals.is_empty();
    // A series that does not mark the failures its figures count is no count of them.
    let marked = series && super::unmarked::both_mark_failures(b, c);
    let rated = (marked || metric == Metric::Throughput && series) && b.width_s * c.width_s > 0.0;
    let est = match metric {
        Metric::P50 | Metric::P90 | Metric::P95 | Metric::P99 | Metric::Mean => {
            match (sample(b), sample(c)) {
                (Some(sb), Some(sc)) => match metric.quantile() {
                    Some(q) => stats::percentile_shift(sb, sc, q, resamples, seed),
                    None => stats::mean_shift(sb, sc, resamples, seed),
                },
                _ => reported(metric.figure(&b.figures)?, metric.figure(&c.figures)?),
            }
        }
        Metric::ErrorRate if marked => stats::error_rate_shift(&b.intervals, &c.intervals),
        // A summary's failures and requests are counts: tested as a one-interval series
        // (every request independent, as any series too short to show clustering).
        Metric::ErrorRate if b.figures.requests > 0 && c.figures.requests > 0 => {
            stats::error_rate_shift(&[whole_run(&b.figures)], &[whole_run(&c.figures)])
        }
        Metric::Throughput | Metric::Goodput if rated => {
            let rate = stats::rate_shift(
                &b.intervals,
                b.width_s,
                &c.intervals,
                c.width_s,
                metric == Metric::Goodput,
            );
            // The stage's own figure is the value shown; the series only gives the
            // uncertainty.
            match (metric.figure(&b.figures), metric.figure(&c.figures)) {
                (Some(vb), Some(vc)) => Estimate {
                    baseline: vb,
                    candidate: vc,
                    delta: vc - vb,
                    ..rate
                },
                _ => rate,
            }
        }
        _ => reported(metric.figure(&b.figures)?, metric.figure(&c.figures)?),
    };
    Some(est)
}

/// A reported percentile's interval of Δ, from its sides' sample sizes and tools'
/// rounding ([`summary_bound`]), and whether the change is beyond it.
fn reported_bound(
    mut est: Estimate,
    metric: Metric,
    (sb, b): (&StageInput, &EndpointInput),
    (sc, c): (&StageInput, &EndpointInput),
) -> (Estimate, bool) {
    if est.method != Method::Reported || metric.quantile().is_none() {
        return (est, false);
    }
    let steps = (
        step_ms(sb.tool.as_deref(), est.baseline),
        step_ms(sc.tool.as_deref(), est.candidate),
    );
    let sizes = (effective_size(b), effective_size(c));
    // compare.json's `ess` says what each side's requests were taken to be worth.
    est.ess = (sizes.0.unwrap_or(f64::NAN), sizes.1.unwrap_or(f64::NAN));
    let Some(bound) = summary_bound(metric, (&b.figures, &c.figures), sizes, steps) else {
        return (est, false);
    };
    // No latency falls below 0: the candidate's value can drop by its baseline's at
    // most (a p99 of 60 ms with a bound of 203 ms read `[-338%, +338%]`).
    est.ci = (
        (est.delta - bound).max(-est.baseline.abs()),
        est.delta + bound,
    );
    (est, est.delta.abs() > bound)
}

/// The effective sample size of an endpoint's latencies: batch means over its series
/// against its exact histogram, else its summary's ([`summary_effective_size`]).
pub(super) fn effective_size(e: &EndpointInput) -> Option<f64> {
    match e.histogram.as_ref().filter(|h| !h.is_empty()) {
        Some(h) => Some(stats::latency_effective_sample_size(RunSample {
            histogram: h,
            intervals: &e.intervals,
        })),
        None => summary_effective_size(&e.figures),
    }
}

/// A run's capacity figures side by side, each deciding only beyond its own noise
/// ([`capacity_estimates`]); true when the saturation's interval is a range.
fn capacity_rows(b: &CompareRun, c: &CompareRun, alike: bool, rows: &mut Vec<Row>) -> bool {
    let mut ranged = false;
    for (metric, est, samples_ok) in capacity_estimates(&b.capacity, &c.capacity) {
        ranged |= metric == Metric::SaturationRps && est.ci.0.is_finite() && est.ci.1.is_finite();
        rows.push(Row {
            stage: String::new(),
            candidate_stage: String::new(),
            endpoint: "(run)".into(),
            metric,
            est,
            samples_ok,
            same_load: alike,
            by_tool: false,
            cross_check: None,
            thin: None,
            unseen: (None, None),
            failed: None,
        });
    }
    ranged
}

/// A seed per stage × endpoint × metric, so every estimate is reproducible (FNV-1a).
fn seed(stage: &str, endpoint: &str, metric: Metric) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stage
        .bytes()
        .chain([0])
        .chain(endpoint.bytes())
        .chain([0])
        .chain(metric.name().bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// q-values per metric, then verdicts.
fn judge(rows: Vec<Row>, candidate_label: &str, thresholds: &Thresholds) -> Vec<Comparison> {
    let mut q_values: Vec<Option<f64>> = vec![None; rows.len()];
    for metric in Metric::all() {
        let idx: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].metric == metric && rows[i].est.p_value.is_finite())
            .collect();
        let ps: Vec<f64> = idx.iter().map(|&i| rows[i].est.p_value).collect();
        for (&i, q) in idx.iter().zip(stats::benjamini_hochberg(&ps)) {
            q_values[i] = Some(q);
        }
    }
    rows.into_iter()
        .zip(q_values)
        .map(|(r, q)| {
            let floor = thresholds.floor(r.metric);
            let e = &r.est;
            let decided = match r.same_load && r.thin.is_none() {
                true => decide(e, q, floor, r.metric, r.samples_ok),
                false => Verdict::Inconclusive,
            };
            // A run that measured nothing keeps its stage from a pass, not from a
            // regression shown on the others.
            let failed = r.failed.filter(|_| decided != Verdict::Regressed);
            let decided = match failed {
                Some(_) => Verdict::Inconclusive,
                None => decided,
            };
            let blind = super::unseen::withholds(r.metric, decided, r.unseen);
            let delta_pct = relative(e.delta, e.baseline).map(|d| d * 100.0);
            Comparison {
                candidate_label: candidate_label.to_string(),
                stage: r.stage,
                candidate_stage: r.candidate_stage,
                endpoint: r.endpoint,
                metric: r.metric,
                unit: r.metric.unit(),
                baseline: finite(e.baseline),
                candidate: finite(e.candidate),
                delta: finite(e.delta),
                delta_pct: delta_pct.and_then(finite),
                ci: [finite(e.ci.0), finite(e.ci.1)],
                p_value: finite(e.p_value),
                q_value: q,
                effect: finite(e.effect),
                floor_pct: floor * 100.0,
                verdict: match blind {
                    Some(_) => Verdict::Inconclusive,
                    None => decided,
                },
                method: e.method,
                ess: [finite(e.ess.0), finite(e.ess.1)],
                cross_check: r.cross_check,
                reason: (failed.map(Undecided::FailedRun))
                    .or(r.thin.map(Undecided::TooFewSamples))
                    .or((!r.same_load).then_some(match r.by_tool {
                        true => Undecided::OtherTool,
                        false => Undecided::OtherLoad,
                    }))
                    .or(blind.map(Undecided::FailuresUnseen)),
            }
        })
        .collect()
}

/// delta ÷ |baseline|; infinite for a change from 0; `None` for 0 → 0 … NaN.
fn relative(delta: f64, baseline: f64) -> Option<f64> {
    if !delta.is_finite() || !baseline.is_finite() {
        None
    } else if baseline != 0.0 {
        Some(delta / baseline.abs())
    } else if delta == 0.0 {
        Some(0.0)
    } else {
        Some(delta.signum() * f64::INFINITY)
    }
}

/// The verdict on one estimate of `metric` with q-value `q` and noise floor `floor`:
/// regressed/improved when significant (q ≤ 0.05, interval excluding 0) and beyond
/// the floor; else inconclusive when Δ is beyond the floor, the interval's half-width
/// exceeds twice the floor, or its wrong-way end (a latency's upper, a rate's lower)
/// lies beyond the floor (NO REGRESSION rests on `unchanged`: +2 % reaching +9 % may
/// be a 9 % slowdown); unchanged otherwise. Reported values decide only beyond the
/// floor and when `samples_ok`; a summary percentile whose bound (its interval) is
/// so settled is unchanged; else inconclusive.
pub fn decide(
    e: &Estimate,
    q: Option<f64>,
    floor: f64,
    metric: Metric,
    samples_ok: bool,
) -> Verdict {
    if !e.delta.is_finite() || !e.baseline.is_finite() {
        return Verdict::Inconclusive;
    }
    // Error rates against at least 1% (a 5% floor is at least 0.05 points).
    let scale = super::outcome::scale(metric, e.baseline);
    let beyond = if scale > 0.0 {
        e.delta.abs() > floor * scale
    } else {
        e.delta != 0.0
    };
    let worse = (e.delta > 0.0) == metric.higher_is_worse();
    let direction = if worse {
        Verdict::Regressed
    } else {
        Verdict::Improved
    };
    let bounded = e.ci.0.is_finite() && e.ci.1.is_finite();
    // How far the interval reaches the wrong way (NaN without an end: never settled).
    let wrong_end = match metric.higher_is_worse() {
        true => e.ci.1,
        false => -e.ci.0,
    };
    let settled = wrong_end <= floor * scale;
    if e.method == Method::Reported {
        // A reported change with a range of Δ (a run's saturation plateaus) must clear
        // the floor with the whole range; a summary percentile's interval is its
        // sampling and rounding bound, which `samples_ok` already weighed.
        let quantile = metric.quantile().is_some();
        let clears = if bounded && !quantile {
            e.ci.0 > floor * scale || e.ci.1 < -floor * scale
        } else {
            beyond
        };
        if clears && samples_ok {
            return direction;
        }
        let narrow = (e.ci.1 - e.ci.0) / 2.0 <= 2.0 * floor * scale;
        let within = bounded && !beyond && narrow && settled;
        return if quantile && within {
            Verdict::Unchanged
        } else {
            Verdict::Inconclusive
        };
    }
    let excludes_zero = e.ci.0 > 0.0 || e.ci.1 < 0.0;
    let significant = q.is_some_and(|q| q <= FDR) && excludes_zero;
    if significant && beyond {
        return direction;
    }
    // Repeats' values are their runs' medians: 0 → 0 may hide a run that failed
    // outright (server down) among others, which their interval of Δ still shows.
    let runs_clean = e.method != Method::MannWhitney || (e.ci.0 == 0.0 && e.ci.1 == 0.0);
    if e.baseline == 0.0 && e.candidate == 0.0 && metric == Metric::ErrorRate && runs_clean {
        // No failure on either side.
        return Verdict::Unchanged;
    }
    // Not shown either way. `unchanged` says the change is within the noise floor:
    // only when Δ itself is (a tripled p50 that four runs a side cannot make
    // significant is not unchanged) and its interval is narrow and settled.
    let half_width = (e.ci.1 - e.ci.0) / 2.0;
    if beyond || !half_width.is_finite() || half_width > 2.0 * floor * scale || !settled {
        Verdict::Inconclusive
    } else {
        Verdict::Unchanged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(baseline: f64, delta: f64, ci: (f64, f64)) -> Estimate {
        Estimate {
            baseline,
            candidate: baseline + delta,
            delta,
            ci,
            p_value: 0.001,
            effect: 0.0,
            ess: (100.0, 100.0),
            method: Method::Bootstrap,
        }
    }

    #[test]
    fn a_change_must_be_significant_and_beyond_the_floor() {
        let p95 = Metric::P95;
        // +10% latency, interval clear of 0, q small: regressed.
        let e = est(100.0, 10.0, (6.0, 14.0));
        assert_eq!(decide(&e, Some(0.01), 0.05, p95, true), Verdict::Regressed);
        // The same on a throughput (lower is worse): improved.
        let t = Metric::Throughput;
        assert_eq!(decide(&e, Some(0.01), 0.05, t, true), Verdict::Improved);
        // Not significant after BH, narrow interval, but Δ beyond the floor: not
        // shown unchanged either.
        assert_eq!(
            decide(&e, Some(0.2), 0.05, p95, true),
            Verdict::Inconclusive
        );
        // Significant but within a 20% floor: unchanged.
        assert_eq!(decide(&e, Some(0.01), 0.20, p95, true), Verdict::Unchanged);
        // Half-width 30 over twice the floor (10): inconclusive.
        let wide = est(100.0, 10.0, (-20.0, 40.0));
        assert_eq!(
            decide(&wide, Some(0.3), 0.05, p95, true),
            Verdict::Inconclusive
        );
        // Half-width 8 under twice a 5% floor, but reaching +10 %: may be a 10 %
        // slowdown, so not shown unchanged.
        let narrow = est(100.0, 2.0, (-6.0, 10.0));
        assert_eq!(
            decide(&narrow, Some(0.3), 0.05, p95, true),
            Verdict::Inconclusive
        );
        // Reaching +4 % (and down to -6 %): unchanged.
        let settled = est(100.0, -1.0, (-6.0, 4.0));
        assert_eq!(
            decide(&settled, Some(0.3), 0.05, p95, true),
            Verdict::Unchanged
        );
        // A throughput is worse downwards: reaching -6 % is no unchanged, -4 % is.
        let t = Metric::Throughput;
        assert_eq!(
            decide(&settled, Some(0.3), 0.05, t, true),
            Verdict::Inconclusive
        );
        let up = est(100.0, 1.0, (-4.0, 6.0));
        assert_eq!(decide(&up, Some(0.3), 0.05, t, true), Verdict::Unchanged);
    }

    #[test]
    fn error_rates_scale_from_one_percent_and_zero_to_zero_is_unchanged() {
        let er = Metric::ErrorRate;
        let mut e = est(0.0, 0.0, (-0.0008, 0.0008));
        assert_eq!(decide(&e, Some(1.0), 0.05, er, true), Verdict::Unchanged);
        // Repeats at a median of 0 each, one candidate run all errors (its interval
        // of Δ reaches 1): not unchanged.
        let mut runs = est(0.0, 0.0, (0.0, 1.0));
        runs.method = Method::MannWhitney;
        assert_eq!(
            decide(&runs, Some(1.0), 0.05, er, true),
            Verdict::Inconclusive
        );
        runs.ci = (0.0, 0.0);
        assert_eq!(decide(&runs, Some(1.0), 0.05, er, true), Verdict::Unchanged);
        // 0 → 0.2%: beyond 5% of 1%, significant: regressed.
        e.delta = 0.002;
        e.candidate = 0.002;
        e.ci = (0.001, 0.003);
        assert_eq!(decide(&e, Some(0.01), 0.05, er, true), Verdict::Regressed);
    }

    #[test]
    fn reported_values_decide_only_beyond_the_floor_with_enough_samples() {
        let p50 = Metric::P50;
        let r = reported(100.0, 120.0);
        assert_eq!(decide(&r, None, 0.05, p50, true), Verdict::Regressed);
        assert_eq!(decide(&r, None, 0.05, p50, false), Verdict::Inconclusive);
        let small = reported(100.0, 102.0);
        assert_eq!(decide(&small, None, 0.05, p50, true), Verdict::Inconclusive);
    }

    #[test]
    fn metric_names_round_trip() {
        for m in Metric::all() {
            assert_eq!(Metric::parse(m.name()), Some(m));
        }
        assert_eq!(Metric::parse("P95"), Some(Metric::P95));
    }
}
