//! Messy runs, sixth batch (qa9): the driver's own outputs taken the ways a user takes
//! them — the shards of one plan analysed together, a run's export compared with the
//! next release's run dir, a CI gate's JUnit on data the verdict does not trust, and
//! the charts of a stage that measured nothing. Every fixture is written here, in
//! headroom's own formats (`run.toml`, a `#[unit: us]` interval log, the generic CSV),
//! and the expected figures follow from its arithmetic.

use std::path::Path;

use serde_json::Value;

use super::common::{drive_hlog, headroom, TestDir, DRIVE_T0 as T0};

/// The `run.toml` of shard `index` of `count` of one open-model plan: one stage
/// `main` of `seconds` at `rate` req/s (this shard's share), from [`T0`].
fn shard_manifest(index: u32, count: u32, seconds: u64, rate: f64) -> String {
    let arrivals = (rate * seconds as f64).round() as u64;
    format!(
        "started = \"2026-12-04T09:27:27.000Z\"\nended = \"2026-12-04T09:27:{end:02}.000Z\"\n\
         tool = \"headroom 0.1.0\"\ntarget_url = \"http://127.0.0.1:8000\"\ncomplete = true\n\
         think_time = \"constant(0)\"\n\n[shard]\nindex = {index}\ncount = {count}\n\
         plan_hash = \"1c3a8296a6bb87e1\"\nplanned_arrivals = {arrivals}\nsent = {arrivals}\n\
         dropped = 0\nstart_at = \"2026-12-04T09:27:27.000Z\"\nstart_offset_ms = 0.5\n\n\
         [[stage]]\nname = \"main\"\narrival_rate_rps = {rate}\n\
         start = \"2026-12-04T09:27:27.000Z\"\nsteady_start = \"2026-12-04T09:27:27.000Z\"\n\
         end = \"2026-12-04T09:27:{end:02}.000Z\"\nplanned_arrivals = {arrivals}\n\n\
         [[task]]\nname = \"GET /item\"\nendpoint = \"GET /item\"\nweight = 1\n",
        end = 27 + seconds,
    )
}

/// `check`'s JSON outcome (stdout) and exit code.
fn check_json(dirs: &[&Path], sla: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args: Vec<&str> = vec!["check"];
    let paths: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    args.extend(paths.iter().map(String::as_str));
    let sla = sla.display().to_string();
    args.extend(["--sla", &sla, "--format", "json"]);
    args.extend(extra);
    let out = headroom(&args);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (out.status.code().unwrap(), v, stderr)
}

#[test]
fn the_equal_shares_of_a_sharded_plan_are_not_one_result_set_read_twice() {
    // Three shards of one open-model plan of 300 req/s for 4 s: by the plan's
    // striping each sends exactly 100 req/s, 400 requests, none failed — equal
    // totals endpoint by endpoint, as any evenly striped plan without failures has.
    // Their latencies differ (10, 11, 12 ms): three generators, not one file thrice.
    let dir = TestDir::new();
    for (i, lat) in [(0u32, 10_000u64), (1, 11_000), (2, 12_000)] {
        dir.write(
            &format!("shard-{i}/run.toml"),
            shard_manifest(i, 3, 4, 100.0),
        );
        dir.write(&format!("shard-{i}/latency.hlog"), drive_hlog(4, 100, lat));
    }
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(50) < 1s\", \"error_rate < 50%\"]\n",
    );
    let shards: Vec<_> = (0..3)
        .map(|i| dir.path().join(format!("shard-{i}")))
        .collect();
    let refs: Vec<&Path> = shards.iter().map(|p| p.as_path()).collect();
    let (code, out, stderr) = check_json(&refs, &sla, &[]);
    assert_eq!(code, 0, "{stderr}");
    let sla = &out["sla"];
    // 3 × 400 requests, all measured and merged.
    let report = super::common::analyze_json(&refs, &[]).1;
    assert_eq!(report["stages"][0]["requests"], 1200, "{report:#}");
    let suspect: Vec<&Value> = report["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["verdict"] != "ok")
        .collect();
    assert!(
        suspect.is_empty(),
        "a clean sharded run is questioned: {suspect:#?}"
    );
    assert_eq!(out["verdict"], "GO", "{sla:#}\n{stderr}");
}

