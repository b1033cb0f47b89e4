//! Messy runs, batch "r" (qa24): gaps earlier QA rounds left open — shard dirs of two
//! plans given together, open-model stages whose load in users rounds to 0, a
//! Locust `--only-summary` run, autocannon's console table, endpoint names that
//! carry markup or mentions, and a driver run's CSV export read back. Every fixture is
//! written here; expected figures follow from its arithmetic.

use std::path::Path;

use hdrhistogram::Histogram;
use serde_json::Value;

use super::common::{analyze_json, drive_hlog, headroom, hlog_blob, TestDir, DRIVE_T0 as T0};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The `run.toml` of shard `index`/`count` of plan `hash`: one closed stage `main` of
/// `users` users for `seconds` from [`T0`].
fn shard_manifest(index: u32, count: u32, hash: &str, users: u32, seconds: u64) -> String {
    format!(
        "started = \"2026-12-04T09:27:27.000Z\"\nended = \"2026-12-04T09:27:{end:02}.000Z\"\n\
         tool = \"headroom 0.1.0\"\ntarget_url = \"http://127.0.0.1:8000\"\ncomplete = true\n\
         think_time = \"constant(0)\"\n\n[shard]\nindex = {index}\ncount = {count}\n\
         plan_hash = \"{hash}\"\nstart_at = \"2026-12-04T09:27:27.000Z\"\nstart_offset_ms = 0.5\n\n\
         [[stage]]\nname = \"main\"\nusers = {users}\n\
         start = \"2026-12-04T09:27:27.000Z\"\nsteady_start = \"2026-12-04T09:27:27.000Z\"\n\
         end = \"2026-12-04T09:27:{end:02}.000Z\"\n",
        end = 27 + seconds,
    )
}

