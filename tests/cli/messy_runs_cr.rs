//! Runs that went wrong before or while they ran, as a console kept with `| tee` or
//! `> out.txt 2>&1` holds them: a tool that refused its command line (a mistyped
//! option: its usage text, or the one error line it exits on), wrk and ab against a
//! port nothing listens on, h2load killed mid-run. None is a GO, and each message says
//! which tool printed what and what to do; a console line quoted in a reason keeps its
//! code span in report.md, backticks of its own and all.
//!
//! The fixtures are the first lines these tools printed on this machine (wrk 4.x,
//! hey, ab 2.3, siege 4.0.7, h2load, httperf, autocannon, Locust 2.x) against
//! `headroom target`, cut to what the reader looks at.

use std::path::Path;

use crate::common::{analyze_json, check_rules, headroom, TestDir};

/// `wrk -t2 -c10 -d3s --latency URL | tee wrk.txt`: 1,394 requests in 3.01 s, no
/// errors, p99 57.42 ms.
const WRK_OK: &str = "Running 3s test @ http://127.0.0.1:18480/api/v1/agents
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.03ms   11.40ms 119.79ms   77.60%
    Req/Sec   232.92     24.09   282.00     73.33%
  Latency Distribution
     50%   19.65ms
     75%   26.83ms
     90%   35.42ms
     99%   57.42ms
  1394 requests in 3.01s, 270.90KB read
Requests/sec:    463.19
Transfer/sec:     90.02KB
";

/// `wrk … --latncy URL 2>&1 | tee wrk.txt`: wrk's error and its usage text.
fn wrk_usage(option: &str) -> String {
    format!(
        "wrk: unrecognized option '{option}'
Usage: wrk <options> <url>                            
  Options:                                            
    -c, --connections <N>  Connections to keep open   
    -d, --duration    <T>  Duration of test           
    -t, --threads     <N>  Number of threads to use   
"
    )
}

/// Each tool's output for a mistyped option (or none), its first lines, with the tool
/// it names and the line that says why.
const REFUSALS: [(&str, &str, &str); 8] = [
    (
        "ab",
        "ab: wrong number of arguments\nUsage: ab [options] [http[s]://]hostname[:port]/path\nOptions are:\n    -n requests     Number of requests to perform\n",
        "`ab: wrong number of arguments`",
    ),
    (
        "autocannon",
        "Usage: autocannon [opts] URL\n\nURL is any valid HTTP or HTTPS URL.\n",
        "usage text without saying why",
    ),
    (
        "h2load",
        "h2load: unrecognized option '--bogus'\n\nDid you mean:\n\t--groups\n",
        "`h2load: unrecognized option '--bogus'`",
    ),
    (
        "hey",
        "flag provided but not defined: -bogus\nUsage: hey [options...] <url>\n\nOptions:\n",
        "`flag provided but not defined: -bogus`",
    ),
    (
        "httperf",
        "httperf: unrecognized option '--bogus'\n",
        "`httperf: unrecognized option '--bogus'`",
    ),
    (
        "locust",
        "locust: error: unrecognized arguments: --bogus\nDid you mean '--tags'?\n",
        "`locust: error: unrecognized arguments: --bogus`",
    ),
    (
        "siege",
        "SIEGE 4.0.7\nUsage: siege [options]\n       siege [options] URL\n",
        "usage text without saying why",
    ),
    (
        "wrk",
        "number of connections must be >= threads\nUsage: wrk <options> <url>\n  Options:\n",
        "`number of connections must be >= threads`",
    ),
];

/// `ab -n 200 -c 2 URL > ab.txt 2>&1` on a port nothing listens on.
const AB_REFUSED: &str = "This is ApacheBench, Version 2.3 <$Revision$>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient)
apr_socket_recv: Connection refused (111)
";

