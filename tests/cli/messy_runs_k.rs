//! Messy runs, eleventh batch (qa16): what a user's SLA file and run dirs look like
//! after Locust, wrk, hey, autocannon and `drive` against `headroom target` — SLA
//! sections that name a request by the name the tool shows for it, two runs of one
//! release compared through a tool's rounded percentiles. Every fixture is written here
//! in the tool's own format (in shape copied from real runs), and the expected verdicts
//! follow from the fixture's numbers.

use serde_json::Value;

use super::check::check_json;
use super::common::{analyze_json, TestDir};
use super::compare::compare_json;

/// A Locust `--csv` stats file: `List agents` (GET, p95 `p95_list` ms, at least 14)
/// and `Run agent` (POST), 1,500 and 400 requests, no failure.
fn locust_stats(p95_list: u32) -> String {
    format!(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,\
80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
GET,List agents,1500,0,12,12.3,5.0,88.6,13.0,80.2,0.0,12,12,13,13,14,{p95_list},20,21,33,89,89\n\
POST,Run agent,400,0,50,52.3,21.5,104.3,22.0,20.0,0.0,50,57,60,64,74,83,90,96,100,100,100\n\
,Aggregated,1900,0,14,20.7,5.0,104.3,14.9,100.2,0.0,14,19,22,25,40,54,67,75,96,100,100\n"
    )
}

/// The evaluations of check's JSON whose endpoint is `endpoint`.
fn evals_of<'a>(out: &'a Value, endpoint: &str) -> Vec<&'a Value> {
    out["sla"]["rules"]
        .as_array()
        .unwrap_or_else(|| panic!("no evaluations: {out:#}"))
        .iter()
        .filter(|e| e["endpoint"].as_str().is_some_and(|k| k.contains(endpoint)))
        .collect()
}

/// Locust shows a request by the `name=` its script gave (`List agents`), its method
/// in a column of its own; the data's endpoint is `GET List agents`. An SLA section
/// `[endpoint."List agents"]` was "not in the data" and its rules not run: GO on a
/// p95 of 18 ms against 15 ms.
#[test]
fn an_endpoint_named_as_locust_shows_it_is_judged() {
    let dir = TestDir::new();
    dir.write("run/run_stats.csv", locust_stats(18));
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n\
         [endpoint.\"List agents\"]\nrules = [\"p(95) < 15ms\"]\n",
    );
    let (code, out, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 1, "p95 18 ms > 15 ms must fail: {out:#} {stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
    let evals = evals_of(&out, "List agents");
    assert!(!evals.is_empty(), "{out:#}");
    for e in evals {
        assert_eq!(e["status"], "fail", "{e:#}");
        assert_eq!(e["value"].as_f64(), Some(18.0), "{e:#}");
    }
    // In another case, the same endpoint.
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n\
         [endpoint.\"list agents\"]\nrules = [\"p(95) < 15ms\"]\n",
    );
    let (code, out, _) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(
        (code, out["verdict"].as_str()),
        (1, Some("NO-GO")),
        "{out:#}"
    );
    // With its method, the same endpoint; a passing p95 passes.
    dir.write("run/run_stats.csv", locust_stats(14));
    let sla = dir.write(
        "sla.toml",
        "[endpoint.\"GET List agents\"]\nrules = [\"p(95) < 15ms\"]\n",
    );
    let (code, out, _) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 0, "{out:#}");
    assert_eq!(out["verdict"], "GO", "{out:#}");
}

/// A name that another spelling matches in several endpoints (`Run agent` for the
/// data's `GET Run agent` and `POST Run agent`) names no one of them: refused with
/// both names, never skipped into a GO as "not in the data".
#[test]
fn an_endpoint_name_that_matches_several_methods_is_refused_not_skipped() {
    let dir = TestDir::new();
    let stats = locust_stats(18).replace("GET,List agents", "GET,Run agent");
    dir.write("run/run_stats.csv", stats);
    let sla = dir.write(
        "sla.toml",
        "[endpoint.\"Run agent\"]\nrules = [\"p(95) < 15ms\"]\n",
    );
    let (code, _, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("\"GET Run agent\"") && stderr.contains("\"POST Run agent\""),
        "{stderr}"
    );
}

