//! Impossible numbers in a file — counts past a u64, more failures than requests, a
//! negative latency — are a problem naming the file (and line where the format has
//! lines), exit 2; never wrapped, clamped or passed through.

use serde_json::json;

use crate::common::{assert_refused, headroom, TestDir};

const MAX: u64 = u64::MAX;

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

// ---------------------------------------------------------------------------------
// wrk

/// A wrk run: lines 11 (`N requests in`), 12 (socket errors), 13 (non-2xx).
fn wrk(requests: &str, socket: &str, non_2xx: &str) -> String {
    format!(
        "Running 30s test @ http://127.0.0.1:8080/api/items
  4 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.50ms    3.10ms   1.20s    91.00%
    Req/Sec     1.20k   100.00     1.50k    70.00%
  Latency Distribution
     50%   11.20ms
     75%   13.40ms
     90%   15.10ms
     99%    1.02s
  {requests} requests in 30.00s, 21.50MB read
  Socket errors: {socket}
  Non-2xx or 3xx responses: {non_2xx}
Requests/sec:   4800.00
Transfer/sec:    733.87KB
"
    )
}

#[test]
fn wrk_requests_and_socket_errors_past_u64() {
    let text = wrk(
        &MAX.to_string(),
        "connect 3, read 40, write 2, timeout 11",
        "0",
    );
    assert_refused("wrk.txt", &text, Some(12), "not a real count");
}

#[test]
fn wrk_socket_errors_adding_up_past_u64() {
    let text = wrk(
        "144000",
        &format!("connect {MAX}, read 40, write 2, timeout 11"),
        "0",
    );
    assert_refused("wrk.txt", &text, Some(12), "socket error counts");
}

#[test]
fn wrk_more_non_2xx_than_requests() {
    let text = wrk("144000", "connect 0, read 0, write 0, timeout 0", "9999999");
    assert_refused("wrk.txt", &text, Some(13), "more failures than requests");
}

#[test]
fn two_wrk_runs_adding_up_past_u64() {
    let dir = TestDir::new();
    let half = wrk(
        "10000000000000000000",
        "connect 0, read 0, write 0, timeout 0",
        "0",
    );
    dir.write("run/a.txt", &half);
    // Not byte-identical (a copy is read once): a second run of the same size.
    let second = dir.write("run/b.txt", format!("{half}\n"));
    let o = headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    // Whichever file is read second is the one that does not fit.
    let first = dir.path().join("run/a.txt");
    assert!(
        [&first, &second]
            .iter()
            .any(|p| stderr.contains(&format!("{}: ", p.display()))),
        "{stderr}"
    );
    assert!(stderr.contains("not a real count"), "{stderr}");
}

// ---------------------------------------------------------------------------------
// oha

fn oha(codes: serde_json::Value, p50: f64, slowest: f64) -> String {
    pretty(&json!({
        "summary": {
            "successRate": 1.0, "total": 10.0, "slowest": slowest, "fastest": 0.001,
            "average": 0.02, "requestsPerSec": 10.0
        },
        "latencyPercentiles": {"p50": p50, "p99": 0.25},
        "statusCodeDistribution": codes,
        "errorDistribution": {"operation timed out": 10}
    }))
}

#[test]
fn oha_status_counts_past_u64() {
    let text = oha(json!({"200": MAX}), 0.012, 0.5);
    assert_refused("oha.json", &text, None, "not a real count");
    let text = oha(json!({"200": MAX - 5, "503": 5}), 0.012, 0.5);
    assert_refused("oha.json", &text, None, "not a real count");
}

#[test]
fn oha_negative_latency() {
    assert_refused(
        "oha.json",
        oha(json!({"200": 90}), -0.001, 0.5),
        None,
        "p50 = -1 ms",
    );
    assert_refused(
        "oha.json",
        oha(json!({"200": 90}), 0.012, -0.5),
        None,
        "max = -500 ms",
    );
}

// ---------------------------------------------------------------------------------
// Locust --json

fn locust_entry(name: &str, requests: u64, buckets: serde_json::Value) -> serde_json::Value {
    json!({
        "name": name, "method": "GET", "last_request_timestamp": 1_700_000_060.5,
        "start_time": 1_700_000_000.5, "num_requests": requests, "num_none_requests": 0,
        "num_failures": 1, "total_content_length": 0, "response_times": buckets,
        "num_reqs_per_sec": {}, "num_fail_per_sec": {}
    })
}

#[test]
fn locust_json_requests_adding_up_past_u64() {
    let text = pretty(&json!([
        locust_entry("/a", MAX, json!({"12": 5})),
        locust_entry("/b", 12, json!({"40": 10}))
    ]));
    assert_refused("stats.json", &text, None, "not a real count");
}

