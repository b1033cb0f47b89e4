//! Locust's whole-run outputs beside its CSVs: the console's final table, the `--json`
//! stats and the HTML report count the whole run as Locust ends, and the CSVs are the
//! measurement read. Each is checked against the CSVs on its counts, then skipped:
//! as the same run when the counts agree; as the same run too when the CSVs miss only
//! the run's last moments — Locust rewrites its CSVs every second and not as it stops,
//! so a normal end leaves up to a second of requests out of them — and those missed
//! requests leave the error rate within its 95 % interval in the CSVs (the whole
//! run's and the last stage's); as the same run too when the console's last table was
//! printed while the run went on (no final table: `--json-file`), Locust logged its
//! shutdown, and the table counts no more than the CSVs; otherwise as other data (the CSVs stop well before the end,
//! or the file is another run's), which makes the figures incomplete. The console also says whether the run was stopped before its
//! `--run-time`, which makes the run incomplete. A console without Locust's `Shutting
//! down` line beside a report Locust writes as it ends (`--html`, `--json-file`) that
//! agrees with the CSVs is a capture cut while Locust ran on (a `| tee` stopped by
//! Ctrl-C): Locust did shut down, and the console's last table counting no more than
//! the CSVs is the same run. A console or log (`--logfile`) not found another run's
//! gives its `Shutting down (exit code N)`: a non-zero code is Locust's own check of
//! the run failed (a `ToolCheck`), which `check` never passes. Without CSVs, an HTML
//! report and a `--json-file` output that count the same requests are one run's two
//! forms: the output is read, the report skipped (`pair_reports`).

use crate::model::untrusted::Shown;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{formats, skip_unread, Format, IngestOptions, StagePlan};
use crate::model::{proportion, Run, SkipKind, Skipped, Stage, ToolCheck};

/// How long before the run's end Locust's last CSV write may come: its write interval
/// (1 s) with as much again for the users' stop and the write itself.
const LAST_WRITE_S: f64 = 2.0;

/// What the Locust CSVs read hold.
pub(super) struct LocustCsvs {
    requests: u64,
    failures: u64,
    /// Their requests per second at the run's end (the last seconds of their series),
    /// else over their window, when they have one; and which of the two, for the note.
    rate: Option<(f64, String)>,
    /// The requests and failures of their last stage (the one the run's last moments
    /// belong to), when a stage has a window.
    last_stage: Option<(u64, u64)>,
    /// What written as Locust ended (its HTML report, its `--json` output) was found
    /// the same run as the CSVs: Locust shut down ([`pair_summaries`] sets it).
    ended_with: Cell<Option<&'static str>>,
}

/// A whole-run count checked against the CSVs: `requests` and `failures` of them, and
/// whether it was counted as the run ended (`false`: a console table printed while the
/// run went on) and whether Locust logged its shutdown (a run killed outright may have
/// lost the end of its stats history, unflushed: its last table says nothing then).
pub(super) struct Count {
    requests: u64,
    failures: u64,
    at_end: bool,
    shut_down: bool,
}

impl LocustCsvs {
    /// The figures of the CSVs' whole-run stage and of their stages; `since_reset`:
    /// what their stats file counts when Locust reset its stats (`--reset-stats`), as
    /// its whole-run outputs do, which the whole run read from the history is not.
    pub(super) fn of(
        overall: &Stage,
        stages: &[Stage],
        since_reset: Option<(u64, u64)>,
    ) -> LocustCsvs {
        let (requests, failures) =
            since_reset.unwrap_or_else(|| (overall.requests(), overall.failures()));
        let last_stage = stages
            .iter()
            .filter(|s| s.window_ms.is_some())
            .max_by_key(|s| s.window_ms.map(|w| w.1))
            .map(|s| (s.requests(), s.failures()));
        let average = overall
            .duration_s()
            .map(|s| overall.requests() as f64 / s)
            .filter(|r| r.is_finite() && *r > 0.0)
            .map(|r| (r, format!("its {r:.1} req/s")));
        LocustCsvs {
            requests,
            failures,
            rate: end_rate(&overall.timeline).or(average),
            last_stage,
            ended_with: Cell::new(None),
        }
    }

