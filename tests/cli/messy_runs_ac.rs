//! Messy runs, batch "ac" (qa35): a newcomer's first hour with `check` on run dirs of
//! the Debian tools (wrk with a Lua `done()` script, hey, ab, siege, h2load, httperf)
//! against `headroom target`, gated by SLA files written the way users write them.
//! An SLA rule on an endpoint the tool spells otherwise (a URL with its query string,
//! or no URL at all) is judged, or held back as lacking data: never skipped into a GO.

use std::path::Path;

use super::common::{analyze_json, headroom, TestDir};

/// Runs `check RUN --sla SLA` with `extra` flags; returns the exit code, stdout and
/// stderr.
pub(crate) fn check(run: &Path, sla: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = headroom(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr,
    )
}

/// The evaluations of `check --json`'s `sla.rules` whose endpoint is `endpoint`.
fn rules_on<'a>(json: &'a serde_json::Value, endpoint: &str) -> Vec<&'a serde_json::Value> {
    json["sla"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["endpoint"] == endpoint)
        .collect()
}

/// h2load's console (h2load 1.x, `-n 1500 -c 8 --h1`), 80 of its 1,500 requests
/// answered 503, without its command (which, kept, names the URL: `messy_runs_dm`).
pub(crate) const H2LOAD_503: &str = "\
starting benchmark...
spawning thread #0: 8 total client(s). 1500 total requests
Application protocol: http/1.1
progress: 10% done
progress: 100% done

finished in 4.56s, 328.94 req/s, 63.92KB/s
requests: 1500 total, 1500 started, 1500 done, 1420 succeeded, 80 failed, 0 errored, 0 timeout
status codes: 1420 2xx, 0 3xx, 0 4xx, 80 5xx
traffic: 291.50KB (298500) total, 112.79KB (115500) headers (space savings 0.00%), 133.30KB (136500) data
                     min         max         mean         sd        +/- sd
time for request:     5.36ms    121.57ms     23.47ms     12.56ms    79.07%
time for connect:       57us       335us       165us        87us    75.00%
time to 1st byte:     6.69ms     48.18ms     19.37ms     13.58ms    87.50%
req/s           :      41.05       45.26       42.63        1.20    75.00%
";

/// A user had h2load's console (80 of 1,500 requests answered 503, 5.3 %) and an SLA
/// with a throughput floor for the run and `error_rate < 1%` on `GET /api/v1/agents`,
/// the one URL h2load requested. h2load's output names no URL, so headroom calls its
/// requests `h2load` (after the file); the endpoint section named "no endpoint in the
/// data", its rule was `not_run` and `check` said GO on the throughput alone (exit 0).
/// Now the rule lacks the data (the requests may be that endpoint's), the verdict is
/// CONDITIONAL and names the 5.33 % that failed, the note says why, `--strict` fails
/// the gate, and JUnit does not show the rule as passing.
#[test]
fn an_endpoint_rule_on_a_tool_that_names_no_url_is_not_skipped_into_a_go() {
    let dir = TestDir::new();
    dir.write("run/h2load.txt", H2LOAD_503);
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"throughput >= 300/s\"]\n\
         [endpoint.\"GET /api/v1/agents\"]\nrules = [\"error_rate < 1%\"]\n",
    );
    let run = dir.path().join("run");
    let (code, stdout, stderr) = check(&run, &sla, &["--json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["verdict"], "CONDITIONAL", "{stdout}");
    // No rule judged the failures: the sentence still names them (80 / 1,500).
    let headline = json["sla"]["headline"].as_str().unwrap();
    assert!(headline.contains("5.33% in `run`"), "{headline}");
    let rules = rules_on(&json, "GET /api/v1/agents");
    assert!(!rules.is_empty(), "{stdout}");
    for r in &rules {
        assert_eq!(r["status"], "insufficient_data", "{r}");
        let note = r["note"].as_str().unwrap_or_default();
        assert!(note.contains("`h2load`") && note.contains("URL"), "{note}");
    }
    // The stage's evaluation decides (the run's one stage is the verdict stage).
    assert!(
        rules.iter().any(|r| r["decides_verdict"] == true),
        "{stdout}"
    );
    // The warning says what to write instead of "its rules are not run".
    assert!(!stderr.contains("its rules are not run"), "{stderr}");
    assert!(stderr.contains("[endpoint.\"h2load\"]"), "{stderr}");

    let junit = dir.path().join("junit.xml");
    let (strict, _, _) = check(
        &run,
        &sla,
        &["--strict", "--junit", junit.to_str().unwrap()],
    );
    assert_eq!(strict, 1, "--strict fails a rule that lacks data");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let case = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("testcase")
                && n.attribute("name")
                    .is_some_and(|a| a.starts_with("error_rate < 1% @ run"))
        })
        .unwrap_or_else(|| panic!("{xml}"));
    assert!(
        case.children()
            .any(|c| c.has_tag_name("failure") || c.has_tag_name("skipped")),
        "{xml}"
    );
    // Without --strict the case is skipped, and says why as a failure would: its
    // note names the endpoint called after the file.
    let (lenient, _, _) = check(&run, &sla, &["--junit", junit.to_str().unwrap()]);
    assert_eq!(lenient, 0);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let skipped = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("skipped")
                && n.parent()
                    .and_then(|p| p.attribute("name"))
                    .is_some_and(|a| a.starts_with("error_rate < 1% @ run"))
        })
        .unwrap_or_else(|| panic!("{xml}"));
    let text = skipped.text().unwrap_or_default();
    assert!(text.contains("`h2load`") && text.contains("URL"), "{xml}");
}

