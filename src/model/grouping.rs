//! Endpoint grouping: what a source does when its requests carry more distinct names
//! than a report can hold.
//!
//! A k6 script without `name` tags, a JMeter sampler labelled with its URL or a Locust
//! task without `name=` give every URL with an id its own endpoint: tens of thousands
//! of them, each with a few requests, a row of its own in every table and histograms
//! of its own in memory. Past [`MAX_ENDPOINTS`] distinct endpoints, a source's names
//! are grouped, one step at a time, each coarser than the last and applied to the
//! previous step's names, until they fit:
//!
//! 1. [`Grouping::Routes`]: identifiers in paths and query values become placeholders
//!    (`/users/618` → `/users/{id}`), as `--normalize-labels` does;
//! 2. [`Grouping::Queries`]: every query value becomes `{value}`
//!    (`/search?q=item193` → `/search?q={value}`);
//! 3. [`Grouping::Words`]: every path segment or word of a plain label with a digit in
//!    it becomes `{id}` (`/items/sku-8812` → `/items/{id}`, `Order 12` → `Order {id}`).
//!
//! Each step only merges endpoints, so the number of endpoints never grows with it,
//! and the step a source ends at is the first whose endpoints fit, however its files
//! were split among readers: a reader that grouped early (to bound its memory) only
//! reaches a step the whole source needs anyway. Past the last step, the endpoints
//! with the fewest requests are pooled as one ([`OTHERS`]). Every count, failure and
//! latency stays in the figures; only the names are coarser, and a note says so.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::route::normalize_label;
use super::{EndpointKey, EndpointStats, LatencyDistribution, Source, Stage};

/// Most distinct endpoints a source keeps under their own names (transactions and
/// plain requests alike); past it, its names are grouped.
pub const MAX_ENDPOINTS: usize = 1000;

/// The name of the endpoint that pools the least-requested endpoints once grouping
/// by name left more than [`MAX_ENDPOINTS`].
pub const OTHERS: &str = "(other endpoints)";

/// How coarsely a source's request names are grouped into endpoints, finest first.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// Every distinct name is an endpoint.
    #[default]
    Names,
    /// Identifiers become placeholders.
    Routes,
    /// Query values become placeholders too.
    Queries,
    /// Words with digits become placeholders too.
    Words,
    /// Past [`Grouping::Words`], the least-requested endpoints are pooled as [`OTHERS`].
    Pooled,
}

impl Grouping {
    /// The next coarser grouping of names (`None` from [`Grouping::Words`] on: pooling
    /// is no function of a name).
    pub fn coarser(self) -> Option<Grouping> {
        match self {
            Grouping::Names => Some(Grouping::Routes),
            Grouping::Routes => Some(Grouping::Queries),
            Grouping::Queries => Some(Grouping::Words),
            Grouping::Words | Grouping::Pooled => None,
        }
    }

    /// `name` grouped as this step does, given it is grouped as the step before.
    fn step(self, name: &str) -> Cow<'_, str> {
        match self {
            Grouping::Names | Grouping::Pooled => Cow::Borrowed(name),
            Grouping::Routes => normalize_label(name),
            Grouping::Queries => query_values(name),
            Grouping::Words => digit_words(name),
        }
    }

    /// `name` (as given) grouped at this step: every step up to it applied in turn.
    pub fn apply(self, name: &str) -> Cow<'_, str> {
        Grouping::regroup_name(name, Grouping::Names, self)
    }

    /// What the step does, for a note.
    pub fn describe(self) -> &'static str {
        match self {
            Grouping::Names => "each name its own endpoint",
            Grouping::Routes => {
                "identifiers in paths and query values replaced by {id}, {uuid} or {hex}"
            }
            Grouping::Queries => {
                "identifiers in paths replaced by {id}, {uuid} or {hex}, and every query value \
                 by {value}"
            }
            Grouping::Words => {
                "identifiers in paths replaced by {id}, {uuid} or {hex}, every query value by \
                 {value}, and every other path segment or word with a digit by {id}"
            }
            Grouping::Pooled => {
                "every path segment or word with a digit replaced by {id}, every query value \
                 by {value}, and the least-requested endpoints pooled as \"(other endpoints)\""
            }
        }
    }
}

/// Every query value as `{value}`; a fragment is dropped (no request sends it).
fn query_values(name: &str) -> Cow<'_, str> {
    let Some((head, query)) = name.split_once('?') else {
        return match name.split_once('#') {
            Some((head, _)) => Cow::Owned(head.to_string()),
            None => Cow::Borrowed(name),
        };
    };
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let mut out = String::with_capacity(name.len());
    out.push_str(head);
    out.push('?');
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((k, _)) => {
                out.push_str(k);
                out.push_str("={value}");
            }
            None => out.push_str(pair),
        }
    }
    if out == name {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(out)
    }
}

