//! Messy runs, batch "w" (qa29): a user's trial with the real tools (wrk, hey, ab,
//! h2load, autocannon, siege, Locust) against `headroom target`, read as a release
//! manager would. Long runs' timelines read in minutes or hours, not tens of
//! thousands of seconds; the report's lists stay apart in markdown and HTML.

use std::path::Path;

use super::common::{analyze_json, check_rules, headroom, TestDir};

/// Runs `analyze RUN --out OUT` with `extra` flags; returns stderr.
fn analyze(run: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = headroom(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(o.status.success(), "{stderr}");
    stderr
}

/// The texts of an SVG's `<text>` elements.
fn svg_texts(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

/// The numeric tick labels of the time axis: the texts that are numbers, below the
/// axis description (the other panels' y ticks are numbers too, so the test reads
/// them as a set and asks only for the largest).
fn largest_number(texts: &[String]) -> f64 {
    texts
        .iter()
        .filter_map(|t| t.replace(',', "").parse::<f64>().ok())
        .fold(f64::NEG_INFINITY, f64::max)
}

/// A 12-hour soak (one request a minute, 1 user, latency 20 ms): the timelines' time
/// axes say hours and their ticks run 0 … 12, not 0 … 43,200 s. Before, every
/// timeline read "Time since the run started (s)" with ticks up to 40,000.
#[test]
fn a_twelve_hour_soak_reads_its_timelines_in_hours() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,users\n");
    let start = 1_764_950_400_000i64; // 2025-12-05T16:00:00Z
    let minutes = 12 * 60;
    for i in 0..=minutes {
        csv.push_str(&format!("{},/api/soak,GET,20,200,1\n", start + i * 60_000));
    }
    dir.write("soak/requests.csv", csv);
    let out = dir.path().join("out");
    analyze(&dir.path().join("soak"), &out, &["--charts", "svg"]);
    for chart in ["timeline.svg", "endpoint-get-api-soak-timeline.svg"] {
        let texts = svg_texts(&out.join("charts").join(chart));
        assert!(
            texts.iter().any(|t| t == "Time since the run started (h)"),
            "{chart}: {texts:?}"
        );
        assert!(
            !texts.iter().any(|t| t == "Time since the run started (s)"),
            "{chart}: {texts:?}"
        );
        // Hour ticks: the 12-hour span's round steps, none past 12 h. The y ticks
        // (requests/s ≈ 0.017, latency 20 ms, users 1) stay below 100 too; the old
        // axis put seconds (tens of thousands) here.
        let largest = largest_number(&texts);
        assert!(largest <= 100.0, "{chart}: a tick at {largest}: {texts:?}");
        // Round hour steps (3 h over a 12-hour span): 0, 6 and 12 h among them.
        for hour in ["0", "6", "12"] {
            assert!(
                texts.iter().any(|t| t == hour),
                "{chart}: no {hour} h tick: {texts:?}"
            );
        }
    }
}

/// A 5-minute run keeps its time axis in seconds.
#[test]
fn a_five_minute_run_reads_its_timeline_in_seconds() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,users\n");
    for i in 0..=300i64 {
        csv.push_str(&format!(
            "{},/api/x,GET,20,200,1\n",
            1_764_950_400_000 + i * 1000
        ));
    }
    dir.write("short/requests.csv", csv);
    let out = dir.path().join("out");
    analyze(&dir.path().join("short"), &out, &["--charts", "svg"]);
    let texts = svg_texts(&out.join("charts/timeline.svg"));
    assert!(texts.iter().any(|t| t == "Time since the run started (s)"));
    assert!(texts.iter().any(|t| t == "300"), "{texts:?}");
}

