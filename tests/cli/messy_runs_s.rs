//! Messy runs, batch "s" (qa25): the report read as a release manager reads it. A
//! percentile merged from several tools' summaries is an estimate and is written as one
//! (`≈`) wherever it shows; a bottleneck hint or a breaking point rests only on what
//! the run measured (fast 503s are not "a minority that waits", and a p95 they pulled
//! down is no latency that "stays within" its limit); the readiness and audit sentences
//! say what the data has. Fixtures are shaped after real wrk, hey and generic-CSV runs
//! against `headroom target` on loopback.

use std::path::Path;

use serde_json::Value;

use super::check::check_json;
use super::common::{analyze_json, headroom, nearest_rank, readiness, TestDir};

/// wrk's `--latency` console for `n` requests in 2.00 s at `conns` connections, with
/// mean `avg` and the latency distribution `pcts` (p50, p75, p90, p99, as wrk prints).
fn wrk(conns: u32, n: u64, avg: &str, pcts: [&str; 4]) -> String {
    let [p50, p75, p90, p99] = pcts;
    format!(
        "Running 2s test @ http://127.0.0.1:18925/api/v1/agents\n  2 threads and {conns} \
         connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency   {avg}   \
         11.18ms  {p99}   78.66%\n    Req/Sec   384.53     37.03   460.00     71.00%\n  Latency \
         Distribution\n     50%   {p50}\n     75%   {p75}\n     90%   {p90}\n     99%   {p99}\n  \
         {n} requests in 2.00s, 744.31KB read\nRequests/sec:  {:.2}\nTransfer/sec:    148.73KB\n",
        n as f64 / 2.0
    )
}

/// Two wrk stage dirs, 4 and 8 connections: wrk prints no p95, and the run's overall
/// percentiles can only be estimated from the two summaries merged.
fn wrk_steps(dir: &TestDir) {
    // 4 connections, mean 20 ms: N/R = 200 req/s; 408 requests in 2 s = 204 req/s,
    // 2 % above the bound (inside the audit's 15 % tolerance).
    dir.write(
        "run/step_4users/wrk.txt",
        wrk(
            4,
            408,
            "20.00ms",
            ["19.00ms", "25.00ms", "35.00ms", "60.00ms"],
        ),
    );
    dir.write(
        "run/step_8users/wrk.txt",
        wrk(
            8,
            780,
            "20.00ms",
            ["18.00ms", "24.00ms", "34.00ms", "58.00ms"],
        ),
    );
}

/// The cells of the report.md table row that starts with `start` (the leading and
/// trailing empty ones kept: cell 1 is the first column).
fn md_cells(md: &str, start: &str) -> Vec<String> {
    let row = (md.lines())
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no row {start:?} in:\n{md}"));
    row.split('|').map(|c| c.trim().to_string()).collect()
}

