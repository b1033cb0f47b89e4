//! Messy runs, eighth batch (qa13): two releases' run dirs as a release manager
//! compares them, and their exports read back. A percentile compared from too few
//! requests, export's numbers and stages surviving a round trip, and what the real
//! tools' consoles beside each other make of `compare`. Fixtures are written here;
//! the expected verdicts and figures follow from their own numbers.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::common::{analyze_json, headroom, TestDir};
use super::compare::compare_json;

const T0: i64 = 1_732_665_600_000;

/// An endpoint of a fixture: name, requests, the latency (ms) of the i-th request.
type Ep<'a> = (&'a str, usize, &'a dyn Fn(usize) -> f64);

/// A generic per-request CSV run dir `name`: for each `(endpoint, n, latency)` `n`
/// requests, every 20 ms, of `latency(i)` ms, all answered 200.
fn write_run(dir: &TestDir, name: &str, endpoints: &[Ep<'_>]) -> PathBuf {
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    let mut t = T0;
    for (ep, n, latency) in endpoints {
        for i in 0..*n {
            t += 20;
            csv.push_str(&format!("{t},{ep},GET,{:.3},200\n", latency(i)));
        }
    }
    dir.write(&format!("{name}/requests.csv"), csv);
    dir.path().join(name)
}

/// The comparison of `metric` on the endpoint whose key ends with `endpoint`.
fn cmp<'a>(report: &'a Value, endpoint: &str, metric: &str) -> &'a Value {
    report["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == metric && c["endpoint"].as_str().unwrap().ends_with(endpoint))
        .unwrap_or_else(|| panic!("no {metric} of {endpoint}: {report:#}"))
}

/// A spread of latencies 10–50 ms, the same for any run (a sawtooth over 41 values).
fn spread(i: usize) -> f64 {
    10.0 + (i * 17 % 41) as f64
}

#[test]
fn a_p99_of_five_requests_is_never_judged() {
    // /main has 2,000 requests a side; /rare 5 a side, three times slower in the
    // candidate, and /mid 150 a side, unchanged. A p99 of 5 requests is their maximum:
    // it needs 10 ÷ (1 − 0.99) = 1,000 to be compared, a p95 200, a p90 100, a p50 20.
    let dir = TestDir::new();
    let slow = |i: usize| 3.0 * spread(i);
    let base = write_run(
        &dir,
        "old",
        &[
            ("/main", 2000, &spread),
            ("/rare", 5, &spread),
            ("/mid", 150, &spread),
        ],
    );
    let cand = write_run(
        &dir,
        "new",
        &[
            ("/main", 2000, &spread),
            ("/rare", 5, &slow),
            ("/mid", 150, &spread),
        ],
    );
    let (code, report, stderr) = compare_json(&dir, &[&base, &cand], &[]);
    assert_eq!(code, 0, "{stderr}");
    for metric in ["p50", "p90", "p95", "p99"] {
        let c = cmp(&report, "/rare", metric);
        assert_eq!(c["verdict"], "inconclusive", "{c:#}");
        let why = c["reason"].as_str().unwrap_or_default();
        assert!(
            why.contains("too few samples") && why.contains("5 latencies"),
            "{c:#}"
        );
    }
    // /mid: 150 requests hold a p50 and a p90 (100), not a p95 (200) or a p99.
    for (metric, thin) in [("p50", false), ("p90", false), ("p95", true), ("p99", true)] {
        let c = cmp(&report, "/mid", metric);
        assert_eq!(c["reason"].is_string(), thin, "{c:#}");
        if thin {
            assert_eq!(c["verdict"], "inconclusive", "{c:#}");
        }
    }
    for metric in ["p50", "p90", "p95", "p99"] {
        assert_eq!(cmp(&report, "/main", metric)["verdict"], "unchanged");
    }
    // The headline names the thin percentiles apart, and counts none as compared.
    let line = report["verdict_line"].as_str().unwrap();
    let thin = &line[line.find("too few samples: ").expect(line)..];
    assert!(
        // Each run's only stage, named after its dir: both names (the scope names the
        // candidate's stage too since it differs).
        thin.contains("old vs new / GET /rare (p50, p90, p95, p99)"),
        "{line}"
    );
    assert!(!line.contains("p99 of GET /rare"), "{line}");
}

