//! Console summaries cut short (the tool interrupted, or the capture cut mid-way): the
//! lines a tool always prints, its counts first among them, are missing, so the output
//! is refused (exit 2, the file and the missing line named) rather than read as a
//! complete run with fewer failures — never a GO. Each fixture is a real-looking
//! output read whole first (its figures checked), then cut mid-line.

use crate::common::{analyze_json, assert_refused, check_rules, TestDir};

/// `text` up to and including the first `marker` (a mid-line cut when the marker
/// ends inside a line); panics when the marker is not there.
fn cut_at(text: &str, marker: &str) -> String {
    let at = text.find(marker).expect("marker in the fixture") + marker.len();
    text[..at].to_string()
}

/// The 1-based number of a cut text's last line.
fn last_line(text: &str) -> u64 {
    text.lines().count() as u64
}

/// ab against an overloaded target (`ab -n 6000 -c 300 -g ab.tsv`): 6,000 complete,
/// 5,508 failed (all Length, each also a non-2xx answer).
const AB_OVER: &str = "This is ApacheBench, Version 2.3 <$Revision: 1903618 $>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient)
Completed 600 requests
Completed 6000 requests
Finished 6000 requests


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18080

Document Path:          /api/v1/agents
Document Length:        91 bytes

Concurrency Level:      300
Time taken for tests:   0.396 seconds
Complete requests:      6000
Failed requests:        5508
   (Connect: 0, Receive: 0, Length: 5508, Exceptions: 0)
Non-2xx responses:      5508
Total transferred:      907584 bytes
HTML transferred:       165948 bytes
Requests per second:    15134.81 [#/sec] (mean)
Time per request:       19.822 [ms] (mean)
Time per request:       0.066 [ms] (mean, across all concurrent requests)
Transfer rate:          2235.70 [Kbytes/sec] received

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    3   4.3      1      38
Processing:     0    7  11.8      2     160
Waiting:        0    6  11.7      1     160
Total:          1   10  13.4      6     161

Percentage of the requests served within a certain time (ms)
  50%      6
  95%     42
  99%     65
 100%    161 (longest request)
";

/// ab's `-g` rows for 6,000 requests, 1 to 60 ms each (none says whether it failed).
fn ab_tsv() -> String {
    let mut tsv = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    for i in 0..6000u64 {
        let t = 1 + i % 60;
        tsv.push_str(&format!(
            "Thu Dec 03 13:18:23 2026\t1796303903\t0\t{t}\t{t}\t{t}\n"
        ));
    }
    tsv
}

#[test]
fn an_ab_console_cut_before_its_failures_is_refused_with_its_tsv_not_a_go() {
    // Whole: 5,508 of 6,000 failed, 91.8 % > 1 %: NO-GO.
    let dir = TestDir::new();
    dir.write("whole/console.log", AB_OVER);
    dir.write("whole/ab.tsv", ab_tsv());
    let (code, out, err) = check_rules(&dir, &dir.path().join("whole"), "\"error_rate < 1%\"");
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("91.8%"), "{out}");
    assert!(out.contains("verdict: NO-GO"), "{out}");

    // Cut inside `Failed requests:`: the TSV alone says every request was answered, so
    // the dir must not be read as 0 % errors.
    let cut = cut_at(AB_OVER, "Failed requ");
    let path = dir.write("cut/console.log", &cut);
    dir.write("cut/ab.tsv", ab_tsv());
    let (code, out, err) = check_rules(&dir, &dir.path().join("cut"), "\"error_rate < 1%\"");
    assert_eq!(code, 2, "{out}{err}");
    assert!(!out.contains("verdict: GO"), "{out}");
    let named = format!("{}:{}: cut short", path.display(), last_line(&cut));
    let problem = err.lines().find(|l| l.contains(&named)).unwrap_or_else(|| {
        panic!("want `{named}` in: {err}");
    });
    assert!(problem.contains("`Failed requests:`"), "{problem}");
    assert!(!problem.starts_with("warning"), "{problem}");
}

