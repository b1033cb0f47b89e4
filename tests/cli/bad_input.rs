//! Malformed inputs: exit 2, the file and line named, no panic, the rest still read.

use crate::common::{analyze_json, assert_refused, headroom, TestDir};

const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,100%\n";

#[test]
fn empty_file() {
    assert_refused("x_stats.csv", b"", Some(1), "");
}

#[test]
fn header_only() {
    assert_refused("x_stats.csv", STATS_HEADER.as_bytes(), Some(2), "");
    assert_refused(
        "requests.csv",
        b"timestamp_ms,endpoint,latency_ms\n",
        Some(1),
        "",
    );
}

#[test]
fn truncated_row() {
    let text =
        format!("{STATS_HEADER}GET,/a,10,0,5,5.0,1,9,10,1.0,0.0,5,9,9\nGET,/b,10,0,5,5.0,1\n");
    assert_refused("x_stats.csv", text.as_bytes(), Some(3), "");
    assert_refused(
        "requests.csv",
        b"timestamp_ms,endpoint,latency_ms\n1,/a,5\n2,/a\n",
        Some(3),
        "",
    );
}

#[test]
fn binary_file() {
    let mut bytes = vec![0u8, 159, 146, 150, 0, 1, 2, 3];
    bytes.extend((0..2000u32).map(|i| (i * 7919 % 251) as u8));
    assert_refused("x_stats.csv", &bytes, Some(1), "");
    assert_refused("latency.hlog", &bytes, Some(1), "");
}

#[test]
fn a_bad_file_does_not_lose_the_good_ones() {
    let dir = TestDir::new();
    dir.write(
        "run/requests.csv",
        "timestamp_ms,endpoint,latency_ms\n1000,/a,5\n2000,/a,7\n",
    );
    dir.write("run/broken_stats.csv", STATS_HEADER);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(report["overall"]["requests"], 2);
    assert_eq!(report["problems"][0]["line"], 2);
    // --lenient keeps the warning but exits 0.
    let (code, _, _) = analyze_json(&[&dir.path().join("run")], &["--lenient"]);
    assert_eq!(code, 0);
}

#[test]
fn no_results_at_all() {
    let dir = TestDir::new();
    dir.write("run/notes.txt", "hello");
    let o = headroom(&["analyze", dir.path().join("run").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no load-test results"));
}

/// Two stage dirs whose clocks are ten years apart (the second one earlier) make one
/// run with a very wide time series, not an allocation the size of the gap.
#[test]
fn stages_years_apart_widen_the_timeline() {
    let dir = TestDir::new();
    let later = 1_700_000_000_000i64;
    let earlier = later - 10 * 365 * 86_400_000;
    for (stage, t0) in [("01_a_5users", later), ("02_b_10users", earlier)] {
        let mut csv = String::from("timestamp_ms,endpoint,latency_ms\n");
        for i in 0..20 {
            csv.push_str(&format!("{},/a,10\n", t0 + i * 100));
        }
        dir.write(&format!("run/{stage}/requests.csv"), csv);
    }
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 40);
    assert_eq!(report["stages"].as_array().map(Vec::len), Some(2));
    // Ten years, of which two seconds measured: said, not silently averaged.
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("are these files one run?"), "{warnings}");
}

/// A reader that goes away (`| head`) ends the output, not the program: no panic, and
/// the exit code is the command's own (0 here).
#[test]
fn a_closed_stdout_is_not_a_crash() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms\n");
    for i in 0..2000 {
        csv.push_str(&format!("{},/endpoint-{i},5\n", 1_000_000 + i));
    }
    let file = dir.write("run/requests.csv", csv);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(["inspect", "--format", "json"])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Times no measurement can have (year 10000, before 1970, i64 limits) are left out
/// with a problem naming the file, and the other rows are analysed.
#[test]
fn implausible_times_are_left_out_and_said() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms\n");
    for i in 0..10 {
        csv.push_str(&format!("{},/a,5\n", 1_700_000_000_000i64 + i * 100));
    }
    for t in [
        "253402300800000",
        "-1000",
        "9223372036854775807",
        "-9223372036854775808",
    ] {
        csv.push_str(&format!("{t},/a,5\n"));
    }
    let file = dir.write("run/requests.csv", csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(report["overall"]["requests"], 10);
    assert!(
        stderr.contains("4 rows have a time before 1970 or after 9999"),
        "{stderr}"
    );
    let (code, _, _) = analyze_json(&[&dir.path().join("run")], &["--lenient"]);
    assert_eq!(code, 0);
    let o = headroom(&["inspect", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("requests   10,"), "{text}");
}

#[test]
fn a_warmup_longer_than_any_run_is_refused() {
    let dir = TestDir::new();
    dir.write(
        "run/requests.csv",
        "timestamp_ms,endpoint,latency_ms\n1000,/a,5\n",
    );
    let o = headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--warmup",
        "18446744073709551s",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("longer than any run"));
}

/// A link back up the tree is not followed round and round: each file counts once.
#[cfg(unix)]
#[test]
fn a_link_back_up_the_tree_is_read_once() {
    let dir = TestDir::new();
    dir.write(
        "run/01_a_10users/requests.csv",
        "timestamp_ms,endpoint,latency_ms\n1000,/a,5\n2000,/a,5\n",
    );
    std::os::unix::fs::symlink(".", dir.path().join("run/self")).unwrap();
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 2);
    assert_eq!(report["inputs"].as_array().map(Vec::len), Some(1));
}

/// An error says its cause once (`--out` naming a file).
#[test]
fn an_out_path_that_is_a_file_is_one_clear_error() {
    let dir = TestDir::new();
    dir.write(
        "run/requests.csv",
        "timestamp_ms,endpoint,latency_ms\n1000,/a,5\n",
    );
    let file = dir.write("taken", "");
    let o = headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--out",
        file.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("taken"))
        .unwrap_or_default();
    assert!(line.starts_with("error: "), "{stderr}");
    assert_eq!(
        stderr.matches("a file of that name exists").count(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains("os error"), "{stderr}");
}