/// `analyze` of two wrk stages wrote the overall p50/p99, estimates merged from two
/// summaries (report.json: `merged_approximate`), as plain figures beside the stages'
/// own (`| **overall** | … | 19.4 ms | — | 61.3 ms |`), in the check table and the SLA
/// matrix alike; and the readiness row said "overall p95 unknown ms". Now a merged
/// estimate reads `≈ 19.4 ms` everywhere it shows, the stages' figures stay as wrk
/// printed them, and the readiness row says the p95 is not in the data and gives the
/// mean. An SLA rule on overall is judged on the stages' own figures, which bound it
/// exactly (`≤ 60 ms`), not on the estimate.
#[test]
fn percentiles_merged_from_tool_summaries_are_written_as_estimates() {
    let dir = TestDir::new();
    wrk_steps(&dir);
    let run = dir.path().join("run");
    let (code, report, err) = analyze_json(&[run.as_path()], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["overall"]["latency_method"], "merged_approximate");

    let out = dir.path().join("out");
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    // | **overall** (ramps included) | | 1,188 | 297 req/s | ≈ p50 | — | ≈ p99 | 0% |
    let overall = md_cells(&md, "| **overall**");
    assert_eq!(overall[3], "1,188", "408 + 780 requests: {overall:?}");
    assert!(overall[5].starts_with("≈ "), "p50: {overall:?}");
    assert_eq!(overall[6], "—", "wrk prints no p95: {overall:?}");
    assert!(overall[7].starts_with("≈ "), "p99: {overall:?}");
    // The stages' own figures are wrk's, as printed: no estimate mark.
    let stage = md_cells(&md, "| step\\_4users | 4 |");
    assert_eq!(stage[5], "19 ms", "{stage:?}");
    assert_eq!(stage[7], "60 ms", "{stage:?}");
    assert!(md.contains("- ≈ marks a percentile estimated from several summaries merged"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("≈ "), "the HTML table carries the mark too");

    // Readiness, without an SLA: wrk has no p95; the mean is measured.
    let latency = readiness(&report, "Latency")["evidence"].as_str().unwrap();
    assert!(!latency.contains("unknown ms"), "{latency}");
    assert!(latency.contains("p95 not in the data"), "{latency}");

    // check: the overall p(99) is not judged on the estimate, which is never shown as
    // exact: the stages' own p(99)s, 60 and 58 ms, bound it exactly (a percentile of
    // pooled requests lies between the parts'), so it is at most 60 ms.
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(99) < 100ms\"]\n");
    let (code, out, err) = check_json(&run, &sla, &[]);
    assert_eq!(code, 0, "{err}");
    let rules = out["sla"]["rules"].as_array().unwrap();
    let overall = rules.iter().find(|r| r["stage"].is_null()).unwrap();
    assert_eq!(overall["value_display"], "≤ 60 ms", "{overall:#}");
    let stage = (rules.iter())
        .find(|r| r["stage"] == "step_4users")
        .unwrap();
    assert_eq!(stage["value_display"], "60 ms", "{stage:#}");
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let table = String::from_utf8_lossy(&o.stdout);
    let line = (table.lines())
        .find(|l| l.contains(" overall "))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(line.contains("≤ 60 ms"), "{line}");
}

/// The audit's response-time-law row on a stage 2 % above its bound N/R (204 req/s
/// against 4 / 20 ms = 200 req/s, inside the 15 % tolerance) said "204 req/s is within
/// it". Now it says the stage is above the bound, by how much, and that the tolerance
/// lets it pass.
#[test]
fn a_stage_above_its_response_time_bound_is_not_said_within_it() {
    let dir = TestDir::new();
    wrk_steps(&dir);
    let (_, report, _) = analyze_json(&[dir.path().join("run").as_path()], &[]);
    let f = (report["audit"].as_array().unwrap().iter())
        .find(|f| f["check"] == "response_time_law" && f["stage"] == "step_4users")
        .unwrap_or_else(|| panic!("{:#}", report["audit"]));
    // wrk's "20.00ms" is at least 19.995 ms: N/R ≤ 4 ÷ 0.019995 s = 200.05 req/s;
    // 408 requests ÷ 2 s = 204 req/s, 1.97 % above it.
    assert!(
        (f["expected"].as_f64().unwrap() - 4.0 / 0.019995).abs() < 1e-6,
        "{f:#}"
    );
    assert!(
        (f["observed"].as_f64().unwrap() - 204.0).abs() < 1e-6,
        "{f:#}"
    );
    assert_eq!(f["verdict"], "ok", "{f:#}");
    let why = f["explanation"].as_str().unwrap();
    assert!(!why.contains("within it"), "{why}");
    assert!(why.contains("204 req/s is above it by 1.97%"), "{why}");
}