#[test]
fn locust_json_histogram_counts_past_u64() {
    let text = pretty(&json!([locust_entry(
        "/a",
        MAX,
        json!({"12": MAX, "15": MAX})
    )]));
    assert_refused("stats.json", &text, None, "`response_times` counts");
}

// ---------------------------------------------------------------------------------
// HdrHistogram percentile text

#[test]
fn hgrm_total_count_past_u64() {
    let text = "       Value   Percentile   TotalCount 1/(1-Percentile)\n\n\
                \x20      1.000     0.000000            1         1.00\n\
                \x20      2.000     0.500000 99999999999999999999         2.00\n\
                \x20      3.000     1.000000 99999999999999999999\n";
    assert_refused("x.hgrm", text, Some(4), "TotalCount 99999999999999999999");
}

// ---------------------------------------------------------------------------------
// Artillery

fn artillery(codes: serde_json::Value, p50: f64) -> String {
    let mut counters = codes;
    counters["http.requests"] = json!(10);
    pretty(&json!({
        "aggregate": {
            "counters": counters,
            "summaries": {"http.response_time": {
                "min": 1.0, "max": 90.0, "count": 10, "mean": 20.0, "p50": p50, "p95": 80.0
            }},
            "firstMetricAt": 1_700_000_000_000u64, "lastMetricAt": 1_700_000_020_000u64
        },
        "intermediate": []
    }))
}

#[test]
fn artillery_counts_past_u64() {
    let text = artillery(json!({"http.codes.200": MAX, "http.codes.500": 5}), 12.0);
    assert_refused("report.json", &text, None, "not a real count");
}

#[test]
fn artillery_negative_latency() {
    let text = artillery(json!({"http.codes.200": 10}), -3.0);
    assert_refused("report.json", &text, None, "p50 = -3 ms");
}

#[test]
fn artillery_v1_negative_latency() {
    let latencies = json!([
        [1_458_141_745_000u64, "uid-0", 12_000_000.0, 200],
        [1_458_141_745_050u64, "uid-1", -3_000_000.0, 200]
    ]);
    let text = pretty(&json!({
        "intermediate": [],
        "aggregate": {
            "timestamp": "2016-03-16T15:22:45.502Z", "scenariosCreated": 2,
            "scenariosCompleted": 2, "requestsCompleted": 2,
            "latency": {"min": 2.0, "max": 20.0, "median": 12.0, "p95": 12.0, "p99": 12.0},
            "rps": {"count": 2, "mean": 1.0},
            "errors": {}, "codes": {"200": 2}, "latencies": latencies
        }
    }));
    assert_refused("report.json", &text, None, "-3 ms");
}

// ---------------------------------------------------------------------------------
// k6 summary and k6 JSON

fn k6_summary(duration: &str, passes: u64) -> String {
    format!(
        r#"{{"root_group":{{"name":"","path":"","id":"d41d8","groups":{{}},"checks":{{}}}},
            "metrics":{{
              "http_req_duration":{{{duration}}},
              "http_reqs":{{"count":3000,"rate":100}},
              "http_req_failed":{{"passes":{passes},"fails":2970,"value":0.01}}}}}}"#
    )
}

#[test]
fn k6_summary_negative_latency() {
    for (stat, shown) in [
        ("\"med\":-8", "p50 = -8 ms"),
        ("\"max\":-90", "max = -90 ms"),
        ("\"min\":-1", "min = -1 ms"),
        ("\"avg\":-10", "mean = -10 ms"),
        ("\"p(99)\":-70", "p99 = -70 ms"),
    ] {
        let text = k6_summary(
            &format!("\"avg\":10,\"min\":1,\"med\":8,\"max\":90,{stat}"),
            30,
        );
        // The last of two equal keys wins in serde_json's map.
        assert_refused("export.json", &text, None, shown);
    }
}

#[test]
fn k6_summary_more_failures_than_requests() {
    let text = k6_summary("\"avg\":10,\"min\":1,\"med\":8,\"max\":90", 4000);
    assert_refused("export.json", &text, None, "more failures than requests");
}

fn k6_point(metric: &str, i: u64, value: f64) -> String {
    format!(
        "{{\"metric\":\"{metric}\",\"type\":\"Point\",\"data\":{{\"time\":\"2024-06-01T00:00:0{i}Z\",\"value\":{value},\"tags\":{{\"expected_response\":\"true\",\"method\":\"GET\",\"name\":\"/a\",\"status\":\"200\",\"url\":\"/a\"}}}}}}\n"
    )
}

