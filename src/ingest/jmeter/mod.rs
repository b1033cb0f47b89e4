//! JMeter's result files: the JTL in XML form (`xml`). The CSV JTL reader is
//! `../jmeter_csv.rs`; its [`FormatSpec`] is here.

pub mod xml;

use super::formats::{FormatSpec, Reader, Sniff};
use super::Format;

/// JMeter JTL, CSV form (any columns, any delimiter, with or without header).
pub const CSV: FormatSpec = FormatSpec {
    format: Format::JmeterCsv,
    name: "jmeter-csv",
    tool: "jmeter",
    sniff: Sniff::Content(|h| super::jmeter_csv::sniff(h.text).is_some()),
    reads_gzip: true,
    reader: Reader::Replay(|p, _, _| Ok(Box::new(super::jmeter_csv::JmeterCsv::open(p)?))),
    splittable: true,
    notes: &[],
    detected_by:
        "CSV with JMeter column names (timeStamp, elapsed, label, …) or a headerless JTL row",
    example: "jmeter -n -t plan.jmx -l results.jtl",
};
