//! Messy runs, batch "be" (qa60): h2load, siege and ab left-overs, in the shapes the
//! real tools wrote against `headroom target` — h2load's console beside its
//! `--log-file` (the run over time from the log's start times), ab's `-g` file whose
//! times are all 0 ms (never a made-up 1 µs), siege's default `verbose` capture (its
//! per-request lines give percentiles when there is one per transaction), and several
//! h2load consoles in one dir (each a run of its own, named after its file: no
//! endpoint mix to profile).

use crate::common::{analyze_json, nearest_rank, TestDir};
use crate::formats_c::{ab_text, ab_tsv_from};
use serde_json::Value;

/// The first request's start in the h2load log, µs since the epoch (a whole second).
const H2_START_US: u64 = 1_796_550_057_000_000;

/// h2load's console of `h2load --h1 -D 3 -c 10 --log-file=h2load.log URL` as it printed
/// it, for `done` requests all answered 2xx, its `time for request` min and max as
/// given.
fn h2load_console(done: u64, min: &str, max: &str) -> String {
    format!(
        "starting benchmark...\n\
         spawning thread #0: 10 total client(s). Timing-based test with 0s of warm-up time \
         and 3s of main duration for measurements.\n\
         Warm-up started for thread #0.\n\
         progress: 100% of clients started\n\
         Warm-up phase is over for thread #0.\n\
         Main benchmark duration is started for thread #0.\n\
         Application protocol: http/1.1\n\
         Main benchmark duration is over for thread #0. Stopping all clients.\n\
         Stopped all clients for thread #0\n\
         \n\
         finished in 3.00s, {rps:.2} req/s, 91.47KB/s\n\
         requests: {done} total, {started} started, {done} done, {done} succeeded, 0 failed, \
         0 errored, 0 timeout\n\
         status codes: {done} 2xx, 0 3xx, 0 4xx, 0 5xx\n\
         traffic: 274.40KB (280988) total, 106.18KB (108724) headers (space savings 0.00%), \
         125.48KB (128492) data\n\
         \x20                    min         max         mean         sd        +/- sd\n\
         time for request:  {min:>10}  {max:>10}     21.16ms     10.36ms    77.55%\n\
         time for connect:       13us        88us        57us        23us    70.00%\n\
         time to 1st byte:     6.77ms     62.86ms     26.31ms     18.08ms    70.00%\n\
         req/s           :      42.32       49.65       47.05        2.07    80.00%\n",
        rps = done as f64 / 3.0,
        started = done + 10,
    )
}

#[test]
fn h2load_log_beside_its_console_gives_the_run_over_time() {
    let dir = TestDir::new();
    // 100, 250 and 50 requests starting in the run's three seconds, each taking
    // 5 + (i mod 20) ms; h2load writes a row when its stream closes, so rows are not
    // in start order (the second's rows are written backwards here).
    let per_second = [100u64, 250, 50];
    let mut log = String::new();
    let mut latencies = Vec::new();
    for (s, n) in per_second.iter().enumerate() {
        for i in (0..*n).rev() {
            let start = H2_START_US + s as u64 * 1_000_000 + i * (1_000_000 / n);
            let took_us = 5_000 + (i % 20) * 1_000;
            latencies.push(took_us as f64 / 1000.0);
            log.push_str(&format!("{start}\t200\t{took_us}\n"));
        }
    }
    let done: u64 = per_second.iter().sum();
    dir.write("h2load-c10/h2load.log", log);
    dir.write(
        "h2load-c10/h2load.txt",
        h2load_console(done, "5.00ms", "24.00ms"),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("h2load-c10")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], done, "{stage}");
    let series: Vec<u64> = (stage["timeseries"].as_array().expect("timeseries").iter())
        .map(|p| p["requests"].as_u64().unwrap())
        .collect();
    assert_eq!(series, per_second, "{}", stage["timeseries"]);
    // The log's latencies, to the µs: p95 of the 400 rows.
    let p95 = stage["latency_ms"]["p95"].as_f64().unwrap();
    assert!((p95 - nearest_rank(&latencies, 95.0)).abs() < 0.05, "{p95}");
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("the run over time"), "{notes}");
}

