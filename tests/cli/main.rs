//! The integration tests: one binary, one module per topic, each driving the real
//! `headroom` binary on fixtures the tests write themselves.

mod analyze;
mod bad_input;
mod bottlenecks;
mod bounded;
mod browser;
mod capacity;
mod capacity_agrees;
mod charts;
mod check;
mod common;
mod compare;
mod config;
mod conformance;
mod demo;
mod drive;
mod drive_real;
mod export;
mod formats_a;
mod formats_b;
mod formats_c;
mod habits;
mod hygiene;
mod impossible_numbers;
mod kubernetes;
mod layering;
mod locust;
mod narrative;
mod output_safety;
mod parallel;
mod shard;
mod snapshots;
mod sources;
mod verdict;
mod wrk2;
