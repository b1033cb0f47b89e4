//! Command-line front ends: one file per command, each a clap `Args` struct and a
//! `run` function returning the process exit code. Wiring them into the top-level
//! `Cli` happens in `main.rs`.

pub mod drive;
pub mod target;

/// A multi-threaded tokio runtime with one worker per core.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
