//! Known wrong judgements on real run dirs (qa11): a rate made up for requests that
//! all started at one instant, and the other items of that round. Every fixture is
//! written here in the tool's own format, and the expected figures follow from its
//! arithmetic.

use serde_json::Value;

use super::common::{analyze_json, headroom, TestDir};
use crate::check::check_json;

/// JMeter's default CSV JTL header (JMeter 5.x).
const JTL_HEADER: &str = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,\
dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n";

/// A JTL row of `GET /api` started at `t_ms`, answered 200 in 120 ms, by thread `n`
/// of `users`.
fn jtl_row(t_ms: u64, n: u32, users: u32) -> String {
    format!(
        "{t_ms},120,GET /api,200,OK,TG 1-{n},text,true,,512,100,{users},{users},http://x/api,110,0,5\n"
    )
}

/// H9: one request, or 50 that all started in the same millisecond, measure no span:
/// the stage's throughput is unknown (was 1,000 req/s for one request, 50 req/s for
/// the burst, from a window of the clock's resolution), and a throughput rule on it
/// lacks the data (was `pass`). Two requests 400 ms apart still make a rate: 2 over
/// the span from the first start to the last answer (each takes 120 ms), 2 ÷ 0.520 s.
#[test]
fn requests_at_one_instant_have_no_throughput() {
    let t = TestDir::new();
    let t0 = 1_796_376_447_123u64;
    let one = t.write(
        "one/results.jtl",
        format!("{JTL_HEADER}{}", jtl_row(t0, 1, 1)),
    );
    let burst: String = (1..=50).map(|n| jtl_row(t0 - 123, n, 50)).collect();
    let burst = t.write("burst/results.jtl", format!("{JTL_HEADER}{burst}"));
    let two = format!(
        "{JTL_HEADER}{}{}",
        jtl_row(t0, 1, 1),
        jtl_row(t0 + 400, 1, 1)
    );
    let two = t.write("two/results.jtl", two);
    let sla = t.write("sla.toml", "[global]\nrules = [\"throughput >= 0.5/s\"]\n");

    for (file, requests) in [(&one, 1), (&burst, 50)] {
        let dir = file.parent().unwrap();
        let (code, report, stderr) = analyze_json(&[dir], &[]);
        assert_eq!(code, 0, "{stderr}");
        let stage = &report["stages"][0];
        assert_eq!(stage["requests"], requests);
        assert!(stage["throughput_rps"].is_null(), "{dir:?}: {stage}");
        assert!(stage["goodput_rps"].is_null(), "{dir:?}: {stage}");
        assert!(report["overall"]["throughput_rps"].is_null());
        let warned = report["warnings"].as_array().unwrap().iter();
        assert!(
            warned
                .filter_map(Value::as_str)
                .any(|w| w.contains("one instant")),
            "{}",
            report["warnings"]
        );

        let (code, check, _) = check_json(dir, &sla, &[]);
        assert_eq!(code, 0);
        assert_ne!(check["verdict"], "GO", "{check}");
        for rule in check["sla"]["rules"].as_array().unwrap() {
            assert_eq!(rule["status"], "insufficient_data", "{rule}");
            assert!(rule["value"].is_null());
            assert!(rule["note"].as_str().unwrap().contains("no measured span"));
        }
    }

    let (code, report, stderr) = analyze_json(&[two.parent().unwrap()], &[]);
    assert_eq!(code, 0, "{stderr}");
    let rps = report["stages"][0]["throughput_rps"].as_f64().unwrap();
    assert!((rps - 2.0 / 0.520).abs() < 1e-6, "{rps}");
}

/// A Gatling 3.9 text `simulation.log` of simulation `mysim` started at `t0` ms:
/// 5 users, `n` requests of `GET home` 100 ms apart, each `latency` ms.
fn gatling_log(t0: u64, n: u64, latency: u64) -> String {
    let mut log = format!("RUN\tsimulations.MySim\tmysim\t{t0}\t \t3.9.5\n");
    for u in 0..5 {
        log.push_str(&format!("USER\tLoad\tSTART\t{}\n", t0 + 100 + u * 10));
    }
    for i in 0..n {
        let s = t0 + 200 + i * 100;
        log.push_str(&format!(
            "REQUEST\t\tGet Home\t{s}\t{}\tOK\t \n",
            s + latency
        ));
    }
    for u in 0..5 {
        log.push_str(&format!("USER\tLoad\tEND\t{}\n", t0 + 200 + n * 100 + u));
    }
    log
}

