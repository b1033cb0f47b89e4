//! Sharding (`drive --shard i/N`, `analyze shard-*/`): three local shards and a
//! single run of the same plan against one loopback target with a shared
//! `--start-at`; the shards' planned users and arrivals sum to the single run's,
//! the merged report's counts and histograms are the sums of the shards', and an
//! incomplete or mixed set of shard dirs is refused. Expected values come from the
//! plan (users, rate × duration) and from each shard analysed alone.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hdrhistogram::serialization::Deserializer;
use hdrhistogram::Histogram;
use headroom::model::Manifest;
use serde_json::Value;

use super::common::{analyze_json, headroom, TestDir};
use super::drive::{drive, serial, start_target};

const USERS: u32 = 7;
const RATE: u64 = 50;

fn scenario(port: u16) -> String {
    format!(
        r#"base_url = "http://127.0.0.1:{port}"
think_time = "constant(0.05)"
[[task]]
path = "/health"
[[task]]
path = "/api/v1/agents/{{id}}"
weight = 2
[[stage]]
name = "closed"
users = {USERS}
duration = "1s"
[[stage]]
name = "open"
arrival_rate = {RATE}
duration = "1s"
"#
    )
}

fn manifest(dir: &Path) -> Manifest {
    Manifest::parse(&std::fs::read_to_string(dir.join("run.toml")).unwrap()).unwrap()
}

/// The stage's per-endpoint request counts and histograms in a report.
fn endpoints(report: &Value, stage: &str) -> Vec<(String, u64, Histogram<u64>)> {
    let st = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == stage)
        .unwrap_or_else(|| panic!("no stage {stage}"));
    st["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(e["histogram"].as_str().unwrap())
                .unwrap();
            let h: Histogram<u64> = Deserializer::new()
                .deserialize(&mut bytes.as_slice())
                .unwrap();
            (
                e["key"].as_str().unwrap().to_string(),
                e["requests"].as_u64().unwrap(),
                h,
            )
        })
        .collect()
}

fn recorded(h: &Histogram<u64>) -> Vec<(u64, u64)> {
    h.iter_recorded()
        .map(|v| (v.value_iterated_to(), v.count_at_value()))
        .collect()
}

#[test]
fn shards_run_exactly_the_single_plan_and_merge_exactly() {
    let _g = serial();
    let target = start_target("fast", &[]);
    let t = TestDir::new();
    let plan = t.write("plan.toml", scenario(target.port));
    let plan = plan.to_str().unwrap().to_string();
    let start =
        humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(3)).to_string();
    let out = |name: &str| t.path().join(name);
    let dirs: Vec<PathBuf> = (0..3).map(|i| out(&format!("shard-{i}"))).collect();
    let single = out("single");
    let mut runs = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        let (plan, start, dir) = (plan.clone(), start.clone(), dir.display().to_string());
        runs.push(std::thread::spawn(move || {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_headroom"));
            cmd.args(["drive", &plan, "--start-at", &start, "-q", "--seed", "9"]);
            cmd.args(["--out", &dir]);
            // Shard 1 takes its index from the Indexed Job variable.
            if i == 1 {
                cmd.args(["--shards", "3"]).env("JOB_COMPLETION_INDEX", "1");
            } else {
                cmd.args(["--shard", &format!("{i}/3")]);
            }
            cmd.output().unwrap().status
        }));
    }
    let single_s = single.display().to_string();
    let args = [
        &*plan,
        "--start-at",
        &start,
        "-q",
        "--seed",
        "9",
        "--out",
        &single_s,
    ];
    let (status, _, err) = drive(&args, Duration::from_secs(30));
    assert!(status.success(), "{err}");
    for r in runs {
        assert!(r.join().unwrap().success());
    }

    // The plan: users and arrivals add up exactly to the single run's.
    let one = manifest(&single);
    let shards: Vec<Manifest> = dirs.iter().map(|d| manifest(d)).collect();
    assert_eq!(one.stages[0].users, Some(USERS));
    assert_eq!(one.stages[1].planned_arrivals, Some(RATE));
    let users: u32 = shards.iter().map(|m| m.stages[0].users.unwrap()).sum();
    let arrivals: u64 = shards
        .iter()
        .map(|m| m.stages[1].planned_arrivals.unwrap())
        .sum();
    assert_eq!((users, arrivals), (USERS, RATE));
    let hash = &shards[0].shard.as_ref().unwrap().plan_hash;
    for (i, m) in shards.iter().enumerate() {
        let s = m.shard.as_ref().unwrap();
        assert_eq!((s.index, s.count, &s.plan_hash), (i as u32, 3, hash));
        let at = humantime::parse_rfc3339_weak(s.start_at.as_deref().unwrap()).unwrap();
        assert_eq!(at, humantime::parse_rfc3339_weak(&start).unwrap());
        assert!(s.start_offset_ms.is_some() && s.sent.is_some());
        // A complete run sends each of its planned arrivals once.
        assert_eq!(s.planned_arrivals, m.stages[1].planned_arrivals);
    }

    // Merged: the sum of the shards, stage by stage and endpoint by endpoint.
    let paths: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let (code, merged, err) = analyze_json(&paths, &[]);
    assert_eq!(code, 0, "{err}");
    let closed = &merged["stages"][0];
    assert_eq!(closed["users"], USERS);
    let open = &merged["stages"][1];
    assert!((open["arrival_rate_rps"].as_f64().unwrap() - RATE as f64).abs() < 1e-6);
    let alone: Vec<Value> = paths
        .iter()
        .map(|p| {
            let (code, r, err) = analyze_json(&[p], &[]);
            assert_eq!(code, 0, "{err}");
            r
        })
        .collect();
    for stage in ["closed", "open"] {
        for (key, n, h) in endpoints(&merged, stage) {
            let mut sum = 0;
            let mut all = Histogram::<u64>::new(3).unwrap();
            for r in &alone {
                if let Some((_, m, part)) = endpoints(r, stage).into_iter().find(|e| e.0 == key) {
                    sum += m;
                    all.add(&part).unwrap();
                }
            }
            assert_eq!(n, sum, "{stage} {key}");
            assert_eq!(recorded(&h), recorded(&all), "{stage} {key}");
        }
    }
    let notes = merged["sources"][0]["notes"].to_string();
    assert!(notes.contains("shard 2/3"), "{notes}");
    assert!(!notes.contains("lagging"), "{notes}");

    // A generator that could not keep up is named.
    let toml = dirs[2].join("run.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("dropped = 0", "dropped = 5")).unwrap();
    let (code, merged, err) = analyze_json(&paths, &[]);
    assert_eq!(code, 0, "{err}");
    let notes = merged["sources"][0]["notes"].to_string();
    assert!(notes.contains("lagging generator: shard 2/3"), "{notes}");
}

