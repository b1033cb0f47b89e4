//! `headroom export`: the tables of a run written as Parquet (read back with polars),
//! CSV (read back by headroom's own generic-CSV reader to the same figures) and
//! NDJSON; output safety; the Parquet feature's absence said plainly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{analyze_json, headroom, Lcg, TestDir};

/// One request of the fixture.
#[derive(Clone, Debug, PartialEq)]
struct Req {
    t_ms: i64,
    endpoint: String,
    latency_ms: f64,
    ok: bool,
}

/// A JMeter JTL (CSV) of two load levels, 60 s at 10 threads then 60 s at 20, three
/// endpoints, 503s on `/pay`; returns the run dir and every request written.
fn fixture(dir: &TestDir) -> (PathBuf, Vec<Req>) {
    let mut rng = Lcg(7);
    let mut text = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,success,failureMessage,bytes,allThreads\n",
    );
    let mut reqs = Vec::new();
    let t0 = 1_700_000_000_000i64;
    let mut t = t0;
    while t < t0 + 120_000 {
        let threads = if t < t0 + 60_000 { 10 } else { 20 };
        let endpoint = ["/home", "/search", "/pay"][(rng.next_f64() * 3.0) as usize];
        let latency = (5.0 + rng.next_f64() * 200.0).round();
        let ok = !(endpoint == "/pay" && rng.next_f64() < 0.2);
        let (code, msg) = if ok {
            ("200", "OK")
        } else {
            ("503", "Service Unavailable")
        };
        text.push_str(&format!(
            "{t},{latency},{endpoint},{code},{msg},{ok},,512,{threads}\n"
        ));
        reqs.push(Req {
            t_ms: t,
            endpoint: endpoint.to_string(),
            latency_ms: latency,
            ok,
        });
        t += 1 + (rng.next_f64() * 40.0) as i64;
    }
    let run = dir.path().join("run");
    dir.write("run/results.jtl", text);
    (run, reqs)
}

/// Runs `export` and returns (exit code, stderr).
fn export(args: &[&str]) -> (i32, String) {
    let mut all = vec!["export"];
    all.extend(args);
    let o = headroom(&all);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Requests per endpoint, ramps included.
fn counts(reqs: &[Req]) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for r in reqs {
        *m.entry(r.endpoint.clone()).or_default() += 1;
    }
    m
}

/// Per stage × endpoint requests and failures of a report.
fn endpoint_figures(report: &Value) -> BTreeMap<(String, String), (u64, u64)> {
    let mut m = BTreeMap::new();
    for stage in report["stages"].as_array().unwrap() {
        for e in stage["endpoints"].as_array().unwrap() {
            m.insert(
                (
                    stage["name"].as_str().unwrap().to_string(),
                    e["name"].as_str().unwrap().to_string(),
                ),
                (
                    e["requests"].as_u64().unwrap(),
                    e["failures"].as_u64().unwrap(),
                ),
            );
        }
    }
    m
}

#[test]
fn csv_export_reads_back_to_the_same_report_figures() {
    let dir = TestDir::new();
    let (run, reqs) = fixture(&dir);
    let out = dir.path().join("csv");
    let (code, err) = export(&[&s(&run), "--to", "csv", "--out", &s(&out)]);
    assert_eq!(code, 0, "{err}");
    for f in [
        "stages.csv",
        "endpoints.csv",
        "intervals.csv",
        "requests.csv",
        "run.toml",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // Every request, one line each, under the generic CSV's header names.
    let requests = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    assert!(
        requests.starts_with("timestamp_ms,stage,source,method,endpoint,latency_ms,success,error,")
    );
    assert_eq!(requests.lines().count(), reqs.len() + 1);

    let (code_a, original, err_a) = analyze_json(&[&run], &[]);
    assert_eq!(code_a, 0, "{err_a}");
    let (code_b, again, err_b) = analyze_json(&[&out], &[]);
    assert_eq!(code_b, 0, "{err_b}");
    assert_eq!(again["sources"][0]["tool"], "generic-csv");
    let stages = |r: &Value| -> Vec<Value> {
        r["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                serde_json::json!([
                    s["name"],
                    s["users"],
                    s["start"],
                    s["end"],
                    s["requests"],
                    s["failures"],
                    s["throughput_rps"],
                    s["failures_by_kind"],
                    s["latency_ms"]
                ])
            })
            .collect()
    };
    assert_eq!(original["stages"].as_array().unwrap().len(), 2);
    assert_eq!(stages(&again), stages(&original));
    assert_eq!(endpoint_figures(&again), endpoint_figures(&original));
    assert_eq!(
        again["overall"]["requests"],
        original["overall"]["requests"]
    );
    assert_eq!(
        again["overall"]["latency_ms"],
        original["overall"]["latency_ms"]
    );
}