#[test]
fn ab_g_times_of_0_ms_are_0_ms_under_its_rounding_never_1_microsecond() {
    let dir = TestDir::new();
    // `ab -n 300 -g ab.tsv URL/health` against a target answering in well under
    // 0.5 ms: every ttime is 0, 100 rows in each of the run's 3 seconds.
    dir.write("health/ab.tsv", ab_tsv_from(1_796_550_086, &[0; 300]));
    dir.write("health/ab.txt", ab_text(300, [0; 4], 0));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("health")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let lat = &report["stages"][0]["latency_ms"];
    for key in ["min", "p50", "p95", "max", "mean"] {
        assert_eq!(lat[key].as_f64(), Some(0.0), "{key}: {lat}");
    }
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("under 0.5 ms"), "{notes}");
    // The -g file's starts (whole seconds) are the run over time.
    let series: Vec<u64> = (report["stages"][0]["timeseries"].as_array().unwrap().iter())
        .map(|p| p["requests"].as_u64().unwrap())
        .collect();
    assert_eq!(series, [100, 100, 100]);
    // The terminal shows what ab measured, not a fabricated µs figure.
    let out = crate::common::headroom(&[
        "analyze",
        dir.path().join("health").to_str().unwrap(),
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("µs"), "{text}");
    assert!(text.contains("0 ms"), "{text}");
}

/// siege's default capture (`siege -c 5 -t 3S URL > siege.txt 2>&1`, `verbose = true`,
/// text summary): one line per answer, and the summary siege writes to stderr cutting
/// one of them in two, as the real capture did. `times` are the answers' seconds.
fn siege_capture(times: &[f64], statuses: &[u16], cut: bool) -> String {
    let mut lines: Vec<String> = (times.iter().zip(statuses))
        .map(|(t, s)| {
            format!("HTTP/1.1 {s}     {t:.2} secs:      91 bytes ==> GET  /api/v1/agents")
        })
        .collect();
    let transactions = statuses.iter().filter(|s| **s < 500).count();
    let ok = statuses.iter().filter(|s| **s < 400).count();
    let failed = statuses.len() - transactions;
    let summary = format!(
        "Lifting the server siege...\n\
         Transactions:\t\t         {transactions} hits\n\
         Availability:\t\t      100.00 %\n\
         Elapsed time:\t\t        2.76 secs\n\
         Data transferred:\t        0.06 MB\n\
         Response time:\t\t        0.02 secs\n\
         Transaction rate:\t      {:.2} trans/sec\n\
         Throughput:\t\t        0.02 MB/sec\n\
         Concurrency:\t\t        4.97\n\
         Successful transactions:         {ok}\n\
         Failed transactions:\t           {failed}\n\
         Longest transaction:\t        0.12\n\
         Shortest transaction:\t        0.00\n \n",
        transactions as f64 / 2.76
    );
    let at = lines.len() - 3;
    let (head, tail) = lines[at].split_at(40);
    let (head, tail) = (head.to_string(), tail.to_string());
    if cut {
        // `HTTP/1.1 200     0.02 secs:      91 byte`, the summary, then `s ==> GET …`.
        lines[at] = format!("{head}\n{summary}{tail}");
    } else {
        lines.push(summary);
    }
    format!(
        "** SIEGE 4.0.7\n** Preparing 5 concurrent users for battle.\n\
         The server is now under siege...\n{}\n",
        lines.join("\n")
    )
}

