//! Two files of one source that count its run differently (a Locust stats history's
//! last cumulative total against its stats file's): what ingest found, for the audit
//! and the SLA to act on.

/// Two files of one source that count its run differently ([`super::Source::totals_disagree`]).
#[derive(Clone, Debug, PartialEq)]
pub struct TotalsDisagree {
    /// The requests the file the whole run's figures come from counts.
    pub whole_run: u64,
    /// The requests the file the stages' figures come from counts.
    pub stages: u64,
    /// The two counts and what they mean, in one sentence naming both files.
    pub why: String,
}
