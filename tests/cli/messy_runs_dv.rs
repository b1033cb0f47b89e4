//! Messy runs, batch "dv" (qa117): Locust stage dirs (`u10/`, `u50/`) side by side —
//! one dir's stats history that its stats file contradicts withholds that stage's
//! rules only; a `u10/` dir whose Locust ran 20 users says so; a history one
//! interval behind its stats file (Locust's last write) is a run that shut down.

use serde_json::Value;

use crate::common::{analyze_json, TestDir};

const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,\
    Average Response Time,Min Response Time,Max Response Time,Average Content Size,\
    Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,\
    75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,\
    Total Median Response Time,Total Average Response Time,Total Min Response Time,\
    Total Max Response Time,Total Average Content Size";

/// The percentiles of every row (50 % … 100 %): p95 is 40 ms.
const PCT: &str = "20,24,27,29,35,40,47,55,97,97,97";

/// A `locust --headless -u USERS -r USERS -t 30s --csv run --csv-full-history` set in
/// the columns Locust 2.47 wrote here against `headroom target`, in `{dir}/`: the
/// first history row of 0 users at `t0`, then one row a second (`GET /api/v1/agents`
/// and the Aggregated, cumulative) for 30 s at `users` users, each user making 10
/// requests a second, one of them failing every second. The stats file's Aggregated
/// row counts `stats` requests (None: what the history's last row counts) at the
/// history's 10 requests per user a second (its run as long as that count takes).
/// Returns the history's last total.
fn locust_dir(dir: &TestDir, name: &str, t0: i64, users: u64, stats: Option<u64>) -> u64 {
    let mut history = format!(
        "{HISTORY_HEADER}\n{t0},0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,\
         N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0\n"
    );
    let rps = 10 * users;
    for k in 1..=30 {
        let (n, f) = (rps * k as u64, k as u64);
        for (ty, ep) in [("GET", "/api/v1/agents"), ("", "Aggregated")] {
            history.push_str(&format!(
                "{},{users},{ty},{ep},{rps}.000000,1.000000,{PCT},{n},{f},20,22.0,5.0,96.0,91.0\n",
                t0 + k
            ));
        }
    }
    let last = rps * 30;
    let total = stats.unwrap_or(last);
    // Locust's Requests/s: its count over its own run, at the history's pace.
    let (r, fr) = (rps as f64, 1.0);
    let row =
        |ty: &str, ep: &str| format!("{ty},{ep},{total},30,20,22.0,5.0,96.0,91.0,{r},{fr},{PCT}\n");
    let stats = format!(
        "{STATS_HEADER}\n{}{}",
        row("GET", "/api/v1/agents"),
        row("", "Aggregated")
    );
    dir.write(&format!("{name}/run_stats_history.csv"), history);
    dir.write(&format!("{name}/run_stats.csv"), stats);
    last
}

const T0: i64 = 1_796_700_000;

fn analyze(dir: &TestDir, dirs: &[&str], extra: &[&str]) -> Value {
    let paths: Vec<std::path::PathBuf> = dirs.iter().map(|d| dir.path().join(d)).collect();
    let refs: Vec<&std::path::Path> = paths.iter().map(|p| p.as_path()).collect();
    let (code, report, stderr) = analyze_json(&refs, extra);
    assert_eq!(code, 0, "{stderr}");
    report
}

fn with_sla(dir: &TestDir, dirs: &[&str], sla: &str) -> Value {
    let path = dir.write("sla.toml", sla);
    analyze(dir, dirs, &["--sla", path.to_str().unwrap()])
}

fn rules_of<'a>(report: &'a Value, stage: &str) -> Vec<&'a Value> {
    (report["sla"]["rules"].as_array().unwrap())
        .iter()
        .filter(|r| r["stage"] == stage)
        .collect()
}

