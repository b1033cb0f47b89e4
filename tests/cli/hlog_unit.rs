//! The unit of an `.hlog`'s values: `--hlog-unit` against the log's own `#[unit: …]`
//! comment (the option wins, and the conflict is a warning naming both), and an
//! `Interval_Max` column that disagrees with the unit: a warning, not an input problem,
//! that takes the verdict from the latency rules when the unit is in doubt.

use std::path::PathBuf;

use serde_json::Value;

use crate::check::check_json;
use crate::common::{analyze_json, TestDir};

/// An interval log of four 1 s intervals of 100 values each, interval k holding
/// (k + 1) × 10,000 (10 to 40 ms in µs), with `comment` in its header and
/// `max_col(k)` as interval k's `Interval_Max`.
fn hlog(dir: &TestDir, comment: &str, max_col: impl Fn(u64) -> String) -> PathBuf {
    use base64::Engine;
    use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
    let mut log = format!(
        "#[Histogram log format version 1.3]\n#[StartTime: 1700000000.000 (seconds since epoch)]\n\
         {comment}\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n",
    );
    for k in 0..4u64 {
        let mut h = hdrhistogram::Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        h.record_n((k + 1) * 10_000, 100).unwrap();
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&h, &mut bytes)
            .unwrap();
        let blob = base64::engine::general_purpose::STANDARD.encode(bytes);
        log.push_str(&format!("{k}.000,1.000,{},{blob}\n", max_col(k)));
    }
    dir.write("run/latency.hlog", log);
    dir.path().join("run")
}

/// `Interval_Max` as the Java writer prints µs values (divided by 1,000: ms).
fn ms_of_us(k: u64) -> String {
    format!("{}.000", (k + 1) * 10)
}

fn sla(dir: &TestDir) -> PathBuf {
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\"]\n",
    )
}

/// The evaluation of `rule` over the whole run in check's JSON.
fn overall<'a>(out: &'a Value, rule: &str) -> &'a Value {
    out["sla"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["rule"] == rule && e["stage"].is_null())
        .unwrap_or_else(|| panic!("no {rule} overall in {out:#}"))
}

fn p95_ms(report: &Value) -> f64 {
    report["overall"]["latency_ms"]["p95"].as_f64().unwrap()
}

#[test]
fn hlog_unit_against_the_logs_own_unit_comment_wins_and_says_so() {
    let dir = TestDir::new();
    let run = hlog(&dir, "#[unit: us]\n", ms_of_us);
    // The comment alone: µs, p95 = 40 ms; no warning.
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!((p95_ms(&report) - 40.0).abs() < 0.05, "{}", p95_ms(&report));
    assert!(!stderr.contains("warning:"), "{stderr}");
    // The same unit given: nothing to say.
    let (_, _, stderr) = analyze_json(&[&run], &["--hlog-unit", "us"]);
    assert!(!stderr.contains("warning:"), "{stderr}");
    // Another unit given: it is used (40,000 read as ms), and the conflict is named.
    let (code, report, stderr) = analyze_json(&[&run], &["--hlog-unit", "ms"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        (p95_ms(&report) - 40_000.0).abs() < 50.0,
        "{}",
        p95_ms(&report)
    );
    let conflict = stderr
        .lines()
        .find(|l| l.contains("#[unit: us]"))
        .unwrap_or_else(|| panic!("no conflict warning in {stderr}"));
    assert!(conflict.starts_with("warning: "), "{conflict}");
    assert!(conflict.contains("--hlog-unit says ms"), "{conflict}");
    assert!(conflict.contains("read as ms"), "{conflict}");
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("#[unit: us]"), "{warnings}");
}

#[test]
fn an_interval_max_in_another_unit_is_a_warning_and_takes_latency_out_of_the_verdict() {
    let dir = TestDir::new();
    // µs values, no unit comment: read as ns (p95 40 µs), while every Interval_Max
    // says µs. Before, a p95 of 0.04 ms passed `p(95) < 500ms`.
    let run = hlog(&dir, "", ms_of_us);
    let sla = sla(&dir);
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert!(!stderr.contains("error:"), "{stderr}");
    let warning = stderr
        .lines()
        .find(|l| l.contains("Interval_Max"))
        .unwrap_or_else(|| panic!("no unit warning in {stderr}"));
    assert!(warning.starts_with("warning: "), "{warning}");
    assert!(warning.contains("look like us"), "{warning}");
    // Every line was read: no input problem; the exit code follows the verdict, which
    // the latency rule cannot decide.
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "CONDITIONAL");
    let p95 = overall(&out, "p(95) < 500ms");
    assert_eq!(p95["status"], "insufficient_data", "{p95}");
    assert!(
        p95["note"]
            .as_str()
            .unwrap()
            .contains("latency unit is in doubt"),
        "{p95}"
    );
    assert_eq!(overall(&out, "error_rate < 1%")["status"], "pass");
    let (_, report, _) = analyze_json(&[&run], &[]);
    assert!(report["problems"].as_array().unwrap().is_empty());
    assert!(report["warnings"]
        .to_string()
        .contains("latency unit is in doubt"));

    // The unit given: the figures agree with Interval_Max, p95 40 ms, GO.
    let (code, out, stderr) = check_json(&run, &sla, &["--hlog-unit", "us"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert_eq!(out["verdict"], "GO");
    let value = overall(&out, "p(95) < 500ms")["value"].as_f64().unwrap();
    assert!((value - 40.0).abs() < 0.05, "{value}");

    // A unit given by hand stands, even the one the column disagrees with: the
    // warning stays, the latency rule is judged (p95 0.04 ms).
    let (code, out, stderr) = check_json(&run, &sla, &["--hlog-unit", "ns"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("look like us"), "{stderr}");
    assert_eq!(overall(&out, "p(95) < 500ms")["status"], "pass");
}

#[test]
fn one_odd_interval_max_is_a_warning_that_leaves_the_verdict_alone() {
    let dir = TestDir::new();
    // ns values (10–40 ms as 10–40 million ns would be; here 10,000–40,000 ns =
    // 0.01–0.04 ms) with their Interval_Max in ms, except the first, written as if µs:
    // one line in four disagrees, so the unit stays and the verdict rests on it.
    let run = hlog(&dir, "", |k| match k {
        0 => ms_of_us(0),
        k => format!("{:.3}", (k + 1) as f64 * 0.01),
    });
    let sla = sla(&dir);
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning: "), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
    assert_eq!(out["verdict"], "GO");
    let value = overall(&out, "p(95) < 500ms")["value"].as_f64().unwrap();
    assert!((value - 0.04).abs() < 0.0005, "{value}");
}
