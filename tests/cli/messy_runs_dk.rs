//! Messy runs, batch "dk" (qa108): several tools' consoles in one stage dir, and which
//! of them a stage's figures and users come from. The fixtures are consoles wrk 4.1
//! and hey printed here against `headroom target` (default profile) on loopback, each
//! saved as a team does, `{ echo "$ wrk …"; wrk …; } > wrk.txt`.

use crate::common::{analyze_json, headroom, TestDir};
use serde_json::Value;

/// `wrk -t2 -c8 -d5s --latency URL`, its command echoed above it.
const WRK_C8: &str = r"$ wrk -t2 -c8 -d5s --latency http://127.0.0.1:18471/api/v1/agents
Running 5s test @ http://127.0.0.1:18471/api/v1/agents
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.64ms   11.02ms 100.85ms   73.86%
    Req/Sec   180.48     21.84   240.00     78.00%
  Latency Distribution
     50%   20.38ms
     75%   27.86ms
     90%   36.91ms
     99%   59.79ms
  1818 requests in 5.06s, 353.30KB read
Requests/sec:    359.32
Transfer/sec:     69.83KB
";

/// `wrk -t2 -c48 -d5s --latency URL`, its command echoed above it.
const WRK_C48: &str = r"$ wrk -t2 -c48 -d5s --latency http://127.0.0.1:18471/api/v1/agents
Running 5s test @ http://127.0.0.1:18471/api/v1/agents
  2 threads and 48 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    31.67ms   10.70ms 115.16ms   74.90%
    Req/Sec   762.35     43.36   848.00     62.00%
  Latency Distribution
     50%   29.49ms
     75%   36.72ms
     90%   45.26ms
     99%   67.43ms
  7609 requests in 5.02s, 1.44MB read
Requests/sec:   1516.44
Transfer/sec:    294.70KB
";

/// `hey -z 5s -c 48 URL` run right after [`WRK_C48`], saved without its command
/// (`hey … > hey.txt`): hey prints no `-c`, so this states no users.
const HEY_NO_COMMAND: &str = r"
Summary:
  Total:	5.0498 secs
  Slowest:	0.1634 secs
  Fastest:	0.0106 secs
  Average:	0.0334 secs
  Requests/sec:	1418.8574
  
  Total data:	652015 bytes
  Size/request:	91 bytes

Response time histogram:
  0.011 [1]	|
  0.026 [2110]	|■■■■■■■■■■■■■■■■■■■■■■■
  0.041 [3701]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.056 [981]	|■■■■■■■■■■■
  0.072 [238]	|■■■
  0.087 [64]	|■
  0.102 [26]	|
  0.118 [13]	|
  0.133 [24]	|
  0.148 [4]	|
  0.163 [3]	|


Latency distribution:
  10% in 0.0210 secs
  25% in 0.0249 secs
  50% in 0.0304 secs
  75% in 0.0381 secs
  90% in 0.0480 secs
  95% in 0.0572 secs
  99% in 0.0852 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0000 secs, 0.0106 secs, 0.1634 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0000 secs, 0.0000 secs, 0.0027 secs
  resp wait:	0.0333 secs, 0.0104 secs, 0.1634 secs
  resp read:	0.0000 secs, 0.0000 secs, 0.0009 secs

Status code distribution:
  [200]	7165 responses



";

/// `wrk -t2 -c24 -d5s --latency URL`, its command echoed above it; run right before
/// [`HEY_C24`]: its p99 (654.98 ms) is far above hey's (100.3 ms).
const WRK_C24: &str = r"$ wrk -t2 -c24 -d5s --latency http://127.0.0.1:18471/api/v1/agents
Running 5s test @ http://127.0.0.1:18471/api/v1/agents
  2 threads and 24 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    73.00ms  131.27ms 751.70ms   89.09%
    Req/Sec   453.48    148.44   636.00     78.75%
  Latency Distribution
     50%   25.11ms
     75%   44.40ms
     90%  215.67ms
     99%  654.98ms
  3776 requests in 5.05s, 733.81KB read
Requests/sec:    748.13
Transfer/sec:    145.39KB
";

/// `hey -z 5s -c 24 URL`, its command echoed above it: 24 users.
const HEY_C24: &str = r"$ hey -z 5s -c 24 http://127.0.0.1:18471/api/v1/agents

Summary:
  Total:	5.0375 secs
  Slowest:	0.5167 secs
  Fastest:	0.0036 secs
  Average:	0.0257 secs
  Requests/sec:	927.4429
  
  Total data:	425152 bytes
  Size/request:	91 bytes

Response time histogram:
  0.004 [1]	|
  0.055 [4452]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.106 [190]	|■■
  0.158 [5]	|
  0.209 [0]	|
  0.260 [0]	|
  0.311 [0]	|
  0.363 [0]	|
  0.414 [0]	|
  0.465 [20]	|
  0.517 [4]	|


Latency distribution:
  10% in 0.0110 secs
  25% in 0.0144 secs
  50% in 0.0198 secs
  75% in 0.0277 secs
  90% in 0.0398 secs
  95% in 0.0533 secs
  99% in 0.1003 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0000 secs, 0.0036 secs, 0.5167 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0000 secs, 0.0000 secs, 0.0064 secs
  resp wait:	0.0256 secs, 0.0036 secs, 0.5166 secs
  resp read:	0.0001 secs, 0.0000 secs, 0.0486 secs

Status code distribution:
  [200]	4672 responses



";