/// Every path segment (of a name with a `/`) or word (of a plain label) with an ASCII
/// digit in it as `{id}`; the scheme and host of a full URL stay.
fn digit_words(name: &str) -> Cow<'_, str> {
    if !name.bytes().any(|b| b.is_ascii_digit()) {
        return Cow::Borrowed(name);
    }
    let (head, rest) = match name.find("://") {
        Some(i) => match name[i + 3..].find('/') {
            Some(j) => name.split_at(i + 3 + j),
            None => return Cow::Borrowed(name),
        },
        None => ("", name),
    };
    let separators: &[char] = if rest.contains('/') {
        &['/', '?', '&', '=']
    } else {
        &[' ', '_', '-', '.', ':']
    };
    let mut out = String::with_capacity(name.len());
    out.push_str(head);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.bytes().any(|b| b.is_ascii_digit()) {
            out.push_str("{id}");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in rest.chars() {
        if separators.contains(&c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    if out == name {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(out)
    }
}

impl Stage {
    /// Re-keys the endpoints from grouping `from` to `to` (coarser), merging those
    /// whose names become one.
    pub fn regroup(&mut self, from: Grouping, to: Grouping) {
        if to <= from {
            return;
        }
        let endpoints = std::mem::take(&mut self.endpoints);
        self.endpoints = grouped(endpoints, |key| regrouped(key, from, to));
        if let Some(whole) = &mut self.whole_run {
            whole.regroup(from, to);
        }
    }
}

/// `endpoints` re-keyed by `key_of`, those under one key merged into one: counts and
/// series added, latencies as [`LatencyDistribution::merge_all`] merges them (exact
/// stays exact; summaries are estimated once from all of them).
fn grouped(
    endpoints: BTreeMap<EndpointKey, EndpointStats>,
    key_of: impl Fn(&EndpointKey) -> EndpointKey,
) -> BTreeMap<EndpointKey, EndpointStats> {
    let mut groups: BTreeMap<EndpointKey, Vec<EndpointStats>> = BTreeMap::new();
    for (key, ep) in endpoints {
        groups.entry(key_of(&key)).or_default().push(ep);
    }
    groups
        .into_iter()
        .map(|(key, mut members)| {
            // Summaries are merged at once, after the rest (one by one, they would be
            // estimated again at every step).
            let summaries = (members.len() > 1 && members.iter().any(|e| !e.latency.is_exact()))
                .then(|| {
                    let empty = LatencyDistribution::new_exact;
                    let all: Vec<LatencyDistribution> = (members.iter_mut())
                        .map(|e| std::mem::replace(&mut e.latency, empty()))
                        .collect();
                    let oks: Option<Vec<LatencyDistribution>> = (members.iter_mut())
                        .map(|e| e.ok_latency.as_mut().map(|d| std::mem::replace(d, empty())))
                        .collect();
                    (all, oks)
                });
            let mut members = members.into_iter();
            let mut merged = members.next().expect("a group has a member");
            members.for_each(|e| merged.merge_from(e));
            if let Some((all, oks)) = summaries {
                merged.latency = LatencyDistribution::merge_all(all);
                merged.ok_latency = oks.map(LatencyDistribution::merge_all);
            }
            merged.key = key.clone();
            (key, merged)
        })
        .collect()
}

/// `key` (grouped at `from`) grouped at `to`.
fn regrouped(key: &EndpointKey, from: Grouping, to: Grouping) -> EndpointKey {
    EndpointKey {
        method: key.method.clone(),
        name: Grouping::regroup_name(&key.name, from, to).into_owned(),
    }
}

impl Grouping {
    /// `name` (grouped at `from`) grouped at `to`: the steps after `from` up to `to`
    /// (pooling, no function of a name, is not one). A key written with its method
    /// (`GET /users/7`) regroups alike: only the path and query change.
    pub fn regroup_name(name: &str, from: Grouping, to: Grouping) -> Cow<'_, str> {
        let mut out = Cow::Borrowed(name);
        let mut at = from;
        while at < to {
            let Some(next) = at.coarser() else { break };
            if let Cow::Owned(s) = next.step(&out) {
                out = Cow::Owned(s);
            }
            at = next;
        }
        out
    }
}

/// How a source's names will be grouped, decided before recording from the requests
/// per key (a census of the survey's tape): the grouping its endpoints fit at and,
/// past the last step, the keys kept under their names (the rest pool as [`OTHERS`]).
/// The same rule as [`Source::group_endpoints`], so a reader that records straight
/// into these keys ends where recording every name and grouping after would, without
/// ever holding an endpoint per name.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupingPlan {
    /// The grouping the keys are recorded at.
    pub grouping: Grouping,
    /// With [`Grouping::Pooled`]: the keys (at [`Grouping::Words`]) kept by name.
    pub kept: Option<BTreeSet<EndpointKey>>,
}

