//! Messy runs, batch "t" (qa26): the gaps earlier rounds left open. Files cut short
//! read alike whether gzipped or plain (a run that did not end, the rows before the cut
//! used); console logs read gzipped as unpacked; names from the inputs can neither
//! rewrite a terminal, nor become a link in a PR comment, nor run as a spreadsheet
//! formula; a Locust `--only-summary` run keeps the p50 its history holds.

use std::io::{Read, Write};
use std::path::Path;

use serde_json::Value;

use super::common::{analyze_json, export_csv, headroom, TestDir};

/// k6's `--out csv` header (k6 0.31 – 0.40: 18 columns).
const K6_HEADER: &str = "metric_name,timestamp,metric_value,check,error,error_code,\
    expected_response,group,method,name,proto,scenario,service,status,subproto,\
    tls_version,url,extra_tags\n";

/// The three rows k6 writes for request `i` (50 a second, all answered 200 in
/// `10 + i % 40` ms).
fn k6_request(i: u64) -> String {
    let t = 1_796_340_000 + i / 50;
    let tags = ",,,true,,GET,http://127.0.0.1/api,HTTP/1.1,default,,200,,,http://127.0.0.1/api,";
    format!(
        "http_reqs,{t},1.000000{tags}\n\
         http_req_duration,{t},{}.000000{tags}\n\
         http_req_failed,{t},0.000000{tags}\n",
        10 + i % 40
    )
}

fn k6_csv(requests: u64) -> String {
    let mut csv = String::from(K6_HEADER);
    for i in 0..requests {
        csv.push_str(&k6_request(i));
    }
    csv
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// What a gzip stream cut short inflates to before its cut (read by flate2 until it
/// errs).
fn inflated_prefix(gz: &[u8]) -> Vec<u8> {
    let mut d = flate2::read::GzDecoder::new(gz);
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = d.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    out
}

fn sla(dir: &TestDir) -> std::path::PathBuf {
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\", \"p(95) < 500ms\"]\n",
    )
}

fn check_json(run: &Path, sla: &Path) -> (i32, Value, String) {
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let v = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), v, stderr)
}

/// Asserts a report of a run that did not end: no input problem, the run marked
/// incomplete naming `file`, `requests` read.
fn assert_did_not_end(report: &Value, stderr: &str, file: &str, requests: u64) {
    assert_eq!(report["problems"], serde_json::json!([]), "{stderr}");
    assert_eq!(report["overall"]["requests"], requests, "{stderr}");
    assert_eq!(report["run"]["complete"], false, "{report}");
    assert_eq!(report["data_quality"], "incomplete");
    let why = report["run"]["incomplete_reason"].as_str().unwrap_or("");
    assert!(why.contains(file), "{why}");
}

#[test]
fn a_k6_csv_cut_mid_row_is_a_run_that_did_not_end_and_no_go() {
    let dir = TestDir::new();
    // 1,000 whole requests, then k6 killed while writing the next one's first row.
    let mut csv = k6_csv(1000);
    csv.push_str(&k6_request(1000)[..20]);
    dir.write("run/results.csv", &csv);
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_did_not_end(&report, &stderr, "results.csv", 1000);
    // The cut row is line 1 (header) + 3,000 + 1.
    let why = report["run"]["incomplete_reason"].as_str().unwrap();
    assert!(why.contains("line 3002"), "{why}");
    // Every rule passes, but on a run that did not end: no GO.
    let (code, out, stderr) = check_json(&run, &sla(&dir));
    assert_eq!(code, 0, "{stderr}");
    assert_ne!(out["verdict"], "GO", "{out}");
    assert_eq!(out["verdict"], "CONDITIONAL", "{out}");
}

#[test]
fn a_gzip_k6_csv_cut_short_is_a_run_that_did_not_end_like_a_plain_one() {
    let dir = TestDir::new();
    let n = 3000u64;
    let gz = gzip(k6_csv(n).as_bytes());
    let cut = &gz[..gz.len() * 2 / 3];
    dir.write("run/results.csv.gz", cut);
    // The requests whose `http_reqs` row ends before the cut: each is read.
    let prefix = inflated_prefix(cut);
    let text = String::from_utf8_lossy(&prefix);
    let whole_lines = &text[..text.rfind('\n').unwrap()];
    let requests = whole_lines
        .lines()
        .filter(|l| l.starts_with("http_reqs,"))
        .count() as u64;
    assert!(requests > 0 && requests < n, "{requests}");
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("deflate"), "{stderr}");
    assert_did_not_end(&report, &stderr, "results.csv.gz", requests);
    let (code, out, stderr) = check_json(&run, &sla(&dir));
    assert_eq!(
        (code, out["verdict"].as_str()),
        (0, Some("CONDITIONAL")),
        "{stderr}"
    );
}

