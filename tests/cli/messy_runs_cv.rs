//! Messy runs, batch "cv" (qa96: bounds, timeouts and rounded figures): percentile
//! rules on stages whose timed-out requests the tool's latency leaves out, when the
//! tool also rounds its counts, and how the stage's figures agree with the SLA's.

use serde_json::Value;

use crate::check::check_json;
use crate::common::{headroom, TestDir};

/// autocannon's console as it printed here (`autocannon -c 50 -d 10 -t 1` against
/// `headroom target` with a log-normal service time, mean 150 ms, σ 1.3), with the
/// totals line's rounded count `sent` (it printed `4k`) and its error line's exact
/// `timeouts` (it printed `59 errors (59 timeouts)`). Every answer was a 200, so no
/// `2xx responses` line: the latencies are its `Req/Sec` Avg × samples (3,676) when
/// `sent` can hold them, else the sent count less the errors, ±500.
/// Latency printed: p2.5 6 ms, p50 64 ms, p97.5 587 ms, p99 774 ms, max 995 ms.
pub(crate) fn autocannon_rounded(sent: &str, timeouts: u64) -> String {
    format!(
        "$ autocannon -c 50 -d 10 -t 1 http://127.0.0.1:18470/slow
Running 10s test @ http://127.0.0.1:18470/slow
50 connections


┌─────────┬──────┬───────┬────────┬────────┬───────────┬───────────┬────────┐
│ Stat    │ 2.5% │ 50%   │ 97.5%  │ 99%    │ Avg       │ Stdev     │ Max    │
├─────────┼──────┼───────┼────────┼────────┼───────────┼───────────┼────────┤
│ Latency │ 6 ms │ 64 ms │ 587 ms │ 774 ms │ 116.96 ms │ 149.58 ms │ 995 ms │
└─────────┴──────┴───────┴────────┴────────┴───────────┴───────────┴────────┘
┌───────────┬─────────┬─────────┬─────────┬─────────┬─────────┬─────────┬─────────┐
│ Stat      │ 1%      │ 2.5%    │ 50%     │ 97.5%   │ Avg     │ Stdev   │ Min     │
├───────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┤
│ Req/Sec   │ 317     │ 317     │ 352     │ 418     │ 367.6   │ 31.52   │ 317     │
├───────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┼─────────┤
│ Bytes/Sec │ 34.6 kB │ 34.6 kB │ 38.4 kB │ 45.6 kB │ 40.1 kB │ 3.44 kB │ 34.6 kB │
└───────────┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┴─────────┘

Req/Bytes counts sampled once per second.
# of samples: 10

{sent} requests in 10.03s, 401 kB read
{timeouts} errors ({timeouts} timeouts)
"
    )
}

