//! Messy runs, batch "ai" (qa41): real run dirs (Locust with a few tasks and a rare
//! failing one, wrk stage dirs up to a saturated stage shedding load) read by a
//! sceptical release manager, who checks every sentence and figure of report.md,
//! report.html and report.json against the raw files.

use std::path::Path;

use serde_json::Value;

use super::common::{headroom, TestDir};

/// Runs `analyze RUN --out OUT` with `extra` flags; returns stderr.
fn analyze(run: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--force",
    ];
    args.extend(extra);
    let o = headroom(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(o.status.success(), "{stderr}");
    stderr
}

/// The report files written into `out`: markdown, HTML and the parsed JSON.
fn reports(out: &Path) -> (String, String, Value) {
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let json =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    (md, html, json)
}

/// wrk 4.x `--latency` output of one run: `requests` in `secs` seconds over
/// `connections` connections, `non_2xx` of them answered with an error status.
pub(crate) fn wrk_text(connections: u32, requests: u64, secs: f64, non_2xx: u64) -> String {
    let non = if non_2xx > 0 {
        format!("  Non-2xx or 3xx responses: {non_2xx}\n")
    } else {
        String::new()
    };
    format!(
        "Running 12s test @ http://127.0.0.1:18411/api/v1/agents\n  \
         2 threads and {connections} connections\n  \
         Thread Stats   Avg      Stdev     Max   +/- Stdev\n    \
         Latency    21.89ms   10.96ms 146.87ms   75.73%\n    \
         Req/Sec   750.36     49.87     0.88k    70.00%\n  \
         Latency Distribution\n     50%   19.71ms\n     75%   26.98ms\n     \
         90%   35.48ms\n     99%   58.67ms\n  \
         {requests} requests in {secs:.2}s, 3.41MB read\n{non}\
         Requests/sec: {:.2}\nTransfer/sec:    289.73KB\n",
        requests as f64 / secs
    )
}

