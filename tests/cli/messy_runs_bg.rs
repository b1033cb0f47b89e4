//! The lead's finds on messy run dirs, session 27: the capacity line names goodput
//! when it is not the throughput the stage table shows; `check --markdown -` and
//! `--junit -` write stdout, never a file named `-`, and the comment names only the
//! kinds of file judged; `inspect` reads ab's `-e` CSV beside its console as
//! `analyze` does.

use crate::common::{analyze_json, headroom_in, TestDir};
use crate::messy_runs_ai::wrk_text;

/// Stage dirs `c=4`, `c=16`, `c=64` (wrk against `headroom target`; the top level had
/// 168 `503`s in 18,356 requests). The stage table shows 18,356 / 12.05 s = 1,523 req/s
/// at 64 users; the capacity line said "up to 1,509 req/s at 64 users", a figure found
/// in no table row beside it. It is the goodput, (18,356 − 168) / 12.05 s, and now
/// says so.
#[test]
fn the_capacity_line_names_goodput_where_failures_make_it_differ_from_throughput() {
    let dir = TestDir::new();
    dir.write("run/c=4/wrk.txt", wrk_text(4, 2180, 12.05, 0));
    dir.write("run/c=16/wrk.txt", wrk_text(16, 8980, 12.05, 0));
    dir.write("run/c=64/wrk.txt", wrk_text(64, 18356, 12.05, 168));
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p99 < 100ms\", \"error_rate < 5%\"]\n",
    );
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let goodput: f64 = (18356.0 - 168.0) / 12.05;
    let shown = format!(
        "up to {} req/s goodput at 64 users",
        thousands(goodput.round() as u64)
    );
    let statement = report["capacity"]["sla_headroom"]["statement"]
        .as_str()
        .unwrap_or_else(|| panic!("no headroom statement: {}", report["capacity"]));
    assert!(
        statement.contains("over the whole measured range") && statement.contains(&shown),
        "want {shown}: {statement}"
    );
}

/// `n` with thousands separators, as the report prints whole rates.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Three wrk stage dirs whose SLA (`p90 < 100ms`, `error_rate < 5%`) holds at every
/// stage (worst: 168 of 18,356 failed, 0.92 %; wrk's p90 35.48 ms): GO.
fn passing_run(dir: &TestDir) {
    dir.write("run/c=4/wrk.txt", wrk_text(4, 2180, 12.05, 0));
    dir.write("run/c=16/wrk.txt", wrk_text(16, 8980, 12.05, 0));
    dir.write("run/c=64/wrk.txt", wrk_text(64, 18356, 12.05, 168));
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"p90 < 100ms\", \"error_rate < 5%\"]\n",
    );
}

/// `check --markdown -` (to pipe the comment into `gh pr comment --body-file -`)
/// wrote a file named `-` in the working dir and printed the table. Now stdout is the
/// comment alone, the table is on stderr, and no file is written.
#[test]
fn check_markdown_dash_writes_the_comment_on_stdout_and_no_file() {
    let dir = TestDir::new();
    passing_run(&dir);
    let o = headroom_in(
        dir.path(),
        &["check", "run", "--sla", "sla.toml", "--markdown", "-"],
    );
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        !dir.path().join("-").exists(),
        "a file named `-` was written"
    );
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("### ") && first.contains("headroom check: GO"),
        "stdout is not the comment: {stdout}"
    );
    assert!(
        !stdout.contains("rule ") && stderr.contains("error_rate < 5%"),
        "the table belongs on stderr: stdout {stdout}\nstderr {stderr}"
    );

    let o = headroom_in(
        dir.path(),
        &["check", "run", "--sla", "sla.toml", "--junit", "-"],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout.starts_with("<?xml") && stdout.contains("<testsuites name=\"headroom check"),
        "stdout is not the JUnit XML: {stdout}"
    );
    assert!(!dir.path().join("-").exists());
}

