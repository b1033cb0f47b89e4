//! Messy runs, batch "cw" (qa97: tool readers under real options). siege over its
//! users limit, siege warning of an option it does not know and running on, siege's
//! coloured `[alert]` when it refuses a URL file; ab Ctrl-C'd before its first
//! progress line; the wording of Locust's own failed check. Fixtures are consoles the
//! tools printed here (siege 4.0.7, ab 2.3, against `headroom target`).

use serde_json::Value;

use crate::common::{analyze_json, assert_refused, check_rules, TestDir};

/// siege's JSON block of a run, as siege 4.0.7 prints it.
fn siege_json(transactions: u64, elapsed: &str, concurrency: &str) -> String {
    format!(
        "{{\t\"transactions\":\t\t\t{transactions:>12},\n\t\"availability\":\t\t\t      100.00,\n\
         \t\"elapsed_time\":\t\t\t{elapsed:>12},\n\t\"data_transferred\":\t\t        0.01,\n\
         \t\"response_time\":\t\t        0.15,\n\t\"transaction_rate\":\t\t      425.00,\n\
         \t\"throughput\":\t\t\t        0.01,\n\t\"concurrency\":\t\t\t{concurrency:>12},\n\
         \t\"successful_transactions\":\t{transactions:>12},\n\
         \t\"failed_transactions\":\t\t           0,\n\
         \t\"longest_transaction\":\t\t        1.03,\n\
         \t\"shortest_transaction\":\t\t        0.02\n}}\n"
    )
}

fn stage0(report: &Value) -> &Value {
    &report["stages"][0]
}

/// `siege -c 300 -r 2 -b URL` with siege's default siegerc (`limit = 255`): siege
/// printed `WARNING: The number of users is capped at 255.` and ran 255 users × 2
/// repetitions = 510 transactions. Before: the stage had the 300 users of the command
/// line and the run was "stopped early (interrupted with Ctrl-C) … 85% of the planned
/// 600 requests". Now: 255 users, and the run is complete (510 = 255 × 2).
#[test]
fn siege_users_over_its_limit_are_the_users_it_capped_them_at() {
    let dir = TestDir::new();
    let console = format!(
        "$ siege -c 300 -r 2 -b http://127.0.0.1:18480/health\n\n\n\
         ================================================================\n\
         WARNING: The number of users is capped at 255.  To increase this\n\
         \x20        limit, search your .siegerc file for 'limit' and change\n\
         \x20        its value. Make sure you read the instructions there...\n\
         ================================================================\n{}",
        siege_json(510, "1.20", "63.70")
    );
    dir.write("run/c300/siege.txt", console);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage0(&report)["users"], 255, "{:#}", stage0(&report));
    assert_eq!(stage0(&report)["requests"], 510);
    assert_ne!(report["run"]["complete"], false, "{:#}", report["run"]);
    let notes = report["sources"][0]["notes"].to_string();
    assert!(
        notes.contains("whose `-c 300` siege capped at 255"),
        "{notes}"
    );
}

/// `siege --bogus -c 5 -r 10 -b URL`: siege printed `siege: unrecognized option
/// '--bogus'` (twice) and ran all the same, 5 × 10 = 50 transactions. Before: read
/// without a word of it. Now: the run is read, and a note quotes siege's warning.
#[test]
fn siege_running_without_an_option_it_did_not_know_is_said() {
    let dir = TestDir::new();
    let console = format!(
        "$ siege --bogus -c 5 -r 10 -b http://127.0.0.1:18480/api/v1/agents\n\
         siege: unrecognized option '--bogus'\nsiege: unrecognized option '--bogus'\n\n{}",
        siege_json(50, "0.25", "4.24")
    );
    dir.write("run/c5/siege.txt", console);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage0(&report)["requests"], 50);
    assert_eq!(stage0(&report)["users"], 5);
    let notes = report["sources"][0]["notes"].to_string();
    assert!(
        notes.contains("siege did not know an option of its command line and ran without it")
            && notes.contains("`siege: unrecognized option '--bogus'`"),
        "{notes}"
    );
}