/// `compare --baseline A… --candidate B… --format json`: exit code and compare.json.
fn compare_repeats(dir: &TestDir, base: &[PathBuf], cand: &[PathBuf], out: &str) -> (i32, Value) {
    let mut args: Vec<String> = vec!["compare".into(), "--baseline".into()];
    args.extend(base.iter().map(|p| p.display().to_string()));
    args.push("--candidate".into());
    args.extend(cand.iter().map(|p| p.display().to_string()));
    args.extend(["--format", "json", "--out"].map(String::from));
    args.push(dir.path().join(out).display().to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = headroom(&refs);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let report = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (o.status.code().unwrap_or(-1), report)
}

/// Four runs a side of `endpoints` (name, requests per run), the candidate's `slow`
/// endpoint three times slower; each run's latencies shifted by its index.
fn four_a_side(
    dir: &TestDir,
    endpoints: &[(&str, usize)],
    slow: &str,
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (mut base, mut cand) = (Vec::new(), Vec::new());
    for k in 0..4 {
        let same = move |i: usize| spread(i + k);
        let tripled = move |i: usize| 3.0 * spread(i + k);
        let b: Vec<Ep<'_>> = endpoints
            .iter()
            .map(|&(e, n)| (e, n, &same as &dyn Fn(usize) -> f64))
            .collect();
        let c: Vec<Ep<'_>> = endpoints
            .iter()
            .map(|&(e, n)| {
                let f: &dyn Fn(usize) -> f64 = if e == slow { &tripled } else { &same };
                (e, n, f)
            })
            .collect();
        base.push(write_run(dir, &format!("a{k}"), &b));
        cand.push(write_run(dir, &format!("b{k}"), &c));
    }
    (base, cand)
}

#[test]
fn repeats_need_every_run_to_hold_the_percentile() {
    // Four runs a side of one endpoint with 30 requests each, three times slower in
    // every candidate run: the runs separate fully (p = 2 ÷ C(8, 4) = 0.029), so the
    // p50 (needs 20) regresses; a p95 (200) or p99 (1,000) of 30 is not compared.
    let dir = TestDir::new();
    let (base, cand) = four_a_side(&dir, &[("/rare", 30)], "/rare");
    let (code, report) = compare_repeats(&dir, &base, &cand, "rep");
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(cmp(&report, "/rare", "p50")["verdict"], "regressed");
    for metric in ["p95", "p99"] {
        let c = cmp(&report, "/rare", metric);
        assert_eq!(c["verdict"], "inconclusive", "{c:#}");
        assert!(
            c["reason"].as_str().unwrap().contains("30 latencies"),
            "{c:#}"
        );
    }
}

#[test]
fn a_tripled_p50_that_repeats_cannot_make_significant_is_not_unchanged() {
    // Two endpoints, four runs a side, /slow three times slower in every candidate
    // run. Benjamini–Hochberg over the two p50s makes /slow's q = 0.029 × 2 = 0.057,
    // above 0.05: not significant. A +200% change is then not shown either way; it
    // is never `unchanged` (within the floor), and the headline is no NO REGRESSION.
    let dir = TestDir::new();
    let (base, cand) = four_a_side(&dir, &[("/main", 1000), ("/slow", 1000)], "/slow");
    let (code, report) = compare_repeats(&dir, &base, &cand, "rep2");
    assert_eq!(code, 0, "{report:#}");
    for metric in ["p50", "mean"] {
        let c = cmp(&report, "/slow", metric);
        let pct = c["delta_pct"].as_f64().unwrap();
        assert!((pct - 200.0).abs() < 5.0, "{c:#}");
        assert_ne!(c["verdict"], "unchanged", "{c:#}");
    }
    let line = report["verdict_line"].as_str().unwrap();
    assert!(!line.starts_with("NO REGRESSION"), "{line}");
    assert!(line.contains("p50 of GET /slow"), "{line}");
}

#[test]
fn an_sla_p90_of_a_hundred_samples_is_judged() {
    // 10 ÷ (1 − 0.9) is 100: a p(90) rule on 100 requests has its ten past it.
    let dir = TestDir::new();
    let run = write_run(&dir, "run", &[("/a", 100, &spread)]);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(90) < 1s\"]\n");
    let (_, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    let evals = report["sla"]["rules"]
        .as_array()
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(!evals.is_empty());
    for e in evals {
        assert_eq!(e["status"], "pass", "{e:#}");
    }
}

/// `export RUN --to FORMAT --out OUT`, asserting it succeeded.
fn export(run: &Path, format: &str, out: &Path) {
    let o = headroom(&[
        "export",
        run.to_str().unwrap(),
        "--to",
        format,
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
}

/// hey's `-o csv`: `response-time` in seconds to 4 decimals, `offset` since the start.
fn hey_csv(latencies_s: &[f64]) -> String {
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for (i, l) in latencies_s.iter().enumerate() {
        csv.push_str(&format!(
            "{l:.4},0.0001,0.0000,0.0000,{l:.4},0.0000,200,{:.4}\n",
            0.01 * (i + 1) as f64
        ));
    }
    csv
}

#[test]
fn exported_latencies_are_the_decimals_the_tool_wrote() {
    // hey writes 0.0408 s; in ms that is 40.8, which 0.0408 × 1000 in binary
    // floating point prints as 40.800000000000004. CSV and NDJSON write 40.8, and the
    // export reads back to the figures of the run itself.
    let dir = TestDir::new();
    let cycle = [0.0408, 0.0121, 0.0333, 0.0079];
    let lat: Vec<f64> = (0..400).map(|i| cycle[i % 4]).collect();
    dir.write("run/hey.csv", hey_csv(&lat));
    let run = dir.path().join("run");
    let csv_out = dir.path().join("csv");
    export(&run, "csv", &csv_out);
    let text = std::fs::read_to_string(csv_out.join("requests.csv")).unwrap();
    let col: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).unwrap())
        .collect();
    assert_eq!(&col[..4], ["40.8", "12.1", "33.3", "7.9"], "{text}");
    for table in ["stages", "endpoints", "intervals"] {
        let t = std::fs::read_to_string(csv_out.join(format!("{table}.csv"))).unwrap();
        assert!(
            !t.contains("00000000") && !t.contains("99999999"),
            "{table}: {t}"
        );
    }
    let nd_out = dir.path().join("nd");
    export(&run, "ndjson", &nd_out);
    let first = std::fs::read_to_string(nd_out.join("requests.ndjson")).unwrap();
    let row: Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(row["latency_ms"].to_string(), "40.8");
    // Mean of the cycle: (40.8 + 12.1 + 33.3 + 7.9) ÷ 4 = 23.525 ms.
    let (_, direct, _) = analyze_json(&[&run], &[]);
    let (_, back, stderr) = analyze_json(&[&csv_out], &[]);
    assert_eq!(back["overall"]["requests"], 400, "{stderr}");
    assert_eq!(
        back["overall"]["latency_ms"],
        direct["overall"]["latency_ms"]
    );
    let mean = back["overall"]["latency_ms"]["mean"].as_f64().unwrap();
    assert!((mean - 23.525).abs() < 0.01, "{mean}");
}

/// wrk's console for `-c{conns} -d10s`: `requests` answers, none failed.
fn wrk_console(conns: u32, requests: u64) -> String {
    format!(
        "Running 10s test @ http://127.0.0.1:8000/api/v1/agents/1\n\
         \x20 2 threads and {conns} connections\n\
         \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
         \x20   Latency    43.03ms   22.85ms 172.09ms   75.93%\n\
         \x20   Req/Sec   190.60     28.57   252.00     65.00%\n\
         \x20 Latency Distribution\n\
         \x20    50%   37.18ms\n\
         \x20    75%   54.67ms\n\
         \x20    90%   72.15ms\n\
         \x20    99%  119.86ms\n\
         \x20 {requests} requests in 10.01s, 196.88KB read\n\
         Requests/sec:    379.51\n\
         Transfer/sec:     65.60KB\n"
    )
}

#[test]
fn a_summary_only_stage_is_never_lost_silently_in_a_csv_round_trip() {
    // baseline: a generic per-request CSV (2,000 requests); peak: wrk's console only
    // (3,795 requests, no rows). The CSV export cannot carry peak's requests: its
    // stages table says which stages have rows, run.toml's stage says "summary only",
    // and the export read back is incomplete, naming peak, never a whole run.
    let dir = TestDir::new();
    let rows: Vec<Ep<'_>> = vec![("/api/v1/agents/1", 2000, &spread)];
    write_run(&dir, "run/01_baseline_10users", &rows);
    dir.write("run/02_peak_50users/wrk.txt", wrk_console(50, 3795));
    let run = dir.path().join("run");
    let out = dir.path().join("exp");
    export(&run, "csv", &out);
    let stages = std::fs::read_to_string(out.join("stages.csv")).unwrap();
    let mut lines = stages.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name}: {stages}"))
    };
    let (stage, requests, has_rows) = (col("stage"), col("requests"), col("per_request_rows"));
    let table: Vec<(String, String, String)> = lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[stage].into(), c[requests].into(), c[has_rows].into())
        })
        .collect();
    assert_eq!(
        table,
        [
            (
                "baseline".to_string(),
                "2000".to_string(),
                "true".to_string()
            ),
            ("peak".into(), "3795".into(), "false".into())
        ]
    );
    let manifest = std::fs::read_to_string(out.join("run.toml")).unwrap();
    let peak = &manifest[manifest.find("name = \"peak\"").expect(&manifest)..];
    assert!(
        peak.contains("summary only") && peak.contains("3795"),
        "{manifest}"
    );
    let (_, back, stderr) = analyze_json(&[&out], &[]);
    let got: Vec<(String, u64)> = back["stages"]
        .as_array()
        .unwrap_or_else(|| panic!("{stderr}"))
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("baseline".to_string(), 2000), ("peak".into(), 0)],
        "{stderr}"
    );
    assert_eq!(back["data_quality"], "incomplete", "{back:#}");
    let why = back["data_quality_reason"].as_str().unwrap();
    assert!(
        why.contains("peak") && why.contains("summary only"),
        "{why}"
    );
}

