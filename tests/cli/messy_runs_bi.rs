//! Messy runs, batch "bi" (qa63): httperf stepped by `--rate` in a shell loop (each
//! run `tee`d to its own file, the loop's output to one log), siege `-f urls.txt` with
//! its verbose per-request lines, and h2load `-m N`: each run counted once, each URL
//! its own endpoint, and what `-m` does to the users reading said.

use super::common::{analyze_json, TestDir};

/// httperf 0.9's console of `--rate RATE --num-conns CONNS --num-calls CALLS
/// --timeout 0.5` against `uri`: `replies` 2xx answers, `timeouts` client time-outs
/// (so requests = replies + timeouts), over `secs` seconds.
fn httperf(
    uri: &str,
    rate: u32,
    conns: u32,
    calls: u32,
    replies: u32,
    timeouts: u32,
    secs: f64,
) -> String {
    let requests = replies + timeouts;
    format!(
        "httperf: warning: open file limit > FD_SETSIZE; limiting max. # of open files to FD_SETSIZE\n\
         httperf --timeout=0.5 --client=0/1 --server=127.0.0.1 --port=18450 --uri={uri} \
         --rate={rate} --send-buffer=4096 --recv-buffer=16384 --num-conns={conns} --num-calls={calls}\n\
         Maximum connect burst length: 1\n\n\
         Total: connections {conns} requests {requests} replies {replies} test-duration {secs:.3} s\n\n\
         Connection rate: {:.1} conn/s (49.6 ms/conn, <=2 concurrent connections)\n\
         Connection time [ms]: min 9.8 avg 21.4 max 52.2 median 18.5 stddev 9.3\n\
         Connection time [ms]: connect 0.0\n\
         Connection length [replies/conn]: 1.000\n\n\
         Request rate: {:.1} req/s (49.6 ms/req)\n\
         Request size [B]: 75.0\n\n\
         Reply rate [replies/s]: min 0.0 avg 0.0 max 0.0 stddev 0.0 (0 samples)\n\
         Reply time [ms]: response 21.4 transfer 0.0\n\
         Reply size [B]: header 108.0 content 91.0 footer 0.0 (total 199.0)\n\
         Reply status: 1xx=0 2xx={replies} 3xx=0 4xx=0 5xx=0\n\n\
         CPU time [s]: user 0.34 system 2.49 (user 11.4% system 82.6% total 94.0%)\n\
         Net I/O: 16.0 KB/s (0.1*10^6 bps)\n\n\
         Errors: total {timeouts} client-timo {timeouts} socket-timo 0 connrefused 0 connreset 0\n\
         Errors: fd-unavail 0 addrunavail 0 ftab-full 0 other 0\n",
        conns as f64 / secs,
        requests as f64 / secs,
    )
}

