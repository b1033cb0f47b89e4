//! Stage dirs and stage windows: several dirs read together name their own stages
//! whatever the tool (Locust too), in time order; a plateau's window is the span of
//! its requests; a time filter that leaves every stage empty is refused.

use serde_json::Value;

use crate::common::{analyze_json, headroom, headroom_in, TestDir};

const HISTORY_HEADER: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,\
     Total Request Count,Total Failure Count,Total Median Response Time,\
     Total Average Response Time,Total Min Response Time,Total Max Response Time,\
     Total Average Content Size\r\n";

/// A Locust stats history (Aggregated rows only) from epoch second `t0`: one row a
/// second for `users.len()` seconds, users `users[t]`, 80 requests a second while
/// users are above zero (cumulative totals), no failures.
pub(crate) fn history(t0: u64, users: &[u32]) -> String {
    let mut csv = String::from(HISTORY_HEADER);
    let mut total = 0;
    for (t, u) in users.iter().enumerate() {
        if t > 0 && *u > 0 {
            total += 80;
        }
        let pct = if total > 0 { "10,20" } else { "N/A,N/A" };
        csv.push_str(&format!(
            "{},{u},,Aggregated,0.0,0.0,{pct},{total},0,10,10.0,1,50,100\r\n",
            t0 + t as u64
        ));
    }
    csv
}

pub(crate) const T0: u64 = 1_700_000_000;

