//! Transaction Controller rows that stand for requests the JTL does not hold: a
//! "Generate parent sample" controller's row whose children were not saved (JMeter
//! before 5.0 writes no sub-results to a CSV JTL, nor does 5.x with
//! `jmeter.save.saveservice.subresults=false`). Left out of the totals as the
//! transactions of a default-mode controller are, they would hide those requests and
//! their failures: a plan whose every request sits in such a controller read as
//! error-free.
//!
//! A default-mode controller's row comes right after its children, written by the
//! same thread: the thread's last `N` request rows before it include them, so there
//! is at least one and at least its `M` failing ones (`Number of samples in
//! transaction : N, number of failing samples : M`; `N` may count samplers that save
//! no row, a Flow Control Action). A row with no request row of its thread before it,
//! or fewer failures among its last `N`, did not follow its children: that
//! controller's rows, in that thread group (a plan may use both modes, and the same
//! name in two groups), are parents without children, each read as one sample, as
//! JMeter's own reports count it — unless a row of its thread that starts before the
//! controller row's end follows it: JMeter 5 writes a parent's children (unrenamed)
//! right after it, and those are the requests. The first rows of the file (up to
//! [`ROWS`]) decide, since a controller saves its rows the same way all run.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::Path;

use super::rows::{field, parse_row};
use super::*;
use crate::ingest::line_records::LineRecords;

/// Rows scanned at most.
const ROWS: u64 = 200_000;

/// Request rows remembered per thread (a controller of more children is not checked).
const DEPTH: usize = 256;

/// The controllers whose rows are parents whose requests the file does not hold, as
/// [`key`]s; `None` when there are none (default-mode controllers, children saved as
/// `label-N` sub-results, or no controllers).
pub(super) fn childless(path: &Path, l: &Layout) -> Option<BTreeSet<String>> {
    let input = open_decompressed(path).ok()?;
    let mut reader = LineRecords::new(input, l.delimiter, l.header);
    let mut subs = SubResults::default();
    let mut before: HashMap<String, VecDeque<bool>> = HashMap::new();
    // Per thread, its last controller row's key and end (ms), until its next row.
    let mut open: HashMap<String, (String, i64)> = HashMap::new();
    let (mut unlike, mut parents_of_rows) = (BTreeSet::new(), BTreeSet::new());
    let mut rows = 0u64;
    while rows < ROWS && matches!(reader.advance(), Ok(true)) {
        rows += 1;
        let Ok((_, s)) = parse_row(&reader, l, path, reader.line()) else {
            continue;
        };
        let thread = field(&reader, l.at(THREAD_NAME)).unwrap_or("");
        let transaction = is_transaction(s.response_message, s.url, s.data_type);
        match subs.role(s.label, thread, transaction) {
            // Its children are in the file after it.
            Role::TransactionChild => return None,
            Role::Included => continue,
            Role::Sample => {}
        }
        // A row of its thread that starts before the controller row ended is its
        // child: JMeter 5 writes a parent's sub-results, unrenamed, right after it.
        if let Some((k, end)) = open.remove(thread) {
            if s.t_ms.is_some_and(|t| t < end) {
                parents_of_rows.insert(k);
            }
        }
        if let (true, Some(t), Some(e)) = (transaction, s.t_ms, s.elapsed_ms) {
            open.insert(thread.to_string(), (key(thread, s.label), t + e as i64));
        }
        let history = before.entry(thread.to_string()).or_default();
        match (transaction, counts(s.response_message)) {
            (true, Some((n, m))) if n > 0 && n <= DEPTH => {
                let failed = history.iter().rev().take(n).filter(|ok| !**ok).count();
                if history.is_empty() || failed < m {
                    unlike.insert(key(thread, s.label));
                }
            }
            (true, _) => {}
            (false, _) => {
                let ok = matches!(s.observation(), Observation::Request(ev) if ev.ok);
                if history.len() == DEPTH {
                    history.pop_front();
                }
                history.push_back(ok);
            }
        }
    }
    unlike.retain(|k| !parents_of_rows.contains(k));
    (!unlike.is_empty()).then_some(unlike)
}

/// A controller as the thread group that runs it (`threadName` without its ` N-M`
/// thread numbers) and its label.
pub(super) fn key(thread: &str, label: &str) -> String {
    let group = match thread.rsplit_once(' ') {
        Some((group, n)) if n.bytes().all(|b| b.is_ascii_digit() || b == b'-') => group,
        _ => thread,
    };
    format!("{group}\u{0}{label}")
}

/// `N` and `M` of a controller row's `Number of samples in transaction : N, number of
/// failing samples : M`.
fn counts(message: &str) -> Option<(usize, usize)> {
    let rest = message.strip_prefix("Number of samples in transaction : ")?;
    let (n, rest) = rest.split_once(',')?;
    let m = rest.trim().strip_prefix("number of failing samples : ")?;
    Some((n.trim().parse().ok()?, m.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::{counts, key};

    #[test]
    fn reads_the_controllers_message() {
        assert_eq!(
            counts("Number of samples in transaction : 2, number of failing samples : 1"),
            Some((2, 1))
        );
        assert_eq!(counts("OK"), None);
    }

    #[test]
    fn a_controller_is_its_thread_group_and_label() {
        assert_eq!(key("Shop 1-3", "Checkout"), key("Shop 1-1", "Checkout"));
        assert_ne!(key("Shop 1-3", "Checkout"), key("Browse 2-1", "Checkout"));
    }
}
