//! Reading replayable observations into one source: a survey pass (span, users,
//! rows left out), the stage windows, then a recording pass into overall, stages and
//! endpoints, which replays what the survey kept on its tape (`tape.rs`) rather than
//! parsing the file again. When the tapes hold more distinct texts than a source keeps
//! endpoints, a census of them decides the endpoint grouping first (`census.rs`).

use crate::model::untrusted::Shown;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::ingest::chunks::in_parallel;
use crate::ingest::plausible::Exclusions;
use crate::ingest::progress::ReadProgress;
use crate::ingest::stages::{plateaus, specs_from_plateaus, StagePlan, StageSpec, OPEN_END};
use crate::ingest::{IngestOptions, Replay};
mod census;
mod record;
mod reruns;
mod survey;
mod tape;

use record::{KeyCache, Recorded, Recorder};
use survey::{kept, survey_file, Keep, Survey};
use tape::TapeReplay;

use crate::model::{EndpointKey, Grouping, HistogramForm, Problem, Source, Stage, TimeSeries};

/// Two passes over replayable observations: survey (span, users), decide the stage
/// windows, then record every observation into overall and its stage, replayed from
/// the survey's tape when it holds the whole file (else the file is read again). Sources
/// without times (see [`Replay::timed`]) get one stage without a window. When the
/// manifest gives every stage's window, the survey records too: one pass, unless
/// rows must be left out. A large plain file is read in parts on several threads
/// ([`Replay::split`]), each with its own figures, merged in file order.
pub(super) fn assemble(
    tool: &str,
    replays: &[(PathBuf, Box<dyn Replay>)],
    plan: &StagePlan,
    opts: &IngestOptions,
    problems: &mut Vec<Problem>,
) -> Option<Source> {
    let threads = crate::ingest::chunks::threads(opts);
    let mut survey = Survey::default();
    // Stage windows known before reading: the survey records as it goes.
    let timed_up_front = replays.iter().all(|(_, r)| r.timed());
    let early = known_specs(plan, opts).filter(|_| timed_up_front);
    let early_recorder = Recorder {
        opts,
        timed: timed_up_front,
    };
    let early_skeleton = early.as_ref().map(|specs| Skeleton::new(specs, None, opts));
    let early_recording = early_skeleton.as_ref().map(|sk| (&early_recorder, sk));
    let mut valid = survey_all(
        replays,
        threads,
        opts,
        early_recording,
        &mut survey,
        problems,
    );
    // The span, `[first, end)`.
    let (first, end) = (survey.first_ms?, survey.end_ms()?);
    let timed = valid.iter().all(|v| v.r.timed());
    let specs = if timed {
        stage_specs(plan, &survey, first, end, opts)
    } else {
        untimed_specs(plan)
    };

    let mut source = Source {
        tool: tool.to_string(),
        span_ms: timed.then_some((first, end)),
        ..Default::default()
    };
    let mut skeleton = Skeleton::new(&specs, Some((first, survey.last_ms?)), opts);
    // What the survey recorded stands when it recorded every file with these stages.
    let one_pass = early.as_ref() == Some(&specs)
        && timed == timed_up_front
        && valid.iter().all(|v| v.recorded.is_some());
    if !one_pass {
        let tapes = valid.iter().map(|v| v.tapes.as_deref());
        if let Some(plan) = census::plan(tapes, skeleton.grouping, timed, opts) {
            skeleton.grouping = plan.grouping;
            skeleton.by_name = plan.kept.map(Arc::new);
        }
    }
    let recorder = Recorder { opts, timed };
    let mut merged: Option<Recorded> = None;
    for v in &mut valid {
        let name = file_name(v.path);
        let recorded = match v.recorded.take().filter(|_| one_pass) {
            Some(done) => done,
            None => record_file(v, &recorder, &skeleton, opts),
        };
        match &mut merged {
            Some(m) => m.append(recorded),
            None => merged = Some(recorded),
        }
        source
            .notes
            .extend(v.r.notes().into_iter().map(|n| format!("{name}: {n}")));
    }
    let mut merged = merged.unwrap_or_else(|| skeleton.empty());
    merged.fold_stages();
    source.grouping = merged.keys.grouping;
    let Recorded {
        mut overall,
        mut stages,
        spans: interval_spans,
        request_spans,
        request_ends,
        ..
    } = merged;
    overall.name = "overall".into();
    if timed {
        // Overall covers what --from/--to keep.
        let from = first.max(opts.from_ms.unwrap_or(i64::MIN));
        let to = end.min(opts.to_ms.unwrap_or(i64::MAX));
        overall.window_ms = Some((from, to.max(from)));
        overall.window_basis = "every request, ramps included".into();
        // Everything at one instant: the span is the clock's resolution, not measured.
        overall.instant = survey.first_ms == survey.last_ms;
    } else {
        overall.window_ms = None;
        overall.window_basis = "every request (the files have no times)".into();
    }
    source.overall = overall;
    let from_intervals: Vec<bool> = interval_spans.iter().map(Option::is_some).collect();
    for (stage, span) in stages.iter_mut().zip(interval_spans) {
        if span.is_some() {
            stage.window_ms = span;
        }
    }
    if !matches!(plan, StagePlan::Manifest(_)) {
        let resolution = survey.resolution_ms();
        let requests = request_spans.into_iter().zip(request_ends);
        for ((stage, (span, ended)), intervals) in
            stages.iter_mut().zip(requests).zip(from_intervals)
        {
            narrow_to_requests(stage, span, ended, resolution);
            // A window of requests that all started at one instant measures no span.
            stage.instant = !intervals && span.is_some_and(|(first, last)| first == last);
        }
    }
    source.stages = stages;
    Some(source)
}