fn stage_names(report: &Value) -> Vec<String> {
    report["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

fn stage<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {report:#}"))
}

#[test]
fn locust_stage_dirs_at_the_same_users_are_two_stages_named_after_their_dirs_in_time_order() {
    // Two 6 s runs at 20 users, 4 minutes apart; "evening" sorts before "morning".
    let dir = TestDir::new();
    let users = [0, 20, 20, 20, 20, 20, 20];
    dir.write("runs/morning/locust_stats_history.csv", history(T0, &users));
    dir.write(
        "runs/evening/locust_stats_history.csv",
        history(T0 + 240, &users),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage_names(&report), ["morning", "evening"], "{stderr}");
    for name in ["morning", "evening"] {
        let s = stage(&report, name);
        assert_eq!(s["users"], 20);
        // The plateau is the rows at t = 1..6: 400 requests between its ends, made at
        // 80 a second; never the 4-minute gap between the runs.
        let rps = s["throughput_rps"].as_f64().unwrap();
        assert!((rps - 80.0).abs() < 0.5, "{name}: {rps} req/s");
        let d = s["duration_s"].as_f64().unwrap();
        assert!(d < 10.0, "{name}: {d} s");
    }
}

#[test]
fn a_locust_stage_dir_keeps_its_name_and_several_plateaus_inside_it_are_dir_slash_users() {
    let dir = TestDir::new();
    // stage-2 at 30 users; soak: 10 users for 10 s, then 40 users for 10 s.
    let flat = [0, 30, 30, 30, 30, 30, 30];
    let mut soak = vec![0];
    soak.extend([10; 10]);
    soak.extend([40; 10]);
    dir.write("runs/stage-2/res_stats_history.csv", history(T0, &flat));
    dir.write("runs/soak/res_stats_history.csv", history(T0 + 100, &soak));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("runs")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stage_names(&report),
        ["stage-2", "soak/10_users", "soak/40_users"],
        "{stderr}"
    );
    assert_eq!(stage(&report, "stage-2")["users"], 30);
    assert_eq!(stage(&report, "soak/40_users")["users"], 40);
    // The SLA and --verdict-stage name the dir's stage.
    let sla = dir.write(
        "sla.toml",
        "[stage.stage-2]\nrules = [\"error_rate < 50%\"]\n",
    );
    let out = headroom(&[
        "check",
        dir.path().join("runs").to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--verdict-stage",
        "stage-2",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stderr.contains("names no stage"), "{stderr}");
    assert!(stdout.contains("on `stage-2`"), "{stdout}\n{stderr}");
}

/// Generic request rows with a users column: 5 requests a second at 20 users, the
/// first at 10:00:00.400, every 200 ms, for `n` requests (the last starts at
/// 0.400 + (n − 1) × 0.2 s).
fn requests_csv(n: u64) -> String {
    let t0 = T0 * 1000 + 400;
    let mut csv =
        String::from("timestamp_ms,endpoint,method,latency_ms,status,success,error,users\n");
    for i in 0..n {
        csv.push_str(&format!("{},/a,GET,10,200,true,,20\n", t0 + i * 200));
    }
    csv
}

#[test]
fn a_users_plateau_window_is_the_span_of_its_requests_not_whole_seconds() {
    let dir = TestDir::new();
    // 26 requests from t0 + 0.4 s to t0 + 5.4 s: they cover 5.0 s (+1 ms, the clock's
    // resolution), while the whole seconds they fall in cover 6 s.
    dir.write("run/requests.csv", requests_csv(26));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage_names(&report), ["20_users"]);
    let s = stage(&report, "20_users");
    assert_eq!(s["requests"], 26);
    let overall = report["overall"]["throughput_rps"].as_f64().unwrap();
    let rps = s["throughput_rps"].as_f64().unwrap();
    let expected = 26.0 / 5.001;
    assert!(
        (rps - expected).abs() < 0.01,
        "stage {rps}, expected {expected}"
    );
    assert!(
        (rps - overall).abs() < 0.01,
        "stage {rps}, overall {overall}"
    );
}

#[test]
fn a_time_filter_that_leaves_no_requests_is_refused_with_the_data_span() {
    let dir = TestDir::new();
    let mut users = vec![0];
    users.extend([10; 20]);
    dir.write("run/res_stats_history.csv", history(T0, &users));
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let run = dir.path().join("run");
    for flags in [
        &["--warmup", "30s"][..],
        &["--from", "2030-01-01T00:00:00Z"],
    ] {
        let mut args = vec![
            "check",
            run.to_str().unwrap(),
            "--sla",
            sla.to_str().unwrap(),
        ];
        args.extend(flags);
        let out = headroom(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stdout}\n{stderr}");
        assert!(stderr.contains(flags[0]), "{stderr}");
        assert!(stderr.contains("left no requests"), "{stderr}");
        // The history runs from T0 (2023-11-14T22:13:20Z) for 20 s.
        assert!(
            stderr.contains("2023-11-14T22:13:20.000Z → 2023-11-14T22:13:40.000Z"),
            "{stderr}"
        );
        assert!(!stdout.contains("verdict"), "{stdout}");
    }
    // A warmup that leaves requests is not refused.
    let out = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--warmup",
        "5s",
    ]);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_sla_finds_stage_dirs_written_in_another_spelling() {
    // Dirs `01_Baseline` (10 users) and `02_Peak-Load` (20 users), a minute apart; the
    // SLA names them `baseline` and `peak_load`.
    let dir = TestDir::new();
    let at = |u: u32| [0, u, u, u, u, u, u];
    dir.write(
        "runs/01_Baseline/locust_stats_history.csv",
        history(T0, &at(10)),
    );
    dir.write(
        "runs/02_Peak-Load/locust_stats_history.csv",
        history(T0 + 60, &at(20)),
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak_load\"]\nrules = [\"p(95) < 1s\"]\n\
         [stage.baseline]\nrules = [\"throughput >= 50/s\"]\n",
    );
    let runs = dir.path().join("runs");
    let (code, report, stderr) = analyze_json(&[&runs], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    // Named as dirs with a user count are: the words, the ordering number dropped.
    assert_eq!(stage_names(&report), ["baseline", "peak_load"]);
    assert!(!stderr.contains("names no stage"), "{stderr}");
    assert_eq!(
        report["sla"]["verdict_stages"],
        serde_json::json!(["peak_load"])
    );
    // 80 requests a second (the fixture's rate) against the baseline's 50/s.
    let throughput = report["sla"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "throughput >= 50/s")
        .expect("the [stage.baseline] rule is run");
    assert_eq!(throughput["stage"], "baseline", "{throughput}");
    assert_eq!(throughput["status"], "pass", "{throughput}");
}

/// `analyze .` inside a run dir names the run's one stage after the dir, as
/// `analyze PATH/TO/DIR` does, so an SLA's `verdict_stages` finds it either way.
#[test]
fn a_run_dir_given_as_dot_is_named_after_the_dir() {
    let dir = TestDir::new();
    // No users column: the run's one stage is the run, named after its dir.
    let rows: String = (0..10)
        .map(|i| format!("{},/a,GET,10,200,true,\n", T0 * 1000 + i * 200))
        .collect();
    dir.write(
        "nightly-42/requests.csv",
        format!("timestamp_ms,endpoint,method,latency_ms,status,success,error\n{rows}"),
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"nightly-42\"]\nrules = [\"p(95) < 1s\"]\n",
    );
    let run = dir.path().join("nightly-42");
    let json = |cwd: &std::path::Path, target: &str, n: usize| {
        let out = headroom_in(
            cwd,
            &[
                "analyze",
                target,
                "--sla",
                sla.to_str().unwrap(),
                "--format",
                "json",
                "--charts",
                "none",
                "--out",
                dir.path().join(format!("out-{n}")).to_str().unwrap(),
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).expect("report.json on stdout")
    };
    let cases = [
        (run.clone(), "."),
        (run.join("sub"), ".."),
        (run.clone(), "./"),
    ];
    for (n, (cwd, target)) in cases.iter().enumerate() {
        std::fs::create_dir_all(cwd).unwrap();
        let report = json(cwd, target, n);
        assert_eq!(stage_names(&report), ["nightly-42"], "{target}");
        assert_eq!(
            report["sla"]["verdict_stages"],
            serde_json::json!(["nightly-42"])
        );
    }
}

/// hey's CSV of `n` requests, the first at `first_ms` from the test's start, one every
/// `step_ms`, all 200 in 10 ms.
fn hey_csv_from(first_ms: u64, step_ms: u64, n: u64) -> String {
    let mut s = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..n {
        let offset = (first_ms + i * step_ms) as f64 / 1000.0;
        s.push_str(&format!(
            "0.0100,0.0001,0.0000,0.0000,0.0099,0.0000,200,{offset:.3}\n"
        ));
    }
    s
}

/// hey's CSV counts time from each test's start (no clock): three stage dirs' runs
/// start 25, 3 and 12 ms in. They stay in the dirs' order (5, 20, 60 users), not that
/// of their offsets, and the overall duration is the three runs' windows added (each
/// from its first request's start to its last answer, 10 ms after its last start:
/// 2,980 + 2,803 + 2,707 ms), not one 3 s window laid over all of them.
#[test]
fn stage_dirs_of_clockless_files_keep_the_dirs_order_and_add_their_durations() {
    let dir = TestDir::new();
    dir.write("run/01_ramp_5users/results.csv", hey_csv_from(25, 30, 100));
    dir.write("run/02_ramp_20users/results.csv", hey_csv_from(3, 7, 400));
    dir.write("run/03_ramp_60users/results.csv", hey_csv_from(12, 3, 900));
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let users: Vec<u64> = (report["stages"].as_array())
        .unwrap_or_else(|| panic!("{stderr}"))
        .iter()
        .map(|s| s["users"].as_u64().unwrap())
        .collect();
    assert_eq!(users, vec![5, 20, 60]);
    let secs = report["overall"]["duration_s"].as_f64().unwrap();
    assert!((secs - 8.490).abs() < 1e-6, "{secs}");
    let rps = report["overall"]["throughput_rps"].as_f64().unwrap();
    assert!((rps - 1400.0 / 8.490).abs() < 1e-6, "{rps}");
}

/// Each stage's name, users, requests and failures.
fn stage_rows(report: &Value) -> Vec<(String, u64, u64, u64)> {
    let stages = report["stages"].as_array().expect("stages");
    (stages.iter())
        .map(|s| {
            let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("{k}: {s}"));
            let name = s["name"].as_str().unwrap().to_string();
            (name, n("users"), n("requests"), n("failures"))
        })
        .collect()
}

/// A Locust `_stats.csv` of one scenario: `GET /health` and `GET /api/agents` (Locust's
/// `name="GET /api/agents"` under its `GET` type), `(requests, failures)` each.
fn scenario_stats(health: (u64, u64), agents: (u64, u64)) -> String {
    let total = (health.0 + agents.0, health.1 + agents.1);
    let row = |ty: &str, name: &str, (n, f): (u64, u64)| {
        format!("{ty},{name},{n},{f},20,22.0,1,90,15,10.0,0.0,20,40,90\n")
    };
    format!(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
         Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
         50%,95%,100%\n{}{}{}",
        row("GET", "/health", health),
        row("GET", "GET /api/agents", agents),
        row("", "Aggregated", total)
    )
}

/// The seed report's layout: a script runs one Locust scenario after another into one
/// results dir, each under its own `--csv` prefix (`01_Baseline_100users_stats.csv`,
/// …) beside its failures file. Each prefix is a stage, named and peopled by it, with
/// the requests its own Aggregated row counts; before, the first set by name was the
/// whole run and the others were skipped, so an SLA on "Peak" judged nothing.
#[test]
fn several_locust_sets_in_one_dir_are_one_stage_each() {
    let dir = TestDir::new();
    let run = "results/2026-01-18_03-12-00";
    let sets = [
        ("01_Baseline_100users", (100, 0), (900, 0)),
        ("02_Peak_1000users", (400, 0), (3600, 40)),
        ("03_Stress_2000users", (600, 0), (5400, 600)),
    ];
    let failures = "Method,Name,Error,Occurrences\n";
    for (prefix, health, agents) in sets {
        dir.write(
            &format!("{run}/{prefix}_stats.csv"),
            scenario_stats(health, agents),
        );
        dir.write(&format!("{run}/{prefix}_failures.csv"), failures);
    }
    dir.write(&format!("{run}/README.txt"), "baseline, peak, stress\n");
    let (code, report, stderr) = analyze_json(&[&dir.path().join(run)], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().expect("stages");
    let got = stage_rows(&report);
    let want: Vec<(String, u64, u64, u64)> = [("baseline", 100), ("peak", 1000), ("stress", 2000)]
        .iter()
        .zip(sets)
        .map(|(&(name, users), (_, h, a))| (name.to_string(), users, h.0 + a.0, h.1 + a.1))
        .collect();
    assert_eq!(got, want, "{stderr}");
    let keys: Vec<&str> = (stages[1]["endpoints"].as_array().unwrap().iter())
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"GET /api/agents"), "{keys:?}");
    assert!(!stderr.contains("second Locust result set"), "{stderr}");
}

