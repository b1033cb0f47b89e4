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
