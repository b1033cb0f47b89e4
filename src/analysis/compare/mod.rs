//! Comparing runs across releases: the statistics that decide whether a metric
//! regressed, improved or did not move (see `stats`). Matching stages and endpoints,
//! and the verdicts built on the statistics, live beside it.

pub mod stats;
