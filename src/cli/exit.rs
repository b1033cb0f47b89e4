//! How a command ends: the one mapping from outcomes to process exit codes, so that
//! scripts and CI can tell "the system under test failed" from "the input was bad".

use std::process::ExitCode;

/// How a command ended. Every command returns one; `main` turns it into the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: the command did what was asked — the report was written, every gating
    /// rule passed (`check`), the run completed (`drive`), the target stopped cleanly.
    Ok,
    /// Exit 1: the system under test failed — a gating SLA rule failed (`check`; with
    /// `--strict` warnings and rules not run gate too), or a run was cut short or
    /// could not complete (`drive`: Ctrl-C, a dead target, a bound reached, an error
    /// while driving).
    Failed,
    /// Exit 2: bad input — a malformed or unreadable input file (unless `--lenient`),
    /// a bad SLA file, scenario or flag, an output dir that may not be replaced, an
    /// address that cannot be listened on, or any error that stops the command.
    BadInput,
}

impl Outcome {
    /// The process exit code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Failed => 1,
            Outcome::BadInput => 2,
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(outcome.code())
    }
}
