//! Messy runs, twelfth batch (qa17): JMeter run dirs as users keep them after
//! `jmeter -n -t plan.jmx -l results.jtl -e -o report/` — the JTL beside the HTML
//! dashboard (`report/statistics.json`, `report/content/js/dashboard.js`), the
//! non-GUI console and `jmeter.log` with the summariser's lines — and dirs holding
//! several result sets. Fixtures are written here in JMeter's formats (JMeter 5.x:
//! `JsonExporter`, `StatisticsSummaryConsumer`, `Summariser`); expected figures follow
//! from the fixtures' numbers.

use serde_json::Value;

use super::check::check_json;
use super::common::{analyze_json, close, TestDir};

const JTL_HEADER: &str = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,\
dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n";

/// `n` JTL rows of `label`, one every 100 ms from `t0`, answered 200 in 50 ms by 10
/// threads, none failed.
fn jtl_rows(t0: u64, n: u64, label: &str) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{},50,{label},200,OK,TG 1-{},text,true,,512,100,10,10,http://x/api,45,0,2\n",
                t0 + i * 100,
                i % 10 + 1
            )
        })
        .collect()
}

const T0: u64 = 1_796_376_447_007;

/// A dashboard `statistics.json` entry: label, samples, errors, mean, min, max,
/// median, pct1..3, throughput.
type Entry = (&'static str, u64, u64, f64, u64, u64, f64, [f64; 3], f64);

fn statistics_json(rows: &[Entry]) -> String {
    let mut map = serde_json::Map::new();
    for (label, n, e, mean, min, max, median, pct, tp) in rows {
        map.insert(
            label.to_string(),
            serde_json::json!({
                "transaction": label, "sampleCount": n, "errorCount": e,
                "errorPct": 100.0 * *e as f64 / *n as f64, "meanResTime": mean,
                "medianResTime": median, "minResTime": min, "maxResTime": max,
                "pct1ResTime": pct[0], "pct2ResTime": pct[1], "pct3ResTime": pct[2],
                "throughput": tp, "receivedKBytesPerSec": 1.5, "sentKBytesPerSec": 0.5
            }),
        );
    }
    serde_json::to_string_pretty(&Value::Object(map)).unwrap()
}

/// dashboard.js as JMeter's template writes it, its statistics table titled with the
/// percentile levels `pct`.
fn dashboard_js(pct: [&str; 3]) -> String {
    format!(
        "    // Create statistics table\n    createTable($(\"#statisticsTable\"), \
         {{\"supportsControllersDiscrimination\": true, \"overall\": {{\"data\": [\"Total\", 3000, \
         510, 17.0, 180.3, 3, 2000, 150.0, 400.0, 600.0, 1500.0, 30.0, 1.5, 0.5], \
         \"isController\": false}}, \"titles\": [\"Label\", \"#Samples\", \"FAIL\", \"Error %\", \
         \"Average\", \"Min\", \"Max\", \"Median\", \"{}th pct\", \"{}th pct\", \"{}th pct\", \
         \"Transactions/s\", \"Received\", \"Sent\"], \"items\": []}}, function(index, item){{\n\
         return item;\n    }}, [[0, 0]], 0);\n",
        pct[0], pct[1], pct[2]
    )
}

/// Two labels (one with a comma, quotes and a non-ASCII letter) and the Total row.
const TWO_LABELS: [Entry; 3] = [
    (
        "list agents",
        2000,
        10,
        120.5,
        3,
        900,
        100.0,
        [200.0, 300.0, 800.0],
        20.0,
    ),
    (
        "run, \"agent\" é",
        1000,
        500,
        300.0,
        10,
        2000,
        250.0,
        [500.0, 700.0, 1900.0],
        10.0,
    ),
    (
        "Total",
        3000,
        510,
        180.3,
        3,
        2000,
        150.0,
        [400.0, 600.0, 1500.0],
        30.0,
    ),
];

fn sla(t: &TestDir) -> std::path::PathBuf {
    t.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\", \"p(95) < 500ms\"]\n",
    )
}

/// `analyze` of the test's `run/` dir: the exit code, report.json and stderr.
fn analyze_run(t: &TestDir) -> (i32, Value, String) {
    analyze_json(&[&t.path().join("run")], &[])
}

