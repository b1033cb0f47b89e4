//! Data quality: whether the run's numbers can carry a verdict. One word for the
//! report (`data_quality`: `clean`, `inconsistent`, `simulated`, `incomplete`,
//! `partial`) and the reason in one short sentence, which the verdict line, the report
//! header and the readiness rows all cite. An `impossible` audit finding makes the data
//! `inconsistent`, and inconsistent data never gets a GO. A result file left out
//! because it holds other data (another run, a stage the dir layout leaves out, counts
//! that disagree) makes the data `incomplete`; a source that leaves transport errors
//! out of its files (hey's and oha's CSV), or every outcome (ab's `-g` TSV), makes it
//! `partial`. So does a second source of other requests than the report's (totals more
//! than 10 % apart: an ab run at 40 users beside a wrk run at 4 in one dir): the report
//! leads with one source and never sums tools, so the other's requests — and its
//! failures — are in no figure, and no GO may rest on part of what the dir holds. A
//! tool measured beside the one a stage dir's stage is judged on is held to that
//! stage's requests.

use crate::analysis::words::ticked;
use serde::Serialize;

use super::audit::{AuditFinding, AuditVerdict};
use super::quantity::{format_count, format_ms, format_rate};
use crate::model::{FailuresUnseen, Problem, Run, SkipKind, Skipped, Source, Stage};

/// How far the data can be trusted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataQuality {
    /// Measured, complete, and consistent with itself.
    #[default]
    Clean,
    /// The consistency audit finds something impossible: some figure cannot have been
    /// measured as stated.
    Inconsistent,
    /// The inputs say they were simulated.
    Simulated,
    /// The run stopped early, or some input could not be read.
    Incomplete,
    /// The source's files leave some requests out (transport errors): its failure
    /// figures are bounds, not measurements.
    Partial,
}

impl DataQuality {
    /// True when no release decision may rest on the data: it is inconsistent,
    /// simulated or incomplete (partial data's failure figures are bounds, its
    /// latencies measured).
    pub fn withholds_decision(self) -> bool {
        matches!(
            self,
            DataQuality::Inconsistent | DataQuality::Simulated | DataQuality::Incomplete
        )
    }

    /// `clean`, `inconsistent`, `simulated`, `incomplete`, `partial`.
    pub fn as_str(self) -> &'static str {
        match self {
            DataQuality::Clean => "clean",
            DataQuality::Inconsistent => "inconsistent",
            DataQuality::Simulated => "simulated",
            DataQuality::Incomplete => "incomplete",
            DataQuality::Partial => "partial",
        }
    }
}

/// What the quality of a run's data rests on.
pub struct QualityInputs<'a> {
    /// False when the inputs say they were simulated.
    pub measured: bool,
    /// False when the run stopped early.
    pub complete: Option<bool>,
    /// Why it stopped early.
    pub incomplete_reason: Option<&'a str>,
    /// Inputs that could not be read.
    pub problems: &'a [Problem],
    /// Files that were not read; those of `SkipKind::OtherData` hold data the report
    /// does not cover.
    pub skipped: &'a [Skipped],
    /// The consistency audit.
    pub audit: &'a [AuditFinding],
    /// Why the figures' source does not see every failure ([`unseen_failures`]).
    pub unseen_failures: Option<String>,
    /// A source of other requests than the report's ([`uncovered_source`]).
    pub uncovered: Option<String>,
}

impl<'a> QualityInputs<'a> {
    /// An analysis's own inputs (measured, complete, problems, skipped files) with the
    /// audit findings, unseen failures and uncovered source the caller weighs.
    pub fn of(
        a: &'a super::report::Analysis,
        audit: &'a [AuditFinding],
        unseen_failures: Option<String>,
        uncovered: Option<String>,
    ) -> Self {
        QualityInputs {
            measured: a.measured,
            complete: a.run.complete,
            incomplete_reason: a.run.incomplete_reason.as_deref(),
            problems: &a.problems,
            skipped: &a.skipped,
            audit,
            unseen_failures,
            uncovered,
        }
    }
}

/// The first clause of a problem's reason (up to its first `: ` or `; `): what is
/// wrong, without the advice that follows.
fn gist(reason: &str) -> &str {
    let end = [": ", "; "]
        .iter()
        .filter_map(|sep| reason.find(sep))
        .min()
        .unwrap_or(reason.len());
    &reason[..end]
}