/// A wrk stage run against `headroom target` (32 workers): 4, 32 and 200 connections;
/// the 200-connection stage is answered mostly with 503s. Goodput 175 → 1,491 →
/// 1,384 req/s: it rises steeply, then falls 7 %. The parabola through the three
/// points peaks at ≈ 115 users and ≈ 3,150 req/s, twice any stage: no measured figure
/// says where between 4 and 200 users goodput peaked. Before, the report said "peak ≈
/// 115 users" with "goodput there 1,491 req/s" and drew "retrograde at 115" on the
/// throughput chart; now it names the bracket and the best measured stage, no point.
#[test]
fn a_saturated_stage_shedding_load_gets_no_made_up_retrograde_peak() {
    let dir = TestDir::new();
    dir.write(
        "run/01_baseline_4users/wrk.txt",
        wrk_text(4, 2103, 12.05, 0),
    );
    dir.write(
        "run/02_peak_32users/wrk.txt",
        wrk_text(32, 17_986, 12.06, 0),
    );
    dir.write(
        "run/03_stress_200users/wrk.txt",
        wrk_text(200, 465_003, 12.06, 448_313),
    );
    let out = dir.path().join("out");
    analyze(&dir.path().join("run"), &out, &["--charts", "svg"]);
    let (md, _, json) = reports(&out);
    let retro = json["capacity"]["breaking_points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["criterion"] == "retrograde")
        .expect("goodput falls 7 % from 32 to 200 users: a retrograde breaking point");
    assert!(retro["users"].is_null(), "{retro}");
    assert_eq!(retro["bracket"], serde_json::json!([4.0, 200.0]), "{retro}");
    let evidence = retro["evidence"].as_str().unwrap();
    assert!(evidence.contains("between 4 and 200 users"), "{evidence}");
    assert!(evidence.contains("at 32 users"), "{evidence}");
    assert!(
        !md.contains("115"),
        "a parabola's peak in the report:\n{md}"
    );
    assert!(
        md.contains("between 4 and 200 users (no point estimate)"),
        "{md}"
    );
    let svg = std::fs::read_to_string(out.join("charts/throughput.svg")).unwrap();
    assert!(
        !svg.contains("retrograde at"),
        "a retrograde mark on the chart"
    );
}

/// One Locust history row per second: `(t, users, [(name, reqs/s, fails/s)])`.
type Second = (i64, u32, Vec<(&'static str, u64, u64)>);

/// A Locust CSV set (`run_stats.csv`, `run_stats_history.csv`, `run_failures.csv`)
/// of `seconds`, with windowed percentiles per endpoint (`/ok` 20–100 ms, `/nope`
/// 2–5 ms). `/ok` fails only with 503, `/nope` only with 404 (a rare task requesting
/// a path the service lacks).
fn locust_set(dir: &TestDir, run: &str, seconds: &[Second]) {
    const PCTS_OK: &str = "20,25,30,35,40,50,60,70,90,100,100";
    const PCTS_NOPE: &str = "2,2,3,3,3,4,4,5,5,5,5";
    let mut history = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,\
         99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response \
         Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,\
         Total Average Content Size\n",
    );
    let start = 1_796_507_511i64;
    let mut totals = std::collections::BTreeMap::<&str, (u64, u64)>::new();
    for (t, users, rows) in seconds {
        let (mut agg_r, mut agg_f) = (0, 0);
        for (name, r, f) in rows {
            let tot = totals.entry(name).or_default();
            tot.0 += r;
            tot.1 += f;
            agg_r += r;
            agg_f += f;
            let (pcts, mean) = if *name == "/ok" {
                (PCTS_OK, "35.0")
            } else {
                (PCTS_NOPE, "3.0")
            };
            history.push_str(&format!(
                "{},{users},GET,{name},{r}.0,{f}.0,{pcts},{},{},30,{mean},1,100,10\n",
                start + t,
                tot.0,
                tot.1
            ));
        }
        let all: (u64, u64) = totals.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        history.push_str(&format!(
            "{},{users},,Aggregated,{agg_r}.0,{agg_f}.0,{PCTS_OK},{},{},30,33.0,1,100,10\n",
            start + t,
            all.0,
            all.1
        ));
    }
    let mut stats = String::from(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,\
         66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n",
    );
    let mut failures = String::from("Method,Name,Error,Occurrences,First Seen,Last Seen\n");
    let (mut all_r, mut all_f) = (0, 0);
    for (name, (r, f)) in &totals {
        all_r += r;
        all_f += f;
        let pcts = if *name == "/ok" { PCTS_OK } else { PCTS_NOPE };
        stats.push_str(&format!(
            "GET,{name},{r},{f},30,33.0,1,100,10,1.0,0.1,{pcts}\n"
        ));
        let error = if *name == "/ok" {
            "HTTPError('503 Server Error: Service Unavailable for url: /ok')"
        } else {
            "HTTPError('404 Client Error: Not Found for url: /nope')"
        };
        if *f > 0 {
            failures.push_str(&format!(
                "GET,{name},\"{error}\",{f},2026-12-05T21:51:55Z,2026-12-05T21:53:21Z\n"
            ));
        }
    }
    stats.push_str(&format!(
        ",Aggregated,{all_r},{all_f},30,33.0,1,100,10,1.0,0.1,{PCTS_OK}\n"
    ));
    dir.write(&format!("{run}/run_stats_history.csv"), history);
    dir.write(&format!("{run}/run_stats.csv"), stats);
    dir.write(&format!("{run}/run_failures.csv"), failures);
}

/// Two plateaus (10 users, then 50) with a ramp between in which `/ok` already
/// fails: at 10 users `/ok` 10 req/s clean and `/nope` 1 req/s failing; on the ramp
/// `/ok` 20 req/s, 5 of them 503; at 50 users `/ok` 30 req/s, 10 of them 503, and
/// `/nope` 1 req/s failing.
fn two_plateaus() -> Vec<Second> {
    let mut s: Vec<Second> = Vec::new();
    for t in 0..20 {
        s.push((t, 10, vec![("/nope", 1, 1), ("/ok", 10, 0)]));
    }
    for (t, users) in [(20, 25), (21, 35), (22, 45)] {
        s.push((t, users, vec![("/nope", 0, 0), ("/ok", 20, 5)]));
    }
    for t in 23..43 {
        s.push((t, 50, vec![("/nope", 1, 1), ("/ok", 30, 10)]));
    }
    s
}

/// The stage of `json` named `name`.
fn stage<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {}", json["stages"]))
}

/// The failures of `endpoint` in stage `s`.
fn endpoint_failures(s: &Value, endpoint: &str) -> u64 {
    s["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == endpoint)
        .unwrap_or_else(|| panic!("no {endpoint}: {s}"))["failures"]
        .as_u64()
        .unwrap()
}

/// A Locust run of two plateaus whose endpoints each fail one way (`/ok` with 503s
/// from the ramp on, a rare `/nope` with 404s throughout). `_failures.csv` counts
/// the whole run only. Before, the 50-users stage said "Failures by kind: `other` 38,
/// `status:503` 177, `status:404` 5" (the whole run's kinds less everything outside
/// the stage): no request failed any other way, and its 503s were 200, its 404s 20,
/// as its own endpoint rows said; its error list named no 503 at all. Now the stage's
/// kinds are its endpoints' (each known in full), and its errors list `/ok`'s 503s.
#[test]
fn a_locust_stage_counts_the_failure_kinds_its_endpoints_know() {
    let dir = TestDir::new();
    locust_set(&dir, "run", &two_plateaus());
    let out = dir.path().join("out");
    analyze(&dir.path().join("run"), &out, &["--charts", "none"]);
    let (md, _, json) = reports(&out);
    let peak = stage(&json, "50_users");
    let (ok_503, nope_404) = (
        endpoint_failures(peak, "GET /ok"),
        endpoint_failures(peak, "GET /nope"),
    );
    // The fixture: at 50 users `/ok` fails 10 a second and `/nope` 1.
    assert_eq!(ok_503, 10 * nope_404, "{peak}");
    assert!(nope_404 >= 15, "{peak}");
    let kinds = &peak["failures_by_kind"];
    assert_eq!(kinds["status:503"].as_u64(), Some(ok_503), "{kinds}");
    assert_eq!(kinds["status:404"].as_u64(), Some(nope_404), "{kinds}");
    assert!(kinds.get("other").is_none(), "{kinds}");
    assert!(
        md.contains(&format!(
            "Failures by kind: `status:404` {nope_404}, `status:503` {ok_503}."
        )),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "- GET /ok: {ok_503} × HTTPError('503 Server Error: Service Unavailable"
        )),
        "{md}"
    );
}