/// hey's console summary of `n` requests over `total_s` seconds, all 200, 20–60 ms.
fn hey_summary(total_s: f64, n: u64) -> String {
    format!(
        "\nSummary:\n  Total:\t{total_s:.4} secs\n  Slowest:\t0.0600 secs\n  Fastest:\t0.0200 secs\n  \
         Average:\t0.0400 secs\n  Requests/sec:\t{:.4}\n  \n  Total data:\t{} bytes\n  \
         Size/request:\t69 bytes\n\nResponse time histogram:\n  0.020 [1]\t|\n  0.040 [{}]\t|■■■■\n  \
         0.060 [{}]\t|■■■■\n\n\nLatency distribution:\n  10% in 0.0250 secs\n  25% in 0.0300 secs\n  \
         50% in 0.0400 secs\n  75% in 0.0500 secs\n  90% in 0.0550 secs\n  95% in 0.0580 secs\n  \
         99% in 0.0600 secs\n\nDetails (average, fastest, slowest):\n  DNS+dialup:\t0.0000 secs, 0.0200 secs, 0.0600 secs\n  \
         DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs\n  req write:\t0.0000 secs, 0.0000 secs, 0.0002 secs\n  \
         resp wait:\t0.0400 secs, 0.0200 secs, 0.0600 secs\n  resp read:\t0.0000 secs, 0.0000 secs, 0.0012 secs\n\n\
         Status code distribution:\n  [200]\t{n} responses\n\n\n",
        n as f64 / total_s,
        69 * n,
        n / 2,
        n - 1 - n / 2,
    )
}

/// A peak stage run in two parts (`02_peak_30users.txt` and `…_part2.txt`, hey saves
/// no clock time; a `_rerun` file is a stage of its own, `messy_runs_y`) beside a
/// notes file: the report lists the sources' notes (the two runs read one after
/// another), then "Skipped files" as a list of its own. Before, no blank
/// line ended the notes, so "**Skipped files:**" was read as the last note's
/// continuation: in report.html it sat inside that note's bullet, and the skipped
/// files joined the notes' list.
#[test]
fn skipped_files_are_a_list_of_their_own_after_the_sources_notes() {
    let dir = TestDir::new();
    dir.write("run/01_baseline_10users.txt", hey_summary(10.0458, 2429));
    dir.write("run/02_peak_30users.txt", hey_summary(10.0895, 7303));
    dir.write("run/02_peak_30users_part2.txt", hey_summary(10.05, 7327));
    dir.write(
        "run/notes.txt",
        "hey runs on the details endpoint\npeak re-run: the first had a GC pause\n",
    );
    let out = dir.path().join("out");
    analyze(&dir.path().join("run"), &out, &["--charts", "none"]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    // The two peak runs are read one after another: a source note says so.
    let note = md
        .lines()
        .position(|l| l.starts_with("- hey: ") && l.contains("one after another"))
        .unwrap_or_else(|| panic!("no source note in:\n{md}"));
    let lines: Vec<&str> = md.lines().collect();
    let skipped = (lines.iter())
        .position(|l| *l == "**Skipped files:**")
        .unwrap_or_else(|| panic!("no Skipped files in:\n{md}"));
    assert!(skipped > note, "{md}");
    assert_eq!(lines[skipped - 1], "", "no blank line before it:\n{md}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let at = html
        .find("<strong>Skipped files:</strong>")
        .unwrap_or_else(|| panic!("no Skipped files in report.html"));
    assert!(
        html[..at].ends_with("<p>"),
        "Skipped files inside another block: {}",
        &html[at.saturating_sub(200)..at + 40]
    );
}

/// wrk's console of a `--latency` run at 48 connections with the lines wrk's own
/// `scripts/report.lua` prints after it (`P%,N`, N in µs), followed by `done`.
fn wrk_with_report_lua(done: &str) -> String {
    format!(
        "Running 10s test @ http://127.0.0.1:8000/api/v1/agents\n\
         \x20 2 threads and 48 connections\n\
         \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
         \x20   Latency    31.94ms   10.98ms 143.02ms   75.08%\n\
         \x20   Req/Sec   757.62     39.38     0.86k    68.00%\n\
         \x20 Latency Distribution\n\
         \x20    50%   29.73ms\n\
         \x20    75%   36.95ms\n\
         \x20    90%   45.86ms\n\
         \x20    99%   69.10ms\n\
         \x20 15098 requests in 10.01s, 2.87MB read\n\
         Requests/sec:   1507.56\n\
         Transfer/sec:    292.97KB\n\
         {done}"
    )
}

/// `wrk -s scripts/report.lua --latency`: wrk's Latency Distribution has no p95, the
/// script's `done()` prints it (`95%,52864`, µs). The p95 is read from there, so an SLA
/// on p95 is judged (52.864 ms < 60 ms: GO). Before, the lines were ignored, p95 was
/// "insufficient data" and the verdict CONDITIONAL on a run that measured it.
#[test]
fn the_p95_wrks_report_lua_printed_is_read_and_judged() {
    let dir = TestDir::new();
    let done = "------------------------------\n50%,29729\n90%,45863\n95%,52864\n99%,69099\n\
                99.9%,92397\nrequests,15098\nerrors,0\n";
    let run = dir.path().join("run");
    dir.write("run/wrk.txt", wrk_with_report_lua(done));
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let latency = &report["stages"][0]["latency_ms"];
    assert_eq!(latency["p95"].as_f64(), Some(52.864), "{latency}");
    assert_eq!(latency["p999"].as_f64(), Some(92.397), "{latency}");
    // wrk's own lines stay: p50 29.73 ms (the script's 29.729 agrees with it).
    assert_eq!(latency["p50"].as_f64(), Some(29.73), "{latency}");
    let (code, stdout, stderr) = check_rules(&dir, &run, "\"p(95) < 60ms\"");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("verdict: GO"), "{stdout}{stderr}");

    // A script that printed ms (`95%,52.86`) disagrees with wrk's lines: not read.
    let other = TestDir::new();
    let run = other.path().join("run");
    other.write(
        "run/wrk.txt",
        wrk_with_report_lua("50%,29.73\n95%,52.86\n99%,69.10\n"),
    );
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        report["stages"][0]["latency_ms"]["p95"].is_null(),
        "{report:#}"
    );
}

