//! `Run`: provenance, sources, stages and per-endpoint measurements.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use super::{
    FailureKind, FailuresUnseen, LatencyDistribution, Manifest, ScriptChecks, ThinkTime,
    TimeSeries, ToolCheck,
};

/// Everything headroom knows about one load test.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// Label, environment, timing and completeness.
    pub meta: RunMeta,
    /// Every file that was read, with its fingerprint.
    pub inputs: Vec<InputFile>,
    /// Files (or lines) that could not be read, and why.
    pub problems: Vec<Problem>,
    /// Doubts about inputs that left nothing unread (a `.hlog` unit that looks wrong, an
    /// option overriding a file's unit): warnings, not problems.
    pub warnings: Vec<Problem>,
    /// Files that were not read, and why (unrecognised, a format not read yet, the
    /// same data again, or other data the report does not cover).
    pub skipped: Vec<Skipped>,
    /// One source per load tool: two tools are reported side by side, never summed.
    pub sources: Vec<Source>,
    /// The source chosen to lead when several describe the same requests (see
    /// `ingest::arbitrate`); `None`: the one with the most requests.
    pub preferred: Option<usize>,
    /// What choosing between sources and cross-checking them found (and between a
    /// stage dir's name and its data, on the users), for the warnings.
    pub arbitration: Vec<String>,
    /// The pass/fail checks the load tool judged itself on this run's data (k6's
    /// thresholds), from the files read or checked to be this run's.
    pub tool_checks: Vec<ToolCheck>,
}

impl Run {
    /// The parts the source of `tool` holds so far, in the order they were added (none
    /// before it has one): what a dir added is what follows the count taken before.
    pub fn parts_of(&self, tool: &str) -> &[SourcePart] {
        (self.sources.iter().find(|s| s.tool == tool)).map_or(&[], |s| s.parts.as_slice())
    }

    /// The source the report leads with: the chosen one, else the one with the most
    /// requests (never one measured beside another tool in a stage dir).
    pub fn primary(&self) -> Option<&Source> {
        match self.preferred.and_then(|i| self.sources.get(i)) {
            Some(s) => Some(s),
            None => (self.sources.iter())
                .filter(|s| s.beside_stage.is_none())
                .max_by_key(|s| s.overall.requests()),
        }
    }
}

/// What the run says about itself (manifest, or what the inputs imply).
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunMeta {
    /// Release label.
    pub label: Option<String>,
    /// Environment.
    pub environment: Option<String>,
    /// Commit of the system under test.
    pub git_sha: Option<String>,
    /// RFC 3339 start.
    pub started: Option<String>,
    /// RFC 3339 end.
    pub ended: Option<String>,
    /// Virtual users' think time.
    pub think_time: Option<ThinkTime>,
    /// Base URL of the system under test.
    pub target_url: Option<String>,
    /// False when a manifest says the run stopped early.
    pub complete: Option<bool>,
    /// Why it stopped early.
    pub incomplete_reason: Option<String>,
    /// False when a manifest says the data was simulated.
    pub measured: bool,
    /// The load tool (and version) a manifest names.
    pub tool: Option<String>,
    /// What the run is for, as a manifest says.
    pub description: Option<String>,
    /// Host name of the load-generating machine.
    pub client_host: Option<String>,
    /// Its logical CPUs.
    pub client_cpus: Option<u32>,
    /// Stage name → what the stage is for, as a manifest says.
    pub stage_descriptions: BTreeMap<String, String>,
    /// The planned task mix, as a manifest says.
    pub planned_tasks: Vec<super::PlannedTask>,
    /// The number of shards of the plan, when a manifest's `[shard]` table says the
    /// run is part of a sharded plan (`drive --shard i/N`): its parts are the shards,
    /// each an exact share of one plan, so equal shares are expected, not a copy.
    #[serde(skip)]
    pub shards: Option<u32>,
}

