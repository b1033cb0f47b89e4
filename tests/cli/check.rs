//! `headroom check` through the binary: every metric kind passing and failing by a
//! margin computed by hand from fixtures the tests write, window rules on a fixture
//! that breaches in one window only, the exit codes, the JUnit file (parsed with an
//! XML parser) and the seed report's four stages cell by cell.

use std::path::Path;

use serde_json::Value;

use crate::analyze::seed_run;
use crate::common::{close, headroom, Lcg, TestDir};

/// 2023-11-14T22:13:20Z, a whole second.
const T0: i64 = 1_700_000_000_000;

/// Runs `check --json` with `extra` flags; returns the exit code, the parsed JSON
/// (null when stdout is not JSON) and stderr.
pub(crate) fn check_json(run: &Path, sla: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "check".to_string(),
        run.display().to_string(),
        "--sla".into(),
        sla.display().to_string(),
        "--json".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = headroom(&refs);
    (
        o.status.code().unwrap_or(-1),
        serde_json::from_slice(&o.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The evaluation of `rule` on `stage` (`None` = overall) in check's JSON.
fn cell<'a>(out: &'a Value, rule: &str, stage: Option<&str>) -> &'a Value {
    out["sla"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == rule && r["stage"].as_str() == stage)
        .unwrap_or_else(|| panic!("no {rule} on {stage:?}"))
}

/// The metrics fixture: 2,000 requests, one every 10 ms, in the stage dir
/// `02_peak_100users`, in a shuffled order of
/// - 1,000 successes at 100 ms, 570 at 300 ms, 300 at 1 s, 100 at 3 s;
/// - 20 failures with status 503 and 10 with status 429, all at 50 ms.
///
/// By hand, sorted latencies with running counts: 50 ms 30 | 100 ms 1,030 |
/// 300 ms 1,600 | 1 s 1,900 | 3 s 2,000; so p(50) (rank 1,000) = 100 ms, p(95)
/// (rank 1,900) = 1 s; mean = (30·50 + 1,000·100 + 570·300 + 300·1,000 + 100·3,000)
/// ÷ 2,000 = 436.25 ms; min 50 ms, max 3 s. Failures 30 (1.5 %), without the expected
/// 429: 20 (1 %); rc(5xx) = 1 %, rc(429) = 0.5 %. Apdex(500ms): satisfied successes
/// 1,570, tolerating (≤ 2 s) 300, the rest frustrated: (1,570 + 150) ÷ 2,000 = 0.86.
/// The stage window runs from the first request's start to the last answer (the
/// latest start + latency of the shuffled rows, [`metrics_span_ms`]), so throughput =
/// 2,000 ÷ that span.
fn metrics_fixture(dir: &TestDir) -> std::path::PathBuf {
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for (i, (ms, status)) in metrics_kinds().iter().enumerate() {
        csv.push_str(&format!(
            "{},/api/v1/agents,GET,{ms},{status}\n",
            T0 + i as i64 * 10
        ));
    }
    dir.write("run/02_peak_100users/requests.csv", csv);
    dir.path().join("run")
}

/// The metrics fixture's requests in file order: (latency ms, status), one every 10 ms.
fn metrics_kinds() -> Vec<(f64, u16)> {
    let mut kinds: Vec<(f64, u16)> = Vec::new();
    for (ms, n) in [(100.0, 1000), (300.0, 570), (1000.0, 300), (3000.0, 100)] {
        kinds.extend(std::iter::repeat_n((ms, 200), n));
    }
    kinds.extend(std::iter::repeat_n((50.0, 503), 20));
    kinds.extend(std::iter::repeat_n((50.0, 429), 10));
    // Fisher–Yates with the seeded generator: the order does not change any figure.
    let mut rng = Lcg(7);
    for i in (1..kinds.len()).rev() {
        let j = (rng.next_f64() * (i + 1) as f64) as usize;
        kinds.swap(i, j.min(i));
    }
    kinds
}

/// From the first start to the last answer: the largest start + latency (at least
/// 1 ms after the last start, the clock's resolution), ms.
fn metrics_span_ms() -> f64 {
    let kinds = metrics_kinds();
    let ends = kinds
        .iter()
        .enumerate()
        .map(|(i, (ms, _))| i as f64 * 10.0 + ms);
    let last_start = (kinds.len() - 1) as f64 * 10.0;
    ends.fold(last_start + 1.0, f64::max)
}

/// (rule, status, factor) on the peak stage, each metric kind passing and failing.
fn metric_cases() -> Vec<(&'static str, &'static str, f64)> {
    let throughput = 2000.0 / (metrics_span_ms() / 1000.0);
    let apdex = 0.86;
    vec![
        ("p(50) < 110ms", "pass", 100.0 / 110.0),
        ("p(50) < 90ms", "fail", 100.0 / 90.0),
        ("p(95) < 1.1s", "pass", 1000.0 / 1100.0),
        ("p(95) < 900ms", "fail", 1000.0 / 900.0),
        ("mean < 500ms", "pass", 436.25 / 500.0),
        ("mean < 400ms", "fail", 436.25 / 400.0),
        ("min > 40ms", "pass", 40.0 / 50.0),
        ("min > 60ms", "fail", 60.0 / 50.0),
        ("max < 5s", "pass", 3000.0 / 5000.0),
        ("max < 2s", "fail", 3000.0 / 2000.0),
        // 20 of 2,000 once 429 is expected; Wilson high end 1.53 % < 2 %.
        ("error_rate < 2%", "pass", 0.01 / 0.02),
        ("error_rate < 0.5%", "fail", 0.01 / 0.005),
        // (1 − 0.99) ÷ (1 − 0.98) and ÷ (1 − 0.995).
        ("availability > 98%", "pass", 0.01 / 0.02),
        ("availability > 99.5%", "fail", 0.01 / 0.005),
        ("rc(5xx) < 2%", "pass", 0.01 / 0.02),
        ("rc(5xx) < 0.5%", "fail", 0.01 / 0.005),
        // 10 of 2,000: Wilson high end 0.92 % < 1 %.
        ("rc(429) < 1%", "pass", 0.005 / 0.01),
        ("rc(429) < 0.25%", "fail", 0.005 / 0.0025),
        ("apdex(500ms) > 0.8", "pass", 0.8 / apdex),
        ("apdex(500ms) > 0.9", "fail", 0.9 / apdex),
        ("throughput >= 80/s", "pass", 80.0 / throughput),
        ("throughput >= 120/s", "fail", 120.0 / throughput),
        ("requests >= 1000", "pass", 1000.0 / 2000.0),
        ("requests >= 4000", "fail", 4000.0 / 2000.0),
    ]
}

fn metrics_sla(dir: &TestDir) -> std::path::PathBuf {
    let rules: Vec<String> = metric_cases()
        .iter()
        .map(|(r, _, _)| format!("  \"{r}\",\n"))
        .collect();
    dir.write(
        "sla.toml",
        format!(
            "[global]\nexpected_status = [429]\nrules = [\n{}  \"rc(2xx) > 90%\",\n]\n",
            rules.concat()
        ),
    )
}

#[test]
fn each_metric_kind_passes_and_fails_by_a_known_margin() {
    let dir = TestDir::new();
    let run = metrics_fixture(&dir);
    let sla = metrics_sla(&dir);
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(
        code, 1,
        "fail-severity rules fail on the verdict stage: {stderr}"
    );
    assert_eq!(out["exit_code"], 1);
    assert_eq!(out["verdict"], "NO-GO");
    for (rule, status, factor) in metric_cases() {
        let c = cell(&out, rule, Some("peak"));
        assert_eq!(c["status"], status, "{rule}: {c}");
        let got = c["factor"].as_f64().unwrap();
        // Latencies sit in 3-digit histogram buckets (≤ 0.1 %); the rest is exact.
        assert!(
            close(got, factor, 2e-3),
            "{rule}: factor {got}, want {factor}"
        );
    }
    let p95 = cell(&out, "p(95) < 900ms", Some("peak"));
    assert!(close(p95["value"].as_f64().unwrap(), 1000.0, 1e-3));
    assert_eq!(p95["unit"], "ms");
    // Order statistics of p95 over 2,000: ranks 1,900 ∓ 19.1 → 1,880 and 1,920, both
    // in the 1 s group (ranks 1,601–1,900) and the 3 s group: [1 s, 3 s].
    let [lo, hi] = [&p95["interval"][0], &p95["interval"][1]].map(|v| v.as_f64().unwrap());
    assert!(
        close(lo, 1000.0, 1e-3) && close(hi, 3000.0, 1e-3),
        "{lo} {hi}"
    );
    let errors = cell(&out, "error_rate < 2%", Some("peak"));
    assert!(errors["note"].as_str().unwrap().contains("10 failures"));
    let apdex = cell(&out, "apdex(500ms) > 0.9", Some("peak"));
    assert!(close(apdex["value"].as_f64().unwrap(), 0.86, 1e-12));
    assert_eq!(apdex["unit"], "score");
    let rc2 = cell(&out, "rc(2xx) > 90%", Some("peak"));
    assert_eq!(rc2["status"], "insufficient_data");
    // Overall holds the same requests and never decides while there are stages.
    let overall = cell(&out, "p(50) < 90ms", None);
    assert_eq!(
        (
            overall["status"].as_str(),
            overall["decides_verdict"].as_bool()
        ),
        (Some("fail"), Some(false))
    );
}

#[test]
fn junit_has_one_suite_per_section_and_a_failure_per_gating_miss() {
    let dir = TestDir::new();
    let run = metrics_fixture(&dir);
    let sla = metrics_sla(&dir);
    let junit = dir.path().join("out/junit.xml");
    let md = dir.path().join("out/comment.md");
    let (code, _, stderr) = check_json(
        &run,
        &sla,
        &[
            "--junit",
            junit.to_str().unwrap(),
            "--markdown",
            md.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit XML");
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    // Only [global] rules: one suite.
    assert_eq!(suites.len(), 1);
    assert_eq!(suites[0].attribute("name"), Some("global"));
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    // 25 rules × (peak + overall).
    let rules = metric_cases().len() + 1;
    assert_eq!(cases.len(), rules * 2);
    // Failures: the 12 failing rules on peak. The same 12 on overall (not a verdict
    // column) and rc(2xx) (insufficient data) twice are skipped.
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), 12);
    let skipped = doc
        .descendants()
        .filter(|n| n.has_tag_name("skipped"))
        .count();
    assert_eq!(skipped, 12 + 2);
    assert_eq!(suites[0].attribute("failures"), Some("12"));
    assert_eq!(
        suites[0].attribute("tests"),
        Some(&*(rules * 2).to_string())
    );
    // The failure message carries value, limit and factor.
    let p95 = cases
        .iter()
        .find(|c| c.attribute("name") == Some("p(95) < 900ms @ peak"))
        .unwrap();
    let message = p95
        .children()
        .find(|n| n.has_tag_name("failure"))
        .and_then(|f| f.attribute("message"))
        .unwrap();
    assert_eq!(message, "p(95) = 1 s, limit < 900 ms, 1.11× over");

    // The PR comment: verdict first, failing rules in the table, passes folded.
    let comment = std::fs::read_to_string(&md).unwrap();
    assert!(
        comment.starts_with("### 🔴 headroom check: NO-GO"),
        "{comment}"
    );
    assert!(
        comment
            .contains("| ❌ | p(95) &lt; 900ms | global | peak | 1 s | &lt; 900 ms | 1.11× over |"),
        "{comment}"
    );
    assert!(
        comment.contains("<details><summary>24 passing</summary>"),
        "{comment}"
    );
    assert!(
        comment.lines().count() < 80,
        "short enough for a PR comment"
    );
}

/// 300 s at 20 req/s in stage dir `01_steady_50users`: every latency 20 ms except the
/// seconds 200..210 (800 ms); one failure (status 500) in every second of 100..160.
fn window_fixture(dir: &TestDir) -> std::path::PathBuf {
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for s in 0..300i64 {
        for i in 0..20i64 {
            let ms = if (200..210).contains(&s) { 800 } else { 20 };
            let status = if (100..160).contains(&s) && i == 0 {
                500
            } else {
                200
            };
            csv.push_str(&format!(
                "{},/a,GET,{ms},{status}\n",
                T0 + s * 1000 + i * 50
            ));
        }
    }
    dir.write("run/01_steady_50users/requests.csv", csv);
    dir.path().join("run")
}

#[test]
fn window_rules_catch_a_breach_in_one_window_only() {
    let dir = TestDir::new();
    let run = window_fixture(&dir);
    let sla = dir.write(
        "sla.toml",
        r#"[global]
rules = ["error_rate < 4.95%", "error_rate < 4.95% in every 60s",
         "error_rate < 5.05% in every 60s", "p(95) < 500ms",
         "p(95) < 500ms for 10s", "p(95) < 500ms for 11s"]
"#,
    );
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 1, "{stderr}");
    // Whole stage: 60 failures of 6,000 = 1 %; p(95) = 20 ms (200 slow = 3.3 %).
    let whole = cell(&out, "error_rate < 4.95%", Some("steady"));
    assert_eq!(whole["status"], "pass");
    assert!(close(whole["value"].as_f64().unwrap(), 0.01, 1e-12));
    assert_eq!(
        cell(&out, "p(95) < 500ms", Some("steady"))["status"],
        "pass"
    );
    // Rolling 60 s windows: 241. Only the one from s = 100 holds all 60 failures:
    // 60 ÷ 1,200 = 5 %; every other holds at most 59 (4.92 %).
    let every = cell(&out, "error_rate < 4.95% in every 60s", Some("steady"));
    assert_eq!(every["status"], "fail", "{every}");
    assert!(close(every["value"].as_f64().unwrap(), 0.05, 1e-12));
    assert!(close(
        every["factor"].as_f64().unwrap(),
        0.05 / 0.0495,
        1e-9
    ));
    let w = &every["window"];
    assert_eq!(
        (
            w["kind"].as_str(),
            w["windows"].as_u64(),
            w["breached"].as_u64()
        ),
        (Some("every"), Some(241), Some(1))
    );
    // T0 + 100 s.
    assert_eq!(w["first_breach"], "2023-11-14T22:15:00.000Z");
    assert_eq!(w["worst_start"], "2023-11-14T22:15:00.000Z");
    assert_eq!(
        cell(&out, "error_rate < 5.05% in every 60s", Some("steady"))["status"],
        "pass"
    );
    // Seconds 200..210 are slow: breached for exactly 10 s.
    let for10 = cell(&out, "p(95) < 500ms for 10s", Some("steady"));
    assert_eq!(for10["status"], "fail", "{for10}");
    assert_eq!(for10["window"]["longest_breach_s"], 10.0);
    assert_eq!(for10["window"]["first_breach"], "2023-11-14T22:16:40.000Z");
    assert!(close(for10["value"].as_f64().unwrap(), 800.0, 0.01));
    let for11 = cell(&out, "p(95) < 500ms for 11s", Some("steady"));
    assert_eq!(for11["status"], "pass", "{for11}");
    assert!(for11["note"]
        .as_str()
        .unwrap()
        .contains("2 significant digits"));
}