/// The same Locust run: each stage's percentiles are a mixture of the history's
/// windowed percentiles, estimates marked `≈` in the stage tables. Before, the same
/// figures lost their `≈` in the stage's first sentence ("p95 50 ms"), in the
/// comparisons with the stage before, in the capacity table and in the tail hint,
/// and report.json's load points carried no method; the latency chart's title did
/// not say its points were estimates. Now every one of them is marked.
#[test]
fn merged_locust_percentiles_stay_marked_as_estimates_everywhere() {
    let dir = TestDir::new();
    locust_set(&dir, "run", &two_plateaus());
    let out = dir.path().join("out");
    analyze(&dir.path().join("run"), &out, &["--charts", "svg"]);
    let (md, _, json) = reports(&out);
    for s in json["stages"].as_array().unwrap() {
        assert_eq!(s["latency_method"], "merged_approximate", "{s}");
    }
    for p in json["capacity"]["load_points"].as_array().unwrap() {
        assert_eq!(p["latency_method"], "merged_approximate", "{p}");
    }
    let first = md
        .lines()
        .find(|l| l.starts_with("- First stage, at 10 users:"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(first.contains("p95 ≈ "), "{first}");
    let against = md
        .lines()
        .find(|l| l.starts_with("- Against `10_users`"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(against.contains("p95 1× (≈ "), "{against}");
    let capacity = md.split("## Capacity and breaking point").nth(1).unwrap();
    let row = capacity
        .lines()
        .find(|l| l.starts_with("| 10\\_users | 10 |"))
        .unwrap_or_else(|| panic!("{capacity}"));
    assert!(row.contains("| ≈ "), "{row}");
    let svg = std::fs::read_to_string(out.join("charts/latency.svg")).unwrap();
    assert!(
        svg.contains("estimated from merged summaries"),
        "chart title"
    );
}

/// The same Locust run: the rare `/nope` made 20 requests a stage, `/ok` 200 and
/// 600. A p95 needs 200 requests and a p99 1,000 (10 ÷ (1 − p), the rule the SLA
/// judges by and the stage caveats use): `/nope`'s p95 and p99 are about its slowest
/// request, not a tail. Before, they read like any other figure; now such cells are
/// italic, in report.md and in report.html's drill-down, with a note saying why.
#[test]
fn percentiles_of_a_rare_endpoint_are_marked_rough() {
    let dir = TestDir::new();
    locust_set(&dir, "run", &two_plateaus());
    let out = dir.path().join("out");
    analyze(&dir.path().join("run"), &out, &["--charts", "none"]);
    let (md, html, json) = reports(&out);
    let peak = stage(&json, "50_users");
    let nope = peak["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "GET /nope")
        .unwrap();
    let n = nope["requests"].as_u64().unwrap();
    assert!((15..200).contains(&n), "{nope}");
    let row = md
        .lines()
        .find(|l| l.starts_with("| GET /nope |") && l.contains(&format!("| {n} |")))
        .unwrap_or_else(|| panic!("{md}"));
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    // | key | requests | share | failures | mean | p50 | p95 | p99 | max |
    assert!(
        cells[7].starts_with("*≈ ") && cells[7].ends_with('*'),
        "{row}"
    );
    assert!(
        cells[8].starts_with("*≈ ") && cells[8].ends_with('*'),
        "{row}"
    );
    // The distribution table's row (the task mix's has fewer columns).
    let ok_row = md
        .lines()
        .find(|l| l.starts_with("| GET /ok |") && l.split('|').count() == 11)
        .unwrap_or_else(|| panic!("{md}"));
    let ok_cells: Vec<&str> = ok_row.split('|').map(str::trim).collect();
    assert!(
        !ok_cells[6].starts_with('*'),
        "p50 of 200 requests: {ok_row}"
    );
    assert!(md.contains("*Italic:* a percentile of fewer requests than 10 ÷ (1 − p)"));
    assert!(
        html.contains("<em>≈ "),
        "no rough cell in the HTML drill-down"
    );
    assert!(html.contains("<em>Italic:</em> a percentile of fewer requests"));
}

/// A per-request CSV whose endpoint's name holds a `|` and markup (`/a|<b>x</b>`),
/// with an SLA rule on it that fails. Before, report.html's verdict banner and both
/// reports' readiness rows showed the rule and stage names between literal backticks
/// (`` `p(95) < 1ms` on `…` ``), where the summary below the banner shows them as
/// code. Now they are code there too; the name's `|` stays inside its span (the
/// readiness row keeps its three cells) and its markup stays text.
#[test]
fn the_verdict_banner_and_readiness_rows_show_names_as_code() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,users\n");
    for i in 0..400 {
        csv.push_str(&format!(
            "{},/a|<b>x</b>,GET,20,200,4\n",
            1_764_950_400_000i64 + i * 100
        ));
    }
    dir.write("run/requests.csv", csv);
    let sla = dir.write(
        "sla.toml",
        "[endpoint.\"GET /a|<b>x</b>\"]\nrules = [\"p(95) < 1ms\"]\n",
    );
    let out = dir.path().join("out");
    analyze(
        &dir.path().join("run"),
        &out,
        &["--sla", sla.to_str().unwrap(), "--charts", "none"],
    );
    let (md, html, _) = reports(&out);
    let row = md
        .lines()
        .find(|l| l.starts_with("| Latency |"))
        .unwrap_or_else(|| panic!("{md}"));
    // Cells end at a `|` no backslash escapes: area, status, evidence.
    let cells = row.replace("\\|", "").matches('|').count() - 1;
    assert_eq!(cells, 3, "{row}");
    assert!(row.contains("`p(95) < 1ms` on `"), "{row}");
    assert!(row.contains("GET /a\\|<b>x</b>`"), "{row}");
    let banner = html
        .split("role=\"status\">")
        .nth(1)
        .and_then(|b| b.split("</div>").next())
        .unwrap_or_else(|| panic!("no verdict banner"));
    assert!(banner.contains("<code>p(95) &lt; 1ms</code>"), "{banner}");
    assert!(!banner.contains('`'), "{banner}");
    let td = html
        .split("<td>Latency</td>")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap_or_else(|| panic!("no readiness row"));
    assert!(td.contains("<code>p(95) &lt; 1ms</code>"), "{td}");
    assert!(td.contains("GET /a|&lt;b&gt;x&lt;/b&gt;</code>"), "{td}");
    assert!(!td.contains("<b>x"), "{td}");
}

/// `hey -q 1 -c 1 -z 20s -o csv`: one request a second, so every second of the
/// timeline holds one request. Before, its latency panel read "Latency p95 (ms)",
/// a tail figure of one request; now it says "Latency p95 = max (ms)": under 20
/// requests an interval's nearest-rank p95 is its slowest request.
#[test]
fn a_run_of_one_request_a_second_says_its_timeline_p95_is_the_max() {
    let dir = TestDir::new();
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,\
         status-code,offset\n",
    );
    for i in 0..20 {
        let latency = 0.020 + 0.003 * f64::from(i % 5);
        csv.push_str(&format!(
            "{latency:.4},0.0003,0.0000,0.0001,{latency:.4},0.0001,200,{}.0070\n",
            i + 1
        ));
    }
    dir.write("run/hey.csv", csv);
    let out = dir.path().join("out");
    analyze(&dir.path().join("run"), &out, &["--charts", "svg"]);
    let svg = std::fs::read_to_string(out.join("charts/timeline.svg")).unwrap();
    assert!(
        svg.contains("Latency p95 = max (ms)"),
        "timeline's latency panel"
    );
    assert!(
        !svg.contains("Latency p95 (ms)"),
        "timeline's latency panel"
    );
}
