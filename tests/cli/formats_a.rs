//! JMeter, k6 and Gatling inputs, on fixtures these tests write with known answers:
//! totals, one endpoint's nearest-rank percentiles (computed here from the values
//! written), failures by kind. Then the conformance run over `../shared/samples`
//! (`#[ignore]`d), whose expected totals are counted here by plain string scans.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{
    analyze_json, assert_kinds_sum_to_failures, close, headroom, nearest_rank, Lcg, TestDir,
};

/// Runs `inspect --format json` on one file: exit code, its report, stderr.
fn inspect_json(path: &Path, extra: &[&str]) -> (i32, Value, String) {
    let p = path.display().to_string();
    let mut args = vec!["inspect", p.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    let o = headroom(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let json: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json[0].clone(), stderr)
}

/// The figures a fixture was written with.
#[derive(Default, Debug)]
struct Expected {
    requests: u64,
    failures: BTreeMap<String, u64>,
    /// Latencies (ms) per endpoint.
    latencies: BTreeMap<String, Vec<f64>>,
    transactions: u64,
    first_ms: i64,
    last_ms: i64,
}

impl Expected {
    fn failed(&self) -> u64 {
        self.failures.values().sum()
    }

    fn all_latencies(&self) -> Vec<f64> {
        self.latencies.values().flatten().copied().collect()
    }

    /// Checks an `inspect` report against these figures.
    fn check_inspect(&self, r: &Value) {
        assert_eq!(r["requests"], self.requests, "{r:#}");
        assert_eq!(r["failures"], self.failed(), "{r:#}");
        for (kind, n) in &self.failures {
            assert_eq!(r["failures_by_kind"][kind], *n, "{kind}: {r:#}");
        }
        assert_eq!(
            r["failures_by_kind"].as_object().map_or(0, |m| m.len()),
            self.failures.len(),
            "{r:#}"
        );
        assert_eq!(r["endpoints"], self.latencies.len(), "{r:#}");
        assert_eq!(r["latency_exact"], true);
        let all = self.all_latencies();
        for (key, p) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0)] {
            let got = r["latency_ms"][key].as_f64().unwrap();
            let want = nearest_rank(&all, p);
            assert!(close(got, want, 0.001), "{key}: got {got}, exact {want}");
        }
    }

    /// Checks a report.json whose one stage covers the whole run.
    fn check_report(&self, report: &Value, endpoint: &str) {
        let o = &report["overall"];
        assert_eq!(o["requests"], self.requests, "{:#}", report["warnings"]);
        assert_eq!(o["failures"], self.failed());
        for (kind, n) in &self.failures {
            assert_eq!(o["failures_by_kind"][kind], *n, "{kind}");
        }
        let stage = &report["stages"][0];
        let ep = stage["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == endpoint)
            .unwrap_or_else(|| panic!("no endpoint {endpoint}: {:#}", stage["endpoints"]));
        let values = &self.latencies[endpoint];
        assert_eq!(ep["requests"], values.len() as u64);
        for (key, p) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0)] {
            let got = ep["latency_ms"][key].as_f64().unwrap();
            let want = nearest_rank(values, p);
            assert!(
                close(got, want, 0.001),
                "{endpoint} {key}: got {got}, exact {want}"
            );
        }
        assert_eq!(ep["latency_exact"], true);
    }
}

