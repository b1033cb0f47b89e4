//! Messy runs, batch "bs" (qa71): wrk's and httperf's consoles as teams keep them.
//! wrk prints a run's length rounded (`1128 requests in 3.00s`, `in 1.00m`) but its
//! `Requests/sec` from the exact length: the throughput is wrk's own figure, not N ÷
//! the rounded length (up to 0.5 % off). A shell loop of httperf runs into one log
//! (`for r in 20 60; do httperf --rate $r …; done > all.log`) is read run by run,
//! each run a stage at its own `--rate`, as ab's, wrk's, hey's and siege's loops are.

use super::common::{analyze_json, TestDir};

/// A wrk console (shape of wrk 4.2 against `headroom target`, no `--latency`).
fn wrk_run(connections: u32, completed: u64, length: &str, rps: &str) -> String {
    let planned = if length.ends_with('m') { "1m" } else { "3s" };
    format!(
        "Running {planned} test @ http://127.0.0.1:18450/api/v1/agents\n\
         \x20 1 threads and {connections} connections\n\
         \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
         \x20   Latency    21.14ms    9.98ms  85.47ms   75.25%\n\
         \x20   Req/Sec   384.27     29.60   434.00     60.00%\n\
         \x20 {completed} requests in {length}, 223.10KB read\n\
         Requests/sec: {rps:>10}\n\
         Transfer/sec:     74.28KB\n"
    )
}

/// A stage's figure from report.json.
fn stage_f64(report: &serde_json::Value, i: usize, key: &str) -> f64 {
    report["stages"][i][key]
        .as_f64()
        .unwrap_or_else(|| panic!("stages[{i}].{key}: {report}"))
}

/// `1128 requests in 3.00s` and `Requests/sec: 376.36`: the run lasted 1128 ÷ 376.36 =
/// 2.9971 s, so its throughput is wrk's 376.36 req/s, not 1128 ÷ 3.00 = 376.0.
#[test]
fn wrk_throughput_is_its_requests_per_second_not_n_over_the_rounded_length() {
    let dir = TestDir::new();
    dir.write("smoke/wrk.txt", wrk_run(8, 1128, "3.00s", "376.36"));
    let (code, report, err) = analyze_json(&[&dir.path().join("smoke")], &[]);
    assert_eq!(code, 0, "{err}");
    let x = stage_f64(&report, 0, "throughput_rps");
    assert!((x - 376.36).abs() < 0.005, "{x}");
    let d = stage_f64(&report, 0, "duration_s");
    assert!((d - 1128.0 / 376.36).abs() < 1e-6, "{d}");
}

/// A 1-minute run prints `in 1.00m` (60 s ± 0.3 s): 22700 requests at wrk's 378.00
/// req/s lasted 22700 ÷ 378 = 60.053 s; N ÷ 60 s would read 378.33.
#[test]
fn wrk_minute_long_run_keeps_its_requests_per_second() {
    let dir = TestDir::new();
    dir.write("soak/wrk.txt", wrk_run(8, 22_700, "1.00m", "378.00"));
    let (code, report, err) = analyze_json(&[&dir.path().join("soak")], &[]);
    assert_eq!(code, 0, "{err}");
    let x = stage_f64(&report, 0, "throughput_rps");
    assert!((x - 378.0).abs() < 0.005, "{x}");
    let d = stage_f64(&report, 0, "duration_s");
    assert!((d - 22_700.0 / 378.0).abs() < 1e-6, "{d}");
}

/// Figures that do not belong together (1000 requests in 10.00s at 500 req/s: 2 s):
/// the printed length is kept (100 req/s), and a note says why.
#[test]
fn wrk_figures_that_disagree_keep_the_printed_length_and_say_so() {
    let dir = TestDir::new();
    dir.write("edited/wrk.txt", wrk_run(8, 1000, "10.00s", "500.00"));
    let (code, report, err) = analyze_json(&[&dir.path().join("edited")], &[]);
    assert_eq!(code, 0, "{err}");
    assert!((stage_f64(&report, 0, "duration_s") - 10.0).abs() < 1e-9);
    assert!((stage_f64(&report, 0, "throughput_rps") - 100.0).abs() < 1e-9);
    let all = report.to_string();
    assert!(all.contains("printed length is kept"), "{all}");
}

/// A loop of wrk runs in one log (`for c in 8 32; do wrk -c$c …; done | tee`): each
/// stage's throughput is its own run's `Requests/sec` (1148 ÷ 382.23 s; 1190 ÷ 396.12).
#[test]
fn wrk_loop_stages_each_keep_their_requests_per_second() {
    let dir = TestDir::new();
    let log = format!(
        "{}{}",
        wrk_run(8, 1148, "3.00s", "382.23"),
        wrk_run(32, 1190, "3.00s", "396.12")
    );
    dir.write("steps/wrk.log", log);
    let (code, report, err) = analyze_json(&[&dir.path().join("steps")], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        report["stages"].as_array().map(Vec::len),
        Some(2),
        "{report}"
    );
    for (i, rps) in [382.23, 396.12].into_iter().enumerate() {
        let x = stage_f64(&report, i, "throughput_rps");
        assert!((x - rps).abs() < 0.005, "stage {i}: {x}");
    }
}