#[test]
fn an_ab_console_cut_after_its_failed_count_is_refused_too() {
    // `Non-2xx responses` (printed only when there are some) follows `Failed
    // requests`; `Total transferred` is always printed after it.
    let cut = cut_at(
        AB_OVER,
        "   (Connect: 0, Receive: 0, Length: 5508, Exceptions: 0)\n",
    );
    let line = last_line(&cut);
    assert_refused("ab.txt", cut, Some(line), "`Total transferred:`");
}

/// wrk whose 20 answers came after its --timeout (a stall): 3,739 answered, 20 of them
/// timeouts (wrk ≥ 4 counts a timeout only for an answer it received).
const WRK_STALL: &str = "Running 6s test @ http://127.0.0.1:18081/api/v1/agents
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.54ms   10.93ms 120.39ms   75.73%
    Req/Sec   455.57     79.59   545.00     93.90%
  Latency Distribution
     50%   19.14ms
     75%   26.45ms
     90%   35.40ms
     99%   58.16ms
  3739 requests in 6.01s, 726.62KB read
  Socket errors: connect 0, read 0, write 0, timeout 20
Requests/sec:    622.46
Transfer/sec:    120.97KB
";

#[test]
fn a_wrk_output_cut_before_its_socket_errors_is_refused_not_a_go() {
    // Whole: 20 ÷ 3,739 = 0.535 % > 0.5 %: NO-GO.
    let dir = TestDir::new();
    dir.write("whole/console.log", WRK_STALL);
    let (code, out, err) = check_rules(
        &dir,
        &dir.path().join("whole"),
        "\"p(99) < 500ms\", \"error_rate < 0.5%\"",
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("0.535%"), "{out}");

    let cut = cut_at(WRK_STALL, "  Socket err");
    let path = dir.write("cut/console.log", &cut);
    let (code, out, err) = check_rules(
        &dir,
        &dir.path().join("cut"),
        "\"p(99) < 500ms\", \"error_rate < 0.5%\"",
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(!out.contains("verdict: GO"), "{out}");
    let named = format!("{}:{}: cut short", path.display(), last_line(&cut));
    let problem = err
        .lines()
        .find(|l| l.contains(&named))
        .unwrap_or_else(|| panic!("want `{named}` in: {err}"));
    assert!(problem.contains("`Requests/sec:`"), "{problem}");
}

#[test]
fn a_wrk_output_cut_in_its_last_line_is_refused_but_a_cut_later_run_only_noted() {
    let cut = cut_at(WRK_STALL, "Transfer/se");
    let line = last_line(&cut);
    assert_refused("wrk.txt", cut.clone(), Some(line), "`Transfer/sec:`");

    // A complete run, then a second one cut short: the first is read, the second named.
    let dir = TestDir::new();
    let two = format!("{WRK_STALL}{cut}");
    dir.write("run/wrk.txt", two);
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["overall"]["requests"], 3739);
    assert_eq!(report["overall"]["failures"], 20);
    let notes = report.to_string();
    assert!(
        notes.contains("the run(s) at line 15 end before wrk's closing"),
        "{notes}"
    );
}

/// hey with 60 client timeouts: 2,810 answered + 60 errors.
const HEY_STALL: &str = "
Summary:
  Total:\t6.0334 secs
  Slowest:\t0.1109 secs
  Fastest:\t0.0037 secs
  Average:\t0.0214 secs
  Requests/sec:\t475.6858
  
  Total data:\t255710 bytes
  Size/request:\t91 bytes

Response time histogram:
  0.004 [1]\t|
  0.111 [3]\t|


Latency distribution:
  10% in 0.0103 secs
  50% in 0.0188 secs
  95% in 0.0429 secs
  99% in 0.0590 secs

Details (average, fastest, slowest):
  DNS+dialup:\t0.0000 secs, 0.0037 secs, 0.1109 secs
  resp read:\t0.0000 secs, 0.0000 secs, 0.0032 secs

