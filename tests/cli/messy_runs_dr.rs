//! Messy runs, batch "dr" (qa114): one Locust `--csv` set judged the same whichever
//! dir it sits in (`10users/`, `u10/`), and a stats history whose last cumulative
//! total the stats file beside it contradicts.

use serde_json::Value;

use crate::common::{analyze_json, TestDir};

const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,\
    Average Response Time,Min Response Time,Max Response Time,Average Content Size,\
    Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,\
    75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,\
    Total Median Response Time,Total Average Response Time,Total Min Response Time,\
    Total Max Response Time,Total Average Content Size";

const T0: i64 = 1_796_691_700;
const PCT: &str = "20,24,27,29,35,40,47,55,97,97,97";

/// A `locust --headless -u 10 -r 2 -t 30s --csv run --csv-full-history` set as Locust
/// writes it (the columns of Locust 2.4x, as it printed here against `headroom
/// target`), in `run/{dir}/`: Locust's first history row of 0 users at `T0`, then one
/// row a second (the endpoint's and the Aggregated, cumulative) for `rows` seconds;
/// users ramp 2, 4, … to 10 at second 5 and stay; each user makes 10 requests a second,
/// and every tenth user's second one fails, so each plateau second adds 100 requests and
/// 1 failure. The stats file's Aggregated row counts `stats_requests` (None: what the
/// last history row of a 30 s run counts) over 30 s. Returns the history's last total.
fn locust_set(dir: &TestDir, stage: &str, rows: i64, stats_requests: Option<u64>) -> u64 {
    let mut history = format!(
        "{HISTORY_HEADER}\n{T0},0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,\
         N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0\n"
    );
    let mut n = 0u64;
    let (mut n30, mut f30) = (0u64, 0u64);
    for k in 1..=30 {
        let users = (2 * k).min(10) as u64;
        n30 += 10 * users;
        f30 += users / 10;
        if k > rows {
            continue;
        }
        n = n30;
        let f = f30;
        for (ty, name) in [("GET", "list agents"), ("", "Aggregated")] {
            history.push_str(&format!(
                "{},{users},{ty},{name},{}.000000,{}.000000,{PCT},{n},{f},20,22.0,5.0,96.0,91.0\n",
                T0 + k,
                10 * users,
                users / 10
            ));
        }
    }
    let (total, fails) = (stats_requests.unwrap_or(n30), f30);
    let (rps, fps) = (total as f64 / 30.0, fails as f64 / 30.0);
    let row = |ty: &str, name: &str| {
        format!("{ty},{name},{total},{fails},20,22.0,5.0,96.0,91.0,{rps},{fps},{PCT}\n")
    };
    let stats = format!(
        "{STATS_HEADER}\n{}{}",
        row("GET", "list agents"),
        row("", "Aggregated")
    );
    dir.write(&format!("run/{stage}/run_stats_history.csv"), history);
    dir.write(&format!("run/{stage}/run_stats.csv"), stats);
    n
}

fn analyze(dir: &TestDir, extra: &[&str]) -> Value {
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], extra);
    assert_eq!(code, 0, "{stderr}");
    report
}

fn only_stage(report: &Value) -> &Value {
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 1, "{stages:?}");
    &stages[0]
}

