//! Messy runs, batch "az" (qa56): siege, h2load, httperf and ab run with the options
//! teams really pass (siege `--log` appended over several runs, h2load `--log-file`,
//! …), their consoles kept beside their side files: each run is counted once.

use super::common::{analyze_json, TestDir};

/// siege 4.0.7's JSON summary (its default console output) of a run with
/// `transactions` answered and `failed` failed transactions, `elapsed` seconds long.
pub(crate) fn siege_json(transactions: u64, failed: u64, elapsed: f64) -> String {
    let availability = 100.0 * transactions as f64 / (transactions + failed) as f64;
    format!(
        "\n{{\t\"transactions\":\t\t\t{transactions:>12},\n\
         \t\"availability\":\t\t\t{availability:>12.2},\n\
         \t\"elapsed_time\":\t\t\t{elapsed:>12.2},\n\
         \t\"data_transferred\":\t\t{:>12.2},\n\
         \t\"response_time\":\t\t{:>12.2},\n\
         \t\"transaction_rate\":\t\t{:>12.2},\n\
         \t\"throughput\":\t\t\t{:>12.2},\n\
         \t\"concurrency\":\t\t\t{:>12.2},\n\
         \t\"successful_transactions\":\t{transactions:>12},\n\
         \t\"failed_transactions\":\t\t{failed:>12},\n\
         \t\"longest_transaction\":\t\t{:>12.2},\n\
         \t\"shortest_transaction\":\t\t{:>12.2}\n\
         }}\n\
         LOG FILE: /srv/perf/siege.log\n\
         You can disable this log file notification by editing\n\
         /root/.siege/siege.conf and changing 'show-logfile' to false.\n",
        0.02,
        0.02,
        transactions as f64 / elapsed,
        0.0,
        3.9,
        0.09,
        0.0
    )
}

/// siege.log's header, as siege 4.0.7 writes it the first time.
const SIEGE_LOG_HEADER: &str = "      Date & Time,  Trans,  Elap Time,  Data Trans,  Resp Time,  \
     Trans Rate,  Throughput,  Concurrent,    OKAY,   Failed\n";

/// One siege.log row, as siege 4.0.7 appends it at the end of a run.
fn siege_log_row(time: &str, transactions: u64, failed: u64, elapsed: f64) -> String {
    format!(
        "{time},{transactions:>7},{elapsed:>11.2},{:>12},{:>11.2},{:>12.2},{:>12.2},{:>12.2},\
         {transactions:>8},{failed:>8}\n",
        0,
        0.02,
        transactions as f64 / elapsed,
        0.0,
        3.9
    )
}

/// `for i in 1 2 3; do siege -c 4 -r 50 --log=$PWD/siege.log URL > siege_run$i.txt;
/// done`: three consoles kept, and the log siege appended a row to at the end of each
/// run. Before, the three consoles were read as runs one after another and the log's
/// last row as a fourth run: run 3 counted twice (1,050 requests of 750). Now the log
/// is skipped as the same runs (each console matched to its row by its counts).
#[test]
fn three_siege_consoles_and_the_log_they_appended_to_count_each_run_once() {
    let dir = TestDir::new();
    let runs = [(200u64, 0u64, 2.0), (250, 0, 2.5), (300, 0, 3.0)];
    let mut log = String::from(SIEGE_LOG_HEADER);
    for (i, (t, f, e)) in runs.iter().enumerate() {
        dir.write(
            &format!("smoke/siege_run{}.txt", i + 1),
            siege_json(*t, *f, *e),
        );
        log.push_str(&siege_log_row(
            &format!("2026-12-06 06:4{i}:28"),
            *t,
            *f,
            *e,
        ));
    }
    dir.write("smoke/siege.log", log);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("smoke")], &[]);
    assert_eq!(code, 0, "{stderr}");
    // 200 + 250 + 300 requests.
    assert_eq!(
        report["overall"]["requests"], 750,
        "{:#}",
        report["sources"]
    );
    // Durations add: 2.0 + 2.5 + 3.0 s.
    let stage = &report["stages"][0];
    let rps = stage["throughput_rps"].as_f64().unwrap();
    assert!((rps - 750.0 / 7.5).abs() < 0.01, "{stage:#}");
    let skipped = report["skipped"].as_array().unwrap();
    let log = skipped
        .iter()
        .find(|s| s["path"].as_str().unwrap().ends_with("siege.log"))
        .unwrap_or_else(|| panic!("{skipped:#?}"));
    assert_eq!(log["kind"], "same_data", "{log:#}");
    let why = log["reason"].as_str().unwrap();
    assert!(why.contains("siege_run3.txt = line 4"), "{why}");
    assert!(why.contains("siege_run1.txt = line 2"), "{why}");
}