/// A `drive` run dir as the driver writes it with `--raw`: two stages, low [0, 2 s)
/// and high [2 s, 4 s) from `t0`; a request every 100 ms for 4 s to `GET /a`, each
/// taking 250 ms; `latency.hlog` counts each in the 1 s interval it completed in
/// (as the driver does), `requests.csv` gives each its start.
fn drive_run_dir(dir: &TestDir, t0: i64) -> PathBuf {
    use super::common::hlog_blob;
    let iso = |ms: i64| {
        let s = ms / 1000;
        format!(
            "2024-11-27T00:00:{:02}.{:03}Z",
            s - 1_732_665_600,
            ms % 1000
        )
    };
    dir.write(
        "drive/run.toml",
        format!(
            "tool = \"headroom 0.1.0\"\ncomplete = true\nthink_time = \"constant(0)\"\n\n\
             [[stage]]\nname = \"low\"\nusers = 3\nstart = \"{}\"\nsteady_start = \"{}\"\nend = \"{}\"\n\n\
             [[stage]]\nname = \"high\"\nusers = 3\nstart = \"{}\"\nsteady_start = \"{}\"\nend = \"{}\"\n",
            iso(t0),
            iso(t0),
            iso(t0 + 2000),
            iso(t0 + 2000),
            iso(t0 + 2000),
            iso(t0 + 4000)
        ),
    );
    let starts: Vec<i64> = (0..40).map(|i| i * 100).collect();
    let mut csv =
        String::from("timestamp_ms,endpoint,method,latency_ms,status,success,error,users\n");
    for s in &starts {
        csv.push_str(&format!("{},/a,GET,250.000,200,true,,3\n", t0 + s));
    }
    dir.write("drive/requests.csv", csv);
    let mut log = format!(
        "#[Logged with headroom 0.1.0]\n#[Histogram log format version 1.3]\n\
         #[StartTime: {0}.{1:03} (seconds since epoch)]\n#[BaseTime: {0}.{1:03} (seconds since epoch)]\n\
         #[unit: us]\n\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n",
        t0 / 1000,
        t0 % 1000
    );
    for k in 0..5i64 {
        let done = starts
            .iter()
            .filter(|s| (k * 1000..(k + 1) * 1000).contains(&(*s + 250)))
            .count() as u64;
        let mut h = hdrhistogram::Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        h.record_n(250_000, done).unwrap();
        log.push_str(&format!(
            "Tag=GET%20/a,{k}.000,1.000,250.000,{}\n",
            hlog_blob(&h)
        ));
    }
    dir.write("drive/latency.hlog", log);
    dir.path().join("drive")
}

