//! Evaluation and verdict tests. Expected values are computed by hand (written out
//! as arithmetic in the assertions), never by calling the code under test.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;

use super::*;
use crate::analysis::quantity::UnitKind;
use crate::model::{FailureKind, LatencyDistribution, PercentileSummary, TimeSeries};

const AGENT_PLATFORM: &str = include_str!("../../../data/sla/agent-platform.toml");

/// A scope whose latency histogram holds `count` copies of each value (ms).
fn scope(
    requests: u64,
    failures: u64,
    duration_s: Option<f64>,
    values: &[(f64, u64)],
) -> ScopeMetrics {
    let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
    h.auto(true);
    for &(ms, n) in values {
        h.record_n((ms * 1000.0).round() as u64, n).unwrap();
    }
    ScopeMetrics {
        requests,
        failures,
        duration_s,
        instant: false,
        latency: LatencyDistribution::Exact(h.into()),
        ok_latency: None,
        failures_by_kind: BTreeMap::new(),
        count_slack: Default::default(),
        timeout_ms: None,
    }
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn close(actual: f64, expected: f64, rel: f64) -> bool {
    (actual - expected).abs() <= rel * expected.abs().max(1e-12)
}

/// One stage of the seed report: requests = throughput × duration, failures =
/// error rate × requests, and four latency values placed so that nearest rank gives
/// p50, p95 and p99 exactly: 50 % of requests at p50, 45 % at p95, 4 % at p99 and
/// 1 % at a slower max. (p50 is rank n/2, the last of the first group; p95 is rank
/// 0.95 n, the last of the second; p99 is rank 0.99 n, the last of the third.)
struct SeedStage {
    name: &'static str,
    duration_s: f64,
    requests: u64,
    failures: u64,
    /// p50, p95, p99, max in ms.
    latency: [f64; 4],
}

impl SeedStage {
    fn values(&self) -> [(f64, u64); 4] {
        let n = self.requests;
        let [p50, p95, p99, max] = self.latency;
        [
            (p50, n / 2),
            (p95, n * 45 / 100),
            (p99, n * 4 / 100),
            (max, n / 100),
        ]
    }

    fn metrics(&self) -> ScopeMetrics {
        scope(
            self.requests,
            self.failures,
            Some(self.duration_s),
            &self.values(),
        )
    }
}

/// The seed report's four tests (its "Simulated Value" columns):
/// - baseline 100 req/s × 300 s = 30,000 requests, 0.02 % → 6 failures;
/// - target 500 req/s × 300 s = 150,000, 0.02 % → 30;
/// - peak 1,000 req/s × 600 s = 600,000, 0.02 % → 120;
/// - stress 2,000 req/s × 300 s = 600,000, 1.02 % → 6,120.
const SEED: [SeedStage; 4] = [
    SeedStage {
        name: "baseline",
        duration_s: 300.0,
        requests: 30_000,
        failures: 6,
        latency: [150.0, 400.0, 850.0, 1500.0],
    },
    SeedStage {
        name: "target",
        duration_s: 300.0,
        requests: 150_000,
        failures: 30,
        latency: [750.0, 2000.0, 4250.0, 8000.0],
    },
    SeedStage {
        name: "peak",
        duration_s: 600.0,
        requests: 600_000,
        failures: 120,
        latency: [450.0, 1200.0, 2550.0, 4000.0],
    },
    SeedStage {
        name: "stress",
        duration_s: 300.0,
        requests: 600_000,
        failures: 6_120,
        latency: [900.0, 2400.0, 5100.0, 9000.0],
    },
];

/// Overall: every stage's requests over 1,600 s (the 1,500 s of stages plus 100 s
/// of ramps, whose few requests the fixture leaves out).
fn overall(stages: &[SeedStage]) -> ScopeMetrics {
    let values: Vec<(f64, u64)> = stages.iter().flat_map(|s| s.values()).collect();
    let requests = stages.iter().map(|s| s.requests).sum();
    let failures = stages.iter().map(|s| s.failures).sum();
    scope(requests, failures, Some(1600.0), &values)
}

fn evaluate_seed(stages: &[SeedStage], sla: &str) -> Vec<RuleEvaluation> {
    let spec = SlaSpec::parse(sla).unwrap();
    let per_stage: Vec<ScopeMetrics> = stages.iter().map(SeedStage::metrics).collect();
    let all = overall(stages);
    let mut scopes: Vec<ScopeData> = stages
        .iter()
        .zip(&per_stage)
        .map(|(s, m)| ScopeData {
            stage: Some(s.name),
            endpoint: None,
            metrics: m,
            series: None,
            window_ms: None,
        })
        .collect();
    scopes.push(ScopeData {
        stage: None,
        endpoint: None,
        metrics: &all,
        series: None,
        window_ms: None,
    });
    let stage_names: Vec<String> = stages.iter().map(|s| s.name.to_string()).collect();
    evaluate(&spec, &stage_names, &[], &scopes).unwrap()
}

#[test]
fn seed_report_matrix_cell_by_cell() {
    use RuleStatus::{Fail as F, Pass as P};
    let evals = evaluate_seed(&SEED, AGENT_PLATFORM);

    // Overall by hand: 30,000 + 150,000 + 600,000 + 600,000 = 1,380,000 requests,
    // 6 + 30 + 120 + 6,120 = 6,276 failures, over 1,600 s → 862.5 req/s.
    // Its latencies sorted with running counts:
    //   150 15,000 | 400 28,500 | 450 328,500 | 750 403,500 | 850 404,700 |
    //   900 704,700 | 1200 974,700 | 1500 975,000 | 2000 1,042,500 | 2400 1,312,500 |
    //   2550 1,336,500 | 4000 1,342,500 | 4250 1,348,500 | 5100 1,372,500 | …
    // p50 = rank 690,000 → 900; p95 = rank 1,311,000 → 2400; p99 = rank 1,366,200 → 5100.
    let overall_error = 6276.0 / 1_380_000.0;
    // (rule, [baseline, target, peak, stress, overall] as (status, factor))
    let global: [(&str, [(RuleStatus, f64); 5]); 6] = [
        (
            "throughput >= 1000/s",
            [
                (F, 1000.0 / 100.0),
                (F, 1000.0 / 500.0),
                (P, 1000.0 / 1000.0),
                (P, 1000.0 / 2000.0),
                (F, 1000.0 / 862.5),
            ],
        ),
        (
            "p(50) < 200ms",
            [
                (P, 150.0 / 200.0),
                (F, 750.0 / 200.0),
                (F, 450.0 / 200.0),
                (F, 900.0 / 200.0),
                (F, 900.0 / 200.0),
            ],
        ),
        (
            "p(95) < 500ms",
            [
                (P, 400.0 / 500.0),
                (F, 2000.0 / 500.0),
                (F, 1200.0 / 500.0),
                (F, 2400.0 / 500.0),
                (F, 2400.0 / 500.0),
            ],
        ),
        (
            "p(99) < 1s",
            [
                (P, 850.0 / 1000.0),
                (F, 4250.0 / 1000.0),
                (F, 2550.0 / 1000.0),
                (F, 5100.0 / 1000.0),
                (F, 5100.0 / 1000.0),
            ],
        ),
        (
            "error_rate < 0.1%",
            [
                (P, 0.0002 / 0.001),
                (P, 0.0002 / 0.001),
                (P, 0.0002 / 0.001),
                (F, 0.0102 / 0.001),
                (F, overall_error / 0.001),
            ],
        ),
        (
            // (1 − 0.9998) ÷ (1 − 0.999) = 0.2; stress (1 − 0.9898) ÷ 0.001 = 10.2.
            "availability > 99.9%",
            [
                (P, 0.0002 / 0.001),
                (P, 0.0002 / 0.001),
                (P, 0.0002 / 0.001),
                (F, 0.0102 / 0.001),
                (F, overall_error / 0.001),
            ],
        ),
    ];
    let columns = [
        Some("baseline"),
        Some("target"),
        Some("peak"),
        Some("stress"),
        None,
    ];
    // (rule, scope, stage, status, factor, decides_verdict)
    type Cell<'a> = (&'a str, &'a str, Option<&'a str>, RuleStatus, f64, bool);
    let mut expected: Vec<Cell> = Vec::new();
    for (rule, cells) in &global {
        for (col, (status, factor)) in columns.iter().zip(cells) {
            // Only the peak column decides: verdict_stages = ["peak"].
            expected.push((rule, "global", *col, *status, *factor, *col == Some("peak")));
        }
    }
    // The seed's per-test targets: all met (as its Test 1 and Test 2 tables say).
    let stage_rules: [(&str, &str, f64); 10] = [
        ("baseline", "throughput >= 100/s", 100.0 / 100.0),
        ("baseline", "p(50) < 200ms", 150.0 / 200.0),
        ("baseline", "p(95) < 500ms", 400.0 / 500.0),
        ("baseline", "p(99) < 1000ms", 850.0 / 1000.0),
        ("baseline", "error_rate < 0.1%", 0.0002 / 0.001),
        ("target", "throughput >= 500/s", 500.0 / 500.0),
        ("target", "p(50) < 800ms", 750.0 / 800.0),
        ("target", "p(95) < 2500ms", 2000.0 / 2500.0),
        ("target", "p(99) < 5000ms", 4250.0 / 5000.0),
        ("target", "error_rate < 0.2%", 0.0002 / 0.002),
    ];
    for (stage, rule, factor) in stage_rules {
        expected.push((rule, "stage", Some(stage), P, factor, false));
    }

    assert_eq!(evals.len(), expected.len());
    for (e, (rule, scope, stage, status, factor, decides)) in evals.iter().zip(&expected) {
        let cell = format!("{rule} @ {stage:?}");
        assert_eq!(e.rule, *rule, "{cell}");
        assert_eq!(e.scope.as_str(), *scope, "{cell}");
        assert_eq!(e.stage.as_deref(), *stage, "{cell}");
        assert_eq!(e.endpoint, None, "{cell}");
        assert_eq!(e.status, *status, "{cell}: {e:?}");
        assert_eq!(e.pass == Some(true), *status == P, "{cell}");
        assert_eq!(e.decides_verdict, *decides, "{cell}");
        assert_eq!(e.severity, Severity::Fail, "{cell}");
        // Histograms keep 3 significant digits and report a bucket's highest value,
        // so a percentile may sit up to 0.1 % above the value recorded.
        let tolerance = if e.unit == UnitKind::LatencyMs {
            1e-3
        } else {
            1e-9
        };
        let f = e.factor.unwrap_or_else(|| panic!("{cell}: no factor"));
        assert!(
            close(f, *factor, tolerance),
            "{cell}: factor {f} vs {factor}"
        );
    }

    // A few cells in full.
    let peak_p50 = &evals[5 + 2];
    assert_eq!(
        (peak_p50.metric.to_string().as_str(), peak_p50.unit.unit()),
        ("p(50)", "ms")
    );
    assert!(close(peak_p50.value.unwrap(), 450.0, 1e-3));
    assert_eq!(peak_p50.value_display.as_deref(), Some("450 ms"));
    assert_eq!(peak_p50.limit_display, "200 ms");
    // Order-statistic interval of p50 over 600,000 values: ranks 300,000 ∓ 759.2
    // (1.96 × √(600,000 × 0.25) = 759.1) → 299,240 and 300,760, i.e. the last of the
    // 450 ms group and the first of the 1,200 ms one.
    let [lo, hi] = peak_p50.interval.unwrap();
    assert!(
        close(lo, 450.0, 1e-3) && close(hi, 1200.0, 1e-3),
        "{lo} {hi}"
    );
    let peak_errors = &evals[4 * 5 + 2];
    assert_eq!(peak_errors.metric, Metric::ErrorRate);
    assert_eq!(
        (peak_errors.value, peak_errors.limit),
        (Some(120.0 / 600_000.0), 0.001)
    );
    assert_eq!(peak_errors.unit, UnitKind::Ratio);
    assert_eq!(peak_errors.value_display.as_deref(), Some("0.02%"));
    // Wilson 95 % for 120 of 600,000, by hand: p = 0.0002, z² = 3.8415,
    // centre = (p + z²/2n) ÷ (1 + z²/n) = 0.00020320, half = 0.00003592.
    let [lo, hi] = peak_errors.interval.unwrap();
    assert!(
        close(lo, 0.000_167_277, 1e-5) && close(hi, 0.000_239_123, 1e-5),
        "{lo} {hi}"
    );
    let stress_avail = &evals[5 * 5 + 3];
    assert_eq!(stress_avail.value_display.as_deref(), Some("98.98%"));
    assert_eq!(stress_avail.limit_display, "99.9%");
    let overall_throughput = &evals[4];
    assert_eq!(overall_throughput.stage, None);
    assert_eq!(overall_throughput.value, Some(862.5));

    // Peak misses p50/p95/p99: the seed's "2/5 metrics pass" is a NO-GO.
    assert_eq!(verdict(&evals, true), Verdict::NoGo);
    assert_eq!(verdict(&evals, false), Verdict::NoGo);
}

