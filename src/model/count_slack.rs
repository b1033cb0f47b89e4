//! How far a source's printed counts may be from the true ones. Most sources count
//! every request; a console that rounds (autocannon's `2k requests`, `10k errors`)
//! gives a count known only within a band. The slack travels with the endpoint's
//! figures to every scope built from them, so a rule on a count (error rate,
//! throughput, availability) is judged at both ends of what the data allows, never
//! on the rounded figure alone. The latencies a console derives from such counts (its
//! requests less its errors) are known only within a band too, and so is where a
//! percentile over every request falls among them when timed-out requests are left
//! out of the latency.

/// The most a source's request and failure counts may be off, either way (0: exact).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CountSlack {
    /// The true requests lie within `requests ± this`.
    pub requests: u64,
    /// The true failures, and the true count of each kind of them (the timeouts),
    /// lie within `failures ± this`.
    pub failures: u64,
    /// The true count of latencies (answers with a measured time) lies within the
    /// latency distribution's count ± this.
    pub latencies: u64,
}

impl CountSlack {
    /// Both counts exact.
    pub fn is_exact(&self) -> bool {
        self.requests == 0 && self.failures == 0 && self.latencies == 0
    }

    /// The slack of two sources' counts added together (their errors add up).
    pub fn plus(self, other: CountSlack) -> CountSlack {
        CountSlack {
            requests: self.requests.saturating_add(other.requests),
            failures: self.failures.saturating_add(other.failures),
            latencies: self.latencies.saturating_add(other.latencies),
        }
    }
}
