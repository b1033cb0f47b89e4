//! Messy runs, batch "ba" (the lead's, session 26): SLA files meant to travel between
//! runs that do not all hold the same stages and endpoints.

use super::common::{analyze_json, headroom_in, TestDir};

/// One SLA file for every run of a team: `[stage.peak]` and `[stage.off_peak]`, over a
/// run with `peak` only (stage dirs `01_baseline_10users/`, `02_peak_50users/`,
/// `03_stress_100users/`; p95 ≈ 49 ms at peak by construction). `off_peak` holds all
/// of `peak`'s words and more, so since the "Stress Test" fix it was a "did you mean
/// peak" error (exit 2), though the file names `peak` itself in its own section: the
/// run was refused. A data stage another section names is no longer offered as the
/// typo: `off_peak` is `not_run` and `peak` decides, GO. The same for endpoints:
/// `[endpoint."POST /api/x"]` beside `[endpoint."GET /api/x"]` over data with only
/// `GET /api/x`. Without the sibling section each is still a "did you mean" (exit 2),
/// and the message writes a stage name TOML must quote as the file did.
#[test]
fn an_sla_naming_a_stage_and_a_longer_one_judges_the_one_that_ran() {
    let dir = TestDir::new();
    super::messy_runs_ar::three_stage_dirs(&dir);
    let peak = "[stage.peak]\nrules = [\"p(95) < 1000ms\"]\n\n";
    let get = "[endpoint.\"GET /api/x\"]\nrules = [\"p(95) < 1000ms\"]\n\n";
    let cases = [
        (
            format!("{peak}[stage.off_peak]\nrules = [\"p(95) < 10ms\"]\n"),
            0,
            "[stage.off_peak] names no stage in the data",
        ),
        (
            "[stage.off_peak]\nrules = [\"p(95) < 10ms\"]\n".to_string(),
            2,
            "[stage.off_peak] matches no stage in the data — did you mean \"peak\"?",
        ),
        (
            format!("{peak}[stage.\"Peak Hours\"]\nrules = [\"p(95) < 10ms\"]\n"),
            0,
            "[stage.\"Peak Hours\"] names no stage in the data",
        ),
        (
            "[stage.\"Stress Test\"]\nrules = [\"p(95) < 10ms\"]\n".to_string(),
            2,
            "[stage.\"Stress Test\"] matches no stage in the data — did you mean \"stress\"?",
        ),
        (
            format!("{get}[endpoint.\"POST /api/x\"]\nrules = [\"p(95) < 10ms\"]\n"),
            0,
            "[endpoint.\"POST /api/x\"] names no endpoint in the data",
        ),
        (
            "[endpoint.\"POST /api/x\"]\nrules = [\"p(95) < 10ms\"]\n".to_string(),
            2,
            "did you mean \"GET /api/x\"",
        ),
    ];
    for (sla, code, says) in cases {
        dir.write("sla.toml", &sla);
        let o = headroom_in(dir.path(), &["check", "run", "--sla", "sla.toml"]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(code), "{sla}\n{stdout}\n{stderr}");
        assert!(stderr.contains(says), "{sla}\n{stderr}");
        if code == 0 {
            assert!(stdout.contains("not run"), "{sla}\n{stdout}");
        }
    }
}