/// (stage, requests) of a report.
fn stage_counts(report: &Value) -> Vec<(String, u64)> {
    report["stages"]
        .as_array()
        .unwrap_or_else(|| panic!("{report:#}"))
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_drive_run_exports_and_reads_back_with_its_own_stage_counts() {
    // Completed in low's window [0, 2 s): the requests started 0 … 1.7 s, 18 of them;
    // in high's [2 s, 4 s): started 1.8 … 3.7 s, 20; the last two end after 4 s, in
    // no stage. By start it would be 20 and 20: the export's rows and its read-back
    // must count as the run does.
    let dir = TestDir::new();
    let run = drive_run_dir(&dir, T0);
    let want = vec![("low".to_string(), 18), ("high".to_string(), 20)];
    let (_, direct, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(stage_counts(&direct), want, "{stderr}");
    let out = dir.path().join("exp");
    export(&run, "csv", &out);
    let rows = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    let mut header = rows.lines().next().unwrap().split(',');
    let stage = header.position(|h| h == "stage").unwrap();
    let count = |name: &str| {
        rows.lines()
            .skip(1)
            .filter(|l| l.split(',').nth(stage) == Some(name))
            .count()
    };
    assert_eq!(
        (count("low"), count("high"), count("")),
        (18, 20, 2),
        "{rows}"
    );
    let (_, back, stderr) = analyze_json(&[&out], &[]);
    assert_eq!(stage_counts(&back), want, "{stderr}");
    assert_eq!(back["overall"]["requests"], direct["overall"]["requests"]);
}

/// wrk's `--latency` console of a 5 s run at 10 connections with these figures (ms).
fn wrk_run(mean: f64, max: f64, p: [f64; 4], requests: u64) -> String {
    format!(
        "Running 1m test @ http://127.0.0.1:8000/api/v1/agents/1\n\
         \x20 2 threads and 10 connections\n\
         \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
         \x20   Latency    {mean:.2}ms   21.49ms {max:.2}ms   76.19%\n\
         \x20   Req/Sec   123.49     20.29   181.00     68.00%\n\
         \x20 Latency Distribution\n\
         \x20    50%   {:.2}ms\n\
         \x20    75%   {:.2}ms\n\
         \x20    90%   {:.2}ms\n\
         \x20    99%  {:.2}ms\n\
         \x20 {requests} requests in 60.01s, 212.78KB read\n\
         Requests/sec:    {:.2}\n\
         Transfer/sec:     42.51KB\n",
        p[0],
        p[1],
        p[2],
        p[3],
        requests as f64 / 60.01
    )
}

#[test]
fn two_wrk_runs_of_one_service_do_not_regress_on_their_p99() {
    // Two `wrk -c10 -d5s --latency` runs of the same `headroom target`, one after the
    // other (figures as wrk printed them, run 12 times as long: a summary's requests
    // count as 2 independent ones a second of its run, so the slower release below
    // shows only over a minute): p99 111.03 → 119.77 ms on 14,532 and 14,628
    // requests. Judged from the slope p90 → p99 alone its standard error is ~1.3 ms
    // and +8.7 ms looks significant; the tail's slope up to the maximum (176 ms at
    // the 1 − 0.5/n point) is ~14× steeper, so the same shift is well within the
    // noise of a p99 of 1,200 requests. Never `regressed`.
    let dir = TestDir::new();
    dir.write(
        "a/01_baseline_10users/wrk.txt",
        wrk_run(42.05, 176.55, [37.04, 51.0, 69.10, 111.03], 14_532),
    );
    dir.write(
        "b/01_baseline_10users/wrk.txt",
        wrk_run(42.02, 175.96, [37.79, 51.2, 68.58, 119.77], 14_628),
    );
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let (code, report, stderr) = compare_json(&dir, &[&a, &b], &["--fail-on-regression"]);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    let p99 = cmp(&report, "agents/1", "p99");
    assert_eq!(p99["verdict"], "inconclusive", "{p99:#}");
    assert!(!report["verdict_line"]
        .as_str()
        .unwrap()
        .starts_with("REGRESSED"));
    // A real +54 % (the same endpoint at 60 ms instead of 40 ms of service, 9,432
    // requests) still regresses its p50 and p90; its p99, whose tail climbs to 279 ms,
    // is not shown either way.
    dir.write(
        "c/01_baseline_10users/wrk.txt",
        wrk_run(64.49, 279.45, [57.06, 79.94, 108.89, 178.60], 9_432),
    );
    let c = dir.path().join("c");
    let (code, report, _) = compare_json(&dir, &[&a, &c], &["--fail-on-regression"]);
    assert_eq!(code, 1, "{report:#}");
    for metric in ["p50", "p90"] {
        assert_eq!(cmp(&report, "agents/1", metric)["verdict"], "regressed");
    }
    assert_ne!(cmp(&report, "agents/1", "p99")["verdict"], "improved");
}

/// hey's console (`hey -c 40 -z 5s URL`) with these figures: seconds, percentiles
/// 10 … 99 (s), and `n` answers of 200. The histogram is left out (hey's text reader
/// takes the summary, the percentiles and the status counts).
fn hey_console(
    total: f64,
    slowest: f64,
    fastest: f64,
    average: f64,
    p: [f64; 7],
    n: u64,
) -> String {
    let mut s = format!(
        "\nSummary:\n  Total:\t{total:.4} secs\n  Slowest:\t{slowest:.4} secs\n  Fastest:\t{fastest:.4} secs\n  \
         Average:\t{average:.4} secs\n  Requests/sec:\t{:.4}\n  \n  Total data:\t{} bytes\n  Size/request:\t69 bytes\n\n\
         Latency distribution:\n",
        n as f64 / total,
        n * 69
    );
    for (q, v) in [10, 25, 50, 75, 90, 95, 99].iter().zip(p) {
        s.push_str(&format!("  {q}% in {v:.4} secs\n"));
    }
    s.push_str(&format!(
        "\nDetails (average, fastest, slowest):\n  DNS+dialup:\t0.0000 secs, {fastest:.4} secs, {slowest:.4} secs\n  \
         DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs\n  req write:\t0.0000 secs, 0.0000 secs, 0.0003 secs\n  \
         resp wait:\t{average:.4} secs, {fastest:.4} secs, {slowest:.4} secs\n  resp read:\t0.0000 secs, 0.0000 secs, 0.0022 secs\n\n\
         Status code distribution:\n  [200]\t{n} responses\n\n"
    ));
    s
}

#[test]
fn two_hey_runs_of_one_service_do_not_improve_on_their_p99() {
    // Two `hey -c 40 -z 5s` runs of the same target one after the other (figures as
    // hey printed them): p99 129.1 → 121.8 ms on 3,855 and 3,949 answers, −5.7 %.
    // The slope from p95 alone puts its standard error near 2 ms; up to the slowest
    // (208 ms) it is several times that. Neither `improved` nor `regressed`.
    let dir = TestDir::new();
    let a = [0.0304, 0.0371, 0.0477, 0.0623, 0.0801, 0.0938, 0.1291];
    let b = [0.0292, 0.0361, 0.0465, 0.0605, 0.0774, 0.0910, 0.1218];
    dir.write(
        "a/peak/hey.txt",
        hey_console(5.0872, 0.2077, 0.0142, 0.0522, a, 3855),
    );
    dir.write(
        "b/peak/hey.txt",
        hey_console(5.0881, 0.1953, 0.0107, 0.0508, b, 3949),
    );
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let (code, report, stderr) = compare_json(&dir, &[&a, &b], &["--fail-on-regression"]);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    let p99 = cmp(&report, "hey", "p99");
    assert!(
        (p99["baseline"].as_f64().unwrap() - 129.1).abs() < 0.01,
        "{p99:#}"
    );
    assert_eq!(p99["verdict"], "inconclusive", "{p99:#}");
    assert_eq!(report["counts"]["improved"], 0, "{report:#}");
    assert_eq!(report["counts"]["regressed"], 0, "{report:#}");
}

#[test]
fn the_pr_comment_verdict_line_shows_rules_and_stages_as_code() {
    // check's verdict sentence names rules and stages in backticks; the PR comment
    // escaped them (\`p(95) &lt; 20ms\`), so GitHub showed the backticks and the
    // entity. They are code spans, as in report.md.
    let dir = TestDir::new();
    let run = write_run(&dir, "run", &[("/a", 500, &spread)]);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 20ms\"]\n");
    let md = dir.path().join("pr.md");
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--markdown",
        md.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&md).unwrap();
    let line = text.lines().find(|l| l.starts_with("NO-GO")).expect(&text);
    assert!(line.contains("`p(95) < 20ms` on `run`"), "{line}");
    assert!(!line.contains("\\`") && !line.contains("&lt;"), "{line}");
}
