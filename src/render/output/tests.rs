//! Tests of output-dir safety: what may be replaced, what is refused, what is moved aside.

use super::*;

#[test]
fn absolute_resolves_dots_and_missing_tails() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    assert_eq!(absolute(&dir.path().join("a/../b/./c")), base.join("b/c"));
    assert_eq!(absolute(&dir.path().join(".")), base);
}

#[test]
fn a_marked_dir_with_a_stray_file_is_not_ours() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("report");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join(".headroom-report"), "").unwrap();
    std::fs::write(d.join("report.md"), "").unwrap();
    assert!(matches!(
        foreign_entry(&d, OutputKind::Report),
        Ok(Ownership::Ours(_))
    ));
    std::fs::write(d.join("notes.txt"), "mine").unwrap();
    assert!(matches!(
        foreign_entry(&d, OutputKind::Report),
        Ok(Ownership::Foreign(n)) if n == "notes.txt"
    ));
}

#[test]
fn a_failed_fill_leaves_no_temp_dir_and_the_old_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("rep");
    std::fs::create_dir(&out_path).unwrap();
    std::fs::write(out_path.join(REPORT_MARKER), "").unwrap();
    std::fs::write(out_path.join("report.md"), "old").unwrap();
    let out = check_out_dir(&out_path, OutputKind::Report, &[], false).unwrap();
    assert_eq!(out.existing, Existing::Ours);
    let r: Result<(), OutputError> = write_dir(&out, |tmp| {
        std::fs::write(tmp.join("report.md"), "new").unwrap();
        Err(OutputError::IsFile { out: "x".into() })
    });
    assert!(r.is_err());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, ["rep"]);
    assert_eq!(
        std::fs::read_to_string(out_path.join("report.md")).unwrap(),
        "old"
    );
}

#[test]
fn a_failed_in_place_output_puts_the_old_one_back() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("demo");
    std::fs::create_dir_all(out_path.join("run")).unwrap();
    std::fs::write(out_path.join(DEMO_MARKER), "").unwrap();
    std::fs::write(out_path.join("run/run.toml"), "old").unwrap();
    let out = check_out_dir(&out_path, OutputKind::Demo, &[], false).unwrap();
    {
        let _place = InPlace::prepare(&out).unwrap();
        std::fs::create_dir_all(out_path.join("run")).unwrap();
        std::fs::write(out_path.join("run/run.toml"), "new").unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(out_path.join("run/run.toml")).unwrap(),
        "old"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_stale_temp_dir_is_removed_only_when_it_holds_headroom_files() {
    let dir = tempfile::tempdir().unwrap();
    // No process has this PID (Linux PIDs stop at 4,194,304).
    let stale = dir.path().join(".rep.tmp-4294967");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join("report.md"), "half").unwrap();
    let users = dir.path().join(".other.tmp-4294967");
    std::fs::create_dir(&users).unwrap();
    std::fs::write(users.join("notes.txt"), "mine").unwrap();
    for out in ["rep", "other"] {
        let out = check_out_dir(&dir.path().join(out), OutputKind::Report, &[], false).unwrap();
        write_dir(&out, |_| Ok::<(), OutputError>(())).unwrap();
    }
    assert!(!stale.exists());
    assert_eq!(
        std::fs::read_to_string(users.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn an_unwritable_output_dir_says_to_give_out() {
    let denied = OutputError::Io {
        path: PathBuf::from("runs/ro/report"),
        source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
    };
    let text = denied.to_string();
    assert!(text.starts_with("runs/ro/report: "), "{text}");
    assert!(text.contains("with --out DIR"), "{text}");
    let other = OutputError::Io {
        path: PathBuf::from("x"),
        source: std::io::Error::from(std::io::ErrorKind::NotFound),
    };
    assert!(!other.to_string().contains("--out"), "{other}");
}
