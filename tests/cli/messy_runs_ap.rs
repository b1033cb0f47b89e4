//! Messy runs, batch "ap" (qa47): odd latency units. A team's own per-request CSV
//! whose `latency` column names no unit but holds seconds of 1 s and more (1.2, 2.5,
//! 3.1) reads as plausible ms, and every latency rule passed 1,000× under: a second,
//! independent witness in the rows (an end-time column, one user's successive starts)
//! now says seconds. Headers as people write them (`took`, `resp_time_seconds`) read.

use super::check::check_json;
use super::common::{analyze_json, close, nearest_rank, Lcg, TestDir};

/// 2025-12-05T16:00:00Z in ms.
pub(crate) const BASE_MS: i64 = 1_764_950_400_000;

/// `ms` since the epoch as RFC 3339 UTC text with ms, as Python's `isoformat` + `Z`.
pub(crate) fn iso(ms: i64) -> String {
    let day_ms = ms.rem_euclid(86_400_000);
    format!(
        "2025-12-05T{:02}:{:02}:{:02}.{:03}Z",
        day_ms / 3_600_000,
        day_ms / 60_000 % 60,
        day_ms / 1000 % 60,
        day_ms % 1000
    )
}

/// A latency of 1.000 … 3.500 s, to the ms.
fn slow_seconds(rng: &mut Lcg) -> f64 {
    (1000.0 + (rng.next_f64() * 2500.0).floor()) / 1000.0
}

/// An SLA of one latency rule, `p95 < 500ms`, in `dir`.
fn sla(dir: &TestDir) -> std::path::PathBuf {
    dir.write("sla.toml", "[global]\nrules = [\"p(95) < 500ms\"]\n")
}

/// A script wrote `start,end,endpoint,latency,status`: RFC 3339 start and end, and the
/// latency as `end - start` in seconds without a unit (1.0–3.5). Before: read as ms,
/// p95 3.4 ms, `p95 < 500ms` passed: GO. Now the end column witnesses seconds: the
/// latencies are read as seconds (p50, p95 as the fixture's), a note says why, NO-GO.
#[test]
fn a_unitless_seconds_latency_beside_an_end_column_reads_as_seconds() {
    let dir = TestDir::new();
    let mut rng = Lcg(47);
    let mut csv = String::from("start,end,endpoint,latency,status\n");
    let mut latencies = Vec::new();
    for i in 0..300 {
        let start = BASE_MS + i * 700;
        let l = slow_seconds(&mut rng);
        latencies.push(l * 1000.0);
        let end = start + (l * 1000.0).round() as i64;
        csv.push_str(&format!(
            "{},{},/api/report,{l},200\n",
            iso(start),
            iso(end)
        ));
    }
    let run = dir.write("run/results.csv", csv);
    let run = run.parent().unwrap();
    let (code, check, _) = check_json(run, &sla(&dir), &[]);
    assert_eq!((code, &check["verdict"]), (1, &"NO-GO".into()), "{check}");
    let (_, report, stderr) = analyze_json(&[run], &[]);
    let latency = &report["overall"]["latency_ms"];
    for (p, field) in [(50.0, "p50"), (95.0, "p95")] {
        let want = nearest_rank(&latencies, p);
        let got = latency[field]
            .as_f64()
            .unwrap_or_else(|| panic!("{stderr}"));
        assert!(close(got, want, 0.01), "{field}: {got} vs {want}");
    }
    let text = report.to_string();
    assert!(text.contains("`end` minus the start"), "{text}");
}

/// Five closed-loop users, each sending its next request 10 ms after the last one's
/// answer, written `timestamp,user,endpoint,latency,status` with the latency in
/// seconds (1.0–3.5) and no unit. Before: read as ms, p95 3.4 ms: GO. Now each user's
/// next start lands right after the last latency read as seconds: the unit is in
/// doubt, the latency rule does not decide (CONDITIONAL), and the doubt is named.
#[test]
fn a_users_next_start_after_a_unitless_seconds_latency_puts_it_in_doubt() {
    let dir = TestDir::new();
    let mut rng = Lcg(4747);
    let mut rows = Vec::new();
    for user in 0..5 {
        let mut t = BASE_MS + user * 300;
        while t < BASE_MS + 180_000 {
            let l = slow_seconds(&mut rng);
            rows.push((t, format!("{},user-{user},/api/report,{l},200\n", iso(t))));
            t += (l * 1000.0).round() as i64 + 10;
        }
    }
    rows.sort();
    let csv: String = std::iter::once("timestamp,user,endpoint,latency,status\n".to_string())
        .chain(rows.into_iter().map(|r| r.1))
        .collect();
    let run = dir.write("run/results.csv", &csv);
    let (code, check, _) = check_json(run.parent().unwrap(), &sla(&dir), &[]);
    assert_eq!(
        (code, &check["verdict"]),
        (0, &"CONDITIONAL".into()),
        "{check}"
    );
    let text = check.to_string();
    assert!(text.contains("latency unit is in doubt"), "{text}");
    assert!(text.contains("successive requests"), "{text}");
    // The same rows as JSON lines (`json.dumps` of each record): the same doubt.
    let jsonl: String = (csv.lines().skip(1))
        .map(|line| {
            let c: Vec<&str> = line.split(',').collect();
            format!(
                "{{\"timestamp\": \"{}\", \"user\": \"{}\", \"endpoint\": \"{}\", \
                 \"latency\": {}, \"status\": {}}}\n",
                c[0], c[1], c[2], c[3], c[4]
            )
        })
        .collect();
    let run = dir.write("jsonl/results.jsonl", jsonl);
    let (code, check, _) = check_json(run.parent().unwrap(), &sla(&dir), &[]);
    assert_eq!(
        (code, &check["verdict"]),
        (0, &"CONDITIONAL".into()),
        "{check}"
    );
    assert!(
        check.to_string().contains("latency unit is in doubt"),
        "{check}"
    );
}