/// The stage of `report` named `name`.
fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    let stages = report["stages"].as_array().unwrap();
    (stages.iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {stages:#?}"))
}

/// The report's warnings that contain `text`.
fn warnings_with(report: &Value, text: &str) -> Vec<String> {
    let warnings = report["warnings"].as_array().unwrap();
    (warnings.iter())
        .filter_map(|w| w.as_str())
        .filter(|w| w.contains(text))
        .map(String::from)
        .collect()
}

/// Observed: `01-baseline/wrk.txt` (`-c8`) and `03-peak/{wrk.txt,hey.txt}` (wrk `-c48`,
/// then hey at 48 with its command not kept). `peak` is judged on hey (it has a p95),
/// which states no users: the stage showed users `—` although wrk's `48 connections`
/// beside it give them, and capacity had one load level (baseline) where it has two.
/// The stage now takes the users of the tool beside it, with a note naming that tool.
#[test]
fn a_stage_judged_on_a_tool_without_users_takes_the_users_of_the_tool_beside_it() {
    let dir = TestDir::new();
    dir.write("run/01-baseline/wrk.txt", WRK_C8);
    dir.write("run/03-peak/wrk.txt", WRK_C48);
    dir.write("run/03-peak/hey.txt", HEY_NO_COMMAND);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let peak = stage(&report, "peak");
    // Judged on hey: its `[200] 7165 responses`, and wrk's `48 connections` the users.
    assert_eq!(peak["tool"], "hey", "{peak:#}");
    assert_eq!(peak["requests"], 7165, "{peak:#}");
    assert_eq!(peak["users"], 48, "{peak:#}");
    assert_eq!(stage(&report, "baseline")["users"], 8);
    let points = report["capacity"]["load_points"].as_array().unwrap();
    let users: Vec<f64> = points
        .iter()
        .map(|p| p["users"].as_f64().unwrap())
        .collect();
    assert_eq!(users, [8.0, 48.0], "{points:#?}");
    let said = warnings_with(&report, "states no users");
    assert_eq!(said.len(), 1, "{:#?}", report["warnings"]);
    assert!(said[0].contains("48 users wrk ran"), "{}", said[0]);
}

/// Observed: the warning on `03-peak/` said "…; wrk is listed under Sources; wrk is
/// listed under Sources and never summed with it" (the reason for choosing hey already
/// says where wrk is). It now says so once.
#[test]
fn the_stage_dirs_choice_says_once_where_the_other_tool_is_listed() {
    let dir = TestDir::new();
    dir.write("run/01-baseline/wrk.txt", WRK_C8);
    dir.write("run/03-peak/wrk.txt", WRK_C48);
    dir.write("run/03-peak/hey.txt", HEY_NO_COMMAND);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let chosen = warnings_with(&report, "was measured by 2 tools");
    assert_eq!(chosen.len(), 1, "{:#?}", report["warnings"]);
    let w = &chosen[0];
    assert_eq!(w.matches("listed under Sources").count(), 1, "{w}");
    assert!(w.contains("never summed with it"), "{w}");
}

/// Two tools in one stage dir that state different users (`wrk -c48` beside
/// `hey -c 24`, both commands kept): the stage is judged on wrk (most requests: 7609
/// against hey's 4672) at its 48 users, and a warning names both tools' counts rather
/// than leaving the other count unremarked.
#[test]
fn tools_in_one_stage_dir_stating_other_users_are_named_in_a_warning() {
    let dir = TestDir::new();
    dir.write("run/01-baseline/wrk.txt", WRK_C8);
    dir.write("run/03-peak/wrk.txt", WRK_C48);
    dir.write("run/03-peak/hey.txt", HEY_C24);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let peak = stage(&report, "peak");
    // wrk's `7609 requests in 5.02s` (every stage is wrk's: the report's source).
    assert_eq!(report["primary_source"], "wrk");
    assert_eq!(peak["requests"], 7609, "{peak:#}");
    assert_eq!(peak["users"], 48, "{peak:#}");
    let said = warnings_with(&report, "state other users");
    assert_eq!(said.len(), 1, "{:#?}", report["warnings"]);
    assert!(said[0].contains("wrk 48, hey 24"), "{}", said[0]);
}

/// Observed: `01-baseline/wrk.txt` and `02-load/{wrk.txt,hey.txt}` (both at 24
/// connections; `load` shown by hey, 4672 requests against wrk's 3776). With
/// `p(99) < 200ms`, `check` on the run dir is NO-GO: wrk's p99 of `load` is 654.98 ms
/// (hey's 100.3 ms passes; the worse of two tools' measurements decides). `compare
/// --sla` on its report.json said GO: the report keeps only the shown tool's figures,
/// so read back the rule passed on hey's. The read-back run is now incomplete, naming
/// the measurements it lacks, so no GO rests on it.
#[test]
fn a_report_read_back_without_the_other_tools_measurements_gets_no_go() {
    let dir = TestDir::new();
    dir.write("run/01-baseline/wrk.txt", WRK_C8);
    dir.write("run/02-load/wrk.txt", WRK_C24);
    dir.write("run/02-load/hey.txt", HEY_C24);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(99) < 200ms\"]\n");
    let sla = sla.to_str().unwrap();
    let run = dir.path().join("run");
    let saved = dir.path().join("report");
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--sla",
        sla,
        "--out",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json = saved.join("report.json");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["sla"]["verdict"], "NO-GO", "{:#}", report["sla"]);
    let out = dir.path().join("cmp");
    let o = headroom(&[
        "compare",
        json.to_str().unwrap(),
        json.to_str().unwrap(),
        "--sla",
        sla,
        "--charts",
        "none",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.code().is_some(), "{stderr}");
    let cmp: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    let sla = &cmp["sla"][0];
    assert_ne!(sla["verdict"], "GO", "{sla:#}");
    let headline = sla["headline"].as_str().unwrap();
    assert!(headline.contains("wrk of `load`"), "{headline}");
}