impl RunMeta {
    /// Takes whatever a manifest says, keeping what is already known otherwise.
    pub fn absorb_manifest(&mut self, m: &Manifest) {
        fn take(slot: &mut Option<String>, v: &Option<String>) {
            if v.is_some() {
                slot.clone_from(v);
            }
        }
        take(&mut self.label, &m.label);
        take(&mut self.environment, &m.environment);
        take(&mut self.git_sha, &m.git_sha);
        take(&mut self.started, &m.started);
        take(&mut self.ended, &m.ended);
        take(&mut self.target_url, &m.target_url);
        take(&mut self.incomplete_reason, &m.incomplete_reason);
        take(&mut self.tool, &m.tool);
        take(&mut self.description, &m.description);
        take(&mut self.client_host, &m.client_host);
        self.client_cpus = m.client_cpus.or(self.client_cpus);
        for st in &m.stages {
            if let Some(d) = &st.description {
                self.stage_descriptions.insert(st.name.clone(), d.clone());
            }
        }
        if !m.tasks.is_empty() {
            self.planned_tasks.clone_from(&m.tasks);
        }
        self.think_time = m.think_time.or(self.think_time);
        if let Some(sh) = &m.shard {
            self.shards = Some(sh.count);
        }
        if let Some(c) = m.complete {
            self.complete = Some(self.complete.unwrap_or(true) && c);
        }
        if m.simulated == Some(true) {
            self.measured = false;
        }
    }
}

/// A file that was not read, and why.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Skipped {
    /// The file (or dir).
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    /// Why, in a sentence.
    pub reason: String,
    /// What leaving it out costs the report.
    pub kind: SkipKind,
}

impl Skipped {
    /// A file that is not a load-test result headroom reads.
    pub fn not_result(path: PathBuf, reason: impl Into<String>) -> Self {
        Self::new(path, reason, SkipKind::NotResult)
    }

    /// A skipped file of the given kind.
    pub fn new(path: PathBuf, reason: impl Into<String>, kind: SkipKind) -> Self {
        Skipped {
            path,
            reason: reason.into(),
            kind,
        }
    }
}

/// What a skipped file holds, against what the report shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// Not a load-test result headroom reads (a console log, HTML, an empty file…).
    NotResult,
    /// Per-request detail of data read in another form (the driver's rows by its interval log).
    Detail,
    /// Requests the report already counts: a byte-identical copy, or the run's other output.
    SameData,
    /// A result holding other requests (another run, a stage the dir layout leaves out, a
    /// file whose counts disagree), or a stage dir's copy of another stage dir's results
    /// (that stage's own data is missing): not covered, so the data is not clean.
    OtherData,
    /// A separate, earlier run kept beside the one read (Gatling's results folder holds
    /// every run of a simulation): not part of the run analysed, which stays clean.
    EarlierRun,
}

/// One input file.
#[derive(Clone, Debug, Serialize)]
pub struct InputFile {
    /// Path as given (relative to the working directory).
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    /// Detected format (`locust-stats`, `generic-csv`, `hdr-log`, …).
    pub format: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Tool and version hints, when the content reveals them.
    pub tool_version: Option<String>,
}

/// A file or line that could not be read.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Problem {
    /// The file.
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    /// 1-based line, when the problem has one.
    pub line: Option<u64>,
    /// What is wrong and, where possible, what to do.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.reason),
            None => write!(f, "{}: {}", self.path.display(), self.reason),
        }
    }
}

