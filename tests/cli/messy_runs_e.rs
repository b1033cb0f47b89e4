//! Judgements on messy real run dirs (QA round 8): what teams hand over from tools
//! headroom cannot run here (k6, JMeter, vegeta, wrk2), mixed with what sits beside
//! it (compressed copies, the tool's other outputs), odd units, and SLA files whose
//! names are spelled otherwise than the data's.

use std::path::Path;

use serde_json::Value;

use crate::check::check_json;
use crate::common::{analyze_json, hlog_blob, TestDir};

/// The first stage of a report.
fn stage0(report: &Value) -> &Value {
    &report["stages"][0]
}

#[test]
fn a_generic_csvs_timestamps_in_epoch_seconds_are_not_read_as_milliseconds() {
    // 1,000 requests 10 ms apart from 2025-12-04T08:00:00Z, the last answered 1 s
    // after it started: about 91 req/s over 10.99 s (from the first start to the last
    // answer). The column is the plain `timestamp` (ms by default), its values epoch
    // seconds.
    let dir = TestDir::new();
    let mut csv = String::from("timestamp,endpoint,method,latency_ms,status\n");
    for i in 0..1000u32 {
        let t = 1_764_835_200.0 + f64::from(i) * 0.01;
        csv.push_str(&format!("{t:.3},/item,GET,{},200\n", i + 1));
    }
    dir.write("run/results.csv", &csv);
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"throughput >= 1000/s\", \"p(95) < 2s\"]\n",
    );
    let run = dir.path().join("run");
    let (code, report, _) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0);
    let s = stage0(&report);
    assert_eq!(s["requests"], 1000);
    let rps = s["throughput_rps"].as_f64().unwrap();
    assert!(
        (rps - 1000.0 / 10.99).abs() < 0.5,
        "91 req/s, not ×1000: {rps}"
    );
    assert!(
        report["run"]["started"]
            .as_str()
            .unwrap()
            .starts_with("2025-12-04T08:00:00"),
        "{}",
        report["run"]
    );
    let notes = report["sources"].to_string();
    assert!(notes.contains("Unix times in seconds"), "{notes}");
    // 100 req/s misses a 1,000 req/s floor: NO-GO, never a GO on 100,000 req/s.
    let (code, check, _) = check_json(&run, &dir.path().join("sla.toml"), &[]);
    assert_eq!(code, 1, "{check}");
    assert_eq!(check["verdict"], "NO-GO", "{check}");
}

/// k6 `--out json` lines of one run: `n` requests 10 ms apart from
/// 2025-12-04T08:00:00Z at 10 VUs, alternately `GET` and `POST` on
/// `http://localhost:3000/api/boards`; GETs take 4–6 ms, POSTs 18–22 ms; every
/// `fail_every`-th request (0: none) fails with a 503.
pub fn k6_json(n: u32, fail_every: u32) -> String {
    let mut out = String::new();
    for (name, kind, contains) in [
        ("http_reqs", "counter", "default"),
        ("http_req_duration", "trend", "time"),
        ("http_req_failed", "rate", "default"),
        ("vus", "gauge", "default"),
    ] {
        out.push_str(&format!(
            "{{\"type\":\"Metric\",\"data\":{{\"name\":\"{name}\",\"type\":\"{kind}\",\"contains\":\"{contains}\",\"thresholds\":[],\"submetrics\":null}},\"metric\":\"{name}\"}}\n"
        ));
    }
    for i in 0..n {
        let ms = u64::from(i) * 10;
        let time = format!(
            "2025-12-04T08:{:02}:{:02}.{:03}Z",
            ms / 60_000,
            ms / 1000 % 60,
            ms % 1000
        );
        if i % 100 == 0 {
            out.push_str(&format!(
                "{{\"metric\":\"vus\",\"type\":\"Point\",\"data\":{{\"time\":\"{time}\",\"value\":10,\"tags\":null}}}}\n"
            ));
        }
        let failed = fail_every > 0 && i % fail_every == 0;
        let (method, base) = if i % 2 == 0 {
            ("GET", 4.0)
        } else {
            ("POST", 18.0)
        };
        let status = if failed { 503 } else { 200 };
        let tags = format!(
            "{{\"expected_response\":\"{}\",\"group\":\"\",\"method\":\"{method}\",\"name\":\"http://localhost:3000/api/boards\",\"proto\":\"HTTP/1.1\",\"scenario\":\"default\",\"status\":\"{status}\",\"url\":\"http://localhost:3000/api/boards\"}}",
            !failed
        );
        let duration = base + f64::from(i % 5);
        for (metric, value) in [
            ("http_reqs", 1.0),
            ("http_req_duration", duration),
            ("http_req_failed", if failed { 1.0 } else { 0.0 }),
        ] {
            out.push_str(&format!(
                "{{\"metric\":\"{metric}\",\"type\":\"Point\",\"data\":{{\"time\":\"{time}\",\"value\":{value},\"tags\":{tags}}}}}\n"
            ));
        }
    }
    out
}