#[test]
fn seed_report_without_verdict_stages_lets_every_stage_decide() {
    let sla = AGENT_PLATFORM.replace("verdict_stages = [\"peak\"]", "");
    let evals = evaluate_seed(&SEED, &sla);
    let deciding: Vec<_> = evals.iter().filter(|e| e.decides_verdict).collect();
    // 6 global rules × 4 stages (overall does not decide while there are stages),
    // plus the 10 stage rules.
    assert_eq!(deciding.len(), 6 * 4 + 10);
    assert!(evals
        .iter()
        .filter(|e| e.stage.is_none())
        .all(|e| !e.decides_verdict));
    assert_eq!(verdict(&evals, true), Verdict::NoGo);
}

#[test]
fn a_release_that_meets_the_peak_sla_is_go_only_with_a_clean_audit() {
    // Peak as fast as the baseline: 150 / 400 / 850 ms at 1,000 req/s, 0.02 % errors.
    let mut stages = SEED;
    stages[2].latency = [150.0, 400.0, 850.0, 1500.0];
    let evals = evaluate_seed(&stages, AGENT_PLATFORM);
    let peak: Vec<_> = evals.iter().filter(|e| e.decides_verdict).collect();
    assert_eq!(peak.len(), 6);
    assert!(
        peak.iter().all(|e| e.status == RuleStatus::Pass),
        "{peak:?}"
    );
    // Stress still fails, but stress does not decide.
    assert!(evals
        .iter()
        .any(|e| e.stage.as_deref() == Some("stress") && e.pass == Some(false)));
    assert_eq!(verdict(&evals, true), Verdict::Go);
    assert_eq!(verdict(&evals, false), Verdict::Conditional);
}

