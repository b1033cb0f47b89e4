//! Reading replayable observations into one source: a survey pass (span, users,
//! rows left out), the stage windows, then a recording pass into overall, stages and
//! endpoints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::ingest::plausible::{Exclusions, Watch};
use crate::ingest::progress::Progress;
use crate::ingest::stages::{plateaus, specs_from_plateaus, StagePlan, StageSpec};
use crate::ingest::{problem, IngestOptions, Observation, Replay};
use crate::model::{
    normalize_label, plausible_time, EndpointKey, EndpointStats, HistogramForm, Problem, Source,
    Stage,
};

/// What the first pass over the observations learns.
#[derive(Default)]
struct Survey {
    first_ms: Option<i64>,
    last_ms: Option<i64>,
    /// Users per whole second (largest sample).
    users: BTreeMap<i64, f64>,
    /// Requests seen, and how many of them start on a whole second.
    requests: u64,
    on_whole_seconds: u64,
}

impl Survey {
    /// The clock's resolution, ms: 1,000 when every request starts on a whole second
    /// (k6's CSV writes seconds), so the last second counts whole; else 1.
    fn resolution_ms(&self) -> i64 {
        if self.requests > 0 && self.on_whole_seconds == self.requests {
            1000
        } else {
            1
        }
    }
}

/// Two passes over replayable observations: survey (span, users), decide the stage
/// windows, then record every observation into overall and its stage. Sources
/// without times (see [`Replay::timed`]) get one stage without a window.
pub(super) fn assemble(
    tool: &str,
    replays: &[(PathBuf, Box<dyn Replay>)],
    plan: &StagePlan,
    opts: &IngestOptions,
    problems: &mut Vec<Problem>,
) -> Option<Source> {
    let mut survey = Survey::default();
    // Each file that gave observations, what it leaves out and its number of rows.
    let mut valid: Vec<(&Path, &dyn Replay, Exclusions, u64)> = Vec::new();
    for (path, r) in replays {
        let mut first = survey_file(path, r.as_ref(), &Exclusions::default(), opts);
        // Rows without times (all at 0) have no span to stray from.
        let (exclusions, found) = first
            .watch
            .take()
            .filter(|_| r.timed())
            .map_or_else(Default::default, |w| w.finish(path));
        // Rows left out: survey again without them (their times and users must not count).
        let mut local = if exclusions.is_empty() {
            first
        } else {
            survey_file(path, r.as_ref(), &exclusions, opts)
        };
        problems.append(&mut local.problems);
        problems.extend(found);
        if local.seen {
            survey.first_ms = min_opt(survey.first_ms, local.survey.first_ms);
            survey.last_ms = max_opt(survey.last_ms, local.survey.last_ms);
            survey.requests += local.survey.requests;
            survey.on_whole_seconds += local.survey.on_whole_seconds;
            for (t, u) in local.survey.users {
                let slot = survey.users.entry(t).or_insert(u);
                *slot = slot.max(u);
            }
            valid.push((path.as_path(), r.as_ref(), exclusions, local.rows));
        }
    }
    // The span, `[first, end)`.
    let (first, end) = (survey.first_ms?, survey.last_ms? + survey.resolution_ms());
    let timed = valid.iter().all(|(_, r, _, _)| r.timed());
    let specs = if timed {
        stage_specs(plan, &survey, first, end, opts)
    } else {
        untimed_specs(plan)
    };

    let mut source = Source {
        tool: tool.to_string(),
        ..Default::default()
    };
    source.overall = Stage::named("overall");
    if timed {
        // Overall covers what --from/--to keep.
        let from = first.max(opts.from_ms.unwrap_or(i64::MIN));
        let to = end.min(opts.to_ms.unwrap_or(i64::MAX));
        source.overall.window_ms = Some((from, to.max(from)));
        source.overall.window_basis = "every request, ramps included".into();
    } else {
        source.overall.window_basis = "every request (the files have no times)".into();
    }
    let mut stages: Vec<Stage> = specs
        .iter()
        .map(|s| Stage {
            name: s.name.clone(),
            users: s.users,
            arrival_rate_rps: s.arrival_rate_rps,
            spawn_rate: s.spawn_rate,
            window_ms: s.window_ms,
            window_basis: s.basis.clone(),
            ..Default::default()
        })
        .collect();
    let recorder = Recorder { opts, timed };
    let mut interval_spans: Vec<Option<(i64, i64)>> = vec![None; stages.len()];
    for (path, r, exclusions, rows) in valid {
        let name = file_name(path);
        let mut progress = Progress::pass(opts.progress, "analysing", &name, Some(rows));
        let mut ordinal = 0u64;
        // The survey already said the file's problems.
        let _ = r.replay(&mut |obs| {
            progress.tick();
            if !kept(&obs, &exclusions, &mut ordinal) {
                return;
            }
            recorder.record(&mut source.overall, &mut stages, &obs);
            // Interval histograms cover whole intervals: a stage measured by them spans
            // exactly the intervals it holds, which rarely align with the manifest's
            // window (throughput divides by this span).
            if let Observation::Histogram {
                start_ms, end_ms, ..
            } = obs
            {
                if let Some(i) = interval_stage(&stages, start_ms, end_ms) {
                    let span = &mut interval_spans[i];
                    *span = Some(span.map_or((start_ms, end_ms), |(a, b)| {
                        (a.min(start_ms), b.max(end_ms))
                    }));
                }
            }
        });
        source
            .notes
            .extend(r.notes().into_iter().map(|n| format!("{name}: {n}")));
    }
    for (stage, span) in stages.iter_mut().zip(interval_spans) {
        if span.is_some() {
            stage.window_ms = span;
        }
    }
    source.stages = stages;
    Some(source)
}

