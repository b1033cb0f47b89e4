//! Messy runs, batch "ax" (qa54): `headroom compare` as a release manager uses it on
//! run dirs the real tools wrote against `headroom target`: two releases measured by
//! Locust's default CSVs, one endpoint of four slower in the candidate; a CI gate
//! whose candidate ran at another load, so nothing was compared.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::common::{headroom, TestDir};

const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,\
    75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,\
    Total Median Response Time,Total Average Response Time,Total Min Response Time,\
    Total Max Response Time,Total Average Content Size\n";

const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,\
    Average Response Time,Min Response Time,Max Response Time,Average Content Size,\
    Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n";

/// A Locust 2.47 run as `locust --headless -u 8 -r 8 -t 60s --csv run` writes it (no
/// `--csv-full-history`: the history holds the Aggregated row only), shaped as the
/// runs qa54 made against `headroom target`: 8 users for 60 s, 204 requests a second
/// (40 % `GET /api/v1/agents`, 40 % `GET /api/v1/agents/{id}`, 10 % `POST
/// /api/v1/agents/run`, 10 % `GET /health`), no failure. `run_p50`/`run_mean` are
/// `POST /api/v1/agents/run`'s median and mean, ms; the Aggregated figures are the
/// same in both releases (a tenth of the requests moves no aggregate percentile by a
/// whole millisecond here, Locust's rounding).
fn locust_default_run(dir: &TestDir, name: &str, run_p50: u32, run_mean: f64) -> PathBuf {
    let t0 = 1_796_539_800_u64;
    let mut history = String::from(HISTORY_HEADER);
    history.push_str(&format!(
        "{t0},0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,\
         0,0,0,0.0,0,0,0\n"
    ));
    for i in 1..=60u64 {
        // 204 a second, ±2 in a fixed pattern (the run's own jitter).
        let total: u64 = (1..=i).map(|k| 204 + (k % 5) - 2).sum();
        history.push_str(&format!(
            "{},8,,Aggregated,{}.000000,0.000000,20,25,28,31,38,47,57,63,92,130,150,{total},0,\
             20,21.9,0.66,148.2,10.8\n",
            t0 + i,
            204 + (i % 5) - 2
        ));
    }
    let total: u64 = (1..=60u64).map(|k| 204 + (k % 5) - 2).sum();
    let (list, get) = (total * 4 / 10, total * 4 / 10);
    let run = total / 10;
    let health = total - list - get - run;
    let stats = format!(
        "{STATS_HEADER}\
         GET,/api/v1/agents,{list},0,15,16.0,5.9,53.0,13.0,81.6,0.0,15,17,19,20,23,27,31,34,43,\
         53,53\n\
         POST,/api/v1/agents/run,{run},0,{run_p50},{run_mean},18.8,148.2,22.0,20.4,0.0,{run_p50},\
         51,54,57,63,71,80,92,130,150,150\n\
         GET,/api/v1/agents/{{id}},{get},0,25,26.1,9.0,78.8,8.0,81.6,0.0,25,28,31,32,36,40,45,\
         49,63,79,79\n\
         GET,/health,{health},0,2,3.3,0.66,47.7,2.0,20.4,0.0,2,3,4,5,8,10,14,16,29,48,48\n\
         ,Aggregated,{total},0,20,21.9,0.66,148.2,10.8,204.0,0.0,20,25,28,31,38,47,57,63,92,\
         130,150\n"
    );
    dir.write(&format!("{name}/run_stats_history.csv"), history);
    dir.write(&format!("{name}/run_stats.csv"), stats);
    dir.write(
        &format!("{name}/run_failures.csv"),
        "Method,Name,Error,Occurrences,First Seen,Last Seen\n",
    );
    dir.write(
        &format!("{name}/run_exceptions.csv"),
        "Count,Message,Traceback,Nodes\n",
    );
    dir.path().join(name)
}

