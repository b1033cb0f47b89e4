//! `compare` as a release manager trusts it: a fixed-rate run (hey `-q`, whose
//! throughput is the rate asked for) whose latency tail moved beyond its floor
//! without being shown is INCONCLUSIVE, never NO REGRESSION or IMPROVED, and says
//! NOT A PASS where a CI gate's reader looks; compare.json's `outcome` and each
//! stage pair's tools; compare.html's "What was compared" (escaped).

use serde_json::Value;

use crate::common::{close, headroom, nearest_rank, Lcg, TestDir};

const HEY_HEADER: &str =
    "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset";

/// `n` lognormal latencies (s) of median `median_s` and shape `sigma`, drawn by
/// Box–Muller from `seed`.
fn lognormal(n: usize, median_s: f64, sigma: f64, seed: u64) -> Vec<f64> {
    let mut r = Lcg(seed);
    (0..n)
        .map(|_| {
            let (u1, u2) = (r.next_f64().max(1e-12), r.next_f64());
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            // hey writes 4 decimals of a second.
            ((median_s * (sigma * z).exp()) * 1e4).round().max(1.0) / 1e4
        })
        .collect()
}

/// hey `-o csv` of a fixed-rate run: one request every `1 / rate` s, all 200.
pub(crate) fn hey_csv(latencies_s: &[f64], rate: f64) -> String {
    let mut s = String::from(HEY_HEADER);
    for (i, l) in latencies_s.iter().enumerate() {
        s.push_str(&format!(
            "\n{l:.4},0.0007,0.0000,0.0002,{l:.4},0.0001,200,{:.4}",
            i as f64 / rate
        ));
    }
    s.push('\n');
    s
}

/// Runs `compare BASE CAND --out DIR/cmp extra…`; returns exit code, stdout, stderr
/// and compare.json.
pub(crate) fn compare(
    dir: &TestDir,
    base: &str,
    cand: &str,
    extra: &[&str],
) -> (i32, String, String, Value) {
    let (b, c) = (dir.path().join(base), dir.path().join(cand));
    let mut args = vec![b.to_str().unwrap(), c.to_str().unwrap()];
    args.extend_from_slice(extra);
    compare_with(dir, &args)
}

/// Runs `compare ARGS… --out DIR/cmp` without charts or colour; returns exit code,
/// stdout, stderr and compare.json (null when it wrote none).
pub(crate) fn compare_with(dir: &TestDir, args: &[&str]) -> (i32, String, String, Value) {
    let out = dir.path().join("cmp");
    let mut all = vec!["compare"];
    all.extend_from_slice(args);
    let tail = [
        "--out",
        out.to_str().unwrap(),
        "--charts",
        "none",
        "--color",
        "never",
    ];
    all.extend_from_slice(&tail);
    let o = headroom(&all);
    let json = std::fs::read_to_string(out.join("compare.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        json,
    )
}

fn read(dir: &TestDir, file: &str) -> String {
    std::fs::read_to_string(dir.path().join("cmp").join(file)).unwrap()
}

fn metric<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == name)
        .unwrap_or_else(|| panic!("no {name} in {json:#}"))
}

