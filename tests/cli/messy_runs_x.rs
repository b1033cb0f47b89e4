//! Messy runs, batch "x" (qa30): a team that archives what vegeta and JMeter wrote.
//! vegeta's JSON report (`vegeta report -type=json`, also `-every`), Debian's JMeter
//! 2.13 (its headerless 12-column JTL, its summariser's elapsed seconds), and the
//! consoles and side files that arrive gzipped.

use std::io::Write as _;
use std::path::Path;

use serde_json::{json, Value};

use super::common::{analyze_json, check_rules, TestDir};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// The terminal's clear-screen codes vegeta writes before each `-every` report.
const CLEAR: &str = "\u{1b}[2J\u{1b}[0;0H";

/// vegeta's `Metrics` as `vegeta report -type=json` writes it (one line, Go's field
/// order, latencies in ns): mean 25 ms, p50 20, p90 40, p95 55, p99 120, max 900,
/// min 2. `codes` are the status counts; the attack ran `secs` seconds from
/// 2026-12-05T10:00:00Z at `requests / secs` req/s.
fn vegeta_json(requests: u64, secs: u64, codes: &[(&str, u64)], errors: &[&str]) -> String {
    let ms = 1_000_000u64;
    let ok: u64 = (codes.iter())
        .filter(|(c, _)| c.starts_with('2') || c.starts_with('3'))
        .map(|(_, n)| n)
        .sum();
    let status: Vec<String> = codes.iter().map(|(c, n)| format!("\"{c}\":{n}")).collect();
    let errors: Vec<String> = errors.iter().map(|e| json!(e).to_string()).collect();
    let rate = requests as f64 / secs as f64;
    let at = format!("2026-12-05T10:{:02}:{:02}", secs / 60, secs % 60);
    format!(
        "{{\"latencies\":{{\"total\":{},\"mean\":{},\"50th\":{},\"90th\":{},\"95th\":{},\
         \"99th\":{},\"max\":{},\"min\":{}}},\"bytes_in\":{{\"total\":{},\"mean\":512}},\
         \"bytes_out\":{{\"total\":0,\"mean\":0}},\"earliest\":\"2026-12-05T10:00:00Z\",\
         \"latest\":\"{at}Z\",\"end\":\"{at}.02Z\",\"duration\":{},\"wait\":{},\
         \"requests\":{requests},\"rate\":{rate},\"throughput\":{},\"success\":{},\
         \"status_codes\":{{{}}},\"errors\":[{}]}}\n",
        25 * ms * requests,
        25 * ms,
        20 * ms,
        40 * ms,
        55 * ms,
        120 * ms,
        900 * ms,
        2 * ms,
        512 * requests,
        secs * 1_000_000_000,
        20 * ms,
        ok as f64 / (secs as f64 + 0.02),
        ok as f64 / requests as f64,
        status.join(","),
        errors.join(",")
    )
}

const REFUSED: &str =
    "Get \"http://127.0.0.1:8080/\": dial tcp 127.0.0.1:8080: connect: connection refused";

/// A 60 s attack at 50 req/s: 2,970 answered 200, 20 answered 500, 10 got no answer.
fn attack_report() -> String {
    vegeta_json(
        3000,
        60,
        &[("0", 10), ("200", 2970), ("500", 20)],
        &["500 Internal Server Error", REFUSED],
    )
}

fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {report}"))
}

fn skipped_reason<'a>(report: &'a Value, file: &str) -> (&'a str, &'a str) {
    let s = (report["skipped"].as_array().unwrap().iter())
        .find(|s| {
            let path = s["path"].as_str().unwrap();
            path.ends_with(file) || path.ends_with(&format!("{file}.gz"))
        })
        .unwrap_or_else(|| panic!("{file} not skipped: {report}"));
    (s["kind"].as_str().unwrap(), s["reason"].as_str().unwrap())
}

fn analyze_ok(run: &Path, extra: &[&str]) -> Value {
    let (code, report, stderr) = analyze_json(&[run], extra);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, 0, "{stderr}");
    report
}

