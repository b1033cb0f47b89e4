//! Messy runs, batch "bo" (qa68): `export --to csv` of stage dirs a user kept from
//! the real tools driven against `headroom target`, read back by `headroom analyze`:
//! numbered stage dirs without users in their names (`01-warmup/`, `02_load/`) of
//! hey's per-request CSV, with the console log of another hey run beside one, and ab's
//! `-g` files with their console logs, in stage dirs run one after the other, whose
//! whole-second times share the second one stage ended and the next began in.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::common::{analyze_json, export_csv, nearest_rank, TestDir};

/// hey's per-request CSV (`-o csv`): `n` requests over `secs` s from the run's own
/// start (hey's offsets), latencies cycling through `ms`.
fn hey_csv(n: usize, secs: f64, ms: &[f64]) -> String {
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..n {
        let l = ms[i % ms.len()] / 1000.0;
        let t = 0.004 + secs * i as f64 / n as f64;
        csv.push_str(&format!(
            "{l:.4},0.0003,0.0000,0.0000,{l:.4},0.0001,200,{t:.4}\n"
        ));
    }
    csv
}

/// hey's text summary as `hey -z 2s -c 8 URL | tee hey-console.txt` printed it (a
/// real capture, trimmed): 742 answers, another run than the CSV beside it.
const HEY_CONSOLE: &str = "\nSummary:\n  Total:\t2.0176 secs\n  Slowest:\t0.0811 secs\n  \
Fastest:\t0.0057 secs\n  Average:\t0.0214 secs\n  Requests/sec:\t367.7651\n  \n  Total data:\t\
67522 bytes\n  Size/request:\t91 bytes\n\nResponse time histogram:\n  0.006 [1]\t|\n  0.013 \
[154]\t|■■■■■■■■■■■■■■■■■■■■■■■\n  0.021 [271]\t|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■\n  \
0.028 [172]\t|■■■■■■■■■■■■■■■■■■■■■■■■■\n  0.036 [80]\t|■■■■■■■■■■■■\n  0.043 [33]\t|■■■■■\n  \
0.051 [18]\t|■■■\n  0.058 [5]\t|■\n  0.066 [2]\t|\n  0.074 [4]\t|■\n  0.081 [2]\t|\n\n\n\
Latency distribution:\n  10% in 0.0108 secs\n  25% in 0.0140 secs\n  50% in 0.0191 secs\n  \
75% in 0.0262 secs\n  90% in 0.0345 secs\n  95% in 0.0412 secs\n  99% in 0.0659 secs\n\n\
Details (average, fastest, slowest):\n  DNS+dialup:\t0.0000 secs, 0.0057 secs, 0.0811 secs\n  \
DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs\n  req write:\t0.0000 secs, 0.0000 secs, \
0.0007 secs\n  resp wait:\t0.0213 secs, 0.0056 secs, 0.0810 secs\n  resp read:\t0.0000 secs, \
0.0000 secs, 0.0002 secs\n\nStatus code distribution:\n  [200]\t742 responses\n\n\n\n";

/// The rows of a CSV the export wrote (no quoted cells in these fixtures' tables).
fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

/// A stage of a report.json by name.
fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {report:#}"))
}

/// How many of `requests.csv`'s rows the export put in `stage`.
fn staged(rows: &[HashMap<String, String>], name: &str) -> usize {
    rows.iter().filter(|r| r["stage"] == name).count()
}

