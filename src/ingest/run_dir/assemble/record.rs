//! Recording one observation into a source's overall and the stage whose window
//! holds it: requests into endpoints and series, interval histograms whole; and what
//! one reader recorded ([`Recorded`]), added to what the reader of the next part did.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use rustc_hash::FxBuildHasher;

use crate::ingest::{IngestOptions, Observation};
use crate::model::{
    plausible_time, EndpointKey, EndpointStats, Grouping, Stage, TimeSeries, MAX_ENDPOINTS, OTHERS,
};

use super::{interval_stage, union};

/// Records observations into a source's overall and stages.
pub(super) struct Recorder<'o> {
    pub(super) opts: &'o IngestOptions,
    /// False for a source without times: everything goes to its one stage.
    pub(super) timed: bool,
}

impl Recorder<'_> {
    /// The stage an observation at `t_ms` belongs to.
    fn stage(&self, stages: &[Stage], t_ms: i64) -> Option<usize> {
        if self.timed {
            stages.iter().position(|s| s.contains(t_ms))
        } else {
            (!stages.is_empty()).then_some(0)
        }
    }

    /// Records one observation into the stage whose window holds it, or into overall
    /// when none does; for a request, returns that stage. A new endpoint's series
    /// starts as a copy of `series[0]` in overall and of `series[i + 1]` in stage `i`
    /// (their grid).
    fn record(&self, out: &mut Recorded, obs: &Observation<'_>) -> Option<usize> {
        let opts = self.opts;
        let (t, until) = span_of(obs);
        if !plausible_time(t) || !plausible_time(until) {
            return None; // Left out (or malformed), and said so, by the survey.
        }
        let Recorded {
            overall,
            stages,
            keys,
            series,
            slots,
            ..
        } = out;
        match obs {
            Observation::Malformed(_) => {}
            Observation::Request(ev) | Observation::Transaction(ev) => {
                if self.timed && !opts.in_time_range(ev.t_ms) {
                    return None;
                }
                let (number, key) = keys.key(opts, ev.method, ev.name)?;
                let transaction = matches!(obs, Observation::Transaction(_));
                let request = Request {
                    ev,
                    transaction,
                    timed: self.timed,
                };
                // Into its stage only, or overall when no stage holds it: overall gets
                // the stages added once, at the end ([`Recorded::fold_stages`]).
                let i = self.stage(stages, ev.t_ms);
                let (scope, slots, new) = match i {
                    Some(i) => (&mut stages[i], &mut slots[i + 1], &series[i + 1]),
                    None => (overall, &mut slots[0], &series[0]),
                };
                if let Some(u) = ev.users.filter(|_| self.timed) {
                    scope.timeline.record_users(ev.t_ms, u);
                }
                // Transactions in slots of their own: the others make the timeline.
                let number = 2 * number + usize::from(transaction);
                request.record(slot(slots, number, key, new));
                return i;
            }
            Observation::Histogram {
                key,
                start_ms,
                end_ms,
                histogram,
                failures,
            } => {
                if !opts.in_time_range(*start_ms) || !opts.keeps(key) {
                    return None;
                }
                let (scope, new) = match interval_stage(stages, *start_ms, *end_ms) {
                    Some(i) => (&mut stages[i], &series[i + 1]),
                    None => (overall, &series[0]),
                };
                record_histogram(scope, key, *start_ms, histogram, failures, new);
            }
            Observation::Users { t_ms, users } => {
                if !self.timed {
                    return None;
                }
                let scope = match self.stage(stages, *t_ms) {
                    Some(i) => &mut stages[i],
                    None => overall,
                };
                scope.timeline.record_users(*t_ms, *users);
            }
        }
        None
    }
}

/// The endpoint in slot `number`, new (its series a copy of `new`) if empty.
fn slot<'s>(
    slots: &'s mut Vec<Option<EndpointStats>>,
    number: usize,
    key: &EndpointKey,
    new: &TimeSeries,
) -> &'s mut EndpointStats {
    if slots.len() <= number {
        slots.resize_with(number + 1, || None);
    }
    slots[number].get_or_insert_with(|| {
        let mut ep = EndpointStats::new(key.clone());
        ep.series = new.clone();
        ep
    })
}