/// The data of one load tool: its stages and everything it measured.
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// Tool name (`locust`, `headroom`, `generic-csv`, `hdr-log`…).
    pub tool: String,
    /// The stages, in time order.
    pub stages: Vec<Stage>,
    /// Every request of the source, ramps included.
    pub overall: Stage,
    /// Things the source says about itself that the report should show (Locust
    /// exceptions in user code, skipped duplicates…).
    pub notes: Vec<String>,
    /// True when the source's files list only the requests that got an answer: the
    /// tool leaves transport errors (timeouts, refused or reset connections) out of
    /// them (hey's and oha's CSV), so its failures, error rate and availability are
    /// bounds, not measurements. Set from what the readers say of their files; a
    /// merged source has it when any of its parts has.
    pub transport_errors_unseen: bool,
    /// Why a file of the source holds data it does not cover: runs appended after the
    /// one read (a console capture of two runs); the report's figures leave them out.
    /// A merged source has the first part's.
    pub runs_left_out: Option<String>,
    /// Why the source's run stopped before the length or count its own output says it
    /// was started for (wrk's `Running 10s test` that ends `in 3.00s`, httperf's
    /// `--num-conns` not reached): the run was interrupted, so the run is incomplete.
    /// A merged source has the first part's.
    pub stopped_early: Option<String>,
    /// Why two of the source's files count its run differently beyond what their
    /// timing explains (a Locust stats history's last cumulative total against its
    /// stats file's), naming each file and its count: its stages rest on one and its
    /// whole run on the other, so no rule is judged on either. A merged source has the
    /// first part's; each stage keeps its own part's ([`Stage::totals_disagree`]).
    pub totals_disagree: Option<super::TotalsDisagree>,
    /// True when the source's files record no outcome per request (ab's `-g` TSV:
    /// times only), so a failed or non-2xx response counts as a success: its failure
    /// figures (error rate, availability, goodput, Apdex, status shares) measure
    /// nothing. A merged source has it when any of its parts has.
    pub outcomes_unseen: bool,
    /// True when its files are generic CSVs whose columns go by other names than
    /// headroom's own (`time`, `path`, `duration`…): a file of unknown origin, which a
    /// server's access log or an APM export (timed on the server's side) reads as. It
    /// never leads beside a load tool's own results, nor answers a rule for them.
    pub unknown_origin: bool,
    /// Why its latencies are likely in another unit than they were read in (a `.hlog`
    /// whose `Interval_Max` column says so), one clause naming the file: no latency
    /// figure of it can carry a verdict. A merged source has the first part's.
    pub latency_unit_doubt: Option<String>,
    /// Why its times are likely in another unit than they were read in (a generic
    /// CSV's time since the test began that names no unit, seconds or ms), one clause
    /// naming the file: its durations, and so every rate, may be off by 1,000×, and no
    /// rate figure of it can carry a verdict. A merged source has the first part's.
    pub clock_unit_doubt: Option<String>,
    /// Each part merged into this source (one per result set or dir of the tool), with
    /// its own totals: the audit tells a second generator from the same requests read
    /// twice. Filled when the run dir adds the source.
    pub parts: Vec<SourcePart>,
    /// The times its observations span, `[first, end)` epoch ms, before `--warmup`,
    /// `--from` and `--to`: what a time filter that left nothing is told against.
    pub span_ms: Option<(i64, i64)>,
    /// The stage this source measured beside another tool in one stage dir, when the
    /// run's stages are the primary source's and that stage's figures are the other
    /// tool's (`ingest::run_dir`): the source never leads, and is checked against that
    /// stage alone. `None`: a source of the whole run.
    pub beside_stage: Option<String>,
    /// Why this source is a short run apart from the run beside it (another tool's
    /// smoke test or warm-up): it never leads, and leaves the run's data complete.
    pub short_run: Option<String>,
    /// Requests its files mark successful although they answered 5xx (JMeter with a
    /// Response Assertion that ignores the status), of the endpoints the source keeps:
    /// successes, as the tool says, which the verdict does not let pass unremarked.
    pub ok_server_errors: u64,
    /// Named parts of the run that ran but are no stage, each with why (Artillery's
    /// ramp and pause phases, a phase no report period lies inside): an SLA naming one
    /// as a stage lacks its data, rather than naming nothing the run did.
    pub phases_not_stages: Vec<(String, String)>,
    /// The checks the tool judged itself in these files (the run's, in a run dir).
    pub tool_checks: Vec<ToolCheck>,
    /// The script's own checks of the answers (k6's `check()`), over the whole run.
    pub script_checks: ScriptChecks,
    /// How its request names are grouped into endpoints (`model::grouping`).
    pub grouping: super::Grouping,
}

