//! Messy runs, batch "bm" (lead): each endpoint's whole-run figures in the task mix.
//! A one-stage Locust run without `--csv-full-history` has per-endpoint percentiles
//! only in its stats file; the report's stage table has none per endpoint, so the task
//! mix carries each endpoint's failures and p50/p95/p99 over the whole run, for every
//! source. Answers follow from the fixtures by hand.

use super::check::check_json;
use super::common::{analyze_json, nearest_rank, TestDir};
use super::messy_runs_bc::compare;
use super::messy_runs_bd::smoke_run;

/// The task-mix row of `endpoint`.
fn mix_row<'a>(report: &'a serde_json::Value, endpoint: &str) -> &'a serde_json::Value {
    (report["task_mix"].as_array().unwrap().iter())
        .find(|t| t["endpoint"] == endpoint)
        .unwrap_or_else(|| panic!("no {endpoint} in {}", report["task_mix"]))
}

/// `locust --csv` without `--csv-full-history`: the stats file's own percentiles
/// (`GET /api/x` p50 20 / p95 40 ms, `POST /api/y` 100 / 300 ms; p99 at the max) reach
/// report.json's task mix and report.md, where the stage says none per endpoint and
/// points at them.
#[test]
fn a_locust_stats_file_gives_each_endpoints_percentiles_in_the_task_mix() {
    let dir = TestDir::new();
    smoke_run(&dir, "run", &[10; 10], 300);
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    let x = mix_row(&report, "GET /api/x");
    let got = |t: &serde_json::Value| {
        let f = |k: &str| t[k].as_f64();
        (
            t["requests"].as_u64(),
            f("p50_ms"),
            f("p95_ms"),
            f("p99_ms"),
        )
    };
    assert_eq!(got(x), (Some(2000), Some(20.0), Some(40.0), Some(90.0)));
    assert_eq!(x["latency_method"], "tool_summary", "{x}");
    let y = mix_row(&report, "POST /api/y");
    assert_eq!(got(y), (Some(1000), Some(100.0), Some(300.0), Some(500.0)));

    let out = dir.path().join("out");
    let o = super::common::headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("| GET /api/x | 2,000 | 66.7% | 0 | 20 ms | 20 ms | 40 ms | 90 ms |"),
        "{md}"
    );
    assert!(
        md.contains("whole-run figures are under Observed task mix"),
        "{md}"
    );
}

/// Per-request rows: `/a` takes 1…200 ms (one request each, every tenth failing with a
/// 500), `/b` 5 ms each. The task mix's `/a` is the nearest rank of those 200 values and
/// counts its 20 failures.
#[test]
fn per_request_rows_give_exact_whole_run_percentiles_and_failures() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    let a: Vec<f64> = (1..=200).map(f64::from).collect();
    for (i, ms) in a.iter().enumerate() {
        let status = if i % 10 == 9 { 500 } else { 200 };
        let t = 1_700_000_000_000u64 + i as u64 * 50;
        csv.push_str(&format!("{t},/a,GET,{ms},{status}\n{t},/b,GET,5,200\n"));
    }
    dir.write("run/results.csv", csv);
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    let t = mix_row(&report, "GET /a");
    assert_eq!(t["failures"], 20, "{t}");
    assert_eq!(t["latency_method"], "nearest_rank", "{t}");
    for (key, p) in [("p50_ms", 50.0), ("p95_ms", 95.0), ("p99_ms", 99.0)] {
        let want = nearest_rank(&a, p);
        let v = t[key].as_f64().unwrap();
        assert!((v - want).abs() <= want * 1e-3, "{key}: {v} vs {want}");
    }
    assert_eq!(mix_row(&report, "GET /b")["failures"], 0);
}