/// RFC 3339 (ms, UTC) of epoch ms, written here independently of headroom.
pub(crate) fn rfc3339(ms: i64) -> String {
    let (days, rem) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

// ---------------------------------------------------------------- JMeter

/// One JMeter row (the 17 default columns).
#[derive(Clone, Debug)]
struct JRow {
    t: i64,
    elapsed: u64,
    label: String,
    rc: String,
    rm: String,
    thread: String,
    data_type: &'static str,
    success: bool,
    failure_message: String,
    url: String,
}

const BASE_MS: i64 = 1_717_200_000_000;

/// A test's JMeter rows, in the order JMeter writes them (by end time: start times
/// go backwards), with sub-results after their parents and transaction rows after
/// their samples; and the figures they must give.
fn jmeter_fixture() -> (Vec<JRow>, Expected) {
    let mut rng = Lcg(7);
    let mut exp = Expected {
        first_ms: i64::MAX,
        ..Default::default()
    };
    let mut units: Vec<(i64, Vec<JRow>)> = Vec::new();
    for i in 0..600i64 {
        let label = if rng.next_f64() < 0.6 {
            "/api/agents"
        } else {
            "/api/run"
        };
        let u = rng.next_f64();
        let elapsed = (5.0 + 900.0 * u * u * u).round() as u64;
        let t = BASE_MS + i * 50 + (rng.next_f64() * 40.0) as i64;
        let thread = format!("Thread Group 1-{}", i % 10 + 1);
        let r = rng.next_f64();
        let (rc, rm, success, fm, kind) = match r {
            r if r < 0.05 => ("503", "Service Unavailable", false, "", Some("status:503")),
            r if r < 0.08 => (
                "Non HTTP response code: java.net.SocketTimeoutException",
                "Non HTTP response message: Read timed out",
                false,
                "",
                Some("timeout"),
            ),
            r if r < 0.10 => (
                "Non HTTP response code: org.apache.http.conn.HttpHostConnectException",
                "Non HTTP response message: Connect to h:80 failed: Connection refused",
                false,
                "",
                Some("connect"),
            ),
            r if r < 0.12 => (
                "200",
                "OK",
                false,
                "Test failed: expected \"ok\", got \"error\"",
                Some("assertion"),
            ),
            _ => ("200", "OK", true, "", None),
        };
        exp.requests += 1;
        if let Some(k) = kind {
            *exp.failures.entry(k.into()).or_default() += 1;
        }
        exp.latencies
            .entry(label.into())
            .or_default()
            .push(elapsed as f64);
        exp.first_ms = exp.first_ms.min(t);
        exp.last_ms = exp.last_ms.max(t);
        let row = JRow {
            t,
            elapsed,
            label: label.into(),
            rc: rc.into(),
            rm: rm.into(),
            thread: thread.clone(),
            data_type: "text",
            success,
            failure_message: fm.into(),
            url: format!("http://sut{label}"),
        };
        let mut unit = vec![row.clone()];
        if i % 10 == 0 {
            // A redirect and the page: sub-results, already inside the parent.
            for n in 0..2 {
                unit.push(JRow {
                    label: format!("{label}-{n}"),
                    elapsed: elapsed / 2,
                    rc: if n == 0 { "302".into() } else { "200".into() },
                    data_type: if n == 0 { "" } else { "text" },
                    success: true,
                    ..row.clone()
                });
            }
        }
        if i % 25 == 24 {
            exp.transactions += 1;
            unit.push(JRow {
                label: "Checkout".into(),
                rc: "200".into(),
                rm: "Number of samples in transaction : 1, number of failing samples : 0".into(),
                data_type: "",
                success: true,
                failure_message: String::new(),
                url: "null".into(),
                ..row.clone()
            });
        }
        units.push((t + elapsed as i64, unit));
    }
    units.sort_by_key(|u| u.0);
    (units.into_iter().flat_map(|u| u.1).collect(), exp)
}

const JMETER_HEADER: [&str; 17] = [
    "timeStamp",
    "elapsed",
    "label",
    "responseCode",
    "responseMessage",
    "threadName",
    "dataType",
    "success",
    "failureMessage",
    "bytes",
    "sentBytes",
    "grpThreads",
    "allThreads",
    "URL",
    "Latency",
    "IdleTime",
    "Connect",
];

fn quote(field: &str, delimiter: char) -> String {
    if field.contains(delimiter) || field.contains('"') || field.contains('\n') {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// `yyyy/MM/dd HH:mm:ss.SSS` (UTC), one of JMeter's timestamp formats.
fn jmeter_date(ms: i64) -> String {
    let iso = rfc3339(ms);
    format!("{} {}", iso[..10].replace('-', "/"), &iso[11..23])
}

/// Writes the rows with `columns` (names from the 17 defaults) in that order.
fn jtl(rows: &[JRow], columns: &[&str], delimiter: char, header: bool, dates: bool) -> String {
    let mut out = String::new();
    if header {
        out.push_str(&columns.join(&delimiter.to_string()));
        out.push('\n');
    }
    for r in rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match *c {
                "timeStamp" if dates => jmeter_date(r.t),
                "timeStamp" => r.t.to_string(),
                "elapsed" => r.elapsed.to_string(),
                "label" => r.label.clone(),
                "responseCode" => r.rc.clone(),
                "responseMessage" => r.rm.clone(),
                "threadName" => r.thread.clone(),
                "dataType" => r.data_type.into(),
                "success" => r.success.to_string(),
                "failureMessage" => r.failure_message.clone(),
                "bytes" => "1200".into(),
                "sentBytes" => "150".into(),
                "grpThreads" | "allThreads" => "10".into(),
                "URL" => r.url.clone(),
                "Latency" => (r.elapsed / 2).to_string(),
                "IdleTime" | "Connect" => "0".into(),
                other => panic!("unknown column {other}"),
            })
            .map(|c| quote(&c, delimiter))
            .collect();
        out.push_str(&cells.join(&delimiter.to_string()));
        out.push('\n');
    }
    out
}

#[test]
fn jmeter_csv_with_sub_results_and_transactions_gives_the_known_answer() {
    let (rows, exp) = jmeter_fixture();
    let dir = TestDir::new();
    let file = dir.write(
        "01_steady_10users/results.jtl",
        jtl(&rows, &JMETER_HEADER, ',', true, false),
    );
    let (code, r, stderr) = inspect_json(&file, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r["format"], "jmeter-csv");
    exp.check_inspect(&r);
    assert_eq!(r["transactions"], exp.transactions);
    assert_eq!(r["start"], rfc3339(exp.first_ms));
    assert_eq!(r["end"], rfc3339(exp.last_ms));
    assert_eq!(r["users_max"], 10.0);

    let (code, report, stderr) = analyze_json(&[&dir.path().join("01_steady_10users")], &[]);
    assert_eq!(code, 0, "{stderr}");
    exp.check_report(&report, "/api/agents");
    let endpoints = report["stages"][0]["endpoints"].as_array().unwrap();
    let tx = endpoints.iter().find(|e| e["name"] == "Checkout").unwrap();
    assert_eq!(tx["transaction"], true);
    assert_eq!(tx["requests"], exp.transactions);
    assert!(
        endpoints
            .iter()
            .all(|e| !e["name"].as_str().unwrap().ends_with("-0")),
        "sub-results must not be endpoints"
    );
}

#[test]
fn jmeter_headerless_and_custom_delimiters_and_dates_give_the_same_answer() {
    let (rows, exp) = jmeter_fixture();
    let dir = TestDir::new();
    // Headerless, `;`-delimited, JMeter's default columns.
    let a = dir.write("a.jtl", jtl(&rows, &JMETER_HEADER, ';', false, false));
    // A column subset in another order, `|`-delimited, formatted dates.
    let subset = [
        "label",
        "success",
        "elapsed",
        "timeStamp",
        "responseMessage",
        "responseCode",
        "threadName",
        "failureMessage",
        "allThreads",
        "URL",
        "dataType",
    ];
    let b = dir.write("b.jtl", jtl(&rows, &subset, '|', true, true));
    // Tab-delimited with a header.
    let c = dir.write("c.jtl", jtl(&rows, &JMETER_HEADER, '\t', true, false));
    for file in [a, b, c] {
        let (code, r, stderr) = inspect_json(&file, &[]);
        assert_eq!(code, 0, "{}: {stderr}", file.display());
        exp.check_inspect(&r);
        assert_eq!(r["transactions"], exp.transactions);
        assert_eq!(r["start"], rfc3339(exp.first_ms), "{}", file.display());
    }
}

#[test]
fn jmeter_xml_nested_samples_are_sub_results_and_a_cut_file_is_read() {
    let (rows, exp) = jmeter_fixture();
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n");
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
    };
    let mut open = false;
    for r in &rows {
        let is_sub = r.label.ends_with("-0") || r.label.ends_with("-1");
        if !is_sub && open {
            xml.push_str("</httpSample>\n");
            open = false;
        }
        let attrs = format!(
            "t=\"{}\" it=\"0\" lt=\"{}\" ts=\"{}\" s=\"{}\" lb=\"{}\" rc=\"{}\" rm=\"{}\" tn=\"{}\" dt=\"{}\" by=\"1200\" ng=\"10\" na=\"10\"",
            r.elapsed,
            r.elapsed / 2,
            r.t,
            r.success,
            esc(&r.label),
            esc(&r.rc),
            esc(&r.rm),
            esc(&r.thread),
            r.data_type
        );
        if is_sub {
            xml.push_str(&format!("  <httpSample {attrs}/>\n"));
        } else if r.failure_message.is_empty() {
            xml.push_str(&format!(
                "<httpSample {attrs}>\n  <java.net.URL>{}</java.net.URL>\n",
                esc(&r.url)
            ));
            open = true;
        } else {
            xml.push_str(&format!(
                "<httpSample {attrs}>\n  <assertionResult>\n    <name>Response Assertion</name>\n    <failure>true</failure>\n    <error>false</error>\n    <failureMessage>{}</failureMessage>\n  </assertionResult>\n",
                esc(&r.failure_message)
            ));
            open = true;
        }
    }
    // The run was killed: the last sample and </testResults> were never closed.
    let dir = TestDir::new();
    let file = dir.write("results.xml", &xml);
    let (code, r, stderr) = inspect_json(&file, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r["format"], "jmeter-xml");
    exp.check_inspect(&r);
    assert_eq!(r["transactions"], exp.transactions);
    assert!(
        r["notes"].to_string().contains("</testResults>"),
        "{:#}",
        r["notes"]
    );
}

