//! The CSV exporter: a header row of the schema's column names, then one line per
//! row; a missing value is an empty cell, booleans are `true`/`false`, whole numbers
//! are written in full and real numbers to 15 significant digits in the shortest
//! text that reads back to them (`decimal.rs`: 40.8, never 40.800000000000004).
//! A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first)
//! is written with a `'` before it (OWASP; `model::untrusted::formula_guarded`), which
//! headroom's generic-CSV reader drops again.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::decimal::tidy;
use super::{Batch, ColumnSpec, ExportError, TableExporter, TableWriter, Values};
use crate::model::untrusted::formula_guarded;

/// Writes tables as CSV.
pub struct CsvExporter;

impl TableExporter for CsvExporter {
    fn create(
        &self,
        path: &Path,
        schema: &'static [ColumnSpec],
    ) -> Result<Box<dyn TableWriter>, ExportError> {
        let file = File::create(path).map_err(|e| ExportError::write(path, e))?;
        let mut out = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file));
        out.write_record(schema.iter().map(|c| c.name))
            .map_err(|e| ExportError::write(path, e))?;
        Ok(Box::new(CsvTable {
            path: path.to_path_buf(),
            out,
        }))
    }
}

struct CsvTable {
    path: PathBuf,
    out: csv::Writer<BufWriter<File>>,
}

impl TableWriter for CsvTable {
    fn write(&mut self, batch: &Batch) -> Result<(), ExportError> {
        let mut record = csv::ByteRecord::new();
        let mut cell = String::new();
        for i in 0..batch.rows() {
            record.clear();
            for values in &batch.columns {
                cell.clear();
                text_of(values, i, &mut cell);
                record.push_field(cell.as_bytes());
            }
            self.out
                .write_byte_record(&record)
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

/// Appends row `i` of `values` to `out` (nothing for a missing value).
fn text_of(values: &Values, i: usize, out: &mut String) {
    use std::fmt::Write;
    let _ = match values {
        Values::Int(v) => v[i].map_or(Ok(()), |x| write!(out, "{x}")),
        Values::Float(v) => v[i]
            .filter(|x| x.is_finite())
            .map_or(Ok(()), |x| write!(out, "{}", tidy(x))),
        Values::Text(v) => {
            if let Some(t) = &v[i] {
                out.push_str(&formula_guarded(t));
            }
            Ok(())
        }
        Values::Bool(v) => v[i].map_or(Ok(()), |x| write!(out, "{x}")),
    };
}