/// hey's summary (`hey -z 4s -c N`): total seconds, the latency distribution in
/// seconds, and the status codes.
fn hey(total_s: f64, avg_s: f64, pcts: [f64; 7], ok: u64, shed: u64) -> String {
    let n = ok + shed;
    let labels = ["10", "25", "50", "75", "90", "95", "99"];
    let dist: String = (labels.iter().zip(pcts))
        .map(|(l, v)| format!("  {l}% in {v:.4} secs\n"))
        .collect();
    let mut codes = format!("  [200]\t{ok} responses\n");
    if shed > 0 {
        codes.push_str(&format!("  [503]\t{shed} responses\n"));
    }
    format!(
        "\nSummary:\n  Total:\t{total_s:.4} secs\n  Slowest:\t0.2607 secs\n  Fastest:\t0.0000 \
         secs\n  Average:\t{avg_s:.4} secs\n  Requests/sec:\t{:.4}\n  \n  Total data:\t{} \
         bytes\n  Size/request:\t23 bytes\n\nLatency distribution:\n{dist}\nStatus code \
         distribution:\n{codes}\n",
        n as f64 / total_s,
        n * 23
    )
}

/// A hey step run against `headroom target` (32 workers, 40 ms): clean up to 32
/// connections, 5 % shed at 64, and at 128 nearly every request a fast 503 — p50
/// 1.3 ms, p95 6.3 ms (the real run's figures).
fn hey_steps(dir: &TestDir) {
    let steps: [(u32, f64, [f64; 7], u64, u64); 5] = [
        (
            8,
            0.0414,
            [0.020, 0.027, 0.0367, 0.050, 0.070, 0.0831, 0.120],
            777,
            0,
        ),
        (
            16,
            0.0406,
            [0.020, 0.027, 0.0364, 0.050, 0.068, 0.0786, 0.115],
            1579,
            0,
        ),
        (
            32,
            0.0411,
            [0.020, 0.0265, 0.0364, 0.0505, 0.070, 0.0825, 0.118],
            3127,
            0,
        ),
        (
            64,
            0.0773,
            [0.030, 0.050, 0.0763, 0.095, 0.110, 0.123, 0.160],
            3170,
            180,
        ),
        (
            128,
            0.0036,
            [0.0002, 0.0007, 0.0013, 0.0022, 0.0038, 0.0063, 0.0819],
            3154,
            140172,
        ),
    ];
    for (c, avg, pcts, ok, shed) in steps {
        dir.write(
            &format!("run/c{c}_{c}users/hey.txt"),
            hey(4.0, avg, pcts, ok, shed),
        );
    }
}

/// The hint named `rule` (on `stage`, when given), if the report has it.
fn hint<'a>(report: &'a Value, rule: &str, stage: Option<&str>) -> Option<&'a Value> {
    (report["bottlenecks"].as_array().unwrap().iter())
        .find(|h| h["rule"] == rule && stage.is_none_or(|s| h["stage"] == s))
}

