//! Several sources and how they are read (issue 12): files given one by one grouped
//! like their dir, a stats history's row spacing measured, percentiles of history
//! stages estimated, a second source of the same requests arbitrated, open-model
//! phases as stages.

use serde_json::Value;

use crate::common::{analyze_json, TestDir};

const T0: u64 = 1_700_000_000;
/// Rows every 5 s, as `--csv-full-history` writes them in some setups.
const STEP: u64 = 5;
const LAST: u64 = 255;

/// Users at the row written at second `t`: plateaus of 50, 100, 150 and 200 users
/// with one ramp row between them.
fn users_at(t: u64) -> u32 {
    match t {
        0 => 0,
        5..=60 => 50,
        65 => 75,
        70..=125 => 100,
        130 => 125,
        135..=190 => 150,
        195 => 175,
        _ => 200,
    }
}

/// Requests per second at a load: saturating at 74–75 req/s.
fn rate_at(users: u32) -> u64 {
    match users {
        0 => 0,
        50 => 40,
        75 => 55,
        100 => 70,
        125 => 72,
        150 | 175 => 74,
        _ => 75,
    }
}

/// `(requests, failures)` made between the row at `t - STEP` and the row at `t`: the
/// rate of the load the earlier row shows; one failure per row from 150 users on.
fn added_at(t: u64) -> (u64, u64) {
    if t == 0 {
        return (0, 0);
    }
    let users = users_at(t - STEP);
    (rate_at(users) * STEP, u64::from(users >= 150))
}

/// Cumulative `(requests, failures)` at the row at `t`.
fn cumulative(t: u64) -> (u64, u64) {
    (0..=t).step_by(STEP as usize).fold((0, 0), |(n, f), s| {
        let (a, b) = added_at(s);
        (n + a, f + b)
    })
}

/// Cumulative percentile points `(p50, p95, p100)` and mean at row `t`: until the
/// 100-user stage starts (t = 70) 100/200/300 ms, mean 150; from t = 75 on
/// 200/400/500 ms, mean 250. The 50% column equals the total median, and the maximum
/// never falls: cumulative columns.
fn cumulative_latency(t: u64) -> ([f64; 3], f64) {
    if t <= 70 {
        ([100.0, 200.0, 300.0], 150.0)
    } else {
        ([200.0, 400.0, 500.0], 250.0)
    }
}

/// A Locust 2.x set (stats, 5 s-spaced aggregate-only history, failures) under `at`.
fn locust_set(dir: &TestDir, at: &str) {
    let mut hist = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,100%,\
         Total Request Count,Total Failure Count,Total Median Response Time,\
         Total Average Response Time,Total Min Response Time,Total Max Response Time,\
         Total Average Content Size\r\n",
    );
    for t in (0..=LAST).step_by(STEP as usize) {
        let (n, f) = cumulative(t);
        let rate = if t == 0 { 0 } else { added_at(t).0 / STEP };
        let ([p50, p95, p100], mean) = cumulative_latency(t);
        let pct = if n == 0 {
            "N/A,N/A,N/A".to_string()
        } else {
            format!("{p50},{p95},{p100}")
        };
        hist.push_str(&format!(
            "{},{},,Aggregated,{rate}.000000,0.000000,{pct},{n},{f},{p50},{mean},10,{p100},100\r\n",
            T0 + t,
            users_at(t),
        ));
    }
    dir.write(&format!("{at}/x_stats_history.csv"), hist);
    let (n, f) = cumulative(LAST);
    let rps = n as f64 / LAST as f64;
    dir.write(
        &format!("{at}/x_stats.csv"),
        format!(
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
             Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
             50%,95%,100%\r\n\
             GET,/api,{n},{f},200,250.0,10.0,500.0,100.0,{rps},0.1,200,400,500\r\n\
             ,Aggregated,{n},{f},200,250.0,10.0,500.0,100.0,{rps},0.1,200,400,500\r\n"
        ),
    );
    dir.write(
        &format!("{at}/x_failures.csv"),
        format!("Method,Name,Error,Occurrences\r\nGET,/api,HTTPError('500 Server Error'),{f}\r\n"),
    );
}

fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {}", report["stages"]))
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= want.abs() * rel
}

