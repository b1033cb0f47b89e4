//! Messy runs, batch "dc" (lead's user check): siege fed a file of URLs
//! (`siege -c 30 -f urls.txt`), with its command echoed above its JSON summary in a
//! stage dir whose name gives no users.

use crate::common::{analyze_json, headroom, readiness, TestDir};
use crate::latency_units::seconds_csv;
use crate::messy_runs_bp::h2load_text;
use crate::messy_runs_cq::siege_text;

/// The console a team keeps per step: `{ echo "$ siege …"; siege … -j; } > console.txt`.
fn siege_console(users: u32, n: u64) -> String {
    format!(
        "$ siege -b -c {users} -t 8S -f urls.txt -i --log=siege.log -j\n{}",
        siege_text(n, 0.11)
    )
}

/// Observed: `siege -c 10 -t 8S -f urls.txt -i -j` in `step-10/`, `-c 30` in `step-30/`,
/// each command echoed above siege's JSON: the users were `—` (a command line was taken
/// to be siege's only when it named a URL, and `-f urls.txt` names none), capacity was
/// NOT ASSESSED, and the note asked for the command line that was there. Now the `-c`
/// of the echoed command gives each stage its users, and the note no longer asks for
/// them.
#[test]
fn siege_with_a_file_of_urls_takes_its_users_from_the_echoed_command() {
    let dir = TestDir::new();
    dir.write("run/step-10/console.txt", siege_console(10, 552));
    dir.write("run/step-30/console.txt", siege_console(30, 2_079));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().unwrap();
    let users: Vec<(&str, u64)> = (stages.iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["users"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(users, [("step-10", 10), ("step-30", 30)], "{stages:#?}");
    let notes = report.to_string();
    assert!(
        notes.contains("its 30 users are read from the command echoed"),
        "{notes}"
    );
    assert!(!notes.contains("give them by the dir name"), "{notes}");
}

/// Observed: `h2load -c 32 -D 6 -i urls.txt --h1` in `32u/`: report.md's stage showed
/// h2load's mean (31.4 ms) and max, then said "Latency: no latency data". A tool's
/// summary with a mean but no percentiles is now said to be that.
#[test]
fn a_summary_with_a_mean_and_no_percentiles_is_not_called_no_latency_data() {
    let dir = TestDir::new();
    dir.write("run/32u/h2load.log", h2load_text(32, 2.0, "41.50ms"));
    let out = dir.path().join("out");
    let run = dir.path().join("run");
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| Latency mean | 41.5 ms |"), "{md}");
    assert!(
        md.contains("Latency: the tool's own summary (no percentiles)."),
        "{md}"
    );
    assert!(!md.contains("no latency data"), "{md}");
}

/// Observed: a team's own `results.csv` (`timestamp,endpoint,status,latency`, epoch
/// seconds and latencies like `0.0296`): the caveat said the latency unit is in doubt,
/// yet Readiness showed "Data quality READY — data_quality clean" and "overall p95
/// 57 µs" as if measured. Now the data-quality row is AT RISK naming the doubt, and the
/// Latency row's p95 says it holds only if the unit is ms.
#[test]
fn a_latency_unit_in_doubt_puts_data_quality_at_risk() {
    let dir = TestDir::new();
    dir.write("run/results.csv", seconds_csv(false));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let row = readiness(&report, "Data quality");
    assert_eq!(row["status"], "AT RISK", "{row}");
    assert!(
        row["evidence"]
            .as_str()
            .unwrap()
            .contains("latency unit is in doubt"),
        "{row}"
    );
    let latency = readiness(&report, "Latency")["evidence"].as_str().unwrap();
    assert!(latency.contains("if its unit is ms"), "{latency}");
}

/// Observed: `siege -c 8 -t 3S -j 'http://…/api/v1/agents/run POST {"a":1}'` echoed
/// above siege's JSON: the reader took the command's `{"a":1}'` for the JSON block and
/// refused the file ("siege's JSON block is not valid JSON", exit 2). Now the block is
/// the one whose `{` opens its line, and the command's URL and method name the
/// endpoint (it was the file's name, `console`), as hey's command does; a run over
/// `-f urls.txt` is named by that file.
#[test]
fn an_echoed_siege_post_body_is_no_json_block_and_names_the_endpoint() {
    let dir = TestDir::new();
    let cmd = "$ siege -c 8 -t 3S -j 'http://127.0.0.1:18420/api/v1/agents/run POST {\"a\":1}'";
    dir.write(
        "run/c8/console.txt",
        format!("{cmd}\n{}", siege_text(73, 0.26)),
    );
    dir.write("run/c16/console.txt", siege_console(16, 120));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let keys: Vec<(&str, u64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            let e = &s["endpoints"][0];
            (e["key"].as_str().unwrap(), e["requests"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("POST http://127.0.0.1:18420/api/v1/agents/run", 73),
            ("urls.txt (siege -f)", 120)
        ],
        "{report:#}"
    );
    assert!(
        report.to_string().contains("POST {\\\"a\\\":1}'`"),
        "{report}"
    );
}
