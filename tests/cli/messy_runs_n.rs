//! Messy runs, fourteenth batch (qa20): gaps earlier QA rounds left open, each
//! reproduced with a real tool's output against `headroom target` and written here in
//! that output's shape: a JMeter dashboard's sub-result rows, a PowerShell (UTF-16)
//! copy of a result beside it, ab and siege runs in one dir, hey's users from its
//! saved command line, a wrk Lua script's path mix, Artillery 2's phases from its
//! script.

use serde_json::Value;

use super::common::{analyze_json, check_rules, TestDir};

/// One row of a dashboard's `statistics.json` (JMeter 5.6's keys).
pub(crate) fn dashboard_row(
    label: &str,
    n: u64,
    errors: u64,
    mean: f64,
    p95: f64,
    rps: f64,
) -> String {
    format!(
        "\"{label}\": {{\"transaction\": \"{label}\", \"sampleCount\": {n}, \"errorCount\": \
         {errors}, \"errorPct\": {:.3}, \"meanResTime\": {mean:.1}, \"medianResTime\": \
         {mean:.1}, \"minResTime\": 1.0, \"maxResTime\": 900.0, \"pct1ResTime\": {:.1}, \
         \"pct2ResTime\": {p95:.1}, \"pct3ResTime\": {:.1}, \"throughput\": {rps:.3}, \
         \"receivedKBytesPerSec\": 1.0, \"sentKBytesPerSec\": 1.0}}",
        100.0 * errors as f64 / n as f64,
        p95 * 0.8,
        p95 * 1.5
    )
}

/// A dashboard alone (`jmeter -g results.jtl -o report/`) of a plan whose `Home`
/// follows a redirect: JMeter saves its sub-results `Home-0` (the 302) and `Home-1`
/// (the page) and its dashboard lists them as labels of their own, counted in its
/// `Total` row too (StatisticsSummaryConsumer leaves only controllers out). They are
/// the requests inside `Home`'s sample, which the JTL reader leaves out beside their
/// parent: read as endpoints they counted Home's 1,000 samples three times, 3,500
/// requests and 35 req/s for the 1,500 samples (15 req/s over the Total's 100 s) of
/// Home and Login, so a `throughput >= 30/s` rule passed.
#[test]
fn a_dashboard_s_sub_result_rows_are_not_counted_again() {
    let dir = TestDir::new();
    let (home, login) = (1000u64, 500u64);
    let total = home * 3 + login;
    let span_s = 100.0;
    let rows = [
        dashboard_row("Home", home, 10, 120.0, 250.0, home as f64 / span_s),
        dashboard_row("Home-0", home, 0, 40.0, 80.0, home as f64 / span_s),
        dashboard_row("Home-1", home, 10, 80.0, 170.0, home as f64 / span_s),
        dashboard_row("Login", login, 5, 50.0, 100.0, login as f64 / span_s),
        dashboard_row("Total", total, 25, 81.4, 210.0, total as f64 / span_s),
    ];
    dir.write(
        "run/report/statistics.json",
        format!("{{\n{}\n}}\n", rows.join(",\n")),
    );
    let run = dir.path().join("run/report");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    let keys: Vec<&str> = (stage["endpoints"].as_array().unwrap().iter())
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["Home", "Login"], "{stage:#}");
    assert_eq!(report["overall"]["requests"], home + login);
    // Home's 10 errors are Home-1's: counted once, with Login's 5.
    assert_eq!(report["overall"]["failures"], 15);
    let rps = stage["throughput_rps"].as_f64().unwrap();
    let want = (home + login) as f64 / span_s;
    assert!((rps - want).abs() < 1e-6, "{rps} req/s, want {want}");
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("`Home-0`, `Home-1`"), "{notes}");
    let (code, out, err) = check_rules(&dir, &run, "\"throughput >= 30/s\"");
    assert_eq!(code, 1, "15 req/s fails a 30 req/s floor: {out}{err}");
}