/// An Artillery v2 `--output` report: phases `warm` (30 s at 10 arrivals/s) and `peak`
/// (30 s at 50/s), each virtual user running a flow of 3 requests (GET, POST, GET), all
/// answered 200 in 20–90 ms; six 10 s periods from t0 (a slot's start).
fn artillery_three_request_flow(t0: i64) -> String {
    let mut periods = Vec::new();
    let (mut requests, mut created) = (0, 0);
    for k in 0..6i64 {
        let arrivals = if k < 3 { 10 * 10 } else { 50 * 10 };
        let n = 3 * arrivals;
        requests += n;
        created += arrivals;
        periods.push(format!(
            "{{\"counters\":{{\"http.requests\":{n},\"http.codes.200\":{n},\"http.responses\":{n},\
             \"vusers.created\":{arrivals},\"vusers.completed\":{arrivals}}},\
             \"summaries\":{{\"http.response_time\":{{\"min\":20,\"max\":90,\"count\":{n},\"mean\":40,\
             \"p50\":37,\"median\":37,\"p95\":80,\"p99\":85}}}},\"period\":\"{}\",\
             \"firstCounterAt\":{},\"lastCounterAt\":{}}}",
            t0 + 10_000 * k,
            t0 + 10_000 * k,
            t0 + 10_000 * k + 9_999
        ));
    }
    format!(
        "{{\"aggregate\":{{\"counters\":{{\"http.requests\":{requests},\"http.codes.200\":{requests},\
         \"http.responses\":{requests},\"vusers.created\":{created},\"vusers.completed\":{created}}},\
         \"summaries\":{{\"http.response_time\":{{\"min\":20,\"max\":90,\"count\":{requests},\
         \"mean\":40,\"p50\":37,\"median\":37,\"p95\":80,\"p99\":85}}}},\
         \"firstCounterAt\":{t0},\"lastCounterAt\":{}}},\"intermediate\":[{}],\
         \"phases\":[{{\"duration\":30,\"arrivalRate\":10,\"name\":\"warm\"}},\
         {{\"duration\":30,\"arrivalRate\":50,\"name\":\"peak\"}}]}}",
        t0 + 59_999,
        periods.join(",")
    )
}

