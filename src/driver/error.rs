//! The driver's typed errors. The CLI maps them to exit codes: a bad scenario or
//! profile is exit 2, everything that goes wrong once traffic flows is reported
//! with what was measured so far.

use std::path::PathBuf;

/// What can go wrong in the driver or the demo target.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// The scenario file is not valid TOML or does not fit the schema (the message
    /// carries the line and column).
    #[error("{path}: {message}")]
    ScenarioSyntax {
        /// The scenario file.
        path: PathBuf,
        /// The TOML parser's message, naming line and column.
        message: String,
    },
    /// The scenario parses but says something impossible.
    #[error("bad scenario: {0}")]
    Scenario(String),
    /// A target profile is invalid or unknown.
    #[error("bad target profile: {0}")]
    Profile(String),
    /// The target address could not be resolved.
    #[error("cannot resolve {url}: {message}")]
    Resolve {
        /// The base URL.
        url: String,
        /// Why.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl DriverError {
    /// An I/O error about `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> DriverError {
        DriverError::Io {
            path: path.into(),
            source,
        }
    }

    /// True for errors in what the user wrote (scenario, profile, URL): exit 2.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            DriverError::ScenarioSyntax { .. }
                | DriverError::Scenario(_)
                | DriverError::Profile(_)
                | DriverError::Resolve { .. }
        )
    }
}