/// The quality word and, unless clean, the reason in one clause (without the word:
/// callers write "inconsistent data: …" or "data_quality inconsistent: …"). Simulated wins
/// over inconsistent (the audit of simulated numbers says nothing new), inconsistent
/// over incomplete, and incomplete over partial.
pub fn assess(q: &QualityInputs) -> (DataQuality, Option<String>) {
    if !q.measured {
        return (
            DataQuality::Simulated,
            Some("the inputs say it was simulated, not measured".into()),
        );
    }
    let impossible: Vec<&AuditFinding> = q
        .audit
        .iter()
        .filter(|f| f.verdict == AuditVerdict::Impossible)
        .collect();
    if let Some(first) = impossible.first() {
        let more = match impossible.len() - 1 {
            0 => String::new(),
            n => format!("; {n} more impossible finding{}", plural(n)),
        };
        return (
            DataQuality::Inconsistent,
            Some(format!(
                "the consistency audit rejects {}{more}",
                finding_summary(first)
            )),
        );
    }
    if q.complete == Some(false) {
        return (
            DataQuality::Incomplete,
            Some(format!(
                "the run stopped early ({})",
                q.incomplete_reason.unwrap_or("no reason given")
            )),
        );
    }
    if !q.problems.is_empty() {
        let n = q.problems.len();
        let first = &q.problems[0];
        // The file's name is quoted as a name (a backtick in it opens no code span of
        // the PR comment's verdict line).
        let at = ticked(&match first.line {
            Some(line) => format!("{}:{line}", first.path.display()),
            None => first.path.display().to_string(),
        });
        // A problem may leave rows unread or mix runs: its gist says which, not a
        // blanket "left data unread".
        return (
            DataQuality::Incomplete,
            Some(format!(
                "{n} input problem{} (the first: {at}: {}): see Problems",
                plural(n),
                gist(&first.reason)
            )),
        );
    }
    let other: Vec<&Skipped> = q
        .skipped
        .iter()
        .filter(|s| s.kind == SkipKind::OtherData)
        .collect();
    if let Some(first) = other.first() {
        let n = other.len();
        return (
            DataQuality::Incomplete,
            Some(format!(
                "{n} skipped result{} with other data than the report's, not read ({}{}): \
                 see Skipped files",
                plural(n),
                first.path.display(),
                if n > 1 { ", …" } else { "" }
            )),
        );
    }
    if let Some(why) = &q.uncovered {
        return (DataQuality::Incomplete, Some(why.clone()));
    }
    if let Some(why) = &q.unseen_failures {
        return (
            DataQuality::Partial,
            Some(format!(
                "{why}: its failure figures are bounds, not measurements"
            )),
        );
    }
    (DataQuality::Clean, None)
}

/// Why `src` does not see every failure, in one clause ("hey's output lists only
/// answered requests (transport errors are left out)"), or `None` when it does.
/// Transport errors are timeouts and refused or reset connections. A source of stage
/// dirs measured by different tools names only the tools that leave failures out, and
/// their stages.
pub fn unseen_failures(src: &Source) -> Option<String> {
    unseen_failures_among(src, &[])
}

/// [`unseen_failures`] of the stages named in `deciding` (empty: every stage) of a
/// source of stage dirs measured by different tools: a verdict on autocannon's stage
/// alone rests on no figure hey's CSV leaves failures out of. A source of one tool
/// answers for all its stages.
pub fn unseen_failures_among(src: &Source, deciding: &[String]) -> Option<String> {
    let by_stage = src.stages.iter().filter(|s| s.tool.is_some());
    let decides = |s: &&Stage| deciding.is_empty() || deciding.contains(&s.name);
    let mut clauses: Vec<(String, FailuresUnseen, Vec<&str>)> = Vec::new();
    for stage in by_stage.clone().filter(decides) {
        let (Some(tool), Some(what)) = (&stage.tool, stage.failures_unseen) else {
            continue;
        };
        match clauses.iter_mut().find(|c| c.0 == *tool && c.1 == what) {
            Some(c) => c.2.push(&stage.name),
            None => clauses.push((tool.clone(), what, vec![&stage.name])),
        }
    }
    let combined = by_stage.count() > 0;
    if combined && clauses.is_empty() && !deciding.is_empty() {
        return None;
    }
    if !combined || clauses.is_empty() {
        let what = if src.outcomes_unseen {
            FailuresUnseen::Outcomes
        } else if src.transport_errors_unseen {
            FailuresUnseen::TransportErrors
        } else {
            return None;
        };
        return Some(unseen_clause(&src.tool, what, &[]));
    }
    let clauses: Vec<String> = (clauses.iter())
        .map(|(t, w, s)| unseen_clause(t, *w, s))
        .collect();
    Some(clauses.join("; "))
}

