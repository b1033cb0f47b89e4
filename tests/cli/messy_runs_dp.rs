//! Messy runs, batch "dp" (qa112): `compare` across releases measured with h2load,
//! which prints a latency mean and standard deviation (`time for request: min max
//! mean sd`) but no percentile. The fixtures are h2load 1.x consoles printed here
//! against `headroom target` on loopback (its progress lines left out), saved as a
//! team does, `{ echo "$ h2load …"; h2load …; } > h2load.txt`: "rel-1.4" is the
//! default profile with 8 workers, "rel-1.5" the same with 2 (a fourfold slower
//! service at 10 clients), and two runs of one build taken while a build loaded the
//! machine (their means 19 % apart with nothing changed).

use crate::common::{headroom, TestDir};
use serde_json::Value;
use std::path::Path;

const REL14_C10: &str = r"$ h2load -c 10 -D 5 --h1 http://127.0.0.1:18470/api/v1/agents
starting benchmark...
spawning thread #0: 10 total client(s). Timing-based test with 0s of warm-up time and 5s of main duration for measurements.
Warm-up started for thread #0.
Warm-up phase is over for thread #0.
Main benchmark duration is started for thread #0.
Application protocol: http/1.1
Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 5.00s, 377.80 req/s, 73.42KB/s
requests: 1889 total, 1899 started, 1889 done, 1889 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 1889 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 367.10KB (375911) total, 142.04KB (145453) headers (space savings 0.00%), 167.87KB (171899) data
                     min         max         mean         sd        +/- sd
time for request:     7.25ms     87.57ms     26.35ms     10.65ms    75.22%
time for connect:        6us        54us        35us        14us    70.00%
time to 1st byte:    13.61ms     30.56ms     23.86ms      6.96ms    70.00%
req/s           :      36.40       39.40       37.78        0.98    60.00%
";

const REL15_C10: &str = r"$ h2load -c 10 -D 5 --h1 http://127.0.0.1:18471/api/v1/agents
starting benchmark...
spawning thread #0: 10 total client(s). Timing-based test with 0s of warm-up time and 5s of main duration for measurements.
Warm-up started for thread #0.
Warm-up phase is over for thread #0.
Main benchmark duration is started for thread #0.
Application protocol: http/1.1
Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 5.00s, 98.60 req/s, 19.16KB/s
requests: 493 total, 503 started, 493 done, 493 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 493 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 95.81KB (98107) total, 37.07KB (37961) headers (space savings 0.00%), 43.81KB (44863) data
                     min         max         mean         sd        +/- sd
time for request:    18.27ms    155.98ms    100.28ms     17.81ms    72.62%
time for connect:        9us        60us        39us        16us    60.00%
time to 1st byte:    18.33ms    104.98ms     60.93ms     30.66ms    50.00%
req/s           :       9.60       10.20        9.86        0.21    60.00%
";

const SAME_RUN1: &str = r"$ h2load -c 10 -D 5 --h1 http://127.0.0.1:18470/api/v1/agents
starting benchmark...
spawning thread #0: 10 total client(s). Timing-based test with 0s of warm-up time and 5s of main duration for measurements.
Warm-up started for thread #0.
Warm-up phase is over for thread #0.
Main benchmark duration is started for thread #0.
Application protocol: http/1.1
Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 5.00s, 284.40 req/s, 55.27KB/s
requests: 1422 total, 1432 started, 1422 done, 1422 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 1422 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 276.35KB (282978) total, 106.93KB (109494) headers (space savings 0.00%), 126.37KB (129402) data
                     min         max         mean         sd        +/- sd
time for request:     7.55ms    105.27ms     35.09ms     14.97ms    71.17%
time for connect:       13us       235us       181us        83us    80.00%
time to 1st byte:    46.65ms     91.06ms     55.90ms     16.31ms    80.00%
req/s           :      27.20       29.40       28.44        0.83    70.00%
";

const SAME_RUN2: &str = r"$ h2load -c 10 -D 5 --h1 http://127.0.0.1:18470/api/v1/agents
starting benchmark...
spawning thread #0: 10 total client(s). Timing-based test with 0s of warm-up time and 5s of main duration for measurements.
Warm-up started for thread #0.
Warm-up phase is over for thread #0.
Main benchmark duration is started for thread #0.
Application protocol: http/1.1
Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 5.00s, 351.80 req/s, 68.37KB/s
requests: 1759 total, 1769 started, 1759 done, 1759 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 1759 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 341.84KB (350041) total, 132.27KB (135443) headers (space savings 0.00%), 156.32KB (160069) data
                     min         max         mean         sd        +/- sd
time for request:     4.46ms    181.61ms     28.33ms     12.75ms    78.17%
time for connect:       13us        82us        59us        19us    80.00%
time to 1st byte:     8.63ms     32.29ms     23.57ms      7.23ms    70.00%
req/s           :      33.59       36.59       35.17        0.87    70.00%
";

