//! Messy runs, batch "y" (qa31): a release manager's judgements on run dirs made with
//! the real tools (ab, h2load, wrk, JMeter's JTLs) against `headroom target`: which
//! source answers a rule, a rerun saved as a file beside the first, a command in a
//! skip reason, and the users of a stage two generators measured.

use serde_json::Value;

use super::common::{analyze_json, headroom, TestDir};

/// ab's console for `ab -n N -c C` that took `secs`, its percentile table's p95 at
/// `p95` ms (the mean follows from Little's law: C ÷ throughput).
fn ab(c: u32, n: u32, secs: f64, p95: u32) -> String {
    let rps = f64::from(n) / secs;
    let mean = f64::from(c) * 1000.0 / rps;
    format!(
        "This is ApacheBench, Version 2.3 <$Revision$>\n\
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
Licensed to The Apache Software Foundation, http://www.apache.org/\n\n\
Benchmarking 127.0.0.1 (be patient)\n\
Completed {n} requests\nFinished {n} requests\n\n\n\
Server Software:        \nServer Hostname:        127.0.0.1\nServer Port:            18431\n\n\
Document Path:          /api/v1/agents\nDocument Length:        91 bytes\n\n\
Concurrency Level:      {c}\n\
Time taken for tests:   {secs:.3} seconds\n\
Complete requests:      {n}\n\
Failed requests:        0\n\
Total transferred:      {} bytes\n\
HTML transferred:       {} bytes\n\
Requests per second:    {rps:.2} [#/sec] (mean)\n\
Time per request:       {mean:.3} [ms] (mean)\n\
Time per request:       {:.3} [ms] (mean, across all concurrent requests)\n\
Transfer rate:          133.65 [Kbytes/sec] received\n\n\
Connection Times (ms)\n\
              min  mean[+/-sd] median   max\n\
Connect:        0    0   0.2      0       4\n\
Processing:     2 {m:>4}  11.4 {m:>6}     {max}\n\
Waiting:        2 {m:>4}  11.4 {m:>6}     {max}\n\
Total:          2 {m:>4}  11.4 {m:>6}     {max}\n\n\
Percentage of the requests served within a certain time (ms)\n\
  50% {m:>6}\n  66% {m:>6}\n  75% {m:>6}\n  80% {m:>6}\n  90% {m:>6}\n\
  95% {p95:>6}\n  98% {:>6}\n  99% {:>6}\n 100% {max:>6} (longest request)\n",
        n * 199,
        n * 91,
        mean / f64::from(c),
        p95 + 2,
        p95 + 4,
        m = mean.round() as u32,
        max = p95 + 50,
    )
}

/// h2load's console for `h2load --h1 -n N -c C` that took `secs` (it prints no
/// percentiles: min, max, mean and sd of its request times).
fn h2load(c: u32, n: u32, secs: f64) -> String {
    let rps = f64::from(n) / secs;
    let mean = f64::from(c) * 1000.0 / rps;
    format!(
        "starting benchmark...\n\
spawning thread #0: {c} total client(s). {n} total requests\n\
Application protocol: http/1.1\n\
progress: 50% done\nprogress: 100% done\n\n\
finished in {secs:.2}s, {rps:.2} req/s, 133.93KB/s\n\
requests: {n} total, {n} started, {n} done, {n} succeeded, 0 failed, 0 errored, 0 timeout\n\
status codes: {n} 2xx, 0 3xx, 0 4xx, 0 5xx\n\
traffic: 777.34KB (796000) total, 300.78KB (308000) headers (space savings 0.00%), 355.47KB (364000) data\n\
                     min         max         mean         sd        +/- sd\n\
time for request:     1.47ms    119.58ms {mean:>9.2}ms     11.06ms    77.30%\n\
time for connect:       92us       701us       325us       165us    62.50%\n\
time to 1st byte:    19.46ms     39.54ms     26.19ms      7.68ms    75.00%\n\
req/s           :      43.14       47.55       45.74        1.48    56.25%\n"
    )
}

/// The SLA evaluations of `report` for `rule` on `stage`.
fn evaluation<'a>(report: &'a Value, rule: &str, stage: &str) -> &'a Value {
    let rules = report["sla"]["rules"].as_array().expect("sla rules");
    (rules.iter())
        .find(|e| e["rule"] == rule && e["stage"] == stage && e["endpoint"].is_null())
        .unwrap_or_else(|| panic!("no {rule} on {stage}: {rules:?}"))
}