#[test]
fn a_bad_jtl_row_is_named_with_its_line() {
    let (rows, _) = jmeter_fixture();
    let mut text = jtl(&rows[..20], &JMETER_HEADER, ',', true, false);
    text = text.replacen(",true,", ",maybe,", 1);
    let line = text.lines().position(|l| l.contains(",maybe,")).unwrap() + 1;
    let dir = TestDir::new();
    let file = dir.write("bad.jtl", text);
    let (code, r, stderr) = inspect_json(&file, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("line {line}")) && stderr.contains("maybe"),
        "{stderr} {r:#}"
    );
}

#[test]
fn normalize_labels_merges_ids_into_one_endpoint() {
    let (rows, exp) = jmeter_fixture();
    // Each parent gets its own ID; its sub-results follow its new label.
    let mut parent = String::new();
    let rows: Vec<JRow> = rows
        .into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            if r.label == "/api/agents" {
                r.label = format!("/api/agents/{}", 100 + i);
                parent.clone_from(&r.label);
            } else if let Some(n) = r.label.strip_prefix("/api/agents-") {
                r.label = format!("{parent}-{n}");
            }
            r
        })
        .collect();
    let dir = TestDir::new();
    let file = dir.write("ids.jtl", jtl(&rows, &JMETER_HEADER, ',', true, false));
    let (_, plain, _) = inspect_json(&file, &[]);
    assert!(plain["endpoints"].as_u64().unwrap() > 100);
    let (code, r, stderr) = inspect_json(&file, &["--normalize-labels"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r["endpoints"], 2, "{r:#}");
    assert!(r["endpoint_names"].to_string().contains("/api/agents/{id}"));
    assert_eq!(r["requests"], exp.requests);
}

// ---------------------------------------------------------------- k6

/// One k6 HTTP request.
struct K6Req {
    t_ms: i64,
    method: &'static str,
    url: &'static str,
    status: u16,
    duration: f64,
    failed: bool,
    error_code: &'static str,
}