/// `check` of the test's `run/` dir against [`sla`]: its JSON outcome.
fn check_run(t: &TestDir) -> Value {
    check_json(&t.path().join("run"), &sla(t), &[]).1
}

fn skipped_kind(report: &Value, file_end: &str) -> String {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"].as_str().unwrap().ends_with(file_end))
        .map(|s| s["kind"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("{file_end} not skipped: {}", report["skipped"]))
}

/// A dir holding only JMeter's dashboard (`report/`) was "no results". It is read as a
/// summary: per label its samples, errors, mean, min, max, median and the three
/// percentiles at the levels dashboard.js titles (75, 99.9, 99.99 here: never taken for
/// 90/95/99), the Total row as the run's aggregate (not an endpoint), throughput
/// 3000 samples ÷ (3000 / 30 per s) = 30/s; the stage is named after the run dir.
#[test]
fn a_dashboard_alone_is_read_at_the_levels_it_names() {
    let t = TestDir::new();
    t.write("run/report/statistics.json", statistics_json(&TWO_LABELS));
    t.write(
        "run/report/content/js/dashboard.js",
        dashboard_js(["75", "99.9", "99.99"]),
    );
    t.write(
        "run/report/index.html",
        "<html><head><title>Apache JMeter Dashboard</title></head></html>\n",
    );
    let (code, report, stderr) = analyze_run(&t);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["name"], "run");
    assert_eq!(stage["requests"], 3000);
    assert_eq!(stage["failures"], 510);
    assert!((stage["throughput_rps"].as_f64().unwrap() - 30.0).abs() < 1e-9);
    let lat = &stage["latency_ms"];
    assert_eq!(lat["p50"].as_f64(), Some(150.0), "{lat}");
    assert_eq!(lat["p999"].as_f64(), Some(600.0), "{lat}");
    assert!(lat["p95"].is_null() && lat["p90"].is_null(), "{lat}");
    let eps = stage["endpoints"].as_array().unwrap();
    let names: Vec<&str> = eps.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"run, \"agent\" é"), "{names:?}");
    let run_agent = eps
        .iter()
        .find(|e| e["name"] == "run, \"agent\" é")
        .unwrap();
    assert_eq!(run_agent["requests"], 1000);
    assert_eq!(run_agent["failures"], 500);
    assert_eq!(run_agent["latency_ms"]["max"].as_f64(), Some(2000.0));
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("p75, p99.9, p99.99"), "{notes}");

    // p95 is not in the dashboard: the rule cannot be judged (never a pass).
    let (_, out, stderr) = check_json(&t.path().join("run"), &sla(&t), &[]);
    assert_eq!(out["verdict"], "NO-GO", "{out:#} {stderr}");
}

/// Without dashboard.js nothing names the levels: JMeter's defaults (90/95/99) are
/// used, and the source's note says they are assumed.
#[test]
fn a_dashboard_without_dashboard_js_says_its_levels_are_assumed() {
    let t = TestDir::new();
    t.write("run/report/statistics.json", statistics_json(&TWO_LABELS));
    let (code, report, stderr) = analyze_run(&t);
    assert_eq!(code, 0, "{stderr}");
    let lat = &report["stages"][0]["latency_ms"];
    assert_eq!(lat["p90"].as_f64(), Some(400.0), "{lat}");
    assert_eq!(lat["p95"].as_f64(), Some(600.0), "{lat}");
    assert_eq!(lat["p99"].as_f64(), Some(1500.0), "{lat}");
    let notes = report["sources"][0]["notes"].to_string();
    assert!(
        notes.contains("taken to be at JMeter's default levels"),
        "{notes}"
    );
}

/// The JTL and the dashboard made from it: the JTL is the source, the dashboard is
/// checked against it (same samples per label) and skipped as the same data, never
/// counted twice.
#[test]
fn a_jtl_and_its_own_dashboard_are_one_run_read_once() {
    let t = TestDir::new();
    t.write(
        "run/results.jtl",
        format!("{JTL_HEADER}{}", jtl_rows(T0, 3000, "list agents")),
    );
    let same: [Entry; 1] = [(
        "list agents",
        3000,
        0,
        50.0,
        50,
        50,
        50.0,
        [50.0, 50.0, 50.0],
        10.0,
    )];
    t.write("run/report/statistics.json", statistics_json(&same));
    t.write(
        "run/report/content/js/dashboard.js",
        dashboard_js(["90", "95", "99"]),
    );
    let (code, report, stderr) = analyze_run(&t);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 3000);
    assert_eq!(skipped_kind(&report, "statistics.json"), "same_data");
    let out = check_run(&t);
    assert_eq!(out["verdict"], "GO", "{out:#}");
}

