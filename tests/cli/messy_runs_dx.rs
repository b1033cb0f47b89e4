//! Messy runs, batch "dx" (lead, session of 2026-12-08, morning): the verdict sentence
//! of a run dir whose stage dirs each hold two tools' runs one after the other (wrk, then
//! hey at the same load). The report shows wrk's figures and lists hey's under Sources;
//! hey's requests are in none of the figures. Before, a verdict on `peak` alone led with
//! "incomplete data" about hey's run beside `baseline`, a stage that decides nothing: a
//! NO-GO on peak's own p99 read as a data problem elsewhere, and a run whose two tools
//! both pass at peak was CONDITIONAL for the baseline's sake.
//!
//! A warm-up stage (`00-warmup/`) was a point of the capacity curve and, at the
//! fewest users, the baseline every stage was compared with.
//!
//! Fixtures: the consoles wrk 4.2 and hey 0.1 printed here against `headroom target`
//! (default profile, `GET /api/v1/agents/7`), each with its command echoed on top.

use serde_json::Value;

use super::common::{analyze_json, headroom, TestDir};

/// wrk at 5 connections for 5 s: 477 requests, p99 111.61 ms.
const WRK_5: &str = r#"$ wrk -t2 -c5 -d5s --latency http://127.0.0.1:18420/api/v1/agents/7
Running 5s test @ http://127.0.0.1:18420/api/v1/agents/7
  2 threads and 5 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    42.24ms   21.98ms 150.53ms   73.97%
    Req/Sec    47.70     13.55    80.00     77.00%
  Latency Distribution
     50%   37.30ms
     75%   51.71ms
     90%   72.93ms
     99%  111.61ms
  477 requests in 5.01s, 82.45KB read
Requests/sec:     95.24
Transfer/sec:     16.46KB
"#;

/// hey `-n 300 -c 5`, run after wrk: 300 answers, p99 0.0995 s.
const HEY_5: &str = r#"$ hey -n 300 -c 5 http://127.0.0.1:18420/api/v1/agents/7

Summary:
  Total:	2.6552 secs
  Slowest:	0.1106 secs
  Fastest:	0.0108 secs
  Average:	0.0404 secs
  Requests/sec:	112.9857
  
  Total data:	20700 bytes
  Size/request:	69 bytes

Response time histogram:
  0.011 [1]	|■
  0.021 [37]	|■■■■■■■■■■■■■■■■■■■■■■
  0.031 [68]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.041 [66]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.051 [54]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.061 [33]	|■■■■■■■■■■■■■■■■■■■
  0.071 [22]	|■■■■■■■■■■■■■
  0.081 [7]	|■■■■
  0.091 [6]	|■■■■
  0.101 [4]	|■■
  0.111 [2]	|■


Latency distribution:
  10% in 0.0200 secs
  25% in 0.0272 secs
  50% in 0.0367 secs
  75% in 0.0500 secs
  90% in 0.0655 secs
  95% in 0.0769 secs
  99% in 0.0995 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0000 secs, 0.0108 secs, 0.1106 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0000 secs, 0.0000 secs, 0.0002 secs
  resp wait:	0.0403 secs, 0.0108 secs, 0.1105 secs
  resp read:	0.0001 secs, 0.0000 secs, 0.0002 secs

Status code distribution:
  [200]	300 responses



"#;

/// wrk at 50 connections for 5 s: 3,915 requests, p99 134.95 ms.
const WRK_50: &str = r#"$ wrk -t2 -c50 -d5s --latency http://127.0.0.1:18420/api/v1/agents/7
Running 5s test @ http://127.0.0.1:18420/api/v1/agents/7
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    63.82ms   21.03ms 218.90ms   74.73%
    Req/Sec   392.60     31.96   480.00     74.00%
  Latency Distribution
     50%   59.66ms
     75%   73.71ms
     90%   91.11ms
     99%  134.95ms
  3915 requests in 5.01s, 676.71KB read
Requests/sec:    781.71
Transfer/sec:    135.12KB
"#;

/// hey `-n 1500 -c 50`, run after wrk: 1,500 answers, p99 0.1414 s.
const HEY_50: &str = r#"$ hey -n 1500 -c 50 http://127.0.0.1:18420/api/v1/agents/7