/// A closed-model `run.toml` of one stage `main`, 3 users, `seconds` from [`T0`].
fn manifest(label: &str, tool: &str, seconds: u64) -> String {
    format!(
        "label = \"{label}\"\ntool = \"{tool}\"\ncomplete = true\nthink_time = \"constant(0)\"\n\n\
         [[stage]]\nname = \"main\"\nusers = 3\nstart = \"2026-12-04T09:27:27.000Z\"\n\
         steady_start = \"2026-12-04T09:27:27.000Z\"\nend = \"2026-12-04T09:27:{:02}.000Z\"\n",
        27 + seconds
    )
}

/// A generic per-request CSV of `seconds` × `per_second` successful `GET /item`
/// requests from [`T0`], evenly spread, alternating `lat_ms` ∓ 0.5 ms.
fn generic_rows(seconds: u64, per_second: u64, lat_ms: f64) -> String {
    let mut csv =
        String::from("timestamp_ms,endpoint,method,latency_ms,status,success,error,users\n");
    let step = 1000 / per_second;
    for i in 0..seconds * per_second {
        let lat = if i % 2 == 0 {
            lat_ms - 0.5
        } else {
            lat_ms + 0.5
        };
        csv.push_str(&format!(
            "{},/item,GET,{lat:.3},200,true,,3\n",
            T0 * 1000 + i * step
        ));
    }
    csv
}

#[test]
fn a_runs_per_request_export_is_compared_with_the_next_releases_run_dir() {
    // Release 1 as `headroom export --to csv` leaves it: run.toml + a generic
    // per-request CSV, 2,000 requests at 10 ms ± 0.5. Release 2 as `drive` leaves it:
    // run.toml + an interval log, 2,000 requests at 15 ms: p50 +50 %. A generic CSV
    // is a format anything writes, not another load tool measuring another way.
    let dir = TestDir::new();
    dir.write(
        "rel1/run.toml",
        manifest("rel1", "headroom (exported by headroom)", 10),
    );
    dir.write("rel1/requests.csv", generic_rows(10, 200, 10.0));
    dir.write("rel2/run.toml", manifest("rel2", "headroom 0.1.0", 10));
    dir.write("rel2/latency.hlog", drive_hlog(10, 200, 15_000));
    let (rel1, rel2) = (dir.path().join("rel1"), dir.path().join("rel2"));
    let out_dir = dir.path().join("cmp");
    let out = headroom(&[
        "compare",
        rel1.to_str().unwrap(),
        rel2.to_str().unwrap(),
        "--fail-on-regression",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.starts_with("REGRESSED: rel2 vs rel1"), "{stdout}");
    let cmp: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("compare.json")).unwrap())
            .unwrap();
    let p50 = cmp["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == "p50")
        .unwrap_or_else(|| panic!("{cmp:#}"));
    assert_eq!(p50["verdict"], "regressed", "{p50:#}");
    assert!(
        (p50["candidate"].as_f64().unwrap() - 15.0).abs() < 0.05,
        "{p50:#}"
    );
    let notes = cmp["notes"].to_string();
    assert!(!notes.contains("was measured by"), "{notes}");
}

