//! JMeter's console output in non-GUI mode and its `jmeter.log`: the summariser's
//! lines (`summary +  150 in 00:00:15 = 10.0/s Avg: 50 Min: 1 Max: 90 Err: 3 (2.00%)
//! Active: 10 …` for each interval, `summary = …` for the run so far; JMeter ≤ 2.13
//! prints the elapsed time in seconds, `in   5.2s`) and the lines
//! that say the run ended (`Tidying up ...`, `... end of run` on the console;
//! `Notifying test listeners of end of test` in the log).
//!
//! The last `summary =` line is the whole run's count, errors, mean, min and max (the
//! summariser prints whole milliseconds, its mean truncated) over the elapsed time it
//! names; it has no percentiles. Alone in a dir it is read as a summary; beside a JTL
//! or a dashboard it is checked against them (`run_dir/jmeter_outputs.rs`). An output
//! without an end line is of a run that was interrupted, or is still running: its
//! figures stop at its last summary, and the run is marked incomplete. Several runs
//! appended to one capture (`>> console.log`) are cut at `Creating summariser <`, and
//! the first is read, the others named.

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use crate::ingest::appended::{first_run, runs, RunMarks};
use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::problem;
use crate::ingest::summary::{endpoint, read_file_text, static_regexes, ToolSummary};
use crate::ingest::Format;
use crate::model::{EndpointKey, FailureKind, LatencyDistribution, PercentileSummary, Problem};

/// The `jmeter-summariser` format: how it is recognised and read.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::JmeterSummariser,
    name: "jmeter-summariser",
    tool: "jmeter",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Summary(|p, _| read(p)),
    splittable: false,
    notes: &[],
    detected_by: "JMeter's non-GUI console or jmeter.log (summariser lines, JMeter's start lines)",
    example: "jmeter -n -t plan.jmx -l results.jtl > console.log (or its jmeter.log)",
};

/// True for JMeter's console output or log.
pub fn sniff(head: &str) -> bool {
    head.contains("Creating summariser <")
        || head.contains("Created the tree successfully using")
        || head.contains("o.a.j.JMeter:")
        || head.contains("jmeter.JMeter:")
        || head.lines().any(|l| line_re().is_match(l))
}

fn line_re() -> &'static regex::Regex {
    static RE: OnceLock<[regex::Regex; 1]> = OnceLock::new();
    &static_regexes(
        &RE,
        [
            r"(\S+) ([+=])\s+(\d+) in\s+(?:(?:(\d+)d )?(\d+):(\d\d):(\d\d)|(?P<secs>\d+(?:\.\d+)?)s) =\s+\S+/s Avg:\s+(?P<avg>-?\d+) Min:\s+(?P<min>-?\d+) Max:\s+(?P<max>-?\d+) Err:\s+(?P<err>\d+) \(",
        ],
    )[0]
}

/// What a JMeter console or log says of its run.
#[derive(Debug, Clone, Default)]
pub struct Summariser {
    /// The last whole-run line: (samples, errors, mean, min, max ms, elapsed s), and
    /// its line number.
    pub total: Option<(Totals, u64)>,
    /// True when the output says the run ended.
    pub ended: bool,
    /// Why the output is not of a run that ended, when it is not.
    pub note_left_out: Option<String>,
    /// Each run's last total (samples, errors) when the output holds several runs
    /// appended one after another (`>> console.log`), in order; empty otherwise.
    pub runs: Vec<(u64, u64)>,
}

/// A summariser line's figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals {
    /// Samples.
    pub samples: u64,
    /// Failed samples.
    pub errors: u64,
    /// Mean, min and max, ms.
    pub avg_min_max: [i64; 3],
    /// Elapsed time, s (whole seconds from 2.14 on, tenths before).
    pub elapsed_s: f64,
}

