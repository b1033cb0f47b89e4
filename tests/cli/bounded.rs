//! Bad rows and hostile sizes through the binary: a row at epoch 0, a latency of
//! 10^15 ms, a malformed row, a 100 MB line, a 100 MB label and a gzip that inflates
//! past a gigabyte. Each is named with its file and line, exits 2 (0 with `--lenient`),
//! keeps peak memory (headroom's own `HEADROOM_REPORT_RSS` figure) under 200 MB, and
//! leaves the other rows' figures exactly those of the same file without the bad row.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{analyze_json, readiness, TestDir};

/// 2023-11-14T22:13:20Z.
const T0: i64 = 1_700_000_000_000;
/// Good rows in a fixture; the bad one comes after the first `MID`.
const N: i64 = 4000;
const MID: i64 = 2000;
/// The bad row's line in a generic CSV (header on line 1).
const BAD_LINE: i64 = MID + 2;
/// Peak RSS allowed, MB.
const MAX_RSS_MB: f64 = 200.0;

/// Row `i`: one every 10 ms, two endpoints, latencies 5–204 ms, every 50th a 503.
fn row(i: i64) -> String {
    let endpoint = if i % 3 == 0 { "/b" } else { "/a" };
    let status = if i % 50 == 7 { 503 } else { 200 };
    format!(
        "{},{endpoint},{},{status}\n",
        T0 + i * 10,
        5 + (i * 37) % 200
    )
}

/// Writes a bad row (or line) into a fixture.
type WriteBad<'a> = &'a dyn Fn(&mut dyn Write);

/// Writes the generic CSV fixture to `path`, with `bad` (when given) after row `MID`.
fn write_csv(path: &Path, bad: Option<WriteBad<'_>>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut w = BufWriter::new(File::create(path).unwrap());
    w.write_all(b"timestamp_ms,endpoint,latency_ms,status\n")
        .unwrap();
    for i in 0..N {
        if i == MID {
            if let Some(bad) = bad {
                bad(&mut w);
            }
        }
        w.write_all(row(i).as_bytes()).unwrap();
    }
    w.flush().unwrap();
}

/// `analyze --format json` with `HEADROOM_REPORT_RSS=1`: exit code, report, stderr,
/// peak RSS in MB.
fn analyze_rss(run: &Path, extra: &[&str]) -> (i32, Value, String, f64) {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .arg("analyze")
        .arg(run)
        .args(["--format", "json", "--out"])
        .arg(out.path().join("report"))
        .args(extra)
        .env("HEADROOM_REPORT_RSS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let rss = stderr
        .lines()
        .find_map(|l| l.strip_prefix("headroom: peak RSS "))
        .and_then(|v| v.trim_end_matches(" MB").parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no peak RSS line in: {stderr}"));
    let report = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), report, stderr, rss)
}

/// The figures the bad rows must not change.
fn figures(report: &Value) -> Value {
    let o = &report["overall"];
    let l = &o["latency_ms"];
    serde_json::json!({
        "requests": o["requests"], "failures": o["failures"],
        "p50": l["p50"], "p95": l["p95"], "p99": l["p99"], "max": l["max"],
        "duration_s": o["duration_s"], "throughput_rps": o["throughput_rps"],
    })
}

