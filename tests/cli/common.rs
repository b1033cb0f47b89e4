//! Helpers: temp dirs, running the binary, a seeded random source, exact percentiles,
//! interval-log histogram blobs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A temporary directory that files can be written into.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `rel` (creating parent dirs) and returns the path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
        p
    }
}

/// Runs headroom with `args`.
pub fn headroom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(args)
        .output()
        .expect("run headroom")
}

/// Runs headroom with `args` in `cwd`.
pub fn headroom_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headroom"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("run headroom")
}

/// `headroom export RUN --to csv --out OUT`, which must succeed; its stderr.
pub fn export_csv(run: &Path, out: &Path) -> String {
    let o = headroom(&[
        "export",
        run.to_str().unwrap(),
        "--to",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    stderr
}

/// Runs `check` on `run` against `rules` (the `[global]` rules of an SLA file written
/// into `dir`, e.g. `"error_rate < 1%"`); returns the exit code, stdout and stderr.
pub fn check_rules(dir: &TestDir, run: &Path, rules: &str) -> (i32, String, String) {
    let sla = dir.write("sla.toml", format!("[global]\nrules = [{rules}]\n"));
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Runs `analyze --format json` on `paths` (report into a temp dir) and returns the
/// exit code and the parsed report.
pub fn analyze_json(paths: &[&Path], extra: &[&str]) -> (i32, serde_json::Value, String) {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("report");
    let mut args: Vec<String> = vec!["analyze".into()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    args.extend([
        "--format".into(),
        "json".into(),
        "--out".into(),
        out_dir.display().to_string(),
    ]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = headroom(&refs);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let json = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
    (o.status.code().unwrap_or(-1), json, stderr)
}

/// A small deterministic random source (64-bit LCG, Knuth's constants), so fixtures
/// are the same on every run without a dependency.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The exact nearest-rank percentile of `values` (sorted here): the ⌈p·n⌉-th smallest.
pub fn nearest_rank(values: &[f64], pct: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((pct / 100.0 * v.len() as f64) - 1e-9).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// True when `a` is within `rel` (relative) of `b`.
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-12)
}

/// The readiness row of `area` (`Data quality`, …) in a report.
pub fn readiness<'a>(report: &'a Value, area: &str) -> &'a Value {
    report["readiness"]
        .as_array()
        .expect("readiness")
        .iter()
        .find(|r| r["area"] == area)
        .unwrap_or_else(|| panic!("no readiness row {area}"))
}

/// Sums a `failures_by_kind` object.
fn kinds_sum(scope: &Value) -> u64 {
    scope["failures_by_kind"]
        .as_object()
        .unwrap_or_else(|| panic!("no failures_by_kind: {scope:#}"))
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum()
}

/// Every scope's kinds add up to its failures.
pub fn assert_kinds_sum_to_failures(report: &Value) {
    let mut scopes = vec![("overall".to_string(), &report["overall"])];
    for s in report["stages"].as_array().expect("stages") {
        scopes.push((format!("stage {}", s["name"]), s));
        for e in s["endpoints"].as_array().unwrap() {
            scopes.push((format!("{} in {}", e["key"], s["name"]), e));
        }
    }
    for (name, scope) in scopes {
        assert_eq!(
            kinds_sum(scope),
            scope["failures"].as_u64().unwrap(),
            "{name}: {scope:#}"
        );
    }
}

/// Analyses a run dir holding `file` alone and checks it is refused: exit 2, no panic,
/// the file (with `line`, when given) named by a problem whose text contains `why`.
pub fn assert_refused(file: &str, contents: impl AsRef<[u8]>, line: Option<u64>, why: &str) {
    let dir = TestDir::new();
    let path = dir.write(&format!("run/{file}"), contents);
    let o = headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(o.status.code(), Some(2), "{file} not refused: {stderr}");
    let named = match line {
        Some(l) => format!("{}:{l}:", path.display()),
        None => format!("{}:", path.display()),
    };
    let problem = stderr
        .lines()
        .find(|l| l.contains(&named))
        .unwrap_or_else(|| panic!("{file}: want a problem at `{named}` in: {stderr}"));
    assert!(
        problem.contains(why),
        "{file}: want `{why}` in the problem: {problem}"
    );
}

/// Saves `path` again with CRLF line endings: the same rows in other bytes. Stage dirs
/// holding byte-identical files are one run's results copied (the copy is not read), so
/// fixtures of distinct stages that happen to have the same figures use this.
pub fn resave_crlf(path: &Path) {
    let text = std::fs::read_to_string(path).expect("fixture");
    std::fs::write(path, text.replace('\n', "\r\n")).expect("fixture");
}

/// `h` as an interval log's histogram cell: V2 + DEFLATE, base64 (the `.hlog` blob).
pub fn hlog_blob(h: &hdrhistogram::Histogram<u64>) -> String {
    use base64::Engine as _;
    use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
    let mut bytes = Vec::new();
    V2DeflateSerializer::new()
        .serialize(h, &mut bytes)
        .expect("serialise a histogram");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `text` as Windows PowerShell's `>` and `Out-File` save it: UTF-16LE with a BOM,
/// CRLF endings.
pub fn utf16le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.replace('\n', "\r\n").encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    bytes
}

/// 2026-12-04T09:27:27Z, the start of the driver-shaped fixtures' runs.
pub const DRIVE_T0: u64 = 1_796_376_447;

/// An interval log as `drive` writes it, from [`DRIVE_T0`]: `seconds` 1 s intervals of
/// one endpoint (`GET /item`), `per_second` requests each, all at `latency_us`.
pub fn drive_hlog(seconds: u64, per_second: u64, latency_us: u64) -> String {
    drive_hlog_at(DRIVE_T0, seconds, per_second, latency_us)
}

/// [`drive_hlog`] of a run that started at `t0` (seconds since the epoch).
pub fn drive_hlog_at(t0: u64, seconds: u64, per_second: u64, latency_us: u64) -> String {
    let mut log = format!(
        "#[Logged with headroom 0.1.0]\n#[Histogram log format version 1.3]\n\
         #[StartTime: {t0}.000 (seconds since epoch)]\n#[BaseTime: {t0}.000 (seconds since epoch)]\n\
         #[unit: us]\n\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
    );
    for k in 0..seconds {
        let mut h = hdrhistogram::Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        h.record_n(latency_us, per_second).unwrap();
        log.push_str(&format!(
            "Tag=GET%20/item,{k}.000,1.000,{:.3},{}\n",
            latency_us as f64 / 1000.0,
            hlog_blob(&h)
        ));
    }
    log
}