/// `siege -f urls.txt -c 2 -r 2` with no such file: siege printed its coloured
/// `[alert] unable to open file: …` and its usage text, and ran nothing. Before: the
/// problem quoted the line with its colour codes (`[\u{1b}[1;32malert…`). Now: as
/// siege showed it, `[alert] unable to open file: …`.
#[test]
fn siege_refusing_its_url_file_is_quoted_without_colour_codes() {
    let console = "$ siege -f urls.txt -c 2 -r 2\n\
         [\x1b[1;32malert\x1b[0m] unable to open file: /nonexist/urls.txt: No such file or \
         directory\nSIEGE 4.0.7\nUsage: siege [options]\n       siege [options] URL\n";
    assert_refused(
        "siege.txt",
        console,
        Some(2),
        "siege refused its command line and ran nothing: it printed `[alert] unable to \
         open file: /nonexist/urls.txt: No such file or directory` and its usage text",
    );
}

/// ab's console (stdout and stderr) of `timeout -s INT 0.5 ab -n 100000 -c 4 URL`,
/// stopped after 88 requests in `secs` s: `(be patient)` without its `...` (ab was
/// started for more than 150 requests), no progress line yet, its summary all the same.
fn ab_cut(secs: &str) -> String {
    format!(
        "This is ApacheBench, Version 2.3 <$Revision$>\n\
         Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
         Licensed to The Apache Software Foundation, http://www.apache.org/\n\n\
         Benchmarking 127.0.0.1 (be patient)\n\n\n\
         Server Software:        \nServer Hostname:        127.0.0.1\nServer Port:            18480\n\n\
         Document Path:          /api/v1/agents\nDocument Length:        91 bytes\n\n\
         Concurrency Level:      4\nTime taken for tests:   {secs} seconds\n\
         Complete requests:      88\nFailed requests:        0\n\
         Total transferred:      17512 bytes\nHTML transferred:       8008 bytes\n\
         Requests per second:    178.03 [#/sec] (mean)\n\
         Time per request:       22.469 [ms] (mean)\n\
         Time per request:       5.617 [ms] (mean, across all concurrent requests)\n\
         Transfer rate:          34.60 [Kbytes/sec] received\n\n\
         Connection Times (ms)\n              min  mean[+/-sd] median   max\n\
         Connect:        0    0   0.0      0       0\nProcessing:     5   21  10.1     20      80\n\
         Waiting:        5   21  10.1     20      80\nTotal:          5   21  10.1     20      80\n\n\
         Percentage of the requests served within a certain time (ms)\n\
         \x20 50%     20\n  66%     24\n  75%     26\n  80%     28\n  90%     32\n  95%     36\n\
         \x20 98%     41\n  99%     80\n 100%     80 (longest request)\n"
    )
}

/// Before: read as a complete run. Now: `(be patient)` without `...` says ab was
/// started for more than 150 requests; 88 complete in 0.494 s is neither that nor a
/// `-t` run (at least a second): incomplete. The same text over 1.5 s may be a `-t 1`
/// run that ended on time: nothing says it was cut, so it is read as complete.
#[test]
fn ab_interrupted_before_its_first_progress_line_is_incomplete_when_it_shows() {
    let dir = TestDir::new();
    dir.write("cut/c4/ab.txt", ab_cut("0.494"));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("cut")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["run"]["complete"], false, "{:#}", report["run"]);
    let why = report["run"]["incomplete_reason"].as_str().unwrap();
    assert!(
        why.contains("started for more, yet it completed 88 in 0.494 s"),
        "{why}"
    );
    dir.write("timed/c4/ab.txt", ab_cut("1.500"));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("timed")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_ne!(report["run"]["complete"], false, "{:#}", report["run"]);
}

