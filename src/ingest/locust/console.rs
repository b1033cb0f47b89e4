//! Locust's console output (`locust --headless … > console.log 2>&1`): its log lines
//! (`…/INFO/locust.main: Starting Locust 2.47.0`) and the statistics tables it prints
//! every few seconds and once more at the end (not with `--json-file`, which saves
//! the final figures instead). It is not read for figures: the
//! CSVs of the same run are. Beside them, its last `Aggregated` row (the final table,
//! printed as Locust ends) checks that they hold the whole run: Locust rewrites its
//! CSVs every second and not as it stops, so they miss the run's last moments
//! (`run_dir/locust_checks.rs`). Its last `Shutting down (exit code N)` line is
//! Locust's own verdict on the run (`--exit-code-on-error`, a locustfile's own check):
//! a non-zero code is a failed tool check, as a k6 threshold is.

use crate::model::untrusted::Shown;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use crate::ingest::formats::{FormatSpec, Reader, Sniff};
use crate::ingest::summary::{number, read_file_text, static_regexes};
use crate::ingest::Format;
use crate::model::Problem;

/// The `locust-console` format: how it is recognised (and that it is read only beside
/// the CSVs).
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::LocustConsole,
    name: "locust-console",
    tool: "locust",
    sniff: Sniff::Content(|h| sniff(h.text)),
    reads_gzip: true,
    reader: Reader::Grouped,
    splittable: false,
    notes: &[],
    detected_by: "Locust's log lines (`/INFO/locust.main:`) or its statistics table \
                  (`Type  Name  # reqs  # fails | Avg …`); read beside the Locust CSVs",
    example: "locust --headless --csv run -f locustfile.py > console.log 2>&1",
};

/// True for Locust's console output: its log lines, or (stdout alone) its table.
pub fn sniff(head: &str) -> bool {
    head.lines().take(40).any(|l| {
        l.contains("/INFO/locust.main: ")
            || l.contains("/INFO/locust.runners: ")
            || (l.starts_with("Type ") && l.contains("# reqs") && l.contains("# fails"))
    })
}

/// The counts of a console's last statistics table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableCounts {
    /// Its `Aggregated` row's `# reqs`.
    pub requests: u64,
    /// Its `Aggregated` row's `# fails`.
    pub failures: u64,
    /// Printed as Locust ended: after its `Shutting down` line, or followed by the
    /// percentile table that only the final statistics carry. Otherwise a table Locust
    /// printed while the run went on (with `--json-file` it prints no final
    /// table), which counts the requests up to then.
    pub is_final: bool,
    /// Locust logged its `Shutting down` line: the run ended as Locust ends it (its
    /// `--run-time`, a shape's end, Ctrl-C, SIGTERM), not killed outright.
    pub shut_down: bool,
}

/// The last `Aggregated` row of a statistics table (the final one when Locust ended
/// normally without `--json-file`); `None` when the output has none.
pub fn final_counts(path: &Path) -> Result<Option<TableCounts>, Problem> {
    static RES: OnceLock<[Regex; 1]> = OnceLock::new();
    // `# fails` is written `151(34.87%)`: the percentile table's row has no `(`.
    let [row] = static_regexes(&RES, [r"^\s+Aggregated\s+(\d+)\s+(\d+)\("]);
    let text = read_file_text(path)?;
    let mut last = None;
    let mut shut_down = false;
    let mut percentiles_after = false;
    for (i, line) in text.lines().enumerate() {
        if let Some(c) = row.captures(line) {
            let no = i as u64 + 1;
            last = Some(TableCounts {
                requests: number(path, no, "# reqs", &c[1])?,
                failures: number(path, no, "# fails", &c[2])?,
                is_final: shut_down,
                shut_down,
            });
            percentiles_after = false;
        } else if line.contains("/locust.main: Shutting down") {
            shut_down = true;
        } else if line.starts_with("Response time percentiles")
            || line.starts_with("Percentage of the requests completed")
        {
            percentiles_after = true;
        }
    }
    Ok(last.map(|t| TableCounts {
        is_final: t.is_final || percentiles_after,
        shut_down,
        ..t
    }))
}

/// The exit code of the last `Shutting down (exit code N)` line Locust logged, with that
/// line's number and the last error logged before it (`…/ERROR/root: Test failed due
/// to failure ratio > 1%`, a locustfile's own check, cut to 120 characters): non-zero
/// when the run failed Locust's own checks (`--exit-code-on-error` and a failed
/// request, a locustfile's `environment.process_exit_code`, an error in a user).
/// `None` when the output has no such line (a capture without Locust's log, or a run
/// killed outright).
pub fn exit_code(path: &Path) -> Result<Option<(i64, u64, Option<String>)>, Problem> {
    static RES: OnceLock<[Regex; 2]> = OnceLock::new();
    let [line_re, error_re] = static_regexes(
        &RES,
        [
            r"/locust\.main: Shutting down \(exit code (-?\d+)\)",
            r"^\[[^\]]*\] [^/]*/ERROR/[^:]*: (.+)$",
        ],
    );
    let text = read_file_text(path)?;
    let (mut found, mut error) = (None, None);
    for (i, line) in text.lines().enumerate() {
        if let Some(c) = error_re.captures(line) {
            error = Some(c[1].trim().chars().take(120).collect::<String>());
        } else if let Some(code) = line_re.captures(line).and_then(|c| c[1].parse().ok()) {
            found = Some((code, i as u64 + 1, error.take()));
        }
    }
    Ok(found)
}

