//! Reading run directories into one `Run`: find and fingerprint the files, detect their
//! formats, group them by tool into sources, decide the stages, record. Finding, detecting and
//! skipping files is in `discover.rs`; reading replayable observations into a source (survey,
//! stage windows, recording) in `assemble.rs`; choosing among sources of the same requests in
//! `../arbitrate.rs`; sharded driver runs (checked as a set, merged into one source) in
//! `shards.rs`; a tool's outputs that may be one run twice (console text beside its CSV or log,
//! Locust `--json` beside its CSVs), cross-checked on their counts, in `pairs.rs` (k6's
//! summaries beside its per-request output in `k6_outputs.rs`, vegeta's text report beside its
//! attack's results in `vegeta_outputs.rs`, Artillery's console beside its JSON report, for its
//! `ensure` checks, in `artillery_console.rs`); a Gatling results folder's earlier runs of a
//! simulation, set aside for its latest, in `gatling_runs.rs` (and any sibling sets of stage
//! dirs that repeat one test's stages in `repeated_runs.rs`); what a source's files say of its
//! answers beyond their rows (Gatling's assertions, JMeter's successful 5xx, k6's script
//! checks) in `answers.rs`; what stage dirs add up to (one run whatever tool measured each,
//! users from the data over the dir's name) in `stage_dirs.rs`; a dir holding several runs
//! under their own file-name prefixes (Locust sets, files named as stage dirs), one stage each,
//! in `result_sets.rs`; the stage a dir's name gives in `stage_names.rs`; what a `run.toml`
//! says of the data's failures and length in `manifest_facts.rs`. This file dispatches a dir's
//! files by format (`load_dir`, in named steps) and merges sources.

mod ab_runs;
mod answers;
mod artillery_console;
mod assemble;
mod beside_users;
mod continuation;
mod discover;
mod driver_dir;
mod gatling_runs;
mod hashes;
mod jmeter_outputs;
mod jmeter_smoke;
mod jtl_zone;
mod k6_outputs;
mod locust_checks;
mod manifest_facts;

pub(crate) use discover::claimed_format;
pub(crate) use driver_dir::DRIVER_DETAIL;
mod pairs;
mod quoted;
mod repeated_runs;
mod resaved;
mod result_sets;
mod same_tool_checks;
mod shards;
mod siege_root_log;
mod stage_dirs;
mod stage_names;
mod stage_order;
mod tee_copies;
mod vegeta_outputs;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use self::assemble::assemble;
use self::discover::{
    detect_files, expand, skip_hiccup_logs, skip_stage_dir_copies, DirInput, LateHashes,
};
use super::formats::{self, FormatSpec, OpenReplay, Reader};
use super::locust::{self, LocustSet};
use super::stages::StagePlan;
use super::text::read_text;
use super::{problem, Format, IngestOptions, Replay};
use crate::model::on_the_clock;
use crate::model::{untrusted, Manifest, Run, RunMeta, SkipKind, Skipped, Source, SourcePart};

