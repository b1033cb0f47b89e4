//! Messy runs, batch "dq" (qa113): `compare` across releases measured with wrk and
//! autocannon, which print a latency mean *and* standard deviation (wrk's Thread
//! Stats `Latency  Avg  Stdev  Max`, autocannon's `Avg`/`Stdev` columns and its
//! `--json`'s `latency.stddev`) that headroom did not read, so their means compared as
//! `inconclusive` ("means without a series") whatever the change. The fixtures are
//! wrk 4.x and autocannon 7.x outputs printed here against `headroom target` on
//! loopback, saved as a team does (`{ echo "$ wrk …"; wrk …; } > wrk.txt`): release A
//! is the default profile (32 workers, about 20 ms on `/api/v1/agents` at 10
//! connections), release B the same with 6 workers (about 35 ms), and a second run of
//! release A as "the same build". Expected intervals are Welch's, worked by hand from
//! the printed figures: each side is 2 effective requests a second of its run (wrk's
//! run is its requests ÷ its `Requests/sec`, autocannon's its `duration`), the
//! Welch–Satterthwaite df, the t quantile, and half of each side's 0.01 ms printed
//! step.

use crate::common::{headroom, TestDir};
use serde_json::Value;
use std::path::Path;

const WRK_A_10S: &str = r#"$ wrk -t2 -c10 -d10s http://127.0.0.1:18450/api/v1/agents
Running 10s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.92ms   10.69ms 106.95ms   75.19%
    Req/Sec   233.65     26.51   292.00     68.50%
  4672 requests in 10.06s, 0.89MB read
Requests/sec:    464.32
Transfer/sec:     90.23KB
"#;

const WRK_B_10S: &str = r#"$ wrk -t2 -c10 -d10s http://127.0.0.1:18452/api/v1/agents
Running 10s test @ http://127.0.0.1:18452/api/v1/agents
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    35.45ms   11.67ms 105.59ms   74.15%
    Req/Sec   141.76     17.30   181.00     62.50%
  2835 requests in 10.06s, 550.94KB read
Requests/sec:    281.94
Transfer/sec:     54.79KB
"#;

const WRK_A_3S: &str = r#"$ wrk -t2 -c10 -d3s http://127.0.0.1:18450/api/v1/agents
Running 3s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.56ms   10.84ms 104.57ms   76.95%
    Req/Sec   237.35     25.09   290.00     70.00%
  1419 requests in 3.00s, 275.76KB read
Requests/sec:    472.53
Transfer/sec:     91.83KB
"#;

const WRK_B_3S: &str = r#"$ wrk -t2 -c10 -d3s http://127.0.0.1:18452/api/v1/agents
Running 3s test @ http://127.0.0.1:18452/api/v1/agents
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    35.54ms   12.12ms 117.65ms   74.50%
    Req/Sec   141.03     18.02   181.00     61.67%
  844 requests in 3.01s, 164.02KB read
Requests/sec:    280.72
Transfer/sec:     54.55KB
"#;

const WRK_A_LATENCY: &str = r#"$ wrk -t2 -c10 -d8s --latency http://127.0.0.1:18450/api/v1/agents
Running 8s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.04ms   11.03ms 110.57ms   76.21%
    Req/Sec   233.14     29.05   300.00     70.62%
  Latency Distribution
     50%   19.93ms
     75%   26.91ms
     90%   35.91ms
     99%   60.05ms
  3726 requests in 8.04s, 724.10KB read
Requests/sec:    463.71
Transfer/sec:     90.12KB
"#;

const WRK_B_LATENCY: &str = r#"$ wrk -t2 -c10 -d8s --latency http://127.0.0.1:18452/api/v1/agents
Running 8s test @ http://127.0.0.1:18452/api/v1/agents
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    35.57ms   11.68ms 135.01ms   74.53%
    Req/Sec   141.31     18.20   181.00     60.62%
  Latency Distribution
     50%   33.91ms
     75%   41.43ms
     90%   50.11ms
     99%   72.74ms
  2256 requests in 8.02s, 438.42KB read
Requests/sec:    281.37
Transfer/sec:     54.68KB
"#;

