//! Run-dir hygiene through the binary: what a CI wrapper leaves next to the results
//! (empty `stdout.txt`/`stderr.txt`, console logs, HTML, images, JSON of another shape)
//! is listed as skipped and never blocks a verdict; a file that claims a result format
//! and is broken stays a problem.

use std::path::Path;

use serde_json::Value;

use crate::common::{analyze_json, headroom, readiness, TestDir};

/// 2023-11-14T22:13:20Z.
const T0: i64 = 1_700_000_000_000;

/// 200 successes at 20 ms, one every 10 ms: p(95) = 20 ms.
fn results() -> String {
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms,status\n");
    for i in 0..200 {
        csv.push_str(&format!("{},/a,20,200\n", T0 + i * 10));
    }
    csv
}

/// A run dir holding a valid result and a CI wrapper's leftovers.
fn cluttered_run(dir: &TestDir) -> std::path::PathBuf {
    dir.write("run/requests.csv", results());
    dir.write("run/stdout.txt", "");
    dir.write("run/stderr.txt", "");
    dir.write(
        "run/console.log",
        "Starting load test\nramping up to 10 users\ndone in 2s\n",
    );
    dir.write(
        "run/index.html",
        "<!DOCTYPE html>\n<html><body>dashboard</body></html>\n",
    );
    dir.write("run/chart.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01");
    dir.write("run/meta.json", "{\"build\": 42, \"branch\": \"main\"}\n");
    dir.path().join("run")
}

const LEFTOVERS: [&str; 6] = [
    "stdout.txt",
    "stderr.txt",
    "console.log",
    "index.html",
    "chart.png",
    "meta.json",
];

fn skipped_names(report: &Value) -> Vec<String> {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let p = s["path"].as_str().unwrap();
            Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn console_output_and_other_files_are_skipped_not_problems() {
    let dir = TestDir::new();
    let run = cluttered_run(&dir);
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        report["problems"].as_array().unwrap().len(),
        0,
        "{report:#}"
    );
    let skipped = skipped_names(&report);
    for name in LEFTOVERS {
        assert!(
            skipped.iter().any(|s| s == name),
            "{name} not in {skipped:?}"
        );
    }
    let empty = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"].as_str().unwrap().ends_with("stdout.txt"))
        .unwrap();
    assert_eq!(empty["reason"], "empty file");
    assert_eq!(report["overall"]["requests"], 200);
    let quality = readiness(&report, "Data quality");
    assert_eq!(quality["status"], "READY", "{quality}");

    // An SLA that the results pass: GO, exit 0.
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 100ms\"]\n");
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let out: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(out["verdict"], "GO", "{out:#}");
}

#[test]
fn an_empty_file_named_like_a_result_is_still_a_problem() {
    let dir = TestDir::new();
    dir.write("run/requests.csv", results());
    let jtl = dir.write("run/results.jtl", "");
    let (code, _, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains(&jtl.display().to_string()))
        .unwrap_or_else(|| panic!("results.jtl not named: {stderr}"));
    assert!(line.contains("empty file"), "{line}");
}