/// Narrows a window found from the users series (whole seconds, or its sampling
/// interval) to the requests it holds, from the first start to the last start's clock
/// tick or the last answer (`ended`), whichever is later: throughput is the requests ÷
/// the span they cover, never a span padded out to a whole sample, nor one cut short
/// of the answers to the last requests sent.
fn narrow_to_requests(
    stage: &mut Stage,
    requests: Option<(i64, i64)>,
    ended: Option<i64>,
    resolution: i64,
) {
    if let (Some((a, b)), Some((first, last))) = (stage.window_ms, requests) {
        let last = last
            .saturating_add(resolution)
            .max(ended.unwrap_or(i64::MIN));
        let (a, b) = (a.max(first), b.min(last));
        if b > a {
            stage.window_ms = Some((a, b));
        }
    }
}

/// The survey pass over every file (a second one without the rows a file's survey
/// found out of place): the files it found observations in, its figures added to
/// `survey`, and the problems it found.
fn survey_all<'r>(
    replays: &'r [(PathBuf, Box<dyn Replay>)],
    threads: usize,
    opts: &IngestOptions,
    recording: Option<(&Recorder<'_>, &Skeleton)>,
    survey: &mut Survey,
    problems: &mut Vec<Problem>,
) -> Vec<Valid<'r>> {
    let mut valid: Vec<Valid<'r>> = Vec::new();
    let mut spans = Vec::new();
    for (path, r) in replays {
        let mut parts = if threads > 1 {
            r.split(threads)
        } else {
            Vec::new()
        };
        let starts = vec![0; parts.len().max(1)];
        // Recording when the stages are known, else a tape for the recording pass.
        let keep = match recording {
            Some((recorder, skeleton)) => Keep::Record(recorder, skeleton),
            None if opts.reread => Keep::Nothing,
            None => Keep::Tape,
        };
        let mut first = survey_file(
            path,
            r.as_ref(),
            &mut parts,
            &starts,
            &Exclusions::default(),
            opts,
            keep,
        );
        let ordinals = first.ordinal_starts.clone();
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
            let mut again = survey_file(
                path,
                r.as_ref(),
                &mut parts,
                &ordinals,
                &exclusions,
                opts,
                Keep::Nothing,
            );
            again.recorded = None;
            again
        };
        // Replay the tapes when every part's held: all of the file, nothing left out.
        let tapes = std::mem::take(&mut local.tapes)
            .into_iter()
            .collect::<Option<Vec<TapeReplay>>>()
            .filter(|t| !t.is_empty());
        problems.append(&mut local.problems);
        problems.extend(found);
        if local.seen {
            let s = &local.survey;
            spans.extend(
                reruns::FileSpan::of(path, s.first_ms, s.last_ms, s.users.values().copied())
                    .filter(|_| r.timed()),
            );
            survey.first_ms = min_opt(survey.first_ms, local.survey.first_ms);
            survey.last_ms = max_opt(survey.last_ms, local.survey.last_ms);
            survey.last_end_ms = max_opt(survey.last_end_ms, local.survey.last_end_ms);
            survey.requests += local.survey.requests;
            survey.on_whole_seconds += local.survey.on_whole_seconds;
            for (t, u) in local.survey.users {
                survey::note_users(&mut survey.users, t, u);
            }
            valid.push(Valid {
                path: path.as_path(),
                r: r.as_ref(),
                parts,
                ordinals,
                exclusions,
                rows: local.rows,
                recorded: local.recorded,
                tapes,
            });
        }
    }
    reruns::reruns(spans, problems);
    valid
}

