//! Messy runs, batch "af" (qa38): runs that went wrong, kept as a user ends up with
//! them — a tool killed or interrupted mid-run, the target killed under it, files cut
//! short or written over — and read by `analyze` and `check` as if they went right.
//! An incomplete run is never GO, and says what is missing.

use serde_json::Value;

use super::common::{analyze_json, check_rules, TestDir};

/// A Locust stats history's header (Aggregated rows only, as without
/// `--csv-full-history`).
const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,\
     Total Request Count,Total Failure Count,Total Median Response Time,\
     Total Average Response Time,Total Min Response Time,Total Max Response Time,\
     Total Average Content Size\n";

/// The run's first second (2026-12-05T16:00:00Z).
const T0: u64 = 1_796_486_400;

/// A stats history of 10 users for `secs` seconds at `rps` requests a second, none
/// failed: one Aggregated row a second from t = 0 (no requests yet) on; and the
/// requests its last row counts.
fn history(secs: u64, rps: u64) -> (String, u64) {
    let mut csv = String::from(HISTORY_HEADER);
    csv.push_str(&format!(
        "{T0},10,,Aggregated,0.000000,0.000000,N/A,N/A,0,0,0,0.0,0,0,0\n"
    ));
    for t in 1..=secs {
        let n = t * rps;
        csv.push_str(&format!(
            "{},10,,Aggregated,{rps}.000000,0.000000,20,40,{n},0,20,21.0,2,90,70\n",
            T0 + t
        ));
    }
    (csv, secs * rps)
}

/// A `_stats.csv` of one endpoint, `GET /api/v1/agents`, counting `n` requests.
fn stats(n: u64) -> String {
    format!(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
         50%,95%,100%\n\
         GET,/api/v1/agents,{n},0,20,21.0,2,90,70,20.0,0.0,20,40,90\n\
         ,Aggregated,{n},0,20,21.0,2,90,70,20.0,0.0,20,40,90\n"
    )
}

/// `locust --headless -u 10 -t 60s --csv run > /dev/null`, killed with `kill -9` after
/// 25 s (a CI job's hard timeout, an OOM kill), no console kept. Locust rewrites
/// `run_stats.csv` every second but flushes `run_stats_history.csv` only every 5 s and
/// as it shuts down, so the stats file counts 500 requests and the history's last row
/// 400, 5 s earlier (as a real `kill -9` of Locust 2.47 left: 516 against 362). Before,
/// nothing said the run had not ended: GO under a latency-only SLA on 20 s of a 60 s
/// run. Now the history behind its stats file makes the run incomplete (CONDITIONAL),
/// saying Locust did not shut down and how many requests the stages miss; the stage
/// shows the history's own 400 requests. The same files ending together (any normal
/// end: Ctrl-C, SIGTERM, `--run-time` reached) stay clean and GO.
#[test]
fn a_locust_run_killed_outright_without_its_console_is_not_go() {
    let (hist, in_history) = history(20, 20);
    assert_eq!(in_history, 400);
    for (in_stats, quality, verdict) in [(500, "incomplete", "CONDITIONAL"), (400, "clean", "GO")] {
        let dir = TestDir::new();
        dir.write("r1/run_stats_history.csv", &hist);
        dir.write("r1/run_stats.csv", stats(in_stats));
        dir.write("r1/run_failures.csv", "Method,Name,Error,Occurrences\n");
        let run = dir.path().join("r1");
        let (code, report, stderr) = analyze_json(&[&run], &[]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            report["data_quality"], quality,
            "{}",
            report["data_quality_reason"]
        );
        assert_eq!(report["overall"]["requests"], in_stats, "{stderr}");
        let stage_requests: u64 = (report["stages"].as_array().unwrap().iter())
            .map(|s| s["requests"].as_u64().unwrap())
            .sum();
        assert_eq!(stage_requests, in_history, "{}", report["stages"]);
        let reason = report["run"]["incomplete_reason"].as_str().unwrap_or("");
        if in_stats > in_history {
            assert_eq!(report["run"]["complete"], Value::Bool(false));
            for says in ["Locust did not shut down", "last 100 requests", "killed"] {
                assert!(reason.contains(says), "{says}: {reason}");
            }
        } else {
            assert!(reason.is_empty(), "{reason}");
        }
        for rules in [
            "\"p(95) < 500ms\"",
            "\"p(95) < 500ms\", \"error_rate < 5%\"",
        ] {
            let (code, stdout, stderr) = check_rules(&dir, &run, rules);
            assert_eq!(code, 0, "{stdout}{stderr}");
            let said = format!("{stdout}{stderr}");
            assert!(said.contains(&format!("verdict: {verdict} ")), "{said}");
            if verdict != "GO" {
                assert!(said.contains("Locust did not shut down"), "{said}");
            }
        }
    }
}

/// hey's CSV of `rows` answered requests, 20 ms each, 2 ms apart from offset 0: a 200
/// each.
fn hey_csv(rows: u64) -> String {
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..rows {
        let offset = i as f64 * 0.002;
        csv.push_str(&format!(
            "0.0200,0.0000,0.0000,0.0000,0.0199,0.0001,200,{offset:.4}\n"
        ));
    }
    csv
}

/// `hey -n 2000 -c 10 -o csv URL > hey.csv`, saved in `run.sh`, stopped with Ctrl-C
/// after 600 answers: hey writes the CSV of what ran, as it prints its summary. Before,
/// the command was read beside hey's text summary only, so the CSV read as a whole
/// run: its verdict named only the CSV's missing transport errors, never that 70 % of
/// the planned run is not there. Now the run is incomplete and says hey was started
/// for 2,000 requests and the CSV holds 600; the same for `-z 10s` when its answers
/// end at 1.2 s. The whole 2,000 (or a `-z 1s` run ending after 1.2 s) stays complete.
#[test]
fn a_hey_csv_run_stopped_short_of_its_saved_command_is_incomplete() {
    let url = "http://127.0.0.1:18380/api/v1/agents";
    for (command, rows, says) in [
        ("-n 2000", 600, Some("hey was started for 2000 requests")),
        ("-n 2000", 2000, None),
        ("-z 10s", 600, Some("hey was started for 10 s")),
        ("-z 1s", 600, None),
    ] {
        let dir = TestDir::new();
        dir.write("r1/hey.csv", hey_csv(rows));
        dir.write(
            "r1/run.sh",
            format!("hey {command} -c 10 -o csv {url} > hey.csv\n"),
        );
        let run = dir.path().join("r1");
        let (code, report, stderr) = analyze_json(&[&run], &[]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(report["overall"]["requests"], rows, "{stderr}");
        let reason = report["run"]["incomplete_reason"].as_str().unwrap_or("");
        match says {
            Some(says) => {
                assert_eq!(report["run"]["complete"], Value::Bool(false), "{command}");
                assert_eq!(report["data_quality"], "incomplete", "{command}");
                for said in [says, "run.sh", "its CSV", "leaves out the requests"] {
                    assert!(reason.contains(said), "{command}: {said}: {reason}");
                }
                if command.starts_with("-n") {
                    assert!(reason.contains("its CSV holds 600"), "{reason}");
                }
                let (code, stdout, stderr) = check_rules(&dir, &run, "\"p(95) < 500ms\"");
                assert_eq!(code, 0, "{stdout}{stderr}");
                assert!(stdout.contains("verdict: CONDITIONAL "), "{stdout}");
                assert!(stdout.contains("the run stopped early"), "{stdout}");
            }
            None => assert!(reason.is_empty(), "{command}: {reason}"),
        }
    }
}
