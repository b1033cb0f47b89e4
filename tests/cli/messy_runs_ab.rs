//! Messy runs, batch "ab" (qa34): `compare` of releases and `export` of run dirs a
//! user kept from the real tools (wrk, hey) driven against `headroom target` with a
//! known service time — one build run twice, a build truly slower — and the CSV
//! export of stage dirs whose tool times each run from its own start.

use std::path::Path;

use serde_json::Value;

use super::common::{export_csv, headroom, TestDir};

/// wrk's `--latency` output as wrk 4.2 prints it: `p` = p50, p75, p90, p99 (ms).
fn wrk(conns: u32, p: [f64; 4], (avg, max): (f64, f64), requests: u64, secs: f64) -> String {
    format!(
        "Running {secs:.0}s test @ http://127.0.0.1:18341/api/v1/agents\n  2 threads and \
         {conns} connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    \
         Latency    {avg:.2}ms    4.90ms {max:.2}ms   85.85%\n    Req/Sec   555.51    116.65   \
         696.00     78.48%\n  Latency Distribution\n     50%   {:.2}ms\n     75%   {:.2}ms\n     \
         90%   {:.2}ms\n     99%   {:.2}ms\n  {requests} requests in {secs:.2}s, 1.02MB read\n\
         Requests/sec: {:>10.2}\nTransfer/sec:    129.43KB\n",
        p[0],
        p[1],
        p[2],
        p[3],
        requests as f64 / secs
    )
}

/// Writes a release: `01_baseline_4users/wrk.txt` and `02_peak_16users/wrk.txt`, each
/// with the console log a user keeps beside it.
fn wrk_release(dir: &TestDir, name: &str, baseline: String, peak: String) -> String {
    dir.write(&format!("{name}/01_baseline_4users/wrk.txt"), baseline);
    dir.write(
        &format!("{name}/01_baseline_4users/console.log"),
        "started run at Sat Dec  5 16:03:11 UTC 2026\n",
    );
    dir.write(&format!("{name}/02_peak_16users/wrk.txt"), peak);
    dir.write(
        &format!("{name}/02_peak_16users/console.log"),
        "done Sat Dec  5 16:03:29 UTC 2026\n",
    );
    dir.path().join(name).to_str().unwrap().to_string()
}

