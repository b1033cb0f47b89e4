//! Messy runs, batch "cz" (qa99): Locust's CSV set in a stage-named dir, on its
//! history's clock; a short or interrupted first attempt of a load saved beside it by
//! the same tool (a false start, set aside) against repeats (pooled); a warm-up beside
//! the run, set aside.

use serde_json::Value;

use crate::common::{analyze_json, TestDir};
use crate::formats_a::rfc3339;

const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,\
    Average Response Time,Min Response Time,Max Response Time,Average Content Size,\
    Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,\
    75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,\
    Total Median Response Time,Total Average Response Time,Total Min Response Time,\
    Total Max Response Time,Total Average Content Size";

/// The CSV set `locust --headless -u USERS -t SECSs --csv run --csv-full-history`
/// (Locust 2.47) writes into `stage`: one endpoint (`GET list`) answering `per_s`
/// requests a second, no failures. Its history starts with Locust's row of 0 users at
/// epoch second `t0`, then one row per second (the endpoint's and the Aggregated,
/// cumulative totals); its stats file counts what the last row counts, at a
/// Requests/s of that count over `secs` (as Locust divides).
fn locust_set(dir: &TestDir, stage: &str, t0: i64, users: u32, per_s: u64, secs: i64) -> u64 {
    let total = per_s * secs as u64;
    let pct = "1,1,2,2,5,6,7,9,12,12,12";
    let mut history = format!(
        "{HISTORY_HEADER}\n{t0},0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,\
         N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0\n"
    );
    for k in 1..=secs {
        let n = per_s * k as u64;
        for (ty, name) in [("GET", "list"), ("", "Aggregated")] {
            history.push_str(&format!(
                "{},{users},{ty},{name},{per_s}.000000,0.000000,{pct},{n},0,1,1.5,0.4,12.0,13.0\n",
                t0 + k
            ));
        }
    }
    let rps = total as f64 / secs as f64;
    let stats = format!(
        "{STATS_HEADER}\nGET,list,{total},0,1,1.5,0.4,12.0,13.0,{rps},0.0,{pct}\n\
         ,Aggregated,{total},0,1,1.5,0.4,12.0,13.0,{rps},0.0,{pct}\n"
    );
    dir.write(&format!("run/{stage}/run_stats_history.csv"), history);
    dir.write(&format!("run/{stage}/run_stats.csv"), stats);
    dir.write(
        &format!("run/{stage}/run_failures.csv"),
        "Method,Name,Error,Occurrences\n",
    );
    total
}

/// Observed: `peak-20u/` and `cool-5u/` each holding a Locust CSV set (stats, full
/// history, failures), the peak run first by the histories' clocks. Each stage was read
/// as the whole-run summary with no start or end, and the stages were put in the order
/// of their loads (cool, then peak) with a note that Locust's output has "no clock
/// time". Now the stages are in the clock's order, and no note
/// denies the clock. Each stage is its history's plateau (qa114: as the same files in
/// `u20/` are), from the first row at its users (second 1) to its last row (second
/// `secs`): `secs` − 1
/// seconds of `per_s` requests, the first second's spawn left out.
#[test]
fn a_locust_csv_set_in_a_stage_dir_is_on_its_history_s_clock() {
    let dir = TestDir::new();
    let t0 = 1_796_647_045;
    let peak = locust_set(&dir, "peak-20u", t0, 20, 200, 14);
    let cool = locust_set(&dir, "cool-5u", t0 + 60, 5, 60, 7);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().unwrap();
    let names: Vec<&str> = stages.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["peak", "cool"], "the clock says peak ran first");
    let plateaus = [
        (&stages[0], t0, 14, peak / 14),
        (&stages[1], t0 + 60, 7, cool / 7),
    ];
    for (s, start, secs, per_s) in plateaus {
        assert_eq!(s["start"], rfc3339((start + 1) * 1000).as_str(), "{s}");
        assert_eq!(s["end"], rfc3339((start + secs) * 1000).as_str(), "{s}");
        assert_eq!(s["requests"], per_s * (secs as u64 - 1));
        let d = s["duration_s"].as_f64().unwrap();
        assert!((d - (secs - 1) as f64).abs() < 1e-9, "the plateau's: {d}");
    }
    let text = report.to_string();
    assert!(!text.contains("no clock time"), "{text}");
}