/// k6 requests with known outcomes, and the figures they must give.
fn k6_fixture() -> (Vec<K6Req>, Expected) {
    let mut rng = Lcg(99);
    let mut exp = Expected {
        first_ms: i64::MAX,
        ..Default::default()
    };
    let mut reqs = Vec::new();
    for i in 0..500i64 {
        let (method, url) = if i % 3 == 0 {
            ("POST", "http://sut/api/run")
        } else {
            ("GET", "http://sut/api/agents")
        };
        // Many requests share a second: pairing must not merge them.
        let t_ms = BASE_MS + i * 20;
        let u = rng.next_f64();
        let duration = ((1.0 + 300.0 * u * u) * 1000.0).round() / 1000.0;
        let r = rng.next_f64();
        let (status, failed, code, kind) = match r {
            r if r < 0.06 => (503, true, "1503", Some("status:503")),
            r if r < 0.09 => (0, true, "1050", Some("timeout")),
            r if r < 0.11 => (0, true, "1212", Some("connect")),
            r if r < 0.13 => (201, true, "", Some("assertion")),
            _ => (200, false, "", None),
        };
        exp.requests += 1;
        if let Some(k) = kind {
            *exp.failures.entry(k.into()).or_default() += 1;
        }
        exp.latencies
            .entry(format!("{method} {url}"))
            .or_default()
            .push(duration);
        exp.first_ms = exp.first_ms.min(t_ms);
        exp.last_ms = exp.last_ms.max(t_ms);
        reqs.push(K6Req {
            t_ms,
            method,
            url,
            status,
            duration,
            failed,
            error_code: code,
        });
    }
    (reqs, exp)
}

/// The metric samples of one request, in k6's order: (metric, value).
fn k6_samples(r: &K6Req) -> Vec<(&'static str, f64)> {
    vec![
        ("http_reqs", 1.0),
        ("http_req_duration", r.duration),
        ("http_req_blocked", 0.01),
        ("http_req_connecting", 0.0),
        ("http_req_tls_handshaking", 0.0),
        ("http_req_sending", 0.02),
        ("http_req_waiting", r.duration * 0.9),
        ("http_req_receiving", 0.05),
        ("http_req_failed", if r.failed { 1.0 } else { 0.0 }),
    ]
}

#[test]
fn k6_csv_pairs_samples_into_requests() {
    let (reqs, exp) = k6_fixture();
    let mut csv = String::from("metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata\n");
    let mut last_vus = i64::MIN;
    for (i, r) in reqs.iter().enumerate() {
        let secs = r.t_ms / 1000;
        if secs != last_vus {
            csv.push_str(&format!(
                "vus,{secs},{}.000000,,,,,,,,,,,,,,,,\n",
                10 + i / 100
            ));
            last_vus = secs;
        }
        let error = if r.status == 0 { "request timeout" } else { "" };
        for (metric, v) in k6_samples(r) {
            csv.push_str(&format!(
                "{metric},{secs},{v:.6},,{error},{},{},,{},{},HTTP/1.1,default,,{},,,{},,vu=1&iter={i}\n",
                r.error_code,
                !r.failed,
                r.method,
                r.url,
                r.status,
                r.url
            ));
        }
        csv.push_str(&format!(
            "checks,{secs},1.000000,status is 200,,,,,,,,default,,,,,,,\n"
        ));
    }
    let dir = TestDir::new();
    let file = dir.write("run/results.csv", csv);
    let (code, r, stderr) = inspect_json(&file, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r["format"], "k6-csv");
    exp.check_inspect(&r);
    // Seconds resolution: the span is known to the second.
    assert_eq!(r["start"], rfc3339(exp.first_ms / 1000 * 1000));
    assert_eq!(r["users_max"], 14.0);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], exp.requests);
    assert_eq!(report["overall"]["failures"], exp.failed());
}

#[test]
fn k6_gzipped_ndjson_gives_the_same_answer() {
    let (reqs, exp) = k6_fixture();
    let mut lines = String::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, r) in reqs.iter().enumerate() {
        // Local time of a +02:00 generator, with nanoseconds.
        let local = rfc3339(r.t_ms + 2 * 3_600_000);
        let time = format!("{}123456+02:00", &local[..23]);
        for (metric, v) in k6_samples(r) {
            if seen.insert(metric) {
                lines.push_str(&format!(
                    "{{\"type\":\"Metric\",\"data\":{{\"name\":\"{metric}\",\"type\":\"trend\",\"contains\":\"time\",\"thresholds\":[],\"submetrics\":null}},\"metric\":\"{metric}\"}}\n"
                ));
            }
            lines.push_str(&format!(
                "{{\"metric\":\"{metric}\",\"type\":\"Point\",\"data\":{{\"time\":\"{time}\",\"value\":{v},\"tags\":{{\"error_code\":\"{}\",\"expected_response\":\"{}\",\"group\":\"\",\"method\":\"{}\",\"name\":\"{}\",\"proto\":\"HTTP/1.1\",\"scenario\":\"default\",\"status\":\"{}\",\"url\":\"{}\"}},\"metadata\":{{\"vu\":\"1\",\"iter\":\"{i}\"}}}}}}\n",
                r.error_code, !r.failed, r.method, r.url, r.status, r.url
            ));
        }
        if i % 50 == 0 {
            lines.push_str(&format!(
                "{{\"metric\":\"vus\",\"type\":\"Point\",\"data\":{{\"time\":\"{time}\",\"value\":25,\"tags\":null}}}}\n"
            ));
        }
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(lines.as_bytes()).unwrap();
    let dir = TestDir::new();
    let file = dir.write("01_load_25vus/results.json.gz", gz.finish().unwrap());
    let (code, r, stderr) = inspect_json(&file, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r["format"], "k6-json");
    exp.check_inspect(&r);
    assert_eq!(r["start"], rfc3339(exp.first_ms));
    assert_eq!(r["end"], rfc3339(exp.last_ms));
    assert_eq!(r["users_max"], 25.0);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("01_load_25vus")], &[]);
    assert_eq!(code, 0, "{stderr}");
    exp.check_report(&report, "GET http://sut/api/agents");
}