/// wrk's console of a 3 s run at 10 connections against `headroom target` (wrk 4.2).
const WRK_CONSOLE: &str = "Running 3s test @ http://127.0.0.1:18420\n  1 threads and 10 \
connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency   341.67us    \
0.96ms  15.05ms   92.70%\n    Req/Sec    69.65k    24.09k  136.47k    74.19%\n  Latency \
Distribution\n     50%   86.00us\n     75%  117.00us\n     90%  775.00us\n     99%    4.74ms\n  \
214584 requests in 3.10s, 23.53MB read\nRequests/sec:  69273.78\nTransfer/sec:      7.60MB\n";

/// `text` as Windows PowerShell's `>` saves it: UTF-16LE with a byte-order mark, CRLF.
fn powershell(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.replace('\n', "\r\n").encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    bytes
}

/// The names of the run's skipped files whose skip is of `kind`.
fn skipped(report: &Value, kind: &str) -> Vec<String> {
    (report["skipped"].as_array().unwrap().iter())
        .filter(|s| s["kind"] == kind)
        .map(|s| {
            s["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// A console saved twice, once by a shell and once by PowerShell (`wrk … > wrk-ps.txt`
/// on Windows: UTF-16 with CRLF endings), is one run. Its bytes, and its size, differ
/// from the UTF-8 file's, so the copy check never matched them: the run was read twice
/// as two runs one after another, 429,168 requests for 214,584.
#[test]
fn a_powershell_copy_of_a_console_is_a_copy() {
    let dir = TestDir::new();
    dir.write("run/wrk.txt", WRK_CONSOLE);
    dir.write("run/wrk-ps.txt", powershell(WRK_CONSOLE));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        report["overall"]["requests"], 214_584,
        "{:#}",
        report["sources"]
    );
    assert_eq!(skipped(&report, "same_data"), ["wrk-ps.txt"]);
}

/// The same for a large result (a JTL over 8 MB, whose fingerprint waits while it is
/// read when no other input has its size): its UTF-16 copy is twice its size, so the
/// size alone never made the two candidates for a copy.
#[test]
fn a_large_result_s_powershell_copy_is_a_copy() {
    let dir = TestDir::new();
    let mut jtl = String::from("timeStamp,elapsed,label,responseCode,success,allThreads\n");
    let rows = 180_000u64;
    for i in 0..rows {
        let code = if i % 100 == 0 {
            "500,false"
        } else {
            "200,true"
        };
        jtl.push_str(&format!(
            "{},{},GET /api/v1/agents,{code},10\n",
            1_700_000_000_000 + i * 2,
            5 + i % 7
        ));
    }
    assert!(jtl.len() > 8 << 20, "{} bytes", jtl.len());
    dir.write("run/results.jtl", &jtl);
    dir.write("run/results-windows.jtl", powershell(&jtl));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        report["overall"]["requests"], rows,
        "{:#}",
        report["sources"]
    );
    assert_eq!(report["overall"]["failures"], rows / 100);
    assert_eq!(skipped(&report, "same_data"), ["results-windows.jtl"]);
}

/// ab's console of `n` requests at 10 users in 0.3 s, 95 % within `p95` ms (ab 2.3).
fn ab_console(n: u64, p95: u32) -> String {
    format!(
        "This is ApacheBench, Version 2.3 <$Revision: 1903618 $>\n\nBenchmarking 127.0.0.1 (be \
         patient)\n\n\nServer Software:        \nServer Hostname:        127.0.0.1\nServer Port:  \
         18420\n\nDocument Path:          /api/v1/agents\nDocument Length:        13 bytes\n\n\
         Concurrency Level:      10\nTime taken for tests:   0.300 seconds\nComplete requests:      \
         {n}\nFailed requests:        0\nTotal transferred:      {} bytes\nHTML transferred:       \
         {} bytes\nRequests per second:    {:.2} [#/sec] (mean)\nTime per request:       1.000 \
         [ms] (mean)\nTime per request:       0.100 [ms] (mean, across all concurrent \
         requests)\nTransfer rate:          1625.15 [Kbytes/sec] received\n\nConnection Times \
         (ms)\n              min  mean[+/-sd] median   max\nConnect:        0    0   0.1      0 \
         1\nProcessing:     0    1   0.3      1      20\nWaiting:        0    1   0.3      1 \
         20\nTotal:          0    1   0.3      1      20\n\nPercentage of the requests served \
         within a certain time (ms)\n  50%      1\n  66%      1\n  75%      2\n  80%      2\n  \
         90%      5\n  95%     {p95}\n  98%     15\n  99%     18\n 100%     20 (longest \
         request)\n",
        121 * n,
        13 * n,
        n as f64 / 0.3
    )
}

/// siege's JSON summary of `n` transactions in 0.3 s, all answered (siege 4.1).
fn siege_summary(n: u64) -> String {
    format!(
        "\n{{\t\"transactions\":\t\t\t{n},\n\t\"availability\":\t\t\t100.00,\n\t\"elapsed_time\":\
         \t\t0.30,\n\t\"data_transferred\":\t\t0.04,\n\t\"response_time\":\t\t0.00,\n\t\
         \"transaction_rate\":\t\t{:.2},\n\t\"throughput\":\t\t\t0.14,\n\t\"concurrency\":\t\t\
         9.62,\n\t\"successful_transactions\":\t{n},\n\t\"failed_transactions\":\t\t0,\n\t\
         \"longest_transaction\":\t0.02,\n\t\"shortest_transaction\":\t0.00\n}}\n",
        n as f64 / 0.3
    )
}

/// ab and siege run one after the other against the same target, their consoles saved
/// in one dir: two tools, two sources side by side (never summed, neither a copy of
/// the other, though their counts are within 10 %). The report led with siege, for
/// having 100 more requests, though siege prints no percentiles and not its users: a
/// p95 rule lacked the data (CONDITIONAL) while ab beside it printed its p95 (12 ms)
/// and its 10 users. Of runs of about as many requests, the one with a p95 leads.
#[test]
fn of_two_tools_runs_of_the_same_size_the_one_with_a_p95_leads() {
    let dir = TestDir::new();
    dir.write("run/ab.txt", ab_console(3000, 12));
    dir.write("run/siege.txt", siege_summary(3100));
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["primary_source"], "ab", "{:#}", report["sources"]);
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 3000);
    assert_eq!(stage["users"], 10);
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("siege has none"), "{warnings}");
    let (code, out, err) = check_rules(&dir, &run, "\"p(95) < 50ms\"");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("verdict: GO"), "12 ms is under 50 ms: {out}");
}

