//! Messy runs, batch "cu" (qa95): planned rates and stage clocks across tools. Rate-
//! driven runs against `headroom target` kept in stage dirs (or files) named by their
//! rate: autocannon's `-r` (per connection) and `-R` known only from the command kept
//! beside its JSON, hey summaries named `hey_100rps.txt`, Locust CSVs whose locustfile
//! paces its users with `constant_throughput`, and ab runs with and without the `-g`
//! file that is their only clock.

use super::common::{analyze_json, TestDir};
use serde_json::Value;

/// autocannon v9's `--json` result of `autocannon --json -c 10 -r 20 -d 5
/// http://127.0.0.1:18460/api/v1/agents` against `headroom target` (trimmed to the keys
/// headroom reads; `samples` and the per-second request percentiles left out): 1,000
/// responses in 5.02 s. Its JSON says nothing of `-r`.
const AC_KEPT: &str = r#"{"url": "http://127.0.0.1:18460/api/v1/agents", "connections": 10, "sampleInt": 1000, "pipelining": 1, "workers": 0, "duration": 5.02, "start": "2026-12-07T09:55:19.769Z", "finish": "2026-12-07T09:55:24.790Z", "errors": 0, "timeouts": 0, "mismatches": 0, "non2xx": 0, "resets": 0, "1xx": 0, "2xx": 1000, "3xx": 0, "4xx": 0, "5xx": 0, "statusCodeStats": {"200": {"count": 1000}}, "latency": {"average": 13.65, "mean": 13.65, "stddev": 10.57, "min": 1, "max": 86, "p0_001": 1, "p0_01": 1, "p0_1": 1, "p1": 1, "p2_5": 1, "p10": 3, "p25": 6, "p50": 11, "p75": 19, "p90": 27, "p97_5": 40, "p99": 49, "p99_9": 75, "p99_99": 84, "p99_999": 86, "totalCount": 20986}, "requests": {"total": 1000, "sent": 1200, "average": 200}, "throughput": {"total": 199000}}"#;

/// The same for `autocannon --json -c 10 -R 300 -d 5 -m POST
/// http://127.0.0.1:18460/api/v1/workflows/run`: the 1 s workflow endpoint answered
/// 49 requests in 5.02 s, far from the 300 req/s planned.
const AC_NOT_KEPT: &str = r#"{"url": "http://127.0.0.1:18460/api/v1/workflows/run", "connections": 10, "sampleInt": 1000, "pipelining": 1, "workers": 0, "duration": 5.02, "start": "2026-12-07T09:55:24.971Z", "finish": "2026-12-07T09:55:29.990Z", "errors": 0, "timeouts": 0, "mismatches": 0, "non2xx": 0, "resets": 0, "1xx": 0, "2xx": 49, "3xx": 0, "4xx": 0, "5xx": 0, "statusCodeStats": {"200": {"count": 49}}, "latency": {"average": 567.58, "mean": 567.58, "stddev": 411.68, "min": 1, "max": 1901, "p0_001": 1, "p0_01": 1, "p0_1": 1, "p1": 10, "p2_5": 24, "p10": 95, "p25": 236, "p50": 480, "p75": 832, "p90": 1186, "p97_5": 1523, "p99": 1659, "p99_9": 1855, "p99_99": 1897, "p99_999": 1901, "totalCount": 46193}, "requests": {"total": 49, "sent": 349, "average": 9.81}, "throughput": {"total": 6860}}"#;

/// The stage named `name` in a report.
fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {}", report["stages"]))
}

/// Every source note of a report, one string.
fn notes(report: &Value) -> String {
    report["sources"].to_string()
}

/// The stages capacity took as load points.
fn load_points(report: &Value) -> Vec<String> {
    (report["capacity"]["load_points"].as_array().unwrap().iter())
        .map(|p| p["stage"].as_str().unwrap().to_string())
        .collect()
}

/// `autocannon -c 10 -r 20` plans 10 × 20 = 200 req/s (`-r` paces each connection)
/// and `-R 300` plans 300 req/s in all; autocannon's JSON keeps neither, so headroom
/// took the 10 connections for users and ignored the dirs' rates: the run that sent
/// 49 of 1,500 planned requests was a load point at "10 users". Now the command kept
/// in `cmd.txt` beside each result plans the stage, and the stage that kept 10 req/s
/// of its 300 is no load point.
#[test]
fn autocannon_rates_come_from_its_kept_command_line() {
    let dir = TestDir::new();
    let url = "http://127.0.0.1:18460";
    dir.write("run/rate-200rps/result.json", AC_KEPT);
    dir.write(
        "run/rate-200rps/cmd.txt",
        format!("autocannon --json -c 10 -r 20 -d 5 {url}/api/v1/agents > result.json\n"),
    );
    dir.write("run/rate-300rps/result.json", AC_NOT_KEPT);
    dir.write(
        "run/rate-300rps/cmd.txt",
        format!(
            "autocannon --json -c 10 -R 300 -d 5 -m POST {url}/api/v1/workflows/run > result.json\n"
        ),
    );
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    let kept = stage(&report, "rate_200rps");
    assert_eq!(kept["arrival_rate_rps"], 200.0, "{kept}");
    assert!(kept["users"].is_null(), "{kept}");
    let short = stage(&report, "rate_300rps");
    assert_eq!(short["arrival_rate_rps"], 300.0, "{short}");
    assert!(notes(&report).contains("-r 20 req/s per connection × 10 connections"));
    // 49 requests in 5.02 s is 9.8 req/s: 3 % of 300, no load point.
    assert_eq!(load_points(&report), ["rate_200rps"]);
}