/// A user ran hey twice into numbered stage dirs named without users (`01-warmup/`,
/// `02_load/`, hey's `-o csv` each, every stage timed from 0 s), with hey's stderr
/// (empty) beside the first and the console of another hey run beside the second.
/// `analyze` names the stages `warmup` and `load`. Before, the export looked for
/// stages named `01-warmup` and `02_load` (a dir's whole name when it gives no users),
/// found none, and staged the rows by time alone: every stage's rows in 0–3 s, the
/// load stage's in `warmup`'s window, so `requests.csv` put 1,197 rows in `warmup`
/// and 3 in `load`, and `analyze` of the export read back 1,197 and 3. Now each stage
/// dir's rows are its stage's, laid after the warmup, and read back 300 and 900 with
/// the stages' own p50s.
#[test]
fn numbered_stage_dirs_without_users_export_stage_by_stage() {
    let dir = TestDir::new();
    let warmup_ms = [10.0, 11.0, 12.0];
    let load_ms = [20.0, 21.0, 22.0, 23.0, 24.0];
    dir.write("run/01-warmup/hey.csv", hey_csv(300, 3.0, &warmup_ms));
    dir.write("run/01-warmup/hey.err", "");
    dir.write("run/02_load/hey.csv", hey_csv(900, 3.0, &load_ms));
    dir.write("run/02_load/hey-console.txt", HEY_CONSOLE);
    let run = dir.path().join("run");
    let (_, report, err) = analyze_json(&[&run], &[]);
    assert_eq!(stage(&report, "warmup")["requests"], 300, "{err}");
    assert_eq!(stage(&report, "load")["requests"], 900, "{err}");

    let out = dir.path().join("export");
    export_csv(&run, &out);
    let rows = csv_rows(&out.join("requests.csv"));
    assert_eq!((staged(&rows, "warmup"), staged(&rows, "load")), (300, 900));
    let (_, back, err) = analyze_json(&[&out], &[]);
    // Independent p50s: the nearest rank of each stage's latencies in turn.
    let p50 = |ms: &[f64], n: usize| {
        let all: Vec<f64> = (0..n).map(|i| ms[i % ms.len()]).collect();
        nearest_rank(&all, 50.0)
    };
    for (name, n, ms) in [("warmup", 300, &warmup_ms[..]), ("load", 900, &load_ms[..])] {
        let s = stage(&back, name);
        assert_eq!(s["requests"], n, "{name}: {err}");
        assert_eq!(s["failures"], 0, "{name}");
        let got = s["latency_ms"]["p50"].as_f64().unwrap();
        assert!((got - p50(ms, n)).abs() < 0.1, "{name}: p50 {got}");
        // The same figures as the run dir's own report.
        let own = stage(&report, name);
        assert_eq!(s["latency_ms"]["p50"], own["latency_ms"]["p50"], "{name}");
    }
}

/// ab's `-g` file: `starts` rows per epoch second from `first_s` (ab writes the start
/// to the second, sorted by total time), latencies cycling through `ms`.
fn ab_tsv(first_s: i64, starts: &[usize], ms: &[u64]) -> String {
    let mut rows: Vec<(i64, u64)> = Vec::new();
    for (k, n) in starts.iter().enumerate() {
        for _ in 0..*n {
            rows.push((first_s + k as i64, ms[rows.len() % ms.len()]));
        }
    }
    rows.sort_by_key(|r| r.1);
    let mut tsv = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    for (s, t) in rows {
        tsv.push_str(&format!(
            "Sun Dec 06 15:38:30 2026\t{s}\t0\t{t}\t{t}\t{t}\n"
        ));
    }
    tsv
}

/// ab's console (`ab -n N -c C -g ab.tsv URL > ab.log`), as ab 2.3 prints it.
fn ab_log(c: u32, n: usize, non2xx: usize, secs: f64, ms: &[u64]) -> String {
    let mut sorted: Vec<u64> = (0..n).map(|i| ms[i % ms.len()]).collect();
    sorted.sort_unstable();
    let at = |p: usize| sorted[(p * n).div_ceil(100).max(1) - 1];
    let mean = sorted.iter().sum::<u64>() as f64 / n as f64;
    let failed = match non2xx {
        0 => "Failed requests:        0\n".to_string(),
        k => format!(
            "Failed requests:        {k}\n   (Connect: 0, Receive: 0, Length: {k}, \
             Exceptions: 0)\nNon-2xx responses:      {k}\n"
        ),
    };
    format!(
        "This is ApacheBench, Version 2.3 <$Revision: 1903618 $>\nCopyright 1996 Adam Twiss, \
         Zeus Technology Ltd, http://www.zeustech.net/\nLicensed to The Apache Software \
         Foundation, http://www.apache.org/\n\nBenchmarking 127.0.0.1 (be patient)\n\
         Finished {n} requests\n\n\nServer Software:        \nServer Hostname:        \
         127.0.0.1\nServer Port:            18461\n\nDocument Path:          \
         /api/v1/agents/run\nDocument Length:        69 bytes\n\nConcurrency Level:      {c}\n\
         Time taken for tests:   {secs:.3} seconds\nComplete requests:      {n}\n{failed}\
         Total transferred:      60000 bytes\nHTML transferred:       10680 bytes\n\
         Requests per second:    {:.2} [#/sec] (mean)\nTime per request:       {:.3} [ms] \
         (mean)\nTransfer rate:          62.01 [Kbytes/sec] received\n\nConnection Times \
         (ms)\n              min  mean[+/-sd] median   max\nConnect:        0    0   0.5      \
         0       1\nProcessing:     {min}   {mean:.0}  10.0   {p50}   {max}\nWaiting:        \
         {min}   {mean:.0}  10.0   {p50}   {max}\nTotal:          {min}   {mean:.0}  10.0   \
         {p50}   {max}\n\nPercentage of the requests served within a certain time (ms)\n  \
         50%    {p50}\n  66%    {}\n  75%    {}\n  80%    {}\n  90%    {}\n  95%    {}\n  98%    \
         {}\n  99%    {}\n 100%    {max} (longest request)\n",
        n as f64 / secs,
        c as f64 * secs * 1000.0 / n as f64,
        at(66),
        at(75),
        at(80),
        at(90),
        at(95),
        at(98),
        at(99),
        min = sorted[0],
        max = sorted[n - 1],
        p50 = at(50),
    )
}