/// Reads run dirs (or single files) into one run. Problems are collected in
/// `Run::problems`; the run holds whatever could be read.
pub fn load_runs(paths: &[PathBuf], opts: &IngestOptions) -> Run {
    super::limits::set(opts.limits);
    jtl_zone::forget();
    let mut run = Run {
        meta: RunMeta {
            measured: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut dirs = Vec::new();
    // Run dirs given together may be runs of one test (compare's work), not stages.
    for p in repeated_runs::latest_runs(None, paths.to_vec(), &mut run) {
        expand(&p, &mut dirs, &mut run);
    }
    let dirs = super::loose_files::group_by_dir(dirs, |d| d.dir.clone(), |d| &mut d.files);
    let (mut dirs, unnamed) = result_sets::split_result_sets(dirs);
    run.skipped.extend(unnamed);
    read_each_file_once(&mut dirs, &mut run);
    let mut late = LateHashes::new(dirs.iter().flat_map(|d| &d.files));
    let shard_dirs = shards::take_shards(&mut dirs, &mut run);
    // Several dirs read together are stage dirs: each names its stages.
    let stage_dirs = dirs.len() > 1;
    let alike = stage_names::numbered_alike(&dirs);
    let unnumbered = stage_order::unnumbered(&dirs);
    // The stages a `run.toml` lists for the stage dirs below it (expand gives a dir
    // before its sub-dirs).
    let mut above: Vec<(PathBuf, Vec<crate::model::ManifestStage>)> = Vec::new();
    let mut read: Vec<stage_dirs::DirRead> = Vec::new();
    for dir in &dirs {
        let keep_number = alike.contains(&dir.shown());
        let listed = (above.iter().rev())
            .find(|(d, _)| dir.dir.starts_with(d) && dir.dir != *d)
            .map_or(&[][..], |(_, stages)| stages.as_slice());
        // A generator's dir right inside the run dir (`run/gen1/`, `run/gen2/`) names no
        // stage: its stages are found in its data, and the generators' merged by time.
        let stage_dir = stage_dirs && !stage_names::generators_dir(dir);
        let context = (stage_dir, keep_number, listed);
        let (r, manifest) = load_dir(dir, context, opts, &mut run, &mut late);
        if let Some(m) = manifest.filter(|m| !m.stages.is_empty()) {
            above.push((dir.dir.clone(), m.stages));
        }
        read.push(r);
    }
    stage_dirs::users_from_data(&mut run, &read);
    if stage_dirs && shard_dirs.is_empty() {
        stage_dirs::one_run_of_stage_dirs(&mut run, &read);
    }
    shards::load_shards(shard_dirs, opts, &mut run, &mut late);
    late.finish(&mut run);
    let asked = if opts.normalize_labels {
        crate::model::Grouping::Routes
    } else {
        crate::model::Grouping::Names
    };
    for source in &mut run.sources {
        source.group_endpoints(asked);
        stages_in_time_order(source);
        if stage_dirs && unnumbered {
            stage_order::order_unnumbered(source);
        }
        stage_dirs::named_after_added_users(source);
        unique_stage_names(source);
    }
    stage_dirs::follow_renames(&mut run);
    run.problems.extend(super::limits::take_overlong());
    if let Some(tt) = opts.think_time {
        run.meta.think_time = Some(tt);
    }
    super::arbitrate::arbitrate(&mut run, opts);
    super::unread_runs::judge(&mut run);
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
                run.skipped.push(Skipped::new(
                    f.clone(),
                    "given more than once: read once",
                    SkipKind::SameData,
                ));
            }
            first
        });
    }
    dirs.retain(|d| !d.files.is_empty());
}

/// True when `stage` has a window on its own tool's clock (from 1970-01-01), not the
/// wall clock's.
fn timed_from_its_start(stage: &crate::model::Stage) -> bool {
    stage.window_ms.is_some_and(|w| !on_the_clock(w.0))
}