/// A dashboard made from another run (510 errors of 3000) beside a clean JTL: the
/// JTL is read, and the disagreement is said; the data is not clean, so no GO (was GO:
/// the `report/` sub-dir was never looked at).
#[test]
fn a_dashboard_of_another_run_beside_the_jtl_is_said_and_holds_go_back() {
    let t = TestDir::new();
    t.write(
        "run/results.jtl",
        format!("{JTL_HEADER}{}", jtl_rows(T0, 3000, "list agents")),
    );
    t.write("run/report/statistics.json", statistics_json(&TWO_LABELS));
    let (_, report, stderr) = analyze_run(&t);
    assert_eq!(report["overall"]["requests"], 3000, "{stderr}");
    assert_eq!(skipped_kind(&report, "statistics.json"), "other_data");
    let out = check_run(&t);
    assert_ne!(out["verdict"], "GO", "{out:#}");
}

/// JMeter's non-GUI console (5.x) with the summariser's lines; `end` adds the lines
/// JMeter prints as the test ends.
fn console(lines: &[(&str, u64, u64)], end: bool) -> String {
    let mut s = String::from(
        "Creating summariser <summary>\nCreated the tree successfully using plan.jmx\n\
         Starting standalone test @ 2026 Dec 4 20:00:00 UTC (1796414400000)\n\
         Waiting for possible Shutdown/StopTestNow/HeapDump/ThreadDump message on port 4445\n",
    );
    for (kind, n, e) in lines {
        let pct = 100.0 * *e as f64 / *n as f64;
        s += &format!(
            "summary {kind} {n:>6} in 00:02:30 = {:>6.1}/s Avg:    50 Min:    50 Max:    50 \
             Err: {e:>5} ({pct:.2}%)\n",
            *n as f64 / 150.0
        );
    }
    if end {
        s += "Tidying up ...    @ 2026 Dec 4 20:05:00 UTC (1796414700000)\n... end of run\n";
    }
    s
}

/// The console of an interrupted run (no `Tidying up` / `... end of run`) beside a
/// JTL whose rows all passed: the run is incomplete, never a GO (was GO: the console
/// was skipped as not a result).
#[test]
fn an_interrupted_console_beside_the_jtl_holds_go_back() {
    let t = TestDir::new();
    t.write(
        "run/results.jtl",
        format!("{JTL_HEADER}{}", jtl_rows(T0, 3000, "list agents")),
    );
    t.write(
        "run/console.log",
        console(&[("+", 1500, 0), ("+", 1500, 0), ("=", 3000, 0)], false),
    );
    let (_, out, stderr) = check_json(&t.path().join("run"), &sla(&t), &[]);
    assert_ne!(out["verdict"], "GO", "{out:#} {stderr}");
    let (_, report, _) = analyze_run(&t);
    assert_eq!(report["run"]["complete"], false, "{}", report["run"]);
}

/// `jmeter.log` of a finished run whose summariser counted 300 errors in 3000
/// samples, beside a JTL holding 3000 samples none failed (its listener saved
/// successes only): the figures read miss the failures, never a GO (was GO).
#[test]
fn a_summariser_counting_errors_the_jtl_lacks_holds_go_back() {
    let t = TestDir::new();
    t.write(
        "run/results.jtl",
        format!("{JTL_HEADER}{}", jtl_rows(T0, 3000, "list agents")),
    );
    t.write(
        "run/jmeter.log",
        "2026-12-04 20:00:00,000 INFO o.a.j.JMeter: Version 5.6.3\n\
         2026-12-04 20:00:01,000 INFO o.a.j.JMeter: Creating summariser <summary>\n\
         2026-12-04 20:05:00,000 INFO o.a.j.r.Summariser: summary =   3300 in 00:05:00 =   11.0/s \
         Avg:    50 Min:    50 Max:    50 Err:   300 (9.09%)\n\
         2026-12-04 20:05:00,100 INFO o.a.j.e.StandardJMeterEngine: Notifying test listeners of \
         end of test\n",
    );
    let (_, out, stderr) = check_json(&t.path().join("run"), &sla(&t), &[]);
    assert_ne!(out["verdict"], "GO", "{out:#} {stderr}");
    let (_, report, _) = analyze_run(&t);
    assert_eq!(skipped_kind(&report, "jmeter.log"), "other_data");
}

