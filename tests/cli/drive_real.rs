//! The driver on "real" services, on loopback: https against `target
//! --tls-self-signed` (with --insecure, with --ca, and with neither), headers with
//! `${ENV}` secrets, a CSV feeder, an on_start login with an extract, checks (the
//! target's `/echo` answers what it got, and the scenario's checks assert it), and
//! the command-line overrides of a scenario file.

use std::path::Path;
use std::time::Duration;

use headroom::model::Manifest;

use super::common::analyze_json;
use super::drive::{drive, read_hlog, serial, start_target};

fn manifest(dir: &Path) -> Manifest {
    Manifest::parse(&std::fs::read_to_string(dir.join("run.toml")).unwrap()).unwrap()
}

/// (rows, error column of each row) of a run's requests.csv.
fn csv_errors(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("requests.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').nth(6).unwrap_or("").to_string())
        .collect()
}

#[test]
fn https_runs_with_insecure_or_ca_and_fails_as_tls_without() {
    let _g = serial();
    let tmp = tempfile::tempdir().unwrap();
    let cert = tmp.path().join("cert.pem");
    let target = start_target(
        "fast",
        &["--tls-self-signed", "--cert-out", cert.to_str().unwrap()],
    );
    let pem = std::fs::read_to_string(&cert).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let url = format!("https://127.0.0.1:{}/health", target.port);
    for (name, trust) in [
        ("insecure", vec!["--insecure"]),
        ("ca", vec!["--ca", cert.to_str().unwrap()]),
    ] {
        let out = tmp.path().join(name);
        let mut args = vec![
            "--url",
            &url,
            "--users",
            "2",
            "--duration",
            "1s",
            "--json",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(trust);
        let (status, stdout, stderr) = drive(&args, Duration::from_secs(30));
        assert_eq!(status.code(), Some(0), "{name}: {stdout}\n{stderr}");
        let driven: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let m = manifest(&out);
        assert_eq!(m.complete, Some(true), "{name}");
        assert!(m.target_url.unwrap().starts_with("https://"));
        // Two users, one keep-alive connection each: two handshakes.
        assert!(
            m.notes
                .iter()
                .any(|n| n.starts_with("TLS: 2 handshakes, mean")),
            "{name}: {:?}",
            m.notes
        );
        let (code, report, err) = analyze_json(&[&out], &["--charts", "none"]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(report["overall"]["requests"], driven["requests"], "{name}");
        assert!(driven["requests"].as_u64().unwrap() > 0);
        assert_eq!(driven["failures"].as_u64(), Some(0), "{name}");
    }
    // Neither: the certificate is not trusted; every request is a tls failure.
    let out = tmp.path().join("untrusted");
    let (status, stdout, stderr) = drive(
        &[
            "--url",
            &url,
            "--users",
            "2",
            "--duration",
            "1s",
            "--raw",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ],
        Duration::from_secs(30),
    );
    assert_eq!(status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("failed the TLS handshake") && stderr.contains("UnknownIssuer"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--ca FILE") && stderr.contains("--insecure"),
        "{stderr}"
    );
    let m = manifest(&out);
    assert_eq!(m.complete, Some(false));
    assert!(m.incomplete_reason.unwrap().contains("UnknownIssuer"));
    let errors = csv_errors(&out);
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| e == "tls"), "{errors:?}");
}

const SECRET: &str = "hunter2-0f9e8d7c";

#[test]
fn headers_secrets_feeder_login_and_checks_reach_the_target() {
    let _g = serial();
    let tmp = tempfile::tempdir().unwrap();
    let target = start_target("fast", &[]);
    std::fs::write(
        tmp.path().join("users.csv"),
        "user,sku\nalice,A 1\nbob,B-2\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("note.json"), r#"{"note":"for {sku}"}"#).unwrap();
    // One user, `unique` rows: the user is row 0, alice. Every check asserts what the
    // echo endpoint received, so a run without failures on those tasks proves it.
    let scenario = format!(
        r#"base_url = "http://127.0.0.1:{port}"
max_requests = 400
[headers]
X-Api-Key = "${{HEADROOM_TEST_SECRET}}"
Authorization = "Bearer {{token}}"
[[data]]
file = "users.csv"
mode = "unique"
[[on_start]]
name = "login"
method = "POST"
path = "/echo/login"
headers = {{ Authorization = "none" }}
body = {{ access_token = "{{user}}-tok", password = "${{HEADROOM_TEST_SECRET}}" }}
extract = {{ token = "/json/access_token" }}
expect_json = {{ "/json/password" = "{SECRET}" }}
[[task]]
name = "item"
path = "/echo/items/{{sku}}"
headers = {{ X-Sku = "{{sku}}" }}
expect_status = [200, 201]
expect_json = {{ "/path" = "/echo/items/A%201", "/headers/x-sku" = "A 1", "/headers/authorization" = "Bearer alice-tok", "/headers/x-api-key" = "{SECRET}" }}
[[task]]
name = "note"
method = "POST"
path = "/echo/notes"
body_file = "note.json"
expect_json = {{ "/json/note" = "for A 1" }}
expect_body_contains = "alice-tok"
[[task]]
name = "never"
path = "/echo/never"
expect_body_contains = "not in any answer"
[[stage]]
name = "main"
users = 1
duration = "30s"
"#,
        port = target.port
    );
    let path = tmp.path().join("scenario.toml");
    std::fs::write(&path, scenario).unwrap();
    let out = tmp.path().join("run");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args([
            "drive",
            path.to_str().unwrap(),
            "--raw",
            "--json",
            "-q",
            "--seed",
            "7",
        ])
        .arg("--out")
        .arg(&out)
        .env("HEADROOM_TEST_SECRET", SECRET)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut stdout).unwrap();
    let status = child.wait().unwrap();
    // The request bound ends it: incomplete, exit 1, everything measured kept.
    assert_eq!(status.code(), Some(1), "{stdout}");
    let driven: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let eps = driven["stages"][0]["endpoints"].as_array().unwrap();
    let ep = |key: &str| {
        eps.iter()
            .find(|e| e["endpoint"] == key)
            .unwrap_or_else(|| panic!("{key} in {eps:?}"))
    };
    // Endpoints are keyed by the path template, never by a filled-in path.
    for key in [
        "GET /echo/items/{sku}",
        "POST /echo/notes",
        "GET /echo/never",
    ] {
        assert!(ep(key)["requests"].as_u64().unwrap() > 0, "{key}");
    }
    assert_eq!(ep("GET /echo/items/{sku}")["failures"], 0);
    assert_eq!(ep("POST /echo/notes")["failures"], 0);
    let never = ep("GET /echo/never");
    assert_eq!(never["failures"], never["requests"]);
    // The login ran once (before the steady window or in it), and passed its check.
    let rows = csv_errors(&out);
    let csv = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    let logins = csv.lines().filter(|l| l.contains("/echo/login")).count();
    assert_eq!(logins, 1, "{csv}");
    // Every failure is an assertion, named in run.toml's notes with its count.
    let failed: Vec<&String> = rows.iter().filter(|e| !e.is_empty()).collect();
    assert!(failed.iter().all(|e| *e == "assertion"), "{failed:?}");
    let m = manifest(&out);
    let note = format!(
        "check failed {} times (assertion): never: expect_body_contains \"not in any answer\"",
        failed.len()
    );
    assert_eq!(m.notes, [note]);
    // The secret is in no file of the run dir, nor of the report.
    let report = tmp.path().join("report");
    let o = super::common::headroom(&[
        "analyze",
        out.to_str().unwrap(),
        "--charts",
        "none",
        "--out",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!String::from_utf8_lossy(&o.stdout).contains(SECRET));
    assert!(!stdout.contains(SECRET));
    for dir in [&out, &report] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(SECRET), "the secret is in {}", p.display());
            assert!(!text.contains("alice-tok"), "a token is in {}", p.display());
        }
    }
}

