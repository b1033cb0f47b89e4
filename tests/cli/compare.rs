//! `headroom compare`: diffs, repeats and trends over run dirs and report.json files
//! the tests write (generic CSV runs with seeded, autocorrelated latencies whose
//! shifts are known), the outputs and their safety, and the exit codes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::common::{headroom, Lcg, TestDir};

const T0: i64 = 1_700_000_000_000;
const ENDPOINTS: [&str; 3] = ["/a", "/b", "/c"];

/// A run to write: requests per endpoint, a seed, and a latency factor per endpoint.
struct Fixture<'a> {
    per_endpoint: usize,
    seed: u64,
    factors: &'a [(&'a str, f64)],
    label: Option<&'a str>,
    endpoints: &'a [&'a str],
}

impl Default for Fixture<'_> {
    fn default() -> Self {
        Fixture {
            per_endpoint: 5000,
            seed: 1,
            factors: &[],
            label: None,
            endpoints: &ENDPOINTS,
        }
    }
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut Lcg) -> f64 {
    let u1 = rng.next_f64().max(1e-12);
    let u2 = rng.next_f64();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Writes a generic CSV run dir `name`: each endpoint's log-latency an AR(1) series
/// (ρ = 0.8, stationary sd 0.3) around ln 20 ms, times its factor; requests 20 ms
/// apart, round-robin over the endpoints.
fn write_run(dir: &TestDir, name: &str, f: &Fixture) -> PathBuf {
    let mut rng = Lcg(f.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03);
    let rho: f64 = 0.8;
    let innovation = 0.3 * (1.0 - rho * rho).sqrt();
    let mut state = vec![0.0f64; f.endpoints.len()];
    for s in &mut state {
        *s = 0.3 * normal(&mut rng);
    }
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms\n");
    for i in 0..f.per_endpoint * f.endpoints.len() {
        let e = i % f.endpoints.len();
        state[e] = rho * state[e] + innovation * normal(&mut rng);
        let ep = f.endpoints[e];
        let factor = f
            .factors
            .iter()
            .find(|(n, _)| *n == ep)
            .map_or(1.0, |x| x.1);
        let latency = 20.0 * state[e].exp() * factor;
        csv.push_str(&format!("{},{ep},{latency:.3}\n", T0 + i as i64 * 20));
    }
    dir.write(&format!("{name}/requests.csv"), csv);
    if let Some(label) = f.label {
        dir.write(
            &format!("{name}/run.toml"),
            format!("label = \"{label}\"\n"),
        );
    }
    dir.path().join(name)
}

/// Runs `compare ARGS --format json --out DIR/out-N` and returns (exit code, compare.json, stderr).
pub fn compare_json(dir: &TestDir, args: &[&Path], extra: &[&str]) -> (i32, Value, String) {
    let out = dir.path().join(format!("out-{}", rand_suffix(args)));
    let mut a: Vec<String> = vec!["compare".into()];
    a.extend(args.iter().map(|p| p.display().to_string()));
    a.extend(extra.iter().map(|s| s.to_string()));
    a.extend([
        "--format".into(),
        "json".into(),
        "--out".into(),
        out.display().to_string(),
    ]);
    let refs: Vec<&str> = a.iter().map(String::as_str).collect();
    let o = headroom(&refs);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json, stderr)
}

/// A name for an output dir that differs per argument list.
fn rand_suffix(args: &[&Path]) -> u64 {
    args.iter()
        .flat_map(|p| p.to_string_lossy().bytes().collect::<Vec<_>>())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
}

/// The comparison of `metric` on `endpoint` (first one, any stage).
fn row<'a>(report: &'a Value, endpoint: &str, metric: &str) -> &'a Value {
    report["comparisons"]
        .as_array()
        .expect("comparisons")
        .iter()
        .find(|c| c["endpoint"] == endpoint && c["metric"] == metric)
        .unwrap_or_else(|| panic!("no {metric} of {endpoint} in {report:#}"))
}

fn verdict<'a>(report: &'a Value, endpoint: &str, metric: &str) -> &'a str {
    row(report, endpoint, metric)["verdict"].as_str().unwrap()
}

/// Asserts `r` shows no change: `unchanged` with its interval reaching no further
/// than the floor the wrong way (a latency's upper end), or, Δ within the floor,
/// `inconclusive` because its interval reaches past it (the data cannot show it no
/// worse) — never regressed or improved.
fn no_change_shown(r: &Value) {
    let floor = r["floor_pct"].as_f64().unwrap() / 100.0;
    let b = r["baseline"].as_f64().unwrap();
    let reach = r["ci"][1].as_f64().map_or(f64::INFINITY, |hi| hi / b);
    assert!(
        r["delta_pct"].as_f64().unwrap().abs() <= 100.0 * floor,
        "{r:#}"
    );
    match r["verdict"].as_str().unwrap() {
        "unchanged" => assert!(reach <= floor + 1e-9, "{r:#}"),
        "inconclusive" => assert!(reach > floor, "{r:#}"),
        _ => panic!("a change shown: {r:#}"),
    }
}

