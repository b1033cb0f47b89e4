//! Messy runs, batch "de" (qa103): the capacity line and saturation on step runs whose
//! stages did not all measure the same requests (a warm-up on `/health`, a peak on
//! another endpoint), and the capacity line beside a verdict that is not GO.

use serde_json::Value;

use crate::common::{analyze_json, TestDir};

/// siege 4.x's JSON summary as it printed it here (`siege -b -c N -t 10S URL`, against
/// `headroom target` on loopback), with the command echoed above it the way a team
/// saves its console.
fn siege_console(command: &str, fig: [&str; 6]) -> String {
    let [transactions, elapsed, response, rate, concurrency, longest] = fig;
    format!(
        "$ {command}\n\n{{\t\"transactions\":\t\t\t{transactions:>12},\n\
         \t\"availability\":\t\t\t      100.00,\n\
         \t\"elapsed_time\":\t\t\t{elapsed:>12},\n\
         \t\"data_transferred\":\t\t        0.14,\n\
         \t\"response_time\":\t\t{response:>12},\n\
         \t\"transaction_rate\":\t\t{rate:>12},\n\
         \t\"throughput\":\t\t\t        0.01,\n\
         \t\"concurrency\":\t\t\t{concurrency:>12},\n\
         \t\"successful_transactions\":\t{transactions:>12},\n\
         \t\"failed_transactions\":\t\t           0,\n\
         \t\"longest_transaction\":\t\t{longest:>12},\n\
         \t\"shortest_transaction\":\t\t        0.00\n}}\n"
    )
}