/// A team's archive holds `vegeta report -type=json > report.json` per stage (the
/// results.bin long gone). Before, the file was "not a load-test result" and the
/// stages were empty; now it is read as vegeta's own summary: its requests, its status
/// counts as failures (500 and the transport errors, by kind), its latencies (ns) as
/// tool-computed percentiles, its `rate` as the stage's arrival rate and its
/// `duration` as the attack's.
#[test]
fn a_vegeta_json_report_is_read_as_vegetas_own_summary() {
    let dir = TestDir::new();
    dir.write(
        "run/01_base/report.json",
        vegeta_json(600, 60, &[("200", 600)], &[]),
    );
    dir.write("run/02_peak/report.json", attack_report());
    let report = analyze_ok(&dir.path().join("run"), &[]);
    assert_eq!(report["problems"], json!([]), "{report}");
    let inputs = report["inputs"].as_array().unwrap();
    assert!(
        inputs.iter().all(|i| i["format"] == "vegeta-report-json"),
        "{inputs:?}"
    );
    let base = stage(&report, "base");
    assert_eq!(base["requests"], 600);
    assert_eq!(base["failures"], 0);
    assert_eq!(base["arrival_rate_rps"], 10.0);
    let peak = stage(&report, "peak");
    assert_eq!(peak["requests"], 3000);
    assert_eq!(peak["failures"], 30);
    assert_eq!(peak["arrival_rate_rps"], 50.0);
    assert_eq!(peak["duration_s"], 60.0);
    assert_eq!(peak["latency_exact"], false);
    let lat = &peak["latency_ms"];
    for (key, ms) in [
        ("mean", 25.0),
        ("min", 2.0),
        ("p50", 20.0),
        ("p90", 40.0),
        ("p95", 55.0),
        ("p99", 120.0),
        ("max", 900.0),
    ] {
        assert_eq!(lat[key], ms, "{key}: {lat}");
    }
    let kinds = &peak["failures_by_kind"];
    assert_eq!(kinds["status:500"], 20, "{kinds}");
    let refused: u64 = (kinds.as_object().unwrap().iter())
        .filter(|(k, _)| k.contains("refused") || k.contains("connect"))
        .map(|(_, n)| n.as_u64().unwrap())
        .sum();
    assert_eq!(refused, 10, "{kinds}");
    // Labelled as vegeta's estimates, not headroom's.
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("vegeta's own estimates"), "{notes}");
    // 1% failed: an SLA of 0.5% is not met.
    let (code, stdout, stderr) =
        check_rules(&dir, &dir.path().join("run"), "\"error_rate < 0.5%\"");
    assert_ne!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("NO-GO"), "{stdout}{stderr}");
}

/// `vegeta report -type=json -every 10s > report.json`: the report is written again at
/// each interval, after the terminal's clear-screen codes, each the attack so far. The
/// last is the whole attack and is read (1,000, 2,000, then 3,000 requests: 3,000).
/// Reports of two attacks appended with `>>` are not snapshots: the first is read and
/// the other named.
#[test]
fn a_vegeta_json_report_written_every_interval_reads_its_last() {
    let dir = TestDir::new();
    let every = format!(
        "{CLEAR}{}{CLEAR}{}{}",
        vegeta_json(1000, 20, &[("200", 1000)], &[]),
        vegeta_json(2000, 40, &[("200", 1995), ("500", 5)], &[]),
        vegeta_json(3000, 60, &[("200", 2990), ("500", 10)], &[]),
    );
    dir.write("every/report.json", every);
    let report = analyze_ok(&dir.path().join("every"), &[]);
    assert_eq!(report["problems"], json!([]), "{report}");
    assert_eq!(report["overall"]["requests"], 3000);
    assert_eq!(report["overall"]["failures"], 10);
    assert_eq!(report["overall"]["duration_s"], 60.0);
    assert_ne!(report["run"]["complete"], false, "{report}");

    let mut second = vegeta_json(500, 10, &[("200", 500)], &[]);
    second = second.replace("2026-12-05T10:00:00Z", "2026-12-05T11:00:00Z");
    dir.write("appended/report.json", attack_report() + &second);
    let report = analyze_ok(&dir.path().join("appended"), &[]);
    assert_eq!(report["overall"]["requests"], 3000, "{report}");
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("appended"), "{notes}");
}