/// A shard dir holding only its manifest (the set is checked before any data is read).
fn shard_dir(t: &TestDir, name: &str, index: u32, count: u32, hash: &str) -> PathBuf {
    t.write(
        &format!("{name}/run.toml"),
        format!(
            "tool = \"headroom 0.1.0\"\n[shard]\nindex = {index}\ncount = {count}\n\
             plan_hash = \"{hash}\"\n"
        ),
    );
    t.path().join(name)
}

fn refused(dirs: &[PathBuf], why: &str) {
    let mut args = vec!["analyze".to_string()];
    args.extend(dirs.iter().map(|d| d.display().to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = headroom(&refs);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(why), "{err}");
}

#[test]
fn a_missing_duplicated_or_foreign_shard_is_refused() {
    let t = TestDir::new();
    let a = shard_dir(&t, "s0", 0, 3, "aaaa");
    let c = shard_dir(&t, "s2", 2, 3, "aaaa");
    refused(&[a.clone(), c.clone()], "shard 1/3 of plan aaaa missing");
    let b = shard_dir(&t, "s1", 1, 3, "aaaa");
    let again = shard_dir(&t, "copy", 1, 3, "aaaa");
    refused(
        &[a.clone(), b.clone(), again, c.clone()],
        "shard 1/3 is given twice",
    );
    let other = shard_dir(&t, "other", 1, 3, "bbbb");
    refused(&[a, other, c], "different sharded runs");
}

#[test]
fn the_quick_form_runs_its_share_of_the_arrivals() {
    let _g = serial();
    let target = start_target("fast", &[]);
    let t = TestDir::new();
    let url = format!("http://127.0.0.1:{}/health", target.port);
    let dir = t.path().join("q");
    let d = dir.display().to_string();
    // 20 req/s for 1 s: arrivals 0..20, shard 1/3 owns 1, 4, …, 19.
    let args = [
        "--url",
        &url,
        "--rate",
        "20",
        "--duration",
        "1s",
        "--shard",
        "1/3",
    ];
    let (status, _, err) = drive(
        &[&args[..], &["-q", "--out", &d]].concat(),
        Duration::from_secs(20),
    );
    assert!(status.success(), "{err}");
    let m = manifest(&dir);
    assert_eq!(m.stages[0].planned_arrivals, Some(7));
    assert_eq!(m.shard.as_ref().and_then(|s| s.planned_arrivals), Some(7));
    assert_eq!(m.shard.as_ref().and_then(|s| s.sent), Some(7));
}

#[test]
fn bad_shard_arguments_exit_2() {
    let t = TestDir::new();
    let out = t.path().join("never").display().to_string();
    for (args, why) in [
        (&["--shard", "3/3"][..], "bad shard `3/3`"),
        (&["--shards", "3"], "JOB_COMPLETION_INDEX"),
        (&["--start-at", "tomorrow"], "RFC 3339"),
        (
            &["--users", "2", "--shard", "2/3"],
            "shard 2/3 has nothing to send",
        ),
        (
            &["--start-at", "2999-01-01T00:00:00Z"],
            "more than a day ahead",
        ),
    ] {
        let mut all = vec!["drive", "--url", "http://127.0.0.1:9/", "--out", &out];
        all.extend_from_slice(args);
        let o = Command::new(env!("CARGO_BIN_EXE_headroom"))
            .args(&all)
            .env_remove("JOB_COMPLETION_INDEX")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(why), "{args:?}: {err}");
    }
}

#[test]
fn a_shard_reads_only_its_stripe_of_a_data_file() {
    // Two rows striped over three shards: shard 2 has none, and says so before any
    // request (the dead port would fail every one).
    let t = TestDir::new();
    std::fs::write(t.path().join("ids.csv"), "sku\nA\nB\n").unwrap();
    let plan = t.path().join("plan.toml");
    std::fs::write(
        &plan,
        "base_url = \"http://127.0.0.1:9\"\n[[data]]\nfile = \"ids.csv\"\n\
         [[task]]\npath = \"/items/{sku}\"\n[[stage]]\nname = \"s\"\nusers = 3\nduration = \"1s\"\n",
    )
    .unwrap();
    let out = t.path().join("never").display().to_string();
    let o = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(["drive", &plan.display().to_string(), "--out", &out])
        .args(["--shard", "2/3"])
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("too few rows for 3 shards (shard 2 gets none)"),
        "{err}"
    );
    assert!(!Path::new(&out).exists());
}
