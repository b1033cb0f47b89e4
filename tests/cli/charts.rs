//! Charts and report.html: every chart kind from a three-stage fixture, checked as
//! XML (series per chart, text inside the view box, points where the report's figures
//! put them), byte-identical on a second run, inlined in report.html and linked from
//! report.md; `--charts` choosing the files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::{headroom, Lcg, TestDir};

/// An endpoint name that is markup, and one with XML metacharacters.
const EVIL: &str = "<img src=x onerror=alert(1)>";
const AMP: &str = "a&b \"q\"";

/// Three stages (10, 50, 100 users at 10, 40, 60 req/s for 20 s), three endpoints,
/// 10 % failures in the last stage; generic per-request CSV, one dir per stage.
fn three_stage_run(dir: &TestDir) -> PathBuf {
    let mut rng = Lcg(7);
    let stages = [
        ("01_baseline_10users", 10, 10.0, 0.0),
        ("02_peak_50users", 50, 40.0, 0.0),
        ("03_stress_100users", 100, 60.0, 0.1),
    ];
    for (k, (name, users, rate, fail)) in stages.iter().enumerate() {
        let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,users\n");
        let start = 1_700_000_000_000i64 + k as i64 * 30_000;
        let n = (rate * 20.0) as i64;
        for i in 0..n {
            let (endpoint, method) = match i % 3 {
                0 => ("/api/items", "GET"),
                1 => (EVIL, "GET"),
                _ => (AMP, "POST"),
            };
            // CSV quoting for the name with a quote in it.
            let endpoint = format!("\"{}\"", endpoint.replace('"', "\"\""));
            let latency = 5.0 + (k as f64 + 1.0) * 20.0 * -rng.next_f64().max(1e-9).ln();
            let status = if rng.next_f64() < *fail { 503 } else { 200 };
            let t = start + (i as f64 * 1000.0 / rate) as i64;
            csv.push_str(&format!(
                "{t},{endpoint},{method},{latency:.3},{status},{users}\n"
            ));
        }
        dir.write(&format!("run/{name}/requests.csv"), csv);
    }
    dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"throughput >= 30/s\", \"p(50) < 50ms\", \
         \"p(95) < 200ms\", \"p(99) < 400ms\", \"error_rate < 1%\", \"availability > 99%\"]\n",
    );
    dir.path().join("run")
}

