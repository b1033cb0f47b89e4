//! Messy runs, batch "ah" (qa40): headroom's own driver as a user meets it —
//! `headroom drive` against `headroom target` on loopback, stopped the ways a CI job
//! or a Kubernetes Job stops it, and sharded over several processes — then
//! `analyze` and `check` on the run dirs it wrote. Expected values come from the
//! plan (users, spawn rate: when its ramp ends), from the target's own counters
//! (`GET /__headroom/stats`) and from each shard analysed alone.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use headroom::model::Manifest;
use serde_json::Value;

use super::common::{analyze_json, drive_hlog, TestDir};
use super::drive::{drive, serial, start_target};

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

fn secs(t: &str) -> f64 {
    humantime::parse_rfc3339_weak(t)
        .unwrap()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
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
    // The run stopped early, so its data is never clean: incomplete, or inconsistent
    // when the audit also questions the seconds measured (a client starved of CPU by a
    // loaded machine keeps fewer requests in flight than its users), which ranks above
    // incomplete. The stop itself is in the report either way.
    let quality = report["data_quality"].as_str().unwrap();
    assert!(
        ["incomplete", "inconsistent"].contains(&quality),
        "{quality}: {}",
        report["data_quality_reason"]
    );
    assert_eq!(report["run"]["complete"], false, "{:#}", report["run"]);
    assert_eq!(report["run"]["incomplete_reason"], "terminated (SIGTERM)");
}

/// A stage of `users` at `spawn_rate` ramps until the plan's last user starts:
/// (users − from − 1) ÷ spawn_rate after the stage start.
fn ramp_s(from: u32, users: u32, spawn_rate: f64) -> f64 {
    f64::from(users - from - 1) / spawn_rate
}

/// Three shards of a plan with ramps, started together (`--start-at`). Each shard
/// owns users k with k mod 3 = i, so its own last user starts before the plan's
/// (shard 0 of 6 users at 3/s: user 3 at 1.0 s; the plan's user 5 at 1.67 s). Before,
/// each shard began its steady window at its own last user: the windows were
/// staggered by up to (N−1) ÷ spawn rate, shard 0 counted requests of the plan's
/// ramp, and the merged stage (the union of the windows) divided the sum of the
/// shards' counts by a longer window than any shard's, so its throughput was below
/// the sum of the shards' (42.2 against 44.4 req/s in a 4 s stage). Now every shard's
/// steady window starts when the plan's ramp ends, as a single run's does, and the
/// merged throughput is the shards' sum.
#[test]
fn sharded_stages_share_the_plans_steady_window() {
    let _g = serial();
    let target = start_target("fast", &[]);
    let t = TestDir::new();
    let plan = t.write(
        "plan.toml",
        format!(
            "base_url = \"http://127.0.0.1:{}\"\nthink_time = \"constant(0.05)\"\n\
             [[task]]\npath = \"/health\"\n\
             [[stage]]\nname = \"ramp\"\nusers = 6\nspawn_rate = 3\nduration = \"3s\"\n\
             [[stage]]\nname = \"more\"\nusers = 12\nspawn_rate = 6\nduration = \"2s\"\n",
            target.port
        ),
    );
    let plan = plan.display().to_string();
    let start =
        humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(3)).to_string();
    let dirs: Vec<PathBuf> = (0..3)
        .map(|i| t.path().join(format!("shard-{i}")))
        .collect();
    let runs: Vec<_> = dirs
        .iter()
        .enumerate()
        .map(|(i, dir)| {
            let (plan, start, dir) = (plan.clone(), start.clone(), dir.display().to_string());
            std::thread::spawn(move || {
                let shard = format!("{i}/3");
                let args = ["--shard", &shard, "--start-at", &start, "-q", "--out", &dir];
                drive(
                    &[&[plan.as_str()][..], &args].concat(),
                    Duration::from_secs(30),
                )
            })
        })
        .collect();
    for r in runs {
        let (status, _, err) = r.join().unwrap();
        assert!(status.success(), "{err}");
    }

    // The plan's ramps: 6 users at 3/s, then users 6..12 at 6/s.
    let ramps = [ramp_s(0, 6, 3.0), ramp_s(6, 12, 6.0)];
    for dir in &dirs {
        let m = manifest(dir);
        for (stage, ramp) in m.stages.iter().zip(ramps) {
            let from_start = secs(stage.steady_start.as_deref().unwrap())
                - secs(stage.start.as_deref().unwrap());
            assert!(
                (from_start - ramp).abs() < 0.1,
                "{}: stage {} steady {from_start:.3} s after its start, the plan's ramp is {ramp:.3} s",
                dir.display(),
                stage.name
            );
        }
    }

    // Merged: the shards' requests over the one window, so the shards' rates add.
    let paths: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let (code, merged, err) = analyze_json(&paths, &[]);
    assert_eq!(code, 0, "{err}");
    let alone: Vec<Value> = paths
        .iter()
        .map(|p| {
            let (code, r, err) = analyze_json(&[p], &[]);
            assert_eq!(code, 0, "{err}");
            r
        })
        .collect();
    for (i, name) in ["ramp", "more"].iter().enumerate() {
        let m = &merged["stages"][i];
        assert_eq!(m["name"], *name);
        let parts: Vec<&Value> = alone.iter().map(|r| &r["stages"][i]).collect();
        let requests: u64 = parts.iter().map(|s| s["requests"].as_u64().unwrap()).sum();
        assert_eq!(m["requests"].as_u64(), Some(requests));
        let window = m["duration_s"].as_f64().unwrap();
        for s in &parts {
            let d = s["duration_s"].as_f64().unwrap();
            assert!(
                (d - window).abs() < 0.05,
                "{name}: shard {d} s, merged {window} s"
            );
        }
        let sum: f64 = parts
            .iter()
            .map(|s| s["throughput_rps"].as_f64().unwrap())
            .sum();
        let x = m["throughput_rps"].as_f64().unwrap();
        assert!(
            (x - sum).abs() <= 0.02 * sum,
            "{name}: merged {x} req/s, the shards' sum {sum} req/s"
        );
    }
}

