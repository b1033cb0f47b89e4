//! Messy runs, batch "di" (qa106: Locust's real options, part 3): two locustfiles'
//! `--csv a` and `--csv b` sets in one dir, and a stats history with seconds Locust
//! wrote no row for (its event loop blocked by a CPU-bound task).

use crate::check::check_json;
use crate::common::{analyze_json, TestDir};

/// `locust -f a.py --headless -u 5 -r 5 -t 10s --csv a` (a.py: `GET /api/v1/agents`
/// only) against `headroom target`, as Locust 2.47 wrote it here: no
/// `--csv-full-history`, so its history has Aggregated rows alone.
const A_STATS: &str = r#"Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,/api/v1/agents,346,0,25,28.42153184095447,8.369839000806678,138.25649699720088,91.0,38.299396981365156,0.0,25,30,33,36,44,54,67,100,140,140,140
,Aggregated,346,0,25,28.42153184095447,8.369839000806678,138.25649699720088,91.0,38.299396981365156,0.0,25,30,33,36,44,54,67,100,140,140,140
"#;
const A_HISTORY: &str = r#"Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size
1796670263,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0
1796670264,5,,Aggregated,0.000000,0.000000,29,35,41,47,100,110,140,140,140,140,140,35,0,29,39.708514713025316,14.117837999947369,138.25649699720088,91.0
1796670265,5,,Aggregated,0.000000,0.000000,28,33,37,41,50,100,110,140,140,140,140,73,0,28,33.471370026770636,11.483238995424472,138.25649699720088,91.0
1796670266,5,,Aggregated,30.000000,0.000000,28,32,38,41,50,57,100,110,140,140,140,110,0,28,32.435192026605364,11.483238995424472,138.25649699720088,91.0
1796670267,5,,Aggregated,34.000000,0.000000,28,32,37,40,49,57,100,110,140,140,140,150,0,28,31.745450753029825,11.483238995424472,138.25649699720088,91.0
1796670268,5,,Aggregated,35.000000,0.000000,26,31,34,38,46,55,100,110,140,140,140,188,0,26,30.082732856015433,10.963064996758476,138.25649699720088,91.0
1796670269,5,,Aggregated,35.750000,0.000000,26,31,35,38,46,55,77,100,140,140,140,226,0,26,29.86126610598696,10.963064996758476,138.25649699720088,91.0
1796670270,5,,Aggregated,36.600000,0.000000,26,31,35,37,47,55,70,100,140,140,140,266,0,26,29.72093114644815,10.963064996758476,138.25649699720088,91.0
1796670271,5,,Aggregated,37.000000,0.000000,25,30,33,36,46,55,67,100,140,140,140,306,0,25,29.018603169794492,8.369839000806678,138.25649699720088,91.0
1796670272,5,,Aggregated,37.285714,0.000000,25,30,33,36,44,54,67,100,140,140,140,346,0,25,28.42153184095447,8.369839000806678,138.25649699720088,91.0
"#;
/// `locust -f b.py --headless -u 3 -r 3 -t 10s --csv b` (b.py: `POST
/// /api/v1/workflows/run` only) into the same dir, right after.
const B_STATS: &str = r#"Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
POST,/api/v1/workflows/run,27,0,800,856.0042528896937,293.5896220005816,2168.353589004255,32.0,3.0980130908225054,0.0,800,890,1000,1100,1500,1800,2200,2200,2200,2200,2200
,Aggregated,27,0,800,856.0042528896937,293.5896220005816,2168.353589004255,32.0,3.0980130908225054,0.0,800,890,1000,1100,1500,1800,2200,2200,2200,2200,2200
"#;
const B_HISTORY: &str = r#"Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size
1796670274,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0
1796670275,3,,Aggregated,0.000000,0.000000,550,550,550,550,550,550,550,550,550,550,550,2,0,547.2530629995163,464.01723499729997,380.78140699508367,547.2530629995163,32.0
1796670276,3,,Aggregated,0.000000,0.000000,730,730,1100,1100,1400,1400,1400,1400,1400,1400,1400,6,0,730,779.0326998328965,380.78140699508367,1366.1104070051806,32.0
1796670277,3,,Aggregated,0.000000,0.000000,600,730,1100,1100,1400,1400,1400,1400,1400,1400,1400,8,0,600,700.1065683743946,354.3106419965625,1366.1104070051806,32.0
1796670278,3,,Aggregated,2.000000,0.000000,600,960,1100,1100,1400,2200,2200,2200,2200,2200,2200,11,0,600,825.4354478174884,349.6302889980143,2168.353589004255,32.0
1796670279,3,,Aggregated,2.666667,0.000000,730,960,1100,1400,1800,2200,2200,2200,2200,2200,2200,14,0,730,857.7280728568439,293.5896220005816,2168.353589004255,32.0
1796670280,3,,Aggregated,2.666667,0.000000,730,960,1100,1400,1800,2200,2200,2200,2200,2200,2200,17,0,730,874.7400214706431,293.5896220005816,2168.353589004255,32.0
1796670281,3,,Aggregated,2.400000,0.000000,760,880,1100,1200,1500,1800,2200,2200,2200,2200,2200,21,0,760,866.9407030957657,293.5896220005816,2168.353589004255,32.0
1796670282,3,,Aggregated,2.400000,0.000000,760,880,1100,1200,1500,1800,2200,2200,2200,2200,2200,24,0,760,848.4790255006374,293.5896220005816,2168.353589004255,32.0
1796670283,3,,Aggregated,2.833333,0.000000,800,890,1000,1100,1500,1800,2200,2200,2200,2200,2200,27,0,800,856.0042528896937,293.5896220005816,2168.353589004255,32.0
"#;

