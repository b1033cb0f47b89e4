//! Judgements on messy real run dirs (QA round 5): console captures that hold two
//! runs, tools run on several threads, siege's verbose console, stepped Locust
//! histories, and untrusted names on the terminal.

use serde_json::Value;

use crate::check::check_json;
use crate::common::{analyze_json, TestDir};
use crate::formats_c::{ab_text, ab_tsv_from};
use crate::messy_runs::{hey_text, ERR_P90};
use crate::messy_runs_b::AUTOCANNON_SUB_MS;

/// The notes of a report's sources, joined.
fn source_notes(report: &Value) -> String {
    let sources = report["sources"].as_array().cloned().unwrap_or_default();
    let notes: Vec<String> = sources
        .iter()
        .flat_map(|s| s["notes"].as_array().cloned().unwrap_or_default())
        .map(|n| n.as_str().unwrap_or("").to_string())
        .collect();
    notes.join("\n")
}

#[test]
fn two_hey_runs_appended_to_one_console_log_are_never_mixed() {
    let dir = TestDir::new();
    // `hey -c 4` (100 answers, none failed), then `hey -c 40 >> console.log` (50
    // answers and 5,000 503s): each run is read, whole, as a stage of its own (hey
    // prints no -c: by order, `run_1` and `run_2`), never pooled (qa57; before, the
    // first alone was read and the second said to be left out).
    let text = hey_text(100, 0) + &hey_text(50, 5000);
    dir.write("run/console.log", text);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["stages"][0]["name"], "run_1", "{stderr}");
    assert_eq!(report["stages"][0]["requests"], 100, "{stderr}");
    assert_eq!(report["stages"][0]["failures"], 0, "{report}");
    assert_eq!(report["stages"][1]["name"], "run_2", "{report}");
    assert_eq!(report["stages"][1]["requests"], 5050, "{report}");
    assert_eq!(report["stages"][1]["failures"], 5000, "{report}");
    let notes = source_notes(&report);
    assert!(notes.contains("never pooled"), "{notes}");
}

#[test]
fn two_ab_runs_appended_to_one_console_log_are_never_mixed() {
    let dir = TestDir::new();
    // ab -n 200 (clean), then ab -n 400 with 387 non-2xx appended: the first is read.
    let text = ab_text(200, [0; 4], 0) + &ab_text(400, [0, 0, 387, 0], 387);
    dir.write("run/console.log", text);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["stages"][0]["requests"], 200, "{stderr}");
    assert_eq!(report["stages"][0]["failures"], 0, "{report}");
    assert!(source_notes(&report).contains("holds 2 runs"), "{report}");
    assert_eq!(report["data_quality"], "incomplete", "{report}");
}

/// h2load's console of `h2load -n 3000 -c 16 -t 4`: four threads of 4 clients each.
fn h2load_on_four_threads() -> String {
    let mut text = String::from("starting benchmark...\n");
    for t in 0..4 {
        text.push_str(&format!(
            "spawning thread #{t}: 4 total client(s). 750 total requests\n"
        ));
    }
    text.push_str(
        "Application protocol: http/1.1\nprogress: 100% done\n\n\
         finished in 2.24s, 1340.84 req/s, 155.82KB/s\n\
         requests: 3000 total, 3000 started, 3000 done, 3000 succeeded, 0 failed, 0 errored, 0 timeout\n\
         status codes: 3000 2xx, 0 3xx, 0 4xx, 0 5xx\n\
         traffic: 348.63KB (357000) total, 225.59KB (231000) headers (space savings 0.00%), 32.23KB (33000) data\n\
         \x20                    min         max         mean         sd        +/- sd\n\
         time for request:     4.41ms     31.52ms     11.19ms      3.11ms    68.60%\n\
         time for connect:       21us       511us       118us       116us    93.75%\n\
         time to 1st byte:     8.21ms     16.88ms     11.54ms      2.94ms    56.25%\n\
         req/s           :      84.05       93.11       89.39        2.48    62.50%\n",
    );
    text
}

