//! The lead's finds on messy run dirs, session 27: the capacity line names goodput
//! when it is not the throughput the stage table shows.

use crate::common::{analyze_json, TestDir};

/// wrk 4.x `--latency` output of one run: `requests` in `secs` seconds over
/// `connections` connections, `non_2xx` of them answered with an error status.
fn wrk_text(connections: u32, requests: u64, secs: f64, non_2xx: u64) -> String {
    let non = if non_2xx > 0 {
        format!("  Non-2xx or 3xx responses: {non_2xx}\n")
    } else {
        String::new()
    };
    format!(
        "Running 3s test @ http://127.0.0.1:18421/api/v1/agents\n  \
         2 threads and {connections} connections\n  \
         Thread Stats   Avg      Stdev     Max   +/- Stdev\n    \
         Latency    41.72ms   11.70ms 128.07ms   77.70%\n    \
         Req/Sec   765.67     54.67     0.90k    71.67%\n  \
         Latency Distribution\n     50%   39.88ms\n     75%   47.40ms\n     \
         90%   56.15ms\n     99%   78.54ms\n  \
         {requests} requests in {secs:.2}s, 0.87MB read\n{non}\
         Requests/sec: {:.2}\nTransfer/sec:    294.33KB\n",
        requests as f64 / secs
    )
}

/// Stage dirs `c=4`, `c=16`, `c=64` (wrk against `headroom target`; the top level had
/// 42 `503`s in 4,589 requests). The stage table shows 4,589 / 3.02 s = 1,520 req/s at
/// 64 users; the capacity line said "up to 1,506 req/s at 64 users", a figure found in
/// no table row beside it. It is the goodput, (4,589 − 42) / 3.02 s, and now says so.
#[test]
fn the_capacity_line_names_goodput_where_failures_make_it_differ_from_throughput() {
    let dir = TestDir::new();
    dir.write("run/c=4/wrk.txt", wrk_text(4, 545, 3.02, 0));
    dir.write("run/c=16/wrk.txt", wrk_text(16, 2245, 3.02, 0));
    dir.write("run/c=64/wrk.txt", wrk_text(64, 4589, 3.02, 42));
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p99 < 100ms\", \"error_rate < 5%\"]\n",
    );
    let run = dir.path().join("run");
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let goodput: f64 = (4589.0 - 42.0) / 3.02;
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
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
