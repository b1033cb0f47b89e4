//! What the summary-format adapters share (wrk text, HdrHistogram percentile text,
//! oha JSON, Artillery reports, Locust `--json`): a tool's whole-run figures become a
//! source with one stage, named by the dir's stage plan. Also the few helpers those
//! adapters need (unit conversion into a rebuilt histogram, endpoint names).
//!
//! Per-request formats do not come here: they implement [`super::Replay`] and go
//! through `run_dir`'s two-pass assembly.

use std::path::Path;

use hdrhistogram::Histogram;

use serde_json::Value;

use super::pooled_runs::same_load;
use super::stages::{StagePlan, StageSpec};
use super::text::read_text;
use super::{problem, IngestOptions};
mod cut_short;
mod later_runs;
pub use cut_short::{cut_short, require_lines, shortened};
pub use later_runs::build_each;

use crate::model::{
    EndpointStats, FailureKind, LatencyDistribution, Problem, ScriptChecks, Source, Stage,
    TimeSeries, ToolCheck,
};

/// The source of a summary read from a file, or the problem: the read's, or figures
/// that cannot be (checked before the filters: a file's impossible numbers are a
/// problem whatever is kept). Every summary format's file goes through here.
pub fn build(
    path: &Path,
    read: Result<ToolSummary, Problem>,
    plan: &StagePlan,
    opts: &IngestOptions,
) -> Result<Source, Problem> {
    let mut summary = read?;
    // Read alone (not by [`build_each`]), a file's first run is all there is of it.
    summary.first_run_only();
    check_figures(path, &summary.endpoints, summary.aggregate.as_ref())?;
    Ok(summary.into_source(plan, opts))
}

/// Adds failures of several kinds (`(kind, count, message)`; zero counts skipped) to
/// an endpoint's failures and kinds, the sum checked against a u64.
pub fn add_failures<S: AsRef<str>>(
    path: &Path,
    line: Option<u64>,
    ep: &mut EndpointStats,
    kinds: &[(FailureKind, u64, S)],
) -> Result<(), Problem> {
    for (kind, n, message) in kinds {
        if *n > 0 {
            ep.failures = add_counts(path, line, "the failure counts", ep.failures, *n)?;
            ep.add_failure(*kind, Some(message.as_ref()), *n);
        }
    }
    Ok(())
}

/// A number read from a console summary at `line`; otherwise a problem naming the
/// line and the figure.
pub fn number<T: std::str::FromStr>(
    path: &Path,
    line: u64,
    what: &str,
    text: &str,
) -> Result<T, Problem> {
    text.trim().parse().map_err(|_| {
        problem(
            path,
            Some(line),
            format!("{what}: `{}` is not a number", text.trim()),
        )
    })
}

/// The counts a console line's regex captured (groups 1..=N), parsed; a bad one is
/// a problem at `line`.
pub fn captured_counts<const N: usize>(
    path: &Path,
    line: u64,
    what: &str,
    c: &regex::Captures<'_>,
) -> Result<[u64; N], Problem> {
    let mut v = [0u64; N];
    for (k, slot) in v.iter_mut().enumerate() {
        *slot = number(path, line, what, c.get(k + 1).map_or("", |m| m.as_str()))?;
    }
    Ok(v)
}

/// The problem of counts in `path` that add up past what a u64 holds: no load test
/// makes 2^64 requests, so the file's numbers are not real.
pub fn too_many(path: &Path, line: Option<u64>, what: &str) -> Problem {
    problem(
        path,
        line,
        format!("{what} add up to more than {} — not a real count", u64::MAX),
    )
}

/// `a + b`, or the [`too_many`] problem when the sum does not fit a u64.
pub fn add_counts(
    path: &Path,
    line: Option<u64>,
    what: &str,
    a: u64,
    b: u64,
) -> Result<u64, Problem> {
    a.checked_add(b).ok_or_else(|| too_many(path, line, what))
}

