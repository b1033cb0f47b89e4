//! Messy runs, batch "ba" (the lead's, session 26): SLA files meant to travel between
//! runs that do not all hold the same stages and endpoints.

use super::common::{headroom_in, TestDir};

/// One SLA file for every run of a team: `[stage.peak]` and `[stage.off_peak]`, over a
/// run with `peak` only (stage dirs `01_baseline_10users/`, `02_peak_50users/`,
/// `03_stress_100users/`; p95 ≈ 49 ms at peak by construction). `off_peak` holds all
/// of `peak`'s words and more, so since the "Stress Test" fix it was a "did you mean
/// peak" error (exit 2), though the file names `peak` itself in its own section: the
/// run was refused. A data stage another section names is no longer offered as the
/// typo: `off_peak` is `not_run` and `peak` decides, GO. The same for endpoints:
/// `[endpoint."POST /api/x"]` beside `[endpoint."GET /api/x"]` over data with only
/// `GET /api/x`. Without the sibling section each is still a "did you mean" (exit 2),
/// and the message writes a stage name TOML must quote as the file did.
#[test]
fn an_sla_naming_a_stage_and_a_longer_one_judges_the_one_that_ran() {
    let dir = TestDir::new();
    super::messy_runs_ar::three_stage_dirs(&dir);
    let peak = "[stage.peak]\nrules = [\"p(95) < 1000ms\"]\n\n";
    let get = "[endpoint.\"GET /api/x\"]\nrules = [\"p(95) < 1000ms\"]\n\n";
    let cases = [
        (
            format!("{peak}[stage.off_peak]\nrules = [\"p(95) < 10ms\"]\n"),
            0,
            "[stage.off_peak] names no stage in the data",
        ),
        (
            "[stage.off_peak]\nrules = [\"p(95) < 10ms\"]\n".to_string(),
            2,
            "[stage.off_peak] matches no stage in the data — did you mean \"peak\"?",
        ),
        (
            format!("{peak}[stage.\"Peak Hours\"]\nrules = [\"p(95) < 10ms\"]\n"),
            0,
            "[stage.\"Peak Hours\"] names no stage in the data",
        ),
        (
            "[stage.\"Stress Test\"]\nrules = [\"p(95) < 10ms\"]\n".to_string(),
            2,
            "[stage.\"Stress Test\"] matches no stage in the data — did you mean \"stress\"?",
        ),
        (
            format!("{get}[endpoint.\"POST /api/x\"]\nrules = [\"p(95) < 10ms\"]\n"),
            0,
            "[endpoint.\"POST /api/x\"] names no endpoint in the data",
        ),
        (
            "[endpoint.\"POST /api/x\"]\nrules = [\"p(95) < 10ms\"]\n".to_string(),
            2,
            "did you mean \"GET /api/x\"",
        ),
    ];
    for (sla, code, says) in cases {
        dir.write("sla.toml", &sla);
        let o = headroom_in(dir.path(), &["check", "run", "--sla", "sla.toml"]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(code), "{sla}\n{stdout}\n{stderr}");
        assert!(stderr.contains(says), "{sla}\n{stderr}");
        if code == 0 {
            assert!(stdout.contains("not run"), "{sla}\n{stdout}");
        }
    }
}
