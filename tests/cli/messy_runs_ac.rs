//! Messy runs, batch "ac" (qa35): a newcomer's first hour with `check` on run dirs of
//! the Debian tools (wrk with a Lua `done()` script, hey, ab, siege, h2load, httperf)
//! against `headroom target`, gated by SLA files written the way users write them.
//! An SLA rule on an endpoint the tool spells otherwise (a URL with its query string,
//! or no URL at all) is judged, or held back as lacking data: never skipped into a GO.

use std::path::Path;

use super::common::{headroom, TestDir};

/// Runs `check RUN --sla SLA` with `extra` flags; returns the exit code, stdout and
/// stderr.
fn check(run: &Path, sla: &Path, extra: &[&str]) -> (i32, String, String) {
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
