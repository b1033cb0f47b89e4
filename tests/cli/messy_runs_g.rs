//! Messy runs, seventh batch (qa12): run dirs as a user leaves them after driving the
//! demo target with the real tools — a console capture of a run stopped with Ctrl-C,
//! several tools' files in one dir, stage dirs named the way people name them. Every
//! fixture is written here in the tool's own console format (copied in shape from
//! real runs against `headroom target`), and the expected figures and verdicts follow
//! from the fixture's own numbers.

use std::path::Path;

use serde_json::Value;

use super::common::{analyze_json, headroom, TestDir};

/// `check --format json` on `dirs` with `sla`: exit code, outcome, stderr.
fn check_json(dirs: &[&Path], sla: &Path) -> (i32, Value, String) {
    let mut args: Vec<String> = vec!["check".into()];
    args.extend(dirs.iter().map(|d| d.display().to_string()));
    args.extend(["--sla".into(), sla.display().to_string()]);
    args.extend(["--format".into(), "json".into()]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = headroom(&refs);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (out.status.code().unwrap(), v, stderr)
}

/// wrk's console for a run started with `-d{planned}` that printed its summary after
/// `ran` (as wrk does at the end of `-d`, and on Ctrl-C): `requests` answers, none
/// failed, at ~40 ms.
fn wrk_console(planned: &str, requests: u64, ran: &str) -> String {
    format!(
        "Running {planned} test @ http://127.0.0.1:8000/api/v1/agents/1\n\
         \x20 2 threads and 16 connections\n\
         \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
         \x20   Latency    43.03ms   22.85ms 172.09ms   75.93%\n\
         \x20   Req/Sec   190.60     28.57   252.00     65.00%\n\
         \x20 Latency Distribution\n\
         \x20    50%   37.18ms\n\
         \x20    75%   54.67ms\n\
         \x20    90%   72.15ms\n\
         \x20    99%  119.86ms\n\
         \x20 {requests} requests in {ran}, 196.88KB read\n\
         Requests/sec:    379.51\n\
         Transfer/sec:     65.60KB\n"
    )
}

const SLA: &str = "[global]\nrules = [\"p(99) < 500ms\", \"error_rate < 1%\"]\n";

#[test]
fn a_wrk_run_stopped_with_ctrl_c_is_not_judged_go() {
    // `wrk -d10s` stopped with Ctrl-C after 3 s prints its usual summary: 1,139
    // requests in 3.00 s, 30 % of the run it was started for. Every rule passes on
    // what ran, but the planned run did not happen: the data is incomplete, never GO.
    let dir = TestDir::new();
    dir.write("smoke/wrk.txt", wrk_console("10s", 1139, "3.00s"));
    let sla = dir.write("sla.toml", SLA);
    let run = dir.path().join("smoke");
    let (code, out, stderr) = check_json(&[&run], &sla);
    assert_eq!(code, 0, "{stderr}");
    assert_ne!(out["verdict"], "GO", "{out:#}");
    let (_, report, _) = analyze_json(&[&run], &[]);
    assert_eq!(report["data_quality"], "incomplete", "{report:#}");
    assert_eq!(report["run"]["complete"], false, "{:#}", report["run"]);
    let why = report["data_quality_reason"].as_str().unwrap_or_default();
    assert!(why.contains("10 s") && why.contains("3.00 s"), "{why}");
}

#[test]
fn a_wrk_run_that_ran_its_full_length_is_still_go() {
    // The same console at the end of its 10 s (wrk stops a little after -d): complete.
    let dir = TestDir::new();
    dir.write("smoke/wrk.txt", wrk_console("10s", 3795, "10.01s"));
    let sla = dir.write("sla.toml", SLA);
    let run = dir.path().join("smoke");
    let (code, out, stderr) = check_json(&[&run], &sla);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "GO", "{out:#}");
}

