//! `deploy/kubernetes/`: the sharded Indexed Job's semantics (read line by line: a
//! schema check accepts `completionMode: Indexd`, so the meaning is checked here),
//! and, `#[ignore]`d, `kubernetes-validate --strict` against a pinned Kubernetes
//! version (`.ci/run` installs the PyPI package and sets `KUBERNETES_VALIDATE`).

use std::path::PathBuf;
use std::process::Command;

/// The Kubernetes version the manifests are validated against.
const KUBERNETES_VERSION: &str = "1.33.0";

fn deploy_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/kubernetes")
}

fn job_text() -> String {
    std::fs::read_to_string(deploy_dir().join("headroom-shards.yaml")).unwrap()
}

/// The value of the first `key: value` line (comments and quotes stripped).
fn value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .map(|l| l.split(" #").next().unwrap_or(l).trim())
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .map(|v| v.trim().trim_matches('"'))
}

/// The list item after the item `flag` in the container's `args`.
fn arg_after<'a>(text: &'a str, flag: &str) -> Option<&'a str> {
    let items: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|v| v.trim().trim_matches('"'))
        .collect();
    let at = items.iter().position(|i| *i == flag)?;
    items.get(at + 1).copied()
}

#[test]
fn the_job_is_indexed_with_one_pod_per_shard() {
    let text = job_text();
    assert_eq!(value(&text, "kind"), Some("ConfigMap"));
    assert!(text.contains("kind: Job"), "no Job");
    assert_eq!(value(&text, "completionMode"), Some("Indexed"));
    let completions: u32 = value(&text, "completions").unwrap().parse().unwrap();
    let parallelism: u32 = value(&text, "parallelism").unwrap().parse().unwrap();
    assert_eq!(parallelism, completions, "every shard runs at once");
    // The pods read their shard from the Job's completion index, out of N = completions.
    let shards: u32 = arg_after(&text, "--shards").unwrap().parse().unwrap();
    assert_eq!(shards, completions);
    assert!(text.contains("batch.kubernetes.io/job-completion-index"));
    assert_eq!(arg_after(&text, "--start-at"), Some("$(START_AT)"));
    assert_eq!(arg_after(&text, "--out"), Some("/results/shard-$(SHARD)"));
    assert_eq!(value(&text, "restartPolicy"), Some("Never"));
    assert_eq!(value(&text, "backoffLimit"), Some("0"));
}

#[test]
#[ignore = "needs kubernetes-validate (PyPI); run by .ci/run after it installs it"]
fn the_manifests_pass_kubernetes_validate_strict() {
    let tool =
        std::env::var("KUBERNETES_VALIDATE").unwrap_or_else(|_| "kubernetes-validate".into());
    let mut cmd = Command::new(&tool);
    cmd.args(["--strict", "-k", KUBERNETES_VERSION]);
    for f in ["headroom-shards.yaml", "collect.yaml"] {
        cmd.arg(deploy_dir().join(f));
    }
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => {
            if std::env::var_os("CI").is_some() || std::env::var_os("KUBERNETES_VALIDATE").is_some()
            {
                panic!("cannot run {tool}: {e} (.ci/run installs it)");
            }
            eprintln!("skipped: {tool} is not installed (pip install kubernetes-validate)");
            return;
        }
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(
        !text.contains("ERROR") && text.contains("job/headroom-shards"),
        "{text}"
    );
}