/// Observed with `headroom target` (lognormal service, mean 20 ms σ 1.0, then 23 ms
/// σ 1.4) and `hey -z 5s -c 10 -q 10 -o csv`: the candidate's median fell, its tail
/// rose (p95 +35%) with an interval reaching 0, and the throughput — 100 req/s, the
/// rate hey was asked for — was unchanged by construction. compare said "IMPROVED,
/// no regression" (this fixture, of that shape: "NO REGRESSION", resting on the
/// throughput alone) and `--fail-on-regression` exited 0 with nothing saying so was
/// not a pass. Now: INCONCLUSIVE naming the open latencies, NOT A PASS on the terminal,
/// in compare.md and compare.html, and `outcome: inconclusive` in compare.json.
#[test]
fn a_fixed_rate_run_whose_tail_rose_unshown_is_inconclusive_and_not_a_pass() {
    let dir = TestDir::new();
    let (base, cand) = (
        lognormal(500, 0.0122, 1.0, 13),
        lognormal(500, 0.0108, 1.3, 14),
    );
    dir.write("rel-1.0/peak/hey.csv", hey_csv(&base, 100.0));
    dir.write("rel-1.1/Peak-50u/hey.csv", hey_csv(&cand, 100.0));
    let (code, stdout, stderr, json) =
        compare(&dir, "rel-1.0", "rel-1.1", &["--fail-on-regression"]);
    // No regression was shown: the gate's exit stays DESIGN's 0.
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    // The fixture's tail rose beyond the 5% floor (nearest-rank p95, exact to hey's
    // 0.1 ms and the histogram's 3 digits).
    let p95 = metric(&json, "p95");
    let (b95, c95) = (
        nearest_rank(&base, 95.0) * 1e3,
        nearest_rank(&cand, 95.0) * 1e3,
    );
    assert!(c95 > 1.05 * b95, "fixture: p95 {b95} → {c95}");
    assert!(
        close(p95["baseline"].as_f64().unwrap(), b95, 0.01),
        "{p95:#}"
    );
    assert!(
        close(p95["candidate"].as_f64().unwrap(), c95, 0.01),
        "{p95:#}"
    );
    // … and was not shown: the interval reaches 0.
    assert_eq!(p95["verdict"], "inconclusive", "{p95:#}");
    assert!(p95["ci"][0].as_f64().unwrap() <= 0.0, "{p95:#}");
    // The rate hey held: 500 requests over 5 s on both sides, shown unchanged.
    let tp = metric(&json, "throughput");
    assert_eq!(tp["verdict"], "unchanged", "{tp:#}");
    assert!(
        close(tp["baseline"].as_f64().unwrap(), 100.0, 0.03),
        "{tp:#}"
    );
    // The headline rests on none of that: not a pass, naming the open p95.
    assert_eq!(json["outcome"], "inconclusive", "{json:#}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(
        line.starts_with("INCONCLUSIVE: rel-1.1 vs rel-1.0 ("),
        "{line}"
    );
    assert!(line.contains("p95 of hey +"), "{line}");
    assert!(line.contains("the interval reaches 0"), "{line}");
    assert!(!line.contains("no regression"), "{line}");
    assert!(stdout.contains("NOT A PASS"), "{stdout}");
    let md = read(&dir, "compare.md");
    let head: Vec<&str> = md.lines().take(5).collect();
    assert!(head.iter().any(|l| l.starts_with("> **NOT A PASS")), "{md}");
    assert!(read(&dir, "compare.html").contains("NOT A PASS"));
}