#[test]
fn h2load_users_are_the_clients_of_every_thread() {
    let dir = TestDir::new();
    dir.write("run/console.log", h2load_on_four_threads());
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let (code, report, stderr) = analyze_json(
        &[&dir.path().join("run")],
        &["--sla", sla.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    // 4 threads × 4 clients; 16 users at 11.19 ms allow 1,430 req/s ≥ the 1,341 measured.
    assert_eq!(report["stages"][0]["users"], 16, "{report}");
    assert_eq!(
        report["data_quality"], "clean",
        "{}",
        report["data_quality_reason"]
    );
    assert_eq!(report["verdict"], "GO", "{}", report["sla"]["headline"]);
}

/// A Locust 2.47 `--csv-full-history` history of 2 → 4 → 8 users at a steady 52 ms
/// (written by a real run): windowed percentiles whose medians equal the total
/// median, whose `100%` (56–57 ms) is below the `Total Max Response Time` (65.8 ms),
/// and whose first row (an empty window) reports every percentile as 0.
const LOCUST_STEADY_HISTORY: &str = "\
Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size
1796347301,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0
1796347302,2,GET,/item,0.000000,0.000000,0,0,0,0,0,0,0,0,0,0,0,18,0,53,53.965,51.372,65.825,11.0
1796347302,2,,Aggregated,0.000000,0.000000,0,0,0,0,0,0,0,0,0,0,0,18,0,53,53.965,51.372,65.825,11.0
1796347303,2,GET,/item,0.000000,0.000000,52,52,53,53,53,55,56,56,56,56,56,38,0,52,53.066,51.372,65.825,11.0
1796347303,2,,Aggregated,0.000000,0.000000,52,52,53,53,53,55,56,56,56,56,56,38,0,52,53.066,51.372,65.825,11.0
1796347304,2,GET,/item,16.000,0.000000,52,52,53,53,53,55,56,56,56,56,56,58,0,52,52.806,51.358,65.825,11.0
1796347304,2,,Aggregated,16.000,0.000000,52,52,53,53,53,55,56,56,56,56,56,58,0,52,52.806,51.358,65.825,11.0
1796347305,2,GET,/item,17.000,0.000000,52,52,53,53,53,55,56,56,56,56,56,78,0,52,52.747,51.311,65.825,11.0
1796347305,2,,Aggregated,17.000,0.000000,52,52,53,53,53,55,56,56,56,56,56,78,0,52,52.747,51.311,65.825,11.0
1796347306,4,GET,/item,18.000,0.000000,52,52,53,53,53,55,56,56,56,56,56,116,0,52,52.653,51.235,65.825,11.0
1796347306,4,,Aggregated,18.000,0.000000,52,52,53,53,53,55,56,56,56,56,56,116,0,52,52.653,51.235,65.825,11.0
1796347307,4,GET,/item,18.500,0.000000,52,53,53,53,53,55,56,56,57,57,57,154,0,52,52.592,51.235,65.825,11.0
1796347307,4,,Aggregated,18.500,0.000000,52,53,53,53,53,55,56,56,57,57,57,154,0,52,52.592,51.235,65.825,11.0
1796347308,4,GET,/item,21.600,0.000000,52,53,53,53,54,55,56,57,57,57,57,194,0,52,52.604,51.188,65.825,11.0
1796347308,4,,Aggregated,21.600,0.000000,52,53,53,53,54,55,56,57,57,57,57,194,0,52,52.604,51.188,65.825,11.0
1796347309,4,GET,/item,24.500,0.000000,52,52,53,53,53,55,56,57,57,57,57,232,0,52,52.526,51.188,65.825,11.0
1796347309,4,,Aggregated,24.500,0.000000,52,52,53,53,53,55,56,57,57,57,57,232,0,52,52.526,51.188,65.825,11.0
1796347310,8,GET,/item,26.571,0.000000,52,53,53,54,55,56,57,61,84,84,84,307,0,52,53.061,51.187,84.405,11.0
1796347310,8,,Aggregated,26.571,0.000000,52,53,53,54,55,56,57,61,84,84,84,307,0,52,53.061,51.187,84.405,11.0
1796347311,8,GET,/item,28.250,0.000000,52,53,53,54,56,57,58,61,84,84,84,386,0,52,53.168,51.187,84.405,11.0
1796347311,8,,Aggregated,28.250,0.000000,52,53,53,54,56,57,58,61,84,84,84,386,0,52,53.168,51.187,84.405,11.0
1796347312,8,GET,/item,32.667,0.000000,53,53,53,54,55,57,58,61,84,84,84,462,0,52,53.166,51.187,84.405,11.0
1796347312,8,,Aggregated,32.667,0.000000,53,53,53,54,55,57,58,61,84,84,84,462,0,52,53.166,51.187,84.405,11.0
1796347313,8,GET,/item,37.000,0.000000,52,53,53,54,55,57,58,61,84,84,84,539,0,52,53.078,51.187,84.405,11.0
1796347313,8,,Aggregated,37.000,0.000000,52,53,53,54,55,57,58,61,84,84,84,539,0,52,53.078,51.187,84.405,11.0
";

#[test]
fn a_steady_windowed_locust_history_gives_every_stage_its_rows_median() {
    let dir = TestDir::new();
    dir.write("run/out_stats_history.csv", LOCUST_STEADY_HISTORY);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let stages = report["stages"].as_array().cloned().unwrap_or_default();
    assert_eq!(stages.len(), 3, "{stderr}");
    // Every row of the first plateau says 50% = 52 or 53 ms (none is below the run's
    // minimum, 51.2 ms): the empty first window's 0 ms weighs nothing.
    let p50 = stages[0]["latency_ms"]["p50"].as_f64();
    assert!(
        p50.is_some_and(|v| (52.0..=53.0).contains(&v)),
        "p50 {p50:?}"
    );
    assert!(stages[0].to_string().contains("windowed percentiles"));
    // The later plateaus last 4 s: each of their rows' 10 s windows still holds the
    // plateau before, so they have no percentiles of their own.
    for s in &stages[1..] {
        assert!(s["latency_ms"]["p50"].is_null(), "{}", s["name"]);
        let basis = s.to_string();
        assert!(basis.contains("shorter than Locust's 10 s"), "{basis}");
    }
}

/// A windowed Locust history, one row a second at 20 requests a second: 2 users for
/// 20 s at 50 ms, 4 users for 20 s at 200 ms, 8 users for 4 s. A row's 10 s window
/// holds both plateaus for 9 s after the step (its median 50 ms until half the window
/// is past it, 200 ms after); from the 10th row of the second plateau on, only 200 ms.
fn stepped_windowed_history() -> String {
    let mut text = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,\
         Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,\
         Total Min Response Time,Total Max Response Time,Total Average Content Size\n",
    );
    for t in 1..=44u64 {
        let users = match t {
            1..=20 => 2,
            21..=40 => 4,
            _ => 8,
        };
        // (50%, the other percentiles up to 99.99%, 100%)
        let (p50, rest, top) = match t {
            1..=20 => (50, 52, 55),
            21..=25 => (50, 200, 210),
            _ => (200, 205, 210),
        };
        let total_max = if t <= 20 { 60 } else { 215 };
        let total_median = if t <= 30 { 50 } else { 200 };
        let pcts =
            format!("{p50},{rest},{rest},{rest},{rest},{rest},{rest},{rest},{rest},{rest},{top}");
        for (kind, name) in [("GET", "/item"), ("", "Aggregated")] {
            text.push_str(&format!(
                "{},{users},{kind},{name},20.0,0.0,{pcts},{},0,{total_median},120.0,45,{total_max},11.0\n",
                1_796_347_300 + t,
                20 * t
            ));
        }
    }
    text
}

#[test]
fn a_windowed_locust_stage_is_judged_on_the_rows_whose_window_lies_inside_it() {
    let dir = TestDir::new();
    dir.write("run/out_stats_history.csv", stepped_windowed_history());
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let stages = report["stages"].as_array().cloned().unwrap_or_default();
    assert_eq!(stages.len(), 3, "{stderr}");
    let p = |s: &Value, k: &str| s["latency_ms"][k].as_f64();
    assert_eq!(p(&stages[0], "p50"), Some(50.0), "{}", stages[0]);
    // Not a mixture with the 50 ms rows of the first plateau's window.
    assert_eq!(p(&stages[1], "p50"), Some(200.0), "{}", stages[1]);
    assert_eq!(p(&stages[1], "p95"), Some(205.0), "{}", stages[1]);
    assert!(p(&stages[2], "p50").is_none(), "{}", stages[2]);
    assert!(stages[2].to_string().contains("shorter than Locust's 10 s"));
}

/// siege's text console in its default `verbose` mode: a coloured line per request
/// (`ok` 200s, then `failed` 503s) ahead of its summary, as `siege -b … > console.log
/// 2>&1` writes it.
fn siege_verbose_console(ok: u64, failed: u64) -> String {
    let mut text = String::from(
        "** SIEGE 4.0.7\n** Preparing 20 concurrent users for battle.\n\
         The server is now under siege...\n",
    );
    for _ in 0..ok {
        text.push_str(
            "\u{1b}[0;34mHTTP/1.1 200     0.10 secs:      11 bytes ==> GET  /item\u{1b}[0m\n",
        );
    }
    for _ in 0..failed {
        text.push_str(
            "\u{1b}[0;31mHTTP/1.1 503     0.00 secs:      22 bytes ==> GET  /item\u{1b}[0m\n",
        );
    }
    text.push_str(&format!(
        "\nLifting the server siege...\nTransactions:\t\t{ok:>12} hits\n\
         Availability:\t\t{:>12.2} %\nElapsed time:\t\t        2.00 secs\n\
         Data transferred:\t        0.02 MB\nResponse time:\t\t        0.10 secs\n\
         Transaction rate:\t       {:.2} trans/sec\nThroughput:\t\t        0.01 MB/sec\n\
         Concurrency:\t\t       11.76\nSuccessful transactions:  {ok:>10}\n\
         Failed transactions:\t  {failed:>10}\nLongest transaction:\t        0.16\n\
         Shortest transaction:\t        0.00\n \n",
        100.0 * ok as f64 / (ok + failed) as f64,
        ok as f64 / 2.0
    ));
    text
}

#[test]
fn a_verbose_siege_console_is_read_however_far_its_summary_is() {
    let dir = TestDir::new();
    // 160 answers and 1,000 503s: about 60 KB of per-request lines before the summary.
    dir.write("run/console.log", siege_verbose_console(160, 1000));
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let (code, report, stderr) = analyze_json(
        &[&dir.path().join("run")],
        &["--sla", sla.to_str().unwrap()],
    );
    assert_eq!(report["stages"][0]["requests"], 1160, "{stderr}");
    assert_eq!(report["stages"][0]["failures"], 1000, "{report}");
    assert_eq!(
        (code, report["verdict"].as_str()),
        (0, Some("NO-GO")),
        "{stderr}"
    );
}

#[test]
fn siege_socket_errors_ahead_of_its_json_block_give_the_failures_their_kind() {
    let dir = TestDir::new();
    // The target went away mid-run: 196 coloured `[error] socket: … refused` lines
    // (15 KB) before siege's JSON block with 101 transactions and 196 failed.
    let mut text = String::new();
    for _ in 0..196 {
        text.push_str(
            "[\u{1b}[1;33merror\u{1b}[0m] socket: unable to connect sock.c:282: Connection refused\n",
        );
    }
    text.push_str(
        "\n{\t\"transactions\":\t\t\t         101,\n\t\"availability\":\t\t\t       34.01,\n\
         \t\"elapsed_time\":\t\t\t        3.82,\n\t\"data_transferred\":\t\t        0.00,\n\
         \t\"response_time\":\t\t        0.01,\n\t\"transaction_rate\":\t\t       26.44,\n\
         \t\"throughput\":\t\t\t        0.00,\n\t\"concurrency\":\t\t\t        0.31,\n\
         \t\"successful_transactions\":\t         101,\n\t\"failed_transactions\":\t\t         196,\n\
         \t\"longest_transaction\":\t\t        0.03,\n\t\"shortest_transaction\":\t\t        0.00\n}\n",
    );
    dir.write("run/console.log", text);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 297, "{stderr}");
    assert_eq!(stage["failures_by_kind"]["connect"], 196, "{stage}");
}