/// A file the survey found observations in.
struct Valid<'r> {
    path: &'r Path,
    r: &'r dyn Replay,
    /// Its parts, when read on several threads (empty: read whole).
    parts: Vec<Box<dyn Replay + Send>>,
    /// The ordinal of each part's first request in the file.
    ordinals: Vec<u64>,
    exclusions: Exclusions,
    /// Observations read.
    rows: u64,
    /// What the survey recorded, when the stages were known before it.
    recorded: Option<Recorded>,
    /// What the survey kept of each part, to replay instead of the file.
    tapes: Option<Vec<TapeReplay>>,
}

/// The empty overall and stages every reader records into.
struct Skeleton {
    stages: Vec<Stage>,
    /// How names are grouped into endpoints to start with (`--normalize-labels`: routes,
    /// or what a census of the tapes decided).
    grouping: Grouping,
    /// The keys kept by name when the census decided to pool the rest.
    by_name: Option<Arc<BTreeSet<EndpointKey>>>,
    /// A new endpoint's series: overall's first, then each stage's.
    series: Vec<TimeSeries>,
}

impl Skeleton {
    /// The stages of `specs`. With `span` (the survey's first and last instant), every
    /// series is on the grid it ends with ([`TimeSeries::on_grid`]): overall's over the
    /// span, a stage's over its window within it.
    fn new(specs: &[StageSpec], span: Option<(i64, i64)>, opts: &IngestOptions) -> Skeleton {
        let form = opts.endpoint_histogram_form();
        let grid = |window: Option<(i64, i64)>| match (span, window) {
            (Some((first, last)), None) => TimeSeries::on_grid(form, first, last),
            (Some((first, last)), Some((from, to))) if from.max(first) <= last.min(to - 1) => {
                TimeSeries::on_grid(form, from.max(first), last.min(to - 1))
            }
            _ => TimeSeries::with_histograms(form),
        };
        let mut series = vec![grid(None)];
        let stages = specs
            .iter()
            .map(|s| {
                series.push(grid(s.window_ms));
                Stage {
                    name: s.name.clone(),
                    users: s.users,
                    arrival_rate_rps: s.arrival_rate_rps,
                    spawn_rate: s.spawn_rate,
                    window_ms: s.window_ms,
                    window_basis: s.basis.clone(),
                    users_measured: s.users_measured,
                    measured_s: s.measured_s,
                    timeline: timeline_on(series.last()),
                    ..Default::default()
                }
            })
            .collect();
        let grouping = if opts.normalize_labels {
            Grouping::Routes
        } else {
            Grouping::Names
        };
        Skeleton {
            stages,
            series,
            grouping,
            by_name: None,
        }
    }

    fn empty(&self) -> Recorded {
        let mut overall = Stage::named("overall");
        overall.timeline = timeline_on(self.series.first());
        Recorded {
            overall,
            stages: self.stages.clone(),
            spans: vec![None; self.stages.len()],
            request_spans: vec![None; self.stages.len()],
            request_ends: vec![None; self.stages.len()],
            keys: KeyCache::planned(self.grouping, self.by_name.clone()),
            series: self.series.clone(),
            slots: vec![Vec::new(); self.stages.len() + 1],
        }
    }
}

/// An empty stage timeline on the grid of `series`.
fn timeline_on(series: Option<&TimeSeries>) -> TimeSeries {
    TimeSeries {
        histograms: HistogramForm::default(),
        ..series.cloned().unwrap_or_default()
    }
}

/// The stage specs when the manifest gives every stage's window (no survey needed).
fn known_specs(plan: &StagePlan, opts: &IngestOptions) -> Option<Vec<StageSpec>> {
    match plan {
        StagePlan::Manifest(specs)
            if (specs.iter()).all(|s| s.window_ms.is_some_and(|(_, b)| b != OPEN_END)) =>
        {
            Some(stage_specs(plan, &Survey::default(), 0, 0, opts))
        }
        _ => None,
    }
}

