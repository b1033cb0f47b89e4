//! Messy runs, batch "da" (qa100: tool readers under real options, part 2): the method
//! a wrk Lua script or an autocannon command line sends, autocannon's paced latencies
//! (corrected for coordinated omission), siege's odd `-c`/`-t` values, and a short
//! httperf `--wsess` run held to its plan. Fixtures are what the tools printed here
//! (wrk 4.1.0, autocannon 7, siege 4.0.7, httperf 0.9.0) against `headroom target`.

use serde_json::Value;

use crate::common::{analyze_json, TestDir};

/// `wrk -t2 -c10 -d3s --latency -s post.lua URL`, its command echoed above, as wrk
/// 4.1.0 printed it; `post.lua` sets `wrk.method = "POST"` and a JSON body.
const WRK_POST: &str = r#"$ wrk -t2 -c10 -d3s --latency -s post.lua http://127.0.0.1:18470/api/v1/agents/run
Running 3s test @ http://127.0.0.1:18470/api/v1/agents/run
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   204.84us    0.93ms  22.24ms   96.46%
    Req/Sec    76.02k    12.19k  104.67k    90.00%
  Latency Distribution
     50%   43.00us
     75%   82.00us
     90%  211.00us
     99%    3.65ms
  453535 requests in 3.00s, 56.23MB read
Requests/sec: 151075.30
Transfer/sec:     18.73MB
"#;

/// The `post.lua` that run used.
const POST_LUA: &str = "wrk.method = \"POST\"\nwrk.body   = '{\"agent\":\"a1\"}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n";

/// The endpoints of a report's first stage: (key, method).
fn endpoints(report: &Value) -> Vec<(String, Value)> {
    report["stages"][0]["endpoints"]
        .as_array()
        .unwrap_or_else(|| panic!("{report:#}"))
        .iter()
        .map(|e| (e["key"].as_str().unwrap().to_string(), e["method"].clone()))
        .collect()
}