/// The endpoint entry for `key`; a new one's series starts as a copy of `new`.
fn endpoint<'s>(
    stage: &'s mut Stage,
    key: &EndpointKey,
    new: &TimeSeries,
) -> &'s mut EndpointStats {
    let ep = stage.endpoint(key);
    if ep.series.is_empty() {
        ep.series = new.clone();
    }
    ep
}

/// One request to record into a stage and its endpoint.
struct Request<'e, 'a> {
    ev: &'e crate::ingest::RequestEvent<'a>,
    transaction: bool,
    timed: bool,
}

impl Request<'_, '_> {
    /// Records the request into `ep` (whose series, unless it holds transactions, the
    /// stage's timeline adds up when [`Recorded::settle`] moves it into the stage).
    fn record(&self, ep: &mut EndpointStats) {
        let ev = self.ev;
        let failed = (!ev.ok).then(|| ev.failure.unwrap_or(crate::model::FailureKind::Other));
        ep.transaction |= self.transaction;
        ep.requests += 1;
        if let Some(kind) = failed {
            ep.failures += 1;
            ep.add_failure(kind, ev.error, 1);
        }
        if let Some(ms) = ev.latency_ms {
            // A successful request's latency goes into the successful ones only, and
            // [`Recorded::settle`] adds those into all of them: one record a request,
            // not two.
            match ep.ok_latency.as_mut().filter(|_| ev.ok) {
                Some(ok) => ok.record_ms(ms),
                None => ep.latency.record_ms(ms),
            }
        }
        if let Some(b) = ev.bytes {
            ep.bytes_received = Some(ep.bytes_received.unwrap_or(0) + b);
        }
        if self.timed {
            ep.series.record_kind(ev.t_ms, ev.latency_ms, failed);
        }
    }
}

fn record_histogram(
    stage: &mut Stage,
    key: &EndpointKey,
    start_ms: i64,
    histogram: &hdrhistogram::Histogram<u64>,
    failures: &[(crate::model::FailureKind, u64)],
    new: &TimeSeries,
) {
    let failed: u64 = failures.iter().map(|(_, n)| n).sum();
    stage.timeline.record_histogram(start_ms, histogram);
    stage.timeline.record_failures(start_ms, failures);
    let ep = endpoint(stage, key, new);
    ep.requests += histogram.len();
    ep.failures += failed;
    for (kind, n) in failures {
        ep.add_failure(*kind, None, *n);
    }
    if let crate::model::LatencyDistribution::Exact(h) = &mut ep.latency {
        h.add_histogram(histogram);
    }
    // An interval log alone does not say which requests failed.
    ep.ok_latency = None;
    ep.series.record_histogram(start_ms, histogram);
    ep.series.record_failures(start_ms, failures);
}

/// Adds a recorded endpoint's successful latencies into all its latencies, which held
/// the failed ones only while it was recorded ([`Request::record`]).
fn add_successful_latencies(ep: &mut EndpointStats) {
    use crate::model::LatencyDistribution::Exact;
    if let (Exact(all), Some(Exact(ok))) = (&mut ep.latency, &ep.ok_latency) {
        all.add(ok);
    }
}

/// When an observation starts, and the last instant it covers (an interval's data
/// runs to its end).
pub(super) fn span_of(obs: &Observation<'_>) -> (i64, i64) {
    match obs {
        Observation::Request(ev) | Observation::Transaction(ev) => (ev.t_ms, ev.t_ms),
        Observation::Histogram {
            start_ms, end_ms, ..
        } => (*start_ms, end_ms.saturating_sub(1).max(*start_ms)),
        Observation::Users { t_ms, .. } => (*t_ms, *t_ms),
        // Never recorded: a time outside any run.
        Observation::Malformed(_) => (-1, -1),
    }
}

/// What one reader recorded: overall, the stages, and the span of the interval
/// histograms and of the requests (first and last start) each stage got.
pub(super) struct Recorded {
    pub(super) overall: Stage,
    pub(super) stages: Vec<Stage>,
    pub(super) spans: Vec<Option<(i64, i64)>>,
    pub(super) request_spans: Vec<Option<(i64, i64)>>,
    /// When each stage's last answered request ended ([`super::survey::answered_at`]).
    pub(super) request_ends: Vec<Option<i64>>,
    pub(super) keys: KeyCache,
    /// A new endpoint's series: overall's first, then each stage's.
    pub(super) series: Vec<TimeSeries>,
    /// The endpoints being recorded, by the key's number in `keys` (twice it, plus one
    /// for its transactions): overall's first, then each stage's (a row costs an index,
    /// not a search of the stage's map); moved into the stages by [`Recorded::settle`].
    pub(super) slots: Vec<Vec<Option<EndpointStats>>>,
}

