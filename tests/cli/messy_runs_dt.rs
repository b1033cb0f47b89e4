//! Messy runs, batch "dt" (lead, session of 2026-12-08): what a saved report.json
//! keeps per stage. One tool can measure one stage corrected for coordinated omission
//! and the next as measured (autocannon paced with `-R` in `rate-100rps/`, unpaced in
//! `c10/`): report.json said the correction once for the whole source, so read back,
//! every stage was corrected and the audit no longer held the unpaced stage's
//! impossible mean against its throughput.
//!
//! Fixtures: autocannon 7's `--json` result (the fields it writes), with its command
//! echoed on the line above, as `{ echo "$ autocannon …"; autocannon … -j URL; }`
//! leaves it.

use serde_json::Value;

use super::common::{analyze_json, headroom, TestDir};
use crate::messy_runs_bc::compare_with;

/// autocannon's `--json` for `total` answers over 3 s at 10 connections, mean `mean`
/// ms (percentiles from the mean up), `samples` latency samples (more than the answers:
/// autocannon added corrected ones), the command `flags` echoed above it.
fn autocannon(flags: &str, start: &str, total: u64, mean: u64, samples: u64) -> String {
    let url = "http://127.0.0.1:18420/api/v1/agents";
    let (m, avg) = (mean, total as f64 / 3.0);
    let finish = start.replace(":00.000Z", ":03.000Z");
    format!(
        "$ autocannon {flags} -c 10 -d 3 -j {url}\n\
         {{\"url\":\"{url}\",\"connections\":10,\"sampleInt\":1000,\"pipelining\":1,\"workers\":0,\
         \"duration\":3,\"samples\":3,\"start\":\"{start}\",\"finish\":\"{finish}\",\"errors\":0,\
         \"timeouts\":0,\"mismatches\":0,\"non2xx\":0,\"resets\":0,\"1xx\":0,\"2xx\":{total},\
         \"3xx\":0,\"4xx\":0,\"5xx\":0,\"statusCodeStats\":{{\"200\":{{\"count\":{total}}}}},\
         \"latency\":{{\"average\":{m},\"mean\":{m},\"stddev\":5,\"min\":1,\"max\":{mx},\
         \"p0_001\":1,\"p0_01\":1,\"p0_1\":1,\"p1\":1,\"p2_5\":1,\"p10\":1,\"p25\":1,\"p50\":{m},\
         \"p75\":{a},\"p90\":{b},\"p97_5\":{c},\"p99\":{d},\"p99_9\":{e},\"p99_99\":{mx},\
         \"p99_999\":{mx},\"totalCount\":{samples}}},\"requests\":{{\"average\":{avg},\
         \"mean\":{avg},\"stddev\":4,\"min\":1,\"max\":1,\"total\":{total},\"sent\":{total}}},\
         \"throughput\":{{\"average\":10000,\"mean\":10000,\"total\":30000}}}}\n",
        mx = 3 * m,
        a = m + 1,
        b = m + 2,
        c = m + 3,
        d = m + 4,
        e = m + 5,
    )
}

/// `rate-100rps/`: paced at 100 req/s, 300 answers, 330 latency samples (corrected).
/// `c10/`: unpaced, 10 connections at a 100 ms mean, which allows at most
/// N/R = 100 req/s, but 4,500 answers in 3 s (1,500 req/s): the audit rejects it.
fn release(dir: &TestDir, name: &str) {
    let paced = autocannon("-R 100", "2026-12-06T10:00:00.000Z", 300, 12, 330);
    dir.write(&format!("{name}/rate-100rps/ac.json"), paced);
    let unpaced = autocannon("", "2026-12-06T10:01:00.000Z", 4_500, 100, 4_500);
    dir.write(&format!("{name}/c10/ac.json"), unpaced);
}

