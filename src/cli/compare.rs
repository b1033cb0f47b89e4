//! `headroom compare`: reads run dirs (through the analyze pipeline) or earlier
//! report.json files, labels them, decides diff / trend / repeats from the flags,
//! compares, writes compare.md, compare.html and compare.json into the output dir,
//! and prints the table (or the JSON); with `--sla`, judges each candidate run (a
//! run dir, or a report.json read back through `ingest::own_report`) on the file's
//! rules as `check` does. Exit 1 with `--fail-on-regression` when
//! something regressed or a candidate breaks the SLA; 2 on bad input.

use std::path::{Path, PathBuf};

use clap::Args;

use super::analyze::OutputFormat;
use super::common::{emit, emitln};
use super::compare_sla::{judge_report, sla_rules, Loading};
use super::exit::Outcome;
use super::pipeline::{judge_unsaid, run_pipeline, SlaFile};
use crate::analysis::compare::input::{self, CompareRun};
use crate::analysis::compare::sla::SlaJudgement;
use crate::analysis::compare::verdict::{Metric, Thresholds, MIN_REPEATS};
use crate::analysis::compare::{self, Mode};
use crate::ingest::IngestOptions;
use crate::model::is_headroom_output;
use crate::model::untrusted::printable;
use crate::render::compare as render;
use crate::render::output::{check_out_dir, write_dir, OutputDir, OutputError, OutputKind};