/// A source's flags that a verdict rests on ([`Source`]'s fields of the
/// same names); each left out of report.json when unset.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
pub struct SourceFlags {
    /// Its files leave transport errors out (hey's CSV).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub transport_errors_unseen: bool,
    /// Its files record no outcome per request (ab's `-g` file alone).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outcomes_unseen: bool,
    /// Why a file of it holds runs its figures leave out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs_left_out: Option<String>,
    /// Why its latencies are likely in another unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_unit_doubt: Option<String>,
    /// Why its times are likely in another unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_unit_doubt: Option<String>,
    /// Requests its files mark successful although they answered 5xx.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ok_server_errors: u64,
    /// Its script's checks of the answers: `[passes, fails]` by check name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub script_checks: BTreeMap<String, (u64, u64)>,
    /// The tool (wrk) corrected its latency summary for coordinated omission.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub latency_co_corrected: bool,
}

/// True for 0 (a count left out of report.json when there is none).
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One part of a source as it was read, before merging: its stages and own totals.
#[derive(Clone, Debug, PartialEq)]
pub struct SourcePart {
    /// The part's stage names.
    pub stages: Vec<String>,
    /// Its stages' users, in the same order.
    pub users: Vec<Option<u32>>,
    /// Its own total requests and failures.
    pub requests: u64,
    /// Failed requests.
    pub failures: u64,
    /// Requests and failures per endpoint, in key order.
    pub endpoints: Vec<(EndpointKey, u64, u64)>,
    /// Its own mean and maximum latency, ms, where it has them.
    pub latency_ms: (Option<f64>, Option<f64>),
}

impl SourcePart {
    /// The part that `src` is, as read.
    pub fn of(src: &Source) -> SourcePart {
        let o = &src.overall;
        let rows: Vec<&EndpointStats> = o.endpoints.values().filter(|e| !e.transaction).collect();
        let failures = match &o.aggregate {
            Some(a) => a.failures,
            None => rows.iter().map(|e| e.failures).sum(),
        };
        // The tool's own whole figures, or its one endpoint's (a console summary).
        let latency = match (&o.aggregate, rows.as_slice()) {
            (Some(a), _) => Some(&a.latency),
            (None, [one]) => Some(&one.latency),
            (None, _) => None,
        };
        SourcePart {
            stages: src.stages.iter().map(|s| s.name.clone()).collect(),
            users: src.stages.iter().map(|s| s.users).collect(),
            requests: o.requests(),
            failures,
            endpoints: rows
                .iter()
                .map(|e| (e.key.clone(), e.requests, e.failures))
                .collect(),
            latency_ms: (
                latency.and_then(|l| l.mean_ms()),
                latency.and_then(|l| l.max_ms()),
            ),
        }
    }
}

