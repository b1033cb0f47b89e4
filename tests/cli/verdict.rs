//! Verdicts people act on: no GO on data the consistency audit rejects
//! (`data_quality`), SLA files that travel between runs (names the data lacks are
//! `not_run` with a warning; typos exit 2), `--verdict-stage`, `sla init`, and the
//! verdict sentence and readiness statements, for five fixtures, as expected text.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::analyze::locust_stage;
use crate::check::check_json as check;
use crate::common::{analyze_json, close, headroom, resave_crlf, TestDir};

/// Writes an SLA file and returns its path.
fn sla(dir: &TestDir, text: &str) -> PathBuf {
    dir.write("sla.toml", text)
}

/// The readiness row of `area`.
fn readiness<'a>(report: &'a Value, area: &str) -> &'a Value {
    report["readiness"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["area"] == area)
        .unwrap_or_else(|| panic!("no readiness row {area}"))
}

/// The seed report's peak stage as Locust would write it: 1,000 users, 600,000
/// requests at 1,000 req/s (so 600 s), 120 failures, mean = p50 = 450 ms, p95 1.2 s,
/// p99 2.55 s. Without a think time the law's only bound is X ≤ N/R = 1,000 / 0.45 s
/// = 2,222 req/s, which 1,000 req/s meets; with think time between(1, 5) (mean Z =
/// 3 s) 1,000 users make at most N/Z = 333 req/s, so 1,000 req/s is impossible.
fn seed_peak(dir: &TestDir, think_time: bool) -> PathBuf {
    locust_stage(
        dir,
        "03_peak_1000users",
        600_000,
        120,
        1000.0,
        [450, 1200, 2550],
    );
    if think_time {
        dir.write(
            "run/03_peak_1000users/run.toml",
            "think_time = \"between(1, 5)\"\n",
        );
    }
    dir.path().join("run")
}

/// Throughput and errors only: every rule passes on the seed's peak at face value.
const THROUGHPUT_AND_ERRORS: &str = "[global]\nverdict_stages = [\"peak\"]\nrules = [\"throughput >= 1000/s\", \"error_rate < 1%\"]\n";