/// The console of the same, finished run (3000 samples, 0 errors, as the JTL): checked
/// and skipped as the same data; the verdict stays GO.
#[test]
fn the_console_of_the_same_run_is_checked_and_skipped() {
    let t = TestDir::new();
    t.write(
        "run/results.jtl",
        format!("{JTL_HEADER}{}", jtl_rows(T0, 3000, "list agents")),
    );
    t.write(
        "run/console.log",
        console(&[("+", 1500, 0), ("+", 1500, 0), ("=", 3000, 0)], true),
    );
    let (_, report, stderr) = analyze_run(&t);
    assert_eq!(report["overall"]["requests"], 3000, "{stderr}");
    assert_eq!(skipped_kind(&report, "console.log"), "same_data");
    let out = check_run(&t);
    assert_eq!(out["verdict"], "GO", "{out:#}");
}

/// A console alone is read as a summary: the last `summary =` line's samples, errors
/// and mean over its elapsed time (3000 in 150 s: 20/s); it has no percentiles.
#[test]
fn a_console_alone_is_read_as_a_summary() {
    let t = TestDir::new();
    t.write(
        "run/console.log",
        console(&[("+", 1500, 0), ("+", 1500, 60), ("=", 3000, 60)], true),
    );
    let (code, report, stderr) = analyze_run(&t);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 3000);
    assert_eq!(stage["failures"], 60);
    assert_eq!(stage["latency_ms"]["mean"].as_f64(), Some(50.0));
    assert!((stage["throughput_rps"].as_f64().unwrap() - 20.0).abs() < 1e-9);
}

/// A JTL whose last row is cut mid-write (JMeter killed, or still writing: JMeter
/// buffers its writes) and an XML JTL without `</testResults>`: the run did not end,
/// so the data is incomplete and never a GO (was GO, with only a note).
#[test]
fn a_jtl_cut_mid_write_is_an_incomplete_run() {
    let t = TestDir::new();
    t.write(
        "csv/results.jtl",
        format!(
            "{JTL_HEADER}{}{},5",
            jtl_rows(T0, 3000, "list agents"),
            T0 + 300_000
        ),
    );
    let samples: String = (0..3000u64)
        .map(|i| {
            format!(
                "<httpSample t=\"50\" lt=\"45\" ts=\"{}\" s=\"true\" lb=\"list agents\" \
                 rc=\"200\" rm=\"OK\" tn=\"TG 1-{}\" dt=\"text\" by=\"512\" ng=\"10\" na=\"10\"/>\n",
                T0 + i * 100,
                i % 10 + 1
            )
        })
        .collect();
    t.write(
        "xml/results.jtl",
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n{samples}"
        ),
    );
    for dir in ["csv", "xml"] {
        let (_, out, stderr) = check_json(&t.path().join(dir), &sla(&t), &[]);
        assert_ne!(out["verdict"], "GO", "{dir}: {out:#} {stderr}");
        let (_, report, _) = analyze_json(&[&t.path().join(dir)], &[]);
        assert_eq!(report["overall"]["requests"], 3000, "{dir}");
        assert_eq!(report["run"]["complete"], false, "{dir}: {}", report["run"]);
    }
}