#[test]
fn siege_verbose_lines_give_percentiles_when_there_is_one_per_transaction() {
    let dir = TestDir::new();
    // 400 answers of 0.00–0.19 s (i·7 mod 20 hundredths), 10 of them 404 (transactions
    // siege counts unsuccessful) and 6 of them 503 (failed: not transactions).
    let times: Vec<f64> = (0..416).map(|i| ((i * 7) % 20) as f64 / 100.0).collect();
    let statuses: Vec<u16> = (0..416)
        .map(|i| match i {
            i if i % 41 == 5 => 404,
            i if i % 69 == 7 => 503,
            _ => 200,
        })
        .collect();
    let answered: Vec<f64> = (times.iter().zip(&statuses))
        .filter(|(_, s)| **s < 500)
        .map(|(t, _)| t * 1000.0)
        .collect();
    dir.write("c5/siege.txt", siege_capture(&times, &statuses, true));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("c5")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    let failed = statuses.iter().filter(|s| **s >= 400).count();
    assert_eq!(
        (stage["requests"].as_u64(), stage["failures"].as_u64()),
        (Some(416), Some(failed as u64)),
        "{stage}"
    );
    for (key, p) in [("p50", 50.0), ("p90", 90.0), ("p95", 95.0), ("p99", 99.0)] {
        let got = stage["latency_ms"][key].as_f64().unwrap_or(f64::NAN);
        let want = nearest_rank(&answered, p);
        assert!(
            (got - want).abs() <= want * 1e-3 + 1e-3,
            "{key}: {got} vs {want}"
        );
    }
    let notes = report["sources"][0]["notes"].to_string();
    assert!(notes.contains("per-request lines"), "{notes}");

    // A line lost (a capture of stdout cut, a line split where its time was): the lines
    // are not every transaction, and siege's own figures stand (no percentiles).
    let mut text = siege_capture(&times, &statuses, false);
    let first = text.find("HTTP/1.1 200").unwrap();
    let end = first + text[first..].find('\n').unwrap() + 1;
    text.replace_range(first..end, "");
    dir.write("c5-cut/siege.txt", text);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("c5-cut")], &[]);
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 416, "{stderr}");
    assert_eq!(stage["latency_ms"]["p95"], Value::Null, "{stage}");
    assert!(report["sources"][0]["notes"]
        .to_string()
        .contains("no percentiles"));
}

#[test]
fn several_h2load_consoles_in_one_dir_are_runs_not_an_endpoint_mix_to_profile() {
    let dir = TestDir::new();
    // `for c in 4 16; do h2load --h1 -n 400 -c $c URL > h2load_c$c.txt; done`, and one
    // more of another URL: each console names no URL, so each is named after its file.
    let console = |clients: u32, n: u64, mean: &str, secs: f64| {
        format!(
            "starting benchmark...\n\
             spawning thread #0: {clients} total client(s). {n} total requests\n\
             Application protocol: http/1.1\n\n\
             finished in {secs:.2}s, {:.2} req/s, 32.54KB/s\n\
             requests: {n} total, {n} started, {n} done, {n} succeeded, 0 failed, 0 errored, \
             0 timeout\n\
             status codes: {n} 2xx, 0 3xx, 0 4xx, 0 5xx\n\
             traffic: 77.73KB (79600) total, 30.08KB (30800) headers (space savings 0.00%), \
             35.55KB (36400) data\n\
             \x20                    min         max         mean         sd        +/- sd\n\
             time for request:     5.27ms    224.50ms  {mean:>10}     10.28ms    77.75%\n\
             time for connect:       67us       300us       154us       101us    75.00%\n\
             time to 1st byte:    13.64ms     28.20ms     20.36ms      7.74ms    75.00%\n\
             req/s           :      42.11       49.72       47.30        3.56    75.00%\n",
            n as f64 / secs
        )
    };
    dir.write("runs/h2load_c4.txt", console(4, 400, "21.23ms", 2.39));
    dir.write("runs/h2load_c16.txt", console(16, 400, "25.40ms", 0.64));
    dir.write("runs/h2load_item.txt", console(8, 300, "81.01ms", 1.73));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"].as_array().unwrap().len(), 3, "{stderr}");
    let hints: Vec<&str> = (report["bottlenecks"].as_array().unwrap().iter())
        .filter_map(|h| h["rule"].as_str())
        .collect();
    assert!(!hints.contains(&"dominant_endpoint"), "{hints:?}");
    let said = report["narrative"].to_string();
    assert!(!said.contains("Profile h2load_item"), "{said}");
}