/// At 128 connections 97.8 % of hey's requests were fast 503s, so its p50 (1.3 ms) is a
/// 503's and its p99 (81.9 ms) the served requests'. The report read that as "tail
/// amplification: p99 is 63× the median — a minority of requests waits for something
/// the others do not", the latency breaking point as "p95 stays within 166 ms … up to
/// 128 users (6.3 ms)", and the saturation hint as "p95 goes from 83.1 ms to 6.3 ms".
/// The readiness row called c128's 35,832 req/s the "highest stage throughput" with no
/// word that 97.8 % of it were 503s. Now the tail hint is left to the load-shedding
/// hint for that stage, the breaking point says most requests failed there, the
/// saturation hint says the p95 fell because fast failures pulled it down, and the
/// readiness row names the failures' share and the highest goodput.
#[test]
fn fast_failures_are_no_tail_and_no_latency_that_holds() {
    let dir = TestDir::new();
    hey_steps(&dir);
    let (code, report, err) = analyze_json(&[dir.path().join("run").as_path()], &[]);
    assert_eq!(code, 0, "{err}");
    let c128 = (report["stages"].as_array().unwrap().iter())
        .find(|s| s["users"] == 128)
        .unwrap();
    // 140,172 of 143,326 requests failed.
    let share = 140_172.0 / 143_326.0;
    assert!((c128["error_rate"].as_f64().unwrap() - share).abs() < 1e-9);
    assert!(hint(&report, "load_shedding", Some("c128")).is_some());
    assert!(
        hint(&report, "tail_amplification", Some("c128")).is_none(),
        "{:#}",
        report["bottlenecks"]
    );

    let bp = (report["capacity"]["breaking_points"]
        .as_array()
        .unwrap()
        .iter())
    .find(|b| b["criterion"] == "latency")
    .unwrap();
    assert_eq!(bp["reached"], false, "{bp:#}");
    let why = bp["evidence"].as_str().unwrap();
    assert!(
        why.contains("most requests failed at 128 users (97.8%)"),
        "{why}"
    );

    // Readiness without a throughput rule: c128's 35,832 req/s is mostly 503s; the
    // most the service delivered is c64's 3,170 answers in 4 s = 792.5 req/s.
    let row = readiness(&report, "Throughput")["evidence"]
        .as_str()
        .unwrap();
    assert!(
        row.contains("(stage \"c128\"), 97.8% of it failures"),
        "{row}"
    );
    let best = format!(
        "highest goodput (successful requests) is {:.1} req/s",
        3170.0 / 4.0
    );
    assert!(row.contains(&format!("{best} (stage \"c64\")")), "{row}");

    let sat = hint(&report, "saturation", None).expect("saturation hint");
    let symptom = sat["symptom"].as_str().unwrap();
    assert!(!symptom.contains("p95 goes from"), "{symptom}");
    assert!(
        symptom.contains("pulled down by fast failures"),
        "{symptom}"
    );
}

/// One generic per-request CSV stage at 8 users, 2,000 requests over 20 s: `fail` fast
/// 503s (1.0–1.9 ms) and the rest successes at `ok_ms(i)`.
fn generic(path: &Path, fail: usize, ok_ms: impl Fn(usize) -> f64) -> Vec<f64> {
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms,status,users\n");
    let mut served = Vec::new();
    for i in 0..2000usize {
        let t = 1_764_900_000_000u64 + i as u64 * 10;
        let (ms, status) = if i % 2000 < fail {
            (1.0 + (i % 10) as f64 / 10.0, 503)
        } else {
            let v = ok_ms(i);
            served.push(v);
            (v, 200)
        };
        csv.push_str(&format!("{t},GET /api/v1/agents,{ms},{status},8\n"));
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, csv).unwrap();
    served
}

/// A per-request source tells the successes' latency apart. 1,200 fast 503s beside
/// 800 answers at 100–140 ms made "p99 139 ms is 74× the median 1.9 ms": a tail hint
/// about the requests that were served at all. Now the tail is judged on the
/// successes (p99/p50 ≈ 1.4: no hint); and a stage whose successes do have a long tail
/// (2 % at 500 ms beside 10 ms) keeps its hint, with the successes' figures.
#[test]
fn the_tail_of_a_stage_with_failures_is_the_successes_tail() {
    let dir = TestDir::new();
    let shed = dir.path().join("shed/requests.csv");
    generic(&shed, 1200, |i| 100.0 + (i % 41) as f64);
    let (code, report, err) = analyze_json(&[shed.parent().unwrap()], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["stages"][0]["failures"], 1200);
    assert!(
        hint(&report, "tail_amplification", None).is_none(),
        "{:#}",
        report["bottlenecks"]
    );

    let slow = dir.path().join("slow/requests.csv");
    let served = generic(&slow, 100, |i| if i % 50 == 0 { 500.0 } else { 10.0 });
    let (code, report, err) = analyze_json(&[slow.parent().unwrap()], &[]);
    assert_eq!(code, 0, "{err}");
    let h = hint(&report, "tail_amplification", None).expect("the successes' tail");
    let (p50, p99) = (nearest_rank(&served, 50.0), nearest_rank(&served, 99.0));
    assert_eq!((p50, p99), (10.0, 500.0));
    assert_eq!(
        h["symptom"],
        format!(
            "p99 500 ms is 50× the median 10 ms ({} successful requests)",
            served.len()
        )
    );
}