fn two_sets(dir: &TestDir) -> std::path::PathBuf {
    dir.write("run/a_stats.csv", A_STATS);
    dir.write("run/a_stats_history.csv", A_HISTORY);
    dir.write("run/b_stats.csv", B_STATS);
    dir.write("run/b_stats_history.csv", B_HISTORY);
    dir.path().join("run")
}

/// Observed: with both sets in one dir (stages `a` and `b`), an endpoint rule was
/// judged on each stage with the other set's endpoint: `a · POST
/// /api/v1/workflows/run` showed 1.8 s (b's p95; a.py never posts), `b · GET
/// /api/v1/agents` a's 54 ms, four failures where there are two. Each stage now judges
/// its endpoints on its own set's stats file, as with one set per stage dir.
#[test]
fn each_locust_set_in_one_dir_is_judged_on_its_own_endpoints() {
    let dir = TestDir::new();
    let run = two_sets(&dir);
    let sla = dir.write(
        "sla.toml",
        "[endpoint.\"POST /api/v1/workflows/run\"]\nrules = [\"p(95) < 1000ms\"]\n",
    );
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 1, "{stderr}");
    let rules = out["sla"]["rules"].as_array().unwrap();
    let on = |stage: &str| {
        (rules.iter())
            .find(|r| r["stage"].as_str() == Some(stage))
            .unwrap_or_else(|| panic!("no rule on {stage}: {rules:#?}"))
    };
    // b_stats.csv's 95% column for the endpoint: 1800 ms.
    assert_eq!(on("b")["value"].as_f64(), Some(1800.0), "{:#}", on("b"));
    assert_eq!(on("b")["status"], "fail", "{:#}", on("b"));
    // a.py requested no such endpoint: nothing of a's to judge.
    assert!(on("a")["value"].is_null(), "{:#}", on("a"));
    assert_ne!(on("a")["status"], "fail", "{:#}", on("a"));
}