/// Locust's HTML report as Locust 1.x–2.21 render it (no data object; reduced to
/// what it holds): `/a` with `(n, fails)`, `/b` with `(m, 0)`, Aggregated at `rps`,
/// `users` in its history, 503s as the failures.
fn legacy_locust_html(a: (u64, u64), m: u64, rps: f64, users: u32) -> String {
    let row = |method: &str, name: &str, cells: &str, total: bool| {
        let class = if total { " class=\"total\"" } else { "" };
        format!("<tr{class}>\n<td>{method}</td>\n<td>{name}</td>\n{cells}</tr>\n")
    };
    let td = |v: &[String]| {
        v.iter()
            .map(|x| format!("<td>{x}</td>\n"))
            .collect::<String>()
    };
    let stats = |n: u64, f: u64, r: f64| {
        td(&[
            n.to_string(),
            f.to_string(),
            "40".into(),
            "2".into(),
            "900".into(),
            "70".into(),
            format!("{r:.1}"),
            "0.0".into(),
        ])
    };
    let pct = |p50: u32, p95: u32| {
        td(&[p50, p50, p50, p50, p95, p95, p95 * 2, p95 * 3].map(|v| v.to_string()))
    };
    let total = a.0 + m;
    let mut html = String::from(
        "<!DOCTYPE html>\n<html>\n<head>\n    <title>Test Report for locustfile.py</title>\n\
         <style>body { background: #173529; }</style>\n</head>\n<body>\n<div class=\"container\">\n\
         <h1>Locust Test Report</h1>\n<div class=\"info\">\n<p>During: <span class=\"l10n \
         datetime\">2026-01-18 03:12:00</span> - <span class=\"l10n datetime\">2026-01-18 \
         03:17:00</span></p>\n</div>\n<div class=\"requests\">\n<h2>Request Statistics</h2>\n\
         <table class=\"stats\">\n<thead>\n<tr>\n<th class=\"sortable\">Method</th>\n<th>Name</th>\n\
         <th># Requests</th>\n<th># Fails</th>\n<th>Average (ms)</th>\n<th>Min (ms)</th>\n\
         <th>Max (ms)</th>\n<th>Average size (bytes)</th>\n<th>RPS</th>\n<th>Failures/s</th>\n\
         </tr>\n</thead>\n<tbody>\n",
    );
    html += &row("GET", "/a", &stats(a.0, a.1, 0.0), false);
    html += &row("GET", "/b", &stats(m, 0, 0.0), false);
    html += &row("", "Aggregated", &stats(total, a.1, rps), true);
    html += "</tbody>\n</table>\n</div>\n<div class=\"responses\">\n<h2>Response Time \
             Statistics</h2>\n<table class=\"stats\">\n<thead>\n<tr>\n<th>Method</th>\n<th>Name</th>\n";
    for p in [50, 60, 70, 80, 90, 95, 99, 100] {
        html += &format!("<th class=\"sortable\">{p}%ile (ms)</th>\n");
    }
    html += "</tr>\n</thead>\n<tbody>\n";
    html += &row("GET", "/a", &pct(30, 80), false);
    html += &row("GET", "/b", &pct(20, 60), false);
    html += &row("", "Aggregated", &pct(25, 70), true);
    html += "</tbody>\n</table>\n</div>\n";
    if a.1 > 0 {
        html += &format!(
            "<div class=\"failures\">\n<h2>Failures Statistics</h2>\n<table class=\"stats\">\n\
             <thead>\n<tr>\n<th>Method</th>\n<th>Name</th>\n<th>Error</th>\n<th>Occurrences</th>\n\
             </tr>\n</thead>\n<tbody>\n<tr>\n<td>GET</td>\n<td>/a</td>\n<td>HTTPError(&#x27;503 \
             Server Error: Service Unavailable for url: /a&#x27;)</td>\n<td>{}</td>\n</tr>\n\
             </tbody>\n</table>\n</div>\n",
            a.1
        );
    }
    html += &format!(
        "</div>\n<script>\nvar stats_history = {{\n    \"time\": [\"03:12:01\", \"03:12:02\"],\n    \
         \"user_count\": [{{\"value\": {users}}}, {{\"value\": {users}}}],\n    \"current_rps\": \
         [{{\"users\": {users}, \"value\": 88.0}}],\n}};\n</script>\n</body>\n</html>\n"
    );
    html
}