impl GroupingPlan {
    /// The plan for `counts`, requests per key grouped at `from`; `None` when the keys
    /// fit as they are.
    pub fn of(counts: BTreeMap<EndpointKey, u64>, from: Grouping) -> Option<GroupingPlan> {
        let mut at = from;
        let mut counts = counts;
        while counts.len() > MAX_ENDPOINTS {
            let Some(next) = at.coarser() else {
                let kept = busiest(counts.into_iter().collect());
                return Some(GroupingPlan {
                    grouping: Grouping::Pooled,
                    kept: Some(kept),
                });
            };
            let mut coarser: BTreeMap<EndpointKey, u64> = BTreeMap::new();
            for (key, n) in counts {
                *coarser.entry(regrouped(&key, at, next)).or_default() += n;
            }
            counts = coarser;
            at = next;
        }
        (at > from).then_some(GroupingPlan {
            grouping: at,
            kept: None,
        })
    }
}

/// The [`MAX_ENDPOINTS`] − 1 keys with the most requests: most first, ties in key
/// order, so the choice does not depend on the order the data was read in.
fn busiest(mut totals: Vec<(EndpointKey, u64)>) -> BTreeSet<EndpointKey> {
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    totals
        .into_iter()
        .take(MAX_ENDPOINTS - 1)
        .map(|(k, _)| k)
        .collect()
}

/// The grouping a source holding these distinct names (grouped at `from`) ends at, and
/// the endpoints left: the first step with at most [`MAX_ENDPOINTS`] of them, or
/// [`Grouping::Pooled`] at [`MAX_ENDPOINTS`] (`inspect` says what `analyze` will do).
pub fn fitting<'a>(names: impl Iterator<Item = &'a str>, from: Grouping) -> (Grouping, usize) {
    let mut at = from;
    let mut names: BTreeSet<Cow<'a, str>> = names.map(Cow::Borrowed).collect();
    while names.len() > MAX_ENDPOINTS {
        let Some(next) = at.coarser() else {
            return (Grouping::Pooled, MAX_ENDPOINTS);
        };
        names = names
            .into_iter()
            .map(|n| {
                let grouped = match Grouping::regroup_name(&n, at, next) {
                    Cow::Owned(s) => Some(s),
                    Cow::Borrowed(_) => None,
                };
                grouped.map_or(n, Cow::Owned)
            })
            .collect();
        at = next;
    }
    (at, names.len())
}

impl Source {
    /// Re-keys every stage's endpoints (and the parts' lists) at grouping `to`, when it
    /// is coarser than the source's.
    pub fn regroup(&mut self, to: Grouping) {
        let from = self.grouping;
        if to <= from || from == Grouping::Pooled {
            return;
        }
        let to = to.min(Grouping::Words);
        for stage in std::iter::once(&mut self.overall).chain(&mut self.stages) {
            stage.regroup(from, to);
        }
        for part in &mut self.parts {
            let mut merged: BTreeMap<EndpointKey, (u64, u64)> = BTreeMap::new();
            for (key, n, f) in part.endpoints.drain(..) {
                let e = merged.entry(regrouped(&key, from, to)).or_default();
                e.0 += n;
                e.1 += f;
            }
            part.endpoints = merged.into_iter().map(|(k, (n, f))| (k, n, f)).collect();
        }
        self.grouping = to;
    }

    /// Groups the source's endpoints as coarsely as needed for at most
    /// [`MAX_ENDPOINTS`] of them (see the module doc), with a note saying so; the
    /// grouping it started at (`--normalize-labels`: routes) is the user's, unremarked.
    pub fn group_endpoints(&mut self, asked: Grouping) {
        let distinct = |s: &Source| {
            let mut keys: BTreeSet<&EndpointKey> = BTreeSet::new();
            for stage in std::iter::once(&s.overall).chain(&s.stages) {
                keys.extend(stage.endpoints.keys());
            }
            keys.len()
        };
        // Sources that group no names as they read (summaries) get what was asked.
        self.regroup(asked);
        while distinct(self) > MAX_ENDPOINTS {
            match self.grouping.coarser() {
                Some(next) => self.regroup(next),
                None => {
                    self.pool_least_requested();
                    break;
                }
            }
        }
        if self.grouping > asked {
            let n = distinct(self);
            self.notes.push(format!(
                "more than {} distinct request names: they are grouped into {n} endpoint{}, \
                 {}; every request stays in the figures. To choose the names, name requests \
                 in the script (a k6 `name` tag, a JMeter sampler label, Locust's `name=`) or \
                 pass --normalize-labels",
                thousands(MAX_ENDPOINTS),
                if n == 1 { "" } else { "s" },
                self.grouping.describe(),
            ));
        }
    }