/// Shard `index` of 3 as `drive --shard` writes it: an open stage of 20 req/s for
/// 30 s (600 arrivals, all sent), its interval log at `latency_us` (each shard's
/// differs, so no log is a copy of another).
fn shard_fixture(t: &TestDir, index: u32, latency_us: u64) -> PathBuf {
    let name = format!("shard-{index}");
    t.write(
        &format!("{name}/run.toml"),
        format!(
            "started = \"2026-12-04T09:27:27.000Z\"\nended = \"2026-12-04T09:27:57.000Z\"\n\
             tool = \"headroom 0.1.0\"\ntarget_url = \"http://127.0.0.1:9\"\ncomplete = true\n\
             think_time = \"constant(0)\"\n\
             [shard]\nindex = {index}\ncount = 3\nplan_hash = \"5ca1ab1e5ca1ab1e\"\n\
             planned_arrivals = 600\nsent = 600\ndropped = 0\n\
             start_at = \"2026-12-04T09:27:27Z\"\nstart_offset_ms = 0.5\n\
             [[stage]]\nname = \"main\"\narrival_rate_rps = 20.0\n\
             start = \"2026-12-04T09:27:27.000Z\"\nsteady_start = \"2026-12-04T09:27:27.000Z\"\n\
             end = \"2026-12-04T09:27:57.000Z\"\nplanned_arrivals = 600\n\
             [[task]]\nname = \"GET /item\"\nendpoint = \"GET /item\"\nweight = 1\n"
        ),
    );
    t.write(
        &format!("{name}/latency.hlog"),
        drive_hlog(30, 20, latency_us),
    );
    t.path().join(name)
}

/// The verdict word `check` printed.
fn verdict(stdout: &str) -> &str {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("verdict: "))
        .unwrap_or_else(|| panic!("no verdict in {stdout}"));
    line["verdict: ".len()..].split_whitespace().next().unwrap()
}