/// The endpoint key of each method and name seen, numbered (`None`: left out by
/// `--include` / `--exclude`), so a row costs one lookup, not a key built and matched.
/// Names without a method (most sources) are looked up as they are. Names are grouped
/// as `grouping` says; past [`MAX_ENDPOINTS`] kept keys it asks for a coarser one
/// ([`KeyCache::regroup_due`]), so a reader of URLs with ids never holds an endpoint per id.
#[derive(Default)]
pub(super) struct KeyCache {
    /// How names are grouped into keys.
    pub(super) grouping: Grouping,
    /// Distinct keys kept.
    kept_keys: usize,
    /// Each name's kept entry in `kept`.
    plain: HashMap<Box<str>, Option<u32>, FxBuildHasher>,
    /// Each method and name's (joined by a unit separator) kept entry in `kept`.
    with_method: HashMap<String, Option<u32>, FxBuildHasher>,
    text: String,
    /// A kept endpoint's number (its slot) and key, for each name that maps to it.
    kept: Vec<(usize, EndpointKey)>,
    /// The number of each key.
    numbers: HashMap<EndpointKey, usize, FxBuildHasher>,
    /// With [`Grouping::Pooled`] decided up front (a census of the tape), the keys kept
    /// by name; every other key is recorded as [`OTHERS`].
    by_name: Option<Arc<BTreeSet<EndpointKey>>>,
}

impl KeyCache {
    fn key(
        &mut self,
        opts: &IngestOptions,
        method: Option<&str>,
        name: &str,
    ) -> Option<(usize, &EndpointKey)> {
        let found = match method {
            None => self.plain.get(name).copied(),
            Some(m) => {
                self.text.clear();
                self.text.push_str(m);
                self.text.push('\u{1f}');
                self.text.push_str(name);
                self.with_method.get(self.text.as_str()).copied()
            }
        };
        let entry = match found {
            Some(entry) => entry,
            None => {
                let label = self.grouping.apply(name);
                let key = EndpointKey::new(method, &label);
                let keeps = opts.keeps(&key);
                let key = match &self.by_name {
                    Some(kept) if !kept.contains(&key) => EndpointKey::new(None, OTHERS),
                    _ => key,
                };
                // Names that normalise to one key share its number.
                let count = self.numbers.len();
                let number = *self.numbers.entry(key.clone()).or_insert(count);
                let entry = keeps.then(|| {
                    self.kept_keys += usize::from(number == count);
                    self.kept.push((number, key));
                    (self.kept.len() - 1) as u32
                });
                match method {
                    None => self.plain.insert(name.into(), entry),
                    Some(_) => self.with_method.insert(self.text.clone(), entry),
                };
                entry
            }
        };
        let (number, key) = &self.kept[entry? as usize];
        Some((*number, key))
    }

    /// The coarser grouping due once more than [`MAX_ENDPOINTS`] keys are kept.
    fn regroup_due(&self) -> Option<Grouping> {
        (self.kept_keys > MAX_ENDPOINTS)
            .then(|| self.grouping.coarser())
            .flatten()
    }

    /// An empty cache grouping names as `grouping` does.
    pub(super) fn new(grouping: Grouping) -> KeyCache {
        KeyCache {
            grouping,
            ..KeyCache::default()
        }
    }

    /// An empty cache grouping names as `plan` decided.
    pub(super) fn planned(
        grouping: Grouping,
        by_name: Option<Arc<BTreeSet<EndpointKey>>>,
    ) -> KeyCache {
        KeyCache {
            grouping,
            by_name,
            ..KeyCache::default()
        }
    }
}

impl Recorded {
    /// Adds what a reader of a later part (or file) recorded: the figures one reader
    /// of both would have.
    pub(super) fn append(&mut self, mut other: Recorded) {
        let grouping = self.keys.grouping.max(other.keys.grouping);
        self.regroup(grouping);
        other.regroup(grouping);
        merge_stage(&mut self.overall, other.overall);
        for (mine, theirs) in self.stages.iter_mut().zip(other.stages) {
            merge_stage(mine, theirs);
        }
        for (mine, theirs) in self.spans.iter_mut().zip(other.spans) {
            *mine = union(*mine, theirs);
        }
        for (mine, theirs) in self.request_spans.iter_mut().zip(other.request_spans) {
            *mine = union(*mine, theirs);
        }
        for (mine, theirs) in self.request_ends.iter_mut().zip(other.request_ends) {
            *mine = (*mine).max(theirs);
        }
    }