/// Stage dirs each holding ab (800 requests, with its percentile table) and h2load
/// (4,000 requests, no percentiles), as a user who ran both at each load level has:
/// the report shows h2load for its requests. An SLA `p(95) < …` on `peak` was
/// "insufficient data" before — the run had the figure, ab's — so a p95 that missed
/// the limit passed `check` with exit 0. Now the rule is judged on ab's measurement
/// of the same stage (its printed p95), and the evaluation's note says so: a p95 of
/// 44 ms passes `< 200ms` and fails `< 40ms` (exit 1, NO-GO), and `check`'s table
/// and PR comment say whose figure it is.
#[test]
fn a_p95_the_shown_tool_lacks_is_judged_on_the_other_tool_of_the_stage() {
    let dir = TestDir::new();
    dir.write("run/01_base_4users/ab.txt", ab(4, 800, 1.0, 12));
    dir.write("run/01_base_4users/h2load.txt", h2load(4, 4000, 5.0));
    dir.write("run/02_peak_16users/ab.txt", ab(16, 800, 1.163, 44));
    dir.write("run/02_peak_16users/h2load.txt", h2load(16, 4000, 5.8));
    let run = dir.path().join("run");
    let sla = |limit: &str| {
        dir.write(
            "sla.toml",
            format!("[global]\nverdict_stages = [\"peak\"]\nrules = [\"p(95) < {limit}\"]\n"),
        )
    };
    let sla_path = sla("200ms");
    let (code, report, err) = analyze_json(&[&run], &["--sla", sla_path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["primary_source"], "h2load", "{err}");
    for (stage, p95) in [("base", 12.0), ("peak", 44.0)] {
        let e = evaluation(&report, "p(95) < 200ms", stage);
        assert_eq!(e["value"].as_f64(), Some(p95), "{e}");
        assert_eq!(e["status"], "pass", "{e}");
        let note = e["note"].as_str().unwrap_or_default();
        assert!(
            note.contains("judged on ab's") && note.contains("h2load"),
            "{e}"
        );
    }
    let sla_path = sla("40ms");
    let comment = dir.path().join("comments/check.md");
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla_path.to_str().unwrap(),
        "--markdown",
        comment.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("NO-GO"), "{out}");
    // The table and the PR comment say whose figure failed: ab's, not the report's
    // h2load (the note was in report.json and report.md only).
    let said = |text: &str| {
        text.lines()
            .any(|l| l.contains("p(95)") && l.contains("peak") && l.contains("judged on ab's"))
    };
    assert!(said(&out), "{out}");
    let md = std::fs::read_to_string(&comment).unwrap();
    assert!(said(&md), "{md}");
}