#[test]
fn a_missing_secret_is_refused_without_a_request() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    std::fs::write(
        &path,
        "base_url = \"http://127.0.0.1:9\"\n[headers]\nX-Key = \"${HEADROOM_UNSET_VAR_X}\"\n\
         [[task]]\npath = \"/\"\n[[stage]]\nname = \"a\"\nusers = 1\nduration = \"1s\"\n",
    )
    .unwrap();
    let out = tmp.path().join("run");
    let (status, _, stderr) = drive(
        &[path.to_str().unwrap(), "--out", out.to_str().unwrap()],
        Duration::from_secs(10),
    );
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("HEADROOM_UNSET_VAR_X is not set") && stderr.contains("X-Key"),
        "{stderr}"
    );
    assert!(!out.join("run.toml").exists());
}

#[test]
fn overrides_scale_stretch_and_refuse_ambiguous_loads() {
    let _g = serial();
    let tmp = tempfile::tempdir().unwrap();
    let target = start_target("fast", &[]);
    let path = tmp.path().join("s.toml");
    std::fs::write(
        &path,
        "base_url = \"http://127.0.0.1:9\"\nthink_time = \"constant(0.05)\"\n\
         [[task]]\npath = \"/health\"\n\
         [[stage]]\nname = \"warm\"\nusers = 10\nspawn_rate = 20\nduration = \"10m\"\n\
         [[stage]]\nname = \"open\"\narrival_rate = 40\nduration = \"10m\"\n\
         [[stage]]\nname = \"peak\"\nusers = 25\nduration = \"10m\"\n",
    )
    .unwrap();
    let s = path.to_str().unwrap();
    let base = format!("http://127.0.0.1:{}", target.port);
    let run = |extra: &[&str], out: &str| {
        let out = tmp.path().join(out);
        let mut args = vec![s, "-q", "--out", out.to_str().unwrap()];
        args.extend(extra);
        let (status, stdout, stderr) = drive(&args, Duration::from_secs(30));
        (status.code(), format!("{stdout}\n{stderr}"), out)
    };
    for flag in [["--users", "5"], ["--rate", "5"]] {
        let (code, text, _) = run(&flag, "refused");
        assert_eq!(code, Some(2), "{text}");
        assert!(
            text.contains(&format!(
                "{} sets the load of a one-stage scenario",
                flag[0]
            )) && text.contains("3 stages (warm, open, peak)")
                && text.contains("--scale"),
            "{text}"
        );
    }
    let (code, text, _) = run(&["--stage", "nope=1s"], "refused2");
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("no stage `nope` (stages: warm, open, peak)"),
        "{text}"
    );
    // --scale 0.2: users 10→2, 25→5, spawn 20→4/s, rate 40→8/s; --duration 1s every
    // stage, then --stage peak=2s; --base-url points the file's dead port at the target.
    let (code, text, out) = run(
        &[
            "--scale",
            "0.2",
            "--duration",
            "1s",
            "--stage",
            "peak=2s",
            "--base-url",
            &base,
        ],
        "scaled",
    );
    assert_eq!(code, Some(0), "{text}");
    let m = manifest(&out);
    assert_eq!(m.target_url.as_deref(), Some(base.as_str()));
    let loads: Vec<(Option<u32>, Option<f64>, Option<f64>)> = m
        .stages
        .iter()
        .map(|st| (st.users, st.spawn_rate, st.arrival_rate_rps))
        .collect();
    assert_eq!(
        loads,
        [
            (Some(2), Some(4.0), None),
            (None, None, Some(8.0)),
            (Some(5), None, None)
        ]
    );
    let secs = |st: &headroom::model::ManifestStage| {
        let t = |v: &Option<String>| humantime::parse_rfc3339(v.as_deref().unwrap()).unwrap();
        t(&st.end)
            .duration_since(t(&st.start))
            .unwrap()
            .as_secs_f64()
    };
    // Stage lengths are set by the controller's timer: at least what was asked.
    assert!(secs(&m.stages[0]) >= 0.99, "{}", secs(&m.stages[0]));
    assert!(secs(&m.stages[2]) >= 1.99, "{}", secs(&m.stages[2]));
}