/// Every note of the report's sources, one per line.
fn notes(report: &Value) -> String {
    (report["sources"].as_array().unwrap().iter())
        .flat_map(|s| s["notes"].as_array().unwrap().iter())
        .map(|n| n.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Observed: a wrk run whose Lua script sets `wrk.method = "POST"` was reported as
/// endpoint `http://…/api/v1/agents/run`, without the POST wrk sent (hey, siege and
/// httperf carry theirs). Now the script beside the console gives the method; without
/// a script the endpoint stays the URL alone.
#[test]
fn a_wrk_script_that_sets_post_gives_the_endpoint_its_method() {
    let dir = TestDir::new();
    dir.write("run/01-post/wrk.txt", WRK_POST);
    dir.write("run/01-post/post.lua", POST_LUA);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let url = "http://127.0.0.1:18470/api/v1/agents/run";
    assert_eq!(
        endpoints(&report),
        vec![(format!("POST {url}"), Value::from("POST"))]
    );
    assert_eq!(report["stages"][0]["requests"], 453_535);
    assert!(
        notes(&report).contains("wrk sent every request as POST"),
        "{}",
        notes(&report)
    );

    // The same console with no script kept beside it: nothing says the method.
    let bare = TestDir::new();
    bare.write("run/01-post/wrk.txt", WRK_POST);
    let (code, report, stderr) = analyze_json(&[&bare.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(endpoints(&report), vec![(url.to_string(), Value::Null)]);
}

/// A script whose `request()` sends GETs with `wrk.format("GET", …)` though it sets
/// `wrk.method = "POST"`: the requests' method is the script's choice, so none is
/// given.
#[test]
fn a_wrk_script_that_formats_another_method_gives_none() {
    let dir = TestDir::new();
    dir.write("run/01-post/wrk.txt", WRK_POST);
    let lua =
        format!("{POST_LUA}request = function()\n  return wrk.format(\"GET\", \"/x\")\nend\n");
    dir.write("run/01-post/post.lua", lua);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        endpoints(&report).iter().all(|(_, m)| m.is_null()),
        "{:?}",
        endpoints(&report)
    );
}

/// `autocannon -c 10 -d 2 -m POST -H … -b '{"a":1}' URL`, echoed above its console.
const AC_POST: &str = r#"$ autocannon -c 10 -d 2 -m POST -H 'Content-Type: application/json' -b '{"a":1}' http://127.0.0.1:18470/api/v1/agents/run
Running 2s test @ http://127.0.0.1:18470/api/v1/agents/run
10 connections


┌─────────┬──────┬──────┬───────┬──────┬─────────┬─────────┬───────┐
│ Stat    │ 2.5% │ 50%  │ 97.5% │ 99%  │ Avg     │ Stdev   │ Max   │
├─────────┼──────┼──────┼───────┼──────┼─────────┼─────────┼───────┤
│ Latency │ 0 ms │ 0 ms │ 4 ms  │ 5 ms │ 0.31 ms │ 1.32 ms │ 44 ms │
└─────────┴──────┴──────┴───────┴──────┴─────────┴─────────┴───────┘
┌───────────┬─────────┬─────────┬─────────┬─────────┬────────┬────────┬─────────┐
│ Stat      │ 1%      │ 2.5%    │ 50%     │ 97.5%   │ Avg    │ Stdev  │ Min     │
├───────────┼─────────┼─────────┼─────────┼─────────┼────────┼────────┼─────────┤
│ Req/Sec   │ 16,847  │ 16,847  │ 16,847  │ 24,719  │ 20,776 │ 3,936  │ 16,836  │
├───────────┼─────────┼─────────┼─────────┼─────────┼────────┼────────┼─────────┤
│ Bytes/Sec │ 2.19 MB │ 2.19 MB │ 2.19 MB │ 3.21 MB │ 2.7 MB │ 512 kB │ 2.19 MB │
└───────────┴─────────┴─────────┴─────────┴─────────┴────────┴────────┴─────────┘

Req/Bytes counts sampled once per second.
# of samples: 2

42k requests in 2.05s, 5.4 MB read
"#;

/// Observed: autocannon's `-m POST` run was endpoint `http://…/agents/run`, without its
/// method. Now it is `POST …`; a body given without `-m` (`-i body.json`) is what
/// autocannon sends with its default GET (seen here against a server logging each
/// request's method), so the endpoint is `GET …` and a note says a POST was not sent.
#[test]
fn autocannon_carries_its_command_lines_method() {
    let dir = TestDir::new();
    dir.write("run/post-c10/autocannon.txt", AC_POST);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let url = "http://127.0.0.1:18470/api/v1/agents/run";
    assert_eq!(
        endpoints(&report),
        vec![(format!("POST {url}"), Value::from("POST"))]
    );

    let body = TestDir::new();
    let cmd = "$ autocannon -c 10 -d 2 -m POST -H 'Content-Type: application/json' -b '{\"a\":1}'";
    let text = AC_POST.replace(cmd, "$ autocannon -c 10 -d 2 -i body.json");
    assert_ne!(text, AC_POST);
    body.write("run/body-c10/autocannon.txt", text);
    let (code, report, stderr) = analyze_json(&[&body.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        endpoints(&report),
        vec![(format!("GET {url}"), Value::from("GET"))]
    );
    assert!(
        notes(&report).contains("a body (-i) but no -m"),
        "{}",
        notes(&report)
    );
}

/// `autocannon -c 10 -d 3 -R 200 --json URL > result.json` (the command saved beside it
/// in cmd.txt): 606 answers, and a latency histogram of `totalCount` 841.
const AC_PACED_JSON: &str = r#"{"url":"http://127.0.0.1:18470/api/v1/agents","connections":10,"sampleInt":1000,"pipelining":1,"workers":0,"duration":3.02,"samples":3,"start":"2026-12-07T12:37:57.599Z","finish":"2026-12-07T12:38:00.616Z","errors":0,"timeouts":0,"mismatches":0,"non2xx":0,"resets":0,"1xx":0,"2xx":606,"3xx":0,"4xx":0,"5xx":0,"statusCodeStats":{"200":{"count":606}},"latency":{"average":2.33,"mean":2.33,"stddev":4.56,"min":1,"max":19,"p0_001":0,"p0_01":0,"p0_1":0,"p1":0,"p2_5":0,"p10":0,"p25":0,"p50":0,"p75":2,"p90":10,"p97_5":16,"p99":18,"p99_9":19,"p99_99":19,"p99_999":19,"totalCount":841},"requests":{"average":202,"mean":202,"stddev":27.59,"min":182,"max":241,"total":606,"p0_001":182,"p0_01":182,"p0_1":182,"p1":182,"p2_5":182,"p10":182,"p25":182,"p50":183,"p75":241,"p90":241,"p97_5":241,"p99":241,"p99_9":241,"p99_99":241,"p99_999":241,"sent":806},"throughput":{"average":24440,"mean":24440,"stddev":3337.86,"min":22022,"max":29161,"total":73326,"p0_001":22031,"p0_01":22031,"p0_1":22031,"p1":22031,"p2_5":22031,"p10":22031,"p25":22031,"p50":22143,"p75":29167,"p90":29167,"p97_5":29167,"p99":29167,"p99_9":29167,"p99_99":29167,"p99_999":29167}}"#;

/// Observed: a paced autocannon run (`-R 200`) records its latencies corrected for
/// coordinated omission — 841 latency samples for 606 answers — and headroom said
/// nothing of it. Now the requests stay the 606 answers (never the 841 samples), and a
/// note labels the latencies as including 841 − 606 = 235 corrected samples.
#[test]
fn autocannons_paced_latencies_are_labelled_corrected() {
    let dir = TestDir::new();
    dir.write("run/rate-200rps/result.json", AC_PACED_JSON);
    dir.write(
        "run/rate-200rps/cmd.txt",
        "autocannon -c 10 -d 3 -R 200 --json http://127.0.0.1:18470/api/v1/agents > result.json\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 606);
    assert_eq!(stage["arrival_rate_rps"], 200.0);
    let notes = notes(&report);
    assert!(
        notes.contains("841 samples") && notes.contains("606 answers, 235 of them added"),
        "{notes}"
    );
    assert!(notes.contains("coordinated omission"), "{notes}");
}

/// `siege -c abc -t 2S URL` (siege 4.0.7, JSON output from its siegerc), echoed above.
const SIEGE_C_ABC: &str = r#"$ siege -c abc -t 2S http://127.0.0.1:18470/api/v1/agents

{	"transactions":			       13973,
	"availability":			      100.00,
	"elapsed_time":			        2.00,
	"data_transferred":		        0.17,
	"response_time":		        0.00,
	"transaction_rate":		     6986.50,
	"throughput":			        0.09,
	"concurrency":			        0.97,
	"successful_transactions":	       13973,
	"failed_transactions":		           0,
	"longest_transaction":		        0.01,
	"shortest_transaction":		        0.00
}
"#;

/// Observed: `siege -c abc` runs (siege reads `abc` with atoi as 0 and runs one user for
/// a -c under 1: concurrency 0.97, as `-c 1` gave) and headroom showed no users and
/// asked for the command line that was right there. Now the users are 1, and the note
/// says how siege read `-c abc`.
#[test]
fn siege_with_a_non_numeric_c_ran_one_user_and_says_so() {
    let dir = TestDir::new();
    dir.write("run/c_abc/siege.txt", SIEGE_C_ABC);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"][0]["users"], 1);
    assert_eq!(report["stages"][0]["requests"], 13_973);
    let notes = notes(&report);
    assert!(
        notes.contains(
            "`-c abc` is no whole number: siege reads it as 0 (C's atoi) and runs one user"
        ),
        "{notes}"
    );
}

/// `siege -c 2 -t 2X URL` stopped with Ctrl-C after 3.99 s (siege reads `2X` as 2
/// minutes: its parse_time takes minutes when no S, M or H follows the digits; an
/// uninterrupted `-t 1X` here ran 59.98 s).
const SIEGE_T_2X: &str = r#"$ siege -c 2 -t 2X http://127.0.0.1:18470/api/v1/agents

{	"transactions":			       50544,
	"availability":			      100.00,
	"elapsed_time":			        3.99,
	"data_transferred":		        0.63,
	"response_time":		        0.00,
	"transaction_rate":		    12667.67,
	"throughput":			        0.16,
	"concurrency":			        1.69,
	"successful_transactions":	       50544,
	"failed_transactions":		           0,
	"longest_transaction":		        0.02,
	"shortest_transaction":		        0.00
}
"#;

/// Observed: `-t 2X` was not understood, so a run interrupted after 4 s of its 120 was
/// not judged stopped early and nothing said what siege made of `2X`. Now the run is
/// incomplete (3.99 of 120 s) and a note says siege read `-t 2X` as 120 s.
#[test]
fn siege_t_2x_is_two_minutes_and_a_4_s_run_stopped_early() {
    let dir = TestDir::new();
    dir.write("run/t_2X/siege.txt", SIEGE_T_2X);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        report["data_quality"], "incomplete",
        "{}",
        report["data_quality_reason"]
    );
    let reason = report["data_quality_reason"].as_str().unwrap();
    assert!(
        reason.contains("started for 120 s") && reason.contains("ran 3.99 s"),
        "{reason}"
    );
    let notes = notes(&report);
    assert!(
        notes.contains("`-t 2X`") && notes.contains("reads it as 120 s"),
        "{notes}"
    );
}

/// `httperf --server 127.0.0.1 --port 18470 --uri /api/v1/agents --wsess=20,5,0.1
/// --rate 10`, echoed above, as httperf 0.9.0 printed it: every session started
/// (`20/20`), 100 requests in 2.389 s.
const HTTPERF_SHORT_WSESS: &str = r#"$ httperf --server 127.0.0.1 --port 18470 --uri /api/v1/agents --wsess=20,5,0.1 --rate 10
httperf: warning: open file limit > FD_SETSIZE; limiting max. # of open files to FD_SETSIZE
httperf --client=0/1 --server=127.0.0.1 --port=18470 --uri=/api/v1/agents --rate=10 --send-buffer=4096 --recv-buffer=16384 --wsess=20,5,0.100
Maximum connect burst length: 1

Total: connections 20 requests 100 replies 100 test-duration 2.389 s

Connection rate: 8.4 conn/s (119.4 ms/conn, <=6 concurrent connections)
Connection time [ms]: min 414.0 avg 463.6 max 540.1 median 456.5 stddev 34.5
Connection time [ms]: connect 0.2
Connection length [replies/conn]: 5.000

Request rate: 41.9 req/s (23.9 ms/req)
Request size [B]: 75.0

Reply rate [replies/s]: min 0.0 avg 0.0 max 0.0 stddev 0.0 (0 samples)
Reply time [ms]: response 3.1 transfer 0.0
Reply size [B]: header 108.0 content 13.0 footer 0.0 (total 121.0)
Reply status: 1xx=0 2xx=100 3xx=0 4xx=0 5xx=0

CPU time [s]: user 0.18 system 0.60 (user 7.4% system 25.0% total 32.4%)
Net I/O: 8.0 KB/s (0.1*10^6 bps)

Errors: total 0 client-timo 0 socket-timo 0 connrefused 0 connreset 0
Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0

Session rate [sess/s]: min 0.00 avg 8.37 max 0.00 stddev 0.00 (20/20)
Session: avg 1.00 connections/session
Session lifetime [s]: 0.5
Session failtime [s]: 0.0
Session length histogram: 0 0 0 0 0 20
"#;

/// Observed: this short session run was said not to keep its planned 50 req/s
/// (10 sessions/s × 5 calls; measured 41.9, 84%), its throughput no capacity figure.
/// But its 20 sessions start over 19 ÷ 10 = 1.9 s and the last one's 5 calls, 0.1 s
/// apart, take 0.4 s more: the plan itself sends 100 requests in no less than 2.3 s,
/// 43.48 req/s over the run httperf's figures cover. Now that is the plan, and the
/// run kept it; a run whose sessions took far longer (a slow target: test-duration
/// 4 s, 25 req/s) is still flagged.
#[test]
fn a_short_httperf_session_run_is_held_to_the_plan_over_the_run() {
    let dir = TestDir::new();
    dir.write("run/sess-10ps/httperf.txt", HTTPERF_SHORT_WSESS);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    let plan = 100.0 / (19.0 / 10.0 + 4.0 * 0.1);
    let rate = stage["arrival_rate_rps"].as_f64().unwrap();
    assert!((rate - plan).abs() < 1e-6, "{rate} vs {plan}");
    let audit = report["audit"].as_array().unwrap();
    let kept = audit.iter().find(|f| f["check"] == "arrival_rate");
    assert!(kept.is_none_or(|f| f["verdict"] == "ok"), "{audit:#?}");
    let capacity = report["capacity"].to_string();
    assert!(!capacity.contains("did not keep"), "{capacity}");

    let slow = TestDir::new();
    let text = HTTPERF_SHORT_WSESS.replace("test-duration 2.389 s", "test-duration 4.000 s");
    assert_ne!(text, HTTPERF_SHORT_WSESS);
    slow.write("run/sess-10ps/httperf.txt", text);
    let (code, report, stderr) = analyze_json(&[&slow.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let audit = report["audit"].as_array().unwrap();
    let rate = audit.iter().find(|f| f["check"] == "arrival_rate").unwrap();
    assert_eq!(rate["verdict"], "suspect", "{rate:#}");
}

/// `ab -n 2000 -c 10 -p post.json -T application/json URL`, echoed above, as ab 2.3
/// printed it (its `Total body sent:` line shows it posted).
const AB_POST: &str = r#"$ ab -n 2000 -c 10 -p post.json -T application/json http://127.0.0.1:18470/api/v1/agents/run
This is ApacheBench, Version 2.3 <$Revision$>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient)
Completed 200 requests
Completed 400 requests
Completed 600 requests
Completed 800 requests
Completed 1000 requests
Completed 1200 requests
Completed 1400 requests
Completed 1600 requests
Completed 1800 requests
Completed 2000 requests
Finished 2000 requests


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18470

Document Path:          /api/v1/agents/run
Document Length:        22 bytes

Concurrency Level:      10
Time taken for tests:   0.674 seconds
Complete requests:      2000
Failed requests:        0
Total transferred:      260000 bytes
Total body sent:        336000
HTML transferred:       44000 bytes
Requests per second:    2965.37 [#/sec] (mean)
Time per request:       3.372 [ms] (mean)
Time per request:       0.337 [ms] (mean, across all concurrent requests)
Transfer rate:          376.46 [Kbytes/sec] received
                        486.51 kb/s sent
                        862.97 kb/s total

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    0   2.6      0      37
Processing:     0    3   8.0      0      46
Waiting:        0    3   8.0      0      46
Total:          0    3   8.7      0      56

Percentage of the requests served within a certain time (ms)
  50%      0
  66%      0
  75%      0
  80%      0
  90%     11
  95%     20
  98%     37
  99%     44
 100%     56 (longest request)
"#;

/// Observed: ab's `-p post.json` run was endpoint `http://…/agents/run`, without the
/// POST ab sent. Now the kept command line gives the method (`-p` POST, `-u` PUT);
/// without `-p`/`-u`/`-i`/`-m` the endpoint stays the URL alone.
#[test]
fn ab_carries_the_method_of_its_command_line() {
    let url = "http://127.0.0.1:18470/api/v1/agents/run";
    let cases = [
        ("-p post.json", Some("POST")),
        ("-u post.json", Some("PUT")),
        ("-k", None),
    ];
    for (flag, method) in cases {
        let dir = TestDir::new();
        let text = AB_POST.replace("-p post.json", flag);
        dir.write("run/c10-post/ab.txt", text);
        let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
        assert_eq!(code, 0, "{stderr}");
        let key = match method {
            Some(m) => format!("{m} {url}"),
            None => url.to_string(),
        };
        assert_eq!(
            endpoints(&report),
            vec![(key, Value::from(method))],
            "{flag}"
        );
        assert_eq!(report["stages"][0]["requests"], 2000);
    }
}
