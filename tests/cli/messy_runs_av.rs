//! Messy runs, batch "av" (qa52): a unitless latency column in seconds beside a
//! users column, where each user thinks between requests. Read as ms, every latency
//! rule passed 1,000× under (GO); the users' successive starts now witness that the
//! values may be seconds (the next start never comes before the last latency read as
//! seconds has passed, and it follows it), so the unit is in doubt, named, and no
//! latency figure decides. True ms with the same think time stay ms.

use super::check::check_json;
use super::common::{Lcg, TestDir};
use super::messy_runs_ap::{iso, BASE_MS};

/// `timestamp,user,endpoint,latency,status` of 10 closed-loop users over 3 minutes,
/// each writing a latency of 1.000–3.500 without a unit, waiting for the answer
/// (the latency times `to_ms`) and then thinking 1–5 s before its next request.
fn thinking_users(seed: u64, to_ms: f64) -> String {
    let mut rng = Lcg(seed);
    let mut rows = Vec::new();
    for user in 0..10 {
        let mut t = BASE_MS + user * 300;
        while t < BASE_MS + 180_000 {
            let l = (1000.0 + (rng.next_f64() * 2500.0).floor()) / 1000.0;
            rows.push((t, format!("{},user-{user},/api/report,{l},200\n", iso(t))));
            let think = 1000 + (rng.next_f64() * 4000.0) as i64;
            t += (l * to_ms).round() as i64 + think;
        }
    }
    rows.sort();
    std::iter::once("timestamp,user,endpoint,latency,status\n".to_string())
        .chain(rows.into_iter().map(|r| r.1))
        .collect()
}

/// An SLA of one latency rule, `p95 < 500ms`, in `dir`.
fn sla(dir: &TestDir) -> std::path::PathBuf {
    dir.write("sla.toml", "[global]\nrules = [\"p(95) < 500ms\"]\n")
}

/// Ten users, latencies 1.0–3.5 s written without a unit, each thinking 1–5 s after
/// its answer. Before: read as ms (p95 3.4 ms), `p95 < 500ms` passed: GO. Now no
/// user's next request starts before its last latency read as seconds has passed,
/// the gaps follow the latencies: the unit is in doubt, named, CONDITIONAL.
#[test]
fn thinking_users_after_a_unitless_seconds_latency_put_it_in_doubt() {
    let dir = TestDir::new();
    let run = dir.write("run/results.csv", thinking_users(52, 1000.0));
    let (code, check, _) = check_json(run.parent().unwrap(), &sla(&dir), &[]);
    assert_eq!(
        (code, &check["verdict"]),
        (0, &"CONDITIONAL".into()),
        "{check}"
    );
    let text = check.to_string();
    assert!(text.contains("latency unit is in doubt"), "{text}");
    assert!(text.contains("then thinks"), "{text}");
}

/// The control: the same users and think time with latencies of 1.0–3.5 ms. Read as
/// seconds, many users' next requests would start before their last one ended (a
/// think time of 1.2 s after a 3-s request): seconds ruled out, read as ms without
/// doubt, GO (p95 ≤ 3.5 ms < 500 ms), as before.
#[test]
fn thinking_users_whose_starts_rule_seconds_out_leave_the_latency_in_ms() {
    let dir = TestDir::new();
    let run = dir.write("run/results.csv", thinking_users(52, 1.0));
    let (code, check, _) = check_json(run.parent().unwrap(), &sla(&dir), &[]);
    assert_eq!((code, &check["verdict"]), (0, &"GO".into()), "{check}");
    assert!(!check.to_string().contains("in doubt"), "{check}");
}