#[test]
fn a_5s_history_gives_the_histories_own_rates_and_capacity() {
    let dir = TestDir::new();
    locust_set(&dir, "run");
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert!(code == 0 || code == 1, "{stderr}");
    for (name, users) in [
        ("50_users", 50),
        ("100_users", 100),
        ("150_users", 150),
        ("200_users", 200),
    ] {
        let s = stage(&report, name);
        let got = s["throughput_rps"].as_f64().unwrap();
        // The history's own Requests/s on the plateau's rows.
        let want = rate_at(users) as f64;
        assert!(
            close(got, want, 0.02),
            "{name}: {got} req/s, history says {want}"
        );
    }
    // The timeline is no comb: every interval inside a plateau holds that plateau's rate.
    let s = stage(&report, "200_users");
    let series = s["timeseries"].as_array().unwrap();
    // (The last row closes the window: it starts no interval of its own.)
    let rps: Vec<f64> = series
        .iter()
        .map(|p| p["requests"].as_f64().unwrap() / p["width_s"].as_f64().unwrap())
        .collect();
    assert_eq!(rps.len(), 11, "{}", s["timeseries"]);
    assert!(rps.iter().all(|r| close(*r, 75.0, 0.02)), "{rps:?}");
    // Capacity: the plateau near 74 req/s, not a 5× figure.
    let cap = serde_json::to_string(&report["capacity"]).unwrap();
    let sat = report["capacity"]["saturation"]["throughput_rps"]
        .as_f64()
        .unwrap_or_else(|| panic!("{cap}"));
    assert!(close(sat, 74.0, 0.10), "saturation {sat}: {cap}");
}

#[test]
fn a_history_stage_gets_the_percentiles_its_cumulative_rows_support() {
    let dir = TestDir::new();
    locust_set(&dir, "run");
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let s = stage(&report, "100_users");
    // The stage runs from the row at t = 70 to the row at t = 125.
    let (n1, n2) = (cumulative(70).0 as f64, cumulative(125).0 as f64);
    assert_eq!(s["requests"].as_f64(), Some(n2 - n1));
    // Piecewise-linear CDFs through the rows' points: F1 at 200 ms is 0.95 and 1 from
    // 300 ms on; F2 is 0.5 at 200, 0.725 at 300, 0.95 at 400, 1 at 500 ms.
    let mix = |f2: f64, f1: f64| (n2 * f2 - n1 * f1) / (n2 - n1);
    let (f200, f300, f400, f500) = (mix(0.5, 0.95), mix(0.725, 1.0), mix(0.95, 1.0), 1.0);
    assert!(f200 < 0.5 && 0.5 < f300 && f400 < 0.95);
    let p50 = 200.0 + 100.0 * (0.5 - f200) / (f300 - f200);
    let p95 = 400.0 + 100.0 * (0.95 - f400) / (f500 - f400);
    let lat = &s["latency_ms"];
    assert!(
        close(lat["p50"].as_f64().unwrap(), p50, 1e-6),
        "{lat} vs {p50}"
    );
    assert!(
        close(lat["p95"].as_f64().unwrap(), p95, 1e-6),
        "{lat} vs {p95}"
    );
    // Count-weighted mean from the cumulative means.
    let mean = (250.0 * n2 - 150.0 * n1) / (n2 - n1);
    assert!(close(lat["mean"].as_f64().unwrap(), mean, 1e-9));
    // Labelled approximate; p99 is not shown, so nothing warns about its samples.
    assert_eq!(s["latency_method"], "merged_approximate");
    assert!(
        s["window_basis"].as_str().unwrap().contains("approximate"),
        "{}",
        s["window_basis"]
    );
    assert!(lat["p99"].is_null());
    let warnings = serde_json::to_string(&report["warnings"]).unwrap();
    assert!(!warnings.contains("p99"), "{warnings} {stderr}");
}

/// report.json without what names the input files (paths and where they appear).
fn without_paths(mut report: Value, dir: &std::path::Path) -> String {
    report["inputs"] = Value::Null;
    report["skipped"] = Value::Null;
    serde_json::to_string_pretty(&report)
        .unwrap()
        .replace(&dir.display().to_string(), "DIR")
}

#[test]
fn a_locust_set_given_file_by_file_reads_like_its_dir() {
    let dir = TestDir::new();
    locust_set(&dir, "run");
    let run = dir.path().join("run");
    let (code_dir, by_dir, _) = analyze_json(&[&run], &[]);
    let files: Vec<std::path::PathBuf> = ["x_stats.csv", "x_stats_history.csv", "x_failures.csv"]
        .iter()
        .map(|f| run.join(f))
        .collect();
    let refs: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    let (code_files, by_files, stderr) = analyze_json(&refs, &[]);
    assert_eq!(code_dir, code_files, "{stderr}");
    // One source, counted once: the stats file's own total.
    assert_eq!(by_files["sources"].as_array().unwrap().len(), 1);
    assert_eq!(by_files["overall"]["requests"], cumulative(LAST).0);
    assert_eq!(without_paths(by_dir, &run), without_paths(by_files, &run));
}

