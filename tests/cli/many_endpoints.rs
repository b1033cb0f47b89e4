//! Many distinct request names (URLs with ids, no `name` tag): past 1,000 endpoints a
//! source's names are grouped, as coarsely as needed, with every request kept, the
//! same grouping however many threads read, and a note saying so.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::{analyze_json, headroom, TestDir};

const HEADER: &str = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,\
                      success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,\
                      IdleTime,Connect";
const T0: i64 = 1_764_900_000_000;

/// One JTL row at `t` ms after T0.
fn row(t: i64, label: &str, elapsed: u64, ok: bool) -> String {
    let (code, msg) = if ok {
        (200, "OK")
    } else {
        (500, "Server Error")
    };
    format!(
        "{},{elapsed},{label},{code},{msg},TG 1-1,text,{ok},,512,120,10,10,http://h{label},{elapsed},0,0",
        T0 + t
    )
}

/// A JTL of `labels` (each `(label, elapsed ms, ok)`), one request every 10 ms.
fn jtl(labels: impl IntoIterator<Item = (String, u64, bool)>) -> String {
    let mut out = vec![HEADER.to_string()];
    for (i, (label, ms, ok)) in labels.into_iter().enumerate() {
        out.push(row(i as i64 * 10, &label, ms, ok));
    }
    out.join("\n") + "\n"
}

/// Each stage's endpoints: key → (requests, failures, p95 ms).
fn endpoints(report: &Value) -> BTreeMap<String, (u64, u64, f64)> {
    let stage = &report["stages"][0];
    (stage["endpoints"].as_array().unwrap().iter())
        .map(|e| {
            (
                e["key"].as_str().unwrap().to_string(),
                (
                    e["requests"].as_u64().unwrap(),
                    e["failures"].as_u64().unwrap(),
                    e["latency_ms"]["p95"].as_f64().unwrap(),
                ),
            )
        })
        .collect()
}

fn notes(report: &Value) -> String {
    report["sources"].to_string()
}

/// 1,500 users' ids, two requests each, a tenth failing, and a health check every
/// third request.
fn users_and_health() -> Vec<(String, u64, bool)> {
    let mut rows = Vec::new();
    for i in 0..3000u64 {
        rows.push((
            format!("/users/{}", i % 1500),
            20 + (i * 37) % 180,
            i % 10 != 0,
        ));
        if i % 3 == 0 {
            rows.push(("/health".to_string(), 5, true));
        }
    }
    rows
}

#[test]
fn urls_with_ids_past_a_thousand_names_are_one_endpoint_per_route() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    dir.write("run/results.jtl", jtl(users_and_health()));
    let (code, report, err) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{err}");
    let eps = endpoints(&report);
    let keys: Vec<&str> = eps.keys().map(String::as_str).collect();
    assert_eq!(keys, ["/health", "/users/{id}"]);
    // 3,000 user requests (300 failing) and 1,000 health checks.
    assert_eq!(eps["/users/{id}"].0, 3000);
    assert_eq!(eps["/users/{id}"].1, 300);
    assert_eq!(eps["/health"].0, 1000);
    assert_eq!(report["stages"][0]["requests"], 4000);
    // The same figures as grouping the routes from the first row on.
    let (_, normalized, _) = analyze_json(&[&run], &["--normalize-labels"]);
    assert_eq!(endpoints(&normalized), eps);
    let notes = notes(&report);
    assert!(
        notes.contains("more than 1,000 distinct request names")
            && notes.contains("grouped into 2 endpoints"),
        "{notes}"
    );
    // The user asked for routes: nothing to tell them.
    assert!(!self::notes(&normalized).contains("distinct request names"));
}

