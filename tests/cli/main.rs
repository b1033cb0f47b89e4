//! The integration tests: one binary, one module per topic, each driving the real
//! `headroom` binary on fixtures the tests write themselves.

mod analyze;
mod bad_input;
mod browser;
mod charts;
mod common;
mod conformance;