/// An HdrHistogram interval log of the same requests as [`locust_set`], one interval
/// per history row, values in µs and no unit comment (so read as ns): half (rounded
/// up) at 200 ms, the rest at 400 ms.
fn hlog_in_us(dir: &TestDir, at: &str) {
    use base64::Engine;
    use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
    let mut log = format!(
        "#[Histogram log format version 1.3]\n#[StartTime: {T0}.000 (seconds since epoch)]\n\
         \"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
    );
    for t in (STEP..=LAST).step_by(STEP as usize) {
        let (n, _) = added_at(t);
        if n == 0 {
            continue;
        }
        let mut h = hdrhistogram::Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        h.record_n(200_000, n - n / 2).unwrap();
        h.record_n(400_000, n / 2).unwrap();
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&h, &mut bytes)
            .unwrap();
        let blob = base64::engine::general_purpose::STANDARD.encode(bytes);
        log.push_str(&format!("{}.000,{STEP}.000,0.400,{blob}\n", t - STEP));
    }
    dir.write(&format!("{at}/latency.hlog"), log);
}

#[test]
fn a_locust_set_beside_a_us_hlog_is_judged_on_the_locust_set_and_the_unit_named() {
    let dir = TestDir::new();
    locust_set(&dir, "run");
    hlog_in_us(&dir, "run");
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["primary_source"], "locust", "{stderr}");
    let (_, f) = cumulative(LAST);
    assert!(f > 0);
    assert_eq!(report["overall"]["failures"], f);
    // Both sources listed, the hlog with as many requests as Locust's.
    let sources = report["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    let hlog = sources.iter().find(|s| s["tool"] == "hdr-log").unwrap();
    assert_eq!(hlog["requests"], cumulative(LAST).0);
    // Why, and the unit error with the flag that fixes it (the medians: Locust's
    // 200 ms, the log's 200 µs-read-as-ns = 0.2 ms: 1,000× apart).
    let warnings = serde_json::to_string(&report["warnings"]).unwrap();
    assert!(
        warnings.contains("judged on the locust source"),
        "{warnings}"
    );
    assert!(warnings.contains("carries failure data"), "{warnings}");
    assert!(warnings.contains("unit mismatch"), "{warnings}");
    assert!(warnings.contains("1000×"), "{warnings}");
    assert!(warnings.contains("--hlog-unit us"), "{warnings}");
    let locust = sources.iter().find(|s| s["tool"] == "locust").unwrap();
    assert!(serde_json::to_string(&locust["notes"])
        .unwrap()
        .contains("chosen"));
    // The errors judged are Locust's (the readiness table reads the primary source).
    assert!(report["overall"]["error_rate"].as_f64().unwrap() > 0.0);

    // With the unit fixed, still the Locust set: the log has no failures.
    let (_, fixed, _) = analyze_json(&[&dir.path().join("run")], &["--hlog-unit", "us"]);
    assert_eq!(fixed["primary_source"], "locust");
    assert_eq!(fixed["overall"]["failures"], f);
    let warnings = serde_json::to_string(&fixed["warnings"]).unwrap();
    assert!(!warnings.contains("unit mismatch"), "{warnings}");
}

/// An Artillery v1 report of three 60 s phases at 10, 20 and 40 arrivals/s, with
/// intermediate periods every 10 s (stamped at their end): every arrival answered,
/// mean latency 100, 150 and 400 ms; 20 of each 10 s of the last phase answered 500.
fn artillery_phases(dir: &TestDir, at: &str) {
    let phase = |k: usize| k / 6;
    let rates = [10u64, 20, 40];
    let lat = [
        (50, 90, 150, 200, 300, 100),
        (60, 140, 250, 300, 400, 150),
        (100, 350, 800, 1000, 1500, 400),
    ];
    let mut periods = Vec::new();
    for k in 0..18 {
        let i = phase(k);
        let n = rates[i] * 10;
        let failed = if i == 2 { 20 } else { 0 };
        let (min, med, p95, p99, max, mean) = lat[i];
        let secs = 10 * (k + 1);
        periods.push(format!(
            "{{\"timestamp\":\"2024-01-01T00:{:02}:{:02}.000Z\",\"requestsCompleted\":{n},\
             \"codes\":{{\"200\":{},\"500\":{failed}}},\"errors\":{{}},\
             \"latency\":{{\"min\":{min},\"max\":{max},\"median\":{med},\"p95\":{p95},\
             \"p99\":{p99},\"mean\":{mean}}}}}",
            secs / 60,
            secs % 60,
            n - failed
        ));
    }
    dir.write(
        &format!("{at}/report.json"),
        format!(
            "{{\"intermediate\":[{}],\"aggregate\":{{\"timestamp\":\"2024-01-01T00:03:00.000Z\",\
             \"requestsCompleted\":4200,\"codes\":{{\"200\":4080,\"500\":120}},\"errors\":{{}},\
             \"latency\":{{\"min\":50,\"max\":1500,\"median\":200,\"p95\":800,\"p99\":1000}},\
             \"rps\":{{\"count\":4200,\"mean\":23.33}}}},\
             \"phases\":[{{\"duration\":60,\"arrivalRate\":10}},{{\"duration\":60,\"arrivalRate\":20}},\
             {{\"duration\":60,\"arrivalRate\":40}}]}}",
            periods.join(",")
        ),
    );
}