/// hey's console of a 4 s run of `n` answers, its latency distribution in seconds
/// (10 %, 25 %, 50 %, 75 %, 90 %, 95 %, 99 %) as hey prints them, to four decimals.
fn hey_console(n: u64, pcts: [&str; 7], slowest: &str) -> String {
    let [p10, p25, p50, p75, p90, p95, p99] = pcts;
    format!(
        "\nSummary:\n  Total:\t4.0005 secs\n  Slowest:\t{slowest} secs\n  Fastest:\t0.0000 secs\n  \
         Average:\t{p50} secs\n  Requests/sec:\t{:.4}\n  \n  Total data:\t{} bytes\n  \
         Size/request:\t13 bytes\n\nResponse time histogram:\n  0.000 [1]\t|\n\n\n\
         Latency distribution:\n  10% in {p10} secs\n  25% in {p25} secs\n  50% in {p50} secs\n  \
         75% in {p75} secs\n  90% in {p90} secs\n  95% in {p95} secs\n  99% in {p99} secs\n\n\
         Details (average, fastest, slowest):\n  DNS+dialup:\t0.0000 secs, 0.0000 secs, 0.0126 secs\n  \
         DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs\n  req write:\t0.0000 secs, 0.0000 secs, 0.0122 secs\n  \
         resp wait:\t{p50} secs, 0.0000 secs, 0.0126 secs\n  resp read:\t0.0000 secs, 0.0000 secs, 0.0122 secs\n\n\
         Status code distribution:\n  [200]\t{n} responses\n\n\n\n",
        n as f64 / 4.0005,
        13 * n
    )
}

/// The comparison of `metric` in compare's JSON (the runs have one endpoint).
fn compared<'a>(report: &'a Value, metric: &str) -> &'a Value {
    report["comparisons"]
        .as_array()
        .unwrap_or_else(|| panic!("no comparisons: {report:#}"))
        .iter()
        .find(|c| c["metric"] == metric)
        .unwrap_or_else(|| panic!("no {metric}: {report:#}"))
}