/// Reads what the output at `path` says of its (first) run.
pub fn scan(path: &Path) -> Result<Summariser, Problem> {
    let text = read_file_text(path)?;
    let marks = RunMarks {
        starts: |l| l.contains("Creating summariser <"),
        results: |l| line_re().is_match(l),
    };
    let (run, left_out) = first_run(path, &text, &marks);
    let (total, ended) = scan_run(run);
    let all = runs(&text, &marks);
    let runs = if all.len() > 1 {
        (all.iter())
            .map(|(text, _)| scan_run(text).0.map(|(t, _)| (t.samples, t.errors)))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(Summariser {
        total,
        ended,
        note_left_out: left_out,
        runs,
    })
}

/// The last whole-run total of one run's output and its line, and whether it ended.
fn scan_run(run: &str) -> (Option<(Totals, u64)>, bool) {
    let (mut total, mut ended) = (None, false);
    let re = line_re();
    let mut name: Option<String> = None;
    for (i, line) in run.lines().enumerate() {
        let l = line.trim_end();
        if l.contains("Tidying up ...")
            || l.contains("Tidying up remote")
            || l.trim_start().starts_with("... end of run")
            || l.contains("Notifying test listeners of end of test")
        {
            ended = true;
        }
        let Some(c) = re.captures(l) else { continue };
        // Several named summarisers: the first one's lines are read.
        let n = c[1].to_string();
        if name.get_or_insert_with(|| n.clone()) != &n {
            continue;
        }
        let num = |k: usize| {
            c.get(k)
                .map_or(0, |m| m.as_str().parse::<i64>().unwrap_or(0))
        };
        let named = |k: &str| {
            c.name(k)
                .map_or(0, |m| m.as_str().parse::<i64>().unwrap_or(0))
        };
        // JMeter ≤ 2.13 prints the elapsed time in seconds (`in   5.2s`, `in    14s`).
        let elapsed_s = match c.name("secs") {
            Some(s) => s.as_str().parse::<f64>().unwrap_or(0.0),
            None => (num(4) * 86_400 + num(5) * 3600 + num(6) * 60 + num(7)).max(0) as f64,
        };
        let totals = Totals {
            samples: num(3).max(0) as u64,
            errors: named("err").max(0) as u64,
            avg_min_max: [named("avg"), named("min"), named("max")],
            elapsed_s,
        };
        // The `=` line is the run so far; a run with one interval prints only `+`.
        if &c[2] == "=" || total.is_none() {
            total = Some((totals, i as u64 + 1));
        }
    }
    (total, ended)
}

/// Why the run of this output did not end, for the report.
pub fn not_ended(path: &Path) -> String {
    format!(
        "{}: JMeter's output has no `Tidying up ...` / `... end of run` line: the run was \
         interrupted (or is still running), so its results stop before the test's end",
        path.shown()
    )
}

fn read(path: &Path) -> Result<ToolSummary, Problem> {
    let s = scan(path)?;
    let Some((t, _)) = s.total else {
        return Err(problem(
            path,
            None,
            "JMeter's console or log without a summariser line (`summary = …`): no figures \
             in it; analyse the JTL it wrote (-l results.jtl)",
        ));
    };
    if t.errors > t.samples {
        return Err(problem(
            path,
            None,
            format!("{} errors but only {} samples", t.errors, t.samples),
        ));
    }
    let [avg, min, max] = t.avg_min_max.map(|v| (v >= 0).then_some(v as f64));
    let latency = LatencyDistribution::Summary(PercentileSummary {
        sd_ms: None,
        count: t.samples,
        mean_ms: avg,
        min_ms: min,
        max_ms: max,
        points: Vec::new(),
        merged: false,
        co_corrected: false,
    });
    let mut ep = endpoint(
        EndpointKey::new(None, crate::model::ALL_SAMPLERS),
        t.samples,
        latency,
    );
    ep.failures = t.errors;
    if t.errors > 0 {
        ep.add_failure(FailureKind::Other, None, t.errors);
    }
    let mut out = ToolSummary::new("jmeter");
    out.endpoints.push(ep);
    out.duration_s = (t.elapsed_s > 0.0).then_some(t.elapsed_s);
    out.notes.push(
        "JMeter's summariser totals (console or jmeter.log): all samplers together, mean, min \
         and max in whole ms, no percentiles; save a JTL (-l results.jtl) for per-request figures"
            .into(),
    );
    if !s.ended {
        out.stopped_early = Some(not_ended(path));
    }
    out.left_out_runs(s.note_left_out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summariser_lines() {
        let l = "summary =   5678 in 00:01:02 =   94.6/s Avg:    22 Min:     1 Max:   400 Err:     5 (0.09%)";
        let c = line_re().captures(l).unwrap();
        assert_eq!(&c[3], "5678");
        assert_eq!(&c["err"], "5");
        // JMeter 2.13: the elapsed time in seconds.
        let old = "summary =    288 in   5.2s =   55.7/s Avg:    26 Min:     7 Max:   124 Err:     0 (0.00%)";
        let c = line_re().captures(old).unwrap();
        assert_eq!((&c[3], &c["secs"], &c["max"]), ("288", "5.2", "124"));
        let log = "2026-12-04 20:00:30,000 INFO o.a.j.r.Summariser: summary +    150 in 00:00:15 =   10.0/s Avg:    50 Min:    50 Max:    50 Err:     0 (0.00%) Active: 10 Started: 10 Finished: 0";
        assert!(line_re().is_match(log));
        assert!(sniff(log));
    }
}