#[test]
fn a_junit_report_of_passing_rules_on_an_interrupted_run_is_not_all_green() {
    // A drive run stopped by Ctrl-C: 3 users, 10 s × 200 requests at 15 ms (3 ÷ 15 ms
    // = 200 req/s: the audit is clean), none failed. Every
    // rule passes, but the verdict is CONDITIONAL on incomplete data (exit 0): the
    // JUnit file says why in a skipped testcase instead of four green ones alone.
    let dir = TestDir::new();
    let stopped = manifest("rc1", "headroom 0.1.0", 10).replace(
        "complete = true",
        "complete = false\nincomplete_reason = \"interrupted (Ctrl-C)\"",
    );
    dir.write("run/run.toml", stopped);
    dir.write("run/latency.hlog", drive_hlog(10, 200, 15_000));
    let sla = dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(50) < 1s\", \"error_rate < 50%\"]\n",
    );
    let junit = dir.path().join("junit.xml");
    let run = dir.path().join("run");
    let out = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("verdict: CONDITIONAL"), "{stdout}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    // Four evaluations (two rules × main, overall) pass; the data quality is skipped.
    assert!(
        xml.contains("tests=\"5\" failures=\"0\" skipped=\"1\" errors=\"0\""),
        "{xml}"
    );
    let case = xml
        .split("<testcase")
        .find(|c| c.contains("name=\"data quality\""))
        .unwrap_or_else(|| panic!("no data-quality testcase: {xml}"));
    assert!(
        case.contains(
            "<skipped message=\"incomplete data: the run stopped early (interrupted (Ctrl-C))"
        ),
        "{case}"
    );
    // A clean run of the same requests has no such testcase.
    let clean = TestDir::new();
    clean.write("run/run.toml", manifest("rc1", "headroom 0.1.0", 10));
    clean.write("run/latency.hlog", drive_hlog(10, 200, 15_000));
    let junit = clean.path().join("junit.xml");
    let run = clean.path().join("run");
    let out = headroom(&[
        "check",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        !xml.contains("data quality") && xml.contains("name=\"headroom check: GO\""),
        "{stdout}\n{xml}"
    );
}

/// The circles of series `id` in an SVG chart.
fn markers(svg: &str, id: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("data-series") == Some(id))
        .flat_map(|g| g.children().filter(|c| c.has_tag_name("circle")))
        .count()
}

#[test]
fn a_stage_that_measured_nothing_is_no_zero_on_the_throughput_chart() {
    // Three stages by run.toml: `s1` (5 users, 500 requests in 5 s), `s2_empty`
    // (20 users, not one request), `s3_dead` (50 users, 200 refused connections):
    // the chart has points at 5 and 50 users, none at 20.
    let dir = TestDir::new();
    let t0 = T0 * 1000;
    let mut csv =
        String::from("timestamp_ms,endpoint,method,latency_ms,status,success,error,users\n");
    for i in 0..500u64 {
        csv.push_str(&format!(
            "{},/a,GET,{:.3},200,true,,5\n",
            t0 + i * 10,
            5.0 + (i % 10) as f64
        ));
    }
    for i in 0..200u64 {
        csv.push_str(&format!(
            "{},/a,GET,,0,false,connect,50\n",
            t0 + 20_000 + i * 25
        ));
    }
    dir.write("run/requests.csv", csv);
    let stage = |name: &str, users: u32, from: u64| {
        format!(
            "[[stage]]\nname = \"{name}\"\nusers = {users}\nstart = \"2026-12-04T09:27:{:02}.000Z\"\n\
             end = \"2026-12-04T09:27:{:02}.000Z\"\n",
            27 + from,
            32 + from
        )
    };
    dir.write(
        "run/run.toml",
        format!(
            "label = \"gaps\"\n{}{}{}",
            stage("s1", 5, 0),
            stage("s2_empty", 20, 10),
            stage("s3_dead", 50, 20)
        ),
    );
    let out_dir = dir.path().join("report");
    let run = dir.path().join("run");
    let out = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--charts",
        "svg",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(out_dir.join("charts/throughput.svg")).unwrap();
    assert_eq!(markers(&svg, "throughput"), 2, "{svg}");
    // s3_dead's goodput of 0 is measured (200 requests, none answered): it stays.
    assert_eq!(markers(&svg, "goodput"), 2, "{svg}");
}