/// One httperf run's console as httperf 0.9 prints it (`--num-calls=1`), its warning
/// line (stderr, kept with `2>&1`) first.
fn httperf_run(rate: u32, conns: u64, duration: &str) -> String {
    format!(
        "httperf: warning: open file limit > FD_SETSIZE; limiting max. # of open files to FD_SETSIZE\n\
         httperf --timeout=2 --client=0/1 --server=127.0.0.1 --port=18450 --uri=/api/v1/agents \
         --rate={rate} --send-buffer=4096 --recv-buffer=16384 --num-conns={conns} --num-calls=1\n\
         Maximum connect burst length: 1\n\
         \n\
         Total: connections {conns} requests {conns} replies {conns} test-duration {duration} s\n\
         \n\
         Connection rate: 20.4 conn/s (49.1 ms/conn, <=1 concurrent connections)\n\
         Connection time [ms]: min 10.6 avg 23.6 max 48.0 median 21.5 stddev 9.3\n\
         Connection time [ms]: connect 0.0\n\
         Connection length [replies/conn]: 1.000\n\
         \n\
         Request rate: 20.4 req/s (49.1 ms/req)\n\
         Request size [B]: 75.0\n\
         \n\
         Reply rate [replies/s]: min 0.0 avg 0.0 max 0.0 stddev 0.0 (0 samples)\n\
         Reply time [ms]: response 23.6 transfer 0.0\n\
         Reply size [B]: header 108.0 content 91.0 footer 0.0 (total 199.0)\n\
         Reply status: 1xx=0 2xx={conns} 3xx=0 4xx=0 5xx=0\n\
         \n\
         CPU time [s]: user 0.16 system 1.29 (user 8.2% system 65.4% total 73.6%)\n\
         Net I/O: 5.4 KB/s (0.0*10^6 bps)\n\
         \n\
         Errors: total 0 client-timo 0 socket-timo 0 connrefused 0 connreset 0\n\
         Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0\n"
    )
}

/// `for r in 20 60; do httperf --rate $r --num-conns $((r*2)) …; done > all.log 2>&1`:
/// two stages, `20_rps` (40 requests in 2.000 s: 20 req/s) and `60_rps` (120 in 2.050
/// s: 58.54 req/s), each at its own rate; nothing left out.
#[test]
fn httperf_loop_into_one_log_is_read_run_by_run() {
    let dir = TestDir::new();
    let log = format!(
        "{}{}",
        httperf_run(20, 40, "2.000"),
        httperf_run(60, 120, "2.050")
    );
    dir.write("httperf-loop/all.log", log);
    let (code, report, err) = analyze_json(&[&dir.path().join("httperf-loop")], &[]);
    assert_eq!(code, 0, "{err}");
    let stages = report["stages"].as_array().expect("stages");
    assert_eq!(stages.len(), 2, "{report}");
    let want = [
        ("20_rps", 20.0, 40, 20.0),
        ("60_rps", 60.0, 120, 120.0 / 2.05),
    ];
    for (i, (name, rate, requests, x)) in want.into_iter().enumerate() {
        assert_eq!(stages[i]["name"], name, "{report}");
        assert_eq!(stage_f64(&report, i, "arrival_rate_rps"), rate);
        assert_eq!(stages[i]["requests"], requests);
        assert!((stage_f64(&report, i, "throughput_rps") - x).abs() < 1e-9);
    }
    assert_eq!(report["data_quality"], "clean", "{report}");
}

/// The same rate twice (a rerun appended to the log): the level is read from its first
/// run, the rerun is left out and said (data incomplete), never pooled into 80 requests.
#[test]
fn httperf_rerun_at_the_same_rate_is_left_out_and_said() {
    let dir = TestDir::new();
    let log = format!(
        "{}{}",
        httperf_run(30, 30, "1.000"),
        httperf_run(30, 50, "1.000")
    );
    dir.write("rerun/all.log", log);
    let (code, report, err) = analyze_json(&[&dir.path().join("rerun")], &[]);
    assert_eq!(code, 0, "{err}");
    let stages = report["stages"].as_array().expect("stages");
    assert_eq!(stages.len(), 1, "{report}");
    assert_eq!(stages[0]["requests"], 30);
    assert_eq!(report["data_quality"], "incomplete");
    let why = report["data_quality_reason"].as_str().unwrap_or("");
    assert!(why.contains("line 26: 30 req/s arriving"), "{why}");
}

/// A loop whose second run was cut (Ctrl-C before its `Errors:` lines): the first run
/// is read, the second left out with its line, the data incomplete.
#[test]
fn httperf_loop_with_a_cut_second_run_keeps_the_first() {
    let dir = TestDir::new();
    let second = httperf_run(60, 120, "2.400");
    let cut: String = second.lines().take(19).map(|l| format!("{l}\n")).collect();
    dir.write(
        "cut/all.log",
        format!("{}{cut}", httperf_run(20, 40, "2.000")),
    );
    let (code, report, err) = analyze_json(&[&dir.path().join("cut")], &[]);
    assert_eq!(code, 0, "{err}");
    let stages = report["stages"].as_array().expect("stages");
    assert_eq!(stages.len(), 1, "{report}");
    assert_eq!(stages[0]["requests"], 40);
    assert_eq!(report["data_quality"], "incomplete");
    let why = report["data_quality_reason"].as_str().unwrap_or("");
    assert!(why.contains("line 26"), "{why}");
}