#[test]
fn a_gzip_stream_cut_at_a_row_end_is_still_a_run_that_did_not_end() {
    let dir = TestDir::new();
    // 800 whole requests, the stream's 8-byte end mark (CRC and size) missing: every
    // row is whole, but the file stops before its end.
    let gz = gzip(k6_csv(800).as_bytes());
    dir.write("run/results.csv.gz", &gz[..gz.len() - 8]);
    // k6's JSON output and a Gatling log, gzipped and cut the same way.
    let mut json = String::new();
    for i in 0..500u64 {
        let time = format!("2026-12-03T23:20:{:02}.{:03}Z", i / 50, (i % 50) * 20);
        let tags = r#"{"method":"GET","name":"http://127.0.0.1/api","status":"200","expected_response":"true","url":"http://127.0.0.1/api","scenario":"default"}"#;
        json.push_str(&format!(
            "{{\"type\":\"Point\",\"data\":{{\"time\":\"{time}\",\"value\":1,\"tags\":{tags}}},\"metric\":\"http_reqs\"}}\n\
             {{\"type\":\"Point\",\"data\":{{\"time\":\"{time}\",\"value\":{},\"tags\":{tags}}},\"metric\":\"http_req_duration\"}}\n",
            10 + i % 40
        ));
    }
    let gz = gzip(json.as_bytes());
    dir.write("json/out.json.gz", &gz[..gz.len() - 8]);
    for (run, file, requests) in [("run", "results.csv.gz", 800), ("json", "out.json.gz", 500)] {
        let (code, report, stderr) = analyze_json(&[&dir.path().join(run)], &[]);
        assert_eq!(code, 0, "{file}: {stderr}");
        assert_did_not_end(&report, &stderr, file, requests);
        let why = report["run"]["incomplete_reason"].as_str().unwrap();
        assert!(why.contains("gzip"), "{why}");
    }
    // `inspect` says so too.
    let file = dir.path().join("run/results.csv.gz");
    let o = headroom(&["inspect", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("requests   800,"), "{text}");
    assert!(
        text.contains("gzip stream ends before its end mark"),
        "{text}"
    );
}

#[test]
fn a_short_locust_only_summary_run_keeps_the_p50_its_history_holds() {
    // Locust 2.47 `--headless -u 7 -r 7 -t 4s --only-summary --csv run` against
    // `headroom target`: its history's cumulative rows, 1 s apart, report the same
    // median (2 ms) at both ends of the steady window.
    let dir = TestDir::new();
    let pct = "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";
    dir.write(
        "run/run_stats.csv",
        format!(
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
             Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,{pct}\n\
             GET,/api/v1/agents,167,0,19,21.28,6.93,63.89,91.0,55.70,0.0,19,22,25,28,34,45,50,54,64,64,64\n\
             GET,/health,175,0,1,0.90,0.41,21.02,15.0,58.37,0.0,1,1,1,1,1,1,2,20,21,21,21\n\
             ,Aggregated,342,0,2,10.85,0.41,63.89,52.11,114.07,0.0,2,15,19,21,28,34,47,50,64,64,64\n"
        ),
    );
    dir.write(
        "run/run_stats_history.csv",
        format!(
            "Timestamp,User Count,Type,Name,Requests/s,Failures/s,{pct},Total Request Count,\
             Total Failure Count,Total Median Response Time,Total Average Response Time,\
             Total Min Response Time,Total Max Response Time,Total Average Content Size\n\
             1796455857,0,,Aggregated,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0\n\
             1796455858,7,,Aggregated,0.0,0.0,2,15,18,19,28,45,50,51,54,54,54,113,0,2,10.74,0.44,54.32,49.97\n\
             1796455859,7,,Aggregated,0.0,0.0,9,15,19,21,28,37,50,50,54,54,54,228,0,9,11.19,0.42,54.32,53.33\n\
             1796455860,7,,Aggregated,68.0,0.0,2,15,19,21,28,34,47,50,64,64,64,342,0,2,10.85,0.41,63.89,52.11\n"
        ),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    // The steady window: the requests after the first 7-user row, 342 − 113.
    assert_eq!(stage["requests"], 342 - 113, "{stage}");
    // Their CDF at 2 ms is the mixture difference (342·0.5 − 113·0.5)/229 = 0.5.
    let p50 = stage["latency_ms"]["p50"].as_f64();
    assert_eq!(p50, Some(2.0), "{}", stage["latency_ms"]);
}

/// Per endpoint: requests, failures and p95 of the (one) stage of a report.
fn endpoint_figures(report: &Value) -> Vec<(String, u64, u64, Value)> {
    let mut out: Vec<_> = (report["stages"][0]["endpoints"].as_array().unwrap().iter())
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["requests"].as_u64().unwrap(),
                e["failures"].as_u64().unwrap(),
                e["latency_ms"]["p95"].clone(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn a_csv_export_guards_formula_names_and_reads_back_to_the_same_figures() {
    let dir = TestDir::new();
    // Names a spreadsheet would run as formulas, one quoted (kept as it is) and a
    // plain one: 100 requests each, every 5th failed.
    let names = [
        "=HYPERLINK(\"http://127.0.0.1/x\",\"click\")",
        "+1+2",
        "-2+3",
        "@SUM(A1:A9)",
        "'quoted'",
        "/api/v1/agents",
    ];
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(["timestamp_ms", "endpoint", "method", "latency_ms", "status"])
        .unwrap();
    for i in 0..600u64 {
        let name = names[(i % 6) as usize];
        let status = if i % 5 == 0 { "500" } else { "200" };
        let t = (1_796_340_000_000 + i * 50).to_string();
        let latency = (10 + i % 37).to_string();
        csv.write_record([t.as_str(), name, "GET", latency.as_str(), status])
            .unwrap();
    }
    dir.write("run/requests.csv", csv.into_inner().unwrap());
    let run = dir.path().join("run");
    let out = dir.path().join("export");
    export_csv(&run, &out);
    // No text cell of any table starts a formula; each such name is written `'` first.
    for table in [
        "requests.csv",
        "endpoints.csv",
        "stages.csv",
        "intervals.csv",
    ] {
        let mut r = csv::Reader::from_path(out.join(table)).unwrap();
        let text_columns: Vec<usize> = (r.headers().unwrap().iter().enumerate())
            .filter(|(_, h)| {
                ["endpoint", "name", "method", "stage", "error", "error_text"].contains(h)
            })
            .map(|(i, _)| i)
            .collect();
        for row in r.records() {
            let row = row.unwrap();
            for &i in &text_columns {
                let cell = row.get(i).unwrap_or("");
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{table}: {cell:?}"
                );
            }
        }
    }
    let requests = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    for (name, written) in [
        ("+1+2", ",'+1+2,"),
        ("-2+3", ",'-2+3,"),
        ("@SUM(A1:A9)", ",'@SUM(A1:A9),"),
        ("'quoted'", ",'quoted',"),
        ("/api/v1/agents", ",/api/v1/agents,"),
    ] {
        assert_eq!(
            requests.matches(written).count(),
            100,
            "{name}: {requests:.600}"
        );
    }
    // Read back, every endpoint has its own name and figures again.
    let (code, original, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let (code, again, stderr) = analyze_json(&[&out], &[]);
    assert_eq!(code, 0, "{stderr}");
    let figures = endpoint_figures(&original);
    assert_eq!(figures.len(), 6, "{figures:?}");
    for (name, requests, failures, _) in &figures {
        assert!(names.contains(&name.as_str()), "{name}");
        assert_eq!((*requests, *failures), (100, 20), "{name}");
    }
    assert_eq!(endpoint_figures(&again), figures);
}

/// wrk's console of `wrk -t1 -c4 -d2s --latency` against `headroom target` on loopback.
const WRK_TXT: &str = r#"Running 2s test @ http://127.0.0.1:18926/api/v1/agents
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.03ms   10.02ms  68.69ms   72.14%
    Req/Sec   192.95     20.90   230.00     70.00%
  Latency Distribution
     50%   19.20ms
     75%   26.08ms
     90%   33.16ms
     99%   52.65ms
  385 requests in 2.00s, 74.82KB read
Requests/sec:    192.05
Transfer/sec:     37.32KB
"#;

/// hey's console of `hey -n 400 -c 4` against `headroom target` on loopback.
const HEY_TXT: &str = r#"
Summary:
  Total:	2.2358 secs
  Slowest:	0.0657 secs
  Fastest:	0.0052 secs
  Average:	0.0213 secs
  Requests/sec:	178.9047
  
  Total data:	36400 bytes
  Size/request:	91 bytes

Response time histogram:
  0.005 [1]	|
  0.011 [46]	|■■■■■■■■■■■■■■■■
  0.017 [113]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.023 [108]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.029 [60]	|■■■■■■■■■■■■■■■■■■■■■
  0.035 [38]	|■■■■■■■■■■■■■
  0.042 [15]	|■■■■■
  0.048 [10]	|■■■■
  0.054 [5]	|■■
  0.060 [2]	|■
  0.066 [2]	|■


Latency distribution:
  10% in 0.0106 secs
  25% in 0.0140 secs
  50% in 0.0190 secs
  75% in 0.0263 secs
  90% in 0.0343 secs
  95% in 0.0414 secs
  99% in 0.0550 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0000 secs, 0.0052 secs, 0.0657 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0000 secs, 0.0000 secs, 0.0001 secs
  resp wait:	0.0213 secs, 0.0052 secs, 0.0656 secs
  resp read:	0.0000 secs, 0.0000 secs, 0.0002 secs

Status code distribution:
  [200]	400 responses



"#;

/// ab's console of `ab -n 400 -c 4` against `headroom target` on loopback.
const AB_LOG: &str = r#"This is ApacheBench, Version 2.3 <$Revision$>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient)
Completed 100 requests
Completed 200 requests
Completed 300 requests
Completed 400 requests
Finished 400 requests


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18926

Document Path:          /api/v1/agents
Document Length:        91 bytes

Concurrency Level:      4
Time taken for tests:   2.125 seconds
Complete requests:      400
Failed requests:        0
Total transferred:      79600 bytes
HTML transferred:       36400 bytes
Requests per second:    188.25 [#/sec] (mean)
Time per request:       21.248 [ms] (mean)
Time per request:       5.312 [ms] (mean, across all concurrent requests)
Transfer rate:          36.58 [Kbytes/sec] received

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    0   0.0      0       0
Processing:     6   21  10.8     19      82
Waiting:        6   21  10.8     19      82
Total:          6   21  10.8     19      82

Percentage of the requests served within a certain time (ms)
  50%     19
  66%     23
  75%     25
  80%     27
  90%     35
  95%     42
  98%     54
  99%     58
 100%     82 (longest request)
"#;

#[test]
fn console_logs_packed_with_gzip_read_as_unpacked() {
    let dir = TestDir::new();
    // (file, its text, requests and p50 ms it prints)
    let logs = [
        ("wrk.txt", WRK_TXT, 385, 19.2),
        ("hey.txt", HEY_TXT, 400, 19.0),
        ("ab.log", AB_LOG, 400, 19.0),
    ];
    for (file, text, requests, p50) in logs {
        let plain = dir.write(&format!("plain-{file}/{file}"), text);
        let packed = dir.write(&format!("gz-{file}/{file}.gz"), gzip(text.as_bytes()));
        let (code, a, stderr) = analyze_json(&[plain.parent().unwrap()], &[]);
        assert_eq!(code, 0, "{file}: {stderr}");
        let (code, b, stderr) = analyze_json(&[packed.parent().unwrap()], &[]);
        assert_eq!(code, 0, "{file}.gz: {stderr}");
        assert_eq!(b["skipped"], serde_json::json!([]), "{file}.gz");
        assert_eq!(b["problems"], serde_json::json!([]), "{file}.gz");
        assert_eq!(b["overall"]["requests"], requests, "{file}.gz");
        assert_eq!(
            b["overall"]["latency_ms"]["p50"].as_f64(),
            Some(p50),
            "{file}.gz"
        );
        for key in [
            "requests",
            "failures",
            "throughput_rps",
            "latency_ms",
            "duration_s",
        ] {
            assert_eq!(a["overall"][key], b["overall"][key], "{file}: {key}");
        }
    }
    // Cut short inside its figures, a packed capture is refused as a plain one is: as
    // cut short, naming the file.
    let gz = gzip(WRK_TXT.as_bytes());
    let cut = dir.write("cut/wrk.txt.gz", &gz[..gz.len() / 2]);
    let o = headroom(&[
        "analyze",
        cut.parent().unwrap().to_str().unwrap(),
        "--out",
        dir.path().join("cut-report").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("wrk.txt.gz") && !stderr.contains("decompress"),
        "{stderr}"
    );
}

/// `markdown` as GitHub renders it (GFM: tables, and bare `http://`, `https://` and
/// `www.` text made links).
fn github_html(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.autolink = true;
    comrak::markdown_to_html(markdown, &options)
}

#[test]
fn a_url_in_an_endpoint_name_is_no_link_in_the_pr_comment_or_report() {
    let dir = TestDir::new();
    let names = [
        "https://api.example.com/x",
        "http://127.0.0.1:8080/health",
        "www.example.org/y",
    ];
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..300u64 {
        let status = if i % 10 == 0 { 500 } else { 200 };
        csv.push_str(&format!(
            "{},{},GET,{},{status}\n",
            1_796_340_000_000u64 + i * 20,
            names[(i % 3) as usize],
            10 + i % 17
        ));
    }
    dir.write("run/requests.csv", csv);
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n[each_endpoint]\nrules = [\"error_rate < 1%\"]\n",
    );
    let run = dir.path().join("run");
    let comment = dir.path().join("comment.md");
    let report_dir = dir.path().join("report");
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--markdown",
        comment.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--out",
        report_dir.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    assert!(
        o.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for file in [comment, report_dir.join("report.md")] {
        let markdown = std::fs::read_to_string(&file).unwrap();
        let html = github_html(&markdown);
        // (Autolinked, `www.` text becomes `href="http://www.…`.)
        assert!(!html.contains("href=\"http"), "{}: {html}", file.display());
        // What a reader sees: each name as it is (a zero-width space aside).
        let seen = html.replace('\u{200b}', "");
        for name in names {
            assert!(seen.contains(name), "{}: {name}: {seen}", file.display());
        }
    }
}

/// The characters a terminal (or a log viewer) acts on: ESC and the C1 CSI of cursor
/// and title codes, BEL, CR, line and paragraph separators, bidirectional controls.
fn acts_on_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
        )
}

#[test]
fn names_and_file_names_reach_the_terminal_escaped_everywhere() {
    let dir = TestDir::new();
    // A title-setting OSC, a C1 CSI, a line separator forging a row, a right-to-left
    // mark and an override: each name 100 requests, every 4th failed.
    let names = [
        "/t\u{1b}]0;pwned\u{7}",
        "/c1\u{9b}2J",
        "/ls\u{2028}  error_rate < 1%  global  peak  0%  pass",
        "/rlm\u{200f}x",
        "/rlo\u{202e}gpj.exe",
    ];
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..500u64 {
        let status = if i % 4 == 0 { 500 } else { 200 };
        csv.push_str(&format!(
            "{},{},GET,{},{status}\n",
            1_796_340_000_000u64 + i * 20,
            names[(i % 5) as usize],
            10 + i % 13
        ));
    }
    dir.write("run/requests.csv", csv);
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n[each_endpoint]\nrules = [\"error_rate < 1%\"]\n",
    );
    let run = dir.path().join("run");
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!out.chars().any(acts_on_a_terminal), "{out:?}");
    assert!(!err.chars().any(acts_on_a_terminal), "{err:?}");
    assert!(
        out.contains("/ls\\u{2028}") && out.contains("/rlm\\u{200f}x"),
        "{out}"
    );
    // The header, 2 global and 5 × 2 endpoint evaluations: no name forges a row.
    assert_eq!(
        out.lines().filter(|l| l.starts_with("  ")).count(),
        13,
        "{out}"
    );
    // A dir whose one file is named with a title-setting code: the skipped line.
    dir.write("other/notes\u{1b}]0;pwned\u{7}.csv", "hello,world\n1,2\n");
    let o = headroom(&[
        "analyze",
        dir.path().join("other").to_str().unwrap(),
        "--out",
        dir.path().join("other-report").to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.chars().any(acts_on_a_terminal), "{err:?}");
    assert!(
        err.contains("skipped") && err.contains("notes\\u{1b}]0;pwned"),
        "{err}"
    );
    // A run label holding line breaks (`run.toml`): `sla init` writes it into a comment,
    // where a line break would end the comment and write TOML of the label's own.
    dir.write(
        "labelled/run.toml",
        "label = \"r1\\nrules = [\\\"error_rate < 100%\\\"]\\n[global]\"\n",
    );
    std::fs::copy(
        run.join("requests.csv"),
        dir.path().join("labelled/requests.csv"),
    )
    .unwrap();
    let o = headroom(&["sla", "init", dir.path().join("labelled").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let starter: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(starter.get("rules").is_none(), "{text}");
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("rules = [\"error_rate < 100%")),
        "{text}"
    );
}
