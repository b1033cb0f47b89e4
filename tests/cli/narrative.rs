//! The report's written sections on a hand-made 3-stage run whose answers are known:
//! deltas against the lowest-load stage, per-stage sentences, recommendations, next
//! steps, and the scenario, environment and planned-mix tables from run.toml.

use crate::common::{close, headroom, TestDir};

/// (endpoint, method, requests, latency ms, failures, error) per stage.
type Ep = (&'static str, &'static str, u64, f64, u64, &'static str);

const T0: i64 = 1_700_000_000_000;
const STAGE_S: i64 = 60;
const STAGES: [(&str, u32, [Ep; 2]); 3] = [
    (
        "baseline",
        10,
        [
            ("/a", "GET", 400, 100.0, 0, ""),
            ("/b", "POST", 200, 200.0, 0, ""),
        ],
    ),
    (
        "target",
        20,
        [
            ("/a", "GET", 800, 250.0, 0, ""),
            ("/b", "POST", 400, 500.0, 12, "status:503"),
        ],
    ),
    (
        "stress",
        40,
        [
            ("/a", "GET", 1200, 600.0, 0, ""),
            ("/b", "POST", 600, 1500.0, 90, "timeout"),
        ],
    ),
];

fn rfc3339(ms: i64) -> String {
    humantime::format_rfc3339_millis(
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms as u64),
    )
    .to_string()
}

/// Writes the run: one generic CSV (requests of a stage spread evenly over its 60 s,
/// endpoints interleaved, failures spread out) and run.toml with the stage windows.
fn write_fixture(dir: &TestDir) {
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,success,error\n");
    let mut toml = String::from(
        "label = \"fixture\"\ndescription = \"Mixed API traffic\"\nclient_host = \"loadgen-1\"\n\
         client_cpus = 8\ntool = \"headroom 0.1.0\"\n",
    );
    for (k, (name, users, eps)) in STAGES.iter().enumerate() {
        let start = T0 + k as i64 * STAGE_S * 1000;
        // Round-robin in the 2:1 ratio of the endpoints' counts.
        let mut rows: Vec<String> = Vec::new();
        let (a, b) = (&eps[0], &eps[1]);
        for i in 0..b.2 {
            for _ in 0..2 {
                rows.push(format!("{},{},{},200,true,", a.0, a.1, a.3));
            }
            let fail = b.4 > 0 && i % (b.2 / b.4) == 0 && i / (b.2 / b.4) < b.4;
            if fail {
                let status = if b.5.starts_with("status:") {
                    "503"
                } else {
                    ""
                };
                rows.push(format!("{},{},{},{status},false,{}", b.0, b.1, b.3, b.5));
            } else {
                rows.push(format!("{},{},{},200,true,", b.0, b.1, b.3));
            }
        }
        let n = rows.len() as i64;
        for (i, r) in rows.iter().enumerate() {
            csv.push_str(&format!("{},{r}\n", start + i as i64 * STAGE_S * 1000 / n));
        }
        toml.push_str(&format!(
            "[[stage]]\nname = \"{name}\"\nusers = {users}\nspawn_rate = 5\n\
             start = \"{}\"\nsteady_start = \"{}\"\nend = \"{}\"\ndescription = \"{name} load\"\n",
            rfc3339(start),
            rfc3339(start),
            rfc3339(start + STAGE_S * 1000)
        ));
    }
    toml.push_str(
        "[[task]]\nname = \"list\"\nendpoint = \"GET /a\"\nweight = 3\n\
         [[task]]\nname = \"create\"\nendpoint = \"POST /b\"\nweight = 1\n",
    );
    dir.write("run/requests.csv", csv);
    dir.write("run/run.toml", toml);
    dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"target\"]\nrules = [\"p(95) < 400ms\", \"error_rate < 2%\"]\n",
    );
}

/// Figures of stage `k` the test knows from the fixture: throughput, p50, p95, p99,
/// error rate (every request of an endpoint has the same latency).
fn known(k: usize) -> [f64; 5] {
    let eps = &STAGES[k].2;
    let n: u64 = eps.iter().map(|e| e.2).sum();
    let failures: u64 = eps.iter().map(|e| e.4).sum();
    // 2/3 of the requests are at /a's latency, 1/3 at /b's (the slower).
    let (fast, slow) = (eps[0].3, eps[1].3);
    [
        n as f64 / STAGE_S as f64,
        fast,
        slow,
        slow,
        failures as f64 / n as f64,
    ]
}