    /// Keeps the [`MAX_ENDPOINTS`] − 1 endpoints with the most requests over the whole
    /// source ([`busiest`]) under their names and pools the rest as [`OTHERS`], in every stage.
    fn pool_least_requested(&mut self) {
        // Overall holds every request of the source (a stage's too); a key only a
        // stage holds counts that stage's.
        let mut totals: BTreeMap<EndpointKey, u64> = (self.overall.endpoints.iter())
            .map(|(k, e)| (k.clone(), e.requests))
            .collect();
        for stage in &self.stages {
            for (k, e) in &stage.endpoints {
                if !self.overall.endpoints.contains_key(k) {
                    *totals.entry(k.clone()).or_default() += e.requests;
                }
            }
        }
        let kept = busiest(totals.into_iter().collect());
        let others = EndpointKey::new(None, OTHERS);
        for stage in std::iter::once(&mut self.overall).chain(&mut self.stages) {
            let endpoints = std::mem::take(&mut stage.endpoints);
            stage.endpoints = grouped(endpoints, |key| {
                if kept.contains(key) {
                    key.clone()
                } else {
                    others.clone()
                }
            });
        }
        for part in &mut self.parts {
            let mut pooled = (0, 0);
            part.endpoints.retain(|(k, n, f)| {
                let keep = kept.contains(k);
                if !keep {
                    pooled = (pooled.0 + n, pooled.1 + f);
                }
                keep
            });
            if pooled.0 > 0 {
                part.endpoints.push((others.clone(), pooled.0, pooled.1));
                part.endpoints.sort_by(|a, b| a.0.cmp(&b.0));
            }
        }
        self.grouping = Grouping::Pooled;
    }
}

/// `n` with thousands separated by commas (`1,000`).
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_is_coarser_and_applies_to_the_last_ones_names() {
        let name = "/search?q=item193&page=3#top";
        assert_eq!(Grouping::Names.apply(name), name);
        assert_eq!(
            Grouping::Routes.apply(name),
            "/search?q=item193&page={id}#top"
        );
        assert_eq!(
            Grouping::Queries.apply(name),
            "/search?q={value}&page={value}"
        );
        assert_eq!(Grouping::Words.apply("/items/sku-8812/x"), "/items/{id}/x");
        assert_eq!(
            Grouping::Words.apply("Order 12 placed"),
            "Order {id} placed"
        );
        assert_eq!(
            Grouping::Words.apply("http://10.0.0.1:8080/v2/a"),
            "http://10.0.0.1:8080/{id}/a"
        );
        // A step applied to names already grouped changes nothing more.
        for g in [Grouping::Routes, Grouping::Queries, Grouping::Words] {
            let once = g.apply(name).into_owned();
            assert_eq!(g.apply(&once), once, "{g:?}");
        }
    }

    #[test]
    fn a_plan_takes_the_first_step_that_fits_or_keeps_the_busiest() {
        let key = |name: String| EndpointKey::new(Some("GET"), &name);
        // 1,200 user ids: routes fit (one endpoint); nothing to plan below the cap.
        let ids: BTreeMap<EndpointKey, u64> =
            (0..1200).map(|i| (key(format!("/users/{i}")), 2)).collect();
        let plan = GroupingPlan::of(ids.clone(), Grouping::Names).unwrap();
        assert_eq!((plan.grouping, plan.kept), (Grouping::Routes, None));
        let few: BTreeMap<EndpointKey, u64> = ids.into_iter().take(MAX_ENDPOINTS).collect();
        assert_eq!(GroupingPlan::of(few, Grouping::Names), None);
        // 1,200 slugs, the one with the most requests last in key order: kept.
        let slugs: BTreeMap<EndpointKey, u64> = (0..1200u64)
            .map(|i| {
                (
                    key(format!("/p/{}", "x".repeat(i as usize + 1))),
                    1 + i / 1199,
                )
            })
            .collect();
        let plan = GroupingPlan::of(slugs, Grouping::Names).unwrap();
        let kept = plan.kept.unwrap();
        assert_eq!(plan.grouping, Grouping::Pooled);
        assert_eq!(kept.len(), MAX_ENDPOINTS - 1);
        assert!(kept.contains(&key(format!("/p/{}", "x".repeat(1200)))));
        // Ties in key order: the first 998 of the rest.
        assert!(kept.contains(&key("/p/x".to_string())));
    }
}