/// Two `hey -z 4s -c 8` runs of one sub-millisecond service (`headroom target
/// --profile fast`): hey prints seconds to four decimals, so its p90 and p95 read
/// 0.3 / 0.4 ms in one run and 0.4 / 0.5 ms in the other — one 0.1 ms step each, which
/// compare called a 33 % and a 25 % regression. A step of a tool's rounding is no
/// change; a slower service (10 → 14 ms at every percentile) still regresses.
#[test]
fn two_runs_of_one_service_through_heys_rounding_are_not_a_regression() {
    let dir = TestDir::new();
    let slowest = "0.0126";
    dir.write(
        "a/hey.txt",
        hey_console(
            142_198,
            [
                "0.0000", "0.0001", "0.0002", "0.0003", "0.0003", "0.0004", "0.0016",
            ],
            slowest,
        ),
    );
    dir.write(
        "b/hey.txt",
        hey_console(
            139_620,
            [
                "0.0001", "0.0001", "0.0002", "0.0003", "0.0004", "0.0005", "0.0016",
            ],
            slowest,
        ),
    );
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let (code, report, stderr) = compare_json(&dir, &[&a, &b], &[]);
    assert_eq!(code, 0, "{stderr}");
    for metric in ["p90", "p95"] {
        let c = compared(&report, metric);
        assert_ne!(c["verdict"], "regressed", "{c:#}");
        // Its interval holds the step: 0.1 ms between two readings of one value.
        let (lo, hi) = (c["ci"][0].as_f64(), c["ci"][1].as_f64());
        assert!(
            lo.is_some_and(|lo| lo <= 0.0) && hi.is_some_and(|hi| hi >= 0.1),
            "{c:#}"
        );
    }
    assert!(
        !report["verdict_line"]
            .as_str()
            .unwrap()
            .starts_with("REGRESSED"),
        "{}",
        report["verdict_line"]
    );
    // 10 → 14 ms at every percentile: 40 steps, far beyond them and the floor, over
    // 20-minute runs (`-z 20m`): a summary's requests count as 2 independent ones a
    // second of its run, and a p99 of 16 ms whose tail climbs to 30 ms needs some
    // 1,500 of them to show 6.4 ms (two 8 s wrk runs of one build differed by 40 %
    // in p99).
    let long = |text: String| {
        text.replace("Total:\t4.0005 secs", "Total:\t1200.0000 secs")
            .replace(
                &format!("Requests/sec:\t{:.4}", 30_000.0 / 4.0005),
                "Requests/sec:\t25.0000",
            )
    };
    dir.write(
        "c/hey.txt",
        long(hey_console(
            30_000,
            [
                "0.0080", "0.0090", "0.0100", "0.0110", "0.0120", "0.0130", "0.0160",
            ],
            "0.0300",
        )),
    );
    dir.write(
        "d/hey.txt",
        long(hey_console(
            30_000,
            [
                "0.0112", "0.0126", "0.0140", "0.0154", "0.0168", "0.0182", "0.0224",
            ],
            "0.0420",
        )),
    );
    let (c, d) = (dir.path().join("c"), dir.path().join("d"));
    let (_, report, stderr) = compare_json(&dir, &[&c, &d], &[]);
    for metric in ["p50", "p90", "p95", "p99"] {
        assert_eq!(
            compared(&report, metric)["verdict"],
            "regressed",
            "{metric}: {stderr}"
        );
    }
}

/// Locust keeps whole milliseconds under 100 ms: two runs of one release whose
/// `List agents` median sits near 12.5 ms read 12 and 13 ms (+8 %, beyond a 5 % floor)
/// and compare said REGRESSED. The same figures 12 → 14 ms (a slower release) still
/// regress over 10-minute runs (1,500 requests at 2.5 a second: a summary's requests
/// count as 2 independent ones a second of its run).
#[test]
fn two_runs_of_one_release_through_locusts_whole_milliseconds_are_not_a_regression() {
    let dir = TestDir::new();
    let stats = |p50: u32, p90: u32, p95: u32, p99: u32| {
        format!(
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,\
80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
GET,List agents,1500,0,{p50},12.5,5.0,40.0,13.0,2.5,0.0,{p50},{p50},{p50},{p90},{p90},{p95},{p99},{p99},40,40,40\n\
,Aggregated,1500,0,{p50},12.5,5.0,40.0,13.0,2.5,0.0,{p50},{p50},{p50},{p90},{p90},{p95},{p99},{p99},40,40,40\n"
        )
    };
    dir.write("r1/run_stats.csv", stats(12, 16, 18, 21));
    dir.write("r1b/run_stats.csv", stats(13, 16, 18, 21));
    let (a, b) = (dir.path().join("r1"), dir.path().join("r1b"));
    let (code, report, stderr) = compare_json(&dir, &[&a, &b], &[]);
    assert_eq!(code, 0, "{stderr}");
    let p50 = compared(&report, "p50");
    assert_ne!(p50["verdict"], "regressed", "{p50:#}");
    dir.write("r2/run_stats.csv", stats(14, 22, 25, 29));
    let c = dir.path().join("r2");
    let (_, report, stderr) = compare_json(&dir, &[&a, &c], &[]);
    assert_eq!(compared(&report, "p50")["verdict"], "regressed", "{stderr}");
}