/// The same fixture on both sides: every latency shown unchanged — still NO
/// REGRESSION, with no NOT A PASS anywhere (the rule takes away no honest pass).
/// 10,000 requests: with 2,000 the p99's interval reached +11.7 %, past the 5 % floor,
/// which shows no p99 no worse (messy_runs_bv).
#[test]
fn identical_fixed_rate_runs_are_still_no_regression() {
    let dir = TestDir::new();
    let lat = lognormal(10_000, 0.0122, 0.5, 21);
    dir.write("v1/steady/hey.csv", hey_csv(&lat, 1000.0));
    dir.write("v2/steady/hey.csv", hey_csv(&lat, 1000.0));
    let (code, stdout, stderr, json) = compare(&dir, "v1", "v2", &["--fail-on-regression"]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    assert_eq!(json["outcome"], "no_regression", "{json:#}");
    assert_eq!(metric(&json, "p50")["verdict"], "unchanged", "{json:#}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(line.starts_with("NO REGRESSION: v2 vs v1"), "{line}");
    assert!(!stdout.contains("NOT A PASS"), "{stdout}");
    assert!(!read(&dir, "compare.md").contains("NOT A PASS"));
}

/// A wrk text summary (what `wrk --latency | tee` keeps) of `requests` in 10 s.
fn wrk_text(requests: u64) -> String {
    format!(
        "Running 10s test @ http://127.0.0.1:18455/api/v1/agents\n  \
         2 threads and 10 connections\n  \
         Thread Stats   Avg      Stdev     Max   +/- Stdev\n    \
         Latency    12.10ms    3.20ms  35.54ms   72.11%\n    \
         Req/Sec   400.41     30.02   450.00     69.00%\n  \
         Latency Distribution\n     \
         50%   12.20ms\n     75%   13.51ms\n     90%   16.00ms\n     99%   22.94ms\n  \
         {requests} requests in 10.00s, 816.56KB read\n\
         Requests/sec:    {}\nTransfer/sec:     81.57KB\n",
        requests as f64 / 10.0
    )
}

/// A team moved its load test from hey to wrk between releases: compare.json's
/// `stage_pairs` named only the stages (the change of tool was in the notes alone),
/// and compare.html had no "What was compared" at all. Now each pair names each
/// side's tool, in compare.json, compare.md and compare.html — the names escaped
/// (a stage dir named `<i>peak` shows as text).
#[test]
fn each_stage_pair_names_its_tools_and_the_html_says_what_was_compared() {
    let dir = TestDir::new();
    let lat = lognormal(2000, 0.0122, 0.5, 31);
    dir.write("1.0/<i>peak/hey.csv", hey_csv(&lat, 200.0));
    dir.write("1.1/<i>peak/wrk.txt", wrk_text(4000));
    let (code, stdout, stderr, json) = compare(&dir, "1.0", "1.1", &[]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let pairs = json["stage_pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{json:#}");
    assert_eq!(pairs[0]["baseline_tool"], "hey", "{json:#}");
    assert_eq!(pairs[0]["candidate_tool"], "wrk", "{json:#}");
    // Another tool is another measurement: nothing is shown, so no pass.
    assert_eq!(json["outcome"], "inconclusive", "{json:#}");
    let md = read(&dir, "compare.md");
    assert!(
        md.contains("(hey) of the baseline with stage ") && md.contains("(wrk) of 1.1"),
        "{md}"
    );
    let html = read(&dir, "compare.html");
    let at = html.find("<h2>What was compared</h2>").expect("section");
    let section = &html[at..html[at..].find("</ul>").map_or(html.len(), |e| at + e)];
    assert!(section.contains("<li>baseline: 1.0 ("), "{section}");
    assert!(section.contains("<li>candidate: 1.1 ("), "{section}");
    assert!(
        section.contains("stage &lt;i&gt;peak (hey) of the baseline"),
        "{section}"
    );
    assert!(section.contains("(wrk) of 1.1 (by name)"), "{section}");
    assert!(!html.contains("<i>peak"), "{section}");
}

/// Repeats (`--baseline b0..b3 --candidate c0..c3`, hey `-q` runs of 500 requests):
/// the candidate's p95 rose beyond the floor in the runs' medians while Mann–Whitney
/// could not show it, and only the fixed rates and 0/0 error rates were unchanged.
/// compare said NO REGRESSION; now INCONCLUSIVE with `outcome: inconclusive`.
#[test]
fn repeats_whose_tail_rose_unshown_are_not_no_regression() {
    let dir = TestDir::new();
    let mut args: Vec<String> = Vec::new();
    let mut p95 = (Vec::new(), Vec::new());
    for i in 0..4u64 {
        for (side, median, sigma, seed) in [
            ("b", 0.0122, 1.0, 100 + 7 * i),
            ("c", 0.0115, 1.15, 101 + 7 * i),
        ] {
            let lat = lognormal(500, median, sigma, seed);
            let v = nearest_rank(&lat, 95.0) * 1e3;
            if side == "b" {
                p95.0.push(v)
            } else {
                p95.1.push(v)
            }
            dir.write(&format!("{side}{i}/peak/hey.csv"), hey_csv(&lat, 100.0));
        }
    }
    let run = |s: &str| dir.path().join(s).display().to_string();
    args.push("--baseline".into());
    args.extend((0..4).map(|i| run(&format!("b{i}"))));
    args.push("--candidate".into());
    args.extend((0..4).map(|i| run(&format!("c{i}"))));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr, json) = compare_with(&dir, &refs);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    // The runs' p95 medians (mean of the middle two of four) rose beyond 5%.
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[1] + v[2]) / 2.0
    };
    let (b, c) = (median(&mut p95.0), median(&mut p95.1));
    assert!(c > 1.05 * b, "fixture: p95 medians {b} → {c}");
    let row = metric(&json, "p95");
    assert_eq!(row["verdict"], "inconclusive", "{row:#}");
    assert_eq!(json["outcome"], "inconclusive", "{json:#}");
    let line = json["verdict_line"].as_str().unwrap();
    assert!(
        line.starts_with("INCONCLUSIVE: ") && line.contains("p95 of hey +"),
        "{line}"
    );
    assert!(stdout.contains("NOT A PASS"), "{stdout}");
}
