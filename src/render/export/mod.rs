//! `headroom export`: a run's normalised tables (stages, stage × endpoint, interval
//! series, per-request rows) written for notebooks. This module owns the tables'
//! schemas ([`schema`]), the column batches they travel in, and the [`TableExporter`]
//! trait; one file per format implements it (`csv.rs`, `ndjson.rs`, `parquet.rs`,
//! the last behind the Cargo feature `parquet`). `tables.rs` turns an
//! [`Analysis`](crate::analysis::Analysis) into the small tables; `requests.rs`
//! batches per-request rows, which the command streams from the inputs, so a table
//! of any length costs one batch of memory.

mod csv;
mod decimal;
mod ndjson;
#[cfg(feature = "parquet")]
mod parquet;
mod requests;
pub mod schema;
mod tables;

use std::path::Path;

pub use requests::{RequestRow, RequestWriter};
pub use schema::{ColumnSpec, Kind, Table};
pub use tables::{
    clockless_shifts, endpoints_table, intervals_table, manifest_of, rows_end, stages_table,
    ExportedRows, EXPORTED, NO_REQUESTS, SUMMARY_ONLY,
};

/// A table file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing the file failed.
    #[error("{path}: {message}")]
    Write {
        /// The table's file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The format needs a Cargo feature this binary was built without.
    #[error(
        "--to {format} needs headroom built with the Cargo feature `{feature}`: \
         cargo install --features {feature} (or use --to csv / --to ndjson)"
    )]
    FeatureMissing {
        /// The format asked for.
        format: &'static str,
        /// The feature it needs.
        feature: &'static str,
    },
}

impl ExportError {
    /// A write error about `path`.
    pub fn write(path: &Path, message: impl std::fmt::Display) -> ExportError {
        ExportError::Write {
            path: path.display().to_string(),
            message: message.to_string(),
        }
    }
}

/// The formats `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Apache Parquet (needs the Cargo feature `parquet`): typed columns, one row
    /// group per batch.
    Parquet,
    /// CSV with a header row; also writes the run's `run.toml`, and `requests.csv` is
    /// headroom's generic per-request CSV.
    Csv,
    /// Newline-delimited JSON: one object per row.
    Ndjson,
}

impl ExportFormat {
    /// The file extension of its tables.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Parquet => "parquet",
            ExportFormat::Csv => "csv",
            ExportFormat::Ndjson => "ndjson",
        }
    }

    /// The exporter of this format, or why this build has none.
    pub fn exporter(self) -> Result<Box<dyn TableExporter>, ExportError> {
        match self {
            ExportFormat::Csv => Ok(Box::new(csv::CsvExporter)),
            ExportFormat::Ndjson => Ok(Box::new(ndjson::NdjsonExporter)),
            #[cfg(feature = "parquet")]
            ExportFormat::Parquet => Ok(Box::new(parquet::ParquetExporter)),
            #[cfg(not(feature = "parquet"))]
            ExportFormat::Parquet => Err(ExportError::FeatureMissing {
                format: "parquet",
                feature: "parquet",
            }),
        }
    }
}

/// Every file `export` may write into its dir (any table, any format, and the CSV
/// export's manifest and a drive run's interval log): an export dir holding only
/// these (and its marker) is headroom's to replace.
pub const OWN_ENTRIES: [&str; 14] = [
    "stages.csv",
    "endpoints.csv",
    "intervals.csv",
    "requests.csv",
    "run.toml",
    "latency.hlog",
    "stages.ndjson",
    "endpoints.ndjson",
    "intervals.ndjson",
    "requests.ndjson",
    "stages.parquet",
    "endpoints.parquet",
    "intervals.parquet",
    "requests.parquet",
];

/// The values of one column of a batch; `None` is a missing value (empty in CSV,
/// `null` in NDJSON and Parquet).
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// Whole numbers.
    Int(Vec<Option<i64>>),
    /// Real numbers.
    Float(Vec<Option<f64>>),
    /// Text.
    Text(Vec<Option<String>>),
    /// True or false.
    Bool(Vec<Option<bool>>),
}

impl Values {
    /// Empty values of `kind`, with room for `n`.
    pub fn with_capacity(kind: Kind, n: usize) -> Values {
        match kind {
            Kind::Int => Values::Int(Vec::with_capacity(n)),
            Kind::Float => Values::Float(Vec::with_capacity(n)),
            Kind::Text => Values::Text(Vec::with_capacity(n)),
            Kind::Bool => Values::Bool(Vec::with_capacity(n)),
        }
    }

