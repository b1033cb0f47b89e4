//! Messy runs, batch "aa" (qa33): Locust and autocannon run dirs as a user keeps
//! them after real runs against `headroom target` — the console log beside the CSVs
//! (`> locust.log 2>&1`), `--json-file`, a `LoadTestShape` of several steps in one
//! run, stage dirs named by their users — and the verdicts on them.

use serde_json::Value;

use super::common::{analyze_json, check_rules, TestDir};

/// A Locust stats history's header (aggregate rows only, as without
/// `--csv-full-history`).
const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,\
     Total Request Count,Total Failure Count,Total Median Response Time,\
     Total Average Response Time,Total Min Response Time,Total Max Response Time,\
     Total Average Content Size\n";

/// The runs' first second (2026-12-05T16:00:00Z).
const T0: u64 = 1_796_486_400;

/// A stats history of `steps` run one after another, each `(users, seconds,
/// requests a second, failures a second)`, one Aggregated row a second from t = 0 (no
/// requests yet) on; and its whole-run `(requests, failures)`.
fn history(steps: &[(u32, u64, u64, u64)]) -> (String, u64, u64) {
    let mut csv = String::from(HISTORY_HEADER);
    csv.push_str(&format!(
        "{T0},0,,Aggregated,0.000000,0.000000,N/A,N/A,0,0,0,0.0,0,0,0\n"
    ));
    let (mut t, mut n, mut f) = (0, 0, 0);
    for &(users, secs, rps, fps) in steps {
        for _ in 0..secs {
            t += 1;
            n += rps;
            f += fps;
            csv.push_str(&format!(
                "{},{users},,Aggregated,{rps}.000000,{fps}.000000,20,40,{n},{f},20,21.0,2,90,70\n",
                T0 + t
            ));
        }
    }
    (csv, n, f)
}

/// A `_stats.csv` of one endpoint, `GET /api/v1/agents`, holding the whole run.
fn stats(n: u64, f: u64) -> String {
    format!(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
         50%,95%,100%\n\
         GET,/api/v1/agents,{n},{f},20,21.0,2,90,70,100.0,0.0,20,40,90\n\
         ,Aggregated,{n},{f},20,21.0,2,90,70,100.0,0.0,20,40,90\n"
    )
}

/// One statistics table of Locust's console, its rows counting `n` requests, `f` of
/// them failed.
fn table(n: u64, f: u64) -> String {
    let pct = 100.0 * f as f64 / n as f64;
    format!(
        "Type     Name                # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s\n\
         --------|------------------|-------|-------------|-------|-------|-------|-------|--------|-----------\n\
         GET      /api/v1/agents      {n}  {f}({pct:.2}%) |     21       2      90     20 |  100.00        0.00\n\
         --------|------------------|-------|-------------|-------|-------|-------|-------|--------|-----------\n\
         \x20        Aggregated          {n}  {f}({pct:.2}%) |     21       2      90     20 |  100.00        0.00\n\n"
    )
}

/// The skipped entry of the dir's `locust.log`.
fn console_skip(report: &Value) -> &Value {
    (report["skipped"].as_array().unwrap().iter())
        .find(|s| s["path"].as_str().unwrap().ends_with("locust.log"))
        .unwrap_or_else(|| panic!("{}", report["skipped"]))
}

