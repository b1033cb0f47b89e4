//! `export` of ab run dirs as teams keep them: each stage dir holds ab's console
//! (`ab -g ab.tsv … 2>&1 | tee ab.log`) and its `-g` file, against a target that
//! answered most requests with a non-2xx. The export's tables must agree with each
//! other (one endpoint name), must not claim outcomes the `-g` file does not record,
//! and must read back to ab's own throughput although the `-g` starts are whole
//! seconds.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{analyze_json, close, headroom, TestDir};

/// The URL the console names: `http://` host, port and document path.
const URL: &str = "http://127.0.0.1:18460/items/1";

/// ab's console (both streams, `2>&1 | tee ab.log`) of a run of `complete` requests,
/// `non_2xx` of them answered with a non-2xx (ab also counts them as Length
/// failures), taking `taken` seconds, as ab 2.3 printed it against `headroom target`.
fn ab_log(users: u32, complete: u64, non_2xx: u64, taken: &str) -> String {
    format!(
        "This is ApacheBench, Version 2.3 <$Revision$>\n\
         Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
         Licensed to The Apache Software Foundation, http://www.apache.org/\n\
         \n\
         Benchmarking 127.0.0.1 (be patient).....done\n\
         \n\
         \n\
         Server Software:        \n\
         Server Hostname:        127.0.0.1\n\
         Server Port:            18460\n\
         \n\
         Document Path:          /items/1\n\
         Document Length:        2 bytes\n\
         \n\
         Concurrency Level:      {users}\n\
         Time taken for tests:   {taken} seconds\n\
         Complete requests:      {complete}\n\
         Failed requests:        {non_2xx}\n\
         \x20  (Connect: 0, Receive: 0, Length: {non_2xx}, Exceptions: 0)\n\
         Non-2xx responses:      {non_2xx}\n\
         Total transferred:      15955 bytes\n\
         HTML transferred:       2030 bytes\n\
         Requests per second:    45.13 [#/sec] (mean)\n\
         Time per request:       177.266 [ms] (mean)\n\
         Time per request:       22.158 [ms] (mean, across all concurrent requests)\n\
         Transfer rate:          6.11 [Kbytes/sec] received\n\
         \n\
         Connection Times (ms)\n\
         \x20             min  mean[+/-sd] median   max\n\
         Connect:        0    0   0.3      0       3\n\
         Processing:   102  164  30.3    152     254\n\
         Waiting:      102  164  30.3    152     254\n\
         Total:        102  165  30.3    152     254\n\
         \n\
         Percentage of the requests served within a certain time (ms)\n\
         \x20 50%    152\n\
         \x20 66%    152\n\
         \x20 75%    153\n\
         \x20 80%    202\n\
         \x20 90%    207\n\
         \x20 95%    252\n\
         \x20 98%    253\n\
         \x20 99%    254\n\
         \x20100%    254 (longest request)\n"
    )
}

/// ab's `-g` file: `per_second[i]` rows started in epoch second `first_s + i`, each
/// taking 150 ms.
fn ab_tsv(first_s: i64, per_second: &[u64]) -> String {
    let mut t = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    for (i, n) in per_second.iter().enumerate() {
        let sec = first_s + i as i64;
        for _ in 0..*n {
            t.push_str(&format!(
                "Sun Dec 06 16:59:55 2026\t{sec}\t0\t150\t150\t150\n"
            ));
        }
    }
    t
}

/// The run: `01_c4` (60 requests, 33 non-2xx, 2.5 s by ab's clock, starts in 3
/// seconds) then `02_c8` (120 requests, 90 non-2xx, 2.4 s, starts in 4 seconds,
/// the first of them the second `01_c4` ended in).
fn run_dir(dir: &TestDir) -> PathBuf {
    let s0 = 1_796_576_393;
    dir.write("run/01_c4/ab.log", ab_log(4, 60, 33, "2.500"));
    dir.write("run/01_c4/ab.tsv", ab_tsv(s0, &[25, 25, 10]));
    dir.write("run/02_c8/ab.log", ab_log(8, 120, 90, "2.400"));
    dir.write("run/02_c8/ab.tsv", ab_tsv(s0 + 2, &[10, 50, 50, 10]));
    dir.path().join("run")
}

fn export(run: &Path, to: &str, out: &Path) -> String {
    let o = headroom(&[
        "export",
        run.to_str().unwrap(),
        "--to",
        to,
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{err}");
    err
}

/// A CSV table as header → cells rows (no quoted commas in these tables' cells).
fn csv_rows(path: &Path) -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            (head.iter().cloned())
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

fn cell<'a>(row: &'a [(String, String)], col: &str) -> &'a str {
    &row.iter().find(|(h, _)| h == col).unwrap().1
}

fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {report}"))
}

/// Before: every `requests` row was named `ab` (the `-g` file's name) while
/// `endpoints` named the console's URL, so a notebook joining the two found nothing.
/// Now the rows carry the name `endpoints` gives the stage's one endpoint.
#[test]
fn ab_g_rows_are_named_as_the_endpoints_table_names_the_run() {
    let dir = TestDir::new();
    let run = run_dir(&dir);
    let out = dir.path().join("csv");
    export(&run, "csv", &out);
    let endpoints = csv_rows(&out.join("endpoints.csv"));
    assert_eq!(endpoints.len(), 2);
    for e in &endpoints {
        assert_eq!(cell(e, "endpoint"), URL);
    }
    let requests = csv_rows(&out.join("requests.csv"));
    assert_eq!(requests.len(), 180);
    for r in &requests {
        assert_eq!(cell(r, "endpoint"), URL, "{r:?}");
        assert_eq!(cell(r, "method"), "");
    }
    // Read back, the run's one endpoint again.
    let (_, again, err) = analyze_json(&[&out], &[]);
    for name in ["01_c4", "02_c8"] {
        let eps = stage(&again, name)["endpoints"].as_array().unwrap().clone();
        assert_eq!(eps.len(), 1, "{err}");
        assert_eq!(eps[0]["key"], URL, "{eps:?}");
    }
}