/// A hey summary of `hey -z 4s -c 10 -q 10 -m POST
/// http://127.0.0.1:18460/api/v1/agents/run` against `headroom target`: 124 answers in
/// 4.3056 s (28.8 req/s; ten workers cannot send more at its 0.33 s mean). hey prints
/// neither `-c` nor `-q`.
const HEY_SUMMARY: &str = "
Summary:
  Total:\t4.3056 secs
  Slowest:\t1.2068 secs
  Fastest:\t0.0543 secs
  Average:\t0.3272 secs
  Requests/sec:\t28.7998
  
  Total data:\t4712 bytes
  Size/request:\t38 bytes

Latency distribution:
  10% in 0.1275 secs
  25% in 0.1860 secs
  50% in 0.2752 secs
  75% in 0.4159 secs
  90% in 0.6065 secs
  95% in 0.7356 secs
  99% in 1.2068 secs

Details (average, fastest, slowest):
  DNS+dialup:\t0.0000 secs, 0.0543 secs, 1.2068 secs
  DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:\t0.0000 secs, 0.0000 secs, 0.0002 secs
  resp wait:\t0.3270 secs, 0.0541 secs, 1.2066 secs
  resp read:\t0.0001 secs, 0.0000 secs, 0.0003 secs

Status code distribution:
  [200]\t124 responses
";

/// A shell loop's hey runs kept side by side as `hey_20rps.txt` and `hey_100rps.txt`
/// in one dir: hey prints no rate, so both were stages of no load at all. Now each
/// file's name plans its stage (said in a note); the 100 req/s one, which made 23.8
/// req/s, is no load point, and the 20 req/s one (28.8 ≥ 20) is. The second file is
/// [`HEY_SUMMARY`] with the totals of that target's `-q 5` run (115 answers in 4.8302 s).
#[test]
fn a_file_named_by_its_rate_plans_its_stage() {
    let dir = TestDir::new();
    dir.write("runs/hey_20rps.txt", HEY_SUMMARY);
    let other = (HEY_SUMMARY.replace("4.3056", "4.8302"))
        .replace("28.7998", "23.8084")
        .replace("124 responses", "115 responses");
    dir.write("runs/hey_100rps.txt", other);
    let (code, report, err) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(code, 0, "{err}");
    let rates: Vec<f64> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["arrival_rate_rps"].as_f64().unwrap_or(0.0))
        .collect();
    assert_eq!(rates, [20.0, 100.0], "{}", report["stages"]);
    assert!(notes(&report).contains("read from the file's name (`hey_100rps`"));
    assert_eq!(load_points(&report).len(), 1, "{}", report["capacity"]);
}

/// The rate a tool's own command line gives wins over its file's name, said: the echoed
/// `hey -c 10 -q 20` planned 200 req/s in a file named `hey_100rps.txt`.
#[test]
fn the_tools_own_rate_wins_over_its_files_name() {
    let dir = TestDir::new();
    let echoed = "$ hey -z 4s -c 10 -q 20 -m POST http://127.0.0.1:18460/api/v1/agents/run\n";
    dir.write("runs/hey_100rps.txt", format!("{echoed}{HEY_SUMMARY}"));
    let (code, report, err) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(code, 0, "{err}");
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages[0]["arrival_rate_rps"], 200.0, "{}", report["stages"]);
    assert!(
        notes(&report).contains("plans 100 req/s, but hey was paced at 200 req/s"),
        "{}",
        notes(&report)
    );
}

/// Locust's stats file and history of `locust -f locustfile.py --headless -u 10 -r 10
/// -t 8s --csv run` against `headroom target`, the locustfile's users waiting
/// `constant_throughput(2)`: 140 requests at 21.4 req/s, the history counting 10 users.
const LOCUST_STATS: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,/api/v1/agents,140,0,31,33.58021705711443,17.044864000126836,82.63358500016693,91.0,21.376469735098933,0.0,31,36,39,41,49,60,77,78,83,83,83
,Aggregated,140,0,31,33.58021705711443,17.044864000126836,82.63358500016693,91.0,21.376469735098933,0.0,31,36,39,41,49,60,77,78,83,83,83
";