#[test]
fn wilson_interval_matches_hand_computation() {
    // k = 0: low = 0, high = z² ÷ (n + z²) = 3.841459 ÷ 503.841459 = 0.0076243.
    let [lo, hi] = wilson_interval(0, 500, Z_95).unwrap();
    assert_eq!(lo, 0.0);
    assert!(close(hi, 0.007_624_34, 1e-6), "{hi}");
    // 10 of 100: p = 0.1, denominator 1 + z²/n = 1.0384146,
    // centre = (0.1 + 0.0192073) ÷ 1.0384146 = 0.1147973,
    // half = 1.959964 ÷ 1.0384146 × √(0.0009 + 0.0000960) = 0.0595684
    // → [0.0552289, 0.1743657] (the textbook Wilson interval for 10/100).
    let [lo, hi] = wilson_interval(10, 100, Z_95).unwrap();
    assert!(
        close(lo, 0.055_228_9, 1e-5) && close(hi, 0.174_365_7, 1e-5),
        "{lo} {hi}"
    );
    assert_eq!(wilson_interval(7, 7, Z_95).unwrap()[1], 1.0);
    assert_eq!(wilson_interval(0, 0, Z_95), None);
    assert_eq!(wilson_interval(3, 2, Z_95), None);
}

#[test]
fn factor_formulas() {
    let f = |m, op, v, l| factor(m, op, v, l);
    // Upper bound: value ÷ limit.
    assert_eq!(
        f(Metric::Percentile(95.0), Op::Lt, 1200.0, 500.0),
        Some(2.4)
    );
    assert_eq!(
        f(Metric::Percentile(50.0), Op::Lt, 150.0, 200.0),
        Some(0.75)
    );
    assert!(close(
        f(Metric::ErrorRate, Op::Lt, 0.0102, 0.001).unwrap(),
        10.2,
        1e-12
    ));
    // Lower bound: limit ÷ value.
    assert_eq!(f(Metric::Throughput, Op::Ge, 500.0, 1000.0), Some(2.0));
    assert_eq!(f(Metric::Throughput, Op::Gt, 2000.0, 1000.0), Some(0.5));
    // Availability (lower bound): (1 − value) ÷ (1 − limit) = 0.0102 ÷ 0.001.
    assert!(close(
        f(Metric::Availability, Op::Gt, 0.9898, 0.999).unwrap(),
        10.2,
        1e-9
    ));
    // Null when a denominator is 0.
    assert_eq!(f(Metric::ErrorRate, Op::Le, 0.01, 0.0), None);
    assert_eq!(f(Metric::Throughput, Op::Ge, 0.0, 10.0), None);
    assert_eq!(f(Metric::Requests, Op::Gt, 10.0, 0.0), None);
    assert_eq!(f(Metric::Availability, Op::Ge, 0.99, 1.0), None);
}

/// Evaluates `rules` ([global]) on one stage "s" (and overall, same figures).
fn one_stage(rules: &[&str], m: &ScopeMetrics) -> Vec<RuleEvaluation> {
    let quoted: Vec<String> = rules.iter().map(|r| format!("\"{r}\"")).collect();
    let spec = SlaSpec::parse(&format!("[global]\nrules = [{}]\n", quoted.join(", "))).unwrap();
    let scopes = [
        ScopeData {
            stage: Some("s"),
            endpoint: None,
            metrics: m,
            series: None,
            window_ms: None,
        },
        ScopeData {
            stage: None,
            endpoint: None,
            metrics: m,
            series: None,
            window_ms: None,
        },
    ];
    let evals = evaluate(&spec, &names(&["s"]), &[], &scopes).unwrap();
    // Keep the stage column only.
    evals.into_iter().filter(|e| e.stage.is_some()).collect()
}

#[test]
fn zero_failures_in_500_requests_cannot_prove_a_tenth_of_a_percent() {
    let m = scope(500, 0, Some(50.0), &[(10.0, 500)]);
    let e = one_stage(
        &[
            "error_rate < 0.1%",
            "availability > 99.9%",
            "error_rate < 1%",
        ],
        &m,
    );
    // The high end 0.76 % (≈ 3.84 ÷ 500) is above 0.1 %: not proven; below 1 %: pass.
    assert_eq!(e[0].status, RuleStatus::NotProven);
    assert_eq!(e[0].pass, Some(true));
    assert_eq!(e[0].value, Some(0.0));
    assert_eq!(e[0].factor, Some(0.0));
    let [lo, hi] = e[0].interval.unwrap();
    assert_eq!(lo, 0.0);
    assert!(close(hi, 0.007_624_34, 1e-6));
    assert!(
        e[0].note.as_deref().unwrap().contains("[0%, 0.762%]"),
        "{:?}",
        e[0].note
    );
    assert_eq!(e[1].status, RuleStatus::NotProven);
    let [lo, hi] = e[1].interval.unwrap();
    assert!(close(lo, 1.0 - 0.007_624_34, 1e-9) && hi == 1.0);
    assert_eq!(e[2].status, RuleStatus::Pass);
    assert_eq!(verdict(&e, true), Verdict::Conditional);

    // Ten times the requests: 3.84 ÷ 5,004 = 0.077 % < 0.1 %: proven.
    let m = scope(5000, 0, Some(50.0), &[(10.0, 5000)]);
    assert_eq!(
        one_stage(&["error_rate < 0.1%"], &m)[0].status,
        RuleStatus::Pass
    );
}

#[test]
fn p99_of_50_samples_is_insufficient_data_but_keeps_its_value() {
    let values: Vec<(f64, u64)> = (1..=50).map(|ms| (ms as f64, 1)).collect();
    let m = scope(50, 0, Some(10.0), &values);
    let e = one_stage(&["p(99) < 1s", "p(95) < 1s", "p(50) < 1s", "max < 1s"], &m);
    // p99 needs 10 ÷ 0.01 = 1,000 samples, p95 200, p50 20.
    assert_eq!(e[0].status, RuleStatus::InsufficientData);
    // Nearest rank: ⌈0.99 × 50⌉ = 50th value = 50 ms.
    assert!(close(e[0].value.unwrap(), 50.0, 1e-3));
    // The value is kept, but a face value on too few samples is no pass.
    assert_eq!(e[0].pass, None);
    assert!(close(e[0].factor.unwrap(), 50.0 / 1000.0, 1e-3));
    let note = e[0].note.as_deref().unwrap();
    assert!(
        note.contains("50 samples") && note.contains("1000"),
        "{note}"
    );
    assert_eq!(e[1].status, RuleStatus::InsufficientData);
    assert_eq!(e[2].status, RuleStatus::Pass);
    assert_eq!(e[3].status, RuleStatus::Pass);
    assert_eq!(verdict(&e, true), Verdict::Conditional);
}

