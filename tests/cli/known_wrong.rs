//! Known wrong judgements on real run dirs (qa11): a rate made up for requests that
//! all started at one instant, and the other items of that round. Every fixture is
//! written here in the tool's own format, and the expected figures follow from its
//! arithmetic.

use serde_json::Value;

use super::common::{analyze_json, headroom, TestDir};

/// JMeter's default CSV JTL header (JMeter 5.x).
const JTL_HEADER: &str = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,\
dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n";

/// A JTL row of `GET /api` started at `t_ms`, answered 200 in 120 ms, by thread `n`
/// of `users`.
fn jtl_row(t_ms: u64, n: u32, users: u32) -> String {
    format!(
        "{t_ms},120,GET /api,200,OK,TG 1-{n},text,true,,512,100,{users},{users},http://x/api,110,0,5\n"
    )
}

/// `check --format json` of `dir` against `sla`: exit code and the report.
fn check_json(dir: &std::path::Path, sla: &std::path::Path) -> (i32, Value) {
    let o = headroom(&[
        "check",
        &dir.display().to_string(),
        "--sla",
        &sla.display().to_string(),
        "--format",
        "json",
    ]);
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json)
}

/// H9: one request, or 50 that all started in the same millisecond, measure no span:
/// the stage's throughput is unknown (was 1,000 req/s for one request, 50 req/s for
/// the burst, from a window of the clock's resolution), and a throughput rule on it
/// lacks the data (was `pass`). Two requests 400 ms apart still make a rate:
/// 2 ÷ 0.401 s.
#[test]
fn requests_at_one_instant_have_no_throughput() {
    let t = TestDir::new();
    let t0 = 1_796_376_447_123u64;
    let one = t.write(
        "one/results.jtl",
        format!("{JTL_HEADER}{}", jtl_row(t0, 1, 1)),
    );
    let burst: String = (1..=50).map(|n| jtl_row(t0 - 123, n, 50)).collect();
    let burst = t.write("burst/results.jtl", format!("{JTL_HEADER}{burst}"));
    let two = format!(
        "{JTL_HEADER}{}{}",
        jtl_row(t0, 1, 1),
        jtl_row(t0 + 400, 1, 1)
    );
    let two = t.write("two/results.jtl", two);
    let sla = t.write("sla.toml", "[global]\nrules = [\"throughput >= 0.5/s\"]\n");

    for (file, requests) in [(&one, 1), (&burst, 50)] {
        let dir = file.parent().unwrap();
        let (code, report, stderr) = analyze_json(&[dir], &[]);
        assert_eq!(code, 0, "{stderr}");
        let stage = &report["stages"][0];
        assert_eq!(stage["requests"], requests);
        assert!(stage["throughput_rps"].is_null(), "{dir:?}: {stage}");
        assert!(stage["goodput_rps"].is_null(), "{dir:?}: {stage}");
        assert!(report["overall"]["throughput_rps"].is_null());
        let warned = report["warnings"].as_array().unwrap().iter();
        assert!(
            warned
                .filter_map(Value::as_str)
                .any(|w| w.contains("one instant")),
            "{}",
            report["warnings"]
        );

        let (code, check) = check_json(dir, &sla);
        assert_eq!(code, 0);
        assert_ne!(check["verdict"], "GO", "{check}");
        for rule in check["sla"]["rules"].as_array().unwrap() {
            assert_eq!(rule["status"], "insufficient_data", "{rule}");
            assert!(rule["value"].is_null());
            assert!(rule["note"].as_str().unwrap().contains("no measured span"));
        }
    }

    let (code, report, stderr) = analyze_json(&[two.parent().unwrap()], &[]);
    assert_eq!(code, 0, "{stderr}");
    let rps = report["stages"][0]["throughput_rps"].as_f64().unwrap();
    assert!((rps - 2.0 / 0.401).abs() < 1e-6, "{rps}");
}
