//! The consistency audit: do the run's own numbers agree with each other and with the
//! operational laws (anchors D3)? Each check gives one finding per stage (or one for
//! the run) with the expected and observed values, a verdict and the likely cause.
//!
//! Checks:
//! - `response_time_law` (`response_time_law.rs`): a closed stage with N users, mean response time R and mean
//!   think time Z can make X = N/(R + Z) requests per second; more than 15 % off is
//!   suspect, and more than N/Z (the bound at R = 0) is impossible. Without Z only
//!   the bound N/R (Z = 0) is checked, on the rate of the requests R times (a failed
//!   connect the tool did not time may have held its user for no time at all). A stage
//!   with an arrival rate is open-model
//!   (wrk2, the driver's `arrival_rate` stages) and is not checked: its requests do not
//!   wait for each other's answers, and a coordinated-omission-corrected latency (wrk2,
//!   the driver) also counts the wait from each request's scheduled start.
//!   A mean the tool printed rounded (ab's whole ms: `analysis::rounding`) breaks the
//!   law only beyond what any mean within half its step makes.
//!   A closed stage whose tool raised its mean with a coordinated-omission correction
//!   (wrk's printed statistics) is checked only for too little throughput: the
//!   measured mean is lower, so more throughput than the printed mean allows is none
//!   of the law's business.
//! - `arrival_rate`: an open-model stage's throughput against its planned rate (also
//!   when the stage names users: the rate makes it open-model).
//! - `request_count`: a stage's requests against throughput × duration as its time
//!   series or the tool's own duration say.
//! - `percentiles`: min ≤ p50 ≤ … ≤ p99.9 ≤ max for the stage and every endpoint.
//! - `endpoint_sum`: a tool's aggregate row against the sum of its endpoint rows.
//! - `stage_totals`: the stages' requests cannot exceed the run's total; and each
//!   part merged into the source (a result set, a dir of summaries) keeps its own
//!   total: two parts at the same load with the same requests and failures, endpoint
//!   by endpoint, are the same requests counted twice — `impossible` when their latencies match too,
//!   else `suspect` — unless their own latencies differ and they are different stages
//!   (a tool run for a count, `hey -n 2000`, sends that many requests at every stage)
//!   or parts of one without failures (generators each run for a count).
//!
//! - `source_totals`: two files of the source count its run differently beyond what
//!   their timing explains (a Locust stats history against its stats file: see
//!   `Source::totals_disagree`) — `impossible`.
//! - `stage_gap` (`stage_gap.rs`): a stage whose window is mostly a spell without a
//!   request holds two runs read as one — `suspect`.
//!
//! A finding other than `ok` keeps the verdict from GO (GO needs a clean audit).

use crate::analysis::words::ticked;
use serde::Serialize;

use crate::analysis::metrics::ScopeMetrics;
use crate::analysis::quantity::{format_count, format_ms, format_rate};
use crate::model::{LatencyDistribution, Run, SourcePart, Stage};

/// Deviation beyond which a law or a rate is suspect (15 %).
pub const TOLERANCE: f64 = 0.15;

/// What a check concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditVerdict {
    /// Consistent.
    Ok,
    /// Possible, but unlikely as stated: a measurement problem is the usual cause.
    Suspect,
    /// Cannot be true as stated.
    Impossible,
}

/// One finding.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AuditFinding {
    /// `response_time_law`, `arrival_rate`, `request_count`, `percentiles`,
    /// `endpoint_sum`, `stage_totals`, `source_totals` or `stage_gap`.
    pub check: String,
    /// The stage; null for run-wide checks.
    pub stage: Option<String>,
    /// What the law or the other figures imply (req/s for throughput checks, a count
    /// for count checks, ms for percentiles).
    pub expected: Option<f64>,
    /// What the data says, in the same unit.
    pub observed: Option<f64>,
    /// (observed − expected) ÷ expected.
    pub deviation: Option<f64>,
    /// `ok`, `suspect` or `impossible`.
    pub verdict: AuditVerdict,
    /// The numbers in words and the likely cause.
    pub explanation: String,
}

