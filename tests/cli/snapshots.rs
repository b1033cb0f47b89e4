//! Golden snapshots (insta) of what people read: report.md, report.json, check's
//! markdown comment, check's JUnit and analyze's terminal summary, on four runs the
//! test writes itself — one generic per-request CSV with a run.toml (two stages,
//! think time that the response-time law agrees with) judged by four SLA files: a
//! GO, a NO-GO, a not-proven CONDITIONAL, and a run with failures, a warn rule and a
//! section the data lacks. The temp dir is redacted to `[DIR]`; nothing else varies
//! between runs (no generation time is written). Plain `cargo test` compares with
//! the committed `snapshots/*.snap`; a change shows as a diff (review it, then
//! `INSTA_UPDATE=always cargo test --test cli snapshots::` or `cargo insta review`).

use std::path::Path;

use crate::common::{headroom, TestDir};

/// 2026-01-01T00:00:00Z, epoch ms.
const T0: i64 = 1_767_225_600_000;

/// The run: `baseline` (10 users, 0–60 s, a request every 50 ms) and `peak` (20
/// users, 60–120 s, every 25 ms), alternating `GET /api/items` and `POST
/// /api/orders`, latencies 20–49 ms at baseline and 30–79 ms at peak (a fixed
/// pattern). With `failures`, every 40th POST at peak answers 503 and every 97th
/// request times out.
fn write_run(dir: &TestDir, failures: bool) -> std::path::PathBuf {
    let mut csv =
        String::from("timestamp_ms,endpoint,method,latency_ms,status,success,error,users\n");
    let mut i: i64 = 0;
    for (users, from_s, step_ms, base, spread) in [(10, 0, 50, 20, 30), (20, 60, 25, 30, 50)] {
        let mut t = from_s * 1000;
        while t < (from_s + 60) * 1000 {
            let (endpoint, method) = if i % 2 == 0 {
                ("/api/items", "GET")
            } else {
                ("/api/orders", "POST")
            };
            let latency = base + (i * 37) % spread;
            let (status, ok, error) = if failures && users == 20 && i % 97 == 0 {
                ("", "false", "timeout")
            } else if failures && users == 20 && method == "POST" && i % 80 == 1 {
                ("503", "false", "")
            } else {
                ("200", "true", "")
            };
            csv.push_str(&format!(
                "{},{endpoint},{method},{latency}.000,{status},{ok},{error},{users}\n",
                T0 + t
            ));
            t += step_ms;
            i += 1;
        }
    }
    dir.write("run/requests.csv", csv);
    dir.write(
        "run/run.toml",
        "label = \"v1.4.0\"\nenvironment = \"staging\"\nthink_time = \"constant(0.45)\"\n\
         [[stage]]\nname = \"baseline\"\nusers = 10\nstart = \"2026-01-01T00:00:00Z\"\n\
         end = \"2026-01-01T00:01:00Z\"\n\
         [[stage]]\nname = \"peak\"\nusers = 20\nstart = \"2026-01-01T00:01:00Z\"\n\
         end = \"2026-01-01T00:02:00Z\"\n",
    );
    dir.path().join("run")
}

/// Replaces the temp dir with `[DIR]` (also as JSON escapes it, which it does not on
/// Unix paths).
fn redact(text: &str, dir: &Path) -> String {
    text.replace(&dir.display().to_string(), "[DIR]")
}

/// Runs analyze (terminal summary, report.md, report.json) and check (markdown
/// comment, JUnit) on a fresh run judged by `sla`, and snapshots all five.
fn snapshot_all(name: &str, failures: bool, sla: &str, check_exit: i32) {
    let dir = TestDir::new();
    let run = write_run(&dir, failures);
    let sla_path = dir.write("sla.toml", sla);
    let report = dir.path().join("report");
    let (run_s, sla_s, report_s) = (
        run.display().to_string(),
        sla_path.display().to_string(),
        report.display().to_string(),
    );
    let out = headroom(&[
        "analyze", &run_s, "--sla", &sla_s, "--out", &report_s, "--charts", "none",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let read = |p: &Path| redact(&std::fs::read_to_string(p).unwrap(), dir.path());

    let (junit, comment) = (dir.path().join("junit.xml"), dir.path().join("check.md"));
    let check = headroom(&[
        "check",
        &run_s,
        "--sla",
        &sla_s,
        "--junit",
        &junit.display().to_string(),
        "--markdown",
        &comment.display().to_string(),
    ]);
    assert_eq!(
        check.status.code(),
        Some(check_exit),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    insta::assert_snapshot!(
        format!("{name}__terminal"),
        redact(&String::from_utf8_lossy(&out.stdout), dir.path())
    );
    insta::assert_snapshot!(
        format!("{name}__report_md"),
        read(&report.join("report.md"))
    );
    insta::assert_snapshot!(
        format!("{name}__report_json"),
        read(&report.join("report.json"))
    );
    insta::assert_snapshot!(format!("{name}__check_md"), read(&comment));
    insta::assert_snapshot!(format!("{name}__junit"), read(&junit));
}

#[test]
fn go() {
    snapshot_all(
        "go",
        false,
        "[global]\nverdict_stages = [\"peak\"]\n\
         rules = [\"p(95) < 500ms\", \"error_rate < 1%\", \"throughput >= 30/s\"]\n",
        0,
    );
}

#[test]
fn no_go() {
    snapshot_all(
        "no_go",
        false,
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"p(95) < 50ms\", \"error_rate < 1%\"]\n",
        1,
    );
}

#[test]
fn not_proven() {
    snapshot_all(
        "not_proven",
        false,
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"p(95) < 500ms\", \"error_rate < 0.1%\"]\n",
        0,
    );
}

#[test]
fn failures_warn_rule_and_absent_stage() {
    snapshot_all(
        "failures",
        true,
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"error_rate < 5%\"]\n\
         [[rule]]\nscope = \"global\"\nexpr = \"p(99) < 60ms\"\nseverity = \"warn\"\n\
         [stage.soak]\nrules = [\"p(95) < 1s\"]\n\
         [endpoint.\"POST /api/orders\"]\nrules = [\"rc(5xx) < 5%\"]\n",
        0,
    );
}