#[test]
fn artillery_phases_become_open_model_stages() {
    let dir = TestDir::new();
    artillery_phases(&dir, "run");
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 3, "{stderr} {}", report["stages"]);
    let points = report["capacity"]["load_points"].as_array().unwrap();
    for (i, (rate, mean_ms, failed)) in
        [(10.0, 100.0, 0.0), (20.0, 150.0, 0.0), (40.0, 400.0, 120.0)]
            .into_iter()
            .enumerate()
    {
        let s = &stages[i];
        assert_eq!(s["arrival_rate_rps"].as_f64(), Some(rate), "{s}");
        assert_eq!(s["requests"].as_f64(), Some(rate * 60.0));
        assert_eq!(s["failures"].as_f64(), Some(failed));
        assert!(
            close(s["throughput_rps"].as_f64().unwrap(), rate, 1e-9),
            "{s}"
        );
        // The load point: concurrency N = X·R (Little's law), the arrival rate beside it.
        let p = points.iter().find(|p| p["stage"] == s["name"]).unwrap();
        assert_eq!(p["arrival_rate_rps"].as_f64(), Some(rate));
        assert!(
            close(p["users"].as_f64().unwrap(), rate * mean_ms / 1000.0, 1e-9),
            "{p}"
        );
    }
    // Nothing calls the load constant.
    let hints = serde_json::to_string(&report["bottlenecks"]).unwrap();
    assert!(!hints.contains("constant load"), "{hints}");
    assert!(!hints.contains("latency_drift"), "{hints}");
}

/// A wrk summary (more requests, no p95) beside a per-request CSV of another run: the
/// report leads with the CSV, whose every percentile can be judged.
#[test]
fn a_per_request_source_leads_over_a_tool_summary() {
    let dir = TestDir::new();
    dir.write(
        "run/wrk.txt",
        "Running 3s test @ http://127.0.0.1:8080/a
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.25ms   11.06ms  94.04ms   76.08%
    Req/Sec   230.15     24.73   300.00     73.33%
  Latency Distribution
     50%   20.05ms
     75%   27.17ms
     90%   35.16ms
     99%   61.58ms
  1382 requests in 3.03s, 268.57KB read
Requests/sec:    456.46
Transfer/sec:     88.71KB
",
    );
    // 1,000 requests, latencies 1..=1000 ms: p95 is the 950th, 950 ms.
    let mut csv = String::from("timestamp_ms,latency_ms,endpoint,success\n");
    for i in 1..=1000u64 {
        let ok = if i % 50 == 0 { "false" } else { "true" };
        csv.push_str(&format!("{},{i},/a,{ok}\n", 1_700_000_000_000 + i * 3));
    }
    dir.write("run/requests.csv", csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["primary_source"], "generic-csv", "{stderr}");
    assert_eq!(report["overall"]["requests"], 1000);
    assert_eq!(report["overall"]["failures"], 20);
    let p95 = report["overall"]["latency_ms"]["p95"].as_f64().unwrap();
    assert!(close(p95, 950.0, 0.001), "{p95}");
    let warnings = serde_json::to_string(&report["warnings"]).unwrap();
    assert!(warnings.contains("every request's latency"), "{warnings}");
}

/// The audit's `stage_totals` findings that compare a source with its parts' own totals
/// (the run-wide ones whose explanation names result sets).
fn double_counts(report: &Value) -> Vec<Value> {
    report["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["check"] == "stage_totals"
                && f["explanation"].as_str().unwrap().contains("counted twice")
        })
        .cloned()
        .collect()
}

