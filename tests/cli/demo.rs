//! `headroom demo`: README's main command, end to end on loopback (about a minute).

use crate::common::{headroom, TestDir};

#[test]
fn demo_writes_the_report_and_the_stress_stage_is_past_capacity() {
    let dir = TestDir::new();
    let out = dir.path().join("demo");
    let o = headroom(&["demo", "--out", out.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("verdict:"), "{stdout}");
    for f in ["report.md", "report.html", "report.json"] {
        assert!(out.join("report").join(f).is_file(), "{f} missing");
    }
    assert!(out.join("run/run.toml").is_file());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report/report.json")).unwrap())
            .unwrap();
    let stages = json["stages"].as_array().unwrap();
    let names: Vec<&str> = stages.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["baseline", "target", "peak", "stress"]);
    // The demo target serves at most 200 successful req/s (data/profiles/default.toml:
    // 32 workers ÷ 0.160 s mean service): 100 users asking for ~380 req/s must be
    // turned away or queued, and goodput cannot exceed capacity by more than noise.
    let stress = &stages[3];
    assert!(stress["failures"].as_u64().unwrap() > 0, "{stress}");
    assert!(
        stress["goodput_rps"].as_f64().unwrap() < 200.0 * 1.1,
        "{stress}"
    );
    assert!(json["verdict"].is_string());
    assert!(
        stdout.contains(&format!(
            "next: open {}",
            out.join("report/report.html").display()
        )),
        "{stdout}"
    );

    // A second demo replaces its own earlier output, and leaves nothing aside.
    let o = headroom(&["demo", "--out", out.to_str().unwrap(), "--charts", "none"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("report/report.json").is_file());
    // Seeded end to end, with SLA limits 2× from what it measures: the second demo
    // gives the same verdict, the same counts and every rule the same status.
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report/report.json")).unwrap())
            .unwrap();
    assert_eq!(again["verdict"], json["verdict"]);
    for key in ["verdict", "passed", "total"] {
        assert_eq!(again["sla"][key], json["sla"][key], "sla.{key}");
    }
    assert_eq!(statuses(&again), statuses(&json));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["demo"]);
}

/// Every SLA evaluation as (rule, stage, status).
fn statuses(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["sla"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let text = |k: &str| r[k].as_str().unwrap_or("-").to_string();
            (text("rule"), text("stage"), text("status"))
        })
        .collect()
}