#[test]
fn unknown_values_are_insufficient_data() {
    // No duration: no throughput.
    let m = scope(2000, 0, None, &[(10.0, 2000)]);
    let e = one_stage(
        &["throughput >= 1/s", "goodput >= 1/s", "requests >= 1000"],
        &m,
    );
    assert_eq!(e[0].status, RuleStatus::InsufficientData);
    assert_eq!((e[0].value, e[0].factor, e[0].pass), (None, None, None));
    assert!(e[0].note.as_deref().unwrap().contains("no duration"));
    assert_eq!(e[1].status, RuleStatus::InsufficientData);
    assert_eq!(e[2].status, RuleStatus::Pass);
    assert_eq!(e[2].unit, UnitKind::Count);

    // A tool's summary without p(99.9).
    let m = ScopeMetrics {
        latency: LatencyDistribution::Summary(PercentileSummary {
            sd_ms: None,
            count: 2000,
            mean_ms: Some(5.0),
            min_ms: Some(1.0),
            max_ms: Some(90.0),
            points: vec![(50.0, 4.0), (99.0, 40.0)],
            merged: false,
            co_corrected: false,
        }),
        ..scope(2000, 0, Some(10.0), &[])
    };
    let e = one_stage(&["p(99.9) < 1s", "p(99) < 1s", "mean < 10"], &m);
    // Its max bounds p(99.9), but 2,000 samples are too few for a p(99.9).
    assert_eq!(e[0].status, RuleStatus::InsufficientData);
    let note = e[0].note.as_deref().unwrap();
    assert!(
        note.contains("prints no p(99.9); its max (90 ms) bounds it") && note.contains("10001"),
        "{note}"
    );
    // Without a max nothing bounds it from above.
    let mut no_max = m.clone();
    if let LatencyDistribution::Summary(s) = &mut no_max.latency {
        s.max_ms = None;
    }
    let e0 = &one_stage(&["p(99.9) < 1s"], &no_max)[0];
    assert_eq!(e0.status, RuleStatus::InsufficientData);
    assert!(e0
        .note
        .as_deref()
        .unwrap()
        .contains("summary has no p(99.9)"));
    assert_eq!(e[1].status, RuleStatus::Pass);
    assert_eq!(e[2].status, RuleStatus::Pass);

    // No requests at all.
    let m = scope(0, 0, Some(10.0), &[]);
    let e = one_stage(&["error_rate < 1%", "p(50) < 1s"], &m);
    assert!(e
        .iter()
        .all(|e| e.status == RuleStatus::InsufficientData && e.value.is_none()));
    assert_eq!(e[0].interval, None);
}

/// wrk prints p(50), p(75), p(90) and p(99): percentiles never decrease with p, so
/// p(90) ≤ p(95) ≤ p(99) settles a p(95) rule whenever the limit is outside that
/// bracket, and only then.
#[test]
fn a_percentile_the_summary_does_not_print_is_judged_by_those_around_it() {
    let m = ScopeMetrics {
        latency: LatencyDistribution::Summary(PercentileSummary {
            sd_ms: None,
            count: 5000,
            mean_ms: Some(21.0),
            min_ms: Some(2.0),
            max_ms: Some(88.0),
            points: vec![(50.0, 19.9), (75.0, 26.7), (90.0, 35.4), (99.0, 55.3)],
            merged: false,
            co_corrected: true,
        }),
        ..scope(5000, 0, Some(10.0), &[])
    };
    let rules = [
        "p(95) < 500ms",
        "p(95) < 30ms",
        "p(95) < 40ms",
        "p(95) <= 35.4ms",
        "p(95) > 30ms",
        "p(95) > 60ms",
    ];
    let e = one_stage(&rules, &m);
    let got: Vec<_> = (e.iter())
        .map(|e| (e.status, e.value, e.value_display.as_deref(), e.pass))
        .collect();
    use RuleStatus::{Fail, InsufficientData, Pass};
    assert_eq!(
        got,
        vec![
            (Pass, None, Some("≤ 55.3 ms"), Some(true)),
            (Fail, None, Some("≥ 35.4 ms"), Some(false)),
            // 35.4 < 40 < 55.3: either side.
            (InsufficientData, None, None, None),
            // p(90) = 35.4 may be p(95) too: `<=` is not failed.
            (InsufficientData, None, None, None),
            (Pass, None, Some("≥ 35.4 ms"), Some(true)),
            (Fail, None, Some("≤ 55.3 ms"), Some(false)),
        ]
    );
    assert_eq!(e[0].interval, Some([35.4, 55.3]));
    assert!(e[0]
        .note
        .as_deref()
        .unwrap()
        .contains("p(95) ≤ p(99), so the rule holds"));
    // A merged summary's percentiles are estimates: no bound rests on them.
    let mut merged = m.clone();
    if let LatencyDistribution::Summary(s) = &mut merged.latency {
        s.merged = true;
    }
    assert_eq!(
        one_stage(&["p(95) < 500ms"], &merged)[0].status,
        InsufficientData
    );
}

#[test]
fn endpoint_rules_cover_every_stage_and_overall() {
    let sla = "[global]\nverdict_stages = [\"Peak\"]\n\n\
               [endpoint.\"POST /api/v1/agents/run\"]\nrules = [\"p(95) < 5s\"]\n";
    let spec = SlaSpec::parse(sla).unwrap();
    let fast = scope(1000, 0, Some(10.0), &[(100.0, 1000)]);
    let slow = scope(1000, 0, Some(10.0), &[(6000.0, 1000)]);
    let ep = || Some("POST /api/v1/agents/run".to_string());
    let scopes = [
        ScopeData {
            stage: Some("baseline"),
            endpoint: ep(),
            metrics: &fast,
            series: None,
            window_ms: None,
        },
        ScopeData {
            stage: Some("peak"),
            endpoint: ep(),
            metrics: &slow,
            series: None,
            window_ms: None,
        },
        ScopeData {
            stage: None,
            endpoint: ep(),
            metrics: &slow,
            series: None,
            window_ms: None,
        },
    ];
    let evals = evaluate(
        &spec,
        &names(&["baseline", "target", "peak"]),
        &names(&["GET /api/v1/agents", "POST /api/v1/agents/run"]),
        &scopes,
    )
    .unwrap();
    let cells: Vec<_> = evals
        .iter()
        .map(|e| {
            (
                e.scope.as_str(),
                e.stage.as_deref(),
                e.status,
                e.decides_verdict,
            )
        })
        .collect();
    assert_eq!(
        cells,
        [
            ("endpoint", Some("baseline"), RuleStatus::Pass, false),
            // The endpoint was not hit in "target": no data, not a pass.
            (
                "endpoint",
                Some("target"),
                RuleStatus::InsufficientData,
                false
            ),
            // "Peak" in verdict_stages finds "peak" (the only case-insensitive match).
            ("endpoint", Some("peak"), RuleStatus::Fail, true),
            ("endpoint", None, RuleStatus::Fail, false),
        ]
    );
    assert!(evals
        .iter()
        .all(|e| e.endpoint.as_deref() == Some("POST /api/v1/agents/run")));
    assert!(close(evals[2].factor.unwrap(), 6000.0 / 5000.0, 1e-3));
    assert_eq!(evals[1].note.as_deref(), Some("no data for this scope"));
    assert_eq!(verdict(&evals, true), Verdict::NoGo);
}