/// A ratio as the report writes one below 10: two decimals, trailing zeros dropped.
fn short(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[test]
fn deltas_sentences_and_recommendations_carry_the_fixtures_numbers() {
    let dir = TestDir::new();
    write_fixture(&dir);
    let out = dir.path().join("out");
    let o = headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--sla",
        dir.path().join("sla.toml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let narrative = &json["narrative"];
    assert_eq!(narrative["baseline_stage"], "baseline");

    // Every stage against the baseline: ratios (report.json) and their words (report.md).
    let base = known(0);
    let labels = ["throughput", "p50", "p95", "p99", "error rate"];
    for (k, name) in [(1, "target"), (2, "stress")] {
        let d = narrative["deltas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["stage"] == name)
            .unwrap();
        let stage = known(k);
        for (i, label) in labels.iter().enumerate().take(4) {
            let ratio = short(stage[i] / base[i]);
            let got = d["metrics"][i]["ratio"].as_f64().unwrap();
            let want = stage[i] / base[i];
            assert!(close(got, want, 0.002), "{name} {label}: {got} vs {want}");
            // 2.5, 6, 7.5, 2, 3: exact in a short decimal.
            assert!(
                md.contains(&format!("{label} {ratio}× the baseline stage's")),
                "{name} {label} {ratio}× missing"
            );
        }
        // Baseline error rate 0: a difference in percentage points, no ratio.
        assert!(d["metrics"][4]["ratio"].is_null());
        let pp = format!("+{:.2} pp", (stage[4] - base[4]) * 100.0);
        assert!(md.contains(&pp), "{name}: {pp} missing");
    }

    // Per-stage sentences: what moved against the stage before, what dominates, what broke.
    let [x1, _, p95_1, _, _] = known(1);
    let [x2, _, p95_2, _, e2] = known(2);
    assert!(
        md.contains(&format!(
            "Against `target` (20 users): throughput {}× (20 req/s → 30 req/s), p95 {}× (500 ms → 1.5 s)",
            short(x2 / x1),
            short(p95_2 / p95_1)
        )),
        "movement sentence missing"
    );
    assert!(md.contains("`GET /a` carries the most requests: 66.7% (1,200 of 1,800)"));
    // Waiting time on stress: /b 600 × 1.5 s of (600 × 1.5 s + 1200 × 0.6 s).
    let wait = 600.0 * 1500.0 / (600.0 * 1500.0 + 1200.0 * 600.0);
    assert!(md.contains(&format!(
        "`POST /b` takes the largest share of the waiting time: {:.1}%",
        wait * 100.0
    )));
    assert!(md.contains(&format!(
        "90 of 1,800 requests failed ({}%): `timeout` 90; most on `POST /b` (90 of its 600)",
        short(e2 * 100.0)
    )));
    assert!(md.contains("None of its 600 requests failed."));

    // Recommendations: the gating miss first, with its figure and factor.
    let recs = narrative["recommendations"].as_array().unwrap();
    assert_eq!(recs[0]["priority"], "P0", "{recs:?}");
    assert_eq!(recs[0]["source"], "SLA");
    let factor = short(p95_1 / 400.0);
    assert!(
        md.contains(&format!(
            "**P0** — Bring `p(95) < 400ms` within its limit on `target`. *Evidence (SLA):* \
             `p(95) < 400ms` on `target` (500 ms, {factor}× over)"
        )),
        "P0 missing"
    );
    // Stress misses are non-gating: P2, with both figures.
    assert!(md.contains(&format!(
        "`error_rate < 2%` on `stress` ({}%, {}× over)",
        short(e2 * 100.0),
        short(e2 / 0.02)
    )));
    assert!(recs
        .iter()
        .all(|r| r["evidence"].as_str().is_some_and(|e| !e.is_empty())));

    // Next step: p95 crosses 400 ms between 10 users (200 ms) and 20 (500 ms).
    let at: f64 = 10.0 + 10.0 * (400.0 - 200.0) / (500.0 - 200.0);
    assert!(
        md.contains(&format!(
            "Run a stage at ≈ {} users to confirm the interpolated limit",
            at.round()
        )),
        "next step missing"
    );

    // Set-up from run.toml: spawn rate and description per stage, client machine,
    // load tool and version, planned weights beside the observed mix.
    assert!(md.contains("| baseline | 10 | 5/s |"), "spawn rate missing");
    assert!(md.contains("baseline load |"));
    assert!(md.contains("| Client machine | loadgen-1, 8 CPUs |"));
    assert!(md.contains("| Description | Mixed API traffic |"));
    // Observed: /a is 2 400 of 3 600 requests; planned 3 of 4.
    assert!(
        md.contains("| list | GET /a | 3 | 75% | 2,400 | 66.7% |"),
        "planned mix missing"
    );
}