/// `compare BASE CAND --format json`: (exit code, compare.json, stderr).
fn compare(dir: &TestDir, base: &str, cand: &str, extra: &[&str]) -> (i32, Value, String) {
    let out = dir.path().join(format!("cmp-{}", dir_name(cand)));
    let mut args = vec![
        "compare",
        base,
        cand,
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = headroom(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{stderr}", String::from_utf8_lossy(&o.stdout)));
    (o.status.code().unwrap_or(-1), json, stderr)
}

fn dir_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// The comparisons of `metric` whose verdict is `verdict`, as `stage metric`.
fn with_verdict(json: &Value, verdict: &str) -> Vec<String> {
    json["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == verdict)
        .map(|c| format!("{} {}", c["stage"], c["metric"]))
        .collect()
}

/// The real wrk outputs of two runs of one build of `headroom target` (service time
/// uniform 10–12 ms, no worker limit), 8 s each at 4 and 16 connections, taken one
/// after the other on a loaded two-core machine: p50 13.53 against 12.64 ms, p90
/// 23.89 against 19.97, p99 39.84 against 24.00 at 16 connections.
fn same_build(dir: &TestDir) -> (String, String) {
    let a = wrk_release(
        dir,
        "v1.0",
        wrk(4, [13.53, 16.09, 23.89, 43.99], (15.96, 100.07), 2084, 8.09),
        wrk(16, [12.62, 15.95, 20.01, 39.84], (14.66, 51.99), 8881, 8.11),
    );
    let b = wrk_release(
        dir,
        "v1.0-rerun",
        wrk(4, [12.64, 15.95, 19.97, 36.12], (14.57, 51.99), 2247, 8.10),
        wrk(16, [12.42, 12.83, 15.94, 24.00], (13.06, 38.71), 9825, 8.03),
    );
    (a, b)
}

/// A user ran one build twice with wrk (stage dirs, console logs beside) and compared
/// the runs. Before, compare said `IMPROVED`: p50 −6.6 %, p90 −16 % and −20 %, p99
/// −40 % "improved", as its bound on a summary's percentile counted every one of the
/// ~2,000–9,000 requests as independent, while latencies within a run move together
/// (hey's per-request rows of such runs held 2–9 independent requests a second). Now
/// a summary's requests count as 2 a second of its run: nothing of the rerun is a
/// change, and `--fail-on-regression` passes.
#[test]
fn two_wrk_runs_of_one_build_are_no_change() {
    let dir = TestDir::new();
    let (a, b) = same_build(&dir);
    let (code, json, stderr) = compare(&dir, &a, &b, &["--fail-on-regression"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(with_verdict(&json, "improved").is_empty(), "{json:#}");
    assert!(with_verdict(&json, "regressed").is_empty(), "{json:#}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(
        !line.starts_with("IMPROVED") && !line.starts_with("REGRESSED"),
        "{line}"
    );
    // Each percentile says what its sides' requests were worth: 2 a second of the
    // 8.11 s and 8.03 s runs at 16 connections.
    let p50 = (json["comparisons"].as_array().unwrap().iter())
        .find(|c| c["stage"] == "peak" && c["metric"] == "p50")
        .unwrap();
    let ess: Vec<f64> = (p50["ess"].as_array().unwrap().iter())
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(
        (ess[0] - 16.22).abs() < 0.01 && (ess[1] - 16.06).abs() < 0.01,
        "{ess:?}"
    );
    // The note says what a summary's requests are worth.
    let notes = json["notes"].to_string();
    assert!(notes.contains("2 independent ones a second"), "{notes}");
}

/// The same user's next release was truly slower (service time 14–16.8 ms, +40 %):
/// wrk's real output, 8 s at 4 and 16 connections. Before, compare called its p99 at
/// 16 connections (39.84 → 32.01 ms, the baseline's tail inflated by the loaded
/// machine) `improved`, on a release 40 % slower. Now no metric of it improves; and an
/// 8 s summary cannot show a change either way, so nothing reads as a verdict it
/// cannot carry.
#[test]
fn a_slower_release_measured_by_wrk_never_reads_improved() {
    let dir = TestDir::new();
    let (a, _) = same_build(&dir);
    let slow = wrk_release(
        &dir,
        "v1.1",
        wrk(4, [17.32, 19.48, 22.76, 32.09], (18.41, 48.11), 1758, 8.10),
        wrk(16, [17.54, 20.08, 24.12, 32.01], (19.09, 51.60), 6731, 8.05),
    );
    let (code, json, stderr) = compare(&dir, &a, &slow, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(with_verdict(&json, "improved").is_empty(), "{json:#}");
}

/// The same two releases run for 5 minutes each (wrk `-d300s`, 16 connections, about
/// 1,000 req/s): 600 independent requests a side by the summary's rule. The +40 % p50
/// (12.62 → 17.67 ms; slopes to p90 of 18.5 and 25 ms a unit of quantile give a bound
/// of ≈ 1.3 ms) is `regressed`, and `--fail-on-regression` exits 1: the honest bound
/// still shows a real change once the runs are long enough.
#[test]
fn a_long_wrk_run_still_shows_a_real_regression() {
    let dir = TestDir::new();
    let a = wrk_release(
        &dir,
        "v1.0",
        wrk(
            4,
            [13.53, 16.09, 23.89, 43.99],
            (15.96, 100.07),
            77_000,
            300.0,
        ),
        wrk(
            16,
            [12.62, 15.95, 20.01, 39.84],
            (14.66, 51.99),
            330_000,
            300.0,
        ),
    );
    let b = wrk_release(
        &dir,
        "v1.1",
        wrk(4, [18.94, 22.5, 33.4, 61.6], (22.3, 120.0), 56_000, 300.0),
        wrk(16, [17.67, 22.3, 28.0, 55.8], (20.5, 70.0), 236_000, 300.0),
    );
    let (code, json, stderr) = compare(&dir, &a, &b, &["--fail-on-regression"]);
    assert_eq!(code, 1, "{stderr}");
    let regressed = with_verdict(&json, "regressed");
    assert!(
        regressed.contains(&"\"peak\" \"p50\"".to_string()),
        "{regressed:?}"
    );
    assert!(with_verdict(&json, "improved").is_empty(), "{json:#}");
}

/// hey's per-request CSV (`-o csv`): `n` requests over `secs` s from the run's own
/// start, latencies cycling through `ms` (a closed loop: each row's offset is the
/// previous one's end on its worker).
fn hey_csv(n: usize, secs: f64, ms: &[f64]) -> String {
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..n {
        let l = ms[i % ms.len()] / 1000.0;
        let t = 0.05 + secs * i as f64 / n as f64;
        csv.push_str(&format!(
            "{l:.4},0.0000,0.0000,0.0000,{l:.4},0.0000,200,{t:.4}\n"
        ));
    }
    csv
}

/// A user measured the baseline with hey's per-request CSV and the candidate, the same
/// build, with hey's text summary (the real capture below, 8 s at 16 workers: p99
/// 62.9 ms on a loaded machine). Before, compare said `REGRESSED` on p90, p95 and p99
/// (+42 %, +77 %, +213 %), counting the summary's 8,319 requests as independent, and said
/// nothing of comparing exact percentiles with a tool's own. Now nothing regresses and
/// a note names the stage whose percentiles are exact on one side and a summary on the
/// other.
#[test]
fn exact_percentiles_against_a_summary_are_said_to_be_so() {
    let dir = TestDir::new();
    // The exact run: 9,395 requests in 7.97 s; p50 12.6, p90 14.0, p95 16.3, p99
    // 20.1 ms (a quarter at 11.5 ms, half at 12.6, then 15 %, 5 %, 4 % and 1 % at
    // 14.0, 16.3, 20.1 and 27.5).
    let mut ms = vec![12.6; 50];
    ms.extend([11.5; 25]);
    ms.extend([14.0; 15]);
    ms.extend([16.3, 16.3, 16.3, 16.3, 16.3, 20.1, 20.1, 20.1, 20.1, 27.5]);
    dir.write("v1.0/02_peak_16users/hey.csv", hey_csv(9_395, 7.97, &ms));
    dir.write("v1.0-text/02_peak_16users/hey.txt", HEY_TEXT);
    let base = dir.path().join("v1.0");
    let cand = dir.path().join("v1.0-text");
    let (code, json, stderr) = compare(
        &dir,
        base.to_str().unwrap(),
        cand.to_str().unwrap(),
        &["--fail-on-regression"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(with_verdict(&json, "regressed").is_empty(), "{json:#}");
    let notes = json["notes"].to_string();
    assert!(
        notes.contains("the baseline's percentiles are exact")
            && notes.contains("the candidate's are its tool's own summary"),
        "{notes}"
    );
}

/// hey 0.1.4's text summary of the run named in
/// [`exact_percentiles_against_a_summary_are_said_to_be_so`].
const HEY_TEXT: &str = "
Summary:
  Total:\t8.0118 secs
  Slowest:\t0.1163 secs
  Fastest:\t0.0103 secs
  Average:\t0.0153 secs
  Requests/sec:\t1038.3424
  
  Total data:\t108147 bytes
  Size/request:\t13 bytes

Response time histogram:
  0.010 [1]\t|
  0.021 [7623]\t|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.032 [357]\t|■■
  0.042 [139]\t|■
  0.053 [103]\t|■
  0.063 [25]\t|
  0.074 [7]\t|
  0.085 [16]\t|
  0.095 [16]\t|
  0.106 [0]\t|
  0.116 [32]\t|


Latency distribution:
  10% in 0.0115 secs
  25% in 0.0120 secs
  50% in 0.0128 secs
  75% in 0.0141 secs
  90% in 0.0199 secs
  95% in 0.0288 secs
  99% in 0.0629 secs

Details (average, fastest, slowest):
  DNS+dialup:\t0.0000 secs, 0.0103 secs, 0.1163 secs
  DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:\t0.0000 secs, 0.0000 secs, 0.0013 secs
  resp wait:\t0.0153 secs, 0.0103 secs, 0.1163 secs
  resp read:\t0.0000 secs, 0.0000 secs, 0.0038 secs

Status code distribution:
  [200]\t8319 responses

";

/// The rows of a CSV file as maps of its header.
fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

/// A user kept hey's per-request CSV in two stage dirs (`01_baseline_4users/hey.csv`,
/// 400 requests; `02_peak_16users/hey.csv`, 1,600), each timed from its own start as
/// hey does, and exported the run to CSV. Before, both stages' windows were 0–8 s in
/// the export: 1,997 rows of `requests.csv` were staged `baseline` (the first window
/// holding their time), and `headroom analyze` of the export read back 1,997 requests
/// in `baseline` (p50 22 ms, the peak's) and 3 in `peak`. Now each stage dir's rows are its stage's, the
/// stages follow one another in the export (peak after baseline, as they ran), and
/// the export reads back to 400 and 1,600 requests with the stages' own p50s.
#[test]
fn hey_csv_stage_dirs_export_and_read_back_stage_by_stage() {
    let dir = TestDir::new();
    dir.write(
        "run/01_baseline_4users/hey.csv",
        hey_csv(400, 8.0, &[11.0, 12.0, 13.0]),
    );
    dir.write(
        "run/02_peak_16users/hey.csv",
        hey_csv(1_600, 8.0, &[21.0, 22.0, 23.0, 24.0]),
    );
    let out = dir.path().join("export");
    let run = dir.path().join("run");
    export_csv(&run, &out);
    let rows = csv_rows(&out.join("requests.csv"));
    let staged = |stage: &str| rows.iter().filter(|r| r["stage"] == stage).count();
    assert_eq!((staged("baseline"), staged("peak")), (400, 1_600));
    // Every peak row after every baseline row.
    let last_baseline = (rows.iter())
        .filter(|r| r["stage"] == "baseline")
        .map(|r| r["timestamp_ms"].parse::<i64>().unwrap())
        .max()
        .unwrap();
    let first_peak = (rows.iter())
        .filter(|r| r["stage"] == "peak")
        .map(|r| r["timestamp_ms"].parse::<i64>().unwrap())
        .min()
        .unwrap();
    assert!(last_baseline < first_peak, "{last_baseline} {first_peak}");
    // The stages table says the same windows.
    let stages = csv_rows(&out.join("stages.csv"));
    let end_ms: i64 = stages[0]["end_ms"].parse().unwrap();
    let start_ms: i64 = stages[1]["start_ms"].parse().unwrap();
    assert!(end_ms <= start_ms, "{stages:?}");
    // So do the intervals: every peak interval starts after the baseline ends.
    let intervals = csv_rows(&out.join("intervals.csv"));
    let first_peak_t = (intervals.iter())
        .filter(|r| r["stage"] == "peak")
        .map(|r| r["t_s"].parse::<f64>().unwrap())
        .fold(f64::INFINITY, f64::min);
    assert!(
        first_peak_t * 1000.0 >= end_ms as f64 - 1.0,
        "{first_peak_t} {end_ms}"
    );
    // Read back: each stage's requests and p50 (12 ms: 11, 12, 13 in turn; 22.5 ms,
    // the nearest rank of 21–24 in turn is 22 or 23).
    let back = dir.path().join("back");
    let o = headroom(&[
        "analyze",
        out.to_str().unwrap(),
        "--out",
        back.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let stage = |name: &str| {
        report["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no stage {name}: {report:#}"))
            .clone()
    };
    assert_eq!(stage("baseline")["requests"], 400);
    assert_eq!(stage("peak")["requests"], 1_600);
    let p50 = |name: &str| stage(name)["latency_ms"]["p50"].as_f64().unwrap();
    assert!((p50("baseline") - 12.0).abs() < 0.2, "{}", p50("baseline"));
    assert!((21.8..=23.2).contains(&p50("peak")), "{}", p50("peak"));
}

/// A Locust run as `locust --headless --csv run` writes it by default (no
/// `--csv-full-history`: the history holds the Aggregated row only): 10 users for
/// 60 s, 80 requests a second (60 % `/api/v1/agents`, 40 % `/health`), `failed` of
/// every 80 failing (`/health`'s 503s), and the console log beside it.
fn locust_run(dir: &TestDir, name: &str, failed: u64) -> String {
    let t0 = 1_796_489_085_u64;
    let mut history = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,\
         99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response \
         Time,Total Average Response Time,Total Min Response Time,Total Max Response \
         Time,Total Average Content Size\n",
    );
    history.push_str(&format!(
        "{t0},0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,\
         0,0,0,0.0,0,0,0\n"
    ));
    for i in 1..=60u64 {
        history.push_str(&format!(
            "{},10,,Aggregated,80.000000,{failed}.000000,43,52,55,60,80,99,180,190,620,620,\
             620,{},{},43,51.5,6.7,616.8,10.0\n",
            t0 + i,
            80 * i,
            failed * i
        ));
    }
    let total = 80 * 60;
    let (agents, health) = (total * 6 / 10, total * 4 / 10);
    let fails = failed * 60;
    let stats = format!(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response \
         Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,\
         Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
         GET,/api/v1/agents,{agents},0,45,57.2,12.9,556.5,13.0,48.0,0.0,45,53,60,70,94,120,\
         190,250,560,560,560\n\
         GET,/health,{health},{fails},42,47.2,6.7,616.8,2.0,32.0,{failed}.0,42,51,53,55,69,73,\
         96,190,620,620,620\n\
         ,Aggregated,{total},{fails},44,54.5,6.7,616.8,10.0,80.0,{failed}.0,44,52,57,64,82,110,\
         180,230,620,620,620\n"
    );
    let failures = if failed > 0 {
        format!(
            "Method,Name,Error,Occurrences\nGET,/health,\"HTTPError('503 Server Error: \
             Service Unavailable for url: /health')\",{fails}\n"
        )
    } else {
        "Method,Name,Error,Occurrences\n".to_string()
    };
    dir.write(&format!("{name}/run_stats_history.csv"), history);
    dir.write(&format!("{name}/run_stats.csv"), stats);
    dir.write(&format!("{name}/run_failures.csv"), failures);
    dir.write(
        &format!("{name}/console.log"),
        "[2026-12-05 16:44:45,123] qa/INFO/locust.main: Run time limit set to 60 seconds\n",
    );
    dir.path().join(name).to_str().unwrap().to_string()
}

/// A user compared two releases measured by Locust's default CSVs, the candidate
/// failing 16 of every 80 requests a second (20 %). Locust's history gives the stage
/// as a whole (no endpoint of it), so before compare paired the stage and compared
/// nothing: `INCONCLUSIVE — 0 regressed, 0 improved, 0 unchanged, 0 inconclusive`,
/// with no word of why, and `--fail-on-regression` passed a release failing a fifth
/// of its requests. Now such a stage is compared as a whole, under `(all requests)`:
/// its error rate 0 → 20 % is `regressed` and `--fail-on-regression` exits 1.
#[test]
fn locust_runs_without_endpoint_history_compare_their_stage_as_a_whole() {
    let dir = TestDir::new();
    let base = locust_run(&dir, "v1.0", 0);
    let cand = locust_run(&dir, "v1.1", 16);
    let (code, json, stderr) = compare(&dir, &base, &cand, &["--fail-on-regression"]);
    assert_eq!(code, 1, "{stderr}\n{json:#}");
    let error_rate = json["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == "error_rate" && c["endpoint"] == "(all requests)")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(error_rate["verdict"], "regressed", "{error_rate:#}");
    let candidate = error_rate["candidate"].as_f64().unwrap();
    assert!((candidate - 0.2).abs() < 0.01, "{candidate}");
}