/// Checks the figures a tool's summary (read from `path`) gave for impossible
/// numbers — what no measurement can produce, so the file is wrong and its figures
/// are not reported: more failures than requests, counts adding up past a u64, a
/// latency that is negative or not a number. Every summary source passes here before
/// it is used.
pub fn check_source(path: &Path, src: &Source) -> Result<(), Problem> {
    for stage in src.stages.iter().chain([&src.overall]) {
        check_figures(path, stage.endpoints.values(), stage.aggregate.as_ref())?;
    }
    Ok(())
}

/// One scope's endpoints and aggregate (see [`check_source`]).
fn check_figures<'a>(
    path: &Path,
    endpoints: impl IntoIterator<Item = &'a EndpointStats>,
    aggregate: Option<&EndpointStats>,
) -> Result<(), Problem> {
    let mut total = 0u64;
    for ep in endpoints {
        check_endpoint(path, ep)?;
        if !ep.transaction {
            total = add_counts(
                path,
                None,
                "the endpoints' request counts",
                total,
                ep.requests,
            )?;
        }
    }
    if let Some(agg) = aggregate {
        check_endpoint(path, agg)?;
    }
    Ok(())
}

/// One endpoint's counts and latency figures (see [`check_source`]).
fn check_endpoint(path: &Path, ep: &EndpointStats) -> Result<(), Problem> {
    let bad = |why: String| problem(path, None, format!("`{}`: {why}", ep.key));
    if ep.failures > ep.requests {
        return Err(bad(format!(
            "{} failures but only {} requests — more failures than requests",
            ep.failures, ep.requests
        )));
    }
    let mut kinds = 0u64;
    for n in ep.failures_by_kind.values() {
        kinds = add_counts(path, None, "the failure counts", kinds, *n)?;
    }
    for dist in [Some(&ep.latency), ep.ok_latency.as_ref()]
        .into_iter()
        .flatten()
    {
        if let LatencyDistribution::Summary(s) = dist {
            if let Some(v) = s.impossible_value() {
                return Err(bad(format!(
                    "latency {v}: a latency cannot be negative, infinite or not a number"
                )));
            }
        }
    }
    Ok(())
}

/// A summary file's whole text (see [`read_text`]); failing that, "cannot read: …".
/// Lines above the format's start (`preamble.rs`) read blank.
pub fn read_file_text(path: &Path) -> Result<String, Problem> {
    read_text(path)
        .map(|text| super::preamble::blank_text(text, super::preamble::lines(path)))
        .map_err(|e| problem(path, None, format!("cannot read: {e}")))
}

/// A JSON summary file, parsed; invalid JSON is a problem at its line, and JSON that
/// ends before it closes is named as cut short.
pub fn read_json(path: &Path) -> Result<Value, Problem> {
    let text = read_file_text(path)?;
    serde_json::from_str(&text).map_err(|e| json_problem(path, 0, &e))
}

/// The problem of JSON that does not parse (`e`) in the file at `path`, whose JSON
/// starts after `before` lines: at its line, named as cut short when it ends before it
/// closes.
pub fn json_problem(path: &Path, before: u64, e: &serde_json::Error) -> Problem {
    let cut = if e.is_eof() {
        "cut short (the JSON ends before it closes: the tool was interrupted or the \
         output cut; nothing in it is read): "
    } else {
        ""
    };
    // serde's own position counts from where the JSON starts: the file's line is the
    // problem's.
    let why = e.to_string();
    let why = match why.rsplit_once(" at line ") {
        Some((what, _)) if before > 0 => format!("{what} at column {}", e.column()),
        _ => why,
    };
    problem(
        path,
        Some(before + e.line() as u64),
        format!("{cut}not valid JSON: {why}"),
    )
}

