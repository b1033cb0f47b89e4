//! Messy runs, batch "cv" (qa96: bounds, timeouts and rounded figures): percentile
//! rules on stages whose timed-out requests the tool's latency leaves out, when the
//! tool also rounds its counts, and how the stage's figures agree with the SLA's.

use serde_json::Value;

use crate::check::check_json;
use crate::common::TestDir;

/// autocannon's console as it printed here (`autocannon -c 50 -d 10 -t 1` against
/// `headroom target` with a log-normal service time, mean 150 ms, σ 1.3), with the
/// totals line's rounded count `sent` (it printed `4k`) and its error line's exact
/// `timeouts` (it printed `59 errors (59 timeouts)`). Every answer was a 200, so no
/// `2xx responses` line: the latencies are the sent count less the errors, ±500.
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
/// above their p(99), bounded only by the max, 995 ms, past the limit. Now the rule
/// lacks the data (the band's note says both ends), and the run is no GO.
#[test]
fn a_rounded_count_can_push_a_percentile_past_the_printed_ones() {
    let (verdict, cells) = judged(&autocannon_rounded("4k", 59), "\"p(97.5) < 800ms\"");
    let c = &cells[0];
    assert_eq!(c["status"], "insufficient_data", "{c:#}");
    let note = c["note"].as_str().unwrap();
    assert!(note.starts_with("the tool rounds its counts"), "{note}");
    assert!(note.contains("±500 latencies"), "{note}");
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