/// A Locust 2.47 `--csv-full-history` history of 20 users posting `Run agent` (50 ms
/// service) for 19 s, 20 requests a second, shaped like a real run's: the first row an
/// empty window (every percentile 0), the second the first second alone (p50 58 ms,
/// before the workers warmed up), every later 10 s window p50 50 ms, its `100%` (90 ms)
/// under the `Total Max Response Time` (104.3 ms): windowed percentiles.
fn windowed_history_with_a_slow_first_second() -> String {
    let mut text = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,\
         99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,\
         Total Average Response Time,Total Min Response Time,Total Max Response Time,\
         Total Average Content Size\n",
    );
    for t in 1..=19u64 {
        let pcts = match t {
            1 => "0,0,0,0,0,0,0,0,0,0,0",
            2 => "58,60,68,74,84,90,90,90,90,90,90",
            _ => "50,58,62,66,75,84,90,90,90,90,90",
        };
        for (kind, name) in [("POST", "Run agent"), ("", "Aggregated")] {
            text.push_str(&format!(
                "{},20,{kind},{name},20.0,0.0,{pcts},{},0,50,52.2,21.5,104.3,22.0\n",
                1_796_405_770 + t,
                20 * t
            ));
        }
    }
    text
}

/// A stage's percentiles from windowed rows are their count-weighted mixture. Each
/// row's summary starts at its p50, and the mixture took nothing to lie below it:
/// half of every row's requests sat at its median, so the mixture's median was the
/// largest row median — the first second's 58 ms, where 17 of 18 windows said 50 ms.
#[test]
fn a_locust_stage_median_is_not_its_slowest_windows_median() {
    let dir = TestDir::new();
    dir.write(
        "run/run_stats_history.csv",
        windowed_history_with_a_slow_first_second(),
    );
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let stages = report["stages"].as_array().cloned().unwrap_or_default();
    assert_eq!(stages.len(), 1, "{stderr}");
    assert!(
        stages[0].to_string().contains("windowed percentiles"),
        "{}",
        stages[0]
    );
    let ep = &stages[0]["endpoints"][0];
    assert_eq!(ep["key"], "POST Run agent");
    // 20 requests at 58 ms and 340 at 50 ms (each window's median): the stage's
    // median is 50 ms, give or take Locust's 1 ms rounding.
    let p50 = ep["latency_ms"]["p50"].as_f64();
    assert!(
        p50.is_some_and(|v| (49.0..=51.0).contains(&v)),
        "p50 {p50:?}"
    );
}

/// A `drive` run dir `name` as the driver writes it: one stage `peak` of `users` users
/// for 4 s from 2024-11-27T00:00:10Z, its scenario's tasks `List agents` (`GET /a`)
/// and `Run agent` (`POST /b`) in run.toml, and `latency.hlog` with 100 requests a
/// second to each: `GET /a` `a_us` µs, `POST /b` 120 ms.
fn drive_dir(dir: &TestDir, name: &str, users: u32, a_us: u64) -> std::path::PathBuf {
    use super::common::hlog_blob;
    dir.write(
        &format!("{name}/run.toml"),
        format!(
            "label = \"{name}\"\ntool = \"headroom 0.1.0\"\ncomplete = true\n\
             think_time = \"constant(0)\"\n\n\
             [[stage]]\nname = \"peak\"\nusers = {users}\nstart = \"2024-11-27T00:00:10.000Z\"\n\
             steady_start = \"2024-11-27T00:00:10.000Z\"\nend = \"2024-11-27T00:00:14.000Z\"\n\n\
             [[task]]\nname = \"List agents\"\nendpoint = \"GET /a\"\nweight = 50\n\n\
             [[task]]\nname = \"Run agent\"\nendpoint = \"POST /b\"\nweight = 50\n"
        ),
    );
    let t0 = 1_732_665_610;
    let mut log = format!(
        "#[Logged with headroom 0.1.0]\n#[Histogram log format version 1.3]\n\
         #[StartTime: {t0}.000 (seconds since epoch)]\n#[BaseTime: {t0}.000 (seconds since epoch)]\n\
         #[unit: us]\n\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
    );
    for k in 0..4 {
        for (tag, us) in [("GET%20/a", a_us), ("POST%20/b", 120_000)] {
            let mut h =
                hdrhistogram::Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
            h.record_n(us, 100).unwrap();
            log.push_str(&format!(
                "Tag={tag},{k}.000,1.000,{:.3},{}\n",
                us as f64 / 1000.0,
                hlog_blob(&h)
            ));
        }
    }
    dir.write(&format!("{name}/latency.hlog"), log);
    dir.path().join(name)
}