/// Runs `compare BASE CAND --json --charts none --out OUT EXTRA`: (exit code,
/// compare.json, stderr).
fn compare(dir: &TestDir, base: &Path, cand: &Path, extra: &[&str]) -> (i32, Value, String) {
    let out = dir.path().join("cmp");
    let mut args = vec![
        "compare",
        base.to_str().unwrap(),
        cand.to_str().unwrap(),
        "--json",
        "--charts",
        "none",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = headroom(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}\n{stderr}"));
    (o.status.code().unwrap_or(-1), json, stderr)
}

/// A release manager compared two releases that Locust measured with its default
/// `--csv` (no `--csv-full-history`): the candidate's `POST /api/v1/agents/run`
/// (a tenth of the requests) is 22 % slower (median 45 → 55 ms, mean 46.6 → 57.0 ms
/// in Locust's own stats file), the other three endpoints and every Aggregated figure
/// as before. Locust's history gives the stage as a whole only, so compare compared
/// `(all requests)`, found it unchanged, and said `NO REGRESSION`. Now a stage compared
/// only as a whole while the runs have several endpoints decides no NO REGRESSION:
/// the headline is `INCONCLUSIVE, possibly worse`, names the stage and the endpoint
/// whose run-wide mean rose beyond the floor with both means, and compare.json lists
/// it under `whole_only`. The same release twice is INCONCLUSIVE (a per-endpoint
/// change could hide there too) and names no endpoint.
#[test]
fn one_slower_endpoint_hidden_in_locusts_aggregate_history_is_not_no_regression() {
    let dir = TestDir::new();
    let base = locust_default_run(&dir, "1.4.0", 45, 46.6);
    let cand = locust_default_run(&dir, "1.5.0", 55, 57.0);
    let (code, json, stderr) = compare(&dir, &base, &cand, &["--fail-on-regression"]);
    assert_eq!(code, 0, "{stderr}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(!line.starts_with("NO REGRESSION"), "{line}");
    assert!(line.starts_with("INCONCLUSIVE, possibly worse"), "{line}");
    // (57.0 − 46.6) ÷ 46.6 = +22.3 %.
    assert!(
        line.contains("POST /api/v1/agents/run 46.6 → 57.0 ms (+22.3%)"),
        "{line}"
    );
    assert!(
        line.contains("stage 8_users compared only as a whole"),
        "{line}"
    );
    let whole = &json["whole_only"][0];
    assert_eq!(whole["stages"], serde_json::json!(["8_users"]), "{json:#}");
    assert_eq!(whole["endpoints"], 4, "{whole:#}");
    assert_eq!(whole["rose"].as_array().unwrap().len(), 1, "{whole:#}");
    assert_eq!(whole["rose"][0]["endpoint"], "POST /api/v1/agents/run");
    let notes = json["notes"].to_string();
    assert!(notes.contains("--csv-full-history"), "{notes}");

    let again = locust_default_run(&dir, "1.4.0-again", 45, 46.6);
    let (code, json, stderr) = compare(&dir, &base, &again, &["--fail-on-regression"]);
    assert_eq!(code, 0, "{stderr}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(line.starts_with("INCONCLUSIVE:"), "{line}");
    assert!(!line.contains("mean rose"), "{line}");
    assert_eq!(json["whole_only"][0]["rose"], serde_json::json!([]));
}

/// wrk's console output of `wrk -t2 -c{connections} -d10s --latency URL` against
/// `headroom target` (the figures of qa54's runs; wrk's own layout).
pub(crate) fn wrk_output(connections: u32, p50: &str, requests: u64, rps: &str) -> String {
    format!(
        "Running 10s test @ http://127.0.0.1:18462/api/v1/agents\n  \
         2 threads and {connections} connections\n  \
         Thread Stats   Avg      Stdev     Max   +/- Stdev\n    \
         Latency    11.55ms    3.20ms  35.54ms   72.11%\n    \
         Req/Sec   347.41     30.02   400.00     69.00%\n  \
         Latency Distribution\n     \
         50%   {p50}\n     75%   13.51ms\n     90%   16.00ms\n     99%   22.94ms\n  \
         {requests} requests in 10.01s, 816.56KB read\n\
         Requests/sec:    {rps}\nTransfer/sec:     81.57KB\n"
    )
}

/// A release manager's CI gate compared last release's wrk run (`-c8`) with a
/// candidate someone ran at `-c64`. The two runs' only stages ran at different loads,
/// so none was paired: compare wrote "INCONCLUSIVE … 0 regressed, 0 improved, 0
/// unchanged, 0 inconclusive" and `--fail-on-regression` exited 0, a gate passing a
/// release it never compared. Now nothing compared is exit 2 (the report is still
/// written), stderr says so, and a note names both loads.
#[test]
fn a_gate_that_compared_nothing_exits_2_and_names_the_loads() {
    let dir = TestDir::new();
    dir.write("1.4.0/wrk.txt", wrk_output(8, "11.00ms", 6920, "691.15"));
    dir.write("1.5.0/wrk.txt", wrk_output(64, "10.92ms", 56355, "5621.46"));
    let (base, cand) = (dir.path().join("1.4.0"), dir.path().join("1.5.0"));
    let (code, json, stderr) = compare(&dir, &base, &cand, &["--fail-on-regression"]);
    assert_eq!(code, 2, "{stderr}\n{json:#}");
    assert!(stderr.contains("nothing was compared"), "{stderr}");
    assert_eq!(json["comparisons"], serde_json::json!([]), "{json:#}");
    let notes = json["notes"].to_string();
    assert!(
        notes.contains("8 users in the baseline and 64 in the candidate"),
        "{notes}"
    );
    assert!(dir.path().join("cmp/compare.md").is_file());
    // The same candidate at the baseline's load compares, and exits 0.
    dir.write("1.5.0-c8/wrk.txt", wrk_output(8, "11.12ms", 6810, "680.54"));
    let same = dir.path().join("1.5.0-c8");
    let (code, json, stderr) = compare(&dir, &base, &same, &["--fail-on-regression"]);
    assert_eq!(code, 0, "{stderr}\n{json:#}");
    assert_eq!(json["stage_pairs"][0]["basis"], "users", "{json:#}");
}

/// Two wrk runs at `-c8`, each dir named after its release: compare paired the
/// baseline's stage `1.4.0` with the candidate's `v1.5.0` by their 8 connections,
/// but compare.md (the PR comment) never said what was compared with what: only the
/// labels. Now it lists both sides' runs as given and each stage pair with how it
/// was paired.
#[test]
fn compare_md_says_which_runs_and_stages_were_compared() {
    let dir = TestDir::new();
    dir.write("1.4.0/wrk.txt", wrk_output(8, "11.00ms", 6920, "691.15"));
    dir.write("v1.5.0/wrk.txt", wrk_output(8, "11.12ms", 6810, "680.54"));
    let (base, cand) = (dir.path().join("1.4.0"), dir.path().join("v1.5.0"));
    let (code, json, stderr) = compare(&dir, &base, &cand, &[]);
    assert_eq!(code, 0, "{stderr}\n{json:#}");
    let md = std::fs::read_to_string(dir.path().join("cmp/compare.md")).unwrap();
    assert!(md.contains("### What was compared"), "{md}");
    let baseline = md.lines().find(|l| l.starts_with("- baseline: 1.4.0 ("));
    assert!(baseline.is_some_and(|l| l.ends_with("1.4.0)")), "{md}");
    assert!(
        md.contains(
            "- stage 1.4.0 (wrk) of the baseline with stage v1.5.0 (wrk) of v1.5.0 (by users)"
        ),
        "{md}"
    );
}