fn stderr_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn analyze(run: &Path, out: &Path) -> std::process::Output {
    headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// A stage dir holding wrk's usage text (a mistyped option) was "a stage dir whose
/// files hold no load-test result": it now says wrk refused its command line, quotes
/// why, and says to fix the command; the verdict is not a GO.
#[test]
fn a_stage_holding_wrks_usage_text_says_wrk_refused_its_command() {
    let dir = TestDir::new();
    dir.write("run/01_baseline/wrk.txt", WRK_OK);
    let bad = dir.write("run/02_peak/wrk.txt", wrk_usage("--latncy"));
    let (code, stdout, stderr) = check_rules(
        &dir,
        &dir.path().join("run"),
        r#""p99 < 500ms", "error_rate < 1%""#,
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(!stdout.contains("verdict: GO"), "{stdout}");
    let line = format!("{}:1: wrk refused its command line", bad.display());
    let problem = stderr.lines().find(|l| l.contains(&line));
    let problem = problem.unwrap_or_else(|| panic!("want `{line}` in: {stderr}"));
    assert!(
        problem.contains("`wrk: unrecognized option '--latncy'`"),
        "{problem}"
    );
    assert!(problem.contains("fix the command"), "{problem}");
    // One problem for it, not a second, vaguer one for its stage dir.
    assert!(!stderr.contains("hold no load-test result"), "{stderr}");
}

/// Each tool's usage or error text, alone in its stage dir, names the tool and what it
/// printed.
#[test]
fn every_tools_refusal_is_named_with_its_line() {
    let dir = TestDir::new();
    for (tool, text, _) in REFUSALS {
        dir.write(&format!("run/0_{tool}/{tool}.txt"), text);
    }
    let o = analyze(&dir.path().join("run"), &dir.path().join("out"));
    let stderr = stderr_of(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    for (tool, _, why) in REFUSALS {
        let file = format!("0_{tool}/{tool}.txt:");
        let problem = stderr.lines().find(|l| l.contains(&file));
        let problem = problem.unwrap_or_else(|| panic!("{tool}: none in {stderr}"));
        assert!(
            problem.contains(&format!("{tool} refused its command line")),
            "{problem}"
        );
        assert!(problem.contains(why), "{tool}: want {why} in {problem}");
    }
}

/// A failed attempt kept beside its rerun (`wrk-try1.txt` with the usage text,
/// `wrk.txt` the run) is skipped with its reason, not a problem: the stage is
/// measured.
#[test]
fn a_refused_attempt_beside_its_rerun_is_skipped_with_why() {
    let dir = TestDir::new();
    dir.write("run/wrk.txt", WRK_OK);
    dir.write("run/wrk-try1.txt", wrk_usage("--latncy"));
    let (code, json, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["overall"]["requests"].as_u64(), Some(1394), "{json}");
    let skipped = json["skipped"].to_string();
    assert!(skipped.contains("wrk-try1.txt"), "{skipped}");
    assert!(
        skipped.contains("wrk refused its command line"),
        "{skipped}"
    );
    assert!(skipped.contains("measured nothing"), "{skipped}");
}

/// wrk against a port nothing listens on prints one line and exits: alone in its
/// stage dir, it says wrk could not reach the target and what to check.
#[test]
fn wrk_that_could_not_reach_the_target_says_so() {
    let dir = TestDir::new();
    dir.write("run/01_baseline/wrk.txt", WRK_OK);
    dir.write(
        "run/02_peak/wrk.txt",
        "unable to connect to 127.0.0.1:18489 Connection refused\n",
    );
    let (code, stdout, stderr) = check_rules(&dir, &dir.path().join("run"), r#""error_rate < 1%""#);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(!stdout.contains("verdict: GO"), "{stdout}");
    assert!(
        stderr.contains("02_peak/wrk.txt:1: wrk could not reach the target"),
        "{stderr}"
    );
    assert!(stderr.contains("check the URL and port"), "{stderr}");
}

/// `ab -n 200 -c 2 URL > ab.txt 2>&1` on a port nothing listens on: ab prints its
/// banner and `apr_socket_recv: Connection refused (111)` and exits, without `Total of
/// N requests completed` (ab prints it only when N > 0). It was "cut short" with the
/// quote cut to `(111`; it is a run stopped at its first request: one refused request,
/// NO-GO on the error rate.
#[test]
fn ab_refused_at_its_first_request_is_a_failed_run_not_a_cut_capture() {
    let dir = TestDir::new();
    dir.write("run/ab.txt", AB_REFUSED);
    let (code, stdout, stderr) = check_rules(&dir, &dir.path().join("run"), r#""error_rate < 1%""#);
    assert_ne!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("verdict: NO-GO"), "{stdout}");
    assert!(!stderr.contains("cut short"), "{stderr}");
    let (_, json, _) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(json["overall"]["requests"].as_u64(), Some(1), "{json}");
    assert_eq!(json["overall"]["failures"].as_u64(), Some(1), "{json}");
    let all = json.to_string();
    assert!(
        all.contains(
            "`apr_socket_recv: Connection refused (111)` (line 6) before any request completed"
        ),
        "{all}"
    );
}

/// `h2load -n 100000 -c 10 --h1 URL 2>&1 | tee h2load.txt`, Ctrl-C after 2 s: h2load
/// leaves its banner only. The stage is incomplete (cut short), never a pass.
#[test]
fn h2load_killed_mid_run_is_cut_short_not_a_pass() {
    let dir = TestDir::new();
    dir.write("run/01_baseline/wrk.txt", WRK_OK);
    dir.write(
        "run/02_peak/h2load.txt",
        "starting benchmark...\nspawning thread #0: 10 total client(s). 100000 total requests\nApplication protocol: http/1.1\n",
    );
    let (code, stdout, stderr) = check_rules(&dir, &dir.path().join("run"), r#""error_rate < 1%""#);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(!stdout.contains("verdict: GO"), "{stdout}");
    assert!(
        stderr.contains("02_peak/h2load.txt:3: cut short"),
        "{stderr}"
    );
}

/// ab's refused-connection console in a stage dir named with a backtick (`02 pe`ak`):
/// its path opened a code span in report.md's Readiness evidence that the quote of ab's
/// line closed (`` ` ak/ab.txt: ab stopped itself on ` `` showed as code, the quoted
/// line as text). The path is one span of its own, the quote another; the stage fails
/// its error rate (one refused request), NO-GO.
#[test]
fn a_stage_named_with_a_backtick_stays_one_code_span_in_the_report() {
    let dir = TestDir::new();
    dir.write("run/01_baseline/wrk.txt", WRK_OK);
    let ab = dir.write("run/02 pe`ak/ab.txt", AB_REFUSED);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let out = dir.path().join("out");
    let o = headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let md = std::fs::read_to_string(out.join("report.md"));
    let md = md.unwrap_or_else(|e| panic!("{e}: {}", stderr_of(&o)));
    assert!(md.contains("**Verdict: 🔴 NO-GO**"), "{md}");
    let readiness = md.lines().find(|l| l.starts_with("| Data quality |"));
    let readiness = readiness.unwrap_or_else(|| panic!("{md}"));
    let want = format!(
        "(`` {} ``: ab stopped itself on `apr_socket_recv: Connection refused (111)` (line 6)",
        ab.display()
    );
    assert!(readiness.contains(&want), "want {want} in {readiness}");
}