Summary:
  Total:	2.0976 secs
  Slowest:	0.2069 secs
  Fastest:	0.0127 secs
  Average:	0.0644 secs
  Requests/sec:	715.1029
  
  Total data:	103500 bytes
  Size/request:	69 bytes

Response time histogram:
  0.013 [1]	|
  0.032 [43]	|■■■
  0.052 [427]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.071 [559]	|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■
  0.090 [293]	|■■■■■■■■■■■■■■■■■■■■■
  0.110 [117]	|■■■■■■■■
  0.129 [38]	|■■■
  0.149 [10]	|■
  0.168 [5]	|
  0.188 [3]	|
  0.207 [4]	|


Latency distribution:
  10% in 0.0406 secs
  25% in 0.0488 secs
  50% in 0.0597 secs
  75% in 0.0755 secs
  90% in 0.0945 secs
  95% in 0.1067 secs
  99% in 0.1414 secs

Details (average, fastest, slowest):
  DNS+dialup:	0.0000 secs, 0.0127 secs, 0.2069 secs
  DNS-lookup:	0.0000 secs, 0.0000 secs, 0.0000 secs
  req write:	0.0000 secs, 0.0000 secs, 0.0046 secs
  resp wait:	0.0643 secs, 0.0122 secs, 0.2069 secs
  resp read:	0.0000 secs, 0.0000 secs, 0.0046 secs

Status code distribution:
  [200]	1500 responses



"#;

/// The run dir: `01-baseline-5u/` and `03-PEAK-50u/`, each with wrk's and hey's
/// consoles, a notes file, and an SLA deciding on `peak` with `rules`.
fn run(dir: &TestDir, rules: &str, verdict_stages: bool) -> (i32, Value) {
    dir.write("run/01-baseline-5u/wrk.txt", WRK_5);
    dir.write("run/01-baseline-5u/hey.txt", HEY_5);
    dir.write("run/03-PEAK-50u/wrk.txt", WRK_50);
    dir.write("run/03-PEAK-50u/hey.txt", HEY_50);
    dir.write(
        "run/notes.txt",
        "load test, wrk then hey in each stage dir\n",
    );
    let global = if verdict_stages {
        "verdict_stages = [\"peak\"]\n"
    } else {
        ""
    };
    let sla = dir.write(
        "sla.toml",
        format!("[global]\n{global}[stage.peak]\nrules = [{rules}]\n"),
    );
    let run = dir.path().join("run");
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    (o.status.code().unwrap_or(-1), json)
}

