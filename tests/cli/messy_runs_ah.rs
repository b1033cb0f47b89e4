//! Messy runs, batch "ah" (qa40): headroom's own driver as a user meets it —
//! `headroom drive` against `headroom target` on loopback, stopped the ways a CI job
//! or a Kubernetes Job stops it, and sharded over several processes — then
//! `analyze` and `check` on the run dirs it wrote. Expected values come from the
//! plan (users, spawn rate: when its ramp ends), from the target's own counters
//! (`GET /__headroom/stats`) and from each shard analysed alone.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use headroom::model::Manifest;
use serde_json::Value;

use super::common::{analyze_json, TestDir};
use super::drive::{serial, start_target};

const BIN: &str = env!("CARGO_BIN_EXE_headroom");

fn manifest(dir: &Path) -> Manifest {
    Manifest::parse(&std::fs::read_to_string(dir.join("run.toml")).unwrap()).unwrap()
}

/// The target's own count of the requests it served (`GET /__headroom/stats`).
fn served(port: u16) -> u64 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"GET /__headroom/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let body = &text[text.find('{').unwrap()..=text.rfind('}').unwrap()];
    serde_json::from_str::<Value>(body).unwrap()["requests"]
        .as_u64()
        .unwrap()
}

/// A CI job's `timeout 60s headroom drive …`, `docker stop` and a deleted or timed-out
/// Kubernetes Job all stop the driver with SIGTERM, not Ctrl-C. Before, SIGTERM
/// killed it outright: exit 143, `run.toml` still "run in progress" with no stage, so
/// `analyze` read the measured seconds as one stage named after the dir. Now SIGTERM
/// stops the run as Ctrl-C does: exit 1, the stage closed and timed, the run marked
/// incomplete naming SIGTERM, and every request the target served is in the report
/// but those in flight at the stop (at most the 2 users').
#[test]
fn sigterm_stops_the_run_like_ctrl_c_and_keeps_what_was_measured() {
    let _g = serial();
    let target = start_target("fast", &[]);
    let t = TestDir::new();
    let out = t.path().join("run");
    let url = format!("http://127.0.0.1:{}/health", target.port);
    let mut child = Command::new(BIN)
        .args(["drive", "--url", &url, "--users", "2", "--think", "0.02s"])
        .args(["--duration", "30s", "-q", "--out", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until a whole interval is in the log, then stop it as `kill` does.
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        let text = std::fs::read_to_string(out.join("latency.hlog")).unwrap_or_default();
        if text.lines().filter(|l| l.starts_with("Tag=")).count() >= 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let until = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < until, "drive did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("SIGTERM"), "{err}");
    let m = manifest(&out);
    assert_eq!(m.complete, Some(false));
    assert_eq!(m.incomplete_reason.as_deref(), Some("terminated (SIGTERM)"));
    assert!(m.ended.is_some());
    assert_eq!(m.stages.len(), 1);
    assert_eq!(m.stages[0].name, "main");
    assert!(m.stages[0].end.is_some());

    let n = served(target.port);
    let (code, report, err) = analyze_json(&[&out], &[]);
    assert_eq!(code, 0, "{err}");
    let stages: Vec<&str> = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["main"]);
    let got = report["overall"]["requests"].as_u64().unwrap();
    assert!(got <= n && got + 2 >= n, "report {got}, target served {n}");
    assert!(got > 0);
    assert_eq!(report["data_quality"], "incomplete");
}