/// vegeta's text report, `-every 10s`: the same, in text. Before, the reports after
/// the clear-screen codes were not found (`Requests` did not start their line) and
/// the first `Error Set:` ended the read: the file was refused; now the last report
/// (3,000 requests) is read.
#[test]
fn a_vegeta_text_report_written_every_interval_reads_its_last() {
    let report = |n: u64, ok: u64, bad: u64| {
        format!(
            "Requests      [total, rate, throughput]         {n}, 50.00, {:.2}\n\
             Duration      [total, attack, wait]             {}s, {}s, 20ms\n\
             Latencies     [min, mean, 50, 90, 95, 99, max]  2ms, 25ms, 20ms, 40ms, 55ms, 120ms, 900ms\n\
             Bytes In      [total, mean]                     0, 0.00\n\
             Bytes Out     [total, mean]                     0, 0.00\n\
             Success       [ratio]                           {:.2}%\n\
             Status Codes  [code:count]                      200:{ok}  500:{bad}  \n\
             Error Set:\n{}",
            ok as f64 / (n as f64 / 50.0),
            n / 50,
            n / 50,
            100.0 * ok as f64 / n as f64,
            if bad > 0 { "500 Internal Server Error\n" } else { "" }
        )
    };
    let dir = TestDir::new();
    dir.write(
        "every/report.txt",
        format!(
            "{CLEAR}{}{CLEAR}{}{}",
            report(1000, 1000, 0),
            report(2000, 1995, 5),
            report(3000, 2990, 10)
        ),
    );
    let out = analyze_ok(&dir.path().join("every"), &[]);
    assert_eq!(out["problems"], json!([]), "{out}");
    assert_eq!(out["inputs"][0]["format"], "vegeta-text");
    assert_eq!(out["overall"]["requests"], 3000);
    assert_eq!(out["overall"]["failures"], 10);
    assert_eq!(out["overall"]["duration_s"], 60.0);
    assert_eq!(out["overall"]["latency_ms"]["p99"], 120.0);
}

/// vegeta's per-request CSV (`vegeta encode --to csv`) of 100 requests, 1 s apart
/// from 2026-12-05T10:00:00Z, `bad` of them answered 500, 20 ms each.
fn vegeta_csv(n: u64, bad: u64) -> String {
    let start = 1_796_464_800_000_000_000u64;
    (0..n)
        .map(|i| {
            let code = if i < bad { 500 } else { 200 };
            let err = if code == 500 {
                "500 Internal Server Error"
            } else {
                ""
            };
            format!(
                "{},{code},20000000,0,512,\"{err}\"\n",
                start + i * 1_000_000_000
            )
        })
        .collect()
}

/// The JSON report beside the attack's per-request results: the encoded CSV is the
/// measurement, the report is checked against it and skipped (same counts: the same
/// attack; other counts: another attack's, the data incomplete). Beside results.bin
/// alone (gob, which headroom cannot decode), the report is what is read.
#[test]
fn a_vegeta_json_report_beside_its_per_request_results_is_checked_and_skipped() {
    let dir = TestDir::new();
    dir.write("same/results.csv", vegeta_csv(100, 2));
    dir.write(
        "same/report.json",
        vegeta_json(
            100,
            100,
            &[("200", 98), ("500", 2)],
            &["500 Internal Server Error"],
        ),
    );
    let report = analyze_ok(&dir.path().join("same"), &[]);
    assert_eq!(report["overall"]["requests"], 100, "{report}");
    assert_eq!(report["overall"]["failures"], 2);
    assert_eq!(report["overall"]["latency_exact"], true);
    let (kind, why) = skipped_reason(&report, "report.json");
    assert_eq!(kind, "same_data", "{why}");
    assert!(
        why.contains("JSON report") && why.contains("100 requests"),
        "{why}"
    );
    assert_ne!(report["data_quality"], "incomplete", "{report}");

    dir.write("other/results.csv", vegeta_csv(100, 2));
    dir.write("other/report.json", attack_report());
    let report = analyze_ok(&dir.path().join("other"), &[]);
    assert_eq!(report["overall"]["requests"], 100, "{report}");
    let (kind, why) = skipped_reason(&report, "report.json");
    assert_eq!(kind, "other_data", "{why}");
    assert!(why.contains("3000 requests"), "{why}");

    // results.bin: a gob stream's first bytes, then the report.
    let mut gob = vec![0xff, 0x96, 0x7f, 0x03, 0x01, 0x01, 0x06];
    gob.extend_from_slice(b"Result\x01\xff\x80\x00\x01\x0c\x01\x06Attack\x01\x0c\x00\x01\x03Seq\x01\x06\x00\x01\x04Code\x01\x06\x00\x01\x09Timestamp\x01\xff\x82\x00\x01\x07Latency\x01\x04\x00");
    gob.extend(std::iter::repeat_n(0x42u8, 200));
    dir.write("bin/results.bin", &gob);
    dir.write("bin/report.json", attack_report());
    let report = analyze_ok(&dir.path().join("bin"), &[]);
    assert_eq!(report["overall"]["requests"], 3000, "{report}");
    let (_, why) = skipped_reason(&report, "results.bin");
    assert!(why.contains("vegeta encode"), "{why}");
}

