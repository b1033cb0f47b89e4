//! `headroom drive` and `headroom target` end to end, on loopback only.
//!
//! Expectations come from the target profile (its service time and worker count,
//! through `Profile`'s formulas) and queueing laws, never from earlier output.
//! Measured throughput is read from the written `latency.hlog` with the small
//! parser below (sum of interval counts ÷ the length of the intervals inside the
//! stage's steady window from `run.toml`). Timing-sensitive tests run one at a time.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hdrhistogram::serialization::Deserializer;
use hdrhistogram::Histogram;
use headroom::driver::target::Profile;
use headroom::model::{Manifest, ThinkTime};

const BIN: &str = env!("CARGO_BIN_EXE_headroom");

/// Timing-sensitive tests share two cores: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

pub(crate) fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A `headroom target` child process, killed on drop.
pub(crate) struct TargetProc {
    child: Child,
    pub(crate) port: u16,
}

impl Drop for TargetProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_target(profile: &str, extra: &[&str]) -> TargetProc {
    let mut child = Command::new(BIN)
        .args([
            "target",
            "--listen",
            "127.0.0.1:0",
            "--profile",
            profile,
            "--max-duration",
            "60s",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start headroom target");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let _ = tx.send(first);
        // Keep reading, so the target never writes to a closed pipe.
        for _ in lines {}
    });
    let line = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("target printed its address");
    let port = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| {
            let _ = child.kill();
            panic!("no port in {line:?}")
        });
    TargetProc { child, port }
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> ExitStatus {
    let until = Instant::now() + limit;
    loop {
        if let Some(s) = child.try_wait().expect("wait") {
            return s;
        }
        if Instant::now() > until {
            let _ = child.kill();
            panic!("process did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub(crate) fn drive(args: &[&str], limit: Duration) -> (ExitStatus, String, String) {
    let mut child = Command::new(BIN)
        .arg("drive")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start headroom drive");
    let status = wait_with_timeout(&mut child, limit);
    let read = |r: Option<&mut dyn std::io::Read>| {
        let mut s = String::new();
        if let Some(r) = r {
            let _ = r.read_to_string(&mut s);
        }
        s
    };
    let out = read(child.stdout.as_mut().map(|s| s as &mut dyn std::io::Read));
    let err = read(child.stderr.as_mut().map(|s| s as &mut dyn std::io::Read));
    (status, out, err)
}

/// One `Tag=` line of an interval log.
pub(crate) struct IntervalLine {
    pub(crate) start_s: f64,
    pub(crate) len_s: f64,
    pub(crate) hist: Histogram<u64>,
}

/// A parsed `latency.hlog`: its start and interval lines, plus failures per interval.
pub(crate) struct Hlog {
    start: SystemTime,
    pub(crate) intervals: Vec<IntervalLine>,
    /// (interval start s, kind, count)
    failures: Vec<(f64, String, u64)>,
}

pub(crate) fn read_hlog(path: &Path) -> Hlog {
    let text = std::fs::read_to_string(path).expect("read latency.hlog");
    let mut start = None;
    let mut intervals = Vec::new();
    let mut failures = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("#[StartTime: ") {
            let secs: f64 = rest.split_whitespace().next().unwrap().parse().unwrap();
            start = Some(UNIX_EPOCH + Duration::from_secs_f64(secs));
        } else if let Some(rest) = line.strip_prefix("#[failures: Tag=") {
            let rest = rest.trim_end_matches(']');
            let mut f = rest.splitn(3, ',');
            let (_tag, t, kinds) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
            for kv in kinds.split(';') {
                let (k, n) = kv.rsplit_once('=').unwrap();
                failures.push((t.parse().unwrap(), k.to_string(), n.parse().unwrap()));
            }
        } else if line.starts_with("Tag=") {
            let f: Vec<&str> = line.splitn(5, ',').collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(f[4])
                .expect("base64");
            let hist: Histogram<u64> = Deserializer::new()
                .deserialize(&mut &bytes[..])
                .expect("histogram");
            intervals.push(IntervalLine {
                start_s: f[1].parse().unwrap(),
                len_s: f[2].parse().unwrap(),
                hist,
            });
        }
    }
    Hlog {
        start: start.expect("StartTime header"),
        intervals,
        failures,
    }
}

fn secs_between(a: SystemTime, b: &str) -> f64 {
    let b = humantime::parse_rfc3339(b).expect("RFC 3339");
    b.duration_since(a)
        .map_or_else(|e| -e.duration().as_secs_f64(), |d| d.as_secs_f64())
}

/// (requests, successes, window s) over the whole intervals inside the first stage's
/// steady window, its first `trim_s` seconds left out.
fn steady_counts(dir: &Path, trim_s: f64) -> (u64, u64, f64) {
    let manifest =
        Manifest::parse(&std::fs::read_to_string(dir.join("run.toml")).unwrap()).unwrap();
    let log = read_hlog(&dir.join("latency.hlog"));
    let stage = &manifest.stages[0];
    let from = secs_between(log.start, stage.steady_start.as_deref().unwrap()) + trim_s;
    let to = secs_between(log.start, stage.end.as_deref().unwrap());
    let (mut n, mut window) = (0u64, 0.0);
    let mut starts = Vec::new();
    for iv in &log.intervals {
        if iv.start_s >= from && iv.start_s + iv.len_s <= to + 0.002 {
            n += iv.hist.len();
            if !starts.contains(&iv.start_s.to_bits()) {
                starts.push(iv.start_s.to_bits());
                window += iv.len_s;
            }
        }
    }
    let failed: u64 = log
        .failures
        .iter()
        .filter(|(t, _, _)| starts.contains(&t.to_bits()))
        .map(|(_, _, c)| c)
        .sum();
    assert!(window >= 3.0, "steady window too short: {window} s");
    (n, n - failed, window)
}

/// Runs `drive SCENARIO --out OUT -q` and asserts it completed (exit 0).
fn drive_scenario(scenario: &Path, out: &Path) {
    let (status, stdout, stderr) = drive(
        &[
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ],
        Duration::from_secs(60),
    );
    assert_eq!(status.code(), Some(0), "{stdout}\n{stderr}");
    // The run ends by saying what to run next, on the run dir just written.
    let next = format!("next: headroom analyze {}", out.display());
    assert_eq!(stdout.lines().last(), Some(next.as_str()), "{stdout}");
}

fn write_profile(
    dir: &Path,
    workers: u32,
    service_ms: u64,
    queue_max: u32,
) -> (std::path::PathBuf, Profile) {
    let text = format!(
        "name = \"test\"\nworkers = {workers}\nqueue_max = {queue_max}\nqueue_timeout = \"5s\"\n\
         [[endpoint]]\nmethod = \"GET\"\npath = \"/work\"\nweight = 1\n\
         service = {{ dist = \"constant\", value = \"{service_ms}ms\" }}\nresponse = '{{\"ok\":true}}'\n"
    );
    let path = dir.join("profile.toml");
    std::fs::write(&path, &text).unwrap();
    (path, Profile::parse(&text).unwrap())
}

fn write_scenario(dir: &Path, port: u16, think: &str, stage: &str) -> std::path::PathBuf {
    let text = format!(
        "base_url = \"http://127.0.0.1:{port}\"\nthink_time = \"{think}\"\nmax_duration = \"1m\"\n\
         [[task]]\npath = \"/work\"\ntimeout = \"10s\"\n[[stage]]\nname = \"s\"\n{stage}\n"
    );
    let path = dir.join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn closed_model_below_capacity_follows_the_response_time_law() {
    let _g = serial();
    let tmp = tempfile::tempdir().unwrap();
    // Long service and think times keep the timers' ~1 ms granularity well under 1 %.
    let (profile_path, profile) = write_profile(tmp.path(), 64, 200, 1000);
    let think = ThinkTime::Constant(0.2);
    let users = 40u32;
    // Far below saturation, so the response time is the bare service time R₀.
    assert!(f64::from(users) < profile.saturation_users(&think) / 2.0);
    let expected = f64::from(users) / (profile.mean_service_s() + think.mean_s());

    let target = start_target(profile_path.to_str().unwrap(), &[]);
    // Users start 5 ms apart so their cycles do not all cross an interval boundary together.
    let scenario = write_scenario(
        tmp.path(),
        target.port,
        "constant(0.2)",
        &format!("users = {users}\nspawn_rate = 200\nduration = \"6500ms\""),
    );
    let out = tmp.path().join("run");
    drive_scenario(&scenario, &out);
    let (n, ok, window) = steady_counts(&out, 1.0);
    let measured = n as f64 / window;
    eprintln!("closed below capacity: {measured:.1} req/s measured, N/(R0+Z) = {expected:.1}");
    assert_eq!(n, ok, "no failures expected below capacity");
    assert!(
        (measured - expected).abs() <= 0.05 * expected,
        "throughput {measured:.1} req/s vs N/(R0+Z) = {expected:.1} req/s"
    );
}

#[test]
fn closed_model_above_capacity_is_capped_at_capacity() {
    let _g = serial();
    let tmp = tempfile::tempdir().unwrap();
    let (profile_path, profile) = write_profile(tmp.path(), 16, 200, 16);
    let capacity = profile.capacity_rps();
    let think = ThinkTime::Constant(0.05);
    let users = 64u32;
    assert!(f64::from(users) > 3.0 * profile.saturation_users(&think));

    let target = start_target(profile_path.to_str().unwrap(), &[]);
    let scenario = write_scenario(
        tmp.path(),
        target.port,
        "constant(0.05)",
        &format!("users = {users}\nspawn_rate = 200\nduration = \"6500ms\""),
    );
    let out = tmp.path().join("run");
    drive_scenario(&scenario, &out);
    let (n, ok, window) = steady_counts(&out, 1.0);
    let goodput = ok as f64 / window;
    eprintln!(
        "closed above capacity: goodput {goodput:.1} req/s, C = {capacity:.1}, {} failed",
        n - ok
    );
    assert!(
        (goodput - capacity).abs() <= 0.10 * capacity,
        "goodput {goodput:.1} req/s vs capacity W/E[S] = {capacity:.1} req/s"
    );
    let log = read_hlog(&out.join("latency.hlog"));
    let rejected: u64 = log
        .failures
        .iter()
        .filter(|(_, k, _)| k == "status:503")
        .map(|(_, _, c)| c)
        .sum();
    assert!(rejected > 0 && n > ok, "a full queue must answer 503");
}

#[test]
fn open_model_measures_a_stall_from_the_intended_start() {
    let _g = serial();
    let tmp = tempfile::tempdir().unwrap();
    let (profile_path, _) = write_profile(tmp.path(), 0, 5, 1000);
    // The stall falls mid-stage: the driver starts well within the first second.
    let target = start_target(
        profile_path.to_str().unwrap(),
        &["--stall-at", "5s", "--stall-for", "1s"],
    );
    let out = tmp.path().join("run");
    let url = format!("http://127.0.0.1:{}/work", target.port);
    let (status, stdout, stderr) = drive(
        &[
            "--url",
            &url,
            "--rate",
            "200",
            "--duration",
            "10s",
            "--out",
            out.to_str().unwrap(),
            "-q",
        ],
        Duration::from_secs(40),
    );
    assert_eq!(status.code(), Some(0), "{stdout}\n{stderr}");
    let log = read_hlog(&out.join("latency.hlog"));
    let mut all = Histogram::<u64>::new(3).unwrap();
    for iv in &log.intervals {
        all.add(&iv.hist).unwrap();
    }
    // 10 s at 200/s.
    assert!((1900..=2100).contains(&all.len()), "{} requests", all.len());
    let p99_ms = all.value_at_quantile(0.99) as f64 / 1000.0;
    eprintln!(
        "open model with a 1 s stall: {} requests, p99 {p99_ms:.1} ms",
        all.len()
    );
    assert!(p99_ms >= 500.0, "p99 {p99_ms} ms hides a 1 s stall");
}

#[test]
fn sigint_leaves_an_incomplete_but_readable_run() {
    let _g = serial();
    let tmp = tempfile::tempdir().unwrap();
    let target = start_target("default", &[]);
    let out = tmp.path().join("run");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/demo.toml");
    let text = std::fs::read_to_string(scenario).unwrap().replace(
        "http://127.0.0.1:8000",
        &format!("http://127.0.0.1:{}", target.port),
    );
    let scenario = tmp.path().join("demo.toml");
    std::fs::write(&scenario, text).unwrap();
    let mut child = Command::new(BIN)
        .args([
            "drive",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the first whole closed second (the first interval is only the rest of
    // the epoch second the run started in, perhaps a few ms), then interrupt.
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        let text = std::fs::read_to_string(out.join("latency.hlog")).unwrap_or_default();
        if text.lines().filter(|l| l.starts_with("Tag=")).count() >= 10 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_with_timeout(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(1));
    let manifest =
        Manifest::parse(&std::fs::read_to_string(out.join("run.toml")).unwrap()).unwrap();
    assert_eq!(manifest.complete, Some(false));
    assert!(manifest
        .incomplete_reason
        .as_deref()
        .unwrap_or("")
        .contains("interrupted"));
    assert!(manifest.ended.is_some() && manifest.stages[0].end.is_some());
    let log = read_hlog(&out.join("latency.hlog"));
    let logged: u64 = log.intervals.iter().map(|i| i.hist.len()).sum();
    assert!(logged > 0);
    // What run.toml says was recorded is what the log holds, so a cut copy shows.
    assert_eq!(manifest.recorded_requests, Some(logged));
}

/// A quick-form drive of 2 users for `duration` against a loopback port nobody
/// listens on: (port, run dir, exit status, stdout, stderr).
struct DeadRun {
    pub(crate) port: u16,
    out: std::path::PathBuf,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

fn drive_dead_port(tmp: &Path, duration: &str, limit: Duration) -> DeadRun {
    // A port nobody listens on: bind, note it, let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = tmp.join("run");
    let url = format!("http://127.0.0.1:{port}/");
    let (status, stdout, stderr) = drive(
        &[
            "--url",
            &url,
            "--users",
            "2",
            "--duration",
            duration,
            "--out",
            out.to_str().unwrap(),
            "-q",
        ],
        limit,
    );
    DeadRun {
        port,
        out,
        status,
        stdout,
        stderr,
    }
}

#[test]
fn a_dead_target_stops_the_run() {
    let _g = serial();
    let tmp = tempfile::tempdir().unwrap();
    let run = drive_dead_port(tmp.path(), "20s", Duration::from_secs(15));
    assert_eq!(run.status.code(), Some(1), "{}", run.stderr);
    let out = run.out;
    let manifest =
        Manifest::parse(&std::fs::read_to_string(out.join("run.toml")).unwrap()).unwrap();
    assert_eq!(manifest.complete, Some(false));
    assert!(manifest.incomplete_reason.unwrap().contains("unreachable"));
    assert!(read_hlog(&out.join("latency.hlog"))
        .failures
        .iter()
        .any(|(_, k, _)| k == "connect"));
}

#[test]
fn bad_scenarios_exit_2_naming_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("base_url = \"http://127.0.0.1:9\"\n[[task]]\npath = \"/\"\nweight = \"heavy\"\n", "line 4"),
        ("base_url = \"http://127.0.0.1:9\"\n[[task]]\npath = \"/\"\n[[stage]]\nname = \"peak\"\nduration = \"5s\"\n", "stage `peak`"),
        ("base_url = \"http://127.0.0.1:9\"\n[[task]]\npath = \"/\"\nmethods = \"GET\"\n", "methods"),
        ("base_url = \"ftp://x\"\n[[task]]\npath = \"/\"\n[[stage]]\nname = \"a\"\nusers = 1\nduration = \"1s\"\n", "ftp"),
    ];
    for (i, (text, needle)) in cases.iter().enumerate() {
        let path = tmp.path().join(format!("bad{i}.toml"));
        std::fs::write(&path, text).unwrap();
        let out = tmp.path().join(format!("out{i}"));
        let (status, _, stderr) = drive(
            &[path.to_str().unwrap(), "--out", out.to_str().unwrap()],
            Duration::from_secs(10),
        );
        assert_eq!(status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains(needle), "{needle:?} not in {stderr:?}");
        assert!(
            !out.join("run.toml").exists(),
            "nothing is run for a bad scenario"
        );
    }
}

/// Issue "capacity planning": on a stepped run against a target of known capacity C,
/// the analysed saturation throughput lies within 10 % of C and its bracket holds the
/// true saturation concurrency N* = C·(S + Z) (the interactive response-time law).
#[test]
fn a_stepped_run_finds_the_targets_known_capacity() {
    let _g = serial();
    let tmp = tempfile::tempdir().unwrap();
    let (profile_path, profile) = write_profile(tmp.path(), 8, 100, 8);
    let think = ThinkTime::Constant(0.1);
    let capacity = profile.capacity_rps();
    let saturation_users = profile.saturation_users(&think);
    // 8 workers × 100 ms: C = 80 req/s; N* = 80 × (0.1 + 0.1) = 16 users.
    assert!((capacity - 80.0).abs() < 1e-9 && (saturation_users - 16.0).abs() < 1e-9);

    let target = start_target(profile_path.to_str().unwrap(), &[]);
    let mut scenario = format!(
        "base_url = \"http://127.0.0.1:{}\"\nthink_time = \"constant(0.1)\"\nmax_duration = \"1m\"\n\
         [[task]]\npath = \"/work\"\ntimeout = \"10s\"\n",
        target.port
    );
    for users in [4, 8, 12, 24, 32] {
        scenario.push_str(&format!(
            "[[stage]]\nname = \"u{users}\"\nusers = {users}\nspawn_rate = 200\nduration = \"4s\"\n"
        ));
    }
    let scenario_path = tmp.path().join("stepped.toml");
    std::fs::write(&scenario_path, scenario).unwrap();
    let out = tmp.path().join("run");
    drive_scenario(&scenario_path, &out);

    let report = tmp.path().join("report");
    let o = Command::new(BIN)
        .args([
            "analyze",
            out.to_str().unwrap(),
            "--out",
            report.to_str().unwrap(),
        ])
        .args(["--charts", "none", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sat = &json["capacity"]["saturation"];
    let plateau = sat["throughput_rps"].as_f64().unwrap();
    let (lo, hi) = (
        sat["bracket"][0].as_f64().unwrap(),
        sat["bracket"][1].as_f64().unwrap(),
    );
    eprintln!("stepped run: saturation {plateau:.1} req/s (C = {capacity}), bracket [{lo}, {hi}]");
    assert!((plateau - capacity).abs() <= 0.10 * capacity, "{sat}");
    assert!(lo <= saturation_users && saturation_users <= hi, "{sat}");
}

/// Issue 11: a run in which nothing answered measured nothing, however short: it is
/// incomplete (exit 1), and says what happened and where.
#[test]
fn a_short_run_against_a_dead_port_is_incomplete() {
    let tmp = tempfile::tempdir().unwrap();
    let DeadRun {
        port,
        out,
        status,
        stdout,
        stderr,
    } = drive_dead_port(tmp.path(), "1s", Duration::from_secs(30));
    assert_eq!(status.code(), Some(1), "{stdout}\n{stderr}");
    let manifest =
        Manifest::parse(&std::fs::read_to_string(out.join("run.toml")).unwrap()).unwrap();
    assert_eq!(manifest.complete, Some(false));
    let reason = manifest.incomplete_reason.unwrap_or_default();
    let addr = format!("127.0.0.1:{port}");
    assert!(
        reason.contains("no request got a response") && reason.contains(&addr),
        "{reason}"
    );
    assert!(stdout.contains("no request got a response"), "{stdout}");
    assert!(
        stderr.contains(&addr) && stderr.contains("check that it is running"),
        "{stderr}"
    );
}

/// Issue 11: the driver's end-of-run figures are the ones `analyze` finds in the run
/// dir: per stage (ramps, an open-model stage, requests in flight at each end) the
/// same requests, failures and window, per endpoint too.
#[test]
fn the_drive_summary_counts_what_analyze_counts() {
    let _g = serial();
    let tmp = tempfile::tempdir().unwrap();
    // Capacity 2 / 20 ms = 100 req/s with a short queue: the open stage above it
    // gets 503s; `/missing` answers 404. Both are failures to count alike.
    let (profile_path, _) = write_profile(tmp.path(), 2, 20, 2);
    let target = start_target(profile_path.to_str().unwrap(), &[]);
    let scenario = format!(
        "base_url = \"http://127.0.0.1:{}\"\nthink_time = \"constant(0.01)\"\nmax_duration = \"1m\"\n\
         [[task]]\npath = \"/work\"\nweight = 3\ntimeout = \"10s\"\n\
         [[task]]\npath = \"/missing\"\nweight = 1\ntimeout = \"10s\"\n\
         [[stage]]\nname = \"warm\"\nusers = 4\nspawn_rate = 8\nduration = \"1500ms\"\n\
         [[stage]]\nname = \"open\"\narrival_rate = 150\nduration = \"1500ms\"\n\
         [[stage]]\nname = \"peak\"\nusers = 8\nspawn_rate = 16\nduration = \"1500ms\"\n",
        target.port
    );
    let scenario_path = tmp.path().join("stages.toml");
    std::fs::write(&scenario_path, scenario).unwrap();
    let out = tmp.path().join("run");
    let (status, stdout, stderr) = drive(
        &[
            scenario_path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--raw",
            "--json",
            "-q",
        ],
        Duration::from_secs(60),
    );
    assert_eq!(status.code(), Some(0), "{stdout}\n{stderr}");
    let driven: serde_json::Value = serde_json::from_str(&stdout).expect("drive --json");
    let report_dir = tmp.path().join("report");
    let o = Command::new(BIN)
        .args(["analyze", out.to_str().unwrap(), "--out"])
        .arg(&report_dir)
        .args(["--charts", "none", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();

    let total = driven["requests"].as_u64().unwrap();
    assert_eq!(report["overall"]["requests"].as_u64(), Some(total));
    // Every request is in the raw rows too.
    let rows = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    assert_eq!(rows.lines().count() as u64 - 1, total);

    let stages = driven["stages"].as_array().unwrap();
    let analysed = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 3);
    assert_eq!(analysed.len(), 3);
    let mut in_stages = 0;
    let mut failed = 0;
    for (d, a) in stages.iter().zip(analysed) {
        let name = d["name"].as_str().unwrap();
        assert_eq!(a["name"].as_str(), Some(name));
        let n = d["requests"].as_u64().unwrap();
        assert!(n > 0, "stage {name} measured nothing");
        assert_eq!(a["requests"].as_u64(), Some(n), "requests of stage {name}");
        assert_eq!(a["failures"], d["failures"], "failures of stage {name}");
        let (dd, ad) = (
            d["duration_s"].as_f64().unwrap(),
            a["duration_s"].as_f64().unwrap(),
        );
        assert!(
            (dd - ad).abs() < 1e-9,
            "window of stage {name}: {dd} s vs {ad} s"
        );
        for ep in d["endpoints"].as_array().unwrap() {
            let key = ep["endpoint"].as_str().unwrap();
            let theirs = a["endpoints"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["key"].as_str() == Some(key))
                .unwrap_or_else(|| panic!("{key} not in analyze's stage {name}"));
            assert_eq!(theirs["requests"], ep["requests"], "{name} {key}");
            assert_eq!(theirs["failures"], ep["failures"], "{name} {key}");
        }
        in_stages += n;
        failed += d["failures"].as_u64().unwrap();
    }
    assert!(failed > 0, "the fixture is meant to count failures too");
    assert_eq!(
        in_stages + driven["outside_stages"].as_u64().unwrap(),
        total
    );
}
