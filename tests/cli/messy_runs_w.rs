//! Messy runs, batch "w" (qa29): a user's trial with the real tools (wrk, hey, ab,
//! h2load, autocannon, siege, Locust) against `headroom target`, read as a release
//! manager would. Long runs' timelines read in minutes or hours, not tens of
//! thousands of seconds; the report's lists stay apart in markdown and HTML.

use std::path::Path;

use super::common::{headroom, TestDir};

/// Runs `analyze RUN --out OUT` with `extra` flags; returns stderr.
fn analyze(run: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "analyze",
        run.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = headroom(&args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(o.status.success(), "{stderr}");
    stderr
}

/// The texts of an SVG's `<text>` elements.
fn svg_texts(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

/// The numeric tick labels of the time axis: the texts that are numbers, below the
/// axis description (the other panels' y ticks are numbers too, so the test reads
/// them as a set and asks only for the largest).
fn largest_number(texts: &[String]) -> f64 {
    texts
        .iter()
        .filter_map(|t| t.replace(',', "").parse::<f64>().ok())
        .fold(f64::NEG_INFINITY, f64::max)
}

/// A 12-hour soak (one request a minute, 1 user, latency 20 ms): the timelines' time
/// axes say hours and their ticks run 0 … 12, not 0 … 43,200 s. Before, every
/// timeline read "Time since the run started (s)" with ticks up to 40,000.
#[test]
fn a_twelve_hour_soak_reads_its_timelines_in_hours() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,users\n");
    let start = 1_764_950_400_000i64; // 2025-12-05T16:00:00Z
    let minutes = 12 * 60;
    for i in 0..=minutes {
        csv.push_str(&format!("{},/api/soak,GET,20,200,1\n", start + i * 60_000));
    }
    dir.write("soak/requests.csv", csv);
    let out = dir.path().join("out");
    analyze(&dir.path().join("soak"), &out, &["--charts", "svg"]);
    for chart in ["timeline.svg", "endpoint-get-api-soak-timeline.svg"] {
        let texts = svg_texts(&out.join("charts").join(chart));
        assert!(
            texts.iter().any(|t| t == "Time since the run started (h)"),
            "{chart}: {texts:?}"
        );
        assert!(
            !texts.iter().any(|t| t == "Time since the run started (s)"),
            "{chart}: {texts:?}"
        );
        // Hour ticks: the 12-hour span's round steps, none past 12 h. The y ticks
        // (requests/s ≈ 0.017, latency 20 ms, users 1) stay below 100 too; the old
        // axis put seconds (tens of thousands) here.
        let largest = largest_number(&texts);
        assert!(largest <= 100.0, "{chart}: a tick at {largest}: {texts:?}");
        // Round hour steps (3 h over a 12-hour span): 0, 6 and 12 h among them.
        for hour in ["0", "6", "12"] {
            assert!(
                texts.iter().any(|t| t == hour),
                "{chart}: no {hour} h tick: {texts:?}"
            );
        }
    }
}

/// A 5-minute run keeps its time axis in seconds.
#[test]
fn a_five_minute_run_reads_its_timeline_in_seconds() {
    let dir = TestDir::new();
    let mut csv = String::from("timestamp_ms,endpoint,method,latency_ms,status,users\n");
    for i in 0..=300i64 {
        csv.push_str(&format!(
            "{},/api/x,GET,20,200,1\n",
            1_764_950_400_000 + i * 1000
        ));
    }
    dir.write("short/requests.csv", csv);
    let out = dir.path().join("out");
    analyze(&dir.path().join("short"), &out, &["--charts", "svg"]);
    let texts = svg_texts(&out.join("charts/timeline.svg"));
    assert!(texts.iter().any(|t| t == "Time since the run started (s)"));
    assert!(texts.iter().any(|t| t == "300"), "{texts:?}");
}

/// hey's console summary of `n` requests over `total_s` seconds, all 200, 20–60 ms.
fn hey_summary(total_s: f64, n: u64) -> String {
    format!(
        "\nSummary:\n  Total:\t{total_s:.4} secs\n  Slowest:\t0.0600 secs\n  Fastest:\t0.0200 secs\n  \
         Average:\t0.0400 secs\n  Requests/sec:\t{:.4}\n  \n  Total data:\t{} bytes\n  \
         Size/request:\t69 bytes\n\nResponse time histogram:\n  0.020 [1]\t|\n  0.040 [{}]\t|■■■■\n  \
         0.060 [{}]\t|■■■■\n\n\nLatency distribution:\n  10% in 0.0250 secs\n  25% in 0.0300 secs\n  \
         50% in 0.0400 secs\n  75% in 0.0500 secs\n  90% in 0.0550 secs\n  95% in 0.0580 secs\n  \
         99% in 0.0600 secs\n\nDetails (average, fastest, slowest):\n  DNS+dialup:\t0.0000 secs, 0.0200 secs, 0.0600 secs\n  \
         DNS-lookup:\t0.0000 secs, 0.0000 secs, 0.0000 secs\n  req write:\t0.0000 secs, 0.0000 secs, 0.0002 secs\n  \
         resp wait:\t0.0400 secs, 0.0200 secs, 0.0600 secs\n  resp read:\t0.0000 secs, 0.0000 secs, 0.0012 secs\n\n\
         Status code distribution:\n  [200]\t{n} responses\n\n\n",
        n as f64 / total_s,
        69 * n,
        n / 2,
        n - 1 - n / 2,
    )
}

/// A peak stage run twice (`02_peak_30users.txt` and its re-run, hey saves no clock
/// time) beside a notes file: the report lists the sources' notes (the two runs read
/// one after another), then "Skipped files" as a list of its own. Before, no blank
/// line ended the notes, so "**Skipped files:**" was read as the last note's
/// continuation: in report.html it sat inside that note's bullet, and the skipped
/// files joined the notes' list.
#[test]
fn skipped_files_are_a_list_of_their_own_after_the_sources_notes() {
    let dir = TestDir::new();
    dir.write("run/01_baseline_10users.txt", hey_summary(10.0458, 2429));
    dir.write("run/02_peak_30users.txt", hey_summary(10.0895, 7303));
    dir.write("run/02_peak_30users_rerun.txt", hey_summary(10.05, 7327));
    dir.write(
        "run/notes.txt",
        "hey runs on the details endpoint\npeak re-run: the first had a GC pause\n",
    );
    let out = dir.path().join("out");
    analyze(&dir.path().join("run"), &out, &["--charts", "none"]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    // The two peak runs are read one after another: a source note says so.
    let note = md
        .lines()
        .position(|l| l.starts_with("- hey: ") && l.contains("one after another"))
        .unwrap_or_else(|| panic!("no source note in:\n{md}"));
    let lines: Vec<&str> = md.lines().collect();
    let skipped = (lines.iter())
        .position(|l| *l == "**Skipped files:**")
        .unwrap_or_else(|| panic!("no Skipped files in:\n{md}"));
    assert!(skipped > note, "{md}");
    assert_eq!(lines[skipped - 1], "", "no blank line before it:\n{md}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let at = html
        .find("<strong>Skipped files:</strong>")
        .unwrap_or_else(|| panic!("no Skipped files in report.html"));
    assert!(
        html[..at].ends_with("<p>"),
        "Skipped files inside another block: {}",
        &html[at.saturating_sub(200)..at + 40]
    );
}
