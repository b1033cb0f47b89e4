//! Messy runs, batch "bp" (qa69): siege, h2load, httperf and hey run in shell loops
//! against `headroom target`, their consoles kept as the loop left them. Fixtures have
//! the shape of what the real tools printed (siege 4.0.7, h2load 1.x, httperf 0.9, hey);
//! the expected figures follow from the fixtures by hand.

use super::common::{analyze_json, headroom, TestDir};

/// A stage of report.json by name.
fn stage<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name} in {}", report["stages"]))
}

/// `(name, users, requests, failures)` of every stage.
fn stages(report: &serde_json::Value) -> Vec<(String, Option<u64>, u64, u64)> {
    (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["users"].as_u64(),
                s["requests"].as_u64().unwrap(),
                s["failures"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// siege's text summary (`json_output = false`) of one run: its banner for `users`,
/// `trans` transactions and `failed` failed ones over `secs`.
fn siege_text(users: u32, trans: u64, failed: u64, secs: f64) -> String {
    let avail = 100.0 * trans as f64 / (trans + failed) as f64;
    format!(
        "** SIEGE 4.0.7\n** Preparing {users} concurrent users for battle.\nThe server is now \
         under siege...\n\nTransactions:\t\t{trans:>12} hits\nAvailability:\t\t{avail:>12.2} \
         %\nElapsed time:\t\t{secs:>12.2} secs\nData transferred:\t        0.01 MB\nResponse \
         time:\t\t        0.02 secs\nTransaction rate:\t{:>12.2} trans/sec\nThroughput:\t\t  \
               0.01 MB/sec\nConcurrency:\t\t        1.96\nSuccessful transactions:{trans:>12}\n\
         Failed transactions:\t{failed:>12}\nLongest transaction:\t        0.06\nShortest \
         transaction:\t        0.01\n \n",
        trans as f64 / secs
    )
}

/// siege's JSON block (its default `json_output`) of one run.
fn siege_json(trans: u64, failed: u64, secs: f64) -> String {
    format!(
        "\n{{\t\"transactions\":\t\t\t{trans:>12},\n\t\"availability\":\t\t\t      100.00,\n\t\
         \"elapsed_time\":\t\t\t{secs:>12.2},\n\t\"data_transferred\":\t\t        0.01,\n\t\
         \"response_time\":\t\t        0.02,\n\t\"transaction_rate\":\t\t{:>12.2},\n\t\
         \"throughput\":\t\t\t        0.01,\n\t\"concurrency\":\t\t\t        1.70,\n\t\
         \"successful_transactions\":\t{trans:>12},\n\t\"failed_transactions\":\t\t{failed:>12},\
         \n\t\"longest_transaction\":\t\t        0.07,\n\t\"shortest_transaction\":\t\t        \
         0.00\n}}\n",
        trans as f64 / secs
    )
}

/// `for c in 2 4 8; do siege -c $c -r 20 -b URL >> siege.log 2>&1; done`: three runs
/// appended to one console, each with its banner. Each is a stage at its banner's users
/// with its own figures: 40 in 0.50 s (80 req/s), 80 + 2 failed in 0.80 s (102.5 req/s),
/// 160 in 1.00 s. (Before: one stage at the first run's 2 users with the last run's
/// 160 transactions.)
#[test]
fn a_siege_loop_appended_to_one_log_is_a_stage_per_run() {
    let dir = TestDir::new();
    let log = [
        siege_text(2, 40, 0, 0.5),
        siege_text(4, 80, 2, 0.8),
        siege_text(8, 160, 0, 1.0),
    ]
    .concat();
    dir.write("run/siege.log", log);
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        stages(&report),
        vec![
            ("2_users".into(), Some(2), 40, 0),
            ("4_users".into(), Some(4), 82, 2),
            ("8_users".into(), Some(8), 160, 0),
        ]
    );
    let rate = |name: &str| stage(&report, name)["throughput_rps"].as_f64().unwrap();
    assert!((rate("2_users") - 80.0).abs() < 1e-9);
    assert!((rate("4_users") - 82.0 / 0.8).abs() < 1e-9);
    assert!((rate("8_users") - 160.0).abs() < 1e-9);
}

/// The same loop with siege's default JSON output: no banner, so no users; each block
/// is still a run of its own (a stage by its order), never a problem refusing the file
/// (before: `siege's JSON block is not valid JSON`, exit 2) nor a pool of the three.
#[test]
fn siege_json_blocks_appended_are_runs_of_their_own() {
    let dir = TestDir::new();
    let log = [
        siege_json(40, 0, 0.54),
        siege_json(80, 0, 0.49),
        siege_json(160, 0, 0.5),
    ]
    .concat();
    dir.write("run/siege.log", log);
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        stages(&report),
        vec![
            ("run_1".into(), None, 40, 0),
            ("run_2".into(), None, 80, 0),
            ("run_3".into(), None, 160, 0),
        ]
    );
}

/// One JSON console per run, named by its `-c` (`siege_c2.log`, `siege_c4.log`,
/// `siege_c8.log`): siege prints no users, so the names give them, as a stage dir's
/// name would; three loads, never one pooled stage of 280 requests at unknown users.
#[test]
fn siege_consoles_named_by_their_users_are_stages_at_those_users() {
    let dir = TestDir::new();
    for (c, trans, secs) in [(2, 40, 0.5), (4, 80, 0.5), (8, 160, 0.5)] {
        dir.write(&format!("run/siege_c{c}.log"), siege_json(trans, 0, secs));
    }
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        stages(&report),
        vec![
            ("2_users".into(), Some(2), 40, 0),
            ("4_users".into(), Some(4), 80, 0),
            ("8_users".into(), Some(8), 160, 0),
        ]
    );
}