/// The recording pass over one file (its parts on their own threads).
fn record_file(
    v: &mut Valid<'_>,
    recorder: &Recorder<'_>,
    skeleton: &Skeleton,
    opts: &IngestOptions,
) -> Recorded {
    let name = file_name(v.path);
    let exclusions = &v.exclusions;
    let record_part = |r: &dyn Replay, ordinal: u64, total: Option<u64>, show: bool| {
        let mut progress = ReadProgress::pass(show && opts.progress, "analysing", &name, total);
        let mut out = skeleton.empty();
        let mut ordinal = ordinal;
        // The survey already said the file's problems.
        let _ = r.replay(&mut |obs| {
            progress.tick();
            if kept(&obs, exclusions, &mut ordinal) {
                out.record(recorder, &obs);
            }
        });
        out
    };
    // What the survey kept of each part when it kept it all, else the file's parts.
    let mut tapes: Vec<Box<dyn Replay + Send>> = (v.tapes.take().unwrap_or_default())
        .into_iter()
        .map(|t| Box::new(t) as _)
        .collect();
    let parts = if tapes.is_empty() {
        &mut v.parts
    } else {
        &mut tapes
    };
    let ordinals = &v.ordinals;
    let results = match parts.len() {
        0 => return record_part(v.r, 0, Some(v.rows), true),
        1 => vec![record_part(parts[0].as_ref(), 0, Some(v.rows), true)],
        _ => in_parallel(parts, |i, part| {
            record_part(part, ordinals[i], None, i == 0)
        }),
    };
    let merged = results.into_iter().reduce(|mut all, next| {
        all.append(next);
        all
    });
    merged.unwrap_or_else(|| skeleton.empty())
}

/// The one stage of a source without times: named by the plan, no window.
fn untimed_specs(plan: &StagePlan) -> Vec<StageSpec> {
    let (name, users, rate) = match plan {
        StagePlan::WholeDir { name, users, rate } => (name.clone(), *users, *rate),
        StagePlan::Manifest(specs) if specs.len() == 1 => (
            specs[0].name.clone(),
            specs[0].users,
            specs[0].arrival_rate_rps,
        ),
        StagePlan::Manifest(_) => ("whole_run".to_string(), None, None),
        StagePlan::Detect { fallback, .. } => (fallback.clone(), None, None),
    };
    vec![StageSpec {
        name,
        users,
        arrival_rate_rps: rate,
        spawn_rate: None,
        window_ms: None,
        basis: "whole run: the files have no times".into(),
        users_measured: false,
        measured_s: None,
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
    // A rate the dir's name plans (`rate-50rps`) is the stage's arrival rate unless the
    // data counts users (a closed model's threads: the name's rate did not drive them).
    let whole = |name: &str, users_n: Option<u32>, rate: Option<f64>, basis: &str| {
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
            arrival_rate_rps: rate.filter(|_| users_n.is_none() && !peak.is_finite()),
            spawn_rate: None,
            window_ms: Some((start, end)),
            basis: basis.to_string(),
            users_measured: users_n.is_none() && peak.is_finite(),
            measured_s: None,
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
                if let Some((a, OPEN_END)) = s.window_ms {
                    s.window_ms = Some((a, end.max(a)));
                }
                s
            })
            .collect(),
        StagePlan::WholeDir { name, users, rate } => {
            vec![whole(name, *users, *rate, "the run dir's name")]
        }
        StagePlan::Detect { fallback, .. } => {
            let found = plateaus(&users);
            if found.is_empty() {
                vec![whole(fallback, None, None, "whole run (no stages found)")]
            } else {
                // A plateau's last sample starts its last sampling interval (measured,
                // not assumed to be 1 s): the window ends after it.
                let step = crate::ingest::stages::sample_spacing_ms(users.iter().map(|u| u.0));
                let mut specs = specs_from_plateaus(&found, plan.stage_dir());
                for s in &mut specs {
                    s.window_ms = s.window_ms.map(|(a, b)| (a, b + step));
                }
                specs
            }
        }
    };
    for s in &mut specs {
        let given = s.window_ms;
        s.window_ms = s.window_ms.and_then(|(a, b)| {
            let a = a
                .saturating_add(opts.warmup_ms)
                .max(opts.from_ms.unwrap_or(i64::MIN));
            let b = b.min(opts.to_ms.unwrap_or(i64::MAX));
            (b > a).then_some((a, b))
        });
        if s.window_ms != given {
            // Trimmed: the run's measured length is no longer this window's.
            s.measured_s = None;
        }
    }
    specs
}

/// The file's name, for notes and progress.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.shown().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The span covering both.
pub(super) fn union(a: Option<(i64, i64)>, b: Option<(i64, i64)>) -> Option<(i64, i64)> {
    match (a, b) {
        (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
        (a, b) => a.or(b),
    }
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