/// `check --json` of `rules` on the run dir `c50/autocannon.txt` holding `console`:
/// the verdict and the evaluation of each rule on the stage.
fn judged(console: &str, rules: &str) -> (Value, Vec<Value>) {
    let dir = TestDir::new();
    dir.write("run/c50/autocannon.txt", console);
    let sla = dir.write("sla.toml", format!("[global]\nrules = [{rules}]\n"));
    let (_, out, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    let cells = (out["sla"]["rules"].as_array())
        .unwrap_or_else(|| panic!("{stderr}"))
        .iter()
        .filter(|r| r["stage"] == "c50")
        .cloned()
        .collect();
    (out["verdict"].clone(), cells)
}

/// Observed: `4k requests`, `59 errors (59 timeouts)`: the printed counts give
/// 3,941 latencies, and p(97.5) over all 4,000 requests is the one of rank 3,900,
/// the latencies' p(98.96), under their printed p(99) of 774 ms: `p(97.5) < 800ms`
/// passed (`≤ 774 ms`). But `4k` is anything from 3,500 to 4,499: at 3,500 there are
/// 3,441 latencies, the rank is ⌈0.975 × 3,500⌉ = 3,413, the latencies' p(99.19),
/// above their p(99), bounded only by the max, 995 ms, past the limit. Now the count
/// is exact: the answers are its `Req/Sec` Avg 367.6 × its 10 samples = 3,676, the
/// requests 3,735; p(97.5)'s rank ⌈0.975 × 3,735⌉ = 3,642 is the answers' p(99.08),
/// above their p(99) (774 ms) and bounded only by the max, 995 ms, past the limit:
/// the rule lacks the data (the note says the rank), and the run is no GO.
#[test]
fn a_rounded_count_can_push_a_percentile_past_the_printed_ones() {
    let (verdict, cells) = judged(&autocannon_rounded("4k", 59), "\"p(97.5) < 800ms\"");
    let c = &cells[0];
    assert_eq!(c["status"], "insufficient_data", "{c:#}");
    let note = c["note"].as_str().unwrap();
    assert!(
        note.contains("over all 3735, p(97.5) is the one of rank 3642"),
        "{note}"
    );
    assert!(note.contains("p(99) (774 ms) bounds (≥ 774 ms)"), "{note}");
    assert_eq!(verdict, "CONDITIONAL", "not a GO: {c:#}");
}

/// The other way: `2k requests`, `22 errors (22 timeouts)`: the printed counts give
/// 1,978 latencies, and p(99) over all 2,000 is the one of rank 1,980, a timed-out
/// one (≥ 995 ms): `p(99) < 900ms` failed. At 2,499 sent there are 2,477 latencies
/// and the rank is ⌈0.99 × 2,499⌉ = 2,475, a measured latency between the printed
/// p(99) (774 ms, within the limit) and the max (995 ms): the miss is not shown at
/// every count the data allows. Now it lacks the data.
#[test]
fn a_rounded_count_can_keep_a_percentile_out_of_the_timeouts() {
    let (_, cells) = judged(&autocannon_rounded("2k", 22), "\"p(99) < 900ms\"");
    let c = &cells[0];
    assert_eq!(c["status"], "insufficient_data", "{c:#}");
    assert!(
        c["note"].as_str().unwrap().contains("±500 latencies"),
        "{c:#}"
    );
}

/// wrk's consoles as they printed here (`wrk -t2 -cN -d3s --timeout 1s --latency`
/// against `headroom target`'s log-normal `/slow`), one per stage dir: `c10` (244
/// requests, no error; p50 93.58, p75 198.93, p90 358.79, p99 697.01, max 887.46 ms)
/// and `c40` (836 requests, 6 timeouts; p50 80.13, p75 217.17, p90 398.80, p99
/// 770.36, max 997.11 ms).
const WRK_C10: &str = "$ wrk -t2 -c10 -d3s --timeout 1s --latency http://127.0.0.1:18470/slow
Running 3s test @ http://127.0.0.1:18470/slow
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   149.51ms  158.51ms 887.46ms   87.21%
    Req/Sec    41.08     22.77    90.00     66.10%
  Latency Distribution
     50%   93.58ms
     75%  198.93ms
     90%  358.79ms
     99%  697.01ms
  244 requests in 3.01s, 25.97KB read
Requests/sec:     81.07
Transfer/sec:      8.63KB
";

/// See [`WRK_C10`].
const WRK_C40: &str = "$ wrk -t2 -c40 -d3s --timeout 1s --latency http://127.0.0.1:18470/slow
Running 3s test @ http://127.0.0.1:18470/slow
  2 threads and 40 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   153.19ms  173.21ms 997.11ms   85.53%
    Req/Sec   139.68     41.21   232.00     76.67%
  Latency Distribution
     50%   80.13ms
     75%  217.17ms
     90%  398.80ms
     99%  770.36ms
  836 requests in 3.01s, 88.99KB read
  Socket errors: connect 0, read 0, write 0, timeout 6
Requests/sec:    277.83
Transfer/sec:     29.57KB
";

/// `check --json` of `rules` on the two wrk stages: each rule's overall evaluation.
fn overall_of_wrk_stages(rules: &str) -> Vec<Value> {
    let dir = TestDir::new();
    dir.write("run/c10/wrk.txt", WRK_C10);
    dir.write("run/c40/wrk.txt", WRK_C40);
    let sla = dir.write("sla.toml", format!("[global]\nrules = [{rules}]\n"));
    let (_, out, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    (out["sla"]["rules"].as_array())
        .unwrap_or_else(|| panic!("{stderr}"))
        .iter()
        .filter(|r| r["stage"].is_null())
        .cloned()
        .collect()
}

/// Observed: overall merges the two stages' summaries, so its percentiles are
/// estimates, and `p(99) < 1s` passed on `≲ 997 ms`, `p(90) > 300ms` on `≳ 395 ms`,
/// labelled approximate. But a percentile of two sets pooled lies between theirs:
/// `c10`'s p(99) is 697 ms; `c40`'s over its 836 requests is the one of rank
/// ⌈0.99 × 836⌉ = 828 of its 830 answers in time, at most its max, 997 ms; so overall's
/// is at most max(697, 997) = 997 ms, exactly. Likewise p(90): `c10` 358.79 ms,
/// `c40` at least its p(90), 398.80 ms: overall's is at least 358.79 ms. Now both
/// are shown as the exact bounds, and the note says where they come from.
#[test]
fn overall_is_bounded_exactly_by_its_stages_percentiles() {
    let cells = overall_of_wrk_stages("\"p(99) < 1s\", \"p(90) > 300ms\"");
    let (p99, p90) = (&cells[0], &cells[1]);
    assert_eq!(p99["rule"], "p(99) < 1s");
    assert_eq!(p99["status"], "pass", "{p99:#}");
    assert_eq!(p99["value_display"], "≤ 997 ms", "{p99:#}");
    assert!(
        p99["note"].as_str().unwrap().contains("exact bound"),
        "{p99:#}"
    );
    assert_eq!(p90["status"], "pass", "{p90:#}");
    assert_eq!(p90["value_display"], "≥ 359 ms", "{p90:#}");
}

/// Where the stages' bounds do not settle the rule, overall is judged on the merged
/// estimate as before, labelled so: `p(75) < 300ms` has `c10` at 198.93 ms but `c40`
/// only at least 217.17 ms (its rank 627 of 830 is past its p(75), and its p(90) is
/// 398.80 ms): no exact bound under 300 ms.
#[test]
fn overall_keeps_the_estimate_when_its_stages_do_not_settle_it() {
    let cells = overall_of_wrk_stages("\"p(75) < 300ms\"");
    let c = &cells[0];
    assert_eq!(c["status"], "insufficient_data", "{c:#}");
    assert!(
        c["value_display"].as_str().unwrap().starts_with('≳'),
        "{c:#}"
    );
}

/// Observed (the brief's `≥ 577 ms` against `≥ 999 ms`): a stage whose tool leaves
/// its timed-out requests out of its latency showed its p50 as the tool's figure
/// with `≥` in the stage tables, and the SLA the bound it judges on. Fixture: the
/// `c40` wrk console above with `timeout 450` (as a run with most requests timing
/// out prints it): 836 requests, 386 answers in time. p50 over all 836 is the one of
/// rank 418 > 386, a timed-out request: at least the max, 997.11 ms, where the table
/// said `≥ 80.1 ms` (wrk's p50). Now the terminal, report.md, report.json
/// (`latency_at_least_ms`) and the SLA all say `≥ 997 ms`; wrk's figure stays in
/// `latency_ms`.
#[test]
fn a_stage_table_shows_the_bound_the_sla_judges_on() {
    let dir = TestDir::new();
    dir.write(
        "run/c40/wrk.txt",
        WRK_C40.replace("timeout 6\n", "timeout 450\n"),
    );
    let run = dir.path().join("run");
    let sla = dir.write("sla.toml", "[global]\nrules = [\"p(50) < 1s\"]\n");
    let out = dir.path().join("out");
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    let terminal =
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    let row = (terminal.lines())
        .find(|l| l.trim_start().starts_with("c40 "))
        .unwrap_or_else(|| panic!("{terminal}"));
    assert!(row.contains("≥ 997 ms"), "{row}");
    assert!(!row.contains("80.1"), "{row}");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let cells: Vec<&str> = (md.lines().find(|l| l.starts_with("| c40 | 40 | 836 |")))
        .unwrap_or_else(|| panic!("{md}"))
        .split('|')
        .map(str::trim)
        .collect();
    assert_eq!(cells[5], "≥ 997 ms", "p50: {cells:?}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let stage = &json["stages"][0];
    assert_eq!(
        stage["latency_ms"]["p50"], 80.13,
        "wrk's own figure: {stage:#}"
    );
    assert_eq!(stage["latency_at_least_ms"]["p50"], 997.11, "{stage:#}");
    let rule = (json["sla"]["rules"].as_array().unwrap().iter())
        .find(|r| r["stage"] == "c40")
        .unwrap();
    assert_eq!(rule["value_display"], "≥ 997 ms", "{rule:#}");
}