/// `jmeter -l results.jtl` run twice appends the second run, header and all: the
/// problem names the repeated header and the appended run (was "bad timeStamp
/// `timeStamp`").
#[test]
fn a_second_header_in_a_jtl_is_named_as_an_appended_run() {
    let t = TestDir::new();
    let run = |t0| jtl_rows(t0, 300, "list agents");
    t.write(
        "run/results.jtl",
        format!("{JTL_HEADER}{}{JTL_HEADER}{}", run(T0), run(T0 + 3_600_000)),
    );
    let (code, report, _) = analyze_run(&t);
    assert_eq!(code, 2);
    let problems = report["problems"].to_string();
    assert!(problems.contains("header again"), "{problems}");
    assert!(problems.contains("appended"), "{problems}");
    assert!(problems.contains("\"line\":302"), "{problems}");
    // The data-quality reason says what the problem is and where (header line 1, 300
    // rows, then the second header), not a blanket "left data unread": here no row is
    // unread, two runs are mixed. The file and line are quoted as a name (qa67: a
    // backtick in a file's name opens no code span of the PR comment).
    let why = report["data_quality_reason"].as_str().unwrap_or_default();
    assert!(
        why.contains("results.jtl:302`: JMeter's header again"),
        "{why}"
    );
}

/// A run (`results.jtl`, 10 threads, 20% of samples failed) and its rerun
/// (`results2.jtl`, 10 threads, none failed, starting 10 s after the first ended) in
/// one dir were read as one `10_users` stage at 10% errors, a GO against `error_rate <
/// 15%` that neither run alone supports as one figure. Now the rerun is named as such
/// (both files), a problem: exit 2, never a GO.
#[test]
fn a_run_and_its_rerun_in_one_dir_are_named_not_mixed_silently() {
    let t = TestDir::new();
    let failing: String = (0..3000u64)
        .map(|i| {
            let ok = i % 5 != 0;
            format!(
                "{},50,list agents,{},{},TG 1-{},text,{ok},,512,100,10,10,http://x/api,45,0,2\n",
                T0 + i * 100,
                if ok { 200 } else { 500 },
                if ok { "OK" } else { "Internal Server Error" },
                i % 10 + 1
            )
        })
        .collect();
    t.write("run/results.jtl", format!("{JTL_HEADER}{failing}"));
    // The first run's last sample starts at T0 + 299.9 s; the rerun 10 s after.
    t.write(
        "run/results2.jtl",
        format!(
            "{JTL_HEADER}{}",
            jtl_rows(T0 + 310_000, 3000, "list agents")
        ),
    );
    let sla = t.write("sla.toml", "[global]\nrules = [\"error_rate < 15%\"]\n");
    let (code, out, stderr) = check_json(&t.path().join("run"), &sla, &[]);
    assert_eq!(code, 2, "{out:#} {stderr}");
    assert_ne!(out["verdict"], "GO", "{out:#}");
    let (_, report, _) = analyze_run(&t);
    let problem = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"].as_str().unwrap().ends_with("results2.jtl"))
        .unwrap_or_else(|| panic!("{}", report["problems"]));
    let reason = problem["reason"].as_str().unwrap();
    assert!(
        reason.contains("results.jtl") && reason.contains("rerun"),
        "{reason}"
    );
}

/// Stages run one after another, each saved in its own JTL at its own thread count
/// (a 1-thread smoke test, then 50 threads): two stages, no rerun problem.
#[test]
fn stages_saved_one_file_each_are_not_reruns() {
    let t = TestDir::new();
    let rows = |t0: u64, users: u64| -> String {
        (0..3000u64)
            .map(|i| {
                format!(
                    "{},50,list agents,200,OK,TG 1-{},text,true,,512,100,{users},{users},\
                     http://x/api,45,0,2\n",
                    t0 + i * 100,
                    i % users + 1
                )
            })
            .collect()
    };
    t.write("run/smoke.jtl", format!("{JTL_HEADER}{}", rows(T0, 1)));
    t.write(
        "run/load.jtl",
        format!("{JTL_HEADER}{}", rows(T0 + 3_600_000, 50)),
    );
    let (code, report, stderr) = analyze_run(&t);
    assert_eq!(code, 0, "{stderr}");
    let users: Vec<u64> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["users"].as_u64().unwrap())
        .collect();
    assert_eq!(users, [1, 50]);
}