/// The controls: a thread column whose requests start 15 ms apart with latencies of
/// 1.0–3.5 (ms: as seconds each thread's next request would start before its last
/// ended), and a user pacing its requests every 10 s whatever they took: no witness,
/// read as ms without doubt, as before (GO: 3.4 ms < 500 ms).
#[test]
fn successive_starts_that_rule_seconds_out_leave_a_unitless_column_in_ms() {
    let dir = TestDir::new();
    let mut rng = Lcg(7);
    for (name, gap) in [("fast", 15), ("paced", 10_000)] {
        let mut csv = String::from("ts,thread,endpoint,latency,status\n");
        for i in 0..600 {
            let t = BASE_MS + (i / 3) * gap + i % 3;
            csv.push_str(&format!(
                "{t},t{},/api/x,{},200\n",
                i % 3,
                slow_seconds(&mut rng)
            ));
        }
        let run = dir.write(&format!("{name}/results.csv"), csv);
        let (code, check, _) = check_json(run.parent().unwrap(), &sla(&dir), &[]);
        assert_eq!(
            (code, &check["verdict"]),
            (0, &"GO".into()),
            "{name}: {check}"
        );
        assert!(!check.to_string().contains("in doubt"), "{name}: {check}");
    }
}

/// Latency headers as people write them: `took` (ms, Elasticsearch's word) and
/// `resp_time_seconds`. Before: refused, "no `latency_ms` (or latency) column". Now
/// read, in the unit they name (`took` unnamed: ms), p50 as the fixture's 120 ms.
#[test]
fn took_and_resp_time_seconds_name_a_latency_column() {
    let dir = TestDir::new();
    for (name, header, value) in [
        ("took", "took", "120"),
        ("resp", "resp_time_seconds", "0.120"),
    ] {
        let mut csv = format!("timestamp_ms,url,{header},status\n");
        for i in 0..100 {
            csv.push_str(&format!("{},/api/x,{value},200\n", BASE_MS + i * 100));
        }
        let run = dir.write(&format!("{name}/results.csv"), csv);
        let (code, report, stderr) = analyze_json(&[run.parent().unwrap()], &[]);
        assert_eq!(code, 0, "{name}: {stderr}");
        let p50 = report["overall"]["latency_ms"]["p50"].as_f64().unwrap();
        assert!(close(p50, 120.0, 0.01), "{name}: {p50}");
    }
}

/// A cache's script wrote `timestamp,endpoint,latency,status,users`: 5 users, a
/// request every 0.5 ms, latencies 0.2–0.9 with no unit (ms). Before: fractions under
/// 1 put the unit in doubt, CONDITIONAL. Now the users column rules seconds out (read
/// as seconds, hundreds of requests would be in flight for 5 users, Little's law):
/// read as ms, judged GO (p95 < 1 ms < 500 ms), a note says why. The same values a
/// request every 100 ms (2 in flight as seconds: possible) stay in doubt.
#[test]
fn a_users_column_rules_seconds_out_of_a_fractional_unitless_latency() {
    let dir = TestDir::new();
    let mut rng = Lcg(474);
    for (name, step_us, verdict) in [("cache", 500, "GO"), ("slow", 100_000, "CONDITIONAL")] {
        let mut csv = String::from("timestamp,endpoint,latency,status,users\n");
        for i in 0..3000i64 {
            let l = 0.2 + (rng.next_f64() * 700.0).floor() / 1000.0;
            let t = BASE_MS + i * step_us / 1000;
            csv.push_str(&format!("{t},/api/cache,{l:.3},200,5\n"));
        }
        let run = dir.write(&format!("{name}/results.csv"), csv);
        let (code, check, _) = check_json(run.parent().unwrap(), &sla(&dir), &[]);
        assert_eq!(
            (code, &check["verdict"]),
            (0, &verdict.into()),
            "{name}: {check}"
        );
        let doubt = check.to_string().contains("latency unit is in doubt");
        assert_eq!(doubt, verdict == "CONDITIONAL", "{name}: {check}");
    }
    let (_, report, _) = analyze_json(&[&dir.path().join("cache")], &[]);
    assert!(
        report.to_string().contains("as seconds ruled out"),
        "{report}"
    );
}