/// `locust --headless -u 10 -t 60s --csv run --json-file stats > locust.log 2>&1`
/// (qa33's run r1): with `--json-file` Locust saves its final figures as JSON and
/// prints no final table, so the console's last table is the one it
/// printed every two seconds while running, here at 58 s: 5,800 requests where the
/// CSVs, written later, hold 6,000. Before, headroom took that table for the final
/// one, called the CSVs another run's (`not the same requests`) and the data
/// incomplete: every such run was at most CONDITIONAL, with "Re-run the test to
/// completion" as its first recommendation. Now a table printed while the run went on
/// and counting no more than the CSVs, once Locust logged its shutdown, is the same
/// run: clean, GO. The same table printed after Locust's `Shutting down` line is a
/// final table and still shows other data, and so is the last table of a run killed
/// outright (no shutdown logged).
#[test]
fn a_locust_console_without_a_final_table_is_not_another_run() {
    let (hist, n, f) = history(&[(10, 60, 100, 0)]);
    assert_eq!((n, f), (6000, 0));
    let console = |limit: &str, last: &str| {
        format!(
            "[2026-12-05 16:00:00,100] vm/INFO/locust.main: Starting Locust 2.47.0\n\
             {limit}\
             [2026-12-05 16:00:00,120] vm/INFO/locust.runners: All users spawned: {{\"Agent\": 10}} (10 total users)\n\
             {}{last}",
            table(5600, 0)
        )
    };
    let limit = "[2026-12-05 16:00:00,101] vm/INFO/locust.main: Run time limit set to 60 seconds\n";
    let end =
        "[2026-12-05 16:01:00,100] vm/INFO/locust.main: --run-time limit reached, shutting down\n\
               [2026-12-05 16:01:00,300] vm/INFO/locust.main: Shutting down (exit code 0)\n";
    let while_running = console(limit, &format!("{}{end}", table(5800, 0)));
    let after_shutdown = console(limit, &format!("{end}{}", table(5800, 0)));
    // Started without --run-time and killed outright (`kill -9`, an OOM kill): no
    // shutdown logged, and the stats history may have lost its end, unflushed; its
    // last table shows nothing then.
    let killed = console("", &table(5800, 0));
    for (text, quality, kind, says) in [
        (
            while_running,
            "clean",
            "same_data",
            "its last table was printed while the run went on",
        ),
        (
            after_shutdown,
            "incomplete",
            "other_data",
            "not the same requests",
        ),
        (killed, "incomplete", "other_data", "not the same requests"),
    ] {
        let dir = TestDir::new();
        dir.write("r1/run_stats_history.csv", &hist);
        dir.write("r1/run_stats.csv", stats(n, f));
        dir.write("r1/locust.log", &text);
        let run = dir.path().join("r1");
        let (_, report, stderr) = analyze_json(&[&run], &[]);
        assert_eq!(report["overall"]["requests"], 6000, "{stderr}");
        assert_eq!(
            report["data_quality"], quality,
            "{}",
            report["data_quality_reason"]
        );
        let skip = console_skip(&report);
        assert_eq!(skip["kind"], kind, "{skip}");
        assert!(skip["reason"].as_str().unwrap().contains(says), "{skip}");
        // 6,000 requests, none failed, p95 40 ms: inside the SLA by far.
        let (code, stdout, stderr) =
            check_rules(&dir, &run, "\"p(95) < 500ms\", \"error_rate < 1%\"");
        let verdict = if quality == "clean" {
            "GO"
        } else {
            "CONDITIONAL"
        };
        assert_eq!(code, 0, "{stdout}{stderr}");
        let said = format!("{stdout}{stderr}");
        assert!(said.contains(&format!("verdict: {verdict} ")), "{said}");
    }
}

/// A `LoadTestShape` run of two steps in one Locust run (qa33's r2): 10 users for
/// 60 s at 50 req/s without a failure, then 20 users for 60 s at 100 req/s with 10 %
/// of them failing (503s past the target's capacity). The CSVs hold 9,000 requests,
/// 600 failed (6.7 %); the console's final table 100 more, 10 of them failed — the
/// last second of the 20-user step, failing as that step does. Before, those 10 % were
/// "more often than in the CSVs" (their whole-run 6.7 %), so the data was incomplete:
/// any stepped run whose last step fails more than its first could never be GO. Now
/// the missed requests are judged against the last stage, where they belong, and
/// within the 95 % interval of the error rates: the same run. 80 of the 100 failing
/// would move the last stage's error rate past that interval: still incomplete.
#[test]
fn a_stepped_locust_runs_last_moments_are_judged_against_its_last_step() {
    let (hist, n, f) = history(&[(10, 60, 50, 0), (20, 60, 100, 10)]);
    assert_eq!((n, f), (9000, 600));
    for (failed, quality, kind) in [(10, "clean", "same_data"), (80, "incomplete", "other_data")] {
        let dir = TestDir::new();
        dir.write("r2/steps_stats_history.csv", &hist);
        dir.write("r2/steps_stats.csv", stats(n, f));
        dir.write(
            "r2/locust.log",
            format!(
                "[2026-12-05 16:00:00,100] vm/INFO/locust.main: Starting Locust 2.47.0\n\
                 [2026-12-05 16:02:00,300] vm/INFO/locust.main: Shape test completed, shutting down\n\
                 [2026-12-05 16:02:00,400] vm/INFO/locust.main: Shutting down (exit code 1)\n{}\
                 Response time percentiles (approximated)\n",
                table(n + 100, f + failed)
            ),
        );
        let (_, report, stderr) = analyze_json(&[&dir.path().join("r2")], &[]);
        let stages = report["stages"].as_array().unwrap();
        let users: Vec<&Value> = stages.iter().map(|s| &s["users"]).collect();
        assert_eq!(users, [10, 20], "{stderr}");
        assert_eq!(report["overall"]["requests"], 9000);
        assert_eq!(report["overall"]["failures"], 600);
        assert_eq!(
            report["data_quality"], quality,
            "{failed}: {}",
            report["data_quality_reason"]
        );
        let skip = console_skip(&report);
        assert_eq!(skip["kind"], kind, "{skip}");
        assert!(
            skip["reason"].as_str().unwrap().contains("95 % interval"),
            "{skip}"
        );
    }
}

