//! `compare` across releases on messy run dirs, part 2: NO REGRESSION only when every
//! metric shown `unchanged` reaches no further than its noise floor the wrong way
//! (headline, compare.md, compare.json and exit code agreeing), and the stages of
//! like runs pair when a side is given as a dir of run dirs named after it
//! (`base/base-run1`, `base/base-run2` against `cand/cand-run1`, `cand/cand-run2`).
//!
//! Fixtures have the shape `hey -z 3s -c 8 -o csv URL > DIR/hey.csv` wrote against two
//! `headroom target`s: hey's CSV header, four decimals of a second, offsets from the
//! run's start; a `cmd.txt` beside it where the team kept the command line.

use serde_json::Value;

use crate::common::{nearest_rank, Lcg, TestDir};
use crate::messy_runs_bc::{compare, hey_csv};

/// `n` latencies (s) around `median_s`, independent draws (uniform ±40 %, hey's four
/// decimals), from `seed`.
fn steady(n: usize, median_s: f64, seed: u64) -> Vec<f64> {
    let mut r = Lcg(seed);
    (0..n)
        .map(|_| (median_s * (0.6 + 0.8 * r.next_f64()) * 1e4).round() / 1e4)
        .collect()
}

/// Each latency × `factor`, to hey's four decimals.
fn scaled(v: &[f64], factor: f64) -> Vec<f64> {
    v.iter().map(|l| (l * factor * 1e4).round() / 1e4).collect()
}

fn comparisons(json: &Value) -> &Vec<Value> {
    json["comparisons"].as_array().unwrap()
}

/// How far `c`'s interval reaches the wrong way (latency up, rate down), as a
/// fraction of its baseline; infinite without an end that way.
fn wrong_way_reach(c: &Value) -> f64 {
    let b = c["baseline"].as_f64().unwrap();
    match c["metric"].as_str().unwrap() {
        "throughput" | "goodput" => -c["ci"][0].as_f64().unwrap_or(f64::NEG_INFINITY) / b,
        _ => c["ci"][1].as_f64().unwrap_or(f64::INFINITY) / b,
    }
}

/// The interval's half-width, as a fraction of its baseline.
fn half_width(c: &Value) -> f64 {
    let (lo, hi) = (c["ci"][0].as_f64(), c["ci"][1].as_f64());
    let b = c["baseline"].as_f64().unwrap();
    match (lo, hi) {
        (Some(lo), Some(hi)) => (hi - lo) / 2.0 / b,
        _ => f64::INFINITY,
    }
}

fn floor(c: &Value) -> f64 {
    c["floor_pct"].as_f64().unwrap() / 100.0
}

fn read(dir: &TestDir, file: &str) -> String {
    std::fs::read_to_string(dir.path().join("cmp").join(file)).unwrap()
}

/// Every metric called `unchanged` reaches no further than its floor the wrong way
/// (latencies: not a ms more; error rates are on another scale and left aside).
fn assert_unchanged_settled(json: &Value) {
    for c in comparisons(json) {
        if c["verdict"] == "unchanged" && c["metric"] != "error_rate" {
            assert!(
                wrong_way_reach(c) <= floor(c) + 1e-9,
                "unchanged past its floor: {c:#}"
            );
        }
    }
}