/// A minimal JTL: `n` samples of `GET /a` at 2 threads, one every 100 ms, 20 ms each.
fn jtl(n: usize) -> String {
    let mut s = String::from("timeStamp,elapsed,label,responseCode,success,allThreads\n");
    for i in 0..n {
        s.push_str(&format!(
            "{},20,GET /a,200,true,2\n",
            1_764_900_000_000u64 + i as u64 * 100
        ));
    }
    s
}

/// A zip archive with one stored entry `name` holding `data` (a local file header, the
/// data; the CRC is left 0: only the header is read).
fn zip_of(name: &str, data: &[u8]) -> Vec<u8> {
    let mut z = b"PK\x03\x04".to_vec();
    z.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&(data.len() as u32).to_le_bytes());
    z.extend_from_slice(&(data.len() as u32).to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(data);
    z
}

/// The reason `analyze` gives for skipping `file`.
fn skip_reason(report: &Value, file: &str) -> String {
    (report["skipped"].as_array().unwrap().iter())
        .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(file)))
        .unwrap_or_else(|| panic!("{file} not skipped: {:#}", report["skipped"]))["reason"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Results zipped to be attached to a ticket (`peak.zip` holding `peak/results.jtl`)
/// and JMeter's Aggregate Report saved from the GUI in a European locale (`;`, decimal
/// commas) beside the JTL were skipped as "not a recognised load-test result", which
/// reads as "nothing to do with the run". Now each says what it is and what to do:
/// unzip the archive; analyse the JTL. The JTL beside them is read as before.
#[test]
fn a_zip_archive_and_a_gui_table_say_what_they_are_and_what_to_do() {
    let dir = TestDir::new();
    dir.write("run/results.jtl", jtl(100));
    dir.write(
        "run/peak.zip",
        zip_of("peak/results.jtl", jtl(50).as_bytes()),
    );
    dir.write(
        "run/aggregate.csv",
        "Label;# Samples;Average;Median;90% Line;95% Line;99% Line;Min;Max;Error %;Throughput\n\
         GET /a;100;20;20;20;20;20;20;20;0,00%;10,0/sec\n",
    );
    let (code, report, err) = analyze_json(&[dir.path().join("run").as_path()], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["overall"]["requests"], 100);
    let zip = skip_reason(&report, "peak.zip");
    assert!(
        zip.starts_with("a zip archive holding peak/results.jtl:"),
        "{zip}"
    );
    assert!(zip.contains("unzip it into the run dir"), "{zip}");
    let table = skip_reason(&report, "aggregate.csv");
    assert!(
        table.starts_with("JMeter's Aggregate or Summary Report table"),
        "{table}"
    );
    assert!(table.contains("analyse the JTL the test wrote"), "{table}");
}

/// A Gatling 3.9 text `simulation.log` of `n` requests at 5 users, 50 ms apart, 20 ms
/// each, all OK.
fn gatling_log(n: u64) -> String {
    let t0 = 1_767_825_934_330u64;
    let mut s = format!("RUN\tsimulations.Sim\tsim\t{t0}\t \t3.9.5\n");
    for u in 0..5 {
        s.push_str(&format!("USER\tscn\tSTART\t{}\n", t0 + u));
    }
    for i in 0..n {
        let t = t0 + 10 + i * 50;
        s.push_str(&format!("REQUEST\t\thome\t{t}\t{}\tOK\t \n", t + 20));
    }
    s
}

/// The verdict and exit code of `check` on `run` with a latency and an error rule the
/// fixtures pass.
fn verdict(dir: &TestDir, run: &Path) -> (i32, Value) {
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\"]\n",
    );
    let (code, out, _) = check_json(run, &sla, &[]);
    (code, out)
}

