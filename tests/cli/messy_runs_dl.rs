//! Messy runs, batch "dl" (qa109): where the report goes. `--out` at a stage dir of the
//! run, at a symbolic link, under a file; what each says, and that nothing the user
//! has is moved or lost.

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
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            if p.is_symlink() {
                out.insert(
                    rel,
                    std::fs::read_link(&p)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                );
            } else if p.is_dir() {
                stack.push(p.clone());
                out.insert(rel.join(""), Vec::new());
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// hey `-o csv` as hey printed it here (`hey -z 4s -c 5 -o csv` against `headroom
/// target`): its header and `n` rows 50 ms apart, 20 ms each, status 200.
fn hey_csv(n: usize) -> String {
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..n {
        csv.push_str(&format!(
            "0.0201,0.0008,0.0000,0.0002,0.0189,0.0002,200,{:.4}\n",
            0.2118 + i as f64 * 0.05
        ));
    }
    csv
}

/// A run of two stage dirs, each hey's CSV with the command kept beside it in
/// `command.txt` (as hey's CSV has no -c), and the user's notes in the first.
fn two_stage_run() -> TestDir {
    let dir = TestDir::new();
    for (stage, c) in [("01-c5", 5), ("02-c20", 20)] {
        // Other lengths: two identical files would be one run saved twice.
        dir.write(&format!("run/{stage}/hey.csv"), hey_csv(60 + c));
        dir.write(
            &format!("run/{stage}/command.txt"),
            format!("$ hey -z 4s -c {c} -o csv http://127.0.0.1:18480/api/v1/agents\n"),
        );
    }
    dir.write("run/01-c5/notes.md", "c5 ran while the cache was cold\n");
    dir
}

/// Runs `args` in the test dir, requires exit 2 with `want` on stderr and every file
/// as it was.
fn assert_refused_unchanged(dir: &TestDir, args: &[&str], want: &str) -> String {
    let before = snapshot(dir.path());
    let o = headroom_in(dir.path(), args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{args:?} not refused: {stderr}");
    assert!(
        stderr.contains(want),
        "{args:?}: want `{want}` in: {stderr}"
    );
    assert_eq!(snapshot(dir.path()), before, "{args:?} changed files");
    stderr
}

/// Observed: `analyze run --out run/01-c5 --force` (a stage dir named as the report
/// dir by mistake) moved the stage dir aside to `run/.01-c5.old-…`, a hidden name
/// ingest skips: the next `analyze run` reported one stage of two and said nothing of
/// the other. A dir inside an input that holds files headroom did not write is part
/// of that input: refused, `--force` or not, with a free dir to use instead; the
/// same for `export`.
#[test]
fn out_at_a_stage_dir_of_the_run_is_refused_even_with_force() {
    let dir = two_stage_run();
    for force in [false, true] {
        for cmd in ["analyze", "export"] {
            let mut args = vec![cmd, "run", "--out", "run/01-c5"];
            if cmd == "export" {
                args.extend(["--to", "csv"]);
            }
            if force {
                args.push("--force");
            }
            let stderr = assert_refused_unchanged(&dir, &args, "inside the input run");
            assert!(stderr.contains("--force does not change this"), "{stderr}");
            assert!(!stderr.contains("add --force"), "{stderr}");
        }
    }
    // Both stages are still read, and the report goes where the error suggested.
    let o = headroom_in(
        dir.path(),
        &["analyze", "run", "--out", "run/headroom-report"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json = std::fs::read_to_string(dir.path().join("run/headroom-report/report.json"));
    let report: serde_json::Value = serde_json::from_str(&json.unwrap()).unwrap();
    assert_eq!(
        report["stages"].as_array().unwrap().len(),
        2,
        "{:#?}",
        report["stages"]
    );
}

/// Observed: `--out latest` where `latest` is a link to a dir said "a file of that
/// name exists; give a directory", though it names a directory. It now says it is a
/// link, where to, and what to give instead; the link and its dir are untouched.
#[test]
fn out_at_a_symbolic_link_says_it_is_a_link() {
    let dir = two_stage_run();
    dir.write("reports/2026-12-07/mine.txt", "the user's\n");
    std::os::unix::fs::symlink("reports/2026-12-07", dir.path().join("latest")).unwrap();
    for force in [false, true] {
        let mut args = vec!["analyze", "run", "--out", "latest"];
        if force {
            args.push("--force");
        }
        let stderr = assert_refused_unchanged(&dir, &args, "a symbolic link");
        assert!(stderr.contains("reports/2026-12-07"), "{stderr}");
        assert!(!stderr.contains("a file of that name"), "{stderr}");
    }
}

/// Observed: `check … --junit out/junit.xml` where `out` is a file said
/// "out/junit.xml: out: File exists (os error 17)", which reads as if the dir were
/// there. Each output that goes under a file now names that file as not a directory.
#[test]
fn an_output_under_a_file_names_the_file() {
    let dir = two_stage_run();
    dir.write("out", "a file, not a dir\n");
    dir.write("sla.toml", "[global]\nrules = [\"p(95) < 500ms\"]\n");
    let cases: [&[&str]; 3] = [
        &["analyze", "run", "--out", "out/report"],
        &["export", "run", "--to", "csv", "--out", "out/export"],
        &[
            "check",
            "run",
            "--sla",
            "sla.toml",
            "--junit",
            "out/junit.xml",
        ],
    ];
    for args in cases {
        let stderr = assert_refused_unchanged(&dir, args, "out is a file, not a directory");
        assert!(!stderr.contains("os error"), "{stderr}");
    }
}
