//! The built-in traffic driver and the demo target.
//!
//! * `scenario` — scenario TOML: tasks, think time, stages, bounds.
//! * `template`, `feeder`, `checks`, `request` — what one request carries: placeholders
//!   and `${ENV}` secrets, CSV data, response checks and extracts, the per-user state.
//! * `client` — HTTP/1.1 keep-alive connections and failure classification.
//! * `pacing` — think times, the open-model schedule, spawn pacing, timer lateness.
//! * `shard` — one plan over several processes: striping, plan hash, common start.
//! * `run` — the controller: stages, users, early stops, the run dir.
//! * `recorder` — the single owner of histograms and output files.
//! * `csv_out`, `manifest_out` — the run dir's files (`latency.hlog` is written with
//!   `crate::hlog`'s writer).
//! * `live` — the hook that judges closed intervals while the run goes (SLA abort).
//! * `progress`, `summary`, `selfwatch` — what the user sees, and the driver's own health.
//! * `signals` — Ctrl-C and SIGTERM: the early stops that still write the run dir.
//! * `tls` — rustls client and server setup (`https://` targets, `target --tls-self-signed`).
//! * `target` — the demo service with a known capacity.
//! * `demo` — the one-call demo traffic run (target + driver, in-process).

pub mod checks;
pub mod client;
pub mod csv_out;
pub mod demo;
pub mod error;
pub mod feeder;
pub mod hist;
pub mod live;
pub mod manifest_out;
pub mod pacing;
pub mod progress;
pub mod recorder;
pub mod request;
pub mod run;
pub mod scenario;
pub mod selfwatch;
pub mod shard;
pub mod signals;
pub mod summary;
pub mod target;
pub mod template;
pub mod tls;
pub mod units;

pub use demo::run_demo_traffic;
pub use error::DriverError;
pub use run::{run, RunOptions};
pub use scenario::Scenario;
pub use summary::DriveSummary;