#[test]
fn an_endpoint_rule_names_the_tools_endpoint_however_the_sla_spells_it() {
    // k6 keys its requests `METHOD URL`; the SLA writes `POST /api/boards`. The POSTs
    // take 18–22 ms: p95 22 ms misses 10 ms, so the rule fails where it was written.
    let dir = TestDir::new();
    dir.write("run/results.json", k6_json(2000, 0));
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 5%\"]\n\
         [endpoint.\"POST /api/boards\"]\nrules = [\"p(95) < 10ms\"]\n",
    );
    let (code, check, _) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 1, "{check}");
    assert_eq!(check["verdict"], "NO-GO", "{check}");
    let evals = check["sla"]["rules"].as_array().unwrap();
    let post = evals
        .iter()
        .find(|e| e["rule"] == "p(95) < 10ms" && !e["stage"].is_null())
        .unwrap_or_else(|| panic!("{check}"));
    assert_eq!(post["endpoint"], "POST http://localhost:3000/api/boards");
    assert_eq!(post["status"], "fail", "{post}");
    assert!(
        (post["value"].as_f64().unwrap() - 22.0).abs() < 0.1,
        "{post}"
    );
    // The path alone names both methods' endpoints: not one of them, so refused
    // (exit 2, naming both), never skipped into a GO.
    let both = dir.write(
        "both.toml",
        "[global]\nrules = [\"error_rate < 5%\"]\n\
         [endpoint.\"/api/boards\"]\nrules = [\"p(95) < 10ms\"]\n",
    );
    let (code, _, stderr) = check_json(&dir.path().join("run"), &both, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("names 2 endpoints"), "{stderr}");
}

/// wrk's `--latency` console: `conns` connections, `n` requests in 10 s, latency
/// `ms` milliseconds at every percentile.
fn wrk_text(conns: u32, n: u64, ms: f64) -> String {
    format!(
        "Running 10s test @ http://127.0.0.1:18080/item
  2 threads and {conns} connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    {ms:.2}ms    0.50ms  {ms:.2}ms   80.00%
    Req/Sec   100.00     5.00   110.00     90.00%
  Latency Distribution
     50%   {ms:.2}ms
     75%   {ms:.2}ms
     90%   {ms:.2}ms
     99%   {ms:.2}ms
  {n} requests in 10.00s, 97.00KB read
Requests/sec:    {:.2}
Transfer/sec:      9.70KB
",
        n as f64 / 10.0
    )
}

#[test]
fn stage_dirs_with_their_users_in_brackets_name_their_stages_and_the_sla_finds_them() {
    // Little's law: 2 users at 20 ms make 100 req/s; 8 users at 80 ms, 100 req/s.
    let dir = TestDir::new();
    dir.write("run/01 Warm-up (2 users)/wrk.txt", wrk_text(2, 1000, 20.0));
    dir.write(
        "run/02 Peak Load (8 users)/wrk.txt",
        wrk_text(8, 1000, 80.0),
    );
    let run = dir.path().join("run");
    let (_, report, _) = analyze_json(&[&run], &[]);
    let names: Vec<&str> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["warm_up", "peak_load"], "{}", report["stages"]);
    // The verdict stage written as the dir's own name decides: 80 ms misses 50 ms there
    // while the warm-up's 20 ms passes.
    for written in ["02 Peak Load (8 users)", "Peak Load", "02_peak_load_8users"] {
        let sla = dir.write(
            "sla.toml",
            format!("[global]\nverdict_stages = [\"{written}\"]\nrules = [\"p(50) < 50ms\"]\n"),
        );
        let (code, check, _) = check_json(&run, &sla, &[]);
        assert_eq!(code, 1, "{written}: {check}");
        assert_eq!(
            check["sla"]["verdict_stages"][0], "peak_load",
            "{written}: {check}"
        );
        assert!(
            !check["warnings"].to_string().contains("names no stage"),
            "{written}: {check}"
        );
    }
}

