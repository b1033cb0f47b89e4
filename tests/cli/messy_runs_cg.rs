//! Messy runs, batch "cg" (qa83): overload runs against `headroom target` — wrk past
//! its `--timeout`, hey against a target that is down, wrk with a queue answering 503
//! at once. Timed-out requests the tool's latency leaves out, and failures' fast
//! answers it keeps in, never make a latency rule pass; failed requests never make a
//! throughput rule pass: never a GO on them.

use std::path::Path;

use serde_json::Value;

use super::common::{headroom, TestDir};

/// `check RUN --sla SLA --json`: the exit code and the parsed JSON.
pub(crate) fn check_json(run: &Path, rules: &str, dir: &TestDir) -> (i32, Value) {
    let sla = dir.write("sla.toml", format!("[global]\nrules = [{rules}]\n"));
    let o = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--json",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    (o.status.code().unwrap_or(-1), json)
}

/// The evaluation of `rule` on the stage (not overall).
pub(crate) fn on_stage<'a>(json: &'a Value, rule: &str) -> &'a Value {
    json["sla"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["rule"] == rule && !r["stage"].is_null() && r["stage"] != "overall")
        .unwrap_or_else(|| panic!("no evaluation of {rule}: {json}"))
}

/// The verdict in `check --json`.
fn verdict(json: &Value) -> &str {
    json["sla"]["verdict"]
        .as_str()
        .unwrap_or_else(|| panic!("{json}"))
}

/// wrk's console (as `wrk … --latency | tee wrk.txt` keeps it), with `completed`
/// requests, `timeouts` socket timeouts, `non2xx` failed answers and the latency
/// distribution `p50/p75/p90/p99` and max, ms.
fn wrk_console(completed: u64, timeouts: u64, non2xx: u64, dist: [f64; 4], max: f64) -> String {
    let mut s = format!(
        "Running 4s test @ http://127.0.0.1:18461/slow\n  2 threads and 40 connections\n  \
         Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency   {:.2}ms  \
         10.00ms {max:.2}ms   55.56%\n    Req/Sec    33.36     13.42    40.00     82.05%\n  \
         Latency Distribution\n     50%  {:.2}ms\n     75%  {:.2}ms\n     90%  {:.2}ms\n     \
         99%  {:.2}ms\n  {completed} requests in 4.00s, 18.13KB read\n",
        dist[0], dist[0], dist[1], dist[2], dist[3]
    );
    if timeouts > 0 {
        s.push_str(&format!(
            "  Socket errors: connect 0, read 0, write 0, timeout {timeouts}\n"
        ));
    }
    if non2xx > 0 {
        s.push_str(&format!("  Non-2xx or 3xx responses: {non2xx}\n"));
    }
    s.push_str(&format!(
        "Requests/sec: {:>12.2}\nTransfer/sec:      4.52KB\n",
        completed as f64 / 4.0
    ));
    s
}