/// That run's stats history.
const LOCUST_HISTORY: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size
1796638255,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0
1796638256,10,,Aggregated,0.000000,0.000000,32,40,46,61,78,83,83,83,83,83,83,20,0,32,39.7074527500763,19.169498000337626,82.63358500016693,91.0
1796638257,10,,Aggregated,0.000000,0.000000,32,38,40,42,61,78,83,83,83,83,83,40,0,32,35.249317100021926,19.169498000337626,82.63358500016693,91.0
1796638258,10,,Aggregated,10.000000,0.000000,29,36,40,41,60,77,78,83,83,83,83,60,0,29,34.243314316646924,19.169498000337626,82.63358500016693,91.0
1796638259,10,,Aggregated,15.000000,0.000000,34,37,40,46,53,62,78,83,83,83,83,80,0,34,35.0660400874915,19.169498000337626,82.63358500016693,91.0
1796638260,10,,Aggregated,16.666667,0.000000,32,37,40,41,51,61,78,83,83,83,83,100,0,32,34.12577460997909,19.169498000337626,82.63358500016693,91.0
1796638261,10,,Aggregated,17.500000,0.000000,31,37,40,42,50,61,77,78,83,83,83,120,0,31,34.008935199976044,19.169498000337626,82.63358500016693,91.0
1796638262,10,,Aggregated,18.000000,0.000000,31,36,39,41,49,60,77,78,83,83,83,140,0,31,33.58021705711443,17.044864000126836,82.63358500016693,91.0
";

/// A locustfile whose one user class waits `wait`.
fn locustfile(wait: &str) -> String {
    format!(
        "from locust import HttpUser, task, between, constant_throughput\n\n\
         class Api(HttpUser):\n    wait_time = {wait}\n\n    @task\n    def call(self):\n        \
         self.client.get(\"/api/v1/agents\")\n"
    )
}

/// Writes the Locust run into `run/<stage>/` with a locustfile waiting `wait`, if any.
fn locust_run(dir: &TestDir, stage: &str, wait: Option<&str>) {
    dir.write(&format!("run/{stage}/run_stats.csv"), LOCUST_STATS);
    dir.write(
        &format!("run/{stage}/run_stats_history.csv"),
        LOCUST_HISTORY,
    );
    if let Some(wait) = wait {
        dir.write(&format!("run/{stage}/locustfile.py"), locustfile(wait));
    }
}

/// Locust CSVs in `rate-20rps/` lost both the dir's rate and the history's 10 users:
/// a stage of no load, with no word why. Now the locustfile's `constant_throughput(2)`
/// × the history's 10 users plans 20 req/s (the name agrees); a locustfile planning
/// 2 × 10 in `rate-50rps/` is still 20 req/s, the name's 50 noted; without a locustfile
/// the name plans it; a locustfile of `between(1, 5)` ran a closed model of 10 users.
#[test]
fn locust_pacing_plans_a_rate_named_stage() {
    for (stage_dir, wait, rate, users, said) in [
        (
            "rate-20rps",
            Some("constant_throughput(2)"),
            Some(20.0),
            None,
            "paces each of the 10 users at 2 task(s)/s",
        ),
        (
            "rate-50rps",
            Some("constant_throughput(2)"),
            Some(20.0),
            None,
            "its dir's name plans 50 req/s: the locustfile's rate is the stage's",
        ),
        (
            "rate-30rps",
            None,
            Some(30.0),
            None,
            "no locustfile beside the CSVs",
        ),
        (
            "rate-30rps",
            Some("between(1, 5)"),
            None,
            Some(10),
            "Locust ran a closed model with 10 users",
        ),
    ] {
        let dir = TestDir::new();
        locust_run(&dir, stage_dir, wait);
        let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
        assert_eq!(code, 0, "{err}");
        let s = &report["stages"][0];
        assert_eq!(
            s["arrival_rate_rps"].as_f64(),
            rate,
            "{stage_dir} {wait:?}: {s}"
        );
        assert_eq!(s["users"].as_u64(), users, "{stage_dir} {wait:?}: {s}");
        assert!(notes(&report).contains(said), "{}", notes(&report));
    }
}

/// `ab -n 20 -c 2 -g ab.tsv http://127.0.0.1:18460/api/v1/agents` against `headroom
/// target`: its console (0.258 s) and its `-g` file, whose `seconds` column is each
/// request's start in epoch seconds (1796638357 is 2026-12-07T10:12:37Z).
const AB_CONSOLE: &str = "This is ApacheBench, Version 2.3 <$Revision$>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient).....done


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18460

Document Path:          /api/v1/agents
Document Length:        91 bytes