/// Three shards copied off a Kubernetes results volume, one of them without its
/// `latency.hlog` (its pod's write failed, or the copy missed it) or with it cut
/// short: its `run.toml` says it sent 600 requests. Before, the merge silently left
/// the shard's requests out — a third of the plan's load unmeasured — and the SLA
/// gave GO on the other two as if they were the run. Now the run is incomplete,
/// naming the shard and how many of its requests are missing, so it is never a GO;
/// the whole set still is.
#[test]
fn a_shard_whose_results_are_missing_is_never_a_go() {
    let t = TestDir::new();
    let dirs: Vec<PathBuf> = (0..3)
        .map(|i| shard_fixture(&t, i, 2000 + 100 * u64::from(i)))
        .collect();
    let sla = t.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\"]\n",
    );
    let check = || {
        let mut args = vec!["check".to_string()];
        args.extend(dirs.iter().map(|d| d.display().to_string()));
        args.extend(["--sla".into(), sla.display().to_string()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = super::common::headroom(&refs);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    // The whole set: 1,800 requests at 2.0–2.2 ms, 60 req/s.
    let (code, out) = check();
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(verdict(&out), "GO", "{out}");

    let hlog = dirs[1].join("latency.hlog");
    let whole = std::fs::read_to_string(&hlog).unwrap();
    std::fs::remove_file(&hlog).unwrap();
    let (_, out) = check();
    assert_eq!(verdict(&out), "CONDITIONAL", "{out}");
    assert!(
        out.contains("shard 1/3")
            && out.contains("sent 600 requests but its results (latency.hlog) are missing"),
        "{out}"
    );

    // Cut after its first 10 intervals, at a line's end: 200 of its 600 requests.
    let cut: String = whole
        .lines()
        .take(6 + 10)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&hlog, cut).unwrap();
    let (_, out) = check();
    assert_eq!(verdict(&out), "CONDITIONAL", "{out}");
    assert!(
        out.contains("sent 600 requests but its files hold 200"),
        "{out}"
    );
}

/// One unsharded `drive` run copied off the machine that ran it, its `latency.hlog`
/// cut at a line's end (a copy stopped early, a disk full), or lost. Before, nothing
/// told: every line read, the SLA gave GO on the third of the run kept. `drive` now
/// writes the requests it recorded into run.toml (`recorded_requests`, as a shard's
/// `sent`), so a log holding fewer makes the run incomplete, naming both counts.
#[test]
fn an_unsharded_drive_run_whose_log_was_cut_short_is_never_a_go() {
    let t = TestDir::new();
    // 30 s at 20 req/s, as drive writes it: 600 requests recorded.
    t.write(
        "run/run.toml",
        "started = \"2026-12-04T09:27:27.000Z\"\nended = \"2026-12-04T09:27:57.000Z\"\n\
         tool = \"headroom 0.1.0\"\ntarget_url = \"http://127.0.0.1:9\"\ncomplete = true\n\
         think_time = \"constant(0)\"\nrecorded_requests = 600\n\
         [[stage]]\nname = \"main\"\narrival_rate_rps = 20.0\n\
         start = \"2026-12-04T09:27:27.000Z\"\nsteady_start = \"2026-12-04T09:27:27.000Z\"\n\
         end = \"2026-12-04T09:27:57.000Z\"\nplanned_arrivals = 600\n",
    );
    let whole = drive_hlog(30, 20, 2000);
    let hlog = t.write("run/latency.hlog", &whole);
    let sla = t.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\"]\n",
    );
    let check = || {
        let o = super::common::headroom(&[
            "check",
            t.path().join("run").to_str().unwrap(),
            "--sla",
            sla.to_str().unwrap(),
        ]);
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let out = check();
    assert_eq!(verdict(&out), "GO", "{out}");

    // Its 6 header lines and first 10 of 30 one-second intervals: 200 of 600.
    let cut: String = (whole.lines().take(6 + 10))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&hlog, cut).unwrap();
    let out = check();
    assert_eq!(verdict(&out), "CONDITIONAL", "{out}");
    assert!(
        out.contains("drive recorded 600 requests (run.toml) but latency.hlog holds 200"),
        "{out}"
    );
    // A window asked for (`--to`) reads part of the log on purpose: nothing said.
    let (_, report, _) = analyze_json(&[&t.path().join("run")], &["--to", "2026-12-04T09:27:32Z"]);
    assert_eq!(report["run"]["complete"], Value::Bool(true), "{report}");
}
