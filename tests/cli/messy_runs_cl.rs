//! Locust runs at their edges, as real Locust 2.47 writes them, and their export read
//! back as a notebook reads it. Pins: a one-step `--reset-stats` run (`-u 10 -r 10`:
//! the users spawn within milliseconds and the reset comes before the history counts a
//! request) counts its whole history in its stage — what Locust's stats file counts —
//! when Locust's log shows the reset, and says the first interval's requests may be
//! the stage's when no log is there; the interval a reset's first row ends is at the
//! new step's users (it was at the step before's); a console whose counts run past
//! CSVs cut short (a kill before Locust's next write) is this run's, so its `Shutting
//! down (exit code 1)` fails the tool check; and the last stage of a `--reset-stats`
//! shape run keeps its endpoints' series in export's `intervals` (it had none).

use serde_json::Value;

use crate::common::{analyze_json, check_rules, export_csv, headroom, TestDir};

const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,\
75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total \
Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response \
Time,Total Average Content Size\n";
const STATS_HEADER: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average \
Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n";

/// The history's first row, epoch s (2026-12-07 03:43:22 UTC).
const T0: u64 = 1_796_615_002;
/// Requests a user makes a second: `GET /a` (all answered), `GET missing` (all 404).
const A: u64 = 10;
const M: u64 = 3;

/// A history row of `name` (`None`: Aggregated) at `T0 + t` of `users`, counting `n`
/// requests, `f` failed, since the last reset.
fn row(t: u64, users: u32, name: Option<&str>, (n, f): (u64, u64)) -> String {
    let (ty, nm, p) = match name {
        Some(nm) => ("GET", nm, if nm == "/a" { 20 } else { 2 }),
        None => ("", "Aggregated", 18),
    };
    let pct = if n == 0 {
        ["N/A"; 11].join(",")
    } else {
        vec![p.to_string(); 11].join(",")
    };
    format!(
        "{},{users},{ty},{nm},0.000000,0.000000,{pct},{n},{f},{p},{p}.0,1,40,91.0\n",
        T0 + t
    )
}

/// A `--csv-full-history` history of rows `(t, users)`: Locust resets its stats just
/// before the rows of `restarts` (as each step's ramp completes, within milliseconds),
/// so each endpoint counts `A` (or `M`) requests a user a second since the last one.
fn history(rows: &[(u64, u32)], restarts: &[u64]) -> String {
    let mut csv = String::from(HISTORY_HEADER);
    for &(t, users) in rows {
        let since = restarts
            .iter()
            .filter(|r| **r <= t)
            .max()
            .map_or(0, |r| t + 1 - r);
        let u = u64::from(users);
        let (a, m) = (A * u * since, M * u * since);
        if a > 0 {
            csv.push_str(&row(t, users, Some("/a"), (a, 0)));
            csv.push_str(&row(t, users, Some("missing"), (m, m)));
        }
        csv.push_str(&row(t, users, None, (a + m, m)));
    }
    csv
}

/// The stats file: `/a` `a` requests and `missing` `m` (all failed) over `secs` s.
fn stats(a: u64, m: u64, secs: u64) -> String {
    let pct = |p: u32| vec![p.to_string(); 11].join(",");
    let rps = |n: u64| n as f64 / secs as f64;
    format!(
        "{STATS_HEADER}GET,/a,{a},0,20,20.0,1,40,91.0,{},0.0,{}\n\
         GET,missing,{m},{m},2,2.0,1,40,21.0,{},{},{}\n\
         ,Aggregated,{},{m},18,18.0,1,40,75.0,{},{},{}\n",
        rps(a),
        pct(20),
        rps(m),
        rps(m),
        pct(2),
        a + m,
        rps(a + m),
        rps(m),
        pct(18)
    )
}

/// Locust's log of a run (`--logfile`, or the console's stderr) ramping to each of
/// `steps`, with `Resetting stats` after each ramp when `reset`.
fn log(steps: &[u32], reset: bool) -> String {
    let at = |s: u32| format!("[2026-12-07 03:43:{:02},974] vm/INFO/", 22 + s);
    let mut out = format!(
        "{}locust.main: Starting Locust 2.47.0\n{}locust.main: Run time limit set to 5 \
         seconds\n",
        at(0),
        at(0)
    );
    for (i, users) in steps.iter().enumerate() {
        let s = 4 * i as u32;
        out.push_str(&format!(
            "{}locust.runners: Ramping to {users} users at a rate of 10.00 per second\n\
             {}locust.runners: All users spawned: {{\"U\": {users}}} ({users} total users)\n",
            at(s),
            at(s)
        ));
        if reset {
            out.push_str(&format!("{}locust.runners: Resetting stats\n", at(s)));
        }
    }
    out.push_str(&format!(
        "{}locust.main: --run-time limit reached, shutting down\n\
         {}locust.main: Shutting down (exit code 1)\n",
        at(5),
        at(5)
    ));
    out
}