#[test]
fn typos_are_errors_with_suggestions_and_absent_names_are_not_run() {
    let stages = names(&["baseline", "target", "peak", "stress"]);
    let endpoints = names(&["GET /api/v1/agents", "POST /api/v1/agents/run"]);
    let m = scope(10, 0, Some(1.0), &[(1.0, 10)]);
    let scopes = [ScopeData {
        stage: None,
        endpoint: None,
        metrics: &m,
        series: None,
        window_ms: None,
    }];
    let run = |sla: &str| evaluate(&SlaSpec::parse(sla).unwrap(), &stages, &endpoints, &scopes);

    let e = run("[global]\nrules = [\"max < 1s\"]\n\n[stage.peek]\nrules = [\"max < 1s\"]\n")
        .unwrap_err();
    assert_eq!(e.line, Some(4));
    assert_eq!(
        e.to_string(),
        "line 4: [stage.peek] matches no stage in the data — did you mean \"peak\"? \
         (stages: baseline, target, peak, stress)"
    );

    let e = run("[global]\nverdict_stages = [\"peak\", \"strss\"]\nrules = [\"max < 1s\"]\n")
        .unwrap_err();
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("\"strss\"") && e.message.contains("did you mean \"stress\"?"));

    let e = run("[endpoint.\"POST /api/v1/agent/run\"]\nrules = [\"max < 1s\"]\n").unwrap_err();
    assert_eq!(e.line, Some(1));
    assert!(
        e.message
            .contains("did you mean \"POST /api/v1/agents/run\"?"),
        "{e}"
    );

    // A name the data lacks altogether is not an error: its rules are not run.
    let evals = run("[stage.warmup]\nrules = [\"max < 1s\"]\n").unwrap();
    assert_eq!(evals.len(), 1);
    assert_eq!(evals[0].status, RuleStatus::NotRun);
    assert!(!evals[0].decides_verdict);
    assert!(
        evals[0]
            .note
            .as_deref()
            .unwrap()
            .contains("(stages: baseline, target, peak, stress)"),
        "{:?}",
        evals[0].note
    );

    let evals = evaluate(
        &SlaSpec::parse("[stage.peak]\nrules = [\"max < 1s\"]\n").unwrap(),
        &[],
        &[],
        &scopes,
    )
    .unwrap();
    assert_eq!(evals[0].status, RuleStatus::NotRun);
    let note = evals[0].note.as_deref().unwrap();
    assert!(note.contains("the data has no stages"), "{note}");
}

#[test]
fn without_stages_overall_decides() {
    let spec = SlaSpec::parse("[global]\nrules = [\"p(50) < 1s\"]\n").unwrap();
    let m = scope(100, 0, Some(1.0), &[(5.0, 100)]);
    let evals = evaluate(
        &spec,
        &[],
        &[],
        &[ScopeData {
            stage: None,
            endpoint: None,
            metrics: &m,
            series: None,
            window_ms: None,
        }],
    )
    .unwrap();
    assert_eq!(evals.len(), 1);
    assert!(evals[0].decides_verdict && evals[0].stage.is_none());
    assert_eq!(verdict(&evals, true), Verdict::Go);
}

fn cell(status: RuleStatus, severity: Severity, decides: bool) -> RuleEvaluation {
    RuleEvaluation {
        rule: "p(95) < 500ms".into(),
        line: Some(1),
        scope: Scope::Global,
        stage: Some("peak".into()),
        endpoint: None,
        metric: Metric::Percentile(95.0),
        op: Op::Lt,
        value: Some(1.0),
        limit: 500.0,
        unit: UnitKind::LatencyMs,
        value_display: Some("1 ms".into()),
        limit_display: "500 ms".into(),
        status,
        pass: Some(status == RuleStatus::Pass),
        factor: Some(0.002),
        factor_text: None,
        severity,
        decides_verdict: decides,
        interval: None,
        note: None,
        window: None,
        bound_on: None,
    }
}

#[test]
fn verdict_rules() {
    use RuleStatus::*;
    use Severity::{Fail as Must, Warn};
    let v = |cells: &[(RuleStatus, Severity, bool)], clean| {
        let evals: Vec<_> = cells.iter().map(|&(s, sev, d)| cell(s, sev, d)).collect();
        verdict(&evals, clean)
    };
    assert_eq!(
        v(&[(Pass, Must, true), (Pass, Must, true)], true),
        Verdict::Go
    );
    assert_eq!(v(&[(Pass, Must, true)], false), Verdict::Conditional);
    assert_eq!(
        v(&[(Pass, Must, true), (NotProven, Must, true)], true),
        Verdict::Conditional
    );
    assert_eq!(
        v(&[(InsufficientData, Must, true)], true),
        Verdict::Conditional
    );
    assert_eq!(v(&[(Fail, Warn, true)], true), Verdict::Conditional);
    assert_eq!(
        v(&[(Fail, Must, true), (NotProven, Must, true)], true),
        Verdict::NoGo
    );
    // Cells outside the verdict stages do not count…
    assert_eq!(
        v(&[(Pass, Must, true), (Fail, Must, false)], true),
        Verdict::Go
    );
    // …and an SLA that judges nothing cannot say GO.
    assert_eq!(v(&[(Pass, Must, false)], true), Verdict::Conditional);
    assert_eq!(v(&[], true), Verdict::Conditional);
}

#[test]
fn json_shape() {
    assert_eq!(serde_json::to_string(&Verdict::NoGo).unwrap(), "\"NO-GO\"");
    assert_eq!(serde_json::to_string(&Verdict::Go).unwrap(), "\"GO\"");
    assert_eq!(
        serde_json::to_string(&Verdict::Conditional).unwrap(),
        "\"CONDITIONAL\""
    );
    assert_eq!(Verdict::NoGo.to_string(), "NO-GO");
    let j = serde_json::to_value(cell(RuleStatus::NotProven, Severity::Fail, true)).unwrap();
    assert_eq!(j["status"], "not_proven");
    assert_eq!(j["severity"], "fail");
    assert_eq!(j["stage"], "peak");
    assert!(j["endpoint"].is_null() && j["interval"].is_null());
    assert_eq!(
        serde_json::to_value(RuleStatus::InsufficientData).unwrap(),
        "insufficient_data"
    );
}

#[test]
fn agent_platform_sla_parses() {
    let spec = SlaSpec::parse(AGENT_PLATFORM).unwrap();
    assert_eq!(spec.verdict_stages(), Some(&names(&["peak"])[..]));
    assert_eq!(spec.global.len(), 6);
    let stages: Vec<_> = spec
        .stages
        .iter()
        .map(|s| (s.name.as_str(), s.rules.len()))
        .collect();
    assert_eq!(stages, [("baseline", 5), ("target", 5)]);
    assert!(spec.endpoints.is_empty());
    // error_rate < 0.2% is the fraction 0.002.
    assert!(close(spec.stages[1].rules[4].limit, 0.002, 1e-12));
}

// ---- SLA v2 ----------------------------------------------------------------------