/// The saved report says the correction for the paced stage only, and judged again
/// it keeps the audit's rejection of the unpaced stage, as its run dir does.
#[test]
fn a_report_json_keeps_each_stages_own_coordinated_omission_correction() {
    let dir = TestDir::new();
    release(&dir, "rel-1.4");
    release(&dir, "rel-1.5");
    let run = dir.path().join("rel-1.5");
    headroom(&["analyze", run.to_str().unwrap(), "--charts", "none"]);
    let report = run.join("report/report.json");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let corrected = |stage: &str| {
        let s = (saved["stages"].as_array().unwrap().iter())
            .find(|s| s["name"] == stage)
            .unwrap_or_else(|| panic!("no stage {stage}: {:#}", saved["stages"]));
        s["endpoints"][0]["latency_ms"]["co_corrected"] == true
    };
    assert!(corrected("rate_100rps"), "{:#}", saved["stages"]);
    assert!(!corrected("c10"), "{:#}", saved["stages"]);

    let rules = dir.write("sla.toml", "[global]\nrules = [\"p(99) < 500ms\"]\n");
    let base = dir.path().join("rel-1.4").display().to_string();
    let args = |cand: String| {
        [
            base.clone(),
            cand,
            "--sla".into(),
            rules.display().to_string(),
        ]
    };
    let headline = |cand: String| {
        let args = args(cand);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_, _, stderr, json) = compare_with(&dir, &args);
        let sla = &json["sla"][0];
        assert!(sla.is_object(), "{stderr}\n{json:#}");
        (
            sla["verdict"].clone(),
            sla["headline"].as_str().unwrap().to_string(),
        )
    };
    let (by_dir, why_dir) = headline(run.display().to_string());
    let (by_report, why_report) = headline(report.display().to_string());
    assert!(
        why_dir.contains("rejects response_time_law on `c10`"),
        "{why_dir}"
    );
    assert!(
        why_report.contains("rejects response_time_law on `c10`"),
        "{why_report}"
    );
    assert_eq!(by_report, by_dir, "{why_report}");
}

/// wrk 4.2's `--latency` console against `headroom target` here at `c` connections
/// (10: 930 requests; 50: 2,935), its command echoed on top.
fn wrk_console(c: u32) -> String {
    let (lat, rps, dist, count, secs, read, reqs, xfer) = match c {
        10 => (
            "21.87ms   10.63ms  72.98ms   73.69%",
            "233.20     22.27   282.00     67.50%",
            ["19.68ms", "27.28ms", "36.11ms", "60.10ms"],
            930,
            "2.01s",
            "180.73KB",
            "463.76",
            "90.13KB",
        ),
        _ => (
            "33.85ms   11.06ms 124.25ms   73.25%",
            "737.05     41.59   830.00     62.50%",
            ["31.82ms", "39.19ms", "48.54ms", "68.37ms"],
            2_935,
            "2.00s",
            "570.38KB",
            "1466.40",
            "284.97KB",
        ),
    };
    let url = "http://127.0.0.1:18420/api/v1/agents";
    format!(
        "$ wrk -t2 -c{c} -d2s --latency {url}\n\
         Running 2s test @ {url}\n  2 threads and {c} connections\n\
         \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
         \x20   Latency    {lat}\n    Req/Sec   {rps}\n  Latency Distribution\n\
         \x20    50%   {}\n     75%   {}\n     90%   {}\n     99%   {}\n\
         \x20 {count} requests in {secs}, {read} read\nRequests/sec:   {reqs}\n\
         Transfer/sec:    {xfer}\n",
        dist[0], dist[1], dist[2], dist[3]
    )
}

/// hey's console (its response-time histogram left out) against `headroom target`
/// here at `c` users (10: 915 responses; 50: 2,761), its command echoed on top.
fn hey_console(c: u32) -> String {
    let (total, slow, fast, avg, rps, data, pct, n) = match c {
        10 => (
            "2.0250",
            "0.0889",
            "0.0047",
            "0.0219",
            "451.8475",
            83_265,
            [
                "0.0108", "0.0143", "0.0196", "0.0270", "0.0371", "0.0430", "0.0601",
            ],
            915,
        ),
        _ => (
            "2.0565",
            "0.2408",
            "0.0081",
            "0.0364",
            "1342.5914",
            251_251,
            [
                "0.0216", "0.0255", "0.0310", "0.0389", "0.0507", "0.0639", "0.1889",
            ],
            2_761,
        ),
    };
    let mut text = format!(
        "$ hey -z 2s -c {c} http://127.0.0.1:18420/api/v1/agents\n\nSummary:\n\
         \x20 Total:\t{total} secs\n  Slowest:\t{slow} secs\n  Fastest:\t{fast} secs\n\
         \x20 Average:\t{avg} secs\n  Requests/sec:\t{rps}\n  \n\
         \x20 Total data:\t{data} bytes\n  Size/request:\t91 bytes\n\n\
         Latency distribution:\n"
    );
    for (p, v) in ["10", "25", "50", "75", "90", "95", "99"].iter().zip(pct) {
        text.push_str(&format!("  {p}% in {v} secs\n"));
    }
    text.push_str(&format!(
        "\nStatus code distribution:\n  [200]\t{n} responses\n\n"
    ));
    text
}