impl AuditFinding {
    pub(crate) fn new(
        check: &str,
        stage: Option<&str>,
        verdict: AuditVerdict,
        explanation: String,
    ) -> Self {
        AuditFinding {
            check: check.into(),
            stage: stage.map(str::to_string),
            expected: None,
            observed: None,
            deviation: None,
            verdict,
            explanation,
        }
    }

    pub(crate) fn values(mut self, expected: f64, observed: f64) -> Self {
        self.expected = Some(expected);
        self.observed = Some(observed);
        self.deviation = (expected != 0.0).then(|| (observed - expected) / expected);
        self
    }
}

/// True when no finding is suspect or impossible.
pub fn is_clean(findings: &[AuditFinding]) -> bool {
    findings.iter().all(|f| f.verdict == AuditVerdict::Ok)
}

/// Audits the run's primary source.
pub fn audit(run: &Run) -> Vec<AuditFinding> {
    let Some(src) = run.primary() else {
        return Vec::new();
    };
    let think = run.meta.think_time;
    let mut out = Vec::new();
    for stage in &src.stages {
        out.extend(audit_stage(stage, src, think));
    }
    out.extend(stage_totals(
        &src.stages,
        &src.overall,
        disputed_excess(src),
    ));
    out.extend(part_totals(
        &src.parts,
        &src.overall,
        run.meta.shards.is_some(),
    ));
    out.extend(source_totals(src));
    out
}

/// The `source_totals` findings of `src`: one for the whole source when its stages all
/// rest on one disputed pair of files (or none is kept on a stage), else one per
/// stage a disputed pair gave (a stage dir's), naming it, so that a stage that
/// decides nothing holds no verdict back while one that decides does.
fn source_totals(src: &crate::model::Source) -> Vec<AuditFinding> {
    let Some(first) = &src.totals_disagree else {
        return Vec::new();
    };
    let finding = |stage: Option<&str>, d: &crate::model::TotalsDisagree| {
        AuditFinding::new(
            "source_totals",
            stage,
            AuditVerdict::Impossible,
            d.why.clone(),
        )
        .values(d.whole_run as f64, d.stages as f64)
    };
    let disputed: Vec<(&str, &crate::model::TotalsDisagree)> = (src.stages.iter())
        .filter_map(|s| Some((s.name.as_str(), s.totals_disagree.as_ref()?)))
        .collect();
    let whole = disputed.len() == src.stages.len() && disputed.iter().all(|(_, d)| *d == first);
    if disputed.is_empty() || whole {
        return vec![finding(None, first)];
    }
    disputed
        .into_iter()
        .map(|(s, d)| finding(Some(s), d))
        .collect()
}

/// The checks of one stage of `src` on its own figures (Little's law, counts,
/// percentiles, endpoint sums, gaps).
pub(crate) fn audit_stage(
    stage: &Stage,
    src: &crate::model::Source,
    think: Option<crate::model::ThinkTime>,
) -> Vec<AuditFinding> {
    let m = ScopeMetrics::of_stage(stage);
    let tool = stage.tool.as_deref().unwrap_or(&src.tool);
    let mut out = Vec::new();
    out.extend(crate::analysis::response_time_law::response_time_law(
        stage, &m, think, tool,
    ));
    out.extend(arrival_rate(stage, &m));
    out.extend(request_count(stage, &m));
    out.extend(percentiles(stage, &m));
    out.extend(endpoint_sum(stage));
    out.extend(crate::analysis::stage_gap::stage_gap(stage));
    out
}

/// True for an open-model stage: one with a planned arrival rate.
pub(crate) fn is_open(stage: &Stage) -> bool {
    stage.arrival_rate_rps.is_some_and(|r| r > 0.0)
}