/// Arguments of `compare`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  headroom compare runs/1.4.0 runs/1.5.0
  headroom compare old/report/report.json runs/1.5.0 --threshold p95=3% --fail-on-regression
  headroom compare --baseline runs/1.0.0 runs/1.1.0 runs/1.2.0 runs/1.3.0
  headroom compare runs/*            (a trend: the earliest release is the baseline)
  headroom compare runs/1.4.0 runs/1.5.0 --charts none --json   (for a script: no charts)
  headroom compare --baseline a1 a2 a3 a4 --candidate b1 b2 b3 b4   (repeats: Mann-Whitney; 3 a side cannot show a change)

Exit codes: 0 compared; 1 --fail-on-regression and a metric regressed, or a candidate
breaks the --sla rules (NO-GO, as `check` judges it); 2 bad input, or
nothing compared (no stage of the candidate matches one of the baseline's).")]
pub struct CompareArgs {
    /// Runs (run dirs or report.json files headroom wrote). Two: the second is
    /// compared with the first. More: a trend over releases, the earliest (by
    /// version label, else by start) being the baseline.
    #[arg(value_name = "RUN")]
    pub runs: Vec<PathBuf>,
    /// The baseline: one run (then the positional runs are the candidates), or with
    /// --candidate ≥ 3 runs of one release (repeats; ≥ 4 a side can show a change).
    #[arg(long, value_name = "RUN", num_args = 1..)]
    pub baseline: Vec<PathBuf>,
    /// Repeats of the candidate release (≥ 3, as many as you like; with 3 a side the
    /// smallest p is 0.10, so ≥ 4 a side can show a change), compared with the
    /// --baseline runs by Mann–Whitney on one value per run.
    #[arg(long, value_name = "RUN", num_args = 1..)]
    pub candidate: Vec<PathBuf>,
    /// Release label of each run, in the order given (--baseline runs, then the
    /// positional ones, then --candidate runs); default run.toml's `label`, else
    /// the dir name.
    #[arg(long = "label", value_name = "LABEL")]
    pub labels: Vec<String>,
    /// Noise floor: `5%` for every metric, or `METRIC=PCT` for one (`p95=3%`,
    /// `error_rate=10%`); repeat for several. Default 5%. Metrics: throughput,
    /// goodput, p50, p90, p95, p99, mean, error_rate, saturation_rps,
    /// sla_headroom_rps, usl_peak_users.
    #[arg(long = "threshold", value_name = "METRIC=PCT")]
    pub thresholds: Vec<String>,
    /// Judge each candidate run on this SLA file's rules as `check` does (a NO-GO is
    /// no pass: BREAKS THE SLA), and read noise floors from its `[compare]` section
    /// (`p95 = "3%"`, `default = "5%"`); --threshold beats those.
    #[arg(long, value_name = "FILE")]
    pub sla: Option<PathBuf>,
    /// Where to write compare.md, compare.html and compare.json (default
    /// ./headroom-compare/). An existing dir is replaced only when headroom wrote it
    /// or it is empty.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Move an existing --out that headroom did not write aside (nothing is deleted).
    #[arg(long)]
    pub force: bool,
    /// Exit 1 when any metric regressed, or (with --sla) a candidate breaks the SLA
    /// as `check` judges it. An INCONCLUSIVE headline exits 0 and is no
    /// pass (the output says NOT A PASS; compare.json's `outcome` says which it was)
    #[arg(long)]
    pub fail_on_regression: bool,
    /// IDs, UUIDs and numbers in URL paths become placeholders, so `/agents/123`
    /// and `/agents/456` are one endpoint on both sides.
    #[arg(long)]
    pub normalize_labels: bool,
    /// Trim this much from the start of every stage of a run dir (e.g. 30s).
    #[arg(long, value_name = "DURATION", value_parser = super::common::parse_duration_ms)]
    pub warmup: Option<i64>,
    /// Charts to write into OUT/charts/ and inline in compare.html: `svg` (the
    /// default) or `none`. compare draws SVG only: `png` or `svg,png` (as a config
    /// file may set for analyze) write the SVG charts too.
    #[arg(long, value_name = "FORMATS", default_value = "svg")]
    pub charts: crate::render::charts::ChartFormats,
    /// What to print on stdout: the table, or compare.json.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Same as --format json.
    #[arg(long)]
    pub json: bool,
}

/// Why a command line cannot be compared (exit 2).
fn bad(msg: impl std::fmt::Display) -> anyhow::Result<Outcome> {
    eprintln!("error: {}", printable(&msg.to_string()));
    Ok(Outcome::BadInput)
}

/// The mode the flags ask for, and the runs of each side in command-line order.
fn plan(args: &CompareArgs) -> Result<(Mode, Vec<PathBuf>, Vec<PathBuf>), String> {
    if !args.candidate.is_empty() {
        if !args.runs.is_empty() {
            return Err(format!(
                "{}: with --candidate, give every run to --baseline or --candidate",
                args.runs[0].display()
            ));
        }
        let (b, c) = (args.baseline.len(), args.candidate.len());
        return match (b, c) {
            (1, 1) => Ok((Mode::Diff, args.baseline.clone(), args.candidate.clone())),
            (b, c) if b >= MIN_REPEATS && c >= MIN_REPEATS => {
                Ok((Mode::Repeats, args.baseline.clone(), args.candidate.clone()))
            }
            _ => Err(format!(
                "repeats need at least {MIN_REPEATS} runs per side (got {b} baseline, {c} \
                 candidate): add runs, or give one run per side for a single-run comparison"
            )),
        };
    }
    if args.baseline.len() > 1 && !args.runs.is_empty() {
        return Err(
            "give one --baseline run and the candidates after it, or several \
                    --baseline runs with --candidate runs (repeats)"
                .into(),
        );
    }
    let all: Vec<PathBuf> = args.baseline.iter().chain(&args.runs).cloned().collect();
    match all.len() {
        0 | 1 => Err(
            "give at least two runs: BASELINE CANDIDATE (run dirs or report.json \
                      files); see `headroom compare --help`"
                .into(),
        ),
        2 => Ok((Mode::Diff, all[..1].to_vec(), all[1..].to_vec())),
        _ => Ok((Mode::Trend, all[..1].to_vec(), all[1..].to_vec())),
    }
}

/// The noise floors: the SLA file's `[compare]` section, then `--threshold`.
/// The noise floors of `compare` and `analyze --baseline`: the `[compare]` section of
/// the SLA file `sla`, then each `--threshold` spec (which beats it).
pub(super) fn thresholds(sla: Option<&Path>, specs: &[String]) -> Result<Thresholds, String> {
    let mut t = Thresholds::default();
    if let Some(path) = sla {
        let text = crate::ingest::text::read_text(path)
            .map_err(|e| format!("--sla {}: {e}", path.display()))?;
        let doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| format!("{}: {}", path.display(), e.message()))?;
        if let Some(section) = doc.get("compare").and_then(|v| v.as_table()) {
            for (k, v) in section {
                let pct = match v {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => format!("{i}%"),
                    toml::Value::Float(f) => format!("{f}%"),
                    other => other.to_string(),
                };
                set_floor(&mut t, &format!("{k}={pct}"))
                    .map_err(|e| format!("{}: [compare] {e}", path.display()))?;
            }
        }
    }
    for spec in specs {
        set_floor(&mut t, spec).map_err(|e| format!("--threshold {e}"))?;
    }
    Ok(t)
}

/// Applies `p95=3%` (or `5%`, or `default=5%`) to `t`.
fn set_floor(t: &mut Thresholds, spec: &str) -> Result<(), String> {
    let (name, pct) = spec.split_once('=').unwrap_or(("default", spec));
    let num = pct.trim().trim_end_matches('%').trim();
    let floor = num
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && *f >= 0.0)
        .ok_or_else(|| format!("{spec}: `{pct}` is not a percentage; write e.g. p95=3%"))?
        / 100.0;
    if name.trim() == "default" {
        t.default = Some(floor);
        return Ok(());
    }
    let metric = Metric::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Metric::all().iter().map(|m| m.name()).collect();
        format!(
            "{spec}: unknown metric `{name}`; use one of {}",
            names.join(", ")
        )
    })?;
    t.per_metric.insert(metric, floor);
    Ok(())
}

/// A name for a run from its path: the dir's name; for a report.json, the run dir
/// it belongs to: the dir holding all its inputs, else the dir its report dir is in.
pub(super) fn fallback_label(path: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut p = abs.as_path();
    if p.is_file() {
        let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
        if stem.as_deref() != Some("report") {
            return stem.unwrap_or_default();
        }
        let inputs = input_paths(p).unwrap_or_default();
        // The default `RUN/report/report.json`: the run dir holding the report dir,
        // when every input lies in a dir of that name (with one input, the deepest
        // dir holding it is its stage dir: `RUN/peak/hey.csv` is no run `peak`).
        let mut holder = p.parent().unwrap_or(p);
        while is_headroom_output(holder) && holder.parent().is_some() {
            holder = holder.parent().unwrap_or(holder);
        }
        let held = crate::ingest::dir_name(holder).filter(|name| {
            !inputs.is_empty()
                && (inputs.iter()).all(|i| i.components().any(|c| c.as_os_str() == name.as_str()))
        });
        if let Some(name) = held.or_else(|| inputs_dir_name(&inputs)) {
            return name;
        }
        p = p.parent().unwrap_or(p);
    }
    while is_headroom_output(p) && p.parent().is_some() {
        p = p.parent().unwrap_or(p);
    }
    crate::ingest::dir_name(p).unwrap_or_else(|| path.display().to_string())
}

/// The paths of the inputs a report.json lists, as it wrote them.
fn input_paths(report: &Path) -> Option<Vec<PathBuf>> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report).ok()?).ok()?;
    Some(
        (json["inputs"].as_array()?.iter())
            .filter_map(|i| i["path"].as_str().map(PathBuf::from))
            .collect(),
    )
}

/// The name of the deepest dir holding every input of `paths` (`relA` for
/// `relA/01_warmup/wrk.txt` and `relA/02_load/wrk.txt`): the run's dir, wherever
/// `--out` put the report. `None` when the inputs share no named dir.
fn inputs_dir_name(paths: &[PathBuf]) -> Option<String> {
    let mut common = paths.first()?.parent()?.to_path_buf();
    for p in &paths[1..] {
        while !p.starts_with(&common) {
            common = common.parent()?.to_path_buf();
        }
    }
    match common.components().next_back()? {
        std::path::Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
        _ => None,
    }
}

/// Repeats and diffs: a side whose runs are named only by their own dirs, and
/// differently (`A/r1`, `A/r2`, …: labels `r1`, `r2`) or as the other side's (`A/r1`
/// against `B/r1`), is named by the dir holding them all (`A`), so the headline reads
/// `B vs A`, not `r1 vs r1`. Runs with a `--label` (the first `given` of `runs`) or a
/// run.toml `label` keep theirs; so do both sides when their dirs would give them one
/// name.
fn label_sides_by_dir(
    runs: &mut [Option<CompareRun>],
    paths: &[PathBuf],
    given: usize,
    split: usize,
) {
    let first = |range: std::ops::Range<usize>| {
        range
            .filter_map(|i| runs[i].as_ref().map(|r| r.label.clone()))
            .next()
    };
    let collide = first(0..split).is_some() && first(0..split) == first(split..runs.len());
    let side_name = |range: std::ops::Range<usize>| -> Option<String> {
        let idx: Vec<usize> = range.filter(|&i| runs[i].is_some()).collect();
        let dir_named = idx.iter().all(|&i| {
            i >= given
                && runs[i]
                    .as_ref()
                    .is_some_and(|r| r.label == fallback_label(&paths[i]))
        });
        let labels: std::collections::BTreeSet<&str> = (idx.iter())
            .filter_map(|&i| runs[i].as_ref().map(|r| r.label.as_str()))
            .collect();
        if !dir_named || (labels.len() < 2 && !collide) {
            return None;
        }
        let canon: Vec<PathBuf> = (idx.iter())
            .map(|&i| std::fs::canonicalize(&paths[i]).unwrap_or_else(|_| paths[i].clone()))
            .collect();
        let mut common = canon.first()?.parent()?.to_path_buf();
        while !canon.iter().all(|p| p.starts_with(&common)) {
            common = common.parent()?.to_path_buf();
        }
        crate::ingest::dir_name(&common)
    };
    let mut names = [side_name(0..split), side_name(split..runs.len())];
    if names[0].is_some() && names[0] == names[1] {
        // Both sides' runs sit in one dir (`runs/base-r1`, `runs/cand-r1`, …): each
        // side is named by what its runs' names share, else by all of them.
        let by_names = |range: std::ops::Range<usize>| {
            let labels: Vec<&str> = (runs[range].iter().flatten())
                .map(|r| r.label.as_str())
                .collect();
            side_of_names(&labels)
        };
        names = [by_names(0..split), by_names(split..runs.len())];
        if names[0] == names[1] {
            return;
        }
    }
    for (name, range) in names.into_iter().zip([0..split, split..runs.len()]) {
        let Some(name) = name else { continue };
        for run in runs[range].iter_mut().flatten() {
            run.label.clone_from(&name);
        }
    }
}

/// A side's name from its runs' names: the start they share (`base-r1`, `base-r2`,
/// `base-2026-12-06`: `base`), else every name (`r1 + r2 + 0612`); `None` for
/// fewer than two names, or one name throughout.
fn side_of_names(labels: &[&str]) -> Option<String> {
    let first = *labels.first()?;
    if labels.len() < 2 || labels.iter().all(|l| *l == first) {
        return None;
    }
    let mut shared = first.len();
    for l in &labels[1..] {
        shared = (first.char_indices().zip(l.chars()))
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(shared);
    }
    let stem = first[..shared].trim_end_matches(|c: char| !c.is_alphanumeric());
    match stem.chars().filter(|c| c.is_alphanumeric()).count() >= 2 {
        true => Some(stem.to_string()),
        false => Some(labels.join(" + ")),
    }
}

/// Reads one input: a report.json, a report dir holding one, or a run dir. Problems
/// in a run dir's files (already printed) set `loading.problems`; the rest is still
/// used. The SLA's warnings go to `loading`, to be said once for every run.
fn load(
    path: &Path,
    (label, sla): (Option<&str>, Option<&SlaFile>),
    opts: &IngestOptions,
    loading: &mut Loading,
) -> Option<CompareRun> {
    let shown = path.display().to_string();
    let fallback = fallback_label(path);
    let report = if path.is_file() {
        Some(path.to_path_buf())
    } else if is_headroom_output(path) && path.join("report.json").is_file() {
        Some(path.join("report.json"))
    } else {
        None
    };
    let result = match report {
        Some(file) => std::fs::read_to_string(&file)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                let mut c = input::parse_report(&text, &shown, label, &fallback)?;
                c.sla = match sla {
                    Some(sla) => Some(judge_report(&text, sla, &shown, loading)?),
                    None => None,
                };
                Ok(c)
            })
            .map_err(|e| format!("{}: {e}", file.display())),
        None => {
            let (run, analysis) = run_pipeline(&[path.to_path_buf()], opts, None).ok()?;
            loading.problems |= !run.problems.is_empty();
            // Judged apart, so the SLA's limits (its headroom) do not enter the
            // figures compared (the baseline's are read without them).
            let judgement = match sla {
                Some(sla) => {
                    let judged = judge_unsaid(&run, Some(sla)).ok()?;
                    for w in judged.warnings.iter().filter(|w| w.from_sla()) {
                        loading.warned(w.to_string(), &shown);
                    }
                    Some(judged.sla?)
                }
                None => None,
            };
            input::from_analysis(&analysis, &shown, label, &fallback)
                .map(|mut c| {
                    input::attach_interval_histograms(&mut c, &run);
                    c.sla = judgement.map(|j| SlaJudgement::of(&j, &shown));
                    c
                })
                .map_err(|e| format!("{shown}: {e}"))
        }
    };
    match result {
        Ok(mut run) => {
            if opts.normalize_labels {
                for s in &mut run.stages {
                    input::merge_endpoints(s, |k| crate::model::normalize_label(k).into_owned());
                }
            }
            Some(run)
        }
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            None
        }
    }
}

/// Writes compare.md, compare.html, compare.json and the charts into `out`.
fn write_compare_dir(
    out: &OutputDir,
    report: &compare::CompareReport,
    charts: &[(&str, String)],
) -> anyhow::Result<()> {
    write_dir(out, |dir| -> Result<(), anyhow::Error> {
        let io = |p: PathBuf| move |e| OutputError::Io { path: p, source: e };
        std::fs::write(dir.join("compare.md"), render::markdown(report))
            .map_err(io(dir.join("compare.md")))?;
        let svgs: Vec<String> = charts.iter().map(|c| c.1.clone()).collect();
        std::fs::write(dir.join("compare.html"), render::html(report, &svgs))
            .map_err(io(dir.join("compare.html")))?;
        std::fs::write(dir.join("compare.json"), render::json(report)?)
            .map_err(io(dir.join("compare.json")))?;
        if !charts.is_empty() {
            let chart_dir = dir.join("charts");
            std::fs::create_dir_all(&chart_dir).map_err(io(chart_dir.clone()))?;
            for (name, svg) in charts {
                std::fs::write(chart_dir.join(name), svg).map_err(io(chart_dir.join(name)))?;
            }
        }
        Ok(())
    })
}

/// Compares, and draws the charts when `draw`: the percentile overlay reads the runs'
/// histograms, which the report does not keep.
fn compare_and_draw(
    mode: Mode,
    base: Vec<CompareRun>,
    cands: Vec<CompareRun>,
    thresholds: &Thresholds,
    draw: bool,
) -> (compare::CompareReport, Vec<(&'static str, String)>) {
    let overlay = draw
        .then(|| {
            let mut c = cands.clone();
            if mode == Mode::Trend {
                compare::trend::order_runs(&mut c);
            }
            crate::render::charts::compare_percentiles::svg(&base[0], &c)
        })
        .flatten();
    let report = compare::compare(mode, base, cands, thresholds);
    if !draw {
        return (report, Vec::new());
    }
    let charts = [
        (
            "deltas.svg",
            crate::render::charts::compare_deltas::svg(&report),
        ),
        ("percentiles.svg", overlay),
        (
            "trend.svg",
            crate::render::charts::compare_trend::svg(&report),
        ),
    ]
    .into_iter()
    .filter_map(|(name, svg)| Some((name, svg?)))
    .collect();
    (report, charts)
}

/// Reads every run (`all`, the first `base` of them the baseline's), each judged on
/// `sla`'s rules when it may be a candidate; true when any input had a problem.
fn load_all(
    args: &CompareArgs,
    mode: Mode,
    (all, base): (&[PathBuf], usize),
    sla: Option<&SlaFile>,
    opts: &IngestOptions,
) -> (Vec<Option<CompareRun>>, bool) {
    let mut loading = Loading::default();
    let mut failed = false;
    let mut runs: Vec<Option<CompareRun>> = Vec::new();
    for (i, p) in all.iter().enumerate() {
        // A trend given as a list finds its baseline (the earliest) after reading:
        // every run is judged then, and only the candidates' judgements are used.
        let judged = i >= base || (mode == Mode::Trend && args.baseline.is_empty());
        let rules = sla.filter(|_| judged);
        let label = args.labels.get(i).map(String::as_str);
        let run = load(p, (label, rules), opts, &mut loading);
        failed |= run.is_none();
        runs.push(run);
    }
    if let Some(sla) = sla {
        loading.say(sla);
    }
    (runs, failed || loading.problems)
}

/// Runs `compare`.
pub fn run(args: &CompareArgs) -> anyhow::Result<Outcome> {
    let (mode, base_paths, cand_paths) = match plan(args) {
        Ok(p) => p,
        Err(e) => return bad(e),
    };
    let thresholds = match thresholds(args.sla.as_deref(), &args.thresholds) {
        Ok(t) => t,
        Err(e) => return bad(e),
    };
    // After the floors: an unreadable file was named there.
    let Ok(sla) = sla_rules(args.sla.as_deref()) else {
        return Ok(Outcome::BadInput);
    };
    let all: Vec<PathBuf> = base_paths.iter().chain(&cand_paths).cloned().collect();
    for p in &all {
        if !p.exists() {
            return bad(format!("{}: no such file or directory", p.display()));
        }
    }
    if args.labels.len() > all.len() {
        return bad(format!(
            "{} --label values for {} runs: give at most one per run, in the order of the runs",
            args.labels.len(),
            all.len()
        ));
    }
    let out_path = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("headroom-compare"));
    let out = match check_out_dir(&out_path, OutputKind::Compare, &all, args.force) {
        Ok(o) => o,
        Err(e) => return bad(e),
    };
    let opts = IngestOptions {
        warmup_ms: args.warmup.unwrap_or(0),
        normalize_labels: args.normalize_labels,
        progress: true,
        ..IngestOptions::default()
    };
    let (mut runs, failed) = load_all(args, mode, (&all, base_paths.len()), sla.as_ref(), &opts);
    if mode != Mode::Trend {
        label_sides_by_dir(&mut runs, &all, args.labels.len(), base_paths.len());
    }
    let cands: Vec<CompareRun> = runs
        .split_off(base_paths.len())
        .into_iter()
        .flatten()
        .collect();
    let mut base: Vec<CompareRun> = runs.into_iter().flatten().collect();
    let mut cands = cands;
    if mode == Mode::Trend && args.baseline.is_empty() {
        // A list of runs: the earliest release is the baseline.
        let mut all_runs: Vec<CompareRun> = base.drain(..).chain(cands.drain(..)).collect();
        compare::trend::order_runs(&mut all_runs);
        cands = all_runs.split_off(1.min(all_runs.len()));
        base = all_runs;
    }
    let enough = match mode {
        Mode::Repeats => base.len() >= MIN_REPEATS && cands.len() >= MIN_REPEATS,
        _ => !base.is_empty() && !cands.is_empty(),
    };
    if !enough {
        return bad("too few runs could be read to compare (see the errors above)");
    }
    let regrouped = compare::input::align_groupings(base.iter_mut().chain(cands.iter_mut()));
    let mode = if mode == Mode::Trend && cands.len() == 1 {
        Mode::Diff
    } else {
        mode
    };
    let (mut report, charts) = compare_and_draw(mode, base, cands, &thresholds, args.charts.any());
    report.notes.extend(regrouped);
    write_compare_dir(&out, &report, &charts)?;
    if args.json || args.format == OutputFormat::Json {
        emitln(render::json(&report)?)?;
    } else {
        let on = super::color::stdout();
        emit(render::table(&report, &|code, text| {
            super::color::paint(on, code, text)
        }))?;
        emitln(format_args!(
            "  compare: {}",
            out.path.join("compare.md").display()
        ))?;
    }
    if report.stage_pairs.is_empty() {
        // A gate that compared nothing has passed nothing: the report says why.
        eprintln!(
            "error: nothing was compared: no stage of {} matches one of the baseline \
             (by name, or by users or arrival rate within 10%; see the notes and \
             `unmatched` in {}): run both releases with one stage layout, at one load",
            printable(
                &report
                    .candidates
                    .iter()
                    .map(|c| c.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            printable(&out.path.join("compare.json").display().to_string())
        );
        return Ok(Outcome::BadInput);
    }
    Ok(if failed {
        Outcome::BadInput
    } else if args.fail_on_regression
        && (compare::has_regression(&report) || compare::sla::broken(&report.sla))
    {
        Outcome::Failed
    } else {
        Outcome::Ok
    })
}