/// autocannon's console table (`autocannon -c 10 -d 2 URL > table.log`, no `--json`).
const AUTOCANNON_TABLE: &str = r#"Running 2s test @ http://127.0.0.1:18502/item
10 connections


┌─────────┬──────┬───────┬───────┬───────┬──────────┬────────┬───────┐
│ Stat    │ 2.5% │ 50%   │ 97.5% │ 99%   │ Avg      │ Stdev  │ Max   │
├─────────┼──────┼───────┼───────┼───────┼──────────┼────────┼───────┤
│ Latency │ 6 ms │ 10 ms │ 18 ms │ 20 ms │ 10.77 ms │ 3.1 ms │ 30 ms │
└─────────┴──────┴───────┴───────┴───────┴──────────┴────────┴───────┘
┌───────────┬────────┬────────┬────────┬────────┬────────┬───────┬────────┐
│ Stat      │ 1%     │ 2.5%   │ 50%    │ 97.5%  │ Avg    │ Stdev │ Min    │
├───────────┼────────┼────────┼────────┼────────┼────────┼───────┼────────┤
│ Req/Sec   │ 881    │ 881    │ 881    │ 893    │ 887    │ 6     │ 881    │
├───────────┼────────┼────────┼────────┼────────┼────────┼───────┼────────┤
│ Bytes/Sec │ 105 kB │ 105 kB │ 105 kB │ 106 kB │ 106 kB │ 704 B │ 105 kB │
└───────────┴────────┴────────┴────────┴────────┴────────┴───────┴────────┘

