//! Messy runs, batch "by" (qa77): `export --to csv` read back (`headroom analyze` of
//! the export dir) gives the original's figures for ab runs kept with their consoles
//! and `-g` files — the console's failures by kind (so a NO-GO stays a NO-GO), the
//! stages' and the whole run's throughput, each `-g` file of a shell loop's runs in
//! one dir read as its own console's run — and an export asked for without its
//! requests table says so when read back.

use serde_json::Value;

use super::common::{analyze_json, close, export_csv, headroom, nearest_rank, TestDir};

/// ab 2.3's console output (as `ab -t T -c C -g ab.tsv URL | tee console.txt` leaves
/// it) of `complete` requests in `secs` seconds at `c` users, `non_2xx` of them
/// answered with an error page of another length (ab counts each a Length failure
/// too); its percentile table says `table_ms` at every rank.
fn ab_console(c: u64, secs: f64, complete: u64, non_2xx: u64, table_ms: u64) -> String {
    let (failed, breakdown, non_2xx_line) = match non_2xx {
        0 => (0, String::new(), String::new()),
        n => (
            n,
            format!("   (Connect: 0, Receive: 0, Length: {n}, Exceptions: 0)\n"),
            format!("Non-2xx responses:      {n}\n"),
        ),
    };
    let rps = complete as f64 / secs;
    let mut text = format!(
        "This is ApacheBench, Version 2.3 <$Revision: 1903618 $>\n\
         Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/\n\
         Licensed to The Apache Software Foundation, http://www.apache.org/\n\n\
         Benchmarking 127.0.0.1 (be patient)\n\
         Finished {complete} requests\n\n\n\
         Server Software:        \n\
         Server Hostname:        127.0.0.1\n\
         Server Port:            18480\n\n\
         Document Path:          /api/v1/agents/1\n\
         Document Length:        69 bytes\n\n\
         Concurrency Level:      {c}\n\
         Time taken for tests:   {secs:.3} seconds\n\
         Complete requests:      {complete}\n\
         Failed requests:        {failed}\n\
         {breakdown}\
         {non_2xx_line}\
         Total transferred:      {} bytes\n\
         HTML transferred:       {} bytes\n\
         Requests per second:    {rps:.2} [#/sec] (mean)\n\
         Time per request:       {:.3} [ms] (mean)\n\
         Time per request:       {:.3} [ms] (mean, across all concurrent requests)\n\
         Transfer rate:          15.73 [Kbytes/sec] received\n\n\
         Connection Times (ms)\n\
         \x20             min  mean[+/-sd] median   max\n\
         Connect:        0    0   0.0      0       1\n\
         Processing:  {t:>4} {t:>4}   0.0   {t:>4}    {t:>4}\n\
         Waiting:     {t:>4} {t:>4}   0.0   {t:>4}    {t:>4}\n\
         Total:       {t:>4} {t:>4}   0.0   {t:>4}    {t:>4}\n\n\
         Percentage of the requests served within a certain time (ms)\n",
        complete * 177,
        complete * 69,
        c as f64 * 1000.0 / rps,
        1000.0 / rps,
        t = table_ms,
    );
    for w in ["50", "66", "75", "80", "90", "95", "98", "99"] {
        text.push_str(&format!("{w:>4}% {table_ms:>6}\n"));
    }
    text.push_str(&format!(" 100% {table_ms:>6} (longest request)\n"));
    text
}

/// ab's `-g` file for these total times (ms), sorted as ab writes them, the rows'
/// starts spread over the `span` whole seconds from `epoch`.
fn ab_tsv(ttimes: &[u64], epoch: u64, span: u64) -> String {
    let mut sorted = ttimes.to_vec();
    sorted.sort();
    let mut tsv = String::from("starttime\tseconds\tctime\tdtime\tttime\twait\n");
    for (i, t) in sorted.iter().enumerate() {
        let s = epoch + (i as u64 * 7) % span;
        let day = s % 86_400;
        tsv.push_str(&format!(
            "Sun Dec 06 {:02}:{:02}:{:02} 2026\t{s}\t0\t{t}\t{t}\t{t}\n",
            day / 3600,
            day / 60 % 60,
            day % 60,
        ));
    }
    tsv
}