/// Shard 0/2 of one plan and shard 1/2 of another (`drive s.toml --shard 0/2` and
/// `drive s2.toml --shard 1/2`, the second scenario edited in between) are refused
/// with a message naming both plans. Before, it was followed by "no load-test results
/// found in …; see README, Inputs read today", which contradicts it: both dirs hold
/// results headroom reads. Now that refusal is the one error, exit 2, and `check
/// --json` carries it as the reason nothing was judged.
#[test]
fn shards_of_two_plans_get_one_error_not_a_no_results_message_too() {
    let dir = TestDir::new();
    for (i, hash, users) in [(0u32, "fdf349aa2a753274", 2u32), (1, "3b8d49b392c5c36d", 3)] {
        dir.write(
            &format!("sh{i}/run.toml"),
            shard_manifest(i, 2, hash, users, 4),
        );
        dir.write(&format!("sh{i}/latency.hlog"), drive_hlog(4, 50, 2_000));
    }
    let (a, b) = (dir.path().join("sh0"), dir.path().join("sh1"));
    let o = headroom(&["analyze", s(&a), s(&b), "--out", s(&dir.path().join("rep"))]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("belong to different sharded runs"),
        "{stderr}"
    );
    assert!(!stderr.contains("no load-test results"), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{stderr}"
    );
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let o = headroom(&["check", s(&a), s(&b), "--sla", s(&sla), "--json"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let out: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(out["verdict"].is_null(), "{out:#}");
    let why = out.to_string();
    assert!(why.contains("belong to different sharded runs"), "{why}");
    assert!(!why.contains("no load-test results"), "{why}");
}

/// A run.toml of three open-model stages (`low`, `mid`, `high` at 20, 40 and 80 req/s,
/// 10 s each from [`T0`]) and a generic CSV of their requests, every one taking
/// `latency_ms` (exact latencies).
fn open_model_run(dir: &TestDir, rel: &str, latency_ms: f64) -> std::path::PathBuf {
    let mut toml = String::from(
        "label = \"open\"\ntool = \"artillery\"\ncomplete = true\nthink_time = \"constant(0)\"\n",
    );
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for (k, (name, rate)) in [("low", 20u64), ("mid", 40), ("high", 80)]
        .into_iter()
        .enumerate()
    {
        let start = 27 + 10 * k as u64;
        toml.push_str(&format!(
            "\n[[stage]]\nname = \"{name}\"\narrival_rate_rps = {rate}\n\
             start = \"2026-12-04T09:27:{start:02}.000Z\"\n\
             steady_start = \"2026-12-04T09:27:{start:02}.000Z\"\n\
             end = \"2026-12-04T09:27:{:02}.000Z\"\n",
            start + 10
        ));
        let t0 = (T0 + 10 * k as u64) * 1000;
        let step = 1000 / rate;
        for i in 0..10 * rate {
            csv.push_str(&format!(
                "{},/health,GET,{latency_ms},200\n",
                t0 + i * step + step / 2
            ));
        }
    }
    dir.write(&format!("{rel}/run.toml"), toml);
    dir.write(&format!("{rel}/requests.csv"), csv);
    dir.path().join(rel)
}

/// An Artillery run (`artillery run load.yml --output report.json`) of three 20 s
/// phases at 20, 40 and 80 arrivals/s against a target answering in well under a
/// millisecond: its script and a report of one 10 s period after another, each
/// summarising whole-millisecond latencies (p50 0 ms, p95 1 ms, mean 0.2 ms).
fn artillery_sub_ms_run(dir: &TestDir, rel: &str) -> std::path::PathBuf {
    let t = 1_796_437_880_000u64;
    let rates = [20u64, 40, 80];
    let summary = |n: u64| {
        serde_json::json!({"min": 0, "max": 3, "count": n, "mean": 0.2, "p50": 0, "median": 0,
            "p75": 0, "p90": 1, "p95": 1, "p99": 1, "p999": 3})
    };
    let period = |start: u64, len: u64, n: u64, rate: u64| {
        serde_json::json!({
            "counters": {"http.requests": n, "http.codes.200": n, "http.responses": n,
                "vusers.created": n, "vusers.completed": n, "vusers.failed": 0},
            "rates": {"http.request_rate": rate},
            "firstCounterAt": start, "firstHistogramAt": start, "firstMetricAt": start,
            "lastCounterAt": start + len - 1, "lastHistogramAt": start + len - 1,
            "lastMetricAt": start + len - 1, "period": start.to_string(),
            "summaries": {"http.response_time": summary(n)},
            "histograms": {"http.response_time": summary(n)}
        })
    };
    let intermediate: Vec<Value> = (0..6u64)
        .map(|j| {
            let rate = rates[(j / 2) as usize];
            period(t + 10_000 * j, 10_000, 10 * rate, rate)
        })
        .collect();
    let total: u64 = (0..6).map(|j| 10 * rates[j / 2]).sum();
    let report = serde_json::json!({
        "aggregate": period(t, 60_000, total, 47),
        "intermediate": intermediate
    });
    dir.write(&format!("{rel}/report.json"), report.to_string());
    let mut script = String::from("config:\n  target: \"http://127.0.0.1:8080\"\n  phases:\n");
    for (name, rate) in ["low", "mid", "high"].iter().zip(rates) {
        script.push_str(&format!(
            "    - duration: 20\n      arrivalRate: {rate}\n      name: {name}\n"
        ));
    }
    script.push_str("scenarios:\n  - flow:\n      - get:\n          url: \"/health\"\n");
    dir.write(&format!("{rel}/load.yml"), script);
    dir.path().join(rel)
}

/// Artillery at 20, 40 and 80 arrivals/s against a target answering in ~0.2 ms: an
/// open-model stage's load in users is its measured concurrency X·R, here 80 × 0.0002
/// = 0.016, from a mean of whole-millisecond latencies. Before, the capacity sentence
/// said "up to 80 req/s at 0.0 users", the saturation evidence "γ = … req/s per user
/// at 0.0 users", and the next steps "run … at 0.0, 0.0 users": figures no data gives.
/// Now such stages are no load points, and the report says their load in users is
/// unknown (not 0) and why. Exact latencies (per-request rows) resolve such a load:
/// it stays, written with its digits (0.025 users), never "0.0".
#[test]
fn open_model_stages_with_a_zero_concurrency_have_unknown_users_not_zero() {
    let dir = TestDir::new();
    let run = artillery_sub_ms_run(&dir, "fast");
    let out = dir.path().join("rep");
    let o = headroom(&["analyze", s(&run), "--out", s(&out)]);
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!stdout.contains("0.0 users"), "{stdout}");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("0.0 users"), "{md}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(
        report["stages"][2]["requests"], 1600,
        "{:#}",
        report["stages"]
    );
    let cap = &report["capacity"];
    assert_eq!(cap["load_points"].as_array().unwrap().len(), 0, "{cap:#}");
    let note = cap["load_note"].as_str().expect("a load note");
    for name in ["`low`", "`mid`", "`high`"] {
        assert!(note.contains(name), "{note}");
    }
    assert!(note.contains("unknown"), "{note}");
    // X·R = 80 req/s × 0.2 ms = 0.016 users.
    assert!(note.contains("X·R ≈ 0.016 users"), "{note}");
    let row = super::common::readiness(&report, "Capacity / scalability");
    assert_eq!(row["status"], "NOT ASSESSED", "{row:#}");
    assert!(
        row["evidence"].as_str().unwrap().contains("unknown"),
        "{row:#}"
    );

    // Exact latencies resolve a small concurrency: at 1.25 ms, X·R = 0.025, 0.05 and
    // 0.1 users, all load points, and none is written "0.0 users".
    let exact = open_model_run(&dir, "exact", 1.25);
    let out = dir.path().join("rep-exact");
    let o = headroom(&["analyze", s(&exact), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(!md.contains("0.0 users"), "{md}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let points = report["capacity"]["load_points"].as_array().unwrap();
    let users: Vec<f64> = points
        .iter()
        .map(|p| p["users"].as_f64().unwrap())
        .collect();
    assert_eq!(users.len(), 3, "{points:#?}");
    for (u, want) in users.iter().zip([0.025, 0.05, 0.1]) {
        assert!((u - want).abs() < 0.001, "{users:?}");
    }
    assert!(report["capacity"].get("load_note").is_none());
}

/// Locust's CSVs of a `--only-summary --csv run` run: a stats file of 600 requests to
/// `GET /a` at 100 req/s (6 s), none failed, and the one stats-history row of 0 users
/// Locust writes at the start when the periodic printer is off.
fn locust_only_summary_csvs(dir: &TestDir, rel: &str) -> std::path::PathBuf {
    let pct = "1,1,1,1,2,2,2,3,12,12,12";
    dir.write(
        &format!("{rel}/run_stats.csv"),
        format!(
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
             Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
             50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n\
             GET,/a,600,0,1,1.1,0.4,12.5,13.0,100.0,0.0,{pct}\n\
             ,Aggregated,600,0,1,1.1,0.4,12.5,13.0,100.0,0.0,{pct}\n"
        ),
    );
    dir.write(
        &format!("{rel}/run_stats_history.csv"),
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,\
         99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response \
         Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,\
         Total Average Content Size\n\
         1796446477,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,\
         N/A,0,0,0,0.0,0,0,0\n",
    );
    dir.write(
        &format!("{rel}/run_failures.csv"),
        "Method,Name,Error,Occurrences\n",
    );
    dir.path().join(rel)
}

/// Locust's final statistics table, as `--only-summary` prints it, for 600 requests.
const LOCUST_FINAL_TABLE: &str = "\
Type     Name                                  # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s
--------|------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------
GET      /a                                       600     0(0.00%) |      1       0      12      1 |  100.00        0.00
--------|------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------
         Aggregated                               600     0(0.00%) |      1       0      12      1 |  100.00        0.00
";

/// `locust --headless -u 6 -t 6s --only-summary --csv run > locust.log 2>&1`: the
/// stats history has one row of 0 users (Locust writes it with the periodic printer
/// that `--only-summary` turns off), so the stage showed users "—" although the
/// console beside the CSVs says `All users spawned: {"U": 6} (6 total users)`. Now
/// the stage has those 6 users, and a note says where they come from. With
/// `--loglevel WARNING` the console has no such line; the command line echoed above
/// it (`$ locust … -u 12 …`) then says them.
#[test]
fn a_locust_only_summary_run_takes_its_users_from_the_console_beside_it() {
    let dir = TestDir::new();
    let run = locust_only_summary_csvs(&dir, "run");
    dir.write(
        "run/locust.log",
        format!(
            "[2026-12-05 04:54:31,042] vm/INFO/locust.main: Run time limit set to 6 seconds\n\
             [2026-12-05 04:54:31,042] vm/INFO/locust.main: Starting Locust 2.20.0\n\
             [2026-12-05 04:54:31,043] vm/INFO/locust.runners: Ramping to 6 users at a rate of 6.00 per second\n\
             [2026-12-05 04:54:31,044] vm/INFO/locust.runners: All users spawned: {{\"U\": 6}} (6 total users)\n\
             [2026-12-05 04:54:37,031] vm/INFO/locust.main: --run-time limit reached, shutting down\n\
             [2026-12-05 04:54:37,054] vm/INFO/locust.main: Shutting down (exit code 0)\n\
             {LOCUST_FINAL_TABLE}"
        ),
    );
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"].as_array().unwrap().len(), 1, "{report:#}");
    assert_eq!(report["stages"][0]["users"], 6, "{:#}", report["stages"][0]);
    assert_eq!(report["stages"][0]["requests"], 600);

    // --loglevel WARNING: no log lines, the command echoed above the table.
    let quiet = locust_only_summary_csvs(&dir, "quiet");
    dir.write(
        "quiet/locust.log",
        format!(
            "$ locust -f locustfile.py --headless -u 12 -r 12 -t 6s -H http://127.0.0.1:8089 \
             --only-summary --csv run --loglevel WARNING\n{LOCUST_FINAL_TABLE}"
        ),
    );
    let (code, report, stderr) = analyze_json(&[&quiet], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        report["stages"][0]["users"], 12,
        "{:#}",
        report["stages"][0]
    );

    // A LoadTestShape that stepped 6 → 12 users: no one level, no users.
    let shape = locust_only_summary_csvs(&dir, "shape");
    dir.write(
        "shape/locust.log",
        format!(
            "[2026-12-05 04:54:31,044] vm/INFO/locust.runners: All users spawned: {{\"U\": 6}} (6 total users)\n\
             [2026-12-05 04:54:34,044] vm/INFO/locust.runners: All users spawned: {{\"U\": 12}} (12 total users)\n\
             {LOCUST_FINAL_TABLE}"
        ),
    );
    let (code, report, stderr) = analyze_json(&[&shape], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        report["stages"][0]["users"].is_null(),
        "{:#}",
        report["stages"][0]
    );
}

/// Endpoint names a user does not choose: a path with a mention, an issue number,
/// HTML, table pipes, backticks, a link and a newline in it (a name is whatever the
/// tool logged, and a tool logs the URL it was given).
const NASTY: [&str; 8] = [
    "/a @octocat hi",
    "/b #123",
    "/c <script>alert(1)</script>",
    "/d | x | y",
    "/e `code`",
    "/f [x](http://evil.example)",
    "/g @org/team",
    "/i\nnewline",
];

/// `text` without its code spans (`` `…` `` not preceded by a backslash): what GitHub
/// renders as text, where mentions and references fire.
fn outside_code(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let mut prev = ' ';
    for c in text.chars() {
        if c == '`' && prev != '\\' {
            in_code = !in_code;
        } else if !in_code {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// The PR comment `check --markdown` writes and report.md name each endpoint of a
/// failing run. Before, a name with `@octocat` or `@org/team` went into their tables
/// as text: posted as a PR comment, GitHub notified that user or team, and `#123`
/// linked issue 123 (a backslash does not stop either: GitHub finds them in the
/// rendered text). Now a zero-width space follows such an `@` and `#`; the names
/// still read the same, and HTML, pipes, backticks and links stay inert as before.
#[test]
fn endpoint_names_cannot_mention_reference_or_mark_up_in_a_pr_comment() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..1600u64 {
        let name = NASTY[(i % NASTY.len() as u64) as usize];
        let name = format!("\"{}\"", name.replace('"', "\"\""));
        let status = if i % 40 == 0 { 500 } else { 200 };
        csv.push_str(&format!(
            "{},{name},GET,{},{status}\n",
            T0 * 1000 + 5 * i,
            5 + i % 7
        ));
    }
    let run = {
        dir.write("run/requests.csv", csv);
        dir.path().join("run")
    };
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 1ms\"]\n[endpoint.\"GET /a @octocat hi\"]\nrules = [\"p(95) < 1ms\"]\n\
         [endpoint.\"GET /b #123\"]\nrules = [\"p(95) < 1ms\"]\n",
    );
    let comment = dir.path().join("comment.md");
    let junit = dir.path().join("junit.xml");
    let o = headroom(&[
        "check",
        s(&run),
        "--sla",
        s(&sla),
        "--markdown",
        s(&comment),
        "--junit",
        s(&junit),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = dir.path().join("rep");
    let o = headroom(&["analyze", s(&run), "--sla", s(&sla), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for file in [comment.clone(), out.join("report.md")] {
        let md = std::fs::read_to_string(&file).unwrap();
        let prose = outside_code(&md);
        assert!(
            prose.contains("octocat"),
            "{}: names left out",
            file.display()
        );
        for fired in ["@octocat", "@org", "#123", "<script", "[x](", "| x |"] {
            assert!(
                !prose.contains(fired),
                "{}: `{fired}` outside code: {prose}",
                file.display()
            );
        }
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script>alert"), "raw script in the HTML");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(!xml.contains("<script>"), "{xml}");
    assert!(xml.contains("GET /a @octocat hi"), "{xml}");
}

/// A `drive` run dir without `--raw`: `run.toml` of two closed stages, `low` (2 users,
/// 0–4 s from [`T0`]) and `high` (4 users, 4–8 s), and its interval log: 1 s
/// intervals of `GET /item`, 50 requests each at 2 ms in `low`, 80 at 5 ms in `high`,
/// and in `high` 8 a second answered 503 (the driver's failure comments).
fn drive_run_without_rows(dir: &TestDir, rel: &str) -> std::path::PathBuf {
    let stage = |name: &str, users: u32, from: u64, to: u64| {
        format!(
            "\n[[stage]]\nname = \"{name}\"\nusers = {users}\n\
             start = \"2026-12-04T09:27:{:02}.000Z\"\nsteady_start = \"2026-12-04T09:27:{:02}.000Z\"\n\
             end = \"2026-12-04T09:27:{:02}.000Z\"\n",
            27 + from,
            27 + from,
            27 + to
        )
    };
    dir.write(
        &format!("{rel}/run.toml"),
        format!(
            "label = \"r1\"\nstarted = \"2026-12-04T09:27:27.000Z\"\nended = \"2026-12-04T09:27:35.000Z\"\n\
             tool = \"headroom 0.1.0\"\ntarget_url = \"http://127.0.0.1:8000\"\ncomplete = true\n\
             think_time = \"constant(0)\"\n{}{}",
            stage("low", 2, 0, 4),
            stage("high", 4, 4, 8)
        ),
    );
    let mut log = format!(
        "#[Logged with headroom 0.1.0]\n#[Histogram log format version 1.3]\n\
         #[StartTime: {T0}.000 (seconds since epoch)]\n#[BaseTime: {T0}.000 (seconds since epoch)]\n\
         #[unit: us]\n\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
    );
    for k in 0..8u64 {
        let (n, us) = if k < 4 { (50, 2_000) } else { (80, 5_000) };
        let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).unwrap();
        h.record_n(us, n).unwrap();
        if k >= 4 {
            log.push_str(&format!(
                "#[failures: Tag=GET%20/item,{k}.000,status:503=8]\n"
            ));
        }
        log.push_str(&format!(
            "Tag=GET%20/item,{k}.000,1.000,{:.3},{}\n",
            us as f64 / 1000.0,
            hlog_blob(&h)
        ));
    }
    dir.write(&format!("{rel}/latency.hlog"), log);
    dir.path().join(rel)
}

/// The figures of a report that a round trip must keep: per stage its name, users,
/// requests, failures, throughput and latency percentiles; overall requests.
fn stage_figures(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} users={} requests={} failures={} rps={} latency={}",
                s["name"],
                s["users"],
                s["requests"],
                s["failures"],
                s["throughput_rps"],
                s["latency_ms"]
            )
        })
        .collect();
    out.push(format!(
        "overall requests={}",
        report["overall"]["requests"]
    ));
    out
}

/// `headroom export RUN --to csv --out X` of a `drive` run dir without `--raw` (its
/// interval log is the measurement; no per-request rows), then `headroom analyze X`:
/// before, every stage was written as "summary only" and analyze of the export
/// refused it (exit 2), and `intervals.csv` had an empty `users` column although each
/// stage runs a known number of users. Now the export carries the interval log, as
/// it already did beside `--raw` rows, and reads back to the run dir's own figures
/// (here 200 requests at 50 req/s and 2 ms in `low`, 320 at 80 req/s in `high` with
/// 32 failed); each interval's users are its stage's.
#[test]
fn a_drive_runs_csv_export_reads_back_to_the_same_figures() {
    let dir = TestDir::new();
    let run = drive_run_without_rows(&dir, "run");
    let (code, direct, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(direct["stages"][0]["requests"], 200, "{direct:#}");
    assert_eq!(direct["stages"][1]["requests"], 320);
    assert_eq!(direct["stages"][1]["failures"], 32);
    assert_eq!(direct["stages"][1]["throughput_rps"], 80.0);

    let out = dir.path().join("csv");
    let o = headroom(&["export", s(&run), "--to", "csv", "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let (code, back, stderr) = analyze_json(&[&out], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage_figures(&back), stage_figures(&direct));

    // intervals.csv: every row of stage `low` has 2 users, of `high` 4.
    let intervals = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    let mut lines = intervals.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let users = header.iter().position(|c| *c == "users").unwrap();
    let mut rows = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let want = if cells[0] == "low" { "2" } else { "4" };
        assert_eq!(cells[users], want, "{line}");
        rows += 1;
    }
    assert!(rows >= 8, "{intervals}");
}