#[test]
fn k6_summaries_keep_k6s_own_figures() {
    let dir = TestDir::new();
    // handleSummary() data: nested values; `passes` of http_req_failed are failures.
    dir.write(
        "a/summary.json",
        r#"{"root_group":{"name":"","path":"","id":"d41d8","groups":[],"checks":[]},
            "options":{"summaryTrendStats":["avg","min","med","max","p(90)","p(95)","p(99)"],"summaryTimeUnit":"","noColor":false},
            "state":{"isStdOutTTY":false,"isStdErrTTY":false,"testRunDurationMs":20000},
            "metrics":{
              "http_reqs":{"type":"counter","contains":"default","values":{"count":1000,"rate":50}},
              "http_req_failed":{"type":"rate","contains":"default","values":{"rate":0.025,"passes":25,"fails":975}},
              "http_req_duration":{"type":"trend","contains":"time","values":{"avg":25,"min":2,"med":20,"max":300,"p(90)":60,"p(95)":80,"p(99)":120},"thresholds":{"p(95)<500":{"ok":true}}},
              "vus":{"type":"gauge","contains":"default","values":{"value":40,"min":1,"max":40}}}}"#,
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("a")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let o = &report["overall"];
    assert_eq!(o["requests"], 1000);
    assert_eq!(o["failures"], 25);
    assert_eq!(o["latency_exact"], false);
    assert_eq!(o["latency_ms"]["p95"], 80.0);
    assert_eq!(o["latency_ms"]["p50"], 20.0);
    assert!(close(o["throughput_rps"].as_f64().unwrap(), 50.0, 1e-9));
    assert_eq!(report["stages"][0]["users"], 40);
    // The summary does not say why requests failed: every scope counts them as `other`.
    assert_eq!(o["failures_by_kind"]["other"], 25);
    assert_kinds_sum_to_failures(&report);

    // Legacy --summary-export: flattened values, duration from count ÷ rate.
    dir.write(
        "b/export.json",
        r#"{"root_group":{"name":"","path":"","id":"d41d8","groups":{},"checks":{}},
            "metrics":{
              "http_req_duration":{"avg":10,"min":1,"med":8,"max":90,"p(90)":20,"p(99.9)":70},
              "http_reqs":{"count":3000,"rate":100},
              "http_req_failed":{"passes":30,"fails":2970,"value":0.01}}}"#,
    );
    let (code, r, stderr) = inspect_json(&dir.path().join("b/export.json"), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r["format"], "k6-summary");
    assert_eq!(r["requests"], 3000);
    assert_eq!(r["failures"], 30);
    assert_eq!(r["failures_by_kind"]["other"], 30);
    assert_eq!(r["latency_exact"], false);
    assert!(close(r["duration_s"].as_f64().unwrap(), 30.0, 1e-9));
}

// ---------------------------------------------------------------- Gatling

/// A Gatling request: group, name, start, end, ok, message.
type GatlingRequest = (String, String, i64, i64, bool, String);

/// Gatling requests, user sessions (start, end), the figures they must give, and the
/// most users active at once.
fn gatling_fixture() -> (Vec<GatlingRequest>, Vec<(i64, i64)>, Expected, u64) {
    let mut rng = Lcg(3);
    let mut exp = Expected {
        first_ms: i64::MAX,
        ..Default::default()
    };
    let mut reqs = Vec::new();
    let mut users = Vec::new();
    for u in 0..40i64 {
        let start = BASE_MS + u * 500;
        let mut t = start;
        for k in 0..8 {
            let name = if k % 2 == 0 { "home" } else { "search" };
            let group = if k % 2 == 0 { "" } else { "browse,deep" };
            let lat = (3.0 + 400.0 * rng.next_f64().powi(3)).round() as i64;
            let r = rng.next_f64();
            let (ok, msg, kind) = match r {
                r if r < 0.05 => (false, "status.find.in(200,304), but actually found 503", Some("status:503")),
                r if r < 0.08 => (false, "i.g.h.c.i.RequestTimeoutException: Request timeout to sut/10.0.0.1:80 after 60000 ms", Some("timeout")),
                r if r < 0.10 => (false, "jsonPath($.id).find.exists, found nothing", Some("assertion")),
                _ => (true, " ", None),
            };
            let endpoint = if group.is_empty() {
                name.to_string()
            } else {
                format!("browse / deep / {name}")
            };
            exp.requests += 1;
            if let Some(k) = kind {
                *exp.failures.entry(k.into()).or_default() += 1;
            }
            exp.latencies.entry(endpoint).or_default().push(lat as f64);
            exp.first_ms = exp.first_ms.min(t);
            exp.last_ms = exp.last_ms.max(t);
            reqs.push((
                group.to_string(),
                name.to_string(),
                t,
                t + lat,
                ok,
                msg.to_string(),
            ));
            t += lat + 100;
        }
        users.push((start, t));
    }
    // Most users at once: sessions overlapping any instant.
    let mut events: Vec<(i64, i64)> = users
        .iter()
        .flat_map(|(a, b)| [(*a, 1), (*b, -1)])
        .collect();
    events.sort();
    let (mut active, mut peak) = (0i64, 0i64);
    for (_, d) in events {
        active += d;
        peak = peak.max(active);
    }
    (reqs, users, exp, peak as u64)
}

