//! Minimal entry point for the driver work (the full CLI wiring replaces it).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use headroom::cli;

/// headroom: load-test results into decisions.
#[derive(Parser)]
#[command(name = "headroom", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Drive traffic at a target and write a run dir.
    Drive(cli::drive::DriveArgs),
    /// Run the demo target service.
    Target(cli::target::TargetArgs),
    /// Run the demo traffic (target + driver, in-process) into OUT/run/.
    Demo {
        /// Output directory.
        #[arg(long, default_value = "headroom-demo")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Drive(a) => cli::drive::run(a),
        Command::Target(a) => cli::target::run(a),
        Command::Demo { out } => tokio::runtime::Runtime::new()
            .map_err(anyhow::Error::from)
            .and_then(|rt| rt.block_on(headroom::driver::run_demo_traffic(&out)))
            .map(|dir| {
                println!("{}", dir.display());
                ExitCode::SUCCESS
            }),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::from(2)
    })
}