/// An open-model stage's throughput against its planned arrival rate.
fn arrival_rate(stage: &Stage, m: &ScopeMetrics) -> Option<AuditFinding> {
    let rate = stage.arrival_rate_rps.filter(|r| *r > 0.0)?;
    let x = m.throughput_rps()?;
    let deviation = (x - rate) / rate;
    let (verdict, why) = if deviation.abs() <= TOLERANCE {
        (AuditVerdict::Ok, "as planned".to_string())
    } else if deviation < 0.0 {
        (
            AuditVerdict::Suspect,
            "fewer requests completed than the plan sent: arrivals beyond the target's \
             capacity queue and finish late or not at all (its latency grows; compare the \
             capacity plateau), or the generator could not keep the planned rate (saturated \
             generator, or too few connections for the latency)"
                .to_string(),
        )
    } else {
        (
            AuditVerdict::Suspect,
            "more than planned: retries counted as requests, or a misstated rate".to_string(),
        )
    };
    Some(
        AuditFinding::new(
            "arrival_rate",
            Some(&stage.name),
            verdict,
            format!(
                "open model (requests arrive on a schedule, so the closed-model law N = X·(R+Z) \
                 does not apply): planned {}, measured {} ({:+.0}%): {why}",
                format_rate(rate),
                format_rate(x),
                deviation * 100.0
            ),
        )
        .values(rate, x),
    )
}

/// Requests against throughput × duration from an independent source: the stage's
/// time series, or (summary sources with a window) the tool's own duration.
fn request_count(stage: &Stage, m: &ScopeMetrics) -> Option<AuditFinding> {
    let from_series: u64 = stage.timeline.intervals.iter().map(|iv| iv.requests).sum();
    let (expected, basis) = if from_series > 0 {
        (
            from_series as f64,
            "the per-interval series (rate × interval) adds up to".to_string(),
        )
    } else {
        let (window, tool) = (stage.window_ms?, stage.duration_s?);
        let window_s = (window.1 - window.0) as f64 / 1000.0;
        let claimed = m.requests as f64 / tool;
        (
            claimed * window_s,
            format!(
                "the tool's own rate {} over the {:.0} s window gives",
                format_rate(claimed),
                window_s
            ),
        )
    };
    let observed = m.requests as f64;
    let deviation = if expected > 0.0 {
        (observed - expected) / expected
    } else {
        0.0
    };
    // A window edge can fall inside an interval: one interval's requests are slack.
    let edge = stage
        .timeline
        .intervals
        .iter()
        .map(|iv| iv.requests)
        .max()
        .unwrap_or(0) as f64;
    let verdict = match deviation.abs() {
        _ if (observed - expected).abs() <= edge => AuditVerdict::Ok,
        d if d <= 0.02 => AuditVerdict::Ok,
        d if d <= 0.10 => AuditVerdict::Suspect,
        _ => AuditVerdict::Impossible,
    };
    let mut explanation = format!(
        "{basis} {} requests; the stage counts {}",
        format_count(expected),
        format_count(observed)
    );
    if verdict != AuditVerdict::Ok {
        explanation.push_str(&format!(
            " ({:+.0}%): counts and rates disagree, so one of them is wrong",
            deviation * 100.0
        ));
    }
    Some(
        AuditFinding::new("request_count", Some(&stage.name), verdict, explanation)
            .values(expected, observed),
    )
}

/// Percentiles in order: min ≤ p50 ≤ p90 ≤ p95 ≤ p99 ≤ p99.9 ≤ max, for the stage and
/// each endpoint. Tool summaries round (Locust: 2 significant digits), so they get 5 %
/// of slack; exact histograms 0.1 %.
fn percentiles(stage: &Stage, m: &ScopeMetrics) -> Option<AuditFinding> {
    let mut scopes: Vec<(String, &LatencyDistribution)> = vec![("the stage".into(), &m.latency)];
    for ep in stage.endpoints.values() {
        scopes.push((format!("endpoint \"{}\"", ep.key), &ep.latency));
    }
    let mut checked = 0usize;
    for (label, d) in &scopes {
        let ladder = ladder(d);
        if ladder.len() < 2 {
            continue;
        }
        checked += 1;
        let slack = if d.is_exact() { 0.001 } else { 0.05 };
        for w in ladder.windows(2) {
            let ((lo_name, lo), (hi_name, hi)) = (&w[0], &w[1]);
            if *lo > *hi * (1.0 + slack) {
                return Some(
                    AuditFinding::new(
                        "percentiles",
                        Some(&stage.name),
                        AuditVerdict::Impossible,
                        format!(
                            "{label}: {lo_name} = {} is above {hi_name} = {}; percentiles \
                             cannot decrease (the file was edited, or mixes runs)",
                            format_ms(*lo),
                            format_ms(*hi)
                        ),
                    )
                    .values(*hi, *lo),
                );
            }
        }
    }
    (checked > 0).then(|| {
        AuditFinding::new(
            "percentiles",
            Some(&stage.name),
            AuditVerdict::Ok,
            format!(
                "min ≤ p50 ≤ p90 ≤ p95 ≤ p99 ≤ p99.9 ≤ max holds for {checked} distribution(s)"
            ),
        )
    })
}