/// The seed report's own layout (Locust 2.20 with `--html` only, one report per
/// scenario, in one results dir): each report is a stage, named and peopled by its
/// file name, with its table's counts, its 503s as such, and the time its requests
/// took at its RPS. Before, Locust's pre-2.22 report was "not a recognised load-test
/// result", and the dir had no results at all.
#[test]
fn locust_html_reports_before_2_22_in_one_dir_are_one_stage_each() {
    let dir = TestDir::new();
    let run = dir.path().join("results/2026-01-18_03-12-00");
    dir.write(
        "results/2026-01-18_03-12-00/01_Baseline_100users.html",
        legacy_locust_html((3000, 0), 1000, 40.0, 100),
    );
    dir.write(
        "results/2026-01-18_03-12-00/02_Peak_1000users.html",
        legacy_locust_html((24_000, 480), 8000, 320.0, 1000),
    );
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages = report["stages"].as_array().expect("stages");
    let want = [("baseline", 100, 4000, 0), ("peak", 1000, 32_000, 480)];
    assert_eq!(
        stage_rows(&report),
        want.map(|(n, u, r, f)| (n.to_string(), u, r, f))
    );
    // 32,000 requests at 320 req/s: 100 s.
    assert!((stages[1]["duration_s"].as_f64().unwrap() - 100.0).abs() < 1e-6);
    let peak_a = (stages[1]["endpoints"].as_array().unwrap().iter())
        .find(|e| e["key"] == "GET /a")
        .expect("GET /a");
    assert_eq!(peak_a["failures_by_kind"]["status:503"], 480, "{peak_a}");
    assert_eq!(peak_a["latency_ms"]["p95"], 80.0, "{peak_a}");
    assert_eq!(
        peak_a["top_errors"][0]["message"],
        "HTTPError('503 Server Error: Service Unavailable for url: /a')"
    );
}

