//! Messy runs, ninth batch (qa14): run dirs as a user leaves them — time flags on a
//! tool's whole-run summary, numbered stage dirs without a user count, Locust's
//! history without per-endpoint rows under an endpoint filter, a console capture that
//! holds an interrupted run before the one that finished. Every fixture is written
//! here in the tool's own format (copied in shape from real runs against `headroom
//! target`), and the expected figures and verdicts follow from the fixture's numbers.

use std::path::Path;

use serde_json::Value;

use super::check::check_json;
use super::common::{analyze_json, TestDir};

const SLA: &str = "[global]\nrules = [\"p(99) < 500ms\", \"error_rate < 1%\"]\n";

/// autocannon's `--json` result of a run from `start` to `finish` (RFC 3339): `n`
/// answers, all 2xx, p99 40 ms.
fn autocannon_json(n: u64, start: &str, finish: &str) -> String {
    format!(
        r#"{{"url":"http://127.0.0.1:8000/api/v1/agents","connections":10,"sampleInt":1000,
"pipelining":1,"workers":0,"duration":10.01,"samples":10,"start":"{start}","finish":"{finish}",
"errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":{n},"3xx":0,
"4xx":0,"5xx":0,"statusCodeStats":{{"200":{{"count":{n}}}}},
"latency":{{"average":12.5,"mean":12.5,"stddev":6.1,"min":1,"max":61,"p0_001":1,"p0_01":1,
"p0_1":1,"p1":2,"p2_5":3,"p10":5,"p25":8,"p50":11,"p75":15,"p90":21,"p97_5":31,"p99":40,
"p99_9":55,"p99_99":61,"p99_999":61,"totalCount":{n}}},
"requests":{{"average":100,"mean":100,"stddev":1,"min":99,"max":101,"total":{n}}},
"throughput":{{"average":1000,"mean":1000,"stddev":1,"min":999,"max":1001,"total":1000000}}}}"#
    )
}

/// The evaluations of `out` (check's JSON) on stage `stage`.
fn evals_on<'a>(out: &'a Value, stage: &str) -> Vec<&'a Value> {
    out["sla"]["rules"]
        .as_array()
        .unwrap_or_else(|| panic!("no evaluations: {out:#}"))
        .iter()
        .filter(|e| e["stage"] == stage)
        .collect()
}