/// Malformed rows of a file shown one by one; the rest are counted.
const SHOWN_MALFORMED: u64 = 20;

/// One survey pass over a file.
struct FileSurvey {
    survey: Survey,
    /// True when the file gave any observation.
    seen: bool,
    /// Observations read.
    rows: u64,
    /// Malformed rows, times that cannot be measurements, and what ended the reading.
    problems: Vec<Problem>,
    /// The requests' extremes (`None` once taken).
    watch: Option<Watch>,
}

/// Surveys one file, leaving out `exclusions`.
fn survey_file(
    path: &Path,
    r: &dyn Replay,
    exclusions: &Exclusions,
    opts: &IngestOptions,
) -> FileSurvey {
    let mut local = Survey::default();
    let mut watch = Watch::default();
    let mut problems = Vec::new();
    let mut seen = false;
    let mut ordinal = 0u64;
    let mut progress = Progress::pass(opts.progress, "reading", &file_name(path), None);
    let (mut implausible, mut first_implausible) = (0u64, None);
    let mut malformed = 0u64;
    let outcome = r.replay(&mut |obs| {
        progress.tick();
        if let Observation::Malformed(p) = obs {
            malformed += 1;
            if malformed <= SHOWN_MALFORMED {
                problems.push(p);
            }
            return;
        }
        let (t, until) = span_of(&obs);
        if !plausible_time(t) || !plausible_time(until) {
            implausible += 1;
            first_implausible.get_or_insert(t);
            return;
        }
        if let Observation::Request(ev) | Observation::Transaction(ev) = &obs {
            watch.see(ev.t_ms, ev.latency_ms, ev.line);
        }
        if !kept(&obs, exclusions, &mut ordinal) {
            return;
        }
        seen = true;
        let users = match &obs {
            Observation::Request(ev) | Observation::Transaction(ev) => ev.users,
            Observation::Users { users, .. } => Some(*users),
            Observation::Histogram { .. } | Observation::Malformed(_) => None,
        };
        if matches!(obs, Observation::Request(_) | Observation::Transaction(_)) {
            local.requests += 1;
            local.on_whole_seconds += u64::from(t.rem_euclid(1000) == 0);
        }
        local.first_ms = Some(local.first_ms.map_or(t, |f| f.min(t)));
        local.last_ms = Some(local.last_ms.map_or(until, |l| l.max(until)));
        if let Some(u) = users {
            let slot = local.users.entry(t.div_euclid(1000) * 1000).or_insert(u);
            *slot = slot.max(u);
        }
    });
    if malformed > SHOWN_MALFORMED {
        problems.push(problem(
            path,
            None,
            format!(
                "{} more malformed rows left out (the first {SHOWN_MALFORMED} are shown)",
                malformed - SHOWN_MALFORMED
            ),
        ));
    }
    if let Err(p) = outcome {
        problems.push(p);
    }
    if let Some(t) = first_implausible {
        problems.push(problem(
            path,
            None,
            crate::ingest::implausible_times(implausible, t),
        ));
    }
    FileSurvey {
        survey: local,
        seen,
        rows: progress.rows(),
        problems,
        watch: Some(watch),
    }
}

/// False for an observation left out: malformed, or a request `exclusions` leave out
/// (`ordinal` counts the file's requests, with plausible times, in order).
fn kept(obs: &Observation<'_>, exclusions: &Exclusions, ordinal: &mut u64) -> bool {
    match obs {
        Observation::Malformed(_) => false,
        Observation::Request(ev) | Observation::Transaction(ev) => {
            if !plausible_time(ev.t_ms) {
                return false;
            }
            *ordinal += 1;
            exclusions.keeps(*ordinal - 1, ev.t_ms)
        }
        _ => true,
    }
}

