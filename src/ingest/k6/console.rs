//! k6's console output (`k6 run script.js > k6.log`): the banner, the progress lines
//! and the end-of-test text summary. Read when it is all a run dir has of a k6 run
//! (beside `--out json`/`--out csv` or a summary JSON of the same run it is skipped as
//! another output of that run, `run_dir`).
//!
//! * Requests are `http_reqs` (`20433631 170279.152034/s`; gRPC-only tests:
//!   `grpc_reqs`); the failures are the first count of `http_req_failed`, which counts
//!   the failed requests as its "passes": `0.00% 0 out of 20433631` (k6 ≥ 0.50) or
//!   `0.00% ✓ 0 ✗ 20433631` (older). k6 does not say why they failed: kind `other`.
//! * Latency is the `http_req_duration` trend (`avg= min= med= max= p(90)= p(95)=`,
//!   whatever `--summary-trend-stats` chose), a tool summary in k6's display units
//!   (`ns`, `µs`, `ms`, `s`, `1m3s`, `1h2m3s`), rounded as k6 prints them; its
//!   `{ expected_response:true }` line is the successes' latency.
//! * The duration is the count ÷ the rate k6 prints to six decimals (k6's rate is the
//!   count over the test's run time), else the last `running (2m00.0s)` line; the
//!   users are `vus_max`'s max.
//! * k6 1.x prints its totals under `█ TOTAL RESULTS` and then per group and
//!   scenario: only the totals are read. Colours are stripped.
//! * A capture with no `http_reqs` line was cut before the summary: refused. Several
//!   runs appended to one capture: the first is read and a note names the others.

use crate::model::untrusted::Shown;
use std::path::Path;

use super::super::appended::{first_run, RunMarks};
use super::super::summary::{cut_short, endpoint, read_file_text, ToolSummary};
use super::super::text::without_ansi;
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::{problem, Format};
use crate::model::{
    EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem, ScriptChecks,
    ToolCheck,
};

/// Where a k6 run begins (its banner's `execution:` line) and shows results.
const RUNS: RunMarks = RunMarks {
    starts: |l| l.starts_with("execution:"),
    results: |l| metric_line(l).is_some_and(|(name, _)| name == "http_reqs"),
};

/// The `k6-console` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::K6Console,
    name: "k6-console",
    tool: "k6",
    sniff: Sniff::Content(|h| looks_like_k6_console(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[
        "k6's console text summary is k6's own rounded whole-run figures; beside \
         --out json/csv or a summary JSON of the same run it is skipped as another output \
         of that run",
    ],
    detected_by: "k6's banner (`execution:`, `scenarios:`) or its `http_req_duration....:` lines",
    example: "k6 run script.js > k6.log 2>&1",
};

/// True when a head is k6's console output (banner, progress, text summary).
pub fn looks_like_k6_console(head: &str) -> bool {
    let banner = head.contains("execution:") && head.contains("scenarios:");
    let summary = head.contains("http_req_duration..") || head.contains("http_reqs......");
    banner || summary
}

/// A summary line `name......: values` (a sub-metric's name is `{ tag:value }`; a
/// threshold mark `✓`/`✗` before the name is dropped): its name and values.
fn metric_line(line: &str) -> Option<(&str, &str)> {
    let t = line.trim_start();
    let t = t
        .strip_prefix('✓')
        .or_else(|| t.strip_prefix('✗'))
        .map_or(t, str::trim_start);
    let (left, values) = t.split_once("...")?;
    let values = values.trim_start_matches('.').strip_prefix(':')?;
    let name = left.trim_end_matches('.');
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let named = !name.is_empty() && name.chars().all(plain);
    let sub = name.starts_with('{') && name.ends_with('}');
    (named || sub).then(|| (name, values.trim()))
}

/// A k6 duration as printed (`671.02µs`, `1.19ms`, `0s`, `1m3s`, `2h1m0s`, `123ns`),
/// in ms. Go prints every duration this way (vegeta's report too).
pub(crate) fn duration_ms(text: &str) -> Option<f64> {
    let mut rest = text;
    let mut total = 0.0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|&i| i > 0)?;
        let value: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        // value × mul ÷ div ms: dividing keeps `108.91µs` at 0.10891 ms exactly.
        let (unit, mul, div) = [
            ("ns", 1.0, 1e6),
            ("µs", 1.0, 1e3),
            ("us", 1.0, 1e3),
            ("ms", 1.0, 1.0),
            ("s", 1e3, 1.0),
            ("m", 60e3, 1.0),
            ("h", 3600e3, 1.0),
        ]
        .into_iter()
        .find(|(u, _, _)| rest.starts_with(u))?;
        rest = &rest[unit.len()..];
        total += value * mul / div;
    }
    (!text.is_empty() && total.is_finite()).then_some(total)
}

