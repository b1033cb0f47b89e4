//! Several runs of one test kept side by side in one parent dir (`release-1.2/` and
//! `release-1.3/`, each with the same stage dirs; a run beside a hand-made copy of it)
//! are runs to read one at a time or compare, never one run whose stages pool them;
//! a `run.toml` beside stage dirs gives them the users it lists; and a dir per load
//! generator inside a stage dir is that stage's part, not a stage.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::common::{analyze_json, TestDir};

/// A generic CSV of `n` requests to `GET /api`, 10 ms apart from `t0_ms`, each taking
/// `ms` and the first `failed` of them answered 500.
fn requests(t0_ms: u64, n: u64, ms: f64, failed: u64) -> String {
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..n {
        let status = if i < failed { 500 } else { 200 };
        csv.push_str(&format!("{},/api,GET,{ms},{status}\n", t0_ms + i * 10));
    }
    csv
}

/// Writes a run of two stage dirs under `run`: `01_baseline_10users` (1,000 requests)
/// and `02_peak_50users` (`peak_n` requests, `peak_failed` of them failed), its files
/// last written `age` ago.
fn release(t: &TestDir, run: &str, t0_ms: u64, (peak_n, peak_failed): (u64, u64), age: u64) {
    let when = SystemTime::now() - Duration::from_secs(age);
    let stages = [
        ("01_baseline_10users", requests(t0_ms, 1000, 20.0, 0)),
        (
            "02_peak_50users",
            requests(t0_ms + 60_000, peak_n, 40.0, peak_failed),
        ),
    ];
    for (dir, csv) in stages {
        let p = t.write(&format!("{run}/{dir}/requests.csv"), csv);
        let f = std::fs::File::options().write(true).open(p).unwrap();
        f.set_modified(when).unwrap();
    }
}

/// Writes `run/STAGE/GENERATOR/requests.csv` for each stage (a minute apart) and each
/// generator in it: 500 requests 10 ms apart (5 s), the generators at the same times,
/// each with its own latency (20 ms + 10 ms a stage + 1 ms a generator).
fn generator_dirs(t: &TestDir, stages: &[&str], generators: &[&str]) {
    for (i, stage) in stages.iter().enumerate() {
        for (j, generator) in generators.iter().enumerate() {
            let t0 = 1_764_000_000_000 + i as u64 * 60_000;
            let ms = 20.0 + 10.0 * i as f64 + j as f64;
            t.write(
                &format!("run/{stage}/{generator}/requests.csv"),
                requests(t0, 500, ms, 0),
            );
        }
    }
}

fn stage_requests(report: &Value) -> Vec<(String, u64)> {
    (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            let name = s["name"].as_str().unwrap().to_string();
            (name, s["requests"].as_u64().unwrap())
        })
        .collect()
}

fn skipped_as_earlier<'a>(report: &'a Value, dir: &str) -> &'a Value {
    let skipped = report["skipped"].as_array().unwrap();
    (skipped.iter())
        .find(|s| s["path"].as_str().unwrap().ends_with(dir))
        .unwrap_or_else(|| panic!("{dir} not skipped: {skipped:?}"))
}

