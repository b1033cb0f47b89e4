//! Messy runs, batch "cm" (qa89): capacity when the tools and the dir names disagree.
//! A stage dir named for more users than its only tool ran (`128u/` holding
//! `ab -c 64`, whose console says `Concurrency Level: 64`) is at the load the tool
//! ran, and the warnings name both counts; generators side by side (two dirs of the
//! same name, each holding its share) keep the name's count.

use std::path::Path;

use serde_json::Value;

use super::common::{analyze_json, TestDir};

/// An ab console (the shape of `ab -c C -t 3 URL > ab_console.txt` against `headroom
/// target`): `n` requests in `secs` seconds at concurrency `c`, none failed, with
/// percentiles `p50`/`p95` and the longest request `max` (ms).
fn ab_console(c: u32, n: u64, secs: f64, p50: u32, p95: u32, max: u32) -> String {
    let rps = n as f64 / secs;
    let per = c as f64 * 1000.0 / rps;
    format!(
        "This is ApacheBench, Version 2.3 <$Revision$>\n\
         Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
         Licensed to The Apache Software Foundation, http://www.apache.org/\n\n\
         Benchmarking 127.0.0.1 (be patient)\nFinished {n} requests\n\n\n\
         Server Software:        \nServer Hostname:        127.0.0.1\n\
         Server Port:            18480\n\n\
         Document Path:          /api/v1/agents\nDocument Length:        91 bytes\n\n\
         Concurrency Level:      {c}\n\
         Time taken for tests:   {secs:.3} seconds\n\
         Complete requests:      {n}\n\
         Failed requests:        0\n\
         Total transferred:      {}  bytes\n\
         HTML transferred:       {} bytes\n\
         Requests per second:    {rps:.2} [#/sec] (mean)\n\
         Time per request:       {per:.3} [ms] (mean)\n\
         Time per request:       {:.3} [ms] (mean, across all concurrent requests)\n\
         Transfer rate:          276.69 [Kbytes/sec] received\n\n\
         Connection Times (ms)\n\
         \x20             min  mean[+/-sd] median   max\n\
         Connect:        0    0   0.3      0       3\n\
         Processing:     6 {p:4}  13.7 {p50:5} {max:7}\n\
         Waiting:        6 {p:4}  13.3 {p50:5} {max:7}\n\
         Total:          8 {p:4}  13.5 {p50:5} {max:7}\n\n\
         Percentage of the requests served within a certain time (ms)\n\
         \x20 50%  {p50:5}\n  66%  {p50:5}\n  75%  {p95:5}\n  80%  {p95:5}\n  90%  {p95:5}\n\
         \x20 95%  {p95:5}\n  98%  {p95:5}\n  99%  {p95:5}\n 100%  {max:5} (longest request)\n",
        n * 199,
        n * 91,
        1000.0 / rps,
        p = per.round() as u32,
    )
}

/// The stage named `name` in a report.
fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {report}"))
}

/// The users of the capacity load point of stage `name`.
fn load_point_users(report: &Value, name: &str) -> Value {
    let points = report["capacity"]["load_points"].as_array().unwrap();
    let p = points.iter().find(|p| p["stage"] == name);
    p.unwrap_or_else(|| panic!("no load point {name}: {report}"))["users"].clone()
}

/// Ab at 8, 16 and 32, then `128u/` holding `ab -c 64` (a rising-concurrency run
/// against `headroom target`, the last dir named for the load planned, not run).
fn rising_with_misnamed_top(dir: &TestDir) -> std::path::PathBuf {
    dir.write(
        "run/8u/ab_console.txt",
        ab_console(8, 1084, 3.0, 19, 43, 90),
    );
    dir.write(
        "run/16u/ab_console.txt",
        ab_console(16, 2250, 3.0, 19, 41, 95),
    );
    dir.write(
        "run/32u/ab_console.txt",
        ab_console(32, 4379, 3.0, 19, 42, 120),
    );
    dir.write(
        "run/128u/ab_console.txt",
        ab_console(64, 4272, 3.0, 41, 70, 242),
    );
    dir.path().join("run")
}

/// Before, `128u/` holding `ab -c 64` was a stage at 128 users: the capacity said the
/// limits held "up to 1,424 req/s at 128 users", the saturation's marginal gain was
/// taken over 96 users no one ran, and Little's law bound was N/R at 128. Now the
/// stage is at the 64 ab ran (its console's `Concurrency Level`), the load point and
/// the headroom say 64, and the warnings name the dir's 128 and ab's 64.
#[test]
fn a_dir_named_for_more_users_than_its_only_tool_ran_is_at_what_the_tool_ran() {
    let dir = TestDir::new();
    let run = rising_with_misnamed_top(&dir);
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage(&report, "128u")["users"], 64, "{report}");
    assert_eq!(load_point_users(&report, "128u"), 64.0, "{report}");
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("the dir's name says 128 users, but ab ran 64 at once"),
        "{warnings}"
    );
    // No figure at 128 users anywhere in the capacity: nobody ran 128.
    let capacity = report["capacity"].to_string();
    assert!(!capacity.contains("128 users"), "{capacity}");
    // The stale note that the stage stands at 128 is gone.
    let sources = report["sources"].to_string();
    assert!(!sources.contains("is reported at 128 users"), "{sources}");
}

/// Two generators side by side, each in a dir of the stage's name (`gen-a/128u/`,
/// `gen-b/128u/`), each `ab -c 64`: together they ran the 128 the name says. The
/// stage stays at 128 users with both generators' requests.
#[test]
fn generators_side_by_side_in_dirs_of_one_name_keep_the_names_users() {
    let dir = TestDir::new();
    dir.write(
        "run/gen-a/16u/ab_console.txt",
        ab_console(16, 2250, 3.0, 19, 41, 95),
    );
    dir.write(
        "run/gen-a/128u/ab_console.txt",
        ab_console(64, 2100, 3.0, 60, 90, 250),
    );
    dir.write(
        "run/gen-b/128u/ab_console.txt",
        ab_console(64, 2200, 3.0, 58, 88, 240),
    );
    let run: &Path = &dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let top = stage(&report, "128u");
    assert_eq!(top["users"], 128, "{report}");
    assert_eq!(top["requests"], 2100 + 2200, "{top}");
    let warnings = report["warnings"].to_string();
    assert!(
        !warnings.contains("but ab ran 64 at once and"),
        "{warnings}"
    );
}
