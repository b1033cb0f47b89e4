//! The shared front half of `analyze`, `check` and `demo`: read the SLA file, ingest
//! the inputs, analyse them, apply the SLA. Problems go to stderr here, once, in one
//! format (`error: FILE:LINE: message`).

use std::path::{Path, PathBuf};

use crate::analysis::sla::{SlaError, SlaSpec};
use crate::analysis::{self, Analysis};
use crate::ingest::{self, IngestOptions};
use crate::model::Run;
use crate::render::terminal::printable;

/// A parsed SLA file and where it came from (for messages).
pub struct SlaFile {
    /// Path, or a name for an embedded file.
    pub origin: String,
    /// The rules.
    pub spec: SlaSpec,
    /// `--verdict-stage` names, which replace the file's `verdict_stages`.
    pub verdict_override: Vec<String>,
}

/// Why the pipeline produced no analysis, already explained on stderr; exit 2. It
/// holds that explanation (its first line), for outputs a script reads (`check`'s
/// JSON, JUnit and PR comment).
#[derive(Debug)]
pub struct NothingToReport(pub String);

impl NothingToReport {
    /// Prints `error: {msg}` to stderr and keeps `msg`.
    fn said(msg: String) -> NothingToReport {
        eprintln!("error: {}", printable(&msg));
        NothingToReport(msg)
    }
}

impl SlaFile {
    /// Reads and parses an SLA file given on the command line (UTF-8, or UTF-16 as
    /// Windows PowerShell's `Out-File` saves it).
    pub fn read(path: &Path) -> Result<SlaFile, NothingToReport> {
        let origin = path.display().to_string();
        let text = crate::ingest::text::read_text(path)
            .map_err(|e| NothingToReport::said(format!("--sla {origin}: {e}")))?;
        SlaFile::parse(origin, &text)
    }

    /// Parses SLA text (a file's, or an embedded one).
    pub fn parse(origin: String, text: &str) -> Result<SlaFile, NothingToReport> {
        match SlaSpec::parse(text) {
            Ok(spec) => Ok(SlaFile {
                origin,
                spec,
                verdict_override: Vec::new(),
            }),
            Err(e) => match load_tool_script(text) {
                Some(what) => Err(NothingToReport::said(format!(
                    "{origin}: this is {what}, not an SLA file (TOML): write the limits as \
                     rules, e.g. `[global]` `rules = [\"p(95) < 500ms\", \"error_rate < 1%\"]` \
                     (README \"SLA files\"); the tool's own checks of the run are read from \
                     its output in the run dir"
                ))),
                None => match other_language(&origin, text) {
                    Some(what) => Err(NothingToReport::said(format!(
                        "{origin}: this SLA file is written in {what}, but SLA files are TOML: \
                         e.g. `[global]` `rules = [\"p(95) < 500ms\", \"error_rate < 1%\"]` \
                         (README \"SLA files\")"
                    ))),
                    None => Err(report_sla_error(&origin, &e)),
                },
            },
        }
    }
}

/// What a load tool's own script given as `--sla` is (an Artillery YAML script with
/// its `ensure` checks, a k6 script with its `thresholds`, a Gatling simulation with
/// its `assertions`), so that the error says so instead of TOML's "expected `=`" at
/// line 1. `None` for anything else.
fn load_tool_script(text: &str) -> Option<&'static str> {
    let has_line = |start: &str| text.lines().any(|l| l.trim_end().starts_with(start));
    if has_line("config:") && (has_line("scenarios:") || text.contains("phases:")) {
        return Some("an Artillery script (YAML; its `ensure` checks are Artillery's)");
    }
    if text.contains("export const options") || text.contains("export let options") {
        return Some("a k6 script (its `thresholds` are k6's)");
    }
    if text.contains("setUp(") && (text.contains("Simulation") || text.contains(".assertions(")) {
        return Some("a Gatling simulation (its `assertions` are Gatling's)");
    }
    None
}