/// A clean `u10/` (10 users, 100 req/s, its history's last row and stats file both at
/// 3,000 requests) beside `u50/` whose stats file counts 12,000 requests where its
/// history's last row counts 15,000 (500 a row: six intervals apart, copied from
/// another run or edited). Before, `u50/`'s dispute withheld every rule of every stage:
/// `u10`'s p95 of 40 ms and 1 % errors were `insufficient_data` and the verdict on
/// `u10` CONDITIONAL. Now only `u50`'s (and the whole run's) rules are withheld, the
/// audit names `u50`, and `u10` is judged: GO on it. A `u50` that decides still holds
/// the verdict at CONDITIONAL.
#[test]
fn a_disputed_stage_dir_withholds_its_own_rules_not_a_clean_ones() {
    let dir = TestDir::new();
    assert_eq!(locust_dir(&dir, "u10", T0, 10, None), 3_000);
    assert_eq!(locust_dir(&dir, "u50", T0 + 60, 50, Some(12_000)), 15_000);
    let rules = "rules = [\"p(95) < 300ms\", \"error_rate < 5%\"]\n";
    let report = with_sla(
        &dir,
        &["u10", "u50"],
        &format!("[global]\nverdict_stages = [\"u10\"]\n{rules}"),
    );
    let u10 = rules_of(&report, "u10");
    assert_eq!(u10.len(), 2, "{}", report["sla"]);
    assert!(u10.iter().all(|r| r["status"] == "pass"), "{u10:?}");
    let u50 = rules_of(&report, "u50");
    assert_eq!(u50.len(), 2);
    assert!(
        u50.iter().all(|r| r["status"] == "insufficient_data"),
        "{u50:?}"
    );
    assert!(u50[0]["note"].as_str().unwrap().contains("12000"));
    let audit = report["audit"].as_array().unwrap();
    let disputed: Vec<&Value> = audit
        .iter()
        .filter(|f| f["check"] == "source_totals")
        .collect();
    assert_eq!(disputed.len(), 1, "{audit:?}");
    assert_eq!(disputed[0]["stage"], "u50");
    assert_eq!(disputed[0]["expected"].as_f64(), Some(12_000.0));
    assert_eq!(disputed[0]["observed"].as_f64(), Some(15_000.0));
    // The stages' 15,000 + 3,000 over the whole run's 12,000 + 3,000 is that dispute,
    // said once, not a second impossible finding.
    assert!(
        audit
            .iter()
            .all(|f| f["check"] != "stage_totals" || f["verdict"] == "ok"),
        "{audit:?}"
    );
    assert_eq!(
        report["sla"]["verdict"], "GO",
        "{}",
        report["sla"]["headline"]
    );

    // Fail-safe: the disputed stage deciding (every stage, or it alone) is no GO.
    for head in ["", "verdict_stages = [\"u50\"]\n"] {
        let report = with_sla(&dir, &["u10", "u50"], &format!("[global]\n{head}{rules}"));
        assert_eq!(report["sla"]["verdict"], "CONDITIONAL", "{head}");
    }
}

/// `u10/` holding a Locust run at 20 users (`-u 20`, 200 req/s in its history) beside
/// `u50/`. Before, `u10` was no count of users to headroom: the stage was reported at
/// the history's 20 users and nothing said the dir's name planned 10. Now `u10` gives
/// 10 users as `10users` does, and a warning names both counts.
#[test]
fn a_u10_dir_whose_locust_ran_20_users_says_so() {
    let dir = TestDir::new();
    locust_dir(&dir, "u10", T0, 20, None);
    locust_dir(&dir, "u50", T0 + 60, 50, None);
    let report = analyze(&dir, &["u10", "u50"], &[]);
    let stages = report["stages"].as_array().unwrap();
    let u10 = stages.iter().find(|s| s["name"] == "u10").expect("u10");
    assert_eq!(u10["users"], 20);
    // The plateau: from the first row at 20 users (second 1) to the last, 29 s.
    assert_eq!(u10["requests"].as_u64(), Some(200 * 29));
    let said = (report["warnings"].as_array().unwrap())
        .iter()
        .filter_map(Value::as_str)
        .any(|w| w.contains("says 10 users") && w.contains("records 20"));
    assert!(said, "{}", report["warnings"]);
}

/// Locust writes its stats file once more after the history's last row as it stops:
/// a stats file one interval (100 requests) ahead of the history is a run that shut
/// down. Before, it was marked incomplete ("Locust did not shut down"). Now it is
/// complete; a stats file five intervals ahead (the history lost its last rows
/// unflushed) still is not.
#[test]
fn a_history_one_interval_behind_its_stats_file_is_a_complete_run() {
    let dir = TestDir::new();
    let last = locust_dir(&dir, "u10", T0, 10, Some(3_100));
    assert_eq!(last, 3_000);
    let report = analyze(&dir, &["u10"], &[]);
    assert_ne!(report["run"]["complete"], false, "{}", report["run"]);
    let reason = report["run"]["incomplete_reason"].as_str().unwrap_or("");
    assert!(!reason.contains("did not shut down"), "{reason}");

    let dir = TestDir::new();
    locust_dir(&dir, "u10", T0, 10, Some(3_500));
    let report = analyze(&dir, &["u10"], &[]);
    assert_eq!(report["run"]["complete"], false, "{}", report["run"]);
    let reason = report["run"]["incomplete_reason"].as_str().unwrap();
    assert!(reason.starts_with("Locust did not shut down"), "{reason}");
}
