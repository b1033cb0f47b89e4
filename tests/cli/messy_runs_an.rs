//! Messy runs, batch "an" (qa45): files saved on Windows (CRLF line endings) whose bad
//! rows must be named at their own lines, read whole or in parallel parts; an ab
//! console capture cut before ab's summary ends (and NUL-padded, as a copy off a
//! machine that lost power is); a complete wrk capture followed by NUL padding.

use serde_json::Value;

use super::common::{analyze_json, check_rules, TestDir};

/// The first request's start (2026-12-05T16:00:00Z), ms.
const T0_MS: u64 = 1_796_486_400_000;

/// The (line, reason) of each problem the report lists for `file`.
fn problem_lines(report: &Value, file: &str) -> Vec<u64> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["path"].as_str().unwrap_or("").ends_with(file))
        .map(|p| p["line"].as_u64().unwrap_or(0))
        .collect()
}

/// A file of `rows` rows after `header`, each line ended by `eol`; the rows on the
/// 1-based file lines in `bad` are `bad_row(i)`, the others `row(i)`.
fn lines_with_bad(
    header: &str,
    rows: usize,
    eol: &str,
    bad: &[u64],
    row: impl Fn(u64) -> String,
    bad_row: impl Fn(u64) -> String,
) -> String {
    let mut text = format!("{header}{eol}");
    for i in 0..rows as u64 {
        let line = i + 2;
        let r = if bad.contains(&line) {
            bad_row(i)
        } else {
            row(i)
        };
        text.push_str(&r);
        text.push_str(eol);
    }
    text
}

/// Reads `file` (in `dir`) with `threads` threads and returns the lines of its problems.
fn bad_lines_read(dir: &TestDir, file: &str, threads: &str) -> Vec<u64> {
    let run = dir.path().join("run");
    let (_, report, stderr) = analyze_json(&[&run], &["--threads", threads]);
    assert!(report.is_object(), "{stderr}");
    problem_lines(&report, file)
}

/// A generic per-request CSV saved on Windows (CRLF endings) whose rows on lines 3, 7
/// and 11 have a latency of `xx`. Before, the problems named lines 2, 6 and 10 (the
/// `csv` crate numbers a record after a CRLF from the line before it), so a user who
/// opened the file at the named line found a good row. Now each bad row is named at
/// its own line, with LF and CRLF endings alike, in a small file read whole and in a
/// large one read in parallel parts (bad rows in every part).
#[test]
fn a_crlf_generic_csv_names_each_bad_row_at_its_own_line() {
    let header = "timestamp_ms,endpoint,method,latency_ms,status";
    let row = |i: u64| format!("{},/a,GET,20,200", T0_MS + i * 100);
    let bad_row = |i: u64| format!("{},/a,GET,xx,200", T0_MS + i * 100);
    for eol in ["\r\n", "\n"] {
        let dir = TestDir::new();
        let bad = [3, 7, 11];
        dir.write(
            "run/requests.csv",
            lines_with_bad(header, 12, eol, &bad, row, bad_row),
        );
        assert_eq!(bad_lines_read(&dir, "requests.csv", "1"), bad, "{eol:?}");
        // ~4.6 MB: read in parts on four threads, and whole on one.
        let bad = [3, 7, 11, 40_001, 80_000, 120_000, 149_999];
        dir.write(
            "run/requests.csv",
            lines_with_bad(header, 150_000, eol, &bad, row, bad_row),
        );
        for threads in ["4", "1"] {
            assert_eq!(
                bad_lines_read(&dir, "requests.csv", threads),
                bad,
                "{eol:?}, {threads} thread(s)"
            );
        }
    }
}

/// A JMeter CSV JTL saved on Windows (CRLF endings) whose rows on a few known lines
/// have an elapsed time of `xx`: each is named at its own line, with LF and CRLF
/// endings alike, read whole and in parallel parts. (JMeter's reader finds its own
/// lines; this holds it to the same standard as the generic CSV's.)
#[test]
fn a_crlf_jtl_names_each_bad_row_at_its_own_line() {
    let header = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,success,bytes";
    let row = |i: u64| format!("{},20,home,200,OK,Users 1-1,true,100", T0_MS + i * 100);
    let bad_row = |i: u64| format!("{},xx,home,200,OK,Users 1-1,true,100", T0_MS + i * 100);
    for eol in ["\r\n", "\n"] {
        let dir = TestDir::new();
        let bad = [3, 7, 11];
        dir.write(
            "run/results.jtl",
            lines_with_bad(header, 12, eol, &bad, row, bad_row),
        );
        assert_eq!(bad_lines_read(&dir, "results.jtl", "1"), bad, "{eol:?}");
        let bad = [3, 7, 11, 30_001, 60_000, 90_000, 99_999];
        dir.write(
            "run/results.jtl",
            lines_with_bad(header, 100_000, eol, &bad, row, bad_row),
        );
        for threads in ["4", "1"] {
            assert_eq!(
                bad_lines_read(&dir, "results.jtl", threads),
                bad,
                "{eol:?}, {threads} thread(s)"
            );
        }
    }
}