/// k6's end-of-test summary of a run of `n` requests, `failed` of them failed, over
/// 20 s at 10 VUs: `handleSummary()`'s data, or the legacy `--summary-export` shape.
fn k6_summary(n: u64, failed: u64, handle_summary: bool) -> String {
    let rate = n as f64 / 20.0;
    let trend = "\"avg\":12.0,\"min\":4.0,\"med\":10.0,\"max\":40.0,\"p(90)\":20.0,\"p(95)\":22.0";
    if handle_summary {
        format!(
            "{{\"root_group\":{{\"name\":\"\",\"path\":\"\",\"id\":\"d41d8\",\"groups\":[],\"checks\":[]}},\
             \"options\":{{\"summaryTrendStats\":[\"avg\",\"min\",\"med\",\"max\",\"p(90)\",\"p(95)\"],\"summaryTimeUnit\":\"\",\"noColor\":false}},\
             \"state\":{{\"isStdOutTTY\":false,\"isStdErrTTY\":false,\"testRunDurationMs\":20000}},\
             \"metrics\":{{\"http_reqs\":{{\"type\":\"counter\",\"contains\":\"default\",\"values\":{{\"count\":{n},\"rate\":{rate}}}}},\
             \"http_req_failed\":{{\"type\":\"rate\",\"contains\":\"default\",\"values\":{{\"rate\":{},\"passes\":{failed},\"fails\":{}}}}},\
             \"http_req_duration\":{{\"type\":\"trend\",\"contains\":\"time\",\"values\":{{{trend}}}}},\
             \"vus\":{{\"type\":\"gauge\",\"contains\":\"default\",\"values\":{{\"value\":10,\"min\":10,\"max\":10}}}}}}}}",
            failed as f64 / n as f64,
            n - failed
        )
    } else {
        format!(
            "{{\"root_group\":{{\"name\":\"\",\"path\":\"\",\"id\":\"d41d8\",\"groups\":{{}},\"checks\":{{}}}},\
             \"metrics\":{{\"http_reqs\":{{\"count\":{n},\"rate\":{rate}}},\
             \"http_req_failed\":{{\"passes\":{failed},\"fails\":{},\"value\":{}}},\
             \"http_req_duration\":{{{trend}}},\
             \"vus\":{{\"value\":10,\"min\":10,\"max\":10}}}}}}",
            n - failed,
            failed as f64 / n as f64
        )
    }
}

#[test]
fn a_k6_summary_beside_the_per_request_output_is_checked_on_its_counts() {
    // The same run: 2,000 requests, none failed, in both files.
    let dir = TestDir::new();
    dir.write("same/results.json", k6_json(2000, 0));
    dir.write("same/summary-export.json", k6_summary(2000, 0, false));
    // Another run's handleSummary(): 878 requests, 349 failed (40 %).
    dir.write("other/results.json", k6_json(2000, 0));
    dir.write("other/summary.json", k6_summary(878, 349, true));
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\"]\n",
    );
    let (code, check, _) = check_json(&dir.path().join("same"), &sla, &[]);
    assert_eq!((code, &check["verdict"]), (0, &"GO".into()), "{check}");
    let (_, report, _) = analyze_json(&[&dir.path().join("same")], &[]);
    assert_eq!(report["data_quality"], "clean");
    assert_eq!(
        report["skipped"][0]["kind"], "same_data",
        "{}",
        report["skipped"]
    );
    // The other run's 349 failures are in no figure: never a clean GO beside them.
    let (_, check, _) = check_json(&dir.path().join("other"), &sla, &[]);
    assert_ne!(check["verdict"], "GO", "{check}");
    let (_, report, _) = analyze_json(&[&dir.path().join("other")], &[]);
    assert_eq!(report["data_quality"], "incomplete");
    assert_eq!(stage0(&report)["requests"], 2000);
    let skipped = &report["skipped"][0];
    assert_eq!(skipped["kind"], "other_data", "{skipped}");
    assert!(
        skipped["reason"].as_str().unwrap().contains("878"),
        "{skipped}"
    );
    // A summary cut short beside it is a problem (exit 2), never data summed with it.
    dir.write("bad/results.json", k6_json(2000, 0));
    dir.write("bad/summary.json", &k6_summary(878, 349, false)[..120]);
    let (code, report, _) = analyze_json(&[&dir.path().join("bad")], &[]);
    assert_eq!(code, 2);
    assert_eq!(report["overall"]["requests"], 2000, "{}", report["overall"]);
    assert!(
        report["problems"].to_string().contains("summary.json"),
        "{}",
        report["problems"]
    );
}