const WRK_A2_LATENCY: &str = r#"$ wrk -t2 -c10 -d8s --latency http://127.0.0.1:18450/api/v1/agents
Running 8s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.17ms   10.99ms 103.20ms   75.12%
    Req/Sec   231.01     28.59   310.00     66.88%
  Latency Distribution
     50%   19.99ms
     75%   27.46ms
     90%   36.01ms
     99%   59.46ms
  3697 requests in 8.07s, 718.46KB read
Requests/sec:    458.31
Transfer/sec:     89.07KB
"#;

const AC_A_JSON: &str = r#"$ autocannon -c 10 -d 8 -j http://127.0.0.1:18450/api/v1/agents
{"url":"http://127.0.0.1:18450/api/v1/agents","connections":10,"sampleInt":1000,"pipelining":1,"workers":0,"duration":8.11,"samples":8,"start":"2026-12-08T01:04:53.979Z","finish":"2026-12-08T01:05:02.086Z","errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":3638,"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{"200":{"count":3638}},"latency":{"average":21.59,"mean":21.59,"stddev":11.6,"min":4,"max":122,"p0_001":4,"p0_01":4,"p0_1":5,"p1":6,"p2_5":7,"p10":10,"p25":14,"p50":19,"p75":27,"p90":36,"p97_5":50,"p99":61,"p99_9":101,"p99_99":122,"p99_999":122,"totalCount":3638},"requests":{"average":454.75,"mean":454.75,"stddev":17.8,"min":412,"max":470,"total":3638,"p0_001":412,"p0_01":412,"p0_1":412,"p1":412,"p2_5":412,"p10":412,"p25":447,"p50":456,"p75":467,"p90":470,"p97_5":470,"p99":470,"p99_9":470,"p99_99":470,"p99_999":470,"sent":3648},"throughput":{"average":90496,"mean":90496,"stddev":3538,"min":81988,"max":93530,"total":723962,"p0_001":82047,"p0_01":82047,"p0_1":82047,"p1":82047,"p2_5":82047,"p10":82047,"p25":88959,"p50":90751,"p75":92991,"p90":93567,"p97_5":93567,"p99":93567,"p99_9":93567,"p99_99":93567,"p99_999":93567}}
"#;

const AC_B_JSON: &str = r#"$ autocannon -c 10 -d 8 -j http://127.0.0.1:18452/api/v1/agents
{"url":"http://127.0.0.1:18452/api/v1/agents","connections":10,"sampleInt":1000,"pipelining":1,"workers":0,"duration":8.12,"samples":8,"start":"2026-12-08T01:04:53.970Z","finish":"2026-12-08T01:05:02.092Z","errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":2190,"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{"200":{"count":2190}},"latency":{"average":36.27,"mean":36.27,"stddev":13.72,"min":8,"max":134,"p0_001":8,"p0_01":8,"p0_1":11,"p1":15,"p2_5":18,"p10":22,"p25":27,"p50":34,"p75":43,"p90":52,"p97_5":68,"p99":85,"p99_9":126,"p99_99":134,"p99_999":134,"totalCount":2190},"requests":{"average":273.75,"mean":273.75,"stddev":11.56,"min":254,"max":292,"total":2190,"p0_001":254,"p0_01":254,"p0_1":254,"p1":254,"p2_5":254,"p10":254,"p25":266,"p50":273,"p75":276,"p90":292,"p97_5":292,"p99":292,"p99_9":292,"p99_99":292,"p99_999":292,"sent":2200},"throughput":{"average":54476,"mean":54476,"stddev":2297.46,"min":50546,"max":58108,"total":435810,"p0_001":50559,"p0_01":50559,"p0_1":50559,"p1":50559,"p2_5":50559,"p10":50559,"p25":52959,"p50":54335,"p75":54943,"p90":58111,"p97_5":58111,"p99":58111,"p99_9":58111,"p99_99":58111,"p99_999":58111}}
"#;

const AC_A2_CONSOLE: &str = r#"$ autocannon -c 10 -d 8 http://127.0.0.1:18450/api/v1/agents
Running 8s test @ http://127.0.0.1:18450/api/v1/agents
10 connections


┌─────────┬──────┬───────┬───────┬───────┬──────────┬──────────┬────────┐
│ Stat    │ 2.5% │ 50%   │ 97.5% │ 99%   │ Avg      │ Stdev    │ Max    │
├─────────┼──────┼───────┼───────┼───────┼──────────┼──────────┼────────┤
│ Latency │ 8 ms │ 19 ms │ 49 ms │ 58 ms │ 21.63 ms │ 11.21 ms │ 114 ms │
└─────────┴──────┴───────┴───────┴───────┴──────────┴──────────┴────────┘
┌───────────┬───────┬───────┬───────┬─────────┬─────────┬─────────┬───────┐
│ Stat      │ 1%    │ 2.5%  │ 50%   │ 97.5%   │ Avg     │ Stdev   │ Min   │
├───────────┼───────┼───────┼───────┼─────────┼─────────┼─────────┼───────┤
│ Req/Sec   │ 407   │ 407   │ 452   │ 474     │ 453.25  │ 19.46   │ 407   │
├───────────┼───────┼───────┼───────┼─────────┼─────────┼─────────┼───────┤
│ Bytes/Sec │ 81 kB │ 81 kB │ 90 kB │ 94.3 kB │ 90.2 kB │ 3.87 kB │ 81 kB │
└───────────┴───────┴───────┴───────┴─────────┴─────────┴─────────┴───────┘

Req/Bytes counts sampled once per second.
# of samples: 8

4k requests in 8.1s, 722 kB read
"#;

/// `compare BASE CAND` on run dirs or report.json files; compare.json.
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

/// Writes `base` and `cand` as `NAME/c10/FILE` run dirs and compares them.
fn compare_runs(base: (&str, &str), cand: (&str, &str)) -> Value {
    let dir = TestDir::new();
    dir.write(&format!("base/c10/{}", base.0), base.1);
    dir.write(&format!("cand/c10/{}", cand.0), cand.1);
    compare_json(
        &dir.path().join("base"),
        &dir.path().join("cand"),
        &dir,
        "cmp",
    )
}

/// The comparison row of `metric`.
fn row<'a>(c: &'a Value, metric: &str) -> &'a Value {
    (c["comparisons"].as_array().unwrap().iter())
        .find(|r| r["metric"] == metric)
        .unwrap_or_else(|| panic!("no {metric} row in {c:#}"))
}

