//! Messy runs, batch "ae" (qa37): stepped and ramped runs against `headroom target`
//! whose stages are not named the way the SLA expects (a one-stage run dir named
//! after its test, `step1_10u/`, `02 Peak (16 users)/`), and the capacity judgement
//! on them.

use std::path::Path;

use serde_json::Value;

use super::common::{headroom, TestDir};

/// wrk's console for a run at `conns` connections: `requests` in 8.00 s, mean and
/// p50/p99 in ms as wrk prints them (p75/p90 between them), no errors.
fn wrk_text(conns: u32, requests: u64, mean: f64, p50: f64, p99: f64) -> String {
    let rps = requests as f64 / 8.0;
    format!(
        "Running 8s test @ http://127.0.0.1:18370/item\n\
         \x20 1 threads and {conns} connections\n\
         \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
         \x20   Latency   {mean:.2}ms    2.00ms {p99:.2}ms   95.00%\n\
         \x20   Req/Sec   {rps:.2}     10.00   {rps:.2}     90.00%\n\
         \x20 Latency Distribution\n\
         \x20    50%  {p50:.2}ms\n\
         \x20    75%  {p50:.2}ms\n\
         \x20    90%  {p50:.2}ms\n\
         \x20    99%  {p99:.2}ms\n\
         \x20 {requests} requests in 8.00s, 144.10KB read\n\
         Requests/sec:    {rps:.2}\n\
         Transfer/sec:     17.81KB\n"
    )
}

/// Runs `check RUN --sla SLA --format json` with `extra`; returns the exit code, the
/// JSON and stderr.
fn check_json(run: &Path, sla: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend(extra);
    let o = headroom(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), json, stderr)
}

/// A user ran one wrk test, saved in a dir named after it (`checkout-load-test/`, 32
/// connections, p99 224.03 ms as wrk printed it), and gated it with the team's SLA:
/// `error_rate < 1%` under `[global]`, the demanding `p(99) < 100ms` under
/// `[stage.peak]`. The run's one stage is named after its dir, so `[stage.peak]`
/// named nothing, its rule was `not_run`, and `check` said GO on the error rate alone
/// (exit 0). Now, with none of the stages the SLA's sections name in the data, the
/// verdict is CONDITIONAL and says why (the SLA still travels: exit 0, no error);
/// naming the stage as the SLA does (run.toml's `[[stage]] name = "peak"`) judges the
/// peak rule: NO-GO, exit 1, on wrk's 224.03 ms; `--verdict-stage` is the user's
/// explicit choice to decide without the peak rules.
#[test]
fn a_one_stage_run_named_after_its_test_is_no_go_under_peak_rules_it_never_ran() {
    let dir = TestDir::new();
    dir.write(
        "checkout-load-test/wrk.txt",
        wrk_text(32, 1240, 205.46, 206.08, 224.03),
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n[stage.peak]\nrules = [\"p(99) < 100ms\"]\n",
    );
    let run = dir.path().join("checkout-load-test");
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "CONDITIONAL", "{out}");
    let headline = out["sla"]["headline"].as_str().unwrap();
    assert!(
        headline.contains("none of the stages it names (`peak`) is in the data"),
        "{headline}"
    );
    assert!(headline.contains("`checkout-load-test`"), "{headline}");
    let warnings = out["warnings"].to_string();
    assert!(warnings.contains("[[stage]] name"), "{warnings}");
    // --strict fails it, as it fails every rule not run.
    let (code, _, _) = check_json(&run, &sla, &["--strict"]);
    assert_eq!(code, 1);

    // Named as the SLA names it: the peak rule is judged on wrk's own p99.
    dir.write(
        "checkout-load-test/run.toml",
        "label = \"v1.2\"\n[[stage]]\nname = \"peak\"\nusers = 32\n",
    );
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out}");
    let p99 = (out["sla"]["rules"].as_array().unwrap().iter())
        .find(|r| r["rule"] == "p(99) < 100ms")
        .unwrap();
    assert_eq!(p99["status"], "fail");
    assert!(
        (p99["value"].as_f64().unwrap() - 224.03).abs() < 0.01,
        "{p99}"
    );
}