/// Two documents cannot share stdout: `--junit - --markdown -`, or `-` with `--json`,
/// is refused (exit 2) with what to do, and nothing is written.
#[test]
fn two_documents_on_stdout_are_refused() {
    let dir = TestDir::new();
    passing_run(&dir);
    for extra in [
        &["--junit", "-", "--markdown", "-"][..],
        &["--markdown", "-", "--json"],
    ] {
        let mut args = vec!["check", "run", "--sla", "sla.toml"];
        args.extend(extra);
        let o = headroom_in(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains("would both write stdout"), "{stderr}");
        assert!(o.stdout.is_empty() && !dir.path().join("-").exists());
    }
}

/// `inspect` on an ab stage dir (`ab -g gnuplot.tsv -e percentiles.csv URL >
/// ab_console.log`): the `-e` CSV alone has no counts, and inspect called it a problem
/// ("keep ab's console output in the same dir", which it was) and exited 2, while
/// `analyze` reads the dir cleanly. Now the CSV is a note naming the console beside it,
/// exit 0; alone, it is still the problem.
#[test]
fn inspect_reads_abs_percentile_csv_beside_its_console_as_analyze_does() {
    let dir = TestDir::new();
    let console = ab_console(10, 200);
    let csv = "Percentage served,Time in ms\n0,7.031\n50,19.000\n100,121.000\n";
    dir.write("ab_c10/ab_console.log", console);
    dir.write("ab_c10/percentiles.csv", csv);
    dir.write("alone/percentiles.csv", csv);
    let o = headroom_in(dir.path(), &["inspect", "ab_c10"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("beside ab's console text in this dir (ab_console.log)"),
        "{stdout}"
    );
    let o = headroom_in(dir.path(), &["inspect", "alone"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains("holds percentiles only"));
}

/// `check --markdown`'s "Judged" line named the kinds of every file read, also those
/// set aside: a hey CSV (`hey -o csv`, the measurement) beside a hey text summary
/// (set aside: hey writes one or the other per run) said "hey-csv, hey-text". Now it
/// names the kinds whose data the figures hold.
#[test]
fn the_pr_comment_names_only_the_kinds_of_file_whose_data_it_judged() {
    let dir = TestDir::new();
    let mut csv = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..200 {
        let offset = f64::from(i) * 0.01;
        csv.push_str(&format!(
            "0.0200,0.0000,0.0000,0.0000,0.0199,0.0001,200,{offset:.4}\n"
        ));
    }
    dir.write("run/hey.csv", csv);
    dir.write("run/hey.txt", crate::messy_runs::hey_text(40, 0));
    dir.write("sla.toml", "[global]\nrules = [\"p95 < 100ms\"]\n");
    let o = headroom_in(
        dir.path(),
        &["check", "run", "--sla", "sla.toml", "--markdown", "-"],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    let judged = stdout
        .lines()
        .find(|l| l.starts_with("Judged:"))
        .unwrap_or_else(|| panic!("no Judged line: {stdout}"));
    assert!(
        judged.contains("hey-csv") && !judged.contains("hey-text"),
        "{judged}"
    );
}

/// ab's console output of a clean run: `complete` requests over `concurrency`
/// connections in 2 s, its percentile table.
fn ab_console(concurrency: u32, complete: u64) -> String {
    format!(
        "This is ApacheBench, Version 2.3 <$Revision: 1903618 $>\n\
         Benchmarking 127.0.0.1 (be patient)\n\
         Server Software:        \nServer Hostname:        127.0.0.1\n\
         Server Port:            18421\n\n\
         Document Path:          /api/v1/agents\nDocument Length:        44 bytes\n\n\
         Concurrency Level:      {concurrency}\nTime taken for tests:   2.000 seconds\n\
         Complete requests:      {complete}\nFailed requests:        0\n\
         Total transferred:      30000 bytes\nHTML transferred:       8800 bytes\n\
         Requests per second:    {:.2} [#/sec] (mean)\n\
         Time per request:       100.000 [ms] (mean)\n\
         Time per request:       10.000 [ms] (mean, across all concurrent requests)\n\
         Transfer rate:          14.65 [Kbytes/sec] received\n\n\
         Percentage of the requests served within a certain time (ms)\n\
           50%     19\n  90%     40\n  95%     42\n  99%     58\n 100%    121 (longest request)\n",
        complete as f64 / 2.0
    )
}