Status code distribution:
  [200]\t2810 responses
  [503]\t1210 responses

Error distribution:
  [60]\tGet \"http://127.0.0.1:18081/api/v1/agents\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)

";

/// h2load against an overloaded target: 1,053 succeeded, 4,947 failed (5xx).
const H2LOAD_OVER: &str = "starting benchmark...
spawning thread #0: 300 total client(s). 6000 total requests
Application protocol: http/1.1
progress: 10% done
progress: 100% done

finished in 1.53s, 3912.85 req/s, 596.58KB/s
requests: 6000 total, 6000 started, 6000 done, 1053 succeeded, 4947 failed, 0 errored, 0 timeout
status codes: 1053 2xx, 0 3xx, 0 4xx, 4947 5xx
traffic: 914.80KB (936756) total, 451.17KB (462000) headers (space savings 0.00%), 199.86KB (204657) data
                     min         max         mean         sd        +/- sd
time for request:        8us     88.16ms      4.62ms      9.11ms    86.25%
time for connect:      780us       1.00s    374.40ms    479.36ms    63.33%
time to 1st byte:     4.42ms       1.04s    381.32ms    479.35ms    63.33%
req/s           :      13.06      679.42      292.97      251.07    53.67%
";

/// httperf at 3,000/s: 9,000 replies (4,546 of them 5xx) and 12 connection resets.
const HTTPERF_OVER: &str = "httperf --timeout=2 --client=0/1 --server=127.0.0.1 --port=18080 --uri=/api/v1/agents --rate=3000 --send-buffer=4096 --recv-buffer=16384 --num-conns=9000 --num-calls=1
Maximum connect burst length: 50

Total: connections 9000 requests 9000 replies 9000 test-duration 3.040 s

Connection rate: 2960.7 conn/s (0.3 ms/conn, <=85 concurrent connections)
Connection time [ms]: min 0.0 avg 12.1 max 122.3 median 5.5 stddev 13.9
Connection time [ms]: connect 0.3
Connection length [replies/conn]: 1.000

Request rate: 2960.7 req/s (0.3 ms/req)
Request size [B]: 75.0

Reply rate [replies/s]: min 0.0 avg 0.0 max 0.0 stddev 0.0 (0 samples)
Reply time [ms]: response 11.8 transfer 0.0
Reply size [B]: header 116.0 content 56.0 footer 0.0 (total 172.0)
Reply status: 1xx=0 2xx=4454 3xx=0 4xx=0 5xx=4546

CPU time [s]: user 0.07 system 2.03 (user 2.2% system 66.9% total 69.1%)
Net I/O: 716.3 KB/s (5.9*10^6 bps)

Errors: total 12 client-timo 0 socket-timo 0 connrefused 0 connreset 12
Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0
";

/// siege ≤ 4.0's text block: 570 transactions (10 unsuccessful) and 5 failed.
const SIEGE_TEXT: &str = "Transactions:\t\t         570 hits
Availability:\t\t       99.13 %
Elapsed time:\t\t        2.68 secs
Data transferred:\t        0.05 MB
Response time:\t\t        0.02 secs
Transaction rate:\t      212.69 trans/sec
Throughput:\t\t        0.02 MB/sec
Concurrency:\t\t        4.94
Successful transactions:         560
Failed transactions:\t          15
Longest transaction:\t        0.09
Shortest transaction:\t        0.00
";

/// siege 4.x's JSON block: 287 transactions, 1,185 failed.
const SIEGE_JSON: &str = "
{\t\"transactions\":\t\t\t         287,
\t\"availability\":\t\t\t       19.50,
\t\"elapsed_time\":\t\t\t        1.20,
\t\"data_transferred\":\t\t        0.05,
\t\"response_time\":\t\t        0.45,
\t\"transaction_rate\":\t\t      239.17,
\t\"throughput\":\t\t\t        0.04,
\t\"concurrency\":\t\t\t      107.79,
\t\"successful_transactions\":\t         287,
\t\"failed_transactions\":\t\t        1185,
\t\"longest_transaction\":\t\t        1.07,
\t\"shortest_transaction\":\t\t        0.00
}
";

