//! Why a comparison was left `inconclusive` before its statistics could decide (too
//! few samples for the percentile, another load, or another load tool on each side)
//! or despite them (a side's tool leaves failures out, a run failed outright).
//! Serialised as the sentence compare.json's `reason` carries.

use serde::{Serialize, Serializer};

/// Why a comparison was left `inconclusive` before the statistics: serialised as its
/// sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum Undecided {
    /// A percentile of too few latencies on a side ([`super::thin::reason`]'s sentence).
    TooFewSamples(String),
    /// The paired stages ran at other loads, or were measured by other tools (or, for
    /// a run's capacity figures, some stage was): their differences are not the
    /// release's alone (the notes name the loads).
    OtherLoad,
    /// The paired stages ran at one load but were measured by different load tools:
    /// each times and counts in its own way.
    OtherTool,
    /// A side's tool leaves failures out, and the change is one that data cannot show
    /// (`unseen::withholds`'s sentence).
    FailuresUnseen(String),
    /// A run of the stage answered none of its requests (`failed::reason`'s sentence).
    FailedRun(String),
}

impl Serialize for Undecided {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Undecided::TooFewSamples(why)
            | Undecided::FailuresUnseen(why)
            | Undecided::FailedRun(why) => s.serialize_str(why),
            Undecided::OtherTool => s.serialize_str(
                "other tool: the two sides were measured by different load tools (see the \
                 notes), so the difference is not the release's alone",
            ),
            Undecided::OtherLoad => s.serialize_str(
                "other load: the two sides ran at different loads or were measured by \
                 different tools (see the notes), so the difference is not the release's alone",
            ),
        }
    }
}