/// Evaluates a whole SLA file on one stage "s" (and overall, same figures) and keeps
/// the stage column.
fn on_stage(sla: &str, d: ScopeData) -> Vec<RuleEvaluation> {
    let spec = SlaSpec::parse(sla).unwrap();
    let overall = ScopeData {
        stage: None,
        ..d.clone()
    };
    let evals = evaluate(&spec, &names(&["s"]), &[], &[d, overall]).unwrap();
    evals.into_iter().filter(|e| e.stage.is_some()).collect()
}

fn on_metrics(sla: &str, m: &ScopeMetrics) -> Vec<RuleEvaluation> {
    on_stage(sla, ScopeData::new(Some("s"), None, m))
}

#[test]
fn status_shares_and_expected_statuses() {
    // 10,000 requests; failures: 30 × 503, 10 × 500, 60 × 429, 5 timeouts.
    let mut m = scope(10_000, 105, Some(100.0), &[(10.0, 10_000)]);
    m.failures_by_kind = BTreeMap::from([
        (FailureKind::Status(503), 30),
        (FailureKind::Status(500), 10),
        (FailureKind::Status(429), 60),
        (FailureKind::Timeout, 5),
    ]);
    let sla = "[global]\nexpected_status = [429]\nrules = [\"rc(5xx) < 0.5%\", \"rc(5xx) < 0.3%\", \
               \"rc(429) < 1%\", \"rc(2xx) > 99%\", \"error_rate < 1%\", \"availability > 99.9%\"]\n";
    let e = on_metrics(sla, &m);
    // rc(5xx) = (30 + 10) / 10,000 = 0.4 %: passes 0.5 % (Wilson high end for 40 of
    // 10,000 is 0.545 %: not proven), fails 0.3 % by 0.4 / 0.3.
    assert!(close(e[0].value.unwrap(), 0.004, 1e-12));
    assert_eq!(e[0].status, RuleStatus::NotProven);
    let [_, hi] = e[0].interval.unwrap();
    assert!(hi > 0.005 && hi < 0.0056, "{hi}");
    assert_eq!(e[1].status, RuleStatus::Fail);
    assert!(close(e[1].factor.unwrap(), 0.004 / 0.003, 1e-9));
    // rc(429) = 60 / 10,000 = 0.6 %, still reported although 429 is expected.
    assert!(close(e[2].value.unwrap(), 0.006, 1e-12));
    assert_eq!(e[2].status, RuleStatus::Pass);
    assert_eq!(e[2].metric.to_string(), "rc(429)");
    // Successful statuses are not counted in the data.
    assert_eq!(e[3].status, RuleStatus::InsufficientData);
    assert!(e[3].note.as_deref().unwrap().contains("2xx"));
    // error_rate without the 60 × 429: 45 / 10,000 = 0.45 %.
    assert!(close(e[4].value.unwrap(), 0.0045, 1e-12));
    assert_eq!(e[4].status, RuleStatus::Pass);
    assert!(e[4].note.as_deref().unwrap().contains("60 failures"));
    assert!(close(e[5].value.unwrap(), 1.0 - 0.0045, 1e-12));
    assert_eq!(e[5].status, RuleStatus::Fail);
    // (1 − 0.9955) ÷ (1 − 0.999) = 4.5.
    assert!(close(e[5].factor.unwrap(), 4.5, 1e-9));
}

#[test]
fn apdex_from_successes_and_from_unplaced_failures() {
    // 1,000 successes: 800 at 100 ms (satisfied), 100 at 1 s (tolerating, ≤ 4T = 2 s),
    // 100 at 3 s (frustrated); plus 100 failures (frustrated) at 50 ms.
    // Apdex(500ms) = (800 + 100 / 2) / 1,100 = 0.772727…
    let mut m = scope(
        1100,
        100,
        Some(10.0),
        &[(100.0, 800), (1000.0, 100), (3000.0, 100), (50.0, 100)],
    );
    let ok = scope(1000, 0, None, &[(100.0, 800), (1000.0, 100), (3000.0, 100)]);
    m.ok_latency = Some(ok.latency.clone());
    let sla = "[global]\nrules = [\"apdex(500ms) > 0.75\", \"apdex(500ms) > 0.8\", \
               \"apdex(500ms, 1.5s) >= 0.7\", \"apdex(2s) > 0.9\"]\n";
    let e = on_metrics(sla, &m);
    assert!(close(e[0].value.unwrap(), 850.0 / 1100.0, 1e-12));
    assert_eq!(e[0].status, RuleStatus::Pass);
    assert_eq!((e[0].unit, e[0].interval), (UnitKind::Score, None));
    assert_eq!(e[0].value_display.as_deref(), Some("0.77"));
    assert_eq!(e[1].status, RuleStatus::Fail);
    assert!(close(e[1].factor.unwrap(), 0.8 / (850.0 / 1100.0), 1e-12));
    // F = 1.5 s: the same zones.
    assert!(close(e[2].value.unwrap(), 850.0 / 1100.0, 1e-12));
    // T = 2 s, F = 8 s: 900 satisfied, 100 tolerating → (900 + 50) / 1,100.
    assert!(close(e[3].value.unwrap(), 950.0 / 1100.0, 1e-12));
    assert_eq!(e[3].status, RuleStatus::Fail);

    // Without a successes' histogram (an interval log) the failures are not placed.
    // Zones of all 1,100 timed requests: satisfied 900 (800 + the 100 at 50 ms),
    // tolerating 100, frustrated 100. If the 100 failures were the slowest they
    // come out of frustrated: (900 + 100 / 2) / 1,100; if the fastest, out of
    // satisfied: (800 + 100 / 2) / 1,100.
    m.ok_latency = None;
    let e = on_metrics(sla, &m);
    let (high, low) = (950.0 / 1100.0, 850.0 / 1100.0);
    assert!(close(e[1].value.unwrap(), high, 1e-12));
    let [lo, hi] = e[1].interval.unwrap();
    assert!(close(lo, low, 1e-12) && close(hi, high, 1e-12));
    // > 0.8 holds at the high end only: not proven.
    assert_eq!(e[1].status, RuleStatus::NotProven);
    assert!(e[1]
        .note
        .as_deref()
        .unwrap()
        .contains("which latencies failed"));
    // > 0.75 holds at both ends.
    assert_eq!(e[0].status, RuleStatus::Pass);

    // A tool's summary cannot give an Apdex.
    let m = ScopeMetrics {
        latency: LatencyDistribution::Summary(PercentileSummary {
            count: 10,
            ..Default::default()
        }),
        ..scope(10, 0, Some(1.0), &[])
    };
    let e = on_metrics("[global]\nrules = [\"apdex > 0.5\"]\n", &m);
    assert_eq!(e[0].status, RuleStatus::InsufficientData);
}

