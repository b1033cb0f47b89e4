//! The Parquet exporter (Cargo feature `parquet`), through polars' batched
//! `ParquetWriter`: each batch becomes a DataFrame and one row group, so a table of
//! any length is written with one batch in memory. Columns are typed: Int64,
//! Float64, String, Boolean, all nullable.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use polars::prelude::{
    BatchedWriter, Column, DataFrame, DataType, Field, ParquetWriter, PlSmallStr, Schema,
};

use super::{Batch, ColumnSpec, ExportError, Kind, TableExporter, TableWriter, Values};

/// Writes tables as Parquet.
pub struct ParquetExporter;

impl TableExporter for ParquetExporter {
    fn create(
        &self,
        path: &Path,
        schema: &'static [ColumnSpec],
    ) -> Result<Box<dyn TableWriter>, ExportError> {
        let file = File::create(path).map_err(|e| ExportError::write(path, e))?;
        let fields = schema
            .iter()
            .map(|c| Field::new(PlSmallStr::from_static(c.name), dtype(c.kind)));
        let schema_pl = Schema::from_iter(fields);
        let writer = ParquetWriter::new(BufWriter::with_capacity(1 << 16, file))
            .set_parallel(false)
            .batched(&schema_pl)
            .map_err(|e| ExportError::write(path, e))?;
        Ok(Box::new(ParquetTable {
            path: path.to_path_buf(),
            schema,
            writer,
        }))
    }
}

fn dtype(kind: Kind) -> DataType {
    match kind {
        Kind::Int => DataType::Int64,
        Kind::Float => DataType::Float64,
        Kind::Text => DataType::String,
        Kind::Bool => DataType::Boolean,
    }
}

struct ParquetTable {
    path: PathBuf,
    schema: &'static [ColumnSpec],
    writer: BatchedWriter<BufWriter<File>>,
}

impl TableWriter for ParquetTable {
    fn write(&mut self, batch: &Batch) -> Result<(), ExportError> {
        let columns: Vec<Column> = self
            .schema
            .iter()
            .zip(&batch.columns)
            .map(|(spec, values)| {
                let name = PlSmallStr::from_static(spec.name);
                match values {
                    Values::Int(v) => Column::new(name, v.as_slice()),
                    Values::Float(v) => Column::new(name, v.as_slice()),
                    Values::Text(v) => Column::new(name, v.as_slice()),
                    Values::Bool(v) => Column::new(name, v.as_slice()),
                }
            })
            .collect();
        let df =
            DataFrame::new(batch.rows(), columns).map_err(|e| ExportError::write(&self.path, e))?;
        self.writer
            .write_batch(&df)
            .map_err(|e| ExportError::write(&self.path, e))
    }

    fn finish(self: Box<Self>) -> Result<(), ExportError> {
        self.writer
            .finish()
            .map(|_| ())
            .map_err(|e| ExportError::write(&self.path, e))
    }
}