/// `runs/DIR/ab.txt`: ab's console text of `requests` requests, `non_2xx` of them not
/// 2xx, with its `-g` TSV (100 rows from `start_s`) when `start_s` is given.
fn ab_stage(dir: &TestDir, stage_dir: &str, requests: u64, non_2xx: u64, start_s: Option<u64>) {
    use crate::formats_c::{ab_text, ab_tsv_from};
    // ab ran the users the dir's name gives (`02_peak_20users` → `-c 20`): a dir whose
    // only tool ran fewer is at what it ran (messy_runs_cm).
    let users = stage_dir
        .trim_end_matches("users")
        .rsplit('_')
        .next()
        .unwrap();
    let text = ab_text(requests, [0; 4], non_2xx).replace(
        "Concurrency Level:      10",
        &format!("Concurrency Level:      {users}"),
    );
    dir.write(&format!("runs/{stage_dir}/ab.txt"), text);
    if let Some(start) = start_s {
        let ttimes: Vec<u64> = (0..100).map(|i| 5 + i % 40).collect();
        dir.write(
            &format!("runs/{stage_dir}/ab.tsv"),
            ab_tsv_from(start, &ttimes),
        );
    }
}

/// Exports `dir/runs` to CSV in `dir/csv`: that dir, and the exit code and stderr.
fn export_runs_to_csv(dir: &TestDir) -> (PathBuf, i32, String) {
    let out = dir.path().join("csv");
    let (code, err) = export(&[
        &s(&dir.path().join("runs")),
        "--to",
        "csv",
        "--out",
        &s(&out),
    ]);
    (out, code, err)
}

/// Stage dirs each measured by ab (its console text, whose summary has no times, and
/// its `-g` rows): the rows are exported into the stage their dir names, the stages'
/// windows are the rows' spans, and the rows say nothing of failures, so run.toml
/// carries each stage's failures (ab's console's): the export reads back into the same
/// stages with those failures, never as all answered. (Before, it read back `partial`
/// with its failures unseen: the original's failures lost.)
#[test]
fn stage_dirs_without_windows_read_back_into_their_stages_with_failures_unseen() {
    let dir = TestDir::new();
    ab_stage(&dir, "01_base_10users", 100, 0, Some(1_796_278_607));
    // The peak: 60 of its 100 answers were not 2xx, which its rows do not show.
    ab_stage(&dir, "02_peak_20users", 100, 60, Some(1_796_278_707));
    let (out, code, err) = export_runs_to_csv(&dir);
    assert_eq!(code, 0, "{err}");
    let requests = std::fs::read_to_string(out.join("requests.csv")).unwrap();
    let in_stage = |name: &str| {
        requests
            .lines()
            .filter(|l| l.split(',').nth(1) == Some(name))
            .count()
    };
    assert_eq!((in_stage("base"), in_stage("peak")), (100, 100));
    let manifest = std::fs::read_to_string(out.join("run.toml")).unwrap();
    assert!(
        manifest.contains("[stage.failures]\nother = 60"),
        "{manifest}"
    );
    assert!(!manifest.contains("failures_unseen"), "{manifest}");

    let (_, before, _) = analyze_json(&[&dir.path().join("runs")], &[]);
    let (_, again, err) = analyze_json(&[&out], &[]);
    let stage = |name: &str| {
        (again["stages"].as_array().unwrap().iter())
            .find(|st| st["name"] == name)
            .unwrap_or_else(|| panic!("no stage {name}: {err}"))
            .clone()
    };
    assert_eq!(stage("base")["requests"], 100);
    assert_eq!(stage("peak")["requests"], 100);
    assert_eq!(stage("peak")["users"], 20);
    assert_eq!(stage("peak")["failures"], 60);
    assert_eq!(again["data_quality"], before["data_quality"], "{err}");
}

