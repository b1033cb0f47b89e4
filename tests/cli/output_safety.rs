//! Output safety: headroom never deletes or replaces a file it did not write. Each
//! refusal test lists every file (with its bytes) under the test dir before and after
//! the command and requires them identical, and no temp dir left behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{headroom_in, TestDir};

/// Every file under `root` (hidden ones included) with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p.clone());
                out.insert(p.strip_prefix(root).unwrap().join(""), Vec::new());
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// Names under `root` that look like headroom's temp dirs or files.
fn temps(root: &Path) -> Vec<PathBuf> {
    snapshot(root)
        .into_keys()
        .filter(|p| p.to_string_lossy().contains(".tmp-"))
        .collect()
}

/// A test dir with `work/run/requests.csv` (100 requests, 2.4 s), the user's
/// `work/notes.txt` and an unrelated `work/other/` with a file in it.
fn workspace() -> TestDir {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,latency_ms,endpoint,success\n");
    for i in 0..100u64 {
        csv.push_str(&format!(
            "{},{},/a,true\n",
            1_700_000_000_000 + i * 24,
            20 + i % 7
        ));
    }
    dir.write("work/run/requests.csv", csv);
    dir.write(
        "work/run/stdout-notes.md",
        "the user's notes about this run\n",
    );
    dir.write("work/notes.txt", "keep me\n");
    dir.write("work/other/data.bin", [0u8, 1, 2, 3]);
    dir
}

fn assert_refused_unchanged(dir: &TestDir, args: &[&str], want: &str) {
    let work = dir.path().join("work");
    let before = snapshot(dir.path());
    let o = headroom_in(&work, args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?} not refused: {stderr}");
    assert!(
        stderr.contains(want),
        "{args:?}: want `{want}` in: {stderr}"
    );
    assert_eq!(snapshot(dir.path()), before, "{args:?} changed files");
    assert!(temps(dir.path()).is_empty(), "{:?}", temps(dir.path()));
}