/// Observed: `hey -z 3s -c 8 -o csv` into one dir per release against two targets,
/// the candidate 2 % slower: p50 +2.1 % with its interval reaching +8.3 %, p90 +1.9 %
/// reaching +5.04 %, mean +2.0 % reaching +5.2 % against 5 % floors were each
/// `unchanged` (their half-widths within twice the floor) and the headline said NO
/// REGRESSION: a pass resting on data that allows an 8 % slowdown. Now such a metric
/// is `inconclusive` and the headline INCONCLUSIVE names it with its reach, in
/// compare.json, compare.md and the terminal alike (NOT A PASS; exit 0, nothing
/// regressed).
#[test]
fn unchanged_needs_the_wrong_way_end_within_the_floor() {
    let dir = TestDir::new();
    // 400 requests a side: a p50 interval of about ±6 % (uniform ±40 % latencies).
    let base = steady(400, 0.020, 7);
    let cand = scaled(&base, 1.02);
    dir.write("runs/base-run1/hey.csv", hey_csv(&base, 300.0));
    dir.write("runs/cand-run1/hey.csv", hey_csv(&cand, 300.0));
    let (code, stdout, stderr, json) = compare(
        &dir,
        "runs/base-run1",
        "runs/cand-run1",
        &["--fail-on-regression"],
    );
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    // The fixture's p50 moved +2 % (nearest rank), within the 5 % floor.
    let (b50, c50) = (nearest_rank(&base, 50.0), nearest_rank(&cand, 50.0));
    assert!((0.0..0.05).contains(&(c50 / b50 - 1.0)), "{b50} → {c50}");
    // The gap the old rule left: within twice the floor, past it the wrong way.
    let gap: Vec<&Value> = (comparisons(&json).iter())
        .filter(|c| {
            c["reason"].is_null()
                && c["delta_pct"]
                    .as_f64()
                    .is_some_and(|p| p.abs() <= 100.0 * floor(c))
                && half_width(c) <= 2.0 * floor(c)
                && wrong_way_reach(c) > floor(c)
        })
        .collect();
    assert!(!gap.is_empty(), "fixture: no metric in the gap {json:#}");
    for c in &gap {
        assert_eq!(c["verdict"], "inconclusive", "{c:#}");
    }
    assert_unchanged_settled(&json);
    assert_eq!(json["outcome"], "inconclusive", "{json:#}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(
        line.starts_with("INCONCLUSIVE: cand-run1 vs base-run1 ("),
        "{line}"
    );
    let named = format!("{} of hey", gap[0]["metric"].as_str().unwrap());
    assert!(line.contains(&named), "{named}: {line}");
    assert!(line.contains("interval to +"), "{line}");
    // A reach just past the floor is never printed as the floor itself.
    assert!(!line.contains("interval to +5.0%"), "{line}");
    // Counts agree with the verdicts.
    let count = |v: &str| {
        comparisons(&json)
            .iter()
            .filter(|c| c["verdict"] == v)
            .count()
    };
    let counts = format!(
        "{} regressed, {} improved, {} unchanged, {} inconclusive",
        count("regressed"),
        count("improved"),
        count("unchanged"),
        count("inconclusive")
    );
    assert!(line.contains(&counts), "{counts}: {line}");
    assert!(stdout.starts_with(line), "{stdout}");
    assert!(stdout.contains("NOT A PASS"), "{stdout}");
    let md = read(&dir, "compare.md");
    assert!(
        md.contains("**INCONCLUSIVE: cand-run1 vs base-run1 ("),
        "{md}"
    );
    assert!(md.contains("NOT A PASS"), "{md}");
    assert!(!md.contains("NO REGRESSION"), "{md}");
}

/// The same 2 % slowdown over 4,000 requests a side: every latency's interval now
/// ends within the floor (p50 ±2 %), so NO REGRESSION stands — the rule asks for
/// enough data, it does not make the pass unreachable.
#[test]
fn enough_data_within_the_floor_still_passes() {
    let dir = TestDir::new();
    let base = steady(4000, 0.020, 7);
    let cand = scaled(&base, 1.02);
    dir.write("runs/base-run1/hey.csv", hey_csv(&base, 300.0));
    dir.write("runs/cand-run1/hey.csv", hey_csv(&cand, 300.0));
    let (code, stdout, stderr, json) = compare(
        &dir,
        "runs/base-run1",
        "runs/cand-run1",
        &["--fail-on-regression"],
    );
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    assert_unchanged_settled(&json);
    let p50 = (comparisons(&json).iter())
        .find(|c| c["metric"] == "p50")
        .unwrap();
    assert_eq!(p50["verdict"], "unchanged", "{p50:#}");
    assert_eq!(json["outcome"], "no_regression", "{json:#}");
    assert!(
        stdout.starts_with("NO REGRESSION: cand-run1 vs base-run1"),
        "{stdout}"
    );
    assert!(!stdout.contains("NOT A PASS"), "{stdout}");
}