/// (stage, endpoint, metric, verdict) of every comparison, sorted.
fn verdicts(report: &Value) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = report["comparisons"]
        .as_array()
        .expect("comparisons")
        .iter()
        .map(|c| {
            (
                c["stage"].to_string(),
                c["endpoint"].to_string(),
                c["metric"].to_string(),
                c["verdict"].to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Writes `analyze`'s report of `run` into DIR/NAME and returns its report.json.
pub(crate) fn analyze_to(dir: &TestDir, run: &Path, name: &str) -> PathBuf {
    let out = dir.path().join(name);
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out.join("report.json")
}

/// 1.0.0 vs 1.1.0 run dirs, 5,000 requests per endpoint a side, /a 15% slower in 1.1.0.
fn fifteen_percent_runs(dir: &TestDir) -> (PathBuf, PathBuf) {
    let fx = |seed, label, factors| Fixture {
        seed,
        label: Some(label),
        factors,
        ..Fixture::default()
    };
    let base = write_run(dir, "base", &fx(11, "1.0.0", &[]));
    let cand = write_run(dir, "cand", &fx(12, "1.1.0", &[("/a", 1.15)]));
    (base, cand)
}

/// 1.0.0 vs 1.1.0, 5,000 requests per endpoint a side, /a 15% slower in 1.1.0:
/// compare.json.
fn fifteen_percent_diff() -> Value {
    let dir = TestDir::new();
    let (base, cand) = fifteen_percent_runs(&dir);
    let (code, report, stderr) = compare_json(&dir, &[&base, &cand], &[]);
    assert_eq!(code, 0, "{stderr}");
    report
}

/// A 15% shift of /a's whole distribution, 5,000 requests per side: its p50 and p95
/// regressed with intervals above 0; /b and /c show no change (`unchanged`, or
/// `inconclusive` where their intervals reach past the 5 % floor).
#[test]
fn a_fifteen_percent_shift_regresses_that_endpoint_only() {
    let report = fifteen_percent_diff();
    for metric in ["p50", "p95"] {
        let r = row(&report, "/a", metric);
        assert_eq!(r["verdict"], "regressed", "{r:#}");
        assert!(r["ci"][0].as_f64().unwrap() > 0.0, "{r:#}");
        for other in ["/b", "/c"] {
            no_change_shown(row(&report, other, metric));
        }
    }
}

/// What holds with any statistics: the matched endpoints, every metric, the values
/// each side's histogram gives, Δ% from them, the labels from run.toml.
#[test]
fn a_diff_lists_every_metric_of_every_matched_endpoint() {
    let report = fifteen_percent_diff();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["mode"], "diff");
    assert_eq!(report["baseline"]["label"], "1.0.0");
    assert_eq!(report["candidates"][0]["label"], "1.1.0");
    // 3 endpoints × 8 metrics.
    assert_eq!(report["comparisons"].as_array().unwrap().len(), 24);
    let r = row(&report, "/a", "p50");
    let (b, c) = (
        r["baseline"].as_f64().unwrap(),
        r["candidate"].as_f64().unwrap(),
    );
    // The median of exp(N(ln 20, 0.3)) is 20 ms; ×1.15 for the candidate.
    assert!((b - 20.0).abs() < 1.5, "{r:#}");
    assert!((c / b - 1.15).abs() < 0.06, "{r:#}");
    let pct = r["delta_pct"].as_f64().unwrap();
    assert!((pct - (c - b) / b * 100.0).abs() < 1e-6, "{r:#}");
    for key in [
        "delta", "ci", "p_value", "q_value", "effect", "verdict", "method", "stage",
    ] {
        assert!(r.get(key).is_some(), "{key} missing: {r:#}");
    }
    assert_eq!(r["method"], "bootstrap");
    assert_eq!(row(&report, "/a", "error_rate")["method"], "two_proportion");
}

/// A report.json written by this version compares exactly like the run dir it was
/// written from.
#[test]
fn a_report_json_compares_like_its_run_dir() {
    let dir = TestDir::new();
    let base = write_run(
        &dir,
        "base",
        &Fixture {
            seed: 21,
            per_endpoint: 2000,
            ..Fixture::default()
        },
    );
    let cand = write_run(
        &dir,
        "cand",
        &Fixture {
            seed: 22,
            per_endpoint: 2000,
            factors: &[("/b", 1.3)],
            ..Fixture::default()
        },
    );
    let json = analyze_to(&dir, &base, "base/report");
    let (c1, from_dirs, e1) = compare_json(&dir, &[&base, &cand], &[]);
    let (c2, from_json, e2) = compare_json(&dir, &[&json, &cand], &[]);
    assert_eq!((c1, c2), (0, 0), "{e1}\n{e2}");
    assert_eq!(verdicts(&from_dirs), verdicts(&from_json));
    assert!(!verdicts(&from_dirs).is_empty());
    // Same numbers too, and the label falls back to the run dir's name either way.
    for (a, b) in from_dirs["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .zip(from_json["comparisons"].as_array().unwrap())
    {
        for key in ["baseline", "candidate", "delta", "ci", "p_value", "q_value"] {
            assert_eq!(a[key], b[key], "{key}: {a:#} vs {b:#}");
        }
    }
    assert_eq!(from_json["baseline"]["label"], "base");
    assert_eq!(from_dirs["baseline"]["label"], "base");
    // The block-bootstrap cross-check: run dirs keep per-interval histograms, so
    // every percentile has one; a report.json does not, and says so.
    for c in from_dirs["comparisons"].as_array().unwrap() {
        let percentile = ["p50", "p90", "p95", "p99"].contains(&c["metric"].as_str().unwrap());
        let x = &c["cross_check"];
        assert_eq!(percentile, !x.is_null(), "{c:#}");
        if percentile {
            assert_eq!(x["method"], "block_bootstrap", "{c:#}");
            let (lo, hi) = (x["ci"][0].as_f64().unwrap(), x["ci"][1].as_f64().unwrap());
            assert!(lo <= hi, "{c:#}");
        }
    }
    let b_p50 = &row(&from_dirs, "/b", "p50")["cross_check"];
    // /b is 30% slower (≈ +6 ms on a 20 ms median): the block interval excludes 0.
    assert!(b_p50["ci"][0].as_f64().unwrap() > 0.0, "{b_p50:#}");
    let from_report = &row(&from_json, "/b", "p50")["cross_check"];
    assert!(
        from_report["method"]
            .as_str()
            .unwrap()
            .starts_with("none: an input has no per-interval histograms"),
        "{from_report:#}"
    );
    assert!(from_report["ci"][0].is_null());
}

/// Summaries only (no histogram, no series): reported values decide beyond the
/// floor, and `--fail-on-regression` exits 1 on a regression, 0 without the flag.
#[test]
fn summaries_regress_beyond_the_floor_and_fail_on_regression_exits_1() {
    let dir = TestDir::new();
    let base = write_run(
        &dir,
        "base",
        &Fixture {
            seed: 31,
            per_endpoint: 2000,
            ..Fixture::default()
        },
    );
    let cand = write_run(
        &dir,
        "cand",
        &Fixture {
            seed: 32,
            per_endpoint: 2000,
            factors: &[("/a", 1.5)],
            ..Fixture::default()
        },
    );
    let strip = |json: PathBuf, name: &str| {
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
        for s in v["stages"].as_array_mut().unwrap() {
            for e in s["endpoints"].as_array_mut().unwrap() {
                e["histogram"] = Value::Null;
                e["timeseries"] = Value::Array(Vec::new());
            }
        }
        dir.write(name, serde_json::to_string(&v).unwrap())
    };
    let b = strip(analyze_to(&dir, &base, "rb"), "summaries/base.json");
    let c = strip(analyze_to(&dir, &cand, "rc"), "summaries/cand.json");
    let (code, report, stderr) = compare_json(&dir, &[&b, &c], &[]);
    assert_eq!(code, 0, "{stderr}");
    let r = row(&report, "/a", "p50");
    assert_eq!(r["method"], "reported");
    assert_eq!(r["verdict"], "regressed", "{r:#}");
    // Its interval is what the summaries' sample sizes leave open: clear of 0.
    assert!(r["ci"][0].as_f64().is_some_and(|lo| lo > 0.0), "{r:#}");
    // /b moved by noise only: within 5%, but what 2,000 requests a side leave open
    // reaches past it (+2.7 %, interval to +12.7 %): not shown unchanged, no pass.
    let b50 = row(&report, "/b", "p50");
    no_change_shown(b50);
    assert_eq!(b50["verdict"], "inconclusive", "{b50:#}");
    assert_eq!(report["baseline"]["label"], "base");
    let (code, _, stderr) = compare_json(&dir, &[&b, &c], &["--fail-on-regression"]);
    assert_eq!(code, 1, "{stderr}");
    // A floor above the shift: nothing regressed, exit 0.
    let (code, report, _) = compare_json(
        &dir,
        &[&b, &c],
        &["--fail-on-regression", "--threshold", "60%"],
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(row(&report, "/a", "p50")["floor_pct"], 60.0);
    // Floors from the SLA file's [compare] section; the flag beats it.
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 5s\"]\n\n[compare]\np50 = \"60%\"\np95 = 7\n",
    );
    let sla_arg = sla.to_str().unwrap();
    let (code, report, stderr) = compare_json(&dir, &[&b, &c], &["--sla", sla_arg]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(row(&report, "/a", "p50")["floor_pct"], 60.0);
    let p95_floor = row(&report, "/a", "p95")["floor_pct"].as_f64().unwrap();
    assert!((p95_floor - 7.0).abs() < 1e-9, "{p95_floor}");
    assert_eq!(row(&report, "/a", "p90")["floor_pct"], 5.0);
    let extra = ["--sla", sla_arg, "--threshold", "p50=2%"];
    let (_, report, _) = compare_json(&dir, &[&b, &c], &extra);
    assert_eq!(row(&report, "/a", "p50")["floor_pct"], 2.0);
    // `check` accepts an SLA file with a [compare] section.
    let o = headroom(&["check", base.to_str().unwrap(), "--sla", sla_arg]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Stages pair even under different dir names; an endpoint only one side has is
/// listed, not dropped.
#[test]
fn unmatched_endpoints_are_listed() {
    let dir = TestDir::new();
    let base = write_run(
        &dir,
        "base",
        &Fixture {
            per_endpoint: 500,
            endpoints: &["/a", "/b", "/old"],
            ..Fixture::default()
        },
    );
    let cand = write_run(
        &dir,
        "cand",
        &Fixture {
            per_endpoint: 500,
            endpoints: &["/a", "/b", "/new"],
            ..Fixture::default()
        },
    );
    let (code, report, stderr) = compare_json(&dir, &[&base, &cand], &[]);
    assert_eq!(code, 0, "{stderr}");
    let unmatched = report["unmatched"].as_array().unwrap();
    let names: Vec<String> = unmatched
        .iter()
        .map(|u| {
            format!(
                "{} {}",
                u["name"].as_str().unwrap(),
                u["only_in"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("/old base")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("/new cand")), "{names:?}");
    assert_eq!(report["stage_pairs"][0]["basis"], "sole_stage");
    assert_eq!(report["comparisons"].as_array().unwrap().len(), 16);
}

/// Five runs per side: one value per run, Mann–Whitney; a 20% shift of /a is
/// regressed (exact p = 2/252 at full separation), the other endpoints unchanged.
#[test]
fn five_vs_five_repeats_find_a_twenty_percent_shift() {
    let dir = TestDir::new();
    let (base, cand) = repeats(&dir, 1.2);
    let (code, report, stderr) = compare_repeats(&dir, &base, &cand);
    assert_eq!(code, 0, "{stderr}");
    for metric in ["p50", "mean"] {
        let r = row(&report, "/a", metric);
        assert_eq!(r["verdict"], "regressed", "{r:#}");
        assert!(
            (r["p_value"].as_f64().unwrap() - 2.0 / 252.0).abs() < 1e-9,
            "{r:#}"
        );
        assert_eq!(verdict(&report, "/b", metric), "unchanged");
    }
}

/// Five runs per side from one distribution: nothing regressed or improved.
#[test]
fn five_vs_five_repeats_of_one_distribution_are_unchanged() {
    let dir = TestDir::new();
    let (base, cand) = repeats(&dir, 1.0);
    let (code, report, stderr) = compare_repeats(&dir, &base, &cand);
    assert_eq!(code, 0, "{stderr}");
    for metric in ["p50", "p95", "mean"] {
        for e in ENDPOINTS {
            no_change_shown(row(&report, e, metric));
        }
    }
}

/// Repeats use Mann–Whitney on one value per run; the medians of the runs are the
/// sides' values (never an average of percentiles); fewer than 3 a side is refused.
#[test]
fn repeats_compare_per_run_values_by_mann_whitney() {
    let dir = TestDir::new();
    let (base, cand) = repeats(&dir, 1.2);
    let (code, report, stderr) = compare_repeats(&dir, &base, &cand);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["mode"], "repeats");
    assert_eq!(report["candidates"][0]["runs"].as_array().unwrap().len(), 5);
    let r = row(&report, "/a", "p50");
    assert_eq!(r["method"], "mann_whitney");
    assert!(
        (r["candidate"].as_f64().unwrap() / r["baseline"].as_f64().unwrap() - 1.2).abs() < 0.08
    );
    let o = headroom(&[
        "compare",
        "--baseline",
        base[0].to_str().unwrap(),
        base[1].to_str().unwrap(),
        "--candidate",
        cand[0].to_str().unwrap(),
        cand[1].to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at least 3 runs per side"));
}

fn repeats(dir: &TestDir, factor: f64) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let side = |name: &str, seed0: u64, factors: &[(&str, f64)]| -> Vec<PathBuf> {
        (0..5)
            .map(|i| {
                write_run(
                    dir,
                    &format!("{name}{i}"),
                    &Fixture {
                        per_endpoint: 1000,
                        seed: seed0 + i,
                        factors,
                        ..Fixture::default()
                    },
                )
            })
            .collect()
    };
    (side("a", 100, &[]), side("b", 200, &[("/a", factor)]))
}

fn compare_repeats(dir: &TestDir, base: &[PathBuf], cand: &[PathBuf]) -> (i32, Value, String) {
    let mut extra: Vec<String> = vec!["--baseline".into()];
    extra.extend(base.iter().map(|p| p.display().to_string()));
    extra.push("--candidate".into());
    extra.extend(cand.iter().map(|p| p.display().to_string()));
    let refs: Vec<&str> = extra.iter().map(String::as_str).collect();
    compare_json(dir, &[], &refs)
}

/// Eight labelled releases given out of order: 1.10.0 … sorts after 1.9.0 (versions,
/// not text); the earliest is the baseline.
fn trend_runs(dir: &TestDir) -> Vec<PathBuf> {
    let labels = [
        "1.8.0", "1.9.0", "1.9.1", "1.10.0", "1.11.0", "1.12.0", "1.13.0", "2.0.0",
    ];
    // From 1.11.0 on, /a is 30% slower.
    labels
        .iter()
        .enumerate()
        .rev()
        .map(|(i, l)| {
            let factor = if i >= 4 { 1.3 } else { 1.0 };
            write_run(
                dir,
                &format!("v{l}"),
                &Fixture {
                    per_endpoint: 1000,
                    seed: 300 + i as u64,
                    label: Some(l),
                    factors: &[("/a", factor)],
                    ..Fixture::default()
                },
            )
        })
        .collect()
}

#[test]
fn a_trend_orders_releases_by_version() {
    let dir = TestDir::new();
    let runs = trend_runs(&dir);
    let paths: Vec<&Path> = runs.iter().map(PathBuf::as_path).collect();
    let (code, report, stderr) = compare_json(&dir, &paths, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["mode"], "trend");
    assert_eq!(report["order"], "version");
    assert_eq!(report["baseline"]["label"], "1.8.0");
    let t = report["trend"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["endpoint"] == "/a" && t["metric"] == "p50")
        .expect("trend of /a p50");
    let labels: Vec<&str> = t["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["1.8.0", "1.9.0", "1.9.1", "1.10.0", "1.11.0", "1.12.0", "1.13.0", "2.0.0"]
    );
    let cands: Vec<&str> = report["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(cands, labels[1..]);
    // Seven candidates × 3 endpoints × 8 metrics.
    assert_eq!(report["comparisons"].as_array().unwrap().len(), 7 * 24);
}

#[test]
fn a_trend_finds_one_change_point_at_the_thirty_percent_shift() {
    let dir = TestDir::new();
    let runs = trend_runs(&dir);
    let paths: Vec<&Path> = runs.iter().map(PathBuf::as_path).collect();
    let (code, report, stderr) = compare_json(&dir, &paths, &[]);
    assert_eq!(code, 0, "{stderr}");
    let t = report["trend"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["endpoint"] == "/a" && t["metric"] == "p50")
        .unwrap();
    let cps = t["change_points"].as_array().unwrap();
    assert_eq!(cps.len(), 1, "{t:#}");
    assert_eq!(cps[0]["label"], "1.11.0");
    let shift = cps[0]["shift_pct"].as_f64().unwrap();
    assert!((shift - 30.0).abs() < 8.0, "{t:#}");
    for other in report["trend"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["endpoint"] != "/a" && t["metric"] == "p50")
    {
        assert!(
            other["change_points"].as_array().unwrap().is_empty(),
            "{other:#}"
        );
    }
}

/// Fewer than six releases: no change points looked for, and a note says why.
#[test]
fn a_short_trend_has_a_note_instead_of_change_points() {
    let dir = TestDir::new();
    let runs: Vec<PathBuf> = ["1.0.0", "1.1.0", "1.2.0"]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            write_run(
                &dir,
                l,
                &Fixture {
                    per_endpoint: 300,
                    seed: i as u64,
                    label: Some(l),
                    ..Fixture::default()
                },
            )
        })
        .collect();
    let paths: Vec<&Path> = runs.iter().map(PathBuf::as_path).collect();
    let (code, report, stderr) = compare_json(&dir, &paths, &[]);
    assert_eq!(code, 0, "{stderr}");
    let t = &report["trend"][0];
    assert!(t["change_points"].as_array().unwrap().is_empty());
    assert!(t["note"].as_str().unwrap().contains("at least 6"), "{t:#}");
}

/// The calibration at CLI scale: 40 seeded pairs from one distribution (AR(1) ρ 0.8,
/// 5,000 requests a run) with the p95 floor at 0%: p95 regressed in at most 6 pairs
/// (5% plus binomial slack). The 200-pair version runs at unit level in stats.rs.
#[test]
fn calibration_same_distribution_rarely_regresses() {
    let dir = TestDir::new();
    let mut regressed = 0;
    let pairs = 40;
    for k in 0..pairs {
        let fx = |seed| Fixture {
            seed,
            endpoints: &["/a"],
            ..Fixture::default()
        };
        let b = write_run(&dir, &format!("cal{k}b"), &fx(1000 + 2 * k));
        let c = write_run(&dir, &format!("cal{k}c"), &fx(1001 + 2 * k));
        let (code, report, stderr) = compare_json(&dir, &[&b, &c], &["--threshold", "p95=0%"]);
        assert_eq!(code, 0, "{stderr}");
        if verdict(&report, "/a", "p95") == "regressed" {
            regressed += 1;
        }
        std::fs::remove_dir_all(&b).unwrap();
        std::fs::remove_dir_all(&c).unwrap();
    }
    println!("calibration: p95 regressed in {regressed} of {pairs} same-distribution pairs");
    assert!(regressed <= 6, "{regressed} of {pairs}");
}

/// compare.md is PR-comment ready; compare.html escapes names; the dir is marked
/// and replaced on the next run; a foreign dir or an input is never written over.
#[test]
fn outputs_are_written_safely_and_escaped() {
    let dir = TestDir::new();
    let evil = "/x<script>alert(1)</script>";
    let names = ["/a", evil];
    let fx = |seed| Fixture {
        per_endpoint: 300,
        seed,
        endpoints: &names,
        ..Fixture::default()
    };
    let base = write_run(&dir, "base", &fx(1));
    let cand = write_run(&dir, "cand", &fx(2));
    let out = dir.path().join("cmp");
    let run = |out: &Path, extra: &[&str]| {
        let mut a = vec![
            "compare",
            base.to_str().unwrap(),
            cand.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        a.extend(extra);
        headroom(&a)
    };
    let o = run(&out, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let md = std::fs::read_to_string(out.join("compare.md")).unwrap();
    assert!(md.starts_with("## headroom compare: cand vs base"), "{md}");
    assert!(md.contains("<details>"), "{md}");
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    assert!(!html.contains("<script>"), "unescaped name in compare.html");
    assert!(html.contains("&lt;script&gt;"));
    assert!(!md.contains("<script>"), "unescaped name in compare.md");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert!(out.join(".headroom-compare").is_file());
    // The Δ% chart parses as SVG (names escaped), one series per percentile, one dot
    // per endpoint at compare.json's Δ%.
    let svg = std::fs::read_to_string(out.join("charts/deltas.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("deltas.svg is XML");
    for metric in ["p50", "p95", "p99"] {
        let g = doc
            .descendants()
            .find(|n| n.attribute("data-series") == Some(metric))
            .unwrap_or_else(|| panic!("no {metric} series"));
        let dots: Vec<f64> = g
            .descendants()
            .filter_map(|n| n.attribute("data-delta-pct"))
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(dots.len(), 2, "{metric}");
        let want = row(&json, "/a", metric)["delta_pct"].as_f64().unwrap();
        assert!(
            dots.iter().any(|d| (d - want).abs() < 1e-3),
            "{dots:?} vs {want}"
        );
    }
    // Its own dir is replaced.
    assert_eq!(run(&out, &[]).status.code(), Some(0));
    // A dir with a user's file is refused, the file kept.
    let mine = dir.path().join("mine");
    dir.write("mine/notes.txt", "keep");
    let o = run(&mine, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "keep"
    );
    // An input is never the output, even with --force.
    let o = run(&base, &["--force"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(base.join("requests.csv").is_file());
    // The compare dir is not read as a run.
    let o = headroom(&[
        "analyze",
        out.to_str().unwrap(),
        "--out",
        dir.path().join("r").to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A malformed report.json is named with its line, exit 2; `--label` names runs.
#[test]
fn a_bad_report_json_is_named_and_labels_come_from_the_flag() {
    let dir = TestDir::new();
    let base = write_run(
        &dir,
        "base",
        &Fixture {
            per_endpoint: 300,
            ..Fixture::default()
        },
    );
    let bad = dir.write(
        "old/report.json",
        "{\n  \"schema_version\": 1,\n  oops\n}\n",
    );
    let (code, _, stderr) = compare_json(&dir, &[&bad, &base], &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{}: line 3", bad.display())),
        "{stderr}"
    );
    let cand = write_run(
        &dir,
        "cand",
        &Fixture {
            per_endpoint: 300,
            seed: 5,
            ..Fixture::default()
        },
    );
    let (code, report, stderr) =
        compare_json(&dir, &[&base, &cand], &["--label", "v1", "--label", "v2"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["baseline"]["label"], "v1");
    assert_eq!(report["candidates"][0]["label"], "v2");
    // A malformed row in a run dir: named with its line, exit 2, the rest compared.
    let broken = write_run(
        &dir,
        "broken",
        &Fixture {
            per_endpoint: 300,
            seed: 9,
            ..Fixture::default()
        },
    );
    let csv = broken.join("requests.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("oops,/a,5\n");
    std::fs::write(&csv, text).unwrap();
    let (code, report, stderr) = compare_json(&dir, &[&base, &broken], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("requests.csv:902"), "{stderr}");
    assert_eq!(report["comparisons"].as_array().unwrap().len(), 24);
    let (code, _, stderr) = compare_json(&dir, &[&base, &cand], &["--threshold", "p97=3%"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown metric `p97`"), "{stderr}");
}

/// A target profile: three endpoints, lognormal service times (mean 20 ms, σ 0.3),
/// /b's mean times `b_factor`; 64 workers, so capacity ≈ 64 / 0.02 s ≫ the 60 req/s
/// driven (queueing cannot move the other endpoints).
fn e2e_profile(dir: &Path, name: &str, b_factor: f64) -> PathBuf {
    let mut text = format!(
        "name = \"{name}\"\nworkers = 64\nqueue_max = 1000\nqueue_timeout = \"5s\"\nseed = 7\n"
    );
    for (ep, factor) in [("a", 1.0), ("b", b_factor), ("c", 1.0)] {
        text.push_str(&format!(
            "[[endpoint]]\nname = \"{ep}\"\nmethod = \"GET\"\npath = \"/{ep}\"\nweight = 1\n\
             service = {{ dist = \"lognormal\", mean = \"{}ms\", sigma = 0.3 }}\n\
             response = '{{\"ok\":true}}'\n",
            20.0 * factor
        ));
    }
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Drives `profile`'s target with one open-model stage (60 req/s for 8 s) into DIR/NAME.
fn e2e_run(dir: &Path, profile: &Path, name: &str) -> PathBuf {
    let target = super::drive::start_target(profile.to_str().unwrap(), &[]);
    let mut scenario = format!(
        "base_url = \"http://127.0.0.1:{}\"\nthink_time = \"constant(0)\"\nmax_duration = \"1m\"\n",
        target.port
    );
    for ep in ["a", "b", "c"] {
        scenario.push_str(&format!(
            "[[task]]\npath = \"/{ep}\"\nweight = 1\ntimeout = \"10s\"\n"
        ));
    }
    scenario.push_str("[[stage]]\nname = \"steady\"\narrival_rate = 60\nduration = \"8s\"\n");
    let scenario_path = dir.join(format!("{name}-scenario.toml"));
    std::fs::write(&scenario_path, scenario).unwrap();
    let out = dir.join(name);
    let (status, stdout, stderr) = super::drive::drive(
        &[
            scenario_path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ],
        std::time::Duration::from_secs(60),
    );
    assert_eq!(status.code(), Some(0), "{stdout}\n{stderr}");
    out
}

/// The driver and the target make a true regression end to end: /b's service time
/// +60%, the same open-model load well below capacity → compare names /b's p50 as
/// regressed and no other endpoint's p50.
#[test]
fn a_slower_endpoint_on_the_target_is_the_only_p50_regression() {
    let _g = super::drive::serial();
    let dir = TestDir::new();
    let before = e2e_profile(dir.path(), "before", 1.0);
    let after = e2e_profile(dir.path(), "after", 1.6);
    let base = e2e_run(dir.path(), &before, "base");
    let cand = e2e_run(dir.path(), &after, "cand");
    let (code, report, stderr) = compare_json(&dir, &[&base, &cand], &[]);
    assert_eq!(code, 0, "{stderr}");
    let p50: Vec<(&str, &str)> = report["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["metric"] == "p50")
        .map(|c| {
            (
                c["endpoint"].as_str().unwrap(),
                c["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(p50.len(), 3, "{p50:?}");
    for (endpoint, verdict) in p50 {
        let want_regressed = endpoint.ends_with("/b");
        assert_eq!(
            verdict == "regressed",
            want_regressed,
            "{endpoint}: {verdict}: {report:#}"
        );
    }
}

/// The output dir `compare_json` wrote for `args`.
fn out_of(dir: &TestDir, args: &[&Path]) -> PathBuf {
    dir.path().join(format!("out-{}", rand_suffix(args)))
}

/// The `data-run` of every curve of the panel of `endpoint` in percentiles.svg.
fn curves(doc: &roxmltree::Document<'_>, endpoint: &str) -> Vec<String> {
    let panel = doc
        .descendants()
        .find(|n| {
            n.attribute("class") == Some("panel") && n.attribute("data-endpoint") == Some(endpoint)
        })
        .unwrap_or_else(|| panic!("no panel of {endpoint}"));
    panel
        .children()
        .filter(|n| n.attribute("class") == Some("run"))
        .map(|n| n.attribute("data-run").unwrap().to_string())
        .collect()
}

/// A diff writes charts/percentiles.svg: one panel per endpoint, one curve per run
/// (baseline then candidate), the candidate's /a curve above the baseline's at the
/// median (it is 15% slower), and the charts inlined in compare.html.
#[test]
fn a_diff_overlays_percentile_curves_per_endpoint() {
    let dir = TestDir::new();
    let (base, cand) = fifteen_percent_runs(&dir);
    let (code, _, stderr) = compare_json(&dir, &[&base, &cand], &[]);
    assert_eq!(code, 0, "{stderr}");
    let out = out_of(&dir, &[&base, &cand]);
    let text = std::fs::read_to_string(out.join("charts/percentiles.svg")).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("percentiles.svg is XML");
    for ep in ENDPOINTS {
        assert_eq!(curves(&doc, ep), ["1.0.0", "1.1.0"], "{ep}");
    }
    // The curve's point at 50% (x = log10 2 of 4 decades): lower y is slower.
    let y_at_median = |run: &str| -> f64 {
        let panel = doc
            .descendants()
            .find(|n| n.attribute("data-endpoint") == Some("/a"))
            .unwrap();
        let d = panel
            .children()
            .find(|n| n.attribute("data-run") == Some(run))
            .unwrap()
            .attribute("d")
            .unwrap();
        let pts: Vec<(f64, f64)> = d
            .split(['M', 'L'])
            .filter_map(|p| {
                let (x, y) = p.trim().split_once(',')?;
                Some((x.parse().ok()?, y.parse().ok()?))
            })
            .collect();
        let x0 = pts[0].0;
        let x_end = pts.last().unwrap().0;
        let target = x0 + (x_end - x0) * 2f64.log10() / 4.0;
        pts.iter()
            .min_by(|a, b| (a.0 - target).abs().total_cmp(&(b.0 - target).abs()))
            .unwrap()
            .1
    };
    assert!(y_at_median("1.1.0") < y_at_median("1.0.0"));
    assert!(
        !out.join("charts/trend.svg").exists(),
        "a diff has no trend"
    );
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    assert!(html.contains("Latency by percentile"));
    assert!(html.contains("Latency change per endpoint"));
}

/// The trend writes charts/trend.svg: a line per endpoint and metric, the change
/// point marked on /a's p50 at 1.11.0 (where the fixture shifts by 30%) and none on
/// the other endpoints' p50; the overlay has one curve per release.
#[test]
fn a_trend_chart_marks_the_change_point() {
    let dir = TestDir::new();
    let runs = trend_runs(&dir);
    let paths: Vec<&Path> = runs.iter().map(PathBuf::as_path).collect();
    let (code, _, stderr) = compare_json(&dir, &paths, &[]);
    assert_eq!(code, 0, "{stderr}");
    let out = out_of(&dir, &paths);
    let text = std::fs::read_to_string(out.join("charts/trend.svg")).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("trend.svg is XML");
    let p50 = doc
        .descendants()
        .find(|n| {
            n.attribute("class") == Some("panel") && n.attribute("data-metric") == Some("p50")
        })
        .expect("p50 panel");
    let lines: Vec<&str> = p50
        .children()
        .filter(|n| n.attribute("class") == Some("series"))
        .map(|n| n.attribute("data-endpoint").unwrap())
        .collect();
    assert_eq!(lines, ENDPOINTS);
    let marks: Vec<(&str, &str)> = p50
        .children()
        .filter(|n| n.attribute("class") == Some("change-point"))
        .map(|n| {
            (
                n.attribute("data-endpoint").unwrap(),
                n.attribute("data-label").unwrap(),
            )
        })
        .collect();
    assert_eq!(marks, [("/a", "1.11.0")]);
    let overlay = std::fs::read_to_string(out.join("charts/percentiles.svg")).unwrap();
    let doc = roxmltree::Document::parse(&overlay).unwrap();
    assert_eq!(
        curves(&doc, "/a"),
        ["1.8.0", "1.9.0", "1.9.1", "1.10.0", "1.11.0", "1.12.0", "1.13.0", "2.0.0"]
    );
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    assert!(html.contains("class=\"change-point\""));
}

/// `analyze 1.1.0 --baseline 1.0.0/report.json`, /a 15% slower in 1.1.0: report.json
/// gains `baseline` with /a's p50 and p95 regressed and /b, /c unchanged, exactly as
/// `compare` decides them; report.md and report.html show the "vs release 1.0.0"
/// table with /a's row regressed.
#[test]
fn analyze_with_a_baseline_report_shows_the_regression_vs_that_release() {
    let dir = TestDir::new();
    let (base, cand) = fifteen_percent_runs(&dir);
    let base_json = analyze_to(&dir, &base, "base-report");
    let out = dir.path().join("cand-report");
    let (code, report, stderr) = analyze_vs(&cand, &base_json, &out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let b = &report["baseline"];
    assert_eq!(b["label"], "1.0.0", "{b:#}");
    let cell = |endpoint: &str, metric: &str| -> &Value {
        let row = b["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["endpoint"] == endpoint)
            .unwrap_or_else(|| panic!("no row of {endpoint} in {b:#}"));
        &row["metrics"][metric]
    };
    for metric in ["p50", "p95"] {
        let c = cell("/a", metric);
        assert_eq!(c["verdict"], "regressed", "{c:#}");
        let pct = c["delta_pct"].as_f64().unwrap();
        assert!((pct - 15.0).abs() < 6.0, "{c:#}");
    }
    for ep in ["/b", "/c"] {
        assert_eq!(cell(ep, "p50")["verdict"], "unchanged", "{ep}");
    }
    for m in ["throughput", "p99", "error_rate"] {
        assert!(cell("/a", m)["verdict"].is_string(), "{m}");
    }
    // The same verdicts as `compare BASE_REPORT CAND`.
    let (code, cmp, stderr) = compare_json(&dir, &[&base_json, &cand], &[]);
    assert_eq!(code, 0, "{stderr}");
    for ep in ENDPOINTS {
        for m in ["throughput", "p50", "p95", "p99", "error_rate"] {
            assert_eq!(
                cell(ep, m)["verdict"],
                row(&cmp, ep, m)["verdict"],
                "{ep} {m}"
            );
        }
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## vs release 1.0.0"), "{md}");
    let section = &md[md.find("## vs release").unwrap()..];
    let a_row = section
        .lines()
        .find(|l| l.contains("| /a |") && l.contains('%'))
        .unwrap_or_else(|| panic!("no /a row in {md}"));
    let cells: Vec<&str> = a_row.split('|').map(str::trim).collect();
    // | stage | endpoint | throughput | p50 | p95 | ...
    assert!(cells[4].ends_with("regressed"), "{a_row}");
    assert!(cells[5].ends_with("regressed"), "{a_row}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("vs release 1.0.0"));
}

/// Runs `analyze RUN --baseline BASE_JSON --out OUT --charts none EXTRA…`: (exit
/// code, its report.json or null, stderr).
fn analyze_vs(
    run: &Path,
    base_json: &Path,
    out: &Path,
    extra: &[&str],
) -> (Option<i32>, Value, String) {
    let mut a = vec![
        "analyze",
        run.to_str().unwrap(),
        "--baseline",
        base_json.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
    ];
    a.extend_from_slice(extra);
    let o = headroom(&a);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report: Value = std::fs::read_to_string(out.join("report.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    (o.status.code(), report, stderr)
}

/// A --baseline that is not a report.json: named, exit 2, nothing written.
#[test]
fn analyze_with_a_bad_baseline_is_named_and_exits_2() {
    let dir = TestDir::new();
    let run = write_run(
        &dir,
        "run",
        &Fixture {
            per_endpoint: 200,
            ..Fixture::default()
        },
    );
    let bad = dir.path().join("old.json");
    std::fs::write(&bad, "{not json").unwrap();
    let out = dir.path().join("out");
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--baseline",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("old.json"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `analyze --baseline` takes compare's noise floors: `--threshold p50=30%` keeps
/// /a's 15% p50 shift `unchanged` while p95 (default 5%) still regresses; the SLA
/// file's `[compare]` section does the same for p95, and `--threshold` beats it; a
/// malformed floor is named, exit 2.
#[test]
fn analyze_with_a_baseline_takes_compares_noise_floors() {
    let dir = TestDir::new();
    let (base, cand) = fifteen_percent_runs(&dir);
    let base_json = analyze_to(&dir, &base, "base-report");
    let sla = dir.path().join("sla.toml");
    std::fs::write(
        &sla,
        "[global]\nrules = [\"error_rate < 50%\"]\n\n[compare]\np95 = \"30%\"\np50 = 1\n",
    )
    .unwrap();
    let analyze = |name: &str, extra: &[&str]| {
        let (code, report, stderr) = analyze_vs(&cand, &base_json, &dir.path().join(name), extra);
        (code, report["baseline"].clone(), stderr)
    };
    let a_cell = |b: &Value, metric: &str| -> (String, f64) {
        let row = b["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["endpoint"] == "/a")
            .unwrap_or_else(|| panic!("no /a row in {b:#}"))
            .clone();
        let c = &row["metrics"][metric];
        (
            c["verdict"].as_str().unwrap().to_string(),
            c["floor_pct"].as_f64().unwrap(),
        )
    };
    let (code, b, stderr) = analyze("flag", &["--threshold", "p50=30%"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(b["thresholds"]["p50"], 30.0, "{b:#}");
    assert_eq!(a_cell(&b, "p50"), ("unchanged".into(), 30.0));
    assert_eq!(a_cell(&b, "p95"), ("regressed".into(), 5.0));

    let sla_arg = sla.to_str().unwrap();
    let (code, b, stderr) = analyze("sla", &["--sla", sla_arg]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(a_cell(&b, "p95"), ("unchanged".into(), 30.0));
    assert_eq!(a_cell(&b, "p50"), ("regressed".into(), 1.0));
    let (code, b, stderr) = analyze("both", &["--sla", sla_arg, "--threshold", "p95=2%"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(a_cell(&b, "p95"), ("regressed".into(), 2.0));

    let (code, _, stderr) = analyze("bad", &["--threshold", "p95=lots"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("p95=lots"), "{stderr}");
}

/// Writes run `name` with two stage dirs: `01_warm` at 5 users (the default fixture),
/// then, an hour later, `02_load` at `users` (fixture `f`).
fn run_at_users(dir: &TestDir, name: &str, users: u32, f: &Fixture) -> PathBuf {
    for (stage, users, f, shift) in [
        ("01_warm", 5, &Fixture::default(), 0),
        ("02_load", users, f, 3_600_000),
    ] {
        let csv_path = write_run(dir, &format!("{name}/{stage}"), f).join("requests.csv");
        let csv = std::fs::read_to_string(&csv_path).unwrap();
        let with_users: String = csv
            .lines()
            .enumerate()
            .map(|(i, l)| match (i, l.split_once(',')) {
                (0, _) | (_, None) => format!("{l},users\n"),
                (_, Some((t, rest))) => {
                    format!("{},{rest},{users}\n", t.parse::<i64>().unwrap() + shift)
                }
            })
            .collect();
        std::fs::write(&csv_path, with_users).unwrap();
    }
    dir.path().join(name)
}

/// Stages paired by name that ran at different loads (10 users, then 20) decide
/// nothing: the 50% slower `/a` that regresses at one load is `inconclusive` across
/// two, with a note naming both loads, and `--fail-on-regression` exits 0; the
/// stage both ran at one load still decides.
#[test]
fn stages_of_one_name_run_at_different_loads_decide_nothing() {
    let dir = TestDir::new();
    let base = run_at_users(&dir, "base", 10, &Fixture::default());
    let slower = Fixture {
        seed: 2,
        factors: &[("/a", 1.5)],
        ..Fixture::default()
    };
    let same_load = run_at_users(&dir, "same", 10, &slower);
    let other_load = run_at_users(&dir, "other", 20, &slower);
    let of_stage = |report: &Value, stage: &str| -> Vec<String> {
        verdicts(report)
            .into_iter()
            .filter(|v| v.0 == format!("\"{stage}\"") && v.1 == "\"/a\"" && v.2 == "\"p50\"")
            .map(|v| v.3)
            .collect()
    };
    // At one load, the shift is found: the fixture can show a regression.
    let (code, report, stderr) = compare_json(&dir, &[&base, &same_load], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(of_stage(&report, "load"), ["\"regressed\""], "{report:#}");
    let extra = ["--fail-on-regression"];
    let (code, report, stderr) = compare_json(&dir, &[&base, &other_load], &extra);
    assert_eq!(code, 0, "{stderr}");
    let bases: Vec<_> = report["stage_pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["baseline_stage"].clone(), p["basis"].clone()))
        .collect();
    assert_eq!(
        bases,
        [
            (Value::from("warm"), Value::from("name")),
            (Value::from("load"), Value::from("name"))
        ]
    );
    let decided: Vec<_> = verdicts(&report)
        .into_iter()
        .filter(|v| v.0 == "\"load\"" && v.3 != "\"inconclusive\"")
        .collect();
    assert!(decided.is_empty(), "{decided:?}");
    assert_eq!(of_stage(&report, "load"), ["\"inconclusive\""]);
    // The warm-up stages ran at one load: they still compare (unchanged or not, decided).
    let warm_decided = verdicts(&report)
        .into_iter()
        .any(|v| v.0 == "\"warm\"" && v.3 != "\"inconclusive\"");
    assert!(warm_decided, "{report:#}");
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("stage `load` ran at 10 users in the baseline and 20 in the candidate"),
        "{notes}"
    );
    assert!(!notes.contains("stage `warm` ran at"), "{notes}");
}

/// A stage run with users (a closed model) against one run at an arrival rate (an
/// open model) decides nothing either; and in repeats, one run at another load makes
/// the stage undecided, wherever that run is in the list.
#[test]
fn a_closed_stage_against_an_open_one_and_a_repeat_at_another_load_decide_nothing() {
    let dir = TestDir::new();
    let slower = Fixture {
        seed: 2,
        factors: &[("/a", 1.5)],
        ..Fixture::default()
    };
    let base = write_run(&dir, "base", &Fixture::default());
    dir.write("base/run.toml", "[[stage]]\nname = \"load\"\nusers = 10\n");
    let cand = write_run(&dir, "cand", &slower);
    dir.write(
        "cand/run.toml",
        "[[stage]]\nname = \"load\"\narrival_rate_rps = 50\n",
    );
    let (code, report, stderr) = compare_json(&dir, &[&base, &cand], &["--fail-on-regression"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(verdict(&report, "/a", "p50"), "inconclusive", "{report:#}");
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("10 users (a closed model) in the baseline and an arrival rate of 50 req/s"),
        "{notes}"
    );
    // Repeats: three baseline runs and three candidates at 10 users, but the second
    // candidate at 20 (the `02_load` stage dir of `run_at_users`).
    let runs = |side: &str, f: &Fixture, users: [u32; 3]| -> Vec<PathBuf> {
        (0..3)
            .map(|i| run_at_users(&dir, &format!("{side}{i}"), users[i], f))
            .collect()
    };
    let b = runs("rb", &Fixture::default(), [10, 10, 10]);
    let c = runs("rc", &slower, [10, 20, 10]);
    let mut args: Vec<String> = vec!["compare".into(), "--baseline".into()];
    args.extend(b.iter().map(|p| p.display().to_string()));
    args.push("--candidate".into());
    args.extend(c.iter().map(|p| p.display().to_string()));
    args.extend(["--format", "json", "--out"].map(String::from));
    args.push(dir.path().join("out-repeats").display().to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = headroom(&refs);
    let report: Value = serde_json::from_slice(&o.stdout).expect("compare.json");
    let decided: Vec<_> = verdicts(&report)
        .into_iter()
        .filter(|v| v.0 == "\"load\"" && v.3 != "\"inconclusive\"")
        .collect();
    assert!(decided.is_empty(), "{decided:?}");
    assert!(
        report["notes"]
            .to_string()
            .contains("run `rc1` ran at another load"),
        "{}",
        report["notes"]
    );
}

/// A baseline report written with `--out reports/relA` (its run has no label) is
/// named after its run's dir, `relA`, in the "vs release" section: not `reports`,
/// the dir the report dir sits in.
#[test]
fn a_baseline_report_elsewhere_is_named_after_its_runs_dir() {
    let dir = TestDir::new();
    dir.write("relA/01_load/hey.txt", crate::messy_runs::hey_text(500, 0));
    dir.write("relA/02_peak/hey.txt", crate::messy_runs::hey_text(900, 0));
    dir.write("relB/01_load/hey.txt", crate::messy_runs::hey_text(500, 0));
    let base_json = analyze_to(&dir, &dir.path().join("relA"), "reports/relA-report");
    let out = dir.path().join("relB-report");
    let (code, report, stderr) = analyze_vs(&dir.path().join("relB"), &base_json, &out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        report["baseline"]["label"], "relA",
        "{}",
        report["baseline"]
    );
}

/// A release manager compared two runs of one build, the candidate stopped early
/// (its run.toml says `complete = false`) or simulated. Before, compare called it NO
/// REGRESSION on figures the candidate's own report withholds a verdict from; now the
/// headline is INCONCLUSIVE and names the run and why, compare.json lists it under
/// `untrusted`. A clean pair of the same data is still NO REGRESSION.
#[test]
fn no_release_decision_rests_on_a_run_its_own_report_withholds_a_verdict_from() {
    let dir = TestDir::new();
    let fx = |seed, label| Fixture {
        seed,
        label: Some(label),
        ..Fixture::default()
    };
    let base = write_run(&dir, "base", &fx(21, "1.0.0"));
    let cand = write_run(&dir, "cand", &fx(22, "1.1.0"));
    // Two seeds' latencies are within 5 % of each other but their intervals reach
    // +6 to +23 %: at a 5 % floor no pass can rest on them (the data cannot show them
    // no worse), so the clean pair is judged with a floor those intervals fit.
    let floor = ["--threshold", "25%"];
    let (code, clean, stderr) = compare_json(&dir, &[&base, &cand], &floor);
    assert_eq!(code, 0, "{stderr}");
    let line = clean["verdict_line"].as_str().unwrap();
    assert!(line.starts_with("NO REGRESSION"), "{line}");
    assert_eq!(clean["untrusted"], serde_json::json!([]));

    for (manifest, quality, why) in [
        (
            "complete = false\nincomplete_reason = \"interrupted (Ctrl-C)\"\n",
            "incomplete",
            "interrupted (Ctrl-C)",
        ),
        ("simulated = true\n", "simulated", "simulated"),
    ] {
        dir.write("cand/run.toml", format!("label = \"1.1.0\"\n{manifest}"));
        let (code, report, stderr) = compare_json(&dir, &[&base, &cand], &floor);
        assert_eq!(code, 0, "{stderr}");
        let line = report["verdict_line"].as_str().unwrap();
        assert!(line.starts_with("INCONCLUSIVE: 1.1.0 vs 1.0.0"), "{line}");
        assert!(
            line.contains(&format!(
                "no release decision rests on it: 1.1.0's data is {quality}"
            )) && line.contains(why),
            "{line}"
        );
        let untrusted = &report["untrusted"];
        assert_eq!(untrusted.as_array().unwrap().len(), 1, "{untrusted}");
        assert_eq!(untrusted[0]["label"], "1.1.0");
        assert_eq!(untrusted[0]["data_quality"], quality);
        // The figures are still compared as stated: the same verdict counts.
        assert_eq!(report["counts"], clean["counts"]);
    }
}

/// The same, with the candidate's /a 15 % slower: a regression found on a run that
/// stopped early still holds the release back (REGRESSED, exit 1 with
/// `--fail-on-regression`), and the headline says the run is incomplete.
#[test]
fn a_regression_on_an_incomplete_run_still_regresses_and_says_so() {
    let dir = TestDir::new();
    let (base, cand) = fifteen_percent_runs(&dir);
    dir.write(
        "cand/run.toml",
        "label = \"1.1.0\"\ncomplete = false\nincomplete_reason = \"target restarted\"\n",
    );
    let (code, report, stderr) = compare_json(&dir, &[&base, &cand], &["--fail-on-regression"]);
    assert_eq!(code, 1, "{stderr}");
    let line = report["verdict_line"].as_str().unwrap();
    assert!(line.starts_with("REGRESSED: 1.1.0 vs 1.0.0"), "{line}");
    assert!(
        line.contains("; 1.1.0's data is incomplete (") && line.contains("target restarted"),
        "{line}"
    );
}