/// httperf's console for `--num-conns={planned}` at 200/s that opened `opened`
/// connections (one call each), every reply 2xx.
fn httperf_console(planned: u64, opened: u64, secs: f64) -> String {
    format!(
        "httperf --client=0/1 --server=127.0.0.1 --port=8000 --uri=/api/v1/agents/1 --rate=200 \
         --send-buffer=4096 --recv-buffer=16384 --num-conns={planned} --num-calls=1\n\
         Maximum connect burst length: 2\n\n\
         Total: connections {opened} requests {opened} replies {opened} test-duration {secs:.3} s\n\n\
         Connection rate: 200.2 conn/s (5.0 ms/conn, <=14 concurrent connections)\n\
         Connection time [ms]: min 9.6 avg 41.9 max 136.2 median 37.5 stddev 20.6\n\
         Connection time [ms]: connect 0.1\n\
         Connection length [replies/conn]: 1.000\n\n\
         Request rate: 199.6 req/s (5.0 ms/req)\n\
         Request size [B]: 77.0\n\n\
         Reply rate [replies/s]: min 0.0 avg 0.0 max 0.0 stddev 0.0 (0 samples)\n\
         Reply time [ms]: response 41.8 transfer 0.0\n\
         Reply size [B]: header 108.0 content 69.0 footer 0.0 (total 177.0)\n\
         Reply status: 1xx=0 2xx={opened} 3xx=0 4xx=0 5xx=0\n\n\
         CPU time [s]: user 0.20 system 2.13 (user 6.5% system 70.9% total 77.4%)\n\
         Net I/O: 49.3 KB/s (0.4*10^6 bps)\n\n\
         Errors: total 0 client-timo 0 socket-timo 0 connrefused 0 connreset 0\n\
         Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0\n"
    )
}

#[test]
fn an_httperf_run_stopped_before_its_num_conns_is_incomplete() {
    // `--num-conns=100000` at 200/s stopped after 3 s: 600 connections of 100,000.
    let dir = TestDir::new();
    dir.write("cut/httperf.txt", httperf_console(100_000, 600, 3.006));
    dir.write("whole/httperf.txt", httperf_console(600, 600, 3.006));
    let cut = dir.path().join("cut");
    let whole = dir.path().join("whole");
    let (_, report, stderr) = analyze_json(&[&cut], &[]);
    assert_eq!(report["data_quality"], "incomplete", "{stderr}\n{report:#}");
    let why = report["data_quality_reason"].as_str().unwrap_or_default();
    assert!(why.contains("100000") && why.contains("600"), "{why}");
    let (_, report, stderr) = analyze_json(&[&whole], &[]);
    assert_ne!(report["data_quality"], "incomplete", "{stderr}\n{report:#}");
}

/// hey's CSV rows (`hey -o csv`): `n` answers with `status` at `latency_s`, spread
/// evenly over `secs` from offset 0.
fn hey_rows(n: u64, status: u16, latency_s: f64, secs: f64) -> String {
    (0..n)
        .map(|i| {
            let offset = secs * i as f64 / n as f64;
            format!(
                "{latency_s:.4},0.0000,0.0000,0.0000,{latency_s:.4},0.0000,{status},{offset:.4}\n"
            )
        })
        .collect()
}

const HEY_HEADER: &str =
    "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n";