/// A stage a tool's summary measured (ab's console alone) has no per-request rows:
/// export says so by name, since `analyze` of the export cannot read it back.
#[test]
fn a_stage_measured_by_a_summary_alone_is_named_as_having_no_rows() {
    let dir = TestDir::new();
    ab_stage(&dir, "01_base_10users", 100, 0, Some(1_796_278_607));
    ab_stage(&dir, "02_peak_20users", 300, 0, None);
    let (_, code, err) = export_runs_to_csv(&dir);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("no per-request rows for stage(s) peak (300 requests)"),
        "{err}"
    );
    assert!(!err.contains("base ("), "{err}");
}

#[test]
fn ndjson_tables_parse_line_by_line() {
    let dir = TestDir::new();
    let (run, reqs) = fixture(&dir);
    let out = dir.path().join("nd");
    let (code, err) = export(&[&s(&run), "--to", "ndjson", "--out", &s(&out)]);
    assert_eq!(code, 0, "{err}");
    let lines = |name: &str| -> Vec<Value> {
        std::fs::read_to_string(out.join(name))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: {e}: {l}")))
            .collect()
    };
    let rows = lines("requests.ndjson");
    assert_eq!(rows.len(), reqs.len());
    let mut by_endpoint = BTreeMap::new();
    for r in &rows {
        *by_endpoint
            .entry(r["endpoint"].as_str().unwrap().to_string())
            .or_insert(0u64) += 1;
    }
    assert_eq!(by_endpoint, counts(&reqs));
    let first = &rows[0];
    assert_eq!(first["timestamp_ms"], reqs[0].t_ms);
    assert_eq!(first["latency_ms"].as_f64(), Some(reqs[0].latency_ms));
    assert_eq!(first["source"], "jmeter");
    let failed = rows.iter().find(|r| r["success"] == false).unwrap();
    assert_eq!(failed["error"], "status:503");

    let stages = lines("stages.ndjson");
    assert_eq!(stages.len(), 2);
    let total: u64 = lines("endpoints.ndjson")
        .iter()
        .map(|e| e["requests"].as_u64().unwrap())
        .sum();
    let in_stages: u64 = stages.iter().map(|s| s["requests"].as_u64().unwrap()).sum();
    assert_eq!(total, in_stages);
    let intervals = lines("intervals.ndjson");
    assert!(intervals
        .iter()
        .any(|i| i["scope"] == "endpoint" && i["endpoint"] == "/pay"));
    assert!(intervals.iter().any(|i| i["scope"] == "stage"));
}

#[test]
fn tables_flag_writes_only_those_tables() {
    let dir = TestDir::new();
    let (run, _) = fixture(&dir);
    let out = dir.path().join("some");
    let (code, err) = export(&[
        &s(&run),
        "--to",
        "ndjson",
        "--out",
        &s(&out),
        "--tables",
        "stages,endpoints",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".headroom-export", "endpoints.ndjson", "stages.ndjson"]
    );
}