/// Checks the bad file `bad_file` in dir `bad_run` against the clean run `clean_run`:
/// exit 2 naming `bad_file` (at `line`, when given) with `why`, exit 0 with
/// `--lenient`, bounded memory, equal figures.
fn assert_left_out(
    clean_run: &Path,
    bad_run: &Path,
    bad_file: &Path,
    line: Option<i64>,
    why: &str,
) {
    let (code, clean, stderr) = analyze_json(&[clean_run], &[]);
    assert_eq!(code, 0, "clean fixture: {stderr}");
    let (code, _, stderr, rss) = analyze_rss(bad_run, &[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, 2, "{stderr}");
    let named = match line {
        Some(l) => format!("{}:{l}:", bad_file.display()),
        None => format!("{}:", bad_file.display()),
    };
    let problem = stderr
        .lines()
        .find(|l| l.contains(&named))
        .unwrap_or_else(|| panic!("want a problem at `{named}` in: {stderr}"));
    assert!(problem.contains(why), "want `{why}` in: {problem}");
    assert!(rss < MAX_RSS_MB, "peak RSS {rss} MB");

    let (code, report, stderr, rss) = analyze_rss(bad_run, &["--lenient"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(rss < MAX_RSS_MB, "peak RSS {rss} MB");
    assert_eq!(figures(&report), figures(&clean), "{stderr}");
    assert_eq!(report["overall"]["requests"], N);
    let quality = readiness(&report, "Data quality");
    assert_eq!(quality["status"], "NOT READY", "{quality}");
}

/// A clean generic CSV and one with `bad` in the middle: (clean run, bad run, bad file).
fn generic_pair(dir: &TestDir, bad: WriteBad<'_>) -> (PathBuf, PathBuf, PathBuf) {
    let clean = dir.path().join("clean/requests.csv");
    write_csv(&clean, None);
    let file = dir.path().join("bad/requests.csv");
    write_csv(&file, Some(bad));
    (dir.path().join("clean"), dir.path().join("bad"), file)
}

#[test]
fn a_row_at_epoch_zero_is_left_out_not_stretching_the_run() {
    let dir = TestDir::new();
    let (clean, bad, file) = generic_pair(&dir, &|w| {
        w.write_all(b"0,/a,5,200\n").unwrap();
    });
    assert_left_out(
        &clean,
        &bad,
        &file,
        Some(BAD_LINE),
        "far from all the others",
    );
}

#[test]
fn a_latency_longer_than_the_run_is_left_out() {
    let dir = TestDir::new();
    let (clean, bad, file) = generic_pair(&dir, &|w| {
        let t = T0 + MID * 10 + 5;
        w.write_all(format!("{t},/a,1000000000000000,200\n").as_bytes())
            .unwrap();
    });
    assert_left_out(
        &clean,
        &bad,
        &file,
        Some(BAD_LINE),
        "longer than the whole run",
    );
}

#[test]
fn a_malformed_row_costs_only_itself() {
    let dir = TestDir::new();
    let (clean, bad, file) = generic_pair(&dir, &|w| {
        let t = T0 + MID * 10 + 5;
        w.write_all(format!("{t},/a,fast,200\n").as_bytes())
            .unwrap();
    });
    assert_left_out(&clean, &bad, &file, Some(BAD_LINE), "bad latency `fast`");
}

/// 100 MB of `byte`, written in 1 MiB blocks.
fn hundred_mb(w: &mut dyn Write, byte: u8) {
    let block = vec![byte; 1 << 20];
    for _ in 0..100 {
        w.write_all(&block).unwrap();
    }
}

#[test]
fn a_100_mb_line_is_left_out_without_being_held() {
    let dir = TestDir::new();
    let (clean, bad, file) = generic_pair(&dir, &|w| {
        hundred_mb(w, b'x');
        w.write_all(b"\n").unwrap();
    });
    assert_left_out(&clean, &bad, &file, Some(BAD_LINE), "--max-line-bytes");
}

#[test]
fn a_100_mb_label_is_left_out_and_a_long_one_is_cut() {
    let dir = TestDir::new();
    let (clean, bad, file) = generic_pair(&dir, &|w| {
        let t = T0 + MID * 10 + 5;
        w.write_all(format!("{t},/").as_bytes()).unwrap();
        hundred_mb(w, b'a');
        w.write_all(b",5,200\n").unwrap();
    });
    assert_left_out(&clean, &bad, &file, Some(BAD_LINE), "--max-line-bytes");

    // A 1 MB label fits the line cap: it is kept, cut to 2 KiB with a marker.
    let run = dir.path().join("long");
    let label = format!("/{}", "a".repeat((1 << 20) - 1));
    std::fs::create_dir_all(&run).unwrap();
    std::fs::write(
        run.join("requests.csv"),
        format!(
            "timestamp_ms,endpoint,latency_ms\n{T0},{label},5\n{},/b,7\n",
            T0 + 10
        ),
    )
    .unwrap();
    let (code, report, stderr, rss) = analyze_rss(&run, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(rss < MAX_RSS_MB, "peak RSS {rss} MB");
    let keys: Vec<&str> = report["stages"][0]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    let cut = format!("{}…[cut {} bytes]", &label[..2048], (1 << 20) - 2048);
    assert!(
        keys.contains(&cut.as_str()),
        "{:?}",
        keys.iter().map(|k| k.len()).collect::<Vec<_>>()
    );
}

/// One gzip member holding `data`.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn a_gzip_that_inflates_past_a_gigabyte_stops_at_the_limit() {
    let dir = TestDir::new();
    let header = "timeStamp,elapsed,label,responseCode,success\n";
    let jtl_row = |i: i64| {
        let ok = i % 50 != 7;
        let (code, success) = if ok { (200, "true") } else { (503, "false") };
        let label = if i % 3 == 0 { "/b" } else { "/a" };
        format!(
            "{},{},{label},{code},{success}\n",
            T0 + i * 10,
            5 + (i * 37) % 200
        )
    };
    let rows: String = (0..N).map(jtl_row).collect();
    let clean = dir.write("clean/results.jtl", format!("{header}{rows}"));
    // The rows, then 1.2 GB without a newline: 1,200 gzip members of 1 MiB each
    // (gzip readers read concatenated members as one stream).
    let file = dir.path().join("bad/results.jtl.gz");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let mut w = BufWriter::new(File::create(&file).unwrap());
    w.write_all(&gzip(format!("{header}{rows}").as_bytes()))
        .unwrap();
    let member = gzip(&vec![b'x'; 1 << 20]);
    for _ in 0..1200 {
        w.write_all(&member).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    assert_left_out(
        clean.parent().unwrap(),
        file.parent().unwrap(),
        &file,
        None,
        "decompression limit",
    );
}

/// A malformed row in the middle of a JMeter CSV, a vegeta JSON and a k6 JSON file
/// costs only itself: named with its line, the rows after it still count.
#[test]
fn each_per_request_format_keeps_the_rows_after_a_malformed_one() {
    let time = |i: i64| format!("2023-11-14T22:13:{:02}.000Z", 20 + i);
    let jtl: Vec<String> = (0..20)
        .map(|i| format!("{},{},/a,200,true", T0 + i * 1000, 5 + i))
        .collect();
    let vegeta: Vec<String> = (0..20)
        .map(|i| {
            format!(
                "{{\"attack\":\"\",\"seq\":{i},\"code\":200,\"timestamp\":\"{}\",\
                 \"latency\":5000000,\"bytes_out\":0,\"bytes_in\":10,\"error\":\"\",\
                 \"body\":null}}",
                time(i)
            )
        })
        .collect();
    let k6: Vec<String> = (0..20)
        .flat_map(|i| {
            let tags = "\"tags\":{\"name\":\"/a\",\"method\":\"GET\",\"status\":\"200\"}";
            [
                format!(
                    "{{\"type\":\"Point\",\"metric\":\"http_reqs\",\"data\":{{\"time\":\"{}\",\
                     \"value\":1,{tags}}}}}",
                    time(i)
                ),
                format!(
                    "{{\"type\":\"Point\",\"metric\":\"http_req_duration\",\"data\":{{\
                     \"time\":\"{}\",\"value\":5,{tags}}}}}",
                    time(i)
                ),
            ]
        })
        .collect();
    for (name, header, rows, bad) in [
        (
            "results.jtl",
            "timeStamp,elapsed,label,responseCode,success\n",
            jtl,
            format!("{},fast,/a,200,true", T0 + 10_500),
        ),
        ("results.json", "", vegeta, "{\"attack\": ".to_string()),
        (
            "k6.json",
            "",
            k6,
            "{\"type\":\"Point\",\"metric\":".to_string(),
        ),
    ] {
        let dir = TestDir::new();
        let (first, rest) = rows.split_at(rows.len() / 2);
        let header_lines = header.lines().count();
        let line = header_lines + first.len() + 1;
        let text = format!("{header}{}\n{bad}\n{}\n", first.join("\n"), rest.join("\n"));
        let file = dir.write(&format!("run/{name}"), text);
        let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
        assert_eq!(code, 2, "{name}: {stderr}");
        let named = format!("{}:{line}:", file.display());
        assert!(
            stderr.contains(&named),
            "{name}: want `{named}` in {stderr}"
        );
        assert_eq!(report["overall"]["requests"], 20, "{name}: {stderr}");
        let (code, _, _) = analyze_json(&[&dir.path().join("run")], &["--lenient"]);
        assert_eq!(code, 0, "{name}");
    }
}