#[test]
fn a_hey_rerun_appended_to_its_csv_is_not_overlaid_on_the_first() {
    // `hey -z 3s -c 8 -o csv URL > hey.csv`, then `hey -z 3s -c 64 -o csv URL >> hey.csv`
    // past the target's capacity: the second run repeats the header and its offsets
    // start at 0 again. The first run is 600 answers in 3 s, none failed; the second
    // 3,000, of which 2,400 are 503s. Read as one, the two runs overlay on one 3 s
    // clock: 3,600 requests at twice the real rate, 67 % failed.
    let dir = TestDir::new();
    let csv = format!(
        "{HEY_HEADER}{}{HEY_HEADER}{}{}",
        hey_rows(600, 200, 0.04, 3.0),
        hey_rows(600, 200, 0.08, 3.0),
        hey_rows(2400, 503, 0.001, 3.0)
    );
    dir.write("rerun/hey.csv", csv);
    let run = dir.path().join("rerun");
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 600, "{stderr}\n{stage:#}");
    assert_eq!(stage["failures"], 0, "{stage:#}");
    assert_eq!(report["data_quality"], "incomplete", "{report:#}");
    let why = report["data_quality_reason"].as_str().unwrap_or_default();
    assert!(why.contains("2 runs") && why.contains("line 602"), "{why}");
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
fn an_sla_stage_named_by_part_of_the_dirs_words_is_not_skipped_into_a_go() {
    // Stage dirs as a user names them; the SLA says `peak` for `02_Peak-Load_32users`
    // (stage `peak_load`) and sets a p95 the peak misses (80 ms against 50 ms). Before,
    // `peak` matched nothing: the verdict fell back to every stage on the error rule
    // alone and the peak rule was "not run": GO. A name that is part of one stage's
    // words is a near miss, like a typo: exit 2 naming the stage.
    let dir = TestDir::new();
    dir.write(
        "run/01 Baseline (16 users)/hey.txt",
        hey_summary(1000, 0.05),
    );
    dir.write("run/02_Peak-Load_32users/hey.txt", hey_summary(1000, 0.08));
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"error_rate < 1%\"]\n\n\
         [stage.peak]\nrules = [\"p(95) < 50ms\"]\n",
    );
    let run = dir.path().join("run");
    let out = headroom(&[
        "check",
        &run.display().to_string(),
        "--sla",
        &sla.display().to_string(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("\"peak_load\""), "{stderr}");
    // Named as the data names it, the peak's p95 (80 ms) fails its 50 ms: NO-GO.
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak_load\"]\nrules = [\"error_rate < 1%\"]\n\n\
         [stage.peak_load]\nrules = [\"p(95) < 50ms\"]\n",
    );
    let (code, out, stderr) = check_json(&[&run], &sla);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out:#}");
}

#[test]
fn a_console_copy_saved_with_crlf_endings_is_read_once() {
    // `wrk.txt` and the same capture saved on Windows (`wrk-win.txt`: a BOM and CRLF
    // endings): one run of 3,795 requests in 10.01 s. Before, only byte-identical
    // copies were known, so the two were added as runs one after another: 7,590
    // requests, twice the evidence any SLA rule is proven on.
    let dir = TestDir::new();
    let console = wrk_console("10s", 3795, "10.01s");
    dir.write("smoke/wrk.txt", &console);
    let windows = format!("\u{feff}{}", console.replace('\n', "\r\n"));
    dir.write("smoke/wrk-win.txt", windows);
    let run = dir.path().join("smoke");
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(
        report["stages"][0]["requests"], 3795,
        "{stderr}\n{report:#}"
    );
    let skipped = report["skipped"].to_string();
    assert!(skipped.contains("wrk-win.txt"), "{skipped}");
}

