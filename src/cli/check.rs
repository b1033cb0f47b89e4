//! `headroom check`: the SLA gate for CI. Reads run dirs like `analyze`, judges them
//! against an SLA file, prints the rules (or JSON), writes JUnit XML and a PR-comment
//! markdown on request, and exits 0 (no fail-severity rule fails on the verdict
//! stages), 1 (one does, or the load tool failed its own checks on the run — a k6
//! threshold, a Gatling assertion —; with `--strict` also one not proven or without
//! data) or 2 (bad input or a bad SLA file, named with its line and a hint).

use std::path::{Path, PathBuf};

use clap::Args;

use super::analyze::OutputFormat;
use super::common::{emit, emitln, InputArgs};
use super::exit::Outcome;
use super::pipeline::{run_pipeline, NothingToReport, SlaFile};
use crate::analysis::caveat::Caveat;
use crate::analysis::report::SlaSummary;
use crate::analysis::sla::gates;
use crate::render::check::{
    comment, no_verdict_comment, table, CheckOutcome, CommentSubject, NoVerdict, StatusCounts,
};
use crate::render::junit;
use crate::render::output::{refuse_foreign, write_named_file, Recognise};
use crate::render::terminal::printable;

/// Arguments of `check`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  headroom check results/ --sla data/sla/example-full.toml\n  headroom check results/ --sla sla.toml --junit junit.xml --markdown comment.md\n  headroom check results/ --sla sla.toml --markdown - | gh pr comment 12 --body-file -\n  headroom check results/ --sla sla.toml --json --strict\n\nExit codes: 0 no fail-severity rule fails on the verdict stages; 1 one does, or the\nload tool failed its own checks (a k6 threshold, a Gatling assertion) (--strict:\nalso one not proven or without enough data, or data that cannot carry a GO: a run\nkilled part way, an audit that rejects it, failures no rule judges); 2 bad input or a bad SLA file."
)]
pub struct CheckArgs {
    /// Inputs and filters.
    #[command(flatten)]
    pub input: InputArgs,
    /// SLA rules (TOML) to judge the run against (README "SLA files").
    #[arg(long, value_name = "FILE")]
    pub sla: PathBuf,
    /// Decide the verdict on this stage instead of the SLA file's `verdict_stages`
    /// (repeat for several).
    #[arg(long = "verdict-stage", value_name = "NAME")]
    pub verdict_stage: Vec<String>,
    /// Write JUnit XML here: one testsuite per SLA section, one testcase per rule
    /// evaluation (`-`: on stdout, the table then on stderr).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a short markdown summary for a pull-request comment here (`-`: on
    /// stdout, the table then on stderr).
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// What to print on stdout: the table of rules, or the outcome as JSON.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Same as --format json.
    #[arg(long)]
    pub json: bool,
    /// Also fail (exit 1) when a fail-severity rule is not proven or lacks data, or
    /// when the data cannot carry a GO (a run killed part way, an audit rejecting it,
    /// failed requests no gating rule judges).
    #[arg(long)]
    pub strict: bool,
    /// Move a --junit or --markdown file that headroom did not write aside (to
    /// `.NAME.old-TIMESTAMP`, nothing is deleted) instead of refusing it. A file an
    /// earlier check wrote is replaced without it.
    #[arg(long)]
    pub force: bool,
}

/// True for a JUnit file an earlier `check` wrote (its `<testsuites>` is named so).
fn junit_of_ours(head: &[u8]) -> bool {
    memchr::memmem::find(head, b"<testsuites name=\"headroom check").is_some()
}

/// True for a PR comment an earlier `check` wrote (its first line names it).
fn comment_of_ours(head: &[u8]) -> bool {
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    first.starts_with(b"### ") && memchr::memmem::find(first, b"headroom check:").is_some()
}

/// True for a JUnit file or PR comment an earlier `check` wrote (its first 4 KiB).
fn earlier_check(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(4096);
    if std::io::Read::read_to_end(&mut std::io::Read::take(file, 4096), &mut head).is_err() {
        return false;
    }
    junit_of_ours(&head) || comment_of_ours(&head)
}

/// True for `-`: the document goes to stdout, not to a file.
fn on_stdout(path: &Path) -> bool {
    path == Path::new("-")
}