#[test]
fn a_summary_wholly_outside_the_time_window_is_not_judged() {
    // autocannon ran 10:00:00–10:00:10; the user asks for 11:00 onwards (another
    // run's window, say). Before, the summary was judged whole: GO on data outside
    // the window. Now nothing is inside it: exit 2, saying where the data lies.
    let dir = TestDir::new();
    let start = "2026-12-04T10:00:00.000Z";
    dir.write(
        "smoke/autocannon.json",
        autocannon_json(1000, start, "2026-12-04T10:00:10.000Z"),
    );
    let sla = dir.write("sla.toml", SLA);
    let run = dir.path().join("smoke");
    let (code, out, stderr) = check_json(&run, &sla, &["--from", "2026-12-04T11:00:00Z"]);
    assert_eq!(code, 2, "{out:#}\n{stderr}");
    assert!(stderr.contains("outside the window"), "{stderr}");
    assert!(stderr.contains(start), "{stderr}");
    // The same with --to before the run.
    let (code, _, stderr) = check_json(&run, &sla, &["--to", "2026-12-04T09:00:00Z"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_summary_partly_outside_the_time_window_carries_no_verdict() {
    // --to cuts the same run after 5 of its 10 s: its figures include the 5 s the
    // user left out, and nothing can split them. Before: GO. Now every rule on the
    // stage is insufficient data, and the verdict is not GO.
    let dir = TestDir::new();
    dir.write(
        "smoke/autocannon.json",
        autocannon_json(1000, "2026-12-04T10:00:00.000Z", "2026-12-04T10:00:10.000Z"),
    );
    let sla = dir.write("sla.toml", SLA);
    let run = dir.path().join("smoke");
    let (code, out, stderr) = check_json(&run, &sla, &["--to", "2026-12-04T10:00:05Z"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "CONDITIONAL", "{out:#}");
    let on_stage = evals_on(&out, "smoke");
    assert_eq!(on_stage.len(), 2, "{out:#}");
    for e in on_stage {
        assert_eq!(e["status"], "insufficient_data", "{e:#}");
    }
    assert!(stderr.contains("partly outside"), "{stderr}");
    // --warmup: a whole-run summary holds its warm-up.
    let (_, out, stderr) = check_json(&run, &sla, &["--warmup", "2s"]);
    assert_eq!(out["verdict"], "CONDITIONAL", "{out:#}\n{stderr}");
    // A window around the whole run keeps all of it: judged as it is.
    let (code, out, stderr) = check_json(&run, &sla, &["--from", "2026-12-04T09:59:00Z"]);
    assert_eq!((code, &out["verdict"]), (0, &Value::from("GO")), "{stderr}");
    assert!(!stderr.contains("cannot trim"), "{stderr}");
}

#[test]
fn a_k6_summary_under_warmup_carries_no_verdict() {
    // k6's --summary-export has no request times: --warmup cannot trim it. Before,
    // nothing even said so, and the verdict was GO.
    let dir = TestDir::new();
    dir.write(
        "peak/summary.json",
        r#"{"metrics":{"http_reqs":{"count":1000,"rate":100},
"http_req_duration":{"avg":20,"min":5,"med":18,"max":90,"p(90)":30,"p(95)":35},
"http_req_failed":{"passes":0,"fails":1000,"value":0},
"vus_max":{"value":10,"min":10,"max":10}},"root_group":{"name":"","path":"","id":"x","groups":{},"checks":{}}}"#,
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\"]\n",
    );
    let run = dir.path().join("peak");
    let (_, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(
        out["verdict"], "GO",
        "the fixture passes: {out:#}\n{stderr}"
    );
    let (_, out, stderr) = check_json(&run, &sla, &["--warmup", "30s"]);
    assert_eq!(out["verdict"], "CONDITIONAL", "{out:#}\n{stderr}");
    assert!(
        stderr.contains("cannot trim k6's whole-run summary"),
        "{stderr}"
    );
}

/// hey's text summary of `n` answers at 200/s, p95 `p95_s`, every one 200.
fn hey_summary(n: u64, p95_s: f64) -> String {
    let secs = n as f64 / 200.0;
    format!(
        "\nSummary:\n  Total:\t{secs:.4} secs\n  Slowest:\t0.2000 secs\n  Fastest:\t0.0080 secs\n\
         \x20 Average:\t0.0400 secs\n  Requests/sec:\t200.0000\n\n\
         Latency distribution:\n  10% in 0.0200 secs\n  25% in 0.0250 secs\n  50% in 0.0360 secs\n\
         \x20 75% in 0.0500 secs\n  90% in 0.0690 secs\n  95% in {p95_s:.4} secs\n  99% in 0.1200 secs\n\n\
         Status code distribution:\n  [200]\t{n} responses\n\n"
    )
}

#[test]
fn numbered_stage_dirs_without_users_are_named_by_their_words() {
    // `01-smoke/`, `02 ramp/`, `3_soak/`: named as `01_smoke_10users` would be, the
    // ordering number dropped. Before, they kept it (`01-smoke`), so
    // `--verdict-stage smoke` matched no stage (exit 2).
    let dir = TestDir::new();
    dir.write("run/01-smoke/hey.txt", hey_summary(1000, 0.08));
    dir.write("run/02 ramp/hey.txt", hey_summary(1200, 0.03));
    dir.write("run/3_soak/hey.txt", hey_summary(1400, 0.03));
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let names: Vec<&str> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["smoke", "ramp", "soak"], "{stderr}");
    // The smoke stage's p95 (80 ms) misses 50 ms: NO-GO on it.
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 50ms\"]\n");
    let (code, out, stderr) = check_json(&run, &sla, &["--verdict-stage", "smoke"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
}

#[test]
fn numbered_stage_dirs_that_differ_only_by_their_number_keep_it() {
    // `01_step/`, `02_step/`, `03_step/`: three load levels whose number is all that
    // tells them apart. Dropping it would make one stage `step` of all three summed.
    let dir = TestDir::new();
    dir.write("run/01_step/hey.txt", hey_summary(1000, 0.02));
    dir.write("run/02_step/hey.txt", hey_summary(1200, 0.03));
    dir.write("run/03_step/hey.txt", hey_summary(1400, 0.05));
    dir.write("run/04_soak/hey.txt", hey_summary(1500, 0.05));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages: Vec<(&str, u64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["requests"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        stages,
        [
            ("01_step", 1000),
            ("02_step", 1200),
            ("03_step", 1400),
            ("soak", 1500)
        ],
        "{stderr}"
    );
}

const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,\
     Total Request Count,Total Failure Count,Total Median Response Time,\
     Total Average Response Time,Total Min Response Time,Total Max Response Time,\
     Total Average Content Size\r\n";

const T0: u64 = 1_700_000_000;

/// A stats history without per-endpoint rows (Locust's `--csv` without
/// `--csv-full-history`): 10 users for t = 1–30, 15 at t = 31–32, 20 for t = 33–62.
/// Each second `GET /a` makes 1 request, failed when t is a multiple of 5, and
/// `GET /b` 99 that succeed: the Aggregated row counts 100·t requests, ⌊t/5⌋ failed.
fn aggregate_history() -> String {
    let mut csv = String::from(HISTORY_HEADER);
    for t in 0..=62u64 {
        let users = match t {
            0 => 0,
            1..=30 => 10,
            31 | 32 => 15,
            _ => 20,
        };
        let pct = if t > 0 { "10,20" } else { "N/A,N/A" };
        csv.push_str(&format!(
            "{},{users},,Aggregated,0.0,0.0,{pct},{},{},10,10.0,1,50,100\r\n",
            T0 + t,
            100 * t,
            t / 5
        ));
    }
    csv
}

/// `_stats.csv` of the same run at t = 62: /a 62 requests, 12 failed; /b 6,138.
const STATS: &str = "Type,Name,Request Count,Failure Count,Median Response Time,\
     Average Response Time,Min Response Time,Max Response Time,Average Content Size,\
     Requests/s,Failures/s,50%,95%,100%\r\n\
     GET,/a,62,12,10,10.0,1,50,100,1.0,0.19,10,20,50\r\n\
     GET,/b,6138,0,10,10.0,1,50,100,99.0,0.0,10,20,50\r\n\
     ,Aggregated,6200,12,10,10.0,1,50,100,100.0,0.19,10,20,50\r\n";

#[test]
fn an_endpoint_filter_is_not_pretended_on_aggregate_history_rows() {
    // `check --include /a`: /a failed 12 of its 62 requests (19 %). The history's
    // Aggregated rows hold /b's successes too (0.2 % failed): before, the stages were
    // taken from them whatever the filter, and the verdict was GO on /b's figures.
    // Now the filter is applied where it can be, to the stats file's per-endpoint rows:
    // one whole-run stage of /a alone, 12 of 62 failed, NO-GO.
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", aggregate_history());
    dir.write("run/run_stats.csv", STATS);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let run = dir.path().join("run");
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!((code, &out["verdict"]), (0, &Value::from("GO")), "{stderr}");
    let (code, out, stderr) = check_json(&run, &sla, &["--include", "/a"]);
    assert_eq!(code, 1, "{out:#}\n{stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
    assert!(
        stderr.contains("cannot be applied to the stats history"),
        "{stderr}"
    );
    let (_, report, _) = analyze_json(&[&run], &["--include", "/a"]);
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 1, "{report:#}");
    assert_eq!(
        (
            stages[0]["requests"].as_u64(),
            stages[0]["failures"].as_u64()
        ),
        (Some(62), Some(12))
    );
}

#[test]
fn an_endpoint_filter_on_a_history_alone_leaves_no_figures_to_judge() {
    // The history without its stats file: nothing says which of its requests were
    // /a's. Before: GO on every endpoint's totals. Now its stages hold nothing.
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", aggregate_history());
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let run = dir.path().join("run");
    let (_, out, stderr) = check_json(&run, &sla, &["--include", "/a"]);
    assert_ne!(out["verdict"], "GO", "{out:#}\n{stderr}");
    assert!(
        stderr.contains("cannot be applied to the stats history"),
        "{stderr}"
    );
    let (_, report, _) = analyze_json(&[&run], &["--include", "/a"]);
    for s in report["stages"].as_array().unwrap() {
        assert_eq!(s["requests"], 0, "{s:#}");
    }
    assert_eq!(report["overall"]["requests"], 0, "{:#}", report["overall"]);
}

/// h2load's console of a run of `n` requests from `clients` clients, all 2xx.
fn h2load_run(clients: u32, n: u64) -> String {
    format!(
        "starting benchmark...\n\
         spawning thread #0: {clients} total client(s). {n} total requests\n\
         Application protocol: http/1.1\n\
         progress: 50% done\nprogress: 100% done\n\n\
         finished in 90.24ms, 33246.52 req/s, 3.84MB/s\n\
         requests: {n} total, {n} started, {n} done, {n} succeeded, 0 failed, 0 errored, 0 timeout\n\
         status codes: {n} 2xx, 0 3xx, 0 4xx, 0 5xx\n\
         traffic: 354.49KB (363000) total, 225.59KB (231000) headers (space savings 0.00%), 38.09KB (39000) data\n\
         \x20                    min         max         mean         sd        +/- sd\n\
         time for request:       18us     24.63ms       548us      2.56ms    98.67%\n\
         time for connect:       97us       675us       320us       146us    65.00%\n\
         time to 1st byte:      401us     25.12ms      6.71ms     10.88ms    75.00%\n\
         req/s           :    1774.82     1935.45     1814.64       41.29    85.00%\n"
    )
}

#[test]
fn an_interrupted_h2load_run_before_a_finished_one_is_not_summed_into_it() {
    // `h2load -c10 … >> h2load.txt` stopped with Ctrl-C (h2load prints no results
    // then), and `h2load -c20 -n3000 … >> h2load.txt` after it. Before, the two runs'
    // clients were added (30 users) and the data was clean. Now the run read is the
    // finished one (20 users), and the interrupted one makes the data incomplete.
    let dir = TestDir::new();
    let interrupted = "starting benchmark...\n\
         spawning thread #0: 10 total client(s). 50000000 total requests\n\
         Application protocol: http/1.1\n";
    dir.write(
        "run/h2load.txt",
        format!("{interrupted}{}", h2load_run(20, 3000)),
    );
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(
        (stage["users"].as_u64(), stage["requests"].as_u64()),
        (Some(20), Some(3000))
    );
    assert_eq!(report["data_quality"], "incomplete", "{report:#}");
    let sla = dir.write("sla.toml", SLA);
    let (_, out, stderr) = check_json(&run, &sla, &[]);
    assert_ne!(out["verdict"], "GO", "{out:#}\n{stderr}");
    // One finished run alone stays clean.
    let one = dir.path().join("one");
    std::fs::create_dir_all(&one).unwrap();
    std::fs::write(one.join("h2load.txt"), h2load_run(20, 3000)).unwrap();
    let (_, report, _) = analyze_json(&[Path::new(&one)], &[]);
    assert_eq!(report["data_quality"], "clean", "{report:#}");
}

/// Locust's `--html` report of a `LoadTestShape` run: users 10, 25 and 50 for 20 s
/// each, sampled every 5 s in the report's history; 3,000 requests, none failed.
fn stepped_html_report() -> String {
    let mut history = Vec::new();
    for (i, users) in [10, 25, 50].iter().enumerate() {
        for k in 0..4 {
            let t = 20 * i + 5 * k + 1;
            history.push(format!(
                "{{\"time\":\"2026-12-04T15:31:{t:02}Z\",\"user_count\":[\"2026-12-04T15:31:{t:02}Z\",{users}]}}"
            ));
        }
    }
    let row = |method: &str, name: &str| {
        format!(
            "{{\"method\":\"{method}\",\"name\":\"{name}\",\"num_requests\":3000,\"num_failures\":0,\
             \"avg_response_time\":40.0,\"min_response_time\":1.0,\"max_response_time\":900.0,\
             \"median_response_time\":30,\"total_rps\":50.0}}"
        )
    };
    let args = format!(
        "{{\"start_time\":\"2026-12-04T15:31:00Z\",\"end_time\":\"2026-12-04T15:32:00Z\",\
         \"requests_statistics\":[{},{}],\"response_time_statistics\":[],\
         \"failures_statistics\":[],\"history\":[{}]}}",
        row("GET", "/api/v1/agents"),
        row("", "Aggregated"),
        history.join(",")
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <title>Locust</title>\n  </head>\n  \
         <body>\n    <div id=\"root\"></div>\n    <script>\n      window.templateArgs = {args}\n      \
         window.authArgs = {{}};\n    </script>\n  </body>\n</html>\n"
    )
}

#[test]
fn a_stepped_locust_runs_html_report_is_not_one_load_level_at_its_top_users() {
    // The report alone covers 10, 25 and 50 users. Before, its one whole-run stage
    // was put at 50 users (the history's top), and the report read its 50 req/s as
    // what 50 users make. Now the stage has no users, and a note says why.
    let dir = TestDir::new();
    dir.write("run/report.html", stepped_html_report());
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 3000, "{stage:#}");
    assert_eq!(stage["users"], Value::Null, "{stage:#}");
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("10 → 25 → 50"), "{notes}");
}

/// Locust's console of a run started with `--run-time 60s`, ending as `end` says, with
/// the final table of `STATS` (6,200 requests, 12 failed).
fn locust_console(end: &str) -> String {
    format!(
        "[2026-12-04 15:41:14,272] vm/INFO/locust.main: Starting Locust 2.47.0\n\
         [2026-12-04 15:41:14,273] vm/INFO/locust.main: Run time limit set to 60 seconds\n\
         [2026-12-04 15:41:14,275] vm/INFO/locust.runners: All users spawned: {{\"Agent\": 20}} (20 total users)\n\
         {end}\
         [2026-12-04 15:41:43,018] vm/INFO/locust.main: Shutting down (exit code 0)\n\
         Type     Name          # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s\n\
         --------|------------|-------|-------------|-------|-------|-------|-------|--------|-----------\n\
         GET      /a                62     12(19.35%) |     10       1      50     10 |    1.00        0.19\n\
         GET      /b              6138      0(0.00%) |     10       1      50     10 |   99.00        0.00\n\
         --------|------------|-------|-------------|-------|-------|-------|-------|--------|-----------\n\
         \x20        Aggregated      6200     12(0.19%) |     10       1      50     10 |  100.00        0.19\n\n"
    )
}

#[test]
fn a_locust_run_stopped_before_its_run_time_is_not_judged_go() {
    // `locust -t 60s … > console.txt` stopped after 29 s (SIGTERM: `docker stop`, a CI
    // timeout). Its CSVs hold what ran, and before they were judged GO as a whole run.
    // The console says the run time was 60 s and never logs that it was reached: the
    // run is incomplete. One that reached its limit stays clean.
    let dir = TestDir::new();
    dir.write("run/run_stats_history.csv", aggregate_history());
    dir.write("run/run_stats.csv", STATS);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 1s\"]\n");
    let run = dir.path().join("run");
    for (end, verdict, quality) in [
        (
            "[2026-12-04 15:41:43,017] vm/INFO/locust.main: Got SIGTERM signal\n",
            "CONDITIONAL",
            "incomplete",
        ),
        (
            "[2026-12-04 15:42:14,273] vm/INFO/locust.main: --run-time limit reached, shutting down\n",
            "GO",
            "clean",
        ),
    ] {
        dir.write("run/console.txt", locust_console(end));
        let (_, out, stderr) = check_json(&run, &sla, &[]);
        assert_eq!(out["verdict"], verdict, "{end}: {out:#}\n{stderr}");
        let (_, report, _) = analyze_json(&[&run], &[]);
        assert_eq!(report["data_quality"], quality, "{end}");
    }
}

/// An Artillery v2 `--output` report of phases `warm` (20 s at 20/s), a 10 s ramp to
/// 100/s, and `peak` (20 s at 100/s), started 2.5 s into a 10 s slot of the clock, as
/// `artillery run` places its intermediate periods. Each period: its slot (`period`),
/// when its requests were counted (`firstCounterAt`–`lastCounterAt`), its count.
fn artillery_v2(t0: i64) -> String {
    // Arrivals per second at second s of the run (from t0).
    let rate = |s: i64| match s {
        0..=19 => 20,
        20..=29 => 20 + 8 * (s - 20),
        _ => 100,
    };
    let slot0 = t0 - t0.rem_euclid(10_000);
    let mut periods = Vec::new();
    let mut total = 0;
    for k in 0..6 {
        let slot = slot0 + 10_000 * k;
        let secs: Vec<i64> = (0..50)
            .filter(|s| {
                let at = t0 + 1000 * s;
                at >= slot && at < slot + 10_000
            })
            .collect();
        let (Some(first), Some(last)) = (secs.first(), secs.last()) else {
            continue;
        };
        let n: i64 = secs.iter().map(|s| rate(*s)).sum();
        total += n;
        periods.push(format!(
            "{{\"counters\":{{\"http.requests\":{n},\"http.codes.200\":{n},\"http.responses\":{n}}},\
             \"summaries\":{{\"http.response_time\":{{\"min\":8,\"max\":90,\"count\":{n},\"mean\":40,\"p50\":37,\"median\":37,\"p95\":80,\"p99\":85}}}},\
             \"period\":\"{slot}\",\"firstCounterAt\":{},\"lastCounterAt\":{}}}",
            t0 + 1000 * first,
            t0 + 1000 * last + 999
        ));
    }
    format!(
        "{{\"aggregate\":{{\"counters\":{{\"http.requests\":{total},\"http.codes.200\":{total},\
         \"http.responses\":{total}}},\"summaries\":{{\"http.response_time\":{{\"min\":8,\"max\":90,\
         \"count\":{total},\"mean\":40,\"p50\":37,\"median\":37,\"p95\":80,\"p99\":85}}}},\
         \"firstCounterAt\":{t0},\"lastCounterAt\":{}}},\"intermediate\":[{}],\
         \"phases\":[{{\"duration\":20,\"arrivalRate\":20,\"name\":\"warm\"}},\
         {{\"duration\":10,\"arrivalRate\":20,\"rampTo\":100}},\
         {{\"duration\":20,\"arrivalRate\":100,\"name\":\"peak\"}}]}}",
        t0 + 50_000,
        periods.join(",")
    )
}

#[test]
fn artillery_phases_are_timed_from_the_first_request_not_the_clocks_slot() {
    // The run starts at xx:x2.5. Before, phases were laid from the slot's start
    // (2.5 s earlier): `warm` held 18 s of requests (360: 8 s and 10 s) over a 20 s
    // window, 18 req/s for its 20/s. Now `warm` is the periods counted inside its 20 s
    // from the first request: 360 requests over 18 s, 20 req/s; `peak` the one period
    // wholly inside it, 1,000 requests at 100/s.
    let dir = TestDir::new();
    let t0 = 1_796_398_722_500;
    dir.write("run/report.json", artillery_v2(t0));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().unwrap();
    let by_name = |n: &str| {
        stages
            .iter()
            .find(|s| s["name"] == n)
            .unwrap_or_else(|| panic!("{n}: {stages:#?}"))
    };
    let warm = by_name("warm");
    assert_eq!(warm["requests"], 20 * (8 + 10), "{warm:#}");
    let rps = warm["throughput_rps"].as_f64().unwrap();
    assert!((rps - 20.0).abs() < 0.2, "{rps}");
    let peak = by_name("peak");
    let rps = peak["throughput_rps"].as_f64().unwrap();
    assert!((rps - 100.0).abs() < 1.0, "{peak:#}");
    // `--from` at the peak's first whole period: the phase stages honour it (before,
    // they were the whole run's whatever the flag).
    let from = "2026-12-04T15:39:20.500Z"; // t0 + 38 s
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &["--from", from]);
    assert_eq!(code, 0, "{stderr}");
    let names: Vec<&Value> = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["name"])
        .collect();
    assert_eq!(names, [&Value::from("peak")], "{stderr}");
}