/// A tool's whole-run figures, before they are shaped into a [`Source`].
#[derive(Debug, Default)]
pub struct ToolSummary {
    /// Tool name (`wrk`, `wrk2`, `oha`, …).
    pub tool: String,
    /// Per-endpoint figures.
    pub endpoints: Vec<EndpointStats>,
    /// The tool's own all-endpoint figures, when it has them and they are not simply
    /// the one endpoint.
    pub aggregate: Option<EndpointStats>,
    /// Length of the measured period, s.
    pub duration_s: Option<f64>,
    /// Measured period, epoch ms `[start, end)`, when the summary carries clock times.
    pub window_ms: Option<(i64, i64)>,
    /// Its length in a window wider than its run ([`crate::model::Stage::measured_s`]).
    pub measured_s: Option<f64>,
    /// What placed it on the clock when the tool prints no clock time (ab's `-g` file).
    pub clock_basis: Option<String>,
    /// Concurrency the tool ran with (wrk connections), when it says.
    pub users: Option<u32>,
    /// Target arrival rate (wrk2 `-R`), when it says.
    pub arrival_rate_rps: Option<f64>,
    /// Per-interval counts the summary carries (Locust `num_reqs_per_sec`, Artillery's
    /// intermediate periods).
    pub timeline: TimeSeries,
    /// What the report should say about this source.
    pub notes: Vec<String>,
    /// `--from`/`--to` chose which of the file's runs this is (siege.log), so they
    /// are not reported as left unapplied.
    pub selected_by_time: bool,
    /// The summary cannot count requests that got no answer (h2load's timed run whose
    /// clients stopped): [`Source::transport_errors_unseen`].
    pub transport_errors_unseen: bool,
    /// Runs of the file left unread (appended after the one read):
    /// [`Source::runs_left_out`].
    pub runs_left_out: Option<String>,
    /// The checks the tool judged itself (k6's thresholds): [`Source::tool_checks`].
    pub tool_checks: Vec<ToolCheck>,
    /// The script's checks of the answers: [`Source::script_checks`].
    pub script_checks: ScriptChecks,
    /// Why the run stopped before what its output says it was started for:
    /// [`Source::stopped_early`].
    pub stopped_early: Option<String>,
    /// The summary holds no outcome of its requests (ab stopped on an error before its
    /// summary): [`Source::outcomes_unseen`].
    pub outcomes_unseen: bool,
    /// The file's later runs, each read as a file of its own would be (a shell loop's
    /// `for c in 8 32 128; do wrk -c$c …; done > wrk.log`: a stage each) where the
    /// run dir finds its stages in the data ([`build_each`]).
    pub later_runs: Vec<ToolSummary>,
    /// A later run's first line in its file (set by `add_later_runs`).
    pub run_line: Option<u64>,
    /// The stage the banner above this run in its file names (`banners.rs`).
    pub banner: Option<String>,
    /// What [`ToolSummary::runs_left_out`] says when the later runs are not read (the
    /// dir, or `run.toml`, names the one stage the file is, or a run's load is
    /// unknown: see [`build_each`]).
    pub later_runs_unread: Option<String>,
}

impl ToolSummary {
    /// A summary of `tool` with nothing in it yet.
    pub fn new(tool: &str) -> ToolSummary {
        ToolSummary {
            tool: tool.to_string(),
            ..Default::default()
        }
    }

