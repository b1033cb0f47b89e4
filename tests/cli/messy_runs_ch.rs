//! `compare` across releases on messy run dirs, part 3: repeats with a run that
//! failed outright (its target down: every request refused) among ten a side are no
//! pass, and the run is named (`failed_runs[]`, the headline, the advice) with an
//! interval of Δ that reaches it; each repeat finds its own stages by the rules the
//! two releases' stages pair by (a run with an extra warm-up stage, or one lacking a
//! stage, never lends another stage's figures); a trend says a remark once.
//!
//! Fixtures have the shape `hey -z 10s -c 4 URL > RUN/console.txt` wrote against two
//! `headroom target`s (and against a port nothing listened on), and `hey -o csv`'s
//! per-request file.

use serde_json::Value;

use crate::common::TestDir;
use crate::messy_runs_bc::{compare_with, hey_csv};
use crate::messy_runs_cb::hey_refused;

/// hey's text summary of a 10.245-s run of 2,000 requests whose status lines are
/// `statuses` (`[200]\t2000 responses`).
pub(crate) fn hey_text(statuses: &str) -> String {
    format!(
        "
Summary:
  Total:\t10.2450 secs
  Slowest:\t0.0573 secs
  Fastest:\t0.0053 secs
  Average:\t0.0219 secs
  Requests/sec:\t195.2172
  
  Total data:\t182000 bytes
  Size/request:\t91 bytes

Response time histogram:
  0.005 [11]\t|■
  0.011 [196]\t|■■■■■■■■■■■■■■■■
  0.016 [446]\t|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.021 [500]\t|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.026 [272]\t|■■■■■■■■■■■■■■■■■■■■■■
  0.031 [272]\t|■■■■■■■■■■■■■■■■■■■■■■
  0.037 [119]\t|■■■■■■■■■■
  0.042 [43]\t|■■■
  0.047 [54]\t|■■■■
  0.052 [65]\t|■■■■■
  0.057 [22]\t|■■


Latency distribution:
  10% in 0.0110 secs
  25% in 0.0142 secs
  50% in 0.0197 secs
  75% in 0.0269 secs
  90% in 0.0362 secs
  95% in 0.0464 secs
  99% in 0.0551 secs

Details (average, fastest, slowest):
  DNS+dialup:\t0.0000 secs, 0.0053 secs, 0.0573 secs
  DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:\t0.0000 secs, 0.0000 secs, 0.0001 secs
  resp wait:\t0.0217 secs, 0.0053 secs, 0.0572 secs
  resp read:\t0.0001 secs, 0.0000 secs, 0.0052 secs

Status code distribution:
{statuses}


"
    )
}

/// hey_text of a run whose 2,000 answers are every one a 200.
fn hey_ok() -> String {
    hey_text("  [200]\t2000 responses")
}

/// `compare --baseline RUNS/base-run1… --candidate RUNS/cand-run1…` of `n` runs a side.
pub(crate) fn repeats(dir: &TestDir, n: usize, extra: &[&str]) -> (i32, String, String, Value) {
    let runs = dir.path().join("runs");
    let side = |name: &str| -> Vec<String> {
        (1..=n)
            .map(|i| runs.join(format!("{name}-run{i}")).display().to_string())
            .collect()
    };
    let (b, c) = (side("base"), side("cand"));
    let mut args = vec!["--baseline"];
    args.extend(b.iter().map(String::as_str));
    args.push("--candidate");
    args.extend(c.iter().map(String::as_str));
    args.extend_from_slice(extra);
    compare_with(dir, &args)
}

fn read(dir: &TestDir, file: &str) -> String {
    std::fs::read_to_string(dir.path().join("cmp").join(file)).unwrap()
}