/// JMeter 2.13's headerless CSV JTL (Debian's jmeter package: `print_field_names`
/// false, its 12 default columns `timeStamp,elapsed,label,responseCode,
/// responseMessage,threadName,dataType,success,bytes,grpThreads,allThreads,Latency`):
/// `threads` threads, 100 samples each, 50 ms apart per thread from
/// 2026-12-05T10:00:00Z; sample i takes `10 + i % 40` ms; every 50th of the `home`
/// label answered 500 (unsuccessful).
fn jtl_213(threads: u64) -> (String, u64, u64) {
    let start = 1_796_464_800_000u64;
    let mut out = String::new();
    let (mut n, mut errors) = (0, 0);
    for i in 0..100u64 {
        for t in 1..=threads {
            let ms = 10 + (n % 40);
            let bad = n % 50 == 49;
            let (code, msg, ok) = if bad {
                (500, "Internal Server Error", false)
            } else {
                (200, "OK", true)
            };
            out.push_str(&format!(
                "{},{ms},home,{code},{msg},users 1-{t},text,{ok},199,{threads},{threads},{ms}\n",
                start + i * 50 + t
            ));
            n += 1;
            errors += u64::from(bad);
        }
    }
    (out, n, errors)
}

/// JMeter 2.13's console for `samples` samples, `errors` failed, over 5.2 s: its
/// summariser prints the elapsed time in seconds (`in   5.2s`), not `00:00:05`.
fn console_213(samples: u64, errors: u64) -> String {
    format!(
        "Creating summariser <summary>\n\
         Created the tree successfully using plan.jmx\n\
         Starting the test @ Sat Dec 05 10:00:00 UTC 2026 (1796464800000)\n\
         Waiting for possible shutdown message on port 4445\n\
         summary +      1 in   0.1s =   13.9/s Avg:    10 Min:    10 Max:    10 Err:     0 (0.00%) Active: 4 Started: 4 Finished: 0\n\
         summary +    {} in     5s =   79.8/s Avg:    29 Min:    10 Max:    49 Err:  {errors} ({:.2}%) Active: 0 Started: 4 Finished: 4\n\
         summary =    {samples} in   5.2s =   {:.1}/s Avg:    29 Min:    10 Max:    49 Err:  {errors} ({:.2}%)\n\
         Tidying up ...    @ Sat Dec 05 10:00:05 UTC 2026 (1796464805200)\n\
         ... end of run\n",
        samples - 1,
        100.0 * errors as f64 / (samples - 1) as f64,
        samples as f64 / 5.2,
        100.0 * errors as f64 / samples as f64,
    )
}

