//! A script's own per-request JSON lines: one object a line (`json.dumps(record)`,
//! `JSON.stringify(r)`), its keys named as a generic CSV's columns are (`ts`,
//! `endpoint`, `latency_ms`, `status`, `error`…), in any order. Each line is read as
//! the generic CSV row of the first line's keys, so the names, units, clocks and
//! outcomes read as there (`generic_csv`); a string, number or boolean value is the
//! cell's text, `null` an empty cell. A line that is no JSON object is a problem at its
//! line, and the lines after it are read.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::chunks::{self, Quoting, Range};
use super::csv_rows::Row;
use super::generic_csv::GenericCsv;
use super::{problem, Observation};
use crate::model::Problem;

/// An opened JSON lines file: its first line's keys and the generic CSV reading of them.
#[derive(Clone, Debug)]
pub struct GenericJsonl {
    path: PathBuf,
    keys: Vec<String>,
    rows: GenericCsv,
}

/// The keys of `line` when it is one JSON object.
fn keys(line: &str) -> Option<Vec<String>> {
    match serde_json::from_str::<Value>(line.trim()).ok()? {
        Value::Object(map) => Some(map.keys().cloned().collect()),
        _ => None,
    }
}

/// True when `line` is a JSON object whose keys name a timestamp, an endpoint and a
/// latency as a generic CSV's header does.
pub fn looks_like_generic_jsonl(line: &str) -> bool {
    line.trim_start().starts_with('{')
        && keys(line).is_some_and(|k| super::generic_csv::names_columns(&k))
}

/// `map`'s values in the order of `keys`, as CSV cells.
fn record(keys: &[String], map: &Map<String, Value>) -> csv::ByteRecord {
    let mut record = csv::ByteRecord::new();
    for key in keys {
        match map.get(key) {
            None | Some(Value::Null) => record.push_field(b""),
            Some(Value::String(s)) => record.push_field(s.as_bytes()),
            Some(other) => record.push_field(other.to_string().as_bytes()),
        }
    }
    record
}

impl GenericJsonl {
    /// Opens the file and reads its first line's keys and first rows.
    pub fn open(path: &Path) -> Result<GenericJsonl, Problem> {
        let mut lines = super::adapters::Lines::open(path)?;
        let mut keys_of_first = None;
        let mut head = Vec::new();
        while head.len() < super::generic_csv::DOUBT_SAMPLE {
            let Some((number, bytes)) = lines.next_line()? else {
                break;
            };
            let text = String::from_utf8_lossy(bytes);
            if text.trim().is_empty() {
                continue;
            }
            let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text.trim()) else {
                if keys_of_first.is_none() {
                    return Err(problem(path, Some(number), "not a JSON object"));
                }
                continue;
            };
            let keys = keys_of_first.get_or_insert_with(|| map.keys().cloned().collect::<Vec<_>>());
            head.push(record(keys, &map));
        }
        let keys = keys_of_first.ok_or_else(|| problem(path, Some(1), "no JSON object lines"))?;
        let rows = GenericCsv::configure(path, &keys, &head, b',')?;
        Ok(GenericJsonl {
            path: path.to_path_buf(),
            keys,
            rows,
        })
    }
}

impl chunks::ReadsRanges for GenericJsonl {
    fn path(&self) -> &Path {
        &self.path
    }

    fn read_range(
        &self,
        range: Option<&Range>,
        visit: &mut dyn FnMut(Observation<'_>),
    ) -> Result<(), Problem> {
        let mut lines = super::adapters::Lines::open_part(&self.path, range)?;
        while let Some((line, bytes)) = lines.next_line()? {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let map = match serde_json::from_slice::<Value>(bytes) {
                Ok(Value::Object(map)) => map,
                Ok(_) => {
                    let p = problem(&self.path, Some(line), "not a JSON object");
                    visit(Observation::Malformed(p));
                    continue;
                }
                Err(e) => {
                    let p = problem(&self.path, Some(line), format!("not a JSON object: {e}"));
                    visit(Observation::Malformed(p));
                    continue;
                }
            };
            let record = record(&self.keys, &map);
            let row = Row::new(&self.path, line, &record);
            if let Err(p) = self.rows.request(&row, visit) {
                visit(Observation::Malformed(p));
            }
        }
        Ok(())
    }

    fn quoting(&self) -> Quoting {
        Quoting::Ignored
    }

    fn notes(&self) -> Vec<String> {
        chunks::ReadsRanges::notes(&self.rows)
    }

    fn latency_unit_doubt(&self) -> Option<String> {
        chunks::ReadsRanges::latency_unit_doubt(&self.rows)
    }

    fn clock_unit_doubt(&self) -> Option<String> {
        chunks::ReadsRanges::clock_unit_doubt(&self.rows)
    }

    fn unknown_origin(&self) -> bool {
        chunks::ReadsRanges::unknown_origin(&self.rows)
    }
}