/// Past capacity, 120 of wrk's 156 answers came after `--timeout 1s`; its latency
/// figures describe the other 36. Over all 156, p50 is the 78th smallest: a timed-out
/// request (78 > 36), so at least the largest latency measured (910 ms): `p50 < 600ms`
/// fails, though wrk printed 509 ms; `p99 < 950ms` cannot pass (≥ 910 ms, unknown).
#[test]
fn wrk_timeouts_past_capacity_make_p50_unknown_high_not_a_pass() {
    let dir = TestDir::new();
    let run = dir.path().join("overload");
    dir.write(
        "overload/stage_40users/wrk.txt",
        wrk_console(156, 120, 0, [508.61, 708.02, 910.02, 910.06], 910.06),
    );
    let (code, json) = check_json(&run, r#""p50 < 600ms", "p99 < 950ms""#, &dir);
    let p50 = on_stage(&json, "p50 < 600ms");
    assert_eq!(p50["status"], "fail", "{p50}");
    assert!(p50["value"].is_null(), "no point value: {p50}");
    assert_eq!(p50["value_display"], "≥ 910 ms", "{p50}");
    let p99 = on_stage(&json, "p99 < 950ms");
    assert_eq!(p99["status"], "insufficient_data", "{p99}");
    assert_eq!(verdict(&json), "NO-GO");
    assert_eq!(code, 1);
    // The stage's figures are labelled: they describe the answers in time.
    let warnings = json.to_string();
    assert!(
        warnings.contains("120 of its 156 requests with a time timed out")
            && warnings.contains("describe the 36 answers in time"),
        "{json}"
    );
}

/// A few timeouts: 20 of wrk's 1,000 answers timed out, its latency describes 980.
/// Over all 1,000, p50 is the 500th smallest, the 980 measured ones' p(51.02): between
/// their p50 (100 ms) and p75 (200 ms). `p50 < 150ms` cannot pass (wrk's 100 ms no
/// longer decides), `p50 < 250ms` passes on the bound 200 ms; p99 is the 990th, a
/// timed-out one (≥ 990 ms): `p99 < 950ms` fails though wrk printed 900 ms.
#[test]
fn a_few_wrk_timeouts_bound_the_percentiles_and_the_rule_weighs_the_bound() {
    let dir = TestDir::new();
    let run = dir.path().join("run");
    dir.write(
        "run/peak_64users/wrk.txt",
        wrk_console(1000, 20, 0, [100.0, 200.0, 300.0, 900.0], 990.0),
    );
    let (_, json) = check_json(
        &run,
        r#""p50 < 150ms", "p50 < 250ms", "p99 < 950ms", "error_rate < 5%""#,
        &dir,
    );
    let tight = on_stage(&json, "p50 < 150ms");
    assert_eq!(tight["status"], "insufficient_data", "{tight}");
    assert_eq!(tight["value_display"], "≥ 100 ms", "{tight}");
    let loose = on_stage(&json, "p50 < 250ms");
    assert_eq!(loose["status"], "pass", "{loose}");
    assert_eq!(loose["value_display"], "≤ 200 ms", "{loose}");
    let p99 = on_stage(&json, "p99 < 950ms");
    assert_eq!(p99["status"], "fail", "{p99}");
    assert_eq!(p99["value_display"], "≥ 990 ms", "{p99}");
    assert_eq!(verdict(&json), "NO-GO");
}

/// hey's console when the target was down: 200 requests, every one refused, its
/// `Requests/sec` 11,054 over 18 ms. `throughput > 1000` must not pass on refusals:
/// the goodput is 0.
const HEY_ALL_REFUSED: &str = "\nSummary:\n  Total:\t0.0181 secs\n  Slowest:\t0.0000 secs\n  \
Fastest:\t0.0000 secs\n  Average:\t NaN secs\n  Requests/sec:\t11054.3898\n  \n\n\
Response time histogram:\n\n\nLatency distribution:\n\n\
Details (average, fastest, slowest):\n  DNS+dialup:\t NaN secs, 0.0000 secs, 0.0000 secs\n  \
DNS-lookup:\t NaN secs, 0.0000 secs, 0.0000 secs\n  req write:\t NaN secs, 0.0000 secs, 0.0000 secs\n  \
resp wait:\t NaN secs, 0.0000 secs, 0.0000 secs\n  resp read:\t NaN secs, 0.0000 secs, 0.0000 secs\n\n\
Status code distribution:\n\nError distribution:\n  [200]\tGet \"http://127.0.0.1:18469/x\": \
dial tcp 127.0.0.1:18469: connect: connection refused\n";

#[test]
fn a_hey_run_where_every_request_was_refused_passes_no_throughput_rule() {
    let dir = TestDir::new();
    let run = dir.path().join("down");
    dir.write("down/load_50users/hey.txt", HEY_ALL_REFUSED);
    let (_, json) = check_json(&run, r#""throughput > 1000""#, &dir);
    let x = on_stage(&json, "throughput > 1000");
    assert_ne!(x["status"], "pass", "{x}");
    assert_ne!(verdict(&json), "GO");
}

/// hey with 1,000 answers in 1 s, 450 of them 503: throughput 1,000 req/s, goodput
/// 550. `throughput > 800` rests on the failures (550 < 800): not proven, and with
/// `error_rate < 50%` passing (45 %) the verdict is no GO.
#[test]
fn a_throughput_pass_the_goodput_misses_is_not_proven_and_no_go() {
    let dir = TestDir::new();
    let run = dir.path().join("shed");
    dir.write(
        "shed/peak_50users/hey.txt",
        "\nSummary:\n  Total:\t1.0000 secs\n  Slowest:\t0.0900 secs\n  Fastest:\t0.0001 secs\n  \
         Average:\t0.0300 secs\n  Requests/sec:\t1000.0000\n\n\nLatency distribution:\n  \
         10% in 0.0001 secs\n  25% in 0.0002 secs\n  50% in 0.0300 secs\n  75% in 0.0500 secs\n  \
         90% in 0.0700 secs\n  95% in 0.0800 secs\n  99% in 0.0900 secs\n\n\
         Status code distribution:\n  [200]\t550 responses\n  [503]\t450 responses\n\n",
    );
    let (_, json) = check_json(&run, r#""throughput > 800", "error_rate < 50%""#, &dir);
    let x = on_stage(&json, "throughput > 800");
    assert_eq!(x["status"], "not_proven", "{x}");
    assert_eq!(on_stage(&json, "error_rate < 50%")["status"], "pass");
    assert_eq!(verdict(&json), "CONDITIONAL");
}

/// wrk past the queue of `headroom target`: 4,000 of 10,000 answers are 503s sent at
/// once. wrk's p50 (0.8 ms) passes `p50 < 10ms`, but if the 4,000 failures are the
/// fastest, the 6,000 successes' p50 is the 7,000th latency, the p(70): between wrk's
/// p50 and p75 (40 ms), past the limit: not proven, and no GO with `error_rate < 50%`
/// passing. `p50 < 50ms` holds for the successes too (≤ 40 ms): a pass.
#[test]
fn fast_503s_under_half_the_requests_do_not_make_a_latency_pass() {
    let dir = TestDir::new();
    let run = dir.path().join("queue");
    dir.write(
        "queue/03_stress_300users/wrk.txt",
        wrk_console(10_000, 0, 4_000, [0.8, 40.0, 60.0, 100.0], 120.0),
    );
    let (_, json) = check_json(
        &run,
        r#""p50 < 10ms", "p50 < 50ms", "error_rate < 50%""#,
        &dir,
    );
    let tight = on_stage(&json, "p50 < 10ms");
    assert_eq!(tight["status"], "not_proven", "{tight}");
    assert!(
        tight["note"].as_str().unwrap_or_default().contains("p(70)"),
        "{tight}"
    );
    assert_eq!(on_stage(&json, "p50 < 50ms")["status"], "pass");
    assert_eq!(verdict(&json), "CONDITIONAL");
    let all = json.to_string();
    assert!(
        all.contains("4000 of its 10000 latencies (40%) are of failed requests"),
        "{json}"
    );
}

/// Every answer failed (wrk's `Non-2xx or 3xx responses` equals its requests, as a
/// real wrk against a route the target refuses gave): no success has a latency, so
/// no latency rule can pass — neither p(99) as printed nor p(95), which wrk does not
/// print and its p(99) bounds. Before, `p(95) < 300ms` passed on that bound; the only
/// rule was latency, so the run was a GO on failures alone.
#[test]
fn latencies_that_are_all_failures_pass_no_latency_rule_printed_or_bounded() {
    let dir = TestDir::new();
    let run = dir.path().join("refused");
    dir.write(
        "refused/load/wrk.txt",
        wrk_console(8_000, 0, 8_000, [5.85, 8.22, 10.85, 15.63], 26.9),
    );
    let (code, json) = check_json(&run, r#""p(95) < 300ms", "p(99) < 300ms""#, &dir);
    for rule in ["p(95) < 300ms", "p(99) < 300ms"] {
        let e = on_stage(&json, rule);
        assert_eq!(e["status"], "not_proven", "{e}");
        assert!(
            e["note"]
                .as_str()
                .unwrap_or_default()
                .contains("no success has a latency"),
            "{e}"
        );
    }
    assert_ne!(verdict(&json), "GO", "{json}");
    assert_eq!(code, 0, "not proven is no failure: {json}");
}
