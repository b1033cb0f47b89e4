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
