//! Messy runs, batch "bl" (qa66): a release manager comparing release dirs measured
//! with the real tools against two `headroom target`s, one of them rate-limited, the
//! consoles kept beside the tools' side files (`ab -g ab.tsv URL > ab.txt`).

use super::common::{analyze_json, close, headroom, TestDir};
use serde_json::Value;

/// ab 2.3's console output of `ab -n N -c 4 -g ab.tsv URL` over `secs` seconds,
/// `failed` of its requests non-2xx (a rate limit's 429s), with the percentile table
/// of `ms` (every request's whole-ms latency).
pub(crate) fn ab_text(ms: &[u64], failed: u64, secs: f64) -> String {
    let n = ms.len() as u64;
    let mut sorted = ms.to_vec();
    sorted.sort_unstable();
    let rank = |p: f64| sorted[((p / 100.0 * n as f64).ceil() as usize).max(1) - 1];
    let mean = ms.iter().sum::<u64>() as f64 / n as f64;
    let rps = n as f64 / secs;
    let failures = match failed {
        0 => "Failed requests:        0\n".to_string(),
        f => format!(
            "Failed requests:        {f}\n   (Connect: 0, Receive: 0, Length: {f}, \
             Exceptions: 0)\nNon-2xx responses:      {f}\n"
        ),
    };
    let (lo, hi) = (sorted[0], sorted[sorted.len() - 1]);
    let mut text = format!(
        "This is ApacheBench, Version 2.3 <$Revision: 1903618 $>\n\
         Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
         Licensed to The Apache Software Foundation, http://www.apache.org/\n\n\
         Benchmarking 127.0.0.1 (be patient)\nCompleted 100 requests\n\
         Finished {n} requests\n\n\n\
         Server Software:        \n\
         Server Hostname:        127.0.0.1\n\
         Server Port:            18484\n\n\
         Document Path:          /api/v1/agents\n\
         Document Length:        13 bytes\n\n\
         Concurrency Level:      4\n\
         Time taken for tests:   {secs:.3} seconds\n\
         Complete requests:      {n}\n\
         {failures}\
         Total transferred:      {} bytes\n\
         HTML transferred:       {} bytes\n\
         Requests per second:    {rps:.2} [#/sec] (mean)\n\
         Time per request:       {:.3} [ms] (mean)\n\
         Time per request:       {:.3} [ms] (mean, across all concurrent requests)\n\
         Transfer rate:          20.00 [Kbytes/sec] received\n\n\
         Connection Times (ms)\n\
         \x20             min  mean[+/-sd] median   max\n\
         Connect:        0    0   0.1      0       0\n\
         Processing:  {lo:>4} {mean:>4.0}   4.9   {:>4}    {hi:>4}\n\
         Waiting:     {lo:>4} {mean:>4.0}   4.8   {:>4}    {hi:>4}\n\
         Total:       {lo:>4} {mean:>4.0}   4.9   {:>4}    {hi:>4}\n\n\
         Percentage of the requests served within a certain time (ms)\n",
        n * 146,
        n * 13,
        4000.0 / rps,
        1000.0 / rps,
        rank(50.0),
        rank(50.0),
        rank(50.0),
    );
    for p in [50, 66, 75, 80, 90, 95, 98, 99] {
        text.push_str(&format!("{p:>4}% {:>6}\n", rank(p as f64)));
    }
    text.push_str(&format!(" 100% {hi:>6} (longest request)\n"));
    text
}

/// ab's `-g` file of the requests `ms`, `per_second` of them started in each second
/// from `epoch` (ab writes every completed request, answered or not, with no status).
pub(crate) fn ab_tsv(ms: &[u64], per_second: usize, epoch: u64) -> String {
    let mut tsv = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    for (i, t) in ms.iter().enumerate() {
        let at = epoch + (i / per_second) as u64;
        let day = at % 86_400;
        tsv.push_str(&format!(
            "Sun Dec 06 {:02}:{:02}:{:02} 2026\t{at}\t0\t{t}\t{t}\t{t}\n",
            day / 3600,
            day / 60 % 60,
            day % 60
        ));
    }
    tsv
}

/// Writes `REL/load/ab.txt` and `REL/load/ab.tsv` of the requests `ms` (3 s, 200 a
/// second), `failed` of them non-2xx.
fn ab_release(dir: &TestDir, rel: &str, ms: &[u64], failed: u64, epoch: u64) {
    dir.write(&format!("{rel}/load/ab.txt"), ab_text(ms, failed, 3.0));
    dir.write(&format!("{rel}/load/ab.tsv"), ab_tsv(ms, 200, epoch));
}

/// `headroom compare BASE CAND --fail-on-regression`: exit code and compare.json.
pub(crate) fn compare(dir: &TestDir, base: &str, cand: &str) -> (i32, Value) {
    let out = dir.path().join(format!("cmp-{cand}"));
    let o = headroom(&[
        "compare",
        dir.path().join(base).to_str().unwrap(),
        dir.path().join(cand).to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--fail-on-regression",
    ]);
    let text = std::fs::read_to_string(out.join("compare.json")).expect("compare.json");
    let code = o.status.code().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (code, serde_json::from_str(&text).unwrap())
}

/// The comparison of `metric` in compare.json.
pub(crate) fn metric<'a>(cmp: &'a Value, name: &str) -> &'a Value {
    (cmp["comparisons"].as_array().unwrap().iter())
        .find(|c| c["metric"] == name)
        .unwrap_or_else(|| panic!("no {name} in {cmp}"))
}

