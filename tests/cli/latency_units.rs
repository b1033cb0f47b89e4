//! A generic CSV's `latency` column that names no unit is read as ms; when the file
//! says otherwise (its timestamps in seconds, or sub-second fractions where requests
//! take hundreds of ms), latencies in seconds would read 1,000× too small and pass
//! every latency rule: the unit is in doubt, and no latency figure decides.

use crate::check::check_json;
use crate::common::TestDir;

/// A generic CSV of 3,000 requests 20 ms apart, each taking 150–349 ms written in
/// seconds (`0.150` … `0.349`), its times as `time` writes them: epoch seconds or
/// RFC 3339 text.
fn seconds_csv(rfc3339: bool) -> String {
    csv(rfc3339, |ms| format!("0.{ms}"))
}

/// [`seconds_csv`] with each latency (150–349 ms) written by `latency`.
fn csv(rfc3339: bool, latency: impl Fn(u32) -> String) -> String {
    let mut out = String::from("timestamp,endpoint,latency,status\n");
    for i in 0..3000u32 {
        let ms = 1_764_835_200_000u64 + u64::from(i) * 20;
        let t = if rfc3339 {
            format!(
                "2025-12-04T08:{:02}:{:02}.{:03}Z",
                (ms / 60_000) % 60,
                (ms / 1000) % 60,
                ms % 1000
            )
        } else {
            format!("{}.{:03}", ms / 1000, ms % 1000)
        };
        out.push_str(&format!("{t},GET /api/x,{},200\n", latency(150 + i % 200)));
    }
    out
}

#[test]
fn a_unitless_latency_column_in_seconds_never_passes_as_milliseconds() {
    // p95 ≈ 0.339 s = 339 ms: over a 100 ms limit. Read as ms it is 0.339 ms and
    // passes 295× under: a wrong GO.
    let dir = TestDir::new();
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 100ms\", \"error_rate < 1%\"]\n",
    );
    for (name, rfc3339) in [("epoch", false), ("text", true)] {
        dir.write(&format!("{name}/results.csv"), seconds_csv(rfc3339));
        let (code, check, _) = check_json(&dir.path().join(name), &sla, &[]);
        assert_eq!(code, 0, "{check}");
        assert_eq!(check["verdict"], "CONDITIONAL", "{name}: {check}");
        let text = check.to_string();
        assert!(text.contains("latency unit is in doubt"), "{name}: {text}");
    }
    // Named in the header, the same values are judged: 339 ms > 100 ms, NO-GO.
    let named = seconds_csv(false).replacen("latency", "latency_s", 1);
    dir.write("named/results.csv", named);
    let (code, check, _) = check_json(&dir.path().join("named"), &sla, &[]);
    assert_eq!((code, &check["verdict"]), (1, &"NO-GO".into()), "{check}");
}

#[test]
fn a_unitless_latency_column_of_milliseconds_is_read_without_doubt() {
    // 150–349 written as ms (integers, and with decimals), RFC 3339 times: judged.
    let dir = TestDir::new();
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 500ms\"]\n");
    for (name, decimals) in [("whole", ""), ("decimals", ".25")] {
        let ms_csv = csv(true, |ms| format!("{ms}{decimals}"));
        dir.write(&format!("{name}/results.csv"), ms_csv);
        let (code, check, _) = check_json(&dir.path().join(name), &sla, &[]);
        assert_eq!(
            (code, &check["verdict"]),
            (0, &"GO".into()),
            "{name}: {check}"
        );
        assert!(!check.to_string().contains("in doubt"), "{check}");
    }
}
