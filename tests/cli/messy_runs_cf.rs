//! Messy runs, batch "cf" (qa82): several tools across stage dirs. hey's smoke check in
//! `smoke/` and again in `load/` beside wrk and `ab -p` keeps `smoke` a stage of its
//! own (a tool's results in two dirs are one stage each, not one source judged whole);
//! a second tool on the same URL whose figures every rule weighed and found holding
//! (hey beside wrk), or ab's POST once its endpoint rule is judged on ab's figures,
//! holds no GO back as "measured other requests"; and wrk's GET beside ab's POST are
//! no two counts of the same requests ("one of them lost some").

use super::common::{analyze_json, TestDir};
use super::messy_runs::hey_text;
use super::messy_runs_ai::wrk_text;
use serde_json::Value;

/// ab's console of `ab -p body.json -c 20 -n 4000 URL/api/v1/agents/run`: 3,700
/// requests took 250 ms and 300 took 650 ms, so its p95 (the 3,800th smallest) is
/// 650 ms; mean 280 ms, and 20 at once over 280 ms each is 71.43 req/s, 56 s in all.
fn ab_post() -> String {
    super::messy_runs_ca::ab_post_of(4000)
}

/// wrk's console of a run of `secs` seconds (`wrk -d{secs}s`), run to its end:
/// `connections`, `requests`, p99 58.67 ms, no p95.
fn wrk(connections: u32, requests: u64, secs: u32) -> String {
    let text = wrk_text(connections, requests, f64::from(secs), 0);
    text.replace("Running 12s test", &format!("Running {secs}s test"))
}

/// The report's stage `name` as (tool, requests, failures).
fn stage(report: &Value, name: &str) -> (String, u64, u64) {
    let stages = report["stages"].as_array().expect("stages");
    let s = (stages.iter())
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name}: {stages:?}"));
    (
        s["tool"].as_str().unwrap_or_default().to_string(),
        s["requests"].as_u64().unwrap_or_default(),
        s["failures"].as_u64().unwrap_or_default(),
    )
}

/// The SLA evaluation of `rule` on stage `stage` (no endpoint).
fn evaluation<'a>(report: &'a Value, rule: &str, stage: &str) -> &'a Value {
    let rules = report["sla"]["rules"].as_array().expect("sla rules");
    (rules.iter())
        .find(|e| e["rule"] == rule && e["stage"] == stage && e["endpoint"].is_null())
        .unwrap_or_else(|| panic!("no {rule} on {stage}: {rules:?}"))
}

/// `rel/smoke/hey.txt` (50 requests, 10 of them 503) and `rel/load/{hey,wrk,ab}.txt`:
/// the team's smoke check, then the load with hey again, wrk on the GET and ab on the
/// POST. The `smoke` stage is hey's 50 requests (before, hey's two files were one
/// source, `load` was wrk's alone and `smoke` only a row under Sources), and
/// `[stage.smoke]` judges its 10 / 50 = 20 % errors.
#[test]
fn a_tool_in_two_stage_dirs_keeps_the_stage_it_alone_measured() {
    let dir = TestDir::new();
    dir.write("rel/smoke/hey.txt", hey_text(40, 10));
    dir.write("rel/load/hey.txt", hey_text(3000, 0));
    dir.write("rel/load/wrk.txt", wrk(10, 20_000, 2));
    dir.write("rel/load/ab.txt", ab_post());
    let sla = dir.write("sla.toml", "[stage.smoke]\nrules = [\"error_rate < 1%\"]\n");
    let run = dir.path().join("rel");
    let (code, report, err) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stage(&report, "smoke"), ("hey".into(), 50, 10), "{err}");
    assert_eq!(stage(&report, "load"), ("wrk".into(), 20_000, 0), "{err}");
    let primary = report["primary_source"].as_str().unwrap_or_default();
    assert!(
        primary.contains("hey") && primary.contains("wrk"),
        "{primary}"
    );
    let smoke = evaluation(&report, "error_rate < 1%", "smoke");
    assert_eq!(smoke["status"], "fail", "{smoke}");
    assert!(
        (smoke["value"].as_f64().unwrap() - 0.2).abs() < 1e-9,
        "{smoke}"
    );
    assert_eq!(report["verdict"], "NO-GO", "{err}");
    // hey's load run and ab's are listed beside the `load` stage, never summed.
    let sources = report["sources"].to_string();
    assert!(
        sources.contains("\"hey\"") && sources.contains("\"ab\""),
        "{sources}"
    );
}