/// The known points of a distribution in ascending order of rank.
fn ladder(d: &LatencyDistribution) -> Vec<(&'static str, f64)> {
    let mut out = Vec::new();
    if let Some(v) = d.min_ms() {
        out.push(("min", v));
    }
    for (name, p) in [
        ("p50", 50.0),
        ("p90", 90.0),
        ("p95", 95.0),
        ("p99", 99.0),
        ("p99.9", 99.9),
    ] {
        if let Some(v) = d.percentile(p) {
            out.push((name, v.value_ms));
        }
    }
    if let Some(v) = d.max_ms() {
        out.push(("max", v));
    }
    out
}

/// A tool's aggregate row against the sum of its endpoint rows.
fn endpoint_sum(stage: &Stage) -> Option<AuditFinding> {
    let agg = stage.aggregate.as_ref()?;
    let rows: Vec<_> = stage
        .endpoints
        .values()
        .filter(|e| !e.transaction && e.key != agg.key)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let sum: u64 = rows.iter().map(|e| e.requests).sum();
    let (expected, observed) = (sum as f64, agg.requests as f64);
    let deviation = if sum > 0 {
        (observed - expected) / expected
    } else {
        0.0
    };
    let (verdict, explanation) = if deviation.abs() <= 0.001 {
        (
            AuditVerdict::Ok,
            format!(
                "the endpoint rows ({}) sum to the aggregate's {} requests",
                rows.len(),
                format_count(observed)
            ),
        )
    } else {
        let rate = stage.duration_s().map(|d| {
            format!(
                ": the aggregate's {} would be {} from the rows",
                format_rate(observed / d),
                format_rate(expected / d)
            )
        });
        (
            if deviation.abs() <= 0.01 {
                AuditVerdict::Suspect
            } else {
                AuditVerdict::Impossible
            },
            format!(
                "the endpoint rows ({}) sum to {} requests but the aggregate row claims {} \
                 ({:.2}×){}; one of them is wrong",
                rows.len(),
                format_count(expected),
                format_count(observed),
                observed / expected.max(1.0),
                rate.unwrap_or_default()
            ),
        )
    };
    Some(
        AuditFinding::new("endpoint_sum", Some(&stage.name), verdict, explanation)
            .values(expected, observed),
    )
}

/// The stages are parts of the run: together they cannot hold more requests.
fn stage_totals(stages: &[Stage], overall: &Stage, disputed: u64) -> Option<AuditFinding> {
    if stages.len() < 2 {
        return None;
    }
    let sum: u64 = stages.iter().map(Stage::requests).sum();
    let total = overall.requests();
    if total == 0 {
        return None;
    }
    // Stages on a history that counts more than its stats file: `source_totals` says it.
    let over = sum as f64 > total as f64 * 1.001;
    if over && sum as f64 <= (total + disputed) as f64 * 1.001 {
        return None;
    }
    let (expected, observed) = (total as f64, sum as f64);
    let (verdict, explanation) = if observed <= expected * 1.001 {
        (
            AuditVerdict::Ok,
            format!(
                "the {} stages hold {} of the run's {} requests (the rest are ramps)",
                stages.len(),
                format_count(observed),
                format_count(expected)
            ),
        )
    } else {
        (
            AuditVerdict::Impossible,
            format!(
                "the {} stages hold {} requests, more than the run's total of {}: stages \
                 overlap or a total is wrong",
                stages.len(),
                format_count(observed),
                format_count(expected)
            ),
        )
    };
    Some(AuditFinding::new("stage_totals", None, verdict, explanation).values(expected, observed))
}