    /// Whether `gap` more requests, `gap_failed` of them failed, leave every error rate
    /// the report judges where it stands: the rate with them added lies within the 95 %
    /// Wilson interval of the CSVs' own (the whole run's, and the last stage's, to which
    /// the run's last moments belong), so an error-rate rule the CSVs pass with that
    /// interval clear of its limit holds with them too, and one within it is not proven
    /// either way. Fewer failures than the CSVs' rate always leave it.
    fn missed_fail_alike(&self, gap: u64, gap_failed: u64) -> bool {
        let alike = |n: u64, f: u64| {
            let fewer = u128::from(gap_failed) * u128::from(n) <= u128::from(f) * u128::from(gap);
            let with = (f + gap_failed) as f64 / (n + gap) as f64;
            fewer || wilson_high(f, n).is_some_and(|high| with <= high)
        };
        alike(self.requests, self.failures) && self.last_stage.is_none_or(|(n, f)| alike(n, f))
    }

    /// Whether a console table counts no more requests and failures than the CSVs.
    fn holds(&self, t: &crate::ingest::locust::console::TableCounts) -> bool {
        t.requests <= self.requests && t.failures <= self.failures
    }

    /// Whether a whole-run count is another run's: fewer requests or failures than the
    /// CSVs (Locust's counts only grow), unless it is a table printed while the run went
    /// on ([`Self::against`]). More than the CSVs is this run's, whose CSVs stop before
    /// its end (Ctrl-C or a kill before Locust's next write, or their last second).
    fn another_run(&self, count: &Count) -> bool {
        let (n, f) = (self.requests, self.failures);
        let printed_before_end =
            !count.at_end && count.shut_down && count.requests < n && count.failures <= f;
        count.requests != n && !printed_before_end && (count.requests < n || count.failures < f)
    }

    /// How a whole-run count of `what` stands against the CSVs: the skip's kind and why.
    fn against(&self, what: &str, count: Count) -> (SkipKind, String) {
        let Count {
            requests,
            failures,
            at_end,
            shut_down,
        } = count;
        let (n, f) = (self.requests, self.failures);
        if requests == n {
            return (
                SkipKind::SameData,
                format!("{what} counts {n} requests, as the Locust CSVs beside it do (checked)"),
            );
        }
        // A table printed while the run went on counts the requests up to then: no
        // more than the CSVs, written later, hold — once Locust logged its shutdown.
        if !at_end && shut_down && requests < n && failures <= f {
            return (
                SkipKind::SameData,
                format!(
                    "{what} counts {requests} requests ({failures} failed), the Locust CSVs \
                     beside it {n} ({f} failed): its last table was printed while the run \
                     went on (Locust prints no final table when run with --json-file), \
                     and counts no more than the CSVs, written later"
                ),
            );
        }
        // Locust's counts only grow: fewer requests or failures are another run's.
        if requests < n || failures < f {
            return (
                SkipKind::OtherData,
                format!(
                    "{what} counts {requests} requests ({failures} failed) where the Locust \
                     CSVs beside it count {n} ({f} failed): not the same requests (another \
                     run's, or cut before Locust's end); analyse this file in a dir of its own \
                     to see its figures"
                ),
            );
        }
        let (gap, gap_failed) = (requests - n, failures - f);
        let secs = self.rate.as_ref().map(|(r, _)| gap as f64 / r);
        // A few requests at a high rate take milliseconds: never "≈ 0.0 s".
        let span = |s: f64| match s {
            s if s < 0.1 => format!("{:.0} ms", s * 1000.0),
            s => format!("{s:.1} s"),
        };
        match secs {
            Some(s) if s <= LAST_WRITE_S && self.missed_fail_alike(gap, gap_failed) => (
                SkipKind::SameData,
                format!(
                    "{what} counts {requests} requests ({failures} failed), the Locust CSVs \
                     beside it {n} ({f} failed): the CSVs miss the run's last {gap} requests, \
                     ≈ {s} at {rate} (Locust rewrites its CSVs every second, not as \
                     it stops), {gap_failed} of them failed, which leaves the error rate \
                     within its 95 % interval in the CSVs",
                    rate = self.rate.as_ref().map_or("", |(_, said)| said),
                    s = span(s),
                ),
            ),
            Some(s) if s <= LAST_WRITE_S => (
                SkipKind::OtherData,
                format!(
                    "{what} counts {requests} requests ({failures} failed), the Locust CSVs \
                     beside it {n} ({f} failed): the CSVs miss the run's last {gap} requests, \
                     ≈ {s} (Locust rewrites its CSVs every second, not as it stops), and \
                     {gap_failed} of them failed, so many more often than in the CSVs that \
                     the error rate with them lies outside its 95 % interval there: the \
                     report's figures miss them",
                    s = span(s),
                ),
            ),
            _ => (
                SkipKind::OtherData,
                format!(
                    "{what} counts {requests} requests ({failures} failed), the Locust CSVs \
                     beside it {n} ({f} failed): the CSVs stop {} before the run ended (a \
                     Ctrl-C or a kill comes before Locust's next write), so the report's \
                     figures miss {gap} requests, {gap_failed} of them failed",
                    secs.map_or_else(|| "at their last write".into(), |s| format!("≈ {s:.1} s"))
                ),
            ),
        }
    }
}