/// `for r in 20 60 150; do echo "== rate $r"; httperf --rate $r … | tee rate-$r.txt;
/// done > all-rates.log`: the loop's log holds every run's capture word for word. Each
/// stage counts its run once (60, 180, 450 requests), never twice (the log's first run
/// pooled with rate-20.txt gave 120), and the log is named as the same data, the data
/// still clean.
#[test]
fn an_httperf_loop_log_beside_each_rates_tee_counts_each_run_once() {
    let dir = TestDir::new();
    let runs = [(20, 60, 2.974), (60, 180, 3.010), (150, 450, 3.022)];
    let mut log = String::new();
    for (rate, conns, secs) in runs {
        let capture = httperf("/api/v1/agents", rate, conns, 1, conns, 0, secs);
        dir.write(&format!("steps/rate-{rate}.txt"), &capture);
        log += &format!("== rate {rate}\n{capture}");
    }
    dir.write("steps/all-rates.log", &log);
    let (code, report, stderr) = analyze_json(&[&dir.path().join("steps")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stages: Vec<(String, u64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64)> = runs
        .iter()
        .map(|r| (format!("{}_rps", r.0), r.1 as u64))
        .collect();
    assert_eq!(stages, want, "{stderr}");
    assert_eq!(report["overall"]["requests"], 60 + 180 + 450);
    assert_ne!(report["data_quality"], "incomplete", "{report}");
    let skipped = report["skipped"].to_string();
    assert!(skipped.contains("all-rates.log"), "{skipped}");
    assert!(
        skipped.contains("rate-20.txt, ") && skipped.contains("rate-150.txt"),
        "{skipped}"
    );

    // A log holding a run no file of its own holds (a fourth rate run only into the
    // log) is set aside as other data: that run is said to be left out.
    let extra = httperf("/api/v1/agents", 300, 900, 1, 900, 0, 3.0);
    dir.write(
        "more/rate-20.txt",
        httperf("/api/v1/agents", 20, 60, 1, 60, 0, 2.974),
    );
    dir.write(
        "more/all-rates.log",
        format!(
            "{}{extra}",
            httperf("/api/v1/agents", 20, 60, 1, 60, 0, 2.974)
        ),
    );
    let (_, report, stderr) = analyze_json(&[&dir.path().join("more")], &[]);
    assert_eq!(report["overall"]["requests"], 60, "{stderr}");
    assert_eq!(report["data_quality"], "incomplete", "{report}");
    assert!(
        report["skipped"]
            .to_string()
            .contains("other results besides"),
        "{report}"
    );
}

/// One of siege's coloured per-request lines.
fn siege_line(status: u16, secs: f64, method: &str, url: &str) -> String {
    format!(
        "\x1b[0;34mHTTP/1.1 {status}     {secs:.2} secs:      91 bytes ==> {method} {url}\x1b[0m\n"
    )
}

/// `siege -f urls.txt -c 4 -t 3S -v 2>&1 | tee siege.txt` (siege 4.0.7, text summary):
/// 100 lines of `GET /api/v1/agents` at 0.02 s, `GET /api/v1/agents/42` 3 × 200 at 0.03
/// s and a 404, `POST http://…/api/v1/agents/run` (siege prints a POST's whole URL) 4
/// × 200 at 0.30 s and a 503 (a failed transaction), `GET /health` twice, the second
/// line cut by the summary and its tail printed after it, and one transaction siege
/// counted as its timer fired without a line: 111 transactions, 1 failed.
fn siege_f_capture() -> String {
    let post = "http://127.0.0.1:18450/api/v1/agents/run";
    let mut out = "** SIEGE 4.0.7\n** Preparing 4 concurrent users for battle.\n\
                   The server is now under siege...\n"
        .to_string();
    for i in 0..100 {
        out += &siege_line(200, 0.02, "GET ", "/api/v1/agents");
        if i % 20 == 0 && i < 80 {
            let status = if i == 60 { 404 } else { 200 };
            out += &siege_line(
                status,
                if status == 200 { 0.03 } else { 0.01 },
                "GET ",
                "/api/v1/agents/42",
            );
            out += &siege_line(200, 0.30, "POST", post);
        }
    }
    out += &siege_line(503, 1.00, "POST", post);
    out += &siege_line(200, 0.00, "GET ", "/health");
    out += "\x1b[0;34mHTTP/1.1 200     0.00 secs: \nLifting the server siege...\n\
            Transactions:\t\t         111 hits\nAvailability:\t\t       99.11 %\n\
            Elapsed time:\t\t        2.43 secs\nData transferred:\t        0.01 MB\n\
            Response time:\t\t        0.04 secs\nTransaction rate:\t       45.68 trans/sec\n\
            Throughput:\t\t        0.00 MB/sec\nConcurrency:\t\t        1.95\n\
            Successful transactions:         110\nFailed transactions:\t           1\n\
            Longest transaction:\t        1.00\nShortest transaction:\t        0.00\n \n\
            \x20    15 bytes ==> GET  /health\x1b[0m\n";
    out
}

/// siege `-f urls.txt`: each URL its lines name is an endpoint of its own (a POST's
/// whole URL and a path are one route), its requests and failures from its lines; the
/// transaction without a line is its own endpoint, so the run's total stays siege's
/// 112; the users are the banner's 4. An SLA naming routes judges them.
#[test]
fn siege_f_urls_are_endpoints_by_route_from_the_verbose_lines() {
    let dir = TestDir::new();
    dir.write("siege-f/siege.txt", siege_f_capture());
    let (code, report, stderr) = analyze_json(&[&dir.path().join("siege-f")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["overall"]["requests"], 112, "{report}");
    assert_eq!(report["overall"]["failures"], 2, "{report}");
    assert_eq!(report["stages"][0]["users"], 4, "{report}");
    let mut eps: Vec<(String, u64, u64)> =
        (report["stages"][0]["endpoints"].as_array().unwrap().iter())
            .map(|e| {
                let n = |k: &str| e[k].as_u64().unwrap();
                (
                    e["key"].as_str().unwrap().to_string(),
                    n("requests"),
                    n("failures"),
                )
            })
            .collect();
    eps.sort();
    let want = [
        ("GET /api/v1/agents", 100, 0),
        ("GET /api/v1/agents/42", 4, 1),
        ("GET /health", 2, 0),
        ("POST /api/v1/agents/run", 5, 1),
        ("siege (no per-request line)", 1, 0),
    ];
    let want: Vec<(String, u64, u64)> = want.iter().map(|w| (w.0.to_string(), w.1, w.2)).collect();
    assert_eq!(eps, want, "{stderr}");

    let sla = dir.write(
        "sla.toml",
        "[endpoint.\"/api/v1/agents\"]\nrules = [\"mean < 50ms\"]\n\
         [endpoint.\"POST /api/v1/agents/run\"]\nrules = [\"error_rate < 1%\"]\n",
    );
    let o = super::common::headroom(&[
        "check",
        dir.path().join("siege-f").to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--color",
        "never",
    ]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{out}");
    // GET /api/v1/agents: 100 lines at 0.02 s, mean 20 ms; the POST: 1 of 5 failed.
    let row = |ep: &str, m: &str| {
        (out.lines())
            .find(|l| l.contains(m) && l.contains(ep) && !l.contains("overall"))
            .unwrap_or_else(|| panic!("{ep} {m}: {out}"))
            .to_string()
    };
    let mean = row("GET /api/v1/agents ", "mean");
    assert!(mean.contains("20 ms") && mean.contains("pass"), "{mean}");
    let errors = row("POST /api/v1/agents/run", "error_rate");
    assert!(
        errors.contains("20%") && errors.contains("FAIL"),
        "{errors}"
    );
}

/// `h2load --h1 -n 400 -c 4 -m 8 URL > m8.txt`: 400 requests in 2.83 s (141.45
/// req/s) with a mean of 199.03 ms: X·R ≈ 28.2 requests in flight, 7 per client, far
/// over what 4 clients waiting for each answer make (N/R ≈ 20 req/s). The audit's
/// finding is kept, and now says what -m does: the clients are not the concurrency.
#[test]
fn h2load_m_audit_finding_names_what_m_does_to_the_users() {
    let dir = TestDir::new();
    dir.write(
        "h2m8/m8.txt",
        "starting benchmark...\nspawning thread #0: 4 total client(s). 400 total requests\n\
         Application protocol: http/1.1\nprogress: 100% done\n\n\
         finished in 2.83s, 141.45 req/s, 27.49KB/s\n\
         requests: 400 total, 400 started, 400 done, 400 succeeded, 0 failed, 0 errored, 0 timeout\n\
         status codes: 400 2xx, 0 3xx, 0 4xx, 0 5xx\n\
         traffic: 77.73KB (79600) total, 30.08KB (30800) headers (space savings 0.00%), 35.55KB (36400) data\n\
         \x20                    min         max         mean         sd        +/- sd\n\
         time for request:     9.58ms    342.73ms    199.03ms     53.98ms    73.75%\n\
         time for connect:      148us       542us       309us       168us    75.00%\n\
         time to 1st byte:    20.10ms    350.00ms    210.00ms     50.00ms    70.00%\n\
         req/s           :      35.30       35.40       35.36        0.05    75.00%\n",
    );
    let (_, report, stderr) = analyze_json(&[&dir.path().join("h2m8")], &[]);
    let audit = report["audit"].to_string();
    assert!(audit.contains("response_time_law"), "{audit}\n{stderr}");
    // 400 requests ÷ 2.83 s = 141.3 req/s × 0.19903 s = 28.1 in flight; ÷ 4 clients = 7.0.
    assert!(audit.contains("-c × -m"), "{audit}");
    assert!(
        audit.contains("≈ 28.1 requests were in flight, ≈ 7.0 per client"),
        "{audit}"
    );
}