/// `n` total times (ms) from `lo` up, spread by a fixed step.
fn ttimes(n: u64, lo: u64, step: u64, range: u64) -> Vec<u64> {
    (0..n).map(|i| lo + (i * step) % range).collect()
}

/// The report.json stage named `name`.
fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {:#}", report["stages"]))
}

/// Runs `check` on `run` against `sla`; the exit code and stdout.
fn check(run: &std::path::Path, sla: &std::path::Path) -> (i32, String) {
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    (o.status.code().unwrap_or(-1), out)
}

/// `01_base_4users/` and `02_peak_100users/`, each `ab -g ab.tsv … | tee console.txt`:
/// the peak's console counts 300 of its 400 answers non-2xx (each a Length failure
/// too: counted once, `other`, as ab prints no code). The export's rows record no
/// outcome; before, it read back with no failure at all — the original's NO-GO on
/// `error_rate` became a pass, its capacity "holds over the whole range" — and its
/// overall throughput divided by another length than the original's. Now run.toml
/// carries each stage's failures by kind and its window and measured length, and the
/// read-back is the original (since qa104 both are on the -g files' clock).
#[test]
fn an_ab_g_export_reads_back_the_consoles_failures_and_its_no_go() {
    let dir = TestDir::new();
    let epoch = 1_796_580_000;
    let base = ttimes(200, 20, 37, 80);
    let peak = ttimes(400, 1, 13, 60);
    dir.write(
        "run/01_base_4users/console.txt",
        ab_console(4, 3.0, 200, 0, 37),
    );
    dir.write("run/01_base_4users/ab.tsv", ab_tsv(&base, epoch, 3));
    dir.write(
        "run/02_peak_100users/console.txt",
        ab_console(100, 2.0, 400, 300, 2),
    );
    dir.write("run/02_peak_100users/ab.tsv", ab_tsv(&peak, epoch + 5, 2));
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"error_rate < 2%\"]\n",
    );
    let run = dir.path().join("run");
    let out = dir.path().join("export");
    export_csv(&run, &out);
    let manifest = std::fs::read_to_string(out.join("run.toml")).unwrap();
    assert!(
        manifest.contains("[stage.failures]\nother = 300"),
        "{manifest}"
    );
    assert!(!manifest.contains("failures_unseen"), "{manifest}");

    let (code, text) = check(&run, &sla);
    let (back_code, back_text) = check(&out, &sla);
    assert!(text.contains("NO-GO"), "{text}");
    assert!(back_text.contains("NO-GO"), "{back_text}");
    assert_eq!(code, back_code, "{text}\n{back_text}");

    let (_, orig, e1) = analyze_json(&[&run], &[]);
    let (_, back, e2) = analyze_json(&[&out], &[]);
    assert_eq!(orig["data_quality"], back["data_quality"], "{e1}\n{e2}");
    for (name, requests, failures, secs, ms) in
        [("base", 200, 0, 3.0, &base), ("peak", 400, 300, 2.0, &peak)]
    {
        for report in [&orig, &back] {
            let s = stage(report, name);
            assert_eq!(s["requests"], requests, "{s:#}");
            assert_eq!(s["failures"], failures, "{s:#}");
            let kinds = &s["failures_by_kind"];
            assert_eq!(kinds["other"].as_u64().unwrap_or(0), failures, "{s:#}");
            let rps = s["throughput_rps"].as_f64().unwrap();
            assert!(close(rps, requests as f64 / secs, 1e-9), "{s:#}");
            let values: Vec<f64> = ms.iter().map(|t| *t as f64).collect();
            for (key, p) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0)] {
                let got = s["latency_ms"][key].as_f64().unwrap();
                assert!(close(got, nearest_rank(&values, p), 0.001), "{key}: {s:#}");
            }
        }
    }
    // The -g files place both runs on the clock: the whole run spans from the base's
    // first second (epoch) to the peak's end (its first second, epoch + 5, plus its
    // 2.0 s), 7 s, the pause between them included, as any clocked run's overall.
    for report in [&orig, &back] {
        let rps = report["overall"]["throughput_rps"].as_f64().unwrap();
        assert!(close(rps, 600.0 / 7.0, 1e-9), "{:#}", report["overall"]);
        assert_eq!(report["overall"]["failures"], 300);
    }
}

