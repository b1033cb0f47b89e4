//! A side whose tool leaves failures out of its data (report.json's per-stage
//! `failures_unseen`): what its figures can still show. Its error rate is at least,
//! and its goodput at most, what it shows, so neither can show a change in that
//! side's favour, nor "unchanged". A side whose data records no outcome at all (ab's
//! `-g` file without ab's console) also holds its failed requests' latencies among
//! the answered ones: 429s answered in a millisecond read as a faster service. Such a
//! candidate's latencies show only a slowdown (whatever failed, its users waited
//! longer); such a baseline's show nothing.

use super::metric::Metric;
use super::verdict::Verdict;
use crate::analysis::words::ticked;
use crate::model::FailuresUnseen;

/// What each side's data of one stage leaves out: (baseline, candidate).
pub type Sides = (Option<FailuresUnseen>, Option<FailuresUnseen>);

/// Why `verdict` on `metric` cannot stand with `sides` leaving failures out, as
/// compare.json's `reason` (`failures unseen: …`); `None` when it can.
pub fn withholds(metric: Metric, verdict: Verdict, sides: Sides) -> Option<String> {
    let (base, cand) = sides;
    let favours_candidate = matches!(verdict, Verdict::Improved | Verdict::Unchanged);
    let favours_baseline = matches!(verdict, Verdict::Regressed | Verdict::Unchanged);
    let latency = metric.quantile().is_some() || metric == Metric::Mean;
    // What of a side's leaves this metric open: any unseen failure for error rates
    // and goodput; no outcome at all for latencies.
    let hides = |s: Option<FailuresUnseen>| match metric {
        Metric::ErrorRate | Metric::Goodput => s.is_some(),
        _ => latency && s == Some(FailuresUnseen::Outcomes),
    };
    // A blind baseline's latencies show nothing either way; its failures no change
    // in its favour. A blind candidate shows none in its own.
    let base_open = hides(base)
        && match latency {
            true => verdict != Verdict::Inconclusive,
            false => favours_baseline,
        };
    let cand_open = hides(cand) && favours_candidate;
    let blamed = (base.filter(|_| base_open), cand.filter(|_| cand_open));
    (blamed != (None, None)).then(|| reason(metric, blamed))
}

/// The note on a stage whose side's tool leaves failures out; `None` when neither's
/// does.
pub fn note(stage: &str, sides: Sides) -> Option<String> {
    let side = |s: Option<FailuresUnseen>, name: &str| {
        s.map(|what| match what {
            FailuresUnseen::Outcomes => format!(
                "{name}'s data records no outcome (ab's `-g` file, for one), so its error \
                 rate is at least and its goodput at most what it shows, and its latencies \
                 hold its failed requests' too"
            ),
            FailuresUnseen::TransportErrors => format!(
                "{name}'s data lists only answered requests, so its error rate is at least \
                 and its goodput at most what it shows"
            ),
        })
    };
    let said: Vec<String> = match sides {
        (Some(_), Some(_)) if sides.0 == sides.1 => vec![side(sides.0, "each side")],
        _ => vec![
            side(sides.0, "the baseline"),
            side(sides.1, "the candidate"),
        ],
    }
    .into_iter()
    .flatten()
    .collect();
    (!said.is_empty()).then(|| {
        format!(
            "stage {}: {}: a change those bounds cannot show is `inconclusive` (see each \
             metric's reason); keep the tool's console output beside its file so its \
             failures are counted",
            ticked(stage),
            said.join("; ")
        )
    })
}

/// The sentence for a metric left undecided by what `blamed` sides leave out.
fn reason(metric: Metric, blamed: Sides) -> String {
    let whose = match blamed {
        (Some(_), Some(_)) => "both sides'",
        (Some(_), None) => "the baseline's",
        _ => "the candidate's",
    };
    let what = if blamed.0 == Some(FailuresUnseen::Outcomes)
        || blamed.1 == Some(FailuresUnseen::Outcomes)
    {
        "records no outcome (ab's `-g` file, for one: a failed request reads as answered)"
    } else {
        "lists only answered requests (transport errors are left out)"
    };
    let bound = match metric {
        Metric::ErrorRate | Metric::Goodput => {
            "so an error rate is at least, and a goodput at most, what it shows"
        }
        _ => "so its latencies hold its failed requests' too (a fast 429 reads as a faster answer)",
    };
    format!(
        "failures unseen: {whose} data {what}, {bound}; keep the tool's console output \
         beside its file (`… | tee console.txt`) so its failures are counted"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use FailuresUnseen::{Outcomes, TransportErrors};
    use Verdict::{Improved, Inconclusive, Regressed, Unchanged};

    #[test]
    fn a_blind_candidate_shows_only_a_change_against_itself() {
        let cand = (None, Some(TransportErrors));
        // More failures than a seen baseline, though some are unseen: shown.
        assert!(withholds(Metric::ErrorRate, Regressed, cand).is_none());
        assert!(withholds(Metric::ErrorRate, Improved, cand).is_some());
        assert!(withholds(Metric::ErrorRate, Unchanged, cand).is_some());
        assert!(withholds(Metric::Goodput, Improved, cand).is_some());
        // Its answered requests' latencies are its users' waits.
        assert!(withholds(Metric::P95, Improved, cand).is_none());
        let cand = (None, Some(Outcomes));
        assert!(withholds(Metric::P50, Improved, cand).is_some());
        assert!(withholds(Metric::Mean, Unchanged, cand).is_some());
        assert!(withholds(Metric::P99, Regressed, cand).is_none());
        assert!(withholds(Metric::Throughput, Improved, cand).is_none());
    }

    #[test]
    fn a_blind_baseline_shows_no_regression_of_its_failures_nor_any_latency_change() {
        let base = (Some(Outcomes), None);
        assert!(withholds(Metric::ErrorRate, Regressed, base).is_some());
        assert!(withholds(Metric::ErrorRate, Improved, base).is_none());
        assert!(withholds(Metric::P95, Regressed, base).is_some());
        assert!(withholds(Metric::P95, Improved, base).is_some());
        assert!(withholds(Metric::P95, Inconclusive, base).is_none());
        let why = withholds(Metric::ErrorRate, Unchanged, base).unwrap();
        assert!(why.starts_with("failures unseen: the baseline's data records no outcome"));
        // A candidate whose tool sees answered requests only leaves the latencies to
        // the baseline's blindness, which alone is named.
        let why = withholds(
            Metric::P95,
            Improved,
            (Some(Outcomes), Some(TransportErrors)),
        );
        assert!(why
            .unwrap()
            .starts_with("failures unseen: the baseline's data records"));
    }
}