/// The requests by which the files the stages of `src` rest on count more than those
/// its whole run rests on, over each disputed pair of files (`source_totals`): that
/// much of the stages' excess over the whole run is the dispute's, said once.
fn disputed_excess(src: &crate::model::Source) -> u64 {
    let mut pairs: Vec<&crate::model::TotalsDisagree> = Vec::new();
    let kept = src.stages.iter().filter_map(|s| s.totals_disagree.as_ref());
    for d in kept.chain(src.totals_disagree.as_ref()) {
        if !pairs.contains(&d) {
            pairs.push(d);
        }
    }
    pairs
        .iter()
        .map(|d| d.stages.saturating_sub(d.whole_run))
        .sum()
}

/// Two parts of one source that hold the same requests: read twice, not measured twice.
/// The shards of one plan (`sharded`) are exact shares of it: striping gives them the
/// same users and, without failures, often the same requests, so only the same
/// latencies too (a copy) make them one result set read twice.
fn part_totals(parts: &[SourcePart], overall: &Stage, sharded: bool) -> Option<AuditFinding> {
    let same_latency =
        |a: &SourcePart, b: &SourcePart| a.latency_ms.0.is_some() && a.latency_ms == b.latency_ms;
    // Stages of a tool run for a count (`hey -n 2000`, `ab -n`, `siege -r`) hold the
    // same requests, often without failures; their own latencies tell them apart. So do
    // they the load generators of one stage each run for a count (JMeter agents of 10
    // threads × 100 loops) when none failed: equal failures too would be chance.
    let other_latency = |a: &SourcePart, b: &SourcePart| {
        a.latency_ms.0.is_some() && b.latency_ms.0.is_some() && a.latency_ms != b.latency_ms
    };
    let (a, b) = parts.iter().enumerate().find_map(|(i, a)| {
        parts[i + 1..]
            .iter()
            .find(|b| {
                a.requests > 0
                    && a.users == b.users
                    && a.requests == b.requests
                    && a.failures == b.failures
                    && a.endpoints == b.endpoints
                    && (!sharded || same_latency(a, b))
                    && !((a.stages != b.stages || a.failures == 0) && other_latency(a, b))
            })
            .map(|b| (a, b))
    })?;
    let same_latency = same_latency(a, b);
    let names = |p: &SourcePart| match p.stages.as_slice() {
        [one] => format!("stage {}", ticked(one)),
        many => format!(
            "stages {}",
            many.iter()
                .map(|s| ticked(s))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let (verdict, latency) = if same_latency {
        (
            AuditVerdict::Impossible,
            ", and the same mean and maximum latency",
        )
    } else {
        (AuditVerdict::Suspect, "")
    };
    let (na, nb) = (names(a), names(b));
    let sets = if na == nb {
        format!("two result sets of {na}")
    } else {
        format!("two result sets ({na} and {nb})")
    };
    let explanation = format!(
        "{sets} each hold {} requests with {} failures, endpoint by \
         endpoint{latency}: the same requests counted twice (a copy of one result set), so \
         the source's {} requests are at least {} too many; analyse one copy, or give each \
         run its own dir",
        format_count(a.requests as f64),
        format_count(a.failures as f64),
        format_count(overall.requests() as f64),
        format_count(b.requests as f64),
    );
    Some(
        AuditFinding::new("stage_totals", None, verdict, explanation).values(
            (overall.requests() - b.requests) as f64,
            overall.requests() as f64,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::response_time_law::response_time_law;
    use crate::model::ThinkTime;
    use crate::model::{EndpointKey, EndpointStats, PercentileSummary};

    /// A closed stage of `users` over 100 s whose one endpoint has this summary.
    fn stage(users: u32, requests: u64, mean_ms: f64, points: Vec<(f64, f64)>) -> Stage {
        let key = EndpointKey::new(Some("GET"), "/x");
        let mut ep = EndpointStats::new(key.clone());
        ep.requests = requests;
        ep.latency = LatencyDistribution::Summary(PercentileSummary {
            sd_ms: None,
            count: requests,
            mean_ms: Some(mean_ms),
            min_ms: Some(1.0),
            max_ms: Some(2000.0),
            points,
            merged: false,
            co_corrected: false,
        });
        let mut s = Stage::named("s");
        s.users = Some(users);
        s.duration_s = Some(100.0);
        s.endpoints.insert(key, ep);
        s
    }

    #[test]
    fn the_law_is_ok_within_tolerance_and_suspect_below_it() {
        // 100 users, R = 1 s, Z = 1 s: X = 50 req/s. 5 000 requests in 100 s is
        // exactly that; 3 000 (30 req/s, −40 %) is suspect, not impossible.
        let z = Some(ThinkTime::Constant(1.0));
        let ok = stage(100, 5_000, 1000.0, vec![]);
        let f = response_time_law(&ok, &ScopeMetrics::of_stage(&ok), z, "jmeter").unwrap();
        assert_eq!(f.verdict, AuditVerdict::Ok);
        assert!((f.expected.unwrap() - 50.0).abs() < 1e-9);
        let low = stage(100, 3_000, 1000.0, vec![]);
        let f = response_time_law(&low, &ScopeMetrics::of_stage(&low), z, "jmeter").unwrap();
        assert_eq!(f.verdict, AuditVerdict::Suspect);
        assert!((f.deviation.unwrap() + 0.4).abs() < 1e-9);
        assert!(
            f.explanation.contains("generator saturated"),
            "{}",
            f.explanation
        );
    }

    #[test]
    fn a_coordinated_omission_corrected_mean_bounds_no_throughput_from_above() {
        // 8 users, printed mean 1 ms: N/R = 8,000 req/s. 1,000,000 requests in 100 s
        // (10,000 req/s, 1.25× the bound) is impossible for a measured mean; for a
        // mean the tool raised with its correction it is not checked, unless it is more
        // than N/Z. Too little throughput (2,000 req/s against N/(R+Z) = 8 / 2 ms =
        // 4,000) stays suspect.
        let mut fast = stage(8, 1_000_000, 1.0, vec![]);
        let f = response_time_law(&fast, &ScopeMetrics::of_stage(&fast), None, "wrk").unwrap();
        assert_eq!(f.verdict, AuditVerdict::Impossible);
        for ep in fast.endpoints.values_mut() {
            if let LatencyDistribution::Summary(s) = &mut ep.latency {
                s.co_corrected = true;
            }
        }
        let f = response_time_law(&fast, &ScopeMetrics::of_stage(&fast), None, "wrk").unwrap();
        assert_eq!(f.verdict, AuditVerdict::Ok);
        assert!(
            f.explanation.starts_with("not checked from above"),
            "{}",
            f.explanation
        );
        // Z = 0.5 ms: N/(R+Z) = 5,333 req/s, exceeded with a corrected R: not checked.
        let z = Some(ThinkTime::Constant(0.0005));
        let f = response_time_law(&fast, &ScopeMetrics::of_stage(&fast), z, "wrk").unwrap();
        assert_eq!(f.verdict, AuditVerdict::Ok);
        // Z = 1 ms: more than N/Z = 8,000 req/s at any R stays impossible.
        let z = Some(ThinkTime::Constant(0.001));
        let f = response_time_law(&fast, &ScopeMetrics::of_stage(&fast), z, "wrk").unwrap();
        assert_eq!(f.verdict, AuditVerdict::Impossible);
        let mut slow = stage(8, 200_000, 1.0, vec![]);
        for ep in slow.endpoints.values_mut() {
            if let LatencyDistribution::Summary(s) = &mut ep.latency {
                s.co_corrected = true;
            }
        }
        let f = response_time_law(&slow, &ScopeMetrics::of_stage(&slow), z, "wrk").unwrap();
        assert_eq!(f.verdict, AuditVerdict::Suspect);
        assert!((f.deviation.unwrap() + 0.5).abs() < 1e-9);
    }

    #[test]
    fn decreasing_percentiles_are_impossible() {
        let s = stage(
            10,
            1000,
            100.0,
            vec![(50.0, 100.0), (95.0, 900.0), (99.0, 400.0)],
        );
        let f = percentiles(&s, &ScopeMetrics::of_stage(&s)).unwrap();
        assert_eq!(f.verdict, AuditVerdict::Impossible);
        assert!(f.explanation.contains("p95"), "{}", f.explanation);
        // Within Locust's rounding (2 significant digits) it is not flagged.
        let s = stage(
            10,
            1000,
            100.0,
            vec![(50.0, 100.0), (95.0, 410.0), (99.0, 400.0)],
        );
        let f = percentiles(&s, &ScopeMetrics::of_stage(&s)).unwrap();
        assert_eq!(f.verdict, AuditVerdict::Ok);
    }
}