/// A shell loop's runs in one dir, `for c in 2 8; do ab -t 2 -c $c -g ab-${c}users.tsv
/// URL > ab-${c}users.log; done`: before, each `-g` file was only counted against its
/// console and skipped, so the stages had ab's whole-ms table (here 99 ms at every
/// rank) instead of every request's time, and the export had no row of them (read
/// back, every stage empty). Now each `-g` file named as a console with as many rows is
/// that run's: its stage has the file's exact percentiles, and the export reads back
/// to them.
#[test]
fn an_ab_loops_g_files_in_one_dir_are_read_with_their_consoles_and_exported() {
    let dir = TestDir::new();
    let epoch = 1_796_581_000;
    let two = ttimes(60, 5, 37, 90);
    let eight = ttimes(90, 10, 53, 120);
    dir.write("loop/ab-2users.log", ab_console(2, 2.0, 60, 0, 99));
    dir.write("loop/ab-2users.tsv", ab_tsv(&two, epoch, 2));
    dir.write("loop/ab-8users.log", ab_console(8, 2.0, 90, 0, 99));
    dir.write("loop/ab-8users.tsv", ab_tsv(&eight, epoch + 3, 2));
    let run = dir.path().join("loop");
    let out = dir.path().join("export");
    export_csv(&run, &out);
    let (code, orig, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let skipped = orig["skipped"].as_array().unwrap();
    assert!(skipped.is_empty(), "{skipped:#?}");
    let (code, back, stderr) = analyze_json(&[&out], &[]);
    assert_eq!(code, 0, "{stderr}");
    for (name, users, ms) in [("2_users", 2, &two), ("8_users", 8, &eight)] {
        let values: Vec<f64> = ms.iter().map(|t| *t as f64).collect();
        for report in [&orig, &back] {
            let s = stage(report, name);
            assert_eq!(s["users"], users, "{s:#}");
            assert_eq!(s["requests"], ms.len(), "{s:#}");
            assert_eq!(s["latency_exact"], true, "{s:#}");
            let rps = s["throughput_rps"].as_f64().unwrap();
            assert!(close(rps, ms.len() as f64 / 2.0, 1e-9), "{s:#}");
            for (key, p) in [("p50", 50.0), ("p95", 95.0)] {
                let got = s["latency_ms"][key].as_f64().unwrap();
                assert!(close(got, nearest_rank(&values, p), 0.001), "{key}: {s:#}");
            }
        }
    }
}

/// `export --tables stages --to csv`: the dir holds stages.csv and run.toml, no
/// requests. Before, analysing it read stages.csv as a script's per-request CSV
/// ("no `endpoint` column"); now run.toml says the requests table was left out, and
/// the read-back names that, exit 2.
#[test]
fn an_export_without_its_requests_table_says_so_when_read_back() {
    let dir = TestDir::new();
    dir.write("run/console.txt", ab_console(4, 3.0, 200, 0, 37));
    dir.write(
        "run/ab.tsv",
        ab_tsv(&ttimes(200, 20, 37, 80), 1_796_582_000, 3),
    );
    let out = dir.path().join("stages-only");
    let run = dir.path().join("run");
    let args = ["export", run.to_str().unwrap(), "--to", "csv"];
    let o = headroom(
        &[
            &args[..],
            &["--tables", "stages", "--out", out.to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest = std::fs::read_to_string(out.join("run.toml")).unwrap();
    assert!(manifest.contains("complete = false"), "{manifest}");
    let o = headroom(&["analyze", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("without its requests table"), "{stderr}");
    assert!(!stderr.contains("per-request CSV"), "{stderr}");
}

/// `--out` naming a dir that holds a user's file is refused (exit 2) and the file is
/// left as it was; a file given as `--out` is never written over.
#[test]
fn an_export_into_a_dir_holding_a_users_file_is_refused() {
    let dir = TestDir::new();
    dir.write("run/console.txt", ab_console(4, 3.0, 200, 0, 37));
    let notes = dir.write("mine/notes.txt", "my notes\n");
    let run = dir.path().join("run");
    for out in [dir.path().join("mine"), notes.clone()] {
        let o = headroom(&[
            "export",
            run.to_str().unwrap(),
            "--to",
            "ndjson",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
    }
    let names: Vec<_> = std::fs::read_dir(dir.path().join("mine"))
        .unwrap()
        .collect();
    assert_eq!(names.len(), 1);
}