#[test]
fn k6s_two_summaries_of_one_run_are_read_once() {
    // `--summary-export` and handleSummary() of one run: 878 requests, 349 failed.
    let dir = TestDir::new();
    dir.write("run/summary-export.json", k6_summary(878, 349, false));
    dir.write("run/summary.json", k6_summary(878, 349, true));
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    let s = stage0(&report);
    assert_eq!(s["requests"], 878, "{s}");
    assert_eq!(s["failures"], 349);
    assert!(
        (s["duration_s"].as_f64().unwrap() - 20.0).abs() < 0.01,
        "{s}"
    );
    assert_eq!(
        report["skipped"][0]["kind"], "same_data",
        "{}",
        report["skipped"]
    );
    // Two runs' summaries (other counts) stay two runs, one after another.
    dir.write("two/summary-export.json", k6_summary(878, 349, false));
    dir.write("two/summary.json", k6_summary(1000, 0, true));
    let (_, report, _) = analyze_json(&[&dir.path().join("two")], &[]);
    assert_eq!(report["overall"]["requests"], 1878);
}

/// `data` gzip-compressed.
fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A JMeter CSV JTL: `n` samples 100 ms apart at 2 threads, every 10th failed.
fn jtl(n: u64) -> String {
    let mut out = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
    );
    for i in 0..n {
        let (code, ok) = if i % 10 == 0 {
            (500, false)
        } else {
            (200, true)
        };
        out.push_str(&format!(
            "{},{},home,{code},OK,TG 1-1,text,{ok},,100,50,2,2,http://example.com/,10,0,0\n",
            1_764_835_200_000 + i * 100,
            20 + i % 7
        ));
    }
    out
}

#[test]
fn a_gzip_copy_beside_its_original_is_read_once() {
    // 600 samples over 59.9 s (10.0 req/s), 60 failed; the team also kept a .gz copy.
    let dir = TestDir::new();
    let text = jtl(600);
    dir.write("jmeter/results.jtl", &text);
    dir.write("jmeter/results.jtl.gz", gzip(text.as_bytes()));
    let json = k6_json(2000, 0);
    dir.write("k6/results.json", &json);
    dir.write("k6/results.json.gz", gzip(json.as_bytes()));
    let (code, report, _) = analyze_json(&[&dir.path().join("jmeter")], &[]);
    assert_eq!(code, 0);
    assert_eq!(report["overall"]["requests"], 600, "{}", report["overall"]);
    assert_eq!(report["overall"]["failures"], 60);
    let rps = report["overall"]["throughput_rps"].as_f64().unwrap();
    assert!((rps - 600.0 / 59.9).abs() < 0.1, "{rps}");
    let skipped = &report["skipped"][0];
    assert_eq!(skipped["kind"], "same_data", "{skipped}");
    assert!(
        skipped["path"]
            .as_str()
            .unwrap()
            .ends_with("results.jtl.gz"),
        "{skipped}"
    );
    let (_, report, _) = analyze_json(&[&dir.path().join("k6")], &[]);
    assert_eq!(report["overall"]["requests"], 2000, "{}", report["overall"]);
    // A .gz of other content is no copy: both are read. (Other samples: a file whose
    // every sample, start, elapsed, thread and label, is in the other is a listener's
    // copy of them, read once: messy_runs_v.)
    dir.write("two/results.jtl", &text);
    let other = jtl(300).replace(",home,", ",search,");
    dir.write("two/more.jtl.gz", gzip(other.as_bytes()));
    let (_, report, _) = analyze_json(&[&dir.path().join("two")], &[]);
    assert_eq!(report["overall"]["requests"], 900, "{}", report["overall"]);
}

