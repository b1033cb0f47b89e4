//! report.html in a real browser (headless Chromium): the page loads, renders to a
//! screenshot, shows the SLA table, and an endpoint named like markup stays text.
//! `#[ignore]`d: `.ci/run` installs Debian's `chromium` and runs it; elsewhere it
//! skips when no Chromium is installed (under CI, a missing browser is a failure).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{headroom, TestDir};

const EVIL: &str = "<img src=x onerror=alert(1)>";

/// The Chromium binary, if one is installed.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// The Chromium binary; `None` (the test skips) when none is installed outside CI.
fn chromium_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set but no chromium is installed (.ci/run installs it)");
        }
        eprintln!("skipped: no chromium installed");
    }
    found
}

/// Runs headless Chromium on `page` with `action` (`--dump-dom` or `--screenshot=…`)
/// and returns its stdout. Local file only; networking features are off; killed if
/// it hangs (a guard, not a measurement).
fn headless(browser: &Path, profile: &Path, page: &Path, action: &str) -> String {
    headless_at(browser, profile, page, action, (1200, 2400))
}

/// [`headless`] in a window of `(width, height)` px.
fn headless_at(
    browser: &Path,
    profile: &Path,
    page: &Path,
    action: &str,
    (width, height): (u32, u32),
) -> String {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(action)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut out).map(|_| out)
    });
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish {action}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader
        .join()
        .expect("reader")
        .expect("read chromium output")
}

/// The numbers a script computes in a copy of `source` (the report has no script
/// of its own): `setup_and_expression` is JavaScript whose last statement is an
/// array expression; the copy is loaded in a `window` px window.
fn probe_numbers(
    browser: &Path,
    profile: &Path,
    source: &str,
    setup_and_expression: &str,
    window: (u32, u32),
) -> Vec<u32> {
    let (setup, expression) = setup_and_expression
        .rsplit_once(';')
        .unwrap_or(("", setup_and_expression));
    let page = profile.with_file_name("probe.html");
    std::fs::write(
        &page,
        source.replace(
            "</body>",
            &format!(
                "<script>{setup}; const p = document.createElement('pre'); \
                 p.textContent = 'PROBE ' + ({expression}).join(' ') + ' END'; \
                 document.body.appendChild(p);</script></body>"
            ),
        ),
    )
    .unwrap();
    let dom = headless_at(browser, profile, &page, "--dump-dom", window);
    dom[dom.rfind("PROBE ").expect("probe ran") + 6..]
        .split(" END")
        .next()
        .unwrap()
        .split(' ')
        .map(|n| n.parse().unwrap())
        .collect()
}

/// Runs analyze on the fixture's `run/` with its `sla.toml` into `out/`, which it
/// returns (exit 0 or 1: a NO-GO verdict is still a report).
fn analyze_with_sla(dir: &TestDir) -> PathBuf {
    let out = dir.path().join("out");
    let o = headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--sla",
        dir.path().join("sla.toml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

#[test]
#[ignore = "needs Chromium; run by .ci/run after it installs Debian's chromium"]
fn report_html_renders_in_chromium_and_keeps_markup_names_as_text() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
    for i in 0..600i64 {
        let name = if i % 2 == 0 { EVIL } else { "/api/items" };
        csv.push_str(&format!(
            "{},{name},GET,{}.25,200\n",
            1_700_000_000_000 + i * 50,
            5 + i % 40
        ));
    }
    dir.write("run/01_steady_20users/requests.csv", csv);
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 200ms\", \"error_rate < 1%\"]\n",
    );
    let out = analyze_with_sla(&dir);
    let page = out.join("report.html");
    let profile = dir.path().join("chromium-profile");

    let dom = headless(&browser, &profile, &page, "--dump-dom");
    assert!(dom.contains("</html>"), "no DOM from chromium: {dom:.200}");
    // The SLA table: its heading, then a table holding the rules as text.
    let sla = dom
        .find("SLA compliance</h2>")
        .unwrap_or_else(|| panic!("no SLA section in the DOM"));
    let table = &dom[sla..];
    let table = &table[table
        .find("<table class=\"sla-matrix\">")
        .expect("SLA table")..];
    let table = &table[..table.find("</table>").expect("end of SLA table")];
    assert!(table.contains("p(95) &lt; 200ms"), "{table}");
    assert!(table.contains("error_rate &lt; 1%"), "{table}");
    // The endpoint name is text (serialised escaped), and no element came of it.
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!dom.contains("<img"), "an <img> element was created");
    assert!(dom.contains("<svg"), "charts are inline");

    let shot = dir.path().join("report.png");
    headless(
        &browser,
        &profile,
        &page,
        &format!("--screenshot={}", shot.display()),
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((be(16), be(20)), (1200, 2400));

    // The same name is escaped text in report.md.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!md.contains("<img"));
}