/// autocannon `--json`: 3,768 responses, 2 errors.
const AUTOCANNON: &str = "{\"url\":\"http://127.0.0.1:18080/api/v1/agents\",\"connections\":20,\"duration\":4.02,\"errors\":2,\"timeouts\":0,\"non2xx\":0,\"pipelining\":1,\"statusCodeStats\":{\"200\":{\"count\":3768}},\"latency\":{\"average\":20.71,\"mean\":20.71,\"min\":4,\"max\":95,\"p50\":19,\"p99\":56},\"requests\":{\"total\":3768}}\n";

/// Each tool's whole output gives the counts written in it; cut mid-line before its
/// always-printed lines, it is refused with the missing line named.
#[test]
fn every_console_summary_cut_short_is_refused_naming_what_is_missing() {
    // (file, whole text, requests, failures, cut after, the reason's words)
    let cases: [(&str, &str, u64, u64, &str, &str); 8] = [
        (
            "hey.txt",
            HEY_STALL,
            2810 + 1210 + 60,
            1210 + 60,
            "Latency distribution:\n  10% in 0.01",
            "`Status code distribution:`",
        ),
        (
            "hey.txt",
            HEY_STALL,
            2810 + 1210 + 60,
            1210 + 60,
            "[503]\t12",
            "no line end",
        ),
        (
            "h2load.txt",
            H2LOAD_OVER,
            6000,
            4947,
            "status codes: 10",
            "`traffic:`",
        ),
        (
            "httperf.txt",
            HTTPERF_OVER,
            9012,
            4546 + 12,
            "Errors: total 12 client-t",
            "`Errors: fd-unavail`",
        ),
        (
            "siege.txt",
            SIEGE_TEXT,
            570 + 15,
            10 + 15,
            "Failed transactions:\t          1",
            "`Shortest transaction:`",
        ),
        (
            "siege.txt",
            SIEGE_JSON,
            287 + 1185,
            1185,
            "\"failed_transactions\":\t\t        11",
            "no closing `}`",
        ),
        (
            "autocannon.json",
            AUTOCANNON,
            3768 + 2,
            2,
            "\"latency\":{\"average\":20.71,\"mea",
            "cut short",
        ),
        (
            "ab.txt",
            AB_OVER,
            6000,
            5508,
            "Complete requests:      60",
            "`Failed requests:`",
        ),
    ];
    for (file, whole, requests, failures, after, why) in cases {
        let dir = TestDir::new();
        dir.write(&format!("run/{file}"), whole);
        let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
        assert_eq!(code, 0, "{file}: {err}");
        assert_eq!(report["overall"]["requests"], requests, "{file}");
        assert_eq!(report["overall"]["failures"], failures, "{file}");

        let cut = cut_at(whole, after);
        let line = last_line(&cut);
        assert_refused(file, cut, Some(line), why);
    }
}

/// An interval log of four 1 s intervals, `n` values each (values in µs, `#[unit: us]`):
/// interval k holds `n` values of (k + 1) × 10 ms.
fn hlog(n: u64) -> String {
    use base64::Engine;
    use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
    let mut log = String::from(
        "#[Histogram log format version 1.3]\n#[StartTime: 1700000000.000 (seconds since epoch)]\n\
         #[unit: us]\n\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n",
    );
    for k in 0..4u64 {
        let mut h = hdrhistogram::Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        h.record_n((k + 1) * 10_000, n).unwrap();
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&h, &mut bytes)
            .unwrap();
        let blob = base64::engine::general_purpose::STANDARD.encode(bytes);
        log.push_str(&format!("{k}.000,1.000,{}.000,{blob}\n", (k + 1) * 10));
    }
    log
}