/// R14: `target/gatling/` holding two runs of one simulation (Gatling names each run's
/// dir `<simulation>-<yyyyMMddHHmmssSSS>`) is two runs, not two stages of one: the
/// latest (300 requests at 40 ms) is analysed, the earlier (200 at 20 ms) set aside
/// with a warning naming both (was one run of 2 stages and 500 requests).
#[test]
fn gatling_results_folder_with_two_runs_reads_the_latest() {
    let t = TestDir::new();
    // 2026-12-01T09:30:00.123Z and 2026-12-02T10:15:00.456Z.
    let (t1, t2) = (1_796_117_400_123u64, 1_796_206_500_456u64);
    t.write(
        "target/gatling/mysim-20261201093000123/simulation.log",
        gatling_log(t1, 200, 20),
    );
    t.write(
        "target/gatling/mysim-20261202101500456/simulation.log",
        gatling_log(t2, 300, 40),
    );
    let (code, report, stderr) = analyze_json(&[&t.path().join("target/gatling")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 1, "{}", report["stages"]);
    assert_eq!(stages[0]["requests"], 300);
    // 40 ms within the histogram's 3 significant digits.
    let p50 = stages[0]["latency_ms"]["p50"].as_f64().unwrap();
    assert!((p50 - 40.0).abs() <= 0.05, "{p50}");
    assert_eq!(report["overall"]["requests"], 300);
    let skipped = report["skipped"].as_array().unwrap();
    let earlier = skipped.iter().find(|s| s["kind"] == "earlier_run").unwrap();
    assert!(earlier["path"]
        .as_str()
        .unwrap()
        .ends_with("mysim-20261201093000123"));
    let warned = report["warnings"].as_array().unwrap().iter();
    let warning = warned
        .filter_map(Value::as_str)
        .find(|w| w.contains("2 runs of Gatling simulation mysim"))
        .unwrap_or_else(|| panic!("{}", report["warnings"]));
    assert!(warning.contains("the latest, mysim-20261202101500456"));
}

/// R9: a JMeter run dir laid out as `results/results.jtl` beside `report/` (the HTML
/// dashboard of `jmeter -g … -o report`) is one run whose stage is named after the
/// run dir, not after the generic `results` container (was a stage `results`). Two
/// such run dirs read together are two stages named after their run dirs.
#[test]
fn generic_results_dir_names_no_stage() {
    let t = TestDir::new();
    let t0 = 1_796_376_447_007u64;
    for (run, users) in [("baseline", 10), ("peak", 40)] {
        let rows: String = (0..600)
            .map(|i| jtl_row(t0 + i * 100, (i % users as u64) as u32 + 1, users))
            .collect();
        t.write(
            &format!("{run}/results/results.jtl"),
            format!("{JTL_HEADER}{rows}"),
        );
        t.write(
            &format!("{run}/report/index.html"),
            "<!DOCTYPE html>\n<html><head><title>Apache JMeter Dashboard</title></head></html>\n",
        );
        t.write(
            &format!("{run}/report/statistics.json"),
            "{\n    \"Total\" : {\n        \"transaction\" : \"Total\",\n        \"sampleCount\" : 600,\n        \"errorCount\" : 0\n    }\n}\n",
        );
        t.write(
            &format!("{run}/report/content/js/dashboard.js"),
            "var x = 1;\n",
        );
    }
    let (code, report, stderr) = analyze_json(&[&t.path().join("baseline")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let names: Vec<&str> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["baseline"]);

    let both = [&t.path().join("baseline"), &t.path().join("peak")];
    let (code, report, stderr) = analyze_json(&both.map(|p| p.as_path()), &[]);
    assert_eq!(code, 0, "{stderr}");
    let names: Vec<&str> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["baseline", "peak"]);
}

/// H13: a drive stopped in its first stage's ramp (here by `max_duration` = 2.5 s, the
/// same stop path as Ctrl-C) ran at the users it reached, not its planned 40: at 1
/// user/s from the stage's start, users are due at 0, 1 and 2 s, the fourth at 3 s
/// after the stop, so 3 users (was 40 in run.toml, the end-of-run table and `analyze`).
#[test]
fn drive_stopped_in_its_first_ramp_reports_the_users_reached() {
    use super::drive::{drive, serial, start_target};
    let _g = serial();
    let t = TestDir::new();
    let target = start_target("fast", &[]);
    let scenario = format!(
        "base_url = \"http://127.0.0.1:{}\"\nthink_time = \"constant(0.1)\"\n\
         max_duration = \"2500ms\"\n\
         [[task]]\npath = \"/api/v1/agents\"\ntimeout = \"5s\"\n\
         [[stage]]\nname = \"ramp\"\nusers = 40\nspawn_rate = 1\nduration = \"30s\"\n",
        target.port
    );
    let scenario = t.write("ramp.toml", scenario);
    let out = t.path().join("run");
    let (status, stdout, stderr) = drive(
        &[
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--json",
            "-q",
        ],
        std::time::Duration::from_secs(60),
    );
    drop(target);
    assert!(matches!(status.code(), Some(0 | 1)), "{stdout}\n{stderr}");
    let driven: Value = serde_json::from_str(&stdout).expect("drive --json");
    assert_eq!(driven["complete"], false, "{driven}");
    assert_eq!(driven["stages"][0]["users"], 3, "{driven}");
    let manifest = std::fs::read_to_string(out.join("run.toml")).unwrap();
    let manifest: toml::Value = toml::from_str(&manifest).unwrap();
    assert_eq!(manifest["stage"][0]["users"].as_integer(), Some(3));
    let (code, report, stderr) = analyze_json(&[&out], &[]);
    assert!(matches!(code, 0 | 1), "{stderr}");
    assert_eq!(report["stages"][0]["users"], 3);
}

/// vegeta's text report (vegeta 12's layout) of an attack of 100 requests over an
/// attack of 1.98 s: 95 answered 200, 3 answered 500, 2 refused (code 0).
const VEGETA_REPORT: &str = "\
Requests      [total, rate, throughput]         100, 50.51, 47.98
Duration      [total, attack, wait]             1.982s, 1.98s, 1.99ms
Latencies     [min, mean, 50, 90, 95, 99, max]  200µs, 1.445ms, 1.49ms, 1.89ms, 1.94ms, 1.98ms, 1.99ms
Bytes In      [total, mean]                     48640, 486.40
Bytes Out     [total, mean]                     0, 0.00
Success       [ratio]                           95.00%
Status Codes  [code:count]                      0:2  200:95  500:3  \n\
Error Set:
500 Internal Server Error
Get \"http://127.0.0.1:8080/api\": dial tcp 127.0.0.1:8080: connect: connection refused
";

/// The same attack as `vegeta encode --to csv` (v12.8+, 12 columns, no header): 100
/// requests 20 ms apart, the 500s at 10, 50 and 90, the refusals at 33 and 66.
fn vegeta_csv() -> String {
    let t0 = 1_796_376_447_000_000_000u64;
    (0..100u64)
        .map(|i| {
            let (code, err) = match i {
                10 | 50 | 90 => (500, "500 Internal Server Error"),
                33 | 66 => (
                    0,
                    "Get \"\"http://127.0.0.1:8080/api\"\": dial tcp 127.0.0.1:8080: connect: connection refused",
                ),
                _ => (200, ""),
            };
            let latency = if code == 0 { 200_000 } else { 1_000_000 + i * 10_000 };
            format!(
                "{},{code},{latency},0,512,\"{err}\",,,{i},GET,http://127.0.0.1:8080/api,\n",
                t0 + i * 20_000_000
            )
        })
        .collect()
}

/// R11: vegeta's default text report is read (was "not a recognised load-test
/// result"): 100 requests, 5 failures (3 `status:500`, 2 `connect`), throughput 100 ÷
/// the 1.98 s attack, p50 as vegeta printed it. Beside the CSV of the same attack it is
/// checked and skipped, never counted twice; beside another attack's it is other data.
#[test]
fn vegeta_text_report_is_read_and_never_counted_twice() {
    let t = TestDir::new();
    t.write("alone/report.txt", VEGETA_REPORT);
    let (code, report, stderr) = analyze_json(&[&t.path().join("alone")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 100, "{stderr}");
    assert_eq!(stage["failures"], 5);
    assert_eq!(stage["failures_by_kind"]["status:500"], 3);
    assert_eq!(stage["failures_by_kind"]["connect"], 2);
    let rps = stage["throughput_rps"].as_f64().unwrap();
    assert!((rps - 100.0 / 1.98).abs() < 1e-9, "{rps}");
    assert_eq!(stage["latency_ms"]["p50"], 1.49);
    assert_eq!(stage["latency_ms"]["p99"], 1.98);

    t.write("both/report.txt", VEGETA_REPORT);
    t.write("both/results.csv", vegeta_csv());
    let (code, report, stderr) = analyze_json(&[&t.path().join("both")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 100);
    assert_eq!(report["overall"]["failures"], 5);
    assert_eq!(
        report["data_quality"], "clean",
        "{}",
        report["data_quality_reason"]
    );
    let skipped = report["skipped"].as_array().unwrap();
    let text = skipped
        .iter()
        .find(|s| s["path"].as_str().unwrap().ends_with("report.txt"));
    assert_eq!(text.unwrap()["kind"], "same_data");

    let other = VEGETA_REPORT
        .replace("100, 50.51", "120, 50.51")
        .replace("200:95", "200:115")
        .replace("95.00%", "95.83%");
    t.write("other/report.txt", other);
    t.write("other/results.csv", vegeta_csv());
    let (_, report, stderr) = analyze_json(&[&t.path().join("other")], &[]);
    assert_eq!(report["overall"]["requests"], 100, "{stderr}");
    assert_eq!(report["data_quality"], "incomplete");
}

/// A JTL of `eps` (label, rows) 50 ms apart from `t0`, at `users` threads, each
/// answered 200 in 45–54 ms (cycling).
fn jtl_of(t0: u64, eps: &[(&str, u64)], users: u32) -> String {
    let mut out = JTL_HEADER.to_string();
    let most = eps.iter().map(|e| e.1).max().unwrap_or(0);
    for i in 0..most {
        for (label, _) in eps.iter().filter(|e| i < e.1) {
            out.push_str(&format!(
                "{},{},{label},200,OK,TG 1-1,text,true,,512,100,{users},{users},http://x/,10,0,1\n",
                t0 + i * 50 + 7,
                45 + i % 10
            ));
        }
    }
    out
}

/// H14: `compare`'s headline names what it could not compare — the stage `peak` and
/// the endpoint `GET /old` only in the baseline, `GET /new` only in the candidate —
/// and the endpoint whose metrics stayed inconclusive (`GET /rare`: 5 requests a
/// side). Before, the line only counted the verdicts.
#[test]
fn compare_headline_names_what_it_could_not_compare() {
    let t = TestDir::new();
    let t0 = 1_796_376_447_000u64;
    let common = [("GET /a", 1500), ("GET /b", 1500), ("GET /rare", 5)];
    let base: Vec<(&str, u64)> = common.iter().copied().chain([("GET /old", 1500)]).collect();
    let cand: Vec<(&str, u64)> = common.iter().copied().chain([("GET /new", 1500)]).collect();
    t.write("base/01_baseline_10users/r.jtl", jtl_of(t0, &base, 10));
    t.write(
        "base/02_peak_40users/r.jtl",
        jtl_of(t0 + 200_000, &common, 40),
    );
    t.write(
        "cand/01_baseline_10users/r.jtl",
        jtl_of(t0 + 9_000_000, &cand, 10),
    );
    let out = t.path().join("cmp");
    let o = headroom(&[
        "compare",
        &t.path().join("base").display().to_string(),
        &t.path().join("cand").display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    let line = report["verdict_line"].as_str().unwrap();
    for named in [
        "stage peak (only in base)",
        "baseline / GET /old (only in base)",
        "baseline / GET /new (only in cand)",
        "inconclusive: baseline / GET /rare (",
    ] {
        assert!(line.contains(named), "{named:?} not in {line:?}");
    }
    // The terminal headline is the same line.
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout
            .lines()
            .next()
            .unwrap_or("")
            .contains("stage peak (only in base)"),
        "{stdout}"
    );
}

/// H11: a stage where every request failed (100 %) beside an error-free one: the
/// error-rate chart's axis ends at 100 % (it ran to 125 %, a rate no run can have).
#[test]
fn error_rate_axis_stops_at_100_percent() {
    let t = TestDir::new();
    let t0 = 1_796_376_447_007u64;
    t.write("01_low_5users/r.jtl", jtl_of(t0, &[("GET /a", 200)], 5));
    let failing = jtl_of(t0 + 60_000, &[("GET /a", 200)], 50)
        .replace(",200,OK,", ",503,Service Unavailable,")
        .replace(",true,", ",false,");
    t.write("02_over_50users/r.jtl", failing);
    let out = t.path().join("out");
    let o = headroom(&[
        "analyze",
        &t.path().join("01_low_5users").display().to_string(),
        &t.path().join("02_over_50users").display().to_string(),
        "--out",
        &out.display().to_string(),
        "--charts",
        "svg",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let svg = std::fs::read_to_string(out.join("charts/error-rate.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let ticks: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text()?.strip_suffix('%')?.parse().ok())
        .collect();
    assert!(ticks.contains(&100.0), "{ticks:?}");
    let top = ticks.iter().copied().fold(0.0, f64::max);
    assert_eq!(top, 100.0, "{ticks:?}");
}