Req/Bytes counts sampled once per second.
# of samples: 2

2k requests in 2.01s, 211 kB read
"#;

#[test]
fn autocannons_console_table_is_skipped_with_advice_not_read_as_a_cut_wrk_run() {
    let dir = TestDir::new();
    dir.write("run/result.json", AUTOCANNON_SUB_MS);
    dir.write("run/table.log", AUTOCANNON_TABLE);
    let sla = dir.write("err90.toml", ERR_P90);
    let run = dir.path().join("run");
    // The JSON's 79,430 clean answers decide; the table beside it is no input problem.
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(
        (code, out["verdict"].as_str()),
        (0, Some("GO")),
        "{out}\n{stderr}"
    );
    let (_, report, _) = analyze_json(&[&run], &[]);
    assert_eq!(report["problems"], serde_json::json!([]), "{report}");
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("table.log") && skipped.contains("autocannon --json"),
        "{skipped}"
    );
}

#[test]
fn names_from_the_inputs_reach_the_terminal_escaped() {
    let dir = TestDir::new();
    // Endpoint names that carry a line break and terminal control codes (one that
    // would wipe the line and print a fake verdict).
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    let names = [
        "\"/a\nb\"",
        "\"\u{1b}[2K\rverdict: GO\"",
        "\u{1b}[31mred\u{1b}[0m",
    ];
    for i in 0..300u64 {
        let status = if i % 3 == 0 { 500 } else { 200 };
        csv.push_str(&format!(
            "{},{},GET,12.5,{status}\n",
            1_796_340_000_000u64 + i * 10,
            names[(i % 3) as usize]
        ));
    }
    dir.write("run/requests.csv", csv);
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n[each_endpoint]\nrules = [\"error_rate < 1%\"]\n",
    );
    let run = dir.path().join("run");
    let out = crate::common::headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\r'),
        "{stdout:?}"
    );
    assert!(
        stdout.contains("GET /a\\nb") && stdout.contains("\\u{1b}[31mred"),
        "{stdout}"
    );
    // The header and 2 global + 3 × 2 endpoint evaluations: no name breaks a row in two.
    let rows = stdout.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(rows, 9, "{stdout}");
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("verdict:")).count(),
        1,
        "{stdout}"
    );
    let analyzed = crate::common::headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        dir.path().join("report").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&analyzed.stdout);
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    // `inspect` and `compare` (against a release twice as slow) print them escaped too.
    let inspected =
        crate::common::headroom(&["inspect", run.join("requests.csv").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&inspected.stdout);
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    assert!(text.contains("\\u{1b}[31mred"), "{text}");
    let slower = std::fs::read_to_string(run.join("requests.csv"))
        .unwrap()
        .replace(",12.5,", ",25.0,");
    let slower = dir.write("slower/requests.csv", slower);
    let compared = crate::common::headroom(&[
        "compare",
        run.to_str().unwrap(),
        slower.parent().unwrap().to_str().unwrap(),
        "--out",
        dir.path().join("compared").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&compared.stdout);
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    assert!(
        text.contains("regressed") && text.contains("\\u{1b}[31mred"),
        "{text}"
    );
}

#[test]
fn ab_sub_ms_answers_take_their_percentiles_from_the_e_file_not_the_whole_ms_g_file() {
    let dir = TestDir::new();
    // 300 answers of 0.1–0.5 ms: the -g file rounds 270 of them to 0 ms and 30 to 1 ms;
    // the -e file has them to the µs: percent i at 0.1 + 0.004·i ms (p50 0.3, p90 0.46).
    let ttimes: Vec<u64> = (0..300).map(|i| u64::from(i >= 270)).collect();
    dir.write("run/ab.tsv", ab_tsv_from(1_796_278_607, &ttimes));
    dir.write("run/ab.txt", ab_text(300, [0; 4], 0));
    let mut csv = String::from("Percentage served,Time in ms\n");
    for i in 0..=100 {
        csv.push_str(&format!("{i},{:.3}\n", 0.1 + 0.004 * f64::from(i)));
    }
    dir.write("run/ab.csv", csv);
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(50) < 0.2ms\"]\n");
    let (code, report, stderr) = analyze_json(
        &[&dir.path().join("run")],
        &["--sla", sla.to_str().unwrap()],
    );
    let lat = &report["stages"][0]["latency_ms"];
    assert_eq!(
        (lat["p50"].as_f64(), lat["p90"].as_f64()),
        (Some(0.3), Some(0.46)),
        "{lat}\n{stderr}"
    );
    // 0.3 ms is over the 0.2 ms limit: no pass on the -g file's "0 ms" (shown as 1 µs).
    assert_eq!(
        (code, report["verdict"].as_str()),
        (0, Some("NO-GO")),
        "{stderr}"
    );
    assert!(source_notes(&report).contains("whole ms"), "{report}");
}

