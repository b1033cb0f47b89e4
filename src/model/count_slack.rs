//! How far a source's printed counts may be from the true ones. Most sources count
//! every request; a console that rounds (autocannon's `2k requests`, `10k errors`)
//! gives a count known only within a band. The slack travels with the endpoint's
//! figures to every scope built from them, so a rule on a count (error rate,
//! throughput, availability) is judged at both ends of what the data allows, never
//! on the rounded figure alone.

/// The most a source's request and failure counts may be off, either way (0: exact).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CountSlack {
    /// The true requests lie within `requests ± this`.
    pub requests: u64,
    /// The true failures lie within `failures ± this`.
    pub failures: u64,
}

impl CountSlack {
    /// Both counts exact.
    pub fn is_exact(&self) -> bool {
        self.requests == 0 && self.failures == 0
    }

    /// The slack of two sources' counts added together (their errors add up).
    pub fn plus(self, other: CountSlack) -> CountSlack {
        CountSlack {
            requests: self.requests.saturating_add(other.requests),
            failures: self.failures.saturating_add(other.failures),
        }
    }
}