/// A two-stage run: `steady` all 200s, `stress` with 30 % 500s, over two endpoints;
/// with `error_rate < 1%`, steady passes and stress fails.
fn pass_and_fail_run(dir: &TestDir) {
    for (stage, fail_every) in [("01_steady_20users", 0i64), ("02_stress_80users", 10)] {
        let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
        let base = if fail_every == 0 {
            1_700_000_000_000i64
        } else {
            1_700_000_040_000
        };
        for i in 0..800i64 {
            let name = if i % 2 == 0 {
                "/api/items"
            } else {
                "/api/orders"
            };
            let status = if fail_every > 0 && i % fail_every < 3 {
                500
            } else {
                200
            };
            csv.push_str(&format!(
                "{},{name},GET,{}.5,{status}\n",
                base + i * 40,
                5 + i % 30
            ));
        }
        dir.write(&format!("run/{stage}/requests.csv"), csv);
    }
    dir.write(
        "sla.toml",
        "[global]\nrules = [\"p(95) < 200ms\", \"error_rate < 1%\"]\n",
    );
}

/// The CSS declarations of every rule of the page's `<style>` whose selector list
/// names `.class` (a selector ending in it, or followed by `,`, ` ` or `.`).
fn css_rules_for<'a>(style: &'a str, class: &str) -> Vec<&'a str> {
    let dot = format!(".{class}");
    style
        .split('}')
        .filter_map(|rule| rule.split_once('{'))
        .filter(|(selectors, _)| {
            selectors.split(',').any(|sel| {
                let sel = sel.trim();
                sel.match_indices(&dot).any(|(at, _)| {
                    sel[at + dot.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| matches!(c, ' ' | '.' | ':' | '>'))
                })
            })
        })
        .map(|(_, declarations)| declarations)
        .collect()
}

/// True when `declarations` set a background or text colour to something other
/// than a default.
fn sets_colour(declarations: &str) -> bool {
    declarations.split(';').any(|d| {
        let Some((property, value)) = d.split_once(':') else {
            return false;
        };
        let value = value.trim();
        matches!(property.trim(), "background" | "background-color" | "color")
            && !["inherit", "initial", "unset", "transparent", "none", ""].contains(&value)
    })
}

/// The attribute values `attr` of every `<tag ...>` opening tag in `html`.
fn attributes<'a>(html: &'a str, tag: &str, attr: &str) -> Vec<&'a str> {
    let open = format!("<{tag} ");
    let key = format!("{attr}=\"");
    html.match_indices(&open)
        .filter_map(|(at, _)| {
            let tag_text = &html[at..at + html[at..].find('>')?];
            let start = tag_text.find(&key)? + key.len();
            let len = tag_text[start..].find('"')?;
            Some(&tag_text[start..start + len])
        })
        .collect()
}