/// Why the figures of `stage` of `src` (`None`: the overall ones) do not see every
/// failure, in one clause, and whether they record no outcome at all; `None` when they
/// see every failure. A stage measured by its own tool (a stage dir's) answers for its
/// tool alone.
pub fn unseen_failures_in(src: &Source, stage: Option<&str>) -> Option<(String, bool)> {
    let own = stage.and_then(|n| src.stages.iter().find(|s| s.name == n && s.tool.is_some()));
    match own {
        Some(s) => {
            let what = s.failures_unseen?;
            let tool = s.tool.as_deref().unwrap_or(&src.tool);
            let why = unseen_clause(tool, what, &[s.name.as_str()]);
            Some((why, what == FailuresUnseen::Outcomes))
        }
        None => unseen_failures(src).map(|why| (why, src.outcomes_unseen)),
    }
}

/// What the figures of `stage` of `src` leave out: a stage measured by its own tool (a
/// stage dir's) answers for that tool alone, any other for the source's flags; `None`
/// when they see every failure (report.json's per-stage `failures_unseen`).
pub fn stage_failures_unseen(src: &Source, stage: &Stage) -> Option<FailuresUnseen> {
    match stage.tool {
        Some(_) => stage.failures_unseen,
        None if src.outcomes_unseen => Some(FailuresUnseen::Outcomes),
        None if src.transport_errors_unseen => Some(FailuresUnseen::TransportErrors),
        None => None,
    }
}

/// `tool`'s files leave `what` out (of `stages`, when named), in one clause.
fn unseen_clause(tool: &str, what: FailuresUnseen, stages: &[&str]) -> String {
    let of = match stages {
        [] => String::new(),
        [one] => format!(" (stage `{one}`)"),
        many => format!(" (stages `{}`)", many.join("`, `")),
    };
    match what {
        FailuresUnseen::Outcomes => format!(
            "{tool}'s per-request file{of} records no outcome (every row counts as answered: \
             failed and non-2xx responses look like successes, and failed connects have no row)"
        ),
        FailuresUnseen::TransportErrors => format!(
            "{tool}'s output{of} lists only answered requests (transport errors are left out)"
        ),
    }
}

/// Totals of two sources within this share of each other are the same requests (as
/// `ingest::arbitrate` takes them).
const SAME_REQUESTS: f64 = 0.10;

/// A source of `run` whose requests are not the primary source's (totals more than
/// 10 % apart), in one clause naming both, or `None`. The report's figures are the
/// primary's alone, so such a source's requests and failures are in none of them. A
/// source measured beside another tool in a stage dir is held to that stage's figures
/// ([`Source::beside_stage`]). A short run apart from the run (a smoke test,
/// [`Source::short_run`]) measured other requests and leaves the run complete. Before
/// that: runs a source's file holds and the report
/// leaves out ([`Source::runs_left_out`]).
pub fn uncovered_source(run: &Run) -> Option<String> {
    uncovered_source_except(run, &[], &[])
}

/// [`uncovered_source`], leaving out the sources at `weighed` (their index among the
/// run's): an SLA judged their requests, which are in none of the report's figures,
/// and they held every rule (`sla_beside`). With `deciding` (the verdict stages;
/// empty: every stage), a source measured beside a stage that decides nothing is left
/// out too: a verdict on `peak` rests on no figure of hey's run beside `baseline`.
pub fn uncovered_source_except(
    run: &Run,
    weighed: &[usize],
    deciding: &[String],
) -> Option<String> {
    uncovered(run, weighed, deciding).map(|(_, why)| why)
}

