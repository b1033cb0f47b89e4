//! Messy runs, batch "ct" (qa94): a check or warm-up by the **same** tool as a
//! stage's load, saved beside it in the stage dir. One tool's summaries in a dir are
//! pooled as runs one after another; a check of `/health` must not become a stage of
//! its own (hey's default 50 workers) nor add its burst to the stage's throughput.
//! The fixtures are consoles hey and wrk printed on this machine against
//! `headroom target`, each with its command echoed at the top.

use serde_json::Value;

use crate::common::{analyze_json, TestDir};

/// `hey1/Stage 1 - 40 rps/health.txt` as the tool printed it here.
const HEY_HEALTH_40: &str = r#"$ hey -n 200 http://127.0.0.1:18450/health

Summary:
  Total:	0.0126 secs
  Slowest:	0.0070 secs
  Fastest:	0.0001 secs
  Average:	0.0024 secs
  Requests/sec:	15848.8376
  
  Total data:	3000 bytes
  Size/request:	15 bytes

Response time histogram:
  0.000 [1]	|■
  0.001 [50]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.001 [25]	|■■■■■■■■■■■■■■■■■■■■
  0.002 [22]	|■■■■■■■■■■■■■■■■■■
  0.003 [15]	|■■■■■■■■■■■■
  0.004 [22]	|■■■■■■■■■■■■■■■■■■
  0.004 [31]	|■■■■■■■■■■■■■■■■■■■■■■■■■
  0.005 [22]	|■■■■■■■■■■■■■■■■■■
  0.006 [8]	|■■■■■■
  0.006 [0]	|
  0.007 [4]	|■■■


Latency distribution:
  10% in 0.0003 secs
  25% in 0.0007 secs
  50% in 0.0022 secs
  75% in 0.0039 secs
  90% in 0.0046 secs
  95% in 0.0051 secs
  99% in 0.0069 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0001 secs, 0.0001 secs, 0.0070 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0001 secs, 0.0000 secs, 0.0015 secs
  resp wait:	0.0020 secs, 0.0000 secs, 0.0049 secs
  resp read:	0.0000 secs, 0.0000 secs, 0.0007 secs

Status code distribution:
  [200]	200 responses



"#;

/// `hey1/Stage 1 - 40 rps/load.txt` as the tool printed it here.
const HEY_LOAD_40: &str = r#"$ hey -q 8 -c 5 -z 10s http://127.0.0.1:18450/api/v1/agents

Summary:
  Total:	10.0742 secs
  Slowest:	0.0671 secs
  Fastest:	0.0055 secs
  Average:	0.0219 secs
  Requests/sec:	39.7053
  
  Total data:	36400 bytes
  Size/request:	91 bytes

Response time histogram:
  0.006 [1]	|
  0.012 [58]	|■■■■■■■■■■■■■■■■■■■■■
  0.018 [109]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.024 [87]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.030 [65]	|■■■■■■■■■■■■■■■■■■■■■■■■
  0.036 [42]	|■■■■■■■■■■■■■■■
  0.042 [19]	|■■■■■■■
  0.049 [8]	|■■■
  0.055 [7]	|■■■
  0.061 [2]	|■
  0.067 [2]	|■


Latency distribution:
  10% in 0.0106 secs
  25% in 0.0145 secs
  50% in 0.0198 secs
  75% in 0.0274 secs
  90% in 0.0352 secs
  95% in 0.0424 secs
  99% in 0.0574 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0000 secs, 0.0055 secs, 0.0671 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0000 secs, 0.0000 secs, 0.0003 secs
  resp wait:	0.0218 secs, 0.0054 secs, 0.0669 secs
  resp read:	0.0001 secs, 0.0000 secs, 0.0012 secs

Status code distribution:
  [200]	400 responses



"#;

/// `hey1/Stage 2 - 80 rps/health.txt` as the tool printed it here.
const HEY_HEALTH_80: &str = r#"$ hey -n 200 http://127.0.0.1:18450/health