/// Baseline: 600 requests of 19–21 ms. The candidate ran against a rate limit: 450 of
/// its 600 requests were 429s answered at once (0 ms in ab's `-g` file, which records
/// no status), the 150 served took 30 ms. ab's console counts the 450 non-2xx. Before,
/// compare read the error rate off the `-g` file's series (0 failures on both sides:
/// 0.00% → 0.00% `unchanged`) and the exact histogram that mixes the 429s in (p50 20
/// → 0 ms `improved`): no regression shown, exit 0 under `--fail-on-regression`. Now
/// the error rate is the counts' (0 → 450/600, regressed, exit 1) and no latency
/// reads improved on a side three quarters failed.
#[test]
fn a_candidate_of_429s_that_abs_g_file_does_not_mark_is_a_regression_not_faster() {
    let dir = TestDir::new();
    let base: Vec<u64> = (0..600).map(|i| 19 + i % 3).collect();
    let cand: Vec<u64> = (0..600).map(|i| if i % 4 == 0 { 30 } else { 0 }).collect();
    ab_release(&dir, "1.4.0", &base, 0, 1_796_560_100);
    ab_release(&dir, "1.5.0", &cand, 450, 1_796_560_200);
    let (code, cmp) = compare(&dir, "1.4.0", "1.5.0");
    let er = metric(&cmp, "error_rate");
    assert_eq!(er["baseline"], 0.0, "{er}");
    assert_eq!(er["candidate"], 450.0 / 600.0, "{er}");
    assert_eq!(er["verdict"], "regressed", "{er}");
    assert_eq!(cmp["outcome"], "regressed");
    assert_eq!(code, 1, "a shown regression fails the gate");
    for p in ["p50", "p90", "p95", "mean"] {
        let m = metric(&cmp, p);
        assert_eq!(m["verdict"], "inconclusive", "{m}");
    }
    let notes = cmp["notes"].to_string();
    assert!(
        notes.contains("the candidate counted 450 failed of 600 requests"),
        "{notes}"
    );
}

/// 30 of the candidate's 600 requests were 429s (5 %, 0 ms in the `-g` file), the
/// others as fast as the baseline's: the error rate 0 → 5 % is the counts' and a
/// regression, and the latencies, with fewer than a tenth failed, are still compared
/// exactly (method `bootstrap`).
#[test]
fn a_few_unmarked_failures_count_in_the_error_rate_and_leave_latencies_exact() {
    let dir = TestDir::new();
    let base: Vec<u64> = (0..600).map(|i| 19 + i % 3).collect();
    let cand: Vec<u64> = (0..600)
        .map(|i| if i % 20 == 0 { 0 } else { 19 + i % 3 })
        .collect();
    ab_release(&dir, "1.4.0", &base, 0, 1_796_560_100);
    ab_release(&dir, "1.5.0", &cand, 30, 1_796_560_200);
    let (code, cmp) = compare(&dir, "1.4.0", "1.5.0");
    let er = metric(&cmp, "error_rate");
    assert_eq!(er["candidate"], 30.0 / 600.0, "{er}");
    assert_eq!(er["verdict"], "regressed", "{er}");
    assert_eq!(code, 1);
    assert_eq!(metric(&cmp, "p50")["method"], "bootstrap");
}

/// `ab -n 600 -c 4 -g ab.tsv URL` against a fast target: the run took 0.2 s, so ab
/// stamps all 600 starts with one second; the requests took 0–31 ms, one 37 ms.
/// Before, that row was "a latency longer than the whole run (up to 37 ms; the other
/// requests span 31 ms)": left out, exit 2 and data `incomplete`, so `compare` of such
/// a release held no decision. README: only a latency longer than the run *and* than a
/// minute is left out. Now all 600 are read, exit 0.
#[test]
fn a_sub_second_ab_g_run_keeps_its_longest_request() {
    let dir = TestDir::new();
    let mut ms: Vec<u64> = (0..600).map(|i| i % 32).collect();
    ms[599] = 37;
    dir.write("1.5.0/load/ab.tsv", ab_tsv(&ms, 600, 1_796_560_241));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("1.5.0")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("longer than the whole run"), "{stderr}");
    assert_eq!(report["stages"][0]["requests"], 600, "{stderr}");
    // The histogram keeps 3 significant digits: 37 ms reads 37.02.
    let max = report["stages"][0]["latency_ms"]["max"].as_f64().unwrap();
    assert!(close(max, 37.0, 0.001), "{max}");
}