    /// Shapes the summary into a source: `overall` holds every endpoint the filters
    /// keep, and the single stage is the whole run, named by the plan (the dir's name,
    /// or the manifest's only stage).
    pub fn into_source(self, plan: &StagePlan, opts: &IngestOptions) -> Source {
        let mut notes = self.notes;
        let fit =
            super::untrimmed::window_fit(&self.tool, self.window_ms, opts, self.selected_by_time);
        let mut overall = Stage::named("overall");
        overall.window_basis = format!("whole run ({}'s own summary, ramps included)", self.tool);
        overall.window_ms = self.window_ms;
        overall.duration_s = self.duration_s;
        overall.measured_s = self.measured_s;
        overall.timeline = self.timeline;
        let total = self.endpoints.len();
        // A summary with per-endpoint counts over time but none for the whole run
        // (Locust --json): the run's series is their sum.
        let from_endpoints = overall.timeline.intervals.iter().all(|iv| iv.requests == 0);
        for ep in self.endpoints {
            if opts.keeps(&ep.key) {
                if from_endpoints && !ep.transaction {
                    overall.timeline.merge(&ep.series);
                }
                overall.endpoints.insert(ep.key.clone(), ep);
            }
        }
        // The aggregate stands for every endpoint; a filter that drops one makes it stale.
        if overall.endpoints.len() == total {
            overall.aggregate = self.aggregate;
        }

        // The plan's load (dir name, manifest) wins over what the tool printed, unless
        // the tool ran more (wrk's 16 connections in `10-users/`): one generator never
        // runs more than its stage, so the name is wrong there, and the tool's count
        // is kept as measured (the run's warnings name both: `users_from_data`).
        let whole = |name: &str, users: Option<u32>, rate: Option<f64>| {
            let mut s = overall.clone();
            s.name = name.to_string();
            let more = self.users.filter(|t| users.is_some_and(|u| *t > u));
            s.users = more.or(users).or(self.users);
            s.arrival_rate_rps = rate.or(self.arrival_rate_rps);
            s.window_basis = format!("whole run: {}'s summary covers the ramp too", self.tool);
            s.users_measured = (users.is_none() || more.is_some()) && self.users.is_some();
            s.ran_at_once = self.users;
            s
        };
        let stage = match plan {
            StagePlan::WholeDir { name, users, rate } => {
                let mut s = whole(name, *users, None);
                if let Some(r) = rate {
                    let (u, own) = (self.users, self.arrival_rate_rps);
                    notes.extend(super::named_rate::apply(&mut s, &self.tool, u, own, *r));
                }
                s
            }
            StagePlan::Detect { fallback, .. } => whole(fallback, None, None),
            StagePlan::Manifest(specs) if specs.len() == 1 => {
                whole(&specs[0].name, specs[0].users, specs[0].arrival_rate_rps)
            }
            StagePlan::Manifest(specs) => {
                match manifest_stage_of(specs, self.window_ms, self.users) {
                    // One of several runs in the dir (ab's consoles at 10, 50 and 100 users).
                    Some(spec) => {
                        notes.push(format!(
                            "{}'s summary of one run, at {} users: the manifest's stage {} (the \
                         only one at that load or time)",
                            self.tool,
                            self.users.map_or_else(|| "?".into(), |u| u.to_string()),
                            spec.name
                        ));
                        whole(&spec.name, spec.users, spec.arrival_rate_rps)
                    }
                    None => {
                        notes.push(format!(
                            "the manifest lists {} stages but {}'s summary covers the whole run: \
                         reported as one stage",
                            specs.len(),
                            self.tool
                        ));
                        whole("whole_run", None, None)
                    }
                }
            }
        };
        notes.extend(super::stages::fewer_than_planned(
            &self.tool, self.users, &stage,
        ));
        overall.users = stage.users;
        overall.arrival_rate_rps = stage.arrival_rate_rps;
        let mut stage = stage;
        say_clock(&mut stage, &self.tool, self.clock_basis.as_deref());
        notes.extend(super::untrimmed::apply(&fit, &mut stage));
        overall.untrimmed.clone_from(&stage.untrimmed);
        Source {
            tool: self.tool,
            stages: vec![stage],
            overall,
            notes,
            parts: Vec::new(),
            transport_errors_unseen: self.transport_errors_unseen,
            runs_left_out: self.runs_left_out,
            stopped_early: self.stopped_early,
            totals_disagree: None,
            outcomes_unseen: self.outcomes_unseen,
            unknown_origin: false,
            latency_unit_doubt: None,
            clock_unit_doubt: None,
            span_ms: self.window_ms,
            beside_stage: None,
            short_run: None,
            tool_checks: self.tool_checks,
            script_checks: self.script_checks,
            ok_server_errors: 0,
            phases_not_stages: Vec::new(),
            grouping: crate::model::Grouping::Names,
        }
    }
}