/// hey's console as it printed here (hey 0.1.4 against `headroom target`), with the
/// command echoed above it: `n` answers (all 200) of `/api/v1/agents` in `secs`.
fn hey_out(cmd: &str, secs: f64, n: u64) -> String {
    format!(
        "$ {cmd}\n\nSummary:\n  Total:\t{secs:.4} secs\n  Slowest:\t0.0198 secs\n  \
         Fastest:\t0.0000 secs\n  Average:\t0.0008 secs\n  Requests/sec:\t{:.4}\n  \n  \
         Total data:\t{} bytes\n  Size/request:\t13 bytes\n\nResponse time histogram:\n  \
         0.000 [1]\t|\n  0.002 [{n}]\t|■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■■\n\n\n\
         Latency distribution:\n  10% in 0.0000 secs\n  25% in 0.0001 secs\n  \
         50% in 0.0004 secs\n  75% in 0.0008 secs\n  90% in 0.0018 secs\n  \
         95% in 0.0047 secs\n  99% in 0.0075 secs\n\nDetails (average, fastest, slowest):\n  \
         DNS+dialup:\t0.0000 secs, 0.0000 secs, 0.0056 secs\n  DNS-lookup:\t0.0000 secs, \
         0.0000 secs, 0.0000 secs\n  req write:\t0.0000 secs, 0.0000 secs, 0.0092 secs\n  \
         resp wait:\t0.0007 secs, 0.0000 secs, 0.0197 secs\n  resp read:\t0.0001 secs, \
         0.0000 secs, 0.0120 secs\n\nStatus code distribution:\n  [200]\t{n} responses\n\n\n",
        n as f64 / secs,
        13 * n
    )
}

const URL: &str = "http://127.0.0.1:18460/api/v1/agents";

/// Analyzes `run/` and returns the report with its skipped files' (path, kind, reason).
fn skipped(dir: &TestDir) -> (Value, Vec<(String, String, String)>) {
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let skipped = (report["skipped"].as_array().unwrap().iter())
        .map(|k| (s(&k["path"]), s(&k["kind"]), s(&k["reason"])))
        .collect();
    (report, skipped)
}

/// Observed: `c20/out1.txt` holds `hey -z 10s -c 20` stopped with Ctrl-C after 1.99 s
/// (hey prints its summary all the same), `c20/out2.txt` the same command run to its
/// end. The first attempt was pooled as a repeat: its requests added to the stage, and
/// its interruption made the whole run "incomplete". Now it is a false start, set
/// aside (an `earlier_run` skip that says why); the stage is the full run's alone and
/// the run is clean.
#[test]
fn an_interrupted_first_attempt_is_a_false_start_set_aside() {
    let dir = TestDir::new();
    let cmd = format!("hey -z 10s -c 20 {URL}");
    dir.write("run/c20/out1.txt", hey_out(&cmd, 1.9919, 54_579));
    dir.write("run/c20/out2.txt", hey_out(&cmd, 10.0026, 201_438));
    let (report, skipped) = skipped(&dir);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    let (path, kind, why) = &skipped[0];
    assert!(path.ends_with("out1.txt"), "{path}");
    assert_eq!(kind, "earlier_run");
    assert!(
        why.contains("false start") && why.contains("interrupted"),
        "{why}"
    );
    assert!(why.contains("54,579 requests"), "{why}");
    assert_eq!(report["stages"][0]["requests"], 201_438);
    assert_eq!(report["data_quality"], "clean", "{report}");
}

/// Observed: a short first try `hey -z 2s -c 20` in `c20/out1.txt` before the run
/// `hey -z 10s -c 20` in `c20/out2.txt`, same URL: pooled as a repeat (durations
/// added, 2 s + 10 s). Now the first try, at most a third of the run's time and saved
/// before it, is a false start set aside; the stage's throughput is the run's own.
#[test]
fn a_short_first_try_at_the_load_s_url_is_a_false_start() {
    let dir = TestDir::new();
    dir.write(
        "run/c20/out1.txt",
        hey_out(&format!("hey -z 2s -c 20 {URL}"), 2.0040, 47_082),
    );
    let cmd = format!("hey -z 10s -c 20 {URL}");
    dir.write("run/c20/out2.txt", hey_out(&cmd, 10.0016, 198_215));
    let (report, skipped) = skipped(&dir);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0].0.ends_with("out1.txt"), "{skipped:?}");
    assert!(skipped[0].2.contains("false start"), "{skipped:?}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 198_215);
    let rps = stage["throughput_rps"].as_f64().unwrap();
    assert!((rps - 198_215.0 / 10.0016).abs() < 0.5, "{rps}");
}