/// ab's console for `ab -t 5 -c 16 URL`: 1,927 requests, none failed.
const AB_CONSOLE: &str = "This is ApacheBench, Version 2.3 <$Revision$>\n\
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
Licensed to The Apache Software Foundation, http://www.apache.org/\n\n\
Benchmarking 127.0.0.1 (be patient)\nFinished 1927 requests\n\n\n\
Server Software:        \nServer Hostname:        127.0.0.1\nServer Port:            8000\n\n\
Document Path:          /api/v1/agents/1\nDocument Length:        69 bytes\n\n\
Concurrency Level:      16\nTime taken for tests:   5.002 seconds\n\
Complete requests:      1927\nFailed requests:        0\n\
Total transferred:      341079 bytes\nHTML transferred:       132963 bytes\n\
Requests per second:    385.26 [#/sec] (mean)\n\
Time per request:       41.530 [ms] (mean)\n\
Time per request:       2.596 [ms] (mean, across all concurrent requests)\n\
Transfer rate:          66.59 [Kbytes/sec] received\n\n\
Connection Times (ms)\n              min  mean[+/-sd] median   max\n\
Connect:        0    0   0.1      0       1\nProcessing:     8   41  21.7     36     185\n\
Waiting:        8   41  21.7     36     185\nTotal:          8   41  21.7     36     185\n\n\
Percentage of the requests served within a certain time (ms)\n\
  50%     36\n  66%     45\n  75%     50\n  80%     55\n  90%     69\n  95%     80\n\
  98%    102\n  99%    114\n 100%    185 (longest request)\n";

#[test]
fn another_tools_failures_in_the_same_dir_are_not_taken_for_the_same_requests() {
    // `ab -c16` and, after it, `hey -c16` at the same URL for the same time, both
    // consoles saved in one dir: about the same totals (1,927 and 1,900), but hey's
    // run met 400 × 503 (21 %) and ab's none. Totals alone took them for one set of
    // requests measured twice, so the verdict read ab's 0 % and said GO; failures
    // that far apart are other requests, and the report does not cover them.
    let dir = TestDir::new();
    dir.write("smoke/ab.txt", AB_CONSOLE);
    let hey = hey_summary(1500, 0.08).replace(
        "[200]\t1500 responses\n",
        "[200]\t1500 responses\n  [503]\t400 responses\n",
    );
    dir.write("smoke/hey.txt", hey);
    let sla = dir.write("sla.toml", SLA);
    let run = dir.path().join("smoke");
    let (code, out, stderr) = check_json(&[&run], &sla);
    assert_eq!(code, 0, "{stderr}");
    assert_ne!(out["verdict"], "GO", "{out:#}");
    let (_, report, _) = analyze_json(&[&run], &[]);
    assert_eq!(report["data_quality"], "incomplete", "{report:#}");
    let why = report["data_quality_reason"].as_str().unwrap_or_default();
    assert!(why.contains("400 failed"), "{why}");
}

#[test]
fn a_siege_run_siege_itself_aborted_is_not_judged_go() {
    // siege.log, appended by every run: a short run, then a long one at 31.6 in
    // flight that siege gave up on after 1,049 socket failures (its default
    // threshold is 1,024), as the banner it writes next says. 1,049 of 201,049 is
    // 0.52 %, under a 1 % limit, but the run stopped at siege's hand: incomplete.
    let dir = TestDir::new();
    dir.write(
        "soak/siege.log",
        "      Date & Time,  Trans,  Elap Time,  Data Trans,  Resp Time,  Trans Rate,  \
         Throughput,  Concurrent,    OKAY,   Failed\n\
         2026-12-04 13:04:35,    451,       2.67,           0,       0.05,      168.91,        \
         0.00,        7.88,     451,       0\n\
         2026-12-04 13:20:38, 200000,     280.00,          27,       0.04,      714.29,        \
         0.10,       31.62,  200000,    1049\n\
         **** siege aborted due to excessive socket failure. ****\n",
    );
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let run = dir.path().join("soak");
    let (code, out, stderr) = check_json(&[&run], &sla);
    assert_eq!(code, 0, "{stderr}");
    assert_ne!(out["verdict"], "GO", "{out:#}");
    let (_, report, _) = analyze_json(&[&run], &[]);
    assert_eq!(report["stages"][0]["requests"], 201_049, "{report:#}");
    assert_eq!(report["data_quality"], "incomplete", "{report:#}");
}

#[test]
fn time_flags_a_summary_cannot_honour_are_said_where_check_prints_its_verdict() {
    // `check --warmup 2s` on hey's text summary: a whole-run summary cannot be trimmed,
    // so its figures include the warm-up. Before, only report.md's Sources said so and
    // check printed a bare GO; now the warning is among the ones check prints.
    let dir = TestDir::new();
    dir.write("smoke/hey.txt", hey_summary(1000, 0.05));
    let sla = dir.write("sla.toml", SLA);
    let run = dir.path().join("smoke");
    for flags in [["--warmup", "2s"], ["--from", "2030-01-01T00:00:00Z"]] {
        let out = headroom(&[
            "check",
            &run.display().to_string(),
            "--sla",
            &sla.display().to_string(),
            flags[0],
            flags[1],
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("cannot trim hey's whole-run summary"),
            "{flags:?}: {stderr}"
        );
    }
}