/// ab's console of `n` requests at `c` concurrent users in `secs` s, `failed` of them
/// answered 503 (a length unlike the first answer's too), 10 ms each.
fn ab_console(c: u32, n: u64, failed: u64, secs: f64) -> String {
    let failed = match failed {
        0 => "0".to_string(),
        f => format!("{f}\n   (Connect: 0, Receive: 0, Length: {f}, Exceptions: 0)\nNon-2xx responses:      {f}"),
    };
    format!(
        "This is ApacheBench, Version 2.3 <$Revision$>\n\nBenchmarking 127.0.0.1 (be patient)\n\
         Completed {n} requests\nFinished {n} requests\n\n\nServer Hostname:        127.0.0.1\n\
         Server Port:            8080\n\nDocument Path:          /api\nDocument Length:        13 \
         bytes\n\nConcurrency Level:      {c}\nTime taken for tests:   {secs:.3} seconds\n\
         Complete requests:      {n}\nFailed requests:        {failed}\nTotal transferred:      \
         1000 bytes\nHTML transferred:       100 bytes\nRequests per second:    {:.2} [#/sec] \
         (mean)\nTime per request:       10.000 [ms] (mean)\n\nPercentage of the requests served \
         within a certain time (ms)\n  50%     10\n  90%     10\n  95%     10\n  99%     10\n \
         100%     10 (longest request)\n",
        n as f64 / secs
    )
}

