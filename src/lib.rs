//! headroom: turns the raw results of any load test into decisions.
//!
//! The pipeline has one module per stage: `ingest` (files → `model::Run`),
//! `analysis` (run → figures and judgements), `render` (figures → report files and
//! terminal text), with `cli` on top; the traffic `driver` writes run dirs that ingest
//! reads, both through the `.hlog` codec `hlog`. The library is what the tests use.

pub mod analysis;
pub mod cli;
pub mod driver;
pub mod hlog;
pub mod ingest;
pub mod model;
pub mod render;
