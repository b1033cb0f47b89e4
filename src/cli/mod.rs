//! The command line: clap definitions, one module per command, and the mapping from
//! outcomes to exit codes (`exit.rs`: 0 ok, 1 the system under test failed a gate or a
//! run was cut short, 2 bad input).

pub mod analyze;
mod args;
pub mod check;
pub mod color;
mod common;
pub mod compare;
mod compare_sla;
pub mod config;
pub mod demo;
pub mod drive;
mod exit;
pub mod export;
pub mod inspect;
mod live_sla;
pub mod pipeline;
pub mod shell;
pub mod sla;
pub mod target;

pub use args::{Cli, Command};
pub use exit::Outcome;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    color::init(cli.color);
    match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Drive(args) => drive::run(args),
        Command::Target(args) => target::run(args),
        Command::Check(args) => check::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Sla(args) => sla::run(&args),
        Command::Completions(args) => shell::completions(&args),
        Command::Man(args) => shell::man(&args),
    }
}

/// A multi-threaded tokio runtime with one worker per core.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