/// ab's console at `-c 10`: `n` requests in `secs`, `non2xx` of them answered 503.
fn ab_console(n: u64, non2xx: u64, secs: f64) -> String {
    let failed = if non2xx > 0 {
        format!(
            "Failed requests:        {non2xx}\n   (Connect: 0, Receive: 0, Length: {non2xx}, \
             Exceptions: 0)\nNon-2xx responses:      {non2xx}\n"
        )
    } else {
        "Failed requests:        0\n".into()
    };
    format!(
        "This is ApacheBench, Version 2.3 <$Revision: 1903618 $>\n\n\
         Benchmarking 127.0.0.1 (be patient)\nFinished {n} requests\n\n\n\
         Server Software:        \nServer Hostname:        127.0.0.1\nServer Port:            18301\n\n\
         Document Path:          /item\nDocument Length:        11 bytes\n\n\
         Concurrency Level:      10\nTime taken for tests:   {secs:.3} seconds\n\
         Complete requests:      {n}\n{failed}Total transferred:      {} bytes\n\
         HTML transferred:       {} bytes\nRequests per second:    {:.2} [#/sec] (mean)\n\
         Time per request:       {:.3} [ms] (mean)\n\
         Time per request:       {:.3} [ms] (mean, across all concurrent requests)\n\
         Transfer rate:          100.00 [Kbytes/sec] received\n\n\
         Connection Times (ms)\n              min  mean[+/-sd] median   max\n\
         Connect:        0    0   0.3      0       1\nProcessing:     0    4  16.0      1     155\n\
         Waiting:        0    3  16.0      1     155\nTotal:          1    4  16.1      1     156\n\n\
         Percentage of the requests served within a certain time (ms)\n  50%      1\n  66%      1\n\
           75%      2\n  80%      2\n  90%      2\n  95%      2\n  98%     53\n  99%    104\n \
         100%    156 (longest request)\n",
        n * 146,
        n * 11,
        n as f64 / secs,
        10.0 * secs * 1000.0 / n as f64,
        secs * 1000.0 / n as f64
    )
}

