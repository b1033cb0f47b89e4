//! Verdicts that must not rest on what the data cannot show: a per-request file that
//! leaves transport errors out (hey's and oha's CSV) cannot prove an error-rate,
//! availability or goodput pass, nor one without outcomes (ab's `-g` TSV) any failure
//! rule; short summaries-only runs of one config do not
//! regress in `compare`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::check::check_json;
use crate::common::{analyze_json, TestDir};

/// 2023-11-14T22:13:20Z, a whole second.
const T0: i64 = 1_700_000_000_000;

/// Requests in the transport-error fixtures: one every 5 ms for 10 s, all at 20 ms.
const N: u64 = 2_000;

/// The rules of the transport-error fixtures. On 2,000 requests without a failure the
/// Wilson interval of the error rate is [0, 0.19 %], inside 1 %; goodput is 2,000 ÷
/// ~10 s = ~200 req/s, over 100; p(95) = 20 ms.
const RULES: &str = r#"[global]
rules = ["p(95) < 500ms", "error_rate < 1%", "availability > 99%", "goodput >= 100/s", "rc(5xx) < 1%"]
"#;

/// The status of request `i` (0-based): 503 for the first `failed` of every 100.
fn status(i: u64, failed: u64) -> u16 {
    if i % 100 < failed {
        503
    } else {
        200
    }
}

/// hey's CSV of the fixture (`failed` of every 100 answered with 503).
fn hey_csv(failed: u64) -> String {
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset",
    );
    for i in 0..N {
        csv.push_str(&format!(
            "\n0.0200,0.0001,0.0000,0.0000,0.0199,0.0000,{},{:.3}",
            status(i, failed),
            i as f64 * 0.005
        ));
    }
    csv
}

/// oha's CSV of the fixture.
fn oha_csv(failed: u64) -> String {
    let mut csv =
        String::from("request-start,DNS,DNS+dialup,Response-delay,request-duration,bytes,status\n");
    for i in 0..N {
        csv.push_str(&format!(
            "{:.3},0.0001,0.0002,0.0199,0.0200,128,{}\n",
            i as f64 * 0.005,
            status(i, failed)
        ));
    }
    csv
}

/// The same requests in the generic CSV, which has a row for every request sent.
fn generic_csv(failed: u64) -> String {
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms,status\n");
    for i in 0..N {
        csv.push_str(&format!(
            "{},/api,20,{}\n",
            T0 + 5 * i as i64,
            status(i, failed)
        ));
    }
    csv
}

/// Writes `file` with `text` into a run dir and the SLA beside it.
fn run_dir(dir: &TestDir, file: &str, text: String) -> (PathBuf, PathBuf) {
    dir.write(&format!("run/{file}"), text);
    (dir.path().join("run"), dir.write("sla.toml", RULES))
}

/// The evaluation of `rule` on `stage` (`None` = overall) in check's JSON.
fn cell<'a>(out: &'a Value, rule: &str, stage: Option<&str>) -> &'a Value {
    out["sla"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == rule && r["stage"].as_str() == stage)
        .unwrap_or_else(|| panic!("no {rule} on {stage:?}: {out}"))
}

/// The sole stage's name in check's JSON.
fn stage(out: &Value) -> String {
    out["sla"]["matrix"]["columns"][0]
        .as_str()
        .unwrap()
        .to_string()
}

