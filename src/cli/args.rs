//! clap definitions of every command. Doc comments here are the `--help` text.

use clap::{Parser, Subcommand};

use super::analyze::AnalyzeArgs;
use super::check::CheckArgs;
use super::compare::CompareArgs;
use super::demo::DemoArgs;
use super::drive::DriveArgs;
use super::export::ExportArgs;
use super::inspect::InspectArgs;
use super::shell::{CompletionsArgs, ManArgs};
use super::sla::SlaArgs;
use super::target::TargetArgs;

/// headroom turns the raw results of any load test into decisions: SLA compliance,
/// capacity, breaking points and a consistency audit, with every figure traced to a file.
#[derive(Debug, Parser)]
#[command(
    name = "headroom",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Examples:\n  headroom demo\n  headroom analyze results/run-1 --sla data/sla/agent-platform.toml\n\nConfig: flag defaults from ./headroom.toml or --config FILE, e.g.\n  sla = \"sla.toml\"\n  [analyze]\n  charts = \"svg\"\n\nExit codes: 0 ok; 1 the SLA gate failed (check) or a drive stopped early; 2 bad input."
)]
pub struct Cli {
    /// Colour terminal output: `auto` (a terminal, unless `NO_COLOR` is set), `always`
    /// or `never`. The flag beats `NO_COLOR`.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: super::color::ColorChoice,
    /// Defaults for any flag from this TOML file (default: `headroom.toml` in the working
    /// dir, when present). Top-level keys apply to every command with that flag, a
    /// `[analyze]`-style table to one command; the command line wins over both.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse run dirs: write report.md, report.html and report.json, print a summary.
    Analyze(AnalyzeArgs),
    /// SLA gate for CI: judge run dirs against an SLA file, print the rules, write
    /// JUnit XML / a PR-comment markdown; exit 1 when a fail-severity rule fails.
    Check(CheckArgs),
    /// Compare runs across releases: regressions with intervals and q-values, trends
    /// with change points, repeats by Mann–Whitney; writes compare.md/.html/.json.
    Compare(CompareArgs),
    /// SLA files: `sla init RUN_DIR` writes a starter SLA from a run.
    Sla(SlaArgs),
    /// Show what headroom sees in result files: format, version, requests, endpoints,
    /// time span, users, latency kind, problems.
    Inspect(InspectArgs),
    /// Write a run's normalised tables (stages, stage × endpoint, interval series,
    /// per-request rows) as Parquet, CSV or NDJSON, for notebooks.
    Export(ExportArgs),
    /// Everything end to end: start the demo target, drive a scaled four-stage test
    /// past its capacity, analyse it and write the report (about a minute).
    Demo(DemoArgs),
    /// Drive HTTP traffic from a scenario (or the quick flags) and write a run dir.
    Drive(DriveArgs),
    /// Serve the demo "agent platform" API with a known capacity.
    Target(TargetArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to stdout.
    Completions(CompletionsArgs),
    /// Print the man page (roff, every command in one page) to stdout.
    Man(ManArgs),
}
