//! Messy runs, batch "dn" (qa110: Locust history and stage layouts, part 4): the
//! stamps a busy Locust skips in its stats history, told from a row written late and
//! from a blocked event loop by the counts the rows add.

use crate::common::{analyze_json, check_rules, TestDir};
use serde_json::Value;

/// `locust -f locustfile.py --headless -u 50 -r 50 -t 40s --csv run
/// --csv-full-history` (one user class, `wait_time = constant(0)`, `GET /health` on
/// `headroom target --profile fast`), as Locust 2.47 wrote it here: its Aggregated rows
/// up to 22:58:14 (Locust rewrites the file every second; the rows after went on at
/// ~900 req/s as the machine's CPU ran out). Locust warned that its CPU usage was
/// too high: its rows come a little over a second apart, so 22:58:05 has no row, and
/// the row of 22:58:06 adds 1,604 requests (38,545 − 36,941), one row's worth (the
/// rows around add 1,178 – 1,654).
const SKIP_HISTORY: &str = r#"Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size
1796680659,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0
1796680660,50,,Aggregated,0.000000,0.000000,0,0,0,0,0,0,0,0,0,0,0,1462,0,16,18.08947776005509,6.577123996976297,63.78102099552052,2.0
1796680661,50,,Aggregated,0.000000,0.000000,17,23,27,30,39,47,54,58,67,68,68,2759,0,17,21.488589844213987,6.577123996976297,67.67229600518476,2.0
1796680662,50,,Aggregated,593.000000,0.000000,20,25,29,31,39,46,52,56,67,68,68,4167,0,18,22.215112324710255,6.577123996976297,67.67229600518476,2.0
1796680663,50,,Aggregated,990.000000,0.000000,21,26,30,33,40,46,53,59,110,110,110,5345,0,20,23.38535049333981,6.577123996976297,109.82401700312039,2.0
1796680664,50,,Aggregated,1135.333333,0.000000,21,27,30,33,41,46,53,57,110,110,110,6689,0,21,23.727115260415967,6.577123996976297,109.82401700312039,2.0
1796680665,50,,Aggregated,1145.000000,0.000000,22,28,32,34,41,47,53,58,110,110,110,7916,0,21,24.291206385541866,6.577123996976297,109.82401700312039,2.0
1796680666,50,,Aggregated,1180.200000,0.000000,20,25,29,32,40,46,53,57,110,110,110,9570,0,20,23.062106169975205,6.577123996976297,109.82401700312039,2.0
1796680667,50,,Aggregated,1194.166667,0.000000,18,23,28,30,39,45,52,58,110,110,110,11141,0,17,22.22210235813361,6.577123996976297,109.82401700312039,2.0
1796680668,50,,Aggregated,1223.000000,0.000000,17,22,26,29,38,45,51,57,110,110,110,12669,0,17,21.68086952018108,6.577123996976297,109.82401700312039,2.0
1796680669,50,,Aggregated,1261.375000,0.000000,17,21,26,28,37,44,51,57,110,110,110,14142,0,17,21.363713530209704,6.577123996976297,109.82401700312039,2.0
1796680670,50,,Aggregated,1291.000000,0.000000,17,20,24,27,35,43,50,56,110,110,110,15692,0,17,20.887293660668114,6.577123996976297,109.82401700312039,2.0
1796680671,50,,Aggregated,1314.900000,0.000000,17,18,22,25,34,42,48,54,110,110,110,17234,0,17,20.558222224266064,6.577123996976297,109.82401700312039,2.0
1796680672,50,,Aggregated,1405.000000,0.000000,16,18,20,23,32,40,47,53,68,75,75,18627,0,17,20.496701328825132,6.577123996976297,109.82401700312039,2.0
1796680673,50,,Aggregated,1417.700000,0.000000,16,17,19,21,29,37,46,52,68,75,75,20116,0,17,20.314618088639264,6.577123996976297,109.82401700312039,2.0
1796680674,50,,Aggregated,1431.400000,0.000000,16,17,18,18,26,33,44,48,68,75,75,21688,0,16,20.088752820919375,6.577123996976297,109.82401700312039,2.0
1796680675,50,,Aggregated,1446.300000,0.000000,16,17,18,18,25,32,42,46,68,75,75,23216,0,16,19.995113585114716,6.577123996976297,109.82401700312039,2.0
1796680676,50,,Aggregated,1451.000000,0.000000,16,17,18,18,26,33,42,45,66,68,69,24650,0,16,20.006440507463697,6.577123996976297,109.82401700312039,2.0
1796680677,50,,Aggregated,1479.700000,0.000000,16,17,18,19,26,33,42,46,66,68,69,26133,0,16,19.91998922997546,6.577123996976297,109.82401700312039,2.0
1796680678,50,,Aggregated,1494.100000,0.000000,16,17,18,19,26,32,42,46,66,68,69,27676,0,16,19.762461770555177,6.577123996976297,109.82401700312039,2.0
1796680679,50,,Aggregated,1485.900000,0.000000,16,17,18,18,26,32,42,46,64,68,69,29240,0,16,19.620873894590908,6.577123996976297,109.82401700312039,2.0
1796680680,50,,Aggregated,1485.400000,0.000000,16,17,18,19,27,34,43,46,64,68,69,30803,0,16,19.57393835934106,6.577123996976297,109.82401700312039,2.0
1796680681,50,,Aggregated,1478.600000,0.000000,16,17,18,19,27,34,44,47,64,68,69,32394,0,16,19.467165267816863,6.577123996976297,109.82401700312039,2.0
1796680682,50,,Aggregated,1484.700000,0.000000,16,17,18,18,27,33,43,46,55,60,61,33962,0,16,19.361791397256354,6.577123996976297,109.82401700312039,2.0
1796680683,50,,Aggregated,1485.200000,0.000000,16,17,18,18,25,32,42,46,53,60,61,35552,0,16,19.258017435290384,6.577123996976297,109.82401700312039,2.0
1796680684,50,,Aggregated,1479.100000,0.000000,16,17,18,18,25,31,42,46,110,120,120,36941,0,16,19.29120227577159,6.577123996976297,118.88875199656468,2.0
1796680686,50,,Aggregated,1506.200000,0.000000,16,17,18,18,23,30,40,45,110,120,120,38545,0,16,19.1765028325941,6.577123996976297,118.88875199656468,2.0
1796680687,50,,Aggregated,1502.900000,0.000000,16,17,17,18,22,30,41,46,110,120,120,40173,0,16,19.072657173208647,6.577123996976297,118.88875199656468,2.0
1796680688,50,,Aggregated,1504.300000,0.000000,16,17,18,18,23,30,42,47,110,120,120,41678,0,16,19.06214151382819,6.577123996976297,118.88875199656468,2.0
1796680689,50,,Aggregated,1517.700000,0.000000,16,17,18,18,23,30,42,47,110,120,120,43121,0,16,19.053376098055534,6.577123996976297,118.88875199656468,2.0
1796680690,50,,Aggregated,1514.400000,0.000000,16,17,18,18,24,31,44,49,110,120,120,44442,0,16,19.087073398724566,6.577123996976297,118.88875199656468,2.0
1796680691,50,,Aggregated,1513.600000,0.000000,16,17,18,19,23,30,45,49,110,120,120,45919,0,16,19.069629686602507,6.577123996976297,118.88875199656468,2.0
1796680692,50,,Aggregated,1492.500000,0.000000,16,17,18,19,24,31,45,49,110,120,120,47553,0,16,18.994643400187183,6.577123996976297,118.88875199656468,2.0
1796680693,50,,Aggregated,1481.000000,0.000000,16,17,18,19,24,32,45,50,110,120,120,49096,0,16,18.940416600397697,6.577123996976297,118.88875199656468,2.0
1796680694,50,,Aggregated,1486.200000,0.000000,16,17,18,19,25,33,45,49,62,78,81,50612,0,16,18.9234903207725,6.577123996976297,118.88875199656468,2.0
"#;