/// hey's console of `n` answers (all 200) at `rps`.
fn hey_text(n: u64, rps: f64) -> String {
    format!(
        "\nSummary:\n  Total:\t{:.4} secs\n  Slowest:\t0.0586 secs\n  Fastest:\t0.0074 secs\n  \
         Average:\t0.0207 secs\n  Requests/sec:\t{rps:.4}\n  \n  Total data:\t3640 bytes\n  \
         Size/request:\t91 bytes\n\nLatency distribution:\n  10% in 0.0134 secs\n  25% in \
         0.0144 secs\n  50% in 0.0188 secs\n  75% in 0.0240 secs\n  90% in 0.0339 secs\n  95% \
         in 0.0423 secs\n  0% in 0.0000 secs\n\nDetails (average, fastest, slowest):\n  \
         DNS+dialup:\t0.0000 secs, 0.0074 secs, 0.0586 secs\n  resp wait:\t0.0206 secs, 0.0073 \
         secs, 0.0585 secs\n\nStatus code distribution:\n  [200]\t{n} responses\n\n\n\n",
        n as f64 / rps
    )
}

/// The report.json of a run dir holding a hey loop's two consoles, `{prefix}c2.txt`
/// (40 requests at 90.5 req/s) and `{prefix}c4.txt` (at 204.9), and the loop's log of
/// both (exit 0).
fn teed_hey_loop(prefix: &str) -> serde_json::Value {
    let dir = TestDir::new();
    let (c2, c4) = (hey_text(40, 90.5), hey_text(40, 204.9));
    dir.write(&format!("run/{prefix}c2.txt"), &c2);
    dir.write(&format!("run/{prefix}c4.txt"), &c4);
    dir.write("run/loop.log", format!("{c2}{c4}"));
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    report
}

/// `for c in 2 4; do hey -c $c -n 40 URL | tee c$c.txt; done > loop.log`: the loop's
/// log holds c2.txt and c4.txt word for word. It is the same data, skipped as such, and
/// the run stays clean (before: "other data", the run incomplete, P1 "re-run").
#[test]
fn a_hey_loop_log_teed_to_a_file_per_run_is_the_same_data() {
    let report = teed_hey_loop("");
    assert_eq!(
        stages(&report),
        vec![("c2".into(), Some(2), 40, 0), ("c4".into(), Some(4), 40, 0)]
    );
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["kind"], "same_data", "{skipped:?}");
    assert!(skipped[0]["path"].as_str().unwrap().ends_with("loop.log"));
    assert_eq!(
        report["data_quality"], "clean",
        "{}",
        report["data_quality_reason"]
    );
}

/// h2load's `--h1` console of 400 requests at `clients` clients in `secs`, mean `mean`.
pub(crate) fn h2load_text(clients: u32, secs: f64, mean: &str) -> String {
    format!(
        "starting benchmark...\nspawning thread #0: {clients} total client(s). 400 total \
         requests\nApplication protocol: http/1.1\nprogress: 100% done\n\nfinished in \
         {secs:.2}s, {:.2} req/s, 34.73KB/s\nrequests: 400 total, 400 started, 400 done, 400 \
         succeeded, 0 failed, 0 errored, 0 timeout\nstatus codes: 400 2xx, 0 3xx, 0 4xx, 0 \
         5xx\ntraffic: 77.73KB (79600) total, 30.08KB (30800) headers (space savings 0.00%), \
         35.55KB (36400) data\n                     min         max         mean         sd  \
               +/- sd\ntime for request:    20.39ms    220.43ms    {mean}     30.95ms    \
         79.25%\ntime for connect:       66us       272us       147us        88us    75.00%\n\
         time to 1st byte:    20.50ms     52.87ms     35.35ms     13.54ms    50.00%\n",
        400.0 / secs
    )
}

/// `for m in 2 8; do (set -x; h2load --h1 -c 4 -m $m -n 400 URL) > m$m.txt 2>&1; done`:
/// one `-c`, two `-m`. Each client keeps up to `-m` requests in flight, so the loads are
/// 4 × 2 = 8 and 4 × 8 = 32 users: two stages (before: "another run at the same load",
/// pooled into one stage at 4 users).
#[test]
fn h2load_runs_at_other_streams_per_client_are_other_loads() {
    let dir = TestDir::new();
    for (m, secs, mean) in [(2, 2.2, "42.80ms"), (8, 2.24, "166.59ms")] {
        let cmd = format!("+ h2load --h1 -c 4 -m {m} -n 400 http://127.0.0.1:18470/api\n");
        dir.write(&format!("run/m{m}.txt"), cmd + &h2load_text(4, secs, mean));
    }
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        stages(&report),
        vec![
            ("8_users".into(), Some(8), 400, 0),
            ("32_users".into(), Some(32), 400, 0),
        ]
    );
}