    /// Moves the endpoints recorded into their stages, whose timelines add up the
    /// series of those that are not transactions (whose samples are counted on their
    /// own): each request once, on the stage's grid, as recording it there would.
    pub(super) fn settle(&mut self) {
        let scopes = std::iter::once(&mut self.overall).chain(self.stages.iter_mut());
        for (stage, slots) in scopes.zip(&mut self.slots) {
            for mut ep in slots.drain(..).flatten() {
                add_successful_latencies(&mut ep);
                if !ep.transaction {
                    stage.timeline.merge(&ep.series);
                }
                match stage.endpoints.get_mut(&ep.key) {
                    Some(mine) => mine.merge_from(ep),
                    None => {
                        stage.endpoints.insert(ep.key.clone(), ep);
                    }
                }
            }
        }
    }

    /// Adds every stage into overall, which held only what no stage did: a request is
    /// recorded once, not into overall and its stage. Overall's endpoints stay on its
    /// own grid, which is as coarse as any stage's or coarser (a stage's window lies
    /// within the span, and both grids are aligned to the epoch in powers of two), so
    /// each stage interval falls within one of overall's, as if recorded there.
    /// Call once, after the last [`Recorded::append`] and [`Recorded::settle`].
    pub(super) fn fold_stages(&mut self) {
        self.settle();
        let overall = &mut self.overall;
        for stage in &self.stages {
            for (key, ep) in &stage.endpoints {
                endpoint(overall, key, &self.series[0]).merge(ep);
            }
            overall.timeline.merge(&stage.timeline);
        }
    }

    /// Settles the endpoints and re-keys them, and every name to come, at `to` when it
    /// is coarser than the grouping so far.
    pub(super) fn regroup(&mut self, to: Grouping) {
        self.settle();
        let from = self.keys.grouping;
        if to > from {
            for stage in std::iter::once(&mut self.overall).chain(self.stages.iter_mut()) {
                stage.regroup(from, to);
            }
            self.keys = KeyCache::new(to);
        }
    }

    /// Records one observation (kept by the survey's rules).
    pub(super) fn record(&mut self, recorder: &Recorder<'_>, obs: &Observation<'_>) {
        let stage = recorder.record(self, obs);
        if let Some(coarser) = self.keys.regroup_due() {
            self.regroup(coarser);
        }
        if let (Some(i), Observation::Request(ev) | Observation::Transaction(ev)) = (stage, obs) {
            let span = &mut self.request_spans[i];
            *span = union(*span, Some((ev.t_ms, ev.t_ms)));
            let end = &mut self.request_ends[i];
            *end = (*end).max(super::survey::answered_at(obs));
        }
        // Interval histograms cover whole intervals: a stage measured by them spans
        // exactly the intervals it holds, which rarely align with the manifest's
        // window (throughput divides by this span).
        if let Observation::Histogram {
            start_ms, end_ms, ..
        } = obs
        {
            if let Some(i) = interval_stage(&self.stages, *start_ms, *end_ms) {
                let span = &mut self.spans[i];
                *span = Some(span.map_or((*start_ms, *end_ms), |(a, b)| {
                    (a.min(*start_ms), b.max(*end_ms))
                }));
            }
        }
    }
}

/// Merges `other` into `into` as if one reader had recorded both. Series are first
/// stretched over the other's extent (its last interval's end included), so that they
/// coarsen to exactly the width one reader's would have.
fn merge_stage(into: &mut Stage, other: Stage) {
    fn stretch(into: &mut crate::model::TimeSeries, other: &crate::model::TimeSeries) {
        if let Some(last) = other.intervals.len().checked_sub(1) {
            into.at(other.start_ms);
            into.at(other.interval_start_ms(last) + other.width_ms - 1);
        }
    }
    stretch(&mut into.timeline, &other.timeline);
    for (key, ep) in &other.endpoints {
        if let Some(mine) = into.endpoints.get_mut(key) {
            stretch(&mut mine.series, &ep.series);
        }
    }
    into.merge_from(other);
}
