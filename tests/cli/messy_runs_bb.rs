//! Messy runs, batch "bb" (qa57): one console file holding several hey runs, as a
//! shell loop leaves them (`for c in 8 32 64; do echo "== c=$c"; hey -c $c -z 3s URL;
//! done | tee steps.txt`), made with the real hey against `headroom target`; and wrk's
//! runs of two URLs at one load in one log. hey prints no concurrency: each of its runs
//! is a level of its own all the same, never pooled, never dropped unsaid.

use super::messy_runs_aw::analyze_steps;
use serde_json::Value;

/// hey's real output for the loop over 8, 32 and 64 workers, each after the loop's
/// `== c=N` banner, as `tee` wrote it: 1,017, 4,228 and 5,658 requests (hey's `Status
/// code distribution`), the last with 1,120 answers `[503]` (beyond the target's
/// queue).
const HEY_LOOP: &str = r#"== c=8

Summary:
  Total:	3.0363 secs
  Slowest:	0.0794 secs
  Fastest:	0.0055 secs
  Average:	0.0236 secs
  Requests/sec:	334.9523
  
  Total data:	92547 bytes
  Size/request:	91 bytes

Response time histogram:
  0.006 [1]	|
  0.013 [159]	|■■■■■■■■■■■■■■■■■■■■■
  0.020 [308]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.028 [257]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.035 [145]	|■■■■■■■■■■■■■■■■■■■
  0.042 [79]	|■■■■■■■■■■
  0.050 [37]	|■■■■■
  0.057 [21]	|■■■
  0.065 [5]	|■
  0.072 [2]	|
  0.079 [3]	|


Latency distribution:
  10% in 0.0119 secs
  25% in 0.0159 secs
  50% in 0.0216 secs
  75% in 0.0283 secs
  90% in 0.0383 secs
  95% in 0.0443 secs
  99% in 0.0585 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0000 secs, 0.0055 secs, 0.0794 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0000 secs, 0.0000 secs, 0.0041 secs
  resp wait:	0.0235 secs, 0.0053 secs, 0.0793 secs
  resp read:	0.0000 secs, 0.0000 secs, 0.0020 secs

Status code distribution:
  [200]	1017 responses



== c=32

Summary:
  Total:	3.0388 secs
  Slowest:	0.1672 secs
  Fastest:	0.0038 secs
  Average:	0.0227 secs
  Requests/sec:	1391.3431
  
  Total data:	384748 bytes
  Size/request:	91 bytes

Response time histogram:
  0.004 [1]	|
  0.020 [2082]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.036 [1741]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.053 [334]	|■■■■■■
  0.069 [51]	|■
  0.085 [14]	|
  0.102 [4]	|
  0.118 [0]	|
  0.134 [0]	|
  0.151 [0]	|
  0.167 [1]	|


Latency distribution:
  10% in 0.0117 secs
  25% in 0.0155 secs
  50% in 0.0202 secs
  75% in 0.0276 secs
  90% in 0.0362 secs
  95% in 0.0436 secs
  99% in 0.0606 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0000 secs, 0.0038 secs, 0.1672 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0000 secs, 0.0000 secs, 0.0046 secs
  resp wait:	0.0226 secs, 0.0037 secs, 0.1671 secs
  resp read:	0.0000 secs, 0.0000 secs, 0.0057 secs

Status code distribution:
  [200]	4228 responses



== c=64

Summary:
  Total:	3.0609 secs
  Slowest:	0.1263 secs
  Fastest:	0.0000 secs
  Average:	0.0341 secs
  Requests/sec:	1848.4734
  
  Total data:	437598 bytes
  Size/request:	77 bytes

Response time histogram:
  0.000 [1]	|
  0.013 [1119]	|■■■■■■■■■■■■■■■■■■■■■■■
  0.025 [32]	|■
  0.038 [1700]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.051 [1967]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.063 [605]	|■■■■■■■■■■■■
  0.076 [178]	|■■■■
  0.088 [38]	|■
  0.101 [11]	|
  0.114 [4]	|
  0.126 [3]	|