/// The same two runs without their command lines: h2load prints no `-m`, so both are
/// at its 4 clients, but by Little's law the `-m 8` run kept 400 / 2.24 s × 0.16659 s ≈
/// 29.7 requests in flight and the `-m 2` run 400 / 2.2 s × 0.0428 s ≈ 7.8: the problem
/// says they are not the same load (not "another run at the same load"), and a note says
/// the clients understate the load.
#[test]
fn h2load_runs_without_their_commands_are_said_to_be_other_loads() {
    let dir = TestDir::new();
    dir.write("run/m2.txt", h2load_text(4, 2.2, "42.80ms"));
    dir.write("run/m8.txt", h2load_text(4, 2.24, "166.59ms"));
    let o = headroom(&["analyze", dir.path().join("run").to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("another run at the same 4 users but not the same load: it kept ≈ 29.7")
            && err.contains("that run ≈ 7.8"),
        "{err}"
    );
    assert!(!err.contains("another run at the same load"), "{err}");
    let md = std::fs::read_to_string(dir.path().join("run/report/report.md")).unwrap();
    assert!(
        md.contains("h2load kept ≈ 29.7 requests in flight (throughput × mean latency)"),
        "{md}"
    );
}

/// httperf `--num-conns 200 --num-calls 2 --rate 100 --timeout 0.5`: 400 calls asked,
/// 334 sent (224 replies, 110 client timeouts). A connection's remaining calls are never
/// sent after its error: the 66 never made are said, and the figures count the 334.
#[test]
fn httperf_calls_never_sent_after_a_connection_error_are_explained() {
    let dir = TestDir::new();
    dir.write(
        "run/calls2.txt",
        "httperf --client=0/1 --server=127.0.0.1 --port=18470 --uri=/api --rate=100 \
         --send-buffer=4096 --recv-buffer=16384 --num-conns=200 --num-calls=2 --timeout=0.5\n\
         Maximum connect burst length: 1\n\nTotal: connections 200 requests 334 replies 224 \
         test-duration 2.804 s\n\nConnection rate: 71.3 conn/s (14.0 ms/conn, <=65 concurrent \
         connections)\nConnection time [ms]: min 0.2 avg 681.8 max 995.9 median 761.5 stddev \
         261.9\nConnection time [ms]: connect 0.1\nConnection length [replies/conn]: 1.672\n\n\
         Request rate: 119.1 req/s (8.4 ms/req)\nRequest size [B]: 80.0\n\nReply rate \
         [replies/s]: min 0.0 avg 0.0 max 0.0 stddev 0.0 (0 samples)\nReply time [ms]: \
         response 309.2 transfer 0.0\nReply size [B]: header 109.0 content 36.0 footer 0.0 \
         (total 145.0)\nReply status: 1xx=0 2xx=198 3xx=0 4xx=0 5xx=26\n\nCPU time [s]: user \
         0.05 system 1.75 (user 1.8% system 62.4% total 64.2%)\nNet I/O: 20.7 KB/s (0.2*10^6 \
         bps)\n\nErrors: total 110 client-timo 110 socket-timo 0 connrefused 0 connreset 0\n\
         Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0\n",
    );
    let (code, report, err) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    let s = &report["stages"][0];
    assert_eq!(
        (s["requests"].as_u64(), s["failures"].as_u64()),
        (Some(334), Some(136))
    );
    let notes = report.to_string();
    assert!(
        notes.contains("httperf was asked for 400 calls (--num-conns=200 × --num-calls=2")
            && notes.contains("so 66 calls were never made"),
        "{notes}"
    );
}

/// The same loop with the files named `hey_c2.txt` and `hey_c4.txt`: hey prints no
/// `-c`, so the names give each run's users (2 and 4), two stages of 40 requests each
/// (before: one stage of 80 requests at unknown users, each file an endpoint), and the
/// loop's log is the same data again.
#[test]
fn hey_consoles_named_by_their_users_are_stages_at_those_users() {
    let report = teed_hey_loop("hey_");
    assert_eq!(
        stages(&report),
        vec![
            ("2_users".into(), Some(2), 40, 0),
            ("4_users".into(), Some(4), 40, 0)
        ]
    );
    let rate = |name: &str| stage(&report, name)["throughput_rps"].as_f64().unwrap();
    // hey's `Total:` of the 2-user run is 40 / 90.5 = 0.4420 s as printed.
    assert!(
        (rate("2_users") - 40.0 / 0.4420).abs() < 1e-6,
        "{}",
        rate("2_users")
    );
    assert_eq!(
        report["skipped"][0]["kind"], "same_data",
        "{}",
        report["skipped"]
    );
}