/// Endpoint rules per window read the endpoint's own interval histograms, which
/// ingest keeps only when such a rule asks for them: the same breach as above,
/// seen through `[endpoint."GET /a"]` and `[each_endpoint]`.
#[test]
fn endpoint_window_rules_see_the_endpoints_latencies() {
    let dir = TestDir::new();
    let run = window_fixture(&dir);
    let sla = dir.write(
        "sla.toml",
        r#"[endpoint."GET /a"]
rules = ["p(95) < 500ms for 10s"]

[each_endpoint]
rules = ["p(95) < 500ms for 11s"]
"#,
    );
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 1, "{stderr}");
    let for10 = cell(&out, "p(95) < 500ms for 10s", Some("steady"));
    assert_eq!(for10["endpoint"], "GET /a", "{for10}");
    assert_eq!(for10["status"], "fail", "{for10}");
    assert_eq!(for10["window"]["longest_breach_s"], 10.0);
    assert!(close(for10["value"].as_f64().unwrap(), 800.0, 0.01));
    let for11 = cell(&out, "p(95) < 500ms for 11s", Some("steady"));
    assert_eq!(for11["status"], "pass", "{for11}");
}

/// A small passing run: 500 requests at 10 ms, no failures.
fn small_run(dir: &TestDir) -> std::path::PathBuf {
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..500i64 {
        csv.push_str(&format!("{},/a,GET,10,200\n", T0 + i * 20));
    }
    dir.write("run/01_peak_10users/requests.csv", csv);
    dir.path().join("run")
}