/// Observed: siege `-c 5` on `GET /api/v1/agents` in `baseline/` (162 req/s) and `-c 60`
/// on `POST /api/v1/agents/run` in `peak/` (104 req/s, the target's 32 workers at 300
/// ms). Capacity read them as one load curve: goodput "already on its plateau at the
/// lowest measured load", a retrograde from 162 to 104 req/s, and a latency breaking
/// point at ≈ 8 users, none of which the data shows (the two stages asked for
/// different work). Now the stage that requested other endpoints is left out of the
/// curve, `load_note` names it with what each requested, and one load level remains:
/// no saturation, breaking points or plateau.
#[test]
fn stages_that_requested_other_endpoints_are_no_points_of_one_load_curve() {
    let dir = TestDir::new();
    let url = "http://127.0.0.1:18460/api/v1";
    dir.write(
        "run/baseline/siege.txt",
        siege_console(
            &format!("siege -b -c 5 -t 10S {url}/agents"),
            ["1590", "9.84", "0.03", "161.59", "4.98", "0.12"],
        ),
    );
    dir.write(
        "run/peak/siege.txt",
        siege_console(
            &format!("siege -b -c 60 -t 10S '{url}/agents/run POST {{\"x\":1}}'"),
            ["1027", "9.85", "0.56", "104.26", "57.91", "1.70"],
        ),
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let cap = &report["capacity"];
    let stages: Vec<&str> = (cap["load_points"].as_array().unwrap().iter())
        .map(|p| p["stage"].as_str().unwrap())
        .collect();
    // baseline holds more requests (1,590 against 1,027): the one level kept.
    assert_eq!(stages, ["baseline"], "{cap:#}");
    assert!(cap["saturation"].is_null(), "{cap:#}");
    assert_eq!(cap["breaking_points"], Value::Array(vec![]), "{cap:#}");
    let note = cap["load_note"].as_str().unwrap();
    assert!(
        note.contains("`peak` (60 users) requested other endpoints (`/api/v1/agents/run`)")
            && note.contains("`baseline` (5 users), which requested `/api/v1/agents`"),
        "{note}"
    );
    let statement = cap["sla_headroom"]["statement"].as_str().unwrap();
    assert!(
        statement.starts_with("One load level (5 users)"),
        "{statement}"
    );
    assert!(!statement.contains("plateau"), "{statement}");
    // Nor is `peak` compared with `baseline` as a step up in load ("0.65× the
    // throughput"): other requests, not more load.
    assert_eq!(cap["off_curve"], serde_json::json!(["peak"]), "{cap:#}");
    let deltas = &report["narrative"]["deltas"][0];
    assert_eq!(deltas["stage"], "peak");
    assert_eq!(deltas["metrics"], Value::Array(vec![]), "{deltas:#}");
    assert!(
        (deltas["withheld"].as_str().unwrap()).contains("requested other endpoints"),
        "{deltas:#}"
    );
}

/// Locust's `--csv` stats file for one stage, as Locust writes it: one row per
/// `(method, path, requests, failures)` with the given percentiles, and the
/// `Aggregated` row over them all.
fn locust_stage(dir: &TestDir, name: &str, rows: &[(&str, &str, u64, u64)], rps: f64, p: [u32; 3]) {
    let [p50, p95, p99] = p;
    let header = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,99%,100%\n";
    let total: u64 = rows.iter().map(|r| r.2).sum();
    let failed: u64 = rows.iter().map(|r| r.3).sum();
    let mut text = header.to_string();
    for (method, path, n, f) in rows {
        let share = rps * *n as f64 / total as f64;
        text.push_str(&format!(
            "{method},{path},{n},{f},{p50},{p50}.0,5,{p99},100,{share},0,{p50},{p95},{p99},{p99}\n"
        ));
    }
    text.push_str(&format!(
        ",Aggregated,{total},{failed},{p50},{p50}.0,5,{p99},100,{rps},0,{p50},{p95},{p99},{p99}\n"
    ));
    dir.write(&format!("run/{name}/locust_stats.csv"), text);
}

const LIST: &str = "/api/v1/agents";
const RUN: &str = "/api/v1/agents/run";

/// A step run the way teams keep one: a warm-up on `/health` at 2 users, three steps
/// of one 80/20 mix, and a fourth step at 200 users whose mix was edited to 20/80.
/// Before, all five were points of one curve: the warm-up (2 users, 1 ms) set the
/// low-load latency every default limit doubles, and the 20/80 step's lower goodput
/// read as capacity. Now the curve is the three steps of one mix; the warm-up
/// (a warm-up, on other endpoints too) and the 200-user step (another mix: 60% of its
/// requests moved between the two routes) are left out, and the note says so.
#[test]
fn a_warm_up_and_a_step_with_another_mix_are_left_out_of_the_curve() {
    let dir = TestDir::new();
    locust_stage(
        &dir,
        "00_warmup_2users",
        &[("GET", "/health", 600, 0)],
        10.0,
        [1, 2, 3],
    );
    let mix = |n: u64| [("GET", LIST, n * 4 / 5, 0), ("POST", RUN, n / 5, 0)];
    locust_stage(&dir, "01_c10_10users", &mix(6_000), 100.0, [20, 300, 320]);
    locust_stage(&dir, "02_c50_50users", &mix(30_000), 500.0, [25, 320, 350]);
    locust_stage(
        &dir,
        "03_c100_100users",
        &mix(54_000),
        900.0,
        [40, 400, 450],
    );
    locust_stage(
        &dir,
        "04_c200_200users",
        &[("GET", LIST, 3_000, 0), ("POST", RUN, 12_000, 0)],
        250.0,
        [300, 900, 1000],
    );
    let (code, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let cap = &report["capacity"];
    let points: Vec<(&str, f64)> = (cap["load_points"].as_array().unwrap().iter())
        .map(|p| (p["stage"].as_str().unwrap(), p["users"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        points,
        [("c10", 10.0), ("c50", 50.0), ("c100", 100.0)],
        "{cap:#}"
    );
    let note = cap["load_note"].as_str().unwrap();
    // The warm-up is left out for what it is (a service warming up is at no steady
    // state), whatever it requested.
    assert!(note.contains("`warmup` warmed the service up"), "{note}");
    // 12,000 of 15,000 on RUN (80%) against 20%: 60% of its requests moved.
    assert!(
        note.contains("`c200` (200 users) requested another mix of endpoints (`/api/v1/agents/run` 80%, `/api/v1/agents` 20%)"),
        "{note}"
    );
    // No retrograde drawn through the 20/80 step's 250 req/s.
    let criteria: Vec<&str> = (cap["breaking_points"].as_array().unwrap().iter())
        .map(|b| b["criterion"].as_str().unwrap())
        .collect();
    assert!(!criteria.contains(&"retrograde"), "{cap:#}");
    // The stages are compared with the curve's lowest step, not with the warm-up.
    assert_eq!(report["narrative"]["baseline_stage"], "c10");
}

/// Three steps of one endpoint; `c10` had 7 failures in 1,000 requests (0.7%), whose
/// 95% interval (Wilson: up to ≈ 1.4%) reaches past `error_rate < 1%`, so the SLA
/// table has it not proven and the verdict is CONDITIONAL.
fn not_proven_at_the_lowest_step(dir: &TestDir) {
    locust_stage(
        dir,
        "01_c10_10users",
        &[("GET", LIST, 1_000, 7)],
        100.0,
        [20, 60, 80],
    );
    locust_stage(
        dir,
        "02_c50_50users",
        &[("GET", LIST, 30_000, 3)],
        500.0,
        [25, 70, 90],
    );
    locust_stage(
        dir,
        "03_c100_100users",
        &[("GET", LIST, 60_000, 6)],
        1000.0,
        [30, 90, 120],
    );
}

fn sla(dir: &TestDir, rules: &str) -> String {
    let path = dir.write("sla.toml", format!("[global]\nrules = [{rules}]\n"));
    path.display().to_string()
}

/// Observed: a CONDITIONAL run (an error rate not proven within 1% at `c10`) whose
/// capacity line read "The SLA holds over the whole measured range": reassurance the
/// verdict contradicts. Now the line says it is the SLA's latency and error limits
/// that hold, and that the CONDITIONAL comes from the rule not settled at those loads.
#[test]
fn the_capacity_line_names_the_rule_a_conditional_rests_on() {
    let dir = TestDir::new();
    not_proven_at_the_lowest_step(&dir);
    let sla = sla(&dir, "\"p(95) < 500ms\", \"error_rate < 1%\"");
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &["--sla", &sla]);
    assert_eq!(report["verdict"], "CONDITIONAL", "{stderr}");
    let c10 = (report["sla"]["rules"].as_array().unwrap().iter())
        .find(|e| e["rule"] == "error_rate < 1%" && e["stage"] == "c10")
        .unwrap();
    assert_eq!(c10["status"], "not_proven");
    let statement = report["capacity"]["sla_headroom"]["statement"]
        .as_str()
        .unwrap();
    assert!(
        statement
            .starts_with("The SLA's latency and error limits hold over the whole measured range"),
        "{statement}"
    );
    assert!(
        statement.contains(
            "; the CONDITIONAL comes from rules not settled at those loads: \
             `error_rate < 1%` not proven on `c10` ("
        ),
        "{statement}"
    );
}

/// A NO-GO from both sides: latency breaks between 50 and 100 users (p95 1.2 s against
/// 500 ms, the line's own limit), and `throughput >= 200/s` fails at `c10` (100 req/s),
/// below the load the line says the SLA holds up to. Before, the line said "The SLA
/// holds up to …; latency is the limit", silent on the throughput rule failing at
/// those loads. Now it says the NO-GO also comes from that rule.
#[test]
fn the_capacity_line_names_a_rule_failing_below_its_headroom() {
    let dir = TestDir::new();
    locust_stage(
        &dir,
        "01_c10_10users",
        &[("GET", LIST, 6_000, 0)],
        100.0,
        [20, 60, 80],
    );
    locust_stage(
        &dir,
        "02_c50_50users",
        &[("GET", LIST, 30_000, 0)],
        500.0,
        [25, 70, 90],
    );
    locust_stage(
        &dir,
        "03_c100_100users",
        &[("GET", LIST, 36_000, 0)],
        600.0,
        [300, 1200, 1500],
    );
    let sla = sla(
        &dir,
        "\"p(95) < 500ms\", \"error_rate < 1%\", \"throughput >= 200/s\"",
    );
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &["--sla", &sla]);
    assert_eq!(report["verdict"], "NO-GO", "{stderr}");
    let h = &report["capacity"]["sla_headroom"];
    assert_eq!(h["limited_by"], "latency", "{h:#}");
    let statement = h["statement"].as_str().unwrap();
    assert!(
        statement.starts_with("The SLA's latency and error limits hold up to"),
        "{statement}"
    );
    assert!(
        statement.contains(
            "; the NO-GO also comes from other rules: `throughput >= 200/s` on `c10` (100 req/s"
        ),
        "{statement}"
    );
}