/// A period of constant load, with its measurements over the steady window.
#[derive(Clone, Debug, Default)]
pub struct Stage {
    /// Stage name.
    pub name: String,
    /// The load tool that measured it, when the source's stages come from different
    /// tools (one per stage dir, see `ingest::run_dir`); `None`: the source's tool.
    pub tool: Option<String>,
    /// What `tool`'s files leave out (set with `tool`): its stages' failure figures are
    /// bounds. With `tool` unset, the source's flags hold for every stage.
    pub failures_unseen: Option<FailuresUnseen>,
    /// Concurrent users of a closed model.
    pub users: Option<u32>,
    /// Target arrival rate of an open model, req/s.
    pub arrival_rate_rps: Option<f64>,
    /// Users started per second in the ramp.
    pub spawn_rate: Option<f64>,
    /// Steady window, epoch ms `[start, end)`; `None` when the source has no times.
    pub window_ms: Option<(i64, i64)>,
    /// Length of the measured period, s, when known without a window (a summary's count ÷ rate).
    pub duration_s: Option<f64>,
    /// The measured length, s, of a window wider than its run (a manifest's `duration_s`:
    /// ab's `-g` whole-second starts); the duration when within the window.
    pub measured_s: Option<f64>,
    /// How the window was chosen, for the report (`"manifest"`, `"plateau of users"`…).
    pub window_basis: String,
    /// Every request of the window started at one instant (one request, or a burst at
    /// one time): the window is the clock's resolution, so no duration, no throughput.
    pub instant: bool,
    /// Per-endpoint measurements.
    pub endpoints: BTreeMap<EndpointKey, EndpointStats>,
    /// The source's own whole-stage figures (Locust's `Aggregated` row), preferred
    /// over a merge of the endpoints' summaries, which could only be approximate.
    pub aggregate: Option<EndpointStats>,
    /// The stage's series: every request (no transaction rows, as in its figures) with
    /// dense interval histograms, and the users; summaries fill what they carry.
    pub timeline: TimeSeries,
    /// Why its figures hold requests outside the window `--warmup`/`--from`/`--to`
    /// asked for (one clause): a whole-run summary cannot be trimmed, so no rule is
    /// judged on them. `None`: the flags were applied, or none was given.
    pub untrimmed: Option<String>,
    /// Its users are what the tool counted (a plateau of its users series, its own
    /// connections), not a dir name's or manifest's: one of several generators' count.
    pub users_measured: bool,
    /// Requests the tool kept in flight at once (ab's `-c`): `users` may be the plan's, more.
    pub ran_at_once: Option<u32>,
    /// The run's one stage has no endpoints of its own, but the whole run's endpoint
    /// figures are its endpoints' (why, one clause): its endpoint rules judge those.
    pub endpoints_whole_run: Option<String>,
    /// The whole figures of the run `endpoints_whole_run` speaks of, kept once other
    /// runs' stages join the stage's source (its overall is then theirs too: a Locust
    /// `--csv a` and `--csv b` in one dir); `None`: the source's overall is that run's.
    pub whole_run: Option<Box<Stage>>,
    /// Per-request files `export` puts in this windowless stage (ab loops' `-g` files).
    pub rows_from: Vec<std::path::PathBuf>,
    /// Its run's disputed counts ([`Source::totals_disagree`]): no rule is judged on it.
    pub totals_disagree: Option<super::TotalsDisagree>,
}

