//! Messy runs, batch "at" (the lead's, session 25): what a reviewer reads in a
//! pull request, and what `check` says it judged.

use super::common::{analyze_json, headroom_in, TestDir};

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

/// The rects (x, y, width, height) of series `id` in an SVG chart, top first.
fn rects(doc: &roxmltree::Document<'_>, id: &str) -> Vec<[f64; 4]> {
    let num = |n: roxmltree::Node<'_, '_>, a: &str| n.attribute(a).unwrap().parse().unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("data-series") == Some(id))
        .flat_map(|g| g.descendants().filter(|n| n.has_tag_name("rect")))
        .map(|r| [num(r, "x"), num(r, "y"), num(r, "width"), num(r, "height")])
        .collect()
}

/// The vertical marks (x, top y, bottom y) of series `id`.
fn marks(doc: &roxmltree::Document<'_>, id: &str) -> Vec<(f64, f64, f64)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("data-series") == Some(id))
        .flat_map(|g| g.descendants().filter(|n| n.has_tag_name("polyline")))
        .map(|line| {
            let points: Vec<(f64, f64)> = (line.attribute("points").unwrap())
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            let (top, bottom) = (points[0].1.min(points[1].1), points[0].1.max(points[1].1));
            (points[0].0, top, bottom)
        })
        .collect()
}