/// Puts a source's stages in time order when every one has a clock time: its window's
/// start, else its series' (a whole-run stage of a summary with a history). Stage dirs
/// are read in name order, which need not be the order they ran in; stages timed from
/// their own test's start (hey's CSV in each stage dir) keep that order.
fn stages_in_time_order(source: &mut Source) {
    let start = |s: &crate::model::Stage| {
        s.window_ms
            .map(|w| w.0)
            .or_else(|| (!s.timeline.is_empty()).then_some(s.timeline.start_ms))
            .filter(|t| on_the_clock(*t))
    };
    if source.stages.iter().all(|s| start(s).is_some()) {
        source.stages.sort_by_key(|s| start(s));
    }
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

/// Reads one dir's files into sources, in steps: detect each file's format, read the
/// manifest and decide the stage plan, then the Locust set, the driver's and k6's
/// repeated outputs (skipped), the console outputs read or skipped as pairs, and every
/// other format by its reader, in [`Format`] order. `listed`: the stages a `run.toml`
/// above the dir lists. Returns what the dir added, and its manifest.
fn load_dir(
    input: &DirInput,
    (stage_dir, keep_number, listed): (bool, bool, &[crate::model::ManifestStage]),
    opts: &IngestOptions,
    run: &mut Run,
    late: &mut LateHashes,
) -> (stage_dirs::DirRead, Option<Manifest>) {
    let before = stage_dirs::counts(run);
    let first_input = run.inputs.len();
    let mut by_format = detect_files(&input.files, run, late);
    skip_hiccup_logs(&mut by_format, run);
    quoted::skip_quoting_documents(&mut by_format, run);
    tee_copies::skip_tee_logs(&mut by_format, run);
    pairs::set_autocannon_consoles_aside(&mut by_format, run);
    if stage_dir {
        skip_stage_dir_copies(&mut by_format, first_input, &input.shown(), run);
    }
    let mut manifest = read_manifest(&mut by_format, run);
    let dir_name = stage_names::stage_name_of(input).unwrap_or_else(|| "run".into());
    if stage_dir {
        stage_names::name_listed_stage(manifest.as_mut(), &dir_name, keep_number);
    }
    if let Some(m) = &manifest {
        run.meta.absorb_manifest(m);
    }
    let plan = StagePlan::for_dir(&dir_name, manifest.as_ref(), stage_dir, keep_number)
        .with_stages_above(listed);
    let locust_csvs = load_locust_set(&mut by_format, &plan, opts, run);
    match &locust_csvs {
        Some(csvs) => locust_checks::pair_summaries(&mut by_format, csvs, &plan, opts, run),
        None => locust_checks::pair_reports(&mut by_format, &plan, opts, run),
    }
    locust_checks::pair_console(&mut by_format, locust_csvs.as_ref(), opts, run);
    let driver_dir = driver_dir::skip_driver_rows(&mut by_format, manifest.as_ref(), run);
    // One k6 run writes every output it was asked for: the per-request output is
    // the measurement; its other form repeats it, and its end-of-test summaries are
    // checked against it once it is read.
    let k6_summaries = k6_outputs::set_summaries_aside(&mut by_format, &plan, opts, run);
    // Summaries are left only when no per-request output is (one kind: a console of
    // other counts beside a summary JSON is set aside as another run's).
    k6_outputs::skip_other_output(&mut by_format, run);

    let hey_notes = pairs::pair_console_outputs(&mut by_format, &plan, opts, run);
    let vegeta_reports = vegeta_outputs::set_reports_aside(&mut by_format, run);
    let artillery_consoles = artillery_console::set_consoles_aside(&mut by_format);
    let jmeter_side = jmeter_outputs::set_aside(&mut by_format, run);
    load_by_adapter(by_format, driver_dir, &plan, opts, run);
    jmeter_outputs::check(jmeter_side, opts, run);
    artillery_console::check_consoles(artillery_consoles, run);
    k6_outputs::check_summaries(k6_summaries, run);
    vegeta_outputs::check_reports(vegeta_reports, run);
    if let Some(src) = run.sources.iter_mut().find(|s| s.tool == "hey") {
        src.notes.extend(hey_notes);
    }
    if let Some(m) = &manifest {
        manifest_facts::apply(m, &before, run);
        driver_dir::check_recorded(m, &before, opts, run);
    }
    (
        stage_dirs::DirRead::new(&before, run, input, &plan),
        manifest,
    )
}

/// The dir's `run.toml`, if any (a bad one is a problem, and no manifest).
fn read_manifest(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    run: &mut Run,
) -> Option<Manifest> {
    by_format.remove(&Format::Manifest).and_then(|files| {
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
    })
}

/// Reads the dir's Locust CSV set into a source (files of a set without stats are
/// skipped; a second set is another run, not read and said so). What the source read
/// holds, if one was.
fn load_locust_set(
    by_format: &mut BTreeMap<Format, Vec<PathBuf>>,
    plan: &StagePlan,
    opts: &IngestOptions,
    run: &mut Run,
) -> Option<locust_checks::LocustCsvs> {
    // Locust: one set of files per dir.
    let mut set = LocustSet::default();
    let mut take = |f: Format| {
        let mut files = by_format.remove(&f).unwrap_or_default().into_iter();
        let first = files.next();
        // One Locust result set per dir: a second prefix is a copy or another run.
        for extra in files {
            let kept = first.clone().unwrap_or_default();
            if hashes::same_content(run, &extra, &kept) {
                run.skipped.push(discover::copy_skipped(extra, &kept));
                continue;
            }
            let why = format!(
                "a second Locust result set in the same dir, another run's: not read (the \
                 report covers only {}); give each run its own dir",
                untrusted::shown(&kept)
            );
            run.skipped
                .push(Skipped::new(extra, why, SkipKind::OtherData));
        }
        first
    };
    set.stats = take(Format::LocustStats).or_else(|| take(Format::LocustRequests));
    set.distribution = take(Format::LocustDistribution);
    set.history = take(Format::LocustHistory);
    set.failures = take(Format::LocustFailures);
    set.exceptions = take(Format::LocustExceptions);
    // Locust's log beside them says where its counting began (`--reset-stats`).
    set.logged_resets = (by_format.get(&Format::LocustConsole).into_iter().flatten())
        .filter_map(|f| {
            let (n, line) = locust::console::logged_resets(f).ok()??;
            Some((f.clone(), n, line))
        })
        .max_by_key(|l| l.1);
    if set.stats.is_some() || set.history.is_some() {
        let (mut src, since_reset) = locust::build_source(&set, plan, opts, &mut run.problems)?;
        super::adapters::mark_gzip_cut(&mut src, set.read_files());
        let csvs = locust_checks::LocustCsvs::of(&src.overall, &src.stages, since_reset);
        // Time flags its whole-run stage cannot honour are said where the verdict is.
        let untrimmed = src.stages.iter().find_map(|s| s.untrimmed.clone());
        // So is an endpoint filter its stats history cannot honour.
        let unfiltered = (src.notes.iter())
            .find(|n| n.starts_with(locust::flags::UNFILTERABLE_HISTORY))
            .cloned();
        // And the requests its stages leave out between them, and its rows' gaps.
        let between: Vec<String> = (src.notes.iter())
            .filter(|n| n.starts_with(locust::BETWEEN_STAGES) || n.starts_with(locust::GAP))
            .cloned()
            .collect();
        if let Some(file) = set.stats.as_ref().or(set.history.as_ref()) {
            for why in untrimmed.into_iter().chain(unfiltered) {
                run.warnings.push(super::problem(file, None, why));
            }
        }
        if let Some(file) = &set.history {
            for why in between {
                run.warnings.push(super::problem(file, None, why));
            }
        }
        add_source(run, src);
        return Some(csvs);
    } else {
        if let Some(p) = &set.distribution {
            skip_unread(run, p, LONE_DISTRIBUTION);
        }
        if let Some(p) = set.failures.iter().chain(&set.exceptions).next() {
            skip_unread(run, p, "Locust failures/exceptions without a stats file");
        }
    }
    None
}

/// Every other format by its reader: summaries one by one (one tool's summaries in a
/// dir are runs one after another), observations assembled into one source per format.
fn load_by_adapter(
    by_format: BTreeMap<Format, Vec<PathBuf>>,
    driver_dir: bool,
    plan: &StagePlan,
    opts: &IngestOptions,
    run: &mut Run,
) {
    // Every file of one format forms one source (files of one tool merge below).
    let mut read_here = Vec::new();
    for (format, files) in by_format {
        let spec = formats::spec(format);
        match &spec.reader {
            Reader::Grouped => {}
            Reader::Summary(_) | Reader::Source(_) => {
                let above: Vec<String> = files
                    .iter()
                    .filter_map(|p| super::preamble::note(p))
                    .collect();
                // A check or warm-up beside the tool's load is no run to pool with it.
                let (summaries, first) =
                    same_tool_checks::pooled(&spec.reader, files, (plan, opts), run);
                for src in summaries.finish(plan) {
                    // Time flags a whole-run summary cannot honour are said where the
                    // verdict is read, not only among the source's notes.
                    let untrimmed = src.stages.iter().find_map(|s| s.untrimmed.as_ref());
                    if let (Some(note), Some(file)) = (untrimmed, &first) {
                        run.warnings.push(super::problem(file, None, note.clone()));
                    }
                    let mut src = src;
                    src.notes.extend(above.iter().cloned());
                    add_source(run, src);
                }
            }
            Reader::Replay(open) => {
                let tool = if driver_dir && format == Format::HdrLog {
                    "headroom"
                } else {
                    spec.tool
                };
                jmeter_outputs::read_engines(format, files, run, |files, run| {
                    let read = ReadHere(&mut read_here);
                    load_observations(*open, (tool, spec), files, plan, opts, run, read);
                });
            }
        }
    }
}

/// The per-request sources a dir's files gave, with their files: one tool's formats
/// holding the same requests (vegeta's CSV and JSON encodings of one attack, a
/// JMeter run saved as CSV and XML) are one run, read once.
struct ReadHere<'a>(&'a mut Vec<ReadSource>);