/// h2load's console of `h2load -D 3 -c 4` against a target that went away after
/// 1.2 s (as h2load printed it): 421 succeeded, none failed; each client made 86.9
/// req/s while it ran (347.6 together), the run 140.33 req/s.
const H2LOAD_TARGET_WENT_AWAY: &str = r#"starting benchmark...
spawning thread #0: 4 total client(s). Timing-based test with 0s of warm-up time and 3s of main duration for measurements.
Warm-up started for thread #0.
progress: 25% of clients started
progress: 50% of clients started
progress: 75% of clients started
progress: 100% of clients started
Warm-up phase is over for thread #0.
Main benchmark duration is started for thread #0.
Application protocol: http/1.1
Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 3.00s, 140.33 req/s, 16.31KB/s
requests: 421 total, 425 started, 421 done, 421 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 421 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 48.92KB (50099) total, 31.66KB (32417) headers (space savings 0.00%), 4.52KB (4631) data
                     min         max         mean         sd        +/- sd
time for request:     5.29ms     21.14ms     11.45ms      3.04ms    65.32%
time for connect:        6us        26us        18us         8us    75.00%
time to 1st byte:    11.53ms     17.55ms     13.12ms      2.96ms    75.00%
req/s           :      84.21       88.34       86.89        1.83    75.00%
"#;