/// `drive` keys its figures by request (`POST /b`); its run.toml names the scenario's
/// task that sends it (`Run agent`). An SLA written from the scenario,
/// `[stage.peak.endpoint."Run agent"]`, was "not in the data": GO on a p95 of 120 ms
/// against 80 ms.
#[test]
fn an_sla_naming_a_drive_scenarios_task_judges_its_request() {
    let dir = TestDir::new();
    let run = drive_dir(&dir, "drive", 10, 20_000);
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n\
         [stage.peak.endpoint.\"Run agent\"]\nrules = [\"p(95) < 80ms\"]\n\
         [endpoint.\"list agents\"]\nrules = [\"p(95) < 50ms\"]\n",
    );
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 1, "{out:#} {stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
    let b = evals_of(&out, "POST /b");
    assert_eq!(b.len(), 1, "{out:#}");
    assert_eq!(b[0]["status"], "fail", "{:#}", b[0]);
    assert!(
        (b[0]["value"].as_f64().unwrap() - 120.0).abs() < 1.0,
        "{:#}",
        b[0]
    );
    // The other task's rule is judged on its request too (20 ms: a pass).
    let a = evals_of(&out, "GET /a");
    assert!(!a.is_empty(), "{out:#}");
    assert!(a.iter().all(|e| e["status"] == "pass"), "{out:#}");
}

/// One release run at 10 users and again at 20, `GET /a` 20 ms then 40 ms: the
/// stages ran at other loads, so nothing decides (a note says so) — yet the headline
/// read "INCONCLUSIVE, possibly worse (p50 of GET /a +100%)", the load's doing
/// named as the release's. Those metrics now carry the reason and the headline lists
/// them apart.
#[test]
fn a_stage_run_at_another_load_is_not_called_possibly_worse() {
    let dir = TestDir::new();
    let base = drive_dir(&dir, "at10", 10, 20_000);
    let cand = drive_dir(&dir, "at20", 20, 40_000);
    let (code, report, stderr) = compare_json(&dir, &[&base, &cand], &[]);
    assert_eq!(code, 0, "{stderr}");
    let line = report["verdict_line"].as_str().unwrap_or_default();
    assert!(!line.contains("possibly worse"), "{line}");
    assert!(line.contains("at another load"), "{line}");
    let comparisons = report["comparisons"].as_array().unwrap();
    assert!(!comparisons.is_empty(), "{report:#}");
    for c in comparisons {
        assert_eq!(c["verdict"], "inconclusive", "{c:#}");
        // 400 latencies a side: a p99 has too few, and says that first.
        let reason = c["reason"].as_str().unwrap_or_default();
        let thin = c["metric"] == "p99";
        let want = if thin {
            "too few samples"
        } else {
            "other load"
        };
        assert!(reason.starts_with(want), "{c:#}");
    }
}

/// A decimal comma in a limit (`p(95) < 0,1s`, as a German or French locale writes
/// 0.1 s) was refused with "write \"01\" without commas": followed, that is 1 s, a
/// limit ten times looser than meant. Now the point is suggested; thousands
/// groups (`1,000/s`) are still written without commas.
#[test]
fn a_decimal_comma_in_a_limit_is_not_read_as_thousands() {
    let dir = TestDir::new();
    dir.write("run/run_stats.csv", locust_stats(18));
    let run = dir.path().join("run");
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 0,1s\"]\n");
    let (code, _, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("\"0.1\""), "{stderr}");
    assert!(!stderr.contains("\"01\""), "{stderr}");
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"throughput >= 1,000/s\"]\n",
    );
    let (code, _, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("\"1000\" without commas"), "{stderr}");
}

