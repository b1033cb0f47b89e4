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
//! are `N` of them and at least its `M` failing ones (`Number of samples in
//! transaction : N, number of failing samples : M`). A row with fewer before it, or
//! fewer failures among them, did not follow its children: the file's controller rows
//! are then parents without children, each read as one sample, as JMeter's own
//! reports count it. The first rows of the file (up to [`ROWS`]) decide, since a plan
//! saves every controller the same way.

use std::collections::{HashMap, VecDeque};
use std::path::Path;

use super::rows::{field, parse_row};
use super::*;
use crate::ingest::line_records::LineRecords;

/// Rows scanned at most.
const ROWS: u64 = 200_000;

/// Request rows remembered per thread (a controller of more children is not checked).
const DEPTH: usize = 256;

/// The number of controller rows that did not follow their children, when the file's
/// controller rows are parents whose requests it does not hold; `None` otherwise
/// (default-mode controllers, children saved as `label-N` sub-results, or none).
pub(super) fn childless(path: &Path, l: &Layout) -> Option<u64> {
    let input = open_decompressed(path).ok()?;
    let mut reader = LineRecords::new(input, l.delimiter, l.header);
    let mut subs = SubResults::default();
    let mut before: HashMap<String, VecDeque<bool>> = HashMap::new();
    let mut unlike = 0u64;
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
        let history = before.entry(thread.to_string()).or_default();
        match (transaction, counts(s.response_message)) {
            (true, Some((n, m))) if n > 0 && n <= DEPTH => {
                let last = history.iter().rev().take(n);
                let failed = last.clone().filter(|ok| !**ok).count();
                if last.count() < n || failed < m {
                    unlike += 1;
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
    (unlike > 0).then_some(unlike)
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
    use super::counts;

    #[test]
    fn reads_the_controllers_message() {
        assert_eq!(
            counts("Number of samples in transaction : 2, number of failing samples : 1"),
            Some((2, 1))
        );
        assert_eq!(counts("OK"), None);
    }
}