#[test]
fn a_latency_change_beyond_the_compare_charts_axis_is_written_out() {
    // p99 10 ms → 30 ms (+200 %): the chart's axis ends at ±110 %, so the dot sits at
    // its edge and the margin says +200 %, not a change of 110 %.
    let dir = TestDir::new();
    let rows = |lat: f64| {
        let mut csv =
            String::from("timestamp_ms,endpoint,method,latency_ms,status,success,error,users\n");
        for i in 0..3000u64 {
            csv.push_str(&format!(
                "{},/item,GET,{lat:.3},200,true,,2\n",
                T0 * 1000 + i * 5
            ));
        }
        csv
    };
    dir.write("base/requests.csv", rows(10.0));
    dir.write("cand/requests.csv", rows(30.0));
    let (base, cand) = (dir.path().join("base"), dir.path().join("cand"));
    let out_dir = dir.path().join("cmp");
    let out = headroom(&[
        "compare",
        base.to_str().unwrap(),
        cand.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(out_dir.join("charts/deltas.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let clipped: Vec<String> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("clipped"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    // p50, p95 and p99 all tripled.
    assert_eq!(clipped, ["+200%", "+200%", "+200%"], "{svg}");
}

#[test]
fn a_long_endpoint_name_wraps_in_the_html_tables_instead_of_hiding_their_figures() {
    // One endpoint is `/` + 300 × `L`: the name column may break it anywhere (the
    // tables' other columns stay on the page), and the name is there in full.
    let dir = TestDir::new();
    let long = format!("/{}", "L".repeat(300));
    let mut csv =
        String::from("timestamp_ms,endpoint,method,latency_ms,status,success,error,users\n");
    for i in 0..400u64 {
        let name = if i % 2 == 0 { long.as_str() } else { "/short" };
        csv.push_str(&format!(
            "{},{name},GET,5.000,200,true,,1\n",
            T0 * 1000 + i * 10
        ));
    }
    dir.write("run/requests.csv", csv);
    let out_dir = dir.path().join("report");
    let run = dir.path().join("run");
    let out = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--charts",
        "none",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(
        html.contains(&format!("<td>GET {long}</td>")),
        "the name is cut"
    );
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    assert!(
        style.contains("td:first-child { overflow-wrap: anywhere;"),
        "a name column does not wrap: {style}"
    );
}

/// `headroom drive --url TARGET/health ARGS -q --out RUN` against a fresh `fast` target
/// (one drive at a time); asserts it completed and returns its stdout.
fn drive_fast(run: &Path, args: &[&str]) -> String {
    let _serial = super::drive::serial();
    let target = super::drive::start_target("fast", &[]);
    let url = format!("http://127.0.0.1:{}/health", target.port);
    let mut all = vec!["--url", &url];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-q", "--out", run.to_str().unwrap()]);
    let (status, stdout, stderr) = super::drive::drive(&all, std::time::Duration::from_secs(30));
    assert!(status.success(), "{stdout}\n{stderr}");
    stdout
}

#[test]
fn a_drive_runs_seconds_close_on_whole_epoch_seconds() {
    // analyze puts every series on whole epoch seconds; a drive interval that
    // straddled two of them (the run's start + k s) landed whole in one, so a second
    // of the timeline could hold 1.6 s of requests and the next one none of its own.
    let dir = TestDir::new();
    let run = dir.path().join("run");
    drive_fast(&run, &["--users", "2", "--duration", "3s"]);
    let log = std::fs::read_to_string(run.join("latency.hlog")).unwrap();
    let start: f64 = log
        .lines()
        .find_map(|l| l.strip_prefix("#[StartTime: "))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .expect("StartTime");
    // Every whole interval (not the run's first part-second, nor the piece cut at the
    // run's end) begins on a whole epoch second, give or take the recorder's tick. The
    // first part-second runs to the first epoch second after the start, and can come
    // in pieces (`0.000,0.001` then `0.001,0.954`): intervals from that second on are
    // whole, and a tick's jitter makes them 0.997 s as well as 1.003 s long, so length
    // alone cannot tell them (it failed at `0.149,0.997`). The run's last piece lasts
    // what was in flight at its end (milliseconds).
    let first_second = start.ceil() - start;
    let whole: Vec<(f64, f64)> = log
        .lines()
        .filter(|l| l.starts_with("Tag="))
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((f[1].parse::<f64>().ok()?, f[2].parse::<f64>().ok()?))
        })
        .filter(|(at, len)| *at >= first_second - 0.02 && *len >= 0.5)
        .collect();
    assert!(whole.len() >= 2, "{log}");
    for (at, _) in &whole {
        let epoch = start + at;
        // Off the nearest whole second, early or late.
        let into = (epoch - epoch.round()).abs();
        assert!(
            into < 0.02,
            "an interval starts {into:.3} s into an epoch second: {log}"
        );
    }
}

#[test]
fn a_stages_part_seconds_are_shown_as_part_seconds_in_its_series() {
    // 100 requests a second, evenly, from T0 + 0.5 s to T0 + 10.5 s, the stage's window
    // by run.toml: the series' first and last points cover half a second each (50
    // requests), so every point's rate is 100/s — no dip at either edge.
    let dir = TestDir::new();
    let mut csv =
        String::from("timestamp_ms,endpoint,method,latency_ms,status,success,error,users\n");
    for i in 0..1000u64 {
        csv.push_str(&format!(
            "{},/a,GET,5.000,200,true,,1\n",
            T0 * 1000 + 500 + i * 10
        ));
    }
    dir.write("run/requests.csv", csv);
    dir.write(
        "run/run.toml",
        "[[stage]]\nname = \"main\"\nusers = 1\nstart = \"2026-12-04T09:27:27.500Z\"\n\
         end = \"2026-12-04T09:27:37.500Z\"\n",
    );
    let (code, report, stderr) = super::common::analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(code, 0, "{stderr}");
    let series = report["stages"][0]["timeseries"].as_array().unwrap();
    let points: Vec<(f64, f64, u64)> = series
        .iter()
        .map(|p| {
            (
                p["t"].as_f64().unwrap(),
                p["width_s"].as_f64().unwrap(),
                p["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(points.len(), 11, "{points:?}");
    assert_eq!(points.iter().map(|p| p.2).sum::<u64>(), 1000);
    assert_eq!((points[0].1, points[0].2), (0.5, 50), "{points:?}");
    assert_eq!((points[10].1, points[10].2), (0.5, 50), "{points:?}");
    // Each point starts where the last ends, from the window's start.
    for w in points.windows(2) {
        assert!((w[0].0 + w[0].1 - w[1].0).abs() < 1e-9, "{points:?}");
    }
    for (t, width, n) in &points {
        assert!(
            (*n as f64 / width - 100.0).abs() < 1e-9,
            "{t}: {n} in {width} s"
        );
    }
}

#[test]
fn a_shards_arrival_rate_reads_as_a_rate_in_the_drive_table() {
    // Shard 0 of 3 of 900 req/s for 4 s gets every third arrival, 1,201 of 3,601:
    // 300.16662038322687/s in run.toml, shown to one decimal.
    let dir = TestDir::new();
    let run = dir.path().join("shard-0");
    let stdout = drive_fast(
        &run,
        &[
            "--rate",
            "900",
            "--duration",
            "4s",
            "--shard",
            "0/3",
            "--start-in",
            "1s",
        ],
    );
    let row = stdout
        .lines()
        .find(|l| l.starts_with("main"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let load = row.split_whitespace().nth(1).unwrap();
    let number = load.strip_suffix("/s").unwrap_or_else(|| panic!("{row}"));
    let decimals = number.split('.').nth(1).map_or(0, str::len);
    assert!(decimals <= 1 && number.parse::<f64>().is_ok(), "{row}");
}

#[test]
fn analyze_against_a_baseline_says_its_verdict_on_the_terminal() {
    // Release 1 at 10 ms, release 2 at 15 ms (p50 +50 %): `analyze rel2 --baseline
    // rel1's report.json` prints compare's REGRESSED line, not only in report.md.
    let dir = TestDir::new();
    dir.write("rel1/run.toml", manifest("rel1", "headroom 0.1.0", 10));
    dir.write("rel1/latency.hlog", drive_hlog(10, 200, 10_000));
    dir.write("rel2/run.toml", manifest("rel2", "headroom 0.1.0", 10));
    dir.write("rel2/latency.hlog", drive_hlog(10, 200, 15_000));
    let (rel1, rel2) = (dir.path().join("rel1"), dir.path().join("rel2"));
    let (r1, r2) = (dir.path().join("r1"), dir.path().join("r2"));
    let out = headroom(&[
        "analyze",
        rel1.to_str().unwrap(),
        "--out",
        r1.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let base = r1.join("report.json");
    let out = headroom(&[
        "analyze",
        rel2.to_str().unwrap(),
        "--out",
        r2.to_str().unwrap(),
        "--baseline",
        base.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("vs release rel1: "))
        .unwrap_or_else(|| panic!("no baseline verdict: {stdout}"));
    assert!(line.contains("REGRESSED: rel2 vs rel1"), "{line}");
}