/// Observed (a real Locust run here, `-u 10 -r 2 -t 20s`): its CSV set in `u10/` was
/// read as the history's plateau (1,661 requests over 14 s), the same files in
/// `10users/` as one whole-run stage from the stats file, ramp included (2,023 over
/// 19 s). Now both are the plateau: from the first row at 10 users (second 5) to the
/// last, 25 seconds of 100 requests and 1 failure each, 10 users.
#[test]
fn a_locust_set_in_a_dir_named_after_its_users_is_its_plateau_as_anywhere() {
    let mut seen = Vec::new();
    for stage in ["10users", "u10"] {
        let dir = TestDir::new();
        locust_set(&dir, stage, 30, None);
        let report = analyze(&dir, &[]);
        let s = only_stage(&report);
        assert_eq!(s["requests"], 100 * 25, "{stage}: {s}");
        assert_eq!(s["failures"], 25, "{stage}");
        assert_eq!(s["users"], 10, "{stage}");
        assert_eq!(s["duration_s"].as_f64(), Some(25.0), "{stage}");
        assert_eq!(s["throughput_rps"].as_f64(), Some(100.0), "{stage}");
        assert_eq!(s["latency_ms"]["p50"].as_f64(), Some(20.0), "{stage}");
        assert!(
            s["window_basis"].as_str().unwrap().starts_with("plateau"),
            "{stage}: {s}"
        );
        // The whole run is still Locust's own: 2 + 4 + 6 + 8 users' seconds of ramp
        // (200 requests) and 26 of 10 users.
        assert_eq!(report["overall"]["requests"], 200 + 26 * 100);
        seen.push((s["start"].clone(), s["end"].clone()));
    }
    assert_eq!(seen[0], seen[1], "the same window whatever the dir");
}

/// The audit's `source_totals` finding, if any.
fn source_totals(report: &Value) -> Option<&Value> {
    (report["audit"].as_array().unwrap())
        .iter()
        .find(|f| f["check"] == "source_totals")
}

/// A history of 2,800 requests beside a stats file of 28,000 (another run's, or
/// edited): the stage would rest on the history (100 req/s) and the whole run on the
/// stats file (933 req/s). The audit says which file counts what, the data is
/// inconsistent, and no rule is judged on either: a throughput rule the history's
/// 100 req/s misses is no NO-GO, nor one the stats file's rate passes a GO.
#[test]
fn a_history_the_stats_file_contradicts_carries_no_verdict() {
    let dir = TestDir::new();
    let last = locust_set(&dir, "peak_10users", 30, Some(28_000));
    assert_eq!(last, 2_800);
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"throughput >= 500/s\", \"error_rate < 5%\"]\n",
    );
    let sla = dir.path().join("sla.toml");
    let report = analyze(&dir, &["--sla", sla.to_str().unwrap()]);
    let f = source_totals(&report).expect("a source_totals finding");
    assert_eq!(f["verdict"], "impossible", "{f}");
    assert_eq!(f["expected"].as_f64(), Some(28_000.0));
    assert_eq!(f["observed"].as_f64(), Some(2_800.0));
    let why = f["explanation"].as_str().unwrap();
    assert!(
        why.contains("run_stats.csv counts 28000 requests (26 failed)")
            && why.contains("run_stats_history.csv counts 2800 (26 failed)"),
        "{why}"
    );
    assert_eq!(report["data_quality"], "inconsistent");
    assert_eq!(report["verdict"], "CONDITIONAL");
    let rules = report["sla"]["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    assert!(
        rules.iter().all(|r| r["status"] == "insufficient_data"),
        "{rules:?}"
    );
}

/// Locust writes its stats file once more than the history as it stops: a stats file
/// one interval (100 requests) ahead of the history's last row is the same run. A
/// history that lost its last 5 rows unflushed (killed outright) while the stats file
/// ran on to second 30 is the same run too, told as one that did not shut down.
#[test]
fn a_history_one_interval_or_an_unflushed_tail_behind_is_the_same_run() {
    let dir = TestDir::new();
    locust_set(&dir, "peak_10users", 30, Some(2_900));
    let report = analyze(&dir, &[]);
    assert!(source_totals(&report).is_none(), "{}", report["audit"]);
    assert_eq!(only_stage(&report)["requests"], 2_500);

    let dir = TestDir::new();
    let last = locust_set(&dir, "peak_10users", 25, None);
    assert_eq!(last, 200 + 21 * 100);
    let report = analyze(&dir, &[]);
    assert!(source_totals(&report).is_none(), "{}", report["audit"]);
    assert_eq!(only_stage(&report)["requests"], 20 * 100);
    assert_eq!(report["run"]["complete"], false);
    assert!(report["run"]["incomplete_reason"]
        .as_str()
        .unwrap()
        .starts_with("Locust did not shut down"));
}