Latency distribution:
  10% in 0.0001 secs
  25% in 0.0298 secs
  50% in 0.0378 secs
  75% in 0.0454 secs
  90% in 0.0542 secs
  95% in 0.0609 secs
  99% in 0.0758 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0000 secs, 0.0000 secs, 0.1263 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0000 secs, 0.0000 secs, 0.0036 secs
  resp wait:	0.0340 secs, 0.0000 secs, 0.1262 secs
  resp read:	0.0000 secs, 0.0000 secs, 0.0004 secs

Status code distribution:
  [200]	4538 responses
  [503]	1120 responses



"#;

/// wrk's real output for `for p in /api/v1/agents /health; do echo "== $p"; wrk -t2
/// -c16 -d2s --latency URL$p; done`: two URLs at 16 connections, 1,584 and 101,419
/// requests.
const TWO_URLS: &str = r#"== /api/v1/agents
Running 2s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.06ms   10.15ms  73.03ms   76.19%
    Req/Sec   387.80     34.99   470.00     60.98%
  Latency Distribution
     50%   19.00ms
     75%   25.81ms
     90%   33.51ms
     99%   55.54ms
  1584 requests in 2.10s, 307.83KB read
Requests/sec:    755.76
Transfer/sec:    146.87KB
== /health
Running 2s test @ http://127.0.0.1:18450/health
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.62ms    2.97ms  36.89ms   87.71%
    Req/Sec    25.34k     5.54k   34.24k    75.00%
  Latency Distribution
     50%  239.00us
     75%    2.01ms
     90%    5.38ms
     99%   13.56ms
  101419 requests in 2.02s, 11.90MB read
Requests/sec:  50206.18
Transfer/sec:      5.89MB
"#;

// The SLA the tests judge by is messy_runs_aw's (`p(50) < 200ms`, `error_rate < 5%`):
// the 8 and 32 levels pass it, the 64 level's 1,120 of 5,658 answers `503` (19.8%)
// fail its error rule.

/// The stages' (name, users, requests, failures), in order.
fn stages(report: &Value) -> Vec<(String, Option<u64>, u64, u64)> {
    let stages = report["stages"].as_array().expect("stages");
    (stages.iter())
        .map(|s| {
            let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("{k}: {s:#}"));
            let name = s["name"].as_str().unwrap_or_default().to_string();
            (name, s["users"].as_u64(), n("requests"), n("failures"))
        })
        .collect()
}

/// The three runs as hey counted them: (requests, failures).
const HEY_COUNTS: [(u64, u64); 3] = [(1017, 0), (4228, 0), (5658, 1120)];

/// All of the report's notes, joined.
fn notes(report: &Value) -> String {
    report.to_string()
}

/// hey's loop with `== c=N` banners ([`HEY_LOOP`]). Before, hey's runs gave no users,
/// so headroom read the first run alone (8 workers, 1,017 requests): CONDITIONAL, the
/// 64 level's 1,120 errors in no figure. Now each run is a level at the users its
/// banner gives (8, 32, 64), with hey's own counts, and the verdict is NO-GO on the 64
/// level's error rate.
#[test]
fn a_hey_loop_reads_each_run_at_the_users_its_banner_gives() {
    let report = analyze_steps(HEY_LOOP);
    let got = stages(&report);
    let want: Vec<(String, Option<u64>, u64, u64)> = [8, 32, 64]
        .iter()
        .zip(HEY_COUNTS)
        .map(|(u, (r, f))| (format!("{u}_users"), Some(*u), r, f))
        .collect();
    assert_eq!(got, want);
    assert_eq!(report["sla"]["verdict"], "NO-GO", "{:#}", report["sla"]);
    let headline = report["sla"]["headline"].as_str().unwrap();
    assert!(
        headline.contains("`error_rate < 5%` on `64_users`"),
        "{headline}"
    );
    assert!(notes(&report).contains("read from the banner"));
}