/// Two ab consoles at the same `-c 10` in one dir, a run (290 of 300 answered 503) and
/// its rerun (none of 3,000 failed), were pooled as runs one after another into 290 of
/// 3,300 failed (8.8%): a GO against `error_rate < 10%` that the failed run misses by
/// far. Now the two runs' disagreement (96.7% against 0%) is a problem naming both
/// files: exit 2, never a GO. Repeats that agree are still pooled (wrk2's test).
#[test]
fn an_ab_run_and_its_disagreeing_rerun_are_not_pooled_into_a_go() {
    let t = TestDir::new();
    t.write("run/ab-run1.txt", ab_console(300, 290, 0.208));
    t.write("run/ab-run2.txt", ab_console(3000, 0, 2.08));
    let sla = t.write("sla.toml", "[global]\nrules = [\"error_rate < 10%\"]\n");
    let (code, out, stderr) = check_json(&t.path().join("run"), &sla, &[]);
    assert_eq!(code, 2, "{out:#} {stderr}");
    assert_ne!(out["verdict"], "GO", "{out:#}");
    let (_, report, _) = analyze_run(&t);
    let reason = report["problems"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("ab-run1.txt"), "{}", report["problems"]);
    assert!(reason.contains("290 of 300 failed"), "{reason}");
    assert!(reason.contains("0 of 3000 failed"), "{reason}");
    assert!(
        report["problems"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("ab-run2.txt"),
        "{}",
        report["problems"]
    );

    // Two runs that agree (none failed in either; not byte-identical, which would be a
    // copy) are still pooled, without a problem.
    let same = TestDir::new();
    same.write("run/ab-run1.txt", ab_console(3000, 0, 2.08));
    same.write("run/ab-run2.txt", ab_console(3000, 0, 2.11));
    let (code, report, stderr) = analyze_json(&[&same.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 6000);
}

/// A GUI session's `jmeter.log` (no summariser lines) beside another tool's result is
/// no result: skipped, the run read as before (guards the summariser format).
#[test]
fn a_jmeter_log_without_summariser_lines_is_no_result() {
    let t = TestDir::new();
    t.write("run/ab.txt", ab_console(3000, 0, 2.08));
    t.write(
        "run/jmeter.log",
        "2026-12-04 20:00:00,000 INFO o.a.j.JMeter: Version 5.6.3\n\
         2026-12-04 20:00:01,000 INFO o.a.j.g.a.Load: Loading file: plan.jmx\n",
    );
    let (code, report, stderr) = analyze_run(&t);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 3000);
    assert_eq!(skipped_kind(&report, "jmeter.log"), "not_result");
}

/// A plan with a Transaction Controller `Login` around `POST /login`: the JTL writes a
/// `Login` row after each child, and the dashboard a `Login` row marked `isController`
/// in dashboard.js, which its Total leaves out. The JTL and its dashboard are the same
/// run (was: the `Login` row taken for a label the JTL lacks, other data, no GO); the
/// dashboard alone counts 1,500 requests, `Login` a transaction endpoint outside them.
#[test]
fn a_transaction_controller_row_in_the_dashboard_is_not_a_request() {
    let t = TestDir::new();
    let rows: String = (0..1500u64)
        .map(|i| {
            let (ts, th) = (T0 + i * 200, i % 10 + 1);
            format!(
                "{ts},50,POST /login,200,OK,TG 1-{th},text,true,,512,100,10,10,http://x/login,45,0,2\n\
                 {ts},50,Login,200,\"Number of samples in transaction : 1, number of failing \
                 samples : 0\",TG 1-{th},,true,,512,100,10,10,null,45,0,2\n"
            )
        })
        .collect();
    t.write("run/results.jtl", format!("{JTL_HEADER}{rows}"));
    let entries: [Entry; 3] = [
        (
            "POST /login",
            1500,
            0,
            50.0,
            50,
            50,
            50.0,
            [50.0, 50.0, 50.0],
            5.0,
        ),
        (
            "Login",
            1500,
            0,
            50.0,
            50,
            50,
            50.0,
            [50.0, 50.0, 50.0],
            5.0,
        ),
        (
            "Total",
            1500,
            0,
            50.0,
            50,
            50,
            50.0,
            [50.0, 50.0, 50.0],
            5.0,
        ),
    ];
    let js = dashboard_js(["90", "95", "99"]).replace(
        "\"items\": []",
        "\"items\": [{\"data\": [\"Login\", 1500], \"isController\": true}, \
         {\"data\": [\"POST /login\", 1500], \"isController\": false}]",
    );
    for dir in ["run", "alone"] {
        t.write(
            &format!("{dir}/report/statistics.json"),
            statistics_json(&entries),
        );
        t.write(&format!("{dir}/report/content/js/dashboard.js"), &js);
    }
    let (code, report, stderr) = analyze_run(&t);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 1500);
    assert_eq!(skipped_kind(&report, "statistics.json"), "same_data");

    let (code, report, stderr) = analyze_json(&[&t.path().join("alone")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 1500);
    let eps = report["stages"][0]["endpoints"].as_array().unwrap();
    let login = eps.iter().find(|e| e["name"] == "Login").unwrap();
    assert_eq!(login["transaction"], true, "{login}");
}

/// The dashboard's top five errors per label (dashboard.js `#top5ErrorsBySamplerTable`,
/// each error type `code/message` as JMeter keys it) give the failures their kinds, as
/// the JTL's rows would: 300 `503`, 150 read timeouts, 40 assertions; the 10 left
/// over the top five shown are `other` (was: all 500 `other`).
#[test]
fn the_dashboards_top_errors_give_failure_kinds() {
    let t = TestDir::new();
    t.write("run/report/statistics.json", statistics_json(&TWO_LABELS));
    let js = format!(
        "{}    createTable($(\"#top5ErrorsBySamplerTable\"), {{\"supportsControllersDiscrimination\": \
         false, \"overall\": {{\"data\": [\"Total\", 3000, 510, \"503/Service Unavailable\", 300, \
         \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"isController\": false}}, \"titles\": \
         [\"Sample\", \"#Samples\", \"#Errors\", \"Error\", \"#Errors\", \"Error\", \"#Errors\", \
         \"Error\", \"#Errors\", \"Error\", \"#Errors\", \"Error\", \"#Errors\"], \"items\": [\
         {{\"data\": [\"run, \\\"agent\\\" é\", 1000, 500, \"503/Service Unavailable\", 300, \
         \"Non HTTP response code: java.net.SocketTimeoutException/Non HTTP response message: \
         Read timed out\", 150, \"Assertion failed\", 40, \"\", \"\", \"\", \"\"], \
         \"isController\": false}}]}}, function(index, item){{ return item; }}, [[2, 1]], 1);\n",
        dashboard_js(["90", "95", "99"])
    );
    t.write("run/report/content/js/dashboard.js", js);
    let (code, report, stderr) = analyze_run(&t);
    assert_eq!(code, 0, "{stderr}");
    let eps = report["stages"][0]["endpoints"].as_array().unwrap();
    let run = eps
        .iter()
        .find(|e| e["name"] == "run, \"agent\" é")
        .unwrap();
    let kinds = &run["failures_by_kind"];
    assert_eq!(kinds["status:503"], 300, "{kinds}");
    assert_eq!(kinds["timeout"], 150, "{kinds}");
    assert_eq!(kinds["assertion"], 40, "{kinds}");
    assert_eq!(kinds["other"], 10, "{kinds}");
    // No error table for `list agents`: its 10 failures are `other`.
    let list = eps.iter().find(|e| e["name"] == "list agents").unwrap();
    assert_eq!(list["failures_by_kind"]["other"], 10, "{list}");
}

/// An XML JTL (`jmeter.save.saveservice.output_format=xml`) that `jmeter -l` appended a
/// second run to: a whole second document after the first `</testResults>`. Only the
/// first (passing) run was read and the failing rerun ignored, silently: a GO. Now the
/// rerun is named (the line of its `<testResults>`) and left out as a run not read:
/// the data is incomplete, never a GO.
#[test]
fn an_xml_jtl_with_an_appended_run_names_it() {
    let t = TestDir::new();
    let doc = |t0: u64, ok: bool| -> String {
        let samples: String = (0..3000u64)
            .map(|i| {
                format!(
                    "<httpSample t=\"50\" lt=\"45\" ts=\"{}\" s=\"{ok}\" lb=\"list agents\" \
                     rc=\"{}\" rm=\"x\" tn=\"TG 1-{}\" dt=\"text\" by=\"512\" ng=\"10\" na=\"10\"/>\n",
                    t0 + i * 100,
                    if ok { 200 } else { 500 },
                    i % 10 + 1
                )
            })
            .collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n\
             {samples}</testResults>\n"
        )
    };
    // Lines 1-2 and 3,000 samples close at line 3,003; the rerun's <testResults> is
    // line 3,005.
    t.write(
        "run/results.jtl",
        format!("{}{}", doc(T0, true), doc(T0 + 3_600_000, false)),
    );
    let (_, out, stderr) = check_json(&t.path().join("run"), &sla(&t), &[]);
    assert_ne!(out["verdict"], "GO", "{out:#} {stderr}");
    let (_, report, _) = analyze_run(&t);
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("line 3005"), "{notes}");
}

