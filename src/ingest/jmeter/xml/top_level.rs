//! What JMeter's own summariser counts of an XML JTL: its top-level samples. A
//! "Generate parent sample" Transaction Controller's parent is one sample there, its
//! nested children none, where the reader takes the children as the requests and the
//! parent as a transaction; the console's `summary =` total of such a run is these
//! counts, not the requests read (`run_dir/jmeter_outputs.rs` checks it against both).

use std::path::Path;

use super::{attr, is_sample, Event, Scanner};
use crate::ingest::adapters::open_decompressed;

/// The top-level samples of the file's first run and how many of them failed (`s`
/// not `true`); `None` when the file cannot be read to its first run's end.
pub fn top_level_totals(path: &Path) -> Option<(u64, u64)> {
    let mut scanner = Scanner::new(open_decompressed(path).ok()?, path);
    let (mut depth, mut samples, mut errors) = (0usize, 0u64, 0u64);
    loop {
        match scanner.next_event().ok()? {
            Event::Start { name, attrs, empty } if is_sample(&name) => {
                if depth == 0 {
                    samples += 1;
                    errors += u64::from(attr(&attrs, "s").map(str::trim) != Some("true"));
                }
                depth += usize::from(!empty);
            }
            Event::End { name } if is_sample(&name) => depth = depth.saturating_sub(1),
            Event::End { name } if name == "testResults" => return Some((samples, errors)),
            Event::Eof => return None,
            _ => {}
        }
    }
}