/// The same `h2load -D 2 -c 4` against a target that stayed: 4 × 87.72 ≈ 351 req/s.
const H2LOAD_TIMED_CLEAN: &str = r#"starting benchmark...
spawning thread #0: 4 total client(s). Timing-based test with 0s of warm-up time and 2s of main duration for measurements.
Warm-up started for thread #0.
progress: 25% of clients started
progress: 50% of clients started
progress: 75% of clients started
progress: 100% of clients started
Warm-up phase is over for thread #0.
Main benchmark duration is started for thread #0.
Application protocol: http/1.1
Main benchmark duration is over for thread #0. Stopping all clients.
Stopped all clients for thread #0

finished in 2.01s, 351.00 req/s, 40.79KB/s
requests: 702 total, 706 started, 702 done, 702 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 702 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 81.58KB (83538) total, 52.79KB (54054) headers (space savings 0.00%), 7.54KB (7722) data
                     min         max         mean         sd        +/- sd
time for request:     5.49ms     27.98ms     11.34ms      3.07ms    70.94%
time for connect:        6us        26us        18us         8us    75.00%
time to 1st byte:    10.54ms     15.33ms     12.93ms      2.17ms    50.00%
req/s           :      84.97       90.97       87.72        2.60    50.00%
"#;

#[test]
fn a_timed_h2load_run_whose_clients_stopped_early_is_not_a_go_on_its_zero_failures() {
    let dir = TestDir::new();
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    dir.write("gone/console.log", H2LOAD_TARGET_WENT_AWAY);
    let (code, out, stderr) = check_json(&dir.path().join("gone"), &sla, &[]);
    assert_eq!(
        (code, out["verdict"].as_str()),
        (0, Some("CONDITIONAL")),
        "{out}\n{stderr}"
    );
    let (_, report, _) = analyze_json(&[&dir.path().join("gone")], &[]);
    assert_eq!(report["data_quality"], "partial", "{report}");
    assert!(
        source_notes(&report).contains("clients stopped early"),
        "{report}"
    );
    // Clients that ran the whole run: the zero failures stand.
    dir.write("stayed/console.log", H2LOAD_TIMED_CLEAN);
    let (code, out, stderr) = check_json(&dir.path().join("stayed"), &sla, &[]);
    assert_eq!(
        (code, out["verdict"].as_str()),
        (0, Some("GO")),
        "{out}\n{stderr}"
    );
}