/// A script's `time,url,duration,code` with `time.time()` stamps and durations in
/// seconds (0.02–0.05): `analyze` calls the latency unit in doubt; `inspect`, the
/// command a user runs first on a file, said nothing and showed "p50 35 µs". It now
/// says the same, naming the file's own time column.
#[test]
fn inspect_says_when_the_latency_unit_is_in_doubt() {
    let dir = TestDir::new();
    let mut csv = String::from("time,url,duration,code\n");
    for i in 0..300u32 {
        let secs = 0.02 + f64::from(i % 31) / 1000.0;
        csv.push_str(&format!(
            "{:.3},/api/x,{secs},200\n",
            1_796_550_000.0 + f64::from(i) * 0.02
        ));
    }
    let file = dir.write("run/results.csv", csv);
    let o = super::common::headroom(&["inspect", file.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("the unit is in doubt: column `duration` names no unit")
            && out.contains("the file's `time` holds Unix times in seconds"),
        "{out}"
    );
}

/// `n` generic rows every 20 ms from `t0_ms` on `/api/x`, each `ms` long.
fn rows_at(t0_ms: u64, n: u64, ms: f64) -> String {
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms,status\n");
    for i in 0..n {
        csv.push_str(&format!("{},/api/x,{ms},200\n", t0_ms + i * 20));
    }
    csv
}

/// Last week's `results-old.csv` kept beside today's `results.csv` (500 requests each,
/// 10 s at 50 req/s; 150 ms then, 50 ms now): one stage 7 days long. Its throughput
/// (1,000 ÷ 7 days) failed `throughput > 10` and gave NO-GO, exit 1, and its p95
/// (150 ms, last week's) failed `p(95) < 100ms` that today's 50 ms meets. The audit's
/// stage_gap says the stage is two runs; no rule on it decides now (CONDITIONAL,
/// exit 0), each saying why. Today's file alone passes both (GO).
#[test]
fn a_stage_holding_two_runs_a_week_apart_decides_no_rule() {
    let dir = TestDir::new();
    let now = 1_796_550_000_000u64;
    dir.write("run/results.csv", rows_at(now, 500, 50.0));
    dir.write(
        "run/results-old.csv",
        rows_at(now - 7 * 86_400_000, 500, 150.0),
    );
    dir.write("today/results.csv", rows_at(now, 500, 50.0));
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"throughput > 10\", \"p(95) < 100ms\"]\n",
    );
    let check = |run: &str| {
        let (code, report, err) = check_json(&dir.path().join(run), &sla, &[]);
        assert!(report.is_object(), "{err}");
        (Some(code), report)
    };
    let (code, report) = check("run");
    assert_eq!(
        (code, report["verdict"].as_str()),
        (Some(0), Some("CONDITIONAL")),
        "{report}"
    );
    let on_stage: Vec<_> = (report["sla"]["rules"].as_array().unwrap().iter())
        .filter(|e| e["stage"] == "run")
        .collect();
    assert_eq!(on_stage.len(), 2, "{report}");
    for e in on_stage {
        assert_eq!(e["status"], "insufficient_data", "{e}");
        assert!(e["note"].as_str().unwrap().contains("stage_gap"), "{e}");
    }
    let (code, report) = check("today");
    assert_eq!(
        (code, report["verdict"].as_str()),
        (Some(0), Some("GO")),
        "{report}"
    );
}

/// `wrk -t2 -c4 -d3s --latency URL` against the release before (qa66's run).
const WRK_BASE: &str = "Running 3s test @ http://127.0.0.1:18480/api/v1/agents
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.06ms    6.16ms  52.08ms   71.90%
    Req/Sec    95.17     10.29   120.00     68.33%
  Latency Distribution
     50%   20.13ms
     75%   24.24ms
     90%   28.95ms
     99%   40.88ms
  570 requests in 3.01s, 67.35KB read
Requests/sec:    189.45
Transfer/sec:     22.39KB
";

/// `hey -c 4 -z 3s URL` against the candidate, which rate-limits: 13,495 of 13,978
/// answers are 429s (qa66's run; hey's layout, tabs as hey writes them).
const HEY_LIMITED: &str = "\nSummary:\n  Total:\t3.0383 secs\n  Slowest:\t0.0628 secs\n  \
Fastest:\t0.0000 secs\n  Average:\t0.0009 secs\n  Requests/sec:\t4600.5993\n  \n  \
Total data:\t330159 bytes\n  Size/request:\t23 bytes\n\nResponse time histogram:\n  \
0.000 [1]\t|\n  0.006 [13494]\t|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■\n  \
0.013 [18]\t|\n  0.019 [178]\t|■\n  0.025 [170]\t|■\n  0.031 [85]\t|\n  0.038 [24]\t|\n  \
0.044 [6]\t|\n  0.050 [1]\t|\n  0.057 [0]\t|\n  0.063 [1]\t|\n\n\nLatency distribution:\n  \
10% in 0.0001 secs\n  25% in 0.0001 secs\n  50% in 0.0001 secs\n  75% in 0.0002 secs\n  \
90% in 0.0002 secs\n  95% in 0.0003 secs\n  99% in 0.0238 secs\n\n\
Details (average, fastest, slowest):\n  DNS+dialup:\t0.0000 secs, 0.0000 secs, 0.0628 secs\n  \
DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs\n  req write:\t0.0000 secs, 0.0000 secs, 0.0007 secs\n  \
resp wait:\t0.0008 secs, 0.0000 secs, 0.0627 secs\n  resp read:\t0.0000 secs, 0.0000 secs, 0.0046 secs\n\n\
Status code distribution:\n  [200]\t483 responses\n  [429]\t13495 responses\n\n\n\n";