/// The summary sources read in one dir, combined per tool as runs **one after
/// another**: a dir is one generator's output, and one generator's runs follow each
/// other. A stage seen in several summaries without clock times gets the sum of their
/// durations (so its throughput is its requests ÷ the time they took: two 2,000 req/s
/// runs of 10 s and 15 s make 2,000 req/s over 25 s) and, as its planned rate, their
/// time-weighted mean rate; with clock times the windows decide, as everywhere. The
/// source's notes say so. (Summaries of generators that ran side by side belong in
/// dirs of their own with the same stage name: those are merged as one stage measured
/// by several generators.)
#[derive(Default)]
pub struct DirSummaries {
    /// Per tool: the combined source, and the stage whose durations were added with
    /// those durations (for the note).
    tools: Vec<(Source, Option<AddedDurations>)>,
    /// Per tool, the files added so far (for [`super::pooled_runs`]).
    files: Vec<(String, Vec<std::path::PathBuf>)>,
}

/// A stage's name and the durations (s) of the runs added into it.
type AddedDurations = (String, Vec<f64>);

impl DirSummaries {
    /// Adds one summary file's source (read from `path`); the problem of counts that
    /// would add up past a u64 with the earlier files' (nothing is added then), or of
    /// a run at the same load as an earlier file's that disagrees with it
    /// (`pooled_runs.rs`: added, and the problem says what the pooling mixes).
    pub fn add(&mut self, path: &Path, mut src: Source) -> Result<(), Problem> {
        // A packed summary cut short: its text may end where it should.
        super::adapters::mark_gzip_cut(&mut src, [path]);
        // A run that sent nothing beside its rerun at the same load is left out.
        if let Some((mine, added)) = self.tools.iter_mut().find(|(s, _)| s.tool == src.tool) {
            match super::sent_nothing::settle(mine, src) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    *added = None;
                    let files = self.files.iter_mut().find(|(t, _)| *t == mine.tool);
                    files.expect("a tool's files").1 = vec![path.to_path_buf()];
                    return Ok(());
                }
                Err(back) => src = *back,
            }
        }
        let files = match self.files.iter_mut().find(|(t, _)| *t == src.tool) {
            Some((_, files)) => files,
            None => {
                self.files.push((src.tool.clone(), Vec::new()));
                &mut self.files.last_mut().expect("just pushed").1
            }
        };
        let before: Vec<std::path::PathBuf> = files.clone();
        files.push(path.to_path_buf());
        let Some((mine, added)) = self.tools.iter_mut().find(|(s, _)| s.tool == src.tool) else {
            self.tools.push((src, None));
            return Ok(());
        };
        let before: Vec<&Path> = before.iter().map(|p| p.as_path()).collect();
        let disagrees = src.stages.iter().find_map(|stage| {
            let earlier = (mine.stages.iter()).find(|s| same_load(s, stage))?;
            super::pooled_runs::disagreement(earlier, &before, stage, path)
        });
        let fits = |a: &Stage, b: &Stage| {
            a.requests().checked_add(b.requests()).is_some()
                && b.endpoints.iter().all(|(k, ep)| {
                    a.endpoints
                        .get(k)
                        .is_none_or(|e| e.requests.checked_add(ep.requests).is_some())
                })
        };
        let stages_fit = src.stages.iter().all(|stage| {
            mine.stages
                .iter()
                .filter(|s| same_load(s, stage))
                .all(|s| fits(s, stage))
        });
        if !stages_fit || !fits(&mine.overall, &src.overall) {
            return Err(too_many(
                path,
                None,
                &format!(
                    "its request counts and the earlier {} files' in this dir",
                    src.tool
                ),
            ));
        }
        for stage in &src.stages {
            match mine.stages.iter_mut().find(|s| same_load(s, stage)) {
                Some(earlier) => {
                    if let Some((before, after)) = append_stage(earlier, stage) {
                        let (name, parts) =
                            added.get_or_insert_with(|| (stage.name.clone(), vec![before]));
                        // (A summary has one stage: the note follows the first.)
                        if *name == stage.name {
                            parts.push(after);
                        }
                    }
                }
                None => mine.stages.push(stage.clone()),
            }
        }
        // The run as a whole: one run after the other, whatever the stages.
        append_stage(&mut mine.overall, &src.overall);
        mine.notes.extend(src.notes);
        mine.tool_checks.extend(src.tool_checks);
        mine.script_checks.merge(&src.script_checks);
        if mine.stopped_early.is_none() {
            mine.stopped_early = src.stopped_early;
        }
        disagrees.map_or(Ok(()), Err)
    }

    /// The combined sources, each with a note when durations were added, and its
    /// stages at several loads in order of their users (`by_users`).
    pub fn finish(self, plan: &StagePlan) -> Vec<Source> {
        self.tools
            .into_iter()
            .map(|(mut src, added)| {
                // On the clock, in the order they ran (a loop's files sort by name).
                if src.stages.iter().all(|s| s.window_ms.is_some()) {
                    src.stages.sort_by_key(|s| s.window_ms);
                }
                super::pooled_runs::unpool_paced(&src.tool, &mut src.stages, &mut src.notes);
                super::load_order::by_users(&mut src, plan);
                let stage = added.as_ref().and_then(|(name, parts)| {
                    Some((src.stages.iter().find(|s| &s.name == name)?, parts))
                });
                if let Some((stage, parts)) = stage {
                    let total: f64 = parts.iter().sum();
                    let each: Vec<String> = parts.iter().map(|d| format!("{d:.1} s")).collect();
                    src.notes.push(format!(
                        "{} {} summaries in one dir are read as runs one after another (a dir \
                         is one generator's output): durations add ({} = {total:.1} s), so the \
                         throughput of stage {} is {} requests ÷ {total:.1} s = {:.1} req/s, and \
                         a planned arrival rate is their time-weighted mean. Runs that went \
                         side by side (several generators) belong in dirs of their own with the \
                         same stage name",
                        parts.len(),
                        src.tool,
                        each.join(" + "),
                        stage.name,
                        stage.requests(),
                        stage.requests() as f64 / total
                    ));
                }
                src
            })
            .collect()
    }
}

