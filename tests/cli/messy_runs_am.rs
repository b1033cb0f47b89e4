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

/// hey's CSV (`-o csv`) as hey writes it: 400 requests of 20 ms by 10 workers, so
/// 10 start every 20 ms over 0.8 s.
fn hey_csv() -> String {
    let mut s = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..400u32 {
        let offset = f64::from(i / 10) * 0.02;
        s.push_str(&format!(
            "0.0200,0.0001,0.0000,0.0000,0.0198,0.0001,200,{offset:.4}\n"
        ));
    }
    s
}

/// A hey run kept as users keep it: `hey -n 400 -c 10 -o csv URL > hey.csv` with the
/// command saved beside it in `command.txt`. hey's CSV has no workers column, and the
/// saved command already told an interrupted run (its `-n`), but its `-c` was not
/// read: the stage had no users, so no capacity or consistency check. Now the users
/// are the command's `-c`, noted with where they come from; without a saved command
/// there are still none.
#[test]
fn a_hey_csv_takes_its_users_from_the_command_saved_beside_it() {
    let t = TestDir::new();
    t.write("run/hey.csv", hey_csv());
    let run = t.path().join("run");
    let users = |report: &serde_json::Value| report["stages"][0]["users"].as_u64();
    let (code, report, err) = super::common::analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(users(&report), None);

    t.write(
        "run/command.txt",
        "hey -n 400 -c 10 -o csv http://127.0.0.1:8080/api > hey.csv\n",
    );
    let (code, report, err) = super::common::analyze_json(&[&run], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(users(&report), Some(10), "{report}");
    let notes = report["sources"][0]["notes"].to_string();
    assert!(
        notes.contains("its 10 users are read from the command saved beside it in command.txt"),
        "{notes}"
    );
    // All 400 of its -n are there: not stopped early.
    assert!(report["run"]["incomplete_reason"].is_null(), "{report}");
}

/// An open-model `drive --rate 20` run of one stage (20 arrivals a second for 30 s,
/// 2 ms each). The capacity statement said "One load level (0.04 users)" and the
/// next step "run at 0.06, 0.08 users": no users were set, the figure was the
/// concurrency X·R the arrivals made. Now the level is its arrival rate, with the
/// concurrency marked as such, and the next levels are arrival rates (1.5× and 2×).
#[test]
fn a_one_stage_open_model_run_is_described_by_its_arrival_rate() {
    let t = TestDir::new();
    t.write(
        "run/run.toml",
        "started = \"2026-12-04T09:27:27.000Z\"\nended = \"2026-12-04T09:27:57.000Z\"\n\
         tool = \"headroom 0.1.0\"\ncomplete = true\nrecorded_requests = 600\n\
         [[stage]]\nname = \"main\"\narrival_rate_rps = 20.0\n\
         start = \"2026-12-04T09:27:27.000Z\"\nsteady_start = \"2026-12-04T09:27:27.000Z\"\n\
         end = \"2026-12-04T09:27:57.000Z\"\nplanned_arrivals = 600\n",
    );
    t.write("run/latency.hlog", super::common::drive_hlog(30, 20, 2000));
    let (code, report, err) = super::common::analyze_json(&[&t.path().join("run")], &[]);
    assert_eq!(code, 0, "{err}");
    let statement = report["capacity"]["sla_headroom"]["statement"]
        .as_str()
        .unwrap();
    assert!(
        statement.starts_with("One load level (20 req/s arriving; ≈ 0.040 in flight)"),
        "{statement}"
    );
    let steps = report["narrative"]["next_steps"].to_string();
    assert!(
        steps.contains("e.g. at 30 req/s, 40 req/s arriving") && !steps.contains("users"),
        "{steps}"
    );
}