/// Debian's JMeter 2.13 run (`jmeter -n -t plan.jmx -l results.jtl | tee console.txt`)
/// in a dir not named for its users: its headerless 12-column JTL gives the users (4,
/// from allThreads) and its console is checked against it. Before, the JTL's columns
/// after `success` were left unplaced (users unknown, no users over time) and the
/// console's `summary = 400 in 5.2s` lines were not seen: "without summariser lines:
/// nothing to check".
#[test]
fn jmeter_213s_headerless_jtl_and_console_are_read_and_checked() {
    let dir = TestDir::new();
    let (jtl, samples, errors) = jtl_213(4);
    assert_eq!((samples, errors), (400, 8));
    dir.write("run/results.jtl", &jtl);
    dir.write("run/console.txt", console_213(samples, errors));
    let report = analyze_ok(&dir.path().join("run"), &[]);
    assert_eq!(report["problems"], json!([]), "{report}");
    assert_eq!(report["overall"]["requests"], 400);
    assert_eq!(report["overall"]["failures"], 8);
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 1, "{stages:?}");
    assert_eq!(stages[0]["users"], 4, "{}", stages[0]);
    let hint = report["inputs"].to_string();
    assert!(hint.contains("2.x's 12 default columns"), "{hint}");
    let (kind, why) = skipped_reason(&report, "console.txt");
    assert_eq!(kind, "same_data", "{why}");
    assert!(why.contains("400 samples, 8 errors"), "{why}");

    // Another run's console (one sample more): the JTL is not the whole run.
    dir.write("other/results.jtl", &jtl);
    dir.write("other/console.txt", console_213(401, errors));
    let report = analyze_ok(&dir.path().join("other"), &[]);
    let (kind, why) = skipped_reason(&report, "console.txt");
    assert_eq!(kind, "other_data", "{why}");
}

/// JMeter 2.13's console alone (the JTL not archived): read as the summariser's
/// totals — 400 samples, 8 errors, over 5.2 s, mean 29, min 10, max 49 ms. Before,
/// "without a summariser line": the run was refused.
#[test]
fn jmeter_213s_console_alone_is_read_as_its_summarisers_totals() {
    let dir = TestDir::new();
    dir.write("run/console.txt", console_213(400, 8));
    let report = analyze_ok(&dir.path().join("run"), &[]);
    assert_eq!(report["problems"], json!([]), "{report}");
    let all = &report["overall"];
    assert_eq!(all["requests"], 400);
    assert_eq!(all["failures"], 8);
    assert_eq!(all["duration_s"], 5.2);
    assert_eq!(all["latency_ms"]["mean"], 29.0);
    assert_eq!(all["latency_ms"]["min"], 10.0);
    assert_eq!(all["latency_ms"]["max"], 49.0);
}