/// hey ran after wrk in `01-baseline-5u/`, `-n 300` against wrk's 5 s (477
/// requests): each tool sent requests of its own, so 37 % apart is no sign that "one of
/// them lost some". The run's notes say the stage was measured by 2 tools and which
/// one it is judged on, and nothing more.
#[test]
fn two_load_tools_in_one_stage_dir_are_no_two_counts_of_the_same_requests() {
    let dir = TestDir::new();
    run(&dir, r#""p(99) < 500ms""#, true);
    let (code, json, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let said = format!("{stderr}{json}");
    assert!(!said.contains("lost some"), "{said}");
    assert!(
        said.contains("stage \\\"baseline\\\" was measured by 2 tools")
            || stderr.contains("stage \"baseline\" was measured by 2 tools"),
        "{said}"
    );
}

fn headline(json: &Value) -> &str {
    json["sla"]["headline"].as_str().unwrap()
}

/// wrk's p99 at peak is 134.95 ms, over a 100 ms limit: a NO-GO, and its sentence
/// leads with that failure. The data clause that follows is about peak, the stage
/// that decides (hey's 1,500 answers beside wrk's 3,915), not about the baseline.
#[test]
fn a_no_go_leads_with_its_failure_and_its_data_clause_is_the_deciding_stage_s() {
    let dir = TestDir::new();
    let (code, json) = run(&dir, r#""p(99) < 100ms", "error_rate < 1%""#, true);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["sla"]["verdict"], "NO-GO", "{json:#}");
    let h = headline(&json);
    assert!(
        h.starts_with("NO-GO on `peak` — 1 of 2 gating evaluations fails"),
        "{h}"
    );
    assert!(h.contains("(1,500 requests, 0 failed)"), "{h}");
    assert!(
        h.contains("wrk figures of stage peak (3,915 requests"),
        "{h}"
    );
    assert!(!h.contains("baseline"), "{h}");
}

/// Both tools pass at peak (wrk's p99 134.95 ms and hey's 141.4 ms under 500 ms, no
/// failures in 3,915 and 1,500): a GO on `peak`. hey's other run beside `baseline`
/// decides nothing, holds nothing back, and the sentence still names it.
#[test]
fn another_tool_s_run_beside_a_stage_that_decides_nothing_holds_no_go_back() {
    let dir = TestDir::new();
    let (code, json) = run(&dir, r#""p(99) < 500ms", "error_rate < 1%""#, true);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["sla"]["verdict"], "GO", "{json:#}");
    let h = headline(&json);
    assert!(
        h.contains("hey's other run beside `baseline`, which decides nothing here"),
        "{h}"
    );
}

/// Without `verdict_stages` every stage decides, the baseline too: hey's 300 answers
/// beside wrk's 477 there are in none of the figures, so no GO (CONDITIONAL).
#[test]
fn when_every_stage_decides_another_run_beside_any_of_them_holds_the_go_back() {
    let dir = TestDir::new();
    let (code, json) = run(&dir, r#""p(99) < 500ms", "error_rate < 1%""#, false);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["sla"]["verdict"], "CONDITIONAL", "{json:#}");
    let h = headline(&json);
    assert!(
        h.contains("incomplete data: the hey source measured other requests (300"),
        "{h}"
    );
}

/// wrk at 10 connections for 3 s, the warm-up: 718 requests, 238.30 req/s.
const WRK_WARMUP: &str = r#"$ wrk -t2 -c10 -d3s --latency http://127.0.0.1:18420/api/v1/agents/7
Running 3s test @ http://127.0.0.1:18420/api/v1/agents/7
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    42.18ms   20.54ms 137.17ms   73.32%
    Req/Sec   119.97     19.71   171.00     66.67%
  Latency Distribution
     50%   37.72ms
     75%   51.88ms
     90%   69.41ms
     99%  111.85ms
  718 requests in 3.01s, 124.11KB read
Requests/sec:    238.30
Transfer/sec:     41.19KB
"#;

/// wrk at 10 connections for 4 s: 979 requests, 243.80 req/s.
const WRK_C10: &str = r#"$ wrk -t2 -c10 -d4s --latency http://127.0.0.1:18420/api/v1/agents/7
Running 4s test @ http://127.0.0.1:18420/api/v1/agents/7
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.56ms   21.28ms 180.73ms   77.08%
    Req/Sec   122.64     22.47   171.00     63.75%
  Latency Distribution
     50%   37.36ms
     75%   50.88ms
     90%   68.01ms
     99%  121.86ms
  979 requests in 4.02s, 169.22KB read
Requests/sec:    243.80
Transfer/sec:     42.14KB
"#;

/// wrk at 20 connections for 4 s: 1,912 requests, 477.45 req/s.
const WRK_C20: &str = r#"$ wrk -t2 -c20 -d4s --latency http://127.0.0.1:18420/api/v1/agents/7
Running 4s test @ http://127.0.0.1:18420/api/v1/agents/7
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    42.69ms   22.36ms 187.16ms   75.46%
    Req/Sec   239.77     28.19   300.00     63.75%
  Latency Distribution
     50%   37.88ms
     75%   53.04ms
     90%   71.82ms
     99%  117.68ms
  1912 requests in 4.00s, 330.49KB read
Requests/sec:    477.45
Transfer/sec:     82.53KB
"#;

/// wrk at 40 connections for 4 s: 3,051 requests, 760.69 req/s.
const WRK_C40: &str = r#"$ wrk -t2 -c40 -d4s --latency http://127.0.0.1:18420/api/v1/agents/7
Running 4s test @ http://127.0.0.1:18420/api/v1/agents/7
  2 threads and 40 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    52.90ms   22.63ms 225.42ms   77.03%
    Req/Sec   382.54     32.60   470.00     75.00%
  Latency Distribution
     50%   48.61ms
     75%   62.44ms
     90%   80.80ms
     99%  134.73ms
  3051 requests in 4.01s, 527.37KB read
Requests/sec:    760.69
Transfer/sec:    131.49KB
"#;

/// A warm-up stage is no point of the load curve nor the baseline the other stages are
/// held to: `00-warmup/` (10 connections) beside `01-c10/` (10), `02-c20/` and
/// `03-c40/`. The capacity's load points are the three load stages, its note names the
/// warm-up, and the lowest-load stage is `01-c10` (the warm-up ran at as few users and
/// came first, so it was chosen before).
#[test]
fn a_warm_up_stage_is_no_load_point_nor_the_baseline() {
    let dir = TestDir::new();
    dir.write("run/00-warmup/wrk.txt", WRK_WARMUP);
    dir.write("run/01-c10/wrk.txt", WRK_C10);
    dir.write("run/02-c20/wrk.txt", WRK_C20);
    dir.write("run/03-c40/wrk.txt", WRK_C40);
    let (code, json, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages: Vec<&str> = (json["stages"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(stages.len(), 4, "the warm-up stays a stage: {stages:?}");
    let points: Vec<&str> = (json["capacity"]["load_points"].as_array().unwrap().iter())
        .map(|p| p["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        points,
        ["01-c10", "02-c20", "03-c40"],
        "{:#}",
        json["capacity"]
    );
    let note = json["capacity"]["load_note"].as_str().unwrap();
    assert!(note.contains("`warmup` warmed the service up"), "{note}");
    assert_eq!(json["narrative"]["baseline_stage"], "01-c10");
    // 760.69 ÷ 243.80 = 3.12: the c40 stage against c10, not against the warm-up's
    // 238.30 (3.19).
    let deltas = json["narrative"]["deltas"].as_array().unwrap();
    let c40 = deltas.iter().find(|d| d["stage"] == "03-c40").unwrap();
    let throughput = &c40["metrics"][0];
    assert_eq!(throughput["metric"], "throughput");
    assert!((throughput["ratio"].as_f64().unwrap() - 760.69 / 243.80).abs() < 0.01);
}

/// autocannon 8's console of `-c 20 -d 5`, printed here: Req/Sec Avg 921.8 over 5
/// samples.
const AUTOCANNON_C20: &str = r#"$ autocannon -c 20 -d 5 http://127.0.0.1:18420/api/v1/agents
Running 5s test @ http://127.0.0.1:18420/api/v1/agents
20 connections


┌─────────┬──────┬───────┬───────┬───────┬──────────┬──────────┬───────┐
│ Stat    │ 2.5% │ 50%   │ 97.5% │ 99%   │ Avg      │ Stdev    │ Max   │
├─────────┼──────┼───────┼───────┼───────┼──────────┼──────────┼───────┤
│ Latency │ 8 ms │ 19 ms │ 49 ms │ 60 ms │ 21.17 ms │ 10.83 ms │ 93 ms │
└─────────┴──────┴───────┴───────┴───────┴──────────┴──────────┴───────┘
┌───────────┬────────┬────────┬────────┬────────┬────────┬─────────┬────────┐
│ Stat      │ 1%     │ 2.5%   │ 50%    │ 97.5%  │ Avg    │ Stdev   │ Min    │
├───────────┼────────┼────────┼────────┼────────┼────────┼─────────┼────────┤
│ Req/Sec   │ 889    │ 889    │ 925    │ 942    │ 921.8  │ 17.62   │ 889    │
├───────────┼────────┼────────┼────────┼────────┼────────┼─────────┼────────┤
│ Bytes/Sec │ 177 kB │ 177 kB │ 184 kB │ 188 kB │ 183 kB │ 3.49 kB │ 177 kB │
└───────────┴────────┴────────┴────────┴────────┴────────┴─────────┴────────┘

Req/Bytes counts sampled once per second.
# of samples: 5

5k requests in 5.02s, 917 kB read
"#;

/// A CSV export of a stage only autocannon's console measured says whose summary it
/// was in run.toml: "autocannon's summary measured its 4609 requests" (921.8 × 5), not
/// "summary measured" with the tool left out (a stage's own tool is set only in stage
/// dirs of different tools).
#[test]
fn an_export_names_the_tool_whose_summary_measured_a_stage() {
    let dir = TestDir::new();
    dir.write("run/c20/autocannon.txt", AUTOCANNON_C20);
    let out = dir.path().join("exp");
    let o = headroom(&[
        "export",
        dir.path().join("run").to_str().unwrap(),
        "--to",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest = std::fs::read_to_string(out.join("run.toml")).unwrap();
    assert!(
        manifest.contains("autocannon's summary measured its 4609 requests (0 failed)"),
        "{manifest}"
    );
}