/// What [`ReadHere`] keeps of a source: its tool, span and own totals, and its files.
type ReadSource = (String, Option<(i64, i64)>, SourcePart, Vec<PathBuf>);

impl ReadHere<'_> {
    /// The files of an earlier source of the dir holding exactly `src`'s requests: the
    /// same tool, span, requests, failures and endpoints.
    fn same_requests(&self, src: &Source) -> Option<&[PathBuf]> {
        let part = SourcePart::of(src);
        self.0
            .iter()
            .find(|(tool, span, p, _)| {
                *tool == src.tool
                    && part.requests > 0
                    && span.is_some()
                    && *span == src.span_ms
                    && *p == part
            })
            .map(|(.., files)| files.as_slice())
    }
}

/// Reads every file of one per-request format into one source, unless the dir gave
/// the same requests already in another of the tool's formats (then skipped).
fn load_observations(
    open: OpenReplay,
    (tool, spec): (&str, &FormatSpec),
    files: Vec<PathBuf>,
    plan: &StagePlan,
    opts: &IngestOptions,
    run: &mut Run,
    read_here: ReadHere,
) {
    let mut replays: Vec<(PathBuf, Box<dyn Replay>)> = Vec::new();
    for file in files {
        match open(&file, opts, &mut run.problems) {
            Ok(r) => replays.push((file.clone(), jtl_zone::shifted(&file, r))),
            Err(p) => run.problems.push(p),
        }
    }
    let Some(mut src) = assemble(tool, &replays, plan, opts, &mut run.problems) else {
        return;
    };
    src.notes.extend(spec.notes.iter().map(|n| n.to_string()));
    src.notes
        .extend(replays.iter().filter_map(|(p, _)| super::preamble::note(p)));
    src.transport_errors_unseen = replays.iter().any(|(_, r)| !r.sees_transport_errors());
    src.unknown_origin = replays.iter().any(|(_, r)| r.unknown_origin());
    src.outcomes_unseen = replays.iter().any(|(_, r)| !r.sees_outcomes());
    src.ok_server_errors = answers::ok_server_errors(&replays, &src);
    for (_, r) in &replays {
        src.script_checks.merge(&r.script_checks());
    }
    answers::judge_assertions(&replays, &mut src, opts, run);
    if let Some(why) = replays.iter().find_map(|(_, r)| r.runs_left_out()) {
        src.notes.push(why.clone());
        src.runs_left_out.get_or_insert(why);
    }
    if let Some(why) = replays.iter().find_map(|(_, r)| r.stopped_early()) {
        src.stopped_early.get_or_insert(why);
    }
    // A gzip file cut at a row's end: no row is cut, but the stream is.
    super::adapters::mark_gzip_cut(&mut src, replays.iter().map(|(p, _)| p.as_path()));
    (src.latency_unit_doubt, src.clock_unit_doubt) = super::unit_doubts(&replays);
    // Times from the test's own start (hey's and oha's CSV) cannot be placed on the
    // clock that --from/--to name: the rows kept are not those of the window asked for.
    let clockless = src.span_ms.is_some_and(|(a, _)| !on_the_clock(a));
    if let (true, Some(why), Some((path, _))) = (
        clockless,
        super::untrimmed::clockless_range(tool, opts),
        replays.first(),
    ) {
        for stage in src
            .stages
            .iter_mut()
            .chain(std::iter::once(&mut src.overall))
        {
            stage.untrimmed = Some(why.clone());
        }
        run.warnings.push(super::problem(path, None, why));
    }
    for (path, r) in &replays {
        let warnings = r.warnings().into_iter();
        run.warnings
            .extend(warnings.map(|w| super::problem(path, None, w)));
    }
    for (path, r) in &replays {
        if let Some(hint) = r.version_hint() {
            if let Some(input) = run.inputs.iter_mut().find(|i| &i.path == path) {
                input.tool_version = Some(hint);
            }
        }
    }
    let files: Vec<PathBuf> = replays.into_iter().map(|(p, _)| p).collect();
    if let Some(first) = read_here.same_requests(&src) {
        let first = first.iter().map(|p| untrusted::shown(p).to_string());
        let why = format!(
            "the same {} requests as {} (the same times, failures and endpoints), in another \
             of {tool}'s formats: one run, read once",
            src.overall.requests(),
            first.collect::<Vec<_>>().join(", ")
        );
        for file in files {
            run.skipped
                .push(Skipped::new(file, why.clone(), SkipKind::SameData));
        }
        return;
    }
    (read_here.0).push((src.tool.clone(), src.span_ms, SourcePart::of(&src), files));
    add_source(run, src);
}