/// The fixture written in one of Gatling's text layouts.
fn gatling_log(layout: &str) -> String {
    let (reqs, users, _, _) = gatling_fixture();
    let mut records: Vec<(i64, String)> = Vec::new();
    for (i, (a, b)) in users.iter().enumerate() {
        let (start, end) = match layout {
            "2.0" => (
                format!("scn\t{i}\tUSER\tSTART\t{a}\t0"),
                format!("scn\t{i}\tUSER\tEND\t{a}\t{b}"),
            ),
            "2.2" | "3.0" => (
                format!("USER\tscn\t{i}\tSTART\t{a}\t{a}"),
                format!("USER\tscn\t{i}\tEND\t{a}\t{b}"),
            ),
            _ => (
                format!("USER\tscn\tSTART\t{a}"),
                format!("USER\tscn\tEND\t{b}"),
            ),
        };
        records.push((*a, start));
        records.push((*b, end));
    }
    for (g, name, s, e, ok, msg) in &reqs {
        let status = if *ok { "OK" } else { "KO" };
        let line = match layout {
            "2.0" => format!("scn\t1\tREQUEST\t{g}\t{name}\t{s}\t{s}\t{e}\t{e}\t{status}\t{msg}"),
            "2.2" => format!("REQUEST\tscn\t1\t{g}\t{name}\t{s}\t{e}\t{status}\t{msg}"),
            "3.0" => format!("REQUEST\t1\t{g}\t{name}\t{s}\t{e}\t{status}\t{msg}"),
            _ => format!("REQUEST\t{g}\t{name}\t{s}\t{e}\t{status}\t{msg}"),
        };
        // Records are written when they end.
        records.push((*e, line));
    }
    records.sort_by_key(|r| r.0);
    let run = match layout {
        "2.0" => format!("Sim\tsim-1\tRUN\t{BASE_MS}\t \t2.0"),
        "2.2" => format!("RUN\tSim\tsim\tsim-1\t{BASE_MS}\t \t2.0"),
        "3.0" => format!("RUN\tSim\tsim\t{BASE_MS}\t \t3.2.1"),
        _ => format!("ASSERTION\tAAECAAIFAAAAAAAAAFlA\nRUN\tSim\tsim\t{BASE_MS}\t \t3.10.3"),
    };
    let mut out = run + "\n";
    for (_, l) in records {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

#[test]
fn gatling_text_layouts_from_2_0_to_3_12_give_the_same_answer() {
    let (_, _, exp, peak) = gatling_fixture();
    for layout in ["2.0", "2.2", "3.0", "3.4"] {
        let dir = TestDir::new();
        let file = dir.write("run/simulation.log", gatling_log(layout));
        let (code, r, stderr) = inspect_json(&file, &[]);
        assert_eq!(code, 0, "{layout}: {stderr}");
        assert_eq!(r["format"], "gatling-log");
        exp.check_inspect(&r);
        assert_eq!(r["users_max"], peak as f64, "{layout}");
        assert_eq!(r["start"], rfc3339(exp.first_ms));
        if layout == "3.4" {
            let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
            assert_eq!(code, 0, "{stderr}");
            assert_eq!(report["overall"]["requests"], exp.requests);
            assert_eq!(report["overall"]["failures"], exp.failed());
            assert!(r["version"].as_str().unwrap().contains("3.10.3"), "{r:#}");
        }
    }
}

#[test]
fn gatling_binary_log_of_the_same_run_gives_the_same_answer() {
    let (reqs, users, exp, peak) = gatling_fixture();
    // Records in the order Gatling writes them, when they end: (time, request index
    // or none for a user record, user start?).
    let mut events: Vec<(i64, Option<usize>, bool)> = Vec::new();
    for (a, b) in &users {
        events.push((*a, None, true));
        events.push((*b, None, false));
    }
    for (i, r) in reqs.iter().enumerate() {
        events.push((r.3, Some(i), false));
    }
    events.sort();
    let mut log = crate::gatling_binary::BinLog::new("3.14.2", BASE_MS, &["scn"]);
    for (t, request, start) in events {
        let Some(i) = request else {
            log.user(0, start, t);
            continue;
        };
        let (g, name, s, e, ok, msg) = &reqs[i];
        let groups: Vec<&str> = g.split(',').filter(|g| !g.is_empty()).collect();
        log.request(&groups, name, (*s, *e), *ok, msg);
    }
    let dir = TestDir::new();
    let file = dir.write("run/simulation.log", log.into_bytes());
    let (code, r, stderr) = inspect_json(&file, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r["format"], "gatling-binary");
    exp.check_inspect(&r);
    assert_eq!(r["users_max"], peak as f64);
    assert_eq!(r["start"], rfc3339(exp.first_ms));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], exp.requests);
    assert_eq!(report["overall"]["failures"], exp.failed());
}

// ---------------------------------------------------------------- two tools