/// Two releases' runs in one parent: release-1.3 (written last) has 2,000 requests at
/// peak, 1,000 of them failed; release-1.2 has 1,000 at peak, none failed. Read as one
/// run (before), each stage pooled both: `peak` 3,000 requests at 33 % failed, and a
/// day's gap between its halves. Now the latest run alone is the report's, the other
/// set aside as an earlier run (the data stays clean) with a warning saying so.
#[test]
fn two_releases_in_one_parent_are_two_runs_and_the_latest_is_read() {
    let t = TestDir::new();
    let day = 86_400_000;
    release(
        &t,
        "results/release-1.2",
        1_764_000_000_000,
        (1000, 0),
        7200,
    );
    release(
        &t,
        "results/release-1.3",
        1_764_000_000_000 + day,
        (2000, 1000),
        60,
    );
    let (code, report, stderr) = analyze_json(&[&t.path().join("results")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stage_requests(&report),
        [("baseline".to_string(), 1000), ("peak".to_string(), 2000)]
    );
    assert_eq!(report["overall"]["requests"], 3000);
    assert_eq!(report["overall"]["failures"], 1000);
    let earlier = skipped_as_earlier(&report, "release-1.2");
    assert_eq!(earlier["kind"], "earlier_run");
    let why = earlier["reason"].as_str().unwrap();
    assert!(why.contains("headroom compare"), "{why}");
    assert_ne!(report["data_quality"], "incomplete");
    let warned = report["warnings"].to_string();
    assert!(
        warned.contains("2 runs of one test") && warned.contains("analysed release-1.3"),
        "{warned}"
    );
}

/// Which run is read follows when its results were written, not the names' order:
/// release-1.2 rewritten last is the one read.
#[test]
fn the_run_written_last_is_read_whatever_its_name() {
    let t = TestDir::new();
    release(&t, "results/release-1.2", 1_764_000_000_000, (1000, 0), 60);
    release(
        &t,
        "results/release-1.3",
        1_764_000_000_000,
        (2000, 1000),
        7200,
    );
    let (code, report, stderr) = analyze_json(&[&t.path().join("results")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 2000);
    assert_eq!(report["overall"]["failures"], 0);
    assert_eq!(
        skipped_as_earlier(&report, "release-1.3")["kind"],
        "earlier_run"
    );
}

/// The two run dirs given together (`analyze release-1.2 release-1.3`) are the same
/// two runs: the latest read, the other named with `compare` to use instead.
#[test]
fn two_runs_given_together_are_not_pooled_into_one() {
    let t = TestDir::new();
    release(&t, "release-1.2", 1_764_000_000_000, (1000, 0), 7200);
    release(&t, "release-1.3", 1_764_000_000_000, (2000, 1000), 60);
    let (a, b) = (t.path().join("release-1.2"), t.path().join("release-1.3"));
    let (code, report, stderr) = analyze_json(&[&a, &b], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 3000);
    assert_eq!(
        skipped_as_earlier(&report, "release-1.2")["kind"],
        "earlier_run"
    );
}

/// A run beside a hand-made copy of it whose stage dirs are named by stage only
/// (`baseline/`, `peak/`), with a `run.toml` listing those stages and their users: one
/// run read (1,000 + 1,000 requests, not 4,000), and the copy read alone gets the users
/// its `run.toml` lists (10 and 50; before, "—", its dirs' names giving none).
#[test]
fn a_run_and_its_copy_with_a_manifest_above_its_stage_dirs() {
    let t = TestDir::new();
    release(&t, "work/run", 1_764_000_000_000, (1000, 0), 7200);
    for (dir, from) in [
        ("baseline", "01_baseline_10users"),
        ("peak", "02_peak_50users"),
    ] {
        let csv = std::fs::read(t.path().join(format!("work/run/{from}/requests.csv")));
        t.write(&format!("work/copy/{dir}/requests.csv"), csv.unwrap());
    }
    t.write(
        "work/copy/run.toml",
        "label = \"copied by hand\"\n\n[[stage]]\nname = \"baseline\"\nusers = 10\n\n\
         [[stage]]\nname = \"peak\"\nusers = 50\n",
    );
    let (code, report, stderr) = analyze_json(&[&t.path().join("work")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 2000);
    let (code, copy, stderr) = analyze_json(&[&t.path().join("work/copy")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let users: Vec<(String, u64)> = (copy["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().into(),
                s["users"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        users,
        [("baseline".to_string(), 10), ("peak".to_string(), 50)]
    );
    assert_eq!(copy["run"]["label"], "copied by hand");
}

/// Two tools' run dirs side by side, each with the same stage names
/// (`jmeter/01_baseline_10users/`, `wrk/01_baseline_10users/`), are not runs of one
/// test repeated: their formats differ, so both stay read (two tools' measurements).
#[test]
fn two_tools_dirs_with_the_same_stages_are_both_read() {
    let t = TestDir::new();
    release(&t, "run/csv", 1_764_000_000_000, (1000, 0), 7200);
    let wrk = "Running 10s test @ http://127.0.0.1:8080/api\n  2 threads and 10 connections\n  \
               Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency    20.00ms    \
               1.00ms  30.00ms   90.00%\n    Req/Sec   250.00     10.00   300.00     90.00%\n  \
               5000 requests in 10.00s, 1.00MB read\nRequests/sec:    500.00\nTransfer/sec:    \
               100.00KB\n";
    t.write("run/wrk/01_baseline_10users/wrk.txt", wrk);
    t.write(
        "run/wrk/02_peak_50users/wrk.txt",
        wrk.replace("10 connections", "50 connections"),
    );
    let (code, report, stderr) = analyze_json(&[&t.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let skipped = report["skipped"].as_array().unwrap();
    assert!(
        skipped.iter().all(|s| s["kind"] != "earlier_run"),
        "{skipped:?}"
    );
    let inputs = report["inputs"].as_array().unwrap().len();
    assert_eq!(inputs, 4, "{}", report["inputs"]);
}

/// Stage dirs holding a dir per load generator (`baseline/gen1/`, `baseline/gen2/`,
/// `peak/gen1/`, `peak/gen2/`) are one run's parts, not two runs of stages `gen1` and
/// `gen2`: the generators' dirs are not named as stages are, so none is set aside.
#[test]
fn a_dir_per_generator_in_each_stage_dir_is_not_taken_for_runs() {
    let t = TestDir::new();
    generator_dirs(&t, &["baseline", "peak"], &["gen1", "gen2"]);
    let (code, report, stderr) = analyze_json(&[&t.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 2000);
    let skipped = report["skipped"].as_array().unwrap();
    assert!(
        skipped.iter().all(|s| s["kind"] != "earlier_run"),
        "{skipped:?}"
    );
}

/// A dir per load generator inside each stage dir (`01_baseline_10users/agent-1/`,
/// `…/agent-2/`), each agent run for a count (500 requests, none failed, its own
/// latencies): the stages are the stage dirs', each summing its agents (1,000 requests,
/// over the same 5 s: 200 req/s), and the equal counts are no double count. Before, the
/// stages were `agent-1` and `agent-2`, each pooling baseline and peak, and the audit
/// called the agents copies.
#[test]
fn a_dir_per_agent_in_each_stage_dir_gives_the_stage_dirs_stages() {
    let t = TestDir::new();
    generator_dirs(
        &t,
        &["01_baseline_10users", "02_peak_50users"],
        &["agent-1", "agent-2"],
    );
    let (code, report, stderr) = analyze_json(&[&t.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stage_requests(&report),
        [("baseline".to_string(), 1000), ("peak".to_string(), 1000)]
    );
    let rps = report["stages"][0]["throughput_rps"].as_f64().unwrap();
    assert!((rps - 200.0).abs() < 2.0, "{rps}");
    let audit = report["audit"].as_array().unwrap();
    assert!(audit.iter().all(|f| f["verdict"] == "ok"), "{audit:?}");
    assert_eq!(report["data_quality"], "clean");
}

/// A JTL of `n` requests by 10 threads to `GET /api`, 10 ms apart from `t0_ms`, each
/// taking `ms`, every `fail_every`-th answered 500 (none with 0).
fn jtl(t0_ms: u64, n: u64, ms: u64, fail_every: u64) -> String {
    jtl_of(t0_ms, n, ms, fail_every, 10)
}

/// [`jtl`] by `users` threads.
fn jtl_of(t0_ms: u64, n: u64, ms: u64, fail_every: u64, users: u32) -> String {
    let mut out = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
         failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
    );
    for i in 0..n {
        let failed = fail_every > 0 && i % fail_every == 0;
        let (code, ok) = if failed { (500, false) } else { (200, true) };
        out.push_str(&format!(
            "{},{ms},GET /api,{code},OK,TG 1-1,text,{ok},,100,50,{users},{users},http://x/api,5,0,1\n",
            t0_ms + i * 10
        ));
    }
    out
}

/// A results folder with a dir per day (`2026-12-01/`, `2026-12-02/`, each a JTL of one
/// run at 10 threads) is two runs, not two stages of one: before, two stages at 10
/// users, and a capacity sentence between them ("holds at 10 users … and not at 10
/// users … run load levels at  users"). Now the day its name dates latest is read
/// (whatever the files' times), the other set aside as an earlier run.
#[test]
fn a_dir_per_day_is_a_run_per_day_and_the_latest_day_is_read() {
    let t = TestDir::new();
    let day = 86_400_000;
    t.write(
        "results/2026-12-02/results.jtl",
        jtl(1_764_633_600_000, 3000, 60, 25),
    );
    t.write(
        "results/2026-12-01/results.jtl",
        jtl(1_764_633_600_000 - day, 2000, 20, 0),
    );
    let (code, report, stderr) = analyze_json(&[&t.path().join("results")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 3000);
    // Every 25th of 3,000 failed: 120.
    assert_eq!(report["overall"]["failures"], 120);
    assert_eq!(
        skipped_as_earlier(&report, "2026-12-01")["kind"],
        "earlier_run"
    );
    let warned = report["warnings"].to_string();
    assert!(warned.contains("analysed 2026-12-02"), "{warned}");
}

/// Two stages at one load level (a stage measured twice) are no capacity: the
/// statement says one load level and names both stages, judged on the worse (4 %
/// failed against none), with no breaking point and no levels to run "at  users".
#[test]
fn two_stages_at_one_load_level_are_one_level_for_capacity() {
    let t = TestDir::new();
    t.write(
        "run/first_10users/results.jtl",
        jtl(1_764_633_600_000, 2000, 20, 0),
    );
    t.write(
        "run/again_10users/results.jtl",
        jtl(1_764_633_700_000, 2000, 60, 25),
    );
    let (code, report, stderr) = analyze_json(&[&t.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"].as_array().unwrap().len(), 2);
    let capacity = &report["capacity"];
    let statement = capacity["sla_headroom"]["statement"].as_str().unwrap();
    assert!(
        statement.starts_with("One load level (10 users, in 2 stages:")
            && statement.contains("worst stage `again`")
            && statement.contains("errors 4%"),
        "{statement}"
    );
    assert!(!statement.contains("at  users"), "{statement}");
    let breaking = capacity["breaking_points"].as_array().unwrap();
    assert!(breaking.is_empty(), "{breaking:?}");
}

/// One stage's dirs in two sibling dirs written together (so not told apart by when
/// they were written), whose requests ran an hour apart: not two generators of one
/// stage (they ran alongside), but the stage measured twice. Before, one stage of
/// 2,000 requests whose window spanned the hour between; now two stages of 1,000.
#[test]
fn one_stage_from_two_dirs_at_times_apart_is_measured_twice_not_by_two_generators() {
    let t = TestDir::new();
    let hour = 3_600_000;
    let t0 = 1_764_000_000_000;
    t.write(
        "run/x/peak_10users/requests.csv",
        requests(t0, 1000, 20.0, 0),
    );
    t.write(
        "run/y/peak_10users/requests.csv",
        requests(t0 + hour, 1000, 30.0, 0),
    );
    let (code, report, stderr) = analyze_json(&[&t.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = stage_requests(&report);
    assert_eq!(stages.len(), 2, "{stages:?}");
    assert!(stages.iter().all(|(_, n)| *n == 1000), "{stages:?}");
    // Each over its own 10 s (1,000 requests 10 ms apart): 100 req/s, not 2,000 over
    // an hour.
    for s in report["stages"].as_array().unwrap() {
        let rps = s["throughput_rps"].as_f64().unwrap();
        assert!((rps - 100.0).abs() < 1.0, "{rps}");
    }
}

/// A dir given is never named after the dir it lies in, however that one is named: a
/// run dir inside `/tmp/.tmpab3u/` (a temp dir whose name reads as "3 users") or inside
/// `peak_50users/` keeps its own name, as do the stage dirs found in it. (The rule
/// for a generator's dir in a stage dir is for dirs found inside the dirs given.)
#[test]
fn a_dir_given_is_not_named_after_the_dir_it_lies_in() {
    let t = TestDir::new();
    t.write(
        "peak_50users/run/requests.csv",
        requests(1_764_000_000_000, 500, 20.0, 0),
    );
    let given = t.path().join("peak_50users/run");
    let (code, report, stderr) = analyze_json(&[&given], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage_requests(&report), [("run".to_string(), 500)]);
    t.write(
        "x_3u/run/s1/requests.csv",
        requests(1_764_000_000_000, 500, 20.0, 0),
    );
    t.write(
        "x_3u/run/s2/requests.csv",
        requests(1_764_000_100_000, 400, 20.0, 0),
    );
    let (code, report, stderr) = analyze_json(&[&t.path().join("x_3u/run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stage_requests(&report),
        [("s1".to_string(), 500), ("s2".to_string(), 400)]
    );
}

/// Stage dirs and generator dirs both named in plain words (`baseline/gen1/`,
/// `baseline/10.0.0.7/`, `peak/gen1/`, `peak/10.0.0.7/`), each generator 500 requests
/// 10 ms apart (5 s) at the same times as its peer, with its own latency: the stages are `baseline` and `peak`, each
/// the sum of its two generators, 1,000 requests over 5 s = 200 req/s. Before, the
/// stages were named after the generators (`gen1_…`, `gen2_…`), each at half the
/// stage's throughput, and capacity read them so.
#[test]
fn plain_named_generator_dirs_inside_stage_dirs_are_the_stages_parts() {
    let t = TestDir::new();
    generator_dirs(&t, &["baseline", "peak"], &["gen1", "10.0.0.7"]);
    let (code, report, stderr) = analyze_json(&[&t.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stage_requests(&report),
        [("baseline".to_string(), 1000), ("peak".to_string(), 1000)]
    );
    for stage in report["stages"].as_array().unwrap() {
        let rps = stage["throughput_rps"].as_f64().unwrap();
        assert!((rps - 200.0).abs() < 2.0, "{rps}");
    }
}

/// A dir per load generator right inside the run dir (`run/agent-1/` … `agent-3/`),
/// each a JTL of 500 requests 10 ms apart at the same times by its own 10 threads: one
/// stage of all three, 1,500 requests over 5 s = 300 req/s at 30 users, named from the
/// data as a run's files are. Before, each agent was a stage at 100 req/s and 10 users,
/// "one load level in three stages". Given as three dirs, the same.
#[test]
fn generator_dirs_in_the_run_dir_are_one_stages_parts() {
    let t = TestDir::new();
    for (j, agent) in ["agent-1", "agent-2", "agent-3"].iter().enumerate() {
        t.write(
            &format!("run/{agent}/results.jtl"),
            jtl(1_764_000_000_000, 500, 20 + j as u64, 0),
        );
    }
    let run = t.path().join("run");
    let each = [
        run.join("agent-1"),
        run.join("agent-2"),
        run.join("agent-3"),
    ];
    for given in [vec![run.as_path()], vec![&each[0], &each[1], &each[2]]] {
        let (code, report, stderr) = analyze_json(&given, &[]);
        assert_eq!(code, 0, "{stderr}");
        // Each engine's JTL counts its own 10 threads: the stage ran 30.
        let stages = stage_requests(&report);
        assert_eq!(stages, [("30_users".to_string(), 1500)]);
        assert_eq!(report["stages"][0]["users"], 30);
        let rps = report["stages"][0]["throughput_rps"].as_f64().unwrap();
        assert!((rps - 300.0).abs() < 3.0, "{rps}");
    }
}

/// Two engines' dirs in each plain-named stage dir, at 10 and 15 threads in `baseline`
/// and 50 and 75 in `peak` (JTLs, each engine counting its own): `baseline` is one stage
/// at 25 users and `peak` one at 125. Before, each engine's count made its own stage
/// (`baseline_10users`, `baseline_15users`, …), each at half the stage's throughput.
#[test]
fn generators_at_different_counts_are_one_stage_at_their_sum() {
    let t = TestDir::new();
    for (i, (stage, users)) in [("baseline", [10, 15]), ("peak", [50, 75])]
        .iter()
        .enumerate()
    {
        for (j, gen) in ["gen1", "gen2"].iter().enumerate() {
            let t0 = 1_764_000_000_000 + i as u64 * 60_000;
            t.write(
                &format!("run/{stage}/{gen}/results.jtl"),
                jtl_of(t0, 500, 20 + j as u64, 0, users[j]),
            );
        }
    }
    let (code, report, stderr) = analyze_json(&[&t.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stage_requests(&report),
        [("baseline".to_string(), 1000), ("peak".to_string(), 1000)]
    );
    let users: Vec<u64> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["users"].as_u64().unwrap())
        .collect();
    assert_eq!(users, [25, 125]);
}

/// Two wrk consoles, one per generator dir right inside the run dir (`run/gen1/`,
/// `run/gen2/`), each run with `-c 8` at the same time (consoles have no clock times):
/// one stage named after the run, its requests the two consoles' added (1,000 + 1,200)
/// and its users theirs (16). Before, `gen1` and `gen2` were two stages at 8 users.
#[test]
fn generator_dirs_of_tool_consoles_are_one_stage_at_their_users_added() {
    let t = TestDir::new();
    for (gen, n) in [("gen1", 1000), ("gen2", 1200)] {
        t.write(
            &format!("run/{gen}/wrk.txt"),
            crate::messy_runs_d::wrk_text(8, n, 1.0),
        );
    }
    let (code, report, stderr) = analyze_json(&[&t.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage_requests(&report), [("run".to_string(), 2200)]);
    assert_eq!(report["stages"][0]["users"], 16);
}