/// Runs analyze with the fixture's SLA into `out`, with `extra` flags.
fn analyze_into(dir: &TestDir, out: &Path, extra: &[&str]) -> std::process::Output {
    let run = dir.path().join("run");
    let sla = dir.path().join("sla.toml");
    let mut args = vec![
        "analyze",
        run.to_str().unwrap(),
        "--sla",
        sla.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = headroom(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// Runs analyze on `DIR/run` (no SLA) into `DIR/out`, which it returns.
fn analyze_run(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    let o = headroom(&[
        "analyze",
        dir.join("run").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// The chart kinds and the data series each must hold for the fixture (stages:
/// baseline, peak, stress; SLA: one throughput, three latency, one error-rate and one
/// availability rule; p95 is the endpoint chart's limit).
const EXPECTED: [(&str, usize); 6] = [
    // throughput, goodput, the throughput SLA line
    ("throughput", 3),
    // p50, p95, p99, and a line for each of the three latency rules
    ("latency", 6),
    // the error rate, the error_rate limit, the availability error budget
    ("error-rate", 3),
    // four panels (req/s, p95, errors/s, users) × three stages
    ("timeline", 12),
    // one line per stage
    ("latency-distribution", 3),
    // requests, p95, the p95 SLA line
    ("endpoints", 3),
];

/// The per-endpoint charts of the fixture (file stem, series): each endpoint's
/// timeline (requests/s, p50, p95, p99, failures/s) and distribution (a line per stage).
const ENDPOINT_CHARTS: [(&str, usize); 6] = [
    ("endpoint-get-api-items-timeline", 5),
    ("endpoint-get-api-items-distribution", 3),
    ("endpoint-get-img-src-x-onerror-alert-1-timeline", 5),
    ("endpoint-get-img-src-x-onerror-alert-1-distribution", 3),
    ("endpoint-post-a-b-q-timeline", 5),
    ("endpoint-post-a-b-q-distribution", 3),
];

/// Every chart file stem of the fixture with its series count: run-wide, then per
/// endpoint.
fn all_charts() -> Vec<(&'static str, usize)> {
    EXPECTED.into_iter().chain(ENDPOINT_CHARTS).collect()
}

/// Distinct `data-series` of the `<g class="series">` groups that draw something.
fn series(doc: &roxmltree::Document<'_>) -> BTreeSet<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("series"))
        .filter(|g| g.children().any(|c| c.is_element()))
        .filter_map(|g| g.attribute("data-series").map(str::to_string))
        .collect()
}

fn num(node: roxmltree::Node<'_, '_>, attr: &str) -> f64 {
    node.attribute(attr)
        .unwrap_or_else(|| panic!("<{}> without {attr}", node.tag_name().name()))
        .parse()
        .unwrap()
}

/// A conservative box around an SVG `<text>`: DejaVu Sans advances are at most about
/// 0.9 em for capitals and m/w and 0.65 em for the rest; ascent 0.76 em, descent
/// 0.24 em; rotation as the `transform` says.
fn text_box(t: roxmltree::Node<'_, '_>) -> [(f64, f64); 4] {
    let (x, y, size) = (num(t, "x"), num(t, "y"), num(t, "font-size"));
    let text = t.text().unwrap_or("");
    let width: f64 = text
        .chars()
        .map(|c| {
            if c.is_uppercase() || c == 'm' || c == 'w' {
                0.9
            } else {
                0.65
            }
        })
        .sum::<f64>()
        * size;
    let dy: f64 = t
        .attribute("dy")
        .and_then(|d| d.strip_suffix("em"))
        .map(|d| d.parse().unwrap())
        .unwrap_or(0.0);
    let (left, right) = match t.attribute("text-anchor") {
        Some("middle") => (x - width / 2.0, x + width / 2.0),
        Some("end") => (x - width, x),
        _ => (x, x + width),
    };
    let baseline = y + dy * size;
    let (top, bottom) = (baseline - 0.76 * size, baseline + 0.24 * size);
    let corners = [(left, top), (right, top), (left, bottom), (right, bottom)];
    let Some(rotate) = t.attribute("transform") else {
        return corners;
    };
    let args: Vec<f64> = rotate
        .trim_start_matches("rotate(")
        .trim_end_matches(')')
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    let (angle, cx, cy) = (args[0].to_radians(), args[1], args[2]);
    corners.map(|(px, py)| {
        let (dx, dy) = (px - cx, py - cy);
        (
            cx + dx * angle.cos() - dy * angle.sin(),
            cy + dx * angle.sin() + dy * angle.cos(),
        )
    })
}

/// Circle centres of series `id`.
fn markers(doc: &roxmltree::Document<'_>, id: &str) -> Vec<(f64, f64)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("data-series") == Some(id))
        .flat_map(|g| g.children().filter(|c| c.has_tag_name("circle")))
        .map(|c| (num(c, "cx"), num(c, "cy")))
        .collect()
}

/// Asserts the chart maps data to pixels linearly on both axes: on each axis, the
/// middle point lies on the line through the smallest and largest (to 1.5 px); and
/// larger values are drawn higher.
fn assert_linear(pixels: &[(f64, f64)], data: &[(f64, f64)], what: &str) {
    assert_eq!(pixels.len(), data.len(), "{what}: {pixels:?}");
    assert_eq!(pixels.len(), 3, "{what}: {pixels:?}");
    // Markers are drawn in load order; the data is in stage order, also by load here.
    let pairs: Vec<((f64, f64), (f64, f64))> =
        data.iter().copied().zip(pixels.iter().copied()).collect();
    for axis in [0, 1] {
        let get = |p: (f64, f64)| if axis == 0 { p.0 } else { p.1 };
        let mut sorted = pairs.clone();
        sorted.sort_by(|a, b| get(a.0).total_cmp(&get(b.0)));
        let (lo, mid, hi) = (sorted[0], sorted[1], sorted[2]);
        let predicted = get(lo.1)
            + (get(mid.0) - get(lo.0)) * (get(hi.1) - get(lo.1)) / (get(hi.0) - get(lo.0));
        assert!(
            (predicted - get(mid.1)).abs() <= 1.5,
            "{what}: axis {axis}: pixel {} where {predicted:.1} was due",
            get(mid.1)
        );
        if axis == 1 {
            assert!(
                get(hi.1) < get(lo.1),
                "{what}: larger values must be higher"
            );
        }
    }
}

#[test]
fn every_chart_kind_is_valid_svg_with_its_series_and_text_in_view() {
    let dir = TestDir::new();
    three_stage_run(&dir);
    let out = dir.path().join("out");
    analyze_into(&dir, &out, &[]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    // The throughput chart also draws what the capacity analysis found: the USL curve
    // (none with 3 stages) and one line per breaking point reached at a known load.
    let capacity = &report["capacity"];
    let marks = capacity["breaking_points"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["reached"] == true && b["users"].is_number())
        .count()
        + usize::from(capacity["usl"].is_object());
    for (kind, want) in all_charts() {
        let want = if kind == "throughput" {
            want + marks
        } else {
            want
        };
        let path = out.join(format!("charts/{kind}.svg"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{kind}: {e}"));
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{kind}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        let (w, h) = (num(root, "width"), num(root, "height"));
        assert_eq!(
            root.attribute("viewBox"),
            Some(format!("0 0 {w} {h}").as_str())
        );
        let got = series(&doc);
        assert_eq!(got.len(), want, "{kind}: {got:?}");
        let texts: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .collect();
        assert!(texts.len() > 5, "{kind}: too few labels");
        for t in texts {
            for (x, y) in text_box(t) {
                assert!(
                    (-1.0..=w + 1.0).contains(&x) && (-1.0..=h + 1.0).contains(&y),
                    "{kind}: text {:?} reaches ({x:.0}, {y:.0}) outside {w}×{h}",
                    t.text()
                );
            }
        }
        // The PNG twin has the same size (IHDR: width and height, big-endian).
        let png = std::fs::read(out.join(format!("charts/{kind}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{kind}");
        let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as f64;
        assert_eq!((be(16), be(20)), (w, h), "{kind}");
    }
    // Series names and axis labels of untrusted names are text, not markup.
    let endpoints = std::fs::read_to_string(out.join("charts/endpoints.svg")).unwrap();
    assert!(!endpoints.contains("<img"), "raw markup in the SVG");
    let doc = roxmltree::Document::parse(&endpoints).unwrap();
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        labels.contains(&format!("GET {EVIL}").as_str()),
        "{labels:?}"
    );
    assert!(
        labels.contains(&format!("POST {AMP}").as_str()),
        "{labels:?}"
    );
}

#[test]
fn charts_place_the_reports_figures() {
    let dir = TestDir::new();
    three_stage_run(&dir);
    let out = dir.path().join("out");
    analyze_into(&dir, &out, &[]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let stages = report["stages"].as_array().unwrap();
    let figure = |f: &dyn Fn(&serde_json::Value) -> f64| -> Vec<(f64, f64)> {
        stages
            .iter()
            .map(|s| (s["users"].as_f64().unwrap(), f(s)))
            .collect()
    };
    let svg = |kind: &str| std::fs::read_to_string(out.join(format!("charts/{kind}.svg"))).unwrap();
    let throughput = svg("throughput");
    let doc = roxmltree::Document::parse(&throughput).unwrap();
    assert_linear(
        &markers(&doc, "throughput"),
        &figure(&|s| s["throughput_rps"].as_f64().unwrap()),
        "throughput",
    );
    let latency = svg("latency");
    let doc = roxmltree::Document::parse(&latency).unwrap();
    assert_linear(
        &markers(&doc, "p95"),
        &figure(&|s| s["latency_ms"]["p95"].as_f64().unwrap()),
        "p95",
    );
    let errors = svg("error-rate");
    let doc = roxmltree::Document::parse(&errors).unwrap();
    assert_linear(
        &markers(&doc, "error-rate"),
        &figure(&|s| s["error_rate"].as_f64().unwrap()),
        "error rate",
    );
    // The charts are listed in report.json, each with both files.
    let charts = report["charts"].as_array().unwrap();
    let kinds: Vec<&str> = charts.iter().map(|c| c["kind"].as_str().unwrap()).collect();
    let mut want: Vec<&str> = EXPECTED.map(|e| e.0).to_vec();
    for _ in 0..3 {
        want.extend(["endpoint-timeline", "endpoint-distribution"]);
    }
    assert_eq!(kinds, want);
    // Every chart says what to read from it; a per-endpoint one names its endpoint.
    assert!(charts
        .iter()
        .all(|c| c["caption"].as_str().unwrap().len() > 20));
    assert_eq!(charts[6]["endpoint"], "GET /api/items");
    for c in charts {
        for f in [&c["svg"], &c["png"]] {
            assert!(out.join(f.as_str().unwrap()).is_file(), "{f}");
        }
    }
}

#[test]
fn the_same_input_gives_the_same_chart_bytes() {
    let dir = TestDir::new();
    three_stage_run(&dir);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    analyze_into(&dir, &a, &[]);
    analyze_into(&dir, &b, &[]);
    let mut compared = 0;
    for (kind, _) in all_charts() {
        for ext in ["svg", "png"] {
            let file = format!("charts/{kind}.{ext}");
            let (x, y) = (std::fs::read(a.join(&file)), std::fs::read(b.join(&file)));
            assert!(x.unwrap() == y.unwrap(), "{file} differs between runs");
            compared += 1;
        }
    }
    assert_eq!(compared, 24);
    assert_eq!(
        std::fs::read(a.join("report.html")).unwrap(),
        std::fs::read(b.join("report.html")).unwrap()
    );
}

#[test]
fn report_html_inlines_every_chart_in_report_md_order() {
    let dir = TestDir::new();
    three_stage_run(&dir);
    let out = dir.path().join("out");
    analyze_into(&dir, &out, &[]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // One file: no external resource of any kind.
    for needle in ["src=\"", "href=\"http", "<script", "<link", "<img", "url("] {
        assert!(!html.contains(needle), "report.html contains {needle}");
    }
    // Each chart inline, byte for byte the SVG file.
    for (kind, _) in all_charts() {
        let svg = std::fs::read_to_string(out.join(format!("charts/{kind}.svg"))).unwrap();
        assert!(html.contains(svg.trim_end()), "{kind} is not inlined");
    }
    assert_eq!(html.matches("<svg ").count(), all_charts().len());
    // report.md's links to per-endpoint chart files lead, on the page, to the
    // section that inlines them; no link needs a file beside the page.
    assert!(!html.contains("href=\"charts/"), "a link to a chart file");
    for link in html.split("href=\"#").skip(1) {
        let id = &link[..link.find('"').unwrap()];
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "#{id} leads nowhere"
        );
    }
    assert!(html.contains("<a href=\"#endpoint-get-api-items\">"));
    // The title, the verdict, then report.md's sections in report.md's order; the
    // run-wide charts in the Charts section, each endpoint's in its own section.
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("no {needle} in report.html"))
    };
    assert!(at("<h1>") < at("<div class=\"verdict "));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let md_at = |needle: &str| md.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    assert_eq!(
        at("Test environment and provenance</h2>") < at("SLA compliance</h2>"),
        md_at("## Test environment and provenance") < md_at("## SLA compliance"),
    );
    let throughput = std::fs::read_to_string(out.join("charts/throughput.svg")).unwrap();
    assert!(at("Charts</h2>") < at(throughput.trim_end()));
    let items =
        std::fs::read_to_string(out.join("charts/endpoint-get-api-items-timeline.svg")).unwrap();
    assert!(at("id=\"endpoint-get-api-items\"") < at(items.trim_end()));
    // report.md shows the run-wide PNGs with their captions, and links the others.
    assert!(md.contains("## Charts"));
    for (kind, _) in EXPECTED {
        assert!(
            md.contains(&format!("](charts/{kind}.png)")),
            "{kind} not linked"
        );
    }
    assert!(md.contains("*Throughput should rise with load"));
    for (kind, _) in ENDPOINT_CHARTS {
        assert!(
            md.contains(&format!("](charts/{kind}.png)")),
            "{kind} not linked"
        );
    }
}

#[test]
fn charts_flag_chooses_the_files() {
    let dir = TestDir::new();
    three_stage_run(&dir);
    let svg_only = dir.path().join("svg");
    analyze_into(&dir, &svg_only, &["--charts", "svg"]);
    let files: BTreeSet<String> = std::fs::read_dir(svg_only.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let want: BTreeSet<String> = all_charts()
        .iter()
        .map(|(k, _)| format!("{k}.svg"))
        .collect();
    assert_eq!(files, want);
    let md = std::fs::read_to_string(svg_only.join("report.md")).unwrap();
    assert!(md.contains("](charts/throughput.svg)"));

    let none = dir.path().join("none");
    analyze_into(&dir, &none, &["--charts", "none"]);
    assert!(!none.join("charts").exists());
    let html = std::fs::read_to_string(none.join("report.html")).unwrap();
    assert!(!html.contains("<svg"));
    let md = std::fs::read_to_string(none.join("report.md")).unwrap();
    assert!(!md.contains("## Charts"));

    let o = headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--charts",
        "jpeg",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("jpeg"));
}

#[test]
fn trends_and_terminal_show_bars_and_sparklines() {
    let dir = TestDir::new();
    three_stage_run(&dir);
    let out = dir.path().join("out");
    let o = analyze_into(&dir, &out, &["--charts", "none"]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let trends = &md[md.find("## Trends").unwrap()..];
    // Throughput bars: 60 req/s (stress) fills 12 cells; 10 req/s (baseline) a sixth of
    // that, 40 req/s two thirds — within an eighth of a cell of 12 × share.
    let bar_cells = |row: &str| -> f64 {
        let cell = row.split('|').nth(3).unwrap().trim();
        cell.chars()
            .map(|c| match c {
                '█' => 1.0,
                '▏' => 0.125,
                '▎' => 0.25,
                '▍' => 0.375,
                '▌' => 0.5,
                '▋' => 0.625,
                '▊' => 0.75,
                '▉' => 0.875,
                _ => 0.0,
            })
            .sum()
    };
    let row = |name: &str| {
        trends
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| panic!("no {name} row in {trends}"))
            .to_string()
    };
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let x = |i: usize| report["stages"][i]["throughput_rps"].as_f64().unwrap();
    let max = x(0).max(x(1)).max(x(2));
    for (i, name) in ["baseline", "peak", "stress"].iter().enumerate() {
        let want = 12.0 * x(i) / max;
        let got = bar_cells(&row(name));
        assert!(
            (got - want).abs() <= 0.125,
            "{name}: {got} cells, want {want}"
        );
    }
    // A steady stage's sparkline is flat at the top.
    let stdout = String::from_utf8_lossy(&o.stdout);
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("peak"))
        .unwrap();
    let spark: String = line.chars().filter(|c| ('▁'..='█').contains(c)).collect();
    assert!(!spark.is_empty() && spark.chars().count() <= 15, "{line}");
    assert!(
        spark.chars().filter(|c| *c == '█').count() * 2 > spark.chars().count(),
        "{line}"
    );
}

/// One Locust stage dir (an aggregate stats file only: no histograms, no series).
fn locust_stage(dir: &TestDir, name: &str, requests: u64, rps: f64, p: [u32; 4]) {
    let [p50, p90, p95, p99] = p;
    dir.write(
        &format!("run/{name}/locust_stats.csv"),
        format!(
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,90%,95%,99%,100%\n\
             GET,/api/v1/agents,{requests},0,{p50},{p50}.0,5,{p99},100,{rps},0,{p50},{p90},{p95},{p99},{p99}\n\
             ,Aggregated,{requests},0,{p50},{p50}.0,5,{p99},100,{rps},0,{p50},{p90},{p95},{p99},{p99}\n"
        ),
    );
}

#[test]
fn summary_only_stages_draw_their_percentiles_on_the_log_axis_and_say_so() {
    let dir = TestDir::new();
    locust_stage(
        &dir,
        "01_baseline_100users",
        30_000,
        100.0,
        [150, 300, 400, 850],
    );
    locust_stage(
        &dir,
        "02_peak_1000users",
        600_000,
        1000.0,
        [450, 900, 1200, 2550],
    );
    let out = analyze_run(dir.path());
    // No per-interval series in a Locust stats file: no timeline; the rest is drawn.
    assert!(!out.join("charts/timeline.svg").exists());
    let text = std::fs::read_to_string(out.join("charts/latency-distribution.svg")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let legend: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .filter(|t| t.contains("summary percentiles"))
        .collect();
    assert_eq!(legend.len(), 2, "{legend:?}");
    // Baseline's markers: min at 0 %, then p50, p90, p95, p99 at log10(1/(1−p)) =
    // 0.301, 1, 1.301, 2 decades; x linear in decades, y linear in ms.
    let points = markers(&doc, "stage:baseline");
    assert_eq!(points.len(), 5, "{points:?}");
    let decades = [0.0, 2f64.log10(), 1.0, 0.05f64.recip().log10(), 2.0];
    let ms = [5.0, 150.0, 300.0, 400.0, 850.0];
    for triple in [[0, 1, 4], [0, 2, 4], [1, 3, 4]] {
        let px: Vec<(f64, f64)> = triple.iter().map(|&i| points[i]).collect();
        let data: Vec<(f64, f64)> = triple.iter().map(|&i| (decades[i], ms[i])).collect();
        assert_linear(&px, &data, &format!("points {triple:?}"));
    }
    // The x tick labels are percentiles.
    let ticks: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    for label in ["0%", "50%", "90%", "99%"] {
        assert!(ticks.contains(&label), "no {label} tick in {ticks:?}");
    }
}

/// The polyline segments of series `id`: (length, y of the first point).
fn segments(doc: &roxmltree::Document<'_>, id: &str) -> Vec<(f64, f64)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("data-series") == Some(id))
        .flat_map(|g| g.descendants().filter(|n| n.has_tag_name("polyline")))
        .map(|line| {
            let points: Vec<(f64, f64)> = line
                .attribute("points")
                .unwrap()
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            let length = points
                .windows(2)
                .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
                .sum();
            (length, points[0].1)
        })
        .collect()
}

/// The `<text>` elements whose content is `content`: their (x, y).
fn texts_at(doc: &roxmltree::Document<'_>, content: &str) -> Vec<(f64, f64)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text") && n.text() == Some(content))
        .map(|n| (num(n, "x"), num(n, "y")))
        .collect()
}

#[test]
fn coinciding_limits_differ_in_dash_pattern_and_are_named_apart() {
    let dir = TestDir::new();
    three_stage_run(&dir);
    let out = dir.path().join("out");
    analyze_into(&dir, &out, &[]);
    let text = std::fs::read_to_string(out.join("charts/error-rate.svg")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    // error_rate < 1% and availability > 99% (1% error budget): the same height...
    let (a, b) = (segments(&doc, "sla-0"), segments(&doc, "sla-1"));
    assert!(a.len() > 10 && b.len() > 10, "{a:?} {b:?}");
    assert!((a[0].1 - b[0].1).abs() < 0.5, "the limits should coincide");
    // ...in different dash patterns: the typical dash lengths differ by 2× or more.
    let typical = |s: &[(f64, f64)]| {
        let mut l: Vec<f64> = s.iter().map(|x| x.0).collect();
        l.sort_by(f64::total_cmp);
        l[l.len() / 2]
    };
    let (da, db) = (typical(&a), typical(&b));
    assert!(da.max(db) >= 2.0 * da.min(db), "dashes {da} and {db}");
    // Each named at the line's right end, the names apart (a text row or more).
    let first = texts_at(&doc, "error_rate < 1%");
    let second = texts_at(&doc, "availability > 99% (errors)");
    assert_eq!((first.len(), second.len()), (1, 1), "end labels");
    assert!(
        (first[0].1 - second[0].1).abs() >= 12.0,
        "{first:?} {second:?}"
    );
    let right_end = a.iter().map(|s| s.0).sum::<f64>();
    assert!(right_end > 0.0);
}

#[test]
fn latency_axis_turns_logarithmic_for_a_long_tail_or_on_request() {
    // A long tail: 95 % of requests at ~2 ms, 5 % at ~800 ms (p99 / p50 ≈ 400).
    let dir = TestDir::new();
    for (k, stage) in ["01_low_10users", "02_high_40users"].iter().enumerate() {
        let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
        for i in 0..1000i64 {
            let latency = if i % 20 == 0 {
                800.0 + (i % 7) as f64
            } else {
                2.0 + (i % 5) as f64 * 0.1
            };
            csv.push_str(&format!(
                "{},/api,GET,{latency},200\n",
                1_700_000_000_000i64 + k as i64 * 60_000 + i * 20
            ));
        }
        dir.write(&format!("run/{stage}/requests.csv"), csv);
    }
    let run = dir.path().join("run");
    let chart = |out: &str, extra: &[&str]| -> String {
        let out = dir.path().join(out);
        let mut args = vec![
            "analyze",
            run.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let o = headroom(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(out.join("charts/latency.svg")).unwrap()
    };
    let auto = chart("auto", &[]);
    let doc = roxmltree::Document::parse(&auto).unwrap();
    assert_eq!(texts_at(&doc, "Latency (ms, log scale)").len(), 1);
    // Powers of ten equally spaced: 1 → 10 → 100 ms take the same height.
    let y = |label: &str| {
        texts_at(&doc, label)
            .first()
            .unwrap_or_else(|| panic!("no tick {label}"))
            .1
    };
    let (one, ten, hundred) = (y("1"), y("10"), y("100"));
    assert!(one > ten && ten > hundred);
    assert!(
        ((one - ten) - (ten - hundred)).abs() < 1.5,
        "{one} {ten} {hundred}"
    );
    // The p50 and p99 markers sit where a log axis puts them: p50 ≈ 2 ms below the
    // 10 ms tick, p99 ≈ 800 ms above the 100 ms tick.
    let p50 = markers(&doc, "p50");
    let p99 = markers(&doc, "p99");
    assert!(
        p50.iter()
            .all(|p| p.1 > ten && p.1 < one + 0.5 * (one - ten)),
        "{p50:?}"
    );
    assert!(p99.iter().all(|p| p.1 < hundred), "{p99:?}");
    // Forced linear: no log scale.
    let linear = chart("linear", &["--latency-axis", "linear"]);
    let doc = roxmltree::Document::parse(&linear).unwrap();
    assert_eq!(texts_at(&doc, "Latency (ms)").len(), 1);
    assert!(texts_at(&doc, "Latency (ms, log scale)").is_empty());
    // Any other value is refused, naming the ones it takes.
    let o = headroom(&[
        "analyze",
        run.to_str().unwrap(),
        "--out",
        dir.path().join("bad").to_str().unwrap(),
        "--latency-axis",
        "cubic",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("auto, log or linear"));
}

#[test]
fn timeline_draws_declared_users_and_labels_every_time_axis() {
    // No users column: the stages' users come from the dir names only.
    let dir = TestDir::new();
    for (k, stage) in ["01_warm_5users", "02_busy_25users"].iter().enumerate() {
        let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
        for i in 0..400i64 {
            csv.push_str(&format!(
                "{},/api,GET,{},200\n",
                1_700_000_000_000i64 + k as i64 * 30_000 + i * 50,
                3 + i % 9
            ));
        }
        dir.write(&format!("run/{stage}/requests.csv"), csv);
    }
    let out = analyze_run(dir.path());
    let text = std::fs::read_to_string(out.join("charts/timeline.svg")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let got = series(&doc);
    for s in ["users:warm", "users:busy"] {
        assert!(got.contains(s), "{got:?}");
    }
    // A flat line at the declared users: 25 sits 5× as high above the axis as 5.
    let warm = segments(&doc, "users:warm");
    let busy = segments(&doc, "users:busy");
    assert!(warm.len() == 1 && busy.len() == 1, "{warm:?} {busy:?}");
    assert_eq!(texts_at(&doc, "Users").len(), 1, "the users panel's axis");
    // The users panel is the lowest: its y tick labels are the lowest of their text.
    let tick = |label: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("text") && n.text() == Some(label))
            .filter(|n| n.attribute("text-anchor") == Some("end"))
            .map(|n| num(n, "y"))
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let (y0, y10) = (tick("0"), tick("10"));
    let per_user = (y0 - y10) / 10.0;
    let users = |y: f64| (y0 - y) / per_user;
    assert!((users(warm[0].1) - 5.0).abs() < 0.3, "{}", users(warm[0].1));
    assert!(
        (users(busy[0].1) - 25.0).abs() < 0.3,
        "{}",
        users(busy[0].1)
    );
    // Every panel (requests, latency, errors, users) labels its time axis.
    assert_eq!(texts_at(&doc, "Time since the run started (s)").len(), 4);
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("title") && n.text().is_some_and(|t| t.contains("users"))));
}

/// Every point of every polyline of series `id`.
fn polyline_points(doc: &roxmltree::Document<'_>, id: &str) -> Vec<(f64, f64)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("data-series") == Some(id))
        .flat_map(|g| g.descendants().filter(|n| n.has_tag_name("polyline")))
        .flat_map(|line| {
            line.attribute("points")
                .unwrap()
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn endpoint_timeline_draws_failures_by_kind_at_their_times() {
    // One endpoint, 60 s at 10 req/s: every other request fails with 503 during
    // [10 s, 20 s) (5/s), every fifth times out during [40 s, 50 s) (2/s).
    let dir = TestDir::new();
    let start = 1_700_000_000_000i64;
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,error\n");
    for i in 0..600i64 {
        let t = i * 100;
        let (status, error) = match t / 1000 {
            10..=19 if i % 2 == 0 => ("503", ""),
            40..=49 if i % 5 == 0 => ("", "timeout"),
            _ => ("200", ""),
        };
        csv.push_str(&format!(
            "{},/api/pay,GET,{},{status},{error}\n",
            start + t,
            5 + i % 7
        ));
    }
    dir.write("run/01_only_10users/requests.csv", csv);
    let out = analyze_run(dir.path());

    // report.json: each interval's failures by kind, at the fixture's times.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let points = report["stages"][0]["endpoints"][0]["timeseries"]
        .as_array()
        .unwrap();
    assert_eq!(points.len(), 60);
    for p in points {
        let t = p["t"].as_f64().unwrap() as i64;
        let kinds = p["failures_by_kind"].as_object().unwrap();
        let want: Vec<(&str, u64)> = match t {
            10..=19 => vec![("status:503", 5)],
            40..=49 => vec![("timeout", 2)],
            _ => vec![],
        };
        let got: Vec<(&str, u64)> = kinds
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_u64().unwrap()))
            .collect();
        assert_eq!(got, want, "interval at {t} s");
        assert_eq!(p["failures"].as_u64(), Some(want.iter().map(|w| w.1).sum()));
    }

    // The chart: one line per kind, named in a legend, peaking where the fixture
    // puts its failures and as high as their rates.
    let text =
        std::fs::read_to_string(out.join("charts/endpoint-get-api-pay-timeline.svg")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let got = series(&doc);
    assert!(
        got.contains("failures-status:503") && got.contains("failures-timeout"),
        "{got:?}"
    );
    assert!(
        !got.contains("failures"),
        "kinds replace the total: {got:?}"
    );
    for label in ["status:503", "timeout"] {
        assert_eq!(texts_at(&doc, label).len(), 1, "legend entry {label}");
    }
    let status = polyline_points(&doc, "failures-status:503");
    let timeout = polyline_points(&doc, "failures-timeout");
    let x0 = status.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x1 = status.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let baseline = status.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    // Interval midpoints run from 0.5 s to 59.5 s across [x0, x1].
    let at = |x: f64| 0.5 + (x - x0) / (x1 - x0) * 59.0;
    let peak = |points: &[(f64, f64)]| {
        let top = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let xs: Vec<f64> = points
            .iter()
            .filter(|p| (p.1 - top).abs() < 0.6)
            .map(|p| at(p.0))
            .collect();
        let from = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let to = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (baseline - top, from, to)
    };
    let (h503, from, to) = peak(&status);
    assert!(
        (from - 10.5).abs() < 0.6 && (to - 19.5).abs() < 0.6,
        "503 peak {from}–{to} s"
    );
    let (htimeout, from, to) = peak(&timeout);
    assert!(
        (from - 40.5).abs() < 1.5 && (to - 49.5).abs() < 1.5,
        "timeout peak {from}–{to} s"
    );
    assert!(
        (h503 / htimeout - 2.5).abs() < 0.05,
        "5/s vs 2/s: heights {h503} and {htimeout}"
    );
}
