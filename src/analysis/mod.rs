//! Analysis: from a `model::Run` to every figure and judgement the report shows.
//! Nothing here renders reports; rendering happens in `render/`. `quantity` only fixes how
//! one value is written, so that every renderer and note writes it alike.

pub mod audit;
pub mod bottlenecks;
mod build;
pub mod capacity;
pub mod caveat;
pub mod compare;
pub mod headline;
mod headroom_verdict;
pub mod inspect;
pub mod metrics;
pub mod narrative;
pub mod quality;
pub mod quantity;
mod readiness;
pub mod report;
mod response_time_law;
pub mod rounding;
pub mod sla;
mod sla_beside;
mod sla_report;
mod slow_drift;
mod stage_gap;
mod task_mix;
pub mod words;

pub use build::{
    analyze, encode_histogram, latency_report, scope_report, series_origin_ms, Settings,
};
pub use report::Analysis;