/// Skips `path` as no result, for `why`: not read, so not an input the figures trace
/// to.
fn skip_unread(run: &mut Run, path: &Path, why: &str) {
    run.inputs.retain(|i| i.path != path);
    run.skipped
        .push(Skipped::not_result(path.to_path_buf(), why));
}

/// Why a Locust ≤ 0.13.2 `_distribution.csv` is not read alone: its rows have request
/// counts and percentiles but no failures, so an error rate would be made up.
const LONE_DISTRIBUTION: &str =
    "a Locust (≤ 0.13.2) percentile distribution: request counts and percentiles per \
     endpoint, but no failure counts, mean or duration; it is read with the `_requests.csv` \
     of the same run: analyse the dir that holds both";

/// Adds a source, merging with an earlier source of the same tool: stages with the
/// same name and users are one stage measured by several generators.
fn add_source(run: &mut Run, mut src: Source) {
    run.tool_checks.append(&mut src.tool_checks);
    if let Some(note) = answers::failed_checks_note(&src) {
        src.notes.push(note);
    }
    if let Some(why) = &src.stopped_early {
        if run.meta.complete != Some(false) {
            run.meta.complete = Some(false);
            run.meta.incomplete_reason = Some(why.clone());
        }
    }
    let part = SourcePart::of(&src);
    let Some(existing) = run.sources.iter_mut().find(|s| s.tool == src.tool) else {
        src.parts = vec![part];
        run.sources.push(src);
        return;
    };
    src.parts = vec![part];
    merge_source(existing, src, true);
}