/// wrk's console of a run on `/api/v1/agents?limit=10`, with the percentiles a Lua
/// `done()` script prints after it (µs): p95 48,034 µs.
const WRK_QUERY: &str = "\
Running 8s test @ http://127.0.0.1:18736/api/v1/agents?limit=10
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    24.73ms   12.91ms 124.28ms   72.96%
    Req/Sec   166.21     35.06   230.00     64.56%
  2652 requests in 8.03s, 515.38KB read
Requests/sec:    330.33
Transfer/sec:     64.20KB
------------------------------
50%,22045
90%,42044
95%,48034
99%,67869
99.999%,124282
requests,2652
errors,0
";

/// A user ran wrk on `http://127.0.0.1:18736/api/v1/agents?limit=10` and gated it
/// with `[endpoint."GET /api/v1/agents"] p(95) < 40ms` beside a global error-rate
/// rule. wrk names the endpoint by the URL it was given, query and all; the section
/// named "no endpoint in the data", its rule was `not_run`, and `check` said GO while
/// the script printed p95 = 48.034 ms. Now the route is the route whatever its query
/// string: NO-GO, exit 1, on 48 ms (1.2× over); the SLA may name the query too.
#[test]
fn an_endpoint_rule_names_the_url_wrk_was_given_with_its_query_string() {
    let dir = TestDir::new();
    dir.write("run/out.txt", WRK_QUERY);
    let run = dir.path().join("run");
    for name in [
        "GET /api/v1/agents",
        "/api/v1/agents/",
        "/api/v1/agents?limit=10",
    ] {
        let sla = dir.write(
            "sla.toml",
            format!(
                "[global]\nrules = [\"error_rate < 1%\"]\n\
                 [endpoint.\"{name}\"]\nrules = [\"p(95) < 40ms\"]\n"
            ),
        );
        let (code, stdout, stderr) = check(&run, &sla, &["--json"]);
        assert_eq!(code, 1, "{name}: {stdout}\n{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["verdict"], "NO-GO", "{name}: {stdout}");
        let p95 = json["sla"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == "p(95) < 40ms" && r["stage"] == "run")
            .unwrap_or_else(|| panic!("{name}: {stdout}"));
        assert_eq!(p95["status"], "fail", "{name}: {p95}");
        let value = p95["value"].as_f64().unwrap();
        assert!((value - 48.034).abs() < 0.05, "{name}: {value}");
    }
}

/// A user copied a run dir from a laptop: wrk's console with its Lua percentiles
/// (`out.txt`, 2,652 requests in 8.03 s, p95 48.034 ms), the script, a screenshot, a
/// `.jmx` of a plan not run, and a `README.md` that pastes that console in a code block
/// under a line of prose. The README read as a second wrk run: 5,304 requests over
/// 16 s, and an SLA `requests >= 5000` passed on a run of 2,652. Now a document
/// quoting a tool's output beside the dir's own results is skipped as such, and the
/// figures are the run's once; alone in its dir the README is still read.
#[test]
fn a_readme_quoting_the_console_beside_it_is_not_a_second_run() {
    let dir = TestDir::new();
    let console = WRK_QUERY.replace("?limit=10", "");
    dir.write("laptop/out.txt", &console);
    dir.write(
        "laptop/README.md",
        format!(
            "# Load test 2026-12-05\n\nRan on my laptop:\n\n```\n$ wrk -t2 -c8 -d8s -s \
             report.lua http://127.0.0.1:18736/api/v1/agents\n{console}```\n\np95 looked fine.\n"
        ),
    );
    dir.write(
        "laptop/report.lua",
        "done = function(summary, latency, requests)\nend\n",
    );
    dir.write(
        "laptop/plan.jmx",
        "<?xml version=\"1.0\"?>\n<jmeterTestPlan/>\n",
    );
    dir.write(
        "laptop/screenshot.png",
        [0x89u8, b'P', b'N', b'G', 0, 1, 2, 3],
    );
    let run = dir.path().join("laptop");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 2652, "{stage}");
    assert!(
        (stage["duration_s"].as_f64().unwrap() - 8.03).abs() < 0.01,
        "{stage}"
    );
    assert_eq!(stage["latency_ms"]["p95"], 48.034, "{stage}");
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("README.md") && skipped.contains("quoting"),
        "{skipped}"
    );

    let sla = dir.write("sla.toml", "[global]\nrules = [\"requests >= 5000\"]\n");
    let (code, stdout, stderr) = check(&run, &sla, &[]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");

    // The README alone is the only copy of the output: read.
    dir.write(
        "alone/README.md",
        std::fs::read(run.join("README.md")).unwrap(),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("alone")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"][0]["requests"], 2652, "{report}");
}