/// How many times Locust logged `Resetting stats` (`--reset-stats`: as each ramp to a
/// new user count completes) in the last run the output holds (after its last
/// `Starting Locust` line: `--logfile` appends run after run), with the first such
/// line's number (0 and 0: a log of no reset); `None` when the output holds no line
/// of Locust's log (a capture of its tables alone cannot tell).
pub fn logged_resets(path: &Path) -> Result<Option<(usize, u64)>, Problem> {
    let text = read_file_text(path)?;
    if !text.contains("/INFO/locust.") {
        return Ok(None);
    }
    let (mut n, mut first) = (0, 0);
    for (i, line) in text.lines().enumerate() {
        if line.contains("/locust.main: Starting Locust") {
            (n, first) = (0, 0);
        } else if line.contains("/locust.runners: Resetting stats") {
            if n == 0 {
                first = i as u64 + 1;
            }
            n += 1;
        }
    }
    Ok(Some((n, first)))
}

/// Why the run stopped before the `--run-time` it was started with, or without Locust
/// shutting down, in one clause, or `None`: Locust logs `Run time limit set to N
/// seconds` at the start and `--run-time limit reached, shutting down` when the limit
/// ends the run; a run stopped before (Ctrl-C, SIGTERM, a killed process) never logs
/// the second. A run without `--run-time` is stopped by hand as a matter of course, but
/// every end Locust itself makes (Ctrl-C, SIGTERM, its `--run-time`) logs `Shutting
/// down` from the same logger, at the same level, as `Starting Locust`: a log of
/// `locust.main`'s lines without it is of a Locust killed outright, or copied while it ran
/// (its CSVs then hold the run up to its last write, which may count as much as its
/// stats history: nothing else tells that run from a finished one) — unless Locust's
/// own outputs written as it ends agree with its CSVs (`shut_down_elsewhere`): then the
/// log is a capture cut while Locust ran on, and only a `--run-time` it never logged
/// reaching says the run was stopped before it.
pub fn stopped_early(path: &Path, shut_down_elsewhere: bool) -> Result<Option<String>, Problem> {
    let text = read_file_text(path)?;
    let limit = text.lines().find_map(|l| {
        let at = l.find("Run time limit set to ")?;
        Some(l[at + "Run time limit set to ".len()..].trim().to_string())
    });
    let shut_down = text.contains("Shutting down");
    let Some(limit) = limit else {
        let logged = text.lines().find(|l| l.contains("/INFO/locust.main: "));
        return Ok(logged
            .filter(|_| !shut_down && !shut_down_elsewhere)
            .map(|_| {
                format!(
                "Locust did not shut down: {} holds Locust's log (`…/INFO/locust.main: …`) but \
                 not the `Shutting down` line Locust logs whenever it ends a run itself \
                 (Ctrl-C, SIGTERM, --run-time), so it was killed outright (kill -9, out of \
                 memory, a crash, a job's hard timeout) or the log was copied while it ran: \
                 the figures stop at Locust's last write of its CSVs, not at the run's end; \
                 re-run the test and let Locust stop",
                path.shown()
            )
            }));
    };
    if text.contains("--run-time limit reached") {
        return Ok(None);
    }
    let how = if text.contains("Got SIGTERM signal") {
        "by SIGTERM"
    } else if shut_down {
        "by hand (Ctrl-C)"
    } else if shut_down_elsewhere {
        "by hand or a signal (its console capture stops before Locust's end, which its \
         report beside it was written at)"
    } else {
        "without shutting down (killed, or its output cut)"
    };
    Ok(Some(format!(
        "{}: Locust's --run-time was {limit}, but the run was stopped {how} before it \
         (no `--run-time limit reached` line)",
        path.shown()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_log_lines_and_the_table() {
        assert!(sniff(
            "[2026-12-04 06:31:07,519] vm/INFO/locust.main: Starting Locust 2.47.0\n"
        ));
        assert!(sniff(
            "Type     Name      # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s\n"
        ));
        assert!(!sniff("Running 10s test @ http://127.0.0.1:8080\n"));
        assert!(!sniff("Type,Name,Request Count,Failure Count\n"));
    }
}
