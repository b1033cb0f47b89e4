//! Input fingerprints of large files, which are hashed while the files are read when
//! no other input has their size: the report's SHA-256 is the file's, and a large
//! byte-identical copy is still found (in one dir, and across stage dirs).

use sha2::{Digest, Sha256};

use super::common::{analyze_json, TestDir};

/// A generic per-request CSV of `rows` requests, 10 a second, at least 8 MiB for
/// `rows` ≥ 100,000 (a long endpoint name pads every row).
fn big_csv(rows: u64) -> String {
    let name = format!("/api/{}", "x".repeat(60));
    let mut csv = String::from("timestamp_ms,latency_ms,endpoint,success\n");
    for i in 0..rows {
        let t = 1_717_200_000_000 + i * 100;
        csv.push_str(&format!("{t},{},{name},true\n", 10 + i % 7));
    }
    csv
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_large_files_fingerprint_is_its_sha256() {
    let dir = TestDir::new();
    let csv = big_csv(100_000);
    assert!(csv.len() > 8 << 20, "the file is large enough to hash late");
    dir.write("run/requests.csv", &csv);
    // A small file of another size beside it is hashed at once.
    dir.write("run/small.csv", big_csv(10));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let inputs = report["inputs"].as_array().unwrap();
    let sha = |name: &str| {
        inputs
            .iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(name))
            .map(|i| i["sha256"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(sha("requests.csv"), sha256_hex(csv.as_bytes()));
    assert_eq!(sha("small.csv"), sha256_hex(big_csv(10).as_bytes()));
}

#[test]
fn a_large_byte_identical_copy_is_still_read_once() {
    let dir = TestDir::new();
    let csv = big_csv(100_000);
    dir.write("run/requests.csv", &csv);
    dir.write("run/requests-copy.csv", &csv);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 100_000);
    let skipped = serde_json::to_string(&report["skipped"]).unwrap();
    assert!(
        skipped.contains("requests-copy.csv") && skipped.contains("byte-identical copy of"),
        "{skipped}"
    );
}

#[test]
fn a_large_copy_in_another_stage_dir_is_not_a_second_stage() {
    let dir = TestDir::new();
    let csv = big_csv(100_000);
    dir.write("runs/01_base_10users/requests.csv", &csv);
    dir.write("runs/02_peak_20users/requests.csv", &csv);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(report["overall"]["requests"], 100_000, "{stderr}");
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("02_peak_20users/requests.csv"));
    assert_eq!(report["data_quality"], "incomplete");
}