/// ab's console output of a 1,500-request run (8 users, 4.239 s, no failure), whole:
/// every line ab prints, to the `100%` row of its percentile table.
fn ab_console() -> String {
    let mut text = String::from(
        "This is ApacheBench, Version 2.3 <$Revision: 1903618 $>\n\
         Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
         Licensed to The Apache Software Foundation, http://www.apache.org/\n\n\
         Benchmarking 127.0.0.1 (be patient)\n",
    );
    for n in (150..=1500).step_by(150) {
        text.push_str(&format!("Completed {n} requests\n"));
    }
    text.push_str(
        "Finished 1500 requests\n\n\n\
         Server Software:        \n\
         Server Hostname:        127.0.0.1\n\
         Server Port:            18451\n\n\
         Document Path:          /api/v1/agents\n\
         Document Length:        91 bytes\n\n\
         Concurrency Level:      8\n\
         Time taken for tests:   4.239 seconds\n\
         Complete requests:      1500\n\
         Failed requests:        0\n\
         Total transferred:      298500 bytes\n\
         HTML transferred:       136500 bytes\n\
         Requests per second:    353.86 [#/sec] (mean)\n\
         Time per request:       22.608 [ms] (mean)\n\
         Time per request:       2.826 [ms] (mean, across all concurrent requests)\n\
         Transfer rate:          68.77 [Kbytes/sec] received\n\n\
         Connection Times (ms)\n\
         \x20             min  mean[+/-sd] median   max\n\
         Connect:        0    0   0.1      0       1\n\
         Processing:     2   22  10.9     20     106\n\
         Waiting:        1   22  10.9     20     106\n\
         Total:          2   22  10.9     20     106\n\n\
         Percentage of the requests served within a certain time (ms)\n\
         \x20 50%     20\n  66%     25\n  75%     28\n  80%     30\n  90%     36\n\
         \x20 95%     42\n  98%     50\n  99%     60\n 100%    106 (longest request)\n",
    );
    text
}

/// An ab console capture cut in the middle of its `Transfer rate:` line, then 4,096
/// NUL bytes (a copy taken off a machine that lost power: its length kept, its last
/// writes zeros) — no `Connection Times`, no percentile table, which ab prints after
/// every run of more than one request. Before, it read as a whole run: GO on an error
/// and a throughput rule, without a word that the capture was cut. Now the run is
/// incomplete (no GO), and the report says the capture is cut, at which line and
/// after what; the same capture whole reads GO.
#[test]
fn an_ab_capture_cut_before_its_summary_ends_is_never_a_go() {
    let whole = ab_console();
    let at = whole.find("Transfer rate:").unwrap()
        + "Transfer rate:          68.77 [Kbytes/sec] r".len();
    let line = whole[..at].matches('\n').count() + 1;
    let mut cut = whole.as_bytes()[..at].to_vec();
    cut.extend(std::iter::repeat_n(0u8, 4096));
    let rules = "\"error_rate < 1%\", \"throughput >= 5/s\"";
    let dir = TestDir::new();
    dir.write("run/console.txt", &cut);
    let run = dir.path().join("run");
    let (_, stdout, stderr) = check_rules(&dir, &run, rules);
    assert!(!stdout.contains("verdict: GO"), "{stdout}\n{stderr}");
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    let said = report.to_string();
    assert_eq!(report["data_quality"], "incomplete", "{stderr}");
    assert!(
        said.contains(&format!(
            "console.txt: the capture of ab's output is cut: it ends at line {line}"
        )) && said.contains("<4096 NUL bytes>"),
        "{said}"
    );
    // The same capture whole: a GO on the same rules.
    let dir = TestDir::new();
    dir.write("run/console.txt", &whole);
    let run = dir.path().join("run");
    let (_, stdout, stderr) = check_rules(&dir, &run, rules);
    assert!(stdout.contains("verdict: GO"), "{stdout}\n{stderr}");
}

/// A whole wrk capture (3,719 requests in 10.09 s) followed by 4,096 NUL bytes.
/// Before, it read clean: the figures, and not a word of the zeros after them. Now the
/// figures stand (3,719 requests) and a note names the file and the NUL bytes.
#[test]
fn a_whole_wrk_capture_followed_by_nul_padding_is_read_and_said() {
    let text = "Running 10s test @ http://127.0.0.1:18451/api/v1/agents\n\
        \x20 2 threads and 8 connections\n\
        \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
        \x20   Latency    22.20ms   11.00ms 106.61ms   76.92%\n\
        \x20   Req/Sec   185.04     23.76   270.00     64.00%\n\
        \x20 Latency Distribution\n\
        \x20    50%   20.00ms\n     75%   27.18ms\n     90%   35.86ms\n     99%   59.80ms\n\
        \x20 3719 requests in 10.09s, 722.74KB read\n\
        Requests/sec:    368.46\n\
        Transfer/sec:     71.61KB\n";
    let mut bytes = text.as_bytes().to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 4096));
    let dir = TestDir::new();
    dir.write("run/wrk.txt", &bytes);
    let run = dir.path().join("run");
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(report["overall"]["requests"], 3719, "{stderr}");
    let said = report.to_string();
    assert!(
        said.contains("wrk.txt: the text is followed by <4096 NUL bytes> from line 14 on"),
        "{said}"
    );
}