/// A file of a run: its name, its text, and whether the packed copy gzips it.
type TextFile = (&'static str, String, bool);
/// [`TextFile`] as bytes.
type PackedFile = (&'static str, Vec<u8>, bool);

/// k6 0.3x's console summary: 1,200 requests, 30 failed, at 10 VUs.
fn k6_console() -> String {
    "\n     execution: local\n        script: script.js\n        output: -\n\n     \
     scenarios: (100.00%) 1 scenario, 10 max VUs, 1m0s max duration (incl. graceful stop):\n              \
     * default: 10 looping VUs for 30s (gracefulStop: 30s)\n\n\nrunning (0m30.0s), 00/10 VUs, 1200 \
     complete and 0 interrupted iterations\ndefault ✓ [ 100% ] 10 VUs  30s\n\n     \
     checks.........................: 97.50% ✓ 1170      ✗ 30   \n     \
     http_req_duration..............: avg=52.3ms  min=1.2ms  med=48.2ms  max=900ms  p(90)=90.12ms p(95)=110ms\n     \
     http_req_failed................: 2.50%  ✓ 30        ✗ 1170 \n     \
     http_reqs......................: 1200   40.000000/s\n     \
     iterations.....................: 1200   40.000000/s\n     \
     vus............................: 10     min=10       max=10\n     \
     vus_max........................: 10     min=10       max=10\n"
        .into()
}

/// Locust's CSVs of a 10 s run (100 requests, 2 failed) and its console, whose last
/// table counts `n` requests (more than the CSVs when Locust rewrote them last before
/// its end).
fn locust_files(n: u64) -> Vec<TextFile> {
    let stats = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response \
Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,60%,\
70%,80%,90%,95%,99%,99.9%,99.99%,100%\n\
GET,/api,100,2,20,21.5,5,90,91.0,10.0,0.2,20,22,25,28,35,40,80,90,90,90\n\
,Aggregated,100,2,20,21.5,5,90,91.0,10.0,0.2,20,22,25,28,35,40,80,90,90,90\n";
    let console = format!(
        "[2026-12-05 10:00:00,000] host/INFO/locust.main: Starting Locust 2.31.0\n\
         Type     Name   # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s\n\
         --------|------|-------|-------------|-------|-------|-------|-------|--------|-----------\n\
         GET      /api      {n}     2(2.00%) |     21       5      90     20 |   10.00        0.20\n\
         --------|------|-------|-------------|-------|-------|-------|-------|--------|-----------\n\
         \x20        Aggregated      {n}     2(2.00%) |     21       5      90     20 |   10.00        0.20\n\
         [2026-12-05 10:00:10,000] host/INFO/locust.main: Shutting down (exit code 1)\n"
    );
    vec![
        ("run_stats.csv", stats.to_string(), false),
        ("console.log", console, true),
    ]
}

/// Artillery 2's report of 600 requests (p95 80, p99 85 ms) and its console, whose
/// `ensure` check `p99 < 50` failed.
fn artillery_files() -> Vec<TextFile> {
    let n = 600;
    let t0: i64 = 1_796_464_800_000;
    let report = format!(
        "{{\"aggregate\":{{\"counters\":{{\"http.requests\":{n},\"http.codes.200\":{n},\
         \"http.responses\":{n},\"vusers.created\":{n},\"vusers.completed\":{n}}},\
         \"summaries\":{{\"http.response_time\":{{\"min\":8,\"max\":90,\"count\":{n},\"mean\":40,\
         \"p50\":37,\"median\":37,\"p95\":80,\"p99\":85}}}},\
         \"firstCounterAt\":{t0},\"lastCounterAt\":{}}},\"intermediate\":[]}}",
        t0 + 60_000
    );
    let dots = |k: &str, v: &str| format!("{k}: {} {v}\n", ".".repeat(70 - k.len()));
    let console = format!(
        "Test run id: tabcd_x\nPhase started: unnamed (index: 0, duration: 60s) 10:00:00(+0000)\n\n\
         Phase completed: unnamed (index: 0, duration: 60s) 10:01:00(+0000)\n\n\
         --------------------------------\nSummary report @ 10:01:02(+0000)\n\
         --------------------------------\n\n{}{}{}http.response_time:\n{}{}{}{}\
         Checks:\nok: maxErrorRate < 1\nfail: p99 < 50\n",
        dots("http.codes.200", &n.to_string()),
        dots("http.request_rate", "10/sec"),
        dots("http.requests", &n.to_string()),
        dots("  min", "8"),
        dots("  max", "90"),
        dots("  p95", "80"),
        dots("  p99", "85"),
    );
    vec![
        ("report.json", report, false),
        ("console.txt", console, true),
    ]
}

/// JMeter's dashboard (`report/` of `jmeter -g … -o report/`) packed with `gzip -r`:
/// its statistics (3,000 samples, 510 errors) and dashboard.js, whose table titles
/// the levels 75, 99.9 and 99.99 (so p95 is unknown, p99.9 600 ms).
fn dashboard_files() -> Vec<TextFile> {
    let stats = format!(
        "{{{}, {}}}",
        crate::messy_runs_n::dashboard_row("list", 3000, 510, 180.0, 400.0, 30.0),
        crate::messy_runs_n::dashboard_row("Total", 3000, 510, 180.0, 400.0, 30.0)
    );
    let js = "    createTable($(\"#statisticsTable\"), {\"supportsControllersDiscrimination\": \
true, \"overall\": {\"data\": [\"Total\", 3000, 510, 17.0, 180.0, 1, 900, 180.0, 320.0, 400.0, \
600.0, 30.0, 1.0, 1.0], \"isController\": false}, \"titles\": [\"Label\", \"#Samples\", \
\"FAIL\", \"Error %\", \"Average\", \"Min\", \"Max\", \"Median\", \"75th pct\", \"99.9th pct\", \
\"99.99th pct\", \"Transactions/s\", \"Received\", \"Sent\"], \"items\": []}, \
function(index, item){\n        return item;\n    }, [[0, 0]], 0);\n";
    vec![
        ("report/statistics.json", stats, true),
        ("report/content/js/dashboard.js", js.to_string(), true),
    ]
}

/// Gatling 3.13's binary `simulation.log`: 5 users, 200 requests of `home`, 10 ms apart, each
/// 20 + i % 30 ms, every 25th failed.
fn gatling_binary_log() -> Vec<u8> {
    let t0 = 1_796_464_800_000i64;
    let mut log = crate::gatling_binary::BinLog::new("3.13.1", t0, &["scn"]);
    for _ in 0..5 {
        log.user(0, true, t0);
    }
    for i in 0..200i64 {
        let start = t0 + 10 * i;
        let ok = i % 25 != 24;
        let msg = if ok {
            ""
        } else {
            "status.find.is(200), but actually found 500"
        };
        log.request(&[], "home", (start, start + 20 + i % 30), ok, msg);
    }
    for _ in 0..5 {
        log.user(0, false, t0 + 2_100);
    }
    log.into_bytes()
}

/// headroom's generic per-request CSV: 300 requests, 100 ms apart, `20 + i % 50` ms,
/// every 30th a 503.
fn generic_csv() -> String {
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,users\n");
    for i in 0..300u64 {
        let status = if i % 30 == 29 { 503 } else { 200 };
        csv.push_str(&format!(
            "{},/api/items,GET,{},{status},5\n",
            1_796_464_800_000u64 + i * 100,
            20 + i % 50
        ));
    }
    csv
}

/// A run's figures that must not change with how its files were packed: totals,
/// stages, what was skipped (named as unpacked) and why, the tool's own checks.
fn figures(report: &Value) -> Value {
    let stages: Vec<Value> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            json!([
                s["name"],
                s["users"],
                s["requests"],
                s["failures"],
                s["latency_ms"],
                s["duration_s"],
                s["failures_by_kind"]
            ])
        })
        .collect();
    let skipped: Vec<Value> = (report["skipped"].as_array().unwrap().iter())
        .map(|s| {
            let path = s["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().trim_end_matches(".gz");
            json!([name, s["kind"]])
        })
        .collect();
    json!({
        "overall": [report["overall"]["requests"], report["overall"]["failures"],
            report["overall"]["latency_ms"], report["overall"]["throughput_rps"]],
        "stages": stages,
        "skipped": skipped,
        "checks": (report["tool_checks"].as_array().unwrap().iter())
            .map(|c| json!([c["tool"], c["name"], c["passed"]]))
            .collect::<Vec<_>>(),
        "complete": report["run"]["complete"],
        "quality": report["data_quality"],
    })
}

/// Consoles (JMeter's console and jmeter.log, k6's, Locust's, Artillery's), JMeter's
/// dashboard, Gatling's binary log, an interval log and the generic CSV, each packed
/// with gzip (`console.txt.gz`, `jmeter.log.gz`, `requests.csv.gz`, a dashboard
/// `gzip -r`'d), read to the same figures as unpacked: the same totals, stages and
/// latencies, the same files checked and skipped for the same reasons, the same tool
/// checks. Before, each was "gzip-compressed …: decompress it first" (a console
/// beside its results went unchecked; alone, the run had no results).
#[test]
fn consoles_dashboards_and_logs_read_gzipped_as_unpacked() {
    let (jtl, samples, errors) = jtl_213(4);
    let jmeter_log: String = console_213(samples, errors)
        .lines()
        .map(|l| format!("2026/12/05 10:00:05 INFO  - jmeter.reporters.Summariser: {l} \n"))
        .collect::<String>()
        + "2026/12/05 10:00:05 INFO  - jmeter.JMeter: Notifying test listeners of end of test \n";
    let text = |files: Vec<TextFile>| -> Vec<PackedFile> {
        files
            .into_iter()
            .map(|(n, t, p)| (n, t.into_bytes(), p))
            .collect()
    };
    let cases: Vec<(&str, Vec<PackedFile>, u64)> = vec![
        (
            "jmeter-console",
            text(vec![("console.txt", console_213(samples, errors), true)]),
            400,
        ),
        (
            "jmeter-log",
            text(vec![
                ("results.jtl", jtl, false),
                ("jmeter.log", jmeter_log, true),
            ]),
            400,
        ),
        (
            "k6-console",
            text(vec![("console.txt", k6_console(), true)]),
            1200,
        ),
        ("locust-console", text(locust_files(110)), 100),
        ("artillery-console", text(artillery_files()), 600),
        ("dashboard", text(dashboard_files()), 3000),
        (
            "gatling-binary",
            vec![("simulation.log", gatling_binary_log(), true)],
            200,
        ),
        (
            "hlog",
            text(vec![(
                "latency.hlog",
                super::common::drive_hlog(10, 50, 20_000),
                true,
            )]),
            500,
        ),
        (
            "generic-csv",
            text(vec![("requests.csv", generic_csv(), true)]),
            300,
        ),
    ];
    let dir = TestDir::new();
    for (case, files, requests) in cases {
        for (name, bytes, pack) in &files {
            dir.write(&format!("plain/{case}/{name}"), bytes);
            let packed = if *pack { gzip(bytes) } else { bytes.clone() };
            let name = if *pack {
                format!("{name}.gz")
            } else {
                name.to_string()
            };
            dir.write(&format!("gz/{case}/{name}"), packed);
        }
        let a = analyze_ok(&dir.path().join("plain").join(case), &[]);
        let (code, b, stderr) = analyze_json(&[&dir.path().join("gz").join(case)], &[]);
        assert_eq!(code, 0, "{case}.gz: {stderr}");
        assert!(
            !stderr.contains("decompress") && !stderr.contains("unpack"),
            "{case}: {stderr}"
        );
        assert_eq!(b["problems"], json!([]), "{case}.gz: {b}");
        assert_eq!(a["overall"]["requests"], requests, "{case}: {a}");
        assert_eq!(figures(&a), figures(&b), "{case}");
        let formats = |r: &Value| -> Vec<Value> {
            (r["inputs"].as_array().unwrap().iter())
                .map(|i| i["format"].clone())
                .collect()
        };
        assert_eq!(formats(&a), formats(&b), "{case}");
    }
}

/// Debian's JMeter 2.13 on an engine in Paris (UTC+1) with
/// `timestamp_format=yyyy/MM/dd HH:mm:ss.SSS`: its headerless JTL dates each sample
/// in local time (11:00:00.005 for 10:00:00.005 UTC), and its console says when the
/// test started in both forms. The JTL's times are moved back by the console's
/// offset, with the console plain or gzipped. Before, a headerless JTL (2.13's
/// default) was never looked at for its zone, nor a gzipped console read: the stage
/// started at 11:00Z, an hour late.
#[test]
fn a_headerless_jtl_dated_in_local_time_lines_up_by_its_console_plain_or_gzipped() {
    let mut jtl = String::new();
    for i in 0..200u64 {
        let (s, ms) = (i / 20, 5 + (i % 20) * 50);
        jtl.push_str(&format!(
            "2026/12/05 11:00:{s:02}.{ms:03},{},home,200,OK,users 1-{},text,true,199,2,2,20\n",
            20 + i % 10,
            1 + i % 2
        ));
    }
    let console = "Creating summariser <summary>\n\
         Created the tree successfully using plan.jmx\n\
         Starting the test @ Sat Dec 05 11:00:00 CET 2026 (1796464800000)\n\
         Waiting for possible shutdown message on port 4445\n\
         summary =    200 in  10.1s =   19.8/s Avg:    24 Min:    20 Max:    29 Err:     0 (0.00%)\n\
         Tidying up ...    @ Sat Dec 05 11:00:10 CET 2026 (1796464810100)\n\
         ... end of run\n";
    let dir = TestDir::new();
    dir.write("plain/results.jtl", &jtl);
    dir.write("plain/console.txt", console);
    dir.write("gz/results.jtl", &jtl);
    dir.write("gz/console.txt.gz", gzip(console.as_bytes()));
    for run in ["plain", "gz"] {
        let report = analyze_ok(&dir.path().join(run), &[]);
        assert_eq!(report["overall"]["requests"], 200, "{run}: {report}");
        let stages = report["stages"].as_array().unwrap();
        assert_eq!(stages[0]["start"], "2026-12-05T10:00:00.005Z", "{run}");
        let notes = report["sources"][0]["notes"].to_string();
        assert!(notes.contains("UTC+01:00"), "{run}: {notes}");
        let (kind, why) = skipped_reason(&report, "console.txt");
        assert_eq!(kind, "same_data", "{run}: {why}");
    }
}