/// A jHiccup interval log: 60 one-second intervals of 1,000 hiccup samples each (ns,
/// jHiccup's unit), 0.5 ms every one.
fn jhiccup_log() -> String {
    let mut log = String::from(
        "#[Logged with jHiccup version 2.0.10]\n#[Histogram log format version 1.2]\n\
         #[StartTime: 1764835200.000 (seconds since epoch), Thu Dec 04 08:00:00 UTC 2025]\n\
         \"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n",
    );
    for k in 0..60u64 {
        let mut h =
            hdrhistogram::Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).unwrap();
        h.record_n(500_000, 1000).unwrap();
        log.push_str(&format!("{k}.000,1.000,0.500,{}\n", hlog_blob(&h)));
    }
    log
}

#[test]
fn a_jhiccup_log_beside_a_jtl_is_not_the_load_tests_requests() {
    // The JTL: 600 samples, 60 failed. The hiccup log beside it holds 60,000 JVM
    // pause samples: more "requests", never the run's.
    let dir = TestDir::new();
    dir.write("run/results.jtl", jtl(600));
    dir.write("run/hiccup.hlog", jhiccup_log());
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["overall"]["requests"], 600, "{}", report["overall"]);
    assert_eq!(report["overall"]["failures"], 60);
    assert_eq!(
        report["data_quality"], "clean",
        "{}",
        report["data_quality_reason"]
    );
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("hiccup.hlog") && skipped.contains("jHiccup"),
        "{skipped}"
    );
    // Alone it is read as any interval log.
    dir.write("alone/hiccup.hlog", jhiccup_log());
    let (_, report, _) = analyze_json(&[&dir.path().join("alone")], &[]);
    assert_eq!(
        report["overall"]["requests"], 60_000,
        "{}",
        report["overall"]
    );
}

/// One vegeta attack of `n` requests 10 ms apart from 2025-12-04T08:00:00Z (latency
/// (i+1) ms, every 50th a refused connection), as `vegeta encode --to csv` and
/// `--to json` write it.
fn vegeta_encodings(n: u64) -> (String, String) {
    let (mut csv, mut json) = (String::new(), String::new());
    for i in 0..n {
        let ts = 1_764_835_200_000_000_000u64 + i * 10_000_000;
        let latency = (i + 1) * 1_000_000;
        let (code, err) = if i % 50 == 0 {
            (0, "dial tcp: connection refused")
        } else {
            (200, "")
        };
        csv.push_str(&format!(
            "{ts},{code},{latency},0,11,\"{err}\",,,{i},GET,http://127.0.0.1:8080/item,\n"
        ));
        let ms = i * 10;
        json.push_str(&format!(
            "{{\"attack\":\"\",\"seq\":{i},\"code\":{code},\"timestamp\":\"2025-12-04T08:{:02}:{:02}.{:03}Z\",\"latency\":{latency},\"bytes_out\":0,\"bytes_in\":11,\"error\":\"{err}\",\"body\":null,\"method\":\"GET\",\"url\":\"http://127.0.0.1:8080/item\",\"headers\":null}}\n",
            ms / 60_000,
            ms / 1000 % 60,
            ms % 1000
        ));
    }
    (csv, json)
}

#[test]
fn one_attack_encoded_twice_is_one_run() {
    // 1,000 requests started over 9.99 s, the last answered 1 s later: 10.99 s from
    // the first start to the last answer, 20 refused: as CSV and as JSON.
    let dir = TestDir::new();
    let (csv, json) = vegeta_encodings(1000);
    dir.write("run/results.csv", &csv);
    dir.write("run/results.json", &json);
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    let o = &report["overall"];
    assert_eq!(o["requests"], 1000, "{o}");
    assert_eq!(o["failures"], 20);
    assert!(
        (o["throughput_rps"].as_f64().unwrap() - 1000.0 / 10.99).abs() < 0.5,
        "{o}"
    );
    let skipped = &report["skipped"][0];
    assert_eq!(skipped["kind"], "same_data", "{skipped}");
    assert!(
        skipped["path"].as_str().unwrap().ends_with("results.json"),
        "{skipped}"
    );
    // Another attack's JSON beside the CSV is no copy: both are read.
    let (_, other) = vegeta_encodings(500);
    dir.write("two/results.csv", &csv);
    dir.write("two/results.json", &other);
    let (_, report, _) = analyze_json(&[&dir.path().join("two")], &[]);
    assert_eq!(report["overall"]["requests"], 1500, "{}", report["overall"]);
}