/// Consoles of one tool saved one file per scenario in one dir, named as stage dirs
/// are (`01_Baseline_2users.log`, `02_Peak_16users.log`): each is the stage its name
/// says, so an SLA on "Peak" judges the peak run alone. Before, they were stages
/// `2_users` and `16_users`, which no SLA naming "Peak" finds (exit 2).
#[test]
fn consoles_saved_one_file_per_scenario_are_the_stages_their_names_say() {
    let dir = TestDir::new();
    // 2 users at 10 ms: 200 req/s; 16 users: 1,600 req/s, 2 % failed.
    dir.write("run/01_Baseline_2users.log", ab_console(2, 2000, 0, 10.0));
    dir.write("run/02_Peak_16users.log", ab_console(16, 16_000, 320, 10.0));
    dir.write("run/notes.txt", "baseline then peak\n");
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{stderr}");
    let want = [("baseline", 2, 2000, 0), ("peak", 16, 16_000, 320)];
    assert_eq!(
        stage_rows(&report),
        want.map(|(n, u, r, f)| (n.to_string(), u, r, f))
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"Peak\"]\nrules = [\"error_rate < 1%\"]\n",
    );
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("NO-GO on `peak`"), "{out}");
}

/// Stage dirs named after the concurrency flag (`c=1/`, `c=2/`, `c=16/`) of a tool
/// without clock times keep the order a person reads them in, not text order
/// (`c=1`, `c=16`, `c=2`), which put the 16-user stage between the others.
#[test]
fn stage_dirs_are_in_the_order_their_numbers_say() {
    let dir = TestDir::new();
    for c in [1, 2, 16] {
        dir.write(
            &format!("run/c={c}/ab.log"),
            ab_console(c, 1000 * u64::from(c), 0, 10.0),
        );
    }
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let users: Vec<u64> = (report["stages"].as_array().unwrap().iter())
        .map(|s| s["users"].as_u64().unwrap())
        .collect();
    assert_eq!(users, [1, 2, 16]);
}