/// The one stage of a source without times: named by the plan, no window.
fn untimed_specs(plan: &StagePlan) -> Vec<StageSpec> {
    let (name, users) = match plan {
        StagePlan::WholeDir { name, users } => (name.clone(), *users),
        StagePlan::Manifest(specs) if specs.len() == 1 => (specs[0].name.clone(), specs[0].users),
        StagePlan::Manifest(_) => ("whole_run".to_string(), None),
        StagePlan::Detect { fallback } => (fallback.clone(), None),
    };
    vec![StageSpec {
        name,
        users,
        arrival_rate_rps: None,
        spawn_rate: None,
        window_ms: None,
        basis: "whole run: the files have no times".into(),
    }]
}

/// The stage an interval histogram belongs to: the shared rule of
/// [`crate::model::interval_window`], which the driver's end-of-run table uses too.
fn interval_stage(stages: &[Stage], start_ms: i64, end_ms: i64) -> Option<usize> {
    crate::model::interval_window(stages.iter().map(|s| s.window_ms), start_ms, end_ms)
}

/// Stage specs with windows, for observations spanning `[first, end)`.
fn stage_specs(
    plan: &StagePlan,
    survey: &Survey,
    first: i64,
    end: i64,
    opts: &IngestOptions,
) -> Vec<StageSpec> {
    let users: Vec<(i64, f64)> = survey.users.iter().map(|(t, u)| (*t, *u)).collect();
    let whole = |name: &str, users_n: Option<u32>, basis: &str| {
        // With a users series, the steady window starts once users reached their peak.
        let peak = users.iter().map(|u| u.1).fold(f64::NEG_INFINITY, f64::max);
        let start = users
            .iter()
            .find(|u| u.1 >= peak)
            .map(|u| u.0)
            .unwrap_or(first)
            .max(first);
        StageSpec {
            name: name.to_string(),
            users: users_n.or_else(|| peak.is_finite().then_some(peak.round() as u32)),
            arrival_rate_rps: None,
            spawn_rate: None,
            window_ms: Some((start, end)),
            basis: basis.to_string(),
        }
    };
    let mut specs = match plan {
        StagePlan::Manifest(specs) => specs
            .iter()
            .map(|s| {
                let mut s = s.clone();
                if s.window_ms.is_none() && specs.len() == 1 {
                    s.window_ms = Some((first, end));
                }
                s
            })
            .collect(),
        StagePlan::WholeDir { name, users } => vec![whole(name, *users, "the run dir's name")],
        StagePlan::Detect { fallback } => {
            let found = plateaus(&users);
            if found.is_empty() {
                vec![whole(fallback, None, "whole run (no stages found)")]
            } else {
                // A plateau's last sample starts its last sampling interval (measured,
                // not assumed to be 1 s): the window ends after it.
                let step = crate::ingest::stages::sample_spacing_ms(users.iter().map(|u| u.0));
                let mut specs = specs_from_plateaus(&found);
                for s in &mut specs {
                    s.window_ms = s.window_ms.map(|(a, b)| (a, b + step));
                }
                specs
            }
        }
    };
    for s in &mut specs {
        s.window_ms = s.window_ms.and_then(|(a, b)| {
            let a = a
                .saturating_add(opts.warmup_ms)
                .max(opts.from_ms.unwrap_or(i64::MIN));
            let b = b.min(opts.to_ms.unwrap_or(i64::MAX));
            (b > a).then_some((a, b))
        });
    }
    specs
}

/// Records observations into a source's overall and stages.
struct Recorder<'o> {
    opts: &'o IngestOptions,
    /// False for a source without times: everything goes to its one stage.
    timed: bool,
}