/// A wrk2 `--latency` output of 10,000 values: the spectrum's rows at 1 ms (5,000),
/// 5 ms (9,800), 10 ms (9,900 — the 99th value ranks 9,900) … but with a sparse tail:
/// rows 8 ms at 9,850 and 12 ms at 9,950; wrk2's own 99.000 % line (from its full
/// histogram) says 9.50 ms.
fn wrk2_sparse_tail() -> String {
    let rows = [
        (1.0, 0.5, 5000u64),
        (5.0, 0.98, 9800),
        (8.0, 0.985, 9850),
        (12.0, 0.995, 9950),
        (20.0, 1.0, 10000),
    ];
    let mut spectrum = String::new();
    for (v, p, c) in rows {
        let inv = if p < 1.0 {
            format!("{:.2}", 1.0 / (1.0 - p))
        } else {
            "inf".into()
        };
        spectrum.push_str(&format!("{v:>12.3} {p:>12.6} {c:>12} {inv:>12}\n"));
    }
    format!(
        "wrk -t1 -c2 -d10s -R1000 --latency http://127.0.0.1:8080/get\n\n\
Running 10s test @ http://127.0.0.1:8080/get
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.50ms    1.00ms  20.00ms   90.00%
    Req/Sec       -nan      -nan   0.00      0.00%
  Latency Distribution (HdrHistogram - Recorded Latency)
 50.000%    1.00ms
 75.000%    2.00ms
 90.000%    4.00ms
 99.000%    9.50ms
 99.900%   15.00ms
 99.990%   20.00ms
 99.999%   20.00ms
100.000%   20.00ms

  Detailed Percentile spectrum:
       Value   Percentile   TotalCount 1/(1-Percentile)

{spectrum}#[Mean    =        1.500, StdDeviation   =        1.000]
#[Max     =       20.000, Total count    =        10000]
#[Buckets =           27, SubBuckets     =         2048]
----------------------------------------------------------
  10000 requests in 10.00s, 1.00MB read
Requests/sec:   1000.00
Transfer/sec:    100.00KB
"
    )
}

#[test]
fn wrk2s_own_percentiles_are_the_reports_not_the_next_spectrum_rows() {
    // p99 ranks 9,900: between the spectrum's rows 8 ms (9,850) and 12 ms (9,950), so
    // the rows alone say 12 ms; wrk2 printed 9.50 ms from its full histogram.
    let dir = TestDir::new();
    dir.write("run/wrk2.txt", wrk2_sparse_tail());
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(99) < 10ms\"]\n");
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    let p99 = stage0(&report)["latency_ms"]["p99"].as_f64().unwrap();
    assert!((p99 - 9.5).abs() < 0.02, "wrk2's 9.50 ms, not 12: {p99}");
    let p999 = stage0(&report)["latency_ms"]["p999"].as_f64().unwrap();
    assert!((p999 - 15.0).abs() < 0.02, "{p999}");
    // Rows stay exact: p50 is the 1 ms row.
    let p50 = stage0(&report)["latency_ms"]["p50"].as_f64().unwrap();
    assert!((p50 - 1.0).abs() < 0.01, "{p50}");
    let (code, check, _) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!((code, &check["verdict"]), (0, &"GO".into()), "{check}");
}