/// Locust shut down with exit code 1 (its fail-ratio check). Before, the failed
/// check read "failed (`exit code 0 (it shut down with exit code 1, …`)", the code
/// of a pass first. Now it says the code it ended with against the 0 of a pass.
#[test]
fn locusts_failed_exit_code_check_names_the_code_it_ended_with() {
    let dir = TestDir::new();
    let run = crate::messy_runs_ci::run_dir(&dir, Some(1));
    let (code, stdout, stderr) = check_rules(&dir, &run, "\"error_rate < 50%\"");
    assert_eq!(code, 1, "{stdout}{stderr}");
    let (_, report, _) = analyze_json(&[&run], &[]);
    let name = report["tool_checks"][0]["name"].as_str().unwrap();
    assert!(
        name.starts_with("it shut down with exit code 1, not 0 (line "),
        "{name}"
    );
    assert!(!stdout.contains("exit code 0 ("), "{stdout}");
}

/// `httperf --server 127.0.0.1 --port 18480 --uri /api/v1/agents/run --method POST
/// --num-conns 40 --rate 10`, as httperf printed it (its own line of options names
/// `--method=POST`; for GET, httperf's default, it names none). Before: the endpoint
/// was `http://127.0.0.1:18480/api/v1/agents/run`, no method, where hey's and siege's
/// of the same route are `POST …`. Now `POST http://…`, and `GET http://…` without
/// `--method`.
#[test]
fn httperf_endpoints_carry_the_method_it_sent() {
    let dir = TestDir::new();
    let run = |method: &str| {
        format!(
            "httperf --client=0/1 --server=127.0.0.1 --port=18480 --uri=/api/v1/agents/run \
             --rate=10 --send-buffer=4096 --recv-buffer=16384 {method}--num-conns=40 \
             --num-calls=1\nMaximum connect burst length: 1\n\n\
             Total: connections 40 requests 40 replies 40 test-duration 4.224 s\n\n\
             Connection rate: 9.5 conn/s (105.6 ms/conn, <=5 concurrent connections)\n\
             Connection time [ms]: min 104.3 avg 295.9 max 632.0 median 252.5 stddev 143.6\n\
             Connection time [ms]: connect 0.0\nConnection length [replies/conn]: 1.000\n\n\
             Request rate: 9.5 req/s (105.6 ms/req)\nRequest size [B]: 81.0\n\n\
             Reply rate [replies/s]: min 0.0 avg 0.0 max 0.0 stddev 0.0 (0 samples)\n\
             Reply time [ms]: response 295.9 transfer 0.0\n\
             Reply size [B]: header 108.0 content 38.0 footer 0.0 (total 146.0)\n\
             Reply status: 1xx=0 2xx=40 3xx=0 4xx=0 5xx=0\n\n\
             CPU time [s]: user 0.80 system 3.38 (user 18.9% system 80.1% total 99.0%)\n\
             Net I/O: 2.1 KB/s (0.0*10^6 bps)\n\n\
             Errors: total 0 client-timo 0 socket-timo 0 connrefused 0 connreset 0\n\
             Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0\n"
        )
    };
    for (method, want) in [("--method=POST ", "POST"), ("", "GET")] {
        dir.write(&format!("{want}/rate-10rps/httperf.txt"), run(method));
        let (code, report, stderr) = analyze_json(&[&dir.path().join(want)], &[]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            stage0(&report)["endpoints"][0]["key"],
            format!("{want} http://127.0.0.1:18480/api/v1/agents/run"),
        );
    }
}

/// `h2load --h1 -c 2 -r 2 --rate-period 0.5 -n 40 URL`, echoed above what h2load
/// printed: `--rate-period: value error 0.5` (it takes whole seconds) and nothing
/// else. Before: "a stage dir whose files hold no load-test result (a run killed
/// before its tool wrote one, or an empty capture)". Now: h2load refused its command
/// line, quoting its line 2.
#[test]
fn h2load_refusing_a_long_option_value_is_named() {
    assert_refused(
        "h2load.txt",
        "$ h2load --h1 -c 2 -r 2 --rate-period 0.5 -n 40 http://127.0.0.1:18480/api/v1/agents\n\
         --rate-period: value error 0.5\n",
        Some(2),
        "h2load refused its command line and ran nothing: it printed `--rate-period: value \
         error 0.5` and exited",
    );
}
