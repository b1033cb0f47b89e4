//! The command line: clap definitions, one module per command, and the mapping from
//! outcomes to exit codes (0 ok, 1 the system under test failed a gate, 2 bad input).

pub mod analyze;
mod args;
pub mod check;
mod common;

use std::process::ExitCode;

pub use args::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Check(args) => check::run(&args),
    }
}