/// wrk consoles saved one per stage in one dir, the peak run again beside the first
/// (`02_peak_30users.txt`, `02_peak_30users_rerun.txt`). Before, the rerun's file
/// was read as the first's (a stem that extends another was taken for its set's
/// file), pooled into one stage `peak` whose p99 mixed both runs. Now it is the
/// stage `peak_rerun`, as a stage dir so named is: an SLA naming `peak` asks which
/// run decides (exit 2), and `peak_rerun` is judged on the rerun's own p99 (the
/// 347.12 ms wrk printed).
#[test]
fn a_rerun_saved_as_a_file_beside_the_first_is_a_stage_of_its_own() {
    let dir = TestDir::new();
    let wrk = |c: u32, n: u32, p99: &str| {
        format!(
            "Running 5s test @ http://127.0.0.1:18431/api/v1/agents\n\
  2 threads and {c} connections\n\
  Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
    Latency    40.00ms   54.79ms 415.58ms   93.34%\n\
    Req/Sec   356.53     60.37   464.00     90.43%\n\
  Latency Distribution\n\
     50%   30.00ms\n     75%   45.00ms\n     90%   80.00ms\n     99%  {p99}\n\
  {n} requests in 5.00s, 586.14KB read\n\
Requests/sec:    {:.2}\nTransfer/sec:    114.52KB\n",
            f64::from(n) / 5.0
        )
    };
    dir.write("run/01_base_8users.txt", wrk(8, 1000, "57.10ms"));
    dir.write("run/02_peak_30users.txt", wrk(30, 3750, "272.00ms"));
    dir.write("run/02_peak_30users_rerun.txt", wrk(30, 3750, "347.12ms"));
    let run = dir.path().join("run");
    let check = |verdict: &str| {
        let sla = dir.write(
            "sla.toml",
            format!("[global]\nverdict_stages = [\"{verdict}\"]\nrules = [\"p(99) < 500ms\"]\n"),
        );
        headroom(&[
            "check",
            run.to_str().unwrap(),
            "--sla",
            sla.to_str().unwrap(),
            "--format",
            "json",
        ])
    };
    let o = check("peak");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("\"peak\" or \"peak_rerun\""), "{err}");
    let o = check("peak_rerun");
    assert_eq!(o.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = report.to_string();
    let evals = report["sla"]["rules"].as_array().expect(&text);
    let on = |stage: &str| {
        (evals.iter())
            .find(|e| e["stage"] == stage)
            .and_then(|e| e["value"].as_f64())
    };
    assert_eq!(on("peak_rerun"), Some(347.12), "{text}");
    assert_eq!(on("peak"), Some(272.0), "{text}");
}

/// A vegeta attack's binary results beside a wrk console: the skip reason says how
/// to convert them, `vegeta encode --to csv results.bin > results.csv`. report.md
/// showed that command as ``\`vegeta encode … &gt; results.csv\` ``: escaped for
/// HTML inside text meant to be copied. Now the command is a code span, its `>` as
/// written.
#[test]
fn a_command_in_a_skip_reason_reads_as_written_in_report_md() {
    let dir = TestDir::new();
    let mut gob = b"\x3f\xff\x81\x03\x01\x01\x06Result\x01\xff\x82\x00\x01\x09".to_vec();
    gob.extend_from_slice(b"\x01\x06Attack\x01\x0c\x00\x01\x03Seq\x01\x06\x00\x01\x04Code");
    gob.extend_from_slice(b"\x01\x06\x00\x01\x09Timestamp\x01\xff\x84\x00\x01\x07Latency\x01");
    dir.write("run/results.bin", gob);
    dir.write(
        "run/wrk.txt",
        "Running 5s test @ http://127.0.0.1:18431/api/v1/agents\n\
  2 threads and 8 connections\n\
  Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
    Latency    21.00ms   10.00ms 101.00ms   90.00%\n\
    Req/Sec   190.00     20.00   230.00     80.00%\n\
  Latency Distribution\n\
     50%   20.00ms\n     75%   25.00ms\n     90%   35.00ms\n     99%   57.00ms\n\
  1900 requests in 5.00s, 300.00KB read\n\
Requests/sec:    380.00\nTransfer/sec:    60.00KB\n",
    );
    let run = dir.path().join("run");
    let out = dir.path().join("out");
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let line = (md.lines())
        .find(|l| l.contains("results.bin") && l.contains("vegeta encode"))
        .unwrap_or_else(|| panic!("no skip reason for results.bin:\n{md}"));
    assert!(
        line.contains("`vegeta encode --to csv results.bin > results.csv`"),
        "{line}"
    );
    assert!(!line.contains("&gt;") && !line.contains("\\`"), "{line}");
}

