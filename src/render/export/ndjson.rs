//! The NDJSON exporter: one JSON object per line, keyed by the schema's column
//! names in schema order (plain names: no escaping needed); a missing value (or a
//! non-finite number) is `null`; real numbers to 15 significant digits, as in CSV
//! (`decimal.rs`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::decimal::tidy;
use super::{Batch, ColumnSpec, ExportError, TableExporter, TableWriter, Values};

/// Writes tables as newline-delimited JSON.
pub struct NdjsonExporter;

impl TableExporter for NdjsonExporter {
    fn create(
        &self,
        path: &Path,
        schema: &'static [ColumnSpec],
    ) -> Result<Box<dyn TableWriter>, ExportError> {
        let file = File::create(path).map_err(|e| ExportError::write(path, e))?;
        Ok(Box::new(NdjsonTable {
            path: path.to_path_buf(),
            schema,
            out: BufWriter::with_capacity(1 << 16, file),
        }))
    }
}

struct NdjsonTable {
    path: PathBuf,
    schema: &'static [ColumnSpec],
    out: BufWriter<File>,
}

impl TableWriter for NdjsonTable {
    fn write(&mut self, batch: &Batch) -> Result<(), ExportError> {
        // Keys in schema order (a JSON map would sort them).
        let mut line = Vec::with_capacity(256);
        for i in 0..batch.rows() {
            line.clear();
            line.push(b'{');
            for (n, (spec, values)) in self.schema.iter().zip(&batch.columns).enumerate() {
                if n > 0 {
                    line.push(b',');
                }
                line.push(b'"');
                line.extend_from_slice(spec.name.as_bytes());
                line.extend_from_slice(b"\":");
                serde_json::to_writer(&mut line, &value_of(values, i))
                    .map_err(|e| ExportError::write(&self.path, e))?;
            }
            line.extend_from_slice(b"}\n");
            self.out
                .write_all(&line)
                .map_err(|e| ExportError::write(&self.path, e))?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        self.out
            .flush()
            .map_err(|e| ExportError::write(&self.path, e))
    }
}

/// Row `i` of `values` as JSON.
fn value_of(values: &Values, i: usize) -> Value {
    match values {
        Values::Int(v) => v[i].map_or(Value::Null, Value::from),
        Values::Float(v) => v[i]
            .and_then(|x| serde_json::Number::from_f64(tidy(x)))
            .map_or(Value::Null, Value::Number),
        Values::Text(v) => v[i].clone().map_or(Value::Null, Value::String),
        Values::Bool(v) => v[i].map_or(Value::Null, Value::Bool),
    }
}