/// Three `-r` runs (siege counts the same transactions each time, the elapsed time
/// differs) and the log they appended to: still three runs, not four.
#[test]
fn identical_siege_reps_runs_and_their_log_are_three_runs() {
    let dir = TestDir::new();
    let mut log = String::from(SIEGE_LOG_HEADER);
    for (i, elapsed) in [0.03, 0.04, 0.05].into_iter().enumerate() {
        dir.write(
            &format!("reps/run{}.txt", i + 1),
            siege_json(200, 0, elapsed),
        );
        log.push_str(&siege_log_row("2026-12-06 06:48:28", 200, 0, elapsed));
    }
    dir.write("reps/siege.log", log);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("reps")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        report["overall"]["requests"], 600,
        "{:#}",
        report["sources"]
    );
}

/// siege 4.0.7's text summary (`json_output = false` in the `.siegerc` given by
/// `-R`), after the run's last verbose line, as `siege … > siege.txt` keeps it.
fn siege_text(transactions: u64, failed: u64, elapsed: f64, concurrency: f64) -> String {
    let availability = 100.0 * transactions as f64 / (transactions + failed) as f64;
    format!(
        "\x1b[0;34mHTTP/1.1 200     0.62 secs:      69 bytes ==> GET  /api/v1/agents/1\x1b[0m\n\
         \n\
         Lifting the server siege...\n\
         Transactions:\t\t{transactions:>12} hits\n\
         Availability:\t\t{availability:>12.2} %\n\
         Elapsed time:\t\t{elapsed:>12.2} secs\n\
         Data transferred:\t{:>12.2} MB\n\
         Response time:\t\t{:>12.2} secs\n\
         Transaction rate:\t{:>12.2} trans/sec\n\
         Throughput:\t\t{:>12.2} MB/sec\n\
         Concurrency:\t\t{concurrency:>12.2}\n\
         Successful transactions:{transactions:>12}\n\
         Failed transactions:\t{failed:>12}\n\
         Longest transaction:\t{:>12.2}\n\
         Shortest transaction:\t{:>12.2}\n \n\
         LOG FILE: ../siege.log\n\
         You can disable this log file notification by editing\n\
         /root/.siege/siege.conf and changing 'show-logfile' to false.\n",
        0.01,
        0.86,
        transactions as f64 / elapsed,
        0.0,
        2.49,
        0.0
    )
}

/// Stage dirs, each with its console (`cd 02_peak_c64 && siege -c 64 -t 4S -i -f
/// ../urls.txt --log=../siege.log > siege.txt`), and the siege.log both runs appended
/// to in the run's root. Before, the root's siege.log made the root one run: its last
/// row (the peak again) was the whole report, both stage dirs were skipped as "other
/// data" and the run called incomplete. Now the log is skipped as the stage dirs' runs
/// (each row checked by its counts) and the two stages are read from their consoles.
#[test]
fn a_siege_log_above_the_stage_dirs_is_their_runs_not_the_roots() {
    let dir = TestDir::new();
    dir.write("run/01_warm/siege.txt", siege_text(419, 0, 10.02, 3.95));
    dir.write(
        "run/02_peak_c64/siege.txt",
        siege_text(1227, 85, 10.31, 61.4),
    );
    let mut log = String::from(SIEGE_LOG_HEADER);
    log.push_str(&siege_log_row("2026-12-06 07:03:13", 419, 0, 10.02));
    log.push_str(&siege_log_row("2026-12-06 07:03:27", 1227, 85, 10.31));
    dir.write("run/siege.log", log);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2, "{:#}", report["skipped"]);
    assert_eq!(stages[0]["requests"], 419);
    assert_eq!(stages[1]["requests"], 1227 + 85);
    assert_eq!(stages[1]["failures"], 85);
    assert_eq!(report["overall"]["requests"], 419 + 1227 + 85);
    assert_ne!(
        report["data_quality"], "incomplete",
        "{:#}",
        report["skipped"]
    );
    let skipped = report["skipped"].as_array().unwrap();
    let log = skipped
        .iter()
        .find(|s| s["path"].as_str().unwrap().ends_with("siege.log"))
        .unwrap_or_else(|| panic!("{skipped:#?}"));
    assert_eq!(log["kind"], "same_data", "{log:#}");
}