/// Before: every `requests` row said `success = true` although ab's console counted
/// 33 + 90 non-2xx answers (the `-g` file records no outcome), so the requests table
/// said 0 % failed. Now `success` is empty (unknown) in every format, the failures
/// stay in `stages` (from the console), and run.toml carries each stage's failures, so
/// the read-back has the console's (it was `partial`, its failures unseen, before).
#[test]
fn ab_g_rows_claim_no_outcome_the_file_does_not_record() {
    let dir = TestDir::new();
    let run = run_dir(&dir);
    let out = dir.path().join("csv");
    export(&run, "csv", &out);
    let requests = csv_rows(&out.join("requests.csv"));
    assert!(requests.iter().all(|r| cell(r, "success").is_empty()));
    assert!(requests.iter().all(|r| cell(r, "error").is_empty()));
    let stages = csv_rows(&out.join("stages.csv"));
    let failures: Vec<&str> = stages.iter().map(|s| cell(s, "failures")).collect();
    assert_eq!(failures, ["33", "90"]);
    let manifest = std::fs::read_to_string(out.join("run.toml")).unwrap();
    assert!(!manifest.contains("failures_unseen"), "{manifest}");
    assert_eq!(
        manifest.matches("[stage.failures]").count(),
        2,
        "{manifest}"
    );
    let (_, before, _) = analyze_json(&[&run], &[]);
    let (_, again, err) = analyze_json(&[&out], &[]);
    assert_eq!(again["data_quality"], before["data_quality"], "{err}");
    let back: Vec<&Value> = (again["stages"].as_array().unwrap().iter())
        .map(|s| &s["failures"])
        .collect();
    assert_eq!(back, [33, 90], "{err}");

    let nd = dir.path().join("nd");
    export(&run, "ndjson", &nd);
    let text = std::fs::read_to_string(nd.join("requests.ndjson")).unwrap();
    assert_eq!(text.lines().count(), 180);
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        assert_eq!(row["success"], Value::Null, "{line}");
        assert_eq!(row["endpoint"], URL, "{line}");
    }
}

/// Before: read back, `02_c8` ran 40.0 req/s where ab measured 120 / 2.4 s = 50.0:
/// its `-g` starts cover four whole seconds, and run.toml's window (3.001 s) was the
/// only length the read-back had. Now run.toml gives each stage ab's own length
/// (`duration_s`), and the read-back's throughput is ab's: 60 / 2.5 = 24.0 and 50.0.
#[test]
fn ab_g_export_reads_back_to_abs_own_throughput() {
    let dir = TestDir::new();
    let run = run_dir(&dir);
    let (_, before, err) = analyze_json(&[&run], &[]);
    let rps = |r: &Value, s: &str| stage(r, s)["throughput_rps"].as_f64().unwrap();
    assert!(close(rps(&before, "01_c4"), 24.0, 1e-9), "{err}");
    assert!(close(rps(&before, "02_c8"), 50.0, 1e-9), "{err}");

    let out = dir.path().join("csv");
    export(&run, "csv", &out);
    let manifest = std::fs::read_to_string(out.join("run.toml")).unwrap();
    assert!(manifest.contains("duration_s = 2.5\n"), "{manifest}");
    assert!(manifest.contains("duration_s = 2.4\n"), "{manifest}");
    let (_, again, err) = analyze_json(&[&out], &[]);
    for (name, requests, rate, secs) in [("01_c4", 60, 24.0, 2.5), ("02_c8", 120, 50.0, 2.4)] {
        let st = stage(&again, name);
        assert_eq!(st["requests"], requests, "{name}: {err}");
        assert!(close(rps(&again, name), rate, 1e-9), "{name}: {st}");
        assert!(
            close(st["duration_s"].as_f64().unwrap(), secs, 1e-9),
            "{st}"
        );
    }
}

/// A hand-written run.toml's `duration_s` longer than its stage's window is no
/// measured length of that window: the window's length stands.
#[test]
fn a_manifest_duration_longer_than_its_window_is_ignored() {
    let dir = TestDir::new();
    let mut rows = String::from("timestamp_ms,endpoint,latency_ms\n");
    for i in 0..100 {
        rows.push_str(&format!("{},/a,10\n", 1_796_576_393_000i64 + i * 20));
    }
    dir.write("run/requests.csv", rows);
    dir.write(
        "run/run.toml",
        "[[stage]]\nname = \"s\"\nusers = 2\nstart = \"2026-12-06T16:59:53.000Z\"\n\
         end = \"2026-12-06T16:59:55.000Z\"\nduration_s = 5.0\n",
    );
    let (_, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    let st = stage(&report, "s");
    assert_eq!(st["requests"], 100, "{err}");
    assert!(
        close(st["throughput_rps"].as_f64().unwrap(), 50.0, 1e-9),
        "{st}"
    );
}