/// The language an SLA file that is not TOML is written in, when it shows (JSON: its
/// first character is `{`; YAML: its name says so, or its first lines are `key:`
/// lines with no `=`), so that the error says SLA files are TOML instead of TOML's
/// "expected `=`" at line 1. `None` for anything else.
fn other_language(origin: &str, text: &str) -> Option<&'static str> {
    if text.trim_start().starts_with('{') {
        return Some("JSON");
    }
    let lower = origin.to_ascii_lowercase();
    let lines: Vec<&str> = (text.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(5)
        .collect();
    let yaml_line = |l: &&str| {
        !l.contains('=')
            && (l.starts_with("- ")
                || l.split_once(':').is_some_and(|(k, _)| {
                    !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_alphanumeric() || "_-. \"'".contains(c))
                }))
    };
    let named = lower.ends_with(".yaml") || lower.ends_with(".yml");
    (named || (!lines.is_empty() && lines.iter().all(yaml_line))).then_some("YAML")
}

/// Prints an SLA error as `error: FILE:LINE: message`.
fn report_sla_error(origin: &str, e: &SlaError) -> NothingToReport {
    NothingToReport::said(match e.line {
        Some(line) => format!("{origin}:{line}: {}", e.message),
        None => format!("{origin}: {}", e.message),
    })
}

/// Why nothing can be judged when `--include`/`--exclude` kept no endpoint of inputs
/// that have some (a typo in the regex, or the method left out of `GET /a`): the
/// flags and the endpoints the data has, read again without them. Without this a
/// CI gate judged zero requests — CONDITIONAL and exit 0 on latency rules, NO-GO on
/// "0 req/s". `None` when an endpoint was kept, no such flag was given, or the inputs
/// hold no request at all.
fn endpoint_filter_left_nothing(
    paths: &[PathBuf],
    run: &Run,
    opts: &IngestOptions,
) -> Option<String> {
    let kept: u64 = run.sources.iter().map(|s| s.overall.requests()).sum();
    if !opts.filters_endpoints() || kept > 0 {
        return None;
    }
    let unfiltered = IngestOptions {
        include: None,
        exclude: None,
        progress: false,
        ..opts.clone()
    };
    let all = ingest::load_runs(paths, &unfiltered);
    let keys: std::collections::BTreeSet<String> = (all.sources.iter())
        .flat_map(|s| s.overall.endpoints.keys().map(ToString::to_string))
        .collect();
    if keys.is_empty() {
        return None;
    }
    let flags: Vec<String> = [("--include", &opts.include), ("--exclude", &opts.exclude)]
        .into_iter()
        .filter_map(|(flag, re)| re.as_ref().map(|re| format!("{flag} '{re}'")))
        .collect();
    const SHOWN: usize = 12;
    let more = keys.len().saturating_sub(SHOWN);
    let mut listed: Vec<String> = keys.into_iter().take(SHOWN).collect();
    if more > 0 {
        listed.push(format!("and {more} more"));
    }
    Some(format!(
        "{} kept no endpoint, so there is nothing to judge; the data's endpoints are {} \
         (the regex is matched against `METHOD name` as listed): fix the regex, or leave \
         the flag out",
        flags.join(" "),
        listed.join(", ")
    ))
}

/// What a headroom CSV export without per-request rows is, read back: every stage
/// was measured by a tool's summary only (a wrk or ab console), so the export's
/// `run.toml` describes them and its `stages.csv` and `endpoints.csv` hold their
/// figures, but there is no `requests.csv` to read; or the export was asked for without
/// its requests table (`--tables stages`). `None` for anything else.
fn summary_only_export(run: &Run) -> Option<String> {
    use crate::render::export::{EXPORTED, NO_REQUESTS, SUMMARY_ONLY};
    let exported = (run.meta.tool.as_deref()).is_some_and(|t| t.ends_with(EXPORTED));
    let stages: Vec<String> = (run.meta.stage_descriptions.iter())
        .filter(|(_, d)| d.starts_with(SUMMARY_ONLY))
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    let reason = run.meta.incomplete_reason.as_deref().unwrap_or_default();
    if exported && stages.is_empty() && reason.ends_with(NO_REQUESTS) {
        return Some(format!("a headroom export ({reason})"));
    }
    (exported && !stages.is_empty()).then(|| {
        format!(
            "a headroom export whose stage(s) {} only a tool's summary measured (no \
             per-request rows): their figures are in its stages.csv and endpoints.csv, and it \
             has no requests.csv for headroom to read back — analyse the original run dir{}",
            stages.join(", "),
            (run.meta.incomplete_reason.as_deref())
                .map_or(String::new(), |r| format!(" (run.toml: {r})"))
        )
    })
}

