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
    // The demo target has 32 workers (data/profiles/default.toml; 200 req/s at its
    // 0.160 s mean service for the weighted mix): 100 users asking for ~380 req/s must
    // be turned away or queued, and the work its successes took cannot exceed what 32
    // workers do in the stage by more than noise. Counted as work, not as goodput: an
    // overloaded stage's successes need not follow the mix's weights (a few slow
    // workflows fewer is a few more fast answers).
    let stress = &stages[3];
    assert!(stress["failures"].as_u64().unwrap() > 0, "{stress}");
    let mean_service_s = |name: &str| match name {
        "GET /api/v1/agents" => 0.020,
        "GET /api/v1/agents/{id}" => 0.040,
        "POST /api/v1/agents/run" => 0.300,
        "POST /api/v1/workflows/run" => 1.0,
        "GET /health" => 0.0,
        other => panic!("an endpoint the profile lacks: {other}"),
    };
    let work_s: f64 = (stress["endpoints"].as_array().unwrap().iter())
        .map(|e| {
            let ok = e["requests"].as_u64().unwrap() - e["failures"].as_u64().unwrap();
            ok as f64 * mean_service_s(e["key"].as_str().unwrap())
        })
        .sum();
    let worker_s = 32.0 * stress["duration_s"].as_f64().unwrap();
    assert!(
        work_s < worker_s * 1.15,
        "{work_s} s of work in {worker_s} worker-s"
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
