//! The command line: clap definitions, one module per command, and the mapping from
//! outcomes to exit codes (0 ok, 1 the system under test failed a gate, 2 bad input).

pub mod analyze;
mod args;
mod common;
pub mod inspect;

use std::process::ExitCode;

pub use args::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Inspect(args) => inspect::run(&args),
    }
}