/// Refuses two documents on stdout: `--junit -` and `--markdown -`, or either with
/// `--format json`.
fn one_on_stdout(args: &CheckArgs) -> anyhow::Result<()> {
    let dash = |p: &Option<PathBuf>| p.as_deref().is_some_and(on_stdout);
    let flags: Vec<&'static str> = [(&args.junit, "--junit"), (&args.markdown, "--markdown")]
        .into_iter()
        .filter(|(p, _)| dash(p))
        .map(|(_, flag)| flag)
        .collect();
    let json = args.json || args.format == OutputFormat::Json;
    match flags.as_slice() {
        [] => Ok(()),
        [_] if !json => Ok(()),
        [flag] => anyhow::bail!(
            "{flag} - and --format json would both write stdout: write the {flag} document \
             to a file, or drop --json"
        ),
        _ => anyhow::bail!(
            "--junit - and --markdown - would both write stdout: write one of them to a file"
        ),
    }
}

/// Refuses `--junit` and `--markdown` naming one file: the second document would
/// replace the first (or be refused as a file headroom did not write, after the first
/// was written), so a CI job would read one of them from the other's path.
fn two_files(args: &CheckArgs) -> anyhow::Result<()> {
    let (Some(junit), Some(markdown)) = (&args.junit, &args.markdown) else {
        return Ok(());
    };
    if on_stdout(junit) || on_stdout(markdown) {
        return Ok(());
    }
    // The same path, or two paths of one existing file (a link, `./x` and `x`).
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.into());
    let real = |p: &Path| std::fs::canonicalize(p).ok();
    let same = abs(junit) == abs(markdown)
        || real(junit).is_some_and(|j| real(markdown).is_some_and(|m| j == m));
    if same {
        anyhow::bail!(
            "--junit and --markdown both name {}: the second document would replace the \
             first; give each its own file",
            crate::model::untrusted::printable_path(junit)
        );
    }
    Ok(())
}

/// False (the error said) when `--junit` or `--markdown` names a file headroom did
/// not write: refused before a large ingest (one among the inputs is refused as an
/// input after it).
fn outputs_are_ours(args: &CheckArgs) -> bool {
    let named: [(&Option<PathBuf>, &str, Recognise<'_>); 2] = [
        (&args.junit, "--junit", &junit_of_ours),
        (&args.markdown, "--markdown", &comment_of_ours),
    ];
    for (path, flag, ours) in named {
        let Some(path) = path.as_deref().filter(|p| !on_stdout(p)) else {
            continue;
        };
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.into());
        if (args.input.paths.iter()).any(|i| abs(path).starts_with(abs(i))) {
            continue;
        }
        if let Err(e) = refuse_foreign(path, ours, Some(args.force)) {
            eprintln!("error: {flag} {e}");
            return false;
        }
    }
    true
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let opts = args.input.ingest_options()?;
    one_on_stdout(args)?;
    two_files(args)?;
    if !outputs_are_ours(args) {
        return Ok(Outcome::BadInput);
    }
    // The SLA file first: a typo in it should not wait for a large ingest.
    let mut sla_file = match SlaFile::read(&args.sla) {
        Ok(f) => f,
        Err(NothingToReport(why)) => return no_verdict(args, &why),
    };
    sla_file.verdict_override.clone_from(&args.verdict_stage);
    let (run, analysis) = match run_pipeline(&args.input.paths, &opts, Some(&sla_file)) {
        Ok(done) => done,
        Err(NothingToReport(why)) => return no_verdict(args, &why),
    };
    let Some(sla) = analysis.sla.as_ref() else {
        anyhow::bail!("no source to judge");
    };
    let gating = sla.rules.iter().filter(|e| gates(e, args.strict)).count();
    let bad_input = !run.problems.is_empty() && !opts.lenient;
    let exit = exit_of(args.strict, sla, bad_input, gating);
    let exit_code = exit.code();

    // Output files never replace a file headroom found among its inputs — but an
    // earlier check's JUnit or PR comment inside a run dir (`--junit run/junit.xml`),
    // which ingest skips as no result, is this check's to replace on a CI rerun.
    let inputs: Vec<PathBuf> = (run.inputs.iter().map(|i| i.path.clone()))
        .chain(run.problems.iter().map(|p| p.path.clone()))
        .chain((run.skipped.iter().map(|s| s.path.clone())).filter(|p| !earlier_check(p)))
        .chain(args.input.paths.iter().cloned())
        .collect();
    // Input problems that fail the check, for the JUnit and markdown outputs.
    let failing: &[crate::model::Problem] = if bad_input { &run.problems } else { &[] };
    // The document `-` names, for stdout.
    let mut document = None;
    if let Some(path) = &args.junit {
        let xml = junit::render(sla, args.strict, failing, &analysis.tool_checks);
        if on_stdout(path) {
            document = Some(xml);
        } else {
            write_named_file(
                path,
                xml.as_bytes(),
                &inputs,
                &junit_of_ours,
                Some(args.force),
            )?;
        }
    }
    if let Some(path) = &args.markdown {
        let subject = CommentSubject::new(
            (args.input.paths.iter())
                .map(|p| p.display().to_string())
                .collect(),
            args.sla.display().to_string(),
            // The kinds of file whose data the figures hold: a file read and then set
            // aside (another file's copy, a console beside its CSV) is none of them.
            (run.inputs.iter())
                .filter(|i| !run.skipped.iter().any(|s| s.path == i.path))
                .map(|i| i.format.as_str()),
        );
        let text = comment(sla, (args.strict, failing), &analysis.tool_checks, &subject)?;
        if on_stdout(path) {
            document = Some(text);
        } else {
            write_named_file(
                path,
                text.as_bytes(),
                &inputs,
                &comment_of_ours,
                Some(args.force),
            )?;
        }
    }
    if args.json || args.format == OutputFormat::Json {
        let outcome = CheckOutcome {
            verdict: sla.verdict,
            exit_code,
            strict: args.strict,
            counts: StatusCounts::of(&sla.rules),
            gating,
            tool_checks: &analysis.tool_checks,
            warnings: &analysis.warnings,
            sla,
        };
        emitln(serde_json::to_string_pretty(&outcome)?)?;
    } else if let Some(document) = document {
        // stdout carries the document alone; the table goes to stderr.
        eprint!(
            "{}",
            table(sla, args.strict, exit_code, super::color::stderr())
        );
        for w in notes(&analysis.warnings) {
            eprintln!("note: {}", printable(&w.to_string()));
        }
        emit(document)?;
    } else {
        let color = super::color::stdout();
        emit(table(sla, args.strict, exit_code, color))?;
        for w in notes(&analysis.warnings) {
            emitln(format_args!("note: {}", printable(&w.to_string())))?;
        }
    }
    Ok(exit)
}