#[test]
fn export_never_writes_over_inputs_or_foreign_dirs() {
    let dir = TestDir::new();
    let (run, _) = fixture(&dir);
    let jtl = run.join("results.jtl");
    let before = std::fs::read(&jtl).unwrap();
    // The input dir itself, and a dir that holds the input.
    for out in [run.clone(), dir.path().to_path_buf()] {
        let (code, err) = export(&[&s(&run), "--to", "csv", "--out", &s(&out)]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("input"), "{err}");
    }
    // A dir headroom did not write.
    let mine = dir.path().join("mine");
    dir.write("mine/notes.txt", "keep");
    let (code, err) = export(&[&s(&run), "--to", "csv", "--out", &s(&mine)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("notes.txt") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "keep"
    );
    assert_eq!(std::fs::read(&jtl).unwrap(), before);
    // The default dir is RUN/export/, headroom's own: a second export replaces it,
    // and analysing the run dir does not read it as input.
    for _ in 0..2 {
        let (code, err) = export(&[&s(&run), "--to", "csv"]);
        assert_eq!(code, 0, "{err}");
    }
    assert!(run.join("export/requests.csv").is_file());
    let (code, report, err) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["inputs"].as_array().unwrap().len(), 1, "{report}");
}

#[test]
fn readme_documents_every_column() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Export"))
        .expect("README has an Export section");
    for table in headroom::render::export::Table::ALL {
        for c in table.columns() {
            assert!(
                section.contains(&format!("`{}`", c.name)),
                "README's Export section lacks {}.{}",
                table.name(),
                c.name
            );
        }
    }
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_without_the_feature_names_it() {
    let dir = TestDir::new();
    let (run, _) = fixture(&dir);
    let out = dir.path().join("pq");
    let (code, err) = export(&[&s(&run), "--to", "parquet", "--out", &s(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--features parquet"), "{err}");
    assert!(!out.exists());
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_reads_back_with_polars_to_the_source() {
    use polars::prelude::{ParquetReader, SerReader};

    let dir = TestDir::new();
    let (run, reqs) = fixture(&dir);
    let out = dir.path().join("pq");
    let (code, err) = export(&[&s(&run), "--to", "parquet", "--out", &s(&out)]);
    assert_eq!(code, 0, "{err}");
    let read = |name: &str| {
        let f = std::fs::File::open(out.join(name)).unwrap();
        ParquetReader::new(f).finish().unwrap()
    };

    // Per-request rows: the source's, in file order.
    let df = read("requests.parquet");
    assert_eq!(df.height(), reqs.len());
    let t = df.column("timestamp_ms").unwrap().i64().unwrap().clone();
    let ep = df.column("endpoint").unwrap().str().unwrap().clone();
    let lat = df.column("latency_ms").unwrap().f64().unwrap().clone();
    let ok = df.column("success").unwrap().bool().unwrap().clone();
    let rows: Vec<Req> = (0..df.height())
        .map(|i| Req {
            t_ms: t.get(i).unwrap(),
            endpoint: ep.get(i).unwrap().to_string(),
            latency_ms: lat.get(i).unwrap(),
            ok: ok.get(i).unwrap(),
        })
        .collect();
    assert_eq!(rows, reqs);

    // Per stage × endpoint counts: the report's.
    let (code, report, err) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{err}");
    let df = read("endpoints.parquet");
    let stage = df.column("stage").unwrap().str().unwrap().clone();
    let name = df.column("endpoint").unwrap().str().unwrap().clone();
    let n = df.column("requests").unwrap().i64().unwrap().clone();
    let failed = df.column("failures").unwrap().i64().unwrap().clone();
    let from_parquet: BTreeMap<(String, String), (u64, u64)> = (0..df.height())
        .map(|i| {
            (
                (
                    stage.get(i).unwrap().to_string(),
                    name.get(i).unwrap().to_string(),
                ),
                (n.get(i).unwrap() as u64, failed.get(i).unwrap() as u64),
            )
        })
        .collect();
    assert_eq!(from_parquet, endpoint_figures(&report));
    // Failures by kind: every failure of the fixture is a 503.
    let f5 = df.column("failures_5xx").unwrap().i64().unwrap().clone();
    for i in 0..df.height() {
        assert_eq!(f5.get(i), failed.get(i));
    }
    assert_eq!(read("stages.parquet").height(), 2);
}