/// wrk measured the release before, hey the candidate, both at 4 connections. The
/// candidate answers 96.5 % of its requests with 429 (13,495 of 13,978; the baseline
/// none of 570). Another tool decides nothing, so the metrics stay inconclusive, but
/// the headline was a plain INCONCLUSIVE, as if nothing had moved the wrong way; it is
/// now "possibly worse", naming the error rate and why it is not decided. The note
/// about per-request data marking no failure (ab's `-g`) is not given for hey's
/// summary, which has no per-request data.
#[test]
fn another_tool_does_not_hide_an_error_rate_gone_from_0_to_96_percent() {
    let dir = TestDir::new();
    dir.write("1.0/load/wrk.txt", WRK_BASE);
    dir.write("1.1/load/hey.txt", HEY_LIMITED);
    let (code, _, err, json) = compare(&dir, "1.0", "1.1", &["--fail-on-regression"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json["outcome"], "possibly_worse", "{json}");
    let rate = (json["comparisons"].as_array().unwrap().iter())
        .find(|c| c["metric"] == "error_rate")
        .unwrap();
    let want = 13_495.0 / 13_978.0;
    assert!(
        (rate["candidate"].as_f64().unwrap() - want).abs() < 1e-9,
        "{rate}"
    );
    assert_eq!(rate["verdict"], "inconclusive", "{rate}");
    let md = std::fs::read_to_string(dir.path().join("cmp/compare.md")).unwrap();
    assert!(md.contains("measured by other tools"), "{md}");
    assert!(!md.contains("records no outcome"), "{md}");
}

/// `02_Load/` holding `wrk -c8` and `wrk -c16` runs (a loop `tee`ing each run), which
/// become the load levels `load/8_users` and `load/16_users`; `03_peak/` one run at 32.
fn load_dir_of_two_levels(dir: &TestDir) -> std::path::PathBuf {
    use super::messy_runs_ax::wrk_output;
    dir.write(
        "rel/02_Load/wrk-c8.txt",
        wrk_output(8, "11.00ms", 6920, "691.15"),
    );
    dir.write(
        "rel/02_Load/wrk-c16.txt",
        wrk_output(16, "14.00ms", 9900, "989.01"),
    );
    dir.write(
        "rel/03_peak/wrk.txt",
        wrk_output(32, "11.50ms", 9800, "979.02"),
    );
    dir.path().join("rel")
}

/// `[stage.load]`, as the team named the dir, was refused (exit 2: "names 2 stages …
/// write one of load/8_users or load/16_users"): the dir's stage is both its levels.
/// Each is now judged, with a warning saying so: p50 11 ms passes `p(50) < 12ms`,
/// 14 ms fails it. Not a verdict stage there: GO on `peak`; as the verdict stage
/// (`verdict_stages = ["load"]`), both levels decide: NO-GO, exit 1.
#[test]
fn a_stage_section_naming_a_dir_of_two_load_levels_judges_each() {
    let dir = TestDir::new();
    let run = load_dir_of_two_levels(&dir);
    let sla = |verdict: &str| {
        dir.write(
            "sla.toml",
            format!(
                "[global]\nverdict_stages = [\"{verdict}\"]\nrules = [\"error_rate < 1%\"]\n\n\
                 [stage.load]\nrules = [\"p(50) < 12ms\"]\n"
            ),
        )
    };
    let (code, report, err) = check_json(&run, &sla("peak"), &[]);
    assert_eq!(
        (code, report["verdict"].as_str()),
        (0, Some("GO")),
        "{err} {report}"
    );
    let p50: Vec<(String, String)> = (report["sla"]["rules"].as_array().unwrap().iter())
        .filter(|e| e["rule"] == "p(50) < 12ms")
        .map(|e| {
            (
                e["stage"].as_str().unwrap().to_string(),
                e["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [("load/8_users", "pass"), ("load/16_users", "fail")];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(s, v)| (s.to_string(), v.to_string()))
        .collect();
    assert_eq!(p50, want, "{report}");
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("names a stage dir whose runs are 2 load levels"),
        "{warnings}"
    );

    let (code, report, err) = check_json(&run, &sla("load"), &[]);
    assert_eq!(
        (code, report["verdict"].as_str()),
        (1, Some("NO-GO")),
        "{err} {report}"
    );
}