/// `httperf --wsess=300,5,0.1 --rate 50 … > httperf.txt` against `headroom target`, as
/// httperf 0.9.0 printed it.
const HTTPERF_WSESS: &str = "\
httperf: warning: open file limit > FD_SETSIZE; limiting max. # of open files to FD_SETSIZE
httperf --timeout=2 --client=0/1 --server=127.0.0.1 --port=18481 --uri=/api/v1/agents --rate=50 --send-buffer=4096 --recv-buffer=16384 --wsess=300,5,0.100
Maximum connect burst length: 2

Total: connections 300 requests 1500 replies 1500 test-duration 6.675 s

Connection rate: 44.9 conn/s (22.3 ms/conn, <=35 concurrent connections)
Connection time [ms]: min 481.9 avg 597.8 max 785.5 median 598.5 stddev 45.4
Connection time [ms]: connect 0.6
Connection length [replies/conn]: 5.000

Request rate: 224.7 req/s (4.5 ms/req)
Request size [B]: 75.0

Reply rate [replies/s]: min 233.6 avg 233.6 max 233.6 stddev 0.0 (1 samples)
Reply time [ms]: response 33.8 transfer 0.0
Reply size [B]: header 108.0 content 91.0 footer 0.0 (total 199.0)
Reply status: 1xx=0 2xx=1500 3xx=0 4xx=0 5xx=0

CPU time [s]: user 0.12 system 1.56 (user 1.8% system 23.3% total 25.1%)
Net I/O: 60.1 KB/s (0.5*10^6 bps)

Errors: total 0 client-timo 0 socket-timo 0 connrefused 0 connreset 0
Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0

Session rate [sess/s]: min 43.97 avg 44.94 max 43.97 stddev 0.00 (300/300)
Session: avg 1.00 connections/session
Session lifetime [s]: 0.6
Session failtime [s]: 0.0
Session length histogram: 0 0 0 0 0 300
";

/// httperf with sessions (`--wsess=300,5,0.1 --rate 50`): `--rate` starts 50 sessions
/// a second, each sending 5 requests, so 250 req/s arrive (httperf measured 224.7 req/s
/// over its 6.675 s, ramp-out included). Before, the planned arrival rate was 50 req/s
/// (the session rate) and the audit called the measured 224.7 req/s 349% "more than
/// planned: retries counted as requests", the report's first thing to do. Now the
/// plan is 50 × 5 = 250 req/s, and the measured rate within the audit's tolerance.
#[test]
fn httperf_sessions_arrive_at_rate_times_calls() {
    let dir = TestDir::new();
    dir.write("wsess/httperf.txt", HTTPERF_WSESS);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("wsess")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 1500);
    // 250 req/s while sessions start; over the run the figures cover, the plan's 300
    // sessions start over 299 ÷ 50 s and the last one's 5 calls take 4 × 0.1 s more
    // (messy_runs_da: a short session run is held to the plan over the run).
    let plan = 1500.0 / (299.0 / 50.0 + 4.0 * 0.1);
    let planned = stage["arrival_rate_rps"].as_f64().unwrap();
    assert!((planned - plan).abs() < 1e-6, "{stage:#}");
    let rps = stage["throughput_rps"].as_f64().unwrap();
    assert!((rps - 1500.0 / 6.675).abs() < 0.01, "{rps}");
    let audit = report["audit"].as_array().unwrap();
    let rate = audit.iter().find(|f| f["check"] == "arrival_rate");
    assert!(rate.is_none_or(|f| f["verdict"] == "ok"), "{audit:#?}");
}

/// The same run with a session log (`--wsesslog=300,0.1,sessions.txt`): the calls
/// per session are the requests made ÷ the sessions, 1500 ÷ 300 = 5, so again 250 req/s.
#[test]
fn httperf_session_log_arrives_at_rate_times_its_mean_calls() {
    let dir = TestDir::new();
    let text = HTTPERF_WSESS
        .replace("--wsess=300,5,0.100", "--wsesslog=300,0.100,sessions.txt")
        .replace("--uri=/api/v1/agents ", "--uri=/ ");
    dir.write("wsesslog/httperf.txt", text);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("wsesslog")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"][0]["arrival_rate_rps"], 250.0);
}

