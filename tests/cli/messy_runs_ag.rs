//! Messy runs, batch "ag" (qa39): runs cut short with no command kept beside them —
//! stopped with Ctrl-C, killed outright, or stopped by the tool itself on an error — and
//! read by `analyze` and `check` as if they had run to their end. Where the tool's own
//! output shows the run was cut short, the run is incomplete (never GO), saying what
//! ran.

use serde_json::Value;

use super::common::{analyze_json, check_rules, TestDir};

/// ab's banner, as ab 2.3 prints it.
const AB_BANNER: &str = "This is ApacheBench, Version 2.3 <$Revision: 1913912 $>\n\
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
Licensed to The Apache Software Foundation, http://www.apache.org/\n\n";

/// ab's summary of `n` complete requests to `headroom target` on port 18391, none
/// failed, with `Connection Times` and percentiles (ms) as a real run printed them.
fn ab_summary(n: u64, concurrency: u32, secs: f64) -> String {
    format!(
        "\n\
Server Software:        \n\
Server Hostname:        127.0.0.1\n\
Server Port:            18391\n\
\n\
Document Path:          /api/v1/agents\n\
Document Length:        91 bytes\n\
\n\
Concurrency Level:      {concurrency}\n\
Time taken for tests:   {secs:.3} seconds\n\
Complete requests:      {n}\n\
Failed requests:        0\n\
Total transferred:      {total} bytes\n\
HTML transferred:       {html} bytes\n\
Requests per second:    {rps:.2} [#/sec] (mean)\n\
Time per request:       {tpr:.3} [ms] (mean)\n\
Time per request:       {tpr_all:.3} [ms] (mean, across all concurrent requests)\n\
Transfer rate:          8.28 [Kbytes/sec] received\n\
\n\
Connection Times (ms)\n\
              min  mean[+/-sd] median   max\n\
Connect:        0    0   0.3      0       2\n\
Processing:     7   23  10.2     21      55\n\
Waiting:        7   23  10.3     20      55\n\
Total:          7   23  10.3     21      55\n\
\n\
Percentage of the requests served within a certain time (ms)\n\
  50%     21\n\
  66%     28\n\
  75%     29\n\
  80%     32\n\
  90%     38\n\
  95%     44\n\
  98%     48\n\
  99%     55\n\
 100%     55 (longest request)\n",
        total = n * 199,
        html = n * 91,
        rps = n as f64 / secs,
        tpr = 1000.0 * secs * f64::from(concurrency) / n as f64,
        tpr_all = 1000.0 * secs / n as f64,
    )
}