impl Stage {
    /// A named, empty stage.
    pub fn named(name: impl Into<String>) -> Stage {
        Stage {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Total requests: the source's aggregate when it has one, else the endpoints'
    /// sum (transaction rows left out: their samples are counted on their own).
    pub fn requests(&self) -> u64 {
        match &self.aggregate {
            Some(a) => a.requests,
            None => self
                .endpoints
                .values()
                .filter(|e| !e.transaction)
                .map(|e| e.requests)
                .sum(),
        }
    }

    /// Total failures, counted as [`Stage::requests`] counts requests.
    pub fn failures(&self) -> u64 {
        match &self.aggregate {
            Some(a) => a.failures,
            None => (self.endpoints.values())
                .filter(|e| !e.transaction)
                .map(|e| e.failures)
                .sum(),
        }
    }

    /// The endpoint entry for `key`, created empty with an exact distribution.
    pub fn endpoint(&mut self, key: &EndpointKey) -> &mut EndpointStats {
        if !self.endpoints.contains_key(key) {
            self.endpoints
                .insert(key.clone(), EndpointStats::new(key.clone()));
        }
        self.endpoints.get_mut(key).expect("just inserted")
    }

    /// Length of the steady window (or the summary's own duration), seconds.
    pub fn duration_s(&self) -> Option<f64> {
        if self.instant {
            return None;
        }
        let window = (self.window_ms.map(|(a, b)| (b - a) as f64 / 1000.0)).filter(|d| *d > 0.0);
        let fits = |m: &f64| *m > 0.0 && window.is_some_and(|w| *m <= w);
        self.measured_s.filter(fits).or(window).or(self.duration_s)
    }

    /// True when `t_ms` lies in the steady window.
    pub fn contains(&self, t_ms: i64) -> bool {
        self.window_ms.is_some_and(|(a, b)| t_ms >= a && t_ms < b)
    }

    /// Adds another stage's measurements (same stage seen by another generator).
    pub fn merge(&mut self, other: &Stage) {
        self.merge_from(other.clone());
    }

    /// [`Stage::merge`], taking `other`'s figures instead of copying them (a reader's
    /// parts are merged this way, so their series are never held twice).
    pub fn merge_from(&mut self, other: Stage) {
        for (key, ep) in other.endpoints {
            match self.endpoints.get_mut(&key) {
                Some(mine) => mine.merge_from(ep),
                None => {
                    self.endpoints.insert(key, ep);
                }
            }
        }
        self.aggregate = match (self.aggregate.take(), &other.aggregate) {
            (Some(mut a), Some(b)) => {
                a.merge(b);
                Some(a)
            }
            // Only one side has an aggregate: the merged stage must be re-summed.
            _ => None,
        };
        self.timeline.merge_from(other.timeline);
        // Still one instant only when both are the same one.
        self.instant = self.instant && other.instant && self.window_ms == other.window_ms;
        self.measured_s = (self.measured_s).filter(|_| self.window_ms == other.window_ms);
        self.window_ms = match (self.window_ms, other.window_ms) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (a, b) => a.or(b),
        };
        self.duration_s = match (self.duration_s, other.duration_s) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.untrimmed = self.untrimmed.take().or(other.untrimmed);
        self.totals_disagree = self.totals_disagree.take().or(other.totals_disagree);
        self.rows_from.extend(other.rows_from);
        // Generators of one stage: their runs' whole figures add as the stage's do.
        self.whole_run = match (self.whole_run.take(), other.whole_run) {
            (Some(mut a), Some(b)) => {
                a.merge_from(*b);
                Some(a)
            }
            (a, b) => a.or(b),
        };
    }
}

/// `METHOD name` (or just `name` when the method is unknown).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EndpointKey {
    /// HTTP method or request type, when the source gives one.
    pub method: Option<String>,
    /// Request name or URL path.
    pub name: String,
}

impl EndpointKey {
    /// A key; an empty method counts as unknown.
    pub fn new(method: Option<&str>, name: &str) -> EndpointKey {
        EndpointKey {
            method: (method.map(str::trim).filter(|m| !m.is_empty())).map(str::to_string),
            name: super::endpoint_key::cut_label(name).unwrap_or_else(|| name.to_string()),
        }
    }
}

/// Measurements of one endpoint within one stage (or overall).
#[derive(Clone, Debug)]
pub struct EndpointStats {
    /// The endpoint.
    pub key: EndpointKey,
    /// Requests (successes and failures).
    pub requests: u64,
    /// Failed requests.
    pub failures: u64,
    /// Failures by kind.
    pub failures_by_kind: BTreeMap<FailureKind, u64>,
    /// Failures by normalised error message.
    pub errors: BTreeMap<String, u64>,
    /// Response bytes received, when the source counts them.
    pub bytes_received: Option<u64>,
    /// Latency over every request with a measured time.
    pub latency: LatencyDistribution,
    /// Latency over successful requests only (`None` when the source cannot tell).
    pub ok_latency: Option<LatencyDistribution>,
    /// Per-interval series.
    pub series: TimeSeries,
    /// A JMeter transaction-controller row (an aggregate of other samples).
    pub transaction: bool,
    /// How far `requests` and `failures` may be off (a console that rounds them).
    pub count_slack: super::CountSlack,
    /// The request timeout the tool ran with, ms, when its output or command line says
    /// (autocannon's `-t`, or its default): a request that timed out waited at least
    /// this long, whether or not any latency was measured beside it.
    pub timeout_ms: Option<f64>,
}