/// The same runs after `=== BASELINE ===`, `=== PEAK ===` and `=== STRESS ===` banners,
/// which give no users. Before, the first run alone was read. Now each run is the
/// stage its banner names, users unknown, hey's counts each, and the verdict NO-GO on
/// `stress`.
#[test]
fn a_hey_loop_with_named_banners_is_a_stage_each_users_unknown() {
    let text = HEY_LOOP
        .replace("== c=8\n", "=== BASELINE ===\n")
        .replace("== c=32\n", "=== PEAK ===\n")
        .replace("== c=64\n", "=== STRESS ===\n");
    let report = analyze_steps(&text);
    let got = stages(&report);
    let want: Vec<(String, Option<u64>, u64, u64)> = ["baseline", "peak", "stress"]
        .iter()
        .zip(HEY_COUNTS)
        .map(|(n, (r, f))| (n.to_string(), None, r, f))
        .collect();
    assert_eq!(got, want);
    assert_eq!(report["sla"]["verdict"], "NO-GO", "{:#}", report["sla"]);
    let headline = report["sla"]["headline"].as_str().unwrap();
    assert!(headline.contains("on `stress`"), "{headline}");
}

/// The same runs without any banner (`for c in 8 32 64; do hey -c $c …; done >
/// steps.txt`). Before, the first run alone was read. Now the runs are stages
/// `run_1`, `run_2`, `run_3` in file order, users unknown, never pooled, and the
/// verdict NO-GO on `run_3`.
#[test]
fn a_hey_loop_without_banners_is_a_stage_each_by_order() {
    let text: String = (HEY_LOOP.lines())
        .filter(|l| !l.starts_with("== c="))
        .map(|l| format!("{l}\n"))
        .collect();
    let report = analyze_steps(&text);
    let got = stages(&report);
    let want: Vec<(String, Option<u64>, u64, u64)> = (1..=3)
        .zip(HEY_COUNTS)
        .map(|(i, (r, f))| (format!("run_{i}"), None, r, f))
        .collect();
    assert_eq!(got, want);
    assert_eq!(report["sla"]["verdict"], "NO-GO", "{:#}", report["sla"]);
    assert!(notes(&report).contains("by its order in the file"));
}

/// wrk's runs of two URLs at 16 connections ([`TWO_URLS`]). Before, the second was
/// said to be "a rerun appended". Now it is said to be another endpoint's run at the
/// same load (naming both URLs), left out, and the first URL's run is the level.
#[test]
fn two_urls_at_one_load_are_not_called_a_rerun() {
    let report = analyze_steps(TWO_URLS);
    let got = stages(&report);
    // One level (the dir's, `run`): the first URL's, as wrk counted it.
    assert_eq!(got, [("run".to_string(), Some(16), 1584, 0)]);
    let why = report["data_quality_reason"].as_str().unwrap();
    assert!(!why.contains("a rerun appended"), "{why}");
    assert!(why.contains("of another endpoint"), "{why}");
    assert!(why.contains("/health after "), "{why}");
}

/// The same loop run under `set -x`: the shell echoed `+ hey -c N -z 3s URL` above each
/// run instead of a banner. Before, only the first run's command was read (its 8
/// users), the later runs `run_2` and `run_3` with users unknown. Now each run's users
/// come from the command echoed above it: 8, 32 and 64.
#[test]
fn a_hey_loop_under_set_x_reads_each_runs_users_from_its_echoed_command() {
    let mut text = HEY_LOOP.to_string();
    for c in [8, 32, 64] {
        text = text.replace(
            &format!("== c={c}\n"),
            &format!("+ hey -c {c} -z 3s http://127.0.0.1:18450/api/v1/agents\n"),
        );
    }
    let report = analyze_steps(&text);
    let got = stages(&report);
    let want: Vec<(String, Option<u64>, u64, u64)> = [8, 32, 64]
        .iter()
        .zip(HEY_COUNTS)
        .map(|(u, (r, f))| (format!("{u}_users"), Some(*u), r, f))
        .collect();
    assert_eq!(got, want);
    assert_eq!(report["sla"]["verdict"], "NO-GO", "{:#}", report["sla"]);
}