/// An Artillery 2 report (`artillery run --output report.json load.yml`, v2.0) of a
/// stepped run in 10 s periods from `T0`: each period's virtual users created (one
/// request each, all 200) and p95; the periods' requests counted from 0.1 s to 9.9 s
/// into their slot, as Artillery stamps them. The report lists no phases.
pub(crate) fn artillery2_report(periods: &[(u64, f64)]) -> String {
    let t0: u64 = 1_800_000_000_000;
    let counters = |n: u64| {
        format!(
            "{{\"vusers.created_by_name.0\": {n}, \"vusers.created\": {n}, \"http.requests\": \
             {n}, \"http.codes.200\": {n}, \"http.responses\": {n}, \"vusers.failed\": 0, \
             \"vusers.completed\": {n}}}"
        )
    };
    let summary = |n: u64, p95: f64| {
        format!(
            "{{\"min\": 1, \"max\": {:.1}, \"count\": {n}, \"mean\": {:.1}, \"p50\": {:.1}, \
             \"median\": {:.1}, \"p75\": {:.1}, \"p90\": {:.1}, \"p95\": {p95:.1}, \"p99\": \
             {:.1}, \"p999\": {:.1}}}",
            p95 * 2.0,
            p95 / 2.0,
            p95 / 2.0,
            p95 / 2.0,
            p95 * 0.7,
            p95 * 0.9,
            p95 * 1.2,
            p95 * 1.5
        )
    };
    let period = |slot: u64, first: u64, last: u64, n: u64, p95: f64| {
        format!(
            "{{\"counters\": {}, \"rates\": {{}}, \"firstCounterAt\": {first}, \"lastCounterAt\": \
             {last}, \"firstMetricAt\": {first}, \"lastMetricAt\": {last}, \"period\": {slot}, \
             \"summaries\": {{\"http.response_time\": {}}}, \"histograms\": {{}}}}",
            counters(n),
            summary(n, p95)
        )
    };
    let slots: Vec<String> = (periods.iter().enumerate())
        .map(|(i, &(n, p95))| {
            let slot = t0 + 10_000 * i as u64;
            period(slot, slot + 100, slot + 9_900, n, p95)
        })
        .collect();
    let total: u64 = periods.iter().map(|p| p.0).sum();
    let end = t0 + 10_000 * (periods.len() as u64 - 1) + 9_900;
    let worst = periods.iter().map(|p| p.1).fold(0.0, f64::max);
    format!(
        "{{\n  \"aggregate\": {},\n  \"intermediate\": [\n    {}\n  ]\n}}\n",
        period(
            t0 + 10_000 * (periods.len() as u64 - 1),
            t0 + 100,
            end,
            total,
            worst
        )
        .replacen("\"period\"", "\"firstHistogramAt\": 0, \"period\"", 1),
        slots.join(",\n    ")
    )
}