impl EndpointStats {
    /// Empty stats with exact distributions.
    pub fn new(key: EndpointKey) -> EndpointStats {
        EndpointStats {
            key,
            requests: 0,
            failures: 0,
            failures_by_kind: BTreeMap::new(),
            errors: BTreeMap::new(),
            bytes_received: None,
            latency: LatencyDistribution::new_exact(),
            ok_latency: Some(LatencyDistribution::new_exact()),
            series: TimeSeries::default(),
            transaction: false,
            count_slack: super::CountSlack::default(),
            timeout_ms: None,
        }
    }

    /// Records one failure of `kind` with its (normalised) message.
    pub fn add_failure(&mut self, kind: FailureKind, message: Option<&str>, count: u64) {
        *self.failures_by_kind.entry(kind).or_default() += count;
        if let Some(m) = message.filter(|m| !m.trim().is_empty()) {
            super::failure::with_normalized_error(m, |m| match self.errors.get_mut(m) {
                Some(n) => *n += count,
                None => {
                    self.errors.insert(m.to_string(), count);
                }
            });
        }
    }

    /// Adds another endpoint's measurements into this one.
    pub fn merge(&mut self, other: &EndpointStats) {
        self.merge_from(other.clone());
    }

    /// [`EndpointStats::merge`], taking `other`'s series instead of copying it.
    pub fn merge_from(&mut self, other: EndpointStats) {
        self.timeout_ms = shorter_timeout(
            (self.timeout_ms, timeouts_of(&self.failures_by_kind)),
            (other.timeout_ms, timeouts_of(&other.failures_by_kind)),
        );
        self.requests += other.requests;
        self.failures += other.failures;
        for (k, v) in &other.failures_by_kind {
            *self.failures_by_kind.entry(*k).or_default() += v;
        }
        for (k, v) in &other.errors {
            *self.errors.entry(k.clone()).or_default() += v;
        }
        self.bytes_received = match (self.bytes_received, other.bytes_received) {
            // Byte counts are not checked by the readers: past a u64 they saturate.
            (Some(a), Some(b)) => Some(a.saturating_add(b)),
            (a, b) => a.or(b),
        };
        self.latency.merge(&other.latency);
        self.ok_latency = match (self.ok_latency.take(), &other.ok_latency) {
            (Some(mut a), Some(b)) => {
                a.merge(b);
                Some(a)
            }
            _ => None,
        };
        self.series.merge_from(other.series);
        self.transaction |= other.transaction;
        self.count_slack = self.count_slack.plus(other.count_slack);
    }
}

/// The timed-out requests among failures by kind.
fn timeouts_of(kinds: &BTreeMap<FailureKind, u64>) -> u64 {
    kinds.get(&FailureKind::Timeout).copied().unwrap_or(0)
}

/// The timeout every timed-out request of two parts waited at least (each part's
/// timeout and its timed-out requests, before merging): the shorter of the two; unknown
/// when a part with timed-out requests has none (a part without any adds no bound).
pub fn shorter_timeout(a: (Option<f64>, u64), b: (Option<f64>, u64)) -> Option<f64> {
    match (a, b) {
        ((Some(x), _), (Some(y), _)) => Some(x.min(y)),
        ((Some(x), _), (None, 0)) | ((None, 0), (Some(x), _)) => Some(x),
        _ => None,
    }
}

/// Serialises a path as text, any bytes that are not UTF-8 shown as U+FFFD: a file name
/// that is not UTF-8 is still named in report.json and the reports instead of failing them.
pub fn lossy_path<S: serde::Serializer>(path: &std::path::Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}