/// `compare BASE CAND --json` on run dirs or report.json files; compare.json.
fn compare_json(base: &Path, cand: &Path, dir: &TestDir, out: &str) -> Value {
    let out = dir.path().join(out);
    let o = headroom(&[
        "compare",
        base.to_str().unwrap(),
        cand.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    assert!(
        o.status.code() == Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap()
}

/// The comparison row of `metric`.
fn row<'a>(c: &'a Value, metric: &str) -> &'a Value {
    (c["comparisons"].as_array().unwrap().iter())
        .find(|r| r["metric"] == metric)
        .unwrap_or_else(|| panic!("no {metric} row in {c:#}"))
}

/// A mean that went from 26.35 ms (sd 10.65) to 100.28 ms (sd 17.81) with no failure
/// was `inconclusive` ("means without a series"), so a release four times slower at
/// its one load read INCONCLUSIVE. Welch's test over the effective sizes: each side
/// is 2 × requests ÷ throughput = 2 × 1889 ÷ 377.8 = 2 × 493 ÷ 98.6 = 10 requests;
/// SE = √(10.65²/10 + 17.81²/10) = 6.562 ms, Welch–Satterthwaite df = 14.7, t(0.975)
/// ≈ 2.135: Δ 73.93 ms ± 14.0 (+ half of each 0.01 ms step) = [59.9, 87.95].
/// The report.json written from each run keeps the sd and compares alike.
#[test]
fn h2load_mean_fourfold_slower_is_regressed_by_welch_on_effective_sizes() {
    let dir = TestDir::new();
    dir.write("rel-1.4/c10/h2load.txt", REL14_C10);
    dir.write("rel-1.5/c10/h2load.txt", REL15_C10);
    let (base, cand) = (dir.path().join("rel-1.4"), dir.path().join("rel-1.5"));
    let c = compare_json(&base, &cand, &dir, "cmp");
    let mean = row(&c, "mean");
    assert_eq!(mean["method"], "summary_welch", "{mean:#}");
    assert_eq!(mean["verdict"], "regressed", "{mean:#}");
    let ci = |r: &Value, i: usize| r["ci"][i].as_f64().unwrap();
    assert!(
        (ci(mean, 0) - 59.9).abs() < 0.5 && (ci(mean, 1) - 87.95).abs() < 0.5,
        "{mean:#}"
    );
    assert!(
        (mean["ess"][0].as_f64().unwrap() - 10.0).abs() < 0.01,
        "{mean:#}"
    );
    assert_eq!(c["outcome"], "regressed", "{c:#}");
    // report.json inputs: the sd travels (latency_ms.sd, as h2load printed it).
    for (run, name) in [(&base, "b"), (&cand, "c")] {
        let out = dir.path().join(name);
        let o = headroom(&[
            "analyze",
            run.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--charts",
            "none",
        ]);
        assert!(
            o.status.code() == Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("b/report.json")).unwrap())
            .unwrap();
    assert_eq!(r["stages"][0]["endpoints"][0]["latency_ms"]["sd"], 10.65);
    let c2 = compare_json(
        &dir.path().join("b/report.json"),
        &dir.path().join("c/report.json"),
        &dir,
        "cmp2",
    );
    let m2 = row(&c2, "mean");
    assert_eq!(
        (&m2["method"], &m2["verdict"]),
        (&mean["method"], &mean["verdict"])
    );
    assert!((ci(m2, 0) - ci(mean, 0)).abs() < 1e-6, "{m2:#}");
}

/// Two runs of one build, 35.09 ms (sd 14.97, 1422 requests) and 28.33 ms (sd 12.75,
/// 1759): Welch on the request counts would call the 19 % drop certain (SE 0.50 ms,
/// t ≈ 13.5), which is why the counts are never used. Over 10 effective requests a
/// side, SE = √(14.97²/10 + 12.75²/10) = 6.22 ms, df ≈ 17.5, half-width ≈ 13.1 ms:
/// Δ −6.76 ms is not shown, and its interval (±13 ms against a 1.75 ms floor) is no
/// `unchanged` either.
#[test]
fn h2load_same_build_nineteen_percent_apart_is_no_change_shown() {
    let dir = TestDir::new();
    dir.write("run1/c10/h2load.txt", SAME_RUN1);
    dir.write("run2/c10/h2load.txt", SAME_RUN2);
    let c = compare_json(
        &dir.path().join("run1"),
        &dir.path().join("run2"),
        &dir,
        "cmp",
    );
    let mean = row(&c, "mean");
    assert_eq!(mean["method"], "summary_welch", "{mean:#}");
    assert_eq!(mean["verdict"], "inconclusive", "{mean:#}");
    let (lo, hi) = (
        mean["ci"][0].as_f64().unwrap(),
        mean["ci"][1].as_f64().unwrap(),
    );
    assert!(
        (lo - (-19.9)).abs() < 0.6 && (hi - 6.35).abs() < 0.6,
        "{mean:#}"
    );
    assert_ne!(c["outcome"], "improved", "{c:#}");
    assert_ne!(c["outcome"], "no_regression", "{c:#}");
}