#[test]
fn a_jtl_and_a_locust_stats_csv_of_one_test_are_two_sources_never_summed() {
    let (rows, exp) = jmeter_fixture();
    let dir = TestDir::new();
    dir.write(
        "run/results.jtl",
        jtl(&rows, &JMETER_HEADER, ',', true, false),
    );
    dir.write(
        "run/locust_stats.csv",
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,99%,100%\n\
         GET,/api/agents,1500,15,120,130.5,5,900,1200,25,0.25,120,400,700,900\n\
         ,Aggregated,1500,15,120,130.5,5,900,1200,25,0.25,120,400,700,900\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let sources = report["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2, "{sources:#?}");
    let by_tool: BTreeMap<&str, u64> = sources
        .iter()
        .map(|s| (s["tool"].as_str().unwrap(), s["requests"].as_u64().unwrap()))
        .collect();
    assert_eq!(by_tool["jmeter"], exp.requests);
    assert_eq!(by_tool["locust"], 1500);
    // The report leads with one source; nothing is added across tools. Locust's
    // summary has a p95, so the JTL's every-request latencies do not displace it.
    assert_eq!(report["primary_source"], "locust");
    assert_eq!(report["overall"]["requests"], 1500);
    assert!(
        report["warnings"].to_string().contains("2 sources"),
        "{:#}",
        report["warnings"]
    );
}

#[test]
fn three_tools_are_called_three_in_the_reports_sources() {
    let (rows, _) = jmeter_fixture();
    let dir = TestDir::new();
    dir.write(
        "run/results.jtl",
        jtl(&rows, &JMETER_HEADER, ',', true, false),
    );
    dir.write(
        "run/locust_stats.csv",
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,99%,100%\n\
         GET,/api/agents,1500,15,120,130.5,5,900,1200,25,0.25,120,400,700,900\n\
         ,Aggregated,1500,15,120,130.5,5,900,1200,25,0.25,120,400,700,900\n",
    );
    dir.write(
        "run/requests.csv",
        "timestamp_ms,endpoint,latency_ms\n1700000000000,/a,5\n1700000001000,/a,7\n",
    );
    let out = dir.path().join("report");
    let o = headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let line = md
        .lines()
        .find(|l| l.starts_with("**Sources**"))
        .unwrap_or_else(|| panic!("no Sources line in {md}"));
    assert!(
        line.contains("three tools are reported side by side"),
        "{line}"
    );
}

/// In a dir, a file named like a result whose content is not one stays a problem (as
/// `analyze` says), and a link back up the tree is not walked.
#[test]
fn inspect_on_a_dir_keeps_a_broken_result_file_a_problem_and_walks_no_link_loop() {
    let dir = TestDir::new();
    dir.write(
        "run/requests.csv",
        "timestamp_ms,endpoint,latency_ms\n1700000000000,/a,5\n",
    );
    dir.write("run/results.jtl", "this is not a JTL\n");
    let run = dir.path().join("run");
    std::os::unix::fs::symlink(&run, run.join("loop")).unwrap();
    let o = headroom(&["inspect", run.to_str().unwrap(), "--format", "json"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    let reports: Value = serde_json::from_slice(&o.stdout).unwrap();
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 2, "{reports:#?}");
    let jtl = reports
        .iter()
        .find(|r| r["path"].as_str().unwrap().ends_with("results.jtl"))
        .unwrap();
    assert_eq!(jtl["ok"], false, "{jtl}");
    assert!(!jtl["problems"].as_array().unwrap().is_empty(), "{jtl}");
}

#[test]
fn inspect_on_a_dir_inspects_each_file_in_it() {
    let dir = TestDir::new();
    dir.write(
        "run/requests.csv",
        "timestamp_ms,endpoint,latency_ms\n1700000000000,/a,5\n1700000001000,/a,7\n",
    );
    dir.write(
        "run/sub/more.csv",
        "timestamp_ms,endpoint,latency_ms\n1700000000000,/b,9\n",
    );
    dir.write("run/console.log", "started the test\n");
    let run = dir.path().join("run");
    let o = headroom(&["inspect", run.to_str().unwrap(), "--format", "json"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    // The log is skipped as analyze skips it: not a problem.
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let reports: Value = serde_json::from_slice(&o.stdout).unwrap();
    let reports = reports.as_array().unwrap();
    let by_name = |name: &str| {
        reports
            .iter()
            .find(|r| r["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no {name} in {reports:#?}"))
    };
    assert_eq!(reports.len(), 3, "{reports:#?}");
    assert_eq!(by_name("requests.csv")["requests"], 2);
    assert_eq!(by_name("more.csv")["requests"], 1);
    let log = by_name("console.log");
    assert_eq!(log["ok"], true);
    assert!(log["notes"].to_string().contains("skipped"), "{log}");

    // A dir without files says what inspect wants.
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let (code, report, stderr) = inspect_json(&dir.path().join("empty"), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        report["problems"]
            .to_string()
            .contains("a dir with no files"),
        "{report}"
    );
    assert!(!stderr.contains("no such file"), "{stderr}");
}

// ---------------------------------------------------------------- conformance

fn samples() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    p.is_dir().then_some(p)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Splits one CSV line (quotes with doubled `"` inside), for the counts below.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// Requests and failures of a JMeter CSV, counted line by line: rows that are not
/// Transaction Controller rows and not `parent-N` rows right after their parent in
/// the same thread; failures are `success` = `false` among them.
fn count_jmeter_csv(text: &str) -> (u64, u64) {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let header = csv_fields(lines[0]);
    let (has_header, label, thread, success) = match header.iter().position(|h| h == "label") {
        Some(l) => (
            true,
            l,
            header.iter().position(|h| h == "threadName").unwrap(),
            header.iter().position(|h| h == "success").unwrap(),
        ),
        // The headerless sample (Bug52968): label, code, message, thread, type, success.
        None => (false, 0, 3, 5),
    };
    let (mut requests, mut failures) = (0, 0);
    let mut parent = (String::new(), String::new());
    for line in &lines[usize::from(has_header)..] {
        let f = csv_fields(line);
        let is_sub = f[thread] == parent.1
            && f[label]
                .strip_prefix(&format!("{}-", parent.0))
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if is_sub {
            continue;
        }
        parent = (f[label].clone(), f[thread].clone());
        // A Transaction Controller's row is an aggregate of rows of its own, except
        // with "Generate parent sample", where it is the only row of its samples.
        // JMeter's test plans for these files name that mode: `TC-PARENT*` controllers
        // (Bug52968; `TC-NOPARENT*` are the others) and `…GenerateParentSample…`
        // thread groups (Bug56811).
        let parent_mode =
            f[label].starts_with("TC-PARENT") || f[thread].contains("GenerateParentSample");
        if line.contains("Number of samples in transaction") && !parent_mode {
            continue;
        }
        requests += 1;
        if f[success] == "false" {
            failures += 1;
        }
    }
    (requests, failures)
}

/// Requests and failures of a JMeter XML (the samples' elements are not nested).
fn count_jmeter_xml(text: &str) -> (u64, u64) {
    let samples = text
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("<sample ") || l.starts_with("<httpSample "))
        .filter(|l| !l.contains("Number of samples in transaction"));
    samples.fold((0, 0), |(n, f), l| {
        (n + 1, f + u64::from(l.contains(" s=\"false\"")))
    })
}

/// Requests and failures of k6 NDJSON: `http_reqs` points, `http_req_failed` points of 1.
fn count_k6_json(text: &str) -> (u64, u64) {
    let points = text.lines().filter(|l| l.contains("\"type\":\"Point\""));
    points.fold((0, 0), |(n, f), l| {
        (
            n + u64::from(l.contains("\"metric\":\"http_reqs\"")),
            f + u64::from(
                l.contains("\"metric\":\"http_req_failed\"") && l.contains("\"value\":1"),
            ),
        )
    })
}

/// Requests and failures of k6 CSV: `http_reqs` rows, `http_req_failed` rows of 1.
fn count_k6_csv(text: &str) -> (u64, u64) {
    text.lines().fold((0, 0), |(n, f), l| {
        (
            n + u64::from(l.starts_with("http_reqs,")),
            f + u64::from(l.starts_with("http_req_failed,") && csv_fields(l)[2] == "1.000000"),
        )
    })
}

/// Requests and failures of a k6 summary: `http_reqs.count` (or gRPC's), and the
/// `passes` of `http_req_failed`, in either shape.
fn count_k6_summary(v: &Value) -> (u64, u64) {
    let metric = |name: &str, stat: &str| {
        let m = &v["metrics"][name];
        m["values"][stat].as_f64().or_else(|| m[stat].as_f64())
    };
    let requests = metric("http_reqs", "count")
        .or_else(|| metric("grpc_reqs", "count"))
        .unwrap();
    (
        requests as u64,
        metric("http_req_failed", "passes").unwrap_or(0.0) as u64,
    )
}

/// Requests and failures of k6's console text summary: the count after `http_reqs`,
/// the first count after `http_req_failed` (`0.00% 0 out of N`).
fn count_k6_console(text: &str) -> (u64, u64) {
    let after = |name: &str, word: usize| {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name}..")))
            .unwrap();
        let values = line.split_once(':').unwrap().1;
        values
            .split_whitespace()
            .nth(word)
            .unwrap()
            .parse()
            .unwrap()
    };
    (after("http_reqs", 0), after("http_req_failed", 1))
}

/// Requests and failures of a Gatling text log: REQUEST records and their KOs.
fn count_gatling(text: &str) -> (u64, u64) {
    text.lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[0] == "REQUEST" || f.get(2) == Some(&"REQUEST"))
        .fold((0, 0), |(n, k), f| {
            (n + 1, k + u64::from(f.contains(&"KO")))
        })
}

#[test]
#[ignore = "needs ../shared/samples"]
fn every_jmeter_k6_gatling_sample_is_read_with_the_right_totals() {
    let Some(samples) = samples() else { return };
    let mut checked = 0;
    for tool in ["jmeter", "k6", "gatling"] {
        for file in files_under(&samples.join(tool)) {
            let bytes = std::fs::read(&file).unwrap();
            let (code, r, stderr) = inspect_json(&file, &[]);
            let name = file.display().to_string();
            if bytes.first() == Some(&0) {
                // Gatling's binary log: its figures are checked in `conformance`.
                assert_eq!(code, 0, "{name}: {stderr}");
                assert_eq!(r["format"], "gatling-binary", "{name}");
                checked += 1;
                continue;
            }
            let text = if bytes.starts_with(&[0x1f, 0x8b]) {
                let mut out = String::new();
                std::io::Read::read_to_string(
                    &mut flate2::read::GzDecoder::new(&bytes[..]),
                    &mut out,
                )
                .unwrap();
                out
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            let expected = if text.contains("execution:") && text.contains("http_reqs....") {
                count_k6_console(&text)
            } else if tool == "gatling" {
                count_gatling(&text)
            } else if tool == "jmeter" && text.starts_with("<?xml") {
                count_jmeter_xml(&text)
            } else if tool == "jmeter" {
                count_jmeter_csv(&text)
            } else if text.starts_with("metric_name,") {
                count_k6_csv(&text)
            } else if text.contains("\"type\":\"Point\"") {
                count_k6_json(&text)
            } else {
                count_k6_summary(&serde_json::from_str(&text).unwrap())
            };
            assert_eq!(code, 0, "{name}: {stderr}");
            assert_eq!(
                (
                    r["requests"].as_u64().unwrap(),
                    r["failures"].as_u64().unwrap()
                ),
                expected,
                "{name}: {r:#}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 18, "only {checked} sample files");
}