/// The script of that run: 60 s at 5 arrivals/s, a 20 s ramp to 20/s, 60 s at 20/s.
const ARTILLERY_SCRIPT: &str = "config:\n  target: \"http://127.0.0.1:18420\"\n  phases:\n    \
- duration: 60\n      arrivalRate: 5\n      name: low   # warm\n    - duration: 20\n      \
arrivalRate: 5\n      rampTo: 20\n      name: ramp\n    - { duration: 60, arrivalRate: 20, name: \
high }\nscenarios:\n  - flow:\n      - get:\n          url: \"/api/v1/agents\"\n";

/// The stepped run's periods: six at 5/s (50 a period, p95 20 ms), the ramp's two
/// (5 → 12.5 → 20/s: 87 and 163), six at 20/s (200 a period, p95 400 ms). Planned
/// arrivals 5·60 + (5+20)/2·20 + 20·60 = 1,750, as the periods count.
fn stepped_periods() -> Vec<(u64, f64)> {
    let mut p = vec![(50, 20.0); 6];
    p.extend([(87, 60.0), (163, 200.0)]);
    p.extend(vec![(200, 400.0); 6]);
    p
}

/// Artillery 2's report lists no phases, so a stepped run (5/s, ramp, 20/s) was one
/// stage mixing its loads. Its script saved beside it names them: with the report's
/// length (140 s) and arrivals (1,750) matching its plan, each constant phase is a
/// stage at its rate holding the periods inside it: `low` 6 × 50 = 300 requests at
/// 5/s, `high` 6 × 200 = 1,200 at 20/s (the ramp is no stage), and a p95 rule fails
/// on `high` (400 ms) where `low` passes (20 ms).
#[test]
fn artillery_2_phases_come_from_the_script_beside_the_report() {
    let dir = TestDir::new();
    dir.write("run/report.json", artillery2_report(&stepped_periods()));
    dir.write("run/load.yml", ARTILLERY_SCRIPT);
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages: Vec<(String, f64, u64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["arrival_rate_rps"].as_f64().unwrap_or(f64::NAN),
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stages,
        [
            ("low".to_string(), 5.0, 300),
            ("high".to_string(), 20.0, 1200)
        ],
        "{:#}",
        report["sources"]
    );
    let notes = report["sources"][0]["notes"].to_string();
    assert!(
        notes.contains("load.yml") && notes.contains("1750"),
        "{notes}"
    );
    let (code, out, err) = check_rules(&dir, &run, "\"p(95) < 300ms\"");
    assert_eq!(code, 1, "{out}{err}");
}