/// Repeats stay pooled: two `hey -z 10s -c 20` runs of the URL, and a short run saved
/// after them (nothing says it was a false start of what came before it). Every
/// request counts, over the durations added: nothing is set aside.
#[test]
fn repeats_and_a_short_run_after_the_load_stay_pooled() {
    let dir = TestDir::new();
    let cmd = format!("hey -z 10s -c 20 {URL}");
    dir.write("run/c20/out1.txt", hey_out(&cmd, 10.0026, 201_438));
    dir.write("run/c20/out2.txt", hey_out(&cmd, 10.0016, 198_215));
    dir.write(
        "run/c20/out3.txt",
        hey_out(&format!("hey -z 2s -c 20 {URL}"), 2.0040, 47_082),
    );
    let (report, skipped) = skipped(&dir);
    assert!(skipped.is_empty(), "{skipped:?}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 201_438 + 198_215 + 47_082);
    let d = stage["duration_s"].as_f64().unwrap();
    assert!((d - (10.0026 + 10.0016 + 2.0040)).abs() < 1e-6, "{d}");
}

/// `wrk` consoles as they printed here, command echoed: a 2 s warm-up
/// (`warmup.txt`) and the 10 s run (`run.txt`) of the same URL at 10 connections.
const WRK_WARMUP: &str = "$ wrk -t2 -c10 -d2s http://127.0.0.1:18460/api/v1/agents\n\
    Running 2s test @ http://127.0.0.1:18460/api/v1/agents\n  2 threads and 10 connections\n  \
    Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     1.06ms    2.59ms  \
    26.58ms   92.09%\n    Req/Sec    56.64k    42.00k  121.62k    57.50%\n  225707 \
    requests in 2.03s, 26.05MB read\nRequests/sec: 111115.60\nTransfer/sec:     12.82MB\n";
const WRK_RUN: &str = "$ wrk -t2 -c10 -d10s http://127.0.0.1:18460/api/v1/agents\n\
    Running 10s test @ http://127.0.0.1:18460/api/v1/agents\n  2 threads and 10 connections\n  \
    Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency   837.93us    1.92ms  \
    28.00ms   90.02%\n    Req/Sec    58.54k    48.70k  139.94k    58.00%\n  1166843 \
    requests in 10.10s, 134.65MB read\nRequests/sec: 115576.98\nTransfer/sec:     13.34MB\n";

/// A warm-up beside the run (`c10/warmup.txt` beside `c10/run.txt`: same tool, same
/// URL, shorter, fewer requests) is set aside as an `earlier_run` skip saying its name
/// makes it a warm-up; the stage is the run's 1,166,843 requests at the 115,576.98
/// req/s wrk printed for it (checked by hand before; this is its test).
#[test]
fn a_warm_up_beside_the_run_is_set_aside() {
    let dir = TestDir::new();
    dir.write("run/c10/warmup.txt", WRK_WARMUP);
    dir.write("run/c10/run.txt", WRK_RUN);
    let (report, skipped) = skipped(&dir);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    let (path, kind, why) = &skipped[0];
    assert!(path.ends_with("warmup.txt"), "{path}");
    assert_eq!(kind, "earlier_run");
    assert!(
        why.contains("225,707 requests") && why.contains("warm-up"),
        "{why}"
    );
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 1_166_843);
    let rps = stage["throughput_rps"].as_f64().unwrap();
    assert!(
        (rps - 115_576.98).abs() < 0.01,
        "wrk's own Requests/sec: {rps}"
    );
    assert_eq!(report["data_quality"], "clean", "{report}");
}

