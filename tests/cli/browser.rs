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

/// Runs headless Chromium on `page` with `action` (`--dump-dom` or `--screenshot=…`)
/// and returns its stdout. Local file only; networking features are off; killed if
/// it hangs (a guard, not a measurement).
fn headless(browser: &Path, profile: &Path, page: &Path, action: &str) -> String {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1200,2400",
        ])
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

#[test]
#[ignore = "needs Chromium; run by .ci/run after it installs Debian's chromium"]
fn report_html_renders_in_chromium_and_keeps_markup_names_as_text() {
    let Some(browser) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set but no chromium is installed (.ci/run installs it)");
        }
        eprintln!("skipped: no chromium installed");
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
    let out = dir.path().join("out");
    let o = headroom(&[
        "analyze",
        dir.path().join("run").to_str().unwrap(),
        "--sla",
        dir.path().join("sla.toml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = out.join("report.html");
    let profile = dir.path().join("chromium-profile");

    let dom = headless(&browser, &profile, &page, "--dump-dom");
    assert!(dom.contains("</html>"), "no DOM from chromium: {dom:.200}");
    // The SLA table: its heading, then a table holding the rules as text.
    let sla = dom
        .find("SLA compliance</h2>")
        .unwrap_or_else(|| panic!("no SLA section in the DOM"));
    let table = &dom[sla..];
    let table = &table[table.find("<table>").expect("SLA table")..];
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