/// Observed: ten `hey` runs a side, the candidate's seventh against a port nothing
/// listened on. Each side's values are the medians of its runs and the rank
/// interval of the error rate's Δ (Hodges–Lehmann, 10 vs 10: the 24th smallest and
/// largest of 100 differences, 90 of which are 0) was [0, 0]: "unchanged", and with
/// the other runs alike the headline read NO REGRESSION over a run that measured
/// nothing. Now the interval reaches the failed run's 100 %, every metric of the
/// stage is held from a pass with the run named, and the advice says to rerun it.
#[test]
fn ten_runs_a_side_with_one_that_failed_outright_are_no_pass() {
    let dir = TestDir::new();
    for i in 1..=10 {
        dir.write(&format!("runs/base-run{i}/console.txt"), hey_ok());
        let cand = if i == 7 {
            hey_refused(21998, "1.0007", "21982.0215", 18479)
        } else {
            hey_ok()
        };
        dir.write(&format!("runs/cand-run{i}/console.txt"), cand);
    }
    let (code, stdout, stderr, json) = repeats(&dir, 10, &["--fail-on-regression"]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let all = json["comparisons"].as_array().unwrap();
    let er = (all.iter())
        .find(|c| c["metric"] == "error_rate")
        .unwrap_or_else(|| panic!("no error rate {json:#}"));
    // 0 % in every run but one at 21,998 of 21,998: Δ reaches 1 − 0.
    assert_eq!(er["ci"][1].as_f64(), Some(1.0), "{er:#}");
    for c in all {
        assert_eq!(c["verdict"], "inconclusive", "{c:#}");
        assert!(c["reason"].as_str().unwrap().contains("cand-run7"), "{c:#}");
    }
    assert_eq!(json["outcome"], "inconclusive", "{json:#}");
    let failed = json["failed_runs"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{json:#}");
    assert_eq!(failed[0]["side"], "candidate");
    assert_eq!(failed[0]["requests"], 21998);
    assert!(failed[0]["origin"].as_str().unwrap().ends_with("cand-run7"));
    let line = json["verdict_line"].as_str().unwrap();
    assert!(
        line.contains("`cand-run7` answered none of its 21,998 requests"),
        "{line}"
    );
    assert!(
        json["advice"].as_str().unwrap().contains("cand-run7"),
        "{json:#}"
    );
    assert!(
        stdout.contains("NOT A PASS") && stdout.contains("cand-run7"),
        "{stdout}"
    );
    let md = read(&dir, "compare.md");
    assert!(
        md.contains("NOT A PASS") && md.contains("cand-run7"),
        "{md}"
    );
    // The same ten a side without the failed run: shown unchanged, a pass.
    let dir = TestDir::new();
    for i in 1..=10 {
        dir.write(&format!("runs/base-run{i}/console.txt"), hey_ok());
        dir.write(&format!("runs/cand-run{i}/console.txt"), hey_ok());
    }
    let (_, _, _, json) = repeats(&dir, 10, &[]);
    assert_eq!(json["outcome"], "no_regression", "{json:#}");
    assert!(json["failed_runs"].as_array().unwrap().is_empty());
}

/// `n` latencies (s) spread evenly over ±20 % of `median_s`, to hey's four decimals.
fn spread(n: usize, median_s: f64) -> Vec<f64> {
    (0..n)
        .map(|j| (median_s * (0.8 + 0.4 * j as f64 / n as f64) * 1e4).round() / 1e4)
        .collect()
}

/// Observed: four runs a side, each with stage dirs `c4/` and `c8/` (`hey -c 4`,
/// `-c 8`, each `-o csv`); the candidate's second run also kept a `00-warmup/` dir,
/// and its third lost its `c4/`. Each run's stage was looked up by the first run's
/// stage name, else the run's *sole* stage: the third run's `c8` stood in for its
/// `c4` (three times as slow, so its figures were another load's), and the warm-up
/// was dropped unsaid. Now each run's stages pair with its side's first run's as
/// two releases' do: `c4` rests on the three runs that have it, and both the
/// missing and the extra stage are said.
#[test]
fn a_repeat_with_an_extra_or_a_missing_stage_finds_its_own_stages() {
    let dir = TestDir::new();
    let (c4, c8) = (
        hey_csv(&spread(400, 0.010), 400.0),
        hey_csv(&spread(400, 0.030), 133.0),
    );
    for side in ["base", "cand"] {
        for i in 1..=4 {
            if !(side == "cand" && i == 3) {
                dir.write(&format!("runs/{side}-run{i}/c4/hey.csv"), &c4);
            }
            dir.write(&format!("runs/{side}-run{i}/c8/hey.csv"), &c8);
        }
    }
    dir.write(
        "runs/cand-run2/00-warmup/hey.csv",
        hey_csv(&spread(100, 0.050), 50.0),
    );
    let (code, stdout, stderr, json) = repeats(&dir, 4, &[]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let all = json["comparisons"].as_array().unwrap();
    let p50 = |stage: &str| {
        (all.iter())
            .find(|c| c["stage"] == stage && c["metric"] == "p50")
            .unwrap_or_else(|| panic!("no p50 of {stage}: {json:#}"))
    };
    // Runs compared a side (Mann–Whitney's `ess`): c4 has three candidate runs.
    assert_eq!(p50("c4")["ess"], serde_json::json!([4.0, 3.0]), "{json:#}");
    assert_eq!(p50("c8")["ess"], serde_json::json!([4.0, 4.0]), "{json:#}");
    // Every run's c4 p50 is the same 10 ms: a c8 stood in would move it (30 ms).
    let (b, c) = (
        p50("c4")["baseline"].as_f64().unwrap(),
        p50("c4")["candidate"].as_f64().unwrap(),
    );
    assert_eq!(b, c, "{json:#}");
    assert!((b - 10.0).abs() < 0.5, "{b}");
    let notes: Vec<&str> = (json["notes"].as_array().unwrap().iter())
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("`cand-run2` (`warmup`)")),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("stage `c4`") && n.contains("`cand-run3`")),
        "{notes:#?}"
    );
    assert!(
        !notes.iter().any(|n| n.contains("another load")),
        "{notes:#?}"
    );
}

/// Observed: `compare 1.0.0 1.1.0 1.2.0` (a trend), the baseline kept as hey's text
/// summary and the candidates as `hey -o csv`: each pair's notes were appended per
/// candidate, so the same remark stood twice. Now a remark every candidate gives is
/// said once, and one only some give names them (its "the candidate" is not all).
#[test]
fn a_trend_says_each_remark_once_and_names_the_candidates_it_is_about() {
    let dir = TestDir::new();
    dir.write("1.0.0/console.txt", hey_ok());
    let csv = hey_csv(&spread(2000, 0.020), 195.0);
    dir.write("1.1.0/hey.csv", &csv);
    dir.write("1.2.0/hey.csv", &csv);
    dir.write("1.3.0/console.txt", hey_ok());
    let p = |v: &str| dir.path().join(v).display().to_string();
    let (a, b, c, d) = (p("1.0.0"), p("1.1.0"), p("1.2.0"), p("1.3.0"));
    let (code, stdout, stderr, json) = compare_with(&dir, &[&a, &b, &c, &d]);
    assert!(code == 0 || code == 1, "{stderr}\n{stdout}");
    assert_eq!(json["mode"], "trend");
    let notes: Vec<&str> = (json["notes"].as_array().unwrap().iter())
        .map(|n| n.as_str().unwrap())
        .collect();
    for n in &notes {
        assert_eq!(notes.iter().filter(|o| *o == n).count(), 1, "{notes:#?}");
    }
    // 1.1.0 and 1.2.0 are exact, 1.3.0 a summary like the baseline: the note on
    // exact against summary percentiles is theirs, named, once each.
    let exact: Vec<&&str> = (notes.iter())
        .filter(|n| n.contains("percentiles are exact"))
        .collect();
    assert_eq!(exact.len(), 2, "{notes:#?}");
    assert!(
        exact[0].starts_with("1.1.0: ") && exact[1].starts_with("1.2.0: "),
        "{notes:#?}"
    );
    assert_eq!(
        stdout.matches("percentiles are exact").count(),
        2,
        "{stdout}"
    );
}