/// `01_load_10users/{wrk.txt,hey.txt}`: wrk (`-c10 -d6s`: 2,742 requests, mean 21.89
/// ms, p99 58.67 ms) and hey (`-c 10 -z 2s`: 1,770 requests, mean 11.3 ms, p99 20.7 ms)
/// on the same URL at the same load (each 10 in flight by Little's law), then wrk alone
/// in `02_peak_20users/`. Both tools pass every rule, so the run is a GO: hey's requests,
/// in none of the report's figures, were weighed by every rule (before: CONDITIONAL,
/// "the hey source measured other requests"). With 40 of hey's 1,770 failing (2.3 %),
/// its error rate fails the rule wrk passes: never a GO.
#[test]
fn a_second_tool_on_the_same_url_that_holds_every_rule_holds_no_go_back() {
    let sla = "[global]\nrules = [\"p(99) < 100ms\", \"error_rate < 1%\"]\n";
    for (failed, verdict) in [(0, "GO"), (40, "CONDITIONAL")] {
        let dir = TestDir::new();
        dir.write("rel/01_load_10users/wrk.txt", wrk(10, 2742, 6));
        dir.write(
            "rel/01_load_10users/hey.txt",
            hey_text(1770 - failed, failed),
        );
        dir.write("rel/02_peak_20users/wrk.txt", wrk(20, 5484, 6));
        let sla = dir.write("sla.toml", sla);
        let run = dir.path().join("rel");
        let (code, report, err) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            report["verdict"], verdict,
            "{failed} failed: {} {err}",
            report["sla"]
        );
        let reason = report["data_quality_reason"].to_string();
        let said = reason.contains("hey source measured other requests");
        assert_eq!(said, failed > 0, "{reason}");
    }
}

/// `01_load_50users/{wrk.txt,ab.txt}`: wrk's 4,521 GETs and ab's 4,000 POSTs (12 %
/// apart). They are no two counts of the same requests: no "one of them lost some"
/// (before, it was said). The POST's endpoint rule is judged on ab's figures (p95
/// 650 ms < 700 ms), and ab's stage figures pass the global rule too: a GO (before,
/// CONDITIONAL, "the ab source measured other requests").
#[test]
fn ab_post_beside_wrk_get_judged_on_its_own_figures_is_no_lost_request() {
    let dir = TestDir::new();
    dir.write("rel/01_load_50users/wrk.txt", wrk(50, 4521, 3));
    dir.write("rel/01_load_50users/ab.txt", ab_post());
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"error_rate < 1%\"]\n\
         [stage.load.endpoint.\"POST /api/v1/agents/run\"]\nrules = [\"p(95) < 700ms\"]\n",
    );
    let run = dir.path().join("rel");
    let (code, report, err) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let all = format!("{err}{}", report["warnings"]);
    assert!(!all.contains("lost some"), "{all}");
    assert_eq!(report["verdict"], "GO", "{} {err}", report["sla"]);
    assert_eq!(
        report["data_quality"], "clean",
        "{}",
        report["data_quality_reason"]
    );
}

/// wrk's GETs (`-d4s`: 9,000 and 9,100 requests, 50 in flight) in `01_get_50users/` and in
/// `02_post_50users/` beside ab's POSTs, with a global `[endpoint."POST
/// /api/v1/agents/run"]` section: the report shows wrk for both stages, and only ab
/// requested the POST, in stage `post`. Its rules are judged there on ab's figures (p95 650
/// ms): `p(95) < 500ms` fails, a NO-GO; `p(95) < 700ms` passes, a GO. Before, the
/// section "named no endpoint in the data" (wrk's URL alone was listed) and its rules
/// were not run, whatever ab measured.
#[test]
fn a_global_endpoint_section_is_judged_where_another_tool_measured_it() {
    for (limit, verdict, status) in [(500, "NO-GO", "fail"), (700, "GO", "pass")] {
        let dir = TestDir::new();
        dir.write("rel/01_get_50users/wrk.txt", wrk(50, 9000, 4));
        dir.write("rel/02_post_50users/wrk.txt", wrk(50, 9100, 4));
        dir.write("rel/02_post_50users/ab.txt", ab_post());
        let sla = dir.write(
            "sla.toml",
            format!(
                "[global]\nrules = [\"error_rate < 1%\"]\n\
                 [endpoint.\"POST /api/v1/agents/run\"]\nrules = [\"p(95) < {limit}ms\"]\n"
            ),
        );
        let run = dir.path().join("rel");
        let (code, report, err) = analyze_json(&[&run], &["--sla", sla.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let rules = report["sla"]["rules"].as_array().expect("sla rules");
        let rule = format!("p(95) < {limit}ms");
        let judged = (rules.iter())
            .find(|e| e["rule"] == rule.as_str() && e["stage"] == "post")
            .unwrap_or_else(|| panic!("{rules:?}"));
        assert_eq!(judged["status"], status, "{judged}");
        assert_eq!(judged["value"].as_f64(), Some(650.0), "{judged}");
        assert_eq!(judged["endpoint"], "POST /api/v1/agents/run", "{judged}");
        assert_eq!(report["verdict"], verdict, "{} {err}", report["sla"]);
    }
}