/// Observed: each release's repeats kept as a dir of run dirs named after it
/// (`base/base-run1`, `cand/cand-run1`, … — `hey -o csv` into each, the candidate's
/// command line kept in `cmd.txt`, so its stages knew 8 users and the baseline's
/// did not): no name, no load level and no sole stage paired them, every stage was
/// "only in" one side, nothing was compared (exit 2) and the NOT A PASS advice said
/// to run the candidate at `base-run1`. Now the stages pair by what follows each
/// side's shared start (`run1` with `run1`, never crossed: run2 is twice as slow on
/// both sides, so a crossed pair would show ±50 %), and the comparison says how.
#[test]
fn a_side_given_as_a_dir_of_its_run_dirs_pairs_run_by_run() {
    let dir = TestDir::new();
    let medians = [("run1", 0.020, 3), ("run2", 0.040, 5)];
    for (run, median, seed) in medians {
        let lat = steady(4000, median, seed);
        dir.write(&format!("base/base-{run}/hey.csv"), hey_csv(&lat, 300.0));
        dir.write(&format!("cand/cand-{run}/hey.csv"), hey_csv(&lat, 300.0));
        dir.write(
            &format!("cand/cand-{run}/cmd.txt"),
            "hey -z 3s -c 8 -o csv http://127.0.0.1:18461/api/v1/agents\n",
        );
    }
    let (code, stdout, stderr, json) = compare(&dir, "base", "cand", &[]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let pairs: Vec<(&str, &str, &str)> = (json["stage_pairs"].as_array().unwrap().iter())
        .map(|p| {
            (
                p["baseline_stage"].as_str().unwrap(),
                p["candidate_stage"].as_str().unwrap(),
                p["basis"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("base-run1", "cand-run1", "name_part"),
            ("base-run2", "cand-run2", "name_part")
        ],
        "{json:#}"
    );
    assert_eq!(json["unmatched"], serde_json::json!([]), "{json:#}");
    // The same requests on both sides: every latency moved 0 %.
    for c in comparisons(&json) {
        if c["metric"].as_str().unwrap().starts_with('p') {
            assert_eq!(c["delta_pct"].as_f64(), Some(0.0), "{c:#}");
        }
    }
    let md = read(&dir, "compare.md");
    assert!(
        md.contains("stage base-run1 (hey) of the baseline with stage cand-run1 (hey) of cand (by name after each side's shared start)"),
        "{md}"
    );
}

/// `hey -c 8 -z 2s URL | tee console.txt` as hey printed it for one answered run
/// (histogram and all): 1,257 answers of 200 in 2.0268 s.
const HEY_OK: &str = "
Summary:
  Total:\t2.0268 secs
  Slowest:\t0.0457 secs
  Fastest:\t0.0033 secs
  Average:\t0.0123 secs
  Requests/sec:\t620.2012
  
  Total data:\t16341 bytes
  Size/request:\t13 bytes

Response time histogram:
  0.003 [1]\t|
  0.008 [222]\t|■■■■■■■■■■■■■■■■■■
  0.012 [483]\t|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.016 [273]\t|■■■■■■■■■■■■■■■■■■■■■■■
  0.020 [165]\t|■■■■■■■■■■■■■■
  0.024 [66]\t|■■■■■
  0.029 [27]\t|■■
  0.033 [12]\t|■
  0.037 [4]\t|
  0.041 [3]\t|
  0.046 [1]\t|


Latency distribution:
  10% in 0.0065 secs
  25% in 0.0081 secs
  50% in 0.0109 secs
  75% in 0.0154 secs
  90% in 0.0201 secs
  95% in 0.0239 secs
  99% in 0.0315 secs

Details (average, fastest, slowest):
  DNS+dialup:\t0.0000 secs, 0.0033 secs, 0.0457 secs
  DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:\t0.0000 secs, 0.0000 secs, 0.0027 secs
  resp wait:\t0.0123 secs, 0.0032 secs, 0.0456 secs
  resp read:\t0.0000 secs, 0.0000 secs, 0.0003 secs

Status code distribution:
  [200]\t1257 responses


";

/// hey's console of a run against a port nothing listened on (the candidate's server
/// was down), as hey printed it: every one of `refused` requests refused over `total`
/// seconds (`rps` as printed).
pub(crate) fn hey_refused(refused: u64, total: &str, rps: &str, port: u16) -> String {
    format!(
        "
Summary:
  Total:\t{total} secs
  Slowest:\t0.0000 secs
  Fastest:\t0.0000 secs
  Average:\t NaN secs
  Requests/sec:\t{rps}
  

Response time histogram:


Latency distribution:

Details (average, fastest, slowest):
  DNS+dialup:\t NaN secs, 0.0000 secs, 0.0000 secs
  DNS-lookup:\t NaN secs, 0.0000 secs, 0.0000 secs
  req write:\t NaN secs, 0.0000 secs, 0.0000 secs
  resp wait:\t NaN secs, 0.0000 secs, 0.0000 secs
  resp read:\t NaN secs, 0.0000 secs, 0.0000 secs

Status code distribution:

Error distribution:
  [{refused}]\tGet \"http://127.0.0.1:{port}/api/v1/agents\": dial tcp 127.0.0.1:{port}: connect: connection refused

"
    )
}

/// Observed: four hey runs a side (`--baseline base-run* --candidate cand-run*`), the
/// candidate's third against a server that was down (every request refused). Each
/// side's error rate is the median of its runs, 0 % and 0 %, and "no failure on
/// either side" made it `unchanged`: with the latencies alike the headline would
/// read NO REGRESSION over a run that failed outright. Now an error rate of 0 → 0
/// whose runs' interval of Δ reaches the failed run (up to 100 %) is not unchanged,
/// and the headline is no pass.
#[test]
fn repeats_with_a_run_that_failed_outright_are_no_pass() {
    let dir = TestDir::new();
    for i in 1..=4 {
        dir.write(&format!("runs/base-run{i}/console.txt"), HEY_OK);
        let cand = if i == 3 {
            hey_refused(22034, "2.0651", "10669.4909", 18469)
        } else {
            HEY_OK.to_string()
        };
        dir.write(&format!("runs/cand-run{i}/console.txt"), cand);
    }
    let runs = dir.path().join("runs");
    let side = |name: &str| -> Vec<String> {
        (1..=4)
            .map(|i| runs.join(format!("{name}-run{i}")).display().to_string())
            .collect()
    };
    let (b, c) = (side("base"), side("cand"));
    let mut args = vec!["--baseline"];
    args.extend(b.iter().map(String::as_str));
    args.push("--candidate");
    args.extend(c.iter().map(String::as_str));
    args.push("--fail-on-regression");
    let (code, stdout, stderr, json) = crate::messy_runs_bc::compare_with(&dir, &args);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let er = (comparisons(&json).iter())
        .find(|c| c["metric"] == "error_rate")
        .unwrap_or_else(|| panic!("no error rate {json:#}"));
    // The failed run refused all its requests: an error rate of 1 beside 0s.
    assert_eq!(er["ci"][1].as_f64(), Some(1.0), "{er:#}");
    assert_ne!(er["verdict"], "unchanged", "{er:#}");
    let outcome = json["outcome"].as_str().unwrap();
    assert!(
        !["no_regression", "improved"].contains(&outcome),
        "{json:#}"
    );
    assert!(stdout.contains("NOT A PASS"), "{stdout}");
    assert!(read(&dir, "compare.md").contains("NOT A PASS"));
}