#[test]
fn below_a_thousand_names_every_name_is_its_own_endpoint() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    let rows = (0..1800u64).map(|i| (format!("/users/{}", i % 900), 30, true));
    dir.write("run/results.jtl", jtl(rows));
    let (code, report, err) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{err}");
    let eps = endpoints(&report);
    assert_eq!(eps.len(), 900);
    assert!(eps.values().all(|e| e.0 == 2));
    assert!(!notes(&report).contains("distinct request names"));
}

#[test]
fn query_values_are_grouped_when_routes_are_still_too_many() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    // `item193` is a word, not an id: 1,200 routes remain after identifiers.
    let rows = (0..2400u64).map(|i| {
        (
            format!("/search?q=item{}&page={}", i % 1200, i % 3),
            40,
            true,
        )
    });
    dir.write("run/results.jtl", jtl(rows));
    let (code, report, err) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{err}");
    let eps = endpoints(&report);
    let keys: Vec<&str> = eps.keys().map(String::as_str).collect();
    assert_eq!(keys, ["/search?q={value}&page={value}"]);
    assert_eq!(eps["/search?q={value}&page={value}"].0, 2400);
    assert!(notes(&report).contains("every query value by {value}"));
}

/// The report without what differs between two runs of the same data.
fn figures(report: &Value) -> Value {
    let mut r = report.clone();
    for key in ["generated_at", "elapsed_s", "setup"] {
        r.as_object_mut().unwrap().remove(key);
    }
    r
}

#[test]
fn a_file_read_in_parts_is_grouped_as_one_reader_groups_it() {
    // Parts of the file reach the cap at different steps: the first part's ids
    // group by route; the last part's search words need their query values grouped
    // too, which the whole file then needs.
    let dir = TestDir::new();
    let run = dir.path().join("run");
    let mut rows: Vec<(String, u64, bool)> = Vec::new();
    for i in 0..30_000u64 {
        rows.push((format!("/users/{}", i % 1500), 10 + i % 90, i % 25 != 0));
    }
    for i in 0..30_000u64 {
        rows.push((format!("/search?q=item{}", i % 1100), 50 + i % 70, true));
    }
    dir.write("run/results.jtl", jtl(rows));
    assert!(std::fs::metadata(run.join("results.jtl")).unwrap().len() > 4 << 20);
    let (code1, one, err) = analyze_json(&[&run], &["--threads", "1"]);
    assert_eq!(code1, 0, "{err}");
    let (code4, four, err) = analyze_json(&[&run], &["--threads", "4"]);
    assert_eq!(code4, 0, "{err}");
    assert_eq!(figures(&one), figures(&four));
    let eps = endpoints(&one);
    let keys: Vec<&str> = eps.keys().map(String::as_str).collect();
    assert_eq!(keys, ["/search?q={value}", "/users/{id}"]);
    assert_eq!(eps["/users/{id}"].0, 30_000);
    assert_eq!(eps["/users/{id}"].1, 1200);
}

#[test]
fn an_sla_judges_the_route_and_says_a_single_url_is_not_in_the_data() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    dir.write("run/results.jtl", jtl(users_and_health()));
    let sla = dir.write(
        "sla.toml",
        "[endpoint.\"/users/{id}\"]\nrules = [\"error_rate < 5%\"]\n\
         [endpoint.\"/users/17\"]\nrules = [\"p(95) < 500ms\"]\n",
    );
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    // 300 of 3,000 failed: 10 %, over the limit.
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(out.contains("NO-GO"), "{out}");
    assert!(
        err.contains("[endpoint.\"/users/17\"] names no endpoint in the data"),
        "{err}"
    );
}