/// A trend's `stat=value` pairs as a percentile summary over `count` samples (`med`
/// is p50, `p(N)` pN); `None` when a value is not a duration.
fn trend(values: &str, count: u64) -> Option<PercentileSummary> {
    let mut s = PercentileSummary {
        count,
        ..Default::default()
    };
    for pair in values.split_whitespace() {
        let (stat, value) = pair.split_once('=')?;
        if stat == "count" {
            continue;
        }
        let ms = duration_ms(value)?;
        match stat {
            "avg" => s.mean_ms = Some(ms),
            "min" => s.min_ms = Some(ms),
            "max" => s.max_ms = Some(ms),
            "med" => s.points.push((50.0, ms)),
            p => {
                let p: f64 = p.strip_prefix("p(")?.strip_suffix(')')?.parse().ok()?;
                if p > 0.0 && p <= 100.0 {
                    s.points.push((p, ms));
                }
            }
        }
    }
    s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    s.points.dedup_by(|a, b| a.0 == b.0);
    Some(s)
}

/// What the summary's totals hold, as text, each with its line.
#[derive(Default)]
struct Totals<'t> {
    reqs: Option<(u64, &'t str, &'t str)>,
    failed: Option<(u64, &'t str)>,
    duration: Option<(u64, &'t str)>,
    ok_duration: Option<(u64, &'t str)>,
    vus_max: Option<&'t str>,
    /// The last `running (…)` line's time.
    running: Option<&'t str>,
    /// A scenario's progress bar left short of 100 % (`default ✗ [  45% ]`).
    interrupted: bool,
}

/// Finds the totals' lines in `text` (colours stripped): the first of each metric
/// before any group's or scenario's section.
fn totals(text: &str) -> Totals<'_> {
    let mut t = Totals::default();
    let mut in_totals = true;
    let mut last: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let no = i as u64 + 1;
        let l = line.trim();
        if let Some(title) = l.strip_prefix('█') {
            let title = title.trim();
            in_totals = title == "TOTAL RESULTS" || title == "THRESHOLDS";
            continue;
        }
        if let Some(rest) = l.strip_prefix("running (") {
            t.running = rest.split_once(')').map(|(time, _)| time);
            continue;
        }
        if l.contains(" ✗ [") && l.contains("%") && !l.contains("100%") {
            t.interrupted = true;
        }
        let Some((name, values)) = metric_line(line).filter(|_| in_totals) else {
            continue;
        };
        match name {
            "http_reqs" | "grpc_reqs" if t.reqs.is_none() => t.reqs = Some((no, name, values)),
            "http_req_failed" if t.failed.is_none() => t.failed = Some((no, values)),
            "http_req_duration" | "grpc_req_duration" if t.duration.is_none() => {
                t.duration = Some((no, values));
            }
            "{ expected_response:true }"
                if t.ok_duration.is_none()
                    && matches!(last, Some("http_req_duration" | "grpc_req_duration")) =>
            {
                t.ok_duration = Some((no, values));
            }
            "vus_max" if t.vus_max.is_none() => t.vus_max = Some(values),
            _ => {}
        }
        if !name.starts_with('{') {
            last = Some(name);
        }
    }
    t
}

/// The failed requests of `http_req_failed`'s values (`0.00% 3 out of 120`, or the
/// older `0.00% ✓ 3 ✗ 117`) and the samples it counted.
fn failed_of(values: &str) -> Option<(u64, u64)> {
    let words: Vec<&str> = values.split_whitespace().collect();
    match words[..] {
        [_, passes, "out", "of", total] => Some((passes.parse().ok()?, total.parse().ok()?)),
        [_, "✓", passes, "✗", fails] => {
            let passes: u64 = passes.parse().ok()?;
            Some((passes, passes.checked_add(fails.parse().ok()?)?))
        }
        _ => None,
    }
}