/// Asserts the mean row was tested by Welch, with `verdict` and an interval within
/// 0.05 ms of `ci`.
fn assert_welch(c: &Value, verdict: &str, ci: (f64, f64)) {
    let mean = row(c, "mean");
    assert_eq!(mean["method"], "summary_welch", "{mean:#}");
    assert_eq!(mean["verdict"], verdict, "{mean:#}");
    let at = |i: usize| mean["ci"][i].as_f64().unwrap();
    assert!(
        (at(0) - ci.0).abs() < 0.05 && (at(1) - ci.1).abs() < 0.05,
        "{mean:#}"
    );
}

/// wrk without `--latency`, 10 s a side: 21.92 ms (sd 10.69) → 35.45 ms (sd 11.67).
/// Sizes 2 × 4672 ÷ 464.32 = 20.12 and 2 × 2835 ÷ 281.94 = 20.11; SE =
/// √(10.69²/20.12 + 11.67²/20.11) = 3.529 ms, df = 37.9, t(0.975) = 2.0245: Δ 13.53 ±
/// (7.145 + 0.01) = [6.38, 20.68]. Before, the mean was `inconclusive` and the outcome
/// too.
#[test]
fn wrk_mean_of_a_slower_release_is_regressed_by_welch_on_its_stdev() {
    let c = compare_runs(("wrk.txt", WRK_A_10S), ("wrk.txt", WRK_B_10S));
    assert_welch(&c, "regressed", (6.38, 20.68));
    assert_eq!(c["outcome"], "regressed", "{c:#}");
}

/// The same two releases for 3 s a side: 6 effective requests each (2 × 1419 ÷
/// 472.53, 2 × 844 ÷ 280.72), SE = √(10.84²/6.006 + 12.12²/6.013) = 6.633 ms, df =
/// 9.9, t(0.975) = 2.231: Δ 13.98 ± 14.81 = [−0.83, 28.79] reaches 0, so no change is
/// shown: the evidence does not hold yet, and the outcome is no pass either.
#[test]
fn wrk_mean_over_three_seconds_stays_inconclusive() {
    let c = compare_runs(("wrk.txt", WRK_A_3S), ("wrk.txt", WRK_B_3S));
    assert_welch(&c, "inconclusive", (-0.83, 28.79));
    assert_eq!(c["outcome"], "inconclusive", "{c:#}");
}