#[test]
fn data_the_audit_rejects_never_gets_go() {
    let dir = TestDir::new();
    let run = seed_peak(&dir, true);
    let sla = sla(&dir, THROUGHPUT_AND_ERRORS);
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    // Every rule passes, yet the verdict is not GO, and its sentence leads with why.
    let rules = report["sla"]["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r["status"] == "pass"), "{rules:?}");
    assert_eq!(report["verdict"], "CONDITIONAL");
    let headline = report["sla"]["headline"].as_str().unwrap();
    assert!(
        headline.starts_with(
            "CONDITIONAL on `peak` — inconsistent data: the consistency audit rejects \
             response_time_law on `peak` (users, response time and think time allow ≈ 290 \
             req/s, the stage has 1,000 req/s)"
        ),
        "{headline}"
    );
    assert!(
        headline.ends_with("2 of 2 gating evaluations pass"),
        "{headline}"
    );
    assert_eq!(report["measured"], true);
    assert_eq!(report["data_quality"], "inconsistent");
    let reason = report["data_quality_reason"].as_str().unwrap();
    assert!(reason.contains("response_time_law"), "{reason}");
    // Throughput is not READY on data that cannot have been measured; every row cites it.
    let throughput = readiness(&report, "Throughput");
    assert_eq!(throughput["status"], "NOT READY", "{throughput}");
    assert!(throughput["evidence"]
        .as_str()
        .unwrap()
        .starts_with("data_quality inconsistent: the consistency audit rejects"));
    let errors = readiness(&report, "Errors / availability");
    assert_eq!(errors["status"], "AT RISK", "{errors}");
    let data = readiness(&report, "Data quality");
    assert_eq!(data["status"], "NOT READY");
    assert!(data["evidence"]
        .as_str()
        .unwrap()
        .contains("data_quality inconsistent"));

    // The same figures without a think time: X ≤ N/R holds, the data is clean, GO.
    let dir = TestDir::new();
    let run = seed_peak(&dir, false);
    let sla = self::sla(&dir, THROUGHPUT_AND_ERRORS);
    let (_, report, _) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(report["data_quality"], "clean");
    assert_eq!(report["data_quality_reason"], Value::Null);
    assert_eq!(report["verdict"], "GO");
    assert_eq!(
        report["sla"]["headline"],
        "GO on `peak` — 2 of 2 gating evaluations pass"
    );
    assert_eq!(readiness(&report, "Throughput")["status"], "READY");
}

/// Without a think time the audit still has two checks that can reject the seed's
/// peak. Counts that disagree: a stats history over the stage's 600 s whose rows add
/// up to 100 req/s × 600 s = 60,000 requests, against the stats file's 600,000 (the
/// stage is the history's plateau, as in any dir: qa114; the whole run the stats
/// file's, so `source_totals` rejects them and no rule is judged on either).
/// X ≤ N/R: 3,000 req/s from 1,000 users at a mean of 450 ms, where N/R = 2,222 req/s.
#[test]
fn without_a_think_time_the_count_and_the_law_bound_still_reject() {
    let dir = TestDir::new();
    let run = seed_peak(&dir, false);
    let mut hist = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,100%,\
         Total Request Count,Total Failure Count,Total Median Response Time,\
         Total Average Response Time,Total Min Response Time,Total Max Response Time,\
         Total Average Content Size\n",
    );
    for t in (0..=600u64).step_by(5) {
        let n = 100 * t;
        let (rate, pct) = if t == 0 {
            (0, "N/A,N/A,N/A")
        } else {
            (100, "450,1200,2550")
        };
        hist.push_str(&format!(
            "{},1000,,Aggregated,{rate}.000000,0.000000,{pct},{n},{},450,450.0,5,2550,100\n",
            1_767_261_600 + t,
            n / 5000
        ));
    }
    dir.write("run/03_peak_1000users/locust_stats_history.csv", hist);
    let sla = sla(&dir, THROUGHPUT_AND_ERRORS);
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["verdict"], "CONDITIONAL");
    assert_eq!(report["data_quality"], "inconsistent");
    let headline = report["sla"]["headline"].as_str().unwrap();
    assert!(
        headline.starts_with(
            "CONDITIONAL on `peak` — inconsistent data: the consistency audit rejects \
             source_totals (the stages' file counts 60,000 requests where the whole run's \
             counts 600,000)"
        ),
        "{headline}"
    );
    assert_eq!(readiness(&report, "Throughput")["status"], "NOT READY");

    let dir = TestDir::new();
    locust_stage(
        &dir,
        "03_peak_1000users",
        1_800_000,
        360,
        3000.0,
        [450, 1200, 2550],
    );
    let sla = self::sla(&dir, THROUGHPUT_AND_ERRORS);
    let run = dir.path().join("run");
    let (_, report, _) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    let law = report["audit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "response_time_law")
        .unwrap();
    assert_eq!(law["verdict"], "impossible", "{law}");
    assert!(
        close(law["expected"].as_f64().unwrap(), 1000.0 / 0.45, 1e-6),
        "{law}"
    );
    assert_eq!(law["observed"], 3000.0);
    assert_eq!(report["verdict"], "CONDITIONAL");
    assert_eq!(report["data_quality"], "inconsistent");
    assert!(report["sla"]["headline"]
        .as_str()
        .unwrap()
        .contains("inconsistent data: the consistency audit rejects response_time_law"));
    assert_eq!(readiness(&report, "Throughput")["status"], "NOT READY");
}

#[test]
fn the_report_header_and_summary_show_the_data_quality() {
    let dir = TestDir::new();
    let run = seed_peak(&dir, true);
    let sla = sla(&dir, THROUGHPUT_AND_ERRORS);
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
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("  ⚠ data_quality inconsistent: the consistency audit rejects"),
        "{text}"
    );
    assert!(
        text.contains("  verdict: CONDITIONAL on `peak` — inconsistent data:"),
        "{text}"
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("> ⚠️ **INCONSISTENT DATA** (`data_quality`: inconsistent)"));
    assert!(md.contains("| Data | measured; `data_quality`: **inconsistent** — "));
    assert!(md.contains("**Verdict: 🟡 CONDITIONAL** on `peak` — inconsistent data"));
}