#[test]
fn from_and_to_do_not_pretend_to_place_rows_timed_from_the_tests_start() {
    // hey's CSV times each request by its offset from the test's start (`offset`), not
    // the clock. Before, `--to <a date>` kept every row (offsets sit in 1970, before
    // any date) and judged them — p(99) passed on rows the user meant to cut — and
    // `--from <a date>` dropped every one without a word. Now both say the rows cannot
    // be placed, and no rule is judged on them.
    let dir = TestDir::new();
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..2000u64 {
        csv.push_str(&format!(
            "0.0100,0.0001,0.0000,0.0001,0.0090,0.0002,200,{:.4}\n",
            i as f64 * 0.005
        ));
    }
    dir.write("smoke/hey.csv", csv);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(99) < 500ms\"]\n");
    let run = dir.path().join("smoke");
    let (_, out, _) = check_json(&run, &sla, &[]);
    assert_eq!(evals_on(&out, "smoke")[0]["status"], "pass", "{out:#}");
    for flag in ["--to", "--from"] {
        let (_, out, stderr) = check_json(&run, &sla, &[flag, "2026-12-04T15:00:00Z"]);
        let on_stage = evals_on(&out, "smoke");
        assert_eq!(
            on_stage[0]["status"], "insufficient_data",
            "{flag}: {out:#}"
        );
        assert!(
            stderr.contains("cannot place hey's rows"),
            "{flag}: {stderr}"
        );
    }
}