/// The stage's series: each interval's requests.
fn series(report: &Value) -> Vec<u64> {
    (report["stages"][0]["timeseries"].as_array().unwrap().iter())
        .map(|iv| iv["requests"].as_u64().unwrap())
        .collect()
}

/// `SKIP_HISTORY` without the rows stamped `drop`, the rows after unchanged.
fn without(drop: &[&str]) -> String {
    (SKIP_HISTORY.lines())
        .filter(|l| !drop.iter().any(|d| l.starts_with(&format!("{d},"))))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Observed: the skipped stamp showed as a second of 0 requests, and
/// `throughput > 1100/s in every 3s` failed at 998 req/s (1,389 + 1,604 + 0 over 3 s)
/// although no row adds fewer than 1,178 requests in its ~1 s. Now the rows since the
/// start are re-timed to share their span evenly: no second is empty, the series still
/// adds up to the stage's requests (Locust's 36,941 + 1,604 + … counts, less the 1,462
/// of the ramp row), and the rule passes.
#[test]
fn a_skipped_stamp_is_no_empty_second() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    dir.write("run/run_stats_history.csv", SKIP_HISTORY);
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let s = series(&report);
    // 1796680694's total (50,612) less the first stage row's (1,462).
    assert_eq!(report["stages"][0]["requests"], 50_612 - 1_462);
    assert_eq!(s.iter().sum::<u64>(), 50_612 - 1_462, "{s:?}");
    assert!(s.iter().all(|&n| n >= 1_000), "{s:?}");
    let (code, out, err) = check_rules(&dir, &run, r#""throughput > 1100/s in every 3s""#);
    assert_eq!(code, 0, "{out}{err}");
}

/// A row written late (the rows of 22:57:55 and :56 left out of `SKIP_HISTORY`):
/// the row of :57 adds 4,445 requests over 3 s, three rows' worth, so the users went
/// on sending while Locust's writer was late. Before, that was named a blocked loop
/// (`Locust wrote no stats history row for 3 s … its users sent no requests then`)
/// and two seconds showed 0 requests; now the 4,445 are spread over the 3 s (1,481 –
/// 1,482 each) and nothing is said.
#[test]
fn a_late_row_is_spread_over_its_seconds() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    dir.write(
        "run/run_stats_history.csv",
        without(&["1796680675", "1796680676"]),
    );
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let warnings = report["warnings"].to_string();
    assert!(!warnings.contains("no stats history row"), "{warnings}");
    let s = series(&report);
    assert_eq!(s.iter().sum::<u64>(), 50_612 - 1_462, "{s:?}");
    let spread = s
        .windows(3)
        .filter(|w| w.iter().all(|&n| n == 1_481 || n == 1_482));
    assert_eq!(spread.count(), 1, "{s:?}");
}

/// A blocked loop is not smoothed away: qa106's run (`messy_runs_di::GAP_HISTORY`,
/// the loop blocked 3.5 s: no row from 19:00:38 to :42, and the row after adds 1
/// request where the rows around add 45 – 50) keeps its warning and its 3 empty
/// seconds, the row after's 1 request in the second after 19:00:38.
#[test]
fn a_blocked_loop_keeps_its_empty_seconds() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    dir.write("run/gap_stats.csv", super::messy_runs_di::GAP_STATS);
    dir.write(
        "run/gap_stats_history.csv",
        super::messy_runs_di::GAP_HISTORY,
    );
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(report["warnings"].to_string().contains("for 4 s"));
    let s = series(&report);
    let at = s.windows(4).position(|w| w == [1, 0, 0, 0]);
    assert!(at.is_some(), "{s:?}");
}