/// A CSV edited by hand or joined from two files, with blank lines between rows (the
/// csv crate skips them): a bad row right after blank lines was named by the first
/// blank line (`r.csv:3` for the row on line 5, `k6.csv:3` for line 4), so the user
/// looked at an empty line. Each is now named by its own line, counted in the fixture:
/// generic CSV rows on lines 5 (after two blank lines), 7 (a quoted field spanning two
/// lines) and 11 (the last, no line break, after a blank line: it was named 10 until
/// the missing break was supplied); a k6 CSV row on line 4.
#[test]
fn a_bad_row_after_blank_lines_is_named_by_its_own_line() {
    let dir = TestDir::new();
    dir.write(
        "run/r.csv",
        "timestamp_ms,endpoint,method,latency_ms,status\n\
         1764950400000,/x,GET,20,200\n\n\n\
         1764950400100,/x,GET,abc,200\n\
         1764950400200,/x,GET,21,200\n\
         \"1764950400300\",\"/x\ny\",GET,zz,200\n\
         1764950400400,/x,GET,22,200\n\n\
         1764950400500,/x,GET,qq,200",
    );
    dir.write(
        "k6/k6.csv",
        "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,\
         method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata\n\
         http_req_duration,1764950400,20.5,,,,true,,GET,http://x/,HTTP/1.1,default,,200,,,\
         http://x/,,\n\n\
         http_req_duration,1764950401,x,,,,true,,GET,http://x/,HTTP/1.1,default,,200,,,\
         http://x/,,\n",
    );
    for (run, want) in [
        (
            "run",
            &[
                "r.csv:5: bad latency `abc`",
                "r.csv:7: bad latency `zz`",
                "r.csv:11: bad latency `qq`",
            ][..],
        ),
        ("k6", &["k6.csv:4: bad metric_value `x`"][..]),
    ] {
        let o = headroom_in(
            dir.path(),
            &["analyze", run, "--out", &format!("out-{run}")],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        for w in want {
            assert!(stderr.contains(w), "{w}: {stderr}");
        }
    }
}

/// ab's console of a 20-request run (as ab 2.3 printed it against `headroom target`)
/// beside its `-g ab.tsv`, whose last row was cut when the dir was copied (the row's
/// first cell only). The TSV's 19 readable rows against the console's 20 complete
/// requests made it "not the same run", read without it, and its cut row was not
/// named. It is now this run's -g file with an unreadable row: the row is named with
/// its line (21 = header + 20 rows) as a problem (exit 2), the counts and percentiles
/// are the console's, and nothing is counted twice (20 requests). The whole TSV, the
/// control, still gives every request's latency.
#[test]
fn an_ab_g_file_with_a_cut_last_row_is_still_that_runs_file() {
    let dir = TestDir::new();
    let console = "This is ApacheBench, Version 2.3 <$Revision$>\n\
        Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
        Licensed to The Apache Software Foundation, http://www.apache.org/\n\n\
        Benchmarking 127.0.0.1 (be patient).....done\n\n\n\
        Server Software:        \nServer Hostname:        127.0.0.1\nServer Port:            18420\n\n\
        Document Path:          /api/v1/agents\nDocument Length:        91 bytes\n\n\
        Concurrency Level:      2\nTime taken for tests:   0.209 seconds\n\
        Complete requests:      20\nFailed requests:        0\n\
        Total transferred:      3980 bytes\nHTML transferred:       1820 bytes\n\
        Requests per second:    95.82 [#/sec] (mean)\n\
        Time per request:       20.873 [ms] (mean)\n\
        Time per request:       10.437 [ms] (mean, across all concurrent requests)\n\
        Transfer rate:          18.62 [Kbytes/sec] received\n\n\
        Connection Times (ms)\n              min  mean[+/-sd] median   max\n\
        Connect:        0    0   0.0      0       0\n\
        Processing:    10   19   7.3     17      42\n\
        Waiting:       10   18   7.3     17      42\n\
        Total:         10   19   7.3     17      42\n\n\
        Percentage of the requests served within a certain time (ms)\n\
        \x20 50%     17\n  66%     18\n  75%     21\n  80%     21\n  90%     32\n\
        \x20 95%     42\n  98%     42\n  99%     42\n 100%     42 (longest request)\n";
    let mut tsv = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    let times = [
        10, 12, 13, 14, 15, 16, 16, 17, 17, 17, 18, 18, 18, 21, 21, 24, 32, 33, 42, 42,
    ];
    for (i, t) in times.iter().enumerate() {
        tsv += &format!(
            "Sun Dec 06 07:36:53 2026\t{}\t0\t{t}\t{t}\t{t}\n",
            1_796_542_613 + i / 10
        );
    }
    let cut = tsv.rfind("Sun Dec").unwrap() + "Sun Dec 06 07:36:53 2026".len();
    dir.write("whole/ab.txt", console);
    dir.write("whole/ab.tsv", &tsv);
    dir.write("cut/ab.txt", console);
    dir.write("cut/ab.tsv", &tsv[..cut]);
    let (code, whole, stderr) = analyze_json(&[&dir.path().join("whole")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        whole["sources"].to_string().contains("are one ab run"),
        "{}",
        whole["sources"]
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("cut")], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("ab.tsv:21: 1 tab-separated cells"),
        "{stderr}"
    );
    let notes = report["sources"].to_string();
    assert!(
        notes.contains("ab.tsv is") && notes.contains("but has unreadable rows"),
        "{notes}"
    );
    assert!(!notes.contains("not the same run"), "{notes}");
    assert_eq!(
        report["stages"][0]["requests"], 20,
        "{:#}",
        report["stages"][0]
    );
}

/// Stage dirs named alike but for their users, `stage_10u/`, `stage_30u/`,
/// `stage_60u/` (as qa55 named a Locust step run's), each with a request CSV whose
/// users column records its dir's users. All three give the stage name "stage", and
/// the check of a dir's users against its data looked up the first "stage" for each:
/// "`stage_30u`: the dir's name says 30 users, but its data records 10" (and 60),
/// false notes on a right table. Each dir's users are now checked against its own
/// stage: no note, users 10, 30 and 60. The control: `stage_30u`'s data recording 40
/// users is still said, and that stage is reported at 40.
#[test]
fn stage_dirs_named_alike_but_for_their_users_are_each_checked_against_their_own() {
    for (recorded, note) in [(30, false), (40, true)] {
        let dir = TestDir::new();
        for (k, (name, users)) in [
            ("stage_10u", 10),
            ("stage_30u", recorded),
            ("stage_60u", 60),
        ]
        .into_iter()
        .enumerate()
        {
            let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,users\n");
            for i in 0..300i64 {
                let t = 1_764_950_400_000 + k as i64 * 60_000 + i * 100;
                csv += &format!("{t},/api/x,GET,{},200,{users}\n", 20 + i % 10);
            }
            dir.write(&format!("run/{name}/requests.csv"), csv);
        }
        let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
        assert_eq!(code, 0, "{stderr}");
        let users: Vec<u64> = (report["stages"].as_array().unwrap().iter())
            .map(|s| s["users"].as_u64().unwrap_or(0))
            .collect();
        assert_eq!(users, [10, recorded, 60], "{:#}", report["stages"]);
        let said = report.to_string();
        assert_eq!(said.contains("says 30 users, but"), note, "{said}");
        assert!(!said.contains("says 60 users, but"), "{said}");
    }
}

/// Run dirs named by the release they measured, as teams keep them for `compare`:
/// `1.5.0-c8/` (wrk's `-c8`), `v2.1_peak_50users/`. The version's dots split it into
/// words and its `1` read as an ordering number: the stage was `5_0` (and `v2_1_peak`
/// for `v2.1_peak_50users/`). The version is now no part of the stage's name: `1.5.0-c8`
/// (nothing but the version and the load in it, so the dir's name whole) at 8 users,
/// and `peak` at 50.
#[test]
fn a_release_version_in_a_dir_name_is_no_stage_name() {
    let dir = TestDir::new();
    for (name, users) in [("1.5.0-c8", 8), ("v2.1_peak_50users", 50)] {
        let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
        for i in 0..200i64 {
            csv += &format!(
                "{},/api/x,GET,{},200\n",
                1_764_950_400_000 + i * 50,
                20 + i % 10
            );
        }
        dir.write(&format!("{name}/requests.csv"), csv);
        let (code, report, stderr) = analyze_json(&[&dir.path().join(name)], &[]);
        assert_eq!(code, 0, "{stderr}");
        let stage = &report["stages"][0];
        let want = if users == 8 { "1.5.0-c8" } else { "peak" };
        assert_eq!(stage["name"], want, "{stage:#}");
        assert_eq!(stage["users"], users, "{stage:#}");
    }
}