Concurrency Level:      2
Time taken for tests:   0.258 seconds
Complete requests:      20
Failed requests:        0
Total transferred:      3980 bytes
HTML transferred:       1820 bytes
Requests per second:    77.47 [#/sec] (mean)
Time per request:       25.817 [ms] (mean)
Time per request:       12.908 [ms] (mean, across all concurrent requests)
Transfer rate:          15.05 [Kbytes/sec] received

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    1   2.9      0      13
Processing:    13   22   8.1     20      38
Waiting:       13   22   8.1     20      38
Total:         13   23   9.3     20      45

Percentage of the requests served within a certain time (ms)
  50%     20
  66%     22
  75%     32
  80%     32
  90%     38
  95%     45
  98%     45
  99%     45
 100%     45 (longest request)
";

/// That run's `-g` file: (seconds, ttime) per row, as ab wrote them (sorted by time).
const AB_ROWS: [(u64, u64); 20] = [
    (1796638357, 13),
    (1796638357, 14),
    (1796638357, 14),
    (1796638357, 16),
    (1796638358, 16),
    (1796638357, 16),
    (1796638357, 17),
    (1796638358, 17),
    (1796638357, 18),
    (1796638357, 18),
    (1796638357, 20),
    (1796638358, 20),
    (1796638357, 22),
    (1796638357, 22),
    (1796638357, 29),
    (1796638357, 32),
    (1796638357, 32),
    (1796638358, 37),
    (1796638357, 38),
    (1796638357, 45),
];

/// ab prints no clock time, so its stages had empty start and end cells, unexplained.
/// Now a stage without a clock says in its window basis that it is not on the clock,
/// and report.md says so too. (The `-g` file beside `c2/` could place its stage on the
/// clock; that is not done yet.)
#[test]
fn a_stage_without_a_clock_says_so() {
    let dir = TestDir::new();
    dir.write("run/c2/ab.txt", AB_CONSOLE);
    let mut tsv = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    for (s, t) in AB_ROWS {
        tsv.push_str(&format!(
            "Mon Dec 07 10:12:37 2026\t{s}\t0\t{t}\t{t}\t{t}\n"
        ));
    }
    dir.write("run/c2/ab.tsv", tsv);
    dir.write(
        "run/c4/ab.txt",
        AB_CONSOLE.replace("Level:      2", "Level:      4"),
    );
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    let untimed = stage(&report, "c4");
    assert!(untimed["start"].is_null(), "{untimed}");
    let basis = untimed["window_basis"].as_str().unwrap();
    assert!(basis.contains("gives no clock time"), "{basis}");

    let out = dir.path().join("md");
    let o = super::common::headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    // The Scenarios table's row (users, spawn rate, arrival rate, think time, window).
    let row = (md.lines())
        .find(|l| l.starts_with("| c4 | 4 | — | — | — |"))
        .unwrap();
    assert!(row.contains("| not on the clock |"), "{row}");
}

/// `h2load --h1 -n 250 -c 5 --rps 10 http://127.0.0.1:18460/api/v1/agents` against
/// `headroom target` (progress lines left out): 250 requests in 4.99 s, each of the 5
/// clients at 10.1 req/s. h2load's console does not print `--rps`.
const H2LOAD_RPS: &str = "starting benchmark...
spawning thread #0: 5 total client(s). 250 total requests
Application protocol: http/1.1

finished in 4.99s, 50.05 req/s, 9.73KB/s
requests: 250 total, 250 started, 250 done, 250 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 250 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 48.58KB (49750) total, 18.80KB (19250) headers (space savings 0.00%), 22.22KB (22750) data
                     min         max         mean         sd        +/- sd
time for request:     5.40ms     75.29ms     30.25ms     11.41ms    68.40%
time for connect:       70us       342us       160us       106us    80.00%
time to 1st byte:    23.94ms     48.48ms     30.37ms     10.35ms    80.00%
req/s           :      10.08       10.12       10.11        0.02    80.00%
";

/// h2load's `--rps 10` paces each of its 5 clients: 50 req/s planned, which its dir
/// `rate-50rps/` names too; headroom said "h2load ran a closed model with 5 users, so
/// the name's rate is not the stage's arrival rate". Now the echoed command plans the
/// stage at 10 × 5 = 50 req/s, no users.
#[test]
fn h2load_rps_is_per_client() {
    let dir = TestDir::new();
    let echoed = "$ h2load --h1 -n 250 -c 5 --rps 10 http://127.0.0.1:18460/api/v1/agents\n";
    dir.write("run/rate-50rps/h2load.txt", format!("{echoed}{H2LOAD_RPS}"));
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    let s = &report["stages"][0];
    assert_eq!(s["arrival_rate_rps"], 50.0, "{s}");
    assert!(s["users"].is_null(), "{s}");
    assert!(
        !notes(&report).contains("closed model"),
        "{}",
        notes(&report)
    );
}