/// Artillery's `arrivalRate` counts virtual users, each running the scenario's flow:
/// 50 arrivals/s of a 3-request flow plan 150 req/s, and 150 req/s measured is as
/// planned. Before, the plan was read as 50 req/s: the audit called the peak stage's
/// 150 req/s "more than planned: retries counted as requests, or a misstated rate"
/// (suspect data), and a run inside its SLA was CONDITIONAL, not GO.
#[test]
fn artillery_arrivals_of_a_flow_of_several_requests_plan_that_many_requests() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    dir.write(
        "run/report.json",
        artillery_three_request_flow(1_796_398_720_000),
    );
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = |name: &str| {
        (report["stages"].as_array().unwrap().iter())
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no stage {name}: {report:#}"))
            .clone()
    };
    // 3 requests per arrival: 10/s → 30 req/s, 50/s → 150 req/s.
    assert_eq!(stage("warm")["arrival_rate_rps"].as_f64(), Some(30.0));
    assert_eq!(stage("peak")["arrival_rate_rps"].as_f64(), Some(150.0));
    let peak_rps = stage("peak")["throughput_rps"].as_f64().unwrap();
    assert!((peak_rps - 150.0).abs() < 1.0, "{peak_rps}");
    let audit = report["audit"].to_string();
    assert!(!audit.contains("more than planned"), "{audit}");
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"error_rate < 1%\", \"p(95) < 200ms\"]\n",
    );
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("verdict: GO"), "{stdout}");
}

/// httperf's console of a run at `--rate rate` for 8 s (one call per connection):
/// `n` replies, `fail` of them 5xx, connection times around `ms`.
fn httperf_console(rate: u32, n: u64, fail: u64, ms: f64) -> String {
    format!(
        "httperf: warning: open file limit > FD_SETSIZE; limiting max. # of open files to FD_SETSIZE\n\
         httperf --timeout=2 --client=0/1 --server=127.0.0.1 --port=8000 --uri=/api/v1/agents/7 \
         --rate={rate} --send-buffer=4096 --recv-buffer=16384 --num-conns={n} --num-calls=1\n\
         Maximum connect burst length: 7\n\n\
         Total: connections {n} requests {n} replies {n} test-duration 8.000 s\n\n\
         Connection rate: {rate}.0 conn/s (2.5 ms/conn, <=26 concurrent connections)\n\
         Connection time [ms]: min 7.4 avg {ms:.1} max 204.1 median {ms:.1} stddev 21.9\n\
         Connection time [ms]: connect 0.3\n\
         Connection length [replies/conn]: 1.000\n\n\
         Request rate: {rate}.0 req/s (2.5 ms/req)\n\
         Request size [B]: 77.0\n\n\
         Reply rate [replies/s]: min {rate}.0 avg {rate}.0 max {rate}.0 stddev 0.0 (1 samples)\n\
         Reply time [ms]: response {ms:.1} transfer 0.0\n\
         Reply size [B]: header 108.0 content 69.0 footer 0.0 (total 177.0)\n\
         Reply status: 1xx=0 2xx={} 3xx=0 4xx=0 5xx={fail}\n\n\
         CPU time [s]: user 0.27 system 4.86 (user 3.3% system 60.2% total 63.5%)\n\
         Net I/O: 98.4 KB/s (0.8*10^6 bps)\n\n\
         Errors: total 0 client-timo 0 socket-timo 0 connrefused 0 connreset 0\n\
         Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0\n",
        n - fail
    )
}

/// httperf runs at `--rate` 100, 400 and 1,200 saved side by side in one dir
/// (`httperf_rate100.txt` …): three open-model stages at those rates, the last one's
/// 5xx its own. Before, the three had the same (no) users, so they were pooled as
/// repeats of one stage `httperf` at a time-weighted 567 req/s, with 25 % errors that
/// no run measured, and two "another run at the same load" problems (exit 2).
#[test]
fn httperf_runs_at_other_rates_in_one_dir_are_stages_not_repeats() {
    let dir = TestDir::new();
    let runs = [
        (100u32, 800u64, 0u64, 42.0),
        (400, 3200, 0, 42.7),
        (1200, 9600, 3398, 53.8),
    ];
    for (rate, n, fail, ms) in runs {
        dir.write(
            &format!("run/httperf_rate{rate}.txt"),
            httperf_console(rate, n, fail, ms),
        );
    }
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 3, "{stages:#?}");
    for (stage, (rate, n, fail, _)) in stages.iter().zip(runs) {
        assert_eq!(stage["arrival_rate_rps"].as_f64(), Some(f64::from(rate)));
        assert_eq!(stage["requests"].as_u64(), Some(n), "{stage:#}");
        assert_eq!(stage["failures"].as_u64(), Some(fail), "{stage:#}");
        assert_eq!(stage["name"], format!("{rate}_rps"));
    }
}