/// wrk `--latency`: the percentile rows stay as they were (method `reported`, tested
/// on the printed percentiles), and the mean joins them tested by Welch: 22.04 ms (sd
/// 11.03, 2 × 3726 ÷ 463.71 = 16.07) → 35.57 ms (sd 11.68, 2 × 2256 ÷ 281.37 = 16.04):
/// SE 4.010, df 30.0, t 2.0423: Δ 13.53 ± 8.20 = [5.33, 21.73]. The same build twice
/// (22.04 → 22.17 ms, sd 10.99, 2 × 3697 ÷ 458.31 = 16.13): SE 3.880, df 30.2, t
/// 2.0417: Δ 0.13 ± 7.93 = [−7.80, 8.06], neither a change nor a shown no-change.
#[test]
fn wrk_latency_percentiles_keep_their_test_and_the_mean_gets_welch() {
    let c = compare_runs(("wrk.txt", WRK_A_LATENCY), ("wrk.txt", WRK_B_LATENCY));
    assert_welch(&c, "regressed", (5.33, 21.73));
    for p in ["p50", "p90", "p99"] {
        assert_eq!(row(&c, p)["method"], "reported", "{c:#}");
    }
    let same = compare_runs(("wrk.txt", WRK_A_LATENCY), ("wrk.txt", WRK_A2_LATENCY));
    assert_welch(&same, "inconclusive", (-7.80, 8.06));
    for p in ["p50", "p90", "p99"] {
        assert_eq!(row(&same, p)["method"], "reported", "{same:#}");
        assert_ne!(row(&same, p)["verdict"], "regressed", "{same:#}");
        assert_ne!(row(&same, p)["verdict"], "improved", "{same:#}");
    }
    assert_ne!(same["outcome"], "regressed", "{same:#}");
    assert_ne!(same["outcome"], "improved", "{same:#}");
}

/// autocannon `--json`: `latency.mean` 21.59 (stddev 11.6) over 8.11 s → 36.27
/// (stddev 13.72) over 8.12 s: sizes 16.22 and 16.24, SE = √(11.6²/16.22 +
/// 13.72²/16.24) = 4.459, df 29.65, t 2.0433: Δ 14.68 ± 9.12 = [5.56, 23.80].
#[test]
fn autocannon_json_mean_of_a_slower_release_is_regressed_by_welch_on_its_stddev() {
    let c = compare_runs(("result.json", AC_A_JSON), ("result.json", AC_B_JSON));
    assert_welch(&c, "regressed", (5.56, 23.80));
    assert_eq!(c["outcome"], "regressed", "{c:#}");
}

/// The same build, once with `--json` and once with its console table (`Avg 21.63
/// ms`, `Stdev 11.21 ms`, `4k requests in 8.1s`): sizes 16.22 and 2 × 8.1 = 16.2, SE
/// 4.007, df 30.4, t 2.0412: Δ 0.04 ± 8.19 = [−8.15, 8.23]: nothing shown. The
/// console's sd travels into report.json as autocannon printed it.
#[test]
fn autocannon_console_stdev_is_read_and_the_same_build_shows_no_change() {
    let dir = TestDir::new();
    dir.write("json/c10/result.json", AC_A_JSON);
    dir.write("console/c10/autocannon.txt", AC_A2_CONSOLE);
    let (json, console) = (dir.path().join("json"), dir.path().join("console"));
    let c = compare_json(&json, &console, &dir, "cmp");
    assert_welch(&c, "inconclusive", (-8.15, 8.23));
    assert_ne!(c["outcome"], "regressed", "{c:#}");
    assert_ne!(c["outcome"], "improved", "{c:#}");
    for (run, sd) in [(&console, 11.21), (&json, 11.6)] {
        let out = dir.path().join(format!("an-{sd}"));
        let o = headroom(&[
            "analyze",
            run.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--charts",
            "none",
        ]);
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        let r: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap())
                .unwrap();
        assert_eq!(r["stages"][0]["endpoints"][0]["latency_ms"]["sd"], sd);
    }
}
