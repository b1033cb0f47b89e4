//! Conformance against the real files in `../shared/samples` (not part of this repo).
//! `#[ignore]`d: `.ci/run` runs them when `../shared` exists.

use std::path::{Path, PathBuf};

use crate::common::{analyze_json, assert_kinds_sum_to_failures};

fn samples() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    p.is_dir().then_some(p)
}

/// The Aggregated (or pre-0.12.2 `Total`) row's request and failure counts, read here
/// independently of headroom's parser: the 3rd and 4th fields of that line.
fn aggregate_counts(stats: &Path) -> (u64, u64) {
    let bytes = std::fs::read(stats).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let line = text
        .split(['\n', '\r'])
        .find(|l| l.contains(",Aggregated,") || l.contains("\"Total\","))
        .unwrap_or_else(|| panic!("{}: no aggregate row", stats.display()));
    let fields: Vec<&str> = line.split(',').map(|f| f.trim_matches('"')).collect();
    (fields[2].parse().unwrap(), fields[3].parse().unwrap())
}

#[test]
#[ignore = "needs ../shared/samples"]
fn every_locust_sample_set_matches_its_aggregated_row() {
    let Some(samples) = samples() else { return };
    let mut sets: Vec<PathBuf> = std::fs::read_dir(samples.join("locust"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    sets.sort();
    assert!(!sets.is_empty());
    for set in sets {
        let stats = std::fs::read_dir(&set)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let n = p.file_name().unwrap().to_string_lossy();
                n.ends_with("_stats.csv") || n.ends_with("_requests.csv")
            })
            .unwrap_or_else(|| panic!("{}: no stats file", set.display()));
        let (requests, failures) = aggregate_counts(&stats);
        let (code, report, stderr) = analyze_json(&[&set], &[]);
        assert_eq!(code, 0, "{}: {stderr}", set.display());
        assert_eq!(report["overall"]["requests"], requests, "{}", set.display());
        assert_eq!(report["overall"]["failures"], failures, "{}", set.display());
        // Stages taken from a stats history never list Locust's totals row as an endpoint.
        for stage in report["stages"].as_array().unwrap() {
            for e in stage["endpoints"].as_array().unwrap() {
                assert_ne!(e["key"], "Aggregated", "{}", set.display());
            }
        }
    }
}

#[test]
#[ignore = "needs ../shared/samples"]
fn every_hlog_sample_loads_or_is_rejected_with_a_reason() {
    let Some(samples) = samples() else { return };
    let mut logs = Vec::new();
    let mut stack = vec![samples.join("hdrhistogram")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "hlog") {
                logs.push(p);
            }
        }
    }
    assert!(!logs.is_empty());
    for log in logs {
        let (code, report, stderr) = analyze_json(&[&log], &[]);
        match code {
            0 => assert!(
                report["overall"]["requests"].as_u64().unwrap() > 0,
                "{}",
                log.display()
            ),
            2 => assert!(
                stderr.contains(&log.display().to_string())
                    && stderr.to_lowercase().contains("encoding"),
                "{}: rejected without naming the encoding: {stderr}",
                log.display()
            ),
            other => panic!("{}: exit {other}: {stderr}", log.display()),
        }
    }
}

/// Every directory of the samples tree, and the tree itself, analysed as one run: a
/// report (exit 0) or a clear refusal (exit 2, with `error:` lines), never a crash.
/// Whole directories mix tools, versions and clocks years apart, which single files
/// do not.
#[test]
#[ignore = "needs ../shared/samples"]
fn every_sample_directory_analyses_or_is_refused_without_a_crash() {
    let Some(samples) = samples() else { return };
    let mut dirs = vec![samples.clone()];
    let mut i = 0;
    while i < dirs.len() {
        let mut children: Vec<PathBuf> = std::fs::read_dir(&dirs[i])
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        children.sort();
        dirs.extend(children);
        i += 1;
    }
    assert!(dirs.len() > 10, "{dirs:?}");
    for dir in &dirs {
        let (code, report, stderr) = analyze_json(&[dir], &["--charts", "none"]);
        assert!(
            matches!(code, 0 | 2) && !stderr.contains("panicked"),
            "{}: exit {code}: {stderr}",
            dir.display()
        );
        if code == 0 {
            assert!(
                report["overall"]["requests"].as_u64().is_some(),
                "{}",
                dir.display()
            );
            assert_kinds_sum_to_failures(&report);
        } else {
            assert!(stderr.contains("error: "), "{}: {stderr}", dir.display());
        }
    }
}

/// Gatling's own `known_stats` fixture (a binary log whose header says 3.12.1): the
/// figures Gatling's test of it expects, in gatling/gatling
/// `gatling-charts/src/test/scala/io/gatling/charts/result/reader/LogFileReaderSpec.scala`
/// — over every request min 87 ms, max 368 ms, p0 87, p70 113, p99 368, p100 368 ms,
/// and 104 OK + 1 KO requests (`middleCount 104, koCount 1` for the range
/// 0–100 000 ms). Gatling's percentiles come from a t-digest; here they are the exact
/// nearest-rank ones of the per-request rows `export` writes, which agree.
#[test]
#[ignore = "needs ../shared/samples"]
fn gatling_binary_known_stats_fixture_gives_gatlings_own_figures() {
    let Some(samples) = samples() else { return };
    let dir = samples.join("gatling/gatling-fixture_3.13-binary");
    let (code, report, stderr) = analyze_json(&[&dir], &[]);
    assert_eq!(code, 0, "{stderr}");
    let o = &report["overall"];
    assert_eq!(o["requests"], 105);
    assert_eq!(o["failures"], 1);
    // The report's figures come from histograms at 3 significant digits.
    for (key, want) in [("min", 87.0), ("max", 368.0), ("p99", 368.0)] {
        let got = o["latency_ms"][key].as_f64().unwrap();
        assert!(
            (got - want).abs() <= want * 0.001,
            "{key} {got}, Gatling {want}"
        );
    }

    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("x");
    let o = crate::common::headroom(&[
        "export",
        "--to",
        "csv",
        "--out",
        out_dir.to_str().unwrap(),
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = std::fs::read_to_string(out_dir.join("requests.csv")).unwrap();
    let header: Vec<&str> = rows.lines().next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|c| *c == name).unwrap();
    let (col, ok_col) = (column("latency_ms"), column("success"));
    let mut latencies: Vec<f64> = Vec::new();
    let mut ko = 0;
    for line in rows.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        latencies.push(f[col].parse().unwrap());
        ko += usize::from(f[ok_col] == "false");
    }
    assert_eq!((latencies.len(), ko), (105, 1));
    for (p, want) in [(0.0, 87.0), (70.0, 113.0), (99.0, 368.0), (100.0, 368.0)] {
        assert_eq!(crate::common::nearest_rank(&latencies, p), want, "p{p}");
    }
}
