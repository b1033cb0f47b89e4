//! Messy runs, batch "at" (the lead's, session 25): what a reviewer reads in a
//! pull request, and what `check` says it judged.

use super::common::{headroom_in, TestDir};

/// A generic request CSV of 400 `GET /api/x` requests, one every 50 ms from
/// `start_ms`, taking 20–39 ms, all 200s.
fn requests(start_ms: i64) -> String {
    let mut out = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..400 {
        out += &format!("{},/api/x,GET,{},200\n", start_ms + i * 50, 20 + i % 20);
    }
    out
}

/// A team gates a pull request on `check run-a run_b --markdown comment.md`. The
/// comment named the verdict stages but not which run dirs or which SLA file the
/// verdict was about, so a reviewer could not tell a comment on last week's run from
/// one on this change's. It now says "Judged: `run-a`, `run_b` (generic-csv ×2,
/// hey-csv) against `gate/sla.toml`": the inputs as given, the kinds of file read (from
/// the fixture: two generic CSVs and one hey CSV) and the SLA file, names as code
/// spans so their `_` and `*` stay literal.
#[test]
fn the_pr_comment_names_the_run_dirs_the_sources_and_the_sla_file() {
    let dir = TestDir::new();
    let start = 1_764_950_400_000i64;
    dir.write("run-a/peak/requests.csv", requests(start));
    dir.write("run_b/peak/requests.csv", requests(start + 600_000));
    let mut hey = String::from(
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
    );
    for i in 0..200 {
        hey += &format!(
            "0.0250,0.0001,0.0000,0.0000,0.0248,0.0001,200,{:.4}\n",
            i as f64 * 0.05
        );
    }
    dir.write("run_b/*soak*/hey.csv", hey);
    dir.write("gate/sla.toml", "[global]\nrules = [\"p(95) < 500ms\"]\n");
    let o = headroom_in(
        dir.path(),
        &[
            "check",
            "run-a",
            "run_b",
            "--sla",
            "gate/sla.toml",
            "--markdown",
            "out/comment.md",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let md = std::fs::read_to_string(dir.path().join("out/comment.md")).unwrap();
    let judged = md
        .lines()
        .find(|l| l.starts_with("Judged: "))
        .unwrap_or_else(|| panic!("no Judged line:\n{md}"));
    assert_eq!(
        judged, "Judged: `run-a`, `run_b` (generic-csv ×2, hey-csv) against `gate/sla.toml`.",
        "{md}"
    );
}