/// wrk and hey in each of `c10/` and `c50/`: wrk is a source per stage dir, and each
/// keeps the notes on its own dir's file; before, both wrk notes landed on the first
/// (the `c10` entry listed `c50/wrk.txt`'s note), and the run's note counted three
/// "load tools" where there are two.
#[test]
fn each_stage_dirs_source_keeps_the_notes_on_its_own_files() {
    let dir = TestDir::new();
    for c in [10, 50] {
        dir.write(&format!("run/c{c}/wrk.txt"), wrk_console(c));
        dir.write(&format!("run/c{c}/hey.txt"), hey_console(c));
    }
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let sources = report["sources"].as_array().unwrap();
    let wrk: Vec<&Value> = sources.iter().filter(|s| s["tool"] == "wrk").collect();
    assert_eq!(wrk.len(), 2, "{:#}", report["sources"]);
    for (src, (stage, requests)) in wrk.iter().zip([("c10", 930), ("c50", 2_935)]) {
        assert_eq!(src["stages"], serde_json::json!([stage]), "{src:#}");
        assert_eq!(src["requests"], requests, "{src:#}");
        let notes = src["notes"].as_array().unwrap();
        let other = if stage == "c10" { "c50" } else { "c10" };
        let own = notes.iter().filter_map(Value::as_str);
        assert!(
            own.clone()
                .any(|n| n.contains(&format!("{stage}/wrk.txt: wrk corrects"))),
            "{notes:#?}"
        );
        assert!(
            !own.clone().any(|n| n.contains(&format!("{other}/"))),
            "{notes:#?}"
        );
    }
    let hey = sources.iter().find(|s| s["tool"] == "hey").unwrap();
    assert_eq!(hey["requests"], 915 + 2_761, "{hey:#}");
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("3 sources found (hey, wrk in 2 parts)"),
        "{warnings}"
    );
}

/// hey's `-o csv` file of `n` answers, 1 s apart by offset, 20 ms each (synthetic rows
/// in the columns hey 0.1.4 writes).
fn hey_csv(n: u32) -> String {
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..n {
        let offset = f64::from(i) * 2.0 / f64::from(n);
        csv.push_str(&format!(
            "0.0200,0.0000,0.0000,0.0000,0.0199,0.0001,200,{offset:.4}\n"
        ));
    }
    csv
}

/// `hey -n 915 -o csv` and `hey -n 915` (its text summary) in one dir: hey writes its
/// summary or its CSV, never both for one run, so the summary is the same load run
/// again, not the CSV's run. The skip said "the run whose CSV is read", and the first
/// thing to do was to judge failures on hey's text summary "of the same run", which
/// hey cannot write.
#[test]
fn a_hey_summary_beside_its_csv_is_named_a_rerun_not_the_csvs_run() {
    let dir = TestDir::new();
    dir.write("run/c10/hey.csv", hey_csv(915));
    dir.write("run/c10/hey.txt", hey_console(10));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        report["overall"]["requests"], 915,
        "{:#}",
        report["overall"]
    );
    let skipped = report["skipped"].to_string();
    assert!(skipped.contains("never both for one run"), "{skipped}");
    assert!(!skipped.contains("of the run whose CSV"), "{skipped}");
    assert_eq!(
        report["data_quality"], "partial",
        "{:#}",
        report["data_quality"]
    );
    let advice = report["narrative"].to_string();
    assert!(!advice.contains("of the same run"), "{advice}");
    assert!(
        advice.contains("Re-run with an output that counts transport errors"),
        "{advice}"
    );
}

/// `c40/` holding hey run with `-c 50` (its command echoed): the stage keeps its dir's
/// name `c40` at hey's 50 users. `[stage.c40]` is that stage's own name, so it names
/// it, although the name's users (40) are not the stage's (50); only another spelling
/// giving other users (`peak-30u` for `03-PEAK-50u/`) names nothing.
#[test]
fn a_stage_s_own_name_names_it_whatever_users_its_tool_ran() {
    let dir = TestDir::new();
    dir.write("run/c40/hey.txt", hey_console(50));
    let sla = dir.write("sla.toml", "[stage.c40]\nrules = [\"p(95) < 1000ms\"]\n");
    let (code, out, stderr) = crate::check::check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 0, "{stderr}\n{out:#}");
    // hey's 95% line: 0.0639 s, under 1 s.
    assert_eq!(out["verdict"], "GO", "{out:#}");
}
