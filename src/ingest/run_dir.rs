//! Reading run directories into one `Run`: find and fingerprint the files, detect
//! their formats, group them by tool into sources, decide the stages, record.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::adapters::{self, Adapter};
use super::detect::Detection;
use super::locust::{self, LocustSet};
use super::plausible::{Exclusions, Watch};
use super::progress::Progress;
use super::stages::{plateaus, specs_from_plateaus, StagePlan, StageSpec};
use super::text::{read_head, read_text};
use super::{detect_format, problem, Format, IngestOptions, Observation, Replay};
use crate::model::{
    normalize_label, plausible_time, EndpointKey, EndpointStats, HistogramForm, InputFile,
    Manifest, Problem, Run, RunMeta, Source, SourcePart, Stage,
};

/// Reads run dirs (or single files) into one run. Problems are collected in
/// `Run::problems`; the run holds whatever could be read.
pub fn load_runs(paths: &[PathBuf], opts: &IngestOptions) -> Run {
    super::limits::set(opts.limits);
    let mut run = Run {
        meta: RunMeta {
            measured: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut dirs = Vec::new();
    for p in paths {
        expand(p, &mut dirs, &mut run);
    }
    let mut dirs = super::loose_files::group_by_dir(dirs, |d| d.dir.clone(), |d| &mut d.files);
    read_each_file_once(&mut dirs, &mut run);
    for dir in &dirs {
        load_dir(dir, opts, &mut run);
    }
    for source in &mut run.sources {
        unique_stage_names(source);
    }
    run.problems.extend(super::limits::take_overlong());
    if let Some(tt) = opts.think_time {
        run.meta.think_time = Some(tt);
    }
    super::arbitrate::arbitrate(&mut run, opts);
    run
}

/// Drops files already given (the same file twice, or a file and its dir): one file's
/// requests must not count twice.
fn read_each_file_once(dirs: &mut Vec<DirInput>, run: &mut Run) {
    let mut seen = std::collections::BTreeSet::new();
    for d in dirs.iter_mut() {
        d.files.retain(|f| {
            let first = seen.insert(f.canonicalize().unwrap_or_else(|_| f.clone()));
            if !first {
                run.skipped
                    .push((f.clone(), "given more than once: read once".into()));
            }
            first
        });
    }
    dirs.retain(|d| !d.files.is_empty());
}

/// Gives stages that share a name distinct ones (`peak` at 2 and at 1,000 users become
/// `peak_2users` and `peak_1000users`): SLA sections and verdict stages name stages,
/// and must not judge one stage for another.
fn unique_stage_names(source: &mut Source) {
    let mut renamed = Vec::new();
    let names: Vec<String> = source.stages.iter().map(|s| s.name.clone()).collect();
    for stage in &mut source.stages {
        let clash = names.iter().filter(|n| **n == stage.name).count() > 1;
        if let (true, Some(users)) = (clash, stage.users) {
            let new = format!("{}_{users}users", stage.name);
            renamed.push(format!("{} → {new}", stage.name));
            stage.name = new;
        }
    }
    // Still shared (the same users, or none): numbered in order.
    let names: Vec<String> = source.stages.iter().map(|s| s.name.clone()).collect();
    for (i, stage) in source.stages.iter_mut().enumerate() {
        let earlier = names[..i].iter().filter(|n| **n == names[i]).count();
        if earlier > 0 {
            let new = format!("{}_{}", names[i], earlier + 1);
            renamed.push(format!("{} → {new}", names[i]));
            stage.name = new;
        }
    }
    if !renamed.is_empty() {
        source.notes.push(format!(
            "stages sharing a name were renamed so that each has its own: {}",
            renamed.join(", ")
        ));
    }
}

/// A unit of input: a dir's files, or one file given on its own.
struct DirInput {
    /// The dir (for its name).
    dir: PathBuf,
    /// The files to read.
    files: Vec<PathBuf>,
}

/// Expands a path into dirs to read: a file stands alone; a dir with files is one
/// run dir; a dir holding only sub-dirs is a set of run dirs (one per stage).
/// headroom's own output dirs are skipped.
fn expand(path: &Path, out: &mut Vec<DirInput>, run: &mut Run) {
    if path.is_file() {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        out.push(DirInput {
            dir,
            files: vec![path.to_path_buf()],
        });
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(e) => e,
        Err(e) => {
            run.problems
                .push(problem(path, None, format!("cannot read: {e}")));
            return;
        }
    };
    let mut files = Vec::new();
    let mut subdirs = Vec::new();
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            if !super::is_headroom_output(&p) && !is_hidden(&p) {
                subdirs.push(p);
            }
        } else if p.is_file() && !is_hidden(&p) {
            files.push(p);
        }
    }
    files.sort();
    subdirs.sort();
    // A dir with a result file is a run dir; one without is a set of run dirs (one
    // per stage, `01_baseline_100users/` …).
    let is_run_dir = files
        .iter()
        .any(|f| matches!(detect(f), Ok(Detection::Supported(_))));
    if !files.is_empty() {
        out.push(DirInput {
            dir: path.to_path_buf(),
            files,
        });
    }
    if !is_run_dir {
        // A link back up the tree (`self -> .`) would be read again and again.
        let here = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        for sub in subdirs {
            let target = sub.canonicalize().unwrap_or_else(|_| sub.clone());
            if !here.starts_with(&target) {
                expand(&sub, out, run);
            }
        }
        return;
    }
    // A run dir's sub-dirs are not its stages: say so where they hold results too.
    for sub in subdirs.into_iter().filter(|d| holds_results(d)) {
        run.skipped.push((
            sub,
            format!(
                "a sub-directory of {}, which holds result files itself: not read as part \
                 of it (analyse it on its own, or put every stage in a sub-directory)",
                path.display()
            ),
        ));
    }
}