/// The warnings `check` prints as notes: all but the inputs' and the SLA's own, which
/// `run_pipeline` printed as they were read (`warning: …`).
fn notes(warnings: &[Caveat]) -> impl Iterator<Item = &Caveat> {
    warnings.iter().filter(|w| !w.said_as_read())
}

/// The exit of a check of `sla` (`gating`: its evaluations that fail the gate).
fn exit_of(strict: bool, sla: &SlaSummary, bad_input: bool, gating: usize) -> Outcome {
    // --strict fails on what the SLA meant to judge and could not: rules not run, and
    // verdict_stages entries the data lacks.
    let unchosen = strict && !sla.verdict_stages_absent.is_empty();
    // --strict passes only what is proven: not passing rules on data that cannot carry
    // a GO (a run killed part way, an audit that rejects it) or on wrong answers.
    let held = strict && sla.held_by_data().is_some();
    // The load tool failed its own checks (a k6 threshold, a Gatling assertion): the
    // team's own gate failed the run (k6 exits 99 on it), so this gate does too, with
    // or without --strict: passing it would undo the tool's verdict in CI.
    let tool_failed = sla.tool_failed.is_some();
    if bad_input {
        Outcome::BadInput
    } else if gating > 0 || unchosen || held || tool_failed {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}

/// A check that judged nothing (`why`, already on stderr): exit 2, and the outputs a
/// pipeline reads say so — the JUnit file and the PR comment are replaced by ones
/// naming the error (an earlier check's would otherwise stand as this one's), and
/// `--format json` prints `{"verdict": null, "exit_code": 2, "error": …}`.
fn no_verdict(args: &CheckArgs, why: &str) -> anyhow::Result<Outcome> {
    let outputs: [(&Option<PathBuf>, String, Recognise<'_>); 2] = [
        (&args.junit, junit::no_verdict(why), &junit_of_ours),
        (&args.markdown, no_verdict_comment(why), &comment_of_ours),
    ];
    for (path, text, ours) in outputs {
        let Some(path) = path else { continue };
        if on_stdout(path) {
            emit(&text)?;
            continue;
        }
        let written = write_named_file(
            path,
            text.as_bytes(),
            &args.input.paths,
            ours,
            Some(args.force),
        );
        if let Err(e) = written {
            eprintln!(
                "error: {}: {}",
                crate::model::untrusted::printable_path(path),
                printable(&e.to_string())
            );
        }
    }
    if args.json || args.format == OutputFormat::Json {
        let outcome = NoVerdict {
            verdict: None,
            exit_code: Outcome::BadInput.code(),
            strict: args.strict,
            error: why,
        };
        emitln(serde_json::to_string_pretty(&outcome)?)?;
    }
    Ok(Outcome::BadInput)
}