/// A user ran ab into `01_baseline_4users/` and then `02_peak_64users/` against a
/// saturated `headroom target` (2 workers), each with `-g ab.tsv` and its console in
/// `ab.log`: the baseline (40 requests, 0.886 s) ended in the second the peak (400
/// requests, 360 of them non-2xx, 0.945 s) began in, so ab's whole-second starts put
/// 39 baseline and 216 peak rows in that second. Before, the export read the windows
/// back from the rows' spans, which shared that second, and `analyze` of the export
/// put 256 requests in `baseline` (p95 538 ms, the peak's) and 184 in `peak`. Now the
/// peak's rows follow the baseline's (by the 1 ms overlap, with a note), and the
/// export reads back 40 and 400 requests with each stage's own p50.
#[test]
fn ab_stage_dirs_sharing_a_second_export_stage_by_stage() {
    let dir = TestDir::new();
    let s0 = 1_796_571_509;
    let (base_ms, peak_ms) = ([20, 24, 78, 108, 156], [1, 8, 8, 12, 29, 450]);
    dir.write(
        "run/01_baseline_4users/ab.tsv",
        ab_tsv(s0, &[1, 39], &base_ms),
    );
    dir.write(
        "run/01_baseline_4users/ab.log",
        ab_log(4, 40, 0, 0.886, &base_ms),
    );
    dir.write(
        "run/02_peak_64users/ab.tsv",
        ab_tsv(s0 + 1, &[216, 184], &peak_ms),
    );
    dir.write(
        "run/02_peak_64users/ab.log",
        ab_log(64, 400, 360, 0.945, &peak_ms),
    );
    let run = dir.path().join("run");
    let (_, report, err) = analyze_json(&[&run], &[]);
    assert_eq!(stage(&report, "baseline")["requests"], 40, "{err}");
    assert_eq!(stage(&report, "peak")["requests"], 400, "{err}");

    let out = dir.path().join("export");
    let stderr = export_csv(&run, &out);
    assert!(
        stderr.contains("stage peak's requests are 1 ms later"),
        "{stderr}"
    );
    let rows = csv_rows(&out.join("requests.csv"));
    assert_eq!(
        (staged(&rows, "baseline"), staged(&rows, "peak")),
        (40, 400)
    );
    // The intervals keep report.json's `t` (the baseline's; see the peak's below).
    let intervals = csv_rows(&out.join("intervals.csv"));
    let t_s = |name: &str| -> Vec<f64> {
        (intervals.iter())
            .filter(|r| r["stage"] == name && r["scope"] == "stage")
            .map(|r| r["t_s"].parse().unwrap())
            .collect()
    };
    let t = |name: &str| -> Vec<f64> {
        (stage(&report, name)["timeseries"]
            .as_array()
            .unwrap()
            .iter())
        .map(|p| p["t"].as_f64().unwrap())
        .collect()
    };
    // On the clock now (the -g file's seconds), the peak's intervals move with its
    // rows by the 1 ms the note above states.
    let moved: Vec<f64> = t("peak").iter().map(|t| t + 0.001).collect();
    assert_eq!(t_s("peak"), moved);
    assert_eq!(t_s("baseline"), t("baseline"));
    let (_, back, err) = analyze_json(&[&out], &[]);
    for (name, n, ms) in [("baseline", 40, &base_ms[..]), ("peak", 400, &peak_ms[..])] {
        let s = stage(&back, name);
        assert_eq!(s["requests"], n, "{name}: {err}");
        let all: Vec<f64> = (0..n).map(|i| ms[i % ms.len()] as f64).collect();
        let got = s["latency_ms"]["p50"].as_f64().unwrap();
        let want = nearest_rank(&all, 50.0);
        // ab's whole ms, read back into an HDR histogram (3 significant digits).
        assert!(
            (got - want).abs() <= want * 0.001 + 0.01,
            "{name}: p50 {got} vs {want}"
        );
    }
}