/// A stage dir per users count, named as a user names them (qa33's `sd/`): `10users/`,
/// `users-50/` and `step3_100u/`, each a Locust run of 30 s (100 users overloads the
/// target: 28 % 503s). The SLA names its stages as headroom names a plateau,
/// `verdict_stages = ["50_users"]` and `[stage.10_users]`. Before, `check` stopped
/// with exit 2, "verdict_stages entry "50_users" matches no stage in the data — did
/// you mean "10users"?" (a different load level taken for a typo, since the names
/// differ in a digit and a `_`), and `10_users` for the dir `10users/` was the same
/// error. Now a name of users alone names the stage whose name is those users alone
/// (`50_users` is `users-50/`, `10_users` is `10users/`): GO on `users-50`, the
/// 10-user stage's throughput rule judged there. `100_users` names `step3`, the one
/// stage at 100 users, though its name has words of its own (qa37): NO-GO there.
#[test]
fn an_sla_names_stage_dirs_by_their_users_as_headroom_names_plateaus() {
    let dir = TestDir::new();
    for (stage, users, rps, fps) in [
        ("sd/10users", 10, 40, 0),
        ("sd/users-50", 50, 170, 0),
        ("sd/step3_100u", 100, 270, 76),
    ] {
        let (hist, n, f) = history(&[(users, 30, rps, fps)]);
        dir.write(&format!("{stage}/run_stats_history.csv"), &hist);
        dir.write(&format!("{stage}/run_stats.csv"), stats(n, f));
    }
    let run = dir.path().join("sd");
    let check = |sla: &str| {
        let file = dir.write("sla.toml", sla);
        let o = super::common::headroom(&[
            "check",
            run.to_str().unwrap(),
            "--sla",
            file.to_str().unwrap(),
        ]);
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.code().unwrap_or(-1), said)
    };
    let (code, said) = check(
        "[global]\nverdict_stages = [\"50_users\"]\n\
         rules = [\"p(95) < 1500ms\", \"error_rate < 1%\"]\n\
         [stage.10_users]\nrules = [\"throughput >= 30/s\"]\n",
    );
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("verdict: GO on `users-50`"), "{said}");
    assert!(!said.contains("did you mean"), "{said}");
    // 1,200 requests in 30 s: 40 req/s against the 10-user stage's floor of 30.
    let line = (said.lines())
        .find(|l| l.contains("throughput >= 30/s"))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(line.contains("10users") && line.contains("pass"), "{line}");

    let (code, said) = check(
        "[global]\nverdict_stages = [\"100_users\"]\n\
         rules = [\"p(95) < 1500ms\", \"error_rate < 1%\"]\n",
    );
    // On the stage at 100 users: step3's 28 % errors fail, NO-GO (exit 1).
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("verdict: NO-GO on `step3`"), "{said}");
}