/// Merges `src` (its parts listed in it) into `existing`. With `same_stages`, stages
/// with the same name and users, at overlapping times where both are timed, are one
/// stage measured by several generators; other stages (every stage without it) are
/// added.
fn merge_source(existing: &mut Source, mut src: Source, same_stages: bool) {
    let grouping = existing.grouping.max(src.grouping);
    existing.regroup(grouping);
    src.regroup(grouping);
    let whole = (stage_dirs::whole_run(existing), stage_dirs::whole_run(&src));
    existing.parts.extend(src.parts);
    // A span on a tool's own clock (from 1970) beside one on the wall clock says
    // nothing of when the run was: the wall clock's stands.
    let own = |span: Option<(i64, i64)>| span.is_some_and(|(a, _)| !on_the_clock(a));
    existing.span_ms = match (existing.span_ms, src.span_ms) {
        (Some(x), Some(y)) if own(Some(x)) != own(Some(y)) => {
            Some(if own(Some(x)) { y } else { x })
        }
        (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
        (a, b) => a.or(b),
    };
    let mut parallel = false;
    // Generators of one stage run alongside: the same stage on the clock at times that
    // do not overlap is that stage measured again (two runs), not a second generator.
    let alongside =
        |a: &crate::model::Stage, b: &crate::model::Stage| match (a.window_ms, b.window_ms) {
            (Some(x), Some(y)) if !timed_from_its_start(a) && !timed_from_its_start(b) => {
                x.0 < y.1 && y.0 < x.1
            }
            _ => true,
        };
    let before = existing.stages.len();
    for stage in src.stages {
        let users_alike = |s: &crate::model::Stage| {
            s.users == stage.users
                || stage_dirs::generators_own_users(s) && stage_dirs::generators_own_users(&stage)
        };
        match existing
            .stages
            .iter_mut()
            .find(|s| same_stages && s.name == stage.name && users_alike(s) && alongside(s, &stage))
        {
            Some(mine) => {
                parallel = true;
                stage_dirs::merge_generator(mine, stage);
            }
            None => existing
                .stages
                .push(stage_dirs::keep_whole_run(stage, &whole.1)),
        }
    }
    stage_dirs::keep_whole_runs(&mut existing.stages, before, &whole.0);
    let durations = (existing.overall.duration_s, src.overall.duration_s);
    // Runs of which one is timed from its own start (hey's CSV per stage dir) or not at
    // all (wrk's console) share no clock with the others: they ran one after another,
    // so the overall window is their lengths added, and the series keeps only what the
    // wall clock placed (hey's times from 1970 beside a 2026 run are no 56-year gap).
    let clockless = |s: &crate::model::Stage| {
        timed_from_its_start(s) || s.window_ms.is_none() && s.duration_s.is_some()
    };
    let own_clocks = !parallel && (clockless(&existing.overall) || clockless(&src.overall));
    let lengths = (existing.overall.duration_s(), src.overall.duration_s());
    if own_clocks {
        for s in [&mut existing.overall, &mut src.overall] {
            if timed_from_its_start(s) {
                s.timeline = crate::model::TimeSeries::with_histograms(s.timeline.histograms);
            }
        }
    }
    stage_dirs::merge_overall(&mut existing.overall, src.overall, parallel);
    if let (true, false, (Some(a), Some(b))) = (own_clocks, parallel, lengths) {
        existing.overall.window_ms = None;
        existing.overall.duration_s = Some(a + b);
    } else if let (Some(a), Some(b), false) = (durations.0, durations.1, parallel) {
        // Without time windows, a new stage's run came after the others (its duration
        // adds); the same stage from another generator ran alongside (the longer one
        // counts).
        existing.overall.duration_s = Some(a + b);
    }
    existing.notes.extend(src.notes);
    existing.transport_errors_unseen |= src.transport_errors_unseen;
    existing.unknown_origin |= src.unknown_origin;
    existing.stopped_early = existing.stopped_early.take().or(src.stopped_early);
    existing.runs_left_out = existing.runs_left_out.take().or(src.runs_left_out);
    existing.totals_disagree = existing.totals_disagree.take().or(src.totals_disagree);
    existing.outcomes_unseen |= src.outcomes_unseen;
    existing.ok_server_errors += src.ok_server_errors;
    (existing.phases_not_stages).extend(src.phases_not_stages);
    existing.script_checks.merge(&src.script_checks);
    existing.latency_unit_doubt = existing
        .latency_unit_doubt
        .take()
        .or(src.latency_unit_doubt);
    existing.clock_unit_doubt = existing.clock_unit_doubt.take().or(src.clock_unit_doubt);
}

/// The name of `dir` as its user knows it: its last component, or for `.`, `..` or a
/// path ending in them, the name of the directory it stands for (`check .` and
/// `check /abs/path/run` name the run, and its stage, alike).
pub fn dir_name(dir: &Path) -> Option<String> {
    let named = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    let last = dir.components().next_back();
    if matches!(last, Some(std::path::Component::Normal(_))) {
        return named(dir);
    }
    named(&std::fs::canonicalize(dir).ok()?)
}