#[test]
fn k6_json_negative_duration() {
    let mut text = String::from(
        "{\"type\":\"Metric\",\"data\":{\"name\":\"http_reqs\",\"type\":\"counter\"},\"metric\":\"http_reqs\"}\n",
    );
    for (i, d) in [(1, 12.5), (2, -1.0)] {
        text.push_str(&k6_point("http_reqs", i, 1.0));
        text.push_str(&k6_point("http_req_duration", i, d));
        text.push_str(&k6_point("http_req_failed", i, 0.0));
    }
    // Line 6: the second request's duration.
    assert_refused("k6.json", &text, Some(6), "cannot be negative");
}

#[test]
fn k6_csv_negative_duration() {
    let mut text = String::from("metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata\n");
    for (i, d) in [(1, 12.5), (2, -1.0)] {
        for (metric, v) in [
            ("http_reqs", 1.0),
            ("http_req_duration", d),
            ("http_req_failed", 0.0),
        ] {
            text.push_str(&format!(
                "{metric},170000000{i},{v:.6},,,,true,,GET,/a,HTTP/1.1,default,,200,,,/a,,vu=1&iter={i}\n"
            ));
        }
    }
    // Line 6: the second request's duration.
    assert_refused("results.csv", &text, Some(6), "cannot be negative");
}

// ---------------------------------------------------------------------------------
// Gatling

#[test]
fn gatling_request_ending_before_it_starts() {
    let t = 1_717_200_000_000u64;
    let text = format!(
        "RUN\tSim\tsim\t{t}\t \t3.10.3\n\
         REQUEST\t\t/a\t{}\t{}\tOK\t \n\
         REQUEST\t\t/a\t{}\t{}\tOK\t \n\
         REQUEST\t\t/a\t{}\t{}\tOK\t \n",
        t + 10,
        t + 20,
        t + 30,
        t + 25,
        t + 40,
        t + 50
    );
    assert_refused("simulation.log", &text, Some(3), "cannot be negative");
}

// ---------------------------------------------------------------------------------
// Locust CSV

const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,100%\n";

#[test]
fn locust_stats_negative_latency() {
    for (row, shown) in [
        ("GET,/a,10,0,5,5.0,1,9,10,1.0,0.0,-5,9,9", "p50 = -5 ms"),
        ("GET,/a,10,0,5,5.0,-1,9,10,1.0,0.0,5,9,9", "min = -1 ms"),
        ("GET,/a,10,0,5,5.0,1,-9,10,1.0,0.0,5,9,9", "max = -9 ms"),
        ("GET,/a,10,0,5,-5.0,1,9,10,1.0,0.0,5,9,9", "mean = -5 ms"),
    ] {
        let text = format!("{STATS_HEADER}{row}\n,Aggregated,10,0,5,5.0,1,9,10,1.0,0.0,5,9,9\n");
        assert_refused("x_stats.csv", &text, Some(2), shown);
    }
}

#[test]
fn locust_0_9_requests_negative_latency() {
    let text = "\"Method\",\"Name\",\"# requests\",\"# failures\",\"Median response time\",\"Average response time\",\"Min response time\",\"Max response time\",\"Average Content Size\",\"Requests/s\"\n\
                \"GET\",\"/a\",10,0,5,-5,1,9,10,1.0\n\
                \"None\",\"Total\",10,0,5,5,1,9,10,1.0\n";
    assert_refused("x_requests.csv", text, Some(2), "mean = -5 ms");
}

// ---------------------------------------------------------------------------------
// SLA limits

/// An SLA limit too large for a number (100,000 digits) is a parse error with its line,
/// never a null limit that passes.
#[test]
fn an_sla_limit_past_any_number_is_refused_with_its_line() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,latency_ms,endpoint,success\n");
    for i in 0..50u64 {
        csv.push_str(&format!(
            "{},{},/a,true\n",
            1_700_000_000_000 + i * 100,
            800
        ));
    }
    let run = dir.write("run/requests.csv", csv);
    let huge = "9".repeat(100_000);
    for (rule, why) in [
        (format!("p(95) < {huge}ms"), "too large a number"),
        (
            format!("p(95) < 1{}m", "0".repeat(305)),
            "too large once in its unit",
        ),
    ] {
        let sla = dir.write(
            "sla.toml",
            format!("[global]\nrules = [\n  \"error_rate < 1%\",\n  \"{rule}\",\n]\n"),
        );
        let o = headroom(&[
            "check",
            run.parent().unwrap().to_str().unwrap(),
            "--sla",
            sla.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        let want = format!("{}:4:", sla.display());
        assert!(stderr.contains(&want), "want {want} in {stderr}");
        assert!(stderr.contains(why), "{stderr}");
        assert!(stderr.len() < 2_000, "the number is cut in the message");
    }
}