/// Seconds of a series' end [`end_rate`] measures the rate over.
const END_S: i64 = 3;

/// The requests per second of the last [`END_S`] seconds of `series` (Locust's stats
/// history, one row a second or more), its first interval left out (the run's start):
/// what the requests the CSVs miss at the end came at, which a run's average is not
/// when its load changed (a ramp, a shape's steps). `None` when the series holds no
/// such interval or none with requests.
fn end_rate(series: &crate::model::TimeSeries) -> Option<(f64, String)> {
    let width = series.width_ms.max(1);
    let n = (END_S * 1000 / width).max(1) as usize;
    // The series ends at the last row's interval, which holds no requests yet.
    let filled = series.intervals.iter().rposition(|iv| iv.requests > 0)?;
    let tail = series.intervals.get(1..=filled)?;
    let tail = &tail[tail.len().saturating_sub(n)..];
    let requests: u64 = tail.iter().map(|iv| iv.requests).sum();
    let secs = (tail.len() as i64 * width) as f64 / 1000.0;
    (requests > 0 && secs > 0.0).then(|| {
        let r = requests as f64 / secs;
        (r, format!("the {r:.1} req/s of the CSVs' last {secs:.0} s"))
    })
}

/// The high end of the 95 % Wilson score interval of `k` failures in `n` requests (the
/// interval the SLA's error-rate rules are proven with); `None` without requests.
fn wilson_high(k: u64, n: u64) -> Option<f64> {
    proportion::wilson_interval(k, n, proportion::Z_95).map(|[_, high]| high)
}

/// Locust's `--json` output and HTML report beside the Locust CSVs that were read,
/// each checked against them ([`LocustCsvs::against`]) and skipped.
pub(super) fn pair_summaries(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    csvs: &LocustCsvs,
    plan: &StagePlan,
    opts: &IngestOptions,
    run: &mut Run,
) {
    for (format, what) in [
        (Format::LocustJson, "Locust --json output"),
        (Format::LocustHtml, "Locust's HTML report"),
    ] {
        let spec = formats::spec(format);
        for file in by_format.remove(&format).unwrap_or_default() {
            let (kind, why) = match spec.reader.summary_source(&file, plan, opts) {
                Some(Ok(src)) => {
                    let (n, f) = (src.overall.requests(), src.overall.failures());
                    let count = Count {
                        requests: n,
                        failures: f,
                        at_end: true,
                        shut_down: true,
                    };
                    csvs.against(what, count)
                }
                Some(Err(p)) => {
                    let why = format!(
                        "{what} that cannot be checked against the Locust CSVs beside it: {}; \
                         the CSVs are read",
                        p.reason
                    );
                    skip_unread(run, &file, &why);
                    continue;
                }
                None => continue,
            };
            if kind == SkipKind::SameData {
                csvs.ended_with.set(Some(what));
            }
            run.skipped
                .push(Skipped::new(file, why + "; the CSVs are read", kind));
        }
    }
}

/// Without Locust CSVs, Locust's HTML reports beside its `--json-file` outputs: one run
/// run with both writes both as it ends, counting the same requests, so a report whose
/// requests and failures (both) a `--json-file` output counts too is that run's other
/// form, skipped (each output pairs with one report); one of other counts stays read.
pub(super) fn pair_reports(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    plan: &StagePlan,
    opts: &IngestOptions,
    run: &mut Run,
) {
    let counts = |format: Format, file: &PathBuf| match formats::spec(format)
        .reader
        .summary_source(file, plan, opts)
    {
        Some(Ok(src)) => Some((src.overall.requests(), src.overall.failures())),
        _ => None,
    };
    let mut outputs: Vec<(PathBuf, (u64, u64))> = (by_format.get(&Format::LocustJson))
        .into_iter()
        .flatten()
        .filter_map(|f| Some((f.clone(), counts(Format::LocustJson, f)?)))
        .collect();
    let Some(reports) = by_format.get_mut(&Format::LocustHtml) else {
        return;
    };
    reports.retain(|report| {
        let Some(n) = counts(Format::LocustHtml, report).filter(|n| n.0 > 0) else {
            return true;
        };
        let Some(at) = outputs.iter().position(|(_, m)| *m == n) else {
            return true;
        };
        let (json, _) = outputs.remove(at);
        run.inputs.retain(|i| &i.path != report);
        run.skipped.push(Skipped::new(
            report.clone(),
            format!(
                "Locust's HTML report of the run of {} (both count {} requests, {} failed, \
                 checked): Locust writes both as it ends, so the --json-file output is read \
                 and this report would count every request twice",
                json.shown(),
                n.0,
                n.1
            ),
            SkipKind::SameData,
        ));
        false
    });
}