#[test]
fn two_runs_appended_to_one_jtl_are_no_stage_of_one_run() {
    // JMeter appends to an existing `-l results.jtl`: the same 60 s test again 2 h
    // later, its rows after the first run's. No stage spans the 2 h nothing ran in
    // without the audit saying so, and no GO rests on it.
    let dir = TestDir::new();
    let first = jtl(600);
    let mut text = first.clone();
    for line in first.lines().skip(1) {
        let (ts, rest) = line.split_once(',').unwrap();
        let later: u64 = ts.parse::<u64>().unwrap() + 2 * 3600 * 1000;
        text.push_str(&format!("{later},{rest}\n"));
    }
    dir.write("run/results.jtl", &text);
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 20%\"]\n",
    );
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    let gap: Vec<&Value> = (report["audit"].as_array().unwrap().iter())
        .filter(|f| f["check"] == "stage_gap")
        .collect();
    assert_eq!(gap.len(), 1, "{}", report["audit"]);
    assert_eq!(gap[0]["verdict"], "suspect");
    assert!(
        gap[0]["explanation"].as_str().unwrap().contains("two runs"),
        "{}",
        gap[0]
    );
    let (code, check, _) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 0, "{check}");
    assert_eq!(check["verdict"], "CONDITIONAL", "{check}");
    // One run alone is clean.
    dir.write("one/results.jtl", &first);
    let (_, report, _) = analyze_json(&[&dir.path().join("one")], &[]);
    assert!(
        !report["audit"].to_string().contains("stage_gap"),
        "{}",
        report["audit"]
    );
}

/// The `stage_gap` findings of a run dir's report.
fn stage_gaps(dir: &Path) -> Vec<Value> {
    let (_, report, _) = analyze_json(&[dir], &[]);
    (report["audit"].as_array().unwrap().iter())
        .filter(|f| f["check"] == "stage_gap")
        .cloned()
        .collect()
}

