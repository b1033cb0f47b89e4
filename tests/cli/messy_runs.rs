//! Judgements on messy real run dirs (QA round 3): a second tool's run of other
//! requests beside the report's source, releases whose tools name their one endpoint
//! differently, error rates of tool summaries in `compare`, and `export` round trips
//! that must keep what the data cannot show.

use crate::check::check_json;
use crate::common::{analyze_json, TestDir};

/// wrk at 4 connections: 620 requests in 8.01 s, no error (as wrk 4.2 prints it).
const WRK_C4: &str = "Running 8s test @ http://127.0.0.1:18301/item
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    51.52ms  635.74us  55.75ms   81.29%
    Req/Sec    38.74      4.86    40.00     93.75%
  Latency Distribution
     50%   51.58ms
     75%   51.65ms
     90%   51.74ms
     99%   54.99ms
  620 requests in 8.01s, 72.05KB read
Requests/sec:     77.40
Transfer/sec:      8.99KB
";

/// ab at 40 users: 300 requests, 290 of them non-2xx (the target's 503s).
const AB_C40: &str = "This is ApacheBench, Version 2.3 <$Revision$>

Benchmarking 127.0.0.1 (be patient)
Finished 300 requests


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18301

Document Path:          /item
Document Length:        11 bytes

Concurrency Level:      40
Time taken for tests:   0.208 seconds
Complete requests:      300
Failed requests:        290
   (Connect: 0, Receive: 0, Length: 290, Exceptions: 0)
Non-2xx responses:      290
Total transferred:      43820 bytes
HTML transferred:       6490 bytes
Requests per second:    1444.28 [#/sec] (mean)
Time per request:       27.695 [ms] (mean)
Time per request:       0.692 [ms] (mean, across all concurrent requests)
Transfer rate:          206.02 [Kbytes/sec] received

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    0   0.3      0       1
Processing:     0    4  16.0      1     155
Waiting:        0    3  16.0      1     155
Total:          1    4  16.1      1     156

Percentage of the requests served within a certain time (ms)
  50%      1
  66%      1
  75%      2
  80%      2
  90%      2
  95%      2
  98%     53
  99%    104
 100%    156 (longest request)
";

/// Rules wrk's summary can judge (it prints p90, not p95).
const ERR_P90: &str = "[global]\nrules = [\"error_rate < 1%\", \"p(90) < 500ms\"]\n";

#[test]
fn another_tools_run_of_other_requests_in_the_dir_makes_the_data_incomplete_not_a_go() {
    let dir = TestDir::new();
    dir.write("run/wrk_c4.txt", WRK_C4);
    let sla = dir.write("err.toml", ERR_P90);
    // wrk alone: 620 requests, no error, p90 51.74 ms — every rule passes: GO.
    let alone = dir.path().join("run");
    let (code, out, _) = check_json(&alone, &sla, &[]);
    assert_eq!((code, out["verdict"].as_str()), (0, Some("GO")), "{out}");
    // An ab run at 40 users beside it (290 of 300 failed) is other requests: the
    // report still leads with wrk (it has more requests) and sums no tools, so the
    // failures are in no figure — the data is incomplete and no GO rests on it.
    dir.write("run/ab-40users.log", AB_C40);
    let (code, out, _) = check_json(&alone, &sla, &[]);
    assert_ne!(out["verdict"].as_str(), Some("GO"), "{out}");
    assert_eq!(code, 0, "no fail-severity rule fails: {out}");
    let (_, report, _) = analyze_json(&[&alone], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(report["data_quality"], "incomplete", "{report}");
    let why = report["data_quality_reason"].as_str().unwrap();
    assert!(
        why.contains("ab source")
            && why.contains("300 requests, 290 failed")
            && why.contains("620"),
        "{why}"
    );
    assert_eq!(report["stages"][0]["requests"], 620);
}
