//! clap definitions of every command. Doc comments here are the `--help` text.

use clap::{Parser, Subcommand};

use super::analyze::AnalyzeArgs;
use super::inspect::InspectArgs;

/// headroom turns the raw results of any load test into decisions: SLA compliance,
/// breaking points, capacity and bottleneck hints, with every figure traced to a file.
#[derive(Debug, Parser)]
#[command(
    name = "headroom",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Examples:\n  headroom demo\n  headroom analyze results/run-1 --sla data/sla/agent-platform.toml\n\nExit codes: 0 ok, 1 a gate failed (check/compare), 2 bad input."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse run dirs: write report.md, report.html and report.json, print a summary.
    Analyze(AnalyzeArgs),
    /// Show what headroom sees in result files: format, version, requests, endpoints,
    /// time span, users, latency kind, problems.
    Inspect(InspectArgs),
}