/// A k6 `--out json` file and a Gatling `simulation.log` whose last line is cut
/// mid-write (the tool was killed — an OOM kill, a cancelled CI job — or is still
/// writing) were read as whole, clean runs: `check` said GO on however much of the
/// run had been written. A JTL cut the same way was already a run that did not end.
/// Now both are too: `run.complete` false with the file and line, data quality
/// incomplete, and no GO; the rows before the cut are still read.
#[test]
fn a_k6_or_gatling_output_cut_mid_write_is_a_run_that_did_not_end() {
    let dir = TestDir::new();
    let whole = super::messy_runs_e::k6_json(2000, 0);
    let last = whole.trim_end().rfind('\n').unwrap() + 1;
    let cut = &whole[..last + (whole.len() - last) / 2];
    dir.write("k6/results.json", cut);
    let lines = cut.lines().count();
    let mut gatling = gatling_log(400);
    gatling.push_str("REQUEST\t\thome\t17678259543");
    dir.write("gatling/simulation.log", &gatling);

    for (run, line, requests) in [("k6", lines, None), ("gatling", 1 + 5 + 400 + 1, Some(400))] {
        let run = dir.path().join(run);
        let (code, report, err) = analyze_json(&[run.as_path()], &[]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(report["run"]["complete"], false, "{:#}", report["run"]);
        let why = report["run"]["incomplete_reason"].as_str().unwrap();
        assert!(
            why.contains(&format!("last line ({line}) is cut mid-write")),
            "{why}"
        );
        assert_eq!(report["data_quality"], "incomplete");
        if let Some(n) = requests {
            assert_eq!(report["overall"]["requests"], n, "the rows before the cut");
        }
        let (code, out) = verdict(&dir, &run);
        assert_eq!(code, 0, "{out:#}");
        assert_ne!(out["verdict"], "GO", "{out:#}");
    }
}

/// wrk at 4 and 8 connections kept the SLA's latency and error rules at every load
/// (p99 60 ms and 58 ms < 100 ms, no errors): the highest goodput, 780 requests in 2 s
/// = 390 req/s, is the largest load measured, not a limit. Sizing for the SLA's
/// `throughput >= 2000/s` said "one instance keeps the SLA only up to ≈ 390 req/s, so
/// ≈ 6 instances are needed" (`instances: 6`). Now it says 6 is an upper bound (one
/// may do: the limit is unmeasured), `instances` is null, and the users estimate is
/// marked a lower bound (the target lies beyond every measured goodput).
#[test]
fn sizing_past_the_measured_range_gives_bounds_not_a_count() {
    let dir = TestDir::new();
    wrk_steps(&dir);
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(99) < 100ms\", \"error_rate < 1%\", \"throughput >= 2000/s\"]\n",
    );
    let sla = dir.path().join("sla.toml");
    let run = dir.path().join("run");
    let (_, report, err) = analyze_json(&[run.as_path()], &["--sla", sla.to_str().unwrap()]);
    let headroom = &report["capacity"]["sla_headroom"];
    assert!(
        headroom["bracket"][1].is_null(),
        "holds throughout: {headroom:#} {err}"
    );
    let sizing = &report["capacity"]["sizing"];
    assert!(sizing["instances"].is_null(), "{sizing:#}");
    let most = (2000.0_f64 / (780.0 / 2.0)).ceil();
    let text = sizing["statement"].as_str().unwrap();
    assert!(
        text.contains(&format!("at most {most} instances are needed, maybe one")),
        "{text}"
    );
    assert!(
        text.contains("at least: the target lies beyond every measured goodput"),
        "{text}"
    );
    assert!(!text.contains("only up to"), "{text}");
}