/// True when a dir (not its sub-dirs) holds a file in a format headroom reads.
fn holds_results(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let p = e.path();
            p.is_file() && matches!(detect(&p), Ok(Detection::Supported(_)))
        })
    })
}

/// Why a file whose content was not recognised is still a problem: its name says it is
/// a result file (`…_stats.csv`, `.hlog`) while its content is not (or it is empty).
/// Any other file (a console log, an empty `stdout.txt`, HTML) is skipped.
fn claimed_format(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let claims = [
        ("_stats.csv", "a Locust stats CSV"),
        ("_stats_history.csv", "a Locust stats history CSV"),
        ("_failures.csv", "a Locust failures CSV"),
        ("_requests.csv", "a Locust requests CSV"),
        (".hlog", "an HdrHistogram interval log"),
        (".jtl", "a JMeter JTL"),
        (".histolog", "an HdrHistogram interval log"),
    ];
    let (_, what) = claims.iter().find(|(suffix, _)| name.ends_with(suffix))?;
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        return Some(format!(
            "empty file, named like {what}: check the load tool finished writing it"
        ));
    }
    let head = read_head(path).ok()?;
    let binary = head.iter().take(512).any(|b| *b == 0);
    Some(format!(
        "named like {what} but {}: check the file was fully written",
        if binary {
            "its content is binary"
        } else {
            "its first line is not that format's header"
        }
    ))
}

/// Why a file that is not a load-test result is skipped.
fn not_a_result(path: &Path) -> String {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        "empty file".into()
    } else {
        "not a recognised load-test result".into()
    }
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn detect(path: &Path) -> io::Result<Detection> {
    Ok(detect_format(path, &read_head(path)?))
}

