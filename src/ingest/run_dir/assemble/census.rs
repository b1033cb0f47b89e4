//! A census of the survey's tapes before recording, when they hold more distinct
//! texts than a source keeps endpoints: the requests per endpoint key, from which the
//! grouping is decided up front ([`GroupingPlan`]).
//!
//! Recording groups names as it goes, a step coarser each time its keys outgrow
//! [`MAX_ENDPOINTS`], but no step is coarser than [`Grouping::Words`]: names without
//! digits (product slugs, search terms) kept an endpoint each, with a series each,
//! until the source pooled them at the end. 160,000 slugs in a 200,000-row JTL took
//! 7 GB that way. With the plan, every reader records straight into the endpoints the
//! source ends with. A tape that gave up (or a file read again) leaves the grouping
//! to recording, as before.

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxBuildHasher;

use super::tape::TapeReplay;
use crate::ingest::{IngestOptions, Observation, Replay};
use crate::model::{EndpointKey, Grouping, GroupingPlan, MAX_ENDPOINTS};

/// The grouping plan for the files whose tapes are `tapes` (`None` for a file without
/// whole tapes), names grouped at `from` to start with; `None` when the tapes hold too
/// few texts to need one, or a file has no tape.
pub(super) fn plan<'t>(
    tapes: impl Iterator<Item = Option<&'t [TapeReplay]>>,
    from: Grouping,
    timed: bool,
    opts: &IngestOptions,
) -> Option<GroupingPlan> {
    let tapes: Vec<&TapeReplay> = tapes
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    // Each tape's names are among its texts: at most this many, so most runs stop here.
    if tapes.iter().map(|t| t.texts()).sum::<usize>() <= MAX_ENDPOINTS {
        return None;
    }
    // Requests per method and name (joined by a unit separator), as the tapes hold them.
    let mut counts: HashMap<String, u64, FxBuildHasher> = HashMap::default();
    let mut joined = String::new();
    for tape in tapes {
        let _ = tape.replay(&mut |obs| {
            let (Observation::Request(ev) | Observation::Transaction(ev)) = obs else {
                return;
            };
            if timed && !opts.in_time_range(ev.t_ms) {
                return;
            }
            joined.clear();
            joined.push_str(ev.method.unwrap_or(""));
            joined.push('\u{1f}');
            joined.push_str(ev.name);
            match counts.get_mut(joined.as_str()) {
                Some(n) => *n += 1,
                None => {
                    counts.insert(joined.clone(), 1);
                }
            }
        });
    }
    if counts.len() <= MAX_ENDPOINTS {
        return None;
    }
    // The keys recording would make of them at `from`, as `KeyCache` does.
    let mut keys: BTreeMap<EndpointKey, u64> = BTreeMap::new();
    for (joined, n) in counts {
        let (method, name) = joined.split_once('\u{1f}').unwrap_or(("", &joined));
        let key = EndpointKey::new(Some(method), &from.apply(name));
        if opts.keeps(&key) {
            *keys.entry(key).or_default() += n;
        }
    }
    GroupingPlan::of(keys, from)
}