/// Says in `stage`'s window basis what placed it on the clock (`clock`: ab's `-g`
/// file) or, without a window, that its start and end are unknown (so that the
/// report's empty start and end cells are explained).
fn say_clock(stage: &mut Stage, tool: &str, clock: Option<&str>) {
    match (stage.window_ms, clock) {
        (Some(_), Some(clock)) => stage.window_basis = format!("{}; {clock}", stage.window_basis),
        (Some(_), None) => {}
        (None, _) => {
            stage.window_basis = format!(
                "{}; {tool}'s summary gives no clock time: the stage's start and end are \
                 unknown",
                stage.window_basis
            );
        }
    }
}

/// Appends a later run's figures of the same stage: measurements add, and without
/// clock times the durations add and the planned rates average over time. Returns the
/// two durations when they were added.
fn append_stage(earlier: &mut Stage, later: &Stage) -> Option<(f64, f64)> {
    let timed = earlier.window_ms.is_some() || later.window_ms.is_some();
    let durations = earlier.duration_s.zip(later.duration_s);
    let rate = match (earlier.arrival_rate_rps, later.arrival_rate_rps, durations) {
        (Some(a), Some(b), Some((da, db))) if da + db > 0.0 => Some((a * da + b * db) / (da + db)),
        (Some(a), Some(b), _) if a == b => Some(a),
        // One run's plan is unknown: so is the combined one.
        _ => None,
    };
    earlier.merge(later);
    earlier.arrival_rate_rps = rate;
    if timed {
        return None;
    }
    // Without clock times: the time the runs took together (unknown when one's is).
    earlier.duration_s = durations.map(|(a, b)| a + b);
    durations
}