/// The Aggregated rows of the history `locust -u 20 -r 4 -t 15s --reset-stats --csv run`
/// (Locust 2.47, against `headroom target`) wrote here: a ramp of 4 users a second
/// to 372 requests (53 failed), Locust's stats reset as the 20 users were all spawned,
/// then 1,332 more (192 failed), which its stats file alone holds.
const RESET_HISTORY: &str = "1796648895,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0
1796648896,4,,Aggregated,0.000000,0.000000,0,0,0,0,0,0,0,0,0,0,0,27,6,21,56.62377037057282,1.167974000054528,335.07206000103906,13.851851851851851
1796648897,8,,Aggregated,0.000000,0.000000,12,20,25,29,44,76,260,280,340,340,340,108,21,12,25.26741094457234,0.8203390007111011,335.07206000103906,13.074074074074074
1796648898,12,,Aggregated,0.000000,0.000000,11,19,25,29,37,46,77,260,340,340,340,228,36,11,20.148869140452838,0.8203390007111011,335.07206000103906,12.837719298245615
1796648899,16,,Aggregated,17.500000,4.000000,16,26,29,33,45,56,73,240,340,340,340,372,53,16,21.556370406004486,0.8203390007111011,335.07206000103906,12.688172043010752
1796648900,20,,Aggregated,0.000000,0.000000,0,0,0,0,0,0,0,0,0,0,0,174,23,29,33.33708361489029,0.6447249998018378,97.8966920010862,12.706896551724139
1796648901,20,,Aggregated,0.000000,0.000000,12,21,27,30,51,69,79,88,89,89,89,393,47,13,20.198882979619263,0.5655639997712569,97.8966920010862,12.582697201017812
1796648902,20,,Aggregated,8.000000,0.000000,16,25,31,34,62,69,75,87,89,89,89,570,77,16,22.914860443849822,0.5655639997712569,97.8966920010862,12.74736842105263
1796648903,20,,Aggregated,94.000000,12.000000,22,31,38,48,65,73,88,92,130,130,130,728,104,22,26.935171543937532,0.5655639997712569,126.34768300085852,12.748626373626374
1796648904,20,,Aggregated,136.666667,16.333333,25,35,48,52,69,76,93,120,140,140,140,865,125,25,31.059795467028557,0.5655639997712569,144.13883199995325,12.716763005780347
1796648906,20,,Aggregated,145.600000,20.800000,27,37,48,52,69,76,92,110,140,140,140,1030,147,27,31.661146022296748,0.5655639997712569,144.13883199995325,12.670873786407768
1796648907,20,,Aggregated,144.166667,20.833333,29,40,51,56,70,81,95,120,140,140,140,1184,174,29,33.99633109708973,0.5655639997712569,144.13883199995325,12.68918918918919
1796648908,20,,Aggregated,147.000000,21.000000,31,43,52,57,72,79,95,110,140,140,140,1332,192,31,35.12200718540879,0.5655639997712569,144.13883199995325,12.651651651651651
";

/// The same run's stats file (its rows as Locust wrote them): the 1,332 requests since
/// the reset.
const RESET_STATS: &str = "GET,/api/v1/agents/{id},400,0,33,36.40411159494761,0.6102010011090897,144.13883199995325,8.0,49.336029170371404,0.0,33,48,53,59,72,78,100,120,140,140,140
GET,list,740,0,29,33.54869618242938,0.5655639997712569,143.28291600031662,13.0,91.2716539651871,0.0,29,40,49,53,69,79,95,110,140,140,140
GET,missing,192,192,33,38.514759156186074,0.6583920003322419,127.2903610006324,21.0,23.681294001778273,23.681294001778273,33,50,59,68,75,89,100,120,130,130,130
,Aggregated,1332,192,31,35.12200718540879,0.5655639997712569,144.13883199995325,12.651651651651651,164.2889771373368,23.681294001778273,31,43,52,57,72,79,97,110,140,140,140
";

/// Observed: that run in `ramp-20u/` was one stage of the ramp's and the steady part's
/// requests added from the history (372 + 1,332), with no start or end and a window
/// basis saying "Locust's summary covers the ramp too", though Locust's summary holds
/// the 1,332 alone. Now (qa114) the stage is what the same files in `u20/` give: the
/// 20 users' plateau, from Locust's stats reset to the history's last row, with the
/// stats file's own 1,332 requests (192 failed); the whole run keeps the ramp's too.
#[test]
fn a_reset_stats_run_in_a_stage_dir_says_its_figures_are_the_history_s() {
    let dir = TestDir::new();
    dir.write(
        "run/ramp-20u/run_stats_history.csv",
        format!("{HISTORY_HEADER}\n{RESET_HISTORY}"),
    );
    dir.write(
        "run/ramp-20u/run_stats.csv",
        format!("{STATS_HEADER}\n{RESET_STATS}"),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = &report["stages"][0];
    assert_eq!(stage["requests"], 1332);
    assert_eq!(stage["failures"], 192);
    assert_eq!(stage["users"], 20);
    assert_eq!(stage["end"], rfc3339(1_796_648_908_000).as_str());
    assert_eq!(report["overall"]["requests"], 372 + 1332);
    assert_eq!(report["overall"]["failures"], 53 + 192);
    let basis = stage["window_basis"].as_str().unwrap();
    assert!(!basis.contains("summary covers"), "{basis}");
    assert!(basis.contains("Locust's last stats reset"), "{basis}");
}
