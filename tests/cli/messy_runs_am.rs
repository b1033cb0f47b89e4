//! Judgements the lead found on real run dirs: rules a tool's summary can settle
//! without printing the figure they name.

use super::common::{check_rules, TestDir};

/// wrk's console, as `wrk -t2 -c8 -d3s --latency` printed it against `headroom
/// target`: p(50), p(75), p(90) and p(99), no p(95).
const WRK: &str = "Running 3s test @ http://127.0.0.1:18420/api/v1/agents
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    21.83ms   10.62ms  88.36ms   74.36%
    Req/Sec   187.02     26.75   250.00     76.67%
  Latency Distribution
     50%   19.86ms
     75%   26.71ms
     90%   35.36ms
     99%   55.34ms
  1118 requests in 3.00s, 217.27KB read
Requests/sec:    372.43
Transfer/sec:     72.38KB
";

/// `p(95) < 500ms` on a wrk run, the SLA most teams start with. wrk prints no p95,
/// so the rule was "insufficient data" and the verdict CONDITIONAL on a run whose
/// p99 of 55 ms proves the p95 under 500 ms. Percentiles never decrease with p:
/// p(90) ≤ p(95) ≤ p(99). Now the rule passes on that bound, shown as "≤ 55.3 ms",
/// and a limit under wrk's p(90) fails ("≥ 35.4 ms"); a limit between the two still
/// cannot be judged.
#[test]
fn a_p95_rule_on_wrk_is_settled_by_the_percentiles_wrk_prints() {
    let t = TestDir::new();
    let run = t.write("run/wrk.txt", WRK);
    let run = run.parent().unwrap();
    let (code, out, err) = check_rules(&t, run, "\"p(95) < 500ms\"");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("verdict: GO"), "{out}");
    assert!(out.contains("≤ 55.3 ms"), "{out}");
    assert!(out.contains("its p(99) (55.3 ms) bounds it"), "{out}");

    let (code, out, _) = check_rules(&t, run, "\"p(95) < 30ms\"");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("verdict: NO-GO") && out.contains("≥ 35.4 ms"),
        "{out}"
    );

    let (code, out, _) = check_rules(&t, run, "\"p(95) < 40ms\"");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("verdict: CONDITIONAL"), "{out}");
    assert!(out.contains("insufficient data"), "{out}");
}