/// siege 4.0.7's JSON summary (its default `json_output = true`) of `siege -c 3 -t 2S
/// URL` against `headroom target`, which really ended after `elapsed` seconds, at
/// 130 transactions a second (3 users, 20 ms each, and siege's own pauses).
fn siege_json(elapsed: f64) -> String {
    let n = (130.0 * elapsed).round();
    format!(
        "$ siege -c 3 -t 2S http://127.0.0.1:18470/api/v1/agents\n\n\
         {{\t\"transactions\":\t\t\t         {n},\n\
         \t\"availability\":\t\t\t      100.00,\n\
         \t\"elapsed_time\":\t\t\t        {elapsed:.2},\n\
         \t\"data_transferred\":\t\t        0.01,\n\
         \t\"response_time\":\t\t        0.02,\n\
         \t\"transaction_rate\":\t\t      {:.2},\n\
         \t\"throughput\":\t\t\t        0.01,\n\
         \t\"concurrency\":\t\t\t        2.94,\n\
         \t\"successful_transactions\":\t         {n},\n\
         \t\"failed_transactions\":\t\t           0,\n\
         \t\"longest_transaction\":\t\t        0.06,\n\
         \t\"shortest_transaction\":\t\t        0.00\n\
         }}\n",
        n / elapsed
    )
}

#[test]
fn a_finished_siege_t_2s_run_that_ended_a_second_early_is_not_called_interrupted() {
    let dir = TestDir::new();
    let incomplete = |elapsed: f64| {
        let run = dir.write(&format!("t2s-{elapsed}/siege.txt"), siege_json(elapsed));
        let (_, report, stderr) = analyze_json(&[run.parent().unwrap()], &[]);
        let n = (130.0 * elapsed).round() as u64;
        assert_eq!(report["stages"][0]["requests"], n, "{stderr}");
        report["data_quality"] == "incomplete"
    };
    // Two finished `-t 2S` runs in a row took 1.08 s and 1.97 s (siege's timer).
    assert!(!incomplete(1.08));
    assert!(!incomplete(1.97));
    // Ctrl-C after half a second.
    assert!(incomplete(0.5));
}

/// ab's `-g` file of `per_second` requests in each of 15 seconds: each second's rows
/// take 250 + 5·j ms (j its row) but its `slow` last rows, which take 500 ms in the
/// first five seconds, 600 ms in the next five and 900 ms in the last five.
fn ab_tsv_slow_tail(per_second: u64, slow: u64) -> String {
    let mut tsv = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    for s in 0..15u64 {
        for j in 0..per_second {
            let t = match (j + slow >= per_second, s / 5) {
                (true, 0) => 500,
                (true, 1) => 600,
                (true, _) => 900,
                (false, _) => 250 + 5 * j,
            };
            let at = 1_796_550_100 + s;
            tsv.push_str(&format!(
                "Sun Dec 06 10:28:{s:02} 2026\t{at}\t0\t{t}\t{t}\t{t}\n"
            ));
        }
    }
    tsv
}

#[test]
fn a_drift_of_per_second_maxima_is_not_called_a_drift_of_the_p95() {
    let dir = TestDir::new();
    let drift = |per_second: u64, slow: u64| {
        let run = dir.path().join(format!("post-{per_second}"));
        let name = run.file_name().unwrap().to_str().unwrap().to_string();
        dir.write(
            &format!("{name}/ab.tsv"),
            ab_tsv_slow_tail(per_second, slow),
        );
        dir.write(
            &format!("{name}/ab.txt"),
            ab_text(15 * per_second, [0; 4], 0),
        );
        let (code, report, stderr) = analyze_json(&[&run], &[]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            report["stages"][0]["timeseries"].as_array().unwrap().len(),
            15
        );
        (report["bottlenecks"].as_array().unwrap().iter()).any(|h| h["rule"] == "latency_drift")
    };
    // `ab -k -p body.json -c 4` of a 300 ms POST: 12 a second. A second's p95 is its
    // slowest request (⌈0.95·12⌉ = 12th of 12): its rise from 500 to 900 ms is one slow
    // answer a second, not the p95 drifting.
    assert!(!drift(12, 1));
    // 40 a second, 3 of them slow: each second's p95 (the 38th of 40) is a slow one,
    // and rises 1.8× at constant load: a drift.
    assert!(drift(40, 3));
}