#[test]
fn a_locust_summary_of_many_urls_is_grouped_with_its_percentiles_marked_approximate() {
    let dir = TestDir::new();
    let mut csv = String::from(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
         50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n",
    );
    for i in 0..1100 {
        csv.push_str(&format!(
            "GET,/users/{i},10,1,50,55.0,20,90,100,0.1,0.01,50,60,65,70,80,85,88,90,90,90,90\n"
        ));
    }
    csv.push_str(
        "GET,/health,500,0,5,5.0,5,5,10,5,0,5,5,5,5,5,5,5,5,5,5,5\n\
         ,Aggregated,11500,1100,50,52.5,5,90,95,115,11,50,60,65,70,80,85,88,90,90,90,90\n",
    );
    dir.write("run/example_stats.csv", csv);
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    let stage = &report["stages"][0];
    let users = (stage["endpoints"].as_array().unwrap().iter())
        .find(|e| e["key"] == "GET /users/{id}")
        .unwrap_or_else(|| panic!("{}", stage["endpoints"]));
    assert_eq!(users["requests"], 11_000);
    assert_eq!(users["failures"], 1100);
    assert_eq!(users["latency_method"], "merged_approximate");
    assert_eq!(stage["endpoints"].as_array().unwrap().len(), 2);
}

#[test]
fn compare_meets_a_grouped_run_under_the_grouped_names() {
    // The baseline's 900 ids stay names; the release's 1,500 are grouped by route. Its
    // latencies are 1.3× the baseline's, request for request.
    let dir = TestDir::new();
    let run = |ids: u64, factor: f64| {
        jtl((0..4000u64).map(move |i| {
            let ms = ((20 + (i * 37) % 180) as f64 * factor).round() as u64;
            (format!("/users/{}", i % ids), ms, true)
        }))
    };
    dir.write("base/results.jtl", run(900, 1.0));
    dir.write("rel/results.jtl", run(1500, 1.3));
    let out = dir.path().join("cmp");
    let o = headroom(&[
        "compare",
        dir.path().join("base").to_str().unwrap(),
        dir.path().join("rel").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let p95 = (report["comparisons"].as_array().unwrap().iter())
        .find(|c| c["endpoint"] == "/users/{id}" && c["metric"] == "p95")
        .unwrap_or_else(|| panic!("{}", report["comparisons"]));
    assert_eq!(p95["verdict"], "regressed", "{p95}");
    let delta = p95["delta_pct"].as_f64().unwrap();
    assert!((25.0..35.0).contains(&delta), "{p95}");
    assert!(
        report["notes"]
            .to_string()
            .contains("base: endpoints grouped as in the other runs"),
        "{}",
        report["notes"]
    );
}

#[test]
fn one_request_urls_of_a_locust_summary_merge_to_the_percentiles_of_their_values() {
    // 1,100 URLs of one request each, at 10..=109 ms (11 of each): every percentile of
    // a URL is its one value, and the group's p95 is the values' own, about 105 ms.
    let dir = TestDir::new();
    let mut csv = String::from(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
         50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n",
    );
    let mut values = Vec::new();
    for i in 0..1100 {
        let v = 10 + (i * 7) % 100;
        values.push(v as f64);
        let p = format!("{v},{v},{v},{v},{v},{v},{v},{v},{v},{v},{v}");
        csv.push_str(&format!(
            "GET,/items/{i},1,0,{v},{v}.0,{v},{v},100,0.01,0,{p}\n"
        ));
    }
    csv.push_str(
        ",Aggregated,1100,0,60,59.5,10,109,100,11,0,60,76,85,90,100,105,108,109,109,109,109\n",
    );
    dir.write("run/example_stats.csv", csv);
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    let eps = endpoints(&report);
    let p95 = eps["GET /items/{id}"].2;
    let exact = crate::common::nearest_rank(&values, 95.0);
    assert!((p95 - exact).abs() <= 2.0, "p95 {p95}, values' own {exact}");
}

/// `n` in letters only (`a`, `b`, … `ba`): a name no grouping step changes.
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

#[test]
fn names_no_step_groups_keep_the_busiest_and_pool_the_rest() {
    // 1,100 plain labels without digits: 100 of 5 requests, 1,000 of one. 999 keep
    // their names (the 100 busy ones first); the other 101 one-request labels are one.
    let dir = TestDir::new();
    let run = dir.path().join("run");
    let mut rows = Vec::new();
    for i in 0..1100 {
        let repeats = if i < 100 { 5 } else { 1 };
        for _ in 0..repeats {
            rows.push((format!("Step {}", letters(i)), 30, true));
        }
    }
    dir.write("run/results.jtl", jtl(rows));
    let (code, report, err) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{err}");
    let eps = endpoints(&report);
    assert_eq!(eps.len(), 1000);
    assert_eq!(eps["(other endpoints)"].0, 101);
    assert!((0..100).all(|i| eps[&format!("Step {}", letters(i))].0 == 5));
    assert_eq!(eps.values().map(|e| e.0).sum::<u64>(), 1500);
    assert!(notes(&report).contains("least-requested endpoints pooled"));
}

/// `inspect` of a JTL of 1,500 user URLs counts the 1,501 raw names, as before, and now
/// says `analyze` groups them into the 2 endpoints `analyze` does show. Before, it only
/// listed the raw count, which read as the report's.
#[test]
fn inspect_says_how_analyze_will_group_the_names() {
    let dir = TestDir::new();
    dir.write("run/results.jtl", jtl(users_and_health()));
    let file = dir.path().join("run/results.jtl");
    let o = headroom(&["inspect", file.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json[0]["endpoints"], 1501);
    let text = json[0]["notes"].to_string();
    assert!(
        text.contains("1,501 distinct request names, more than 1,000")
            && text.contains("into 2 endpoints"),
        "{text}"
    );
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(endpoints(&report).len(), 2);
    // Under --normalize-labels the names are the routes already: nothing to say.
    let o = headroom(&[
        "inspect",
        file.to_str().unwrap(),
        "--format",
        "json",
        "--normalize-labels",
    ]);
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json[0]["endpoints"], 2);
    assert!(!json[0]["notes"]
        .to_string()
        .contains("distinct request names"));
}

/// 1,500 product slugs (letters only, no step groups them), each requested 4 times
/// over 12,000 rows, beside two busy pages. Before, every reader kept an endpoint (and
/// a series) per slug until the source pooled them at the end: a 200,000-row file of
/// such slugs took 54 s and 7 GB. Now a census of the survey's tape pools them before
/// recording. The figures are those of recording every name and pooling after
/// (`--reread`, which keeps no tape), on one thread or two.
#[test]
fn names_pooled_up_front_give_the_figures_of_pooling_after() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    let mut rows = Vec::new();
    for i in 0..12_000usize {
        let name = match i % 4 {
            0 => "/cart".to_string(),
            1 => "/checkout".to_string(),
            _ => format!("/products/{}-shirt", letters(i % 3000)),
        };
        rows.push((name, 20 + (i as u64 * 7919) % 300, i % 13 != 0));
    }
    dir.write("run/results.jtl", jtl(rows));
    let (code, planned, err) = analyze_json(&[&run], &["--threads", "2"]);
    assert_eq!(code, 0, "{err}");
    let (_, one_thread, _) = analyze_json(&[&run], &["--threads", "1"]);
    let (_, after, _) = analyze_json(&[&run], &["--reread"]);
    let eps = endpoints(&planned);
    assert_eq!(eps.len(), 1000);
    assert_eq!(eps["/cart"].0, 3000);
    assert_eq!(eps["/checkout"].0, 3000);
    assert_eq!(eps.values().map(|e| e.0).sum::<u64>(), 12_000);
    // Rows 2 and 3 of every 4 are slugs: 1,500 of them (3,000 is a multiple of 4), 4
    // requests each. 997 keep their names beside the two pages; 503 pool.
    assert_eq!(eps["(other endpoints)"].0, 503 * 4);
    assert_eq!(figures(&one_thread), figures(&planned));
    assert_eq!(figures(&after), figures(&planned));
    assert!(notes(&planned).contains("least-requested endpoints pooled"));
}