/// An endpoint with a tool's figures: counts, and a latency distribution that is not
/// split by outcome unless the caller sets `ok_latency` itself.
pub fn endpoint(
    key: crate::model::EndpointKey,
    requests: u64,
    latency: LatencyDistribution,
) -> EndpointStats {
    let mut ep = EndpointStats::new(key);
    ep.requests = requests;
    ep.latency = latency;
    ep.ok_latency = None;
    ep
}

/// The one manifest stage a whole-run summary is: the only one whose window holds the
/// summary's, else the only one at the summary's users.
fn manifest_stage_of(
    specs: &[StageSpec],
    window: Option<(i64, i64)>,
    users: Option<u32>,
) -> Option<&StageSpec> {
    fn only(hits: Vec<&StageSpec>) -> Option<&StageSpec> {
        (hits.len() == 1).then(|| hits[0])
    }
    let by_time = window.and_then(|(a, b)| {
        only(
            (specs.iter())
                .filter(|s| s.window_ms.is_some_and(|(c, d)| c <= a && b <= d))
                .collect(),
        )
    });
    by_time.or_else(|| {
        let u = users?;
        only(specs.iter().filter(|s| s.users == Some(u)).collect())
    })
}

/// The name an endpoint gets when the file does not name what was tested (oha JSON,
/// hey CSV, `.hgrm`): the file's stem.
pub fn file_stem(path: &Path) -> String {
    // A packed file (`hey.txt.gz`) names the endpoint as unpacked would.
    let name = path.file_name().and_then(|s| s.to_str());
    let unpacked = name.and_then(|n| n.strip_suffix(".gz")).map(Path::new);
    (unpacked.unwrap_or(path).file_stem())
        .and_then(|s| s.to_str())
        .unwrap_or("requests")
        .to_string()
}

/// Records `count` values of `value_ms` into a µs histogram, as every other latency
/// in the model is ([`crate::model::ms_to_us`]): a 0 (a tool's whole-ms time of an
/// answer under its resolution) stays 0, never a made-up 1 µs; other sub-µs values
/// count as 1 µs.
pub fn record_ms_n(h: &mut Histogram<u64>, value_ms: f64, count: u64) {
    if count == 0 || !value_ms.is_finite() || value_ms < 0.0 {
        return;
    }
    let us = crate::model::ms_to_us(value_ms);
    if h.record_n(us, count).is_err() {
        let _ = h.record_n(h.high(), count);
    }
}

/// Compiles a reader's fixed patterns once (`cell` is the reader's own `static`) and
/// returns them in order. The patterns are literals, so a bad one is a bug.
pub fn static_regexes<const N: usize>(
    cell: &'static std::sync::OnceLock<[regex::Regex; N]>,
    patterns: [&str; N],
) -> &'static [regex::Regex; N] {
    cell.get_or_init(|| patterns.map(|r| regex::Regex::new(r).expect("static regex")))
}

#[cfg(test)]
mod tests {
    use super::super::{artillery, goose, hey, hgrm, locust, oha, vegeta, wrk};

