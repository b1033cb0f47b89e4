//! Analysis: from a `model::Run` to every figure and judgement the report shows.
//! Nothing here formats text for a reader beyond short evidence strings; rendering
//! happens in `render/`.

mod build;
pub mod metrics;
mod readiness;
pub mod report;

pub use build::{analyze, encode_histogram, latency_report, scope_report};
pub use report::Analysis;