/// A damaged `-e` CSV beside ab's console and an exact `-g` file is named with its
/// line (exit 2), and the run is still read: 300 requests timed by the `-g` file.
#[test]
fn a_damaged_ab_e_file_is_a_problem_and_the_run_is_still_read() {
    let dir = TestDir::new();
    let ttimes: Vec<u64> = (0..300).map(|i| 10 + i % 5).collect();
    dir.write("run/ab.tsv", ab_tsv_from(1_796_278_607, &ttimes));
    dir.write("run/ab.txt", ab_text(300, [0; 4], 0));
    dir.write("run/ab.csv", "Percentage served,Time in ms\n0,7.031\n5\n");
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("ab.csv:3: not a `percentage,ms` row"),
        "{stderr}"
    );
    assert_eq!(report["stages"][0]["requests"], 300, "{stderr}");
    // The -g file's times: 10 to 14 ms, 60 of each (an HdrHistogram's 3 digits).
    let max = report["stages"][0]["latency_ms"]["max"].as_f64().unwrap();
    assert!((14.0..14.02).contains(&max), "{max}");
}

/// ab writes its `-g` file anew on each run: beside a console capture of two runs it
/// holds the last one, so it is not paired with the first run the console gives.
#[test]
fn an_ab_g_file_beside_appended_runs_is_not_paired_with_the_first() {
    let dir = TestDir::new();
    dir.write(
        "run/ab.txt",
        ab_text(300, [0; 4], 0) + &ab_text(300, [0; 4], 0),
    );
    // The last run's answers took 500 ms each.
    dir.write("run/ab.tsv", ab_tsv_from(1_796_278_607, &[500; 300]));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["stages"][0]["requests"], 300, "{stderr}");
    let max = report["stages"][0]["latency_ms"]["max"].as_f64().unwrap();
    assert!(max < 500.0, "the -g file's 500 ms were paired: {report}");
    assert!(
        source_notes(&report).contains("ab.tsv: left out"),
        "{report}"
    );
    assert_eq!(report["data_quality"], "incomplete", "{report}");
}

#[test]
fn a_short_windowed_locust_stage_after_an_idle_minute_keeps_its_percentiles() {
    // 2 users for 20 s at 50 ms, a minute at 0 users with no request, then 4 users for
    // 8 s at 200 ms: no row of the last stage holds the first stage's requests.
    let mut text = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,\
         Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,\
         Total Min Response Time,Total Max Response Time,Total Average Content Size\n",
    );
    let mut total = 0;
    for t in 1..=88u64 {
        let (users, n, p50, top) = match t {
            1..=20 => (2, 20, 50, 55),
            21..=80 => (0, 0, 0, 0),
            _ => (4, 20, 200, 210),
        };
        total += n;
        let pcts = if n == 0 {
            "N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A".to_string()
        } else {
            format!("{p50},{p50},{p50},{p50},{p50},{p50},{p50},{p50},{p50},{p50},{top}")
        };
        text.push_str(&format!(
            "{},{users},,Aggregated,{n}.0,0.0,{pcts},{total},0,50,100.0,45,215,11.0\n",
            1_796_347_300 + t
        ));
    }
    let dir = TestDir::new();
    dir.write("run/out_stats_history.csv", text);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let stages = report["stages"].as_array().cloned().unwrap_or_default();
    let last = stages.last().unwrap_or_else(|| panic!("{stderr}"));
    assert_eq!(last["users"], 4, "{stages:?}");
    assert_eq!(last["latency_ms"]["p50"].as_f64(), Some(200.0), "{last}");
}

#[test]
fn a_problem_quoting_a_bad_cell_reaches_the_terminal_escaped() {
    // A hey CSV row whose status cell holds an ANSI colour code: the problem naming it
    // quotes the cell, escaped, on stderr (analyze and inspect alike).
    let dir = TestDir::new();
    let file = dir.write(
        "run/hey.csv",
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n\
         0.0100,0.0001,0.0000,0.0000,0.0099,0.0000,200,0.001\n\
         0.0100,0.0001,0.0000,0.0000,0.0099,0.0000,\x1b[31m500,0.002\n",
    );
    let (code, _, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("hey.csv:3"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
    let o = crate::common::headroom(&["inspect", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("line 3"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}
