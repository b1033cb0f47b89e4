//! Messy runs, batch "df" (qa104): run clocks from the tools' own logs, and
//! report.json fidelity. ab's `-g` file places its run on the clock to the second
//! (and its `export --to csv` reads back to the same stages, windows and figures); a
//! saved report.json keeps what judging it again needs (wrk's coordinated-omission
//! correction, the run's input problems), so `compare --sla` on it is never more
//! favourable than on its run dir, nor less.
//!
//! Fixtures: ab 2.3's console and `-g` file in the shape ab printed against `headroom
//! target` here (`messy_runs_by`'s writers), wrk's `--latency` console
//! (`messy_runs_d::wrk_text`) and the generic per-request CSV (`messy_runs_cj`).

use serde_json::Value;

use super::common::{analyze_json, close, export_csv, headroom, TestDir};
use crate::formats_a::rfc3339;
use crate::messy_runs_bc::compare_with;
use crate::messy_runs_cj::generic_csv;
use crate::messy_runs_d::wrk_text;

/// ab 2.3's console of `n` complete requests in `secs` s at 4 users, every request
/// taking 20 ms (its table says so at every rank).
fn ab_console(n: u64, secs: f64) -> String {
    let rps = n as f64 / secs;
    let mut text = format!(
        "This is ApacheBench, Version 2.3 <$Revision: 1903618 $>\n\
         Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
         Licensed to The Apache Software Foundation, http://www.apache.org/\n\n\
         Benchmarking 127.0.0.1 (be patient).....done\n\n\n\
         Server Software:        \n\
         Server Hostname:        127.0.0.1\n\
         Server Port:            18470\n\n\
         Document Path:          /api/v1/agents\n\
         Document Length:        69 bytes\n\n\
         Concurrency Level:      4\n\
         Time taken for tests:   {secs:.3} seconds\n\
         Complete requests:      {n}\n\
         Failed requests:        0\n\
         Total transferred:      {} bytes\n\
         HTML transferred:       {} bytes\n\
         Requests per second:    {rps:.2} [#/sec] (mean)\n\
         Time per request:       {:.3} [ms] (mean)\n\
         Time per request:       {:.3} [ms] (mean, across all concurrent requests)\n\
         Transfer rate:          15.73 [Kbytes/sec] received\n\n\
         Connection Times (ms)\n\
         \x20             min  mean[+/-sd] median   max\n\
         Connect:        0    0   0.0      0       1\n\
         Processing:    20   20   0.0     20      20\n\
         Waiting:       20   20   0.0     20      20\n\
         Total:         20   20   0.0     20      20\n\n\
         Percentage of the requests served within a certain time (ms)\n",
        n * 177,
        n * 69,
        4000.0 / rps,
        1000.0 / rps,
    );
    for w in ["50", "66", "75", "80", "90", "95", "98", "99"] {
        text.push_str(&format!("{w:>4}%     20\n"));
    }
    text.push_str(" 100%     20 (longest request)\n");
    text
}

/// ab's `-g` file of `per_second[i]` requests starting in second `epoch + i`, each
/// taking 20 ms.
fn ab_tsv(epoch: i64, per_second: &[u64]) -> String {
    let mut tsv = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    for (i, n) in per_second.iter().enumerate() {
        for _ in 0..*n {
            tsv.push_str(&format!(
                "Sun Dec 06 18:00:00 2026\t{}\t0\t20\t20\t20\n",
                epoch + i as i64
            ));
        }
    }
    tsv
}

/// The report.json stage named `name`.
fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {:#}", report["stages"]))
}

/// Stage dirs `01_base/` and `02_peak/`, each `ab -g ab.tsv … > ab.txt`: ab prints
/// no clock time, so the stages had no start or end ("unknown").
/// Now the `-g` file's seconds place each on the clock: from the second its first
/// request started in to past the last second any started in (at least the console's
/// time taken), with the duration the console's; and `export --to csv` read back gives
/// the same windows, counts and throughput.
#[test]
fn ab_g_file_puts_its_run_on_the_clock_and_its_export_reads_back_alike() {
    let dir = TestDir::new();
    let epoch = 1_796_580_000i64;
    dir.write("run/01_base/ab.txt", ab_console(300, 2.5));
    dir.write("run/01_base/ab.tsv", ab_tsv(epoch, &[100, 120, 80]));
    dir.write("run/02_peak/ab.txt", ab_console(200, 1.2));
    dir.write("run/02_peak/ab.tsv", ab_tsv(epoch + 5, &[150, 50]));
    let run = dir.path().join("run");
    let (code, orig, err) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{err}");
    // base: rows in seconds epoch..epoch+2, time taken 2.5 s: from epoch to the later
    // of the last row's second (+1 ms) and epoch + 2.5 s.
    let base = stage(&orig, "base");
    assert_eq!(base["start"], rfc3339(epoch * 1000));
    assert_eq!(base["end"], rfc3339(epoch * 1000 + 2500));
    // peak: rows in epoch+5 and +6, time taken 1.2 s: the later end is epoch+5 + 1.2 s.
    let peak = stage(&orig, "peak");
    assert_eq!(peak["start"], rfc3339((epoch + 5) * 1000));
    assert_eq!(peak["end"], rfc3339((epoch + 5) * 1000 + 1200));
    let basis = base["window_basis"].as_str().unwrap();
    assert!(
        basis.contains("on the clock to the second by its -g file"),
        "{basis}"
    );
    assert!(!basis.contains("unknown"), "{basis}");

    let out = dir.path().join("export");
    export_csv(&run, &out);
    let (code, back, err) = analyze_json(&[&out], &[]);
    assert_eq!(code, 0, "{err}");
    for (name, n, secs) in [("base", 300u64, 2.5), ("peak", 200, 1.2)] {
        for report in [&orig, &back] {
            let s = stage(report, name);
            assert_eq!(s["requests"], n, "{s:#}");
            assert!(
                close(s["duration_s"].as_f64().unwrap(), secs, 1e-9),
                "{s:#}"
            );
            let rps = s["throughput_rps"].as_f64().unwrap();
            assert!(close(rps, n as f64 / secs, 1e-9), "{s:#}");
        }
        let (a, b) = (stage(&orig, name), stage(&back, name));
        assert_eq!((&a["start"], &a["end"]), (&b["start"], &b["end"]), "{name}");
    }
}

/// `headroom analyze RUN --charts none`, returning RUN/report/report.json whatever
/// its exit code.
fn saved_report(dir: &TestDir, run: &str) -> String {
    let path = dir.path().join(run);
    headroom(&["analyze", path.to_str().unwrap(), "--charts", "none"]);
    path.join("report/report.json").display().to_string()
}

/// The SLA verdict `compare --sla` gives the candidate `cand` (a run dir or a saved
/// report.json) against the baseline dir `base`.
fn verdict(dir: &TestDir, base: &str, cand: &str, rules: &str) -> String {
    let (_, _, stderr, json) = compare_with(dir, &[base, cand, "--sla", rules]);
    (json["sla"][0]["verdict"].as_str())
        .unwrap_or_else(|| panic!("{stderr}\n{json:#}"))
        .to_string()
}

/// A wrk run judged on `p(75) < 100ms` (wrk's 75% line lies between its p50 and p90,
/// both under 100 ms): report.json did not keep that wrk corrects its figures for
/// coordinated omission, so the read-back's audit held the run dir's verdict to
/// CONDITIONAL. Now report.json's source says `latency_co_corrected` and the verdict
/// on the saved report is the run dir's.
#[test]
fn a_wrk_report_json_is_judged_as_its_run_dir() {
    let dir = TestDir::new();
    dir.write("rel-1.4.0/c16/wrk.txt", wrk_text(16, 20_000, 1.0));
    dir.write("rel-1.5.0/c16/wrk.txt", wrk_text(16, 20_000, 1.0));
    let report = saved_report(&dir, "rel-1.5.0");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(saved["sources"][0]["latency_co_corrected"], true);
    let p = |v: &str| dir.path().join(v).display().to_string();
    let rules = dir.write("sla.toml", "[global]\nrules = [\"p(75) < 100ms\"]\n");
    let rules = rules.to_str().unwrap();
    let by_dir = verdict(&dir, &p("rel-1.4.0"), &p("rel-1.5.0"), rules);
    let by_report = verdict(&dir, &p("rel-1.4.0"), &report, rules);
    assert_eq!(by_report, by_dir);
}

/// A run dir whose requests.csv has a row cut as it was copied (line 3,002: no
/// latency): the input problem makes the data incomplete and the run dir's verdict
/// CONDITIONAL on `p(95) < 50ms`, which its latencies (p95 ≈ 40 ms) pass. report.json
/// lists the problem, but its read-back did not keep it: `compare --sla` on the saved
/// report said GO. Now the problems are read back and the verdict is the run dir's.
#[test]
fn a_report_json_keeps_the_input_problem_that_held_its_run_dir_back() {
    let dir = TestDir::new();
    let csv = generic_csv(6_000, 0.034);
    let mut cut = String::new();
    for (i, line) in csv.lines().enumerate() {
        if i == 3_001 {
            cut.push_str("1765000012000,/api/v1/agents,\n");
        }
        cut.push_str(line);
        cut.push('\n');
    }
    dir.write("rel-1.4.0/steady_8users/requests.csv", &csv);
    dir.write("rel-1.5.0/steady_8users/requests.csv", &cut);
    let report = saved_report(&dir, "rel-1.5.0");
    let p = |v: &str| dir.path().join(v).display().to_string();
    let rules = dir.write("sla.toml", "[global]\nrules = [\"p(95) < 50ms\"]\n");
    let rules = rules.to_str().unwrap();
    let by_dir = verdict(&dir, &p("rel-1.4.0"), &p("rel-1.5.0"), rules);
    assert_ne!(by_dir, "GO");
    let by_report = verdict(&dir, &p("rel-1.4.0"), &report, rules);
    assert_eq!(by_report, by_dir);
}