/// Two JMeter engines' JTLs of one stage (`02_peak_20users/engine-{1,2}.jtl`), each
/// sample counting its engine's 10 threads, as in one dir or in a generator dir each.
/// The stage is at 20 users, and each interval of its timeline held 10: the larger
/// engine's count, where the engines' users at a moment add. Now every interval
/// holds 20, as the stage does.
#[test]
fn a_stage_two_engines_measured_has_their_users_added_in_each_interval() {
    let t0 = 1_764_950_400_000i64;
    let jtl = |engine: i64| {
        let mut s = String::from(
            "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
             failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
        );
        for i in 0..600i64 {
            s.push_str(&format!(
                "{},{},GET /a,200,OK,Thread Group 1-{},text,true,,100,50,10,10,http://x/a,10,0,1\n",
                t0 + i * 100 + engine * 7,
                20 + (i * 7 + engine) % 40,
                i % 10 + 1
            ));
        }
        s
    };
    for layout in [
        ["engine-1.jtl", "engine-2.jtl"],
        ["agent-1/e.jtl", "agent-2/e.jtl"],
    ] {
        let dir = TestDir::new();
        dir.write(&format!("run/02_peak_20users/{}", layout[0]), jtl(1));
        dir.write(&format!("run/02_peak_20users/{}", layout[1]), jtl(2));
        let run = dir.path().join("run");
        let (code, report, err) = analyze_json(&[&run], &[]);
        assert_eq!(code, 0, "{layout:?}: {err}");
        let stage = &report["stages"][0];
        assert_eq!(stage["users"], 20, "{layout:?}: {stage}");
        let users: Vec<f64> = (stage["timeseries"].as_array().unwrap().iter())
            .filter_map(|p| p["users"].as_f64())
            .collect();
        assert!(!users.is_empty(), "{layout:?}: {stage}");
        assert!(users.iter().all(|u| *u == 20.0), "{layout:?}: {users:?}");
    }
}

/// The same stage dirs of ab beside h2load, where ab's run of the peak was slower
/// (mean 40 ms, by Little's law at 16 users and 400 req/s) than h2load's (23.2 ms),
/// which the report shows. Before, `mean < 30ms` on `peak` was judged on h2load's
/// figure alone and passed. Now a latency rule the shown tool passes is judged on
/// the other tool's measurement of the stage too, and the worse decides: NO-GO
/// (exit 1), the value ab's, and the note says so; under `mean < 50ms` both pass and
/// the evaluation is h2load's, without that note.
#[test]
fn a_latency_rule_the_shown_tool_passes_and_the_other_tool_fails_is_a_miss() {
    let dir = TestDir::new();
    dir.write("run/01_base_4users/ab.txt", ab(4, 800, 1.0, 12));
    dir.write("run/01_base_4users/h2load.txt", h2load(4, 4000, 5.0));
    dir.write("run/02_peak_16users/ab.txt", ab(16, 800, 2.0, 60));
    dir.write("run/02_peak_16users/h2load.txt", h2load(16, 4000, 5.8));
    let run = dir.path().join("run");
    let judge = |limit: &str| {
        let sla = dir.write(
            "sla.toml",
            format!("[global]\nverdict_stages = [\"peak\"]\nrules = [\"mean < {limit}\"]\n"),
        );
        let (_, report, err) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
        assert_eq!(report["primary_source"], "h2load", "{err}");
        let o = headroom(&[
            "check",
            run.to_str().unwrap(),
            "--sla",
            sla.to_str().unwrap(),
        ]);
        let e = evaluation(&report, &format!("mean < {limit}"), "peak").clone();
        (
            o.status.code(),
            e,
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let h2load_mean = 16.0 * 1000.0 / (4000.0 / 5.8);
    let ab_mean = 16.0 * 1000.0 / (800.0 / 2.0);
    let (code, e, out) = judge("30ms");
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(e["status"], "fail", "{e}");
    let value = e["value"].as_f64().unwrap();
    assert!((value - ab_mean).abs() < 0.6, "{e}");
    let note = e["note"].as_str().unwrap_or_default();
    assert!(
        note.contains("judged on ab's") && note.contains("the worse decides"),
        "{e}"
    );
    let (code, e, out) = judge("50ms");
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(e["status"], "pass", "{e}");
    assert!(
        (e["value"].as_f64().unwrap() - h2load_mean).abs() < 0.01,
        "{e}"
    );
    assert!(e["note"].is_null(), "{e}");
}
