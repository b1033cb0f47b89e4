//! Console-only run dirs (`… 2>&1 | tee run.log`, nothing else kept) in stage dirs
//! named the way teams name them (`smoke/`, `load/`, `stress/`): autocannon's plain
//! console read as a result (its rounded counts said, never made exact), stages of
//! unnumbered dirs whose consoles carry no clock time put in the order of their users
//! (or, without users, said to be in the names' order), wrk's percentiles that leave
//! out timed-out requests marked as lower bounds in the stage tables, and an endpoint
//! rule over an h2load stage saying that h2load's console names no URL.

use serde_json::Value;

use crate::common::{analyze_json, check_rules, headroom, TestDir};

/// autocannon's console (`autocannon -c C -d D URL 2>&1 | tee run.log`) as it prints
/// it: the banner, the Latency and Req/Sec tables, then its totals.
fn autocannon(url: &str, c: u32, lat: [&str; 7], totals: &str) -> String {
    format!(
        "Running 3s test @ {url}\n{c} connections\n\n\n\
┌─────────┬──────┬───────┬───────┬───────┬──────────┬─────────┬───────┐\n\
│ Stat    │ 2.5% │ 50%   │ 97.5% │ 99%   │ Avg      │ Stdev   │ Max   │\n\
├─────────┼──────┼───────┼───────┼───────┼──────────┼─────────┼───────┤\n\
│ Latency │ {} │ {} │ {} │ {} │ {} │ {} │ {} │\n\
└─────────┴──────┴───────┴───────┴───────┴──────────┴─────────┴───────┘\n\
┌───────────┬─────────┬─────────┬─────────┬─────────┬─────────┬─────────┬─────────┐\n\
│ Stat      │ 1%      │ 2.5%    │ 50%     │ 97.5%   │ Avg     │ Stdev   │ Min     │\n\
├───────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┤\n\
│ Req/Sec   │ 88      │ 88      │ 88      │ 100     │ 92      │ 5.66    │ 88      │\n\
├───────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┤\n\
│ Bytes/Sec │ 17.5 kB │ 17.5 kB │ 17.5 kB │ 19.9 kB │ 18.3 kB │ 1.12 kB │ 17.5 kB │\n\
└───────────┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┘\n\
\nReq/Bytes counts sampled once per second.\n# of samples: 3\n\n{totals}",
        lat[0], lat[1], lat[2], lat[3], lat[4], lat[5], lat[6]
    )
}

const URL: &str = "http://127.0.0.1:18460/api/v1/agents";

/// A 3 s run at 2 connections: 278 requests, all 2xx (exact: under 1,000).
fn smoke() -> String {
    let lat = [
        "7 ms", "18 ms", "51 ms", "55 ms", "21.21 ms", "10.6 ms", "62 ms",
    ];
    autocannon(URL, 2, lat, "278 requests in 3.01s, 54.9 kB read\n")
}

/// 20 connections: `3k requests` (autocannon rounds to the thousand).
fn load() -> String {
    let lat = [
        "7 ms", "18 ms", "47 ms", "55 ms", "20.99 ms", "10.75 ms", "84 ms",
    ];
    autocannon(URL, 20, lat, "3k requests in 3.04s, 555 kB read\n")
}

/// 100 connections: 303 2xx + 73,702 non-2xx answers (exact), 11 errors, all timeouts.
fn stress() -> String {
    let lat = ["0 ms", "1 ms", "5 ms", "8 ms", "3.15 ms", "36 ms", "981 ms"];
    autocannon(
        &format!("{URL}/run"),
        100,
        lat,
        "303 2xx responses, 73702 non 2xx responses\n74k requests in 3.05s, 10.9 MB read\n\
         11 errors (11 timeouts)\n",
    )
}

fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    let stages = report["stages"].as_array().unwrap();
    (stages.iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {stages:?}"))
}