/// k6's thresholds as the console marks them: in 1.x's `█ THRESHOLDS` section a
/// `✓ 'p(95)<500' p(95)=1.19ms` line under its metric's name; before 1.x a mark before
/// a metric's summary line (`✗ http_req_failed...: …`), which names no expression.
fn thresholds(text: &str, path: &Path) -> Vec<ToolCheck> {
    let mut checks = Vec::new();
    let (mut in_thresholds, mut metric, mut last) = (false, "", "");
    for line in text.lines() {
        let l = line.trim();
        let summary_line = metric_line(line);
        if let Some((name, _)) = summary_line.filter(|(n, _)| !n.starts_with('{')) {
            last = name;
        }
        if let Some(title) = l.strip_prefix('█') {
            in_thresholds = title.trim() == "THRESHOLDS";
            continue;
        }
        let (passed, rest) = match (l.strip_prefix('✓'), l.strip_prefix('✗')) {
            (Some(rest), _) => (true, rest.trim_start()),
            (_, Some(rest)) => (false, rest.trim_start()),
            _ => {
                if in_thresholds && !l.is_empty() {
                    metric = l;
                }
                continue;
            }
        };
        let name = if in_thresholds {
            match rest.strip_prefix('\'').and_then(|r| r.split_once('\'')) {
                Some((expr, _)) => format!("{metric}: {expr}"),
                None => continue,
            }
        } else {
            // A sub-metric's line (`{ status:200 }`) follows its metric's.
            match summary_line {
                Some((name, _)) if name.starts_with('{') => format!("{last}{name}"),
                Some((name, _)) => name.to_string(),
                None => continue,
            }
        };
        checks.push(ToolCheck {
            tool: "k6".into(),
            name,
            passed,
            file: path.shown().to_string(),
        });
    }
    checks
}

/// The script's checks as the console counts them: 0.x's `checks…: 95.00% ✓ 950 ✗ 50`,
/// 1.x's `checks_succeeded…: 95.00% 950 out of 1000` (and `checks_failed…`); by name
/// from each failed check's `↳  95% — ✓ 950 / ✗ 50` line when their fails add up to
/// those counts, else the counts unnamed.
fn script_checks(text: &str) -> ScriptChecks {
    let num = |w: Option<&str>| w.and_then(|w| w.parse::<u64>().ok());
    let after = |s: &str, mark: char| num(s.split(mark).nth(1)?.split_whitespace().next());
    let (mut totals, mut named) = (None, ScriptChecks::default());
    let mut failing: Option<&str> = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix('↳') {
            if let (Some(name), Some(p), Some(f)) =
                (failing.take(), after(rest, '✓'), after(rest, '✗'))
            {
                named.add(name, p, f);
            }
            continue;
        }
        failing = l
            .strip_prefix('✗')
            .map(str::trim)
            .filter(|_| metric_line(line).is_none());
        let Some((metric, values)) = metric_line(line) else {
            continue;
        };
        let out_of = || {
            let mut w = values.split_whitespace().skip(1);
            let n = num(w.next())?;
            (w.next() == Some("out") && w.next() == Some("of")).then_some(())?;
            Some((n, num(w.next())?))
        };
        totals = match metric {
            "checks" => after(values, '✓').zip(after(values, '✗')).or(totals),
            "checks_failed" => out_of().map(|(f, all)| (all.saturating_sub(f), f)),
            "checks_succeeded" if totals.is_none() => {
                out_of().map(|(p, all)| (p, all.saturating_sub(p)))
            }
            _ => totals,
        };
    }
    let Some((p, f)) = totals else {
        return named;
    };
    let (np, nf) = named.totals();
    if nf == f && np <= p {
        // The checks that passed throughout print no counts.
        named.add("", p - np, 0);
        return named;
    }
    let mut all = ScriptChecks::default();
    all.add("", p, f);
    all
}