/// One entry of Locust's `--json` output: `buckets` its response-time histogram
/// (`ms → count`, as Locust rounds them), `min` and `max` its unrounded extremes.
fn json_entry(method: &str, name: &str, buckets: &[(u32, u64)], min: f64, max: f64) -> String {
    let n: u64 = buckets.iter().map(|b| b.1).sum();
    let times: Vec<String> = buckets
        .iter()
        .map(|(ms, c)| format!("\"{ms}\": {c}"))
        .collect();
    let per_sec: Vec<String> = (0..10).map(|s| format!("\"{}\": 1", T0 + s)).collect();
    format!(
        "{{\"name\": \"{name}\", \"method\": \"{method}\", \"last_request_timestamp\": {}.5, \
         \"start_time\": {T0}.0, \"num_requests\": {n}, \"num_none_requests\": 0, \
         \"num_failures\": 0, \"total_response_time\": 1000.0, \"max_response_time\": {max}, \
         \"min_response_time\": {min}, \"total_content_length\": 100, \
         \"response_times\": {{{}}}, \"num_reqs_per_sec\": {{{}}}, \"num_fail_per_sec\": {{}}}}",
        T0 + 9,
        times.join(", "),
        per_sec.join(", ")
    )
}

/// `locust --headless … --json-file stats` kept alone (qa33's r1/stats.json): each
/// entry's `response_times` is Locust's histogram of times rounded to two significant
/// digits, and `min_response_time` / `max_response_time` its unrounded extremes. The
/// slowest `POST /api/v1/agents/run` took 2,344.9 ms, in the bucket 2,300; the
/// fastest `GET /health` 0.61 ms, in the bucket 1. Before, the maximum and minimum
/// were the buckets' (2,302 ms and 1 ms, where Locust's CSVs and HTML report say
/// 2,345 and 0.61), so `max < 2310ms` on that endpoint passed — a GO on a request
/// that took longer. Now they are Locust's own, and times of a bucket rounded past
/// them are taken at them (`GET /health`'s slowest 3.8 ms is in the bucket 4, so its
/// p99 is 3.8, not 4): the rule fails, NO-GO; other percentiles stay the buckets'
/// (p50 280 ms).
#[test]
fn locusts_json_keeps_its_unrounded_slowest_and_fastest_times() {
    let dir = TestDir::new();
    let entries = [
        json_entry(
            "POST",
            "/api/v1/agents/run",
            &[(41, 1), (280, 50), (2300, 1)],
            41.478,
            2344.92,
        ),
        // The fastest took 0.61 ms, so the 4 other times of the bucket 1 took at
        // least that; the slowest 3.8 ms, so none of the bucket 4's took more.
        json_entry("GET", "/health", &[(1, 5), (4, 10)], 0.608, 3.8),
    ];
    dir.write("json/stats.json", format!("[{}]", entries.join(", ")));
    let run = dir.path().join("json");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let endpoint = |key: &str| -> Value {
        (report["stages"][0]["endpoints"].as_array().unwrap().iter())
            .find(|e| e["key"] == key)
            .unwrap_or_else(|| panic!("{report:#}"))
            .clone()
    };
    let close = |v: &Value, want: f64| {
        let v = v.as_f64().unwrap();
        // HdrHistogram's 3 significant digits: within 0.1 %.
        assert!((v - want).abs() <= want * 1e-3, "{v} vs {want}");
    };
    let run_agent = endpoint("POST /api/v1/agents/run");
    close(&run_agent["latency_ms"]["max"], 2344.92);
    close(&run_agent["latency_ms"]["min"], 41.478);
    close(&run_agent["latency_ms"]["p50"], 280.0);
    let health = endpoint("GET /health");
    close(&health["latency_ms"]["min"], 0.608);
    close(&health["latency_ms"]["max"], 3.8);
    // Nearest rank 99 of 15: the 15th, the slowest (3.8 ms, not the bucket's 4).
    close(&health["latency_ms"]["p99"], 3.8);
    close(&report["overall"]["latency_ms"]["max"], 2344.92);
    close(&report["overall"]["latency_ms"]["min"], 0.608);

    let sla = dir.write(
        "sla.toml",
        "[endpoint.\"POST /api/v1/agents/run\"]\nrules = [\"max < 2310ms\"]\n",
    );
    let o = super::common::headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(1), "{said}");
    assert!(said.contains("verdict: NO-GO"), "{said}");
}