#[test]
fn apdex_leaves_out_unmeasured_successes() {
    use super::stats::apdex_with_unplaced_failures;
    // 1,000 measured: 900 satisfied, 50 tolerating, 50 frustrated; 3,000 requests, 100
    // failed. 2,000 requests have no time, more than the failures: at least 1,900
    // successes went unmeasured and are left out, and each failure may be measured.
    // Slowest first: with all 100 measured, 50 leave frustrated and 50 tolerating:
    // (900 + 0) / 1,000 = 0.9 (none measured: 925 / 1,100). Fastest first: all 100 out
    // of satisfied: (800 + 25) / 1,000 = 0.825.
    let r = apdex_with_unplaced_failures([900, 50, 50], 3000, 100).unwrap();
    assert!(close(r.high, 0.9, 1e-12), "{r:?}");
    assert!(close(r.low, 0.825, 1e-12), "{r:?}");
    // No more unmeasured requests than failures: they are the failures, exactly.
    let r = apdex_with_unplaced_failures([900, 50, 50], 1100, 100).unwrap();
    assert!(close(r.high, 925.0 / 1100.0, 1e-12) && close(r.low, r.high, 1e-12));
    // Nothing measured and nothing failed: no score.
    assert_eq!(apdex_with_unplaced_failures([0, 0, 0], 500, 0), None);
}

#[test]
fn order_statistic_ranks_by_hand() {
    // n = 1,000, p = 0.95: 950 ∓ 1.96 × √(1,000 × 0.95 × 0.05) = 950 ∓ 13.51 → 936, 964.
    assert_eq!(order_statistic_ranks(1000, 95.0, Z_95), Some([936, 964]));
    // n = 10,000, p = 0.99: 9,900 ∓ 1.96 × √99 = 9,900 ∓ 19.50 → 9,880, 9,920.
    assert_eq!(
        order_statistic_ranks(10_000, 99.0, Z_95),
        Some([9880, 9920])
    );
    // Clamped to 1..n.
    assert_eq!(order_statistic_ranks(10, 99.0, Z_95), Some([9, 10]));
    assert_eq!(order_statistic_ranks(0, 50.0, Z_95), None);

    // 1,000 values 1..=1000 ms: the interval of p95 is [936 ms, 964 ms] (to 0.1 %),
    // the rule is judged on p95 = 950 ms; the interval crossing 960 is noted only.
    let values: Vec<(f64, u64)> = (1..=1000).map(|ms| (ms as f64, 1)).collect();
    let m = scope(1000, 0, Some(10.0), &values);
    let e = on_metrics(
        "[global]\nrules = [\"p(95) < 960ms\", \"p(95) < 1s\"]\n",
        &m,
    );
    let [lo, hi] = e[0].interval.unwrap();
    assert!(
        close(lo, 936.0, 1e-3) && close(hi, 964.0, 1e-3),
        "{lo} {hi}"
    );
    assert_eq!(e[0].status, RuleStatus::Pass);
    assert!(e[0]
        .note
        .as_deref()
        .unwrap()
        .contains("reaches past the limit"));
    assert_eq!(e[1].status, RuleStatus::Pass);
    assert_eq!(e[1].note, None);
}

/// A series of `secs` one-second intervals from t = 1,000,000 ms with `per_s`
/// requests each; in the seconds of `slow` every latency is `slow_ms`, else 10 ms.
fn series(secs: i64, per_s: i64, slow: std::ops::Range<i64>, slow_ms: f64) -> TimeSeries {
    let mut ts = TimeSeries::default();
    for s in 0..secs {
        for i in 0..per_s {
            let lat = if slow.contains(&s) { slow_ms } else { 10.0 };
            ts.record(1_000_000 + s * 1000 + i * 1000 / per_s, Some(lat), false);
        }
    }
    ts
}

#[test]
fn windows_find_the_one_breaching_window() {
    // 900 s at 100 req/s; seconds 100..130 are slow (900 ms). The whole-run p(95) is
    // 10 ms (3,000 slow of 90,000 = 3.3 %), but 60 s windows holding enough of the
    // slow 30 s have p(95) = 900 ms.
    let ts = series(900, 100, 100..130, 900.0);
    let m = scope(90_000, 0, Some(900.0), &[(10.0, 87_000), (900.0, 3_000)]);
    let d =
        ScopeData::new(Some("s"), None, &m).with_series(Some(&ts), Some((1_000_000, 1_900_000)));
    let sla = "[global]\nrules = [\"p(95) < 500ms\", \"p(95) < 500ms in every 60s\", \
               \"p(95) < 500ms for 30s\", \"p(95) < 500ms for 31s\", \
               \"throughput >= 100/s in every 60s\", \"throughput >= 101/s in every 60s\"]\n";
    let e = on_stage(sla, d);
    assert_eq!(e[0].status, RuleStatus::Pass);
    // Rolling 60 s windows start at s = 0..=840 (841 windows). Nearest rank p95 of a
    // window's 6,000 requests is rank 5,700: 900 ms once more than 300 are slow, i.e.
    // 4 or more slow seconds. The window from s holds s − 40 slow seconds for
    // s = 41..=70, all 30 up to s = 100, and 130 − s after: starts 44..=126 breach,
    // 83 windows.
    assert_eq!(e[1].status, RuleStatus::Fail);
    assert!(close(e[1].value.unwrap(), 900.0, 0.01));
    let w = e[1].window.as_ref().unwrap();
    assert_eq!((w.kind.as_str(), w.windows, w.breached), ("every", 841, 83));
    assert_eq!(w.length_s, 60.0);
    // First breach: the window starting at s = 44 → 1,044,000 ms.
    assert_eq!(w.first_breach.as_deref(), Some("1970-01-01T00:17:24.000Z"));
    // `for 30s`: seconds 100..130 breach on end for exactly 30 s → fail; 31 s → pass.
    assert_eq!(e[2].status, RuleStatus::Fail);
    let w = e[2].window.as_ref().unwrap();
    assert_eq!(w.longest_breach_s, Some(30.0));
    assert_eq!(w.breached, 1);
    assert_eq!(w.first_breach.as_deref(), Some("1970-01-01T00:18:20.000Z"));
    assert_eq!(e[3].status, RuleStatus::Pass);
    // For 31 s the best second of every stretch is a fast one: 10 ms.
    assert!(close(e[3].value.unwrap(), 10.0, 0.01));
    // Throughput is 100 req/s in every window.
    assert_eq!(e[4].status, RuleStatus::Pass);
    assert!(close(e[4].value.unwrap(), 100.0, 1e-9));
    assert_eq!(e[5].status, RuleStatus::Fail);

    // Without a series: insufficient data.
    let e = on_metrics("[global]\nrules = [\"p(95) < 500ms in every 60s\"]\n", &m);
    assert_eq!(e[0].status, RuleStatus::InsufficientData);
    assert!(e[0].note.as_deref().unwrap().contains("no time series"));
}

