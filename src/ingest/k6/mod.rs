//! k6's outputs read whole or line by line: the end-of-test summary JSON (`summary`)
//! and the `--out json` NDJSON (`json`). The `--out csv` reader and the assembler both
//! per-request outputs share are in `../k6_csv.rs`; its [`FormatSpec`] is here.

pub mod json;
pub mod summary;

use super::formats::{FormatSpec, Reader, Sniff};
use super::Format;

/// k6 `--out csv` (plain or gzipped).
pub const CSV: FormatSpec = FormatSpec {
    format: Format::K6Csv,
    name: "k6-csv",
    tool: "k6",
    sniff: Sniff::Content(|h| h.line.starts_with("metric_name,timestamp,metric_value")),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(super::k6_csv::K6Csv::open(p)?))),
    splittable: true,
    notes: &[],
    detected_by: "CSV header metric_name,timestamp,metric_value (plain or .gz)",
    example: "k6 run --out csv=results.csv script.js",
};