fn names(report: &Value) -> Vec<String> {
    let stages = report["stages"].as_array().unwrap();
    (stages.iter())
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

/// Before: each console was "not a recognised load-test result" (nothing analysed).
/// Now each is read: the exact counts as printed, the rounded `3k` said to be rounded,
/// the 2xx/non-2xx line's exact answers plus the errors, and its percentiles.
#[test]
fn autocannons_plain_console_alone_is_a_result_with_its_rounding_said() {
    let dir = TestDir::new();
    dir.write("run/smoke/run.log", smoke());
    dir.write("run/load/run.log", load());
    dir.write("run/stress/run.log", stress());
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["skipped"], serde_json::json!([]), "{report}");
    let s = stage(&report, "smoke");
    // Its responses are its `Req/Sec` Avg 92 × its 3 samples = 276 (the 278 sent
    // count 2 in flight at its 2 connections).
    assert_eq!(
        (s["requests"].as_u64(), s["users"].as_u64()),
        (Some(276), Some(2))
    );
    assert_eq!(s["latency_ms"]["p50"], 18.0);
    assert_eq!(s["latency_ms"]["p99"], 55.0);
    assert_eq!(s["latency_ms"]["max"], 62.0);
    assert_eq!(s["failures"], 0);
    // `3k` is all the console holds: 3,000 with a note, not a figure made up.
    assert_eq!(stage(&report, "load")["requests"], 3000);
    let notes = report.to_string();
    assert!(notes.contains("rounds counts of 1,000 and more"), "{notes}");
    assert!(notes.contains("within ±500 of the true count"), "{notes}");
    // 303 + 73,702 answers and 11 timeouts; every non-2xx answer a failure.
    let st = stage(&report, "stress");
    assert_eq!(st["requests"], 303 + 73_702 + 11);
    assert_eq!(st["failures"], 73_702 + 11);
    assert_eq!(st["failures_by_kind"]["timeout"], 11, "{st}");
    assert!(
        notes.contains("73702 non-2xx answers without their codes"),
        "{notes}"
    );
}

/// autocannon prints 2.5/50/97.5/99 %: a p99 rule is judged on its p99 (55 ms, over
/// the 3,000 requests of `load`).
#[test]
fn a_p99_rule_is_judged_on_the_consoles_p99() {
    let dir = TestDir::new();
    dir.write("run/run.log", load());
    let run = dir.path().join("run");
    let (code, out, err) = check_rules(&dir, &run, "\"p(99) < 60ms\", \"error_rate < 1%\"");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("verdict: GO"), "{out}{err}");
    let (code, out, err) = check_rules(&dir, &run, "\"p(99) < 50ms\"");
    assert_ne!(code, 0, "{out}{err}");
    assert!(out.contains("NO-GO"), "{out}{err}");
}

/// A console whose `Running 10s test` ran 1.2 s was stopped with Ctrl-C: incomplete.
#[test]
fn an_autocannon_console_stopped_with_ctrl_c_is_an_incomplete_run() {
    let dir = TestDir::new();
    let text = smoke()
        .replace("Running 3s test", "Running 10s test")
        .replace("in 3.01s", "in 1.20s");
    dir.write("run/run.log", text);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let text = report.to_string();
    assert!(
        text.contains("autocannon was started for 10 s") && text.contains("stopped early"),
        "{text}\n{stderr}"
    );
}

/// A console cut before its totals (the run killed, the tee cut) is named with its
/// line and not read.
#[test]
fn an_autocannon_console_without_its_totals_is_named_as_cut_short() {
    let dir = TestDir::new();
    let cut = smoke().replace("278 requests in 3.01s, 54.9 kB read\n", "");
    dir.write("run/run.log", cut);
    let o = headroom(&["analyze", dir.path().join("run").to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("run.log") && err.contains("cut short"),
        "{err}"
    );
}

/// Two runs appended to one log (`>>`, a loop) are two stages, by their users.
#[test]
fn two_autocannon_runs_appended_to_one_log_are_two_stages() {
    let dir = TestDir::new();
    dir.write("run/both.log", format!("{}{}", load(), smoke()));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let reqs: Vec<u64> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["requests"].as_u64().unwrap())
        .collect();
    // `smoke`: its Req/Sec Avg 92 × 3 samples = 276 answers; `load`'s same row
    // cannot account for its `3k` sent at 20 connections, so its rounded count stays.
    assert_eq!(reqs, [276, 3000], "{report}");
}

/// Before: `load/`, `smoke/`, `stress/` in the names' order, capacity and trends read
/// over it. Now, with no clock time in the consoles and users in each, they go by
/// their users, and a note says why.
#[test]
fn unnumbered_stage_dirs_go_by_their_users_not_their_names() {
    let dir = TestDir::new();
    dir.write("run/smoke/run.log", smoke());
    dir.write("run/load/run.log", load());
    dir.write("run/stress/run.log", stress());
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(names(&report), ["smoke", "load", "stress"], "{stderr}");
    let notes = report.to_string();
    assert!(
        notes.contains("in the order of their load") && notes.contains("not of their dirs' names"),
        "{notes}"
    );
}