/// The RGB pixel at (x, y) of a PNG screenshot.
fn pixel(png_bytes: &[u8], x: u32, y: u32) -> [u8; 3] {
    let decoder = png::Decoder::new(png_bytes);
    let mut reader = decoder.read_info().expect("screenshot PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("screenshot PNG data");
    let channels = info.color_type.samples();
    assert!(
        x < info.width && y < info.height,
        "({x}, {y}) outside the screenshot"
    );
    let at = (y as usize * info.width as usize + x as usize) * channels;
    [buf[at], buf[at + 1], buf[at + 2]]
}

#[test]
#[ignore = "needs Chromium; run by .ci/run after it installs Debian's chromium"]
fn report_html_statuses_are_coloured_text_with_a_toc_and_endpoint_sections() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let dir = TestDir::new();
    pass_and_fail_run(&dir);
    let out = analyze_with_sla(&dir);
    let page = out.join("report.html");
    let source = std::fs::read_to_string(&page).unwrap();
    // One file: no script, no external reference.
    assert!(
        !source.contains("<script")
            && !source.contains("src=\"http")
            && !source.contains("href=\"http")
    );
    let style = &source[source.find("<style>").unwrap()..source.find("</style>").unwrap()];
    let profile = dir.path().join("chromium-profile");
    let dom = headless(&browser, &profile, &page, "--dump-dom");
    assert!(dom.contains("</html>"), "no DOM from chromium: {dom:.200}");

    // Every status cell carries a status class whose rule sets a colour; the matrix
    // has both a passing and a failing cell, and each says its status in words.
    let classes: Vec<&str> = attributes(&dom, "td", "class")
        .into_iter()
        .filter(|c| c.split(' ').any(|w| w == "status"))
        .collect();
    assert!(classes.iter().any(|c| c.contains("st-pass")), "{classes:?}");
    // A failure is st-fail on a verdict stage, st-info (not gating) elsewhere.
    assert!(
        classes
            .iter()
            .any(|c| c.contains("st-fail") || c.contains("st-info")),
        "{classes:?}"
    );
    for class in &classes {
        let status = class
            .split(' ')
            .find(|w| w.starts_with("st-"))
            .unwrap_or_else(|| panic!("status cell without a status class: {class}"));
        let rules = css_rules_for(style, status);
        assert!(
            rules.iter().any(|d| sets_colour(d)),
            "no CSS rule colours .{status}: {rules:?}"
        );
    }
    assert!(dom.contains("<b>FAIL</b>") && dom.contains("<b>PASS</b>"));

    // The table of contents links to ids that exist.
    let nav = &dom[dom.find("<nav").unwrap()..dom.find("</nav>").unwrap()];
    let links = attributes(nav, "a", "href");
    assert!(links.len() >= 8, "{links:?}");
    let ids = attributes(&dom, "details", "id");
    for link in &links {
        let id = link.strip_prefix('#').expect("an in-page link");
        assert!(ids.contains(&id), "TOC link {link} goes nowhere");
    }

    // A section per endpoint, with its charts.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let mut keys: Vec<&str> = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["endpoints"].as_array().unwrap())
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys, ["GET /api/items", "GET /api/orders"]);
    let drill = &dom[dom
        .find("id=\"s-endpoint-drill-down\"")
        .expect("drill-down section")..];
    for key in keys {
        let at = drill
            .find(&format!("<h3>{key}</h3>"))
            .unwrap_or_else(|| panic!("no section for {key}"));
        let section = &drill[at..];
        let section = &section[..section.find("</details>").unwrap()];
        assert_eq!(
            section.matches("<svg").count(),
            2,
            "{key}: timeline and distribution"
        );
        assert!(section.contains("requests, latency and failures over the run"));
    }

    // Pixels: a failing cell and a passing cell differ in colour on screen. A copy
    // of the page with a probe script finds the cells (the report has no script).
    let numbers = probe_numbers(
        &browser,
        &profile,
        &source,
        "const at = c => { const r = document.querySelector(c).getBoundingClientRect(); \
         return [Math.round(r.left + window.scrollX + 6), Math.round(r.top + window.scrollY + 2)]; }; \
         at('td.st-fail, td.st-info').concat(at('td.st-pass'))",
        (1200, 2400),
    );
    let (fail, pass) = ((numbers[0], numbers[1]), (numbers[2], numbers[3]));
    assert!(
        fail.1.max(pass.1) < 2300,
        "cells below the screenshot: {numbers:?}"
    );
    let shot = dir.path().join("status.png");
    headless(
        &browser,
        &profile,
        &page,
        &format!("--screenshot={}", shot.display()),
    );
    let png_bytes = std::fs::read(&shot).expect("screenshot written");
    let red = pixel(&png_bytes, fail.0, fail.1);
    let green = pixel(&png_bytes, pass.0, pass.1);
    assert_ne!(red, green, "failing and passing cells look alike");
    assert!(
        red[0] > red[1] && red[0] > red[2],
        "failing cell not reddish: {red:?}"
    );
    assert!(
        green[1] > green[0] && green[1] > green[2],
        "passing cell not greenish: {green:?}"
    );
    let white = [255, 255, 255];
    assert!(red != white && green != white);
}

#[test]
#[ignore = "needs Chromium; run by .ci/run after it installs Debian's chromium"]
fn sla_matrix_fits_a_1400_px_window_without_scrolling_sideways() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    // The demo's shape: four stages and overall, 300 requests a stage (too few for
    // p99: "insufficient data"), the last with 75 % failures (long FAIL cells).
    let dir = TestDir::new();
    let stages = [
        "01_baseline_10users",
        "02_target_25users",
        "03_peak_40users",
        "04_stress_150users",
    ];
    for (k, stage) in stages.iter().enumerate() {
        let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status\n");
        for i in 0..300i64 {
            let status = if k == 3 && i % 4 != 0 { 503 } else { 200 };
            csv.push_str(&format!(
                "{},/api/v1/agents,GET,{}.5,{status}\n",
                1_700_000_000_000i64 + k as i64 * 40_000 + i * 100,
                20 + i % 50
            ));
        }
        dir.write(&format!("run/{stage}/requests.csv"), csv);
    }
    dir.write(
        "sla.toml",
        "[global]\nverdict_stages = [\"peak\"]\nrules = [\"p(50) < 100ms\", \"p(95) < 2000ms\", \
         \"p(99) < 4000ms\", \"error_rate < 2%\", \"availability > 98%\"]\n\
         [stage.baseline]\nrules = [\"throughput >= 1/s\"]\n",
    );
    let out = analyze_with_sla(&dir);
    let source = std::fs::read_to_string(out.join("report.html")).unwrap();
    // The matrix has the long cells this is about.
    assert!(source.contains("<b>INSUFFICIENT DATA</b>") && source.contains("(not gating)"));
    let profile = dir.path().join("chromium-profile");
    let numbers = probe_numbers(
        &browser,
        &profile,
        &source,
        "const t = document.querySelector('table.sla-matrix'); \
         [t.scrollWidth, t.clientWidth, t.parentElement.clientWidth, t.querySelectorAll('th').length]",
        (1400, 900),
    );
    let (scroll, client, container, headers) = (numbers[0], numbers[1], numbers[2], numbers[3]);
    assert_eq!(headers, 7, "Rule, Scope, four stages, overall");
    assert!(
        scroll <= container && scroll <= client,
        "the SLA matrix is {scroll} px wide in a {container} px column: it scrolls sideways"
    );
}