#[test]
fn exit_codes() {
    let dir = TestDir::new();
    let run = small_run(&dir);
    let code_of = |sla: &str, extra: &[&str]| {
        let path = dir.write("sla.toml", sla);
        let (code, _, stderr) = check_json(&run, &path, extra);
        (code, stderr)
    };
    // 0: everything passes.
    assert_eq!(code_of("[global]\nrules = [\"p(95) < 100ms\"]\n", &[]).0, 0);
    // 1: a fail-severity rule fails.
    assert_eq!(code_of("[global]\nrules = [\"p(95) < 5ms\"]\n", &[]).0, 1);
    // 0: a warn rule fails (CONDITIONAL).
    let warn = "[[rule]]\nexpr = \"p(95) < 5ms\"\nseverity = \"warn\"\n";
    assert_eq!(code_of(warn, &[]).0, 0);
    assert_eq!(code_of(warn, &["--strict"]).0, 0);
    // 0 errors in 500 requests cannot show < 0.1 %: not proven → 0, --strict → 1.
    let unproven = "[global]\nrules = [\"error_rate < 0.1%\"]\n";
    assert_eq!(code_of(unproven, &[]).0, 0);
    assert_eq!(code_of(unproven, &["--strict"]).0, 1);
    // p(99.9) needs 10,000 samples: insufficient data → 0, --strict → 1.
    let thin = "[global]\nrules = [\"p(99.9) < 1s\"]\n";
    assert_eq!(code_of(thin, &[]).0, 0);
    assert_eq!(code_of(thin, &["--strict"]).0, 1);
    // 2: a bad SLA file, named with its line and a hint.
    let (code, stderr) = code_of(
        "[global]\nrules = [\n  \"p(95) < 1s\",\n  \"95th < 1s\",\n]\n",
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("sla.toml:4: unknown metric \"95th\" — did you mean \"p(95)\"?"),
        "{stderr}"
    );
    let (code, stderr) = code_of("[global]\nrules = [\"p(95) < 1 sec\"]\n", &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains(":2: unknown latency unit"), "{stderr}");
    let (code, stderr) = code_of("[endpoint.'/a(/']\nrules = [\"max < 1s\"]\n", &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(":1: endpoint regex /a(/ does not compile"),
        "{stderr}"
    );
    // 2: a scope that matches nothing, with the nearest name.
    let (code, stderr) = code_of("[stage.peek]\nrules = [\"max < 1s\"]\n", &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(":1: [stage.peek] matches no stage in the data — did you mean \"peak\"?"),
        "{stderr}"
    );
    let (code, stderr) = code_of("[endpoint.\"GET /b\"]\nrules = [\"max < 1s\"]\n", &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean \"GET /a\"?"), "{stderr}");
    // 2: k6's thresholds pasted in, and a limit written with its operator: the rule
    // meaning the same is offered (k6's durations are ms, its failure rate a fraction).
    let k6 = "[global]\nhttp_req_duration = [\"p(95)<500\"]\n";
    let (code, stderr) = code_of(k6, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(":2: ") && stderr.contains("`rules = [\"p(95) < 500ms\"]`"),
        "{stderr}"
    );
    let (code, stderr) = code_of("[stage.peak]\n\"p(95)\" = \"< 200ms\"\n", &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`rules = [\"p(95) < 200ms\"]`"), "{stderr}");
    // 2: bad input.
    let sla = dir.write("ok.toml", "[global]\nrules = [\"p(95) < 100ms\"]\n");
    let o = headroom(&[
        "check",
        dir.path().join("nowhere").to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let bad = TestDir::new();
    bad.write(
        "run/requests.csv",
        "timestamp_ms,endpoint,latency_ms\n1,/a,5\n2,/a,fast\n",
    );
    let o = headroom(&[
        "check",
        bad.path().join("run").to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("requests.csv:3"));

    // The text table names rule, scope, stage, value, limit, status and factor.
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["rule", "scope", "stage", "value", "limit", "status", "factor"]
    );
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    assert!(text.contains("verdict: GO"), "{text}");
}

#[test]
fn seed_shaped_four_stages_give_the_seed_matrix_and_no_go() {
    let dir = TestDir::new();
    seed_run(&dir);
    let sla = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/sla/agent-platform.toml"
    ));
    let (code, out, stderr) = check_json(&dir.path().join("run"), sla, &[]);
    // Peak misses its latency targets: NO-GO, exit 1.
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out["verdict"], "NO-GO");
    // The seed's figures per stage (requests ÷ duration, errors ÷ requests, its
    // percentiles): (rule, [baseline, target, peak, stress] as (status, factor)).
    let (p, f) = ("pass", "fail");
    let global: [(&str, [(&str, f64); 4]); 6] = [
        (
            "throughput >= 1000/s",
            [(f, 1000.0 / 100.0), (f, 1000.0 / 500.0), (p, 1.0), (p, 0.5)],
        ),
        (
            "p(50) < 200ms",
            [
                (p, 150.0 / 200.0),
                (f, 750.0 / 200.0),
                (f, 450.0 / 200.0),
                (f, 900.0 / 200.0),
            ],
        ),
        (
            "p(95) < 500ms",
            [
                (p, 400.0 / 500.0),
                (f, 2000.0 / 500.0),
                (f, 1200.0 / 500.0),
                (f, 2400.0 / 500.0),
            ],
        ),
        (
            "p(99) < 1s",
            [
                (p, 850.0 / 1000.0),
                (f, 4250.0 / 1000.0),
                (f, 2550.0 / 1000.0),
                (f, 5100.0 / 1000.0),
            ],
        ),
        // 0.02 % of 0.1 % everywhere but stress: 6,120 of 600,000 = 1.02 %.
        (
            "error_rate < 0.1%",
            [(p, 0.2), (p, 0.2), (p, 0.2), (f, 10.2)],
        ),
        (
            "availability > 99.9%",
            [(p, 0.2), (p, 0.2), (p, 0.2), (f, 10.2)],
        ),
    ];
    let stages = ["baseline", "target", "peak", "stress"];
    for (rule, cells) in global {
        for (stage, (status, factor)) in stages.iter().zip(cells) {
            let c = cell(&out, rule, Some(stage));
            assert_eq!(c["status"], status, "{rule} on {stage}: {c}");
            assert_eq!(c["decides_verdict"], *stage == "peak", "{rule} on {stage}");
            let got = c["factor"].as_f64().unwrap();
            assert!(
                close(got, factor, 1e-6),
                "{rule} on {stage}: {got} vs {factor}"
            );
        }
        // …and an overall column.
        let _ = cell(&out, rule, None);
    }
    // The seed's per-test targets, all met.
    let stage_rules: [(&str, &str, f64); 10] = [
        ("baseline", "throughput >= 100/s", 1.0),
        ("baseline", "p(50) < 200ms", 0.75),
        ("baseline", "p(95) < 500ms", 0.8),
        ("baseline", "p(99) < 1000ms", 0.85),
        ("baseline", "error_rate < 0.1%", 0.2),
        ("target", "throughput >= 500/s", 1.0),
        ("target", "p(50) < 800ms", 750.0 / 800.0),
        ("target", "p(95) < 2500ms", 0.8),
        ("target", "p(99) < 5000ms", 0.85),
        ("target", "error_rate < 0.2%", 0.1),
    ];
    for (stage, rule, factor) in stage_rules {
        let c = out["sla"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["scope"] == "stage" && r["rule"] == rule && r["stage"] == stage)
            .unwrap_or_else(|| panic!("{rule} on {stage}"));
        assert_eq!(c["status"], "pass", "{rule} on {stage}");
        assert!(
            close(c["factor"].as_f64().unwrap(), factor, 1e-6),
            "{rule} on {stage}"
        );
    }
    // 6 global rules × 5 columns + 10 stage rules.
    assert_eq!(out["counts"]["total"], 40);
}