/// Runs `args` in `work` and asserts it exits 0.
fn assert_succeeds(work: &Path, args: &[&str]) {
    let o = headroom_in(work, args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {stderr}");
}

#[test]
fn out_at_an_input_or_a_dir_holding_one_is_refused_even_with_force() {
    let dir = workspace();
    for force in [false, true] {
        let mut cases = vec![
            vec!["analyze", "run", "--out", "run"],
            vec!["analyze", "run", "--out", "."],
            vec!["analyze", "run", "--out", "./run/.."],
        ];
        // The parent of the run dir, spelled from inside it.
        let abs_parent = dir.path().to_str().unwrap().to_string();
        let mut parent = vec!["analyze", "run", "--out"];
        parent.push(&abs_parent);
        cases.push(parent);
        for mut args in cases {
            if force {
                args.push("--force");
            }
            let want = if args[3] == "run" {
                "that is one of the inputs"
            } else {
                "which replacing it would delete"
            };
            assert_refused_unchanged(&dir, &args, want);
        }
    }
}

#[test]
fn out_at_a_users_dir_or_file_is_refused() {
    let dir = workspace();
    assert_refused_unchanged(&dir, &["analyze", "run", "--out", "other"], "--force");
    assert_refused_unchanged(
        &dir,
        &["analyze", "run", "--out", "notes.txt"],
        "give a directory",
    );
    assert_refused_unchanged(
        &dir,
        &["analyze", "run", "--out", "notes.txt", "--force"],
        "give a directory",
    );
}

#[test]
fn force_moves_a_users_dir_aside_and_deletes_nothing() {
    let dir = workspace();
    let work = dir.path().join("work");
    let o = headroom_in(&work, &["analyze", "run", "--out", "other", "--force"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(work.join("other/report.json").is_file());
    let aside: Vec<PathBuf> = std::fs::read_dir(&work)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(".other.old-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        std::fs::read(aside[0].join("data.bin")).unwrap(),
        [0, 1, 2, 3]
    );
    assert!(temps(dir.path()).is_empty());
}

#[test]
fn headroom_replaces_its_own_report_dir_and_uses_an_empty_one() {
    let dir = workspace();
    let work = dir.path().join("work");
    for _ in 0..2 {
        let o = headroom_in(&work, &["analyze", "run", "--out", "rep"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(work.join("rep/report.md").is_file());
    assert!(work.join("rep/.headroom-report").is_file());
    // A report dir of a version before markers: recognised by its report.json.
    std::fs::remove_file(work.join("rep/.headroom-report")).unwrap();
    let o = headroom_in(&work, &["analyze", "run", "--out", "rep"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A file the user put into headroom's dir makes it the user's.
    std::fs::write(work.join("rep/mine.txt"), "mine").unwrap();
    assert_refused_unchanged(&dir, &["analyze", "run", "--out", "rep"], "mine.txt");

    std::fs::create_dir(work.join("empty")).unwrap();
    let o = headroom_in(&work, &["analyze", "run", "--out", "empty"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(work.join("empty/report.json").is_file());
    let leftovers: Vec<PathBuf> = snapshot(dir.path())
        .into_keys()
        .filter(|p| p.to_string_lossy().contains(".old-") || p.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_default_report_dir_never_replaces_a_foreign_report_dir() {
    let dir = workspace();
    let work = dir.path().join("work");
    dir.write(
        "work/run/report/index.html",
        "<html>JMeter dashboard</html>",
    );
    let before = std::fs::read(work.join("run/report/index.html")).unwrap();
    let o = headroom_in(&work, &["analyze", "run"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("headroom-report"), "{stderr}");
    assert_eq!(
        std::fs::read(work.join("run/report/index.html")).unwrap(),
        before
    );
    assert!(work.join("run/headroom-report/report.md").is_file());
    // The report inside the run dir is never read as input on the next analysis.
    let o = headroom_in(&work, &["analyze", "run", "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["overall"]["requests"], 100);
}

#[test]
fn check_output_files_never_replace_an_input() {
    let dir = workspace();
    dir.write("work/sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    for (flag, input) in [
        ("--junit", "run/requests.csv"),
        ("--markdown", "run/stdout-notes.md"),
    ] {
        assert_refused_unchanged(
            &dir,
            &["check", "run", "--sla", "sla.toml", flag, input],
            "that is one of the inputs",
        );
    }
    let work = dir.path().join("work");
    let o = headroom_in(
        &work,
        &[
            "check",
            "run",
            "--sla",
            "sla.toml",
            "--junit",
            "out/junit.xml",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(work.join("out/junit.xml").is_file());
    assert!(temps(dir.path()).is_empty());
}

/// `check --junit FILE` / `--markdown FILE` onto a file the user wrote is refused
/// (exit 2, the file untouched); `--force` moves it aside first; a file an earlier
/// check wrote is replaced without asking (CI reruns).
#[test]
fn check_output_files_never_replace_a_file_headroom_did_not_write() {
    let dir = workspace();
    dir.write("work/sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    dir.write("work/junit.xml", "<mine/>\n");
    dir.write("work/comment.md", "# my release notes\n");
    for (flag, file) in [("--junit", "junit.xml"), ("--markdown", "comment.md")] {
        let args = ["check", "run", "--sla", "sla.toml", flag, file];
        assert_refused_unchanged(&dir, &args, "headroom did not write it");
        let work = dir.path().join("work");
        let mine = std::fs::read(work.join(file)).unwrap();
        assert_succeeds(&work, &[&args[..], &["--force"]].concat());
        // The user's file is aside, whole; the check's is in its place.
        let aside: Vec<_> = std::fs::read_dir(&work)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.starts_with(&format!(".{file}.old-"))
            })
            .collect();
        assert_eq!(aside.len(), 1, "{aside:?}");
        assert_eq!(std::fs::read(&aside[0]).unwrap(), mine);
        let written = std::fs::read(work.join(file)).unwrap();
        // Written by check: the next check replaces it without --force.
        assert_succeeds(&work, &args);
        assert_eq!(std::fs::read(work.join(file)).unwrap(), written);
    }
}

/// `target --stats-out` / `--cert-out` onto a file the user wrote is refused before
/// serving (exit 2, the file untouched); a stats file an earlier target wrote is
/// replaced.
#[test]
fn target_never_writes_over_a_file_it_did_not_write() {
    let dir = workspace();
    dir.write("work/stats.json", "{\"mine\": 1}\n");
    dir.write("work/cert.pem", "my certificate\n");
    let serve = ["target", "--listen", "127.0.0.1:0", "--max-duration", "1s"];
    for extra in [
        &["--stats-out", "stats.json"][..],
        &["--tls-self-signed", "--cert-out", "cert.pem"][..],
    ] {
        let args = [&serve[..], extra].concat();
        assert_refused_unchanged(&dir, &args, "headroom did not write it");
    }
    let work = dir.path().join("work");
    let args = [&serve[..], &["--stats-out", "own.json"]].concat();
    for _ in 0..2 {
        assert_succeeds(&work, &args);
    }
    let stats = std::fs::read_to_string(work.join("own.json")).unwrap();
    assert!(stats.contains("\"by_status\""), "{stats}");
}

#[test]
fn drive_and_demo_refuse_a_dir_that_is_not_theirs() {
    let dir = workspace();
    // Refused before any traffic: port 9 on loopback is never contacted.
    let quick = [
        "drive",
        "--url",
        "http://127.0.0.1:9/",
        "--duration",
        "1s",
        "--out",
    ];
    let mut args = quick.to_vec();
    args.push("run");
    assert_refused_unchanged(&dir, &args, "already holds a run");
    let mut args = quick.to_vec();
    args.push("other");
    assert_refused_unchanged(&dir, &args, "--force");
    assert_refused_unchanged(&dir, &["demo", "--out", "other"], "--force");
}

#[test]
fn drive_uses_an_existing_empty_dir() {
    let dir = workspace();
    let work = dir.path().join("work");
    std::fs::create_dir(work.join("volume")).unwrap();
    // A dead loopback port: every request is a connect failure, the run is short.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let o = headroom_in(
        &work,
        &[
            "drive",
            "--url",
            &url,
            "--users",
            "1",
            "--duration",
            "1s",
            "--quiet",
            "--out",
            "volume",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_ne!(o.status.code(), Some(2), "{stderr}");
    assert!(work.join("volume/run.toml").is_file(), "{stderr}");
}