/// Asserts what a source that leaves transport errors out gives: the failure rules
/// that pass at face value lack the data, latency and rc(5xx) (which unseen failures
/// can only lower) pass, CONDITIONAL, exit 0, and data_quality `partial` with the
/// tool's name in the reason and on the readiness row.
fn assert_unseen(run: &Path, sla: &Path, tool: &str) {
    let (code, out, stderr) = check_json(run, sla, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "CONDITIONAL", "{out}");
    let s = stage(&out);
    for rule in ["error_rate < 1%", "availability > 99%", "goodput >= 100/s"] {
        let e = cell(&out, rule, Some(&s));
        assert_eq!(e["status"], "insufficient_data", "{rule}: {e}");
        // Its face value passes, but a face value the data cannot stand by is no pass.
        assert!(e["pass"].is_null(), "{rule}: insufficient data: {e}");
        let note = e["note"].as_str().unwrap();
        assert!(note.contains("transport errors"), "{note}");
        assert!(note.contains(&format!("{tool}'s")), "{note}");
    }
    assert_eq!(cell(&out, "error_rate < 1%", Some(&s))["value"], 0.0);
    assert_eq!(cell(&out, "p(95) < 500ms", Some(&s))["status"], "pass");
    assert_eq!(cell(&out, "rc(5xx) < 1%", Some(&s))["status"], "pass");
    let headline = out["sla"]["headline"].as_str().unwrap();
    assert!(headline.starts_with("CONDITIONAL"), "{headline}");
    assert!(headline.contains("partial data"), "{headline}");

    let (code, report, stderr) = analyze_json(&[run], &["--sla", &sla.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["data_quality"], "partial");
    let why = report["data_quality_reason"].as_str().unwrap();
    assert!(
        why.contains(&format!("{tool}'s")) && why.contains("transport errors"),
        "{why}"
    );
    let row = report["readiness"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["area"] == "Data quality")
        .unwrap();
    assert_eq!(row["status"], "NOT READY", "{row}");
    assert!(row["evidence"].as_str().unwrap().contains("partial"));
}

#[test]
fn hey_csv_cannot_prove_an_error_rate_pass() {
    let dir = TestDir::new();
    let (run, sla) = run_dir(&dir, "hey.csv", hey_csv(0));
    assert_unseen(&run, &sla, "hey");
}

#[test]
fn oha_csv_cannot_prove_an_error_rate_pass() {
    let dir = TestDir::new();
    let (run, sla) = run_dir(&dir, "oha.csv", oha_csv(0));
    assert_unseen(&run, &sla, "oha");
}

/// ab's `-g` TSV of the fixture's requests: times only (ab writes no status, and no
/// row for a failed connect), one request every 5 ms (four a second per whole
/// `seconds`), all 20 ms.
fn ab_tsv() -> String {
    let mut tsv = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    for i in 0..N {
        let seconds = T0 / 1000 + (i as i64 * 5) / 1000;
        tsv.push_str(&format!(
            "Tue Nov 14 22:13:20 2023\t{seconds}\t0\t20\t20\t20\n"
        ));
    }
    tsv
}

/// ab's -g file alone cannot show a single failure: every failure rule, pass or miss,
/// lacks the data (a 503 there looks like a success), latency still judges, and the
/// data is `partial`. Before, all five rules passed: GO.
#[test]
fn an_ab_gnuplot_file_alone_cannot_prove_any_failure_rule() {
    let dir = TestDir::new();
    let (run, sla) = run_dir(&dir, "ab.tsv", ab_tsv());
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "CONDITIONAL", "{out}");
    let s = stage(&out);
    for rule in [
        "error_rate < 1%",
        "availability > 99%",
        "goodput >= 100/s",
        "rc(5xx) < 1%",
    ] {
        let e = cell(&out, rule, Some(&s));
        assert_eq!(e["status"], "insufficient_data", "{rule}: {e}");
        let note = e["note"].as_str().unwrap();
        assert!(
            note.contains("ab's per-request file records no outcome"),
            "{note}"
        );
    }
    assert_eq!(cell(&out, "p(95) < 500ms", Some(&s))["status"], "pass");
    let (_, report, _) = analyze_json(&[&run], &["--sla", &sla.display().to_string()]);
    assert_eq!(report["data_quality"], "partial");
    assert_eq!(report["overall"]["requests"], N);
    let why = report["data_quality_reason"].as_str().unwrap();
    assert!(why.contains("no outcome"), "{why}");
}

/// The same requests with a row for every request sent: every rule passes, GO, clean.
#[test]
fn the_same_requests_from_a_source_that_sees_every_request_are_a_go() {
    let dir = TestDir::new();
    let (run, sla) = run_dir(&dir, "requests.csv", generic_csv(0));
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "GO", "{out}");
    let s = stage(&out);
    assert_eq!(cell(&out, "error_rate < 1%", Some(&s))["status"], "pass");
    assert_eq!(cell(&out, "goodput >= 100/s", Some(&s))["status"], "pass");
    let (_, report, _) = analyze_json(&[&run], &["--sla", &sla.display().to_string()]);
    assert_eq!(report["data_quality"], "clean");
}

/// A miss stands: the failures the file leaves out can only make it worse. 5 of every
/// 100 answers are 503: error rate 100 ÷ 2,000 = 5 %, availability 95 %.
#[test]
fn a_miss_on_a_file_without_transport_errors_still_fails() {
    let dir = TestDir::new();
    let (run, sla) = run_dir(&dir, "hey.csv", hey_csv(5));
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out}");
    let s = stage(&out);
    let e = cell(&out, "error_rate < 1%", Some(&s));
    assert_eq!(e["status"], "fail");
    assert_eq!(e["value"], 0.05);
    assert_eq!(cell(&out, "availability > 99%", Some(&s))["status"], "fail");
    // rc(5xx) is 5 % too: a miss of an upper bound the bias cannot overturn.
    assert_eq!(cell(&out, "rc(5xx) < 1%", Some(&s))["status"], "fail");
}

