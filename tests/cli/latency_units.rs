//! A generic CSV's `latency` column that names no unit is read as ms; when the file
//! says otherwise (its timestamps in seconds, or sub-second fractions where requests
//! take hundreds of ms), latencies in seconds would read 1,000× too small and pass
//! every latency rule: the unit is in doubt, and no latency figure decides.

use crate::check::check_json;
use crate::common::TestDir;

/// A generic CSV of 3,000 requests 20 ms apart, each taking 150–349 ms written in
/// seconds (`0.150` … `0.349`), its times as `time` writes them: epoch seconds or
/// RFC 3339 text.
pub(crate) fn seconds_csv(rfc3339: bool) -> String {
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

/// A user's own script names its columns its own way: `time`/`start_time`, `url`/
/// `label`, and a latency called `response_time`, `elapsed`, `duration` or `rt`, its
/// unit in brackets, after a separator or in camelCase. Before, only `latency_*` and
/// `timestamp_*` were read: each of these files was "not a recognised load-test
/// result". Each is now read in its unit: 150–349 ms, so a 300 ms p95 limit fails
/// (the 95th of 150…349 is 339 ms), whatever unit the values were written in.
#[test]
fn latency_columns_named_and_unitted_a_scripts_own_way_are_read_in_their_unit() {
    let dir = TestDir::new();
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 300ms\"]\n");
    // (header, dir, the latency of `ms` as that header's unit writes it)
    type Case = (&'static str, &'static str, fn(u32) -> String);
    let cases: [Case; 7] = [
        ("time,url,response_time_ms,code", "a", |ms| ms.to_string()),
        ("time,label,elapsed (ms),status", "b", |ms| ms.to_string()),
        ("start_time,url,Response Time [s],status", "c", |ms| {
            format!("{:.3}", f64::from(ms) / 1000.0)
        }),
        ("time,name,duration_us,status", "d", |ms| {
            (ms * 1000).to_string()
        }),
        ("time,url,durationMs,status", "e", |ms| ms.to_string()),
        ("ts,endpoint,rt in seconds,status", "f", |ms| {
            format!("{:.3}", f64::from(ms) / 1000.0)
        }),
        ("timestamp,endpoint,latency-ns,status", "g", |ms| {
            (u64::from(ms) * 1_000_000).to_string()
        }),
    ];
    for (header, name, latency) in cases {
        let body = csv(true, latency);
        let body = body.replacen("timestamp,endpoint,latency,status", header, 1);
        dir.write(&format!("{name}/results.csv"), body);
        let (code, check, _) = check_json(&dir.path().join(name), &sla, &[]);
        assert_eq!(
            (code, &check["verdict"]),
            (1, &"NO-GO".into()),
            "{header}: {check}"
        );
        assert!(!check.to_string().contains("in doubt"), "{header}: {check}");
    }
}

/// A unitless `latency` column holding microseconds (150,000–349,000) read as ms is
/// 150–349 s a request: a NO-GO on latency that the data does not show. Before, only
/// seconds were doubted; now a median over a minute puts the unit in doubt too.
#[test]
fn a_unitless_latency_column_of_microseconds_is_in_doubt() {
    let dir = TestDir::new();
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 500ms\"]\n");
    dir.write("run/results.csv", csv(true, |ms| (ms * 1000).to_string()));
    let (code, check, _) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 0, "{check}");
    assert_eq!(check["verdict"], "CONDITIONAL", "{check}");
    let text = check.to_string();
    assert!(
        text.contains("latency unit is in doubt") && text.contains("microseconds"),
        "{text}"
    );
}
