//! Messy runs, batch "do" (qa111): hey, ab and autocannon files saved the way teams
//! save them, with the command echoed on top (`{ echo "$ hey …"; hey -o csv …; } >
//! hey.csv`), in stage dirs (`01-c10u/`, `02-c50u/`); and report.json's per-stage
//! provenance read back.

use serde_json::Value;

use crate::common::{analyze_json, headroom, TestDir};

/// hey's CSV header, as `hey -o csv` prints it.
const HEY_HEADER: &str =
    "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset";

/// A hey CSV of `rows` answered requests (10 ms each, 200, one every 10 ms), as hey
/// 0.1.4 wrote here against `headroom target` (rows shortened to equal latencies), with
/// `above` (the echoed command, or nothing) on top.
fn hey_csv(above: &str, rows: usize) -> String {
    let mut out = format!("{above}{HEY_HEADER}\n");
    for i in 0..rows {
        let offset = i as f64 * 0.01;
        out.push_str(&format!(
            "0.0100,0.0001,0.0000,0.0000,0.0098,0.0001,200,{offset:.4}\n"
        ));
    }
    out
}

const URL: &str = "http://127.0.0.1:18460/api/v1/agents";

fn all_notes(report: &Value) -> String {
    (report["sources"].as_array().unwrap().iter())
        .flat_map(|s| s["notes"].as_array().unwrap().iter())
        .map(|n| n.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Observed: every stage's hey CSV had its command echoed on line 1, and `analyze`
/// said "a stage dir whose files hold no load-test result" for each stage (exit 2, no
/// report). Now each CSV is read below the echoed line: every row, the users of the
/// command's `-c`, the endpoint its URL, and a note names the line left out.
#[test]
fn hey_csvs_with_the_command_echoed_on_top_are_read() {
    let dir = TestDir::new();
    for (stage, c, rows) in [("01-c10u", 10, 40), ("02-c50u", 50, 60)] {
        let above = format!("$ hey -n {rows} -c {c} -o csv {URL}\n");
        dir.write(&format!("run/{stage}/hey.csv"), hey_csv(&above, rows));
    }
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2, "{report:#}");
    let requests: Vec<u64> = stages
        .iter()
        .map(|s| s["requests"].as_u64().unwrap())
        .collect();
    assert_eq!(requests, [40, 60]);
    let users: Vec<u64> = stages
        .iter()
        .map(|s| s["users"].as_u64().unwrap())
        .collect();
    assert_eq!(users, [10, 50]);
    for s in stages {
        let keys: Vec<&str> = (s["endpoints"].as_array().unwrap().iter())
            .map(|e| e["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys.len(), 1);
        assert!(keys[0].contains("/api/v1/agents"), "{keys:?}");
    }
    let notes = all_notes(&report);
    assert!(notes.contains("line 1 (`$ hey -n 40 -c 10"), "{notes}");
    assert!(notes.contains("read from line 2"), "{notes}");
}

/// A bad row below an echoed command is named by its own line in the file (line 4:
/// the command, the header, one good row, then the bad one), and the rest is read.
#[test]
fn a_bad_row_below_an_echoed_command_keeps_its_line() {
    let dir = TestDir::new();
    let text = format!(
        "$ hey -n 3 -c 1 -o csv {URL}\n{HEY_HEADER}\n\
         0.0100,0.0001,0.0000,0.0000,0.0098,0.0001,200,0.0000\n\
         fast,0.0001,0.0000,0.0000,0.0098,0.0001,200,0.0100\n\
         0.0100,0.0001,0.0000,0.0000,0.0098,0.0001,200,0.0200\n"
    );
    let csv = dir.write("hey.csv", text);
    let (code, report, _) = analyze_json(&[&csv], &[]);
    assert_eq!(code, 2);
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["line"], 4, "{problems:?}");
    assert_eq!(report["overall"]["requests"], 2);
    let o = headroom(&["inspect", csv.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("hey-csv"), "{out}");
}

/// Observed: a hey CSV with the hey command saved beside it in `command.txt` had its
/// one endpoint named `hey` (the file's name) although the command names the URL.
#[test]
fn a_hey_csv_beside_its_command_is_named_after_the_url() {
    let dir = TestDir::new();
    dir.write(
        "c10/command.txt",
        format!("hey -n 30 -c 10 -m POST -o csv {URL}\n"),
    );
    dir.write("c10/hey.csv", hey_csv("", 30));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("c10")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let ep = &report["stages"][0]["endpoints"][0];
    assert_eq!(ep["method"], "POST", "{ep:#}");
    assert!(
        ep["key"].as_str().unwrap().contains("/api/v1/agents"),
        "{ep:#}"
    );
    assert_eq!(ep["requests"], 30);
}