    /// How many values.
    pub fn len(&self) -> usize {
        match self {
            Values::Int(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Text(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every value, keeping the allocation.
    fn clear(&mut self) {
        match self {
            Values::Int(v) => v.clear(),
            Values::Float(v) => v.clear(),
            Values::Text(v) => v.clear(),
            Values::Bool(v) => v.clear(),
        }
    }
}

/// Rows of one table, column by column, in the order of its schema.
#[derive(Clone, Debug)]
pub struct Batch {
    /// The table's columns.
    pub schema: &'static [ColumnSpec],
    /// One entry per column of `schema`, all of the same length.
    pub columns: Vec<Values>,
}

impl Batch {
    /// An empty batch of `table` with room for `n` rows.
    pub fn new(table: Table, n: usize) -> Batch {
        let schema = table.columns();
        Batch {
            schema,
            columns: schema
                .iter()
                .map(|c| Values::with_capacity(c.kind, n))
                .collect(),
        }
    }

    /// How many rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Values::len)
    }

    /// Removes every row, keeping the allocations.
    pub fn clear(&mut self) {
        self.columns.iter_mut().for_each(Values::clear);
    }

    /// Appends a row, one cell per column in schema order.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        for (values, cell) in self.columns.iter_mut().zip(row) {
            match (values, cell) {
                (Values::Int(v), Cell::Int(x)) => v.push(x),
                (Values::Float(v), Cell::Float(x)) => v.push(x),
                (Values::Float(v), Cell::Int(x)) => v.push(x.map(|x| x as f64)),
                (Values::Text(v), Cell::Text(x)) => v.push(x),
                (Values::Bool(v), Cell::Bool(x)) => v.push(x),
                (values, _) => {
                    // A schema mismatch is a bug; keep the columns aligned anyway.
                    debug_assert!(false, "cell of the wrong kind");
                    push_missing(values);
                }
            }
        }
    }
}

fn push_missing(values: &mut Values) {
    match values {
        Values::Int(v) => v.push(None),
        Values::Float(v) => v.push(None),
        Values::Text(v) => v.push(None),
        Values::Bool(v) => v.push(None),
    }
}

/// One value of a row being built.
#[derive(Clone, Debug)]
pub enum Cell {
    /// A whole number.
    Int(Option<i64>),
    /// A real number.
    Float(Option<f64>),
    /// Text.
    Text(Option<String>),
    /// True or false.
    Bool(Option<bool>),
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Cell {
        Cell::Float(v)
    }
}

impl From<f64> for Cell {
    fn from(v: f64) -> Cell {
        Cell::Float(Some(v))
    }
}

impl From<u64> for Cell {
    fn from(v: u64) -> Cell {
        Cell::Int(i64::try_from(v).ok())
    }
}

impl From<Option<u32>> for Cell {
    fn from(v: Option<u32>) -> Cell {
        Cell::Int(v.map(i64::from))
    }
}

impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Cell {
        Cell::Int(v)
    }
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Cell {
        Cell::Text(v)
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Cell {
        Cell::Text(Some(v.to_string()))
    }
}

impl From<Option<bool>> for Cell {
    fn from(v: Option<bool>) -> Cell {
        Cell::Bool(v)
    }
}

impl From<bool> for Cell {
    fn from(v: bool) -> Cell {
        Cell::Bool(Some(v))
    }
}

/// A format's writer of table files.
pub trait TableExporter {
    /// Starts `path`, a table with these columns; rows follow in batches.
    fn create(
        &self,
        path: &Path,
        schema: &'static [ColumnSpec],
    ) -> Result<Box<dyn TableWriter>, ExportError>;
}

/// One table file being written.
pub trait TableWriter {
    /// Writes a batch of rows (one Parquet row group).
    fn write(&mut self, batch: &Batch) -> Result<(), ExportError>;

    /// Completes the file (a Parquet footer, a flush).
    fn finish(self: Box<Self>) -> Result<(), ExportError>;
}

/// Writes a whole small table to `dir/NAME.EXT`.
pub fn write_table(
    exporter: &dyn TableExporter,
    format: ExportFormat,
    dir: &Path,
    table: Table,
    batch: &Batch,
) -> Result<(), ExportError> {
    let path = dir.join(table.file_name(format));
    let mut w = exporter.create(&path, table.columns())?;
    w.write(batch)?;
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_entries_are_every_table_in_every_format() {
        let mut names: Vec<String> = Table::ALL
            .iter()
            .flat_map(|t| {
                [
                    ExportFormat::Csv,
                    ExportFormat::Ndjson,
                    ExportFormat::Parquet,
                ]
                .map(|f| t.file_name(f))
            })
            .collect();
        names.push("run.toml".into());
        names.push("latency.hlog".into());
        names.sort();
        let mut own: Vec<String> = OWN_ENTRIES.iter().map(|s| s.to_string()).collect();
        own.sort();
        assert_eq!(names, own);
    }
}