/// The same SLA on a stepped run whose stages it partly names (`baseline`, `peak`;
/// `[stage.stress]` is for another run): the file travels between runs, so the
/// missing stage's rules are `not_run` and the verdict rests on the stages it names —
/// GO, as before; and `--verdict-stage` on the one-stage run above is the user's
/// choice of where the verdict rests: GO on its global rules, the peak rule not run.
#[test]
fn an_sla_that_names_some_of_the_stages_still_travels() {
    let dir = TestDir::new();
    dir.write(
        "run/01_baseline_4users/wrk.txt",
        wrk_text(4, 608, 51.6, 51.4, 55.0),
    );
    dir.write(
        "run/02_peak_8users/wrk.txt",
        wrk_text(8, 1200, 51.8, 51.6, 57.0),
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n[stage.peak]\nrules = [\"p(99) < 100ms\"]\n\
         [stage.stress]\nrules = [\"p(99) < 1s\"]\n",
    );
    let (code, out, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "GO", "{out}");
    assert_eq!(out["counts"]["not_run"], 1, "{out}");

    dir.write(
        "one-off/wrk.txt",
        wrk_text(32, 1240, 205.46, 206.08, 224.03),
    );
    let (code, out, stderr) = check_json(
        &dir.path().join("one-off"),
        &sla,
        &["--verdict-stage", "one-off"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["verdict"], "GO", "{out}");
}

/// A stepped wrk run in dirs named as people name them (`01 Baseline (4 users)/`,
/// `02 Peak (16 users)/`, `03 Stress (32 users)/`: stages `baseline`, `peak`,
/// `stress`) under an SLA that names the load level, `[stage."16 users"]`
/// `p(99) < 100ms`, and `verdict_stages = ["16u"]`. Before, neither named a stage:
/// the rule was `not_run` and the verdict fell back to every stage on the error rate.
/// Now a name that is a load level alone names the one stage at that load: NO-GO on
/// `peak`, wrk's p99 124.0 ms; two stages at that load are an error naming both.
#[test]
fn a_stage_named_by_its_users_in_the_sla_judges_the_stage_at_that_load() {
    let dir = TestDir::new();
    dir.write(
        "run/01 Baseline (4 users)/wrk.txt",
        wrk_text(4, 608, 51.6, 51.4, 55.0),
    );
    dir.write(
        "run/02 Peak (16 users)/wrk.txt",
        wrk_text(16, 1240, 103.2, 103.1, 124.0),
    );
    dir.write(
        "run/03 Stress (32 users)/wrk.txt",
        wrk_text(32, 1240, 205.46, 206.08, 224.03),
    );
    let run = dir.path().join("run");
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"16u\"]\nrules = [\"error_rate < 1%\"]\n\
         [stage.\"16 users\"]\nrules = [\"p(99) < 100ms\"]\n",
    );
    let (code, out, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out}");
    assert_eq!(out["sla"]["verdict_stages"], serde_json::json!(["peak"]));
    let p99 = (out["sla"]["rules"].as_array().unwrap().iter())
        .find(|r| r["rule"] == "p(99) < 100ms")
        .unwrap();
    assert_eq!(p99["stage"], "peak", "{p99}");
    assert_eq!(p99["status"], "fail");
    assert!(
        (p99["value"].as_f64().unwrap() - 124.0).abs() < 0.01,
        "{p99}"
    );

    // A second stage at 16 users: which one the SLA means is the user's to write.
    dir.write(
        "run/04 Soak (16 users)/wrk.txt",
        wrk_text(16, 1240, 103.2, 103.1, 99.0),
    );
    let (code, _, stderr) = check_json(&run, &sla, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("\"peak\" or \"soak\""), "{stderr}");
}

/// Stage dirs stamped with the time each step started (`2026-12-05T10-00_baseline/`,
/// `2026-12-05T10-05_peak/`, `20261205-1010_stress/`), each a wrk run, under an SLA
/// that names `peak` (`verdict_stages`, `[stage.peak]` `p(99) < 100ms`). Before,
/// `check` stopped with exit 2, "verdict_stages entry "peak" matches no stage — did
/// you mean "2026-12-05T10-05_peak"?", though the stamp is no part of the stage's
/// name. Now a date stamp before (or after) the words is left out as an ordering
/// number is: NO-GO on the peak dir, wrk's p99 124.0 ms.
#[test]
fn date_stamped_stage_dirs_are_named_by_their_words_in_the_sla() {
    let dir = TestDir::new();
    dir.write(
        "run/2026-12-05T10-00_baseline/wrk.txt",
        wrk_text(4, 608, 51.6, 51.4, 55.0),
    );
    dir.write(
        "run/2026-12-05T10-05_peak/wrk.txt",
        wrk_text(16, 1240, 103.2, 103.1, 124.0),
    );
    dir.write(
        "run/20261205-1010_stress/wrk.txt",
        wrk_text(32, 1240, 205.46, 206.08, 224.03),
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"error_rate < 1%\"]\n\
         [stage.peak]\nrules = [\"p(99) < 100ms\"]\n[stage.stress]\nrules = [\"p(99) < 1s\"]\n",
    );
    let (code, out, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out}");
    let rules = out["sla"]["rules"].as_array().unwrap();
    let p99 = rules.iter().find(|r| r["rule"] == "p(99) < 100ms").unwrap();
    assert_eq!(p99["stage"], "2026-12-05T10-05_peak", "{p99}");
    assert!(
        (p99["value"].as_f64().unwrap() - 124.0).abs() < 0.01,
        "{p99}"
    );
    // The stress rule is judged on the other stamp's spelling too.
    let stress = rules.iter().find(|r| r["rule"] == "p(99) < 1s").unwrap();
    assert_eq!(stress["status"], "pass", "{stress}");
}

/// A stepped wrk run whose dirs a user named by the users they meant (`4-users/`,
/// `10-users/`, `20-users/`) while wrk ran `-c4`, `-c16` and `-c32` (its console says
/// "16 connections"). Before, the dirs' 10 and 20 users were taken silently: the
/// capacity table and knee sat at loads the target never saw. Now a tool that ran
/// more than its dir's name says is believed (one generator never runs more than its
/// stage): the stages are at 4, 16 and 32 users and a warning names both counts.
#[test]
fn a_dir_named_for_fewer_users_than_wrk_ran_is_reported_at_wrks_connections() {
    let dir = TestDir::new();
    dir.write("run/4-users/wrk.txt", wrk_text(4, 608, 51.6, 51.4, 55.0));
    dir.write(
        "run/10-users/wrk.txt",
        wrk_text(16, 1240, 103.2, 103.1, 124.0),
    );
    dir.write(
        "run/20-users/wrk.txt",
        wrk_text(32, 1240, 205.46, 206.08, 224.03),
    );
    let (code, report, stderr) = super::common::analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let users: Vec<(String, u64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["users"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(users.contains(&("4-users".into(), 4)), "{users:?}");
    assert!(users.contains(&("10-users".into(), 16)), "{users:?}");
    assert!(users.contains(&("20-users".into(), 32)), "{users:?}");
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("says 10 users, but wrk ran 16 at once"),
        "{warnings}"
    );
    let points = report["capacity"]["load_points"].to_string();
    assert!(!points.contains("\"users\":10.0"), "{points}");
}

/// Steps saved as `step_4c/` and `step_16c/` (wrk's connections; headroom names the
/// stages `step_4users`, `step_16users`), gated with `[stage.step_16c]`, the dir's own
/// name. Before, it named no stage: the rule was `not_run` and the verdict GO on the
/// global rule. Now the dir's name names its stage as `02_peak_50users` does: NO-GO,
/// wrk's p99 124.0 ms against 100 ms.
#[test]
fn a_step_dir_named_by_its_connections_is_named_so_in_the_sla() {
    let dir = TestDir::new();
    dir.write("run/step_4c/wrk.txt", wrk_text(4, 608, 51.6, 51.4, 55.0));
    dir.write(
        "run/step_16c/wrk.txt",
        wrk_text(16, 1240, 103.2, 103.1, 124.0),
    );
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n[stage.step_16c]\nrules = [\"p(99) < 100ms\"]\n",
    );
    let (code, out, stderr) = check_json(&dir.path().join("run"), &sla, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(out["verdict"], "NO-GO", "{out}");
    let p99 = (out["sla"]["rules"].as_array().unwrap().iter())
        .find(|r| r["rule"] == "p(99) < 100ms")
        .unwrap();
    assert!(
        (p99["value"].as_f64().unwrap() - 124.0).abs() < 0.01,
        "{p99}"
    );
}

/// The other way round: `32-users/` holding a wrk run at `-c8`, the only dir of that
/// name (no other generator's share of the stage anywhere in the run). Before, the
/// stage was taken at 32 users silently, wrk's 8 nowhere; then the name's 32 stood
/// with a note. Now (qa89) the load is what wrk ran: the stage is at 8 users, and the
/// warnings name both counts (generators side by side each write a dir of the same
/// name, `messy_runs_cm` pins that the name's count stands there).
#[test]
fn a_dir_named_for_more_users_than_wrk_ran_says_whose_count_is_whose() {
    let dir = TestDir::new();
    dir.write("run/8-users/wrk.txt", wrk_text(8, 1240, 51.6, 51.4, 55.0));
    dir.write("run/32-users/wrk.txt", wrk_text(8, 1248, 51.7, 51.5, 56.0));
    let (code, report, stderr) = super::common::analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let stage = (report["stages"].as_array().unwrap().iter())
        .find(|s| s["name"] == "32-users")
        .unwrap();
    assert_eq!(stage["users"], 8, "{stage}");
    let notes = report.to_string();
    assert!(
        notes.contains("the dir's name says 32 users, but wrk ran 8 at once"),
        "{notes}"
    );
    assert!(!notes.contains("says 8 users"), "{notes}");
}