/// wrk's `--latency` console of a 5 s run at `conns` connections: `n` requests, 0
/// failed, p50 10.84 ms … p99 20.10 ms.
fn wrk_console(conns: u32, n: u64) -> String {
    format!(
        "Running 5s test @ http://127.0.0.1:18762/api/v1/agents\n  2 threads and {conns} connections\n\
         \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
         \x20   Latency    11.16ms    3.07ms  28.44ms   68.71%\n\
         \x20   Req/Sec   359.29     19.89   410.00     69.00%\n\
         \x20 Latency Distribution\n     50%   10.84ms\n     75%   12.92ms\n     90%   15.22ms\n\
         \x20    99%   20.10ms\n  {n} requests in 5.01s, 423.15KB read\n\
         Requests/sec: {:>10.2}\nTransfer/sec:     84.52KB\n",
        n as f64 / 5.01
    )
}

/// Stage dirs `01 step (8 users)/` and `02 Peak load (32 users)/`, the peak's wrk
/// killed by `timeout` (SIGTERM: wrk dies without a word, its capture is empty). The
/// empty file was skipped as "not a result", the run had one stage, and the SLA's
/// `verdict_stages = ["Peak load"]`, absent, fell back to every stage: GO on the
/// warm-up alone. A stage dir that holds files but no result is a missing stage: bad
/// input (exit 2), and CONDITIONAL with `--lenient`. A dir of scripts beside them
/// names no stage and stays a skipped dir.
#[test]
fn a_stage_dir_whose_run_was_killed_before_writing_is_not_skipped_into_a_go() {
    let dir = TestDir::new();
    dir.write("run/01 step (8 users)/wrk.txt", wrk_console(8, 3581));
    dir.write("run/02 Peak load (32 users)/wrk.txt", "");
    dir.write(
        "run/scripts/paths.lua",
        "request = function() return wrk.format(\"GET\", \"/\") end\n",
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"Peak load\"]\nrules = [\"p(99) < 100ms\", \"error_rate < 1%\"]\n",
    );
    let run = dir.path().join("run");
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 2, "{out:#} {stderr}");
    let problem = stderr
        .lines()
        .find(|l| l.contains("02 Peak load (32 users)") && l.contains("no load-test result"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(problem.contains("missing"), "{problem}");
    assert!(!stderr.contains("scripts"), "{stderr}");
    let (code, out, _) = check_json(&run, &sla, &["--lenient"]);
    assert_eq!(code, 0, "{out:#}");
    assert_eq!(out["verdict"], "CONDITIONAL", "{out:#}");
}

/// Locust keeps two significant digits above 100 ms: its p99 150 ms is any value in
/// 145–155 ms. `p(99) < 152ms` passed on it (GO) though the requests may have been
/// over the limit; within half a step of the limit a pass is `not_proven`
/// (CONDITIONAL). A limit a whole step away still passes.
#[test]
fn a_locust_percentile_within_its_rounding_of_the_limit_is_not_proven() {
    let dir = TestDir::new();
    dir.write(
        "run/run_stats.csv",
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,\
80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
GET,List agents,1500,0,88,90.1,20.0,210.0,13.0,80.2,0.0,88,92,95,97,110,120,140,150,190,210,210\n\
,Aggregated,1500,0,88,90.1,20.0,210.0,13.0,80.2,0.0,88,92,95,97,110,120,140,150,190,210,210\n",
    );
    let run = dir.path().join("run");
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(99) < 152ms\"]\n");
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "CONDITIONAL", "{out:#}");
    let evals = out["sla"]["rules"].as_array().unwrap();
    assert!(evals.iter().all(|e| e["status"] == "not_proven"), "{out:#}");
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(99) < 160ms\"]\n");
    let (code, out, _) = check_json(&run, &sla, &[]);
    assert_eq!((code, out["verdict"].as_str()), (0, Some("GO")), "{out:#}");
}
