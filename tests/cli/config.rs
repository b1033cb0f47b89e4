//! `headroom.toml` and `--config`: defaults for any flag; the command line wins; an
//! unknown key is an error with the nearest known name.

use crate::common::{headroom_in, TestDir};

/// A run of 20 requests, one failing, and an SLA it fails (error rate 5%).
fn write_run(dir: &TestDir) {
    let mut csv = String::from("timestamp_ms,endpoint,latency_ms,error\n");
    for i in 0..20 {
        let err = if i == 0 { "timeout" } else { "" };
        csv.push_str(&format!("{},/a,10,{err}\n", 1_000_000 + i * 100));
    }
    dir.write("run/requests.csv", csv);
    dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
}

#[test]
fn config_defaults_apply_and_the_command_line_wins() {
    let dir = TestDir::new();
    write_run(&dir);
    dir.write(
        "headroom.toml",
        "sla = \"sla.toml\"\nout = \"from-config\"\n[analyze]\ncharts = \"none\"\nforce = true\n",
    );
    // Every default from the file: the SLA is applied, the report goes to its dir.
    let o = headroom_in(dir.path(), &["analyze", "run"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("from-config/report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["verdict"], "NO-GO");
    assert!(json["charts"].as_array().unwrap().is_empty());
    // `force = true` lets a second run replace the dir.
    let o = headroom_in(dir.path(), &["analyze", "run"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // The command line beats the file: another dir, charts written.
    let o = headroom_in(
        dir.path(),
        &["analyze", "run", "--out", "from-cli", "--charts", "svg"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.path().join("from-cli/report.json").is_file());
    assert!(dir.path().join("from-cli/charts/latency.svg").is_file());

    // `check` takes the top-level `sla` too (its --sla is otherwise required).
    let o = headroom_in(dir.path(), &["check", "run"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn an_unknown_key_is_refused_with_the_nearest_name() {
    let dir = TestDir::new();
    write_run(&dir);
    for (text, said) in [
        (
            "[analyze]\nthinktime = \"1s..5s\"\n",
            "did you mean `think_time`?",
        ),
        ("[analyse]\ncharts = \"none\"\n", "did you mean `analyze`?"),
        ("slaa = \"sla.toml\"\n", "did you mean `sla`?"),
        (
            "[analyze]\nforce = \"yes\"\n",
            "`force` must be true or false",
        ),
    ] {
        dir.write("headroom.toml", text);
        let o = headroom_in(dir.path(), &["analyze", "run"]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains("headroom.toml"), "{stderr}");
        assert!(stderr.contains(said), "{text}: {stderr}");
    }
}

#[test]
fn config_flag_names_another_file_and_help_documents_it() {
    let dir = TestDir::new();
    write_run(&dir);
    dir.write(
        "conf/ci.toml",
        "[analyze]\nsla = \"sla.toml\"\nformat = \"json\"\ncharts = \"none\"\nout = \"r\"\n",
    );
    let o = headroom_in(dir.path(), &["--config", "conf/ci.toml", "analyze", "run"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["verdict"], "NO-GO");

    let o = headroom_in(dir.path(), &["analyze", "run", "--config", "missing.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.toml"));

    let o = headroom_in(dir.path(), &["analyze", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.contains("--config <FILE>"), "{help}");
    assert!(help.contains("headroom.toml"), "{help}");
}