/// Ingests `paths`, analyses the run and applies `sla`. Every input problem (and input
/// warning) is printed to stderr, and so is every SLA name the data lacks (a warning); `Err` means nothing
/// could be reported (no results, or an SLA name that looks like a typo).
pub fn run_pipeline(
    paths: &[PathBuf],
    opts: &IngestOptions,
    sla: Option<&SlaFile>,
) -> Result<(Run, Analysis), NothingToReport> {
    let run = ingest::load_runs(paths, opts);
    for p in &run.problems {
        eprintln!("error: {}", printable(&p.to_string()));
    }
    for w in &run.warnings {
        eprintln!("warning: {}", printable(&w.to_string()));
    }
    if run.sources.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        if let Some(why) = summary_only_export(&run) {
            return Err(NothingToReport::said(format!(
                "{}: {why}",
                shown.join(", ")
            )));
        }
        // The inputs' own errors, printed above, say why nothing was read (a mixed
        // set of shard dirs, a file too broken to read): "no load-test results" after
        // them would contradict them. They are the one message, and the reason kept
        // for --junit, --markdown and --json.
        if !run.problems.is_empty() {
            let why: Vec<String> = run.problems.iter().map(ToString::to_string).collect();
            return Err(NothingToReport(why.join("; ")));
        }
        let said = NothingToReport::said(format!(
            "no load-test results found in {}; see README, \"Inputs read today\", for the \
             formats headroom reads",
            shown.join(", ")
        ));
        for s in &run.skipped {
            eprintln!(
                "  skipped {}: {}",
                crate::model::untrusted::printable_path(&s.path),
                printable(&s.reason)
            );
        }
        return Err(said);
    }
    // A filter that left every stage empty: nothing to judge, and no verdict on it.
    if let Some(why) = ingest::filter_left_nothing(&run, opts) {
        return Err(NothingToReport::said(why));
    }
    if let Some(why) = endpoint_filter_left_nothing(paths, &run, opts) {
        return Err(NothingToReport::said(why));
    }
    let analysis = judge(&run, sla)?;
    Ok((run, analysis))
}

/// Analyses an ingested `run` and applies `sla`, printing every SLA name the data
/// lacks (a warning); `Err` (printed) when the SLA names one that looks like a typo.
pub fn judge(run: &Run, sla: Option<&SlaFile>) -> Result<Analysis, NothingToReport> {
    let analysis = judge_unsaid(run, sla)?;
    if let Some(sla) = sla {
        for w in analysis.warnings.iter().filter(|w| w.from_sla()) {
            eprintln!("warning: {}: {}", sla.origin, printable(&w.to_string()));
        }
    }
    Ok(analysis)
}

/// [`judge`] without printing the SLA's names the data lacks (its caller says them,
/// once for many runs: `compare`'s repeats); a typo is still printed and `Err`.
pub fn judge_unsaid(run: &Run, sla: Option<&SlaFile>) -> Result<Analysis, NothingToReport> {
    let settings = analysis::Settings {
        verdict_override: sla.map(|s| s.verdict_override.clone()).unwrap_or_default(),
    };
    analysis::analyze(run, sla.map(|s| &s.spec), &settings)
        .map_err(|e| report_sla_error(sla.map_or("", |s| s.origin.as_str()), &e))
}