/// One result set read twice — a copy in a second dir, whether it lands on the same
/// stage (as a second generator would) or on a stage of its own — is the same requests
/// counted twice. A byte-identical copy is named as such and not read (that dir's own
/// data is missing: incomplete); one saved again (other line endings) is read, and the
/// `stage_totals` audit checks each part's own total, calls it impossible (same
/// counts, failures and latencies, endpoint by endpoint), and the verdict is not GO.
/// Two genuine generators (different counts) stay clean; a copy whose counts match but
/// whose latencies differ is suspect.
#[test]
fn a_result_set_read_twice_is_a_double_count_not_ok() {
    use crate::analyze::locust_stage;
    let sla_text = "[global]\nrules = [\"error_rate < 1%\"]\n";
    for (a, b) in [
        ("gen1/03_peak_1000users", "gen2/03_peak_1000users"),
        ("01_first_100users", "02_second_100users"),
    ] {
        let dir = TestDir::new();
        locust_stage(&dir, a, 60_000, 12, 100.0, [450, 1200, 2550]);
        locust_stage(&dir, b, 60_000, 12, 100.0, [450, 1200, 2550]);
        let sla = dir.write("sla.toml", sla_text);
        let run = dir.path().join("run");
        let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(report["overall"]["requests"], 60_000, "{a}");
        let skipped = serde_json::to_string(&report["skipped"]).unwrap();
        assert!(skipped.contains("a byte-identical copy of"), "{skipped}");
        assert_eq!(report["data_quality"], "incomplete");
        assert_ne!(report["verdict"], "GO");
        // Saved again: the same figures in other bytes.
        let copy = dir.path().join(format!("run/{b}/locust_stats.csv"));
        let text = std::fs::read_to_string(&copy).unwrap();
        std::fs::write(&copy, text.replace('\n', "\r\n")).unwrap();
        let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(report["overall"]["requests"], 120_000);
        let found = double_counts(&report);
        assert_eq!(found.len(), 1, "{a}: {}", report["audit"]);
        assert_eq!(found[0]["verdict"], "impossible", "{}", found[0]);
        // Each set's own total, against the source's.
        assert_eq!(found[0]["expected"], 60_000.0);
        assert_eq!(found[0]["observed"], 120_000.0);
        assert_eq!(report["data_quality"], "inconsistent");
        assert_eq!(report["verdict"], "CONDITIONAL");
        let headline = report["sla"]["headline"].as_str().unwrap();
        assert!(
            headline.contains("inconsistent data: the consistency audit rejects stage_totals"),
            "{headline}"
        );
    }

    // Generator 1 as above beside a generator 2 with these figures, same stage.
    let beside = |requests: u64, failures: u64, rps: f64, p: [u32; 3]| -> Value {
        let dir = TestDir::new();
        let g1 = [450, 1200, 2550];
        locust_stage(&dir, "gen1/peak_1000users", 60_000, 12, 100.0, g1);
        locust_stage(&dir, "gen2/peak_1000users", requests, failures, rps, p);
        let sla = dir.write("sla.toml", sla_text);
        let run = dir.path().join("run");
        analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]).1
    };
    // Two generators of one stage with their own counts: no double count, GO.
    let report = beside(59_000, 11, 98.3, [450, 1200, 2550]);
    assert!(double_counts(&report).is_empty(), "{}", report["audit"]);
    assert_eq!(report["data_quality"], "clean");
    assert_eq!(report["verdict"], "GO");

    // The same counts with other latencies: suspect, still no GO.
    let report = beside(60_000, 12, 100.0, [460, 1300, 2600]);
    let found = double_counts(&report);
    assert_eq!(found.len(), 1, "{}", report["audit"]);
    assert_eq!(found[0]["verdict"], "suspect");
    assert_ne!(report["verdict"], "GO");
}

#[test]
fn the_shown_source_chosen_by_its_count_says_so() {
    // Two tools' runs in one dir: a JTL of 300 requests and a generic CSV of 100.
    let dir = TestDir::new();
    let mut jtl = String::from("timeStamp,elapsed,label,responseCode,success,allThreads\n");
    for i in 0..300u64 {
        jtl.push_str(&format!("{},20,/a,200,true,5\n", T0 * 1000 + i * 100));
    }
    dir.write("run/results.jtl", jtl);
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,success\n");
    for i in 0..100u64 {
        csv.push_str(&format!("{},/a,GET,30,200,true\n", T0 * 1000 + i * 300));
    }
    dir.write("run/requests.csv", csv);
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("the report shows \\\"jmeter\\\", the one with the most requests (300)"),
        "{warnings}"
    );
}