/// Observed: the same dir's capacity read `b` (3 users, `POST /workflows/run`, 3.1
/// req/s) and `a` (5 users, `GET /agents`, 38.9 req/s) as one load curve ("goodput
/// still grows … up to 38.9 req/s at 5 users", "p95 stays within 2× its value at
/// the lowest load, 1.83 s"). Their stats files name disjoint endpoints: they are
/// now two curves, and `b` is left out with the reason.
#[test]
fn locust_sets_of_other_endpoints_are_no_load_curve() {
    let dir = TestDir::new();
    let run = two_sets(&dir);
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let points = report["capacity"]["load_points"].as_array().unwrap();
    let stages: Vec<&str> = points
        .iter()
        .map(|p| p["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["a"], "{points:#?}");
}

/// `locust -f locustfile.py --headless -u 5 -r 5 -t 15s --csv gap` whose one task,
/// 6 s in, busy-waits 3.5 s once (`while time.perf_counter() < end: pass`), blocking
/// gevent's loop, as Locust 2.47 wrote it here: no row from 19:00:38 to 19:00:42, and
/// the row after adds 1 request (286 − 285).
pub(crate) const GAP_STATS: &str = r#"Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,/api/v1/agents,530,0,3,30.27651482643362,0.650381000014022,3511.9645219965605,13.0,36.325145198051175,0.0,3,4,5,5,7,8,11,25,3500,3500,3500
,Aggregated,530,0,3,30.27651482643362,0.650381000014022,3511.9645219965605,13.0,36.325145198051175,0.0,3,4,5,5,7,8,11,25,3500,3500,3500
"#;
pub(crate) const GAP_HISTORY: &str = r#"Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size
1796670032,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0
1796670033,5,,Aggregated,0.000000,0.000000,4,5,5,6,8,24,31,31,31,31,31,50,0,4,5.802810799796134,0.9443739982089028,31.199985998682678,13.0
1796670034,5,,Aggregated,0.000000,0.000000,4,5,6,7,8,11,25,31,31,31,31,95,0,4,5.3503063048609825,0.9443739982089028,31.199985998682678,13.0
1796670035,5,,Aggregated,10.000000,0.000000,5,5,6,7,8,10,24,25,31,31,31,140,0,5,5.2896887924621945,0.6588230025954545,31.199985998682678,13.0
1796670036,5,,Aggregated,27.500000,0.000000,4,5,6,7,8,10,24,25,31,31,31,190,0,4,4.810768862922774,0.6588230025954545,31.199985998682678,13.0
1796670037,5,,Aggregated,35.000000,0.000000,4,5,6,6,8,9,11,24,31,31,31,235,0,4,4.607055046715764,0.6588230025954545,31.199985998682678,13.0
1796670038,5,,Aggregated,37.500000,0.000000,4,5,6,6,8,9,11,24,31,31,31,285,0,4,4.681926221012857,0.6588230025954545,31.199985998682678,13.0
1796670042,5,,Aggregated,37.500000,0.000000,4,5,6,6,8,9,11,24,31,31,31,286,0,4,4.6735824929579595,0.6588230025954545,31.199985998682678,13.0
1796670043,5,,Aggregated,31.777778,0.000000,4,5,6,6,8,10,24,3500,3500,3500,3500,335,0,4,46.353351355203664,0.6588230025954545,3511.9645219965605,13.0
1796670044,5,,Aggregated,28.600000,0.000000,4,5,6,6,8,9,24,3500,3500,3500,3500,385,0,4,40.72400367011425,0.650381000014022,3511.9645219965605,13.0
1796670045,5,,Aggregated,30.500000,0.000000,4,5,5,6,8,9,11,31,3500,3500,3500,430,0,4,36.755348365113605,0.650381000014022,3511.9645219965605,13.0
1796670046,5,,Aggregated,31.000000,0.000000,3,4,5,6,8,9,11,31,3500,3500,3500,480,0,3,33.126830254210894,0.650381000014022,3511.9645219965605,13.0
1796670047,5,,Aggregated,30.500000,0.000000,3,4,5,5,7,8,11,25,3500,3500,3500,530,0,3,30.27651482643362,0.650381000014022,3511.9645219965605,13.0
"#;

/// Observed: the blocked seconds showed as 0 req/s in the series with no word why;
/// `throughput > 30/s for 3s` failed at "0 req/s" as if the target had stopped. The
/// gap is now a warning naming its 4 s, its times and the 1 request of the row after.
#[test]
fn seconds_locust_wrote_no_row_for_are_named() {
    let dir = TestDir::new();
    dir.write("run/gap_stats.csv", GAP_STATS);
    dir.write("run/gap_stats_history.csv", GAP_HISTORY);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let warning = (report["warnings"].as_array().unwrap().iter())
        .map(|w| w.to_string())
        .find(|w| w.contains("no stats history row"))
        .unwrap_or_else(|| panic!("{:#}", report["warnings"]));
    // 1796670038 and 1796670042, the rows either side: 4 s apart.
    assert!(warning.contains("for 4 s"), "{warning}");
    assert!(warning.contains("2026-12-07T19:00:38.000Z"), "{warning}");
    assert!(warning.contains("2026-12-07T19:00:42.000Z"), "{warning}");
    assert!(warning.contains("adds 1 request"), "{warning}");
}

/// Locust stamps its rows with the whole second and writes one a little over every
/// second, so now and then a stamp is skipped (19:00:38 then 19:00:40) with one row's
/// requests between: that is no blocked loop, and no warning. The fixture is the run
/// above with its rows from 19:00:42 on stamped 2 s earlier.
#[test]
fn one_skipped_stamp_is_no_gap() {
    let dir = TestDir::new();
    let shifted: String = (GAP_HISTORY.lines())
        .map(|l| match l.split_once(',') {
            Some((t, rest)) if t.parse::<i64>().is_ok_and(|t| t >= 1796670042) => {
                format!("{},{rest}\n", t.parse::<i64>().unwrap() - 2)
            }
            _ => format!("{l}\n"),
        })
        .collect();
    assert!(shifted.contains("1796670038,") && shifted.contains("1796670040,"));
    dir.write("run/gap_stats.csv", GAP_STATS);
    dir.write("run/gap_stats_history.csv", shifted);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let warnings = report["warnings"].to_string();
    assert!(!warnings.contains("no stats history row"), "{warnings}");
}
