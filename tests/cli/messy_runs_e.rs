//! Judgements on messy real run dirs (QA round 8): what teams hand over from tools
//! headroom cannot run here (k6, JMeter, vegeta, wrk2), mixed with what sits beside
//! it (compressed copies, the tool's other outputs), odd units, and SLA files whose
//! names are spelled otherwise than the data's.

use std::path::Path;

use serde_json::Value;

use crate::common::{analyze_json, headroom, TestDir};

/// Runs `check DIR --sla SLA --format json` and returns (exit code, its JSON).
fn check_json(dir: &Path, sla: &Path) -> (i32, Value) {
    let o = headroom(&[
        "check",
        &dir.display().to_string(),
        "--sla",
        &sla.display().to_string(),
        "--format",
        "json",
    ]);
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json)
}

/// The first stage of a report.
fn stage0(report: &Value) -> &Value {
    &report["stages"][0]
}

#[test]
fn a_generic_csvs_timestamps_in_epoch_seconds_are_not_read_as_milliseconds() {
    // 1,000 requests 10 ms apart from 2025-12-04T08:00:00Z: 100 req/s over 9.99 s.
    // The column is the plain `timestamp` (ms by default), its values epoch seconds.
    let dir = TestDir::new();
    let mut csv = String::from("timestamp,endpoint,method,latency_ms,status\n");
    for i in 0..1000u32 {
        let t = 1_764_835_200.0 + f64::from(i) * 0.01;
        csv.push_str(&format!("{t:.3},/item,GET,{},200\n", i + 1));
    }
    dir.write("run/results.csv", &csv);
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"throughput >= 1000/s\", \"p(95) < 2s\"]\n",
    );
    let run = dir.path().join("run");
    let (code, report, _) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0);
    let s = stage0(&report);
    assert_eq!(s["requests"], 1000);
    let rps = s["throughput_rps"].as_f64().unwrap();
    assert!(
        (rps - 1000.0 / 9.99).abs() < 0.5,
        "100 req/s, not ×1000: {rps}"
    );
    assert!(
        report["run"]["started"]
            .as_str()
            .unwrap()
            .starts_with("2025-12-04T08:00:00"),
        "{}",
        report["run"]
    );
    let notes = report["sources"].to_string();
    assert!(notes.contains("Unix times in seconds"), "{notes}");
    // 100 req/s misses a 1,000 req/s floor: NO-GO, never a GO on 100,000 req/s.
    let (code, check) = check_json(&run, &dir.path().join("sla.toml"));
    assert_eq!(code, 1, "{check}");
    assert_eq!(check["verdict"], "NO-GO", "{check}");
}
