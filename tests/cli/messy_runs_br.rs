//! Messy runs, batch "br" (lead): `compare` of a release whose ab `-g` file was kept
//! without ab's console. The `-g` file records no outcome (a 429 reads as an answer),
//! so that side's error rate is at least, and its goodput at most, what it shows, and
//! its latencies hold its failed requests' (report.json's per-stage
//! `failures_unseen`). Against `headroom target` with a rate limit, a candidate whose
//! 429s came back in 0 ms read as twice as fast, its error rate `unchanged`.

use super::common::{analyze_json, TestDir};
use super::messy_runs_bl::{ab_text, ab_tsv, compare, metric};

/// `REL/load/ab.tsv` of the requests `ms` (200 started a second), and with `failed`
/// given, ab's console beside it counting that many non-2xx.
fn release(dir: &TestDir, rel: &str, ms: &[u64], failed: Option<u64>, epoch: u64) {
    dir.write(&format!("{rel}/load/ab.tsv"), ab_tsv(ms, 200, epoch));
    if let Some(f) = failed {
        dir.write(&format!("{rel}/load/ab.txt"), ab_text(ms, f, 3.0));
    }
}

/// 600 requests of 19–21 ms.
fn steady() -> Vec<u64> {
    (0..600).map(|i| 19 + i % 3).collect()
}