Summary:
  Total:	0.0094 secs
  Slowest:	0.0053 secs
  Fastest:	0.0000 secs
  Average:	0.0017 secs
  Requests/sec:	21361.0195
  
  Total data:	3000 bytes
  Size/request:	15 bytes

Response time histogram:
  0.000 [1]	|■
  0.001 [13]	|■■■■■■■■
  0.001 [33]	|■■■■■■■■■■■■■■■■■■■■■
  0.002 [63]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.002 [27]	|■■■■■■■■■■■■■■■■■
  0.003 [33]	|■■■■■■■■■■■■■■■■■■■■■
  0.003 [12]	|■■■■■■■■
  0.004 [15]	|■■■■■■■■■■
  0.004 [1]	|■
  0.005 [1]	|■
  0.005 [1]	|■


Latency distribution:
  10% in 0.0007 secs
  25% in 0.0011 secs
  50% in 0.0015 secs
  75% in 0.0023 secs
  90% in 0.0031 secs
  95% in 0.0034 secs
  99% in 0.0047 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0001 secs, 0.0000 secs, 0.0053 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0001 secs, 0.0000 secs, 0.0015 secs
  resp wait:	0.0011 secs, 0.0000 secs, 0.0027 secs
  resp read:	0.0001 secs, 0.0000 secs, 0.0010 secs

Status code distribution:
  [200]	200 responses



"#;

/// `hey1/Stage 2 - 80 rps/load.txt` as the tool printed it here.
const HEY_LOAD_80: &str = r#"$ hey -q 16 -c 5 -z 10s http://127.0.0.1:18450/api/v1/agents

Summary:
  Total:	10.0419 secs
  Slowest:	0.0860 secs
  Fastest:	0.0055 secs
  Average:	0.0217 secs
  Requests/sec:	79.6659
  
  Total data:	72800 bytes
  Size/request:	91 bytes

Response time histogram:
  0.005 [1]	|
  0.014 [152]	|■■■■■■■■■■■■■■■■■■■
  0.022 [315]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.030 [186]	|■■■■■■■■■■■■■■■■■■■■■■■■
  0.038 [90]	|■■■■■■■■■■■
  0.046 [37]	|■■■■■
  0.054 [7]	|■
  0.062 [8]	|■
  0.070 [1]	|
  0.078 [2]	|
  0.086 [1]	|


Latency distribution:
  10% in 0.0115 secs
  25% in 0.0145 secs
  50% in 0.0198 secs
  75% in 0.0262 secs
  90% in 0.0349 secs
  95% in 0.0412 secs
  99% in 0.0566 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0000 secs, 0.0055 secs, 0.0860 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0000 secs, 0.0000 secs, 0.0003 secs
  resp wait:	0.0216 secs, 0.0054 secs, 0.0859 secs
  resp read:	0.0000 secs, 0.0000 secs, 0.0002 secs

Status code distribution:
  [200]	800 responses



"#;

/// `wrk1/01-baseline-10users/wrk-health.txt` as the tool printed it here.
const WRK_HEALTH: &str = r#"$ wrk -t2 -c10 -d1s http://127.0.0.1:18450/health
Running 1s test @ http://127.0.0.1:18450/health
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   209.03us  562.05us   8.21ms   92.53%
    Req/Sec    78.18k    14.97k  111.54k    66.67%
  163426 requests in 1.10s, 19.17MB read
Requests/sec: 148598.14
Transfer/sec:     17.43MB
"#;

/// `wrk1/01-baseline-10users/wrk.txt` as the tool printed it here.
const WRK_LOAD: &str = r#"$ wrk -t2 -c10 -d10s --latency http://127.0.0.1:18450/api/v1/agents
Running 10s test @ http://127.0.0.1:18450/api/v1/agents
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.91ms   11.26ms 107.84ms   77.32%
    Req/Sec   235.10     24.65   300.00     61.50%
  Latency Distribution
     50%   19.46ms
     75%   26.83ms
     90%   35.84ms
     99%   61.81ms
  4692 requests in 10.03s, 0.89MB read
Requests/sec:    467.96
Transfer/sec:     90.94KB
"#;