/// A JMeter JTL of `n` samples from epoch ms `t0`, one every 100 ms, at `threads`
/// threads, `ms` each.
fn jtl(t0: i64, n: i64, threads: u32, ms: u32) -> String {
    let mut text = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,\
         failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n",
    );
    for i in 0..n {
        text += &format!(
            "{},{ms},list,200,OK,TG 1-1,text,true,,512,100,{threads},{threads},http://x/,1,0,1\n",
            t0 + i * 100
        );
    }
    text
}

/// A 30-second smoke test at 1 thread and, an hour later, a 5-minute load test at 50
/// threads, one JTL each in one dir: two stages holding every request. Before, the
/// idle hour counted in the span a stage must last 5 % of, so the smoke test was a
/// ramp's step: its 300 requests were in `overall` and in no stage, unsaid.
#[test]
fn a_smoke_test_an_hour_before_the_load_test_is_a_stage_of_its_own() {
    let dir = TestDir::new();
    let t0 = 1_796_376_447_000;
    dir.write("run/smoke.jtl", jtl(t0, 300, 1, 50));
    dir.write("run/load.jtl", jtl(t0 + 3_600_000, 3000, 50, 80));
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let got: Vec<(u64, u64)> = stage_rows(&report)
        .into_iter()
        .map(|s| (s.1, s.2))
        .collect();
    assert_eq!(got, [(1, 300), (50, 3000)]);
}

/// JTLs saved one per scenario (`01_smoke_1users.jtl`, `02_load_50users.jtl`) beside a
/// `jmeter.log` named for neither: two stages, and the log is not read alone as a third
/// that counts the load test's 3,000 requests again (it was: 6,300 requests in all);
/// it is skipped as other data, saying how to name it.
#[test]
fn a_console_named_for_no_scenario_beside_runs_saved_one_per_scenario_is_not_counted_again() {
    let dir = TestDir::new();
    let t0 = 1_796_376_447_000;
    dir.write("run/01_smoke_1users.jtl", jtl(t0, 300, 1, 50));
    dir.write("run/02_load_50users.jtl", jtl(t0 + 600_000, 3000, 50, 80));
    dir.write(
        "run/jmeter.log",
        "2026-12-04 10:27:00,000 INFO o.a.j.JMeter: Version 5.6.3\n\
         2026-12-04 10:32:30,000 INFO o.a.j.r.Summariser: summary =   3000 in 00:05:00 =   \
         10.0/s Avg:    80 Min:    80 Max:    80 Err:     0 (0.00%)\n\
         2026-12-04 10:32:31,000 INFO o.a.j.JMeter: ... end of run\n",
    );
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    let want = [("smoke", 1, 300, 0), ("load", 50, 3000, 0)];
    assert_eq!(
        stage_rows(&report),
        want.map(|(n, u, r, f)| (n.to_string(), u, r, f)),
        "{stderr}"
    );
    assert_eq!(report["overall"]["requests"], 3300);
    let skipped = (report["skipped"].as_array().unwrap().iter())
        .find(|s| s["path"].as_str().unwrap().ends_with("jmeter.log"))
        .unwrap_or_else(|| panic!("{}", report["skipped"]));
    assert_eq!(skipped["kind"], "other_data", "{skipped}");
    assert!(
        skipped["reason"]
            .as_str()
            .unwrap()
            .contains("02_load_50users.log"),
        "{skipped}"
    );
}

