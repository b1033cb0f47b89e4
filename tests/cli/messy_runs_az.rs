//! Messy runs, batch "az" (qa56): siege, h2load, httperf and ab run with the options
//! teams really pass (siege `--log` appended over several runs, h2load `--log-file`,
//! …), their consoles kept beside their side files: each run is counted once.

use super::common::{analyze_json, TestDir};

/// siege 4.0.7's JSON summary (its default console output) of a run with
/// `transactions` answered and `failed` failed transactions, `elapsed` seconds long.
fn siege_json(transactions: u64, failed: u64, elapsed: f64) -> String {
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