#[test]
fn a_live_sla_breach_stops_the_run_within_one_interval() {
    let _g = serial();
    let tmp = tempfile::tempdir().unwrap();
    // No service from 2 s to 5 s after the target starts: the open-model requests
    // due then complete when it ends, seconds late from their intended start.
    let target = start_target("fast", &["--stall-at", "2s", "--stall-for", "3s"]);
    let sla = tmp.path().join("sla.toml");
    std::fs::write(
        &sla,
        "[global]\nrules = [\"p(50) < 500ms in every 1s\", \"p(99) < 1ms\"]\n",
    )
    .unwrap();
    let out = tmp.path().join("run");
    let url = format!("http://127.0.0.1:{}/health", target.port);
    let (status, stdout, stderr) = drive(
        &[
            "--url",
            &url,
            "--rate",
            "200",
            "--duration",
            "20s",
            "--sla",
            sla.to_str().unwrap(),
            "--abort-on-fail",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ],
        Duration::from_secs(40),
    );
    assert_eq!(status.code(), Some(1), "{stdout}\n{stderr}");
    let m = manifest(&out);
    assert_eq!(m.complete, Some(false));
    let reason = m.incomplete_reason.unwrap();
    assert!(
        reason.contains("SLA rule `p(50) < 500ms in every 1s` (line 2)")
            && reason.contains("--abort-on-fail"),
        "{reason}"
    );
    // From the interval log alone: the first interval whose median (20 samples at
    // least, as analyze requires for p50) is past 500 ms, and the last interval.
    let hlog = read_hlog(&out.join("latency.hlog"));
    let first_breach_end = hlog
        .intervals
        .iter()
        .find(|iv| iv.hist.len() >= 20 && iv.hist.value_at_quantile(0.5) > 500_000)
        .map(|iv| iv.start_s + iv.len_s)
        .expect("a breaching interval");
    let last_end = hlog
        .intervals
        .iter()
        .map(|iv| iv.start_s + iv.len_s)
        .fold(0.0, f64::max);
    assert!(
        last_end <= first_breach_end + 1.0 + 1e-6,
        "last interval ends at {last_end} s, first breach ended at {first_breach_end} s"
    );
    assert!(
        first_breach_end >= 5.0,
        "the stall ends 5 s after the target's start"
    );
}

#[test]
fn abort_on_fail_needs_window_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let sla = tmp.path().join("sla.toml");
    std::fs::write(&sla, "[global]\nrules = [\"p(99) < 1s\"]\n").unwrap();
    let out = tmp.path().join("run");
    let (status, _, stderr) = drive(
        &[
            "--url",
            "http://127.0.0.1:9/",
            "--sla",
            sla.to_str().unwrap(),
            "--abort-on-fail",
            "--out",
            out.to_str().unwrap(),
        ],
        Duration::from_secs(10),
    );
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("window rules") && stderr.contains("in every"),
        "{stderr}"
    );
}