/// Without the script (or beside one that plans another run) the report's one stage
/// mixed 5/s and 20/s without a word. The periods' virtual users created show the
/// steps: six periods of 50 and six of 200 (the ramp's 87 and 163 between), each
/// run of periods counted over 59.8 s (0.1 s into its first slot to 9.9 s into its
/// last): stages of 300 requests at 300 ÷ 59.8 ≈ 5.02/s and 1,200 at ≈ 20.07/s, said
/// to be inferred. A script whose plan the report does not match (120 s phases:
/// 260 s, 3,250 arrivals) is named and not used.
#[test]
fn an_artillery_2_run_without_its_script_has_its_steps_inferred_and_said() {
    let dir = TestDir::new();
    dir.write("run/report.json", artillery2_report(&stepped_periods()));
    let run = dir.path().join("run");
    let stages = |report: &Value| -> Vec<(f64, u64)> {
        (report["stages"].as_array().unwrap().iter())
            .map(|s| {
                (
                    s["arrival_rate_rps"].as_f64().unwrap_or(f64::NAN),
                    s["requests"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let got = stages(&report);
    let want = [(300.0 / 59.8, 300u64), (1200.0 / 59.8, 1200)];
    assert_eq!(got.len(), 2, "{got:?}");
    for ((r, n), (wr, wn)) in got.iter().zip(want) {
        assert_eq!(*n, wn);
        assert!((r - wr).abs() < 1e-6 * wr, "{r}/s, want {wr}");
    }
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("2 load steps are inferred from vusers.created"),
        "{warnings}"
    );
    dir.write(
        "run/other.yml",
        ARTILLERY_SCRIPT.replace("duration: 60", "duration: 120"),
    );
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stages(&report).len(), 2);
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("other.yml (3 phases, 260 s, 3250 arrivals)")
            && warnings.contains("the report counts 140 s and 1750 virtual users created"),
        "{warnings}"
    );
}

/// A run of one load with no phases listed stays one stage, with no warning of mixed
/// loads: every period the run filled has 5 arrivals a second.
#[test]
fn an_artillery_2_run_of_one_load_is_one_stage_without_a_warning() {
    let dir = TestDir::new();
    dir.write("run/report.json", artillery2_report(&[(50, 20.0); 6]));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"].as_array().unwrap().len(), 1);
    assert_eq!(report["overall"]["requests"], 300);
    let warnings = report["warnings"].to_string();
    assert!(!warnings.contains("lists no phases"), "{warnings}");
}

/// hey's console of `n` answers (all 200) in `secs`, its latencies in seconds (hey
/// 0.1.4, as against `headroom target`).
fn hey_console(n: u64, secs: f64, p50: f64, p95: f64) -> String {
    format!(
        "\nSummary:\n  Total:\t{secs:.4} secs\n  Slowest:\t{:.4} secs\n  Fastest:\t0.0001 secs\n  \
         Average:\t{p50:.4} secs\n  Requests/sec:\t{:.4}\n  \n  Total data:\t{} bytes\n  \
         Size/request:\t13 bytes\n\nResponse time histogram:\n  0.000 [1]\t|\n\n\nLatency \
         distribution:\n  10% in {:.4} secs\n  25% in {:.4} secs\n  50% in {p50:.4} secs\n  75% \
         in {:.4} secs\n  90% in {:.4} secs\n  95% in {p95:.4} secs\n  99% in {:.4} secs\n\n\
         Details (average, fastest, slowest):\n  DNS+dialup:\t0.0000 secs, 0.0000 secs, 0.0021 \
         secs\n  DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs\n  req write:\t0.0000 secs, \
         0.0000 secs, 0.0003 secs\n  resp wait:\t0.0010 secs, 0.0000 secs, 0.0040 secs\n  resp \
         read:\t0.0000 secs, 0.0000 secs, 0.0005 secs\n\nStatus code distribution:\n  [200]\t{n} \
         responses\n\n\n\n",
        p95 * 1.5,
        n as f64 / secs,
        13 * n,
        p50 * 0.5,
        p50 * 0.8,
        (p50 + p95) / 2.0,
        p95 * 0.9,
        p95 * 1.2
    )
}

/// A stepped hey run in one dir, its script saved beside the consoles: `run.sh`
/// runs `hey -c 10|50|100 … > cN.txt`. hey prints no `-c`, so the three consoles had
/// no users, and capacity had no load to put them at. Each line writes one console:
/// its `-c` is that console's users, three stages at 10, 50 and 100 users, each a
/// capacity load point with its goodput (requests ÷ hey's `Total`).
#[test]
fn hey_s_users_come_from_the_script_that_ran_it() {
    let dir = TestDir::new();
    let steps = [(10u32, 4000u64, 2.0), (50, 9000, 3.0), (100, 10000, 4.0)];
    let mut script = String::from("#!/bin/sh\nset -e\nURL=http://127.0.0.1:18420/api/v1/agents\n");
    for (c, n, secs) in steps {
        script.push_str(&format!(
            "hey -n {n} -c {c} \"$URL\" > c{c}.txt  # http://x\n"
        ));
        dir.write(&format!("run/c{c}.txt"), hey_console(n, secs, 0.002, 0.009));
    }
    dir.write(
        "run/run.sh",
        script.replace("\"$URL\"", "http://127.0.0.1:18420/api/v1/agents"),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let points: Vec<(f64, f64)> = (report["capacity"]["load_points"].as_array().unwrap().iter())
        .map(|p| {
            (
                p["users"].as_f64().unwrap(),
                p["goodput_rps"].as_f64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(f64, f64)> = steps
        .iter()
        .map(|&(c, n, s)| (c as f64, n as f64 / s))
        .collect();
    assert_eq!(points.len(), 3, "{:#}", report["capacity"]);
    for ((u, x), (wu, wx)) in points.iter().zip(&want) {
        assert_eq!(u, wu);
        assert!(
            (x - wx).abs() < 1e-6 * wx,
            "{x} req/s at {u} users, want {wx}"
        );
    }
}

/// The same stepped run kept as stage dirs (`01_baseline/hey.txt`, `02_peak/hey.txt`)
/// with the script one dir up writing each console by its path: every console has the
/// same name, so only the path tells which line ran it. Each stage gets its line's
/// `-c` as its users (they were unknown).
#[test]
fn hey_s_users_come_from_a_script_one_dir_up_by_the_path_it_writes() {
    let dir = TestDir::new();
    let steps = [
        ("01_baseline", 2u32, 3000u64, 2.0),
        ("02_peak", 16, 8000, 2.0),
    ];
    let mut script = String::from("#!/bin/sh\n");
    for (stage, c, n, secs) in steps {
        script.push_str(&format!(
            "hey -n {n} -c {c} http://127.0.0.1:18420/api/v1/agents > ./{stage}/hey.txt\n"
        ));
        dir.write(
            &format!("run/{stage}/hey.txt"),
            hey_console(n, secs, 0.002, 0.009),
        );
    }
    dir.write("run/run.sh", script);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let users: Vec<(String, f64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            let name = s["name"].as_str().unwrap_or_default().to_string();
            (name, s["users"].as_f64().unwrap_or(-1.0))
        })
        .collect();
    assert_eq!(
        users,
        vec![("baseline".to_string(), 2.0), ("peak".to_string(), 16.0)],
        "{stderr}"
    );
    // The script is listed as what it is, not as a result headroom failed to read.
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("run.sh") && skipped.contains("a script, test plan or config"),
        "{skipped}"
    );
}

/// A command file whose hey line writes no file, beside two consoles: which console
/// it ran is unknown, so neither gets users, and capacity says it has no load.
#[test]
fn a_hey_command_that_names_no_console_gives_no_users() {
    let dir = TestDir::new();
    dir.write("run/a.txt", hey_console(4000, 2.0, 0.002, 0.009));
    dir.write("run/b.txt", hey_console(9000, 3.0, 0.002, 0.009));
    dir.write("run/cmd.txt", "hey -n 4000 -c 10 http://127.0.0.1:18420/\n");
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        (report["stages"].as_array().unwrap().iter()).all(|s| s["users"].is_null()),
        "{:#}",
        report["stages"]
    );
    assert_eq!(report["capacity"]["load_points"], serde_json::json!([]));
    let capacity = super::common::readiness(&report, "Capacity / scalability");
    assert!(
        capacity["evidence"]
            .to_string()
            .contains("no stage has both a load"),
        "{capacity}"
    );
    // The command file is listed as what it is, not as a result headroom failed to read.
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("cmd.txt") && skipped.contains("a script, test plan or config"),
        "{skipped}"
    );
}

/// wrk's Lua script of that run: each request's path chosen from three.
const WRK_PATHS_LUA: &str = "local paths = {\"/api/v1/agents\", \"/api/v1/agents/1\", \
\"/health\"}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", \
paths[(i % #paths) + 1])\nend\n";

/// `wrk -s multi.lua http://127.0.0.1:18420`: the script chose each request's path
/// among three, and wrk's console names only the URL it was given. The report named
/// the one endpoint `http://127.0.0.1:18420` as if every request went there; it is
/// every request the script sent, and its name says so, with a note. The script is
/// found as the one `.lua` beside the console, or by the `-s` of an echoed command
/// when there are several; a script that only sets a method and body (no path) leaves
/// the URL as the endpoint.
#[test]
fn a_wrk_lua_script_s_path_mix_is_not_presented_as_the_url() {
    let dir = TestDir::new();
    dir.write("run/wrk.txt", WRK_CONSOLE);
    dir.write("run/multi.lua", WRK_PATHS_LUA);
    let keys = |report: &Value| -> Vec<String> {
        (report["stages"][0]["endpoints"].as_array().unwrap().iter())
            .map(|e| e["key"].as_str().unwrap().to_string())
            .collect()
    };
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        keys(&report),
        ["http://127.0.0.1:18420 (paths chosen by multi.lua)"]
    );
    assert_eq!(report["overall"]["requests"], 214_584);
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("every request the script sent"), "{notes}");

    // Two scripts: the echoed command names the one that ran.
    dir.write("run/post.lua", "wrk.method = \"POST\"\nwrk.body = \"{}\"\n");
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(
        keys(&report),
        ["http://127.0.0.1:18420"],
        "which script ran is unknown"
    );
    let echoed =
        format!("$ wrk -t1 -c10 -d3s --latency -s multi.lua http://127.0.0.1:18420\n{WRK_CONSOLE}");
    dir.write("run/wrk.txt", &echoed);
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(
        keys(&report),
        ["http://127.0.0.1:18420 (paths chosen by multi.lua)"]
    );
    // post.lua keeps the URL's path, and sets the method wrk sent (`wrk.method`):
    // messy_runs_da carries it.
    dir.write("run/wrk.txt", echoed.replace("multi.lua", "post.lua"));
    let (_, report, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(
        keys(&report),
        ["POST http://127.0.0.1:18420"],
        "post.lua keeps the URL's path"
    );
}

/// Stage dirs each holding a wrk console, with the one script that ran them all one
/// dir up (`run/multi.lua`, `run/01_low/wrk.txt`, `run/02_high/wrk.txt`): each
/// stage's endpoint says the script chose its paths, as it does with the script beside.
#[test]
fn a_wrk_lua_script_one_dir_up_from_stage_dirs_names_their_endpoints() {
    let dir = TestDir::new();
    dir.write("run/multi.lua", WRK_PATHS_LUA);
    dir.write("run/01_low/wrk.txt", WRK_CONSOLE);
    // The second step's own figures (10 connections → 20), so it is no copy.
    let high = WRK_CONSOLE.replace("10 connections", "20 connections");
    dir.write("run/02_high/wrk.txt", high.replace("69273.78", "69301.50"));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2, "{stderr}");
    for stage in stages {
        let keys: Vec<&str> = (stage["endpoints"].as_array().unwrap().iter())
            .map(|e| e["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["http://127.0.0.1:18420 (paths chosen by multi.lua)"]);
    }
}