/// A count that is no number in an old Locust report's table is a problem named at the
/// line of its row (exit 2); the other reports are still read.
#[test]
fn a_bad_count_in_an_old_locust_report_is_named_at_its_row() {
    let dir = TestDir::new();
    let page =
        legacy_locust_html((3000, 0), 1000, 40.0, 100).replacen("<td>3000</td>", "<td>3k</td>", 1);
    let lines: Vec<&str> = page.lines().collect();
    let cell = lines
        .iter()
        .position(|l| l.contains("<td>3k</td>"))
        .unwrap();
    let row = (0..cell)
        .rev()
        .find(|&i| lines[i].starts_with("<tr"))
        .unwrap()
        + 1;
    dir.write("run/01_Baseline_100users.html", page);
    dir.write(
        "run/02_Peak_1000users.html",
        legacy_locust_html((24_000, 480), 8000, 320.0, 1000),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 2, "{stderr}");
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["line"].as_u64() == Some(row as u64)),
        "line {row}: {problems:?}"
    );
    assert_eq!(report["overall"]["requests"], 32_000);
}

#[test]
fn an_sla_naming_a_stage_that_was_run_again_asks_which_run_decides() {
    // `03_peak_32users/` and, ten minutes later, `03_peak_32users_rerun/`: the stages
    // `peak` and `peak_rerun`. Judging `peak` alone would let the first run decide on
    // a stage the team re-did.
    let dir = TestDir::new();
    let at = |u: u32| [0, u, u, u, u, u, u];
    dir.write(
        "runs/03_peak_32users/locust_stats_history.csv",
        history(T0, &at(32)),
    );
    dir.write(
        "runs/03_peak_32users_rerun/locust_stats_history.csv",
        history(T0 + 600, &[0, 32, 32, 32, 32]),
    );
    let runs = dir.path().join("runs");
    let check = |sla: &str| {
        let sla = dir.write("sla.toml", sla);
        headroom(&[
            "check",
            runs.to_str().unwrap(),
            "--sla",
            sla.to_str().unwrap(),
        ])
    };
    let o = check("[global]\nverdict_stages = [\"peak\"]\nrules = [\"p(95) < 1s\"]\n");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("\"peak\" or \"peak_rerun\"") && err.contains("a run and its rerun"),
        "{err}"
    );
    let o = check("[stage.peak]\nrules = [\"p(95) < 1s\"]\n");
    assert_eq!(o.status.code(), Some(2));
    // Named as the data spells it, the re-run decides.
    let o = check("[global]\nverdict_stages = [\"peak_rerun\"]\nrules = [\"p(95) < 1s\"]\n");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("GO on `peak_rerun`"), "{out}");
}

#[test]
fn stage_dirs_named_with_connections_give_users_and_the_stage_words() {
    // wrk users name dirs after `-c`: `01_base_4c`, `02_peak_16c`; an SLA says `peak`.
    let dir = TestDir::new();
    let csv = |start: u64| {
        let mut s = String::from("timestamp_ms,endpoint,method,latency_ms,status,success\n");
        for i in 0..50 {
            s.push_str(&format!("{},/a,GET,10,200,true\n", start + i * 100));
        }
        s
    };
    dir.write("runs/01_base_4c/requests.csv", csv(T0 * 1000));
    dir.write("runs/02_peak_16c/requests.csv", csv(T0 * 1000 + 60_000));
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"error_rate < 1%\"]\n",
    );
    let runs = dir.path().join("runs");
    let (code, report, stderr) = analyze_json(&[&runs], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stage_names(&report), ["base", "peak"]);
    assert_eq!(stage(&report, "base")["users"], 4);
    assert_eq!(stage(&report, "peak")["users"], 16);
    assert_eq!(report["sla"]["verdict_stages"], serde_json::json!(["peak"]));
}