/// A JTL whose `elapsed` is empty on some rows (an exporter that writes no time for a
/// sample it gave up on): those rows are requests, counted, but hold no latency, and the
/// report says how many were left out of the latency figures, not silently fewer.
#[test]
fn rows_with_an_empty_elapsed_are_counted_and_said() {
    let dir = TestDir::new();
    let mut text = String::from(JTL_HEADER);
    let (mut kept, mut blank) = (Vec::new(), 0u64);
    for i in 0..300u64 {
        let elapsed = if i % 7 == 3 {
            blank += 1;
            String::new()
        } else {
            let ms = 20 + i % 50;
            kept.push(ms as f64);
            ms.to_string()
        };
        text.push_str(&format!(
            "{},{elapsed},/a,200,OK,TG 1-1,text,true,,512,100,10,10,http://x/a,1,0,0\n",
            1_717_200_000_000 + i * 100
        ));
    }
    let run = dir.write("run/results.jtl", &text);
    let (_, report, stderr) = analyze_json(&[run.parent().unwrap()], &[]);
    assert_eq!(report["overall"]["requests"], 300, "{stderr}");
    // The latency figures are those of the rows with a time (a blank read as 0 ms
    // would pull the minimum to 0 and the mean down by a seventh).
    let latency = &report["overall"]["latency_ms"];
    let mean = kept.iter().sum::<f64>() / kept.len() as f64;
    assert!(
        close(latency["min"].as_f64().unwrap(), 20.0, 0.001),
        "{latency}"
    );
    assert!(
        close(latency["mean"].as_f64().unwrap(), mean, 0.001),
        "{latency}"
    );
    let notes = report["sources"][0]["notes"].to_string();
    assert!(
        notes.contains(&format!("{blank} sample row(s) with an empty `elapsed`")),
        "{notes}"
    );
}