/// The stages' names and requests of a report.
fn stages(json: &Value) -> Vec<(String, u64)> {
    (json["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The reason report.json gives for skipping the file whose path ends with `end`.
fn skipped<'a>(json: &'a Value, end: &str) -> Option<&'a Value> {
    (json["skipped"].as_array().unwrap().iter())
        .find(|s| s["path"].as_str().unwrap().ends_with(end))
}

/// Observed: in rate-named stage dirs, `hey -n 200` of `/health` (13 ms) saved beside
/// `hey -q 8 -c 5 -z 10s` of the API became a stage `40_rps_50users` at ~16,000 req/s,
/// in the stage table and the SLA rows. Now each stage is its load alone (hey printed
/// `[200] 400 responses` and `[200] 800 responses`), and each check is listed under
/// Skipped files with its requests and duration.
#[test]
fn a_hey_health_check_beside_hey_load_is_no_stage() {
    let dir = TestDir::new();
    dir.write("run/Stage 1 - 40 rps/health.txt", HEY_HEALTH_40);
    dir.write("run/Stage 1 - 40 rps/load.txt", HEY_LOAD_40);
    dir.write("run/Stage 2 - 80 rps/health.txt", HEY_HEALTH_80);
    dir.write("run/Stage 2 - 80 rps/load.txt", HEY_LOAD_80);
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 100ms\", \"error_rate < 1%\"]\n",
    );
    let sla = dir.path().join("sla.toml").display().to_string();
    let (code, json, stderr) = analyze_json(&[&dir.path().join("run")], &["--sla", &sla]);
    assert_eq!(code, 0, "{stderr}");
    let want = vec![("40_rps".to_string(), 400), ("80_rps".to_string(), 800)];
    assert_eq!(stages(&json), want);
    for (end, n) in [
        ("40 rps/health.txt", "200 requests in 13 ms"),
        ("80 rps/health.txt", "200 requests in 9 ms"),
    ] {
        let s = skipped(&json, end).unwrap_or_else(|| panic!("{end} not skipped: {json:#}"));
        let reason = s["reason"].as_str().unwrap();
        assert!(reason.contains(n), "{reason}");
        assert!(reason.contains("other URLs than the load's"), "{reason}");
    }
    let rows = json["sla"]["rules"].as_array().unwrap();
    assert!(
        rows.iter()
            .all(|r| !r["stage"].as_str().unwrap_or("").contains("50users")),
        "{rows:#?}"
    );
    assert_eq!(json["data_quality"], "clean", "{json:#}");
}

/// Observed: `wrk -d1s` of `/health` (163,426 requests in 1.10 s) beside `wrk -d10s`
/// of the API (4,692 requests in 10.03 s) in `01-baseline-10users/` was pooled into
/// stage baseline at ~15,000 req/s, and the two runs' "disagreement" made the data
/// incomplete. Now the stage is wrk's load: 4,692 requests over 10.03 s.
#[test]
fn a_wrk_health_check_beside_wrk_load_is_not_pooled() {
    let dir = TestDir::new();
    dir.write("run/01-baseline-10users/wrk-health.txt", WRK_HEALTH);
    dir.write("run/01-baseline-10users/wrk.txt", WRK_LOAD);
    dir.write(
        "run/02-peak-20users/wrk.txt",
        WRK_LOAD
            .replace("-c10", "-c20")
            .replace("10 connections", "20 connections"),
    );
    let (code, json, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let baseline = &json["stages"][0];
    assert_eq!(baseline["name"], "baseline", "{json:#}");
    assert_eq!(baseline["requests"], 4692);
    let rps = baseline["throughput_rps"].as_f64().unwrap();
    assert!((rps - 4692.0 / 10.03).abs() < 0.5, "{rps}");
    assert!(json["problems"].as_array().unwrap().is_empty(), "{json:#}");
    let s = skipped(&json, "wrk-health.txt").expect("the check is listed");
    assert!(
        s["reason"]
            .as_str()
            .unwrap()
            .contains("163,426 requests in 1.1 s"),
        "{s}"
    );
}