/// A stage dir whose only file is its wrk console zipped (`wrk.zip`, as a CI job's
/// artifact download leaves it): the stage is missing, and the problem says its results
/// are packed and to unpack them (before: "a run killed before its tool wrote one …
/// re-run the stage", wrong advice for a file that holds the run). (A `wrk.txt.gz` is
/// read as the console it packs: messy_runs_t.)
#[test]
fn a_stage_dir_holding_only_packed_results_says_to_unpack_them() {
    let dir = TestDir::new();
    wrk_steps(&dir);
    let console = wrk(
        16,
        1500,
        "20.00ms",
        ["19.00ms", "25.00ms", "30.00ms", "60.00ms"],
    );
    // One stored entry: a local file header (signature, version 10, no flags, stored,
    // no time, CRC left 0, sizes, the name's length), the name, the data.
    let (name, data) = (b"wrk.txt", console.as_bytes());
    let size = (data.len() as u32).to_le_bytes();
    let mut zip = b"PK\x03\x04\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
    zip.extend_from_slice(&size);
    zip.extend_from_slice(&size);
    zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
    zip.extend_from_slice(&[0, 0]);
    zip.extend_from_slice(name);
    zip.extend_from_slice(data);
    dir.write("run/step_16users/wrk.zip", zip);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    let problems = report["problems"].to_string();
    assert!(
        problems.contains("step_16users")
            && problems.contains("packed")
            && problems.contains("wrk.zip: a zip archive holding wrk.txt"),
        "{problems}"
    );
    assert!(!problems.contains("re-run the stage"), "{problems}");
    assert_eq!(report["data_quality"], "incomplete");
}

/// A Locust stats CSV opened and saved again by a spreadsheet in a European locale
/// (BOM, `;` between fields, decimal commas): refused (exit 2) naming the `;` and what
/// to do, not "its first line is not that format's header … fully written".
#[test]
fn a_locust_csv_resaved_with_semicolons_is_named_as_such() {
    let dir = TestDir::new();
    dir.write(
        "run/run_stats.csv",
        "\u{feff}Type;Name;Request Count;Failure Count;Median Response Time;Average Response \
         Time;Min Response Time;Max Response Time;Average Content Size;Requests/s;Failures/s\n\
         GET;/api;100;0;20;21,5;10;40;100;10,0;0,0\n;Aggregated;100;0;20;21,5;10;40;100;10,0;0,0\n",
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    let problems = report["problems"].to_string() + &stderr;
    assert!(
        problems.contains("separated by `;`") && !problems.contains("fully written"),
        "{problems}"
    );
}

/// A gzip JTL cut short (copied while JMeter still wrote it): its stream ends mid-row.
/// Before, an input problem "unreadable row: incomplete deflate stream" with no line and
/// no word of a cut; now it is a JTL cut mid-write like a plain one: the rows before
/// the cut are read, and the run did not end (no GO).
#[test]
fn a_gzip_jtl_cut_short_is_a_run_that_did_not_end() {
    use std::io::Write;
    let mut jtl = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
         failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
    );
    let n = 50_000u64;
    for i in 0..n {
        jtl.push_str(&format!(
            "{},{},GET /api,200,OK,TG 1-1,text,true,,100,50,4,4,http://x/api,5,0,1\n",
            1_764_547_200_000 + i * 20,
            20 + i % 7
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(jtl.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let dir = TestDir::new();
    dir.write("run/results.jtl.gz", &bytes[..bytes.len() / 2]);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("unreadable row"), "{stderr}");
    let read = report["overall"]["requests"].as_u64().unwrap();
    assert!(read > 0 && read < n, "{read}");
    assert_eq!(report["run"]["complete"], false);
    let why = report["run"]["incomplete_reason"].as_str().unwrap();
    assert!(why.contains("cut mid-write"), "{why}");
    assert_eq!(report["data_quality"], "incomplete");
}