/// A Locust `--csv --csv-full-history` set of a 6 s run at 20 users: a history row a
/// second (the first at 0 users), cumulative per endpoint, with `/a` adding
/// `a_counts` requests and `/b` 17 a second, no failures; windowed percentiles
/// `a_pcts` for `/a` (50 % … 100 %) and fixed ones for `/b`.
fn locust_set(dir: &TestDir, name: &str, a_counts: &[u64], a_pcts: &[u32; 11]) -> PathBuf {
    let t0 = 1_796_303_960i64;
    let pcts = |p: &[u32; 11]| {
        p.iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    let b_pcts = pcts(&[250, 310, 340, 360, 440, 490, 720, 910, 910, 910, 910]);
    let mut hist = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,\
         99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,\
         Total Average Response Time,Total Min Response Time,Total Max Response Time,\
         Total Average Content Size\n",
    );
    hist.push_str(&format!(
        "{t0},0,,Aggregated,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0\n"
    ));
    let (mut a, mut b) = (0u64, 0u64);
    for (i, n) in a_counts.iter().enumerate() {
        let t = t0 + 1 + i as i64;
        a += n;
        b += 17;
        let (pa, pb) = (pcts(a_pcts), &b_pcts);
        hist.push_str(&format!(
            "{t},20,GET,/a,{n},0,{pa},{a},0,21,22.0,7,67,91\n\
             {t},20,POST,/b,17,0,{pb},{b},0,250,274.0,46,910,38\n\
             {t},20,,Aggregated,{},0,{pa},{},0,30,117.0,7,910,69\n",
            n + 17,
            a + b
        ));
    }
    let secs = a_counts.len() as f64;
    let stats = format!(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,\
         75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
         GET,/a,{a},0,21,22.0,7,67,91,{},0,{}\n\
         POST,/b,{b},0,250,274.0,46,910,38,{},0,{b_pcts}\n\
         ,Aggregated,{},0,30,117.0,7,910,69,{},0,{}\n",
        a as f64 / secs,
        pcts(a_pcts),
        b as f64 / secs,
        a + b,
        (a + b) as f64 / secs,
        pcts(a_pcts)
    );
    dir.write(&format!("{name}/locust_stats_history.csv"), hist);
    dir.write(&format!("{name}/locust_stats.csv"), stats);
    dir.path().join(name)
}

/// Two 6 s Locust runs of one config: `/a` made 51, 40, 35, 27, 40 requests a second
/// in one and 26, 34, 28, 28, 30 in the other (a 24 % lower rate, from second-to-second
/// swings as large), with p90 35 ms against 38 ms on ~150 requests. Summaries and
/// short histories cannot show such changes: nothing regresses, and
/// `--fail-on-regression` exits 0.
#[test]
fn identical_short_locust_runs_do_not_regress() {
    let dir = TestDir::new();
    let base = locust_set(
        &dir,
        "a",
        &[51, 40, 35, 27, 40],
        &[21, 25, 27, 29, 35, 39, 45, 54, 67, 67, 67],
    );
    let cand = locust_set(
        &dir,
        "b",
        &[26, 34, 28, 28, 30],
        &[22, 26, 28, 30, 38, 41, 48, 59, 76, 76, 76],
    );
    let out = dir.path().join("cmp");
    let o = crate::common::headroom(&[
        "compare",
        base.to_str().unwrap(),
        cand.to_str().unwrap(),
        "--fail-on-regression",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    assert_eq!(o.status.code(), Some(0), "{stderr}\n{report:#}");
    assert_eq!(report["counts"]["regressed"], 0, "{report:#}");
    let rows = report["comparisons"].as_array().unwrap();
    let a_rate = rows
        .iter()
        .find(|r| r["endpoint"] == "GET /a" && r["metric"] == "throughput")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert!(a_rate["delta_pct"].as_f64().unwrap() < -5.0, "{a_rate:#}");
    assert_eq!(a_rate["verdict"], "inconclusive", "{a_rate:#}");
    let a_p90 = rows
        .iter()
        .find(|r| r["endpoint"] == "GET /a" && r["metric"] == "p90")
        .unwrap();
    assert_eq!(a_p90["method"], "reported");
    assert_eq!(a_p90["verdict"], "inconclusive", "{a_p90:#}");
}

/// README's contract: bad input comes first. A NO-GO (5 % errors against 1 %) on a
/// file with one malformed row exits 2, and the last line names both; `--lenient`
/// exits 1 with the NO-GO.
#[test]
fn a_no_go_with_an_input_problem_exits_2_and_says_both() {
    let dir = TestDir::new();
    let mut csv = generic_csv(5);
    csv.push_str("not-a-time,/api,20,200\n");
    let (run, sla) = run_dir(&dir, "requests.csv", csv);
    let args = |extra: &[&str]| {
        let mut a = vec![
            "check".to_string(),
            run.display().to_string(),
            "--sla".into(),
            sla.display().to_string(),
            "--color".into(),
            "never".into(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run_check = |extra: &[&str]| {
        let a = args(extra);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        crate::common::headroom(&refs)
    };
    let o = run_check(&[]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("verdict: NO-GO"), "{stdout}");
    let last = stdout.lines().find(|l| l.starts_with("exit ")).unwrap();
    assert!(last.starts_with("exit 2: bad input"), "{last}");
    assert!(last.contains("fail on the data read"), "{last}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("requests.csv"));
    let o = run_check(&["--lenient"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