#[test]
fn regex_scopes_pool_matching_endpoints_and_each_endpoint_splits_them() {
    let a = scope(1000, 0, Some(10.0), &[(100.0, 1000)]);
    let b = scope(1000, 30, Some(10.0), &[(900.0, 1000)]);
    let c = scope(1000, 0, Some(10.0), &[(5.0, 1000)]);
    let endpoints = names(&["GET /agents/1", "GET /agents/2", "GET /health"]);
    let scopes = [
        ScopeData::new(Some("peak"), Some("GET /agents/1".into()), &a),
        ScopeData::new(Some("peak"), Some("GET /agents/2".into()), &b),
        ScopeData::new(Some("peak"), Some("GET /health".into()), &c),
    ];
    let spec = SlaSpec::parse(
        "[endpoint.'/agents\\/\\d+/']\nrules = [\"p(50) < 500ms\", \"p(75) < 500ms\"]\n\
         [stage.peak.endpoint.\"GET /health\"]\nrules = [\"max < 10ms\"]\n\
         [each_endpoint]\nrules = [\"error_rate < 2%\"]\n\
         [[rule]]\nscope = \"stage\"\nstage = \"peak\"\nexpr = \"max < 1ms\"\nseverity = \"warn\"\n",
    )
    .unwrap();
    let evals = evaluate(&spec, &names(&["peak"]), &endpoints, &scopes).unwrap();
    let cells: Vec<_> = evals
        .iter()
        .map(|e| {
            (
                e.scope.as_str(),
                e.stage.as_deref(),
                e.endpoint.as_deref(),
                e.status,
            )
        })
        .collect();
    use RuleStatus::*;
    assert_eq!(
        cells,
        [
            // The stage has no whole-stage scope here: no data.
            ("stage", Some("peak"), None, InsufficientData),
            // Pooled /agents/1 + /agents/2: 1,000 at 100 ms and 1,000 at 900 ms;
            // p50 = rank 1,000 = 100 ms, p75 = rank 1,500 = 900 ms.
            ("endpoint", Some("peak"), Some("/agents\\/\\d+/"), Pass),
            ("endpoint", None, Some("/agents\\/\\d+/"), InsufficientData),
            ("endpoint", Some("peak"), Some("/agents\\/\\d+/"), Fail),
            ("endpoint", None, Some("/agents\\/\\d+/"), InsufficientData),
            ("stage_endpoint", Some("peak"), Some("GET /health"), Pass),
            // 0 of 1,000 (Wilson high end 0.38 %), 30 of 1,000 = 3 %, 0 of 1,000.
            ("each_endpoint", Some("peak"), Some("GET /agents/1"), Pass),
            (
                "each_endpoint",
                None,
                Some("GET /agents/1"),
                InsufficientData
            ),
            ("each_endpoint", Some("peak"), Some("GET /agents/2"), Fail),
            (
                "each_endpoint",
                None,
                Some("GET /agents/2"),
                InsufficientData
            ),
            ("each_endpoint", Some("peak"), Some("GET /health"), Pass),
            ("each_endpoint", None, Some("GET /health"), InsufficientData),
        ]
    );
    assert!(close(evals[1].value.unwrap(), 100.0, 1e-3));
    assert!(close(evals[3].value.unwrap(), 900.0, 1e-3));
    assert_eq!(evals[0].severity, Severity::Warn);
    assert_eq!(evals[3].section(), "endpoint /agents\\/\\d+/");
    assert_eq!(evals[5].section(), "stage peak endpoint GET /health");
    assert_eq!(evals[8].target(), "peak · GET /agents/2");
    // A fail-severity failure on the verdict stage gates and makes NO-GO.
    assert!(gates(&evals[3], false));
    assert!(!gates(&evals[0], true), "warn rules never gate");
    assert_eq!(verdict(&evals, true), Verdict::NoGo);

    // A regex matching nothing, an unknown stage-endpoint: errors with the names.
    let err = |sla: &str| {
        evaluate(
            &SlaSpec::parse(sla).unwrap(),
            &names(&["peak"]),
            &endpoints,
            &scopes,
        )
        .unwrap_err()
    };
    let ok = |sla: &str| {
        evaluate(
            &SlaSpec::parse(sla).unwrap(),
            &names(&["peak"]),
            &endpoints,
            &scopes,
        )
        .unwrap()
    };
    let evals = ok("[endpoint.'/^POST/']\nrules = [\"max < 1s\"]\n");
    assert_eq!(evals[0].status, RuleStatus::NotRun);
    let note = evals[0].note.as_deref().unwrap();
    assert!(
        note.contains("matches no endpoint") && note.contains("GET /health"),
        "{note}"
    );
    let e = err("[stage.peak.endpoint.\"GET /helth\"]\nrules = [\"max < 1s\"]\n");
    assert!(e.message.contains("did you mean \"GET /health\"?"), "{e}");
    let e = err("[stage.peek.endpoint.\"GET /health\"]\nrules = [\"max < 1s\"]\n");
    assert!(e.message.contains("did you mean \"peak\"?"), "{e}");
}

#[test]
fn warn_rules_make_the_verdict_conditional_and_strict_gates_unproven() {
    use RuleStatus::*;
    use Severity::{Fail as Must, Warn};
    let evals = [cell(Pass, Must, true), cell(Fail, Warn, true)];
    assert_eq!(verdict(&evals, true), Verdict::Conditional);
    assert!(!evals.iter().any(|e| gates(e, true)));
    let unproven = cell(NotProven, Must, true);
    assert!(!gates(&unproven, false) && gates(&unproven, true));
    assert!(!gates(&cell(InsufficientData, Must, false), true));
    assert!(gates(&cell(Fail, Must, true), false));
}

/// Limits written as keys, the way other tools' thresholds are, and a `[global]` key
/// at the top: the error names the line and the rule that says it, which itself parses.
#[test]
fn a_limit_written_as_a_key_is_refused_with_the_rule_that_says_it() {
    let cases = [
        (
            "[global]\np95 = \"200ms\"\n",
            2,
            "rules = [\"p(95) < 200ms\"]",
        ),
        (
            "[global]\nthroughput = '500/s'\n",
            2,
            "rules = [\"throughput >= 500/s\"]",
        ),
        // toml reads `p99.9` as a table `p99`; the line keeps the whole name.
        (
            "[endpoint.\"/a\"]\np99.9 = \"2s\"\n",
            2,
            "rules = [\"p(99.9) < 2s\"]",
        ),
        // Units and bounds in the key, an error rate as a fraction.
        ("[global]\np95_ms = 100\n", 2, "rules = [\"p(95) < 100ms\"]"),
        (
            "[global]\nmax_p99_s = 1.5\n",
            2,
            "rules = [\"p(99) < 1.5s\"]",
        ),
        (
            "[global]\nerror_rate = 0.01\n",
            2,
            "rules = [\"error_rate < 1%\"]",
        ),
        (
            "[global]\nerror_rate_pct = 5\n",
            2,
            "rules = [\"error_rate < 5%\"]",
        ),
        (
            "verdict_stages = [\"peak\"]\n",
            1,
            "`verdict_stages` goes under `[global]`",
        ),
    ];
    for (text, line, fix) in cases {
        let Err(e) = SlaSpec::parse(text) else {
            panic!("{text}")
        };
        assert_eq!(e.line, Some(line), "{text}");
        assert!(e.message.contains(fix), "{text}: {}", e.message);
        if let Some(rule) = fix.strip_prefix("rules = [") {
            let sla = format!("[global]\nrules = [{rule}\n");
            assert!(SlaSpec::parse(&sla).is_ok(), "{sla}");
        }
    }
    // A key that is no metric gets no rule.
    let e = SlaSpec::parse("[global]\nlatency = \"1s\"\n")
        .err()
        .unwrap();
    assert!(!e.message.contains("rules = ["), "{}", e.message);
}
