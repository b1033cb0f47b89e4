//! JTL `timeStamp` dates in the short form, whose day and month order the file does
//! not say (`dd/MM/yy HH:mm:ss` from a European `timestamp_format`, `MM/dd/yy` JMeter's
//! fallback): one order a file, from its values, never a run over midnight read as a
//! month long.

use crate::common::{analyze_json, TestDir};

/// `n` rows by 4 threads, 4 a second from `start` (seconds since midnight of day
/// `day` of month `month`, 2025), written with `date` as the short form wants.
fn jtl(n: u64, (month, day, start): (u32, u32, u64), date: fn(u32, u32) -> String) -> String {
    let mut out = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
         failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
    );
    for i in 0..n {
        let s = start + i / 4;
        let (d, s) = (day + (s / 86_400) as u32, s % 86_400);
        let time = format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60);
        out.push_str(&format!(
            "{} {time},50,GET /api,200,OK,TG 1-{},text,true,,100,50,4,4,http://x/api,5,0,1\n",
            date(month, d),
            i % 4 + 1
        ));
    }
    out
}

fn day_first(month: u32, day: u32) -> String {
    format!("{day:02}/{month:02}/25")
}

fn month_first(month: u32, day: u32) -> String {
    format!("{month:02}/{day:02}/25")
}

/// 2,400 requests over 600 s across midnight of 5–6 December, dates `dd/MM/yy`: read
/// month first (before) the run spanned 5 May to 6 June, 0.0009 req/s on a clean
/// verdict; now day first, 4 req/s over its 10 minutes, and a note says why.
#[test]
fn european_short_dates_over_midnight_are_read_day_first() {
    let t = TestDir::new();
    // From 23:55:00 on 5 December.
    t.write("run/results.jtl", jtl(2400, (12, 5, 86_100), day_first));
    let (code, report, stderr) = analyze_json(&[&t.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 2400);
    let rps = stage["throughput_rps"].as_f64().unwrap();
    assert!((rps - 4.0).abs() < 0.1, "{rps}");
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("read day first"), "{notes}");
    // 2025-12-05T23:55:00Z.
    assert!(
        report["run"]["started"]
            .as_str()
            .unwrap_or("")
            .starts_with("2025-12-05T23:55"),
        "{}",
        report["run"]
    );
}

/// A first field over 12 settles it for the whole file, even where the rows it
/// holds could be read either way; and JMeter's own `MM/dd/yy` stays month first.
#[test]
fn a_day_over_twelve_decides_and_month_first_dates_stay_month_first() {
    let t = TestDir::new();
    // 13 December, within one day: 400 requests over 100 s.
    t.write("eu/results.jtl", jtl(400, (12, 13, 36_000), day_first));
    let (code, report, stderr) = analyze_json(&[&t.path().join("eu")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        report["run"]["started"]
            .as_str()
            .unwrap_or("")
            .starts_with("2025-12-13T10:00"),
        "{}",
        report["run"]
    );
    // Over midnight of 5–6 December, written month first (12/05/25 → 12/06/25).
    t.write("us/results.jtl", jtl(2400, (12, 5, 86_100), month_first));
    let (code, report, stderr) = analyze_json(&[&t.path().join("us")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let rps = report["stages"][0]["throughput_rps"].as_f64().unwrap();
    assert!((rps - 4.0).abs() < 0.1, "{rps}");
}