    /// Every part-B sniffer claims its own format's head and nobody else's, including
    /// the heads of the formats other adapters read.
    #[test]
    fn sniffers_claim_only_their_own_format() {
        type Sniffer = fn(&str) -> bool;
        let sniffers: [(&str, Sniffer); 10] = [
            ("vegeta-csv", vegeta::sniff),
            ("vegeta-json", vegeta::sniff_json),
            ("wrk", wrk::sniff),
            ("hgrm", hgrm::sniff),
            ("oha", oha::sniff),
            ("oha-csv", oha::sniff_csv),
            ("hey", hey::sniff),
            ("artillery", artillery::sniff),
            ("goose", goose::sniff),
            ("locust-json", locust::json::sniff),
        ];
        let heads: &[(&str, &str)] = &[
            ("vegeta-csv", "1700000000123456789,200,1500000,0,10,\"\"\n"),
            ("vegeta-json", "{\"attack\":\"\",\"seq\":0,\"code\":200,\"timestamp\":\"2019-11-04T16:46:16.885395434+09:00\",\"latency\":1089318,\"bytes_out\":0,\"bytes_in\":0,\"error\":\"\"}\n"),
            ("wrk", "wrk -t1 -c1 -d10s -R2000 --latency http://x\n\nRunning 10s test @ http://127.0.0.1:8080\n  1 threads and 1 connections\n  Latency Distribution (HdrHistogram - Recorded Latency)\n       Value   Percentile   TotalCount 1/(1-Percentile)\n"),
            ("hgrm", "       Value   Percentile   TotalCount 1/(1-Percentile)\n\n       0.036     0.000000            1         1.00\n"),
            ("hgrm", "\"Value\",\"Percentile\",\"TotalCount\",\"1/(1-Percentile)\"\n0.036,0.0,1,1.00\n"),
            ("oha", "{\n  \"summary\": {\n    \"successRate\": 1.0,\n    \"total\": 10.0,\n    \"requestsPerSec\": 5.0\n  }\n}"),
            ("hey", "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n0.0123,0.0010,0.0001,0.0000,0.0110,0.0002,200,0.0005"),
            ("artillery", "{\n  \"aggregate\": {\n    \"counters\": {\"http.requests\": 10}\n  },\n  \"intermediate\": []\n}"),
            ("artillery", "{\"intermediate\": [], \"aggregate\": {\"latency\": {}}}"),
            ("goose", "elapsed,scenario_index,scenario_name,transaction_index,transaction_name,raw,name,final_url,redirected,response_time,status_code,success,update,user,error,coordinated_omission_elapsed,user_cadence\n"),
            ("locust-json", "[\n    {\n        \"name\": \"/a\",\n        \"method\": \"GET\",\n        \"num_requests\": 1,\n        \"response_times\": {\"12\": 1}\n    }\n]"),
            // Formats other adapters read: nobody here may claim them.
            ("", "Type,Name,Request Count,Failure Count,Median Response Time\n"),
            ("", "timeStamp,elapsed,label,responseCode,responseMessage\n1700000000123,250,home,200,OK\n"),
            ("", "1700000000123,250,home,200,OK,Thread 1-1,text,true,,100\n"),
            ("", "metric_name,timestamp,metric_value,check\nhttp_reqs,1700000000,1,\n"),
            ("", "{\"type\":\"Metric\",\"data\":{\"name\":\"http_reqs\"},\"metric\":\"http_reqs\"}\n"),
            ("", "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"2021-05-02T10:00:00-04:00\",\"value\":12.5}}\n"),
            ("", "{\n  \"root_group\": {},\n  \"metrics\": {\"http_reqs\": {\"count\": 5}}\n}"),
            ("", "RUN\tsim\tsim\t1700000000000\t \t3.9.5\n"),
            ("", "timestamp_ms,endpoint,latency_ms,status\n1700000000123,/a,12.5,200\n"),
            ("", "#[Histogram log format version 1.3]\n0.127,1.007,2.769,HISTFAAAAEV42pNpmSzMwMCgyAABTBDKT4GBgdnNYMcCBvsPEBEJISEuATEZMQ4uASkhIR4nrxg9v2lMaxhvMekILGZkKmcCAEf2CsI=\n"),
            ("oha-csv", "request-start,DNS,DNS+dialup,Response-delay,request-duration,bytes,status\n0.001,0.0,0.0,0.01,0.012,100,200\n"),
        ];
        for (want, head) in heads {
            let claimed: Vec<&str> = sniffers
                .iter()
                .filter(|(_, sniff)| sniff(head))
                .map(|(name, _)| *name)
                .collect();
            let expected: Vec<&str> = Some(*want).filter(|w| !w.is_empty()).into_iter().collect();
            assert_eq!(claimed, expected, "head: {head}");
        }
    }
}