/// [`uncovered_source_except`] with the source it found (`None` for runs a file holds
/// that the report leaves out).
pub fn uncovered<'r>(
    run: &'r Run,
    weighed: &[usize],
    deciding: &[String],
) -> Option<(Option<&'r Source>, String)> {
    if let Some(why) = run.sources.iter().find_map(|s| s.runs_left_out.as_ref()) {
        return Some((None, format!("{why}; the report's figures leave them out")));
    }
    let lead = run.primary()?;
    let theirs = |s: &Source| match &s.beside_stage {
        Some(name) => {
            let stage = lead.stages.iter().find(|st| st.name == *name);
            let tool = stage
                .and_then(|st| st.tool.as_deref())
                .unwrap_or(&lead.tool);
            let what = format!("{tool} figures of stage {name}");
            let counts = stage.map_or((0, 0), |st| (st.requests(), st.failures()));
            (counts, what)
        }
        None => (
            (lead.overall.requests(), failures(lead)),
            format!("{} source", lead.tool),
        ),
    };
    let (other, ((n, f), what)) = (run.sources.iter().enumerate())
        .filter(|(i, _)| !weighed.contains(i))
        .map(|(_, s)| s)
        .filter(|s| !std::ptr::eq(*s, lead) && s.short_run.is_none())
        .filter(|s| match &s.beside_stage {
            Some(name) => deciding.is_empty() || deciding.contains(name),
            None => true,
        })
        .map(|s| (s, theirs(s)))
        .find(|(s, ((n, f), _))| {
            let m = s.overall.requests();
            let off = n.abs_diff(m);
            m > 0
                && (off as f64 > SAME_REQUESTS * (*n).max(m) as f64
                    || other_failures(lead, s, (*f, failures(s)), off))
        })?;
    let why = format!(
        "the {} source measured other requests ({} requests, {} failed) than the report's {} \
         ({} requests, {} failed): they are in none of its figures (tools are never summed; \
         give each run a stage dir of its own)",
        other.tool,
        format_count(other.overall.requests() as f64),
        format_count(failures(other) as f64),
        what,
        format_count(n as f64),
        format_count(f as f64)
    );
    Some((Some(other), why))
}

/// True when two sources with about the same totals cannot hold the same requests:
/// both count failures and their failures (`f`: the lead's, the other's) differ by
/// more than 10 % of the larger and more than the requests one counts and the other
/// does not (`off`) could explain. Two tools run one after the other at one load
/// count about the same requests, but not the same failures when the system changed
/// between them: such a source's failures are in none of the report's figures.
fn other_failures(lead: &Source, other: &Source, f: (u64, u64), off: u64) -> bool {
    let counts = |s: &Source| !s.outcomes_unseen && !LATENCY_ONLY.contains(&s.tool.as_str());
    let diff = f.0.abs_diff(f.1);
    counts(lead) && counts(other) && diff as f64 > SAME_REQUESTS * f.0.max(f.1) as f64 && diff > off
}

/// Tools whose files hold latencies only, no failures (every request a success), as
/// the ingest's arbitration lists them.
const LATENCY_ONLY: [&str; 2] = ["hdr-log", "hdrhistogram"];

/// A source's failed requests over the whole run.
fn failures(src: &Source) -> u64 {
    match &src.overall.aggregate {
        Some(a) => a.failures,
        None => (src.overall.endpoints.values())
            .filter(|e| !e.transaction)
            .map(|e| e.failures)
            .sum(),
    }
}

/// One finding in a clause: which check, where, and the two numbers
/// ("response_time_law on `peak` (users, response time and think time allow ≈ 290
/// req/s, the stage has 1,000 req/s)").
pub fn finding_summary(f: &AuditFinding) -> String {
    let at = f
        .stage
        .as_deref()
        .map(|s| format!(" on {}", ticked(s)))
        .unwrap_or_default();
    let (Some(e), Some(o)) = (f.expected, f.observed) else {
        return format!("{}{at}", f.check);
    };
    let what = match f.check.as_str() {
        "response_time_law" => format!(
            "users, response time and think time allow ≈ {}, the stage has {}",
            format_rate(e),
            format_rate(o)
        ),
        "arrival_rate" => format!("planned {}, measured {}", format_rate(e), format_rate(o)),
        "request_count" => format!(
            "it counts {} requests where rate × duration gives {}",
            format_count(o),
            format_count(e)
        ),
        "percentiles" => format!(
            "a percentile ({}) lies above a higher one ({})",
            format_ms(o),
            format_ms(e)
        ),
        "endpoint_sum" => format!(
            "the endpoint rows sum to {} requests, the aggregate row claims {}",
            format_count(e),
            format_count(o)
        ),
        "stage_totals" => format!(
            "the stages hold {} requests where the source's own totals allow {}",
            format_count(o),
            format_count(e)
        ),
        "source_totals" => format!(
            "the stages' file counts {} requests where the whole run's counts {}",
            format_count(o),
            format_count(e)
        ),
        other => format!("{other}: expected {e}, observed {o}"),
    };
    format!("{}{at} ({what})", f.check)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