/// hey's console names no -c: without users, the names' order is kept and said.
#[test]
fn unnumbered_stage_dirs_without_users_say_they_are_in_the_names_order() {
    let dir = TestDir::new();
    let hey = |n: u64| {
        format!(
            "\nSummary:\n  Total:\t1.0000 secs\n  Slowest:\t0.0300 secs\n  Fastest:\t0.0100 secs\n  \
             Average:\t0.0200 secs\n  Requests/sec:\t{n}.0000\n\nLatency distribution:\n  \
             50% in 0.0200 secs\n  95% in 0.0290 secs\n\nStatus code distribution:\n  [200]\t{n} responses\n"
        )
    };
    dir.write("run/smoke/hey.txt", hey(50));
    dir.write("run/load/hey.txt", hey(400));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(names(&report), ["load", "smoke"], "{stderr}");
    let notes = report.to_string();
    assert!(
        notes.contains("they are in the order of their dirs' names"),
        "{notes}"
    );
}

/// wrk's stress console: 102,870 requests, 82 timed out (left out of its latency).
const WRK_STRESS: &str = "Running 3s test @ http://127.0.0.1:18460/api/v1/workflows/run
  2 threads and 80 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    27.86ms  121.06ms 996.58ms   94.61%
    Req/Sec    18.71k    14.78k   63.16k    78.18%
  Latency Distribution
     50%  203.00us
     75%  274.00us
     90%    3.51ms
     99%  704.30ms
  102870 requests in 3.00s, 14.42MB read
  Socket errors: connect 0, read 0, write 0, timeout 82
  Non-2xx or 3xx responses: 102782
Requests/sec:  34247.03
Transfer/sec:      4.80MB
";

/// Before: `203 µs` unmarked in the stage tables, the caveat elsewhere. Now the
/// figure itself is `≥ 203 µs`: over all requests (the 82 timed out waited longer)
/// the median is at least that.
#[test]
fn wrks_percentiles_without_its_timeouts_are_marked_as_lower_bounds() {
    let dir = TestDir::new();
    dir.write("run/stress/console.txt", WRK_STRESS);
    let out = dir.path().join("rep");
    let o = headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let term = String::from_utf8_lossy(&o.stdout);
    assert!(term.contains("≥ 203 µs"), "{term}");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| ≥ 203 µs | — | ≥ 704 ms |"), "{md}");
    assert!(
        md.contains("\n\n*≥:* the tool's percentile leaves out"),
        "{md}"
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["stages"][0]["latency_timeouts_left_out"], 82);
}

const H2LOAD: &str = "starting benchmark...
spawning thread #0: 2 total client(s). 400 total requests
Application protocol: http/1.1

finished in 4.31s, 92.81 req/s, 18.04KB/s
requests: 400 total, 400 started, 400 done, 400 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 400 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 77.73KB (79600) total, 30.86KB (31600) headers (space savings 0.00%), 35.63KB (36486) data
                     min         max         mean         sd        +/- sd
time for request:     3.91ms     62.26ms     21.48ms     10.53ms    73.25%
time for connect:       85us       120us       102us        24us   100.00%
time to 1st byte:     4.02ms     62.33ms     21.64ms     10.63ms    73.00%
req/s           :      46.41       46.49       46.45        0.06   100.00%
";

/// An endpoint rule over an h2load stage lacks the data: the reason names h2load's
/// console as printing no URL, and says what to write instead.
#[test]
fn an_endpoint_rule_over_h2load_says_h2load_names_no_url() {
    let dir = TestDir::new();
    dir.write("run/smoke/h2load.log", H2LOAD);
    let sla = dir.write(
        "sla.toml",
        "[endpoint.\"GET /api/v1/agents\"]\nrules = [\"p(99) < 500ms\"]\n",
    );
    let o = headroom(&[
        "check",
        dir.path().join("run").to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!all.contains("verdict: GO"), "{all}");
    assert!(
        all.contains("h2load's output names no URL or path"),
        "{all}"
    );
    assert!(all.contains("write its rules under [global]"), "{all}");
}