/// Three endpoints, an SLA with a global `p(95) < 300ms` and its own p95 limits for
/// two of them (`/api/b` < 120 ms, `/api/c` < 450 ms). The endpoint chart drew only
/// the global limit, as one line across every endpoint's bar, so `/api/c` (p95 ≈ 438 ms,
/// within its own 450 ms) looked failing and `/api/b` (≈ 188 ms, over its 120 ms)
/// looked fine. Each endpoint's own limit is now a mark across its bar, at the limit's
/// place on the latency axis (the axis scale taken from `/api/a`'s bar and its p95 in
/// report.json), and the global line is labelled as the stage's.
#[test]
fn the_endpoint_chart_marks_each_endpoints_own_p95_limit() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    let base = [("/api/a", 50), ("/api/b", 150), ("/api/c", 400)];
    for i in 0..3000i64 {
        let (ep, ms) = base[(i % 3) as usize];
        csv += &format!(
            "{},{ep},GET,{},200\n",
            1_764_950_400_000 + i * 20,
            ms + (i * 7) % 41
        );
    }
    dir.write("run/peak/requests.csv", csv);
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 300ms\"]\n\
         [endpoint.\"GET /api/b\"]\nrules = [\"p(95) < 120ms\"]\n\
         [endpoint.\"GET /api/c\"]\nrules = [\"p(95) < 450ms\"]\n",
    );
    let o = headroom_in(
        dir.path(),
        &["analyze", "run", "--sla", "sla.toml", "--out", "rep"],
    );
    assert!(
        o.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("rep/report.json")).unwrap())
            .unwrap();
    let p95 = |key: &str| {
        report["stages"][0]["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == key)
            .unwrap()["latency_ms"]["p95"]
            .as_f64()
            .unwrap()
    };
    let svg = std::fs::read_to_string(dir.path().join("rep/charts/endpoints.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    // Equal counts: rows keep the endpoints' order, a, b, c from the top.
    let bars = rects(&doc, "p95");
    assert_eq!(bars.len(), 3, "{svg}");
    let (x0, per_ms) = (bars[0][0], bars[0][2] / p95("GET /api/a"));
    let got = marks(&doc, "sla-endpoint");
    assert_eq!(got.len(), 2, "{svg}");
    for ((x, top, bottom), (bar, limit)) in got.iter().zip([(bars[1], 120.0), (bars[2], 450.0)]) {
        assert!(
            (x - (x0 + limit * per_ms)).abs() <= 2.0,
            "mark at {x} for {limit} ms: {svg}"
        );
        assert!(
            *top <= bar[1] && *bottom >= bar[1] + bar[3],
            "mark beside its bar: {svg}"
        );
    }
    // b's bar passes its mark (over its limit); c's stops short of it (within).
    assert!(bars[1][0] + bars[1][2] > got[0].0 && bars[2][0] + bars[2][2] < got[1].0);
    assert!(svg.contains("stage SLA p(95) &lt; 300ms"), "{svg}");
}

/// A two-stage `drive` (warm: 2 users for 2 s; peak: 4 users for 30 s) killed with
/// SIGKILL four seconds in, in peak — a CI runner's timeout, the OOM killer. run.toml
/// was written only at the start (no stages) and at the end (never reached), so the
/// run read as one stage named after its dir, with no users: warm-up and peak pooled.
/// The driver now rewrites run.toml as each stage starts, ramps and ends: the killed
/// run reads as `warm` (2 users) and `peak` (4 users, to the end of its data), marked
/// incomplete, never GO.
#[test]
fn a_drive_killed_outright_keeps_the_stages_it_ran() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let _g = super::drive::serial();
    let target = super::drive::start_target("default", &[]);
    let dir = TestDir::new();
    let scenario = dir.write(
        "sc.toml",
        format!(
            "base_url = \"http://127.0.0.1:{}\"\n\
             [[stage]]\nname = \"warm\"\nusers = 2\nduration = \"2s\"\n\
             [[stage]]\nname = \"peak\"\nusers = 4\nduration = \"30s\"\n\
             [[task]]\nname = \"health\"\npath = \"/health\"\n",
            target.port
        ),
    );
    let out = dir.path().join("run");
    let mut child = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args([
            "drive",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Until peak has run two seconds (bounded: the test never waits past 20 s).
    let until = Instant::now() + Duration::from_secs(20);
    let started = Instant::now();
    while Instant::now() < until {
        let toml = std::fs::read_to_string(out.join("run.toml")).unwrap_or_default();
        if toml.contains("name = \"peak\"") && started.elapsed() >= Duration::from_secs(4) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let toml = std::fs::read_to_string(out.join("run.toml")).unwrap();
    assert!(toml.contains("complete = false"), "{toml}");
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 5%\"]\n");
    let (_, report, stderr) = analyze_json(
        &[&out],
        &["--sla", sla.to_str().unwrap(), "--charts", "none"],
    );
    assert!(report.is_object(), "{stderr}");
    let stages: Vec<(String, u64)> = (report["stages"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["users"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        stages,
        [("warm".to_string(), 2), ("peak".to_string(), 4)],
        "{toml}"
    );
    for s in report["stages"].as_array().unwrap() {
        assert!(s["requests"].as_u64().unwrap() > 0, "{s:#}");
    }
    assert_eq!(report["run"]["complete"], false, "{:#}", report["run"]);
    assert_eq!(report["data_quality"], "incomplete", "{stderr}");
    assert_eq!(report["verdict"], "CONDITIONAL", "{stderr}");
}

/// Shard `index` of 2 of one open-model plan (one stage `main`, 4 s at 100 req/s, 10 ms
/// each), started `late_s` seconds after the common start, with `start_at` as given.
fn late_shard(dir: &TestDir, index: u32, late_s: i64, start_at: &str) {
    use super::common::{drive_hlog, DRIVE_T0};
    let t = |s: i64| {
        let secs = DRIVE_T0 as i64 + late_s + s;
        humantime::format_rfc3339_millis(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64),
        )
        .to_string()
    };
    dir.write(
        &format!("shard-{index}/run.toml"),
        format!(
            "started = \"{}\"\nended = \"{}\"\ntool = \"headroom 0.1.0\"\ncomplete = true\n\
             think_time = \"constant(0)\"\n\n[shard]\nindex = {index}\ncount = 2\n\
             plan_hash = \"1c3a8296a6bb87e1\"\nplanned_arrivals = 400\nsent = 400\n\
             dropped = 0\nstart_at = \"{start_at}\"\nstart_offset_ms = 0.5\n\n\
             [[stage]]\nname = \"main\"\narrival_rate_rps = 100\nstart = \"{}\"\n\
             steady_start = \"{}\"\nend = \"{}\"\nplanned_arrivals = 400\n",
            t(0),
            t(4),
            t(0),
            t(0),
            t(4)
        ),
    );
    let t0 = DRIVE_T0.to_string();
    let later = (DRIVE_T0 as i64 + late_s).to_string();
    dir.write(
        &format!("shard-{index}/latency.hlog"),
        drive_hlog(4, 100, 10_000).replace(&format!("{t0}.000"), &format!("{later}.000")),
    );
}

/// Two shards of one plan, the second started a minute after the first (its pod was
/// rescheduled, and `--start-in 30s` gave it its own start). Their 4-second stages
/// never overlapped, yet the merge added them: 200 req/s "held" at 10 ms, a load the
/// target never saw. The set is now refused (exit 2) naming the shards, the spread and
/// the shortest stage; started 1 s apart (each with its own `--start-in`), they merge.
#[test]
fn shards_that_never_ran_together_are_not_added_up() {
    let dir = TestDir::new();
    late_shard(&dir, 0, 0, "2026-12-04T09:27:27.000Z");
    late_shard(&dir, 1, 60, "2026-12-04T09:28:27.000Z");
    let (a, b) = (dir.path().join("shard-0"), dir.path().join("shard-1"));
    let (code, _, stderr) = analyze_json(&[&a, &b], &["--charts", "none"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("did not run together"), "{stderr}");
    assert!(stderr.contains("started 60.0 s after"), "{stderr}");

    let dir = TestDir::new();
    late_shard(&dir, 0, 0, "2026-12-04T09:27:27.000Z");
    late_shard(&dir, 1, 1, "2026-12-04T09:27:28.000Z");
    let (a, b) = (dir.path().join("shard-0"), dir.path().join("shard-1"));
    let (code, report, stderr) = analyze_json(&[&a, &b], &["--charts", "none"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["stages"][0]["requests"], 800, "{stderr}");
}

/// Stage dirs `01_baseline_10users`, `02_peak_50users`, `03_stress_100users` (stages
/// `baseline`, `peak`, `stress`; stress at 300–309 ms) and an SLA naming the third
/// `[stage."Stress Test"]` with `p(95) < 100ms` beside `[stage.peak]`. The extra word
/// kept it from every spelling and from the typo check: its rule was `not_run` and
/// the verdict GO (exit 0) on peak alone. A name holding all of a stage's words and
/// more is now a "did you mean" error (exit 2), as one holding part of them is.
#[test]
fn a_stage_named_with_a_word_added_is_a_did_you_mean_not_a_skip() {
    let dir = TestDir::new();
    super::messy_runs_ar::three_stage_dirs(&dir);
    for (written, code) in [("Stress Test", 2), ("stress", 1)] {
        dir.write(
            "sla.toml",
            format!(
                "[stage.peak]\nrules = [\"p(95) < 1000ms\"]\n\n\
                 [stage.\"{written}\"]\nrules = [\"p(95) < 100ms\"]\n"
            ),
        );
        let o = headroom_in(dir.path(), &["check", "run", "--sla", "sla.toml"]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(code), "{written}: {stderr}");
        if code == 2 {
            assert!(stderr.contains("did you mean \"stress\""), "{stderr}");
        }
    }
}

/// An SLA written in YAML (`sla.yaml`, `global:` / `rules:` / `- "p(95) < 100ms"`) or
/// JSON, as other tools' thresholds are: headroom answered TOML's "expected `.`, `=`"
/// at line 1, which does not say that SLA files are TOML. It now says so, with an
/// example, exit 2; a TOML file with a mistake still gets its line.
#[test]
fn an_sla_in_yaml_or_json_is_told_to_be_toml() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..100i64 {
        csv += &format!("{},/api/x,GET,20,200\n", 1_764_950_400_000 + i * 50);
    }
    dir.write("run/requests.csv", csv);
    dir.write("sla.yaml", "global:\n  rules:\n    - \"p(95) < 100ms\"\n");
    dir.write("sla.json", "{\"global\":{\"rules\":[\"p(95) < 100ms\"]}}\n");
    dir.write("sla.toml", "[global]\nrules = [\"p(95) < 100ms\"\n");
    for (file, says) in [
        ("sla.yaml", "written in YAML, but SLA files are TOML"),
        ("sla.json", "written in JSON, but SLA files are TOML"),
        ("sla.toml", "sla.toml:3: invalid array"),
    ] {
        let o = headroom_in(dir.path(), &["check", "run", "--sla", file]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{file}: {stderr}");
        assert!(stderr.contains(says), "{file}: {stderr}");
    }
}