impl Recorder<'_> {
    /// The stage an observation at `t_ms` belongs to.
    fn stage<'s>(&self, stages: &'s mut [Stage], t_ms: i64) -> Option<&'s mut Stage> {
        if self.timed {
            stages.iter_mut().find(|s| s.contains(t_ms))
        } else {
            stages.first_mut()
        }
    }

    /// Records one observation into overall and into the stage whose window holds it.
    fn record(&self, overall: &mut Stage, stages: &mut [Stage], obs: &Observation<'_>) {
        let opts = self.opts;
        let (t, until) = span_of(obs);
        if !plausible_time(t) || !plausible_time(until) {
            return; // Left out (or malformed), and said so, by the survey.
        }
        match obs {
            Observation::Malformed(_) => {}
            Observation::Request(ev) | Observation::Transaction(ev) => {
                if self.timed && !opts.in_time_range(ev.t_ms) {
                    return;
                }
                let name = if opts.normalize_labels {
                    normalize_label(ev.name)
                } else {
                    std::borrow::Cow::Borrowed(ev.name)
                };
                let key = EndpointKey::new(ev.method, &name);
                if !opts.keeps(&key) {
                    return;
                }
                let transaction = matches!(obs, Observation::Transaction(_));
                let users = ev.users.filter(|_| self.timed);
                if let Some(u) = users {
                    overall.timeline.record_users(ev.t_ms, u);
                }
                let form = opts.endpoint_histogram_form();
                record_request(overall, &key, ev, transaction, self.timed, form);
                if let Some(stage) = self.stage(stages, ev.t_ms) {
                    if let Some(u) = users {
                        stage.timeline.record_users(ev.t_ms, u);
                    }
                    record_request(stage, &key, ev, transaction, self.timed, form);
                }
            }
            Observation::Histogram {
                key,
                start_ms,
                end_ms,
                histogram,
                failures,
            } => {
                if !opts.in_time_range(*start_ms) || !opts.keeps(key) {
                    return;
                }
                let form = opts.endpoint_histogram_form();
                record_histogram(overall, key, *start_ms, histogram, failures, form);
                if let Some(i) = interval_stage(stages, *start_ms, *end_ms) {
                    record_histogram(&mut stages[i], key, *start_ms, histogram, failures, form);
                }
            }
            Observation::Users { t_ms, users } => {
                if !self.timed {
                    return;
                }
                overall.timeline.record_users(*t_ms, *users);
                if let Some(stage) = self.stage(stages, *t_ms) {
                    stage.timeline.record_users(*t_ms, *users);
                }
            }
        }
    }
}

/// The endpoint entry for `key`; a new one's series keeps histograms of `form`.
fn endpoint<'s>(
    stage: &'s mut Stage,
    key: &EndpointKey,
    form: HistogramForm,
) -> &'s mut EndpointStats {
    let ep = stage.endpoint(key);
    if ep.series.is_empty() {
        ep.series.histograms = form;
    }
    ep
}

/// Records one request into the stage's endpoint and, unless it is a transaction
/// (whose samples are counted on their own), into the stage's series.
fn record_request(
    stage: &mut Stage,
    key: &EndpointKey,
    ev: &crate::ingest::RequestEvent<'_>,
    transaction: bool,
    timed: bool,
    form: HistogramForm,
) {
    if timed && !transaction {
        stage.timeline.record(ev.t_ms, ev.latency_ms, !ev.ok);
    }
    let ep = endpoint(stage, key, form);
    ep.transaction |= transaction;
    ep.requests += 1;
    if !ev.ok {
        ep.failures += 1;
        let kind = ev.failure.unwrap_or(crate::model::FailureKind::Other);
        ep.add_failure(kind, ev.error, 1);
    }
    if let Some(ms) = ev.latency_ms {
        ep.latency.record_ms(ms);
        if ev.ok {
            if let Some(ok) = ep.ok_latency.as_mut() {
                ok.record_ms(ms);
            }
        }
    }
    if let Some(b) = ev.bytes {
        ep.bytes_received = Some(ep.bytes_received.unwrap_or(0) + b);
    }
    if timed {
        ep.series.record(ev.t_ms, ev.latency_ms, !ev.ok);
    }
}

fn record_histogram(
    stage: &mut Stage,
    key: &EndpointKey,
    start_ms: i64,
    histogram: &hdrhistogram::Histogram<u64>,
    failures: &[(crate::model::FailureKind, u64)],
    form: HistogramForm,
) {
    let failed: u64 = failures.iter().map(|(_, n)| n).sum();
    stage.timeline.record_histogram(start_ms, histogram);
    if failed > 0 {
        stage.timeline.at(start_ms).failures += failed;
    }
    let ep = endpoint(stage, key, form);
    ep.requests += histogram.len();
    ep.failures += failed;
    for (kind, n) in failures {
        ep.add_failure(*kind, None, *n);
    }
    if let crate::model::LatencyDistribution::Exact(h) = &mut ep.latency {
        let _ = h.add(histogram);
    }
    // An interval log alone does not say which requests failed.
    ep.ok_latency = None;
    ep.series.record_histogram(start_ms, histogram);
    if failed > 0 {
        ep.series.at(start_ms).failures += failed;
    }
}

/// When an observation starts, and the last instant it covers (an interval's data
/// runs to its end).
fn span_of(obs: &Observation<'_>) -> (i64, i64) {
    match obs {
        Observation::Request(ev) | Observation::Transaction(ev) => (ev.t_ms, ev.t_ms),
        Observation::Histogram {
            start_ms, end_ms, ..
        } => (*start_ms, end_ms.saturating_sub(1).max(*start_ms)),
        Observation::Users { t_ms, .. } => (*t_ms, *t_ms),
        // Never recorded: a time outside any run.
        Observation::Malformed(_) => (-1, -1),
    }
}

/// The file's name, for notes and progress.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}