/// `ab -q -n 2000 -c 10 URL > ab.txt 2>&1` (or `| tee ab.txt`: all of it is on ab's
/// output stream), stopped with Ctrl-C after 1,324 of its 2,000 requests, no command
/// kept. With `-q` (as in any run of 150 requests or fewer) ab prints no progress lines
/// but `Benchmarking 127.0.0.1 (be patient)...`, and `..done` after it when the run
/// ends; on Ctrl-C it prints its summary of what ran without the `..done` (as a real ab
/// 2.3 did against `headroom target`). Before, the summary read as a whole run of 1,324
/// requests: GO. Now the missing `..done` makes it incomplete (CONDITIONAL), saying ab
/// was interrupted after 1,324 complete requests. The same summary after `.....done` (a
/// run that ended) stays clean and GO.
#[test]
fn an_ab_run_without_progress_lines_stopped_with_ctrl_c_is_incomplete() {
    for (after, quality, verdict) in [
        ("...\n", "incomplete", "CONDITIONAL"),
        (".....done\n\n", "clean", "GO"),
    ] {
        let dir = TestDir::new();
        dir.write(
            "r1/ab.txt",
            format!(
                "{AB_BANNER}Benchmarking 127.0.0.1 (be patient){after}{}",
                ab_summary(1324, 10, 2.970)
            ),
        );
        let run = dir.path().join("r1");
        let (code, report, stderr) = analyze_json(&[&run], &[]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(report["overall"]["requests"], 1324, "{stderr}");
        assert_eq!(
            report["data_quality"], quality,
            "{}",
            report["data_quality_reason"]
        );
        let reason = report["run"]["incomplete_reason"].as_str().unwrap_or("");
        if quality == "incomplete" {
            assert_eq!(report["run"]["complete"], Value::Bool(false));
            for says in ["..done", "interrupted", "after 1324 complete requests"] {
                assert!(reason.contains(says), "{says}: {reason}");
            }
        } else {
            assert!(reason.is_empty(), "{reason}");
        }
        for rules in [
            "\"p(95) < 500ms\"",
            "\"p(95) < 500ms\", \"error_rate < 5%\"",
        ] {
            let (code, stdout, stderr) = check_rules(&dir, &run, rules);
            assert_eq!(code, 0, "{stdout}{stderr}");
            let said = format!("{stdout}{stderr}");
            assert!(said.contains(&format!("verdict: {verdict} ")), "{said}");
        }
    }
}

/// A Locust stats history's header (Aggregated rows only, as without
/// `--csv-full-history`), with Locust 2.47's default percentiles.
const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,\
75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,\
Total Median Response Time,Total Average Response Time,Total Min Response Time,\
Total Max Response Time,Total Average Content Size\n";

/// The run's first second (2026-12-05T22:04:50Z).
const T0: u64 = 1_796_508_290;

/// A stats history of 10 users for `secs` seconds at `rps` requests a second, none
/// failed: one Aggregated row a second from t = 0 (no users, no requests yet) on; and the
/// requests its last row counts.
fn history(secs: u64, rps: u64) -> (String, u64) {
    let mut csv = String::from(HISTORY_HEADER);
    csv.push_str(&format!(
        "{T0},0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,\
         0,0,0,0.0,0,0,0\n"
    ));
    for t in 1..=secs {
        let n = t * rps;
        csv.push_str(&format!(
            "{},10,,Aggregated,{rps}.000000,0.000000,25,30,34,37,44,53,61,69,120,140,140,\
             {n},0,25,27.5,5.0,139.0,91.0\n",
            T0 + t
        ));
    }
    (csv, secs * rps)
}

/// A `_stats.csv` of one endpoint, `GET /api/v1/agents`, counting `n` requests.
fn stats(n: u64) -> String {
    let row = format!("{n},0,25,27.5,5.0,139.0,91.0,75.0,0.0,25,30,34,37,44,53,61,69,120,140,140");
    format!(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
         50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
         GET,/api/v1/agents,{row}\n\
         ,Aggregated,{row}\n"
    )
}

/// `locust --headless -u 10 -r 10 --csv run --logfile locust.log > /dev/null` (no
/// `--run-time`), killed with `kill -9` just after Locust's 5-s write of its stats
/// history: the history's last row and the stats file count the same requests (as a
/// real Locust 2.47 left: 1,131 and 1,131), so the two CSVs do not tell the kill. Its
/// `--logfile` does: Locust logs `Shutting down (exit code N)` whenever it ends a run
/// itself (Ctrl-C, SIGTERM, --run-time), and the log stops at `All users spawned`.
/// Before, the log (no statistics table) was skipped with nothing to check, and the
/// run read as a finished one: GO. Now the run is incomplete (CONDITIONAL) and says
/// Locust did not shut down. The same log ending with its `Shutting down` line (a
/// Ctrl-C) stays clean and GO.
#[test]
fn a_locust_run_killed_just_after_its_history_write_is_told_by_its_logfile() {
    let (hist, n) = history(15, 75);
    let log = "[2026-12-05 22:04:50,091] vm/INFO/locust.main: Starting Locust 2.47.0\n\
        [2026-12-05 22:04:50,092] vm/INFO/locust.main: No run time limit set, use CTRL+C to interrupt\n\
        [2026-12-05 22:04:50,093] vm/INFO/locust.runners: Ramping to 10 users at a rate of 10.00 per second\n\
        [2026-12-05 22:04:50,094] vm/INFO/locust.runners: All users spawned: {\"U\": 10} (10 total users)\n";
    let stopped = format!(
        "{log}[2026-12-05 22:05:05,400] vm/INFO/locust.main: Shutting down (exit code 0)\n"
    );
    for (text, quality, verdict) in [
        (log.to_string(), "incomplete", "CONDITIONAL"),
        (stopped, "clean", "GO"),
    ] {
        let dir = TestDir::new();
        dir.write("r1/run_stats_history.csv", &hist);
        dir.write("r1/run_stats.csv", stats(n));
        dir.write(
            "r1/run_failures.csv",
            "Method,Name,Error,Occurrences,First Seen,Last Seen\n",
        );
        dir.write("r1/run_exceptions.csv", "Count,Message,Traceback,Nodes\n");
        dir.write("r1/locust.log", &text);
        let run = dir.path().join("r1");
        let (code, report, stderr) = analyze_json(&[&run], &[]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(report["overall"]["requests"], n, "{stderr}");
        assert_eq!(
            report["data_quality"], quality,
            "{}",
            report["data_quality_reason"]
        );
        let reason = report["run"]["incomplete_reason"].as_str().unwrap_or("");
        if quality == "incomplete" {
            assert_eq!(report["run"]["complete"], Value::Bool(false));
            for says in ["Locust did not shut down", "locust.log", "Shutting down"] {
                assert!(reason.contains(says), "{says}: {reason}");
            }
        } else {
            assert!(reason.is_empty(), "{reason}");
        }
        for rules in [
            "\"p(95) < 500ms\"",
            "\"p(95) < 500ms\", \"error_rate < 5%\"",
        ] {
            let (code, stdout, stderr) = check_rules(&dir, &run, rules);
            assert_eq!(code, 0, "{stdout}{stderr}");
            let said = format!("{stdout}{stderr}");
            assert!(said.contains(&format!("verdict: {verdict} ")), "{said}");
            if verdict != "GO" {
                assert!(said.contains("Locust did not shut down"), "{said}");
            }
        }
    }
}

/// ab stopped by an error before its summary, `> ab.txt 2>&1`, no command kept: the
/// target killed under `ab -n 5000 -c 10` (`apr_socket_recv: Connection reset by peer
/// (104)` after 1,329 requests), the target stalled past `-s 2` (`apr_pollset_poll: The
/// timeout specified has expired (70007)` after 688), and a run of 100 requests whose
/// error follows `(be patient)...` on the same line (after 32) — each as a real ab 2.3
/// printed it against `headroom target`, then `Total of N requests completed` and no
/// summary. Before, each was refused (exit 2) as "interrupted, or the output cut". Now
/// each is read as an incomplete run: the N completed requests and the one that met the
/// error (a failure of its kind), no latency; `check` is CONDITIONAL (never GO) under a
/// latency-only SLA and one with an error rate, saying ab stopped itself on that error.
#[test]
fn an_ab_run_stopped_by_its_own_socket_error_is_read_as_incomplete() {
    for (progress, error, completed, kind) in [
        (
            "\nCompleted 500 requests\nCompleted 1000 requests\n",
            "apr_socket_recv: Connection reset by peer (104)",
            1329,
            "reset",
        ),
        (
            "\nCompleted 500 requests\n",
            "apr_pollset_poll: The timeout specified has expired (70007)",
            688,
            "timeout",
        ),
        (
            "...",
            "apr_socket_recv: Connection reset by peer (104)",
            32,
            "reset",
        ),
    ] {
        let dir = TestDir::new();
        dir.write(
            "r1/ab.txt",
            format!(
                "{AB_BANNER}Benchmarking 127.0.0.1 (be patient){progress}{error}\n\
                 Total of {completed} requests completed\n"
            ),
        );
        let run = dir.path().join("r1");
        let (code, report, stderr) = analyze_json(&[&run], &[]);
        assert_eq!(code, 0, "{error}: {stderr}");
        assert_eq!(report["overall"]["requests"], completed + 1, "{stderr}");
        assert_eq!(report["overall"]["failures"], 1, "{stderr}");
        assert_eq!(
            report["overall"]["failures_by_kind"][kind], 1,
            "{}",
            report["overall"]
        );
        assert_eq!(report["data_quality"], "incomplete");
        assert_eq!(report["run"]["complete"], Value::Bool(false));
        let reason = report["run"]["incomplete_reason"].as_str().unwrap_or("");
        let after = format!("after {completed} requests completed");
        for says in [error, after.as_str(), "printed no summary"] {
            assert!(reason.contains(says), "{says}: {reason}");
        }
        for rules in [
            "\"p(95) < 500ms\"",
            "\"p(95) < 500ms\", \"error_rate < 5%\"",
        ] {
            let (code, stdout, stderr) = check_rules(&dir, &run, rules);
            assert_eq!(code, 0, "{stdout}{stderr}");
            let said = format!("{stdout}{stderr}");
            assert!(said.contains("verdict: CONDITIONAL "), "{said}");
            assert!(said.contains("ab stopped itself on"), "{said}");
        }
    }
}

/// `ab -r -n 5000 -c 10 URL > ab.txt 2>&1` (-r: go on past receive errors) with the
/// target killed 2 s in, as a real ab 2.3 printed it: 5,000 complete requests, `Failed
/// requests: 10337 (Connect: 1, Receive: 4108, Length: 4117, Exceptions: 2111)`. ab
/// counts one request under several kinds when the target fails it at the socket: one
/// failing on receive is closed short (a Length failure too), a refused connect is an
/// Exceptions failure and a Receive one; each failed complete request counts one Length
/// failure. Before, the run was refused (exit 2: "10337 failures but only 5001
/// requests"). Now each failed request counts once: 4,118 of 5,001 (the 4,117 Length
/// failures and the 1 Connect one), 4,108 of them on receive (`reset`); `check` is
/// NO-GO under an error-rate SLA, and not GO under a latency-only one.
#[test]
fn an_ab_r_run_whose_target_went_away_counts_each_failed_request_once() {
    let dir = TestDir::new();
    let progress: String = (1..=10)
        .map(|i| format!("Completed {} requests\n", i * 500))
        .collect();
    dir.write(
        "r1/ab.txt",
        format!(
            "{AB_BANNER}Benchmarking 127.0.0.1 (be patient)\n{progress}Finished 5000 requests\n\n\n\
Server Software:        \n\
Server Hostname:        127.0.0.1\n\
Server Port:            18392\n\
\n\
Document Path:          /api/v1/agents\n\
Document Length:        91 bytes\n\
\n\
Concurrency Level:      10\n\
Time taken for tests:   2.371 seconds\n\
Complete requests:      5000\n\
Failed requests:        10337\n\
   (Connect: 1, Receive: 4108, Length: 4117, Exceptions: 2111)\n\
Total transferred:      176712 bytes\n\
HTML transferred:       80808 bytes\n\
Requests per second:    2108.53 [#/sec] (mean)\n\
Time per request:       4.743 [ms] (mean)\n\
Time per request:       0.474 [ms] (mean, across all concurrent requests)\n\
Transfer rate:          72.77 [Kbytes/sec] received\n\
\n\
Connection Times (ms)\n\
              min  mean[+/-sd] median   max\n\
Connect:        0    0   0.0      0       0\n\
Processing:     0    5   9.6      0     101\n\
Waiting:        0    5   9.7      0     101\n\
Total:          0    5   9.6      0     101\n\
\n\
Percentage of the requests served within a certain time (ms)\n\
  50%      0\n\
  66%      0\n\
  75%      0\n\
  80%     11\n\
  90%     18\n\
  95%     26\n\
  98%     34\n\
  99%     42\n\
 100%    101 (longest request)\n"
        ),
    );
    let run = dir.path().join("r1");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let overall = &report["overall"];
    assert_eq!(overall["requests"], 5001, "{stderr}");
    assert_eq!(overall["failures"], 4117 + 1, "{overall}");
    assert_eq!(overall["failures_by_kind"]["reset"], 4108, "{overall}");
    assert_eq!(overall["failures_by_kind"]["connect"], 1, "{overall}");
    let notes = report.to_string();
    assert!(notes.contains("counts a request the target fails at the socket under several kinds"));
    let (code, stdout, stderr) = check_rules(&dir, &run, "\"p(95) < 500ms\"");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("verdict: CONDITIONAL "), "{stdout}");
    let (code, stdout, stderr) = check_rules(&dir, &run, "\"p(95) < 500ms\", \"error_rate < 5%\"");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("verdict: NO-GO "), "{stdout}");
}