/// Locust's console output beside the Locust CSVs that were read (`None` when no CSV
/// set was): its final table checked against them ([`LocustCsvs::against`]) and
/// skipped. Without CSVs it is not read.
pub(super) fn pair_console(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    csvs: Option<&LocustCsvs>,
    opts: &IngestOptions,
    run: &mut Run,
) {
    for file in by_format.remove(&Format::LocustConsole).unwrap_or_default() {
        let exit = crate::ingest::locust::console::exit_code(&file)
            .ok()
            .flatten();
        // Locust's own verdict on the run, unless the output is found another run's: a
        // console counting more than CSVs cut short (Ctrl-C or a kill before Locust's
        // next write) is this run's, whose figures miss its end, and its code stands.
        let other = pair_one(file.clone(), csvs, opts, run);
        if let (Some((code, line, error)), false) = (exit, other) {
            if code != 0 {
                let after = error.map_or(String::new(), |e| format!(", after logging `{e}`"));
                run.tool_checks.push(ToolCheck {
                    tool: "locust".into(),
                    // The check's name says what failed (read as "its own checks: 1 of
                    // 1 failed (…)"): the code it ended with, against the 0 of a pass.
                    name: format!(
                        "it shut down with exit code {code}, not 0 (line {line}{after}): \
                         --exit-code-on-error and a failed request, or the locustfile's own \
                         check"
                    ),
                    passed: false,
                    file: file.shown().to_string(),
                });
            }
        }
    }
}

/// One Locust console output checked against the CSVs (`pair_console`) and skipped;
/// true when it was found another run's (or could not be checked against them).
fn pair_one(file: PathBuf, csvs: Option<&LocustCsvs>, opts: &IngestOptions, run: &mut Run) -> bool {
    let Some(csvs) = csvs else {
        skip_unread(
            run,
            &file,
            "Locust's console output: read only beside the Locust CSVs of the same run, \
                 to check they hold the whole run (run Locust with --csv to analyse it)",
        );
        return false;
    };
    if opts.include.is_some() || opts.exclude.is_some() {
        // The final table's Aggregated row counts every endpoint; the CSVs' figures
        // only those the filters keep.
        skip_unread(
            run,
            &file,
            "Locust's console output: not checked against the CSVs, since \
                 --include/--exclude leave endpoints out of their figures and its final \
                 table counts them all",
        );
        return false;
    }
    // A run stopped before its --run-time holds less than it was started for.
    let ended_with = csvs.ended_with.get();
    let console = crate::ingest::locust::console::stopped_early(&file, ended_with.is_some());
    if let Ok(Some(why)) = console {
        if run.meta.complete != Some(false) {
            run.meta.complete = Some(false);
            run.meta.incomplete_reason = Some(why);
        }
    }
    let mut other = false;
    let (kind, why) = match crate::ingest::locust::console::final_counts(&file) {
        Ok(Some(t)) if !t.shut_down && ended_with.is_some() && csvs.holds(&t) => (
            SkipKind::SameData,
            format!(
                "Locust's console output stops at a table counting {} requests ({} \
                     failed), the Locust CSVs beside it {} ({} failed): it has no `Shutting \
                     down` line, yet {}, which Locust writes as it ends, counts what the CSVs \
                     do, so the capture was cut while Locust ran on (a `| tee` stopped by \
                     Ctrl-C?)",
                t.requests,
                t.failures,
                csvs.requests,
                csvs.failures,
                ended_with.unwrap_or_default()
            ),
        ),
        Ok(Some(t)) => {
            let count = Count {
                requests: t.requests,
                failures: t.failures,
                at_end: t.is_final,
                shut_down: t.shut_down,
            };
            let what = if t.is_final {
                "Locust's console output (its final table)"
            } else {
                "Locust's console output (its last table)"
            };
            other = csvs.another_run(&count);
            csvs.against(what, count)
        }
        Ok(None) => {
            skip_unread(
                run,
                &file,
                "Locust's console output without a statistics table: nothing to check the \
                     CSVs against",
            );
            return false;
        }
        Err(p) => {
            other = true;
            (
                SkipKind::OtherData,
                format!(
                    "Locust's console output that cannot be checked against the CSVs beside \
                     it: {}",
                    p.reason
                ),
            )
        }
    };
    run.skipped
        .push(Skipped::new(file, why + "; the CSVs are read", kind));
    other
}