/// `locust -u 10 -r 10 -t 5s --reset-stats --csv lt --csv-full-history`: a row of no
/// requests at T0, then 10 users from T0+1 to T0+5, 130 requests a second (100 to
/// `/a`, 30 to `missing`), every one after the reset (the history never goes back),
/// so the stats file counts them all: 500 and 150, 650 in all, 150 failed.
fn one_step(dir: &TestDir) -> std::path::PathBuf {
    let rows: Vec<(u64, u32)> = (0..=5).map(|t| (t, if t == 0 { 0 } else { 10 })).collect();
    // Counting from the reset, just after T0: 130 × t at T0 + t.
    let mut csv = String::from(HISTORY_HEADER);
    for (t, users) in rows {
        let (a, m) = (100 * t, 30 * t);
        if a > 0 {
            csv.push_str(&row(t, users, Some("/a"), (a, 0)));
            csv.push_str(&row(t, users, Some("missing"), (m, m)));
        }
        csv.push_str(&row(t, users, None, (a + m, m)));
    }
    dir.write("run/lt_stats_history.csv", csv);
    dir.write("run/lt_stats.csv", stats(500, 150, 5));
    dir.path().join("run")
}

fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {report:#}"))
}

/// `(t, requests, users)` of a stage's series.
fn series(report: &Value, name: &str) -> Vec<(f64, u64, f64)> {
    (stage(report, name)["timeseries"].as_array().unwrap().iter())
        .map(|p| {
            (
                p["t"].as_f64().unwrap(),
                p["requests"].as_u64().unwrap(),
                p["users"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect()
}

/// With Locust's log showing its `Resetting stats`, the one step counts every request
/// of the history — the stats file's 650 (150 failed), 500 and 150 per endpoint — where
/// it left the 130 of the interval before its first row out (520, "outside every
/// stage"), and that interval is at the stage's 10 users (it was at 0).
#[test]
fn one_step_reset_stats_run_counts_what_its_stats_file_does_when_its_log_shows_the_reset() {
    let dir = TestDir::new();
    let run = one_step(&dir);
    dir.write("run/locust.log", log(&[10], true));
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let s = stage(&report, "10_users");
    assert_eq!(
        (s["requests"].as_u64(), s["failures"].as_u64()),
        (Some(650), Some(150))
    );
    let eps = s["endpoints"].as_array().unwrap();
    let count = |name: &str| {
        eps.iter()
            .find(|e| e["name"] == name)
            .map(|e| e["requests"].clone())
    };
    assert_eq!(count("/a"), Some(Value::from(500)), "{s:#}");
    assert_eq!(count("missing"), Some(Value::from(150)), "{s:#}");
    let want: Vec<(f64, u64, f64)> = (0..5).map(|t| (t as f64, 130, 10.0)).collect();
    assert_eq!(series(&report, "10_users"), want);
    assert_eq!(report["overall"]["requests"], 650);
    assert!(!stderr.contains("outside every stage"), "{stderr}");
    // The note names the log line that told.
    let notes = report.to_string();
    assert!(
        notes.contains("Resetting stats") && notes.contains("locust.log line 5"),
        "{notes}"
    );
}

/// Without the log, the history cannot tell a reset from a ramp: the 130 requests
/// before the first row stay outside the stage, and the warning says they may be its
/// own and what would tell. A log without a reset (or whose reset is an earlier run's,
/// appended before this one's `Starting Locust`) shows they are the ramp's: no doubt said.
#[test]
fn one_step_run_without_a_log_labels_the_first_interval_and_a_log_without_reset_settles_it() {
    let dir = TestDir::new();
    let run = one_step(&dir);
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(stage(&report, "10_users")["requests"], 520, "{stderr}");
    assert!(
        stderr.contains("130 of its 650 requests (130 before `10_users`)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--reset-stats") && stderr.contains("Resetting stats"),
        "{stderr}"
    );
    // A log of no reset; then an earlier run's reset appended before this run's log.
    for text in [log(&[10], false), log(&[10], true) + &log(&[10], false)] {
        dir.write("run/locust.log", text);
        let (_, report, stderr) = analyze_json(&[&run], &[]);
        assert_eq!(stage(&report, "10_users")["requests"], 520, "{stderr}");
        assert!(stderr.contains("130 before `10_users`"), "{stderr}");
        assert!(!stderr.contains("Resetting stats"), "{stderr}");
    }
}

/// A LoadTestShape of 4 then 8 users with `--reset-stats --csv-full-history`: rows at
/// T0 (none), T0+1…T0+4 (4 users), T0+5…T0+8 (8 users); Locust resets just before the
/// rows of T0+1 and T0+5. Per second: 52 requests at 4 users (12 failed), 104 at 8 (24).
fn shape(dir: &TestDir) -> std::path::PathBuf {
    let rows: Vec<(u64, u32)> = (0..=8)
        .map(|t| (t, [0, 4, 4, 4, 4, 8, 8, 8, 8][t as usize]))
        .collect();
    dir.write("run/lt_stats_history.csv", history(&rows, &[1, 5]));
    // The last step since its reset: 4 s at 8 users.
    dir.write("run/lt_stats.csv", stats(A * 8 * 4, M * 8 * 4, 4));
    dir.write("run/locust.log", log(&[4, 8], true));
    dir.path().join("run")
}

/// Every interval of a step is at the step's users: the one that ends in a reset's
/// first row holds only requests counted after it, at the new users (it was labelled
/// with the step before's, 4 in `8_users` and 0 in `4_users`).
#[test]
fn the_interval_ending_in_a_resets_first_row_is_at_the_new_users() {
    let dir = TestDir::new();
    let run = shape(&dir);
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let want = |from: u64, n: u64, u: f64| -> Vec<(f64, u64, f64)> {
        (from..from + 4).map(|t| (t as f64, n, u)).collect()
    };
    assert_eq!(series(&report, "4_users"), want(0, 52, 4.0));
    assert_eq!(series(&report, "8_users"), want(4, 104, 8.0));
    assert_eq!(stage(&report, "4_users")["requests"], 208);
    assert_eq!(stage(&report, "8_users")["requests"], 416);
    assert_eq!(stage(&report, "8_users")["failures"], 96);
}

/// CSVs of a one-step run (650 requests, 150 failed, 130 a second) beside a console
/// whose final table counts 2,650 (750 failed) and which logged `Shutting down (exit
/// code 1)`: the CSVs stop ≈ 15 s before the run ended (Locust killed before its next
/// write, or copied early), so the console is this run's, and its exit code fails
/// Locust's own check (it was not read: the console was taken for another run's).
#[test]
fn a_consoles_exit_code_is_read_when_the_csvs_beside_it_were_cut_short() {
    let dir = TestDir::new();
    let run = one_step(&dir);
    let table = "Type     Name                # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s\n\
         --------|-------------------|-------|-------------|-------|-------|-------|-------|--------|-----------\n\
         GET      /a                    2000     0(0.00%) |     20       1      40     20 |  100.00        0.00\n\
         GET      missing                650  650(100.00%) |      2       1      40      2 |   30.00       30.00\n\
         --------|-------------------|-------|-------------|-------|-------|-------|-------|--------|-----------\n\
         \x20        Aggregated            2650  650(24.53%) |     18       1      40     18 |  130.00       30.00\n";
    let console = format!(
        "[2026-12-07 03:43:22,974] vm/INFO/locust.main: Starting Locust 2.47.0\n\
         [2026-12-07 03:43:43,100] vm/INFO/locust.main: Shutting down (exit code 1)\n{table}"
    );
    dir.write("run/console.txt", console);
    let (_, report, stderr) = analyze_json(&[&run], &[]);
    let checks = report["tool_checks"].as_array().unwrap();
    assert_eq!(checks.len(), 1, "{stderr}");
    assert_eq!(checks[0]["passed"], false);
    assert!(checks[0]["name"].as_str().unwrap().contains("exit code 1"));
    let skipped = report["skipped"].to_string();
    assert!(skipped.contains("the CSVs stop"), "{skipped}");
    // 23 % of the CSVs' requests failed: the rule passes, Locust's own check does not.
    let (code, stdout, stderr) = check_rules(&dir, &run, "\"error_rate < 50%\"");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("locust"), "{stdout}");
}

/// A CSV table of an export read back as a notebook does: header → column.
fn table(path: &std::path::Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().unwrap().clone();
    (rows.records().map(|r| {
        let r = r.unwrap();
        (header.iter().zip(r.iter()))
            .map(|(h, v)| (h.to_string(), v.to_string()))
            .collect()
    }))
    .collect()
}

/// The shape run's export: every stage-scope interval at its stage's users, and each
/// endpoint's intervals in every stage — the last one (which takes the stats file's
/// figures) too — adding up to that stage × endpoint's requests in `endpoints`, which
/// are report.json's. NDJSON holds the same stage figures.
#[test]
fn export_of_a_reset_stats_shape_run_has_every_stages_endpoint_series() {
    let dir = TestDir::new();
    let run = shape(&dir);
    let (_, report, _) = analyze_json(&[&run], &[]);
    let out = dir.path().join("exported");
    export_csv(&run, &out);
    let intervals = table(&out.join("intervals.csv"));
    let endpoints = table(&out.join("endpoints.csv"));
    for (name, users) in [("4_users", "4"), ("8_users", "8")] {
        let mine = |r: &&std::collections::BTreeMap<String, String>| r["stage"] == name;
        assert!(
            (intervals.iter().filter(mine)).all(|r| r["users"] == users),
            "{intervals:#?}"
        );
        for ep in ["/a", "missing"] {
            let summed: u64 = (intervals.iter().filter(mine))
                .filter(|r| r["scope"] == "endpoint" && r["endpoint"] == ep)
                .map(|r| r["requests"].parse::<u64>().unwrap())
                .sum();
            let row = (endpoints.iter().filter(mine))
                .find(|r| r["endpoint"] == ep)
                .unwrap();
            let reported = (stage(&report, name)["endpoints"].as_array().unwrap().iter())
                .find(|e| e["name"] == ep)
                .unwrap()["requests"]
                .to_string();
            assert_eq!(row["requests"], reported, "{name} {ep}");
            assert_eq!(summed.to_string(), reported, "{name} {ep}: {intervals:#?}");
        }
    }
    // NDJSON: one object a row, the report's figures.
    let nd = dir.path().join("nd");
    let o = headroom(&[
        "export",
        run.to_str().unwrap(),
        "--to",
        "ndjson",
        "--out",
        nd.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stages = std::fs::read_to_string(nd.join("stages.ndjson")).unwrap();
    let mut seen = 0;
    for line in stages.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let s = stage(&report, row["stage"].as_str().unwrap());
        assert_eq!(row["requests"], s["requests"]);
        assert_eq!(row["failures"], s["failures"]);
        assert_eq!(row["users"], s["users"]);
        seen += 1;
    }
    assert_eq!(seen, 2, "{stages}");
}

/// The same export as Parquet, read with polars: the last stage's endpoint intervals
/// are there, at 8 users, adding up to the stats file's 320 and 96.
#[cfg(feature = "parquet")]
#[test]
fn parquet_export_of_a_reset_stats_shape_run_reads_back_with_polars() {
    use polars::prelude::{ParquetReader, SerReader};

    let dir = TestDir::new();
    let run = shape(&dir);
    let out = dir.path().join("pq");
    let o = headroom(&[
        "export",
        run.to_str().unwrap(),
        "--to",
        "parquet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let f = std::fs::File::open(out.join("intervals.parquet")).unwrap();
    let df = ParquetReader::new(f).finish().unwrap();
    let stage = df.column("stage").unwrap().str().unwrap().clone();
    let scope = df.column("scope").unwrap().str().unwrap().clone();
    let ep = df.column("endpoint").unwrap().str().unwrap().clone();
    let n = df.column("requests").unwrap().i64().unwrap().clone();
    let users = df.column("users").unwrap().f64().unwrap().clone();
    let (mut a, mut m) = (0, 0);
    for i in 0..df.height() {
        if stage.get(i) != Some("8_users") {
            continue;
        }
        assert_eq!(users.get(i), Some(8.0), "row {i}");
        if scope.get(i) == Some("endpoint") {
            match ep.get(i) {
                Some("/a") => a += n.get(i).unwrap(),
                Some("missing") => m += n.get(i).unwrap(),
                other => panic!("{other:?}"),
            }
        }
    }
    assert_eq!((a, m), (320, 96));
}