/// Hex SHA-256 of a file, streamed.
fn sha256_file(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn load_dir(input: &DirInput, opts: &IngestOptions, run: &mut Run) {
    let mut by_format: BTreeMap<Format, Vec<PathBuf>> = BTreeMap::new();
    for file in &input.files {
        match detect(file) {
            Ok(Detection::Supported(format)) => {
                let sha256 = match sha256_file(file) {
                    Ok(h) => h,
                    Err(e) => {
                        run.problems
                            .push(problem(file, None, format!("cannot read: {e}")));
                        continue;
                    }
                };
                run.inputs.push(InputFile {
                    path: file.clone(),
                    format: format.to_string(),
                    sha256,
                    tool_version: None,
                });
                by_format.entry(format).or_default().push(file.clone());
            }
            Ok(Detection::Unsupported(why)) => match claimed_format(file) {
                Some(claim) => run.problems.push(problem(file, Some(1), claim)),
                None => run.skipped.push((file.clone(), why)),
            },
            Ok(Detection::Unknown) => match claimed_format(file) {
                Some(claim) => run.problems.push(problem(file, Some(1), claim)),
                None => run.skipped.push((file.clone(), not_a_result(file))),
            },
            Err(e) => run
                .problems
                .push(problem(file, None, format!("cannot read: {e}"))),
        }
    }

    let manifest = by_format.remove(&Format::Manifest).and_then(|files| {
        let path = files.first()?;
        match read_text(path)
            .map_err(|e| e.to_string())
            .and_then(|t| Manifest::parse(&t))
        {
            Ok(m) => Some(m),
            Err(e) => {
                run.problems
                    .push(problem(path, None, format!("bad run.toml: {e}")));
                None
            }
        }
    });
    if let Some(m) = &manifest {
        run.meta.absorb_manifest(m);
    }
    let dir_name = input
        .dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("run")
        .to_string();
    let plan = StagePlan::for_dir(&dir_name, manifest.as_ref());

    // Locust: one set of files per dir.
    let mut set = LocustSet::default();
    let mut take = |f: Format| {
        let mut files = by_format.remove(&f).unwrap_or_default().into_iter();
        let first = files.next();
        // One Locust result set per dir: a second prefix is another run.
        for extra in files {
            run.skipped.push((
                extra,
                "a second Locust result set in the same dir: give each run its own dir".into(),
            ));
        }
        first
    };
    set.stats = take(Format::LocustStats).or_else(|| take(Format::LocustRequests));
    set.distribution = take(Format::LocustDistribution);
    set.history = take(Format::LocustHistory);
    set.failures = take(Format::LocustFailures);
    set.exceptions = take(Format::LocustExceptions);
    if set.stats.is_some() || set.history.is_some() {
        if let Some(src) = locust::build_source(&set, &plan, opts, &mut run.problems) {
            add_source(run, src);
        }
    } else {
        // Not read, so not an input the figures trace to.
        let mut skip = |p: &PathBuf, why: &str| {
            run.inputs.retain(|i| &i.path != p);
            run.skipped.push((p.clone(), why.into()));
        };
        if let Some(p) = &set.distribution {
            skip(p, LONE_DISTRIBUTION);
        }
        if let Some(p) = set.failures.iter().chain(&set.exceptions).next() {
            skip(p, "Locust failures/exceptions without a stats file");
        }
    }

    // Part B summary formats: each file is a whole-run summary of its own; one tool's
    // summaries in this dir are runs one after another (`DirSummaries`).
    let mut summaries = super::summary::DirSummaries::default();
    for format in [
        Format::WrkText,
        Format::HdrPercentiles,
        Format::OhaJson,
        Format::ArtilleryJson,
        Format::LocustJson,
    ] {
        for file in by_format.remove(&format).unwrap_or_default() {
            if format == Format::LocustJson && (set.stats.is_some() || set.history.is_some()) {
                run.inputs.retain(|i| i.path != file);
                run.skipped.push((
                    file,
                    "Locust --json output next to Locust CSVs of the same run: the CSVs are read"
                        .into(),
                ));
                continue;
            }
            let problems = &mut run.problems;
            let built = match format {
                Format::WrkText => super::wrk::build_source(&file, &plan, opts, problems),
                Format::HdrPercentiles => super::hgrm::build_source(&file, &plan, opts, problems),
                Format::OhaJson => super::oha::build_source(&file, &plan, opts, problems),
                Format::ArtilleryJson => {
                    super::artillery::build_source(&file, &plan, opts, problems)
                }
                _ => super::locust_json::build_source(&file, &plan, opts, problems),
            };
            if let Some(src) = built {
                if let Err(p) = summaries.add(&file, src) {
                    run.problems.push(p);
                }
            }
        }
    }
    for src in summaries.finish() {
        add_source(run, src);
    }

    // A driver run dir holds the same requests twice (interval log and --raw rows):
    // the interval log is the measurement, the rows are detail for export.
    let driver_dir = manifest
        .as_ref()
        .and_then(|m| m.tool.as_deref())
        .is_some_and(|t| t.starts_with("headroom"))
        && by_format.contains_key(&Format::HdrLog);
    if driver_dir {
        if let Some(rows) = by_format.remove(&Format::GenericCsv) {
            for p in rows {
                run.skipped
                    .push((p, "per-request detail of the driver's interval log".into()));
            }
        }
    }

    // One k6 run writes every output it was asked for: the per-request output is
    // the measurement; its other forms and the end-of-test summary repeat it.
    skip_duplicates(
        &mut by_format,
        &[Format::K6Json, Format::K6Csv, Format::K6Summary],
        "taken for another output of the same k6 run, which k6 writes side by side \
         (a different run belongs in a dir of its own)",
        run,
    );

    // Every file of one format forms one source (files of one tool merge below).
    for (format, files) in by_format {
        match adapters::adapter(format) {
            Adapter::Grouped => {}
            Adapter::Summary(build) => {
                let mut summaries = super::summary::DirSummaries::default();
                for file in files {
                    match build(&file, &plan, opts) {
                        Ok(src) => {
                            if let Err(p) = summaries.add(&file, src) {
                                run.problems.push(p);
                            }
                        }
                        Err(p) => run.problems.push(p),
                    }
                }
                for src in summaries.finish() {
                    add_source(run, src);
                }
            }
            Adapter::Observations(open) => {
                let mut replays: Vec<(PathBuf, Box<dyn Replay>)> = Vec::new();
                for file in files {
                    match open(&file, opts, &mut run.problems) {
                        Ok(r) => replays.push((file, r)),
                        Err(p) => run.problems.push(p),
                    }
                }
                let tool = if driver_dir && format == Format::HdrLog {
                    "headroom"
                } else {
                    format.tool()
                };
                if let Some(mut src) = assemble(tool, &replays, &plan, opts, &mut run.problems) {
                    src.notes.extend(super::summary::replay_notes(format));
                    for (path, r) in &replays {
                        if let Some(hint) = r.version_hint() {
                            if let Some(input) = run.inputs.iter_mut().find(|i| &i.path == path) {
                                input.tool_version = Some(hint);
                            }
                        }
                    }
                    add_source(run, src);
                }
            }
        }
    }
}

/// Why a Locust ≤ 0.13.2 `_distribution.csv` is not read alone: its rows have request
/// counts and percentiles but no failures, so an error rate would be made up.
const LONE_DISTRIBUTION: &str =
    "a Locust (≤ 0.13.2) percentile distribution: request counts and percentiles per \
     endpoint, but no failure counts, mean or duration; it is read with the `_requests.csv` \
     of the same run: analyse the dir that holds both";

/// Keeps the first of `formats` (in that order of preference) that the dir has, and
/// lists the files of the others as skipped: they hold the same requests again.
fn skip_duplicates(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    formats: &[Format],
    why: &str,
    run: &mut Run,
) {
    let Some(kept) = formats.iter().find(|f| by_format.contains_key(f)) else {
        return;
    };
    for f in formats.iter().filter(|f| *f != kept) {
        for p in by_format.remove(f).unwrap_or_default() {
            run.skipped.push((p, format!("{why} ({kept} is read)")));
        }
    }
}

/// Adds a source, merging with an earlier source of the same tool: stages with the
/// same name and users are one stage measured by several generators.
fn add_source(run: &mut Run, mut src: Source) {
    let part = SourcePart::of(&src);
    let Some(existing) = run.sources.iter_mut().find(|s| s.tool == src.tool) else {
        src.parts = vec![part];
        run.sources.push(src);
        return;
    };
    existing.parts.push(part);
    let mut parallel = false;
    for stage in src.stages {
        match existing
            .stages
            .iter_mut()
            .find(|s| s.name == stage.name && s.users == stage.users)
        {
            Some(mine) => {
                parallel = true;
                mine.merge(&stage);
            }
            None => existing.stages.push(stage),
        }
    }
    let durations = (existing.overall.duration_s, src.overall.duration_s);
    existing.overall.merge(&src.overall);
    // Without time windows, a new stage's run came after the others (its duration adds);
    // the same stage from another generator ran alongside (the longer one counts).
    if let (Some(a), Some(b), false) = (durations.0, durations.1, parallel) {
        existing.overall.duration_s = Some(a + b);
    }
    existing.notes.extend(src.notes);
}

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
fn assemble(
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
            super::implausible_times(implausible, t),
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
                let step = super::stages::sample_spacing_ms(users.iter().map(|u| u.0));
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
    ev: &super::RequestEvent<'_>,
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