/// Reads a k6 console capture.
fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let whole = without_ansi(&read_file_text(path)?);
    let (text, appended) = first_run(path, &whole, &RUNS);
    let t = totals(text);
    let Some((reqs_line, reqs_name, reqs)) = t.reqs else {
        return Err(cut_short(
            path,
            text,
            "no `http_reqs` line: k6 was still running, ran with --no-summary, or the output \
             was cut before its end-of-test summary",
        ));
    };
    let bad = |line: u64, what: &str| problem(path, Some(line), what.to_string());
    let mut words = reqs.split_whitespace();
    let requests: u64 = (words.next().and_then(|w| w.parse().ok()))
        .ok_or_else(|| bad(reqs_line, "`http_reqs` has no request count"))?;
    let rate: Option<f64> = words
        .next()
        .and_then(|w| w.strip_suffix("/s")?.parse().ok())
        .filter(|r: &f64| *r > 0.0 && r.is_finite());
    let mut s = ToolSummary::new("k6");
    s.left_out_runs(appended);
    s.tool_checks = thresholds(text, path);
    s.script_checks = script_checks(text);
    s.notes.push(
        "k6's console text summary: k6's own whole-run figures (ramps included), rounded \
         as k6 prints them; --out json=results.json keeps every request"
            .into(),
    );
    s.duration_s = rate.map(|r| requests as f64 / r).or_else(|| {
        let ms = duration_ms(t.running?)?;
        (ms > 0.0).then_some(ms / 1000.0)
    });
    s.users = (t.vus_max)
        .and_then(|v| v.split_whitespace().find_map(|w| w.strip_prefix("max=")))
        .and_then(|m| m.parse().ok());
    let (failures, samples) = match t.failed {
        Some((line, values)) => failed_of(values)
            .ok_or_else(|| bad(line, "`http_req_failed` is not `R% N out of M`"))?,
        None => {
            s.notes.push(format!(
                "no `http_req_failed` line (k6 < 0.31, or not HTTP): failures unknown, \
                 counted as 0 of {requests}"
            ));
            (0, requests)
        }
    };
    if failures > requests {
        return Err(bad(
            t.failed.map_or(reqs_line, |f| f.0),
            &format!("`http_req_failed` counts {failures} failures of {requests} requests"),
        ));
    }
    if samples != requests {
        s.notes.push(format!(
            "`http_req_failed` counted {samples} requests and `{reqs_name}` {requests}: the \
             requests are `{reqs_name}`'s"
        ));
    }
    if t.interrupted {
        s.notes.push(
            "a scenario's progress bar stopped short of 100 %: k6 was stopped early, and \
             these figures are of what ran"
                .into(),
        );
    }
    let latency = match t.duration {
        Some((line, values)) => trend(values, requests)
            .ok_or_else(|| bad(line, "a `http_req_duration` figure is not a k6 duration"))?,
        None => PercentileSummary::default(),
    };
    let name = if reqs_name == "grpc_reqs" {
        "all gRPC requests"
    } else {
        "all HTTP requests"
    };
    let mut ep = endpoint(
        EndpointKey::new(None, name),
        requests,
        LatencyDistribution::Summary(latency),
    );
    ep.ok_latency = t
        .ok_duration
        .and_then(|(_, v)| trend(v, requests - failures))
        .map(LatencyDistribution::Summary);
    if failures > 0 {
        ep.failures = failures;
        ep.add_failure(FailureKind::Other, None, failures);
        s.notes
            .push("k6's summary does not say why requests failed: their kind is `other`".into());
    }
    s.endpoints.push(ep);
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_k6_prints_them() {
        for (text, ms) in [
            ("0s", 0.0),
            ("123ns", 0.000123),
            ("671.02µs", 0.67102),
            ("108.91µs", 0.10891),
            ("671.02us", 0.67102),
            ("1.19ms", 1.19),
            ("1.5s", 1500.0),
            ("1m3s", 63_000.0),
            ("2h1m0s", 7_260_000.0),
        ] {
            let got = duration_ms(text).unwrap();
            assert!((got - ms).abs() <= ms * 1e-15, "{text}: {got}");
        }
        for bad in ["", "ms", "1.2", "1x", "1,2ms", "-1ms"] {
            assert_eq!(duration_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn metric_lines_and_their_names() {
        assert_eq!(
            metric_line("     http_reqs......................: 120 4.0/s"),
            Some(("http_reqs", "120 4.0/s"))
        );
        assert_eq!(
            metric_line("       { expected_response:true }...: avg=1ms"),
            Some(("{ expected_response:true }", "avg=1ms"))
        );
        assert_eq!(
            metric_line("   ✗ http_req_failed................: 10.00% ✓ 12 ✗ 108"),
            Some(("http_req_failed", "10.00% ✓ 12 ✗ 108"))
        );
        assert_eq!(metric_line("running (0m30.0s), 00/10 VUs"), None);
        assert_eq!(metric_line("loading... please: wait"), None);
    }

    #[test]
    fn failures_in_both_layouts() {
        assert_eq!(failed_of("2.50% 3 out of 120"), Some((3, 120)));
        assert_eq!(failed_of("2.50%  ✓ 3  ✗ 117"), Some((3, 120)));
        assert_eq!(failed_of("2.50% three"), None);
    }

    #[test]
    fn colours_are_stripped() {
        assert_eq!(without_ansi("\u{1b}[36mavg=1ms\u{1b}[0m x"), "avg=1ms x");
    }

    #[test]
    fn script_checks_in_both_layouts() {
        let failed = |c: ScriptChecks| {
            (
                c.totals(),
                c.failed()
                    .iter()
                    .map(|(n, f)| (n.to_string(), *f))
                    .collect::<Vec<_>>(),
            )
        };
        let v1 = "  █ TOTAL RESULTS \n\n    checks_total.......: 14     0.311108/s\n    \
                  checks_succeeded...: 57.14% 4 out of 7\n    checks_failed......: 42.85% 3 out of 7\n\n    \
                  ✗ status was 200\n      ↳  57% — ✓ 4 / ✗ 3\n";
        assert_eq!(
            failed(script_checks(v1)),
            ((4, 3), vec![("status was 200".into(), 3)])
        );
        let v0 = "     ✓ body ok\n     ✗ status is 200\n      ↳  95% — ✓ 950 / ✗ 50\n\n     \
                  checks.........................: 97.50% ✓ 1950      ✗ 50\n";
        // `body ok` passed throughout (1,000 times: no counts printed).
        assert_eq!(
            failed(script_checks(v0)),
            ((1950, 50), vec![("status is 200".into(), 50)])
        );
        // Counts that do not add up are kept unnamed.
        let odd = v0.replace("1950      ✗ 50", "1950      ✗ 60");
        assert_eq!(failed(script_checks(&odd)), ((1950, 60), vec![]));
        assert_eq!(script_checks("http_reqs...: 10 1/s\n").totals(), (0, 0));
    }

    #[test]
    fn thresholds_in_both_layouts() {
        let path = Path::new("console.txt");
        let got = |text: &str| -> Vec<(String, bool)> {
            (thresholds(text, path).into_iter())
                .map(|c| (c.name, c.passed))
                .collect()
        };
        // k6 1.x: a THRESHOLDS section, checks (not thresholds) under TOTAL RESULTS.
        let v1 = "  █ THRESHOLDS \n\n    http_req_duration\n    ✓ 'p(95)<500' p(95)=17.28ms\n    \
                  ✗ 'p(99)<20' p(99)=31.2ms\n\n    http_req_failed{status:500}\n    \
                  ✓ 'rate<0.01' rate=0.00%\n\n\n  █ TOTAL RESULTS \n\n    \
                  checks_total.......: 14     0.311108/s\n\n    ✗ status was 200\n      \
                  ↳  57% — ✓ 4 / ✗ 3\n";
        let want = [
            ("http_req_duration: p(95)<500", true),
            ("http_req_duration: p(99)<20", false),
            ("http_req_failed{status:500}: rate<0.01", true),
        ];
        assert_eq!(got(v1), want.map(|(n, p)| (n.to_string(), p)));
        // Before 1.x: a mark before the metric's line (a sub-metric's after its
        // metric's); a check's mark (`✓ status is 200`) is no threshold.
        let v0 = "     ✓ status is 200\n\n     ✓ checks.........................: 100.00% ✓ 250 ✗ 0\n     \
                  data_received..................: 1.2 MB 40 kB/s\n   \
                  ✗ http_req_duration..............: avg=12ms min=4ms med=10ms max=40ms\n       \
                  ✓ { status:200 }...............: avg=12ms min=4ms med=10ms max=40ms\n";
        let want = [
            ("checks", true),
            ("http_req_duration", false),
            ("http_req_duration{ status:200 }", true),
        ];
        assert_eq!(got(v0), want.map(|(n, p)| (n.to_string(), p)));
    }
}