#[test]
fn an_hlog_cut_in_its_last_line_keeps_its_whole_intervals() {
    let whole = hlog(100);
    // Cut inside the fourth interval's blob: the line has no end, its blob is short.
    let last = whole.trim_end().rsplit_once('\n').unwrap().0.len() + 1;
    let cut = &whole[..last + 40];
    let dir = TestDir::new();
    let path = dir.write("run/latency.hlog", cut);
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{err}");
    // Three whole intervals of 100 values: 10, 20 and 30 ms.
    assert_eq!(report["overall"]["requests"], 300, "{err}");
    let max = report["overall"]["latency_ms"]["max"].as_f64().unwrap();
    assert!((max - 30.0).abs() < 0.1, "{max}");
    let named = format!("{}:{}:", path.display(), last_line(cut));
    let problem = err
        .lines()
        .find(|l| l.contains(&named))
        .unwrap_or_else(|| panic!("want `{named}` in: {err}"));
    assert!(problem.contains("cut mid-line"), "{problem}");
    assert!(problem.contains("3 whole interval(s)"), "{problem}");

    // A bad line that is not the last still stops the log (nothing is guessed).
    let lines: Vec<&str> = whole.lines().collect();
    let mut middle: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    middle[5] = lines[5][..lines[5].len() - 30].to_string();
    assert_refused(
        "latency.hlog",
        middle.join("\n") + "\n",
        Some(6),
        "in histogram",
    );
}

/// ab's console of `ab -n 100000 -c 4` captured with its error stream (`2>&1`), whose
/// progress lines come each 10,000 requests: interrupted after 34,735 (no `Finished`
/// line) when `finished` is false. Every answer a 200 in 1–3 ms.
fn ab_progress(finished: bool) -> String {
    let done = if finished {
        "Finished 34735 requests\n"
    } else {
        ""
    };
    format!(
        "This is ApacheBench, Version 2.3 <$Revision: 1903618 $>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient)
Completed 10000 requests
Completed 20000 requests
Completed 30000 requests
{done}

Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18777

Document Path:          /health
Document Length:        15 bytes

Concurrency Level:      4
Time taken for tests:   2.998 seconds
Complete requests:      34735
Failed requests:        0
Total transferred:      4723960 bytes
HTML transferred:       521025 bytes
Requests per second:    11586.97 [#/sec] (mean)
Time per request:       0.345 [ms] (mean)
Time per request:       0.086 [ms] (mean, across all concurrent requests)
Transfer rate:          1538.89 [Kbytes/sec] received

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    0   0.1      0      1
Processing:     0    0   0.4      0      2
Waiting:        0    0   0.4      0      2
Total:          0    0   0.5      0      3

Percentage of the requests served within a certain time (ms)
  50%      0
  95%      1
  99%      2
 100%      3 (longest request)
"
    )
}

#[test]
fn an_ab_run_interrupted_after_its_progress_lines_is_incomplete_not_a_go() {
    // Its rules hold (0 % errors, p95 1 ms), but ab printed progress up to 30,000 and
    // never `Finished`: it was stopped part-way, so no GO rests on it.
    let rules = "\"error_rate < 1%\", \"p(95) < 500ms\"";
    let dir = TestDir::new();
    dir.write("finished/ab.txt", ab_progress(true));
    let (code, out, err) = check_rules(&dir, &dir.path().join("finished"), rules);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("verdict: GO"), "{out}");

    let path = dir.write("stopped/ab.txt", ab_progress(false));
    let (code, out, err) = check_rules(&dir, &dir.path().join("stopped"), rules);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("verdict: CONDITIONAL"), "{out}");
    assert!(!out.contains("verdict: GO"), "{out}");
    let (_, report, _) = analyze_json(&[&dir.path().join("stopped")], &[]);
    assert_eq!(report["data_quality"], "incomplete", "{report}");
    let why = format!(
        "{}: ab printed its progress (`Completed 30000 requests`, line 8)",
        path.display()
    );
    assert!(report.to_string().contains(&why), "{report}");
}