/// A malformed row fails `check` (exit 2): its JUnit names it as an error, file and
/// line, beside the rules that pass, and so does the pull-request comment; `--lenient`
/// leaves it out as the exit does.
#[test]
fn junit_and_comment_name_an_input_problem_that_fails_the_check() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms,success\n");
    for i in 0..200 {
        csv.push_str(&format!("{},/a,{},true\n", T0 + i * 50, 10 + i % 7));
    }
    // Line 4 (the header is line 1): a timestamp that is no time.
    csv = csv.replacen(
        &format!("{},/a,12,true", T0 + 100),
        "yesterday,/a,12,true",
        1,
    );
    dir.write("run/requests.csv", csv);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 50%\"]\n");
    let run = dir.path().join("run");
    let junit = |extra: &[&str]| {
        let path = dir.path().join(format!("junit{}.xml", extra.len()));
        let md = dir.path().join(format!("comment{}.md", extra.len()));
        let mut args = vec!["--junit", path.to_str().unwrap()];
        args.extend(["--markdown", md.to_str().unwrap()]);
        args.extend(extra);
        let (code, _, stderr) = check_json(&run, &sla, &args);
        let comment = std::fs::read_to_string(&md).unwrap();
        (
            code,
            std::fs::read_to_string(&path).unwrap(),
            stderr,
            comment,
        )
    };
    let (code, xml, stderr, comment) = junit(&[]);
    assert!(comment.contains("**Input problems**"), "{comment}");
    assert!(comment.contains("requests.csv:4:"), "{comment}");
    assert_eq!(code, 2, "{stderr}");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("errors"), Some("1"), "{xml}");
    // Every evaluation and the problem count as tests.
    let cases = doc.descendants().filter(|n| n.has_tag_name("testcase"));
    assert_eq!(root.attribute("tests"), Some(&*cases.count().to_string()));
    let error = doc
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .expect("an <error>");
    let case = error.parent().unwrap();
    assert!(
        case.attribute("name").unwrap().ends_with("requests.csv:4"),
        "{xml}"
    );
    assert!(
        error.attribute("message").unwrap().contains("yesterday"),
        "{xml}"
    );
    let (code, xml, _, comment) = junit(&["--lenient"]);
    assert_eq!(code, 0);
    assert!(!xml.contains("<error"), "{xml}");
    assert!(!comment.contains("Input problems"), "{comment}");
}
