//! Judgements on messy real run dirs (QA round 5): console captures that hold two
//! runs, tools run on several threads, siege's verbose console, stepped Locust
//! histories, and untrusted names on the terminal.

use serde_json::Value;

use crate::common::{analyze_json, TestDir};
use crate::formats_c::ab_text;
use crate::messy_runs::hey_text;

/// The notes of a report's sources, joined.
fn source_notes(report: &Value) -> String {
    let sources = report["sources"].as_array().cloned().unwrap_or_default();
    let notes: Vec<String> = sources
        .iter()
        .flat_map(|s| s["notes"].as_array().cloned().unwrap_or_default())
        .map(|n| n.as_str().unwrap_or("").to_string())
        .collect();
    notes.join("\n")
}

#[test]
fn two_hey_runs_appended_to_one_console_log_are_never_mixed() {
    let dir = TestDir::new();
    // `hey -c 4` (100 answers, none failed), then `hey -c 40 >> console.log` (50
    // answers and 5,000 503s): the first run is read, whole.
    let text = hey_text(100, 0) + &hey_text(50, 5000);
    dir.write("run/console.log", text);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["stages"][0]["requests"], 100, "{stderr}");
    assert_eq!(report["stages"][0]["failures"], 0, "{report}");
    let notes = source_notes(&report);
    assert!(
        notes.contains("holds 2 runs") && notes.contains("only the first is analysed"),
        "{notes}"
    );
}

#[test]
fn two_ab_runs_appended_to_one_console_log_are_never_mixed() {
    let dir = TestDir::new();
    // ab -n 200 (clean), then ab -n 400 with 387 non-2xx appended: the first is read.
    let text = ab_text(200, [0; 4], 0) + &ab_text(400, [0, 0, 387, 0], 387);
    dir.write("run/console.log", text);
    let (_, report, stderr) = analyze_json(&[&dir.path().join("run")], &[]);
    assert_eq!(report["stages"][0]["requests"], 200, "{stderr}");
    assert_eq!(report["stages"][0]["failures"], 0, "{report}");
    assert!(source_notes(&report).contains("holds 2 runs"), "{report}");
}

/// h2load's console of `h2load -n 3000 -c 16 -t 4`: four threads of 4 clients each.
fn h2load_on_four_threads() -> String {
    let mut text = String::from("starting benchmark...\n");
    for t in 0..4 {
        text.push_str(&format!(
            "spawning thread #{t}: 4 total client(s). 750 total requests\n"
        ));
    }
    text.push_str(
        "Application protocol: http/1.1\nprogress: 100% done\n\n\
         finished in 2.24s, 1340.84 req/s, 155.82KB/s\n\
         requests: 3000 total, 3000 started, 3000 done, 3000 succeeded, 0 failed, 0 errored, 0 timeout\n\
         status codes: 3000 2xx, 0 3xx, 0 4xx, 0 5xx\n\
         traffic: 348.63KB (357000) total, 225.59KB (231000) headers (space savings 0.00%), 32.23KB (33000) data\n\
         \x20                    min         max         mean         sd        +/- sd\n\
         time for request:     4.41ms     31.52ms     11.19ms      3.11ms    68.60%\n\
         time for connect:       21us       511us       118us       116us    93.75%\n\
         time to 1st byte:     8.21ms     16.88ms     11.54ms      2.94ms    56.25%\n\
         req/s           :      84.05       93.11       89.39        2.48    62.50%\n",
    );
    text
}

#[test]
fn h2load_users_are_the_clients_of_every_thread() {
    let dir = TestDir::new();
    dir.write("run/console.log", h2load_on_four_threads());
    let sla = dir.write("sla.toml", "[global]\nrules = [\"error_rate < 1%\"]\n");
    let (code, report, stderr) =
        analyze_json(&[&dir.path().join("run")], &["--sla", sla.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    // 4 threads × 4 clients; 16 users at 11.19 ms allow 1,430 req/s ≥ the 1,341 measured.
    assert_eq!(report["stages"][0]["users"], 16, "{report}");
    assert_eq!(report["data_quality"], "clean", "{}", report["data_quality_reason"]);
    assert_eq!(report["verdict"], "GO", "{}", report["sla"]["headline"]);
}