/// Two stages the agent-platform SLA does not name: `ramp` (100 users) and
/// `plateau` (1,000 users), both at 1,000 req/s with no failures over 600,000
/// requests; p50/p95/p99 = 100/300/600 ms, so every global rule of that SLA passes
/// (X ≤ N/R: 100 users at 100 ms make up to 1,000 req/s).
fn unnamed_stages(dir: &TestDir) -> PathBuf {
    locust_stage(dir, "01_ramp_100users", 600_000, 0, 1000.0, [100, 300, 600]);
    locust_stage(
        dir,
        "02_plateau_1000users",
        600_000,
        0,
        1000.0,
        [100, 300, 600],
    );
    // The same figures as the ramp's, saved by another run (not a copy of its file).
    resave_crlf(&dir.path().join("run/02_plateau_1000users/locust_stats.csv"));
    dir.path().join("run")
}

fn agent_platform() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/data/sla/agent-platform.toml")
}

#[test]
fn a_shipped_sla_works_on_runs_whose_stages_it_does_not_name() {
    let dir = TestDir::new();
    let run = unnamed_stages(&dir);
    let (code, out, stderr) = check(&run, Path::new(agent_platform()), &[]);
    assert_eq!(code, 0, "{stderr}");
    // Warnings: the verdict stage and both stage sections.
    assert!(
        stderr.contains("warning: ") && stderr.contains("verdict_stages entry \"peak\" names no stage in the data (stages: ramp, plateau): it decides nothing"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[stage.baseline] names no stage"),
        "{stderr}"
    );
    assert!(stderr.contains("[stage.target] names no stage"), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    // The 10 rules of [stage.baseline] and [stage.target] are shown, not counted.
    let rules = out["sla"]["rules"].as_array().unwrap();
    let not_run: Vec<&Value> = rules.iter().filter(|r| r["status"] == "not_run").collect();
    assert_eq!(not_run.len(), 10);
    assert!(not_run.iter().all(|r| r["decides_verdict"] == false));
    assert_eq!(out["counts"]["not_run"], 10);
    assert_eq!(out["sla"]["not_run"], 10);
    // No verdict stage left: every stage decides, the sentence says so and names the
    // stages there are, and their passes are no GO (qa21: not the stages the SLA chose).
    assert_eq!(out["verdict"], "CONDITIONAL");
    assert_eq!(out["sla"]["verdict_fallback"], true);
    assert_eq!(
        out["sla"]["headline"],
        "CONDITIONAL over all stages (no verdict stage the SLA names is in the data, whose \
         stages are `ramp`, `plateau`: not a GO until verdict_stages or --verdict-stage names \
         one) — 12 of 12 gating evaluations pass; 10 evaluations not run (baseline, target: \
         not in the data)"
    );
    assert!(out["warnings"].as_array().unwrap().iter().any(|w| w
        .as_str()
        .unwrap()
        .contains("the verdict is over every stage")));

    // --strict fails on rules that were not run; JUnit marks them skipped otherwise.
    let junit = dir.path().join("junit.xml");
    let (code, _, _) = check(
        &run,
        Path::new(agent_platform()),
        &["--junit", junit.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let skipped = doc
        .descendants()
        .filter(|n| n.has_tag_name("skipped"))
        .filter(|n| n.attribute("message").unwrap().starts_with("not run"))
        .count();
    assert_eq!(skipped, 10, "{xml}");
    let (code, _, _) = check(&run, Path::new(agent_platform()), &["--strict"]);
    assert_eq!(code, 1);

    // analyze: exit 0, the not_run rules listed in the report.
    let (code, report, stderr) = analyze_json(&[&run], &["--sla", agent_platform()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["verdict"], "CONDITIONAL");
}

#[test]
fn absent_names_leave_the_exit_code_to_the_remaining_rules() {
    let dir = TestDir::new();
    let run = unnamed_stages(&dir);
    // p95 is 300 ms everywhere: the global rule fails on both stages, which decide.
    let sla = sla(
        &dir,
        "[global]\nverdict_stages = [\"peak\", \"plateau\"]\nrules = [\"p(95) < 250ms\"]\n\n\
         [stage.stress]\nrules = [\"error_rate < 5%\"]\n\n[endpoint.\"GET /health\"]\nrules = [\"p(99) < 1s\"]\n",
    );
    let (code, out, stderr) = check(&run, &sla, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out["verdict"], "NO-GO");
    assert_eq!(
        out["sla"]["headline"],
        "NO-GO on `plateau` — 1 of 1 gating evaluation fails: `p(95) < 250ms` on `plateau` \
         (300 ms, 1.2× over); verdict_stages also names `peak`, not in the data: it decides \
         nothing; 2 non-gating evaluations fail (ramp, overall); 2 evaluations not run \
         (stress, GET /health: not in the data)"
    );
    assert!(
        stderr.contains("[endpoint.\"GET /health\"] names no endpoint"),
        "{stderr}"
    );
    let not_run: Vec<&Value> = out["sla"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "not_run")
        .collect();
    assert_eq!(not_run.len(), 2);
}

#[test]
fn a_name_one_letter_off_is_a_typo_with_a_suggestion() {
    let dir = TestDir::new();
    let run = unnamed_stages(&dir);
    let sla = sla(&dir, "[stage.plateu]\nrules = [\"p(95) < 1s\"]\n");
    let (code, _, stderr) = check(&run, &sla, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            ":1: [stage.plateu] matches no stage in the data — did you mean \"plateau\"?"
        ),
        "{stderr}"
    );
    let sla = self::sla(
        &dir,
        "[global]\nverdict_stages = [\"rmp\"]\nrules = [\"p(95) < 1s\"]\n",
    );
    let (code, _, stderr) = check(&run, &sla, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean \"ramp\"?"), "{stderr}");
}

#[test]
fn verdict_stage_flag_overrides_the_file() {
    let dir = TestDir::new();
    let run = unnamed_stages(&dir);
    let (code, out, stderr) = check(
        &run,
        Path::new(agent_platform()),
        &["--verdict-stage", "ramp"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["sla"]["verdict_stages"], serde_json::json!(["ramp"]));
    assert_eq!(out["sla"]["verdict_fallback"], false);
    assert!(out["sla"]["headline"]
        .as_str()
        .unwrap()
        .starts_with("GO on `ramp` — 6 of 6 gating evaluations pass"));
    let (code, _, stderr) = check(
        &run,
        Path::new(agent_platform()),
        &["--verdict-stage", "peak"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr
            .contains("--verdict-stage peak matches no stage in the data (stages: ramp, plateau)"),
        "{stderr}"
    );
    let (code, report, _) = analyze_json(
        &[&run],
        &["--sla", agent_platform(), "--verdict-stage", "plateau"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        report["sla"]["verdict_stages"],
        serde_json::json!(["plateau"])
    );
}

#[test]
fn sla_init_writes_a_starter_the_run_passes() {
    let dir = TestDir::new();
    let run = unnamed_stages(&dir);
    let o = headroom(&["sla", "init", run.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    // p95 300 ms → 400 ms, p99 600 ms → 800 ms, 0 errors → 1 %, plateau (1,000 users)
    // the verdict stage with its 1,000 req/s as the floor.
    assert!(text.contains("verdict_stages = [\"plateau\"]"), "{text}");
    assert!(text.contains("\"p(95) < 400ms\""), "{text}");
    assert!(text.contains("\"p(99) < 800ms\""), "{text}");
    assert!(text.contains("\"error_rate < 1%\""), "{text}");
    assert!(
        text.contains("[stage.plateau]\nrules = [\"throughput >= 1000/s\"]"),
        "{text}"
    );
    let path = dir.path().join("starter.toml");
    let o = headroom(&[
        "sla",
        "init",
        run.to_str().unwrap(),
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let (code, out, stderr) = check(&run, &path, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "GO");
    // Never overwritten.
    std::fs::write(&path, "# mine\n").unwrap();
    let o = headroom(&[
        "sla",
        "init",
        run.to_str().unwrap(),
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
}

/// One stage `peak` of `requests` at `rps` with `failures`, p50/p95/p99 as given.
fn one_stage(dir: &TestDir, requests: u64, failures: u64, rps: f64, p: [u32; 3]) -> PathBuf {
    locust_stage(dir, "01_peak_100users", requests, failures, rps, p);
    dir.path().join("run")
}

#[test]
fn statuses_and_factors_are_named_as_they_are() {
    let dir = TestDir::new();
    // 50 requests: too few for a p95 (200 needed), but 796 ms is past 500 ms already.
    let run = one_stage(&dir, 50, 0, 4.0, [300, 796, 900]);
    let sla = sla(
        &dir,
        "[global]\nrules = [\"p(95) < 500ms\", \"p(50) < 500ms\", \"throughput >= 1000/s\", \"error_rate < 0.1%\"]\n",
    );
    let (code, out, _) = check(&run, &sla, &[]);
    assert_eq!(code, 1);
    let rule = |text: &str| -> Value {
        out["sla"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == text && r["stage"] == "peak")
            .unwrap()
            .clone()
    };
    let p95 = rule("p(95) < 500ms");
    assert_eq!(p95["status"], "fail", "{p95}");
    assert!(
        p95["note"].as_str().unwrap().contains("judged fail"),
        "{p95}"
    );
    assert_eq!(p95["factor_text"], "1.59× over");
    // p(50) needs 20 samples: 50 are enough, and it passes.
    assert_eq!(rule("p(50) < 500ms")["status"], "pass");
    // 4 req/s against ≥ 1000: needs 250× more.
    assert_eq!(
        rule("throughput >= 1000/s")["factor_text"],
        "needs 250× more"
    );
    // 0 failures in 50 requests cannot show < 0.1 %: not proven, not "0 of 1 pass".
    assert_eq!(rule("error_rate < 0.1%")["status"], "not_proven");

    let dir = TestDir::new();
    // 1,000 requests, 45 failures: availability 95.5 % against > 99.9 % uses the error
    // budget (0.1 %) 45 times over.
    let run = one_stage(&dir, 1000, 45, 10.0, [100, 200, 300]);
    let sla = self::sla(&dir, "[global]\nrules = [\"availability > 99.9%\"]\n");
    let (_, out, _) = check(&run, &sla, &[]);
    let a = &out["sla"]["rules"][0];
    assert_eq!(a["factor_text"], "error budget used 45×", "{a}");
}

/// The expected statements, read by hand once: GO, CONDITIONAL (a p99 on 300
/// samples), NO-GO (p95 2.4× over), not proven (0 errors in 200 requests against
/// < 0.1 %), impossible data (100 users with a constant 2 s think time make at most
/// N/Z = 50 req/s; the law gives 100 / 2.2 s = 45.5 req/s, and the stage has 100).
const EXPECTED: &str = r#"GO on `peak` — 3 of 3 gating evaluations pass
Throughput: READY — 1 of 1 rule evaluation passes on the verdict stages
Latency: READY — 1 of 1 rule evaluation passes on the verdict stages
Errors / availability: READY — 1 of 1 rule evaluation passes on the verdict stages
Capacity / scalability: NOT ASSESSED — one load level: capacity needs several stages of different load
Data quality: READY — data_quality clean: 1 input file(s), all read, measured data
Headroom: One load level (100 users): no capacity estimate (capacity needs several load levels). At that level: goodput 100 req/s, p95 400 ms, errors 0.0167%; the SLA holds there

CONDITIONAL on `peak` — 1 of 3 gating evaluations lacks the data to judge; 2 pass
Throughput: READY — 1 of 1 rule evaluation passes on the verdict stages
Latency: AT RISK — 1 rule evaluation on the verdict stages: 1 lacks the data to judge: `p(99) < 1s` on `peak` (450 ms)
Errors / availability: READY — 1 of 1 rule evaluation passes on the verdict stages
Capacity / scalability: NOT ASSESSED — one load level: capacity needs several stages of different load
Data quality: READY — data_quality clean: 1 input file(s), all read, measured data
Headroom: One load level (100 users): no capacity estimate (capacity needs several load levels). At that level: goodput 100 req/s, p99 450 ms, errors 0%; the SLA's latency and error limits hold there; the CONDITIONAL comes from rules not settled at those loads: `p(99) < 1s` lacks the data on `peak` (450 ms)

NO-GO on `peak` — 1 of 3 gating evaluations fails: `p(95) < 500ms` on `peak` (1.2 s, 2.4× over); 2 pass; 1 non-gating evaluation fails (overall)
Throughput: READY — 1 of 1 rule evaluation passes on the verdict stages
Latency: NOT READY — 1 rule evaluation on the verdict stages: 1 fails: `p(95) < 500ms` on `peak` (1.2 s, 2.4× over)
Errors / availability: READY — 1 of 1 rule evaluation passes on the verdict stages
Capacity / scalability: NOT ASSESSED — one load level: capacity needs several stages of different load
Data quality: READY — data_quality clean: 1 input file(s), all read, measured data
Headroom: One load level (100 users): no capacity estimate (capacity needs several load levels). At that level: goodput 100 req/s, p95 1.2 s, errors 0.0167%; the SLA does not hold there: latency is over its limit

CONDITIONAL on `peak` — 1 of 1 gating evaluation is not proven (too few requests to show the limit holds)
Throughput: NOT ASSESSED — highest stage throughput 100.0 req/s (stage "peak") (the SLA has no rule on the verdict stages for it)
Latency: NOT ASSESSED — overall p95 400 ms (the SLA has no rule on the verdict stages for it)
Errors / availability: AT RISK — 1 rule evaluation on the verdict stages: 1 not proven (passes at face value, too few requests to show it): `error_rate < 0.1%` on `peak` (0%)
Capacity / scalability: NOT ASSESSED — one load level: capacity needs several stages of different load
Data quality: READY — data_quality clean: 1 input file(s), all read, measured data
Headroom: One load level (100 users): no capacity estimate (capacity needs several load levels). At that level: goodput 100 req/s, p95 400 ms, errors 0%; the SLA's error limit holds there at face value, but 200 requests are too few to show the error rate is within the limit (not proven); the CONDITIONAL comes from rules not settled at those loads: `error_rate < 0.1%` not proven on `peak` (0%)

CONDITIONAL on `peak` — inconsistent data: the consistency audit rejects response_time_law on `peak` (users, response time and think time allow ≈ 45.5 req/s, the stage has 100 req/s); 3 of 3 gating evaluations pass
Throughput: NOT READY — data_quality inconsistent: the consistency audit rejects response_time_law on `peak` (users, response time and think time allow ≈ 45.5 req/s, the stage has 100 req/s); 1 of 1 rule evaluation passes on the verdict stages
Latency: AT RISK — data_quality inconsistent: the consistency audit rejects response_time_law on `peak` (users, response time and think time allow ≈ 45.5 req/s, the stage has 100 req/s); 1 of 1 rule evaluation passes on the verdict stages
Errors / availability: AT RISK — data_quality inconsistent: the consistency audit rejects response_time_law on `peak` (users, response time and think time allow ≈ 45.5 req/s, the stage has 100 req/s); 1 of 1 rule evaluation passes on the verdict stages
Capacity / scalability: NOT ASSESSED — one load level: capacity needs several stages of different load
Data quality: NOT READY — data_quality inconsistent: the consistency audit rejects response_time_law on `peak` (users, response time and think time allow ≈ 45.5 req/s, the stage has 100 req/s); consistency audit: 1 impossible, 0 suspect finding(s) (response_time_law)
Headroom: One load level (100 users): no capacity estimate (capacity needs several load levels). At that level: goodput 100 req/s, p95 400 ms, errors 0.0167%; the SLA holds there
"#;

/// The verdict sentence, the readiness rows (status — evidence) and the capacity
/// (headroom) statement of an analysis.
fn statements(report: &Value) -> String {
    let mut out = format!("{}\n", report["sla"]["headline"].as_str().unwrap());
    for r in report["readiness"].as_array().unwrap() {
        out.push_str(&format!(
            "{}: {} — {}\n",
            r["area"].as_str().unwrap(),
            r["status"].as_str().unwrap(),
            r["evidence"].as_str().unwrap()
        ));
    }
    if let Some(h) = report["capacity"]["sla_headroom"]["statement"].as_str() {
        out.push_str(&format!("Headroom: {h}\n"));
    }
    out
}

#[test]
fn verdict_and_readiness_statements_for_five_fixtures() {
    let case = |requests: u64, failures: u64, rps: f64, p: [u32; 3], rules: &str, think: bool| {
        let dir = TestDir::new();
        let run = one_stage(&dir, requests, failures, rps, p);
        if think {
            dir.write(
                "run/01_peak_100users/run.toml",
                "think_time = \"constant(2)\"\n",
            );
        }
        let sla = sla(&dir, &format!("[global]\nrules = [{rules}]\n"));
        let (code, report, stderr) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        statements(&report)
    };
    let rules = "\"p(95) < 500ms\", \"error_rate < 1%\", \"throughput >= 50/s\"";
    // GO: 100 users, 100 req/s, p95 400 ms, 10 failures in 60,000.
    let go = case(60_000, 10, 100.0, [200, 400, 450], rules, false);
    // CONDITIONAL: 300 requests pass p(99) at face value, but a p99 needs 1,000
    // samples to be trusted.
    let conditional = case(
        300,
        0,
        100.0,
        [200, 400, 450],
        "\"p(99) < 1s\", \"error_rate < 5%\", \"throughput >= 50/s\"",
        false,
    );
    // NO-GO: p95 1.2 s.
    let no_go = case(60_000, 10, 100.0, [600, 1200, 1500], rules, false);
    // Not proven: 0 errors in 200 requests against < 0.1 %.
    let not_proven = case(
        200,
        0,
        100.0,
        [200, 400, 450],
        "\"error_rate < 0.1%\"",
        false,
    );
    // Impossible: 100 users with a constant 2 s think time make at most 50 req/s.
    let impossible = case(60_000, 10, 100.0, [200, 400, 450], rules, true);
    let all = [go, conditional, no_go, not_proven, impossible].join("\n");
    assert_eq!(all, EXPECTED, "got:\n{all}");
}

#[test]
fn the_headroom_sentence_does_not_contradict_a_no_go() {
    // Latency and errors hold at both loads; the NO-GO comes from throughput.
    let dir = TestDir::new();
    let run = unnamed_stages(&dir);
    let sla = sla(
        &dir,
        "[global]\nrules = [\"p(95) < 500ms\", \"error_rate < 1%\", \"throughput >= 2000/s\"]\n",
    );
    let (_, report, _) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(report["verdict"], "NO-GO");
    let statement = report["capacity"]["sla_headroom"]["statement"]
        .as_str()
        .unwrap();
    assert!(
        statement
            .starts_with("The SLA's latency and error limits hold over the whole measured range"),
        "{statement}"
    );
    assert!(
        statement.contains("the NO-GO comes from other rules: `throughput >= 2000/s` on `ramp`"),
        "{statement}"
    );
}

#[test]
fn sla_init_never_writes_a_broken_runs_failures_in_as_acceptable() {
    // Half of 1,000 requests failed at 100 req/s: the starter keeps errors under 1%
    // (the run fails it, and a comment says so) and floors the 50 successful req/s.
    let dir = TestDir::new();
    let run = one_stage(&dir, 1000, 500, 100.0, [300, 500, 700]);
    let o = headroom(&["sla", "init", run.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("\"error_rate < 1%\""), "{text}");
    assert!(text.contains("failed 50% of its requests"), "{text}");
    assert!(text.contains("rules = [\"goodput >= 50/s\"]"), "{text}");
}
