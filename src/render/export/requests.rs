//! The per-request table, streamed: rows arrive one by one (the command replays the
//! per-request inputs) and leave in batches of [`BATCH_ROWS`] (one Parquet row group
//! each), so memory holds one batch whatever the number of requests.

use std::path::Path;

use super::{Batch, Cell, ExportError, Table, TableExporter, TableWriter};
use crate::model::FailureKind;

/// Rows per batch (and per Parquet row group).
pub const BATCH_ROWS: usize = 64 * 1024;

/// One request, as the `requests` table holds it.
#[derive(Clone, Debug)]
pub struct RequestRow<'a> {
    /// Start, Unix epoch ms.
    pub t_ms: i64,
    /// The stage whose steady window holds it.
    pub stage: Option<&'a str>,
    /// The load tool whose file it comes from.
    pub source: &'a str,
    /// HTTP method, when known.
    pub method: Option<&'a str>,
    /// Request name or path.
    pub endpoint: &'a str,
    /// Response time, ms.
    pub latency_ms: Option<f64>,
    /// False for a failure; `None` when the input does not record it (ab's `-g`
    /// file: written empty, never a success the file does not show).
    pub ok: Option<bool>,
    /// The failure's kind (failures only).
    pub failure: Option<FailureKind>,
    /// The tool's error message.
    pub error: Option<&'a str>,
    /// Response bytes.
    pub bytes: Option<u64>,
    /// Concurrent users at that moment.
    pub users: Option<f64>,
}

/// Writes the `requests` table batch by batch.
pub struct RequestWriter {
    writer: Box<dyn TableWriter>,
    batch: Batch,
    rows: u64,
}

impl RequestWriter {
    /// Starts the table at `path`.
    pub fn create(exporter: &dyn TableExporter, path: &Path) -> Result<RequestWriter, ExportError> {
        Ok(RequestWriter {
            writer: exporter.create(path, Table::Requests.columns())?,
            batch: Batch::new(Table::Requests, BATCH_ROWS),
            rows: 0,
        })
    }

    /// Adds a row; a full batch is written.
    pub fn push(&mut self, r: &RequestRow<'_>) -> Result<(), ExportError> {
        let text = |v: Option<&str>| Cell::Text(v.map(str::to_string));
        let kind =
            (r.ok == Some(false)).then(|| r.failure.unwrap_or(FailureKind::Other).to_string());
        self.batch.push(vec![
            Cell::Int(Some(r.t_ms)),
            text(r.stage),
            text(Some(r.source)),
            text(r.method),
            text(Some(r.endpoint)),
            r.latency_ms.into(),
            r.ok.into(),
            kind.into(),
            text(r.error.filter(|e| !e.is_empty())),
            Cell::Int(r.bytes.and_then(|b| i64::try_from(b).ok())),
            r.users.into(),
        ]);
        self.rows += 1;
        if self.batch.rows() >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ExportError> {
        if self.batch.rows() > 0 {
            self.writer.write(&self.batch)?;
            self.batch.clear();
        }
        Ok(())
    }

    /// Writes the last batch and completes the file; returns the rows written.
    pub fn finish(mut self) -> Result<u64, ExportError> {
        self.flush()?;
        self.writer.finish()?;
        Ok(self.rows)
    }
}