/// The reason compare.json gives `name`.
fn reason(cmp: &serde_json::Value, name: &str) -> String {
    metric(cmp, name)["reason"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// The candidate kept only `ab.tsv`: three quarters of its requests are 0 ms (429s
/// from the rate limit; no status in the file), the rest as the baseline's. Its p50
/// 0 ms is no faster service, its p95 no sign of an unchanged one and its 0 % error
/// rate no sign of none: all are `inconclusive` (failures unseen), and the outcome is
/// no pass. The baseline kept ab's console, so
/// its stage sees every failure (report.json's `failures_unseen` null; the
/// candidate's `outcomes`).
#[test]
fn a_candidate_whose_g_file_hides_its_429s_reads_neither_faster_nor_unchanged() {
    let dir = TestDir::new();
    let cand: Vec<u64> = (steady().into_iter().enumerate())
        .map(|(i, ms)| if i % 4 == 0 { ms } else { 0 })
        .collect();
    release(&dir, "1.4.0", &steady(), Some(0), 1_796_560_100);
    release(&dir, "1.5.0", &cand, None, 1_796_560_200);
    let (_, base, _) = analyze_json(&[&dir.path().join("1.4.0")], &[]);
    let (_, blind, _) = analyze_json(&[&dir.path().join("1.5.0")], &[]);
    assert_eq!(
        base["stages"][0]["failures_unseen"],
        serde_json::Value::Null
    );
    assert_eq!(blind["stages"][0]["failures_unseen"], "outcomes");
    let (code, cmp) = compare(&dir, "1.4.0", "1.5.0");
    for m in ["p50", "p95", "mean", "error_rate"] {
        assert_eq!(metric(&cmp, m)["verdict"], "inconclusive", "{m}: {cmp}");
        let why = reason(&cmp, m);
        assert!(
            why.starts_with("failures unseen: the candidate's data records no outcome"),
            "{m}: {why}"
        );
    }
    let outcome = cmp["outcome"].as_str().unwrap();
    assert!(
        !["improved", "no_regression"].contains(&outcome),
        "{outcome}"
    );
    assert_eq!(code, 0, "nothing regressed is shown");
    assert!(cmp["notes"].to_string().contains("keep the tool's console"));
}

/// A blind candidate that got slower shows it: whatever failed, its users waited
/// twice as long (every request 40 ms against 19–21 ms): p50 `regressed`, exit 1.
#[test]
fn a_blind_candidate_that_is_slower_is_still_a_regression() {
    let dir = TestDir::new();
    release(&dir, "1.4.0", &steady(), Some(0), 1_796_560_100);
    release(&dir, "1.5.0", &[40; 600], None, 1_796_560_200);
    let (code, cmp) = compare(&dir, "1.4.0", "1.5.0");
    assert_eq!(metric(&cmp, "p50")["verdict"], "regressed", "{cmp}");
    assert_eq!(cmp["outcome"], "regressed");
    assert_eq!(code, 1);
}

/// The baseline kept only `ab.tsv` (its 0 % error rate a lower bound); the candidate
/// kept its console, which counts 450 of 600 non-2xx. 0 → 75 % is worse than the
/// baseline shows but not shown against what its file left out: `inconclusive` with
/// the baseline named, the outcome `possibly_worse`, and `--fail-on-regression` exits
/// 0 (it fails only on a shown regression).
#[test]
fn a_blind_baseline_makes_a_rise_in_errors_possibly_worse_not_shown() {
    let dir = TestDir::new();
    let cand: Vec<u64> = (0..600).map(|i| if i % 4 == 0 { 30 } else { 0 }).collect();
    release(&dir, "1.4.0", &steady(), None, 1_796_560_100);
    release(&dir, "1.5.0", &cand, Some(450), 1_796_560_200);
    let (code, cmp) = compare(&dir, "1.4.0", "1.5.0");
    let er = metric(&cmp, "error_rate");
    assert_eq!(er["candidate"], 450.0 / 600.0, "{er}");
    assert_eq!(er["verdict"], "inconclusive", "{er}");
    assert!(reason(&cmp, "error_rate").starts_with("failures unseen: the baseline's"));
    assert_eq!(cmp["outcome"], "possibly_worse");
    assert_eq!(code, 0);
}

/// A script's per-request CSV of `GET /api/v1/agents` (every third request) and
/// `GET /api/v1/agents/N` for 40 agent IDs, 1 to 40, 10 ms each, with wrk's URL of a
/// list call with `?limit=10` besides.
fn agents_csv(dir: &TestDir) {
    let mut csv = String::from("timestamp,method,url,status,latency_ms\n");
    for i in 0..1200u64 {
        let url = match i % 3 {
            0 => "/api/v1/agents?limit=10".to_string(),
            _ => format!("/api/v1/agents/{}", 1 + i % 40),
        };
        csv.push_str(&format!(
            "{}.{:03},GET,{url},200,10\n",
            1_796_560_000 + i / 100,
            i % 100 * 10
        ));
    }
    dir.write("run/results.csv", csv);
}

/// `headroom analyze run --sla sla.toml`: exit code and stderr.
fn judged(dir: &TestDir, section: &str) -> (i32, String) {
    dir.write(
        "sla.toml",
        format!("[endpoint.\"{section}\"]\nrules = [\"p95 < 100ms\"]\n"),
    );
    let o = super::common::headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--sla",
        dir.path().join("sla.toml").to_str().unwrap(),
        "--out",
        dir.path()
            .join(format!("out-{}", section.len()))
            .to_str()
            .unwrap(),
    ]);
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// An SLA's `?limit=50` names another request than the data's `?limit=10` (a page
/// five times larger). Before, both query strings were left aside and the rule judged
/// the page of 10 as the page of 50, silently. Now the rule is not run, and the note
/// names the data's endpoint as that route with another query string.
#[test]
fn another_query_string_is_another_request_and_the_note_says_which_was_run() {
    let dir = TestDir::new();
    agents_csv(&dir);
    let (code, stderr) = judged(&dir, "GET /api/v1/agents?limit=50");
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("names no endpoint in the data"), "{stderr}");
    assert!(
        stderr.contains(
            "the data has its route with another query string: GET /api/v1/agents?limit=10"
        ),
        "{stderr}"
    );
    // The same query string, as the data has it, is judged.
    let (code, stderr) = judged(&dir, "GET /api/v1/agents/?limit=10");
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("names no endpoint"), "{stderr}");
    // Nor is the route without a query (ab's bare URL in a smoke stage beside wrk's
    // `?limit=10`) the page of 50.
    let mut csv = String::from("timestamp,method,url,status,latency_ms\n");
    for i in 0..400u64 {
        let query = if i % 2 == 0 { "" } else { "?limit=10" };
        csv.push_str(&format!(
            "{}.{:03},GET,/api/v1/agents{query},200,10\n",
            1_796_560_000 + i / 100,
            i % 100 * 10
        ));
    }
    dir.write("run/results.csv", csv);
    let (code, stderr) = judged(&dir, "GET /api/v1/agents?limit=50");
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("names no endpoint in the data"), "{stderr}");
}

/// A typo in a route template (`agent` for `agents`) is suggested as the route the
/// data's 40 agent URLs form, and the list of endpoints names that route once with
/// how many endpoints it stands for, not ten agents' URLs "and 31 more".
#[test]
fn a_route_templates_typo_is_answered_with_the_datas_route_not_one_agents_url() {
    let dir = TestDir::new();
    agents_csv(&dir);
    let (code, stderr) = judged(&dir, "GET /api/v1/agent/{id}");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("did you mean \"GET /api/v1/agents/{id}\"?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("GET /api/v1/agents/{id} (40 endpoints)"),
        "{stderr}"
    );
    assert!(!stderr.contains("GET /api/v1/agents/17"), "{stderr}");
    // A route's typo is the list call's, not an agent's URL (`…/agents/1` is two
    // edits from `…/agent`, but an ID's route).
    let (code, stderr) = judged(&dir, "GET /api/v1/agent");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("did you mean \"GET /api/v1/agents?limit=10\"?"),
        "{stderr}"
    );
}