/// ab 2.3's console output of `ab -n N -c C -g ab_cC.tsv URL` (no failures), every
/// request `ms` long.
fn ab_text(n: u64, c: u64, ms: u64) -> String {
    let secs = (n * ms) as f64 / 1000.0 / c as f64;
    let rps = n as f64 / secs;
    let p = |w: &str| format!("{w:>4}% {ms:>6}\n");
    let mut text = format!(
        "This is ApacheBench, Version 2.3 <$Revision: 1903618 $>\n\
         Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
         Licensed to The Apache Software Foundation, http://www.apache.org/\n\n\
         Benchmarking 127.0.0.1 (be patient).....done\n\n\n\
         Server Software:        \n\
         Server Hostname:        127.0.0.1\n\
         Server Port:            18481\n\n\
         Document Path:          /api/v1/agents/1\n\
         Document Length:        69 bytes\n\n\
         Concurrency Level:      {c}\n\
         Time taken for tests:   {secs:.3} seconds\n\
         Complete requests:      {n}\n\
         Failed requests:        0\n\
         Total transferred:      {} bytes\n\
         HTML transferred:       {} bytes\n\
         Requests per second:    {rps:.2} [#/sec] (mean)\n\
         Time per request:       {:.3} [ms] (mean)\n\
         Time per request:       {:.3} [ms] (mean, across all concurrent requests)\n\
         Transfer rate:          13.85 [Kbytes/sec] received\n\n\
         Connection Times (ms)\n\
         \x20             min  mean[+/-sd] median   max\n\
         Connect:        0    0   0.0      0       0\n\
         Processing:  {ms:>4} {ms:>4}   0.0   {ms:>4}    {ms:>4}\n\
         Waiting:     {ms:>4} {ms:>4}   0.0   {ms:>4}    {ms:>4}\n\
         Total:       {ms:>4} {ms:>4}   0.0   {ms:>4}    {ms:>4}\n\n\
         Percentage of the requests served within a certain time (ms)\n",
        n * 177,
        n * 69,
        c as f64 * 1000.0 / rps,
        1000.0 / rps,
    );
    for w in ["50", "66", "75", "80", "90", "95", "98", "99"] {
        text.push_str(&p(w));
    }
    text.push_str(&format!(" 100% {ms:>6} (longest request)\n"));
    text
}

/// ab's `-g` file of `n` requests, each `ms` long, one a second from `epoch`.
fn ab_tsv(n: u64, ms: u64, epoch: u64) -> String {
    let mut tsv = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    for i in 0..n {
        // ab's date is the machine's local time (UTC here) of the same second.
        let day = (epoch + i) % 86_400;
        tsv.push_str(&format!(
            "Sun Dec 06 {:02}:{:02}:{:02} 2026\t{}\t0\t{ms}\t{ms}\t{ms}\n",
            day / 3600,
            day / 60 % 60,
            day % 60,
            epoch + i
        ));
    }
    tsv
}

/// `for c in 4 16; do ab -n 20 -c $c -g ab_c$c.tsv URL > ab_c$c.txt; done` in one
/// dir: the texts are read (one stage each), and each `-g` file named as a text with
/// as many rows is read as that text's run (its exact latencies), never as another
/// text's of the same count. (Before, both `-g` files were skipped, only counted;
/// earlier still, both were named the run of the first text of that count.)
#[test]
fn ab_g_files_of_several_runs_are_named_with_the_text_of_their_own_name() {
    let dir = TestDir::new();
    dir.write("steps/ab_c4.txt", ab_text(20, 4, 40));
    dir.write("steps/ab_c4.tsv", ab_tsv(20, 40, 1_796_542_100));
    dir.write("steps/ab_c16.txt", ab_text(20, 16, 60));
    dir.write("steps/ab_c16.tsv", ab_tsv(20, 60, 1_796_542_200));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("steps")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 40, "{:#}", report["sources"]);
    let skipped = report["skipped"].as_array().unwrap();
    assert!(
        !skipped
            .iter()
            .any(|s| s["path"].as_str().unwrap().ends_with(".tsv")),
        "{skipped:#?}"
    );
    for (c, ms) in [(4, 40.0), (16, 60.0)] {
        let stage = (report["stages"].as_array().unwrap().iter())
            .find(|s| s["users"] == c)
            .unwrap_or_else(|| panic!("{:#}", report["stages"]));
        assert_eq!(stage["latency_exact"], true, "{stage:#}");
        let p50 = stage["latency_ms"]["p50"].as_f64().unwrap();
        assert!((p50 - ms).abs() <= ms * 0.001, "{stage:#}");
    }
}