/// `rows` of [`jtl`] with each timestamp moved by `shift_ms`, and the row starting
/// at `hang_at_ms` (from the first) taking `hang_ms`.
fn shifted(rows: &str, shift_ms: i64, hang: Option<(i64, u64)>) -> String {
    let t0 = 1_764_835_200_000i64;
    let mut out = String::new();
    for line in rows.lines().skip(1) {
        let mut cells: Vec<String> = line.split(',').map(String::from).collect();
        let t: i64 = cells[0].parse().unwrap();
        if let Some((at, ms)) = hang {
            if t - t0 == at {
                cells[1] = ms.to_string();
            }
        }
        cells[0] = (t + shift_ms).to_string();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[test]
fn a_rerun_appended_minutes_later_is_no_stage_of_one_run() {
    // The 120 s test (1,200 rows at 10 req/s, 10 % failed) run again 5 min after it
    // started: JMeter appended it to the same `-l results.jtl`. 180 s without a request
    // where the stage's own rate (2,400 requests in 240 s) is due 1,800, and no request
    // took even 1 s: nothing ran, so the stage's req/s (2,400 ÷ 420 s, against 10 in
    // each run) divides by time nothing ran.
    let dir = TestDir::new();
    let first = jtl(1200);
    let mut text = first.clone();
    text.push_str(&shifted(&first, 300_000, None));
    dir.write("rerun/results.jtl", &text);
    let gaps = stage_gaps(&dir.path().join("rerun"));
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["verdict"], "suspect");
    let why = gaps[0]["explanation"].as_str().unwrap();
    assert!(
        why.contains("two runs") && why.contains("3 min of its 7 min"),
        "{why}"
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 20%\"]\n",
    );
    let (code, check, _) = check_json(&dir.path().join("rerun"), &sla, &[]);
    assert_eq!(
        (code, &check["verdict"]),
        (0, &"CONDITIONAL".into()),
        "{check}"
    );
    // One run alone is clean.
    dir.write("one/results.jtl", &first);
    assert!(stage_gaps(&dir.path().join("one")).is_empty());
}

/// A JMeter run as its `allThreads` column shows it: users ramping up by one a second
/// to 10, 120 s at 10 (one request every 100 ms), every `fail_every`-th request of the
/// steady part failed; from `t0` ms.
fn ramped_run(t0: u64, fail_every: u64) -> String {
    let mut out = String::new();
    let row = |t: u64, users: u64, ok: bool| {
        let (code, ok) = if ok { (200, true) } else { (500, false) };
        format!("{t},30,home,{code},OK,TG 1-{users},text,{ok},,100,50,{users},{users},http://example.com/,10,0,0\n")
    };
    for users in 1..10 {
        for i in 0..10 {
            out.push_str(&row(t0 + (users - 1) * 1000 + i * 100, users, true));
        }
    }
    for i in 0..1200 {
        let failed = fail_every > 0 && i % fail_every == 0;
        out.push_str(&row(t0 + 9000 + i * 100, 10, !failed));
    }
    out
}

#[test]
fn a_rerun_appended_after_its_threads_ramped_up_again_is_a_stage_of_its_own() {
    // `jmeter -l results.jtl` twice: a run with 2 % failed, then 5 s later the same
    // plan again with none, its threads ramping up from 1. Pooled at 10 users, the
    // two read 1 % failed (a pass of `< 1.5%`); each run is judged on its own.
    let dir = TestDir::new();
    let header = jtl(0);
    let first = ramped_run(1_764_835_200_000, 50);
    let second = ramped_run(1_764_835_200_000 + 129_000 + 5_000, 0);
    dir.write("twice/results.jtl", format!("{header}{first}{second}"));
    let (_, report, _) = analyze_json(&[&dir.path().join("twice")], &[]);
    let stages: Vec<(&str, u64, u64, f64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["users"].as_u64().unwrap(),
                s["requests"].as_u64().unwrap(),
                s["error_rate"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(stages.len(), 2, "{stages:?}");
    // The steady 120 s of each run: 1,200 requests, 24 of the first's failed.
    assert_eq!(stages[0].2, 1200, "{stages:?}");
    assert!((stages[0].3 - 24.0 / 1200.0).abs() < 1e-12, "{stages:?}");
    assert_eq!((stages[1].1, stages[1].2, stages[1].3), (10, 1200, 0.0));
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1.5%\"]\n");
    let (code, check, _) = check_json(&dir.path().join("twice"), &sla, &[]);
    assert_eq!((code, &check["verdict"]), (1, &"NO-GO".into()), "{check}");
}

#[test]
fn a_rerun_appended_seconds_later_at_the_same_users_is_no_stage_of_one_run() {
    // The 120 s test (1,200 rows at 10 req/s, 10 % failed) again 15 s after it ended,
    // its threads all starting at once (no ramp to tell the runs apart): 150 due in
    // the 15 s, none started, none in flight.
    let dir = TestDir::new();
    let first = jtl(1200);
    let mut text = first.clone();
    text.push_str(&shifted(&first, 135_000, None));
    dir.write("rerun/results.jtl", &text);
    let gaps = stage_gaps(&dir.path().join("rerun"));
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert!(gaps[0]["explanation"]
        .as_str()
        .unwrap()
        .contains("two runs"));
    // Users all thinking 12 s at once between bursts (150 requests every 12 s): a
    // rhythm of quiet spells, not two runs.
    let bursts: String = (0..10u64 * 150)
        .map(|i| {
            let t = 1_764_835_200_000 + (i / 150) * 12_000 + (i % 150) * 6;
            format!(
                "{t},40,home,200,OK,TG 1-1,text,true,,100,50,150,150,http://example.com/,10,0,0\n"
            )
        })
        .collect();
    dir.write("bursts/results.jtl", jtl(0) + &bursts);
    assert!(stage_gaps(&dir.path().join("bursts")).is_empty());
}

#[test]
fn a_stall_every_request_waits_through_or_a_slow_paced_lull_is_no_second_run() {
    // 600 s at 10 req/s with no request starting from 200 s to 290 s: the request that
    // started at 199.9 s took 95 s, so the server held it through the spell (a stall,
    // one run), which the stall checks judge, not this one.
    let dir = TestDir::new();
    let rows = jtl(6000);
    let mut stalled = rows.lines().next().unwrap().to_string() + "\n";
    for line in shifted(&rows, 0, Some((199_900, 95_000))).lines() {
        let t: i64 = line.split(',').next().unwrap().parse().unwrap();
        let from_start = t - 1_764_835_200_000;
        if !(200_000..290_000).contains(&from_start) {
            stalled.push_str(line);
            stalled.push('\n');
        }
    }
    dir.write("stall/results.jtl", &stalled);
    assert!(stage_gaps(&dir.path().join("stall")).is_empty());
    // 90 s quiet at 0.5 req/s (60 s of 30 requests, 90 s, 60 s more): 45 due, a lull.
    let slow: String = (0..60u64)
        .map(|i| {
            let t = 1_764_835_200_000 + i * 2000 + if i >= 30 { 90_000 } else { 0 };
            format!("{t},20,home,200,OK,TG 1-1,text,true,,100,50,1,1,http://example.com/,10,0,0\n")
        })
        .collect();
    dir.write("slow/results.jtl", jtl(0) + &slow);
    assert!(stage_gaps(&dir.path().join("slow")).is_empty());
}
